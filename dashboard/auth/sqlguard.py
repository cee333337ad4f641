"""The SQL console's guard: one read-only SELECT over ``marts.*``, nothing else.

Two independent layers, so that one mistake does not open the files of the server:

1. :func:`check_console_sql` refuses a statement before it runs: DuckDB's own parser
   splits and types the statements (``extract_statements``), its JSON serialisation of the
   parse tree (``json_serialize_sql``) shows every table, table function and function call,
   and a token scan (``duckdb.tokenize``) refuses file-reading function names even where
   the tree would not show them.
2. :func:`console_connection` opens the warehouse read-only with
   ``enable_external_access = false`` (no files, no network, no ATTACH, no extension
   loading) and ``lock_configuration = true`` (no ``SET`` can undo that), with memory and
   thread limits; :func:`run_console_query` adds a row limit and a timeout.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import duckdb
import pandas as pd


class UnsafeSQL(ValueError):
    """The console refuses this SQL; the message is Dutch and meant for the user."""


class ConsoleTimeout(RuntimeError):
    """The query ran longer than allowed and was interrupted."""


#: Table functions that only generate values; anything else in FROM is refused.
ALLOWED_TABLE_FUNCTIONS: frozenset[str] = frozenset({"range", "generate_series", "unnest"})

#: Schema the console may read.
ALLOWED_SCHEMA = "marts"

#: The only marts the beleidscel's console may read: aggregates without identifiers, names
#: or free text (``districts`` is left out because it carries inspector names). Column
#: aliases cannot leak a PV number from a table that has none.
AGGREGATE_TABLES: frozenset[str] = frozenset({"daily_counts", "hex_counts"})

#: Function names (scalar or table) that read files, URLs, the environment, settings or
#: run SQL text. Matched exactly, or by the prefixes below.
BLOCKED_FUNCTIONS: frozenset[str] = frozenset(
    {
        "getenv",
        "current_setting",
        "glob",
        "query",
        "query_table",
        "sniff_csv",
        "read_text",
        "read_blob",
        "st_read",
        "st_read_meta",
        "st_readosm",
        "st_readshp",
        "load_extension",
        "install_extension",
        "delta_scan",
        "iceberg_scan",
        "httpfs",
    }
)
BLOCKED_PREFIXES: tuple[str, ...] = (
    "read_",
    "parquet_",
    "sqlite_",
    "postgres_",
    "mysql_",
    "iceberg_",
    "delta_",
    "duckdb_",
    "pragma_",
    "http",
    "s3",
    "gcs",
    "azure",
)
BLOCKED_SUFFIXES: tuple[str, ...] = ("_scan",)

_STATEMENT_NAMES = {
    "ATTACH": "ATTACH",
    "DETACH": "DETACH",
    "COPY": "COPY",
    "COPY_DATABASE": "COPY",
    "LOAD": "INSTALL/LOAD",
    "PRAGMA": "PRAGMA",
    "SET": "SET",
    "VARIABLE_SET": "SET",
    "CREATE": "CREATE",
    "CREATE_FUNC": "CREATE",
    "INSERT": "INSERT",
    "UPDATE": "UPDATE",
    "DELETE": "DELETE",
    "DROP": "DROP",
    "ALTER": "ALTER",
    "EXPORT": "EXPORT",
    "EXTENSION": "INSTALL/LOAD",
    "CALL": "CALL",
    "TRANSACTION": "BEGIN/COMMIT",
    "EXPLAIN": "EXPLAIN",
    "PREPARE": "PREPARE",
    "EXECUTE": "EXECUTE",
    "VACUUM": "VACUUM",
    "ANALYZE": "ANALYZE",
    "MULTI": "meerdere opdrachten",
    "UPDATE_EXTENSIONS": "UPDATE EXTENSIONS",
}

_parser_lock = threading.Lock()
_parser: duckdb.DuckDBPyConnection | None = None


def _parser_connection() -> duckdb.DuckDBPyConnection:
    # An empty in-memory database used only to parse; it never sees the warehouse.
    global _parser
    if _parser is None:
        _parser = duckdb.connect(
            ":memory:",
            config={
                "enable_external_access": False,
                "autoinstall_known_extensions": False,
                "autoload_known_extensions": False,
            },
        )
    return _parser


def _is_blocked_function(name: str) -> bool:
    name = name.lower().strip('"')
    return (
        name in BLOCKED_FUNCTIONS
        or name.startswith(BLOCKED_PREFIXES)
        or name.endswith(BLOCKED_SUFFIXES)
    )


def _looks_like_file(name: str) -> bool:
    return any(ch in name for ch in "./\\:*?") or "://" in name


def check_console_sql(sql: str, tables: frozenset[str] | None = None) -> None:
    """Refuse everything but one read-only ``SELECT``/``WITH`` over ``marts.*``.

    Parameters
    ----------
    sql : str
        What the user typed.
    tables : frozenset of str, optional
        When given, only these ``marts`` tables may be read (e.g. :data:`AGGREGATE_TABLES`
        for the beleidscel); ``None`` allows every mart.

    Raises
    ------
    UnsafeSQL
        With a Dutch message saying what is not allowed.
    """
    if not sql or not sql.strip().strip(";").strip():
        raise UnsafeSQL("Geef een SELECT-query in.")
    with _parser_lock:
        cur = _parser_connection().cursor()
        try:
            try:
                statements = cur.extract_statements(sql)
            except duckdb.Error as exc:
                raise UnsafeSQL(f"De query kan niet gelezen worden: {exc}") from None
            if len(statements) != 1:
                raise UnsafeSQL(
                    "Slechts één opdracht per keer; meerdere opdrachten (;) zijn niet toegelaten."
                )
            statement = statements[0]
            kind = statement.type.name
            if kind != "SELECT":
                what = _STATEMENT_NAMES.get(kind, kind)
                raise UnsafeSQL(
                    f"{what} is niet toegelaten in de SQL-console; alleen SELECT of WITH ... SELECT."
                )
            # extract_statements rewrites PRAGMA x to SELECT * FROM pragma_x(): the
            # tree below then shows the table function and refuses it.
            tree = json.loads(
                cur.execute("SELECT json_serialize_sql($q)", {"q": statement.query}).fetchone()[0]
            )
        finally:
            cur.close()
    if tree.get("error"):
        raise UnsafeSQL(
            "Alleen gewone SELECT-query's zijn toegelaten (geen DESCRIBE, PIVOT, SHOW, ...)."
        )
    allowed = None if tables is None else frozenset(t.lower() for t in tables)
    for node in tree.get("statements", []):
        _walk(node, frozenset(), allowed)
    _token_scan(statement.query)


def _walk(node: object, ctes: frozenset[str], tables: frozenset[str] | None = None) -> None:
    if isinstance(node, list):
        for item in node:
            _walk(item, ctes, tables)
        return
    if not isinstance(node, dict):
        return
    cte_map = node.get("cte_map")
    if isinstance(cte_map, dict) and cte_map.get("map"):
        entries = cte_map["map"]
        names = [str(e.get("key", "")).lower() for e in entries]
        for i, entry in enumerate(entries):
            # A CTE sees the ones defined before it, and itself (WITH RECURSIVE).
            _walk(entry.get("value"), ctes | frozenset(names[: i + 1]), tables)
        ctes = ctes | frozenset(names)
        node = {k: v for k, v in node.items() if k != "cte_map"}

    kind = node.get("type")
    if kind == "BASE_TABLE":
        _check_table(node, ctes, tables)
    elif kind == "TABLE_FUNCTION":
        fn = node.get("function") or {}
        name = str(fn.get("function_name", "")).lower()
        if fn.get("schema") or name not in ALLOWED_TABLE_FUNCTIONS:
            if _is_blocked_function(name):
                raise UnsafeSQL(
                    f"De functie {name}() leest bestanden, netwerk of instellingen; dat is niet toegelaten."
                )
            raise UnsafeSQL(
                f"Tabelfunctie {name}() is niet toegelaten; lees uit tabellen van marts.*."
            )
    elif kind == "SHOW_REF" and node.get("query") is None:
        raise UnsafeSQL("SHOW is niet toegelaten; gebruik SELECT op marts.*.")
    if node.get("class") == "FUNCTION":
        name = str(node.get("function_name", ""))
        if _is_blocked_function(name):
            raise UnsafeSQL(
                f"De functie {name.lower()}() leest bestanden, netwerk of instellingen; dat is niet toegelaten."
            )
    for value in node.values():
        if isinstance(value, dict | list):
            _walk(value, ctes, tables)


def _check_table(node: dict, ctes: frozenset[str], tables: frozenset[str] | None = None) -> None:
    catalog = str(node.get("catalog_name") or "")
    schema = str(node.get("schema_name") or "")
    table = str(node.get("table_name") or "")
    if not catalog and not schema and table.lower() in ctes and not _looks_like_file(table):
        return
    if not catalog and schema.lower() == ALLOWED_SCHEMA:
        if tables is None or table.lower() in tables:
            return
        raise UnsafeSQL(
            f"Tabel '{schema}.{table}' is niet toegelaten voor jouw rol; je leest alleen "
            + ", ".join(f"{ALLOWED_SCHEMA}.{t}" for t in sorted(tables))
            + " (geaggregeerde tellingen)."
        )
    if _is_blocked_function(table) and not schema:
        raise UnsafeSQL(f"{table.split('_')[0].upper()} is niet toegelaten in de SQL-console.")
    if _looks_like_file(table) and not schema:
        raise UnsafeSQL(f"Bestanden lezen ({table!r}) is niet toegelaten in de SQL-console.")
    shown = ".".join(p for p in (catalog, schema, table) if p)
    raise UnsafeSQL(
        f"Tabel {shown!r} is niet toegelaten; de console leest alleen tabellen uit {ALLOWED_SCHEMA}.*"
    )


def _token_scan(sql: str) -> None:
    """Second line: refuse blocked function names followed by '(' and strings after FROM/JOIN."""
    tokens = duckdb.tokenize(sql)
    texts = []
    for i, (pos, kind) in enumerate(tokens):
        end = tokens[i + 1][0] if i + 1 < len(tokens) else len(sql)
        texts.append((sql[pos:end].strip(), kind.name))
    for i, (text, kind) in enumerate(texts):
        nxt = texts[i + 1][0] if i + 1 < len(texts) else ""
        if kind in ("identifier", "keyword") and nxt.startswith("("):
            if _is_blocked_function(text):
                raise UnsafeSQL(
                    f"De functie {text.lower()}() leest bestanden, netwerk of instellingen; dat is niet toegelaten."
                )
        if kind == "string_const" and i > 0 and texts[i - 1][0].lower() in ("from", "join"):
            raise UnsafeSQL(f"Bestanden lezen ({text}) is niet toegelaten in de SQL-console.")


def console_connection(
    warehouse: Path | str,
    memory_limit: str = "1GB",
    threads: int = 2,
) -> duckdb.DuckDBPyConnection:
    """A read-only connection for the SQL console that cannot reach files or the network.

    Parameters
    ----------
    warehouse : Path or str
        The warehouse file.
    memory_limit : str
        DuckDB memory limit for console queries.
    threads : int
        Worker threads, so one heavy query leaves the dashboard responsive.

    Notes
    -----
    DuckDB refuses to open one file twice in a process with different settings, and the
    dashboard's own connection (``dashboard/queries/_db.py``) already has the warehouse
    open. So the console gets its own in-memory database that ATTACHes the warehouse
    read-only, makes it the default catalog (``marts.x`` resolves as usual), and only
    then switches external access off and locks the configuration. The spatial extension
    is not loaded (loading is itself a file access); the marts carry geometry as text.
    """
    con = duckdb.connect(
        ":memory:",
        config={
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            "allow_community_extensions": False,
            "python_enable_replacements": False,
        },
    )
    try:
        path = str(Path(warehouse).resolve()).replace("'", "''")
        con.execute(f"ATTACH '{path}' AS warehouse (READ_ONLY)")
        con.execute("USE warehouse")
        con.execute(f"SET memory_limit = '{memory_limit}'")
        con.execute(f"SET threads = {int(threads)}")
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
    except BaseException:
        con.close()
        raise
    return con


def run_console_query(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    row_limit: int = 10_000,
    timeout_s: float = 10.0,
    tables: frozenset[str] | None = None,
) -> tuple[pd.DataFrame, bool]:
    """Check and run a console query with a row limit and a timeout.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        From :func:`console_connection`.
    sql : str
        The user's query; :func:`check_console_sql` runs first, always.
    row_limit : int
        Rows returned at most.
    timeout_s : float
        After this many seconds the query is interrupted.
    tables : frozenset of str, optional
        Restrict the query to these marts (see :func:`check_console_sql`).

    Returns
    -------
    (pandas.DataFrame, bool)
        The rows and whether more rows existed than ``row_limit``.

    Raises
    ------
    UnsafeSQL
        Refused by the guard.
    ConsoleTimeout
        Interrupted after ``timeout_s``.
    duckdb.Error
        Any other DuckDB error (unknown column, ...), for the page to show.
    """
    check_console_sql(sql, tables)
    statement = duckdb.extract_statements(sql)[0].query
    # A cursor is a new connection on the same database: it does not inherit USE.
    catalog = con.execute("SELECT current_database()").fetchone()[0]
    cur = con.cursor()
    cur.execute(f'USE "{catalog.replace(chr(34), chr(34) * 2)}"')
    timed_out = threading.Event()

    def _interrupt() -> None:
        timed_out.set()
        cur.interrupt()

    timer = threading.Timer(timeout_s, _interrupt)
    timer.daemon = True
    timer.start()
    try:
        # The relation API adds the LIMIT without pasting the user's text into ours.
        df = cur.sql(statement).limit(row_limit + 1).df()
    except duckdb.InterruptException:
        raise ConsoleTimeout(
            f"De query duurde langer dan {timeout_s:g} s en werd afgebroken."
        ) from None
    except duckdb.Error:
        if timed_out.is_set():
            raise ConsoleTimeout(
                f"De query duurde langer dan {timeout_s:g} s en werd afgebroken."
            ) from None
        raise
    finally:
        timer.cancel()
        cur.close()
    truncated = len(df) > row_limit
    return df.iloc[:row_limit], truncated
