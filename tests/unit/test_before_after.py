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


def test_windows_stop_short_of_a_month_without_one_record():
    """March 2025 missing from a busy register: a measure on 01/04 compared 0 in March with
    9 in April as "opvallend" (an audit, fifty-eighth session). Both stretches stop short
    of such a month; too little left is no comparison, and it says why."""
    gaps = (date(2025, 3, 1),)
    first, last = date(2023, 1, 1), date(2026, 6, 30)
    # The month right before: no comparison.
    reason = before_after.windows(date(2025, 4, 1), 28, first, last, gaps=gaps)
    assert reason == (
        "geen enkel record met datum in 03/2025 (een ontbrekende export?): aan één kant van "
        "01/04/2025 blijven maar 0 dagen over, minder dan 14"
    )
    # Three weeks after it: 20 days each side, the before side from 01/04.
    w = before_after.windows(date(2025, 4, 21), 91, first, last, gaps=gaps)
    assert w.before == Period(date(2025, 4, 1), date(2025, 4, 20))
    assert w.after == Period(date(2025, 4, 21), date(2025, 5, 10)) and w.shortened
    # A measure before the gap: the after side stops at 28/02.
    w = before_after.windows(date(2025, 2, 1), 91, first, last, gaps=gaps)
    assert w.after == Period(date(2025, 2, 1), date(2025, 2, 28)) and w.days == 28
    # A measure inside the gap.
    assert "geen enkel record met datum in 03/2025" in before_after.windows(
        date(2025, 3, 10), 28, first, last, gaps=gaps
    )
    # A gap out of reach changes nothing.
    w = before_after.windows(date(2025, 8, 1), 28, first, last, gaps=gaps)
    assert w.days == 28 and not w.shortened
    # An approach's stretches likewise.
    assert isinstance(
        before_after.effect_windows(date(2025, 4, 1), None, first, last, gaps=gaps), str
    )


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


# --- the address against its surroundings and the rest -------------------------------------


def test_relative_change_takes_the_rest_s_trend_out():
    # The address halves while the rest halves too: no change of its own.
    same = before_after.relative_change(20, 10, 2000, 1000)
    assert same["verhouding"] == pytest.approx(1.0, rel=0.02)
    assert same["laag"] < 1 < same["hoog"] and same["richting"] == "gelijk"
    # The address falls from 40 to 10 while the rest stays: a fall beyond chance.
    fell = before_after.relative_change(40, 10, 1500, 1500)
    assert fell["verhouding"] == pytest.approx(0.25, rel=0.05)
    assert fell["hoog"] < 1 and fell["richting"] == "daling"
    # It rises from 5 to 30 while the rest halves: a rise beyond chance, ratio near 12.
    rose = before_after.relative_change(5, 30, 2000, 1000)
    assert rose["laag"] > 1 and rose["richting"] == "stijging"
    assert rose["verhouding"] == pytest.approx(12, rel=0.05)


def test_relative_change_holds_for_a_side_without_records():
    gone = before_after.relative_change(6, 0, 1000, 1000)  # nothing after: ratio 0
    assert gone["verhouding"] == 0 and gone["laag"] == 0 and 0 < gone["hoog"] < 1
    assert gone["richting"] == "daling"  # 6 against 0 with an unchanged rest is no chance
    new = before_after.relative_change(0, 3, 1000, 1000)  # nothing before: ratio infinite
    assert new["verhouding"] == float("inf") and new["richting"] == "gelijk"  # 0 vs 3: chance
    none = before_after.relative_change(0, 0, 1000, 1000)
    assert none["verhouding"] != none["verhouding"] and none["richting"] == "gelijk"


def test_displacement_quotient_follows_bowers_and_johnson():
    rest = (1000, 1000)
    # The address falls by 10 per 1000 of the rest, its surroundings by 5: half the gain
    # spread to them (diffusion of benefits).
    assert before_after.displacement_quotient((20, 10), (30, 25), rest) == pytest.approx(0.5)
    # The surroundings rise by 15 while the address falls by 10: more moved than was won.
    assert before_after.displacement_quotient((20, 10), (30, 45), rest) == pytest.approx(-1.5)
    # The address did not improve against the rest: no reading.
    wdq = before_after.displacement_quotient((10, 12), (30, 20), rest)
    assert wdq != wdq
    assert before_after.displacement_quotient((20, 10), (30, 20), (0, 100)) != 0  # NaN


