"""Unit tests for dashboard.analysis.workload, on hand-computed cases."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.analysis.workload import (
    fairness,
    lead_time_stats,
    rate_per_1000,
    task_status_flags,
    wijk_units,
    workload_fairness,
    workload_index,
)

WEIGHTS = {"Kantschrift": 1.0, "Woonstvaststelling": 0.5, "Burenbemiddeling": 2.0}


def _tasks(rows: list[tuple]) -> pd.DataFrame:
    """(task_id, task_type, inspector, received, due, closed) → a marts.tasks-like frame."""
    frame = pd.DataFrame(
        rows, columns=["task_id", "task_type", "inspector", "received_at", "due_at", "closed_at"]
    )
    for col in ("received_at", "due_at", "closed_at"):
        frame[col] = pd.to_datetime(frame[col])
    return frame


@pytest.fixture
def tasks() -> pd.DataFrame:
    return _tasks(
        [
            # A: two kantschriften, one closed on time, one still open and overdue at 28/02
            ("T1", "Kantschrift", "A", "2026-01-02", "2026-02-01", "2026-01-20"),
            ("T2", "Kantschrift", "A", "2026-01-05", "2026-02-04", None),
            # B: a burenbemiddeling closed after the period, a woonstvaststelling open
            ("T3", "Burenbemiddeling", "B", "2026-01-10", "2026-02-24", "2026-03-01"),
            ("T4", "Woonstvaststelling", "B", "2026-02-01", "2026-03-15", None),
            # C: one kantschrift received before the period, closed in it
            ("T5", "Kantschrift", "C", "2025-12-20", "2026-01-19", "2026-01-10"),
            # nobody's task: left out of the index
            ("T6", "Kantschrift", None, "2026-02-03", "2026-03-05", None),
        ]
    )


# -- task_status_flags -------------------------------------------------------------------


def test_status_flags_as_of_end_of_period(tasks):
    flags = task_status_flags(tasks, as_of="2026-02-28", period_start="2026-01-01")
    flags.index = tasks["task_id"]
    assert flags.loc["T1"].to_dict() == {
        "received": True,
        "closed": True,
        "open": False,
        "overdue": False,
    }
    # Open at 28/02 and its deadline (04/02) has passed.
    assert flags.loc["T2", "open"] and flags.loc["T2", "overdue"]
    # Closed on 01/03, after the period: still open at 28/02, deadline 24/02 passed.
    assert flags.loc["T3", "open"] and flags.loc["T3", "overdue"] and not flags.loc["T3", "closed"]
    # Received before the period, closed inside it.
    assert not flags.loc["T5", "received"] and flags.loc["T5", "closed"]
    assert not flags.loc["T4", "overdue"]


def test_status_flags_use_is_open_when_no_closing_dates():
    frame = pd.DataFrame(
        {
            "received_at": pd.to_datetime(["2026-01-01", "2026-01-01"]),
            "due_at": pd.to_datetime(["2026-01-10", "2026-01-10"]),
            "is_open": [True, False],
        }
    )
    flags = task_status_flags(frame, as_of="2026-02-01")
    assert flags["open"].tolist() == [True, False]
    assert flags["overdue"].tolist() == [True, False]


# -- workload_index ------------------------------------------------------------------------


def test_workload_index_counts_weights_and_index(tasks):
    result = workload_index(tasks, WEIGHTS, period_start="2026-01-01", as_of="2026-02-28")
    # received in period: A 2 kantschriften (2.0), B 1 buren + 1 woonst (2.5), C none (0)
    assert result.loc["A", "received"] == 2
    assert result.loc["B", "received_Burenbemiddeling"] == 1
    assert result.loc["B", "weighted_load"] == pytest.approx(2.5)
    assert result.loc["C", "weighted_load"] == 0
    assert result.loc["C", "closed"] == 1
    mean = (2.0 + 2.5 + 0.0) / 3
    assert result.loc["A", "index"] == pytest.approx(100 * 2.0 / mean)
    assert result["index"].mean() == pytest.approx(100.0)
    assert list(result.index) == ["B", "A", "C"]  # highest index first
    assert result.attrs["unassigned_tasks"] == 1
    assert result.attrs["unweighted_task_types"] == []
    for measure in ("received", "closed", "open", "overdue"):
        per_type = [c for c in result.columns if c.startswith(f"{measure}_")]
        assert (result[per_type].sum(axis=1) == result[measure]).all()


def test_workload_index_open_weight_adds_backlog(tasks):
    result = workload_index(
        tasks, WEIGHTS, period_start="2026-01-01", as_of="2026-02-28", open_weight=1.0
    )
    # A: received 2.0 + open T2 1.0; B: received 2.5 + open T3 2.0 + T4 0.5
    assert result.loc["A", "weighted_load"] == pytest.approx(3.0)
    assert result.loc["B", "weighted_load"] == pytest.approx(5.0)


def test_workload_index_includes_idle_units_in_mean(tasks):
    result = workload_index(
        tasks, WEIGHTS, period_start="2026-01-01", as_of="2026-02-28", units=["A", "B", "C", "D"]
    )
    assert result.loc["D", "received"] == 0
    assert result.loc["A", "index"] == pytest.approx(100 * 2.0 / (4.5 / 4))


def test_workload_index_adjusts_for_absence(tasks):
    absences = pd.DataFrame({"inspector": ["B"], "days_absent": [29], "days_in_period": [58]})
    result = workload_index(
        tasks, WEIGHTS, period_start="2026-01-01", as_of="2026-02-28", absences=absences
    )
    assert result.loc["B", "available_days"] == 29
    assert result.loc["A", "available_days"] == 58
    per_day = {"A": 2.0 / 58, "B": 2.5 / 29, "C": 0.0}
    mean = sum(per_day.values()) / 3
    for name, value in per_day.items():
        assert result.loc[name, "load_per_available_day"] == pytest.approx(value)
        assert result.loc[name, "index"] == pytest.approx(100 * value / mean)


def test_workload_index_fully_absent_has_no_index(tasks):
    absences = pd.DataFrame({"inspector": ["C"], "days_absent": [60], "days_in_period": [58]})
    result = workload_index(tasks, WEIGHTS, as_of="2026-02-28", absences=absences)
    assert result.loc["C", "available_days"] == 0
    assert math.isnan(result.loc["C", "index"])
    assert result.loc[["A", "B"], "index"].mean() == pytest.approx(100.0)


def test_an_inspector_available_less_than_half_the_window_gets_no_index(tasks):
    """Load per available day over a few days is no measure: an inspector away 25 of 31
    days was the zone's most overloaded (index 243) with its third lowest load (an audit).
    Below half the window: no index, out of the mean and out of the fairness figures."""
    absences = pd.DataFrame({"inspector": ["B"], "days_absent": [30], "days_in_period": [58]})
    result = workload_index(
        tasks, WEIGHTS, period_start="2026-01-01", as_of="2026-02-28", absences=absences
    )
    assert result.loc["B", "available_days"] == 28 and bool(result.loc["B", "few_days"])
    assert math.isnan(result.loc["B", "index"])
    assert not result.loc[["A", "C"], "few_days"].any()
    per_day = {"A": 2.0 / 58, "C": 0.0}
    mean = sum(per_day.values()) / 2
    assert result.loc["A", "index"] == pytest.approx(100 * per_day["A"] / mean)
    fair = workload_fairness(result)
    assert set(fair["index"]) == {"A", "C"} and "B" not in fair["overloaded"]
    # Half the window is enough (29 of 58: test_workload_index_adjusts_for_absence).
    half = workload_index(
        tasks,
        WEIGHTS,
        period_start="2026-01-01",
        as_of="2026-02-28",
        absences=absences.assign(days_absent=29),
    )
    assert not half["few_days"].any() and not math.isnan(half.loc["B", "index"])


def test_workload_index_unknown_type_gets_default_weight_and_is_reported(tasks):
    extra = pd.concat(
        [tasks, _tasks([("T7", "Nieuw type", "C", "2026-02-10", "2026-03-10", None)])],
        ignore_index=True,
    )
    result = workload_index(extra, WEIGHTS, period_start="2026-01-01", as_of="2026-02-28")
    assert result.loc["C", "weighted_received"] == pytest.approx(1.0)
    assert result.attrs["unweighted_task_types"] == ["Nieuw type"]


def test_workload_index_by_wijk_and_all_zero(tasks):
    frame = tasks.assign(wijk_code=tasks["inspector"].map({"A": "W01", "B": "W02", "C": "W02"}))
    by_wijk = workload_index(frame, WEIGHTS, by="wijk_code", as_of="2026-02-28")
    assert set(by_wijk.index) == {"W01", "W02"}
    nothing = workload_index(frame, WEIGHTS, as_of="2025-01-01")
    assert nothing["weighted_load"].sum() == 0
    assert nothing["index"].isna().all()


def test_workload_index_missing_column_is_explicit(tasks):
    with pytest.raises(KeyError, match="wijk_code"):
        workload_index(tasks, WEIGHTS, by="wijk_code")


# -- lead_time_stats --------------------------------------------------------------------


def test_lead_time_stats_hand_computed():
    leads = [2, 4, 6, 8, 30]  # median 6, p90 (linear) = 8 + 0.6 × 22 = 21.2
    rows = [(f"T{i}", "Kantschrift", "A", "2026-01-01", "2026-01-11", None) for i in leads]
    rows.append(("X", "Kantschrift", "A", "2026-01-05", "2026-01-15", None))  # closed before
    rows.append(("O", "Kantschrift", "A", "2026-01-05", "2026-01-15", None))  # still open
    frame = _tasks(rows)
    frame["closed_at"] = frame["received_at"] + pd.to_timedelta([*leads, -4, np.nan], unit="D")
    stats = lead_time_stats(frame)
    row = stats.loc[("Kantschrift", "A")]
    assert row["n_closed"] == 5
    assert row["lead_days_median"] == 6
    assert row["lead_days_p90"] == pytest.approx(21.2)
    # days vs due = lead − 10: [-8, -6, -4, -2, 20]
    assert row["days_vs_due_median"] == -4
    assert row["n_late"] == 1
    assert row["share_late"] == pytest.approx(0.2)
    zone = lead_time_stats(frame, by=None)
    assert zone.iloc[0]["n_closed"] == 5
    assert "lead_days_p75" in lead_time_stats(frame, by="inspector", quantile=0.75).columns


def test_lead_time_stats_counts_tasks_closed_before_received_apart():
    # Same rule as the median lead time in the query layer: closed before received is an
    # inconsistent record, out of every duration, counted on its own.
    frame = _tasks(
        [
            ("T1", "Kantschrift", "A", "2026-01-01", "2026-01-31", "2026-01-11"),  # 10 days
            ("T2", "Kantschrift", "A", "2026-01-01", "2026-01-31", "2026-01-21"),  # 20 days
            ("X1", "Kantschrift", "A", "2026-01-10", "2026-02-09", "2026-01-02"),  # −8 days
            ("X2", "Kantschrift", "B", "2026-01-10", "2026-02-09", "2026-01-05"),  # −5 days
            ("O1", "Kantschrift", "B", "2026-01-10", "2026-02-09", None),  # open
        ]
    )
    stats = lead_time_stats(frame, by="inspector")
    assert stats.loc["A", "n_closed"] == 2
    assert stats.loc["A", "n_dates_inconsistent"] == 1
    assert stats.loc["A", "lead_days_median"] == 15
    assert stats.loc["A", "days_vs_due_median"] == -15
    # B closed only an inconsistent task: the row is there, without durations.
    assert stats.loc["B", "n_closed"] == 0
    assert stats.loc["B", "n_dates_inconsistent"] == 1
    assert math.isnan(stats.loc["B", "lead_days_median"])
    assert math.isnan(stats.loc["B", "share_late"])
    zone = lead_time_stats(frame, by=None).iloc[0]
    assert (zone["n_closed"], zone["n_dates_inconsistent"]) == (2, 2)
    assert zone["lead_days_median"] == 15


def test_lead_time_stats_empty():
    frame = _tasks([("T1", "Kantschrift", "A", "2026-01-01", "2026-01-10", None)])
    assert lead_time_stats(frame).empty


# -- fairness -----------------------------------------------------------------------------


def test_fairness_equal_loads():
    result = fairness([1, 1, 1, 1])
    assert result["gini"] == 0
    assert result["cv"] == 0
    assert result["max_min_ratio"] == 1
    assert result["overloaded"] == [] and result["underloaded"] == []


def test_fairness_all_on_one():
    result = fairness([0, 0, 0, 1])
    assert result["gini"] == pytest.approx(0.75)
    assert result["max_min_ratio"] is None
    assert result["overloaded"] == [3]
    assert result["cv"] == pytest.approx(math.sqrt(3))  # sd 0.433 / mean 0.25


def test_fairness_hand_values_with_labels():
    # |differences| 1, 2, 1 → sum over ordered pairs 8; G = 8 / (2 · 9 · 2) = 2/9
    result = fairness(pd.Series({"W01": 1.0, "W02": 2.0, "W03": 3.0}))
    assert result["gini"] == pytest.approx(2 / 9)
    assert result["cv"] == pytest.approx(math.sqrt(2 / 3) / 2)
    assert result["max_min_ratio"] == pytest.approx(3.0)
    assert result["index"]["W03"] == pytest.approx(150.0)
    assert result["overloaded"] == ["W03"]
    assert result["underloaded"] == ["W01"]
    assert fairness({"a": 1, "b": 2, "c": 3}, overload_threshold=160)["overloaded"] == []


def test_fairness_edge_cases():
    assert fairness([])["gini"] is None
    assert fairness([0, 0])["gini"] is None
    assert fairness([1, np.nan, 1])["n"] == 2
    with pytest.raises(ValueError, match="negatief"):
        fairness([1, -1])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=1e4), min_size=1, max_size=25))
def test_gini_matches_double_sum_definition(values):
    result = fairness(values)
    x = np.array(values)
    if x.mean() == 0:
        assert result["gini"] is None
        return
    double_sum = sum(abs(a - b) for a, b in itertools.product(x, x))
    expected = double_sum / (2 * len(x) ** 2 * x.mean())
    assert result["gini"] == pytest.approx(expected, abs=1e-9)
    assert -1e-12 <= result["gini"] <= 1 - 1 / len(x) + 1e-9
    assert fairness([v * 7 for v in values])["gini"] == pytest.approx(result["gini"], abs=1e-9)


# -- rate_per_1000 --------------------------------------------------------------------------


def test_rate_per_1000():
    assert rate_per_1000(12, 4000).value == pytest.approx(3.0)
    assert not rate_per_1000(12, 4000).small_base
    small = rate_per_1000(4, 4000)
    assert small.small_base and small.value == pytest.approx(1.0)
    for unknown in (None, 0, float("nan"), -5):
        rate = rate_per_1000(10, unknown)
        assert rate.value is None and rate.population is None
    assert rate_per_1000(None, 1000) == (0.0, 0, 1000.0, True)
    assert not rate_per_1000(4, 1000, small_base_threshold=3).small_base


def test_finished_without_closing_date_is_not_open():
    # Same rule as marts.tasks: the missing date is a quality finding, not backlog.
    # "Te controleren" is done by the inspector too (it waits for the coordinator's check):
    # one status vocabulary with the quality control (etl.config.FINISHED_TASK_STATUSES),
    # which already called it finished; "Open" without a closing date is open.
    frame = _tasks(
        [
            ("T1", "Kantschrift", "A", "2026-01-01", "2026-01-10", None),
            ("T2", "Kantschrift", "A", "2026-01-01", "2026-01-10", None),
            ("T3", "Kantschrift", "A", "2026-01-01", "2026-01-10", None),
        ]
    ).assign(status=["Afgewerkt", " te controleren ", "Open"])
    flags = task_status_flags(frame, as_of="2026-02-01")
    assert flags["open"].tolist() == [False, False, True]


def test_workload_index_without_tasks_lists_units():
    empty = _tasks([])
    result = workload_index(empty, WEIGHTS, units=["A", "B"], as_of="2026-01-01")
    assert list(result.index) == ["A", "B"]
    assert result["received"].sum() == 0
    assert result["index"].isna().all()


# -- the zone's comparison group and small bases ------------------------------------------


def test_workload_index_stand_in_stays_out_of_the_zone_mean(tasks):
    """A stand-in holding a wijk's tasks for a month ("X") is shown with his counts but
    not compared: as an 11th unit with a small load he lowered the mean and raised every
    wijkinspecteur's index (An Peeters 147 → 160)."""
    stand_in = _tasks([("T8", "Kantschrift", "X", "2026-02-10", "2026-03-10", "2026-02-20")])
    frame = pd.concat([tasks, stand_in], ignore_index=True)
    result = workload_index(
        frame, WEIGHTS, period_start="2026-01-01", as_of="2026-02-28", compare=["A", "B", "C"]
    )
    mean = (2.0 + 2.5 + 0.0) / 3  # A, B and C only
    assert result.loc["A", "index"] == pytest.approx(100 * 2.0 / mean)
    assert result.loc["B", "index"] == pytest.approx(100 * 2.5 / mean)
    assert result.loc["X", "received"] == 1 and result.loc["X", "weighted_load"] == 1.0
    assert math.isnan(result.loc["X", "index"])
    assert result["compared"].to_dict() == {"A": True, "B": True, "C": True, "X": False}
    assert list(result.index)[-1] == "X"  # without index: last
    # A compared unit without tasks is added and lowers the mean.
    more = workload_index(
        frame, WEIGHTS, period_start="2026-01-01", as_of="2026-02-28", compare=["A", "B", "C", "D"]
    )
    assert more.loc["A", "index"] == pytest.approx(100 * 2.0 / (4.5 / 4))


