"""Black spots ("gevaarlijke punten"): the inputs of the Flemish rule and its cached result.

The rule itself (clustering, priority score, thresholds) lives in
:mod:`dashboard.analysis.blackspots`; this module fetches the zone's own injury accidents and
their victims for the window, runs the ranking once per warehouse version and parameter set
(``st.cache_data``), and fetches what a page shows about one location.

Only the zone's own registration (``source = 'zone'``) is used: Statbel describes the same
accidents, so adding it would count every accident twice, and it has no victim rows (the
vulnerable factor needs the road user of each victim).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

import numpy as np
import pandas as pd
import streamlit as st

from dashboard.analysis import blackspots as rule
from dashboard.queries._db import ANALYSIS_MAX_ROWS, WarehouseVersion, query


@dataclass(frozen=True)
class BlackSpotParams(rule.RuleParams):
    """:class:`dashboard.analysis.blackspots.RuleParams` read from a zone's configuration."""

    @classmethod
    def from_zone(cls, zone: dict, **overrides) -> BlackSpotParams:
        """Read ``[black_spots]`` and ``[categories].vulnerable_road_users`` of a zone.

        Parameters
        ----------
        zone : dict
            Parsed zone configuration (``etl.config.load_zone()``).
        **overrides
            Values chosen on the page (e.g. ``distance_m``).
        """
        kwargs = rule.black_spot_params(zone.get("black_spots", {}))
        values = {
            "years": int(kwargs.get("years", cls.years)),
            "distance_m": float(kwargs.get("distance_m", cls.distance_m)),
            "min_injury_accidents": int(
                kwargs.get("min_injury_accidents", cls.min_injury_accidents)
            ),
            "min_score": float(kwargs.get("min_score", cls.min_score)),
            "weight_killed": float(kwargs.get("weight_killed", cls.weight_killed)),
            "weight_seriously": float(kwargs.get("weight_seriously", cls.weight_seriously)),
            "weight_lightly": float(kwargs.get("weight_lightly", cls.weight_lightly)),
            "vulnerable_factor": float(kwargs.get("vulnerable_factor", cls.vulnerable_factor)),
        }
        vulnerable = zone.get("categories", {}).get("vulnerable_road_users")
        if vulnerable:
            values["vulnerable_road_users"] = tuple(vulnerable)
        values.update(overrides)
        return cls(**values)

    @classmethod
    def configured(cls, **overrides) -> BlackSpotParams:
        """:meth:`from_zone` for the zone configuration in use (``etl.config.load_zone``):
        the rule every page and document applies. Without a zone file the rule's defaults;
        a zone file that cannot be read raises its Dutch ``ValueError`` (the sign-in gate
        refuses such a file before any page runs)."""
        from etl.config import load_zone

        try:
            zone = load_zone()
        except FileNotFoundError:
            zone = {}
        return cls.from_zone(zone, **overrides)

    def ranking_kwargs(self) -> dict:
        """Keyword arguments for :func:`dashboard.analysis.blackspots.black_spot_ranking`."""
        out = asdict(self)
        out["vulnerable_road_users"] = tuple(self.vulnerable_road_users)
        return out


def window(end: date, years: int) -> tuple[date, date]:
    """First and last day of the ``years``-year window ending on ``end`` (both included).

    The same window as :func:`dashboard.analysis.blackspots.black_spot_ranking`:
    ``(end − years, end]``.
    """
    first = (pd.Timestamp(end) - pd.DateOffset(years=years) + pd.Timedelta(days=1)).date()
    return first, end


#: A victim's severity as the black-spot score reads it: the label of the class the build
#: gave it (``marts.victims.severity_class``: "Zwaar gewond", "Blessé grave" and
#: "Overleden binnen 30 dagen" are classes too), else the label as exported ("Ongedeerd"
#: scores 0). The score matched only four exact labels, and three victims "Zwaar gewond"
#: (cyclists, 15.3) scored 0 while the page's own totals counted them.
SCORED_SEVERITY = """coalesce(CASE v.severity_class
    WHEN 'killed' THEN 'Gedood binnen 30 dagen'
    WHEN 'seriously_injured' THEN 'Zwaargewond'
    WHEN 'lightly_injured' THEN 'Lichtgewond' END, v.severity)"""


