"""Fixtures of the unit tests."""

from __future__ import annotations

import duckdb
import pytest

from etl import config


@pytest.fixture(scope="module")
def con():
    """A DuckDB connection with the build's SQL macros (etl/sql/macros.sql), as the tests
    of a macro against its Python twin use it."""
    con = duckdb.connect()
    con.execute(config.macros_sql({}))
    yield con
    con.close()
