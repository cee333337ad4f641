"""Folium maps of the zone: wijk outlines, choropleths, points and H3 hexagons.

Every map draws its own layers (wijk outlines, labels, legend) so that it is readable
without any background map: the police network, and this development machine, may not
reach a tile server. "Geen achtergrondkaart" is the default basemap.

Leaflet itself normally comes from a CDN; streamlit-folium waits for every script it is
given, so one unreachable CDN leaves the map blank. The map therefore loads the copy of
Leaflet shipped in ``dashboard/static/vendor`` (served by Streamlit when
``server.enableStaticServing`` is on, otherwise inlined as a data URL) and drops folium's
other CDN assets (jQuery, Bootstrap, awesome-markers), which these maps do not use.

A map's PNG download and the documents' maps are drawn with matplotlib in
:mod:`dashboard.components.static_map`, from the same layers.

Limits: at most :data:`~dashboard.queries.common.MAP_POINT_CAP` points (thousands of
CircleMarkers make a map slow: 10,000 already take ~11 s); above that the page shows H3
hexagon counts computed in DuckDB.
"""

from __future__ import annotations

import base64
import html
import json
import math
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import folium
import h3
import pandas as pd
import streamlit as st
from branca.element import MacroElement, Template
from shapely.geometry import shape

from dashboard.components.format import (
    fmt_count,
    fmt_date,
    fmt_event_when,
    fmt_int,
    fmt_number,
    shown_value,
    spans_years,
)


class Basemap(NamedTuple):
    """Background tiles: a folium tile name or an XYZ URL template, and its attribution."""

    tiles: str
    attribution: str | None = None


#: Digitaal Vlaanderen's GRB base map (WMTS, Web Mercator tile grid "GoogleMapsVL"): free,
#: without a key, Flanders only. It replaces CARTO's light map ("CartoDB positron"), whose
#: tiles carry an "API key required" mark since CARTO began asking for a key (August 2026).
GRB_BASEMAP = Basemap(
    "https://geo.api.vlaanderen.be/GRB/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER=grb_bsk&STYLE=&FORMAT=image/png&TILEMATRIXSET=GoogleMapsVL"
    "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}",
    'Basiskaart &copy; <a href="https://www.vlaanderen.be/digitaal-vlaanderen">'
    "Digitaal Vlaanderen</a> (GRB)",
)

#: Basemap label → tiles (``None``: no tiles at all).
BASEMAPS: dict[str, Basemap | None] = {
    "Geen achtergrondkaart": None,
    "OpenStreetMap": Basemap("OpenStreetMap"),
    "GRB-basiskaart (Vlaanderen)": GRB_BASEMAP,
}
DEFAULT_BASEMAP = "Geen achtergrondkaart"
KEY_BASEMAP = "flt_achtergrondkaart"

#: Sequential colours (ColorBrewer YlOrRd, 5 classes) for counts and rates.
SEQUENTIAL = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
#: Sequential greys for the coarse cells of other wijken beside an
#: inspector's own fine ones (:func:`add_count_hexagons`) and for the counts of records a
#: role may not see as points (:func:`visible_points`): on the same yellow-red scale "t.e.m.
#: 1" was orange in the own wijk and pale yellow next to it (a review). Not blues: those
#: clashed with the blue points of "Stoffelijke schade" on Verkeer; the darkest grey
#: still lets a wijk's name be read.
OTHER_CELLS = ("#f7f7f7", "#e0e0e0", "#bdbdbd", "#969696", "#737373")
#: Qualitative colours (ColorBrewer Set1 + Dark2) for categories.
QUALITATIVE = (
    "#e41a1c",
    "#377eb8",
    "#4daf4a",
    "#984ea3",
    "#ff7f00",
    "#a65628",
    "#f781bf",
    "#1b9e77",
    "#d95f02",
    "#7570b3",
    "#e7298a",
    "#66a61e",
    "#e6ab02",
    "#666666",
)
UNKNOWN_COLOUR = "#d9d9d9"
#: Ranked places (black spots and candidates) drawn as labelled rings on one map, best
#: ranked first. Rank labels of more places hide the map under them: 1,380 ranked places
#: in ten wijken (a national picture) covered it in purple text.
RANKED_PLACES_CAP = 50

_LEAFLET_DIR = Path(__file__).resolve().parent.parent / "static" / "vendor" / "leaflet-1.9.3"
_STATIC_URL = "app/static/vendor/leaflet-1.9.3"


@lru_cache(maxsize=1)
def _inline_assets() -> tuple[str, str]:
    js = base64.b64encode((_LEAFLET_DIR / "leaflet.js").read_bytes()).decode()
    css = base64.b64encode((_LEAFLET_DIR / "leaflet.css").read_bytes()).decode()
    return f"data:text/javascript;base64,{js}", f"data:text/css;base64,{css}"


def leaflet_assets() -> tuple[str, str]:
    """URLs of the local Leaflet script and stylesheet.

    Returns
    -------
    (str, str)
        Static-file URLs when Streamlit serves ``dashboard/static``, data URLs otherwise.
    """
    if st.get_option("server.enableStaticServing"):
        base = (st.get_option("server.baseUrlPath") or "").strip("/")
        prefix = f"/{base}/" if base else "/"
        return f"{prefix}{_STATIC_URL}/leaflet.js", f"{prefix}{_STATIC_URL}/leaflet.css"
    return _inline_assets()


class Legend(MacroElement):
    """A Leaflet control holding a legend (plain HTML; no CDN, unlike branca colormaps).

    Parameters
    ----------
    title : str
        Legend title.
    items : sequence of (colour, label)
        One swatch per entry; an entry without a colour (``None``) is a line of text.
    position : str
        Leaflet corner.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: {{ this.position|tojson }}});
        {{ this.get_name() }}.onAdd = function (map) {
            var div = L.DomUtil.create('div', 'wijkbeeld-legend');
            div.innerHTML = {{ this.html|tojson }};
            // Folding the legend is no click on the map (a wijk or hexagon beneath it).
            L.DomEvent.disableClickPropagation(div);
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, title: str, items: Sequence[tuple[str, str]], position: str = "bottomright"):
        super().__init__()
        self._name = "Legend"
        self.position = position
        rows = "".join(
            f'<div><span style="display:inline-block;width:12px;height:12px;'
            f"background:{colour};border:1px solid #555;margin-right:6px;"
            f'vertical-align:middle"></span>{html.escape(label)}</div>'
            if colour
            else f'<div style="margin-left:20px">{html.escape(label)}</div>'
            for colour, label in items
        )
        # Folds to its title with a click (a <details>, no script): a legend in a corner can
        # cover part of the zone, on a narrow map most of all.
        self.html = (
            '<details open style="background:rgba(255,255,255,0.92);padding:6px 8px;'
            "border-radius:4px;font:12px/1.5 sans-serif;box-shadow:0 0 4px rgba(0,0,0,0.3);"
            'max-width:240px"><summary style="cursor:pointer" title="Klik om de legende te '
            f'verbergen of te tonen"><b>{html.escape(title)}</b></summary>{rows}</details>'
        )


def _features(districts: pd.DataFrame) -> list[dict]:
    features = []
    for row in districts.itertuples(index=False):
        geometry = json.loads(row.geojson) if isinstance(row.geojson, str) else row.geojson
        if geometry.get("type") == "Feature":
            geometry = geometry["geometry"]
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {"code": row.code, "name": row.name},
            }
        )
    return features


def new_map(districts: pd.DataFrame, basemap: str = DEFAULT_BASEMAP) -> folium.Map:
    """An empty map fitted to the districts, with or without background tiles.

    Parameters
    ----------
    districts : pandas.DataFrame
        From :func:`dashboard.queries.districts.district_shapes` (``geojson`` column).
    basemap : str
        Key of :data:`BASEMAPS`.

    Returns
    -------
    folium.Map
    """
    tiles = BASEMAPS.get(basemap)
    # SVG, not canvas: outlines and markers stay DOM elements (hover, browser tests).
    m = folium.Map(
        tiles=tiles.tiles if tiles else None,
        attr=tiles.attribution if tiles else None,
        control_scale=False,
        zoom_snap=0.25,
        # The page scrolls past its maps: a wheel turn over one zoomed it out to a speck of
        # the zone at 1000 km, without tiles to find it back (a review of the pages in a
        # browser). Zoom with + and −, or a double click.
        scroll_wheel_zoom=False,
    )
    MetricScale().add_to(m)
    js, css = leaflet_assets()
    # Instance attributes shadow folium's class-level CDN lists (see module docstring).
    m.default_js = [("leaflet", js)]
    m.default_css = [("leaflet_css", css)]
    if tiles is None:
        m.get_root().header.add_child(
            folium.Element("<style>.leaflet-container{background:#f4f4f2}</style>")
        )
    if not districts.empty:
        minx, miny, maxx, maxy = _bounds(tuple(districts["geojson"]))
        m.fit_bounds([[miny, minx], [maxy, maxx]])
    return m


@lru_cache(maxsize=32)
def _bounds(geojsons: tuple[str, ...]) -> tuple[float, float, float, float]:
    boxes = [shape(json.loads(g) if isinstance(g, str) else g).bounds for g in geojsons]
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _tooltip(
    features: Sequence[dict], fields: Sequence[str], aliases: Sequence[str]
) -> folium.GeoJsonTooltip | None:
    """The tooltip of a GeoJSON layer of ``features``, none for an empty layer: folium
    refuses, when the page is drawn, a tooltip field that no feature has (a zone without
    a wijk layer stopped the Briefing, Verkeer and Werklast pages)."""
    if not features:
        return None
    return folium.GeoJsonTooltip(fields=list(fields), aliases=list(aliases))


def add_outlines(m: folium.Map, districts: pd.DataFrame, labels: bool = True) -> None:
    """Draw district borders (no fill) and, optionally, their names as map labels.

    Hovering anywhere in a wijk names it: the polygons' transparent fill catches the mouse.
    Over a filled layer (hexagons, a choropleth) use :func:`add_outline_strokes`, or that
    fill hides the layer's own tooltips (a look at the pages in a browser: the Briefing's
    hexagons and Verkenning's choropleth showed only the wijk's name and code).
    """
    layer = folium.FeatureGroup(name="Wijkgrenzen", control=False)
    features = _features(districts)
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        style_function=lambda _: {"color": "#333333", "weight": 2, "fillOpacity": 0},
        tooltip=_tooltip(features, ["name", "code"], ["Wijk", "Code"]),
    ).add_to(layer)
    if labels:
        _add_names(layer, districts, click_through=False, m=m)
    layer.add_to(m)


class MetricScale(MacroElement):
    """A scale bar in metres and kilometres only: folium's ``control_scale`` draws Leaflet's
    default, which adds a bar in miles and feet."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.control.scale({imperial: false, maxWidth: 150}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )


