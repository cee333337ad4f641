"""The SQL console's queries: the analyst's own SELECT over ``marts.*``, guarded and bounded.

All checking is done by :mod:`dashboard.auth.sqlguard` (parse-tree guard, a connection
without file or network access, a worker process per query with a row limit, a byte budget,
memory and CPU limits and a timeout). This module owns the one console connection per
warehouse version (it tells the worker which warehouse and settings to use) and turns
DuckDB's English errors into Dutch sentences.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import duckdb
import pandas as pd
import streamlit as st

from dashboard.auth.sqlguard import (
    MAX_RESULT_BYTES,
    ConsoleAborted,
    ConsoleTimeout,
    UnsafeSQL,
    console_connection,
    execute_console_query,
)
from dashboard.queries._db import WarehouseVersion

#: Most rows the console shows and offers for download.
ROW_LIMIT = 10_000
#: Seconds after which a console query is interrupted.
TIMEOUT_S = 15.0
#: Most bytes of result the console brings back (Arrow buffers); the rest is cut off.
MAX_BYTES = MAX_RESULT_BYTES

_lock = threading.Lock()
#: The open console connection per warehouse path (closed when a new version opens).
_live: dict[str, duckdb.DuckDBPyConnection] = {}


@st.cache_resource(max_entries=2, show_spinner=False)
def _console(path: str, mtime_ns: int, size: int) -> duckdb.DuckDBPyConnection:
    # One connection per version, never two for one file: DuckDB refuses to open a file
    # twice in one process with different settings. mtime_ns and size key the cache.
    with _lock:
        previous = _live.pop(path, None)
        if previous is not None:
            previous.close()
        con = console_connection(path)
        _live[path] = con
    return con


def console_for(version: WarehouseVersion) -> duckdb.DuckDBPyConnection:
    """The read-only, file-less console connection of this warehouse version."""
    return _console(*version)


@dataclass(frozen=True)
class ConsoleResult:
    """What a console query gave back.

    Attributes
    ----------
    rows : pandas.DataFrame
        At most the row limit and the byte budget.
    truncated : bool
        More rows existed than were returned.
    seconds : float
        Wall-clock duration.
    byte_limited : bool
        The byte budget (:data:`MAX_BYTES`), not the row limit, cut the result off.
    """

    rows: pd.DataFrame
    truncated: bool
    seconds: float
    byte_limited: bool = False


def run_sql(
    version: WarehouseVersion,
    sql: str,
    row_limit: int = ROW_LIMIT,
    timeout_s: float = TIMEOUT_S,
    max_bytes: int | None = None,
) -> ConsoleResult:
    """Run an analyst's query through the guard (never cached: the text is free).

    Parameters
    ----------
    version : WarehouseVersion
        Warehouse to query.
    sql : str
        One ``SELECT`` / ``WITH`` over ``marts.*``.
    row_limit : int
        Rows returned at most.
    timeout_s : float
        Interrupt after this many seconds.
    max_bytes : int, optional
        Byte budget of the result; defaults to :data:`MAX_BYTES`.

    Returns
    -------
    ConsoleResult

    Raises
    ------
    UnsafeSQL, ConsoleTimeout, ConsoleAborted, duckdb.Error
        Turn any of them into a sentence with :func:`explain_error`.
    """
    started = time.perf_counter()
    result = execute_console_query(
        console_for(version),
        sql,
        row_limit=row_limit,
        timeout_s=timeout_s,
        max_bytes=MAX_BYTES if max_bytes is None else max_bytes,
    )
    return ConsoleResult(
        result.rows, result.truncated, time.perf_counter() - started, result.byte_limited
    )


#: DuckDB error class → Dutch explanation, most specific first.
_ERRORS: tuple[tuple[type[BaseException], str], ...] = (
    (duckdb.CatalogException, "Een tabel, kolom of functie in de query bestaat niet."),
    (duckdb.BinderException, "Een kolomnaam klopt niet of is dubbelzinnig (zet de tabel ervoor)."),
    (
        duckdb.ParserException,
        "De query bevat een schrijffout; controleer komma's, haakjes en quotes.",
    ),
    (
        duckdb.ConversionException,
        "Een waarde kon niet omgezet worden (bv. tekst naar getal of datum).",
    ),
    (duckdb.OutOfMemoryException, "De query vraagt te veel geheugen; filter of groepeer eerst."),
    (duckdb.PermissionException, "Dat is niet toegelaten in de SQL-console."),
    (duckdb.InvalidInputException, "Een waarde of argument in de query is ongeldig."),
)


def explain_error(exc: BaseException) -> tuple[str, str | None]:
    """A Dutch sentence for a console error, and DuckDB's own message as detail.

    Parameters
    ----------
    exc : Exception
        From :func:`run_sql`.

    Returns
    -------
    (str, str or None)
        The sentence to show, and the technical detail (``None`` when the sentence says it
        all).
    """
    if isinstance(exc, UnsafeSQL | ConsoleTimeout | ConsoleAborted):
        return str(exc), None
    detail = str(exc).strip() or type(exc).__name__
    for cls, sentence in _ERRORS:
        if isinstance(exc, cls):
            return sentence, detail
    return "De query liep fout.", detail
