"""Aggregates for the reports to the local administration (per municipality and period).

Everything here is a count per area, per year, per category or per H3 cell: no query in
this module returns a record, an address or a name, because what it returns may leave the
police (after small-count suppression in :mod:`dashboard.documents.disclosure`).

Areas are derived from the wijk of a record (``wijk_code`` → ``marts.districts``), so a
deelgemeente's count is exactly the sum of its wijken and the municipality's count the
sum of its deelgemeenten. The suppression of linked tables relies on that; where a wijk
lies across two deelgemeenten there is no table per deelgemeente (:func:`area_counts`).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboard.queries._db import WarehouseVersion, query

#: Report measures in display order: key → Dutch column label. Injury accidents and
#: victims are different units and are never added up (no row totals in the report).
REPORT_MEASURES = {
    "incidents": "Feiten (pv's)",
    "nuisance": "Overlastmeldingen",
    "injury_accidents": "Letselongevallen",
    "victims": "Verkeersslachtoffers",
}

#: Category breakdowns: key → (mart, category column, fixed condition, Dutch title).
CATEGORY_TABLES = {
    "incidents": ("marts.incidents", "category", "TRUE", "Feiten per categorie"),
    "nuisance": ("marts.nuisance", "nuisance_type", "TRUE", "Overlastmeldingen per type"),
}

# Counts per wijk for one period; $start/$end bound, areas restricted to one municipality.
_AREA_SQL = """
    WITH w AS (
        -- A wijk without a boundary holds no record (records get their wijk from its
        -- polygon): listed with zeros it would read as a quiet wijk (wijken_without_boundary).
        -- A wijk across two deelgemeenten (inside_parent false) adds into neither: its
        -- records lie in both, so the report gives no table per deelgemeente.
        SELECT code, name, parent_code,
               CASE WHEN inside_parent IS DISTINCT FROM false THEN parent_code END AS deelgemeente_code
        FROM marts.districts
        WHERE layer = 'wijk' AND nis_code = $nis AND geojson IS NOT NULL
    ), d AS (
        SELECT wijk_code,
               sum(n) FILTER (WHERE domain = 'incidents') AS incidents,
               sum(n) FILTER (WHERE domain = 'nuisance') AS nuisance
        FROM marts.daily_counts
        WHERE domain IN ('incidents', 'nuisance') AND date BETWEEN $start::DATE AND $end::DATE
          AND wijk_code IN (SELECT code FROM w)
        GROUP BY 1
    ), a AS (
        SELECT wijk_code, count(*) AS injury_accidents, sum(coalesce(victims, 0)) AS victims
        FROM marts.accidents
        WHERE source = 'zone' AND is_injury AND date BETWEEN $start::DATE AND $end::DATE
          AND wijk_code IN (SELECT code FROM w)
        GROUP BY 1
    )
    SELECT w.code AS wijk_code, w.name AS wijk, w.deelgemeente_code,
           dg.name AS deelgemeente,
           CAST(coalesce(d.incidents, 0) AS BIGINT) AS incidents,
           CAST(coalesce(d.nuisance, 0) AS BIGINT) AS nuisance,
           CAST(coalesce(a.injury_accidents, 0) AS BIGINT) AS injury_accidents,
           CAST(coalesce(a.victims, 0) AS BIGINT) AS victims
    FROM w
    LEFT JOIN marts.districts dg ON dg.layer = 'deelgemeente' AND dg.code = w.parent_code
    LEFT JOIN d ON d.wijk_code = w.code
    LEFT JOIN a ON a.wijk_code = w.code
    ORDER BY w.parent_code, wijk_code
    LIMIT 2000
