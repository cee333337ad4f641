"""A workbook kept by hand with a sheet per month or per municipality: a sheet whose
header lacks a required column (the number column headed "Nr") was left out without a
word beside the sheets that are tables, its reports lost. It is refused as a workbook of
that sheet alone is, naming the sheet; a cover or totals sheet is no table and stays
left out."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from etl_helpers import build, mini_raw, query
from test_quirks import workbook

from etl.build import BuildError
from etl.upload import preview_upload

HEADER = ["Meldingsnummer", "Datum melding", "Type overlast", "Straat", "Huisnummer", "Gemeente"]


JANUARY = [HEADER, ["1", datetime(2025, 1, 3, 10), "Geluidsoverlast", "Kerkstraat", "5", "Herent"]]
COVER = [["Overlastregister Herent 2025"], ["Opgemaakt door de dienst Preventie"]]
TOTALS = [["Gemeente", "Aantal"], ["Herent", 4]]


def test_a_sheet_without_its_number_column_is_refused_naming_it(tmp_path):
    february = [
        ["Overlastregister februari"],
        ["Nr", "Datum melding", "Type overlast", "Straat", "Huisnummer", "Gemeente"],
        ["1", datetime(2025, 2, 3, 10), "Sluikstort", "Kerkstraat", "7", "Herent"],
    ]
    data = workbook({"Januari": JANUARY, "Februari": february})
    raw = mini_raw(tmp_path, {"nuisance/overlast_2025.xlsx": data})
    with pytest.raises(BuildError) as refused:
        build(raw, tmp_path / "wh.duckdb")
    assert str(refused.value).startswith(
        "Bestand nuisance/overlast_2025.xlsx (werkblad 'Februari'): verplichte kolom(men) "
        "ontbreken (Meldingsnummer). Gevonden kolommen: Nr, Datum melding, Type overlast, "
        "Straat, Huisnummer, Gemeente."
    )
    # The upload's preview says the same before the file is stored.
    preview = preview_upload("nuisance", "overlast_2025.xlsx", data)
    assert not preview.ok and "(werkblad 'Februari')" in preview.error


def test_a_sheet_with_its_header_over_two_rows_missing_a_column_is_refused_too(tmp_path):
    march = [
        ["Melding", None, "Adres", None, None, "Type overlast"],
        ["Nummer", "Datum", "Straat", "Huisnummer", "Gemeente", None],
        ["1", datetime(2025, 3, 3, 10), "Kerkstraat", "9", "Herent", "Burenruzie"],
    ]
    raw = mini_raw(
        tmp_path, {"nuisance/overlast_2025.xlsx": workbook({"Maart": march, "Januari": JANUARY})}
    )
    with pytest.raises(
        BuildError, match=r"\(werkblad 'Maart'\): verplichte kolom\(men\) ontbreken"
    ):
        build(raw, tmp_path / "wh.duckdb")


def test_cover_and_totals_sheets_are_no_tables_and_stay_left_out(tmp_path):
    data = workbook({"Toelichting": COVER, "Januari": JANUARY, "Totalen": TOTALS})
    raw = mini_raw(tmp_path, {"nuisance/overlast_2025.xlsx": data})
    wh = tmp_path / "wh.duckdb"
    build(raw, wh)
    assert query(wh, "SELECT report_id FROM marts.nuisance") == [("1",)]


def test_an_excel_error_cell_is_named_as_such_not_as_missing(tmp_path):
    """calamine reads an error cell ("#N/A" of a failed VLOOKUP) as empty: the PV was
    refused as "PV-nummer ontbreekt", where the same value in a CSV says what it is."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Feiten & co"
    sheet.append(["PV-nummer", "Datum feit", "Categorie", "X", "Y"])
    sheet.append(["#N/A", "03/02/2024 14:30", "Vandalisme", 171000, 177000])
    sheet.append(["PV2", "03/02/2024 14:30", "#REF!", 171000, 177000])
    out = io.BytesIO()
    book.save(out)
    raw = mini_raw(tmp_path, {"incidents/feiten.xlsx": out.getvalue()})
    wh = tmp_path / "wh.duckdb"
    build(raw, wh)
    assert query(wh, "SELECT source_row, field, value, reason FROM marts.rejects") == [
        (2, "PV-nummer", "#N/A", "PV-nummer bevat een Excel-foutwaarde (#N/A), geen nummer")
    ]
    # Another field's error value is its text, as in a CSV.
    assert query(wh, "SELECT pv_number, category FROM marts.incidents") == [("PV2", "#REF!")]


def test_a_month_sheet_with_a_count_column_is_refused_not_taken_for_a_summary(tmp_path):
    """A summary or pivot sheet is left out (its column "Aantal"), but a month's sheet that
    lacks its number column and has an "Aantal betrokkenen" column of its own was left
    out too, its reports lost with only a note (a review). It names the kind's date: a
    record list, refused as such."""
    header = [*HEADER, "Aantal betrokkenen"]
    january = [
        header,
        ["1", datetime(2025, 1, 3, 10), "Geluidsoverlast", "Kerkstraat", "5", "Herent", 2],
    ]
    february = [
        ["Nr", *header[1:]],
        ["1", datetime(2025, 2, 3, 10), "Sluikstort", "Kerkstraat", "7", "Herent", 1],
    ]
    raw = mini_raw(
        tmp_path,
        {"nuisance/overlast_2025.xlsx": workbook({"Januari": january, "Februari": february})},
    )
    with pytest.raises(
        BuildError, match=r"\(werkblad 'Februari'\): verplichte kolom\(men\) ontbreken"
    ):
        build(raw, tmp_path / "wh.duckdb")


def test_a_sheet_of_the_kind_read_as_a_table_without_its_number_is_refused(tmp_path):
    """A month's sheet whose PV column is "Nr. proces-verbaal" passes for a table, but not
    of its own kind's required columns: it was left out as "een incidentenexport (…) en
    geen incidentenexport", its records lost (a review). Refused, naming the sheet."""
    from etl_helpers import INCIDENT_HEADER
    from test_quirks import incident

    header = INCIDENT_HEADER.split(";")
    january = [header, incident("P1").split(";")]
    february = [["Nr. proces-verbaal", *header[1:]], incident("Q1").split(";")]
    raw = mini_raw(
        tmp_path, {"incidents/feiten.xlsx": workbook({"Januari": january, "Februari": february})}
    )
    with pytest.raises(
        BuildError,
        match=r"\(werkblad 'Februari'\): verplichte kolom\(men\) ontbreken \(PV-nummer\)",
    ):
        build(raw, tmp_path / "wh.duckdb")
