"""Dutch (nl-BE) formatting."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from dashboard.components import format as f


def test_numbers():
    assert f.fmt_int(1234567) == "1.234.567"
    assert f.fmt_int(None) == "–"
    assert f.fmt_number(1234.56, 1) == "1.234,6"
    assert f.fmt_number(0.5, 2) == "0,50"
    assert f.fmt_signed(12) == "+12" and f.fmt_signed(-1500) == "-1.500" and f.fmt_signed(0) == "0"


def test_differences_with_decimals_carry_their_sign():
    """Days against a task's term: "+3,0" late, "-8,5" on time, and no "-0,0"."""
    assert f.fmt_signed_number(3) == "+3,0" and f.fmt_signed_number(-8.5) == "-8,5"
    assert f.fmt_signed_number(1234.25, 2) == "+1.234,25"
    assert f.fmt_signed_number(-0.04) == "0,0" and f.fmt_signed_number(0.04) == "0,0"
    assert f.fmt_signed_number(None) == "–" and f.fmt_signed_number(float("nan")) == "–"
    assert f.fmt_signed_number(-0.05) == "-0,1"


def test_a_half_rounds_away_from_zero_as_in_the_charts():
    """Python rounds a half to even: 5 incidents on 4.000 inhabitants (1,25 per 1.000) read
    "1,2" in Verkenning's table and "1,3" in its heatmap (Plotly rounds a half up)."""
    assert f.fmt_number(1.25, 1) == "1,3"
    assert f.fmt_number(-1.25, 1) == "-1,3"
    assert f.fmt_number(0.125, 2) == "0,13"
    assert f.fmt_number(2.5, 0) == "3"
    assert f.fmt_int(2.5) == "3" and f.fmt_int(3.5) == "4" and f.fmt_int(-2.5) == "-3"
    assert f.fmt_int(1234567.5) == "1.234.568"
    # The number as stored: 2.675 is 2.67499... in binary, and Plotly too shows "2,67".
    assert f.fmt_number(2.675, 2) == "2,67"
    assert f.fmt_number(1234.55, 1) == "1.234,5"  # 1234.549999...


def test_counts_take_their_noun_in_the_right_number():
    assert f.fmt_count(1, "keten", "ketens") == "1 keten"
    assert f.fmt_count(0, "keten", "ketens") == "0 ketens"
    assert f.fmt_count(1234, "rij", "rijen") == "1.234 rijen"
    assert f.fmt_count(None, "rij", "rijen") == "– rijen"


def test_part_of_month():
    assert f.part_of_month("2026-11", date(2026, 11, 3), date(2026, 11, 30)) == " (3–30)"
    assert f.part_of_month("2026-05", date(2026, 4, 17), date(2026, 5, 14)) == " (1–14)"
    assert f.part_of_month("2026-02", date(2026, 1, 1), date(2026, 3, 31)) == ""
    assert f.part_of_month("2026-12", date(2026, 1, 1), date(2026, 3, 31)) == ""


def test_dates_and_weeks():
    assert f.fmt_date(date(2026, 3, 7)) == "07/03/2026"
    assert f.fmt_datetime(datetime(2026, 3, 7, 9, 5)) == "07/03/2026 09:05"
    assert f.iso_week_label(date(2024, 12, 31)) == "week 1 (2025)"
    assert f.weekday_name(1) == "maandag" and f.weekday_name(7) == "zondag"
    assert f.month_name(10) == "oktober"


def test_small_counts():
    assert [f.fmt_small_count(n) for n in (0, 1, 4, 5, 1200)] == ["0", "<5", "<5", "5", "1.200"]


def test_csv_is_excel_friendly():
    data = f.to_csv_bytes(pd.DataFrame({"wijk": ["Ä"], "ratio": [1.5]}))
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines() == ["wijk;ratio", "Ä;1,5"]


