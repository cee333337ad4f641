"""CompStat comparisons: this period against the previous one and the same period last year.

The weekly briefing asks "what changed, and is it more than chance?". Counts of incidents
are roughly Poisson, so a percentage on a small base misleads (2 → 4 is "+100 %"). These
functions show counts and differences, a Poisson-based signal and a percentage only on a
base large enough for it to mean something.

Periods (see :func:`period_bounds`):

- ``"week"``: the ISO week (Monday–Sunday) containing ``end_date``;
- ``"28d"``: the 28 days ending on ``end_date``;
- ``"ytd"``: 1 January of ``end_date``'s year up to ``end_date``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "FDR_Q",
    "MAX_P_SENTENCE",
    "MIN_BASE_FOR_PERCENT",
    "Period",
    "PeriodBounds",
    "Screen",
    "SourceSpan",
    "change_strength",
    "clump_dispersion",
    "compare_periods",
    "counts_by_period",
    "dispersion_note",
    "edge_slack",
    "fmt_gaps",
    "format_number_nl",
    "is_opvallend",
    "month_end",
    "months_within",
    "notable_changes_sentences",
    "only_in",
    "period_bounds",
    "poisson_p_value",
    "poisson_signal",
    "screen_changes",
    "source_spans",
    "stopped_early",
    "years_before",
]

#: A percentage change is shown only when the base count is at least this large. For a
#: Poisson count n the chance variation is about ±√n, i.e. ±100/√n %: ±22 % at n = 20 but
#: ±45 % at n = 5, where a difference of one or two events already reads as a big swing.
MIN_BASE_FOR_PERCENT = 20

#: |z| above this is "opvallend" (notable).
Z_THRESHOLD = 2.0

#: A change gets a sentence in a screen of many comparisons (the briefing's "Wat valt op")
#: only when chance alone would give one at least as large less than this often (exact
#: test, :func:`poisson_p_value`), besides ``|z| > 2``. The briefing screens some 140
#: comparisons (categories, and five measures per wijk, each against two periods); on the
#: demo data ``|z| > 2`` alone flagged 18-29 of them every week, as chance does with two
#: noisy counts (see :func:`poisson_signal`), and listed "0 tegenover 2" as an opvallende
#: daling.
MAX_P_SENTENCE = 0.05

#: False-discovery rate of the Benjamini-Hochberg correction over all comparisons of a
#: screen: the changes that remain are marked as notable even counting how many were made.
FDR_Q = 0.10

_DAYS_PER_YEAR_SHIFT = 364  # 52 weeks: keeps the weekday mix of a period identical


@dataclass(frozen=True)
class Period:
    """A closed date interval ``[start, end]`` (both days included)."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        """Number of days, both ends included."""
        return (self.end - self.start).days + 1

    def as_tuple(self) -> tuple[dt.date, dt.date]:
        """``(start, end)``."""
        return self.start, self.end

    def label(self) -> str:
        """Dutch label ``dd/mm/jjjj – dd/mm/jjjj``."""
        return f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"


@dataclass(frozen=True)
class PeriodBounds:
    """The three periods CompStat compares.

    Attributes
    ----------
    kind : str
        ``"week"``, ``"28d"`` or ``"ytd"``.
    current, previous, last_year : Period
        The period itself, the one before it, the same period a year earlier.
    iso_year, iso_week : int or None
        ISO year and week of ``current`` when ``kind == "week"``.
    """

    kind: str
    current: Period
    previous: Period
    last_year: Period
    iso_year: int | None = None
    iso_week: int | None = None

    def label(self) -> str:
        """Dutch description of the current period, e.g. ``"week 53 van 2026"``."""
        if self.kind == "week":
            return f"week {self.iso_week} van {self.iso_year}"
        if self.kind == "28d":
            return f"28 dagen tot en met {self.current.end:%d/%m/%Y}"
        return f"{self.current.start:%d/%m/%Y} tot en met {self.current.end:%d/%m/%Y}"


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return pd.Timestamp(value).date()


def years_before(day: dt.date, years: int = 1) -> dt.date:
    """The same calendar day ``years`` years earlier; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def covered(period: Any, first: dt.date | None, last: dt.date | None) -> bool:
    """Whether data running from ``first`` to ``last`` cover every day of ``period`` (any
    object with ``start`` and ``end``). A period they do not cover counts nothing there,
    and that 0 is unknown: it is not compared (briefing, Verkeer)."""
    return first is not None and last is not None and first <= period.start and period.end <= last


