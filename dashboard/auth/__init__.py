"""Sign-in, roles, audit and the SQL console guard (see ``docs/SECURITY.md``).

Pure modules (no Streamlit): :mod:`.roles`, :mod:`.users`, :mod:`.throttle`, :mod:`.oidc`,
:mod:`.sqlguard`. Streamlit glue for ``app.py``: :mod:`.gate`. The audit store lives in
:mod:`etl.audit` because notebooks and the CLI read it too.
"""

from dashboard.auth.roles import (
    Principal,
    Role,
    allowed_municipalities,
    allowed_pages,
    apply_record_policy,
    can_see_records,
    load_pseudonym_key,
    pseudonymise_pv,
    record_wijken,
)

__all__ = [
    "Principal",
    "Role",
    "allowed_municipalities",
    "allowed_pages",
    "apply_record_policy",
    "can_see_records",
    "load_pseudonym_key",
    "pseudonymise_pv",
    "record_wijken",
]
