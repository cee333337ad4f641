"""A local sign-in that outlives a reload: the session cookie, through the app (``AppTest``).

A reload or a link opened in a new tab is a new Streamlit session. ``AppTest`` sends no
cookies, so the browser's cookie is what ``gate._browser_cookie`` returns here; the
browser test (``tests/e2e/test_browser_auth.py``) reloads a real page.
"""

from __future__ import annotations

import time

import pytest
from dash_helpers import run_as
from streamlit.testing.v1 import AppTest

from dashboard.auth import gate
from dashboard.auth.sessions import COOKIE, SessionStore
from dashboard.auth.users import UserStore
from etl.audit import AuditLog


def signed_in_with_form(username: str = "demo") -> tuple[AppTest, str]:
    """A session signed in through the form; its token."""
    at = run_as(None)
    at.text_input[0].input(username)
    at.text_input[1].input("wijkbeeld-demo")
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Briefing"
    return at, at.session_state[gate._TOKEN]


def cookie_scripts(at: AppTest) -> list[str]:
    """The bodies of the scripts that set or drop the session cookie."""
    return [e.proto.body for e in at.get("html") if COOKIE in e.proto.body]


@pytest.fixture
def browser_cookie(monkeypatch):
    """Set what the next sessions' browser sends as its session cookie."""
    sent = {"token": None}
    monkeypatch.setattr(gate, "_browser_cookie", lambda: sent["token"])
    return sent


def test_the_form_hands_the_browser_a_token(local_mode):
    at, token = signed_in_with_form()
    assert SessionStore().lookup(token).username == "demo"
    [script] = cookie_scripts(at)
    assert token in script and "SameSite=Strict" in script and "Path=/" in script
    # Kept until the session would end anyway (12 hours after the sign-in).
    expires = time.gmtime(at.session_state[gate._SIGNED_IN_AT] + gate.SESSION_MAX_AGE_S)
    assert time.strftime("Expires=%a, %d %b %Y %H:%M:%S GMT", expires) in script
    at.run()  # a click later the page still draws it, unchanged (the script runs once)
    assert cookie_scripts(at) == [script]


def test_a_new_session_with_the_cookie_is_signed_in_without_the_form(local_mode, browser_cookie):
    first, token = signed_in_with_form()
    browser_cookie["token"] = token
    again = run_as(None)
    assert again.title[0].value == "Briefing" and not again.text_input
    assert any("Aangemeld als Demo wijkcoördinator" in c.value for c in again.sidebar.caption)
    # The twelve hours count from the sign-in with the form, not from the reload.
    assert again.session_state[gate._SIGNED_IN_AT] == first.session_state[gate._SIGNED_IN_AT]
    assert not cookie_scripts(again)  # the browser has it already
    log = AuditLog().read().sort_values("seq")
    signins = log[log["event"] == "aanmelding"]
    assert signins["username"].tolist() == ["demo", "demo"]
    assert '"sessiecookie"' in signins["detail"].iloc[1]
    # The Auditlog page says how the second one signed in.
    again.switch_page("views/audit.py").run()
    details = next(d.value for d in again.dataframe if "Nr." in d.value.columns)
    assert (
        details.astype(str)
        .apply(lambda row: "via sessiecookie (herladen of nieuw tabblad)" in " ".join(row), axis=1)
        .any()
    )


def test_a_forged_or_unknown_cookie_gets_the_form(local_mode, browser_cookie):
    _, token = signed_in_with_form()
    for sent in (token[:-2] + "xx", "onzin", ""):
        browser_cookie["token"] = sent
        at = run_as(None)
        assert [s.value for s in at.subheader] == ["Aanmelden"] and not at.metric


def test_sign_out_ends_the_token_and_drops_the_cookie(local_mode, browser_cookie):
    at, token = signed_in_with_form()
    at.sidebar.button(key="wijkbeeld_logout").click().run()
    assert [s.value for s in at.subheader] == ["Aanmelden"]
    assert SessionStore().lookup(token) is None
    [script] = cookie_scripts(at)
    assert "Expires=Thu, 01 Jan 1970" in script and token not in script
    at.run()
    assert not cookie_scripts(at)  # dropped once
    # A reload with the old cookie gets the form.
    browser_cookie["token"] = token
    assert [s.value for s in run_as(None).subheader] == ["Aanmelden"]


def test_sign_out_in_one_tab_ends_the_other_tabs_at_their_next_click(local_mode, browser_cookie):
    at, token = signed_in_with_form()
    browser_cookie["token"] = token
    other = run_as(None)
    assert other.title[0].value == "Briefing"
    at.sidebar.button(key="wijkbeeld_logout").click().run()
    other.run()
    assert [s.value for s in other.subheader] == ["Aanmelden"] and not other.metric


@pytest.mark.parametrize("change", ["disabled", "new password", "removed"])
def test_an_account_changed_after_the_sign_in_is_not_signed_in_again(
    local_mode, browser_cookie, change
):
    _, token = signed_in_with_form()
    users = UserStore(allow_demo=True)
    time.sleep(1.1)  # the user file stores seconds
    if change == "disabled":
        users.set_disabled("demo")
    elif change == "new password":
        users.set_password("demo", "een-ander-lang-wachtwoord")
    else:
        users.remove_user("demo")
    browser_cookie["token"] = token
    at = run_as(None)
    assert [s.value for s in at.subheader] == ["Aanmelden"] and not at.metric
    assert SessionStore().lookup(token) is None  # and forgotten


def test_the_user_commands_end_the_user_s_open_sessions(local_mode):
    from dashboard.auth.__main__ import main

    at, token = signed_in_with_form()
    assert main(["disable-user", "demo"]) == 0
    assert SessionStore().lookup(token) is None
    at.run()
    assert [s.value for s in at.subheader] == ["Aanmelden"] and not at.metric


def test_a_session_signed_in_before_the_demo_flag_went_off_is_not_resumed(
    local_mode, browser_cookie, monkeypatch
):
    _, token = signed_in_with_form()
    monkeypatch.setenv("WIJKBEELD_DEMO", "0")
    browser_cookie["token"] = token
    at = run_as(None)
    assert [s.value for s in at.subheader] == ["Aanmelden"] and not at.metric


def _idle(token: str, seconds: float) -> None:
    """Make the last activity of ``token``'s sessions ``seconds`` ago."""
    import json

    store = SessionStore()
    state = json.loads(store.path.read_text())
    for entry in state.values():
        entry["last_seen"] = time.time() - seconds
    store.path.write_text(json.dumps(state))


def test_a_cookie_idle_for_half_an_hour_gets_the_form(local_mode, browser_cookie):
    """A shared workstation: a tab closed without "Afmelden" does not sign the next person
    in once no session of the token was active for half an hour; an open session's clicks
    keep it alive (noted at most once a minute)."""
    from dashboard.auth.sessions import RESUME_IDLE_S

    at, token = signed_in_with_form()
    browser_cookie["token"] = token
    _idle(token, RESUME_IDLE_S + 60)
    assert [s.value for s in run_as(None).subheader] == ["Aanmelden"]
    # The open session is still signed in; its next click (a minute after the last note)
    # notes its activity, and a reload is signed in again.
    at.session_state[gate._TOUCHED_AT] = time.time() - gate._TOUCH_EVERY_S
    at.run()
    assert at.title[0].value == "Briefing"
    assert time.time() - SessionStore().lookup(token).last_seen < 5
    assert run_as(None).title[0].value == "Briefing"
    _idle(token, RESUME_IDLE_S - 60)
    assert run_as(None).title[0].value == "Briefing"