#: Least room between two area names shown on a map, in pixels (:class:`DeclutterLabels`).
LABEL_GAP_PX = 3


class DeclutterLabels(MacroElement):
    """Hides area names that would overlap a larger area's name or a rank label
    (:func:`add_labels`), at every zoom level.

    Zoomed out to the whole zone, the names of neighbouring wijken ran into each other
    ("Erps-Kwerps-NoordVeltem-Beisem"; with the 29 real wijken of PZ HerKo, most of them).
    After each zoom the names are placed largest area first, and a name that would touch
    one already placed is hidden until a closer zoom has room for it (the outline's tooltip
    still names the area). Leaflet itself has no label collision.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            function declutter() {
                var labels = Array.prototype.slice.call(
                    map.getContainer().querySelectorAll(".wb-area-label"));
                labels.sort(function (a, b) { return b.dataset.rank - a.dataset.rank; });
                // Ranks of places to follow up (black spots) stay and are placed first:
                // a name under one read as "#2Kortenberg-Centrum" (a UX sweep).
                var placed = Array.prototype.slice.call(
                    map.getContainer().querySelectorAll(".wb-rank-label")
                ).map(function (el) { return el.getBoundingClientRect(); })
                 .filter(function (r) { return r.width; });
                labels.forEach(function (el) {
                    el.style.visibility = "";
                    var r = el.getBoundingClientRect();
                    if (!r.width) { return; }
                    // A gap of {{ this.gap }} px around each name: its white halo
                    // (text-shadow) reaches past the box, and names one pixel apart
                    // read as one.
                    var g = {{ this.gap }};
                    var clash = placed.some(function (p) {
                        return r.left < p.right + g && r.right + g > p.left
                            && r.top < p.bottom + g && r.bottom + g > p.top;
                    });
                    if (clash) { el.style.visibility = "hidden"; } else { placed.push(r); }
                });
            }
            map.on("zoomend", declutter);
            map.whenReady(function () { setTimeout(declutter, 0); });
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    #: Least room between two names shown, in pixels (also above and below: names of
    #: wijken stacked one line apart touched).
    gap = LABEL_GAP_PX

    def __init__(self) -> None:
        super().__init__()
        self._name = "DeclutterLabels"


def _add_names(target, districts: pd.DataFrame, click_through: bool, m: folium.Map) -> None:
    """District names as text labels at a point inside each polygon.

    ``click_through`` makes the labels ignore the mouse, so a click on a name reaches the
    hexagon or choropleth underneath. Names that would overlap are hidden per zoom level,
    the larger area's name kept (:class:`DeclutterLabels`).
    """
    extra = ";pointer-events:none" if click_through else ""
    features = _features(districts)
    areas = [shape(f["geometry"]).area for f in features]
    # Rank 0 for the smallest area: the larger area's name wins a clash.
    rank = {i: r for r, i in enumerate(sorted(range(len(areas)), key=areas.__getitem__))}
    if not any(isinstance(child, DeclutterLabels) for child in m._children.values()):
        m.add_child(DeclutterLabels())
    for k, feature in enumerate(features):
        point = shape(feature["geometry"]).representative_point()
        name = html.escape(str(feature["properties"]["name"]))
        icon = folium.DivIcon(
            html=(
                f'<div class="wb-area-label" data-rank="{rank[k]}" '
                # inline-block: the box is as wide as the name, so the name is centred
                # on its point (a block of the icon's zero width left it starting there)
                # and the decluttering can measure it.
                'style="display:inline-block;font:600 11px sans-serif;color:#222;'
                "white-space:nowrap;text-shadow:0 0 3px #fff,0 0 3px #fff;"
                "transform:translate(-50%,-50%)"
                f'{extra}">{name}</div>'
            ),
            icon_size=(0, 0),
        )
        if click_through:
            folium.Marker([point.y, point.x], icon=icon, interactive=False).add_to(target)
        else:
            folium.Marker([point.y, point.x], icon=icon).add_to(target)


def class_breaks(
    values: Sequence[float],
    classes: int = len(SEQUENTIAL),
    integer: bool = False,
    decimals: int | None = None,
) -> list[float]:
    """Upper bounds of equal-count classes, each a value of the map (fewer when values
    repeat or are few, so no class is empty).

    Parameters
    ----------
    values : sequence of float
        The values to classify (missing values ignored).
    classes : int
        Most classes.
    integer : bool
        Values are counts: round bounds down to whole numbers, so a legend never reads
        "t.e.m. 5" for a class that ends at 4,6.
    decimals : int, optional
        Values shown with this many decimals: bounds on that scale (rounded down), so the
        legend's classes do not overlap as written: "10,2 – 14,3" beside "14,3 – 14,7" fitted
        a wijk at 14,25 in both (an audit). Colour values as shown (:func:`shown_value`).

    Returns
    -------
    list of float
        Increasing class upper bounds; the last is the maximum.
    """
    series = pd.Series(values, dtype=float).dropna()
    if series.empty:
        return []
    if decimals is not None:
        # Values as written (an index of 143,4 is written 143; a review).
        series = series.map(lambda v: shown_value(v, decimals))
    # Each bound is a value of the map (the nearest rank), so every class holds at least
    # its upper bound: interpolated bounds gave a map of two wijken five classes, three of
    # them empty in the legend.
    quantiles = [(i + 1) / classes for i in range(classes)]
    qs = series.quantile(quantiles, interpolation="nearest").tolist()
    if integer or decimals is not None:
        # Bounds rounded down on the written scale (counts: whole numbers).
        places = decimals or 0
        step = 10.0**places
        qs = [shown_value(math.floor(round(q * step, 6)) / step, places) for q in qs]
    # The largest value must fall in the last class whatever the rounding did.
    qs[-1] = float(series.max())
    return sorted(set(qs))


def _shown_colour(value: float | None, breaks: list[float], decimals: int) -> str:
    """The class colour of ``value`` as the map writes it (:func:`class_breaks` with
    ``decimals``): a wijk and its legend row never disagree."""
    return _colour(None if value is None else shown_value(value, decimals), breaks)


def _colour(value: float | None, breaks: list[float], palette: Sequence[str] = SEQUENTIAL) -> str:
    if value is None or pd.isna(value) or not breaks:
        return UNKNOWN_COLOUR
    offset = len(palette) - len(breaks)
    for i, upper in enumerate(breaks):
        if value <= upper:
            return palette[offset + i]
    return palette[-1]


def _legend_items(
    breaks: list[float], decimals: int, palette: Sequence[str] = SEQUENTIAL
) -> list[tuple[str, str]]:
    """Legend rows of ``breaks`` (:func:`class_breaks` with these ``decimals``): classes are
    (lower, upper] on the scale the values are written in, so the first value of a class is
    lower + 1 for counts, lower + 0,1 with one decimal."""
    fmt = fmt_int if decimals == 0 else (lambda v: fmt_number(v, decimals))
    offset = len(palette) - len(breaks)
    items, lower = [], None
    for i, upper in enumerate(breaks):
        first = None if lower is None else shown_value(lower + 10.0**-decimals, decimals)
        label = f"t.e.m. {fmt(upper)}" if first is None else f"{fmt(first)} – {fmt(upper)}"
        if first is not None and first == upper:
            label = fmt(upper)
        items.append((palette[offset + i], label))
        lower = upper
    return items


def add_choropleth(
    m: folium.Map,
    districts: pd.DataFrame,
    values: Mapping[str, float | None],
    title: str,
    decimals: int = 0,
    unknown_label: str = "Onbekend",
    area_label: str = "Wijk",
) -> None:
    """Fill districts by value, with a Dutch legend and tooltips.

    Parameters
    ----------
    values : mapping
        District code → value; missing or ``None`` is drawn grey as ``unknown_label``.
    title : str
        Legend and tooltip title.
    decimals : int
        Decimals in legend and tooltip.
    area_label : str
        What an area is, in the tooltip ("Gemeente", "Deelgemeente"): Herent is both a
        municipality and a deelgemeente, and "Wijk: Herent" said neither.
    """
    features = _features(districts)
    breaks = class_breaks(
        [v for v in values.values() if v is not None], integer=decimals == 0, decimals=decimals
    )
    fmt = fmt_int if decimals == 0 else (lambda v: fmt_number(v, decimals))
    for feature in features:
        value = values.get(feature["properties"]["code"])
        value = None if value is None or pd.isna(value) else float(value)
        feature["properties"]["value"] = value
        feature["properties"]["value_text"] = unknown_label if value is None else fmt(value)
        feature["properties"]["fill"] = _shown_colour(value, breaks, decimals)
    _fill_layer(m, features, title, {"name": area_label, "value_text": title}, "#333333", 1.5, 0.75)
    items = _legend_items(breaks, decimals)
    if any(f["properties"]["value"] is None for f in features):
        items.append((UNKNOWN_COLOUR, unknown_label))
    Legend(title, items).add_to(m)


def _fill_layer(
    m: folium.Map,
    features: list[dict],
    name: str,
    tooltip: Mapping[str, str],
    outline: str,
    weight: float,
    opacity: float | None = None,
) -> None:
    """A GeoJSON layer whose features carry their own ``fill`` colour (and, when ``opacity``
    is ``None``, their own ``opacity``); ``tooltip``: property → Dutch label."""
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=name,
        style_function=lambda f: {
            "fillColor": f["properties"]["fill"],
            "fillOpacity": f["properties"]["opacity"] if opacity is None else opacity,
            "color": outline,
            "weight": weight,
        },
        tooltip=_tooltip(features, list(tooltip), list(tooltip.values())),
    ).add_to(m)


def add_category_fill(
    m: folium.Map,
    districts: pd.DataFrame,
    categories: Mapping[str, str | None],
    title: str,
    colours: Mapping[str, str] | None = None,
    area_label: str = "Gebied",
    other_label: str = "Ongewijzigd",
) -> None:
    """Fill areas by a category (e.g. "naar W03"), with a legend; others stay light grey.

    Parameters
    ----------
    districts : pandas.DataFrame
        ``code``, ``name``, ``geojson`` (as from ``district_shapes``).
    categories : mapping
        Area code → category label; missing or ``None`` is drawn as ``other_label``.
    title : str
        Legend and tooltip title.
    colours : mapping, optional
        Category → colour; others get palette colours.
    area_label : str
        Tooltip label of the area's name ("Sector", "Wijk").
    other_label : str
        Legend label of areas without a category.
    """
    features = _features(districts)
    cats = sorted({str(c) for c in categories.values() if c is not None})
    palette = category_colours(cats, colours)
    for feature in features:
        cat = categories.get(feature["properties"]["code"])
        feature["properties"]["cat"] = other_label if cat is None else str(cat)
        feature["properties"]["fill"] = UNKNOWN_COLOUR if cat is None else palette[str(cat)]
        feature["properties"]["opacity"] = 0.25 if cat is None else 0.8
    _fill_layer(m, features, title, {"name": area_label, "cat": title}, "#777777", 0.8)
    items = [(palette[c], c) for c in cats]
    if any(categories.get(f["properties"]["code"]) is None for f in features):
        items.append((UNKNOWN_COLOUR, other_label))
    Legend(title, items).add_to(m)


def category_colours(categories: Sequence[str], fixed: Mapping[str, str] | None = None) -> dict:
    """Stable colour per category (``fixed`` first, then the qualitative palette)."""
    fixed = dict(fixed or {})
    free = [c for c in QUALITATIVE if c not in fixed.values()]
    out = {}
    for i, cat in enumerate(sorted(c for c in categories if c not in fixed)):
        out[cat] = free[i % len(free)]
    out.update({k: v for k, v in fixed.items() if k in set(categories)})
    return out


#: H3 resolution (~0.7 km²) at which points a user may not see one by one are counted.
HIDDEN_POINTS_RESOLUTION = 8


#: Legend of the counts per hexagon drawn for the records a role may not see one by one
#: (:func:`visible_points`). It carried the point layer's title: "Ernst (ongeval): aantal
#: per zeshoek" over counts of every severity (a review).
HIDDEN_CELLS_TITLE = "Niet afzonderlijk getoond: aantal per zeshoek"


def visible_points(points: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split map points into what the signed-in user may see as points, and the rest as counts.

    Every point layer passes through here (:func:`add_points`, :func:`add_square_markers`),
    so no page can put a record on a map that the role may not see.

    Parameters
    ----------
    points : pandas.DataFrame
        ``id``, ``lat``, ``lon``, ... and ``wijk_code`` (without it an inspector sees no
        point at all: fail closed).

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The points to draw (the record policy applied: own wijk only for an inspector,
        ``id`` pseudonymised for the beleidscel, none for bestuur), and ``h3_cell``/``n``
        counts of the points left out, so other wijken do not look empty.
    """
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    from dashboard.components.layout import records

    none = pd.DataFrame({"h3_cell": pd.Series(dtype="object"), "n": pd.Series(dtype="int64")})
    if points.empty or get_script_run_ctx() is None:
        # Outside a Streamlit session (unit tests of the drawing code) there is no user.
        return points, none
    # The rows left out are found by index label: with a repeated label (frames of several
    # sources concatenated, as on the briefing's map) a record of another wijk sharing its
    # label with a visible one was lost, and the others were counted twice.
    points = points.reset_index(drop=True)
    shown = records(points, ids={"id": "ID"})
    if len(shown) == len(points):
        return shown, none
    kept = set(shown.index)
    hidden = points.loc[[i for i in points.index if i not in kept]]
    hidden = hidden.dropna(subset=["lat", "lon"])
    if hidden.empty:
        return shown, none
    cells = [
        h3.latlng_to_cell(float(lat), float(lon), HIDDEN_POINTS_RESOLUTION)
        for lat, lon in zip(hidden["lat"], hidden["lon"], strict=True)
    ]
    counts = pd.Series(cells).value_counts()
    return shown, pd.DataFrame({"h3_cell": counts.index, "n": counts.to_numpy()})


