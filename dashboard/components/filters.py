"""Shared filters (period, wijken, categories) that follow the user across pages.

Each filter keeps its value in two places, kept in step on every run:

* ``st.session_state[<key>]`` (a plain key, never a widget key), so the value survives a
  page switch. Streamlit forgets the state of a widget that the next page does not draw,
  and the page navigation clears the URL, so neither the widget key nor the URL alone
  carries a choice from one page to the next.
* ``st.query_params``, so the URL shows the current choice and a copied link opens the
  same view. The URL is read once, when a session starts; after that the session state
  leads and the URL follows.

URL parameters: ``periode`` (``7d``, ``28d``, ``jaar``, ``vorigjaar``, ``aangepast``),
``van`` and ``tot`` (``JJJJ-MM-DD``, only with ``aangepast``), ``wijk`` (repeated, wijk
codes), ``categorie`` (repeated).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
import streamlit as st

from dashboard.analysis.compstat import fmt_gaps, years_before
from dashboard.components.format import fmt_area, fmt_date, fmt_period
from dashboard.queries import WarehouseVersion
from dashboard.queries.common import (
    data_bounds,
    dataset_known_until,
    domain_coverage,
    known_since,
    source_span_map,
)
from dashboard.queries.districts import wijken as wijk_table
from etl.config import zone_today

#: Period presets: URL value → Dutch label, in widget order.
PRESETS = {
    "7d": "Laatste 7 dagen",
    "28d": "Laatste 28 dagen",
    "jaar": "Dit jaar",
    "vorigjaar": "Vorig jaar",
    "aangepast": "Aangepast",
}
DEFAULT_PRESET = "28d"

#: Session-state keys shared by every page.
KEY_PRESET = "flt_periode"
KEY_RANGE = "flt_van_tot"
KEY_RANGE_WIDGET = "flt_van_tot_keuze"
#: The range a link asked for and the one the widget's bounds made of it (clamp_range).
KEY_RANGE_ASKED = "flt_van_tot_gevraagd"
KEY_WIJKEN = "flt_wijken"
KEY_CATEGORIES = "flt_categorieen"

#: URL parameter names.
PARAM_PRESET, PARAM_FROM, PARAM_TO, PARAM_WIJK, PARAM_CATEGORY = (
    "periode",
    "van",
    "tot",
    "wijk",
    "categorie",
)


def year_before(day: date) -> date:
    """The same calendar day a year earlier (29 February becomes 28 February)."""
    return years_before(day)


@dataclass(frozen=True)
class Period:
    """An inclusive date range chosen by the user.

    Attributes
    ----------
    preset : str
        Key of :data:`PRESETS`.
    start, end : date
        First and last day, both included.
    """

    preset: str
    start: date
    end: date

    @property
    def days(self) -> int:
        """Number of days in the period."""
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        """``Laatste 28 dagen (04/10/2026 – 31/10/2026)``."""
        return f"{PRESETS.get(self.preset, self.preset)} ({fmt_period(self.start, self.end)})"

    @property
    def year_based(self) -> bool:
        """A calendar year or a year so far ("Dit jaar", "Vorig jaar", or 1 January to a day
        of that year chosen by hand): its previous period is the same days a year earlier."""
        return (
            self.start.month == 1
            and self.start.day == 1
            and self.end.year == self.start.year
            and (self.preset in ("jaar", "vorigjaar") or (self.end.month, self.end.day) == (12, 31))
        )

    def previous(self) -> Period:
        """The equally long period right before this one (CompStat "vorige periode").

        For a year (:attr:`year_based`) the year before: counted in days, 2025 was compared
        with 02/01/2024 - 31/12/2024 (a leap year) and "Dit jaar" to 31 October with
        February to December of the year before, another season.
        """
        if self.year_based:
            return self.last_year()
        end = self.start - timedelta(days=1)
        return Period(self.preset, end - timedelta(days=self.days - 1), end)

    def last_year(self) -> Period:
        """The same dates one year earlier (CompStat "zelfde periode vorig jaar")."""
        return Period(self.preset, year_before(self.start), year_before(self.end))

    def months(self) -> Period:
        """The whole months this period touches: what data without a day (Statbel) counts."""
        end = date(self.end.year, self.end.month, 1) + timedelta(days=32)
        return Period(
            self.preset, self.start.replace(day=1), end.replace(day=1) - timedelta(days=1)
        )

    def previous_months(self) -> Period:
        """As many whole months as :meth:`months`, right before them: the "vorige periode"
        of data without a day. Counted by days, 28 days in November touched October and
        November, so November counted in both periods; 7 days touched the same month.
        For a year (:attr:`year_based`), the same months a year earlier."""
        if self.year_based:
            return self.last_year().months()
        whole = self.months()
        n = (whole.end.year - whole.start.year) * 12 + whole.end.month - whole.start.month + 1
        first = whole.start.year * 12 + whole.start.month - 1 - n
        return Period(
            self.preset, date(first // 12, first % 12 + 1, 1), whole.start - timedelta(days=1)
        )


def preset_period(preset: str, anchor: date, custom: tuple[date, date] | None = None) -> Period:
    """Turn a preset into dates, counting back from ``anchor``.

    Parameters
    ----------
    preset : str
        Key of :data:`PRESETS`.
    anchor : date
        Last day with data (the presets end there, not on today: see
        :func:`dashboard.queries.common.data_bounds`).
    custom : (date, date), optional
        Start and end for ``"aangepast"``; defaults to the last 28 days.

    Returns
    -------
    Period
    """
    if preset == "7d":
        return Period(preset, anchor - timedelta(days=6), anchor)
    if preset == "jaar":
        return Period(preset, date(anchor.year, 1, 1), anchor)
    if preset == "vorigjaar":
        return Period(preset, date(anchor.year - 1, 1, 1), date(anchor.year - 1, 12, 31))
    if preset == "aangepast" and custom:
        start, end = sorted(custom)
        return Period(preset, start, end)
    if preset == "aangepast":
        return Period(preset, anchor - timedelta(days=27), anchor)
    return Period("28d", anchor - timedelta(days=27), anchor)


def clamp_range(start: date, end: date, lowest: date, highest: date) -> tuple[date, date]:
    """A date range within the bounds of the date widget, in order.

    A link may carry any dates (``tot`` after today, ``van`` after ``tot``); the widget
    refuses a value outside its bounds with an exception that stopped every page. Both
    dates are moved inside ``[lowest, highest]`` and swapped when reversed.

    Examples
    --------
    >>> clamp_range(date(2026, 11, 1), date(2026, 12, 31), date(2020, 1, 1), date(2026, 12, 1))
    (datetime.date(2026, 11, 1), datetime.date(2026, 12, 1))
    >>> clamp_range(date(2026, 3, 31), date(2026, 3, 1), date(2020, 1, 1), date(2026, 12, 1))
    (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    """
    start, end = sorted((start, end))
    return min(max(start, lowest), highest), min(max(end, lowest), highest)


def outside_data_note(
    requested: tuple[date, date], period: Period, first: date, last: date
) -> str | None:
    """A Dutch line for a chosen period that lies wholly before or after the data (a link
    from elsewhere, a date typed far off), saying which days the data cover and, when the
    date widget had to move the period inside its bounds (:func:`clamp_range`), that it
    did; ``None`` for a period touching the data. The page said only "Geen gegevens voor
    deze keuze", having silently turned 01/01/2027 – 31/03/2027 into one day (an audit).

    Examples
    --------
    >>> p = Period("aangepast", date(2020, 1, 1), date(2020, 3, 31))
    >>> outside_data_note((p.start, p.end), p, date(2023, 12, 7), date(2026, 12, 7))
    'De gekozen periode (01/01/2020 – 31/03/2020) ligt vóór de gegevens: die lopen van 07/12/2023 tot en met 07/12/2026.'
    >>> p = Period("aangepast", date(2026, 12, 7), date(2026, 12, 7))
    >>> outside_data_note((date(2027, 1, 1), date(2027, 3, 31)), p, date(2023, 12, 7), date(2026, 12, 7))
    'De gekozen periode (01/01/2027 – 31/03/2027) ligt na de gegevens: die lopen van 07/12/2023 tot en met 07/12/2026. De kalender gaat niet verder dan 07/12/2026: de periode is 07/12/2026 – 07/12/2026 geworden.'
    """
    asked_start, asked_end = sorted(requested)
    if asked_end < first:
        where = "vóór"
    elif asked_start > last:
        where = "na"
    else:
        return None
    note = (
        f"De gekozen periode ({fmt_period(asked_start, asked_end)}) ligt {where} de gegevens: "
        f"die lopen van {fmt_date(first)} tot en met {fmt_date(last)}."
    )
    if (asked_start, asked_end) != (period.start, period.end):
        bound = "niet verder dan" if where == "na" else "niet verder terug dan"
        edge = period.end if where == "na" else period.start
        note += (
            f" De kalender gaat {bound} {fmt_date(edge)}: de periode is "
            f"{fmt_period(period.start, period.end)} geworden."
        )
    return note


def shown_data_span(
    version: WarehouseVersion, domains: Sequence[str] | None, first: date, last: date
) -> tuple[date, date]:
    """The first and last day the page's sources cover (``domains``; ``None``: every one),
    Statbel's months included where the page shows the accidents: the bounds of
    :func:`outside_data_note`. With the zone's bounds (``first``, ``last``) it called the
    first days of December 2023 "vóór de gegevens" on a page counting Statbel's whole
    December, and named the facts' first day on Verkeer, whose accidents begin a day
    later (a review). Falls back to ``first``, ``last`` when none of them is loaded."""
    spans = source_span_map(version)
    keys = list(spans) if domains is None else [d for d in domains if d in spans]
    firsts = [spans[k].first for k in keys]
    lasts = [spans[k].last for k in keys]
    if domains is None or "accidents" in domains:
        start, end = known_since(version, ("accidents_statbel",)), None
        if start is not None:
            end = dataset_known_until(version, "accidents_statbel")
        firsts += [start] if start else []
        lasts += [end] if end else []
    # Statbel's last month runs to its end, which may lie after today.
    return (min(firsts), min(max(lasts), zone_today())) if firsts and lasts else (first, last)


def _parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        return None


def _init_from_url(key: str, param: str, parse: Callable[[list[str]], object], default) -> None:
    """Set the shared session value once per session: from the URL if present, else default."""
    if key in st.session_state:
        return
    raw = st.query_params.get_all(param)
    value = parse(raw) if raw else None
    st.session_state[key] = default if value is None else value


def _set_param(param: str, value: str | Sequence[str] | None) -> None:
    # Writing an unchanged value still costs a browser history update: skip it.
    if value is None or (not isinstance(value, str) and len(value) == 0):
        if param in st.query_params:
            del st.query_params[param]
        return
    current = st.query_params.get_all(param)
    wanted = [value] if isinstance(value, str) else list(value)
    if current != wanted:
        st.query_params[param] = wanted if len(wanted) > 1 else wanted[0]


def _widget_key(key: str) -> str:
    return f"_w_{key}"


def bind_widget(key: str, value=None) -> str:
    """Give a widget its shared value on every run; returns the widget key to use.

    Streamlit drops a widget's state when a page does not draw it, and a widget on another
    page is another widget even with the same key. So the shared value lives under
    ``key`` and is copied into the widget key before the widget is drawn; the widget's
    ``on_change`` (:func:`copy_back`) copies a user's change back before the rerun.
    """
    wkey = _widget_key(key)
    st.session_state[wkey] = st.session_state[key] if value is None else value
    return wkey


def copy_back(key: str) -> None:
    """``on_change`` callback: store the widget's new value under the shared key."""
    st.session_state[key] = st.session_state[_widget_key(key)]


def anchored_bounds(version: WarehouseVersion) -> tuple[date, date]:
    """First and last day a page's periods may use: the data's (``data_bounds``); without
    a dated fact, nuisance report or accident, those of the other dated records (a zone
    that loads only its tasks); without any (only Statbel's accidents, by month) the year
    up to today."""
    bounds = data_bounds(version)
    if bounds["last"] is None:
        cov = domain_coverage(version).dropna(subset=["last"])
        if not cov.empty:
            bounds = {
                "first": pd.Timestamp(cov["first"].min()).date(),
                "last": pd.Timestamp(cov["last"].max()).date(),
            }
    anchor = bounds["last"] or zone_today()
    return bounds["first"] or anchor - timedelta(days=365), anchor


def period_filter(
    version: WarehouseVersion, container=None, domains: Sequence[str] | None = None
) -> Period:
    """Draw the period filter and return the chosen period.

    Parameters
    ----------
    version : WarehouseVersion
        Used to find the last date with data (the anchor of the presets).
    container : streamlit container, optional
        Where to draw; defaults to the sidebar.
    domains : sequence of str, optional
        The sources the page shows, whose empty months in the period it warns about
        (:func:`empty_months_warning`; ``None``: every one).

    Returns
    -------
    Period
    """
    where = container if container is not None else st.sidebar
    first, anchor = anchored_bounds(version)

    _init_from_url(
        KEY_PRESET,
        PARAM_PRESET,
        lambda raw: raw[-1] if raw[-1] in PRESETS else None,
        DEFAULT_PRESET,
    )
    default_range = (anchor - timedelta(days=27), anchor)
    if KEY_RANGE not in st.session_state:
        start = _parse_date(st.query_params.get(PARAM_FROM))
        end = _parse_date(st.query_params.get(PARAM_TO))
        st.session_state[KEY_RANGE] = (start, end) if start and end else default_range

    wkey = bind_widget(KEY_PRESET)
    preset = where.selectbox(
        "Periode",
        list(PRESETS),
        format_func=PRESETS.__getitem__,
        key=wkey,
        on_change=copy_back,
        args=(KEY_PRESET,),
        help=f"De periodes tellen terug vanaf de laatste dag met gegevens ({anchor:%d/%m/%Y}).",
    )

    custom = None
    if preset == "aangepast":
        # Dates from a link (or from before a rebuild) inside the widget's bounds: the
        # widget raises on a value beyond them ("tot" after today stopped every page).
        lowest = min(first, min(st.session_state[KEY_RANGE])) - timedelta(days=366 * 5)
        highest = max(anchor, zone_today())
        requested = tuple(st.session_state[KEY_RANGE])
        st.session_state[KEY_RANGE] = clamp_range(*requested, lowest, highest)
        if st.session_state[KEY_RANGE] != requested:
            # Remembered while the period stays the one it was moved to (later runs).
            st.session_state[KEY_RANGE_ASKED] = (requested, st.session_state[KEY_RANGE])
        # The widget may hold a half-picked range (first click only); that partial value
        # is kept for the widget, while the period keeps the last complete range.
        if KEY_RANGE_WIDGET not in st.session_state:
            st.session_state[KEY_RANGE_WIDGET] = tuple(st.session_state[KEY_RANGE])
        picked = st.session_state[KEY_RANGE_WIDGET]
        if isinstance(picked, (tuple, list)) and len(picked) == 2:
            st.session_state[KEY_RANGE_WIDGET] = clamp_range(*picked, lowest, highest)
        elif isinstance(picked, (tuple, list)) and len(picked) == 1:
            st.session_state[KEY_RANGE_WIDGET] = (min(max(picked[0], lowest), highest),)
        rkey = bind_widget(KEY_RANGE_WIDGET)
        where.date_input(
            "Van – tot",
            key=rkey,
            format="DD/MM/YYYY",
            min_value=lowest,
            max_value=highest,
            on_change=copy_back,
            args=(KEY_RANGE_WIDGET,),
        )
        picked = st.session_state[KEY_RANGE_WIDGET]
        if isinstance(picked, (tuple, list)) and len(picked) == 2:
            st.session_state[KEY_RANGE] = (picked[0], picked[1])
        custom = st.session_state[KEY_RANGE]

    period = preset_period(preset, anchor, custom)
    if custom is not None:
        # A period wholly before or after the data: say so, and which days they cover (and
        # what the link asked for, when the widget's bounds moved it).
        asked, moved = st.session_state.get(KEY_RANGE_ASKED, (None, None))
        requested = asked if moved == tuple(custom) else tuple(custom)
        note = outside_data_note(
            requested, period, *shown_data_span(version, domains, first, anchor)
        )
        if note:
            where.info(note, icon=":material/info:")
    empty_months_warning(version, period, where, domains)
    _set_param(PARAM_PRESET, preset)
    _set_param(PARAM_FROM, period.start.isoformat() if preset == "aangepast" else None)
    _set_param(PARAM_TO, period.end.isoformat() if preset == "aangepast" else None)
    return period


#: Per domain of ``marts.coverage``, the warning about empty months begins with "none of it".
NONE_OF_DOMAIN = {
    "incidents": "Geen enkel feit",
    "nuisance": "Geen enkele overlastmelding",
    "accidents": "Geen enkel verkeersongeval",
    "tasks": "Geen enkele wijktaak",
}


def empty_months_warning(
    version: WarehouseVersion, period: Period, where, domains: Sequence[str] | None = None
) -> None:
    """Warn when ``period`` holds a whole month without one record of a source that counts
    ten or more a month (``marts.coverage.empty_months``: a missing export). Such a month
    counts 0 on every page; the comparisons (Briefing, Verkeer) and the report to the
    mayors leave it out or mark it, this warning names it wherever the period is chosen.
    ``domains``: those the page shows (``None``: every one)."""
    for domain, span in source_span_map(version).items():
        if domains is not None and domain not in domains:
            continue
        empty = span.gaps_in(period.start, period.end)
        if empty:
            where.warning(
                f"{NONE_OF_DOMAIN.get(domain, f'Geen enkel record ({domain})')} met datum in "
                f"{fmt_gaps(empty)}, terwijl er gewoonlijk tien of meer per maand zijn: "
                "een ontbrekende export? Wat er toen gebeurde is onbekend: "
                + (
                    "waar die maand meetelt, telt ze als 0"
                    if len(empty) == 1
                    else "waar die maanden meetellen, tellen ze als 0"
                )
                + ", en de vergelijkingen laten ze weg.",
                icon=":material/warning:",
            )


def multiselect_filter(
    label: str,
    options: Sequence[str],
    key: str,
    param: str,
    format_func: Callable[[str], str] = str,
    container=None,
    help: str | None = None,
) -> tuple[str, ...]:
    """A multiselect synced with the session and a repeated URL parameter.

    Values no longer among ``options`` (a wijk renamed, another source's category, from a
    link or a choice on another page) are left out, and a caption under the widget names
    them until the reader changes the choice: a link asking for a nuisance category with
    the facts shown fell back to all facts without a word. An empty selection means "all".

    Returns
    -------
    tuple of str
        The selected values, in option order.
    """
    where = container if container is not None else st.sidebar
    valid = set(options)
    _init_from_url(key, param, lambda raw: [v for v in raw if v in valid], [])
    current = [v for v in st.session_state[key] if v in valid]
    wkey = bind_widget(key, current)
    picked = where.multiselect(
        label,
        list(options),
        key=wkey,
        format_func=format_func,
        placeholder="Alle",
        help=help,
        on_change=copy_back,
        args=(key,),
    )
    foreign = [v for v in st.session_state[key] if v not in valid]
    if foreign:
        # A category is the zone's own text: written as it is, not read as markdown.
        shown = re.sub(r"([\\`*_\[\]<>#~$|])", r"\\\1", ", ".join(map(format_func, foreign)))
        where.caption(
            f"Niet in deze lijst, dus genegeerd: {shown}."
            + ("" if picked else " Alle worden getoond.")
        )
    _set_param(param, list(picked))
    order = {v: i for i, v in enumerate(options)}
    return tuple(sorted(picked, key=order.__getitem__))


def choice_filter(
    label: str,
    options: Sequence[str],
    key: str,
    param: str,
    default: str | None = None,
    format_func: Callable[[str], str] = str,
    container=None,
    help: str | None = None,
    radio: bool = False,
) -> str:
    """A selectbox (or horizontal radio) synced with the session and one URL parameter.

    Like :func:`multiselect_filter` for a single choice: the URL is read once per session,
    a value no longer among ``options`` falls back to ``default`` (the first option when
    ``None``).

    Returns
    -------
    str
        The chosen option.
    """
    where = container if container is not None else st.sidebar
    options = list(options)
    fallback = default if default in options else options[0]
    _init_from_url(key, param, lambda raw: raw[-1] if raw[-1] in options else None, fallback)
    if st.session_state[key] not in options:
        st.session_state[key] = fallback
    wkey = bind_widget(key)
    widget = where.radio if radio else where.selectbox
    extra = {"horizontal": True} if radio else {}
    picked = widget(
        label,
        options,
        key=wkey,
        format_func=format_func,
        help=help,
        on_change=copy_back,
        args=(key,),
        **extra,
    )
    _set_param(param, picked)
    return picked


def wijk_filter(version: WarehouseVersion, container=None) -> tuple[str, ...]:
    """Draw the wijk multiselect; returns the chosen wijk codes (empty: all wijken)."""
    table = wijk_table(version)
    names = dict(zip(table["code"], table["name"], strict=True))
    return multiselect_filter(
        "Wijken",
        list(names),
        KEY_WIJKEN,
        PARAM_WIJK,
        format_func=lambda code: fmt_area(names.get(code, code), code),
        container=container,
        help="Leeg = alle wijken, ook feiten zonder wijk.",
    )


def category_filter(
    options: Sequence[str], label: str = "Categorieën", container=None
) -> tuple[str, ...]:
    """Draw a category multiselect (shared key; foreign values are dropped)."""
    return multiselect_filter(
        label,
        options,
        KEY_CATEGORIES,
        PARAM_CATEGORY,
        container=container,
        help="Leeg = alle categorieën.",
    )


@dataclass(frozen=True)
class Filters:
    """The common filters of an analysis page."""

    period: Period
    wijken: tuple[str, ...]


def common_filters(version: WarehouseVersion, domains: Sequence[str] | None = None) -> Filters:
    """Draw period and wijk filters in the sidebar and return both (``domains``: the
    sources the page shows, see :func:`period_filter`)."""
    st.sidebar.subheader("Filters")
    period = period_filter(version, domains=domains)
    wijken = wijk_filter(version)
    return Filters(period, wijken)
