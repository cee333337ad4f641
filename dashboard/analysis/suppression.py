"""Small-count suppression for tables that leave the police (reports to the administration).

Rules (``[zone].small_count_threshold``, 5 by default):

1. **Primary suppression.** Every cell with a count from 1 to ``threshold − 1``, totals
   included, is shown as ``"<5"``. A **zero stays visible**: "nobody" identifies no person,
   hiding zeros would blank most of a sparse table, and a zero is never needed as a
   secondary cell (see below).
2. **Secondary suppression.** A published total turns every row and column into an
   equation: if a line whose total is shown holds exactly one hidden cell, that cell is the
   total minus the visible cells. So in each such line a second cell is hidden: the
   smallest non-zero visible one, an inner cell before a total. This repeats until no line
   has exactly one hidden cell. Secondary cells show ``"x"``: writing ``"<5"`` over a 12
   would be false.

   A non-zero candidate always exists: if a line's only hidden cell held v ≥ 1 and all its
   visible cells were 0, the line's equation would give v = 0.
3. **Audit.** "No line with exactly one hidden cell" is necessary but not sufficient:
   combinations of lines can still pin a cell (a hidden cell that bridges two otherwise
   separate groups of hidden cells), and a reader who knows the rules knows each ``"<5"``
   lies in 1..4 and each ``"x"`` is at least 5. :func:`verify_no_disclosure` therefore
   solves the linear programme min/max of every hidden cell under all published
   equations and those bounds; :func:`suppress_table` hides more where a cell's
   interval shrinks to a single value: a cell next to it that frees it, else several
   cheaper cells that free it together, and repeats. It runs the reports' linked
   suppression (:func:`dashboard.documents.disclosure.suppress_linked`) on the system of
   this one table, so a table on its own and a report's linked tables follow the same
   algorithm. With a threshold below 3 a small count is told by the rule itself ("<2" can
   only be 1); only secondary cells are audited then.

   One case cannot be repaired by hiding more: when every non-zero cell of a line is
   already hidden and the bounds alone pin them, e.g. (threshold 5) a column whose only
   non-zero cells are four 1s: four ``"<5"`` and a ``"<5"`` total can only be 1 + 1 + 1 + 1.
   :func:`suppress_table` then emits a :class:`ResidualDisclosureWarning`; merge categories
   or areas, or publish without that total. (Hiding the zeros instead would make ``"<5"``
   mean 0–4 everywhere; we keep zeros visible, which is what readers expect.)

The table is treated as its *extended* form: the inner cells plus, when published, a
total column (row totals), a total row (column totals) and the grand total in the corner.
Every row of the extended table is an equation when row totals are published, every column
when column totals are.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy.optimize import linprog

__all__ = [
    "FOOTNOTE_NL",
    "DisclosureReport",
    "ResidualDisclosureWarning",
    "SuppressedTable",
    "footnote_nl",
    "interval_bounds",
    "suppress_table",
    "verify_no_disclosure",
]


def footnote_nl(threshold: int = 5) -> str:
    """Footnote for a table with suppressed cells, for ``[zone].small_count_threshold``.

    >>> footnote_nl(10)[:26]
    '<10: aantal tussen 1 en 9,'
    """
    small = "aantal 1" if threshold <= 2 else f"aantal tussen 1 en {threshold - 1}"
    return (
        f"<{threshold}: {small}, niet getoond om personen te beschermen. "
        "x: niet getoond zodat een verborgen aantal niet uit de totalen kan worden afgeleid."
    )


#: Footnote for reports that contain suppressed cells (threshold 5; else :func:`footnote_nl`).
FOOTNOTE_NL = footnote_nl(5)


class ResidualDisclosureWarning(UserWarning):
    """The suppression pattern still pins a hidden value and nothing is left to hide."""


class SuppressedTable(NamedTuple):
    """Result of :func:`suppress_table`.

    Attributes
    ----------
    display : DataFrame
        Label columns unchanged, value columns (and ``Totaal``) as strings: Dutch-formatted
        numbers, ``"<5"`` (primary) or ``"x"`` (secondary).
    mask : DataFrame
        Same index as ``display``, one boolean column per displayed value column; ``True``
        where the cell is hidden.
    """

    display: pd.DataFrame
    mask: pd.DataFrame


@dataclass
class DisclosureReport:
    """Result of :func:`verify_no_disclosure`.

    Attributes
    ----------
    single_hidden_lines : list of (str, int)
        Published lines (``("rij", i)`` / ``("kolom", j)`` of the extended table) with
        exactly one hidden cell.
    small_visible : list of (int, int)
        Extended-table cells with a count in 1..threshold−1 that are visible.
    exposed : list of (int, int)
        Hidden cells whose feasible interval is a single value.
    bounds : dict
        ``(i, j) -> (low, high)`` for every hidden cell (only with ``check_bounds``).
    """

    single_hidden_lines: list[tuple[str, int]] = field(default_factory=list)
    small_visible: list[tuple[int, int]] = field(default_factory=list)
    exposed: list[tuple[int, int]] = field(default_factory=list)
    bounds: dict[tuple[int, int], tuple[float, float]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when nothing can be recovered."""
        return not (self.single_hidden_lines or self.small_visible or self.exposed)


