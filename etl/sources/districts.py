"""Boundary layers (GeoJSON, Shapefile, GeoPackage) -> Python geometries in Lambert 72 and ``raw.districts``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely
from pyproj import Transformer

from etl.sources.base import DAMAGED, BuildError, source_name
from etl.sources.mapping import KindMapping, normalise_header
from etl.sources.tabular import rows_note

#: Coarse to fine; statistical sectors (when a zone has their polygons) nest in wijken.
LAYERS = ("zone", "gemeente", "deelgemeente", "wijk", "sector")


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
    population: int | None = None


@dataclass
class DistrictLayers:
    """The boundary layers found under ``raw/districts`` (any may be empty)."""

    areas: dict[str, list[Area]] = field(default_factory=lambda: {layer: [] for layer in LAYERS})
    files: list[dict] = field(default_factory=list)
    #: Two layers of one file (a GeoPackage, a zip of Shapefiles) that draw the same
    #: areas: ``(file, layer kind, earlier layer, later layer that counts, codes)``.
    conflicts: list[tuple[str, str, str, str, list[str]]] = field(default_factory=list)

    def layer(self, name: str) -> list[Area]:
        return self.areas.get(name, [])

    def zone_extent(self) -> shapely.Geometry | None:
        """The zone's outline: the zone layer, else the union of the municipalities,
        deelgemeenten and wijken there are. Not the coarsest layer alone: a municipality
        layer holding only Herent put every record in Kortenberg's wijken outside the zone."""
        if zone := [a.geom for a in self.layer("zone")]:
            return shapely.union_all(zone)
        polys = [a.geom for name in ("gemeente", "deelgemeente", "wijk") for a in self.layer(name)]
        return shapely.union_all(polys) if polys else None


CRS_CODES = ("31370", "3812", "4326")
#: How a user knows them (notes, messages).
CRS_NAMES = {"EPSG:31370": "Lambert 72", "EPSG:3812": "Lambert 2008", "EPSG:4326": "WGS84"}


def crs_from_name(name: str | None) -> str | None:
    """``"EPSG:31370"`` from a CRS name, URN or WKT/PROJ text naming one of the Belgian CRSs."""
    text = (name or "").upper()
    if not text:
        return None
    for code in CRS_CODES:
        if text.endswith(code) or f"EPSG::{code}" in text or f"EPSG:{code}" in text:
            return f"EPSG:{code}"
        if f'"EPSG",{code}' in text.replace(" ", "") or f"'EPSG',{code}" in text.replace(" ", ""):
            return f"EPSG:{code}"
    if "LAMBERT 2008" in text or "LAMBERT_2008" in text or "LB08" in text:
        return "EPSG:3812"
    if (
        "BELGE 1972" in text
        or "LAMBERT 72" in text
        or "BELGIAN_LAMBERT_72" in text.replace(" ", "_")
    ):
        return "EPSG:31370"
    # WGS84 itself, not a CRS built on it ("WGS 84 / Pseudo-Mercator", "WGS 84 / UTM zone
    # 31N" name it too: read as degrees they lay the zone near 0°, 0°).
    if "CRS84" in text or text.strip() in _WGS84_NAMES:
        return "EPSG:4326"
    return None


#: Names of WGS84 itself, as GDAL, ESRI and GeoJSON write them.
_WGS84_NAMES = {"WGS 84", "WGS84", "WGS_1984", "GCS_WGS_1984", "D_WGS_1984"}


def resolve_crs(text: str | None, name: str, where: str) -> str | None:
    """The CRS a file names, as a code PROJ reads (``"EPSG:31370"``; another system that
    PROJ knows, such as ``"EPSG:3857"`` or ``"EPSG:25831"``, is converted too); ``None``
    when it names none. A name nobody knows stops the file (``where``: what named it)."""
    if not text:
        return None
    if known := crs_from_name(text):
        return known
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    try:
        crs = CRS.from_user_input(text)
    except CRSError:
        raise BuildError(
            f"Bestand {name}: onbekend coördinatenstelsel {text!r} ({where}); verwacht "
            "Lambert 72 (EPSG:31370), Lambert 2008 (EPSG:3812), WGS84 (EPSG:4326) of een "
            "ander EPSG-stelsel."
        ) from None
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else crs.to_wkt()


