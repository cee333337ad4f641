"""Sources of insecurity: incidents (pv's) and nuisance reports.

Counts per category and wijk come from :func:`dashboard.queries.common.counts_by`; this
module adds what only these two datasets need.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboard.queries._db import WarehouseVersion, query
from dashboard.queries.common import dataset, filter_sql

#: Datasets this page family covers.
SOURCE_DATASETS = ("incidents", "nuisance")

#: Every hour of the day, as the ``hours`` filter value meaning "no hour filter".
ALL_HOURS = (0, 23)


def time_filter_sql(
    hours: tuple[int, int] = ALL_HOURS, weekdays: tuple[int, ...] = ()
) -> tuple[str, dict]:
    """Extra WHERE condition for an hour range and weekdays (``t.hour``, ``t.weekday``).

    Parameters
    ----------
    hours : (int, int)
        First and last hour, both included (0-23). ``(22, 5)`` wraps around midnight.
        ``(0, 23)`` means every hour, so records without an hour still count.
    weekdays : tuple of int
        ISO weekdays (1 = maandag … 7 = zondag); empty means every day.

    Returns
    -------
    (str, dict)
        Condition starting with `` AND`` (or empty) and its ``$hour_from``, ``$hour_to``,
        ``$weekdays`` parameters.
    """
    sql, params = "", {}
    h_from, h_to = (int(h) for h in hours)
    if (h_from, h_to) != ALL_HOURS:
        # A night range such as 22-5 is what a wijkinspecteur means by "'s nachts".
        joiner = "AND" if h_from <= h_to else "OR"
        sql += f" AND (t.hour >= $hour_from {joiner} t.hour <= $hour_to)"
        params.update({"hour_from": h_from, "hour_to": h_to})
    if weekdays:
        sql += " AND list_contains($weekdays::INTEGER[], t.weekday)"
        params["weekdays"] = [int(d) for d in weekdays]
    return sql, params


#: An address is a street, a house number and a municipality. A record with a street but no
#: house number (a motorway, a square, a park) is no address: grouped on its street alone,
#: the 730 demo incidents on the "Autosnelweg" made one "address" over eight wijken, shown
#: in one of them. Those are grouped per street and wijk, and named "(zonder huisnummer)".
_STREET_ONLY_WIJK = "CASE WHEN coalesce(t.house_number, '') = '' THEN t.wijk_code END"


@st.cache_data(show_spinner=False, max_entries=256)
def top_addresses(
    version: WarehouseVersion,
    dataset_key: str,
    start: date,
    end: date,
    wijken: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    min_count: int = 2,
    limit: int = 25,
    hours: tuple[int, int] = ALL_HOURS,
    weekdays: tuple[int, ...] = (),
) -> pd.DataFrame:
    """Addresses with repeated records in the period, most records first.

    Parameters
    ----------
    dataset_key : {"incidents", "nuisance"}
    min_count : int
        Smallest number of records for an address to count as repeated.
    limit : int
        Most addresses returned.
    hours, weekdays
        Time-of-day and weekday filter (see :func:`time_filter_sql`); default all.

    Returns
    -------
    pandas.DataFrame
        ``adres``, ``gemeente``, ``wijk``, ``aantal``, ``categorieen`` (distinct categories,
        comma-separated), ``eerste``, ``laatste`` (dates), ``lat``, ``lon`` (mean position
        of the address's located records, NaN when none is located).
    """
    if dataset_key not in SOURCE_DATASETS:
        raise ValueError(f"Geen adressen voor {dataset_key!r}")
    ds = dataset(dataset_key)
    where, params = filter_sql(ds, start, end, wijken, categories)
    time_sql, time_params = time_filter_sql(hours, weekdays)
    where += time_sql
    params.update(time_params)
    params.update({"min_count": int(min_count), "limit": int(limit)})
    return query(
        version,
        f"""
        WITH f AS (
            SELECT t.street, t.house_number, t.nis_code, {_STREET_ONLY_WIJK} AS street_wijk,
                   t.municipality_name, t.wijk_name,
                   t.{ds.category} AS cat, {ds.date_expr} AS d, t.lat, t.lon
            FROM {ds.table} t
            WHERE {where} AND t.street IS NOT NULL AND t.street <> ''
        ),
        -- Pick the top addresses on counts alone first: the category list (a DISTINCT
        -- string_agg) is then built for those few addresses only, not for every address.
        top AS (
            SELECT street, house_number, nis_code, street_wijk, count(*) AS aantal
            FROM f GROUP BY street, house_number, nis_code, street_wijk HAVING count(*) >= $min_count
            ORDER BY aantal DESC, concat_ws(' ', street, house_number) LIMIT $limit
        )
        SELECT CASE WHEN coalesce(f.house_number, '') = ''
                    THEN f.street || ' (zonder huisnummer)'
                    ELSE concat_ws(' ', f.street, f.house_number) END AS adres,
               mode(f.municipality_name) AS gemeente,
               mode(f.wijk_name) AS wijk,
               count(*) AS aantal,
               string_agg(DISTINCT f.cat, ', ' ORDER BY f.cat) AS categorieen,
               min(f.d) AS eerste,
               max(f.d) AS laatste,
               avg(f.lat) AS lat,
               avg(f.lon) AS lon
        FROM f JOIN top ON f.street = top.street
            AND f.house_number IS NOT DISTINCT FROM top.house_number
            AND f.nis_code IS NOT DISTINCT FROM top.nis_code
            AND f.street_wijk IS NOT DISTINCT FROM top.street_wijk
        GROUP BY f.street, f.house_number, f.nis_code, f.street_wijk
        ORDER BY aantal DESC, adres
        """,
        params,
    )


@st.cache_data(show_spinner=False, max_entries=256)
def repeated_address_count(
    version: WarehouseVersion,
    dataset_key: str,
    start: date,
    end: date,
    wijken: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    min_count: int = 2,
    hours: tuple[int, int] = ALL_HOURS,
    weekdays: tuple[int, ...] = (),
) -> int:
    """Number of addresses with at least ``min_count`` records in the period (no limit)."""
    if dataset_key not in SOURCE_DATASETS:
        raise ValueError(f"Geen adressen voor {dataset_key!r}")
    ds = dataset(dataset_key)
    where, params = filter_sql(ds, start, end, wijken, categories)
    time_sql, time_params = time_filter_sql(hours, weekdays)
    where += time_sql
    params.update(time_params)
    params["min_count"] = int(min_count)
    df = query(
        version,
        f"SELECT count(*) AS n FROM (SELECT 1 FROM {ds.table} t "
        f"WHERE {where} AND t.street IS NOT NULL AND t.street <> '' "
        f"GROUP BY t.street, t.house_number, t.nis_code, {_STREET_ONLY_WIJK} "
        "HAVING count(*) >= $min_count)",
        params,
    )
    return int(df.iat[0, 0])
