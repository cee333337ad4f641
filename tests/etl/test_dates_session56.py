"""Dates and times as exports and registers write them, read wrongly and silently before the
fifty-sixth session (found by trying every shape of date against the marts)."""

from __future__ import annotations

from datetime import date, datetime

from etl_helpers import built, query
from test_quirks_session53 import workbook

HEADER = "PV-nummer;Datum feit;Einddatum feit;Uur feit;Einduur;Categorie;X;Y\r\n"


def incidents(tmp_path, rows: list[tuple[str, str, str, str, str]]):
    """A warehouse of incidents (number, date field, end date, hour, end hour) in W01."""
    body = "".join(f"{p};{a};{b};{c};{d};Diefstal;171000;177000\r\n" for p, a, b, c, d in rows)
    return built(tmp_path, {"incidents/feiten.csv": (HEADER + body).encode("cp1252")})


def moments(wh) -> dict[str, tuple]:
    return {
        pv: (str(start), str(end) if end else None, hour, known)
        for pv, start, end, hour, known in query(
            wh,
            "SELECT pv_number, occurred_from, occurred_to, hour, time_known FROM marts.incidents",
        )
    }


def refused(wh) -> dict[str, str]:
    return {
        value: reason
        for value, reason in query(
            wh, "SELECT value, reason FROM marts.rejects WHERE kind = 'incidents'"
        )
    }


def test_midnight_typed_by_hand_is_a_known_midnight(tmp_path):
    """'03/02/2024 0u', '00u00', '00.00' read as a date without a time (hour unknown): only
    a colon counted as a time. '24u' as a beginning became a whole day; as an end, the
    window ran a day too long."""
    wh = incidents(
        tmp_path,
        [
            ("M1", "03/02/2024 0u", "", "", ""),
            ("M2", "03/02/2024 00u00", "", "", ""),
            ("M3", "03/02/2024 00.00", "", "", ""),
            ("M4", "3 februari 2024 0u", "", "", ""),
            ("M5", "03/02/2024 24u", "", "", ""),
            ("M6", "03/02/2024 22:00", "04/02/2024 0u00", "", ""),
            ("M7", "03/02/2024 22:00", "03/02/2024 24u", "", ""),
            ("M8", "03/02/2024", "", "", ""),  # a date alone: still the whole day
        ],
    )
    got = moments(wh)
    for pv in ("M1", "M2", "M3", "M4"):
        assert got[pv] == ("2024-02-03 00:00:00", None, 0, True), pv
    assert got["M5"] == ("2024-02-04 00:00:00", None, 0, True)
    assert got["M6"] == got["M7"] == ("2024-02-03 22:00:00", "2024-02-04 00:00:00", 22, True)
    assert got["M8"] == ("2024-02-03 00:00:00", "2024-02-04 00:00:00", None, False)


def test_an_iso_date_with_an_end_time_is_a_period_not_a_utc_offset(tmp_path):
    """'2024-02-03 22:00-06:00' was read as 22:00 at UTC-6, i.e. 04/02 05:00 exactly; it is
    the night's window, as '03/02/2024 22:00-06:00' always was. An offset with seconds
    stays an offset."""
    wh = incidents(
        tmp_path,
        [
            ("I1", "2024-02-03 22:00-06:00", "", "", ""),
            ("I2", "2024-02-03 08:00-10:00", "", "", ""),
            ("I3", "2024-02-03T22:00:00+01:00", "", "", ""),
            ("I4", "03/02/2024 22u - 04/02/2024 6u", "", "", ""),
            ("I5", "du 03/02/2024 22:00 au 04/02/2024 06:00", "", "", ""),
        ],
    )
    got = moments(wh)
    assert got["I1"] == ("2024-02-03 22:00:00", "2024-02-04 06:00:00", 22, True)
    assert got["I2"] == ("2024-02-03 08:00:00", "2024-02-03 10:00:00", 8, True)
    assert got["I3"] == ("2024-02-03 22:00:00", None, 22, True)
    assert got["I4"] == got["I5"] == ("2024-02-03 22:00:00", "2024-02-04 06:00:00", 22, True)


