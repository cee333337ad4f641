"""Streamlit glue: the sign-in gate, page filtering and audit helpers for ``app.py``.

Everything that decides lives in the pure modules; this file only draws and remembers.
Typical ``app.py``::

    from dashboard.auth import gate

    principal = gate.require_login()          # draws the sign-in form and st.stop()s until done
    pages = gate.filter_pages(PAGES, principal)
    gate.sidebar_user(principal)              # name, role, "Afmelden"
    page = st.navigation(pages)
    page.run()

and in a page::

    principal = gate.current_principal()
    gate.log_page_view("traffic", {"periode": period, "wijken": wijken})
    df = apply_record_policy(df, principal, gate.pseudonym_key())
    gate.log_export("traffic", {"formaat": "xlsx", "rijen": len(df)})
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import NoReturn
from urllib.parse import unquote, urlsplit

import streamlit as st

from dashboard.auth.oidc import RoleMapping, anonymous_principal, auth_mode, map_oidc_user
from dashboard.auth.roles import Principal, allowed_pages, current_classes, load_pseudonym_key
from dashboard.auth.sessions import RESUME_IDLE_S, SESSION_MAX_AGE_S, SessionStore, cookie_name
from dashboard.auth.throttle import LoginThrottle
from dashboard.auth.users import (
    AccountFileError,
    User,
    UserStore,
    demo_enabled,
    ensure_demo_users,
)
from etl.audit import AuditLog

_PRINCIPAL = "wijkbeeld_principal"
_SIGNED_IN_AT = "wijkbeeld_signed_in_at"
_LAST_VIEW = "wijkbeeld_last_page_view"
_CURRENT_PAGE = "wijkbeeld_current_page"
# The session's token (dashboard.auth.sessions), and the cookie the browser is told to
# keep or to drop.
_TOKEN = "wijkbeeld_session_token"
_COOKIE_SET = "wijkbeeld_cookie_to_set"
_COOKIE_CLEAR = "wijkbeeld_cookie_to_clear"
_TOUCHED_AT = "wijkbeeld_session_touched_at"
#: An open session notes its activity in the session file at most this often.
_TOUCH_EVERY_S = 60


@st.cache_resource(show_spinner=False)
def _pseudonym_key_at(path: str) -> bytes:
    return load_pseudonym_key(Path(path))


def pseudonym_key() -> bytes:
    """The zone's pseudonymisation key (created on first use).

    Cached per key file, so moving ``WIJKBEELD_STATE`` (tests, a second zone) never hands
    out the key of another state folder.
    """
    from etl.config import state_dir

    return _pseudonym_key_at(str(state_dir() / "pseudonym.key"))


def audit_log() -> AuditLog:
    """The audit store (``state_dir()/audit.duckdb``)."""
    return AuditLog()


def client_address() -> str | None:
    """The browser's address as Streamlit sees it (a reverse proxy's own address behind one,
    unless it sends ``X-Forwarded-For``).

    ``st.context.ip_address`` is ``None`` for a connection from the machine itself
    (127.0.0.1, ::1): an install reached on localhost, or behind a proxy on the same host,
    logged every sign-in without an address and had no limit per address at all (an
    audit). The connection's own address is read where Streamlit keeps it; ``None`` only
    outside a server (AppTest)."""
    try:
        from streamlit.runtime.context import _get_client_context

        context = _get_client_context()
        remote = getattr(context, "remote_ip", None) if context is not None else None
        if isinstance(remote, str) and remote:
            return remote
    except Exception:  # noqa: BLE001 - a private helper of Streamlit: fall back to the API
        pass
    try:
        address = st.context.ip_address
    except Exception:  # noqa: BLE001 - absent outside a server (AppTest)
        return None
    return address if isinstance(address, str) else None


def current_principal() -> Principal | None:
    """The signed-in principal of this session, or ``None``.

    A session signed in with a token (a local account: the form, or the browser's cookie)
    ends when the token does: "Afmelden" in another tab of that browser, or an account
    disabled, removed or given a new password since (``python -m dashboard.auth``).
    """
    principal = st.session_state.get(_PRINCIPAL)
    signed_in_at = st.session_state.get(_SIGNED_IN_AT, 0.0)
    if principal is not None and time.time() - signed_in_at > SESSION_MAX_AGE_S:
        st.session_state.pop(_PRINCIPAL, None)
        return None
    token = st.session_state.get(_TOKEN)
    if principal is not None and token is not None:
        store = SessionStore()
        if store.lookup(token) is None:
            for key in (_PRINCIPAL, _SIGNED_IN_AT, _TOKEN, _COOKIE_SET, _TOUCHED_AT):
                st.session_state.pop(key, None)
            return None
        now = time.time()
        if now - st.session_state.get(_TOUCHED_AT, 0.0) >= _TOUCH_EVERY_S:
            store.touch(token)
            st.session_state[_TOUCHED_AT] = now
    if principal is not None:
        fresh = current_classes(principal)
        if fresh is not principal:
            st.session_state[_PRINCIPAL] = principal = fresh
    return principal


def _sign_in(principal: Principal, method: str, at: float | None = None) -> None:
    st.session_state[_PRINCIPAL] = principal
    st.session_state[_SIGNED_IN_AT] = time.time() if at is None else at
    audit_log().record(
        "aanmelding",
        principal.username,
        detail={"methode": method, "rol": principal.role.value, "client": client_address()},
    )


def require_login(zone: Mapping | None = None, url_paths: Iterable[str] = ()) -> Principal:
    """Return the signed-in principal, or draw the sign-in screen and stop the script.

    Call first thing in ``app.py``, before ``st.navigation`` and before anything shows data.

    Parameters
    ----------
    url_paths : iterable of str
        The app's page addresses (``exploration``, ...). A link to one of them opened before
        sign-in shows the sign-in form at that address, so the page opens with the link's
        filters once signed in (see :func:`_hide_navigation`).
    """
    if zone is None:
        from etl.config import load_zone

        try:
            zone = load_zone()
        except (OSError, ValueError) as exc:
            # A zone.toml edited by hand with a typo, or gone: say which file and line, in
            # Dutch, and open nothing (the sign-in mode is read from it).
            _refuse(
                f"{exc}. Wijkbeeld opent niet tot het bestand hersteld is "
                "(README, 'Loading your own exports'; het voorbeeld van de demozone staat in data/zone.toml).",
                url_paths,
            )
    try:
        secrets = st.secrets.to_dict() if st.secrets.load_if_toml_exists() else None
    except Exception:  # noqa: BLE001 - a broken secrets.toml must not open the app
        secrets = None
    try:
        mode = auth_mode(zone, secrets)
    except ValueError as exc:
        # A configuration mistake stops the app with a message, never opens it.
        _refuse(str(exc), url_paths)
    principal = current_principal()
    if principal is not None:
        return principal
    try:
        if mode == "local" and (principal := _resume_session()) is not None:
            return principal
        if mode == "none":
            principal = anonymous_principal()
            _sign_in(principal, "none")
            return principal
        if mode == "oidc":
            return _oidc_gate(url_paths)
        return _local_gate(url_paths)
    except AccountFileError as exc:
        # users.toml or oidc_roles.toml edited by hand with a mistake: say which file, entry
        # or line, in Dutch, and let nobody in (not Streamlit's English error page).
        _refuse(
            f"{exc}. Niemand kan zich aanmelden tot het bestand hersteld is "
            "(docs/SECURITY.md, 'Sign-in modes').",
            url_paths,
        )


#: The sign-in form's own address (a link may name it; the form shows at every address).
SIGN_IN_ADDRESS = "aanmelden"
#: The end of the pathname of a page served at the root. Streamlit answers a default page's
#: own pathname with its English "Page not found" over the page, so it is one nobody types,
#: and the page's usual name leads to it (route_pages).
DEFAULT_SUFFIX = "-standaardpagina"


def _demo_hint() -> str:
    """The demo accounts, for the sign-in screen (their password is published anyway)."""
    from dashboard.auth.users import DEMO_PASSWORD, demo_accounts
    from etl.config import load_zone

    try:
        accounts = demo_accounts(load_zone())
    except FileNotFoundError:
        return "Demo: zie README voor de demo-accounts."
    names = ", ".join(f"`{a['username']}` ({a['role'].label.lower()})" for a in accounts)
    return f"Demo-accounts: {names}; wachtwoord `{DEMO_PASSWORD}`."


def _signin_page() -> None:
    """The only "page" routed before sign-in; the form itself is drawn by the gate."""


def _refuse(message: str, url_paths: Iterable[str]) -> NoReturn:
    """Stop on a configuration mistake: the message only. Without a navigation Streamlit
    listed the page files in the sidebar ("app", "audit", "briefing" ...)."""
    _hide_navigation(url_paths)
    st.error(message)
    st.stop()


def _hide_navigation(url_paths: Iterable[str] = ()) -> None:
    """Route nothing but hidden sign-in placeholders until sign-in.

    The navigation (and any list of page files Streamlit may have shown) stays empty, and a
    deep link opens nothing of its page. Each of the app's page addresses gets a placeholder
    of its own: a shared link (``/exploration?gegevens=nuisance``) keeps its address and
    filters while the form is shown, and the router opens that page once signed in (a page
    is known by its address). Without them Streamlit said "Page not found" in English and
    moved the link to the first page.
    """
    # The default page's own pathname gets Streamlit's English "Page not found" (it serves
    # that page at the root only): "/aanmelden" showed it over the form (an audit). So the
    # default has a name nobody types, and "aanmelden" is a placeholder like the others
    # (after sign-in it leads to the role's first page, route_pages).
    pages = [
        st.Page(
            _signin_page,
            title="Aanmelden",
            url_path=SIGN_IN_ADDRESS + DEFAULT_SUFFIX,
            default=True,
        )
    ]
    pages += [
        st.Page(_signin_page, title="Aanmelden", url_path=path)
        for path in dict.fromkeys([SIGN_IN_ADDRESS, *url_paths])
        if path != SIGN_IN_ADDRESS + DEFAULT_SUFFIX
    ]
    st.navigation(pages, position="hidden")


def _browser_cookie() -> str | None:
    """The session token the browser sent with this session's first request, if any."""
    try:
        value = st.context.cookies.get(cookie_name())
    except Exception:  # noqa: BLE001 - absent outside a server (AppTest)
        return None
    return value if isinstance(value, str) else None


def _usable_since(user: User | None, signed_in_at: float, demo: bool) -> bool:
    """Whether ``user`` may still use a sign-in of ``signed_in_at``: it exists, is not
    disabled (nor a demo account without the demo flag), and its password is not newer."""
    if user is None or user.disabled or (user.demo and not demo):
        return False
    try:
        changed = datetime.fromisoformat(user.password_changed_at).timestamp()
    except ValueError:
        return True  # a user file without the date (written by hand)
    return changed <= signed_in_at


def _resume_session() -> Principal | None:
    """Sign this session in from the browser's session cookie (a reload, a new tab), or
    ``None`` when it has none the server still honours."""
    token = _browser_cookie()
    store = SessionStore()
    record = store.lookup(token) if token else None
    # Not after half an hour without a session of it (a shared workstation's closed tab).
    if record is None or time.time() - record.last_seen > RESUME_IDLE_S:
        return None
    demo = demo_enabled()
    user = UserStore(allow_demo=demo).get(record.username)
    if not _usable_since(user, record.signed_in_at, demo):
        store.revoke(token)
        return None
    st.session_state[_PRINCIPAL] = user.principal
    # The 12 hours count from the sign-in with the form, not from the reload.
    st.session_state[_SIGNED_IN_AT] = record.signed_in_at
    st.session_state[_TOKEN] = token
    store.touch(token)
    st.session_state[_TOUCHED_AT] = time.time()
    audit_log().record(
        "aanmelding",
        user.username,
        detail={"methode": "sessiecookie", "rol": user.role.value, "client": client_address()},
    )
    return user.principal


def _cookie_script(token: str | None, expires_at: float) -> None:
    """Tell the browser to keep ``token`` in the session cookie until ``expires_at`` (epoch
    seconds), or with ``token=None`` to drop it. SameSite=Strict: no other site's page
    sends it along; Secure when the app is served over HTTPS."""
    value = json.dumps(token or "")
    expires = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(expires_at))
    st.html(
        # The element takes no room (an empty element still added a gap to the sidebar).
        "<style>[data-testid='stElementContainer']:has(script[data-wijkbeeld-cookie])"
        "{display: none}</style>"
        "<script data-wijkbeeld-cookie>document.cookie = "
        f"{json.dumps(cookie_name() + '=')} + encodeURIComponent({value}) + "
        f"{json.dumps(f'; Path=/; Expires={expires}; SameSite=Strict')} + "
        "(location.protocol === 'https:' ? '; Secure' : '');</script>",
        unsafe_allow_javascript=True,
    )


