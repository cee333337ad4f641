"""Roles, principals and the data policy each role gets.

Four roles (see ``docs/SECURITY.md``):

============  ===========================================================================
coordinator   everything, including the audit log and the SQL console
inspector     record-level data of the own wijk; aggregates for the rest of the zone
beleidscel    everything, pseudonymised: no names, identifiers replaced by stable pseudonyms
bestuur       aggregates of the own municipality only (small counts suppressed elsewhere)
============  ===========================================================================

Every function here is pure (no Streamlit, no DuckDB), so pages and tests share one policy.
Pages ask :func:`allowed_pages` which pages to route, :func:`can_see_records` /
:func:`record_wijken` what to query, and pass every record-level frame through
:func:`apply_record_policy` before it is drawn or exported.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import os
import secrets as _secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd


class Role(enum.StrEnum):
    """The four roles; the value is what user files and role mappings store."""

    COORDINATOR = "coordinator"
    INSPECTOR = "inspector"
    BELEIDSCEL = "beleidscel"
    BESTUUR = "bestuur"

    @property
    def label(self) -> str:
        """Dutch label for the interface."""
        return ROLE_LABELS[self]

    @classmethod
    def parse(cls, value: str | Role) -> Role:
        """Role from its value (case-insensitive); ``ValueError`` with a Dutch message."""
        if isinstance(value, Role):
            return value
        try:
            return cls(str(value).strip().lower())
        except ValueError:
            allowed = ", ".join(r.value for r in cls)
            raise ValueError(f"Onbekende rol {value!r}; kies uit {allowed}") from None


ROLE_LABELS: dict[Role, str] = {
    Role.COORDINATOR: "Wijkcoördinator",
    Role.INSPECTOR: "Wijkinspecteur",
    Role.BELEIDSCEL: "Beleidscel",
    Role.BESTUUR: "Lokaal bestuur",
}

#: Every page file stem the dashboard knows; a page not listed here is shown to nobody.
ALL_PAGES: frozenset[str] = frozenset(
    {
        "briefing",
        "sources",
        "traffic",
        "workload",
        "reports",
        "exploration",
        "data",
        "audit",
        "sql",
        "dictionary",
    }
)

#: Which pages each role may open. Why these:
#: - ``audit``: coordinator only (it shows who looked at what).
#: - ``sql``: the coordinator over every mart; the beleidscel too, but its queries may read
#:   only the aggregate marts (:func:`console_tables`): over a record mart a column alias
#:   (``SELECT pv_number AS x``) would defeat any pseudonymisation of the result.
#: - ``data``: coordinator only; rejects are raw rows as received (PV numbers, free text).
#: - ``dictionary``: every internal role (it describes columns, it holds no data).
#: - ``reports``: what goes to the local administration; not for inspectors.
#: - bestuur: only the aggregated, suppressed municipality report.
PAGE_ACCESS: dict[Role, frozenset[str]] = {
    Role.COORDINATOR: ALL_PAGES,
    Role.INSPECTOR: frozenset(
        {"briefing", "sources", "traffic", "workload", "exploration", "dictionary"}
    ),
    Role.BELEIDSCEL: frozenset(
        {
            "briefing",
            "sources",
            "traffic",
            "workload",
            "reports",
            "exploration",
            "sql",
            "dictionary",
        }
    ),
    Role.BESTUUR: frozenset({"reports"}),
}


@dataclass(frozen=True)
class Principal:
    """Who is signed in, as far as the data policy is concerned.

    Parameters
    ----------
    username : str
        Local user name or the OIDC e-mail address.
    role : Role
    wijk_code : str, optional
        Own wijk (required for inspectors).
    nis_code : str, optional
        Own municipality (required for bestuur).
    display_name : str, optional
        Name to greet the user with; never used for decisions.
    """

    username: str
    role: Role
    wijk_code: str | None = None
    nis_code: str | None = None
    display_name: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "role", Role.parse(self.role))
        if self.role == Role.INSPECTOR and not self.wijk_code:
            raise ValueError("Een wijkinspecteur heeft een wijkcode nodig")
        if self.role == Role.BESTUUR and not self.nis_code:
            raise ValueError("Een gebruiker van het lokaal bestuur heeft een NIS-code nodig")

    @property
    def label(self) -> str:
        """``"Naam (rol)"`` for the sidebar."""
        who = self.display_name or self.username
        extra = self.wijk_code if self.role == Role.INSPECTOR else self.nis_code
        suffix = f" {extra}" if extra and self.role in (Role.INSPECTOR, Role.BESTUUR) else ""
        return f"{who} ({self.role.label}{suffix})"


def current_classes(principal) -> Principal:
    """``principal`` as an instance of this module's classes (itself when it already is).

    Streamlit reloads a changed source file for the sessions that stay open: a principal
    stored in such a session holds the *earlier* module's ``Role`` members, so a check
    "role is Role.BESTUUR" saw no bestuur, and the mayor of one municipality was given the
    whole zone. Rebuilt from its values it holds the current classes (the checks compare
    by value as well, and fail closed).
    """
    if type(principal) is Principal and type(principal.role) is Role:
        return principal
    return Principal(
        str(principal.username),
        Role.parse(str(principal.role)),
        principal.wijk_code,
        principal.nis_code,
        principal.display_name,
    )


def allowed_pages(principal: Principal) -> set[str]:
    """Page file stems (``briefing``, ``sql``, ...) the principal may open."""
    return set(PAGE_ACCESS[principal.role])


def console_tables(principal: Principal) -> frozenset[str] | None:
    """Marts the principal's SQL-console queries may read.

    Returns
    -------
    frozenset of str or None
        ``None`` (every mart) for the coordinator; the aggregate marts
        (:data:`dashboard.auth.sqlguard.AGGREGATE_TABLES`) for the beleidscel; an empty set
        (nothing) for everyone else, so a console opened by mistake still reads nothing.
    """
    from dashboard.auth.sqlguard import AGGREGATE_TABLES

    if principal.role == Role.COORDINATOR:
        return None
    if principal.role == Role.BELEIDSCEL:
        return AGGREGATE_TABLES
    return frozenset()


def can_see_records(principal: Principal, wijk_code: str | None) -> bool:
    """Whether record-level rows of ``wijk_code`` may be shown to the principal.

    For beleidscel this is ``True`` *on condition* that the rows go through
    :func:`apply_record_policy` (pseudonymisation). Bestuur never sees records. An
    inspector sees records of the own wijk only (rows without a wijk are not theirs).
    """
    role = principal.role
    if role in (Role.COORDINATOR, Role.BELEIDSCEL):
        return True
    if role == Role.INSPECTOR:
        return wijk_code is not None and str(wijk_code) == principal.wijk_code
    return False


def record_wijken(principal: Principal, zone: Mapping) -> list[str]:
    """Wijk codes whose records the principal may see, for a query's ``WHERE`` clause."""
    codes = [str(w["code"]) for w in zone.get("wijken", [])]
    return [c for c in codes if can_see_records(principal, c)]


