"""Workbooks laid out as analysts and municipal services make them by hand: a header over
two rows (group names merged over the detailed ones) and data cells merged over the rows
they belong to."""

from __future__ import annotations

import io

from etl_helpers import ZONE_SMALL, build, mini_raw, query
from openpyxl import Workbook

from etl.sources.mapping import header_test, load_mappings
from etl.sources.tabular import _xlsx_rows, _xlsx_sheets
from etl.upload import preview_upload


def workbook(rows: list[list], merges: tuple[str, ...] = (), name: str = "Blad1") -> bytes:
    """An .xlsx of one sheet with these rows (appended as given) and merged ranges."""
    wb = Workbook()
    ws = wb.active
    ws.title = name
    for row in rows:
        ws.append(row)
    for cells in merges:
        ws.merge_cells(cells)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def built(tmp_path, files: dict[str, bytes]):
    wh = tmp_path / "wh.duckdb"
    build(mini_raw(tmp_path, files), wh)
    return wh


def note_of(wh, name: str) -> str | None:
    [(note,)] = query(wh, "SELECT note FROM marts.load_files WHERE source_file = ?", [name])
    return note


def columns_of(wh, name: str) -> dict[str, str]:
    return dict(
        query(wh, "SELECT field, header FROM raw.file_columns WHERE source_file = ?", [name])
    )


#: The facts as an analyst lays them out: a title, then "Feit" over Datum and Uur, "Adres"
#: over Straat .. Gemeente (merged across), PV-nummer, Categorie, X and Y merged down over
#: both header rows.
TWO_ROW_FACTS = [
    ["Overzicht feiten PZ HerKo, februari 2024"],  # row 1
    ["PV-nummer", "Feit", None, "Categorie", "Adres", None, None, None, "X", "Y"],  # 2
    [None, "Datum", "Uur", None, "Straat", "Huisnr", "Postcode", "Gemeente"],  # 3
    ["P1", "03/02/2024", "14:30", "Vandalisme", "Kerkstraat", "12A", 3020, "Herent",
     "171000,5", "177000"],  # 4
    ["P2", "31/02/2024", "10:00", "Diefstal", "Dorpsstraat", 4, 3020, "Herent",
     "173000", "177000"],  # 5: no such date
    ["P3", "04/02/2024", "09:15", "Diefstal", "Stationsstraat", 1, 3070, "Kortenberg",
     None, None],  # 6
]  # fmt: skip
TWO_ROW_MERGES = ("A1:J1", "A2:A3", "B2:C2", "D2:D3", "E2:H2", "I2:I3", "J2:J3")


def test_a_header_over_two_rows_with_merged_group_names(tmp_path):
    """Names from the lower row, the upper row's where the lower is empty (merged down);
    a lower name the mapping only knows with its group ("Datum" under "Feit": "Datum feit")
    takes the group; rows keep their numbers; the note says how the header was read."""
    wh = built(tmp_path, {"incidents/feiten.xlsx": workbook(TWO_ROW_FACTS, TWO_ROW_MERGES)})
    got = query(
        wh,
        "SELECT pv_number, occurred_from::VARCHAR, category, street, house_number, "
        "source_row, wijk_code FROM marts.incidents ORDER BY 1",
    )
    assert got == [
        ("P1", "2024-02-03 14:30:00", "Vandalisme", "Kerkstraat", "12A", 4, "W01"),
        ("P3", "2024-02-04 09:15:00", "Diefstal", "Stationsstraat", "1", 6, None),
    ]
    assert query(wh, "SELECT source_row, field FROM marts.rejects") == [(5, "Datum Feit")]
    columns = columns_of(wh, "incidents/feiten.xlsx")
    assert columns == {
        "pv_number": "PV-nummer",
        "occurred_from": "Datum Feit",
        "occurred_from_time": "Uur Feit",
        "category": "Categorie",
        "street": "Straat",
        "house_number": "Huisnr",
        "postcode": "Postcode",
        "municipality": "Gemeente",
        "x": "X",
        "y": "Y",
    }
    assert note_of(wh, "incidents/feiten.xlsx") == (
        "Kopregel over twee rijen (2 en 3): kolomnamen uit rij 3, uit rij 2 waar die leeg is."
    )


