"""Four defects found with realistic variations of real exports (session 21).

1. Placeholder dates (01/01/1900, 31/12/9999, Excel's day 0, ...) were accepted as dates.
2. Record keys compared as written: ``le.55.l7.0000002/2025`` and
   ``LE.55.L7.0000002/2025`` counted twice.
3. A street field carrying the house number ("Kerkstraat 12"), the number field empty, was
   not geocoded.
4. Two editions of Statbel's sector list side by side kept the older list's codes silently.
"""

from __future__ import annotations

import io
import shutil
from datetime import datetime

import duckdb
import pytest
from etl_helpers import ZONE_SMALL, built, macro_connection, mini_raw, query, rejects
from test_quirks import ADDRESSES, incident, incidents_csv

from etl.build import build_warehouse
from etl.config import REPO_ROOT

REALWORLD = REPO_ROOT.parent / "shared" / "data" / "realworld"
PLACEHOLDER = "lijkt een plaatshouder"


# --- 1. Placeholder dates ---------------------------------------------------------------


def macro_con() -> duckdb.DuckDBPyConnection:
    return macro_connection()


@pytest.mark.parametrize(
    ("text", "placeholder"),
    [
        ("01/01/1900", True),
        ("01/01/1900 00:00", True),
        ("1/1/1900 14:30", True),  # Excel's day 1 with a time: still no date
        ("1900-01-01", True),  # ISO, as the workbook reader renders Excel's day 1
        ("1900-01-01T00:00:00Z", True),
        ("30/12/1899", True),
        ("1899-12-31 00:00:00", True),
        ("0001-01-01", True),
        ("01/01/0001 00:00", True),
        ("0001-01-01T00:00:00Z", True),
        ("01/01/1753", True),
        ("31/12/9999", True),
        ("9999-12-31 23:59:59", True),
        ("9999-12-31T23:59:59Z", True),
        ("0", True),  # Excel serials: day 0, 1 and 2 (1900-01-01 counted from 1899-12-30)
        ("1", True),
        ("2", True),
        ("0,5", True),
        ("2958465", True),  # 31/12/9999
        ("00/00/0000", True),
        ("0000-00-00 00:00:00", True),
        ("00:00:00", True),  # an Excel date cell holding 0, as the workbook reader gives it
        (" 01/01/1900 ", True),
        # Real dates, also old ones: a PV about historic facts.
        ("02/01/1900", False),
        ("14/05/1985 10:00", False),
        ("1985-05-14", False),
        ("45325", False),
        ("03/02/2024 14:30", False),
        # No date at all, but no placeholder either: the usual reason stays.
        ("31/02/2024", False),
        ("1/1/1899", False),
        ("03/02/24", False),
        ("14:30", False),
        ("3", False),
        ("gisteren", False),
    ],
)
def test_placeholder_date_rule(text, placeholder):
    con = macro_con()
    got = con.execute("SELECT wb_placeholder_date(wb_ts(?), wb_text(?))", [text, text]).fetchone()[
        0
    ]
    assert got is placeholder


def test_placeholder_dates_of_incidents_are_refused_old_dates_kept(tmp_path):
    rows = [
        incident("P1", "01/01/1900"),  # row 2
        incident("P2", "01/01/1900 00:00"),
        incident("P3", "1900-01-01T00:00:00"),
        incident("P4", "30/12/1899"),
        incident("P5", "0001-01-01"),  # row 6
        incident("P6", "31/12/9999 23:59"),
        incident("P7", "0"),
        incident("P8", "00/00/0000"),
        # The end: in its own column, or the end of a period in the date field.
        incident("E1", "03/02/2024 14:30", to="31/12/9999"),  # row 10
        incident("E2", "03/02/2024 22:00 - 01/01/1900 06:00"),
        incident("R1", "03/02/2024 14:30", reg="01/01/1900"),  # row 12
        # Old facts are real.
        incident("H1", "14/05/1985 10:00", reg="20/05/1985"),
        incident("H2", "02/01/1900 08:00"),
        incident("OK", "03/02/2024 14:30"),
    ]
    wh = built(tmp_path, {"incidents/a.csv": incidents_csv(rows)})
    got = [(r[1], r[2], r[3]) for r in rejects(wh, "incidents")]
    assert got == [
        (2, "Datum feit", "01/01/1900"),
        (3, "Datum feit", "01/01/1900 00:00"),
        (4, "Datum feit", "1900-01-01T00:00:00"),
        (5, "Datum feit", "30/12/1899"),
        (6, "Datum feit", "0001-01-01"),
        (7, "Datum feit", "31/12/9999 23:59"),
        (8, "Datum feit", "0"),
        (9, "Datum feit", "00/00/0000"),
        (10, "Einddatum feit", "31/12/9999"),
        (11, "Datum feit", "03/02/2024 22:00 - 01/01/1900 06:00"),
    ]
    reasons = [r[4] for r in rejects(wh, "incidents")]
    assert all(PLACEHOLDER in r for r in reasons)
    assert reasons[0].startswith("Datum feit lijkt een plaatshouder")
    assert reasons[8].startswith("Einddatum feit lijkt een plaatshouder")
    # Not "in de toekomst": 31/12/9999 is no date someone expects.
    assert not any("toekomst" in r for r in reasons)
    kept = {
        r[0]: r[1:]
        for r in query(
            wh,
            "SELECT pv_number, occurred_from::VARCHAR, registered_at::VARCHAR, "
            "dates_inconsistent FROM marts.incidents",
        )
    }
    # A placeholder registration date (optional) reads as empty: the PV counts, unflagged.
    assert kept == {
        "R1": ("2024-02-03 14:30:00", None, False),
        "H1": ("1985-05-14 10:00:00", "1985-05-20 00:00:00", False),
        "H2": ("1900-01-02 08:00:00", None, False),
        "OK": ("2024-02-03 14:30:00", None, False),
    }


