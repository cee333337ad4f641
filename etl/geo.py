"""Locating points: Lambert 72 -> WGS84, point-in-polygon per layer, H3 cells.

Runs between the staging and intermediate SQL models. For most kinds it works on the
*distinct* coordinate pairs of their staged records, so repeated addresses and re-loaded
exports cost nothing extra; the build names each located slice with
``etl/sql/locate/int_point_locations.sql`` and appends it to
``intermediate.int_point_locations``, keyed by the raw pair and whether its records may have
a swapped X/Y repaired (a pair shared by records that may and records that may not is
located once for each). The incidents, nuisance reports and accidents, whose pairs are
nearly all their own, are located record by record into ``intermediate.int_<kind>_locations``
in their staging table's order (``etl.build.RECORD_LOCATED``).
"""

from __future__ import annotations

import functools
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import shapely
from h3ronpy.vector import coordinates_to_cells
from pyproj import Transformer
from threadpoolctl import threadpool_limits

from etl.sources.districts import DistrictLayers

#: Rough Lambert 72 extent of Belgium (metres); anything else is not a usable location.
BELGIUM_31370 = (10_000.0, 15_000.0, 300_000.0, 250_000.0)


@functools.cache
def _transformer(source: str, target: str) -> Transformer:
    """PROJ's transformation between two CRSs, made on first use: making the three the
    build needs costs 0.1 s (PROJ's database), which importing this module no longer pays."""
    return Transformer.from_crs(source, target, always_xy=True)


def _to_wgs84() -> Transformer:
    return _transformer("EPSG:31370", "EPSG:4326")


STATUS_OK = "ok"
STATUS_NONE = "geen_locatie"
STATUS_OUTSIDE = "buiten_zone"
STATUS_NO_WIJK = "geen_wijk"
STATUSES = (STATUS_OK, STATUS_NONE, STATUS_OUTSIDE, STATUS_NO_WIJK)
NOTE_ZERO = "coördinaten zijn 0"
NOTE_WGS84 = "WGS84-coördinaten omgezet naar Lambert 72"
NOTE_L08 = "Lambert 2008-coördinaten omgezet naar Lambert 72"
NOTE_SWAPPED = "X en Y omgewisseld"
NOTE_L08_SWAPPED = "Lambert 2008-coördinaten, X en Y omgewisseld, omgezet naar Lambert 72"
NOTE_WGS84_SWAPPED = "WGS84-coördinaten, X en Y omgewisseld, omgezet naar Lambert 72"
NOTE_OUTSIDE_BELGIUM = "coördinaten buiten België"
NOTE_DECLARED = "omgezet uit het coördinatenstelsel van crs_input (zone.toml) naar Lambert 72"
#: Written by the located SQL models for a record without a usable coordinate pair.
NOTE_NO_COORDINATES = "geen (geldige) coördinaten"
NOTES = (
    NOTE_ZERO,
    NOTE_WGS84,
    NOTE_L08,
    NOTE_SWAPPED,
    NOTE_OUTSIDE_BELGIUM,
    NOTE_L08_SWAPPED,
    NOTE_WGS84_SWAPPED,
    NOTE_DECLARED,
)

#: The coordinate systems the locating step tells apart by their values (Lambert 72,
#: Lambert 2008, WGS84): a ``crs_input`` of the zone among them changes nothing.
RECOGNISED_CRS = ("EPSG:31370", "EPSG:3812", "EPSG:4326")


#: From this many points on, PROJ and h3ronpy split their work over the cores.
PARALLEL_MIN_POINTS = 200_000

