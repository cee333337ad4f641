"""Small-count suppression across linked tables (one report, several tables, shared totals).

:func:`dashboard.analysis.suppression.suppress_table` protects one table against its own
totals. A report to the administration publishes *several* tables of the same counts: the
wijk table, the deelgemeente table (each deelgemeente is the sum of its wijken; a
deelgemeente with one wijk *is* that wijk), category tables whose total is the
municipality total, and a trend table whose current year is that same total. Suppressing
each table on its own lets a reader subtract across tables: a wijk hidden in the wijk table
is the deelgemeente's count minus its visible sister wijk.

This module therefore treats all published cells of one measure as **one system**: every
distinct number is one cell, published once or several times, and every additive relation
is one equation ``total = sum(parts)``:

* each deelgemeente = sum of its wijken (a one-wijk deelgemeente: ``d = w``);
* the municipality total = sum of the deelgemeenten = sum of the wijken;
* the municipality total = sum of the categories of a category table.

It applies the same rules as :mod:`dashboard.analysis.suppression` to that system:
primary suppression of 1..threshold−1 (zeros stay visible), secondary suppression until no
equation has exactly one hidden cell (a leaf before a subtotal before the total, smallest
value first), and an audit with the linear-programme bounds of every hidden cell under all
equations (a primary cell lies in 1..threshold−1, a secondary one is ≥ threshold), hiding
more where a cell is pinned to one value. A cell has one status everywhere it appears, so
no table shows what another hides. Where nothing is left to hide a
:class:`~dashboard.analysis.suppression.ResidualDisclosureWarning` is raised.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

from dashboard.analysis.suppression import ResidualDisclosureWarning

__all__ = ["LinkedCells", "linked_bounds", "suppress_linked"]


@dataclass
class LinkedCells:
    """The published cells of one measure and the equations between them.

    Attributes
    ----------
    values : list of int
        True count of every cell.
    level : list of int
        0 for a leaf (wijk, category), 1 for a subtotal (deelgemeente), 2 for the total;
        secondary suppression hides lower levels first.
    equations : list of (int, tuple of int)
        ``(total cell, part cells)`` with ``values[total] == sum(values[parts])``.
    """

    values: list[int]
    level: list[int]
    equations: list[tuple[int, tuple[int, ...]]]

    def add(self, value: int, level: int) -> int:
        """Add a cell; returns its index."""
        self.values.append(int(value))
        self.level.append(int(level))
        return len(self.values) - 1

    def relate(self, total: int, parts: Sequence[int]) -> None:
        """Add the equation ``total = sum(parts)`` (checked against the values)."""
        parts = tuple(int(p) for p in parts)
        if sum(self.values[p] for p in parts) != self.values[total]:
            raise ValueError("Deeltellingen tellen niet op tot het totaal.")
        self.equations.append((int(total), parts))


def _matrix(cells: LinkedCells) -> np.ndarray:
    a = np.zeros((len(cells.equations), len(cells.values)))
    for k, (total, parts) in enumerate(cells.equations):
        for p in parts:
            a[k, p] += 1.0
        a[k, total] -= 1.0
    return a


def linked_bounds(
    cells: LinkedCells, hidden: np.ndarray, threshold: int = 5
) -> dict[int, tuple[float, float]]:
    """Smallest and largest value each hidden cell can take given everything published.

    Parameters
    ----------
    cells : LinkedCells
    hidden : ndarray of bool
        One flag per cell.
    threshold : int, default 5

    Returns
    -------
    dict
        cell index → ``(low, high)``; ``high`` may be ``inf``.
    """
    values = np.asarray(cells.values, dtype=float)
    idx = np.flatnonzero(hidden)
    if idx.size == 0:
        return {}
    primary = (values[idx] >= 1) & (values[idx] < threshold)
    lower = np.where(primary, 1.0, np.where(values[idx] >= threshold, float(threshold), 0.0))
    upper = [float(threshold - 1) if p else None for p in primary]
    a = _matrix(cells)
    a_eq = b_eq = None
    if a.size:
        visible = ~np.asarray(hidden, dtype=bool)
        a_eq = a[:, idx]
        b_eq = -a[:, visible] @ values[visible]
        keep = np.abs(a_eq).sum(axis=1) > 0
        a_eq, b_eq = a_eq[keep], b_eq[keep]
        if a_eq.shape[0] == 0:
            a_eq = b_eq = None
    bounds = list(zip(lower, upper, strict=True))
    out = {}
    for k, cell in enumerate(idx):
        c = np.zeros(idx.size)
        c[k] = 1.0
        lo = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        hi = linprog(-c, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        low = lo.fun if lo.status == 0 else lower[k]
        high = -hi.fun if hi.status == 0 else np.inf
        out[int(cell)] = (float(low), float(high))
    return out


def _pick(candidates: list[int], cells: LinkedCells, single: set[int]) -> int | None:
    """Cheapest cell to hide: lowest level, one that also fixes another equation, smallest."""
    if not candidates:
        return None
    return min(candidates, key=lambda c: (cells.level[c], c not in single, cells.values[c], c))


def suppress_linked(
    cells: LinkedCells,
    threshold: int = 5,
    audit: bool = True,
    residual: list[str] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Primary and secondary suppression over every equation of a linked system.

    Parameters
    ----------
    cells : LinkedCells
        Cells and equations of one measure.
    threshold : int, default 5
        Counts from 1 to ``threshold − 1`` are hidden.
    audit : bool, default True
        Also check the linear-programme bounds and hide more where a cell is pinned.
    residual : list of str, optional
        Receives the message of a residual disclosure instead of a warning. The dashboard
        passes one: Python's warning filters are one list for the whole process, and
        another session's thread that ignores these warnings at that moment would make
        the report lose its own.

    Returns
    -------
    (ndarray of bool, ndarray of bool)
        ``primary`` (small counts) and ``hidden`` (primary plus secondary) per cell.

    Warns
    -----
    ResidualDisclosureWarning
        When a hidden value stays pinned although every non-zero cell is hidden (unless
        ``residual`` is given).
    """
    values = np.asarray(cells.values, dtype=np.int64)
    primary = (values >= 1) & (values < threshold)
    hidden = primary.copy()

    def line_rule() -> None:
        while True:
            singles = []
            for total, parts in cells.equations:
                members = (total, *parts)
                if sum(hidden[m] for m in members) == 1:
                    singles.append(members)
            if not singles:
                return
            in_single = {m for members in singles for m in members}
            members = singles[0]
            free = [m for m in members if not hidden[m] and values[m] > 0]
            cell = _pick(free, cells, in_single)
            if cell is None:  # a line's only hidden cell would be 0: impossible
                raise RuntimeError("Geen cel om secundair te onderdrukken gevonden.")
            hidden[cell] = True

    line_rule()
    while audit and cells.equations and hidden.any():
        bounds = linked_bounds(cells, hidden, threshold)
        exposed = [c for c, (lo, hi) in bounds.items() if hi - lo < 0.5]
        if not exposed:
            break
        target = exposed[0]
        near = {
            m
            for total, parts in cells.equations
            if target == total or target in parts
            for m in (total, *parts)
        }
        free_near = [m for m in near if not hidden[m] and values[m] > 0]
        free_all = [m for m in range(len(values)) if not hidden[m] and values[m] > 0]
        cell = _pick(free_near, cells, set())
        if cell is None:
            cell = _pick(free_all, cells, set())
        if cell is None:
            message = (
                "Onderdrukking kan niet alle kleine aantallen beschermen; voeg gebieden "
                "of categorieën samen of laat de totalen weg."
            )
            if residual is not None:
                residual.append(message)
            else:
                warnings.warn(ResidualDisclosureWarning(message), stacklevel=2)
            break
        hidden[cell] = True
        line_rule()
    return primary, hidden