def test_placeholder_dates_of_the_other_kinds_are_refused(tmp_path):
    """A placeholder in a required date refuses the row; in an optional one (a task's
    deadline or closing date, a control's end) it is how the source says "none" and reads
    as empty: refusing it lost a real task ("Termijn 31/12/9999" = no deadline)."""
    accidents = (
        "Ongevalnummer;Datum/uur;X;Y\r\n"
        "A1;01/01/1900 00:00;171000;177000\r\n"
        "A2;14/05/1985 10:00;171000;177000\r\n"
    )
    nuisance = (
        "Meldingsnummer,Datum melding,Type overlast,Lambert X,Lambert Y\n"
        "N1,00/00/0000,Sluikstort,171000,177000\n"
        "N2,03/02/2024 10:00,Sluikstort,171000,177000\n"
    )
    tasks = (
        "Taaknummer;Type taak;Ontvangen;Termijn;Afgesloten;Wijk\r\n"
        "T1;Kantschrift;30/12/1899;;;W01\r\n"
        "T2;Kantschrift;01/02/2024;31/12/9999;;W01\r\n"
        "T3;Kantschrift;01/02/2024;01/03/2024;01/01/1900;W01\r\n"
        "T4;Kantschrift;01/02/2024;01/03/2024;;W01\r\n"
    )
    controls = (
        "Controlenummer;Type controle;Begin;Einde;X;Y\r\n"
        "C1;Snelheid;1900-01-01 00:00:00;;171000;177000\r\n"
        "C2;Snelheid;03/02/2024 10:00;9999-12-31;171000;177000\r\n"
        "C3;Snelheid;03/02/2024 10:00;03/02/2024 12:00;171000;177000\r\n"
    )
    absences = (
        "Wijkinspecteur;Van;Tot;Reden\r\n"
        "INP Zoë Peeters;01/01/1900;;Verlof\r\n"
        "INP Zoë Peeters;10/03/2025;31/12/9999;Ziekte\r\n"
        "INP Zoë Peeters;10/03/2025;;Opleiding\r\n"
    )
    wh = built(
        tmp_path,
        {
            "accidents/a.csv": accidents,
            "nuisance/n.csv": nuisance,
            "tasks/t.csv": tasks,
            "controls/c.csv": controls,
            "absences/a.csv": absences,
        },
    )
    got = query(
        wh,
        "SELECT kind, source_row, field, value FROM marts.rejects "
        "WHERE reason LIKE '%plaatshouder%' ORDER BY kind, source_row",
    )
    assert got == [
        ("absences", 2, "Van", "01/01/1900"),
        ("accidents", 2, "Datum/uur", "01/01/1900 00:00"),
        ("controls", 2, "Begin", "1900-01-01 00:00:00"),
        ("nuisance", 2, "Datum melding", "00/00/0000"),
        ("tasks", 2, "Ontvangen", "30/12/1899"),
    ]
    assert query(wh, "SELECT count(*) FROM marts.rejects")[0][0] == len(got)
    assert query(wh, "SELECT accident_id FROM marts.accidents") == [("A2",)]
    # An absence "until 31/12/9999" is open-ended (test_quirks_session22), not refused.
    assert query(wh, "SELECT reason, open_ended FROM marts.absences ORDER BY 1") == [
        ("Opleiding", False),
        ("Ziekte", True),
    ]
    tasks = query(
        wh,
        "SELECT task_id, due_at, closed_at, is_open, dates_inconsistent FROM marts.tasks "
        "ORDER BY 1",
    )
    assert [(t[0], t[2], t[4]) for t in tasks] == [
        ("T2", None, False),
        ("T3", None, False),
        ("T4", None, False),
    ]
    # Termijn 31/12/9999 is the export's "no deadline" (DATA_CONTRACT): no deadline at
    # all, neither the year 9999 nor, since the fifty-fourth session, the task type's
    # default term (which made such a task overdue a month later; an empty Termijn or a
    # zero date still gets the default: test_status_words).
    assert tasks[0][1] is None and tasks[1][1] == datetime(2024, 3, 1)
    assert all(t[3] for t in tasks)  # none closed
    assert query(wh, "SELECT control_id, ended_at FROM marts.controls ORDER BY 1") == [
        ("C2", None),
        ("C3", datetime(2024, 2, 3, 12, 0)),
    ]


def test_excel_date_cells_holding_0_or_1_are_placeholders(tmp_path):
    """A workbook's date cell holding 0 or 1 (Excel shows 00/01/1900 and 01/01/1900) is
    read as "00:00" and "01/01/1900" (in a column of date-and-time cells, as a CSV export
    writes it, "01/01/1900 00:00"): both refused as placeholders."""
    from datetime import datetime

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["PV-nummer", "Datum feit", "Categorie", "X", "Y"])
    for pv, value in [("X0", 0), ("X1", 1), ("X2", datetime(2024, 2, 3, 14, 30))]:
        ws.append([pv, value, "Vandalisme", 171000.5, 177000])
        ws.cell(row=ws.max_row, column=2).number_format = "dd/mm/yyyy hh:mm"
    buf = io.BytesIO()
    wb.save(buf)
    wh = built(tmp_path, {"incidents/feiten.xlsx": buf.getvalue()})
    got = [(r[1], r[2], r[3]) for r in rejects(wh, "incidents")]
    assert got == [(2, "Datum feit", "00:00"), (3, "Datum feit", "01/01/1900 00:00")]
    assert all(PLACEHOLDER in r[4] for r in rejects(wh, "incidents"))
    assert query(wh, "SELECT pv_number FROM marts.incidents") == [("X2",)]


# --- 2. Record keys without case or stray spaces ------------------------------------------


def two_exports(tmp_path, older: list[str], newer: list[str]):
    """A warehouse of two incidents exports of 2025, the newer second in name order."""
    files = {
        "incidents/a_2025.csv": incidents_csv(older),
        "incidents/b_2025.csv": incidents_csv(newer),
    }
    return built(tmp_path, files)


def test_pv_numbers_compare_without_case_or_spaces_across_exports(tmp_path):
    older = [
        incident("le.55.l7.0000002/2025", "03/02/2025 10:00", cat="Vandalisme"),
        incident("LE.55.L7.0000003/2025", "03/02/2025 11:00", cat="Vandalisme"),
        incident("LE.55.L7.0000004/2025", "03/02/2025 12:00", cat="Vandalisme"),
        incident("LE.55.L7.0000005/2025", "03/02/2025 13:00", cat="Vandalisme"),
        incident("LE.55.L7.0000006/2025", "03/02/2025 14:00", cat="Vandalisme"),
    ]
    newer = [
        incident("LE.55.L7.0000002/2025", "04/02/2025 10:00", cat="Fietsdiefstal"),
        # Stray spaces, inside too (a typed register), and a no-break space.
        incident(" LE.55.L7. 0000003/2025", "04/02/2025 11:00", cat="Fietsdiefstal"),
        incident("LE.55.L7.0000004\u00a0/2025", "04/02/2025 12:00", cat="Fietsdiefstal"),
        # Invisible characters copied along from a web page or a chat: a zero-width space,
        # a word joiner and a soft hyphen.
        incident("LE.55.L7.0000005/2025\u200b", "04/02/2025 13:00", cat="Fietsdiefstal"),
        incident("LE.55.L7.\u2060000\u00ad0006/2025", "04/02/2025 14:00", cat="Fietsdiefstal"),
    ]
    wh = two_exports(tmp_path, older, newer)
    got = query(wh, "SELECT pv_number, category, source_file FROM marts.incidents ORDER BY 1")
    assert got == [
        ("LE.55.L7.0000002/2025", "Fietsdiefstal", "incidents/b_2025.csv"),
        ("LE.55.L7.0000003/2025", "Fietsdiefstal", "incidents/b_2025.csv"),
        ("LE.55.L7.0000004/2025", "Fietsdiefstal", "incidents/b_2025.csv"),
        ("LE.55.L7.0000005/2025", "Fietsdiefstal", "incidents/b_2025.csv"),
        ("LE.55.L7.0000006/2025", "Fietsdiefstal", "incidents/b_2025.csv"),
    ]
    assert rejects(wh, "incidents") == []


