"""ISLP-like incident records: background, planted hot spots, located and unlocated rows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from etl.demo.formats import NO_TIME
from etl.demo.geography import Geography
from etl.demo.planted import HotSpot
from etl.demo.rhythms import MINUTES_PER_DAY, Period, profile_for, sample_times, shares_for

INCIDENTS_PER_YEAR = 3500

#: Shares of a Flemish suburban zone's incident mix, matched on keywords.
CATEGORY_SHARES = {
    "inbraak": 0.12, "voertuig": 0.11, "fiets": 0.10, "winkel": 0.08, "gauw": 0.04,
    "vandal": 0.16, "slagen": 0.09, "intrafam": 0.08, "drug": 0.07, "oplicht": 0.09,
    "verkeersagr": 0.02, "bedreig": 0.04,
}  # fmt: skip

DESCRIPTIONS = {
    "inbraak": ["Inbraak in woning via achterdeur", "Poging tot inbraak, raam geforceerd",
                "Inbraak tijdens afwezigheid bewoners", "Inbraak via schuifraam, juwelen weg"],
    "voertuig": ["Autoruit ingeslagen, tas gestolen", "Diefstal nummerplaat",
                 "Katalysator gestolen", "Gps en laptop uit wagen gestolen"],
    "fiets": ["Elektrische fiets gestolen aan station", "Fiets gestolen, slot doorgeknipt",
              "Fiets weggenomen uit garage"],
    "winkel": ["Winkeldiefstal, verdachte aangehouden", "Diefstal drank in supermarkt"],
    "gauw": ["Portefeuille gerold op de markt", "Gsm gestolen uit handtas"],
    "vandal": ["Beschadiging voertuig", "Graffiti op gevel", "Vernieling bushokje",
               "Bloembakken vernield"],
    "slagen": ["Vechtpartij na café-uitbaat", "Slagen na verkeersongeval", "Vechtpartij op fuif"],
    "intrafam": ["Partnergeweld, interventie ter plaatse", "Conflict ex-partners"],
    "drug": ["Bezit cannabis", "Verkoop verdovende middelen", "Drugsgebruik in openbare ruimte"],
    "oplicht": ["Phishing via sms", "Valse bankbediende aan de deur", "Internetoplichting tweedehandssite"],
    "verkeersagr": ["Bestuurder bedreigd na inhaalmanoeuvre", "Agressie na parkeerconflict"],
    "bedreig": ["Bedreiging door buurman", "Bedreiging via sociale media"],
}  # fmt: skip

STATUSES = np.array(["Lopend", "Afgesloten", "Geseponeerd"], dtype=object)

#: Where each kind of incident happens (keyword -> arguments for Geography.sample).
PLACES = {
    "winkel": {"centre_share": 0.8, "road_share": 0.2, "centre_sigma_m": 300},
    "gauw": {"centre_share": 0.85, "road_share": 0.1, "centre_sigma_m": 300},
    "inbraak": {"centre_share": 0.5, "road_share": 0.1, "centre_sigma_m": 900},
    "voertuig": {"centre_share": 0.45, "road_share": 0.35},
    "fiets": {"centre_share": 0.7, "road_share": 0.2, "centre_sigma_m": 400},
}


@dataclass
class Incidents:
    """Incident records as column arrays (coordinates NaN when the row has none)."""

    x: np.ndarray
    y: np.ndarray
    true_x: np.ndarray
    true_y: np.ndarray
    category: np.ndarray
    occurred_from: np.ndarray
    occurred_to: np.ndarray
    registered: np.ndarray
    status: np.ndarray
    description: np.ndarray
    outside: np.ndarray
    bad: np.ndarray  # 0 ok, 1 unparseable date, 2 empty PV number

    def __len__(self) -> int:
        return len(self.x)


def _window(rng, moments, is_window, end_min):
    """From-to windows: burglaries etc. are often only known as 'between leaving and return'."""
    n = len(moments)
    has = is_window & (rng.random(n) < 0.8)
    dur = np.exp(rng.normal(np.log(6 * 60), 0.8, n)).clip(60, 48 * 60)
    before = dur * rng.random(n)
    start = moments - before.astype(np.int64)
    start = start - start % 15  # people report "around" quarter hours
    stop = start + dur.astype(np.int64)
    stop = stop + (-stop) % 15
    stop = np.minimum(stop, end_min)
    occ_from = np.where(has, start, moments)
    occ_to = np.where(has & (stop > occ_from), stop, NO_TIME)
    return occ_from, occ_to


def make_incidents(
    geo: Geography,
    period: Period,
    rng: np.random.Generator,
    scale: float,
    hot_spots: list[HotSpot],
) -> Incidents:
    """Draw the incidents of the whole period.

    Parameters
    ----------
    geo : Geography
    period : Period
    rng : numpy.random.Generator
    scale : float
        Multiplier on the yearly volume (1.0 ≈ 3,500 incidents a year).
    hot_spots : list of HotSpot
        Planted clusters added on top of the background.

    Returns
    -------
    Incidents
    """
    spec = geo.spec
    cats = spec.incident_categories
    shares = shares_for(cats, CATEGORY_SHARES, 0.03)
    n = int(round(INCIDENTS_PER_YEAR * period.years * scale))
    per_cat = rng.multinomial(n, shares)
    xs, ys, cs, ts = [], [], [], []
    for k, (cat, m) in enumerate(zip(cats, per_cat, strict=True)):
        if m == 0:
            continue
        low = cat.lower()
        place = next((v for key, v in PLACES.items() if key in low), {})
        x, y = geo.sample(rng, int(m), **place)
        trend = rng.uniform(-0.15, 0.15)
        xs.append(x)
        ys.append(y)
        cs.append(np.full(m, k))
        ts.append(sample_times(rng, int(m), period, profile_for(cat), trend))
    for hs in hot_spots:
        k = cats.index(hs.category)
        days = hs.day_to - hs.day_from
        m = max(10, int(round(hs.per_year * days / 365.25 * scale)))
        r = hs.radius_m * np.sqrt(rng.random(m))
        a = rng.uniform(0, 2 * np.pi, m)
        xs.append(hs.x + r * np.cos(a))
        ys.append(hs.y + r * np.sin(a))
        cs.append(np.full(m, k))
        ts.append(sample_times(rng, m, period, profile_for(hs.category), 0.0,
                               (hs.day_from, hs.day_to)))  # fmt: skip
    x = np.concatenate(xs)
    y = np.concatenate(ys)
    # Planted records keep clean coordinates, so the ground truth is exact at any scale.
    planted = np.arange(len(x)) >= int(per_cat.sum())
    cat = np.concatenate(cs)
    t = np.concatenate(ts)
    n = len(x)
    end_min = period.n_days * MINUTES_PER_DAY - 1

    is_window = np.isin(cat, [cats.index(c) for c in spec.window_categories if c in cats])
    occ_from, occ_to = _window(rng, t, is_window, end_min)

    # Registration follows the facts: hours for most, days to weeks for fraud (found late).
    facts_end = np.where(occ_to == NO_TIME, occ_from, occ_to)
    delay = np.exp(rng.normal(np.log(150), 1.1, n))
    fraud = np.isin(cat, [i for i, c in enumerate(cats) if "oplicht" in c.lower()])
    delay[fraud] *= 40
    registered = np.minimum(facts_end + delay.astype(np.int64) + 5, end_min)
    registered = np.maximum(registered, facts_end)

    age_days = (end_min - registered) / MINUTES_PER_DAY
    p_open = 0.12 + 0.85 * np.exp(-age_days / 90)
    u = rng.random(n)
    status = np.where(u < p_open, 0, np.where(rng.random(n) < 0.72, 1, 2))

    desc = np.empty(n, dtype=object)
    for k, c in enumerate(cats):
        sel = np.flatnonzero(cat == k)
        opts = next((v for key, v in DESCRIPTIONS.items() if key in c.lower()), [f"Feiten: {c}"])
        desc[sel] = np.array(opts, dtype=object)[rng.integers(0, len(opts), sel.size)]

    true_x, true_y = x.copy(), y.copy()
    # ~0.3 % lie outside the zone (typing errors, facts just over the border): kept, flagged.
    background = np.flatnonzero(~planted)
    # At least one of every deliberate fault, so even a tiny demo exercises the ETL's paths.
    must = rng.choice(background, size=min(3, background.size), replace=False)
    outside = (rng.random(n) < 0.003) & ~planted
    outside[must[:1]] = True
    ox, oy = geo.outside(rng, int(outside.sum()))
    x[outside], y[outside] = ox, oy
    # ~2 % only have an address (the geocoder of the source system failed).
    no_xy = (rng.random(n) < 0.02) & ~outside & ~planted
    x[no_xy] = np.nan
    y[no_xy] = np.nan
    bad = np.zeros(n, np.int8)
    b = rng.random(n)
    bad[(b < 0.001) & ~planted] = 1
    bad[(b >= 0.001) & (b < 0.002) & ~planted] = 2
    if not (bad == 1).any() and must.size > 1:
        bad[must[1]] = 1
    if not (bad == 2).any() and must.size > 2:
        bad[must[2]] = 2
    return Incidents(x, y, true_x, true_y, cat, occ_from, occ_to, registered,
                     STATUSES[status], desc, outside, bad)  # fmt: skip


INCIDENT_HEADER = [
    "PV-nummer", "Datum feit", "Einddatum feit", "Registratiedatum", "Categorie", "Omschrijving",
    "Straat", "Huisnr", "Postcode", "Gemeente", "X", "Y", "Status", "Wijkinspecteur",
]  # fmt: skip


def house_numbers(rng: np.random.Generator, base: np.ndarray) -> np.ndarray:
    """House numbers around an anchor's number, some with a letter or a box (``12 bus 3``)."""
    n = len(base)
    num = np.where(base > 0, base + rng.integers(0, 4, n), 0)
    txt = pd.Series(num).astype(str).to_numpy(dtype=object)
    u = rng.random(n)
    letters = np.array(["A", "B", "C"], dtype=object)[rng.integers(0, 3, n)]
    boxes = " bus " + pd.Series(rng.integers(1, 12, n)).astype(str).to_numpy(dtype=object)
    txt = np.where(u < 0.08, txt + letters, txt)
    txt = np.where((u >= 0.08) & (u < 0.12), txt + boxes, txt)
    txt[num == 0] = ""
    return txt


