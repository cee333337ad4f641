"""Locating points: Lambert 72 -> WGS84, point-in-polygon per layer, H3 cells.

Runs between the staging and intermediate SQL models. It works on the *distinct*
coordinate pairs of all staged records, so repeated addresses and re-loaded exports cost
nothing extra, and writes ``intermediate.point_locations`` keyed by the raw pair.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import shapely
from h3ronpy.vector import coordinates_to_cells
from pyproj import Transformer

from etl.sources.districts import Area, DistrictLayers

#: Rough Lambert 72 extent of Belgium (metres); anything else is not a usable location.
BELGIUM_31370 = (10_000.0, 15_000.0, 300_000.0, 250_000.0)

_TO_WGS84 = Transformer.from_crs("EPSG:31370", "EPSG:4326", always_xy=True)
_FROM_WGS84 = Transformer.from_crs("EPSG:4326", "EPSG:31370", always_xy=True)
_FROM_L08 = Transformer.from_crs("EPSG:3812", "EPSG:31370", always_xy=True)

STATUS_OK = "ok"
STATUS_NONE = "geen_locatie"
STATUS_OUTSIDE = "buiten_zone"
STATUS_NO_WIJK = "geen_wijk"
STATUSES = (STATUS_OK, STATUS_NONE, STATUS_OUTSIDE, STATUS_NO_WIJK)
NOTE_ZERO = "coördinaten zijn 0"
NOTE_WGS84 = "WGS84-coördinaten omgezet naar Lambert 72"
NOTE_L08 = "Lambert 2008-coördinaten omgezet naar Lambert 72"
NOTE_SWAPPED = "X en Y omgewisseld"
NOTE_OUTSIDE_BELGIUM = "coördinaten buiten België"
#: Written by the located SQL models for a record without a usable coordinate pair.
NOTE_NO_COORDINATES = "geen (geldige) coördinaten"
NOTES = (NOTE_ZERO, NOTE_WGS84, NOTE_L08, NOTE_SWAPPED, NOTE_OUTSIDE_BELGIUM)


#: From this many points on, :func:`to_wgs84` splits the work over the cores.
PARALLEL_MIN_POINTS = 200_000


def to_wgs84(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lambert 72 metres -> (lon, lat) degrees, vectorised.

    Large inputs are transformed in one chunk per core: PROJ releases the GIL (and pyproj
    transformers are thread-safe), so a million points take half the time on two cores,
    with the same numbers.
    """
    if len(x) == 0:
        return np.empty(0), np.empty(0)
    done = _parallel(lambda s: _TO_WGS84.transform(x[s], y[s]), len(x))
    return (
        np.concatenate([np.asarray(lon) for lon, _ in done]),
        np.concatenate([np.asarray(lat) for _, lat in done]),
    )


def assign_areas(x: np.ndarray, y: np.ndarray, areas: list[Area]) -> np.ndarray:
    """Code of the area containing each point (None outside all of them).

    A bounding-box test first, then :func:`shapely.intersects_xy` on the few candidates:
    an order of magnitude faster than a spatial join against detailed polygons.
    """
    index = area_index(x, y, areas)
    codes = np.array([a.code for a in areas] + [None], dtype=object)
    return codes[index]


def area_index(x: np.ndarray, y: np.ndarray, areas: list[Area]) -> np.ndarray:
    """Position in ``areas`` of the area containing each point; -1 outside all of them."""
    result = np.full(len(x), -1, dtype=np.int32)
    open_ = np.ones(len(x), dtype=bool)
    for i, area in enumerate(areas):
        shapely.prepare(area.geom)
        xmin, ymin, xmax, ymax = area.geom.bounds
        cand = np.flatnonzero(open_ & (x >= xmin) & (x <= xmax) & (y >= ymin) & (y <= ymax))
        if cand.size == 0:
            continue
        # intersects, not contains: a point on a shared border goes to the first area
        # instead of to none.
        hit = cand[shapely.intersects_xy(area.geom, x[cand], y[cand])]
        result[hit] = i
        open_[hit] = False
    return result


def inside(x: np.ndarray, y: np.ndarray, geom: shapely.Geometry) -> np.ndarray:
    """Boolean mask of points inside ``geom`` (bounding box first)."""
    mask = np.zeros(len(x), dtype=bool)
    shapely.prepare(geom)
    xmin, ymin, xmax, ymax = geom.bounds
    cand = np.flatnonzero((x >= xmin) & (x <= xmax) & (y >= ymin) & (y <= ymax))
    if cand.size:
        mask[cand] = shapely.intersects_xy(geom, x[cand], y[cand])
    return mask


