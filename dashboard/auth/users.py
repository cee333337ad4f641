"""The local user file: salted argon2id password hashes for stand-alone installs.

The file (default ``state_dir()/users.toml``, or ``.json``) looks like::

    [[users]]
    username = "demo"
    display_name = "Demo coördinator"
    role = "coordinator"
    password_hash = "$argon2id$v=19$m=65536,t=3,p=4$..."

with ``wijk_code`` for inspectors and ``nis_code`` for bestuur. argon2 stores its salt and
parameters inside the hash. The file is rewritten atomically (temp file + rename, mode
0600) under a lock, so the CLI and a running dashboard can both change it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from dashboard.auth.roles import Principal, Role
from etl.config import read_toml

try:  # POSIX only; on Windows the in-process lock still serialises the dashboard.
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None

MIN_PASSWORD_LENGTH = 10
DEMO_PASSWORD = "wijkbeeld-demo"
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")

_thread_lock = threading.Lock()


def default_users_path() -> Path:
    """``state_dir()/users.toml`` (``WIJKBEELD_STATE`` moves it)."""
    from etl.config import state_dir

    return state_dir() / "users.toml"


@dataclass(frozen=True)
class User:
    """One entry of the user file."""

    username: str
    role: Role
    password_hash: str
    display_name: str = ""
    wijk_code: str | None = None
    nis_code: str | None = None
    disabled: bool = False
    demo: bool = False
    created_at: str = ""
    password_changed_at: str = ""

    @property
    def principal(self) -> Principal:
        """The policy view of this user."""
        return Principal(
            username=self.username,
            role=self.role,
            wijk_code=self.wijk_code,
            nis_code=self.nis_code,
            display_name=self.display_name,
        )


def normalise_username(username: str) -> str:
    """User names are case-insensitive and stored lower-case."""
    return str(username).strip().lower()


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Hold ``<path>.lock`` (and this process's lock) while a state file is read and rewritten.

    The folder is made 0700 and the lock 0600, as the files it guards (an audit found them
    0755 and 0644 beside 0600 files)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with _thread_lock:
        if fcntl is None:  # pragma: no cover
            yield
            return
        lock = os.open(path.with_name(path.name + ".lock"), os.O_CREAT | os.O_RDWR, 0o600)
        with os.fdopen(lock, "a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to a temp file next to ``path`` (mode 0600) and rename it over ``path``."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def read_json_object(path: Path) -> dict:
    """The JSON object in the state file ``path``; empty when the file is missing, damaged
    or holds no object (a state file that cannot be read starts afresh)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        return {}
    return raw if isinstance(raw, dict) else {}


@contextlib.contextmanager
def json_state(path: Path, read: Callable[[], dict], write: bool = True) -> Iterator[dict]:
    """The state ``read()`` gives, under the file's lock (:func:`file_lock`); with ``write``
    the state the block leaves is written back atomically (:func:`atomic_write_text`)."""
    with file_lock(path):
        state = read()
        yield state
        if write:
            atomic_write_text(path, json.dumps(state, sort_keys=True))


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    # A JSON string literal is a valid TOML basic string (same escapes, \uXXXX included).
    return json.dumps(str(value), ensure_ascii=False)


def _dump_toml(users: list[User]) -> str:
    lines = [
        "# Wijkbeeld users. Manage with `python -m dashboard.auth`; do not edit hashes by hand.",
        "# Passwords are stored as salted argon2id hashes only.",
        "",
    ]
    for user in users:
        lines.append("[[users]]")
        for key, value in asdict(user).items():
            if value is None or value == "" or (key in ("disabled", "demo") and not value):
                continue
            lines.append(f"{key} = {_toml_value(value.value if key == 'role' else value)}")
        lines.append("")
    return "\n".join(lines)


class AccountFileError(ValueError):
    """A file of accounts or roles written by hand (``users.toml``, ``oidc_roles.toml``)
    that cannot be used, with a Dutch message naming the file and the entry. The sign-in
    gate shows it and opens nothing."""