def incidents_frame(
    inc: Incidents, geo: Geography, rng: np.random.Generator, tf, pv: np.ndarray
) -> pd.DataFrame:
    """The export rows (all strings) in the contract's column order."""
    from etl.demo.formats import coord_text

    spec = geo.spec
    wijk = geo.wijk_of(inc.true_x, inc.true_y)
    muni = geo.wijk_to_muni[wijk]
    deel = geo.wijk_to_deel[wijk]
    anchor = geo.nearest_anchor(inc.true_x, inc.true_y, muni)
    cats = np.array(spec.incident_categories, dtype=object)
    df = pd.DataFrame(
        {
            "PV-nummer": pv,
            "Datum feit": tf.datetime(inc.occurred_from),
            "Einddatum feit": tf.datetime(inc.occurred_to),
            "Registratiedatum": tf.datetime(inc.registered),
            "Categorie": cats[inc.category],
            "Omschrijving": inc.description,
            "Straat": geo.anchor_street[anchor],
            "Huisnr": house_numbers(rng, geo.anchor_number[anchor]),
            "Postcode": np.array([d.postcode for d in spec.deelgemeenten], dtype=object)[deel],
            "Gemeente": np.array([m.name for m in spec.municipalities], dtype=object)[muni],
            "X": coord_text(inc.x),
            "Y": coord_text(inc.y),
            "Status": inc.status,
            "Wijkinspecteur": np.array([w.inspector for w in spec.wijken], dtype=object)[wijk],
        }
    )
    # Deliberately broken rows, so the ETL's reject path is exercised with real-looking faults.
    bad_date = np.flatnonzero(inc.bad == 1)
    junk = np.array(["31/02/2024 25:61", "onbekend", "2024-13-45", "??/??/????"], dtype=object)
    df.loc[bad_date, "Datum feit"] = junk[np.arange(bad_date.size) % len(junk)]
    df.loc[inc.bad == 2, "PV-nummer"] = ""
    return df
