"""Boundary layers as a municipality's GIS service delivers them (fifty-third session).

Each of these built without a word and gave wrong wijk counts: a point layer with a wijk
attribute drawn as that wijk, an old and a new wijk layer in one GeoPackage, a wijk layer
with X and Y swapped, wijk codes read as "1.0".
"""

from __future__ import annotations

import shutil

import geopandas as gpd
import shapely
from etl_helpers import RAW_SMALL, build, query

from etl.sources.districts import _prop
from etl.sources.mapping import normalise_header

WIJKEN = RAW_SMALL / "districts" / "wijken.geojson"
HEADER = "PV-nummer;Datum feit;X;Y"


def incidents(n: int = 12) -> str:
    """``n`` incidents in W01 and W02 of the fixture (x 170000-174000, y 176000-178000)."""
    rows = [f"PV{i};03/02/2024 10:00;{171000 + 2000 * (i % 2)};177000" for i in range(n)]
    return "\n".join([HEADER, *rows]) + "\n"


def raw_with(tmp_path, layer_files) -> tuple:
    """A raw folder with the fixture's deelgemeente, the given boundary files instead of
    its wijken, and twelve incidents."""
    raw = tmp_path / "raw"
    (raw / "districts").mkdir(parents=True)
    shutil.copy(RAW_SMALL / "districts" / "deelgemeenten.geojson", raw / "districts")
    layer_files(raw / "districts")
    (raw / "incidents").mkdir()
    (raw / "incidents" / "feiten.csv").write_text(incidents(), encoding="utf-8")
    wh = tmp_path / "wh.duckdb"
    build(raw, wh)
    return wh


def per_wijk(wh) -> dict:
    return dict(
        query(
            wh,
            "SELECT coalesce(wijk_code, location_status), count(*) FROM marts.incidents GROUP BY 1",
        )
    )


def warnings(wh) -> list[str]:
    return [m for (m,) in query(wh, "SELECT message FROM marts.build_warnings ORDER BY seq")]


def test_a_point_layer_with_a_wijk_attribute_draws_no_wijk(tmp_path):
    wijken = gpd.read_file(WIJKEN)

    def files(folder):
        wijken.to_file(folder / "grenzen.gpkg", layer="wijken", driver="GPKG")
        schools = gpd.GeoDataFrame(
            {"naam": ["School A"], "wijk_code": ["W01"]},
            geometry=[wijken.geometry[0].representative_point()],
            crs=wijken.crs,
        )
        schools.to_file(folder / "grenzen.gpkg", layer="scholen", driver="GPKG")

    wh = raw_with(tmp_path, files)
    assert per_wijk(wh) == {"W01": 6, "W02": 6}
    [(accepted, refused, note)] = query(
        wh,
        "SELECT rows_accepted, rows_rejected, note FROM marts.load_files "
        "WHERE source_file = 'districts/grenzen.gpkg!scholen'",
    )
    assert (accepted, refused) == (0, 1)
    assert "1 object zonder oppervlakte (een punt of een lijn, geen grens) overgeslagen" in note
    assert query(
        wh, "SELECT layer, code, area_km2 > 1 FROM marts.districts WHERE layer = 'wijk'"
    ) == [
        ("wijk", "W01", True),
        ("wijk", "W02", True),
    ]


def test_two_wijk_layers_in_one_geopackage_are_named(tmp_path):
    wijken = gpd.read_file(WIJKEN)

    def files(folder):
        wijken.to_file(folder / "grenzen.gpkg", layer="wijken", driver="GPKG")
        old = wijken.copy()
        old["geometry"] = [shapely.affinity.translate(g, 500, 0) for g in wijken.geometry]
        old.to_file(folder / "grenzen.gpkg", layer="wijken_2018", driver="GPKG")

    wh = raw_with(tmp_path, files)
    [said] = [w for w in warnings(wh) if "grenzen.gpkg" in w]
    assert said.startswith(
        "districts/grenzen.gpkg: de lagen 'wijken' en 'wijken_2018' tekenen dezelfde wijken "
        "(W01, W02); 'wijken_2018' telt."
    )


