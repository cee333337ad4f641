"""Registers kept beside ISLP: the nuisance register and the wijk task list."""

from __future__ import annotations

import numpy as np
import pandas as pd

from etl.demo.formats import NO_TIME, coord_text, int_text, zero_padded
from etl.demo.geography import Geography
from etl.demo.planted import HotSpot
from etl.demo.rhythms import (
    MINUTES_PER_DAY,
    PROFILES,
    Period,
    profile_for,
    sample_times,
    shares_for,
)

NUISANCE_PER_YEAR = 1500
TASKS_PER_YEAR = 2500

NUISANCE_SHARES = {
    "geluid": 0.22, "sluikstort": 0.14, "hangjong": 0.10, "parkeer": 0.16, "burenruzie": 0.09,
    "drug": 0.05, "wildplas": 0.04, "zwerfvuil": 0.12, "dier": 0.06,
}  # fmt: skip
CHANNELS = np.array(["Telefoon", "E-mail", "Meldingsformulier", "Wijkinspecteur", "Loket",
                     "Noodoproep 101"], dtype=object)  # fmt: skip
CHANNEL_P = np.array([0.34, 0.18, 0.22, 0.14, 0.07, 0.05])
NUISANCE_HEADER = [
    "Meldingsnummer", "Datum melding", "Type overlast", "Straat", "Huisnummer", "Postcode",
    "Gemeente", "Lambert X", "Lambert Y", "Status", "Bron",
]  # fmt: skip


def sequence_ids(prefix: str, years: np.ndarray, order_key: np.ndarray, width: int) -> np.ndarray:
    """``<prefix><jaar>-<volgnummer>`` numbered per year in time order."""
    order = np.lexsort((order_key, years))
    ys = years[order]
    start = np.r_[0, np.flatnonzero(ys[1:] != ys[:-1]) + 1]
    seq = np.arange(ys.size) - np.repeat(start, np.diff(np.r_[start, ys.size])) + 1
    ids = np.empty(ys.size, dtype=object)
    ids[order] = prefix + int_text(ys) + "-" + zero_padded(seq, width)
    return ids


