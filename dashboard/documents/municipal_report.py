"""The report to the local administration: one municipality, one quarter, half year or year.

:func:`collect_report` gathers the aggregates (through :mod:`dashboard.queries.reports`)
and suppresses small counts over all tables at once (:mod:`.disclosure`);
:func:`report_docx` and :func:`report_xlsx` write the same content as Word and Excel.

Nothing record-level enters :class:`ReportData`: counts per area, year, category and
(coarse) H3 cell only, no addresses, PV numbers, points or names (no inspectors either).
The true values of hidden cells stay in memory for the suppression checks and are never
written to a file.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import numpy as np
import pandas as pd
import streamlit as st
from docx.shared import Cm
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from dashboard.analysis import events as event_analysis
from dashboard.analysis.compstat import SourceSpan, fmt_gaps, only_in, years_before
from dashboard.analysis.suppression import ResidualDisclosureWarning, footnote_nl
from dashboard.components.format import (
    file_slug,
    fmt_date,
    fmt_event_place,
    fmt_event_when,
    fmt_int,
    fmt_period,
    fmt_rough_count,
    spans_years,
)
from dashboard.documents import _docx, charts, static_maps
from dashboard.documents.disclosure import LinkedCells, suppress_linked
from dashboard.queries import WarehouseVersion, overview
from dashboard.queries import common as common_queries
from dashboard.queries import data_quality as quality_queries
from dashboard.queries import districts as district_queries
from dashboard.queries import events as event_queries
from dashboard.queries import reports as report_queries
from etl.config import small_count_threshold, zone_today

#: Period kinds: key → Dutch label.
PERIOD_KINDS = {"kwartaal": "Kwartaal", "halfjaar": "Halfjaar", "jaar": "Jaar"}
#: Earlier years in the trend table (when the data cover them).
TREND_YEARS = 3

#: Every kind of export (etl.config.RAW_KINDS) as the methodology note names it, in the
#: order it lists them: what the report counts first, then what it only uses, then the rest.
_KIND_NAMES = {
    "incidents": "ISLP-export van de feiten (pv's)",
    "nuisance": "Overlastregister",
    "accidents": "Verkeersongevallen, eigen registratie van de zone",
    "victims": "Slachtoffers van verkeersongevallen",
    "statbel": "Statbel open data verkeersongevallen (niet in de tabellen: dezelfde ongevallen)",
    "districts": "Grenzen van wijken, deelgemeenten en gemeenten",
    "addresses": "Adressenlijst van de zone (om adressen zonder coördinaten te lokaliseren)",
    "sectors": "Statistische sectoren van Statbel (niet in dit rapport)",
    "tasks": "Wijktaken (niet in dit rapport)",
    "controls": "Verkeerscontroles (niet in dit rapport)",
    "poi": "Aandachtspunten (niet in dit rapport)",
    "events": "Evenementenlijst van de gemeenten",
    "absences": "Afwezigheden van de wijkinspecteurs (niet in dit rapport)",
}
#: Said under the summary (Word, Excel) when the data do not cover the whole period.
INCOMPLETE_NOTE = "De gegevens dekken niet de volledige periode; zie Methodologie."
#: The domains the report counts, in its order, with the first and last day of their data.
_DOMAIN_NAMES = {
    "incidents": "Feiten (pv's)",
    "nuisance": "Overlastmeldingen",
    "accidents": "Verkeersongevallen",
}


# --------------------------------------------------------------------------------------
# Periods
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportPeriod:
    """A calendar quarter, half year or year.

    Attributes
    ----------
    kind : {"kwartaal", "halfjaar", "jaar"}
    year : int
    part : int
        Quarter 1–4, half 1–2, or 0 for a year.
    """

    kind: str
    year: int
    part: int = 0

    @property
    def start(self) -> date:
        """First day."""
        if self.kind == "kwartaal":
            return date(self.year, 3 * self.part - 2, 1)
        if self.kind == "halfjaar":
            return date(self.year, 1 if self.part == 1 else 7, 1)
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        """Last day."""
        if self.kind == "kwartaal":
            nxt = date(self.year + (self.part == 4), 1 if self.part == 4 else 3 * self.part + 1, 1)
            return nxt - timedelta(days=1)
        if self.kind == "halfjaar":
            return date(self.year, 6, 30) if self.part == 1 else date(self.year, 12, 31)
        return date(self.year, 12, 31)

    @property
    def label(self) -> str:
        """``3e kwartaal 2025``, ``1e halfjaar 2026``, ``jaar 2025``."""
        if self.kind == "kwartaal":
            return f"{self.part}e kwartaal {self.year}"
        if self.kind == "halfjaar":
            return f"{self.part}e halfjaar {self.year}"
        return f"jaar {self.year}"

    @property
    def slug(self) -> str:
        """For file names: ``2025-k3``, ``2026-h1``, ``2025``."""
        if self.kind == "kwartaal":
            return f"{self.year}-k{self.part}"
        if self.kind == "halfjaar":
            return f"{self.year}-h{self.part}"
        return str(self.year)


def report_periods(kind: str, first: date, last: date) -> list[ReportPeriod]:
    """Periods of one kind that overlap the data, newest first.

    Parameters
    ----------
    kind : {"kwartaal", "halfjaar", "jaar"}
    first, last : date
        First and last day with data.

    Returns
    -------
    list of ReportPeriod
    """
    if kind not in PERIOD_KINDS:
        raise ValueError(f"Onbekende periode {kind!r}")
    first, last = pd.Timestamp(first).date(), pd.Timestamp(last).date()
    parts = {"kwartaal": (1, 2, 3, 4), "halfjaar": (1, 2), "jaar": (0,)}[kind]
    out = [
        ReportPeriod(kind, year, part)
        for year in range(last.year, first.year - 1, -1)
        for part in reversed(parts)
    ]
    return [p for p in out if p.start <= last and p.end >= first]


# --------------------------------------------------------------------------------------
# Published tables
# --------------------------------------------------------------------------------------


@dataclass
class PublishedTable:
    """One table of the report with its suppression pattern.

    ``values`` holds the true counts (for the checks); what a file shows comes from
    :meth:`cell` / :meth:`text`, which never give a hidden value.

    Attributes
    ----------
    key, title : str
    label_columns : list of str
    value_columns : list of str
    labels : list of tuple
        Label texts per row; a number (an event's expected visitors) stays an ``int``, shown
        as ``2.200`` and written to Excel as a number.
    values : ndarray of int
        Rows × value columns, the total row included when ``total_row``.
    primary, hidden : ndarray of bool
        Same shape as ``values``.
    total_row : bool
        The last row is the column total (sum of the rows above).
    """

    key: str
    title: str
    label_columns: list[str]
    value_columns: list[str]
    labels: list[tuple]
    values: np.ndarray
    primary: np.ndarray
    hidden: np.ndarray
    total_row: bool
    threshold: int = 5
    note: str = ""
    #: Cells with nothing to count (an event without a location): ``"–"``.
    missing: np.ndarray | None = None
    #: Cells whose source covers only part of their row's span: ``(row, column)`` → the
    #: days it counts ("tot en met 13/08/2026"). Their text ends in :data:`PARTIAL_MARK`,
    #: which the note explains.
    partial: dict[tuple[int, int], str] = field(default_factory=dict)

    def text(self, i: int, j: int) -> str:
        """Displayed text: ``"1.234"``, ``"0"``, ``"<5"``, ``"x"`` or ``"–"``; a count of part
        of the span ends in ``"*"`` (``"11*"``)."""
        if self.missing is not None and self.missing[i, j]:
            return "–"
        if self.hidden[i, j] and not self.primary[i, j]:
            return "x"
        shown = f"<{self.threshold}" if self.primary[i, j] else fmt_int(int(self.values[i, j]))
        return shown + (PARTIAL_MARK if (i, j) in self.partial else "")

    def cell(self, i: int, j: int) -> int | str:
        """Value for a spreadsheet: the number when visible, else ``"<5"`` / ``"x"`` / ``"–"``
        (without the mark of a partial count: a number stays a number; the note names the
        columns and days)."""
        if self.hidden[i, j] or (self.missing is not None and self.missing[i, j]):
            return self.text(i, j).removesuffix(PARTIAL_MARK)
        return int(self.values[i, j])

    def shown(self, i: int, j: int) -> int | None:
        """The number when visible, ``None`` when hidden or missing (charts, maps)."""
        if self.hidden[i, j] or (self.missing is not None and self.missing[i, j]):
            return None
        return int(self.values[i, j])

    @property
    def header(self) -> list[str]:
        """Column headers."""
        return self.label_columns + self.value_columns

    def rows(self) -> list[list[str]]:
        """Display rows (labels and texts)."""
        return [
            [
                *(fmt_int(v) if isinstance(v, int) else str(v) for v in self.labels[i]),
                *(self.text(i, j) for j in range(self.values.shape[1])),
            ]
            for i in range(self.values.shape[0])
        ]

    def display(self) -> pd.DataFrame:
        """The table as shown (strings), for the page preview."""
        return pd.DataFrame(self.rows(), columns=self.header)


@dataclass
class ReportData:
    """Everything a municipal report shows (aggregates only)."""

    zone_name: str
    municipality_code: str
    municipality: str
    period: ReportPeriod
    start: date
    end: date
    complete: bool
    threshold: int
    tables: dict[str, PublishedTable]
    trend_labels: list[str]
    wijk_shapes: pd.DataFrame
    hex_cells: pd.DataFrame
    coverage: pd.DataFrame
    quality: dict
    generated: date
    warnings: list[str] = field(default_factory=list)
    #: Whether an event list is loaded at all (else the events section says how).
    events_loaded: bool = False
    #: Events of the period the "Opvallend" column names (the summary counts them).
    events_notable: int = 0
    #: The build of the warehouse the counts come from (``marts.build_info``): reports are
    #: suppressed together only when they come from the same build (see the methodology).
    build_text: str = ""

    @property
    def period_text(self) -> str:
        """``3e kwartaal 2025 (01/07/2025 – 30/09/2025)``."""
        return f"{self.period.label} ({fmt_period(self.start, self.end)})"

    @property
    def incomplete_text(self) -> str:
        """``""`` for a period the data cover, else ``onvolledig: gegevens tot en met
        30/11/2026`` (``vanaf 15/01/2024`` for one the data start in, both for one that
        holds all the data)."""
        if self.complete:
            return ""
        cut_start, cut_end = self.start > self.period.start, self.end < self.period.end
        if cut_start and cut_end:
            reach = f"van {fmt_date(self.start)} tot en met {fmt_date(self.end)}"
        elif cut_start:
            reach = f"vanaf {fmt_date(self.start)}"
        else:
            reach = f"tot en met {fmt_date(self.end)}"
        return f"onvolledig: gegevens {reach}"


#: A year's seven reportable periods: (kind, part) in the order the joint system adds them.
_FAMILY = (
    ("kwartaal", 1),
    ("kwartaal", 2),
    ("kwartaal", 3),
    ("kwartaal", 4),
    ("halfjaar", 1),
    ("halfjaar", 2),
    ("jaar", 0),
)
#: Additive relations between them: (total, parts).
_NESTED = (
    (("halfjaar", 1), (("kwartaal", 1), ("kwartaal", 2))),
    (("halfjaar", 2), (("kwartaal", 3), ("kwartaal", 4))),
    (("jaar", 0), (("halfjaar", 1), ("halfjaar", 2))),
)
_PERIOD_RANK = {"kwartaal": 0, "halfjaar": 1, "jaar": 2}


@dataclass
class _PeriodCells:
    """One period's counts and the suppression its year's joint system gave them.

    ``masks``: per measure key, ``(primary, hidden)`` for the wijk rows, the deelgemeente
    rows and the total (``"w"``, ``"d"``, ``"t"``), per category table key for its rows
    (``"c:<key>"``) and, for a period the data's last day cuts in a later year, the total
    of its same days (``"tp"``: a row of the newest reports' evolution table).
    """

    areas: pd.DataFrame
    dg: pd.DataFrame
    categories: dict[str, pd.DataFrame]
    masks: dict[str, dict[str, tuple[np.ndarray, np.ndarray]]]
    residual: list[str]
    #: The year's events of the municipality (:func:`_year_events`), the same for every
    #: period of the year, and per domain of :data:`EVENT_DOMAINS` ``(primary, hidden)``
    #: per event (false for an event not counted).
    events: pd.DataFrame = field(default_factory=pd.DataFrame)
    event_masks: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)


def _deelgemeenten(areas: pd.DataFrame) -> pd.DataFrame:
    """Counts per deelgemeente, each the sum of its wijken.

    None when a wijk of the municipality lies in no single deelgemeente (a zone's own
    wijken need not follow the old deelgemeente borders; the 29 wijken of PZ HerKo do
    not): its records would count in no deelgemeente, the deelgemeenten would not add up
    to the municipality, and the report's suppression stopped with "Deeltellingen tellen
    niet op tot het totaal".
    """
    measures = list(report_queries.REPORT_MEASURES)
    if areas["deelgemeente_code"].isna().any():
        return areas.iloc[:0][["deelgemeente_code", "deelgemeente", *measures]]
    return (
        areas.groupby(["deelgemeente_code", "deelgemeente"], sort=True)[measures]
        .sum()
        .reset_index()
    )


#: Pairs of measures ``(small, large)`` with ``small <= large`` in every area and period,
#: which every reader knows: each injury accident has at least one victim.
_AT_MOST = (("injury_accidents", "victims"),)


def _systems(measures: dict[str, str]) -> list[tuple[str, ...]]:
    """The measures in suppression systems: a pair of :data:`_AT_MOST` together, every
    other measure alone, in the order of ``measures``."""
    groups: list[tuple[str, ...]] = []
    for key in measures:
        pair = next((p for p in _AT_MOST if key in p and set(p) <= set(measures)), None)
        group = pair or (key,)
        if group not in groups:
            groups.append(group)
    return groups


def _measure_cells(
    cells: LinkedCells,
    key: str,
    data: dict,
    spans: dict,
    partial: pd.DataFrame | None,
    year: int,
    cut: date | None,
) -> dict[tuple[str, int], dict[str, list[int]]]:
    """Add one measure's cells and equations over a year's seven periods to ``cells``.

    Returns
    -------
    dict
        ``(kind, part)`` → line → cell indices: ``"w"``, ``"d"``, ``"t"``, ``"c"`` and, for
        a period the cut divides, ``"tp"`` (its total up to the cut) and ``"rest"``.
    """
    lines: dict[tuple[str, int], dict[str, list[int]]] = {}
    for kind, part in _FAMILY:
        areas, dg, categories = data[kind, part]
        rank = _PERIOD_RANK[kind]
        w_idx = [cells.add(v, rank) for v in areas[key]]
        d_idx = [cells.add(v, 3 + rank) for v in dg[key]]
        total = cells.add(int(areas[key].sum()), 6 + rank)
        for k, code in enumerate(dg["deelgemeente_code"]):
            members = [w_idx[i] for i in np.flatnonzero(areas["deelgemeente_code"] == code)]
            cells.relate(d_idx[k], members)
        if d_idx:  # (none when the wijken do not nest in deelgemeenten: _deelgemeenten)
            cells.relate(total, d_idx)
        cells.relate(total, w_idx)
        c_idx = []
        if key in categories:
            c_idx = [cells.add(v, rank) for v in categories[key]["n"]]
            cells.relate(total, c_idx)
        lines[kind, part] = {"w": w_idx, "d": d_idx, "t": [total], "c": c_idx}
    # Across periods, line by line: wijken, deelgemeenten and categories keep their
    # order in every period (every wijk and every category seen is listed, zeros too).
    for whole, parts in _NESTED:
        for line in ("w", "d", "t", "c"):
            for i, total in enumerate(lines[whole][line]):
                cells.relate(total, [lines[p][line][i] for p in parts])
    for k, period_key in enumerate(spans):
        # Its total up to the cut, published; the rest, never published (level 0: free
        # to count as hidden), and small rests are primary like any small count.
        full = lines[period_key]["t"][0]
        value = int(partial.at[k, key])
        rank = _PERIOD_RANK[period_key[0]]
        up_to = cells.add(value, 6 + rank)
        rest = cells.add(cells.values[full] - value, 0)
        cells.relate(full, [up_to, rest])
        lines[period_key]["tp"] = [up_to]
        lines[period_key]["rest"] = [rest]
    for whole, parts in _NESTED:
        if whole in spans:
            # A part before the cut counts whole, a part after it not at all.
            members = [
                lines[q]["tp"][0] if q in spans else lines[q]["t"][0]
                for q in parts
                if q in spans or ReportPeriod(q[0], year, q[1]).end <= cut
            ]
            cells.relate(lines[whole]["tp"][0], members)
    return lines


#: The domains counted around an event in the report: key → column header. Facts and
#: nuisance are the report's own measures (an event's count is part of its wijk's); the
#: accidents are all of the zone's own registration, injury or not (the report's tables
#: count only injury accidents, so those cells have no relation to the others).
EVENT_DOMAINS = {"incidents": "Feiten", "nuisance": "Overlast", "accidents": "Ongevallen"}
#: Event domain → the report measure whose system holds its cells.
_EVENT_MEASURE = {"incidents": "incidents", "nuisance": "nuisance"}
#: Said where an event list is loaded but no event runs in the period.
NO_EVENTS_IN_PERIOD = "Geen evenementen in deze periode in de evenementenlijst."


def _opvallend_on_hidden(threshold: int) -> bool:
    """Whether "Opvallend" may name a domain whose count is hidden: it says the count is
    at least 2, which leaves a small count (1..threshold−1) more than one value only from
    threshold 4 on. Below that only domains whose count is shown are named, and the
    suppression does not count on the lower bound (:func:`year_suppression`)."""
    return threshold >= 4


def _year_events(
    version: WarehouseVersion, municipality_code: str, year: int, first: date, last: date
) -> pd.DataFrame:
    """The municipality's events running in ``year`` (within the data's days), followed up.

    Adds to :func:`dashboard.queries.events.event_follow_up`'s columns (its ``counted`` and
    ``judged`` say whether the data's days, ``first`` to ``last``, hold an event's window
    and the weeks it is compared with):

    - ``<domain>_more``: judged and more than usual (:func:`~dashboard.analysis.events.more_than_usual`);
    - ``period_key``: the shortest of the year's periods (quarter, half year, year) that
      holds the whole window, ``None`` when none does (an event over New Year).
    """
    start, end = max(date(year, 1, 1), first), min(date(year, 12, 31), last)
    if start > end:
        return pd.DataFrame()
    ev = event_queries.event_follow_up(version, start, end, nis_code=municipality_code)
    if ev.empty:
        return ev
    ev = ev.reset_index(drop=True)
    t0 = pd.to_datetime(ev["started_at"])
    t1 = pd.to_datetime(ev["window_end"]) + pd.Timedelta(hours=event_analysis.AFTER_HOURS)
    weeks = event_analysis.BASELINE_WEEKS
    for d in EVENT_DOMAINS:
        more = event_analysis.more_than_usual(
            ev[f"{d}_now"].fillna(0), ev[f"{d}_before"].fillna(0), weeks
        )
        # Per domain: not where a month without one record of it (a missing export)
        # touches the event's window or its earlier weeks (event_follow_up).
        ev[f"{d}_more"] = ev[f"{d}_judged"].to_numpy(bool) & more
    periods = []
    for kind, part in _FAMILY:  # quarters first: the first that holds it is the shortest
        p = ReportPeriod(kind, year, part)
        s, e = max(p.start, first), min(p.end, last)
        periods.append(((kind, part), pd.Timestamp(s), pd.Timestamp(e + timedelta(days=1))))
    ev["period_key"] = [
        next((key for key, s, e in periods if a >= s and b <= e), None) if counted else None
        for a, b, counted in zip(t0, t1, ev["counted"], strict=True)
    ]
    return ev


def _event_cells(
    cells: LinkedCells,
    domain: str,
    events: pd.DataFrame,
    lines: dict[tuple[str, int], dict[str, list[int]]] | None,
    areas: pd.DataFrame | None,
    dg: pd.DataFrame | None,
    floors: bool,
) -> list[int | None]:
    """Add one domain's event counts to ``cells``, with what a reader knows about them.

    An event's records lie in its place's wijk, deelgemeente and municipality, within its
    period, when its 250 m and its hours lie within them: a reader who knows the place
    knows count ≤ that area's count of the shortest period holding the event, and the
    events of one wijk and period together ≤ the wijk (when their places and hours do
    not overlap). Whether the circle crosses a border is not checked: each order is
    added wherever the counts satisfy it, which can only hide more, never less. An event
    called more than usual (the "Opvallend" column) has at least 2 (``floors``).

    Returns
    -------
    list
        The cell of each event, ``None`` for one not counted.
    """
    idx: list[int | None] = []
    together: dict[tuple, list[int]] = {}
    for row in events.itertuples(index=False):
        # Not counted, or not for this domain (a month without one record of it, a missing
        # export, touches the event's window): no cell, "–".
        if not row.counted or not getattr(row, f"{domain}_counted"):
            idx.append(None)
            continue
        cell = cells.add(int(getattr(row, f"{domain}_now")), 0)
        idx.append(cell)
        if floors and getattr(row, f"{domain}_more"):
            cells.floor(cell, 2)
        if lines is None or row.period_key is None:
            continue
        line = lines[row.period_key]
        larger = list(line["t"])
        where = np.flatnonzero(areas["wijk_code"].to_numpy() == row.wijk_code)
        if len(where):
            i = int(where[0])
            larger.append(line["w"][i])
            in_dg = np.flatnonzero(
                dg["deelgemeente_code"].to_numpy() == areas["deelgemeente_code"].iat[i]
            )
            larger += [line["d"][int(k)] for k in in_dg]
            together.setdefault((row.period_key, i), []).append(cell)
        for large in larger:
            if cells.values[cell] <= cells.values[large]:
                cells.bound(cell, large)
    for (period_key, i), members in together.items():
        wijk = lines[period_key]["w"][i]
        if len(members) > 1 and sum(cells.values[m] for m in members) <= cells.values[wijk]:
            cells.bound_sum(members, wijk)
    return idx


def _event_masks(
    idx: list[int | None], primary: np.ndarray, hidden: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per event, the suppression of its cell (false for an event not counted)."""
    return tuple(
        np.array([bool(mask[c]) if c is not None else False for c in idx], dtype=bool)
        for mask in (primary, hidden)
    )


