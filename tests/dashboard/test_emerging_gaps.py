"""A month's incident export left out inside the period of the emerging hot spots: its
period had fewer records, and the trend read that as hot spots cooling down (only the
sidebar warned). The trend now starts with the first period after the last such month,
and its note says why."""

from __future__ import annotations

import shutil

import pytest
import streamlit as st
from dash_helpers import run_app, wh


@pytest.fixture(scope="module")
def march_left_out(demo_raw, tmp_path_factory):
    """The demo's facts (11/2024 – 10/2026) without those of 03/2025 (a month's export
    left out)."""
    from etl.build import build_warehouse

    raw = tmp_path_factory.mktemp("emerging_gap") / "raw"
    for kind in ("incidents", "districts"):
        shutil.copytree(demo_raw / kind, raw / kind)
    (path,) = (raw / "incidents").glob("*2025*")
    lines = path.read_bytes().split(b"\r\n")
    kept = [lines[0]] + [
        line for line in lines[1:] if line and line.split(b";")[1][3:10] != b"03/2025"
    ]
    assert len(kept) < len(lines) - 10
    path.write_bytes(b"\r\n".join(kept) + b"\r\n")
    warehouse = raw.parent / "wh.duckdb"
    build_warehouse(raw, warehouse, echo=lambda *_: None)
    return warehouse


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
        "Vanaf 01/04/2025: in 03/2025 ontbreken de feiten (pv's) (een ontbrekende export?)" in note
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
    assert "Geen trend: in 03/2025 ontbreken de feiten" in note
    assert "Met minder dan 4 perioden is er geen trend te zien." in note
    assert "Kies een langere periode" not in note and "Eén periode" not in note
