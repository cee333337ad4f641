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
_STREET_ONLY_WIJK = "CASE WHEN coalesce(t.address_number, '') = '' THEN t.wijk_code END"


def _address_rows_sql(table: str, where: str, extra: str = "") -> str:
    """The filtered records of ``table`` that name a street, with their address key.

    An address is ``street``, ``house_number``, its municipality (``nis_code``, or
    ``other_place`` for a municipality outside the zone) and ``street_wijk``. Street and
    number are the record's ``address_street`` and ``address_number``: the address as the
    build reads it whatever the spelling ("Kerkstr. 12", "kerkstraat 12" and "Kerkstraat 12"
    are one address, named as the zone's address list or most records write it;
    ``intermediate.int_address_streets``, ``int_address_numbers``). The
    municipality is the one the record's location lies in, else the one the record names
    (``municipality_reported``): a record located just outside the zone has no
    ``nis_code``, and grouped on it one street address became two (Nieuwstraat 24,
    Kortenberg: once inside the zone, once over the border), neither of them repeated. A
    name outside the zone keeps its own place key, a record without a name its postcode.
    """
    # The labels are matched once per distinct label (a few), through the build's own
    # reading of them (marts.place_labels), into maps keyed by the table's own labels:
    # every row's key stays a label code. A join per row instead made the count five times
    # slower at 10^6 records.
    named = f"""
        SELECT map(list(l.label) FILTER (WHERE c.nis_code IS NOT NULL),
                   list(c.nis_code) FILTER (WHERE c.nis_code IS NOT NULL)) AS nis,
               map(list(l.label) FILTER (WHERE c.nis_code IS NULL AND p.place_key IS NOT NULL),
                   list(p.place_key) FILTER (WHERE c.nis_code IS NULL AND p.place_key IS NOT NULL))
                   AS place
        FROM (SELECT DISTINCT municipality_reported AS label
              FROM {table} WHERE nis_code IS NULL) l
        JOIN marts.place_labels p ON p.label = CAST(l.label AS VARCHAR)
        LEFT JOIN (SELECT DISTINCT nis_code FROM {table} WHERE nis_code IS NOT NULL) c
            ON CAST(c.nis_code AS VARCHAR) = p.nis_code
    """
    return f"""
        SELECT t.address_street AS street, t.address_number AS house_number,
               coalesce(t.nis_code, named.nis[t.municipality_reported]) AS nis_code,
               CASE WHEN t.nis_code IS NULL AND named.nis[t.municipality_reported] IS NULL
                    THEN coalesce(named.place[t.municipality_reported],
                                  'postcode ' || CAST(t.postcode AS VARCHAR))
               END AS other_place,
               {_STREET_ONLY_WIJK} AS street_wijk
               {extra}
        FROM {table} t CROSS JOIN ({named}) named
        WHERE {where} AND t.address_street IS NOT NULL AND t.address_street <> ''
    """


#: The columns of :func:`top_addresses` that hold an address's key, as text (``None`` where
#: the part is missing): what :func:`address_daily_counts` looks the address up by.
ADDRESS_KEY = ("key_street", "key_nr", "key_nis", "key_place", "key_wijk")
_ADDRESS_KEY_SQL = (
    "CAST(f.street AS VARCHAR) AS key_street, CAST(f.house_number AS VARCHAR) AS key_nr, "
    "CAST(f.nis_code AS VARCHAR) AS key_nis, f.other_place AS key_place, "
    "CAST(f.street_wijk AS VARCHAR) AS key_wijk"
)


