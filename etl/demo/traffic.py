"""Traffic: accidents with their victims (zone export and Statbel open data) and controls."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from etl.demo.formats import coord_text, int_text
from etl.demo.geography import Geography
from etl.demo.planted import BlackSpot
from etl.demo.rhythms import (
    MINUTES_PER_DAY,
    PROFILES,
    Period,
    light_condition,
    profile_for,
    sample_times,
    shares_for,
)

INJURY_PER_YEAR = 150
MATERIAL_PER_YEAR = 600
CONTROLS_PER_YEAR = 300

#: Road-user keys used internally, and the Dutch names they stand for.
USER_KEYS = ("PED", "CYC", "MOP", "MOTO", "CAR", "VAN", "TRUCK", "UNK")
USER_NL = ("Voetganger", "Fietser", "Bromfiets", "Motorfiets", "Personenauto", "Bestelwagen",
           "Vrachtwagen", "Onbekend")  # fmt: skip
USER_FR = ("Piéton", "Cycliste", "Cyclomoteur", "Motocyclette", "Voiture", "Camionnette",
           "Camion", "Inconnu")  # fmt: skip
VULNERABLE = {0, 1, 2}

SEVERITY_ACC = np.array(
    ["Dodelijk", "Zwaargewond", "Lichtgewond", "Stoffelijke schade"], dtype=object
)
SEVERITY_VICTIM = np.array(["Gedood binnen 30 dagen", "Zwaargewond", "Lichtgewond"], dtype=object)
SEV_KEY = {"killed": 0, "serious": 1, "light": 2}
AGE_GROUPS = np.array(["0-14", "15-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65-74",
                       "75+", "Onbekend"], dtype=object)  # fmt: skip
AGE_P = np.array([0.06, 0.05, 0.14, 0.17, 0.15, 0.14, 0.12, 0.08, 0.06, 0.03])

# Code lists (code, NL, FR) for the accident attributes. The zone export uses the NL label;
# Statbel's file carries code + both labels.
LIGHT = [(1, "Dag", "Jour"), (2, "Dageraad - schemering", "Aube - crépuscule"),
         (3, "Nacht, ontstoken openbare verlichting", "Nuit, éclairage public allumé"),
         (4, "Nacht, geen openbare verlichting", "Nuit, pas d'éclairage public")]  # fmt: skip
WEATHER = [(1, "Normaal", "Normal"), (2, "Regen", "Pluie"), (3, "Mist", "Brouillard"),
           (4, "Sneeuw", "Neige"), (5, "Harde wind", "Vent fort")]  # fmt: skip
ROAD_COND = [(1, "Droog", "Sec"), (2, "Nat", "Mouillé"), (3, "Sneeuw, ijzel", "Neige, verglas")]
BUILT_UP = [(1, "Binnen bebouwde kom", "Dans agglomération"),
            (2, "Buiten bebouwde kom", "Hors agglomération")]  # fmt: skip
CROSSWAY = [(1, "Op kruispunt", "Dans un carrefour"),
            (2, "Buiten kruispunt", "Hors carrefour")]  # fmt: skip
ROAD_TYPE = [(1, "Autosnelweg", "Autoroute"), (2, "Gewestweg", "Route régionale"),
             (3, "Gemeenteweg", "Route communale")]  # fmt: skip
# Statbel's accident classes (CD_CLASS_ACCIDENTS): killed on the spot, died within 30
# days, seriously and lightly injured.
CLASS = [(1, "met doden", "avec tués"), (2, "met dodelijk gewonden", "avec blessés mortels"),
         (3, "met zwaargewonden", "avec blessés graves"),
         (4, "met lichtgewonden", "avec blessés légers")]  # fmt: skip
COLLISION = [(1, "Kop-staart", "Par l'arrière"), (2, "Frontaal", "Frontale"),
             (3, "Langs de zijkant", "Par le côté"), (4, "Met een voetganger", "Avec un piéton"),
             (5, "Tegen een hindernis", "Contre un obstacle"),
             (6, "Eenzijdig ongeval", "Accident unilatéral")]  # fmt: skip
OBSTACLE = [(0, "Geen hindernis", "Pas d'obstacle"), (1, "Boom", "Arbre"),
            (2, "Paal", "Poteau"), (3, "Vangrail", "Glissière de sécurité"),
            (4, "Geparkeerd voertuig", "Véhicule en stationnement")]  # fmt: skip


@dataclass
class Accidents:
    """Accidents as column arrays; victims in flat arrays keyed by accident index."""

    x: np.ndarray
    y: np.ndarray
    at: np.ndarray
    injury: np.ndarray
    user1: np.ndarray  # index into USER_KEYS
    user2: np.ndarray  # -1 = none (single-vehicle accident)
    light: np.ndarray
    weather: np.ndarray
    built_up: np.ndarray
    crossroads: np.ndarray
    road_type: np.ndarray
    street: np.ndarray
    house: np.ndarray
    muni: np.ndarray
    severity: np.ndarray  # index into SEVERITY_ACC
    v_acc: np.ndarray
    v_sev: np.ndarray
    v_user: np.ndarray
    v_age: np.ndarray

    def __len__(self) -> int:
        return len(self.x)


def _pair(rng, n, injury):
    u1 = rng.choice(8, n, p=[0.0, 0.04, 0.02, 0.04, 0.72, 0.1, 0.05, 0.03])
    if injury:
        p2 = [0.12, 0.3, 0.07, 0.06, 0.3, 0.05, 0.02, 0.0]
    else:
        p2 = [0.0, 0.03, 0.01, 0.02, 0.6, 0.12, 0.06, 0.0]
    single = rng.random(n) < (0.1 if injury else 0.16)
    u2 = rng.choice(8, n, p=np.array(p2) / sum(p2))
    return u1, np.where(single, -1, u2)


def make_accidents(
    geo: Geography,
    period: Period,
    rng: np.random.Generator,
    scale: float,
    black_spots: list[BlackSpot],
) -> Accidents:
    """Draw injury and material-damage accidents, plus the planted black-spot accidents.

    Background accidents within 80 m of a near-threshold location are moved away, so those
    locations keep exactly their planted three accidents.
    """
    n_inj = int(round(INJURY_PER_YEAR * period.years * scale))
    n_mat = int(round(MATERIAL_PER_YEAR * period.years * scale))
    n = n_inj + n_mat
    prof = PROFILES["accident"]
    # Accidents happen on roads: half along the main roads, the rest on local streets.
    x, y = geo.sample(rng, n, centre_share=0.35, road_share=0.5, road_weights=(1.0, 0.25, 0.8),
                      road_spread_m=6.0)  # fmt: skip
    near = [b for b in black_spots if b.label == "near_threshold"]
    for _ in range(5):
        clash = np.zeros(n, bool)
        for b in near:
            clash |= np.hypot(x - b.x, y - b.y) < 80
        if not clash.any():
            break
        x[clash], y[clash] = geo.sample(rng, int(clash.sum()))
    at = sample_times(rng, n, period, prof, rng.uniform(-0.1, 0.05))
    injury = np.r_[np.ones(n_inj, bool), np.zeros(n_mat, bool)]
    u1i, u2i = _pair(rng, n_inj, True)
    u1m, u2m = _pair(rng, n_mat, False)
    user1, user2 = np.r_[u1i, u1m], np.r_[u2i, u2m]
    crossroads = (rng.random(n) < 0.35).astype(np.int64)

    # Planted accidents: fixed victims, times in the last three years (black-spot window).
    px, py, pat, pu1, pu2, pvict = [], [], [], [], [], []
    last3 = (max(0, period.n_days - 3 * 365), period.n_days)
    for b in black_spots:
        m = len(b.accidents)
        r = 15 * np.sqrt(rng.random(m))
        a = rng.uniform(0, 2 * np.pi, m)
        px.append(b.x + r * np.cos(a))
        py.append(b.y + r * np.sin(a))
        pat.append(sample_times(rng, m, period, prof, 0.0, last3))
        for u1, u2, victims in b.accidents:
            pu1.append(USER_KEYS.index(u1))
            pu2.append(USER_KEYS.index(u2))
            pvict.append(victims)
    n_pl = len(pu1)
    if n_pl:
        x, y = np.r_[x, np.concatenate(px)], np.r_[y, np.concatenate(py)]
        at = np.r_[at, np.concatenate(pat)]
        injury = np.r_[injury, np.ones(n_pl, bool)]
        user1, user2 = np.r_[user1, pu1], np.r_[user2, pu2]
        crossroads = np.r_[crossroads, np.ones(n_pl, np.int64)]
    n = len(x)

    wijk = geo.wijk_of(x, y)
    muni = geo.wijk_to_muni[wijk]
    anchor = geo.nearest_anchor(x, y, muni)
    road_type = np.select(
        [
            geo.anchor_road_type[anchor] == "Autosnelweg",
            geo.anchor_road_type[anchor] == "Gewestweg",
        ],
        [0, 1],
        2,
    )
    street = geo.anchor_street[anchor].copy()
    house = (
        pd.Series(geo.anchor_number[anchor] + rng.integers(0, 4, n)).astype(str).to_numpy(object)
    )
    house[(road_type == 0) | (crossroads == 1)] = ""
    for b, start in zip(
        black_spots, np.cumsum([0] + [len(b.accidents) for b in black_spots]), strict=False
    ):
        sl = slice(n - n_pl + start, n - n_pl + start + len(b.accidents))
        street[sl] = b.street.split(" / ")[0]
    crossroads[road_type == 0] = 0

    # Built-up area: villages are built up, motorways never; the rest depends on distance.
    dc = np.min(np.hypot(x[:, None] - geo.spec.centres[None, :, 0],
                         y[:, None] - geo.spec.centres[None, :, 1]), axis=1)  # fmt: skip
    p_built = np.where(dc < 1000, 0.9, 0.3)
    built = np.where((rng.random(n) < p_built) & (road_type != 0), 0, 1)

    # Night → lighting depends on being built up: unlit roads are mostly outside the villages.
    lc = light_condition(period, at)
    lit = rng.random(n) < np.where(built == 0, 0.9, 0.35)
    light = np.where(lc == 2, np.where(lit, 2, 3), lc)

    month = (np.datetime64(period.start, "D") + at // MINUTES_PER_DAY).astype("datetime64[M]")
    month = month.astype(int) % 12
    winter = np.isin(month, [0, 1, 10, 11])
    hour = (at % MINUTES_PER_DAY) // 60
    u = rng.random(n)
    p_rain = np.where(winter, 0.2, 0.12)
    p_fog = np.where(winter & (hour < 11), 0.05, 0.01)
    p_snow = np.where(np.isin(month, [0, 1, 11]), 0.03, 0.0)
    weather = np.select([u < p_rain, u < p_rain + p_fog, u < p_rain + p_fog + p_snow,
                         u < p_rain + p_fog + p_snow + 0.01], [1, 2, 3, 4], 0)  # fmt: skip

    # Victims: one or more per injury accident; planted accidents use their fixed list.
    inj_idx = np.flatnonzero(injury[: n - n_pl])
    nv = 1 + rng.poisson(0.3, inj_idx.size)
    v_acc = np.repeat(inj_idx, nv)
    first = np.r_[True, v_acc[1:] != v_acc[:-1]]
    u2v = user2[v_acc]
    vulnerable_other = np.isin(u2v, [0, 1, 2, 3])
    v_user = np.where(first & vulnerable_other, u2v, user1[v_acc])
    pk = np.where(np.isin(v_user, list(VULNERABLE)), 0.01, 0.004)
    ps = np.where(np.isin(v_user, list(VULNERABLE) + [3]), 0.15, 0.08)
    uv = rng.random(v_acc.size)
    v_sev = np.where(uv < pk, 0, np.where(uv < pk + ps, 1, 2))
    pl_acc, pl_sev, pl_user = [], [], []
    for k, victims in enumerate(pvict):
        for user, sev in victims:
            pl_acc.append(n - n_pl + k)
            pl_sev.append(SEV_KEY[sev])
            pl_user.append(USER_KEYS.index(user))
    v_acc = np.r_[v_acc, pl_acc].astype(np.int64)
    v_sev = np.r_[v_sev, pl_sev].astype(np.int64)
    v_user = np.r_[v_user, pl_user].astype(np.int64)
    v_age = rng.choice(len(AGE_GROUPS), v_acc.size, p=AGE_P)
    worst = np.full(n, 3)
    np.minimum.at(worst, v_acc, v_sev)
    return Accidents(x, y, at, injury, user1, user2, light, weather, built, crossroads,
                     road_type, street, house, muni, worst, v_acc, v_sev, v_user, v_age)  # fmt: skip


def _user_names(geo: Geography) -> np.ndarray:
    """Road-user names as the zone configures them (fallback: the last configured name)."""
    conf = geo.spec.road_users
    return np.array(
        [n if n in conf or not conf else conf[-1] for n in USER_NL] + [""], dtype=object
    )


ACCIDENT_HEADER = [
    "Ongevalnummer", "Datum/uur", "Straat", "Huisnr", "Gemeente", "X", "Y", "Ernst",
    "Weggebruiker 1", "Weggebruiker 2", "Lichtgesteldheid", "Weer", "Bebouwde kom", "Kruispunt",
    "Wegtype",
]  # fmt: skip


def _nl(codes, idx) -> np.ndarray:
    return np.array([c[1] for c in codes], dtype=object)[idx]


def accidents_frame(acc: Accidents, geo: Geography, tf, ids: np.ndarray) -> pd.DataFrame:
    """The zone's accident export rows (strings), contract column order."""
    users = _user_names(geo)
    munis = np.array([m.name for m in geo.spec.municipalities], dtype=object)
    return pd.DataFrame(
        {
            "Ongevalnummer": ids,
            "Datum/uur": tf.datetime(acc.at),
            "Straat": acc.street,
            "Huisnr": acc.house,
            "Gemeente": munis[acc.muni],
            "X": coord_text(acc.x),
            "Y": coord_text(acc.y),
            "Ernst": SEVERITY_ACC[acc.severity],
            "Weggebruiker 1": users[acc.user1],
            "Weggebruiker 2": users[acc.user2],  # -1 picks the trailing "" (no second party)
            "Lichtgesteldheid": _nl(LIGHT, acc.light),
            "Weer": _nl(WEATHER, acc.weather),
            "Bebouwde kom": _nl(BUILT_UP, acc.built_up),
            "Kruispunt": _nl(CROSSWAY, 1 - acc.crossroads),
            "Wegtype": _nl(ROAD_TYPE, acc.road_type),
        }
    )