#: Served without the demo flag (`make serve`, a zone's own data) and nobody who can sign in
#: yet: the form alone gave no clue how to get in.
NO_USERS_HINT = (
    "Er is nog geen gebruiker die zich hier kan aanmelden (demo-accounts werken enkel in de "
    "demo). Maak de eerste aan vanuit de map van het project, bv. "
    '`python -m dashboard.auth add-user an.peeters --role coordinator --name "An Peeters"`, '
    "en meld je dan aan; zie docs/SECURITY.md. De demo met haar accounts: `make demo`."
)


def _local_gate(url_paths: Iterable[str] = ()) -> Principal:
    _hide_navigation(url_paths)
    if st.session_state.pop(_COOKIE_CLEAR, False):
        _cookie_script(None, 0)
    demo = demo_enabled()
    ensure_demo_users(enabled=demo)
    # Read before the form is drawn: a user file with a mistake stops here with its message
    # (require_login), not under a form nobody can use.
    users = UserStore(allow_demo=demo).users()
    # A narrow column: a full-width form on a wide layout looks like a broken page.
    form_column = st.columns([2, 3, 2])[1]
    with form_column:
        st.title("Wijkbeeld")
        st.subheader("Aanmelden")
        with st.form("wijkbeeld_login", clear_on_submit=True):
            username = st.text_input("Gebruikersnaam", autocomplete="username")
            password = st.text_input("Wachtwoord", type="password", autocomplete="current-password")
            submitted = st.form_submit_button("Aanmelden", type="primary")
        if demo:
            st.info(_demo_hint(), icon=":material/info:")
        elif not any(not u.disabled and not u.demo for u in users):
            st.info(NO_USERS_HINT, icon=":material/person_add:")
    if submitted and username:
        throttle = LoginThrottle()
        client = client_address()
        decision = throttle.check(username, client)
        if not decision.allowed:
            # Refused unread, locked or within the short wait after a failure: logged too
            # (seven attempts during a lock, one with the right password, left no trace;
            # an audit, fifty-eighth session).
            audit_log().record(
                "aanmelding_mislukt",
                username.strip().lower()[:64],
                detail={
                    "client": client,
                    "geblokkeerd": decision.locked,
                    "reden": "vergrendeld" if decision.locked else "wachttijd",
                },
            )
            form_column.error(decision.message)
            st.stop()
        user = UserStore(allow_demo=demo).verify(username, password)
        if user is None:
            after = throttle.register_failure(username, client)
            audit_log().record(
                "aanmelding_mislukt",
                username.strip().lower()[:64],
                detail={"client": client, "geblokkeerd": after.locked},
            )
            form_column.error(
                after.message if after.locked else "Gebruikersnaam of wachtwoord onjuist."
            )
            st.stop()
        throttle.register_success(username, client)
        # The browser keeps the session's token, so a reload or a link opened in a new tab
        # stays signed in (dashboard.auth.sessions); the cookie is written by sidebar_user.
        now = time.time()
        token = SessionStore().issue(user.username, now)
        st.session_state[_TOKEN] = st.session_state[_COOKIE_SET] = token
        st.session_state[_TOUCHED_AT] = now
        _sign_in(user.principal, "lokaal", now)
        st.rerun()
    st.stop()
    raise AssertionError("unreachable")  # pragma: no cover


