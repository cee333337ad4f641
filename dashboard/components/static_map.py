"""Static maps and figures drawn with matplotlib: a map's PNG download and the documents'
maps and charts.

The interactive maps are folium (:mod:`dashboard.components.maps`); a browser cannot
screenshot a Leaflet map server-side, so a map's PNG is the same layers redrawn here, with
the same outlines, colours and point-of-interest symbols (taken from that module). Figures
are made outside pyplot (:func:`new_figure`): every session draws in its own thread.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd
from shapely.geometry import shape

from dashboard.components.maps import UNKNOWN_COLOUR, _bounds, _features, poi_styles


def new_figure(size: tuple[float, float], dpi: float | None = None):
    """A matplotlib figure of its own, with a renderer, outside pyplot.

    Every session of the dashboard draws in its own thread of one server process. pyplot
    keeps one registry of figures for the whole process: two sessions drawing at the same
    moment could get the same figure (a report's chart came out in the size of a black
    spot's map, or drawn on it). A figure made directly is nobody else's and needs no
    closing; its Agg canvas lets text be measured before saving (:func:`print_area_labels`).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, dpi=dpi)
    FigureCanvasAgg(fig)
    return fig


def print_area_labels(
    ax, shapes: pd.DataFrame, geoms: list, extra: Mapping[str, str] | None = None
) -> None:
    """Each area's name (and ``extra`` text) on it; numbers and a key when names collide.

    A printed map has no tooltip to name an area whose name was left out, so when two names
    would overlap (the 17 real wijken of Herent: "Winksele-Delle-Mechelsesteenweg (Herent)"
    over its neighbours' names), every area gets a number instead, in alphabetical order of
    the names, and the key beside the map names them.
    """
    style = {
        "ha": "center",
        "va": "center",
        "fontweight": "bold",
        "color": "#222222",
        "bbox": {"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.7},
        "zorder": 6,  # above outlines and points of interest
    }
    areas = list(zip(shapes["code"], shapes["name"], geoms, strict=True))

    def place(texts: list[str], size: float) -> list:
        return [
            ax.annotate(text, _anchor(geom), fontsize=size, **style)
            for text, (_, _, geom) in zip(texts, areas, strict=True)
        ]

    def below(code, head: str) -> str:
        return head if not extra or code not in extra else f"{head}\n{extra[code]}"

    names = place([below(code, str(name)) for code, name, _ in areas], 7)
    if not _collide(ax, names):
        return
    for text in names:
        text.remove()
    order = sorted(range(len(areas)), key=lambda i: str(areas[i][1]).lower())
    number = {i: k for k, i in enumerate(order, start=1)}
    place([below(code, str(number[i])) for i, (code, _, _) in enumerate(areas)], 7)
    ax.text(
        1.02,
        1.0,
        # Numbers padded with figure spaces (as wide as a digit), so they line up.
        "\n".join(f"{number[i]:>2}".replace(" ", "\u2007") + f"  {areas[i][1]}" for i in order),
        transform=ax.transAxes,
        ha="left",
        va="top",
        fontsize=7,
        family="DejaVu Sans",
        linespacing=1.4,
    )


def _anchor(geom) -> tuple[float, float]:
    point = geom.representative_point()
    return point.x, point.y


def _collide(ax, texts: list) -> bool:
    """Whether any two of ``texts`` overlap on the page (a figure from :func:`new_figure`).

    Only the text is measured, once the axes have their final aspect: drawing the whole
    figure first (hexagons, points) cost a second full draw besides the one that saves it.
    """
    ax.apply_aspect()
    renderer = ax.figure.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in texts]
    return any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])


def legend_below(ax, handles: list, title: str | None = None) -> None:
    """A static map's legend under the map, in columns: inside the axes it covered part of
    the zone (a wijk's name, once a black spot) wherever the zone's outline reaches that
    corner. For the matplotlib maps (:func:`static_map_png`, the documents' maps). Nothing
    to show (a zone without a wijk layer): no legend."""
    if not handles:
        return
    ax.legend(
        handles=handles,
        title=title,
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        ncol=min(3, len(handles)),
        fontsize=7,
        title_fontsize=8,
        frameon=False,
    )


def static_map_png(
    districts: pd.DataFrame,
    title: str,
    polygons: Sequence[dict] = (),
    points: pd.DataFrame | None = None,
    legend: Sequence[tuple[str, str]] = (),
    pois: pd.DataFrame | None = None,
    dpi: int = 150,
) -> bytes:
    """A PNG of a map's layers drawn with matplotlib (no background tiles).

    Browsers cannot screenshot a Leaflet map server-side; this redraws the same layers:
    filled polygons (GeoJSON features with a ``fill`` property: hexagons, choropleth),
    points (``lat``, ``lon``, ``colour``), POIs and the district outlines with names.

    Returns
    -------
    bytes
        PNG image.
    """
    import io

    from matplotlib.patches import Patch
    from matplotlib.patches import Polygon as MplPolygon

    fig = new_figure((9, 7.5), dpi)
    ax = fig.subplots()
    for feature in polygons:
        geom = shape(feature["geometry"])
        for poly in getattr(geom, "geoms", [geom]):
            ax.add_patch(
                MplPolygon(
                    list(poly.exterior.coords),
                    closed=True,
                    facecolor=feature["properties"].get("fill", UNKNOWN_COLOUR),
                    edgecolor="#777777",
                    linewidth=0.3,
                    alpha=0.85,
                )
            )
    if points is not None and not points.empty:
        ax.scatter(points["lon"], points["lat"], s=9, c=points["colour"], edgecolors="#222222",
                   linewidths=0.3, zorder=3)  # fmt: skip
    if pois is not None and not pois.empty:
        styles = poi_styles(pois["poi_type"].unique())
        for r in pois.itertuples(index=False):
            colour, letter = styles[r.poi_type]
            ax.text(r.lon, r.lat, letter, fontsize=6, color="white", weight="bold", ha="center",
                    va="center", zorder=5,
                    bbox={"boxstyle": "round,pad=0.2", "fc": colour, "ec": "white", "lw": 0.5})  # fmt: skip
    geoms = [shape(feature["geometry"]) for feature in _features(districts)]
    for geom in geoms:
        for poly in getattr(geom, "geoms", [geom]):
            xs, ys = poly.exterior.xy
            ax.plot(xs, ys, color="#333333", linewidth=1.2, zorder=4)
    if not districts.empty:
        minx, miny, maxx, maxy = _bounds(tuple(districts["geojson"]))
        ax.set_xlim(minx, maxx)
        ax.set_ylim(miny, maxy)
        # Degrees of longitude are shorter than degrees of latitude at Belgian latitudes.
        ax.set_aspect(1 / math.cos(math.radians((miny + maxy) / 2)))
        print_area_labels(ax, districts, geoms)
    ax.set_axis_off()
    ax.set_title(title, fontsize=11)
    handles = [Patch(facecolor=c, edgecolor="#555555", label=label) for c, label in legend]
    if pois is not None and not pois.empty:
        styles = poi_styles(pois["poi_type"].unique())
        handles += [
            Patch(facecolor=styles[t][0], edgecolor="white", label=f"{styles[t][1]} = {t}")
            for t in sorted(styles)
        ]
    if handles:
        legend_below(ax, handles)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()