def test_words_before_a_date_other_than_a_weekday_or_a_beginning_are_no_moment(tmp_path):
    """'tot 04/02/2024 06:00' was read as the exact moment 04/02 06:00 (any word before the
    date was dropped as if it were a weekday), 'vóór …' too: the facts happened before it,
    when is unknown. Those are refused, naming the value. A weekday is dropped, and so is a
    word for the beginning ('vanaf', 'na'): the facts began then."""
    wh = incidents(
        tmp_path,
        [
            ("W1", "tot 04/02/2024 06:00", "", "", ""),
            ("W2", "na 03/02/2024 22:00", "", "", ""),
            ("W3", "vóór 4 februari 2024", "", "", ""),
            ("W4", "zaterdag 03/02/2024 14:30", "", "", ""),
            ("W5", "za. 3 februari 2024 14u30", "", "", ""),
            ("W6", "vanaf 03/02/2024 22:00", "", "", ""),
            ("W7", "vanaf zaterdag 3 februari 2024 22u", "", "", ""),
        ],
    )
    got = moments(wh)
    assert set(got) == {"W2", "W4", "W5", "W6", "W7"}
    assert got["W4"] == got["W5"] == ("2024-02-03 14:30:00", None, 14, True)
    assert got["W2"] == got["W6"] == got["W7"] == ("2024-02-03 22:00:00", None, 22, True)
    reasons = refused(wh)
    for value in ("tot 04/02/2024 06:00", "vóór 4 februari 2024"):
        assert "geen geldige datum" in reasons[value], value


def test_iso_moments_with_an_offset_need_a_day_that_exists(tmp_path):
    """'2023-02-29T10:00:00Z' became 01/03/2023 (the same text without Z was refused).
    A .NET export's seven decimals and a space before the offset are read."""
    wh = incidents(
        tmp_path,
        [
            ("Z1", "2023-02-29T10:00:00Z", "", "", ""),
            ("Z2", "2024-04-31T22:30:00+02:00", "", "", ""),
            ("Z3", "2024-02-03T14:30:15.1234567+01:00", "", "", ""),
            ("Z4", "2024-02-03 07:15:00 +01:00", "", "", ""),
            ("Z5", "2024-02-03T13:30:00Z", "", "", ""),
        ],
    )
    got = moments(wh)
    assert set(got) == {"Z3", "Z4", "Z5"}
    assert got["Z3"][0] == "2024-02-03 14:30:15.123456"
    assert got["Z4"][0] == "2024-02-03 07:15:00"
    assert got["Z5"][0] == "2024-02-03 14:30:00"
    assert {"2023-02-29T10:00:00Z", "2024-04-31T22:30:00+02:00"} <= set(refused(wh))


def test_a_period_beginning_on_a_day_alone_has_no_hour(tmp_path):
    """'03/02/2024 - 04/02/2024 06:00' began at a known 00:00 (the whole field's colon
    counted): the night filter took it. A day alone with an end hour 00:00 was a window of
    no length, all its weight at Saturday 00:00; it is that whole day."""
    wh = incidents(
        tmp_path,
        [
            ("P1", "03/02/2024 - 04/02/2024 06:00", "", "", ""),
            ("P2", "03/02/2024", "", "", "00:00"),
            ("P3", "03/02/2024", "", "", "06:00"),
            # An exact moment with the same end hour stays that moment (no window).
            ("P4", "03/02/2024 14:30", "", "", "14:30"),
        ],
    )
    got = moments(wh)
    assert got["P1"] == ("2024-02-03 00:00:00", "2024-02-04 06:00:00", None, False)
    assert got["P2"] == ("2024-02-03 00:00:00", "2024-02-04 00:00:00", None, False)
    assert got["P3"] == ("2024-02-03 00:00:00", "2024-02-03 06:00:00", None, False)
    assert got["P4"] == ("2024-02-03 14:30:00", None, 14, True)


