"""Boundary layers as GeoJSON, (zipped) Shapefile and GeoPackage, in 31370, 3812 or 4326."""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from etl_helpers import RAW_SMALL, ZONE_SMALL, mini_raw, query
from shapely.geometry import box
from test_quirks import incident, incidents_csv

from etl.build import BuildError, build_warehouse

POINTS = [incident("P1", xy=("171000", "177000")), incident("P2", xy=("173000", "177000"))]
EXPECTED = [("P1", "W01"), ("P2", "W02")]


def wijken(crs: int) -> gpd.GeoDataFrame:
    frame = gpd.read_file(RAW_SMALL / "districts" / "wijken.geojson")
    if frame.crs is None:
        frame = frame.set_crs(31370)
    return frame.to_crs(crs)


def raw_with(tmp_path: Path) -> Path:
    raw = mini_raw(tmp_path, {"incidents/a.csv": incidents_csv(POINTS)}, districts=False)
    return raw


def zone_declaring(tmp_path: Path, crs: str) -> Path:
    """The test zone with ``districts_crs`` declared."""
    zone = tmp_path / "zone.toml"
    zone.write_text(
        ZONE_SMALL.read_text(encoding="utf-8").replace(
            "[zone]\n", f'[zone]\ndistricts_crs = "{crs}"\n', 1
        ),
        encoding="utf-8",
    )
    return zone


def located(raw: Path, tmp_path: Path, zone: Path = ZONE_SMALL) -> list[tuple]:
    wh = tmp_path / "wh.duckdb"
    build_warehouse(raw, wh, zone, echo=lambda s: None)
    return query(wh, "SELECT pv_number, wijk_code FROM marts.incidents ORDER BY 1")


def _zip_shapefile(frame: gpd.GeoDataFrame, target: Path, with_prj: bool = True) -> None:
    folder = target.parent / "shp_tmp"
    folder.mkdir()
    frame.to_file(folder / "wijken.shp")
    with zipfile.ZipFile(target, "w") as zf:
        for part in folder.iterdir():
            if part.suffix == ".prj" and not with_prj:
                continue
            zf.write(part, part.name)


@pytest.mark.parametrize("crs", [31370, 3812, 4326])
def test_zipped_shapefile_with_prj(tmp_path, crs):
    raw = raw_with(tmp_path)
    _zip_shapefile(wijken(crs), raw / "districts" / "wijken.zip")
    assert located(raw, tmp_path) == EXPECTED


@pytest.mark.parametrize("crs", [31370, 4326])
def test_geopackage(tmp_path, crs):
    raw = raw_with(tmp_path)
    wijken(crs).to_file(raw / "districts" / "wijken.gpkg", driver="GPKG")
    assert located(raw, tmp_path) == EXPECTED


def test_plain_shapefile_without_prj_and_sidecar_crs(tmp_path):
    raw = raw_with(tmp_path)
    frame = wijken(3812)
    frame.to_file(raw / "districts" / "wijken.shp")
    (raw / "districts" / "wijken.prj").unlink()
    (raw / "districts" / "wijken.shp.crs").write_text("EPSG:3812\n", encoding="utf-8")
    assert located(raw, tmp_path) == EXPECTED


def test_sidecar_crs_overrides_guess(tmp_path):
    # A Lambert 72 file declared as Lambert 72 explicitly (sidecar wins over the guess);
    # and a wrong declaration visibly changes the result (so the sidecar is used).
    raw = raw_with(tmp_path)
    (raw / "districts" / "wijken.geojson").write_text(wijken(31370).to_json(), encoding="utf-8")
    (raw / "districts" / "wijken.geojson.crs").write_text("EPSG:31370", encoding="utf-8")
    assert located(raw, tmp_path) == EXPECTED
    (raw / "districts" / "wijken.geojson.crs").write_text("EPSG:3812", encoding="utf-8")
    second = tmp_path / "second"
    second.mkdir()
    # Read as Lambert 2008, the wijken lie outside Belgium: the file stops with a message
    # naming the CRS and where it came from (before, every record lay outside the zone).
    with pytest.raises(BuildError, match=r"gelezen in Lambert 2008 \(uit wijken.geojson.crs\)"):
        located(raw, second)


