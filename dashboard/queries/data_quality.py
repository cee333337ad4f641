"""What was loaded, when, and what was refused (``marts.build_info``, ``load_files``, ``rejects``)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.queries._db import WarehouseVersion, query, scalar
from dashboard.queries.common import table_columns

#: Record marts: label → (table, fixed condition, year expression). Constants only: the
#: labels never go into SQL text (they hold apostrophes), rows are matched by position.
RECORD_MARTS = {
    "Feiten (pv's)": ("marts.incidents", "TRUE", "year"),
    "Overlastmeldingen": ("marts.nuisance", "TRUE", "year"),
    "Verkeersongevallen (zone)": ("marts.accidents", "source = 'zone'", "year"),
    "Letselongevallen (Statbel)": ("marts.accidents", "source = 'statbel'", "year"),
    "Wijktaken": ("marts.tasks", "TRUE", "year(received_at)"),
    "Verkeerscontroles": ("marts.controls", "TRUE", "year(started_at)"),
}
#: The first and last day a record of each mart covers, in :data:`RECORD_MARTS`' order:
#: the record's day, or for Statbel (a month, no day) the first and last day of its month.
_RECORD_DAYS = {
    "Letselongevallen (Statbel)": (
        "min(make_date(year, month, 1))",
        "max(last_day(make_date(year, month, 1)))",
    ),
}
#: The sources whose records give a month, not a day.
MONTH_SOURCES = frozenset(_RECORD_DAYS)
_NO_YEAR = -1
_LABELS = list(RECORD_MARTS)


def present_marts(version: WarehouseVersion) -> set[str]:
    """``schema.table`` of every mart the warehouse holds: a warehouse built before a mart
    existed (one without ``marts.events``) lacks it until it is built again."""
    return set(
        query(
            version,
            "SELECT table_schema || '.' || table_name AS t FROM information_schema.tables "
            "WHERE table_schema = 'marts'",
        )["t"]
    )


#: Dutch names of ``location_status`` values.
LOCATION_STATUS = {
    "ok": "Gelokaliseerd",
    "geen_wijk": "In de zone, buiten elke wijk",
    "geen_locatie": "Zonder locatie",
    "buiten_zone": "Buiten de zone",
}
#: Statuses of a located record in the zone: on the hot-spot maps and located in the
#: reports (``geen_wijk`` lies in a gap between wijk boundaries, so in no wijk).
USABLE_LOCATION = ("ok", "geen_wijk")


@st.cache_data(show_spinner=False, max_entries=64)
def build_info(version: WarehouseVersion) -> dict:
    """The latest build: ``built_at``, ``zone_name``, ``duration_s``, ``warehouse_version``.

    Returns an empty dict when the table is empty.
    """
    df = query(version, "SELECT * FROM marts.build_info ORDER BY built_at DESC LIMIT 1")
    return {} if df.empty else df.iloc[0].to_dict()


@st.cache_data(show_spinner=False, max_entries=64)
def build_warnings(version: WarehouseVersion) -> pd.DataFrame:
    """How the inputs fit together (``marts.build_warnings``): wijk codes of the zone
    configuration, the boundaries and the tasks that do not match; a large share of records
    outside the zone.

    Returns
    -------
    pandas.DataFrame
        ``topic``, ``message`` (Dutch), in order; empty for a warehouse built before the
        table existed.
    """
    if "marts.build_warnings" not in present_marts(version):
        return pd.DataFrame(columns=["topic", "message"])
    return query(
        version, "SELECT topic, message FROM marts.build_warnings ORDER BY seq, message LIMIT 100"
    )


@st.cache_data(show_spinner=False, max_entries=64)
def load_files(version: WarehouseVersion) -> pd.DataFrame:
    """Every input file of the build with its row counts, encoding and separator.

    Returns
    -------
    pandas.DataFrame
        ``kind``, ``source_file``, ``rows_read``, ``rows_accepted``, ``rows_rejected``,
        ``rows_superseded`` (accepted rows a newer export replaces; empty for kinds without
        a key of their own), ``file_modified_at``, ``encoding``, ``delimiter``,
        ``max_record_date``, ``note`` (what
        the build says about the file: personal-data columns left out, the sheet read,
        boundary features refused and why; empty when there is nothing to say).
    """
    return query(
        version,
        "SELECT kind, source_file, rows_read, rows_accepted, rows_rejected, rows_superseded, "
        "file_modified_at, encoding, delimiter, max_record_date, note FROM marts.load_files "
        "ORDER BY kind, source_file LIMIT 10000",
    )


@st.cache_data(show_spinner=False, max_entries=64)
def unlisted_refusals(version: WarehouseVersion) -> pd.DataFrame:
    """Files whose refusals are not rows of ``marts.rejects``: the features a boundary
    layer left out (no code Wijkbeeld knows, no geometry), explained in the file's note.

    Returns
    -------
    pandas.DataFrame
        ``kind``, ``source_file``, ``aantal`` (refused, not listed), ``note``; sorted by
        kind and file.
    """
    return query(
        version,
        "SELECT f.kind, f.source_file, f.rows_rejected - coalesce(r.n, 0) AS aantal, f.note "
        "FROM marts.load_files f "
        "LEFT JOIN (SELECT source_file, count(*) AS n FROM marts.rejects GROUP BY 1) r "
        "ON r.source_file = f.source_file "
        "WHERE f.rows_rejected > coalesce(r.n, 0) ORDER BY f.kind, f.source_file LIMIT 1000",
    )


@st.cache_data(show_spinner=False, max_entries=64)
def rows_per_source_and_year(version: WarehouseVersion) -> pd.DataFrame:
    """Records per mart and year; missing marts skipped.

    Returns
    -------
    pandas.DataFrame
        ``bron``, ``jaar``, ``aantal``, and ``van`` and ``tot`` (dates): the first and last
        day the year's records cover (Statbel: the first and last day of their months;
        null for records without a date).
    """
    present = present_marts(version)
    parts = [
        f"SELECT {i} AS idx, {year} AS jaar, count(*) AS aantal, "
        + ", ".join(_RECORD_DAYS.get(label, ("min(date)", "max(date)")))
        + f" FROM {table} WHERE {cond} GROUP BY ALL"
        for i, (label, (table, cond, year)) in enumerate(RECORD_MARTS.items())
        if table in present
    ]
    if not parts:
        return pd.DataFrame(columns=["bron", "jaar", "aantal", "van", "tot"])
    df = query(version, " UNION ALL ".join(parts) + " ORDER BY idx, jaar LIMIT 5000")
    df.columns = ["idx", "jaar", "aantal", "van", "tot"]
    df.insert(0, "bron", df.pop("idx").map(lambda i: _LABELS[i]))
    return df


def records_per_year_table(per_year: pd.DataFrame) -> pd.DataFrame:
    """:func:`rows_per_source_and_year` as the Data page shows it: one row per source
    (``Bron``), its first and last day (``Gegevens van``, ``tot en met``), a column per
    year and ``Totaal``.

    A year with no record inside a source's days counts 0; a year outside them is missing
    (NA, not 0): the source does not cover it, as an accident export that stops last year
    or Statbel's open data, published a year or more after the facts.
    """
    days = per_year.assign(van=pd.to_datetime(per_year["van"]), tot=pd.to_datetime(per_year["tot"]))
    span = days.groupby("bron", sort=False).agg(van=("van", "min"), tot=("tot", "max"))
    # Records without a year (a Statbel row without one) in a column of their own, last.
    counts = days.assign(jaar=days["jaar"].fillna(_NO_YEAR)).pivot_table(
        index="bron", columns="jaar", values="aantal", aggfunc="sum", fill_value=0, sort=False
    )
    counts = counts[sorted(counts.columns, key=lambda y: (y == _NO_YEAR, y))]
    table = counts.astype("Int64")
    for source, (first, last) in span.iterrows():
        if pd.isna(first) or pd.isna(last):
            continue
        outside = [y for y in counts.columns if y != _NO_YEAR and not first.year <= y <= last.year]
        if outside:  # (an empty list of columns made pandas raise: data of one year only)
            table.loc[source, outside] = pd.NA
    table.columns = ["Onbekend jaar" if y == _NO_YEAR else str(int(y)) for y in table.columns]
    table["Totaal"] = counts.sum(axis=1).astype("Int64")
    table.insert(0, "tot en met", span["tot"])
    table.insert(0, "Gegevens van", span["van"])
    return table.rename_axis("Bron").reset_index()


@st.cache_data(show_spinner=False, max_entries=64)
def freshness(version: WarehouseVersion) -> pd.DataFrame:
    """Latest record date per input kind, from the load log.

    Returns
    -------
    pandas.DataFrame
        ``kind``, ``laatste_record`` (date), ``bestanden``, ``nieuwste_bestand`` (when
        the kind's newest file was last written: made, copied in or uploaded), sorted by
        kind.
    """
    return query(
        version,
        "SELECT kind, max(max_record_date) AS laatste_record, count(*) AS bestanden, "
        "max(file_modified_at) AS nieuwste_bestand FROM marts.load_files GROUP BY kind "
        "ORDER BY kind LIMIT 100",
    )


@st.cache_data(show_spinner=False, max_entries=64)
def poi_types(version: WarehouseVersion) -> list[str]:
    """The types of the points of interest loaded (``marts.poi``), sorted."""
    if "marts.poi" not in present_marts(version):
        return []
    df = query(
        version,
        "SELECT DISTINCT poi_type::VARCHAR AS t FROM marts.poi WHERE poi_type IS NOT NULL "
        "ORDER BY 1 LIMIT 500",
    )
    return [str(t) for t in df["t"]]


@st.cache_data(show_spinner=False, max_entries=64)
def records_without_location(version: WarehouseVersion) -> pd.DataFrame:
    """Records per mart and ``location_status`` (``bron``, ``status``, ``aantal``).

    Tasks too: they are located by their address in the zone's address list (they were
    left out as having no coordinates by design, which stopped being so; an audit); a task
    without a location still counts in the wijk its export books it on.
    """
    present = present_marts(version)
    parts = [
        f"SELECT {i} AS idx, location_status AS status, count(*) AS aantal "
        f"FROM {table} WHERE {cond} GROUP BY ALL"
        for i, (table, cond, _) in enumerate(RECORD_MARTS.values())
        if table in present
    ]
    if not parts:
        return pd.DataFrame(columns=["bron", "status", "aantal"])
    df = query(version, " UNION ALL ".join(parts) + " ORDER BY idx, status LIMIT 1000")
    df.insert(0, "bron", df.pop("idx").map(lambda i: _LABELS[i]))
    df["status"] = df["status"].map(LOCATION_STATUS).fillna(df["status"])
    return df


@st.cache_data(show_spinner=False, max_entries=64)
def geocode_unmatched(version: WarehouseVersion, limit: int = 10_000) -> tuple[pd.DataFrame, int]:
    """Records with an address the zone's address list could not place (at most ``limit``).

    They stay off the map; the list says which, so the address list or the export can be
    corrected (``marts.geocode_unmatched``).

    Returns
    -------
    (pandas.DataFrame, int)
        ``kind``, ``record_key``, ``street``, ``house_number``, ``postcode``,
        ``municipality_reported``, ``reason`` (why the list could not place it),
        ``source_file``, ``source_row``, by kind, file and row; and how many there are in all.
    """
    columns = [
        "kind",
        "record_key",
        "street",
        "house_number",
        "postcode",
        "municipality_reported",
        "reason",
        "source_file",
        "source_row",
    ]
    if "marts.geocode_unmatched" not in present_marts(version):
        return pd.DataFrame(columns=columns), 0
    total = int(scalar(version, "SELECT count(*) FROM marts.geocode_unmatched") or 0)
    df = query(
        version,
        f"SELECT {', '.join(columns)} FROM marts.geocode_unmatched "
        "ORDER BY kind, source_file, source_row LIMIT $limit",
        {"limit": limit},
    )
    return df, total


@st.cache_data(show_spinner=False, max_entries=64)
def reject_summary(version: WarehouseVersion) -> pd.DataFrame:
    """Refused rows per kind, file and field (``kind``, ``source_file``, ``field``, ``aantal``)."""
    return query(
        version,
        "SELECT kind, source_file, field, count(*) AS aantal FROM marts.rejects "
        "GROUP BY ALL ORDER BY aantal DESC, kind, source_file, field LIMIT 5000",
    )


#: Kinds whose records have a key of their own: a refused row of these can be loaded all
#: the same from another export, or a later row of its file (``marts.rejects.record_file``).
KEYED_KINDS = ("incidents", "accidents", "victims", "nuisance", "tasks", "controls", "events")


def _has_record_columns(version: WarehouseVersion) -> bool:
    """Whether ``marts.rejects`` names where a refused key's record comes from (a warehouse
    built before the fifty-third session does not)."""
    return "record_file" in table_columns(version, "marts.rejects")


def _reject_filter(missing_only: bool = False) -> str:
    return (
        ("record_file IS NULL AND " if missing_only else "")
        + "(len($kinds::VARCHAR[]) = 0 OR list_contains($kinds::VARCHAR[], kind))"
        " AND (len($fields::VARCHAR[]) = 0 OR list_contains($fields::VARCHAR[], field))"
        # Literal text: '%' and '_' are what the user typed, not LIKE wildcards; without
        # case or accents ("voor de begindatum" finds "ligt vóór de begindatum").
        " AND ($search = '' OR contains(strip_accents(lower(reason)), strip_accents(lower($search)))"
        "      OR contains(strip_accents(lower(value)), strip_accents(lower($search)))"
        "      OR contains(strip_accents(lower(source_file)), strip_accents(lower($search))))"
    )


@st.cache_data(show_spinner=False, max_entries=256)
def reject_count(
    version: WarehouseVersion,
    kinds: tuple[str, ...] = (),
    fields: tuple[str, ...] = (),
    search: str = "",
    missing_only: bool = False,
) -> int:
    """Number of refused rows matching the filters of :func:`rejects`."""
    missing_only = missing_only and _has_record_columns(version)
    return int(
        scalar(
            version,
            f"SELECT count(*) FROM marts.rejects WHERE {_reject_filter(missing_only)}",
            {"kinds": list(kinds), "fields": list(fields), "search": search},
        )
        or 0
    )


@st.cache_data(show_spinner=False, max_entries=64)
def refused_but_loaded(version: WarehouseVersion) -> int:
    """Refused rows whose record is in the warehouse all the same (from another export, or
    a later row of its own file): nothing to correct for those."""
    if not _has_record_columns(version):
        return 0
    return int(
        scalar(version, "SELECT count(*) FROM marts.rejects WHERE record_file IS NOT NULL") or 0
    )


@st.cache_data(show_spinner=False, max_entries=256)
def rejects(
    version: WarehouseVersion,
    kinds: tuple[str, ...] = (),
    fields: tuple[str, ...] = (),
    search: str = "",
    limit: int = 10_000,
    missing_only: bool = False,
) -> pd.DataFrame:
    """Refused rows with their Dutch reason, at most ``limit``.

    Parameters
    ----------
    kinds, fields : tuple of str
        Keep only these kinds / fields (empty: all).
    search : str
        Case-insensitive text to find, literally (``%`` and ``_`` are no wildcards), in
        the reason, the value or the file name.
    missing_only : bool
        Only the rows whose record is not in the warehouse from elsewhere.

    Returns
    -------
    pandas.DataFrame
        ``kind``, ``source_file``, ``source_row``, ``field``, ``value``, ``reason``,
        ``record`` (whether the key's record is in the warehouse all the same: "ja", "nee",
        or missing for a kind without a key of its own) and ``record_from`` (where from:
        "<file>, rij N").
    """
    if _has_record_columns(version):
        keyed = ", ".join(f"'{k}'" for k in KEYED_KINDS)
        record = (
            "CASE WHEN record_file IS NOT NULL THEN 'ja' "
            f"WHEN kind IN ({keyed}) THEN 'nee' END AS record, "
            "record_file || ', rij ' || record_row AS record_from"
        )
    else:
        record, missing_only = "NULL::VARCHAR AS record, NULL::VARCHAR AS record_from", False
    return query(
        version,
        f"SELECT kind, source_file, source_row, record, field, value, reason, record_from "
        f"FROM (SELECT *, {record} FROM marts.rejects) WHERE {_reject_filter(missing_only)} "
        "ORDER BY kind, source_file, source_row LIMIT $limit",
        {"kinds": list(kinds), "fields": list(fields), "search": search, "limit": int(limit)},
    )
