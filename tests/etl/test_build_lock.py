"""One build of a warehouse at a time, however it was started (the Data page's background
build, ``make build``, a scheduled job): a later build waits for the one that holds the
warehouse's lock and then reads the exports as that one left them, so a build that started
earlier can never swap in a warehouse without a file added while it ran."""

from __future__ import annotations

import fcntl
import os
import threading
import time

import pytest
from etl_helpers import INCIDENT_HEADER, ZONE_SMALL, build, mini_raw, query

from etl.build import BuildError, lock_path
from etl.upload import build_status, start_background_build

ROW = "{pv};03/02/2024 14:30;;;Diefstal;Kerkstraat;1;3020;Herent;;\n"


def _incidents(rows: list[str]) -> str:
    return INCIDENT_HEADER + "\n" + "".join(ROW.format(pv=pv) for pv in rows)


def _hold(warehouse) -> int:
    """Take the warehouse's lock as another build would (its own open file)."""
    fd = os.open(lock_path(warehouse), os.O_CREAT | os.O_RDWR, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    os.pwrite(fd, b"4242", 0)
    return fd


def _wait_for(predicate, timeout=30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def test_a_second_build_waits_and_then_reads_the_folder_as_the_first_left_it(tmp_path):
    raw = mini_raw(tmp_path, {"incidents/a.csv": _incidents(["PV/1", "PV/2"])})
    warehouse = tmp_path / "wh.duckdb"
    held = _hold(warehouse)
    lines: list[str] = []
    outcome: dict = {}

    def run():
        try:
            outcome["result"] = build(raw, warehouse, lines)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertions below
            outcome["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    began = time.perf_counter()
    worker.start()
    try:
        assert _wait_for(lambda: any("wacht" in line for line in lines)), lines
        waiting = next(line for line in lines if "wacht" in line)
        # Says, in Dutch, which warehouse and which process it waits for.
        assert "wh.duckdb" in waiting and "proces 4242" in waiting
        time.sleep(2.0)
        assert worker.is_alive() and not warehouse.exists()
        # The build holding the lock adds a file before it ends ...
        (raw / "incidents" / "b.csv").write_text(_incidents(["PV/3"]), encoding="utf-8")
    finally:
        os.close(held)
    worker.join(120)
    elapsed = time.perf_counter() - began
    assert not worker.is_alive() and "error" not in outcome, outcome
    # The build's own time leaves the wait out, and its last line names the wait.
    result = outcome["result"]
    assert result["waited_s"] >= 2.0
    assert result["duration_s"] <= elapsed - result["waited_s"] + 0.01
    assert "wachten op een andere bouw" in lines[-1]
    # ... and the waiting build, which read the folder only then, has it.
    assert query(warehouse, "SELECT pv_number FROM marts.incidents ORDER BY 1") == [
        ("PV/1",),
        ("PV/2",),
        ("PV/3",),
    ]
    # It held the lock itself, and let go when done.
    assert os.path.exists(lock_path(warehouse))
    fd = _hold(warehouse)
    os.close(fd)


def test_the_lock_ends_with_a_failed_build_and_a_free_warehouse_is_not_waited_for(tmp_path):
    warehouse = tmp_path / "wh.duckdb"
    raw = mini_raw(tmp_path, {"incidents/a.csv": "Iets;Anders\n1;2\n"})
    lines: list[str] = []
    with pytest.raises(BuildError):
        build(raw, warehouse, lines)
    assert not any("wacht" in line for line in lines)
    # Free again: another build (or this one) can take it at once.
    os.close(_hold(warehouse))
    (raw / "incidents" / "a.csv").write_text(_incidents(["PV/9"]), encoding="utf-8")
    result = build(raw, warehouse, lines)
    assert not any("wacht" in line for line in lines) and result["waited_s"] < 1
    assert query(warehouse, "SELECT count(*) FROM marts.incidents") == [(1,)]


def test_a_background_build_says_which_build_it_waits_for(tmp_path):
    """The Data page's build, started while another build of the warehouse runs (here a
    held lock), reports the wait in its status and then builds."""
    raw = mini_raw(tmp_path, {"incidents/a.csv": _incidents(["PV/1"])})
    warehouse = tmp_path / "wh.duckdb"
    status = tmp_path / "state" / "build.json"
    held = _hold(warehouse)
    try:
        start_background_build(raw, warehouse, status, ZONE_SMALL)
        assert _wait_for(lambda: build_status(status).get("waiting_for") == "4242", 60), (
            build_status(status)
        )
        now = build_status(status)
        assert now["state"] == "running" and "proces 4242" in now["message"]
    finally:
        os.close(held)
    assert _wait_for(lambda: build_status(status)["state"] in ("ok", "failed"), 120)
    done = build_status(status)
    assert done["state"] == "ok" and "waiting_for" not in done, done
    assert query(warehouse, "SELECT count(*) FROM marts.incidents") == [(1,)]


def test_a_file_system_without_locks_builds_and_warns(tmp_path, monkeypatch):
    """Some network shares refuse flock (ENOLCK): the build goes on, as before there was a
    lock, and its log says that it could not lock."""
    import errno

    def no_locks(fd, operation):
        raise OSError(errno.ENOLCK, os.strerror(errno.ENOLCK))

    monkeypatch.setattr(fcntl, "flock", no_locks)
    raw = mini_raw(tmp_path, {"incidents/a.csv": _incidents(["PV/1"])})
    warehouse = tmp_path / "wh.duckdb"
    lines: list[str] = []
    build(raw, warehouse, lines)
    assert query(warehouse, "SELECT count(*) FROM marts.incidents") == [(1,)]
    [warning] = [line for line in lines if "vergrendeld" in line]
    assert warning.startswith("WAARSCHUWING: ") and "wh.duckdb.lock" in warning