def test_zone_declared_crs(tmp_path):
    raw = raw_with(tmp_path)
    _zip_shapefile(wijken(3812), raw / "districts" / "wijken.zip", with_prj=False)
    zone = zone_declaring(tmp_path, "EPSG:3812")
    assert located(raw, tmp_path, zone) == EXPECTED


def test_unknown_sidecar_crs_is_a_clear_error(tmp_path):
    raw = raw_with(tmp_path)
    (raw / "districts" / "wijken.geojson").write_text(wijken(31370).to_json(), encoding="utf-8")
    (raw / "districts" / "wijken.geojson.crs").write_text("Lambert 99", encoding="utf-8")
    with pytest.raises(BuildError, match="onbekend coördinatenstelsel 'Lambert 99'"):
        located(raw, tmp_path)
    # A system PROJ knows (Lambert-93, France) is converted, and then lies outside Belgium.
    (raw / "districts" / "wijken.geojson.crs").write_text("EPSG:2154", encoding="utf-8")
    with pytest.raises(BuildError, match="liggen de objecten niet in België"):
        located(raw, tmp_path)


def test_broken_zip_is_a_clear_error(tmp_path):
    raw = raw_with(tmp_path)
    (raw / "districts" / "wijken.zip").write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(BuildError, match="wijken.zip"):
        located(raw, tmp_path)


def test_shapefile_without_its_parts_is_a_clear_error(tmp_path):
    """A .shp whose .shx and .dbf are not beside it (or not in its zip) fails in Dutch,
    naming the missing files, instead of with GDAL's English advice about SHAPE_RESTORE_SHX."""
    raw = raw_with(tmp_path)
    wijken(31370).to_file(raw / "districts" / "wijken.shp")
    (raw / "districts" / "wijken.shx").unlink()
    (raw / "districts" / "wijken.dbf").unlink()
    with pytest.raises(BuildError) as err:
        located(raw, tmp_path)
    assert str(err.value).startswith("Bestand districts/wijken.shp: een Shapefile bestaat uit")
    assert "wijken.shx en wijken.dbf ontbreken naast het .shp-bestand" in str(err.value)
    assert "SHAPE_RESTORE_SHX" not in str(err.value)


def test_zipped_shapefile_without_its_attribute_table_is_a_clear_error(tmp_path):
    raw = raw_with(tmp_path)
    folder = tmp_path / "parts"
    folder.mkdir()
    wijken(31370).to_file(folder / "WIJKEN.shp")
    with zipfile.ZipFile(raw / "districts" / "wijken.zip", "w") as zf:
        for part in folder.iterdir():
            if part.suffix.lower() != ".dbf":
                zf.write(part, part.name)
    with pytest.raises(BuildError) as err:
        located(raw, tmp_path)
    assert "WIJKEN.dbf ontbreekt in het zip-archief" in str(err.value)


def test_shapefile_parts_with_upper_case_endings_are_found(tmp_path):
    """GIS exports from older systems write WIJKEN.SHP, WIJKEN.SHX, WIJKEN.DBF."""
    raw = raw_with(tmp_path)
    folder = tmp_path / "parts"
    folder.mkdir()
    wijken(31370).to_file(folder / "wijken.shp")
    for part in folder.iterdir():
        part.rename(raw / "districts" / ("WIJKEN" + part.suffix.upper()))
    assert located(raw, tmp_path) == EXPECTED