def source_filter(
    dataset_key: str,
    start: date,
    end: date,
    wijken: tuple[str, ...],
    categories: tuple[str, ...],
    hours: tuple[int, int],
    weekdays: tuple[int, ...],
):
    """Dataset, SQL condition and parameters of a source of insecurity's filters (period,
    wijken, categories, hours, weekdays); here and in :mod:`dashboard.queries.hotspots`."""
    if dataset_key not in SOURCE_DATASETS:
        raise ValueError(f"Geen bron van onveiligheid: {dataset_key!r}")
    ds = dataset(dataset_key)
    where, params = filter_sql(ds, start, end, wijken, categories)
    time_sql, time_params = time_filter_sql(hours, weekdays)
    return ds, where + time_sql, {**params, **time_params}


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
        ``adres``, ``schrijfwijzen`` (the other ways its records write it, comma-separated;
        NULL when none), ``gemeente``, ``wijk`` (and its ``wijk_code``), ``aantal``,
        ``categorieen`` (distinct categories, comma-separated), ``eerste``, ``laatste``
        (dates), ``lat``, ``lon`` (mean position of the address's located records, NaN when
        none is located) and the address's key
        as text in :data:`ADDRESS_KEY` (for :func:`address_daily_counts`). An address is a
        street, a house number and a municipality (see :func:`_address_rows_sql`).
    """
    ds, where, params = source_filter(dataset_key, start, end, wijken, categories, hours, weekdays)
    params.update({"min_count": int(min_count), "limit": int(limit)})
    rows = _address_rows_sql(
        ds.table,
        where,
        extra=f", t.municipality_name, t.municipality_reported, t.wijk_name, t.wijk_code, "
        f"t.{ds.category} AS cat, {ds.date_expr} AS d, t.lat, t.lon, "
        "concat_ws(' ', t.street, t.house_number) AS written",
    )
    return query(
        version,
        f"""
        WITH f AS ({rows}),
        -- Pick the top addresses on counts alone first: the category list (a DISTINCT
        -- string_agg) is then built for those few addresses only, not for every address.
        top AS (
            SELECT street, house_number, nis_code, other_place, street_wijk, count(*) AS aantal
            FROM f GROUP BY street, house_number, nis_code, other_place, street_wijk
            HAVING count(*) >= $min_count
            ORDER BY aantal DESC, concat_ws(' ', street, house_number) LIMIT $limit
        )
        SELECT CASE WHEN coalesce(f.house_number, '') = ''
                    THEN f.street || ' (zonder huisnummer)'
                    ELSE concat_ws(' ', f.street, f.house_number) END AS adres,
               -- How the exports wrote it otherwise ("Kerkstr. 12"), for the reader to check.
               string_agg(DISTINCT f.written, ', ' ORDER BY f.written) FILTER (
                   WHERE f.written <> concat_ws(' ', f.street, f.house_number)) AS schrijfwijzen,
               -- Where the location gives none, the municipality the records name.
               coalesce(CAST(mode(f.municipality_name) AS VARCHAR),
                        CAST(mode(f.municipality_reported) AS VARCHAR)) AS gemeente,
               mode(f.wijk_name) AS wijk,
               CAST(mode(f.wijk_code) AS VARCHAR) AS wijk_code,
               count(*) AS aantal,
               string_agg(DISTINCT f.cat, ', ' ORDER BY f.cat) AS categorieen,
               min(f.d) AS eerste,
               max(f.d) AS laatste,
               avg(f.lat) AS lat,
               avg(f.lon) AS lon,
               {_ADDRESS_KEY_SQL}
        FROM f JOIN top ON f.street = top.street
            AND f.house_number IS NOT DISTINCT FROM top.house_number
            AND f.nis_code IS NOT DISTINCT FROM top.nis_code
            AND f.other_place IS NOT DISTINCT FROM top.other_place
            AND f.street_wijk IS NOT DISTINCT FROM top.street_wijk
        GROUP BY f.street, f.house_number, f.nis_code, f.other_place, f.street_wijk
        ORDER BY aantal DESC, adres
        """,
        params,
    )


@st.cache_data(show_spinner=False, max_entries=256)
def repeated_address_count(
    version: WarehouseVersion,
    dataset_keys: str | tuple[str, ...],
    start: date,
    end: date,
    wijken: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    min_count: int = 2,
    hours: tuple[int, int] = ALL_HOURS,
    weekdays: tuple[int, ...] = (),
) -> int:
    """Number of addresses with at least ``min_count`` records in the period (no limit).

    Parameters
    ----------
    dataset_keys : str or tuple of str
        ``"incidents"``, ``"nuisance"`` or both. With several, an address counts once when
        it has ``min_count`` records in at least one of them: an address with repeated
        facts and repeated reports is one address (a sum per source counted it twice).
    """
    keys = (dataset_keys,) if isinstance(dataset_keys, str) else tuple(dataset_keys)
    if not keys:
        return 0
    params: dict = {"min_count": int(min_count)}
    repeated = []
    for key in keys:
        ds, where, key_params = source_filter(key, start, end, wijken, categories, hours, weekdays)
        # Every source takes the same filters, so the same parameter values.
        params.update(key_params)
        # Grouped on the source's own label codes; only the repeated addresses become text,
        # so that both sources' keys compare.
        repeated.append(
            "SELECT CAST(street AS VARCHAR) AS street, CAST(house_number AS VARCHAR) AS nr, "
            "CAST(nis_code AS VARCHAR) AS nis_code, other_place, "
            "CAST(street_wijk AS VARCHAR) AS street_wijk "
            f"FROM ({_address_rows_sql(ds.table, where)}) "
            "GROUP BY street, house_number, nis_code, other_place, street_wijk "
            "HAVING count(*) >= $min_count"
        )
    df = query(version, f"SELECT count(*) AS n FROM ({' UNION '.join(repeated)})", params)
    return int(df.iat[0, 0])


@st.cache_data(show_spinner=False, max_entries=256)
def address_daily_counts(
    version: WarehouseVersion,
    dataset_key: str,
    address: tuple[str | None, ...],
    wijken: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    hours: tuple[int, int] = ALL_HOURS,
    weekdays: tuple[int, ...] = (),
) -> pd.DataFrame:
    """Records per day at one address, over all the data (no period): its history.

    Parameters
    ----------
    dataset_key : {"incidents", "nuisance"}
    address : tuple
        The address's key, the values of :data:`ADDRESS_KEY` of a :func:`top_addresses`
        row (of either source: both group their records alike).
    wijken, categories, hours, weekdays
        The same filters as :func:`top_addresses` (an inspector: the own wijk).

    Returns
    -------
    pandas.DataFrame
        ``dag`` (date), ``aantal``: only days with a record, oldest first.
    """
    ds, where, params = source_filter(
        dataset_key, date.min, date.max, wijken, categories, hours, weekdays
    )
    rows, key_params = _at_address_sql(ds, where, address, extra=f", {ds.date_expr} AS d")
    return query(
        version,
        f"SELECT d AS dag, count(*) AS aantal FROM ({rows}) GROUP BY d ORDER BY d",
        params | key_params,
    )


def _at_address_sql(ds, where: str, address: tuple[str | None, ...], extra: str = "") -> tuple:
    """SQL of the records of ``ds`` (filtered by ``where``) at one address, and its
    parameters; ``extra`` adds columns of the table ``t``."""
    if len(address) != len(ADDRESS_KEY) or not address[0]:
        raise ValueError(f"Geen adressleutel: {address!r}")
    street, nr, nis, place, street_wijk = address
    params = {"street": street, "nr": nr, "nis": nis, "place": place, "swijk": street_wijk}
    # The street first, on the table's own column (an ENUM compares with the text once per
    # label): the address's other parts then only sift that street's records.
    rows = _address_rows_sql(ds.table, f"{where} AND t.address_street = $street", extra=extra)
    sql = f"""
        SELECT * FROM ({rows}) f
        WHERE CAST(f.house_number AS VARCHAR) IS NOT DISTINCT FROM $nr
          AND CAST(f.nis_code AS VARCHAR) IS NOT DISTINCT FROM $nis
          AND f.other_place IS NOT DISTINCT FROM $place
          AND CAST(f.street_wijk AS VARCHAR) IS NOT DISTINCT FROM $swijk
    """
    return sql, params


@st.cache_data(show_spinner=False, max_entries=256)
def address_place(
    version: WarehouseVersion, address: tuple[str | None, ...], wijken: tuple[str, ...] = ()
) -> tuple[float, float, float, float] | None:
    """Where an address lies: the mean position of its located records in every source of
    insecurity, over all the data and without the page's category or time filters (the
    place does not change with them).

    Returns
    -------
    (x, y, lat, lon) or None
        Lambert coordinates in metres (for distances) and WGS84 (for the map); ``None``
        when none of its records is located, or when it is a street without house number
        (its records lie all along it, no one place).
    """
    if len(address) != len(ADDRESS_KEY) or not address[1]:
        return None
    parts, params = [], {}
    for key in SOURCE_DATASETS:
        ds, where, key_params = source_filter(key, date.min, date.max, wijken, (), ALL_HOURS, ())
        rows, address_params = _at_address_sql(ds, where, address, extra=", t.x, t.y, t.lat, t.lon")
        parts.append(f"SELECT x, y, lat, lon FROM ({rows}) WHERE x IS NOT NULL")
        params |= key_params | address_params
    found = query(
        version,
        f"SELECT avg(x), avg(y), avg(lat), avg(lon) FROM ({' UNION ALL '.join(parts)})",
        params,
    )
    if found.empty or pd.isna(found.iat[0, 0]):
        return None
    return tuple(float(v) for v in found.iloc[0])


@st.cache_data(show_spinner=False, max_entries=256)
def address_surroundings_daily(
    version: WarehouseVersion,
    dataset_key: str,
    address: tuple[str | None, ...],
    place: tuple[float, float] | None,
    radius_m: float,
    wijken: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    hours: tuple[int, int] = ALL_HOURS,
    weekdays: tuple[int, ...] = (),
) -> pd.DataFrame:
    """Records per day at one address, around it and in the whole area, over all the data.

    The surroundings are the located records within ``radius_m`` of the address's place
    that are not at the address; the area is every record of ``wijken`` (empty: the zone)
    with the same filters.

    Parameters
    ----------
    address : tuple
        The address's key (:data:`ADDRESS_KEY`), as for :func:`address_daily_counts`.
    place : (x, y, ...) or None
        Where it lies (:func:`address_place`: its first two values); ``None``: nowhere
        known.
    radius_m : float
        Radius of the surroundings in metres.
    wijken, categories, hours, weekdays
        The filters of :func:`top_addresses`, for all three counts.

    Returns
    -------
    pandas.DataFrame
        ``dag`` (date), ``adres``, ``omgeving``, ``totaal`` (records), only days with a
        record in the area, oldest first; ``omgeving`` is NULL throughout without a place.
    """
    ds, where, params = source_filter(
        dataset_key, date.min, date.max, wijken, categories, hours, weekdays
    )
    at, key_params = _at_address_sql(ds, where, address, extra=f", {ds.date_expr} AS d, t.x, t.y")
    cx, cy = place[:2] if place is not None else (None, None)
    r = float(radius_m)
    params |= key_params | {"r": r, "r2": r * r, "cx": cx, "cy": cy}
    # The area's records per day are the same for every address: counted once
    # (area_daily_counts); here only the address's and those within the radius, which the
    # box around the place finds before the distance is computed.
    near = query(
        version,
        f"""
        WITH addr AS ({at}),
        here AS (
            SELECT d, count(*) AS n,
                   count(*) FILTER ((x - $cx::DOUBLE) ** 2 + (y - $cy::DOUBLE) ** 2 <= $r2)
                       AS near_here
            FROM addr GROUP BY d
        ),
        ring AS (
            SELECT {ds.date_expr} AS d, count(*) AS near
            FROM {ds.table} t
            WHERE {where}
              AND t.x BETWEEN $cx::DOUBLE - $r AND $cx::DOUBLE + $r
              AND t.y BETWEEN $cy::DOUBLE - $r AND $cy::DOUBLE + $r
              AND (t.x - $cx::DOUBLE) ** 2 + (t.y - $cy::DOUBLE) ** 2 <= $r2
            GROUP BY d
        )
        SELECT coalesce(here.d, ring.d) AS dag, coalesce(here.n, 0) AS adres,
               coalesce(ring.near, 0) - coalesce(here.near_here, 0) AS omgeving
        FROM here FULL JOIN ring ON ring.d = here.d
        """,
        params,
    )
    area = area_daily_counts(version, dataset_key, wijken, categories, hours, weekdays)
    out = area.rename(columns={"aantal": "totaal"}).merge(near, on="dag", how="left")
    out["adres"] = out["adres"].fillna(0).astype("int64")
    out["omgeving"] = out["omgeving"].fillna(0).astype("int64")
    if place is None:
        out["omgeving"] = pd.NA
    return out[["dag", "adres", "omgeving", "totaal"]]


@st.cache_data(show_spinner=False, max_entries=64)
def area_daily_counts(
    version: WarehouseVersion,
    dataset_key: str,
    wijken: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    hours: tuple[int, int] = ALL_HOURS,
    weekdays: tuple[int, ...] = (),
) -> pd.DataFrame:
    """Records per day of ``wijken`` (empty: the zone) with the filters of
    :func:`top_addresses`, over all the data: ``dag``, ``aantal``, only days with a
    record, oldest first."""
    ds, where, params = source_filter(
        dataset_key, date.min, date.max, wijken, categories, hours, weekdays
    )
    return query(
        version,
        f"SELECT {ds.date_expr} AS dag, count(*) AS aantal FROM {ds.table} t WHERE {where} "
        "GROUP BY dag ORDER BY dag",
        params,
    )
