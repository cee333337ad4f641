"""Build the warehouse: raw exports -> raw.* -> staging -> (locate) -> intermediate -> marts.

The build is a pure function of the files under ``raw/`` (no modification times, no
wall-clock reference dates except to refuse dates that lie in the future) and is atomic: it
writes ``<warehouse>.building-<pid>`` and renames it over the warehouse only when every
check passed.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import os
import re
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import numpy as np

from etl import config, duck
from etl.labels import (
    ADDRESS_KINDS,
    TASK_TYPES,
    address_types,
    prepare_labels,
    task_types,
    vocabulary_types,
)
from etl.labels import sql_text as _sql_text
from etl.sources import BuildError, discover_files, load_tabular_kind
from etl.sources.base import SPREADSHEET_SUFFIXES, identical_files, ignored_files, source_name
from etl.sources.mapping import load_mappings
from etl.sources.tabular import file_note, read_blocks

if TYPE_CHECKING:
    import pandas as pd

    from etl.sources.districts import DistrictLayers

# pandas, shapely, PROJ and H3 (etl.geo, etl.sources.districts) are imported where they are
# used: half a second of Python that a build spends while DuckDB reads the first exports
# (see _import_libraries), instead of before it starts.

__all__ = ["BuildError", "build_warehouse", "run_sql_folder"]

SCHEMAS = ("raw", "staging", "intermediate", "marts")
#: Model folders in run order; the Python locating step runs between staging and intermediate
#: (with the query in ``etl/sql/locate/``, run once per located slice, not as a model).
FOLDERS = ("staging", "intermediate", "marts")
_MATERIALIZED_VIEW = re.compile(r"^--\s*materialized:\s*view\s*$", re.IGNORECASE | re.MULTILINE)
_REF = re.compile(r"\b(raw|staging|intermediate|marts)\.([a-z_0-9]+)\b", re.IGNORECASE)
TABULAR_KINDS = tuple(k for k in config.RAW_KINDS if k != "districts")
DISPLAY_TOLERANCE_M = 2.0
_ZONE_TYPES = {"population": "BIGINT", "deadline_days": "INTEGER", "weight": "DOUBLE"}
#: DuckDB memory limit of the build in MiB (``WIJKBEELD_BUILD_MEMORY``, e.g. ``"6GB"``,
#: overrides it); never more than DuckDB's own default of 80 % of the machine's memory.
#: Beyond it DuckDB spills to the scratch folder. The process peaks some 0.8 GB above
#: the limit (DuckDB's own overhead, the Python libraries, a locating slice): with
#: 2600 MiB a build of 10^7 incidents peaks at 3.35-3.45 GB, under the 4 GB it may take.
#: Each MiB helps a build that spills: in four alternating pairs of 10^7 builds, 2600 MiB
#: took 102.7-115.4 s (189-212 CPU-s), 2304 MiB 112.0-130.1 s (205-235 CPU-s, peak 3.1 GB).
BUILD_MEMORY_MIB = 2600


def _memory_limit() -> str:
    if value := os.environ.get("WIJKBEELD_BUILD_MEMORY"):
        return value
    try:
        total_mib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    except (ValueError, OSError, AttributeError):  # not on every platform
        return f"{BUILD_MEMORY_MIB}MiB"
    return f"{min(BUILD_MEMORY_MIB, int(total_mib * 0.8))}MiB"


def model_order(folder: Path) -> list[Path]:
    """SQL models of one folder in dependency order.

    Dependencies are the ``<schema>.<model>`` names a file mentions; models of the same
    folder that it references run first, otherwise alphabetical order.
    """
    schema = folder.name
    files = {p.stem: p for p in sorted(folder.glob("*.sql"))}
    deps = model_dependencies(folder)
    ordered: list[str] = []
    visiting: set[str] = set()

    def visit(stem: str) -> None:
        if stem in ordered:
            return
        if stem in visiting:
            raise BuildError(
                f"Cyclische afhankelijkheid tussen SQL-modellen bij {schema}/{stem}.sql"
            )
        visiting.add(stem)
        for dep in sorted(deps[stem]):
            visit(dep)
        visiting.discard(stem)
        ordered.append(stem)

    for stem in files:
        visit(stem)
    return [files[s] for s in ordered]


def mentioned(sql: str, schema: str) -> set[str]:
    """The names of ``schema`` that ``sql`` mentions as ``<schema>.<name>`` (lower case)."""
    return {m.group(2).lower() for m in _REF.finditer(sql) if m.group(1).lower() == schema}


def model_dependencies(folder: Path) -> dict[str, set[str]]:
    """Per model (file stem) of ``folder``: the models of the same folder it reads."""
    files = {p.stem: p for p in sorted(folder.glob("*.sql"))}
    return {
        stem: (mentioned(path.read_text(encoding="utf-8"), folder.name) & set(files)) - {stem}
        for stem, path in files.items()
    }


def folder_dependencies(
    folder: Path, extra_deps: dict[str, set[str]] | None = None
) -> dict[str, set[str]]:
    """Per model of ``folder`` and per extra job: what it waits for (the models it reads,
    and ``extra_deps``), as :func:`run_sql_folder` runs them."""
    deps = {stem: set(d) for stem, d in model_dependencies(folder).items()}
    for name, needed in (extra_deps or {}).items():
        deps.setdefault(name, set()).update(needed)
    return deps


def in_catalog(sql: str, catalog: str | None, schemas: tuple[str, ...] = ("marts",)) -> str:
    """``sql`` with its references to tables of ``schemas`` qualified by ``catalog``.

    The build writes the marts straight into the attached warehouse file (``catalog``)
    while the other layers stay in memory; the models keep saying ``marts.<name>``.
    """
    if not catalog:
        return sql
    return _REF.sub(
        lambda m: f"{catalog}.{m.group(0)}" if m.group(1).lower() in schemas else m.group(0), sql
    )


def run_jobs(
    con: duckdb.DuckDBPyConnection,
    jobs: dict[str, Callable[[duckdb.DuckDBPyConnection], object]],
    deps: dict[str, set[str]],
    workers: int = 1,
    session_sql: str = "",
    priority: dict[str, float] | None = None,
) -> None:
    """Run every job once the jobs it depends on are done, side by side on connections.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The build connection; with ``workers > 1`` each thread gets a cursor of it.
    jobs : dict
        Name -> callable taking the connection to use, in the order to prefer among the
        jobs that are ready.
    deps : dict
        Name -> names of the jobs it needs (names that are not jobs are ignored).
    workers : int
        Jobs whose inputs are ready run side by side on this many connections (running
        two keeps the cores busy while one of them is in a single-threaded phase, or in
        Python). DuckDB's threads are shared out: the cores over the queries running,
        and the setting is restored at the end.
    session_sql : str
        Run first on every extra connection: the temporary macros the models use.
    priority : dict, optional
        Name -> how much work the job starts (its own and what waits for it; default 0).
        Of the jobs that are ready, the one with the most starts first (ties in ``jobs``
        order): the longest chain of work begins early, and the short jobs fill the other
        connection beside it, instead of one long query running alone at the end of a step
        on one core (a query keeps the threads it started with).

    Raises
    ------
    BaseException
        Of the jobs that failed, the error of the first in ``jobs`` order, once the
        running jobs are done. After a failure only the jobs before it in ``jobs`` order
        still start (whose own failure would be the one to report): with the reads listed
        before the models, a file that cannot be read is reported as such, whichever read
        fails first and whatever ran before it.
    """
    needs = {name: set(deps.get(name, ())) & set(jobs) for name in jobs}
    index = {name: i for i, name in enumerate(jobs)}
    weight = priority or {}
    workers = max(1, workers)
    local = threading.local()
    cursors: list[duckdb.DuckDBPyConnection] = []
    lock = threading.Lock()

    def run(name: str) -> None:
        cur = getattr(local, "cursor", None)
        if cur is None:
            cur = con.cursor()
            if session_sql:
                cur.execute(session_sql)
            local.cursor = cur
            with lock:
                cursors.append(cur)
        jobs[name](cur)

    def run_here(name: str) -> Future:
        # One connection: the job runs in this thread, on the build connection itself.
        future: Future = Future()
        try:
            future.set_result(jobs[name](con))
        except BaseException as exc:  # noqa: BLE001 - raised below, in job order
            future.set_exception(exc)
        return future

    pending = sorted(jobs, key=lambda n: (-weight.get(n, 0.0), index[n]))
    done: set[str] = set()
    failed: dict[str, BaseException] = {}
    running: dict[Future, str] = {}
    pool = ThreadPoolExecutor(workers, thread_name_prefix="wijkbeeld-sql") if workers > 1 else None
    # DuckDB's threads are shared out over the queries running side by side. DuckDB runs
    # threads - 1 background threads, and every connection that runs a query works on it
    # in its own thread besides: with two queries at a time and threads = cores, two cores
    # ran three threads, and the build took a tenth more CPU for the same work (10^6
    # incidents: 27 against 24.5 CPU-s). The setting in force is what one query alone gets.
    cores = int(con.execute("SELECT current_setting('threads')").fetchone()[0])
    threads = cores

    def fit_threads(queries: int) -> None:
        nonlocal threads
        wanted = max(1, cores - max(queries, 1) + 1)
        if pool is not None and wanted != threads:
            con.execute(f"SET threads = {wanted}")
            threads = wanted

    try:
        while True:
            # After a failure, only the jobs before the first failed one may still start.
            first_failed = min((index[n] for n in failed), default=len(jobs))
            for name in [n for n in pending if needs[n] <= done and index[n] < first_failed]:
                if len(running) >= workers:
                    break
                pending.remove(name)
                fit_threads(len(running) + 1)
                running[pool.submit(run, name) if pool else run_here(name)] = name
            if not running:
                if pending and not failed:  # every pending job waits for another one
                    raise BuildError(f"Stappen van de bouw wachten op elkaar: {sorted(pending)}")
                break
            fit_threads(len(running))
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for job in finished:
                name = running.pop(job)
                if (error := job.exception()) is not None:
                    failed[name] = error
                else:
                    done.add(name)
    finally:
        if pool is not None:
            pool.shutdown()
        fit_threads(1)
        for cur in cursors:
            cur.close()
    if failed:
        raise failed[min(failed, key=list(jobs).index)]


def run_sql_folder(
    con: duckdb.DuckDBPyConnection,
    folder: Path,
    timings: dict[str, float] | None = None,
    catalog: str | None = None,
    workers: int = 1,
    session_sql: str = "",
    on_done: Callable[[duckdb.DuckDBPyConnection, Path], object] | None = None,
    prepare: Callable[[duckdb.DuckDBPyConnection, Path], str] | None = None,
    extra_jobs: dict[str, Callable[[duckdb.DuckDBPyConnection], object]] | None = None,
    extra_deps: dict[str, set[str]] | None = None,
    after_jobs: dict[str, Callable[[duckdb.DuckDBPyConnection], object]] | None = None,
    priority: dict[str, float] | None = None,
) -> list[str]:
    """Materialise every model of ``folder`` as the table ``<folder>.<file stem>``.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The build connection.
    folder : Path
        Model folder; its name is the schema.
    timings : dict, optional
        Receives seconds per model.
    catalog : str, optional
        Attached database to create this folder's tables in (references to the folder's
        schema are qualified with it); default the connection's own database.
    workers : int
        Models whose inputs are ready run side by side on this many connections (see
        :func:`run_jobs`).
    session_sql : str
        Run first on every extra connection: the temporary macros the models use.
    on_done : callable, optional
        Called with the connection and the model's file right after each model.
    prepare : callable, optional
        Called with the connection and the model's file right before each model; returns
        the SQL to run (the file's text, or a rewrite of it).
    extra_jobs, extra_deps : dict, optional
        More jobs to run among the models (see :func:`run_jobs`), first in order, and
        what each model (by file stem) or job needs besides the models it reads.
    after_jobs : dict, optional
        More jobs, last in order (a model that is ready goes first); their needs are in
        ``extra_deps`` too.
    priority : dict, optional
        Job or model (by file stem) -> how much work it starts (see :func:`run_jobs`).

    Returns
    -------
    list of str
        The tables created, in dependency order (``<schema>.<name>``, without the catalog).
    """
    order = model_order(folder)
    deps = folder_dependencies(folder, extra_deps)

    def job(path: Path) -> Callable[[duckdb.DuckDBPyConnection], None]:
        def run(cur: duckdb.DuckDBPyConnection) -> None:
            sql = prepare(cur, path) if prepare is not None else None
            _run_model(cur, folder, path, timings, catalog, sql)
            if on_done is not None:
                on_done(cur, path)

        return run

    jobs = dict(extra_jobs or {})
    jobs.update({path.stem: job(path) for path in order})
    jobs.update(after_jobs or {})
    run_jobs(con, jobs, deps, workers, session_sql, priority)
    return [f"{folder.name}.{p.stem}" for p in order]


def _run_model(
    con: duckdb.DuckDBPyConnection,
    folder: Path,
    path: Path,
    timings: dict[str, float] | None,
    catalog: str | None,
    sql: str | None = None,
) -> None:
    """Create ``<folder>.<file stem>`` from the model's file (or from ``sql``, its text as
    prepared for this build)."""
    schemas = (folder.name,)
    table = f"{folder.name}.{path.stem}"
    text = path.read_text(encoding="utf-8") if sql is None else sql
    sql = in_catalog(text.strip().rstrip(";"), catalog, schemas)
    # A model that only passes wide rows on says "-- materialized: view": copying a
    # million wide rows costs seconds, so those are folded into the next table. Tables,
    # marts included, are written as they come: their repetitive text already is ENUM
    # (label types from staging on, the build's vocabularies; see etl.labels).
    kind = "VIEW" if _MATERIALIZED_VIEW.search(sql) else "TABLE"
    t0 = time.perf_counter()
    try:
        con.execute(f"CREATE OR REPLACE {kind} {in_catalog(table, catalog, schemas)} AS {sql}")
    except duckdb.Error as exc:
        raise BuildError(f"SQL-model {folder.name}/{path.name} faalt: {exc}") from exc
    if timings is not None:
        timings[table] = round(time.perf_counter() - t0, 3)


def check_jobs(
    folder: Path, catalog: str | None, failures: list[str]
) -> tuple[dict[str, Callable[[duckdb.DuckDBPyConnection], None]], dict[str, set[str]]]:
    """The checks as jobs for :func:`run_jobs`, each waiting for the marts and the
    intermediate models it reads.

    A check written as branches, each from a line that begins with ``union all`` (at the
    line's start: an indented one is part of a branch; one branch per mart, as
    ``unique_keys``), runs each branch as a job of its own
    (``check.<name>.<n>``), as soon as that branch's marts are written: the largest marts'
    parts then run beside the last marts instead of after them.

    A check that returns rows appends a line (its name and up to five rows) to
    ``failures``; the caller raises them together (:func:`raise_failed_checks`). A check
    that cannot run raises at once. ``catalog``: attached database holding the marts.
    """
    marts = {p.stem for p in (folder.parent / "marts").glob("*.sql")}
    jobs: dict[str, Callable[[duckdb.DuckDBPyConnection], None]] = {}
    deps: dict[str, set[str]] = {}
    for path in sorted(folder.glob("*.sql")):
        text = path.read_text(encoding="utf-8")
        branches = _UNION_BRANCH.split(text.strip().rstrip(";"))

        for n, branch in enumerate(branches):

            def run(
                cur: duckdb.DuckDBPyConnection,
                sql: str = in_catalog(branch, catalog),
                path: Path = path,
            ) -> None:
                try:
                    rel = cur.execute(f"SELECT * FROM ({sql}) LIMIT 6")
                    rows = rel.fetchall()
                    cols = [d[0] for d in rel.description]
                except duckdb.Error as exc:
                    raise BuildError(f"Controle {path.name} faalt: {exc}") from exc
                if rows:
                    sample = "; ".join(str(dict(zip(cols, r, strict=True))) for r in rows[:5])
                    failures.append(f"{path.stem}: {sample}")

            name = f"check.{path.stem}" + (f".{n}" if len(branches) > 1 else "")
            jobs[name] = run
            # (run_jobs ignores the names that are no jobs: the tables made before it.)
            deps[name] = (mentioned(branch, "marts") & marts) | mentioned(branch, "intermediate")
    return jobs, deps


#: Where a check's next branch begins (:func:`check_jobs`): a line that begins with
#: ``union all`` (not indented); the branch keeps its own ``select``.
_UNION_BRANCH = re.compile(r"^union\s+all\s+(?=select\b)", re.IGNORECASE | re.MULTILINE)


def raise_failed_checks(failures: list[str]) -> None:
    """One build error naming every check that returned rows (see :func:`check_jobs`)."""
    if failures:
        raise BuildError("Controles gefaald:\n  " + "\n  ".join(sorted(failures)))


def sql_literal(value: object) -> str | None:
    """``value`` written as an SQL literal (text, number, truth value, date, none), or
    ``None`` for any other value (or text with a NUL character), which needs a parameter."""
    if isinstance(value, np.generic):  # numpy's numbers (an area from shapely, a count)
        value = value.item()
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else f"'{value}'::DOUBLE"
    if isinstance(value, str) and "\x00" not in value:
        return _sql_text(value)
    if isinstance(value, datetime):
        return f"TIMESTAMP '{value.isoformat(sep=' ')}'"
    if isinstance(value, date):
        return f"DATE '{value.isoformat()}'"
    return None


def execute_literal(con: duckdb.DuckDBPyConnection, sql: str, values: list) -> None:
    """``con.execute(sql, values)`` with the values written into the statement where they
    can be (:func:`sql_literal`); ``sql`` has no question mark but its parameters.

    DuckDB's first statement with parameters imports pandas (0.3 s): at the build's start
    that import, which runs beside the first reads, held up the main thread instead.
    """
    literals = [sql_literal(v) for v in values]
    if any(lit is None for lit in literals):
        con.execute(sql, values)
        return
    parts = sql.split("?")
    if len(parts) != len(values) + 1:
        raise ValueError(f"{len(values)} waarden voor {len(parts) - 1} parameters")
    con.execute("".join(p + lit for p, lit in zip(parts, literals, strict=False)) + parts[-1])


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple]) -> None:
    """Insert ``rows`` (tuples of one length) into ``table``, a few hundred per statement
    (DuckDB's ``executemany`` runs its statement once per row)."""
    for start in range(0, len(rows), 500):
        chunk = rows[start : start + 500]
        values = ", ".join(f"({', '.join('?' * len(chunk[0]))})" for _ in chunk)
        execute_literal(
            con, f"INSERT INTO {table} VALUES {values}", [v for row in chunk for v in row]
        )


#: How far past the build's start a moment may lie before it counts as "in de toekomst":
#: the clock of the system that made the export may run a little ahead of this one.
CLOCK_MARGIN = timedelta(hours=1)


def create_build_params(
    con: duckdb.DuckDBPyConnection, zone: dict, now: datetime, name: str | None = None
) -> None:
    """``raw.build_params``, the one row the staging models read beside each record.

    ``now`` is the build's start in the zone's local time. ``today`` is its date;
    ``future_from`` the first moment a record may not hold (the staging models refuse it
    as "in de toekomst"): the start of tomorrow, or :data:`CLOCK_MARGIN` after ``now``
    when that comes first. A fact at 23:00 today in a build at 14:00 is a typing error,
    not a fact; a day without a time ("07/12/2026") is never in the future today.
    ``build_started_at`` stamps the files read. ``name`` overrides the zone's name (the
    upload preview's).
    """
    z = zone.get("zone", {})
    tomorrow = datetime.combine(now.date() + timedelta(days=1), datetime.min.time())
    execute_literal(
        con,
        "CREATE TABLE raw.build_params AS SELECT ?::VARCHAR AS zone_name, ?::DATE AS today, "
        "?::INTEGER AS h3_resolution, ?::INTEGER AS h3_resolution_coarse, "
        "?::TIMESTAMP AS build_started_at, ?::TIMESTAMP AS future_from",
        [
            name or z.get("name", "zone"),
            now.date(),
            z.get("h3_resolution", 9),
            z.get("h3_resolution_coarse", 8),
            now,
            min(tomorrow, now + CLOCK_MARGIN),
        ],
    )


def _zone_tables(con: duckdb.DuckDBPyConnection, zone: dict, now: datetime) -> None:
    """Zone configuration as raw.zone_* tables so the SQL models can join it.

    ``now``: the build's start in the zone's local time (:func:`create_build_params`).
    """
    create_build_params(con, zone, now)
    # Small tables, created with their types (an empty list still gets its columns).
    cats = zone.get("categories", {})
    # A wijk or deelgemeente without nis_code (optional in zone.toml) takes its
    # deelgemeente's, else the boundary layer's (marts.districts): an empty text here won
    # over the layer's code, and the wijk's records fell out of their municipality.
    dg_nis = {str(d["code"]): d.get("nis_code") for d in zone.get("deelgemeenten", [])}

    def nis_of(area: dict) -> str | None:
        nis = area.get("nis_code")
        if nis in (None, ""):
            nis = dg_nis.get(str(area.get("deelgemeente")))
        return None if nis in (None, "") else str(nis)

    tables = {
        "zone_municipalities": (
            ["nis_code", "name", "population"],
            [
                (str(m["nis_code"]), m.get("name"), m.get("population"))
                for m in zone.get("municipalities", [])
            ],
        ),
        "zone_deelgemeenten": (
            ["code", "name", "nis_code"],
            [(str(d["code"]), d.get("name"), nis_of(d)) for d in zone.get("deelgemeenten", [])],
        ),
        "zone_wijken": (
            ["code", "name", "nis_code", "deelgemeente", "inspector", "population"],
            [
                (
                    str(w["code"]),
                    w.get("name"),
                    nis_of(w),
                    w.get("deelgemeente"),
                    w.get("inspector"),
                    w.get("population"),
                )
                for w in zone.get("wijken", [])
            ],
        ),
        "zone_lists": (
            ["list_name", "value"],
            [
                (name, str(v))
                for name, values in cats.items()
                if isinstance(values, list)
                for v in values
            ],
        ),
        "zone_task_types": (
            ["name", "deadline_days", "weight"],
            [
                (t["name"], t.get("deadline_days"), t.get("weight"))
                for t in zone.get("task_types", [])
            ],
        ),
    }
    for table, (columns, rows) in tables.items():
        cols = ", ".join(f'"{c}" {_ZONE_TYPES.get(c, "VARCHAR")}' for c in columns)
        con.execute(f"CREATE TABLE raw.{table} ({cols})")
        insert_rows(con, f"raw.{table}", rows)


def _nesting(layers: DistrictLayers) -> dict[str, bool]:
    """Per deelgemeente: do the wijken tile it (so their populations may be summed)?"""
    import shapely

    result = {}
    wijken = layers.layer("wijk")
    for d in layers.layer("deelgemeente"):
        parts = [w.geom for w in wijken if w.geom.intersection(d.geom).area > 0.01 * w.geom.area]
        if not parts:
            result[d.code] = False
            continue
        inside = all(p.intersection(d.geom).area >= 0.98 * p.area for p in parts)
        covered = shapely.union_all(parts).intersection(d.geom).area >= 0.98 * d.geom.area
        result[d.code] = bool(inside and covered)
    return result


#: Two wijken overlap when they share more than this (m²) and this share of the smaller:
#: drawn boundaries leave slivers of a few m² along a shared border, a wijk drawn over
#: another shares hectares.
OVERLAP_MIN_M2 = 1_000.0
OVERLAP_MIN_SHARE = 0.01


def wijk_overlaps(layers: DistrictLayers) -> list[tuple[str, str, float, float]]:
    """Pairs of wijken that overlap: ``(code, other code, shared m², share of the smaller)``,
    codes in order. A record in the shared part counts for one of them only (the first in
    code order), so the other's figures lack it, without a word."""
    import shapely

    wijken = sorted(layers.layer("wijk"), key=lambda a: a.code or "")
    geoms = np.array([a.geom for a in wijken], dtype=object)
    tree = shapely.STRtree(geoms)
    pairs = []
    for i, j in zip(*tree.query(geoms, predicate="intersects"), strict=True):
        if i >= j:
            continue
        shared = shapely.intersection(geoms[i], geoms[j]).area
        smaller = min(geoms[i].area, geoms[j].area)
        if shared > OVERLAP_MIN_M2 and smaller and shared > OVERLAP_MIN_SHARE * smaller:
            pairs.append((wijken[i].code, wijken[j].code, shared, shared / smaller))
    return pairs


def _inside_parent(layers: DistrictLayers, parents: dict[str, str]) -> dict[str, bool]:
    """Per wijk with a deelgemeente (``parents``: the zone configuration's, else the layer's)
    that both layers draw: does it lie inside that deelgemeente (98 % of its area)? A wijk
    across two deelgemeenten has records in both, so the reports cannot add it into one."""
    dg = {d.code: d.geom for d in layers.layer("deelgemeente")}
    result = {}
    for w in layers.layer("wijk"):
        parent = parents.get(w.code) or w.parent_code
        if parent in dg and w.geom.area > 0:
            result[w.code] = bool(w.geom.intersection(dg[parent]).area >= 0.98 * w.geom.area)
    return result


def _districts_table(
    con: duckdb.DuckDBPyConnection,
    layers: DistrictLayers,
    zone_name: str,
    parents: dict[str, str] | None = None,
) -> None:
    import pandas as pd
    import shapely

    from etl import geo
    from etl.sources.districts import Area

    nests = _nesting(layers)
    inside = _inside_parent(layers, parents or {})
    areas_by_layer = dict(layers.areas)
    # Without a zone layer the outline is the one the locating step uses (the union of the
    # areas there are, DistrictLayers.zone_extent): the pages' maps, hot-spot study area
    # and places near it read the zone row, and without it Gi* ran over the hexagons
    # with data only.
    extent = None if layers.layer("zone") else layers.zone_extent()
    if extent is not None:
        derived = Area("zone", zone_name, zone_name, None, None, extent, None, None)  # type: ignore[arg-type]
        areas_by_layer["zone"] = [derived]
    rows = []
    for layer, areas in areas_by_layer.items():
        for a in areas:
            display = shapely.simplify(a.geom, DISPLAY_TOLERANCE_M, preserve_topology=True)
            display = shapely.transform(
                display, lambda xy: np.column_stack(geo.to_wgs84(xy[:, 0], xy[:, 1]))
            )
            xmin, ymin, xmax, ymax = a.geom.bounds
            rows.append(
                {
                    "layer": layer,
                    # One zone per warehouse: its code is the configured name, whatever the file calls it.
                    "code": zone_name if layer == "zone" else a.code,
                    "name": a.name,
                    "parent_code": a.parent_code,
                    "nis_code": a.nis_code,
                    "area_km2": a.geom.area / 1e6,
                    "geojson": shapely.to_geojson(shapely.set_precision(display, 1e-6)),
                    "geom_wkt_31370": shapely.to_wkt(a.geom, rounding_precision=3, trim=True),
                    "xmin": xmin,
                    "ymin": ymin,
                    "xmax": xmax,
                    "ymax": ymax,
                    "wijken_nest": nests.get(a.code) if layer == "deelgemeente" else None,
                    "inside_parent": inside.get(a.code) if layer == "wijk" else None,
                    "source_file": a.source_file,
                    "source_row": a.source_row,
                    "population": a.population,
                }
            )
    cols = (
        "layer VARCHAR, code VARCHAR, name VARCHAR, parent_code VARCHAR, nis_code VARCHAR, "
        "area_km2 DOUBLE, geojson VARCHAR, geom_wkt_31370 VARCHAR, xmin DOUBLE, ymin DOUBLE, "
        "xmax DOUBLE, ymax DOUBLE, wijken_nest BOOLEAN, inside_parent BOOLEAN, source_file VARCHAR, "
        "source_row BIGINT, "
        "population BIGINT"
    )
    con.execute(f"CREATE TABLE raw.districts ({cols})")
    if rows:
        frame = pd.DataFrame(rows)
        con.register("_frame", frame)
        con.execute("INSERT INTO raw.districts SELECT * FROM _frame")
        con.unregister("_frame")
    # Said in marts.build_warnings.
    con.execute(
        "CREATE TABLE raw.wijk_overlaps (code VARCHAR, other_code VARCHAR, shared_m2 DOUBLE, "
        "share DOUBLE)"
    )
    insert_rows(con, "raw.wijk_overlaps", wijk_overlaps(layers))
    # Two layers of one file drawing the same areas (etl.sources.districts): said in
    # marts.build_warnings.
    con.execute(
        "CREATE TABLE raw.layer_conflicts (source_file VARCHAR, layer VARCHAR, "
        "earlier VARCHAR, counted VARCHAR, codes VARCHAR[])"
    )
    insert_rows(con, "raw.layer_conflicts", layers.conflicts)


#: Coordinate pairs located per slice: bounds the locating step's Python memory, and small
#: slices let DuckDB write one while Python locates the next (at 10^6 incidents the step
#: took 1.7 s with 250,000, 2.0 s with 1,000,000 pairs per slice).
LOCATE_CHUNK = 250_000

#: Staging tables located record by record, into ``intermediate.int_<kind>_locations`` in
#: the table's own row order, instead of per distinct coordinate pair: their pairs are
#: nearly all distinct (10^6 incidents: 1.06 M records, about as many pairs), so grouping
#: them saved no locating and cost a ``GROUP BY`` of every pair plus, in every mart, a hash
#: join to find each record's pair again. Their current views take the location by
#: position (``POSITIONAL JOIN``); the other kinds (tasks, controls, Statbel, points of
#: interest, events: few pairs, many records each) keep ``int_point_locations``.
RECORD_LOCATED = {
    "stg_islp__incidents": "incidents",
    "stg_register__nuisance": "nuisance",
    "stg_islp__accidents": "accidents",
}


def _locate(
    con: duckdb.DuckDBPyConnection,
    layers: DistrictLayers,
    zone: dict,
    session: list[str] | None = None,
) -> tuple[int, dict[str, Callable[[duckdb.DuckDBPyConnection], None]]]:
    """Locate the staged records' coordinates (Python, vectorised): every distinct pair of
    most kinds now (``intermediate.int_point_locations``), every record of the kinds in
    :data:`RECORD_LOCATED` by the jobs returned (``intermediate.int_<kind>_locations``).

    ``session`` receives the SQL of the temporary macro it defines (``wb_kind_bit``), for
    the other connections that run models. Returns the number of pairs and records to
    locate, and per location table of :data:`RECORD_LOCATED` (``int_<kind>_locations``) the
    job that makes it: they run among the intermediate models and the marts
    (:func:`_run_models`), so a kind's marts are written while the next kind is located.
    """
    from etl import geo

    tables = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.columns WHERE table_schema = 'staging' "
            "AND column_name = 'x_num' ORDER BY table_name"
        ).fetchall()
    ]
    # Swapped X/Y is only repaired for records that (may) belong to the zone: in a region
    # where Lambert X and Y are about equal, a neighbour's point swapped can land in the
    # zone. A record naming another municipality (Statbel's CD_NIS, the export's
    # "Gemeente") keeps its coordinates as given. The located models ask the same macros
    # (wb_may_swap, wb_may_swap_nis; macros.sql) with the same column.

    def label_column(table: str) -> tuple[str, str] | None:
        """The column naming a record's place (and the macro of its zone places), if any."""
        cols = {
            r[0]
            for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'staging' "
                "AND table_name = ?",
                [table],
            ).fetchall()
        }
        if "nis_code_reported" in cols:
            return "nis_code_reported", "wb_swap_codes"
        if "municipality" in cols:
            return "municipality", "wb_swap_labels"
        return None

    def may_swap(table: str, unlabelled: str = "true") -> str:
        """Whether a record of ``table`` may have a swapped X/Y repaired, as SQL over its
        columns: the places of wb_swap_labels / wb_swap_codes (the rule the located models
        ask through wb_may_swap / wb_may_swap_nis), decided once per table and asked as a
        list of values; ``unlabelled``: the rule for a record that names no place. A
        subquery would read every label of the table again, and its join would not keep
        the rows of a table located per record in their order."""
        found = label_column(table)
        if found is None:
            return unlabelled
        column, places = found
        values = [
            _sql_text(str(v))
            for (v,) in con.execute(
                f"SELECT v FROM {places}({_sql_text('staging.' + table)})"
            ).fetchall()
        ]
        listed = f" OR CAST({column} AS VARCHAR) IN ({', '.join(values)})" if values else ""
        return f"({column} IS NULL AND {unlabelled}){listed}"

    # (The kinds located per record get theirs once the locator can judge their files.)
    swap = {t: may_swap(t) for t in tables if t not in RECORD_LOCATED}

    # Each staging table gets a bit; a pair carries the bits of the tables that use it, so
    # a model joins only its own kind's pairs (wb_kind_bit('staging.stg_...')).
    bits = {t: 1 << i for i, t in enumerate(tables)}
    cases = " ".join(f"WHEN {_sql_text('staging.' + t)} THEN {b}" for t, b in bits.items())
    macro = (
        f"CREATE OR REPLACE TEMP MACRO wb_kind_bit(t) AS CAST(CASE t {cases} ELSE 0 END AS BIGINT)"
        if bits
        else "CREATE OR REPLACE TEMP MACRO wb_kind_bit(t) AS CAST(0 AS BIGINT)"
    )
    con.execute(macro)
    if session is not None:
        session.append(macro)
    per_record = [t for t in tables if t in RECORD_LOCATED]
    union = (
        " UNION ALL ".join(
            f"SELECT x_num, y_num, {swap[t]} AS may_swap, "
            f"CAST({bits[t]} AS BIGINT) AS bit "
            f"FROM staging.{t} WHERE reject_reason IS NULL "
            "AND x_num IS NOT NULL AND y_num IS NOT NULL"
            for t in tables
            if t not in RECORD_LOCATED
        )
        or "SELECT NULL::DOUBLE AS x_num, NULL::DOUBLE AS y_num, NULL::BOOLEAN AS may_swap, "
        "NULL::BIGINT AS bit WHERE false"
    )
    locate_sql = config.SQL_DIR / "locate"
    name_pairs = (locate_sql / "int_point_locations.sql").read_text(encoding="utf-8")
    typed = (locate_sql / "located_slice.sql").read_text(encoding="utf-8")
    z = zone.get("zone", {})
    # The grids and tile fits are built while DuckDB collects the pairs.
    with ThreadPoolExecutor(1, thread_name_prefix="wijkbeeld-grids") as pool:
        locator_job = pool.submit(
            geo.Locator,
            layers,
            int(z.get("h3_resolution", 9)),
            int(z.get("h3_resolution_coarse", 8)),
            z.get("crs_input"),
        )
        # The permission to swap is part of the pair: a pair that records with and without
        # it share is located once for each, and each record joins its own version (the
        # located models join on it too), so a record that may swap never moves another.
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _pairs AS SELECT x_num, y_num, may_swap, "
            f"bit_or(bit) AS kinds FROM ({union}) GROUP BY ALL"
        )
        sizes = {
            "_pairs": con.execute("SELECT count(*) FROM _pairs").fetchone()[0],
            **{
                t: con.execute(f"SELECT count(*) FROM staging.{t}").fetchone()[0]
                for t in per_record
            },
        }
        locator = locator_job.result()

    # A record located per record that names no place may have its X/Y repaired only when
    # its file has X and Y swapped as a whole (swapped_files): the zone mirrored across
    # X = Y lies a few kilometres off (HerKo's on Heverlee and Bertem), and a neighbour's
    # real point there, in a register without a municipality column, was moved into a wijk.
    for t in per_record:
        files = swapped_files(con, locator, t, label_column(t))
        swap[t] = may_swap(
            t,
            f"CAST(source_file AS VARCHAR) IN ({', '.join(map(_sql_text, files))})"
            if files
            else "false",
        )

    def store_in(cur: duckdb.DuckDBPyConnection, target: str, sql: str):
        def store(located: pd.DataFrame, first: bool) -> None:
            cur.register("_located", located)
            cur.execute(f"CREATE OR REPLACE TEMP VIEW _located_typed AS {typed}")
            cur.execute((f"CREATE TABLE {target} AS " if first else f"INSERT INTO {target} ") + sql)
            cur.unregister("_located")

        return store

    _locate_slices(
        con,
        locator,
        "SELECT x_num, y_num, may_swap, kinds FROM _pairs",
        sizes["_pairs"],
        store_in(con, "intermediate.int_point_locations", name_pairs),
    )
    con.execute("DROP VIEW IF EXISTS _located_typed")
    con.execute("DROP TABLE _pairs")

    def record_job(source: str) -> Callable[[duckdb.DuckDBPyConnection], None]:
        target = f"intermediate.int_{RECORD_LOCATED[source]}_locations"

        def run(cur: duckdb.DuckDBPyConnection) -> None:
            # A projection only: the rows keep their order (a join would not). A fresh
            # table's rowids number its rows densely, and a scan returns them in that order.
            _locate_slices(
                cur,
                locator,
                f"SELECT x_num, y_num, {swap[source]} AS may_swap FROM staging.{source}",
                sizes[source],
                store_in(cur, target, "SELECT * EXCLUDE (may_swap, kinds) FROM _located_typed"),
            )
            cur.execute("DROP VIEW IF EXISTS _located_typed")
            # Position k of the location table must be row k of its staging table.
            n, misplaced = cur.execute(
                # (None and NaN alike: the arrays have NaN for both, which DuckDB reads
                # back as NULL; NaN equals NaN in DuckDB.)
                "SELECT count(*), count(*) FILTER (WHERE "
                "coalesce(x_num, 'NaN') IS DISTINCT FROM coalesce(x_in, 'NaN') "
                "OR coalesce(y_num, 'NaN') IS DISTINCT FROM coalesce(y_in, 'NaN')) "
                f"FROM staging.{source} POSITIONAL JOIN {target}"
            ).fetchone()
            if misplaced or n != sizes[source]:
                raise BuildError(
                    f"Interne fout bij het lokaliseren: {target} volgt staging.{source} niet "
                    f"({misplaced} van {n} rijen verschoven)"
                )

        return run

    jobs = {f"int_{RECORD_LOCATED[t]}_locations": record_job(t) for t in per_record}
    return sum(sizes.values()), jobs