def test_a_key_repeated_in_another_case_within_a_file_counts_once(tmp_path):
    rows = [
        incident("le.55.l7.0000002/2025", "03/02/2025 10:00", cat="Vandalisme"),
        incident("LE.55.L7.0000002/2025", "03/02/2025 10:00", cat="Fietsdiefstal"),
    ]
    wh = built(tmp_path, {"incidents/a.csv": incidents_csv(rows)})
    assert query(wh, "SELECT pv_number, category FROM marts.incidents") == [
        ("LE.55.L7.0000002/2025", "Fietsdiefstal")
    ]
    assert [(r[1], r[2], r[3]) for r in rejects(wh, "incidents")] == [
        (2, "PV-nummer", "LE.55.L7.0000002/2025")
    ]


def test_other_record_keys_compare_without_case(tmp_path):
    accidents_a = (
        "Ongevalnummer;Datum/uur;X;Y\r\nle.55.l7.100001/2024;05/02/2024 08:10;171000;177000\r\n"
    )
    accidents_b = (
        "Ongevalnummer;Datum/uur;X;Y\r\nLE.55.L7.100001/2024;06/02/2024 08:10;171000;177000\r\n"
    )
    victims = (
        "Ongevalnummer;Volgnummer;Letsel\r\n"
        "Le.55.L7.100001/2024;1;Zwaargewond\r\n"
        "LE.55.L7.100001/2024 ;1;Lichtgewond\r\n"  # the same victim again: the last counts
    )
    nuisance_a = (
        "Meldingsnummer,Datum melding,Type overlast\nov-2024-0001,02/02/2024 10:00,Sluikstort\n"
    )
    nuisance_b = (
        "Meldingsnummer,Datum melding,Type overlast\nOV-2024-0001,03/02/2024 10:00,Sluikstort\n"
    )
    tasks_a = "Taaknummer;Type taak;Ontvangen\r\nt-0001;Kantschrift;01/01/2024\r\n"
    tasks_b = "Taaknummer;Type taak;Ontvangen\r\nT-0001;Kantschrift;02/01/2024\r\n"
    controls_a = "Controlenummer;Begin\r\nc-1;03/02/2024 10:00\r\n"
    controls_b = "Controlenummer;Begin\r\nC-1;04/02/2024 10:00\r\n"
    wh = built(
        tmp_path,
        {
            "accidents/a.csv": accidents_a,
            "accidents/b.csv": accidents_b,
            "victims/v.csv": victims,
            "nuisance/a.csv": nuisance_a,
            "nuisance/b.csv": nuisance_b,
            "tasks/a.csv": tasks_a,
            "tasks/b.csv": tasks_b,
            "controls/a.csv": controls_a,
            "controls/b.csv": controls_b,
        },
    )
    assert query(wh, "SELECT accident_id, victims FROM marts.accidents") == [
        ("LE.55.L7.100001/2024", 1)
    ]
    assert query(wh, "SELECT accident_id, severity, location_note FROM marts.victims") == [
        ("LE.55.L7.100001/2024", "Lichtgewond", None)
    ]
    assert query(wh, "SELECT report_id FROM marts.nuisance") == [("OV-2024-0001",)]
    assert query(wh, "SELECT task_id FROM marts.tasks") == [("T-0001",)]
    assert query(wh, "SELECT control_id FROM marts.controls") == [("C-1",)]


# --- 3. A house number in the street field ------------------------------------------------


GEO_ADDRESSES = ADDRESSES + (
    "Tervuursesteenweg;150;3020;Herent;173150;177150\r\n"
    "Steenweg op Leuven;7;3020;Herent;171070;177070\r\n"
    # A street whose name ends in a number, and a street named like its first part.
    "Zone;1;3020;Herent;173001;177001\r\n"
    "Zone 1;3;3020;Herent;173013;177013\r\n"
)


def test_street_field_with_the_house_number_is_geocoded(tmp_path):
    none = ("", "")
    rows = [
        incident("S1", street="Kerkstraat 12", nr="", xy=none),
        incident("S2", street="Kerkstraat 12A", nr="", xy=none),
        incident("S3", street="Kerkstraat 12 bus 3", nr="", xy=none),
        incident("S4", street="Tervuursesteenweg 150-152", nr="", xy=none),
        incident("S5", street="kerkstr. 12", nr="", xy=none),
        incident("S6", street="Steenweg op Leuven 7", nr="", xy=none),
        incident("S7", street="Kerkstraat, nr. 12", nr="", xy=none),
        # A whole address typed into the field.
        incident("S8", street="Kerkstraat 12, 3020 Herent", nr="", xy=none),
        incident("S9", street="Kerkstraat 12, bus 3", nr="", xy=none),
        # Only when the number field is empty: here the field's number is the number.
        incident("N1", street="Kerkstraat 12", nr="5", xy=none),
        # No number anywhere: nothing to split.
        incident("N2", street="Steenweg op Leuven", nr="", xy=none),
        incident("N3", street="Sint-Jansbergsesteenweg", nr="", xy=none),
        # The address list knows "Zone 1" as a street: never read as Zone, number 1.
        incident("N4", street="Zone 1", nr="", xy=none),
        # As before: a street and a number as written.
        incident("G1", street="Kerkstraat", nr="12A", xy=none),
    ]
    wh = built(
        tmp_path, {"incidents/a.csv": incidents_csv(rows), "addresses/adressen.csv": GEO_ADDRESSES}
    )
    got = {
        r[0]: r[1:]
        for r in query(
            wh,
            "SELECT pv_number, geocode_method, x, wijk_code, street, house_number "
            "FROM marts.incidents",
        )
    }
    genormaliseerd = "adres genormaliseerd"
    assert got["S1"] == (genormaliseerd, 171010.0, "W01", "Kerkstraat 12", None)
    assert got["S2"][:3] == (genormaliseerd, 171012.0, "W01")  # the list's 12A
    assert got["S3"][:2] == (genormaliseerd, 171010.0)
    assert got["S4"][:3] == (genormaliseerd, 173150.0, "W02")
    assert got["S5"][:2] == (genormaliseerd, 171010.0)
    assert got["S6"][:2] == (genormaliseerd, 171070.0)
    assert got["S7"][:2] == (genormaliseerd, 171010.0)
    assert got["S8"][:2] == (genormaliseerd, 171010.0)
    assert got["S9"][:2] == (genormaliseerd, 171010.0)
    for pv in ("N1", "N2", "N3", "N4"):
        assert got[pv][:2] == (None, None), pv
    assert got["G1"][:2] == ("adres exact", 171012.0)
    unmatched = query(wh, "SELECT record_key FROM marts.geocode_unmatched ORDER BY 1")
    assert unmatched == [("N1",), ("N2",), ("N3",), ("N4",)]