def nuisance_frame(
    geo: Geography,
    period: Period,
    rng: np.random.Generator,
    scale: float,
    hot_spots: list[HotSpot],
    tf,
    extra: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> tuple[pd.DataFrame, np.ndarray]:
    """The nuisance register rows and their calendar years.

    Noise and loitering peak on summer weekend nights; dumping is reported on weekday
    mornings. Planted drug-nuisance reports sit on the drugs hot spot; ``extra`` adds
    reports given as ``(x, y, type index, minutes)`` (the noise around events:
    :func:`etl.demo.events.event_nuisance`).
    """
    from etl.demo.incidents import house_numbers

    spec = geo.spec
    types = spec.nuisance_types or ("Overlast",)
    n = int(round(NUISANCE_PER_YEAR * period.years * scale))
    per = rng.multinomial(n, shares_for(types, NUISANCE_SHARES, 0.04))
    xs, ys, ks, ts = [], [], [], []
    for k, (t, m) in enumerate(zip(types, per, strict=True)):
        x, y = geo.sample(rng, int(m), centre_share=0.65, road_share=0.15)
        xs.append(x)
        ys.append(y)
        ks.append(np.full(m, k))
        ts.append(sample_times(rng, int(m), period, profile_for(t), rng.uniform(-0.1, 0.2)))
    for hs in hot_spots:
        if not hs.nuisance_type or hs.nuisance_type not in types:
            continue
        m = max(10, int(round(hs.nuisance_per_year * period.years * scale)))
        r = hs.radius_m * np.sqrt(rng.random(m))
        a = rng.uniform(0, 2 * np.pi, m)
        xs.append(hs.x + r * np.cos(a))
        ys.append(hs.y + r * np.sin(a))
        ks.append(np.full(m, types.index(hs.nuisance_type)))
        ts.append(sample_times(rng, m, period, PROFILES["youth"]))
    if extra is not None:
        for acc, v in zip((xs, ys, ks, ts), extra, strict=True):
            acc.append(v)
    x, y, k, t = (np.concatenate(v) for v in (xs, ys, ks, ts))
    n = len(x)
    wijk = geo.wijk_of(x, y)
    muni = geo.wijk_to_muni[wijk]
    deel = geo.wijk_to_deel[wijk]
    anchor = geo.nearest_anchor(x, y, muni)
    end_min = period.n_days * MINUTES_PER_DAY
    age = (end_min - t) / MINUTES_PER_DAY
    u = rng.random(n)
    status = np.where(age < 3, np.where(u < 0.7, "Nieuw", "In behandeling"),
                      np.where(age < 30, np.where(u < 0.5, "In behandeling", "Afgehandeld"),
                               "Afgehandeld"))  # fmt: skip
    no_xy = rng.random(n) < 0.05
    lx, ly = x.copy(), y.copy()
    lx[no_xy] = np.nan
    ly[no_xy] = np.nan
    years = tf.year(t)
    df = pd.DataFrame(
        {
            "Meldingsnummer": sequence_ids("OV", years, t, 5),
            "Datum melding": tf.datetime(t),
            "Type overlast": np.array(types, dtype=object)[k],
            "Straat": geo.anchor_street[anchor],
            "Huisnummer": house_numbers(rng, geo.anchor_number[anchor]),
            "Postcode": np.array([d.postcode for d in spec.deelgemeenten], dtype=object)[deel],
            "Gemeente": np.array([m.name for m in spec.municipalities], dtype=object)[muni],
            # A modern municipal tool: UTF-8 and decimal *points*, whole-metre precision.
            "Lambert X": coord_text(lx, 0, comma=False),
            "Lambert Y": coord_text(ly, 0, comma=False),
            "Status": status.astype(object),
            "Bron": CHANNELS[rng.choice(len(CHANNELS), n, p=CHANNEL_P)],
        }
    )
    df["Straat"], df["Huisnummer"] = hand_written(rng, df["Straat"], df["Huisnummer"])
    order = np.argsort(t, kind="stable")
    return df.iloc[order].reset_index(drop=True), years[order]


#: How a register kept by hand shortens a street name ("Kerkstr.", "Grote Stwg.", "Berkenln.").
_SHORT_FORMS = (("steenweg", "stwg."), ("Steenweg", "Stwg."), ("straat", "str."), ("laan", "ln."))


def hand_written(
    rng: np.random.Generator, streets: pd.Series, numbers: pd.Series, share: float = 0.08
) -> tuple[np.ndarray, np.ndarray]:
    """Streets and house numbers as a register kept by hand writes some of them: a share
    of the streets abbreviated, a letter after the number in lower case ("12b"), and a box
    with a slash ("12/3" for "12 bus 3"). The same address, written otherwise: the build
    counts it as one address (``intermediate.int_address_streets``, ``int_address_numbers``)."""
    street = streets.to_numpy(dtype=object).copy()
    number = numbers.to_numpy(dtype=object).copy()
    short = rng.random(len(street)) < share
    for i in np.flatnonzero(short):
        for long_form, short_form in _SHORT_FORMS:
            if street[i].endswith(long_form):
                street[i] = street[i][: -len(long_form)] + short_form
                break
    lower = rng.random(len(number)) < 0.5
    lettered = pd.Series(number).str.fullmatch(r"\d+[A-Z]").to_numpy(dtype=bool)
    number[lower & lettered] = pd.Series(number[lower & lettered], dtype=object).str.lower()
    # (The same draw decides: the other kinds' data stay as they were.)
    boxed = pd.Series(number).str.fullmatch(r"\d+ bus \d+").to_numpy(dtype=bool)
    number[lower & boxed] = pd.Series(number[lower & boxed], dtype=object).str.replace(
        " bus ", "/", regex=False
    )
    return street, number


TASK_SHARES = {
    "kantschrift": 0.30, "woonst": 0.30, "pv-opvolg": 0.14, "wijkcontact": 0.11,
    "bemiddel": 0.05, "vergunning": 0.10,
}  # fmt: skip
TASK_HEADER = [
    "Taaknummer", "Type taak", "Ontvangen", "Termijn", "Afgesloten", "Wijk", "Wijkinspecteur",
    "Status", "Straat", "Huisnr", "Gemeente", "Referentie",
]  # fmt: skip


def tasks_frame(
    geo: Geography,
    period: Period,
    rng: np.random.Generator,
    scale: float,
    tf,
    incident_pv: np.ndarray,
    incident_wijk: np.ndarray,
    sectors: list | None = None,
    overloaded_wijk: int | None = None,
) -> tuple[pd.DataFrame, np.ndarray, dict[str, int]]:
    """The wijk task list, its calendar years and the counts of deliberately odd rows.

    Each task's address is a street anchor inside a statistical sector of its wijk (when
    ``sectors`` are given), so the task can be located through the zone's address list.
    ``overloaded_wijk`` gets about 60 % more tasks than its population warrants.

    Lead times scatter around 60 % of the deadline with a long tail, so some tasks run late;
    recent tasks are still open, recently finished ones wait in the ``Te controleren`` queue,
    and a few rows are inconsistent on purpose (closed before received; finished without a
    closing date) so the dashboard's quality checks have something to show.
    """
    from etl.demo.incidents import house_numbers

    spec = geo.spec
    tt = spec.task_types
    n = int(round(TASKS_PER_YEAR * period.years * scale))
    kind = rng.choice(len(tt), n, p=shares_for(tuple(t.name for t in tt), TASK_SHARES, 0.08))
    received = sample_times(rng, n, period, PROFILES["tasks"])
    received -= received % MINUTES_PER_DAY
    deadline = np.array([t.deadline_days for t in tt])[kind]
    due = received + deadline * MINUTES_PER_DAY
    lead = np.exp(rng.normal(np.log(0.55 * deadline), 0.6, n)).round().astype(np.int64)
    closed = received + lead * MINUTES_PER_DAY
    end_min = (period.n_days - 1) * MINUTES_PER_DAY
    forgotten = rng.random(n) < 0.01
    is_open = (closed > end_min) | forgotten
    status = np.where(is_open, "Open", "Afgewerkt").astype(object)
    recent = (~is_open) & (closed > end_min - 21 * MINUTES_PER_DAY)
    qc = recent & (rng.random(n) < 0.5)
    status[qc] = "Te controleren"
    closed = np.where(is_open, NO_TIME, closed)
    odd_before = (~is_open) & (rng.random(n) < 0.003)
    closed[odd_before] = (
        received[odd_before] - rng.integers(1, 20, odd_before.sum()) * MINUTES_PER_DAY
    )
    odd_empty = (~is_open) & ~odd_before & (status == "Afgewerkt") & (rng.random(n) < 0.001)
    closed[odd_empty] = NO_TIME

    # Wijken were drawn to serve about the same number of inhabitants, so the volume per
    # wijk follows its population, give or take a fifth; one wijk carries clearly more
    # (the story the workload page must reveal).
    wijk, anchor = _task_places(geo, rng, n, sectors, overloaded_wijk)
    muni = geo.wijk_to_muni[wijk]
    ref = np.full(n, "", dtype=object)
    wants = np.array(["pv" in tt[k].name.lower() for k in kind]) | (rng.random(n) < 0.2)
    for w in range(len(spec.wijken)):
        pool = incident_pv[(incident_wijk == w) & (incident_pv != "")]
        sel = np.flatnonzero(wants & (wijk == w))
        if pool.size and sel.size:
            ref[sel] = pool[rng.integers(0, pool.size, sel.size)]
    years = tf.year(received)
    df = pd.DataFrame(
        {
            "Taaknummer": sequence_ids("WT", years, received, 5),
            "Type taak": np.array([t.name for t in tt], dtype=object)[kind],
            "Ontvangen": tf.date(received),
            "Termijn": tf.date(due),
            "Afgesloten": tf.date(closed),
            "Wijk": np.array([w.code for w in spec.wijken], dtype=object)[wijk],
            "Wijkinspecteur": np.array([w.inspector for w in spec.wijken], dtype=object)[wijk],
            "Status": status,
            "Straat": geo.anchor_street[anchor],
            "Huisnr": house_numbers(rng, geo.anchor_number[anchor]),
            "Gemeente": np.array([m.name for m in spec.municipalities], dtype=object)[muni],
            "Referentie": ref,
        }
    )
    order = np.argsort(received, kind="stable")
    odd = {
        "closed_before_received": int(odd_before.sum()),
        "finished_without_closing_date": int(odd_empty.sum()),
        "open_overdue": int((is_open & (due < end_min)).sum()),
        "te_controleren": int(qc.sum()),
    }
    return df.iloc[order].reset_index(drop=True), years[order], odd


#: Spread of the task volume per inhabitant between wijken, and the overloaded wijk's factor.
TASK_FACTOR_RANGE = (0.8, 1.2)
OVERLOAD_FACTOR = 1.6


def _task_places(
    geo: Geography,
    rng: np.random.Generator,
    n: int,
    sectors: list | None,
    overloaded_wijk: int | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Wijk and street anchor (the address) of each task.

    Wijk: proportional to population × a factor in :data:`TASK_FACTOR_RANGE`
    (× :data:`OVERLOAD_FACTOR` for ``overloaded_wijk``). Within the wijk: a sector in
    proportion to its population, then one of its anchors. Without sectors the anchor is
    the nearest one to a clustered point inside the wijk.
    """
    spec = geo.spec
    pop = np.array([max(w.population, 1) for w in spec.wijken], float)
    factor = rng.uniform(*TASK_FACTOR_RANGE, len(pop))
    if overloaded_wijk is not None:
        factor[overloaded_wijk] = OVERLOAD_FACTOR
    share = pop * factor
    wijk = rng.choice(len(pop), size=n, p=share / share.sum())
    anchor = np.empty(n, dtype=np.int64)
    for w in range(len(pop)):
        sel = np.flatnonzero(wijk == w)
        if not sel.size:
            continue
        # Only anchors with a house number: nobody files a woonstvaststelling on a motorway.
        own = [
            (s, s.anchors[geo.anchor_number[s.anchors] > 0]) for s in (sectors or []) if s.wijk == w
        ]
        own = [(s, a) for s, a in own if len(a)]
        if own:
            weights = np.array([max(s.population, 1) for s, _ in own], float)
            pick = rng.choice(len(own), size=sel.size, p=weights / weights.sum())
            for j, (_, homes) in enumerate(own):
                hit = sel[pick == j]
                anchor[hit] = homes[rng.integers(0, len(homes), hit.size)]
            continue
        # No sectors: clustered points, kept only inside this wijk.
        xs, ys = geo.sample(rng, sel.size * 12 + 50, centre_share=0.6, road_share=0.15)
        mine = geo.wijk_of(xs, ys) == w
        if not mine.any():
            xs, ys, mine = (
                np.array(spec.wijk_seeds[w][:1]),
                np.array(spec.wijk_seeds[w][1:]),
                [True],
            )
        xs, ys = np.asarray(xs)[mine], np.asarray(ys)[mine]
        take = rng.integers(0, len(xs), sel.size)
        muni = np.full(sel.size, geo.wijk_to_muni[w])
        anchor[sel] = geo.nearest_anchor(xs[take], ys[take], muni)
    return wijk, anchor


def poi_frame(pois) -> pd.DataFrame:
    """The POI list (``;``, UTF-8, decimal comma)."""
    return pd.DataFrame(
        {
            "Type": [p.poi_type for p in pois],
            "Naam": [p.name for p in pois],
            "X": coord_text(np.array([p.x for p in pois])),
            "Y": coord_text(np.array([p.y for p in pois])),
        }
    )
