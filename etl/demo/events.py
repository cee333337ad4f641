"""The demo zone's list of local events, as a municipality's event desk keeps it.

Kermissen, fuiven in the youth centres, tournaments in the sports halls, a
wielerwedstrijd, a jaarmarkt and a kerstmarkt per municipality: what a wijkcoördinator
plans the inspectors around. The list runs from the start of the demo period to
:data:`PLANNED_DAYS` after its end, so the briefing has events to come as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from etl.demo.formats import coord_text
from etl.demo.geography import Geography
from etl.demo.planted import Poi
from etl.demo.rhythms import Period

#: The list also holds the events planned for this many days after the demo period.
PLANNED_DAYS = 60


@dataclass
class Event:
    """One event of the list."""

    event_type: str
    name: str
    start: datetime
    end: datetime | None
    place: str
    x: float
    y: float
    visitors: int
    organiser: str
    status: str = "Goedgekeurd"


def _weekday_on_or_after(d: date, weekday: int) -> date:
    """First date on or after ``d`` falling on ``weekday`` (Monday = 0)."""
    return d + timedelta(days=(weekday - d.weekday()) % 7)


def make_events(
    geo: Geography, pois: list[Poi], period: Period, rng: np.random.Generator
) -> list[Event]:
    """Every event from the period's first day to :data:`PLANNED_DAYS` after its end."""
    spec = geo.spec
    first, last = period.start, period.end + timedelta(days=PLANNED_DAYS)
    out: list[Event] = []

    def jitter(x: float, y: float, r: float) -> tuple[float, float]:
        a, d = rng.uniform(0, 2 * np.pi), rng.uniform(0, r)
        return float(round(x + d * np.cos(a), 1)), float(round(y + d * np.sin(a), 1))

    def add(kind, name, start, end, place, xy, visitors, organiser):
        if first <= start.date() <= last:
            out.append(Event(kind, name, start, end, place, *xy, int(visitors), organiser))

    youth = [p for p in pois if "jeugd" in p.poi_type.lower()]
    halls = [p for p in pois if "sport" in p.poi_type.lower()]
    for year in range(first.year, last.year + 1):
        for dg in spec.deelgemeenten:
            # The kermis: a weekend between June and September, Friday evening to Monday night.
            friday = _weekday_on_or_after(
                date(year, 6, 1) + timedelta(days=int(rng.integers(0, 100))), 4
            )
            start = datetime.combine(friday, datetime.min.time()) + timedelta(hours=18)
            add("Kermis", f"Kermis {dg.name}", start, start + timedelta(days=3, hours=6),
                "Dorpsplein", jitter(*dg.centre, 60), rng.integers(15, 50) * 100,
                f"Feestcomité {dg.name}")  # fmt: skip
        for p in youth:
            # A fuif about once a month, on a Saturday night.
            for month in range(1, 13):
                if rng.random() < 0.25:
                    continue
                sat = _weekday_on_or_after(
                    date(year, month, 1) + timedelta(days=int(rng.integers(0, 21))), 5
                )
                start = datetime.combine(sat, datetime.min.time()) + timedelta(hours=22)
                add("Fuif", f"Fuif {p.name}", start, start + timedelta(hours=6), p.name,
                    (p.x, p.y), rng.integers(2, 7) * 100, p.name)  # fmt: skip
        for p in halls:
            for _ in range(4):
                sat = _weekday_on_or_after(
                    date(year, 1, 1) + timedelta(days=int(rng.integers(0, 360))), 5
                )
                start = datetime.combine(sat, datetime.min.time()) + timedelta(hours=9)
                add("Sportevenement", f"Tornooi {p.name}", start, start + timedelta(hours=11),
                    p.name, (p.x, p.y), rng.integers(1, 5) * 100, "Sportraad")  # fmt: skip
        for m in spec.municipalities:
            dg = next(d for d in spec.deelgemeenten if d.nis_code == m.nis_code)
            sunday = _weekday_on_or_after(
                date(year, 4, 1) + timedelta(days=int(rng.integers(0, 150))), 6
            )
            start = datetime.combine(sunday, datetime.min.time()) + timedelta(hours=13)
            add("Wielerwedstrijd", f"Wielerwedstrijd {m.name}", start, start + timedelta(hours=5),
                "Parcours in de dorpskern", jitter(*dg.centre, 150), rng.integers(5, 16) * 100,
                "Wielerclub")  # fmt: skip
            sunday = _weekday_on_or_after(
                date(year, 9, 1) + timedelta(days=int(rng.integers(0, 40))), 6
            )
            # The jaarmarkt is listed by its day only: the list gives no hours.
            add("Markt", f"Jaarmarkt {m.name}", datetime.combine(sunday, datetime.min.time()), None,
                "Markt", jitter(*dg.centre, 40), rng.integers(20, 60) * 100,
                f"Gemeente {m.name}")  # fmt: skip
            friday = _weekday_on_or_after(date(year, 12, 8), 4)
            start = datetime.combine(friday, datetime.min.time()) + timedelta(hours=17)
            add("Markt", f"Kerstmarkt {m.name}", start, start + timedelta(days=2, hours=5),
                "Markt", jitter(*dg.centre, 40), rng.integers(10, 40) * 100,
                f"Gemeente {m.name}")  # fmt: skip
    out.sort(key=lambda e: (e.start, e.name))
    # Each sports hall's first tournament of a year is called off: the list keeps it,
    # "Afgelast" (no random draw, so the other events and the planted noise stay as they were).
    seen: set[tuple[str, int]] = set()
    for e in out:
        if e.event_type == "Sportevenement" and (e.name, e.start.year) not in seen:
            seen.add((e.name, e.start.year))
            e.status = "Afgelast"
    return out


