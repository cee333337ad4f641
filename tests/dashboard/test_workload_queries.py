"""Query functions of the workload page, checked against independent SQL on the marts."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from dash_helpers import count, wh

from dashboard.queries import _db, workload
from etl.duck import connect


@pytest.fixture
def version(demo_warehouse):
    return _db.warehouse_version()


def test_task_types_config_follows_zone_toml():
    from etl.config import load_zone

    cfg = workload.task_types_config()
    zone = load_zone()["task_types"]
    assert cfg["type_taak"].tolist() == [t["name"] for t in zone]
    assert cfg["gewicht"].tolist() == [float(t["weight"]) for t in zone]
    reviewed = set(cfg.loc[cfg["nazicht"], "type_taak"])
    flagged = {t["name"] for t in zone if t.get("review")}
    assert reviewed == (flagged or {"Kantschrift", "PV-opvolging"})


def test_tasks_for_period_holds_received_closed_and_open(version):
    end = workload.reference_date(version)
    start = end - timedelta(days=89)
    rows = workload.tasks_for_period(version, start, end)
    expected = count(
        "SELECT count(*) FROM marts.tasks WHERE CAST(received_at AS DATE) <= ? AND "
        "(CAST(received_at AS DATE) >= ? OR closed_at IS NULL OR CAST(closed_at AS DATE) >= ?)",
        [end, start, start],
    )
    assert len(rows) == expected
    assert rows["task_id"].is_unique
    one = wh("SELECT min(wijk_code) FROM marts.tasks").iat[0, 0]
    only = workload.tasks_for_period(version, start, end, (one,))
    assert set(only["wijk_code"]) == {one}


def test_monthly_trend_adds_up(version):
    end = workload.reference_date(version)
    start = date(end.year - 1, end.month, 1)
    trend = workload.monthly_task_trend(version, start, end)
    received = count(
        "SELECT count(*) FROM marts.tasks WHERE CAST(received_at AS DATE) BETWEEN ? AND ?",
        [start, end],
    )
    closed = count(
        "SELECT count(*) FROM marts.tasks WHERE CAST(closed_at AS DATE) BETWEEN ? AND ?",
        [start, end],
    )
    assert int(trend["ontvangen"].sum()) == received
    assert int(trend["afgewerkt"].sum()) == closed
    assert (pd.to_datetime(trend["maand"]).dt.day == 1).all()


def test_open_tasks_overdue_first_and_filters(version):
    rows = workload.open_tasks(version, limit=5000)
    assert len(rows) == count("SELECT count(*) FROM marts.tasks WHERE is_open")
    flags = rows["over_termijn"].tolist()
    assert flags == sorted(flags, reverse=True)
    overdue_part = rows[rows["over_termijn"]]
    assert overdue_part["termijn"].is_monotonic_increasing
    inspector = rows["inspecteur"].iloc[0]
    kind = rows["type_taak"].iloc[0]
    some = workload.open_tasks(version, (), (inspector,), (kind,), True, 5000)
    assert len(some) == count(
        "SELECT count(*) FROM marts.tasks WHERE is_overdue AND inspector = ? AND task_type = ?",
        [inspector, kind],
    )
    # Values are parameters, never SQL.
    assert workload.open_tasks(version, ("W01') OR TRUE --",)).empty


def test_review_candidates(version):
    ref = workload.reference_date(version)
    since = ref - timedelta(days=27)
    types = ("Kantschrift", "PV-opvolging")
    rows = workload.review_candidates(version, types, since)
    expected = count(
        "SELECT count(*) FROM marts.tasks WHERE lower(status) = 'te controleren' OR "
        "(task_type IN ('Kantschrift', 'PV-opvolging') AND NOT coalesce(is_open, false) AND "
        "(CAST(closed_at AS DATE) >= ? OR (closed_at IS NULL AND CAST(received_at AS DATE) >= ?)))",
        [since, since],
    )
    assert len(rows) == expected
    assert count("SELECT count(*) FROM marts.tasks WHERE status = 'Te controleren'") <= len(rows)
    assert rows["wijk"].notna().all()


def test_tasks_by_id(version):
    ids = tuple(wh("SELECT task_id FROM marts.tasks ORDER BY task_id LIMIT 3")["task_id"])
    rows = workload.tasks_by_id(version, (*ids, "BESTAAT-NIET"))
    assert sorted(rows["task_id"]) == sorted(ids)
    assert workload.tasks_by_id(version, ()).empty


@pytest.fixture
def tiny_warehouse(tmp_path, monkeypatch):
    """A hand-made warehouse with three square sectors and overlapping absences."""
    path = tmp_path / "tiny.duckdb"
    con = connect(str(path))
    con.execute(
        "CREATE SCHEMA marts; CREATE TABLE marts.districts (layer VARCHAR, code VARCHAR, "
        "name VARCHAR, parent_code VARCHAR, nis_code VARCHAR, population BIGINT, "
        "inspector VARCHAR, area_km2 DOUBLE, geojson VARCHAR, geom_wkt_31370 VARCHAR)"
    )
    squares = {
        # S1 | S2 share an edge; S3 touches S2 only in a corner.
        "S1": "POLYGON ((0 0, 100 0, 100 100, 0 100, 0 0))",
        "S2": "POLYGON ((100 0, 200 0, 200 100, 100 100, 100 0))",
        "S3": "POLYGON ((200 100, 300 100, 300 200, 200 200, 200 100))",
    }
    for code, wkt in squares.items():
        con.execute(
            "INSERT INTO marts.districts VALUES ('sector', ?, ?, 'W1', '1', 10, NULL, 0.01, "
            "'{}', ?)",
            [code, f"Sector {code}", wkt],
        )
    con.execute(
        "CREATE TABLE marts.absences (inspector VARCHAR, start_date DATE, end_date DATE, "
        "days INTEGER, reason VARCHAR)"
    )
    con.execute(
        "INSERT INTO marts.absences VALUES "
        "('INP A', DATE '2026-01-05', DATE '2026-01-09', 5, 'Verlof'),"
        "('INP A', DATE '2026-01-08', DATE '2026-01-12', 5, 'Ziekte'),"  # overlaps 2 days
        "('INP B', DATE '2025-12-20', DATE '2026-01-02', 14, 'Verlof')"
    )
    con.close()
    monkeypatch.setenv("WIJKBEELD_WAREHOUSE", str(path))
    return _db.warehouse_version(path)


def test_sector_adjacency_needs_a_shared_border(tiny_warehouse):
    pairs = workload.sector_adjacency(tiny_warehouse)
    assert list(pairs.itertuples(index=False, name=None)) == [("S1", "S2")]
    assert workload.has_sector_layer(tiny_warehouse)


def test_absences_count_each_day_once_within_the_period(tiny_warehouse):
    assert workload.has_absences(tiny_warehouse)
    out = workload.absences_per_inspector(
        tiny_warehouse, date(2026, 1, 1), date(2026, 1, 31)
    ).set_index("inspector")
    assert out.loc["INP A", "days_absent"] == 8  # 5 + 5 - 2 overlapping days
    assert out.loc["INP A", "reasons"] == "Verlof, Ziekte"
    assert out.loc["INP B", "days_absent"] == 2  # only 1-2 January fall in the period
    assert (out["days_in_period"] == 31).all()


def test_absences_absent_mart_gives_empty_frame(version):
    if count(
        "SELECT count(*) FROM information_schema.tables "
        "WHERE table_schema = 'marts' AND table_name = 'absences'"
    ):
        pytest.skip("dit warehouse heeft afwezigheden")
    assert not workload.has_absences(version)
    assert workload.absences_per_inspector(version, date(2026, 1, 1), date(2026, 1, 31)).empty
