"""Five defects of the SQL staging layer found with realistic exports (session 22).

1. A key with a line break ("\\nP2", a CSV with "\\r\\r\\n" line ends) counted apart from P2.
2. Excel serial dates were truncated: "45325,58333" (14:00 in Excel's General format) read
   as 13:59:59.712, hour 13.
3. Counts with a Dutch thousands point or a fraction were misread: "1.234" as 1, "2,5" as 3.
4. Keys Excel spoilt (an error value "#N/B", a long number rounded to "1,23457E+11") were
   accepted as records, or refused as duplicates of one another.
5. Excel's text escape ="P5" was read as the literal key ="P5".
"""

from __future__ import annotations

import duckdb
import pytest
from etl_helpers import built, macro_connection, query, rejects
from test_quirks import incident, incidents_csv


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    return macro_connection()


def one(con: duckdb.DuckDBPyConnection, sql: str, *params):
    return con.execute(sql, list(params)).fetchone()[0]


# --- 1. Keys with a line break ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("\nP2", "P2"),
        ("P2\r", "P2"),
        ("\r\nP2", "P2"),
        ("p2\n", "P2"),
        ("P2", "P2"),
        ("le.55.l7. 0000002/2025", "LE.55.L7.0000002/2025"),
        ("\n", None),
    ],
)
def test_wb_key_removes_line_breaks(con, text, key):
    assert one(con, "SELECT wb_key(?)", text) == key


def test_keys_with_a_line_break_are_the_same_key(tmp_path):
    """A line break before or after a key (a quoted field in a CSV, or a CSV with
    "\\r\\r\\n" line ends) is no part of it: the key is the same key, across exports too."""
    rows = [incident("P1"), incident("P2", nr="2"), incident("P3", nr="3")]
    crcrlf = incidents_csv(rows).replace("\r\n", "\n").replace("\n", "\r\r\n")
    later = incidents_csv(
        [
            incident('"P2\n"', "04/02/2024 10:00", cat="Tweede"),
            incident('"\r\nP4"', "04/02/2024 10:00"),
        ]
    )
    wh = built(tmp_path, {"incidents/2024_a.csv": crcrlf.encode(), "incidents/2024_b.csv": later})
    got = query(wh, "SELECT pv_number, category FROM marts.incidents ORDER BY 1")
    assert got == [
        ("P1", "Vandalisme"),
        ("P2", "Tweede"),
        ("P3", "Vandalisme"),
        ("P4", "Vandalisme"),
    ]


# --- 2. Excel serial dates rounded to the second ----------------------------------------


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("45325,58333", "2024-02-03 14:00:00"),  # Excel's General format of 14:00
        ("45325,5833333333", "2024-02-03 14:00:00"),
        ("45325,04166666666", "2024-02-03 01:00:00"),
        ("45325.604166666664", "2024-02-03 14:30:00"),
        ("45325,5", "2024-02-03 12:00:00"),
        ("45325", "2024-02-03 00:00:00"),
    ],
)
def test_excel_serial_time_is_rounded_to_the_second(con, text, moment):
    assert str(one(con, "SELECT wb_ts(?)", text)) == moment


def test_excel_serial_dates_in_a_csv_keep_their_hour(tmp_path):
    rows = [incident("S1", "45325,58333"), incident("S2", "45325,04166666666")]
    wh = built(tmp_path, {"incidents/a.csv": incidents_csv(rows)})
    got = query(
        wh, "SELECT pv_number, strftime(occurred_from, '%H:%M:%S'), hour FROM marts.incidents"
    )
    assert sorted(got) == [("S1", "14:00:00", 14), ("S2", "01:00:00", 1)]


# --- 3. Counts --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("1234", 1234),
        ("1.234", 1234),  # a Dutch thousands point
        ("1 234", 1234),
        ("1\u202f234", 1234),  # a narrow no-break space, as Excel groups digits
        ("1.234.567", 1234567),
        (" 56 ", 56),
        ("0", 0),
        ("5,0", 5),  # whole, written with a fraction of zeros
        ("1.234,00", 1234),
        ("2,5", None),  # a fraction: no count, never rounded
        ("12.5", None),
        ("1,234", None),  # a Dutch decimal comma
        ("1.23", None),
        ("veel", None),
        (None, None),
    ],
)
def test_wb_count_reads_thousands_points_and_refuses_fractions(con, text, count):
    assert one(con, "SELECT wb_count(?)", text) == count


