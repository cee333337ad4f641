"""Quirks found by trying realistic exports in the fifty-third session."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from etl_helpers import build, built, mini_raw, query

from etl.build import BuildError


def workbook(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def moments(wh) -> dict[str, tuple]:
    return {
        pv: (str(start), str(end) if end else None, hour)
        for pv, start, end, hour in query(
            wh, "SELECT pv_number, occurred_from, occurred_to, hour FROM marts.incidents"
        )
    }


def test_a_date_and_time_cell_at_midnight_is_midnight_as_in_the_csv_export(tmp_path):
    """The workbook reader gives a date-and-time cell at 00:00 as a date: it became a
    whole-day window (time unknown), where the same export as CSV ("06/03/2025 00:00") is
    midnight. In a column that holds times it is midnight; a column of dates only keeps
    its dates (their time is unknown)."""
    header = ["PV-nummer", "Datum feit", "X", "Y"]
    timed = [
        header,
        ["M1", datetime(2025, 3, 6, 0, 0), 171000.5, 177000],
        ["M2", datetime(2025, 3, 6, 14, 30), 171000.5, 177000],
    ]
    days = [header, ["D1", date(2025, 3, 6), 171000.5, 177000]]
    csv = "PV-nummer;Datum feit;X;Y\nC1;06/03/2025 00:00;171000,5;177000\n"
    wh = built(
        tmp_path,
        {
            "incidents/tijden.xlsx": workbook(timed),
            "incidents/dagen.xlsx": workbook(days),
            "incidents/tekst.csv": csv,
        },
    )
    assert moments(wh) == {
        "M1": ("2025-03-06 00:00:00", None, 0),
        "M2": ("2025-03-06 14:30:00", None, 14),
        "C1": ("2025-03-06 00:00:00", None, 0),
        # A date alone: the whole day, its hour unknown (NULL since the fifty-fifth
        # session; it was 0, so the hour views put such records at midnight).
        "D1": ("2025-03-06 00:00:00", "2025-03-07 00:00:00", None),
    }


def test_a_csv_export_named_xlsx_is_read_as_the_text_it_is(tmp_path):
    """A CSV saved or renamed as .xlsx was refused as a damaged workbook ("invalid Zip
    archive"); it is read by its content, and the file's note says so."""
    csv = "PV-nummer;Datum feit;X;Y\r\nC1;06/03/2025 10:00;171000,5;177000\r\n"
    wh = built(tmp_path, {"incidents/feiten.xlsx": csv.encode("cp1252")})
    assert query(wh, "SELECT pv_number, x FROM marts.incidents") == [("C1", 171000.5)]
    [(note, delimiter)] = query(
        wh, "SELECT note, delimiter FROM marts.load_files WHERE kind = 'incidents'"
    )
    assert delimiter == ";"
    assert note.startswith("Geen Excel-werkmap maar een tekstbestand (CSV), al heet het .xlsx")


def test_an_empty_workbook_file_is_named_empty_not_damaged(tmp_path):
    raw = mini_raw(tmp_path, {"incidents/feiten.xlsx": b""})
    with pytest.raises(BuildError, match=r"feiten\.xlsx is leeg \(0 bytes\)") as refused:
        build(raw, tmp_path / "wh.duckdb")
    assert "beschadigd" not in str(refused.value)


def test_a_control_register_with_the_hours_in_columns_of_their_own(tmp_path):
    """A hand-kept register of traffic controls ("Datum; Van; Tot") was refused for a
    missing "Begin", and no mapping could describe it: controls had no time-of-day fields."""
    register = (
        "Controlenummer;Type controle;Datum;Van;Tot;Straat;X;Y;Gecontroleerde voertuigen\r\n"
        "VC1;Snelheid;06/03/2025;14:00;16:00;Kerkstraat;171000,5;177000;120\r\n"
        "VC2;Alcohol;07/03/2025;22u;02u;Kerkstraat;171000,5;177000;40\r\n"  # past midnight
        "VC3;Alcohol;08/03/2025;21:00;;Kerkstraat;171000,5;177000;10\r\n"
        "VC4;Alcohol;09/03/2025;25:00;;Kerkstraat;171000,5;177000;10\r\n"
    )
    wh = built(tmp_path, {"controls/register.csv": register})
    got = query(wh, "SELECT control_id, started_at, ended_at, hours FROM marts.controls ORDER BY 1")
    assert [(c, str(s), e and str(e), h) for c, s, e, h in got] == [
        ("VC1", "2025-03-06 14:00:00", "2025-03-06 16:00:00", 2.0),
        ("VC2", "2025-03-07 22:00:00", "2025-03-08 02:00:00", 4.0),
        ("VC3", "2025-03-08 21:00:00", None, None),
    ]
    assert query(wh, "SELECT source_row, field, value, reason FROM marts.rejects") == [
        (5, "Van", "25:00", "Beginuur is geen geldig uur (verwacht uu:mm)")
    ]