@st.cache_data(show_spinner=False, max_entries=16)
def year_suppression(
    version: WarehouseVersion,
    municipality_code: str,
    year: int,
    first: date,
    last: date,
    threshold: int,
) -> dict[tuple[str, int], _PeriodCells]:
    """Small-count suppression of every report one municipality can get for one year.

    The page offers quarters, half years and the year, to the same readers. Suppressed
    report by report, a hidden cell came back by subtraction across them: wijk Winksele's
    injury accidents of the first quarter of 2024 read "<5", the first half year 7 and the
    second quarter 5, so 2. Here the seven periods of a year are one linked system per
    measure (:func:`~dashboard.documents.disclosure.suppress_linked`; see below for
    injury accidents and victims): within each period
    the report's own equations (deelgemeente = its wijken, total = the deelgemeenten = the
    wijken = the categories) and across them half year = its quarters and year = its half
    years, for every wijk, deelgemeente, category and the total. Whichever reports a reader
    gets, a cell is hidden in all of them or in none. Secondary suppression hides wijken
    before deelgemeenten before totals, and within those a quarter before a half year
    before the year.

    While the newest year is incomplete (data up to 30 November), its reports' evolution
    tables show the same days of earlier years (1 October - 30 November 2025): Kortenberg's
    9 injury accidents there beside the 13 of the whole fourth quarter of 2025 in that
    quarter's own report gave December's 4. For each of the three years before, the
    system therefore also holds each period's total up to that day and the rest of the
    period (never published, but a small rest must not follow by subtraction), with
    half year = its quarters and year = its half years for those totals too.

    Injury accidents and victims are one system: every injury accident has at least one
    victim, so a reader knows accidents ≤ victims for each area and period. Suppressed
    apart, Herent's wijk Winksele-Delle in 2025 showed 10 accidents and 12 victims for the
    year, "x" accidents and 6 victims in the first half year, "<5" and 6 in the second:
    the first half year's 5 or more accidents are at most 6, so the second half year's
    "<5" was 4. Each such inequality (:data:`_AT_MOST`, cell by cell) is in the system,
    and the audit hides more until no hidden cell is pinned under them.

    The municipality's events carry their facts, nuisance reports and accidents within
    250 m (:func:`_year_events`): facts and nuisance are in their measure's system, each
    event at most its wijk, deelgemeente and municipality in the shortest period holding
    it (:func:`_event_cells`); an event is one cell in every report that lists it. An
    event's small count is "<5" like any other, and an event's count can pin a wijk's
    "x" (5 or more, at most 9 by the deelgemeente, and the kermis alone had 9).

    Parameters
    ----------
    version : WarehouseVersion
    municipality_code : str
    year : int
    first, last : date
        The days the report's data cover: every period is clipped to them, so the
        quarters still add up to their half year and the year.
    threshold : int

    Returns
    -------
    dict
        ``(kind, part)`` → :class:`_PeriodCells`.
    """
    measures = report_queries.REPORT_MEASURES
    data = {}
    for kind, part in _FAMILY:
        p = ReportPeriod(kind, year, part)
        start, end = max(p.start, first), min(p.end, last)
        areas = report_queries.area_counts(version, municipality_code, start, end)
        data[kind, part] = (
            areas,
            _deelgemeenten(areas),
            {
                "incidents": report_queries.category_counts(
                    version, municipality_code, "incidents", start, end
                ),
                "nuisance": report_queries.category_counts(
                    version, municipality_code, "nuisance", start, end
                ),
                "victims": report_queries.victims_by_severity(
                    version, municipality_code, start, end
                ),
            },
        )
    # Partial totals: a period of an earlier year that the newest data's day cuts.
    cut = None
    if last < date(last.year, 12, 31) and last.year - TREND_YEARS <= year < last.year:
        cut = years_before(last, last.year - year)
    spans = {}
    for kind, part in _FAMILY:
        p = ReportPeriod(kind, year, part)
        start = max(p.start, first)
        if cut is not None and start <= cut < p.end:
            spans[kind, part] = (start, cut)
    partial = (
        report_queries.period_totals(
            version,
            municipality_code,
            tuple(s for s, _ in spans.values()),
            tuple(e for _, e in spans.values()),
        ).set_index("idx")
        if spans
        else None
    )
    # Line i of one period is line i of every other (same wijken, same categories listed).
    areas0, dg0, categories0 = data[_FAMILY[0]]
    for areas, _, categories in data.values():
        if list(areas["wijk_code"]) != list(areas0["wijk_code"]) or any(
            list(categories[k]["category"]) != list(categories0[k]["category"]) for k in categories
        ):
            raise RuntimeError("De periodes van één jaar hebben niet dezelfde rijen.")
    events = _year_events(version, municipality_code, year, first, last)
    out = {key: _PeriodCells(a, d, c, {}, [], events) for key, (a, d, c) in data.items()}
    # "Opvallend" says an event's count is at least 2 (_opvallend_on_hidden).
    floors = _opvallend_on_hidden(threshold)
    event_idx: dict[str, list[int | None]] = {}
    for group in _systems(measures):
        # One system per measure, or per pair of measures a reader can order.
        cells = LinkedCells([], [], [])
        lines_of: dict[str, dict[tuple[str, int], dict[str, list[int]]]] = {}
        for key in group:
            lines_of[key] = _measure_cells(cells, key, data, spans, partial, year, cut)
        for domain, measure in _EVENT_MEASURE.items():
            if measure in group and not events.empty:
                event_idx[domain] = _event_cells(
                    cells, domain, events, lines_of[measure], areas0, dg0, floors
                )
        for small, large in _AT_MOST:
            if small not in group or large not in group:
                continue
            # Cell by cell (same area, same days): every line, the partial totals and
            # their never published rests too. An order the data break (an injury
            # accident recorded without victims) is not one a reader can rely on there.
            for period_key, idx in lines_of[small].items():
                other = lines_of[large][period_key]
                for line in ("w", "d", "t", "tp", "rest"):
                    for a, b in zip(idx.get(line, []), other.get(line, []), strict=True):
                        if cells.values[a] <= cells.values[b]:
                            cells.bound(a, b)
        residual: list[str] = []
        primary, hidden = suppress_linked(cells, threshold, residual=residual)
        for key in group:
            for period_key, idx in lines_of[key].items():
                masks = {
                    line: (primary[idx[line]], hidden[idx[line]])
                    for line in ("w", "d", "t", "tp")
                    if line in idx
                }
                if idx["c"]:
                    masks[f"c:{key}"] = (primary[idx["c"]], hidden[idx["c"]])
                out[period_key].masks[key] = masks
                out[period_key].residual += [f"{measures[key]}: {m}" for m in residual]
        for domain, measure in _EVENT_MEASURE.items():
            if measure in group and domain in event_idx:
                event_masks = _event_masks(event_idx[domain], primary, hidden)
                for period_cells in out.values():
                    period_cells.event_masks[domain] = event_masks
    # The accidents around events are in no table of the report: a system of their own.
    if not events.empty:
        cells = LinkedCells([], [], [])
        idx = _event_cells(cells, "accidents", events, None, None, None, floors)
        residual = []
        primary, hidden = suppress_linked(cells, threshold, residual=residual)
        event_masks = _event_masks(idx, primary, hidden)
        for period_cells in out.values():
            period_cells.event_masks["accidents"] = event_masks
            period_cells.residual += [f"Ongevallen bij evenementen: {m}" for m in residual]
    return out


