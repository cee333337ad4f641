"""Helpers for the dashboard tests: run a page with AppTest, ask the warehouse directly.

Expected values are computed with independent SQL on the marts, never through
``dashboard.queries``, so a test fails when a page shows something the warehouse does not say.
"""

from __future__ import annotations

import base64
import os
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from streamlit.testing.v1 import AppTest

from etl.duck import connect

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def small_zone_version(
    tmp_path: Path, monkeypatch, files: dict[str, str], zone: Path | None = None
) -> str:
    """Build the fixture exports plus ``files`` (path below ``raw`` -> UTF-8 text) with the
    fixture zone (or ``zone``), point the dashboard at the warehouse, return its version."""
    import shutil

    from dashboard.queries import _db
    from etl.build import build_warehouse

    raw = tmp_path / "raw"
    shutil.copytree(FIXTURES / "raw_small", raw)
    for rel, text in files.items():
        (raw / rel).parent.mkdir(parents=True, exist_ok=True)
        (raw / rel).write_text(text, encoding="utf-8")
    wh = tmp_path / "wh.duckdb"
    build_warehouse(raw, wh, zone or FIXTURES / "zone_small.toml", echo=lambda s: None)
    monkeypatch.setenv("WIJKBEELD_WAREHOUSE", str(wh))
    return _db.warehouse_version(wh)


def demo_variant(demo_raw: Path, tmp_path: Path, monkeypatch, edit) -> Path:
    """A copy of the demo exports changed by ``edit(raw)`` (a kind cut down, a month left
    out), built, and the app pointed at it (caches cleared); the warehouse's path. A
    fixture yields it and clears the caches after."""
    import shutil

    import streamlit as st

    from etl.build import build_warehouse

    raw = tmp_path / "raw"
    shutil.copytree(demo_raw, raw)
    edit(raw)
    warehouse = tmp_path / "warehouse.duckdb"
    build_warehouse(raw, warehouse, echo=lambda _: None)
    monkeypatch.setenv("WIJKBEELD_WAREHOUSE", str(warehouse))
    st.cache_data.clear()
    return warehouse


def run_app(page: str | None = None, query_params: dict | None = None) -> AppTest:
    """Run the app (optionally on ``views/<page>.py``) and return the finished AppTest."""
    return run_as(None, page, query_params)


def wh(sql: str, params: list | None = None) -> pd.DataFrame:
    """Run SQL on the warehouse the tests use (``WIJKBEELD_WAREHOUSE``)."""
    # Same configuration as the dashboard's connection: DuckDB refuses a second
    # connection to one file in one process with different settings.
    con = connect(os.environ["WIJKBEELD_WAREHOUSE"], read_only=True)
    try:
        return con.execute(sql, params or []).df()
    finally:
        con.close()


def count(sql: str, params: list | None = None) -> int:
    """First value of a query, as int."""
    return int(wh(sql, params).iat[0, 0] or 0)


def anchor() -> date:
    """Last date with data: the day the period presets count back from."""
    value = wh(
        "SELECT max(date) FROM marts.daily_counts "
        "WHERE domain IN ('incidents', 'nuisance', 'accidents')"
    ).iat[0, 0]
    return pd.Timestamp(value).date()


def last_28_days() -> tuple[date, date]:
    """The default period ("Laatste 28 dagen")."""
    end = anchor()
    return end - timedelta(days=27), end


def metrics(at: AppTest) -> dict[str, str]:
    """KPI label → displayed value."""
    return {m.label: m.value for m in at.metric}


def nl(n: int) -> str:
    """A count as the dashboard writes it (``1.234``)."""
    return f"{n:,}".replace(",", ".")


def plotly_array(value) -> np.ndarray:
    """A plotly array from a figure's JSON (plain list or plotly's typed-array encoding)."""
    if isinstance(value, dict) and "bdata" in value:
        flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = tuple(int(n) for n in str(value.get("shape", len(flat))).split(","))
        return flat.reshape(shape)
    return np.array(value)


def run_as(principal, page: str | None = None, query_params: dict | None = None) -> AppTest:
    """Run the app signed in as ``principal`` (``None``: not signed in), optionally on a page."""
    at = AppTest.from_file(str(APP), default_timeout=90)
    if principal is not None:
        at.session_state["wijkbeeld_principal"] = principal
        at.session_state["wijkbeeld_signed_in_at"] = time.time()
    for key, value in (query_params or {}).items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(f"views/{page}.py")
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at
