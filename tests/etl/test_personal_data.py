"""Personal data minimised at load: names and identity numbers never enter the warehouse."""

from __future__ import annotations

import pytest

from etl.sources.mapping import load_mappings
from etl.sources.personal_data import (
    dropped_note,
    is_personal_header,
    personal_columns,
    without_personal,
)

PERSONAL = [
    "Naam verdachte",
    "Naam slachtoffer",
    "Melder",
    "Naam",
    "Voornaam",
    "Geboortedatum",
    "Rijksregisternummer",
    "NAAM  VERDACHTE",
    "Geboorte-datum",
    "Verdachte 2",
    "INSZ",
]


@pytest.mark.parametrize("header", PERSONAL)
def test_personal_headers_are_recognised(header):
    assert is_personal_header(header)


def test_every_mapped_header_of_a_screened_kind_is_kept():
    """No built-in header variant of a citizen export is mistaken for personal data."""
    mappings = load_mappings(None)
    for kind in ("incidents", "accidents", "victims", "nuisance", "tasks", "controls"):
        for field, variants in mappings[kind].fields.items():
            for header in [*variants, field]:
                assert not is_personal_header(header), (kind, header)


def test_only_citizen_exports_are_screened():
    headers = ["PV-nummer", "Naam verdachte", "Datum feit", "Geboortedatum", "Straat"]
    assert personal_columns(headers, "incidents") == {1: "Naam verdachte", 3: "Geboortedatum"}
    # A point of interest's "Naam" is a place; an absence's "Naam" is the inspector's.
    assert personal_columns(["Type", "Naam", "X", "Y"], "poi") == {}
    assert personal_columns(["Naam", "Van", "Tot"], "absences") == {}


def test_a_mapping_never_loads_a_personal_column():
    found = {"pv_number": 0, "description": 1, "street": 4}
    assert without_personal(found, {1: "Melder"}) == {"pv_number": 0, "street": 4}


def test_note_names_the_dropped_columns():
    assert dropped_note({}) is None
    assert dropped_note({2: "Melder"}) == (
        "Persoonsgegevens niet geladen: kolom 'Melder' weggelaten."
    )
    assert "kolommen 'Naam verdachte', 'Rijksregisternummer'" in dropped_note(
        ["Naam verdachte", "Rijksregisternummer"]
    )


# --- the build: such columns never reach the warehouse ---------------------------------------

SENTINELS = ("Pieterszoon", "Marieke", "12.03.45-123.45", "01/02/1980", "Van Den Melder")


def _warehouse_text(warehouse) -> str:
    """Every text value of every table in the warehouse, as one string."""
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        columns = con.execute(
            "SELECT table_schema, table_name, column_name FROM information_schema.columns "
            "WHERE data_type = 'VARCHAR'"
        ).fetchall()
        parts = []
        for schema, table, column in columns:
            rows = con.execute(f'SELECT DISTINCT "{column}" FROM "{schema}"."{table}"').fetchall()
            parts.extend(str(r[0]) for r in rows if r[0] is not None)
        return "\n".join(parts)
    finally:
        con.close()


def test_build_drops_personal_columns_and_says_so(tmp_path):
    from etl_helpers import build, mini_raw, query
    from openpyxl import Workbook

    csv_text = (
        "PV-nummer;Datum feit;Categorie;Naam verdachte;Straat;Huisnr;Gemeente;X;Y;"
        "Geboortedatum;Rijksregisternummer;Melder\n"
        "PV-P1;03/02/2024 14:30;Woninginbraak;Pieterszoon;Kerkstraat;1;Herent;171000;177000;"
        "01/02/1980;12.03.45-123.45;Van Den Melder\n"
        "PV-P2;04/02/2024 10:00;Fietsdiefstal;Pieterszoon;Kerkstraat;2;Herent;171010;177010;"
        "01/02/1980;12.03.45-123.45;Van Den Melder\n"
    )
    wb = Workbook()
    sheet = wb.active
    sheet.append(["Ongevalnummer", "Datum/uur", "Straat", "Ernst", "Naam", "Voornaam", "X", "Y"])
    sheet.append(["ONG-P1", "05/02/2024 08:00", "Kerkstraat", "Lichtgewond",
                  "Pieterszoon", "Marieke", 171000, 177000])  # fmt: skip
    xlsx = tmp_path / "acc.xlsx"
    wb.save(xlsx)
    raw = mini_raw(
        tmp_path, {"incidents/feiten.csv": csv_text, "accidents/ongevallen.xlsx": xlsx.read_bytes()}
    )
    lines: list[str] = []
    warehouse = tmp_path / "wh.duckdb"
    build(raw, warehouse, lines)

    # The records are loaded...
    assert query(warehouse, "SELECT count(*) FROM marts.incidents")[0][0] == 2
    assert query(warehouse, "SELECT count(*) FROM marts.accidents")[0][0] == 1
    # ... without any value of the personal columns, anywhere in the warehouse.
    text = _warehouse_text(warehouse)
    for sentinel in SENTINELS:
        assert sentinel not in text, sentinel
    # The build log and marts.load_files say which columns were left out.
    log = "\n".join(lines)
    assert (
        "incidents/feiten.csv: Persoonsgegevens niet geladen: kolommen 'Naam verdachte', "
        "'Geboortedatum', 'Rijksregisternummer', 'Melder' weggelaten." in log
    )
    notes = dict(query(warehouse, "SELECT source_file, note FROM marts.load_files"))
    assert notes["accidents/ongevallen.xlsx"] == (
        "Persoonsgegevens niet geladen: kolommen 'Naam', 'Voornaam' weggelaten."
    )
    assert "'Melder'" in notes["incidents/feiten.csv"]


def test_upload_preview_is_size_limited_and_drops_personal_columns():
    from etl.upload import preview_upload

    big = preview_upload("incidents", "groot.csv", b"x" * 2_000, max_bytes=1_000)
    assert not big.ok and "te groot" in big.error
    data = (
        b"PV-nummer;Datum feit;Categorie;Naam slachtoffer\n"
        b"PV-U1;03/02/2024 14:30;Woninginbraak;Pieterszoon\n"
    )
    preview = preview_upload("incidents", "feiten.csv", data)
    assert "Pieterszoon" not in preview.accepted.to_string()
    # The preview says so before the file is added, as the build log will.
    assert preview.note == ("Persoonsgegevens niet geladen: kolom 'Naam slachtoffer' weggelaten.")
