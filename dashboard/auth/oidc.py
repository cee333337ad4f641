"""Choosing the sign-in mode, and mapping an OIDC identity to a Principal.

Modes (``[auth] mode`` in ``data/zone.toml``, or ``[wijkbeeld] auth_mode`` in
``.streamlit/secrets.toml``, or ``WIJKBEELD_AUTH_MODE``; the first one set wins in the
order environment, secrets, zone):

``local``  the user file with argon2 hashes (:mod:`dashboard.auth.users`); the default
``oidc``   Streamlit's built-in ``st.login`` against the zone's identity provider, configured
           in ``.streamlit/secrets.toml`` (``[auth]`` with ``redirect_uri``,
           ``cookie_secret``, ``client_id``, ``client_secret``,
           ``server_metadata_url``); the role comes from a role-mapping file
``none``   no sign-in, everybody is coordinator: only for development on a laptop; refused
           unless the demo flag is set too

The identity provider proves *who* someone is; *what* they may see is decided here, from
``state_dir()/oidc_roles.toml``::

    [[users]]
    email = "an.peeters@police.belgium.eu"
    role = "inspector"
    wijk_code = "W01"

    [[groups]]                     # optional: a claim value that grants a role
    claim = "groups"
    value = "wijkbeeld-beleidscel"
    role = "beleidscel"

An identity that matches nothing gets no access (``None``), never a default role.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dashboard.auth.roles import Principal, Role
from dashboard.auth.users import entries_from, read_account_toml

#: How a message names the role file of sign-in through the zone's identity provider.
_WHAT = "Rollenbestand (OIDC)"

AUTH_MODES = ("local", "oidc", "none")


def auth_mode(zone: Mapping | None = None, secrets: Mapping | None = None) -> str:
    """The configured sign-in mode (``"local"`` when nothing says otherwise).

    Parameters
    ----------
    zone : mapping, optional
        Parsed zone.toml; its ``[auth] mode``.
    secrets : mapping, optional
        ``st.secrets`` (or a dict); its ``[wijkbeeld] auth_mode``. Streamlit's own
        ``[auth]`` section is left to Streamlit.

    Raises
    ------
    ValueError
        For an unknown mode, or ``none`` without the demo flag: a typo must not open
        the dashboard.
    """
    mode = os.environ.get("WIJKBEELD_AUTH_MODE")
    if not mode and secrets is not None:
        section = secrets.get("wijkbeeld", {}) or {}
        mode = section.get("auth_mode")
    if not mode and zone is not None:
        mode = (zone.get("auth", {}) or {}).get("mode")
    mode = str(mode or "local").strip().lower()
    if mode not in AUTH_MODES:
        raise ValueError(f"Onbekende aanmeldmodus {mode!r}; kies uit {', '.join(AUTH_MODES)}")
    if mode == "none":
        from dashboard.auth.users import demo_enabled

        if not demo_enabled():
            raise ValueError(
                "Aanmeldmodus 'none' kan alleen samen met de demovlag (WIJKBEELD_DEMO=1)"
            )
    return mode


def anonymous_principal() -> Principal:
    """The principal of mode ``none``."""
    return Principal("anoniem", Role.COORDINATOR, display_name="Zonder aanmelding (ontwikkeling)")


@dataclass(frozen=True)
class GroupRule:
    """A claim value that grants a role (``groups`` contains ``wijkbeeld-beleidscel``)."""

    claim: str
    value: str
    role: Role
    wijk_code: str | None = None
    nis_code: str | None = None


@dataclass(frozen=True)
class RoleMapping:
    """Who gets which role; per e-mail address first, then group rules in file order."""

    users: dict[str, dict] = field(default_factory=dict)
    groups: tuple[GroupRule, ...] = ()
    require_verified_email: bool = True

    @classmethod
    def load(cls, path: Path | str | None = None) -> RoleMapping:
        """Read the mapping file (default ``state_dir()/oidc_roles.toml``); empty if absent."""
        if path is None:
            from etl.config import state_dir

            path = state_dir() / "oidc_roles.toml"
        path = Path(path)
        if not path.exists():
            return cls()
        return cls.from_dict(read_account_toml(path, _WHAT), f"{_WHAT} {path}")

    @classmethod
    def from_dict(cls, doc: Mapping, label: str = _WHAT) -> RoleMapping:
        """Build from a parsed TOML document; an :class:`AccountFileError` naming ``label``
        (the file), the entry and what is wrong: a missing field, a bad role or scope."""

        def user(entry: Mapping) -> Principal:
            return Principal(
                str(entry["email"]).strip().lower(),
                Role.parse(entry["role"]),
                entry.get("wijk_code"),
                entry.get("nis_code"),
                entry.get("display_name", ""),
            )

        def group(entry: Mapping) -> GroupRule:
            rule = GroupRule(
                claim=str(entry.get("claim", "groups")),
                value=str(entry["value"]),
                role=Role.parse(entry["role"]),
                wijk_code=entry.get("wijk_code"),
                nis_code=entry.get("nis_code"),
            )
            Principal("check", rule.role, rule.wijk_code, rule.nis_code)
            return rule

        users = {
            p.username: {
                "role": p.role,
                "wijk_code": p.wijk_code,
                "nis_code": p.nis_code,
                "display_name": p.display_name,
            }
            for p in entries_from(doc, "users", user, label, "gebruiker")
        }
        return cls(
            users=users,
            groups=tuple(entries_from(doc, "groups", group, label, "groepsregel")),
            require_verified_email=bool(doc.get("require_verified_email", True)),
        )


def map_oidc_user(claims: Mapping, mapping: RoleMapping) -> Principal | None:
    """Principal for a signed-in OIDC identity, or ``None`` (no access).

    Parameters
    ----------
    claims : mapping
        ``st.user.to_dict()`` (or ``st.user`` itself): ``email``, ``name``,
        ``email_verified``, and any group claims the provider sends.
    mapping : RoleMapping

    Notes
    -----
    An address whose ``email_verified`` claim is false is refused (when the provider sends
    the claim): otherwise anyone who can set an unverified address at the provider could
    take the role mapped to it.
    """
    if claims.get("is_logged_in") is False:
        return None
    email = str(claims.get("email") or "").strip().lower()
    if not email:
        return None
    if mapping.require_verified_email and claims.get("email_verified") is False:
        return None
    display = str(claims.get("name") or "")
    entry = mapping.users.get(email)
    if entry is not None:
        return Principal(
            email,
            entry["role"],
            entry["wijk_code"],
            entry["nis_code"],
            entry["display_name"] or display,
        )
    for rule in mapping.groups:
        value = claims.get(rule.claim)
        values = value if isinstance(value, list | tuple | set) else [value]
        if rule.value in {str(v) for v in values if v is not None}:
            return Principal(email, rule.role, rule.wijk_code, rule.nis_code, display)
    return None
