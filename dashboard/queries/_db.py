"""The warehouse connection: the only place that opens DuckDB.

The dashboard reads ``marts.*`` through one read-only connection per warehouse *version*.
A version is ``(path, st_mtime_ns, st_size)`` of the warehouse file: the ETL writes a new
file and renames it over the old one, so a new build changes the version, which gives a
new cached connection and, because every query function takes the version as a
parameter, new cache entries for every query.

DuckDB keeps one database instance per file path in a process: while any connection to
the old instance is open, ``connect(path)`` hands back that old instance, which still
reads the replaced file (an open inode survives the rename). So opening the connection
for a new version first closes the connection of the previous version of the same path.
A run that started before the swap and still asks with the old version gets the current
connection instead (see :func:`query`).
"""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from etl import config
from etl.duck import connect

#: ``(resolved path, st_mtime_ns, st_size)`` of the warehouse file.
WarehouseVersion = tuple[str, int, int]

#: No query function may hand a page more rows than this; a bigger result means a
#: missing aggregate or LIMIT, which is a bug we want to see, not a slow page.
MAX_ROWS = 50_000

#: The bound for the few queries whose rows are an analysis's input by design (the
#: black-spot rule's injury accidents and victims, the controls of the enforcement check,
#: the tasks of the workload index): every row counts there, so they are never cut to
#: :data:`MAX_ROWS` (they were, silently, until the thirty-fourth session). A year of the
#: 10^7 benchmark has 449,714 injury accidents, 899,384 controls and 7,494,867 tasks (the
#: last refused); a zone has thousands.
ANALYSIS_MAX_ROWS = 1_000_000

_cursor_lock = threading.Lock()
#: The open connection per warehouse path (the latest version opened).
_live: dict[str, duckdb.DuckDBPyConnection] = {}


class TooManyRows(RuntimeError):
    """A query found more rows than its bound (``max_rows``): a page says so instead of
    counting a part."""

    def __init__(self, max_rows: int):
        super().__init__(f"Query gaf meer dan {max_rows} rijen; voeg een aggregatie of LIMIT toe")
        self.max_rows = max_rows


class WarehouseMissing(RuntimeError):
    """The warehouse file does not exist (no build has run yet)."""


def warehouse_path() -> Path:
    """Path of the warehouse file (``WIJKBEELD_WAREHOUSE`` or ``data/warehouse.duckdb``)."""
    return config.warehouse_path()


def warehouse_version(path: Path | None = None) -> WarehouseVersion | None:
    """Current version of the warehouse file, or ``None`` when it does not exist.

    Parameters
    ----------
    path : Path, optional
        Warehouse file; defaults to :func:`warehouse_path`.

    Returns
    -------
    tuple of (str, int, int) or None
        ``(path, st_mtime_ns, st_size)``; cheap to compute, so pages call it every run.
    """
    p = Path(path) if path else warehouse_path()
    try:
        stat = p.stat()
    except FileNotFoundError:
        return None
    return (str(p.resolve()), stat.st_mtime_ns, stat.st_size)


def require_version() -> WarehouseVersion:
    """Like :func:`warehouse_version` but raise :class:`WarehouseMissing` when absent."""
    version = warehouse_version()
    if version is None:
        raise WarehouseMissing(str(warehouse_path()))
    return version


@st.cache_resource(max_entries=4, show_spinner=False)
def _connection(path: str, mtime_ns: int, size: int) -> duckdb.DuckDBPyConnection:
    # mtime_ns and size are unused in the body: they are part of the cache key.
    with _cursor_lock:
        previous = _live.pop(path, None)
        if previous is not None:
            previous.close()
        con = connect(path, read_only=True)
        _live[path] = con
    return con


def _cursor(version: WarehouseVersion) -> duckdb.DuckDBPyConnection:
    con = _connection(*version)
    with _cursor_lock:
        try:
            return con.cursor()
        except duckdb.ConnectionException:
            pass
    # Closed because a newer build was swapped in during this run: use the newest.
    current = warehouse_version(Path(version[0])) or version
    con = _connection(*current)
    with _cursor_lock:
        return con.cursor()


def query(
    version: WarehouseVersion, sql: str, params: dict | None = None, max_rows: int | None = None
) -> pd.DataFrame:
    """Run one parameterised SELECT on the warehouse and return a small DataFrame.

    Parameters
    ----------
    version : WarehouseVersion
        From :func:`warehouse_version`; picks the connection.
    sql : str
        SQL with ``$name`` placeholders. Only identifiers from fixed whitelists may be
        formatted into it; every user-supplied value goes in ``params``.
    params : dict, optional
        Values for the placeholders.
    max_rows : int, optional
        More rows than this is an error, never a cut: :data:`MAX_ROWS` by default,
        :data:`ANALYSIS_MAX_ROWS` for an analysis's row-level input.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    TooManyRows
        When the result has more than ``max_rows`` rows.
    """
    # A DuckDB connection must not be used by two threads at once; Streamlit runs each
    # session in its own thread, so each query gets its own cursor on the shared database.
    if max_rows is None:
        max_rows = MAX_ROWS
    cur = _cursor(version)
    try:
        if max_rows > MAX_ROWS:
            # An analysis's input may be large: counted first, so one over its bound is
            # refused without a million rows fetched into pandas (3-5 s at 10^7).
            (n,) = cur.execute(f"SELECT count(*) FROM ({sql})", params or {}).fetchone()
            if n > max_rows:
                raise TooManyRows(max_rows)
        # The outer LIMIT is a guard, not a feature: it keeps a faulty query from pulling
        # a whole table into pandas. DuckDB keeps the inner ORDER BY through it.
        df = cur.execute(f"SELECT * FROM ({sql}) LIMIT {max_rows + 1}", params or {}).df()
    finally:
        cur.close()
    if len(df) > max_rows:
        raise TooManyRows(max_rows)
    return plain_text(df)


def plain_text(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with categorical columns as ordinary text (object) columns.

    The warehouse stores repetitive text as ENUM (see ``etl.labels``), which
    DuckDB hands to pandas as a categorical; pages and analyses expect plain strings
    (``fillna("")``, concatenation, new values).
    """
    for col in df.columns[df.dtypes.map(lambda t: isinstance(t, pd.CategoricalDtype))]:
        df[col] = df[col].astype(object).where(df[col].notna(), None)
    return df


def scalar(version: WarehouseVersion, sql: str, params: dict | None = None):
    """Run a query that returns one value and return that value (or ``None``).

    A SQL NULL is ``None`` too, not pandas' ``NA``/``NaT``/``NaN`` (``int(NA)`` stopped the
    hot-spot pages of a zone without incidents or nuisance; ``NA or 0`` raises).
    """
    df = query(version, sql, params)
    if df.empty:
        return None
    value = df.iat[0, 0]
    if pd.api.types.is_scalar(value) and pd.isna(value):
        return None
    return value


def table_exists(version: WarehouseVersion, qualified_name: str) -> bool:
    """Whether ``schema.table`` exists in the warehouse (optional marts may be absent)."""
    schema, _, name = qualified_name.partition(".")
    n = scalar(
        version,
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = $s AND table_name = $t",
        {"s": schema, "t": name},
    )
    return bool(n)