def _oidc_gate(url_paths: Iterable[str] = ()) -> Principal:
    import importlib.util

    if importlib.util.find_spec("authlib") is None:
        # st.login needs Authlib; without it, fail closed with a message an admin can act on.
        st.error("Aanmeldmodus 'oidc' vraagt het pakket Authlib (pip install 'Authlib>=1.3.2').")
        st.stop()
    if not st.user.is_logged_in:
        _hide_navigation(url_paths)
        st.title("Wijkbeeld")
        st.button("Aanmelden", type="primary", on_click=st.login)
        st.stop()
    claims = st.user.to_dict()
    principal = map_oidc_user(claims, RoleMapping.load())
    if principal is None:
        audit_log().record(
            "aanmelding_mislukt",
            str(claims.get("email") or "")[:128],
            detail={"methode": "oidc", "reden": "geen rol", "client": client_address()},
        )
        st.error(
            "Je account heeft geen toegang tot Wijkbeeld; vraag de wijkcoördinator om een rol."
        )
        st.button("Afmelden", on_click=st.logout)
        st.stop()
    _sign_in(principal, "oidc")
    return principal


def sign_out() -> None:
    """Log the sign-out, forget the session's principal and, in OIDC mode, end the login."""
    principal = current_principal()
    if principal is not None:
        audit_log().record("afmelding", principal.username)
    # The token signs no one in any more (also not another tab of this browser), and the
    # sign-in form tells the browser to drop the cookie.
    token = st.session_state.get(_TOKEN)
    if token is not None:
        SessionStore().revoke(token)
        st.session_state[_COOKIE_CLEAR] = True
    for key in (
        _PRINCIPAL, _SIGNED_IN_AT, _LAST_VIEW, _CURRENT_PAGE, _TOKEN, _COOKIE_SET, _TOUCHED_AT,
    ):  # fmt: skip
        st.session_state.pop(key, None)
    try:
        if st.user.is_logged_in:
            st.logout()
    except Exception:  # noqa: BLE001 - local mode: no OIDC session
        pass


