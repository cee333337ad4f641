"""Maps: points under the cap, H3 hexagons above it, legends and no CDN assets."""

from __future__ import annotations

import json

import pandas as pd
from dash_helpers import run_app

from dashboard.components import maps
from dashboard.queries import common


def test_hexagons_above_the_cap(demo_warehouse, monkeypatch):
    monkeypatch.setattr(common, "MAP_POINT_CAP", 10)
    at = run_app(query_params={"periode": "jaar"})
    assert any("daarom geteld per zeshoek" in c.value for c in at.caption)


def test_map_uses_no_cdn_and_has_dutch_legend(demo_warehouse):
    from dashboard.queries import _db
    from dashboard.queries.districts import district_shapes

    version = _db.warehouse_version()
    shapes = district_shapes(version, "wijk")
    m = maps.new_map(shapes, maps.DEFAULT_BASEMAP)
    maps.add_choropleth(
        m, shapes, {shapes["code"].iloc[0]: 3.5}, "Open taken per 1.000 inwoners", 1
    )
    maps.add_outlines(m, shapes)
    html = m.get_root().render()
    assert "cdn.jsdelivr" not in html and "code.jquery" not in html
    assert "tile.openstreetmap" not in html  # no basemap by default
    assert "Open taken per 1.000 inwoners" in html and "Onbekend" in html


def test_hexagon_features_close_their_ring():
    import h3

    cell = h3.latlng_to_cell(50.88, 4.65, 9)
    cells = pd.DataFrame({"h3_cell": [h3.str_to_int(cell)], "n": [7]})
    feature = maps.hexagon_features(cells)[0]
    ring = feature["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1] and len(ring) == 7
    assert feature["properties"] == {"cell": cell, "n": 7}
    json.dumps(feature)


def test_class_breaks():
    assert maps.class_breaks([]) == []
    assert maps.class_breaks([5, 5, 5]) == [5.0]
    assert maps.class_breaks(list(range(1, 101)))[-1] == 100.0
    assert all(b == int(b) for b in maps.class_breaks([1, 2, 3, 4, 7, 9, 30], integer=True))
    assert maps.class_breaks([0.1, 0.25, 0.7], integer=False)[-1] == 0.7
