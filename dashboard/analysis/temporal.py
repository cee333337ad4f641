"""When things happen: hour × weekday matrices, aoristic weights, CompStat comparisons.

Timestamps are local wall-clock time (the hour a wijkinspecteur would read on a PV).
Time-zone-aware timestamps are taken at their own wall-clock time; naive ones as given.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

__all__ = [
    "WEEKDAY_LABELS",
    "hour_weekday_matrix",
    "aoristic_hour_weekday",
    "month_cut_short",
    "monthly_with_last_year",
    "poisson_signal",
]

#: ISO weekday number (1 = Monday) → Dutch name.
WEEKDAY_LABELS: dict[int, str] = {
    1: "maandag",
    2: "dinsdag",
    3: "woensdag",
    4: "donderdag",
    5: "vrijdag",
    6: "zaterdag",
    7: "zondag",
}

_HOURS_PER_WEEK = 168
_NS_PER_HOUR = 3_600_000_000_000
# 1970-01-05 was a Monday: hours counted from it make hour-of-week = hours mod 168.
_MONDAY_EPOCH_NS = pd.Timestamp("1970-01-05").value
_ONE_WEEK = pd.Timedelta(days=7)


def _empty_matrix() -> pd.DataFrame:
    return pd.DataFrame(
        np.zeros((7, 24)),
        index=pd.Index(range(1, 8), name="weekdag"),
        columns=pd.Index(range(24), name="uur"),
    )


def _wall_clock(values: pd.Series) -> pd.Series:
    ts = pd.to_datetime(values)
    if isinstance(ts.dtype, pd.DatetimeTZDtype):
        ts = ts.dt.tz_localize(None)
    return ts


def _hours_since_monday(ts: pd.Series) -> np.ndarray:
    """Float hours since Monday 1970-01-05 00:00 (NaT → NaN)."""
    ns = ts.astype("datetime64[ns]").to_numpy().astype("int64").astype(float)
    hours = (ns - _MONDAY_EPOCH_NS) / _NS_PER_HOUR
    hours[ts.isna().to_numpy()] = np.nan
    return hours


def hour_weekday_matrix(df: pd.DataFrame, ts_col: str) -> pd.DataFrame:
    """Count records per weekday and hour of the day.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per record.
    ts_col : str
        Timestamp column (datetime-like or parseable). Missing timestamps are skipped.

    Returns
    -------
    pandas.DataFrame
        7 × 24 integer counts; index ``weekdag`` 1..7 (1 = maandag, ISO), columns ``uur``
        0..23. Use :data:`WEEKDAY_LABELS` for the names.
    """
    ts = _wall_clock(df[ts_col]).dropna()
    matrix = np.zeros((7, 24), dtype=np.int64)
    np.add.at(matrix, (ts.dt.dayofweek.to_numpy(), ts.dt.hour.to_numpy()), 1)
    out = _empty_matrix().astype(np.int64)
    out.loc[:, :] = matrix
    return out


def aoristic_hour_weekday(
    df: pd.DataFrame,
    start_col: str,
    end_col: str,
    max_window: pd.Timedelta = _ONE_WEEK,
) -> pd.DataFrame:
    """Aoristic weekday × hour profile for records known only to lie within a time window.

    A burglary discovered on Monday morning happened "between Friday 18:00 and Monday
    08:00". Aoristic analysis (Ratcliffe 2000) spreads each record's weight of 1 over its
    window: every hour slot receives the share of the window that falls inside it (the
    time of the event is taken as uniformly distributed over the window).

    Parameters
    ----------
    df : pandas.DataFrame
        One row per record.
    start_col, end_col : str
        Earliest and latest possible time. A missing end, or an end not after the start,
        makes the record an exact-time record: weight 1 in the start hour. Records without
        a start are skipped.
    max_window : pandas.Timedelta, default 7 days
        Windows this long or longer carry no information about the time of week: their
        weight is spread uniformly, 1/168 to each of the 168 hour slots.

    Returns
    -------
    pandas.DataFrame
        7 × 24 float weights; index ``weekdag`` 1..7 (1 = maandag), columns ``uur`` 0..23.
        The weights add up to the number of records with a start time.

    Examples
    --------
    A window of Monday 13:00-17:00 gives 0.25 to the hours 13, 14, 15 and 16 of Monday;
    13:30-15:30 gives 0.25 to 13, 0.5 to 14 and 0.25 to 15.

    Notes
    -----
    Vectorised in O(records + 168): the time a window spends in each hour-of-week slot is
    ``F(end) - F(start)`` with ``F(x)`` the cumulative time per slot from a reference
    Monday; ``F`` is a whole number of weeks plus a partial week, summed with
    ``numpy.bincount``. Daylight-saving changes are ignored (wall-clock arithmetic).
    """
    start = _wall_clock(df[start_col])
    end = _wall_clock(df[end_col]) if end_col is not None else pd.Series(pd.NaT, index=df.index)
    s = _hours_since_monday(start)
    e = _hours_since_monday(end)
    keep = ~np.isnan(s)
    s, e = s[keep], e[keep]

    window_hours = max_window / pd.Timedelta(hours=1)
    exact = np.isnan(e) | (e <= s)
    long = ~exact & (e - s >= window_hours)
    spread = ~exact & ~long

    weights = np.zeros(_HOURS_PER_WEEK)
    # Exact-time records: 1 in their hour.
    slot = np.floor(s[exact]).astype(np.int64) % _HOURS_PER_WEEK
    weights += np.bincount(slot, minlength=_HOURS_PER_WEEK)
    # Long windows: uniform.
    weights += long.sum() / _HOURS_PER_WEEK
    # Spread windows: density 1/d over [s, e).
    if spread.any():
        weights += _cumulative_slots(e[spread], s[spread])
    out = _empty_matrix()
    out.loc[:, :] = weights.reshape(7, 24)
    return out


def _cumulative_slots(end: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Σ_i (F(end_i) - F(start_i)) / (end_i - start_i) per hour-of-week slot."""
    density = 1.0 / (end - start)
    total = np.zeros(_HOURS_PER_WEEK)
    week_end = np.floor(end / _HOURS_PER_WEEK)
    week_start = np.floor(start / _HOURS_PER_WEEK)
    # Every whole week between the two week starts covers each slot for one hour.
    total += np.sum((week_end - week_start) * density)
    for x, weeks, sign in ((end, week_end, 1.0), (start, week_start, -1.0)):
        r = x - weeks * _HOURS_PER_WEEK  # position within the week, [0, 168)
        q = np.clip(np.floor(r).astype(np.int64), 0, _HOURS_PER_WEEK - 1)
        frac = r - q
        w = sign * density
        # Partial week: slots before q fully (1 h), slot q for `frac` h.
        at_q = np.bincount(q, weights=w, minlength=_HOURS_PER_WEEK)
        at_or_after = np.cumsum(at_q[::-1])[::-1]  # Σ w over records with q >= slot
        total += np.concatenate([at_or_after[1:], [0.0]])  # records with q > slot
        total += np.bincount(q, weights=w * frac, minlength=_HOURS_PER_WEEK)
    return total