#: :func:`to_wgs84` fits one polynomial per square tile of the Lambert 72 plane (metres,
#: tiles at fixed multiples, so a point always gets the same answer), of this degree, from
#: PROJ's answers at Chebyshev nodes of the tile.
WGS84_TILE_M = 50_000.0
WGS84_DEGREE = 6
_WGS84_NODES = 24
#: A tile's polynomial is only used when it matches PROJ this closely (degrees) on a
#: separate check grid: 1e-10 degrees is about 0.01 mm, where the BD72 -> WGS84 datum
#: shift PROJ applies is itself accurate to about 1 m. Else the tile goes through PROJ.
WGS84_TOLERANCE_DEG = 1e-10


#: Fitted tiles of this process: (ix, iy) -> coefficients, or None where PROJ must do it.
_WGS84_TILES: dict[tuple[int, int], tuple | None] = {}


def _wgs84_tile(ix: int, iy: int) -> tuple[np.ndarray, np.ndarray, float, float] | None:
    """Polynomial coefficients (lon, lat) of tile (ix, iy), or None when PROJ must do it."""
    if (ix, iy) in _WGS84_TILES:
        return _WGS84_TILES[ix, iy]
    x0, y0 = ix * WGS84_TILE_M, iy * WGS84_TILE_M
    n = _WGS84_NODES
    nodes = 0.5 - 0.5 * np.cos(np.pi * (np.arange(n) + 0.5) / n)  # in [0, 1]
    u, v = (a.ravel() for a in np.meshgrid(nodes, nodes))
    lon, lat = _to_wgs84().transform(x0 + u * WGS84_TILE_M, y0 + v * WGS84_TILE_M)
    basis = np.polynomial.polynomial.polyvander2d(2 * u - 1, 2 * v - 1, [WGS84_DEGREE] * 2)
    fit: tuple | None = None
    if np.isfinite(lon).all() and np.isfinite(lat).all():
        lon0, lat0 = float(lon.mean()), float(lat.mean())
        # One BLAS thread: a 576 x 49 system gains nothing from more, and OpenBLAS's
        # extra threads would then spin idle next to the build (about 1 % of its CPU).
        with threadpool_limits(1, user_api="blas"):
            solve = np.linalg.lstsq(basis, np.column_stack([lon - lon0, lat - lat0]), rcond=None)
        c_lon = solve[0][:, 0].reshape(WGS84_DEGREE + 1, -1)
        c_lat = solve[0][:, 1].reshape(WGS84_DEGREE + 1, -1)
        fit = (c_lon, c_lat, lon0, lat0)
        check = np.linspace(0, 1, 41)
        cu, cv = (a.ravel() for a in np.meshgrid(check, check))
        ref_lon, ref_lat = _to_wgs84().transform(x0 + cu * WGS84_TILE_M, y0 + cv * WGS84_TILE_M)
        got_lon, got_lat = _wgs84_eval(fit, 2 * cu - 1, 2 * cv - 1)
        error = max(np.abs(got_lon - ref_lon).max(), np.abs(got_lat - ref_lat).max())
        if not error <= WGS84_TOLERANCE_DEG:
            fit = None
    _WGS84_TILES[ix, iy] = fit
    return fit


