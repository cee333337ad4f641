"""Boundary layers (GeoJSON) -> Python geometries in Lambert 72 and ``raw.districts``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely
from pyproj import Transformer

from etl.sources.base import BuildError, source_name
from etl.sources.mapping import KindMapping, normalise_header

LAYERS = ("zone", "gemeente", "deelgemeente", "wijk")


@dataclass
class Area:
    """One boundary polygon, in Lambert 72."""

    layer: str
    code: str
    name: str | None
    parent_code: str | None
    nis_code: str | None
    geom: shapely.Geometry
    source_file: str
    source_row: int


@dataclass
class DistrictLayers:
    """The boundary layers found under ``raw/districts`` (any may be empty)."""

    areas: dict[str, list[Area]] = field(default_factory=lambda: {layer: [] for layer in LAYERS})
    files: list[dict] = field(default_factory=list)

    def layer(self, name: str) -> list[Area]:
        return self.areas.get(name, [])

    def zone_extent(self) -> shapely.Geometry | None:
        """The zone's outline: the zone layer, else the union of the finest layer below it."""
        for name in LAYERS:
            polys = [a.geom for a in self.layer(name)]
            if polys:
                return shapely.union_all(polys)
        return None


def detect_crs(doc: dict, sample: np.ndarray) -> str:
    """CRS of a GeoJSON document: its ``crs`` member, else guessed from coordinate size.

    Lambert 72 (EPSG:31370) has x, y below 300 km; Lambert 2008 (EPSG:3812) is offset to
    500-800 km; WGS84 lies within +-180/90 degrees.
    """
    name = (((doc.get("crs") or {}).get("properties") or {}).get("name") or "").upper()
    for code in ("31370", "3812", "4326"):
        if name.endswith(code) or f"EPSG::{code}" in name or f"EPSG:{code}" in name:
            return f"EPSG:{code}"
    if "CRS84" in name:
        return "EPSG:4326"
    if sample.size == 0:
        return "EPSG:31370"
    x, y = sample[:, 0], sample[:, 1]
    if np.all(np.abs(x) <= 180) and np.all(np.abs(y) <= 90):
        return "EPSG:4326"
    if np.nanmedian(x) > 400_000 and np.nanmedian(y) > 400_000:
        return "EPSG:3812"
    return "EPSG:31370"


def _prop(props: dict, folded: dict[str, str], mapping: KindMapping, canonical: str):
    for variant in [*mapping.expected(canonical), canonical]:
        key = folded.get(normalise_header(variant))
        if key is not None and props.get(key) not in (None, ""):
            return str(props[key]).strip()
    return None


def _classify(values: dict, path: Path) -> str | None:
    """Which layer a feature belongs to: the finest code it carries, else the file name."""
    if values["wijk_code"]:
        return "wijk"
    if values["deelgemeente_code"]:
        return "deelgemeente"
    if values["nis_code"] and values["gemeente_naam"]:
        return "gemeente"
    if values["zone_naam"]:
        return "zone"
    stem = normalise_header(path.stem)
    for layer in ("deelgemeente", "gemeente", "wijk", "zone"):
        if layer in stem:
            return layer
    return None


def load_districts(files: list[Path], raw: Path, mapping: KindMapping) -> DistrictLayers:
    """Read the boundary GeoJSON files and reproject them to Lambert 72.

    Parameters
    ----------
    files : list of Path
        GeoJSON files, in load order; a later file replaces an area with the same
        layer and code.
    raw : Path
        Raw folder (for file names).
    mapping : KindMapping
        Property-name variants (``[districts.fields]`` of the mappings).

    Returns
    -------
    DistrictLayers
    """
    layers = DistrictLayers()
    by_key: dict[tuple[str, str], Area] = {}
    for path in files:
        name = source_name(raw, path)
        try:
            doc = json.loads(path.read_bytes().decode("utf-8-sig"))
            features = doc["features"] if doc.get("type") == "FeatureCollection" else [doc]
            geoms = [shapely.from_geojson(json.dumps(f["geometry"])) for f in features]
        except (ValueError, KeyError, TypeError, shapely.errors.GEOSException) as exc:
            raise BuildError(f"Bestand {name} is geen geldige GeoJSON: {exc}") from exc
        coords = (
            shapely.get_coordinates(np.array(geoms, dtype=object)) if geoms else np.empty((0, 2))
        )
        crs = detect_crs(doc, coords[:2000])
        if crs != "EPSG:31370":
            transformer = Transformer.from_crs(crs, "EPSG:31370", always_xy=True)
            geoms = [
                shapely.transform(
                    g, lambda xy, t=transformer: np.column_stack(t.transform(xy[:, 0], xy[:, 1]))
                )
                for g in geoms
            ]
        count = 0
        for row, (feature, geom) in enumerate(zip(features, geoms, strict=True), start=1):
            props = feature.get("properties") or {}
            folded = {normalise_header(k): k for k in props}
            values = {c: _prop(props, folded, mapping, c) for c in mapping.fields}
            layer = _classify(values, path)
            if layer is None or geom is None or geom.is_empty:
                continue
            if not geom.is_valid:
                geom = shapely.make_valid(geom)
            code, label, parent = {
                "wijk": ("wijk_code", "wijk_naam", "deelgemeente_code"),
                "deelgemeente": ("deelgemeente_code", "deelgemeente_naam", "nis_code"),
                "gemeente": ("nis_code", "gemeente_naam", None),
                "zone": ("zone_naam", "zone_naam", None),
            }[layer]
            area = Area(
                layer=layer,
                code=values[code],
                name=values[label],
                parent_code=values[parent] if parent else None,
                nis_code=values["nis_code"],
                geom=geom,
                source_file=name,
                source_row=row,
            )
            by_key[(layer, area.code)] = area
            count += 1
        layers.files.append(
            {
                "kind": "districts",
                "source_file": name,
                "rows_read": len(features),
                "encoding": "utf-8",
                "delimiter": None,
                "crs": crs,
                "accepted": count,
            }
        )
    for (layer, _code), area in sorted(by_key.items()):
        layers.areas[layer].append(area)
    return layers
