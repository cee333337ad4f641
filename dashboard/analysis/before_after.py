"""Before and after a measure at one place: did the records there change once it began?

A wijkinspecteur takes on a problem address (a talk with the owner of a café, a camera, a
municipal order) and the coordinator reports back to the mayor. The question is the
CompStat one for a single place: the records in a stretch of days after the measure began
against an equally long stretch right before it, as counts, their difference and the
Poisson signal, never as a percentage of a handful.

Days a source does not cover are unknown, not 0: both stretches lie within the source's
data, shortened alike when the data end sooner (or begin later) than the stretch asked for,
or when a month without one record of a busy source (a missing export,
``SourceSpan.gaps``) lies within reach: such a month counted 0 and made a constant rate
"opvallend".

The place was often picked because it stood out: a stretch chosen for its many records is
followed by fewer by chance alone (regression to the mean), so a fall after a measure
taken there is no proof that it worked (:data:`SELECTION_NOTE`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.analysis.compstat import (
    Period,
    fmt_gaps,
    is_opvallend,
    month_end,
    poisson_p_value,
    poisson_signal,
)

#: The fewest days on each side: fewer count too few records to say anything.
MIN_DAYS = 14

#: The longest stretch an approach is judged over (:func:`effect_windows`): its first year.
MAX_EFFECT_DAYS = 364

#: What a before/after comparison at a place picked for its records cannot tell.
SELECTION_NOTE = (
    "Let op: een adres dat gekozen werd omdat er veel gebeurde, telt daarna vaak minder, ook "
    "zonder aanpak (terugkeer naar het gemiddelde). En valt de periode waarin het adres "
    "opviel in 'na', dan ligt 'na' vanzelf hoger. Een daling na de aanpak is dus geen bewijs "
    "dat ze werkte; de vergelijking met de rest van de zone corrigeert daar niet voor."
)

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
    gaps: tuple[dt.date, ...] = (),
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
    gaps : tuple of date
        Months (first days) without one record of a busy source (``SourceSpan.gaps``):
        unknown, so both stretches stop short of them.

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
    # A month without one record (a missing export) within reach stops both stretches
    # short of it: before it ends after that month, after it before that month.
    near = []
    for gap in gaps:
        gap_end = month_end(gap)
        if gap_end < since - dt.timedelta(days=n) or gap >= since + dt.timedelta(days=n):
            continue
        near.append(gap)
        n = min(n, (since - gap_end).days - 1 if gap_end < since else max(0, (gap - since).days))
    if n < min_days:
        if near:
            return (
                f"geen enkel record met datum in {fmt_gaps(tuple(near))} (een ontbrekende "
                "export?): "
                f"aan één kant van {since:%d/%m/%Y} blijven maar {n} "
                f"dag{'en' if n != 1 else ''} over, minder dan {min_days}"
            )
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
    started_on: dt.date,
    ended_on: dt.date | None,
    first: dt.date | None,
    last: dt.date | None,
    gaps: tuple[dt.date, ...] = (),
) -> BeforeAfter | str:
    """The stretches an approach is judged on: from its first day up to its last (while it
    runs: up to the data's last day), at most :data:`MAX_EFFECT_DAYS`, against as many
    days right before it (:func:`windows`, also for ``gaps``)."""
    days = MAX_EFFECT_DAYS
    if last is not None:  # without data, windows() says so whatever the days
        end = last if ended_on is None else min(ended_on, last)
        days = max(1, min((end - started_on).days + 1, MAX_EFFECT_DAYS))
    return windows(started_on, days, first, last, gaps=gaps)


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


# ---------------------------------------------------------------- the address's surroundings

#: The radii a page offers for the address's surroundings, in metres.
RADII = (100, 250, 500)

#: The radius a page starts from, and the approaches' list is judged on.
DEFAULT_RADIUS = 250

#: Fewest records in the surroundings, before and after together, to say anything about
#: displacement: with fewer, one record more or less turns the reading around.
MIN_SURROUNDING_RECORDS = 10

#: Why an address has no surroundings to compare (:func:`surroundings`).
NO_SURROUNDINGS = (
    "geen omgeving: van het adres is geen registratie gelokaliseerd, of het is een straat "
    "zonder huisnummer (de registraties liggen langs de hele straat)"
)

#: Most records at a place (before and after together) whose relative change gets the
#: exact interval (:func:`relative_change`).
EXACT_UP_TO = 100

#: Confidence of the interval around the relative change.
CONFIDENCE = 0.95


def relative_change(before: int, after: int, ref_before: int, ref_after: int) -> dict:
    """How a place changed against a reference area over the same days.

    The ratio ``(after / before) / (ref_after / ref_before)``: below 1 the place went down
    more (or up less) than the reference, the season and the zone's own trend taken out.
    It is the odds ratio of the 2×2 table of the four counts. Up to :data:`EXACT_UP_TO`
    records at the place, it is estimated as its conditional maximum likelihood with the
    exact interval (``scipy.stats.contingency.odds_ratio``, Fisher's conditional
    distribution), which also holds for the small counts of one address and for a side
    with none. Above that the exact interval gains nothing and costs much (scipy sums the
    conditional distribution in Python: 0.7 s for one busy address against the rest of a
    zone of 10^6 records), so the plain ratio gets Woolf's interval on the log scale
    (standard error √(1/a + 1/b + 1/c + 1/d), 0.5 added to every count when one is 0),
    within 4 % of the exact bounds from 100 records on.

    Returns
    -------
    dict
        ``verhouding`` (NaN when the place has no record on either side, ``inf`` when it had
        none before), ``laag``, ``hoog`` (the :data:`CONFIDENCE` interval) and ``richting``:
        ``"daling"`` or ``"stijging"`` when the interval lies wholly below or above 1 (the
        place fell or rose beyond what the reference explains), else ``"gelijk"``.
    """
    from scipy.stats import norm
    from scipy.stats.contingency import odds_ratio

    if before + after == 0 or ref_before == 0 or ref_after == 0:
        return {"verhouding": float("nan"), "laag": float("nan"), "hoog": float("nan"),
                "richting": "gelijk"}  # fmt: skip
    if before + after <= EXACT_UP_TO:
        result = odds_ratio([[after, before], [ref_after, ref_before]], kind="conditional")
        ci = result.confidence_interval(confidence_level=CONFIDENCE)
        ratio, low, high = float(result.statistic), float(ci.low), float(ci.high)
    else:
        cells = np.array([after, before, ref_after, ref_before], dtype=float)
        if (cells == 0).any():
            cells += 0.5
        a, b, c, d = cells
        log_ratio = np.log(a * d / (b * c))
        margin = norm.ppf(0.5 + CONFIDENCE / 2) * np.sqrt((1.0 / cells).sum())
        ratio = float(np.exp(log_ratio))
        low, high = float(np.exp(log_ratio - margin)), float(np.exp(log_ratio + margin))
    direction = "daling" if high < 1 else "stijging" if low > 1 else "gelijk"
    return {"verhouding": ratio, "laag": low, "hoog": high, "richting": direction}


def displacement_quotient(
    place: tuple[int, int], around: tuple[int, int], rest: tuple[int, int]
) -> float:
    """The weighted displacement quotient of Bowers and Johnson (2003).

    Each area's records as a share of the reference area's (``rest``), after minus before:
    the surroundings' change divided by the place's. Only defined when the place improved
    against the reference (the divisor below 0) and the reference has records on both
    sides; NaN otherwise.

    Parameters
    ----------
    place, around, rest : (before, after)
        Records of the place, of its surroundings (without the place) and of the rest of
        the area (without either).

    Returns
    -------
    float
        Above 0: the surroundings improved too (diffusion of benefits), above 1 more than
        the place itself; below 0: records moved to the surroundings (displacement), below
        −1 more than the place gained; NaN: no reading.
    """
    (a0, a1), (b0, b1), (c0, c1) = place, around, rest
    if c0 == 0 or c1 == 0:
        return float("nan")
    success = a1 / c1 - a0 / c0
    if success >= 0:
        return float("nan")
    return (b1 / c1 - b0 / c0) / success


def displacement_text(
    wdq: float, around: tuple[int, int], place_direction: str, around_direction: str
) -> str:
    """What a :func:`displacement_quotient` says, in Dutch.

    The quotient alone has no margin: a surroundings' change of a few records gives a
    quotient as large as a real one. So it is read only when both changes are beyond
    chance, each judged by its own :func:`relative_change` against the rest (the test
    Bowers and Johnson ask for the place and its buffer alike): the place's fall, and the
    surroundings' fall (diffusion of benefits) or rise (displacement).

    Parameters
    ----------
    wdq : float
    around : (before, after)
        The surroundings' records.
    place_direction, around_direction : str
        The ``richting`` of the place's and of the surroundings' :func:`relative_change`:
        only a ``"daling"`` of the place beyond chance is an effect whose displacement
        means something, and only a change of the surroundings beyond chance is one.
    """
    if sum(around) < MIN_SURROUNDING_RECORDS:
        return (
            f"te weinig registraties in de omgeving ({sum(around)}, minder dan "
            f"{MIN_SURROUNDING_RECORDS}) om over verplaatsing te oordelen"
        )
    if place_direction != "daling" or wdq != wdq:  # no effect, or NaN
        return "zonder duidelijke daling op het adres valt over verplaatsing niets te zeggen"
    if around_direction == "gelijk" or wdq == 0:
        return (
            "de omgeving veranderde niet meer dan toeval tegenover de rest: geen aantoonbare "
            "verplaatsing of uitstraling"
        )
    if wdq > 1:
        return "de omgeving ging er meer op vooruit dan het adres zelf (uitstraling)"
    if wdq > 0:
        return "ook de omgeving ging erop vooruit (uitstraling van het effect)"
    if wdq >= -1:
        return "een deel verplaatste zich naar de omgeving, minder dan wat het adres won"
    return "er verplaatste zich meer naar de omgeving dan wat het adres won"


def surroundings(daily: pd.DataFrame, stretches: BeforeAfter) -> dict:
    """The address against its surroundings and the rest of the area, before and after.

    Parameters
    ----------
    daily : DataFrame
        ``dag``, ``adres``, ``omgeving``, ``totaal``: records per day at the address, in
        its surroundings (without the address) and in the whole area (with both), as
        :func:`dashboard.queries.incidents.address_surroundings_daily` gives them.
    stretches : BeforeAfter

    Returns
    -------
    dict
        ``adres``, ``omgeving``, ``rest``: (before, after) counts, the rest being the area
        without the address and its surroundings; ``adres_relatief``, ``omgeving_relatief``
        (:func:`relative_change` against the rest), ``wdq``
        (:func:`displacement_quotient`) and ``verplaatsing`` (:func:`displacement_text`).
        Without surroundings (``omgeving`` NULL in ``daily``): ``omgeving`` and
        ``omgeving_relatief`` are ``None``, the rest is the area without the address, and
        ``verplaatsing`` is :data:`NO_SURROUNDINGS`.
    """
    counts = {}
    for column in ("adres", "omgeving", "totaal"):
        one = pd.DataFrame({"dag": daily["dag"], "aantal": pd.to_numeric(daily[column]).fillna(0)})
        counts[column] = (count_in(one, stretches.before), count_in(one, stretches.after))
    place = counts["adres"]
    located = daily.empty or daily["omgeving"].notna().any()
    around = counts["omgeving"] if located else None
    rest = tuple(
        t - a - b for t, a, b in zip(counts["totaal"], place, around or (0, 0), strict=True)
    )
    place_change = relative_change(*place, *rest)
    if around is None:
        return {
            "adres": place,
            "omgeving": None,
            "rest": rest,
            "adres_relatief": place_change,
            "omgeving_relatief": None,
            "wdq": float("nan"),
            "verplaatsing": NO_SURROUNDINGS,
        }
    wdq = displacement_quotient(place, around, rest)
    around_change = relative_change(*around, *rest)
    return {
        "adres": place,
        "omgeving": around,
        "rest": rest,
        "adres_relatief": place_change,
        "omgeving_relatief": around_change,
        "wdq": wdq,
        "verplaatsing": displacement_text(
            wdq, around, place_change["richting"], around_change["richting"]
        ),
    }
