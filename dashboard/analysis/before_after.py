"""Before and after a measure at one place: did the records there change once it began?

A wijkinspecteur takes on a problem address (a talk with the owner of a café, a camera, a
municipal order) and the coordinator reports back to the mayor. The question is the
CompStat one for a single place: the records in a stretch of days after the measure began
against an equally long stretch right before it, as counts, their difference and the
Poisson signal, never as a percentage of a handful.

Days a source does not cover are unknown, not 0: both stretches lie within the source's
data, shortened alike when the data end sooner (or begin later) than the stretch asked for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from dashboard.analysis.compstat import Period, is_opvallend, poisson_p_value, poisson_signal

#: The fewest days on each side: fewer count too few records to say anything.
MIN_DAYS = 14

#: The longest stretch an approach is judged over (:func:`effect_windows`): its first year.
MAX_EFFECT_DAYS = 364

#: The stretches a page offers: label -> days.
WINDOWS = {"28 dagen": 28, "3 maanden": 91, "6 maanden": 182, "1 jaar": 364}


@dataclass(frozen=True)
class BeforeAfter:
    """Two equally long stretches around the first day of a measure.

    Attributes
    ----------
    before, after : Period
        The days right before the measure began, and from that day on.
    asked_days : int
        The length asked for; :attr:`days` is shorter when the data did not reach it.
    """

    before: Period
    after: Period
    asked_days: int

    @property
    def days(self) -> int:
        """Days on each side."""
        return self.after.days

    @property
    def shortened(self) -> bool:
        """Whether the stretches are shorter than asked (the data end or begin sooner)."""
        return self.days < self.asked_days


def windows(
    since: dt.date,
    days: int,
    first: dt.date | None,
    last: dt.date | None,
    min_days: int = MIN_DAYS,
) -> BeforeAfter | str:
    """The before and after stretches of a measure that began on ``since``.

    Parameters
    ----------
    since : date
        The measure's first day (it belongs to the stretch after).
    days : int
        Days wanted on each side.
    first, last : date or None
        The first and last day the source covers (``None``: no data).
    min_days : int
        Fewest days on each side for a comparison.

    Returns
    -------
    BeforeAfter or str
        The stretches, each ``days`` long or, where the data do not reach that far, as
        long as the shorter side allows; else a Dutch reason why there is no comparison.
    """
    if first is None or last is None:
        return "geen gegevens van deze bron"
    if since > last:
        return f"de gegevens lopen tot en met {last:%d/%m/%Y}, er is nog niets na {since:%d/%m/%Y}"
    if since <= first:
        return f"de gegevens beginnen op {first:%d/%m/%Y}, er is niets vóór {since:%d/%m/%Y}"
    n = min(int(days), (last - since).days + 1, (since - first).days)
    if n < min_days:
        return (
            f"de gegevens ({first:%d/%m/%Y} – {last:%d/%m/%Y}) geven aan één kant van "
            f"{since:%d/%m/%Y} maar {n} dag{'en' if n != 1 else ''}, minder dan {min_days}"
        )
    one = dt.timedelta(days=1)
    return BeforeAfter(
        before=Period(since - n * one, since - one),
        after=Period(since, since + (n - 1) * one),
        asked_days=int(days),
    )


def effect_windows(
    started_on: dt.date, ended_on: dt.date | None, first: dt.date | None, last: dt.date | None
) -> BeforeAfter | str:
    """The stretches an approach is judged on: from its first day up to its last (while it
    runs: up to the data's last day), at most :data:`MAX_EFFECT_DAYS`, against as many
    days right before it (:func:`windows`)."""
    days = MAX_EFFECT_DAYS
    if last is not None:  # without data, windows() says so whatever the days
        end = last if ended_on is None else min(ended_on, last)
        days = max(1, min((end - started_on).days + 1, MAX_EFFECT_DAYS))
    return windows(started_on, days, first, last)


def count_in(daily: pd.DataFrame, period: Period) -> int:
    """Records of ``daily`` (``dag``, ``aantal``: records per day) within ``period``."""
    if daily.empty:
        return 0
    days = pd.to_datetime(daily["dag"]).dt.date
    inside = (days >= period.start) & (days <= period.end)
    return int(daily.loc[inside, "aantal"].sum())


def compare(daily: pd.DataFrame, stretches: BeforeAfter) -> dict:
    """The counts before and after, and what they say.

    Returns
    -------
    dict
        ``voor``, ``na`` (counts), ``verschil`` (after − before), ``signaal``
        (:func:`~dashboard.analysis.compstat.poisson_signal`), ``p`` (exact test,
        :func:`~dashboard.analysis.compstat.poisson_p_value`) and ``opvallend`` (both beyond
        the dashboard's thresholds, :func:`~dashboard.analysis.compstat.is_opvallend`).
    """
    before = count_in(daily, stretches.before)
    after = count_in(daily, stretches.after)
    z = float(poisson_signal(after, before))
    p = float(poisson_p_value(after, before))
    return {
        "voor": before,
        "na": after,
        "verschil": after - before,
        "signaal": z,
        "p": p,
        "opvallend": bool(is_opvallend(z, p)),
    }


def per_month(daily: pd.DataFrame, first: dt.date, last: dt.date) -> pd.DataFrame:
    """Records per month from the month of ``first`` to that of ``last``, 0 where none.

    Returns
    -------
    pandas.DataFrame
        ``maand`` (``pandas.Period``), ``aantal``; the months outside ``first``–``last``
        are not there (unknown, not 0).
    """
    months = pd.period_range(pd.Period(first, "M"), pd.Period(last, "M"), freq="M")
    if daily.empty:
        counts = pd.Series(0, index=months)
    else:
        days = pd.to_datetime(daily["dag"])
        inside = (days.dt.date >= first) & (days.dt.date <= last)
        counts = (
            daily.loc[inside, "aantal"]
            .groupby(days[inside].dt.to_period("M"))
            .sum()
            .reindex(months, fill_value=0)
        )
    return pd.DataFrame({"maand": months, "aantal": counts.to_numpy(dtype=int)})
