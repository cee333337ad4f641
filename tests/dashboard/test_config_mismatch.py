"""A zone whose boundary file does not draw every wijk of its configuration.

Seen with the real HerKo wijken (codes ``24038W01`` ...) next to the demo configuration
(``W01`` ... ``W10``): the Werklast page stopped with a Python traceback, twice (a wijk
without population, a wijk without shape), and so did every page with a wijk map.
"""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from dash_helpers import run_app

from dashboard.analysis.workload import rate_per_1000
from etl.build import build_warehouse


@pytest.fixture(scope="module")
def mismatched(demo_raw, tmp_path_factory):
    """The demo exports with wijk W10 (Everberg) left out of wijken.geojson."""
    raw = tmp_path_factory.mktemp("mismatch") / "raw"
    shutil.copytree(demo_raw, raw)
    path = raw / "districts" / "wijken.geojson"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["features"] = [f for f in doc["features"] if f["properties"]["wijk_code"] != "W10"]
    path.write_text(json.dumps(doc), encoding="utf-8")
    warehouse = raw.parent / "wh.duckdb"
    build_warehouse(raw=raw, warehouse=warehouse, echo=lambda *_: None)
    return warehouse


def test_rate_with_a_population_pandas_does_not_know():
    """A nullable population column gives pandas' NA; float(NA) raised TypeError."""
    assert rate_per_1000(3, pd.NA).value is None
    assert rate_per_1000(pd.NA, 1000).value == 0.0


@pytest.mark.parametrize("page", ["workload", "sources", "traffic", "briefing", "reports"])
def test_pages_run_when_a_configured_wijk_has_no_shape(mismatched, monkeypatch, page):
    monkeypatch.setenv("WIJKBEELD_WAREHOUSE", str(mismatched))
    at = run_app(page)  # asserts that no exception was raised
    assert at.title


def test_build_says_how_the_codes_do_not_fit(mismatched, monkeypatch):
    """The build log and the Data page say that W10 of the configuration has no shape, and
    that its tasks are on no wijk map; nothing was said before."""
    from dash_helpers import wh

    monkeypatch.setenv("WIJKBEELD_WAREHOUSE", str(mismatched))
    rows = wh("SELECT topic, message FROM marts.build_warnings ORDER BY seq")
    messages = dict(zip(rows["message"], rows["topic"], strict=True))
    drawn = next(m for m in messages if "noemt 1 wijk(en) die geen grenzenbestand tekent" in m)
    assert "W10" in drawn and messages[drawn] == "Wijkgrenzen"
    tasks = next(m for m in messages if "wijktaken noemen een wijk" in m)
    n_tasks = wh("SELECT count(*) AS n FROM marts.tasks WHERE wijk_code = 'W10'")["n"].iat[0]
    assert tasks.startswith(f"{n_tasks:,}".replace(",", ".") + " wijktaken") and "(W10)" in tasks
    at = run_app("data")
    shown = " ".join(w.value for w in at.warning)
    assert "Let op bij deze opbouw" in shown and "W10" in shown


def test_report_leaves_out_a_configured_wijk_without_boundary(mismatched, monkeypatch):
    """Everberg (W10) has no boundary, so no record lies in it: the report listed it with
    zeros, as a quiet wijk; it now leaves it out of the wijk table and names it."""
    import streamlit as st

    from dashboard.documents import municipal_report as mr
    from dashboard.queries import common, warehouse_version

    monkeypatch.setenv("WIJKBEELD_WAREHOUSE", str(mismatched))
    st.cache_data.clear()
    version = warehouse_version()
    year = int(str(common.domain_coverage(version)["last"].max())[:4]) - 1
    data = mr.collect_report(version, "24055", mr.ReportPeriod("jaar", year, 0), warn=False)
    wijken = data.tables["wijken"]
    assert "Everberg" not in [w for _, w in wijken.labels]
    assert wijken.note.startswith("Niet in de tabel: Everberg (in de zoneconfiguratie")
    assert (wijken.values[:-1].sum(axis=0) == wijken.values[-1]).all()
    # Kortenberg's other wijken have their boundary: no note in Herent's report.
    herent = mr.collect_report(version, "24038", mr.ReportPeriod("jaar", year, 0), warn=False)
    assert herent.tables["wijken"].note == ""
    st.cache_data.clear()


def test_demo_build_has_no_warnings(demo_warehouse):
    from dash_helpers import wh

    assert wh("SELECT count(*) AS n FROM marts.build_warnings")["n"].iat[0] == 0
