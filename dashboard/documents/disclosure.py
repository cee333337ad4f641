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

Two measures whose readers know an order between them share one system too: every injury
accident has at least one victim, so a reader knows injury accidents ≤ victims for every
area and period. Such known inequalities (``small ≤ large``, :meth:`LinkedCells.bound`)
are no equations for the line rule, but the audit's bounds respect them: the first
half year's "x" injury accidents of a wijk could not exceed its 6 visible victims, which
left the second half year's "<5" one value.

It applies the same rules as :mod:`dashboard.analysis.suppression` to that system:
primary suppression of 1..threshold−1 (zeros stay visible), secondary suppression until no
equation has exactly one hidden cell (a leaf before a subtotal before the total, smallest
value first), and an audit with the linear-programme bounds of every hidden cell under all
equations and known inequalities (a primary cell lies in 1..threshold−1, a secondary one
is ≥ threshold), hiding more where a cell is pinned to one value (at most one whole number
left between its bounds; where no single cell frees it, several cheaper ones that
together do rather than a total). A cell has one status everywhere it appears, so
no table shows what another hides. Where nothing is left to hide a
:class:`~dashboard.analysis.suppression.ResidualDisclosureWarning` is raised.
"""

from __future__ import annotations

import math
import os
import sys
import threading
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import highspy
import numpy as np
from scipy import sparse

from dashboard.analysis.suppression import ResidualDisclosureWarning

__all__ = ["LinkedCells", "linked_bounds", "pinned", "suppress_linked"]


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
    at_most : list of (int, int)
        ``(small, large)`` with ``values[small] <= values[large]``: an order every reader
        knows (injury accidents and victims of the same area and days).
    sums_at_most : list of (tuple of int, int)
        ``(parts, large)`` with ``sum(values[parts]) <= values[large]``: events in one wijk
        and one quarter together count at most what the wijk counts.
    at_least : dict of int to int
        ``cell -> k`` with ``values[cell] >= k``: a lower bound every reader knows besides
        the rules' own (an event's count called more than usual is at least 2).
    """

    values: list[int]
    level: list[int]
    equations: list[tuple[int, tuple[int, ...]]]
    at_most: list[tuple[int, int]] = field(default_factory=list)
    sums_at_most: list[tuple[tuple[int, ...], int]] = field(default_factory=list)
    at_least: dict[int, int] = field(default_factory=dict)

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

    def bound(self, small: int, large: int) -> None:
        """Add the known inequality ``values[small] <= values[large]`` (checked)."""
        if self.values[small] > self.values[large]:
            raise ValueError("De kleinere telling is groter dan de grotere.")
        self.at_most.append((int(small), int(large)))

    def bound_sum(self, parts: Sequence[int], large: int) -> None:
        """Add the known inequality ``sum(values[parts]) <= values[large]`` (checked)."""
        parts = tuple(int(p) for p in parts)
        if sum(self.values[p] for p in parts) > self.values[large]:
            raise ValueError("De deeltellingen samen zijn groter dan de grotere telling.")
        self.sums_at_most.append((parts, int(large)))

    def floor(self, cell: int, k: int) -> None:
        """Add the known lower bound ``values[cell] >= k`` (checked)."""
        if self.values[cell] < k:
            raise ValueError("De telling is kleiner dan haar gekende ondergrens.")
        self.at_least[int(cell)] = max(int(k), self.at_least.get(int(cell), 0))


_FIRST_SOLVER = threading.Lock()
_banner_swallowed = False


def _new_solver() -> highspy.Highs:
    """A HiGHS solver. The first one of a process writes HiGHS's banner ("Running HiGHS
    1.16.0 ...") to standard output, before any option can silence it: into the server's
    log, or a command's output. Standard output (the file descriptor, which the C++ library
    writes to) goes to the null device while that first one is made."""
    global _banner_swallowed
    if _banner_swallowed:
        return highspy.Highs()
    with _FIRST_SOLVER:
        if _banner_swallowed:
            return highspy.Highs()
        _banner_swallowed = True
        if sys.stdout is not None:
            sys.stdout.flush()
        try:
            saved = os.dup(1)
        except OSError:  # no standard output at all: nothing to keep clean
            return highspy.Highs()
        try:
            with open(os.devnull, "wb") as null:
                os.dup2(null.fileno(), 1)
                try:
                    return highspy.Highs()
                finally:
                    os.dup2(saved, 1)
        finally:
            os.close(saved)