def _stack_masks(
    cells: _PeriodCells, measures: dict, rows: str, total: str
) -> tuple[np.ndarray, np.ndarray]:
    """``(primary, hidden)`` of a table's rows plus its total row, one column per measure."""
    return tuple(
        np.column_stack(
            [np.append(cells.masks[k][rows][i], cells.masks[k][total][i]) for k in measures]
        )
        for i in (0, 1)
    )


#: The events table's label columns before its counts.
_EVENT_LABELS = ["Evenement", "Wanneer", "Plaats", "Bezoekers (verwacht)", "Opvallend"]


def _events_table(
    cells: _PeriodCells,
    listed: pd.Series,
    threshold: int,
    no_source: np.ndarray | None = None,
    note: str = "",
) -> tuple[PublishedTable, int]:
    """The year's events ``listed`` (their ``event_id``: those running in the report's
    period, :func:`dashboard.queries.events.events_between`) with their suppressed counts,
    and how many of them the "Opvallend" column names.

    "Opvallend" names the domains with more than usual (:func:`_year_events`); below
    threshold 4 only those whose count is shown (:func:`_opvallend_on_hidden`). An event
    not counted reads "–" in every count and says why; so does a domain whose source
    does not cover the period (``no_source``, per domain of :data:`EVENT_DOMAINS`,
    explained by ``note``).
    """
    ev = cells.events
    if not ev.empty:
        keep = np.flatnonzero(ev["event_id"].isin(listed).to_numpy(bool))
        ev = ev.iloc[keep]
    else:
        keep = np.array([], dtype=int)
    domains = list(EVENT_DOMAINS)
    n = len(ev)
    values = np.zeros((n, len(domains)), dtype=np.int64)
    primary = np.zeros((n, len(domains)), dtype=bool)
    hidden = np.zeros((n, len(domains)), dtype=bool)
    for j, d in enumerate(domains):
        if n:
            values[:, j] = ev[f"{d}_now"].fillna(0).to_numpy(np.int64)
            primary[:, j], hidden[:, j] = (m[keep] for m in cells.event_masks[d])
    missing = ~np.column_stack([ev[f"{d}_counted"].to_numpy(bool) for d in domains]) if n else None
    if n and no_source is not None and no_source.any():
        missing = missing | no_source.reshape(1, -1)
    labels, notable = [], 0
    with_year = spans_years(ev["started_at"]) if n else False
    for i, (_, r) in enumerate(ev.iterrows()):
        if not r["counted"]:
            verdict = "niet geteld: " + (
                "geen locatie" if pd.isna(r["x"]) else "valt deels buiten de gegevens"
            )
        elif not r["judged"]:
            verdict = "niet te beoordelen (te weinig weken ervoor)"
        else:
            named = [
                EVENT_DOMAINS[d].lower()
                for j, d in enumerate(domains)
                if r[f"{d}_more"] and (_opvallend_on_hidden(threshold) or not hidden[i, j])
            ]
            verdict = ", ".join(named)
            notable += bool(named)
        visitors = r["visitors"]
        labels.append(
            (
                str(r["name"]),
                fmt_event_when(r["started_at"], r["ended_at"], with_year),
                # The place as the list names it, else the street without its number: the
                # report names no address.
                fmt_event_place(r, house_number=False),
                int(visitors) if pd.notna(visitors) else "",
                verdict,
            )
        )
    table = PublishedTable(
        "evenementen",
        "Evenementen",
        list(_EVENT_LABELS),
        list(EVENT_DOMAINS.values()),
        labels,
        values,
        primary,
        hidden,
        total_row=False,
        threshold=threshold,
        note=note if n and no_source is not None and no_source.any() else "",
        missing=missing,
    )
    return table, notable


