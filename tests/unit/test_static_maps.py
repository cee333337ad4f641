"""The static maps of the Word documents keep their legend off the zone."""

from __future__ import annotations

import json
from pathlib import Path

import h3
import pandas as pd
import pytest
from shapely.geometry import box, mapping

from dashboard.components import static_map
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
            _shapes(), pd.DataFrame({"h3_cell": [cell], "klasse": [3]}), spots, "Hotspots"
        ),
        # The Bronnen page's "Kaart als PNG".
        "static_map_png": lambda: static_map.static_map_png(
            _shapes(), "Hotspots", legend=[("#bd0026", "Hotspot 99 %")]
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


def _texts(fig) -> list:
    [ax] = fig.axes
    return [t for t in ax.texts if t.get_visible()]


def _overlapping(fig) -> list[tuple[str, str]]:
    renderer = fig.canvas.get_renderer()
    labels = [t for t in _texts(fig) if t.get_transform() == fig.axes[0].transData]
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in labels]
    return [(a, b) for i, (a, x) in enumerate(boxes) for b, y in boxes[i + 1 :] if x.overlaps(y)]


def _strips() -> pd.DataFrame:
    """Twelve narrow wijken side by side with long names."""
    strips = [box(4.60 + 0.01 * k, 50.86, 4.61 + 0.01 * k, 50.90) for k in range(12)]
    return pd.DataFrame(
        {
            "code": [f"W{k:02d}" for k in range(12)],
            "name": [f"Wijk {chr(76 - k)} met een lange naam (Gemeente)" for k in range(12)],
            "geojson": [json.dumps(mapping(g)) for g in strips],
        }
    )


def test_names_that_collide_become_numbers_with_a_key(figures):
    """Twelve narrow wijken side by side with long names: printed over each other the names
    were unreadable (as the 17 real wijken of Herent were). They become numbers, in
    alphabetical order of the names, and a key beside the map names them."""
    shapes = _strips()
    values = {f"W{k:02d}": k + 5 for k in range(12)}
    static_maps.wijk_choropleth(shapes, values, "Feiten", "Feiten", value_text={
        c: str(v) for c, v in values.items()})  # fmt: skip
    [fig] = figures
    texts = [t.get_text() for t in _texts(fig)]
    key = next(t for t in texts if "\n" in t and "Gemeente" in t).splitlines()
    assert len(key) == 12
    assert [line.split(None, 1)[1] for line in key] == sorted(shapes["name"])
    # W00 is "Wijk L ...", the last name alphabetically: number 12, with its count.
    assert "12\n5" in texts
    assert _overlapping(fig) == []


def test_the_bronnen_png_numbers_colliding_names_too(figures):
    static_map.static_map_png(_strips(), "Kaart")
    [fig] = figures
    assert any(t.get_text().count("(Gemeente)") == 12 for t in _texts(fig))
    assert _overlapping(fig) == []


def test_names_that_fit_stay_names(figures):
    static_maps.wijk_choropleth(_shapes(), {"W01": 3, "W02": 8}, "Feiten", "Feiten")
    [fig] = figures
    assert {"Everberg", "Meerbeek"} <= {t.get_text() for t in _texts(fig)}


REALWORLD = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "data"
    / "realworld"
    / "herko_wijken_4326.geojson"
)


@pytest.mark.skipif(not REALWORLD.exists(), reason=f"echte HerKo-wijken niet gevonden: {REALWORLD}")
def test_real_wijken_of_herent_print_readably(figures):
    """The report's map of Herent with its 17 real wijken: no two labels overlap."""
    import geopandas as gpd

    g = gpd.read_file(REALWORLD)
    g = g[g["nis_code"].astype(str) == "24038"]
    shapes = pd.DataFrame(
        {
            "code": g["wijk_code"].astype(str),
            "name": g["name_nl"].astype(str),
            "geojson": [json.dumps(x.__geo_interface__) for x in g.geometry],
        }
    )
    values = {c: 10 + k for k, c in enumerate(shapes["code"])}
    static_maps.wijk_choropleth(shapes, values, "Feiten", "Feiten", value_text={
        c: str(v) for c, v in values.items()})  # fmt: skip
    [fig] = figures
    key = next(t.get_text() for t in _texts(fig) if "(Herent)\n" in t.get_text())
    assert len(key.splitlines()) == len(shapes) == 17
    assert _overlapping(fig) == []


def test_trend_chart_writes_the_tables_mark_under_a_hidden_total():
    """A total hidden to protect another cell is 5 or more; the chart wrote "<5" under
    every hidden value. It now takes the table's own mark."""
    import numpy as np

    from dashboard.documents import municipal_report as mr

    values = np.array([[12, 3], [40, 9]])
    trend = mr.PublishedTable(
        "evolutie",
        "Evolutie",
        ["Periode"],
        ["Feiten (pv's)", "Letselongevallen"],
        [("2024",), ("2025",)],
        values,
        np.array([[False, True], [False, False]]),
        np.array([[False, True], [False, True]]),
        total_row=False,
    )
    assert mr.trend_series(trend) == {"Feiten (pv's)": [12, 40], "Letselongevallen": ["<5", "x"]}
    from dashboard.documents import charts

    png = charts.trend_chart(["2024", "2025"], mr.trend_series(trend))
    assert png.startswith(b"\x89PNG")


