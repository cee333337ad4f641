"""Automatic quality-control findings for finished PVs, kantschriften and other tasks.

The wijkcoördinator approves or returns finished work. Before a person looks, a few
things can be checked by machine: is the record located, categorised, assigned, on time,
and do its dates make sense. Each finding is a short Dutch label the coordinator can act
on, with a detail sentence saying exactly what is wrong.

The checks adapt to the columns present, so the same function serves ``marts.tasks``
(``task_id``, ``task_type``, ``received_at``, ``due_at``, ``closed_at``, ``status``,
``inspector``, ``location_status``, ``reference``) and ``marts.incidents``
(``pv_number``, ``category``, ``occurred_from``, ``occurred_to``, ``registered_at``,
``x``, ``y``, ...). A check whose columns are absent is skipped, never guessed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import tzinfo
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from etl.config import FINISHED_TASK_STATUSES, OPEN_TASK_STATUSES

#: Finding labels, in the order they are listed per record.
GEEN_LOCATIE = "Geen locatie"
GEEN_CATEGORIE = "Geen categorie"
GEEN_WIJKINSPECTEUR = "Geen wijkinspecteur"
BUITEN_TERMIJN = "Buiten termijn"
TERMIJN_VERSTREKEN = "Termijn verstreken"
INCONSISTENTE_DATA = "Inconsistente data"
DATUM_ONTBREEKT = "Datum ontbreekt"
DATUM_IN_TOEKOMST = "Datum in de toekomst"

FINDINGS = (
    GEEN_LOCATIE,
    GEEN_CATEGORIE,
    GEEN_WIJKINSPECTEUR,
    BUITEN_TERMIJN,
    TERMIJN_VERSTREKEN,
    INCONSISTENTE_DATA,
    DATUM_ONTBREEKT,
    DATUM_IN_TOEKOMST,
)

#: Columns tried, in order, as the record's identifier.
ID_COLUMNS = ("task_id", "pv_number", "report_id", "accident_id", "control_id", "id")
#: Columns tried, in order, as the record's category.
CATEGORY_COLUMNS = ("task_type", "category", "nuisance_type", "control_type")
# Task status values (lower case): FINISHED_TASK_STATUSES spot a missing closing date,
# OPEN_TASK_STATUSES one that contradicts the status (etl.config, the tasks mart's list).


def _blank(series: pd.Series) -> pd.Series:
    """True where a text value is missing or only whitespace."""
    return series.isna() | series.astype("string").str.strip().eq("").fillna(True)


def _day(records: pd.DataFrame, name: str) -> pd.Series | None:
    if name not in records.columns:
        return None
    return pd.to_datetime(records[name], errors="coerce").dt.normalize()


def _moment(records: pd.DataFrame, name: str) -> pd.Series | None:
    if name not in records.columns:
        return None
    return pd.to_datetime(records[name], errors="coerce")


def qc_findings(
    records: pd.DataFrame,
    reference_date: pd.Timestamp | str | None = None,
    *,
    required_dates: Iterable[str] | None = None,
    skip: Iterable[str] = (),
) -> pd.DataFrame:
    """Automatic findings per record, in Dutch.

    Parameters
    ----------
    records : DataFrame
        Task or incident rows (see module docstring); any subset of the columns works.
    reference_date : date-like, optional
        "Today" for the checks that depend on it (deadline passed, date in the future).
        Without it those two checks are skipped, so that a page showing an old export
        does not call everything overdue.
    required_dates : iterable of str, optional
        Date columns that must be filled; default ``received_at`` and ``due_at`` for tasks
        (when ``task_id`` or ``task_type`` is present) and ``registered_at`` otherwise.
        Only columns present in ``records`` are checked.
    skip : iterable of str
        Finding labels not to report, e.g. ``[GEEN_LOCATIE]`` while a source is known to
        carry no coordinates at all (then every record would be flagged, which hides the
        findings that matter).

    Returns
    -------
    DataFrame
        Same index and order as ``records``, with columns ``record_id`` (from the first of
        ``task_id``, ``pv_number``, ... present; else the index), ``findings`` (list of
        labels from :data:`FINDINGS`, in that order, each at most once), ``details`` (list
        of Dutch sentences explaining each problem), ``n_findings`` and ``findings_text``
        (labels joined with ``"; "``, empty when clean).

    Notes
    -----
    - *Geen locatie*: ``x``/``y`` missing, or ``location_status`` other than ``ok``.
    - *Buiten termijn*: closed after the due date (days, so closing on the due date is on
      time).
    - *Termijn verstreken*: still open and the due date lies before ``reference_date``.
    - *Inconsistente data*: closed before received, due before received, occurred after
      registered, end of the facts before their start, or a status that contradicts the
      closing date (``Open`` with a closing date, ``Afgewerkt`` without one).
    """
    idx = records.index
    n = len(records)
    flags: dict[str, np.ndarray] = {}
    details: dict[str, list[pd.Series]] = {}

    skipped = set(skip)
    unknown = skipped - set(FINDINGS)
    if unknown:
        raise ValueError(f"Onbekende bevinding(en) in skip: {sorted(unknown)}")

    def add(label: str, mask: pd.Series, text: pd.Series | str) -> None:
        mask = mask.fillna(False).astype(bool).to_numpy()
        if label in skipped or not mask.any():
            return
        flags[label] = flags.get(label, np.zeros(n, dtype=bool)) | mask
        sentence = (
            pd.Series(text, index=idx, dtype="object")
            if isinstance(text, str)
            else text.astype("object")
        )
        details.setdefault(label, []).append(sentence.where(mask, None))

    # Location
    if "location_status" in records.columns:
        status = records["location_status"].astype("string").str.strip().str.lower()
        add(
            GEEN_LOCATIE,
            status.ne("ok").fillna(True),
            "Locatiestatus: " + status.fillna("onbekend").astype(str),
        )
    if "x" in records.columns and "y" in records.columns:
        missing_xy = (
            pd.to_numeric(records["x"], errors="coerce").isna()
            | pd.to_numeric(records["y"], errors="coerce").isna()
        )
        add(GEEN_LOCATIE, missing_xy, "Coördinaten ontbreken.")

    # Category and assignment
    cat_col = next((c for c in CATEGORY_COLUMNS if c in records.columns), None)
    if cat_col:
        add(GEEN_CATEGORIE, _blank(records[cat_col]), f"Veld '{cat_col}' is leeg.")
    if "inspector" in records.columns:
        add(GEEN_WIJKINSPECTEUR, _blank(records["inspector"]), "Geen wijkinspecteur toegewezen.")

    # Dates
    received = _day(records, "received_at")
    due = _day(records, "due_at")
    closed = _day(records, "closed_at")
    occurred_from = _moment(records, "occurred_from")
    occurred_to = _moment(records, "occurred_to")
    registered = _moment(records, "registered_at")

    if closed is not None and due is not None:
        late = closed.gt(due)
        days_late = (closed - due).dt.days
        add(
            BUITEN_TERMIJN,
            late,
            "Afgesloten " + days_late.astype("Int64").astype(str) + " dag(en) na de termijn.",
        )
    if closed is not None and received is not None:
        add(INCONSISTENTE_DATA, closed.lt(received), "Afgesloten vóór de ontvangst.")
    if due is not None and received is not None:
        add(INCONSISTENTE_DATA, due.lt(received), "Termijn ligt vóór de ontvangst.")
    if occurred_from is not None and registered is not None:
        add(
            INCONSISTENTE_DATA,
            occurred_from.gt(registered),
            "Feit gepleegd na de registratie.",
        )
    if occurred_from is not None and occurred_to is not None:
        add(INCONSISTENTE_DATA, occurred_to.lt(occurred_from), "Einde feit vóór begin feit.")
    if "status" in records.columns and closed is not None:
        status = records["status"].astype("string").str.strip().str.lower()
        add(
            INCONSISTENTE_DATA,
            status.isin(OPEN_TASK_STATUSES) & closed.notna(),
            "Status is open maar er is een afsluitdatum.",
        )
        add(
            INCONSISTENTE_DATA,
            status.isin(FINISHED_TASK_STATUSES) & closed.isna(),
            "Status is afgewerkt maar de afsluitdatum ontbreekt.",
        )

    if required_dates is None:
        is_task = "task_id" in records.columns or "task_type" in records.columns
        required_dates = ("received_at", "due_at") if is_task else ("registered_at",)
    for name in required_dates:
        if name in records.columns:
            missing = pd.to_datetime(records[name], errors="coerce").isna()
            add(DATUM_ONTBREEKT, missing, f"Datum '{name}' ontbreekt of is onleesbaar.")

    if reference_date is not None:
        today = pd.Timestamp(reference_date).normalize()
        if due is not None:
            still_open = closed.isna() if closed is not None else pd.Series(True, index=idx)
            if "is_open" in records.columns and closed is None:
                still_open = records["is_open"].fillna(False).astype(bool)
            if "status" in records.columns:
                # A record marked finished is not "open", even if its closing date is
                # missing; that contradiction is reported as inconsistent instead.
                finished = records["status"].astype("string").str.strip().str.lower()
                still_open = still_open & ~finished.isin(FINISHED_TASK_STATUSES).fillna(False)
            add(
                TERMIJN_VERSTREKEN,
                still_open & due.lt(today),
                "Nog open; termijn verstreken op "
                + due.dt.strftime("%d/%m/%Y").astype("object")
                + ".",
            )
        for name, series in (
            ("received_at", received),
            ("closed_at", closed),
            ("registered_at", registered),
            ("occurred_from", occurred_from),
        ):
            if series is not None:
                # Any moment on the reference day itself is still "today".
                add(
                    DATUM_IN_TOEKOMST,
                    series.ge(today + pd.Timedelta(days=1)),
                    f"Datum '{name}' ligt na de referentiedatum.",
                )

    id_col = next((c for c in ID_COLUMNS if c in records.columns), None)
    record_id = records[id_col] if id_col else pd.Series(idx, index=idx)
    found: list[list[str]] = [[] for _ in range(n)]
    explained: list[list[str]] = [[] for _ in range(n)]
    for label in FINDINGS:
        if label not in flags:
            continue
        for row in np.flatnonzero(flags[label]):
            found[row].append(label)
        for part in details[label]:
            values = part.to_numpy()
            for row in np.flatnonzero(pd.notna(values)):
                explained[row].append(f"{label}: {values[row]}")
    return pd.DataFrame(
        {
            "record_id": record_id.to_numpy(),
            "findings": found,
            "details": explained,
            "n_findings": [len(f) for f in found],
            "findings_text": ["; ".join(f) for f in found],
        },
        index=idx,
    )


def qc_summary(findings: pd.DataFrame, by: pd.Series | None = None) -> pd.DataFrame:
    """Count records per finding (optionally per group, e.g. per inspector).

    Parameters
    ----------
    findings : DataFrame
        Output of :func:`qc_findings`.
    by : Series, optional
        Group label per record (same index), e.g. ``tasks["inspector"]``.

    Returns
    -------
    DataFrame
        Columns ``finding`` (and ``group``), ``n`` (records with that finding); findings
        that never occur are left out. Without ``by`` an extra row ``"Zonder
        opmerkingen"`` counts the clean records.
    """
    exploded = findings[["findings"]].explode("findings").dropna()
    if by is None:
        counts = exploded["findings"].value_counts()
        out = (
            counts.reindex([f for f in FINDINGS if f in counts.index])
            .rename_axis("finding")
            .reset_index(name="n")
        )
        clean = int(findings["n_findings"].eq(0).sum())
        return pd.concat(
            [out, pd.DataFrame({"finding": ["Zonder opmerkingen"], "n": [clean]})],
            ignore_index=True,
        )
    group = by.reindex(exploded.index).astype("string").str.strip()
    exploded["group"] = group.mask(group.eq(""), None).fillna("(onbekend)")
    out = exploded.groupby(["group", "findings"]).size().reset_index(name="n")
    out = out.rename(columns={"findings": "finding"})
    out["order"] = out["finding"].map({f: i for i, f in enumerate(FINDINGS)})
    return out.sort_values(["group", "order"]).drop(columns="order").reset_index(drop=True)


def review_queue(
    records: pd.DataFrame,
    latest_reviews: pd.DataFrame,
    *,
    item_kind: str,
    id_col: str = "task_id",
    reference_date: pd.Timestamp | str | None = None,
    timezone: tzinfo | str | None = None,
) -> pd.DataFrame:
    """Finished records still waiting for the coordinator, with their findings.

    A record is in the queue when it is finished (a closing date, or a finished status)
    and has no decision yet, or its latest decision is *teruggestuurd* and the record was
    closed again after that decision (the inspector has reworked it).

    Parameters
    ----------
    records : DataFrame
        Task (or PV) rows with ``id_col`` and ``closed_at`` and/or ``status``.
        ``closed_at`` is the export's wall-clock time in the zone (naive), often without
        a time of day (midnight).
    latest_reviews : DataFrame
        :meth:`etl.reviews.ReviewStore.latest` (columns ``item_kind``, ``item_id``,
        ``decision``, ``recorded_at`` and, for decisions stored with it,
        ``item_closed_at``).
    item_kind : str
        Which kind of review applies (e.g. ``"taak"``).
    id_col : str
        Identifier column of ``records``.
    reference_date : date-like, optional
        Passed to :func:`qc_findings`.
    timezone : tzinfo or str, optional
        The zone's time zone (``[zone].timezone``), in which ``closed_at`` is written;
        default that of the zone configuration (:func:`etl.config.zone_clock`).

    Returns
    -------
    DataFrame
        The queued records (all their columns) plus ``last_decision``,
        ``last_decision_at`` and the :func:`qc_findings` columns, records with the most
        findings first, then oldest closing date first.

    Notes
    -----
    When is a returned record "closed again"?

    - The decision kept the closing date it was taken on (``item_closed_at``): when the
      record's closing date is now later than that one. Where either of the two has no
      time of day (midnight), the days are compared: an export that only changed from
      "01/12/2026 16:20" to "01/12/2026" did not rework anything.
    - A decision without it (stored before the column existed, or on a record without a
      closing date): the closing date against the moment of the decision, both in the
      zone's local time; a day-only closing date counts from the day of the decision on
      (a task returned on 01/12 at 16:36 and closed again "01/12/2026" is queued again).
    """
    finished = pd.Series(False, index=records.index)
    if "closed_at" in records.columns:
        finished |= pd.to_datetime(records["closed_at"], errors="coerce").notna()
    if "status" in records.columns:
        finished |= (
            records["status"].astype("string").str.strip().str.lower().isin(FINISHED_TASK_STATUSES)
        ).fillna(False)
    done = records[finished]
    reviews = latest_reviews
    if len(reviews):
        reviews = reviews[reviews["item_kind"] == item_kind]
    columns = ["decision", "recorded_at", "item_closed_at"]
    if "item_closed_at" not in reviews.columns:
        reviews = reviews.assign(item_closed_at=pd.NaT)
    decided = (
        reviews.set_index(reviews["item_id"].astype(str))[columns]
        if len(reviews)
        else pd.DataFrame(columns=columns)
    )
    keys = done[id_col].astype(str)
    last = decided.reindex(keys.to_numpy())
    last.index = done.index
    waiting = last["decision"].isna()
    if "closed_at" in done.columns and len(done):
        zone = _zone(timezone)
        closed = _local(pd.to_datetime(done["closed_at"], errors="coerce"), zone)
        # The decision's moment on the zone's clock, like the closing dates of the export.
        decided_at = (
            pd.to_datetime(last["recorded_at"], errors="coerce", utc=True)
            .dt.tz_convert(zone)
            .dt.tz_localize(None)
        )
        seen = _local(pd.to_datetime(last["item_closed_at"], errors="coerce"), zone)
        day_only = closed.eq(closed.dt.normalize())
        by_days = day_only | seen.eq(seen.dt.normalize())
        later_than_seen = closed.gt(seen).where(
            ~by_days, closed.dt.normalize().gt(seen.dt.normalize())
        )
        after_decision = closed.gt(decided_at).where(
            ~day_only, closed.dt.normalize().ge(decided_at.dt.normalize())
        )
        again = later_than_seen.where(seen.notna(), after_decision)
        reworked = last["decision"].eq("teruggestuurd") & again.fillna(False).astype(bool)
        waiting |= reworked.fillna(False)
    queue = done[waiting.to_numpy()].copy()
    queue["last_decision"] = last.loc[queue.index, "decision"]
    queue["last_decision_at"] = last.loc[queue.index, "recorded_at"]
    qc = qc_findings(queue, reference_date)
    queue = queue.join(qc[["findings", "details", "n_findings", "findings_text"]])
    sort_cols, ascending = ["n_findings"], [False]
    if "closed_at" in queue.columns:
        sort_cols.append("closed_at")
        ascending.append(True)
    return queue.sort_values(sort_cols, ascending=ascending, kind="stable")


def _zone(timezone: tzinfo | str | None) -> tzinfo:
    """The time zone asked for, else the zone configuration's."""
    if timezone is None:
        from etl.config import zone_clock

        return zone_clock()
    return ZoneInfo(timezone) if isinstance(timezone, str) else timezone


def _local(stamps: pd.Series, zone: tzinfo) -> pd.Series:
    """Naive wall-clock times in ``zone`` (aware values are converted, naive kept)."""
    if stamps.dt.tz is not None:
        return stamps.dt.tz_convert(zone).dt.tz_localize(None)
    return stamps