def test_exports_neutralise_formula_text():
    import io

    import openpyxl

    from dashboard.components.format import to_csv_bytes, to_xlsx_bytes

    df = pd.DataFrame(
        {
            "straat": ['=HYPERLINK("http://x")', "@SUM(A1)", "Kerkstraat"],
            "verschil": ["-7", "+4,5", "0"],
        }
    )
    csv = to_csv_bytes(df).decode("utf-8-sig")
    assert "'=HYPERLINK" in csv and "'@SUM" in csv
    assert ";-7" in csv and ";+4,5" in csv  # signed numbers stay as they are
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(df)))
    values = [c.value for c in wb.active["A"]][1:]
    assert values == ['\'=HYPERLINK("http://x")', "'@SUM(A1)", "Kerkstraat"]
    # Also text that arrives as a categorical (a warehouse ENUM read by the SQL console).
    cats = to_csv_bytes(df.astype({"straat": "category"})).decode("utf-8-sig")
    assert cats == csv


def test_csv_keeps_the_time_of_day_where_a_column_has_one():
    """A column with times of day keeps them in the CSV (dd/mm/jjjj uu:mm); a column of whole
    days stays dd/mm/jjjj; a gap stays empty. The list of records lost every hour (an audit)."""
    from dashboard.components.format import to_csv_bytes

    df = pd.DataFrame(
        {
            "Moment": pd.to_datetime(["2026-12-06 16:15", None, "2026-12-07 00:00"]),
            "Dag": pd.to_datetime(["2026-12-06", "2026-12-07", None]),
            "Lokaal": pd.to_datetime(["2026-12-06 23:05", None, None]).tz_localize(
                "Europe/Brussels"
            ),
        }
    )
    assert to_csv_bytes(df).decode("utf-8-sig").splitlines() == [
        "Moment;Dag;Lokaal",
        "06/12/2026 16:15;06/12/2026;06/12/2026 23:05",
        ";07/12/2026;",
        "07/12/2026 00:00;;",
    ]
    assert df["Moment"].dtype.kind == "M"  # the caller's frame is left as it was


def test_downloads_write_truth_values_in_dutch():
    """A truth-value column reads ja/nee in the CSV and the workbook, as the tables show it,
    with a gap left empty: downloads held True/False (TRUE/FALSE in a sheet) beside Dutch."""
    import io

    import openpyxl

    from dashboard.components.format import to_csv_bytes, to_xlsx_bytes

    df = pd.DataFrame(
        {
            "Over termijn": [True, False, False],
            "Buiten de zone": pd.array([True, None, False], dtype="boolean"),
            "Bevestigd": pd.Series([False, None, True], dtype=object),
            "Aantal": [1, 0, 2],
        }
    )
    lines = to_csv_bytes(df).decode("utf-8-sig").splitlines()
    assert lines == [
        "Over termijn;Buiten de zone;Bevestigd;Aantal",
        "ja;ja;nee;1",
        "nee;;;0",
        "nee;nee;ja;2",
    ]
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(df))).active
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=2)] == [
        ["ja", "ja", "nee", 1],
        ["nee", None, None, 0],
        ["nee", "nee", "ja", 2],
    ]
    assert df["Over termijn"].dtype == bool  # the caller's frame is left as it was


def test_tables_write_truth_values_with_gaps_in_dutch():
    """A truth-value column with a gap (the SQL console's BOOLEAN with NULLs) showed
    "False"/"True" beside the dash; it reads as the downloads write it (a review)."""
    from dashboard.components.format import missing_as_text

    df = pd.DataFrame({"b": pd.Series([None, False, True], dtype=object), "n": [1, 2, 3]})
    assert missing_as_text(df)["b"].tolist() == ["–", "nee", "ja"]