def test_a_header_over_two_rows_without_merged_cells(tmp_path):
    """The same layout with the group names only in their first column (centred across
    the columns, or an .ods, whose merged cells calamine does not report): a group name
    stands over the columns to its right that have none of their own."""
    wh = built(tmp_path, {"incidents/feiten.xlsx": workbook(TWO_ROW_FACTS)})
    got = query(
        wh,
        "SELECT pv_number, occurred_from::VARCHAR, street, house_number, municipality_reported, "
        "source_row FROM marts.incidents ORDER BY 1",
    )
    assert got == [
        ("P1", "2024-02-03 14:30:00", "Kerkstraat", "12A", "Herent", 4),
        ("P3", "2024-02-04 09:15:00", "Stationsstraat", "1", "Kortenberg", 6),
    ]
    assert columns_of(wh, "incidents/feiten.xlsx")["occurred_from_time"] == "Uur Feit"


def test_an_upper_row_that_is_a_header_alone_still_takes_the_row_below(tmp_path):
    """PV-nummer and "Datum feit" merged down over both rows make the upper row a header
    by itself; the address names below "Adres" belong to it (before, that row was read as
    a record and the address was lost). No title above: the header starts at row 1."""
    rows = [
        ["PV-nummer", "Datum feit", "Adres", None, None, "X", "Y"],  # 1
        [None, None, "Straat", "Huisnr", "Gemeente"],  # 2
        ["P1", "03/02/2024 14:30", "Kerkstraat", "12A", "Herent", "171000,5", "177000"],  # 3
        ["P2", "geen datum", "Kerkstraat", "1", "Herent", "171000,5", "177000"],  # 4
    ]
    merges = ("A1:A2", "B1:B2", "C1:E1", "F1:F2", "G1:G2")
    wh = built(tmp_path, {"incidents/feiten.xlsx": workbook(rows, merges)})
    assert query(
        wh,
        "SELECT pv_number, street, house_number, municipality_reported, source_row FROM marts.incidents",
    ) == [("P1", "Kerkstraat", "12A", "Herent", 3)]
    assert query(wh, "SELECT source_row, field FROM marts.rejects") == [(4, "Datum feit")]


def test_a_lower_row_of_unknown_names_joins_the_header_when_merged_to_it(tmp_path):
    """The mapping knows none of the lower names ("Opmerking 1", "Opmerking 2" under
    "Opmerkingen"): a cell merged over both rows still says they are one header, so the
    lower row is no record (before: refused for its missing PV number)."""
    rows = [
        ["PV-nummer", "Datum feit", "Opmerkingen", None],  # 1
        [None, None, "Opmerking 1", "Opmerking 2"],  # 2
        ["P1", "03/02/2024 14:30", "a", "b"],  # 3
    ]
    wh = built(tmp_path, {"incidents/f.xlsx": workbook(rows, ("A1:A2", "B1:B2", "C1:D1"))})
    assert query(wh, "SELECT pv_number, source_row FROM marts.incidents") == [("P1", 3)]
    assert query(wh, "SELECT count(*) FROM marts.rejects") == [(0,)]


def test_a_one_row_header_reads_as_before(tmp_path):
    """An ordinary workbook, also below a title merged across the table and with an
    unnamed column: the header is the one row, names as they are, no note."""
    rows = [
        ["Overzicht feiten"],  # 1, merged over A1:F1
        ["PV-nummer", "Datum feit", "Straat", "X", "Y", None],  # 2
        ["P1", "03/02/2024 14:30", "Kerkstraat", "171000,5", "177000", "opm"],  # 3
        ["P2", "04/02/2024 14:30", "Kerkstraat", "171000,5", "177000"],  # 4
    ]
    path = tmp_path / "f.xlsx"
    path.write_bytes(workbook(rows, ("A1:F1",)))
    mappings = load_mappings(tmp_path / "none.toml")
    [(headers, table, sheet)], first = _xlsx_sheets(
        path, "f.xlsx", header_test(mappings["incidents"], mappings)
    )
    assert headers == ["PV-nummer", "Datum feit", "Straat", "X", "Y", ""]
    assert [(n, row[0]) for n, row in table] == [(3, "P1"), (4, "P2")]
    wh = built(tmp_path / "b", {"incidents/f.xlsx": path.read_bytes()})
    assert query(wh, "SELECT pv_number, source_row FROM marts.incidents ORDER BY 1") == [
        ("P1", 3),
        ("P2", 4),
    ]
    assert note_of(wh, "incidents/f.xlsx") is None