def test_a_place_typed_after_the_street_places_a_record_without_its_own(tmp_path):
    """A register kept by hand types the whole address into the street field and leaves
    the postcode and municipality empty: "Dorpsstraat 1, Leuven" was matched to Herent's
    Dorpsstraat 1 (the place after the comma was dropped; an audit). The place written
    there now places the record as its own columns would: a place outside the zone takes
    no zone address, and a place or postcode of the zone picks its own."""
    none = ("", "")
    rows = [
        incident("L1", street="Kerkstraat 12, Leuven", nr="", pc="", muni="", xy=none),
        incident("L2", street="Kerkstraat 12, 3000 Leuven", nr="", pc="", muni="", xy=none),
        incident("L3", street="Kerkstraat 12, 3020 Herent", nr="", pc="", muni="", xy=none),
        incident("L4", street="Dorpsstraat 1, Kortenberg", nr="", pc="", muni="", xy=none),
        incident("L5", street="Dorpsstraat 1, B-3020", nr="", pc="", muni="", xy=none),
        # Without a place anywhere: Dorpsstraat 1 is in both municipalities.
        incident("L7", street="Dorpsstraat 1", nr="", pc="", muni="", xy=none),
        # The record's own columns still come first.
        incident(
            "L8", street="Dorpsstraat 1, Kortenberg", nr="", pc="3020", muni="Herent", xy=none
        ),
        # A box after the comma is part of the number, no place.
        incident("L9", street="Kerkstraat 12, bus 3", nr="", pc="", muni="", xy=none),
        # A note after the comma is no place (it blocked every candidate; a review), nor
        # is a country; a zone place written in part is that place.
        incident("T1", street="Kerkstraat 12, achteringang", nr="", pc="", muni="", xy=none),
        incident("T2", street="Kerkstraat 12, België", nr="", pc="", muni="", xy=none),
        incident("T3", street="Kerkstraat 12, bus A", nr="", pc="", muni="", xy=none),
        incident("T4", street="Kerkstraat 12, te Herent", nr="", pc="", muni="", xy=none),
        # Unknown to the list: the street, the number, or any number at all.
        incident("U1", street="Vlindergaarde 4, Herent", nr="", pc="", muni="", xy=none),
        incident("U2", street="Kerkstraat", nr="99", xy=none),
        incident("U3", street="Kerkstraat", nr="", xy=none),
    ]
    wh = built(
        tmp_path, {"incidents/a.csv": incidents_csv(rows), "addresses/adressen.csv": GEO_ADDRESSES}
    )
    got = dict(
        query(wh, "SELECT pv_number, x FROM marts.incidents WHERE pv_number SIMILAR TO '[LT].*'")
    )
    assert got == {
        "L1": None,
        "L2": None,
        "L3": 171010.0,
        "L4": 173030.0,
        "L5": 171030.0,
        "L7": None,
        "L8": 171030.0,
        "L9": 171010.0,
        "T1": 171010.0,
        "T2": 171010.0,
        "T3": 171010.0,
        "T4": 171010.0,
    }
    # Each unmatched record says why, so the analyst knows what to correct: the list's
    # addresses, or the record's place.
    unmatched = dict(query(wh, "SELECT record_key, reason FROM marts.geocode_unmatched"))
    elsewhere = "adres enkel in een andere gemeente of postcode"
    assert unmatched == {
        "L1": elsewhere,
        "L2": elsewhere,
        "L7": "meer dan één adres in de lijst: gemeente of postcode ontbreekt, of de punten "
        "liggen ver uit elkaar",
        "U1": "straat niet in de adressenlijst",
        "U2": "huisnummer niet in de adressenlijst",
        "U3": "geen huisnummer",
    }


HERKO_PLACES = (
    '\n[[municipalities]]\nnis_code = "24055"\nname = "Kortenberg"\npopulation = 20000\n'
    '\n[[deelgemeenten]]\ncode = "24038B"\nname = "Winksele"\nnis_code = "24038"\n'
    '\n[[deelgemeenten]]\ncode = "24038C"\nname = "Veltem-Beisem"\nnis_code = "24038"\n'
    '\n[[deelgemeenten]]\ncode = "24055B"\nname = "Erps-Kwerps"\nnis_code = "24055"\n'
)


#: An address list without a municipality column (an extract of the zone alone).
NO_MUNIS = "Straatnaam;Huisnummer;Postcode;X;Y\r\nKerkstraat;12;3020;171010;177010\r\n"


def zone_without_deelgemeenten(tmp_path):
    """The test zone's zone.toml without its [[deelgemeenten]] (optional), written to
    ``tmp_path``; its path."""
    text = ZONE_SMALL.read_text(encoding="utf-8")
    block = text.index("[[deelgemeenten]]")
    text = text[:block] + text[text.index("[[wijken]]") :]
    text = text.replace('deelgemeente = "24038A"\n', "")
    zone = tmp_path / "zone.toml"
    zone.write_text(text, encoding="utf-8")
    return zone


def built_herko(tmp_path, files):
    """Built with the test zone and HerKo's places: Herent (Winksele, Veltem-Beisem) and
    Kortenberg (Erps-Kwerps)."""
    zone = tmp_path / "zone.toml"
    zone.write_text(ZONE_SMALL.read_text(encoding="utf-8") + HERKO_PLACES, encoding="utf-8")
    wh = tmp_path / "wh.duckdb"
    build_warehouse(mini_raw(tmp_path, files), wh, zone, echo=lambda line: None)
    return wh


