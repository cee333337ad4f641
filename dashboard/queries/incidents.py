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
) -> pd.DataFrame:
    """Addresses with repeated records in the period, most records first.

    Parameters
    ----------
    dataset_key : {"incidents", "nuisance"}
    min_count : int
        Smallest number of records for an address to count as repeated.
    limit : int
        Most addresses returned.

    Returns
    -------
    pandas.DataFrame
        ``adres``, ``gemeente``, ``wijk``, ``aantal``, ``categorieen`` (distinct categories,
        comma-separated), ``eerste``, ``laatste`` (dates).
    """
    if dataset_key not in SOURCE_DATASETS:
        raise ValueError(f"Geen adressen voor {dataset_key!r}")
    ds = dataset(dataset_key)
    where, params = filter_sql(ds, start, end, wijken, categories)
    params.update({"min_count": int(min_count), "limit": int(limit)})
    return query(
        version,
        f"""
        SELECT concat_ws(' ', t.street, t.house_number) AS adres,
               any_value(t.municipality_name) AS gemeente,
               any_value(t.wijk_name) AS wijk,
               count(*) AS aantal,
               string_agg(DISTINCT t.{ds.category}, ', ' ORDER BY t.{ds.category}) AS categorieen,
               min({ds.date_expr}) AS eerste,
               max({ds.date_expr}) AS laatste
        FROM {ds.table} t
        WHERE {where} AND t.street IS NOT NULL AND t.street <> ''
        GROUP BY t.street, t.house_number, t.nis_code
        HAVING count(*) >= $min_count
        ORDER BY aantal DESC, adres
        LIMIT $limit
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
) -> int:
    """Number of addresses with at least ``min_count`` records in the period (no limit)."""
    if dataset_key not in SOURCE_DATASETS:
        raise ValueError(f"Geen adressen voor {dataset_key!r}")
    ds = dataset(dataset_key)
    where, params = filter_sql(ds, start, end, wijken, categories)
    params["min_count"] = int(min_count)
    df = query(
        version,
        f"SELECT count(*) AS n FROM (SELECT 1 FROM {ds.table} t "
        f"WHERE {where} AND t.street IS NOT NULL AND t.street <> '' "
        f"GROUP BY t.street, t.house_number, t.nis_code HAVING count(*) >= $min_count)",
        params,
    )
    return int(df.iat[0, 0])
