"""Counts per domain from the pre-aggregated ``marts.daily_counts`` (briefing, reports).

``daily_counts`` holds one row per domain × date × wijk × category, so comparing three
periods costs three small scans whatever the size of the underlying marts.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboard.queries._db import WarehouseVersion, query
from dashboard.queries.common import IN_ZONE, VICTIMS_SQL

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
    """Records per domain and wijk in a period; those without a wijk in a row whose
    ``wijk_code`` is missing (as the Werklast page's "Zonder wijk" row: it showed 0 facts
    there while 19 lay in no wijk).

    Returns
    -------
    pandas.DataFrame
        ``wijk_code``, ``domain``, ``n``.
    """
    return query(
        version,
        f"SELECT wijk_code, domain, CAST(sum(n) AS BIGINT) AS n FROM marts.daily_counts "
        f"WHERE {_FILTER} GROUP BY ALL ORDER BY 1 NULLS LAST, 2 LIMIT 20000",
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


# --------------------------------------------------------------------------------------
# Briefing (issue 7): injury accidents and victims, hot-spot cells, black-spot input
# --------------------------------------------------------------------------------------

#: Briefing measures in display order: key → Dutch label. Injury accidents and victims are
#: different units (one accident, several victims) and are shown side by side, never added.
BRIEFING_MEASURES = {
    "incidents": "Feiten (pv's)",
    "nuisance": "Overlastmeldingen",
    "injury_accidents": "Letselongevallen",
    "victims": "Verkeersslachtoffers",
    "tasks": "Nieuwe wijktaken",
}

#: Each measure's source: its domain in ``marts.daily_counts``, whose first and last day say
#: which periods it covers (:func:`dashboard.queries.common.domain_coverage`).
MEASURE_DOMAIN = {
    "incidents": "incidents",
    "nuisance": "nuisance",
    "injury_accidents": "accidents",
    "victims": "accidents",
    "tasks": "tasks",
}

#: Domains whose records have a place, for hot spots: key → (mart, category column).
HOTSPOT_DOMAINS = {
    "incidents": ("marts.incidents", "category"),
    "nuisance": ("marts.nuisance", "nuisance_type"),
}


#: Groupings :func:`victim_dispersion` can give the dispersion per value of.
VICTIM_GROUPS = ("severity_class", "road_user")


@st.cache_data(show_spinner=False, max_entries=16)
def victim_dispersion(version: WarehouseVersion, by: str | None = None) -> dict[str, float]:
    """How much noisier a count of victims is than a Poisson count (at least 1).

    Victims come per accident: :func:`dashboard.analysis.compstat.clump_dispersion` of the
    victims (killed or injured) per accident of the zone's own registration, over every
    year loaded (a trait of the zone's roads, not of one week). 1 when no accident has
    victims.

    Parameters
    ----------
    by : {None, "severity_class", "road_user"}
        ``None``: all victims (key ``"all"``); else per value of that victim column (the
        victims of one class per accident: two light and one serious injury are a clump
        of two light ones), ``road_user`` with ``"Onbekend"`` for none.

    Returns
    -------
    dict
        Key → dispersion.
    """
    from dashboard.analysis.compstat import clump_dispersion

    if by is not None and by not in VICTIM_GROUPS:
        raise ValueError(f"Onbekende groepering van slachtoffers: {by!r}")
    if by is None:
        # marts.accidents.victims: also the one victim of an accident without victim rows.
        clumps = (
            "SELECT 'all' AS grp, victims AS k FROM marts.accidents "
            "WHERE source = 'zone' AND victims > 0"
        )
    else:
        # The documented victims (common.VICTIMS_SQL): injured victim rows, and the one
        # victim of an injury accident without rows (class from the accident, road user
        # unknown), as every count of victims takes them.
        clumps = f"""
            SELECT coalesce(CAST(v.{by} AS VARCHAR), 'Onbekend') AS grp, count(*) AS k
            FROM {VICTIMS_SQL} v JOIN marts.accidents a ON a.accident_id = v.accident_id
            WHERE a.source = 'zone'
            GROUP BY v.accident_id, grp
        """
    # How many accidents have each number of victims, not one row per accident: a zone has
    # thousands of accidents with victims, 10^7 incidents some 450,000 (the query layer
    # refuses more than MAX_ROWS rows, and the Briefing and Verkeer pages stopped).
    sizes = query(version, f"SELECT grp, k, count(*) AS n FROM ({clumps}) GROUP BY grp, k")
    out = {
        str(g): clump_dispersion(part["k"].to_numpy(), part["n"].to_numpy())
        for g, part in sizes.groupby("grp")
    }
    return out if by is not None else {"all": out.get("all", 1.0)}


@st.cache_data(show_spinner=False, max_entries=512)
def briefing_counts_per_wijk(
    version: WarehouseVersion, start: date, end: date, wijken: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Counts of every :data:`BRIEFING_MEASURES` measure per wijk in a period.

    Incidents, nuisance and tasks come from ``marts.daily_counts``; injury accidents and
    their victims from ``marts.accidents`` (the zone's own registration, which has a day).

    Returns
    -------
    pandas.DataFrame
        ``wijk_code`` (``None`` for records without a wijk) and one integer column per key
        of :data:`BRIEFING_MEASURES`.
    """
    df = query(
        version,
        f"""
        WITH d AS (
            SELECT wijk_code,
                   sum(n) FILTER (WHERE domain = 'incidents') AS incidents,
                   sum(n) FILTER (WHERE domain = 'nuisance') AS nuisance,
                   sum(n) FILTER (WHERE domain = 'tasks') AS tasks
            FROM marts.daily_counts
            WHERE domain IN ('incidents', 'nuisance', 'tasks') AND {_FILTER}
            GROUP BY 1
        ), a AS (
            SELECT wijk_code, count(*) AS injury_accidents,
                   sum(coalesce(victims, 0)) AS victims
            FROM marts.accidents
            WHERE source = 'zone' AND is_injury AND {_FILTER}
            GROUP BY 1
        )
        SELECT coalesce(d.wijk_code, a.wijk_code) AS wijk_code,
               CAST(coalesce(incidents, 0) AS BIGINT) AS incidents,
               CAST(coalesce(nuisance, 0) AS BIGINT) AS nuisance,
               CAST(coalesce(injury_accidents, 0) AS BIGINT) AS injury_accidents,
               CAST(coalesce(victims, 0) AS BIGINT) AS victims,
               CAST(coalesce(tasks, 0) AS BIGINT) AS tasks
        FROM d FULL OUTER JOIN a ON d.wijk_code IS NOT DISTINCT FROM a.wijk_code
        ORDER BY 1 NULLS LAST
        LIMIT 5000
        """,
        {"start": start, "end": end, "wijken": list(wijken)},
    )
    return df[["wijk_code", *BRIEFING_MEASURES]]


@st.cache_data(show_spinner=False, max_entries=256)
def hot_cell_details(
    version: WarehouseVersion,
    domain: str,
    start: date,
    end: date,
    cells: tuple[int, ...],
    wijken: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Most frequent category, street and wijk of each given H3 cell in a period.

    The records are those :func:`dashboard.queries.hotspots.hotspot_classes` counts
    (located in the zone, in the chosen wijken): a cell on a wijk border named the
    neighbouring wijk, outside the filter, and a category counted with its records there.

    Parameters
    ----------
    domain : str
        Key of :data:`HOTSPOT_DOMAINS`.
    cells : tuple of int
        H3 cells (fine resolution), e.g. the hot cells found by Gi*; at most 200 are used.
    wijken : tuple of str
        Wijk codes; empty for the whole zone.

    Returns
    -------
    pandas.DataFrame
        ``h3_cell``, ``n``, ``category`` (most frequent; ties alphabetically),
        ``category_n``, ``category_ties`` (categories as frequent as it), ``street`` (most frequent street, as the address counts:
        ``address_street``, one name however it was written), ``wijk_name``, ``lat``, ``lon``
        (mean of the records, for the map).
    """
    table, category = HOTSPOT_DOMAINS[domain]
    return query(
        version,
        f"""
        WITH r AS (
            -- The street as the address counts (Bronnen's address_street): "Nieuwstr." and
            -- "Nieuwstraat" split one street's count over two (an audit).
            SELECT CAST(h3_cell AS UBIGINT) AS h3_cell, {category} AS category,
                   coalesce(CAST(address_street AS VARCHAR), CAST(street AS VARCHAR)) AS street,
                   wijk_name, lat, lon
            FROM {table} t
            WHERE {IN_ZONE} AND {_FILTER}
              AND list_contains($cells::UBIGINT[], CAST(h3_cell AS UBIGINT))
        ), cc AS (
            SELECT h3_cell, category, count(*) AS category_n FROM r GROUP BY 1, 2
        ), c AS (
            -- With the categories as frequent as the first: "Diefstal uit/aan voertuig (1)"
            -- named one of five records of five categories (an audit).
            SELECT h3_cell, category, category_n,
                   count(*) OVER (PARTITION BY h3_cell, category_n) AS category_ties
            FROM cc
            QUALIFY row_number() OVER (PARTITION BY h3_cell ORDER BY category_n DESC, category) = 1
        ), s AS (
            SELECT h3_cell, street FROM r WHERE street IS NOT NULL GROUP BY 1, 2
            QUALIFY row_number() OVER (PARTITION BY h3_cell ORDER BY count(*) DESC, street) = 1
        ), w AS (
            SELECT h3_cell, wijk_name FROM r WHERE wijk_name IS NOT NULL GROUP BY 1, 2
            QUALIFY row_number() OVER (PARTITION BY h3_cell ORDER BY count(*) DESC, wijk_name) = 1
        ), t AS (
            SELECT h3_cell, count(*) AS n, avg(lat) AS lat, avg(lon) AS lon FROM r GROUP BY 1
        )
        SELECT t.h3_cell, t.n, c.category, c.category_n, c.category_ties, s.street, w.wijk_name,
               t.lat, t.lon
        FROM t
        LEFT JOIN c USING (h3_cell) LEFT JOIN s USING (h3_cell) LEFT JOIN w USING (h3_cell)
        ORDER BY t.n DESC, t.h3_cell LIMIT 200
        """,
        {
            "start": start,
            "end": end,
            "wijken": list(wijken),
            "cells": [int(c) for c in cells[:200]],
        },
    )