def test_shapefile_field_names_cut_to_ten_characters_are_recognised():
    from etl.sources.districts import shapefile_aliases
    from etl.sources.mapping import load_mappings

    mapping = load_mappings()["districts"]
    # deelgemeente_code alone: "deelgemeen"; with deelgemeente_naam GDAL writes "deelgeme_1".
    assert shapefile_aliases(["deelgemeen", "nis_code", "name_nl"], mapping) == {
        "deelgemeente_code": "deelgemeen"
    }
    assert shapefile_aliases(["DEELGEMEEN", "DEELGEME_1", "NIS_CODE"], mapping) == {
        "deelgemeente_code": "DEELGEMEEN",
        "deelgemeente_naam": "DEELGEME_1",
    }
    # A field present under its full name claims nothing; short names are left alone.
    assert shapefile_aliases(["deelgemeente_code", "deelgemeen"], mapping) == {}
    assert shapefile_aliases(["wijk_code", "wijk_naam", "nis_code"], mapping) == {}


def test_areas_drawn_as_several_features_are_one_boundary(tmp_path):
    """A wijk drawn in two parts (two features, one code) is one area, the union of both,
    with the first feature's name; before, the second part silently replaced the first."""
    raw = raw_with(tmp_path)
    frame = wijken(31370)
    west = frame[frame["wijk_code"] == "W01"]
    split = gpd.GeoDataFrame(
        {
            "wijk_code": ["W01", "W01", "W02"],
            "wijk_naam": ["Centrum-West", "Centrum-West (deel 2)", "Centrum-Oost"],
            "nis_code": ["24038"] * 3,
        },
        geometry=[
            west.geometry.iloc[0].intersection(box(*west.total_bounds[:2], 171000, 1e7)),
            west.geometry.iloc[0].difference(box(*west.total_bounds[:2], 171000, 1e7)),
            frame[frame["wijk_code"] == "W02"].geometry.iloc[0],
        ],
        crs=31370,
    )
    split.to_file(raw / "districts" / "wijken.geojson", driver="GeoJSON")
    assert located(raw, tmp_path) == EXPECTED
    wh = tmp_path / "wh.duckdb"
    rows = query(
        wh, "SELECT code, name, geom_wkt_31370 FROM marts.districts WHERE layer = 'wijk' ORDER BY 1"
    )
    assert [(c, n) for c, n, _ in rows] == [("W01", "Centrum-West"), ("W02", "Centrum-Oost")]
    import shapely

    assert shapely.from_wkt(rows[0][2]).area == pytest.approx(west.geometry.iloc[0].area)
    note = query(
        wh, "SELECT note FROM marts.load_files WHERE source_file = 'districts/wijken.geojson'"
    )
    assert "samengevoegd tot één grens: wijk W01 (2 objecten)" in note[0][0]


def _split_w01(raw: Path) -> None:
    """wijken.geojson with W01 drawn as two features (three features, two areas)."""
    frame = wijken(31370)
    west = frame[frame["wijk_code"] == "W01"].geometry.iloc[0]
    cut = box(*west.bounds[:2], 171000, 1e7)
    gpd.GeoDataFrame(
        {"wijk_code": ["W01", "W01", "W02"], "wijk_naam": ["West", "West", "Oost"]},
        geometry=[
            west.intersection(cut),
            west.difference(cut),
            frame[frame["wijk_code"] == "W02"].geometry.iloc[0],
        ],
        crs=31370,
    ).to_file(raw / "districts" / "wijken.geojson", driver="GeoJSON")


def test_merged_and_replaced_features_count_as_accepted(tmp_path):
    """The Data page counted a feature merged into its area's boundary, and an area a later
    file replaces, as refused rows (read minus areas kept): neither was refused."""
    raw = raw_with(tmp_path)
    _split_w01(raw)
    # A later file redraws W02: the first file's W02 was used, then replaced.
    wijken(31370)[lambda f: f["wijk_code"] == "W02"].to_file(
        raw / "districts" / "wijken_update.geojson", driver="GeoJSON"
    )
    assert located(raw, tmp_path) == EXPECTED
    rows = query(
        tmp_path / "wh.duckdb",
        "SELECT source_file, rows_read, rows_accepted, rows_rejected FROM marts.load_files "
        "WHERE kind = 'districts' ORDER BY 1",
    )
    assert rows == [
        ("districts/wijken.geojson", 3, 3, 0),
        ("districts/wijken_update.geojson", 1, 1, 0),
    ]


