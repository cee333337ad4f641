"""A month's incident export left out inside the period of the emerging hot spots: its
period had fewer records, and the trend read that as hot spots cooling down (only the
sidebar warned). The trend now starts with the first period after the last such month,
and its note says why."""

from __future__ import annotations

import shutil

import pytest
import streamlit as st
from dash_helpers import run_app, wh


def _left_out(raw, kind: str, sep: bytes, month: bytes) -> None:
    """Drop the rows of ``month`` ("03/2025", its date the second field) from the 2025
    export of ``kind``: a month's export left out."""
    (path,) = (raw / kind).glob("*2025*")
    lines = path.read_bytes().splitlines()
    kept = [lines[0]] + [line for line in lines[1:] if line and line.split(sep)[1][3:10] != month]
    assert len(kept) < len(lines) - 10
    path.write_bytes(b"\r\n".join(kept) + b"\r\n")


def _build(demo_raw, root, kinds, cuts):
    from etl.build import build_warehouse

    raw = root / "raw"
    for kind in kinds:
        shutil.copytree(demo_raw / kind, raw / kind)
    for kind, sep, month in cuts:
        _left_out(raw, kind, sep, month)
    warehouse = root / "wh.duckdb"
    build_warehouse(raw, warehouse, echo=lambda *_: None)
    return warehouse


@pytest.fixture(scope="module")
def march_left_out(demo_raw, tmp_path_factory):
    """The demo's facts (11/2024 – 10/2026) without those of 03/2025."""
    return _build(
        demo_raw,
        tmp_path_factory.mktemp("emerging_gap"),
        ("incidents", "districts"),
        [("incidents", b";", b"03/2025")],
    )


@pytest.fixture
def zone(march_left_out, monkeypatch):
    monkeypatch.setenv("WIJKBEELD_WAREHOUSE", str(march_left_out))
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def _emerging(start: str, end: str, granularity: str):
    at = run_app("sources", {"periode": "aangepast", "van": start, "tot": end})
    at.session_state["bronnen_view"] = "opkomend"
    at.session_state["bronnen_perioden"] = granularity
    at.run()
    assert not at.exception
    per = "maand" if granularity == "month" else "kwartaal"
    return next(c.value for c in at.caption if c.value.startswith(f"Gi* per {per}"))


def test_the_emerging_trend_starts_after_a_month_left_out(zone):
    empty = wh("SELECT empty_months FROM marts.coverage WHERE domain = 'incidents'").iat[0, 0]
    assert [str(d)[:7] for d in empty] == ["2025-03"]
    # Months: April 2025 up to September 2026, 18 periods.
    note = _emerging("2025-01-01", "2026-09-30", "month")
    assert "over 18 perioden" in note, note
    assert (
        "Vanaf 01/04/2025: er ontbreken de feiten (pv's) in 03/2025 (een ontbrekende export?)"
        in note
    ), note
    # Quarters: the first whole quarter after March is the second (April to June).
    note = _emerging("2025-01-01", "2026-09-30", "quarter")
    assert "over 6 perioden" in note, note
    assert "Vanaf 01/04/2025:" in note
    # A period after the gap: the whole period, nothing said.
    note = _emerging("2025-07-01", "2026-09-30", "quarter")
    assert "over 5 perioden" in note and "ontbreken" not in note, note


def test_no_trend_when_the_month_left_out_ends_the_period(zone):
    note = _emerging("2024-12-01", "2025-03-31", "month")
    assert "over 0 perioden" in note, note
    assert "Geen trend: er ontbreken de feiten (pv's) in 03/2025" in note
    assert "Met minder dan 5 perioden is er geen trend te zien." in note
    assert "Kies een langere periode" not in note and "Eén periode" not in note


