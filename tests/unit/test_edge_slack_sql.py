"""The build's edge slack (``wb_edge_slack`` in etl/sql/macros.sql, which decides on which
day marts.tasks judges open and overdue) is the dashboard's
(:func:`dashboard.analysis.compstat.edge_slack`, which decides which days a source
covers): the Werklast page reads both, and they must say the same of one export."""

from __future__ import annotations

import datetime as dt

from dashboard.analysis.compstat import MAX_EDGE_SLACK, edge_slack

CASES = [(n, days) for n in (0, 1, 2, 3, 7, 30, 100, 365, 1000, 10**6) for days in
         (0, 1, 2, 10, 29, 30, 31, 51, 100, 365, 366, 730, 1095, 3650)]  # fmt: skip


def test_sql_slack_is_the_dashboards(con):
    first = dt.date(2024, 1, 1)
    seen = set()
    for n, days in CASES:
        last = first + dt.timedelta(days=days - 1)
        expected = edge_slack(n, first, last)
        got = con.execute("SELECT wb_edge_slack(?::BIGINT, ?::BIGINT)", [n, days]).fetchone()[0]
        assert got == expected, (n, days)
        seen.add(expected)
    # The grid reaches the rule's three regimes: none, some days, and the cap.
    assert 0 in seen and MAX_EDGE_SLACK in seen and seen - {0, MAX_EDGE_SLACK}


def test_sql_slack_of_nothing_is_zero(con):
    assert con.execute("SELECT wb_edge_slack(NULL, 10), wb_edge_slack(5, NULL)").fetchone() == (
        0,
        0,
    )