class Drawn(NamedTuple):
    """What a record layer put on the map (the return value of :func:`add_points` & co.)."""

    #: Records drawn one by one (points, squares, heat-map weights at their own place).
    points: int
    #: Records the reader may not see one by one, counted per coarse hexagon instead.
    in_cells: int


def _drawn(shown: pd.DataFrame, hidden: pd.DataFrame) -> Drawn:
    return Drawn(len(shown), int(hidden["n"].sum()) if not hidden.empty else 0)


#: Roughly the area of a coarse hexagon, for captions.
COARSE_AREA_TEXT = "grote zeshoek (H3, ~0,7 km²)"


def _own_wijk() -> str | None:
    """The signed-in inspector's wijk code (``None`` for other roles or without a session)."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    if get_script_run_ctx() is None:
        return None
    from dashboard.auth.roles import Role
    from dashboard.components.layout import principal

    who = principal()
    return str(who.wijk_code) if who.role is Role.INSPECTOR else None


def drawn_note(
    drawn: Drawn,
    singular: str,
    plural: str,
    how: str = "als punt op de kaart",
    hidden_reason: str | None = None,
    hidden_how: str = f"geteld per {COARSE_AREA_TEXT}",
) -> str:
    """One Dutch sentence saying what a record layer drew (for the map's caption).

    Parameters
    ----------
    drawn : Drawn
        From :func:`add_points`, :func:`add_square_markers`, :func:`add_point_clusters`.
    singular, plural : str
        The records' noun, e.g. ``"gelokaliseerd ongeval"``, ``"gelokaliseerde ongevallen"``.
    how : str
        How the visible records are drawn (``"als punt op de kaart"``).
    hidden_reason : str, optional
        Why records were counted per hexagon instead; default, for an inspector,
        "buiten je eigen wijk Herent-Centrum (W01)".
    hidden_how : str
        How those records are drawn instead.

    Examples: "61 gelokaliseerde ongevallen als punt op de kaart." for the coordinator;
    "12 gelokaliseerde records van je eigen wijk Herent-Centrum (W01) als punt op de kaart;
    83 gelokaliseerde records buiten je eigen wijk Herent-Centrum (W01), geteld per grote
    zeshoek (H3, ~0,7 km²)." for an inspector.
    """
    if not drawn.in_cells:
        return f"{fmt_count(drawn.points, singular, plural)} {how}."
    own = _own_wijk()
    if own:
        from dashboard.components.layout import wijk_labels

        own = wijk_labels((own,))
    reason = hidden_reason or (
        f"buiten je eigen wijk {own}" if own else "die je niet afzonderlijk mag zien"
    )
    hidden = f"{fmt_count(drawn.in_cells, singular, plural)} {reason}, {hidden_how}"
    if not drawn.points:
        return hidden + "."
    mine = f" van je eigen wijk {own}" if own and hidden_reason is None else ""
    return f"{fmt_count(drawn.points, singular, plural)}{mine} {how}; {hidden}."


def fine_cell_wijken() -> tuple[str, ...] | None:
    """The wijken whose records the signed-in user may see in fine H3 cells (~0,1 km²).

    The rule of :func:`visible_points` for hexagons: a record the user may see as a point
    may lie in a fine cell (``h3_cell``); every other record is counted only in its coarse
    cell (``h3_cell_coarse``, resolution :data:`HIDDEN_POINTS_RESOLUTION`). Pass the result
    to the cell queries (``fine_wijken=``:
    :func:`dashboard.queries.hotspots.cell_counts`,
    :func:`dashboard.queries.traffic.accident_hex_counts`, ...).

    Returns
    -------
    tuple of str or None
        ``None``: fine cells everywhere (coordinator, beleidscel, and outside a Streamlit
        session, where there is no user); the inspector's own wijk; ``()`` (bestuur):
        coarse cells only.
    """
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    from dashboard.components.layout import record_scope

    if get_script_run_ctx() is None:
        return None
    # record_scope(()) is () ("every wijk") for the roles that see every record, the own
    # wijk for an inspector and None (no record at all) for bestuur.
    scope = record_scope(())
    if scope == ():
        return None
    return tuple(scope or ())


def split_cells(cells: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cells (``h3_cell`` int or str) split into fine ones and coarse ones (resolution at
    most :data:`HIDDEN_POINTS_RESOLUTION`), e.g. the result of a query with
    ``fine_wijken``."""
    if cells.empty:
        return cells, cells
    coarse = [
        h3.get_resolution(c if isinstance(c, str) else h3.int_to_str(int(c)))
        <= HIDDEN_POINTS_RESOLUTION
        for c in cells["h3_cell"]
    ]
    mask = pd.Series(coarse, index=cells.index, dtype=bool)
    return cells[~mask], cells[mask]


#: After a layer's title, in the legend of what it counts in other wijken per coarse
#: hexagon: "Letselongevallen per zeshoek (3 jaar) buiten je wijk" (a bare "Buiten je wijk:
#: aantal per grote zeshoek" did not say what it counted, beside two other layers).
OTHER_CELLS_SUFFIX = "buiten je wijk"


def scoped_cells_note(fine_wijken: tuple[str, ...] | None, noun: str = "records") -> str:
    """The sentence a hexagon map's caption adds for a reader with ``fine_wijken``
    (:func:`fine_cell_wijken`); empty for a reader who sees fine cells everywhere.

    ``noun``: what the hexagons count, plural ("records", "ongevallen")."""
    if fine_wijken is None:
        return ""
    if not fine_wijken:
        return f" Alle {noun} geteld per {COARSE_AREA_TEXT}."
    from dashboard.components.layout import wijk_labels

    return (
        f" Kleine zeshoeken (~0,1 km²) enkel voor je eigen wijk {wijk_labels(fine_wijken)}; "
        f"{noun} van andere wijken tellen per {COARSE_AREA_TEXT}."
    )


def add_count_hexagons(
    m: folium.Map | None,
    cells: pd.DataFrame,
    title: str,
    fine_wijken: tuple[str, ...] | None,
) -> tuple[list[dict], list[tuple[str, str]]]:
    """Count hexagons as the reader may see them, with their legend(s).

    With ``fine_wijken`` (not ``None``) the cells come from a query that counted other
    wijken's records in coarse cells: those get a layer and a legend of their own
    (the title and :data:`OTHER_CELLS_SUFFIX`), under the fine cells, since a coarse cell holds some
    seven times the records of a fine one and one colour scale would hide the own wijk.

    Parameters
    ----------
    m : folium.Map or None
        The map to draw on; ``None``: only build the features (for a PNG).

    Returns
    -------
    (list of dict, list of (str, str))
        The features drawn and the legend rows, for
        :func:`dashboard.components.static_map.static_map_png`.
    """
    if fine_wijken is None:
        features, legend = count_hexagon_layer(cells)
        if m is not None:
            add_filled_features(m, features, title, legend, ["n_text"])
        return features, legend
    fine, coarse = split_cells(cells)
    polygons: list[dict] = []
    legend: list[tuple[str, str]] = []
    for part, name, prefix, palette in (
        (coarse, f"{title} {OTHER_CELLS_SUFFIX} (grote zeshoeken)", "buiten je wijk", OTHER_CELLS),
        (fine, title, "eigen wijk", SEQUENTIAL),
    ):
        if part.empty:
            continue
        features, items = count_hexagon_layer(part, palette)
        if m is not None:
            add_filled_features(m, features, name, items, ["n_text"])
        polygons += features
        legend += [(colour, f"{prefix}: {label}") for colour, label in items]
    return polygons, legend


#: Leaflet pane above the markers' (600), below the tooltips' (650): places to follow up (black spots, their ranks and
#: rings) are drawn over the wijk names, which hid dangerous point #2 under
#: "Kortenberg-Centrum" (a look at the pages in a browser).
TOP_PANE = "wb-top"


def _top_pane(m: folium.Map) -> str:
    """The name of :data:`TOP_PANE`, added to ``m`` once (pointer events on: tooltips)."""
    if not getattr(m, "_wb_top_pane", False):
        # Above the markers' pane (600), below the tooltips' (650): a tooltip stays
        # readable over a black spot (a review).
        folium.map.CustomPane(TOP_PANE, z_index=625, pointer_events=True).add_to(m)
        m._wb_top_pane = True
    return TOP_PANE


def _on_top(layer, m: folium.Map):
    """``layer`` (a circle or marker) in :data:`TOP_PANE` of ``m``: folium leaves a vector
    layer's ``pane`` out of its options, so it is set on them."""
    layer.options["pane"] = _top_pane(m)
    return layer


def add_points(
    m: folium.Map,
    points: pd.DataFrame,
    title: str,
    colours: Mapping[str, str] | None = None,
    order: Sequence[str] | None = None,
    records: bool = True,
) -> Drawn:
    """Records as circle markers coloured by category, with a legend.

    Parameters
    ----------
    points : pandas.DataFrame
        From :func:`dashboard.queries.common.map_points` (``lat``, ``lon``, ``category``,
        ``date``, ``address``, ``id``); at most the map cap.
    title : str
        Legend title (the category's name, e.g. "Ernst").
    colours : mapping, optional
        Category → colour; missing categories get palette colours.
    order : sequence, optional
        Legend order of categories.
    records : bool
        The points are records (PVs, accidents, reports): the signed-in user's record
        policy applies (:func:`visible_points`), and points the role may not see one by one
        are drawn as hexagon counts instead. ``False`` only for points that are themselves
        aggregates (black-spot locations).

    Returns
    -------
    Drawn
        How many records became points, and how many were counted per hexagon instead
        (for the caption: :func:`drawn_note`).
    """
    hidden = pd.DataFrame({"h3_cell": [], "n": []})
    if records:
        points, hidden = visible_points(points)
        add_hexagons(m, hidden, HIDDEN_CELLS_TITLE, OTHER_CELLS)
    drawn = _drawn(points, hidden)
    if points.empty:
        return drawn
    cats = [str(c) for c in points["category"].fillna("Onbekend").unique()]
    palette = category_colours(cats, colours)
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [float(r.lon), float(r.lat)]},
            "properties": {
                "colour": palette[str(r.category if r.category is not None else "Onbekend")],
                "wat": str(r.category),
                "datum": fmt_date(r.date),
                "adres": str(r.address or ""),
                "nummer": str(r.id),
            },
        }
        for r in points.itertuples(index=False)
    ]
    if not records:
        # A few places to follow up, over the wijk names (the records' GeoJSON layer below
        # cannot take a pane per point).
        for f in features:
            lon, lat = f["geometry"]["coordinates"]
            p = f["properties"]
            marker = folium.CircleMarker(
                [lat, lon],
                radius=6,
                fill=True,
                fill_opacity=0.9,
                weight=1.5,
                color="#222222",
                fill_color=p["colour"],
                tooltip=html.escape(f"{p['nummer']} {p['wat']}: {p['adres']}"),
            )
            _on_top(marker, m).add_to(m)
    else:
        # One GeoJSON layer whose points Leaflet turns into circle markers: far less HTML
        # and Python time than one folium.CircleMarker object per record.
        folium.GeoJson(
            {"type": "FeatureCollection", "features": features},
            name=title,
            marker=folium.CircleMarker(radius=5, fill=True, fill_opacity=0.85, weight=1),
            style_function=lambda f: {
                "fillColor": f["properties"]["colour"],
                "color": "#222222",
            },
            tooltip=_tooltip(
                features,
                ["wat", "datum", "adres", "nummer"],
                [title, "Datum", "Adres", "Nummer"],
            ),
        ).add_to(m)
    ordered = [c for c in (order or []) if c in palette] + sorted(
        c for c in palette if c not in (order or [])
    )
    Legend(title, [(palette[c], c) for c in ordered]).add_to(m)
    return drawn


