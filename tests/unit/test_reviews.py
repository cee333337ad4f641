"""Unit tests for etl.reviews: an append-only review store in its own DuckDB file."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from etl.reviews import COLUMNS, ReviewError, ReviewStore, default_path


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def tick(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 2, 8, 30, tzinfo=UTC))


@pytest.fixture
def store(tmp_path: Path, clock: FakeClock) -> ReviewStore:
    return ReviewStore(tmp_path / "state" / "reviews.duckdb", clock=clock)


def test_record_and_read_back(store, clock):
    stored = store.record("taak", "T-1", "goedgekeurd", None, "HINP Vos")
    assert stored["review_id"] == 1
    assert stored["recorded_at"] == pd.Timestamp("2026-03-02 08:30", tz="UTC")
    latest = store.latest()
    assert list(latest.columns) == [*COLUMNS, "n_reviews"]
    row = latest.iloc[0]
    assert (row["item_kind"], row["item_id"], row["decision"], row["reviewer"]) == (
        "taak",
        "T-1",
        "goedgekeurd",
        "HINP Vos",
    )
    assert pd.isna(row["remark"])
    assert row["recorded_at"] == pd.Timestamp("2026-03-02 08:30", tz="UTC")
    assert str(latest["recorded_at"].dt.tz) == "UTC"


def test_latest_decision_wins_and_history_is_kept(store, clock):
    store.record("taak", "T-1", "teruggestuurd", "Locatie ontbreekt", "HINP Vos")
    clock.tick(days=2)
    store.record("taak", "T-1", "goedgekeurd", "", "HINP Vos")
    store.record("taak", "T-2", "goedgekeurd", None, "HINP De Wit")
    latest = store.latest().set_index("item_id")
    assert latest.loc["T-1", "decision"] == "goedgekeurd"
    assert latest.loc["T-1", "n_reviews"] == 2
    assert latest.loc["T-2", "n_reviews"] == 1
    history = store.history("T-1")
    assert history["decision"].tolist() == ["teruggestuurd", "goedgekeurd"]
    assert history["remark"].iloc[0] == "Locatie ontbreekt"


def test_decisions_follow_the_canonical_record_key(store, clock):
    """The build now compares record keys without case or spaces (``wb_key``): a task
    number exported as "wt2026-01763" is WT2026-01763 in the marts. A decision stored on
    the old spelling still belongs to it, and a new one is stored canonically."""
    store.record("taak", "wt2026-01763", "teruggestuurd", "Locatie ontbreekt", "HINP Vos")
    clock.tick(days=1)
    store.record("taak", "WT2026 -01763", "goedgekeurd", None, "HINP Vos")
    latest = store.latest()
    assert latest["item_id"].tolist() == ["WT2026-01763"]
    assert latest["n_reviews"].tolist() == [2] and latest["decision"].tolist() == ["goedgekeurd"]
    assert store.history("wt2026-01763")["decision"].tolist() == [
        "teruggestuurd",
        "goedgekeurd",
    ]


def test_a_decision_on_a_number_with_leading_zeros_follows_its_record(store, clock):
    """The build reads a key of digits only without its leading zeros (``wb_key``: Excel
    drops them): a decision stored on task "000123" belongs to task 123 (a review)."""
    from etl.reviews import canonical_id

    store.record("taak", "000123", "teruggestuurd", "Locatie ontbreekt", "HINP Vos")
    clock.tick(days=1)
    store.record("taak", "123", "goedgekeurd", None, "HINP Vos")
    latest = store.latest()
    assert latest["item_id"].tolist() == ["123"] and latest["n_reviews"].tolist() == [2]
    assert [canonical_id(k) for k in ("000123", "0", "00", "0012A", " 007")] == [
        "123", "0", "0", "0012A", "7"
    ]  # fmt: skip


def test_same_timestamp_later_record_wins(store):
    # The fixed clock stamps both decisions identically; insertion order decides.
    store.record("taak", "T-1", "goedgekeurd", None, "HINP Vos")
    store.record("taak", "T-1", "teruggestuurd", "Toch nog een fout", "HINP Vos")
    assert store.latest().iloc[0]["decision"] == "teruggestuurd"


def test_kinds_are_kept_apart(store):
    store.record("taak", "X1", "goedgekeurd", None, "HINP Vos")
    store.record("pv", "X1", "teruggestuurd", "Categorie ontbreekt", "HINP Vos")
    assert len(store.latest()) == 2
    assert store.latest("pv").iloc[0]["decision"] == "teruggestuurd"
    assert len(store.history("X1")) == 2
    assert store.history("X1", item_kind="taak")["decision"].tolist() == ["goedgekeurd"]


def test_survives_reopening(tmp_path, clock):
    path = tmp_path / "reviews.duckdb"
    ReviewStore(path, clock=clock).record("taak", "T-1", "goedgekeurd", None, "HINP Vos")
    reopened = ReviewStore(path, clock=clock)
    reopened.record("taak", "T-2", "goedgekeurd", None, "HINP Vos")
    assert sorted(reopened.latest()["item_id"]) == ["T-1", "T-2"]
    assert reopened.latest()["review_id"].max() == 2
    # No connection is left open: another connection can write right away.
    con = duckdb.connect(str(path))
    assert con.execute("SELECT count(*) FROM reviews").fetchone()[0] == 2
    con.close()


def test_reading_a_missing_store_creates_nothing(tmp_path):
    path = tmp_path / "nowhere" / "reviews.duckdb"
    store = ReviewStore(path)
    assert store.latest().empty
    assert store.history("T-1").empty
    assert store.stats_by().empty
    assert not path.exists()


def test_default_path_follows_state_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("WIJKBEELD_STATE", str(tmp_path / "state"))
    assert default_path() == tmp_path / "state" / "reviews.duckdb"
    ReviewStore().record("taak", "T-1", "goedgekeurd", None, "HINP Vos")
    assert (tmp_path / "state" / "reviews.duckdb").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("taak", "T-1", "teruggestuurd", None, "HINP Vos"), "opmerking"),
        (("taak", "T-1", "teruggestuurd", "   ", "HINP Vos"), "opmerking"),
        (("taak", "T-1", "afgekeurd", "x", "HINP Vos"), "goedgekeurd' of 'teruggestuurd"),
        (("taak", "T-1", None, "x", "HINP Vos"), "Beslissing"),
        (("taak", "T-1", "goedgekeurd", None, ""), "Beoordelaar ontbreekt"),
        (("taak", " ", "goedgekeurd", None, "HINP Vos"), "Itemnummer ontbreekt"),
        (("", "T-1", "goedgekeurd", None, "HINP Vos"), "Soort item ontbreekt"),
        (("taak", "T-1", "goedgekeurd", "x" * 2001, "HINP Vos"), "te lang"),
    ],
)
def test_validation_in_dutch(store, args, message):
    with pytest.raises(ReviewError, match=message):
        store.record(*args)
    assert store.latest().empty  # nothing half-stored


def test_decision_is_normalised(store):
    stored = store.record("taak", 42, "  GoedGekeurd ", None, " HINP Vos ")
    assert stored["decision"] == "goedgekeurd"
    assert stored["item_id"] == "42"
    assert stored["reviewer"] == "HINP Vos"


def test_timestamps_are_stored_in_utc(tmp_path):
    brussels = timezone(timedelta(hours=1))
    store = ReviewStore(
        tmp_path / "r.duckdb", clock=lambda: datetime(2026, 3, 2, 9, 30, tzinfo=brussels)
    )
    stored = store.record("taak", "T-1", "goedgekeurd", None, "HINP Vos")
    assert stored["recorded_at"] == pd.Timestamp("2026-03-02 08:30", tz="UTC")
    naive = ReviewStore(tmp_path / "r.duckdb", clock=lambda: datetime(2026, 3, 2, 9, 30))
    with pytest.raises(ReviewError, match="tijdzone"):
        naive.record("taak", "T-2", "goedgekeurd", None, "HINP Vos")


def test_stats_by(store, clock):
    store.record("taak", "T-1", "teruggestuurd", "Locatie", "HINP Vos")
    store.record("taak", "T-2", "goedgekeurd", None, "HINP Vos")
    store.record("pv", "P-1", "goedgekeurd", None, "HINP De Wit")
    clock.tick(days=7)
    store.record("taak", "T-1", "goedgekeurd", None, "HINP Vos")

    latest = store.stats_by("reviewer").set_index("reviewer")
    assert latest.loc["HINP Vos", ["goedgekeurd", "teruggestuurd", "total"]].tolist() == [2, 0, 2]
    every = store.stats_by("reviewer", latest_only=False).set_index("reviewer")
    assert every.loc["HINP Vos", "teruggestuurd"] == 1
    assert every.loc["HINP Vos", "share_returned"] == pytest.approx(1 / 3)

    weeks = store.stats_by("week", latest_only=False)
    assert weeks["week"].tolist() == [pd.Timestamp("2026-03-02"), pd.Timestamp("2026-03-09")]
    assert weeks["total"].tolist() == [3, 1]
    assert store.stats_by("item_kind", item_kind="pv")["total"].tolist() == [1]
    assert store.stats_by("day", since="2026-03-05")["total"].sum() == 1
    with pytest.raises(ReviewError, match="groepering"):
        store.stats_by("inspecteur")


def test_threads_in_one_process(tmp_path):
    store = ReviewStore(tmp_path / "r.duckdb")

    def work(n: int) -> None:
        for i in range(5):
            store.record("taak", f"T-{n}-{i}", "goedgekeurd", None, f"thread {n}")
            store.latest()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(store.latest()) == 20


_WRITER = """
import sys
from etl.reviews import ReviewStore

