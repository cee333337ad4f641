"""Review decisions live outside the warehouse: a rebuild (atomic swap) must not lose them."""

from __future__ import annotations

import os
from datetime import date
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
