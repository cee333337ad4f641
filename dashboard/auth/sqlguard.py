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
   thread limits; :func:`run_console_query` runs each query in a separate worker process
   (its own console connection, resource limits, killed at the deadline) and brings back at
   most a row limit and a byte budget of result, as Arrow IPC.

The worker is this very file run as a script (``python -I sqlguard.py --console-worker``):
it needs only the standard library, ``duckdb`` and ``pyarrow``, never the dashboard.
"""

from __future__ import annotations

import json
import logging
import math
import os
import selectors
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:  # pandas only where a frame is built: the worker never imports it
    import pandas as pd


class UnsafeSQL(ValueError):
    """The console refuses this SQL; the message is Dutch and meant for the user."""


class ConsoleTimeout(RuntimeError):
    """The query ran longer than allowed and was interrupted."""


class ConsoleAborted(RuntimeError):
    """The worker stopped without an answer (memory or CPU limit, crash) or none was free.

    The message is Dutch and meant for the user.
    """


#: Longest console text accepted, in characters. Checked before the parser sees the text:
#: parsing 2 MB took 13.5 s under the parser lock, and the audit log keeps the whole text
#: of every query up to this length.
MAX_SQL_CHARS = 10_000

#: Most bytes of result (Arrow buffers) a worker sends back; the rest is cut off, like rows
#: past the row limit.
MAX_RESULT_BYTES = 50_000_000

#: Address space (``RLIMIT_AS``) of a console worker. A worker maps about 1.5 GB of virtual
#: memory before it runs anything (thread arenas, libraries); a heavy join within DuckDB's
#: 1 GB memory limit peaked at 3.1 GB. A query that needs more fails in the worker only,
#: with DuckDB's out-of-memory error.
WORKER_ADDRESS_SPACE = 4 * 1024**3

#: Seconds a worker may take to start and open the warehouse (not counted in the timeout).
WORKER_STARTUP_S = 30.0

#: Console queries that may run at once in one dashboard process (one worker each).
MAX_WORKERS = 2

#: Rows per Arrow batch in the worker: the byte budget is checked per batch.
_BATCH_ROWS = 256
#: Longest protocol header line from a worker.
_MAX_HEADER = 64 * 1024
#: Environment passed to a worker: nothing else (no secrets from the dashboard's).
_WORKER_ENV = ("PATH", "TZ", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR")

_worker_slots = threading.BoundedSemaphore(MAX_WORKERS)
_log = logging.getLogger(__name__)


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


_system_view_names: frozenset[str] | None = None


def _system_views() -> frozenset[str]:
    """The names of DuckDB's own views (``duckdb_columns``, ``pg_settings``, ``tables``,
    ...), read once from the parser connection: no CTE may carry one."""
    global _system_view_names
    if _system_view_names is None:
        with _parser_lock:
            rows = (
                _parser_connection()
                .cursor()
                .execute("SELECT lower(view_name) FROM duckdb_views() WHERE internal")
                .fetchall()
            )
        _system_view_names = frozenset(r[0] for r in rows)
    return _system_view_names


def _is_blocked_function(name: str) -> bool:
    name = name.lower().strip('"')
    return (
        name in BLOCKED_FUNCTIONS
        or name.startswith(BLOCKED_PREFIXES)
        or name.endswith(BLOCKED_SUFFIXES)
    )


def _dutch_int(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _is_pivot_without_in(sql: str, statements: list) -> bool:
    # DuckDB rewrites PIVOT without IN into a CREATE TYPE (the pivot values) plus the
    # SELECT; both carry no text of their own, unlike statements the user separated by ';'.
    generated = any(not s.query.strip() for s in statements)
    if not generated:
        return False
    typed = [s for s in statements if s.query.strip()]
    return not typed and any(
        sql[pos : pos + 11].lower().startswith(("pivot", "pivot_wider"))
        for pos, kind in duckdb.tokenize(sql)
        if kind.name == "keyword"
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
    if len(sql) > MAX_SQL_CHARS:
        raise UnsafeSQL(
            f"De query is te lang ({_dutch_int(len(sql))} tekens); de SQL-console aanvaardt "
            f"hoogstens {_dutch_int(MAX_SQL_CHARS)} tekens."
        )
    with _parser_lock:
        cur = _parser_connection().cursor()
        try:
            try:
                statements = cur.extract_statements(sql)
            except duckdb.Error as exc:
                raise UnsafeSQL(f"De query kan niet gelezen worden: {exc}") from None
            if len(statements) != 1:
                if _is_pivot_without_in(sql, statements):
                    raise UnsafeSQL(
                        "PIVOT zonder IN-lijst is niet toegelaten: DuckDB moet daarvoor eerst "
                        "een hulptype aanmaken. Noem de waarden met IN (...), bv. PIVOT "
                        "marts.incidents ON category IN ('Diefstal', 'Vandalisme') USING count(*)."
                    )
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
        for name in names:
            # DuckDB reads a system view of that name wherever the CTE does not bind (its
            # own body, the anchor of a recursive one): `WITH duckdb_columns AS (SELECT *
            # FROM duckdb_columns)` listed every column and ENUM (inspector names).
            if name.strip('"') in _system_views():
                raise UnsafeSQL(
                    f"De naam '{name}' van een WITH-deel is die van een systeemtabel van "
                    "DuckDB; kies een andere naam."
                )
        for i, entry in enumerate(entries):
            # A CTE sees the ones defined before it, and itself only when it recurses.
            value = entry.get("value") or {}
            recursive = ((value.get("query") or {}).get("node") or {}).get("type") == (
                "RECURSIVE_CTE_NODE"
            )
            _walk(value, ctes | frozenset(names[: i + 1] if recursive else names[:i]), tables)
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


#: Words after which '(' opens a sub-query, a list or a clause, not a function's arguments.
_NOT_A_CALL: frozenset[str] = frozenset(
    {
        "all", "and", "any", "array", "as", "between", "by", "case", "distinct", "else",
        "except", "exists", "filter", "from", "having", "in", "intersect", "is", "join",
        "lateral", "like", "materialized", "not", "on", "or", "over", "recursive", "select",
        "some", "then", "union", "using", "values", "when", "where", "with",
    }
)  # fmt: skip
#: First words of a sub-query inside '(' (``ARRAY(SELECT ...)``, ``(FROM x)``).
_SUBQUERY_START: frozenset[str] = frozenset(
    {"select", "from", "with", "values", "table", "summarize", "describe", "pivot", "unpivot"}
)


def _token_scan(sql: str) -> None:
    """Second line: refuse blocked function names followed by '(' and strings read as tables.

    A string counts as a table (a file read, ``FROM 'x.csv'``) when it follows ``FROM`` or
    ``JOIN`` of a query: not inside a function's own parentheses (``extract(year FROM
    '2025-03-01'::DATE)``, ``trim(BOTH 'x' FROM 'xabcx')``) and not after ``IS [NOT]
    DISTINCT FROM``. Comments are skipped. The parse-tree check refuses file-like table
    names on its own as well.
    """
    tokens = duckdb.tokenize(sql)
    texts = []
    for i, (pos, kind) in enumerate(tokens):
        end = tokens[i + 1][0] if i + 1 < len(tokens) else len(sql)
        if kind.name != "comment":
            texts.append((sql[pos:end].strip(), kind.name))
    # One entry per open parenthesis: True when it holds a function's arguments.
    calls: list[bool] = []
    for i, (text, kind) in enumerate(texts):
        nxt = texts[i + 1][0] if i + 1 < len(texts) else ""
        prev, prev_kind = texts[i - 1] if i > 0 else ("", "")
        if kind in ("identifier", "keyword") and nxt.startswith("("):
            if _is_blocked_function(text):
                raise UnsafeSQL(
                    f"De functie {text.lower()}() leest bestanden, netwerk of instellingen; dat is niet toegelaten."
                )
        if kind == "operator" and text == "(":  # DuckDB's tokenizer gives each '(' its own token
            calls.append(
                nxt.lower() not in _SUBQUERY_START
                and prev_kind in ("identifier", "keyword")
                and prev.lower() not in _NOT_A_CALL
            )
        elif kind == "operator" and text == ")" and calls:
            calls.pop()
        if kind == "string_const" and prev.lower() in ("from", "join"):
            in_call = bool(calls) and calls[-1]
            comparison = prev.lower() == "from" and i > 1 and texts[i - 2][0].lower() == "distinct"
            if not in_call and not comparison:
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


@dataclass(frozen=True)
class ConsoleRows:
    """What a console worker brought back.

    Attributes
    ----------
    rows : pandas.DataFrame
        At most the row limit, and at most the byte budget.
    truncated : bool
        More rows existed than were returned (row limit or byte budget).
    byte_limited : bool
        The byte budget cut the result off.
    nbytes : int
        Bytes of Arrow IPC received from the worker.
    """

    rows: pd.DataFrame
    truncated: bool
    byte_limited: bool
    nbytes: int


def run_console_query(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    row_limit: int = 10_000,
    timeout_s: float = 10.0,
    tables: frozenset[str] | None = None,
) -> tuple[pd.DataFrame, bool]:
    """Check and run a console query with a row limit, a byte budget and a timeout.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        From :func:`console_connection`: says which warehouse, memory limit and threads the
        worker uses (the query itself runs in the worker, see :func:`execute_console_query`).
    sql : str
        The user's query; :func:`check_console_sql` runs first, always.
    row_limit : int
        Rows returned at most.
    timeout_s : float
        After this many seconds the worker is killed.
    tables : frozenset of str, optional
        Restrict the query to these marts (see :func:`check_console_sql`).

    Returns
    -------
    (pandas.DataFrame, bool)
        The rows and whether more rows existed than were returned (``row_limit`` or
        :data:`MAX_RESULT_BYTES`).

    Raises
    ------
    UnsafeSQL
        Refused by the guard.
    ConsoleTimeout
        Killed after ``timeout_s``.
    ConsoleAborted
        The worker hit its memory or CPU limit, crashed, or none was free.
    duckdb.Error
        Any other DuckDB error (unknown column, ...), for the page to show.
    """
    result = execute_console_query(
        con, sql, row_limit=row_limit, timeout_s=timeout_s, tables=tables
    )
    return result.rows, result.truncated


def execute_console_query(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    row_limit: int = 10_000,
    timeout_s: float = 10.0,
    tables: frozenset[str] | None = None,
    max_bytes: int = MAX_RESULT_BYTES,
) -> ConsoleRows:
    """Like :func:`run_console_query`, with the byte budget and what it cut off.

    The query runs in a new process (``python -I sqlguard.py --console-worker``, never a
    fork of the dashboard) that opens its own :func:`console_connection` with the settings
    of ``con``, limits its own address space (:data:`WORKER_ADDRESS_SPACE`) and CPU time,
    dies with its parent, and sends back at most ``row_limit`` rows and ``max_bytes`` bytes
    as Arrow IPC. The parent kills it ``timeout_s`` after it reported ready (DuckDB's own
    interrupt is only checked between chunks: one heavy scalar function ran for minutes),
    and always reaps it.
    """
    check_console_sql(sql, tables)
    statement = duckdb.extract_statements(sql)[0].query
    warehouse, memory_limit, threads = _connection_settings(con)
    request = {
        "warehouse": warehouse,
        "memory_limit": memory_limit,
        "threads": threads,
        "sql": statement,
        "row_limit": int(row_limit),
        "max_bytes": int(max_bytes),
    }
    if not _worker_slots.acquire(timeout=max(timeout_s, 1.0)):
        raise ConsoleAborted(
            "De SQL-console is bezet met andere query's; probeer het over enkele ogenblikken opnieuw."
        )
    try:
        header, payload = _run_worker(request, timeout_s, threads, max_bytes)
    finally:
        _worker_slots.release()
    rows = _to_frame(payload)
    return ConsoleRows(
        rows=rows,
        truncated=bool(header.get("truncated")),
        byte_limited=bool(header.get("byte_limited")),
        nbytes=len(payload),
    )


def _connection_settings(con: duckdb.DuckDBPyConnection) -> tuple[str, str, int]:
    # A cursor: the shared connection may be in use by another session's thread.
    cur = con.cursor()
    try:
        paths = [
            r[0]
            for r in cur.execute(
                "SELECT path FROM duckdb_databases() WHERE path IS NOT NULL AND NOT internal"
            ).fetchall()
        ]
        memory_limit, threads = cur.execute(
            "SELECT current_setting('memory_limit'), current_setting('threads')"
        ).fetchone()
    finally:
        cur.close()
    if len(paths) != 1:
        raise ValueError("Geen console-verbinding: verwacht precies één warehousebestand.")
    return str(paths[0]), str(memory_limit), int(threads)


def _timeout_message(timeout_s: float) -> str:
    return f"De query duurde langer dan {timeout_s:g} s en werd afgebroken."


_ABORTED = (
    "De query werd afgebroken: ze vroeg meer geheugen of rekentijd dan de SQL-console "
    "toelaat. Filter, groepeer of beperk de kolommen eerst."
)


def _worker_command() -> list[str]:
    # -I: no user site, no PYTHON* variables, not the script's folder on sys.path.
    return [
        sys.executable,
        "-I",
        str(Path(__file__).resolve()),
        "--console-worker",
        str(os.getpid()),
    ]


def _run_worker(
    request: dict, timeout_s: float, threads: int, max_bytes: int
) -> tuple[dict, bytes | bytearray]:
    """Start a worker, send it ``request``, and return its result header and Arrow bytes."""
    env = {k: os.environ[k] for k in _WORKER_ENV if k in os.environ}
    env["WIJKBEELD_WORKER_AS"] = str(WORKER_ADDRESS_SPACE)
    env["WIJKBEELD_WORKER_CPU"] = str(math.ceil(timeout_s * max(threads, 1)) + 10)
    data = json.dumps(request, ensure_ascii=False).encode("utf-8")
    # Never more than the budget plus Arrow's framing (metadata per batch, padding).
    ceiling = 2 * max_bytes + 16 * 1024 * 1024
    proc = subprocess.Popen(
        _worker_command(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        close_fds=True,
    )
    stderr_tail = bytearray()
    try:
        header, payload = _exchange(proc, data, timeout_s, ceiling, stderr_tail)
    except ConsoleAborted:
        if stderr_tail:
            _log.warning(
                "SQL-console worker: %s", bytes(stderr_tail[-2000:]).decode("utf-8", "replace")
            )
        raise
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream is not None and not stream.closed:
                stream.close()
    if header.get("type") == "error":
        raise _worker_error(header)
    return header, payload


def _exchange(
    proc: subprocess.Popen, data: bytes, timeout_s: float, ceiling: int, stderr_tail: bytearray
) -> tuple[dict, bytes | bytearray]:
    # One loop over the three pipes, so a worker that stops reading or writes too much can
    # never block the dashboard past the deadline or fill its memory.
    sel = selectors.DefaultSelector()
    fd_in, fd_out, fd_err = proc.stdin.fileno(), proc.stdout.fileno(), proc.stderr.fileno()
    for fd in (fd_in, fd_out, fd_err):
        os.set_blocking(fd, False)
    sel.register(fd_in, selectors.EVENT_WRITE)
    sel.register(fd_out, selectors.EVENT_READ)
    sel.register(fd_err, selectors.EVENT_READ)
    pending = memoryview(data)
    buffer = bytearray()
    received = 0
    deadline = time.monotonic() + WORKER_STARTUP_S
    ready = False
    header: dict | None = None
    try:
        while True:
            # Parse what has arrived: header lines, then the result's payload.
            while header is None:
                newline = buffer.find(b"\n")
                if newline < 0:
                    if len(buffer) > _MAX_HEADER:
                        raise ConsoleAborted(_ABORTED)
                    break
                try:
                    message = json.loads(bytes(buffer[:newline]))
                except ValueError:
                    raise ConsoleAborted(_ABORTED) from None
                del buffer[: newline + 1]
                if message.get("type") == "ready" and not ready:
                    ready = True
                    deadline = time.monotonic() + timeout_s
                elif message.get("type") in ("result", "error"):
                    header = message
                else:
                    raise ConsoleAborted(_ABORTED)
            if header is not None:
                size = int(header.get("size") or 0)
                if size > ceiling:
                    raise ConsoleAborted(_ABORTED)
                if len(buffer) >= size:
                    # No copy of the payload beside the buffer: cut the buffer to it.
                    del buffer[size:]
                    return header, buffer
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                if ready:
                    raise ConsoleTimeout(_timeout_message(timeout_s))
                raise ConsoleAborted("De SQL-console kon niet starten; probeer het opnieuw.")
            if not sel.get_map() or fd_out not in sel.get_map():
                # The worker closed its output without a complete answer.
                try:
                    code = proc.wait(timeout=min(remaining, 5.0))
                except subprocess.TimeoutExpired:
                    code = None
                if code == -signal.SIGXCPU:
                    raise ConsoleTimeout(_timeout_message(timeout_s))
                raise ConsoleAborted(_ABORTED)
            for key, _ in sel.select(remaining):
                fd = key.fd
                if fd == fd_in:
                    try:
                        written = os.write(fd_in, pending[: 1 << 16])
                    except (BrokenPipeError, BlockingIOError) as exc:
                        if isinstance(exc, BlockingIOError):
                            continue
                        written = len(pending)
                    pending = pending[written:]
                    if not pending:
                        sel.unregister(fd_in)
                        proc.stdin.close()
                    continue
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    sel.unregister(fd)
                elif fd == fd_out:
                    received += len(chunk)
                    if received > ceiling + _MAX_HEADER:
                        raise ConsoleAborted(_ABORTED)
                    buffer += chunk
                else:
                    stderr_tail += chunk
                    del stderr_tail[:-16384]
    finally:
        sel.close()


def _worker_error(header: dict) -> Exception:
    name = str(header.get("class") or "")
    message = str(header.get("message") or "")
    if name in ("ConsoleAborted", "MemoryError"):
        return ConsoleAborted(_ABORTED)
    cls = getattr(duckdb, name, None)
    if isinstance(cls, type) and issubclass(cls, duckdb.Error):
        return cls(message)
    return duckdb.Error(message or name)


def _to_frame(payload: bytes | bytearray) -> pd.DataFrame:
    """The worker's Arrow IPC as the frame DuckDB's own ``.df()`` would have given."""
    import pandas as pd
    import pyarrow as pa

    table = pa.ipc.open_stream(payload).read_all()
    names = table.column_names
    # Through DuckDB, so types convert as before (dates, decimals, ...); placeholder names
    # because Arrow allows duplicates and DuckDB's scan does not (the aliases dedupe them
    # exactly as a direct query would: a, a_1, ...).
    plain = table.rename_columns([f"c{i}" for i in range(len(names))])
    # One thread and a modest memory limit: the result is at most the byte budget, and
    # the dashboard process must stay small whatever a query returns.
    local = duckdb.connect(
        ":memory:",
        config={
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            "threads": 1,
            "memory_limit": "512MB",
        },
    )
    try:
        rel = local.from_arrow(plain).select(
            *[duckdb.ColumnExpression(f"c{i}").alias(name) for i, name in enumerate(names)]
        )
        df = rel.df()
    finally:
        local.close()
    # ENUMs travel as Arrow dictionaries; DuckDB's .df() makes them ordered categoricals.
    for i, field in enumerate(table.schema):
        if pa.types.is_decimal(field.type) and field.type.scale == 0:
            # A HUGEINT (DuckDB's sum of integers) travels as a decimal of scale 0 and came
            # back as floats: the CSV wrote "101,0" where the screen showed 101 (an audit).
            # Read from Arrow's exact values, not the floats (2^53 + 1 came back one less; a
            # review); beyond 64 bits they stay as they were.
            exact = [None if v is None else int(v) for v in table.column(i).to_pylist()]
            if all(v is None or -(2**63) <= v < 2**63 for v in exact):
                df.isetitem(i, pd.array(exact, dtype="Int64"))
        if pa.types.is_dictionary(field.type):
            column = table.column(i)
            categories = column.chunk(0).dictionary.to_pylist() if column.num_chunks else []
            df.isetitem(i, pd.Categorical(df.iloc[:, i], categories=categories, ordered=True))
    return df


# --- the worker (runs as `python -I sqlguard.py --console-worker <parent pid>`) ------------


def _worker_limits() -> None:
    import resource

    for limit, env in (
        (resource.RLIMIT_AS, "WIJKBEELD_WORKER_AS"),
        (resource.RLIMIT_CPU, "WIJKBEELD_WORKER_CPU"),
    ):
        value = int(os.environ[env])
        _, hard = resource.getrlimit(limit)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        extra = 5 if limit == resource.RLIMIT_CPU else 0
        top = value + extra if hard == resource.RLIM_INFINITY else min(value + extra, hard)
        resource.setrlimit(limit, (value, top))
    # No core dump with warehouse rows in it.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _worker_die_with_parent(parent: int) -> None:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass
    if os.getppid() != parent:  # the parent died before prctl
        os._exit(1)


def _worker_send(out, header: dict, payload: bytes | memoryview = b"") -> None:
    out.write(json.dumps(header).encode("utf-8") + b"\n")
    if payload:
        out.write(payload)
    out.flush()


def _worker_collect(
    con: duckdb.DuckDBPyConnection, sql: str, row_limit: int, max_bytes: int
) -> tuple[dict, memoryview]:
    import pyarrow as pa

    # The relation API adds the LIMIT without pasting the user's text into ours.
    reader = con.sql(sql).limit(row_limit + 1).to_arrow_reader(_BATCH_ROWS)
    sink = pa.BufferOutputStream()
    rows, truncated, byte_limited = 0, False, False
    with pa.ipc.new_stream(sink, reader.schema) as writer:
        for batch in reader:
            if rows + batch.num_rows > row_limit:
                batch = batch.slice(0, row_limit - rows)
                truncated = True
            room = max_bytes - sink.tell()
            if batch.nbytes > room:
                low, high = 0, batch.num_rows  # most rows that fit: batch.slice(0, low)
                while low < high:
                    mid = (low + high + 1) // 2
                    if batch.slice(0, mid).nbytes <= room:
                        low = mid
                    else:
                        high = mid - 1
                batch = batch.slice(0, low)
                truncated = byte_limited = True
            if batch.num_rows:
                writer.write_batch(batch)
                rows += batch.num_rows
            if truncated:
                break
    payload = memoryview(sink.getvalue())
    return {
        "type": "result",
        "rows": rows,
        "truncated": truncated,
        "byte_limited": byte_limited,
        "size": len(payload),
    }, payload


def _worker_main(argv: list[str]) -> int:
    # The protocol gets its own copy of stdout; anything a library prints goes to stderr.
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    _worker_die_with_parent(int(argv[0]))
    _worker_limits()
    try:
        request = json.loads(sys.stdin.buffer.read(1 << 20))
        con = console_connection(
            request["warehouse"], memory_limit=request["memory_limit"], threads=request["threads"]
        )
    except MemoryError:
        _worker_send(out, {"type": "error", "class": "ConsoleAborted", "message": _ABORTED})
        return 1
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which decides
        _worker_send(out, {"type": "error", "class": type(exc).__name__, "message": str(exc)})
        return 1
    _worker_send(out, {"type": "ready"})
    try:
        header, payload = _worker_collect(
            con, request["sql"], request["row_limit"], request["max_bytes"]
        )
    except duckdb.Error as exc:
        _worker_send(out, {"type": "error", "class": type(exc).__name__, "message": str(exc)})
        return 0
    except MemoryError:
        _worker_send(out, {"type": "error", "class": "ConsoleAborted", "message": _ABORTED})
        return 0
    _worker_send(out, header, payload)
    return 0


if __name__ == "__main__" and sys.argv[1:2] == ["--console-worker"]:
    sys.exit(_worker_main(sys.argv[2:]))
