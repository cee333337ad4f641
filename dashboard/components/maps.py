"""Folium maps of the zone: wijk outlines, choropleths, points and H3 hexagons.

Every map draws its own layers (wijk outlines, labels, legend) so that it is readable
without any background map: the police network, and this development machine, may not
reach a tile server. "Geen achtergrondkaart" is the default basemap.

Leaflet itself normally comes from a CDN; streamlit-folium waits for every script it is
given, so one unreachable CDN leaves the map blank. The map therefore loads the copy of
Leaflet shipped in ``dashboard/static/vendor`` (served by Streamlit when
``server.enableStaticServing`` is on, otherwise inlined as a data URL) and drops folium's
other CDN assets (jQuery, Bootstrap, awesome-markers), which these maps do not use.

Limits (DESIGN.md): at most :data:`~dashboard.queries.common.MAP_POINT_CAP` points; above
that the page shows H3 hexagon counts computed in DuckDB.
"""

from __future__ import annotations

import base64
import html
import json
import math
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path

import folium
import h3
import pandas as pd
import streamlit as st
from branca.element import MacroElement, Template
from shapely.geometry import shape

from dashboard.components.format import fmt_date, fmt_int, fmt_number

#: Basemap label → folium tile name (``None``: no tiles at all).
BASEMAPS: dict[str, str | None] = {
    "Geen achtergrondkaart": None,
    "OpenStreetMap": "OpenStreetMap",
    "Licht (CartoDB Positron)": "CartoDB positron",
}
DEFAULT_BASEMAP = "Geen achtergrondkaart"
KEY_BASEMAP = "flt_achtergrondkaart"

