"""Where, when and around what insecurity concentrates (page "Bronnen van onveiligheid").

Every function takes the common filters of the page -- period, wijken, categories -- plus
an hour range and weekdays (:func:`dashboard.queries.incidents.time_filter_sql`), counts in
DuckDB and returns a small frame. The hour and weekday filters need the record tables
(``marts.hex_counts`` only knows months), which DuckDB scans fast enough: see
``tests/benchmarks/test_bench_sources.py`` for the figures at 10^6 incidents.

Two functions at the end (:func:`hotspot_classes`, :func:`emerging_classes`) also run the
statistics of :mod:`dashboard.analysis.hotspots` on those counts: the Gi* of a few hundred
cells costs more than the query, and caching the pair under one key saves both on a rerun.
"""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pandas as pd
import streamlit as st
from h3.api import basic_int as h3i

from dashboard.queries._db import ANALYSIS_MAX_ROWS, MAX_ROWS, WarehouseVersion, query, scalar

# IN_ZONE: records that count on hexagon maps (a record outside the zone would put a stray
# cell beyond the Gi* study area), one rule with the other maps and marts.hex_counts.
from dashboard.queries.common import (
    IN_ZONE,
    MAP_POINT_CAP,
    dataset,
    points_sql,
    scoped_cell_sql,
)
from dashboard.queries.incidents import (
    ALL_HOURS,
    source_filter,
)

#: Period granularities of the emerging hot-spot view: key → (DuckDB date_trunc unit, label).
GRANULARITIES = {"month": ("month", "Maanden"), "quarter": ("quarter", "Kwartalen")}


#: Most records the near-repeat analysis takes on: beyond it (a whole region, years of
#: data) the close pairs grow quadratically and the page asks to narrow the selection.
NEAR_REPEAT_MAX = 10_000

#: Most records a drill-down list shows (the export carries the same rows).
RECORD_LIST_LIMIT = 1_000


@st.cache_data(show_spinner=False, max_entries=1024)
def filtered_count(
    version: WarehouseVersion,
    dataset_key: str,
    start: date,
    end: date,
    wijken: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    hours: tuple[int, int] = ALL_HOURS,
    weekdays: tuple[int, ...] = (),
    located_only: bool = False,
    inside_zone: bool = False,
    cell: int | None = None,
    fine_wijken: tuple[str, ...] | None = None,
) -> int:
    """Number of records matching every filter of the page.

    Parameters
    ----------
    dataset_key : {"incidents", "nuisance"}
    located_only : bool
        Count only records with map coordinates: what the point maps draw, records
        located outside the zone included.
    inside_zone : bool
        Count only records located inside the zone: what the hexagon maps
        (:func:`cell_counts`) hold. A record just over the border has coordinates but no
        hexagon, so a note counting it said more than the hexagons showed.
    cell, fine_wijken : optional
        Count only the records the hexagon map drew in this H3 cell (fine or coarse),
        with the ``fine_wijken`` it was drawn with (:func:`drawn_in_cell_sql`; implies
        ``inside_zone``): the number the map shows on that cell.
    """
    ds, where, params = source_filter(dataset_key, start, end, wijken, categories, hours, weekdays)
    if cell is not None:
        where += " AND " + drawn_in_cell_sql(version, cell, fine_wijken, params)
    elif located_only or inside_zone:
        where += " AND t.lat IS NOT NULL AND t.h3_cell IS NOT NULL"
    if inside_zone:
        where += f" AND {IN_ZONE}"
    return int(scalar(version, f"SELECT count(*) FROM {ds.table} t WHERE {where}", params) or 0)


def drawn_in_cell_sql(
    version: WarehouseVersion, cell: int, fine_wijken: tuple[str, ...] | None, params: dict
) -> str:
    """SQL that holds for the records (alias ``t``) a hexagon map drew in ``cell``: those
    whose cell as the reader sees it (:func:`scoped_cell_sql`) is ``cell``, inside the zone
    (:data:`IN_ZONE`), as :func:`cell_counts` counts them. ``fine_wijken`` as the map had
    it (``None``: fine cells everywhere, or a map drawn in coarse cells only): for an
    inspector a coarse cell holds the other wijken's records only, the own wijk's lie in
    fine cells (a click on a coarse cell listed an own record drawn elsewhere). The cell's
    resolution tells fine from coarse. Adds ``$cell`` (and ``$fine_wijken``) to ``params``.
    """
    fine = scalar(version, "SELECT any_value(h3_cell) FROM marts.incidents LIMIT 1")
    coarse = fine is not None and h3i.get_resolution(int(fine)) != h3i.get_resolution(int(cell))
    expr = scoped_cell_sql(coarse and fine_wijken is None, fine_wijken, params)
    params["cell"] = int(cell)
    return f"{expr} = $cell AND {IN_ZONE}"


