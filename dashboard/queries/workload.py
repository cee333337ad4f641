"""Wijk tasks: open, overdue and closed work per wijk and per inspector (``marts.tasks``).

``is_open`` and ``is_overdue`` describe the state at the build's reference date, not at
the end of the chosen period: "open now" is what the wijkcoördinator steers on. The period
only selects what was received and what was closed.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboard.queries._db import WarehouseVersion, query

_MEASURES = """
    count(*) FILTER (WHERE t.is_open) AS open,
    count(*) FILTER (WHERE t.is_overdue) AS over_termijn,
    count(*) FILTER (WHERE t.status = 'Te controleren') AS te_controleren,
    count(*) FILTER (WHERE CAST(t.received_at AS DATE) BETWEEN $start AND $end) AS ontvangen,
    count(*) FILTER (WHERE CAST(t.closed_at AS DATE) BETWEEN $start AND $end) AS afgewerkt,
    median(t.lead_days) FILTER (WHERE CAST(t.closed_at AS DATE) BETWEEN $start AND $end)
        AS mediaan_doorlooptijd_dagen
"""
_WIJK_FILTER = "(len($wijken::VARCHAR[]) = 0 OR list_contains($wijken::VARCHAR[], t.wijk_code))"


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
        without tasks.
    """
    return query(
        version,
        f"""
        SELECT w.code AS wijk_code, w.name AS wijk, w.inspector AS wijkinspecteur, {_MEASURES}
        FROM marts.districts w
        LEFT JOIN marts.tasks t ON t.wijk_code = w.code
        WHERE w.layer = 'wijk'
          AND (len($wijken::VARCHAR[]) = 0 OR list_contains($wijken::VARCHAR[], w.code))
        GROUP BY ALL
        ORDER BY w.code
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
        ``termijn``, ``dagen_over_termijn`` (against ``marts.build_info.reference_date``, the
        date ``is_overdue`` was judged on),
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
        CROSS JOIN (SELECT max(reference_date) AS d FROM marts.build_info) ref
        WHERE t.is_overdue AND {_WIJK_FILTER}
        ORDER BY t.due_at, t.task_id
        LIMIT $limit
        """,
        {"wijken": list(wijken), "limit": int(limit)},
    )
