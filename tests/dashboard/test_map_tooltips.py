"""Every map a page draws keeps its filled layer's tooltips reachable.

A wijk outline drawn over hexagons or a choropleth with a transparent fill still catches the
mouse: the Briefing's hot-spot hexagons, Verkenning's and Werklast's choropleths showed only
"Wijk, Code" on hover, never their count or value (a look at the pages in a browser). The
pages are run as a user, every map they show is captured, and its layers are read in the
order Leaflet stacks them.
"""

from __future__ import annotations

import folium
import pytest
from dash_helpers import run_app

from dashboard.components import maps


def _geojson_layers(element) -> list[folium.GeoJson]:
    """The GeoJSON layers under ``element`` in drawing order (later ones lie on top)."""
    found = []
    for child in element._children.values():
        if isinstance(child, folium.GeoJson):
            found.append(child)
        found += _geojson_layers(child)
    return found


def _style(layer: folium.GeoJson) -> dict:
    features = layer.data.get("features") or []
    return layer.style_function(features[0]) if features else {}


def _visible_fill(style: dict) -> bool:
    return style.get("fill", True) is not False and style.get("fillOpacity", 0.2) > 0


def _catches_hover_unseen(style: dict) -> bool:
    """A fill nobody sees that still takes the mouse from what lies beneath."""
    return style.get("fill", True) is not False and style.get("fillOpacity", 0.2) == 0


def hover_blockers(m: folium.Map) -> list[str]:
    """Names of transparent-fill layers drawn above a visible fill."""
    blockers, filled_below = [], False
    for layer in _geojson_layers(m):
        style = _style(layer)
        if filled_below and _catches_hover_unseen(style):
            blockers.append(layer.get_name())
        filled_below = filled_below or _visible_fill(style)
    return blockers


@pytest.mark.parametrize(
    ("page", "params", "keys"),
    [
        ("exploration", {"indeling1": "Deelgemeente", "indeling2": "Geen"}, {"verkenning_kaart"}),
        ("workload", {}, {"werklast_kaart"}),
        ("reports", {}, {"rapport_kaart"}),
        ("traffic", {}, set()),
    ],
)
def test_no_outline_hides_a_filled_layer_s_tooltips(demo_warehouse, shown_maps, page, params, keys):
    run_app(page, query_params=params)
    assert keys <= set(shown_maps), sorted(shown_maps)
    filled = 0
    for key, m in shown_maps.items():
        assert hover_blockers(m) == [], key
        filled += any(_visible_fill(_style(layer)) for layer in _geojson_layers(m))
    assert filled, "no page drew a filled layer: the test checked nothing"


def test_the_briefing_s_hexagons_keep_their_tooltips(demo_warehouse, shown_maps, monkeypatch):
    """The year to date has hot spots in the demo, and with the map cap lowered the
    records are counted in hexagons too: both maps have hexagons under the wijk borders."""
    import dashboard.queries.hotspots
    import dashboard.queries.traffic  # noqa: F401 (bound the cap before it is lowered)
    from dashboard.queries import common

    monkeypatch.setattr(common, "MAP_POINT_CAP", 10)
    at = run_app()
    at.radio(key="briefing_periode").set_value("ytd").run()
    assert not at.exception
    for key in ("briefing_kaart", "briefing_records"):
        m = shown_maps[key]
        assert any(_visible_fill(_style(layer)) for layer in _geojson_layers(m)), key
        assert hover_blockers(m) == [], key


def test_the_check_finds_an_outline_over_a_choropleth(demo_warehouse):
    """The parent's order: a choropleth, then the hovering outlines."""
    from dashboard.queries import _db
    from dashboard.queries.districts import district_shapes

    shapes = district_shapes(_db.warehouse_version(), "wijk")
    m = maps.new_map(shapes, maps.DEFAULT_BASEMAP)
    maps.add_choropleth(m, shapes, {shapes["code"].iloc[0]: 3.0}, "Feiten")
    maps.add_outlines(m, shapes)
    assert len(hover_blockers(m)) == 1
    strokes = maps.new_map(shapes, maps.DEFAULT_BASEMAP)
    maps.add_choropleth(strokes, shapes, {shapes["code"].iloc[0]: 3.0}, "Feiten")
    maps.add_outline_strokes(strokes, shapes)
    assert hover_blockers(strokes) == []
    # Outlines alone still name the wijk on hover.
    plain = maps.new_map(shapes, maps.DEFAULT_BASEMAP)
    maps.add_outlines(plain, shapes)
    assert hover_blockers(plain) == []