def crs_label(crs: str) -> str:
    """How a user knows a CRS: ``"Lambert 72"``, ``"EPSG:3857 (WGS 84 / Pseudo-Mercator)"``."""
    if crs in CRS_NAMES:
        return CRS_NAMES[crs]
    from pyproj import CRS

    try:
        other = CRS.from_user_input(crs)
    except Exception:  # noqa: BLE001 - a label only
        return crs
    epsg = other.to_epsg()
    return f"EPSG:{epsg} ({other.name})" if epsg else other.name


def guess_crs(sample: np.ndarray) -> str:
    """CRS from coordinate size: WGS84 within +-180/90, Lambert 2008 offset to 500-800 km."""
    if sample.size == 0:
        return "EPSG:31370"
    x, y = sample[:, 0], sample[:, 1]
    if np.all(np.abs(x) <= 180) and np.all(np.abs(y) <= 90):
        return "EPSG:4326"
    if np.nanmedian(x) > 400_000 and np.nanmedian(y) > 400_000:
        return "EPSG:3812"
    return "EPSG:31370"


def detect_crs(doc: dict, sample: np.ndarray) -> str:
    """CRS of a GeoJSON document: its ``crs`` member, else guessed from coordinate size.

    Lambert 72 (EPSG:31370) has x, y below 300 km; Lambert 2008 (EPSG:3812) is offset to
    500-800 km; WGS84 lies within +-180/90 degrees.
    """
    name = ((doc.get("crs") or {}).get("properties") or {}).get("name")
    return crs_from_name(name) or guess_crs(sample)


def _sidecar_crs(path: Path) -> str | None:
    """A declared CRS next to the file: ``<name>.crs`` (or ``<stem>.crs``) holding e.g. EPSG:31370."""
    for side in (path.with_name(path.name + ".crs"), path.with_suffix(".crs")):
        if side.is_file():
            text = side.read_text(encoding="utf-8", errors="ignore").strip()
            declared = resolve_crs(text, side.name, "de inhoud van het bestand")
            if declared is None:
                raise BuildError(
                    f"Bestand {side.name} is leeg: vermeld er het coördinatenstelsel in "
                    "(bv. EPSG:31370)."
                )
            return declared
    return None


def _read_geojson(path: Path, name: str):
    try:
        doc = json.loads(path.read_bytes().decode("utf-8-sig"))
        features = doc["features"] if doc.get("type") == "FeatureCollection" else [doc]
        # A feature without geometry ("geometry": null) is valid GeoJSON.
        geoms = [
            None if f["geometry"] is None else shapely.from_geojson(json.dumps(f["geometry"]))
            for f in features
        ]
    except (ValueError, KeyError, TypeError, AttributeError, shapely.errors.GEOSException) as exc:
        raise BuildError(
            f"Bestand {name} is geen geldige GeoJSON: {DAMAGED} (technische melding: {exc})"
        ) from exc
    name_crs = ((doc.get("crs") or {}).get("properties") or {}).get("name")
    props = [f.get("properties") or {} for f in features]
    return props, geoms, resolve_crs(name_crs, name, "het crs-veld van de GeoJSON"), "utf-8"


#: The files a Shapefile cannot be read without, besides its ``.shp``: the index and the
#: attribute table (which holds the codes and names). ``.prj`` (the CRS) is optional.
SHAPEFILE_NEEDS = (".shx", ".dbf")