def allowed_municipalities(principal: Principal, zone: Mapping) -> list[str]:
    """NIS codes of the municipalities whose aggregates the principal may see.

    Parameters
    ----------
    principal : Principal
    zone : mapping
        The parsed zone configuration (``etl.config.load_zone()``).

    Returns
    -------
    list of str
        In zone order. Bestuur gets its own municipality (or nothing when the code is not
        part of the zone); every other role gets the whole zone.
    """
    codes = [str(m["nis_code"]) for m in zone.get("municipalities", [])]
    # Fail closed: only the roles that see the whole zone get it; any other (bestuur, or a
    # role this code does not recognise) its own municipality at most.
    if principal.role in (Role.COORDINATOR, Role.INSPECTOR, Role.BELEIDSCEL):
        return codes
    return [c for c in codes if c == principal.nis_code]


# --- pseudonymisation ----------------------------------------------------------------------

#: Identifier columns replaced by a keyed pseudonym for beleidscel, with their prefix. The
#: HMAC covers the value only, so an accident_id equal to a pv_number gets the same digits.
PSEUDONYM_COLUMNS: dict[str, str] = {
    "pv_number": "PV",
    "accident_id": "ONG",
    "report_id": "MELD",
    "task_id": "TAAK",
    "reference": "REF",
    "inspector": "INP",
}

