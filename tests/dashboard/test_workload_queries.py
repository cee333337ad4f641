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


_WINDOW_ROWS = (
    "SELECT task_id, task_type, received_at, due_at, closed_at, status, inspector, wijk_code "
    "FROM marts.tasks WHERE (CAST(received_at AS DATE) <= ? AND "
    "(CAST(received_at AS DATE) >= ? OR closed_at IS NULL OR CAST(closed_at AS DATE) >= ?)) "
    "OR CAST(closed_at AS DATE) BETWEEN ? AND ?"
)


def _window_rows(start, end) -> pd.DataFrame:
    """The window's task rows, selected independently of the query layer (their ENUM
    columns as the pages get them: text, not categoricals)."""
    from dashboard.queries._db import plain_text

    return plain_text(wh(_WINDOW_ROWS, [end, start, start, start, end]))


def _windows(version):
    end = workload.reference_date(version)
    first = wh("SELECT min(CAST(received_at AS DATE)) FROM marts.tasks").iat[0, 0]
    return [
        (end - timedelta(days=364), end),  # the page's twelve months
        (end - timedelta(days=27), end),
        (end - timedelta(days=200), end - timedelta(days=150)),  # open tasks judged mid-way
        (first - timedelta(days=60), first - timedelta(days=1)),  # before the data
        (first, first + timedelta(days=6)),
    ]


def test_task_counts_give_the_index_the_task_rows_give(version):
    """The page's index is computed on counts made in the warehouse; on the window's rows
    the pure function gives the same index, counts and attributes, per inspector and per
    wijk, for windows ending now, in the past and before the data."""
    from dashboard.analysis.workload import workload_index

    weights = dict(
        zip(
            workload.task_types_config()["type_taak"],
            workload.task_types_config()["gewicht"],
            strict=True,
        )
    )
    wijk_codes = wh("SELECT code FROM marts.districts WHERE layer = 'wijk'")["code"].tolist()
    inspectors = wh("SELECT DISTINCT inspector FROM marts.tasks WHERE inspector IS NOT NULL")[
        "inspector"
    ].tolist()
    for start, end in _windows(version):
        rows = _window_rows(start, end)
        counts = workload.task_counts_for_period(version, start, end)
        assert counts["tasks"].sum() == len(rows), (start, end)
        for by, units in (("inspector", inspectors[:-1]), ("wijk_code", wijk_codes)):
            kwargs = dict(by=by, period_start=start, as_of=end, compare=units, min_tasks=5)
            expected = workload_index(rows, weights, **kwargs)
            got = workload_index(counts, weights, **kwargs)
            pd.testing.assert_frame_equal(got, expected, check_dtype=False)
            assert got.attrs == expected.attrs, (start, end, by)
            for open_weight in (0.5,):
                pd.testing.assert_frame_equal(
                    workload_index(counts, weights, open_weight=open_weight, **kwargs),
                    workload_index(rows, weights, open_weight=open_weight, **kwargs),
                    check_dtype=False,
                )
    # The twelve months of the demo zone have every kind of count.
    twelve = workload.task_counts_for_period(version, *_windows(version)[0])
    assert (twelve[["received", "closed", "open", "overdue"]].sum() > 0).all()


def test_task_counts_hold_tasks_closed_in_the_window_before_they_were_received(version):
    """A task closed in the window but received after it (inconsistent dates) counts as
    closed in the window, as in the per-wijk counts."""
    bad = wh(
        "SELECT task_id, inspector, CAST(closed_at AS DATE) AS closed, "
        "CAST(received_at AS DATE) AS got FROM marts.tasks WHERE lead_days < 0 "
        "ORDER BY task_id LIMIT 1"
    )
    if bad.empty:
        pytest.skip("geen taak afgesloten vóór ontvangst in dit warehouse")
    _, _, closed, got = bad.iloc[0]
    closed, got = pd.Timestamp(closed).date(), pd.Timestamp(got).date()
    start = closed - timedelta(days=6)  # the window ends between closing and receiving
    counts = workload.task_counts_for_period(version, start, closed)
    expected = count(
        "SELECT count(*) FROM marts.tasks WHERE CAST(closed_at AS DATE) BETWEEN ? AND ?",
        [start, closed],
    )
    assert got > closed and counts["closed"].sum() == expected