#: Records per file that :func:`swapped_files` locates to judge it.
SWAP_SAMPLE = 2_000


def swapped_files(con, locator, table: str, label: tuple[str, str] | None) -> list[str]:
    """The files of a staging ``table`` whose records that name no place lie in the zone
    mostly only with X and Y swapped: at least half of those located in Belgium, judged
    on at most :data:`SWAP_SAMPLE` of them per file. Only in such a file is a single such
    record's swap repaired; elsewhere a point whose swap falls in the zone is a point
    outside it."""
    import pandas as pd

    from etl import geo

    unnamed = f"{label[0]} IS NULL AND " if label else ""
    rows = con.execute(
        f"""SELECT CAST(source_file AS VARCHAR) AS f, x_num, y_num FROM staging.{table}
        WHERE {unnamed}reject_reason IS NULL AND x_num IS NOT NULL AND y_num IS NOT NULL
        QUALIFY row_number() OVER (PARTITION BY source_file) <= {SWAP_SAMPLE}"""
    ).fetchnumpy()
    if not len(rows["f"]):
        return []
    located = locator.locate(
        np.asarray(rows["x_num"], dtype=float),
        np.asarray(rows["y_num"], dtype=float),
        may_swap=np.ones(len(rows["f"]), dtype=bool),
    )
    note = located["location_note"].astype(object)
    frame = pd.DataFrame(
        {
            "f": rows["f"],
            "swapped": note.isin([geo.NOTE_SWAPPED, geo.NOTE_L08_SWAPPED]).to_numpy(),
            "belgium": (located["location_status"].astype(object) != geo.STATUS_NONE).to_numpy(),
        }
    )
    per_file = frame.groupby("f")[["swapped", "belgium"]].sum()
    mostly = (per_file["swapped"] > 0) & (per_file["swapped"] * 2 >= per_file["belgium"])
    return sorted(per_file.index[mostly].astype(str))