def test_a_zone_place_written_otherwise_in_its_own_column_places_the_record(tmp_path):
    """The record's own municipality column is read as the street field's tail is: a zone
    place written otherwise or in part ("Veltem", "Erps Kwerps", "Herent-Winksele") is that
    place. "Veltem" in the column left the record unplaced (the list's Kerkstraat 12 lies in
    Herent, and "veltem" named no zone place), where the same word after a comma placed it."""
    none = ("", "")
    rows = [
        incident("V1", street="Kerkstraat", nr="12", pc="", muni="Veltem", xy=none),
        incident("V2", street="Kerkstraat", nr="12", pc="", muni="Herent-Winksele", xy=none),
        incident("V3", street="Kerkstraat", nr="12", pc="", muni="3020 Veltem-Beisem", xy=none),
        incident("V4", street="Dorpsstraat", nr="1", pc="", muni="Erps Kwerps", xy=none),
        incident("V5", street="Dorpsstraat", nr="1", pc="", muni="Kwerps", xy=none),
        # Kortenberg's Dorpsstraat 1 is not Herent's: a zone place still filters.
        incident("V6", street="Dorpsstraat", nr="1", pc="", muni="Veltem", xy=none),
        # Another place: none of the zone's addresses.
        incident("V7", street="Kerkstraat", nr="12", pc="", muni="Leuven", xy=none),
        # A column holding only a sign names no place ("." named every place).
        incident("V8", street="Kerkstraat", nr="12", pc="", muni=".", xy=none),
    ]
    wh = built_herko(
        tmp_path, {"incidents/a.csv": incidents_csv(rows), "addresses/adressen.csv": GEO_ADDRESSES}
    )
    got = dict(query(wh, "SELECT pv_number, x FROM marts.incidents"))
    assert got == {
        "V1": 171010.0,
        "V2": 171010.0,
        "V3": 171010.0,
        "V4": 173030.0,
        "V5": 173030.0,
        "V6": 171030.0,
        "V7": None,
        "V8": 171010.0,
    }
    unmatched = dict(query(wh, "SELECT record_key, reason FROM marts.geocode_unmatched"))
    assert unmatched == {"V7": "adres enkel in een andere gemeente of postcode"}


def test_an_address_list_without_municipalities_holds_the_zone_only(tmp_path):
    """An address list without a municipality column (an extract of the zone alone): a
    record naming a place outside the zone, in its own column or after a comma, takes none
    of its addresses ("Kerkstraat 12, Leuven" took the zone's Kerkstraat 12); a zone place,
    also written otherwise ("Veltem"), and a record naming no place still take them."""
    none = ("", "")
    rows = [
        incident("M1", street="Kerkstraat", nr="12", pc="", muni="Leuven", xy=none),
        incident("M2", street="Kerkstraat 12, Leuven", nr="", pc="", muni="", xy=none),
        incident("M3", street="Kerkstraat 12, 3000 Leuven", nr="", pc="", muni="", xy=none),
        incident("Z1", street="Kerkstraat", nr="12", pc="", muni="Veltem", xy=none),
        incident("Z2", street="Kerkstraat", nr="12", pc="", muni="", xy=none),
        incident("Z3", street="Kerkstraat 12, Herent", nr="", pc="", muni="", xy=none),
        incident("Z4", street="Kerkstraat 12, achteringang", nr="", pc="", muni="", xy=none),
        incident("Z5", street="Kerkstraat", nr="12", pc="3020", muni="Kortenberg", xy=none),
    ]
    wh = built_herko(
        tmp_path, {"incidents/a.csv": incidents_csv(rows), "addresses/adressen.csv": NO_MUNIS}
    )
    got = dict(query(wh, "SELECT pv_number, x FROM marts.incidents"))
    assert got == {
        "M1": None,
        "M2": None,
        "M3": None,
        "Z1": 171010.0,
        "Z2": 171010.0,
        "Z3": 171010.0,
        "Z4": 171010.0,
        # A zone municipality the list cannot tell from the other: its postcode decides.
        "Z5": 171010.0,
    }
    elsewhere = "adres enkel in een andere gemeente of postcode"
    unmatched = dict(query(wh, "SELECT record_key, reason FROM marts.geocode_unmatched"))
    assert unmatched == {"M1": elsewhere, "M2": elsewhere, "M3": elsewhere}


def test_without_deelgemeenten_a_name_the_zone_does_not_know_still_takes_its_address(tmp_path):
    """A zone that lists no deelgemeenten (zone.toml allows it) does not know "Winksele":
    refusing such a name against an address list without municipalities left the zone's
    own records unplaced (a review: 2,893 tasks located before, 990 after). Without the
    deelgemeenten a list without municipalities does not filter, as before."""
    zone = zone_without_deelgemeenten(tmp_path)
    none = ("", "")
    rows = [
        incident("D1", street="Kerkstraat", nr="12", pc="", muni="Winksele", xy=none),
        incident("D2", street="Kerkstraat 12, Winksele", nr="", pc="", muni="", xy=none),
        incident("D3", street="Kerkstraat", nr="12", pc="", muni="Herent", xy=none),
    ]
    files = {"incidents/a.csv": incidents_csv(rows), "addresses/adressen.csv": NO_MUNIS}
    for case in ("none", "nameless"):
        root = tmp_path / case
        root.mkdir()
        raw = mini_raw(root, files)
        layer = raw / "districts" / "deelgemeenten.geojson"
        if case == "none":
            # Nor a boundary layer of deelgemeenten.
            layer.unlink()
        else:
            # A layer without NIS codes knows no place of the zone: no filter either (it
            # switched the filter on; a review).
            layer.write_text(layer.read_text(encoding="utf-8").replace('"nis_code"', '"x_nis"'))
        wh = root / "wh.duckdb"
        build_warehouse(raw, wh, zone, echo=lambda line: None)
        got = dict(query(wh, "SELECT pv_number, x FROM marts.incidents"))
        assert got == {"D1": 171010.0, "D2": 171010.0, "D3": 171010.0}, case
        assert query(wh, "SELECT record_key FROM marts.geocode_unmatched") == [], case


def test_the_boundary_layers_deelgemeenten_are_known_places(tmp_path):
    """Without [[deelgemeenten]] in zone.toml, the boundary layer's deelgemeenten are the
    zone's places: "Winksele" takes the zone's address of a list without municipalities,
    and "Leuven" does not (a review: without zone.toml's list, Leuven took it again)."""
    zone = zone_without_deelgemeenten(tmp_path)
    layer = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"deelgemeente_code": code, "deelgemeente_naam": name,
                               "nis_code": "24038"},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
            for code, name, ring in (
                ("24038A", "Herent", [[170000, 176000], [172000, 176000], [172000, 178000],
                                      [170000, 178000], [170000, 176000]]),
                ("24038B", "Winksele", [[172000, 176000], [174000, 176000], [174000, 178000],
                                        [172000, 178000], [172000, 176000]]),
            )
        ],
    }  # fmt: skip
    none = ("", "")
    rows = [
        incident("B1", street="Kerkstraat", nr="12", pc="", muni="Winksele", xy=none),
        incident("B2", street="Kerkstraat 12, Winksele", nr="", pc="", muni="", xy=none),
        incident("B3", street="Kerkstraat", nr="12", pc="", muni="Leuven", xy=none),
        incident("B4", street="Kerkstraat 12, 3000 Leuven", nr="", pc="", muni="", xy=none),
    ]
    import json

    files = {
        "incidents/a.csv": incidents_csv(rows),
        "addresses/adressen.csv": NO_MUNIS,
        "districts/deelgemeenten.geojson": json.dumps(
            {**layer, "crs": {"type": "name", "properties": {"name": "EPSG:31370"}}}
        ),
    }
    wh = tmp_path / "wh.duckdb"
    build_warehouse(mini_raw(tmp_path, files), wh, zone, echo=lambda line: None)
    got = dict(query(wh, "SELECT pv_number, x FROM marts.incidents"))
    assert got == {"B1": 171010.0, "B2": 171010.0, "B3": None, "B4": None}
    elsewhere = "adres enkel in een andere gemeente of postcode"
    unmatched = dict(query(wh, "SELECT record_key, reason FROM marts.geocode_unmatched"))
    assert unmatched == {"B3": elsewhere, "B4": elsewhere}