def test_a_wijk_layer_with_x_and_y_swapped_is_warned_about(tmp_path):
    wijken = gpd.read_file(WIJKEN)

    def files(folder):
        swapped = wijken.copy()
        swapped["geometry"] = [
            shapely.transform(g, lambda xy: xy[:, ::-1]) for g in wijken.geometry
        ]
        swapped.to_file(folder / "wijken.geojson", driver="GeoJSON")

    wh = raw_with(tmp_path, files)
    assert per_wijk(wh) == {"geen_wijk": 12}
    assert any(
        w.startswith("12 van de 12 feiten (100,0 %) liggen in de zone maar in geen enkele wijk")
        and "X en Y niet omgewisseld" in w
        for w in warnings(wh)
    )


def test_whole_number_codes_read_as_floats_are_whole_numbers():
    """A GeoPackage or Shapefile column of whole numbers with a gap is read as floats."""
    props = {"wijk_code": 1.0, "nis_code": 24038.0, "oppervlakte": 2.5}
    folded = {normalise_header(k): k for k in props}

    class Mapping:
        def expected(self, canonical):
            return [canonical]

    assert _prop(props, folded, Mapping(), "wijk_code") == "1"
    assert _prop(props, folded, Mapping(), "nis_code") == "24038"
    assert _prop(props, folded, Mapping(), "oppervlakte") == "2.5"


def test_a_layer_without_a_known_code_names_the_properties_it_has(tmp_path):
    wijken = gpd.read_file(WIJKEN).rename(columns={"wijk_code": "WIJKNR", "wijk_naam": "naam_wijk"})

    def files(folder):
        wijken.to_file(folder / "wijken.geojson", driver="GeoJSON")

    wh = raw_with(tmp_path, files)
    [note] = query(
        wh, "SELECT note FROM marts.load_files WHERE source_file = 'districts/wijken.geojson'"
    )[0]
    assert "2 objecten zonder code die Wijkbeeld herkent" in note
    assert (
        "Eigenschappen in het bestand: 'WIJKNR', 'deelgemeente_code', 'naam_wijk', 'nis_code'."
        in note
    )


def test_a_shapefiles_sidecars_are_not_said_to_be_unread_and_a_layer_elsewhere_is_sent_home(
    tmp_path,
):
    """A plain Shapefile in districts/ (wijken.shp beside its .dbf, .shx, .prj, .cpg) got
    the warning that four of its files were not read; a wijk layer put in incidents/ was
    "a file type not read" and a zipped one "to unpack here"."""
    import zipfile

    from etl.sources.base import ignored_files

    raw = tmp_path / "raw"
    (raw / "districts").mkdir(parents=True)
    (raw / "incidents").mkdir()
    wijken = gpd.read_file(WIJKEN)[["wijk_code", "geometry"]]
    wijken.to_file(raw / "districts" / "wijken.shp")
    wijken.to_file(raw / "incidents" / "wijken.geojson", driver="GeoJSON")
    with zipfile.ZipFile(raw / "incidents" / "grenzen.zip", "w") as archive:
        for part in (raw / "districts").iterdir():
            archive.write(part, part.name)
    (raw / "districts" / "wijken_oud.dbf").write_bytes(b"")  # a part without its .shp
    got = {path: reason for _kind, path, reason in ignored_files(raw)}
    assert set(got) == {
        "districts/wijken_oud.dbf",
        "incidents/grenzen.zip",
        "incidents/wijken.geojson",
    }
    assert got["districts/wijken_oud.dbf"] == (
        "een deel van een Shapefile zonder zijn .shp ernaast (wijken_oud.shp ontbreekt)"
    )
    for path in ("incidents/grenzen.zip", "incidents/wijken.geojson"):
        assert "kaartlaag" in got[path] and "districts/" in got[path]