def events_frame(events: list[Event]) -> tuple[pd.DataFrame, np.ndarray]:
    """The event list (``;``, UTF-8, decimal comma) and each row's year (one file per year).

    Dossier numbers are ``EV-<jaar>-<nnn>``, numbered per year in order of the start.
    """
    years = np.array([e.start.year for e in events], dtype=int)
    seq: dict[int, int] = {}
    ids = []
    for e in events:
        seq[e.start.year] = seq.get(e.start.year, 0) + 1
        ids.append(f"EV-{e.start.year}-{seq[e.start.year]:03d}")
    frame = pd.DataFrame(
        {
            "Dossiernummer": ids,
            "Evenement": [e.name for e in events],
            "Type": [e.event_type for e in events],
            "Begin": [e.start.strftime("%d/%m/%Y %H:%M") for e in events],
            "Einde": [e.end.strftime("%d/%m/%Y %H:%M") if e.end else "" for e in events],
            "Locatie": [e.place for e in events],
            "X": coord_text(np.array([e.x for e in events], float)),
            "Y": coord_text(np.array([e.y for e in events], float)),
            "Verwachte bezoekers": [str(e.visitors) for e in events],
            "Organisator": [e.organiser for e in events],
            "Status": [e.status for e in events],
        }
    )
    # The jaarmarkt's day only: "14/09/2025", as the desk writes a whole-day event.
    day_only = [e.end is None and e.start.hour == 0 and e.start.minute == 0 for e in events]
    frame.loc[day_only, "Begin"] = frame.loc[day_only, "Begin"].str.slice(0, 10)
    return frame, years


#: Planted nuisance per event at scale 1 (a mean; the count is Poisson): the reports a
#: night of loud music or a kermis brings within :data:`PLANTED_RADIUS_M` of it, from its
#: start until two hours after its end. A share of the fuiven passes without any.
PLANTED_REPORTS = {"Fuif": 3.0, "Kermis": 4.0}
PLANTED_QUIET_SHARE = 0.4
PLANTED_RADIUS_M = 120.0


def event_nuisance(
    events: list[Event],
    period: Period,
    rng: np.random.Generator,
    scale: float,
    nuisance_types: tuple[str, ...],
) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray], list[dict]]:
    """Nuisance reports around the fuiven and kermissen of the period, for the register.

    Returns the reports as ``(x, y, type index, minutes since the period's start)`` and, per
    event with reports, what was planted (``event``, ``start``, ``reports``) for the ground
    truth: the briefing's follow-up must find those events more than usual.
    """
    empty = np.zeros(0)
    if not nuisance_types:
        return (empty, empty, empty.astype(int), empty.astype(np.int64)), []
    noise = next((i for i, t in enumerate(nuisance_types) if "geluid" in t.lower()), 0)
    t0 = datetime.combine(period.start, datetime.min.time())
    end_min = period.n_days * 24 * 60
    xs, ys, ts, planted = [], [], [], []
    for e in events:
        rate = PLANTED_REPORTS.get(e.event_type)
        if rate is None or rng.random() < PLANTED_QUIET_SHARE:
            continue
        start = int((e.start - t0).total_seconds() // 60)
        stop = int(((e.end or e.start + timedelta(days=1)) - t0).total_seconds() // 60) + 120
        if stop > end_min:
            continue  # not over before the data end
        n = int(rng.poisson(rate * scale))
        if n == 0:
            continue
        r = PLANTED_RADIUS_M * np.sqrt(rng.random(n))
        a = rng.uniform(0, 2 * np.pi, n)
        xs.append(e.x + r * np.cos(a))
        ys.append(e.y + r * np.sin(a))
        ts.append(rng.integers(start, stop, n))
        planted.append(
            {"event": e.name, "start": e.start.isoformat(timespec="minutes"), "reports": n}
        )
    if not xs:
        return (empty, empty, empty.astype(int), empty.astype(np.int64)), []
    x, y, t = np.concatenate(xs), np.concatenate(ys), np.concatenate(ts).astype(np.int64)
    return (x, y, np.full(len(x), noise), t), planted
