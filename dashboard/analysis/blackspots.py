"""Flemish black spots ("gevaarlijke punten") from located injury accidents.

The Flemish rule (thresholds and weights in ``[black_spots]`` of ``data/zone.toml``): over the
last 3 years, a location with at least 3 injury accidents and a priority score of at least
15 is a black spot. The score counts every person killed (within 30 days) 5, seriously
injured 3, lightly injured 1; victims who are pedestrians, cyclists or moped riders count
1.7 times (8.5 / 5.1 / 1.7).

All coordinates are Belgian Lambert 72 (EPSG:31370) metres. The functions are pure: they take
small frames that :mod:`dashboard.queries` fetched and return new frames. Their defaults are
the ``[black_spots]`` values of the demo zone; :func:`black_spot_params` turns a zone's own
section into keyword arguments.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

__all__ = [
    "DEFAULT_SEVERITY_CLASSES",
    "DEFAULT_VULNERABLE_ROAD_USERS",
    "RuleParams",
    "black_spot_params",
    "black_spot_locations",
    "black_spot_ranking",
    "cluster_locations",
    "controls_near_locations",
    "priority_score",
    "share_of_control_hours_near",
]

#: Victim severity labels (``marts.victims.severity``) mapped to the three scored classes.
#: ``Dodelijk`` is the accident-level label of the zone export; accepted as a synonym.
DEFAULT_SEVERITY_CLASSES: Mapping[str, str] = {
    "Gedood binnen 30 dagen": "killed",
    "Dodelijk": "killed",
    "Zwaargewond": "seriously",
    "Lichtgewond": "lightly",
}

#: ``[categories].vulnerable_road_users`` of the demo zone.
DEFAULT_VULNERABLE_ROAD_USERS: tuple[str, ...] = ("Voetganger", "Fietser", "Bromfiets")


@dataclass(frozen=True)
class RuleParams:
    """Parameters of the Flemish black-spot rule (``[black_spots]`` in ``zone.toml``).

    Attributes
    ----------
    years : int
        Length of the window, ending on the chosen end date.
    distance_m : float
        Clustering distance between accidents of one location.
    min_injury_accidents : int
        Threshold on injury accidents (inclusive).
    min_score : float
        Threshold on the priority score (inclusive).
    weight_killed, weight_seriously, weight_lightly : float
        Score per person killed within 30 days, seriously and lightly injured.
    vulnerable_factor : float
        Multiplier for pedestrians, cyclists and moped riders.
    vulnerable_road_users : tuple of str
        Road-user labels counted as vulnerable (``[categories].vulnerable_road_users``).
    """

    years: int = 3
    distance_m: float = 50.0
    min_injury_accidents: int = 3
    min_score: float = 15.0
    weight_killed: float = 5.0
    weight_seriously: float = 3.0
    weight_lightly: float = 1.0
    vulnerable_factor: float = 1.7
    vulnerable_road_users: tuple[str, ...] = DEFAULT_VULNERABLE_ROAD_USERS

    def describe(self) -> str:
        """The rule in Dutch, with these values, for under a list or in a document.

        Every place that states the rule says what was applied: a zone with its own
        thresholds or road users read the defaults under a list ranked with its own.
        """
        from dashboard.components.format import fmt_number

        def num(value: float) -> str:  # "15", "1,7", "8,5": no trailing zeros
            return fmt_number(value, 2).rstrip("0").rstrip(",")

        users = ", ".join(u.lower() for u in self.vulnerable_road_users)
        return (
            f"minstens {self.min_injury_accidents} letselongevallen in {self.years} jaar en een "
            f"prioriteitsscore van minstens {num(self.min_score)} (gedood "
            f"{num(self.weight_killed)}, zwaargewond {num(self.weight_seriously)}, "
            f"lichtgewond {num(self.weight_lightly)} per slachtoffer"
            + (f"; zwakke weggebruikers ({users}) × {num(self.vulnerable_factor)}" if users else "")
            + f"; ongevallen binnen {num(self.distance_m)} m van elkaar vormen één locatie, "
            f"een keten langer dan {num(4 * self.distance_m)} m wordt gesplitst)"
        )


# Components this large are split on a grid instead of by complete linkage, whose distance
# matrix grows with n² (2,000 points = 16 MB; a chain through a city centre can be larger).
_MAX_POINTS_COMPLETE_LINKAGE = 2000

# Month-only rows (Statbel: year + month, no day) are dated on this day of their month.
_MONTH_ONLY_DAY = 15


def black_spot_params(section: Mapping[str, Any]) -> dict[str, Any]:
    """Translate a zone's ``[black_spots]`` section into :func:`black_spot_ranking` arguments.

    Parameters
    ----------
    section : mapping
        The parsed ``[black_spots]`` table, e.g. ``load_zone()["black_spots"]``.

    Returns
    -------
    dict
        Keyword arguments for :func:`black_spot_ranking`; keys missing from ``section`` are
        left out so the function defaults apply.
    """
    names = {
        "years": "years",
        "cluster_distance_m": "distance_m",
        "min_injury_accidents": "min_injury_accidents",
        "min_priority_score": "min_score",
        "weight_killed": "weight_killed",
        "weight_seriously_injured": "weight_seriously",
        "weight_lightly_injured": "weight_lightly",
        "vulnerable_factor": "vulnerable_factor",
    }
    return {arg: section[key] for key, arg in names.items() if key in section}


# --------------------------------------------------------------------------------------
# Clustering
# --------------------------------------------------------------------------------------


#: Points of a cell measured against all of a neighbour's, at most this many pairs at a time.
_PAIR_BUDGET = 1 << 20
#: Points per cell that stand for it (more: its extremes in four directions, both ways).
_REPRESENTATIVES = 8


def _cell_members(start: np.ndarray, counts: np.ndarray, cells: np.ndarray):
    """``(owner, point)`` for every point of ``cells`` (owner: position in ``cells``),
    points numbered in cell order (the cells' points are consecutive from ``start``)."""
    cnt = counts[cells]
    owner = np.repeat(np.arange(len(cells)), cnt)
    point = np.arange(int(cnt.sum())) + np.repeat(start[cells] - (np.cumsum(cnt) - cnt), cnt)
    return owner, point


def _near_box(xy: np.ndarray, point: np.ndarray, box: tuple, other: np.ndarray, d2: float):
    """Which ``point``s lie within the distance of the bounding box of ``other`` (a cell
    per point): only those can lie within it of a point of that cell."""
    xmin, xmax, ymin, ymax = (v[other] for v in box)
    x, y = xy[point, 0], xy[point, 1]
    gx = np.maximum(0.0, np.maximum(xmin - x, x - xmax))
    gy = np.maximum(0.0, np.maximum(ymin - y, y - ymax))
    return gx * gx + gy * gy <= d2


def _cells_touch(
    xy: np.ndarray, start: np.ndarray, counts: np.ndarray, box: tuple,
    a: np.ndarray, b: np.ndarray, d2: float,
) -> np.ndarray:  # fmt: skip
    """Per pair of cells ``(a[i], b[i])``: whether a point of the one lies within the
    distance of a point of the other, measured exactly. Each side keeps its points near the
    other cell's box; the kept pairs are measured a few million at a time, and a pair of
    cells with more than that (thousands of accidents on one spot) through a k-d tree."""
    result = np.zeros(len(a), dtype=bool)
    oa, qa = _cell_members(start, counts, a)
    keep = _near_box(xy, qa, box, b[oa], d2)
    oa, qa = oa[keep], qa[keep]
    ob, qb = _cell_members(start, counts, b)
    keep = _near_box(xy, qb, box, a[ob], d2)
    ob, qb = ob[keep], qb[keep]
    na = np.bincount(oa, minlength=len(a))
    nb = np.bincount(ob, minlength=len(a))
    sa, sb = np.cumsum(na) - na, np.cumsum(nb) - nb
    prod = na * nb
    for i in np.flatnonzero(prod > _PAIR_BUDGET):
        pa, pb = xy[qa[sa[i] : sa[i] + na[i]]], xy[qb[sb[i] : sb[i] + nb[i]]]
        # The nearest point of the other cell, looked for a hair beyond the distance, then
        # measured as every other pair is.
        dist, nearest = cKDTree(pb).query(pa, distance_upper_bound=np.sqrt(d2) * (1 + 1e-9))
        found = np.isfinite(dist)
        d = pa[found] - pb[nearest[found]]
        result[i] = bool(((d * d).sum(axis=1) <= d2).any())
    prod[prod > _PAIR_BUDGET] = 0
    ends = np.cumsum(prod)
    lo, n = 0, len(a)
    while lo < n:
        hi = max(lo + 1, int(np.searchsorted(ends, ends[lo] - prod[lo] + _PAIR_BUDGET, "right")))
        part = np.arange(lo, hi)
        pp = prod[part]
        pair = np.repeat(part, pp)
        r = np.arange(int(pp.sum())) - np.repeat(np.cumsum(pp) - pp, pp)
        d = xy[qa[sa[pair] + r // nb[pair]]] - xy[qb[sb[pair] + r % nb[pair]]]
        result[pair[(d * d).sum(axis=1) <= d2]] = True
        lo = hi
    return result


def _linked_components(xy: np.ndarray, distance_m: float) -> np.ndarray:
    """Component label per point of the graph joining points at most ``distance_m`` apart.

    Through a grid of square cells with side ``distance_m / sqrt(2)``: the points of a cell
    lie within the distance of each other, so a cell is linked as a whole, and only cells at
    most two apart can hold points within the distance of each other. A pair of such cells
    is linked when two of their representatives are within the distance (every point of a
    cell of at most eight; else its extremes along x, y and both diagonals, each way), and
    otherwise measured point against point (:func:`_cells_touch`), so the result is exactly
    that of every pair within the distance. A year of the 10^7 benchmark (449,714 injury
    accidents along the zone's roads, 115 million pairs within 50 m) takes 0.36 s; every pair
    took 20 s, the Delaunay edges within the distance 4.4-5.0 s.
    """
    n = len(xy)
    if n == 0:
        return np.zeros(0, dtype=np.int32)
    d2 = distance_m * distance_m
    # A hair under the side, so rounding never puts two points of a cell beyond the distance.
    side = distance_m / np.sqrt(2.0) * (1.0 - 1e-9)
    grid = np.floor((xy - xy.min(axis=0)) / side).astype(np.int64)
    # Column index shifted by two, so a neighbour two rows up or down never wraps.
    width = int(grid[:, 1].max()) + 5
    key = grid[:, 0] * width + grid[:, 1] + 2
    order = np.argsort(key, kind="stable")
    cells, start, counts = np.unique(key[order], return_index=True, return_counts=True)
    m = len(cells)
    pts = xy[order]
    cell = np.repeat(np.arange(m), counts)
    # Representatives: a cell's points (repeated up to eight), or its eight extremes.
    k = np.arange(_REPRESENTATIVES)
    reps = start[:, None] + np.minimum(k[None, :], counts[:, None] - 1)
    big = np.flatnonzero(counts > _REPRESENTATIVES)
    if len(big):
        x, y = pts[:, 0], pts[:, 1]
        for j, v in enumerate((x, -x, y, -y, x + y, -x - y, x - y, y - x)):
            low = v == np.minimum.reduceat(v, start)[cell]
            hit = np.flatnonzero(low)
            owner, first = np.unique(cell[hit], return_index=True)
            extreme = np.empty(m, dtype=np.int64)
            extreme[owner] = hit[first]
            reps[big, j] = extreme[big]
    box = tuple(
        f.reduceat(pts[:, c], start)
        for c, f in ((0, np.minimum), (0, np.maximum), (1, np.minimum), (1, np.maximum))
    )
    # Neighbouring cells (each pair once) whose boxes lie within the distance.
    own, other = [], []
    for dx in range(3):
        for dy in range(-2, 3):
            if dx == 0 and dy <= 0:
                continue
            want = cells + dx * width + dy
            at = np.minimum(np.searchsorted(cells, want), m - 1)
            found = cells[at] == want
            own.append(np.flatnonzero(found))
            other.append(at[found])
    a, b = np.concatenate(own), np.concatenate(other)
    xmin, xmax, ymin, ymax = box
    gx = np.maximum(0.0, np.maximum(xmin[b] - xmax[a], xmin[a] - xmax[b]))
    gy = np.maximum(0.0, np.maximum(ymin[b] - ymax[a], ymin[a] - ymax[b]))
    near = gx * gx + gy * gy <= d2
    a, b = a[near], b[near]
    linked = np.zeros(len(a), dtype=bool)
    px, py = pts[:, 0].copy(), pts[:, 1].copy()
    chunk = 65536
    for s in range(0, len(a), chunk):
        ra, rb = reps[a[s : s + chunk]], reps[b[s : s + chunk]]
        dx = px[ra][:, :, None] - px[rb][:, None, :]
        dy = py[ra][:, :, None] - py[rb][:, None, :]
        linked[s : s + chunk] = (dx * dx + dy * dy <= d2).reshape(len(ra), -1).any(axis=1)
    # Representatives are all the points of a small cell: only pairs with a big cell need
    # the exact measure.
    open_ = np.flatnonzero(
        ~linked & ((counts[a] > _REPRESENTATIVES) | (counts[b] > _REPRESENTATIVES))
    )
    if len(open_):
        linked[open_] = _cells_touch(pts, start, counts, box, a[open_], b[open_], d2)
    a, b = a[linked], b[linked]
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), (m, m))
    labels = connected_components(graph, directed=False)[1]
    out = np.empty(n, dtype=labels.dtype)
    out[order] = labels[cell]
    return out


def _split_component(xy: np.ndarray, max_extent_m: float) -> np.ndarray:
    """Split one over-long component into parts whose diameter is at most ``max_extent_m``.

    Complete linkage cut at ``max_extent_m`` guarantees the diameter bound (every pair in a
    cluster is within the cut distance). Beyond ``_MAX_POINTS_COMPLETE_LINKAGE`` points a grid
    of square cells with side ``max_extent_m / sqrt(2)`` gives the same guarantee in O(n).
    """
    if len(xy) <= _MAX_POINTS_COMPLETE_LINKAGE:
        return fcluster(linkage(xy, method="complete"), t=max_extent_m, criterion="distance")
    side = max_extent_m / np.sqrt(2.0)
    cells = np.floor((xy - xy.min(axis=0)) / side).astype(np.int64)
    # One integer per cell, in the order of (column, row): the parts are numbered as the
    # rows of np.unique(cells, axis=0) would, at a tenth of its time (it sorts row bytes).
    key = cells[:, 0] * (int(cells[:, 1].max()) + 1) + cells[:, 1]
    _, part = np.unique(key, return_inverse=True)
    return part.ravel() + 1


def cluster_locations(
    accidents: pd.DataFrame,
    distance_m: float = 50.0,
    x_col: str = "x",
    y_col: str = "y",
    *,
    max_extent_m: float | None = None,
    weight_col: str | None = None,
) -> pd.Series:
    """Group accidents into locations by single linkage within ``distance_m``.

    Two accidents belong to the same location when a chain of accidents, each within
    ``distance_m`` of the next, connects them (connected components of the graph of pairs
    within ``distance_m``, see :func:`_linked_components`). Single linkage can chain along a
    busy road into a kilometre-long "location", which would add up accidents that no single
    measure can address. Components whose diameter exceeds ``max_extent_m`` (default
    ``4 * distance_m``) are therefore split by complete linkage cut at ``max_extent_m``, so
    every location returned fits inside a circle of diameter ``max_extent_m``.

    Parameters
    ----------
    accidents : DataFrame
        One row per accident, with Lambert 72 coordinates in metres.
    distance_m : float, default 50
        Linkage distance (``[black_spots].cluster_distance_m``).
    x_col, y_col : str
        Coordinate columns.
    max_extent_m : float, optional
        Largest diameter a location may have; ``None`` means ``4 * distance_m``, ``np.inf``
        switches the guard off (pure single linkage).
    weight_col : str, optional
        Column whose sum is a location's weight (e.g. a priority score). Without it the
        weight is the number of accidents.

    Returns
    -------
    Series
        ``location_id`` (nullable ``Int64``), aligned on ``accidents.index``. Ids run from 1
        for the heaviest location; ties are broken by the smallest x, then y, so the ids do
        not depend on row order. Rows without coordinates get ``<NA>``.
    """
    if max_extent_m is None:
        max_extent_m = 4.0 * distance_m
    result = pd.Series(pd.NA, index=accidents.index, dtype="Int64", name="location_id")
    xy_all = accidents[[x_col, y_col]].to_numpy(dtype=float)
    located = np.isfinite(xy_all).all(axis=1)
    if not located.any():
        return result
    # Sort by coordinates first: cluster labels then depend only on the point set.
    order = np.lexsort((xy_all[located, 1], xy_all[located, 0]))
    xy = xy_all[located][order]
    n = len(xy)

    component = _linked_components(xy, distance_m)

    if np.isfinite(max_extent_m):
        # The bounding-box diagonal bounds the diameter from above: only components whose box
        # is too big can need splitting, and those are the only ones that pay for linkage.
        comp = pd.DataFrame({"c": component, "x": xy[:, 0], "y": xy[:, 1]}).groupby("c")
        span = comp[["x", "y"]].max() - comp[["x", "y"]].min()
        suspects = span.index[np.hypot(span["x"], span["y"]) > max_extent_m]
        next_label = component.max() + 1
        for c in suspects:
            members = np.flatnonzero(component == c)
            parts = _split_component(xy[members], max_extent_m)
            if parts.max() > 1:
                component[members] = np.where(parts == 1, c, next_label + parts - 2)
                next_label += parts.max() - 1

    weights = (
        accidents.loc[located, weight_col].to_numpy(dtype=float)[order]
        if weight_col is not None
        else np.ones(n)
    )
    stats = pd.DataFrame({"c": component, "w": weights, "x": xy[:, 0], "y": xy[:, 1]})
    stats = stats.groupby("c").agg(w=("w", "sum"), x=("x", "min"), y=("y", "min"))
    stats = stats.sort_values(["w", "x", "y"], ascending=[False, True, True])
    rank = pd.Series(np.arange(1, len(stats) + 1), index=stats.index)

    ids = np.empty(n, dtype=np.int64)
    ids[order] = rank.loc[component].to_numpy()
    result.loc[located] = ids
    return result


# --------------------------------------------------------------------------------------
# Priority score
# --------------------------------------------------------------------------------------


def priority_score(
    victims: pd.DataFrame,
    by: str = "accident_id",
    *,
    weight_killed: float = 5.0,
    weight_seriously: float = 3.0,
    weight_lightly: float = 1.0,
    vulnerable_factor: float = 1.7,
    vulnerable_road_users: Iterable[str] = DEFAULT_VULNERABLE_ROAD_USERS,
    severity_classes: Mapping[str, str] = DEFAULT_SEVERITY_CLASSES,
    severity_col: str = "severity",
    road_user_col: str = "road_user",
) -> pd.DataFrame:
    """Flemish priority score per accident (or per location) from its victims.

    Each victim scores the weight of their injury class; a victim whose road user type is in
    ``vulnerable_road_users`` scores ``vulnerable_factor`` times that (5 × 1.7 = 8.5 for a
    killed cyclist). Victims with any other severity label (e.g. unhurt) score 0.

    Parameters
    ----------
    victims : DataFrame
        One row per victim with ``by``, ``severity_col`` and ``road_user_col``.
    by : str, default "accident_id"
        Grouping column: ``"accident_id"`` or, after a merge, ``"location_id"``.
    weight_killed, weight_seriously, weight_lightly : float
        Weights per person killed within 30 days, seriously and lightly injured.
    vulnerable_factor : float, default 1.7
        Multiplier for vulnerable victims.
    vulnerable_road_users : iterable of str
        Road user labels that count as vulnerable (``[categories].vulnerable_road_users``).
    severity_classes : mapping
        Severity label → ``"killed"``, ``"seriously"`` or ``"lightly"``.
    severity_col, road_user_col : str
        Column names in ``victims``.

    Returns
    -------
    DataFrame
        Indexed by ``by``: ``n_killed``, ``n_seriously``, ``n_lightly``,
        ``n_vulnerable_victims`` (vulnerable victims among the injured), ``score`` (rounded
        to 6 decimals so that sums such as 5.1 + 5.1 + 5.1 compare exactly with thresholds).
    """
    cls = victims[severity_col].map(dict(severity_classes))
    weight = cls.map(
        {"killed": weight_killed, "seriously": weight_seriously, "lightly": weight_lightly}
    ).fillna(0.0)
    vulnerable = victims[road_user_col].isin(list(vulnerable_road_users)) & cls.notna()
    frame = pd.DataFrame(
        {
            by: victims[by].to_numpy(),
            "n_killed": (cls == "killed").to_numpy(dtype=np.int64),
            "n_seriously": (cls == "seriously").to_numpy(dtype=np.int64),
            "n_lightly": (cls == "lightly").to_numpy(dtype=np.int64),
            "n_vulnerable_victims": vulnerable.to_numpy(dtype=np.int64),
            "score": np.where(vulnerable, weight * vulnerable_factor, weight),
        }
    )
    out = frame.groupby(by, sort=True).sum()
    out["score"] = out["score"].round(6)
    return out


def _score_from_counts(
    accidents: pd.DataFrame, weight_killed: float, weight_seriously: float, weight_lightly: float
) -> pd.DataFrame:
    """Score accidents that have victim counts but no victim rows (Statbel, worst-victim).

    Without victim rows the road user of each victim is unknown, so no vulnerable factor is
    applied: the score is a lower bound.
    """
    counts = pd.DataFrame(
        {
            "n_killed": accidents.get("killed", 0),
            "n_seriously": accidents.get("seriously_injured", 0),
            "n_lightly": accidents.get("lightly_injured", 0),
        },
        index=accidents.index,
    )
    counts = counts.fillna(0).astype(np.int64)
    counts["n_vulnerable_victims"] = 0
    counts["score"] = (
        counts["n_killed"] * weight_killed
        + counts["n_seriously"] * weight_seriously
        + counts["n_lightly"] * weight_lightly
    ).round(6)
    return counts


# --------------------------------------------------------------------------------------
# Ranking
# --------------------------------------------------------------------------------------


def _accident_dates(accidents: pd.DataFrame) -> pd.DataFrame:
    """Effective, first and last possible date of each accident.

    Rows with a ``date`` use it. Rows with only ``year`` + ``month`` (Statbel) are dated on
    the 15th for the window test, so a month counts when about half of it lies in the
    window; for first/last dates they span the whole month.
    """
    if "date" in accidents:
        date = pd.to_datetime(accidents["date"], errors="coerce").dt.normalize()
    else:
        date = pd.Series(pd.NaT, index=accidents.index, dtype="datetime64[ns]")
    start, end, effective = date.copy(), date.copy(), date.copy()
    if {"year", "month"} <= set(accidents.columns):
        month_only = date.isna() & accidents["year"].notna() & accidents["month"].notna()
        if month_only.any():
            first = pd.to_datetime(
                pd.DataFrame(
                    {
                        "year": accidents.loc[month_only, "year"].astype(int),
                        "month": accidents.loc[month_only, "month"].astype(int),
                        "day": 1,
                    }
                )
            )
            start.loc[month_only] = first
            end.loc[month_only] = first + pd.offsets.MonthEnd(0)
            effective.loc[month_only] = first + pd.Timedelta(days=_MONTH_ONLY_DAY - 1)
    return pd.DataFrame({"effective": effective, "start": start, "end": end})


def _window(end_date: Any, years: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    """``years`` whole years ending on ``end_date`` inclusive: (end − years, end]."""
    end = pd.Timestamp(end_date).normalize()
    return end - pd.DateOffset(years=years) + pd.Timedelta(days=1), end


def _main_street(streets: pd.DataFrame) -> pd.Series:
    """Most frequent non-empty street per location; ties go to the alphabetically first."""
    s = streets.dropna(subset=["street"])
    s = s[s["street"].astype(str).str.strip() != ""]
    if s.empty:
        return pd.Series(dtype=object)
    counts = s.groupby(["location_id", "street"]).size().rename("n").reset_index()
    counts = counts.sort_values(["location_id", "n", "street"], ascending=[True, False, True])
    return counts.drop_duplicates("location_id").set_index("location_id")["street"]


_RANKING_COLUMNS = [
    "location_id",
    "x",
    "y",
    "radius_m",
    "n_injury_accidents",
    "n_killed",
    "n_seriously",
    "n_lightly",
    "n_vulnerable_victims",
    "score",
    "meets_accidents",
    "meets_score",
    "is_black_spot",
    "is_candidate",
    "street",
    "first_date",
    "last_date",
]


def black_spot_locations(
    accidents: pd.DataFrame,
    victims: pd.DataFrame,
    end_date: Any,
    years: int = 3,
    distance_m: float = 50.0,
    min_injury_accidents: int = 3,
    min_score: float = 15.0,
    near_accidents: int = 1,
    near_score: float = 5.0,
    *,
    max_extent_m: float | None = None,
    weight_killed: float = 5.0,
    weight_seriously: float = 3.0,
    weight_lightly: float = 1.0,
    vulnerable_factor: float = 1.7,
    vulnerable_road_users: Iterable[str] = DEFAULT_VULNERABLE_ROAD_USERS,
    severity_classes: Mapping[str, str] = DEFAULT_SEVERITY_CLASSES,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rank accident locations by the Flemish priority score, with each one's accidents.

    :func:`black_spot_ranking` without the accidents; the members come from the same
    clustering, so a location's accidents are exactly those it was scored on.

    Only injury accidents dated in the ``years`` years ending on ``end_date`` (inclusive,
    i.e. ``(end_date − years, end_date]``) and with coordinates take part; they are grouped
    with :func:`cluster_locations` and scored with :func:`priority_score`.

    A location **is a black spot** when ``n_injury_accidents >= min_injury_accidents`` and
    ``score >= min_score`` (both inclusive, as in the Flemish rule).

    A location **is a candidate** ("bijna gevaarlijk punt", to watch) when it is not a black
    spot, meets one of the two criteria, and misses the other by at most the margin:
    ``n_injury_accidents >= min_injury_accidents - near_accidents`` and
    ``score >= min_score - near_score``. With the defaults: 3+ accidents and a score of 10
    up to 15, or a score of 15+ with exactly 2 accidents. One more injury accident would
    make the second kind a black spot; the first needs one more accident with a seriously
    injured (cyclist) or two lighter ones, which happens within a few years at a busy
    junction: a list worth watching, not a list to act on.

    Parameters
    ----------
    accidents : DataFrame
        ``accident_id``, ``x``, ``y`` (Lambert 72), ``date`` (or ``year`` + ``month`` for
        Statbel rows without a day), ``is_injury`` (all rows count as injury accidents when
        absent) and ``street`` (optional). Accidents without victim rows but with the mart's
        ``killed`` / ``seriously_injured`` / ``lightly_injured`` counts are scored from those
        counts without the vulnerable factor (road user unknown).
    victims : DataFrame
        ``accident_id``, ``severity``, ``road_user``; one row per victim.
    end_date : date-like
        Last day of the window (e.g. the last complete month of the data).
    years : int, default 3
        Length of the window in years.
    distance_m : float, default 50
        Clustering distance, see :func:`cluster_locations`.
    min_injury_accidents : int, default 3
        Black-spot threshold on injury accidents (inclusive).
    min_score : float, default 15
        Black-spot threshold on the priority score (inclusive).
    near_accidents : int, default 1
        Margin on accidents for candidates.
    near_score : float, default 5
        Margin on the score for candidates (score ≥ 10 with the default ``min_score``).
    max_extent_m : float, optional
        Chaining guard, see :func:`cluster_locations`.
    weight_killed, weight_seriously, weight_lightly, vulnerable_factor,
    vulnerable_road_users, severity_classes
        Scoring parameters, see :func:`priority_score`.

    Returns
    -------
    (DataFrame, DataFrame)
        The ranking and its members. The ranking has one row per location:
        ``location_id``, ``x``, ``y`` (mean of its accidents),
        ``radius_m`` (largest distance of an accident to that centre), ``n_injury_accidents``,
        ``n_killed``, ``n_seriously``, ``n_lightly``, ``n_vulnerable_victims``, ``score``,
        ``meets_accidents``, ``meets_score``, ``is_black_spot``, ``is_candidate``, ``street``
        (most frequent street), ``first_date``, ``last_date``; sorted by score, then number
        of accidents, descending. Empty (with these columns) when nothing qualifies. The
        members have one row per accident ranked: ``accident_id``, ``location_id``.
    """
    # Frames concatenated from yearly exports repeat index labels; joins below need unique ones.
    accidents = accidents.reset_index(drop=True)
    start, end = _window(end_date, years)
    dates = _accident_dates(accidents)
    injury = (
        accidents["is_injury"].fillna(False).astype(bool)
        if "is_injury" in accidents
        else pd.Series(True, index=accidents.index)
    )
    keep = (
        injury
        & dates["effective"].between(start, end)
        & accidents["x"].notna()
        & accidents["y"].notna()
    )
    acc = accidents.loc[keep].copy()
    if acc.empty:
        members = pd.DataFrame({"accident_id": accidents["accident_id"].iloc[:0]})
        return pd.DataFrame(columns=_RANKING_COLUMNS), members.assign(location_id=np.int64(0))
    acc = acc.join(dates.loc[keep, ["start", "end"]])

    weights = {
        "weight_killed": weight_killed,
        "weight_seriously": weight_seriously,
        "weight_lightly": weight_lightly,
    }
    # Rows of people not injured ("Ongedeerd") score nothing: an accident with only such
    # rows is scored from the mart's counts, as one without victim rows (its class).
    vic = victims[
        victims["accident_id"].isin(acc["accident_id"])
        & victims["severity"].map(dict(severity_classes)).notna()
    ]
    per_accident = priority_score(
        vic,
        vulnerable_factor=vulnerable_factor,
        vulnerable_road_users=vulnerable_road_users,
        severity_classes=severity_classes,
        **weights,
    )
    score_cols = list(per_accident.columns)
    acc = acc.merge(per_accident, left_on="accident_id", right_index=True, how="left")
    no_victims = acc["score"].isna()
    if no_victims.any():
        acc.loc[no_victims, score_cols] = _score_from_counts(acc.loc[no_victims], **weights)
    acc[score_cols] = acc[score_cols].fillna(0)

    acc["location_id"] = cluster_locations(
        acc, distance_m, max_extent_m=max_extent_m, weight_col="score"
    )
    grouped = acc.groupby("location_id")
    out = grouped.agg(
        x=("x", "mean"),
        y=("y", "mean"),
        n_injury_accidents=("accident_id", "size"),
        n_killed=("n_killed", "sum"),
        n_seriously=("n_seriously", "sum"),
        n_lightly=("n_lightly", "sum"),
        n_vulnerable_victims=("n_vulnerable_victims", "sum"),
        score=("score", "sum"),
        first_date=("start", "min"),
        last_date=("end", "max"),
    )
    centre = out.loc[acc["location_id"], ["x", "y"]].to_numpy()
    acc["_r"] = np.hypot(acc["x"].to_numpy() - centre[:, 0], acc["y"].to_numpy() - centre[:, 1])
    out["radius_m"] = acc.groupby("location_id")["_r"].max()
    out["score"] = out["score"].round(6)
    for col in ("n_killed", "n_seriously", "n_lightly", "n_vulnerable_victims"):
        out[col] = out[col].astype(np.int64)

    out["meets_accidents"] = out["n_injury_accidents"] >= min_injury_accidents
    out["meets_score"] = out["score"] >= min_score
    out["is_black_spot"] = out["meets_accidents"] & out["meets_score"]
    near = (out["n_injury_accidents"] >= min_injury_accidents - near_accidents) & (
        out["score"] >= min_score - near_score
    )
    out["is_candidate"] = (
        ~out["is_black_spot"] & (out["meets_accidents"] | out["meets_score"]) & near
    )
    street = (
        _main_street(acc[["location_id", "street"]]) if "street" in acc else pd.Series(dtype=object)
    )
    out["street"] = street.reindex(out.index)
    out = out.reset_index()
    out["location_id"] = out["location_id"].astype(np.int64)
    out = out.sort_values(
        ["score", "n_injury_accidents", "location_id"], ascending=[False, False, True]
    )
    members = acc[["accident_id", "location_id"]].astype({"location_id": np.int64})
    return out[_RANKING_COLUMNS].reset_index(drop=True), members.reset_index(drop=True)


def black_spot_ranking(
    accidents: pd.DataFrame, victims: pd.DataFrame, end_date: Any, **rule: Any
) -> pd.DataFrame:
    """Rank accident locations by the Flemish priority score and flag black spots.

    The ranking of :func:`black_spot_locations` (same parameters and columns), without
    each location's accidents.
    """
    return black_spot_locations(accidents, victims, end_date, **rule)[0]


# --------------------------------------------------------------------------------------
# Controls near locations
# --------------------------------------------------------------------------------------


def _control_hours(controls: pd.DataFrame) -> np.ndarray:
    """Hours per control: the ``hours`` column when present, else ``ended_at − started_at``."""
    if "hours" in controls:
        hours = pd.to_numeric(controls["hours"], errors="coerce")
    else:
        delta = pd.to_datetime(controls["ended_at"]) - pd.to_datetime(controls["started_at"])
        hours = delta.dt.total_seconds() / 3600.0
    return hours.fillna(0.0).clip(lower=0.0).to_numpy(dtype=float)


def _controls_in_period(controls: pd.DataFrame, start: Any, end: Any) -> pd.DataFrame:
    """Located controls whose start lies in ``[start, end]`` (dates inclusive)."""
    keep = controls["x"].notna() & controls["y"].notna()
    if start is not None or end is not None:
        started = pd.to_datetime(controls["started_at"])
        if start is not None:
            keep &= started >= pd.Timestamp(start)
        if end is not None:
            # An end *date* includes that whole day.
            keep &= started < pd.Timestamp(end).normalize() + pd.Timedelta(days=1)
    return controls.loc[keep]


def _pairs_within(loc_xy: np.ndarray, ctrl_xy: np.ndarray, radius_m: float) -> np.ndarray:
    """(location index, control index) pairs within ``radius_m``, zero distances included."""
    if len(loc_xy) == 0 or len(ctrl_xy) == 0:
        return np.empty((0, 2), dtype=np.int64)
    # output_type="ndarray" keeps pairs at distance 0, which a sparse matrix would drop.
    pairs = cKDTree(loc_xy).sparse_distance_matrix(
        cKDTree(ctrl_xy), radius_m, output_type="ndarray"
    )
    return np.column_stack([pairs["i"], pairs["j"]]).astype(np.int64)


def controls_near_locations(
    locations: pd.DataFrame,
    controls: pd.DataFrame,
    radius_m: float = 250.0,
    start: Any = None,
    end: Any = None,
) -> pd.DataFrame:
    """Traffic controls held within ``radius_m`` of each location in a period.

    Answers "did we enforce where people get hurt?" for the black-spot list.

    Parameters
    ----------
    locations : DataFrame
        Rows with ``x``, ``y`` (Lambert 72), e.g. :func:`black_spot_ranking` output.
    controls : DataFrame
        ``marts.controls`` rows: ``x``, ``y``, ``started_at`` and ``hours`` (or
        ``ended_at`` to derive it).
    radius_m : float, default 250
        Distance from the location centre (inclusive).
    start, end : date-like, optional
        Count only controls that started in ``[start, end]`` (whole days).

    Returns
    -------
    DataFrame
        A copy of ``locations`` with ``n_controls`` and ``control_hours`` added.
    """
    ctrl = _controls_in_period(controls, start, end)
    loc_xy = locations[["x", "y"]].to_numpy(dtype=float)
    pairs = _pairs_within(loc_xy, ctrl[["x", "y"]].to_numpy(dtype=float), radius_m)
    hours = _control_hours(ctrl)
    out = locations.copy()
    out["n_controls"] = np.bincount(pairs[:, 0], minlength=len(loc_xy)).astype(np.int64)
    out["control_hours"] = np.bincount(
        pairs[:, 0], weights=hours[pairs[:, 1]], minlength=len(loc_xy)
    )
    return out


def share_of_control_hours_near(
    locations_top_n: pd.DataFrame,
    controls: pd.DataFrame,
    radius_m: float = 250.0,
    start: Any = None,
    end: Any = None,
) -> float:
    """Share of all control hours spent within ``radius_m`` of any of the given locations.

    A control near two locations counts once, so the share never exceeds 1.

    Parameters
    ----------
    locations_top_n : DataFrame
        The locations of interest (e.g. the top 10 of :func:`black_spot_ranking`), ``x``,
        ``y``.
    controls : DataFrame
        As in :func:`controls_near_locations`.
    radius_m : float, default 250
        Distance from a location centre (inclusive).
    start, end : date-like, optional
        Period, as in :func:`controls_near_locations`.

    Returns
    -------
    float
        Between 0 and 1; ``nan`` when there are no control hours in the period.
    """
    ctrl = _controls_in_period(controls, start, end)
    hours = _control_hours(ctrl)
    total = hours.sum()
    if total <= 0:
        return float("nan")
    pairs = _pairs_within(
        locations_top_n[["x", "y"]].to_numpy(dtype=float),
        ctrl[["x", "y"]].to_numpy(dtype=float),
        radius_m,
    )
    near = np.unique(pairs[:, 1])
    return float(hours[near].sum() / total)