@st.cache_data(show_spinner=False, max_entries=512)
def cell_counts(
    version: WarehouseVersion,
    dataset_key: str,
    start: date,
    end: date,
    wijken: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    hours: tuple[int, int] = ALL_HOURS,
    weekdays: tuple[int, ...] = (),
    coarse: bool = False,
    fine_wijken: tuple[str, ...] | None = None,
    every_cell: bool = False,
) -> pd.DataFrame:
    """Records per H3 cell (fine or coarse resolution), counted in DuckDB.

    Parameters
    ----------
    coarse : bool
        Count every record in its coarse cell (``h3_cell_coarse``).
    every_cell : bool
        Every cell with records, not only the :data:`MAP_POINT_CAP` fullest (what a map
        draws): the input of a statistic over the whole area (Gi*), where a cell cut off
        counted as empty in its mean, spread and neighbours' sums.
    fine_wijken : tuple of str, optional
        The wijken whose records the reader may see in fine cells
        (:func:`dashboard.components.maps.fine_cell_wijken`): ``None`` = every wijk; else
        only the records of these wijken count in their fine cell, all others (other
        wijken, no wijk) in their coarse cell. An inspector's map so holds fine cells of
        the own wijk's records only, and coarse ones for the rest, as
        :func:`dashboard.components.maps.visible_points` does with points. A fine and a
        coarse cell never share an id (the resolution is part of it).

    Returns
    -------
    pandas.DataFrame
        ``h3_cell`` (uint64), ``n``, ``lat``, ``lon`` (the cell's centre, for heat maps);
        at most :data:`MAP_POINT_CAP` cells, the fullest first (``every_cell``: all).
    """
    ds, where, params = source_filter(dataset_key, start, end, wijken, categories, hours, weekdays)
    cell = scoped_cell_sql(coarse, fine_wijken, params)
    params["limit"] = ANALYSIS_MAX_ROWS if every_cell else MAP_POINT_CAP
    df = query(
        version,
        f"SELECT CAST({cell} AS UBIGINT) AS h3_cell, count(*) AS n FROM {ds.table} t "
        f"WHERE {where} AND {cell} IS NOT NULL AND {IN_ZONE} "
        f"GROUP BY 1 ORDER BY n DESC, 1 LIMIT $limit",
        params,
        max_rows=ANALYSIS_MAX_ROWS if every_cell else None,
    )
    # The cell's centre, not its records' mean position: a cell of one record gave that
    # record's exact place, to every role (an inspector saw other wijken's records so).
    centres = [h3i.cell_to_latlng(int(c)) for c in df["h3_cell"]]
    df["lat"] = [c[0] for c in centres]
    df["lon"] = [c[1] for c in centres]
    return df


@st.cache_data(show_spinner=False, max_entries=256)
def cell_counts_by_period(
    version: WarehouseVersion,
    dataset_key: str,
    start: date,
    end: date,
    wijken: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    hours: tuple[int, int] = ALL_HOURS,
    weekdays: tuple[int, ...] = (),
    granularity: str = "month",
) -> pd.DataFrame:
    """Records per period (month or quarter) and fine H3 cell, for emerging hot spots.

    Returns
    -------
    pandas.DataFrame
        ``period`` (date: first day of the month/quarter), ``h3_cell`` (uint64), ``n``;
        only non-empty combinations.
    """
    unit = GRANULARITIES[granularity][0]
    ds, where, params = source_filter(dataset_key, start, end, wijken, categories, hours, weekdays)
    return query(
        version,
        f"SELECT CAST(date_trunc('{unit}', {ds.date_expr}) AS DATE) AS period, "
        f"CAST(t.h3_cell AS UBIGINT) AS h3_cell, count(*) AS n FROM {ds.table} t "
        f"WHERE {where} AND t.h3_cell IS NOT NULL AND {IN_ZONE} GROUP BY 1, 2 ORDER BY 1, 2",
        params,
    )


@st.cache_data(show_spinner=False, max_entries=256)
def points(
    version: WarehouseVersion,
    dataset_key: str,
    start: date,
    end: date,
    wijken: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    hours: tuple[int, int] = ALL_HOURS,
    weekdays: tuple[int, ...] = (),
    limit: int = MAP_POINT_CAP,
) -> pd.DataFrame:
    """Located records for the point and heat maps, newest first, at most ``limit``.

    Returns
    -------
    pandas.DataFrame
        ``id``, ``lat``, ``lon``, ``category``, ``date``, ``address``, ``wijk_code``.
    """
    ds, where, params = source_filter(dataset_key, start, end, wijken, categories, hours, weekdays)
    params["limit"] = int(min(limit, MAP_POINT_CAP))
    return query(version, points_sql(ds, where), params)