def missing_shapefile_parts(shp: str, names: list[str]) -> list[str]:
    """The parts of :data:`SHAPEFILE_NEEDS` that ``names`` (the files beside the ``.shp``
    named ``shp``, or an archive's members) lack, as file names; the case of the
    extension does not matter (``WIJKEN.SHX``)."""
    stem = shp[: -len(".shp")]
    have = {n.lower() for n in names}
    return [stem + ext for ext in SHAPEFILE_NEEDS if (stem + ext).lower() not in have]


def _shapefile_parts_error(name: str, missing: list[str], zipped: bool) -> BuildError:
    files = " en ".join(Path(m).name for m in missing)
    return BuildError(
        f"Bestand {name}: een Shapefile bestaat uit meerdere bestanden met dezelfde naam; "
        f"{files} {'ontbreken' if len(missing) > 1 else 'ontbreekt'} "
        f"{'in het zip-archief' if zipped else 'naast het .shp-bestand'}. Voeg alle delen "
        f"samen toe (.shp, .shx, .dbf en .prj), of samen in één zip-bestand."
    )


def layer_names(path: Path) -> list[str | None]:
    """The layers of a boundary file: a GeoPackage's layers with geometry, or the
    Shapefiles in a zip (one file may hold "wijken" and "deelgemeenten"); ``[None]`` for
    a file of one layer, and for a file that cannot be listed (reading it says why)."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".gpkg":
            import pyogrio

            names = [str(n) for n, geometry in pyogrio.list_layers(path) if geometry]
        elif suffix == ".zip":
            import zipfile

            with zipfile.ZipFile(path) as archive:
                names = sorted(m for m in archive.namelist() if m.lower().endswith(".shp"))
        else:
            names = []
    except Exception:  # noqa: BLE001 - reading the file names what is wrong with it
        names = []
    return names if len(names) > 1 else [None]


def _read_ogr(path: Path, name: str, layer: str | None = None):
    """Shapefile (plain or zipped) and GeoPackage through pyogrio (GDAL, no internet);
    ``layer``: one of :func:`layer_names` (default the first)."""
    import pyogrio

    target = path.as_posix()
    if path.suffix.lower() == ".zip":
        import zipfile

        try:
            with zipfile.ZipFile(path) as archive:
                members = archive.namelist()
        except zipfile.BadZipFile as exc:
            raise BuildError(
                f"Bestand {name} is geen geldig zip-archief: {DAMAGED} (technische melding: {exc})"
            ) from exc
        shps = sorted(m for m in members if m.lower().endswith(".shp"))
        if not shps:
            raise BuildError(f"Bestand {name}: het zip-archief bevat geen Shapefile (.shp).")
        shp = layer or shps[0]
        if missing := missing_shapefile_parts(shp, members):
            raise _shapefile_parts_error(name, missing, zipped=True)
        target = f"/vsizip/{path.as_posix()}/{shp}"
        layer = None  # the zip member is the layer
    elif path.suffix.lower() == ".shp":
        beside = [p.name for p in path.parent.iterdir()]
        if missing := missing_shapefile_parts(path.name, beside):
            raise _shapefile_parts_error(name, missing, zipped=False)
    try:
        frame = pyogrio.read_dataframe(target, layer=layer)
    except Exception as exc:  # GDAL raises its own error types for broken files
        raise BuildError(
            f"Bestand {name} kan niet gelezen worden als kaartlaag (GeoJSON, Shapefile of "
            f"GeoPackage): {DAMAGED} (technische melding: {exc})"
        ) from exc
    file_crs = None
    if frame.crs is not None:
        # Its EPSG code; else its name (an ESRI .prj of Lambert 72 often carries none),
        # never words inside its whole definition (that of UTM names WGS 84 as its base);
        # else the definition itself, which PROJ converts.
        epsg = frame.crs.to_epsg()
        file_crs = (
            (f"EPSG:{epsg}" if epsg else None)
            or crs_from_name(frame.crs.name)
            or frame.crs.to_wkt()
        )
    columns = [c for c in frame.columns if c != frame.geometry.name]
    props = frame[columns].astype(object).where(frame[columns].notna(), None).to_dict("records")
    geoms = list(frame.geometry.values)
    # The file type as the Data page names it ("Shapefile-kaartlaag (gezipt)"), not the
    # library that read it ("OGR").
    return props, geoms, file_crs, path.suffix.lower().lstrip(".") or "ogr"


def _prop(props: dict, folded: dict[str, str], mapping: KindMapping, canonical: str):
    for variant in [*mapping.expected(canonical), canonical]:
        key = folded.get(normalise_header(variant))
        if key is not None and props.get(key) not in (None, ""):
            value = props[key]
            # A column of whole numbers with a gap is read as floats (GeoPackage,
            # Shapefile): wijk 1 is "1", NIS code 24038 "24038", never "1.0".
            if isinstance(value, float) and value.is_integer():
                return str(int(value))
            return str(value).strip()
    return None


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry | None:
    """The polygons of ``geom`` (a Polygon or MultiPolygon as it is; those of a collection,
    as a repair of an invalid polygon may give); None when it has no area (a point or a
    line is no boundary)."""
    kind = shapely.get_type_id(geom)
    if kind in (3, 6):  # Polygon, MultiPolygon
        return geom
    if kind == 7:  # GeometryCollection
        parts = [
            g for g in shapely.get_parts(geom) if shapely.get_type_id(g) in (3, 6) and g.area > 0
        ]
        return shapely.union_all(parts) if parts else None
    return None


#: A Shapefile's attribute table (dBASE) keeps at most this many characters of a field name.
DBF_NAME_LENGTH = 10


def shapefile_aliases(keys: list[str], mapping: KindMapping) -> dict[str, str]:
    """The names a Shapefile cut short, matched to the property names they began as.

    A GIS writing ``deelgemeente_code`` to a Shapefile stores ``deelgemeen`` (the first ten
    characters); when a second name begins alike (``deelgemeente_naam``), GDAL stores
    ``deelgeme_1``. Per canonical field, in the mapping's order (a code before its name),
    each of its longer variants claims the truncated name, else that laundered one, unless
    the field is present under a full name or the short name is taken. Names longer than
    ten characters mean the table was not cut short: then nothing is matched.

    Returns
    -------
    dict
        Variant (as the mapping spells it) -> the file's property name.
    """
    if any(len(str(k)) > DBF_NAME_LENGTH for k in keys):
        return {}  # not cut short: a Shapefile holds no longer names
    by_name = {str(k).lower(): str(k) for k in keys}
    present = {normalise_header(k) for k in by_name.values()}
    aliases: dict[str, str] = {}
    claimed: set[str] = set()
    for canonical in mapping.fields:
        variants = [*mapping.expected(canonical), canonical]
        if any(normalise_header(v) in present for v in variants):
            continue
        for variant in (v for v in variants if len(v) > DBF_NAME_LENGTH):
            short = variant[:DBF_NAME_LENGTH].lower()
            candidates = [short] + [f"{short[:8]}_{i}" for i in range(1, 10)]
            key = next((by_name[c] for c in candidates if c in by_name and c not in claimed), None)
            if key is not None:
                claimed.add(key.lower())
                aliases[variant] = key
                break
    return aliases


def shapefile_aliases_note(aliases: dict[str, str]) -> str:
    """The file's note on the names :func:`shapefile_aliases` matched (Dutch)."""
    return (
        f"Veldnamen die het Shapefile-formaat tot {DBF_NAME_LENGTH} tekens inkortte, herkend "
        "als: " + ", ".join(f"{key} = {variant}" for variant, key in aliases.items()) + "."
    )


