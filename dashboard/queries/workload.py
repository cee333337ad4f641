"""Wijk tasks: open, overdue and closed work per wijk and per inspector (``marts.tasks``).

``is_open`` and ``is_overdue`` describe the state at the tasks' reference date (the latest
date in the task exports, :func:`reference_date`), not at the end of the chosen period:
"open now" is what the wijkcoördinator steers on. The period only selects what was
received and what was closed.
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import streamlit as st

from dashboard.queries._db import WarehouseVersion, query

# The threshold the workload page reads (one reader for every page: etl.config).
from etl.config import (
    FINISHED_TASK_STATUSES,
    small_count_threshold,  # noqa: F401
)

_MEASURES = """
    count(*) FILTER (WHERE t.is_open) AS open,
    count(*) FILTER (WHERE t.is_overdue) AS over_termijn,
    count(*) FILTER (WHERE t.to_review) AS te_controleren,
    count(*) FILTER (WHERE CAST(t.received_at AS DATE) BETWEEN $start AND $end) AS ontvangen,
    count(*) FILTER (WHERE CAST(t.closed_at AS DATE) BETWEEN $start AND $end) AS afgewerkt,
    median(t.lead_days) FILTER (WHERE CAST(t.closed_at AS DATE) BETWEEN $start AND $end
                                  AND t.lead_days >= 0)
        AS mediaan_doorlooptijd_dagen
"""
# A task closed before it was received (``lead_days < 0``, flagged ``dates_inconsistent``)
# counts as closed but stays out of the median lead time: a negative duration would pull
# the median down. The same rule as :func:`dashboard.analysis.workload.lead_time_stats`,
# so the tables of the workload page agree.
_WIJK_FILTER = "(len($wijken::VARCHAR[]) = 0 OR list_contains($wijken::VARCHAR[], t.wijk_code))"
#: The tasks that matter for a window: received or closed in it, or open at its end. "Closed
#: in it" includes a task closed in the window but received after it (closed before it was
#: received, an inconsistent record): :func:`task_status_per_wijk` counts it as closed.
_WINDOW = """
    ((CAST(t.received_at AS DATE) <= $end
      AND (CAST(t.received_at AS DATE) >= $start OR t.closed_at IS NULL
           OR CAST(t.closed_at AS DATE) >= $start))
     OR CAST(t.closed_at AS DATE) BETWEEN $start AND $end)
"""


@st.cache_data(show_spinner=False, max_entries=256)
def task_status_per_wijk(
    version: WarehouseVersion, start: date, end: date, wijken: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Task counts per wijk.

    Returns
    -------
    pandas.DataFrame
        ``wijk_code``, ``wijk``, ``wijkinspecteur`` (of the wijk, from the districts),
        ``open``, ``over_termijn``, ``te_controleren`` (now), ``ontvangen``, ``afgewerkt``
        and ``mediaan_doorlooptijd_dagen`` (in the period). Every wijk appears, also
        without tasks; without a wijk filter, the tasks of no wijk of the zone (none, or a
        code no boundary draws: the ones most easily forgotten) in a last row "Zonder wijk"
        (``wijk_code`` empty), so the totals are those of all tasks.

    Notes
    -----
    ``afgewerkt`` counts every task closed in the period; the median lead time leaves out
    tasks closed before they were received (inconsistent dates, listed by the quality
    control instead).
    """
    return query(
        version,
        f"""
        SELECT * FROM (
            SELECT w.code AS wijk_code, w.name AS wijk, w.inspector AS wijkinspecteur, {_MEASURES}
            FROM marts.districts w
            LEFT JOIN marts.tasks t ON t.wijk_code = w.code
            WHERE w.layer = 'wijk'
              AND (len($wijken::VARCHAR[]) = 0 OR list_contains($wijken::VARCHAR[], w.code))
            GROUP BY ALL
            UNION ALL
            SELECT NULL, 'Zonder wijk', NULL, {_MEASURES}
            FROM marts.tasks t
            WHERE len($wijken::VARCHAR[]) = 0
              AND (t.wijk_code IS NULL OR t.wijk_code NOT IN (
                  SELECT code FROM marts.districts WHERE layer = 'wijk' AND code IS NOT NULL))
            HAVING count(*) > 0
        )
        ORDER BY wijk_code NULLS LAST
        LIMIT 2000
        """,
        {"start": start, "end": end, "wijken": list(wijken)},
    )


