"""Maps: points under the cap, H3 hexagons above it, legends and no CDN assets."""

from __future__ import annotations

import json
import math

import folium
import pandas as pd
import pytest
import streamlit as st
from dash_helpers import run_app

from dashboard.components import maps
from dashboard.components.format import fmt_number, shown_value
from dashboard.queries import common


def test_hexagons_above_the_cap(demo_warehouse, monkeypatch):
    # The query modules bind the cap when they are imported, and the cell queries' cached
    # answers do not know it: imported before the cap is lowered, and the cache cleared
    # before and after, or a later test's hot spots (run alone after this one) were found
    # in the ten fullest cells only.
    import dashboard.queries.hotspots
    import dashboard.queries.traffic  # noqa: F401

    st.cache_data.clear()
    monkeypatch.setattr(common, "MAP_POINT_CAP", 10)
    at = run_app(query_params={"periode": "jaar"})
    st.cache_data.clear()
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
    # The legend folds to its title (it can cover part of the zone), and a click on it is
    # no click on the map beneath.
    legend = maps.Legend("Ernst", [("#d7191c", "Dodelijk")]).html
    assert legend.startswith("<details open") and "<summary" in legend
    assert "<b>Ernst</b></summary>" in legend and "Dodelijk" in legend
    assert "disableClickPropagation" in html
    # A wheel turn while scrolling the page past the map does not zoom it out (a review).
    assert '"scrollWheelZoom": false' in html


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


@pytest.mark.parametrize(
    "values",
    [[3.0, 9.0], [1.0, 2.0, 10.0], [0.4, 0.6, 0.9, 4.2], list(range(1, 8)), [1, 1, 1, 2, 50]],
)
@pytest.mark.parametrize("decimals", [0, 1])
def test_no_legend_class_is_empty(values, decimals):
    """A map of two wijken had five classes, three of them empty in its legend (the bounds
    were interpolated between the two values). Every class now holds a value."""
    breaks = maps.class_breaks(values, integer=decimals == 0, decimals=decimals)
    assert len(breaks) <= len(set(values))
    used = {maps._shown_colour(v, breaks, decimals) for v in values}
    assert used == {colour for colour, _ in maps._legend_items(breaks, decimals)}
    if len(values) == 2:
        assert breaks == values


def test_rate_classes_do_not_overlap_as_written():
    """A rate legend read "10,2 – 14,3" beside "14,3 – 14,7", so a wijk at 14,25 (written
    14,3) fitted both (an audit). Classes are decided on the values as written, and each
    class's label starts one step above the one before; every wijk's colour is the class
    whose label holds its written value."""
    rates = {f"W{i:02d}": v for i, v in enumerate(
        [3.14, 6.02, 8.8, 10.2, 12.5, 14.25, 14.31, 14.7, 19.96, 25.0], start=1)}  # fmt: skip
    breaks = maps.class_breaks(list(rates.values()), decimals=1)
    assert all(b == round(b, 1) for b in breaks)
    items = maps._legend_items(breaks, 1)
    labels = [label for _, label in items]

    def bounds(label: str) -> tuple[float, float]:
        parts = label.removeprefix("t.e.m. ").split(" – ")
        low = float(parts[0].replace(",", ".")) if len(parts) == 2 else float("-inf")
        return low, float(parts[-1].replace(",", "."))

    spans = [bounds(label) for label in labels]
    for (_, upper), (low, _) in zip(spans, spans[1:], strict=False):
        assert low == pytest.approx(upper + 0.1), labels  # no value written in two classes
    colours = dict(items)
    for value in rates.values():
        written = float(fmt_number(value, 1).replace(",", "."))
        colour = maps._colour(shown_value(value, 1), breaks)
        low, high = bounds(colours[colour])
        assert low <= written <= high, (value, labels)


def test_an_index_map_s_classes_are_on_its_whole_numbers():
    """The workload index (0 decimals, values not whole) kept its unrounded maximum as the
    last bound: the legend's last row read "144 – 143" and stayed empty (a review)."""
    values = [84.4, 84.6, 85.5, 143.4, 143.2]
    breaks = maps.class_breaks(values, integer=True, decimals=0)
    assert breaks[-1] == 143 and all(b == int(b) for b in breaks)
    labels = [label for _, label in maps._legend_items(breaks, 0)]
    assert labels[-1].endswith("143") and "144" not in " ".join(labels)
    colour = maps._colour(shown_value(143.4, 0), breaks)
    assert colour == maps._legend_items(breaks, 0)[-1][0]