@st.cache_data(show_spinner=False, max_entries=256)
def wijk_counts(
    version: WarehouseVersion,
    dataset_key: str,
    start: date,
    end: date,
    wijken: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    hours: tuple[int, int] = ALL_HOURS,
    weekdays: tuple[int, ...] = (),
) -> pd.DataFrame:
    """Records per wijk with the wijk's population (for rates per 1,000 inhabitants).

    Returns
    -------
    pandas.DataFrame
        One row per wijk of ``marts.districts`` (also wijken without records): ``code``,
        ``name``, ``population`` (NaN when unknown), ``n``.
    """
    _, where, params = source_filter(dataset_key, start, end, wijken, categories, hours, weekdays)
    ds = dataset(dataset_key)
    return query(
        version,
        f"""
        WITH c AS (SELECT t.wijk_code, count(*) AS n FROM {ds.table} t
                   WHERE {where} AND t.wijk_code IS NOT NULL GROUP BY 1)
        SELECT w.code, w.name, w.population, coalesce(c.n, 0) AS n
        FROM marts.districts w LEFT JOIN c ON c.wijk_code = w.code
        WHERE w.layer = 'wijk' ORDER BY w.code LIMIT 2000
        """,
        params,
    )


@st.cache_data(show_spinner=False, max_entries=256)
def hour_weekday_counts(
    version: WarehouseVersion,
    dataset_key: str,
    start: date,
    end: date,
    wijken: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    hours: tuple[int, int] = ALL_HOURS,
    weekdays: tuple[int, ...] = (),
) -> pd.DataFrame:
    """Records per ISO weekday and hour of the (start) time.

    Returns
    -------
    pandas.DataFrame
        ``weekday`` (1 = maandag), ``hour`` (0-23), ``n``; only non-empty slots (≤ 168
        rows), and per weekday one row with ``hour`` empty for the records whose hour is
        unknown (a register or export that gave the day only: not midnight).
    """
    ds, where, params = source_filter(dataset_key, start, end, wijken, categories, hours, weekdays)
    return query(
        version,
        f"SELECT t.weekday, t.hour, count(*) AS n FROM {ds.table} t "
        f"WHERE {where} GROUP BY 1, 2 ORDER BY 1, 2 NULLS LAST",
        params,
    )


#: Most window groups :func:`incident_windows` returns at quarter-hour precision before it
#: falls back to whole hours.
WINDOW_GROUP_LIMIT = 40_000


@st.cache_data(show_spinner=False, max_entries=256)
def incident_windows(
    version: WarehouseVersion,
    start: date,
    end: date,
    wijken: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    hours: tuple[int, int] = ALL_HOURS,
    weekdays: tuple[int, ...] = (),
) -> pd.DataFrame:
    """Incident time windows grouped by where they start in the week and how long they last.

    Aoristic weights depend only on a window's start within the week and its length, so
    10^6 windows collapse into some thousands of groups; :func:`aoristic_input` expands
    them for :func:`dashboard.analysis.temporal.aoristic_hour_weekday`. ``hours`` and
    ``weekdays`` select on the *start* of the window; for an aoristic matrix leave them
    out and cut the matrix with :func:`keep_time_slots` instead. Times are taken to
    the quarter of an hour (the grid ISLP exports use), which is exact for such data; when
    that gives more than :data:`WINDOW_GROUP_LIMIT` groups (about 10^6 windows), to whole
    hours (start rounded down, length rounded). Windows of a week or more are capped at a
    week, which that function spreads evenly anyway. Exact-time records always keep their
    hour.

    Returns
    -------
    pandas.DataFrame
        ``start_u`` (units since Monday 00:00), ``length_u`` (units, 0 = exact time),
        ``n`` and ``unit_min`` (15 or 60: minutes per unit, the same on every row).
    """
    _, where, params = source_filter("incidents", start, end, wijken, categories, hours, weekdays)
    params["group_limit"] = WINDOW_GROUP_LIMIT
    return query(
        version,
        f"""
        WITH w AS (
            SELECT (isodow(t.occurred_from) - 1) * 96 + hour(t.occurred_from) * 4
                       + CAST(floor(minute(t.occurred_from) / 15) AS INTEGER) AS q,
                   CASE WHEN t.is_window THEN least(672.0, greatest(0.0,
                       (epoch(t.occurred_to) - epoch(t.occurred_from)) / 900.0)) ELSE 0 END AS len_q
            FROM marts.incidents t
            WHERE {where} AND t.occurred_from IS NOT NULL
        ),
        fine AS (SELECT q AS start_u, CAST(round(len_q) AS INTEGER) AS length_u, count(*) AS n,
                        15 AS unit_min FROM w GROUP BY 1, 2),
        coarse AS (SELECT q // 4 AS start_u,
                          CAST(CASE WHEN len_q = 0 THEN 0 ELSE greatest(1, round(len_q / 4)) END
                               AS INTEGER) AS length_u,
                          count(*) AS n, 60 AS unit_min FROM w GROUP BY 1, 2),
        size AS (SELECT count(*) AS groups FROM fine)
        SELECT * FROM fine WHERE (SELECT groups FROM size) <= $group_limit
        UNION ALL
        SELECT * FROM coarse WHERE (SELECT groups FROM size) > $group_limit
        ORDER BY 1, 2
        """,
        params,
    )


