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
