"""Two wijken of one name (a new wijk division uploaded beside the old one, or a "Centrum"
in two municipalities): the Briefing page failed for every role ("Length mismatch", its
per-wijk tables keyed by name; an audit) and other pages merged the two under one name.
They are told apart by their code now, in every mart, and the build says so."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from dash_helpers import run_app, wh

ZONE = Path(__file__).resolve().parents[2] / "data" / "zone.toml"


@pytest.fixture(scope="module")
def shared_name_warehouse(demo_raw, tmp_path_factory):
    from etl.build import build_warehouse

    root = tmp_path_factory.mktemp("shared_names")
    text = ZONE.read_text(encoding="utf-8")
    old = 'code = "W02"\nname = "Herent-Noord"'
    assert old in text
    zone = root / "zone.toml"
    zone.write_text(text.replace(old, 'code = "W02"\nname = "Herent-Centrum"'), encoding="utf-8")
    warehouse = root / "wh.duckdb"
    build_warehouse(demo_raw, warehouse, zone_file=zone, echo=lambda *_: None)
    return warehouse, zone


@pytest.fixture
def shared(shared_name_warehouse, monkeypatch):
    warehouse, zone = shared_name_warehouse
    monkeypatch.setenv("WIJKBEELD_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("WIJKBEELD_ZONE", str(zone))
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def test_wijken_of_one_name_are_told_apart_by_their_code(shared):
    names = wh("SELECT code, name FROM marts.districts WHERE layer = 'wijk' ORDER BY code")
    named = dict(zip(names["code"], names["name"], strict=True))
    assert named["W01"] == "Herent-Centrum (W01)"
    assert named["W02"] == "Herent-Centrum (W02)"
    assert named["W03"] == "Winksele"  # a name of its own stays as it is
    # Every mart names them the same way: the per-wijk counts stay apart.
    per_wijk = wh(
        "SELECT wijk_code, any_value(wijk_name) AS name, count(*) AS n FROM marts.incidents "
        "WHERE wijk_code IN ('W01', 'W02') GROUP BY 1 ORDER BY 1"
    )
    assert per_wijk["name"].tolist() == ["Herent-Centrum (W01)", "Herent-Centrum (W02)"]
    (message,) = wh("SELECT message FROM marts.build_warnings WHERE message LIKE '%heten%'")[
        "message"
    ]
    assert message.startswith("De wijken W01, W02 heten beide 'Herent-Centrum': ze staan als ")


@pytest.mark.parametrize("page", ["briefing", "sources", "workload", "exploration", "reports"])
def test_pages_show_both_wijken(shared, page):
    at = run_app(page)
    assert not at.exception


def test_briefing_lists_both_wijken_apart(shared):
    at = run_app("briefing")
    tables = [t.value for t in at.dataframe] + [t.value for t in at.table]
    shown = {
        str(v)
        for df in tables
        for col in df.columns
        if "wijk" in str(col).lower()
        for v in df[col].tolist()
    }
    assert {"Herent-Centrum (W01)", "Herent-Centrum (W02)"} <= shown, shown


def test_the_wijk_filter_names_the_code_once(shared):
    from dashboard.components.format import fmt_area

    assert fmt_area("Herent-Centrum (W02)", "W02") == "Herent-Centrum (W02)"
    assert fmt_area("Winksele", "W03") == "Winksele (W03)"
    at = run_app("sources")
    options = at.multiselect(key="_w_flt_wijken").options
    assert "Herent-Centrum (W02)" in options and "Herent-Centrum (W02) (W02)" not in options
