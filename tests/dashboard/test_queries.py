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
    """Hexagons hold the records inside the zone, as marts.hex_counts and Bronnen: the
    briefing's map also drew the cells of records located outside the zone."""
    version = _db.warehouse_version()
    start, end = date(2000, 1, 1), date(2100, 1, 1)
    for key in ("incidents", "nuisance", "accidents"):
        cells = common.hex_counts(version, key, start, end)
        table = (
            "marts.accidents WHERE source = 'zone' AND"
            if key == "accidents"
            else f"marts.{key} WHERE"
        )
        inside = count(
            f"SELECT count(*) FROM {table} h3_cell IS NOT NULL "
            "AND location_status IN ('ok', 'geen_wijk')"
        )
        assert (
            int(cells["n"].sum())
            == inside
            == count("SELECT sum(n) FROM marts.hex_counts WHERE domain = ?", [key])
        ), key
        assert common.record_count(version, key, start, end, located_only=True) == inside
        assert common.record_count(
            version, key, start, end, located_only=True, inside_zone=False
        ) == count(f"SELECT count(*) FROM {table} lat IS NOT NULL")
    assert count("SELECT count(*) FROM marts.incidents WHERE location_status = 'buiten_zone'")


def test_one_in_zone_rule_for_every_hexagon_map():
    """The hexagon maps of Bronnen (hotspots) and of the briefing and Verkeer (common) use
    one definition of "inside the zone", the one marts.hex_counts is built with."""
    from dashboard.queries import hotspots

    assert common.IN_ZONE == "t.location_status IN ('ok', 'geen_wijk')"
    assert hotspots.IN_ZONE is common.IN_ZONE and not hasattr(hotspots, "_IN_ZONE")


def test_hex_counts_scope_cells_as_the_source_hexagons(demo_warehouse):
    """One rule for an inspector's hexagons (common.scoped_cell_sql): the briefing's map
    (common.hex_counts) and Bronnen's (hotspots.cell_counts) count the same cells, fine
    for the own wijk's records and coarse for the rest."""
    from dashboard.queries import hotspots

    version = _db.warehouse_version()
    start, end = date(2000, 1, 1), date(2100, 1, 1)
    for key in ("incidents", "nuisance"):
        ours = common.hex_counts(version, key, start, end, fine_wijken=("W01",))
        theirs = hotspots.cell_counts(version, key, start, end, fine_wijken=("W01",))
        assert dict(zip(ours["h3_cell"], ours["n"], strict=True)) == dict(
            zip(theirs["h3_cell"], theirs["n"], strict=True)
        ), key
        own = count(
            f"SELECT count(DISTINCT h3_cell) FROM marts.{key} WHERE wijk_code = 'W01' "
            "AND location_status IN ('ok', 'geen_wijk')"
        )
        assert 0 < own < len(ours)
