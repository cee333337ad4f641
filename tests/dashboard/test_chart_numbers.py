"""Every Plotly chart writes numbers as the tables do: "12.000" and "4,5", never "12k".

Plotly abbreviates 12000 to "12k" on an axis and in the hover label, and writes 4500 without
a thousands separator, while every table says "4.500". The pages draw through
``charts.show_chart``, which sets the house style on the axes and colour bars.
"""

from __future__ import annotations

import json

import plotly.express as px
import plotly.graph_objects as go
import pytest
from dash_helpers import run_app

from dashboard.components.charts import dutch_numbers

NUMBERS = {"exponentformat": "none", "separatethousands": True}

# Each page that draws Plotly charts, with the filters that make it draw all of them.
PAGES = [
    ("exploration", {"periode": "vorigjaar"}),
    ("exploration", {"periode": "vorigjaar", "gegevens": "accidents", "indeling1": "Uur",
                     "indeling2": "Weekdag", "grafiek": "Heatmap"}),
    ("sources", {"periode": "jaar"}),
    ("traffic", {"periode": "jaar"}),
    ("workload", {}),
]  # fmt: skip


def _number_settings(spec: dict) -> list[tuple[str, dict]]:
    """(where, settings) for every axis, colour axis and heatmap colour bar of a chart."""
    layout = spec["layout"]
    found = [(k, v) for k, v in layout.items() if k.startswith(("xaxis", "yaxis"))]
    found += [(k, v.get("colorbar", {})) for k, v in layout.items() if k.startswith("coloraxis")]
    found += [
        (f"heatmap {i}", t.get("colorbar", {}))
        for i, t in enumerate(spec["data"])
        if t.get("type") == "heatmap" and "coloraxis" not in t
    ]
    return found


def test_dutch_numbers_sets_every_axis_and_colour_bar():
    lines = px.line(x=[1, 2, 3], y=[4500, 12000, 125000])
    heat = go.Figure(go.Heatmap(z=[[1, 20000], [3, 4]]))
    shared = px.imshow([[1, 20000], [3, 4]])
    for fig in (lines, heat, shared):
        spec = json.loads(dutch_numbers(fig).to_json())
        assert spec["layout"]["separators"] == ",."
        settings = _number_settings(spec)
        assert settings, "no axis found"
        for where, values in settings:
            assert {k: values.get(k) for k in NUMBERS} == NUMBERS, where
    # A heatmap's own colour bar and a shared colour axis both count.
    assert any(w.startswith("heatmap") for w, _ in _number_settings(json.loads(heat.to_json())))
    assert any(w.startswith("coloraxis") for w, _ in _number_settings(json.loads(shared.to_json())))


@pytest.mark.parametrize(
    ("page", "params"), PAGES, ids=[f"{p}-{i}" for i, (p, _) in enumerate(PAGES)]
)
def test_every_chart_on_the_page_writes_dutch_numbers(demo_warehouse, page, params):
    charts = run_app(page, params).get("plotly_chart")
    assert charts, f"{page} drew no chart"
    for chart in charts:
        spec = json.loads(chart.proto.spec)
        assert spec["layout"]["separators"] == ",."
        for where, values in _number_settings(spec):
            assert {k: values.get(k) for k in NUMBERS} == NUMBERS, (page, where)
