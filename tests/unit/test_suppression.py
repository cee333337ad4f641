"""Small-count suppression: primary, secondary, zeros, totals and the disclosure audit."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from dashboard.analysis.suppression import (
    ResidualDisclosureWarning,
    interval_bounds,
    suppress_table,
    verify_no_disclosure,
)


def _table(values, labels=None):
    values = np.asarray(values)
    cols = [f"c{j}" for j in range(values.shape[1])]
    frame = pd.DataFrame(values, columns=cols)
    frame.insert(0, "wijk", labels or [f"W{i:02d}" for i in range(values.shape[0])])
    return frame, cols


def test_hand_built_table():
    #              c0  c1  c2 | Totaal
    #   W00         3  12  20 |  35      3 primary → row W00 and column c0 need a partner
    #   W01         8   0  15 |  23
    #   W02         9   6  30 |  45
    #   Totaal     20  18  65 | 103
    # Row W00: smallest non-zero visible inner cell is 12 → x.
    # Column c0: 8 (smallest of 8, 9) → x.  Row W01: 8 hidden only → 15 (0 stays) → x.
    # Column c1: 12 hidden only → 6 → x.    Row W02: 6 hidden only → 9 → x.
    # Column c2: 15 hidden only → 20 → x.   Now every line has 0 or ≥ 2 hidden cells (7 x).
    frame, cols = _table([[3, 12, 20], [8, 0, 15], [9, 6, 30]])
    display, mask = suppress_table(frame, cols)
    assert display[cols + ["Totaal"]].values.tolist() == [
        ["<5", "x", "x", "35"],
        ["x", "0", "x", "23"],
        ["x", "x", "30", "45"],
        ["20", "18", "65", "103"],
    ]
    assert display["wijk"].tolist() == ["W00", "W01", "W02", "Totaal"]
    assert list(mask.columns) == cols + ["Totaal"]
    assert mask.values.sum() == 7
    report = verify_no_disclosure(mask, frame[cols].to_numpy())
    assert report.ok, report


def test_zero_stays_visible_and_is_never_a_secondary_cell():
    # Row: 2, 0, 0, 40 → the partner of 2 is 40, not a zero.
    frame, cols = _table([[2, 0, 0, 40]])
    display, mask = suppress_table(frame, cols, col_totals=False)
    assert display[cols + ["Totaal"]].values.tolist() == [["<5", "0", "0", "x", "42"]]


def test_small_totals_are_primary_cells_too():
    # Row 1, 0, 2 sums to 3: the total is a small count as well.
    frame, cols = _table([[1, 0, 2], [10, 20, 30]])
    display, mask = suppress_table(frame, cols)
    assert display.iloc[0][cols + ["Totaal"]].tolist() == ["<5", "0", "<5", "<5"]
    assert verify_no_disclosure(mask, frame[cols].to_numpy()).ok


def test_only_row_totals_published():
    frame, cols = _table([[3, 10, 20], [7, 8, 9]])
    display, mask = suppress_table(frame, cols, col_totals=False)
    assert display[cols + ["Totaal"]].values.tolist() == [
        ["<5", "x", "20", "33"],
        ["7", "8", "9", "24"],  # columns have no published total: nothing to protect
    ]
    assert len(display) == 2
    assert verify_no_disclosure(mask, frame[cols].to_numpy(), True, False).ok


def test_no_totals_means_primary_only():
    frame, cols = _table([[3, 10], [7, 4]])
    display, mask = suppress_table(frame, cols, row_totals=False, col_totals=False)
    assert display[cols].values.tolist() == [["<5", "10"], ["7", "<5"]]
    assert list(mask.columns) == cols


@pytest.mark.parametrize("row_totals", [True, False])
@pytest.mark.parametrize("col_totals", [True, False])
def test_an_empty_table_hides_nothing(row_totals, col_totals):
    """A filter that leaves no rows: the linked algorithm gets a table without cells (no
    totals) or one line of zeros (column totals), and hides nothing."""
    frame = pd.DataFrame({"wijk": pd.Series([], dtype=str), "c0": pd.Series([], dtype=int)})
    display, mask = suppress_table(frame, ["c0"], row_totals=row_totals, col_totals=col_totals)
    assert not mask.to_numpy().any()
    assert len(display) == (1 if col_totals else 0)
    assert (display.drop(columns="wijk") == "0").all().all()


def test_custom_threshold_symbols_and_thousands():
    frame, cols = _table([[12000, 9], [7000, 3000]])
    display, _ = suppress_table(frame, cols, threshold=10, secondary_symbol="•")
    # 9 < 10 is primary; its partners are 12000 (row) and then 7000 and 3000 (columns).
    assert display.iloc[0][cols + ["Totaal"]].tolist() == ["•", "<10", "12.009"]
    assert display.iloc[2][cols + ["Totaal"]].tolist() == ["19.000", "3.009", "22.009"]


def test_threshold_two_protects_the_secondary_cells_and_keeps_the_rest():
    # "<2" can only be 1 whatever else is hidden. The audit used to try to protect it all
    # the same and hid every cell, totals too, with a warning. Now the 1 is left as the
    # rule tells it, and only the secondary cells ("x" is at least 2) are protected.
    frame, cols = _table([[1, 7, 8], [6, 9, 12]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ResidualDisclosureWarning
        display, mask = suppress_table(frame, cols, threshold=2)
    assert display.iloc[0]["c0"] == "<2"
    assert display["Totaal"].tolist() == ["16", "27", "43"]  # the totals stay
    assert not mask.to_numpy().all()
    report = verify_no_disclosure(mask, frame[cols].to_numpy(), threshold=2)
    assert report.ok, report  # no "x" pinned, no line with one hidden cell


def test_invalid_values_are_refused():
    for bad in ([[1.5, 2]], [[-1, 2]], [[np.nan, 2]]):
        frame = pd.DataFrame(bad, columns=["a", "b"])
        with pytest.raises(ValueError):
            suppress_table(frame, ["a", "b"])


def test_verify_finds_a_line_with_one_hidden_cell():
    values = np.array([[3, 12], [8, 9]])
    naive = values < 5  # primary only
    report = verify_no_disclosure(naive, values)
    assert ("rij", 0) in report.single_hidden_lines
    assert ("kolom", 0) in report.single_hidden_lines
    assert report.bounds[(0, 0)] == (3.0, 3.0)
    assert not report.ok


def test_verify_finds_a_visible_small_count():
    report = verify_no_disclosure(np.zeros((1, 2), bool), np.array([[3, 12]]), False, False)
    assert report.small_visible == [(0, 0)]


def test_bridge_between_two_hidden_cycles_is_exposed_despite_the_line_rule():
    # Hidden: a 4-cycle in rows 0–1 × cols 0–1, another in rows 2–3 × cols 2–3, and the
    # primary cell (1, 2) = 3 bridging them. Every row and column has 0 or ≥ 2 hidden cells,
    # yet (1, 2) = (hidden sum of rows 0–1) − (hidden sum of columns 0–1) is known exactly.
    values = np.array(
        [
            [6, 7, 10, 11],
            [8, 9, 3, 12],
            [10, 11, 6, 7],
            [13, 14, 8, 9],
        ]
    )
    mask = np.zeros_like(values, dtype=bool)
    mask[[0, 0, 1, 1], [0, 1, 0, 1]] = True
    mask[[2, 2, 3, 3], [2, 3, 2, 3]] = True
    mask[1, 2] = True
    report = verify_no_disclosure(mask, values)
    assert report.single_hidden_lines == []
    assert report.bounds[(1, 2)] == (3.0, 3.0)
    assert (1, 2) in report.exposed

    frame, cols = _table(values)
    _, protected = suppress_table(frame, cols)
    assert verify_no_disclosure(protected, values).ok


def test_secondary_lower_bound_can_pin_a_primary_cell_and_audit_fixes_it():
    # Row 1, 5 | 6: line rule hides both, but a reader who knows the rules knows
    # "<5" ≥ 1 and "x" ≥ 5, so 1 + 5 = 6 pins both. The audit hides more.
    values = np.array([[1, 5], [20, 30]])
    ext = np.array([[1, 5, 6], [20, 30, 50], [21, 35, 56]])
    line_rule_only = np.array([[1, 1, 0], [1, 1, 0], [0, 0, 0]], dtype=bool)
    bounds = interval_bounds(ext, line_rule_only, True, True)
    assert bounds[(0, 0)] == (1.0, 1.0)

    frame, cols = _table(values)
    _, mask = suppress_table(frame, cols)
    report = verify_no_disclosure(mask, values)
    assert report.ok, report
    _, unaudited = suppress_table(frame, cols, audit=False)
    assert not verify_no_disclosure(unaudited, values).ok


def test_line_of_four_ones_cannot_be_protected_and_warns():
    # Column c0: 1, 1, 1, 1, 0 → four "<5" and a "<5" total: 4 cells ≥ 1 summing to ≤ 4
    # can only be 1 each. Every non-zero cell is hidden already, so the function warns.
    frame, cols = _table([[1], [1], [1], [1], [0]])
    with pytest.warns(ResidualDisclosureWarning, match="samen"):
        display, mask = suppress_table(frame, cols, row_totals=False)
    assert display["c0"].tolist() == ["<5", "<5", "<5", "<5", "0", "<5"]
    assert not verify_no_disclosure(mask, frame[cols].to_numpy(), False, True).ok
    # Three 1s leave room: the total lies in 3..4, so each cell in 1..2.
    frame3, _ = _table([[1], [1], [1], [0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _, mask3 = suppress_table(frame3, cols, row_totals=False)
    assert verify_no_disclosure(mask3, frame3[cols].to_numpy(), False, True).ok


# --------------------------------------------------------------------------------------
# properties
# --------------------------------------------------------------------------------------

counts = st.one_of(st.just(0), st.integers(1, 4), st.integers(5, 40))
tables = st.tuples(st.integers(1, 5), st.integers(1, 5)).flatmap(
    lambda shape: arrays(np.int64, shape, elements=counts)
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=tables, row_totals=st.booleans(), col_totals=st.booleans())
def test_property_no_line_with_one_hidden_cell_and_small_counts_hidden(
    values, row_totals, col_totals
):
    frame, cols = _table(values)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        display, mask = suppress_table(frame, cols, row_totals=row_totals, col_totals=col_totals)
    residual = any(issubclass(w.category, ResidualDisclosureWarning) for w in caught)
    hidden = mask.to_numpy()
    ext = values
    if row_totals:
        ext = np.column_stack([ext, ext.sum(axis=1)])
    if col_totals:
        ext = np.vstack([ext, ext.sum(axis=0)])

    # every count 1..4 hidden (totals included), zeros always visible
    assert hidden[(ext >= 1) & (ext <= 4)].all()
    assert not hidden[ext == 0].any()
    # no published line with exactly one hidden cell
    if row_totals:
        assert (hidden.sum(axis=1) != 1).all()
    if col_totals:
        assert (hidden.sum(axis=0) != 1).all()
    # and no hidden cell pinned to one value by the published equations, unless the shape
    # of the table itself gives it away; then the caller was warned and nothing is left
    report = verify_no_disclosure(mask, values, row_totals, col_totals)
    assert report.ok or (residual and hidden[ext > 0].all()), report
    assert not (residual and report.ok)
    # the display says what the mask says
    shown = display[list(mask.columns)].to_numpy()
    assert set(shown[hidden]) <= {"<5", "x"}
    assert ((shown == "<5") == (hidden & (ext >= 1) & (ext <= 4))).all()
