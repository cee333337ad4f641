"""Risk near places: how many more incidents happen close to stations, schools, cafés ...

Everything is in projected metres (Belgian Lambert 72, EPSG:31370, or Lambert 2008): areas
and distances are only meaningful there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import shapely
from scipy import stats
from scipy.spatial import cKDTree

__all__ = ["format_nl", "ratio_interval", "risk_near_poi"]

_M2_PER_KM2 = 1_000_000.0


def format_nl(value: float, decimals: int = 1) -> str:
    """Format a number the Dutch (nl-BE) way: ``1234.5`` → ``"1.234,5"``.

    Parameters
    ----------
    value : float
        Number to format; NaN gives ``"–"``.
    decimals : int, default 1
        Digits after the decimal comma.

    Returns
    -------
    str
    """
    if value is None or not np.isfinite(value):
        return "–"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def _xy(points, x_col: str, y_col: str) -> np.ndarray:
    if isinstance(points, pd.DataFrame):
        xy = points[[x_col, y_col]].to_numpy(dtype=float)
    else:
        xy = np.asarray(points, dtype=float).reshape(-1, 2)
    return xy[np.isfinite(xy).all(axis=1)]


def ratio_interval(
    n_in: int, n_total: int, area_in: float, area_out: float, level: float = 0.95
) -> tuple[float, float]:
    """Exact confidence interval of the density ratio inside / outside.

    Given the ``n_total`` incidents, the number inside is binomial with ``p`` the inside
    share of the incidents; the density ratio is ``p / (1 − p) · area_out / area_in``, which
    grows with ``p``, so the Clopper-Pearson interval of ``p`` gives the ratio's. NaN when
    there is nothing to compare; the upper end is ``inf`` when every incident lies inside.
    """
    if n_total <= 0 or area_in <= 0 or area_out <= 0:
        return np.nan, np.nan
    ci = stats.binomtest(int(n_in), int(n_total)).proportion_ci(level, method="exact")

    def ratio(p: float) -> float:
        return np.inf if p >= 1 else p / (1 - p) * area_out / area_in

    return ratio(float(ci.low)), ratio(float(ci.high))


def _interval_text(low: float, high: float) -> str:
    """``"; 95 %-interval 1,2 tot 9,8 keer"``, and whether chance can explain it."""
    if not np.isfinite(low):
        return ""
    upper = "onbegrensd" if high == np.inf else f"{format_nl(high)} keer"
    text = f"; 95 %-interval {format_nl(low)} tot {upper}"
    if low <= 1 <= high:
        text += ", dus mogelijk toeval"
    return text


def _area_text(km2: float) -> str:
    """An area as the sentences write it: two decimals below 1 km² (a wijk's circles of
    100 m cover 0,05 km², which one decimal wrote as "0,0 km²")."""
    return f"{format_nl(km2, 2 if km2 < 1 else 1)} km²"


def _sentence(
    radius: float,
    place: str,
    ratio: float,
    n_in: int,
    area_km2: float,
    n_poi: int,
    interval: tuple[float, float] = (np.nan, np.nan),
    where: str = "de zone",
    area_out_km2: float = np.nan,
) -> str:
    counted = f"{n_in} {'feit' if n_in == 1 else 'feiten'} op {_area_text(area_km2)}"
    within = f"Binnen {format_nl(radius, 0)} m van {place}"
    if n_poi == 0:
        return f"Er ligt geen {place.removeprefix('een ')} in de zone."
    if area_km2 <= 0:
        return f"{within} ligt geen deel van {where}: niets te vergelijken."
    if ratio == np.inf:
        return f"{within} gebeuren alle feiten ({counted}); in de rest van {where} geen."
    if not np.isfinite(ratio):
        if area_out_km2 <= 0:
            return f"{within} ligt heel {where} ({counted}): niets om mee te vergelijken."
        return f"{within} gebeuren {counted}; in de rest van {where} geen: niets te vergelijken."
    if ratio >= 1.05:
        core = f"gebeuren {format_nl(ratio)} keer zoveel feiten per km² als"
    elif ratio > 0.95:
        core = "gebeuren ongeveer evenveel feiten per km² als"
    else:
        core = f"gebeuren minder feiten per km² ({format_nl(ratio)} keer zoveel) dan"
    return f"{within} {core} in de rest van {where} ({counted}{_interval_text(*interval)})."


def risk_near_poi(
    incidents_xy,
    poi_df: pd.DataFrame,
    zone_area_m2: float,
    radii: Sequence[float] = (100, 200),
    x_col: str = "x",
    y_col: str = "y",
    type_col: str = "type",
    zone=None,
    type_labels: Mapping[str, str] | None = None,
    quad_segs: int = 32,
    where: str = "de zone",
) -> pd.DataFrame:
    """Incident density within a radius of points of interest, against the rest of the zone.

    For each POI type and radius: the incidents within the radius of *any* POI of that
    type, the area of the union of the buffers (so overlapping buffers count once), and
    the number of incidents per km² inside versus outside.

    Parameters
    ----------
    incidents_xy : pandas.DataFrame or array-like of shape (n, 2)
        Incident coordinates in metres (columns ``x_col``, ``y_col`` when a frame).
        Rows with a missing coordinate are ignored.
    poi_df : pandas.DataFrame
        Points of interest with ``x_col``, ``y_col`` (metres) and ``type_col``.
    zone_area_m2 : float
        Area of the whole zone in m².
    radii : sequence of float, default (100, 200)
        Buffer radii in metres.
    x_col, y_col, type_col : str
        Column names.
    zone : shapely geometry, optional
        The zone polygon in the same metres (or the part of it analysed, such as some
        wijken). When given, buffers are clipped to it (a station on the border does not
        claim area outside the zone) and incidents outside it are left out. A point of
        interest outside it still counts with the part of its buffer that reaches inside.
    type_labels : mapping, optional
        How to name a type in the sentence, with article: ``{"station": "een station"}``.
        Default ``"een <type>"``.
    quad_segs : int, default 32
        Segments per quarter circle of a buffer (32 → area 0.04 % below π r²). Incidents
        are counted by exact distance.
    where : str
        The area analysed, as the sentences name it ("de zone", "de gekozen wijk"): the
        density near the places is set against the rest of it.

    Returns
    -------
    pandas.DataFrame
        One row per (type, radius), sorted by type then radius: ``type``, ``radius_m``,
        ``n_poi`` (points of interest of the type given), ``n_poi_zone`` (those lying in
        ``zone``, its border included; all of them without ``zone``), ``n_binnen``,
        ``opp_binnen_km2``, ``dichtheid_binnen`` (incidents per km²), ``n_buiten``,
        ``opp_buiten_km2``, ``dichtheid_buiten``, ``ratio`` (``dichtheid_binnen /
        dichtheid_buiten``), ``ratio_laag`` and ``ratio_hoog`` (its exact 95 % interval,
        :func:`ratio_interval`: one incident inside gives a ratio of 4 with an interval of
        about 0,1 to 22), ``p_waarde`` and ``zin`` (the interval included, and "mogelijk
        toeval" when it holds 1).

    Notes
    -----
    ``p_waarde`` is an exact one-sided binomial test of "more incidents inside than the
    inside share of the area predicts" (``n_binnen ~ Bin(n, opp_binnen / opp_zone)``).
    That null hypothesis spreads incidents evenly over the zone, which people and roads
    never do: read it as "could this be luck?", not as proof that the place causes
    incidents.
    """
    if zone_area_m2 <= 0:
        raise ValueError("zone_area_m2 moet positief zijn")
    xy = _xy(incidents_xy, x_col, y_col)
    if zone is not None:
        xy = xy[
            shapely.contains_xy(zone, xy[:, 0], xy[:, 1])
            | shapely.intersects_xy(zone.boundary, xy[:, 0], xy[:, 1])
        ]
    n_total = len(xy)
    labels = dict(type_labels or {})
    rows = []
    types = sorted(poi_df[type_col].dropna().astype(str).unique())
    for poi_type in types:
        sel = poi_df[poi_df[type_col].astype(str) == poi_type]
        poi_xy = sel[[x_col, y_col]].to_numpy(dtype=float)
        poi_xy = poi_xy[np.isfinite(poi_xy).all(axis=1)]
        place = labels.get(poi_type, f"een {poi_type}")
        # For a part of the zone, "Café (21)" counted the whole zone's cafés: say how many
        # lie in the area analysed (the buffers still take every one given).
        n_poi_zone = (
            len(poi_xy)
            if zone is None
            else int(
                (
                    shapely.contains_xy(zone, poi_xy[:, 0], poi_xy[:, 1])
                    | shapely.intersects_xy(zone.boundary, poi_xy[:, 0], poi_xy[:, 1])
                ).sum()
            )
        )
        tree = cKDTree(poi_xy) if len(poi_xy) else None
        nearest = (
            tree.query(xy, k=1)[0] if tree is not None and n_total else np.full(n_total, np.inf)
        )
        for radius in sorted(radii):
            n_in = int((nearest <= radius).sum())
            if len(poi_xy):
                buffers = shapely.buffer(shapely.points(poi_xy), radius, quad_segs=quad_segs)
                union = shapely.union_all(buffers)
                if zone is not None:
                    union = shapely.intersection(union, zone)
                area_in = float(shapely.area(union))
            else:
                area_in = 0.0
            area_out = zone_area_m2 - area_in
            n_out = n_total - n_in
            dens_in = n_in / (area_in / _M2_PER_KM2) if area_in > 0 else np.nan
            dens_out = n_out / (area_out / _M2_PER_KM2) if area_out > 0 else np.nan
            ratio = dens_in / dens_out if dens_out and np.isfinite(dens_out) else np.nan
            if dens_out == 0 and n_in > 0:
                ratio = np.inf
            share = min(max(area_in / zone_area_m2, 0.0), 1.0)
            p_value = (
                float(stats.binomtest(n_in, n_total, share, alternative="greater").pvalue)
                if n_total and 0 < share < 1
                else np.nan
            )
            low, high = ratio_interval(n_in, n_total, area_in, area_out)
            rows.append(
                {
                    "type": poi_type,
                    "radius_m": radius,
                    "n_poi": len(poi_xy),
                    "n_poi_zone": n_poi_zone,
                    "n_binnen": n_in,
                    "opp_binnen_km2": area_in / _M2_PER_KM2,
                    "dichtheid_binnen": dens_in,
                    "n_buiten": n_out,
                    "opp_buiten_km2": area_out / _M2_PER_KM2,
                    "dichtheid_buiten": dens_out,
                    "ratio": ratio,
                    "ratio_laag": low,
                    "ratio_hoog": high,
                    "p_waarde": p_value,
                    "zin": _sentence(
                        radius,
                        place,
                        ratio,
                        n_in,
                        area_in / _M2_PER_KM2,
                        len(poi_xy),
                        (low, high),
                        where,
                        area_out / _M2_PER_KM2,
                    ),
                }
            )
    columns = [
        "type", "radius_m", "n_poi", "n_poi_zone", "n_binnen", "opp_binnen_km2", "dichtheid_binnen",
        "n_buiten", "opp_buiten_km2", "dichtheid_buiten", "ratio", "ratio_laag", "ratio_hoog",
        "p_waarde", "zin",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)
