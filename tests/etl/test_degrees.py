"""Coordinates in degrees as a map application or GPS shows them ("50°52'47.3\"N
4°39'18.2\"E"): read, not left as if the record had none (twenty-fourth session)."""

from __future__ import annotations

import duckdb
import pytest
from etl_helpers import build, macro_connection, mini_raw, query
from pyproj import Transformer


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    return macro_connection()


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("50°52'47.3\"N", 50 + 52 / 60 + 47.3 / 3600),
        ("4° 39′ 18,2″ O", 4 + 39 / 60 + 18.2 / 3600),
        ("N 50° 52.788'", 50 + 52.788 / 60),
        ("50.8798° N", 50.8798),
        ("4,6551°", 4.6551),
        ("4°39'18''E", 4 + 39 / 60 + 18 / 3600),
        ("33°52'S", -(33 + 52 / 60)),
        ("3°W", -3.0),
        ("50°60'00\"N", None),  # no 60 minutes in a degree
        ("50°52'47\"", 50 + 52 / 60 + 47 / 3600),
        ("N 50°52'47\" N", None),  # two hemispheres
        ("50 52 47", None),  # no degree sign: no degrees
        ("171000,5", None),
        (None, None),
    ],
)
def test_one_coordinate_in_degrees(con, text, value):
    got = con.execute("SELECT wb_degrees(?)", [text]).fetchone()[0]
    assert got == (pytest.approx(value, abs=1e-9) if value is not None else None)


@pytest.mark.parametrize(
    "text",
    [
        "50°52'47.3\"N 4°39'18.2\"E",
        "50°52'47,3\"N, 4°39'18,2\"E",
        "4°39'18.2\"E 50°52'47.3\"N",  # longitude first: the hemispheres say so
        "N 50° 52' 47.3\" O 4° 39' 18.2\"",
        "50°52'47.3\" 4°39'18.2\"",  # no hemispheres: the range in Belgium says it
    ],
)
def test_a_point_in_degrees_in_one_field(con, text):
    x, y = con.execute("SELECT wb_xy(?).x, wb_xy(?).y", [text, text]).fetchone()
    assert x == pytest.approx(4 + 39 / 60 + 18.2 / 3600, abs=1e-9)
    assert y == pytest.approx(50 + 52 / 60 + 47.3 / 3600, abs=1e-9)


def _dms(value: float, positive: str) -> str:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = ((value - degrees) * 60 - minutes) * 60
    return f"{degrees}°{minutes}'{seconds:.3f}\"{positive}"


def test_records_with_degrees_are_located_in_their_wijk(tmp_path):
    """X and Y columns, or one column, holding degrees with minutes and seconds: before, the
    records were left without a location, without a word."""
    lon, lat = Transformer.from_crs(31370, 4326, always_xy=True).transform(171000, 177000)
    lon_text, lat_text = _dms(lon, "E"), _dms(lat, "N")
    columns = (
        "PV-nummer;Datum feit;Straat;Huisnr;X;Y\r\n"
        f"D1;03/02/2024 10:00;Kerkstraat;12;{lon_text};{lat_text}\r\n"
    )
    point = (
        "PV-nummer;Datum feit;Straat;Huisnr;Coördinaten\r\n"
        f"D2;03/02/2024 10:00;Kerkstraat;12;{lat_text} {lon_text}\r\n"
        f"D3;03/02/2024 10:00;Kerkstraat;12;{lon_text}, {lat_text}\r\n"
    )
    wh = tmp_path / "wh.duckdb"
    build(mini_raw(tmp_path, {"incidents/a.csv": columns, "incidents/b.csv": point}), wh)
    got = query(
        wh,
        "SELECT pv_number, round(x), round(y), wijk_code, location_status::VARCHAR "
        "FROM marts.incidents ORDER BY 1",
    )
    assert got == [(pv, 171000.0, 177000.0, "W01", "ok") for pv in ("D1", "D2", "D3")]