def test_upload_preview_counts_merged_features_as_accepted():
    import tempfile

    from etl.upload import preview_upload

    with tempfile.TemporaryDirectory() as d:
        raw = Path(d)
        (raw / "districts").mkdir()
        _split_w01(raw)
        data = (raw / "districts" / "wijken.geojson").read_bytes()
    p = preview_upload("districts", "wijken.geojson", data, ZONE_SMALL)
    assert (p.n_rows, p.n_accepted, p.n_refused) == (3, 3, 0)
    assert sorted(p.accepted["code"]) == ["W01", "W02"]
    assert "wijk W01 (2 objecten)" in p.note


def test_skipped_features_are_named_in_the_note(tmp_path):
    """A feature without a code Wijkbeeld knows, or without geometry, was left out without a
    word (the Data page counted it as refused, with no reason anywhere): the note names
    its row."""
    import json

    raw = raw_with(tmp_path)
    doc = json.loads(wijken(31370).to_json())
    doc["features"].append(
        {
            "type": "Feature",
            "properties": {"omschrijving": "park"},
            "geometry": doc["features"][0]["geometry"],
        }
    )
    doc["features"].append(
        {
            "type": "Feature",
            "properties": {"wijk_code": "W09", "wijk_naam": "Leeg"},
            "geometry": None,
        }
    )
    (raw / "districts" / "wijken.geojson").write_text(json.dumps(doc), encoding="utf-8")
    assert located(raw, tmp_path) == EXPECTED
    note = query(
        tmp_path / "wh.duckdb",
        "SELECT note FROM marts.load_files WHERE source_file = 'districts/wijken.geojson'",
    )[0][0]
    assert "1 object zonder code die Wijkbeeld herkent" in note and "rij 3." in note
    assert "1 object zonder geometrie overgeslagen: rij 4." in note
    counts = query(
        tmp_path / "wh.duckdb",
        "SELECT rows_read, rows_accepted, rows_rejected FROM marts.load_files "
        "WHERE source_file = 'districts/wijken.geojson'",
    )
    assert counts == [(4, 2, 2)]


def test_a_wijk_without_its_code_does_not_replace_its_deelgemeente(tmp_path):
    """A feature in wijken.geojson without a wijk_code still carries its deelgemeente's
    code: it was taken for that deelgemeente and replaced its real boundary (in the demo
    zone Winksele's 15 km² became W03's 6 km², its population gone), with no word in the
    note. A file named for a layer holds that layer's areas or finer ones: the feature is
    left out and named."""
    import json

    raw = mini_raw(tmp_path, {"incidents/a.csv": incidents_csv(POINTS)})
    path = raw / "districts" / "wijken.geojson"
    doc = json.loads(path.read_text(encoding="utf-8"))
    del doc["features"][1]["properties"]["wijk_code"]  # W02
    path.write_text(json.dumps(doc), encoding="utf-8")
    wh = tmp_path / "wh.duckdb"
    build_warehouse(raw, wh, ZONE_SMALL, echo=lambda s: None)
    areas = query(
        wh,
        "SELECT layer, code, round(area_km2, 3) FROM marts.districts "
        "WHERE layer IN ('wijk', 'deelgemeente') ORDER BY 1, 2",
    )
    # The fixture's deelgemeente is 4 x 2 km; W02, its eastern half, put 4 km² in its place.
    assert areas == [
        ("deelgemeente", "24038A", 8.0),
        ("wijk", "W01", 4.0),
        ("wijk", "W02", None),  # configured in the zone, no boundary: a build warning
    ]
    note = query(
        wh, "SELECT note FROM marts.load_files WHERE source_file = 'districts/wijken.geojson'"
    )[0][0]
    assert "1 object zonder code die Wijkbeeld herkent" in note and "rij 2." in note