def test_a_postcode_or_country_in_the_municipality_column_is_no_place(tmp_path):
    """ "3020", "B-3020" or "België" in the record's Gemeente column is no place: read as
    one, it refused every address of a list without municipalities (a review)."""
    none = ("", "")
    rows = [
        incident(f"P{i}", street="Kerkstraat", nr="12", pc="", muni=muni, xy=none)
        for i, muni in enumerate(("3020", "B-3020", "België", "Belgie", ".", "-"))
    ]
    wh = built_herko(
        tmp_path, {"incidents/a.csv": incidents_csv(rows), "addresses/adressen.csv": NO_MUNIS}
    )
    got = dict(query(wh, "SELECT pv_number, x FROM marts.incidents"))
    assert got == {f"P{i}": 171010.0 for i in range(6)}


def test_a_zone_place_written_otherwise_counts_for_its_municipality(tmp_path):
    """A record without coordinates or a known address still counts for the municipality
    its Gemeente names: "HERENT - 3020", "Veltem" or "Herent, België" counted for none,
    where the geocoding read them as Herent (a review)."""
    none = ("", "")
    rows = [
        incident(f"C{i}", street="Nergensstraat", nr="1", pc="", muni=muni, xy=none)
        for i, muni in enumerate(("HERENT - 3020", "Veltem", "Herent, België", "Herent",
                                  "Erps Kwerps", "Leuven", "Oud-Heverlee"))
    ]  # fmt: skip
    wh = built_herko(
        tmp_path, {"incidents/a.csv": incidents_csv(rows), "addresses/adressen.csv": GEO_ADDRESSES}
    )
    got = dict(query(wh, "SELECT pv_number, CAST(nis_code AS VARCHAR) FROM marts.incidents"))
    assert got == {
        "C0": "24038", "C1": "24038", "C2": "24038", "C3": "24038", "C4": "24055",
        "C5": None, "C6": None,
    }  # fmt: skip
    labels = dict(query(wh, "SELECT label, nis_code FROM marts.place_labels"))
    assert labels["HERENT - 3020"] == labels["Veltem"] == "24038" and labels["Leuven"] is None


def test_zone_place_rule():
    con = macro_con()
    known = ["erps-kwerps", "herent", "kortenberg", "veltem-beisem", "winksele"]

    def own(name):
        return con.execute("SELECT wb_own_place_key(?, ?)", [name, known]).fetchone()[0]

    assert own("Veltem") == own("Beisem") == own("VELTEM-BEISEM") == "veltem-beisem"
    assert own("Herent-Winksele") == own("3020 Herent") == own("te Herent") == "herent"
    assert own("Erps Kwerps") == own("Kwerps") == "erps-kwerps"
    # Another place, the same however written (records and lists compare on it).
    assert own("Leuven") == own("Leuven 3000") == own("3000 LEUVEN") == "leuven"
    assert own("Kessel-Lo") == own("Kessel Lo") == "kessel lo"
    # More words than a zone place only when each is a zone place's or a filler: Oud-Heverlee
    # is a municipality of its own beside Leuven's Heverlee (a review).
    assert own("Oud-Winksele") == "oud winksele" and own("Kortenberg centrum") == "kortenberg"
    # A zone place with a postcode, a number, a note or the country beside it is that place
    # (it named another place, and took no zone address; a review).
    for herent in ("Herent 3020", "HERENT - 3020", "3020-Herent", "Herent, België",
                   "HERENT 3020 BELGIE", "Herent B", "Herent bus 3", "te Herent"):  # fmt: skip
        assert own(herent) == "herent", herent
    assert own("Kortenberg 1") == own("3070, Kortenberg") == "kortenberg"
    assert own("Winksele 3020") == "winksele"
    for nothing in ("3020", "B-3020", "B3020", "België", "."):
        assert own(nothing) is None, nothing
    # Words, not letters: Herentals is not Herent.
    assert own("Herentals") == "herentals"
    assert own("") is None
    zone = con.execute("SELECT wb_zone_place_key(?, ?)", [".", known]).fetchone()[0]
    assert zone is None


def test_unmatched_without_an_address_list_say_so(tmp_path):
    none = ("", "")
    rows = [
        incident("A1", street="Kerkstraat", nr="12", xy=none),
        incident("A2", street="Kerkstraat 12, 1ste verdieping", nr="", xy=none),
    ]
    wh = built(tmp_path, {"incidents/a.csv": incidents_csv(rows)})
    reasons = dict(query(wh, "SELECT record_key, reason FROM marts.geocode_unmatched"))
    assert reasons == {"A1": "geen adressenlijst geladen", "A2": "geen adressenlijst geladen"}
    # With a list: a number the street field carries but that cannot be read is said so.
    (tmp_path / "met").mkdir()
    wh = built(
        tmp_path / "met",
        {"incidents/a.csv": incidents_csv(rows), "addresses/adressen.csv": GEO_ADDRESSES},
    )
    reasons = dict(query(wh, "SELECT record_key, reason FROM marts.geocode_unmatched"))
    assert reasons == {"A2": "huisnummer niet te lezen uit de straat"}