def aoristic_input(windows: pd.DataFrame) -> pd.DataFrame:
    """Expand :func:`incident_windows` groups into one start/end row per record.

    Returns
    -------
    pandas.DataFrame
        ``van``, ``tot`` timestamps (``tot`` is NaT for exact times) in a reference week
        starting Monday 05/01/1970, one row per record.
    """
    if windows.empty:
        return pd.DataFrame(
            {"van": pd.Series(dtype="datetime64[ns]"), "tot": pd.Series(dtype="datetime64[ns]")}
        )
    unit = int(windows["unit_min"].iloc[0])
    counts = windows["n"].to_numpy(dtype=np.int64)
    start_u = np.repeat(windows["start_u"].to_numpy(dtype=np.int64), counts)
    length_u = np.repeat(windows["length_u"].to_numpy(dtype=np.int64), counts)
    monday = pd.Timestamp("1970-01-05")
    van = monday + pd.to_timedelta(start_u * unit, unit="min")
    tot = van + pd.to_timedelta(length_u * unit, unit="min")
    tot = tot.where(length_u > 0)
    return pd.DataFrame({"van": van, "tot": tot})


def keep_time_slots(
    matrix: pd.DataFrame, hours: tuple[int, int] = ALL_HOURS, weekdays: tuple[int, ...] = ()
) -> pd.DataFrame:
    """An hour × weekday matrix with every slot outside the hour and weekday filter set to 0.

    For the aoristic matrix of a filtered page: the records are selected *without* the hour
    and weekday filter (:func:`incident_windows` with its defaults), spread over their
    windows, and only then cut to the chosen slots. Selected on the start hour instead, a
    burglary from 22:00 to 03:00 was left out of "00-05 u" and one from 04:00 to 10:00 put
    most of its weight outside it (with "00-05 u", 64 % of the weight shown lay outside).

    Parameters
    ----------
    matrix : pandas.DataFrame
        Index ISO weekdays (1 = maandag), columns hours 0-23, as
        :func:`dashboard.analysis.temporal.aoristic_hour_weekday` returns.
    hours, weekdays
        As :func:`dashboard.queries.incidents.time_filter_sql`: both hours included,
        ``(22, 5)`` wraps around midnight; no weekdays means every day.
    """
    h_from, h_to = (int(h) for h in hours)
    hour = np.asarray(matrix.columns, dtype=int)
    if h_from <= h_to:
        hour_ok = (hour >= h_from) & (hour <= h_to)
    else:
        hour_ok = (hour >= h_from) | (hour <= h_to)
    day = np.asarray(matrix.index, dtype=int)
    day_ok = np.isin(day, [int(d) for d in weekdays]) if weekdays else np.ones(day.size, bool)
    return matrix.where(np.outer(day_ok, hour_ok), 0.0)