path, worker, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
store = ReviewStore(path, lock_timeout_s=30)
for i in range(count):
    store.record("taak", f"T-{worker}-{i}", "goedgekeurd", None, f"proces {worker}")
    store.latest()
"""


def test_concurrent_processes_do_not_lose_decisions(tmp_path):
    # Separate interpreters (not multiprocessing): DuckDB's file lock is per process, and
    # a fresh interpreter does not depend on what other tests did to ``__main__``.
    path = str(tmp_path / "r.duckdb")
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, path, str(w), "5"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for w in range(3)
    ]
    reader = ReviewStore(path, lock_timeout_s=30)
    for _ in range(5):
        reader.latest()  # reading while others write must not fail
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    latest = reader.latest()
    assert len(latest) == 15
    assert latest["review_id"].is_unique


_HOLDER = """
import sys, time
import duckdb

con = duckdb.connect(sys.argv[1])
print("ready", flush=True)
time.sleep(float(sys.argv[2]))
con.close()
"""


def _hold_lock(path: Path, seconds: float) -> subprocess.Popen:
    """Another process holding the file open for writing, like a second dashboard."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(path), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "ready"
    return proc


def test_waits_for_another_process_then_writes(tmp_path):
    path = tmp_path / "r.duckdb"
    ReviewStore(path).record("taak", "T-0", "goedgekeurd", None, "HINP Vos")
    holder = _hold_lock(path, 1.0)
    started = time.monotonic()
    ReviewStore(path, lock_timeout_s=30).record("taak", "T-1", "goedgekeurd", None, "HINP Vos")
    assert time.monotonic() - started > 0.3  # it had to wait for the lock
    holder.wait(timeout=30)
    assert len(ReviewStore(path).latest()) == 2