@st.cache_data(show_spinner=False, max_entries=32)
def ranking_inputs(
    version: WarehouseVersion, end: date, years: int = 3
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Located injury accidents of the zone in the window, and their victims.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        Accidents: ``accident_id``, ``x``, ``y`` (Lambert 72), ``date``, ``is_injury``,
        ``street``, ``killed``, ``seriously_injured``, ``lightly_injured``, ``wijk_code``,
        ``outside_zone`` (located just outside the zone's boundary).
        Victims: ``accident_id``, ``severity``, ``road_user``.
    """
    first, last = window(end, years)
    params = {"first": first, "last": last}
    where = (
        "t.source = 'zone' AND t.is_injury AND t.x IS NOT NULL AND t.y IS NOT NULL "
        "AND t.date BETWEEN $first AND $last"
    )
    accidents = query(
        version,
        f"""
        SELECT t.accident_id, t.x, t.y, t.date, t.is_injury, t.street, t.killed,
               t.seriously_injured, t.lightly_injured, t.wijk_code,
               t.location_status = 'buiten_zone' AS outside_zone
        FROM marts.accidents t WHERE {where}
        ORDER BY t.accident_id
        """,
        params,
        max_rows=ANALYSIS_MAX_ROWS,
    )
    victims = query(
        version,
        f"""
        SELECT v.accident_id, {SCORED_SEVERITY} AS severity, v.road_user
        FROM marts.victims v JOIN marts.accidents t ON t.accident_id = v.accident_id
        WHERE {where}
        ORDER BY v.accident_id, v.victim_number
        """,
        params,
        max_rows=ANALYSIS_MAX_ROWS,
    )
    accidents["date"] = pd.to_datetime(accidents["date"])
    return accidents, victims


@st.cache_data(show_spinner=False, max_entries=32)
def _ranked(
    version: WarehouseVersion, end: date, params: BlackSpotParams
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rule's ranking and its members, computed once for :func:`ranking` and
    :func:`location_members` (2.1 s for the 449,714 injury accidents of the 10^7
    benchmark, milliseconds for a zone)."""
    accidents, victims = ranking_inputs(version, end, params.years)
    out, members = rule.black_spot_locations(accidents, victims, end, **params.ranking_kwargs())
    if out.empty:
        # No injury accident in the window (a period before the data): nothing to rank,
        # and an empty member list has no accident_id type to merge on.
        out["wijk_code"] = pd.Series(dtype="object")
        out["outside_zone"] = pd.Series(dtype=bool)
        return out, members
    # The most frequent wijk of each location's accidents (the first in order on a tie, as
    # Series.mode), counted per pair: a mode per location in Python took 0.36 s for the
    # 4,874 locations of 10^6 incidents. Here, beside the accidents already at hand: in
    # ranking() they were read from the cache again (a copy of every injury accident).
    pairs = members.merge(accidents[["accident_id", "wijk_code", "outside_zone"]], on="accident_id")
    wijk = (
        pairs.dropna(subset=["wijk_code"])
        .groupby(["location_id", "wijk_code"], observed=True)
        .size()
        .rename("n")
        .reset_index()
        .sort_values(["location_id", "n", "wijk_code"], ascending=[True, False, True])
        .drop_duplicates("location_id")
        .set_index("location_id")["wijk_code"]
    )
    mapped = out["location_id"].map(wijk)
    out["wijk_code"] = mapped.astype(object).where(mapped.notna(), None)
    # A location whose accidents all lie outside the zone (the zone's own registration,
    # just over its boundary) has no wijk: said as such, not "–" (an audit).
    outside = pairs.groupby("location_id")["outside_zone"].all()
    out["outside_zone"] = out["location_id"].map(outside).fillna(False).astype(bool)
    return out, members


#: The wijk of a ranked location whose accidents all lie outside the zone.
OUTSIDE_ZONE_LABEL = "buiten de zone"


def wijk_labels(ranked: pd.DataFrame, names: dict[str, str]) -> pd.Series:
    """The wijk of each location of :func:`ranking` as a table shows it: its name, or
    "buiten de zone" (:data:`OUTSIDE_ZONE_LABEL`), or "–" (in the zone, in no wijk)."""
    outside = (
        ranked["outside_zone"].astype(bool)
        if "outside_zone" in ranked.columns
        else pd.Series(False, index=ranked.index)
    )
    return pd.Series(
        [
            names.get(c, c) if isinstance(c, str) and c else OUTSIDE_ZONE_LABEL if out else "–"
            for c, out in zip(ranked["wijk_code"], outside, strict=True)
        ],
        index=ranked.index,
        dtype=object,
    )


@st.cache_data(show_spinner=False, max_entries=32)
def ranking(
    version: WarehouseVersion, end: date, params: BlackSpotParams = BlackSpotParams()
) -> pd.DataFrame:
    """Every location with injury accidents in the window, ranked by priority score.

    Parameters
    ----------
    end : date
        Last day of the window.
    params : BlackSpotParams
        The rule's parameters.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`dashboard.analysis.blackspots.black_spot_ranking`, plus
        ``rang`` (1 = highest score), ``wijk_code`` (the wijk most of its accidents
        lie in) and ``outside_zone`` (all of them lie outside the zone: no wijk).
    """
    out, _ = _ranked(version, end, params)
    out.insert(0, "rang", np.arange(1, len(out) + 1))
    return out


def location_members(
    version: WarehouseVersion, end: date, params: BlackSpotParams = BlackSpotParams()
) -> pd.DataFrame:
    """Which accident belongs to which ranked location.

    :func:`~dashboard.analysis.blackspots.black_spot_ranking` returns locations, not their
    accidents; these are the accidents each location was scored on, from the same
    clustering.

    Returns
    -------
    pandas.DataFrame
        ``accident_id``, ``location_id`` (as in :func:`ranking`).
    """
    return _ranked(version, end, params)[1]


@st.cache_data(show_spinner=False, max_entries=256)
def location_accidents(version: WarehouseVersion, accident_ids: tuple[str, ...]) -> pd.DataFrame:
    """The accidents of one location, newest first.

    Returns
    -------
    pandas.DataFrame
        ``accident_id``, ``occurred_at``, ``date``, ``street``, ``house_number``,
        ``severity``, ``road_user_1``, ``road_user_2``, ``light``, ``weather``,
        ``crossroads``, ``killed``, ``seriously_injured``, ``lightly_injured``, ``x``,
        ``y``, ``lat``, ``lon``, ``wijk_code``.
    """
    return query(
        version,
        """
        SELECT t.accident_id, t.occurred_at, t.date, t.street, t.house_number, t.severity,
               t.road_user_1, t.road_user_2, t.light, t.weather, t.crossroads,
               t.killed, t.seriously_injured, t.lightly_injured,
               t.x, t.y, t.lat, t.lon, t.wijk_code
        FROM marts.accidents t
        WHERE t.source = 'zone' AND t.accident_id IN (SELECT unnest($ids::VARCHAR[]))
        ORDER BY t.occurred_at DESC, t.accident_id
        LIMIT 1000
        """,
        {"ids": list(accident_ids)},
    )


@st.cache_data(show_spinner=False, max_entries=256)
def location_victims(version: WarehouseVersion, accident_ids: tuple[str, ...]) -> pd.DataFrame:
    """The victims of a location's accidents.

    Returns
    -------
    pandas.DataFrame
        ``accident_id``, ``victim_number``, ``date``, ``severity``, ``road_user``,
        ``is_vulnerable``, ``age_group``.
    """
    return query(
        version,
        f"""
        SELECT v.accident_id, v.victim_number, v.date, {SCORED_SEVERITY} AS severity,
               v.road_user, v.is_vulnerable, v.age_group
        FROM marts.victims v
        WHERE v.accident_id IN (SELECT unnest($ids::VARCHAR[]))
        ORDER BY v.date DESC, v.accident_id, v.victim_number
        LIMIT 5000
        """,
        {"ids": list(accident_ids)},
    )


@st.cache_data(show_spinner=False, max_entries=64)
def controls_for_analysis(version: WarehouseVersion, start: date, end: date) -> pd.DataFrame:
    """Located traffic controls that started in the period (input of the enforcement check).

    Returns
    -------
    pandas.DataFrame
        ``control_id``, ``control_type``, ``x``, ``y``, ``started_at``, ``hours``.
    """
    return query(
        version,
        """
        SELECT t.control_id, t.control_type, t.x, t.y, t.started_at, t.hours
        FROM marts.controls t
        WHERE t.date BETWEEN $start::DATE AND $end::DATE AND t.x IS NOT NULL AND t.y IS NOT NULL
        ORDER BY t.started_at
        """,
        {"start": start, "end": end},
        max_rows=ANALYSIS_MAX_ROWS,
    )


@st.cache_data(show_spinner=False, max_entries=256)
def unlocated_controls(version: WarehouseVersion, start: date, end: date) -> pd.DataFrame:
    """Traffic controls that started in the period without a location, per type: the
    enforcement check cannot place them, and says how many it leaves out.

    Returns
    -------
    pandas.DataFrame
        ``control_type``, ``n``, ``hours`` (hours unknown count 0).
    """
    return query(
        version,
        """
        SELECT t.control_type, count(*) AS n, coalesce(sum(greatest(t.hours, 0)), 0) AS hours
        FROM marts.controls t
        WHERE t.date BETWEEN $start::DATE AND $end::DATE AND (t.x IS NULL OR t.y IS NULL)
        GROUP BY ALL ORDER BY 1 LIMIT 1000
        """,
        {"start": start, "end": end},
    )


@st.cache_data(show_spinner=False, max_entries=64)
def wijk_outlines_31370(version: WarehouseVersion) -> pd.DataFrame:
    """Wijk geometries in Lambert 72 (WKT), for static map images.

    Returns
    -------
    pandas.DataFrame
        ``code``, ``name``, ``wkt``.
    """
    return query(
        version,
        "SELECT code, name, geom_wkt_31370 AS wkt FROM marts.districts WHERE layer = 'wijk' "
        "ORDER BY code LIMIT 2000",
    )