def hexagon_features(cells: pd.DataFrame) -> list[dict]:
    """GeoJSON polygons for H3 cells (``h3_cell`` as int or str, ``n``)."""
    features = []
    for row in cells.itertuples(index=False):
        cell = row.h3_cell if isinstance(row.h3_cell, str) else h3.int_to_str(int(row.h3_cell))
        ring = [[lng, lat] for lat, lng in h3.cell_to_boundary(cell)]
        ring.append(ring[0])
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [ring]},
                "properties": {"cell": cell, "n": int(row.n)},
            }
        )
    return features


def add_hexagons(
    m: folium.Map, cells: pd.DataFrame, title: str, palette: Sequence[str] = SEQUENTIAL
) -> None:
    """H3 hexagons coloured by their count, with a Dutch legend (the layer of
    :func:`count_hexagon_layer`, as every count-hexagon map draws it)."""
    if cells.empty:
        return
    features, legend = count_hexagon_layer(cells, palette)
    add_filled_features(m, features, title, legend, ["n_text"])


def basemap_picker(key: str = KEY_BASEMAP) -> str:
    """Radio for the background map; the choice is shared by every map in the session."""
    from dashboard.components.filters import bind_widget, copy_back

    if st.session_state.get(key) not in BASEMAPS:
        st.session_state[key] = DEFAULT_BASEMAP
    wkey = bind_widget(key)
    choice = st.radio(
        "Achtergrondkaart",
        list(BASEMAPS),
        key=wkey,
        horizontal=True,
        on_change=copy_back,
        args=(key,),
        help="Achtergrondkaarten komen van internet; zonder verbinding blijft de kaart "
        "bruikbaar met 'Geen achtergrondkaart'. De GRB-basiskaart (Digitaal Vlaanderen) "
        "dekt enkel Vlaanderen.",
    )
    return choice


