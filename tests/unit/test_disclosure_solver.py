"""The linked suppression's reader model (one HiGHS model per system, warm starts, solutions
kept to judge cells by) against a reader who solves every bound afresh with SciPy.

The audit decides which cells to hide from these bounds, so a shortcut that judged one cell
differently would change what a report publishes. Random systems shaped like a report's
(wijken in deelgemeenten, a category table on the same total, injury accidents at most the
victims of the same wijk) are suppressed both ways and must hide the same cells.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.optimize import linprog

from dashboard.documents import disclosure
from dashboard.documents.disclosure import LinkedCells, linked_bounds, pinned, suppress_linked


def _fresh_bounds(cells: LinkedCells, hidden: np.ndarray, threshold: int, cell: int, sign: float):
    """One bound of a hidden cell from a programme built for this pattern alone (SciPy)."""
    values = np.asarray(cells.values, dtype=float)
    idx = np.flatnonzero(hidden)
    visible = ~hidden
    primary = (values[idx] >= 1) & (values[idx] < threshold)
    lower = np.where(primary, 1.0, np.where(values[idx] >= threshold, float(threshold), 0.0))
    lower = np.maximum(lower, [cells.at_least.get(int(c), 0) for c in idx])
    upper = [threshold - 1.0 if p else None for p in primary]

    def rows(relations):
        a = np.zeros((len(relations), len(values)))
        for k, (total, parts) in enumerate(relations):
            for p in parts:
                a[k, p] += 1.0
            a[k, total] -= 1.0
        if not len(relations):
            return None, None
        a_h, b = a[:, idx], -a[:, visible] @ values[visible]
        keep = np.abs(a_h).sum(axis=1) > 0
        return (a_h[keep], b[keep]) if keep.any() else (None, None)

    a_eq, b_eq = rows(cells.equations)
    orders = [(large, (small,)) for small, large in cells.at_most]
    orders += [(large, parts) for parts, large in cells.sums_at_most]
    a_ub, b_ub = rows(orders)
    c = np.zeros(len(idx))
    c[list(idx).index(cell)] = sign
    res = linprog(
        c,
        A_eq=a_eq,
        b_eq=b_eq,
        A_ub=a_ub,
        b_ub=b_ub,
        bounds=list(zip(lower, upper, strict=True)),
        method="highs",
    )
    if res.status != 0:
        return float(lower[list(idx).index(cell)]) if sign > 0 else np.inf
    return sign * res.fun


class _FreshReader:
    """The reader of :class:`disclosure._Reader`'s interface that shortcuts nothing."""

    def __init__(self, cells: LinkedCells, threshold: int) -> None:
        self.cells, self.threshold = cells, threshold
        self.hidden = np.zeros(len(cells.values), dtype=bool)

    def show(self, hidden):
        self.hidden = np.asarray(hidden, dtype=bool).copy()
        return self

    @property
    def position(self):
        return [int(c) for c in np.flatnonzero(self.hidden)]

    def low(self, cell):
        return _fresh_bounds(self.cells, self.hidden, self.threshold, cell, 1.0)

    def high(self, cell):
        return _fresh_bounds(self.cells, self.hidden, self.threshold, cell, -1.0)

    def pinned(self, cell):
        return pinned(self.low(cell), self.high(cell))


def _random_system(rng: np.random.Generator) -> LinkedCells:
    """A municipality's report for two measures: injury accidents and their victims."""
    cells = LinkedCells([], [], [])
    shape = [int(rng.integers(1, 4)) for _ in range(int(rng.integers(2, 4)))]
    by_measure = []
    for scale in (3, 5):  # accidents, then victims: more of them
        wijken = [[int(rng.poisson(rng.uniform(0.5, scale))) for _ in range(n)] for n in shape]
        by_measure.append(wijken)
    # Every accident has a victim: victims per wijk at least the accidents.
    by_measure[1] = [
        [max(v, a) for v, a in zip(vs, acc, strict=True)]
        for vs, acc in zip(by_measure[1], by_measure[0], strict=True)
    ]
    leaves = []
    for wijken in by_measure:
        wijk_cells, dg_cells = [], []
        for dg in wijken:
            members = [cells.add(v, 0) for v in dg]
            wijk_cells.append(members)
            if len(members) == 1:
                dg_cells.append(members[0])
            else:
                dg_cells.append(cells.add(sum(dg), 1))
                cells.relate(dg_cells[-1], members)
        total = cells.add(sum(map(sum, wijken)), 2)
        cells.relate(total, dg_cells)
        cells.relate(total, [m for members in wijk_cells for m in members])
        # A category table on the same total.
        split = rng.multinomial(cells.values[total], rng.dirichlet(np.ones(4)))
        cells.relate(total, [cells.add(int(v), 0) for v in split])
        leaves.append([m for members in wijk_cells for m in members])
    for accidents, victims in zip(*leaves, strict=True):
        cells.bound(accidents, victims)
    return cells


