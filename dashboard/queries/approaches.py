"""Approaches of problem addresses (aanpakken) for the dashboard.

Approaches live outside the warehouse, in :class:`etl.approaches.ApproachStore`
(``state_dir()/aanpakken.duckdb``), so that every rebuild keeps them. This module is the
dashboard's only door to that store, as :mod:`dashboard.queries.reviews` is to the review
decisions: reads are cached per *store version* (path, modification time, size) and
forgotten after a write.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard.queries.reviews import reviewer_name, store_version
from etl.approaches import (
    KEY_PARTS,
    MAX_TEXT_LENGTH,
    ApproachError,
    ApproachStore,
    default_path,
    empty_frame,
    running_in,
)

__all__ = [
    "KEY_PARTS",
    "MAX_TEXT_LENGTH",
    "ApproachError",
    "all_approaches",
    "close_approach",
    "recorder_name",
    "running_at",
    "start_approach",
]

#: Who records, as for the review decisions: the signed-in user, else the coordinator.
recorder_name = reviewer_name


@st.cache_data(show_spinner=False, max_entries=32)
def _approaches(version: tuple[str, int, int]) -> pd.DataFrame:
    return ApproachStore(Path(version[0])).approaches()


def all_approaches(wijken: Sequence[str] | None = ()) -> pd.DataFrame:
    """The approaches, running ones first (:meth:`ApproachStore.approaches`).

    Parameters
    ----------
    wijken : sequence of str or None
        Only those of these wijken (an approach of an address without wijk only when the
        sequence is empty, meaning every wijk); ``None``: none at all (a reader who may
        see no records).
    """
    if wijken is None:
        return empty_frame()
    frame = _approaches(store_version(default_path()))
    if wijken:
        frame = frame[frame["wijk_code"].isin(list(wijken))]
    return frame.reset_index(drop=True)


def running_at(address_key: Sequence[str | None]) -> dict | None:
    """The running approach of an address (its key as text, ``None`` for a missing
    part), or ``None``."""
    return running_in(_approaches(store_version(default_path())), address_key)


def start_approach(
    address_key: Sequence[str | None],
    address: str,
    municipality: str | None,
    wijk_code: str | None,
    first_day: dt.date,
    description: str,
) -> int:
    """Record an approach of an address as the signed-in user, and forget cached reads.

    Raises
    ------
    etl.approaches.ApproachError
        With a Dutch message (no description, a second running approach, ...).
    """
    approach_id = ApproachStore(default_path()).start(
        address_key, address, municipality, wijk_code, first_day, description, recorder_name()
    )
    _approaches.clear()
    return approach_id


def close_approach(approach_id: int, last_day: dt.date, note: str) -> None:
    """Record the end of an approach as the signed-in user, and forget cached reads."""
    ApproachStore(default_path()).close(approach_id, last_day, note, recorder_name())
    _approaches.clear()