def test_each_source_is_named_with_its_own_missing_months(demo_raw, tmp_path_factory, monkeypatch):
    """Facts without March, nuisance reports without September: the note said both were
    missing in both months (a review). The trend starts after September."""
    warehouse = _build(
        demo_raw,
        tmp_path_factory.mktemp("emerging_two"),
        ("incidents", "nuisance", "districts"),
        [("incidents", b";", b"03/2025"), ("nuisance", b",", b"09/2025")],
    )
    monkeypatch.setenv("WIJKBEELD_WAREHOUSE", str(warehouse))
    st.cache_data.clear()
    note = _emerging("2025-01-01", "2026-09-30", "month")
    assert (
        "Vanaf 01/10/2025: er ontbreken de feiten (pv's) in 03/2025 en de overlastmeldingen "
        "in 09/2025 (een ontbrekende export?)" in note
    ), note
    assert "over 12 perioden" in note
    # Quarters: the last empty month in the last quarter of the period leaves no whole
    # quarter after it: no trend, and no date of a quarter that does not begin there.
    note = _emerging("2025-01-01", "2025-09-30", "quarter")
    assert "Geen trend: er ontbreken" in note and "Vanaf" not in note, note
    st.cache_data.clear()


def test_only_whole_periods_make_the_trend(zone):
    """A last month of five days weighed as much as the others: 11 persistent hot spots
    through September became 1 persistent and 10 historical with October's first five
    days (an audit). A month (or quarter) at an edge counts only with two thirds of its
    days, and the note says which part was left out, or counts with fewer days."""
    note = _emerging("2026-01-01", "2026-10-05", "month")
    assert "over 9 perioden" in note, note
    assert (
        "De laatste maand (01/10/2026–05/10/2026) telt niet mee: minder dan twee derde van "
        "de dagen" in note
    ), note
    # The current quarter in its third month counts, and says with how many days (from
    # the second quarter of 2025: March 2025 is left out of this zone's facts).
    note = _emerging("2025-01-01", "2026-09-15", "quarter")
    assert "over 6 perioden" in note, note
    assert "Het laatste kwartaal telt 77 van 92 dagen" in note, note
    note = _emerging("2025-08-15", "2026-09-30", "quarter")
    assert "over 4 perioden" in note, note
    assert "Het eerste kwartaal (15/08/2025–30/09/2025) telt niet mee" in note, note
    note = _emerging("2026-10-02", "2026-10-05", "month")
    assert (
        "Geen maand waarvan de periode minstens twee derde van de dagen bevat: geen trend." in note
    ), note


def test_whole_periods_rule():
    from datetime import date

    from dashboard.queries.hotspots import whole_periods

    def rule(start, end, granularity="month"):
        return whole_periods(date(*start), date(*end), granularity)

    assert rule((2026, 1, 1), (2026, 10, 5)) == (date(2026, 1, 1), date(2026, 9, 30))
    # Two thirds of a month's days count: 21 of 31 does, 5 does not.
    assert rule((2026, 1, 1), (2026, 10, 21)) == (date(2026, 1, 1), date(2026, 10, 21))
    assert rule((2026, 1, 10), (2026, 9, 30)) == (date(2026, 1, 10), date(2026, 9, 30))
    assert rule((2026, 1, 25), (2026, 9, 30)) == (date(2026, 2, 1), date(2026, 9, 30))
    # "Dit jaar" on 6 December in quarters keeps its fourth quarter (67 of 92 days).
    assert rule((2026, 1, 1), (2026, 12, 6), "quarter") == (date(2026, 1, 1), date(2026, 12, 6))
    assert rule((2024, 1, 1), (2026, 10, 15), "quarter") == (date(2024, 1, 1), date(2026, 9, 30))
    start, end = rule((2026, 10, 2), (2026, 10, 5))
    assert start > end


def test_too_few_periods_for_a_trend_say_what_the_map_still_shows(zone):
    """ "Geen trend te tonen: 4 perioden" stood above a map of consecutive and persistent
    hot spots (a review): the box says which classes are still drawn, and that a
    persistent one may rise or fall."""
    at = run_app("sources", {"periode": "aangepast", "van": "2025-08-15", "tot": "2026-09-30"})
    at.session_state["bronnen_view"] = "opkomend"
    at.session_state["bronnen_perioden"] = "quarter"
    at.run()
    [box] = [i.value for i in at.info if i.value.startswith("Geen trend te tonen")]
    assert box.startswith("Geen trend te tonen: 4 perioden in deze keuze"), box
    assert "De kaart toont wel de klassen die geen trend vragen" in box
    assert "'persistent' voor een hotspot in bijna elke periode: die kan dus ook stijgen" in box
    st.cache_data.clear()