def sidebar_user(principal: Principal) -> None:
    """Who is signed in, and an "Afmelden" button, in the sidebar."""
    with st.sidebar:
        st.caption(f"Aangemeld als {principal.label}")
        st.button("Afmelden", on_click=sign_out, key="wijkbeeld_logout")
        # After a sign-in with the form: the browser keeps the token until the session
        # would end anyway. Drawn on every run, unchanged, so the script runs once.
        token = st.session_state.get(_COOKIE_SET)
        if token is not None:
            _cookie_script(token, st.session_state.get(_SIGNED_IN_AT, 0.0) + SESSION_MAX_AGE_S)


def page_stem(page) -> str:
    """File stem of an ``st.Page`` (``"traffic"`` for ``views/traffic.py``)."""
    source = getattr(page, "_page", None)
    if isinstance(source, Path | str):
        return Path(source).stem
    return str(page.url_path)


def page_addresses(page) -> list[str]:
    """Every address of an ``st.Page``: its file stem and, when it has a name of its own
    (the Briefing is served at the root and has another), that name too.

    Known by its stem only, the Briefing's own name was taken for an unknown address: its
    "Pagina niet gevonden" page claimed that name and Streamlit stopped the app with an
    English error for every role with the Briefing (an audit at ``/overzicht``)."""
    stem = page_stem(page)
    own = getattr(page, "_url_path", None)
    return [stem] if not own or own == stem else [stem, str(own)]