#: The chance below which days without a record at the edge of a source's data are taken
#: as the source stopping (or not yet started), not as quiet days (:func:`edge_slack`).
EDGE_CHANCE = 0.01
#: Most days of slack a sparse source gets.
MAX_EDGE_SLACK = 31


def edge_slack(n: int, first: dt.date, last: dt.date) -> int:
    """Days a source's first or last record may lie inside a period that it still covers.

    Coverage is read from the records: a sparse source (a zone's accidents, a few a day)
    has its last record some days before the export's real end by chance. With ``n``
    records from ``first`` to ``last`` (``r`` a day), ``k`` days without one happen by
    chance with probability ``exp(-r·k)``: the slack is the largest ``k`` for which that
    is at least :data:`EDGE_CHANCE` (0 for a few records a day or more; 2 for two a day;
    at most :data:`MAX_EDGE_SLACK`).
    """
    days = (last - first).days + 1
    if n <= 0 or days <= 0:
        return 0
    return min(MAX_EDGE_SLACK, math.floor(math.log(1 / EDGE_CHANCE) * days / n))


@dataclass(frozen=True)
class SourceSpan:
    """The days one source's data run over (:func:`source_spans`), with its edge slack and
    the whole months inside them without one record of a busy source (``gaps``: their
    first days, ``marts.coverage.empty_months``): a missing export, so a count over such
    a month is incomplete, not a quiet month."""

    first: dt.date
    last: dt.date
    slack: int = 0
    gaps: tuple[dt.date, ...] = ()

    def reach(self, start: dt.date, end: dt.date) -> tuple[dt.date, dt.date] | None:
        """The days of ``start``–``end`` the source covers, ``None`` when none: an edge
        at most ``slack`` days inside the period counts as the period's own."""
        if self.last < start or self.first > end:
            return None
        lo = start if (self.first - start).days <= self.slack else self.first
        hi = end if (end - self.last).days <= self.slack else self.last
        return lo, hi

    def known_until(self, latest: dt.date) -> dt.date:
        """The last day the source covers when the data as a whole run to ``latest``:
        ``latest`` when its last record lies within its slack of it (a quiet end), else
        that record's day (the export stops there: the slack days after it are no data)."""
        return latest if (latest - self.last).days <= self.slack else self.last

    def known_from(self, earliest: dt.date) -> dt.date:
        """The first day from ``earliest`` on that the source covers: ``earliest`` when its
        first record lies within its slack of it (a quiet start), else that record's day
        (the export begins there: the days before it are no data). The mirror of
        :meth:`known_until`."""
        return earliest if (self.first - earliest).days <= self.slack else self.first

    def gaps_in(self, start: dt.date, end: dt.date) -> tuple[dt.date, ...]:
        """The empty months (``gaps``, first days) that share a day with ``start``–``end``."""
        return months_within(self.gaps, start, end)

    def covers(self, period: Any) -> bool:
        """Whether the source covers every day of ``period`` (``start``, ``end``): within
        its first and last day (and slack), and no empty month (``gaps``) inside."""
        return self.reach(period.start, period.end) == (
            period.start,
            period.end,
        ) and not self.gaps_in(period.start, period.end)


def months_within(months: tuple[dt.date, ...], start: dt.date, end: dt.date) -> tuple[dt.date, ...]:
    """The months of ``months`` (first days) that share a day with ``start``–``end``."""
    return tuple(m for m in months if m <= end and month_end(m) >= start)


def only_in(months: tuple[dt.date, ...], start: dt.date, end: dt.date) -> bool:
    """Whether every day of ``start``–``end`` lies in one of ``months`` (first days): a
    period wholly inside months without one record is unknown, not 0."""
    day = start
    for m in sorted(months_within(months, start, end)):
        if m > day:
            return False
        day = max(day, month_end(m) + dt.timedelta(days=1))
        if day > end:
            return True
    return False