def read_account_toml(path: Path, what: str) -> dict:
    """:func:`etl.config.read_toml` for a file of accounts or roles: its Dutch syntax error
    as an :class:`AccountFileError`, which the sign-in gate shows."""
    try:
        return read_toml(path, what)
    except ValueError as exc:
        raise AccountFileError(str(exc)) from exc


def entries_from(
    doc: Mapping, key: str, make: Callable[[Mapping], object], label: str, noun: str
) -> list:
    """``make(entry)`` for each ``[[key]]`` entry of ``doc``; a missing field or a bad
    value becomes an :class:`AccountFileError` naming ``label`` (the file), the entry's
    number and the field ("gebruiker 2: het veld 'role' ontbreekt").

    >>> entries_from({"users": [{"role": "x"}]}, "users", lambda e: e["username"], "F", "gebruiker")
    Traceback (most recent call last):
    ...
    dashboard.auth.users.AccountFileError: F klopt niet: gebruiker 1: het veld 'username' ontbreekt
    """
    entries = doc.get(key, [])
    if not isinstance(entries, list):
        raise AccountFileError(f"{label} klopt niet: '{key}' hoort een lijst [[{key}]] te zijn")
    made = []
    for number, entry in enumerate(entries, 1):
        try:
            if not isinstance(entry, Mapping):
                raise ValueError(f"geen tabel [[{key}]] maar {entry!r}")
            made.append(make(entry))
        except KeyError as exc:
            raise AccountFileError(
                f"{label} klopt niet: {noun} {number}: het veld '{exc.args[0]}' ontbreekt"
            ) from exc
        except (TypeError, ValueError) as exc:
            raise AccountFileError(f"{label} klopt niet: {noun} {number}: {exc}") from exc
    return made


def _user_from_dict(raw: Mapping) -> User:
    fields = User.__dataclass_fields__
    data = {k: v for k, v in raw.items() if k in fields}
    data["username"] = normalise_username(data["username"])
    data["role"] = Role.parse(data["role"])
    data["password_hash"] = str(data["password_hash"])
    for key in ("wijk_code", "nis_code"):
        if data.get(key) in ("", None):
            data[key] = None
        else:
            data[key] = str(data[key])
    user = User(**data)
    user.principal  # noqa: B018 - an inspector without a wijk is refused here, not at sign-in
    return user