def _wgs84_eval(fit: tuple, u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The tile polynomials at tile coordinates ``u``, ``v`` in [-1, 1] (Horner's rule).

    numpy's ``polyval2d`` gives the same numbers, but four times slower (it builds one
    array per coefficient row); this works in place.
    """

    def horner(c: np.ndarray) -> np.ndarray:
        total = None
        for j in range(c.shape[1] - 1, -1, -1):
            part = np.full_like(u, c[-1, j])
            for i in range(c.shape[0] - 2, -1, -1):
                part *= u
                part += c[i, j]
            if total is None:
                total = part
            else:
                total *= v
                total += part
        return total

    c_lon, c_lat, lon0, lat0 = fit
    return horner(c_lon) + lon0, horner(c_lat) + lat0


def to_wgs84(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lambert 72 metres -> (lon, lat) degrees, vectorised.

    PROJ's transformation (inverse Lambert conic, then the BD72 -> WGS84 Helmert shift) is
    smooth, so per 50 km tile a degree-6 polynomial fitted to PROJ's own answers gives them
    back to within about 1e-13 degrees (checked per tile against
    :data:`WGS84_TOLERANCE_DEG`), some fifteen times faster than PROJ per point. The tiles
    cover Belgium (:data:`BELGIUM_31370`); points elsewhere, or in a tile whose fit fails
    the check, go through PROJ.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    lon = np.full(len(x), np.nan)
    lat = np.full(len(x), np.nan)
    if len(x) == 0:
        return lon, lat
    tx = np.floor(x / WGS84_TILE_M)
    ty = np.floor(y / WGS84_TILE_M)
    # Tiles cover Belgium (at most 30 fits per process); any other point goes to PROJ.
    xmin, ymin, xmax, ymax = BELGIUM_31370
    tiled = (x >= xmin) & (x <= xmax) & (y >= ymin) & (y <= ymax)
    exact = ~tiled
    if tiled.any():
        ix_min, iy_min = int(tx[tiled].min()), int(ty[tiled].min())
        width = int(tx[tiled].max()) - ix_min + 1
        tile = np.where(tiled, (ty - iy_min) * width + (tx - ix_min), -1).astype(np.int64)
        for t in np.flatnonzero(np.bincount(tile[tiled])):
            ix, iy = ix_min + int(t) % width, iy_min + int(t) // width
            fit = _wgs84_tile(ix, iy)
            members = tile == t
            if fit is None:
                exact |= members
                continue
            u = (x[members] - ix * WGS84_TILE_M) * (2 / WGS84_TILE_M) - 1
            v = (y[members] - iy * WGS84_TILE_M) * (2 / WGS84_TILE_M) - 1
            lon[members], lat[members] = _wgs84_eval(fit, u, v)
    if exact.any():
        xs, ys = x[exact], y[exact]
        done = _parallel(lambda s: _to_wgs84().transform(xs[s], ys[s]), len(xs))
        lon[exact] = np.concatenate([np.asarray(a) for a, _ in done])
        lat[exact] = np.concatenate([np.asarray(b) for _, b in done])
    return lon, lat


def area_index(x: np.ndarray, y: np.ndarray, geoms: list[shapely.Geometry]) -> np.ndarray:
    """Position in ``geoms`` of the polygon containing each point; -1 outside all of them.

    Exact test per point: a bounding-box test first, then :func:`shapely.intersects_xy`
    on the few candidates, an order of magnitude faster than a spatial join against
    detailed polygons. :class:`AreaGrid` gives the same answer faster for many points.
    """
    result = np.full(len(x), -1, dtype=np.int32)
    open_ = np.ones(len(x), dtype=bool)
    for i, geom in enumerate(geoms):
        shapely.prepare(geom)
        xmin, ymin, xmax, ymax = geom.bounds
        cand = np.flatnonzero(open_ & (x >= xmin) & (x <= xmax) & (y >= ymin) & (y <= ymax))
        if cand.size == 0:
            continue
        # intersects, not contains: a point on a shared border goes to the first area
        # instead of to none.
        hit = cand[shapely.intersects_xy(geom, x[cand], y[cand])]
        result[hit] = i
        open_[hit] = False
    return result


class AreaGrid:
    """Point-in-polygon for many points through a grid over the polygons.

    A cell that no polygon boundary touches lies wholly inside the same polygons as its
    corners, so its points get the corners' answer from one array lookup; only points in
    cells near a boundary (a few percent) are tested exactly. Boundaries are marked by
    points along every ring at most half a cell apart: every point of a ring lies within
    a quarter cell of one of them, so every cell a ring touches is the cell of such a
    point or one of its eight neighbours, and all of those are marked. The answer is the
    one of :func:`area_index` (first polygon wins, a point on a border belongs to it).

    Parameters
    ----------
    geoms : list of shapely.Geometry
        Polygons, in priority order.
    cells : int
        About this many grid cells (their corners are tested exactly once).
    """

    def __init__(self, geoms: list[shapely.Geometry], cells: int = 1 << 18) -> None:
        self.geoms = geoms
        #: Per cell: the polygon position of every point in it, -1 none, -2 test exactly;
        #: None without polygons (or without finite bounds: then every point is tested).
        self.labels: np.ndarray | None = None
        bounds = shapely.total_bounds(np.array(geoms, dtype=object)) if geoms else None
        if bounds is None or not np.isfinite(bounds).all():
            return
        xmin, ymin, xmax, ymax = bounds
        size = max(np.sqrt(max(xmax - xmin, 1.0) * max(ymax - ymin, 1.0) / cells), 1.0)
        # One cell of margin: every polygon point lies strictly inside the grid.
        self.x0, self.y0, self.size = xmin - size, ymin - size, size
        self.nx = int(np.ceil((xmax - self.x0) / size)) + 1
        self.ny = int(np.ceil((ymax - self.y0) / size)) + 1
        cx = self.x0 + size * np.arange(self.nx + 1)
        cy = self.y0 + size * np.arange(self.ny + 1)
        gx, gy = np.meshgrid(cx, cy)
        corner = area_index(gx.ravel(), gy.ravel(), geoms).reshape(self.ny + 1, self.nx + 1)
        near = np.zeros((self.ny + 2, self.nx + 2), dtype=bool)  # padded by one cell
        rings = shapely.segmentize(shapely.boundary(np.array(geoms, dtype=object)), size / 2)
        xy = shapely.get_coordinates(rings)
        near[
            np.floor((xy[:, 1] - self.y0) / size).astype(np.int64) + 1,
            np.floor((xy[:, 0] - self.x0) / size).astype(np.int64) + 1,
        ] = True
        grown = near.copy()
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                grown[1:-1, 1:-1] |= near[1 + dy : self.ny + 1 + dy, 1 + dx : self.nx + 1 + dx]
        same = (
            (corner[:-1, :-1] == corner[:-1, 1:])
            & (corner[:-1, :-1] == corner[1:, :-1])
            & (corner[:-1, :-1] == corner[1:, 1:])
        )
        self.labels = np.where(same & ~grown[1:-1, 1:-1], corner[:-1, :-1], -2).astype(np.int32)

    def index(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Position in ``geoms`` of the polygon containing each point; -1 none."""
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        result = np.full(len(x), -1, dtype=np.int32)
        if not self.geoms or len(x) == 0:
            return result
        if self.labels is None:
            return area_index(x, y, self.geoms)
        fx = (x - self.x0) / self.size
        fy = (y - self.y0) / self.size
        on_grid = np.flatnonzero((fx >= 0) & (fx < self.nx) & (fy >= 0) & (fy < self.ny))
        found = self.labels[fy[on_grid].astype(np.int64), fx[on_grid].astype(np.int64)]
        result[on_grid] = found
        check = on_grid[found == -2]
        if check.size:
            result[check] = area_index(x[check], y[check], self.geoms)
        return result


def inside(x: np.ndarray, y: np.ndarray, geom: shapely.Geometry) -> np.ndarray:
    """Boolean mask of points inside ``geom`` (bounding box first)."""
    return area_index(np.asarray(x, dtype=float), np.asarray(y, dtype=float), [geom]) == 0


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
    crs_input: str | None = None,
) -> pd.DataFrame:
    """Locate coordinate pairs as they appear in the exports (see :class:`Locator`)."""
    locator = Locator(layers, h3_resolution, h3_resolution_coarse, crs_input)
    return locator.locate(x_in, y_in, may_swap)


