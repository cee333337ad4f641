"""Slowing down password guessing: delays and lockouts after failed sign-ins.

Failures are counted per user name *and* per client (IP address), in a JSON file under
``state_dir()`` so restarting the dashboard does not reset them. After the k-th failure
within ``window_s`` the next attempt for that key must wait ``base_delay_s · 2^(k-1)``
(capped at ``max_delay_s``); at ``max_failures`` the key is locked for ``lockout_s``.
A success clears the user name's record, not the client's: otherwise one valid account
would let an attacker reset the counter of the address he guesses other accounts from.
The client limit is higher than the user limit because a whole police station may share
one address.

A connection from the machine itself (127.0.0.1, ::1) has no client limit: on a local
install, or behind a reverse proxy on the same host that sends no ``X-Forwarded-For``,
every user has that address, and 20 failures by anyone would lock everyone out (a
review). The user-name limit still holds, and the audit log names the address.

Trade-off: anyone can lock a known user name for ``lockout_s`` by failing on purpose. The
lockout is short and the audit log shows it; that is the usual price of stopping guessing.
"""

from __future__ import annotations

import contextlib
import ipaddress
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dashboard.auth.users import json_state, normalise_username, read_json_object


def _loopback(address: str) -> bool:
    """Whether ``address`` is the machine itself (every user's, behind a same-host proxy)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    # "::ffff:127.0.0.1": a dual-stack server's view of an IPv4 connection (a review).
    return (getattr(ip, "ipv4_mapped", None) or ip).is_loopback


def default_throttle_path() -> Path:
    """``state_dir()/login_attempts.json``."""
    from etl.config import state_dir

    return state_dir() / "login_attempts.json"


@dataclass(frozen=True)
class Decision:
    """Whether a sign-in attempt may go ahead now.

    Attributes
    ----------
    allowed : bool
    wait_s : float
        Seconds until the next attempt is allowed (0 when allowed).
    locked : bool
        The key reached ``max_failures`` (a lockout, not just a delay).
    message : str or None
        Dutch message for the user when not allowed.
    """

    allowed: bool
    wait_s: float = 0.0
    locked: bool = False
    message: str | None = None


def wait_message(seconds: float, locked: bool) -> str:
    """Dutch message, e.g. ``"Te veel mislukte pogingen; probeer opnieuw over 5 minuten."``."""
    seconds = max(1, math.ceil(seconds))
    if seconds >= 60:
        minutes = math.ceil(seconds / 60)
        when = "1 minuut" if minutes == 1 else f"{minutes} minuten"
    else:
        when = "1 seconde" if seconds == 1 else f"{seconds} seconden"
    if locked:
        return f"Te veel mislukte pogingen; probeer opnieuw over {when}."
    return f"Even geduld na een mislukte poging; probeer opnieuw over {when}."


class LoginThrottle:
    """Failed-attempt bookkeeping.

    Parameters
    ----------
    path : Path, optional
        JSON state file; defaults to :func:`default_throttle_path`.
    max_failures : int
        Failures per user name within ``window_s`` that lock it.
    client_max_failures : int
        Same for a client address.
    window_s : float
        Failures older than this are forgotten.
    lockout_s : float
        Length of a lockout, counted from the last failure.
    base_delay_s, max_delay_s : float
        Exponential delay between attempts before the lockout.
    clock : callable
        Wall-clock seconds (``time.time``); replaced in tests.
    """

    def __init__(
        self,
        path: Path | str | None = None,
        max_failures: int = 5,
        client_max_failures: int = 20,
        window_s: float = 15 * 60,
        lockout_s: float = 5 * 60,
        base_delay_s: float = 1.0,
        max_delay_s: float = 30.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path) if path else default_throttle_path()
        self.max_failures = max_failures
        self.client_max_failures = client_max_failures
        self.window_s = window_s
        self.lockout_s = lockout_s
        self.base_delay_s = base_delay_s
        self.max_delay_s = max_delay_s
        self.clock = clock

    # --- storage ------------------------------------------------------------------------
    def _locked_state(self, write: bool) -> contextlib.AbstractContextManager[dict]:
        return json_state(self.path, self._read, write)

    def _read(self) -> dict[str, list[float]]:
        # A damaged file must not lock everybody out, nor let anyone in: start afresh.
        raw = read_json_object(self.path)
        now = self.clock()
        fresh = {
            k: [t for t in v if isinstance(t, int | float) and now - t < self.window_s]
            for k, v in raw.items()
            if isinstance(v, list)
        }
        return {k: v for k, v in fresh.items() if v}

    @staticmethod
    def _keys(username: str | None, client: str | None) -> list[tuple[str, bool]]:
        keys = []
        if username:
            keys.append(("user:" + normalise_username(username), False))
        if client and not _loopback(str(client)):
            keys.append(("client:" + str(client), True))
        return keys

    # --- policy -------------------------------------------------------------------------
    def _decide(self, failures: list[float], limit: int) -> Decision:
        if not failures:
            return Decision(True)
        now = self.clock()
        last = max(failures)
        if len(failures) >= limit:
            wait = last + self.lockout_s - now
            if wait > 0:
                return Decision(False, wait, True, wait_message(wait, True))
            return Decision(True)
        delay = min(self.max_delay_s, self.base_delay_s * 2 ** (len(failures) - 1))
        wait = last + delay - now
        if wait > 0:
            return Decision(False, wait, False, wait_message(wait, False))
        return Decision(True)

    def check(self, username: str | None, client: str | None = None) -> Decision:
        """May this user name, from this client, try a password now?

        Call before verifying the password; when ``allowed`` is false, do not verify at
        all (the attempt does not count as another failure) and show ``message``.
        """
        with self._locked_state(write=False) as state:
            decisions = [
                self._decide(
                    state.get(key, []),
                    self.client_max_failures if is_client else self.max_failures,
                )
                for key, is_client in self._keys(username, client)
            ]
        refused = [d for d in decisions if not d.allowed]
        if not refused:
            return Decision(True)
        # Report the longest wait, preferring a lockout's message.
        return max(refused, key=lambda d: (d.locked, d.wait_s))

    def register_failure(self, username: str | None, client: str | None = None) -> Decision:
        """Count a failed attempt; returns the decision for the next attempt."""
        with self._locked_state(write=True) as state:
            now = self.clock()
            for key, _ in self._keys(username, client):
                state.setdefault(key, []).append(now)
                # Bound the file: only the newest failures within the window matter.
                state[key] = state[key][-(self.client_max_failures + self.max_failures) :]
        return self.check(username, client)

    def register_success(self, username: str | None, client: str | None = None) -> None:
        """Clear the user name's failures (the client's stay, see the module docstring)."""
        self.reset(username)

    def reset(self, username: str | None = None, client: str | None = None) -> None:
        """Forget failures of a user name and/or a client (CLI ``unlock``)."""
        with self._locked_state(write=True) as state:
            for key, _ in self._keys(username, client):
                state.pop(key, None)

    def failures(self, username: str | None = None, client: str | None = None) -> int:
        """Failures within the window for the user name (or else the client)."""
        with self._locked_state(write=False) as state:
            keys = self._keys(username, client)
            return len(state.get(keys[0][0], [])) if keys else 0