def events_note(data: ReportData) -> str:
    """How the events were counted and judged, for under their table."""
    if not data.events_loaded:
        return (
            "Er is geen evenementenlijst geladen. Met de lijst van de gemeente toont dit "
            "rapport per evenement de feiten, overlastmeldingen en ongevallen in de buurt."
        )
    return (
        "Feiten, overlast en ongevallen: geteld binnen "
        f"{event_analysis.RADIUS_M} m van de locatie van het evenement, van "
        f"het begin tot {event_analysis.AFTER_HOURS} uur na het einde (zonder einde: tot het "
        "einde van de begindag); ongevallen: alle ongevallen van de eigen registratie, met "
        "of zonder letsel. Opvallend: minstens 2 meer dan gewoonlijk, dat is het gemiddelde "
        f"van dezelfde uren op dezelfde plaats in de {event_analysis.BASELINE_WEEKS} weken "
        "ervoor, en door toeval in minder dan 5 % van de gevallen. Een telling in de buurt "
        "van een evenement is ook een deel van de telling van haar wijk: ze is mee "
        "afgeschermd, zodat geen van beide uit de andere kan worden afgeleid."
    )


#: After a count whose source covers only part of its period ("11*"); the note says which days.
PARTIAL_MARK = "*"

#: Said under a table with a "–" for a source that does not cover a period.
NO_SOURCE_NOTE = (
    "'–': over die periode zijn er van die bron geen gegevens geladen; dat is geen nul."
)


def _source_gaps(
    sources: dict[str, SourceSpan],
    labels: dict[str, str],
    domains: dict[str, str],
    rows: list,
    marked: bool = True,
) -> tuple[np.ndarray, dict[tuple[int, int], str], str]:
    """Where each column's source does not cover a row's span, and a note saying so.

    Parameters
    ----------
    sources : dict
        Domain → :class:`~dashboard.analysis.compstat.SourceSpan` (``source_spans``).
    labels, domains : dict
        Column key → header, and → its source domain (in the table's column order).
    rows : list of (str, date, date)
        Each row's label and inclusive span (the label only names a row in the note).
    marked : bool
        The table marks its partial cells with :data:`PARTIAL_MARK`, and the note's
        sentences about them begin with it (not the events table: whether an event's own
        window is covered is judged per event).

    Returns
    -------
    (ndarray of bool, dict, str)
        ``missing`` (rows × columns: the count reads "–", not 0: a source the zone never
        loaded, or one that stops before or starts after the span), ``partial`` (``(row,
        column)`` → the days counted, for a source that covers part of the row's span:
        :attr:`PublishedTable.partial`) and the note: what "–" means, and what "*" means:
        until or from which day such a column counts (``""`` when every source covers
        every span).
    """
    missing = np.zeros((len(rows), len(labels)), bool)
    partial: dict[tuple[int, int], str] = {}
    cut: dict[tuple[str, str], list[str]] = {}
    for i, (row, s, e) in enumerate(rows):
        for j, key in enumerate(labels):
            source = sources.get(domains[key])
            reach = source.reach(s, e) if source else None
            # No data over the span, or only months without one record of a busy source
            # (a missing export): "–", not "0*".
            if reach is None or only_in(source.gaps, *reach):
                missing[i, j] = True
                continue
            # A month without one record of a busy source inside the span (a missing
            # export) makes the count incomplete too: it is named, not read as quiet.
            empty = source.gaps_in(*reach)
            if reach != (s, e) or empty:
                if reach == (s, e):
                    days = ""
                elif reach[0] > s and reach[1] < e:
                    days = f"van {fmt_date(reach[0])} tot en met {fmt_date(reach[1])}"
                elif reach[0] > s:
                    days = f"vanaf {fmt_date(reach[0])}"
                else:
                    days = f"tot en met {fmt_date(reach[1])}"
                if empty:
                    days += (" en " if days else "") + (
                        f"buiten {fmt_gaps(empty)}, waarvoor geen export geladen lijkt"
                    )
                partial[i, j] = days
                cut.setdefault((row if len(rows) > 1 else "", days), []).append(labels[key])
    notes = [NO_SOURCE_NOTE] if missing.any() else []
    for (row, days), names in cut.items():
        which = " en ".join(names) if len(names) <= 2 else ", ".join(names)
        mark = f"{PARTIAL_MARK} " if marked else ""
        notes.append(f"{mark}{which}{f' in {row}' if row else ''}: alleen gegevens {days}.")
    return missing, partial, " ".join(notes)