def _locate_slices(
    con: duckdb.DuckDBPyConnection,
    locator,
    source_sql: str,
    n_rows: int,
    store: Callable[[pd.DataFrame, bool], None],
) -> None:
    """Locate rows ``[0, n_rows)`` of ``source_sql`` (``x_num``, ``y_num``, ``may_swap``,
    optionally ``kinds``; by ``rowid``) in slices of :data:`LOCATE_CHUNK`, in order, and
    hand each slice's locations to ``store`` (``first`` for the first slice: at least one,
    so the table exists). Python locates one slice while DuckDB writes the previous one and
    reads the next: one I/O thread uses the connection in order (both release the GIL for
    their heavy work), and the Python arrays stay small whatever the number of rows."""

    def fetch(start: int) -> dict:
        return con.execute(
            f"{source_sql} WHERE rowid >= ? AND rowid < ?", [start, start + LOCATE_CHUNK]
        ).fetchnumpy()

    def column(values, dtype, fill):
        # NULL (a masked entry) as NaN, or as no permission to swap.
        return np.ma.filled(np.ma.asarray(values).astype(dtype), fill)

    starts = list(range(0, max(n_rows, 1), LOCATE_CHUNK))
    io = ThreadPoolExecutor(1, thread_name_prefix="wijkbeeld-locate")
    try:
        reading = io.submit(fetch, starts[0])
        writing: Future | None = None
        for k, start in enumerate(starts):
            batch = reading.result()
            if k + 1 < len(starts):
                reading = io.submit(fetch, starts[k + 1])
            allowed = column(batch["may_swap"], bool, False)
            located = locator.locate(
                column(batch["x_num"], float, np.nan),
                column(batch["y_num"], float, np.nan),
                may_swap=allowed,
            )
            located["may_swap"] = allowed
            located["kinds"] = (
                np.asarray(batch["kinds"], dtype=np.int64)
                if "kinds" in batch
                else np.zeros(len(allowed), dtype=np.int64)
            )
            if writing is not None:
                writing.result()
            writing = io.submit(store, located, start == 0)
            del located, batch
        if writing is not None:
            writing.result()
    finally:
        io.shutdown(wait=True, cancel_futures=True)