# --------------------------------------------------------------------------------------
# Extended table and its equations
# --------------------------------------------------------------------------------------


def _check_values(values: np.ndarray) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 2:
        raise ValueError("Een tabel heeft twee dimensies.")
    if not np.isfinite(arr).all() or (arr < 0).any() or (arr != np.round(arr)).any():
        raise ValueError("Onderdrukking werkt op aantallen: gehele getallen ≥ 0, geen lege cellen.")
    return arr.astype(np.int64)


def _extend(values: np.ndarray, row_totals: bool, col_totals: bool) -> np.ndarray:
    """Inner table plus the published margins (total column, total row, grand total)."""
    ext = values
    if row_totals:
        ext = np.column_stack([ext, ext.sum(axis=1)])
    if col_totals:
        ext = np.vstack([ext, ext.sum(axis=0)])
    return ext


def _margin_mask(shape: tuple[int, int], row_totals: bool, col_totals: bool) -> np.ndarray:
    margin = np.zeros(shape, dtype=bool)
    if row_totals:
        margin[:, -1] = True
    if col_totals:
        margin[-1, :] = True
    return margin


def _equations(shape: tuple[int, int], row_totals: bool, col_totals: bool) -> np.ndarray:
    """Rows of ``A`` with ``A @ ext.ravel() == 0``: inner cells +1, the line's total −1."""
    n_rows, n_cols = shape
    eqs = []
    if row_totals:
        for i in range(n_rows):
            a = np.zeros(shape)
            a[i, :] = 1.0
            a[i, -1] = -1.0
            eqs.append(a.ravel())
    if col_totals:
        for j in range(n_cols):
            a = np.zeros(shape)
            a[:, j] = 1.0
            a[-1, j] = -1.0
            eqs.append(a.ravel())
    return np.array(eqs).reshape(len(eqs), n_rows * n_cols)