def test_lead_times_per_inspector_are_those_of_the_closed_task_rows(version):
    """The page's lead times, computed in the warehouse, against the pure function on the
    rows closed in the window (with and without a wijk filter)."""
    from dashboard.analysis.workload import lead_time_stats

    one = wh("SELECT min(wijk_code) FROM marts.tasks").iat[0, 0]
    for start, end in _windows(version):
        for wijken in ((), (one,)):
            rows = _window_rows(start, end)
            rows = rows[
                pd.to_datetime(rows["closed_at"])
                .dt.normalize()
                .between(pd.Timestamp(start), pd.Timestamp(end))
            ]
            if wijken:
                rows = rows[rows["wijk_code"].isin(wijken)]
            expected = lead_time_stats(rows, by="inspector").reset_index()
            got = workload.lead_times_for_period(version, start, end, wijken)
            assert got["inspector"].tolist() == expected["inspector"].tolist()
            pd.testing.assert_frame_equal(
                got.reset_index(drop=True),
                expected[got.columns].reset_index(drop=True),
                check_dtype=False,
            )
    n = workload.lead_times_for_period(version, *_windows(version)[0])
    assert n["n_closed"].sum() > 100 and n["n_dates_inconsistent"].sum() > 0


def test_medians_leave_out_tasks_closed_before_received(version):
    """Per wijk, inspector and type: every closed task counts as closed, but the median
    lead time leaves out tasks closed before they were received (same rule as
    ``lead_time_stats``)."""
    days = wh("SELECT DISTINCT CAST(closed_at AS DATE) AS d FROM marts.tasks WHERE lead_days < 0")
    if days.empty:
        pytest.skip("geen taak afgesloten vóór ontvangst in dit warehouse")
    checked = 0
    for day in (pd.Timestamp(d).date() for d in days["d"]):
        for function, key, column in (
            (workload.task_status_per_wijk, "wijk_code", "wijk_code"),
            (workload.task_status_per_inspector, "inspecteur", "inspector"),
            (workload.task_status_per_type, "type_taak", "CAST(task_type AS VARCHAR)"),
        ):
            shown = function(version, day, day).set_index(key)
            expected = wh(
                f"SELECT {column} AS k, count(*) AS n, "
                "median(lead_days) FILTER (WHERE lead_days >= 0) AS m "
                "FROM marts.tasks WHERE CAST(closed_at AS DATE) = ? AND {column} IS NOT NULL "
                "GROUP BY 1".replace("{column}", column),
                [day],
            ).set_index("k")
            assert shown["afgewerkt"].reindex(expected.index).tolist() == expected["n"].tolist()
            median = shown["mediaan_doorlooptijd_dagen"].reindex(expected.index).astype(float)
            assert ((median - expected["m"]).abs() < 1e-9).eq(expected["m"].notna()).all(), (
                function.__name__,
                day,
            )
            assert median.isna().eq(expected["m"].isna()).all()
            assert not (shown["mediaan_doorlooptijd_dagen"].astype(float) < 0).any()
            checked += 1
    assert checked


def test_sector_units_carry_the_weighted_load_located_in_them(version):
    """A sector's load is the sum of the type weights of the tasks located in it and
    received in the window, whichever wijk they were booked on."""
    if not count("SELECT count(*) FROM marts.districts WHERE layer = 'sector'"):
        pytest.skip("geen sectoren in dit warehouse")
    end = workload.reference_date(version)
    start = end - timedelta(days=364)
    # Two types with a weight, the others (and unknown ones) count 1.
    weights = (("Kantschrift", 1.0), ("Burenbemiddeling", 2.5))
    units = workload.sector_units(version, start, end, weights).set_index("code")
    expected = wh(
        "SELECT s.code, s.nis_code, count(t.task_id) AS n, "
        "coalesce(sum(CASE CAST(t.task_type AS VARCHAR) WHEN 'Kantschrift' THEN 1.0 "
        "WHEN 'Burenbemiddeling' THEN 2.5 ELSE 1.0 END) FILTER (WHERE t.task_id IS NOT NULL), 0) "
        "AS load "
        "FROM marts.districts s LEFT JOIN marts.tasks t ON t.location_status = 'ok' "
        "AND CAST(t.received_at AS DATE) BETWEEN ? AND ? "
        "AND ST_Contains(ST_GeomFromText(s.geom_wkt_31370), ST_Point(t.x, t.y)) "
        "WHERE s.layer = 'sector' GROUP BY ALL ORDER BY 1",
        [start, end],
    ).set_index("code")
    assert expected["n"].sum() > 0
    assert list(units.index) == list(expected.index)
    assert units["tasks_located"].tolist() == expected["n"].tolist()
    assert (units["load_located"] - expected["load"]).abs().max() < 1e-9
    assert units["nis_code"].tolist() == expected["nis_code"].tolist()
    # The window matters: nothing was received before the data starts.
    empty = workload.sector_units(version, date(1990, 1, 1), date(1990, 12, 31), weights)
    assert empty["load_located"].sum() == 0