def test_control_counts_and_victim_numbers_are_whole_numbers(tmp_path):
    controls = (
        "Controlenummer;Begin;Gecontroleerde voertuigen;Overtredingen\r\n"
        "C1;03/02/2024 08:00;1.234;56\r\n"
        "C2;04/02/2024 08:00;1 200;1.001\r\n"
        "C3;05/02/2024 08:00;2,5;1\r\n"
        "C4;06/02/2024 08:00;10;12.5\r\n"
        "C5;07/02/2024 08:00;veel;1\r\n"
    )
    victims = (
        "Ongevalnummer;Volgnummer;Letsel\r\n"
        "A1;2;Lichtgewond\r\n"
        "A1;2,5;Zwaargewond\r\n"  # rounded to 3 it would have been another victim
        "A1;3;Lichtgewond\r\n"
    )
    wh = built(tmp_path, {"controls/c.csv": controls, "victims/v.csv": victims})
    got = query(wh, "SELECT control_id, vehicles_checked, offences FROM marts.controls ORDER BY 1")
    assert got == [("C1", 1234, 56), ("C2", 1200, 1001)]
    whole = "is geen geheel getal (een aantal heeft geen decimalen; verwacht bv. 1234 of 1.234)"
    assert [r[1:] for r in rejects(wh, "controls")] == [
        (4, "Gecontroleerde voertuigen", "2,5", f"Gecontroleerde voertuigen {whole}"),
        (5, "Overtredingen", "12.5", f"Overtredingen {whole}"),
        (6, "Gecontroleerde voertuigen", "veel", "Gecontroleerde voertuigen is geen getal"),
    ]
    assert query(wh, "SELECT victim_number, severity FROM marts.victims ORDER BY 1") == [
        (2, "Lichtgewond"),
        (3, "Lichtgewond"),
    ]
    assert [r[1:] for r in rejects(wh, "victims")] == [
        (3, "Volgnummer", "2,5", "Volgnummer is geen geheel getal")
    ]


# --- 4. Keys Excel spoilt ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "spoilt"),
    [
        ("#N/B", True),
        ("#n/a", True),
        ("#VERW!", True),
        ("#REF!", True),
        ("#WAARDE!", True),
        ("#DEEL/0!", True),
        ("#NAAM?", True),
        ("#GETAL!", True),
        ("#LEEG!", True),
        ("#NULL!", True),
        ("1,23457E+11", True),
        ("1.23457E+11", True),
        ("1,23457e+11", True),
        ("#12", False),
        ("LE.55.L7.000001/2024", False),
        ("PV1E+5", False),
        ("E+1", False),
    ],
)
def test_wb_key_spoilt(con, text, spoilt):
    assert one(con, "SELECT wb_key_spoilt(wb_key(?))", text) is spoilt


ERROR = "bevat een Excel-foutwaarde ({}), geen nummer"
ROUNDED = "is door Excel afgerond tot wetenschappelijke notatie ({}); exporteer de kolom als tekst"


def test_keys_excel_spoilt_are_refused_in_every_keyed_export(tmp_path):
    """Each such row is refused for its key, none as a duplicate of another, none counts."""
    incidents = incidents_csv(
        [incident("PV1"), incident("#N/B", nr="2"), incident("#N/B", nr="3"), incident("#N/A")]
    )
    accidents = (
        "Ongevalnummer;Datum/uur;X;Y\r\n"
        "1,23457E+11;03/02/2024 14:30;171000;177000\r\n"
        "1,23457E+11;04/02/2024 14:30;171000;177000\r\n"
        "123456789012;05/02/2024 14:30;171000;177000\r\n"
    )
    victims = "Ongevalnummer;Volgnummer;Letsel\r\n1,23457E+11;1;Lichtgewond\r\n"
    nuisance = "Meldingsnummer,Datum melding,Type overlast\n#VERW!,02/02/2024 10:00,Sluikstort\n"
    tasks = "Taaknummer;Type taak;Ontvangen\r\n#WAARDE!;Kantschrift;01/01/2024\r\n"
    controls = "Controlenummer;Begin\r\n1.5E+10;03/02/2024 10:00\r\n"
    wh = built(
        tmp_path,
        {
            "incidents/a.csv": incidents,
            "accidents/a.csv": accidents,
            "victims/v.csv": victims,
            "nuisance/a.csv": nuisance,
            "tasks/a.csv": tasks,
            "controls/c.csv": controls,
        },
    )
    assert query(wh, "SELECT pv_number FROM marts.incidents") == [("PV1",)]
    assert query(wh, "SELECT accident_id FROM marts.accidents") == [("123456789012",)]
    for table in ("victims", "nuisance", "tasks", "controls"):
        assert query(wh, f"SELECT count(*) FROM marts.{table}") == [(0,)]
    got = query(
        wh,
        "SELECT kind, source_row, field, value, reason FROM marts.rejects "
        "WHERE kind <> 'districts' ORDER BY kind, source_row",
    )
    assert got == [
        (
            "accidents",
            2,
            "Ongevalnummer",
            "1,23457E+11",
            "Ongevalnummer " + ROUNDED.format("1,23457E+11"),
        ),
        (
            "accidents",
            3,
            "Ongevalnummer",
            "1,23457E+11",
            "Ongevalnummer " + ROUNDED.format("1,23457E+11"),
        ),
        ("controls", 2, "Controlenummer", "1.5E+10", "Controlenummer " + ROUNDED.format("1.5E+10")),
        ("incidents", 3, "PV-nummer", "#N/B", "PV-nummer " + ERROR.format("#N/B")),
        ("incidents", 4, "PV-nummer", "#N/B", "PV-nummer " + ERROR.format("#N/B")),
        ("incidents", 5, "PV-nummer", "#N/A", "PV-nummer " + ERROR.format("#N/A")),
        ("nuisance", 2, "Meldingsnummer", "#VERW!", "Meldingsnummer " + ERROR.format("#VERW!")),
        ("tasks", 2, "Taaknummer", "#WAARDE!", "Taaknummer " + ERROR.format("#WAARDE!")),
        (
            "victims",
            2,
            "Ongevalnummer",
            "1,23457E+11",
            "Ongevalnummer " + ROUNDED.format("1,23457E+11"),
        ),
    ]


