"""Werklast per wijk: open, overdue and closed tasks per wijk, inspector and type."""

from __future__ import annotations

from dash_helpers import count, last_28_days, metrics, nl, run_app


def test_workload_counts(demo_warehouse):
    at = run_app("workload")
    assert at.title[0].value == "Werklast per wijk"
    start, end = last_28_days()
    shown = metrics(at)
    assert shown["Open taken"] == nl(
        count(
            "SELECT count(*) FROM marts.tasks t JOIN marts.districts d "
            "ON d.layer = 'wijk' AND d.code = t.wijk_code WHERE is_open"
        )
    )
    assert shown["Over termijn"] == nl(
        count(
            "SELECT count(*) FROM marts.tasks t JOIN marts.districts d "
            "ON d.layer = 'wijk' AND d.code = t.wijk_code WHERE is_overdue"
        )
    )
    assert shown["Afgewerkt in periode"] == nl(
        count(
            "SELECT count(*) FROM marts.tasks t JOIN marts.districts d "
            "ON d.layer = 'wijk' AND d.code = t.wijk_code "
            "WHERE CAST(closed_at AS DATE) BETWEEN ? AND ?",
            [start, end],
        )
    )
    per_wijk, per_inspector = at.dataframe[0].value, at.dataframe[1].value
    assert len(per_wijk) == count("SELECT count(*) FROM marts.districts WHERE layer = 'wijk'")
    assert int(per_inspector["Open"].sum()) == count(
        "SELECT count(*) FROM marts.tasks WHERE is_open"
    )
    # Rates only where the population is known.
    w01 = per_wijk.iloc[0]
    population = count(
        "SELECT population FROM marts.districts WHERE layer = 'wijk' ORDER BY code LIMIT 1"
    )
    assert abs(w01["Open per 1.000 inwoners"] - 1000 * w01["Open"] / population) < 1e-9
    overdue = at.dataframe[3].value
    assert len(overdue) == min(200, count("SELECT count(*) FROM marts.tasks WHERE is_overdue"))
