"""Local events: what happened around an event, against what is usual there.

An event (kermis, fuif, wielerwedstrijd ...) is followed up by counting the facts, nuisance
reports and accidents within :data:`RADIUS_M` of its location from its start until
:data:`AFTER_HOURS` after its end (people leave after the last song). What is usual is the
same place and the same hours of the week in the :data:`BASELINE_WEEKS` weeks before, so
a Saturday night is compared with Saturday nights, not with a Tuesday morning.
"""

from __future__ import annotations

from typing import Any

import numpy as np

#: Records within this distance (metres, Lambert 72) of the event's location count.
RADIUS_M = 250
#: The follow-up runs until this many hours after the event's end.
AFTER_HOURS = 2
#: What is usual: the same window this many weeks before, one week at a time.
BASELINE_WEEKS = 4
#: One-sided p-value below which an event's count is called more than usual.
MAX_P = 0.05

#: Domains counted around an event: key -> Dutch column label.
DOMAINS = {"incidents": "Feiten", "nuisance": "Overlast", "accidents": "Ongevallen"}


def excess_p_value(now: Any, before_total: Any, weeks: int = BASELINE_WEEKS) -> np.ndarray:
    """One-sided exact p-value that the event's window had no more records than usual.

    Under an unchanged rate the ``n = now + before_total`` records of the event's window
    and its ``weeks`` earlier copies fall in the event's own window with chance
    ``1 / (weeks + 1)``: ``now`` is binomial(n, 1/(weeks + 1)), and the p-value is its upper
    tail P(X ≥ now). 3 records against none in four weeks gives 0.008; 1 against none
    0.2; nothing during the event gives 1.

    Parameters
    ----------
    now, before_total : array-like of non-negative counts
        Records in the event's window, and in its ``weeks`` earlier copies together.
    weeks : int
        Number of earlier copies.

    Returns
    -------
    ndarray of float
    """
    from scipy.stats import binom

    a = np.round(np.asarray(now, dtype=float))
    n = a + np.round(np.asarray(before_total, dtype=float))
    p = binom.sf(a - 1, n, 1.0 / (weeks + 1))
    return np.where(a <= 0, 1.0, p)


def more_than_usual(now: Any, before_total: Any, weeks: int = BASELINE_WEEKS) -> np.ndarray:
    """Whether an event's window had clearly more records than usual: at least two more
    than the weekly average of its earlier copies, and chance alone giving as many less
    than :data:`MAX_P` of the time (:func:`excess_p_value`). One fact more is never called
    so, however quiet the place usually is."""
    a = np.asarray(now, dtype=float)
    usual = np.asarray(before_total, dtype=float) / weeks
    return (a - usual >= 2) & (excess_p_value(a, before_total, weeks) < MAX_P)
