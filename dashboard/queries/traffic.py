"""Traffic accidents and their victims (``marts.accidents``).

Accidents and victims are different units and are never added up: an accident with three
lightly injured counts once as an accident and three times as a victim.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboard.queries._db import WarehouseVersion, query
from dashboard.queries.common import (
    IN_ZONE,
    MAP_POINT_CAP,
    VICTIMS_SQL,
    coverage_gaps,
    data_bounds,
    dataset,
    filter_sql,
    first_last,
    scoped_cell_sql,
    source_span_map,
)

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
    facets: Facets = (),
) -> dict:
    """Accident and victim totals for the period.

    Parameters
    ----------
    source : {"accidents", "accidents_statbel"}
    facets : tuple
        Accident filters, see :data:`FACETS` (empty: none).

    Returns
    -------
    dict
        ``ongevallen``, ``letselongevallen``, ``enkel_stoffelijke_schade`` (accidents) and
        ``doden``, ``zwaargewonden``, ``lichtgewonden``, ``slachtoffers`` (victims), as ints.
    """
    where, params = _accident_where(source, start, end, wijken, facets)
    df = query(version, f"SELECT {_MEASURES} FROM marts.accidents t WHERE {where}", params)
    return {k: int(v or 0) for k, v in df.iloc[0].items()}


@st.cache_data(show_spinner=False, max_entries=256)
def accidents_per_wijk(
    version: WarehouseVersion,
    source: str,
    start: date,
    end: date,
    wijken: tuple[str, ...] = (),
    facets: Facets = (),
) -> pd.DataFrame:
    """Accidents and victims per wijk (records without a wijk under "Zonder wijk").

    Returns
    -------
    pandas.DataFrame
        ``wijk_code``, ``wijk`` and the columns of :func:`accident_summary`.
    """
    where, params = _accident_where(source, start, end, wijken, facets)
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
    facets: Facets = (),
) -> pd.DataFrame:
    """Accidents per severity (worst victim), worst first.

    Returns
    -------
    pandas.DataFrame
        ``ernst``, ``ongevallen``.
    """
    where, params = _accident_where(source, start, end, wijken, facets)
    df = query(
        version,
        f"SELECT t.severity AS ernst, count(*) AS ongevallen FROM marts.accidents t "
        f"WHERE {where} GROUP BY 1 LIMIT 100",
        params,
    )
    rank = {s: i for i, s in enumerate(SEVERITY_ORDER)}
    return df.sort_values("ernst", key=lambda s: s.map(rank).fillna(99)).reset_index(drop=True)


# --------------------------------------------------------------------------------------
# Accident filters (facets): road user, light, weather, built-up area, crossroads, severity
# --------------------------------------------------------------------------------------

#: Facet key → (Dutch label, SQL column over alias ``t``). The road-user facet matches an
#: accident when either involved party is of a chosen type (see :func:`_facet_sql`).
FACETS: dict[str, tuple[str, str]] = {
    "ernst": ("Ernst", "t.severity"),
    "weggebruiker": ("Betrokken weggebruiker", "t.road_user_1"),
    "licht": ("Lichtgesteldheid", "t.light"),
    "weer": ("Weer", "t.weather"),
    "bebouwd": ("Bebouwde kom", "t.built_up"),
    "kruispunt": ("Kruispunt", "t.crossroads"),
}

#: ``((facet key, (value, ...)), ...)``: the hashable form pages pass to the queries.
Facets = tuple[tuple[str, tuple[str, ...]], ...]


def _facet_sql(facets: Facets, alias: str = "t") -> tuple[str, dict]:
    """SQL condition (``TRUE`` when empty) and parameters for the chosen facet values.

    Facet keys are looked up in :data:`FACETS` (unknown keys raise ``KeyError``); the
    values are bound as parameters. An empty value tuple means "no restriction".
    """
    parts, params = [], {}
    for i, (key, values) in enumerate(facets):
        column = FACETS[key][1].replace("t.", f"{alias}.")
        if not values:
            continue
        name = f"facet_{i}"
        params[name] = list(values)
        if key == "weggebruiker":
            parts.append(
                f"(list_contains(${name}::VARCHAR[], {alias}.road_user_1)"
                f" OR list_contains(${name}::VARCHAR[], {alias}.road_user_2))"
            )
        else:
            parts.append(f"list_contains(${name}::VARCHAR[], {column})")
    return (" AND ".join(parts) or "TRUE"), params


def _accident_where(
    source: str, start: date, end: date, wijken: tuple[str, ...], facets: Facets
) -> tuple[str, dict]:
    """Common filters of :func:`dashboard.queries.common.filter_sql` plus the facets."""
    _check_source(source)
    where, params = filter_sql(dataset(source), start, end, wijken)
    extra, extra_params = _facet_sql(facets)
    params.update(extra_params)
    return f"{where} AND {extra}", params


@st.cache_data(show_spinner=False, max_entries=64)
def facet_values(version: WarehouseVersion, source: str) -> dict[str, list[str]]:
    """Distinct values per facet of one source, for the filter widgets: Statbel writes
    "Fiets" where the zone writes "Fietser", and a value of the other source offered
    there found nothing without a word.

    Returns
    -------
    dict
        Facet key → sorted list of values (the road-user facet merges both parties).
    """
    _check_source(source)
    of_source = dataset(source).where
    selects = [
        f"SELECT '{key}' AS facet, {column} AS v FROM marts.accidents t WHERE {of_source}"
        for key, (_, column) in FACETS.items()
    ]
    selects.append(
        f"SELECT 'weggebruiker' AS facet, t.road_user_2 AS v FROM marts.accidents t "
        f"WHERE {of_source}"
    )
    df = query(
        version,
        f"SELECT DISTINCT facet, v FROM ({' UNION ALL '.join(selects)}) WHERE v IS NOT NULL "
        "ORDER BY facet, v LIMIT 2000",
    )
    return {key: df.loc[df["facet"] == key, "v"].tolist() for key in FACETS}


@st.cache_data(show_spinner=False, max_entries=256)
def accident_located_count(
    version: WarehouseVersion,
    source: str,
    start: date,
    end: date,
    wijken: tuple[str, ...] = (),
    facets: Facets = (),
    injury_only: bool = False,
    inside_zone: bool = False,
) -> int:
    """Number of accidents with map coordinates matching the filters.

    Parameters
    ----------
    inside_zone : bool
        ``False``: located anywhere, outside the zone too (what :func:`accident_points`
        draws); ``True``: inside the zone only (:data:`~dashboard.queries.common.IN_ZONE`),
        what :func:`accident_hex_counts` holds.
    """
    where, params = _accident_where(source, start, end, wijken, facets)
    if injury_only:
        where += " AND t.is_injury"
    if inside_zone:
        where += f" AND t.h3_cell IS NOT NULL AND {IN_ZONE}"
    df = query(
        version,
        f"SELECT count(*) AS n FROM marts.accidents t WHERE {where} "
        "AND t.lat IS NOT NULL AND t.lon IS NOT NULL",
        params,
    )
    return int(df.iat[0, 0])


@st.cache_data(show_spinner=False, max_entries=256)
def accident_points(
    version: WarehouseVersion,
    source: str,
    start: date,
    end: date,
    wijken: tuple[str, ...] = (),
    facets: Facets = (),
    limit: int = MAP_POINT_CAP,
) -> pd.DataFrame:
    """Located accidents for the severity map, worst and newest first, at most ``limit``.

    Returns
    -------
    pandas.DataFrame
        ``id``, ``lat``, ``lon``, ``category`` (severity), ``date`` (null for Statbel, which
        has no day), ``address``, ``wijk_code``; the columns
        :func:`dashboard.components.maps.add_points` reads.
    """
    where, params = _accident_where(source, start, end, wijken, facets)
    params["limit"] = int(min(limit, MAP_POINT_CAP))
    ds = dataset(source)
    return query(
        version,
        f"""
        SELECT t.accident_id AS id, t.lat, t.lon, t.severity AS category, t.date,
               {ds.address_expr} AS address, t.wijk_code
        FROM marts.accidents t
        WHERE {where} AND t.lat IS NOT NULL AND t.lon IS NOT NULL
        ORDER BY t.is_injury DESC, t.date DESC NULLS LAST, t.year DESC, t.month DESC, id
        LIMIT $limit
        """,
        params,
    )


@st.cache_data(show_spinner=False, max_entries=256)
def accident_hex_counts(
    version: WarehouseVersion,
    source: str,
    start: date,
    end: date,
    wijken: tuple[str, ...] = (),
    facets: Facets = (),
    injury_only: bool = False,
    coarse: bool = False,
    fine_wijken: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """Accidents per H3 cell (for maps beyond the point cap, and accident hot spots).

    Only accidents located inside the zone (:data:`~dashboard.queries.common.IN_ZONE`),
    as ``marts.hex_counts`` and every other hexagon map count them.

    Parameters
    ----------
    fine_wijken : tuple of str, optional
        As :func:`dashboard.queries.hotspots.cell_counts`: ``None`` counts every accident
        in its fine cell; else only those of these wijken, the others in their coarse cell
        (an inspector: :func:`dashboard.components.maps.fine_cell_wijken`).

    Returns
    -------
    pandas.DataFrame
        ``h3_cell`` (int), ``n``; at most :data:`MAP_POINT_CAP` cells, the fullest first.
    """
    where, params = _accident_where(source, start, end, wijken, facets)
    if injury_only:
        where += " AND t.is_injury"
    cell = scoped_cell_sql(coarse, fine_wijken, params)
    params["limit"] = MAP_POINT_CAP
    return query(
        version,
        f"SELECT CAST({cell} AS UBIGINT) AS h3_cell, count(*) AS n FROM marts.accidents t "
        f"WHERE {where} AND {cell} IS NOT NULL AND {IN_ZONE} "
        "GROUP BY 1 ORDER BY n DESC LIMIT $limit",
        params,
    )


# --------------------------------------------------------------------------------------
# Trends
# --------------------------------------------------------------------------------------

_GRAINS = {"maand": "make_date(t.year, t.month, 1)", "jaar": "make_date(t.year, 1, 1)"}
_STEPS = {"maand": ("month", "1 MONTH"), "jaar": ("year", "1 YEAR")}


def _periods_sql(grain: str) -> str:
    """A query of every month or year (``periode``, its first day) from the one ``$start``
    falls in through the one of ``$end``: the rows a trend keeps, 0 where nothing
    happened."""
    unit, step = _STEPS[grain]
    return (
        f"SELECT CAST(p AS DATE) AS periode FROM generate_series(date_trunc('{unit}', "
        f"$start::DATE), date_trunc('{unit}', $end::DATE), INTERVAL {step}) g(p)"
    )


@st.cache_data(show_spinner=False, max_entries=64)
def source_bounds(version: WarehouseVersion, source: str) -> dict:
    """First and last day an accident source covers, over all its records (no filter).

    A month outside them is unknown, not 0: Statbel publishes a year at a time, well after
    the zone's own registration, and neither covers the months before its first export.

    Returns
    -------
    dict
        ``{"first": date | None, "last": date | None}``; for Statbel, which has no day, the
        first day of its first month and the last day of its last month.
    """
    _check_source(source)
    ds = dataset(source)
    df = query(
        version,
        f"SELECT min({ds.date_expr}) AS first, "
        f"max({ds.date_expr}) + (CASE WHEN $month_only THEN INTERVAL 1 MONTH - INTERVAL 1 DAY "
        f"ELSE INTERVAL 0 DAY END) AS last FROM marts.accidents t WHERE {ds.where}",
        {"month_only": ds.month_only},
    )
    return first_last(df)


def source_span(version: WarehouseVersion, source: str) -> dict:
    """The days a source's counts are known for: what a period is checked against before
    its count is compared (a period outside counts nothing, and that 0 is unknown).

    Statbel as :func:`source_bounds` (whole months). The zone's own registration from the
    first day of the month of its first record (the exports begin with a month; a quiet
    first day is no missing export) through the zone's last day of data (the periods are
    cut to that day) when its last record lies within the days without one that chance
    explains (:meth:`dashboard.analysis.compstat.SourceSpan.known_until`), else through
    that record: an accident export that stops earlier than the facts' (up to last year)
    is not read as months without accidents.

    Returns
    -------
    dict
        ``{"first": date | None, "last": date | None, "gaps": tuple of date}``; ``gaps``:
        the first days of whole months inside without one record of the zone's own
        registration where it counts ten or more a month (``marts.coverage``: a missing
        export), unknown as well; for Statbel its months without one injury accident where it
        counts ten or more a month (a year's file left out).
    """
    bounds = {**source_bounds(version, source), "gaps": ()}
    if bounds["first"] is None:
        return bounds
    if source == "accidents_statbel":
        return {**bounds, "gaps": coverage_gaps(version, "accidents_statbel")}
    span = source_span_map(version).get("accidents")
    data_last = data_bounds(version)["last"] or bounds["last"]
    last = span.known_until(data_last) if span else bounds["last"]
    return {
        "first": bounds["first"].replace(day=1),
        "last": max(bounds["last"], last),
        "gaps": span.gaps if span else (),
    }


@st.cache_data(show_spinner=False, max_entries=256)
def injury_trend(
    version: WarehouseVersion,
    source: str,
    start: date,
    end: date,
    grain: str = "maand",
    wijken: tuple[str, ...] = (),
    facets: Facets = (),
) -> pd.DataFrame:
    """Injury accidents (and, for the zone, their victims) per month or year.

    Accidents and victims are two units in separate columns, never added up. Victims as
    ``marts.accidents.victims`` counts them (killed, seriously and lightly injured; one
    victim for an injury accident without victim rows). Statbel has no victims (one class
    per accident), so its victim columns are null.

    Parameters
    ----------
    grain : {"maand", "jaar"}

    Returns
    -------
    pandas.DataFrame
        One row for every month/year from the one ``start`` falls in through the one of
        ``end``, 0 where nothing happened (whether the data cover it is for the caller to
        say: :func:`source_bounds`). ``periode`` (first day of the month/year),
        ``letselongevallen``, ``letselongevallen_tot_dag`` (those on or before day
        ``end.day`` of their month), ``letselongevallen_vanaf_dag`` (on or after day
        ``start.day``): the same days of every month, for one the period cuts short;
        ``doden``, ``zwaargewonden``, ``lichtgewonden``, ``slachtoffers``.
    """
    if grain not in _GRAINS:
        raise ValueError(f"Onbekende tijdseenheid {grain!r}")
    where, params = _accident_where(source, start, end, wijken, facets)
    period = _GRAINS[grain]
    zone = source == "accidents"
    victims = [
        f"CAST(coalesce(sum(t.{c}), 0) AS BIGINT)" if zone else "NULL::BIGINT"
        for c in ("killed", "seriously_injured", "lightly_injured", "victims")
    ]
    filled = "0" if zone else "NULL"
    return query(
        version,
        f"""
        WITH periods AS ({_periods_sql(grain)}),
        acc AS (
            SELECT {period} AS periode, count(*) AS letselongevallen,
                   -- Statbel gives no day: its month counts whole, as the filter takes it.
                   count(*) FILTER (WHERE coalesce(day(t.date), 1) <= $tot_dag)
                       AS letselongevallen_tot_dag,
                   count(*) FILTER (WHERE coalesce(day(t.date), $vanaf_dag) >= $vanaf_dag)
                       AS letselongevallen_vanaf_dag,
                   {victims[0]} AS doden, {victims[1]} AS zwaargewonden,
                   {victims[2]} AS lichtgewonden, {victims[3]} AS slachtoffers
            FROM marts.accidents t WHERE {where} AND t.is_injury GROUP BY 1
        )
        SELECT periods.periode,
               coalesce(acc.letselongevallen, 0) AS letselongevallen,
               coalesce(acc.letselongevallen_tot_dag, 0) AS letselongevallen_tot_dag,
               coalesce(acc.letselongevallen_vanaf_dag, 0) AS letselongevallen_vanaf_dag,
               CAST(coalesce(acc.doden, {filled}) AS BIGINT) AS doden,
               CAST(coalesce(acc.zwaargewonden, {filled}) AS BIGINT) AS zwaargewonden,
               CAST(coalesce(acc.lichtgewonden, {filled}) AS BIGINT) AS lichtgewonden,
               CAST(coalesce(acc.slachtoffers, {filled}) AS BIGINT) AS slachtoffers
        FROM periods LEFT JOIN acc USING (periode)
        ORDER BY periods.periode
        LIMIT 1200
        """,
        {**params, "tot_dag": end.day, "vanaf_dag": start.day},
    )


@st.cache_data(show_spinner=False, max_entries=256)
def victims_by_road_user(
    version: WarehouseVersion,
    start: date,
    end: date,
    wijken: tuple[str, ...] = (),
    facets: Facets = (),
) -> pd.DataFrame:
    """Victims (zone registration) per road-user type of the victim, by injury class.

    The victims of :data:`~dashboard.queries.common.VICTIMS_SQL`: killed and injured
    victim rows, and the one victim of an injury accident without victim rows under
    ``Onbekend``; the rows add up to ``slachtoffers`` of :func:`accident_summary`.

    Returns
    -------
    pandas.DataFrame
        ``weggebruiker``, ``doden``, ``zwaargewonden``, ``lichtgewonden``, ``slachtoffers``;
        most victims first.
    """
    where, params = _accident_where("accidents", start, end, wijken, facets)
    return query(
        version,
        f"""
        SELECT coalesce(CAST(v.road_user AS VARCHAR), 'Onbekend') AS weggebruiker,
               count(*) FILTER (WHERE v.severity_class = 'killed') AS doden,
               count(*) FILTER (WHERE v.severity_class = 'seriously_injured') AS zwaargewonden,
               count(*) FILTER (WHERE v.severity_class = 'lightly_injured') AS lichtgewonden,
               count(*) AS slachtoffers
        FROM marts.accidents t JOIN {VICTIMS_SQL} v ON v.accident_id = t.accident_id
        WHERE {where}
        GROUP BY 1
        ORDER BY slachtoffers DESC, weggebruiker
        LIMIT 100
        """,
        params,
    )


@st.cache_data(show_spinner=False, max_entries=256)
def injury_accidents_by_road_user(
    version: WarehouseVersion,
    source: str,
    start: date,
    end: date,
    wijken: tuple[str, ...] = (),
    facets: Facets = (),
) -> pd.DataFrame:
    """Injury accidents in which a road-user type was involved (either party).

    An accident between a car and a cyclist counts once under each, so the rows do not add
    up to the number of accidents.

    Returns
    -------
    pandas.DataFrame
        ``weggebruiker``, ``letselongevallen``.
    """
    where, params = _accident_where(source, start, end, wijken, facets)
    return query(
        version,
        f"""
        SELECT u.weggebruiker, count(DISTINCT u.accident_id) AS letselongevallen
        FROM (
            SELECT t.accident_id, unnest([t.road_user_1, t.road_user_2]) AS weggebruiker
            FROM marts.accidents t WHERE {where} AND t.is_injury
        ) u
        WHERE u.weggebruiker IS NOT NULL
        GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 100
        """,
        params,
    )


#: Area layer → (the area's code for an accident with a wijk, the row of records without a
#: wijk). As Verkenning and the municipal report: an accident belongs to the municipality
#: of its wijk, "volgens de plaats van het feit", and to the deelgemeente its place lies in
#: (a wijk may straddle two; the build keeps it in the wijk's municipality); one without a
#: place (no wijk) is in no area. Its own ``nis_code`` kept the municipality of its label:
#: Verkeer counted such an accident in the gemeente table but not in the deelgemeente table
#: (12 against 11).
_AREA_LAYERS = {
    "gemeente": ("w.nis_code", "Zonder gemeente"),
    "deelgemeente": (
        "CASE WHEN w.code IS NOT NULL THEN t.deelgemeente_code END",
        "Zonder deelgemeente",
    ),
}


@st.cache_data(show_spinner=False, max_entries=256)
def injury_per_area(
    version: WarehouseVersion,
    source: str,
    start: date,
    end: date,
    layer: str = "gemeente",
    facets: Facets = (),
) -> pd.DataFrame:
    """Injury accidents and victims per municipality or deelgemeente, with population.

    The municipality is the one of the accident's wijk, the deelgemeente the one its place
    lies in, for accidents with a wijk (as Verkenning's "Gemeente" and "Deelgemeente" and
    the municipal report); victims as ``marts.accidents.victims``.

    Parameters
    ----------
    layer : {"gemeente", "deelgemeente"}
    facets : tuple
        The accident filters of the page (road user, light, ...), as the key figures: a
        rate per 1.000 inhabitants of cyclists' accidents beside the key figures of all
        accidents read as one of them.

    Returns
    -------
    pandas.DataFrame
        ``code``, ``naam``, ``inwoners`` (null when unknown), ``letselongevallen``,
        ``slachtoffers`` (null for Statbel, which has no victims); every area of the layer,
        also those without accidents, then (only when there are any) the injury accidents
        without a wijk as a last row, ``code`` null and ``naam`` "Zonder gemeente" /
        "Zonder deelgemeente" (as Verkenning names them). The rows add up to the zone's
        injury accidents in the period.
    """
    if layer not in _AREA_LAYERS:
        raise ValueError(f"Onbekende laag {layer!r}")
    column, nowhere = _AREA_LAYERS[layer]
    where, params = _accident_where(source, start, end, (), facets)
    params.update({"layer": layer, "nowhere": nowhere})
    victims = "CAST(sum(t.victims) AS BIGINT)" if source == "accidents" else "NULL::BIGINT"
    filled = "coalesce(acc.slachtoffers, 0)" if source == "accidents" else "NULL"
    return query(
        version,
        f"""
        WITH acc AS (
            SELECT CAST({column} AS VARCHAR) AS code, count(*) AS letselongevallen,
                {victims} AS slachtoffers
            FROM marts.accidents t
            LEFT JOIN marts.districts w ON w.layer = 'wijk' AND w.code = t.wijk_code
            WHERE {where} AND t.is_injury
            GROUP BY 1
        )
        SELECT d.code, d.name AS naam, d.population AS inwoners,
               coalesce(acc.letselongevallen, 0) AS letselongevallen,
               CAST({filled} AS BIGINT) AS slachtoffers
        FROM marts.districts d LEFT JOIN acc ON acc.code = d.code
        WHERE d.layer = $layer
        UNION ALL
        -- As Verkenning: no wijk, or a wijk whose area the layer does not know.
        SELECT NULL, $nowhere, NULL, CAST(sum(acc.letselongevallen) AS BIGINT),
               CAST(sum(acc.slachtoffers) AS BIGINT)
        FROM acc
        WHERE acc.code IS NULL
           OR acc.code NOT IN (SELECT code FROM marts.districts WHERE layer = $layer)
        HAVING count(*) > 0
        ORDER BY 1 NULLS LAST
        LIMIT 2000
        """,
        params,
    )


# --------------------------------------------------------------------------------------
# When: hour × weekday, schools
# --------------------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=256)
def injury_hour_weekday(
    version: WarehouseVersion,
    start: date,
    end: date,
    wijken: tuple[str, ...] = (),
    facets: Facets = (),
) -> pd.DataFrame:
    """Injury accidents of the zone's own registration per weekday and hour.

    Statbel has no day, hence no weekday: this is the zone's registration only.

    Returns
    -------
    pandas.DataFrame
        ``weekdag`` (1 = maandag), ``uur`` (0–23), ``n``; only combinations with accidents,
        and per weekday one row with ``uur`` empty for the accidents whose hour is unknown
        (an export that gave the day only).
    """
    where, params = _accident_where("accidents", start, end, wijken, facets)
    return query(
        version,
        f"SELECT t.weekday AS weekdag, t.hour AS uur, count(*) AS n FROM marts.accidents t "
        f"WHERE {where} AND t.is_injury AND t.weekday IS NOT NULL "
        f"GROUP BY 1, 2 ORDER BY 1, 2 NULLS LAST LIMIT 200",
        params,
    )


@st.cache_data(show_spinner=False, max_entries=256)
def injury_by_hour(
    version: WarehouseVersion,
    source: str,
    start: date,
    end: date,
    wijken: tuple[str, ...] = (),
    facets: Facets = (),
) -> pd.DataFrame:
    """Injury accidents per hour of the day (``uur``, ``n``), for sources without a day; a
    last row with ``uur`` empty counts those whose hour is unknown (Statbel's 99)."""
    where, params = _accident_where(source, start, end, wijken, facets)
    return query(
        version,
        f"SELECT t.hour AS uur, count(*) AS n FROM marts.accidents t WHERE {where} "
        f"AND t.is_injury GROUP BY 1 ORDER BY 1 NULLS LAST LIMIT 25",
        params,
    )


@st.cache_data(show_spinner=False, max_entries=256)
def injury_near_poi(
    version: WarehouseVersion,
    source: str,
    start: date,
    end: date,
    poi_type: str = "School",
    radius_m: float = 300.0,
    grain: str = "maand",
) -> pd.DataFrame:
    """Injury accidents within ``radius_m`` of any point of interest of one type, over time.

    The distance is computed in Lambert 72 metres; a bounding-box test first keeps the
    join cheap. An accident near two schools counts once.

    Parameters
    ----------
    poi_type : str
        ``marts.poi.poi_type`` value, e.g. ``"School"``.
    radius_m : float
        Distance in metres (inclusive).
    grain : {"maand", "jaar"}

    Returns
    -------
    pandas.DataFrame
        ``periode``, ``dichtbij`` (injury accidents within the radius), ``totaal`` (all
        injury accidents in the zone that period); every month/year from the one ``start``
        falls in through the one of ``end``, 0 where nothing happened (as
        :func:`injury_trend`).
    """
    if grain not in _GRAINS:
        raise ValueError(f"Onbekende tijdseenheid {grain!r}")
    where, params = _accident_where(source, start, end, (), ())
    params.update({"poi_type": poi_type, "radius": float(radius_m)})
    return query(
        version,
        f"""
        WITH acc AS (
            SELECT t.accident_id, t.x, t.y, {_GRAINS[grain]} AS periode
            FROM marts.accidents t WHERE {where} AND t.is_injury
        ),
        near AS (
            SELECT DISTINCT acc.accident_id
            FROM acc JOIN marts.poi p
              ON p.poi_type = $poi_type
             AND abs(acc.x - p.x) <= $radius AND abs(acc.y - p.y) <= $radius
            WHERE (acc.x - p.x) * (acc.x - p.x) + (acc.y - p.y) * (acc.y - p.y)
                  <= $radius * $radius
        ),
        counted AS (
            SELECT acc.periode, count(near.accident_id) AS dichtbij, count(*) AS totaal
            FROM acc LEFT JOIN near USING (accident_id)
            GROUP BY 1
        ),
        periods AS ({_periods_sql(grain)})
        SELECT periods.periode, coalesce(counted.dichtbij, 0) AS dichtbij,
               coalesce(counted.totaal, 0) AS totaal
        FROM periods LEFT JOIN counted USING (periode)
        ORDER BY 1 LIMIT 1200
        """,
        params,
    )


@st.cache_data(show_spinner=False, max_entries=64)
def poi_count(version: WarehouseVersion, poi_type: str) -> int:
    """Number of points of interest of one type (e.g. schools) in the warehouse."""
    df = query(version, "SELECT count(*) AS n FROM marts.poi WHERE poi_type = $t", {"t": poi_type})
    return int(df.iat[0, 0])


# --------------------------------------------------------------------------------------
# Enforcement and Statbel
# --------------------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=256)
def control_points(
    version: WarehouseVersion,
    start: date,
    end: date,
    control_types: tuple[str, ...] = (),
    limit: int = MAP_POINT_CAP,
) -> pd.DataFrame:
    """Located traffic controls that started in the period (whole zone), newest first.

    Returns
    -------
    pandas.DataFrame
        ``id``, ``lat``, ``lon``, ``x``, ``y`` (Lambert 72), ``category`` (control type),
        ``date``, ``address`` (street), ``started_at``, ``hours``, ``vehicles_checked``,
        ``offences``, ``wijk_code`` (where it was held: an inspector sees the own wijk's as
        points); at most ``limit`` (≤ :data:`MAP_POINT_CAP`).
    """
    params = {
        "start": start,
        "end": end,
        "types": list(control_types),
        "limit": int(min(limit, MAP_POINT_CAP)),
    }
    return query(
        version,
        """
        SELECT t.control_id AS id, t.lat, t.lon, t.x, t.y, t.control_type AS category,
               t.date, coalesce(t.street, '') AS address, t.started_at, t.hours,
               t.vehicles_checked, t.offences, t.wijk_code
        FROM marts.controls t
        WHERE t.date BETWEEN $start::DATE AND $end::DATE
          AND (len($types::VARCHAR[]) = 0 OR list_contains($types::VARCHAR[], t.control_type))
          AND t.x IS NOT NULL AND t.y IS NOT NULL AND t.lat IS NOT NULL
        ORDER BY t.started_at DESC, id
        LIMIT $limit
        """,
        params,
    )


@st.cache_data(show_spinner=False, max_entries=256)
def control_results(
    version: WarehouseVersion, start: date, end: date, control_types: tuple[str, ...] = ()
) -> pd.DataFrame:
    """What the traffic controls that started in the period found, per type (whole zone,
    with or without a location).

    Returns
    -------
    pandas.DataFrame
        ``control_type``, ``n`` (controls), ``hours`` (known durations summed),
        ``vehicles`` (vehicles checked) and ``offences``, both summed over the controls that
        give both numbers (``n_counted``): offences without the vehicles they were found
        among give no share, and vehicles without their offences counted as none lowered
        it (a review: 5,6 % where the controls that gave both said 6,0 %).
    """
    counted = "t.vehicles_checked > 0 AND t.offences IS NOT NULL"
    return query(
        version,
        f"""
        SELECT t.control_type,
               count(*) AS n,
               coalesce(sum(greatest(t.hours, 0)), 0) AS hours,
               count(*) FILTER (WHERE {counted}) AS n_counted,
               coalesce(sum(t.vehicles_checked) FILTER (WHERE {counted}), 0) AS vehicles,
               coalesce(sum(t.offences) FILTER (WHERE {counted}), 0) AS offences
        FROM marts.controls t
        WHERE t.date BETWEEN $start::DATE AND $end::DATE
          AND (len($types::VARCHAR[]) = 0 OR list_contains($types::VARCHAR[], t.control_type))
        GROUP BY ALL
        ORDER BY n DESC, 1
        """,
        {"start": start, "end": end, "types": list(control_types)},
    )


def control_gaps(version: WarehouseVersion) -> tuple[date, ...]:
    """Whole months (first days) without one traffic control where the zone holds ten or
    more a month (``marts.coverage``, domain ``controls``): a month's export left out, which
    reads as a month without controls."""
    return coverage_gaps(version, "controls")


@st.cache_data(show_spinner=False, max_entries=64)
def control_types(version: WarehouseVersion) -> list[str]:
    """Distinct control types present in ``marts.controls``, sorted."""
    df = query(
        version,
        "SELECT DISTINCT control_type AS v FROM marts.controls WHERE control_type IS NOT NULL "
        "ORDER BY 1 LIMIT 200",
    )
    return df["v"].tolist()


@st.cache_data(show_spinner=False, max_entries=64)
def injury_by_source_and_year(version: WarehouseVersion, first_year: int, last_year: int):
    """Injury accidents per calendar year and source, by accident severity class.

    Both sources describe the same accidents: the table puts them side by side, never in
    one total.

    Returns
    -------
    pandas.DataFrame
        ``jaar``, ``bron`` (``zone``/``statbel``), ``letselongevallen``, ``dodelijk``,
        ``zwaargewond``, ``lichtgewond`` (accidents by their worst class), ``maanden``
        (distinct months with data).
    """
    return query(
        version,
        """
        SELECT t.year AS jaar, t.source AS bron,
               count(*) AS letselongevallen,
               count(*) FILTER (WHERE t.severity = 'Dodelijk') AS dodelijk,
               count(*) FILTER (WHERE t.severity = 'Zwaargewond') AS zwaargewond,
               count(*) FILTER (WHERE t.severity = 'Lichtgewond') AS lichtgewond,
               count(DISTINCT t.month) AS maanden
        FROM marts.accidents t
        WHERE t.is_injury AND t.year BETWEEN $first AND $last
        GROUP BY 1, 2 ORDER BY 1, 2 LIMIT 500
        """,
        {"first": int(first_year), "last": int(last_year)},
    )


@st.cache_data(show_spinner=False, max_entries=64)
def source_available(version: WarehouseVersion, source: str) -> bool:
    """Whether ``marts.accidents`` holds any row of a source (``"zone"``/``"statbel"``)."""
    df = query(
        version,
        "SELECT count(*) AS n FROM (SELECT 1 FROM marts.accidents WHERE source = $s LIMIT 1)",
        {"s": source},
    )
    return bool(df.iat[0, 0])


# --------------------------------------------------------------------------------------
# School times (zone configuration, not SQL)
# --------------------------------------------------------------------------------------

#: Defaults when ``zone.toml`` has no ``[schools]`` table (typical Flemish school day).
SCHOOL_DEFAULTS = {
    "poi_type": "School",
    "radius_m": 300,
    "days": [1, 2, 3, 4, 5],
    "morning": ["08:00", "08:45"],
    "afternoon": ["15:15", "16:00"],
    "wednesday_noon": ["11:45", "12:30"],
}


def school_settings(zone: dict | None) -> dict:
    """The ``[schools]`` table of a zone with the defaults filled in.

    Parameters
    ----------
    zone : dict or None
        Parsed zone configuration.

    Returns
    -------
    dict
        ``poi_type``, ``radius_m``, ``days`` and the windows ``morning``, ``afternoon``
        and ``wednesday_noon`` as ``(start_hour, end_hour)`` floats (``08:45`` → 8.75), plus
        the same windows as text under ``<name>_text``.
    """
    cfg = dict(SCHOOL_DEFAULTS)
    cfg.update((zone or {}).get("schools", {}))
    out = {
        "poi_type": str(cfg["poi_type"]),
        "radius_m": float(cfg["radius_m"]),
        "days": [int(d) for d in cfg["days"]],
    }
    for name in ("morning", "afternoon", "wednesday_noon"):
        start, stop = cfg[name]
        out[name] = (_clock_hours(start), _clock_hours(stop))
        out[f"{name}_text"] = (str(start), str(stop))
    return out


def _clock_hours(text: str) -> float:
    hours, _, minutes = str(text).strip().partition(":")
    return int(hours) + int(minutes or 0) / 60.0
