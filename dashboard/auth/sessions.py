"""Signed-in sessions that outlive a browser reload (local accounts).

A Streamlit session ends when its browser tab reloads, and a shared link opened in a new tab
is a new session: with the session alone, a local account signs in again each time. After a
sign-in with name and password the browser keeps a random token in a cookie
(:func:`cookie_name`); a new session of that browser that brings it along is signed in again as
that user, without the form.

The server keeps only the SHA-256 of each token, with the user name and the moment of the
sign-in, in ``state_dir()/sessions.json`` (mode 0600): the file holds no token that would
sign anyone in. A token counts for :data:`SESSION_MAX_AGE_S` from the sign-in (the limit a
session has anyway), until "Afmelden" revokes it, and only while its account is usable
(checked by the gate against the user file: not disabled or removed, password not changed
since). It signs a new session in only while a session of it was active in the last
:data:`RESUME_IDLE_S` (the open sessions note their activity at most once a minute). OIDC sign-in does not use it: Streamlit's own login cookie already outlives a reload.
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dashboard.auth.users import json_state, normalise_username, read_json_object

#: A session signs in again after this long, even when active (and so does a token).
SESSION_MAX_AGE_S = 12 * 3600

#: A new session (a reload, a new tab) is signed in from the cookie only when a session of
#: the token was active this recently: on a shared workstation a tab closed without
#: "Afmelden" does not hand the next person the account for the rest of the 12 hours.
RESUME_IDLE_S = 30 * 60

#: The name of the browser cookie that holds a session's token (:func:`cookie_name` adds
#: the install's mark).
COOKIE = "wijkbeeld_sessie"


def default_sessions_path() -> Path:
    """``state_dir()/sessions.json`` (``WIJKBEELD_STATE`` moves it)."""
    from etl.config import state_dir

    return state_dir() / "sessions.json"


def cookie_name(state: Path | None = None) -> str:
    """The session cookie of this install: :data:`COOKIE` and 8 hex digits of its state
    folder. A browser sends a host's cookies to every port of it, so a test install beside
    the production one would otherwise replace the other's cookie at each sign-in."""
    from etl.config import state_dir

    folder = str(Path(state or state_dir()).resolve())
    return f"{COOKIE}_{hashlib.sha256(folder.encode('utf-8')).hexdigest()[:8]}"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SessionRecord:
    """Whom a token signs in, since when, and when a session of it was last active (epoch
    seconds)."""

    username: str
    signed_in_at: float
    last_seen: float


class SessionStore:
    """The tokens handed out, by their SHA-256.

    Parameters
    ----------
    path : Path, optional
        JSON state file; defaults to :func:`default_sessions_path`.
    max_age_s : float
        A token older than this signs no one in (and is dropped at the next write).
    clock : callable
        Wall-clock seconds (``time.time``); replaced in tests.
    """

    def __init__(
        self,
        path: Path | str | None = None,
        max_age_s: float = SESSION_MAX_AGE_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path) if path else default_sessions_path()
        self.max_age_s = max_age_s
        self.clock = clock

    def _read(self) -> dict[str, dict]:
        # A damaged file signs no one in: everyone signs in with the form again.
        raw = read_json_object(self.path)
        now = self.clock()
        return {
            key: entry
            for key, entry in raw.items()
            if isinstance(entry, dict)
            and isinstance(entry.get("username"), str)
            and isinstance(entry.get("signed_in_at"), int | float)
            and 0 <= now - entry["signed_in_at"] < self.max_age_s
        }

    def _changing(self) -> contextlib.AbstractContextManager[dict[str, dict]]:
        return json_state(self.path, self._read)

    def issue(self, username: str, signed_in_at: float | None = None) -> str:
        """A new token for ``username``, signed in at ``signed_in_at`` (epoch seconds;
        default now). Only its digest is stored."""
        token = secrets.token_urlsafe(32)
        with self._changing() as state:
            at = self.clock() if signed_in_at is None else signed_in_at
            state[_digest(token)] = {
                "username": normalise_username(username),
                "signed_in_at": at,
                "last_seen": at,
            }
        return token

    def lookup(self, token: str | None) -> SessionRecord | None:
        """Whom ``token`` signs in, or ``None`` (unknown, revoked or too old)."""
        if not token or len(token) > 256:
            return None
        entry = self._read().get(_digest(token))
        if entry is None:
            return None
        signed_in_at = float(entry["signed_in_at"])
        last_seen = entry.get("last_seen", signed_in_at)
        if not isinstance(last_seen, int | float):
            last_seen = signed_in_at
        return SessionRecord(entry["username"], signed_in_at, float(last_seen))

    def touch(self, token: str | None) -> None:
        """Note that a session of ``token`` is active now (see :data:`RESUME_IDLE_S`)."""
        if not token:
            return
        with self._changing() as state:
            entry = state.get(_digest(token))
            if entry is not None:
                entry["last_seen"] = self.clock()

    def revoke(self, token: str | None) -> None:
        """Forget ``token`` ("Afmelden"): it signs no one in any more."""
        if not token:
            return
        with self._changing() as state:
            state.pop(_digest(token), None)

    def revoke_user(self, username: str) -> int:
        """Forget every token of ``username`` (disabled, removed, new password); how many."""
        name = normalise_username(username)
        with self._changing() as state:
            gone = [key for key, entry in state.items() if entry["username"] == name]
            for key in gone:
                del state[key]
        return len(gone)