def _every_row(partial: dict[tuple[int, int], str], n_rows: int) -> dict[tuple[int, int], str]:
    """The partial columns of one span (:func:`_source_gaps` over a single row) for every
    row of a table whose rows all count that span (areas, categories, the total)."""
    return {(i, j): days for (_, j), days in partial.items() for i in range(n_rows)}


def _trend_periods(
    period: ReportPeriod, start: date, end: date, first: date
) -> list[tuple[str, date, date]]:
    """The same span in earlier years that the data fully cover, oldest first."""
    spans = [(str(period.year), start, end)]
    for k in range(1, TREND_YEARS + 1):
        s, e = years_before(start, k), years_before(end, k)
        if s < first:
            break
        spans.append((str(period.year - k), s, e))
    return list(reversed(spans))


def collect_report(
    version: WarehouseVersion,
    municipality_code: str,
    period: ReportPeriod,
    threshold: int | None = None,
    zone_name: str | None = None,
    warn: bool = True,
) -> ReportData:
    """Gather and suppress everything the report on one municipality and period shows.

    Parameters
    ----------
    version : WarehouseVersion
    municipality_code : str
        NIS code.
    period : ReportPeriod
    threshold : int, optional
        Smallest count shown (``[zone].small_count_threshold``; read when omitted).
    zone_name : str, optional
        Name of the zone on the title page (from the build when omitted).
    warn : bool, default True
        Also emit each residual disclosure as a :class:`ResidualDisclosureWarning`.

    Returns
    -------
    ReportData
        Residual disclosure warnings (if any) are in ``warnings``, also re-emitted as
        :class:`ResidualDisclosureWarning` when ``warn``.
    """
    threshold = threshold or small_count_threshold()
    measures = report_queries.REPORT_MEASURES
    cov = common_queries.domain_coverage(version)
    domains = cov[cov["domain"].isin(["incidents", "nuisance", "accidents"])]
    first = pd.Timestamp(domains["first"].min()).date()
    last = pd.Timestamp(domains["last"].max()).date()
    start, end = max(period.start, first), min(period.end, last)
    complete = period.start >= first and period.end <= last
    if period.start > last:
        # The page offers only periods the data touch (report_periods); a call for one
        # after the data stopped deep in the suppression with a KeyError. (A period before
        # them is part of its year's reports and is suppressed with them; the checks that
        # no report can be subtracted from another build earlier years' reports too.)
        raise ValueError(
            f"Geen gegevens voor {period.label}: de gegevens lopen van {fmt_date(first)} "
            f"tot en met {fmt_date(last)}."
        )

    munis = district_queries.municipalities(version).set_index("code")
    municipality_code = str(municipality_code)  # a NIS code typed as a number in a notebook
    if municipality_code not in munis.index:
        raise ValueError(
            f"Geen gemeente met NIS-code {municipality_code} in de zone: de gemeenten zijn "
            + ", ".join(f"{n} ({c})" for c, n in munis["name"].items())
            + "."
        )
    name = str(munis.at[municipality_code, "name"])
    if zone_name is None:
        from dashboard.queries.data_quality import build_info

        zone_name = str(build_info(version).get("zone_name") or "Politiezone")

    # Every report of this municipality and year is suppressed as one system, so that
    # no two of them can be subtracted (year_suppression).
    family = year_suppression(version, municipality_code, period.year, first, last, threshold)
    mine = family[period.kind, period.part]
    areas, dg, categories = mine.areas, mine.dg, mine.categories
    spans = _trend_periods(period, start, end, first)
    trend = report_queries.period_totals(
        version,
        municipality_code,
        tuple(s for _, s, _ in spans),
        tuple(e for _, _, e in spans),
    )

    n_y = len(spans)
    masks = {
        "w": _stack_masks(mine, measures, "w", "t"),
        "d": _stack_masks(mine, measures, "d", "t"),
        "y": (np.zeros((n_y, len(measures)), bool), np.zeros((n_y, len(measures)), bool)),
    }
    # A measure without categories in the year (a zone that loads no nuisance register)
    # has no category cells: its table is the total alone.
    none = (np.zeros(0, bool), np.zeros(0, bool))
    cat_masks = {
        k: tuple(
            np.append(mine.masks[k].get(f"c:{k}", none)[i], mine.masks[k]["t"][i]).reshape(-1, 1)
            for i in (0, 1)
        )
        for k in categories
    }
    # _trend_periods keeps only spans the data cover (s >= first).
    for row, (label, _, _) in enumerate(spans):
        earlier = period.year - int(label)
        if earlier == 0:
            cells, line = mine, "t"
        else:
            # The same period of an earlier year is a total of that year's reports: it has
            # the status it has there (a total hidden there stays hidden here). While this
            # year is incomplete, the row holds the same days of that year: their total in
            # that year's system, beside its whole period (year_suppression).
            older = year_suppression(
                version, municipality_code, period.year - earlier, first, last, threshold
            )
            cells, line = older[period.kind, period.part], "t" if complete else "tp"
        for j, key in enumerate(measures):
            primary, hidden = cells.masks[key][line]
            masks["y"][0][row, j], masks["y"][1][row, j] = primary[0], hidden[0]
    messages = list(dict.fromkeys(mine.residual))
    for message in messages if warn else ():
        warnings.warn(ResidualDisclosureWarning(message), stacklevel=2)

    value_cols = list(measures.values())
    total_label = f"Totaal {name}"
    # A source the zone has not loaded for a span reads "–" there, not 0.
    by_domain = common_queries.source_span_map(version)
    gaps, gaps_partial, gaps_note = _source_gaps(
        by_domain, measures, overview.MEASURE_DOMAIN, [("", start, end)]
    )
    trend_gaps, trend_partial, trend_note = _source_gaps(
        by_domain, measures, overview.MEASURE_DOMAIN, spans
    )

    def area_gaps(n_rows: int) -> np.ndarray | None:
        return np.repeat(gaps, n_rows, axis=0) if gaps.any() else None

    unbounded = report_queries.wijken_without_boundary(version, municipality_code)
    no_boundary = (
        f"Niet in de tabel: {', '.join(unbounded)} (in de zoneconfiguratie, maar zonder grens "
        "in de geladen wijkgrenzen; een record krijgt zijn wijk uit die grens)."
        if unbounded
        else ""
    )
    not_nested = (
        f"Niet elke wijk van {name} ligt binnen één deelgemeente: de deelgemeenten "
        "zouden niet optellen tot het totaal, daarom geen cijfers per deelgemeente "
        "(wel per wijk)."
        if dg.empty and not areas.empty
        else ""
    )
    tables = {
        "deelgemeenten": PublishedTable(
            "deelgemeenten",
            "Per deelgemeente",
            ["Deelgemeente"],
            value_cols,
            [(d,) for d in dg["deelgemeente"]] + [(total_label,)],
            np.vstack([dg[list(measures)].to_numpy(), areas[list(measures)].sum().to_numpy()]),
            *masks["d"],
            total_row=True,
            threshold=threshold,
            note=" ".join(filter(None, [not_nested, gaps_note])),
            missing=area_gaps(len(dg) + 1),
            partial=_every_row(gaps_partial, len(dg) + 1),
        ),
        "wijken": PublishedTable(
            "wijken",
            "Per wijk",
            ["Deelgemeente", "Wijk"],
            value_cols,
            [
                ("–" if pd.isna(d) else d, w)
                for d, w in zip(areas["deelgemeente"], areas["wijk"], strict=True)
            ]
            + [("", total_label)],
            np.vstack([areas[list(measures)].to_numpy(), areas[list(measures)].sum().to_numpy()]),
            *masks["w"],
            total_row=True,
            threshold=threshold,
            note=" ".join(filter(None, [no_boundary, gaps_note])),
            missing=area_gaps(len(areas) + 1),
            partial=_every_row(gaps_partial, len(areas) + 1),
        ),
        "evolutie": PublishedTable(
            "evolutie",
            "Evolutie: dezelfde periode in vorige jaren",
            ["Periode"],
            value_cols,
            [(f"{lbl} ({fmt_period(s, e)})",) for lbl, s, e in spans],
            trend[list(measures)].to_numpy(),
            *masks["y"],
            total_row=False,
            threshold=threshold,
            note=trend_note,
            missing=trend_gaps if trend_gaps.any() else None,
            partial=trend_partial,
        ),
    }
    cat_titles = {
        "incidents": ("cat_feiten", "Feiten per categorie", "Categorie", "Feiten (pv's)"),
        "nuisance": (
            "cat_overlast",
            "Overlastmeldingen per type",
            "Type overlast",
            "Overlastmeldingen",
        ),
        "victims": (
            "cat_slachtoffers",
            "Verkeersslachtoffers per letsel",
            "Letsel",
            "Slachtoffers",
        ),
    }
    for key, frame in categories.items():
        tkey, title, label, col = cat_titles[key]
        cat_gaps, cat_partial, cat_note = _source_gaps(
            by_domain, {key: col}, overview.MEASURE_DOMAIN, [("", start, end)]
        )
        tables[tkey] = PublishedTable(
            tkey,
            title,
            [label],
            [col],
            [(c,) for c in frame["category"]] + [(total_label,)],
            np.append(frame["n"].to_numpy(), int(frame["n"].sum())).reshape(-1, 1),
            *cat_masks[key],
            total_row=True,
            threshold=threshold,
            note=cat_note,
            missing=np.repeat(cat_gaps, len(frame) + 1, axis=0) if cat_gaps.any() else None,
            partial=_every_row(cat_partial, len(frame) + 1),
        )

    listed = event_queries.events_between(version, start, end, nis_code=municipality_code)
    ev_gaps, _, ev_note = _source_gaps(
        by_domain, EVENT_DOMAINS, {d: d for d in EVENT_DOMAINS}, [("", start, end)], marked=False
    )
    tables["evenementen"], events_notable = _events_table(
        mine, listed.get("event_id", pd.Series(dtype=str)), threshold, ev_gaps[0], ev_note
    )

    shapes = district_queries.district_shapes(version, "wijk")
    shapes = shapes[shapes["nis_code"] == municipality_code].reset_index(drop=True)
    hexes = report_queries.hex_counts(version, municipality_code, start, end, coarse=True)
    return ReportData(
        zone_name=zone_name,
        municipality_code=municipality_code,
        municipality=name,
        period=period,
        start=start,
        end=end,
        complete=complete,
        threshold=threshold,
        tables=tables,
        trend_labels=[lbl for lbl, _, _ in spans],
        wijk_shapes=shapes[["code", "name", "geojson"]],
        hex_cells=hexes,
        coverage=cov,
        quality=report_queries.quality_counts(version, municipality_code, start, end),
        generated=zone_today(),
        build_text=build_text(version),
        warnings=messages,
        events_loaded=event_queries.has_events(version),
        events_notable=events_notable,
    )


