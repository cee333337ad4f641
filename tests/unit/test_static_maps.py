"""The static maps of the Word documents keep their legend off the zone."""

from __future__ import annotations

import json

import h3
import pandas as pd
import pytest
from shapely.geometry import box, mapping

from dashboard.components import maps
from dashboard.documents import static_maps


def _shapes() -> pd.DataFrame:
    """Two wijken side by side, the western one reaching the lower-left corner."""
    west, east = box(4.60, 50.86, 4.65, 50.90), box(4.65, 50.86, 4.70, 50.90)
    return pd.DataFrame(
        {
            "code": ["W01", "W02"],
            "name": ["Everberg", "Meerbeek"],
            "geojson": [json.dumps(mapping(g)) for g in (west, east)],
        }
    )


@pytest.fixture
def figures(monkeypatch):
    """The figures the maps save, as drawn."""
    from matplotlib.figure import Figure

    drawn = []
    save = Figure.savefig

    def keep(fig, *args, **kwargs):
        drawn.append(fig)
        return save(fig, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", keep)
    return drawn


def _maps() -> dict:
    cell = h3.str_to_int(h3.latlng_to_cell(50.88, 4.62, 9))
    spots = pd.DataFrame({"lat": [50.87], "lon": [4.61], "rang": [1], "is_black_spot": [True]})
    return {
        "wijk_choropleth": lambda: static_maps.wijk_choropleth(
            _shapes(), {"W01": 12, "W02": None}, "Feiten per wijk", "Feiten"
        ),
        "hexagon_class_map": lambda: static_maps.hexagon_class_map(
            _shapes(), pd.DataFrame({"h3_cell": [cell], "n": [7]}), "Feiten per zeshoek"
        ),
        "hotspot_map": lambda: static_maps.hotspot_map(
            _shapes(), pd.DataFrame({"h3_cell": [cell], "klasse": [3]}), spots, "Hot spots"
        ),
        # The Bronnen page's "Kaart als PNG".
        "static_map_png": lambda: maps.static_map_png(
            _shapes(), "Hot spots", legend=[("#bd0026", "Hot spot 99%")]
        ),
    }


@pytest.mark.parametrize("name", list(_maps()))
def test_legend_lies_under_the_map_not_on_it(figures, name):
    """Inside the map, at lower left, the legend covered a wijk's name (Everberg, in the
    briefing's map of the demo zone): it now stands under the axes, which hold the zone."""
    _maps()[name]()
    [fig] = figures
    [ax] = fig.axes
    legend = ax.get_legend()
    assert legend is not None and legend.get_texts()
    box_legend = legend.get_window_extent()
    box_axes = ax.get_window_extent()
    assert box_legend.y1 <= box_axes.y0 + 1, (box_legend, box_axes)


def test_dashboard_draws_without_pyplot():
    """pyplot keeps one registry of figures per process, and every session of the dashboard
    draws in its own thread of the one server process: a report's trend chart came out in
    the size of another session's map (seen in the Rapporten page after six pages were
    opened at once). Code under dashboard/ makes its figures itself."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "dashboard"
    users = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [f"{node.module}.{a.name}" for a in node.names]
            if any(n.startswith("matplotlib.pyplot") for n in names):
                users.append(str(path.relative_to(root)))
    assert users == []


def test_a_figure_another_session_holds_is_left_alone(monkeypatch):
    """The interleaving that mixed figures up, made certain: pyplot numbers a new figure
    after the ones it knows, and returns the existing figure when another thread has just
    taken that number. With pyplot, the trend chart and the map were drawn on the other
    session's figure, in its size; now they are drawn on figures of their own."""
    import io

    import matplotlib.pyplot as plt
    from PIL import Image

    from dashboard.documents import charts

    series = {"Feiten (pv's)": [1, 2, 3], "Overlastmeldingen": [4, 5, 6]}

    def drawings() -> list[tuple[int, int]]:
        return [
            Image.open(io.BytesIO(png)).size
            for png in (
                charts.trend_chart(["2024", "2025", "2026"], series),
                static_maps.hotspot_map(_shapes(), pd.DataFrame(), pd.DataFrame(), "Kaart"),
            )
        ]

    alone = drawings()
    other = plt.figure(figsize=(2, 2))  # another session's figure, number 1
    try:
        # The moment between pyplot choosing a number and registering the figure.
        monkeypatch.setattr(plt, "get_fignums", lambda: [])
        assert drawings() == alone
        assert other.axes == []
    finally:
        plt.close(other)