def h3_parent(cells: np.ndarray, resolution: int) -> np.ndarray:
    """Vectorised ``cell_to_parent`` by bit arithmetic on the H3 index.

    The index holds its resolution in bits 52-55 and one 3-bit digit per resolution;
    digits below the parent's resolution are set to 7 (unused).
    """
    cells = cells.astype(np.uint64)
    out = (cells & ~np.uint64(0xF << 52)) | np.uint64(resolution << 52)
    unused = 0
    for r in range(resolution + 1, 16):
        unused |= 7 << ((15 - r) * 3)
    out = out | np.uint64(unused)
    return np.where(cells == 0, np.uint64(0), out)


def h3_cells(lat: np.ndarray, lon: np.ndarray, resolution: int) -> np.ndarray:
    """H3 cells (UBIGINT) of points (degrees), vectorised.

    h3ronpy runs the H3 library over whole arrays and releases the GIL, so large inputs
    are split over the cores; the cells are those of h3-py's ``latlng_to_cell``.
    """
    lat = np.ascontiguousarray(lat, dtype=np.float64)
    lon = np.ascontiguousarray(lon, dtype=np.float64)
    if len(lat) == 0:
        return np.empty(0, dtype=np.uint64)

    def cells(part: slice) -> np.ndarray:
        return np.asarray(coordinates_to_cells(lat[part], lon[part], resolution), dtype=np.uint64)

    return np.concatenate(_parallel(cells, len(lat)))


def _parallel(func, n: int) -> list:
    """``func`` over one slice of ``range(n)`` per core (threads; for GIL-free work)."""
    workers = min(os.cpu_count() or 1, 8)
    if n < PARALLEL_MIN_POINTS or workers < 2:
        return [func(slice(0, n))]
    bounds = np.linspace(0, n, workers + 1).astype(int)
    parts = [slice(a, b) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(func, parts))