def _label_spot(code: str = "W01") -> tuple[float, float]:
    """Where the name of a wijk of :func:`_shapes` is printed (lon, lat)."""
    from dashboard.components.static_map import _anchor

    shapes = _shapes()
    geojson = shapes.loc[shapes["code"] == code, "geojson"].iloc[0]
    return _anchor(static_maps._geometry(geojson))


def _spot_map(spots: pd.DataFrame, hot: pd.DataFrame | None = None) -> None:
    hot = pd.DataFrame(columns=["h3_cell", "klasse", "rang"]) if hot is None else hot
    static_maps.hotspot_map(_shapes(), hot, spots, "Hotspots")


def test_black_spots_and_ranks_lie_above_the_wijk_names(figures):
    """A wijk's name (zorder 6, white box) hid the black spots under it: #4 Zwaluwstraat
    and #5 Grote Steenweg of week 48/2026 under "Erps-Kwerps" and "Herent-Centrum". The
    dots, their numbers and the hot spots' ranks now lie above the names, and a name on a
    marker moves beside it, whole."""
    lon, lat = _label_spot("W01")
    cell = h3.latlng_to_cell(lat, lon, 9)
    spots = pd.DataFrame({"lat": [lat], "lon": [lon], "rang": [4], "is_black_spot": [True]})
    hot = pd.DataFrame({"h3_cell": [h3.str_to_int(cell)], "klasse": [3], "rang": [2]})
    _spot_map(spots, hot)
    [fig] = figures
    [ax] = fig.axes
    names = [t for t in ax.texts if t.get_text() in {"Everberg", "Meerbeek"}]
    assert len(names) == 2
    top_name = max(t.get_zorder() for t in names)
    [dot] = ax.collections
    spot_number = next(t for t in ax.texts if t.get_text() == "4")
    hot_rank = next(t for t in ax.texts if t.get_text() == "2")
    assert dot.get_zorder() > top_name
    assert spot_number.get_zorder() > dot.get_zorder()
    assert hot_rank.get_zorder() > top_name
    # The name is readable: it no longer lies on the dot or the rank it sat under.
    renderer = fig.canvas.get_renderer()
    everberg = next(t for t in names if t.get_text() == "Everberg").get_window_extent(renderer)
    for marker in (spot_number, hot_rank):
        assert not everberg.overlaps(marker.get_window_extent(renderer))
    x, y = ax.transData.transform((lon, lat))
    assert not (everberg.y0 <= y <= everberg.y1 and everberg.x0 <= x <= everberg.x1)


def _dot_colours(fig) -> dict[tuple[float, float], str]:
    from matplotlib.colors import to_hex

    [ax] = fig.axes
    return {
        tuple(round(float(v), 6) for v in c.get_offsets()[0]): to_hex(c.get_facecolor()[0])
        for c in ax.collections
    }


def test_locations_to_follow_up_are_grey_with_their_own_legend_entry(figures):
    """Where no location qualifies, the briefing lists the top 5 as "Opvolgen"; the map drew
    them as candidates ("Kandidaat (bijna)"). It now takes the status: grey, as on the
    Briefing page's map, with an entry of its own in the legend."""
    spots = pd.DataFrame(
        {
            "lat": [50.87, 50.88, 50.89],
            "lon": [4.61, 4.66, 4.68],
            "rang": [1, 2, 3],
            "status": ["Gevaarlijk punt", "Kandidaat", "Opvolgen"],
            "is_black_spot": [True, False, False],
        }
    )
    _spot_map(spots)
    [fig] = figures
    colours = _dot_colours(fig)
    assert colours[(4.61, 50.87)] == "#2166ac"
    assert colours[(4.66, 50.88)] == "#67a9cf"
    assert colours[(4.68, 50.89)] == "#999999"
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "Kandidaat (bijna)" in legend
    assert any(t.startswith("Opvolgen") for t in legend)


def test_without_a_status_a_location_that_is_no_black_spot_is_a_candidate(figures):
    spots = pd.DataFrame(
        {"lat": [50.87, 50.88], "lon": [4.61, 4.66], "rang": [1, 2], "is_black_spot": [True, False]}
    )
    _spot_map(spots)
    [fig] = figures
    assert sorted(_dot_colours(fig).values()) == ["#2166ac", "#67a9cf"]
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert not any(t.startswith("Opvolgen") for t in legend)


