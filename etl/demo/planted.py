"""Points of interest and the planted ground truth (hot spots, black spots).

The plan is made before any record is drawn, so that the record generators can add the planted
records and keep background noise away from the near-threshold accident locations.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely

from etl.demo.geography import Geography
from etl.demo.rhythms import Period

CAFE_NAMES = (
    "Café De Kroon", "'t Hoekske", "Café Sportwereld", "In de Welkom", "Café Den Engel",
    "De Zwaan", "Café Het Gemeentehuis", "De Keizer", "Café Tijl", "'t Pleintje",
    "Café Rembrandt", "De Vrede", "Café Ons Huis", "De Gouden Leeuw",
)  # fmt: skip


@dataclass
class Poi:
    """A point of interest."""

    poi_type: str
    name: str
    x: float
    y: float


@dataclass
class HotSpot:
    """A planted incident (or nuisance) hot spot."""

    kind: str
    category: str
    x: float
    y: float
    radius_m: float
    wijk_code: str
    day_from: int
    day_to: int
    per_year: float
    nuisance_type: str | None = None
    nuisance_per_year: float = 0.0


@dataclass
class BlackSpot:
    """A planted accident location and the accidents to put there.

    ``accidents`` holds, per accident, the two road users and the list of victims as
    ``(road_user, severity)`` pairs, severity in ``killed``/``serious``/``light``.
    """

    label: str
    x: float
    y: float
    street: str
    accidents: list[tuple[str, str, list[tuple[str, str]]]] = field(default_factory=list)


def _inside_or_centre(geo: Geography, x: float, y: float, fallback: tuple[float, float]):
    if geo.inside(np.array([x]), np.array([y]))[0]:
        return x, y
    return fallback


def make_pois(geo: Geography, rng: np.random.Generator) -> list[Poi]:
    """Schools, stations, cafés, youth centres, sports halls and shops, per the zone's types.

    Stations go to the village centres closest to the steenweg (railways follow the old
    roads between villages); other types cluster around the village centres.
    """
    spec = geo.spec
    out: list[Poi] = []
    steenweg = geo.roads[0].line
    cafe = 0

    def near(cx, cy, lo, hi):
        for _ in range(30):
            r, a = rng.uniform(lo, hi), rng.uniform(0, 2 * np.pi)
            x, y = cx + r * np.cos(a), cy + r * np.sin(a)
            if geo.inside(np.array([x]), np.array([y]))[0]:
                return float(round(x, 1)), float(round(y, 1))
        return float(cx), float(cy)

    for t in spec.poi_types:
        low = t.lower()
        if "station" in low:
            d = [steenweg.distance(shapely.Point(c)) for c in spec.centres]
            order = np.argsort(d)[: max(1, min(4, len(d) // 2 + 1))]
            for i in sorted(order):
                dg = spec.deelgemeenten[i]
                foot = steenweg.interpolate(steenweg.project(shapely.Point(dg.centre)))
                x, y = near(foot.x, foot.y, 80, 200)
                out.append(Poi(t, f"Station {dg.name}", x, y))
        elif "school" in low:
            for dg in spec.deelgemeenten:
                out.append(
                    Poi(t, f"Gemeentelijke basisschool {dg.name}", *near(*dg.centre, 50, 250))
                )
                out.append(
                    Poi(t, f"Vrije basisschool Sint-Jozef {dg.name}", *near(*dg.centre, 400, 900))
                )
        elif "caf" in low:
            for dg in spec.deelgemeenten:
                for _ in range(3):
                    name = f"{CAFE_NAMES[cafe % len(CAFE_NAMES)]} ({dg.name})"
                    out.append(Poi(t, name, *near(*dg.centre, 20, 300)))
                    cafe += 1
        elif "jeugd" in low:
            for dg in spec.deelgemeenten:
                out.append(Poi(t, f"Jeugdhuis {dg.name}", *near(*dg.centre, 350, 800)))
        elif "sport" in low:
            for m in spec.municipalities:
                dg = next(d for d in spec.deelgemeenten if d.nis_code == m.nis_code)
                out.append(Poi(t, f"Sporthal {m.name}", *near(*dg.centre, 500, 900)))
        else:
            # Shops and any other configured type: one per municipality, along the steenweg.
            for m in spec.municipalities:
                dg = next(d for d in spec.deelgemeenten if d.nis_code == m.nis_code)
                foot = steenweg.interpolate(steenweg.project(shapely.Point(dg.centre)))
                x, y = _inside_or_centre(geo, foot.x, foot.y, dg.centre)
                out.append(Poi(t, f"{t} {m.name}", *near(x, y, 30, 150)))
    return out


def _pick_category(names: tuple[str, ...], key: str, fallback: int = 0) -> str:
    return next((n for n in names if key in n.lower()), names[fallback % len(names)])


def plan_hot_spots(
    geo: Geography, pois: list[Poi], period: Period, rng: np.random.Generator
) -> list[HotSpot]:
    """Three stable hot spots and one emerging one, in different wijken.

    Rates are per year at scale 1; the generator multiplies them by ``scale``.
    """
    spec = geo.spec
    cats = spec.incident_categories
    n_days = period.n_days
    used: list[tuple[float, float]] = []

    def far_enough(x, y):
        return all(np.hypot(x - ux, y - uy) > 900 for ux, uy in used)

    def poi_of(key: str):
        cands = [p for p in pois if key in p.poi_type.lower()]
        for p in [cands[k] for k in rng.permutation(len(cands))]:
            if far_enough(p.x, p.y):
                return p.x, p.y
        return None

    def residential():
        for _ in range(200):
            c = spec.centres[rng.integers(len(spec.centres))]
            r, a = rng.uniform(600, 1000), rng.uniform(0, 2 * np.pi)
            x, y = c[0] + r * np.cos(a), c[1] + r * np.sin(a)
            inner = geo.outline.exterior.distance(shapely.Point(x, y)) > 500
            if geo.inside(np.array([x]), np.array([y]))[0] and inner and far_enough(x, y):
                return x, y
        raise RuntimeError("geen plaats voor een hotspot gevonden")

    def spot(kind, cat, xy, per_year, d_from=0, nuis=None, nuis_rate=0.0):
        x, y = (float(round(v, 1)) for v in xy)
        used.append((x, y))
        w = spec.wijken[int(geo.wijk_of(np.array([x]), np.array([y]))[0])].code
        return HotSpot(kind, cat, x, y, 150.0, w, d_from, n_days, per_year, nuis, nuis_rate)

    out = [spot("hotspot", _pick_category(cats, "inbraak"), residential(), 7.0)]
    station = poi_of("station")
    xy = (station[0] + 60, station[1] - 40) if station else residential()
    out.append(spot("hotspot", _pick_category(cats, "fiets", 2), xy, 9.0))
    youth = poi_of("jeugd")
    nuis = _pick_category(spec.nuisance_types, "drug") if spec.nuisance_types else None
    out.append(spot("hotspot", _pick_category(cats, "drug", 8), youth or residential(), 6.0,
                    nuis=nuis, nuis_rate=10.0))  # fmt: skip
    # The emerging spot starts ~6 months before the end: the dashboard must flag it as new.
    shop = poi_of("sport") or poi_of("winkel") or residential()
    out.append(spot("emerging", _pick_category(cats, "voertuig", 1), shop, 24.0,
                    d_from=max(0, n_days - 182)))  # fmt: skip
    return out


# Victim templates: (road user 1, road user 2, victims). Scores follow the Flemish rule with the
# vulnerable factor: black spots land at 17-19, near-threshold ones at 11-12.
_BLACK = [
    [("CAR", "CYC", [("CYC", "serious")]), ("CAR", "PED", [("PED", "light")]),
     ("CAR", "CAR", [("CAR", "light"), ("CAR", "light")]), ("VAN", "CYC", [("CYC", "light")]),
     ("CAR", "MOP", [("MOP", "serious")]), ("CAR", "CAR", [("CAR", "serious")])],
    [("VAN", "PED", [("PED", "killed")]), ("CAR", "CYC", [("CYC", "light")]),
     ("CAR", "CAR", [("CAR", "light"), ("CAR", "light")]), ("TRUCK", "CYC", [("CYC", "serious")])],
    [("CAR", "CYC", [("CYC", "serious")]), ("CAR", "CYC", [("CYC", "serious")]),
     ("CAR", "MOTO", [("MOTO", "serious")]), ("CAR", "CAR", [("CAR", "light")]),
     ("CAR", "PED", [("PED", "light")]), ("CAR", "CAR", [("CAR", "serious")])],
]  # fmt: skip
_NEAR = [
    [("CAR", "CYC", [("CYC", "serious")]), ("CAR", "CAR", [("CAR", "serious"), ("CAR", "light")]),
     ("CAR", "MOP", [("MOP", "light"), ("CAR", "light")])],
    [("CAR", "PED", [("PED", "serious")]), ("VAN", "CYC", [("CYC", "serious")]),
     ("CAR", "CAR", [("CAR", "light"), ("CAR", "light")])],
]  # fmt: skip


def priority_score(victims: list[tuple[str, str]], rule: dict) -> float:
    """Flemish black-spot priority score of a list of ``(road_user_key, severity)`` victims."""
    w = {
        "killed": rule.get("weight_killed", 5),
        "serious": rule.get("weight_seriously_injured", 3),
        "light": rule.get("weight_lightly_injured", 1),
    }
    f = rule.get("vulnerable_factor", 1.7)
    return round(sum(w[s] * (f if u in ("PED", "CYC", "MOP") else 1) for u, s in victims), 2)


def plan_black_spots(
    geo: Geography, avoid: list[tuple[float, float]], rng: np.random.Generator
) -> list[BlackSpot]:
    """Three black spots and two near-threshold locations at junctions on the main roads.

    Junctions are places where a local street meets the steenweg or provinciebaan, at least
    1 km apart and 400 m inside the zone; the first candidate is where the two main roads cross.
    """
    cands: list[tuple[float, float, str]] = []
    road_a, road_c = geo.roads[0], geo.roads[2]
    cross = road_a.line.intersection(road_c.line)
    if not cross.is_empty:
        p = list(shapely.get_parts(cross))[0]
        cands.append((p.x, p.y, f"{road_a.name} / {road_c.name}"))
    local = np.flatnonzero(geo.anchor_road_type == "Gemeenteweg")
    for road in (road_a, road_c):
        d = np.arange(150, road.line.length - 150, 100)
        pts = shapely.line_interpolate_point(road.line, d)
        order = rng.permutation(len(pts))
        for k in order:
            px, py = shapely.get_x(pts[k]), shapely.get_y(pts[k])
            dist = np.hypot(geo.anchor_xy[local, 0] - px, geo.anchor_xy[local, 1] - py)
            j = int(np.argmin(dist))
            if dist[j] < 120:
                cands.append((px, py, f"{road.name} / {geo.anchor_street[local[j]]}"))
    chosen: list[tuple[float, float, str]] = []
    for x, y, name in cands:
        inner = geo.outline.exterior.distance(shapely.Point(x, y)) > 400
        clear = all(np.hypot(x - a, y - b) > 1000 for a, b, _ in chosen)
        clear &= all(np.hypot(x - a, y - b) > 600 for a, b in avoid)
        if inner and clear:
            chosen.append((x, y, name))
        if len(chosen) == 5:
            break
    labels = ["black_spot"] * 3 + ["near_threshold"] * 2
    templates = _BLACK + _NEAR
    return [
        BlackSpot(lab, float(round(x, 1)), float(round(y, 1)), name, tpl)
        for (x, y, name), lab, tpl in zip(chosen, labels, templates, strict=False)
    ]