@st.cache_data(show_spinner=False, max_entries=256)
def monthly_counts(
    version: WarehouseVersion,
    dataset_key: str,
    start: date,
    end: date,
    wijken: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    hours: tuple[int, int] = ALL_HOURS,
    weekdays: tuple[int, ...] = (),
) -> pd.DataFrame:
    """Records per month from 12 months before ``start`` until ``end``.

    The extra year lets :func:`dashboard.analysis.temporal.monthly_with_last_year` put
    each month of the period next to the same month a year earlier; ``n_tot_dag`` lets it
    compare a month that ``end`` cuts short with the same days a year earlier.

    Returns
    -------
    pandas.DataFrame
        ``maand`` (date, first of the month), ``n``, ``n_tot_dag`` (the records on or
        before day ``end.day`` of the month), ``n_vanaf_dag`` (on or after day
        ``start.day``) and ``n_binnen`` (from day ``start.day`` through day ``end.day``):
        the same days of every month, for a month the period cuts short.
    """
    first = date(start.year - 1, start.month, 1)
    ds, where, params = source_filter(dataset_key, first, end, wijken, categories, hours, weekdays)
    day = f"day({ds.date_expr})"
    return query(
        version,
        f"SELECT CAST(date_trunc('month', {ds.date_expr}) AS DATE) AS maand, count(*) AS n, "
        f"count(*) FILTER (WHERE {day} <= $tot_dag) AS n_tot_dag, "
        f"count(*) FILTER (WHERE {day} >= $vanaf_dag) AS n_vanaf_dag, "
        f"count(*) FILTER (WHERE {day} BETWEEN $vanaf_dag AND $tot_dag) AS n_binnen "
        f"FROM {ds.table} t WHERE {where} GROUP BY 1 ORDER BY 1",
        {**params, "tot_dag": end.day, "vanaf_dag": start.day},
    )


