"""The audit log: who signed in, which pages and filters they viewed, what they exported,
and what they changed (uploads, review decisions, approaches, user accounts).

An append-only DuckDB file (default ``state_dir()/audit.duckdb``), separate from the
warehouse: a build never opens it, so rebuilding never loses or rewrites history. Each
call opens the file, does its work and closes it again, so no dashboard session keeps it
locked; a process-local lock plus a lock file serialise writers across processes.

Tamper evidence: every row stores ``row_hash = SHA-256(prev_hash + canonical row)``, with
the previous row's hash in ``prev_hash``. Changing or deleting any row breaks the chain from
that row on (:meth:`AuditLog.verify_chain`). Cutting off the newest rows, or rewriting the
whole file with a fresh chain, is not detectable from the file alone: keep
:meth:`AuditLog.head` somewhere else (a weekly note, syslog) to anchor it.

The file, its write-ahead log and its lock file are created with mode 0600 (a umask of 077
while the log is open) and tightened to 0600 when found looser: they name users, their
queries and their filters.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
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
    {"aanmelding", "aanmelding_mislukt", "afmelding", "pagina", "export", "sql", "wijziging"}
)

#: Changes a ``wijziging`` event records (its ``detail["wat"]``), with their Dutch labels.
#: The store of each change keeps its content (the file, the decision's remark, the
#: approach's text); the log keeps who changed what, and when, in one place.
CHANGES: dict[str, str] = {
    "upload": "Bestand toegevoegd",
    "quarantaine": "Bestand uit de bouw gehaald",
    "terugzetten": "Bestand teruggezet",
    "heropbouw": "Nieuwe bouw gestart",
    "beoordeling": "Taak beoordeeld",
    "aanpak_gestart": "Aanpak vastgelegd",
    "aanpak_afgesloten": "Aanpak afgesloten",
    "gebruiker_toegevoegd": "Gebruiker toegevoegd",
    "wachtwoord_gewijzigd": "Wachtwoord gewijzigd",
    "gebruiker_geblokkeerd": "Account geblokkeerd",
    "gebruiker_gedeblokkeerd": "Account gedeblokkeerd",
    "gebruiker_verwijderd": "Gebruiker verwijderd",
    "pogingen_gewist": "Mislukte aanmeldpogingen gewist",
}

GENESIS_HASH = "0" * 64
#: Fewest characters of a noted hash :meth:`AuditLog.anchor_status` accepts (32 bits).
MIN_ANCHOR_CHARS = 8
#: Characters of the newest hash shown and printed as the anchor to note down (64 bits).
ANCHOR_CHARS = 16
#: Longest JSON ``detail`` kept; longer details (a huge SQL text) are cut, and say so.
MAX_DETAIL_CHARS = 20_000
#: Characters kept from the start and from the end of a text field that is cut.
KEEP_CHARS = 4_000
#: Mode of the audit files (owner read/write only).
FILE_MODE = 0o600

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


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def sha256_text(value: str) -> str:
    """SHA-256 (hex) of a text as UTF-8: the fingerprint a cut field keeps of its full value."""
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


def shortened(value: str, keep: int = KEEP_CHARS) -> dict:
    """What the log keeps of a long text: its start and end, its length and its SHA-256.

    ``{"afgekapt": true, "begin": ..., "einde": ..., "tekens": n, "sha256": ...}``: both
    ends, because whatever is padded in front (a huge comment before a query) or behind,
    one of them holds the rest; the hash identifies the full text (compare it with
    :func:`sha256_text` of a copy).
    """
    return {
        "afgekapt": True,
        "begin": value[:keep],
        "einde": value[-keep:] if len(value) > keep else "",
        "tekens": len(value),
        "sha256": sha256_text(value),
    }


def _shorten_fields(value, keep: int):
    if isinstance(value, str):
        return shortened(value, keep) if len(value) > 2 * keep else value
    if isinstance(value, Mapping):
        return {str(k): _shorten_fields(v, keep) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_shorten_fields(v, keep) for v in value]
    return value


def _detail_json(detail: Mapping | None) -> str | None:
    if detail is None:
        return None
    plain = json.loads(_dumps(dict(detail)))  # default=str applied once, JSON types only
    text = _dumps(plain)
    if len(text) <= MAX_DETAIL_CHARS:
        return text
    # Cut each long text field to its start and end plus a hash, fewer characters each
    # round while escapes (control characters count six) keep the whole too long.
    keep = KEEP_CHARS
    while keep >= 64:
        text = _dumps(_shorten_fields(plain, keep))
        if len(text) <= MAX_DETAIL_CHARS:
            return text
        keep //= 2
    # Too many fields: the whole detail as one cut text.
    full = _dumps(plain)
    keep = KEEP_CHARS
    while True:
        text = _dumps(shortened(full, keep))
        if len(text) <= MAX_DETAIL_CHARS or keep < 64:
            return text
        keep //= 2


def _utc_naive(value: datetime | date) -> datetime:
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def _filters(
    since: datetime | date | None,
    until: datetime | date | None,
    event: str | Iterable[str] | None,
    username: str | Iterable[str] | None,
    page: str | Iterable[str] | None,
) -> tuple[str, list]:
    """`` WHERE ...`` (or ``""``) and its parameters; values never go into the text."""
    where, params = [], []
    if since is not None:
        where.append("ts >= ?")
        params.append(_utc_naive(since))
    if until is not None:
        where.append("ts < ?")
        params.append(_utc_naive(until))
    for column, value in (("event", event), ("username", username), ("page", page)):
        if value is None:
            continue
        if isinstance(value, str):
            where.append(f"{column} = ?")
            params.append(value)
        else:
            where.append(f"list_contains(?::VARCHAR[], {column})")
            params.append([str(v) for v in value])
    return (" WHERE " + " AND ".join(where) if where else ""), params


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

    def _files(self) -> tuple[Path, Path, Path]:
        """The database, its write-ahead log and the lock file."""
        return (
            self.path,
            self.path.with_name(self.path.name + ".wal"),
            self.path.with_name(self.path.name + ".lock"),
        )

    def _restrict(self) -> None:
        # Files made by an older version (or copied in) were world-readable: tighten them.
        for file in self._files():
            try:
                if file.stat().st_mode & 0o777 != FILE_MODE:
                    os.chmod(file, FILE_MODE)
            except FileNotFoundError:
                pass

    @contextlib.contextmanager
    def _connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with _process_lock:
            # DuckDB creates the file at connect and the .wal at the first write, with the
            # process umask: 077 for as long as the log is open, so both are born 0600.
            # (The umask is process-wide; other threads creating files meanwhile get
            # owner-only files too, which is harmless.)
            previous_umask = os.umask(0o077)
            try:
                self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                with open(self._files()[2], "a") as lock:
                    if fcntl is not None:
                        fcntl.flock(lock, fcntl.LOCK_EX)
                    try:
                        self._restrict()
                        con = self._open_with_retry()
                        try:
                            con.execute(_SCHEMA)
                            yield con
                        finally:
                            con.close()
                    finally:
                        if fcntl is not None:
                            fcntl.flock(lock, fcntl.LOCK_UN)
            finally:
                os.umask(previous_umask)

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

    def record_change(
        self,
        what: str,
        username: str | None,
        page: str | None = None,
        detail: Mapping | None = None,
    ) -> int:
        """Append a ``wijziging`` event: ``what`` (one of :data:`CHANGES`) and its detail.

        Returns the event's sequence number.
        """
        if what not in CHANGES:
            raise ValueError(f"Onbekende wijziging {what!r}; kies uit {sorted(CHANGES)}")
        return self.record("wijziging", username, page=page, detail={"wat": what, **(detail or {})})

    def read(
        self,
        since: datetime | date | None = None,
        event: str | Iterable[str] | None = None,
        username: str | Iterable[str] | None = None,
        limit: int = 1000,
        *,
        until: datetime | date | None = None,
        page: str | Iterable[str] | None = None,
        offset: int = 0,
    ) -> pd.DataFrame:
        """Newest events first, as a DataFrame (``ts`` as UTC-aware timestamps).

        Parameters
        ----------
        since : datetime or date, optional
            Only events at or after this moment (naive values are taken as UTC).
        event, username, page : str or iterable of str, optional
            Exact filters; several values mean any of them (an empty list matches nothing).
        limit : int
            At most this many rows.
        until : datetime or date, optional
            Only events before this moment (naive values are taken as UTC).
        offset : int
            Skip this many of the newest matching events (paging back in time).
        """
        where, params = _filters(since, until, event, username, page)
        sql = "SELECT seq, ts, event, username, page, detail FROM audit_log" + where
        sql += f" ORDER BY seq DESC LIMIT {int(limit)} OFFSET {max(int(offset), 0)}"
        if not self.path.exists():
            return pd.DataFrame(columns=["seq", "ts", "event", "username", "page", "detail"])
        with self._connect() as con:
            df = con.execute(sql, params).df()
        df["ts"] = pd.to_datetime(df["ts"]).dt.tz_localize("UTC")
        return df

    def facets(
        self,
        since: datetime | date | None = None,
        until: datetime | date | None = None,
        event: str | Iterable[str] | None = None,
        username: str | Iterable[str] | None = None,
        page: str | Iterable[str] | None = None,
    ) -> dict:
        """Counts and choices for a selection, over every matching row (no limit).

        Returns
        -------
        dict
            ``counts``: events per event name for the whole selection;
            ``resumed_sign_ins``: the sign-ins among them that resumed a session by its
            cookie (a reload, a new tab); ``total``: their sum; ``users`` and ``pages``: the user names and pages in the period
            (``since``/``until`` only), for the filters' choices.
        """
        empty = {"counts": {}, "resumed_sign_ins": 0, "total": 0, "users": [], "pages": []}
        if not self.path.exists():
            return empty
        where, params = _filters(since, until, event, username, page)
        period, period_params = _filters(since, until, None, None, None)
        with self._connect() as con:
            counts = dict(
                con.execute(
                    f"SELECT event, count(*) FROM audit_log{where} GROUP BY event", params
                ).fetchall()
            )
            # Sign-ins that only resumed a session (a reload, a new tab): fourteen
            # "Aanmeldingen" for one sign-in (a look at the audit page in a browser).
            resumed = con.execute(
                f"SELECT count(*) FROM audit_log{where}{' AND' if where else ' WHERE'} "
                "event = 'aanmelding' AND detail LIKE '%\"methode\": \"sessiecookie\"%'",
                params,
            ).fetchone()[0]
            users, pages = (
                [
                    r[0]
                    for r in con.execute(
                        f"SELECT DISTINCT {column} FROM audit_log{period}"
                        f"{' AND' if period else ' WHERE'} {column} IS NOT NULL ORDER BY 1",
                        period_params,
                    ).fetchall()
                ]
                for column in ("username", "page")
            )
        return {
            "counts": {str(k): int(v) for k, v in counts.items()},
            "resumed_sign_ins": int(resumed),
            "total": int(sum(counts.values())),
            "users": users,
            "pages": pages,
        }

    def head(self) -> tuple[int, str] | None:
        """``(seq, row_hash)`` of the newest row: write it down elsewhere to anchor the chain."""
        if not self.path.exists():
            return None
        with self._connect() as con:
            row = con.execute(
                "SELECT seq, row_hash FROM audit_log ORDER BY seq DESC LIMIT 1"
            ).fetchone()
        return (int(row[0]), str(row[1])) if row else None

    def hash_at(self, seq: int) -> str | None:
        """``row_hash`` of event ``seq``, or ``None`` when the log holds no such event."""
        if not self.path.exists():
            return None
        with self._connect() as con:
            row = con.execute("SELECT row_hash FROM audit_log WHERE seq = ?", [int(seq)]).fetchone()
        return str(row[0]) if row else None

    def anchor_status(self, seq: int, noted_hash: str) -> str:
        """Whether a head noted elsewhere (:meth:`head`, e.g. on a briefing pack's title
        page) still holds: ``"klopt"``, ``"ontbreekt"`` (no event ``seq``: the log was cut
        or replaced), ``"verschilt"`` (event ``seq`` has another hash: the log was rewritten
        with a fresh chain) or ``"keten_gebroken"`` (the chain breaks at or before ``seq``).

        ``noted_hash`` may be the start of the hash (at least :data:`MIN_ANCHOR_CHARS`
        hexadecimal characters), in either case.
        """
        prefix = noted_hash.strip().lower()
        if len(prefix) < MIN_ANCHOR_CHARS or not re.fullmatch(r"[0-9a-f]+", prefix):
            raise ValueError(
                f"Geef minstens {MIN_ANCHOR_CHARS} tekens van de hash (0–9, a–f), zoals genoteerd."
            )
        current = self.hash_at(seq)
        if current is None:
            return "ontbreekt"
        if not current.startswith(prefix):
            return "verschilt"
        broken = self.verify_chain()
        return "keten_gebroken" if broken is not None and broken <= seq else "klopt"

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