def app_addresses(pages: Mapping[str, list]) -> list[str]:
    """The addresses of all ``pages`` (``{section: [pages]}``), each once."""
    return list(dict.fromkeys(a for ps in pages.values() for p in ps for a in page_addresses(p)))


def _no_access_page(home) -> Callable[[], None]:
    """What the address of a page the signed-in role may not open shows: a Dutch line and
    a link to ``home``, the role's first page (a role with one page has no menu)."""

    def page() -> None:
        st.title("Geen toegang")
        st.warning("Je hebt geen toegang tot deze pagina.", icon=":material/block:")
        st.page_link(home, label=f"Naar {home.title}", icon=":material/arrow_forward:")

    return page


def _redirect_page(target) -> Callable[[], None]:
    """A hidden page that opens ``target`` with the address's filters."""

    def page() -> None:
        st.switch_page(target, query_params=st.query_params.to_dict())

    page.__name__ = f"naar_{page_stem(target)}"
    return page


def _not_found_page(home) -> Callable[[], None]:
    """What an address that is no page of the app shows: a Dutch line and a link to
    ``home``, the role's first page."""

    def page() -> None:
        st.title("Pagina niet gevonden")
        st.warning(
            "Deze pagina bestaat niet (meer): controleer de link of kies een pagina in het menu.",
            icon=":material/link_off:",
        )
        st.page_link(home, label=f"Naar {home.title}", icon=":material/arrow_forward:")

    return page


