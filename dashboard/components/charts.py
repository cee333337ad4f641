"""Chart helpers shared by the pages: Dutch numbers on every chart (:func:`show_chart`), and
marking a point that stands for part of a period.

Plotly writes 12000 as "12k" and 4500 as "4500"; the tables write "12.000" and "4.500".
:func:`show_chart` draws a figure with the house style's numbers: decimal comma, a dot between
thousands, no "k" or "M", on the axes, in the hover labels and on colour bars.

A month (week, quarter, year) that the chosen period holds only in part has fewer days, so
a lower count: drawn like the others it reads as a drop. A line into such a point is dotted
(:func:`dot_partial_ends`), such a bar hatched (:func:`hatch_partial_bars`); the page says
why under the chart.
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

#: Colours of a chart's series (Verkenning's lines and bars per category, wijk or hour):
#: D3's ten (the lightest, #bcbd22, at L* 74), then colours chosen one by one as the
#: farthest (CIEDE2000) from those before, none lighter than L* 72 (a line on white);
#: twenty-four, for the hours of a day. Any two differ by at least 15
#: (tests/unit/test_series_colours.py); Plotly's Dark24 had two magentas 9 apart among its
#: first twelve (#DA16FF, #FB00D1).
SERIES_COLOURS = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
    "#000000", "#1616a7", "#85660d", "#620042", "#2b3d26",
    "#00a08b", "#b3446c", "#6c7c32", "#b2828d", "#f99379",
    "#b68e00", "#565656", "#b10da1", "#654522",
)  # fmt: skip

#: Plotly's number settings for nl-BE: "1.234,5", not "1,234.5" or "1.2k".
_AXIS_NUMBERS = {"exponentformat": "none", "separatethousands": True}


def dutch_numbers(fig):
    """Set ``fig``'s numbers to the house style (decimal comma, dot between thousands, no
    "k"/"M" abbreviations) on every axis and colour bar; returns ``fig``."""
    fig.update_layout(separators=",.")
    fig.update_xaxes(**_AXIS_NUMBERS)
    fig.update_yaxes(**_AXIS_NUMBERS)
    fig.update_coloraxes(colorbar=_AXIS_NUMBERS)
    fig.update_traces(colorbar=_AXIS_NUMBERS, selector={"type": "heatmap"})
    return fig


#: Up to this many, a count axis gets a tick per whole number: Plotly's own ticks for a
#: maximum of 2 to 5 are halves ("0,5 feiten"; a UX sweep).
WHOLE_TICKS_UP_TO = 5


def _numbers(values) -> list[float] | None:
    """The finite numbers of a trace's values, or None when one is not a number."""
    out = []
    for v in [] if values is None else list(values):
        if v is None or v != v:  # a gap
            continue
        if isinstance(v, bool) or not isinstance(v, int | float):
            try:
                v = float(v)
            except (TypeError, ValueError):
                return None
        out.append(float(v))
    return out


def whole_number_ticks(fig):
    """A tick per whole number on a count axis whose values stay at or below
    :data:`WHOLE_TICKS_UP_TO` (stacked bars by their totals); returns ``fig``.

    An axis is left alone when one value is not a whole number (a share, a rate), when
    the figure sets its ticks itself, and for heatmaps and other traces than lines and
    bars. Horizontal bars count along x.
    """
    totals: dict[str, dict] = {"x": {}, "y": {}}
    peaks = {"x": 0.0, "y": 0.0}
    counts = {"x": True, "y": True}
    stacked = fig.layout.barmode in (None, "stack", "relative")
    for trace in fig.data:
        if trace.type not in ("scatter", "scattergl", "bar"):
            counts = {"x": False, "y": False}
            break
        axis = "x" if getattr(trace, "orientation", None) == "h" else "y"
        other = "y" if axis == "x" else "x"
        values = _numbers(getattr(trace, axis))
        if values is None or any(v != int(v) for v in values):
            counts[axis] = False
            continue
        if values:
            peaks[axis] = max(peaks[axis], max(abs(v) for v in values))
        if trace.type == "bar" and stacked:
            where = getattr(trace, other)
            positions = list(range(len(values)) if where is None else where)
            for key, v in zip(positions, list(getattr(trace, axis)), strict=False):
                if v is not None and v == v:
                    key = str(key)
                    totals[axis][key] = totals[axis].get(key, 0.0) + abs(float(v))
    for axis in ("x", "y"):
        peak = max([peaks[axis], *totals[axis].values()])
        layout_axis = fig.layout[f"{axis}axis"]
        used = any(
            ("x" if getattr(t, "orientation", None) == "h" else "y") == axis for t in fig.data
        )
        if (
            not used
            or not counts[axis]
            or peak > WHOLE_TICKS_UP_TO
            or layout_axis.dtick is not None
            or layout_axis.tickvals is not None
            or layout_axis.type in ("category", "date", "log")
        ):
            continue
        layout_axis.update(tick0=0, dtick=1)
    return fig


def show_chart(fig, **kwargs) -> None:
    """Draw ``fig`` with :func:`dutch_numbers` and :func:`whole_number_ticks`
    (``st.plotly_chart``'s arguments pass through): the one way the pages draw a Plotly
    chart."""
    st.plotly_chart(whole_number_ticks(dutch_numbers(fig)), **kwargs)


def dot_partial_ends(fig, partial: set) -> bool:
    """Draw a line chart's segment into a first or last point that stands for part of a
    month (week, quarter, year) dotted, with a hollow marker: its lower count is fewer days,
    not a drop ("december 2026 (1–2)" at the end of a 28-day window).

    Each line of ``fig`` keeps its whole points solid; the dotted pieces are traces of
    their own in the line's colour, outside the legend. A line of two points without a
    whole one is dotted itself (a trace without points would leave the legend). Returns
    whether anything was dotted.
    """
    pieces, restyled = [], False
    for trace in fig.data:
        xs, ys = list(trace.x), list(trace.y)
        n = len(xs)
        if n < 2:
            continue
        ends = {i for i in (0, n - 1) if xs[i] in partial}
        if not ends:
            continue
        colour = trace.line.color
        symbols = ["circle-open" if i in ends else "circle" for i in range(n)]
        if n == 2:
            trace.line.dash = "dot"
            trace.marker.symbol = symbols
            restyled = True
            continue
        segments = {(0, 2) if i == 0 else (n - 2, n) for i in ends}
        for a, b in sorted(segments):
            pieces.append(
                go.Scatter(
                    x=xs[a:b],
                    y=ys[a:b],
                    mode="lines+markers",
                    name=trace.name,
                    legendgroup=trace.legendgroup,
                    showlegend=False,
                    hovertemplate=trace.hovertemplate,
                    line={"color": colour, "dash": "dot"},
                    marker={"color": colour, "symbol": symbols[a:b]},
                )
            )
        lo, hi = (1 if 0 in ends else 0), (n - 1 if n - 1 in ends else n)
        trace.x, trace.y = xs[lo:hi], ys[lo:hi]
    for piece in pieces:
        fig.add_trace(piece)
    return restyled or bool(pieces)


def hatch_partial_bars(fig, partial: set) -> bool:
    """Hatch the bars of ``fig`` that stand for part of a month (week, quarter, year), as
    :func:`dot_partial_ends` dots a line into one. Returns whether any bar was hatched."""
    hatched = False
    for trace in fig.data:
        shapes = ["/" if x in partial else "" for x in trace.x]
        if any(shapes):
            trace.marker.pattern.shape = shapes
            hatched = True
    return hatched