def test_drawn_note_says_what_the_map_draws_in_the_right_number():
    """Captions said "1 gelokaliseerde ongevallen" and "als punt op de kaart" for records
    drawn as hexagons. Outside a Streamlit session there is no inspector."""
    nouns = ("gelokaliseerd ongeval", "gelokaliseerde ongevallen")
    assert maps.drawn_note(maps.Drawn(1, 0), *nouns) == (
        "1 gelokaliseerd ongeval als punt op de kaart."
    )
    assert maps.drawn_note(maps.Drawn(61, 0), *nouns) == (
        "61 gelokaliseerde ongevallen als punt op de kaart."
    )
    assert maps.drawn_note(maps.Drawn(0, 8), *nouns) == (
        "8 gelokaliseerde ongevallen die je niet afzonderlijk mag zien, geteld per grote "
        "zeshoek (H3, ~0,7 km²)."
    )
    assert maps.drawn_note(
        maps.Drawn(2, 1), "controle", "controles", "als vierkantje", "(zonder wijk)"
    ) == (
        "2 controles als vierkantje; 1 controle (zonder wijk), geteld per grote zeshoek (H3, ~0,7 km²)."
    )


def test_split_cells_and_scoped_notes():
    import h3

    fine = h3.latlng_to_cell(50.88, 4.65, 9)
    coarse = h3.latlng_to_cell(50.90, 4.70, maps.HIDDEN_POINTS_RESOLUTION)
    cells = pd.DataFrame({"h3_cell": [h3.str_to_int(fine), h3.str_to_int(coarse)], "n": [2, 9]})
    own, other = maps.split_cells(cells)
    assert list(own["n"]) == [2] and list(other["n"]) == [9]
    # No session, no user: fine cells everywhere, and no sentence about them.
    assert maps.fine_cell_wijken() is None
    assert maps.scoped_cells_note(None) == ""
    assert "enkel voor je eigen wijk Herent-Centrum (W01)" in maps.scoped_cells_note(("W01",))
    assert "ongevallen van andere wijken" in maps.scoped_cells_note(("W01",), "ongevallen")
    # Drawn as two layers with their own legend: a coarse cell holds some seven times the
    # records of a fine one.
    m = folium.Map(location=[50.9, 4.66], tiles=None)
    polygons, legend = maps.add_count_hexagons(m, cells, "Aantal per zeshoek", ("W01",))
    assert [p["properties"]["cell"] for p in polygons] == [coarse, fine]
    assert [label.split(":")[0] for _, label in legend] == ["buiten je wijk", "eigen wijk"]
    # Each on its own colours: on one yellow-red scale "t.e.m. 1" was orange in the own
    # wijk and pale yellow beside it (a review).
    assert legend[0][0] in maps.OTHER_CELLS and legend[1][0] in maps.SEQUENTIAL
    assert not set(maps.OTHER_CELLS) & set(maps.SEQUENTIAL)
    html = m.get_root().render()
    assert "Aantal per zeshoek buiten je wijk (grote zeshoeken)" in html
    polygons, legend = maps.add_count_hexagons(None, cells, "Aantal per zeshoek", None)
    assert len(polygons) == 2 and not any(":" in label for _, label in legend)


def test_basemaps_need_no_key_and_the_grb_map_names_its_source():
    """CARTO's light map ("CartoDB positron") shows "API key required" over every tile
    since August 2026: it is no longer offered. Digitaal Vlaanderen's GRB base map takes
    its place (free, no key); every choice renders with its attribution."""
    assert not any("carto" in str(b).lower() for b in maps.BASEMAPS.values())
    empty = pd.DataFrame({"geojson": []})
    html = maps.new_map(empty, "GRB-basiskaart (Vlaanderen)").get_root().render()
    assert "geo.api.vlaanderen.be/GRB/wmts" in html and "TILEMATRIX={z}" in html
    assert "TILEROW={y}" in html and "TILECOL={x}" in html
    assert "Digitaal Vlaanderen" in html
    assert "tile.openstreetmap.org" in maps.new_map(empty, "OpenStreetMap").get_root().render()
    assert "L.tileLayer" not in maps.new_map(empty, "Geen achtergrondkaart").get_root().render()


@pytest.mark.parametrize("radius", [100, 250, 500])
def test_focus_zoom_fits_the_surroundings_in_a_third_of_the_map(radius):
    """At the chosen zoom the circle's diameter spans at most a third of the map's height,
    and more than half of that (zoom levels are whole, each halves the metres per pixel)."""
    lat, height = 50.88, 560
    zoom = maps.focus_zoom(lat, radius, height)
    metres_per_pixel = 40_075_016.686 * math.cos(math.radians(lat)) / 256 / 2**zoom
    diameter_px = 2 * radius / metres_per_pixel
    assert height / 6 < diameter_px <= height / 3


def test_focus_zoom_without_radius_and_at_the_limits():
    assert maps.focus_zoom(50.88, None) == maps.FOCUS_STREET_ZOOM
    assert maps.focus_zoom(50.88, 1) == maps.FOCUS_MAX_ZOOM  # never closer than the tiles go
    assert maps.focus_zoom(50.88, 10_000_000) == 1
