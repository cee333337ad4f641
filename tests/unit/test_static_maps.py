"""The static maps of the Word documents keep their legend off the zone."""

from __future__ import annotations

import json

import h3
import pandas as pd
import pytest
from shapely.geometry import box, mapping

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
    drawn = []

    def keep(fig) -> bytes:
        fig.canvas.draw()
        drawn.append(fig)
        return b""

    monkeypatch.setattr(static_maps, "_png", keep)
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