@pytest.mark.parametrize("threshold", [3, 5])
def test_the_audit_hides_what_a_reader_solving_everything_afresh_would(monkeypatch, threshold):
    rng = np.random.default_rng(20261203 + threshold)
    systems = [_random_system(rng) for _ in range(60)]
    kept = [suppress_linked(cells, threshold, residual=[]) for cells in systems]
    monkeypatch.setattr(disclosure, "_Reader", _FreshReader)
    fresh = [suppress_linked(cells, threshold, residual=[]) for cells in systems]
    secondary = 0
    for (p1, h1), (p2, h2) in zip(kept, fresh, strict=True):
        assert np.array_equal(p1, p2)
        assert np.array_equal(h1, h2)
        secondary += int((h1 & ~p1).sum())
    assert secondary > 20  # the audit and the line rule really hid more than the small counts


def test_bounds_equal_a_fresh_programme_per_cell():
    rng = np.random.default_rng(7)
    compared = 0
    for _ in range(40):
        cells = _random_system(rng)
        hidden = rng.random(len(cells.values)) < 0.4
        for cell, (low, high) in linked_bounds(cells, hidden).items():
            assert math.isclose(low, _fresh_bounds(cells, hidden, 5, cell, 1.0), abs_tol=1e-6)
            fresh_high = _fresh_bounds(cells, hidden, 5, cell, -1.0)
            assert high == fresh_high or math.isclose(high, fresh_high, abs_tol=1e-6)
            compared += 1
    assert compared > 200


def test_a_kept_solution_judges_only_the_pattern_it_is_feasible_under():
    """w1 + w2 = 10 with both hidden: a solution puts w1 at 9. Once w2 is shown (4), w1 is
    6 and that solution no longer says anything about it."""
    cells = LinkedCells([], [], [])
    w1, w2 = cells.add(6, 0), cells.add(4, 0)
    total = cells.add(10, 2)
    cells.relate(total, [w1, w2])
    reader = disclosure._Reader(cells, 5)
    both = np.array([True, True, False])
    assert not reader.show(both).pinned(w1)
    assert reader.show(np.array([True, False, False])).pinned(w1)
    assert not reader.show(both).pinned(w2)


def test_sessions_suppressing_at_once_get_what_each_gets_alone():
    """The dashboard's sessions are threads of one process: two reports suppressed at the
    same moment each keep their own solver and hide what they hide alone."""
    from concurrent.futures import ThreadPoolExecutor

    rng = np.random.default_rng(11)
    systems = [_random_system(rng) for _ in range(24)]
    alone = [suppress_linked(cells, residual=[])[1] for cells in systems]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda cells: suppress_linked(cells, residual=[])[1], systems))
    for a, b in zip(alone, together, strict=True):
        assert np.array_equal(a, b)


def test_the_first_solver_of_a_process_prints_no_banner():
    # HiGHS wrote "Running HiGHS 1.16.0 ..." to standard output from its first solver, into
    # the server's log; the output after it still arrives.
    import subprocess
    import sys

    code = (
        "from dashboard.documents.disclosure import LinkedCells, suppress_linked\n"
        "cells = LinkedCells([], [], [])\n"
        "parts = [cells.add(v, 0) for v in (2, 7, 9)]\n"
        "cells.relate(cells.add(18, 1), parts)\n"
        "primary, hidden = suppress_linked(cells, 5)\n"
        "print('na', int(hidden.sum()))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert "HiGHS" not in done.stdout + done.stderr
    assert done.stdout.startswith("na ")