def test_default_review_flag_matches_pv_as_a_word(tmp_path, monkeypatch):
    """Without ``review`` on any type, kantschriften and PV follow-ups are reviewed; a
    type with "pv" only inside a word ("Wijko*pv*olging") is not."""
    from etl.config import zone_path

    text = zone_path().read_text(encoding="utf-8")
    text = "\n".join(line for line in text.splitlines() if not line.strip().startswith("review"))
    assert 'name = "Wijkcontact"' in text
    text = text.replace('name = "Wijkcontact"', 'name = "Wijkopvolging"')
    text = text.replace(
        "[black_spots]",
        '[[task_types]]\nname = "Opvolging proces-verbaal"\ndeadline_days = 30\nweight = 1.0'
        "\n\n[black_spots]",
    )
    zone = tmp_path / "zone.toml"
    zone.write_text(text, encoding="utf-8")
    monkeypatch.setenv("WIJKBEELD_ZONE", str(zone))
    workload.task_types_config.clear()
    try:
        cfg = workload.task_types_config().set_index("type_taak")["nazicht"]
    finally:
        # The cached configuration of this zone must not leak into other tests.
        workload.task_types_config.clear()
    assert not cfg["Wijkopvolging"]
    assert cfg["PV-opvolging"] and cfg["Kantschrift"] and cfg["Opvolging proces-verbaal"]
    assert set(cfg[cfg].index) == {"Kantschrift", "PV-opvolging", "Opvolging proces-verbaal"}


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
    # Every open task by default: the planning download held the first 1,000 of 1,268
    # without a word (an audit); a limit is asked for explicitly.
    rows = workload.open_tasks(version)
    assert len(rows) == count("SELECT count(*) FROM marts.tasks WHERE is_open")
    assert len(workload.open_tasks(version, limit=3)) == 3
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
    # Finished tasks of any type with inconsistent dates are candidates too (the page sends
    # the coordinator to the quality control for them).
    expected = count(
        "SELECT count(*) FROM marts.tasks WHERE lower(status) = 'te controleren' OR "
        "(task_type IN ('Kantschrift', 'PV-opvolging') AND NOT coalesce(is_open, false) AND "
        "(CAST(closed_at AS DATE) >= ? OR (closed_at IS NULL AND CAST(received_at AS DATE) >= ?)))"
        " OR (dates_inconsistent AND NOT coalesce(is_open, false) AND "
        "(CAST(closed_at AS DATE) >= ? OR CAST(received_at AS DATE) >= ?))"
        " OR (NOT is_open AND closed_at IS NULL AND CAST(received_at AS DATE) >= ?)",
        [since, since, since, since, since],
    )
    assert len(rows) == expected
    assert count("SELECT count(*) FROM marts.tasks WHERE status = 'Te controleren'") <= len(rows)
    assert rows["wijk"].notna().all()


def test_review_candidates_hold_finished_tasks_without_a_closing_date(version):
    """A finished task of any type without a closing date is in the quality control, as the
    workload page says ("die ontbrekende datum meldt de kwaliteitscontrole"): 8 of the
    demo's 10 (Woonstvaststelling, Wijkcontact) were missing from it (an audit)."""
    from dashboard.analysis import quality

    since = date(2000, 1, 1)
    undated = wh(
        "SELECT task_id FROM marts.tasks WHERE NOT is_open AND closed_at IS NULL "
        "AND CAST(task_type AS VARCHAR) NOT IN ('Kantschrift', 'PV-opvolging')"
    )["task_id"]
    assert len(undated), "testgeval toont niets: geen afgewerkte taak zonder afsluitdatum"
    rows = workload.review_candidates(version, ("Kantschrift", "PV-opvolging"), since)
    assert set(undated) <= set(rows["task_id"])
    findings = quality.qc_findings(rows[rows["task_id"].isin(set(undated))])
    assert set(findings["record_id"]) == set(undated)
    for details in findings["details"]:
        assert any("de afsluitdatum ontbreekt" in d for d in details), details


