"""Four defects of the export reader found with realistic exports (session 22).

1. Lines ending in "\\r\\r\\n" (Python's csv module on Windows without ``newline=''``): every
   record after the first began with "\\n", so a PV counted twice beside another export.
2. A lone "\\r" in a "\\r\\n" file: DuckDB swallowed the character after it ("PV3" -> "V3")
   and an unquoted field with one shifted the fields of its record.
3. A NUL byte after the first 8 KB crashed the build later with DuckDB's English parser
   error naming no file; one in the first 8 KB refused a text file as binary.
4. Workbooks: a hidden sheet was read (and could override the visible one); an .xlsx named
   .xls (or the reverse) was called damaged; a web page saved as .xls or .csv got no word
   on what it is.
"""

from __future__ import annotations

import io
from pathlib import Path

import duckdb
import pytest
from etl_helpers import FIXTURES, ZONE_SMALL, build, built, mini_raw, query
from openpyxl import Workbook

from etl.build import BuildError
from etl.sources import tabular
from etl.sources.mapping import load_mappings
from etl.upload import preview_upload

HEADER = (
    "PV-nummer;Datum feit;Einddatum feit;Registratiedatum;Categorie;Omschrijving;Straat;"
    "Huisnr;Postcode;Gemeente;X;Y"
)


def row(pv: str, when: str = "03/02/2024 14:30", desc: str = "inbraak", nr: str = "1") -> str:
    return f"{pv};{when};;;Vandalisme;{desc};Kerkstraat;{nr};3020;Herent;171000,5;177000"


def read_raw(tmp_path: Path, files: dict[str, bytes | str]) -> list[tuple]:
    """``(file, row, PV, description)`` of the incidents as the reader hands them to the
    staging model (``raw.incidents``), before any SQL cleans a value."""
    raw = mini_raw(tmp_path / "read", files, districts=False)
    work = tmp_path / "read" / "work"
    work.mkdir()
    con = duckdb.connect()
    con.execute("CREATE SCHEMA raw")
    mappings = load_mappings()
    paths = sorted((raw / "incidents").iterdir())
    tabular.load_tabular_kind(con, "incidents", paths, mappings["incidents"], raw, work, mappings)
    return con.execute(
        "SELECT source_file::VARCHAR, source_row, pv_number, description FROM raw.incidents "
        "ORDER BY 1, 2"
    ).fetchall()


def incidents(wh: Path) -> list[tuple]:
    return query(
        wh,
        "SELECT pv_number, description, source_file, source_row FROM marts.incidents "
        "ORDER BY source_file, source_row",
    )


def rejects(wh: Path) -> list[tuple]:
    return query(wh, "SELECT source_file, source_row, field FROM marts.rejects ORDER BY 1, 2, 3")


def note_of(wh: Path, name: str) -> str | None:
    [(note,)] = query(wh, "SELECT note FROM marts.load_files WHERE source_file = ?", [name])
    return note


# --- 1. "\r\r\n" line ends ------------------------------------------------------------


def test_crcrlf_line_ends_leave_no_newline_in_a_field_and_keep_the_rows(tmp_path):
    """January written by Python on Windows ("\\r\\r\\n"), February as usual ("\\r\\n"): P2
    and P3 are the same PVs in both (the newer export's version counts), nothing keeps a
    "\\n" or "\\r" (also not a key in the last column), and a refusal names its row."""
    jan = [row("P1"), row("P2"), row("P3"), row("P4", when="31/02/2024 10:00")]
    feb = [row("P2", when="04/02/2024 10:00"), row("P3", when="04/02/2024 10:00")]
    last = "Datum feit;Categorie;X;Y;PV-nummer"
    files = {
        "incidents/jan.csv": (HEADER + "\r\r\n" + "\r\r\n".join(jan) + "\r\r\n").encode(),
        "incidents/feb.csv": (HEADER + "\r\n" + "\r\n".join(feb) + "\r\n").encode(),
        "incidents/z.csv": f"{last}\r\r\n05/02/2024 10:00;Diefstal;171000,5;177000;P9\r\r\n",
    }
    assert [r[:3] for r in read_raw(tmp_path, files)] == [
        ("incidents/feb.csv", 2, "P2"),
        ("incidents/feb.csv", 3, "P3"),
        ("incidents/jan.csv", 2, "P1"),
        ("incidents/jan.csv", 3, "P2"),
        ("incidents/jan.csv", 4, "P3"),
        ("incidents/jan.csv", 5, "P4"),
        ("incidents/z.csv", 2, "P9"),
    ]
    wh = built(tmp_path, files)
    got = query(wh, "SELECT pv_number, source_file, source_row FROM marts.incidents ORDER BY 1")
    assert got == [
        ("P1", "incidents/jan.csv", 2),
        ("P2", "incidents/feb.csv", 2),
        ("P3", "incidents/feb.csv", 3),
        ("P9", "incidents/z.csv", 2),
    ]
    assert rejects(wh) == [("incidents/jan.csv", 5, "Datum feit")]


