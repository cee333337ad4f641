"""Coordinates, found with the real HerKo layers in the fifty-sixth session.

``crs_input`` of zone.toml was checked and then read by nothing: a zone exporting in
another system than the three the locating step tells apart by their values (UTM, say)
got every record without a location, silently. And "NaN" or "inf" in X left a record
without a location and without the note that says why."""

from __future__ import annotations

import pytest
from etl_helpers import ZONE_SMALL, build_warehouse, mini_raw, query
from pyproj import Transformer

from etl.build import BuildError

TO_UTM = Transformer.from_crs("EPSG:31370", "EPSG:32631", always_xy=True)


def zone_with(tmp_path, crs: str):
    zone = tmp_path / "zone.toml"
    text = ZONE_SMALL.read_text(encoding="utf-8")
    zone.write_text(text.replace('crs_input = "EPSG:31370"', f'crs_input = "{crs}"'), "utf-8")
    return zone


def test_exports_in_a_declared_system_are_converted(tmp_path):
    x, y = TO_UTM.transform(171000.5, 177000.25)  # in W01
    x2, y2 = TO_UTM.transform(173000.0, 177000.0)  # in W02
    raw = mini_raw(
        tmp_path,
        {
            "incidents/utm.csv": "PV-nummer;Datum feit;X;Y\r\n"
            f"U1;03/02/2024 10:00;{x:.3f};{y:.3f}\r\n"
            f"U2;03/02/2024 11:00;{x2:.3f};{y2:.3f}\r\n"
        },
    )
    wh = tmp_path / "wh.duckdb"
    build_warehouse(raw, wh, zone_with(tmp_path, "EPSG:32631"), echo=lambda s: None)
    got = {
        pv: (px, py, str(w), note)
        for pv, px, py, w, note in query(
            wh,
            "SELECT pv_number, x, y, wijk_code, location_note::VARCHAR FROM marts.incidents",
        )
    }
    assert got["U1"][:3] == (
        pytest.approx(171000.5, abs=0.01),
        pytest.approx(177000.25, abs=0.01),
        "W01",
    )
    assert got["U2"][2] == "W02"
    assert "crs_input" in got["U1"][3]


def test_an_unknown_declared_system_stops_the_build_with_its_name(tmp_path):
    raw = mini_raw(
        tmp_path, {"incidents/f.csv": "PV-nummer;Datum feit;X;Y\r\nA;03/02/2024;171000;177000\r\n"}
    )
    with pytest.raises(BuildError, match="crs_input = 'EPSG:99999'"):
        build_warehouse(
            raw, tmp_path / "wh.duckdb", zone_with(tmp_path, "EPSG:99999"), echo=lambda s: None
        )
    assert not (tmp_path / "wh.duckdb").exists()


def test_nan_or_infinity_as_a_coordinate_says_why_there_is_no_location(tmp_path):
    raw = mini_raw(
        tmp_path,
        {
            "incidents/f.csv": "PV-nummer;Datum feit;X;Y\r\n"
            "N1;03/02/2024 10:00;NaN;177000\r\n"
            "N2;03/02/2024 10:00;171000;inf\r\n"
            "N3;03/02/2024 10:00;-Infinity;177000\r\n"
            "N4;03/02/2024 10:00;;\r\n"
        },
    )
    wh = tmp_path / "wh.duckdb"
    build_warehouse(raw, wh, ZONE_SMALL, echo=lambda s: None)
    got = query(
        wh,
        "SELECT DISTINCT location_status::VARCHAR, location_note::VARCHAR FROM marts.incidents",
    )
    assert got == [("geen_locatie", "geen (geldige) coördinaten")]


def test_a_swap_is_repaired_without_a_place_name_only_in_a_file_swapped_as_a_whole(tmp_path):
    """A register without a municipality column: a neighbour's real point whose mirror
    across X = Y falls in the zone was "repaired" into a wijk (HerKo's mirror is Heverlee
    and Bertem). Now only a file whose X and Y are swapped as a whole is repaired; a record
    naming a zone municipality is still repaired on its own."""
    header = "Meldingsnummer;Datum melding;Type overlast;X;Y\r\n"
    normal = "".join(
        f"N{i};03/02/2024 10:00;Geluidsoverlast;{171000 + 100 * i};177000\r\n" for i in range(10)
    )
    normal += "O1;03/02/2024 10:00;Geluidsoverlast;177000;171000\r\n"  # mirror lies in W01
    normal += "O2;03/02/2024 10:00;Geluidsoverlast;177200;173000\r\n"  # mirror lies in W02
    swapped = "".join(
        f"S{i};03/02/2024 10:00;Geluidsoverlast;177000;{171000 + 100 * i}\r\n" for i in range(5)
    )
    named = (
        "Meldingsnummer;Datum melding;Type overlast;Gemeente;X;Y\r\n"
        "H1;03/02/2024 10:00;Geluidsoverlast;Herent;177000;171500\r\n"
        "H2;03/02/2024 10:00;Geluidsoverlast;Herent;171500;177000\r\n"
    )
    raw = mini_raw(
        tmp_path,
        {
            "nuisance/gewoon.csv": header + normal,
            "nuisance/omgewisseld.csv": header + swapped,
            "nuisance/met_gemeente.csv": named,
        },
    )
    wh = tmp_path / "wh.duckdb"
    build_warehouse(raw, wh, ZONE_SMALL, echo=lambda s: None)
    got = {
        k: (status, None if w is None else str(w), x)
        for k, status, w, x in query(
            wh,
            "SELECT report_id, location_status::VARCHAR, wijk_code, x FROM marts.nuisance",
        )
    }
    # The two points outside the zone stay there, as given.
    assert got["O1"] == ("buiten_zone", None, 177000.0)
    assert got["O2"] == ("buiten_zone", None, 177200.0)
    assert all(got[f"N{i}"][:2] == ("ok", "W01" if i < 10 else None) for i in range(10))
    # A file swapped as a whole is repaired, record by record.
    assert all(got[f"S{i}"] == ("ok", "W01", 171000.0 + 100 * i) for i in range(5))
    # A record naming Herent is repaired on its own.
    assert got["H1"] == ("ok", "W01", 171500.0)
