"""Workload of wijkinspecteurs: counts, a weighted index, lead times and fairness.

The wijkcoördinator asks two questions of the task list: *is the work fairly spread* and
*where does it stall*. Wijken were drawn so that each serves about the same number of
inhabitants, so the natural yardstick is the zone mean: an index of 100 is an average load,
120 is a fifth above average.

All functions are pure (pandas in, pandas or plain Python out). They expect the columns of
``marts.tasks`` (see ``docs/DATA_CONTRACT.md``): ``task_id``, ``task_type``, ``received_at``,
``due_at``, ``closed_at``, ``inspector`` (and/or ``wijk_code``), optionally ``is_open``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import NamedTuple

import numpy as np
import pandas as pd

from etl.config import FINISHED_TASK_STATUSES

#: Column measures produced per task type by :func:`workload_index`.
COUNT_MEASURES = ("received", "closed", "open", "overdue")
#: Least share of the window an inspector must have been available for an index. Load per
#: available day over a few days is no measure: an inspector away 25 of 31 days, whose
#: tasks of those days went on arriving (and were closed by others), was called the most
#: overloaded of the zone (index 243; 69 without the absences) while his load was the
#: third lowest (an audit).
MIN_AVAILABLE_SHARE = 0.5


class Rate(NamedTuple):
    """A rate per 1,000 inhabitants with the context needed to present it honestly.

    Attributes
    ----------
    value : float or None
        Count per 1,000 inhabitants; ``None`` when the population is unknown or zero.
    count : int
        The count the rate is based on.
    population : float or None
        The population used (``None`` when unknown).
    small_base : bool
        ``True`` when the count is below the small-base threshold: show the count, not
        a rate or a percentage change.
    """

    value: float | None
    count: int
    population: float | None
    small_base: bool


def _as_day(series: pd.Series) -> pd.Series:
    """Timestamps truncated to the day (deadlines are days, not moments)."""
    return pd.to_datetime(series, errors="coerce").dt.normalize()


def _column_or_nat(tasks: pd.DataFrame, name: str) -> pd.Series:
    if name in tasks.columns:
        return _as_day(tasks[name])
    return pd.Series(pd.NaT, index=tasks.index, dtype="datetime64[ns]")


def _blank(series: pd.Series) -> pd.Series:
    """True where a text value is missing or only whitespace."""
    # Judged once per distinct value: a year of tasks repeats a few dozen names.
    codes, values = pd.factorize(series, use_na_sentinel=True)
    blank_value = pd.Series(values, dtype="string").str.strip().eq("").fillna(True).to_numpy()
    return pd.Series(np.append(blank_value, True)[codes], index=series.index)


def task_status_flags(
    tasks: pd.DataFrame,
    as_of: pd.Timestamp | str | None = None,
    period_start: pd.Timestamp | str | None = None,
) -> pd.DataFrame:
    """Per task, whether it was received, closed, open or overdue for a period.

    Parameters
    ----------
    tasks : DataFrame
        Task rows with ``received_at``, ``closed_at`` and ``due_at`` (missing columns are
        treated as unknown; ``is_open`` is used when ``closed_at`` is absent).
    as_of : date-like, optional
        End of the period (inclusive) and the moment at which "open" and "overdue" are
        judged. Defaults to the latest date present in the data, so that an old export
        is not judged against today.
    period_start : date-like, optional
        First day of the period (inclusive). ``None`` counts everything up to ``as_of``.

    Returns
    -------
    DataFrame
        Same index as ``tasks``; boolean columns ``received``, ``closed``, ``open``,
        ``overdue``.

    Notes
    -----
    A task counts as *open* at ``as_of`` when it was received on or before ``as_of`` and
    not closed on or before it; *overdue* when it is open and its deadline lies before
    ``as_of``. This reconstructs the state at the end of the period, rather than copying
    the warehouse's ``is_open`` flag, which is valid only at the build date.
    """
    received = _column_or_nat(tasks, "received_at")
    closed = _column_or_nat(tasks, "closed_at")
    due = _column_or_nat(tasks, "due_at")
    if as_of is None:
        stacked = pd.concat([received, closed])
        as_of = stacked.max() if stacked.notna().any() else pd.Timestamp.today()
    end = pd.Timestamp(as_of).normalize()
    start = pd.Timestamp(period_start).normalize() if period_start is not None else None

    in_period_received = received.le(end)
    in_period_closed = closed.le(end)
    if start is not None:
        in_period_received &= received.ge(start)
        in_period_closed &= closed.ge(start)

    if "closed_at" in tasks.columns:
        still_open = received.le(end) & (closed.isna() | closed.gt(end))
        if "status" in tasks.columns:
            # Same rule as marts.tasks: a task marked finished without a closing date is
            # not open (the missing date is a data-quality finding, not backlog).
            status = tasks["status"].astype("string").str.strip().str.lower()
            finished_undated = status.isin(FINISHED_TASK_STATUSES).fillna(False) & closed.isna()
            still_open &= ~finished_undated
    elif "is_open" in tasks.columns:
        # Without closing dates only the build-time flag is known; use it as the best guess.
        still_open = received.le(end) & tasks["is_open"].fillna(False).astype(bool)
    else:
        still_open = pd.Series(False, index=tasks.index)
    overdue = still_open & due.lt(end)
    return pd.DataFrame(
        {
            "received": in_period_received.fillna(False).astype(bool),
            "closed": in_period_closed.fillna(False).astype(bool),
            "open": still_open.fillna(False).astype(bool),
            "overdue": overdue.fillna(False).astype(bool),
        },
        index=tasks.index,
    )


def workload_index(
    tasks: pd.DataFrame,
    weights: Mapping[str, float],
    by: str = "inspector",
    *,
    period_start: pd.Timestamp | str | None = None,
    as_of: pd.Timestamp | str | None = None,
    open_weight: float = 0.0,
    absences: pd.DataFrame | None = None,
    units: Iterable[str] | None = None,
    default_weight: float = 1.0,
    compare: Iterable[str] | None = None,
    min_tasks: int = 0,
) -> pd.DataFrame:
    """Weighted workload per inspector (or wijk), relative to the zone mean.

    Parameters
    ----------
    tasks : DataFrame
        Rows of ``marts.tasks``: ``task_type``, ``received_at``, ``closed_at``, ``due_at``
        and the ``by`` column. Or the same tasks already counted, one row per group
        (:func:`dashboard.queries.workload.task_counts_for_period`): ``task_type``, the
        ``by`` column, ``tasks`` (the group's tasks) and the counts ``received``,
        ``closed``, ``open`` and ``overdue`` judged for the same period; then
        ``period_start`` and ``as_of`` are those the counts were made for.
    weights : mapping of str to float
        Weight per task type, as in ``[[task_types]]`` of ``zone.toml``
        (e.g. ``{"Kantschrift": 1.0, "Burenbemiddeling": 2.0}``).
    by : str
        Column to group on, ``"inspector"`` (default) or ``"wijk_code"``.
    period_start, as_of : date-like, optional
        The period (both inclusive); see :func:`task_status_flags`.
    open_weight : float
        Extra weight for the backlog: each task still open at ``as_of`` adds
        ``open_weight × weight(type)``. 0 (default) counts only the inflow of the period.
    absences : DataFrame, optional
        Columns ``<by>``, ``days_absent``, ``days_in_period``. When given, the index is
        computed on load per *available* day, so that an inspector on leave for half the
        period is not shown as under-loaded.
    units : iterable of str, optional
        Every inspector/wijk that must appear, also those without tasks (with
        ``min_tasks`` 0 they count as 0 in the mean; with a minimum, they have too small a
        base and are left out of it).
    default_weight : float
        Weight for task types missing from ``weights``. Such types are listed in
        ``result.attrs["unweighted_task_types"]`` so a page can warn about them.
    compare : iterable of str, optional
        The units that make up the zone: the mean is taken over these alone, and only
        they get an index. A stand-in or any other holder of tasks outside it (a
        replacement inspector holding a wijk's tasks for a month) still gets a row with
        its counts and load, but no index: as an extra unit with a small load it would
        drag the mean down and raise everyone's index. ``None`` (default) compares every
        row. Units listed here without tasks are added, as with ``units``.
    min_tasks : int
        Smallest base for an index (the zone's ``small_count_threshold``; 0 = no
        minimum). A compared unit whose load rests on fewer tasks (received in the
        period, plus open ones when ``open_weight`` > 0) gets no index; when the compared
        units carry fewer than ``min_tasks`` tasks each on average, none does (the mean
        itself rests on too little). Such units are left out of the mean too (their
        index is unknown, and their near-zero load would raise everyone else's).

    Returns
    -------
    DataFrame
        Indexed by ``by``, sorted by the index (highest first), with columns:

        - ``received``, ``closed``, ``open``, ``overdue``: totals;
        - ``received_<type>``, ``closed_<type>``, ``open_<type>``, ``overdue_<type>``:
          the same per task type;
        - ``weighted_received``, ``weighted_open``, ``weighted_load``
          (``weighted_received + open_weight × weighted_open``);
        - ``available_days``, ``load_per_available_day`` (only with ``absences``);
        - ``base_tasks``: the tasks the load rests on (received, plus open with
          ``open_weight``);
        - ``compared``: whether the row is one of the compared units (``compare``);
        - ``small_base``: a compared unit whose index is withheld for its small base;
        - ``few_days`` (only with ``absences``): a compared unit available fewer than
          :data:`MIN_AVAILABLE_SHARE` of the period's days, but not none: no index, not
          in the mean nor in :func:`workload_fairness`;
        - ``index``: 100 × load / mean load over the compared rows (``NaN`` when the
          mean is 0, an inspector had no or few available days, the row is not compared
          or its base is too small).

        ``attrs["unassigned_tasks"]`` counts tasks with no value in ``by``: they are left
        out of the index, because they belong to nobody's load yet.
        ``attrs["small_zone_base"]`` is ``True`` when the compared units carry fewer than
        ``min_tasks`` tasks on average (then no row has an index).
    """
    if by not in tasks.columns:
        raise KeyError(f"Kolom '{by}' ontbreekt in de taken.")
    counted = {"tasks", *COUNT_MEASURES} <= set(tasks.columns)
    if counted:
        flags = tasks[list(COUNT_MEASURES)].astype(int)
        size = tasks["tasks"].astype(int)
    else:
        flags = task_status_flags(tasks, as_of=as_of, period_start=period_start)
        size = pd.Series(1, index=tasks.index)
    types = (
        tasks["task_type"].astype("string").fillna("(onbekend)")
        if "task_type" in tasks.columns
        else pd.Series("(onbekend)", index=tasks.index, dtype="string")
    )
    # A type spelled in other capitals or with spaces around it ("kantschrift") is the
    # configured one, as the tasks mart matches it for its deadline.
    folded = {str(k).strip().casefold(): v for k, v in weights.items()}
    # Looked up once per distinct type, not per task (a year of the 10^6 benchmark: 749,487).
    codes, distinct = pd.factorize(types)
    keys = [str(t).strip().casefold() for t in distinct]
    weight = pd.Series(
        np.array([float(folded.get(k, default_weight)) for k in keys], dtype=float)[codes],
        index=tasks.index,
    )
    unweighted = sorted(str(t) for t, k in zip(distinct, keys, strict=True) if k not in folded)

    assigned = ~_blank(tasks[by])
    frame = flags[assigned].astype(int)
    frame["task_type"] = types[assigned]
    frame[by] = tasks.loc[assigned, by].astype("string").str.strip()
    frame["weighted_received"] = frame["received"] * weight[assigned]
    frame["weighted_open"] = frame["open"] * weight[assigned]

    per_type = frame.pivot_table(
        index=by, columns="task_type", values=list(COUNT_MEASURES), aggfunc="sum", fill_value=0
    )
    per_type = per_type.reindex(
        columns=pd.MultiIndex.from_product([COUNT_MEASURES, sorted(frame["task_type"].unique())]),
        fill_value=0,
    )
    per_type.columns = [f"{measure}_{task_type}" for measure, task_type in per_type.columns]
    totals = frame.groupby(by)[[*COUNT_MEASURES, "weighted_received", "weighted_open"]].sum()
    result = totals.join(per_type)

    compared_units = None if compare is None else [str(u) for u in compare]
    wanted = list(result.index)
    for extra in (
        list(units or [])
        + (compared_units or [])
        + (list(absences[by].astype(str)) if absences is not None else [])
    ):
        if extra not in wanted:
            wanted.append(extra)
    result = result.reindex(wanted).fillna(0)
    count_cols = [c for c in result.columns if not c.startswith("weighted_")]
    result[count_cols] = result[count_cols].astype(int)
    result["weighted_load"] = result["weighted_received"] + open_weight * result["weighted_open"]

    basis = result["weighted_load"]
    if absences is not None:
        missing = {by, "days_absent", "days_in_period"} - set(absences.columns)
        if missing:
            raise KeyError(f"Kolommen ontbreken in de afwezigheden: {sorted(missing)}")
        avail = absences.assign(**{by: absences[by].astype(str)}).groupby(by)
        available = (avail["days_in_period"].max() - avail["days_absent"].sum()).clip(lower=0)
        # Inspectors without an absence row were available the whole period.
        full = float(absences["days_in_period"].max())
        result["available_days"] = available.reindex(result.index).fillna(full).astype(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            per_day = result["weighted_load"] / result["available_days"].replace(0, np.nan)
        result["load_per_available_day"] = per_day
        basis = per_day

    result["base_tasks"] = result["received"] + (result["open"] if open_weight else 0)
    result["compared"] = (
        result.index.isin(compared_units)
        if compared_units is not None
        else np.ones(len(result), dtype=bool)
    )
    in_zone = result["compared"]
    # A unit absent the whole period has no load per day: no index, and not "too few
    # tasks" either (that withheld every fairness figure of the zone; an audit).
    present = in_zone & (
        result["available_days"].gt(0) if "available_days" in result.columns else True
    )
    small_zone = bool(present.any()) and float(result.loc[present, "base_tasks"].mean()) < min_tasks
    result["small_base"] = present & (result["base_tasks"].lt(min_tasks) | small_zone)
    # A unit whose load rests on too few tasks is left out of the mean as well: its few
    # tasks more often mean a missing export than an idle wijk, and its 0 raised every
    # other index by a tenth (an audit: a wijk without tasks, W01 145.6 -> 157.6).
    counted = present & ~result["small_base"]
    if "available_days" in result.columns:
        result["few_days"] = present & result["available_days"].lt(
            MIN_AVAILABLE_SHARE * float(absences["days_in_period"].max())
        )
        counted &= ~result["few_days"]
    mean = basis[counted].mean(skipna=True)
    index = 100.0 * basis / mean if mean and not math.isnan(mean) else np.nan
    result["index"] = pd.Series(index, index=result.index, dtype=float).where(counted)
    result.index.name = by
    result = result.sort_values("index", ascending=False, na_position="last")
    result.attrs["unweighted_task_types"] = unweighted
    result.attrs["unassigned_tasks"] = int(size[~assigned].sum())
    result.attrs["small_zone_base"] = small_zone
    result.attrs["min_tasks"] = int(min_tasks)
    return result


def workload_fairness(
    result: pd.DataFrame,
    *,
    overload_threshold: float = 120.0,
    underload_threshold: float = 80.0,
) -> dict:
    """:func:`fairness` of a :func:`workload_index` result, over its compared units only.

    Parameters
    ----------
    result : DataFrame
        The output of :func:`workload_index` (per inspector or per wijk).
    overload_threshold, underload_threshold : float
        As in :func:`fairness`.

    Returns
    -------
    dict
        The keys of :func:`fairness`, computed on the load per available day when the
        result has it (else the weighted load) of the rows with ``compared``, plus
        ``small_base``: the compared units whose base is below ``min_tasks``. When there
        is any, the figures compare too little: every statistic is ``None``, ``index``
        is empty and nobody is listed as over- or under-loaded (``n`` stays the number
        of compared units).

    Notes
    -----
    Rows that are not compared (stand-ins, other holders of tasks) are left out, so the
    mean and the index per unit agree with :func:`workload_index`.
    """
    compared = result[result["compared"]] if "compared" in result.columns else result
    if "few_days" in compared.columns:
        compared = compared[~compared["few_days"].astype(bool)]
    basis = (
        compared["load_per_available_day"]
        if "load_per_available_day" in compared.columns
        else compared["weighted_load"]
    )
    small = (
        [str(u) for u in compared.index[compared["small_base"].astype(bool)]]
        if "small_base" in compared.columns
        else []
    )
    if small:
        return {**fairness([]), "n": len(compared), "small_base": small}
    out = fairness(
        basis, overload_threshold=overload_threshold, underload_threshold=underload_threshold
    )
    return {**out, "small_base": []}


def wijk_units(
    codes: Iterable[str],
    load: Mapping[str, float] | pd.Series,
    population: Iterable[float | None],
    base: Mapping[str, float] | pd.Series | None = None,
) -> pd.DataFrame:
    """Whole wijken as the units of the what-if when the zone has no statistical sectors.

    Parameters
    ----------
    codes : iterable of str
        Wijk codes, in the order of the zone configuration.
    load : mapping or Series
        Weighted load per wijk code (a wijk missing from it carries 0).
    population : iterable
        Inhabitants per wijk, *in the order of* ``codes`` (e.g. the ``population``
        column of the wijk table, whatever its index).
    base : mapping or Series, optional
        Tasks each wijk's load rests on (``base_tasks`` of :func:`workload_index`); gives
        the column ``base_tasks`` for the small-base rule of the what-if.

    Returns
    -------
    DataFrame
        Indexed by wijk code (``unit``), columns ``load``, ``population`` (and
        ``base_tasks``), as
        :func:`dashboard.analysis.rebalance.evaluate_assignment` expects. Without
        ``population`` when any wijk's is unknown: a sum per inspector would count it
        as 0 inhabitants.

    Notes
    -----
    The population is taken by position: aligning a column with a 0..n index on the
    wijk codes gave every wijk ``NaN`` inhabitants (shown as 0 in the what-if).
    """
    codes = [str(c) for c in codes]
    loads = pd.Series(load, dtype=float) if not isinstance(load, pd.Series) else load
    people = pd.to_numeric(pd.Series(list(population), dtype="object"), errors="coerce")
    if len(people) != len(codes):
        raise ValueError("Evenveel inwonersaantallen als wijken verwacht.")
    units = pd.DataFrame(
        {
            "load": loads.reindex(codes).fillna(0.0).astype(float).to_numpy(),
            "population": people.astype(float).to_numpy(),
        },
        index=pd.Index(codes, name="unit"),
    )
    if base is not None:
        tasks = pd.Series(base, dtype=float) if not isinstance(base, pd.Series) else base
        units["base_tasks"] = tasks.reindex(codes).fillna(0.0).astype(float).to_numpy()
    return units.drop(columns="population") if units["population"].isna().any() else units


def lead_time_stats(
    tasks: pd.DataFrame,
    by: str | list[str] | None = ("task_type", "inspector"),
    quantile: float = 0.9,
) -> pd.DataFrame:
    """Median and high percentile of lead time and of lateness for closed tasks.

    Parameters
    ----------
    tasks : DataFrame
        Rows with ``received_at``, ``closed_at`` and (for lateness) ``due_at``.
    by : str or list of str or None
        Grouping columns (default per task type and inspector; ``None`` for the zone).
        Columns missing from ``tasks`` are skipped.
    quantile : float
        The high percentile to report (default 0.9).

    Returns
    -------
    DataFrame
        One row per group with ``n_closed``, ``lead_days_median``, ``lead_days_p90``
        (closed − received, days), ``days_vs_due_median``, ``days_vs_due_p90``
        (closed − due: negative = early, positive = late), ``n_late``, ``share_late`` and
        ``n_dates_inconsistent``. The suffix ``p90`` follows ``quantile`` (``p75`` for
        0.75).

    Notes
    -----
    Tasks closed before they were received are inconsistent records
    (``marts.tasks.dates_inconsistent``, negative ``lead_days``). They are left out of
    ``n_closed`` and of every duration and lateness figure (they would pull the median
    down), the same rule as the median lead time of
    :func:`dashboard.queries.workload.task_status_per_wijk`, and counted in
    ``n_dates_inconsistent`` instead, so ``n_closed + n_dates_inconsistent`` is every
    closed task. A group with only such tasks still gets a row. The quality control
    (:func:`dashboard.analysis.quality.qc_findings`) lists them.
    """
    received = _column_or_nat(tasks, "received_at")
    closed = _column_or_nat(tasks, "closed_at")
    due = _column_or_nat(tasks, "due_at")
    lead = (closed - received).dt.days
    vs_due = (closed - due).dt.days
    closed_known = lead.notna()

    groups = [by] if isinstance(by, str) else list(by or [])
    groups = [g for g in groups if g in tasks.columns]
    frame = pd.DataFrame(
        {"lead": lead, "vs_due": vs_due, "inconsistent": lead.lt(0)}, index=tasks.index
    )[closed_known]
    for g in groups:
        frame[g] = tasks.loc[closed_known, g]
    p = f"p{round(quantile * 100)}"

    def summarise(part: pd.DataFrame) -> pd.Series:
        inconsistent = part["inconsistent"]
        part = part[~inconsistent]
        late = part["vs_due"].gt(0)
        known_due = part["vs_due"].notna()
        return pd.Series(
            {
                "n_closed": len(part),
                "lead_days_median": part["lead"].median(),
                f"lead_days_{p}": part["lead"].quantile(quantile),
                "days_vs_due_median": part["vs_due"].median(),
                f"days_vs_due_{p}": part["vs_due"].quantile(quantile),
                "n_late": int(late.sum()),
                "share_late": late.sum() / known_due.sum() if known_due.any() else np.nan,
                "n_dates_inconsistent": int(inconsistent.sum()),
            }
        )

    columns = [
        "n_closed",
        "lead_days_median",
        f"lead_days_{p}",
        "days_vs_due_median",
        f"days_vs_due_{p}",
        "n_late",
        "share_late",
        "n_dates_inconsistent",
    ]
    if not groups:
        out = summarise(frame).to_frame().T if len(frame) else pd.DataFrame(columns=columns)
    elif frame.empty:
        out = pd.DataFrame(columns=groups + columns).set_index(groups)
    else:
        out = pd.DataFrame(
            [summarise(part) for _, part in frame.groupby(groups, dropna=False)],
            index=frame.groupby(groups, dropna=False).size().index,
        )
    out = out.reindex(columns=columns)
    counts = ["n_closed", "n_late", "n_dates_inconsistent"]
    out[counts] = out[counts].astype(int)
    return out


def fairness(
    values: Mapping[str, float] | pd.Series | Iterable[float],
    *,
    overload_threshold: float = 120.0,
    underload_threshold: float = 80.0,
) -> dict:
    """How evenly a load is spread over inspectors or wijken.

    Parameters
    ----------
    values : mapping, Series or iterable of float
        Load (or index) per inspector; labels come from the mapping keys or Series
        index (positions for a plain iterable). Missing values are ignored.
    overload_threshold, underload_threshold : float
        Index bounds (100 = mean) beyond which a unit is listed as over- or under-loaded.

    Returns
    -------
    dict
        ``n``; ``mean``; ``max_min_ratio`` (``None`` when the minimum is 0);
        ``gini`` (0 = perfectly even, → 1 = all work on one person); ``cv`` (population
        standard deviation / mean); ``index`` (label → 100 × value / mean);
        ``overloaded`` and ``underloaded`` (labels, highest/lowest first).
        Statistics are ``None`` when there are no values or the mean is 0.

    Notes
    -----
    Gini uses the mean absolute difference,
    :math:`G = \\sum_i \\sum_j |x_i - x_j| / (2 n^2 \\bar{x})`, so ``[1, 1, 1, 1]`` → 0 and
    ``[0, 0, 0, 1]`` → 0.75 (the maximum for four people is 1 − 1/n, not 1).
    The coefficient of variation divides by *n* (not *n* − 1): the inspectors of a zone are
    the whole population, not a sample.
    """
    if isinstance(values, pd.Series):
        series = values.astype(float)
    elif isinstance(values, Mapping):
        series = pd.Series(dict(values), dtype=float)
    else:
        series = pd.Series(list(values), dtype=float)
    series = series.dropna()
    if (series < 0).any():
        raise ValueError("Werklast kan niet negatief zijn.")
    n = len(series)
    empty = {
        "n": n,
        "mean": None,
        "max_min_ratio": None,
        "gini": None,
        "cv": None,
        "index": {},
        "overloaded": [],
        "underloaded": [],
    }
    if n == 0:
        return empty
    x = series.to_numpy()
    mean = float(x.mean())
    if mean == 0:
        return {**empty, "mean": 0.0}
    # O(n log n) form of the mean absolute difference, equal to the double sum above.
    xs = np.sort(x)
    ranks = np.arange(1, n + 1)
    gini = float(np.sum((2 * ranks - n - 1) * xs) / (n * n * mean))
    index = 100.0 * series / mean
    with np.errstate(over="ignore"):
        # A denormal minimum can overflow to inf; that is the honest answer there.
        ratio = float(x.max() / x.min()) if x.min() > 0 else None
    ordered = index.sort_values(ascending=False)
    return {
        "n": n,
        "mean": mean,
        "max_min_ratio": ratio,
        "gini": gini,
        "cv": float(x.std(ddof=0) / mean),
        "index": {k: float(v) for k, v in index.items()},
        "overloaded": [k for k, v in ordered.items() if v > overload_threshold],
        "underloaded": [k for k, v in ordered[::-1].items() if v < underload_threshold],
    }


def rate_per_1000(
    count: int | float | None,
    population: int | float | None,
    *,
    small_base_threshold: int = 5,
) -> Rate:
    """Count per 1,000 inhabitants, or ``None`` when the population is unknown.

    Parameters
    ----------
    count : int
        Number of events (``None`` or NaN is treated as 0).
    population : int or float or None
        Inhabitants; ``None``, NaN, pandas' NA, 0 or negative means unknown.
    small_base_threshold : int
        Counts below this are flagged ``small_base`` (default 5, as in
        ``[zone].small_count_threshold``): a percentage on such a base misleads.

    Returns
    -------
    Rate
        ``(value, count, population, small_base)``.

    Examples
    --------
    >>> rate_per_1000(12, 4000)
    Rate(value=3.0, count=12, population=4000.0, small_base=False)
    >>> rate_per_1000(3, None).value is None
    True
    """
    # pd.isna: None, NaN and pandas' NA alike (a nullable population column gives NA for a
    # wijk the zone configuration does not know; float(NA) crashed the Werklast page).
    n = 0 if pd.isna(count) else int(count)
    pop = None if pd.isna(population) or float(population) <= 0 else float(population)
    value = 1000.0 * n / pop if pop else None
    return Rate(value=value, count=n, population=pop, small_base=n < small_base_threshold)