@pytest.mark.parametrize("block", [1, 2, 3, 5, 7, 11, 64])
def test_line_ends_are_repaired_alike_in_blocks_and_at_once(tmp_path, monkeypatch, block):
    """The streamed sniff (blocks may split "\\r\\r\\n" and "\\r\\n") repairs a file as
    reading it whole does: every line end "\\n", a lone "\\r" a line break, NUL bytes left
    out with the same note, a Windows-1252 file transcoded too; a clean file, also an old
    Mac one ("\\r" alone), is read in place."""
    monkeypatch.setattr(tabular, "SCAN_BLOCK", block)
    samples = {
        "crcrlf.csv": b"a;b\r\r\n1;2\r\r\n3;4\r\r\n",
        "lone.csv": b"a;b\r\n1;2\r3;4\r\nx\ry;5\r\n",
        "lf.csv": b"a;b\n1;2\r3;4\n",
        "end.csv": b"a;b\r\n1;2\r",
        "cp1252.csv": "a;b\r\r\n€;2\r\r\n".encode("cp1252"),  # transcoded and repaired
        "nul.csv": b"a;b\r\n1\x00;2\r\n\x00\x00",
    }
    want = {
        "crcrlf.csv": b"a;b\n1;2\n3;4\n",
        "lone.csv": b"a;b\n1;2\n3;4\nx\ny;5\n",
        "lf.csv": b"a;b\n1;2\n3;4\n",
        "end.csv": b"a;b\n1;2\n",
        "cp1252.csv": "a;b\n€;2\n".encode(),
        "nul.csv": b"a;b\r\n1;2\r\n",
    }
    for name, data in samples.items():
        path = tmp_path / name
        path.write_bytes(data)
        streamed = tabular._sniff_streaming(path, tmp_path)
        whole = tabular.sniff_text_file(path, tmp_path, data=data)
        assert streamed.path != path and whole.path != path, name
        assert streamed.path.read_bytes() == whole.path.read_bytes() == want[name], name
        assert streamed.headers == whole.headers == ["a", "b"], name
        assert streamed.lines == want[name].count(b"\n"), name
        assert streamed.notes == whole.notes, name
    assert "3 NUL-tekens" in streamed.notes[0] and "regel 2, 3" in streamed.notes[0]
    for name, data in {
        "crlf.csv": b"a;b\r\n1;2\r\n",
        "lf.csv": b"a;b\n1;2\n",
        "mac.csv": b"a;b\r1;2\r3;4\r",
    }.items():
        path = tmp_path / "clean" / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        assert tabular._sniff_streaming(path, tmp_path).path == path, name
        assert tabular.sniff_text_file(path, tmp_path, data=data).path == path, name


# --- 2. A lone "\r" -------------------------------------------------------------------