#: Per layer: the field holding an area's code, its name and its parent's code.
_LAYER_FIELDS = {
    "sector": ("sector_code", "sector_naam", "wijk_code"),
    "wijk": ("wijk_code", "wijk_naam", "deelgemeente_code"),
    "deelgemeente": ("deelgemeente_code", "deelgemeente_naam", "nis_code"),
    "gemeente": ("nis_code", "gemeente_naam", None),
    "zone": ("zone_naam", "zone_naam", None),
}


def _features(n: int) -> str:
    return "1 object" if n == 1 else f"{n} objecten"


def _int_or_none(text: str | None) -> int | None:
    try:
        return int(round(float(str(text).replace(",", ".")))) if text not in (None, "") else None
    except ValueError:
        return None


#: The layers from finest to coarsest.
_FINE_TO_COARSE = ("sector", "wijk", "deelgemeente", "gemeente", "zone")


def _layers_named(path: Path) -> list[str]:
    """The layers a file's name names ("wijken.geojson": wijk), finest first; "gemeente"
    only outside "deelgemeente"."""
    stem = normalise_header(path.stem)
    named = [layer for layer in _FINE_TO_COARSE if layer in stem]
    if "gemeente" in named and "gemeente" not in stem.replace("deelgemeente", ""):
        named.remove("gemeente")
    return named