VICTIM_HEADER = ["Ongevalnummer", "Volgnummer", "Letsel", "Type weggebruiker", "Leeftijdsklasse"]


def victims_frame(acc: Accidents, geo: Geography, ids: np.ndarray) -> pd.DataFrame:
    """One row per victim, numbered 1.. within each accident."""
    order = np.lexsort((np.arange(acc.v_acc.size), acc.v_acc))
    va = acc.v_acc[order]
    start = np.r_[0, np.flatnonzero(va[1:] != va[:-1]) + 1]
    seq = np.arange(va.size) - np.repeat(start, np.diff(np.r_[start, va.size]))
    users = _user_names(geo)
    return pd.DataFrame(
        {
            "Ongevalnummer": ids[va],
            "Volgnummer": int_text(seq + 1),
            "Letsel": SEVERITY_VICTIM[acc.v_sev[order]],
            "Type weggebruiker": users[acc.v_user[order]],
            "Leeftijdsklasse": AGE_GROUPS[acc.v_age[order]],
        }
    )


def _coded(name: str, codes, idx, labels: str = "TX") -> dict[str, np.ndarray]:
    """Statbel's code column and its Dutch and French labels (``labels``: the label
    columns' prefix; Statbel writes ``CD_ROAD_TYPE_NL``, not ``TX_ROAD_TYPE_NL``)."""
    return {
        f"CD_{name}": np.array([str(c[0]) for c in codes], dtype=object)[idx],
        f"{labels}_{name}_NL": np.array([c[1] for c in codes], dtype=object)[idx],
        f"{labels}_{name}_FR": np.array([c[2] for c in codes], dtype=object)[idx],
    }


