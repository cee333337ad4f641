"""Static maps (PNG) for the Word documents: wijk outlines, choropleths, hexagons, points.

No background tiles and no internet: every map draws its own wijk outlines and labels,
like the dashboard's "Geen achtergrondkaart". Shapes come in as the display GeoJSON of
``marts.districts`` (WGS84); the axes are scaled by ``1 / cos(latitude)`` so that the zone
is not stretched east–west.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping

import h3
import numpy as np
import pandas as pd
from matplotlib.patches import Patch
from matplotlib.text import Annotation
from matplotlib.transforms import Bbox
from shapely.geometry import Point, Polygon, shape

from dashboard.components.format import fmt_int
from dashboard.components.maps import SEQUENTIAL, UNKNOWN_COLOUR, class_breaks
from dashboard.components.static_map import legend_below, new_figure, print_area_labels
from dashboard.documents.charts import _png


def hex_class_lower(threshold: int = 5, counts=None) -> tuple[int, ...]:
    """Classes for hexagon maps in reports: lower bounds, from the zone's threshold.

    1 to ``threshold − 1`` is one class (``"<5"``), like a suppressed table cell; the
    others are at least ``threshold`` wide, so a class never gives away an exact count:
    ``(1, t, 2t, 5t, 10t)``, (1, 5, 10, 25, 50) for the default 5 and (1, 10, 20, 50, 100)
    for 10.

    Given the map's ``counts``, those classes stay while at most a quarter of the hexagons
    drawn fall in the top one, so a zone's reports compare from period to period. Beyond
    that (a city zone, or 10^6 records: every hexagon read "50 of meer") the three upper
    classes start at the quartiles of the counts, each rounded down to ``t`` times a step
    of 1–2–5 (``t`` · 2, 5, 10, 20, 50 …) and above the class before it.
    """
    t = max(int(threshold), 2)
    fixed = (1, t, 2 * t, 5 * t, 10 * t)
    if counts is None:
        return fixed
    n = pd.to_numeric(pd.Series(counts), errors="coerce").dropna().to_numpy()
    n = n[n > 0]
    if not n.size or (n >= fixed[-1]).mean() <= TOP_CLASS_SHARE:
        return fixed
    uppers: list[int] = []
    for q in np.quantile(n, [0.25, 0.5, 0.75]):
        step = 2 * t if not uppers else _next_step(uppers[-1], t)
        while _next_step(step, t) <= q:
            step = _next_step(step, t)
        uppers.append(step)
    return (1, t, *uppers)


#: Most hexagons the top class of a report's map may hold before its classes follow the
#: counts (:func:`hex_class_lower`).
TOP_CLASS_SHARE = 0.25


def _next_step(value: int, t: int) -> int:
    """The next of ``t`` · 2, 5, 10, 20, 50, 100 … after ``value``."""
    step = value // t
    digit = int(str(step)[0])
    return t * (step * 5 // 2 if digit == 2 else step * 2)


#: The classes for the default threshold 5 (:func:`hex_class_lower`).
HEX_CLASS_LOWER = hex_class_lower(5)
#: Gi* hot-spot classes (3, 2, 1) → colour.
HOT_COLOURS = {3: "#bd0026", 2: "#f03b20", 1: "#fd8d3c"}


def _geometry(geojson) -> object:
    g = json.loads(geojson) if isinstance(geojson, str) else geojson
    if g.get("type") == "Feature":
        g = g["geometry"]
    return shape(g)


def _draw_polygon(ax, geom, **kwargs) -> None:
    polys = getattr(geom, "geoms", [geom])
    for poly in polys:
        if poly.is_empty or not hasattr(poly, "exterior"):
            continue
        xs, ys = poly.exterior.xy
        ax.fill(xs, ys, **kwargs)


def _outline(ax, geom, colour: str = "#333333", width: float = 1.2) -> None:
    polys = getattr(geom, "geoms", [geom])
    for poly in polys:
        if poly.is_empty or not hasattr(poly, "exterior"):
            continue
        xs, ys = poly.exterior.xy
        ax.plot(xs, ys, color=colour, linewidth=width)


def _frame(shapes: pd.DataFrame, size: tuple[float, float]):
    geoms = [_geometry(g) for g in shapes["geojson"]]
    fig = new_figure(size)
    ax = fig.subplots()
    if geoms:
        minx = min(g.bounds[0] for g in geoms)
        miny = min(g.bounds[1] for g in geoms)
        maxx = max(g.bounds[2] for g in geoms)
        maxy = max(g.bounds[3] for g in geoms)
        pad_x, pad_y = (maxx - minx) * 0.03, (maxy - miny) * 0.03
        ax.set_xlim(minx - pad_x, maxx + pad_x)
        ax.set_ylim(miny - pad_y, maxy + pad_y)
        ax.set_aspect(1.0 / math.cos(math.radians((miny + maxy) / 2)))
    ax.set_axis_off()
    fig.patch.set_facecolor("white")
    return fig, ax, geoms


def _class_colour(value: float, breaks: list[float]) -> str:
    offset = len(SEQUENTIAL) - len(breaks)
    for i, upper in enumerate(breaks):
        if value <= upper:
            return SEQUENTIAL[offset + i]
    return SEQUENTIAL[-1]


def wijk_choropleth(
    shapes: pd.DataFrame,
    values: Mapping[str, float | None],
    title: str,
    legend_title: str,
    hidden_label: str = "Afgeschermd",
    value_text: Mapping[str, str] | None = None,
    size: tuple[float, float] = (7.0, 5.5),
) -> bytes:
    """Wijken filled by class of a value; ``None`` (hidden) in grey.

    Parameters
    ----------
    shapes : pandas.DataFrame
        ``code``, ``name``, ``geojson`` (WGS84) of the wijken to draw.
    values : mapping
        Wijk code → value, or ``None`` where the value may not be shown.
    title, legend_title : str
        Map title and legend title.
    hidden_label : str
        Legend entry for grey wijken.
    value_text : mapping, optional
        Wijk code → text written under the wijk name (e.g. the table's ``"<5"``).
    size : (float, float)
        Figure size in inches.

    Returns
    -------
    bytes
        PNG image.
    """
    fig, ax, geoms = _frame(shapes, size)
    shown = [v for v in values.values() if v is not None]
    breaks = class_breaks(shown, integer=True)
    for code, geom in zip(shapes["code"], geoms, strict=True):
        value = values.get(code)
        colour = UNKNOWN_COLOUR if value is None or not breaks else _class_colour(value, breaks)
        _draw_polygon(ax, geom, color=colour, alpha=0.85)
        _outline(ax, geom)
    print_area_labels(ax, shapes, geoms, value_text)
    handles, lower = [], None
    offset = len(SEQUENTIAL) - len(breaks)
    for i, upper in enumerate(breaks):
        first = None if lower is None else lower + 1
        label = (
            f"t.e.m. {fmt_int(upper)}" if first is None else f"{fmt_int(first)} – {fmt_int(upper)}"
        )
        handles.append(Patch(color=SEQUENTIAL[offset + i], label=label))
        lower = upper
    if any(v is None for v in values.values()):
        handles.append(Patch(color=UNKNOWN_COLOUR, label=hidden_label))
    legend_below(ax, handles, legend_title)
    ax.set_title(title, fontsize=11, loc="left")
    return _png(fig)


def hex_class_label(n: int, threshold: int = 5, bounds: tuple[int, ...] | None = None) -> str:
    """Class of a hexagon count for publication: ``"<5"``, ``"5–9"``, …, ``"50 of meer"``
    (the classes of :func:`hex_class_lower` for ``threshold``, or the ``bounds`` it gave
    for a map's counts)."""
    bounds = list(bounds or hex_class_lower(threshold))
    for i, low in enumerate(bounds):
        high = bounds[i + 1] - 1 if i + 1 < len(bounds) else None
        if n >= low and (high is None or n <= high):
            if low == 1:
                return f"<{bounds[1]}"
            return f"{fmt_int(low)} of meer" if high is None else f"{fmt_int(low)}–{fmt_int(high)}"
    return "0"


def _hexagon(cell) -> Polygon:
    cell = cell if isinstance(cell, str) else h3.int_to_str(int(cell))
    return Polygon([(lng, lat) for lat, lng in h3.cell_to_boundary(cell)])


def hexagon_class_map(
    shapes: pd.DataFrame,
    cells: pd.DataFrame,
    title: str,
    legend_title: str = "Aantal per zeshoek",
    size: tuple[float, float] = (7.0, 5.5),
    threshold: int = 5,
) -> bytes:
    """H3 hexagons coloured by count *class* only (see :func:`hex_class_lower`, given the
    counts: the classes the methodology text names for the same cells).

    Parameters
    ----------
    shapes : pandas.DataFrame
        Wijk shapes drawn as outlines and labels.
    cells : pandas.DataFrame
        ``h3_cell``, ``n``; cells with 0 are not drawn.
    title, legend_title : str
    size : (float, float)
    threshold : int, default 5
        ``[zone].small_count_threshold``: the lowest class is ``"<threshold"``.

    Returns
    -------
    bytes
        PNG image.
    """
    fig, ax, geoms = _frame(shapes, size)
    bounds = hex_class_lower(threshold, cells["n"])
    labels = [hex_class_label(lo, threshold, bounds) for lo in bounds]
    colours = dict(zip(labels, SEQUENTIAL, strict=True))
    for row in cells.itertuples(index=False):
        if int(row.n) <= 0:
            continue
        label = hex_class_label(int(row.n), threshold, bounds)
        _draw_polygon(ax, _hexagon(row.h3_cell), color=colours[label], alpha=0.8)
    for geom in geoms:
        _outline(ax, geom)
    print_area_labels(ax, shapes, geoms)
    handles = [Patch(color=colours[label], label=label) for label in labels]
    legend_below(ax, handles, legend_title)
    ax.set_title(title, fontsize=11, loc="left")
    return _png(fig)


#: Black-spot status (the briefing's ``status`` column) → dot colour, as on the Briefing
#: page's map, and its legend entry.
SPOT_COLOURS = {"Gevaarlijk punt": "#2166ac", "Kandidaat": "#67a9cf", "Opvolgen": "#999999"}
SPOT_LEGEND = {
    "Gevaarlijk punt": "Gevaarlijk punt",
    "Kandidaat": "Kandidaat (bijna)",
    "Opvolgen": "Opvolgen (onder de drempels)",
}
#: Drawing order on the hot-spot map: wijk names (6, :func:`print_area_labels`) under the
#: dots and numbers, so a name never hides a black spot or a hot spot's rank.
_Z_DOT, _Z_NUMBER = 7, 8
#: Dot size (points², as :meth:`~matplotlib.axes.Axes.scatter` takes it).
_DOT_SIZE = 110


def _spot_status(row) -> str:
    """A black spot's status: its ``status`` when given, else from ``is_black_spot``.

    Without a status column every other location is a candidate (the old frames); with
    one, an unknown status is "Opvolgen" rather than a candidate it is not.
    """
    status = getattr(row, "status", None)
    if isinstance(status, str) and status in SPOT_COLOURS:
        return status
    if bool(getattr(row, "is_black_spot", False)):
        return "Gevaarlijk punt"
    return "Opvolgen" if hasattr(row, "status") else "Kandidaat"


def _clear_markers(ax, labels: list, geoms: list, markers: list) -> None:
    """Move a wijk name that lies on a dot or a rank number just above or below it.

    The markers are drawn over the names, so a name on a marker would lose letters
    ("Erps-K●werps"). Each such name moves up or down, by the least that clears every
    marker and the other names while its anchor stays in its own wijk; where no such
    place is found it stays (the marker still on top).

    Parameters
    ----------
    labels : list of matplotlib.text.Annotation
        The names, in the order of ``geoms``.
    geoms : list
        The wijk shapes (WGS84).
    markers : list of matplotlib.transforms.Bbox
        Display boxes of the dots and numbers.
    """
    if not labels or not markers:
        return
    ax.apply_aspect()
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    to_data = ax.transData.inverted()

    def box(label) -> Bbox:
        pad = label.get_fontsize() * 0.3 * fig.dpi / 72  # the white box around the name
        return label.get_window_extent(renderer).padded(pad)

    boxes = [box(label) for label in labels]
    for i, (label, geom) in enumerate(zip(labels, geoms, strict=True)):
        here = boxes[i]
        if not any(here.overlaps(m) for m in markers):
            continue
        others = markers + boxes[:i] + boxes[i + 1 :]
        step = here.height / 4
        for k in range(1, 17):
            dy = None
            for sign in (1, -1):
                moved = here.translated(0, sign * k * step)
                centre = to_data.transform(((moved.x0 + moved.x1) / 2, (moved.y0 + moved.y1) / 2))
                if (
                    frame.x0 <= moved.x0
                    and moved.x1 <= frame.x1
                    and frame.y0 <= moved.y0
                    and moved.y1 <= frame.y1
                    and geom.contains(Point(*centre))
                    and not any(moved.overlaps(o) for o in others)
                ):
                    dy = sign * k * step
                    break
            if dy is not None:
                label.anncoords = "offset points"
                label.xyann = (0.0, dy * 72 / fig.dpi)
                boxes[i] = here.translated(0, dy)
                break


def _rank_number(ax, rank, xy: tuple[float, float], zorder: int) -> Annotation:
    """A rank in white on its hexagon or dot."""
    return ax.annotate(
        str(rank),
        xy,
        ha="center",
        va="center",
        fontsize=7,
        color="white",
        fontweight="bold",
        zorder=zorder,
    )


def hotspot_map(
    shapes: pd.DataFrame,
    hot_cells: pd.DataFrame,
    black_spots: pd.DataFrame,
    title: str,
    size: tuple[float, float] = (7.0, 5.5),
) -> bytes:
    """Gi* hot cells (by class) and ranked black spots (numbered dots) on the wijken.

    The dots and the numbers lie above the wijk names (a name hid black spots #4 and #5 of
    week 48/2026); a name on a marker moves just beside it (:func:`_clear_markers`).

    Parameters
    ----------
    shapes : pandas.DataFrame
        Wijk shapes.
    hot_cells : pandas.DataFrame
        ``h3_cell``, ``klasse`` (1..3), optional ``rang`` written in the cell.
    black_spots : pandas.DataFrame
        ``lat``, ``lon``, ``rang``, ``is_black_spot`` and optionally ``status``
        ("Gevaarlijk punt", "Kandidaat", "Opvolgen"; see :data:`SPOT_COLOURS`). Without
        ``status``, a location that is not a black spot is drawn as a candidate.
    title : str
    size : (float, float)

    Returns
    -------
    bytes
        PNG image.
    """
    fig, ax, geoms = _frame(shapes, size)
    for geom in geoms:
        _draw_polygon(ax, geom, color="#f4f4f2")
    numbers = []
    for row in hot_cells.itertuples(index=False):
        hexagon = _hexagon(row.h3_cell)
        _draw_polygon(ax, hexagon, color=HOT_COLOURS.get(int(row.klasse), "#fd8d3c"), alpha=0.85)
        if hasattr(row, "rang"):
            c = hexagon.centroid
            numbers.append(_rank_number(ax, row.rang, (c.x, c.y), _Z_DOT))
    for geom in geoms:
        _outline(ax, geom)
    before = set(ax.texts)
    print_area_labels(ax, shapes, geoms)
    labels = [t for t in ax.texts if t not in before and isinstance(t, Annotation)]
    drawn = []
    # Highest rank last, so of two dots that touch, #1 lies on top.
    for row in black_spots.iloc[::-1].itertuples(index=False):
        status = _spot_status(row)
        drawn.append(status)
        ax.scatter(
            [row.lon],
            [row.lat],
            s=_DOT_SIZE,
            color=SPOT_COLOURS[status],
            edgecolor="white",
            zorder=_Z_DOT,
        )
        numbers.append(_rank_number(ax, row.rang, (row.lon, row.lat), _Z_NUMBER))
    if len(labels) == len(geoms):
        ax.apply_aspect()
        renderer = fig.canvas.get_renderer()
        radius = math.sqrt(_DOT_SIZE) / 2 * fig.dpi / 72 + 1
        dots = [
            Bbox.from_extents(x - radius, y - radius, x + radius, y + radius)
            for x, y in ax.transData.transform(black_spots[["lon", "lat"]].to_numpy(float))
        ] if len(black_spots) else []  # fmt: skip
        _clear_markers(ax, labels, geoms, dots + [t.get_window_extent(renderer) for t in numbers])
    # The legend names what the map draws: a week without hot spots showed the three
    # hot-spot colours over a map without a single hexagon.
    classes = {int(k) for k in hot_cells["klasse"]} if len(hot_cells) else set()
    handles = [
        Patch(color=HOT_COLOURS[k], label=f"Hotspot {level} %")
        for k, level in ((3, 99), (2, 95), (1, 90))
        if k in classes
    ] + [
        Patch(color=SPOT_COLOURS[status], label=SPOT_LEGEND[status])
        for status in ("Gevaarlijk punt", "Kandidaat", "Opvolgen")
        if status in drawn
    ]
    if handles:
        legend_below(ax, handles)
    ax.set_title(title, fontsize=11, loc="left")
    return _png(fig)