#: Sequential colours (ColorBrewer YlOrRd, 5 classes) for counts and rates.
SEQUENTIAL = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
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
        One swatch per entry.
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
            for colour, label in items
        )
        self.html = (
            '<div style="background:rgba(255,255,255,0.92);padding:6px 8px;border-radius:4px;'
            'font:12px/1.5 sans-serif;box-shadow:0 0 4px rgba(0,0,0,0.3);max-width:240px">'
            f"<b>{html.escape(title)}</b>{rows}</div>"
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
    m = folium.Map(tiles=tiles, control_scale=True, zoom_snap=0.25)
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


def add_outlines(m: folium.Map, districts: pd.DataFrame, labels: bool = True) -> None:
    """Draw district borders (no fill) and, optionally, their names as map labels."""
    layer = folium.FeatureGroup(name="Wijkgrenzen", control=False)
    folium.GeoJson(
        {"type": "FeatureCollection", "features": _features(districts)},
        style_function=lambda _: {"color": "#333333", "weight": 2, "fillOpacity": 0},
        tooltip=folium.GeoJsonTooltip(fields=["name", "code"], aliases=["Wijk", "Code"]),
    ).add_to(layer)
    if labels:
        for feature in _features(districts):
            point = shape(feature["geometry"]).representative_point()
            folium.Marker(
                [point.y, point.x],
                icon=folium.DivIcon(
                    html=(
                        '<div style="font:600 11px sans-serif;color:#222;white-space:nowrap;'
                        'text-shadow:0 0 3px #fff,0 0 3px #fff;transform:translate(-50%,-50%)">'
                        f"{html.escape(str(feature['properties']['name']))}</div>"
                    ),
                    icon_size=(0, 0),
                ),
            ).add_to(layer)
    layer.add_to(m)


def class_breaks(
    values: Sequence[float], classes: int = len(SEQUENTIAL), integer: bool = False
) -> list[float]:
    """Upper bounds of equal-count classes (fewer when values repeat).

    Parameters
    ----------
    values : sequence of float
        The values to classify (missing values ignored).
    classes : int
        Most classes.
    integer : bool
        Values are counts: round bounds down to whole numbers, so a legend never reads
        "t.e.m. 5" for a class that ends at 4,6.

    Returns
    -------
    list of float
        Increasing class upper bounds; the last is the maximum.
    """
    series = pd.Series(values, dtype=float).dropna()
    if series.empty:
        return []
    qs = series.quantile([(i + 1) / classes for i in range(classes)]).tolist()
    if integer:
        qs = [float(math.floor(q)) for q in qs]
    # The largest value must fall in the last class whatever the rounding did.
    qs[-1] = float(series.max())
    return sorted(set(qs))


def _colour(value: float | None, breaks: list[float]) -> str:
    if value is None or pd.isna(value) or not breaks:
        return UNKNOWN_COLOUR
    offset = len(SEQUENTIAL) - len(breaks)
    for i, upper in enumerate(breaks):
        if value <= upper:
            return SEQUENTIAL[offset + i]
    return SEQUENTIAL[-1]


def _legend_items(breaks: list[float], decimals: int) -> list[tuple[str, str]]:
    fmt = fmt_int if decimals == 0 else (lambda v: fmt_number(v, decimals))
    offset = len(SEQUENTIAL) - len(breaks)
    items, lower = [], None
    for i, upper in enumerate(breaks):
        # Classes are (lower, upper]; for counts the first value in a class is lower + 1.
        first = None if lower is None else (lower + 1 if decimals == 0 else lower)
        label = f"t.e.m. {fmt(upper)}" if first is None else f"{fmt(first)} – {fmt(upper)}"
        if decimals == 0 and first is not None and first == upper:
            label = fmt(upper)
        items.append((SEQUENTIAL[offset + i], label))
        lower = upper
    return items


def add_choropleth(
    m: folium.Map,
    districts: pd.DataFrame,
    values: Mapping[str, float | None],
    title: str,
    decimals: int = 0,
    unknown_label: str = "Onbekend",
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
    """
    features = _features(districts)
    breaks = class_breaks([v for v in values.values() if v is not None], integer=decimals == 0)
    fmt = fmt_int if decimals == 0 else (lambda v: fmt_number(v, decimals))
    for feature in features:
        value = values.get(feature["properties"]["code"])
        value = None if value is None or pd.isna(value) else float(value)
        feature["properties"]["value"] = value
        feature["properties"]["value_text"] = unknown_label if value is None else fmt(value)
        feature["properties"]["fill"] = _colour(value, breaks)
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=title,
        style_function=lambda f: {
            "fillColor": f["properties"]["fill"],
            "fillOpacity": 0.75,
            "color": "#333333",
            "weight": 1.5,
        },
        tooltip=folium.GeoJsonTooltip(fields=["name", "value_text"], aliases=["Wijk", title]),
    ).add_to(m)
    items = _legend_items(breaks, decimals)
    if any(f["properties"]["value"] is None for f in features):
        items.append((UNKNOWN_COLOUR, unknown_label))
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


def add_points(
    m: folium.Map,
    points: pd.DataFrame,
    title: str,
    colours: Mapping[str, str] | None = None,
    order: Sequence[str] | None = None,
) -> None:
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
    """
    if points.empty:
        return
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
        tooltip=folium.GeoJsonTooltip(
            fields=["wat", "datum", "adres", "nummer"],
            aliases=[title, "Datum", "Adres", "Nummer"],
        ),
    ).add_to(m)
    ordered = [c for c in (order or []) if c in palette] + sorted(
        c for c in palette if c not in (order or [])
    )
    Legend(title, [(palette[c], c) for c in ordered]).add_to(m)


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


def add_hexagons(m: folium.Map, cells: pd.DataFrame, title: str) -> None:
    """H3 hexagons coloured by their count, with a Dutch legend."""
    if cells.empty:
        return
    breaks = class_breaks(cells["n"].tolist(), integer=True)
    features = hexagon_features(cells)
    for f in features:
        f["properties"]["fill"] = _colour(f["properties"]["n"], breaks)
        f["properties"]["n_text"] = fmt_int(f["properties"]["n"])
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=title,
        style_function=lambda f: {
            "fillColor": f["properties"]["fill"],
            "fillOpacity": 0.7,
            "color": "#555555",
            "weight": 0.5,
        },
        tooltip=folium.GeoJsonTooltip(fields=["n_text"], aliases=[title]),
    ).add_to(m)
    Legend(title, _legend_items(breaks, 0)).add_to(m)


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
        "bruikbaar met 'Geen achtergrondkaart'.",
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
    located = {
        k: record_count(version, k, start, end, wijken, categories, located_only=True)
        for k in dataset_keys
    }
    total = sum(located.values())
    several = len(dataset_keys) > 1
    if total > MAP_POINT_CAP:
        frames = [hex_counts(version, k, start, end, wijken, categories) for k in dataset_keys]
        cells = pd.concat(frames).groupby("h3_cell", as_index=False)["n"].sum()
        coarse = len(cells) > MAP_POINT_CAP
        if coarse:
            frames = [
                hex_counts(version, k, start, end, wijken, categories, coarse=True)
                for k in dataset_keys
            ]
            cells = pd.concat(frames).groupby("h3_cell", as_index=False)["n"].sum()
        add_hexagons(m, cells, "Aantal per zeshoek")
        add_outlines(m, districts)
        note = (
            f"{fmt_int(total)} gelokaliseerde records: meer dan {fmt_int(MAP_POINT_CAP)}, "
            f"daarom geteld per zeshoek (H3, {'grof' if coarse else 'fijn'} raster)."
        )
    else:
        add_outlines(m, districts)
        frames = []
        for k in dataset_keys:
            points = map_points(version, k, start, end, wijken, categories)
            if several:
                points = points.assign(category=dataset(k).label)
            frames.append(points)
        points = pd.concat(frames) if frames else pd.DataFrame()
        title = "Soort" if several else dataset(dataset_keys[0]).category_label
        add_points(m, points, title, None if several else colours, None if several else order)
        note = f"{fmt_int(total)} gelokaliseerde records als punt op de kaart."
    show(m, key=key)
    st.caption(note)
