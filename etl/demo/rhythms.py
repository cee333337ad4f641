"""Time rhythms of the demo: season, weekday and hour profiles, and vectorised time sampling.

Times are handled as integer minutes since midnight of the first day of the demo period
(local clock time, as police exports record it), which keeps 10^6-row sampling and formatting
cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

MINUTES_PER_DAY = 1440


def _h(*pairs: tuple[tuple[int, int], float], base: float = 1.0) -> np.ndarray:
    """24 hourly weights: ``base`` everywhere, ``w`` on each half-open hour range."""
    out = np.full(24, base, float)
    for (a, b), w in pairs:
        hours = np.arange(a, b) % 24
        out[hours] = w
    return out


@dataclass(frozen=True)
class Profile:
    """When something happens: relative weights per month, weekday and hour.

    Attributes
    ----------
    season : array of 12 weights, January first.
    weekday : array of 7 weights, Monday first.
    hour_week, hour_weekend : arrays of 24 weights.
    dark_evening_boost : float
        Extra weight on 17-21 h in the dark months (October-February): burglars use the
        early darkness, so the winter peak is an evening peak.
    """

    season: np.ndarray
    weekday: np.ndarray
    hour_week: np.ndarray
    hour_weekend: np.ndarray
    dark_evening_boost: float = 1.0


FLAT12 = np.ones(12)
OFFICE = _h(((8, 12), 3.0), ((12, 13), 2.0), ((13, 17), 3.0), ((17, 19), 1.5), ((0, 7), 0.1))
NIGHTLIFE = _h(((20, 24), 3.0), ((0, 4), 3.5), ((4, 7), 0.6), ((7, 12), 0.5))
DAYTIME = _h(((9, 19), 3.0), ((19, 22), 1.0), ((0, 8), 0.15))
EVENING = _h(((16, 23), 3.0), ((9, 16), 1.3), ((0, 7), 0.3))
SUMMER = np.array([0.7, 0.7, 0.85, 1.0, 1.15, 1.3, 1.35, 1.3, 1.1, 0.95, 0.8, 0.75])
WINTER = np.array([1.35, 1.15, 0.95, 0.8, 0.75, 0.7, 0.75, 0.8, 0.9, 1.05, 1.3, 1.5])
WEEKEND_HEAVY = np.array([0.8, 0.8, 0.85, 0.95, 1.2, 1.5, 1.35])
WORKDAYS = np.array([1.15, 1.15, 1.1, 1.15, 1.1, 0.55, 0.3])

PROFILES: dict[str, Profile] = {
    "burglary": Profile(WINTER, np.array([1, 1, 1, 1, 1.15, 1.1, 0.9]),
                        _h(((10, 17), 1.6), ((17, 22), 2.2), ((0, 6), 0.35)),
                        _h(((10, 17), 1.4), ((17, 23), 2.0), ((0, 6), 0.4)), 2.0),
    "vehicle": Profile(WINTER * 0.5 + 0.5, np.ones(7),
                       _h(((22, 24), 2.5), ((0, 5), 2.5), ((8, 18), 0.8)),
                       _h(((22, 24), 3.0), ((0, 6), 3.0), ((8, 18), 0.8))),
    "bike": Profile(SUMMER, np.array([1.1, 1.1, 1.1, 1.1, 1.1, 0.9, 0.6]),
                    _h(((7, 9), 2.0), ((9, 17), 2.5), ((17, 20), 2.0), ((0, 6), 0.2)), DAYTIME),
    "shop": Profile(np.array([1, 0.9, 0.9, 0.9, 0.95, 0.95, 0.95, 1, 0.95, 1, 1.1, 1.4]),
                    np.array([0.9, 1, 1, 1, 1.2, 1.5, 0.2]), DAYTIME, DAYTIME),
    "pickpocket": Profile(SUMMER * 0.5 + 0.5, np.array([0.9, 0.9, 1, 0.9, 1.1, 1.5, 0.8]),
                          DAYTIME, DAYTIME),
    "vandalism": Profile(SUMMER * 0.6 + 0.4, WEEKEND_HEAVY, NIGHTLIFE, NIGHTLIFE * 1.3),
    "violence": Profile(SUMMER * 0.6 + 0.4, WEEKEND_HEAVY, EVENING, NIGHTLIFE),
    "domestic": Profile(np.array([1.2, 1, 1, 1, 1, 1, 1.1, 1.1, 1, 1, 1, 1.25]),
                        np.array([0.9, 0.9, 0.9, 0.9, 1, 1.3, 1.3]), EVENING, EVENING),
    "drugs": Profile(SUMMER, WEEKEND_HEAVY, EVENING, NIGHTLIFE),
    "fraud": Profile(FLAT12, WORKDAYS, OFFICE, DAYTIME),
    "traffic": Profile(FLAT12, WORKDAYS, _h(((7, 9), 3.0), ((16, 19), 3.0), ((9, 16), 1.5),
                                            ((0, 6), 0.2)), DAYTIME),
    "default": Profile(FLAT12, np.ones(7), DAYTIME, DAYTIME),
    # nuisance
    "noise": Profile(SUMMER * 1.2 - 0.2, WEEKEND_HEAVY * 1.2 - 0.2, NIGHTLIFE, NIGHTLIFE * 1.5),
    "dumping": Profile(np.array([.8, .8, 1, 1.1, 1.2, 1.1, 1, 1, 1.1, 1, .9, .9]), WORKDAYS,
                       OFFICE, DAYTIME),
    "youth": Profile(SUMMER ** 2, WEEKEND_HEAVY, _h(((16, 23), 3.0), ((0, 14), 0.2)),
                     _h(((14, 24), 3.0), ((0, 2), 1.5), ((2, 12), 0.1))),
    "parking": Profile(FLAT12, WORKDAYS, OFFICE, DAYTIME),
    "animals": Profile(SUMMER, np.ones(7), DAYTIME, DAYTIME),
    # traffic
    "accident": Profile(np.array([1.1, 1.0, 0.95, 0.95, 1, 1, 0.9, 0.85, 1.05, 1.05, 1.1, 1.15]),
                        np.array([1.1, 1.1, 1.05, 1.1, 1.2, 0.8, 0.65]),
                        _h(((7, 9), 3.0), ((9, 12), 1.4), ((12, 13), 1.8), ((15, 16), 2.2),
                           ((16, 19), 3.0), ((19, 22), 1.2), ((0, 6), 0.25)),
                        _h(((10, 20), 1.8), ((0, 7), 0.5))),
    "control_speed": Profile(FLAT12, WORKDAYS, _h(((7, 19), 3.0), ((0, 6), 0.05), ((19, 24), 0.5)),
                             _h(((9, 18), 2.0), ((0, 7), 0.1))),
    "control_alcohol": Profile(np.array([1.6, 1, 1, 1, 1, 1, 1.1, 1.1, 1, 1, 1.1, 1.8]),
                               WEEKEND_HEAVY, _h(((18, 24), 3.0), ((0, 4), 3.0), ((4, 16), 0.2)),
                               _h(((20, 24), 3.0), ((0, 6), 3.5), ((6, 16), 0.2))),
    "tasks": Profile(FLAT12, np.array([1.2, 1.15, 1.1, 1.1, 1.0, 0.1, 0.05]), OFFICE, OFFICE),
}  # fmt: skip

#: Keywords (lower case) that pick a profile for a configured category or type name.
KEYWORDS = (
    ("inbraak", "burglary"), ("voertuig", "vehicle"), ("fiets", "bike"),
    ("winkel", "shop"), ("gauw", "pickpocket"), ("vandal", "vandalism"),
    ("intrafam", "domestic"), ("slagen", "violence"), ("geweld", "violence"),
    ("bedreig", "violence"), ("drug", "drugs"), ("oplicht", "fraud"), ("fraude", "fraud"),
    ("verkeer", "traffic"), ("geluid", "noise"), ("wildplas", "noise"), ("burenruzie", "domestic"),
    ("sluikstort", "dumping"), ("zwerfvuil", "dumping"), ("hangjong", "youth"),
    ("parkeer", "parking"), ("dier", "animals"), ("snelheid", "control_speed"),
    ("zwaar", "control_speed"), ("alcohol", "control_alcohol"),
)  # fmt: skip


def profile_for(name: str, default: str = "default") -> Profile:
    """The time profile for a category or type name, matched on Dutch keywords."""
    low = name.lower()
    for key, prof in KEYWORDS:
        if key in low:
            return PROFILES[prof]
    return PROFILES[default]


@dataclass(frozen=True)
class Period:
    """The demo period: ``n_days`` days from ``start`` up to and including ``end``."""

    start: date
    end: date

    @property
    def n_days(self) -> int:
        """Number of days in the period."""
        return (self.end - self.start).days + 1

    @property
    def years(self) -> float:
        """Length of the period in years."""
        return self.n_days / 365.25

    def days(self) -> np.ndarray:
        """Day dates as ``datetime64[D]``."""
        return np.datetime64(self.start, "D") + np.arange(self.n_days)

    def day_of(self, d: date) -> int:
        """Day index of a date (may fall outside ``0..n_days-1``)."""
        return (d - self.start).days


def make_period(end: date, years: int) -> Period:
    """The ``years`` whole years up to and including ``end``."""
    try:
        first = end.replace(year=end.year - years)
    except ValueError:  # 29 February
        first = end.replace(year=end.year - years, day=28)
    return Period(first + timedelta(days=1), end)


def _calendar(period: Period) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    days = period.days()
    month = days.astype("datetime64[M]").astype(int) % 12
    weekday = (days.astype(int) + 3) % 7  # 1970-01-01 was a Thursday
    doy = (days - days.astype("datetime64[Y]")).astype(int)
    return month, weekday, doy


def sample_times(
    rng: np.random.Generator,
    n: int,
    period: Period,
    profile: Profile,
    trend: float = 0.0,
    day_range: tuple[int, int] | None = None,
) -> np.ndarray:
    """Draw ``n`` moments following a profile.

    Parameters
    ----------
    rng : numpy.random.Generator
    n : int
        Number of moments.
    period : Period
    profile : Profile
    trend : float
        Relative change over the period (``0.1`` = 10 % more at the end than at the start).
    day_range : (int, int), optional
        Restrict to day indices ``[a, b)`` (emerging hot spots).

    Returns
    -------
    numpy.ndarray of int64
        Minutes since the start of the period, sorted is not guaranteed.
    """
    if n <= 0:
        return np.zeros(0, np.int64)
    month, weekday, _ = _calendar(period)
    t = np.linspace(-0.5, 0.5, period.n_days)
    w = profile.season[month] * profile.weekday[weekday] * (1 + trend * t)
    if day_range is not None:
        mask = np.zeros(period.n_days, bool)
        mask[max(day_range[0], 0) : min(day_range[1], period.n_days)] = True
        w = w * mask
    day = rng.choice(period.n_days, size=n, p=w / w.sum())

    # Hour tables per (dark month?, weekend?) so the 24-bin draw stays one searchsorted each.
    dark = np.isin(month, [0, 1, 9, 10, 11])
    row_of_day = dark.astype(int) * 2 + (weekday >= 5).astype(int)
    row = row_of_day[day]
    hour = np.empty(n, np.int64)
    u = rng.random(n)
    for r in range(4):
        base = profile.hour_weekend if r % 2 else profile.hour_week
        h = base.copy()
        if r >= 2 and profile.dark_evening_boost != 1.0:
            h[17:22] *= profile.dark_evening_boost
        cdf = np.cumsum(h) / h.sum()
        sel = row == r
        hour[sel] = np.minimum(np.searchsorted(cdf, u[sel], side="right"), 23)
    minute = rng.integers(0, 60, n)
    return day.astype(np.int64) * MINUTES_PER_DAY + hour * 60 + minute


def light_condition(period: Period, minutes: np.ndarray) -> np.ndarray:
    """Light class per moment: 0 day, 1 dawn/dusk, 2 night (lighting decided elsewhere).

    Uses an approximate sunrise/sunset for central Belgium in local clock time (CET/CEST).
    """
    day = minutes // MINUTES_PER_DAY
    _, _, doy = _calendar(period)
    doy = doy[np.clip(day, 0, period.n_days - 1)]
    length = 12.2 + 4.3 * np.sin(2 * np.pi * (doy - 80) / 365.25)
    summer_time = (doy >= 87) & (doy < 300)
    noon = 12.75 + summer_time * 1.0
    rise, sset = noon - length / 2, noon + length / 2
    h = (minutes % MINUTES_PER_DAY) / 60.0
    out = np.full(len(minutes), 2, np.int64)
    out[(h >= rise) & (h <= sset)] = 0
    twilight = (np.abs(h - rise) < 0.35) | (np.abs(h - sset) < 0.35)
    out[twilight] = 1
    return out


def shares_for(names: tuple[str, ...], table: dict[str, float], default: float) -> np.ndarray:
    """Relative shares for configured names, matched on lower-case keywords in ``table``.

    Unknown names get ``default`` so a zone may add categories without code changes.
    """
    out = []
    for name in names:
        low = name.lower()
        out.append(next((w for key, w in table.items() if key in low), default))
    arr = np.asarray(out, float)
    return arr / arr.sum()