def test_workload_index_withholds_an_index_on_a_small_base():
    """Below ``min_tasks`` tasks an inspector gets no index (2 tasks showed index 275);
    when the compared units average fewer, nobody does."""
    rows = [(f"A{i}", "Kantschrift", "A", "2026-01-05", "2026-02-04", None) for i in range(10)]
    rows += [(f"B{i}", "Kantschrift", "B", "2026-01-05", "2026-02-04", None) for i in range(5)]
    rows += [("C1", "Burenbemiddeling", "C", "2026-01-05", "2026-02-04", None)]
    frame = _tasks(rows)
    result = workload_index(
        frame, WEIGHTS, period_start="2026-01-01", as_of="2026-01-31", min_tasks=5
    )
    assert result["base_tasks"].to_dict() == {"A": 10, "B": 5, "C": 1}
    assert result["small_base"].to_dict() == {"A": False, "B": False, "C": True}
    # C gets no index and is left out of the mean: its few tasks more often mean a missing
    # export than an idle wijk, and its near-zero load raised every other index (an audit:
    # a wijk without tasks raised the others by a tenth). B, on exactly the minimum, counts.
    mean = (10.0 + 5.0) / 2
    assert result.loc["A", "index"] == pytest.approx(100 * 10.0 / mean)
    assert result.loc["B", "index"] == pytest.approx(100 * 5.0 / mean)
    assert math.isnan(result.loc["C", "index"])
    assert not result.attrs["small_zone_base"]

    # 16 tasks over 3 units: fewer than 6 each on average, so the mean itself is too thin.
    few = workload_index(frame, WEIGHTS, period_start="2026-01-01", as_of="2026-01-31", min_tasks=6)
    assert few.attrs["small_zone_base"]
    assert few["index"].isna().all() and few["small_base"].all()
    # Without a minimum nothing changes.
    plain = workload_index(frame, WEIGHTS, period_start="2026-01-01", as_of="2026-01-31")
    assert not plain["small_base"].any() and plain["index"].notna().all()