@st.cache_data(show_spinner=False, max_entries=256)
def task_status_per_inspector(
    version: WarehouseVersion, start: date, end: date, wijken: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Task counts per inspector named on the task (who actually holds the work).

    Returns
    -------
    pandas.DataFrame
        ``inspecteur`` plus the count columns of :func:`task_status_per_wijk`.
    """
    return query(
        version,
        f"""
        SELECT coalesce(t.inspector, 'Niet toegewezen') AS inspecteur, {_MEASURES}
        FROM marts.tasks t
        WHERE {_WIJK_FILTER}
        GROUP BY ALL
        ORDER BY open DESC, inspecteur
        LIMIT 2000
        """,
        {"start": start, "end": end, "wijken": list(wijken)},
    )


@st.cache_data(show_spinner=False, max_entries=256)
def task_status_per_type(
    version: WarehouseVersion, start: date, end: date, wijken: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Task counts per task type: ``type_taak`` plus the count columns."""
    return query(
        version,
        f"""
        SELECT t.task_type AS type_taak, {_MEASURES}
        FROM marts.tasks t
        WHERE {_WIJK_FILTER}
        GROUP BY ALL
        ORDER BY open DESC, type_taak
        LIMIT 500
        """,
        {"start": start, "end": end, "wijken": list(wijken)},
    )


@st.cache_data(show_spinner=False, max_entries=256)
def overdue_tasks(
    version: WarehouseVersion, wijken: tuple[str, ...] = (), limit: int = 200
) -> pd.DataFrame:
    """Open tasks past their deadline, longest overdue first.

    Returns
    -------
    pandas.DataFrame
        ``taaknummer``, ``type_taak``, ``wijk``, ``inspecteur``, ``ontvangen``,
        ``termijn``, ``dagen_over_termijn`` (against ``marts.build_info.tasks_reference_date``,
        the date ``is_overdue`` was judged on),
        ``referentie``; at most ``limit`` rows.
    """
    return query(
        version,
        f"""
        SELECT t.task_id AS taaknummer, t.task_type AS type_taak,
               coalesce(w.name, t.wijk_code) AS wijk, t.inspector AS inspecteur,
               CAST(t.received_at AS DATE) AS ontvangen, CAST(t.due_at AS DATE) AS termijn,
               date_diff('day', CAST(t.due_at AS DATE), ref.d) AS dagen_over_termijn,
               t.reference AS referentie
        FROM marts.tasks t
        LEFT JOIN marts.districts w ON w.layer = 'wijk' AND w.code = t.wijk_code
        CROSS JOIN (SELECT max(tasks_reference_date) AS d FROM marts.build_info) ref
        WHERE t.is_overdue AND {_WIJK_FILTER}
        ORDER BY t.due_at, t.task_id
        LIMIT $limit
        """,
        {"wijken": list(wijken), "limit": int(limit)},
    )


# -- workload index, follow-up, review queue, sub-areas (issue 6) -------------------------

#: Columns the pure analysis functions (:mod:`dashboard.analysis.workload`,
#: :mod:`dashboard.analysis.quality`) read from a task row.
_TASK_COLUMNS = """
    t.task_id, t.task_type, t.received_at, t.due_at, t.closed_at, t.status,
    t.inspector, t.wijk_code, t.location_status, t.street, t.house_number, t.reference
"""


#: Task types reviewed when the zone flags none: kantschriften and PV follow-ups. "PV" as a
#: word (``PV-opvolging``, ``Opvolging PV``) or written out: as a bare substring it also
#: matched inside "o*pv*olging" (``Wijkopvolging``).
_REVIEWED_BY_DEFAULT = re.compile(r"kantschrift|\bpv\b|proces[- ]?verba", re.IGNORECASE)


@st.cache_data(show_spinner=False, max_entries=8)
def task_types_config() -> pd.DataFrame:
    """The zone's task types with deadline, workload weight and review flag (zone.toml).

    Returns
    -------
    pandas.DataFrame
        ``type_taak``, ``termijn_dagen``, ``gewicht``, ``nazicht`` (bool: finished tasks of
        this type go to the coordinator's quality-control queue). When no type sets
        ``review``, kantschriften and PV-opvolging are reviewed (the usual practice).
    """
    from etl.config import load_zone

    types = load_zone().get("task_types", [])
    flagged = any("review" in t for t in types)
    rows = []
    for t in types:
        name = str(t.get("name", ""))
        default = bool(_REVIEWED_BY_DEFAULT.search(name))
        rows.append(
            {
                "type_taak": name,
                "termijn_dagen": int(t.get("deadline_days", 0) or 0),
                "gewicht": float(t.get("weight", 1.0)),
                "nazicht": bool(t.get("review", False)) if flagged else default,
            }
        )
    return pd.DataFrame(rows, columns=["type_taak", "termijn_dagen", "gewicht", "nazicht"])


@st.cache_data(show_spinner=False, max_entries=128)
def task_counts_for_period(version: WarehouseVersion, start: date, end: date) -> pd.DataFrame:
    """The window's tasks counted per inspector, wijk and type, for the workload index.

    The same counts as :func:`dashboard.analysis.workload.task_status_flags` on the
    window's task rows (``_WINDOW``), counted in the warehouse: a year of tasks is a few hundred
    groups at any size (the 10^7 benchmark's 7.5 million tasks of a year were more rows
    than a page may fetch, and the page refused its index). Open and overdue are judged at
    ``end``: received by then, not closed by then, and not marked finished without a
    closing date; overdue when the deadline lies before ``end``.

    Returns
    -------
    pandas.DataFrame
        ``inspector``, ``wijk_code``, ``task_type`` (as on the tasks, untrimmed, missing as
        missing), ``tasks`` (the window's tasks of the group), ``received``, ``closed``,
        ``open``, ``overdue``: the input :func:`~dashboard.analysis.workload.workload_index`
        takes as counts.
    """
    finished = ", ".join(f"'{s}'" for s in FINISHED_TASK_STATUSES)
    return query(
        version,
        f"""
        WITH d AS (
            SELECT CAST(t.inspector AS VARCHAR) AS inspector,
                   CAST(t.wijk_code AS VARCHAR) AS wijk_code,
                   CAST(t.task_type AS VARCHAR) AS task_type,
                   CAST(t.received_at AS DATE) AS received,
                   CAST(t.closed_at AS DATE) AS closed,
                   CAST(t.due_at AS DATE) AS due,
                   -- Marked finished without a closing date: not open (as marts.tasks).
                   coalesce(lower(trim(CAST(t.status AS VARCHAR))) IN ({finished}), false)
                       AND t.closed_at IS NULL AS finished_undated
            FROM marts.tasks t
            WHERE {_WINDOW}
        ), f AS (
            SELECT *, coalesce(received <= $end AND (closed IS NULL OR closed > $end), false)
                      AND NOT finished_undated AS open_at_end
            FROM d
        )
        SELECT inspector, wijk_code, task_type,
               count(*) AS tasks,
               count(*) FILTER (WHERE received BETWEEN $start AND $end) AS received,
               count(*) FILTER (WHERE closed BETWEEN $start AND $end) AS closed,
               count(*) FILTER (WHERE open_at_end) AS open,
               count(*) FILTER (WHERE open_at_end AND due < $end) AS overdue
        FROM f
        GROUP BY ALL
        ORDER BY ALL
        """,
        {"start": start, "end": end},
    )


@st.cache_data(show_spinner=False, max_entries=128)
def lead_times_for_period(
    version: WarehouseVersion, start: date, end: date, wijken: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Lead time and lateness per inspector of the tasks closed in a period.

    What :func:`dashboard.analysis.workload.lead_time_stats` computes per inspector on the
    tasks closed in the period, computed in the warehouse (the page's window may hold more
    tasks than it may fetch): durations in whole days between the days of receipt,
    deadline and closing; medians and 90th percentiles interpolated as pandas does
    (``quantile_cont``). A task closed before it was received counts in
    ``n_dates_inconsistent`` only; one without a date of receipt not at all.

    Returns
    -------
    pandas.DataFrame
        ``inspector``, ``n_closed``, ``lead_days_median``, ``lead_days_p90``,
        ``days_vs_due_median``, ``days_vs_due_p90``, ``n_late``, ``share_late``,
        ``n_dates_inconsistent``; one row per inspector (missing: one row), by name.
    """
    return query(
        version,
        f"""
        WITH d AS (
            SELECT CAST(t.inspector AS VARCHAR) AS inspector,
                   date_diff('day', CAST(t.received_at AS DATE), CAST(t.closed_at AS DATE))
                       AS lead,
                   date_diff('day', CAST(t.due_at AS DATE), CAST(t.closed_at AS DATE))
                       AS vs_due
            FROM marts.tasks t
            WHERE CAST(t.closed_at AS DATE) BETWEEN $start AND $end
              AND t.received_at IS NOT NULL
              AND {_WIJK_FILTER}
        ), c AS (
            SELECT *, lead < 0 AS inconsistent FROM d
        )
        SELECT inspector,
               count(*) FILTER (WHERE NOT inconsistent) AS n_closed,
               median(lead) FILTER (WHERE NOT inconsistent) AS lead_days_median,
               quantile_cont(lead, 0.9) FILTER (WHERE NOT inconsistent) AS lead_days_p90,
               median(vs_due) FILTER (WHERE NOT inconsistent) AS days_vs_due_median,
               quantile_cont(vs_due, 0.9) FILTER (WHERE NOT inconsistent) AS days_vs_due_p90,
               count(*) FILTER (WHERE NOT inconsistent AND vs_due > 0) AS n_late,
               count(*) FILTER (WHERE NOT inconsistent AND vs_due > 0)
                   / nullif(count(vs_due) FILTER (WHERE NOT inconsistent), 0) AS share_late,
               count(*) FILTER (WHERE inconsistent) AS n_dates_inconsistent
        FROM c
        GROUP BY ALL
        ORDER BY inspector NULLS LAST
        """,
        {"start": start, "end": end, "wijken": list(wijken)},
    )


@st.cache_data(show_spinner=False, max_entries=128)
def monthly_task_trend(
    version: WarehouseVersion, start: date, end: date, wijken: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Tasks received and closed per month and inspector.

    Returns
    -------
    pandas.DataFrame
        ``maand`` (first day, DATE), ``inspecteur``, ``ontvangen``, ``afgewerkt``.
    """
    return query(
        version,
        f"""
        WITH ev AS (
            SELECT date_trunc('month', CAST(t.received_at AS DATE)) AS maand,
                   coalesce(t.inspector, 'Niet toegewezen') AS inspecteur,
                   1 AS ontvangen, 0 AS afgewerkt
            FROM marts.tasks t
            WHERE CAST(t.received_at AS DATE) BETWEEN $start AND $end AND {_WIJK_FILTER}
            UNION ALL
            SELECT date_trunc('month', CAST(t.closed_at AS DATE)),
                   coalesce(t.inspector, 'Niet toegewezen'), 0, 1
            FROM marts.tasks t
            WHERE CAST(t.closed_at AS DATE) BETWEEN $start AND $end AND {_WIJK_FILTER}
        )
        SELECT CAST(maand AS DATE) AS maand, inspecteur,
               CAST(sum(ontvangen) AS BIGINT) AS ontvangen,
               CAST(sum(afgewerkt) AS BIGINT) AS afgewerkt
        FROM ev GROUP BY ALL ORDER BY maand, inspecteur
        LIMIT 20000
        """,
        {"start": start, "end": end, "wijken": list(wijken)},
    )


@st.cache_data(show_spinner=False, max_entries=64)
def task_filter_options(version: WarehouseVersion) -> dict[str, list[str]]:
    """Distinct inspectors and task types in the task mart (for the follow-up filters)."""
    frame = query(
        version,
        "SELECT 'inspecteur' AS k, inspector AS v FROM marts.tasks WHERE inspector IS NOT NULL "
        "UNION SELECT 'type', task_type FROM marts.tasks WHERE task_type IS NOT NULL "
        "ORDER BY 1, 2 LIMIT 5000",
    )
    return {
        "inspecteurs": frame.loc[frame["k"] == "inspecteur", "v"].tolist(),
        "types": frame.loc[frame["k"] == "type", "v"].tolist(),
    }


@st.cache_data(show_spinner=False, max_entries=256)
def open_tasks(
    version: WarehouseVersion,
    wijken: tuple[str, ...] = (),
    inspectors: tuple[str, ...] = (),
    task_types: tuple[str, ...] = (),
    overdue_only: bool = False,
    limit: int | None = None,
) -> pd.DataFrame:
    """Open tasks for the planning meeting: overdue first, then by deadline.

    Parameters
    ----------
    wijken, inspectors, task_types : tuple of str
        Filters; empty means all.
    overdue_only : bool
        Only tasks past their deadline (as judged on the build's reference date).
    limit : int, optional
        Most rows returned; None (default) returns every open task: the planning
        meeting's download must hold them all (a limit of 1,000 dropped the rest of a
        zone's 1,268 without a word; an audit).

    Returns
    -------
    pandas.DataFrame
        ``taaknummer``, ``inspecteur``, ``wijk``, ``type_taak``, ``ontvangen`` (DATE),
        ``termijn`` (DATE), ``dagen_over_termijn`` (negative: days left), ``over_termijn``
        (bool), ``status``, ``adres``, ``referentie``.
    """
    return query(
        version,
        f"""
        SELECT t.task_id AS taaknummer, coalesce(t.inspector, 'Niet toegewezen') AS inspecteur,
               coalesce(w.name, t.wijk_code) AS wijk, t.task_type AS type_taak,
               CAST(t.received_at AS DATE) AS ontvangen, CAST(t.due_at AS DATE) AS termijn,
               date_diff('day', CAST(t.due_at AS DATE), ref.d) AS dagen_over_termijn,
               coalesce(t.is_overdue, false) AS over_termijn, t.status,
               nullif(trim(concat_ws(' ', t.street, t.house_number)), '') AS adres,
               t.reference AS referentie
        FROM marts.tasks t
        LEFT JOIN marts.districts w ON w.layer = 'wijk' AND w.code = t.wijk_code
        CROSS JOIN (SELECT max(tasks_reference_date) AS d FROM marts.build_info) ref
        WHERE t.is_open AND {_WIJK_FILTER}
          AND (len($inspectors::VARCHAR[]) = 0
               OR list_contains($inspectors::VARCHAR[], coalesce(t.inspector, 'Niet toegewezen')))
          AND (len($types::VARCHAR[]) = 0 OR list_contains($types::VARCHAR[], t.task_type))
          AND (NOT $overdue_only OR coalesce(t.is_overdue, false))
        ORDER BY over_termijn DESC, t.due_at NULLS LAST, t.task_id
        {"LIMIT $limit" if limit is not None else ""}
        """,
        {
            "wijken": list(wijken),
            "inspectors": list(inspectors),
            "types": list(task_types),
            "overdue_only": bool(overdue_only),
            **({"limit": int(limit)} if limit is not None else {}),
        },
    )


@st.cache_data(show_spinner=False, max_entries=128)
def review_candidates(
    version: WarehouseVersion,
    review_types: tuple[str, ...],
    closed_since: date,
    wijken: tuple[str, ...] = (),
    limit: int = 5000,
) -> pd.DataFrame:
    """Finished tasks that may wait for the coordinator's review.

    Every task with status "Te controleren"; finished tasks of the ``review_types``
    (kantschriften, PV-opvolging) closed on or after ``closed_since``; and finished tasks
    of *any* type with inconsistent dates (``dates_inconsistent``: closed or due before
    received) closed or received on or after ``closed_since``, so that the quality
    control shows them with the finding "Inconsistente data" (the workload page sends the
    coordinator there for them); and finished tasks of any type without a closing date
    received on or after ``closed_since`` (finding "Inconsistente data": "Status is
    afgewerkt maar de afsluitdatum ontbreekt"). Which of them still wait is decided against the review
    store by :func:`dashboard.analysis.quality.review_queue`.

    Returns
    -------
    pandas.DataFrame
        The task columns (``_TASK_COLUMNS``) plus ``wijk`` (name); oldest closing
        date first.
    """
    return query(
        version,
        f"""
        SELECT {_TASK_COLUMNS}, coalesce(w.name, t.wijk_code) AS wijk
        FROM marts.tasks t
        LEFT JOIN marts.districts w ON w.layer = 'wijk' AND w.code = t.wijk_code
        WHERE (t.to_review
               OR (list_contains($types::VARCHAR[], t.task_type) AND NOT coalesce(t.is_open, false)
                   AND (CAST(t.closed_at AS DATE) >= $since
                        OR (t.closed_at IS NULL AND CAST(t.received_at AS DATE) >= $since)))
               OR (coalesce(t.dates_inconsistent, false) AND NOT coalesce(t.is_open, false)
                   AND (CAST(t.closed_at AS DATE) >= $since
                        OR CAST(t.received_at AS DATE) >= $since))
               -- Finished without a closing date, of any type: the workload page promises
               -- the quality control names it ("de afsluitdatum ontbreekt"; an audit found
               -- 8 of the demo's 10 missing from the queue).
               OR (NOT coalesce(t.is_open, true) AND t.closed_at IS NULL
                   AND CAST(t.received_at AS DATE) >= $since))
          AND {_WIJK_FILTER}
        ORDER BY t.closed_at NULLS LAST, t.task_id
        LIMIT $limit
        """,
        {
            "types": list(review_types),
            "since": closed_since,
            "wijken": list(wijken),
            "limit": int(limit),
        },
    )


@st.cache_data(show_spinner=False, max_entries=64)
def tasks_by_id(
    version: WarehouseVersion, task_ids: tuple[str, ...], wijken: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Task rows for given task numbers (e.g. the ones with a review decision).

    Parameters
    ----------
    wijken : tuple of str
        Only tasks of these wijken; empty means all.

    Returns
    -------
    pandas.DataFrame
        The task columns (``_TASK_COLUMNS``); unknown numbers (and, with ``wijken``,
        tasks of other wijken) are simply absent.
    """
    if not task_ids:
        return query(version, f"SELECT {_TASK_COLUMNS} FROM marts.tasks t LIMIT 0")
    return query(
        version,
        f"SELECT {_TASK_COLUMNS} FROM marts.tasks t "
        f"WHERE t.task_id IN (SELECT unnest($ids::VARCHAR[])) AND {_WIJK_FILTER} "
        "ORDER BY t.task_id LIMIT 45000",
        {"ids": list(task_ids), "wijken": list(wijken)},
    )


@st.cache_data(show_spinner=False, max_entries=16)
def reference_date(version: WarehouseVersion) -> date | None:
    """The date the build judged "open" and "overdue" on: the latest date in the task
    exports (``marts.build_info.tasks_reference_date``), which may lie before the other
    exports' when the task export is older."""
    frame = query(version, "SELECT max(tasks_reference_date) AS d FROM marts.build_info")
    value = frame.iat[0, 0] if len(frame) else None
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


@st.cache_data(show_spinner=False, max_entries=16)
def has_sector_layer(version: WarehouseVersion) -> bool:
    """Whether the warehouse holds statistical sectors (``marts.districts`` layer 'sector')."""
    frame = query(
        version, "SELECT count(*) AS n FROM marts.districts WHERE layer = 'sector' LIMIT 1"
    )
    return bool(frame.iat[0, 0])


@st.cache_data(show_spinner=False, max_entries=16)
def sector_units(
    version: WarehouseVersion,
    start: date,
    end: date,
    weights: tuple[tuple[str, float], ...] = (),
    default_weight: float = 1.0,
) -> pd.DataFrame:
    """Statistical sectors as units for the what-if and the optimiser, with their workload.

    Parameters
    ----------
    start, end : date
        The index window (both inclusive): tasks received in it count.
    weights : tuple of (str, float)
        Weight per task type (``[[task_types]]`` of ``zone.toml``), as pairs so the cache
        can key on them.
    default_weight : float
        Weight of a task type missing from ``weights`` (as in
        :func:`dashboard.analysis.workload.workload_index`).

    Returns
    -------
    pandas.DataFrame
        ``code``, ``name``, ``wijk_code`` (parent), ``nis_code`` (municipality),
        ``population`` (NaN when unknown), ``area_km2``, ``x``, ``y`` (Lambert 72 centroid,
        for choosing anchor units), ``geojson`` (display shape, WGS84),
        ``tasks_located`` (tasks received in the window whose location falls in the
        sector) and ``load_located`` (the sum of their type weights).

    Notes
    -----
    The load of a sector is the work *located there*, whichever wijk the tasks were
    booked on: that is what moves along when the sector changes wijk.
    """
    # One weight per type (the last one wins, as in a dict): a repeated type would
    # otherwise count its tasks twice in the join below.
    by_type = {str(name): float(weight) for name, weight in weights}
    types, values = list(by_type), list(by_type.values())
    return query(
        version,
        """
        WITH s AS (
            SELECT code, name, parent_code AS wijk_code, nis_code, population, area_km2,
                   geojson, ST_GeomFromText(geom_wkt_31370) AS g
            FROM marts.districts WHERE layer = 'sector'
        ),
        w AS (
            SELECT unnest($types::VARCHAR[]) AS task_type,
                   unnest($weights::DOUBLE[]) AS weight
        ),
        -- Tasks gather at a few thousand addresses: each place and type is placed in its
        -- sector once (a year's 7.5 million tasks took 5 s one by one, at 10^7).
        places AS (
            SELECT t.x, t.y, t.task_type, count(*) AS n
            FROM marts.tasks t
            WHERE t.location_status = 'ok' AND t.x IS NOT NULL
              AND CAST(t.received_at AS DATE) BETWEEN $start AND $end
            GROUP BY ALL
        ),
        located AS (
            SELECT s.code, sum(p.n) AS n, sum(p.n * coalesce(w.weight, $default)) AS load
            FROM places p
            JOIN s ON ST_Contains(s.g, ST_Point(p.x, p.y))
            LEFT JOIN w ON w.task_type = CAST(p.task_type AS VARCHAR)
            GROUP BY ALL
        )
        SELECT s.code, s.name, s.wijk_code, s.nis_code, s.population, s.area_km2,
               ST_X(ST_Centroid(s.g)) AS x, ST_Y(ST_Centroid(s.g)) AS y, s.geojson,
               CAST(coalesce(l.n, 0) AS BIGINT) AS tasks_located,
               CAST(coalesce(l.load, 0) AS DOUBLE) AS load_located
        FROM s LEFT JOIN located l USING (code)
        ORDER BY s.code
        LIMIT 5000
        """,
        {
            "start": start,
            "end": end,
            "types": types,
            "weights": values,
            "default": float(default_weight),
        },
    )


@st.cache_data(show_spinner=False, max_entries=16)
def sector_adjacency(version: WarehouseVersion, min_shared_m: float = 5.0) -> pd.DataFrame:
    """Pairs of sectors sharing a border of at least ``min_shared_m`` metres.

    Touching in a single corner does not count: a wijk joined only through a corner point
    is not one piece for the inspector walking it. The shared length is measured as the
    overlap of both shapes grown by 1 m, halved: exact boundary intersections miss borders
    whose vertices differ by rounding (two files, two simplifications).

    Returns
    -------
    pandas.DataFrame
        ``a``, ``b`` (sector codes, ``a < b``).
    """
    return query(
        version,
        """
        WITH s AS (
            SELECT code, ST_GeomFromText(geom_wkt_31370) AS g
            FROM marts.districts WHERE layer = 'sector' AND geom_wkt_31370 IS NOT NULL
        ),
        grown AS (SELECT code, g, ST_Buffer(g, 1.0) AS b FROM s)
        SELECT a.code AS a, b.code AS b
        FROM grown a JOIN grown b ON a.code < b.code AND ST_DWithin(a.g, b.g, 1.0)
        WHERE ST_Area(ST_Intersection(a.b, b.b)) / 2 >= $min_m
        ORDER BY 1, 2
        LIMIT 45000
        """,
        {"min_m": float(min_shared_m)},
    )


@st.cache_data(show_spinner=False, max_entries=64)
def absences_per_inspector(version: WarehouseVersion, start: date, end: date) -> pd.DataFrame:
    """Days absent per inspector within a period (``marts.absences``, when the zone has it).

    Overlapping absences of one inspector are counted once per calendar day.

    Returns
    -------
    pandas.DataFrame
        ``inspector``, ``days_absent``, ``days_in_period``, ``reasons`` (e.g.
        "Verlof, Ziekte"), ``open_ended`` (an absence "until further notice" runs through
        the period's end). Empty when the warehouse has no absences mart.
    """
    from dashboard.queries._db import table_exists

    if not table_exists(version, "marts.absences"):
        return pd.DataFrame(
            columns=["inspector", "days_absent", "days_in_period", "reasons", "open_ended"]
        )
    return query(
        version,
        """
        WITH days AS (
            SELECT a.inspector, a.reason, a.open_ended,
                   unnest(generate_series(greatest(a.start_date, $start),
                                          least(a.end_date, $end), INTERVAL 1 DAY)) AS d
            FROM marts.absences a
            WHERE a.start_date <= $end AND a.end_date >= $start
        )
        SELECT inspector, count(DISTINCT d) AS days_absent,
               date_diff('day', $start, $end) + 1 AS days_in_period,
               string_agg(DISTINCT reason, ', ' ORDER BY reason) AS reasons,
               bool_or(open_ended) AS open_ended
        FROM days GROUP BY inspector ORDER BY inspector
        LIMIT 5000
        """,
        {"start": start, "end": end},
    )


@st.cache_data(show_spinner=False, max_entries=64)
def tasks_during_absence(version: WarehouseVersion, start: date, end: date) -> pd.DataFrame:
    """Per inspector, the tasks of the period received and closed on a day the same
    inspector was absent (``marts.absences``, both days inclusive).

    The index per available day counts every task an inspector received; a task closed
    while the inspector was away was finished by someone else, so that inspector's index
    may lie too high (an audit: 64 of one inspector's 230 closures fell on days away, and
    the page called him the most overloaded).

    Returns
    -------
    pandas.DataFrame
        ``inspector``, ``received_absent``, ``closed_absent``; only inspectors with one or
        more; empty when the warehouse has no absences mart.
    """
    from dashboard.queries._db import table_exists

    if not table_exists(version, "marts.absences"):
        return pd.DataFrame(columns=["inspector", "received_absent", "closed_absent"])
    return query(
        version,
        """
        WITH away AS (
            SELECT DISTINCT inspector, unnest(generate_series(greatest(start_date, $start),
                least(end_date, $end), INTERVAL 1 DAY))::DATE AS d
            FROM marts.absences WHERE start_date <= $end AND end_date >= $start
        ),
        t AS (
            SELECT CAST(inspector AS VARCHAR) AS inspector, CAST(received_at AS DATE) AS received,
                   CAST(closed_at AS DATE) AS closed
            FROM marts.tasks
            WHERE inspector IS NOT NULL
              AND (CAST(received_at AS DATE) BETWEEN $start AND $end
                   OR CAST(closed_at AS DATE) BETWEEN $start AND $end)
        )
        SELECT t.inspector,
               count(*) FILTER (WHERE t.received BETWEEN $start AND $end AND EXISTS (
                   SELECT 1 FROM away a WHERE a.inspector = t.inspector AND a.d = t.received)
               ) AS received_absent,
               count(*) FILTER (WHERE t.closed BETWEEN $start AND $end AND EXISTS (
                   SELECT 1 FROM away a WHERE a.inspector = t.inspector AND a.d = t.closed)
               ) AS closed_absent
        FROM t GROUP BY t.inspector
        HAVING received_absent > 0 OR closed_absent > 0
        ORDER BY t.inspector
        """,
        {"start": start, "end": end},
    )


@st.cache_data(show_spinner=False, max_entries=16)
def absences_first_day(version: WarehouseVersion) -> date | None:
    """The first day the zone's absence list covers (its earliest absence), or ``None``.

    Before it, the list says nothing about who was absent: a window there is not "nobody
    absent".
    """
    from dashboard.queries._db import table_exists

    if not table_exists(version, "marts.absences"):
        return None
    value = query(version, "SELECT min(start_date) FROM marts.absences").iat[0, 0]
    return None if pd.isna(value) else pd.Timestamp(value).date()


@st.cache_data(show_spinner=False, max_entries=16)
def has_absences(version: WarehouseVersion) -> bool:
    """Whether the warehouse holds the zone's absences (``marts.absences`` with rows)."""
    from dashboard.queries._db import table_exists

    if not table_exists(version, "marts.absences"):
        return False
    return bool(query(version, "SELECT count(*) FROM marts.absences LIMIT 1").iat[0, 0])