def test_tail_place_rule():
    """What a street field's tail after a comma says of the record's place (reviews: a
    capitalised note blocked every candidate, "leuven" in lower case and "3000 Leuven" took
    the zone's address)."""
    con = macro_con()
    known = ["herent", "kortenberg", "winksele", "veltem-beisem", "erps-kwerps"]
    zone_postcodes = ["3020", "3070", "3071", "3078"]

    def key(tail):
        place = con.execute("SELECT wb_street_place(?)", ["Kerkstraat 12, " + tail]).fetchone()[0]
        return con.execute(
            "SELECT wb_tail_place_key(?, ?, ?, ?)",
            [place["place"], place["postcode"], known, zone_postcodes],
        ).fetchone()[0]

    # Another place, in any case or with its postcode: it takes no zone address.
    for elsewhere in ("Leuven", "leuven", "3000 Leuven", "Wilsele", "Nederland"):
        assert key(elsewhere) == elsewhere.split()[-1].lower(), elsewhere
    assert key("3000") == "postcode 3000"
    # A zone place, also written otherwise or in part.
    assert key("Herent") == "herent" and key("Winksele (Herent)") == "winksele"
    for veltem in ("Veltem", "Beisem", "Veltem Beisem", "3020 Veltem"):
        assert key(veltem) == "veltem-beisem", veltem
    assert key("Kwerps") == key("Erps Kwerps") == "erps-kwerps"
    assert key("Herent-Winksele") == key("3020 Herent-Winksele") == key("te Herent") == "herent"
    assert key("Kortenberg.") == key("Kortenberg centrum") == "kortenberg"
    # A note, a country or a zone postcode alone: no place of its own.
    for note in (
        "achteringang", "Achterbouw", "Gelijkvloers", "Hoek Kerkstraat", "bus A", "Bus A",
        "België", "Belgie", "B-3020",
    ):  # fmt: skip
        assert key(note) is None, note


def test_street_place_rule():
    con = macro_con()

    def place(text):
        got = con.execute("SELECT wb_street_place(?)", [text]).fetchone()[0]
        return (got["postcode"], got["place"])

    assert place("Stationsstraat 20, Leuven") == (None, "Leuven")
    assert place("Kerkstraat 12, 3020 Herent") == ("3020", "Herent")
    assert place("Kerkstraat 12A, B-3020 Herent") == ("3020", "Herent")
    assert place("Kerkstraat 12, B-3020") == ("3020", None)
    for none in ("Kerkstraat 12", "Kerkstraat 12, bus 3", "Kerkstraat, nr. 12"):
        assert place(none) == (None, None), none


def test_street_number_split_rule():
    con = macro_con()

    def split(text):
        got = con.execute("SELECT wb_street_number(?)", [text]).fetchone()[0]
        return None if got is None else (got["street"], got["house_number"])

    assert split("Kerkstraat 12") == ("Kerkstraat", "12")
    assert split("Kerkstraat 12 bus 3") == ("Kerkstraat", "12 bus 3")
    assert split("Tervuursesteenweg 150-152") == ("Tervuursesteenweg", "150-152")
    assert split("Kerkstraat 12/3") == ("Kerkstraat", "12/3")
    assert split("11 Novemberlaan 5") == ("11 Novemberlaan", "5")
    assert split("Rue du 11 Novembre 5 bte 2") == ("Rue du 11 Novembre", "5 bte 2")
    for whole in ("Steenweg op Leuven", "Sint-Jansbergsesteenweg", "11 Novemberlaan", "12", ""):
        assert split(whole) is None, whole
    # A postcode and place after the street are no house number.
    assert split("Kerkstraat 3020 Herent") is None
    # A whole address typed into the field: the place after a comma goes first (the
    # record's own postcode and municipality columns place it).
    assert split("Kerkstraat 12, 3020 Herent") == ("Kerkstraat", "12")
    assert split("Kerkstraat 12, Herent") == ("Kerkstraat", "12")
    assert split("Kerkstraat 12A, B-3020 Herent") == ("Kerkstraat", "12A")
    assert split("Kerkstraat 12 bus 3, 3020") == ("Kerkstraat", "12 bus 3")
    assert split("Kerkstraat 12, bus 3") == ("Kerkstraat", "12, bus 3")
    assert split("Kerkstraat, nr. 12") == ("Kerkstraat", "12")
    for whole in ("Kerkstraat, Herent", "Kerkstraat, 3020 Herent", "Kerkstraat, 12"):
        assert split(whole) in (None, ("Kerkstraat", "12")), whole
    assert split("Kerkstraat, Herent") is None and split("Kerkstraat, 3020 Herent") is None


# --- 4. Two editions of the sector list ---------------------------------------------------


SECTORS_2024 = (
    "statsec2024;statsec2024_naam;gemeente2024;gemeente2024_naam;wijk2024_code\r\n"
    "24038A00-;Herent-Centrum;24038;Herent;24038A0N\r\n"  # split in 2025: gone
    "24038A011;Kliniek;24038;Herent;24038A5N\r\n"
    "24038A082;Bijlok;24038;Herent;24038A5N\r\n"  # gone
    "24038ZZZZ;Niet te lokaliseren;24038;Herent;\r\n"
)
SECTORS_2025 = (
    "statsec;statsec_naam;gemeente;gemeente_naam;wijk_code\r\n"
    "24038A00K;Herent Centrum Oost;24038;Herent;W01\r\n"
    "24038A00L;Herent Centrum West;24038;Herent;W01\r\n"
    "24038A011;Kliniek;24038;Herent;W02\r\n"
    "24038ZZZZ;Niet te lokaliseren;24038;Herent;\r\n"
)
#: A list of another municipality only: it completes the others, whatever its name.
SECTORS_KORTENBERG = (
    "statsec2024;statsec2024_naam;gemeente2024;gemeente2024_naam;wijk2024_code\r\n"
    "24055A001;Kortenberg-Centrum;24055;Kortenberg;24055A0N\r\n"
)


def test_older_sector_list_codes_are_dropped_with_a_warning(tmp_path):
    wh = built(
        tmp_path,
        {
            "sectors/kortenberg_2024.csv": SECTORS_KORTENBERG,
            "sectors/sectoren_2024.csv": SECTORS_2024,
            "sectors/sectoren_2025.csv": SECTORS_2025,
        },
    )
    got = query(
        wh, "SELECT sector_code, wijk_code, source_file FROM marts.sectors ORDER BY sector_code"
    )
    assert got == [
        ("24038A00K", "W01", "sectors/sectoren_2025.csv"),
        ("24038A00L", "W01", "sectors/sectoren_2025.csv"),
        ("24038A011", "W02", "sectors/sectoren_2025.csv"),  # the newest list's wijk
        ("24038ZZZZ", None, "sectors/sectoren_2025.csv"),
        ("24055A001", "24055A0N", "sectors/kortenberg_2024.csv"),
    ]
    refused = rejects(wh, "sectors")
    assert [(r[0], r[1], r[2], r[3]) for r in refused] == [
        ("sectors/sectoren_2024.csv", 2, "statsec2024", "24038A00-"),
        ("sectors/sectoren_2024.csv", 4, "statsec2024", "24038A082"),
    ]
    assert all("nieuwste sectorlijst" in r[4] and "sectoren_2025.csv" in r[4] for r in refused)
    warnings = query(wh, "SELECT message FROM marts.build_warnings WHERE topic = 'Sectoren'")
    assert len(warnings) == 1
    message = warnings[0][0]
    assert message.startswith("2 sectorcodes uit een oudere sectorlijst")
    assert "sectors/sectoren_2024.csv: 2 (24038A00-, 24038A082)" in message
    assert "vervangen door sectors/sectoren_2025.csv" in message
    # Every row is accounted for: the superseded codes are refused, the rest accepted.
    files = query(
        wh,
        "SELECT source_file, rows_read, rows_accepted, rows_rejected FROM marts.load_files "
        "WHERE kind = 'sectors' ORDER BY 1",
    )
    assert files == [
        ("sectors/kortenberg_2024.csv", 1, 1, 0),
        ("sectors/sectoren_2024.csv", 4, 2, 2),
        ("sectors/sectoren_2025.csv", 4, 4, 0),
    ]


