"""Traffic accidents and their victims (``marts.accidents``).

Accidents and victims are different units and are never added up: an accident with three
lightly injured counts once as an accident and three times as a victim.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboard.queries._db import WarehouseVersion, query
from dashboard.queries.common import dataset, filter_sql

#: Accident sources: the zone's own registration (with day and address) and Statbel
#: (injury accidents only, month precision). Never summed: they describe the same events.
SOURCES = {"accidents": "Eigen registratie (zone)", "accidents_statbel": "Statbel (open data)"}

#: Severity values from worst to least, for ordering and colours.
SEVERITY_ORDER = ("Dodelijk", "Zwaargewond", "Lichtgewond", "Stoffelijke schade")

_MEASURES = """
    count(*) AS ongevallen,
    count(*) FILTER (WHERE t.is_injury) AS letselongevallen,
    count(*) FILTER (WHERE NOT t.is_injury) AS enkel_stoffelijke_schade,
    CAST(coalesce(sum(t.killed), 0) AS BIGINT) AS doden,
    CAST(coalesce(sum(t.seriously_injured), 0) AS BIGINT) AS zwaargewonden,
    CAST(coalesce(sum(t.lightly_injured), 0) AS BIGINT) AS lichtgewonden,
    CAST(coalesce(sum(t.victims), 0) AS BIGINT) AS slachtoffers
"""


def _check_source(source: str) -> None:
    if source not in SOURCES:
        raise ValueError(f"Onbekende ongevallenbron {source!r}")


@st.cache_data(show_spinner=False, max_entries=256)
def accident_summary(
    version: WarehouseVersion,
    source: str,
    start: date,
    end: date,
    wijken: tuple[str, ...] = (),
) -> dict:
    """Accident and victim totals for the period.

    Parameters
    ----------
    source : {"accidents", "accidents_statbel"}

    Returns
    -------
    dict
        ``ongevallen``, ``letselongevallen``, ``enkel_stoffelijke_schade`` (accidents) and
        ``doden``, ``zwaargewonden``, ``lichtgewonden``, ``slachtoffers`` (victims), as ints.
    """
    _check_source(source)
    where, params = filter_sql(dataset(source), start, end, wijken)
    df = query(version, f"SELECT {_MEASURES} FROM marts.accidents t WHERE {where}", params)
    return {k: int(v or 0) for k, v in df.iloc[0].items()}


@st.cache_data(show_spinner=False, max_entries=256)
def accidents_per_wijk(
    version: WarehouseVersion,
    source: str,
    start: date,
    end: date,
    wijken: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Accidents and victims per wijk (records without a wijk under "Zonder wijk").

    Returns
    -------
    pandas.DataFrame
        ``wijk_code``, ``wijk`` and the columns of :func:`accident_summary`.
    """
    _check_source(source)
    where, params = filter_sql(dataset(source), start, end, wijken)
    return query(
        version,
        f"""
        SELECT t.wijk_code, coalesce(w.name, 'Zonder wijk') AS wijk, {_MEASURES}
        FROM marts.accidents t
        LEFT JOIN marts.districts w ON w.layer = 'wijk' AND w.code = t.wijk_code
        WHERE {where}
        GROUP BY ALL
        ORDER BY t.wijk_code NULLS LAST
        LIMIT 2000
        """,
        params,
    )


@st.cache_data(show_spinner=False, max_entries=256)
def accidents_by_severity(
    version: WarehouseVersion,
    source: str,
    start: date,
    end: date,
    wijken: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Accidents per severity (worst victim), worst first.

    Returns
    -------
    pandas.DataFrame
        ``ernst``, ``ongevallen``.
    """
    _check_source(source)
    where, params = filter_sql(dataset(source), start, end, wijken)
    df = query(
        version,
        f"SELECT t.severity AS ernst, count(*) AS ongevallen FROM marts.accidents t "
        f"WHERE {where} GROUP BY 1 LIMIT 100",
        params,
    )
    rank = {s: i for i, s in enumerate(SEVERITY_ORDER)}
    return df.sort_values("ernst", key=lambda s: s.map(rank).fillna(99)).reset_index(drop=True)
