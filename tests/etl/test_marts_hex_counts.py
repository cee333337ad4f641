"""marts.hex_counts: counts per domain × month × H3 cell × category, against the record marts."""

from __future__ import annotations

from pathlib import Path

from etl.duck import connect


def _rows(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    # The dashboard tests of the same session hold the file open with these settings:
    # DuckDB refuses a second connection to it with other ones.
    con = connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _by_category(warehouse: Path, sql: str) -> dict[str, int]:
    return {str(k): int(n) for k, n in _rows(warehouse, sql)}


def test_accidents_are_the_zone_s_own_accidents_counted_once(demo_warehouse):
    """Statbel's rows are the same injury accidents the zone registered: counted next to
    the zone's own, every injury accident counted twice (Lichtgewond 802 where
    daily_counts and the zone's records say 401)."""
    statbel_located = _rows(
        demo_warehouse,
        "SELECT count(*) FROM marts.accidents WHERE source = 'statbel' AND h3_cell IS NOT NULL "
        "AND location_status IN ('ok', 'geen_wijk')",
    )[0][0]
    assert statbel_located > 0  # the demo has Statbel rows that could be counted twice
    hexes = _by_category(
        demo_warehouse,
        "SELECT category, sum(n) FROM marts.hex_counts WHERE domain = 'accidents' GROUP BY 1",
    )
    zone = _by_category(
        demo_warehouse,
        "SELECT severity, count(*) FROM marts.accidents WHERE source = 'zone' "
        "AND h3_cell IS NOT NULL AND location_status IN ('ok', 'geen_wijk') GROUP BY 1",
    )
    assert hexes == zone
    # Never more than the zone's accidents per day (which also hold the unlocated ones).
    daily = _by_category(
        demo_warehouse,
        "SELECT category, sum(n) FROM marts.daily_counts WHERE domain = 'accidents' GROUP BY 1",
    )
    assert all(n <= daily[category] for category, n in hexes.items())


def test_incidents_and_nuisance_count_located_records_inside_the_zone(demo_warehouse):
    for domain, table in (("incidents", "marts.incidents"), ("nuisance", "marts.nuisance")):
        in_hexes = _rows(
            demo_warehouse, "SELECT sum(n) FROM marts.hex_counts WHERE domain = ?", [domain]
        )[0][0]
        located = _rows(
            demo_warehouse,
            f"SELECT count(*) FROM {table} WHERE h3_cell IS NOT NULL "
            "AND location_status IN ('ok', 'geen_wijk')",
        )[0][0]
        assert in_hexes == located > 0, domain