def _located_kind(table: str) -> str:
    """The kind of a per-record location table: ``int_incidents_locations`` -> incidents."""
    return table.removeprefix("int_").removesuffix("_locations")


def timed_job(
    key: str, job: Callable[[duckdb.DuckDBPyConnection], None], timings: dict[str, float]
) -> Callable[[duckdb.DuckDBPyConnection], None]:
    """``job``, writing its wall seconds to ``timings[key]``."""

    def run(cur: duckdb.DuckDBPyConnection) -> None:
        t0 = time.perf_counter()
        job(cur)
        timings[key] = round(time.perf_counter() - t0, 3)

    return run


def _run_models(
    con: duckdb.DuckDBPyConnection,
    locate_jobs: dict[str, Callable[[duckdb.DuckDBPyConnection], None]],
    checks: dict[str, Callable[[duckdb.DuckDBPyConnection], None]],
    check_deps: dict[str, set[str]],
    timings: dict[str, float],
    workers: int,
    session_sql: str,
    work: dict[str, float],
) -> list[str]:
    """The per-record locating (``locate_jobs``, by the table each makes), the intermediate
    models, the marts (written into the attached warehouse, :data:`TARGET`) and the checks,
    as one set of jobs (:func:`run_jobs`): each starts once what it reads is there, so the
    tasks' marts are written while the incidents are located, and the cores that the
    locating step's Python leaves idle do the marts' work. Returns the marts created, in
    dependency order.
    """
    intermediate = config.SQL_DIR / "intermediate"
    marts = config.SQL_DIR / "marts"
    int_models = {p.stem: p for p in model_order(intermediate)}
    mart_models = {p.stem: p for p in model_order(marts)}
    # What a model reads of the intermediate layer: its models and the location tables.
    int_names = set(int_models) | set(locate_jobs)
    deps: dict[str, set[str]] = {}
    texts: dict[str, str] = {}
    for stem, path in int_models.items():
        texts[stem] = path.read_text(encoding="utf-8")
        deps[stem] = (mentioned(texts[stem], "intermediate") & int_names) - {stem}
    # The address types and lookup macros (etl.labels.address_types) need the two address
    # tables; the marts that look addresses up run the macros on their own connection.
    deps["address_types"] = {"int_address_streets", "int_address_numbers"} & int_names
    # The tasks mart's name and wijk types (etl.labels.task_types) need the tables of
    # names and wijk labels.
    deps["task_types"] = {"int_staff_spelling", "int_task_wijk_labels"} & int_names
    lookups: dict[str, str] = {}
    uses_lookups = tuple(f"wb_{kind}_" for kind in ADDRESS_KINDS)
    for stem, path in mart_models.items():
        texts[stem] = text = path.read_text(encoding="utf-8")
        deps[stem] = (
            ((mentioned(text, "marts") & set(mart_models)) - {stem})
            | (mentioned(text, "intermediate") & int_names)
            | ({"address_types"} if any(u in text for u in uses_lookups) else set())
            | ({"task_types"} if any(t in text for t in TASK_TYPES) else set())
        )
    deps.update(check_deps)

    def model(folder: Path, path: Path, catalog: str | None):
        def run(cur: duckdb.DuckDBPyConnection) -> None:
            if "address_types" in deps[path.stem]:
                cur.execute(lookups["sql"])
            _run_model(cur, folder, path, timings, catalog, texts[path.stem])

        return run

    def address_job(cur: duckdb.DuckDBPyConnection) -> None:
        lookups["sql"] = address_types(cur)

    # The kinds located one after the other, the largest first: locating uses both cores
    # by itself (etl.geo.Locator), and the other connection writes marts beside it.
    located = sorted(locate_jobs, key=lambda n: -work.get(_located_kind(n), 0.0))
    for before, after in itertools.pairwise(located):
        deps[after] = {before}
    jobs: dict[str, Callable[[duckdb.DuckDBPyConnection], None]] = {
        name: timed_job(f"locate.{name}", job, timings) for name, job in locate_jobs.items()
    }
    jobs.update({stem: model(intermediate, p, None) for stem, p in int_models.items()})
    jobs["address_types"] = address_job
    jobs["task_types"] = task_types
    jobs.update({stem: model(marts, p, TARGET) for stem, p in mart_models.items()})
    jobs.update(checks)
    # The kinds with the most records first: their locating and marts are the longest chain.
    own = model_work(marts, work) | {name: work.get(_located_kind(name), 0.0) for name in located}
    # A check scans the rows of the marts it reads: it starts as soon as they are written,
    # before smaller jobs, instead of after the last mart (a branch per mart: check_jobs).
    own |= {name: sum(own.get(m, 0.0) for m in check_deps.get(name, ())) for name in checks}
    run_jobs(con, jobs, deps, workers, session_sql, chain_work(own, deps))
    return [f"marts.{stem}" for stem in mart_models]


