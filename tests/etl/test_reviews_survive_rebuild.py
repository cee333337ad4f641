"""Review decisions live outside the warehouse: a rebuild (atomic swap) must not lose them."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest
from etl_helpers import query

from dashboard.analysis.quality import review_queue
from etl.build import build_warehouse
from etl.demo import generate_demo
from etl.reviews import ReviewStore, default_path


def build(raw: Path, warehouse: Path) -> None:
    build_warehouse(raw, warehouse, echo=lambda *_: None)


@pytest.fixture(scope="module")
def demo_raw_small(tmp_path_factory) -> Path:
    """A small demo zone (1 year, scale 0.05) with the real zone configuration."""
    out = tmp_path_factory.mktemp("demo_reviews") / "raw"
    generate_demo(out, seed=11, years=1, scale=0.05, end=date(2026, 10, 31))
    return out


def _tasks(warehouse: Path) -> pd.DataFrame:
    rows = query(
        warehouse,
        "SELECT task_id, task_type, status, closed_at, received_at, due_at, inspector "
        "FROM marts.tasks ORDER BY task_id",
    )
    return pd.DataFrame(
        rows,
        columns=[
            "task_id",
            "task_type",
            "status",
            "closed_at",
            "received_at",
            "due_at",
            "inspector",
        ],
    )


def test_decisions_survive_a_rebuild(demo_raw_small: Path, tmp_path: Path, monkeypatch):
    state = tmp_path / "state"
    monkeypatch.setenv("WIJKBEELD_STATE", str(state))
    warehouse = tmp_path / "wh" / "warehouse.duckdb"
    build(demo_raw_small, warehouse)
    tasks = _tasks(warehouse)
    finished = tasks[tasks["closed_at"].notna()]
    assert len(finished) >= 2, "de fixture moet afgewerkte taken hebben"
    first, second = finished["task_id"].iloc[0], finished["task_id"].iloc[1]

    store = ReviewStore()  # default path: state_dir()/reviews.duckdb
    assert store.path == state / "reviews.duckdb" == default_path()
    store.record("taak", first, "goedgekeurd", None, "HINP Vos")
    store.record("taak", second, "teruggestuurd", "Locatie ontbreekt", "HINP Vos")
    assert not str(store.path).startswith(str(warehouse.parent)), "buiten het warehouse"
    reviews_before = store.path.stat().st_mtime_ns
    inode_before = os.stat(warehouse).st_ino

    # Rebuild from the same exports: a new file is written and swapped in.
    build(demo_raw_small, warehouse)
    assert os.stat(warehouse).st_ino != inode_before, "het warehouse is vervangen"
    assert store.path.stat().st_mtime_ns == reviews_before, "de bouw raakt de beslissingen niet"

    latest = ReviewStore().latest("taak")
    assert dict(zip(latest["item_id"], latest["decision"], strict=True)) == {
        first: "goedgekeurd",
        second: "teruggestuurd",
    }
    assert latest.set_index("item_id").loc[second, "remark"] == "Locatie ontbreekt"
    assert set(latest["reviewer"]) == {"HINP Vos"}

    # Still joined to their tasks in the new warehouse ...
    rebuilt = _tasks(warehouse)
    joined = latest.merge(rebuilt, left_on="item_id", right_on="task_id", how="inner")
    assert set(joined["task_id"]) == {first, second}
    # ... and the decided tasks have left the review queue.
    queue = review_queue(rebuilt, latest, item_kind="taak", id_col="task_id")
    assert first not in set(queue["task_id"])
    assert second not in set(queue["task_id"])
    assert (
        len(queue)
        == len(
            rebuilt[
                rebuilt["closed_at"].notna()
                | rebuilt["status"].str.lower().isin(["afgewerkt", "te controleren"])
            ]
        )
        - 2
    )


def test_reviews_file_is_not_in_the_warehouse(demo_raw_small: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("WIJKBEELD_STATE", str(tmp_path / "state"))
    warehouse = tmp_path / "warehouse.duckdb"
    build(demo_raw_small, warehouse)
    task_id = query(warehouse, "SELECT min(task_id) FROM marts.tasks")[0][0]
    ReviewStore().record("taak", task_id, "goedgekeurd", None, "coördinator")
    tables = query(
        warehouse,
        "SELECT table_schema || '.' || table_name FROM information_schema.tables "
        "WHERE table_name ILIKE '%review%'",
    )
    assert tables == []


def _fixed_clock(moment_utc: str):
    stamp = datetime.fromisoformat(moment_utc).replace(tzinfo=UTC)
    return lambda: stamp


def test_returned_tasks_requeue_only_when_closed_again(
    demo_raw_small: Path, tmp_path: Path, monkeypatch
):
    """Closing dates are local wall-clock times, often day-only; decisions are UTC.

    A (closed 05/11 16:20 in Brussels, returned 16:30 there = 15:30 UTC) was not reworked
    and must stay out after a rebuild. B and C (closed earlier, returned 05/11 at 16:36,
    closed again "05/11/2026" without a time in the next export) were reworked and must
    come back, with (C) or without (B, a decision stored before closing dates were kept)
    the closing date the decision was taken on. D was returned and not touched since.
    """
    state = tmp_path / "state"
    monkeypatch.setenv("WIJKBEELD_STATE", str(state))
    raw = tmp_path / "raw"
    shutil.copytree(demo_raw_small, raw)
    warehouse = tmp_path / "wh" / "warehouse.duckdb"
    build(raw, warehouse)
    tasks = _tasks(warehouse)
    closed = tasks[
        tasks["closed_at"].notna()
        & tasks["task_id"].str.startswith("WT2026")
        & (pd.to_datetime(tasks["closed_at"]) < pd.Timestamp("2026-10-01"))
    ]
    a, b, c, d = closed["task_id"].iloc[:4]
    before = closed.set_index("task_id")["closed_at"]

    def record(task_id: str, when_utc: str, closed_at=None) -> None:
        ReviewStore(clock=_fixed_clock(when_utc)).record(
            "taak", task_id, "teruggestuurd", "Onvolledig", "HINP Vos", item_closed_at=closed_at
        )

    # B, C and D are returned on 05/11 at 16:36 Brussels time (15:36 UTC).
    record(b, "2026-11-05 15:36:37")
    record(c, "2026-11-05 15:36:37", before[c])
    record(d, "2026-11-05 15:36:37", before[d])

    # The next export: A closed 05/11 at 16:20, B and C closed again on 05/11 (no time).
    source = raw / "tasks" / "wijktaken_2026.csv"
    lines = source.read_bytes().decode("cp1252").splitlines()
    header = lines[0].split(";")
    at_closed = header.index("Afgesloten")
    update = [lines[0]]
    for line in lines[1:]:
        fields = line.split(";")
        new_closing = {a: "05/11/2026 16:20", b: "05/11/2026", c: "05/11/2026"}.get(fields[0])
        if new_closing:
            fields[at_closed] = new_closing
            update.append(";".join(fields))
    assert len(update) == 4
    (raw / "tasks" / "wijktaken_2026_update.csv").write_bytes(
        ("\r\n".join(update) + "\r\n").encode("cp1252")
    )
    build(raw, warehouse)
    rebuilt = _tasks(warehouse).set_index("task_id")
    assert str(rebuilt.loc[a, "closed_at"]) == "2026-11-05 16:20:00"
    assert str(rebuilt.loc[b, "closed_at"]) == "2026-11-05 00:00:00"

    # A is returned ten minutes after it was closed, as the coordinator saw it.
    record(a, "2026-11-05 15:30:00", rebuilt.loc[a, "closed_at"])
    build(raw, warehouse)
    queue = review_queue(_tasks(warehouse), ReviewStore().latest("taak"), item_kind="taak")
    queued = set(queue["task_id"])
    assert a not in queued, "teruggestuurd na het afsluiten: niet opnieuw afgewerkt"
    assert {b, c} <= queued, "opnieuw afgesloten op de dag van het terugsturen"
    assert d not in queued, "teruggestuurd en sindsdien niet afgesloten"

    # The same for a decision on A kept without its closing date: local time decides.
    record(a, "2026-11-05 15:30:01")
    queue = review_queue(_tasks(warehouse), ReviewStore().latest("taak"), item_kind="taak")
    assert a not in set(queue["task_id"])
