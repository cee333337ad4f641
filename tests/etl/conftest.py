"""Shared fixtures: the small raw folder and a warehouse built from it once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from etl_helpers import RAW_SMALL, build


@pytest.fixture
def raw_copy(tmp_path: Path) -> Path:
    """A private copy of the fixture exports a test may add files to."""
    target = tmp_path / "raw"
    shutil.copytree(RAW_SMALL, target)
    return target


@pytest.fixture(scope="session")
def small_warehouse(tmp_path_factory) -> Path:
    """The warehouse built from tests/fixtures/raw_small (shared, read-only)."""
    target = tmp_path_factory.mktemp("wh") / "warehouse.duckdb"
    lines: list[str] = []
    build(RAW_SMALL, target, lines)
    target.with_suffix(".log").write_text("\n".join(lines), encoding="utf-8")
    return target