def unknown_address(known: Iterable[str]) -> str | None:
    """The page address the browser asked for when it is none of ``known`` (a mistyped or
    outdated link): :func:`route_pages` answers it in Dutch, where Streamlit showed its
    English "Page not found" over the first page. ``None`` for a page of the app, the
    app's root, a nested path, or outside a browser session (tests)."""
    try:
        url = st.context.url
    except Exception:  # no browser session (bare mode)
        url = None
    return address_outside(url, str(st.get_option("server.baseUrlPath") or ""), set(known))


def address_outside(url: str | None, base: str, known: set[str]) -> str | None:
    """:func:`unknown_address` for ``url`` under the server's ``base`` path."""
    if not url:
        return None
    path, base = unquote(urlsplit(url).path).strip("/"), base.strip("/")
    if base:
        if not path.startswith(base + "/"):
            return None
        path = path[len(base) + 1 :]
    if (
        not path
        or "/" in path
        or path in known
        or path == SIGN_IN_ADDRESS
        or path.endswith(DEFAULT_SUFFIX)
    ):
        return None
    return path


def route_pages(
    pages: Mapping[str, list], principal: Principal, unknown: str | None = None
) -> dict[str, list]:
    """The sections and pages to route for ``principal``.

    The pages the role may open (:func:`filter_pages`), and at the address of each other
    page a hidden page that only says it is not accessible: a link to it (shared by a
    colleague with another role) is answered in Dutch, not with Streamlit's English "Page
    not found"; the page itself is not routed. At ``unknown``, an address that is no page
    at all (:func:`unknown_address`), a hidden page says that.
    """
    routed = filter_pages(pages, principal)
    if not routed:
        return routed
    # A role without the app's default page (bestuur: Rapporten only) has its first page
    # served at the root: its own name ("/reports") got Streamlit's English "Page not
    # found" (a review). It becomes the default under a name nobody types; its usual name
    # leads to it below, as "/briefing" does.
    if not any(getattr(p, "_default", False) for ps in routed.values() for p in ps):
        section = next(iter(routed))
        head, *rest = routed[section]
        routed[section] = [
            st.Page(
                head._page,
                title=head.title,
                icon=head.icon or None,
                url_path=page_stem(head) + DEFAULT_SUFFIX,
                default=True,
            ),
            *rest,
        ]
    allowed = allowed_pages(principal)
    first = next(iter(routed))
    refused = [
        st.Page(
            _no_access_page(routed[first][0]),
            title="Geen toegang",
            url_path=address,
            visibility="hidden",
        )
        for section in pages.values()
        for p in section
        if page_stem(p) not in allowed
        for address in page_addresses(p)
    ]
    # The default page is served at the app's root; its own name ("/briefing", as every
    # other page has "/<name>") showed Streamlit's English "Page not found" (a review of
    # the pages as a user sees them). That address leads to it, filters kept.
    for p in (p for section in routed.values() for p in section):
        if getattr(p, "_default", False) and getattr(p, "_url_path", None) != page_stem(p):
            refused.append(
                st.Page(
                    _redirect_page(p),
                    title=p.title,
                    url_path=page_stem(p),
                    visibility="hidden",
                )
            )
    # Signed in at "/aanmelden": the role's first page, filters kept.
    refused.append(
        st.Page(
            _redirect_page(routed[first][0]),
            title=routed[first][0].title,
            url_path=SIGN_IN_ADDRESS,
            visibility="hidden",
        )
    )
    if unknown:
        home = routed[first][0]
        refused.append(
            st.Page(
                _not_found_page(home),
                title="Pagina niet gevonden",
                url_path=unknown,
                visibility="hidden",
            )
        )
    routed[first] = [*routed[first], *refused]
    return routed


def filter_pages(pages, principal: Principal):
    """Keep only the pages the principal may open (a list, or ``{section: [pages]}``)."""
    allowed = allowed_pages(principal)
    if isinstance(pages, Mapping):
        kept = {s: [p for p in ps if page_stem(p) in allowed] for s, ps in pages.items()}
        return {s: ps for s, ps in kept.items() if ps}
    return [p for p in pages if page_stem(p) in allowed]


def require_page(page: str) -> Principal:
    """In a page: stop with a message unless the principal may open ``page``.

    Call first thing in a page.
    """
    principal = current_principal()
    if principal is None or page not in allowed_pages(principal):
        st.error("Je hebt geen toegang tot deze pagina.")
        st.stop()
    return principal