#: Address pairs whose candidates in the address list lie further apart than this (metres)
#: are ambiguous (same street name in two municipalities, no postcode): left unlocated.
GEOCODE_SPREAD_M = 50.0


def geocode_jobs(
    staging: Path, geocoded: dict[str, int]
) -> tuple[dict[str, Callable[[duckdb.DuckDBPyConnection], None]], dict[str, set[str]]]:
    """Jobs that give records with an address but no usable coordinates the x/y of the zone's
    address list, one per staging model with a ``geocode_method`` column, to run among the
    staging models (:func:`run_sql_folder`): each starts as soon as its table and the address
    list are staged, beside the other kinds' reading and staging. (In the compressed database
    of large exports the build runs them after the staging instead, in their order here.)

    Works per distinct (street, house number, postcode, municipality) in SQL. The candidates
    are the address list's entries with the street and number as written (exact) or with the
    same :sql:`wb_street_key` / :sql:`wb_house_key` (tolerant: case, accents, abbreviations,
    "12A"/"12 bus 3" -> 12); the postcode must agree when both sides have one. One ranking
    decides: a candidate in the record's own municipality before one from a list without
    municipalities, then exact before tolerant; a record that names a place never takes a
    candidate of another place. Only the best-ranked candidates count; when they lie more than
    :data:`GEOCODE_SPREAD_M` apart the address is ambiguous and not used. Municipalities are
    compared as places, by ``int_municipality_lookup``: a zone municipality by its NIS code
    (also when a record names one of its deelgemeenten: "Winksele" is Herent), any other
    place by its name; a record naming a place outside the zone takes only that place's
    candidates. Matched rows get ``x_num``/``y_num`` and ``geocode_method`` in their staging
    table; the locating step then treats them like any other coordinate pair.

    A record without a house number whose street field ends in one ("Kerkstraat 12",
    "Kerkstraat 12 bus 3": :sql:`wb_street_number`) is looked up as that street and number,
    unless the address list knows the whole text as a street. Its match is never exact
    (the address was not written so): ``adres genormaliseerd``.

    Parameters
    ----------
    staging : Path
        The staging models' folder.
    geocoded : dict
        Receives the rows geocoded per staging table.

    Returns
    -------
    tuple
        The jobs (``geocode.addresses`` makes the address list's lookup tables, shared by
        the connections; ``geocode.<model>`` geocodes that model's table) and what each needs.
        :func:`drop_geocode_tables` drops the shared tables afterwards.
    """
    addr = f"staging.{_GEOCODE_ADDR}"
    places = f"staging.{_GEOCODE_PLACES}"
    # A place: the NIS code of the zone municipality a name stands for, else the name itself.
    place = "coalesce(CAST(p.nis_code AS VARCHAR), 'naam:' || d.place_key)"

    def prepare(con: duckdb.DuckDBPyConnection) -> None:
        # The municipality names of the zone as the located models read them: that model runs
        # after locating, this step needs the same names now (it reads only the raw zone tables).
        lookup = (config.SQL_DIR / "intermediate" / "int_municipality_lookup.sql").read_text(
            encoding="utf-8"
        )
        con.execute(f"CREATE OR REPLACE TABLE {places} AS {lookup}")
        # Each distinct municipality label of the list is named once, not each of its rows.
        # An address in several lists (a corrected list beside the old one) takes the newest
        # list's entry (the later file name, as the files load): the old and corrected points
        # lay more than GEOCODE_SPREAD_M apart and the address read as ambiguous, "unknown".
        # An address the register rejected ("afgekeurd") was never given: no candidate.
        con.execute(
            f"""CREATE OR REPLACE TABLE {addr} AS
            SELECT a.street, a.house_number, a.postcode, a.street_key, a.house_key, l.muni,
                a.x_num AS x, a.y_num AS y, a.is_current
            FROM staging.stg_zone__addresses a
            LEFT JOIN (
                SELECT d.municipality, {place} AS muni
                FROM (SELECT municipality, wb_own_place_key(municipality,
                        (SELECT list(name_key) FROM {places} WHERE name_key IS NOT NULL)) AS place_key
                      FROM (SELECT DISTINCT municipality FROM staging.stg_zone__addresses)) d
                LEFT JOIN {places} p ON p.name_key = d.place_key
            ) l ON l.municipality = a.municipality
            WHERE a.reject_reason IS NULL AND NOT a.is_rejected
            QUALIFY a.load_order = max(a.load_order)
                OVER (PARTITION BY a.street, a.house_number, a.postcode, l.muni)"""
        )

    spread = GEOCODE_SPREAD_M
    postcode_ok = "(k.postcode IS NULL OR a.postcode IS NULL OR a.postcode = k.postcode)"

    def geocode(con: duckdb.DuckDBPyConnection, table: str) -> None:
        cols = {
            r[0]
            for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'staging' "
                "AND table_name = ?",
                [table],
            ).fetchall()
        }
        if not {"street", "geocode_method"} <= cols:
            return
        if not con.execute(f"SELECT count(*) FROM {addr}").fetchone()[0]:
            return
        # A record that names a place takes only that place's addresses: "Dorpsstraat 5,
        # Kortenberg" is never Herent's Dorpsstraat 5 (a list without municipalities cannot
        # tell). A zone configured without municipalities cannot tell a deelgemeente from its
        # municipality: there names are no filter.
        zoned = con.execute("SELECT count(*) > 0 FROM raw.zone_municipalities").fetchone()[0]
        # An address list without municipalities holds the zone's addresses: a record naming
        # a place outside the zone takes none of them ("Stationsstraat 20, Leuven", or Leuven
        # in its own column). Zone places written otherwise ("Veltem", "Erps Kwerps") are
        # the zone's (wb_own_place_key, wb_tail_place_key), never a place outside it. Only
        # when the zone knows its deelgemeenten (zone.toml or the boundary layer): without
        # them "Winksele" is a name the zone does not know, and refusing it left a zone's
        # own records unplaced (a review).
        # (the boundary layer's only when it names them within a zone municipality, as
        # int_municipality_lookup takes them: a layer without names or NIS codes knows no
        # place, and switched the filter on; a review).
        places_known = con.execute(
            "SELECT EXISTS (SELECT 1 FROM raw.zone_deelgemeenten) OR EXISTS (SELECT 1 "
            "FROM raw.districts d JOIN raw.zone_municipalities m ON m.nis_code = d.nis_code "
            "WHERE d.layer = 'deelgemeente' AND wb_place_key(d.name) IS NOT NULL)"
        ).fetchone()[0]
        muni_ok = (
            "(k.muni IS NULL OR a.muni = k.muni"
            + (
                " OR (a.muni IS NULL AND NOT starts_with(k.muni, 'naam:')))"
                if places_known
                else " OR a.muni IS NULL)"
            )
            if zoned
            else "true"
        )
        # Each distinct address is normalised once (postcode, municipality), and the matches
        # go back to the rows by the table's own labels (ENUMs: an integer compare per row,
        # where normalising every row's text cost more than the whole lookup).
        labels = [c for c in ("postcode", "municipality") if c in cols]
        # A record without its own postcode or municipality is placed by the place its
        # street field names after a comma ("Stationsstraat 20, Leuven": wb_street_place).
        pc = (
            "coalesce(wb_postcode(d.postcode), d.tail_postcode)"
            if "postcode" in cols
            else "d.tail_postcode"
        )
        known = f"(SELECT list(name_key) FROM {places} WHERE name_key IS NOT NULL)"
        key = (
            f"coalesce(wb_own_place_key(municipality, {known}), tail_place)"
            if "municipality" in cols
            else "tail_place"
        )
        # The address looked up (g_street, g_house): as written, or, for a record without a
        # house number, the street field split into street and number (split), unless the
        # list knows the whole field as a street. Per distinct address, never per row.
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _need AS
            WITH d AS (
                SELECT DISTINCT {", ".join(["street", "house_number", *labels])}
                FROM staging.{table}
                WHERE reject_reason IS NULL AND geocode_method IS NULL AND street IS NOT NULL
            ),
            split AS (
                SELECT * FROM (
                    SELECT *, wb_street_number(CAST(street AS VARCHAR)) AS parts
                    FROM d WHERE house_number IS NULL
                ) WHERE parts IS NOT NULL
            ),
            looked_up AS (
                SELECT *, CAST(street AS VARCHAR) AS g_street, CAST(house_number AS VARCHAR) AS g_house,
                    false AS split, CAST(NULL AS VARCHAR) AS tail_postcode,
                    CAST(NULL AS VARCHAR) AS tail_place
                FROM d WHERE house_number IS NOT NULL
                UNION ALL
                SELECT * EXCLUDE (parts, tail), parts.street, parts.house_number, true,
                    tail.postcode,
                    wb_tail_place_key(tail.place, tail.postcode, {known},
                        (SELECT list(DISTINCT wb_postcode(CAST(postcode AS VARCHAR))) FROM {addr}
                         WHERE postcode IS NOT NULL))
                FROM (SELECT *, wb_street_place(CAST(street AS VARCHAR)) AS tail FROM split)
                WHERE wb_street_key(street) NOT IN (
                    SELECT street_key FROM {addr} WHERE street_key IS NOT NULL)
            )
            SELECT d.*, {pc} AS postcode_key, {place} AS muni
            FROM (SELECT *, {key} AS place_key FROM looked_up) d
            LEFT JOIN {places} p ON p.name_key = d.place_key"""
        )
        # Labels that name the same place ("Herent", "3020 Herent", "Winksele") are one key.
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _keys AS SELECT DISTINCT g_street AS street, "
            "g_house AS house_number, postcode_key AS postcode, muni FROM _need"
        )
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _cands AS
            SELECT k.*, a.x AS ax, a.y AS ay, a.house_number AS ahn,
                coalesce(a.muni = k.muni, false) AS same_muni, a.is_current AS current_addr,
                true AS exact, true AS same_number, true AS same_building
            FROM _keys k JOIN {addr} a ON a.street = k.street AND a.house_number = k.house_number
                AND {postcode_ok} AND {muni_ok}"""
        )
        # Tolerant candidates only for the keys the exact ones leave open: a current exact
        # candidate in the record's own municipality (or, when it names none, any current
        # exact candidate) already has the best rank, and normalising a street name is the
        # costly part.
        con.execute(
            f"""INSERT INTO _cands
            SELECT k.street, k.house_number, k.postcode, k.muni, a.x, a.y,
                a.house_number, coalesce(a.muni = k.muni, false), a.is_current, false,
                wb_house_full(a.house_number) = wb_house_full(k.house_number),
                wb_house_building(a.house_number) = wb_house_building(k.house_number)
            FROM (
                SELECT k.*, wb_street_key(k.street) AS street_key,
                    wb_house_key(k.house_number) AS house_key
                FROM _keys k ANTI JOIN (
                    SELECT * FROM _cands WHERE (same_muni OR muni IS NULL) AND current_addr) e
                ON e.street = k.street AND e.house_number = k.house_number
                    AND e.postcode IS NOT DISTINCT FROM k.postcode AND e.muni IS NOT DISTINCT FROM k.muni
            ) k
            JOIN {addr} a ON a.street_key = k.street_key AND a.house_key = k.house_key
                AND {postcode_ok} AND {muni_ok}
            -- The street and number as written: an exact candidate already.
            WHERE NOT (a.street = k.street AND a.house_number = k.house_number)"""
        )
        # One ranking: own municipality first, then a current address before one the
        # register retired ("gehistoreerd": an older export may still name it), then exact
        # before tolerant, and among tolerant ones the record's whole house number
        # ("kerkstraat 12b": 12B) before the others, then its building ("30A bus 1": 30A,
        # not 30); only the best rank counts. A record naming a place takes only that place's
        # candidates (muni_ok). Exact candidates are one address (their mean); among the
        # rest the plainest house number ("12" before "12A") stands for the building.
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _hit AS
            SELECT street, house_number, postcode, muni,
                CASE WHEN bool_and(exact) THEN avg(ax) ELSE min_by(ax, (ahn, ax, ay)) END AS x,
                CASE WHEN bool_and(exact) THEN avg(ay) ELSE min_by(ay, (ahn, ax, ay)) END AS y,
                CASE WHEN bool_and(exact) THEN 'adres exact' ELSE 'adres genormaliseerd' END AS method
            FROM (
                SELECT *, max(rank) OVER (PARTITION BY street, house_number, postcode, muni) AS best
                FROM (
                    SELECT *, 16 * CAST(same_muni AS INTEGER) + 8 * CAST(current_addr AS INTEGER)
                        + 4 * CAST(exact AS INTEGER) + 2 * CAST(coalesce(same_number, false) AS INTEGER)
                        + CAST(coalesce(same_building, false) AS INTEGER)
                        AS rank
                    FROM _cands
                )
            )
            WHERE rank = best
            GROUP BY street, house_number, postcode, muni
            HAVING max(ax) - min(ax) <= {spread} AND max(ay) - min(ay) <= {spread}"""
        )
        same_labels = "".join(f" AND t.{c} IS NOT DISTINCT FROM h.{c}" for c in labels)
        n = con.execute(
            f"""UPDATE staging.{table} AS t
            SET x_num = h.x, y_num = h.y, geocode_method = h.method
            FROM (
                -- A street field split into street and number was not written so: never
                -- 'adres exact'.
                SELECT n.*, h.x, h.y,
                    CASE WHEN n.split THEN 'adres genormaliseerd' ELSE h.method END AS method
                FROM _need n JOIN _hit h
                ON h.street = n.g_street AND h.house_number = n.g_house
                AND h.postcode IS NOT DISTINCT FROM n.postcode_key AND h.muni IS NOT DISTINCT FROM n.muni
            ) h
            WHERE t.reject_reason IS NULL AND t.geocode_method IS NULL
              AND t.street = h.street AND t.house_number IS NOT DISTINCT FROM h.house_number{same_labels}"""
        ).fetchone()[0]
        geocoded[table] = int(n)
        for temp in ("_cands", "_keys", "_need", "_hit"):
            con.execute(f"DROP TABLE IF EXISTS {temp}")

    def job(table: str) -> Callable[[duckdb.DuckDBPyConnection], None]:
        return lambda con: geocode(con, table)

    # The models that may have rows to geocode (the job checks the table's columns).
    tables = sorted(
        p.stem for p in staging.glob("*.sql") if "geocode_method" in p.read_text(encoding="utf-8")
    )
    jobs: dict[str, Callable[[duckdb.DuckDBPyConnection], None]] = {"geocode.addresses": prepare}
    jobs.update({f"geocode.{t}": job(t) for t in tables})
    deps = {"geocode.addresses": {"districts", "stg_zone__addresses"}}
    deps.update({f"geocode.{t}": {t, "geocode.addresses"} for t in tables})
    return jobs, deps


#: The address list's lookup tables the geocoding jobs share (in the staging schema of the
#: build's database while the staging models run; :func:`drop_geocode_tables`).
_GEOCODE_ADDR = "wb_geocode_addresses"
_GEOCODE_PLACES = "wb_geocode_places"


def drop_geocode_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the tables :func:`geocode_jobs` shares between its jobs."""
    for table in (_GEOCODE_ADDR, _GEOCODE_PLACES):
        con.execute(f"DROP TABLE IF EXISTS staging.{table}")