def test_gives_up_with_a_dutch_message_when_the_file_stays_busy(tmp_path):
    path = tmp_path / "r.duckdb"
    ReviewStore(path).record("taak", "T-0", "goedgekeurd", None, "HINP Vos")
    holder = _hold_lock(path, 1.5)
    try:
        with pytest.raises(RuntimeError, match="bezet"):
            ReviewStore(path, lock_timeout_s=0.3).latest()
    finally:
        holder.wait(timeout=30)


def test_decision_keeps_the_closing_date_it_was_taken_on(store, clock):
    # Day-only ISLP closing dates: the queue needs the date decided on to see that a task
    # returned on 01/12 and closed again "01/12/2026" was reworked.
    stored = store.record(
        "taak",
        "T-1",
        "teruggestuurd",
        "Foto ontbreekt",
        "HINP Vos",
        item_closed_at=pd.Timestamp("2026-11-03"),
    )
    assert stored["item_closed_at"] == pd.Timestamp("2026-11-03")
    store.record("taak", "T-2", "goedgekeurd", None, "HINP Vos", item_closed_at="2026-12-01 16:20")
    store.record("taak", "T-3", "goedgekeurd", None, "HINP Vos")  # no closing date
    latest = store.latest().set_index("item_id")
    assert latest.loc["T-1", "item_closed_at"] == pd.Timestamp("2026-11-03")
    assert latest.loc["T-2", "item_closed_at"] == pd.Timestamp("2026-12-01 16:20")
    assert pd.isna(latest.loc["T-3", "item_closed_at"])
    assert store.history("T-1")["item_closed_at"].tolist() == [pd.Timestamp("2026-11-03")]
    with pytest.raises(ReviewError, match="tijdzone"):
        store.record(
            "taak", "T-4", "goedgekeurd", None, "HINP Vos", item_closed_at="2026-12-01T16:20+01:00"
        )
    with pytest.raises(ReviewError, match="geen datum"):
        store.record("taak", "T-4", "goedgekeurd", None, "HINP Vos", item_closed_at="morgen")
    assert "T-4" not in set(store.latest()["item_id"])


