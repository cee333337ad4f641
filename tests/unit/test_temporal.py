"""Known-answer tests for hour × weekday matrices, aoristic weights and Poisson signals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.analysis.temporal import (
    WEEKDAY_LABELS,
    aoristic_hour_weekday,
    hour_weekday_matrix,
    monthly_with_last_year,
    poisson_signal,
)

# 2026-11-23 is a Monday, 2026-11-29 a Sunday.
MONDAY = "2026-11-23"


def _windows(pairs):
    start, end = zip(*pairs, strict=True)
    return pd.DataFrame({"van": pd.to_datetime(list(start)), "tot": pd.to_datetime(list(end))})


def test_hour_weekday_matrix_counts_and_shape():
    df = pd.DataFrame(
        {
            "ts": pd.to_datetime(
                [
                    "2026-11-23 08:15",
                    "2026-11-23 08:59",
                    "2026-11-29 23:00",
                    None,
                    "2026-11-25 00:00",
                ]
            )
        }
    )
    m = hour_weekday_matrix(df, "ts")
    assert m.shape == (7, 24)
    assert m.index.tolist() == list(range(1, 8)) and m.columns.tolist() == list(range(24))
    assert m.loc[1, 8] == 2  # maandag 08:00-08:59
    assert m.loc[7, 23] == 1  # zondag 23:00
    assert m.loc[3, 0] == 1  # woensdag middernacht
    assert m.to_numpy().sum() == 4  # NaT skipped
    assert WEEKDAY_LABELS[1] == "maandag" and WEEKDAY_LABELS[7] == "zondag"


def test_hour_weekday_matrix_uses_wall_clock_of_aware_timestamps():
    ts = pd.Series(pd.to_datetime(["2026-07-06 22:30"]).tz_localize("Europe/Brussels"))
    m = hour_weekday_matrix(pd.DataFrame({"ts": ts}), "ts")
    assert m.loc[1, 22] == 1


def test_aoristic_four_hour_window_gives_quarter_to_each_hour():
    df = _windows([(f"{MONDAY} 13:00", f"{MONDAY} 17:00")])
    m = aoristic_hour_weekday(df, "van", "tot")
    expected = np.zeros((7, 24))
    expected[0, 13:17] = 0.25
    np.testing.assert_allclose(m.to_numpy(), expected, atol=1e-9)


def test_aoristic_partial_hours_are_proportional():
    df = _windows([(f"{MONDAY} 13:30", f"{MONDAY} 15:30")])
    m = aoristic_hour_weekday(df, "van", "tot")
    assert m.loc[1, 13] == pytest.approx(0.25)
    assert m.loc[1, 14] == pytest.approx(0.5)
    assert m.loc[1, 15] == pytest.approx(0.25)
    assert m.to_numpy().sum() == pytest.approx(1.0)


def test_aoristic_window_wraps_from_sunday_to_monday():
    df = _windows([("2026-11-29 23:00", "2026-11-30 01:00")])  # Sunday 23h → Monday 01h
    m = aoristic_hour_weekday(df, "van", "tot")
    assert m.loc[7, 23] == pytest.approx(0.5)
    assert m.loc[1, 0] == pytest.approx(0.5)
    assert m.to_numpy().sum() == pytest.approx(1.0)


def test_aoristic_exact_times_missing_end_and_long_windows():
    df = _windows(
        [
            (f"{MONDAY} 09:10", f"{MONDAY} 09:10"),  # exact time
            (f"{MONDAY} 10:00", None),  # no end: exact time
            (f"{MONDAY} 11:20", f"{MONDAY} 08:00"),  # end before start: exact time
            ("2026-11-01 00:00", "2026-11-20 00:00"),  # 19 days: uniform
            (None, f"{MONDAY} 12:00"),  # no start: skipped
        ]
    )
    m = aoristic_hour_weekday(df, "van", "tot")
    uniform = 1 / 168
    assert m.loc[1, 9] == pytest.approx(1 + uniform)
    assert m.loc[1, 10] == pytest.approx(1 + uniform)
    assert m.loc[1, 11] == pytest.approx(1 + uniform)
    assert m.loc[4, 3] == pytest.approx(uniform)
    assert m.to_numpy().sum() == pytest.approx(4.0)


def test_aoristic_matches_brute_force_on_random_windows():
    rng = np.random.default_rng(5)
    n = 200
    start = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.uniform(0, 24 * 365, n), unit="h")
    end = start + pd.to_timedelta(rng.exponential(20, n), unit="h")
    df = pd.DataFrame({"van": start, "tot": end})

    expected = np.zeros((7, 24))
    for a, b in zip(start, end, strict=True):
        duration = b - a
        if duration >= pd.Timedelta(days=7):
            expected += 1 / 168
            continue
        for hour in pd.date_range(a.floor("h"), b, freq="h"):
            overlap = min(b, hour + pd.Timedelta(hours=1)) - max(a, hour)
            if overlap > pd.Timedelta(0):
                expected[hour.dayofweek, hour.hour] += overlap / duration

    got = aoristic_hour_weekday(df, "van", "tot").to_numpy()
    np.testing.assert_allclose(got, expected, atol=1e-8)
    assert got.sum() == pytest.approx(n)


def test_aoristic_handles_100k_records_quickly():
    import time

    rng = np.random.default_rng(0)
    n = 100_000
    start = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.uniform(0, 24 * 365, n), unit="h")
    end = start + pd.to_timedelta(rng.exponential(10, n), unit="h")
    df = pd.DataFrame({"van": start, "tot": end})
    t0 = time.perf_counter()
    m = aoristic_hour_weekday(df, "van", "tot")
    assert time.perf_counter() - t0 < 2.0
    assert m.to_numpy().sum() == pytest.approx(n)


def test_poisson_signal_known_values_and_zeros():
    out = poisson_signal(pd.Series([0, 3, 10, 9, np.nan], index=list("abcde")), [0, 0, 3, 16, 1])
    assert out.index.tolist() == list("abcde")
    np.testing.assert_allclose(
        out["z"].to_numpy()[:4],
        [0.0, 2 * np.sqrt(3), 2 * (np.sqrt(10) - np.sqrt(3)), 2 * (3 - 4)],
    )
    # Opvallend as in the briefing: |z| > 2 and the exact test below 5 %. 3 against 0
    # (z = 3,46, p = 0,25) and 10 against 3 (p = 0,09) are what chance gives two noisy
    # months; |z| > 2 alone called them opvallend.
    assert out["notable"].tolist() == [False, False, False, False, False]
    assert out["p"].iloc[1] == pytest.approx(0.25)
    assert poisson_signal(20, 5)["notable"].iloc[0]  # p = 0.004
    assert np.isnan(out["z"].iloc[4])
    assert out["verschil"].iloc[2] == 7
    # Exactly 2 is not notable (strictly greater than the threshold).
    assert not poisson_signal(1, 0)["notable"].iloc[0]
    with pytest.raises(ValueError):
        poisson_signal([-1], [0])


def test_monthly_with_last_year_fills_months_and_compares():
    df = pd.DataFrame(
        {
            "maand": ["2024-01-01", "2024-03-01", "2025-01-01", "2025-03-15", "2025-03-01"],
            "n": [4, 2, 16, 1, 1],
        }
    )
    out = monthly_with_last_year(df)
    assert len(out) == 15  # 2024-01 .. 2025-03, empty months filled
    assert out["maand"].iloc[0] == pd.Period("2024-01", "M")
    row = out.set_index("maand").loc[pd.Period("2025-01", "M")]
    assert row["n"] == 16 and row["vorig_jaar"] == 4 and row["verschil"] == 12
    assert row["z"] == pytest.approx(4.0) and row["notable"]
    march = out.set_index("maand").loc[pd.Period("2025-03", "M")]
    assert march["n"] == 2 and march["vorig_jaar"] == 2 and march["z"] == 0
    feb = out.set_index("maand").loc[pd.Period("2025-02", "M")]
    assert feb["n"] == 0 and feb["vorig_jaar"] == 0
    assert out.set_index("maand").loc[pd.Period("2024-06", "M"), "vorig_jaar"] != 0  # NaN
    assert out["vorig_jaar"].iloc[:12].isna().all()


def test_monthly_with_last_year_per_group():
    df = pd.DataFrame(
        {
            "wijk": ["A", "A", "B"],
            "maand": pd.PeriodIndex(["2024-05", "2025-05", "2025-05"], freq="M"),
            "n": [1, 10, 3],
        }
    )
    out = monthly_with_last_year(df, by=["wijk"]).set_index(["wijk", "maand"])
    may = pd.Period("2025-05", "M")
    assert out.loc[("A", may), "vorig_jaar"] == 1
    assert out.loc[("A", may), "z"] == pytest.approx(2 * (np.sqrt(10) - 1))
    assert bool(out.loc[("A", may), "notable"])
    assert out.loc[("B", may), "vorig_jaar"] == 0  # B had no rows in a month the data covers
    assert len(out) == 2 * 13


def test_month_cut_short_is_compared_with_the_same_days_a_year_earlier():
    """A briefing on 14 December: December has 14 days of data. Against the whole of
    December a year earlier it looked like a notable drop every time; against 1-14
    December it is compared like with like. A period ending on the last day of its month
    compares whole months, as before."""
    from datetime import date

    df = pd.DataFrame(
        {
            "maand": ["2025-11-01", "2025-12-01", "2026-11-01", "2026-12-01"],
            "n": [30, 40, 31, 18],
            "n_tot_dag": [14, 20, 15, 18],
        }
    )
    whole = monthly_with_last_year(df).set_index("maand")
    dec = pd.Period("2026-12", "M")
    assert whole.loc[dec, "vorig_jaar"] == 40 and bool(whole.loc[dec, "notable"])
    assert not whole["deels"].any()
    cut = monthly_with_last_year(df, through=date(2026, 12, 14), through_col="n_tot_dag").set_index(
        "maand"
    )
    assert cut.loc[dec, "vorig_jaar"] == 20 and cut.loc[dec, "verschil"] == -2
    assert not cut.loc[dec, "notable"] and bool(cut.loc[dec, "deels"])
    nov = pd.Period("2026-11", "M")  # a whole month: the whole month a year earlier
    assert cut.loc[nov, "vorig_jaar"] == 30 and not cut.loc[nov, "deels"]
    ends = monthly_with_last_year(df, through=date(2026, 12, 31), through_col="n_tot_dag")
    assert ends.set_index("maand").loc[dec, "vorig_jaar"] == 40 and not ends["deels"].any()
    # Per group; a group without records in a month the data covers compares with 0.
    grouped = pd.concat([df.assign(wijk="A"), df.tail(1).assign(wijk="B")])
    per = monthly_with_last_year(
        grouped, by=["wijk"], through=date(2026, 12, 14), through_col="n_tot_dag"
    ).set_index(["wijk", "maand"])
    assert per.loc[("A", dec), "vorig_jaar"] == 20
    assert per.loc[("B", dec), "vorig_jaar"] == 0 and bool(per.loc[("B", dec), "deels"])
    assert len(per) == 2 * 14


def test_month_the_period_begins_in_counts_from_that_day():
    """A period from 3 November: November counts 3-30 November (``n_vanaf_dag``), against
    3-30 November a year earlier; a period within one month counts its own days on both."""
    from datetime import date

    df = pd.DataFrame(
        {
            "maand": ["2025-11-01", "2025-12-01", "2026-11-01", "2026-12-01"],
            "n": [30, 40, 31, 18],
            "n_tot_dag": [14, 20, 15, 18],
            "n_vanaf_dag": [27, 36, 29, 16],
            "n_binnen": [11, 16, 13, 16],
        }
    )
    nov, dec = pd.Period("2026-11", "M"), pd.Period("2026-12", "M")
    out = monthly_with_last_year(
        df, since=date(2026, 11, 3), since_col="n_vanaf_dag", through=date(2026, 12, 14),
        through_col="n_tot_dag", between_col="n_binnen",
    ).set_index("maand")  # fmt: skip
    assert (out.loc[nov, "n"], out.loc[nov, "vorig_jaar"]) == (29, 27)
    assert (out.loc[dec, "n"], out.loc[dec, "vorig_jaar"]) == (18, 20)
    assert out.loc[nov, "deels"] and out.loc[dec, "deels"]
    # From the first of the month: the whole month, as before.
    whole = monthly_with_last_year(df, since=date(2026, 11, 1), since_col="n_vanaf_dag")
    assert not whole["deels"].any()
    # 3 to 14 December: one month cut at both ends.
    both = monthly_with_last_year(
        df, since=date(2026, 12, 3), since_col="n_vanaf_dag", through=date(2026, 12, 14),
        through_col="n_tot_dag", between_col="n_binnen",
    ).set_index("maand")  # fmt: skip
    assert (both.loc[dec, "n"], both.loc[dec, "vorig_jaar"]) == (16, 16)
    assert both.loc[nov, "n"] == 31 and not both.loc[nov, "deels"]


def test_a_period_from_29_february_has_no_same_days_a_year_earlier():
    """A 28-day period ending 27/03/2028 starts on 29/02/2028: February 2027 has no day 29,
    so its count "from the 29th" was 0 and ten records a day read as a rise from 0 to 10,
    opvallend (found by a review). That month a year earlier is unknown, not 0."""
    from datetime import date

    days = pd.date_range("2027-02-01", "2028-03-27")
    records = pd.DataFrame({"d": np.repeat(days, 10)})
    start, end = date(2028, 2, 29), date(2028, 3, 27)
    per_day = records.assign(maand=records.d.dt.to_period("M").dt.to_timestamp(),
                             day=records.d.dt.day)  # fmt: skip
    monthly = (
        per_day.groupby("maand")
        .agg(
            n=("d", "size"),
            n_tot_dag=("day", lambda s: (s <= end.day).sum()),
            n_vanaf_dag=("day", lambda s: (s >= start.day).sum()),
            n_binnen=("day", lambda s: s.between(start.day, end.day).sum()),
        )
        .reset_index()
    )
    out = monthly_with_last_year(
        monthly, "maand", "n", through=end, through_col="n_tot_dag", since=start,
        since_col="n_vanaf_dag", between_col="n_binnen", months=(date(2027, 2, 1), end),
        known_from=date(2027, 2, 1),
    ).set_index("maand")  # fmt: skip
    feb, mar = pd.Period("2028-02", "M"), pd.Period("2028-03", "M")
    assert out.loc[feb, "n"] == 10 and np.isnan(out.loc[feb, "vorig_jaar"])
    assert not out.loc[feb, "notable"]
    assert (out.loc[mar, "n"], out.loc[mar, "vorig_jaar"], out.loc[mar, "notable"]) == (
        270,
        270,
        False,
    )


def test_months_follow_the_period_and_are_unknown_only_before_the_data():
    """Period 2025, records only from March 2024 to June 2025 (a wijk and a category with
    few facts): the chart ran from the first to the last month with a record, so July to
    December 2025 vanished and January 2025 was set against "unknown" although January
    2024 lies inside the data and had 0. The months come from the period, and a month is
    unknown only before the data's first day."""
    from datetime import date

    df = pd.DataFrame({"maand": ["2024-03-01", "2024-06-01", "2025-03-01", "2025-06-01"]})
    df["n"] = [2, 1, 3, 4]
    out = monthly_with_last_year(
        df, months=(date(2024, 1, 1), date(2025, 12, 31)), known_from=date(2023, 12, 1)
    ).set_index("maand")
    assert list(out.index) == list(pd.period_range("2024-01", "2025-12", freq="M"))
    dec = out.loc[pd.Period("2025-12", "M")]
    assert dec["n"] == 0 and dec["vorig_jaar"] == 0 and dec["z"] == 0
    jan = out.loc[pd.Period("2025-01", "M")]
    assert jan["n"] == 0 and jan["vorig_jaar"] == 0
    assert out.loc[pd.Period("2025-03", "M"), "vorig_jaar"] == 2
    assert out.loc[pd.Period("2025-06", "M"), "vorig_jaar"] == 1
    # The first year has no year before it in the range: unknown.
    assert out["vorig_jaar"].iloc[:12].isna().all()

    # The data begin on 10 February 2024: January 2024 is unknown, its count too, and so
    # is January 2025's comparison; February 2024 is the data's first month, known from
    # the 10th only: February 2025 is not set against its part (it was, as a whole month:
    # "418 against 311" read as notable; a review), March 2025 against March 2024 is.
    late = monthly_with_last_year(
        df, months=(date(2024, 1, 1), date(2025, 12, 31)), known_from=date(2024, 2, 10)
    ).set_index("maand")
    assert np.isnan(late.loc[pd.Period("2024-01", "M"), "n"])
    assert late.loc[pd.Period("2024-02", "M"), "n"] == 0
    assert np.isnan(late.loc[pd.Period("2025-01", "M"), "vorig_jaar"])
    assert not late.loc[pd.Period("2025-01", "M"), "notable"]
    assert np.isnan(late.loc[pd.Period("2025-02", "M"), "vorig_jaar"])
    assert not late.loc[pd.Period("2025-02", "M"), "notable"]
    assert late.loc[pd.Period("2025-03", "M"), "vorig_jaar"] == 2
    # A period from 15 February 2025 counts that month from the 15th, a year earlier too:
    # days the data cover, so compared.
    cut = df.assign(n_vanaf_dag=df["n"])
    from_15th = monthly_with_last_year(
        cut,
        months=(date(2024, 2, 1), date(2025, 3, 31)),
        known_from=date(2024, 2, 10),
        since=date(2025, 2, 15),
        since_col="n_vanaf_dag",
    ).set_index("maand")
    assert from_15th.loc[pd.Period("2025-02", "M"), "vorig_jaar"] == 0

    # No record at all in the range: every month 0, not an empty frame.
    empty = monthly_with_last_year(
        df.iloc[:0], months=(date(2025, 1, 1), date(2025, 3, 31)), known_from=date(2024, 1, 1)
    )
    assert list(empty["n"]) == [0, 0, 0]