def test_an_inspector_absent_the_whole_window_is_left_out_not_too_few():
    """An inspector absent the whole window has no load per day: no index, but not "too few
    tasks" either, which withheld every fairness figure of the zone (an audit: Gini, ratio
    and the over/under counts all "–" while the caption said he was left out)."""
    rows = [(f"A{i}", "Kantschrift", "A", "2026-01-05", "2026-02-04", None) for i in range(10)]
    rows += [(f"B{i}", "Kantschrift", "B", "2026-01-05", "2026-02-04", None) for i in range(6)]
    frame = _tasks(rows)
    absences = pd.DataFrame({"inspector": ["H"], "days_absent": [31], "days_in_period": [31]})
    result = workload_index(
        frame, WEIGHTS, period_start="2026-01-01", as_of="2026-01-31", min_tasks=5,
        absences=absences, compare=["A", "B", "H"],
    )  # fmt: skip
    assert result.loc["H", "available_days"] == 0
    assert not result.loc["H", "small_base"] and math.isnan(result.loc["H", "index"])
    mean = (10.0 / 31 + 6.0 / 31) / 2
    assert result.loc["A", "index"] == pytest.approx(100 * (10.0 / 31) / mean)
    fair = workload_fairness(result)
    assert fair["small_base"] == [] and fair["gini"] is not None
    assert set(fair["index"]) == {"A", "B"}