def test_one_sector_list_gives_no_warning(tmp_path):
    wh = built(tmp_path, {"sectors/sectoren_2025.csv": SECTORS_2025})
    assert query(wh, "SELECT count(*) FROM marts.sectors")[0][0] == 4
    assert query(wh, "SELECT count(*) FROM marts.build_warnings WHERE topic = 'Sectoren'") == [(0,)]


@pytest.mark.skipif(
    not (REALWORLD / "herko_statistical_sectors_2024.csv").exists(),
    reason=f"echte HerKo-sectorlijsten niet gevonden in {REALWORLD} (../shared ontbreekt)",
)
def test_real_2024_and_2025_sector_lists_side_by_side(tmp_path):
    raw = tmp_path / "raw"
    (raw / "sectors").mkdir(parents=True)
    for year in (2024, 2025):
        src = REALWORLD / f"herko_statistical_sectors_{year}.csv"
        shutil.copy(src, raw / "sectors" / src.name)
    zone = tmp_path / "zone.toml"
    zone.write_text(
        '[zone]\nname = "PZ HerKo"\ntimezone = "Europe/Brussels"\n\n'
        '[[municipalities]]\nnis_code = "24038"\nname = "Herent"\n\n'
        '[[municipalities]]\nnis_code = "24055"\nname = "Kortenberg"\n',
        encoding="utf-8",
    )
    wh = tmp_path / "wh.duckdb"
    build_warehouse(raw, wh, zone, echo=lambda s: None)
    n, from_2025 = query(
        wh,
        "SELECT count(*), count(*) FILTER (WHERE source_file LIKE '%2025.csv') FROM marts.sectors",
    )[0]
    assert n == from_2025 == 83
    refused = rejects(wh, "sectors")
    assert len(refused) == 18
    assert {r[0] for r in refused} == {"sectors/herko_statistical_sectors_2024.csv"}
    assert "24038A00-" in {r[3] for r in refused}
    (message,) = query(wh, "SELECT message FROM marts.build_warnings WHERE topic = 'Sectoren'")[0]
    assert message.startswith("18 sectorcodes uit een oudere sectorlijst")
    assert "herko_statistical_sectors_2024.csv: 18 (" in message
    assert "en 8 andere" in message


def test_a_label_written_in_another_case_is_one_label(tmp_path):
    """A category typed "vandalisme" in one export and "Vandalisme" in another is one
    category, in the spelling most records use: as two it split every count and trend.
    Streets keep their spelling (the address list has its own rules)."""
    older = [
        incident("P1", "03/02/2025 10:00", cat="Vandalisme", street="KERKSTRAAT"),
        incident("P2", "03/02/2025 11:00", cat="Vandalisme"),
        incident("P3", "03/02/2025 12:00", cat="Fietsdiefstal"),
    ]
    newer = [
        incident("P4", "04/02/2025 10:00", cat="vandalisme"),
        incident("P5", "04/02/2025 11:00", cat="VANDALISME"),
        incident("P6", "04/02/2025 12:00", cat="fietsdiefstal "),
        incident("P7", "04/02/2025 13:00", cat="fietsdiefstal"),
    ]
    wh = two_exports(tmp_path, older, newer)
    got = query(wh, "SELECT pv_number, category, street FROM marts.incidents ORDER BY 1")
    assert got == [
        ("P1", "Vandalisme", "KERKSTRAAT"),
        ("P2", "Vandalisme", "Kerkstraat"),
        # Two records write it in lower case, one in mixed case: the most used spelling.
        ("P3", "fietsdiefstal", "Kerkstraat"),
        ("P4", "Vandalisme", "Kerkstraat"),
        ("P5", "Vandalisme", "Kerkstraat"),
        ("P6", "fietsdiefstal", "Kerkstraat"),
        ("P7", "fietsdiefstal", "Kerkstraat"),
    ]
    assert query(wh, "SELECT category, sum(n) FROM marts.daily_counts GROUP BY 1 ORDER BY 1") == [
        ("Vandalisme", 4),
        ("fietsdiefstal", 3),
    ]
    assert rejects(wh, "incidents") == []


def test_a_box_on_a_lettered_number_is_that_building(tmp_path):
    """ "Bergstraat 30A bus 1" is a flat in building 30A: it was left unplaced when 30 and 30A
    lie far apart (both ranked alike), and placed at 12 when 12A lay beside 12 (an audit).
    The building of the whole number now ranks first; a box on the plain number stays 30."""
    addresses = GEO_ADDRESSES + (
        "Bergstraat;30;3020;Herent;171100;177100\r\nBergstraat;30A;3020;Herent;172300;177100\r\n"
    )
    none = ("", "")
    rows = [
        incident("B1", street="Bergstraat", nr="30A bus 1", xy=none),
        incident("B2", street="Bergstraat", nr="30A/1", xy=none),
        incident("B3", street="Bergstraat", nr="30 bus 2", xy=none),
        incident("B4", street="Bergstraat", nr="30 A", xy=none),
        incident("B5", street="Kerkstraat", nr="12A bus 2", xy=none),
        incident("B6", street="Kerkstraat", nr="12 bus 2", xy=none),
        # A number the list does not have, letter or not: the plainest stands for it.
        incident("B7", street="Kerkstraat", nr="12B", xy=none),
    ]
    wh = built(
        tmp_path, {"incidents/a.csv": incidents_csv(rows), "addresses/adressen.csv": addresses}
    )
    got = dict(query(wh, "SELECT pv_number, x FROM marts.incidents"))
    assert got == {
        "B1": 172300.0,
        "B2": 172300.0,
        "B3": 171100.0,
        "B4": 172300.0,
        "B5": 171012.0,
        "B6": 171010.0,
        "B7": 171010.0,
    }
