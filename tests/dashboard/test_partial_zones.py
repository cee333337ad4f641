"""Every page runs for a zone that has loaded only part of its exports.

A zone starts with what it has: its incidents without boundaries, only Statbel's open data,
only the task list, accidents without facts. Built from such subsets of the demo exports,
five pages stopped with an exception (the Briefing on a missing last date, the hot spots on a
missing H3 resolution, the Rapporten page on a year without dates, the maps on a wijk layer
without a single wijk, the report's map legend with nothing in it). Each page must instead
draw what it can and say what is missing.
"""

from __future__ import annotations

import shutil

import pytest
import streamlit as st
from dash_helpers import run_app

from dashboard.auth.roles import ALL_PAGES

#: Every page of the app (the coordinator, as whom the tests run, may open them all).
PAGES = tuple(sorted(ALL_PAGES))

#: Variant → the demo export folders it keeps (``districts``: the boundary layers).
VARIANTS = {
    "feiten zonder grenzen": ("incidents",),
    "feiten met enkel zone- en gemeentegrens": ("incidents", "districts:zone,gemeenten"),
    "enkel Statbel": ("statbel", "districts"),
    "enkel wijktaken": ("tasks", "districts"),
    "enkel ongevallen en slachtoffers": ("accidents", "victims", "districts"),
}


@pytest.fixture(scope="module")
def variant_warehouses(demo_raw, tmp_path_factory):
    from etl.build import build_warehouse

    built = {}
    for name, kept in VARIANTS.items():
        root = tmp_path_factory.mktemp("variant")
        raw = root / "raw"
        raw.mkdir()
        for item in kept:
            kind, _, layers = item.partition(":")
            if not layers:
                shutil.copytree(demo_raw / kind, raw / kind)
                continue
            (raw / kind).mkdir()
            for layer in layers.split(","):
                shutil.copy(demo_raw / kind / f"{layer}.geojson", raw / kind)
        built[name] = root / "wh.duckdb"
        build_warehouse(raw, built[name], echo=lambda *_: None)
    return built


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_every_page_runs_on_part_of_the_exports(variant, variant_warehouses, monkeypatch):
    monkeypatch.setenv("WIJKBEELD_WAREHOUSE", str(variant_warehouses[variant]))
    st.cache_data.clear()
    try:
        for page in PAGES:
            # run_app asserts the page ran without an exception.
            run_app(page)
    finally:
        st.cache_data.clear()


def test_briefing_and_reports_say_what_is_missing(variant_warehouses, monkeypatch):
    """Tasks only: the Briefing still counts the tasks; the Rapporten page says a report
    needs facts, nuisance or accidents."""
    monkeypatch.setenv("WIJKBEELD_WAREHOUSE", str(variant_warehouses["enkel wijktaken"]))
    st.cache_data.clear()
    try:
        reports = run_app("reports")
        assert any(
            "Nog geen feiten, overlastmeldingen of ongevallen" in i.value for i in reports.info
        )
        briefing = run_app("briefing")
        assert [m.label for m in briefing.metric][-1] == "Nieuwe wijktaken"
    finally:
        st.cache_data.clear()


def test_report_without_wijk_boundaries_refuses_instead_of_counting_zero(
    variant_warehouses, monkeypatch
):
    """Without wijk boundaries no record lies in a wijk, and the report (which counts per
    wijk) read "Feiten 0" for a municipality with thousands of facts."""
    monkeypatch.setenv("WIJKBEELD_WAREHOUSE", str(variant_warehouses["feiten zonder grenzen"]))
    st.cache_data.clear()
    try:
        at = run_app("reports")
        assert any("geen wijkgrenzen geladen" in w.value for w in at.warning)
        assert not at.metric
    finally:
        st.cache_data.clear()


@pytest.mark.parametrize("layer", ["Evenementen tonen", "Interessepunten tonen"])
def test_map_layers_of_lists_the_zone_has_not_loaded(layer, variant_warehouses, monkeypatch):
    """ "Evenementen tonen" on the Bronnen page of a zone without an event list stopped the
    page (KeyError ['lat', 'lon'] on the list's empty frame). A zone with facts but no
    event or point list (a zone of only Statbel's data has no map on this page at all: no
    facts or nuisance reports to draw, and it says so)."""
    monkeypatch.setenv("WIJKBEELD_WAREHOUSE", str(variant_warehouses["enkel Statbel"]))
    st.cache_data.clear()
    try:
        at = run_app("sources")
        assert not at.exception and not [t for t in at.toggle if t.label == layer]
        assert any(i.value.startswith("Niets te tonen") for i in at.info)
        monkeypatch.setenv(
            "WIJKBEELD_WAREHOUSE",
            str(variant_warehouses["feiten met enkel zone- en gemeentegrens"]),
        )
        st.cache_data.clear()
        at = run_app("sources")
        next(t for t in at.toggle if t.label == layer).set_value(True)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    finally:
        st.cache_data.clear()
