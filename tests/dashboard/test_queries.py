"""The query layer: parameterised, bounded, whitelisted."""

from __future__ import annotations

from datetime import date

import pytest
from dash_helpers import count

from dashboard.queries import _db, common


def test_user_values_are_parameters_not_sql(demo_warehouse):
    version = _db.warehouse_version()
    hostile = ("W01') OR TRUE --",)
    assert (
        common.record_count(version, "incidents", date(2000, 1, 1), date(2100, 1, 1), hostile) == 0
    )
    assert common.record_count(version, "incidents", date(2000, 1, 1), date(2100, 1, 1)) == count(
        "SELECT count(*) FROM marts.incidents"
    )


def test_unknown_identifiers_are_refused(demo_warehouse):
    version = _db.warehouse_version()
    with pytest.raises(KeyError):
        common.record_count(version, "marts.incidents; DROP", date(2026, 1, 1), date(2026, 2, 1))
    with pytest.raises(ValueError):
        common.counts_by(version, "incidents", ("pv_number",), date(2026, 1, 1), date(2026, 2, 1))
    with pytest.raises(ValueError):
        common.counts_by(
            version, "accidents_statbel", ("Week",), date(2026, 1, 1), date(2026, 2, 1)
        )


def test_results_are_bounded(demo_warehouse, monkeypatch):
    version = _db.warehouse_version()
    monkeypatch.setattr(_db, "MAX_ROWS", 10)
    with pytest.raises(RuntimeError, match="meer dan 10 rijen"):
        _db.query(version, "SELECT * FROM range(100)")


def test_map_points_capped(demo_warehouse):
    version = _db.warehouse_version()
    points = common.map_points(version, "incidents", date(2000, 1, 1), date(2100, 1, 1), limit=50)
    assert len(points) == 50
    assert points[["lat", "lon"]].notna().all().all()
    assert list(points.columns) == ["id", "lat", "lon", "category", "date", "address", "wijk_code"]


def test_hex_counts_add_up(demo_warehouse):
    version = _db.warehouse_version()
    cells = common.hex_counts(version, "incidents", date(2000, 1, 1), date(2100, 1, 1))
    assert int(cells["n"].sum()) == count(
        "SELECT count(*) FROM marts.incidents WHERE h3_cell IS NOT NULL"
    )