@st.cache_data(show_spinner=False, max_entries=256)
def records_in_area(
    version: WarehouseVersion,
    dataset_key: str,
    start: date,
    end: date,
    wijken: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    hours: tuple[int, int] = ALL_HOURS,
    weekdays: tuple[int, ...] = (),
    cell: int | None = None,
    wijk: str | None = None,
    limit: int = RECORD_LIST_LIMIT,
    fine_wijken: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """The records in one H3 cell (fine or coarse) or one wijk, newest first.

    Parameters
    ----------
    cell : int, optional
        H3 cell at the fine or the coarse resolution (told apart by its resolution): the
        records the hexagon map drew in it (:func:`drawn_in_cell_sql`).
    fine_wijken : tuple of str, optional
        The ``fine_wijken`` the map was drawn with (``None``: fine cells everywhere, or
        coarse cells only).
    wijk : str, optional
        Wijk code; used when ``cell`` is None.
    limit : int
        Most records returned.

    Returns
    -------
    pandas.DataFrame
        ``nummer``, ``datum`` (timestamp of the facts/report), ``categorie``, ``adres``,
        ``wijk``.
    """
    ds, where, params = source_filter(dataset_key, start, end, wijken, categories, hours, weekdays)
    time_col = "t.occurred_from" if dataset_key == "incidents" else "t.reported_at"
    if cell is not None:
        where += " AND " + drawn_in_cell_sql(version, cell, fine_wijken, params)
    elif wijk is not None:
        where += " AND t.wijk_code = $wijk"
        params["wijk"] = wijk
    else:
        raise ValueError("Geef een zeshoek of een wijk")
    params["limit"] = int(min(limit, MAX_ROWS))
    return query(
        version,
        f"SELECT t.{ds.id_column} AS nummer, {time_col} AS datum, t.{ds.category} AS categorie, "
        f"{ds.address_expr} AS adres, t.wijk_name AS wijk FROM {ds.table} t WHERE {where} "
        f"ORDER BY datum DESC, nummer LIMIT $limit",
        params,
    )


@st.cache_data(show_spinner=False, max_entries=256)
def burglaries(
    version: WarehouseVersion,
    start: date,
    end: date,
    wijken: tuple[str, ...] = (),
    categories: tuple[str, ...] = ("Woninginbraak",),
    hours: tuple[int, int] = ALL_HOURS,
    weekdays: tuple[int, ...] = (),
) -> pd.DataFrame:
    """Located incidents of the given categories (burglaries) for the near-repeat analysis,
    inside the zone (:data:`IN_ZONE`) as the hot-spot maps count them: a burglary placed
    across the zone's border (kept and flagged) joined chains the maps never show.

    Returns
    -------
    pandas.DataFrame
        ``id``, ``x``, ``y`` (Lambert 72 m), ``lat``, ``lon``, ``t`` (start of the facts),
        ``adres``; at most :data:`MAX_ROWS` records, the newest.
    """
    _, where, params = source_filter("incidents", start, end, wijken, categories, hours, weekdays)
    params["limit"] = MAX_ROWS
    return query(
        version,
        f"SELECT t.pv_number AS id, t.x, t.y, t.lat, t.lon, t.occurred_from AS t, "
        f"concat_ws(' ', t.street, t.house_number) AS adres FROM marts.incidents t "
        f"WHERE {where} AND t.x IS NOT NULL AND t.y IS NOT NULL AND t.occurred_from IS NOT NULL "
        f"AND {IN_ZONE} ORDER BY t.occurred_from DESC, id LIMIT $limit",
        params,
    )


@st.cache_data(show_spinner=False, max_entries=256)
def record_xy(
    version: WarehouseVersion,
    dataset_key: str,
    start: date,
    end: date,
    wijken: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    hours: tuple[int, int] = ALL_HOURS,
    weekdays: tuple[int, ...] = (),
    sample: int = MAX_ROWS,
) -> pd.DataFrame:
    """Lambert 72 coordinates of the located records (for the risk near POIs).

    Above ``sample`` records a fixed reservoir sample is returned: densities and their
    ratio do not change under uniform sampling, and 10^6 points would not fit the row cap.

    Returns
    -------
    pandas.DataFrame
        ``x``, ``y``; at most ``sample`` rows.
    """
    ds, where, params = source_filter(dataset_key, start, end, wijken, categories, hours, weekdays)
    n = int(sample)
    return query(
        version,
        # The sample must wrap the filtered rows: in DuckDB a sample on the table itself
        # is drawn before the WHERE clause.
        f"SELECT * FROM (SELECT t.x, t.y FROM {ds.table} t WHERE {where} AND t.x IS NOT NULL "
        f"AND t.location_status = 'ok') USING SAMPLE reservoir({n} ROWS) REPEATABLE (42)",
        params,
    )


@st.cache_data(show_spinner=False, max_entries=16)
def poi_points(version: WarehouseVersion) -> pd.DataFrame:
    """Points of interest (``marts.poi``): ``poi_id``, ``poi_type``, ``name``, ``x``, ``y``,
    ``lat``, ``lon``, ``wijk_code``; only located ones."""
    return query(
        version,
        "SELECT poi_id, poi_type, name, x, y, lat, lon, wijk_code FROM marts.poi "
        "WHERE x IS NOT NULL AND lat IS NOT NULL ORDER BY poi_type, name LIMIT 5000",
    )


@st.cache_data(show_spinner=False, max_entries=16)
def zone_geometry_31370(version: WarehouseVersion, wijken: tuple[str, ...] = ()) -> str | None:
    """WKT (Lambert 72) of the zone, or of the union of the given wijken.

    Returns
    -------
    str or None
        Full-detail geometry for area and distance work; ``None`` when no geometry is stored.
    """
    if wijken:
        df = query(
            version,
            "SELECT geom_wkt_31370 AS wkt FROM marts.districts WHERE layer = 'wijk' "
            "AND list_contains($wijken::VARCHAR[], code) AND geom_wkt_31370 IS NOT NULL",
            {"wijken": list(wijken)},
        )
    else:
        df = query(
            version,
            "SELECT geom_wkt_31370 AS wkt FROM marts.districts WHERE layer = 'zone' "
            "AND geom_wkt_31370 IS NOT NULL",
        )
    if df.empty:
        return None
    if len(df) == 1:
        return str(df.iat[0, 0])
    import shapely

    return shapely.union_all(shapely.from_wkt(df["wkt"].tolist())).wkt


@st.cache_data(show_spinner=False, max_entries=32)
def study_cells(
    version: WarehouseVersion,
    wijken: tuple[str, ...] = (),
    coarse: bool = False,
    contain: str = "overlap",
) -> tuple[int, ...]:
    """Every H3 cell that overlaps the zone (or the chosen wijken): the Gi* study area.

    Cells are computed once per warehouse from the display polygons (WGS84) with
    ``h3.h3shape_to_cells_experimental(..., contain="overlap")``, so a border cell whose
    centre lies just outside the zone still belongs to the study area.

    Parameters
    ----------
    contain : {"overlap", "center"}
        ``"center"``: only the cells whose centre lies in the area, so each cell belongs
        to one wijk (the cells of an inspector's own wijk, :func:`visible_classes`).

    Returns
    -------
    tuple of int
        Sorted H3 cells at the fine (``[zone].h3_resolution``) or coarse resolution.
    """
    column = "h3_cell_coarse" if coarse else "h3_cell"
    ref = scalar(
        version,
        f"SELECT coalesce((SELECT {column} FROM marts.incidents WHERE {column} IS NOT NULL "
        f"LIMIT 1), (SELECT {column} FROM marts.nuisance WHERE {column} IS NOT NULL LIMIT 1))",
    )
    if ref is None:
        return ()
    resolution = h3i.get_resolution(int(ref))
    if wijken:
        df = query(
            version,
            "SELECT geojson FROM marts.districts WHERE layer = 'wijk' "
            "AND list_contains($wijken::VARCHAR[], code) AND geojson IS NOT NULL",
            {"wijken": list(wijken)},
        )
    else:
        df = query(
            version,
            "SELECT geojson FROM marts.districts WHERE layer = 'zone' AND geojson IS NOT NULL",
        )
    cells: set[int] = set()
    for text in df["geojson"]:
        geometry = json.loads(text) if isinstance(text, str) else text
        if geometry.get("type") == "Feature":
            geometry = geometry["geometry"]
        shape = h3i.geo_to_h3shape(geometry)
        cells.update(int(c) for c in h3i.h3shape_to_cells_experimental(shape, resolution, contain))
    return tuple(sorted(cells))


def _sum_cells(frames: list[pd.DataFrame], keys: list[str]) -> pd.DataFrame:
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=[*keys, "n"])
    out = pd.concat(frames, ignore_index=True).groupby(keys, as_index=False)["n"].sum()
    out["h3_cell"] = out["h3_cell"].astype(np.uint64)
    return out