def test_the_layers_a_file_name_names():
    from etl.sources.districts import _layers_named

    assert _layers_named(Path("wijken.geojson")) == ["wijk"]
    assert _layers_named(Path("herko_deelgemeenten_31370.geojson")) == ["deelgemeente"]
    assert _layers_named(Path("Gemeenten.shp")) == ["gemeente"]
    assert _layers_named(Path("gemeenten_en_deelgemeenten.gpkg")) == ["deelgemeente", "gemeente"]
    assert _layers_named(Path("grenzen.geojson")) == []


# -- any CRS a file names, and one that puts the layer outside Belgium (session 24) ------


@pytest.mark.parametrize("crs", [3857, 32631, 25831])
@pytest.mark.parametrize("kind", ["gpkg", "zip", "geojson"])
def test_a_layer_in_another_crs_is_converted_not_misread(tmp_path, crs, kind):
    """A GeoPackage or Shapefile in Web Mercator (3857) or UTM (32631) was read as WGS84
    (the words "WGS 84" inside its definition), a GeoJSON naming 3857 or 25831 was guessed
    Lambert 2008: wijken of 0 or 10 km² and every record without a wijk, without a word.
    A CRS the file names is converted from what it is."""
    raw = raw_with(tmp_path)
    frame = wijken(crs)
    target = raw / "districts" / f"wijken.{kind}"
    if kind == "gpkg":
        frame.to_file(target, driver="GPKG")
    elif kind == "zip":
        _zip_shapefile(frame, target)
    else:
        target.write_text(frame.to_json(to_wgs84=False).replace(
            '"type": "FeatureCollection"',
            f'"type": "FeatureCollection", "crs": {{"type": "name", "properties": '
            f'{{"name": "urn:ogc:def:crs:EPSG::{crs}"}}}}', 1), encoding="utf-8")  # fmt: skip
    assert located(raw, tmp_path) == EXPECTED
    areas = query(
        tmp_path / "wh.duckdb",
        "SELECT code, round(area_km2, 3) FROM marts.districts WHERE layer = 'wijk' ORDER BY 1",
    )
    assert areas == [("W01", 4.0), ("W02", 4.0)]


def test_a_geojson_in_degrees_is_wgs84_whatever_the_zone_declares(tmp_path):
    """districts_crs = EPSG:31370 read the standard GeoJSON (RFC 7946: degrees, no crs
    member) as metres: the deelgemeente shrank to a dot, every record lay outside the zone,
    and the warning blamed the exports' coordinates."""
    raw = mini_raw(tmp_path, {"incidents/a.csv": incidents_csv(POINTS)})
    for layer in (raw / "districts").glob("*.geojson"):
        frame = gpd.read_file(layer)
        if frame.crs is None:
            frame = frame.set_crs(31370)
        layer.write_text(frame.to_crs(4326).to_json(), encoding="utf-8")
    zone = zone_declaring(tmp_path, "EPSG:31370")
    assert located(raw, tmp_path, zone) == EXPECTED


def test_a_declared_crs_that_puts_the_layer_outside_belgium_stops_the_build(tmp_path):
    """A Shapefile without .prj in degrees, declared Lambert 72 in zone.toml: the message
    names the file, the CRS, where it came from and how to give the right one."""
    raw = raw_with(tmp_path)
    _zip_shapefile(wijken(4326), raw / "districts" / "wijken.zip", with_prj=False)
    zone = zone_declaring(tmp_path, "EPSG:31370")
    with pytest.raises(BuildError) as caught:
        located(raw, tmp_path, zone)
    message = str(caught.value)
    assert message.startswith(
        "Bestand districts/wijken.zip: gelezen in Lambert 72 (districts_crs in zone.toml) "
        "liggen de objecten niet in België"
    )
    assert "wijken.zip.crs" in message
    # It names the system its coordinates do fit (the example said EPSG:31370 for any).
    assert "waarschijnlijk EPSG:4326 (WGS84): daarin liggen ze wel in België" in message