def test_xlsx_dates_are_written_day_month_year():
    """Date cells of an Excel download read as the pages write them, dd/mm/jjjj (with the
    time of day when a column has one), and stay dates: pandas' default wrote "2023-12-18
    00:00:00" (an audit of the open-task download)."""
    import io

    import openpyxl

    from dashboard.components.format import to_xlsx_bytes

    df = pd.DataFrame(
        {
            "Ontvangen": pd.to_datetime(["2023-12-18", None]),
            "Moment": pd.to_datetime(["2023-12-18 14:30", "2024-01-02 00:00"]),
            "Aantal": [1, 2],
        }
    )
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(df))).active
    assert sheet["A2"].number_format == "DD/MM/YYYY"
    assert sheet["B2"].number_format == sheet["B3"].number_format == "DD/MM/YYYY HH:MM"
    assert sheet["C2"].number_format == "General"
    assert sheet["A2"].value.year == 2023 and sheet["A2"].is_date
    # Python dates (a DATE column read as objects) are dates too, not text.
    from datetime import date

    objects = pd.DataFrame({"Dag": [date(2024, 3, 1), None]}, dtype=object)
    cell = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(objects))).active["A2"]
    assert cell.is_date and cell.number_format == "DD/MM/YYYY"


def test_month_abbreviations_are_dutch():
    """The monthly chart wrote "maa 2025" for March (the name cut at three letters)."""
    from dashboard.components.format import month_abbreviation

    assert [month_abbreviation(m) for m in (1, 3, 5, 6, 10)] == ["jan", "mrt", "mei", "jun", "okt"]


def test_file_slug_is_one_rule_for_every_document_name():
    """The advice and the municipal report named files by two rules: the report kept
    accents and apostrophes as they were ("wijkbeeld_rapport_'s-gravenbrakel" with a
    leading dash, "écaussinnes")."""
    assert f.file_slug("Rue de l'Église / Kerkstraat") == "rue-de-l-eglise-kerkstraat"
    assert f.file_slug("'s-Gravenbrakel") == "s-gravenbrakel"
    assert f.file_slug("Écaussinnes") == "ecaussinnes"
    assert f.file_slug(None) == f.file_slug(float("nan")) == f.file_slug("  ") == ""
    assert str(f.round_half_up(169156.5)) == "169157"
    assert str(f.round_half_up(-2.5)) == "-3"


def test_numbers_written_out_as_text_are_found_to_stand_right_aligned():
    frame = pd.DataFrame(
        {
            "Wijk": ["Herent-Centrum", "Winksele", "Meerbeek"],
            "Code": ["W01", "W02", "W03"],
            "Postcode": ["3020", "3020", "3078"],  # a code, not a number: no thousands point
            "Open": [f.fmt_int(1234), "–", "12"],
            "Signaal": ["+2,4 ▲", "-0,3", "-2,1 ▼"],
            "Aandeel": ["14,0 %", "–", "100,0 %"],
            "Feiten": ["<5", "x", "1.234"],
            "Leeg": ["–", "–", "–"],
            "Teller": [1, 2, 3],  # numeric already: Streamlit aligns it itself
            "Gemengd": ["12", "veel", "3"],
        }
    )
    assert f.number_text_columns(frame) == ["Open", "Signaal", "Aandeel", "Feiten"]
    # A gap that is still None (not yet "–") does not make a column text.
    assert f.number_text_columns(pd.DataFrame({"n": ["1", None, "2"]})) == ["n"]
    assert f.number_text_columns(pd.DataFrame({"n": pd.Series([], dtype=object)})) == []
    twice = pd.DataFrame([["1", "2", "3"]], columns=["a", "a", "b"])
    assert f.number_text_columns(twice) == ["b"]


def test_rough_counts_are_ranges_that_never_subtract_into_an_exact_count():
    assert [f.fmt_rough_count(n) for n in (0, 1, 4, 5, 9, 10, 19, 20, 49, 50, 99, 100, 1234)] == [
        "0", "<5", "<5", "5–9", "5–9", "10–19", "10–19", "20–49", "20–49", "50–99", "50–99",
        "100–199", "1.000–1.999",
    ]  # fmt: skip
    assert f.fmt_rough_count(12, 10) == "10–19" and f.fmt_rough_count(None) == "–"


def test_an_event_place_for_a_document_that_leaves_the_police_has_no_house_number():
    row = {"place": None, "street": "Kerkstraat", "house_number": "12"}
    assert f.fmt_event_place(row) == "Kerkstraat 12"
    assert f.fmt_event_place(row, house_number=False) == "Kerkstraat"
    assert f.fmt_event_place({**row, "place": "Sporthal"}, house_number=False) == "Sporthal"