def show(m: folium.Map, key: str, height: int = 560) -> None:
    """Render a map. No interaction is returned, so panning never reruns the page."""
    from streamlit_folium import st_folium

    st_folium(m, key=key, height=height, use_container_width=True, returned_objects=[])


@st.fragment
def record_map(
    version,
    dataset_keys: tuple[str, ...],
    start,
    end,
    wijken: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    key: str = "kaart",
    colours: Mapping[str, str] | None = None,
    order: Sequence[str] | None = None,
) -> None:
    """The wijk map of a page: its records as points, or H3 hexagons above the cap.

    Runs as a fragment: changing the background map reruns only the map.

    Parameters
    ----------
    version : WarehouseVersion
        Warehouse version.
    dataset_keys : tuple of str
        Keys of :data:`dashboard.queries.common.DATASETS` to show. With one dataset the
        points are coloured by its category; with several, by dataset.
    start, end : date
        Inclusive period.
    wijken, categories : tuple of str
        Filters (empty: all). The map zooms to the chosen wijken.
    key : str
        Widget key of the map.
    colours, order : optional
        Category colours and legend order (one dataset only).
    """
    from dashboard.queries.common import (
        MAP_POINT_CAP,
        dataset,
        hex_counts,
        map_points,
        record_count,
    )
    from dashboard.queries.districts import district_shapes

    basemap = basemap_picker()
    districts = district_shapes(version, "wijk")
    focus = districts[districts["code"].isin(wijken)] if wijken else districts
    m = new_map(focus if not focus.empty else districts, basemap)
    # Located anywhere, outside the zone too: what the points draw (as on Bronnen).
    total = sum(
        record_count(
            version, k, start, end, wijken, categories, located_only=True, inside_zone=False
        )
        for k in dataset_keys
    )
    several = len(dataset_keys) > 1
    if total > MAP_POINT_CAP:
        # Hexagons hold the records inside the zone only (marts.hex_counts, Bronnen): a
        # record over the border drew a cell beyond the zone's map.

        def counted(coarse: bool, fine_wijken: tuple[str, ...] | None) -> pd.DataFrame:
            frames = [
                hex_counts(
                    version, k, start, end, wijken, categories, coarse, fine_wijken=fine_wijken
                )
                for k in dataset_keys
            ]
            return pd.concat(frames).groupby("h3_cell", as_index=False)["n"].sum()

        # Fine cells only for the records the reader may see as points (an inspector's own
        # wijk), coarse cells for all others, records without a wijk included.
        fine_wijken = fine_cell_wijken()
        cells = counted(False, fine_wijken)
        # The cell query stops at the cap: a full answer may have left cells out.
        coarse = len(cells) >= MAP_POINT_CAP
        if coarse:
            cells = counted(True, None)
        add_count_hexagons(m, cells, "Aantal per zeshoek", None if coarse else fine_wijken)
        add_outline_strokes(m, districts)
        in_cells = sum(
            record_count(version, k, start, end, wijken, categories, located_only=True)
            for k in dataset_keys
        )
        note = (
            f"Meer dan {fmt_int(MAP_POINT_CAP)} gelokaliseerde records, daarom geteld per "
            f"zeshoek (H3, {'grof' if coarse else 'fijn'} raster): "
            f"{fmt_count(in_cells, 'record', 'records')} in de zeshoeken."
        )
        if total > in_cells:
            note += (
                f" {fmt_count(total - in_cells, 'record ligt', 'records liggen')} buiten de "
                "zone, in geen zeshoek."
            )
        if not coarse:
            note += scoped_cells_note(fine_wijken)
    else:
        add_outlines(m, districts)
        frames = []
        for k in dataset_keys:
            points = map_points(version, k, start, end, wijken, categories)
            if several:
                points = points.assign(category=dataset(k).label)
            frames.append(points)
        points = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        title = "Soort" if several else dataset(dataset_keys[0]).category_label
        drawn = add_points(
            m, points, title, None if several else colours, None if several else order
        )
        note = drawn_note(drawn, "gelokaliseerd record", "gelokaliseerde records")
    show(m, key=key)
    st.caption(note)


def add_square_markers(
    m: folium.Map,
    points: pd.DataFrame,
    title: str,
    colours: Mapping[str, str] | None = None,
    order: Sequence[str] | None = None,
    size: int = 9,
    extra_tooltip: Mapping[str, str] | None = None,
) -> Drawn:
    """Records as small squares coloured by category, with a legend.

    Squares set a second kind of record (traffic controls) apart from the circles of
    :func:`add_points` on the same map.

    Parameters
    ----------
    points : pandas.DataFrame
        ``lat``, ``lon``, ``category``, ``date``, ``address``, ``id`` (as
        :func:`add_points`); at most the map cap.
    title : str
        Legend title (e.g. "Verkeerscontrole").
    colours : mapping, optional
        Category → colour; missing categories get palette colours.
    order : sequence, optional
        Legend order of categories.
    size : int
        Side of a square in pixels.
    extra_tooltip : mapping, optional
        Column → Dutch tooltip label for further (already formatted) columns.

    Returns
    -------
    Drawn
        As :func:`add_points`.

    Notes
    -----
    The record policy applies as in :func:`add_points`; the squares a reader may not see
    one by one are counted per coarse hexagon (:func:`_add_count_badges`).
    """
    points, hidden = visible_points(points)
    _add_count_badges(m, hidden, title, size)
    drawn = _drawn(points, hidden)
    if points.empty:
        return drawn
    cats = [str(c) for c in points["category"].fillna("Onbekend").unique()]
    palette = category_colours(cats, colours)
    extra = dict(extra_tooltip or {})
    features = []
    for r in points.to_dict("records"):
        colour = palette[str(r["category"] if r["category"] is not None else "Onbekend")]
        props = {
            "html": (
                f'<div style="width:{size}px;height:{size}px;background:{colour};'
                'border:1px solid #111;box-sizing:border-box"></div>'
            ),
            "wat": str(r["category"]),
            "datum": fmt_date(r["date"]),
            "adres": str(r.get("address") or ""),
            "nummer": str(r["id"]),
        }
        props.update({col: str(r.get(col, "")) for col in extra})
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [float(r["lon"]), float(r["lat"])]},
                "properties": props,
            }
        )
    half = size // 2
    # folium copies the style function's result into the DivIcon options, which gives
    # every feature its own coloured square without one Marker object per record.
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=title,
        marker=folium.Marker(icon=folium.DivIcon(icon_size=(size, size), icon_anchor=(half, half))),
        style_function=lambda f: {"html": f["properties"]["html"]},
        tooltip=_tooltip(
            features,
            ["wat", "datum", "adres", "nummer", *extra],
            [title, "Datum", "Adres", "Nummer", *extra.values()],
        ),
    ).add_to(m)
    ordered = [c for c in (order or []) if c in palette] + sorted(
        c for c in palette if c not in (order or [])
    )
    Legend(title, [(palette[c], c) for c in ordered], position="bottomleft").add_to(m)
    return drawn


