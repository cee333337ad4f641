"""Approaches (aanpakken) of problem addresses, kept outside the rebuildable warehouse.

A wijkinspecteur or the coordinator takes on an address where facts or nuisance keep
coming back (a talk with a café owner, a camera, a municipal order) and wants to follow
whether it helps, and report it to the mayor. The approach is the team's own record, not
an export: like the review decisions (:mod:`etl.reviews`) it lives in a small DuckDB file
of its own, ``state_dir()/aanpakken.duckdb``, which every rebuild leaves alone.

The file is an append-only history of events: an approach starts (``gestart``: its first
day, what is done, who recorded it, when) and may end (``afgesloten``: its last day and how
it ended). Nothing is updated or deleted, so who recorded what, and when (UTC), stays
known. An address has at most one running approach.

An address is the key the Bronnen page groups repeated records by
(:data:`dashboard.queries.incidents.ADDRESS_KEY`: street, house number, municipality, the
place outside the zone, and for a street without house number its wijk), kept as text
with the address as people write it and the wijk whose inspector follows it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from etl import config
from etl.reviews import StateStore

#: The two events of an approach.
EVENTS = ("gestart", "afgesloten")
#: Longest description of an approach or of how it ended.
MAX_TEXT_LENGTH = 1000
#: Mode of the file (owner read/write only), as the audit log's.
FILE_MODE = 0o600
#: The parts of an address's key, in order.
KEY_PARTS = ("key_street", "key_nr", "key_nis", "key_place", "key_wijk")

_SCHEMA = """
CREATE SEQUENCE IF NOT EXISTS approach_event_seq START 1;
CREATE TABLE IF NOT EXISTS approach_events (
    event_id     BIGINT PRIMARY KEY DEFAULT nextval('approach_event_seq'),
    approach_id  BIGINT NOT NULL,       -- the event_id of its 'gestart' event
    event        VARCHAR NOT NULL CHECK (event IN ('gestart', 'afgesloten')),
    day          DATE NOT NULL,         -- first day (gestart) or last day (afgesloten)
    description  VARCHAR NOT NULL,      -- what is done / how it ended
    recorded_by  VARCHAR NOT NULL,
    recorded_at  TIMESTAMP NOT NULL,    -- UTC
    address      VARCHAR,
    municipality VARCHAR,
    wijk_code    VARCHAR,
    key_street   VARCHAR,
    key_nr       VARCHAR,
    key_nis      VARCHAR,
    key_place    VARCHAR,
    key_wijk     VARCHAR
);
"""

#: The columns every event repeats: the address, its wijk and its key.
_ADDRESS_COLUMNS = "address, municipality, wijk_code, " + ", ".join(KEY_PARTS)

#: One row per approach: its start, and its end when it has one.
_APPROACHES = """
SELECT s.approach_id, s.address, s.municipality, s.wijk_code,
       s.key_street, s.key_nr, s.key_nis, s.key_place, s.key_wijk,
       s.day AS started_on, s.description, s.recorded_by AS started_by,
       s.recorded_at AS started_at,
       e.day AS ended_on, e.description AS end_note, e.recorded_by AS ended_by,
       e.recorded_at AS ended_at,
       CASE WHEN e.event_id IS NULL THEN 'lopend' ELSE 'afgesloten' END AS status
