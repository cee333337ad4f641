"""Row-level inputs of an analysis are whole or refused, never cut.

The black-spot rule and the enforcement check count every row they are given. Their
queries once ended in ``LIMIT 50000`` (and the workload index's in ``LIMIT 45000``): beyond
that the rule ranked the first accidents by number, and the workload index of a year counted
only its first 45,000 tasks (749,487 at the 10^6 benchmark), without a word. Each query is
checked here against independent SQL, and with its bound set below its rows it must
raise :class:`~dashboard.queries._db.TooManyRows` rather than return a part. The workload
index now takes its tasks counted in the warehouse (no row-level input left).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import streamlit as st
from dash_helpers import count, run_app

from dashboard.queries import TooManyRows, _db, blackspots, workload
from etl.config import load_zone


@pytest.fixture
def version(demo_warehouse):
    return _db.warehouse_version()


def _inputs(version):
    """(name, call, independent row count, module whose bound applies) per input."""
    params = blackspots.BlackSpotParams.from_zone(load_zone())
    end = workload.reference_date(version)
    first, last = blackspots.window(end, params.years)
    start = end - timedelta(days=364)
    injury = (
        "a.source = 'zone' AND a.is_injury AND a.x IS NOT NULL AND a.y IS NOT NULL "
        "AND a.date BETWEEN ? AND ?"
    )
    return [
        (
            "injury accidents",
            lambda: blackspots.ranking_inputs(version, end, params.years)[0],
            count(f"SELECT count(*) FROM marts.accidents a WHERE {injury}", [first, last]),
            blackspots,
        ),
        (
            "their victims",
            lambda: blackspots.ranking_inputs(version, end, params.years)[1],
            count(
                "SELECT count(*) FROM marts.victims v JOIN marts.accidents a "
                f"ON a.accident_id = v.accident_id WHERE {injury}",
                [first, last],
            ),
            blackspots,
        ),
        (
            "controls",
            lambda: blackspots.controls_for_analysis(version, start, end),
            count(
                "SELECT count(*) FROM marts.controls WHERE date BETWEEN ? AND ? "
                "AND x IS NOT NULL AND y IS NOT NULL",
                [start, end],
            ),
            blackspots,
        ),
    ]


def _clear():
    for fn in (
        blackspots.ranking_inputs,
        blackspots.controls_for_analysis,
    ):
        fn.clear()


def test_analysis_inputs_are_whole(version):
    _clear()
    for name, call, expected, _ in _inputs(version):
        assert expected > 10, name
        assert len(call()) == expected, name


def test_analysis_inputs_beyond_their_bound_are_refused_not_cut(version, monkeypatch):
    for name, call, expected, module in _inputs(version):
        _clear()
        monkeypatch.setattr(module, "ANALYSIS_MAX_ROWS", expected - 1)
        with pytest.raises(TooManyRows):
            call()
            pytest.fail(f"{name}: {expected - 1} rows allowed, no refusal")
    _clear()


def test_workload_page_counts_its_window_in_the_warehouse_whatever_its_size(
    demo_warehouse, monkeypatch
):
    """The index's tasks are counted per inspector, wijk and type in the warehouse: with the
    analysis bound at 10 rows the page still gives every inspector an index and every
    lead time, where it once refused a year of the 10^7 benchmark (7.5 million tasks)."""
    st.cache_data.clear()
    # Every module that could bound a row-level input of the page.
    for module in (_db, workload):
        monkeypatch.setattr(module, "ANALYSIS_MAX_ROWS", 10, raising=False)
    at = run_app("workload")
    st.cache_data.clear()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    frames = [df.value for df in at.dataframe]
    index = next(f for f in frames if "Werklastindex" in f.columns and "Inspecteur" in f.columns)
    assert len(index) >= 10 and index["Werklastindex"].notna().all()
    leads = next(f for f in frames if "P90 doorlooptijd (d)" in f.columns)
    assert "Inspecteur" in leads.columns and leads["Afgewerkt"].sum() > 100


def test_an_input_over_its_bound_is_refused_before_it_is_fetched(version, monkeypatch):
    """Above the pages' bound the refusal comes from a count: the rows themselves are never
    fetched (a million of them took seconds at 10^7 before the page could say so)."""
    executed = []
    cursor = _db._cursor

    class Spy:
        def __init__(self, cur):
            self.cur = cur

        def execute(self, sql, params=None):
            executed.append(sql)
            return self.cur.execute(sql, params)

        def close(self):
            self.cur.close()

    monkeypatch.setattr(_db, "_cursor", lambda v: Spy(cursor(v)))
    with pytest.raises(TooManyRows):
        _db.query(version, "SELECT * FROM range(60001)", max_rows=60_000)
    assert len(executed) == 1 and executed[0].startswith("SELECT count(*)")
    executed.clear()
    assert len(_db.query(version, "SELECT * FROM range(60000)", max_rows=60_000)) == 60_000
    assert [q.split(" ")[1] for q in executed] == ["count(*)", "*"]


@pytest.mark.parametrize("page", ["traffic", "briefing"])
def test_other_pages_refuse_in_dutch_not_with_a_traceback(demo_warehouse, monkeypatch, page):
    """Pages that do not expect a refusal (the black-spot rule's accidents on Verkeer and in
    the Briefing) get the router's Dutch message instead of Streamlit's English error box."""
    st.cache_data.clear()
    monkeypatch.setattr(blackspots, "ANALYSIS_MAX_ROWS", 10)
    at = run_app(page)
    st.cache_data.clear()
    assert not at.exception, [e.value for e in at.exception]
    errors = [e.value for e in at.error]
    assert any(
        "telt elke rij die het gebruikt en vond er meer dan 10:" in e
        and "liever dan cijfers over een deel van de rijen" in e
        for e in errors
    ), errors
