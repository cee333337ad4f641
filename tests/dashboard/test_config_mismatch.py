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
