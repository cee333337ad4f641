"""Local events (``marts.events``): the ones to come, and what happened around past ones.

Records around an event are counted in SQL per event and per week back
(:func:`event_follow_up`); :mod:`dashboard.analysis.events` says what is usual and what is
more than that.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from dashboard.analysis.compstat import months_within
from dashboard.analysis.events import AFTER_HOURS, BASELINE_WEEKS, DOMAINS, RADIUS_M
from dashboard.queries._db import WarehouseVersion, query
from dashboard.queries.common import data_bounds, source_span_map
from dashboard.queries.data_quality import present_marts

#: At most this many events are listed or followed up at once (a year to date of a zone
#: holds a few hundred; a list of thousands is a filter to set, not a table to read).
MAX_EVENTS = 500

_FILTERS = (
    "(len($wijken::VARCHAR[]) = 0 OR list_contains($wijken::VARCHAR[], e.wijk_code))"
    # One municipality (the report to its administration): where the event is located,
    # else the municipality its list names.
    " AND ($nis::VARCHAR IS NULL OR CAST(e.nis_code AS VARCHAR) = $nis)"
    # A cancelled event ("Geannuleerd", "Afgelast"; etl.config.CANCELLED_EVENT_STATUSES) is
    # only listed among the coming ones, marked: nothing to draw, follow up or report.
    " AND ($cancelled::BOOLEAN OR NOT e.is_cancelled)"
)

#: The events running on a day from $start to $end (both dates included), with the columns
#: the pages show; read by :func:`events_between` and :func:`event_follow_up`.
_IN_PERIOD = """SELECT {columns} FROM marts.events e
    WHERE e.window_end > $start::TIMESTAMP AND e.started_at < ($end + 1)::TIMESTAMP
      AND {wijk_filter}
    ORDER BY e.started_at, e.name LIMIT {limit}"""

_COLUMNS = """
    e.event_id, e.name, CAST(e.event_type AS VARCHAR) AS event_type, e.started_at, e.ended_at,
    e.window_end, e.visitors, e.organiser, e.place, CAST(e.street AS VARCHAR) AS street,
    CAST(e.house_number AS VARCHAR) AS house_number, CAST(e.wijk_code AS VARCHAR) AS wijk_code,
    CAST(e.wijk_name AS VARCHAR) AS wijk_name, CAST(e.nis_code AS VARCHAR) AS nis_code,
    e.x, e.y, e.lat, e.lon,
    CAST(e.location_status AS VARCHAR) AS location_status,
    CAST(e.status AS VARCHAR) AS status, e.is_cancelled
"""


_IN_PERIOD_SQL = _IN_PERIOD.format(columns=_COLUMNS, wijk_filter=_FILTERS, limit=MAX_EVENTS)


@st.cache_data(show_spinner=False, max_entries=16)
def has_events(version: WarehouseVersion) -> bool:
    """Whether an event list is loaded (``marts.events`` holds rows): without one the
    briefing says how to add it instead of "no events"."""
    if "marts.events" not in present_marts(version):
        return False
    return bool(query(version, "SELECT count(*) > 0 AS loaded FROM marts.events")["loaded"].iat[0])


@st.cache_data(show_spinner=False, max_entries=128)
def events_between(
    version: WarehouseVersion,
    start: date,
    end: date,
    wijken: tuple[str, ...] = (),
    nis_code: str | None = None,
    cancelled: bool = False,
) -> pd.DataFrame:
    """Events running on any day from ``start`` to ``end`` (both included), by start.

    An event that began earlier and still runs then (a kermis weekend) is listed too. In a
    wijk filter, events without a location are left out (their wijk is unknown); with
    ``nis_code`` only one municipality's events; cancelled events only with ``cancelled``.

    Returns
    -------
    DataFrame
        The columns of ``marts.events`` the pages show (``event_id``, ``name``,
        ``event_type``, ``started_at``, ``ended_at``, ``window_end``, ``visitors``,
        ``organiser``, ``place``, ``street``, ``house_number``, ``wijk_code``,
        ``wijk_name``, ``nis_code``, ``x``, ``y``, ``lat``, ``lon``, ``location_status``,
        ``status``, ``is_cancelled``); empty without an event list.
    """
    if not has_events(version):
        return pd.DataFrame()
    return query(
        version,
        _IN_PERIOD_SQL,
        {
            "start": start,
            "end": end,
            "wijken": list(wijken),
            "nis": nis_code,
            "cancelled": cancelled,
        },
    )


def upcoming_events(
    version: WarehouseVersion, after: date, days: int = 14, wijken: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Events running on any of the ``days`` days after ``after`` (:func:`events_between`),
    cancelled ones too (``is_cancelled``): the inspectors need not plan for them."""
    return events_between(
        version,
        after + timedelta(days=1),
        after + timedelta(days=int(days)),
        wijken,
        cancelled=True,
    )


