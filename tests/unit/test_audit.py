"""The append-only audit log with its hash chain (etl/audit.py)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import duckdb
import pytest

from etl.audit import AuditLog


class Clock:
    def __init__(self):
        self.now = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

    def __call__(self):
        self.now += timedelta(minutes=1)
        return self.now


@pytest.fixture
def log(tmp_path):
    return AuditLog(tmp_path / "state" / "audit.duckdb", clock=Clock())


def fill(log):
    log.record("aanmelding", "demo", detail={"methode": "lokaal", "client": "127.0.0.1"})
    log.record(
        "pagina", "demo", page="traffic", detail={"filters": {"jaren": 3, "wijken": ["W01"]}}
    )
    log.record("export", "demo", page="reports", detail={"formaat": "docx", "rijen": 12})
    log.record("sql", "demo", page="sql", detail={"sql": "SELECT 1", "rijen": 1})
    log.record("aanmelding_mislukt", "bart", detail={"client": "10.0.0.9"})
    log.record("afmelding", "demo")


def test_append_and_read(log):
    fill(log)
    df = log.read()
    assert df["event"].tolist() == [
        "afmelding",
        "aanmelding_mislukt",
        "sql",
        "export",
        "pagina",
        "aanmelding",
    ]
    assert df["seq"].tolist() == [6, 5, 4, 3, 2, 1]
    assert str(df["ts"].dt.tz) == "UTC"
    assert '"wijken": ["W01"]' in df.loc[df["event"] == "pagina", "detail"].iloc[0]
    assert log.read(event="export")["page"].tolist() == ["reports"]
    assert log.read(username="bart")["event"].tolist() == ["aanmelding_mislukt"]
    assert len(log.read(limit=2)) == 2
    since = datetime(2026, 3, 2, 8, 4, tzinfo=UTC)
    assert log.read(since=since)["seq"].tolist() == [6, 5, 4]


def test_unknown_event_refused(log):
    with pytest.raises(ValueError, match="Onbekend"):
        log.record("hack", "x")


def test_changes_are_recorded_with_what_changed(log):
    seq = log.record_change("aanpak_gestart", "coord", page="sources", detail={"aanpak": 3})
    row = log.read(event="wijziging").iloc[0]
    assert (row["seq"], row["username"], row["page"]) == (seq, "coord", "sources")
    assert row["detail"] == '{"aanpak": 3, "wat": "aanpak_gestart"}'  # canonical JSON, sorted
    with pytest.raises(ValueError, match="Onbekende wijziging"):
        log.record_change("iets", "coord")
    assert len(log.read()) == 1 and log.verify_chain() is None


def test_every_change_has_a_dutch_label():
    from etl.audit import CHANGES

    assert all(label and label[0].isupper() for label in CHANGES.values())
    assert len(set(CHANGES.values())) == len(CHANGES)


def test_read_missing_file_is_empty(tmp_path):
    log = AuditLog(tmp_path / "none.duckdb")
    assert log.read().empty and log.verify_chain() is None and log.head() is None
    assert not (tmp_path / "none.duckdb").exists()


def test_chain_intact(log):
    fill(log)
    assert log.verify_chain() is None
    seq, h = log.head()
    assert seq == 6 and len(h) == 64


def _tamper(log, sql):
    con = duckdb.connect(str(log.path))
    con.execute(sql)
    con.close()


def test_edit_detected(log):
    fill(log)
    _tamper(log, "UPDATE audit_log SET username = 'iemand' WHERE seq = 3")
    assert log.verify_chain() == 3


def test_detail_edit_detected(log):
    fill(log)
    _tamper(log, 'UPDATE audit_log SET detail = \'{"formaat": "docx", "rijen": 1}\' WHERE seq = 3')
    assert log.verify_chain() == 3


def test_deletion_detected(log):
    fill(log)
    _tamper(log, "DELETE FROM audit_log WHERE seq = 2")
    assert log.verify_chain() == 3


def test_a_noted_head_is_checked_against_the_log(log, tmp_path):
    fill(log)
    seq, full = log.head()
    assert log.hash_at(seq) == full and log.hash_at(99) is None
    # Noted whole, or its start as the briefing pack prints it, in either case.
    assert log.anchor_status(seq, full) == "klopt"
    assert log.anchor_status(seq, " " + full[:16].upper() + " ") == "klopt"
    assert log.anchor_status(3, log.hash_at(3)[:8]) == "klopt"  # an older note holds too
    log.record("afmelding", "demo")  # a newer event changes nothing about the noted one
    assert log.anchor_status(seq, full[:16]) == "klopt"
    for bad in ("", "1234567", "xyz12345abc"):
        with pytest.raises(ValueError, match="minstens 8 tekens"):
            log.anchor_status(seq, bad)
    # The newest rows cut off: the noted event is gone.
    _tamper(log, f"DELETE FROM audit_log WHERE seq >= {seq}")
    assert log.verify_chain() is None  # invisible from the file alone ...
    assert log.anchor_status(seq, full[:16]) == "ontbreekt"  # ... not against the note
    # The whole file replaced by one with a fresh chain of as many rows.
    other = AuditLog(tmp_path / "nieuw.duckdb", clock=log.clock)
    for _ in range(seq):
        other.record("pagina", "iemand", page="briefing")
    assert other.verify_chain() is None and other.anchor_status(seq, full[:16]) == "verschilt"


def test_a_noted_head_after_an_edited_earlier_row(log):
    fill(log)
    seq, full = log.head()
    _tamper(log, "UPDATE audit_log SET username = 'iemand' WHERE seq = 2")
    assert log.anchor_status(seq, full[:16]) == "keten_gebroken"
    assert log.anchor_status(1, log.hash_at(1)[:16]) == "klopt"  # before the edit


def test_rehashed_row_still_breaks_link(log):
    # Someone edits a row and recomputes its own hash: the next row's link exposes it.
    from etl.audit import row_hash

    fill(log)
    con = duckdb.connect(str(log.path))
    seq, ts, event, user, page, detail, prev = con.execute(
        "SELECT seq, ts, event, username, page, detail, prev_hash FROM audit_log WHERE seq = 2"
    ).fetchone()
    con.execute(
        "UPDATE audit_log SET page = 'briefing', row_hash = ? WHERE seq = 2",
        [row_hash(prev, seq, ts, event, user, "briefing", detail)],
    )
    con.close()
    assert log.verify_chain() == 3


def test_appends_after_reopen_continue_chain(tmp_path):
    path = tmp_path / "audit.duckdb"
    AuditLog(path).record("aanmelding", "a")
    AuditLog(path).record("afmelding", "a")
    assert AuditLog(path).verify_chain() is None
    assert AuditLog(path).head()[0] == 2


def test_concurrent_writers_keep_one_chain(tmp_path):
    log = AuditLog(tmp_path / "audit.duckdb")

    def work(i):
        for j in range(5):
            log.record("pagina", f"user{i}", page="briefing", detail={"j": j})

    threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(log.read()) == 30 and log.verify_chain() is None


def test_file_not_held_open_between_calls(log):
    # Open-write-close: another connection can open the file right after a record().
    log.record("aanmelding", "demo")
    con = duckdb.connect(str(log.path), read_only=True)
    assert con.execute("SELECT count(*) FROM audit_log").fetchone()[0] == 1
    con.close()


def test_big_detail_truncated(log):
    log.record("sql", "demo", detail={"sql": "SELECT 1 -- " + "x" * 50_000})
    detail = log.read()["detail"].iloc[0]
    assert len(detail) < 21_000 and '"afgekapt": true' in detail
    assert log.verify_chain() is None


def test_default_path_is_state_dir_not_warehouse(tmp_path, monkeypatch):
    monkeypatch.setenv("WIJKBEELD_STATE", str(tmp_path / "st"))
    from etl import config

    assert AuditLog().path == tmp_path / "st" / "audit.duckdb"
    assert AuditLog().path != config.warehouse_path()


# --- long details: both ends and a hash -------------------------------------------------------


def test_padded_sql_keeps_the_query_and_its_hash(log):
    import hashlib
    import json

    from etl.audit import MAX_DETAIL_CHARS

    query = "SELECT pv_number, description FROM marts.incidents WHERE wijk_code = 'W03'"
    padded = "/*" + "x" * 20_000 + "*/ " + query
    log.record("sql", "demo", page="sql", detail={"sql": padded, "rijen": None, "fout": "te lang"})
    stored = log.read()["detail"].iloc[0]
    assert len(stored) <= MAX_DETAIL_CHARS
    data = json.loads(stored)
    kept = data["sql"]
    assert kept["afgekapt"] is True and kept["tekens"] == len(padded)
    assert kept["begin"].startswith("/*xxx") and kept["einde"].endswith(query)
    assert kept["sha256"] == hashlib.sha256(padded.encode("utf-8")).hexdigest()
    # The other fields are untouched.
    assert data["fout"] == "te lang" and data["rijen"] is None
    assert log.verify_chain() is None


def test_short_fields_stay_whole_when_a_long_one_is_cut(log):
    import json

    log.record("sql", "demo", detail={"sql": "SELECT 1 -- " + "y" * 30_000, "fout": "kort"})
    data = json.loads(log.read()["detail"].iloc[0])
    assert data["fout"] == "kort" and data["sql"]["einde"].endswith("y" * 100)


def test_escape_heavy_and_many_field_details_still_fit(log):
    import json

    from etl.audit import MAX_DETAIL_CHARS, sha256_text

    # Control characters take six characters each in JSON.
    log.record("sql", "demo", detail={"sql": "\x01" * 9_000 + "SELECT 2"})
    # Hundreds of medium fields: the whole detail is cut as one text.
    many = {f"veld{i:03d}": "z" * 900 for i in range(300)}
    log.record("export", "demo", detail=many)
    escaped, wide = log.read()["detail"].iloc[1], log.read()["detail"].iloc[0]
    assert len(escaped) <= MAX_DETAIL_CHARS and len(wide) <= MAX_DETAIL_CHARS
    assert json.loads(escaped)["sql"]["einde"].endswith("SELECT 2")
    whole = json.loads(wide)
    assert whole["afgekapt"] is True and whole["einde"].endswith('"}')
    full = json.dumps(many, ensure_ascii=False, sort_keys=True)
    assert whole["sha256"] == sha256_text(full) and whole["tekens"] == len(full)
    assert log.verify_chain() is None


# --- filters in the store, paging ----------------------------------------------------------------


def test_read_filters_lists_until_and_offset(log):
    fill(log)  # seq 1..6 at 08:01..08:06
    assert log.read(event=["sql", "export"])["seq"].tolist() == [4, 3]
    assert log.read(username=["bart"])["seq"].tolist() == [5]
    assert log.read(event=[])["seq"].tolist() == []
    assert log.read(page="traffic")["seq"].tolist() == [2]
    until = datetime(2026, 3, 2, 8, 4, tzinfo=UTC)
    assert log.read(until=until)["seq"].tolist() == [3, 2, 1]
    assert log.read(limit=2, offset=2)["seq"].tolist() == [4, 3]
    assert log.read(event=["aanmelding", "sql"], username="demo", limit=1, offset=1)[
        "seq"
    ].tolist() == [1]


def test_old_event_reachable_behind_many_newer_ones(log):
    log.record("sql", "beleidscel", page="sql", detail={"sql": "SELECT 'OUD'"})
    for i in range(30):
        log.record("pagina", "beleidscel", page="briefing", detail={"filters": {"i": i}})
    # A page that reads the newest 20 and filters afterwards never sees the query.
    assert "sql" not in set(log.read(limit=20)["event"])
    assert log.read(event=["sql"], limit=20)["seq"].tolist() == [1]
    assert log.read(limit=20, offset=20)["seq"].tolist()[-1] == 1
    facets = log.facets(event=["sql"])
    assert facets["counts"] == {"sql": 1} and facets["total"] == 1
    everything = log.facets()
    assert everything["total"] == 31 and everything["users"] == ["beleidscel"]
    assert everything["pages"] == ["briefing", "sql"]


# --- file modes ----------------------------------------------------------------------------------


@pytest.fixture
def loose_umask():
    import os

    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _mode(path) -> int:
    import stat

    return stat.S_IMODE(path.stat().st_mode)


def test_audit_files_are_private(log, loose_umask):
    log.record("aanmelding", "demo")
    wal = log.path.with_name(log.path.name + ".wal")
    lock = log.path.with_name(log.path.name + ".lock")
    assert _mode(log.path) == 0o600 and _mode(lock) == 0o600
    assert _mode(log.path.parent) == 0o700
    # The write-ahead log exists while a write is not yet checkpointed: born 0600 too.
    with log._connect() as con:
        con.execute(
            "INSERT INTO audit_log VALUES (99, now()::TIMESTAMP, 'afmelding', 'x', NULL, NULL, "
            "'a', 'b')"
        )
        assert wal.exists() and _mode(wal) == 0o600


def test_existing_world_readable_files_are_tightened(tmp_path, loose_umask):
    path = tmp_path / "audit.duckdb"
    duckdb.connect(str(path)).close()
    lock = path.with_name(path.name + ".lock")
    lock.touch()
    assert _mode(path) == 0o644 and _mode(lock) == 0o644
    log = AuditLog(path)
    assert log.read().empty
    assert _mode(path) == 0o600 and _mode(lock) == 0o600
