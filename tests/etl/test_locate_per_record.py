"""Incidents, nuisance reports and accidents are located record by record, in their staging
table's order (``etl.build.RECORD_LOCATED``); the other kinds per distinct coordinate pair.
Both ways give a point the same place, and every record finds its own location."""

from __future__ import annotations

from etl_helpers import INCIDENT_HEADER, built, query

from etl.build import RECORD_LOCATED

INCIDENTS = (
    "\r\n".join(
        [
            INCIDENT_HEADER,
            # Two records at one point, a record without coordinates, one with zeros, one
            # outside the zone, one swapped, and refused ones (no date; X "NAN", which reads as
            # a number that is none) between them: each still has its row of locations.
            "P1;03/02/2024 10:00;;;Vandalisme;Kerkstraat;1;3020;Herent;171000,5;177000,25",
            "P2;03/02/2024 11:00;;;Vandalisme;Kerkstraat;1;3020;Herent;171000,5;177000,25",
            "P3;03/02/2024 12:00;;;Vandalisme;Kerkstraat;1;3020;Herent;;",
            "P4;;;;Vandalisme;Kerkstraat;1;3020;Herent;173000;177000",
            "P5;03/02/2024 13:00;;;Vandalisme;Kerkstraat;1;3020;Herent;0;0",
            "P6;03/02/2024 14:00;;;Vandalisme;Kerkstraat;1;3020;Herent;150000;170000",
            "P7;03/02/2024 15:00;;;Vandalisme;Kerkstraat;1;3020;Herent;173000;177000",
            "P8;03/02/2024 16:00;;;Vandalisme;Kerkstraat;1;3020;Herent;177000;171000",
        ]
    )
    + "\r\n"
)
# The same points as a traffic control (located per pair).
CONTROLS = (
    "Controlenummer;Type controle;Begin;Einde;Straat;X;Y;Gecontroleerde voertuigen;"
    "Overtredingen\r\n"
    "C1;Snelheid;03/02/2024 10:00;03/02/2024 12:00;Kerkstraat;171000,5;177000,25;10;1\r\n"
    "C7;Snelheid;03/02/2024 10:00;03/02/2024 12:00;Kerkstraat;173000;177000;10;1\r\n"
    "C8;Snelheid;03/02/2024 10:00;03/02/2024 12:00;Kerkstraat;177000;171000;10;1\r\n"
)
LOCATION = "location_status, location_note, wijk_code, wijk_name, deelgemeente_code, nis_code, municipality_name, x, y, lon, lat, h3_cell"


def test_each_record_has_its_own_location_in_staging_order(tmp_path, monkeypatch):
    monkeypatch.setenv("WIJKBEELD_KEEP_LAYERS", "1")
    wh = built(tmp_path, {"incidents/a.csv": INCIDENTS, "controls/c.csv": CONTROLS})
    for table, kind in RECORD_LOCATED.items():
        # One location row per staged row (refused ones too), each at its record's place.
        rows, staged, misplaced = query(
            wh,
            f"SELECT (SELECT count(*) FROM intermediate.int_{kind}_locations), count(*), "
            # (None and NaN alike: the locating step's arrays have NaN for both.)
            "count(*) FILTER (WHERE coalesce(s.x_num, 'NaN') IS DISTINCT FROM coalesce(l.x_in, 'NaN') "
            "OR coalesce(s.y_num, 'NaN') IS DISTINCT FROM coalesce(l.y_in, 'NaN')) "
            f"FROM staging.{table} s POSITIONAL JOIN intermediate.int_{kind}_locations l",
        )[0]
        assert (rows, misplaced) == (staged, 0), kind
    got = {r[0]: r[1:] for r in query(wh, f"SELECT pv_number, {LOCATION} FROM marts.incidents")}
    assert sorted(got) == ["P1", "P2", "P3", "P5", "P6", "P7", "P8"]  # P4 and P9 refused
    assert got["P1"] == got["P2"] and got["P1"][:3] == ("ok", None, "W01")
    # No coordinates: no place, the municipality from the export's label.
    assert got["P3"][:3] == ("geen_locatie", "geen (geldige) coördinaten", None)
    assert got["P3"][5] is not None and got["P3"][7] is None
    assert got["P5"][0] == "geen_locatie" and got["P5"][7] is None
    assert got["P6"][:3] == ("buiten_zone", None, None)
    assert got["P7"][:3] == ("ok", None, "W02")
    assert got["P8"][:3] == ("ok", "X en Y omgewisseld", "W01")
    # Located per pair, the same points are placed alike, to the cell.
    controls = {
        r[0]: r[1:] for r in query(wh, f"SELECT control_id, {LOCATION} FROM marts.controls")
    }
    assert controls["C1"] == got["P1"]
    assert controls["C7"] == got["P7"]
    assert controls["C8"] == got["P8"]
