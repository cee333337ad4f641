"""Helpers for the ETL tests: fixture paths, building with the test zone, querying."""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl.build import build_warehouse

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
RAW_SMALL = FIXTURES / "raw_small"
ZONE_SMALL = FIXTURES / "zone_small.toml"


def build(raw: Path, warehouse: Path, lines: list[str] | None = None) -> dict:
    """Build with the test zone; collect progress lines instead of printing them."""
    sink = lines if lines is not None else []
    return build_warehouse(raw, warehouse, ZONE_SMALL, echo=sink.append)


def query(warehouse: Path, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()