def _classify(values: dict, path: Path) -> str | None:
    """Which layer a feature belongs to: the finest code it carries, else the file name.

    A file whose name names layers ("wijken.geojson") holds areas of those layers or finer
    ones: a feature there whose finest code is coarser (a wijk without its ``wijk_code``
    still carries its deelgemeente's code) lacks its own code and is no area (``None``).
    Taken for a deelgemeente it would replace that deelgemeente's real boundary.
    """
    named = _layers_named(path)
    if values.get("sector_code"):
        layer = "sector"
    elif values["wijk_code"]:
        layer = "wijk"
    elif values["deelgemeente_code"]:
        layer = "deelgemeente"
    elif values["nis_code"] and values["gemeente_naam"]:
        layer = "gemeente"
    elif values["zone_naam"]:
        layer = "zone"
    else:
        # No code: the layer the file's name gives (the loop below then wants its code).
        return next(
            (n for n in ("deelgemeente", "gemeente", "wijk", "zone", "sector") if n in named), None
        )
    if named and _FINE_TO_COARSE.index(layer) > _FINE_TO_COARSE.index(named[-1]):
        return None
    return layer


def read_layer(
    path: Path,
    name: str,
    declared_crs: str | None = None,
    layer: str | None = None,
    boundaries: bool = True,
):
    """Properties and geometries (Lambert 72) of a GeoJSON, GeoPackage or (zipped) Shapefile
    (``layer``: one of a file of several, :func:`layer_names`).

    CRS, first found wins: a sidecar ``<file>.crs`` ("EPSG:31370"), the file's own CRS,
    ``declared_crs``, else guessed from coordinate size (:func:`guess_crs`). ``boundaries``:
    a boundary layer, whose CRS the zone may declare (``districts_crs``); the messages of a
    point layer (addresses, points of interest) name the sidecar only, the one way to give
    its CRS.

    Returns
    -------
    tuple
        ``(properties per feature, geometry per feature or None, CRS read, reader, note)``:
        ``note`` (Dutch) says the CRS was guessed, else None.

    Raises
    ------
    BuildError
        The file is no readable layer or names an unsupported CRS (Dutch message).
    """
    if path.suffix.lower() in (".geojson", ".json"):
        props_list, geoms, file_crs, encoding = _read_geojson(path, name)
    else:
        props_list, geoms, file_crs, encoding = _read_ogr(path, name, layer)
    present = np.array([g for g in geoms if g is not None], dtype=object)
    coords = shapely.get_coordinates(present) if present.size else np.empty((0, 2))
    sample = coords[:: max(1, len(coords) // 2000)]
    # A GeoJSON that names no CRS and holds degrees is WGS84 (RFC 7946), whatever the zone
    # declares for files that do not say theirs.
    degrees = (
        path.suffix.lower() in (".geojson", ".json")
        and sample.size > 0
        and guess_crs(sample) == "EPSG:4326"
    )
    sidecar = _sidecar_crs(path)
    crs, source = next(
        (crs, source)
        for crs, source in (
            (sidecar, f"uit {path.name}.crs"),
            (file_crs, "uit het bestand"),
            ("EPSG:4326" if degrees else None, "GeoJSON zonder crs-veld in graden"),
            (declared_crs, "districts_crs in zone.toml"),
            (guess_crs(sample), _GUESSED),
        )
        if crs
    )
    transformer = None
    if crs != "EPSG:31370":
        transformer = Transformer.from_crs(crs, "EPSG:31370", always_xy=True)
        # Every geometry's coordinates in one call (a point layer of the address register
        # has tens of thousands of features); a missing geometry stays None.
        geoms = list(
            shapely.transform(
                np.array(geoms, dtype=object),
                lambda xy, t=transformer: np.column_stack(t.transform(xy[:, 0], xy[:, 1])),
            )
        )
    if sample.size:
        _check_in_belgium(sample, transformer, name, crs, source, boundaries)
    note = None
    if source == _GUESSED and sample.size:
        # Lambert 72 and Lambert 2008 differ by 500 km, so the guess is sound for a Belgian
        # layer; still, a user trusts a map more when told the file did not say.
        note = (
            f"Het bestand zegt niet in welk coördinatenstelsel het is: {crs_label(crs)}, "
            f"{_GUESSED}. Klopt dat niet, geef het op {_where_to_declare(name, boundaries)}."
        )
    return props_list, geoms, crs, encoding, note


#: How a CRS the file does not name and the zone does not declare was found.
_GUESSED = "geraden uit de grootte van de coördinaten"


def _where_to_declare(name: str, boundaries: bool, example: str = "") -> str:
    """Where a user gives a layer's CRS: its sidecar (of the file, also for one layer of
    several, "grenzen.gpkg!wijken"), and for a boundary layer ``districts_crs`` in
    zone.toml (read for boundary layers only; a point layer's message named it too)."""
    sidecar = Path(name.split("!")[0]).name + ".crs"
    return (
        f"in een bestand {sidecar} naast de kaartlaag"
        + (f" ({example})" if example else "")
        + (" of als districts_crs in zone.toml" if boundaries else "")
    )


def _check_in_belgium(
    sample: np.ndarray, transformer, name: str, crs: str, source: str, boundaries: bool = True
) -> None:
    """Stop a layer that the CRS it was read in puts outside Belgium: a CRS misread or
    wrongly declared (a WGS84 file declared Lambert 72 lay at 0 km, 0 km) turned every
    record into "buiten de zone", without a word about the file."""
    x, y = sample[:, 0], sample[:, 1]
    if transformer is not None:
        x, y = transformer.transform(x, y)
    if _share_in_belgium(x, y) >= 0.5:
        return
    at = next(((float(a), float(b)) for a, b in zip(x, y, strict=True) if np.isfinite(a)), None)

    def metres(v: float) -> str:
        return f"{v:,.0f}".replace(",", ".")

    where = f" (bv. x {metres(at[0])}, y {metres(at[1])} in Lambert 72)" if at else ""
    # Which of Belgium's systems puts the file's own coordinates in Belgium: the example
    # said EPSG:31370 also for a Lambert 2008 layer.
    fits = [
        code
        for code in BELGIAN_CRS
        if code != crs and _share_in_belgium(*_to_lambert72(sample, code)) >= 0.5
    ]
    example = (
        f"waarschijnlijk {fits[0]} ({crs_label(fits[0])}): daarin liggen ze wel in België"
        if len(fits) == 1
        else "EPSG:31370 voor Lambert 72, EPSG:3812 voor Lambert 2008, EPSG:4326 voor WGS84"
    )
    raise BuildError(
        f"Bestand {name}: gelezen in {crs_label(crs)} ({source}) liggen de objecten niet in "
        f"België{where}. Het coördinatenstelsel klopt niet: geef het juiste op "
        f"{_where_to_declare(name, boundaries, example)}."
    )


#: The coordinate systems a Belgian layer comes in (Lambert 72, Lambert 2008, WGS84).
BELGIAN_CRS = ("EPSG:31370", "EPSG:3812", "EPSG:4326")


def _to_lambert72(sample: np.ndarray, crs: str) -> tuple[np.ndarray, np.ndarray]:
    """The points of ``sample`` (x, y in ``crs``) in Lambert 72."""
    x, y = sample[:, 0], sample[:, 1]
    if crs == "EPSG:31370":
        return x, y
    with np.errstate(all="ignore"):
        return Transformer.from_crs(crs, "EPSG:31370", always_xy=True).transform(x, y)


def _share_in_belgium(x, y) -> float:
    """The share of the points ``x``, ``y`` (Lambert 72) inside Belgium's box."""
    from etl.geo import BELGIUM_31370  # not at import: etl.geo loads H3 and pandas

    x0, y0, x1, y1 = BELGIUM_31370
    x, y = np.asarray(x, float), np.asarray(y, float)
    inside = np.isfinite(x) & np.isfinite(y) & (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)
    return float(inside.mean()) if len(x) else 0.0


def load_districts(
    files: list[Path], raw: Path, mapping: KindMapping, declared_crs: str | None = None
) -> DistrictLayers:
    """Read the boundary layers and reproject them to Lambert 72.

    Formats: GeoJSON, Shapefile (``.shp`` with its sidecars, or zipped) and GeoPackage.
    CRS, first found wins: a sidecar ``<file>.crs`` ("EPSG:31370"), the file's own CRS,
    ``declared_crs`` (the zone's ``districts_crs``), else guessed from coordinate size.

    Parameters
    ----------
    files : list of Path
        Boundary files, in load order; a later file replaces an area with the same
        layer and code.
    raw : Path
        Raw folder (for file names).
    mapping : KindMapping
        Property-name variants (``[districts.fields]`` of the mappings).
    declared_crs : str, optional
        CRS for files that do not say theirs.

    Returns
    -------
    DistrictLayers
    """
    layers = DistrictLayers()
    by_key: dict[tuple[str, str], Area] = {}
    #: Per area, the file and layer that drew it last (two layers of one file, below).
    drawn_by: dict[tuple[str, str], tuple[Path, str]] = {}
    conflicts: dict[tuple[str, str, str, str], list[str]] = {}
    zone_crs = resolve_crs(declared_crs, "zone.toml", "districts_crs") if declared_crs else None
    # Each layer of a file of several (a GeoPackage or zip holding "wijken" and
    # "deelgemeenten") is read as a file of its own, named "grenzen.gpkg!wijken"; its
    # name, like a file's, tells which areas it holds.
    parts = [
        (path, sub, source_name(raw, path) + (f"!{Path(sub).stem}" if sub else ""))
        for path in files
        for sub in layer_names(path)
    ]
    for path, sub, name in parts:
        named = Path(sub) if sub and _layers_named(Path(sub)) else path
        props_list, geoms, crs, encoding, crs_note = read_layer(path, name, zone_crs, sub)
        notes = [crs_note] if crs_note else []
        matched: dict[str, str] = {}
        if props_list and path.suffix.lower() in (".shp", ".zip"):
            matched = shapefile_aliases(list(props_list[0]), mapping)
        if matched:
            notes.append(shapefile_aliases_note(matched))
        aliases = {normalise_header(variant): key for variant, key in matched.items()}
        in_file: dict[tuple[str, str], Area] = {}
        merged: dict[tuple[str, str], int] = {}
        unknown: list[int] = []
        shapeless: list[int] = []
        no_area: list[int] = []
        repaired: list[int] = []
        for row, (props, geom) in enumerate(zip(props_list, geoms, strict=True), start=1):
            folded = {**aliases, **{normalise_header(str(k)): k for k in props}}
            values = {c: _prop(props, folded, mapping, c) for c in mapping.fields}
            layer = _classify(values, named)
            code, label, parent = _LAYER_FIELDS.get(layer, (None, None, None))
            # A layer known from the file's name only ("wijken.geojson") still needs each
            # area's code; the zone is one area and may go without.
            if layer is None or (values[code] is None and layer != "zone"):
                unknown.append(row)
                continue
            if geom is None or geom.is_empty:
                shapeless.append(row)
                continue
            if not geom.is_valid:
                geom = shapely.make_valid(geom)
                repaired.append(row)
            if (geom := _polygonal(geom)) is None:
                no_area.append(row)
                continue
            key = (layer, values[code])
            if (first := in_file.get(key)) is not None:
                # One area drawn as several features (a part across a railway, an enclave):
                # one boundary, the first feature's name. A later file still replaces it.
                first.geom = shapely.union_all([first.geom, geom])
                merged[key] = merged.get(key, 1) + 1
                continue
            area = Area(
                layer=layer,
                code=values[code],
                name=values[label],
                parent_code=values[parent] if parent else None,
                nis_code=values["nis_code"],
                geom=geom,
                source_file=name,
                source_row=row,
                population=_int_or_none(values.get("population")),
            )
            part = Path(sub).stem if sub else name
            if (
                (before := drawn_by.get(key)) is not None
                and before[0] == path
                and before[1] != part
            ):
                conflicts.setdefault((source_name(raw, path), layer, before[1], part), []).append(
                    values[code] or ""
                )
            drawn_by[key] = (path, part)
            in_file[key] = by_key[key] = area
        if unknown:
            notes.append(
                f"{_features(len(unknown))} zonder code die Wijkbeeld herkent (wijk_code, "
                "deelgemeente_code, nis_code met een naam, zone_naam, sector_code; de "
                f"varianten in [districts.fields]) overgeslagen: rij {rows_note(unknown)}."
            )
        if unknown and props_list:
            # Which property names the file has, to compare with those expected (or to add
            # to [districts.fields] in the zone's mappings file).
            names = sorted({str(k) for props in props_list for k in props})
            notes.append(
                "Eigenschappen in het bestand: "
                + (", ".join(f"'{n}'" for n in names[:20]) if names else "geen")
                + (f" en {len(names) - 20} meer" if len(names) > 20 else "")
                + "."
            )
        if shapeless:
            notes.append(
                f"{_features(len(shapeless))} zonder geometrie overgeslagen: "
                f"rij {rows_note(shapeless)}."
            )
        if no_area:
            notes.append(
                f"{_features(len(no_area))} zonder oppervlakte (een punt of een lijn, geen "
                f"grens) overgeslagen: rij {rows_note(no_area)}."
            )
        if repaired:
            notes.append(
                f"{_features(len(repaired))} met een ongeldige grens (die zichzelf snijdt of "
                f"overlapt) hersteld: rij {rows_note(repaired)}. Verbeter ze in de GIS als de "
                "kaart er vreemd uitziet."
            )
        if merged:
            notes.append(
                "Objecten met dezelfde code zijn samengevoegd tot één grens: "
                + ", ".join(f"{layer} {code} ({n} objecten)" for (layer, code), n in merged.items())
                + "."
            )
        layers.files.append(
            {
                "kind": "districts",
                "source_file": name,
                "rows_read": len(props_list),
                "encoding": encoding,
                "delimiter": None,
                "crs": crs,
                "accepted": len(in_file),
                # Features left out (no known code, no geometry): the file's refused rows. A
                # feature merged into its area, or an area a later file replaces, was used.
                "rows_refused": len(unknown) + len(shapeless) + len(no_area),
                "layer_notes": notes,
            }
        )
    layers.conflicts = [
        (f, layer, a, b, sorted(codes)) for (f, layer, a, b), codes in conflicts.items()
    ]
    # A zone may have no code (None): it sorts first among its layer.
    for (layer, _code), area in sorted(by_key.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        layers.areas[layer].append(area)
    return layers
