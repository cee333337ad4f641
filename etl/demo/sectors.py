"""Demo statistical sectors, the zone's address list and the inspectors' absences.

Real zones get statistical sectors from Statbel, an address list from the Adressenregister
(CRAB) and absences from their personnel system. The demo draws look-alikes:

* sectors: each wijk split into 3-6 contiguous pieces (Voronoi cells of k-means centres of
  the wijk's street anchors, clipped to the wijk), with populations that add up exactly to
  the wijk's configured population;
* addresses: every street + house number the generator writes, with its Lambert 72 point;
* absences: leave, training and sickness per inspector, one of them a long absence.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import MultiPoint, Point

from etl.demo.formats import POI, write_csv
from etl.demo.geography import GRID, Geography, _feature_collection, _round_coords
from etl.demo.rhythms import Period

#: Sectors per wijk (inclusive bounds).
MIN_SECTORS, MAX_SECTORS = 3, 6
#: Random points added to the anchors before clustering, so rural parts get sectors too.
RURAL_POINTS = 25
#: Numbers per anchor covered by the address list: :func:`etl.demo.incidents.house_numbers`
#: adds 0-3 to an anchor's number.
NUMBERS_PER_ANCHOR = 4
#: Every BOX_BUILDING_EVERY-th address of the list is a building with boxes (2 … MAX_BOXES),
#: each a row of its own (address_frame); records draw boxes 1 … 11 (incidents.house_numbers).
BOX_BUILDING_EVERY = 6
MAX_BOXES = 11

ADDRESS_HEADER = ["Straatnaam", "Huisnummer", "Busnummer", "Postcode", "Gemeente", "X", "Y"]
ABSENCE_HEADER = ["Wijkinspecteur", "Van", "Tot", "Reden"]


@dataclass
class Sector:
    """One demo statistical sector."""

    code: str
    name: str
    wijk: int
    geom: shapely.Polygon
    population: int
    anchors: np.ndarray  # indices into Geography.anchor_xy lying inside the sector


def _kmeans(points: np.ndarray, k: int, rng: np.random.Generator, rounds: int = 30) -> np.ndarray:
    """Lloyd's k-means; a small, seeded version so the output stays byte-identical.

    After the last assignment step every point lies nearest its own centre, so the Voronoi
    cell of each centre contains its whole cluster (and hence at least one anchor).
    """
    centres = points[rng.choice(len(points), size=k, replace=False)].copy()
    for _ in range(rounds):
        d = ((points[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
        label = d.argmin(axis=1)
        new = centres.copy()
        for j in range(k):
            members = points[label == j]
            if len(members):
                new[j] = members.mean(axis=0)
            else:
                # An empty cluster restarts at the point worst served by the others.
                new[j] = points[d.min(axis=1).argmax()]
        if np.allclose(new, centres):
            break
        centres = new
    return centres


def _largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    """Integers proportional to ``weights`` that sum exactly to ``total``."""
    share = total * weights / weights.sum()
    out = np.floor(share).astype(int)
    rest = total - out.sum()
    out[np.argsort(-(share - out), kind="stable")[:rest]] += 1
    return out


def build_sectors(geo: Geography, rng: np.random.Generator) -> list[Sector]:
    """Split every wijk into 3-6 contiguous sectors with populations.

    Parameters
    ----------
    geo : Geography
        The demo geography (wijk polygons, street anchors).
    rng : numpy.random.Generator
        Its own stream, so adding sectors shifts no other output.

    Returns
    -------
    list of Sector
        In wijk order; codes ``<deelgemeente code><nn>K`` (Statbel style, e.g. 24038A01K).
    """
    spec = geo.spec
    sectors: list[Sector] = []
    per_deel: dict[str, int] = {}
    for w, (wijk, poly) in enumerate(zip(spec.wijken, geo.wijken, strict=True)):
        inside = np.flatnonzero(shapely.contains_xy(poly, geo.anchor_xy[:, 0], geo.anchor_xy[:, 1]))
        k = int(rng.integers(MIN_SECTORS, MAX_SECTORS + 1))
        b = poly.bounds
        rural = []
        while len(rural) < RURAL_POINTS:
            px, py = rng.uniform(b[0], b[2]), rng.uniform(b[1], b[3])
            if poly.contains(Point(px, py)):
                rural.append((px, py))
        points = np.vstack([geo.anchor_xy[inside], np.array(rural)])
        centres = _kmeans(points, k, rng)
        cells = shapely.voronoi_polygons(
            MultiPoint([tuple(c) for c in centres]), extend_to=poly, ordered=True
        )
        # Wijken are convex (Voronoi cell ∩ convex outline), so each clipped cell is one
        # convex, hence contiguous, polygon.
        # Grid-aware overlay: the sectors then tile the wijk exactly (no slivers).
        geoms = [shapely.intersection(c, poly, grid_size=GRID) for c in shapely.get_parts(cells)]
        geoms = [g for g in geoms if not g.is_empty and g.area > 0]
        members = [
            inside[shapely.contains_xy(g, geo.anchor_xy[inside, 0], geo.anchor_xy[inside, 1])]
            for g in geoms
        ]
        # More addresses, more inhabitants; rural cells keep a small population.
        weights = np.array([len(m) + 2.0 for m in members]) * rng.uniform(0.8, 1.2, len(geoms))
        pops = _largest_remainder(int(wijk.population), weights)
        # Name and number sectors from the village core outwards, as Statbel does.
        centre = np.array(spec.deelgemeenten[geo.wijk_to_deel[w]].centre, float)
        order = np.argsort([g.centroid.distance(Point(*centre)) for g in geoms], kind="stable")
        for j in order:
            seq = per_deel.get(wijk.deelgemeente, 0) + 1
            per_deel[wijk.deelgemeente] = seq
            # Named after its most common local street (a through-road names nothing).
            local = members[j][geo.anchor_road_type[members[j]] == "Gemeenteweg"]
            streets = geo.anchor_street[local if len(local) else members[j]]
            if len(streets):
                values, counts = np.unique(streets.astype(str), return_counts=True)
                label = f"{wijk.name} - {values[counts.argmax()]}"
            else:
                label = f"{wijk.name} - landelijk {seq}"
            sectors.append(
                Sector(
                    code=f"{wijk.deelgemeente}{seq:02d}K",
                    name=label,
                    wijk=w,
                    geom=geoms[j],
                    population=int(pops[j]),
                    anchors=members[j],
                )
            )
    return sectors


def write_sectors(geo: Geography, sectors: list[Sector], folder: Path) -> int:
    """Write ``sectoren.geojson`` (Lambert 72, ``crs`` member, ``demo = true``)."""
    spec = geo.spec
    props = [
        {
            "sector_code": s.code,
            "sector_naam": s.name,
            "wijk_code": spec.wijken[s.wijk].code,
            "deelgemeente_code": spec.wijken[s.wijk].deelgemeente,
            "nis_code": spec.wijken[s.wijk].nis_code,
            "population": s.population,
        }
        for s in sectors
    ]
    fc = _round_coords(_feature_collection("sectoren", [s.geom for s in sectors], props))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sectoren.geojson").write_text(
        json.dumps(fc, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
    return len(sectors)


def sector_of_anchor(geo: Geography, sectors: list[Sector]) -> np.ndarray:
    """Index of the sector each street anchor lies in (-1 when in none)."""
    out = np.full(len(geo.anchor_xy), -1, dtype=np.int64)
    for i, s in enumerate(sectors):
        out[s.anchors] = i
    return out


def address_frame(geo: Geography) -> pd.DataFrame:
    """Every street + house number the generator can write, with its Lambert 72 point.

    An anchor with number *n* stands for houses *n* … *n* + 3 (the numbers
    :func:`etl.demo.incidents.house_numbers` draws); a number already given to an earlier
    anchor of the same street keeps that first point, so no address appears twice.
    Motorway anchors (number 0) have no address.

    As the address register (Adressenregister) writes it, each box of a building with
    apartments is a row of its own, the box in "Busnummer" (empty on the building's own
    row): every sixth house here has two to eleven boxes, at the building's point. A record
    naming one of them ("12 bus 3", "12/3") is located exactly; one naming a box the
    building lacks gets the building's own row.
    """
    spec = geo.spec
    n = len(geo.anchor_xy)
    has_number = geo.anchor_number > 0
    deel = np.full(n, -1, dtype=np.int64)
    for j, poly in enumerate(geo.deelgemeenten):
        hit = shapely.contains_xy(poly, geo.anchor_xy[:, 0], geo.anchor_xy[:, 1]) & (deel < 0)
        deel[hit] = j
    # Anchors on a border snapped outside every deelgemeente take their municipality's first.
    muni_first = {
        i: next(j for j, d in enumerate(spec.deelgemeenten) if d.nis_code == m.nis_code)
        for i, m in enumerate(spec.municipalities)
    }
    lost = deel < 0
    deel[lost] = [muni_first[int(m)] for m in geo.anchor_muni[lost]]
    idx = np.repeat(np.flatnonzero(has_number), NUMBERS_PER_ANCHOR)
    offset = np.tile(np.arange(NUMBERS_PER_ANCHOR), int(has_number.sum()))
    frame = pd.DataFrame(
        {
            "Straatnaam": geo.anchor_street[idx],
            "Huisnummer": (geo.anchor_number[idx] + offset).astype(str),
            "Postcode": np.array([d.postcode for d in spec.deelgemeenten], dtype=object)[deel[idx]],
            "Gemeente": np.array([m.name for m in spec.municipalities], dtype=object)[
                geo.anchor_muni[idx]
            ],
            "X": [f"{v:.1f}" for v in geo.anchor_xy[idx, 0]],
            "Y": [f"{v:.1f}" for v in geo.anchor_xy[idx, 1]],
        }
    )
    frame = frame.drop_duplicates(["Straatnaam", "Huisnummer", "Gemeente"], keep="first")
    frame = frame.reset_index(drop=True)
    frame.insert(2, "Busnummer", "")
    buildings = frame.iloc[::BOX_BUILDING_EVERY]
    n_boxes = 2 + np.arange(len(buildings)) % (MAX_BOXES - 1)
    boxes = buildings.loc[buildings.index.repeat(n_boxes)].copy()
    boxes["Busnummer"] = np.concatenate([np.arange(1, k + 1) for k in n_boxes]).astype(str)
    # Each building's box rows right after its own row, as the register lists them.
    frame = pd.concat([frame, boxes]).sort_index(kind="stable")
    return frame.reset_index(drop=True)


def write_addresses(geo: Geography, folder: Path) -> int:
    """Write ``adressen.csv`` (``;``, UTF-8, decimal point)."""
    return write_csv(address_frame(geo), folder / "adressen.csv", POI)


#: (reason, episodes per year (low, high), length in working days (low, high)).
ABSENCE_KINDS = (
    ("Verlof", (2, 4), (3, 12)),
    ("Opleiding", (1, 2), (1, 3)),
    ("Ziekte", (0, 2), (1, 5)),
)
LONG_ABSENCE_DAYS = (60, 110)


def absences_frame(
    geo: Geography, period: Period, rng: np.random.Generator, skip_wijk: int | None = None
) -> pd.DataFrame:
    """Absences per inspector: a few per year, and one long sick leave in the zone.

    Parameters
    ----------
    geo : Geography
        For the inspectors (one per wijk).
    period : Period
        The demo period; absences fall inside it.
    rng : numpy.random.Generator
        Its own stream.
    skip_wijk : int, optional
        Wijk whose inspector does *not* get the long absence (the overloaded wijk carries
        its own story).

    Returns
    -------
    DataFrame
        ``Wijkinspecteur``, ``Van``, ``Tot`` (``dd/mm/yyyy``, both inclusive), ``Reden``.
    """
    spec = geo.spec
    rows = []
    n_days = period.n_days
    for inspector in [w.inspector for w in spec.wijken]:
        taken = np.zeros(n_days, dtype=bool)
        for reason, (lo, hi), (dlo, dhi) in ABSENCE_KINDS:
            episodes = int(round(rng.integers(lo, hi + 1) * period.years))
            for _ in range(episodes):
                length = int(rng.integers(dlo, dhi + 1))
                # Working days → calendar days (weekends inside the absence).
                span = length + 2 * (length // 5)
                for _try in range(20):
                    start = int(rng.integers(0, max(n_days - span, 1)))
                    if not taken[max(start - 1, 0) : start + span + 1].any():
                        taken[start : start + span] = True
                        rows.append((inspector, start, start + span - 1, reason))
                        break
    candidates = [i for i in range(len(spec.wijken)) if i != skip_wijk] or [0]
    who = spec.wijken[candidates[int(rng.integers(0, len(candidates)))]].inspector
    span = int(rng.integers(*LONG_ABSENCE_DAYS))
    # The long absence ends in the last year, so it shows in the default views.
    start = max(n_days - 365 + int(rng.integers(0, max(365 - span, 1))), 0)
    kept = [r for r in rows if r[0] != who or r[2] < start or r[1] > start + span - 1]
    kept.append((who, start, min(start + span - 1, n_days - 1), "Ziekte"))
    kept.sort(key=lambda r: (r[0], r[1]))
    first = period.start

    def day(offset: int) -> str:
        return (first + timedelta(days=int(offset))).strftime("%d/%m/%Y")

    return pd.DataFrame(
        {
            "Wijkinspecteur": [r[0] for r in kept],
            "Van": [day(r[1]) for r in kept],
            "Tot": [day(r[2]) for r in kept],
            "Reden": [r[3] for r in kept],
        }
    )


def write_absences(frame: pd.DataFrame, folder: Path) -> int:
    """Write ``afwezigheden.csv`` (``;``, UTF-8)."""
    return write_csv(frame, folder / "afwezigheden.csv", POI)
