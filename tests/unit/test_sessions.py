"""Session tokens of the local sign-in (``dashboard.auth.sessions``)."""

from __future__ import annotations

import json
import stat

from dashboard.auth.sessions import COOKIE, SESSION_MAX_AGE_S, SessionStore, cookie_name


class Clock:
    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_a_token_signs_in_its_user_and_only_its_digest_is_stored(tmp_path):
    clock = Clock()
    store = SessionStore(tmp_path / "sessions.json", clock=clock)
    token = store.issue(" Demo ")
    other = store.issue("beleidscel")
    assert token != other and len(token) >= 40
    record = store.lookup(token)
    assert record.username == "demo" and record.signed_in_at == clock.now
    assert store.lookup(other).username == "beleidscel"
    text = (tmp_path / "sessions.json").read_text()
    assert token not in text and other not in text  # the file holds no usable token
    assert len(json.loads(text)) == 2
    assert stat.S_IMODE((tmp_path / "sessions.json").stat().st_mode) == 0o600


def test_unknown_empty_and_oversized_tokens_sign_in_no_one(tmp_path):
    store = SessionStore(tmp_path / "sessions.json")
    token = store.issue("demo")
    assert store.lookup(token[:-1]) is None
    assert store.lookup(None) is None and store.lookup("") is None
    assert store.lookup("x" * 10_000) is None


def test_a_token_ends_with_the_session_s_twelve_hours(tmp_path):
    clock = Clock()
    store = SessionStore(tmp_path / "sessions.json", clock=clock)
    token = store.issue("demo")
    clock.now += SESSION_MAX_AGE_S - 1
    assert store.lookup(token) is not None
    clock.now += 1
    assert store.lookup(token) is None
    # Dropped from the file at the next write.
    store.issue("beleidscel")
    assert len(json.loads((tmp_path / "sessions.json").read_text())) == 1


def test_revoking_a_token_and_every_token_of_a_user(tmp_path):
    store = SessionStore(tmp_path / "sessions.json")
    first, second = store.issue("demo"), store.issue("demo")
    kept = store.issue("beleidscel")
    store.revoke(first)
    assert store.lookup(first) is None and store.lookup(second) is not None
    store.revoke(first)  # twice: nothing to do
    store.revoke(None)
    assert store.revoke_user("DEMO") == 1
    assert store.lookup(second) is None
    assert store.lookup(kept).username == "beleidscel"
    assert store.revoke_user("demo") == 0


def test_a_damaged_file_signs_in_no_one_and_is_written_afresh(tmp_path):
    path = tmp_path / "sessions.json"
    store = SessionStore(path)
    token = store.issue("demo")
    path.write_text("{ niet json")
    assert store.lookup(token) is None
    path.write_text(json.dumps({"abc": {"username": 5}, "def": "x"}))
    assert store.lookup(token) is None
    fresh = store.issue("demo")
    assert store.lookup(fresh).username == "demo"
    # A moment in the future (a clock set back) is no valid sign-in either.
    clock = Clock()
    future = SessionStore(path, clock=clock)
    later = future.issue("demo")
    clock.now -= 60
    assert future.lookup(later) is None


def test_a_token_notes_when_a_session_of_it_was_last_active(tmp_path):
    clock = Clock()
    store = SessionStore(tmp_path / "sessions.json", clock=clock)
    token = store.issue("demo")
    assert store.lookup(token).last_seen == clock.now
    clock.now += 600
    store.touch(token)
    record = store.lookup(token)
    assert record.last_seen == clock.now and record.signed_in_at == clock.now - 600
    store.touch("onbekend")  # nothing to note
    store.touch(None)
    # A file written before the field existed: the sign-in counts as the last activity.
    entries = json.loads((tmp_path / "sessions.json").read_text())
    for entry in entries.values():
        del entry["last_seen"]
    (tmp_path / "sessions.json").write_text(json.dumps(entries))
    assert store.lookup(token).last_seen == clock.now - 600


def test_each_install_has_a_cookie_of_its_own(tmp_path, monkeypatch):
    """Two installs on one host (a test one beside production, on two ports) get the
    host's cookies alike: each names its cookie after its state folder."""
    first, second = tmp_path / "prod", tmp_path / "test"
    assert cookie_name(first) != cookie_name(second)
    assert (
        cookie_name(first).startswith(COOKIE + "_") and len(cookie_name(first)) == len(COOKIE) + 9
    )
    assert cookie_name(first) == cookie_name(tmp_path / "x" / ".." / "prod")
    monkeypatch.setenv("WIJKBEELD_STATE", str(second))
    assert cookie_name() == cookie_name(second)
