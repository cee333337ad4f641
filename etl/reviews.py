"""Review decisions of the wijkcoördinator, kept outside the rebuildable warehouse.

The warehouse is a pure function of the raw exports and is replaced on every build, so a
coordinator's "goedgekeurd" or "teruggestuurd" cannot live there. It lives in its own small
DuckDB file, ``state_dir()/reviews.duckdb``, as an append-only history: a decision is
never updated or deleted, a newer decision on the same item simply wins for display.
That keeps an audit trail of who decided what, and when (UTC).

Each decision also keeps the item's closing date as the coordinator saw it
(``item_closed_at``, the export's own wall-clock time, as in ``marts.tasks.closed_at``).
Closing dates are often day-only: a task returned on 01/12 at 16:36 and closed again that
same day reads "01/12/2026 00:00" in the next export, before the decision. Comparing the
export's closing date with the one decided on tells that it was reworked. Files written
before this column existed stay readable (the column is then empty) and gain it on the
next write.

Concurrency: DuckDB lets one process write a file *or* several read it, not both at
once. Every call therefore opens the file, does its work and closes it again, and waits
briefly (with retries) when another process holds the lock. Within one process a lock
serialises calls, because DuckDB refuses a read-only and a read-write connection to the
same file side by side.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from etl import config

#: The two decisions a coordinator can take.
DECISIONS = ("goedgekeurd", "teruggestuurd")
#: Groupings accepted by :meth:`ReviewStore.stats_by`.
STATS_GROUPS = ("reviewer", "item_kind", "day", "week", "month")

MAX_REMARK_LENGTH = 2000
COLUMNS = [
    "review_id",
    "item_kind",
    "item_id",
    "decision",
    "remark",
    "reviewer",
    "recorded_at",
    "item_closed_at",
]

_SCHEMA = """
CREATE SEQUENCE IF NOT EXISTS review_id_seq START 1;
CREATE TABLE IF NOT EXISTS reviews (
    review_id   BIGINT PRIMARY KEY DEFAULT nextval('review_id_seq'),
    item_kind   VARCHAR NOT NULL,
    item_id     VARCHAR NOT NULL,
    decision    VARCHAR NOT NULL CHECK (decision IN ('goedgekeurd', 'teruggestuurd')),
    remark      VARCHAR,
    reviewer    VARCHAR NOT NULL,
    recorded_at TIMESTAMP NOT NULL  -- UTC
);
-- The item's closing date when decided (the export's wall-clock time); added after the
-- first release, so older files gain it here, at the end of the table.
ALTER TABLE reviews ADD COLUMN IF NOT EXISTS item_closed_at TIMESTAMP;
"""

# One lock per file for this process (see module docstring).
_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


class ReviewError(ValueError):
    """A review that cannot be stored; the message is Dutch and meant for the user."""


#: An item's identifier in the build's canonical form of a record key (``wb_key`` in
#: ``etl/sql/macros.sql``: upper case, without spaces, digits only without leading zeros): a decision stored on
#: "wt2026-01763" before the build compared keys so still belongs to WT2026-01763.
_CANONICAL_ID = (
    "regexp_replace(upper(regexp_replace(item_id, '[\\s\\p{Zs}]+', '', 'g')), '^0+(\\d+)$', '\\1')"
)
#: The stored decisions, each item under its canonical identifier.
_REVIEWS = f"(SELECT * REPLACE ({_CANONICAL_ID} AS item_id) FROM reviews)"


def canonical_id(item_id: str) -> str:
    """An identifier as the marts show a record key: upper case, without spaces, a key of
    digits only without its leading zeros (``wb_key``)."""
    return re.sub(r"^0+(\d+)$", r"\1", re.sub(r"\s+", "", item_id).upper())


def default_path() -> Path:
    """``state_dir()/reviews.duckdb``."""
    return config.state_dir() / "reviews.duckdb"


def _lock_for(path: Path) -> threading.Lock:
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(str(path.resolve()), threading.Lock())


def _is_lock_conflict(exc: Exception) -> bool:
    text = str(exc).lower()
    return "lock" in text or "conflict" in text or "being used by another process" in text


def run_on_state_file(
    path: Path,
    work: Callable[[duckdb.DuckDBPyConnection], object],
    *,
    write: bool,
    timeout_s: float = 10.0,
    what: str = "Status",
):
    """Open the small DuckDB state file ``path``, run ``work`` on it, close it.

    Within this process a lock per file serialises the calls; while another process holds
    the file, the open is retried (doubling pauses up to half a second) for ``timeout_s``
    seconds, then a ``RuntimeError`` names the file (``what``: its Dutch name, e.g.
    "Beoordelingen"). The folder is created for a write.
    """
    deadline = time.monotonic() + timeout_s
    pause = 0.02
    with _lock_for(path):
        while True:
            try:
                if write:
                    path.parent.mkdir(parents=True, exist_ok=True)
                con = duckdb.connect(str(path), read_only=not write)
            except (duckdb.IOException, duckdb.ConnectionException) as exc:
                if not _is_lock_conflict(exc) or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"{what}-bestand {path} is bezet of onleesbaar: {exc}"
                    ) from exc
                time.sleep(pause)
                pause = min(pause * 2, 0.5)
                continue
            try:
                return work(con)
            finally:
                con.close()


class StateStore:
    """Base of the small DuckDB state files the team writes (review decisions, approaches):
    a path (default: :meth:`default_file`), a clock and :func:`run_on_state_file`.

    Parameters
    ----------
    path : str or Path, optional
        The DuckDB file; its folder is created on the first write.
    clock : callable, optional
        Returns the current time as an aware ``datetime``; defaults to UTC now. Tests
        inject a fixed clock; there is deliberately no way to backdate a single record.
    lock_timeout_s : float
        How long to keep retrying when another process holds the file (default 10 s).
    """

    #: The file's Dutch name in messages ("Beoordelingen-bestand … is bezet").
    what = "Status"

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        clock: Callable[[], datetime] | None = None,
        lock_timeout_s: float = 10.0,
    ) -> None:
        self.path = Path(path) if path is not None else self.default_file()
        self._clock = clock or (lambda: datetime.now(UTC))
        self._lock_timeout_s = lock_timeout_s

    @staticmethod
    def default_file() -> Path:
        """The file used when no path is given."""
        raise NotImplementedError

    def _run(self, work: Callable[[duckdb.DuckDBPyConnection], object], *, write: bool):
        """Open, run ``work``, close (see :func:`run_on_state_file`)."""
        return run_on_state_file(
            self.path, work, write=write, timeout_s=self._lock_timeout_s, what=self.what
        )


class ReviewStore(StateStore):
    """Append-only store of review decisions in a small DuckDB file.

    Parameters
    ----------
    path : str or Path, optional
        The DuckDB file; default ``state_dir()/reviews.duckdb``. Its folder is created on
        the first write.
    clock : callable, optional
        Returns the current time as an aware ``datetime``; defaults to UTC now. Tests
        inject a fixed clock; there is deliberately no way to backdate a single record.
    lock_timeout_s : float
        How long to keep retrying when another process holds the file (default 10 s).

    Examples
    --------
    >>> store = ReviewStore(tmp_path / "reviews.duckdb")  # doctest: +SKIP
    >>> store.record("taak", "T-1", "teruggestuurd", "Locatie ontbreekt", "HINP Vos")
    ... # doctest: +SKIP
    """

    what = "Beoordelingen"
    default_file = staticmethod(default_path)

    def _read(self, sql: str, params: list | None = None) -> pd.DataFrame:
        if not self.path.exists():
            return _with_utc(_empty())

        def work(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
            has_table = con.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = 'reviews'"
            ).fetchone()[0]
            if not has_table:
                return _with_utc(_empty())
            return con.execute(sql, params or []).df()

        return _with_utc(self._run(work, write=False))

    # -- writing -----------------------------------------------------------------------
    def record(
        self,
        item_kind: str,
        item_id: str,
        decision: str,
        remark: str | None,
        reviewer: str,
        *,
        item_closed_at: datetime | pd.Timestamp | str | None = None,
    ) -> dict:
        """Store one decision (never overwrites an earlier one).

        Parameters
        ----------
        item_kind : str
            What is reviewed, e.g. ``"taak"``, ``"pv"``, ``"kantschrift"``.
        item_id : str
            Its identifier (task number, PV number).
        decision : {"goedgekeurd", "teruggestuurd"}
            Case and surrounding spaces are ignored.
        remark : str or None
            Required (non-blank) when the item is returned: the inspector must know why.
        reviewer : str
            Who decides.
        item_closed_at : date-like, optional
            The item's closing date as shown when deciding (naive: the export's own
            wall-clock time, like ``marts.tasks.closed_at``); ``None`` when it has none.
            :func:`dashboard.analysis.quality.review_queue` queues a returned item again
            once a later export closes it later than this.

        Returns
        -------
        dict
            The stored row, including ``review_id``, ``recorded_at`` (aware, UTC) and
            ``item_closed_at`` (naive ``Timestamp`` or ``None``).

        Raises
        ------
        ReviewError
            When an input is missing or invalid (Dutch message).
        """
        kind = _required_text(item_kind, "Soort item")
        ident = canonical_id(_required_text(item_id, "Itemnummer"))
        who = _required_text(reviewer, "Beoordelaar")
        choice = (decision or "").strip().lower() if isinstance(decision, str) else ""
        if choice not in DECISIONS:
            raise ReviewError(
                f"Beslissing moet 'goedgekeurd' of 'teruggestuurd' zijn, niet '{decision}'."
            )
        note = remark.strip() if isinstance(remark, str) else None
        if remark is not None and not isinstance(remark, str):
            raise ReviewError("Opmerking moet tekst zijn.")
        if choice == "teruggestuurd" and not note:
            raise ReviewError(
                "Geef een opmerking bij het terugsturen: de wijkinspecteur moet weten wat er "
                "ontbreekt."
            )
        if note and len(note) > MAX_REMARK_LENGTH:
            raise ReviewError(f"Opmerking is te lang (maximum {MAX_REMARK_LENGTH} tekens).")
        now = self._clock()
        if now.tzinfo is None:
            raise ReviewError("De klok moet een tijdzone geven (UTC).")
        stamp = now.astimezone(UTC).replace(tzinfo=None)
        closed = _closing_date(item_closed_at)

        def work(con: duckdb.DuckDBPyConnection) -> tuple:
            con.execute(_SCHEMA)
            return con.execute(
                "INSERT INTO reviews (item_kind, item_id, decision, remark, reviewer, recorded_at,"
                " item_closed_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING review_id",
                [
                    kind,
                    ident,
                    choice,
                    note or None,
                    who,
                    stamp,
                    None if closed is None else closed.to_pydatetime(),
                ],
            ).fetchone()

        (review_id,) = self._run(work, write=True)
        return {
            "review_id": int(review_id),
            "item_kind": kind,
            "item_id": ident,
            "decision": choice,
            "remark": note or None,
            "reviewer": who,
            "recorded_at": pd.Timestamp(stamp, tz="UTC"),
            "item_closed_at": closed,
        }

    # -- reading -----------------------------------------------------------------------
    def latest(self, item_kind: str | None = None) -> pd.DataFrame:
        """The decision that counts per item: the most recent one.

        Parameters
        ----------
        item_kind : str, optional
            Only items of this kind.

        Returns
        -------
        DataFrame
            One row per (``item_kind``, ``item_id``): ``review_id``, ``item_kind``,
            ``item_id``, ``decision``, ``remark``, ``reviewer``, ``recorded_at`` (aware,
            UTC), ``item_closed_at`` (naive, empty for decisions stored without it) and
            ``n_reviews`` (how many decisions the item has had), newest first.
        """
        where, params = ("WHERE item_kind = ?", [item_kind]) if item_kind else ("", [])
        # review_id breaks ties between decisions stamped in the same microsecond.
        sql = f"""
            SELECT * EXCLUDE (rn) FROM (
                SELECT *,
                       count(*) OVER (PARTITION BY item_kind, item_id) AS n_reviews,
                       row_number() OVER (PARTITION BY item_kind, item_id
                                          ORDER BY recorded_at DESC, review_id DESC) AS rn
                FROM {_REVIEWS} {where}
            ) WHERE rn = 1
            ORDER BY recorded_at DESC, review_id DESC
        """
        out = self._read(sql, params)
        if "n_reviews" not in out.columns:
            out["n_reviews"] = pd.Series(dtype="int64")
        return out.reset_index(drop=True)

    def history(self, item_id: str, item_kind: str | None = None) -> pd.DataFrame:
        """Every decision on one item, oldest first.

        Parameters
        ----------
        item_id : str
            The item's identifier.
        item_kind : str, optional
            Restrict to this kind (ids of different kinds may coincide).

        Returns
        -------
        DataFrame
            Columns as in :data:`COLUMNS`.
        """
        sql = f"SELECT * FROM {_REVIEWS} WHERE item_id = ?"
        params: list = [canonical_id(str(item_id))]
        if item_kind:
            sql += " AND item_kind = ?"
            params.append(item_kind)
        return self._read(sql + " ORDER BY recorded_at, review_id", params).reset_index(drop=True)

    def stats_by(
        self,
        by: str = "reviewer",
        *,
        latest_only: bool = True,
        item_kind: str | None = None,
        since: datetime | pd.Timestamp | str | None = None,
    ) -> pd.DataFrame:
        """Number of approvals and returns per reviewer, kind or period.

        Parameters
        ----------
        by : {"reviewer", "item_kind", "day", "week", "month"}
            Grouping; ``week`` is the ISO week's Monday, ``month`` the first of the month
            (dates in UTC).
        latest_only : bool
            Count only the decision that counts per item (default), or every decision in
            the history (to see how often work went back and forth).
        item_kind : str, optional
            Only this kind.
        since : date-like, optional
            Only decisions recorded on or after this moment (naive = UTC).

        Returns
        -------
        DataFrame
            Columns ``<by>``, ``goedgekeurd``, ``teruggestuurd``, ``total``,
            ``share_returned`` (0–1).
        """
        if by not in STATS_GROUPS:
            raise ReviewError(f"Onbekende groepering '{by}'; kies uit {', '.join(STATS_GROUPS)}.")
        frame = self.latest(item_kind) if latest_only else self._all(item_kind)
        if since is not None and len(frame):
            start = pd.Timestamp(since)
            start = start.tz_localize("UTC") if start.tzinfo is None else start.tz_convert("UTC")
            frame = frame[frame["recorded_at"] >= start]
        stamp = frame["recorded_at"].dt.tz_convert(None)
        key = {
            "reviewer": lambda: frame["reviewer"],
            "item_kind": lambda: frame["item_kind"],
            "day": lambda: stamp.dt.normalize(),
            "week": lambda: (stamp - pd.to_timedelta(stamp.dt.weekday, unit="D")).dt.normalize(),
            "month": lambda: stamp.dt.to_period("M").dt.to_timestamp(),
        }[by]()
        table = (
            pd.crosstab(key.rename(by), frame["decision"])
            if len(frame)
            else pd.DataFrame(index=pd.Index([], name=by))
        )
        table = table.reindex(columns=list(DECISIONS), fill_value=0)
        table.columns.name = None
        table["total"] = table.sum(axis=1)
        table["share_returned"] = (table["teruggestuurd"] / table["total"]).where(
            table["total"] > 0
        )
        return table.reset_index()

    def _all(self, item_kind: str | None) -> pd.DataFrame:
        where, params = ("WHERE item_kind = ?", [item_kind]) if item_kind else ("", [])
        return self._read(
            f"SELECT * FROM {_REVIEWS} {where} ORDER BY recorded_at, review_id", params
        )


def _required_text(value: object, label: str) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        raise ReviewError(f"{label} ontbreekt.")
    text = str(value).strip()
    if not text:
        raise ReviewError(f"{label} ontbreekt.")
    if len(text) > 200:
        raise ReviewError(f"{label} is te lang (maximum 200 tekens).")
    return text


def _closing_date(value: object) -> pd.Timestamp | None:
    """``item_closed_at`` as stored: a naive timestamp, or ``None``."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, str) and not value.strip():
        return None
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise ReviewError(f"Afsluitdatum '{value}' is geen datum.") from exc
    if pd.isna(stamp):
        return None
    if stamp.tzinfo is not None:
        # The exports' closing dates are wall-clock times without a zone; an aware one
        # would silently shift by an hour or two.
        raise ReviewError("Afsluitdatum moet zonder tijdzone zijn, zoals in de export.")
    return stamp