#: The area layers every pair is located in, as named in :class:`DistrictLayers`.
AREA_LAYERS = ("wijk", "deelgemeente", "gemeente")


class Locator:
    """Locates coordinate pairs against one set of boundary layers.

    The grids behind the point-in-polygon tests (:class:`AreaGrid`) are built once, so a
    build that locates its pairs in slices pays for them once.

    Parameters
    ----------
    layers : DistrictLayers
        Boundary layers; may be empty, then nothing gets a wijk.
    h3_resolution, h3_resolution_coarse : int
        Zone's H3 resolutions.
    """

    def __init__(
        self,
        layers: DistrictLayers,
        h3_resolution: int,
        h3_resolution_coarse: int,
        crs_input: str | None = None,
    ):
        # The zone's exports in another system than the three told apart by their values
        # (UTM, say): every pair is converted from it first ([zone].crs_input).
        self.declared = None
        if crs_input and crs_input.strip().upper() not in RECOGNISED_CRS:
            try:
                self.declared = Transformer.from_crs(crs_input, "EPSG:31370", always_xy=True)
            except Exception as exc:  # pyproj's CRSError for a name it does not know
                from etl.sources.base import BuildError

                raise BuildError(
                    f"zone.toml: crs_input = '{crs_input}' is geen coördinatenstelsel dat "
                    "Wijkbeeld kent (bv. 'EPSG:31370' voor Lambert 72, 'EPSG:32631' voor "
                    f"UTM 31N) (technische melding: {exc})"
                ) from exc
        self.h3_resolution = h3_resolution
        self.h3_resolution_coarse = h3_resolution_coarse
        zone = layers.zone_extent()
        self.zone = None if zone is None else AreaGrid([zone])
        self.codes = {name: [a.code for a in layers.layer(name)] for name in AREA_LAYERS}
        with ThreadPoolExecutor(2) as pool:  # shapely releases the GIL
            grids = pool.map(lambda n: AreaGrid([a.geom for a in layers.layer(n)]), AREA_LAYERS)
            self.grids = dict(zip(AREA_LAYERS, grids, strict=True))

    def locate(
        self, x_in: np.ndarray, y_in: np.ndarray, may_swap: np.ndarray | None = None
    ) -> pd.DataFrame:
        """Locate coordinate pairs as they appear in the exports.

        Parameters
        ----------
        x_in, y_in : numpy.ndarray
            Coordinates as parsed from the exports (Lambert 72 expected; WGS84 and Lambert
            2008 recognised by their size; swapped X/Y repaired when only the swap lies in
            the zone, never for WGS84, whose axes tell themselves apart). NaN for missing.
        may_swap : numpy.ndarray of bool, optional
            Per pair: may a swapped X/Y be repaired? False for records that name a
            municipality outside the zone (a neighbour's point, swapped, can fall inside the
            zone). Default: all may.

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
        raw_x, raw_y = x.copy(), y.copy()  # as written: a swap is undone before converting
        note = np.full(n, -1, dtype=np.int8)  # position in NOTES; -1: none
        status = np.zeros(n, dtype=np.int8)  # position in STATUSES

        missing = ~np.isfinite(x) | ~np.isfinite(y)
        zero = ~missing & ((x == 0) | (y == 0))
        note[zero] = NOTES.index(NOTE_ZERO)
        if self.declared is not None and (given := ~missing & ~zero).any():
            x[given], y[given] = self.declared.transform(x[given], y[given])
            raw_x, raw_y = x.copy(), y.copy()
            note[given] = NOTES.index(NOTE_DECLARED)
            missing = ~np.isfinite(x) | ~np.isfinite(y)

        wgs = ~missing & ~zero & (np.abs(x) <= 180) & (np.abs(y) <= 90)
        # Latitude in X and longitude in Y (a map app copies "50.88, 4.66" in that order):
        # in Belgium the two ranges cannot be mistaken for each other, so turned around.
        wgs_swapped = wgs & (x > 49) & (x < 52) & (y > 2) & (y < 7)
        x[wgs_swapped], y[wgs_swapped] = y[wgs_swapped].copy(), x[wgs_swapped].copy()
        wgs &= (x > 2) & (x < 7) & (y > 49) & (y < 52)
        if wgs.any():
            x[wgs], y[wgs] = _transformer("EPSG:4326", "EPSG:31370").transform(x[wgs], y[wgs])
            note[wgs] = NOTES.index(NOTE_WGS84)
            note[wgs_swapped] = NOTES.index(NOTE_WGS84_SWAPPED)
        l08 = (
            ~missing & ~zero & ~wgs & (x > 400_000) & (y > 400_000) & (x < 900_000) & (y < 900_000)
        )
        if l08.any():
            x[l08], y[l08] = _transformer("EPSG:3812", "EPSG:31370").transform(x[l08], y[l08])
            note[l08] = NOTES.index(NOTE_L08)

        xmin, ymin, xmax, ymax = BELGIUM_31370
        in_belgium = ~missing & ~zero & (x >= xmin) & (x <= xmax) & (y >= ymin) & (y <= ymax)
        zone = self.zone
        usable = in_belgium.copy()
        if zone is not None:
            in_zone = in_belgium & (zone.index(x, y) == 0)
            # Swapped X/Y: both Lambert 72 axes overlap in range, so only the zone tells. A
            # WGS84 pair is never swapped: it was only read as one because longitude (2-7)
            # and latitude (49-52) were in their places, so its axis order is not in doubt.
            cand = ~missing & ~zero & ~in_zone & ~wgs
            if may_swap is not None:
                cand &= np.asarray(may_swap, dtype=bool)
            swapped = np.zeros(n, dtype=bool)
            # The swapped pair: Lambert 72 turned around, or a Lambert 2008 pair turned
            # around as written and then converted (converting first put it some 6 m off).
            sx, sy = y.copy(), x.copy()
            if (l08_cand := cand & l08).any():
                sx[l08_cand], sy[l08_cand] = _transformer("EPSG:3812", "EPSG:31370").transform(
                    raw_y[l08_cand], raw_x[l08_cand]
                )
            if cand.any():
                swapped[cand] = zone.index(sx[cand], sy[cand]) == 0
            if swapped.any():
                x[swapped], y[swapped] = sx[swapped], sy[swapped]
                note[swapped] = NOTES.index(NOTE_SWAPPED)
                note[swapped & l08] = NOTES.index(NOTE_L08_SWAPPED)
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

        # The three layers and (WGS84, H3) are independent; numpy, shapely and h3ronpy
        # release the GIL, so they run side by side.
        idx = np.flatnonzero(in_zone)
        ok = np.flatnonzero(usable)
        lon = np.full(n, np.nan)
        lat = np.full(n, np.nan)
        h3_fine = np.zeros(n, dtype=np.uint64)
        codes = self.codes
        index = {name: np.full(n, -1, dtype=np.int32) for name in AREA_LAYERS}

        def assign(name: str) -> None:
            if idx.size:
                index[name][idx] = self.grids[name].index(x[idx], y[idx])

        def project() -> None:
            if ok.size:
                lon[ok], lat[ok] = to_wgs84(x[ok], y[ok])
                h3_fine[ok] = h3_cells(lat[ok], lon[ok], self.h3_resolution)

        with ThreadPoolExecutor(2) as pool:
            for job in [pool.submit(project), *(pool.submit(assign, n) for n in AREA_LAYERS)]:
                job.result()
        status[in_zone & (index["wijk"] < 0)] = STATUSES.index(STATUS_NO_WIJK)
        h3_coarse = h3_parent(h3_fine, self.h3_resolution_coarse)

        def labels(positions: np.ndarray, values: list[str]) -> pd.Categorical:
            # Categorical: one small array of codes, not a million Python strings; -1 is
            # None. The build casts them to its sorted vocabulary types (etl.labels).
            return pd.Categorical.from_codes(positions, categories=pd.Index(values, dtype=object))

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