def build_text(version: WarehouseVersion) -> str:
    """``Gegevens: opbouw van 06/12/2026 17:42 (versie 20261206T174257-0db8…)``: which
    build a report counts, printed on its title page and Info sheet, so that reports laid
    side by side can be told to come from the same data (the suppression across reports
    holds only then). ``""`` for a warehouse without build information."""
    info = quality_queries.build_info(version)
    if not info.get("warehouse_version"):
        return ""
    built = pd.Timestamp(info["built_at"])
    return (
        f"Gegevens: opbouw van {fmt_date(built.date())} {built:%H:%M} "
        f"(versie {info['warehouse_version']})"
    )


# --------------------------------------------------------------------------------------
# Texts shared by Word and Excel
# --------------------------------------------------------------------------------------


def methodology_paragraphs(data: ReportData) -> list[tuple[str, list[str]]]:
    """The methodology and data-quality note: ``(heading, paragraphs)`` pairs.

    A paragraph starting with ``"- "`` is a list item.
    """
    t = data.threshold
    # The classes of this report's hexagon map (they move up for dense counts).
    bounds = static_maps.hex_class_lower(t, data.hex_cells["n"])
    hex_classes = ", ".join(
        f"'{static_maps.hex_class_label(lo, t, bounds)}'"
        if lo == 1
        else static_maps.hex_class_label(lo, t, bounds)
        for lo in bounds
    )
    cov = data.coverage.set_index("domain")
    coverage_lines = [
        f"- {name}: {fmt_date(cov.at[d, 'first'])} tot en met {fmt_date(cov.at[d, 'last'])}."
        if d in cov.index and pd.notna(cov.at[d, "first"])
        else f"- {name}: geen gegevens geladen."
        for d, name in _DOMAIN_NAMES.items()
    ]
    unlocated = data.quality.get("unlocated", {})
    outside = data.quality.get("outside_zone", {})
    loc_lines = [
        f"- {label}: {fmt_rough_count(unlocated.get(label, 0), t)} zonder bruikbare locatie, "
        f"{fmt_rough_count(outside.get(label, 0), t)} buiten de zone gelokaliseerd."
        # In the report's order, as quality_counts gives them.
        for label in dict.fromkeys([*unlocated, *outside])
    ]
    loaded = set(data.quality.get("kinds", []))
    sources = [f"- {name}." for k, name in _KIND_NAMES.items() if k in loaded]
    return [
        (
            "Bronnen",
            [
                "Dit rapport steunt op de exports van de politiezone zoals ontvangen, ingelezen "
                f"in het Wijkbeeld-datawarehouse ({fmt_int(data.quality.get('files', 0))} "
                "bestanden):",
                *sources,
            ],
        ),
        (
            "Periode en dekking",
            [
                f"Rapportperiode: {data.period_text}."
                + (
                    ""
                    if data.complete
                    else " De gegevens dekken niet de volledige periode: de cijfers gelden "
                    "voor het gedeelte met gegevens, en de vergelijking met vorige jaren voor "
                    "dezelfde dagen."
                ),
                "Beschikbare gegevens per bron:",
                *coverage_lines,
                "Waar een bron een periode niet dekt, staat in de tabellen '–': er zijn dan "
                "geen gegevens, wat iets anders is dan nul. Dekt een bron een periode maar "
                "gedeeltelijk, dan zegt de tabel tot of vanaf welke dag ze telt.",
                "Vorige jaren staan alleen in de evolutietabel wanneer de gegevens die periode "
                "volledig dekken.",
            ],
        ),
        (
            "Telregels",
            [
                "Feiten tellen per pv, overlast per melding, letselongevallen per ongeval en "
                "slachtoffers per persoon (doden binnen 30 dagen, zwaar- en lichtgewonden). "
                "Ongevallen en slachtoffers zijn verschillende eenheden en worden nooit "
                "opgeteld; daarom hebben de tabellen geen rijtotaal.",
                "Een record telt mee in een wijk, deelgemeente en gemeente volgens de plaats "
                "van het feit. Records zonder bruikbare locatie staan niet in de tabellen "
                f"(aantallen van {data.municipality} in de rapportperiode; een record zonder "
                "plaats in een wijk telt voor de gemeente die de export vermeldt):",
                *loc_lines,
                "Geweigerde rijen bij het inlezen zijn niet betrouwbaar aan een gemeente toe te "
                "wijzen en worden hier niet geteld. Elke geweigerde rij staat met een reden in "
                "het datawarehouse en kan worden nagekeken.",
            ],
        ),
        (
            "Afscherming van kleine aantallen",
            [
                f"Aantallen van 1 tot {t - 1} worden getoond als '<{t}' (primaire "
                "afscherming); een nul blijft zichtbaar omdat die niemand identificeert.",
                "Omdat een verborgen aantal anders uit een totaal terug te rekenen is, worden "
                "ook andere cellen verborgen en als 'x' getoond (secundaire afscherming, altijd "
                f"een aantal van {t} of meer). Daarvoor gaan wijken en categorieën voor "
                "deelgemeenten, en deelgemeenten voor de totalen: een totaal wordt pas "
                "verborgen als geen andere cellen samen het kleine aantal kunnen beschermen.",
                "De afscherming gebeurt over alle tabellen van dit rapport samen: de tabel per "
                "wijk, per deelgemeente, per categorie en de evolutietabel delen dezelfde "
                "totalen (een deelgemeente is de som van haar wijken, een deelgemeente met één "
                "wijk is die wijk). Een cel heeft daarom overal dezelfde status, en voor elke "
                "verborgen cel is nagerekend dat ze ook met alle tabellen en totalen samen niet "
                "tot één waarde terug te brengen is.",
                "Ook de rapporten over de kwartalen, de halfjaren en het jaar van dezelfde "
                "gemeente zijn samen afgeschermd (een halfjaar is de som van zijn kwartalen, "
                "een jaar van zijn halfjaren): wie ze naast elkaar legt, kan geen verborgen "
                "aantal terugrekenen, zolang ze uit dezelfde gegevens komen (dezelfde opbouw "
                "van het datawarehouse: zie 'Gegevens: opbouw van …' op de titelpagina of het "
                "blad Info); een rapport van vóór een "
                "nieuwe export is niet samen met de latere afgeschermd: bezorg na een "
                "nieuwe export de rapporten van het lopende jaar opnieuw, niet naast de oude; "
                "zo ook de rijen met dezelfde dagen van vorige jaren in "
                "de evolutietabel van een nog lopend jaar. Daardoor kan een cel verborgen zijn "
                "die in een rapport alleen zichtbaar had mogen blijven.",
                "Letselongevallen en verkeersslachtoffers worden samen afgeschermd: elk "
                "letselongeval heeft minstens één slachtoffer, dus een wijk of deelgemeente "
                "telt in een periode nooit meer letselongevallen dan slachtoffers. Ook wie dat "
                "meerekent, kan geen verborgen aantal terugrekenen.",
                "Kaarten tonen alleen geaggregeerde gegevens: per wijk de waarde uit de tabel "
                "(verborgen wijken grijs) en per zeshoek (H3) alleen een klasse "
                f"({hex_classes}), nooit een exact aantal of een punt. De zeshoekkaart staat "
                "enkel in het rapport wanneer geen aantal feiten per wijk of deelgemeente "
                "afgeschermd is: een getekende zeshoek telt minstens één feit.",
                "Dit rapport bevat geen adressen, pv-nummers, coördinaten of namen.",
            ],
        ),
    ]


#: Share of a measure's records of the municipality that lie in no wijk (no usable
#: location, or located outside the zone) from which the report says so up front: the
#: tables count by wijk, and a zone whose facts carry no coordinates read "Feiten 0".
UNPLACED_SHARE = 0.1


def unplaced_notes(data: ReportData) -> list[str]:
    """A sentence per measure whose records of the municipality in the period lie largely
    in no wijk (:data:`UNPLACED_SHARE`, and at least the small-count threshold, so the
    number may be published): they are in no table, and the totals are short by them."""
    trend = data.tables["evolutie"]
    current = trend.values.shape[0] - 1
    unlocated = data.quality.get("unlocated", {})
    outside = data.quality.get("outside_zone", {})
    notes = []
    for j, label in enumerate(trend.value_columns):
        if label not in unlocated and label not in outside:
            continue
        if trend.missing is not None and trend.missing[current, j]:
            continue
        n = int(unlocated.get(label, 0)) + int(outside.get(label, 0))
        counted = int(trend.values[current, j])
        if n >= data.threshold and n >= UNPLACED_SHARE * (n + counted):
            notes.append(
                f"{label}: {fmt_rough_count(n, data.threshold)} van {data.municipality} in deze periode liggen in geen "
                "wijk (zonder bruikbare locatie of buiten de zone gelokaliseerd) en staan niet "
                "in de cijfers en tabellen van dit rapport, die per wijk tellen."
            )
    return notes