def test_a_header_over_two_rows_repeated_below_is_left_out(tmp_path):
    """Two such tables pasted one below the other: both rows of the second header are
    named in the note, not refused."""
    rows = [
        TWO_ROW_FACTS[1],  # 1
        TWO_ROW_FACTS[2],  # 2
        TWO_ROW_FACTS[3],  # 3
        TWO_ROW_FACTS[1],  # 4
        TWO_ROW_FACTS[2],  # 5
        ["P4", *TWO_ROW_FACTS[3][1:]],  # 6
    ]
    wh = built(tmp_path, {"incidents/f.xlsx": workbook(rows)})
    assert query(wh, "SELECT pv_number, source_row FROM marts.incidents ORDER BY 1") == [
        ("P1", 3),
        ("P4", 6),
    ]
    assert query(wh, "SELECT count(*) FROM marts.rejects") == [(0,)]
    assert "De kopregel staat nog eens op rij 4, 5" in note_of(wh, "incidents/f.xlsx")


#: A nuisance register kept by hand: the date and the street merged down over the reports
#: of that day and street.
REGISTER = [
    ["Meldingsnummer", "Datum melding", "Type overlast", "Straat", "Huisnummer", "Gemeente"],  # 1
    ["M1", "03/02/2024 22:00", "Geluidsoverlast", "Kerkstraat", "2", "Herent"],  # 2
    ["M2", "04/02/2024 10:00", "Sluikstorten", "Dorpsstraat", "1", "Herent"],  # 3
    ["M3", None, "Geluidsoverlast", None, "5", "Herent"],  # 4
    ["M4", None, "Wildplassen", "Stationsstraat", "3", "Herent"],  # 5
    ["M5", "05/02/2024 08:00", "Sluikstorten", "Kerkstraat", "7", "Herent"],  # 6
]  # fmt: skip


def test_a_value_merged_over_rows_is_in_each_row(tmp_path):
    """The date merged over rows 3-5 and the street over rows 3-4: each of those rows has
    them, as the sheet shows it; the note names the rows."""
    wh = built(tmp_path, {"nuisance/register.xlsx": workbook(REGISTER, ("B3:B5", "D3:D4"))})
    got = query(
        wh,
        "SELECT report_id, reported_at::VARCHAR, street, source_row FROM marts.nuisance ORDER BY 1",
    )
    assert got == [
        ("M1", "2024-02-03 22:00:00", "Kerkstraat", 2),
        ("M2", "2024-02-04 10:00:00", "Dorpsstraat", 3),
        ("M3", "2024-02-04 10:00:00", "Dorpsstraat", 4),
        ("M4", "2024-02-04 10:00:00", "Stationsstraat", 5),
        ("M5", "2024-02-05 08:00:00", "Kerkstraat", 6),
    ]
    assert query(wh, "SELECT count(*) FROM marts.rejects") == [(0,)]
    assert note_of(wh, "nuisance/register.xlsx") == (
        "Samengevoegde cellen ingevuld in rijen 3–5 (de waarde geldt voor elke rij van de "
        "samenvoeging)."
    )


