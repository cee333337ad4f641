"""The address list as the Flemish address register is downloaded: a point layer
(GeoPackage, zipped Shapefile) whose geometry is the address's position, with the register's
field names (STRAATNM, HUISNR, BUSNR, POSTCODE, GEMEENTENM) and its status of each address.

Before, the address list had to be a table with X and Y columns, and a register that keeps a
retired address ("gehistoreerd") beside the current one of the same label, 200 m away, made
that address ambiguous: the record stayed unlocated."""

from __future__ import annotations

import io
import zipfile

import geopandas as gpd
import shapely
from etl_helpers import build, mini_raw, query
from pyproj import Transformer

from etl.upload import preview_upload

TO_LB08 = Transformer.from_crs("EPSG:31370", "EPSG:3812", always_xy=True)

INCIDENTS = (
    "PV-nummer;Datum feit;Straat;Huisnr;Postcode;Gemeente;X;Y\r\n"
    "A1;03/02/2024 10:00;Kerkstraat;12;3020;Herent;;\r\n"  # current beside retired
    "A2;03/02/2024 10:00;Kerkstr.;12;3020;Herent;;\r\n"  # tolerant: still the current one
    "A3;03/02/2024 10:00;Kerkstraat;14;3020;Herent;;\r\n"  # only a retired address
    "A4;03/02/2024 10:00;Kerkstraat;16;3020;Herent;;\r\n"  # only a rejected address
    "A5;03/02/2024 10:00;Dorpsstraat;5;3020;Herent;;\r\n"  # a box row beside the house
    "A6;03/02/2024 10:00;Dorpsstraat;5 bus 2;3020;Herent;;\r\n"
)

# (street, number, box, status, Lambert 72 position)
REGISTER = [
    ("Kerkstraat", "12", None, "gehistoreerd", (171010.0, 177010.0)),
    ("Kerkstraat", "12", None, "inGebruik", (171210.0, 177010.0)),
    ("Kerkstraat", "14", None, "gehistoreerd", (171310.0, 177010.0)),
    ("Kerkstraat", "16", None, "afgekeurd", (171410.0, 177010.0)),
    ("Dorpsstraat", "5", None, "inGebruik", (171050.0, 177050.0)),
    ("Dorpsstraat", "5", "2", "voorgesteld", (171052.0, 177052.0)),
]


def register_frame(crs: str = "EPSG:3812") -> gpd.GeoDataFrame:
    """The register's rows as its download has them, positions in ``crs``."""
    points = [shapely.Point(xy) for *_, xy in REGISTER]
    frame = gpd.GeoDataFrame(
        {
            "ADRESID": [str(2000000 + i) for i in range(len(REGISTER))],
            "STRAATNM": [r[0] for r in REGISTER],
            "HUISNR": [r[1] for r in REGISTER],
            "BUSNR": [r[2] for r in REGISTER],
            "ADRESSTATUS": [r[3] for r in REGISTER],
            "POSTCODE": ["3020"] * len(REGISTER),
            "GEMEENTENM": ["Herent"] * len(REGISTER),
        },
        geometry=points,
        crs="EPSG:31370",
    )
    return frame.to_crs(crs)


def located(warehouse) -> dict[str, tuple]:
    return {
        pv: (None if x is None else round(x, 1), None if y is None else round(y, 1), method)
        for pv, x, y, method in query(
            warehouse, "SELECT pv_number, x, y, geocode_method::VARCHAR FROM marts.incidents"
        )
    }


def check_located(warehouse) -> None:
    got = located(warehouse)
    # The current Kerkstraat 12, not the retired one 200 m away (before: ambiguous, none).
    assert got["A1"] == (171210.0, 177010.0, "adres exact")
    assert got["A2"] == (171210.0, 177010.0, "adres genormaliseerd")
    # A retired address is still the place an older export names, when nothing else fits.
    assert got["A3"] == (171310.0, 177010.0, "adres exact")
    # A rejected address was never given: no place, listed as unmatched.
    assert got["A4"] == (None, None, None)
    unmatched = {r[0] for r in query(warehouse, "SELECT record_key FROM marts.geocode_unmatched")}
    assert unmatched == {"A4"}
    # The box column makes "5 bus 2" an address of its own beside the house's "5".
    assert got["A5"] == (171050.0, 177050.0, "adres exact")
    assert got["A6"] == (171052.0, 177052.0, "adres exact")


def test_address_register_as_a_geopackage_in_lambert_2008(tmp_path):
    """The register's GeoPackage (Lambert 2008 here): X and Y come from the geometry,
    converted to Lambert 72; the register's statuses rank the candidates."""
    raw = mini_raw(tmp_path, {"incidents/feiten.csv": INCIDENTS})
    (raw / "addresses").mkdir()
    register_frame("EPSG:3812").to_file(raw / "addresses" / "Adressen.gpkg", driver="GPKG")
    build(raw, tmp_path / "wh.duckdb")
    check_located(tmp_path / "wh.duckdb")
    files = query(
        tmp_path / "wh.duckdb",
        "SELECT source_file, rows_read FROM marts.load_files WHERE kind = 'addresses'",
    )
    assert files == [("addresses/Adressen.gpkg", len(REGISTER))]


def test_address_register_as_a_zipped_shapefile(tmp_path):
    """The same download as a zipped Shapefile in Lambert 72, whose field names are cut to
    ten characters ("ADRESSTATU"): the status is still read."""
    shp = tmp_path / "shp"
    shp.mkdir()
    register_frame("EPSG:31370").to_file(shp / "Adres.shp")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in sorted(shp.iterdir()):
            archive.write(part, part.name)
    raw = mini_raw(
        tmp_path, {"incidents/feiten.csv": INCIDENTS, "addresses/Adres.zip": buffer.getvalue()}
    )
    build(raw, tmp_path / "wh.duckdb")
    check_located(tmp_path / "wh.duckdb")


def test_address_list_with_a_status_column_as_a_table(tmp_path):
    """A CSV extract with the register's status column behaves the same."""
    rows = "".join(
        f"{s};{n};{b or ''};{st};3020;Herent;{x};{y}\r\n" for s, n, b, st, (x, y) in REGISTER
    )
    raw = mini_raw(
        tmp_path,
        {
            "incidents/feiten.csv": INCIDENTS,
            "addresses/adressen.csv": "Straatnaam;Huisnummer;Busnummer;Adresstatus;Postcode;"
            "Gemeente;X;Y\r\n" + rows,
        },
    )
    build(raw, tmp_path / "wh.duckdb")
    check_located(tmp_path / "wh.duckdb")


def test_upload_preview_of_the_address_register(tmp_path):
    """The Data page's preview maps the register's fields and takes X, Y from the geometry."""
    path = tmp_path / "Adressen.gpkg"
    register_frame("EPSG:3812").to_file(path, driver="GPKG")
    preview = preview_upload("addresses", "Adressen.gpkg", path.read_bytes())
    assert preview.ok, preview.error
    assert preview.columns_found == {
        "street": "STRAATNM",
        "house_number": "HUISNR",
        "box": "BUSNR",
        "postcode": "POSTCODE",
        "municipality": "GEMEENTENM",
        "status": "ADRESSTATUS",
        "x": "geometrie (X)",
        "y": "geometrie (Y)",
    }
    assert (preview.n_rows, preview.n_accepted, preview.n_refused) == (6, 6, 0)
    assert "Kaartlaag in Lambert 2008" in preview.note
    first = preview.accepted.iloc[1]
    assert (round(first["x_num"], 1), round(first["y_num"], 1)) == (171210.0, 177010.0)