def test_a_lambert_2008_layer_declared_lambert_72_is_told_its_system(tmp_path):
    raw = raw_with(tmp_path)
    _zip_shapefile(wijken(3812), raw / "districts" / "wijken.zip", with_prj=False)
    zone = zone_declaring(tmp_path, "EPSG:31370")
    with pytest.raises(BuildError, match=r"waarschijnlijk EPSG:3812 \(Lambert 2008\)"):
        located(raw, tmp_path, zone)


@pytest.mark.parametrize("kind", ["gpkg", "zip"])
def test_every_layer_of_a_geopackage_or_zip_is_read(tmp_path, kind):
    """One grenzen.gpkg (or grenzen.zip) holding the layers deelgemeenten and wijken: only
    the first was read, without a note, and the warning said no wijk boundaries were found
    although the file holds them. Each layer is read as a file of its own."""
    raw = raw_with(tmp_path)
    deelgemeenten = gpd.read_file(RAW_SMALL / "districts" / "deelgemeenten.geojson")
    if deelgemeenten.crs is None:
        deelgemeenten = deelgemeenten.set_crs(31370)
    deelgemeenten = deelgemeenten.to_crs(31370)
    target = raw / "districts" / f"grenzen.{kind}"
    if kind == "gpkg":
        deelgemeenten.to_file(target, driver="GPKG", layer="deelgemeenten")
        wijken(31370).to_file(target, driver="GPKG", layer="wijken")
    else:
        folder = tmp_path / "shp"
        folder.mkdir()
        deelgemeenten.to_file(folder / "deelgemeenten.shp")
        wijken(31370).to_file(folder / "wijken.shp")
        with zipfile.ZipFile(target, "w") as zf:
            for part in folder.iterdir():
                zf.write(part, part.name)
    assert located(raw, tmp_path) == EXPECTED
    files = query(
        tmp_path / "wh.duckdb",
        "SELECT source_file, rows_read FROM marts.load_files WHERE kind = 'districts' ORDER BY 1",
    )
    assert files == [
        (f"districts/grenzen.{kind}!deelgemeenten", 1),
        (f"districts/grenzen.{kind}!wijken", 2),
    ]
    layers = query(
        tmp_path / "wh.duckdb", "SELECT layer, code FROM marts.districts ORDER BY layer, code"
    )
    assert ("deelgemeente", "24038A") in layers and ("wijk", "W02") in layers


def test_a_municipality_layer_covering_part_of_the_wijken_keeps_them_in_the_zone(tmp_path):
    """The zone's outline was the coarsest layer alone: a municipality layer that covers
    only part of the wijken (one municipality of two delivered) put every record in the
    other wijken outside the zone. The outline is the union of the layers there are."""
    raw = mini_raw(tmp_path, {"incidents/a.csv": incidents_csv(POINTS)})
    w01 = wijken(31370).set_index("wijk_code").loc[["W01"]]
    gemeente = gpd.GeoDataFrame(
        {"nis_code": ["24038"], "gemeente_naam": ["Herent"]},
        geometry=list(w01.geometry),
        crs=31370,
    )
    (raw / "districts" / "gemeenten.geojson").write_text(
        gemeente.to_crs(4326).to_json(), encoding="utf-8"
    )
    assert located(raw, tmp_path) == EXPECTED
    statuses = query(
        tmp_path / "wh.duckdb", "SELECT DISTINCT location_status::VARCHAR FROM marts.incidents"
    )
    assert statuses == [("ok",)]