class UserStore:
    """The local user file.

    Parameters
    ----------
    path : Path, optional
        ``.toml`` or ``.json``; defaults to :func:`default_users_path`.
    hasher : argon2.PasswordHasher, optional
        Defaults to argon2-cffi's RFC 9106 profile (argon2id, 64 MiB, t=3). Hashes made
        with other parameters still verify and are upgraded on the next sign-in.
    allow_demo : bool
        Accept demo accounts (``demo = true``). The app passes its demo flag, so a
        production install that once ran the demo does not accept the published password.
    """

    def __init__(
        self,
        path: Path | str | None = None,
        hasher: PasswordHasher | None = None,
        allow_demo: bool = False,
    ) -> None:
        self.path = Path(path) if path else default_users_path()
        self.hasher = hasher or PasswordHasher()
        self.allow_demo = allow_demo
        self._dummy_hash: str | None = None

    # --- reading and writing ------------------------------------------------------------
    def _load(self) -> list[User]:
        if not self.path.exists():
            return []
        what = "Gebruikersbestand"
        if self.path.suffix.lower() == ".json":
            try:
                doc = json.loads(self.path.read_text(encoding="utf-8"))
            except json.JSONDecodeError as exc:
                raise AccountFileError(
                    f"{what} {self.path} is geen geldig JSON-bestand: "
                    f"fout op regel {exc.lineno}, kolom {exc.colno}"
                ) from exc
        else:
            doc = read_account_toml(self.path, what)
        return entries_from(doc, "users", _user_from_dict, f"{what} {self.path}", "gebruiker")

    def _save(self, users: list[User]) -> None:
        if self.path.suffix.lower() == ".json":
            doc = {"users": [{**asdict(u), "role": u.role.value} for u in users]}
            text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
        else:
            text = _dump_toml(users)
        atomic_write_text(self.path, text)

    def users(self) -> list[User]:
        """All users, in file order."""
        return self._load()

    def get(self, username: str) -> User | None:
        """The user called ``username`` (case-insensitive), or ``None``."""
        name = normalise_username(username)
        return next((u for u in self._load() if u.username == name), None)

    # --- changing -----------------------------------------------------------------------
    def add_user(
        self,
        username: str,
        password: str,
        role: Role | str,
        display_name: str = "",
        wijk_code: str | None = None,
        nis_code: str | None = None,
        demo: bool = False,
        zone: Mapping | None = None,
    ) -> User:
        """Add a user; ``ValueError`` (Dutch) when the name exists or a field is invalid.

        Parameters
        ----------
        zone : mapping, optional
            When given, ``wijk_code``/``nis_code`` must exist in it.
        """
        name = normalise_username(username)
        if not USERNAME_RE.match(name):
            raise ValueError(
                "Gebruikersnaam: 2 tot 64 tekens, kleine letters, cijfers, '.', '_', '-' of '@'"
            )
        role = Role.parse(role)
        wijk_code = wijk_code or None
        nis_code = nis_code or None
        # Validates the role's required scope (wijk for inspector, NIS code for bestuur).
        Principal(name, role, wijk_code, nis_code)
        if role != Role.INSPECTOR:
            wijk_code = None
        if role != Role.BESTUUR:
            nis_code = None
        if zone is not None:
            _check_scope(zone, wijk_code, nis_code)
        check_password_strength(password, name)
        user = User(
            username=name,
            role=role,
            password_hash=self.hasher.hash(password),
            display_name=display_name.strip(),
            wijk_code=wijk_code,
            nis_code=nis_code,
            demo=demo,
            created_at=_now(),
            password_changed_at=_now(),
        )
        with file_lock(self.path):
            users = self._load()
            if any(u.username == name for u in users):
                raise ValueError(f"Gebruiker {name!r} bestaat al")
            self._save([*users, user])
        return user

    def _update(self, username: str, **changes) -> User:
        name = normalise_username(username)
        with file_lock(self.path):
            users = self._load()
            for i, u in enumerate(users):
                if u.username == name:
                    users[i] = replace(u, **changes)
                    self._save(users)
                    return users[i]
        raise KeyError(f"Gebruiker {name!r} bestaat niet")

    def set_password(self, username: str, password: str) -> User:
        """Replace a user's password (also clears the demo mark: it is no longer public)."""
        check_password_strength(password, normalise_username(username))
        return self._update(
            username,
            password_hash=self.hasher.hash(password),
            password_changed_at=_now(),
            demo=False,
        )

    def set_disabled(self, username: str, disabled: bool = True) -> User:
        """Disable (or re-enable) an account without deleting it."""
        return self._update(username, disabled=disabled)

    def remove_user(self, username: str) -> None:
        """Delete a user from the file."""
        name = normalise_username(username)
        with file_lock(self.path):
            users = self._load()
            kept = [u for u in users if u.username != name]
            if len(kept) == len(users):
                raise KeyError(f"Gebruiker {name!r} bestaat niet")
            self._save(kept)

    # --- signing in ---------------------------------------------------------------------
    def verify(self, username: str, password: str) -> User | None:
        """The user when ``password`` is right and the account usable, else ``None``.

        Unknown users cost one hash verification too, so response time does not reveal
        which user names exist. Disabled accounts, and demo accounts when ``allow_demo``
        is off, are refused. An outdated hash is upgraded in place.
        """
        user = self.get(username)
        if user is None:
            self._burn(password)
            return None
        try:
            self.hasher.verify(user.password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        if user.disabled or (user.demo and not self.allow_demo):
            return None
        if self.hasher.check_needs_rehash(user.password_hash):
            with contextlib.suppress(OSError, KeyError):
                user = self._update(user.username, password_hash=self.hasher.hash(password))
        return user

    def _burn(self, password: str) -> None:
        if self._dummy_hash is None:
            self._dummy_hash = self.hasher.hash("wijkbeeld-timing-dummy")
        with contextlib.suppress(VerificationError, InvalidHashError):
            self.hasher.verify(self._dummy_hash, password)


def check_password_strength(password: str, username: str = "") -> None:
    """``ValueError`` (Dutch) for a password that is too short or equals the user name."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"Wachtwoord moet minstens {MIN_PASSWORD_LENGTH} tekens lang zijn")
    if username and password.strip().lower() == username:
        raise ValueError("Wachtwoord mag niet gelijk zijn aan de gebruikersnaam")


def _check_scope(zone: Mapping, wijk_code: str | None, nis_code: str | None) -> None:
    wijken = {str(w["code"]) for w in zone.get("wijken", [])}
    nis = {str(m["nis_code"]) for m in zone.get("municipalities", [])}
    if wijk_code is not None and wijk_code not in wijken:
        raise ValueError(
            f"Wijk {wijk_code!r} bestaat niet in de zone ({', '.join(sorted(wijken))})"
        )
    if nis_code is not None and nis_code not in nis:
        raise ValueError(f"NIS-code {nis_code!r} hoort niet bij de zone ({', '.join(sorted(nis))})")


def demo_enabled() -> bool:
    """Whether the demo flag is set: ``WIJKBEELD_DEMO=1`` or ``[auth] demo = true`` in zone.toml."""
    env = os.environ.get("WIJKBEELD_DEMO", "").strip().lower()
    if env:
        return env in ("1", "true", "yes", "ja")
    try:
        from etl.config import load_zone

        return bool(load_zone().get("auth", {}).get("demo", False))
    except (OSError, ValueError):  # no zone file, or one that is no TOML
        return False


def demo_accounts(zone: Mapping) -> list[dict]:
    """The demo accounts for ``zone``: one per role, scoped to its first wijk/municipality."""
    wijken = zone.get("wijken", [])
    municipalities = zone.get("municipalities", [])
    accounts = [
        {"username": "demo", "role": Role.COORDINATOR, "display_name": "Demo wijkcoördinator"},
        {"username": "beleidscel", "role": Role.BELEIDSCEL, "display_name": "Demo beleidscel"},
    ]
    if wijken:
        code = str(wijken[0]["code"])
        accounts.insert(
            1,
            {
                "username": f"inspecteur-{code.lower()}",
                "role": Role.INSPECTOR,
                "wijk_code": code,
                "display_name": f"Demo wijkinspecteur {code}",
            },
        )
    if municipalities:
        nis = str(municipalities[0]["nis_code"])
        accounts.append(
            {
                "username": f"bestuur-{nis}",
                "role": Role.BESTUUR,
                "nis_code": nis,
                "display_name": f"Demo bestuur {municipalities[0].get('name', nis)}",
            }
        )
    return accounts


def ensure_demo_users(
    path: Path | str | None = None,
    enabled: bool | None = None,
    zone: Mapping | None = None,
    hasher: PasswordHasher | None = None,
) -> list[User]:
    """Create the demo accounts (password :data:`DEMO_PASSWORD`) if there is no user file yet.

    Parameters
    ----------
    path : Path, optional
        User file; defaults to :func:`default_users_path`.
    enabled : bool, optional
        The demo flag; defaults to :func:`demo_enabled`. Nothing happens when it is off.
    zone : mapping, optional
        Zone configuration; defaults to ``etl.config.load_zone()``.

    Returns
    -------
    list of User
        The accounts created; empty when the flag is off or the file already exists
        (an existing file is never touched, so real users are never mixed with demo ones).
    """
    store = UserStore(path, hasher=hasher, allow_demo=True)
    if not (demo_enabled() if enabled is None else enabled) or store.path.exists():
        return []
    if zone is None:
        from etl.config import load_zone

        zone = load_zone()
    created = []
    for account in demo_accounts(zone):
        try:
            created.append(store.add_user(password=DEMO_PASSWORD, demo=True, **account))
        except ValueError:
            # Another session created it a moment ago (two first visitors at once).
            if store.get(account["username"]) is None:
                raise
    return created