def _in_wijken(alias: str) -> str:
    """SQL: the record lies in ``$record_wijken`` (empty: every record)."""
    return (
        f"(len($record_wijken::VARCHAR[]) = 0 "
        f"OR list_contains($record_wijken::VARCHAR[], {alias}.wijk_code::VARCHAR))"
    )


@st.cache_data(show_spinner=False, max_entries=128)
def event_follow_up(
    version: WarehouseVersion,
    start: date,
    end: date,
    wijken: tuple[str, ...] = (),
    radius_m: int = RADIUS_M,
    after_hours: int = AFTER_HOURS,
    weeks: int = BASELINE_WEEKS,
    nis_code: str | None = None,
    record_wijken: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Events of the period ``start``–``end`` (both included) with the records around them
    (in ``wijken`` when given, of the municipality ``nis_code`` when given). Records count
    only of ``record_wijken`` when given (an inspector: the own wijk's records; a count
    of one record around another wijk's event placed it within 250 m and a few hours).

    Per event, per domain of :data:`DOMAINS`: ``<domain>_now``, the records within
    ``radius_m`` metres of its location from its start until ``after_hours`` after its end
    (``window_end``), and ``<domain>_before``, the same in the same window 1, 2, …
    ``weeks`` weeks earlier, together. Facts count by the start of their facts, nuisance by
    the report, accidents of the zone's own registration by their moment (Statbel's have
    no day). A report or accident whose source gave the day only (``time_known`` false)
    is not counted: its hour is unknown, and read as midnight it fell in the windows that
    run past midnight only. An event without a location has no counts (NaN).

    What the data cover (:func:`~dashboard.queries.common.data_bounds`) decides what the
    counts can say: ``counted``, located and its whole window within the data's days (an
    event over the newest data's last evening is only partly counted), and ``judged``,
    counted and its ``weeks`` earlier copies within the data too (an event in the data's
    first weeks stands against weeks of which nothing is known, not against quiet ones).

    Per domain, ``<domain>_counted`` and ``<domain>_judged`` narrow those down where that
    domain's own data have a month without one record (``SourceSpan.gaps``: a missing
    export) touching the event's window, or its earlier copies: a festival in April
    judged against weeks in an empty March stood "opvallend" for nuisance.

    Returns
    -------
    DataFrame
        The columns of :func:`upcoming_events`, the counts, ``counted`` and ``judged`` (and
        per domain), by start.
    """
    if not has_events(version):
        return pd.DataFrame()
    counts = ",\n".join(
        f"count(*) FILTER (WHERE r.domain = '{d}' AND w.k = 0) AS {d}_now, "
        f"count(*) FILTER (WHERE r.domain = '{d}' AND w.k > 0) AS {d}_before"
        for d in DOMAINS
    )
    # Without a location nothing is counted around an event: NULL, not 0.
    located_counts = ", ".join(
        f"CASE WHEN ev.x IS NOT NULL THEN coalesce(c.{d}_{p}, 0) END AS {d}_{p}"
        for d in DOMAINS
        for p in ("now", "before")
    )
    covered = (
        "(ev.x IS NOT NULL AND ev.started_at >= $first::TIMESTAMP"
        " AND ev.window_end + to_hours($after::INTEGER) <= ($last::DATE + 1)::TIMESTAMP)"
    )
    sql = f"""
    WITH ev AS ({_IN_PERIOD_SQL}),
    win AS (
        SELECT ev.event_id, k, ev.x, ev.y,
               ev.started_at - to_days(7 * k) AS s,
               ev.window_end + to_hours($after::INTEGER) - to_days(7 * k) AS w
        FROM ev, range(0, $weeks::INTEGER + 1) AS shifts(k)
        WHERE ev.x IS NOT NULL
    ),
    span AS (SELECT min(s) AS lo, max(w) AS hi FROM win),
    recs AS (
        SELECT 'incidents' AS domain, i.occurred_from AS t, i.x, i.y
        FROM marts.incidents i, span WHERE i.occurred_from >= span.lo AND i.occurred_from < span.hi
          AND {_in_wijken("i")}
        UNION ALL
        SELECT 'nuisance', n.reported_at, n.x, n.y
        FROM marts.nuisance n, span
        WHERE n.time_known AND n.reported_at >= span.lo AND n.reported_at < span.hi
          AND {_in_wijken("n")}
        UNION ALL
        SELECT 'accidents', a.occurred_at, a.x, a.y
        FROM marts.accidents a, span
        WHERE a.source = 'zone' AND a.time_known
          AND a.occurred_at >= span.lo AND a.occurred_at < span.hi
          AND {_in_wijken("a")}
    ),
    -- Each window by the hours it touches: records meet their windows through an equal
    -- hour (a hash join), then the exact time and distance. A join on the time range
    -- itself compared every window with every record of the year: 10-13 s per
    -- municipality's year at 10^7 records.
    hours AS (
        SELECT w.*, unnest(range(date_trunc('hour', w.s), w.w, INTERVAL 1 HOUR)) AS hour
        FROM win w
    ),
    around AS (
        SELECT w.event_id, {counts}
        FROM hours w JOIN recs r
          ON date_trunc('hour', r.t) = w.hour
        WHERE r.t >= w.s AND r.t < w.w
          AND r.x BETWEEN w.x - $radius AND w.x + $radius
          AND r.y BETWEEN w.y - $radius AND w.y + $radius
          AND (r.x - w.x) * (r.x - w.x) + (r.y - w.y) * (r.y - w.y) <= $radius * $radius
        GROUP BY w.event_id
    )
    SELECT ev.*, {located_counts},
        coalesce({covered}, false) AS counted,
        counted AND ev.started_at - to_days(7 * $weeks::INTEGER) >= $first::TIMESTAMP AS judged
    FROM ev LEFT JOIN around c USING (event_id)
    ORDER BY ev.started_at, ev.name
    """
    span = data_bounds(version)
    frame = query(
        version,
        sql,
        {
            "start": start,
            "end": end,
            "wijken": list(wijken),
            "nis": nis_code,
            "cancelled": False,
            "radius": float(radius_m),
            "after": int(after_hours),
            "weeks": int(weeks),
            "record_wijken": list(record_wijken),
            "first": span["first"],
            "last": span["last"],
        },
    )
    return _per_domain_coverage(version, frame, after_hours, weeks)


def _per_domain_coverage(
    version: WarehouseVersion, frame: pd.DataFrame, after_hours: int, weeks: int
) -> pd.DataFrame:
    """``<domain>_counted`` and ``<domain>_judged`` of :func:`event_follow_up`: its
    ``counted`` and ``judged``, without the events whose window (or its ``weeks`` earlier
    copies) touches a month without one record of that domain (a missing export)."""
    spans = source_span_map(version)
    starts = (
        pd.to_datetime(frame["started_at"]) if len(frame) else pd.Series(dtype="datetime64[ns]")
    )
    ends = (
        pd.to_datetime(frame["window_end"]) + pd.Timedelta(hours=after_hours)
        if len(frame)
        else starts
    )
    for d in DOMAINS:
        gaps = spans[d].gaps if d in spans else ()
        now_gap = [
            bool(gaps) and bool(months_within(gaps, s.date(), e.date()))
            for s, e in zip(starts, ends, strict=True)
        ]
        before_gap = [
            bool(gaps)
            and bool(
                months_within(
                    gaps, (s - pd.Timedelta(weeks=weeks)).date(), (e - pd.Timedelta(weeks=1)).date()
                )
            )
            for s, e in zip(starts, ends, strict=True)
        ]
        now_ok = ~pd.Series(now_gap, index=frame.index, dtype=bool)
        before_ok = ~pd.Series(before_gap, index=frame.index, dtype=bool)
        frame[f"{d}_counted"] = frame["counted"].astype(bool) & now_ok
        frame[f"{d}_judged"] = frame["judged"].astype(bool) & now_ok & before_ok
    return frame