def test_lone_carriage_return_keeps_every_row_and_its_number(tmp_path):
    """In a "\\r\\n" file, a lone "\\r" is a line end as Excel and editors show it: one
    ending a record leaves the next record whole ("PV4", not "V4"); one in an unquoted
    description splits it over two lines, which are joined again (the later rows keep their
    numbers); one inside a quoted field stays in the value. An old Mac file, "\\r" alone,
    reads as before."""
    a = "".join(
        [
            HEADER + "\r\n",
            row("PV1") + "\r\n",
            row("PV2", desc="inbraak\rachterdeur geforceerd") + "\r\n",  # rows 3-4
            row("PV3") + "\r",  # row 5, ended by a lone "\r"
            row("PV4") + "\r\n",  # row 6
            row("PV5", when="31/02/2024 10:00") + "\r\n",  # row 7: refused
        ]
    )
    b = "".join(
        [
            HEADER + "\r\n",
            row("PV6", desc='"deur\rraam"') + "\r\n",
            row("PV7", desc='"fiets"') + "\r",
            row("PV8") + "\r\n",
        ]
    )
    mac = HEADER + "\r" + row("PV9") + "\r" + row("PW1") + "\r"
    wh = built(tmp_path, {"incidents/a.csv": a, "incidents/b.csv": b, "incidents/mac.csv": mac})
    assert incidents(wh) == [
        ("PV1", "inbraak", "incidents/a.csv", 2),
        ("PV2", "inbraak achterdeur geforceerd", "incidents/a.csv", 3),
        ("PV3", "inbraak", "incidents/a.csv", 5),
        ("PV4", "inbraak", "incidents/a.csv", 6),
        ("PV6", "deur\rraam", "incidents/b.csv", 2),
        ("PV7", "fiets", "incidents/b.csv", 3),
        ("PV8", "inbraak", "incidents/b.csv", 4),
        ("PV9", "inbraak", "incidents/mac.csv", 2),
        ("PW1", "inbraak", "incidents/mac.csv", 3),
    ]
    assert rejects(wh) == [("incidents/a.csv", 7, "Datum feit")]
    assert "samengevoegd: rij 3" in note_of(wh, "incidents/a.csv")


# --- 3. NUL bytes ---------------------------------------------------------------------


def test_nul_bytes_in_a_text_export_are_left_out_and_named(tmp_path):
    """A NUL byte after the first 8 KB (the build crashed in DuckDB) or in them (the file
    was refused as binary): the file is read without it, its note says where; a quoted
    file (read at once) and a UTF-16 one alike. Binary data is still refused."""
    pad = "\r\n".join(row(f"P{i:04d}") for i in range(200))
    late = HEADER + "\r\n" + pad + "\r\n" + row("PVNUL", desc="deur\x00geforceerd") + "\r\n"
    early = HEADER + "\r\n" + row("PVN2", desc='"raam\x00"') + "\r\n" + row("PVN3") + "\r\n"
    wide = (HEADER + "\r\n" + row("PVN4", desc="kelder\x00") + "\r\n").encode("utf-16")
    wh = built(
        tmp_path,
        {"incidents/laat.csv": late, "incidents/vroeg.csv": early, "incidents/wide.csv": wide},
    )
    got = {pv: (desc, f, r) for pv, desc, f, r in incidents(wh) if not pv.startswith("P0")}
    assert got == {
        "PVNUL": ("deurgeforceerd", "incidents/laat.csv", 202),
        "PVN2": ("raam", "incidents/vroeg.csv", 2),
        "PVN3": ("inbraak", "incidents/vroeg.csv", 3),
        "PVN4": ("kelder", "incidents/wide.csv", 2),
    }
    assert rejects(wh) == []
    assert "1 NUL-teken (byte 0" in note_of(wh, "incidents/laat.csv")
    assert "op regel 202" in note_of(wh, "incidents/laat.csv")
    assert "op regel 2:" in note_of(wh, "incidents/vroeg.csv")
    assert "NUL" in note_of(wh, "incidents/wide.csv")
    binary = mini_raw(tmp_path / "b", {"incidents/a.csv": bytes(range(256)) * 64})
    with pytest.raises(BuildError, match="incidents/a.csv is geen tekstbestand.*binaire"):
        build(binary, tmp_path / "b" / "wh.duckdb")


# --- 4. Workbooks -----------------------------------------------------------------------

COLUMNS = ["PV-nummer", "Datum feit", "Categorie", "Straat", "Huisnr", "Gemeente", "X", "Y"]


def fact(pv: str, nr: str = "1") -> list:
    return [pv, "03/02/2024 14:30", "Vandalisme", "Kerkstraat", nr, "Herent", "171000,5", "177000"]