#: Columns that may carry citizens' names or free text; beleidscel never receives them.
#: ``name`` itself is not listed: in the marts it names places (wijken, schools).
NAME_COLUMNS: frozenset[str] = frozenset(
    {
        "description",
        "omschrijving",
        "person_name",
        "full_name",
        "first_name",
        "last_name",
        "naam",
        "voornaam",
        "achternaam",
        "suspect",
        "suspect_name",
        "victim_name",
        "complainant",
        "reporter",
        "reporter_name",
        "melder",
        "owner_name",
        "driver_name",
        "comment",
        "remarks",
        "opmerking",
    }
)

PSEUDONYM_LENGTH = 12


def pseudonymise_pv(
    pv_number: object, secret: bytes, prefix: str = "PV", length: int = PSEUDONYM_LENGTH
) -> str | None:
    """Stable keyed pseudonym of an identifier, e.g. ``"PV-3F9A1C2B7D04"``.

    HMAC-SHA256 keyed with the zone's secret (:func:`load_pseudonym_key`): the same PV
    number always gives the same pseudonym (joins and counts still work), while nobody
    without the key can recompute it from a known PV number.

    Parameters
    ----------
    pv_number : object
        Identifier; ``None``/NaN stays ``None``. Surrounding whitespace is ignored.
    secret : bytes
        The key; at least 16 bytes.
    prefix : str
        Prefix before the dash.
    length : int
        Hex digits kept. 12 (48 bits) keeps accidental collisions negligible up to the
        10^7 records of a national picture; 8 would collide within one zone's history.
    """
    if pv_number is None or (not isinstance(pv_number, str) and pd.isna(pv_number)):
        return None
    if len(secret) < 16:
        raise ValueError("Pseudonimiseringssleutel te kort (minstens 16 bytes)")
    digest = hmac.new(secret, str(pv_number).strip().encode("utf-8"), hashlib.sha256)
    return f"{prefix}-{digest.hexdigest()[:length].upper()}"


def load_pseudonym_key(path: Path | None = None) -> bytes:
    """The zone's pseudonymisation key, created once (32 random bytes, mode 0600).

    Parameters
    ----------
    path : Path, optional
        Defaults to ``state_dir()/pseudonym.key``. Losing the file changes every
        pseudonym; leaking it lets anyone with PV numbers link them to pseudonyms.
    """
    if path is None:
        from etl.config import state_dir

        path = state_dir() / "pseudonym.key"
    path = Path(path)
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            # O_EXCL: two processes starting at once must not each write their own key.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(_secrets.token_hex(32) + "\n")
    key = bytes.fromhex(path.read_text().strip())
    if len(key) < 16:
        raise ValueError(f"Pseudonimiseringssleutel in {path} is te kort")
    return key


def pseudonymise_frame(df: pd.DataFrame, secret: bytes) -> pd.DataFrame:
    """Copy of ``df`` with identifier columns pseudonymised and name/free-text columns dropped."""
    out = df.drop(columns=[c for c in df.columns if str(c).lower() in NAME_COLUMNS])
    for col in out.columns:
        prefix = PSEUDONYM_COLUMNS.get(str(col).lower())
        if prefix is not None:
            out[col] = [pseudonymise_pv(v, secret, prefix) for v in out[col]]
    return out


def apply_record_policy(
    df: pd.DataFrame,
    principal: Principal,
    secret: bytes | None,
    wijk_col: str = "wijk_code",
) -> pd.DataFrame:
    """Filter and mask a record-level frame for the principal; call before drawing or export.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per record (PV, accident, report, task).
    principal : Principal
    secret : bytes or None
        Pseudonymisation key; required for beleidscel.
    wijk_col : str
        Column with the record's wijk code.

    Returns
    -------
    pandas.DataFrame
        coordinator: ``df`` unchanged. inspector: only rows of the own wijk (none when
        ``wijk_col`` is missing: fail closed). beleidscel: all rows, identifiers and
        inspector names replaced by pseudonyms, name and free-text columns dropped.
        bestuur: an empty frame (record level is never allowed).
    """
    role = principal.role
    if role == Role.COORDINATOR:
        return df
    if role == Role.INSPECTOR:
        if wijk_col not in df.columns:
            return df.iloc[0:0].copy()
        own = (df[wijk_col].astype("string") == principal.wijk_code).fillna(False).astype(bool)
        return df[own].copy()
    if role == Role.BELEIDSCEL:
        if secret is None:
            raise ValueError("Pseudonimiseringssleutel ontbreekt")
        return pseudonymise_frame(df, secret)
    return pseudonymise_frame(df.iloc[0:0], secret or b"\0" * 16)