@pytest.mark.parametrize(
    ("wdq", "around", "direction", "around_direction", "says"),
    [
        (0.5, (30, 25), "daling", "daling", "ook de omgeving ging erop vooruit"),
        (1.4, (30, 10), "daling", "daling", "meer op vooruit dan het adres zelf"),
        (-0.4, (30, 35), "daling", "stijging", "een deel verplaatste zich"),
        (-1.5, (30, 45), "daling", "stijging", "meer naar de omgeving dan wat het adres won"),
        # The surroundings' change within chance: no reading of the quotient's sign.
        (0.0, (30, 30), "daling", "gelijk", "geen aantoonbare verplaatsing of uitstraling"),
        (0.5, (30, 25), "daling", "gelijk", "niet meer dan toeval"),
        (-1.5, (30, 45), "daling", "gelijk", "niet meer dan toeval"),
        (-1.5, (30, 45), "gelijk", "stijging", "zonder duidelijke daling op het adres"),
        (
            -1.5,
            (3, 5),
            "daling",
            "stijging",
            "te weinig registraties in de omgeving (8, minder dan 10)",
        ),
    ],
)
def test_displacement_text_reads_only_a_real_effect(wdq, around, direction, around_direction, says):
    assert says in before_after.displacement_text(wdq, around, direction, around_direction)


def _surrounding_days(since: date, rows) -> pd.DataFrame:
    """Per-day frame of (offset from since, adres, omgeving, totaal)."""
    return pd.DataFrame(
        [
            {"dag": since + timedelta(days=o), "adres": a, "omgeving": b, "totaal": t}
            for o, a, b, t in rows
        ]
    )


def test_surroundings_counts_the_three_areas_on_the_stretches():
    since = date(2026, 6, 1)
    w = before_after.windows(since, 28, date(2024, 1, 1), date(2026, 12, 31))
    daily = _surrounding_days(
        since,
        [
            (-40, 9, 9, 900),  # before the stretch: not counted
            (-10, 30, 12, 1000),
            (-1, 10, 3, 500),
            (0, 5, 6, 700),
            (27, 3, 2, 800),
            (28, 9, 9, 900),  # after it: not counted
        ],
    )
    got = before_after.surroundings(daily, w)
    assert got["adres"] == (40, 8) and got["omgeving"] == (15, 8)
    assert got["rest"] == (1500 - 40 - 15, 1500 - 8 - 8)
    assert got["adres_relatief"]["richting"] == "daling"
    assert got["wdq"] == pytest.approx((8 / 1484 - 15 / 1445) / (8 / 1484 - 40 / 1445))
    # The quotient is 0.2 (diffusion), but 15 -> 8 records in the surroundings against a
    # steady rest is within chance (interval 0.19-1.31): no diffusion is claimed.
    assert got["omgeving_relatief"]["richting"] == "gelijk"
    assert "niet meer dan toeval" in got["verplaatsing"]


@pytest.mark.parametrize(
    ("around_after", "says"),
    [
        (20, "ook de omgeving ging erop vooruit"),  # 60 -> 20: beyond chance
        (45, "niet meer dan toeval"),  # 60 -> 45: within it
        (110, "een deel verplaatste zich naar de omgeving"),  # 60 -> 110: beyond chance
    ],
)
def test_surroundings_claim_diffusion_or_displacement_only_beyond_chance(around_after, says):
    since = date(2026, 6, 1)
    w = before_after.windows(since, 28, date(2024, 1, 1), date(2026, 12, 31))
    # The address falls from 300 to 100 records while the rest of the zone stays at 3000.
    daily = _surrounding_days(
        since, [(-5, 300, 60, 3360), (5, 100, around_after, 3100 + around_after)]
    )
    got = before_after.surroundings(daily, w)
    assert got["adres_relatief"]["richting"] == "daling"
    assert got["rest"] == (3000, 3000)
    assert says in got["verplaatsing"]


def test_surroundings_without_a_place_compare_with_the_rest_only():
    since = date(2026, 6, 1)
    w = before_after.windows(since, 28, date(2024, 1, 1), date(2026, 12, 31))
    daily = _surrounding_days(since, [(-3, 12, None, 400), (3, 2, None, 420)])
    got = before_after.surroundings(daily, w)
    assert got["omgeving"] is None and got["omgeving_relatief"] is None
    assert got["rest"] == (388, 418) and got["verplaatsing"] == before_after.NO_SURROUNDINGS
    assert got["adres_relatief"]["richting"] == "daling"


@pytest.mark.parametrize(("before", "after"), [(50, 51), (90, 30), (150, 170)])
def test_relative_change_of_a_busy_place_keeps_the_exact_answer(before, after):
    # Above EXACT_UP_TO records Woolf's interval stands in for the exact one: the same
    # ratio and bounds within 4 %.
    from scipy.stats.contingency import odds_ratio

    assert before + after > before_after.EXACT_UP_TO
    got = before_after.relative_change(before, after, 500_000, 480_000)
    exact = odds_ratio([[after, before], [480_000, 500_000]], kind="conditional")
    ci = exact.confidence_interval(confidence_level=before_after.CONFIDENCE)
    assert got["verhouding"] == pytest.approx(exact.statistic, rel=1e-4)
    assert got["laag"] == pytest.approx(ci.low, rel=0.04)
    assert got["hoog"] == pytest.approx(ci.high, rel=0.04)


def test_relative_change_of_a_busy_place_that_emptied():
    got = before_after.relative_change(200, 0, 500_000, 480_000)  # 0.5 added to each count
    assert 0 < got["verhouding"] < got["hoog"] < 0.05 and got["richting"] == "daling"