def _in_words(table: PublishedTable, i: int, j: int) -> str:
    """A cell of ``table`` as a sentence says it: the tables' marks "<5" and "x" read as
    "minder dan 5" and "niet getoond, afgeschermd"; a mayor met "vorig jaar zelfde periode:
    x" in the summary, whose legend is pages away (an audit)."""
    text = table.text(i, j).removesuffix(PARTIAL_MARK)
    if text == "x":
        return "niet getoond, afgeschermd"
    if text == f"<{table.threshold}":
        return f"minder dan {table.threshold}"
    return text


def summary_lines(data: ReportData) -> list[str]:
    """Key numbers in sentences, using only visible values; then what the tables leave out
    (:func:`unplaced_notes`)."""
    trend = data.tables["evolutie"]
    current = trend.values.shape[0] - 1
    lines = []
    for j, label in enumerate(trend.value_columns):
        if trend.missing is not None and trend.missing[current, j]:
            lines.append(f"{label}: geen gegevens over deze periode geladen.")
            continue
        now = trend.shown(current, j)
        text = f"{label}: {_in_words(trend, current, j)}"
        # A count of part of the period against a whole one (or the other way round) reads
        # as a fall or a rise that is only the days missing: no comparison, and said why.
        if (current, j) in trend.partial:
            text += (
                f" (alleen gegevens {trend.partial[current, j]}: geen vergelijking met vorig jaar)"
            )
        elif current >= 1 and (current - 1, j) in trend.partial:
            text += (
                f" (vorig jaar alleen gegevens {trend.partial[current - 1, j]}: geen vergelijking)"
            )
        elif current >= 1:
            before = trend.shown(current - 1, j)
            if now is not None and before is not None:
                diff = now - before
                sign = "+" if diff > 0 else ""
                text += (
                    f" (vorig jaar zelfde periode: {fmt_int(before)}; verschil {sign}"
                    f"{fmt_int(diff) if diff >= 0 else '-' + fmt_int(-diff)})"
                )
            else:
                text += f" (vorig jaar zelfde periode: {_in_words(trend, current - 1, j)})"
        lines.append(text + ".")
    events = data.tables.get("evenementen")
    if data.events_loaded and events is not None:
        text = f"Evenementen: {fmt_int(len(events.labels))} in deze periode"
        if data.events_notable:
            text += (
                f", bij {fmt_int(data.events_notable)} opvallend meer meldingen in de buurt "
                "dan gewoonlijk"
            )
        lines.append(text + ".")
    return lines + unplaced_notes(data)


# --------------------------------------------------------------------------------------
# Word
# --------------------------------------------------------------------------------------


def trend_series(trend: PublishedTable) -> dict[str, list[int | str]]:
    """The evolution table per measure for its chart: the count, or the table's own mark
    where it is hidden: a total hidden to protect another cell is 5 or more, and the chart
    wrote "<5" under it."""
    return {
        label: [trend.cell(i, j) for i in range(trend.values.shape[0])]
        for j, label in enumerate(trend.value_columns)
    }


#: Said where the hexagon map is left out (:func:`hex_map_shown`).
NO_HEX_MAP = (
    "Geen zeshoekkaart in dit rapport: een aantal feiten per wijk of deelgemeente is "
    "afgeschermd, en elke getekende zeshoek telt minstens één feit, zodat wie de zeshoeken "
    "in zo'n wijk telt, het verborgen aantal kan benaderen of terugrekenen."
)


def hex_map_shown(data: ReportData) -> bool:
    """Whether the report draws its hexagon map of facts: only when no count of facts per
    wijk, deelgemeente or in total is hidden. Each drawn hexagon holds at least one fact
    and its class bounds its count, so four hexagons in a wijk shown as "<5" made it
    exactly 4 (found by an audit of the reports, fifty-seventh session)."""
    for key in ("wijken", "deelgemeenten"):
        table = data.tables[key]
        if table.values.size and bool(table.hidden[:, 0].any()):
            return False
    return True


def _image_period(data: ReportData) -> str:
    """The period in an image's title: ``jaar 2025``, or for one the data do not cover
    ``jaar 2026 (01/01/2026 – 06/12/2026, onvolledig)``: a map or chart taken out of the
    report said a whole year where it counted part of one (an audit)."""
    if not data.incomplete_text:
        return data.period.label
    return f"{data.period.label} ({fmt_period(data.start, data.end)}, onvolledig)"


def report_images(data: ReportData) -> dict[str, bytes]:
    """The report's charts and maps as PNG: ``trend``, ``wijkkaart`` and, when
    :func:`hex_map_shown`, ``zeshoekkaart``."""
    trend = data.tables["evolutie"]
    series = trend_series(trend)
    wijken = data.tables["wijken"]
    codes = dict(zip(data.wijk_shapes["name"], data.wijk_shapes["code"], strict=True))
    values, texts = {}, {}
    for i, (_, wijk) in enumerate(wijken.labels[:-1]):
        code = codes.get(wijk)
        if code is not None:
            values[code] = wijken.shown(i, 0)
            texts[code] = wijken.text(i, 0)
    images = {
        "trend": charts.trend_chart(
            data.trend_labels,
            series,
            title=f"{data.municipality}: dezelfde periode per jaar"
            + (
                f" ({data.start:%d/%m} – {data.end:%d/%m}, onvolledig)"
                if data.incomplete_text
                else ""
            ),
            # A year counted over part of its period: "11*", as in the table above it.
            marks={(trend.value_columns[j], i): PARTIAL_MARK for i, j in trend.partial},
        ),
        "wijkkaart": static_maps.wijk_choropleth(
            data.wijk_shapes,
            values,
            f"Feiten (pv's) per wijk, {_image_period(data)}",
            "Feiten (pv's)",
            value_text=texts,
        ),
    }
    if hex_map_shown(data):
        images["zeshoekkaart"] = static_maps.hexagon_class_map(
            data.wijk_shapes,
            data.hex_cells,
            f"Feiten (pv's) per zeshoek (H3, ~0,7 km²), {_image_period(data)}",
            threshold=data.threshold,
        )
    return images


def _document_title(data: ReportData) -> str:
    """``Veiligheidsbeeld Herent – jaar 2025``, for a period the data do not cover
    ``… – jaar 2026 (onvolledig: gegevens tot en met 30/11/2026)`` (Word and Excel)."""
    title = f"Veiligheidsbeeld {data.municipality} – {data.period.label}"
    return f"{title} ({data.incomplete_text})" if data.incomplete_text else title


#: Greatest height of each map in section 6: both, with the heading and the text above them,
#: on one page (26,1 cm high). At 80 % of the width they were 13.7-17.4 cm tall and the
#: hexagon map always stood alone on the next page.
MAP_HEIGHT = Cm(11)


#: The wijk map's alternative text in the Word report.
WIJK_MAP_ALT = "Kaart: feiten (pv's) per wijk, de waarden van tabel 4; grijs: afgeschermd."