def poisson_signal(now, before, threshold: float = 2.0) -> pd.DataFrame:
    """CompStat signal for a change between two counts, and whether it is opvallend.

    ``z = 2·(√now − √before)`` (:func:`dashboard.analysis.compstat.poisson_signal`, the
    briefing's signal). With two noisy counts that difference has a standard deviation of
    about √2, not 1, so ``|z| > 2`` alone flags some 16 % of unchanged months (Bronnen and
    notebook 01 listed that noise as "opvallend"). A change is ``notable`` as in the
    briefing: ``|z| > threshold`` *and* unlikely by chance on its own, the exact test
    (:func:`dashboard.analysis.compstat.poisson_p_value`) below
    :data:`~dashboard.analysis.compstat.MAX_P_SENTENCE`. It stays meaningful on small
    bases where a percentage misleads (1 → 3 is "+200 %" but z = 1.46, not notable).

    Parameters
    ----------
    now, before : scalar or array-like
        Non-negative counts of the current and the comparison period (same shape).
    threshold : float, default 2.0
        ``|z|`` strictly above it (and ``p`` below 5 %) is ``notable``.

    Returns
    -------
    pandas.DataFrame
        Columns ``now``, ``before``, ``verschil`` (now − before), ``z``, ``p`` and
        ``notable`` (bool). Keeps the index of ``now`` when it is a Series. Missing counts
        give NaN z and ``notable`` False; zeros are fine (``2·(√3 − √0) = 3.46``).
    """
    from dashboard.analysis.compstat import is_opvallend, poisson_p_value
    from dashboard.analysis.compstat import poisson_signal as signal

    index = now.index if isinstance(now, pd.Series) else None
    now_a = np.atleast_1d(np.asarray(now, dtype=float))
    before_a = np.atleast_1d(np.asarray(before, dtype=float))
    now_a, before_a = np.broadcast_arrays(now_a, before_a)
    if (now_a < 0).any() or (before_a < 0).any():
        raise ValueError("poisson_signal: tellingen moeten niet-negatief zijn")
    z = signal(now_a, before_a)
    p = poisson_p_value(now_a, before_a)
    notable = is_opvallend(z, p, z_threshold=threshold)
    return pd.DataFrame(
        {
            "now": now_a,
            "before": before_a,
            "verschil": now_a - before_a,
            "z": z,
            "p": p,
            "notable": notable,
        },
        index=index,
    )