def test_wijken_drawn_over_each_other_are_named_in_the_build_warnings(tmp_path):
    """A wijk drawn over another: a record in the shared part counted for the first wijk
    only, and nothing said so (found by a review). marts.build_warnings names the pair and
    how much they share; slivers along a shared border do not count."""
    raw = raw_with(tmp_path)
    frame = wijken(31370)
    # W02 widened 1 km into W01; a sliver of 1 m² stays below the threshold.
    frame.loc[frame["wijk_code"] == "W02", "geometry"] = [
        geom.union(box(geom.bounds[0] - 1000, geom.bounds[1], geom.bounds[0], geom.bounds[3]))
        for geom in frame.loc[frame["wijk_code"] == "W02", "geometry"]
    ]
    (raw / "districts" / "wijken.geojson").write_text(frame.to_json(), encoding="utf-8")
    located(raw, tmp_path)
    [(message,)] = query(
        tmp_path / "wh.duckdb",
        "SELECT message FROM marts.build_warnings WHERE message LIKE '%overlappen%'",
    )
    assert message.startswith("Twee wijken overlappen: W01 en W02 (")
    assert "Verbeter de wijkgrenzen in districts/." in message
    # The fixture's own wijken only touch: no warning.
    clean = tmp_path / "clean"
    clean.mkdir()
    located(raw_with(clean), clean)
    assert query(
        clean / "wh.duckdb",
        "SELECT count(*) FROM marts.build_warnings WHERE message LIKE '%overlappen%'",
    ) == [(0,)]


def _layer_note(wh: Path, name: str) -> str:
    rows = query(wh, f"SELECT note FROM marts.load_files WHERE source_file = 'districts/{name}'")
    return rows[0][0] or ""


@pytest.mark.parametrize(("crs", "label"), [(31370, "Lambert 72"), (3812, "Lambert 2008")])
def test_a_guessed_crs_is_said_in_the_files_note(tmp_path, crs, label):
    # A Shapefile without .prj, no sidecar and nothing in zone.toml: the CRS is guessed from
    # the coordinates' size (right for a Belgian layer), and the Data page says so, with
    # where to declare it. A file that names its CRS gets no such note.
    raw = raw_with(tmp_path)
    _zip_shapefile(wijken(crs), raw / "districts" / "wijken.zip", with_prj=False)
    assert located(raw, tmp_path) == EXPECTED
    note = _layer_note(tmp_path / "wh.duckdb", "wijken.zip")
    assert f"zegt niet in welk coördinatenstelsel het is: {label}, geraden" in note
    assert "wijken.zip.crs naast de kaartlaag of als districts_crs in zone.toml" in note

    named = tmp_path / "named"
    named.mkdir()
    raw = raw_with(named)
    _zip_shapefile(wijken(crs), raw / "districts" / "wijken.zip")
    assert located(raw, named) == EXPECTED
    assert "geraden" not in _layer_note(named / "wh.duckdb", "wijken.zip")
    # Declared in zone.toml: not guessed either.
    declared = tmp_path / "declared"
    declared.mkdir()
    raw = raw_with(declared)
    _zip_shapefile(wijken(crs), raw / "districts" / "wijken.zip", with_prj=False)
    zone = zone_declaring(declared, f"EPSG:{crs}")
    assert located(raw, declared, zone) == EXPECTED
    assert "geraden" not in _layer_note(declared / "wh.duckdb", "wijken.zip")


def test_a_point_layer_s_crs_messages_name_only_its_sidecar(tmp_path):
    """districts_crs is read for boundary layers only: the guessed-CRS note and the
    outside-Belgium refusal of an address or points-of-interest layer told the user to set
    it, which changes nothing (a review)."""
    from etl.sources.districts import read_layer

    frame = gpd.GeoDataFrame(
        {"straat": ["Kerkstraat"]}, geometry=gpd.points_from_xy([171000.0], [177000.0])
    )
    target = tmp_path / "adressen.zip"
    _zip_shapefile(frame, target, with_prj=False)
    *_, note = read_layer(target, "addresses/adressen.zip", boundaries=False)
    assert note.endswith("geef het op in een bestand adressen.zip.crs naast de kaartlaag.")
    *_, note = read_layer(target, "districts/adressen.zip")
    assert note.endswith("naast de kaartlaag of als districts_crs in zone.toml.")
    # Declared wrongly in its sidecar: the refusal names the sidecar alone.
    (tmp_path / "adressen.zip.crs").write_text("EPSG:3812", encoding="utf-8")
    with pytest.raises(BuildError, match=r"naast de kaartlaag \(.*\)\.$") as refused:
        read_layer(target, "addresses/adressen.zip", boundaries=False)
    assert "districts_crs" not in str(refused.value)