def file_modified_at(raw: Path, source_file: str, tz) -> datetime | None:
    """When the file behind ``source_file`` (its path below ``raw``; a sheet or zip member
    after "!") was last written, in the zone's local time without a zone (as every moment of
    the warehouse): when the export was made, copied in or uploaded. ``None`` when it is
    gone."""
    try:
        stamp = (raw / source_file.split("!")[0]).stat().st_mtime
    except OSError:
        return None
    return datetime.fromtimestamp(stamp, tz).replace(tzinfo=None, microsecond=0)


def _file_info_table(con: duckdb.DuckDBPyConnection, infos: list[dict], raw: Path, tz) -> None:
    import pandas as pd

    files = pd.DataFrame(
        [
            (
                i["kind"],
                i["source_file"],
                i["rows_read"],
                i["encoding"],
                i["delimiter"],
                seq,
                file_note(i),
                i.get("rows_refused"),
                file_modified_at(raw, i["source_file"], tz),
            )
            for seq, i in enumerate(infos, start=1)
        ],
        columns=[
            "kind",
            "source_file",
            "rows_read",
            "encoding",
            "delimiter",
            "load_seq",
            "note",
            "rows_refused",
            "file_modified_at",
        ],
    )
    columns = pd.DataFrame(
        [
            (i["kind"], i["source_file"], field, header)
            for i in infos
            for field, header in i.get("columns", {}).items()
        ],
        columns=["kind", "source_file", "field", "header"],
    )
    con.register("_files", files)
    con.register("_columns", columns)
    con.execute(
        "CREATE TABLE raw.load_files AS SELECT kind::VARCHAR AS kind, source_file::VARCHAR AS source_file, "
        "rows_read::BIGINT AS rows_read, encoding::VARCHAR AS encoding, delimiter::VARCHAR AS delimiter, "
        "load_seq::INTEGER AS load_seq, note::VARCHAR AS note, "
        # Only a boundary file counts its own refusals (features it left out); every
        # other file's refused rows are those in marts.rejects.
        "rows_refused::BIGINT AS rows_refused, "
        "CAST(file_modified_at AS TIMESTAMP) AS file_modified_at FROM _files"
    )
    con.execute(
        "CREATE TABLE raw.file_columns AS SELECT kind::VARCHAR AS kind, source_file::VARCHAR AS source_file, "
        "field::VARCHAR AS field, header::VARCHAR AS header FROM _columns"
    )
    con.unregister("_files")
    con.unregister("_columns")


def _ignored_files_table(
    con: duckdb.DuckDBPyConnection, ignored: list[tuple[str, str, str]]
) -> None:
    """``raw.ignored_files``: files and folders under raw that no reader takes
    (:func:`etl.sources.base.ignored_files`), for ``marts.build_warnings``."""
    con.execute(
        "CREATE TABLE raw.ignored_files (kind VARCHAR, source_file VARCHAR, reason VARCHAR)"
    )
    insert_rows(con, "raw.ignored_files", ignored)


def _kind_hints(
    raw: Path, ignored: list[tuple[str, str, str]], mappings: dict, workdir: Path
) -> list[tuple[str, str, str]]:
    """``ignored`` (:func:`etl.sources.base.ignored_files`), where a table its folder does
    not read (an incidents CSV in ``districts/``) says instead what it looks like and where
    it belongs (:func:`etl.sources.tabular.table_kind`), as a table in another table kind's
    folder does: "bestandsoort .csv wordt niet gelezen" left the person to guess that the
    file was in the wrong place. A table that looks like no other kind keeps its reason."""
    from etl.sources.mapping import KIND_LABELS
    from etl.sources.tabular import table_kind

    out = []
    for kind, name, reason in ignored:
        path = raw / name
        if (
            kind
            and path.is_file()
            and (other := table_kind(path, workdir, mappings)) not in (None, kind)
        ):
            reason = (
                f"dit lijkt een {KIND_LABELS.get(other, other)}, die deze map niet leest: "
                f"zet het bestand in de map {other}/"
            )
        out.append((kind, name, reason))
    return out


#: Small raw tables always written, so a warehouse documents its own inputs.
_ALWAYS_KEPT = {
    "raw": {
        "build_params",
        "zone_municipalities",
        "zone_deelgemeenten",
        "zone_wijken",
        "zone_lists",
        "zone_task_types",
        "load_files",
        "ignored_files",
        "file_columns",
        "districts",
    }
}


def _raw_kinds(model: Path) -> set[str]:
    """The kinds of export (``raw.<kind>``) a staging model reads."""
    return mentioned(model.read_text(encoding="utf-8"), "raw") & set(TABULAR_KINDS)


#: How much more work a byte of a workbook is than a byte of text: a workbook is
#: compressed, and its cells are read one by one (an estimate for ordering jobs only).
SPREADSHEET_WORK = 4.0


def export_work(files: dict[str, list[Path]]) -> dict[str, float]:
    """Per kind of export, an estimate of the work its rows take in each step: the size of
    its files (a workbook's counts :data:`SPREADSHEET_WORK` times)."""
    return {
        kind: sum(
            p.stat().st_size
            * (SPREADSHEET_WORK if p.suffix.lower() in SPREADSHEET_SUFFIXES else 1.0)
            for p in files.get(kind, [])
        )
        for kind in TABULAR_KINDS
    }


#: The per-record views of the intermediate step (``int_<kind>_current``, ``_located``).
_RECORD_VIEW = re.compile(r"\bintermediate\.int_([a-z]+)_(?:current|located)\b")


def model_work(folder: Path, work: dict[str, float]) -> dict[str, float]:
    """Per model of ``folder`` (by file stem), an estimate of its work for :func:`run_jobs`:
    the work of the kinds whose rows it carries (a staging model the exports it reads, a
    mart the per-record views it reads)."""
    weights = {}
    for path in folder.glob("*.sql"):
        text = path.read_text(encoding="utf-8")
        kinds = mentioned(text, "raw") | set(_RECORD_VIEW.findall(text))
        weights[path.stem] = sum(work.get(k, 0.0) for k in kinds)
    return weights


def chain_work(work: dict[str, float], deps: dict[str, set[str]]) -> dict[str, float]:
    """Per job, its own work (``work``, default 0) plus the most work of any chain of jobs
    that waits for it (``deps``: job -> the jobs it needs): the priority of
    :func:`run_jobs`, which so starts the longest chain first."""
    waiting: dict[str, set[str]] = {}
    for job, needed in deps.items():
        for other in needed:
            waiting.setdefault(other, set()).add(job)
    chains: dict[str, float] = {}

    def chain(job: str, seen: frozenset = frozenset()) -> float:
        if job not in chains:
            after = [chain(j, seen | {job}) for j in waiting.get(job, ()) if j not in seen]
            chains[job] = work.get(job, 0.0) + max(after, default=0.0)
        return chains[job]

    for job in set(work) | set(deps) | set(waiting):
        chain(job)
    return chains