FROM approach_events s
LEFT JOIN approach_events e ON e.approach_id = s.approach_id AND e.event = 'afgesloten'
WHERE s.event = 'gestart'
"""

COLUMNS = [
    "approach_id",
    "address",
    "municipality",
    "wijk_code",
    *KEY_PARTS,
    "started_on",
    "description",
    "started_by",
    "started_at",
    "ended_on",
    "end_note",
    "ended_by",
    "ended_at",
    "status",
]


class ApproachError(ValueError):
    """An approach that cannot be stored; the message is Dutch and meant for the user."""


def default_path() -> Path:
    """``state_dir()/aanpakken.duckdb``."""
    return config.state_dir() / "aanpakken.duckdb"


def _text(value: object, label: str, limit: int = MAX_TEXT_LENGTH) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise ApproachError(f"{label} ontbreekt.")
    if len(text) > limit:
        raise ApproachError(f"{label} is te lang (maximum {limit} tekens).")
    return text


def _day(value: object, label: str) -> dt.date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise ApproachError(f"{label} moet een datum zijn.")


def _key(address_key: Sequence[str | None]) -> list[str | None]:
    parts = [
        None if v is None or (isinstance(v, float) and pd.isna(v)) else str(v) for v in address_key
    ]
    if len(parts) != len(KEY_PARTS) or not parts[0]:
        raise ApproachError("Kies een adres (met een straat) om een aanpak vast te leggen.")
    return parts


def running_in(frame: pd.DataFrame, address_key: Sequence[str | None]) -> dict | None:
    """The running approach of an address among ``frame`` (:meth:`ApproachStore.approaches`),
    or ``None``; ``address_key``: the parts of :data:`KEY_PARTS` as text, ``None`` where
    missing."""
    key = _key(address_key)
    if frame.empty:
        return None
    same = frame["status"].eq("lopend")
    for part, value in zip(KEY_PARTS, key, strict=True):
        same &= frame[part].isna() if value is None else frame[part].eq(value)
    return frame[same].iloc[0].to_dict() if same.any() else None


def empty_frame() -> pd.DataFrame:
    """No approaches, with the columns :meth:`ApproachStore.approaches` gives."""
    return pd.DataFrame({c: pd.Series(dtype="object") for c in COLUMNS})


class ApproachStore(StateStore):
    """Append-only store of approaches of problem addresses in a small DuckDB file.

    Parameters
    ----------
    path : str or Path, optional
        The DuckDB file; default ``state_dir()/aanpakken.duckdb``, created on the first
        write.
    clock : callable, optional
        Returns the current time as an aware ``datetime`` (default: UTC now); tests pass
        a fixed one.
    lock_timeout_s : float
        How long to retry while another process holds the file.
    """

    what = "Aanpakken"
    default_file = staticmethod(default_path)

    def _run(self, work, *, write: bool):
        out = super()._run(work, write=write)
        if write:
            # Free text and user names: readable by the server's own user only.
            self.path.chmod(FILE_MODE)
        return out

    def _now(self) -> datetime:
        now = self._clock()
        if now.tzinfo is None:
            raise ApproachError("De klok moet een tijdzone geven (UTC).")
        return now.astimezone(UTC).replace(tzinfo=None)

    # -- reading -----------------------------------------------------------------------
    def approaches(self) -> pd.DataFrame:
        """Every approach, the running ones first, then the newest.

        Returns
        -------
        DataFrame
            Columns :data:`COLUMNS`: the address (``address``, ``municipality``,
            ``wijk_code`` and its key), ``started_on``, ``description``, ``started_by``,
            ``started_at`` (UTC), ``ended_on``, ``end_note``, ``ended_by``, ``ended_at``
            (empty while it runs) and ``status`` (``lopend`` or ``afgesloten``).
        """
        if not self.path.exists():
            return empty_frame()

        def work(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
            has_table = con.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = 'approach_events'"
            ).fetchone()[0]
            if not has_table:
                return empty_frame()
            return con.execute(
                f"SELECT * FROM ({_APPROACHES}) "
                "ORDER BY status = 'afgesloten', started_on DESC, approach_id DESC"
            ).df()

        return self._run(work, write=False)[COLUMNS].reset_index(drop=True)

    def running_at(self, address_key: Sequence[str | None]) -> dict | None:
        """The running approach of an address, or ``None``."""
        return running_in(self.approaches(), address_key)

    # -- writing -----------------------------------------------------------------------
    def start(
        self,
        address_key: Sequence[str | None],
        address: str,
        municipality: str | None,
        wijk_code: str | None,
        first_day: dt.date,
        description: str,
        recorded_by: str,
    ) -> int:
        """Record that an approach of an address began on ``first_day``; its id.

        Raises
        ------
        ApproachError
            A missing or too long text, a day that is no date or lies in the future, or
            an address that already has a running approach (Dutch message).
        """
        key = _key(address_key)
        place = _text(address, "Adres", 200)
        what = _text(description, "Omschrijving van de aanpak")
        who = _text(recorded_by, "Wie", 200)
        day = _day(first_day, "Eerste dag")
        now = self._now()
        if day > now.date():
            raise ApproachError("De eerste dag van de aanpak ligt in de toekomst.")

        def work(con: duckdb.DuckDBPyConnection) -> int:
            # Checked on the connection that writes: the file has one writer at a time, so
            # two people starting an approach of one address cannot both succeed.
            con.execute(_SCHEMA)
            same = " AND ".join(f"{part} IS NOT DISTINCT FROM ?" for part in KEY_PARTS)
            running = con.execute(
                f"SELECT min(started_on) FROM ({_APPROACHES}) WHERE status = 'lopend' AND {same}",
                key,
            ).fetchone()[0]
            if running is not None:
                raise ApproachError(
                    f"Op {place} loopt al een aanpak sinds {running:%d/%m/%Y}: sluit die eerst af."
                )
            (event_id,) = con.execute("SELECT nextval('approach_event_seq')").fetchone()
            con.execute(
                "INSERT INTO approach_events (event_id, approach_id, event, day, description, "
                f"recorded_by, recorded_at, {_ADDRESS_COLUMNS}) "
                "VALUES (?, ?, 'gestart', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [event_id, event_id, day, what, who, now, place, municipality, wijk_code, *key],
            )
            return int(event_id)

        return self._run(work, write=True)

    def close(self, approach_id: int, last_day: dt.date, note: str, recorded_by: str) -> None:
        """Record that an approach ended on ``last_day``, and how.

        Raises
        ------
        ApproachError
            An unknown or already ended approach, a last day before its first day or in
            the future, a missing text (Dutch message).
        """
        what = _text(note, "Hoe de aanpak afliep")
        who = _text(recorded_by, "Wie", 200)
        day = _day(last_day, "Laatste dag")
        now = self._now()
        if day > now.date():
            raise ApproachError("De laatste dag van de aanpak ligt in de toekomst.")

        def work(con: duckdb.DuckDBPyConnection) -> None:
            con.execute(_SCHEMA)
            row = con.execute(
                f"SELECT address, started_on, status FROM ({_APPROACHES}) WHERE approach_id = ?",
                [int(approach_id)],
            ).fetchone()
            if row is None:
                raise ApproachError(f"Aanpak {approach_id} bestaat niet.")
            address, started, status = row
            if status != "lopend":
                raise ApproachError(f"De aanpak van {address} is al afgesloten.")
            if day < started:
                raise ApproachError(
                    f"De laatste dag ligt vóór de eerste dag van de aanpak ({started:%d/%m/%Y})."
                )
            con.execute(
                "INSERT INTO approach_events (approach_id, event, day, description, "
                f"recorded_by, recorded_at, {_ADDRESS_COLUMNS}) "
                f"SELECT approach_id, 'afgesloten', ?, ?, ?, ?, {_ADDRESS_COLUMNS} "
                "FROM approach_events WHERE event_id = ?",
                [day, what, who, now, int(approach_id)],
            )

        self._run(work, write=True)
