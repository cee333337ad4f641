"""The audit log: who signed in, which pages and filters they viewed, what they exported.

An append-only DuckDB file (default ``state_dir()/audit.duckdb``), separate from the
warehouse: a build never opens it, so rebuilding never loses or rewrites history. Each
call opens the file, does its work and closes it again, so no dashboard session keeps it
locked; a process-local lock plus a lock file serialise writers across processes.

Tamper evidence: every row stores ``row_hash = SHA-256(prev_hash + canonical row)``, with
the previous row's hash in ``prev_hash``. Changing or deleting any row breaks the chain from
that row on (:meth:`AuditLog.verify_chain`). Cutting off the newest rows, or rewriting the
whole file with a fresh chain, is not detectable from the file alone: keep
:meth:`AuditLog.head` somewhere else (a weekly note, syslog) to anchor it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
import time
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pandas as pd

try:
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None

#: Events the log accepts (Dutch, as shown on the audit page).
EVENTS: frozenset[str] = frozenset(
    {"aanmelding", "aanmelding_mislukt", "afmelding", "pagina", "export", "sql"}
)

GENESIS_HASH = "0" * 64
#: Longest JSON ``detail`` kept; longer details (a huge SQL text) are cut, and say so.
MAX_DETAIL_CHARS = 20_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit_log (
    seq       BIGINT PRIMARY KEY,
    ts        TIMESTAMP NOT NULL,   -- UTC
    event     VARCHAR NOT NULL,
    username  VARCHAR,
    page      VARCHAR,
    detail    VARCHAR,              -- JSON
    prev_hash VARCHAR NOT NULL,
    row_hash  VARCHAR NOT NULL
)
"""

_COLUMNS = ["seq", "ts", "event", "username", "page", "detail", "prev_hash", "row_hash"]
_process_lock = threading.Lock()


def default_audit_path() -> Path:
    """``state_dir()/audit.duckdb``."""
    from etl.config import state_dir

    return state_dir() / "audit.duckdb"