def report_docx(data: ReportData, images: dict[str, bytes] | None = None) -> bytes:
    """The report as a Word document (A4 portrait).

    Parameters
    ----------
    data : ReportData
    images : dict, optional
        From :func:`report_images` (drawn when omitted).

    Returns
    -------
    bytes
        The .docx file.
    """
    images = images or report_images(data)
    title = f"Veiligheidsbeeld {data.municipality}"
    # A period the data do not cover says so where the document is seen first: its title
    # page and its title (docs/SECURITY.md), not only under the summary.
    incomplete = data.incomplete_text
    doc = _docx.new_document(_document_title(data), data.zone_name)
    _docx.title_page(
        doc,
        title,
        [
            data.period_text,
            *([incomplete.capitalize()] if incomplete else []),
            data.zone_name,
            f"Opgemaakt op {fmt_date(data.generated)}",
            *([data.build_text] if data.build_text else []),
        ],
        note="Rapport voor het gemeentebestuur. Alleen geaggregeerde cijfers; aantallen van "
        f"1 tot {data.threshold - 1} zijn afgeschermd ('<{data.threshold}'), en een 'x' is een "
        "aantal dat niet getoond wordt zodat een afgeschermd aantal niet uit de totalen terug "
        "te rekenen is.",
    )
    doc.add_heading("1. Samenvatting", level=1)
    for line in summary_lines(data):
        doc.add_paragraph(line, style="List Bullet")
    if not data.complete:
        _docx.small_note(doc, INCOMPLETE_NOTE)

    def table_section(number: str, table: PublishedTable, intro: str = "") -> None:
        doc.add_heading(f"{number}. {table.title}", level=1)
        for text in (intro, table.note):
            if text:
                doc.add_paragraph(text)
        _docx.add_table(
            doc,
            table.header,
            table.rows(),
            numeric_from=len(table.label_columns),
            bold_last=table.total_row,
        )
        _docx.small_note(doc, footnote_nl(data.threshold))

    table_section(
        "2",
        data.tables["evolutie"],
        "Dezelfde dagen van het jaar in de vorige jaren, voor zover de gegevens ze dekken.",
    )
    _docx.add_picture(
        doc,
        images["trend"],
        0.95,
        alt=f"Staafdiagram: {data.municipality}, dezelfde periode per jaar, per domein.",
    )
    table_section("3", data.tables["deelgemeenten"])
    table_section("4", data.tables["wijken"])
    doc.add_heading("5. Per categorie", level=1)
    for key in ("cat_feiten", "cat_overlast", "cat_slachtoffers"):
        table = data.tables[key]
        doc.add_heading(table.title, level=2)
        _docx.add_table(doc, table.header, table.rows(), numeric_from=1, bold_last=True)
    _docx.small_note(doc, footnote_nl(data.threshold))
    events = data.tables["evenementen"]
    doc.add_heading(f"6. {events.title}", level=1)
    if events.labels:
        _docx.add_table(
            doc, events.header, events.rows(), numeric_from=len(events.label_columns), font_size=8
        )
        _docx.small_note(doc, footnote_nl(data.threshold))
    elif data.events_loaded:
        doc.add_paragraph(NO_EVENTS_IN_PERIOD)
    _docx.small_note(doc, events_note(data))
    # Sections 7 and 8 start a page by their heading: an empty paragraph holding the
    # break, after a full page (the two maps), stood alone on a blank page.
    doc.add_heading("7. Kaarten", level=1).paragraph_format.page_break_before = True
    if "zeshoekkaart" in images:
        doc.add_paragraph(
            "Boven per wijk de waarde uit tabel 4 (grijs: afgeschermd); daaronder per zeshoek "
            "alleen een klasse, nooit een exact aantal."
        )
        _docx.add_picture(doc, images["wijkkaart"], 0.8, max_height=MAP_HEIGHT, alt=WIJK_MAP_ALT)
        _docx.add_picture(
            doc,
            images["zeshoekkaart"],
            0.8,
            max_height=MAP_HEIGHT,
            alt="Kaart: feiten (pv's) per zeshoek als klasse, nooit een exact aantal.",
        )
    else:
        doc.add_paragraph("Per wijk de waarde uit tabel 4 (grijs: afgeschermd).")
        _docx.add_picture(doc, images["wijkkaart"], 0.8, max_height=MAP_HEIGHT, alt=WIJK_MAP_ALT)
        _docx.small_note(doc, NO_HEX_MAP)
    heading = doc.add_heading("8. Methodologie en datakwaliteit", level=1)
    heading.paragraph_format.page_break_before = True
    for heading, paragraphs in methodology_paragraphs(data):
        doc.add_heading(heading, level=2)
        for text in paragraphs:
            if text.startswith("- "):
                doc.add_paragraph(text[2:], style="List Bullet")
            else:
                doc.add_paragraph(text)
    return _docx.to_bytes(doc)


# --------------------------------------------------------------------------------------
# Excel
# --------------------------------------------------------------------------------------

_HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")


def _sheet_table(ws, table: PublishedTable, threshold: int, first_row: int = 1) -> None:
    ws.cell(first_row, 1, table.title).font = Font(bold=True, size=12)
    if table.note:
        ws.cell(first_row + 1, 1, table.note).font = Font(italic=True)
    header_row = first_row + 2
    for j, head in enumerate(table.header, start=1):
        c = ws.cell(header_row, j, head)
        c.font = Font(bold=True)
        c.fill = _HEADER_FILL
    n_labels = len(table.label_columns)
    for i in range(table.values.shape[0]):
        row = header_row + 1 + i
        for j, label in enumerate(table.labels[i], start=1):
            if isinstance(label, int):
                # A number among the labels (expected visitors) stays a number.
                c = ws.cell(row, j, label)
                c.number_format = "#,##0"
                c.alignment = Alignment(horizontal="right")
            else:
                ws.cell(row, j, str(label))
        for j in range(table.values.shape[1]):
            c = ws.cell(row, n_labels + 1 + j, table.cell(i, j))
            c.alignment = Alignment(horizontal="right")
            if isinstance(c.value, int):
                c.number_format = "#,##0"
        if table.total_row and i == table.values.shape[0] - 1:
            for j in range(1, len(table.header) + 1):
                ws.cell(row, j).font = Font(bold=True)
    note_row = header_row + table.values.shape[0] + 2
    ws.cell(note_row, 1, footnote_nl(threshold)).font = Font(italic=True, size=8)
    for j in range(1, len(table.header) + 1):
        width = max(len(str(ws.cell(r, j).value or "")) for r in range(header_row, note_row))
        ws.column_dimensions[get_column_letter(j)].width = min(max(12, width + 2), 60)
    ws.freeze_panes = ws.cell(header_row + 1, n_labels + 1)


def report_xlsx(data: ReportData) -> bytes:
    """The report as an Excel workbook: one sheet per table, plus info and methodology.

    Visible counts are numbers (so the administration can chart them); hidden ones are
    the texts ``"<5"`` and ``"x"``.

    Returns
    -------
    bytes
        The .xlsx file.
    """
    wb = Workbook()
    info = wb.active
    info.title = "Info"
    lines = [
        (f"Veiligheidsbeeld {data.municipality}", Font(bold=True, size=14)),
        (data.period_text, Font(size=12)),
        *([(data.incomplete_text.capitalize(), Font(bold=True))] if data.incomplete_text else []),
        (data.zone_name, None),
        (f"Opgemaakt op {fmt_date(data.generated)}", None),
        *([(data.build_text, None)] if data.build_text else []),
        ("", None),
        ("Samenvatting", Font(bold=True)),
        *[(line, None) for line in summary_lines(data)],
        *([] if data.complete else [(INCOMPLETE_NOTE, Font(italic=True, size=8))]),
        ("", None),
        (footnote_nl(data.threshold), Font(italic=True, size=8)),
    ]
    for r, (text, font) in enumerate(lines, start=1):
        c = info.cell(r, 1, text)
        if font is not None:
            c.font = font
    info.column_dimensions["A"].width = 110
    sheets = {
        "evolutie": "Evolutie",
        "deelgemeenten": "Per deelgemeente",
        "wijken": "Per wijk",
        "cat_feiten": "Feiten per categorie",
        "cat_overlast": "Overlast per type",
        "cat_slachtoffers": "Slachtoffers per letsel",
        "evenementen": "Evenementen",
    }
    for key, sheet in sheets.items():
        _sheet_table(wb.create_sheet(sheet), data.tables[key], data.threshold)
    ws = wb["Evenementen"]
    ws.cell(ws.max_row + 1, 1, events_note(data)).font = Font(italic=True, size=8)
    ws = wb.create_sheet("Methodologie")
    ws.column_dimensions["A"].width = 120
    r = 1
    for heading, paragraphs in methodology_paragraphs(data):
        ws.cell(r, 1, heading).font = Font(bold=True)
        r += 1
        for text in paragraphs:
            c = ws.cell(r, 1, "• " + text[2:] if text.startswith("- ") else text)
            c.alignment = Alignment(wrap_text=True, vertical="top")
            r += 1
        r += 1
    props = wb.properties
    props.creator = data.zone_name
    props.lastModifiedBy = data.zone_name
    props.title = _document_title(data)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def file_stem(data: ReportData) -> str:
    """``wijkbeeld_rapport_herent_2025-k3`` (lower case, no spaces).

    A period the data do not cover completely says so and up to which day (from which
    day): ``wijkbeeld_rapport_kortenberg_2026-k4_onvolledig_tot_2026-11-30``, so that a
    running quarter's file is not taken for (or overwritten by) the complete one.
    """
    stem = f"wijkbeeld_rapport_{file_slug(data.municipality)}_{data.period.slug}"
    if not data.complete:
        stem += "_onvolledig"
        if data.start > data.period.start:
            stem += f"_vanaf_{data.start.isoformat()}"
        if data.end < data.period.end:
            stem += f"_tot_{data.end.isoformat()}"
    return stem


# --------------------------------------------------------------------------------------
# Cached entry points for the page (hashable parameters only)
# --------------------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=32)
def cached_report(
    version: WarehouseVersion, municipality_code: str, kind: str, year: int, part: int
) -> ReportData:
    """:func:`collect_report`, cached per warehouse version, municipality and period.

    The page shows ``ReportData.warnings`` itself, so nothing is re-emitted as a warning
    (silencing them with a warning filter would change the one filter list every
    session's thread shares).
    """
    return collect_report(version, municipality_code, ReportPeriod(kind, year, part), warn=False)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_images(
    version: WarehouseVersion, municipality_code: str, kind: str, year: int, part: int
) -> dict[str, bytes]:
    """:func:`report_images` of :func:`cached_report`."""
    return report_images(cached_report(version, municipality_code, kind, year, part))


@st.cache_data(show_spinner=False, max_entries=16)
def cached_docx(
    version: WarehouseVersion,
    municipality_code: str,
    kind: str,
    year: int,
    part: int,
    today: date,
) -> bytes:
    """:func:`report_docx` of :func:`cached_report` (with the cached images), made ``today``.

    The day is part of the key: a report downloaded days after the warehouse was built
    says the day it was made, not the day the same report was first asked for.
    """
    args = (version, municipality_code, kind, year, part)
    return report_docx(replace(cached_report(*args), generated=today), cached_images(*args))


@st.cache_data(show_spinner=False, max_entries=16)
def cached_xlsx(
    version: WarehouseVersion,
    municipality_code: str,
    kind: str,
    year: int,
    part: int,
    today: date,
) -> bytes:
    """:func:`report_xlsx` of :func:`cached_report`, made ``today`` (see :func:`cached_docx`)."""
    report = cached_report(version, municipality_code, kind, year, part)
    return report_xlsx(replace(report, generated=today))