def test_workload_fairness_over_the_compared_units_with_enough_tasks():
    rows = [(f"A{i}", "Kantschrift", "A", "2026-01-05", "2026-02-04", None) for i in range(9)]
    rows += [(f"B{i}", "Kantschrift", "B", "2026-01-05", "2026-02-04", None) for i in range(6)]
    rows += [(f"C{i}", "Kantschrift", "C", "2026-01-05", "2026-02-04", None) for i in range(6)]
    rows += [("X1", "Kantschrift", "X", "2026-01-05", "2026-02-04", None)]
    frame = _tasks(rows)
    result = workload_index(
        frame,
        WEIGHTS,
        period_start="2026-01-01",
        as_of="2026-01-31",
        compare=["A", "B", "C"],
        min_tasks=5,
    )
    fair = workload_fairness(result)
    assert fair == {**fairness({"A": 9.0, "B": 6.0, "C": 6.0}), "small_base": []}
    assert "X" not in fair["index"]
    assert fair["max_min_ratio"] == pytest.approx(1.5)  # not 9 (X's single task)
    assert fair["index"]["A"] == pytest.approx(result.loc["A", "index"])

    # One compared unit on too small a base (C with 2 tasks): no figures, and it is named.
    thin = frame[~frame["task_id"].isin(["C2", "C3", "C4", "C5"])]
    small = workload_index(
        thin,
        WEIGHTS,
        period_start="2026-01-01",
        as_of="2026-01-31",
        compare=["A", "B", "C"],
        min_tasks=5,
    )
    withheld = workload_fairness(small)
    assert withheld["small_base"] == ["C"]
    assert withheld["n"] == 3
    assert withheld["gini"] is None and withheld["max_min_ratio"] is None
    assert withheld["overloaded"] == [] and withheld["underloaded"] == [] and not withheld["index"]


def test_wijk_units_take_the_population_by_position():
    """Without sectors the what-if works on whole wijken; the population came from a column
    with a 0..n index aligned on wijk codes, so every wijk had NaN (shown 0) inhabitants."""
    table = pd.DataFrame({"code": ["W01", "W02", "W03"], "population": [4700, 4200, 4500]})
    units = wijk_units(table["code"], pd.Series({"W01": 10.0, "W03": 2.5}), table["population"])
    assert units.index.tolist() == ["W01", "W02", "W03"]
    assert units["population"].tolist() == [4700.0, 4200.0, 4500.0]
    assert units["load"].tolist() == [10.0, 0.0, 2.5]
    # One unknown population: no population at all (a sum would count it as 0).
    unknown = wijk_units(table["code"], {}, [4700, None, 4500])
    assert "population" not in unknown.columns
    with pytest.raises(ValueError):
        wijk_units(["W01"], {}, [1, 2])
