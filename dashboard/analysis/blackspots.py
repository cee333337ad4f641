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
from scipy.spatial import Delaunay, QhullError, cKDTree

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
            + f"; ongevallen binnen {num(self.distance_m)} m vormen één locatie)"
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


#: Above this many pairs within the distance per point (estimated on a sample), the
#: components are found through the Delaunay edges (about 5 µs per point) rather than from
#: every pair (about 75 ns per pair): measured on the 10^6 and 10^7 benchmarks' accidents.
_PAIRS_PER_POINT_FOR_DELAUNAY = 64
_DENSITY_SAMPLE = 1000


def _linked_components(xy: np.ndarray, distance_m: float, method: str | None = None) -> np.ndarray:
    """Component label per point of the graph joining points at most ``distance_m`` apart.

    Two points within ``distance_m`` are always joined by a path of Delaunay edges none
    longer than their distance (the circle on the pair as diameter is empty, or a point in
    it splits the pair into two shorter ones), so the Delaunay edges up to ``distance_m``
    give the same components as every pair within it, with about 3 edges per point. Dense
    accidents need that: a year of the 10^7 benchmark (449,714 injury accidents along the
    zone's roads) has 115 million pairs within 50 m: 20 s as pairs, 4.4 s through Delaunay.
    Sparse ones are faster as pairs (``method=None`` chooses by the pairs per point of a
    sample; ``"pairs"`` or ``"delaunay"`` force one; both give the same components).

    Equal points are triangulated once; points the triangulation leaves out (closer than
    its precision) take their pairs from a k-d tree, and inputs it cannot triangulate (fewer
    than three distinct points, or all on one line) are done as pairs.
    """
    n = len(xy)
    if method is None:
        method = "pairs"
        if n > _DENSITY_SAMPLE:
            sample = xy[np.random.default_rng(0).choice(n, _DENSITY_SAMPLE, replace=False)]
            near = cKDTree(xy).query_ball_point(sample, r=distance_m, return_length=True)
            if near.mean() > 2 * _PAIRS_PER_POINT_FOR_DELAUNAY:
                method = "delaunay"
    tri = None
    if method == "delaunay":
        unique, inverse = np.unique(xy, axis=0, return_inverse=True)
        try:
            tri = Delaunay(unique) if len(unique) >= 3 else None
        except QhullError:
            tri = None
    if tri is None:
        pairs = cKDTree(xy).query_pairs(r=distance_m, output_type="ndarray")
        graph = coo_matrix((np.ones(len(pairs), dtype=np.int8), (pairs[:, 0], pairs[:, 1])), (n, n))
        return connected_components(graph, directed=False)[1]
    s = tri.simplices
    edges = np.concatenate([s[:, [0, 1]], s[:, [1, 2]], s[:, [0, 2]]])
    d = unique[edges[:, 0]] - unique[edges[:, 1]]
    edges = edges[d[:, 0] * d[:, 0] + d[:, 1] * d[:, 1] <= distance_m * distance_m]
    if len(tri.coplanar):
        left_out = np.unique(tri.coplanar[:, 0])
        near = cKDTree(unique).query_ball_point(unique[left_out], r=distance_m)
        extra = [(p, q) for p, qs in zip(left_out, near, strict=True) for q in qs if q != p]
        edges = np.concatenate([edges, np.asarray(extra, dtype=edges.dtype).reshape(-1, 2)])
    m = len(unique)
    graph = coo_matrix((np.ones(len(edges), dtype=np.int8), (edges[:, 0], edges[:, 1])), (m, m))
    return connected_components(graph, directed=False)[1][inverse.ravel()]


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
    _, part = np.unique(cells, axis=0, return_inverse=True)
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
    vic = victims[victims["accident_id"].isin(acc["accident_id"])]
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