def month_end(first_day: dt.date) -> dt.date:
    """The last day of the month that starts on ``first_day``."""
    following = (first_day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def fmt_gaps(gaps: tuple[dt.date, ...]) -> str:
    """Empty months in Dutch: ``03/2024``, ``03/2024 en 04/2024``, ``01/2024 tot en met
    12/2024`` (consecutive, three or more), else listed."""
    if not gaps:
        return ""
    months = [f"{g:%m/%Y}" for g in gaps]
    run = all(
        (b.year * 12 + b.month) - (a.year * 12 + a.month) == 1
        for a, b in zip(gaps, gaps[1:], strict=False)
    )
    if len(gaps) >= 3 and run:
        return f"{months[0]} tot en met {months[-1]}"
    return months[0] if len(months) == 1 else ", ".join(months[:-1]) + " en " + months[-1]


def source_spans(coverage: pd.DataFrame) -> dict[str, SourceSpan]:
    """Per domain, its :class:`SourceSpan` from a frame with ``domain``, ``first``,
    ``last`` and ``n`` (:func:`dashboard.queries.common.domain_coverage`); a domain
    without data has none."""
    spans = {}
    for row in coverage.itertuples(index=False):
        if pd.isna(row.first) or pd.isna(row.last):
            continue
        first, last = pd.Timestamp(row.first).date(), pd.Timestamp(row.last).date()
        empty = getattr(row, "empty_months", None)
        gaps = tuple(pd.Timestamp(m).date() for m in (() if empty is None else empty))
        slack = edge_slack(int(row.n), first, last)
        spans[str(row.domain)] = SourceSpan(first, last, slack, tuple(sorted(gaps)))
    return spans


def stopped_early(spans: dict[str, SourceSpan]) -> dict[str, SourceSpan]:
    """The sources whose data stop before the others' last day by more than their slack
    (an accident export up to last year beside this month's facts): the pages count
    nothing for them after that day, and the Data page says which export to refresh."""
    if not spans:
        return {}
    latest = max(s.last for s in spans.values())
    return {d: s for d, s in spans.items() if s.known_until(latest) < latest}


def period_bounds(kind: str, end_date: Any) -> PeriodBounds:
    """Current, previous and last-year periods for a CompStat comparison.

    Parameters
    ----------
    kind : {"week", "28d", "ytd"}
        ``"week"``: the ISO week, Monday to Sunday, that contains ``end_date`` (pass the
        last day of a complete week to compare complete weeks). ``"28d"``: ``end_date`` and
        the 27 days before. ``"ytd"``: 1 January of ``end_date``'s year to ``end_date``.
    end_date : date-like
        Last day of the data to look at.

    Returns
    -------
    PeriodBounds
        ``previous`` has the same length and ends the day before ``current`` starts; for
        ``"ytd"`` it is ``last_year``, as every year-based period of the dashboard compares
        (:meth:`dashboard.components.filters.Period.previous`): the 333 days before
        1 January were February to December, another season, and the Briefing's "t.o.v.
        vorige periode" differed from Verkeer's and Bronnen's for the same days.

        ``last_year`` is, for ``"week"`` and ``"28d"``, ``current`` shifted back 364 days
        (52 weeks): the same weekdays, so a Saturday-heavy phenomenon is compared with
        Saturdays, and always within three days of the same calendar dates. For ISO week
        53 that is the week 52 weeks earlier, e.g. 2026-W53 (28/12/2026–03/01/2027) →
        29/12/2025–04/01/2026, the calendar-closest week, which also holds New Year.
        For ``"ytd"`` it is the same calendar dates a year earlier (1 January to the same
        day and month; 29 February → 28 February), so around a leap day the two periods
        can differ in length by one day.

    Examples
    --------
    >>> b = period_bounds("week", "2026-12-31")
    >>> (b.iso_year, b.iso_week, b.current.start.isoformat(), b.current.end.isoformat())
    (2026, 53, '2026-12-28', '2027-01-03')
    """
    end = _as_date(end_date)
    one_day = dt.timedelta(days=1)
    iso_year = iso_week = None
    if kind == "week":
        iso_year, iso_week, weekday = end.isocalendar()
        start = end - dt.timedelta(days=weekday - 1)
        current = Period(start, start + dt.timedelta(days=6))
    elif kind == "28d":
        current = Period(end - dt.timedelta(days=27), end)
    elif kind == "ytd":
        current = Period(dt.date(end.year, 1, 1), end)
    else:
        raise ValueError(f"Onbekende periode {kind!r}: kies 'week', '28d' of 'ytd'.")

    if kind == "ytd":
        last_year = Period(dt.date(end.year - 1, 1, 1), years_before(end))
        return PeriodBounds(kind, current, last_year, last_year, iso_year, iso_week)
    length = dt.timedelta(days=current.days)
    previous = Period(current.start - length, current.start - one_day)
    shift = dt.timedelta(days=_DAYS_PER_YEAR_SHIFT)
    last_year = Period(current.start - shift, current.end - shift)
    return PeriodBounds(kind, current, previous, last_year, iso_year, iso_week)


def counts_by_period(
    events: pd.DataFrame,
    bounds: PeriodBounds,
    date_col: str = "date",
    by: str | Sequence[str] | None = None,
    weight_col: str | None = None,
) -> pd.DataFrame:
    """Count events (or sum a count column) in the three periods of ``bounds``.

    Parameters
    ----------
    events : DataFrame
        One row per event, or pre-aggregated rows with a count in ``weight_col`` (e.g.
        ``marts.daily_counts`` with ``n``).
    bounds : PeriodBounds
        From :func:`period_bounds`.
    date_col : str, default "date"
        Day of each row.
    by : str or list of str, optional
        Grouping columns (e.g. ``"category"``); without it one row ``"totaal"``.
    weight_col : str, optional
        Column to sum instead of counting rows.

    Returns
    -------
    DataFrame
        Columns ``now``, ``previous``, ``last_year`` (int64), indexed by ``by``; groups that
        only occur in one period get zeros elsewhere.
    """
    day = pd.to_datetime(events[date_col]).dt.normalize()
    weight = (
        pd.to_numeric(events[weight_col]).fillna(0)
        if weight_col is not None
        else pd.Series(1, index=events.index)
    )
    cols = {}
    for name, period in (
        ("now", bounds.current),
        ("previous", bounds.previous),
        ("last_year", bounds.last_year),
    ):
        inside = day.between(pd.Timestamp(period.start), pd.Timestamp(period.end))
        cols[name] = weight.where(inside, 0)
    frame = pd.DataFrame(cols)
    if by is None:
        out = frame.sum().to_frame("totaal").T
    else:
        keys = [by] if isinstance(by, str) else list(by)
        out = frame.groupby([events[k] for k in keys]).sum()
    return out.astype(np.int64)


def poisson_signal(now: Any, before: Any, dispersion: Any = 1.0) -> np.ndarray:
    """Poisson change signal ``z = 2·(√now − √before)``, divided by ``√dispersion``.

    The square root stabilises the variance of a Poisson count (``2·√n`` has standard
    deviation ≈ 1 whatever the mean), so the same threshold works for 3 and for 300
    events. Note that when *both* counts are noisy single periods the difference has
    standard deviation ≈ √2: ``|z| > 2`` then corresponds to about 1.4 σ. Computed exactly
    for two independent Poisson counts with the same mean, ``|z| > 2`` flags 16–17 % of
    unchanged series (mean 5 to 50), ``|z| > 2·√2 ≈ 2.83`` about 5–6 %. Raise
    ``z_threshold`` where many series are screened at once (10 wijken × 12 categories).

    Counts that come in clumps are noisier than Poisson: the victims of one accident all
    count (see :func:`clump_dispersion`). Their variance is ``dispersion`` times the
    mean, and the signal is divided by its square root (the quasi-Poisson scale).

    Parameters
    ----------
    now, before : array-like of non-negative numbers
    dispersion : float or array-like, default 1
        Variance over mean of the counts (1: Poisson).

    Returns
    -------
    ndarray of float
    """
    now_a = np.asarray(now, dtype=float)
    before_a = np.asarray(before, dtype=float)
    return 2.0 * (np.sqrt(now_a) - np.sqrt(before_a)) / np.sqrt(np.asarray(dispersion, float))


def is_opvallend(
    z: Any, p: Any, z_threshold: float = Z_THRESHOLD, max_p: float = MAX_P_SENTENCE
) -> np.ndarray:
    """Whether a change is *opvallend*: its signal beyond ``z_threshold`` (:func:`poisson_signal`)
    and chance alone giving one at least as large less than ``max_p`` of the time
    (:func:`poisson_p_value`). The rule behind every "opvallend" the dashboard says: the
    briefing's colours, Bronnen's months and the KPI tiles call it; :func:`screen_changes`
    applies the same two conditions to :func:`compare_periods`' ``notable_*`` flags (|z|
    beyond the threshold) for the briefing's sentences. A missing signal or p-value is not
    opvallend.
    """
    z_a = np.nan_to_num(np.asarray(z, dtype=float), nan=0.0)
    p_a = np.nan_to_num(np.asarray(p, dtype=float), nan=1.0)
    return (np.abs(z_a) > z_threshold) & (p_a < max_p)


def clump_dispersion(sizes: Any, counts: Any = None) -> float:
    """Variance over mean of a count of items that come in clumps of ``sizes``.

    Victims come per accident: when accidents occur as a Poisson process and accident
    *i* has ``k_i`` victims, the number of victims has variance ``E[k²]/E[k]`` times its
    mean (a compound Poisson count), estimated as ``Σk² / Σk``. One victim per accident
    gives 1 (plain Poisson); in the demo, 612 victims of 472 accidents give 1,51. Without
    it a change in victims looks more remarkable than it is: with that factor, |z| > 2 on
    the plain signal is |z| > 1,6 on the right scale. At least 1; 1 without clumps.

    Parameters
    ----------
    sizes : array-like of positive integers
        Items per clump (victims per accident with victims).
    counts : array-like of integers, optional
        How many clumps have each size: ``sizes`` is then a frequency table (one row per
        size, as SQL counts it), not one value per clump.

    Returns
    -------
    float
    """
    k = np.asarray(sizes, dtype=float)
    n = np.ones_like(k) if counts is None else np.asarray(counts, dtype=float)
    keep = k > 0
    k, n = k[keep], n[keep]
    if not (n > 0).any():
        return 1.0
    return max(1.0, float((n * k**2).sum() / (n * k).sum()))


def dispersion_note(dispersion: float) -> str:
    """Dutch sentence for under a comparison of victims whose signal ``dispersion`` scales.

    Empty when it is 1 (nothing was scaled).
    """
    if dispersion <= 1.0:
        return ""
    return (
        "Slachtoffers vallen per ongeval samen, zodat hun aantal meer schommelt dan een "
        "gewone telling: hun signaal is gedeeld door √φ, met spreidingsfactor φ = "
        f"{format_number_nl(dispersion, 2)} (slachtoffers per ongeval in alle geladen "
        "ongevallen)."
    )


def poisson_p_value(now: Any, before: Any, dispersion: Any = 1.0) -> np.ndarray:
    """Two-sided exact p-value that two counts over equally long periods share one rate.

    Given ``now + before = n`` events, under an unchanged Poisson rate each event falls in
    either period with chance 1/2, so ``now`` is binomial(n, 1/2) (the conditional test of
    two Poisson counts). The p-value is twice the smaller tail, at most 1: 0 against 2
    gives 0.5, 2 against 10 gives 0.039, 40 against 70 gives 0.0055. Exact also for the
    small counts a week per wijk has, where the normal approximation behind
    :func:`poisson_signal` flatters. A missing count gives NaN.

    With a ``dispersion`` φ above 1 (counts in clumps, :func:`clump_dispersion`), the test
    runs on the counts divided by φ (the quasi-Poisson scale), through the binomial
    distribution's continuous form (the regularised incomplete beta function, which equals
    the binomial tails at whole numbers): 20 victims against 8 with φ = 2 is tested as 10
    against 4.

    Parameters
    ----------
    now, before : array-like of non-negative counts
    dispersion : float or array-like, default 1
        Variance over mean of the counts (1: Poisson).

    Returns
    -------
    ndarray of float
    """
    from scipy.special import betainc
    from scipy.stats import binom

    phi = np.asarray(dispersion, dtype=float)
    if np.all(phi == 1.0):
        a = np.round(np.asarray(now, dtype=float))
        b = np.round(np.asarray(before, dtype=float))
        n = a + b
        with np.errstate(invalid="ignore"):
            tails = np.minimum(binom.cdf(a, n, 0.5), binom.sf(a - 1, n, 0.5))
    else:
        a, b = np.broadcast_arrays(
            np.asarray(now, dtype=float) / phi, np.asarray(before, dtype=float) / phi
        )
        n = a + b
        with np.errstate(invalid="ignore", divide="ignore"):
            # P(X <= a) = I_{1/2}(n - a, a + 1); P(X >= a) = I_{1/2}(a, n - a + 1).
            lower = np.where(b > 0, betainc(np.where(b > 0, b, 1.0), a + 1, 0.5), 1.0)
            upper = np.where(a > 0, betainc(np.where(a > 0, a, 1.0), b + 1, 0.5), 1.0)
        tails = np.minimum(lower, upper)
    p = np.minimum(1.0, 2.0 * tails)
    # A count not known (NaN: no comparison period) has no p-value, with or without φ: the
    # form with φ gave 1.0 for 0 now against NaN, and "Wat valt op" counted it as tested
    # (22 comparisons where nothing was compared; an audit).
    return np.where(np.isnan(n), np.nan, np.where(n == 0, 1.0, p))


def _direction(diff: pd.Series) -> pd.Series:
    return pd.Series(
        np.select([diff > 0, diff < 0], ["stijging", "daling"], default="gelijk"),
        index=diff.index,
    )


def compare_periods(
    counts_now: Any,
    counts_prev: Any,
    counts_last_year: Any = None,
    *,
    z_threshold: float = Z_THRESHOLD,
    min_base_for_percent: int = MIN_BASE_FOR_PERCENT,
    dispersion: Any = 1.0,
) -> pd.DataFrame:
    """Compare current counts with the previous period and the same period last year.

    Parameters
    ----------
    counts_now, counts_prev, counts_last_year : Series, array-like or scalar
        Counts per group. Series are aligned on their index and a group missing from one of
        them counts 0 there; arrays must have equal length. ``counts_prev`` and
        ``counts_last_year`` may be ``None`` (no data for that period, e.g. before the
        first export): that comparison's columns are then missing values and it is never
        notable.
    z_threshold : float, default 2
        ``|z|`` strictly above it is notable.
    min_base_for_percent : int, default 20
        The percentage change is given only when the base (the earlier count) is at least
        this; below, a difference of one or two events would read as a large percentage
        (see :data:`MIN_BASE_FOR_PERCENT`). It is ``None`` as well on a zero base.
    dispersion : float or Series, default 1
        Variance over mean of the counts (:func:`clump_dispersion`; 1: Poisson), used by
        the signal and the p-value. A Series gives it per group (missing groups: 1).

    Returns
    -------
    DataFrame
        Per group: ``now``, ``previous``, ``last_year``; and for ``<cmp>`` in ``prev`` and
        ``last_year``: ``diff_<cmp>`` (now − before), ``z_<cmp>`` (see
        :func:`poisson_signal`), ``notable_<cmp>`` (bool), ``direction_<cmp>``
        (``"stijging"``, ``"daling"`` or ``"gelijk"``), ``pct_<cmp>`` (float or ``None``).
    """
    parts = {"now": counts_now}
    if counts_prev is not None:
        parts["previous"] = counts_prev
    if counts_last_year is not None:
        parts["last_year"] = counts_last_year
    if any(isinstance(v, pd.Series) for v in parts.values()):
        frame = pd.concat(
            {k: v if isinstance(v, pd.Series) else pd.Series(v) for k, v in parts.items()},
            axis=1,
        ).fillna(0)
    else:
        frame = pd.DataFrame({k: np.atleast_1d(np.asarray(v)) for k, v in parts.items()})
    if (frame < 0).to_numpy().any():
        raise ValueError("Tellingen kunnen niet negatief zijn.")
    # Counts stay integers when alignment filled gaps with 0 (keeps "5", not "5.0").
    frame = frame.apply(lambda c: c.astype(np.int64) if (c == c.round()).all() else c)
    for col, counts in (("previous", counts_prev), ("last_year", counts_last_year)):
        if counts is None:
            frame[col] = np.nan
    frame = frame[["now", "previous", "last_year"]]
    if isinstance(dispersion, pd.Series):
        phi = dispersion.reindex(frame.index).fillna(1.0).to_numpy(dtype=float)
    else:
        phi = np.broadcast_to(np.asarray(dispersion, dtype=float), (len(frame),))
    if (phi < 1.0).any():
        raise ValueError("De spreidingsfactor is minstens 1.")

    for short, col in (("prev", "previous"), ("last_year", "last_year")):
        before = frame[col]
        diff = frame["now"] - before
        z = pd.Series(poisson_signal(frame["now"], before, phi), index=frame.index)
        frame[f"diff_{short}"] = diff
        frame[f"z_{short}"] = z
        frame[f"notable_{short}"] = z.abs() > z_threshold
        frame[f"p_{short}"] = poisson_p_value(frame["now"], before, phi)
        frame[f"direction_{short}"] = _direction(diff).where(before.notna(), None)
        pct = 100.0 * diff / before.where(before > 0)
        frame[f"pct_{short}"] = pct.where(before >= min_base_for_percent).astype(object)
        frame[f"pct_{short}"] = frame[f"pct_{short}"].where(frame[f"pct_{short}"].notna(), None)
    return frame


_COMPARISONS = ("prev", "last_year")


@dataclass(frozen=True)
class Screen:
    """Many :func:`compare_periods` results screened at once (see :func:`screen_changes`).

    Attributes
    ----------
    results : list of DataFrame
        The results in the order given, each a copy whose ``notable_<cmp>`` holds only the
        changes worth a sentence, with ``confirmed_<cmp>`` (notable after the correction).
    comparisons : int
        Comparisons made (groups x the periods compared with; a missing count not included).
    kept : int
        Comparisons with a sentence.
    confirmed : int
        Of those, the ones notable after the Benjamini-Hochberg correction.
    max_p, fdr_q : float
        The thresholds used.
    """

    results: list[pd.DataFrame]
    comparisons: int
    kept: int
    confirmed: int
    max_p: float
    fdr_q: float

    def note(self) -> str:
        """Dutch explanation of the screen, for under the list of sentences."""
        if not self.comparisons:
            return ""
        chance = format_number_nl(self.max_p * self.comparisons)
        text = (
            "Hier staan alleen verschillen met |signaal| > 2 die toeval in minder dan "
            f"{format_number_nl(self.max_p * 100)} % van de gevallen geeft (exacte "
            "Poissontoets). Van de "
            f"{format_number_nl(self.comparisons)} vergelijkingen in deze briefing kan toeval er zo tot "
            f"ongeveer {chance} opleveren."
        )
        if self.confirmed:
            text += (
                f" ★ = blijft opvallend na correctie voor het aantal vergelijkingen "
                f"(Benjamini-Hochberg, {format_number_nl(self.fdr_q * 100)} %)."
            )
        elif self.kept:
            text += (
                " Geen ervan blijft opvallend na correctie voor het aantal vergelijkingen "
                f"(Benjamini-Hochberg, {format_number_nl(self.fdr_q * 100)} %): lees ze als "
                "aanwijzingen, niet als vaststellingen."
            )
        return text


def screen_changes(
    results: Sequence[pd.DataFrame],
    *,
    max_p: float = MAX_P_SENTENCE,
    fdr_q: float = FDR_Q,
) -> Screen:
    """Which changes of many comparisons, screened at once, deserve a sentence.

    ``|z| > 2`` marks a change in its own table row (the CompStat convention). A screen
    that goes through some 140 comparisons in search of what to say would, with that rule
    alone, find a fifth of them "opvallend" by chance. A change is kept only when it is
    also unlikely by chance on its own (``p < max_p``, :func:`poisson_p_value`); it is
    *confirmed* when it stays a discovery after the Benjamini-Hochberg correction at
    false-discovery rate ``fdr_q`` over every comparison of the screen.

    Parameters
    ----------
    results : sequence of DataFrame
        Outputs of :func:`compare_periods`.
    max_p, fdr_q : float

    Returns
    -------
    Screen
    """
    from scipy.stats import false_discovery_control

    p_values = [r[f"p_{c}"].to_numpy(dtype=float) for r in results for c in _COMPARISONS]
    flat = np.concatenate(p_values) if p_values else np.array([])
    tested = ~np.isnan(flat)
    confirmed_flat = np.zeros(flat.shape, dtype=bool)
    if tested.any():
        confirmed_flat[tested] = false_discovery_control(flat[tested], method="bh") <= fdr_q
    out, pos, kept, confirmed = [], 0, 0, 0
    for r in results:
        r, n = r.copy(), len(r)
        for c in _COMPARISONS:
            keep = r[f"notable_{c}"].fillna(False).astype(bool) & (r[f"p_{c}"] < max_p)
            r[f"notable_{c}"] = keep
            r[f"confirmed_{c}"] = keep & confirmed_flat[pos : pos + n]
            kept += int(keep.sum())
            confirmed += int(r[f"confirmed_{c}"].sum())
            pos += n
        out.append(r)
    return Screen(out, int(tested.sum()), kept, confirmed, max_p, fdr_q)


def change_strength(df: pd.DataFrame) -> pd.Series:
    """How strongly each row of a :func:`compare_periods` result changed, 0 when not notable.

    The smaller p-value of its notable comparisons, as ``-log10(p)``: a change chance would
    rarely give ranks first, whatever the size of the counts (|z| would put 0 against 6
    above 40 against 70).
    """
    parts = []
    for c in _COMPARISONS:
        notable = df[f"notable_{c}"].fillna(False).astype(bool)
        p = df[f"p_{c}"].astype(float).clip(lower=1e-300)
        parts.append((-np.log10(p)).where(notable, 0.0))
    return pd.concat(parts, axis=1).max(axis=1).fillna(0.0)


# --------------------------------------------------------------------------------------
# Sentences
# --------------------------------------------------------------------------------------


def format_number_nl(value: float, decimals: int = 0, signed: bool = False) -> str:
    """Format a number the Belgian-Dutch way: ``1.234,5``; ``signed`` adds ``+``.

    Parameters
    ----------
    value : float
    decimals : int, default 0
    signed : bool, default False
        Prefix ``+`` to positive numbers (differences).

    Returns
    -------
    str
    """
    text = f"{abs(value):,.{decimals}f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    if value < 0 and text.strip("0,.") != "":
        return "-" + text
    if signed and value > 0 and text.strip("0,.") != "":
        return "+" + text
    return text


_SINGULAR = {
    "feiten": "feit",
    "meldingen": "melding",
    "overlastmeldingen": "overlastmelding",
    "ongevallen": "ongeval",
    "letselongevallen": "letselongeval",
    "taken": "taak",
    "slachtoffers": "slachtoffer",
}


def _count_phrase(n: float, plural: str, singular: str) -> str:
    return f"{format_number_nl(n)} {singular if n == 1 else plural}"


def _difference(diff: float, pct: Any) -> str:
    text = format_number_nl(diff, signed=True)
    if pct is not None and not (isinstance(pct, float) and math.isnan(pct)):
        text += f", {format_number_nl(pct, signed=True)} %"
    return f"({text})"


def notable_changes_sentences(
    df: pd.DataFrame,
    domain_label: str,
    area_label: str,
    max_items: int = 8,
    *,
    label_col: str | None = None,
    domain_label_singular: str | None = None,
) -> list[str]:
    """Plain Dutch sentences for the notable changes in a :func:`compare_periods` result.

    One sentence per group with a notable change against the previous period and/or the
    same period last year, the change least likely by chance first (:func:`change_strength`),
    e.g. ``"Woninginbraak in Herent-Centrum: 14 feiten tegenover 5 in de vorige periode
    (+9), een opvallende stijging."`` Numbers use Dutch formatting; a percentage is added
    only where :func:`compare_periods` gave one (base ≥ 20). A result screened by
    :func:`screen_changes` gets `` ★`` after a sentence with a confirmed change.

    Parameters
    ----------
    df : DataFrame
        Output of :func:`compare_periods`.
    domain_label : str
        Plural noun for what is counted: ``"feiten"``, ``"meldingen"``, ``"ongevallen"``.
    area_label : str
        Area the numbers are about, e.g. a wijk name.
    max_items : int, default 8
        At most this many sentences (the strongest signals).
    label_col : str, optional
        Column with the group label (e.g. ``"category"``); default the index.
    domain_label_singular : str, optional
        Singular noun for a count of 1; derived for the usual domains when omitted.

    Returns
    -------
    list of str
        Empty when nothing is notable.
    """
    singular = domain_label_singular or _SINGULAR.get(domain_label, domain_label)
    labels = df[label_col] if label_col is not None else pd.Series(df.index, index=df.index)
    strength = change_strength(df)
    order = (
        pd.DataFrame({"s": strength, "label": labels.astype(str)})
        .loc[(df["notable_prev"] | df["notable_last_year"].fillna(False)).astype(bool)]
        .sort_values(["s", "label"], ascending=[False, True])
        .index[:max_items]
    )
    sentences = []
    for idx in order:
        row = df.loc[idx]
        clauses = []
        for short, col, phrase in (
            ("prev", "previous", "in de vorige periode"),
            ("last_year", "last_year", "in dezelfde periode vorig jaar"),
        ):
            if row[f"notable_{short}"]:
                clauses.append(
                    (
                        f"{format_number_nl(row[col])} {phrase} "
                        f"{_difference(row[f'diff_{short}'], row[f'pct_{short}'])}",
                        row[f"direction_{short}"],
                    )
                )
        head = f"{labels.loc[idx]} in {area_label}: {_count_phrase(row['now'], domain_label, singular)}"
        if len(clauses) == 2 and clauses[0][1] != clauses[1][1]:
            text = (
                f"{head} tegenover {clauses[0][0]}, een opvallende {clauses[0][1]}; "
                f"tegenover {clauses[1][0]} is het een opvallende {clauses[1][1]}."
            )
        else:
            body = " en ".join(c[0] for c in clauses)
            text = f"{head} tegenover {body}, een opvallende {clauses[0][1]}."
        if any(bool(row.get(f"confirmed_{c}", False)) for c in _COMPARISONS):
            text += " ★"
        sentences.append(text)
    return sentences
