"""CompStat: period bounds (ISO weeks, leap years), Poisson signal, Dutch sentences."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from dashboard.analysis.compstat import (
    compare_periods,
    counts_by_period,
    format_number_nl,
    notable_changes_sentences,
    period_bounds,
    poisson_p_value,
    poisson_signal,
    screen_changes,
)

D = dt.date


# --------------------------------------------------------------------------------------
# period_bounds
# --------------------------------------------------------------------------------------


def test_week_53_of_2026():
    # 31/12/2026 is a Thursday in ISO week 53 (2026 starts on a Thursday).
    b = period_bounds("week", "2026-12-31")
    assert (b.iso_year, b.iso_week) == (2026, 53)
    assert b.current.as_tuple() == (D(2026, 12, 28), D(2027, 1, 3))
    assert b.previous.as_tuple() == (D(2026, 12, 21), D(2026, 12, 27))
    # 52 weeks earlier: Monday 29/12/2025, which is ISO 2026-W01, the calendar-closest week.
    assert b.last_year.as_tuple() == (D(2025, 12, 29), D(2026, 1, 4))
    assert b.label() == "week 53 van 2026"


def test_week_containing_new_year_belongs_to_previous_iso_year():
    b = period_bounds("week", dt.datetime(2021, 1, 1, 14, 30))
    assert (b.iso_year, b.iso_week) == (2020, 53)
    assert b.current.as_tuple() == (D(2020, 12, 28), D(2021, 1, 3))


def test_week_ending_on_sunday():
    b = period_bounds("week", "2026-11-29")  # a Sunday
    assert b.current.as_tuple() == (D(2026, 11, 23), D(2026, 11, 29))
    assert b.current.start.weekday() == 0 and b.current.days == 7
    assert b.last_year.start.weekday() == 0
    assert b.iso_week == 48


def test_28_days_across_leap_day():
    b = period_bounds("28d", "2024-03-10")
    assert b.current.as_tuple() == (D(2024, 2, 12), D(2024, 3, 10))  # includes 29/02/2024
    assert b.previous.as_tuple() == (D(2024, 1, 15), D(2024, 2, 11))
    assert b.last_year.as_tuple() == (D(2023, 2, 13), D(2023, 3, 12))
    assert b.current.days == b.previous.days == b.last_year.days == 28
    assert b.current.start.weekday() == b.last_year.start.weekday()


def test_ytd_on_leap_day():
    b = period_bounds("ytd", "2028-02-29")
    assert b.current.as_tuple() == (D(2028, 1, 1), D(2028, 2, 29))
    assert b.current.days == 60
    assert b.last_year.as_tuple() == (D(2027, 1, 1), D(2027, 2, 28))  # 29/02 → 28/02
    # The year to date's previous period is last year's (not 02/11–31/12, another season),
    # as on every other page.
    assert b.previous == b.last_year


def test_ytd_after_leap_year_covers_the_leap_day():
    b = period_bounds("ytd", "2025-03-01")
    assert b.current.days == 60
    assert b.last_year.as_tuple() == (D(2024, 1, 1), D(2024, 3, 1))
    assert b.last_year.days == 61  # same calendar dates, one day longer: documented


def test_ytd_on_first_of_january():
    b = period_bounds("ytd", "2026-01-01")
    assert b.current.as_tuple() == (D(2026, 1, 1), D(2026, 1, 1))
    assert b.previous.as_tuple() == b.last_year.as_tuple() == (D(2025, 1, 1), D(2025, 1, 1))


def test_unknown_period_kind():
    with pytest.raises(ValueError, match="Onbekende periode"):
        period_bounds("maand", "2026-01-01")


def test_counts_by_period():
    b = period_bounds("week", "2026-11-29")  # now 23–29/11, previous 16–22/11
    events = pd.DataFrame(
        {
            "date": pd.to_datetime(
                ["2026-11-23", "2026-11-29", "2026-11-22", "2025-11-24", "2026-11-30"]
            ),
            "category": ["Inbraak", "Drugs", "Inbraak", "Inbraak", "Inbraak"],
        }
    )
    counts = counts_by_period(events, b, by="category")
    assert counts.loc["Inbraak"].tolist() == [1, 1, 1]  # 24/11/2025 is in last year's week
    assert counts.loc["Drugs"].tolist() == [1, 0, 0]
    total = counts_by_period(events.assign(n=2), b, weight_col="n")
    assert total.loc["totaal"].tolist() == [4, 2, 2]


# --------------------------------------------------------------------------------------
# compare_periods
# --------------------------------------------------------------------------------------


def test_poisson_signal_values():
    assert poisson_signal(16, 9) == pytest.approx(2.0)  # 2·(4 − 3)
    assert poisson_signal(25, 9) == pytest.approx(4.0)
    assert poisson_signal(0, 4) == pytest.approx(-4.0)


def test_compare_periods_signal_notable_and_direction():
    now = pd.Series({"a": 16, "b": 25, "c": 0, "d": 7})
    prev = pd.Series({"a": 9, "b": 9, "c": 4, "d": 7})
    out = compare_periods(now, prev, prev)
    assert out["z_prev"].tolist() == pytest.approx([2.0, 4.0, -4.0, 0.0])
    # |z| must be strictly greater than 2.
    assert out["notable_prev"].tolist() == [False, True, True, False]
    assert out["direction_prev"].tolist() == ["stijging", "stijging", "daling", "gelijk"]
    assert out["diff_prev"].tolist() == [7, 16, -4, 0]
    assert out["notable_last_year"].tolist() == out["notable_prev"].tolist()


def test_percentage_only_on_a_base_of_twenty_or_more():
    out = compare_periods([25, 25, 4, 0], [20, 19, 0, 0], [40, 2, 0, 0])
    assert out["pct_prev"].tolist() == [25.0, None, None, None]
    assert out["pct_last_year"].tolist() == [-37.5, None, None, None]
    assert compare_periods([6], [5], min_base_for_percent=5)["pct_prev"].tolist() == [20.0]


def test_compare_periods_aligns_series_and_fills_missing_groups_with_zero():
    out = compare_periods(pd.Series({"x": 3}), pd.Series({"y": 2}), pd.Series({"x": 1}))
    assert out.loc["x", ["now", "previous", "last_year"]].tolist() == [3, 0, 1]
    assert out.loc["y", ["now", "previous", "last_year"]].tolist() == [0, 2, 0]
    assert out["now"].dtype == np.int64


def test_compare_periods_without_last_year():
    out = compare_periods([10], [2])
    assert np.isnan(out.loc[0, "z_last_year"])
    assert not out.loc[0, "notable_last_year"]
    assert out.loc[0, "direction_last_year"] is None


def test_compare_periods_rejects_negative_counts():
    with pytest.raises(ValueError):
        compare_periods([-1], [2])


# --------------------------------------------------------------------------------------
# sentences
# --------------------------------------------------------------------------------------


def test_format_number_nl():
    assert format_number_nl(1234) == "1.234"
    assert format_number_nl(1234567.891, 2) == "1.234.567,89"
    assert format_number_nl(-9) == "-9"
    assert format_number_nl(9, signed=True) == "+9"
    assert format_number_nl(0, signed=True) == "0"
    assert format_number_nl(12.5, 1, signed=True) == "+12,5"


def test_sentence_from_the_brief():
    df = compare_periods(
        pd.Series({"Woninginbraak": 14}),
        pd.Series({"Woninginbraak": 5}),
        pd.Series({"Woninginbraak": 12}),  # z = 2·(√14 − √12) ≈ 0.55: not notable
    )
    assert notable_changes_sentences(df, "feiten", "Herent-Centrum") == [
        "Woninginbraak in Herent-Centrum: 14 feiten tegenover 5 in de vorige periode (+9), "
        "een opvallende stijging."
    ]


def test_sentences_order_percentages_and_both_comparisons():
    df = compare_periods(
        pd.Series({"Fietsdiefstal": 1250, "Vandalisme": 3, "Drugs": 9, "Oplichting": 1}),
        pd.Series({"Fietsdiefstal": 1100, "Vandalisme": 12, "Drugs": 8, "Oplichting": 7}),
        pd.Series({"Fietsdiefstal": 1000, "Vandalisme": 13, "Drugs": 9, "Oplichting": 1}),
    )
    sentences = notable_changes_sentences(df, "feiten", "Kortenberg")
    assert sentences == [
        # z_last_year = 2·(√1250 − √1000) ≈ 7.46, the strongest signal, comes first
        "Fietsdiefstal in Kortenberg: 1.250 feiten tegenover 1.100 in de vorige periode "
        "(+150, +14 %) en 1.000 in dezelfde periode vorig jaar (+250, +25 %), "
        "een opvallende stijging.",
        # 3 vs 12 / 13: z ≈ −3.46 / −3.75; bases < 20, so no percentage
        "Vandalisme in Kortenberg: 3 feiten tegenover 12 in de vorige periode (-9) en 13 in "
        "dezelfde periode vorig jaar (-10), een opvallende daling.",
        # 1 vs 7: z ≈ −3.29 (only against the previous period); singular "feit"
        "Oplichting in Kortenberg: 1 feit tegenover 7 in de vorige periode (-6), "
        "een opvallende daling.",
    ]
    assert all("%" not in s for s in sentences[1:])
    assert len(notable_changes_sentences(df, "feiten", "Kortenberg", max_items=1)) == 1


def test_sentence_with_opposite_directions():
    df = compare_periods([30], [10], [60])  # z_prev ≈ 4.63, z_last_year ≈ −4.54
    df.index = ["Winkeldiefstal"]
    (sentence,) = notable_changes_sentences(df, "feiten", "Herent")
    assert sentence == (
        "Winkeldiefstal in Herent: 30 feiten tegenover 10 in de vorige periode (+20), een "
        "opvallende stijging; tegenover 60 in dezelfde periode vorig jaar (-30, -50 %) is het "
        "een opvallende daling."
    )


def test_no_sentences_when_nothing_is_notable():
    df = compare_periods([5, 6], [4, 6], [5, 7])
    assert notable_changes_sentences(df, "meldingen", "Meerbeek") == []


def test_label_column_and_domain_singular():
    df = compare_periods([1], [9]).assign(category="Sluikstort")
    (sentence,) = notable_changes_sentences(df, "meldingen", "Everberg", label_col="category")
    assert sentence.startswith("Sluikstort in Everberg: 1 melding tegenover 9")


# --------------------------------------------------------------------------------------
# exact test and the screen of many comparisons ("Wat valt op")
# --------------------------------------------------------------------------------------


def test_poisson_p_value_matches_the_exact_binomial_test():
    from scipy.stats import binomtest

    grid = [(a, b) for a in range(0, 31, 3) for b in range(0, 31, 2) if a + b] + [(40, 70)]
    now, before = zip(*grid, strict=True)
    got = poisson_p_value(now, before)
    want = [binomtest(a, a + b, 0.5).pvalue for a, b in grid]
    np.testing.assert_allclose(got, want, rtol=1e-9)
    assert poisson_p_value([0], [2])[0] == pytest.approx(0.5)
    assert poisson_p_value([2], [10])[0] == pytest.approx(0.0386, abs=1e-4)
    assert poisson_p_value([0], [0])[0] == 1.0
    assert np.isnan(poisson_p_value([3], [np.nan])[0])
    # With clumped counts (φ > 1) too: 0 now against an unknown period was p = 1, and the
    # briefing counted it among its comparisons (an audit).
    got = poisson_p_value([0, 3, 0, 20], [np.nan, np.nan, 0, 8], [1.5, 1.5, 1.5, 2.0])
    assert np.isnan(got[0]) and np.isnan(got[1]) and got[2] == 1.0
    assert got[3] == pytest.approx(poisson_p_value([10], [4])[0], rel=1e-6)


def test_compare_periods_gives_p_values():
    df = compare_periods([0, 30], [2, 10], [1, 60])
    assert df["p_prev"].tolist() == pytest.approx([0.5, poisson_p_value([30], [10])[0]])
    no_history = compare_periods([4], [5])
    assert np.isnan(no_history["p_last_year"].iloc[0])


def test_screen_drops_changes_chance_gives_and_confirms_strong_ones():
    # 0 against 2: |z| = 2.83, "opvallend" in its table row, but chance gives it half the
    # time (the briefing listed "Overlast in Erps-Kwerps-Noord: 0 meldingen tegenover 2 in
    # de vorige periode (-2), een opvallende daling"). 2 against 10: p = 0.039, kept.
    # 40 against 10: p = 0.00002, kept and confirmed among 2 x 63 comparisons (30 against
    # 10, p = 0.002, would not be: Benjamini-Hochberg asks 0.0016 of the two best).
    noise = pd.Series(dict.fromkeys([f"W{i:02d}" for i in range(60)], 5))
    now = pd.concat([pd.Series({"Erps": 0, "Herent": 2, "Winksele": 40}), noise])
    before = pd.concat([pd.Series({"Erps": 2, "Herent": 10, "Winksele": 10}), noise])
    table = compare_periods(now, before, before)
    assert table.loc[["Erps", "Herent", "Winksele"], "notable_prev"].all()  # |z| > 2
    screen = screen_changes([table])
    (kept,) = screen.results
    assert kept["notable_prev"].to_dict() == {
        **dict.fromkeys(table.index, False),
        "Herent": True,
        "Winksele": True,
    }
    assert kept["confirmed_prev"].loc[["Herent", "Winksele"]].tolist() == [False, True]
    assert (screen.comparisons, screen.kept, screen.confirmed) == (126, 4, 2)
    assert table["notable_prev"].loc["Erps"]  # the table itself is left as it was
    sentences = notable_changes_sentences(kept, "feiten", "de zone")
    assert [s.split(":")[0] for s in sentences] == ["Winksele in de zone", "Herent in de zone"]
    assert sentences[0].endswith("een opvallende stijging. ★")
    assert not sentences[1].endswith("★")
    note = screen.note()
    assert "126 vergelijkingen" in note and "ongeveer 6" in note and "★ =" in note


def test_screen_note_says_when_nothing_survives_the_correction():
    table = compare_periods(pd.Series({"A": 2}), pd.Series({"A": 10}))
    screen = screen_changes([table] * 1 + [compare_periods([5] * 40, [5] * 40)])
    assert screen.kept == 1 and screen.confirmed == 0
    assert "Geen ervan blijft opvallend" in screen.note()


def test_sentences_rank_by_how_unlikely_the_change_is():
    # |z| ranks 0 against 6 (z = -4.9) above 40 against 70 (z = -4.2); chance gives the
    # first 3 % of the time, the second 0.5 %: the second comes first.
    df = compare_periods(pd.Series({"Klein": 0, "Groot": 40}), pd.Series({"Klein": 6, "Groot": 70}))
    sentences = notable_changes_sentences(df, "feiten", "Herent")
    assert [s.split(" in ")[0] for s in sentences] == ["Groot", "Klein"]


# --------------------------------------------------------------------------------------
# Counts that come in clumps (victims per accident)
# --------------------------------------------------------------------------------------


def test_clump_dispersion_is_sum_of_squares_over_sum():
    from dashboard.analysis.compstat import clump_dispersion

    assert clump_dispersion([1, 1, 1]) == 1.0  # one victim per accident: Poisson
    assert clump_dispersion([1, 1, 2, 3]) == pytest.approx(15 / 7)
    assert clump_dispersion([]) == 1.0
    assert clump_dispersion([0, 2]) == 2.0  # an accident without victims is no clump
    # The same as a frequency table (size, how many clumps of that size), as SQL counts it.
    assert clump_dispersion([1, 2, 3], [2, 1, 1]) == pytest.approx(15 / 7)
    assert clump_dispersion([0, 2], [5, 3]) == 2.0
    assert clump_dispersion([1, 2], [0, 0]) == 1.0


def test_dispersed_p_value_is_the_exact_test_on_the_scaled_counts():
    from scipy.stats import binomtest

    # 20 victims against 8 with dispersion 2 is tested as 10 against 4.
    assert poisson_p_value(20, 8, 2.0) == pytest.approx(binomtest(10, 14).pvalue)
    assert poisson_p_value(0, 6, 3.0) == pytest.approx(binomtest(0, 2).pvalue)
    # The continuous form meets the exact binomial tails at whole numbers.
    now, before = np.array([0, 2, 40, 20, 5, 7]), np.array([2, 10, 70, 8, 5, 0])
    assert poisson_p_value(now, before, 1 + 1e-12) == pytest.approx(
        poisson_p_value(now, before), rel=1e-6
    )
    # A larger dispersion never makes a change more remarkable.
    ps = [float(poisson_p_value(14, 4, phi)) for phi in (1.0, 1.3, 1.7, 2.5)]
    assert ps == sorted(ps) and ps[0] < 0.05 < ps[-1]
    assert poisson_signal(14, 4, 2.0) == pytest.approx(2 * (np.sqrt(14) - 2) / np.sqrt(2))


def test_victims_in_clumps_are_not_called_notable_by_chance_once_dispersion_counts():
    """Victims come per accident, so their count varies more than a Poisson count. Two
    periods with the same accident rate: the plain test called the difference in victims
    notable (|z| > 2 and p < 0.05) about three times as often as it should; scaled by the
    dispersion estimated from the accidents themselves, no more than the 5 % asked for."""
    from dashboard.analysis.compstat import clump_dispersion

    rng = np.random.default_rng(7)
    runs = 4000
    accidents = rng.poisson(25, size=(runs, 2))
    # 1 + Poisson(0.7) victims per accident: dispersion E[k²]/E[k] = 3.59/1.7 ≈ 2.1.
    victims = np.array(
        [[(1 + rng.poisson(0.7, n)).sum() for n in pair] for pair in accidents], dtype=float
    )
    phi = clump_dispersion(1 + rng.poisson(0.7, 5000))
    assert phi == pytest.approx(3.59 / 1.7, rel=0.05)

    def false_alarms(dispersion: float) -> float:
        cmp = compare_periods(victims[:, 0], victims[:, 1], dispersion=dispersion)
        return float((cmp["notable_prev"] & (cmp["p_prev"] < 0.05)).mean())

    assert false_alarms(1.0) > 0.12
    assert false_alarms(phi) < 0.06


def test_compare_periods_takes_dispersion_per_group():
    now = pd.Series({"ongevallen": 14, "slachtoffers": 14})
    before = pd.Series({"ongevallen": 4, "slachtoffers": 4})
    cmp = compare_periods(now, before, dispersion=pd.Series({"slachtoffers": 2.0}))
    assert cmp.at["ongevallen", "z_prev"] == pytest.approx(2 * (np.sqrt(14) - 2))
    assert cmp.at["slachtoffers", "z_prev"] == pytest.approx(
        cmp.at["ongevallen", "z_prev"] / np.sqrt(2)
    )
    assert cmp.at["ongevallen", "p_prev"] < cmp.at["slachtoffers", "p_prev"]
    with pytest.raises(ValueError, match="spreidingsfactor"):
        compare_periods(now, before, dispersion=0.5)