def locate_points(
    x_in: np.ndarray,
    y_in: np.ndarray,
    layers: DistrictLayers,
    h3_resolution: int,
    h3_resolution_coarse: int,
    may_swap: np.ndarray | None = None,
) -> pd.DataFrame:
    """Locate coordinate pairs as they appear in the exports.

    Parameters
    ----------
    x_in, y_in : numpy.ndarray
        Coordinates as parsed from the exports (Lambert 72 expected; WGS84 and Lambert
        2008 recognised by their size; swapped X/Y repaired when only the swap lies in
        the zone). NaN for missing.
    layers : DistrictLayers
        Boundary layers; may be empty, then nothing gets a wijk.
    h3_resolution, h3_resolution_coarse : int
        Zone's H3 resolutions.
    may_swap : numpy.ndarray of bool, optional
        Per pair: may a swapped X/Y be repaired? False for records that name a municipality
        outside the zone (a neighbour's point, swapped, can fall inside the zone). Default:
        all may.

    Returns
    -------
    pandas.DataFrame
        One row per input pair: ``x_in``, ``y_in``, ``x``, ``y``, ``lon``, ``lat``,
        ``wijk_code``, ``deelgemeente_code``, ``nis_code``, ``h3_cell``,
        ``h3_cell_coarse``, ``location_status``, ``location_note``. The text columns are
        categoricals (missing: NaN), so a million pairs need no million Python strings.
    """
    n = len(x_in)
    x = np.asarray(x_in, dtype=float).copy()
    y = np.asarray(y_in, dtype=float).copy()
    note = np.full(n, -1, dtype=np.int8)  # position in NOTES; -1: none
    status = np.zeros(n, dtype=np.int8)  # position in STATUSES

    missing = ~np.isfinite(x) | ~np.isfinite(y)
    zero = ~missing & ((x == 0) | (y == 0))
    note[zero] = NOTES.index(NOTE_ZERO)

    wgs = ~missing & ~zero & (np.abs(x) <= 180) & (np.abs(y) <= 90)
    wgs &= (x > 2) & (x < 7) & (y > 49) & (y < 52)
    if wgs.any():
        x[wgs], y[wgs] = _FROM_WGS84.transform(x[wgs], y[wgs])
        note[wgs] = NOTES.index(NOTE_WGS84)
    l08 = ~missing & ~zero & ~wgs & (x > 400_000) & (y > 400_000) & (x < 900_000) & (y < 900_000)
    if l08.any():
        x[l08], y[l08] = _FROM_L08.transform(x[l08], y[l08])
        note[l08] = NOTES.index(NOTE_L08)

    xmin, ymin, xmax, ymax = BELGIUM_31370
    in_belgium = ~missing & ~zero & (x >= xmin) & (x <= xmax) & (y >= ymin) & (y <= ymax)
    zone = layers.zone_extent()
    usable = in_belgium.copy()
    if zone is not None:
        in_zone = in_belgium & inside(x, y, zone)
        # Swapped X/Y: both Lambert 72 axes overlap in range, so only the zone tells.
        cand = ~missing & ~zero & ~in_zone
        if may_swap is not None:
            cand &= np.asarray(may_swap, dtype=bool)
        swapped = np.zeros(n, dtype=bool)
        if cand.any():
            swapped[cand] = inside(y[cand], x[cand], zone)
        if swapped.any():
            x[swapped], y[swapped] = y[swapped].copy(), x[swapped].copy()
            note[swapped] = NOTES.index(NOTE_SWAPPED)
            in_zone |= swapped
            usable |= swapped
        status[usable & ~in_zone] = STATUSES.index(STATUS_OUTSIDE)
    else:
        in_zone = usable
    bad = ~usable
    status[bad] = STATUSES.index(STATUS_NONE)
    note[bad & ~missing & ~zero & (note < 0)] = NOTES.index(NOTE_OUTSIDE_BELGIUM)
    x[bad] = np.nan
    y[bad] = np.nan

    # The three layers and (WGS84, H3) are independent; shapely, PROJ and h3ronpy release
    # the GIL, so they run side by side.
    idx = np.flatnonzero(in_zone)
    ok = np.flatnonzero(usable)
    lon = np.full(n, np.nan)
    lat = np.full(n, np.nan)
    h3_fine = np.zeros(n, dtype=np.uint64)
    names = ("wijk", "deelgemeente", "gemeente")
    codes = {name: [a.code for a in layers.layer(name)] for name in names}
    index = {name: np.full(n, -1, dtype=np.int32) for name in names}

    def assign(name: str) -> None:
        if idx.size:
            index[name][idx] = area_index(x[idx], y[idx], layers.layer(name))

    def project() -> None:
        if ok.size:
            lon[ok], lat[ok] = to_wgs84(x[ok], y[ok])
            h3_fine[ok] = h3_cells(lat[ok], lon[ok], h3_resolution)

    with ThreadPoolExecutor(2) as pool:
        for job in [pool.submit(project), *(pool.submit(assign, name) for name in names)]:
            job.result()
    status[in_zone & (index["wijk"] < 0)] = STATUSES.index(STATUS_NO_WIJK)
    h3_coarse = h3_parent(h3_fine, h3_resolution_coarse)

    def labels(positions: np.ndarray, values: list[str]) -> pd.Categorical:
        # Categorical: one small array of codes, not a million Python strings; -1 is None.
        # Categories sorted (code point order = DuckDB's text order), so the ENUM DuckDB
        # makes of it sorts and compares like the text.
        order = sorted(range(len(values)), key=values.__getitem__)
        remap = np.full(len(values) + 1, -1, dtype=np.int32)  # remap[-1]: None stays None
        remap[np.array(order, dtype=np.int64)] = np.arange(len(values), dtype=np.int32)
        return pd.Categorical.from_codes(
            remap[positions], categories=pd.Index([values[i] for i in order], dtype=object)
        )

    def area_labels(name: str) -> pd.Categorical:
        # Several polygons may share a code (a wijk in two parts): one category per code.
        unique = list(dict.fromkeys(codes[name]))
        to_unique = np.array([unique.index(c) for c in codes[name]] + [-1], dtype=np.int32)
        return labels(to_unique[index[name]], unique)

    return pd.DataFrame(
        {
            "x_in": np.asarray(x_in, dtype=float),
            "y_in": np.asarray(y_in, dtype=float),
            "x": x,
            "y": y,
            "lon": lon,
            "lat": lat,
            "wijk_code": area_labels("wijk"),
            "deelgemeente_code": area_labels("deelgemeente"),
            "nis_code": area_labels("gemeente"),
            "h3_cell": h3_fine,
            "h3_cell_coarse": h3_coarse,
            "location_status": labels(status, list(STATUSES)),
            "location_note": labels(note, list(NOTES)),
        }
    )