class _Reader:
    """The linear programme of a reader of one system, for every suppression pattern.

    One HiGHS model per system (:class:`LinkedCells`): every cell is a column, every
    equation an equality row and every known inequality a row ``small - large <= 0``. A
    visible cell is a column fixed at its value; a hidden one lies in what the reader
    knows of it: a primary cell in 1..threshold−1, a secondary one at least ``threshold``,
    and at least its known lower bound (:attr:`LinkedCells.at_least`). :meth:`show`
    changes the pattern by changing those bounds only, so every programme after the
    first starts from the last one's basis: the audit of a year's seven reports solves
    hundreds of these small programmes, and building each anew cost more than solving it.

    Every solution found under a pattern is kept. The true values are one feasible point;
    a solution whose value of a cell lies a whole unit or more from the cell's true value
    is another, so that cell has at least two whole numbers between its bounds and is not
    pinned (:func:`pinned`), without a programme of its own.
    """

    #: Solutions kept to judge cells by (the most recent ones).
    POINTS = 64

    def __init__(self, cells: LinkedCells, threshold: int) -> None:
        values = np.asarray(cells.values, dtype=float)
        n = len(values)
        self.values = values
        primary = (values >= 1) & (values < threshold)
        known = np.array([cells.at_least.get(c, 0) for c in range(n)], dtype=float)
        self.hidden_lower = np.maximum(
            np.where(primary, 1.0, np.where(values >= threshold, float(threshold), 0.0)), known
        )
        self.hidden_upper = np.where(primary, float(threshold - 1), highspy.kHighsInf)
        # Row k: +1 for each part, -1 for the total (or the larger count); a cell twice in
        # one row adds up (the sparse matrix sums repeated entries).
        orders = [((small,), large) for small, large in cells.at_most] + cells.sums_at_most
        relations = cells.equations + [(large, parts) for parts, large in orders]
        r, c, v = [], [], []
        for k, (total, parts) in enumerate(relations):
            r += [k] * (len(parts) + 1)
            c += [*parts, total]
            v += [1.0] * len(parts) + [-1.0]
        n_eq, n_rows = len(cells.equations), len(relations)
        a = sparse.csc_matrix((v, (r, c)), shape=(n_rows, n))
        lp = highspy.HighsLp()
        lp.num_col_ = n
        lp.num_row_ = n_rows
        lp.col_cost_ = np.zeros(n)
        lp.col_lower_ = values.copy()
        lp.col_upper_ = values.copy()
        lp.row_lower_ = np.concatenate([np.zeros(n_eq), np.full(len(orders), -highspy.kHighsInf)])
        lp.row_upper_ = np.zeros(n_rows)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = a.indptr.astype(np.int32)
        lp.a_matrix_.index_ = a.indices.astype(np.int32)
        lp.a_matrix_.value_ = a.data
        self._highs = _new_solver()
        self._highs.setOptionValue("output_flag", False)
        # Small programmes that differ from the last in a bound or a cost: the simplex
        # method from the last basis, without presolve (which would start it afresh).
        self._highs.setOptionValue("presolve", "off")
        self._highs.setOptionValue("solver", "simplex")
        self._highs.passModel(lp)
        self._costed: int | None = None
        self.hidden = np.zeros(n, dtype=bool)
        self._points: list[np.ndarray] = [values]

    def show(self, hidden: np.ndarray) -> _Reader:
        """Set the suppression pattern (one flag per cell); returns the reader."""
        hidden = np.asarray(hidden, dtype=bool)
        changed = np.flatnonzero(hidden != self.hidden).astype(np.int32)
        if changed.size:
            lower = np.where(hidden[changed], self.hidden_lower[changed], self.values[changed])
            upper = np.where(hidden[changed], self.hidden_upper[changed], self.values[changed])
            self._highs.changeColsBounds(len(changed), changed, lower, upper)
            # A solution stays feasible where it agrees with the true values on the cells
            # shown now (a cell hidden now allows its true value, so every other point).
            shown = changed[~hidden[changed]]
            self._points = [
                p for p in self._points if np.all(np.abs(p[shown] - self.values[shown]) <= 1e-7)
            ][-self.POINTS :]
            self.hidden = hidden.copy()
        return self

    @property
    def position(self) -> list[int]:
        """The hidden cells, in index order."""
        return [int(c) for c in np.flatnonzero(self.hidden)]

    def _optimum(self, cell: int, sign: float) -> float | None:
        h = self._highs
        if self._costed is not None:
            h.changeColCost(self._costed, 0.0)
        h.changeColCost(cell, sign)
        self._costed = cell
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        self._points.append(np.asarray(h.getSolution().col_value))
        return sign * h.getInfo().objective_function_value

    def low(self, cell: int) -> float:
        """Smallest value the hidden ``cell`` can take."""
        v = self._optimum(cell, 1.0)
        return float(self.hidden_lower[cell]) if v is None else float(v)

    def high(self, cell: int) -> float:
        """Largest value the hidden ``cell`` can take (``inf`` when unbounded)."""
        v = self._optimum(cell, -1.0)
        return np.inf if v is None else float(v)

    def pinned(self, cell: int) -> bool:
        """:func:`pinned` for the hidden ``cell``; no programme when a solution already
        found lies a unit from its true value, one when the low bound does."""
        true = self.values[cell]
        if any(abs(p[cell] - true) >= 1 - 1e-7 for p in self._points):
            return False
        if math.ceil(self.low(cell) - 1e-6) < true:
            return False
        return pinned(true, self.high(cell))