def workbook(sheets: dict[str, list[list]], hidden: dict[str, str] | None = None) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    for name, state in (hidden or {}).items():
        wb[name].sheet_state = state
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_hidden_sheets_are_not_read_and_are_named(tmp_path):
    """A hidden sheet (an old version) and a very hidden one are left out and named in the
    file's note: they no longer override the visible table. A table only on a hidden sheet
    (the visible one a cover) is read, and the note says so."""
    book = workbook(
        {
            "Feiten": [COLUMNS, fact("P1"), fact("P2", "2")],
            "Oud": [COLUMNS, fact("P1", "9"), fact("P8")],
            "Geheim": [COLUMNS, fact("P9")],
        },
        {"Oud": "hidden", "Geheim": "veryHidden"},
    )
    cover = workbook(
        {"Info": [["Overzicht feiten"]], "Data": [COLUMNS, fact("Q1")]}, {"Data": "hidden"}
    )
    wh = built(tmp_path, {"incidents/feiten.xlsx": book, "incidents/rapport.xlsx": cover})
    got = query(wh, "SELECT pv_number, house_number, source_file, source_row FROM marts.incidents")
    assert sorted(got) == [
        ("P1", "1", "incidents/feiten.xlsx", 2),
        ("P2", "2", "incidents/feiten.xlsx", 3),
        ("Q1", "1", "incidents/rapport.xlsx", 2),
    ]
    assert note_of(wh, "incidents/feiten.xlsx") == (
        "Verborgen werkbladen 'Oud', 'Geheim' niet gelezen (maak ze zichtbaar in Excel als "
        "ze meegeteld moeten worden)."
    )
    assert note_of(wh, "incidents/rapport.xlsx") == (
        "Tabel gelezen van verborgen werkblad 'Data': geen zichtbaar werkblad heeft een tabel."
    )


def test_workbook_with_the_other_formats_extension_is_read_by_content(tmp_path):
    """Excel opens an .xlsx named .xls, and an Excel 97-2003 workbook named .xlsx: so does
    the reader (they were called damaged)."""
    xlsx = workbook({"Blad1": [COLUMNS, fact("P1")]})
    xls = (FIXTURES / "workbooks" / "feiten_oud.xls").read_bytes()
    wh = built(tmp_path, {"incidents/nieuw.xls": xlsx, "incidents/oud.xlsx": xls})
    got = query(wh, "SELECT source_file, pv_number FROM marts.incidents ORDER BY 1, 2")
    assert got == [
        ("incidents/nieuw.xls", "P1"),
        ("incidents/oud.xlsx", "PV-X1"),
        ("incidents/oud.xlsx", "PV-X2"),
    ]


WEB_PAGE = (
    '<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head><meta charset="utf-8">'
    "</head><body><table border=1>\n<tr><th>PV-nummer</th><th>Datum feit</th></tr>\n"
    "<tr><td>P1</td><td>03/02/2024 14:30</td></tr>\n</table></body></html>\n"
)
XML_WORKBOOK = (
    '<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n<Workbook '
    'xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="Blad1"><Table>'
    '<Row><Cell><Data ss:Type="String">PV-nummer</Data></Cell></Row></Table></Worksheet>'
    "</Workbook>\n"
)


@pytest.mark.parametrize(
    ("name", "content", "what"),
    [
        ("incidents/export.xls", WEB_PAGE, "een webpagina (HTML)"),
        ("incidents/export.csv", "\ufeff" + WEB_PAGE, "een webpagina (HTML)"),
        ("incidents/export.xlsx", WEB_PAGE.encode("utf-16"), "een webpagina (HTML)"),
        ("incidents/export.xls", XML_WORKBOOK, "een XML-werkmap (Excel 2003 XML)"),
    ],
)
def test_web_page_saved_as_a_spreadsheet_is_refused_as_such(tmp_path, name, content, what):
    """A web application's "Export naar Excel" that saves an HTML table (or Excel 2003 XML)
    as .xls or .csv: the message says what the file is and how to fix it, in the build and
    in the upload preview."""
    raw = mini_raw(tmp_path, {name: content})
    with pytest.raises(BuildError) as caught:
        build(raw, tmp_path / "wh.duckdb")
    message = str(caught.value)
    assert message.startswith(f"Bestand {name} is geen CSV-export of rekenblad maar {what}")
    assert "Open het bestand in Excel en bewaar het als Excel-werkmap (.xlsx) of als CSV" in (
        message
    )
    data = content.encode("utf-8") if isinstance(content, str) else content
    error = preview_upload("incidents", Path(name).name, data, ZONE_SMALL).error
    assert what in error


