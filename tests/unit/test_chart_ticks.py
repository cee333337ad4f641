"""The pages' Plotly charts: a count axis with small numbers gets a tick per whole number
(Plotly's own ticks for a maximum of 2 were 0; 0,5; 1; 1,5; 2: half a fact)."""

from __future__ import annotations

import plotly.express as px
import plotly.graph_objects as go
import pytest

from dashboard.components.charts import WHOLE_TICKS_UP_TO, whole_number_ticks


def _ticks(fig, axis="y"):
    ax = fig.layout[f"{axis}axis"]
    return ax.tick0, ax.dtick


def test_small_counts_get_whole_ticks():
    fig = whole_number_ticks(px.line(x=["jan", "feb", "mrt"], y=[2, 0, 1]))
    assert _ticks(fig) == (0, 1)


def test_stacked_bars_count_by_their_totals():
    """Two series of 3 stack to 6: Plotly's own ticks (0, 2, 4, 6) are whole already."""
    fig = go.Figure([go.Bar(x=["a", "b"], y=[3, 1]), go.Bar(x=["a", "b"], y=[3, 0])])
    fig.update_layout(barmode="stack")
    assert _ticks(whole_number_ticks(fig)) == (None, None)
    fig.update_layout(barmode="group")
    assert _ticks(whole_number_ticks(fig)) == (0, 1)


@pytest.mark.parametrize(
    "values",
    [[0.5, 1.0], [WHOLE_TICKS_UP_TO + 1, 0], [1, "?"]],
    ids=["a share", "a larger count", "not a number"],
)
def test_other_axes_are_left_alone(values):
    fig = whole_number_ticks(go.Figure(go.Scatter(x=[1, 2], y=values)))
    assert _ticks(fig) == (None, None)


def test_horizontal_bars_count_along_x_and_set_ticks_stay():
    fig = whole_number_ticks(go.Figure(go.Bar(y=["W01", "W02"], x=[1, 3], orientation="h")))
    assert _ticks(fig, "x") == (0, 1) and _ticks(fig, "y") == (None, None)
    fig = go.Figure(go.Scatter(x=[1, 2], y=[1, 2]))
    fig.update_yaxes(dtick=5)
    assert _ticks(whole_number_ticks(fig)) == (None, 5)


def test_a_heatmap_is_left_alone():
    fig = whole_number_ticks(go.Figure(go.Heatmap(z=[[1, 2]], x=[1, 2], y=[1])))
    assert _ticks(fig) == (None, None) and _ticks(fig, "x") == (None, None)


def test_gaps_are_no_values():
    fig = whole_number_ticks(go.Figure(go.Scatter(x=[1, 2, 3], y=[1, None, float("nan")])))
    assert _ticks(fig) == (0, 1)


def test_numpy_and_pandas_values():
    """Plotly Express keeps a frame's columns as arrays (a page stopped on their truth)."""
    import numpy as np
    import pandas as pd

    frame = pd.DataFrame({"maand": pd.date_range("2026-01-01", periods=3, freq="MS"),
                          "n": np.array([1, 0, 2]), "soort": ["a", "a", "b"]})  # fmt: skip
    fig = whole_number_ticks(px.bar(frame, x="maand", y="n", color="soort"))
    assert _ticks(fig) == (0, 1)
    fig = go.Figure(go.Bar(x=np.array(["a", "b"]), y=np.array([4, 3])))
    assert _ticks(whole_number_ticks(fig)) == (0, 1)
    fig.add_bar(x=np.array(["a", "b"]), y=np.array([2, 0]))
    assert _ticks(whole_number_ticks(fig)) == (0, 1)  # already set: kept
    fig = go.Figure([go.Bar(x=np.array(["a"]), y=np.array([4])) for _ in range(2)])
    assert _ticks(whole_number_ticks(fig)) == (None, None)  # 4 + 4 stacked