def test_merged_data_cells_across_columns_and_over_empty_rows(tmp_path):
    """A merge across columns is one field: its value stays in its first column. A row
    that has nothing but a merged value (a date merged over a row left empty) is no
    record."""
    rows = [
        *REGISTER[:3],  # 1-3
        ["M3", None, "Geluidsoverlast", "Kerkstraat 5", None, "Herent"],  # 4
        [None] * 6,  # 5: under the merged date only
        REGISTER[5],  # 6
    ]
    wh = built(tmp_path, {"nuisance/register.xlsx": workbook(rows, ("B3:B5", "D4:E4"))})
    got = query(
        wh,
        "SELECT report_id, reported_at::VARCHAR, street, house_number, source_row "
        "FROM marts.nuisance ORDER BY 1",
    )
    assert got == [
        ("M1", "2024-02-03 22:00:00", "Kerkstraat", "2", 2),
        ("M2", "2024-02-04 10:00:00", "Dorpsstraat", "1", 3),
        ("M3", "2024-02-04 10:00:00", "Kerkstraat 5", None, 4),
        ("M5", "2024-02-05 08:00:00", "Kerkstraat", "7", 6),
    ]
    assert query(wh, "SELECT count(*) FROM marts.rejects") == [(0,)]
    assert "rijen 3–4 (de waarde" in note_of(wh, "nuisance/register.xlsx")


def test_reader_fills_merged_cells_in_the_rows_it_streams(tmp_path):
    """_xlsx_rows: rows as before (Excel numbers, padded to column A) with the merged value
    in every row of the merge, also for a table that starts right of column A."""
    path = tmp_path / "f.xlsx"
    rows = [[], [None, "Nr", "Datum"], [None, "A", "03/02/2024"], [None, "B"], [None, "C"]]
    path.write_bytes(workbook(rows, ("C3:C5",)))
    table = _xlsx_rows(path, "f.xlsx")
    assert list(table) == [
        (1, ["", "", ""]),
        (2, ["", "Nr", "Datum"]),
        (3, ["", "A", "03/02/2024"]),
        (4, ["", "B", "03/02/2024"]),
        (5, ["", "C", "03/02/2024"]),
    ]
    assert table.filled == {3, 4, 5}


def test_the_upload_preview_reads_a_header_over_two_rows_alike():
    """The Data page's preview shows the columns as the build reads them, and the note."""
    data = workbook(TWO_ROW_FACTS, TWO_ROW_MERGES)
    p = preview_upload("incidents", "feiten.xlsx", data, ZONE_SMALL)
    assert p.ok and (p.n_rows, p.n_accepted, p.n_refused) == (3, 2, 1)
    assert p.columns_found["street"] == "Straat"
    assert p.columns_found["occurred_from"] == "Datum Feit"
    assert "Kopregel over twee rijen (2 en 3)" in p.note


def test_a_refused_date_cell_reads_as_in_excel(tmp_path):
    """A date cell that is refused (in the future, before its beginning) is named in the
    rejects as a Belgian Excel shows it, "05/01/2030 14:30", not as "2030-01-05 14:30:00";
    its date and time are read as before, with seconds only when the cell has them."""
    from datetime import datetime

    header = ["PV-nummer", "Datum feit", "Einddatum feit", "Registratiedatum", "Categorie",
              "Straat", "Huisnr", "Postcode", "Gemeente", "X", "Y"]  # fmt: skip
    place = ["Kerkstraat", 1, 3020, "Herent", 173000, 177000]
    rows = [
        header,
        ["F1", datetime(2030, 1, 5, 14, 30), None, None, "Diefstal", *place],
        ["F2", datetime(2024, 2, 3, 14, 30), datetime(2024, 2, 1), None, "Diefstal", *place],
        ["F3", datetime(2024, 2, 3, 9, 5, 30), None, datetime(2031, 2, 3, 8), "Diefstal", *place],
        ["OK", datetime(2024, 2, 3, 9, 5, 30), datetime(2024, 2, 3, 18), None, "Diefstal", *place],
    ]
    wh = built(tmp_path, {"incidents/feiten.xlsx": workbook(rows)})
    assert query(wh, "SELECT field, value, reason FROM marts.rejects ORDER BY source_row") == [
        ("Datum feit", "05/01/2030 14:30", "Datum feit ligt in de toekomst"),
        ("Einddatum feit", "01/02/2024 00:00", "Einddatum feit ligt vóór de begindatum"),
        ("Registratiedatum", "03/02/2031 08:00", "Registratiedatum ligt in de toekomst"),
    ]
    assert query(
        wh, "SELECT occurred_from::VARCHAR, occurred_to::VARCHAR, hour FROM marts.incidents"
    ) == [("2024-02-03 09:05:30", "2024-02-03 18:00:00", 9)]
