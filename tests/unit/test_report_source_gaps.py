"""Which report cells a source does not cover (municipal_report._source_gaps)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard.documents import municipal_report as mr

LABELS = {
    "incidents": "Feiten (pv's)",
    "injury_accidents": "Letselongevallen",
    "victims": "Slachtoffers",
}


def _cov(**domains):
    return pd.DataFrame(
        [(d, pd.Timestamp(a), pd.Timestamp(b)) for d, (a, b) in domains.items()],
        columns=["domain", "first", "last"],
    ).set_index("domain")


def test_every_source_covers_the_span():
    cov = _cov(incidents=("2024-01-01", "2025-12-31"), accidents=("2024-01-01", "2025-12-31"))
    missing, note = mr._source_gaps(
        cov, LABELS, mr._MEASURE_DOMAIN, [("", date(2025, 1, 1), date(2025, 3, 31))]
    )
    assert not missing.any() and note == ""


def test_a_source_never_loaded_or_ended_before_the_span_is_missing():
    q3 = [("", date(2025, 7, 1), date(2025, 9, 30))]
    never = _cov(incidents=("2024-01-01", "2025-12-31"))
    missing, note = mr._source_gaps(never, LABELS, mr._MEASURE_DOMAIN, q3)
    assert missing.tolist() == [[False, True, True]] and note == mr.NO_SOURCE_NOTE
    ended = _cov(incidents=("2024-01-01", "2025-12-31"), accidents=("2024-01-01", "2025-06-30"))
    missing, _ = mr._source_gaps(ended, LABELS, mr._MEASURE_DOMAIN, q3)
    assert missing.tolist() == [[False, True, True]]
    # A source that only starts after the span is missing there too.
    later = _cov(incidents=("2024-01-01", "2025-12-31"), accidents=("2025-10-01", "2025-12-31"))
    assert mr._source_gaps(later, LABELS, mr._MEASURE_DOMAIN, q3)[0].tolist() == [
        [False, True, True]
    ]


def test_a_source_that_covers_part_of_a_span_says_until_or_from_when():
    cov = _cov(incidents=("2023-01-01", "2025-12-31"), accidents=("2024-02-20", "2025-08-15"))
    spans = [
        ("2023", date(2023, 7, 1), date(2023, 9, 30)),
        ("2024", date(2024, 1, 1), date(2024, 3, 31)),
        ("2025", date(2025, 7, 1), date(2025, 9, 30)),
    ]
    missing, note = mr._source_gaps(cov, LABELS, mr._MEASURE_DOMAIN, spans)
    assert missing.tolist() == [[False, True, True], [False, False, False], [False] * 3]
    assert note == (
        f"{mr.NO_SOURCE_NOTE} Letselongevallen en Slachtoffers in 2024: alleen gegevens "
        "vanaf 20/02/2024. Letselongevallen en Slachtoffers in 2025: alleen gegevens tot en "
        "met 15/08/2025."
    )
    one = mr._source_gaps(cov, LABELS, mr._MEASURE_DOMAIN, [spans[2]])[1]
    assert one == "Letselongevallen en Slachtoffers: alleen gegevens tot en met 15/08/2025."


def test_a_sparse_source_whose_first_record_lies_days_into_the_span_covers_it():
    # Coverage is read from the records: the first accident may fall a few days after
    # the export's real start without the report calling the period partial.
    edge = mr.EDGE_DAYS
    cov = _cov(
        incidents=("2024-01-01", "2025-12-31"),
        accidents=(str(date(2024, 1, 1 + edge)), "2025-12-31"),
    )
    span = [("", date(2024, 1, 1), date(2024, 3, 31))]
    missing, note = mr._source_gaps(cov, LABELS, mr._MEASURE_DOMAIN, span)
    assert not missing.any() and note == ""
    late = _cov(
        incidents=("2024-01-01", "2025-12-31"),
        accidents=(str(date(2024, 1, 2 + edge)), "2025-12-31"),
    )
    assert "vanaf" in mr._source_gaps(late, LABELS, mr._MEASURE_DOMAIN, span)[1]
