"""Counts per domain from the pre-aggregated ``marts.daily_counts`` (briefing, reports).

``daily_counts`` holds one row per domain × date × wijk × category, so comparing three
periods costs three small scans whatever the size of the underlying marts.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboard.queries._db import WarehouseVersion, query

#: Domains in ``marts.daily_counts``, with their Dutch names, in display order.
DOMAINS = {
    "incidents": "Feiten (pv's)",
    "nuisance": "Overlastmeldingen",
    "accidents": "Verkeersongevallen",
    "tasks": "Nieuwe wijktaken",
}

_FILTER = """
    date BETWEEN $start::DATE AND $end::DATE
    AND (len($wijken::VARCHAR[]) = 0 OR list_contains($wijken::VARCHAR[], wijk_code))
"""


@st.cache_data(show_spinner=False, max_entries=512)
def domain_counts(
    version: WarehouseVersion, start: date, end: date, wijken: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Records per domain in a period.

    Returns
    -------
    pandas.DataFrame
        ``domain``, ``n`` for every domain in :data:`DOMAINS` (0 when nothing happened).
    """
    df = query(
        version,
        f"SELECT domain, CAST(sum(n) AS BIGINT) AS n FROM marts.daily_counts WHERE {_FILTER} GROUP BY domain",
        {"start": start, "end": end, "wijken": list(wijken)},
    )
    out = pd.DataFrame({"domain": list(DOMAINS)})
    out = out.merge(df, on="domain", how="left").fillna({"n": 0})
    out["n"] = out["n"].astype(int)
    return out


@st.cache_data(show_spinner=False, max_entries=512)
def domain_counts_per_wijk(
    version: WarehouseVersion, start: date, end: date, wijken: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Records per domain and wijk in a period (records without a wijk omitted).

    Returns
    -------
    pandas.DataFrame
        ``wijk_code``, ``domain``, ``n``.
    """
    return query(
        version,
        f"SELECT wijk_code, domain, CAST(sum(n) AS BIGINT) AS n FROM marts.daily_counts "
        f"WHERE {_FILTER} AND wijk_code IS NOT NULL GROUP BY ALL ORDER BY 1, 2 LIMIT 20000",
        {"start": start, "end": end, "wijken": list(wijken)},
    )


@st.cache_data(show_spinner=False, max_entries=512)
def category_counts(
    version: WarehouseVersion,
    domain: str,
    start: date,
    end: date,
    wijken: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Records per category of one domain in a period.

    Parameters
    ----------
    domain : str
        Key of :data:`DOMAINS`.

    Returns
    -------
    pandas.DataFrame
        ``category``, ``n``; categories without records in the period are absent.
    """
    if domain not in DOMAINS:
        raise ValueError(f"Onbekend domein {domain!r}")
    return query(
        version,
        f"SELECT category, CAST(sum(n) AS BIGINT) AS n FROM marts.daily_counts "
        f"WHERE domain = $domain AND {_FILTER} GROUP BY 1 ORDER BY 1 LIMIT 1000",
        {"domain": domain, "start": start, "end": end, "wijken": list(wijken)},
    )