def month_cut_short(day: date) -> bool:
    """Whether a period ending on ``day`` holds only the first days of its month."""
    return day.day < pd.Period(day, "M").days_in_month


def monthly_with_last_year(
    df_monthly: pd.DataFrame,
    month_col: str = "maand",
    count_col: str = "n",
    by: list[str] | None = None,
    threshold: float = 2.0,
    through: date | None = None,
    through_col: str | None = None,
    since: date | None = None,
    since_col: str | None = None,
    between_col: str | None = None,
    months: tuple[date, date] | None = None,
    known_from: date | None = None,
) -> pd.DataFrame:
    """Monthly counts next to the same month one year earlier, with a Poisson signal.

    Parameters
    ----------
    df_monthly : pandas.DataFrame
        Counts per month (and per group). ``month_col`` may hold timestamps, dates,
        ``pandas.Period`` or strings like ``"2025-03"``; any day within the month works.
        Several rows for one month (and group) are summed.
    month_col, count_col : str
        Column names.
    by : list of str, optional
        Group columns (for example ``["wijk"]``); each group gets its own series.
    threshold : float, default 2.0
        ``notable`` when ``|z| > threshold`` (see :func:`poisson_signal`).
    through : datetime.date, optional
        The last day the counts cover (the end of the chosen period). When it is not the
        last day of its month, that month is incomplete, and a whole month a year earlier
        would make it look like a drop (a weekly briefing mid-month flagged one every
        time): it is compared with the same days of that month a year earlier instead,
        from ``through_col``.
    through_col : str, optional
        Per month, the records on or before day ``through.day`` of the month
        (``n_tot_dag`` of :func:`dashboard.queries.hotspots.monthly_counts`). Needed for
        ``through`` to have an effect.
    since, since_col : datetime.date and str, optional
        The first day the chosen period covers, and per month the records on or after day
        ``since.day``. When ``since`` is not the first of its month, that month counts from
        that day only, set against the same days a year earlier (a period from the 3rd
        showed the whole month, more than the period's own figures).
    between_col : str, optional
        Per month, the records from day ``since.day`` through day ``through.day``: used
        when ``since`` and ``through`` cut the same month.
    months : (datetime.date, datetime.date), optional
        First and last month to return (any day within them), for example the 12 months
        before a period's start through its end. Default: the first and the last month
        with a row. Taken from the rows, a filtered series (one wijk, one category) lost
        the months without a record at its end.
    known_from : datetime.date, optional
        The first day the data cover (not the first day with a filtered record). A month
        before the month of this day is unknown: its count and any comparison with it are
        NaN. Past the first of its month, that month is known in part: a comparison with
        it is NaN too, unless the later month counts from that day on as well (``since``).
        Default: the first month with a row.

    Returns
    -------
    pandas.DataFrame
        One row per month (per group) over ``months`` (default: from the first to the last
        month in the data), months without a row filled with 0. Columns: ``by`` columns,
        ``month_col`` (monthly ``pandas.Period``), ``count_col`` (NaN before
        ``known_from``), ``vorig_jaar`` (same month a year earlier, or the same days of it
        for an incomplete month; NaN when that month lies before the data start, which is
        unknown rather than 0), ``verschil``, ``z``, ``notable`` and ``deels`` (True for an
        incomplete month: the one ``since`` begins or ``through`` ends).
    """
    by = list(by or [])
    # The month(s) the period cuts short, and the column that counts their days.
    cuts: dict[pd.Period, str] = {}
    if through is not None and through_col is not None and month_cut_short(through):
        cuts[pd.Period(through, "M")] = through_col
    if since is not None and since_col is not None and since.day > 1:
        first_month = pd.Period(since, "M")
        if first_month in cuts:
            if between_col is None:
                raise ValueError(
                    "between_col is nodig als since en through dezelfde maand afsnijden"
                )
            cuts[first_month] = between_col
        else:
            cuts[first_month] = since_col
    df = df_monthly[[*by, month_col, count_col, *dict.fromkeys(cuts.values())]].copy()
    month = df[month_col]
    if not isinstance(month.dtype, pd.PeriodDtype):
        month = _wall_clock(month).dt.to_period("M")
    df[month_col] = month.astype("period[M]")
    df = df.dropna(subset=[month_col])
    columns = [*by, month_col, count_col, "vorig_jaar", "verschil", "z", "notable", "deels"]
    if df.empty and (months is None or by):
        return pd.DataFrame(columns=columns)
    if months is not None:
        first, last = (pd.Period(m, "M") for m in months)
    else:
        first, last = df[month_col].min(), df[month_col].max()
    # Months before the data's first one are unknown, not 0.
    if known_from is not None:
        known = pd.Period(known_from, "M")
    else:
        known = df[month_col].min() if not df.empty else None
    # Rows outside ``months`` still answer "a year earlier" for the months inside it.
    bounds = [first, last]
    if not df.empty:
        bounds += [df[month_col].min(), df[month_col].max()]
    span = pd.period_range(min(bounds), max(bounds), freq="M")

    if by:
        groups = df.groupby(by, observed=True).size().index
        full = pd.MultiIndex.from_tuples(
            [(*(g if isinstance(g, tuple) else (g,)), m) for g in groups for m in span],
            names=[*by, month_col],
        )
    else:
        full = pd.Index(span, name=month_col)
    in_data = (
        np.ones(len(full), dtype=bool)
        if known is None
        else np.asarray(full.get_level_values(month_col) >= known)
    )

    def summed(col: str) -> pd.Series:
        # Per month (and group), 0 for a month the data covers without a record.
        counts = df.groupby([*by, month_col], observed=True)[col].sum()
        return counts.reindex(full, fill_value=0).where(in_data)

    series = summed(count_col)
    out = series.rename(count_col).reset_index()
    # The same month a year earlier (NaN before the data starts).
    previous = out[month_col] - 12
    lookup = (
        pd.MultiIndex.from_arrays([*(out[c] for c in by), previous], names=[*by, month_col])
        if by
        else pd.Index(previous, name=month_col)
    )
    out["vorig_jaar"] = series.reindex(lookup).to_numpy(dtype=float)
    out["deels"] = False
    for cut_month, col in cuts.items():
        rows = (out[month_col] == cut_month).to_numpy()
        if not rows.any():
            continue
        days = summed(col)
        out.loc[rows, count_col] = days.to_numpy()[rows]
        out.loc[rows, "vorig_jaar"] = days.reindex(lookup[rows]).to_numpy(dtype=float)
        out.loc[rows, "deels"] = True
        if col != through_col and since.day > (cut_month - 12).days_in_month:
            # A period from 29 February: the month a year earlier has no such day, so its
            # count from that day on is unknown, not 0 (a constant rate read as a rise).
            out.loc[rows, "vorig_jaar"] = np.nan
    if known_from is not None and known_from.day > 1:
        # The data begin in the course of their first month: a year later that month was
        # set against part of itself (December 2024 against 7-31 December 2023 read as
        # "opvallend": 418 against 311; a review). Unknown, unless the later month counts
        # from that day on too (a period from the 15th, against 15-31 December).
        partial = (previous == known).to_numpy()
        if since is not None and since.day >= known_from.day and since_col is not None:
            partial &= (out[month_col] != pd.Period(since, "M")).to_numpy()
        out.loc[partial, "vorig_jaar"] = np.nan
    signal = poisson_signal(out[count_col].to_numpy(), out["vorig_jaar"].to_numpy(), threshold)
    out["verschil"] = signal["verschil"].to_numpy()
    out["z"] = signal["z"].to_numpy()
    out["notable"] = signal["notable"].to_numpy()
    shown = ((out[month_col] >= first) & (out[month_col] <= last)).to_numpy()
    return out.loc[shown, columns].reset_index(drop=True)