def test_review_candidates_hold_inconsistent_dates_of_every_type(version):
    """A task of a type that is not reviewed (a Woonstvaststelling, a Burenbemiddeling)
    closed before it was received never reached the queue, though the page said so."""
    ref = workload.reference_date(version)
    since = ref - timedelta(days=364)
    types = ("Kantschrift", "PV-opvolging")
    bad = wh(
        "SELECT task_id FROM marts.tasks WHERE dates_inconsistent AND NOT is_open "
        "AND CAST(task_type AS VARCHAR) NOT IN ('Kantschrift', 'PV-opvolging') "
        "AND (CAST(closed_at AS DATE) >= ? OR CAST(received_at AS DATE) >= ?)",
        [since, since],
    )["task_id"]
    assert len(bad), "testgeval toont niets: geen taak van een ander type met onlogische datums"
    rows = workload.review_candidates(version, types, since)
    assert set(bad) <= set(rows["task_id"])
    # Not those of other wijken under a wijk filter.
    own = wh("SELECT wijk_code FROM marts.tasks WHERE task_id = ?", [bad.iloc[0]]).iat[0, 0]
    other = "W01" if own != "W01" else "W02"
    assert bad.iloc[0] not in set(
        workload.review_candidates(version, types, since, (other,))["task_id"]
    )


def test_tasks_by_id(version):
    ids = tuple(wh("SELECT task_id FROM marts.tasks ORDER BY task_id LIMIT 3")["task_id"])
    rows = workload.tasks_by_id(version, (*ids, "BESTAAT-NIET"))
    assert sorted(rows["task_id"]) == sorted(ids)
    assert workload.tasks_by_id(version, ()).empty
    # With a wijk filter: only the tasks of those wijken.
    one = rows["wijk_code"].iloc[0]
    only = workload.tasks_by_id(version, (*ids, "BESTAAT-NIET"), (one,))
    assert sorted(only["task_id"]) == sorted(rows.loc[rows["wijk_code"] == one, "task_id"])


def test_small_count_threshold_follows_the_zone(tmp_path, monkeypatch):
    from etl.config import zone_path

    assert workload.small_count_threshold() == 5
    text = zone_path().read_text(encoding="utf-8")
    assert "small_count_threshold" in text
    zone = tmp_path / "zone.toml"
    zone.write_text(
        "\n".join(
            "small_count_threshold = 8"
            if line.strip().startswith("small_count_threshold")
            else line
            for line in text.splitlines()
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("WIJKBEELD_ZONE", str(zone))
    assert workload.small_count_threshold() == 8


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
        "days INTEGER, reason VARCHAR, open_ended BOOLEAN)"
    )
    con.execute(
        "INSERT INTO marts.absences VALUES "
        "('INP A', DATE '2026-01-05', DATE '2026-01-09', 5, 'Verlof', false),"
        "('INP A', DATE '2026-01-08', DATE '2026-01-12', 5, 'Ziekte', false),"  # overlaps 2 days
        "('INP B', DATE '2025-12-20', DATE '2026-01-02', 14, 'Verlof', false),"
        # Until further notice (the list said 31/12/9999): every day from the 20th.
        "('INP C', DATE '2026-01-20', DATE '9999-12-31', NULL, 'Ziekte', true)"
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
    assert out.loc["INP C", "days_absent"] == 12  # 20-31 January, the absence runs on
    assert out["open_ended"].tolist() == [False, False, True]
    assert (out["days_in_period"] == 31).all()


def test_absences_absent_mart_gives_empty_frame(version):
    if count(
        "SELECT count(*) FROM information_schema.tables "
        "WHERE table_schema = 'marts' AND table_name = 'absences'"
    ):
        pytest.skip("dit warehouse heeft afwezigheden")
    assert not workload.has_absences(version)
    assert workload.absences_per_inspector(version, date(2026, 1, 1), date(2026, 1, 31)).empty


def test_domain_counts_per_wijk_keep_the_records_in_no_wijk(version):
    """The Werklast page's "Zonder wijk" row showed 0 facts and 0 nuisance reports in the
    index window while 19 and 5 lay in no wijk (an audit, fifty-eighth session): the query
    left them out. They come in a row without a wijk code now, and add up to the total."""
    from dashboard.queries import overview

    start, end = date(2025, 11, 1), date(2026, 10, 31)
    counts = overview.domain_counts_per_wijk(version, start, end)
    for domain in ("incidents", "nuisance"):
        mine = counts[counts["domain"] == domain]
        none = count(
            f"SELECT count(*) FROM marts.{domain} WHERE wijk_code IS NULL AND date BETWEEN ? AND ?",
            [start, end],
        )
        assert none > 0
        assert int(mine.loc[mine["wijk_code"].isna(), "n"].sum()) == none
        assert int(mine["n"].sum()) == count(
            f"SELECT count(*) FROM marts.{domain} WHERE date BETWEEN ? AND ?", [start, end]
        )
