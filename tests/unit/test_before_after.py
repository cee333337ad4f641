"""Before and after a measure at one address (dashboard.analysis.before_after)."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from dashboard.analysis import before_after
from dashboard.analysis.compstat import Period


def _daily(*pairs) -> pd.DataFrame:
    return pd.DataFrame({"dag": [d for d, _ in pairs], "aantal": [n for _, n in pairs]})


def test_windows_are_equally_long_around_the_first_day():
    w = before_after.windows(date(2026, 6, 1), 28, date(2024, 1, 1), date(2026, 12, 31))
    assert w.before == Period(date(2026, 5, 4), date(2026, 5, 31))
    assert w.after == Period(date(2026, 6, 1), date(2026, 6, 28))
    assert w.days == 28 and not w.shortened


def test_windows_shorten_both_sides_when_the_data_end_sooner():
    # Data up to 30/06: 30 days after 01/06, so 30 before as well, not the 91 asked.
    w = before_after.windows(date(2026, 6, 1), 91, date(2024, 1, 1), date(2026, 6, 30))
    assert w.after == Period(date(2026, 6, 1), date(2026, 6, 30))
    assert w.before == Period(date(2026, 5, 2), date(2026, 5, 31))
    assert w.shortened and w.days == 30 and w.asked_days == 91


def test_windows_shorten_both_sides_when_the_data_begin_later():
    w = before_after.windows(date(2024, 2, 1), 91, date(2024, 1, 1), date(2026, 6, 30))
    assert w.before == Period(date(2024, 1, 1), date(2024, 1, 31))
    assert w.after.days == 31 and w.after.start == date(2024, 2, 1)


@pytest.mark.parametrize(
    ("since", "first", "last", "says"),
    [
        (date(2026, 7, 1), date(2024, 1, 1), date(2026, 6, 30), "nog niets na 01/07/2026"),
        (date(2024, 1, 1), date(2024, 1, 1), date(2026, 6, 30), "niets vóór 01/01/2024"),
        (date(2026, 6, 25), date(2024, 1, 1), date(2026, 6, 30), "maar 6 dagen, minder dan 14"),
        (date(2026, 6, 1), None, None, "geen gegevens"),
    ],
)
def test_no_comparison_says_why(since, first, last, says):
    reason = before_after.windows(since, 91, first, last)
    assert isinstance(reason, str) and says in reason


def test_compare_counts_the_stretches_and_judges_like_compstat():
    since = date(2026, 6, 1)
    w = before_after.windows(since, 28, date(2024, 1, 1), date(2026, 12, 31))
    before_days = [since - timedelta(days=i) for i in range(1, 29)]
    daily = _daily(
        (since - timedelta(days=29), 50),  # the day before the stretch: not counted
        *[(d, 1) for d in before_days[:20]],  # 20 before
        (since, 2),
        (since + timedelta(days=27), 1),  # the last day after
        (since + timedelta(days=28), 40),  # after the stretch: not counted
    )
    got = before_after.compare(daily, w)
    assert (got["voor"], got["na"], got["verschil"]) == (20, 3, -17)
    assert got["signaal"] == pytest.approx(2 * (3**0.5 - 20**0.5))
    assert got["opvallend"]  # 3 against 20: p well under 5 %
    # 10 against 3 has |z| > 2 but chance gives it 9 % of the time: not opvallend.
    small = before_after.compare(_daily((since - timedelta(days=1), 3), (since, 10)), w)
    assert small["signaal"] > 2 and not small["opvallend"]
    assert before_after.compare(_daily(), w) | {"p": 1.0} == {
        "voor": 0,
        "na": 0,
        "verschil": 0,
        "signaal": 0.0,
        "p": 1.0,
        "opvallend": False,
    }


def test_per_month_fills_known_months_with_zero_and_leaves_the_rest_out():
    daily = _daily(
        (date(2025, 12, 31), 9),
        (date(2026, 1, 5), 2),
        (date(2026, 1, 20), 1),
        (date(2026, 3, 2), 4),
    )
    got = before_after.per_month(daily, date(2026, 1, 1), date(2026, 3, 15))
    assert [str(m) for m in got["maand"]] == ["2026-01", "2026-02", "2026-03"]
    assert got["aantal"].tolist() == [3, 0, 4]
    assert before_after.per_month(_daily(), date(2026, 1, 1), date(2026, 2, 1))[
        "aantal"
    ].tolist() == [0, 0]


def test_an_approach_is_judged_from_its_first_to_its_last_day_at_most_a_year():
    first, last = date(2024, 1, 1), date(2026, 10, 31)
    ended = before_after.effect_windows(date(2026, 3, 1), date(2026, 3, 31), first, last)
    assert ended.after == Period(date(2026, 3, 1), date(2026, 3, 31))
    assert ended.before == Period(date(2026, 1, 29), date(2026, 2, 28))
    running = before_after.effect_windows(date(2026, 9, 1), None, first, last)
    assert running.after == Period(date(2026, 9, 1), date(2026, 10, 31))
    assert not running.shortened  # the days asked for are the days it ran
    long = before_after.effect_windows(date(2025, 1, 1), None, first, last)
    assert long.days == before_after.MAX_EFFECT_DAYS
    # Ended after the data's last day: judged up to that day.
    late = before_after.effect_windows(date(2026, 10, 1), date(2026, 12, 31), first, last)
    assert late.after.end == last
    assert "nog niets na" in before_after.effect_windows(date(2026, 11, 5), None, first, last)
    assert "geen gegevens" in before_after.effect_windows(date(2026, 3, 1), None, None, None)