# --- 5. Excel's ="..." text escape ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('="P5"', "P5"),
        ('="le.55.l7.000001/2024"', "LE.55.L7.000001/2024"),
        (' = "P5" ', "P5"),
        ('=""', None),
        ("=P5", "=P5"),  # no escape: left as written
    ],
)
def test_wb_key_strips_excels_text_escape(con, text, key):
    assert one(con, "SELECT wb_key(?)", text) == key


def test_a_key_in_excels_text_escape_is_the_same_record(tmp_path):
    old = incidents_csv([incident('="P5"', cat="Oud"), incident('="P6"')])
    new = incidents_csv([incident("P5", "04/02/2024 10:00", cat="Nieuw")])
    wh = built(tmp_path, {"incidents/2024_a.csv": old, "incidents/2024_b.csv": new})
    got = query(wh, "SELECT pv_number, category FROM marts.incidents ORDER BY 1")
    assert got == [("P5", "Nieuw"), ("P6", "Vandalisme")]


# --- Invisible format characters (session 52) -------------------------------------------


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        ("Kerkstraat\u200b", "Kerkstraat"),  # zero-width space, copied from a web page
        ("\ufeffSint-Rémi", "Sint-Rémi"),  # a byte order mark before the first field
        ("Onze-Lieve-\u00adVrouwstraat", "Onze-Lieve-Vrouwstraat"),  # soft hyphen
        (" Égide\u2060 ", "Égide"),  # word joiner, spaces around
        ("\u200b", None),  # nothing visible: empty
        ("Kerkstraat", "Kerkstraat"),
    ],
)
def test_text_leaves_out_invisible_format_characters(con, text, clean):
    assert one(con, "SELECT wb_text(?)", text) == clean


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("172.100", 172100.0),  # whole metres with a Dutch thousands point (Excel's #.##0)
        ("177.100", 177100.0),
        ("24.500", 24500.0),
        ("172.100,5", 172100.5),  # grouped with a decimal comma: as before
        ("172100", 172100.0),
        ("171000.5", 171000.5),  # a decimal point with one or two decimals: as written
        ("171000.25", 171000.25),
        ("50.876", 50.876),  # a latitude in Belgium stays degrees
        ("4.712", 4.712),  # a longitude
        ("50.87912", 50.87912),
        ("172.1", 172.1),  # not a group of three: no guess
    ],
)
def test_coordinates_with_a_thousands_point_are_metres(con, text, value):
    assert one(con, "SELECT wb_coord(?)", text) == pytest.approx(value)
    assert one(con, "SELECT wb_x(?, NULL)", text) == pytest.approx(value)


def test_a_record_in_whole_metres_with_thousands_points_is_located(tmp_path):
    rows = [
        incident("P1", xy=("171.000", "177.000")),  # W01's point, as Excel formats it
        incident("P2", xy=("173.000", "177.000")),  # W02's
    ]
    wh = built(tmp_path, {"incidents/a.csv": incidents_csv(rows)})
    got = query(wh, "SELECT pv_number, x, y, wijk_code FROM marts.incidents ORDER BY 1")
    assert got == [("P1", 171000.0, 177000.0, "W01"), ("P2", 173000.0, 177000.0, "W02")]
    assert rejects(wh, "incidents") == []