def statbel_frame(acc: Accidents, geo: Geography, tf) -> pd.DataFrame:
    """Injury accidents in Statbel's open-data layout: no id, no day, hour only."""
    sel = np.flatnonzero(acc.injury)
    sel = sel[np.argsort(acc.at[sel], kind="stable")]
    at = acc.at[sel]
    days = np.datetime64(tf.period.start, "D") + at // MINUTES_PER_DAY
    year = days.astype("datetime64[Y]").astype(int) + 1970
    month = days.astype("datetime64[M]").astype(int) % 12 + 1
    spec = geo.spec
    muni = acc.muni[sel]
    u1, u2 = acc.user1[sel], acc.user2[sel]
    user_codes = [(i + 1, nl, fr) for i, (nl, fr) in enumerate(zip(USER_NL, USER_FR, strict=True))]
    user_codes.append(("", "", ""))
    weather = acc.weather[sel]
    cond = np.select([weather == 1, weather == 3], [1, 2], 0)
    collision = np.select(
        [u2 == 0, u2 == -1, np.isin(u2, [1, 2, 3])], [3, 5, 2], rng_free_choice(sel.size)
    )
    obstacle = np.where(u2 == -1, 1 + sel % 4, 0)
    cols: dict[str, np.ndarray] = {
        "DT_YEAR_COLLISION": int_text(year),
        "DT_MONTH_COLLISION": int_text(month),
        "DT_TIME": int_text((at % MINUTES_PER_DAY) // 60),
        "CD_NIS": np.array([m.nis_code for m in spec.municipalities], dtype=object)[muni],
        "TX_MUNTY_COLLISION_NL": np.array([m.name for m in spec.municipalities], dtype=object)[
            muni
        ],
        "TX_MUNTY_COLLISION_FR": np.array([m.name for m in spec.municipalities], dtype=object)[
            muni
        ],
        "MS_X_COORD": coord_text(acc.x[sel], 2),
        "MS_Y_COORD": coord_text(acc.y[sel], 2),
    }
    cols |= _coded("CROSSWAY", CROSSWAY, 1 - acc.crossroads[sel])
    cols |= _coded("WEATHER", WEATHER, weather)
    cols |= _coded("ROAD_CONDITION", ROAD_COND, cond)
    cols |= _coded("BUILD_UP_AREA", BUILT_UP, acc.built_up[sel])
    cols |= _coded("LIGHT_CONDITION", LIGHT, acc.light[sel])
    cols |= _coded("ROAD_TYPE", ROAD_TYPE, acc.road_type[sel], labels="CD")
    # Severity 0 (fatal) is class 1 or, for every third such accident, 2 (the victim died
    # later, within 30 days); seriously injured is class 3, lightly injured 4.
    severity = acc.severity[sel]
    fatal = severity == 0
    klass = np.where(fatal, (np.cumsum(fatal) % 3 == 0).astype(int), severity + 1)
    cols |= _coded("CLASS_ACCIDENTS", CLASS, klass)
    cols |= _coded("ROAD_USR_TYPE1", user_codes, u1)
    cols |= _coded("ROAD_USR_TYPE2", user_codes, u2)
    cols |= _coded("COLLISION_TYPE", COLLISION, collision)
    cols |= _coded("OBSTACLES", OBSTACLE, obstacle)
    return pd.DataFrame(cols)


def rng_free_choice(n: int) -> np.ndarray:
    """Deterministic mix of rear-end and side collisions for car-car accidents."""
    return np.where(np.arange(n) % 3 == 0, 2, 0)


# -- controls ----------------------------------------------------------------------------------
CONTROL_SHARES = {"snelheid": 0.55, "alcohol": 0.3, "drug": 0.08, "zwaar": 0.07}
CONTROL_HEADER = [
    "Controlenummer", "Type controle", "Begin", "Einde", "Straat", "X", "Y",
    "Gecontroleerde voertuigen", "Overtredingen",
]  # fmt: skip


@dataclass
class Controls:
    """Traffic controls as column arrays."""

    kind: np.ndarray
    start: np.ndarray
    stop: np.ndarray
    x: np.ndarray
    y: np.ndarray
    checked: np.ndarray
    offences: np.ndarray


def make_controls(
    geo: Geography, period: Period, rng: np.random.Generator, scale: float
) -> Controls:
    """Speed and alcohol controls along the main roads and near villages.

    Speed controls run in daytime on weekdays with hundreds of vehicles measured; alcohol
    controls at weekend nights (peaking in the December-January BOB campaign) with tens of
    drivers tested.
    """
    types = geo.spec.control_types or ("Snelheid",)
    shares = shares_for(types, CONTROL_SHARES, 0.05)
    n = max(1, int(round(CONTROLS_PER_YEAR * period.years * scale)))
    kind = rng.choice(len(types), n, p=shares)
    start = np.empty(n, np.int64)
    for k, t in enumerate(types):
        sel = np.flatnonzero(kind == k)
        low = t.lower()
        prof = profile_for(t if ("alcohol" in low or "drug" in low) else "snelheid")
        if "drug" in low:
            prof = PROFILES["control_alcohol"]
        start[sel] = sample_times(rng, sel.size, period, prof)
    start -= start % 15
    alcohol_like = np.isin(
        kind, [k for k, t in enumerate(types) if "alcohol" in t.lower() or "drug" in t.lower()]
    )
    hours = np.where(alcohol_like, rng.uniform(1.5, 4, n), rng.uniform(1, 6, n))
    stop = np.minimum(start + (hours * 60).astype(np.int64), period.n_days * MINUTES_PER_DAY - 1)
    x, y = geo.sample(rng, n, centre_share=0.3, road_share=0.7, road_weights=(1.0, 0.0, 0.8),
                      road_spread_m=4.0)  # fmt: skip
    per_hour = np.where(alcohol_like, rng.uniform(10, 40, n), rng.uniform(80, 400, n))
    checked = np.maximum(1, (per_hour * hours).astype(np.int64))
    p_off = np.where(alcohol_like, 0.03, 0.06)
    p_off = np.where(
        np.isin(kind, [k for k, t in enumerate(types) if "drug" in t.lower()]), 0.12, p_off
    )
    p_off = np.where(
        np.isin(kind, [k for k, t in enumerate(types) if "zwaar" in t.lower()]), 0.25, p_off
    )
    offences = rng.binomial(checked, p_off)
    return Controls(kind, start, stop, x, y, checked, offences)


def controls_frame(c: Controls, geo: Geography, tf, ids: np.ndarray) -> pd.DataFrame:
    """The control export rows (strings), contract column order."""
    wijk = geo.wijk_of(c.x, c.y)
    anchor = geo.nearest_anchor(c.x, c.y, geo.wijk_to_muni[wijk])
    types = np.array(geo.spec.control_types or ("Snelheid",), dtype=object)
    return pd.DataFrame(
        {
            "Controlenummer": ids,
            "Type controle": types[c.kind],
            "Begin": tf.datetime(c.start),
            "Einde": tf.datetime(c.stop),
            "Straat": geo.anchor_street[anchor],
            "X": coord_text(c.x),
            "Y": coord_text(c.y),
            "Gecontroleerde voertuigen": int_text(c.checked),
            "Overtredingen": int_text(c.offences),
        }
    )