def test_one_cell_typed_with_an_hour_leaves_a_column_of_days_days(tmp_path):
    """A register kept in Excel: a column of days, one report typed with its hour. Every
    other day of the column became midnight (hour 0, known). A column whose dates are
    mostly at midnight is a column of days; one mostly with hours keeps its midnights."""
    days = [["Meldingsnummer", "Datum melding", "Type overlast", "X", "Y"]]
    days += [[f"N{d}", date(2024, 2, d), "Geluidsoverlast", 171000, 177000] for d in range(1, 9)]
    days.append(["N9", datetime(2024, 2, 9, 14, 30), "Geluidsoverlast", 171000, 177000])
    hours = [["Meldingsnummer", "Datum melding", "Type overlast", "X", "Y"]]
    hours += [
        [f"T{h}", datetime(2024, 3, 1, h, 15), "Geluidsoverlast", 171000, 177000]
        for h in range(1, 5)
    ]
    hours.append(["T0", datetime(2024, 3, 1, 0, 0), "Geluidsoverlast", 171000, 177000])
    wh = built(
        tmp_path,
        {"nuisance/dagen.xlsx": workbook(days), "nuisance/uren.xlsx": workbook(hours)},
    )
    got = {
        k: (h, known)
        for k, h, known in query(wh, "SELECT report_id, hour, time_known FROM marts.nuisance")
    }
    assert all(got[f"N{d}"] == (None, False) for d in range(1, 9))
    assert got["N9"] == (14, True)
    assert got["T0"] == (0, True)
    assert got["T3"] == (3, True)


def test_an_export_with_month_first_dates_is_named(tmp_path):
    """An export made with American settings ('2/13/2024'): its days after the 12th were
    refused one by one, and its days up to the 12th read with day and month swapped,
    without a word. The build warnings name the file and say why."""
    wh = incidents(
        tmp_path,
        [
            ("U1", "2/3/2024 14:30", "", "", ""),
            ("U2", "2/13/2024 9:00", "", "", ""),
            ("U3", "3/25/2024 11:00", "", "", ""),
            ("U4", "12/1/2024 17:45", "", "", ""),
        ],
    )
    warnings = [m for (m,) in query(wh, "SELECT message FROM marts.build_warnings")]
    us = [m for m in warnings if "maand/dag/jaar" in m]
    assert len(us) == 1
    assert us[0].startswith("incidents/feiten.csv: 2 datums") and '"2/13/2024 9:00"' in us[0]
    assert "dd/mm/jjjj" in us[0]


def test_one_month_first_typo_is_no_american_export(tmp_path):
    """A single such date is a typo, refused as such; no warning about the file."""
    wh = incidents(
        tmp_path,
        [("T1", "03/02/2024 14:30", "", "", ""), ("T2", "2/13/2024 9:00", "", "", "")],
    )
    warnings = [m for (m,) in query(wh, "SELECT message FROM marts.build_warnings")]
    assert not [m for m in warnings if "maand/dag/jaar" in m]
    assert "2/13/2024 9:00" in refused(wh)


def test_a_register_with_the_hours_in_van_and_tot_beside_the_date(tmp_path):
    """'Datum feit; Van; Tot' of a register kept by hand: "Van" was left out and every row
    refused, "Einddatum feit is geen geldige datum" for the hour 06:00 in "Tot". The hours
    now make the window, as Uur feit and Einduur do."""
    csv = (
        "PV-nummer;Datum feit;Van;Tot;Categorie;X;Y\r\n"
        "V1;03/02/2024;22:00;06:00;Woninginbraak;171000;177000\r\n"
        "V2;05/02/2024;13u;15u30;Woninginbraak;171000;177000\r\n"
        "V3;05/02/2024;13:00;06/02/2024;Woninginbraak;171000;177000\r\n"
        "V4;05/02/2024;13:00;morgen;Woninginbraak;171000;177000\r\n"
    )
    wh = built(tmp_path, {"incidents/register.csv": csv.encode("cp1252")})
    got = moments(wh)
    assert got["V1"] == ("2024-02-03 22:00:00", "2024-02-04 06:00:00", 22, True)
    assert got["V2"] == ("2024-02-05 13:00:00", "2024-02-05 15:30:00", 13, True)
    assert got["V3"] == ("2024-02-05 13:00:00", "2024-02-07 00:00:00", 13, True)
    assert "V4" not in got and "Einddatum feit is geen geldige datum" in refused(wh)["morgen"]
