"""Which report cells a source does not cover (municipal_report._source_gaps), and how a
source's days are read from its records (compstat.edge_slack, SourceSpan)."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd

from dashboard.analysis.compstat import (
    EDGE_CHANCE,
    MAX_EDGE_SLACK,
    SourceSpan,
    edge_slack,
    source_spans,
)
from dashboard.documents import municipal_report as mr
from dashboard.queries.overview import MEASURE_DOMAIN

LABELS = {
    "incidents": "Feiten (pv's)",
    "injury_accidents": "Letselongevallen",
    "victims": "Slachtoffers",
}


def _spans(**domains):
    """Domain → SourceSpan without slack (the slack has its own tests)."""
    return {
        d: SourceSpan(date.fromisoformat(a), date.fromisoformat(b)) for d, (a, b) in domains.items()
    }


def test_every_source_covers_the_span():
    spans = _spans(incidents=("2024-01-01", "2025-12-31"), accidents=("2024-01-01", "2025-12-31"))
    missing, partial, note = mr._source_gaps(
        spans, LABELS, MEASURE_DOMAIN, [("", date(2025, 1, 1), date(2025, 3, 31))]
    )
    assert not missing.any() and partial == {} and note == ""


def test_a_source_never_loaded_or_ended_before_the_span_is_missing():
    q3 = [("", date(2025, 7, 1), date(2025, 9, 30))]
    never = _spans(incidents=("2024-01-01", "2025-12-31"))
    missing, partial, note = mr._source_gaps(never, LABELS, MEASURE_DOMAIN, q3)
    assert missing.tolist() == [[False, True, True]] and note == mr.NO_SOURCE_NOTE
    assert partial == {}
    ended = _spans(incidents=("2024-01-01", "2025-12-31"), accidents=("2024-01-01", "2025-06-30"))
    assert mr._source_gaps(ended, LABELS, MEASURE_DOMAIN, q3)[0].tolist() == [[False, True, True]]
    # A source that only starts after the span is missing there too.
    later = _spans(incidents=("2024-01-01", "2025-12-31"), accidents=("2025-10-01", "2025-12-31"))
    assert mr._source_gaps(later, LABELS, MEASURE_DOMAIN, q3)[0].tolist() == [[False, True, True]]


def test_a_source_that_covers_part_of_a_span_says_until_or_from_when():
    spans = _spans(incidents=("2023-01-01", "2025-12-31"), accidents=("2024-02-20", "2025-08-15"))
    rows = [
        ("2023", date(2023, 7, 1), date(2023, 9, 30)),
        ("2024", date(2024, 1, 1), date(2024, 3, 31)),
        ("2025", date(2025, 7, 1), date(2025, 9, 30)),
    ]
    missing, partial, note = mr._source_gaps(spans, LABELS, MEASURE_DOMAIN, rows)
    assert missing.tolist() == [[False, True, True], [False] * 3, [False] * 3]
    # The cells of part of their span, marked "*" in the tables.
    assert partial == {
        (1, 1): "vanaf 20/02/2024",
        (1, 2): "vanaf 20/02/2024",
        (2, 1): "tot en met 15/08/2025",
        (2, 2): "tot en met 15/08/2025",
    }
    assert note == (
        f"{mr.NO_SOURCE_NOTE} * Letselongevallen en Slachtoffers in 2024: alleen gegevens "
        "vanaf 20/02/2024. * Letselongevallen en Slachtoffers in 2025: alleen gegevens tot en "
        "met 15/08/2025."
    )
    one = mr._source_gaps(spans, LABELS, MEASURE_DOMAIN, [rows[2]])[2]
    assert one == "* Letselongevallen en Slachtoffers: alleen gegevens tot en met 15/08/2025."


def test_edge_slack_follows_how_sparse_the_source_is():
    first, last = date(2024, 1, 1), date(2024, 12, 31)  # 366 days
    assert edge_slack(366 * 10, first, last) == 0  # ten a day: a quiet day is no gap
    assert edge_slack(366 * 2, first, last) == 2  # two a day: exp(-2·2) > 1 %, exp(-2·3) not
    assert math.exp(-2 * 2) >= EDGE_CHANCE > math.exp(-2 * 3)
    assert edge_slack(366 // 3, first, last) == 13  # one in three days
    assert edge_slack(2, first, last) == MAX_EDGE_SLACK
    assert edge_slack(0, first, last) == 0


def test_a_sparse_source_whose_last_record_lies_days_before_the_end_covers_it():
    # Two accidents a day: the last one two days before the period's end is chance.
    span = SourceSpan(date(2024, 1, 1), date(2025, 9, 28), slack=2)
    assert span.covers(pd.Series({"start": date(2025, 7, 1), "end": date(2025, 9, 30)}))
    assert span.reach(date(2025, 7, 1), date(2025, 9, 30)) == (date(2025, 7, 1), date(2025, 9, 30))
    assert span.reach(date(2025, 7, 1), date(2025, 10, 1)) == (date(2025, 7, 1), date(2025, 9, 28))
    assert span.reach(date(2025, 10, 1), date(2025, 12, 31)) is None


def test_source_spans_from_the_coverage_frame():
    cov = pd.DataFrame(
        {
            "domain": ["accidents", "incidents"],
            "first": pd.to_datetime(["2024-01-02", "2024-01-01"]),
            "last": pd.to_datetime(["2024-12-30", "2024-12-31"]),
            "n": [730, 5000],
        }
    )
    spans = source_spans(cov)
    assert spans["incidents"] == SourceSpan(date(2024, 1, 1), date(2024, 12, 31), 0)
    assert spans["accidents"] == SourceSpan(date(2024, 1, 2), date(2024, 12, 30), 2)
    # The demo's accidents start a day after its facts: the report's first quarter is whole.
    assert spans["accidents"].covers(
        pd.Series({"start": date(2024, 1, 1), "end": date(2024, 3, 31)})
    )


def test_known_until_is_the_newest_day_or_the_export_s_last():
    span = SourceSpan(date(2024, 1, 1), date(2025, 12, 29), slack=2)
    assert span.known_until(date(2025, 12, 31)) == date(2025, 12, 31)  # a quiet end
    assert span.known_until(date(2026, 1, 1)) == date(2025, 12, 29)  # stopped: its last day
