"""Label types: the repetitive text of the exports, stored as sorted ENUMs from staging on.

A category, street, status or inspector repeats over a million rows with a few hundred
distinct values. Carried as text, every join, copy and write of the wide per-record tables
moves and compares the strings; as an ENUM it is a small integer. A staging model marks such
a column by casting it to a *label type*::

    cast(wb_text(category) as label_incidents__category) as category

``label_<kind>__<field>`` is, by definition, the type of ``wb_text(<field>)`` of
``raw.<kind>``. Before the staging models run, :func:`define_label_types` looks at the data:
a field with few distinct values (at most :data:`ENUM_MAX_VALUES`, and at least
:data:`ENUM_MIN_ROWS_PER_VALUE` rows per value) becomes an ENUM of exactly its values in
sorted order; any other field (free text, identifiers) becomes a plain ``VARCHAR`` alias.

The text the build writes itself has named ENUM types too (:func:`vocabulary_types`:
location status and note, geocoding method, area codes and names), so a ``coalesce`` over
two sources keeps one type.

Most label columns are already clean: no value has surrounding or non-ASCII spaces. For
those, :func:`prepare_labels` runs the cast as ``cast(nullif(<field>, '') as ...)``: the same
values (every value of the column was checked to be its own ``wb_text``), without testing
every row for spaces to trim (a fifth of a million-row staging model's work).

Sorted values keep ENUMs behaving as text: ``ORDER BY``, ``min``/``max`` and comparisons give
what the text gives, also against a value the ENUM does not hold, and string functions take
them as text. DuckDB hands ENUMs to pandas as categoricals; the dashboard's query layer turns
them back into text. Should a staging model cast anything else than ``wb_text(<field>)`` to a
label type, a value outside the ENUM fails the build loudly, it is never lost.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import duckdb

#: A text column becomes an ENUM when it has at most this many distinct values ...
ENUM_MAX_VALUES = 65_535
#: ... and at most one distinct value per this many rows (an identifier stays text).
ENUM_MIN_ROWS_PER_VALUE = 8
#: Above this many rows the candidates are first estimated on this many first rows.
_ESTIMATE_ROWS = 200_000

LABEL_TYPE = re.compile(r"\blabel_([a-z][a-z0-9]*)__([a-z][a-z0-9_]*)\b")
#: How a staging model marks a label column: ``cast(wb_text(<field>) as label_<kind>__<field>)``.
_LABEL_CAST = re.compile(
    r"cast\(\s*wb_text\(\s*(\w+)\s*\)\s+as\s+(label_[a-z][a-z0-9]*__[a-z][a-z0-9_]*)\s*\)",
    re.IGNORECASE,
)


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def enum_sql(values: Iterable[str]) -> str:
    """``ENUM('a', 'b', ...)`` of the values, in sorted order.

    Code point order is the byte order of UTF-8, which is how DuckDB sorts text.
    """
    return "ENUM(" + ", ".join(sql_text(v) for v in sorted(values)) + ")"


def labels_used(sql_texts: Iterable[str]) -> dict[str, list[str]]:
    """The label types the SQL refers to: ``{kind: [field, ...]}``."""
    found: dict[str, list[str]] = {}
    for sql in sql_texts:
        for kind, field in LABEL_TYPE.findall(sql):
            if field not in found.setdefault(kind, []):
                found[kind].append(field)
    return found


def distinct_labels(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    columns: dict[str, str],
    min_rows_per_value: int | None = None,
    clean: str | None = None,
    verbatim: set[str] | None = None,
) -> dict[str, list[str] | None]:
    """Per named column of ``relation``: its sorted distinct values, or ``None``.

    ``None`` when the column has too many values to be a label (see the module docstring)
    or none at all. ``clean``: a text macro applied to the values (``wb_text``); it runs
    on the distinct values, not on every row. ``verbatim`` receives the labels (names)
    whose every value already is its own clean text, the empty text aside (``clean(v)``
    is ``nullif(v, '')``). Costs one count, one estimate on the first rows (large
    relations) and one pass collecting the distinct values of the candidates.
    """
    result: dict[str, list[str] | None] = {name: None for name in columns}
    if not columns:
        return result
    n = con.execute(f"SELECT count(*) FROM {relation}").fetchone()[0]
    if min_rows_per_value is None:  # read here, so a test can change it
        min_rows_per_value = ENUM_MIN_ROWS_PER_VALUE
    limit = min(ENUM_MAX_VALUES, n // max(1, min_rows_per_value))
    if limit <= 0:
        return result
    names = list(columns)
    if n > _ESTIMATE_ROWS:
        # The first rows hold at most the values of all rows: a column with more values in
        # them than a label may have is no label (HyperLogLog errs by a few per cent; the
        # exact distinct values below decide the others). A random sample scanned the
        # whole table: at 10^7 rows in a compressed table it cost more than the exact
        # pass (1.9 s against 1.4).
        approx = con.execute(
            "SELECT "
            + ", ".join(f"approx_count_distinct({columns[c]})" for c in names)
            + f" FROM (SELECT * FROM {relation} LIMIT {_ESTIMATE_ROWS})"
        ).fetchone()
        names = [c for c, e in zip(names, approx, strict=True) if e <= 1.1 * limit + 10]
    if not names:
        return result
    found = con.execute(
        "SELECT " + ", ".join(f"list(DISTINCT {columns[c]})" for c in names) + f" FROM {relation}"
    ).fetchone()
    for name, values in zip(names, found, strict=True):
        as_given = False
        if clean and values:
            values, as_given = con.execute(
                f"SELECT list(DISTINCT {clean}(v)), "
                f"bool_and({clean}(v) IS NOT DISTINCT FROM nullif(v, '')) "
                "FROM unnest(?::VARCHAR[]) t(v)",
                [values],
            ).fetchone()
        values = sorted(v for v in values or [] if v is not None)
        if 0 < len(values) <= limit:
            result[name] = values
            if as_given and verbatim is not None:
                verbatim.add(name)
    return result


#: Label fields whose spellings are not merged by case (:func:`case_variants`): addresses
#: and names have rules of their own (the address list, the zone's spelling of a name), and
#: a code is compared as the zone writes it.
KEEP_CASE_FIELDS = frozenset(
    {"street", "house_number", "postcode", "municipality", "inspector", "wijk", "nis_code"}
)


#: A label column that is text, not an ENUM (too few rows per value), is looked at for
#: spellings that differ only in case up to this many rows: a small export's vocabulary.
CASE_TEXT_ROWS = 200_000


def case_variants(
    con: duckdb.DuckDBPyConnection, relation: str, field: str, values: list[str] | None
) -> dict[str, str]:
    """The spellings of one label that differ only in case, each mapped to the one kept.

    A category typed "vandalisme" in one export and "Vandalisme" in the ISLP one is one
    category: as two it split every count and trend in two. The spelling most rows use is
    kept (on a tie the one in mixed case, as a system writes it, then the first in sorted
    order); the others map to it. Counting costs a pass over the column, and only runs for
    a label that has such spellings (usually none). ``values``: the label's distinct values
    (as ``wb_text`` gives them), or None to read them here (a text label of a small export,
    see :data:`CASE_TEXT_ROWS`).

    Returns
    -------
    dict of str to str
        Variant -> kept spelling; empty when every value differs from the others in more
        than case.
    """
    if values is None:
        values = (
            con.execute(
                f"SELECT list(DISTINCT v) FILTER (WHERE v IS NOT NULL) "
                f"FROM (SELECT wb_text({quote_ident(field)}) AS v FROM {relation})"
            ).fetchone()[0]
            or []
        )
    groups: dict[str, list[str]] = {}
    for v in values:
        groups.setdefault(v.lower(), []).append(v)
    shared = {k: g for k, g in groups.items() if len(g) > 1}
    if not shared:
        return {}
    counts = dict(
        con.execute(
            f"SELECT v, count(*) FROM (SELECT wb_text({quote_ident(field)}) AS v FROM {relation}) "
            "WHERE lower(v) IN (SELECT unnest(?::VARCHAR[])) GROUP BY v",
            [list(shared)],
        ).fetchall()
    )
    variants: dict[str, str] = {}
    for spellings in shared.values():
        kept = min(
            spellings,
            key=lambda v: (-counts.get(v, 0), v.lower() == v or v.upper() == v, v),
        )
        variants.update({v: kept for v in spellings if v != kept})
    return variants


def define_label_types(
    con: duckdb.DuckDBPyConnection,
    sql_texts: Iterable[str],
    min_rows_per_value: int | None = None,
    verbatim: set[str] | None = None,
    variants: dict[str, dict[str, str]] | None = None,
) -> dict[str, int | None]:
    """Create every ``label_<kind>__<field>`` type the SQL uses, from ``raw.<kind>``.

    Needs the views ``raw.<kind>`` and the macro ``wb_text`` (``etl/sql/macros.sql``).
    ``verbatim`` receives the ENUM types whose column holds only clean text (see
    :func:`prepare_labels`); ``variants`` per ENUM type the spellings that differ only in
    case from the one kept (:func:`case_variants`), which the ENUM then does not hold.

    Returns
    -------
    dict of str to int or None
        Per type: the number of ENUM values, or ``None`` for a ``VARCHAR`` alias.
    """
    made: dict[str, int | None] = {}
    for kind, fields in labels_used(sql_texts).items():
        relation = f"raw.{quote_ident(kind)}"
        as_given: set[str] = set()
        labels = distinct_labels(
            con,
            relation,
            {f: quote_ident(f) for f in fields},
            min_rows_per_value,
            clean="wb_text",
            verbatim=as_given,
        )
        small = None
        for field, values in labels.items():
            name = f"label_{kind}__{field}"
            if variants is not None and field not in KEEP_CASE_FIELDS:
                if not values and small is None:
                    # A text label: an export too small for an ENUM is still looked at;
                    # free text of a large one (many values) is no vocabulary.
                    n = con.execute(f"SELECT count(*) FROM {relation}").fetchone()[0]
                    small = n <= CASE_TEXT_ROWS
                if (values or small) and (found := case_variants(con, relation, field, values)):
                    variants[name] = found
                    values = values and [v for v in values if v not in found]
            _create_type(con, name, values)
            made[name] = len(values) if values else None
            if verbatim is not None and field in as_given:
                verbatim.add(name)
    return made


def prepare_labels(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    """Create the label types a staging model uses; return the model to run.

    That is ``sql`` with each ``cast(wb_text(<field>) as label_<kind>__<field>)`` whose
    column holds only clean text (no value with surrounding or non-ASCII spaces; checked
    on its distinct values) written as ``cast(nullif(<field>, '') as ...)``: the values
    are the same, and no row is tested for spaces to trim. A label with spellings that
    differ only in case (:func:`case_variants`) maps those to the one kept before the
    cast; the others are cast as they are.
    """
    verbatim: set[str] = set()
    variants: dict[str, dict[str, str]] = {}
    define_label_types(con, [sql], verbatim=verbatim, variants=variants)

    def cast(m: re.Match) -> str:
        field, label = m.group(1), m.group(2)
        own = label.lower().endswith(f"__{field.lower()}")
        clean = own and label.lower() in verbatim
        text = f"nullif({field}, '')" if clean else f"wb_text({field})"
        if own and (found := variants.get(label.lower())):
            whens = " ".join(
                f"WHEN {sql_text(v)} THEN {sql_text(k)}" for v, k in sorted(found.items())
            )
            return f"cast(CASE {text} {whens} ELSE {text} END as {label})"
        return f"cast({text} as {label})" if clean else m.group(0)

    return _LABEL_CAST.sub(cast, sql)


#: How the build placed a record (staging and the geocoding step write these).
GEOCODE_METHODS = ("coördinaten", "adres exact", "adres genormaliseerd")


def vocabulary_types(con: duckdb.DuckDBPyConnection, areas: bool = True) -> None:
    """Named ENUM types for the text the build itself writes on every located record.

    ``wb_location_status``, ``wb_location_note`` and ``wb_geocode_method`` hold the fixed
    vocabularies; ``wb_area_code`` and ``wb_area_name`` every code and name of the boundary
    files and the zone configuration. The locating step and the SQL models cast to them,
    so a ``coalesce`` over two sources keeps one ENUM type instead of falling back to text
    (see the module docstring for why that matters). ``areas=False``: only the fixed
    vocabularies (the upload preview runs a staging model without boundaries).
    """
    from etl import geo  # shapely, PROJ: only when a build or preview runs

    types: dict[str, tuple | list] = {
        "wb_location_status": geo.STATUSES,
        "wb_location_note": (*geo.NOTES, geo.NOTE_NO_COORDINATES),
        "wb_geocode_method": GEOCODE_METHODS,
    }
    if areas:
        types.update(zip(("wb_area_code", "wb_area_name"), _area_vocabulary(con), strict=True))
    for name, values in types.items():
        _create_type(con, name, values)


def address_types(con: duckdb.DuckDBPyConnection) -> str:
    """Named ENUM types of the addresses the records are counted under, and their lookups.

    ``wb_address_street`` and ``wb_address_number`` hold every street and house number of
    ``intermediate.int_address_streets`` and ``intermediate.int_address_numbers``: the
    incidents and nuisance marts cast to them, so both sources' addresses are one type
    (compared and grouped as small integers, as the other labels).

    Returns the temporary macros the marts look a record's address up with (see
    :func:`address_lookups`); they are created on ``con`` too, and every connection that
    builds marts needs them.
    """
    streets, numbers = con.execute(
        """SELECT
            (SELECT list(DISTINCT s) FILTER (WHERE s IS NOT NULL) FROM (
                SELECT unnest([address_street, split_street]) AS s
                FROM intermediate.int_address_streets)),
            (SELECT list(DISTINCT n) FILTER (WHERE n IS NOT NULL) FROM (
                SELECT split_number AS n FROM intermediate.int_address_streets
                UNION ALL SELECT address_number FROM intermediate.int_address_numbers))"""
    ).fetchone()
    _create_type(con, "wb_address_street", streets or [])
    _create_type(con, "wb_address_number", numbers or [])
    macros = address_lookups(con)
    con.execute(macros)
    return macros


def task_types(con: duckdb.DuckDBPyConnection) -> None:
    """Named ENUM types of the tasks mart's ``inspector`` and ``wijk_code``.

    Both are a ``coalesce`` over sources of different types (the export's label, the
    configured spelling of a name, the wijk's inspector; the wijk the export names, the wijk
    the address locates, the label as written), so they came out as text, and writing that
    text was a tenth of the mart's time. ``wb_task_inspector`` holds every name those
    sources can give, ``wb_task_wijk`` every code: the staged labels, the zone's names and
    spellings (``intermediate.int_staff_spelling``), the known wijk labels
    (``intermediate.int_task_wijk_labels``) and every located pair's wijk; the mart casts
    to them, and no value can be missing.
    """
    inspectors, wijken = con.execute(
        """SELECT
            (SELECT list(DISTINCT v) FILTER (WHERE v IS NOT NULL) FROM (
                SELECT inspector AS v FROM intermediate.int_staff_spelling
                UNION ALL SELECT CAST(inspector AS VARCHAR)
                    FROM (SELECT DISTINCT inspector FROM staging.stg_islp__tasks)
                UNION ALL SELECT inspector FROM raw.zone_wijken)),
            (SELECT list(DISTINCT v) FILTER (WHERE v IS NOT NULL) FROM (
                SELECT CAST(wijk_code AS VARCHAR) AS v FROM intermediate.int_task_wijk_labels
                UNION ALL SELECT CAST(wijk_code AS VARCHAR)
                    FROM (SELECT DISTINCT wijk_code FROM intermediate.int_point_locations)
                UNION ALL SELECT CAST(wijk_code_reported AS VARCHAR)
                    FROM (SELECT DISTINCT wijk_code_reported FROM staging.stg_islp__tasks)))"""
    ).fetchone()
    _create_type(con, "wb_task_inspector", inspectors or [])
    _create_type(con, "wb_task_wijk", wijken or [])


#: The types :func:`task_types` makes (a mart that names one waits for it).
TASK_TYPES = ("wb_task_inspector", "wb_task_wijk")


#: The kinds whose marts count records under an address (address_street, address_number).
ADDRESS_KINDS = ("incidents", "nuisance")
#: Per lookup macro ``wb_<kind>_<name>(label)``: the label type's field, the intermediate
#: table and its columns (the label, the value) and the value's type.
_ADDRESS_LOOKUPS = {
    "address_street": ("street", "int_address_streets", "street", "wb_address_street"),
    "split_street": ("street", "int_address_streets", "street", "wb_address_street"),
    "split_number": ("street", "int_address_streets", "street", "wb_address_number"),
    "address_number": (
        "house_number",
        "int_address_numbers",
        "house_number",
        "wb_address_number",
    ),
}


def address_lookups(con: duckdb.DuckDBPyConnection) -> str:
    """The temporary macros ``wb_<kind>_<column>(label)``: a record's label looked up in
    ``intermediate.int_address_streets`` / ``int_address_numbers`` (``column``: one of
    their columns, ``address_street``, ``split_street``, ``split_number``,
    ``address_number``).

    A label that is an ENUM is looked up by its code: a list in the ENUM's order, built once
    per query and indexed per record (a hash join per record and column cost half of the
    incidents mart's non-writing work at 10^6, and 2.5 s of a 10^7 build). A label that is
    plain text (too few rows per value; see the module docstring) is looked up by value.
    """
    enums = {
        name
        for (name,) in con.execute(
            "SELECT type_name FROM duckdb_types() WHERE logical_type = 'ENUM' "
            "AND starts_with(type_name, 'label_')"
        ).fetchall()
    }
    macros = []
    for kind in ADDRESS_KINDS:
        for column, (field, table, key, value_type) in _ADDRESS_LOOKUPS.items():
            label = f"label_{kind}__{field}"
            source = f"intermediate.{table}"
            if label in enums:
                # Position i of the list is the value of the ENUM's i-th label (NULL when
                # the table has no row for it: a label of rejected records only).
                body = (
                    f"(SELECT list(t.{column}::{value_type} ORDER BY e.i) FROM ("
                    f"SELECT unnest(r) AS v, generate_subscripts(r, 1) AS i "
                    f"FROM (SELECT enum_range(NULL::{label}) AS r)) e "
                    f"LEFT JOIN {source} t ON t.kind = {sql_text(kind)} "
                    f"AND t.{key} = e.v::VARCHAR)[enum_code(label) + 1]"
                )
            else:
                body = (
                    f"(SELECT t.{column}::{value_type} FROM {source} t "
                    f"WHERE t.kind = {sql_text(kind)} AND t.{key} = label::VARCHAR)"
                )
            macros.append(
                f"CREATE OR REPLACE TEMP MACRO wb_{kind}_{column}(label {label}) AS {body};"
            )
    return "\n".join(macros)


def _create_type(con: duckdb.DuckDBPyConnection, name: str, values) -> None:
    """``name`` as a sorted ENUM of ``values``, or a ``VARCHAR`` alias when there are none."""
    con.execute(f"DROP TYPE IF EXISTS {name}")
    con.execute(f"CREATE TYPE {name} AS {enum_sql(values) if values else 'VARCHAR'}")


def _area_vocabulary(con: duckdb.DuckDBPyConnection) -> tuple[list[str], list[str]]:
    """Every area code and name of the boundary files and the zone configuration."""
    codes, names = con.execute(
        """SELECT list(DISTINCT c) FILTER (WHERE c IS NOT NULL AND t = 'code'),
                  list(DISTINCT c) FILTER (WHERE c IS NOT NULL AND t = 'name')
        FROM (
            SELECT 'code' AS t, unnest([code, parent_code, nis_code]) AS c FROM raw.districts
            UNION ALL SELECT 'code', unnest([code, deelgemeente, nis_code]) FROM raw.zone_wijken
            UNION ALL SELECT 'code', unnest([code, nis_code]) FROM raw.zone_deelgemeenten
            UNION ALL SELECT 'code', nis_code FROM raw.zone_municipalities
            UNION ALL SELECT 'name', name FROM raw.districts
            UNION ALL SELECT 'name', name FROM raw.zone_wijken
            UNION ALL SELECT 'name', name FROM raw.zone_deelgemeenten
            UNION ALL SELECT 'name', name FROM raw.zone_municipalities
            -- a name two wijken or deelgemeenten share, with the code that tells them apart
            -- (staging.stg_zone__area_names)
            UNION ALL SELECT 'name', name || ' (' || code || ')' FROM raw.districts
                WHERE layer IN ('wijk', 'deelgemeente')
            UNION ALL SELECT 'name', name || ' (' || code || ')' FROM raw.zone_wijken
            UNION ALL SELECT 'name', name || ' (' || code || ')' FROM raw.zone_deelgemeenten
        )"""
    ).fetchone()
    return codes or [], names or []
