"""The SQL console's queries: the analyst's own SELECT over ``marts.*``, guarded and bounded.

All checking is done by :mod:`dashboard.auth.sqlguard` (parse-tree guard, a connection
without file or network access, row limit, timeout). This module owns the one console
connection per warehouse version and turns DuckDB's English errors into Dutch sentences.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import duckdb
import pandas as pd
import streamlit as st

from dashboard.auth.sqlguard import (
    ConsoleTimeout,
    UnsafeSQL,
    console_connection,
    run_console_query,
)
from dashboard.queries._db import WarehouseVersion

#: Most rows the console shows and offers for download.
ROW_LIMIT = 10_000
#: Seconds after which a console query is interrupted.
TIMEOUT_S = 15.0

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
        At most the row limit.
    truncated : bool
        More rows existed than the limit.
    seconds : float
        Wall-clock duration.
    """

    rows: pd.DataFrame
    truncated: bool
    seconds: float


def run_sql(
    version: WarehouseVersion,
    sql: str,
    row_limit: int = ROW_LIMIT,
    timeout_s: float = TIMEOUT_S,
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

    Returns
    -------
    ConsoleResult

    Raises
    ------
    UnsafeSQL, ConsoleTimeout, duckdb.Error
        Turn any of them into a sentence with :func:`explain_error`.
    """
    started = time.perf_counter()
    rows, truncated = run_console_query(
        console_for(version), sql, row_limit=row_limit, timeout_s=timeout_s
    )
    return ConsoleResult(rows, truncated, time.perf_counter() - started)


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
    if isinstance(exc, UnsafeSQL | ConsoleTimeout):
        return str(exc), None
    detail = str(exc).strip() or type(exc).__name__
    for cls, sentence in _ERRORS:
        if isinstance(exc, cls):
            return sentence, detail
    return "De query liep fout.", detail