def _drop_read_exports(con: duckdb.DuckDBPyConnection, model: Path) -> None:
    """Drop the per-file tables behind the ``raw.<kind>`` views a staging model read."""
    for kind in sorted(_raw_kinds(model)):
        for (table,) in con.execute(
            "SELECT table_name FROM duckdb_tables() "
            "WHERE database_name = current_database() AND schema_name = 'raw' "
            "AND regexp_matches(table_name, ?)",
            [f"^_(csv|xlsx)_{kind}_[0-9]+(_empty)?$"],
        ).fetchall():
            con.execute(f'DROP TABLE raw."{table}"')


#: SQL models run side by side on at most this many connections (see run_sql_folder).
MODEL_WORKERS = 2

#: Attached in-memory database, compressed, in which the build keeps its layers (the
#: exports as read, staging, intermediate) when the exports are too large for the build's
#: memory uncompressed: from :data:`COMPRESS_SHARE` of the memory limit on. Text in memory
#: takes two to three times its size on disk, and the typed layers still spilled some 3 GB
#: to the scratch folder for 10^7 incidents; compressed, they hardly spill, and locating
#: and the marts, which read them back, are a fifth faster. Compressing the exports as
#: read only: 155 s; every layer: 135 s. The compression itself happens at the first
#: checkpoint, which the geocoding's first large commit triggers (10^7: some 11 s; the
#: geocoding jobs then wait for every staging model): without
#: it locating and the marts read uncompressed, spilled staging tables and take 20 s more.
#: For small exports the compression costs more than it saves (10^6 incidents: 15.5 s
#: instead of 12.4 s).
COMPRESSED = "wb_build"
COMPRESS_SHARE = 0.25


#: Catalog name of the new warehouse file, attached to the in-memory build connection.
TARGET = "target"


def _persist(con: duckdb.DuckDBPyConnection, keep_layers: bool) -> None:
    """Copy the wanted in-memory tables into the attached warehouse file and close it.

    The marts are already there: they were created in it directly (compressed once, not
    built in memory and then copied).
    """
    tables = con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() "
        "WHERE database_name = current_database() AND NOT temporary ORDER BY schema_name, table_name"
    ).fetchall()
    for schema, table in tables:
        wanted = schema == "marts" or keep_layers or table in _ALWAYS_KEPT.get(schema, set())
        if wanted:
            con.execute(
                f'CREATE TABLE {TARGET}.{schema}."{table}" AS SELECT * FROM {schema}."{table}"'
            )
    con.execute(f"DETACH {TARGET}")


def _input_fingerprint(files: dict[str, list[Path]], raw: Path) -> str:
    # SHA-256: hashed in hardware on current CPUs, twice as fast as BLAKE2 here (1.4
    # against 0.7 GB/s), and it shares the cores with the build.
    digest = hashlib.sha256()
    for kind in sorted(files):
        for path in files[kind]:
            digest.update(path.relative_to(raw).as_posix().encode())
            for chunk in read_blocks(path, 1 << 22):
                digest.update(chunk)
    return digest.hexdigest()[:16]


def _import_libraries() -> None:
    """Import the libraries the later steps use (pandas, shapely, PROJ, H3; about 0.5 s of
    Python on one core), beside the build's first steps: DuckDB reads the first exports
    without holding Python's lock. A step that needs one of them before it is loaded waits
    for it (Python's import lock); a failing import fails again, with its error, where the
    step imports it."""
    try:
        import pandas  # noqa: F401

        from etl import geo  # noqa: F401  (shapely, pyproj, h3ronpy, etl.sources.districts)
    except Exception:  # noqa: BLE001, S110 - reported where the module is used
        pass


def lock_path(warehouse: Path) -> Path:
    """The file a build of ``warehouse`` holds its lock on (it stays; only the lock ends)."""
    return warehouse.with_name(f"{warehouse.name}.lock")


