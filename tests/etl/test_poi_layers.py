"""Points of interest as a map layer: GeoJSON, GeoPackage and a zipped Shapefile, in any of
the three Belgian CRSs, read as a table of their properties with X and Y from the geometry."""

from __future__ import annotations

import io
import json
import zipfile

import geopandas as gpd
import shapely
from etl_helpers import build, mini_raw, query
from pyproj import Transformer

from etl.upload import preview_upload

# W01 = (171000, 177000), W02 = (173000, 177000) in the fixture boundaries (Lambert 72).
TO_WGS84 = Transformer.from_crs("EPSG:31370", "EPSG:4326", always_xy=True)
TO_LB08 = Transformer.from_crs("EPSG:31370", "EPSG:3812", always_xy=True)


def _wgs84(x: float, y: float) -> list[float]:
    return list(TO_WGS84.transform(x, y))


def schools_geojson() -> str:
    """Three schools in WGS84 without a crs member (guessed from the degrees): a point in
    W01, a school ground drawn as a square around a point in W02, one without geometry.
    The point carries lon/lat properties that disagree with it: the geometry counts."""
    square = [
        _wgs84(x, y)
        for x, y in [
            (172900, 176900),
            (173100, 176900),
            (173100, 177100),
            (172900, 177100),
            (172900, 176900),
        ]
    ]
    features = [
        {
            "type": "Feature",
            "properties": {"Naam": "Sint-Rémi basisschool", "lon": 4.0, "lat": 51.0},
            "geometry": {"type": "Point", "coordinates": _wgs84(171000.5, 177000.25)},
        },
        {
            "type": "Feature",
            "properties": {"Naam": "Atheneum", "lon": None, "lat": None},
            "geometry": {"type": "Polygon", "coordinates": [square]},
        },
        {"type": "Feature", "properties": {"Naam": "Nog te tekenen"}, "geometry": None},
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


def test_points_of_interest_from_map_layers(tmp_path):
    """A GeoJSON in WGS84 (type from its folder), a GeoPackage in Lambert 2008 and a zipped
    Shapefile in Lambert 72 (type from a property) land where their geometry says."""
    stations = gpd.GeoDataFrame(
        {"Type": ["Station"], "Naam": ["Station Veltem"]},
        geometry=[shapely.Point(*TO_LB08.transform(173000, 177000))],
        crs="EPSG:3812",
    )
    stations.to_file(tmp_path / "stations.gpkg", driver="GPKG")
    parks = gpd.GeoDataFrame(
        {"Type": ["Park"], "Naam": ["Park Kortenberg"]},
        geometry=[shapely.Point(171200, 177100)],
        crs="EPSG:31370",
    )
    (tmp_path / "shp").mkdir()
    parks.to_file(tmp_path / "shp" / "parken.shp")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in (tmp_path / "shp").iterdir():
            archive.write(part, part.name)
    raw = mini_raw(
        tmp_path,
        {
            "poi/School/scholen.geojson": schools_geojson(),
            "poi/stations.gpkg": (tmp_path / "stations.gpkg").read_bytes(),
            "poi/parken.zip": buffer.getvalue(),
        },
    )
    wh = tmp_path / "wh.duckdb"
    build(raw, wh)
    rows = query(
        wh,
        "SELECT poi_type::VARCHAR, name, round(x, 2), round(y, 2), wijk_code::VARCHAR, "
        "location_status::VARCHAR FROM marts.poi ORDER BY name",
    )
    by_name = {r[1]: r for r in rows}
    assert len(rows) == 5
    assert by_name["Sint-Rémi basisschool"] == (
        "School",
        "Sint-Rémi basisschool",
        171000.5,
        177000.25,
        "W01",
        "ok",
    )
    assert by_name["Station Veltem"] == (
        "Station",
        "Station Veltem",
        173000.0,
        177000.0,
        "W02",
        "ok",
    )
    assert by_name["Park Kortenberg"] == (
        "Park",
        "Park Kortenberg",
        171200.0,
        177100.0,
        "W01",
        "ok",
    )
    # The school ground counts at a point inside it, in W02.
    _, _, x, y, wijk, status = by_name["Atheneum"]
    assert 172900 < x < 173100 and 176900 < y < 177100 and (wijk, status) == ("W02", "ok")
    assert by_name["Nog te tekenen"][2:] == (None, None, None, "geen_locatie")
    notes = dict(query(wh, "SELECT source_file, note FROM marts.load_files WHERE kind = 'poi'"))
    assert "Kaartlaag in WGS84 (EPSG:4326)" in notes["poi/School/scholen.geojson"]
    assert "1 object is geen enkel punt" in notes["poi/School/scholen.geojson"]
    assert "1 object heeft geen geometrie" in notes["poi/School/scholen.geojson"]
    assert "Lambert 2008 (EPSG:3812)" in notes["poi/stations.gpkg"]
    assert "Lambert 72 (EPSG:31370)" in notes["poi/parken.zip"]


def test_upload_preview_of_a_point_layer():
    """The Data page's preview maps a layer's columns like a table's: X and Y from the
    geometry, the name from its property, the type from the chosen folder."""
    preview = preview_upload("poi", "scholen.geojson", schools_geojson().encode(), folder="School")
    assert preview.ok, preview.error
    assert preview.encoding == "geojson"
    # X and Y are no columns of the layer: the mapping says where they come from.
    assert preview.columns_found == {"name": "Naam", "x": "geometrie (X)", "y": "geometrie (Y)"}
    assert preview.headers == ["Naam", "geometrie (X)", "geometrie (Y)"]
    assert (preview.n_rows, preview.n_accepted, preview.n_refused) == (3, 3, 0)
    first = preview.accepted.iloc[0]
    assert (first["name"], round(first["x_num"], 1)) == ("Sint-Rémi basisschool", 171000.5)
    assert "Kaartlaag in WGS84" in preview.note and preview.crs == "EPSG:4326"


def test_a_layer_that_is_no_layer_is_refused_by_name(tmp_path):
    """A broken GeoJSON fails with one message naming the file; nothing is built."""
    preview = preview_upload(
        "poi", "kapot.geojson", b'{"type": "FeatureCollection", "features": [', folder="School"
    )
    assert not preview.ok
    assert "kapot.geojson" in preview.error and "geen geldige GeoJSON" in preview.error


def test_point_shapefile_with_a_field_name_cut_to_ten_characters(tmp_path):
    """A list of schools from a GIS as a Shapefile: its "Omschrijving" is stored as
    "Omschrijvi" and still gives the point its name (the note says so)."""
    from etl.upload import bundle_upload

    gis = tmp_path / "gis"
    gis.mkdir()
    gpd.GeoDataFrame(
        {"Type": ["School"], "Omschrijving": ["Basisschool De Klimop"]},
        geometry=[shapely.Point(171100, 177050)],
        crs="EPSG:31370",
    ).to_file(gis / "scholen.shp")
    assert "Omschrijvi" in gpd.read_file(gis / "scholen.shp").columns
    name, data = bundle_upload("poi", [(p.name, p.read_bytes()) for p in gis.iterdir()])
    preview = preview_upload("poi", name, data)
    assert preview.ok, preview.error
    # The mapping names the field as the file has it (it said "Omschrijving", a name the
    # file lacks); the note says what it was read as.
    assert preview.columns_found["name"] == "Omschrijvi"
    assert "Omschrijving" not in preview.headers
    assert preview.accepted.iloc[0]["name"] == "Basisschool De Klimop"
    assert "Omschrijvi = Omschrijving" in preview.note


def test_same_name_and_place_in_two_type_folders_are_two_points(tmp_path):
    """The type a folder gives is part of the row: a school and a church with the same name
    and coordinates (poi/School/, poi/Kerk/) are two points of interest, not one row that a
    second export repeats."""
    schools = "Naam;X;Y\r\nSint-Jozef;171500;177500\r\nDe Regenboog;173500;177500\r\n"
    churches = "Naam;X;Y\r\nSint-Jozef;171500;177500\r\n"
    raw = mini_raw(tmp_path, {"poi/School/scholen.csv": schools, "poi/Kerk/kerken.csv": churches})
    wh = tmp_path / "wh.duckdb"
    build(raw, wh)
    assert query(wh, "SELECT poi_type, name, wijk_code FROM marts.poi ORDER BY 2, 1") == [
        ("School", "De Regenboog", "W02"),
        ("Kerk", "Sint-Jozef", "W01"),
        ("School", "Sint-Jozef", "W01"),
    ]
    assert query(wh, "SELECT count(*) FROM marts.rejects") == [(0,)]