def interval_bounds(
    ext: np.ndarray,
    hidden: np.ndarray,
    row_totals: bool,
    col_totals: bool,
    threshold: int = 5,
) -> dict[tuple[int, int], tuple[float, float]]:
    """Smallest and largest value each hidden cell can take given what is published.

    The reader knows every visible cell, every published equation (line sums), that a
    primary cell (value 1..threshold−1) lies in ``[1, threshold − 1]`` and that a secondary
    cell is at least ``threshold`` (zeros and small counts are never secondary). Because the
    equations of a two-way table form a network matrix, the LP optimum is an integer, so
    these bounds are attained by integer tables.

    Parameters
    ----------
    ext : ndarray of int
        Extended table (inner cells plus published margins).
    hidden : ndarray of bool
        Same shape; True where hidden.
    row_totals, col_totals : bool
        Which margins are published (and therefore present in ``ext``).
    threshold : int, default 5

    Returns
    -------
    dict
        ``(i, j) -> (low, high)``; ``high`` may be ``inf``.
    """
    idx = np.flatnonzero(hidden.ravel())
    if idx.size == 0:
        return {}
    flat = ext.ravel().astype(float)
    primary = (flat[idx] >= 1) & (flat[idx] < threshold)
    # Hidden non-primary cells are at least the threshold; a hidden zero (never hidden by
    # suppress_table, but possible in a hand-made mask) only at least 0.
    lower = np.where(primary, 1.0, np.where(flat[idx] >= threshold, float(threshold), 0.0))
    upper = np.where(primary, float(threshold - 1), np.inf)
    eq = _equations(ext.shape, row_totals, col_totals)
    bounds_list = list(zip(lower, [None if np.isinf(u) else u for u in upper], strict=True))
    if eq.size == 0:
        a_eq = b_eq = None
    else:
        visible = np.ones(flat.size, dtype=bool)
        visible[idx] = False
        a_eq = eq[:, idx]
        b_eq = -eq[:, visible] @ flat[visible]
        keep = np.abs(a_eq).sum(axis=1) > 0  # equations without hidden cells say nothing
        a_eq, b_eq = a_eq[keep], b_eq[keep]
        if a_eq.shape[0] == 0:
            a_eq = b_eq = None
    out = {}
    n_cols = ext.shape[1]
    for k, cell in enumerate(idx):
        c = np.zeros(idx.size)
        c[k] = 1.0
        lo = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=bounds_list, method="highs")
        hi = linprog(-c, A_eq=a_eq, b_eq=b_eq, bounds=bounds_list, method="highs")
        low = lo.fun if lo.status == 0 else lower[k]
        high = -hi.fun if hi.status == 0 else np.inf  # status 3: unbounded above
        out[(int(cell // n_cols), int(cell % n_cols))] = (float(low), float(high))
    return out


# --------------------------------------------------------------------------------------
# Suppression
# --------------------------------------------------------------------------------------


def _linked(ext: np.ndarray, row_totals: bool, col_totals: bool):
    """The extended table as one linked system (cell ``i * n_cols + j``): inner cells are
    leaves, the margins subtotals, the grand total the total; one equation per published
    line, as :func:`_equations`."""
    from dashboard.documents.disclosure import LinkedCells  # it imports this module

    n_rows, n_cols = ext.shape
    margin = _margin_mask(ext.shape, row_totals, col_totals)
    corner = np.zeros(ext.shape, dtype=bool)
    if row_totals and col_totals:
        corner[-1, -1] = True
    level = np.where(corner, 2, np.where(margin, 1, 0))
    cells = LinkedCells([int(v) for v in ext.ravel()], [int(v) for v in level.ravel()], [])
    if row_totals:
        for i in range(n_rows):
            cells.relate(i * n_cols + n_cols - 1, [i * n_cols + j for j in range(n_cols - 1)])
    if col_totals:
        for j in range(n_cols):
            cells.relate((n_rows - 1) * n_cols + j, [i * n_cols + j for i in range(n_rows - 1)])
    return cells


def _suppression_pattern(
    ext: np.ndarray, threshold: int, row_totals: bool, col_totals: bool, audit: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Primary and full hidden masks of the extended table: the reports' linked
    suppression (:func:`dashboard.documents.disclosure.suppress_linked`) on the system of
    this one table, so a table alone and a report's linked tables follow one algorithm."""
    from dashboard.documents.disclosure import suppress_linked

    residual: list[str] = []
    primary, hidden = suppress_linked(
        _linked(ext, row_totals, col_totals), threshold, audit, residual
    )
    for message in residual:
        warnings.warn(ResidualDisclosureWarning(message), stacklevel=3)
    return primary.reshape(ext.shape), hidden.reshape(ext.shape)


def _format_count(value: int) -> str:
    return f"{value:,d}".replace(",", ".")


def suppress_table(
    df: pd.DataFrame,
    value_cols: Sequence[str],
    threshold: int = 5,
    row_totals: bool = True,
    col_totals: bool = True,
    *,
    total_label: str = "Totaal",
    primary_symbol: str | None = None,
    secondary_symbol: str = "x",
    audit: bool = True,
) -> SuppressedTable:
    """Suppress small counts, and whatever would reveal them, in a count table.

    See the module docstring for the rules. Label columns (every column not in
    ``value_cols``) are kept; the first one gets ``total_label`` in the total row.

    Parameters
    ----------
    df : DataFrame
        One row per table row; ``value_cols`` hold non-negative integer counts.
    value_cols : sequence of str
        The count columns, in display order.
    threshold : int, default 5
        Counts from 1 to ``threshold − 1`` are hidden (``[zone].small_count_threshold``).
    row_totals : bool, default True
        Publish a total column (``total_label``) with each row's sum.
    col_totals : bool, default True
        Publish a total row with each column's sum (and the grand total when
        ``row_totals`` too).
    total_label : str, default "Totaal"
    primary_symbol : str, optional
        Shown for primary cells; default ``f"<{threshold}"``.
    secondary_symbol : str, default "x"
        Shown for secondary cells.
    audit : bool, default True
        Check the result with the linear-programme bounds of :func:`interval_bounds` and
        hide more cells where one is still pinned to a single value.

    Returns
    -------
    SuppressedTable
        ``(display, mask)``.

    Raises
    ------
    ValueError
        If a value is missing, negative or not a whole number.

    Warns
    -----
    ResidualDisclosureWarning
        When a hidden value stays pinned although every non-zero cell is hidden.

    Examples
    --------
    >>> t = pd.DataFrame({"wijk": ["A", "B"], "inbraak": [3, 9], "diefstal": [7, 8]})
    >>> suppress_table(t, ["inbraak", "diefstal"]).display
              wijk inbraak diefstal Totaal
    0            A      <5        x     10
    1            B       x        x     17
    Totaal  Totaal      12       15     27
    """
    value_cols = list(value_cols)
    values = _check_values(df[value_cols].to_numpy())
    ext = _extend(values, row_totals, col_totals)
    primary, hidden = _suppression_pattern(ext, threshold, row_totals, col_totals, audit)

    symbol_primary = primary_symbol if primary_symbol is not None else f"<{threshold}"
    text = np.vectorize(_format_count, otypes=[object])(ext) if ext.size else ext.astype(object)
    text = np.where(primary, symbol_primary, np.where(hidden, secondary_symbol, text))

    shown_cols = value_cols + ([total_label] if row_totals else [])
    index = list(df.index) + ([total_label] if col_totals else [])
    label_cols = [c for c in df.columns if c not in value_cols]
    labels = df[label_cols].astype(object)
    if col_totals:
        total_row = pd.DataFrame([[None] * len(label_cols)], columns=label_cols, dtype=object)
        if label_cols:
            total_row.iloc[0, 0] = total_label
        labels = pd.concat([labels, total_row], ignore_index=True)
    labels.index = pd.Index(index, dtype=object) if col_totals else df.index
    display = pd.concat(
        [labels, pd.DataFrame(text, index=labels.index, columns=shown_cols)], axis=1
    )
    mask = pd.DataFrame(hidden, index=labels.index, columns=shown_cols)
    return SuppressedTable(display, mask)


def verify_no_disclosure(
    mask: np.ndarray | pd.DataFrame,
    values: np.ndarray | pd.DataFrame,
    row_totals_published: bool = True,
    col_totals_published: bool = True,
    threshold: int = 5,
    check_bounds: bool = True,
) -> DisclosureReport:
    """Check that a suppression pattern reveals no small count.

    Parameters
    ----------
    mask : array-like of bool
        Hidden cells, either of the inner table (margins then count as published and
        visible) or of the extended table as returned by :func:`suppress_table`.
    values : array-like of int
        The inner table's true counts.
    row_totals_published, col_totals_published : bool
        Which margins the reader sees.
    threshold : int, default 5
    check_bounds : bool, default True
        Also compute :func:`interval_bounds` and report cells pinned to one value.

    Returns
    -------
    DisclosureReport
        ``report.ok`` is True when no published line has exactly one hidden cell, no
        small count is visible and (with ``check_bounds``) every hidden cell's feasible
        interval spans more than one value (for threshold ≥ 3).
    """
    inner = _check_values(np.asarray(values))
    ext = _extend(inner, row_totals_published, col_totals_published)
    hidden = np.asarray(mask, dtype=bool)
    if hidden.shape == inner.shape and hidden.shape != ext.shape:
        full = np.zeros(ext.shape, dtype=bool)
        full[: inner.shape[0], : inner.shape[1]] = hidden
        hidden = full
    if hidden.shape != ext.shape:
        raise ValueError(f"Masker {hidden.shape} past niet bij tabel {ext.shape}.")

    report = DisclosureReport()
    if row_totals_published:
        report.single_hidden_lines += [("rij", int(i)) for i in np.flatnonzero(hidden.sum(1) == 1)]
    if col_totals_published:
        report.single_hidden_lines += [
            ("kolom", int(j)) for j in np.flatnonzero(hidden.sum(0) == 1)
        ]
    small = (ext >= 1) & (ext < threshold) & ~hidden
    report.small_visible = [(int(i), int(j)) for i, j in zip(*np.nonzero(small), strict=True)]
    if check_bounds:
        report.bounds = interval_bounds(
            ext, hidden, row_totals_published, col_totals_published, threshold
        )
        primary = (ext >= 1) & (ext < threshold)
        report.exposed = [
            cell
            for cell, (lo, hi) in report.bounds.items()
            if hi - lo < 0.5 and (threshold >= 3 or not primary[cell])
        ]
    return report