def linked_bounds(
    cells: LinkedCells,
    hidden: np.ndarray,
    threshold: int = 5,
) -> dict[int, tuple[float, float]]:
    """Smallest and largest value each hidden cell can take given everything published.

    The reader knows every visible cell, every equation, every known inequality
    (:attr:`LinkedCells.at_most`), that a primary cell lies in 1..threshold−1 and that a
    secondary one is at least ``threshold``.

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
    if not np.any(hidden):
        return {}
    lp = _Reader(cells, threshold).show(hidden)
    return {cell: (lp.low(cell), lp.high(cell)) for cell in lp.position}


def pinned(low: float, high: float) -> bool:
    """Whether bounds leave a count one value: at most one whole number between them.

    Without inequalities the bounds of these systems are whole numbers and this is
    ``high - low < 0.5``; with them a vertex may be fractional (3.5..4.4 still says 4).
    """
    if not np.isfinite(high):
        return False
    return math.floor(high + 1e-6) - math.ceil(low - 1e-6) < 1


def _related(cells: LinkedCells, cell: int) -> set[int]:
    """The cells that share an equation or a known inequality with ``cell`` (``cell`` among
    them when it has one)."""
    out = {
        m
        for total, parts in cells.equations
        if cell == total or cell in parts
        for m in (total, *parts)
    }
    out |= {m for pair in cells.at_most if cell in pair for m in pair}
    out |= {
        m
        for parts, large in cells.sums_at_most
        if cell == large or cell in parts
        for m in (*parts, large)
    }
    return out


def _freeing_set(
    cells: LinkedCells,
    reader: _Reader,
    hidden: np.ndarray,
    target: int,
    candidates: list[int],
) -> list[int]:
    """Candidates whose hiding together frees ``target``, as few and as cheap as the
    greedy way finds: all of them hidden, then each shown again (the most telling first:
    higher level, larger count) where the target stays free. Empty when all of them
    together do not free it."""
    if not candidates:
        return []
    trial = hidden.copy()
    trial[candidates] = True
    if reader.show(trial).pinned(target):
        return []
    for cell in sorted(candidates, key=lambda c: (-cells.level[c], -cells.values[c], c)):
        trial[cell] = False
        if reader.show(trial).pinned(target):
            trial[cell] = True
    return [c for c in candidates if trial[c]]


def _pick(candidates: list[int], cells: LinkedCells, single: set[int]) -> int | None:
    """Cheapest cell to hide: lowest level, one that also fixes another equation, smallest."""
    if not candidates:
        return None
    return min(candidates, key=lambda c: (cells.level[c], c not in single, cells.values[c], c))


def _unpinning(
    cells: LinkedCells,
    reader: _Reader,
    hidden: np.ndarray,
    target: int,
    candidates: list[int],
) -> int | None:
    """The cheapest candidate (:func:`_pick`'s order) whose hiding frees ``target``.

    The cheapest cell next to a pinned one need not free it: when an inequality pins it
    (injury accidents "x" but at most 5 visible victims), hiding a sister wijk changes
    nothing. ``None`` when no single candidate does.
    """
    for cell in sorted(candidates, key=lambda c: (cells.level[c], cells.values[c], c)):
        trial = hidden.copy()
        trial[cell] = True
        if not reader.show(trial).pinned(target):
            return cell
    return None


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
        Cells and equations of one measure, or of measures with a known order between
        them (:meth:`LinkedCells.bound`).
    threshold : int, default 5
        Counts from 1 to ``threshold − 1`` are hidden.
    audit : bool, default True
        Also check the linear-programme bounds (equations and inequalities) and hide
        more where a cell is pinned (:func:`pinned`): a cell next to it that frees it,
        else several cheaper cells that free it together (:func:`_freeing_set`), before
        the cheapest cell next to it (a total, often, that frees nothing).
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
    # Cells not (or no longer) audited. Hiding a cell only widens what the reader can say
    # about the others (a known value becomes a range holding it), so a cell found free
    # stays free: each is checked once.
    skip_audit: set[int] = set()
    # Below 3 the rule itself tells a small count ("<2" can only be 1): hiding more cannot
    # protect it, and trying hid every cell of the table and still warned. Only cells
    # hidden as secondary ("x") are audited then.
    if threshold < 3:
        skip_audit.update(int(c) for c in np.flatnonzero(primary))
    relations = cells.equations or cells.at_most or cells.sums_at_most or cells.at_least
    reader = _Reader(cells, threshold) if audit and relations else None
    while reader is not None and hidden.any():
        lp = reader.show(hidden)
        target = None
        for cell in lp.position:  # in index order: the first pinned cell, as before
            if cell in skip_audit:
                continue
            if lp.pinned(cell):
                target = cell
                break
            skip_audit.add(cell)
        if target is None:
            break
        near = _related(cells, target)
        free_near = [m for m in near if not hidden[m] and values[m] > 0]
        # A cell in no equation or order is pinned by its own bounds (a lower bound the
        # reader knows, at threshold − 1): hiding other cells cannot free it.
        free_all = (
            [m for m in range(len(values)) if not hidden[m] and values[m] > 0] if near else []
        )
        cell = _unpinning(cells, reader, hidden, target, free_near)
        if cell is None:
            # No single cell next to it frees it: the cheapest one there (or anywhere)
            # would be hidden in vain. Several cheaper cells may free it together: Herent's
            # wijk with 4 injury accidents in a quarter was pinned by its deelgemeente, its
            # half year and its victims, all hidden already; only the quarter's total was
            # left next to it, and so every quarterly total of 2024 and 2025 went.
            cell = _pick(free_near, cells, set())
            if cell is None:
                cell = _pick(free_all, cells, set())
            if cell is not None:
                cheaper = [m for m in free_all if cells.level[m] < cells.level[cell]]
                several = _freeing_set(cells, reader, hidden, target, cheaper)
                if several:
                    hidden[several] = True
                    line_rule()
                    continue
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