def test_a_store_written_before_closing_dates_were_kept_stays_readable(tmp_path, clock):
    path = tmp_path / "reviews.duckdb"
    con = duckdb.connect(str(path))
    con.execute(
        """
        CREATE SEQUENCE review_id_seq START 1;
        CREATE TABLE reviews (
            review_id   BIGINT PRIMARY KEY DEFAULT nextval('review_id_seq'),
            item_kind   VARCHAR NOT NULL,
            item_id     VARCHAR NOT NULL,
            decision    VARCHAR NOT NULL CHECK (decision IN ('goedgekeurd', 'teruggestuurd')),
            remark      VARCHAR,
            reviewer    VARCHAR NOT NULL,
            recorded_at TIMESTAMP NOT NULL
        );
        INSERT INTO reviews (item_kind, item_id, decision, remark, reviewer, recorded_at)
        VALUES ('taak', 'T-1', 'teruggestuurd', 'Onvolledig', 'HINP Vos',
                TIMESTAMP '2026-12-01 15:30:00');
        """
    )
    con.close()
    store = ReviewStore(path, clock=clock)
    old = store.latest()
    assert list(old.columns) == [*COLUMNS, "n_reviews"]
    assert old["item_id"].tolist() == ["T-1"]
    assert pd.isna(old["item_closed_at"].iloc[0])
    assert list(store.history("T-1").columns) == COLUMNS
    # The next decision adds the column; the old decision keeps its values.
    store.record("taak", "T-2", "goedgekeurd", None, "HINP Vos", item_closed_at="2026-12-01")
    latest = store.latest()
    assert list(latest.columns) == [*COLUMNS, "n_reviews"]
    both = latest.set_index("item_id")
    assert both.loc["T-1", "remark"] == "Onvolledig"
    assert pd.isna(both.loc["T-1", "item_closed_at"])
    assert both.loc["T-2", "item_closed_at"] == pd.Timestamp("2026-12-01")
    assert both.loc["T-2", "review_id"] == 2