#: Colour of the counts of squares a reader may not see one by one (:func:`_add_count_badges`).
BADGE_COLOUR = "#4d4d4d"


def _add_count_badges(m: folium.Map, cells: pd.DataFrame, title: str, size: int) -> None:
    """Squares a reader may not see one by one, as one grey square per coarse hexagon at
    its centre with their number in it (``h3_cell``, ``n``).

    Drawn as filled hexagons they lay on the accidents' hexagons in the same colours: an
    inspector's enforcement map had two layers of large hexagons over each other and three
    legends (an audit). A count at the hexagon's centre says no more than the hexagon did.
    """
    if cells.empty:
        return
    side = max(size + 8, 16)
    for row in cells.itertuples(index=False):
        cell = row.h3_cell if isinstance(row.h3_cell, str) else h3.int_to_str(int(row.h3_cell))
        lat, lon = h3.cell_to_latlng(cell)
        n = int(row.n)
        folium.Marker(
            [lat, lon],
            icon=folium.DivIcon(
                html=(
                    f'<div style="min-width:{side}px;height:{side}px;padding:0 2px;'
                    f"background:{BADGE_COLOUR};color:#fff;border:1px solid #fff;"
                    f"font:700 11px/{side}px sans-serif;text-align:center;"
                    f'box-sizing:border-box">{fmt_int(n)}</div>'
                ),
                icon_size=(side, side),
                icon_anchor=(side // 2, side // 2),
            ),
            tooltip=f"{title}: {fmt_int(n)} in deze {COARSE_AREA_TEXT}",
        ).add_to(m)
    Legend(
        f"{title} {OTHER_CELLS_SUFFIX}",
        [(BADGE_COLOUR, f"aantal per {COARSE_AREA_TEXT}, in het midden")],
        position="bottomleft",
    ).add_to(m)


def add_rings(
    m: folium.Map,
    rings: pd.DataFrame,
    colour: str = "#7b3294",
    dash: str | None = None,
    weight: int = 2,
    pixels: bool = False,
) -> None:
    """Circles of a given radius around places (black spots, control buffers).

    Parameters
    ----------
    rings : pandas.DataFrame
        ``lat``, ``lon``, ``radius_m`` and ``label`` (tooltip text); a few dozen at most
        (:data:`RANKED_PLACES_CAP`).
    colour : str
        Line colour.
    dash : str, optional
        Leaflet dash pattern, e.g. ``"6 4"``.
    weight : int
        Line width in pixels.
    pixels : bool
        Read ``radius_m`` as screen pixels: a marker that stays visible at zone level,
        where a 30 m circle would be a dot.
    """
    shape_cls = folium.CircleMarker if pixels else folium.Circle
    for r in rings.to_dict("records"):
        ring = shape_cls(
            [float(r["lat"]), float(r["lon"])],
            radius=float(r["radius_m"]),
            color=colour,
            weight=weight,
            fill=False,
            dash_array=dash,
            tooltip=html.escape(str(r.get("label", ""))),
        )
        _on_top(ring, m).add_to(m)


def add_labels(
    m: folium.Map, labels: pd.DataFrame, colour: str = "#7b3294", above_px: int = 13
) -> None:
    """Short text labels (e.g. ranks) on the map: ``lat``, ``lon``, ``text``; over the
    wijk names (:data:`TOP_PANE`), which give way to them (:class:`DeclutterLabels`).

    Each label is centred ``above_px`` pixels above its point: clear of a black spot's
    ring of 12 pixels."""
    for r in labels.to_dict("records"):
        folium.Marker(
            [float(r["lat"]), float(r["lon"])],
            pane=_top_pane(m),
            icon=folium.DivIcon(
                html=(
                    f'<div class="wb-rank-label" style="display:inline-block;'
                    f"font:700 12px sans-serif;color:{colour};white-space:nowrap;"
                    "text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 3px #fff;"
                    f'transform:translate(-50%,calc(-100% - {int(above_px)}px))">'
                    f"{html.escape(str(r['text']))}</div>"
                ),
                icon_size=(0, 0),
            ),
        ).add_to(m)


# --------------------------------------------------------------------------------------
# Hot-spot page helpers (issue 4): plug-ins served locally, heat map, clusters, class
# hexagons, POIs, highlight, stand-alone HTML and a static PNG of the same layers.
# --------------------------------------------------------------------------------------

_VENDOR_DIR = _LEAFLET_DIR.parent
#: Vendored Leaflet plug-ins (see ``dashboard/static/vendor/PLUGINS.md``): file → (name, kind).
_PLUGIN_FILES = {
    "heat": [("leaflet.heat-0.2.0/leaflet-heat.js", "leaflet-heat.js", "js")],
    "cluster": [
        ("leaflet.markercluster-1.5.3/leaflet.markercluster.js", "markerclusterjs", "js"),
        ("leaflet.markercluster-1.5.3/MarkerCluster.css", "markerclustercss", "css"),
        ("leaflet.markercluster-1.5.3/MarkerCluster.Default.css", "markerclusterdefaultcss", "css"),
    ],
}

#: Gi* class → fill colour (ColorBrewer RdBu, as ESRI's hot-spot maps): red hot, blue cold.
GI_COLOURS: dict[int, str] = {
    3: "#b2182b",
    2: "#ef8a62",
    1: "#fddbc7",
    0: "#f7f7f7",
    -1: "#d1e5f0",
    -2: "#67a9cf",
    -3: "#2166ac",
}

#: Emerging hot-spot pattern key → fill colour (hot patterns red/orange, cold blue).
EMERGING_COLOURS: dict[str, str] = {
    "new_hot": "#67001f",
    "consecutive_hot": "#d6604d",
    "intensifying_hot": "#b2182b",
    "persistent_hot": "#f4a582",
    "diminishing_hot": "#fddbc7",
    "sporadic_hot": "#fdb863",
    "oscillating_hot": "#e08214",
    "historical_hot": "#bababa",
    "new_cold": "#053061",
    "consecutive_cold": "#2166ac",
    "intensifying_cold": "#4393c3",
    "persistent_cold": "#92c5de",
    "diminishing_cold": "#d1e5f0",
    "sporadic_cold": "#b2abd2",
    "oscillating_cold": "#8073ac",
    "historical_cold": "#e0e0e0",
    "no_pattern": "#f7f7f7",
}

#: POI type → (colour, short label on the marker). Unknown types get a palette colour.
POI_STYLES: dict[str, tuple[str, str]] = {
    "School": ("#1b9e77", "S"),
    "Station": ("#7570b3", "T"),
    "Café": ("#d95f02", "C"),
    "Jeugdhuis": ("#e7298a", "J"),
    "Sporthal": ("#66a61e", "Sp"),
    "Winkelcentrum": ("#e6ab02", "W"),
}


def plugin_assets(plugin: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Local URLs of a vendored Leaflet plug-in (``"heat"`` or ``"cluster"``).

    Returns
    -------
    (list, list)
        folium ``default_js`` and ``default_css`` lists: static-file URLs when Streamlit
        serves ``dashboard/static``, data URLs otherwise (as :func:`leaflet_assets`).
    """
    js, css = [], []
    static = st.get_option("server.enableStaticServing")
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    prefix = f"/{base}/" if base else "/"
    for rel, name, kind in _PLUGIN_FILES[plugin]:
        url = f"{prefix}app/static/vendor/{rel}" if static else _data_url(rel)
        (js if kind == "js" else css).append((name, url))
    return js, css


@lru_cache(maxsize=8)
def _data_url(rel: str) -> str:
    mime = "text/javascript" if rel.endswith(".js") else "text/css"
    payload = base64.b64encode((_VENDOR_DIR / rel).read_bytes()).decode()
    return f"data:{mime};base64,{payload}"


def _localise(element, plugin: str) -> None:
    js, css = plugin_assets(plugin)
    element.default_js = js
    element.default_css = css


def add_heatmap(m: folium.Map, cells: pd.DataFrame, title: str = "Concentratie") -> Drawn:
    """A heat map from weighted points (``lat``, ``lon``, ``n``) -- H3 cell centres or records.

    The page feeds it cell centres with counts from DuckDB above the point cap, so the
    browser never receives more than a few thousand weights. Records (an ``id`` column)
    pass through :func:`visible_points` like every point layer: the heat layer carried
    every record's exact place, also another wijk's to an inspector; those now weigh in
    as the centre of their coarse cell.

    Returns
    -------
    Drawn
        For records, as :func:`add_points` (the records weighed at their own place, and
        those weighed at a coarse cell's centre); for cells, ``(0, 0)``.
    """
    from folium.plugins import HeatMap

    drawn = Drawn(0, 0)
    if "id" in cells.columns:
        shown, hidden = visible_points(cells)
        drawn = _drawn(shown, hidden)
        centres = [h3.cell_to_latlng(c) for c in hidden["h3_cell"]]
        hidden = hidden.assign(lat=[c[0] for c in centres], lon=[c[1] for c in centres])
        cells = pd.concat(
            [shown[["lat", "lon", "n"]], hidden[["lat", "lon", "n"]]], ignore_index=True
        )
    if cells.empty:
        return drawn
    top = float(cells["n"].max()) or 1.0
    data = [
        [float(r.lat), float(r.lon), float(r.n) / top]
        for r in cells.itertuples(index=False)
        if pd.notna(r.lat) and pd.notna(r.lon)
    ]
    layer = HeatMap(data, name=title, radius=18, blur=15, min_opacity=0.3, max_zoom=16)
    _localise(layer, "heat")
    layer.add_to(m)
    Legend(
        title, [("#0000ff", "weinig"), ("#00ff00", ""), ("#ffff00", ""), ("#ff0000", "veel")]
    ).add_to(m)
    return drawn


#: The line under a clustered layer's legend: what a bubble with a number is.
CLUSTER_NOTE = "Bol met getal: zoveel punten dicht bij elkaar; zoom in of klik erop"


def add_point_clusters(
    m: folium.Map, points: pd.DataFrame, title: str, colours: Mapping[str, str] | None = None
) -> Drawn:
    """Records as clustered circle markers (Leaflet.markercluster, one JS array, no per-point
    folium objects), coloured by category, with a tooltip per record.

    The record policy applies as in :func:`add_points`; returns :class:`Drawn` as it."""
    from folium.plugins import FastMarkerCluster

    points, hidden = visible_points(points)
    add_hexagons(m, hidden, HIDDEN_CELLS_TITLE, OTHER_CELLS)
    drawn = _drawn(points, hidden)
    if points.empty:
        return drawn
    cats = [str(c) for c in points["category"].fillna("Onbekend").unique()]
    palette = category_colours(cats, colours)
    data = [
        [
            float(r.lat),
            float(r.lon),
            palette[str(r.category if r.category is not None else "Onbekend")],
            html.escape(f"{r.category} · {fmt_date(r.date)} · {r.address or ''} · {r.id}"),
        ]
        for r in points.itertuples(index=False)
    ]
    callback = """
        function (row) {
            var marker = L.circleMarker(new L.LatLng(row[0], row[1]),
                {radius: 5, color: '#222', weight: 1, fillColor: row[2], fillOpacity: 0.85});
            marker.bindTooltip(row[3]);
            return marker;
        };
    """
    layer = FastMarkerCluster(data, callback=callback, name=title)
    _localise(layer, "cluster")
    # Without tiles the map has no maxZoom, and markercluster refuses to start without one.
    m.options.setdefault("max_zoom", 19)
    layer.add_to(m)
    # The bubbles with a number had no word on the map (a UX sweep).
    Legend(title, [(palette[c], c) for c in sorted(palette)] + [(None, CLUSTER_NOTE)]).add_to(m)
    return drawn


def class_hexagon_features(
    cells: pd.DataFrame, colours: Mapping, class_col: str, label_col: str
) -> list[dict]:
    """GeoJSON hexagons (``h3_cell``, ``n``) filled by a class column, for maps and PNGs."""
    features = hexagon_features(cells[["h3_cell", "n"]])
    for feature, klass, label in zip(features, cells[class_col], cells[label_col], strict=True):
        feature["properties"]["fill"] = colours.get(klass, UNKNOWN_COLOUR)
        feature["properties"]["label"] = str(label)
        feature["properties"]["n_text"] = fmt_int(feature["properties"]["n"])
    return features


def add_class_hexagons(
    m: folium.Map,
    cells: pd.DataFrame,
    colours: Mapping,
    title: str,
    class_col: str = "klasse",
    label_col: str = "label",
    legend: Sequence[tuple[str, str]] | None = None,
    faint: Sequence = (),
) -> list[dict]:
    """H3 hexagons coloured by a class (Gi* class, emerging pattern) with a Dutch legend.

    Parameters
    ----------
    cells : pandas.DataFrame
        ``h3_cell``, ``n``, ``class_col``, ``label_col``.
    colours : mapping
        Class value → colour.
    legend : sequence of (colour, label), optional
        Legend rows; default one per class present, in ``colours`` order.
    faint : sequence
        Classes drawn almost transparent (the "not significant" background).

    Returns
    -------
    list of dict
        The GeoJSON features drawn (for :func:`dashboard.components.static_map.static_map_png`).
    """
    if cells.empty:
        return []
    features = class_hexagon_features(cells, colours, class_col, label_col)
    faint_fill = {colours.get(f) for f in faint}
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=title,
        style_function=lambda f: {
            "fillColor": f["properties"]["fill"],
            "fillOpacity": 0.15 if f["properties"]["fill"] in faint_fill else 0.8,
            "color": "#777777",
            "weight": 0.4,
        },
        tooltip=folium.GeoJsonTooltip(fields=["label", "n_text"], aliases=[title, "Aantal"]),
    ).add_to(m)
    if legend is None:
        present = set(cells[class_col])
        labels = dict(zip(cells[class_col], cells[label_col], strict=True))
        legend = [(colours[k], str(labels[k])) for k in colours if k in present]
    Legend(title, legend).add_to(m)
    return features


def add_pois(m: folium.Map, pois: pd.DataFrame, title: str = "Interessepunten") -> None:
    """Points of interest as small coloured badges with a type letter, plus a legend.

    Parameters
    ----------
    pois : pandas.DataFrame
        ``poi_type``, ``name``, ``lat``, ``lon`` (from ``marts.poi``).
    """
    if pois.empty:
        return
    styles = poi_styles(pois["poi_type"].unique())
    _badges(m, pois, styles, title)


def _badges(
    m: folium.Map, rows: pd.DataFrame, styles: dict[str, tuple[str, str]], title: str
) -> None:
    """Badges of ``rows`` (``poi_type``, ``name``, ``lat``, ``lon``) in one layer, with the
    colour and letters ``styles`` gives their type, and a legend of the letters."""
    layer = folium.FeatureGroup(name=title)
    for r in rows.itertuples(index=False):
        colour, letter = styles[r.poi_type]
        folium.Marker(
            [float(r.lat), float(r.lon)],
            icon=folium.DivIcon(
                html=(
                    f'<div style="background:{colour};color:#fff;font:700 10px sans-serif;'
                    "border:1.5px solid #fff;border-radius:4px;padding:1px 3px;"
                    "box-shadow:0 0 2px #000;transform:translate(-50%,-50%);"
                    f'white-space:nowrap">{html.escape(letter)}</div>'
                ),
                icon_size=(0, 0),
            ),
            tooltip=f"{html.escape(str(r.poi_type))}: {html.escape(str(r.name))}",
        ).add_to(layer)
    layer.add_to(m)
    Legend(
        title, [(styles[t][0], f"{styles[t][1]} = {t}") for t in sorted(styles)], "topright"
    ).add_to(m)


#: Every event badge has this colour (points of interest take theirs from the palette):
#: with both layers on, an event never looks like a school or a café.
EVENT_COLOUR = "#6a1b9a"


def add_events(m: folium.Map, events: pd.DataFrame, title: str = "Evenementen") -> None:
    """Events as purple badges with their type's first letters (``Ke`` = Kermis), the
    tooltip saying what, when and how many visitors; events without a location are left out.

    Parameters
    ----------
    events : pandas.DataFrame
        ``event_type``, ``name``, ``started_at``, ``ended_at``, ``lat``, ``lon``,
        ``visitors`` (:func:`dashboard.queries.events.events_between`); the time is written
        as the briefing writes it (:func:`~dashboard.components.format.fmt_event_when`).
    """
    # (A zone without an event list gets a frame without columns.)
    if events.empty:
        return
    located = events.dropna(subset=["lat", "lon"])
    if located.empty:
        return
    types = located["event_type"].fillna("Evenement").astype(str)
    with_year = spans_years(located["started_at"])
    rows = pd.DataFrame(
        {
            "poi_type": types.to_numpy(),
            "name": [
                f"{r.name} · {fmt_event_when(r.started_at, r.ended_at, with_year)}"
                + (f" · {fmt_int(r.visitors)} bezoekers" if pd.notna(r.visitors) else "")
                for r in located.itertuples(index=False)
            ],
            "lat": located["lat"].to_numpy(),
            "lon": located["lon"].to_numpy(),
        }
    )
    _badges(m, rows, {t: (EVENT_COLOUR, t[:2]) for t in types.unique()}, title)


def poi_styles(types: Sequence[str]) -> dict[str, tuple[str, str]]:
    """Colour and marker letter per POI type (:data:`POI_STYLES`, else palette + initial)."""
    out = {}
    free = iter(QUALITATIVE)
    for t in sorted(str(t) for t in types):
        out[t] = POI_STYLES.get(t, (next(free, "#666666"), t[:2]))
    return out


def add_highlight(
    m: folium.Map, lat: float, lon: float, label: str, radius_m: float | None = None
) -> None:
    """A thick ring around one place (a selected address), with its label as tooltip, and,
    with ``radius_m``, a dashed circle of that many metres around it (its surroundings)."""
    if radius_m:
        folium.Circle(
            [float(lat), float(lon)],
            radius=float(radius_m),
            color="#00e5ff",
            weight=2,
            dash_array="6 6",
            fill=False,
            tooltip=html.escape(f"Omgeving van {label}: tot {radius_m:g} m"),
        ).add_to(m)
    folium.CircleMarker(
        [float(lat), float(lon)],
        radius=14,
        color="#00e5ff",
        weight=4,
        fill=False,
        tooltip=html.escape(label),
    ).add_to(m)


#: Chains a near-repeat map's legend names with their colour (the largest; the table
#: beside the map lists them all, and a longer legend covers part of the zone).
CHAIN_LEGEND_MAX = 5


def add_chains(m: folium.Map, chains: pd.DataFrame, title: str = "Near-repeatketens") -> None:
    """Near-repeat chains: records as dots, each chain's records joined in time order.

    Parameters
    ----------
    chains : pandas.DataFrame
        One row per record: ``keten_id``, ``volgnummer``, ``lat``, ``lon``, ``label``.
    """
    if chains.empty:
        return
    ids = sorted(chains["keten_id"].unique())
    # Colours by size, the largest first: the chains the legend names (the largest) each
    # have a colour of their own; by number, chains 2 and 16 shared one (a review).
    sizes = chains.groupby("keten_id").size().sort_values(ascending=False, kind="stable")
    palette = {k: QUALITATIVE[i % len(QUALITATIVE)] for i, k in enumerate(sizes.index)}
    for keten, group in chains.sort_values(["keten_id", "volgnummer"]).groupby("keten_id"):
        coords = [[float(a), float(b)] for a, b in zip(group["lat"], group["lon"], strict=True)]
        folium.PolyLine(coords, color=palette[keten], weight=3, opacity=0.9).add_to(m)
        for (lat, lon), label in zip(coords, group["label"], strict=True):
            folium.CircleMarker(
                [lat, lon],
                radius=5,
                color="#222222",
                weight=1,
                fill=True,
                fill_color=palette[keten],
                fill_opacity=0.9,
                tooltip=html.escape(str(label)),
            ).add_to(m)
    # Each chain's own colour, the largest first (a grey swatch beside red and blue chains
    # named none of them).
    shown = sizes.head(CHAIN_LEGEND_MAX)
    items: list[tuple[str | None, str]] = [
        (palette[k], f"Keten {k}: {fmt_count(int(n), 'feit', 'feiten')}") for k, n in shown.items()
    ]
    if len(sizes) > len(shown):
        items.append(
            (None, f"en {fmt_count(len(sizes) - len(shown), 'kleinere keten', 'kleinere ketens')}")
        )
    Legend(
        f"{title}: {fmt_count(len(ids), 'keten', 'ketens')}; lijn = volgorde in de tijd", items
    ).add_to(m)


#: Largest zoom a focus on one place uses.
FOCUS_MAX_ZOOM = 17
#: Zoom of a focus without a radius: a street without house number has no one place, and
#: may run for kilometres (a motorway through the zone); about 3 km across.
FOCUS_STREET_ZOOM = 14
#: Metres per pixel at zoom 0 on the equator, in Leaflet's Web Mercator tiles of 256 px.
_METRES_PER_PIXEL_Z0 = 40_075_016.686 / 256


def focus_zoom(lat: float, radius_m: float | None, height: int = 560) -> int:
    """The closest zoom level at which a circle of ``radius_m`` around a place at ``lat``
    spans at most a third of a map ``height`` pixels tall (so between a sixth and a third):
    the place and its surroundings stand out, with the neighbourhood around them in sight.

    Without a radius (a street, no one place): :data:`FOCUS_STREET_ZOOM`.
    """
    if not radius_m:
        return FOCUS_STREET_ZOOM
    metres_per_pixel = 2 * float(radius_m) / (height / 3)
    zoom = math.log2(_METRES_PER_PIXEL_Z0 * math.cos(math.radians(lat)) / metres_per_pixel)
    return max(1, min(FOCUS_MAX_ZOOM, math.floor(zoom)))


def show_clickable(
    m: folium.Map,
    key: str,
    height: int = 560,
    returned: Sequence[str] = ("last_active_drawing",),
    focus: tuple[float, float, float | None] | None = None,
):
    """Render a map and return only the named interaction (a click on a GeoJSON feature).

    Parameters
    ----------
    focus : (lat, lon, radius_m), optional
        Centre the view on this place, zoomed to its surroundings (:func:`focus_zoom`).
        Only a *new* focus moves the view: a user who pans or zooms away afterwards is
        left where they are on the next rerun.

    Returns
    -------
    dict or None
        ``st_folium``'s return value restricted to ``returned``.
    """
    from streamlit_folium import st_folium

    center = zoom = None
    if focus is not None:
        lat, lon, radius_m = focus
        center, zoom = (float(lat), float(lon)), focus_zoom(float(lat), radius_m, height)
    return st_folium(
        m,
        key=key,
        height=height,
        use_container_width=True,
        returned_objects=list(returned),
        center=center,
        zoom=zoom,
    )


def standalone_html(m: folium.Map) -> str:
    """The map as one HTML file that works offline: every vendored script inlined.

    The page's own map points at ``/app/static/...``, which a downloaded file cannot reach.
    """
    static_to_inline = {
        "leaflet": _inline_assets()[0],
        "leaflet_css": _inline_assets()[1],
    }
    for files in _PLUGIN_FILES.values():
        for rel, name, _ in files:
            static_to_inline[name] = _data_url(rel)

    def walk(element):
        for attr in ("default_js", "default_css"):
            items = getattr(element, attr, None)
            if items:
                setattr(element, attr, [(n, static_to_inline.get(n, u)) for n, u in items])
        for child in getattr(element, "_children", {}).values():
            walk(child)

    walk(m)
    return m.get_root().render()


def add_outline_strokes(m: folium.Map, districts: pd.DataFrame, labels: bool = True) -> None:
    """District borders drawn on top of other layers without catching their clicks.

    Like :func:`add_outlines`, but the polygons have no fill at all (``fill: false``), so
    a click inside a wijk reaches the hexagon or choropleth underneath.
    """
    layer = folium.FeatureGroup(name="Wijkgrenzen", control=False)
    folium.GeoJson(
        {"type": "FeatureCollection", "features": _features(districts)},
        style_function=lambda _: {"color": "#333333", "weight": 2, "fill": False},
    ).add_to(layer)
    layer.add_to(m)
    if labels:
        _add_names(m, districts, click_through=True, m=m)


def count_hexagon_layer(
    cells: pd.DataFrame, palette: Sequence[str] = SEQUENTIAL
) -> tuple[list[dict], list[tuple[str, str]]]:
    """Hexagon features filled by count (equal-count classes) and their legend rows."""
    breaks = class_breaks(cells["n"].tolist(), integer=True) if not cells.empty else []
    features = hexagon_features(cells[["h3_cell", "n"]]) if not cells.empty else []
    for f in features:
        f["properties"]["fill"] = _colour(f["properties"]["n"], breaks, palette)
        f["properties"]["label"] = fmt_int(f["properties"]["n"])
        f["properties"]["n_text"] = fmt_int(f["properties"]["n"])
    return features, _legend_items(breaks, 0, palette)


def add_filled_features(
    m: folium.Map,
    features: list[dict],
    title: str,
    legend: Sequence[tuple[str, str]],
    tooltip_fields: Sequence[str] = ("label",),
    tooltip_aliases: Sequence[str] | None = None,
) -> None:
    """Draw prepared GeoJSON features (``fill`` property) with a tooltip and a legend."""
    if not features:
        return
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=title,
        style_function=lambda f: {
            "fillColor": f["properties"]["fill"],
            "fillOpacity": 0.75,
            "color": "#555555",
            "weight": 0.6,
        },
        tooltip=folium.GeoJsonTooltip(
            fields=list(tooltip_fields), aliases=list(tooltip_aliases or [title])
        ),
    ).add_to(m)
    Legend(title, legend).add_to(m)


def choropleth_layer(
    districts: pd.DataFrame,
    values: Mapping[str, float | None],
    decimals: int = 1,
    unknown_label: str = "Onbekend",
) -> tuple[list[dict], list[tuple[str, str]]]:
    """District features filled by value (grey when unknown) and their legend rows."""
    features = _features(districts)
    breaks = class_breaks([v for v in values.values() if v is not None and not pd.isna(v)],
                          integer=decimals == 0, decimals=decimals)  # fmt: skip
    fmt = fmt_int if decimals == 0 else (lambda v: fmt_number(v, decimals))
    unknown = False
    for feature in features:
        value = values.get(feature["properties"]["code"])
        value = None if value is None or pd.isna(value) else float(value)
        unknown |= value is None
        feature["properties"]["fill"] = _shown_colour(value, breaks, decimals)
        feature["properties"]["label"] = unknown_label if value is None else fmt(value)
    legend = _legend_items(breaks, decimals)
    if unknown:
        legend.append((UNKNOWN_COLOUR, unknown_label))
    return features, legend