def test_hexagon_classes_follow_the_zone_s_threshold(figures):
    """With ``small_count_threshold = 10`` the hexagon map still drew the classes of 5
    ("5–9"): 11 hexagons of Herent's third quarter of 2026 showed a count the tables hide.
    The lowest class is now "<threshold" and the others are at least that wide."""
    from matplotlib.colors import to_hex

    from dashboard.components.maps import SEQUENTIAL

    assert static_maps.hex_class_lower() == static_maps.HEX_CLASS_LOWER == (1, 5, 10, 25, 50)
    assert [static_maps.hex_class_label(n) for n in (1, 4, 5, 9, 10, 49, 50)] == [
        "<5", "<5", "5–9", "5–9", "10–24", "25–49", "50 of meer"
    ]  # fmt: skip
    assert static_maps.hex_class_lower(10) == (1, 10, 20, 50, 100)
    assert [static_maps.hex_class_label(n, 10) for n in (1, 5, 9, 10, 19, 20, 99, 100)] == [
        "<10", "<10", "<10", "10–19", "10–19", "20–49", "50–99", "100 of meer"
    ]  # fmt: skip
    cell = h3.str_to_int(h3.latlng_to_cell(50.88, 4.62, 9))
    static_maps.hexagon_class_map(
        _shapes(), pd.DataFrame({"h3_cell": [cell], "n": [7]}), "Feiten", threshold=10
    )
    [fig] = figures
    [ax] = fig.axes
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["<10", "10–19", "20–49", "50–99", "100 of meer"]
    # The hexagon of 7 has the colour of the lowest class.
    [hexagon] = [p for p in ax.patches if p.get_alpha() == 0.8]
    assert to_hex(hexagon.get_facecolor()) == SEQUENTIAL[0]


def test_the_hot_spot_legend_names_only_what_the_map_draws(figures):
    """The briefing's map showed the 99/95/90 % hot-spot colours in its legend over a map
    without a single hexagon, and the black-spot entries on a map without dots."""
    from matplotlib.patches import Patch

    lon, lat = _label_spot("W01")
    cell = h3.str_to_int(h3.latlng_to_cell(lat, lon, 9))
    none = pd.DataFrame(columns=["lat", "lon", "rang", "is_black_spot"])
    static_maps.hotspot_map(
        _shapes(), pd.DataFrame({"h3_cell": [cell], "klasse": [2], "rang": [1]}), none, "Kaart"
    )
    static_maps.hotspot_map(_shapes(), pd.DataFrame(columns=["h3_cell", "klasse"]), none, "Leeg")
    with_hot, empty = figures
    legend = with_hot.axes[0].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["Hotspot 95 %"]
    assert all(isinstance(h, Patch) for h in legend.legend_handles)
    assert empty.axes[0].get_legend() is None


def test_dense_hexagon_counts_get_classes_of_their_own(figures):
    """At 10^6 records every hexagon of Herent's report read "50 of meer" (47,119 facts in
    one hexagon over 2025), and so would a city zone's. While at most a quarter of the
    hexagons fall in the top class the fixed classes stay (a zone's reports compare from
    period to period); beyond that the upper classes start at the counts' quartiles."""
    import numpy as np
    from matplotlib.colors import to_hex

    from dashboard.components.maps import SEQUENTIAL

    # The demo zone's year report: 22 % of the hexagons at 50 or more.
    usual = [1] * 20 + [7] * 15 + [30] * 15 + [60] * 14
    assert static_maps.hex_class_lower(5, usual) == (1, 5, 10, 25, 50)
    assert static_maps.hex_class_lower(5, []) == (1, 5, 10, 25, 50)
    rng = np.random.default_rng(3)
    dense = rng.lognormal(7, 1, 300).astype(int) + 1
    for t in (5, 10):
        bounds = static_maps.hex_class_lower(t, dense)
        assert bounds[:2] == (1, t)
        # Every class at least t wide: never an exact count.
        assert all(b - a >= t for a, b in zip(bounds[1:-1], bounds[2:], strict=True))
        assert all(str(b // t)[0] in "125" for b in bounds[2:])  # t · 1–2–5
        per_class = np.histogram(dense, bins=[*bounds, np.inf])[0]
        assert per_class.max() <= 0.5 * len(dense), (t, bounds, per_class)
        assert (per_class[1:] > 0).all()
    bounds = static_maps.hex_class_lower(5, dense)
    assert bounds == (1, 5, 500, 1000, 2500)
    assert [static_maps.hex_class_label(n, 5, bounds) for n in (3, 499, 500, 2499, 9000)] == [
        "<5", "5–499", "500–999", "1.000–2.499", "2.500 of meer"
    ]  # fmt: skip
    # The map's legend names the classes its counts got, and colours a hexagon of 3,000 by
    # its class among them (2.500–4.999 here), not by "50 of meer".
    cells = [h3.str_to_int(h3.latlng_to_cell(50.88, lon, 9)) for lon in (4.61, 4.62, 4.63, 4.68)]
    static_maps.hexagon_class_map(
        _shapes(), pd.DataFrame({"h3_cell": cells, "n": [3000, 2800, 2600, 700]}), "Feiten"
    )
    [fig] = figures
    [ax] = fig.axes
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    expected = static_maps.hex_class_lower(5, [3000, 2800, 2600, 700])
    assert labels == [static_maps.hex_class_label(lo, 5, expected) for lo in expected]
    assert labels[-1].endswith("of meer") and labels[-1] != "50 of meer"
    assert expected == (1, 5, 1000, 2500, 5000)
    first = [p for p in ax.patches if p.get_alpha() == 0.8][0]
    assert to_hex(first.get_facecolor()) == SEQUENTIAL[3]
