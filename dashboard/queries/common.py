"""Datasets the pages can ask about, and the queries every dataset shares.

:data:`DATASETS` is the whitelist of tables, columns and expressions that may be formatted
into SQL. Nothing a user types or picks ever reaches SQL text: user choices are either keys
of these dictionaries (checked) or values bound as ``$parameters``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import streamlit as st

from dashboard.queries._db import WarehouseVersion, query, scalar

#: Most points a map may carry (DESIGN: 10,000 CircleMarkers already take ~11 s).
MAP_POINT_CAP = 5_000


@dataclass(frozen=True)
class Dataset:
    """One kind of record the dashboard shows, and how to read it from its mart.

    Attributes
    ----------
    key : str
        Identifier used by pages and in query parameters.
    label : str
        Dutch name, plural ("Feiten").
    table : str
        Mart holding the records.
    category : str
        Column that classifies a record (category, type, severity).
    category_label : str
        Dutch name of that column.
    date_expr : str
        SQL expression giving the record's DATE. Every expression refers to the record
        table as ``t``, the alias all queries use.
    id_column : str
        Key column, shown in record lists.
    where : str
        Fixed condition selecting this dataset's rows from the table.
    month_only : bool
        The source knows year and month but no day (Statbel): a period selects whole months.
    located : bool
        Records carry ``lon``/``lat`` and can go on a map.
    address_expr : str
        SQL expression for a readable address (empty string when unknown).
    measures : dict
        Dutch measure label → SQL aggregate; the first is the default.
    """

    key: str
    label: str
    table: str
    category: str
    category_label: str
    date_expr: str = "t.date"
    id_column: str = "id"
    where: str = "TRUE"
    month_only: bool = False
    located: bool = True
    address_expr: str = "concat_ws(' ', t.street, t.house_number)"
    measures: dict = field(default_factory=lambda: {"Aantal": "count(*)"})


_ACCIDENT_MEASURES = {
    "Aantal ongevallen": "count(*)",
    "Letselongevallen": "count(*) FILTER (WHERE t.is_injury)",
    "Slachtoffers (totaal)": "CAST(sum(t.victims) AS BIGINT)",
    "Doden": "CAST(sum(t.killed) AS BIGINT)",
    "Zwaargewonden": "CAST(sum(t.seriously_injured) AS BIGINT)",
    "Lichtgewonden": "CAST(sum(t.lightly_injured) AS BIGINT)",
}

DATASETS: dict[str, Dataset] = {
    "incidents": Dataset(
        "incidents",
        "Feiten (pv's)",
        "marts.incidents",
        "category",
        "Categorie",
        id_column="pv_number",
    ),
    "nuisance": Dataset(
        "nuisance",
        "Overlastmeldingen",
        "marts.nuisance",
        "nuisance_type",
        "Type overlast",
        id_column="report_id",
    ),
    "accidents": Dataset(
        "accidents",
        "Verkeersongevallen (eigen registratie)",
        "marts.accidents",
        "severity",
        "Ernst",
        id_column="accident_id",
        where="t.source = 'zone'",
        measures=_ACCIDENT_MEASURES,
    ),
    "accidents_statbel": Dataset(
        "accidents_statbel",
        "Letselongevallen (Statbel)",
        "marts.accidents",
        "severity",
        "Ernst",
        id_column="accident_id",
        where="t.source = 'statbel'",
        # Statbel publishes no day: the month stands for the date.
        date_expr="make_date(t.year, t.month, 1)",
        month_only=True,
        address_expr="''",
        measures=_ACCIDENT_MEASURES,
    ),
    "tasks": Dataset(
        "tasks",
        "Wijktaken (ontvangen)",
        "marts.tasks",
        "task_type",
        "Type taak",
        date_expr="CAST(t.received_at AS DATE)",
        id_column="task_id",
        located=False,
        measures={
            "Aantal": "count(*)",
            "Open": "count(*) FILTER (WHERE t.is_open)",
            "Over termijn": "count(*) FILTER (WHERE t.is_overdue)",
        },
    ),
    "controls": Dataset(
        "controls",
        "Verkeerscontroles",
        "marts.controls",
        "control_type",
        "Type controle",
        date_expr="CAST(t.started_at AS DATE)",
        id_column="control_id",
        address_expr="coalesce(t.street, '')",
        measures={
            "Aantal controles": "count(*)",
            "Gecontroleerde voertuigen": "CAST(sum(t.vehicles_checked) AS BIGINT)",
            "Overtredingen": "CAST(sum(t.offences) AS BIGINT)",
            "Uren": "sum(t.hours)",
        },
    ),
}

#: Group-by dimensions: Dutch label → (SQL expression over alias ``t``/``w``/``g``, output column).
#: ``{d}`` is replaced by the dataset's date expression, ``{c}`` by its category column.
DIMENSIONS: dict[str, tuple[str, str]] = {
    "Jaar": ("year({d})", "jaar"),
    "Maand": ("CAST(date_trunc('month', {d}) AS DATE)", "maand"),
    "Week": ("CAST(date_trunc('week', {d}) AS DATE)", "week"),
    "Dag": ("{d}", "dag"),
    "Weekdag": ("isodow({d})", "weekdag"),
    "Categorie": ("t.{c}", "categorie"),
    "Wijk": ("coalesce(w.name, 'Zonder wijk')", "wijk"),
    "Deelgemeente": ("coalesce(dg.name, 'Zonder deelgemeente')", "deelgemeente"),
    "Gemeente": ("coalesce(g.name, 'Zonder gemeente')", "gemeente"),
}
#: Dimensions that need a day, refused for month-only sources.
DAY_DIMENSIONS = {"Week", "Dag", "Weekdag"}

# Area names come from marts.districts through the wijk code, which every dataset has
# (tasks carry no coordinates, only their wijk).
_AREA_JOINS = """
    LEFT JOIN marts.districts w ON w.layer = 'wijk' AND w.code = t.wijk_code
    LEFT JOIN marts.districts dg ON dg.layer = 'deelgemeente' AND dg.code = w.parent_code
    LEFT JOIN marts.districts g ON g.layer = 'gemeente' AND g.code = w.nis_code