def _lock_warehouse(
    warehouse: Path,
    echo: Callable[[str], object],
    on_wait: Callable[[str | None], object] | None = None,
) -> int:
    """Take the exclusive lock on :func:`lock_path` (an ``flock``: it ends with the
    process, also one that crashes), waiting for a build that holds it; ``on_wait`` hears
    the holder's process number when the wait begins and ``None`` when it is over.
    Returns the open descriptor; closing it lets go."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no flock (as in etl.audit)
        fcntl = None

    path = lock_path(warehouse)
    try:
        fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    except OSError as exc:
        raise BuildError(
            f"{path}: slotbestand van de bouw niet aan te maken ({exc.strerror})"
        ) from exc
    if fcntl is None:
        return fd
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            echo(
                f"Er loopt al een bouw van {warehouse.name} (proces {holder}); "
                "deze bouw wacht tot die klaar is."
            )
            if on_wait is not None:
                on_wait(holder)
            fcntl.flock(fd, fcntl.LOCK_EX)
            if on_wait is not None:
                on_wait(None)
        except OSError as exc:
            # A file system without locks (some network shares): the build goes on, as it
            # did before there was a lock, and says so.
            echo(
                f"WAARSCHUWING: {path} kan niet vergrendeld worden ({exc.strerror}); "
                "start geen tweede bouw van dit warehouse tot deze klaar is."
            )
            return fd
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)  # who holds it, for a person
    except BaseException:
        os.close(fd)
        raise
    return fd


def build_warehouse(
    raw: Path,
    warehouse: Path,
    zone_file: Path | None = None,
    echo: Callable[[str], object] = print,
    keep_layers: bool | None = None,
    on_wait: Callable[[str | None], object] | None = None,
) -> dict:
    """Build the warehouse from every export under ``raw``.

    Parameters
    ----------
    raw : Path
        Folder with one sub-folder per kind (:data:`etl.config.RAW_KINDS`); files in its
        root (``ground_truth.json``) are ignored.
    warehouse : Path
        The DuckDB file to (re)place. It is only replaced after a complete, checked build.
    zone_file : Path, optional
        Zone configuration; defaults to :func:`etl.config.zone_path`.
    echo : callable
        Receives progress lines (rows per file, rejects per kind, total time).
    keep_layers : bool, optional
        Also write the per-record ``raw``, ``staging`` and ``intermediate`` tables (for
        debugging a mapping); default from ``WIJKBEELD_KEEP_LAYERS``, else only the marts
        and the small ``raw`` tables (zone, files, boundaries) are written.
    on_wait : callable, optional
        Hears the process number of another build of ``warehouse`` this one waits for
        (one at a time: :func:`lock_path`), and ``None`` when that wait is over.

    Returns
    -------
    dict
        ``{"warehouse", "duration_s", "waited_s", "rows": {mart: n}, "rejects": {kind: n},
        "files": [...]}`` (``duration_s`` without ``waited_s``, the wait for another build)
        plus ``timings`` (wall seconds per step and per SQL model) and ``cpu_timings``
        (CPU seconds of the build process, all threads, per step).

    Raises
    ------
    BuildError
        Any problem that prevents a correct warehouse (Dutch message naming file, row,
        field where possible). The existing warehouse is then left untouched.
    """
    started = time.perf_counter()
    cpu0 = time.process_time()
    threading.Thread(target=_import_libraries, name="wijkbeeld-import", daemon=True).start()
    raw = Path(raw)
    warehouse = Path(warehouse)
    if not raw.is_dir():
        raise BuildError(f"Map met exports niet gevonden: {raw}")
    if not any((raw / k).is_dir() for k in config.RAW_KINDS) and (raw / "raw").is_dir():
        raw = raw / "raw"  # pointed at a demo folder that keeps its exports under raw/
    try:
        zone = config.load_zone(zone_file)
    except (FileNotFoundError, ValueError) as exc:
        # Already says which file and what ("Zoneconfiguratie … is geen geldig TOML-bestand").
        raise BuildError(str(exc)) from exc
    except OSError as exc:
        raise BuildError(f"Zoneconfiguratie onleesbaar: {exc}") from exc
    zone_name = zone.get("zone", {}).get("name", "zone")
    tz = config.zone_timezone(zone)
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    tmp = warehouse.with_name(f"{warehouse.name}.building-{os.getpid()}")
    for leftover in (tmp, Path(f"{tmp}.wal")):
        leftover.unlink(missing_ok=True)
    if keep_layers is None:
        keep_layers = os.environ.get("WIJKBEELD_KEEP_LAYERS", "") not in ("", "0")
    con = None
    scratch = tempfile.TemporaryDirectory(prefix="wijkbeeld-")
    # Hashing every input (hundreds of MB for a big zone) runs beside the build: hashlib
    # releases the GIL, so it costs no wall time.
    hasher = ThreadPoolExecutor(1, thread_name_prefix="wijkbeeld-fingerprint")
    # One build of a warehouse at a time, however started (the Data page's background
    # build, `make build`, a scheduled job): a build that started earlier but finished
    # later would otherwise swap in a warehouse without the files added since it read
    # the folder. A second build waits, then reads the folder as the first left it.
    before_lock = time.perf_counter()
    lock = _lock_warehouse(warehouse, echo, on_wait)
    # The build's time leaves out the wait for another build (no CPU is spent on it).
    waited = time.perf_counter() - before_lock
    started += waited
    try:
        files = discover_files(raw)
        # A copy of an export under another name is read once: the build warnings name it.
        copies = identical_files(files, raw)
        for kind, copy, _original in copies:
            files[kind].remove(copy)
        fingerprint_job = hasher.submit(_input_fingerprint, files, raw)
        mappings = load_mappings()
        # Build raw, staging and intermediate in memory (materialised once, never compressed
        # to disk: that halves the build time); the marts, which the dashboard reads, are
        # created directly in the new warehouse file (attached below).
        con = duck.connect(":memory:", spatial=False)
        con.execute(f"SET temp_directory = '{Path(scratch.name).as_posix()}'")
        con.execute("SET enable_progress_bar = false")
        # Memory DuckDB frees goes back to the system from a background thread, instead
        # of lingering in the allocator: for 10^7 incidents the process peaked at 3.2-3.9 GB
        # (collecting the coordinate pairs while the staged tables fill the memory limit),
        # with it at 3.0 GB, and no slower.
        con.execute("SET allocator_background_threads = true")
        # One thread per core, and a memory limit that keeps the whole process (DuckDB plus
        # the locating step's arrays) under 4 GB for 10^6 incidents; beyond it DuckDB spills
        # to the scratch folder instead of failing.
        con.execute(f"SET threads = {os.cpu_count() or 1}")
        limit = _memory_limit()
        con.execute(f"SET memory_limit = '{limit}'")
        # DuckDB's blocks come from memory it keeps for the whole build, instead of being
        # mapped from the system for every table and hash table and unmapped again: the
        # kernel zeroing fresh pages cost about 5 % of the build's CPU. At most the memory
        # limit, which the blocks cannot exceed anyway.
        con.execute(f"SET block_allocator_memory = '{limit}'")
        # The models put the large relation on the left of each join and the lookup on
        # the right, which DuckDB then builds its hash table from. Its optimizer would
        # swap a million wide incident rows into the build side whenever the lookup has
        # more rows (the 1.8 M located coordinate pairs): that doubled the marts' time.
        con.execute("SET disabled_optimizers = 'build_side_probe_side,common_subplan'")
        memory = con.execute(
            "SELECT parse_formatted_bytes(current_setting('memory_limit'))"
        ).fetchone()[0]
        exports = sum(p.stat().st_size for kind in TABULAR_KINDS for p in files[kind])
        # Every connection of the build works in the same database: the plain in-memory
        # one, or for large exports the compressed one (each extra connection is told
        # so in its session SQL).
        use = ""
        if exports > COMPRESS_SHARE * memory:
            con.execute(f"ATTACH ':memory:' AS {COMPRESSED} (COMPRESS)")
            use = f"USE {COMPRESSED};\n"
            con.execute(use)
        for schema in SCHEMAS:
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        # "Now" only refuses future dates and stamps the files read; every other date
        # derives from the data.
        _zone_tables(con, zone, config.zone_now(zone))
        # Temporary macros the models use; every extra connection that runs models gets them.
        session = [use + config.macros_sql(zone, zone_file)]
        con.execute(session[0])
        timings: dict[str, float] = {}
        cpu_timings: dict[str, float] = {}
        cpu_mark = [cpu0]

        def lap(name: str, t0: float) -> float:
            now = time.perf_counter()
            timings[name] = round(now - t0, 3)
            cpu_now = time.process_time()
            cpu_timings[name] = round(cpu_now - cpu_mark[0], 3)
            cpu_mark[0] = cpu_now
            return now

        # Reading, labelling and staging overlap: each staging model starts as soon as its
        # kind's exports are read (and the boundaries, whose codes its types hold), while
        # the next export is read on the other connection. Python sniffing and DuckDB's
        # single-threaded phases so leave no core idle.
        read: dict[str, list[dict]] = {}
        boundaries: list[DistrictLayers] = []

        def reader(kind: str) -> Callable[[duckdb.DuckDBPyConnection], None]:
            def run(cur: duckdb.DuckDBPyConnection) -> None:
                t0 = time.perf_counter()
                read[kind] = load_tabular_kind(
                    cur,
                    kind,
                    files[kind],
                    mappings[kind],
                    raw,
                    Path(scratch.name),
                    mappings,
                )
                timings[f"read.{kind}"] = round(time.perf_counter() - t0, 3)

            return run

        def load_boundaries(cur: duckdb.DuckDBPyConnection) -> None:
            from etl.sources.districts import load_districts

            layers = load_districts(
                files["districts"],
                raw,
                mappings["districts"],
                zone.get("zone", {}).get("districts_crs"),
            )
            parents = {
                str(w["code"]): str(w["deelgemeente"])
                for w in zone.get("wijken", [])
                if w.get("deelgemeente") not in (None, "")
            }
            _districts_table(cur, layers, zone_name, parents)
            vocabulary_types(cur)
            boundaries.append(layers)

        def label_types(cur: duckdb.DuckDBPyConnection, model: Path) -> str:
            # The repetitive text the model marks becomes ENUMs of its values (and the
            # model casts a column of clean text without testing each row; etl.labels).
            return prepare_labels(cur, model.read_text(encoding="utf-8"))

        staging = config.SQL_DIR / "staging"
        workers = max(1, min(MODEL_WORKERS, os.cpu_count() or 1))
        # Exports too large for the memory (the compressed database above) are read and
        # staged one at a time: side by side, the text of the two largest and their staged
        # rows filled the memory together and DuckDB spilled them (10^7 incidents: 4.4 GB
        # in the scratch folder, 8.7 GB written, a sixth of the build's CPU in writing it).
        # Reading is parallel within DuckDB, so little is lost: in three alternating pairs
        # of 10^7 builds reading and staging took 42-51 s instead of 51-55 s, and the whole
        # build 176-189 CPU-s instead of 201-210.
        stage_workers = 1 if use else workers
        # The largest exports are read first, and each staged as soon as it is read (a
        # read starts twice its file's work: its own and its staging's), so the longest
        # chain begins first and the smaller kinds fill the other connection beside it.
        work = export_work(files)
        staging_deps = {
            path.stem: {"districts"} | {f"read.{k}" for k in _raw_kinds(path)}
            for path in staging.glob("*.sql")
        }
        # Each kind's records are geocoded as soon as it and the address list are staged,
        # beside the other kinds' reading and staging (the step alone left a core idle).
        geocoded: dict[str, int] = {}
        geocoding, geocode_deps = geocode_jobs(staging, geocoded)
        geocoding = {name: timed_job(name, job, timings) for name, job in geocoding.items()}
        # In the compressed database (large exports) the geocoding comes after all the
        # staging and the file tables, one kind after the other, as before these jobs: its
        # first large commit is the checkpoint that compresses the layers (COMPRESSED), and
        # among the staging jobs (waiting for all of them) the build took 2-3 % longer.
        geocode_now = {} if use else geocoding
        if geocode_now:
            staging_deps |= geocode_deps
        staged_work = model_work(staging, work)
        priority = chain_work(
            staged_work
            | {f"read.{k}": w for k, w in work.items()}
            | {name: staged_work.get(name.removeprefix("geocode."), 0.0) for name in geocode_now},
            folder_dependencies(staging, staging_deps),
        )
        reads = [(f"read.{k}", reader(k)) for k in TABULAR_KINDS]
        # The first reads (one per connection) start before the boundaries, which need
        # shapely and PROJ: those load beside them (_import_libraries), so no connection
        # waits for an import while the other reads. Every staging model waits for them.
        first = sorted((-priority[name], i) for i, (name, _) in enumerate(reads))[
            : stage_workers + 1
        ]
        priority["districts"] = (
            -(first[stage_workers - 1][0] + first[stage_workers][0]) / 2
            if len(first) > stage_workers
            else 0.0
        )
        extra_jobs = dict(
            reads[:stage_workers] + [("districts", load_boundaries)] + reads[stage_workers:]
        )
        run_sql_folder(
            con,
            staging,
            timings,
            workers=stage_workers,
            session_sql=session[0],
            prepare=label_types,
            # The exports as read are only used by their staging model: dropped as soon
            # as it is done, so a big build holds (or spills) less.
            on_done=None if keep_layers else _drop_read_exports,
            extra_jobs=extra_jobs,
            extra_deps=staging_deps,
            after_jobs=geocode_now,
            priority=priority,
        )
        [layers] = boundaries
        infos = [info for kind in TABULAR_KINDS for info in read[kind]]
        for info in infos:
            # Personal data is dropped at read time; the log says which columns went (and
            # which sheet a workbook's table came from).
            if note := file_note(info):
                echo(f"  {info['source_file']}: {note}")
        infos += layers.files
        _file_info_table(con, infos, raw, tz)
        # Said in marts.build_warnings (and so in the build log and on the Data page).
        _ignored_files_table(
            con,
            _kind_hints(raw, ignored_files(raw), mappings, Path(scratch.name))
            + [
                (
                    kind,
                    source_name(raw, copy),
                    f"identiek aan {source_name(raw, original)}, dat wel gelezen is",
                )
                for kind, copy, original in copies
            ],
        )
        t = lap("read_and_staging", started)
        if not geocode_now:
            for job in geocoding.values():
                job(con)
            t = lap("geocode", t)
        drop_geocode_tables(con)
        if geocoded:
            echo(
                "  adressen gelokaliseerd via adreslijst: "
                + ", ".join(f"{t.removeprefix('stg_')}: {n}" for t, n in sorted(geocoded.items()))
            )
        n_points, locate_jobs = _locate(con, layers, zone, session)
        t = lap("locate", t)
        # The marts go straight into the new warehouse file: building them in memory and
        # copying them over afterwards cost a second full pass over the largest tables.
        con.execute(f"ATTACH '{tmp.as_posix()}' AS {TARGET} (STORAGE_VERSION 'latest')")
        for schema in SCHEMAS:
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {TARGET}.{schema}")
        # Each check runs as soon as the marts it reads are written, beside the last marts.
        failures: list[str] = []
        checks, check_deps = check_jobs(config.SQL_DIR / "checks", TARGET, failures)
        marts = _run_models(
            con, locate_jobs, checks, check_deps, timings, workers, ";\n".join(session), work
        )
        raise_failed_checks(failures)
        t = lap("marts_and_checks", t)

        built_at = datetime.now(tz).replace(tzinfo=None, microsecond=0)
        fingerprint = fingerprint_job.result()
        duration = time.perf_counter() - started
        con.execute(
            f"CREATE TABLE {TARGET}.marts.build_info AS SELECT ?::TIMESTAMP AS built_at, ?::VARCHAR AS zone_name, "
            "?::DOUBLE AS duration_s, ?::VARCHAR AS warehouse_version, "
            "(SELECT reference_date FROM intermediate.int_reference_date) AS reference_date, "
            "(SELECT tasks_reference_date FROM intermediate.int_reference_date) AS tasks_reference_date, "
            "?::VARCHAR AS input_fingerprint, ?::VARCHAR AS warehouse_format",
            [
                built_at,
                zone_name,
                round(duration, 3),
                f"{built_at:%Y%m%dT%H%M%S}-{fingerprint}",
                fingerprint,
                config.warehouse_format(),
            ],
        )
        marts.append("marts.build_info")

        for kind, name, read, acc, rej in con.execute(
            f"SELECT kind, source_file, rows_read, rows_accepted, rows_rejected FROM {TARGET}.marts.load_files ORDER BY kind, source_file"
        ).fetchall():
            echo(f"  {kind:<10} {name:<48} {read:>9} gelezen {acc:>9} aanvaard {rej:>7} geweigerd")
        # How the inputs fit together (wijk codes, records outside the zone): the Data
        # page shows the same lines (marts.build_warnings).
        for (message,) in con.execute(
            f"SELECT message FROM {TARGET}.marts.build_warnings ORDER BY seq, message"
        ).fetchall():
            echo(f"WAARSCHUWING: {message}")
        rejects = dict(
            con.execute(
                f"SELECT kind, count(*) FROM {TARGET}.marts.rejects GROUP BY 1 ORDER BY 1"
            ).fetchall()
        )
        for kind, n in rejects.items():
            echo(f"  geweigerd {kind:<10} {n:>9}")
        counts = {m: con.execute(f"SELECT count(*) FROM {TARGET}.{m}").fetchone()[0] for m in marts}
        t = time.perf_counter()
        cpu_mark[0] = time.process_time()
        _persist(con, keep_layers)
        con.close()
        con = None
        os.replace(tmp, warehouse)
        lap("persist", t)
        duration = time.perf_counter() - started
        after_wait = f", na {waited:.0f} s wachten op een andere bouw" if waited >= 1 else ""
        echo(
            f"Warehouse {warehouse} gebouwd in {duration:.1f} s "
            f"({n_points} coördinaten gelokaliseerd{after_wait})."
        )
        return {
            "warehouse": warehouse,
            "duration_s": duration,
            "waited_s": round(waited, 3),
            "rows": counts,
            "rejects": rejects,
            "timings": timings,
            "cpu_timings": cpu_timings,
            "files": [{k: v for k, v in i.items() if k != "columns"} for i in infos],
        }
    except BuildError:
        raise
    except (duckdb.Error, OSError, ValueError) as exc:
        raise BuildError(f"Bouw van het warehouse mislukt: {exc}") from exc
    finally:
        hasher.shutdown(wait=False, cancel_futures=True)
        if con is not None:
            con.close()
        scratch.cleanup()
        for leftover in (tmp, Path(f"{tmp}.wal")):
            leftover.unlink(missing_ok=True)
        os.close(lock)  # lets go of the lock