@st.cache_data(show_spinner=False, max_entries=128)
def hotspot_classes(
    version: WarehouseVersion,
    dataset_keys: tuple[str, ...],
    start: date,
    end: date,
    wijken: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    hours: tuple[int, int] = ALL_HOURS,
    weekdays: tuple[int, ...] = (),
    fdr: bool = False,
    fine_wijken: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """Getis-Ord Gi* class of every fine H3 cell of the study area.

    ``fine_wijken`` (:func:`dashboard.components.maps.fine_cell_wijken`): ``None`` returns
    every cell; else only the cells of those wijken, with their records' count
    (:func:`visible_classes`): an inspector sees no fine cell of another wijk.

    Counts come from :func:`cell_counts` per dataset (summed), the study area from
    :func:`study_cells` (plus any cell holding records, so nothing is dropped), and the
    statistic from :func:`dashboard.analysis.hotspots.gi_star_hexagons` (k = 1 ring): the
    class from the exact binomial p of each cell's local sum (its records plus its
    neighbours') against the N records spread at random over the study area, ``z`` the
    Gi* strength.

    Returns
    -------
    pandas.DataFrame
        As ``gi_star_hexagons``: ``h3_cell``, ``n``, ``n_cells``, ``local_sum``, ``z``,
        ``p``, ``klasse`` (-3..3), ``label`` (Dutch).
    """
    from dashboard.analysis.hotspots import gi_star_hexagons

    counts = _sum_cells(
        [
            cell_counts(
                version, k, start, end, wijken, categories, hours, weekdays, every_cell=True
            )[["h3_cell", "n"]]
            for k in dataset_keys
        ],
        ["h3_cell"],
    )
    area = set(study_cells(version, wijken)) | {int(c) for c in counts["h3_cell"]}
    if not area:
        gi = gi_star_hexagons(counts, study_cells=[])
    else:
        gi = gi_star_hexagons(counts, k=1, study_cells=sorted(area), fdr=fdr)
    args = (start, end, wijken, categories, hours, weekdays)
    return visible_classes(version, gi, dataset_keys, args, fine_wijken, "n")


def visible_classes(
    version: WarehouseVersion,
    classes: pd.DataFrame,
    dataset_keys: tuple[str, ...],
    args: tuple,
    fine_wijken: tuple[str, ...] | None,
    n_col: str,
) -> pd.DataFrame:
    """Gi* or emerging classes per fine cell as a reader limited to ``fine_wijken`` sees them.

    The statistic is computed over the whole study area (a cell is compared with the zone,
    as for the coordinator); the reader gets only the cells whose centre lies in one of
    ``fine_wijken`` (:func:`study_cells` with ``contain="center"``), and ``n_col`` counts
    the records of those wijken only: a border cell also holds a neighbour's records, and
    its count would give them away. ``None``: every cell, unchanged.

    Parameters
    ----------
    args : tuple
        ``(start, end, wijken, categories, hours, weekdays)`` of the page.
    """
    if fine_wijken is None:
        return classes
    start, end, wijken, categories, hours, weekdays = args
    own = tuple(w for w in fine_wijken if not wijken or w in wijken)
    if not own or classes.empty:
        return classes.iloc[0:0].reset_index(drop=True)
    cells = set(study_cells(version, own, contain="center"))
    counts = _sum_cells(
        [
            cell_counts(version, k, start, end, own, categories, hours, weekdays)[["h3_cell", "n"]]
            for k in dataset_keys
        ],
        ["h3_cell"],
    )
    n = {int(c): int(v) for c, v in zip(counts["h3_cell"], counts["n"], strict=True)}
    out = classes[[int(c) in cells for c in classes["h3_cell"]]].copy()
    out[n_col] = [n.get(int(c), 0) for c in out["h3_cell"]]
    return out.reset_index(drop=True)


def knox_permutations(n_records: int) -> int:
    """Permutations for the Knox test: 999 for a zone's burglaries, 99 for large sets.

    Each permutation re-checks every spatially close pair; 99 still resolves p < 0,05.
    """
    return 999 if n_records <= 5_000 else 99


def period_starts(start: date, end: date, granularity: str = "month") -> list[date]:
    """First day of every month (or quarter) touching ``start``-``end``, in order."""
    freq = {"month": "MS", "quarter": "QS"}[granularity]
    unit = {"month": "M", "quarter": "Q"}[granularity]
    first = pd.Timestamp(start).to_period(unit).start_time
    return [ts.date() for ts in pd.date_range(first, pd.Timestamp(end), freq=freq)]


#: Share of its days a month or quarter at the edge of a period must hold to count in a
#: trend (:func:`whole_periods`): the current quarter of "Dit jaar" in its third month
#: counts, a month of five days does not.
MIN_PERIOD_SHARE = 2 / 3


def days_held(day: date, start: date, end: date, granularity: str = "month") -> tuple[int, int]:
    """How many days of the month (or quarter) of ``day`` lie within ``start``-``end``, and
    how many it has: ``(22, 30)`` for 09/11-06/12 in November."""
    period = pd.Timestamp(day).to_period({"month": "M", "quarter": "Q"}[granularity])
    first = max(period.start_time.date(), start)
    last = min(period.end_time.date(), end)
    return max(0, (last - first).days + 1), (period.end_time - period.start_time).days + 1


def whole_periods(
    start: date, end: date, granularity: str = "month", min_share: float = MIN_PERIOD_SHARE
) -> tuple[date, date]:
    """``start``-``end`` narrowed to the months (or quarters) in it that hold at least
    ``min_share`` of their days.

    A trend over periods weighs each alike: a last month of five days holds a sixth of the
    records, so every persistent hot spot read as "historisch" (an audit: 11 persistent
    cells through September, 1 and 10 historical with October's first five days). Dropping
    every part of a period left "Dit jaar" in quarters without its current quarter, and the
    default 28 days without any (a review): a period that holds two thirds of its days
    counts. The result's start may lie after its end: no such period.
    """
    unit = {"month": "M", "quarter": "Q"}[granularity]

    def held(period: pd.Period) -> float:
        days, of = days_held(period.start_time.date(), start, end, granularity)
        return days / of

    first = pd.Timestamp(start).to_period(unit)
    kept_start = (
        first.start_time.date() == start or held(first) >= min_share
    ) and first.start_time.date() <= end
    whole_start = start if kept_start else (first + 1).start_time.date()
    last = pd.Timestamp(end).to_period(unit)
    kept_end = last.end_time.date() == end or held(last) >= min_share
    whole_end = end if kept_end else (last - 1).end_time.date()
    return whole_start, whole_end


@st.cache_data(show_spinner=False, max_entries=64)
def emerging_classes(
    version: WarehouseVersion,
    dataset_keys: tuple[str, ...],
    start: date,
    end: date,
    wijken: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    hours: tuple[int, int] = ALL_HOURS,
    weekdays: tuple[int, ...] = (),
    granularity: str = "month",
    fdr: bool = True,
    fine_wijken: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """Emerging hot-spot pattern of every fine H3 cell over the months/quarters of the period.

    ``fine_wijken``: as :func:`hotspot_classes` (only the cells of those wijken, with their
    records' count in ``n_total``).

    Each period is tested as :func:`hotspot_classes` does (exact binomial p of the local
    sum against that period's records) and corrected for the number of cells (``fdr``,
    Benjamini-Hochberg), as ESRI's Emerging Hot Spot Analysis does for every bin of its
    cube.

    Returns
    -------
    pandas.DataFrame
        As :func:`dashboard.analysis.hotspots.emerging_hotspots`: ``h3_cell``, ``n_total``,
        ``n_periods``, ``n_hot``, ..., ``patroon`` and ``patroon_label`` (Dutch).
    """
    from dashboard.analysis.hotspots import emerging_hotspots

    periods = period_starts(start, end, granularity)
    counts = _sum_cells(
        [
            cell_counts_by_period(
                version, k, start, end, wijken, categories, hours, weekdays, granularity
            )
            for k in dataset_keys
        ],
        ["period", "h3_cell"],
    )
    counts["period"] = pd.to_datetime(counts["period"]).dt.date
    area = set(study_cells(version, wijken)) | {int(c) for c in counts["h3_cell"]}
    em = emerging_hotspots(
        counts, period_col="period", study_cells=sorted(area), periods=periods, fdr=fdr
    )
    args = (start, end, wijken, categories, hours, weekdays)
    return visible_classes(version, em, dataset_keys, args, fine_wijken, "n_total")