"""


def dataset(key: str) -> Dataset:
    """Look up a dataset by key; an unknown key is a programming error (``KeyError``)."""
    return DATASETS[key]


def filter_sql(
    ds: Dataset,
    start: date,
    end: date,
    wijken: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
) -> tuple[str, dict]:
    """WHERE clause (without the keyword) and parameters for the common filters.

    Parameters
    ----------
    ds : Dataset
        Dataset being filtered; supplies column names (whitelisted).
    start, end : date
        Inclusive period. For month-only sources every month touching the period counts.
    wijken : tuple of str
        Wijk codes; empty means every wijk, including records without a wijk.
    categories : tuple of str
        Category values; empty means all.

    Returns
    -------
    (str, dict)
        SQL condition with ``$start``, ``$end``, ``$wijken``, ``$categories`` placeholders,
        and their values.
    """
    date_expr = ds.date_expr
    if ds.month_only:
        period = f"{date_expr} BETWEEN date_trunc('month', $start::DATE) AND $end::DATE"
    else:
        period = f"{date_expr} BETWEEN $start::DATE AND $end::DATE"
    where = ds.where
    sql = (
        f"({where}) AND {period}"
        f" AND (len($wijken::VARCHAR[]) = 0 OR list_contains($wijken::VARCHAR[], t.wijk_code))"
        f" AND (len($categories::VARCHAR[]) = 0"
        f" OR list_contains($categories::VARCHAR[], t.{ds.category}))"
    )
    params = {"start": start, "end": end, "wijken": list(wijken), "categories": list(categories)}
    return sql, params


@st.cache_data(show_spinner=False, max_entries=256)
def data_bounds(version: WarehouseVersion) -> dict:
    """First and last record date over incidents, nuisance and accidents.

    The period presets count back from the last date with data, not from today: exports
    arrive with a delay, and "laatste 7 dagen" of an export ending last week would
    otherwise be empty.

    Returns
    -------
    dict
        ``{"first": date | None, "last": date | None}``.
    """
    df = query(
        version,
        "SELECT min(date) AS first, max(date) AS last FROM marts.daily_counts "
        "WHERE domain IN ('incidents', 'nuisance', 'accidents')",
    )
    first, last = df.iat[0, 0], df.iat[0, 1]
    return {
        "first": None if pd.isna(first) else pd.Timestamp(first).date(),
        "last": None if pd.isna(last) else pd.Timestamp(last).date(),
    }


@st.cache_data(show_spinner=False, max_entries=256)
def category_values(version: WarehouseVersion, dataset_key: str) -> list[str]:
    """Distinct category values of a dataset, sorted (for filter widgets)."""
    ds = dataset(dataset_key)
    df = query(
        version,
        f"SELECT DISTINCT t.{ds.category} AS v FROM {ds.table} t WHERE ({ds.where}) "
        f"AND t.{ds.category} IS NOT NULL ORDER BY 1 LIMIT 500",
    )
    return df["v"].tolist()


@st.cache_data(show_spinner=False, max_entries=1024)
def record_count(
    version: WarehouseVersion,
    dataset_key: str,
    start: date,
    end: date,
    wijken: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    located_only: bool = False,
) -> int:
    """Number of records of a dataset in the period (and wijken, categories).

    Parameters
    ----------
    located_only : bool
        Count only records with map coordinates.
    """
    ds = dataset(dataset_key)
    where, params = filter_sql(ds, start, end, wijken, categories)
    if located_only:
        where += " AND t.lon IS NOT NULL AND t.lat IS NOT NULL"
    return int(scalar(version, f"SELECT count(*) FROM {ds.table} t WHERE {where}", params) or 0)


@st.cache_data(show_spinner=False, max_entries=1024)
def counts_by(
    version: WarehouseVersion,
    dataset_key: str,
    dimensions: tuple[str, ...],
    start: date,
    end: date,
    wijken: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    measure: str | None = None,
    limit: int = 5_000,
) -> pd.DataFrame:
    """Aggregate a dataset by any combination of :data:`DIMENSIONS`.

    Parameters
    ----------
    dataset_key : str
        Key in :data:`DATASETS`.
    dimensions : tuple of str
        Keys of :data:`DIMENSIONS` (Dutch labels), in output order.
    measure : str, optional
        Key of the dataset's ``measures``; defaults to the first (a count).
    limit : int
        Most rows returned (largest groups first when it bites).

    Returns
    -------
    pandas.DataFrame
        One column per dimension (lower-case Dutch name) plus ``waarde``, sorted by the
        dimensions.

    Raises
    ------
    ValueError
        For an unknown dimension or measure, or a day-level dimension on a month-only source.
    """
    ds = dataset(dataset_key)
    measure = measure or next(iter(ds.measures))
    if measure not in ds.measures:
        raise ValueError(f"Onbekende maat {measure!r} voor {ds.label}")
    select, outputs = [], []
    for dim in dimensions:
        if dim not in DIMENSIONS:
            raise ValueError(f"Onbekende indeling {dim!r}")
        if ds.month_only and dim in DAY_DIMENSIONS:
            raise ValueError(f"{ds.label} kent geen dag: indelen per {dim.lower()} kan niet")
        expr, out = DIMENSIONS[dim]
        select.append(f"{expr.format(d=ds.date_expr, c=ds.category)} AS {out}")
        outputs.append(out)
    where, params = filter_sql(ds, start, end, wijken, categories)
    agg = ds.measures[measure]
    group = f"GROUP BY {', '.join(str(i + 1) for i in range(len(select)))}" if select else ""
    order = f"ORDER BY {', '.join(outputs)}" if outputs else ""
    sql = (
        f"SELECT * FROM (SELECT {', '.join(select + [f'{agg} AS waarde'])} "
        f"FROM {ds.table} t {_AREA_JOINS} WHERE {where} {group} "
        f"ORDER BY waarde DESC LIMIT $limit) {order}"
    )
    params["limit"] = int(limit)
    df = query(version, sql, params)
    df["waarde"] = df["waarde"].fillna(0)
    return df


@st.cache_data(show_spinner=False, max_entries=256)
def map_points(
    version: WarehouseVersion,
    dataset_key: str,
    start: date,
    end: date,
    wijken: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    limit: int = MAP_POINT_CAP,
) -> pd.DataFrame:
    """Located records for a point map, newest first, at most ``limit``.

    Returns
    -------
    pandas.DataFrame
        ``id``, ``lat``, ``lon``, ``category``, ``date``, ``address``, ``wijk_code``.
    """
    ds = dataset(dataset_key)
    where, params = filter_sql(ds, start, end, wijken, categories)
    params["limit"] = int(min(limit, MAP_POINT_CAP))
    return query(
        version,
        f"SELECT t.{ds.id_column} AS id, t.lat, t.lon, t.{ds.category} AS category, "
        f"{ds.date_expr} AS date, {ds.address_expr} AS address, t.wijk_code "
        f"FROM {ds.table} t WHERE {where} AND t.lat IS NOT NULL AND t.lon IS NOT NULL "
        f"ORDER BY date DESC, id LIMIT $limit",
        params,
    )


@st.cache_data(show_spinner=False, max_entries=256)
def hex_counts(
    version: WarehouseVersion,
    dataset_key: str,
    start: date,
    end: date,
    wijken: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    coarse: bool = False,
) -> pd.DataFrame:
    """Records per H3 cell, counted in DuckDB (for maps with too many points).

    Parameters
    ----------
    coarse : bool
        Use ``h3_cell_coarse`` (``[zone].h3_resolution_coarse``) instead of ``h3_cell``.

    Returns
    -------
    pandas.DataFrame
        ``h3_cell`` (int), ``n``; at most :data:`MAP_POINT_CAP` cells, the fullest first.
    """
    ds = dataset(dataset_key)
    column = "h3_cell_coarse" if coarse else "h3_cell"
    where, params = filter_sql(ds, start, end, wijken, categories)
    params["limit"] = MAP_POINT_CAP
    return query(
        version,
        f"SELECT CAST(t.{column} AS UBIGINT) AS h3_cell, count(*) AS n FROM {ds.table} t "
        f"WHERE {where} AND t.{column} IS NOT NULL GROUP BY 1 ORDER BY n DESC LIMIT $limit",
        params,
    )