def test_a_second_export_with_its_columns_reordered_stops_the_file(tmp_path):
    """Two exports pasted one after the other, the second with 'Huisnr' before 'Straat':
    its header row was refused as a bad date and the rows under it loaded with the street
    as house number, silently. The file now fails with a message naming the row."""
    text = (
        "PV-nummer;Datum feit;Straat;Huisnr;X;Y\r\n"
        "P1;03/02/2024 10:00;Kerkstraat;12;171000;177000\r\n"
        "\ufeffPV-nummer;Datum feit;Huisnr;Straat;X;Y\r\n"
        "P2;04/02/2024 10:00;12;Dorpstraat;171000;177000\r\n"
    )
    with pytest.raises(BuildError, match=r"rij 3 is een tweede kopregel met dezelfde kolommen"):
        build(mini_raw(tmp_path, {"incidents/plak.csv": text}), tmp_path / "wh.duckdb")
    # The same header repeated as it is stays a header left out (named in the note).
    same = text.replace("Huisnr;Straat;X", "Straat;Huisnr;X").replace(
        "12;Dorpstraat", "Dorpstraat;12"
    )
    wh = tmp_path / "b" / "wh.duckdb"
    build(mini_raw(tmp_path / "b", {"incidents/plak.csv": same}), wh)


@pytest.mark.parametrize("bom", ["", "\ufeff"])
def test_a_second_header_that_moves_the_first_column_stops_the_file(tmp_path, bom):
    """The second export starts with 'Datum feit', not 'PV-nummer': the check looked only at
    rows whose first column still held 'PV-nummer', so this header was refused as a record
    and the rows under it loaded with the date as PV number. Now it stops the file."""
    text = (
        "PV-nummer;Datum feit;Straat;Huisnr;X;Y\r\n"
        "P1;03/02/2024 10:00;Kerkstraat;12;171000;177000\r\n"
        f"{bom}Datum feit;PV-nummer;Straat;Huisnr;X;Y\r\n"
        "04/02/2024 10:00;P2;Dorpstraat;12;171000;177000\r\n"
    )
    with pytest.raises(BuildError, match=r"rij 3 is een tweede kopregel met dezelfde kolommen"):
        build(mini_raw(tmp_path, {"incidents/plak.csv": text}), tmp_path / "wh.duckdb")


def test_a_record_holding_a_header_name_is_no_header(tmp_path):
    """A PV number that happens to read like another column's name is a record, refused or
    kept on its own merits: only a row holding every name is a header."""
    text = (
        "PV-nummer;Datum feit;Straat;Huisnr;X;Y\r\n"
        "P1;03/02/2024 10:00;Kerkstraat;12;171000;177000\r\n"
        "Straat;04/02/2024 10:00;Dorpstraat;12;171000;177000\r\n"
    )
    wh = tmp_path / "wh.duckdb"
    build(mini_raw(tmp_path, {"incidents/f.csv": text}), wh)
    assert query(wh, "SELECT pv_number FROM marts.incidents ORDER BY 1") == [("P1",), ("STRAAT",)]


def test_a_workbook_with_a_second_table_in_another_order_stops_the_file(tmp_path):
    """Two tables pasted one below the other in a workbook, the second with its columns in
    another order: its rows loaded in the wrong columns. The file now stops, naming the
    row."""

    wb = Workbook()
    for row in (
        ["PV-nummer", "Datum feit", "Straat", "Huisnr", "X", "Y"],
        ["P1", "03/02/2024 10:00", "Kerkstraat", "12", 171000, 177000],
        ["Datum feit", "PV-nummer", "Huisnr", "Straat", "X", "Y"],
        ["04/02/2024 10:00", "P2", "12", "Dorpstraat", 171000, 177000],
    ):
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(BuildError, match=r"rij 3 is een tweede kopregel met dezelfde kolommen"):
        build(mini_raw(tmp_path, {"incidents/plak.xlsx": buf.getvalue()}), tmp_path / "wh.duckdb")