"""


@st.cache_data(show_spinner=False, max_entries=256)
def area_counts(version: WarehouseVersion, nis_code: str, start: date, end: date) -> pd.DataFrame:
    """Counts per wijk of one municipality in a period, every wijk with a boundary listed
    (zeros included).

    Parameters
    ----------
    nis_code : str
        Municipality (NIS code).
    start, end : date
        Inclusive period.

    Returns
    -------
    pandas.DataFrame
        ``wijk_code``, ``wijk``, ``deelgemeente_code`` (null for a wijk across two
        deelgemeenten), ``deelgemeente`` (the configured one's name) and one integer column
        per key of :data:`REPORT_MEASURES`; sorted by deelgemeente and wijk code.
    """
    return query(version, _AREA_SQL, {"nis": nis_code, "start": start, "end": end})


@st.cache_data(show_spinner=False, max_entries=64)
def wijken_without_boundary(version: WarehouseVersion, nis_code: str) -> list[str]:
    """Names of the municipality's wijken in the zone configuration that no boundary file
    draws (e.g. a ``zone.toml`` still naming the demo's wijken): no record can lie in them,
    so the report leaves them out of its wijk table and says so."""
    rows = query(
        version,
        "SELECT name FROM marts.districts WHERE layer = 'wijk' AND nis_code = $nis "
        "AND geojson IS NULL ORDER BY code LIMIT 500",
        {"nis": nis_code},
    )
    return rows["name"].astype(str).tolist()


@st.cache_data(show_spinner=False, max_entries=256)
def period_totals(
    version: WarehouseVersion,
    nis_code: str,
    starts: tuple[date, ...],
    ends: tuple[date, ...],
) -> pd.DataFrame:
    """Municipality totals of every report measure for several periods (trends).

    Parameters
    ----------
    starts, ends : tuple of date
        Inclusive periods, paired by position (e.g. the same quarter in earlier years).

    Returns
    -------
    pandas.DataFrame
        ``idx`` (position in ``starts``), ``start``, ``end`` and one integer column per key
        of :data:`REPORT_MEASURES`; one row per period, also when it holds nothing.
    """
    if len(starts) != len(ends):
        raise ValueError("starts en ends moeten even lang zijn")
    return query(
        version,
        """
        WITH p AS (
            SELECT generate_subscripts($starts::DATE[], 1) - 1 AS idx,
                   unnest($starts::DATE[]) AS start, unnest($ends::DATE[]) AS "end"
        ), w AS (
            SELECT code FROM marts.districts WHERE layer = 'wijk' AND nis_code = $nis
        ), d AS (
            SELECT p.idx,
                   sum(n) FILTER (WHERE domain = 'incidents') AS incidents,
                   sum(n) FILTER (WHERE domain = 'nuisance') AS nuisance
            FROM p JOIN marts.daily_counts c ON c.date BETWEEN p.start AND p."end"
            WHERE c.domain IN ('incidents', 'nuisance') AND c.wijk_code IN (SELECT code FROM w)
            GROUP BY 1
        ), a AS (
            SELECT p.idx, count(*) AS injury_accidents, sum(coalesce(victims, 0)) AS victims
            FROM p JOIN marts.accidents t ON t.date BETWEEN p.start AND p."end"
            WHERE t.source = 'zone' AND t.is_injury AND t.wijk_code IN (SELECT code FROM w)
            GROUP BY 1
        )
        SELECT p.idx, p.start, p."end",
               CAST(coalesce(d.incidents, 0) AS BIGINT) AS incidents,
               CAST(coalesce(d.nuisance, 0) AS BIGINT) AS nuisance,
               CAST(coalesce(a.injury_accidents, 0) AS BIGINT) AS injury_accidents,
               CAST(coalesce(a.victims, 0) AS BIGINT) AS victims
        FROM p LEFT JOIN d USING (idx) LEFT JOIN a USING (idx)
        ORDER BY p.idx
        LIMIT 100
        """,
        {"nis": nis_code, "starts": list(starts), "ends": list(ends)},
    )


@st.cache_data(show_spinner=False, max_entries=256)
def category_counts(
    version: WarehouseVersion, nis_code: str, table_key: str, start: date, end: date
) -> pd.DataFrame:
    """Records per category for one municipality (through the wijk) in a period.

    Parameters
    ----------
    table_key : str
        Key of :data:`CATEGORY_TABLES`.

    Returns
    -------
    pandas.DataFrame
        ``category``, ``n``; every category seen in the mart is listed (zeros included),
        so the table's shape does not depend on the period.
    """
    table, column, condition, _ = CATEGORY_TABLES[table_key]
    return query(
        version,
        f"""
        WITH cats AS (SELECT DISTINCT {column} AS category FROM {table}
                      WHERE {condition} AND {column} IS NOT NULL),
        n AS (
            SELECT {column} AS category, count(*) AS n FROM {table}
            WHERE {condition} AND date BETWEEN $start::DATE AND $end::DATE
              AND wijk_code IN (SELECT code FROM marts.districts
                                WHERE layer = 'wijk' AND nis_code = $nis)
            GROUP BY 1
        )
        SELECT cats.category, CAST(coalesce(n.n, 0) AS BIGINT) AS n
        FROM cats LEFT JOIN n USING (category)
        ORDER BY cats.category
        LIMIT 500
        """,
        {"nis": nis_code, "start": start, "end": end},
    )


@st.cache_data(show_spinner=False, max_entries=256)
def victims_by_severity(
    version: WarehouseVersion, nis_code: str, start: date, end: date
) -> pd.DataFrame:
    """Victims of injury accidents per severity for one municipality in a period.

    Counted from the accident's victim counts, so the total equals the ``victims`` column
    of :func:`area_counts`.

    Returns
    -------
    pandas.DataFrame
        ``category`` (``Doden``, ``Zwaargewonden``, ``Lichtgewonden``), ``n``.
    """
    df = query(
        version,
        """
        SELECT CAST(coalesce(sum(killed), 0) AS BIGINT) AS doden,
               CAST(coalesce(sum(seriously_injured), 0) AS BIGINT) AS zwaar,
               CAST(coalesce(sum(lightly_injured), 0) AS BIGINT) AS licht
        FROM marts.accidents
        WHERE source = 'zone' AND is_injury AND date BETWEEN $start::DATE AND $end::DATE
          AND wijk_code IN (SELECT code FROM marts.districts
                            WHERE layer = 'wijk' AND nis_code = $nis)
        """,
        {"nis": nis_code, "start": start, "end": end},
    )
    row = df.iloc[0]
    # A victim is killed, seriously or lightly injured (marts.accidents.victims is their
    # sum), so the three classes add up to the victims of the other tables.
    rows = [
        ("Doden", row["doden"]),
        ("Zwaargewonden", row["zwaar"]),
        ("Lichtgewonden", row["licht"]),
    ]
    return pd.DataFrame([(c, int(n)) for c, n in rows], columns=["category", "n"])


@st.cache_data(show_spinner=False, max_entries=256)
def hex_counts(
    version: WarehouseVersion, nis_code: str, start: date, end: date, coarse: bool = True
) -> pd.DataFrame:
    """Incidents of one municipality per H3 cell in a period (for a class map).

    Parameters
    ----------
    coarse : bool
        Coarse cells (``[zone].h3_resolution_coarse``, ~0.7 km²), the default for reports.

    Returns
    -------
    pandas.DataFrame
        ``h3_cell`` (int), ``n``; at most 5,000 cells.
    """
    column = "h3_cell_coarse" if coarse else "h3_cell"
    return query(
        version,
        f"SELECT CAST({column} AS UBIGINT) AS h3_cell, count(*) AS n FROM marts.incidents "
        f"WHERE {column} IS NOT NULL AND date BETWEEN $start::DATE AND $end::DATE "
        "AND wijk_code IN (SELECT code FROM marts.districts WHERE layer = 'wijk' "
        "AND nis_code = $nis) GROUP BY 1 ORDER BY n DESC LIMIT 5000",
        {"nis": nis_code, "start": start, "end": end},
    )


@st.cache_data(show_spinner=False, max_entries=256)
def quality_counts(version: WarehouseVersion, nis_code: str, start: date, end: date) -> dict:
    """Data-quality figures for the methodology note of one municipality's report.

    A record outside every wijk counts for the municipality its export names: a record
    without a usable location has that municipality as ``nis_code`` (the build takes it
    from the export's label); a record located outside the zone has no ``nis_code`` (its
    point lies in no municipality of the zone), so its label
    (``municipality_reported``) is matched with the names of the municipality and its
    deelgemeenten, as the build matches them (``marts.place_labels``). Rows refused at load are not counted: a
    refused row cannot be attributed to a municipality reliably.

    Parameters
    ----------
    nis_code : str
        The report's municipality.
    start, end : date
        The report period.

    Returns
    -------
    dict
        ``unlocated`` (dict label → the municipality's records in the period without a
        usable location; in the report's order: feiten, overlast, letselongevallen),
        ``outside_zone`` (dict label → its records located outside the zone), ``files``
        (input files loaded, whole build), ``kinds`` (list of input kinds loaded).
    """
    mine = (
        "coalesce(nis_code = $nis, CAST(municipality_reported AS VARCHAR) IN (SELECT k FROM names))"
    )
    loc = query(
        version,
        f"""
        WITH names AS (SELECT label AS k FROM marts.place_labels WHERE nis_code = $nis)
        SELECT 1 AS seq, 'Feiten (pv''s)' AS bron, location_status AS s,
               count(*) FILTER (WHERE {mine}) AS n
        FROM marts.incidents WHERE date BETWEEN $start::DATE AND $end::DATE GROUP BY ALL
        UNION ALL
        SELECT 2, 'Overlastmeldingen', location_status, count(*) FILTER (WHERE {mine})
        FROM marts.nuisance WHERE date BETWEEN $start::DATE AND $end::DATE GROUP BY ALL
        UNION ALL
        SELECT 3, 'Letselongevallen', location_status, count(*) FILTER (WHERE {mine})
        FROM marts.accidents
        WHERE source = 'zone' AND is_injury AND date BETWEEN $start::DATE AND $end::DATE
        GROUP BY ALL
        ORDER BY 1, 3
        LIMIT 100
        """,
        {"nis": nis_code, "start": start, "end": end},
    )
    # In the report's order (seq), which the methodology note keeps.
    groups = loc.groupby("bron", sort=False)
    unlocated = {b: int(g.loc[g["s"] == "geen_locatie", "n"].sum()) for b, g in groups}
    outside = {b: int(g.loc[g["s"] == "buiten_zone", "n"].sum()) for b, g in groups}
    files = query(
        version,
        "SELECT kind, count(*) AS files FROM marts.load_files GROUP BY 1 ORDER BY 1 LIMIT 100",
    )
    return {
        "unlocated": unlocated,
        "outside_zone": outside,
        "files": int(files["files"].sum()),
        "kinds": files["kind"].tolist(),
    }
