"""Real public geography and Statbel rows for PZ HerKo (from ../shared/data/realworld).

The files are read in place, never copied into the repository; without them every test
here is skipped with the reason shown by ``pytest -ra``.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import numpy as np
import pytest
import shapely

from etl.build import build_warehouse
from etl.config import REPO_ROOT
from etl.geo import locate_points
from etl.sources.districts import load_districts
from etl.sources.mapping import load_mappings

REALWORLD = REPO_ROOT.parent / "shared" / "data" / "realworld"
pytestmark = pytest.mark.skipif(
    not (REALWORLD / "herko_wijken_31370.geojson").exists(),
    reason=f"echte HerKo-gegevens niet gevonden in {REALWORLD} (../shared ontbreekt)",
)

HERKO_ZONE = """
[zone]
name = "PZ HerKo"
h3_resolution = 9
h3_resolution_coarse = 8
timezone = "Europe/Brussels"

[[municipalities]]
nis_code = "24038"
name = "Herent"

[[municipalities]]
nis_code = "24055"
name = "Kortenberg"
"""


def _layers(crs: str):
    files = [
        REALWORLD / f"herko_wijken_{crs}.geojson",
        REALWORLD / f"herko_policezone_{crs}.geojson",
    ]
    return load_districts(files, REALWORLD, load_mappings()["districts"])


def test_real_wijken_in_both_crs_give_the_same_wijk():
    lambert, wgs = _layers("31370"), _layers("4326")
    assert len(lambert.layer("wijk")) == len(wgs.layer("wijk")) == 29
    assert {f["crs"] for f in lambert.files} == {"EPSG:31370"}
    assert {f["crs"] for f in wgs.files} == {"EPSG:4326"}
    # Test points: each wijk's interior point (from the Lambert layer), plus a grid.
    pts = np.array([a.geom.representative_point().coords[0] for a in lambert.layer("wijk")])
    xmin, ymin, xmax, ymax = lambert.zone_extent().bounds
    gx, gy = np.meshgrid(np.linspace(xmin, xmax, 25), np.linspace(ymin, ymax, 25))
    x = np.concatenate([pts[:, 0], gx.ravel()])
    y = np.concatenate([pts[:, 1], gy.ravel()])
    a = locate_points(x, y, lambert, 9, 8)
    b = locate_points(x, y, wgs, 9, 8)
    assert list(a["wijk_code"][:29]) == [w.code for w in lambert.layer("wijk")]
    # The 7-decimal WGS84 copy may move a border by ~1 cm: allow a handful of grid points
    # right on a border to differ, never a wijk's interior point.
    same = (
        a["wijk_code"].astype(object).fillna("-") == b["wijk_code"].astype(object).fillna("-")
    ).to_numpy()
    assert same[:29].all()
    assert same.mean() > 0.99
    assert (a["location_status"] == "ok").sum() > 250


def test_grid_point_in_polygon_equals_the_exact_test_on_real_wijken():
    from etl.geo import AreaGrid, area_index

    layers = _layers("31370")
    geoms = [a.geom for a in layers.layer("wijk")]
    xmin, ymin, xmax, ymax = layers.zone_extent().bounds
    rng = np.random.default_rng(3)
    x = rng.uniform(xmin - 500, xmax + 500, 400_000)
    y = rng.uniform(ymin - 500, ymax + 500, 400_000)
    # Every vertex of the real borders, and points a millimetre beside them.
    xy = np.concatenate([shapely.get_coordinates(shapely.boundary(g)) for g in geoms])
    x = np.concatenate([x, xy[:, 0], xy[:, 0] + 0.001, xy[:, 0] - 0.001])
    y = np.concatenate([y, xy[:, 1], xy[:, 1] + 0.001, xy[:, 1] - 0.001])
    grid = AreaGrid(geoms)
    assert (grid.labels == -2).mean() < 0.1  # most cells need no exact test
    assert np.array_equal(grid.index(x, y), area_index(x, y, geoms))


def test_real_statbel_sample_rows_are_read_and_located(tmp_path):
    sample = REALWORLD / "herko_area_road_accidents_2024-01_sample.csv"
    raw = tmp_path / "raw"
    (raw / "statbel").mkdir(parents=True)
    (raw / "districts").mkdir()
    for name in ("herko_wijken_31370.geojson", "herko_policezone_31370.geojson"):
        shutil.copy(REALWORLD / name, raw / "districts" / name)  # tmp only, never the repo
    shutil.copy(sample, raw / "statbel" / sample.name)
    zone = tmp_path / "zone.toml"
    zone.write_text(HERKO_ZONE, encoding="utf-8")
    wh = tmp_path / "wh.duckdb"
    build_warehouse(raw, wh, zone, echo=lambda s: None, keep_layers=True)

    with open(sample, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with duckdb.connect(str(wh), read_only=True) as con:
        read = con.execute(
            "SELECT rows_read, rows_rejected FROM marts.load_files WHERE kind = 'statbel'"
        ).fetchone()
        note = con.execute("SELECT note FROM marts.load_files WHERE kind = 'statbel'").fetchone()[0]
        located = {
            (round(x, 3), round(y, 3)): (status, wijk)
            for x, y, status, wijk in con.execute(
                "SELECT x_in, y_in, location_status, wijk_code FROM intermediate.int_point_locations"
            ).fetchall()
        }
        in_mart = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE location_status = 'ok' AND wijk_code IS NOT NULL) "
            "FROM marts.accidents WHERE source = 'statbel'"
        ).fetchone()
        classes = con.execute(
            "SELECT severity, is_injury, killed, seriously_injured, lightly_injured, road_type "
            "FROM marts.accidents WHERE source = 'statbel' ORDER BY ALL"
        ).fetchall()
    assert read == (len(rows), 0)
    checked = 0
    for r in rows:
        if not r["MS_X_COORD"]:
            continue
        status, wijk = located[(round(float(r["MS_X_COORD"]), 3), round(float(r["MS_Y_COORD"]), 3))]
        if r["in_herko"] == "True":
            assert status == "ok" and wijk and wijk.startswith(r["CD_NIS"]), r
        else:
            assert status == "buiten_zone" and wijk is None, r
        checked += 1
    assert checked == len(rows) - 2
    # Only the zone's own municipalities' accidents enter the mart.
    herko = [r for r in rows if r["CD_NIS"] in ("24038", "24055")]
    assert in_mart == (len(herko), len(herko))
    # The others are said: the Data page listed every row accepted without a word (an audit).
    assert note.startswith(f"{len(rows) - len(herko)} ongevallen liggen in een gemeente buiten")
    # Statbel's classes as Statbel codes them (4 = met lichtgewonden, 3 = met
    # zwaargewonden): every row an injury accident, with one victim of its class; the road
    # type from Statbel's CD_ROAD_TYPE_NL column.
    expected = {
        "4": ("Lichtgewond", True, 0, 0, 1),
        "3": ("Zwaargewond", True, 0, 1, 0),
        "2": ("Dodelijk", True, 1, 0, 0),
        "1": ("Dodelijk", True, 1, 0, 0),
    }
    assert classes == sorted(
        (*expected[r["CD_CLASS_ACCIDENTS"]], r["CD_ROAD_TYPE_NL"]) for r in herko
    )


def test_real_statistical_sectors_list(tmp_path):
    raw = tmp_path / "raw"
    (raw / "sectors").mkdir(parents=True)
    src = REALWORLD / "herko_statistical_sectors_2025.csv"
    shutil.copy(src, raw / "sectors" / src.name)
    zone = tmp_path / "zone.toml"
    zone.write_text(HERKO_ZONE, encoding="utf-8")
    wh = tmp_path / "wh.duckdb"
    build_warehouse(raw, wh, zone, echo=lambda s: None)
    with open(src, encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    with duckdb.connect(str(wh), read_only=True) as con:
        n, zzzz, wijken = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE not_locatable), "
            "count(DISTINCT wijk_code) FILTER (WHERE NOT not_locatable) "
            "FROM marts.sectors"
        ).fetchone()
    assert n == len(rows) == 83
    assert zzzz == 2
    assert wijken == 29


def test_real_wijken_as_districts_in_a_build(tmp_path):
    raw = tmp_path / "raw"
    (raw / "districts").mkdir(parents=True)
    for name in (
        "herko_wijken_4326.geojson",
        "herko_deelgemeenten_4326.geojson",
        "herko_municipalities_4326.geojson",
        "herko_policezone_4326.geojson",
    ):
        shutil.copy(REALWORLD / name, raw / "districts" / name)
    zone = tmp_path / "zone.toml"
    zone.write_text(HERKO_ZONE, encoding="utf-8")
    wh = tmp_path / "wh.duckdb"
    build_warehouse(raw, wh, zone, echo=lambda s: None)
    with duckdb.connect(str(wh), read_only=True) as con:
        layers = dict(
            con.execute("SELECT layer, count(*) FROM marts.districts GROUP BY 1").fetchall()
        )
    assert layers == {"wijk": 29, "deelgemeente": 7, "gemeente": 2, "zone": 1}


def _districts_of(wh: Path) -> dict:
    with duckdb.connect(str(wh), read_only=True) as con:
        rows = con.execute(
            "SELECT layer, code, name, geom_wkt_31370 FROM marts.districts"
        ).fetchall()
    return {(layer, code): (name, shapely.from_wkt(wkt).area) for layer, code, name, wkt in rows}


def test_real_boundaries_as_shapefiles_give_the_same_districts(tmp_path):
    """The zone's four real boundary layers as a GIS exports them, Shapefiles (field names cut
    to ten characters: deelgemeente_code becomes deelgemeen), chosen part by part in the
    upload: the same areas, codes and names as the GeoJSON files. The deelgemeenten were
    taken for municipalities (their code unseen, nis_code and a name left), seven features
    for two codes, one silently replacing the other."""
    import geopandas as gpd

    from etl.upload import bundle_upload, preview_upload, store_upload

    names = ("wijken", "deelgemeenten", "municipalities", "policezone")
    geojson, shp = tmp_path / "geojson", tmp_path / "shp"
    (geojson / "districts").mkdir(parents=True)
    for name in names:
        src = REALWORLD / f"herko_{name}_31370.geojson"
        shutil.copy(src, geojson / "districts" / src.name)
        parts = tmp_path / "gis" / name
        parts.mkdir(parents=True)
        gpd.read_file(src).to_file(parts / f"herko_{name}.shp")
        zipped = bundle_upload("districts", [(p.name, p.read_bytes()) for p in parts.iterdir()])
        preview = preview_upload("districts", *zipped)
        assert preview.ok and preview.n_accepted == preview.n_rows, (name, preview.error)
        store_upload("districts", *zipped, shp)
    preview = preview_upload(
        "districts", "d.zip", (shp / "districts" / "herko_deelgemeenten.zip").read_bytes()
    )
    assert set(preview.accepted["laag"]) == {"deelgemeente"} and preview.n_accepted == 7
    assert "deelgemeen = deelgemeente_code" in preview.note
    zone = tmp_path / "zone.toml"
    zone.write_text(HERKO_ZONE, encoding="utf-8")
    built = {}
    for raw in (geojson, shp):
        build_warehouse(raw, tmp_path / f"{raw.name}.duckdb", zone, echo=lambda s: None)
        built[raw.name] = _districts_of(tmp_path / f"{raw.name}.duckdb")
    assert built["shp"].keys() == built["geojson"].keys()
    assert len([k for k in built["shp"] if k[0] == "deelgemeente"]) == 7
    for key, (name, area) in built["geojson"].items():
        assert built["shp"][key][0] == name
        assert built["shp"][key][1] == pytest.approx(area, rel=1e-6), key


@pytest.mark.parametrize(
    "published", ["herko_railway_stations.csv", "herko_railway_stations_4326.geojson"]
)
def test_real_railway_stations_as_points_of_interest(tmp_path, published):
    """iRail's station list as published (English headers, comma-separated, WGS84
    longitude/latitude, no type column; or the same stations as a GeoJSON point layer) in
    the folder poi/Station/, which gives the type: the stations SOURCES.md puts inside HerKo
    land in their municipality, the neighbours' outside the zone."""
    raw = tmp_path / "raw"
    (raw / "districts").mkdir(parents=True)
    (raw / "poi" / "Station").mkdir(parents=True)
    for name in (
        "herko_wijken_31370.geojson",
        "herko_municipalities_31370.geojson",
        "herko_policezone_31370.geojson",
    ):
        shutil.copy(REALWORLD / name, raw / "districts" / name)
    with open(REALWORLD / "herko_railway_stations.csv", encoding="utf-8", newline="") as fh:
        stations = list(csv.DictReader(fh))
    shutil.copy(REALWORLD / published, raw / "poi" / "Station" / published)
    zone = tmp_path / "zone.toml"
    zone.write_text(HERKO_ZONE, encoding="utf-8")
    wh = tmp_path / "wh.duckdb"
    build_warehouse(raw, wh, zone, echo=lambda s: None)
    with duckdb.connect(str(wh), read_only=True) as con:
        got = {
            name: (status, nis, wijk)
            for name, status, nis, wijk in con.execute(
                "SELECT name, location_status::VARCHAR, nis_code::VARCHAR, wijk_code::VARCHAR "
                "FROM marts.poi"
            ).fetchall()
        }
        types = con.execute("SELECT DISTINCT poi_type::VARCHAR FROM marts.poi").fetchall()
        [(note,)] = con.execute("SELECT note FROM marts.load_files WHERE kind = 'poi'").fetchall()
    assert types == [("Station",)] and "type 'Station' van de map" in note
    assert len(got) == len(stations) == 12
    for row in stations:
        status, nis, wijk = got[row["name"]]
        if row["in_herko"] == "True":
            assert (status, nis) == ("ok", row["herko_nis_code"]) and wijk, row["name"]
        else:
            assert status == "buiten_zone" and wijk is None, row["name"]


def test_shared_path_is_outside_the_repository():
    assert not Path(REALWORLD).resolve().is_relative_to(REPO_ROOT.resolve())