def _empty() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "review_id": pd.Series(dtype="int64"),
            "item_kind": pd.Series(dtype="object"),
            "item_id": pd.Series(dtype="object"),
            "decision": pd.Series(dtype="object"),
            "remark": pd.Series(dtype="object"),
            "reviewer": pd.Series(dtype="object"),
            "recorded_at": pd.Series(dtype="datetime64[us]"),
            "item_closed_at": pd.Series(dtype="datetime64[us]"),
        }
    )


def _with_utc(frame: pd.DataFrame) -> pd.DataFrame:
    """Mark the stored naive UTC timestamps as UTC so pages can convert them; give a file
    written before ``item_closed_at`` existed that column (empty), in its place."""
    if "recorded_at" in frame.columns:
        stamps = pd.to_datetime(frame["recorded_at"])
        frame["recorded_at"] = (
            stamps.dt.tz_localize("UTC") if stamps.dt.tz is None else stamps.dt.tz_convert("UTC")
        )
        if "item_closed_at" not in frame.columns:
            frame["item_closed_at"] = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[us]")
        else:
            frame["item_closed_at"] = pd.to_datetime(frame["item_closed_at"])
        order = [c for c in COLUMNS if c in frame.columns]
        frame = frame[order + [c for c in frame.columns if c not in order]]
    return frame
