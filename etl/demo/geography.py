"""Demo geography: zone outline, nested district layers, main roads, streets and point sampling.

All coordinates are Belgian Lambert 72 (EPSG:31370) metres. The layers are built so that they
nest exactly: wijken are Voronoi cells of the configured wijk seeds clipped to a smooth zone
outline and snapped to a 1 cm grid; every higher layer is the grid-aware union of the layer
below, so no slivers or gaps can appear between them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from scipy.spatial import cKDTree
from shapely.geometry import LineString, MultiPoint, Point, mapping

from etl.demo.zone import ZoneSpec

#: Grid (m) every demo polygon is snapped to, so unions of shared edges are exact.
GRID = 0.01

#: Inhabitants per km² used to size the demo outline (typical Flemish suburban density).
DEMO_DENSITY_PER_KM2 = 625.0

#: Street names the demo draws from; accented ones make the Windows-1252 encoding matter.
ACCENTED_STREETS = (
    "Onze-Lieve-Vrouwstraat",
    "Sint-Rémistraat",
    "Égide Walschaertsstraat",
    "Hélène Dutrieulaan",
    "Kapelstraat-Noël",
    "Père Damiaanstraat",
)
STREET_POOL = (
    "Kerkstraat", "Dorpsstraat", "Stationsstraat", "Schoolstraat", "Molenstraat",
    "Kapelstraat", "Nieuwstraat", "Veldstraat", "Bergstraat", "Lindestraat",
    "Kasteelstraat", "Bosstraat", "Heidestraat", "Beekstraat", "Pastorijstraat",
    "Hoogstraat", "Kouterstraat", "Vijverstraat", "Ganzenweg", "Weidestraat",
    "Wilgenlaan", "Eikenlaan", "Berkenlaan", "Populierenlaan", "Tiensestraat",
    "Brusselsestraat", "Mechelsestraat", "Abdijstraat", "Hofstraat", "Broekstraat",
    "Boomgaardstraat", "Groenstraat", "Zavelstraat", "Processieweg", "Dreef",
    "Sportlaan", "Parkstraat", "Rozenstraat", "Tulpenstraat", "Meidoornlaan",
    "Spoorweglaan", "Smisstraat", "Brouwerijstraat", "Pachthofstraat", "Hoeveweg",
    "Pater Damiaanplein", "Gemeenteplein", "Marktplein", "Sint-Jansstraat", "Bijenstraat",
    "Akkerstraat", "Koutermolenweg", "Vlasstraat", "Kloosterstraat", "Ridderstraat",
    "Leliestraat", "Nachtegalenstraat", "Merelstraat", "Zwaluwstraat", "Lijsterbeslaan",
)  # fmt: skip

#: Main roads: (name, road type). Generic names so that no particular zone is assumed.
MAIN_ROADS = (
    ("Grote Steenweg", "Gewestweg"),
    ("Autosnelweg", "Autosnelweg"),
    ("Provinciebaan", "Gewestweg"),
)

ANCHOR_SPACING_M = 40.0


@dataclass
class Road:
    """A main road of the demo zone."""

    name: str
    road_type: str
    line: LineString


@dataclass
class Geography:
    """Everything spatial the generator draws from.

    Attributes
    ----------
    outline : shapely.Polygon
        The zone outline (union of all wijken).
    wijken, deelgemeenten, municipalities : list of shapely geometries
        One per configured item, in configuration order.
    roads : list of Road
        Main roads, clipped to the outline.
    anchor_xy, anchor_street, anchor_number, anchor_road_type, anchor_muni
        Street anchors (address points); every generated point takes the nearest anchor of its
        own municipality as its address, so addresses repeat like real ones do.
    """

    spec: ZoneSpec
    outline: shapely.Polygon
    wijken: list
    deelgemeenten: list
    municipalities: list
    roads: list[Road]
    anchor_xy: np.ndarray
    anchor_street: np.ndarray
    anchor_number: np.ndarray
    anchor_road_type: np.ndarray
    anchor_muni: np.ndarray

    def __post_init__(self) -> None:
        shapely.prepare(self.outline)
        self._seed_tree = cKDTree(self.spec.wijk_seeds)
        self._muni_trees = []
        for i in range(len(self.spec.municipalities)):
            idx = np.flatnonzero(self.anchor_muni == i)
            self._muni_trees.append((idx, cKDTree(self.anchor_xy[idx])))
        wijk_deel = {d.code: i for i, d in enumerate(self.spec.deelgemeenten)}
        muni_idx = {m.nis_code: i for i, m in enumerate(self.spec.municipalities)}
        self.wijk_to_deel = np.array([wijk_deel[w.deelgemeente] for w in self.spec.wijken])
        self.wijk_to_muni = np.array([muni_idx[w.nis_code] for w in self.spec.wijken])
        b = self.outline.bounds
        self.bounds = np.array(b)

    # -- lookups -----------------------------------------------------------------------------
    def inside(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Boolean mask: which points lie inside the zone outline."""
        return shapely.contains_xy(self.outline, x, y)

    def wijk_of(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Index of the wijk each point falls in (nearest seed = its Voronoi cell)."""
        # Inside the outline the Voronoi cell *is* the nearest-seed region, so a KD-tree query
        # replaces a point-in-polygon join; points outside get the nearest wijk.
        return self._seed_tree.query(np.column_stack([x, y]))[1]

    def nearest_anchor(self, x: np.ndarray, y: np.ndarray, muni: np.ndarray) -> np.ndarray:
        """Index of the nearest street anchor within each point's own municipality."""
        out = np.empty(len(x), dtype=np.int64)
        for i, (idx, tree) in enumerate(self._muni_trees):
            sel = np.flatnonzero(muni == i)
            if sel.size:
                out[sel] = idx[tree.query(np.column_stack([x[sel], y[sel]]))[1]]
        return out

    # -- sampling ----------------------------------------------------------------------------
    def uniform(self, rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
        """``n`` points uniformly distributed inside the outline."""
        xmin, ymin, xmax, ymax = self.bounds
        xs, ys, have = [], [], 0
        while have < n:
            m = int((n - have) * 1.6) + 16
            x = rng.uniform(xmin, xmax, m)
            y = rng.uniform(ymin, ymax, m)
            ok = self.inside(x, y)
            xs.append(x[ok])
            ys.append(y[ok])
            have += int(ok.sum())
        return np.concatenate(xs)[:n], np.concatenate(ys)[:n]

    def on_roads(
        self, rng: np.random.Generator, n: int, road_weights: np.ndarray, spread_m: float
    ) -> tuple[np.ndarray, np.ndarray]:
        """``n`` points along the main roads, with a gaussian offset across the road."""
        w = np.asarray(road_weights, float) * np.array([r.line.length for r in self.roads])
        which = rng.choice(len(self.roads), size=n, p=w / w.sum())
        x = np.empty(n)
        y = np.empty(n)
        for i, road in enumerate(self.roads):
            sel = np.flatnonzero(which == i)
            if not sel.size:
                continue
            d = rng.uniform(0, road.line.length, sel.size)
            pts = shapely.line_interpolate_point(road.line, d)
            x[sel] = shapely.get_x(pts)
            y[sel] = shapely.get_y(pts)
        x += rng.normal(0, spread_m, n)
        y += rng.normal(0, spread_m, n)
        return x, y

    def sample(
        self,
        rng: np.random.Generator,
        n: int,
        *,
        centre_share: float = 0.55,
        road_share: float = 0.25,
        centre_sigma_m: float = 550.0,
        road_weights: tuple[float, ...] = (1.0, 0.15, 0.6),
        road_spread_m: float = 35.0,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Clustered points inside the outline.

        A mixture of gaussians around deelgemeente centres (weighted by the population of their
        wijken), points along the main roads and a uniform rest, so maps look like a real zone:
        dense villages, ribbons along the steenweg, scattered rural records.

        Parameters
        ----------
        rng : numpy.random.Generator
        n : int
            Number of points.
        centre_share, road_share : float
            Shares of the village and road components; the rest is uniform.
        centre_sigma_m : float
            Standard deviation of the village gaussians.
        road_weights : tuple of float
            Relative weight per main road (per metre of road).
        road_spread_m : float
            Standard deviation across the road.

        Returns
        -------
        x, y : numpy.ndarray
            Lambert 72 coordinates, all inside the outline.
        """
        x = np.empty(n)
        y = np.empty(n)
        p = np.clip([centre_share, road_share, 1 - centre_share - road_share], 0, None)
        comp = rng.choice(3, size=n, p=p / p.sum())
        todo = np.arange(n)
        for _ in range(8):
            c = comp[todo]
            self._fill(rng, x, y, todo[c == 0], "centre", centre_sigma_m, road_weights,
                       road_spread_m)  # fmt: skip
            self._fill(rng, x, y, todo[c == 1], "road", centre_sigma_m, road_weights,
                       road_spread_m)  # fmt: skip
            self._fill(rng, x, y, todo[c == 2], "uniform", centre_sigma_m, road_weights,
                       road_spread_m)  # fmt: skip
            todo = todo[~self.inside(x[todo], y[todo])]
            if not todo.size:
                break
        if todo.size:
            x[todo], y[todo] = self.uniform(rng, todo.size)
        return x, y

    def _fill(self, rng, x, y, idx, kind, sigma, road_weights, road_spread) -> None:
        if not idx.size:
            return
        if kind == "centre":
            w = self._centre_weights()
            k = rng.choice(len(w), size=idx.size, p=w)
            c = self.spec.centres[k]
            x[idx] = c[:, 0] + rng.normal(0, sigma, idx.size)
            y[idx] = c[:, 1] + rng.normal(0, sigma, idx.size)
        elif kind == "road":
            x[idx], y[idx] = self.on_roads(rng, idx.size, np.array(road_weights), road_spread)
        else:
            x[idx], y[idx] = self.uniform(rng, idx.size)

    def _centre_weights(self) -> np.ndarray:
        pop = np.zeros(len(self.spec.deelgemeenten))
        codes = [d.code for d in self.spec.deelgemeenten]
        for w in self.spec.wijken:
            pop[codes.index(w.deelgemeente)] += max(w.population, 1)
        return pop / pop.sum()

    def outside(self, rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
        """``n`` points just outside the outline (200 m to 1.5 km beyond its edge)."""
        ring = self.outline.exterior
        d = rng.uniform(0, ring.length, n)
        p = shapely.line_interpolate_point(ring, d)
        bx, by = shapely.get_x(p), shapely.get_y(p)
        cx, cy = self.outline.centroid.x, self.outline.centroid.y
        vx, vy = bx - cx, by - cy
        norm = np.hypot(vx, vy)
        off = rng.uniform(200, 1500, n)
        x, y = bx + vx / norm * off, by + vy / norm * off
        bad = self.inside(x, y)
        # The outline is convex, so this never triggers; kept for non-convex custom outlines.
        x[bad] += 5000
        return x, y


# -- construction ------------------------------------------------------------------------------
def _outline(spec: ZoneSpec) -> shapely.Polygon:
    pts = np.vstack([spec.wijk_seeds, spec.centres])
    hull = MultiPoint([tuple(p) for p in pts]).convex_hull
    target = max(spec.population, 1) / DEMO_DENSITY_PER_KM2 * 1e6
    # Bisection on the buffer distance: the outline is a smooth blob around the seeds whose
    # area matches the population at a suburban density (clamped to a 0.6-2.5 km buffer).
    lo, hi = 600.0, 2500.0
    for _ in range(30):
        mid = (lo + hi) / 2
        if hull.buffer(mid, quad_segs=16).area < target:
            lo = mid
        else:
            hi = mid
    return shapely.set_precision(hull.buffer(round(lo, 1), quad_segs=16), GRID)


def _voronoi_wijken(spec: ZoneSpec, outline: shapely.Polygon) -> list:
    seeds = spec.wijk_seeds
    cells = shapely.voronoi_polygons(MultiPoint([tuple(p) for p in seeds]), extend_to=outline)
    cells = list(shapely.get_parts(cells))
    out = []
    for sx, sy in seeds:
        cell = next(c for c in cells if c.contains(Point(sx, sy)))
        out.append(shapely.set_precision(cell.intersection(outline), GRID))
    return out


def _extend_to_outline(coords: np.ndarray, outline: shapely.Polygon) -> LineString:
    # Stretch the first and last segment far beyond the zone, then clip: main roads run from
    # edge to edge like real through-roads.
    coords = np.asarray(coords, float)
    a = coords[0] + (coords[0] - coords[1]) / np.linalg.norm(coords[0] - coords[1]) * 30000
    b = coords[-1] + (coords[-1] - coords[-2]) / np.linalg.norm(coords[-1] - coords[-2]) * 30000
    line = LineString(np.vstack([a, coords, b]))
    clipped = line.intersection(outline)
    parts = list(shapely.get_parts(clipped))
    return max(parts, key=lambda g: g.length)


def _roads(spec: ZoneSpec, outline: shapely.Polygon) -> list[Road]:
    centres = spec.centres
    mean = centres.mean(axis=0)
    _, _, vt = np.linalg.svd(centres - mean)
    axis, normal = vt[0], vt[1]
    along = (centres - mean) @ axis
    across = (centres - mean) @ normal
    # The steenweg links the villages in the central band of the zone, in order along the main
    # axis; the villages farthest off that band are served by the crossing provinciebaan.
    band = np.abs(across) <= np.quantile(np.abs(across), 0.6) + 1e-9
    main = centres[band][np.argsort(along[band])]
    if len(main) < 2:
        main = np.vstack([mean - axis * 1000, mean + axis * 1000])
    steenweg = _extend_to_outline(main, outline)

    # The motorway runs parallel to the main axis along the widest gap between villages, so it
    # stays clear of every centre, as a real motorway skirts the villages it serves.
    def clearance(off: float) -> float:
        return float(np.min(np.abs(across - off)))

    span = np.abs(across).max() + 1500
    cands = [o for o in np.linspace(-span, span, 121) if abs(o) >= 300]
    offset = max(cands, key=lambda o: (clearance(o) >= 700, -abs(abs(o) - 1200), clearance(o)))
    base = mean + normal * offset
    motorway = _extend_to_outline(np.vstack([base - axis * 1000, base + axis * 1000]), outline)

    # The provinciebaan crosses the steenweg through the village farthest off its band.
    far = int(np.argmax(np.abs(across) * ~band)) if (~band).any() else int(np.argmin(along))
    fx, fy = centres[far]
    foot = steenweg.interpolate(steenweg.project(Point(fx, fy)))
    target = np.array([foot.x, foot.y])
    if np.linalg.norm(target - centres[far]) < 300:
        target = centres[far] + normal * 1000
    prov = _extend_to_outline(np.vstack([centres[far], target]), outline)
    lines = [steenweg, motorway, prov]
    return [Road(n, t, ln) for (n, t), ln in zip(MAIN_ROADS, lines, strict=True)]


def _anchors(rng: np.random.Generator, spec: ZoneSpec, outline, deel_polys, muni_polys, roads):
    xy, street, number, rtype, muni = [], [], [], [], []
    n_muni = len(spec.municipalities)
    deel_of_muni = {
        i: [j for j, d in enumerate(spec.deelgemeenten) if d.nis_code == m.nis_code]
        for i, m in enumerate(spec.municipalities)
    }
    for i in range(n_muni):
        # Accented names are spread over the municipalities so every file needs cp1252.
        own = list(ACCENTED_STREETS[i::n_muni])
        rest = [s for s in STREET_POOL if s not in own]
        rest = [rest[k] for k in rng.permutation(len(rest))]
        names = own + rest
        deels = deel_of_muni[i] or [0]
        per = max(8, min(18, len(names) // len(deels)))
        for j_pos, j in enumerate(deels):
            poly = deel_polys[j]
            cx, cy = spec.deelgemeenten[j].centre
            mine = names[j_pos * per : (j_pos + 1) * per]
            for k, name in enumerate(mine):
                for _ in range(50):
                    if k < 3:  # the first streets are the village core
                        px, py = cx + rng.normal(0, 150), cy + rng.normal(0, 150)
                    elif rng.random() < 0.6:
                        px, py = cx + rng.normal(0, 700), cy + rng.normal(0, 700)
                    else:
                        b = poly.bounds
                        px, py = rng.uniform(b[0], b[2]), rng.uniform(b[1], b[3])
                    if poly.contains(Point(px, py)):
                        break
                else:
                    px, py = cx, cy
                ang = rng.uniform(0, np.pi)
                length = rng.uniform(250, 900)
                t = np.arange(-length / 2, length / 2, ANCHOR_SPACING_M)
                ax, ay = px + t * np.cos(ang), py + t * np.sin(ang)
                keep = shapely.contains_xy(muni_polys[i], ax, ay)
                if not keep.any():
                    ax, ay, keep = np.array([px]), np.array([py]), np.array([True])
                nums = 1 + 4 * np.arange(len(ax))
                xy.append(np.column_stack([ax[keep], ay[keep]]))
                street += [name] * int(keep.sum())
                number.append(nums[keep])
                rtype += ["Gemeenteweg"] * int(keep.sum())
                muni.append(np.full(int(keep.sum()), i))
    for road in roads:
        d = np.arange(0, road.line.length, ANCHOR_SPACING_M * 2)
        p = shapely.line_interpolate_point(road.line, d)
        ax, ay = shapely.get_x(p), shapely.get_y(p)
        for i in range(n_muni):
            keep = shapely.contains_xy(muni_polys[i], ax, ay)
            if not keep.any():
                continue
            xy.append(np.column_stack([ax[keep], ay[keep]]))
            street += [road.name] * int(keep.sum())
            # Motorway locations have no house number (police write a kilometre marker).
            nums = (
                1 + 2 * np.arange(len(ax))
                if road.road_type != "Autosnelweg"
                else np.zeros(len(ax), int)
            )
            number.append(nums[keep])
            rtype += [road.road_type] * int(keep.sum())
            muni.append(np.full(int(keep.sum()), i))
    return (
        np.vstack(xy),
        np.array(street, dtype=object),
        np.concatenate(number),
        np.array(rtype, dtype=object),
        np.concatenate(muni),
    )


def build_geography(spec: ZoneSpec, rng: np.random.Generator) -> Geography:
    """Build the demo zone's geometry from the zone configuration.

    Parameters
    ----------
    spec : ZoneSpec
        The zone.
    rng : numpy.random.Generator
        Source of randomness (street layout); the polygons themselves are deterministic.

    Returns
    -------
    Geography
    """
    outline0 = _outline(spec)
    wijken = _voronoi_wijken(spec, outline0)
    deel = [
        shapely.union_all([wijken[i] for i, w in enumerate(spec.wijken) if w.deelgemeente == d.code],
                          grid_size=GRID)
        for d in spec.deelgemeenten
    ]  # fmt: skip
    munis = [
        shapely.union_all([deel[i] for i, d in enumerate(spec.deelgemeenten) if d.nis_code == m.nis_code],
                          grid_size=GRID)
        for m in spec.municipalities
    ]  # fmt: skip
    outline = shapely.union_all(munis, grid_size=GRID)
    roads = _roads(spec, outline)
    anchors = _anchors(rng, spec, outline, deel, munis, roads)
    return Geography(spec, outline, wijken, deel, munis, roads, *anchors)


# -- output ------------------------------------------------------------------------------------
def _feature_collection(name: str, geoms: list, props: list[dict]) -> dict:
    return {
        "type": "FeatureCollection",
        "name": name,
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::31370"}},
        "features": [
            {"type": "Feature", "properties": {**p, "demo": True}, "geometry": mapping(g)}
            for g, p in zip(geoms, props, strict=True)
        ],
    }


def _round_coords(obj):
    if isinstance(obj, float):
        return round(obj, 2)
    if isinstance(obj, list | tuple):
        return [_round_coords(o) for o in obj]
    if isinstance(obj, dict):
        return {k: _round_coords(v) for k, v in obj.items()}
    return obj


def write_districts(geo: Geography, folder: Path) -> int:
    """Write the four boundary layers as Lambert 72 GeoJSON files.

    Returns
    -------
    int
        Number of features written over all layers.
    """
    spec = geo.spec
    folder.mkdir(parents=True, exist_ok=True)
    deel_names = {d.code: d.name for d in spec.deelgemeenten}
    layers = {
        "wijken": (
            geo.wijken,
            [
                {"wijk_code": w.code, "wijk_naam": w.name, "nis_code": w.nis_code,
                 "deelgemeente_code": w.deelgemeente}
                for w in spec.wijken
            ],
        ),
        "deelgemeenten": (
            geo.deelgemeenten,
            [
                {"deelgemeente_code": d.code, "deelgemeente_naam": deel_names[d.code],
                 "nis_code": d.nis_code}
                for d in spec.deelgemeenten
            ],
        ),
        "gemeenten": (
            geo.municipalities,
            [{"nis_code": m.nis_code, "gemeente_naam": m.name} for m in spec.municipalities],
        ),
        "zone": ([geo.outline], [{"zone_naam": spec.name}]),
    }  # fmt: skip
    n = 0
    for name, (geoms, props) in layers.items():
        fc = _round_coords(_feature_collection(name, geoms, props))
        (folder / f"{name}.geojson").write_text(
            json.dumps(fc, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
        )
        n += len(geoms)
    return n
