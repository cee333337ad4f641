"""Static charts (PNG) for the Word documents, drawn with matplotlib in Dutch.

Figures are made outside pyplot (:func:`dashboard.components.static_map.new_figure`) and drawn without a display; every
function returns PNG bytes that python-docx can embed. Numbers on axes and labels use the Belgian notation (``1.234``).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from dashboard.components.format import fmt_int
from dashboard.components.static_map import new_figure

#: Colours: current period, previous period, same period last year.
PERIOD_COLOURS = ("#bd0026", "#fd8d3c", "#9e9e9e")
#: One colour per year in trend charts (oldest lightest).
YEAR_COLOURS = ("#d9d9d9", "#bdbdbd", "#969696", "#fd8d3c", "#bd0026")

_DPI = 150


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=_DPI, bbox_inches="tight")
    return buf.getvalue()


def _nl_axis(ax) -> None:
    """A count axis in Dutch notation, with whole-number ticks only.

    Called after the bars are drawn. Ticks at whole numbers: with fractional ticks
    (0,2 0,4 ...) written as counts, small counts gave repeated labels ("0" seven times,
    "0 0 0 1 1 1 2 2 2"). The axis reaches at least 1, so a chart of zeros still has a
    scale (0 and 1) instead of one "0".
    """
    # The steps of matplotlib's own AutoLocator (0, 100, 200 rather than 0, 60, 120).
    ax.yaxis.set_major_locator(MaxNLocator("auto", steps=[1, 2, 2.5, 5, 10], integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt_int(v)))
    _, top = ax.get_ylim()
    ax.set_ylim(0, max(top, 1))
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#e0e0e0", linewidth=0.8)
    ax.set_axisbelow(True)


def _legend_below(fig: Figure, ax, ncols: int, title: str | None = None) -> None:
    """The legend under the chart, below the category labels, never on the bars.

    At the upper right inside the axes it covered the tallest bar whenever that stood in the
    last group (the briefing's "Kerncijfers": the legend's grey patch over an orange 6).
    The figure's constrained layout makes room for it under the axes and their labels.
    """
    fig.set_layout_engine("constrained")
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(
        handles,
        labels,
        loc="outside lower center",
        ncols=ncols,
        frameon=False,
        fontsize=8,
        title=title,
        title_fontsize=8,
    )


def period_comparison_chart(
    labels: Sequence[str],
    now: Sequence[int | None],
    previous: Sequence[int | None] | None,
    last_year: Sequence[int | None],
    series_labels: Sequence[str] = ("Huidige periode", "Vorige periode", "Vorig jaar"),
    title: str = "",
    size: tuple[float, float] = (9.0, 3.6),
) -> bytes:
    """Grouped bars: each measure now, in the previous period and a year earlier.

    Parameters
    ----------
    labels : sequence of str
        One group per measure (Dutch labels).
    now, previous, last_year : sequence of int or None
        Counts, aligned with ``labels``; ``None`` where the data do not cover the period
        (no bar, "–" instead of a 0). ``previous`` ``None``: no previous period (a year to
        date is compared with last year only), two bars a group and no legend entry.
    series_labels : sequence of str
        Legend entries of the three bars.
    title : str
        Chart title.
    size : (float, float)
        Figure size in inches.

    Returns
    -------
    bytes
        PNG image.
    """
    fig = new_figure(size)
    ax = fig.subplots()
    width = 0.27
    xs = range(len(labels))
    drawn = [
        (k, series, name)
        for k, (series, name) in enumerate(
            zip((now, previous, last_year), series_labels, strict=True)
        )
        if series is not None
    ]
    for i, (k, series, name) in enumerate(drawn):
        pos = [x + (i - (len(drawn) - 1) / 2) * width for x in xs]
        heights = [0 if value is None else value for value in series]
        bars = ax.bar(pos, heights, width, label=name, color=PERIOD_COLOURS[k])
        for bar, value in zip(bars, series, strict=True):
            ax.annotate(
                fmt_int(value),  # "–" for None
                (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                ha="center",
                va="bottom",
                fontsize=7,
                xytext=(0, 1),
                textcoords="offset points",
            )
    ax.set_xticks(list(xs), labels, fontsize=9)
    _nl_axis(ax)
    ax.set_ylabel("Aantal")
    _legend_below(fig, ax, ncols=len(drawn))
    if title:
        ax.set_title(title, fontsize=11, loc="left")
    return _png(fig)


def trend_chart(
    years: Sequence[str],
    series: Mapping[str, Sequence[int | str | None]],
    hidden_text: str = "<5",
    title: str = "",
    size: tuple[float, float] = (9.0, 3.6),
    marks: Mapping[tuple[str, int], str] | None = None,
) -> bytes:
    """Bars per measure and year; suppressed values get no bar, only ``hidden_text``.

    Parameters
    ----------
    years : sequence of str
        Period labels (oldest first), e.g. ``["2024", "2025", "2026"]``.
    series : mapping
        Measure label → one value per year: a count, or where the count is suppressed the
        table's mark (``"<5"``, ``"x"``) or ``None``, so the chart never shows what the
        tables hide.
    hidden_text : str
        Written where a value is ``None``.
    title : str
        Chart title.
    size : (float, float)
        Figure size in inches.
    marks : mapping, optional
        ``(measure label, year index)`` → a mark after that bar's value (``"*"``: a count
        of part of the period, which the table's note explains).

    Returns
    -------
    bytes
        PNG image.

    Notes
    -----
    Colours follow a year's role, the same in every report: the last year (the report's
    own period) the briefing's red, the year before it the briefing's grey for "Vorig
    jaar", older years lighter greys. Taken from the end of ``YEAR_COLOURS``, the year
    before was orange (the briefing's colour for the previous period) in a report of two
    years and the same year grey in one of three.
    """
    fig = new_figure(size)
    ax = fig.subplots()
    n_years = max(len(years), 1)
    width = 0.8 / n_years
    # Own period, 1, 2, 3 years before; anything older as the oldest.
    roles = (PERIOD_COLOURS[0], PERIOD_COLOURS[2], YEAR_COLOURS[1], YEAR_COLOURS[0])
    labels = list(series)
    tallest = 0
    for k, year in enumerate(years):
        pos = [i + (k - (n_years - 1) / 2) * width for i in range(len(labels))]
        values = [series[label][k] for label in labels]
        heights = [v if isinstance(v, int | float) else 0 for v in values]
        tallest = max(tallest, *heights, 0)
        colour = roles[min(len(years) - 1 - k, len(roles) - 1)]
        bars = ax.bar(pos, heights, width, label=str(year), color=colour)
        for label, bar, value in zip(labels, bars, values, strict=True):
            shown = (
                hidden_text
                if value is None
                else value
                if isinstance(value, str)
                else fmt_int(value)
            )
            ax.annotate(
                shown + (marks or {}).get((label, k), ""),
                (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                ha="center",
                va="bottom",
                fontsize=7,
                xytext=(0, 1),
                textcoords="offset points",
            )
    ax.set_xticks(range(len(labels)), labels, fontsize=9)
    # Headroom for the value over the tallest bar: with matplotlib's 5 % margin the label
    # ("908") touched the top of the plot, under the title.
    ax.set_ylim(0, max(tallest * 1.15, 1))
    _nl_axis(ax)
    ax.set_ylabel("Aantal")
    _legend_below(fig, ax, ncols=n_years, title="Periode")
    if title:
        ax.set_title(title, fontsize=11, loc="left")
    return _png(fig)
