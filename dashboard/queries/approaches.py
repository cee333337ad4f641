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

from dashboard.analysis import before_after
from dashboard.queries import common, incidents
from dashboard.queries._db import WarehouseVersion
from dashboard.queries.districts import wijken as district_wijken
from dashboard.queries.reviews import audit_change, reviewer_name, store_version
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
    "approach_effects",
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
    audit_change(
        "aanpak_gestart",
        {"aanpak": int(approach_id), "adres": _place(address, municipality), "wijk": wijk_code,
         "vanaf": first_day.isoformat()},
    )  # fmt: skip
    return approach_id


def close_approach(approach_id: int, last_day: dt.date, note: str) -> None:
    """Record the end of an approach as the signed-in user, and forget cached reads."""
    known = _approaches(store_version(default_path()))
    row = known[known["approach_id"] == int(approach_id)]
    ApproachStore(default_path()).close(approach_id, last_day, note, recorder_name())
    _approaches.clear()
    place = _place(row["address"].iat[0], row["municipality"].iat[0]) if len(row) else None
    audit_change(
        "aanpak_afgesloten",
        {"aanpak": int(approach_id), "adres": place, "laatste_dag": last_day.isoformat()},
    )


def _place(address: str, municipality: str | None) -> str:
    """``Stationsstraat 12, Herent``: an approach's address as the page names it."""
    return address + (f", {municipality}" if municipality and not pd.isna(municipality) else "")


#: What :func:`approach_effects` gives per source (``<source>_<field>``).
_EFFECT_FIELDS = (
    "voor", "na", "verschil", "signaal", "p", "opvallend", "dagen", "vanaf", "reden",
    "relatief", "relatief_laag", "relatief_hoog", "richting",
)  # fmt: skip


def approach_effects(
    version: WarehouseVersion,
    wijken: tuple[str, ...] | None,
    sources: Sequence[str] = incidents.SOURCE_DATASETS,
    categories: tuple[str, ...] = (),
    hours: tuple[int, int] = incidents.ALL_HOURS,
    weekdays: tuple[int, ...] = (),
    ended_since: dt.date | None = None,
) -> pd.DataFrame:
    """The approaches of ``wijken`` (see :func:`all_approaches`), each with its effect.

    An approach is judged from its first day to its last (while it runs: to the source's
    last day), at most a year, against as many days right before it
    (:func:`dashboard.analysis.before_after.effect_windows`), per source apart, with the
    given filters.

    Parameters
    ----------
    sources : sequence of {"incidents", "nuisance"}
        The sources to count; the others get no figures.
    ended_since : date, optional
        Only the running approaches and those that ended on or after this day.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`all_approaches`, ``wijk`` (its name), and per source
        ``<source>_voor``, ``_na`` (counts), ``_verschil``, ``_signaal``, ``_p``,
        ``_opvallend`` (:func:`dashboard.analysis.before_after.compare`), ``_dagen`` (days
        on each side), ``_vanaf`` (first day before), ``_reden`` (why there are no
        figures, else empty), and the change against the rest of the area (the zone, or
        ``wijken``, without the address and its surroundings within
        :data:`~dashboard.analysis.before_after.DEFAULT_RADIUS` m) as the Bronnen page
        shows it by default: ``_relatief``, ``_relatief_laag``, ``_relatief_hoog``,
        ``_richting`` (:func:`dashboard.analysis.before_after.relative_change`).
    """
    return _approach_effects(
        store_version(default_path()), version, wijken, tuple(sources), categories, hours,
        weekdays, ended_since,
    )  # fmt: skip


@st.cache_data(show_spinner=False, max_entries=32)
def _approach_effects(
    store: tuple[str, int, int],
    version: WarehouseVersion,
    wijken: tuple[str, ...] | None,
    sources: tuple[str, ...],
    categories: tuple[str, ...],
    hours: tuple[int, int],
    weekdays: tuple[int, ...],
    ended_since: dt.date | None,
) -> pd.DataFrame:
    """:func:`approach_effects`, kept per version of the store (``store``) and of the
    warehouse: the pages draw the list on every rerun, and judging the approaches anew each
    time cost 0.3 s for 20 of them at 10^6 records."""
    frame = all_approaches(wijken)
    if ended_since is not None and not frame.empty:
        ended = pd.to_datetime(frame["ended_on"])
        frame = frame[ended.isna() | (ended >= pd.Timestamp(ended_since))]
    frame = frame.reset_index(drop=True)
    names = district_wijken(version).set_index("code")["name"]
    frame["wijk"] = [names.get(c, c) for c in frame["wijk_code"]]
    # The day each source's data begin (not the first of that month: the days before its
    # first record counted 0), its last day and its months without one record.
    by_domain = common.source_span_map(version)
    spans = {
        k: (
            by_domain[k].first if k in by_domain else None,
            common.dataset_known_until(version, k),
            by_domain[k].gaps if k in by_domain else (),
        )
        for k in sources
    }
    extra = []
    for a in frame.to_dict("records"):
        started = pd.Timestamp(a["started_on"]).date()
        ended = None if pd.isna(a["ended_on"]) else pd.Timestamp(a["ended_on"]).date()
        key = tuple(None if pd.isna(a[p]) else a[p] for p in KEY_PARTS)
        fields: dict = {}
        place: tuple[float, ...] | None | bool = False  # not looked up yet
        for k in incidents.SOURCE_DATASETS:
            stretches = (
                before_after.effect_windows(
                    started, ended, spans[k][0], spans[k][1], gaps=spans[k][2]
                )
                if k in spans
                else "niet gekozen"
            )
            if isinstance(stretches, str):
                fields[f"{k}_reden"] = stretches
                continue
            if place is False:  # once per approach, for the sources that judge it
                place = incidents.address_place(version, key, wijken or ())
            daily = incidents.address_surroundings_daily(
                version, k, key, place, before_after.DEFAULT_RADIUS, wijken or (), categories,
                hours, weekdays,
            )  # fmt: skip
            at_address = daily[["dag", "adres"]].rename(columns={"adres": "aantal"})
            result = before_after.compare(at_address, stretches)
            relative = before_after.surroundings(daily, stretches)["adres_relatief"]
            fields |= {f"{k}_{c}": v for c, v in result.items()}
            fields |= {
                f"{k}_dagen": stretches.days,
                f"{k}_vanaf": stretches.before.start,
                f"{k}_reden": None,
                f"{k}_relatief": relative["verhouding"],
                f"{k}_relatief_laag": relative["laag"],
                f"{k}_relatief_hoog": relative["hoog"],
                f"{k}_richting": relative["richting"],
            }
        extra.append(fields)
    # Object columns: a count stays an int beside the gaps of a source that cannot judge.
    columns = [f"{k}_{c}" for k in incidents.SOURCE_DATASETS for c in _EFFECT_FIELDS]
    frame = pd.concat(
        [frame, pd.DataFrame(extra, index=frame.index, columns=columns, dtype=object)], axis=1
    )
    return frame