def test_a_month_cut_short_keeps_its_days_with_months_from_the_period():
    """The period's own range and a month that its end cuts short work together."""
    from datetime import date

    df = pd.DataFrame({"maand": ["2025-05-01", "2026-04-01"], "n": [9, 5], "n_tot_dag": [4, 5]})
    out = monthly_with_last_year(
        df, through=date(2026, 5, 14), through_col="n_tot_dag",
        months=(date(2025, 5, 1), date(2026, 5, 14)), known_from=date(2024, 11, 1),
    ).set_index("maand")  # fmt: skip
    may = out.loc[pd.Period("2026-05", "M")]
    assert may["n"] == 0 and may["vorig_jaar"] == 4 and bool(may["deels"])
    assert len(out) == 13


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=60 * 24 * 400),  # start, minutes after 1 Jan
            st.integers(min_value=-60, max_value=60 * 24 * 10),  # duration in minutes
        ),
        min_size=1,
        max_size=30,
    )
)
def test_aoristic_weights_are_non_negative_and_sum_to_record_count(windows):
    base = pd.Timestamp("2025-01-01")
    start = [base + pd.Timedelta(minutes=s) for s, _ in windows]
    end = [base + pd.Timedelta(minutes=s + d) for s, d in windows]
    m = aoristic_hour_weekday(pd.DataFrame({"van": start, "tot": end}), "van", "tot")
    assert (m.to_numpy() >= -1e-9).all()
    assert m.to_numpy().sum() == pytest.approx(len(windows))