def log_page_view(page: str, filters: Mapping | None = None) -> None:
    """Audit a page view with its filters, once per change (not on every rerun)."""
    principal = current_principal()
    if principal is None or page not in allowed_pages(principal):
        return  # not a view: the address of a page the role may not open
    key = json.dumps([page, filters or {}], sort_keys=True, default=str)
    if st.session_state.get(_LAST_VIEW) == key:
        return
    st.session_state[_LAST_VIEW] = key
    audit_log().record(
        "pagina", principal.username, page=page, detail={"filters": dict(filters or {})}
    )


def log_export(page: str, detail: Mapping) -> None:
    """Audit an export (format, rows, filters). Call from the download button's ``on_click``."""
    principal = current_principal()
    audit_log().record(
        "export", principal.username if principal else None, page=page, detail=dict(detail)
    )


def log_change(page: str | None, what: str, detail: Mapping | None = None) -> bool:
    """Audit a change made through Wijkbeeld (an upload, a review decision, an approach ...).

    Call after the change succeeded. Its own store keeps the change's content (the file,
    the remark, the approach's text); the log keeps who changed what and when, in the one
    chronological place the coordinator reads. A log that cannot be written (a locked file)
    must not undo a change already made: the failure goes to the server log and ``False``
    is returned.

    Parameters
    ----------
    page : str or None
        Page stem the change was made on.
    what : str
        One of :data:`etl.audit.CHANGES` (``"upload"``, ``"beoordeling"``, ...).
    detail : mapping, optional
        What identifies the change (file, task, address, decision); no free text.
    """
    principal = current_principal()
    try:
        audit_log().record_change(
            what, principal.username if principal else None, page=page, detail=detail
        )
    except ValueError:
        raise  # an unknown change is a programming error, not a locked file
    except Exception:  # noqa: BLE001
        logging.getLogger(__name__).exception("Wijziging %s niet in het auditlog geschreven", what)
        return False
    return True


def audit_anchor() -> tuple[int, str] | None:
    """The audit log's newest event and hash, for the coordinator only (the one role that
    reads the log and can check a noted hash against it), else ``None``.

    Printed on the coordinator's briefing pack: kept outside Wijkbeeld every week, the packs
    anchor the log's hash chain (:meth:`etl.audit.AuditLog.anchor_status`).
    """
    principal = current_principal()
    if principal is None or "audit" not in allowed_pages(principal):
        return None
    return audit_log().head()


def log_sql(sql: str, rows: int | None, truncated: bool = False, error: str | None = None) -> None:
    """Audit a console query, refused and failed ones included."""
    principal = current_principal()
    audit_log().record(
        "sql",
        principal.username if principal else None,
        page="sql",
        detail={"sql": sql, "rijen": rows, "afgekapt": truncated, "fout": error},
    )


def set_current_page(page: str) -> None:
    """Remember which page this run draws (``app.py``, right after ``st.navigation``)."""
    st.session_state[_CURRENT_PAGE] = page


def current_page() -> str | None:
    """The page stem ``app.py`` is drawing (``None`` outside the router)."""
    return st.session_state.get(_CURRENT_PAGE)


def url_filters() -> dict[str, list[str] | str]:
    """The filters in the URL (``periode``, ``wijk``, ...): every page keeps its choices there."""
    out: dict[str, list[str] | str] = {}
    for key in st.query_params:
        values = st.query_params.get_all(key)
        out[key] = values[0] if len(values) == 1 else list(values)
    return out


def export_logger(detail: Mapping, page: str | None = None):
    """An ``on_click`` callback for ``st.download_button`` that audits the export.

    Parameters
    ----------
    detail : mapping
        File name, format, rows, ...; the URL filters of the moment are added.
    page : str, optional
        Page stem; defaults to :func:`current_page` at the time of the click.

    Returns
    -------
    callable
        Streamlit calls it when the file is downloaded.
    """
    fixed = dict(detail)

    def _log() -> None:
        # Never let a full disk or a locked audit file break the download itself.
        try:
            log_export(page or current_page() or "?", {**fixed, "filters": url_filters()})
        except Exception:  # noqa: BLE001 - the server log keeps the trace for the admin
            logging.getLogger(__name__).exception("Export niet in het auditlog geschreven")

    return _log
