"""The documents' bar charts: a count axis with one label per whole number, the legend
off the bars."""

from __future__ import annotations

import pytest

from dashboard.documents import charts


def _y_labels(fig) -> list[str]:
    """The labels of the y ticks shown (inside the axis' range)."""
    [ax] = fig.axes
    low, high = ax.get_ylim()
    eps = (high - low) * 1e-6
    return [
        label.get_text()
        for label, value in zip(ax.get_yticklabels(), ax.get_yticks(), strict=True)
        if low - eps <= value <= high + eps
    ]


SMALL_COUNTS = {
    "trend [0, 0, 0]": lambda: charts.trend_chart(["2024", "2025", "2026"], {"Doden": [0, 0, 0]}),
    "trend [2, None, 1]": lambda: charts.trend_chart(
        ["2024", "2025", "2026"], {"Letselongevallen": [2, None, 1]}
    ),
    "trend both": lambda: charts.trend_chart(
        ["2024", "2025", "2026"], {"Doden": [0, 0, 0], "Letselongevallen": [2, None, 1]}
    ),
    "comparison zeros": lambda: charts.period_comparison_chart(["A", "B"], [0, 0], [0, 0], [0, 0]),
    "comparison [1, 0]": lambda: charts.period_comparison_chart(["A", "B"], [1, 0], [0, 0], [0, 0]),
    "comparison [2, 1]": lambda: charts.period_comparison_chart(["A", "B"], [2, 1], [0, 0], [0, 0]),
}


@pytest.mark.parametrize("name", list(SMALL_COUNTS))
def test_small_counts_get_one_label_per_whole_number(figures, name):
    """Fractional ticks written as counts repeated labels: "0" seven times for zeros,
    "0 0 0 1 1 1 2 2 2" for [2, –, 1]. Ticks are whole numbers now and the axis reaches at
    least 1, so every label is distinct and a chart of zeros still shows 0 and 1."""
    SMALL_COUNTS[name]()
    [fig] = figures
    labels = _y_labels(fig)
    assert len(labels) == len(set(labels)), labels
    assert {"0", "1"} <= set(labels), labels
    assert fig.axes[0].get_ylim()[0] == 0


def test_large_counts_keep_dutch_thousands(figures):
    charts.trend_chart(["2025", "2026"], {"Feiten (pv's)": [1234, 2800]})
    [fig] = figures
    labels = _y_labels(fig)
    assert len(labels) == len(set(labels))
    assert any("." in label for label in labels), labels  # 1.000, 2.000, ...


def _overlaps_axes(fig) -> tuple:
    [ax] = fig.axes
    legend = ax.get_legend() or (fig.legends[0] if fig.legends else None)
    assert legend is not None and legend.get_texts()
    renderer = fig.canvas.get_renderer()
    box_legend = legend.get_window_extent(renderer)
    box_axes = ax.get_window_extent(renderer)
    # The category labels under the axes too: the legend stands clear of them.
    labels = [t.get_window_extent(renderer) for t in ax.get_xticklabels() if t.get_text()]
    return box_legend.overlaps(box_axes), any(box_legend.overlaps(b) for b in labels)


@pytest.mark.parametrize(
    "draw",
    [
        # The briefing's "Kerncijfers": the tallest bar (last year, 6) in the last group,
        # under the legend at the upper right.
        lambda: charts.period_comparison_chart(
            ["Feiten (pv's)", "Overlastmeldingen", "Letselongevallen", "Interventies"],
            [3, 1, 0, 2],
            [1, 0, 2, 4],
            [0, 0, 1, 6],
        ),
        lambda: charts.trend_chart(
            ["2024", "2025", "2026"], {"Feiten (pv's)": [10, 12, 9], "Overlast": [4, 8, 20]}
        ),
    ],
    ids=["period_comparison_chart", "trend_chart"],
)
def test_legend_stands_outside_the_plot(figures, draw):
    """At the upper right inside the axes the legend covered the tallest bar when it stood
    in the last group (its grey patch over an orange 6); it now stands under the chart."""
    draw()
    [fig] = figures
    assert _overlaps_axes(fig) == (False, False)


def test_a_period_the_data_do_not_cover_gets_no_bar(figures):
    """``None``: no bar and a dash, not a 0 that reads as "nothing happened"."""
    charts.period_comparison_chart(["A", "B"], [3, 1], [2, 2], [None, None])
    [fig] = figures
    [ax] = fig.axes
    texts = [t.get_text() for t in ax.texts]
    assert texts.count("–") == 2
    assert "0" not in texts


def test_a_year_to_date_draws_no_previous_period(figures):
    """A year to date has no previous period: the pack's chart drew an empty series with
    "–" under every group and a legend entry for it (a review). Two bars a group, centred."""
    charts.period_comparison_chart(["A", "B"], [3, 1], None, [2, 5])
    [fig] = figures
    [ax] = fig.axes
    legend = ax.get_legend() or fig.legends[0]
    assert [t.get_text() for t in legend.get_texts()] == ["Huidige periode", "Vorig jaar"]
    texts = [t.get_text() for t in ax.texts]
    assert "–" not in texts and sorted(texts) == ["1", "2", "3", "5"]
    centres = sorted(p.get_x() + p.get_width() / 2 for p in ax.patches)
    assert centres[0] + centres[1] == pytest.approx(0.0)  # group A around x = 0
