"""The coordinator's review decisions (goedgekeurd / teruggestuurd) for the dashboard.

Decisions live outside the warehouse, in :class:`etl.reviews.ReviewStore`
(``state_dir()/reviews.duckdb``), so that they survive every rebuild. This module is the
dashboard's only door to that store: it caches reads per *store version* (path, mtime,
size: a new decision changes the file, hence the cache key) and clears them after a write.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from etl.reviews import DECISIONS, ReviewStore, default_path

#: The kind under which task reviews are stored (``item_kind`` in the store).
TASK_KIND = "taak"
#: Who decided when nobody is signed in (authentication mode "none").
DEFAULT_REVIEWER = "coördinator"

__all__ = [
    "DECISIONS",
    "DEFAULT_REVIEWER",
    "TASK_KIND",
    "decided_tasks",
    "latest_reviews",
    "record_review",
    "review_history",
    "reviewer_name",
    "store_path",
]


def store_path() -> Path:
    """Path of the review store (follows ``WIJKBEELD_STATE`` at every call)."""
    return default_path()


def store_version(path: Path) -> tuple[str, int, int]:
    """A state file's cache key: its path, modification time and size (a write changes it)."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return (str(path), 0, 0)
    return (str(path), stat.st_mtime_ns, stat.st_size)


@st.cache_data(show_spinner=False, max_entries=32)
def _latest(version: tuple[str, int, int], item_kind: str) -> pd.DataFrame:
    return ReviewStore(Path(version[0])).latest(item_kind)


def latest_reviews(item_kind: str = TASK_KIND) -> pd.DataFrame:
    """The decision that counts per item (the newest), see :meth:`ReviewStore.latest`.

    Returns
    -------
    pandas.DataFrame
        ``review_id``, ``item_kind``, ``item_id``, ``decision``, ``remark``, ``reviewer``,
        ``recorded_at`` (UTC), ``n_reviews``; newest first.
    """
    return _latest(store_version(store_path()), item_kind)


def decided_tasks(version, wijken: tuple[str, ...] = ()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The latest decision per task with the task's row, for the chosen wijken.

    Parameters
    ----------
    version : WarehouseVersion
        The warehouse the task rows come from.
    wijken : tuple of str
        Only decisions on tasks of these wijken (the page's wijk filter); empty means
        every decision, also on tasks no longer in the warehouse.

    Returns
    -------
    (decided, tasks) : tuple of pandas.DataFrame
        ``decided``: :func:`latest_reviews` (newest first) joined with the task columns of
        :func:`dashboard.queries.workload.tasks_by_id` (``task_id`` … ``wijk_code``);
        ``tasks``: those task rows alone.
    """
    from dashboard.queries.workload import tasks_by_id

    latest = latest_reviews(TASK_KIND)
    tasks = tasks_by_id(version, tuple(latest["item_id"].astype(str)), tuple(wijken))
    decided = latest.assign(item_id=latest["item_id"].astype(str)).merge(
        tasks, left_on="item_id", right_on="task_id", how="inner" if wijken else "left"
    )
    return decided, tasks


def review_history(item_id: str, item_kind: str = TASK_KIND) -> pd.DataFrame:
    """Every decision on one item, oldest first (not cached: opened on demand)."""
    return ReviewStore(store_path()).history(item_id, item_kind)


def record_review(
    item_id: str,
    decision: str,
    remark: str | None,
    reviewer: str,
    item_kind: str = TASK_KIND,
    *,
    closed_at=None,
) -> dict:
    """Store one decision and forget cached reads.

    Parameters
    ----------
    closed_at : date-like, optional
        The item's closing date as shown when deciding (``marts.tasks.closed_at``): a
        returned item is queued again once an export closes it later than this
        (:func:`dashboard.analysis.quality.review_queue`).

    Raises
    ------
    etl.reviews.ReviewError
        With a Dutch message (for example a return without a remark).
    """
    row = ReviewStore(store_path()).record(
        item_kind, item_id, decision, remark, reviewer, item_closed_at=closed_at
    )
    _latest.clear()
    audit_change("beoordeling", {item_kind: item_id, "beslissing": decision,
                                 "met_opmerking": remark is not None})  # fmt: skip
    return row


def reviewer_name() -> str:
    """Who is deciding: the signed-in user, else :data:`DEFAULT_REVIEWER`.

    The anonymous principal of authentication mode "none" is nobody in particular, so it
    also records as the coordinator.
    """
    try:
        from dashboard.auth.gate import current_principal

        principal = current_principal()
    except Exception:  # no auth configured in this run: decide as the coordinator
        principal = None
    if principal is None or getattr(principal, "username", "") in ("", "anoniem"):
        return DEFAULT_REVIEWER
    return str(principal.username)


def audit_change(what: str, detail: dict) -> None:
    """Audit a write to the team's own stores (a decision, an approach) on the page that
    made it (:func:`dashboard.auth.gate.log_change`): who, when and what, never the text.

    Every write of the dashboard to those stores goes through this module or
    :mod:`dashboard.queries.approaches`, so it is audited wherever it is called from.
    """
    from dashboard.auth import gate  # the auth layer reads no queries; imported when used

    gate.log_change(gate.current_page(), what, detail)