def row_hash(
    prev_hash: str,
    seq: int,
    ts: datetime,
    event: str,
    username: str | None,
    page: str | None,
    detail: str | None,
) -> str:
    """SHA-256 over the previous hash and a canonical JSON of the row's content."""
    content = json.dumps(
        [seq, ts.isoformat(timespec="microseconds"), event, username, page, detail],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256((prev_hash + content).encode("utf-8")).hexdigest()


def _detail_json(detail: Mapping | None) -> str | None:
    if detail is None:
        return None
    text = json.dumps(dict(detail), ensure_ascii=False, sort_keys=True, default=str)
    if len(text) > MAX_DETAIL_CHARS:
        text = json.dumps({"afgekapt": True, "begin": text[:MAX_DETAIL_CHARS]}, ensure_ascii=False)
    return text


def _utc_naive(value: datetime | date) -> datetime:
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


class AuditLog:
    """Append-only audit store.

    Parameters
    ----------
    path : Path, optional
        DuckDB file; defaults to :func:`default_audit_path`. Must not be the warehouse.
    clock : callable, optional
        Returns an aware UTC ``datetime``; replaced in tests.
    """

    def __init__(self, path: Path | str | None = None, clock=None) -> None:
        self.path = Path(path) if path else default_audit_path()
        self.clock = clock or (lambda: datetime.now(UTC))

    @contextlib.contextmanager
    def _connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with _process_lock, open(self.path.with_name(self.path.name + ".lock"), "a") as lock:
            if fcntl is not None:
                fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                con = self._open_with_retry()
                try:
                    con.execute(_SCHEMA)
                    yield con
                finally:
                    con.close()
            finally:
                if fcntl is not None:
                    fcntl.flock(lock, fcntl.LOCK_UN)

    def _open_with_retry(self, attempts: int = 20) -> duckdb.DuckDBPyConnection:
        # The lock file serialises cooperating processes; a stray reader (a notebook)
        # may still hold DuckDB's own lock for a moment, so retry briefly.
        for i in range(attempts):
            try:
                return duckdb.connect(
                    str(self.path),
                    config={
                        "autoinstall_known_extensions": False,
                        "autoload_known_extensions": False,
                    },
                )
            except duckdb.IOException:
                if i == attempts - 1:
                    raise
                time.sleep(0.05 * (i + 1))
        raise RuntimeError("unreachable")  # pragma: no cover

    def record(
        self,
        event: str,
        username: str | None,
        page: str | None = None,
        detail: Mapping | None = None,
    ) -> int:
        """Append one event and return its sequence number.

        Parameters
        ----------
        event : str
            One of :data:`EVENTS`.
        username : str or None
            Who (for a failed sign-in: the name that was typed).
        page : str, optional
            Page file stem.
        detail : dict, optional
            Filters, export format and row count, SQL text, client address, ... Never a
            password.
        """
        if event not in EVENTS:
            raise ValueError(f"Onbekend auditgebeurtenis {event!r}; kies uit {sorted(EVENTS)}")
        detail_text = _detail_json(detail)
        ts = _utc_naive(self.clock())
        with self._connect() as con:
            last = con.execute(
                "SELECT seq, row_hash FROM audit_log ORDER BY seq DESC LIMIT 1"
            ).fetchone()
            seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
            h = row_hash(prev, seq, ts, event, username, page, detail_text)
            con.execute(
                "INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [seq, ts, event, username, page, detail_text, prev, h],
            )
        return seq

    def read(
        self,
        since: datetime | date | None = None,
        event: str | None = None,
        username: str | None = None,
        limit: int = 1000,
    ) -> pd.DataFrame:
        """Newest events first, as a DataFrame (``ts`` as UTC-aware timestamps).

        Parameters
        ----------
        since : datetime or date, optional
            Only events at or after this moment (naive values are taken as UTC).
        event, username : str, optional
            Exact filters.
        limit : int
            At most this many rows.
        """
        where, params = [], []
        if since is not None:
            where.append("ts >= ?")
            params.append(_utc_naive(since))
        if event is not None:
            where.append("event = ?")
            params.append(event)
        if username is not None:
            where.append("username = ?")
            params.append(username)
        sql = "SELECT seq, ts, event, username, page, detail FROM audit_log"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += f" ORDER BY seq DESC LIMIT {int(limit)}"
        if not self.path.exists():
            return pd.DataFrame(columns=["seq", "ts", "event", "username", "page", "detail"])
        with self._connect() as con:
            df = con.execute(sql, params).df()
        df["ts"] = pd.to_datetime(df["ts"]).dt.tz_localize("UTC")
        return df

    def head(self) -> tuple[int, str] | None:
        """``(seq, row_hash)`` of the newest row: write it down elsewhere to anchor the chain."""
        if not self.path.exists():
            return None
        with self._connect() as con:
            row = con.execute(
                "SELECT seq, row_hash FROM audit_log ORDER BY seq DESC LIMIT 1"
            ).fetchone()
        return (int(row[0]), str(row[1])) if row else None

    def verify_chain(self, batch_size: int = 10_000) -> int | None:
        """Sequence number of the first row whose hash or link is wrong, or ``None``.

        A row is broken when its content no longer matches its ``row_hash``, when its
        ``prev_hash`` is not the previous row's ``row_hash`` (a row was removed or
        inserted), or when its ``seq`` does not follow the previous one.
        """
        if not self.path.exists():
            return None
        with self._connect() as con:
            cur = con.execute(f"SELECT {', '.join(_COLUMNS)} FROM audit_log ORDER BY seq")
            expected_prev, expected_seq = GENESIS_HASH, 1
            while rows := cur.fetchmany(batch_size):
                for seq, ts, event, username, page, detail, prev, h in rows:
                    if seq != expected_seq or prev != expected_prev:
                        return int(seq)
                    if row_hash(prev, seq, ts, event, username, page, detail) != h:
                        return int(seq)
                    expected_prev, expected_seq = h, seq + 1
        return None
