"""The weekly briefing: CompStat comparisons, notable changes, hot spots and black spots.

:func:`collect_briefing` computes everything the briefing page and the Word pack show
(cached per warehouse version, period and wijken), so the page and the document can never
disagree; :func:`briefing_docx` writes the pack (A4 landscape, for projecting or printing).

The briefing stays inside the police: it names streets of hot spots and black spots, but
never a PV number, an address with house number, or a person.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import numpy as np
import pandas as pd
import streamlit as st
from docx.shared import Cm

from dashboard.analysis import events as event_analysis
from dashboard.analysis.compstat import (
    Period,
    PeriodBounds,
    change_strength,
    compare_periods,
    covered,
    dispersion_note,
    fmt_gaps,
    months_within,
    notable_changes_sentences,
    only_in,
    period_bounds,
    screen_changes,
)
from dashboard.components.comparison import (
    APPROACH_NOTE,
    DIFFERENCE_COLUMNS,
    approach_table,
    comparison_table,
    highlight_marks,
    opvallend,
)
from dashboard.components.format import (
    chosen_area,
    fmt_date,
    fmt_event_place,
    fmt_event_when,
    fmt_int,
    fmt_number,
    fmt_period,
    fmt_signed,
    missing_as_text,
    spans_years,
)
from dashboard.documents import _docx, charts, static_maps
from dashboard.exports import blackspots as blackspot_export
from dashboard.queries import WarehouseVersion, overview
from dashboard.queries import approaches as approach_queries
from dashboard.queries import blackspots as blackspot_queries
from dashboard.queries import districts as district_queries
from dashboard.queries import events as event_queries
from dashboard.queries import hotspots as hotspot_queries
from dashboard.queries import traffic as traffic_queries
from dashboard.queries.common import data_bounds, source_span_map
from etl.audit import ANCHOR_CHARS
from etl.config import small_count_threshold, zone_today

#: Period kinds of :func:`dashboard.analysis.compstat.period_bounds` → Dutch label.
PERIOD_KINDS = {"week": "Week (maandag–zondag)", "28d": "28 dagen", "ytd": "Jaar tot nu"}
#: Measures: key → (label in sentences, plural noun, singular noun).
SENTENCE_WORDS = {
    "incidents": ("Feiten", "feiten", "feit"),
    "nuisance": ("Overlast", "meldingen", "melding"),
    "injury_accidents": ("Letselongevallen", "letselongevallen", "letselongeval"),
    "victims": ("Verkeersslachtoffers", "slachtoffers", "slachtoffer"),
    "tasks": ("Nieuwe wijktaken", "taken", "taak"),
}
#: Hot-spot domains → Dutch label.
HOTSPOT_LABELS = {"incidents": "Feiten (pv's)", "nuisance": "Overlastmeldingen"}
#: Said for the hot spots of a domain whose source does not cover the period.
NO_SOURCE_HOTSPOTS = "Geen gegevens van deze bron over deze periode: geen hotspots te zoeken."
#: In place of "no black spots" when the zone's own accident registration does not reach the
#: rule's window: nothing was judged (the Verkeer page's words).
NO_BLACK_SPOT_JUDGEMENT = blackspot_export.NO_JUDGEMENT
#: Under the per-wijk tables: why they add up to less than the key figures.
PER_WIJK_NOTE = (
    "Records zonder wijk (zonder locatie of buiten elke wijkgrens) tellen mee in de "
    "kerncijfers van de zone, niet in een wijk: de wijken samen kunnen iets minder zijn."
)
#: Most hot cells and black spots listed.
TOP_N = 10
MAX_SENTENCES = 10
#: The briefing lists the events of this many days after its period (the weeks the
#: inspectors plan for).
UPCOMING_DAYS = 14


def default_end(kind: str, anchor: date) -> date:
    """Default end date: the last complete ISO week (its Sunday) or the last data day.

    Parameters
    ----------
    kind : {"week", "28d", "ytd"}
    anchor : date
        Last day with data.
    """
    if kind == "week":
        return anchor - timedelta(days=anchor.isoweekday() % 7)
    return anchor


@dataclass
class BriefingData:
    """Everything the briefing page and pack show.

    Attributes
    ----------
    totals : DataFrame
        :func:`compare_periods` per measure key (:data:`overview.BRIEFING_MEASURES`).
    per_wijk : dict
        Measure key → :func:`compare_periods` per wijk name.
    categories : dict
        ``"incidents"`` / ``"nuisance"`` → :func:`compare_periods` per category.
    sentences : list of str
        "Wat valt op": the changes of the categories and the measures per wijk that the
        screen kept (:func:`screen_changes`), least likely by chance first.
    sentences_note : str
        How they were chosen (:meth:`Screen.note`), for under the list.
    hotspots : dict
        Domain → hot cells: ``rang``, ``h3_cell``, ``wijk``, ``straat``, ``categorie``,
        ``categorie_n``, ``n``, ``z``, ``klasse``, ``label``, ``lat``, ``lon``.
    black_spots : DataFrame
        ``rang``, ``straat``, ``wijk``, ``letselongevallen``, ``doden``, ``zwaargewonden``,
        ``lichtgewonden``, ``score``, ``status``, ``is_black_spot``, ``lat``, ``lon``.
    victims_dispersion : float
        Variance over mean of the victim counts (:func:`overview.victim_dispersion`), by
        which their signal is scaled; 1 when every accident has one victim.
    """

    zone_name: str
    bounds: PeriodBounds
    area_label: str
    wijken: tuple[str, ...]
    totals: pd.DataFrame
    per_wijk: dict[str, pd.DataFrame]
    categories: dict[str, pd.DataFrame]
    sentences: list[str]
    sentences_note: str
    hotspots: dict[str, pd.DataFrame]
    black_spots: pd.DataFrame
    black_spot_window: tuple[date, date]
    wijk_shapes: pd.DataFrame
    victims_dispersion: float = 1.0
    #: The black-spot rule as applied (:meth:`RuleParams.describe`), for under the list.
    black_spot_rule: str = ""
    #: Whether the zone's own accident registration reaches the rule's window at all: when
    #: not (none loaded, or it stops before the window), an empty list is no judgement.
    black_spots_judged: bool = True
    #: What the data do not cover (a week still running, a comparison period before the
    #: first export): Dutch sentences for the page, the title page and under the tables.
    coverage_notes: list[str] = field(default_factory=list)
    #: Per hot-spot domain, the hot cells left out because they lie outside the reader's
    #: own wijk (inspector).
    hidden_hotspots: dict[str, int] = field(default_factory=dict)
    #: Per hot-spot domain, the hot cells the reader may see, listed (at most
    #: :data:`TOP_N`) or not.
    hotspots_total: dict[str, int] = field(default_factory=dict)
    #: Locations to follow up (not black spots or candidates) left out for that reason.
    hidden_black_spots: int = 0
    #: The inspector's own wijk when the pack is that reader's version (:func:`for_reader`).
    reader_wijk: str | None = None
    #: Whether the warehouse holds an event list at all (else the section says how to add one).
    has_events: bool = False
    #: Events running in the :data:`UPCOMING_DAYS` days after the period
    #: (:func:`dashboard.queries.events.upcoming_events`).
    events_upcoming: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: Events of the period with the records around them
    #: (:func:`dashboard.queries.events.event_follow_up`).
    events_followup: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: The approaches of problem addresses of the reader's wijken that run, or ended in or
    #: after the period, as :func:`dashboard.components.comparison.approach_table` shows
    #: them (:func:`with_approaches`); ``None``: not looked up (a reader who may see no
    #: records of the chosen wijken).
    approaches: pd.DataFrame | None = None
    #: Per measure, its records of the current period in no wijk (no usable location, or
    #: outside every wijk boundary) and all its records of the period: the per-wijk
    #: tables leave the first out (:func:`unplaced_note`).
    unplaced: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def period_text(self) -> str:
        """``week 44 van 2026 (26/10/2026 – 01/11/2026)``."""
        c = self.bounds.current
        if self.bounds.kind == "ytd":  # its label already gives the dates
            return self.bounds.label()
        return f"{self.bounds.label()} ({fmt_period(c.start, c.end)})"

    @property
    def comparison_text(self) -> str:
        """Which periods the current one is compared with."""
        p, y = self.bounds.previous, self.bounds.last_year
        if self.bounds.kind == "ytd":
            # A year to date is compared with the same dates a year earlier, as on every
            # page: that is its previous period.
            return f"vorige periode = zelfde periode vorig jaar {fmt_period(y.start, y.end)}"
        # A week or 28 days go back 52 weeks (the same weekdays); other pages take the
        # same calendar dates: both print their dates.
        how = "52 weken eerder, dezelfde weekdagen"
        return (
            f"vorige periode {fmt_period(p.start, p.end)}; "
            f"zelfde periode vorig jaar {fmt_period(y.start, y.end)} ({how})"
        )


def _strengths(df: pd.DataFrame) -> list[float]:
    """Signal strength of the rows notable_changes_sentences writes, strongest first."""
    s = change_strength(df)
    return sorted(s[s > 0].tolist(), reverse=True)


def _hot_spots(
    version: WarehouseVersion,
    domain: str,
    bounds: PeriodBounds,
    wijken: tuple[str, ...],
    fine_wijken: tuple[str, ...] | None = None,
) -> tuple[pd.DataFrame, int, int]:
    """The hot cells to list (at most :data:`TOP_N`), how many hot cells the reader may
    not see, and how many the reader may see (listed or not: a list cut at ten read as all
    of them; an audit found 10 listed of 48).

    ``fine_wijken`` (an inspector's own wijk): the Bronnen page's rule
    (:func:`dashboard.queries.hotspots.visible_classes`): the classes of the zone's
    statistic, for the cells whose centre lies in those wijken, counted, named (category,
    street) and placed with those wijken's records only; a border cell's neighbour records
    gave a category or street of another wijk away.
    """
    start, end = bounds.current.as_tuple()
    columns = [
        "rang",
        "h3_cell",
        "wijk",
        "straat",
        "categorie",
        "categorie_n",
        "categorie_gelijk",
        "n",
        "local_sum",
        "z",
        "klasse",
        "label",
        "lat",
        "lon",
    ]
    # The Bronnen page's statistic over the same study area (every cell of the chosen
    # wijken, empty ones included) and records: the study area made of the cells that
    # happened to hold records plus a ring found other hot spots than the page did for the
    # same period. Dozens of cells are screened at once: the FDR correction keeps chance
    # hits out.
    gi = hotspot_queries.hotspot_classes(version, (domain,), start, end, wijken, fdr=True)
    # Below the zone's small-count threshold no test is listed (Bronnen shows none either).
    if gi.empty or gi["n"].sum() < max(3, small_count_threshold()):
        return pd.DataFrame(columns=columns), 0, 0
    hidden = 0
    records_of = wijken
    if fine_wijken is not None:
        # The zone's statistic, as the reader may see it (one Gi* computation, not two).
        n_hot = int(((gi["klasse"] > 0) & (gi["n"] > 0)).sum())
        args = (start, end, wijken, (), hotspot_queries.ALL_HOURS, ())
        gi = hotspot_queries.visible_classes(version, gi, (domain,), args, fine_wijken, "n")
        hidden = n_hot - int(((gi["klasse"] > 0) & (gi["n"] > 0)).sum())
        records_of = tuple(w for w in fine_wijken if not wijken or w in wijken)
    hot = gi[(gi["klasse"] > 0) & (gi["n"] > 0)].sort_values(
        ["klasse", "local_sum", "n", "z"], ascending=False
    )
    total = len(hot)
    hot = hot.head(TOP_N)
    if hot.empty:
        return pd.DataFrame(columns=columns), hidden, 0
    cells = tuple(int(c) for c in hot["h3_cell"])
    details = overview.hot_cell_details(version, domain, start, end, cells, records_of)
    hot = hot.assign(h3_cell=hot["h3_cell"].astype("uint64"))
    details = details.assign(h3_cell=details["h3_cell"].astype("uint64"))
    out = hot.merge(details.drop(columns="n"), on="h3_cell", how="left")
    out = out.rename(
        columns={
            "wijk_name": "wijk",
            "street": "straat",
            "category": "categorie",
            "category_n": "categorie_n",
            "category_ties": "categorie_gelijk",
        }
    )
    out.insert(0, "rang", np.arange(1, len(out) + 1))
    out["label"] = out["label"].astype(str)
    if fine_wijken is not None:
        # What made the cell hot is the sum over it and its neighbours, records of other
        # wijken among them: not for a reader who may see only their own wijk's records.
        out["local_sum"] = np.nan
    return out[columns].reset_index(drop=True), hidden, total


def _black_spots(
    version: WarehouseVersion, end: date, names: dict[str, str], wijken: tuple[str, ...]
) -> tuple[pd.DataFrame, tuple[date, date], str]:
    """The Verkeer page's ranking (same rule, parameters and wijk of each location), its
    black spots and candidates, else its top five to follow up; with the window and the
    rule as applied."""
    from pyproj import Transformer

    params = blackspot_queries.BlackSpotParams.configured()
    span = blackspot_queries.window(end, params.years)
    columns = [
        "rang",
        "straat",
        "wijk",
        "letselongevallen",
        "doden",
        "zwaargewonden",
        "lichtgewonden",
        "score",
        "status",
        "is_black_spot",
        "lat",
        "lon",
    ]
    ranking = blackspot_queries.ranking(version, end, params)
    if wijken:
        ranking = ranking[ranking["wijk_code"].isin(wijken)]
    if ranking.empty:
        return pd.DataFrame(columns=columns), span, params.describe()
    listed = ranking[ranking["is_black_spot"] | ranking["is_candidate"]]
    if listed.empty:
        listed = ranking.head(5)
    listed = listed.head(TOP_N)
    to_wgs = Transformer.from_crs("EPSG:31370", "EPSG:4326", always_xy=True)
    lon, lat = to_wgs.transform(listed["x"].to_numpy(), listed["y"].to_numpy())
    out = pd.DataFrame(
        {
            "rang": np.arange(1, len(listed) + 1),
            "straat": listed["street"].fillna("–").to_numpy(),
            "wijk": blackspot_queries.wijk_labels(listed, names).to_numpy(),
            "letselongevallen": listed["n_injury_accidents"].to_numpy(),
            "doden": listed["n_killed"].to_numpy(),
            "zwaargewonden": listed["n_seriously"].to_numpy(),
            "lichtgewonden": listed["n_lightly"].to_numpy(),
            "score": listed["score"].to_numpy(),
            "status": np.where(
                listed["is_black_spot"],
                "Gevaarlijk punt",
                np.where(listed["is_candidate"], "Kandidaat", "Opvolgen"),
            ),
            "is_black_spot": listed["is_black_spot"].to_numpy(),
            "lat": np.asarray(lat),
            "lon": np.asarray(lon),
        }
    )
    return out[columns], span, params.describe()


def _days_text(n: int) -> str:
    return "dag" if n == 1 else f"{n} dagen"


def _fit_to_data(bounds: PeriodBounds, first: date | None, last: date | None):
    """The periods to compare, cut to what the data cover, and what to tell the reader.

    A week still running (its last day after the data's) is compared day for day: its
    days up to the last one with data against the same days of the earlier periods
    ("week tot nu"); ten facts on the Monday read as a steep fall against a whole week
    before. A comparison period the data do not cover (before the first export) has no
    count: 0 there read as a rise "confirmed" after correction.

    Returns
    -------
    (PeriodBounds, bool, bool, list of str)
        The periods, whether the previous and last year's periods are covered, and notes.
    """
    notes = []
    c = bounds.current
    if last is not None and c.start <= last < c.end:
        days = last - c.start
        bounds = replace(
            bounds,
            current=Period(c.start, last),
            previous=Period(bounds.previous.start, bounds.previous.start + days),
            last_year=Period(bounds.last_year.start, bounds.last_year.start + days),
        )
        notes.append(
            f"De gegevens stoppen op {fmt_date(last)}: de periode is nog niet volledig. "
            f"Vergeleken worden de eerste {_days_text(days.days + 1)} van elke periode "
            f"({fmt_period(bounds.current.start, last)} met "
            f"{fmt_period(bounds.previous.start, bounds.previous.end)} en "
            f"{fmt_period(bounds.last_year.start, bounds.last_year.end)})."
        )
    if not covered(bounds.current, first, last):
        notes.append(
            "De gegevens dekken deze periode niet volledig"
            + (
                f" (ze lopen van {fmt_date(first)} tot en met {fmt_date(last)})"
                if first and last
                else ""
            )
            + ": de aantallen zijn onvolledig en worden niet vergeleken."
        )
        return bounds, False, False, notes
    prev_ok = covered(bounds.previous, first, last)
    year_ok = covered(bounds.last_year, first, last)
    missing = [
        name
        for name, ok in (("de vorige periode", prev_ok), ("dezelfde periode vorig jaar", year_ok))
        if not ok
    ]
    if missing:
        notes.append(
            f"Geen vergelijking met {' en '.join(missing)}: de gegevens beginnen op "
            f"{fmt_date(first)}. Die kolommen blijven leeg (–) en tellen niet mee voor "
            '"Wat valt op".'
        )
    return bounds, prev_ok, year_ok, notes


def _measures_covered(
    sources: dict, bounds: PeriodBounds, now_ok: bool, prev_ok: bool, year_ok: bool
) -> tuple[list[str], dict[str, tuple[bool, bool, bool]], list[str]]:
    """The measures the briefing shows, which of their periods are compared, and notes.

    Parameters
    ----------
    sources : dict
        Domain → :class:`~dashboard.analysis.compstat.SourceSpan`.
    bounds : PeriodBounds
        The periods as :func:`_fit_to_data` cut them.
    now_ok, prev_ok, year_ok : bool
        Whether the data as a whole cover the current, previous and last year's periods
        (where they do not cover the current one, :func:`_fit_to_data` has said so).

    Returns
    -------
    (list of str, dict, list of str)
        The keys of :data:`overview.BRIEFING_MEASURES` whose source reaches the current
        period (every loaded one for a period outside all the data); per key whether its
        now, previous and last year's counts are usable (a year to date has one
        comparison, last year's: tested and reported once); and Dutch notes for the
        measures left out and the comparisons a source does not cover.
    """
    kept, usable, gone, uncompared = [], {}, {}, {}
    c = bounds.current
    # A period outside all the data (before the first export) keeps every source loaded:
    # nothing is compared there, and _fit_to_data has said why.
    outside = not any(s.reach(c.start, c.end) for s in sources.values())
    for m, label in overview.BRIEFING_MEASURES.items():
        source = sources.get(overview.MEASURE_DOMAIN[m])
        reach = source.reach(c.start, c.end) if source else None
        if source is not None and outside:
            kept.append(m)
            usable[m] = (True, False, False)
            continue
        if reach is None:
            why = (
                "geen gegevens geladen"
                if source is None
                else f"gegevens van {fmt_period(source.first, source.last)}"
            )
            gone.setdefault(why, []).append(label)
            continue
        if only_in(source.gaps, *reach):
            # Wholly inside months without one record (a missing export): unknown, not 0.
            why = (
                f"geen enkel record met datum in {fmt_gaps(source.gaps_in(*reach))}: een "
                "ontbrekende export?"
            )
            gone.setdefault(why, []).append(label)
            continue
        # A month without one record of a busy source (a missing export) is no quiet
        # month: a period holding one is not compared either.
        empty_now = source.gaps_in(c.start, c.end)
        whole = reach == (c.start, c.end) and not empty_now
        prev = whole and prev_ok and bounds.kind != "ytd" and source.covers(bounds.previous)
        year = whole and year_ok and source.covers(bounds.last_year)
        kept.append(m)
        usable[m] = (True, prev, year)
        if not whole and now_ok:
            if empty_now:
                why = f"geen enkel record met datum in {fmt_gaps(empty_now)} (een ontbrekende export?)"
            elif reach[1] < c.end:
                why = f"alleen gegevens tot en met {fmt_date(reach[1])}"
            else:
                why = f"alleen gegevens vanaf {fmt_date(reach[0])}"
            uncompared.setdefault(why, []).append(label)
        elif (prev_ok and bounds.kind != "ytd" and not prev) or (year_ok and not year):
            empty = [
                g
                for p in (bounds.previous, bounds.last_year)
                for g in source.gaps_in(p.start, p.end)
            ]
            if empty:
                why = f"geen enkel record met datum in {fmt_gaps(tuple(sorted(set(empty))))}"
                uncompared.setdefault(why + " (een ontbrekende export?)", []).append(label)
            else:
                # It covers the current period but starts after a comparison period does.
                why = f"gegevens vanaf {fmt_date(source.first)}"
                uncompared.setdefault(why, []).append(label)

    def names(labels: list[str]) -> str:
        return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " en " + labels[-1]

    notes = [
        f"Niet in deze briefing: {names(labels).lower()} ({why})." for why, labels in gone.items()
    ]
    notes += [
        f"{names(labels)}: {why}; niet vergeleken waar de gegevens de periode niet dekken "
        "(–), en niet mee in 'Wat valt op'."
        for why, labels in uncompared.items()
    ]
    return kept, usable, notes


@st.cache_data(show_spinner=False, max_entries=64)
def collect_briefing(
    version: WarehouseVersion, kind: str, end: date, wijken: tuple[str, ...] = ()
) -> BriefingData:
    """Compute the whole briefing for a period kind and end date.

    Parameters
    ----------
    version : WarehouseVersion
    kind : {"week", "28d", "ytd"}
        See :func:`dashboard.analysis.compstat.period_bounds`.
    end : date
        A day in the week (``"week"``) or the last day of the period.
    wijken : tuple of str
        Wijk codes; empty for the whole zone (records without a wijk included).

    Returns
    -------
    BriefingData
    """
    from dashboard.queries.data_quality import build_info

    span = data_bounds(version)
    bounds, prev_ok, year_ok, coverage_notes = _fit_to_data(
        period_bounds(kind, end), span["first"], span["last"]
    )
    all_wijken = district_queries.wijken(version)
    wijk_info = all_wijken
    if wijken:
        wijk_info = wijk_info[wijk_info["code"].isin(wijken)]
    names = dict(zip(wijk_info["code"], wijk_info["name"], strict=True))
    area = "de zone" if not wijken else ", ".join(names[c] for c in wijken if c in names)

    frames = [
        overview.briefing_counts_per_wijk(version, p.start, p.end, wijken)
        for p in (bounds.current, bounds.previous, bounds.last_year)
    ]
    # A source the zone has not loaded for the period (no nuisance register, an accident
    # export that stops earlier) counts 0 there, and that 0 is unknown: such a measure is
    # left out, and one whose source does not cover a comparison period is not compared.
    sources = source_span_map(version)
    now_ok = covered(bounds.current, span["first"], span["last"])
    measures, usable_by_measure, coverage = _measures_covered(
        sources, bounds, now_ok, prev_ok, year_ok
    )
    coverage_notes = [*coverage_notes, *coverage]
    # Victims come per accident: their counts are noisier than Poisson (clump_dispersion).
    phi = overview.victim_dispersion(version)["all"]
    dispersion = {m: phi if m == "victims" else 1.0 for m in measures}

    def compared(counts: list, usable: tuple[bool, bool, bool], **kwargs) -> pd.DataFrame:
        # A comparison period the data do not cover has no count (None), not 0.
        now, prev, year = (c if ok else None for c, ok in zip(counts, usable, strict=True))
        return compare_periods(now, prev, year, **kwargs)

    totals = (
        pd.concat(
            [
                compared(
                    [f[[m]].sum() for f in frames], usable_by_measure[m], dispersion=dispersion[m]
                )
                for m in measures
            ]
        )
        if measures
        else compare_periods(pd.Series(dtype="int64"), None, None)
    )
    per_wijk = {}
    for m in measures:
        series = [
            f.dropna(subset=["wijk_code"])
            .set_index("wijk_code")[m]
            .reindex(wijk_info["code"], fill_value=0)
            .set_axis(wijk_info["name"])
            for f in frames
        ]
        per_wijk[m] = compared(series, usable_by_measure[m], dispersion=dispersion[m])
    now_frame = frames[0]
    unplaced = {
        m: (int(now_frame.loc[now_frame["wijk_code"].isna(), m].sum()), int(now_frame[m].sum()))
        for m in measures
    }

    categories = {}
    for domain in (d for d in ("incidents", "nuisance") if d in measures):
        series = [
            overview.category_counts(version, domain, p.start, p.end, wijken).set_index("category")[
                "n"
            ]
            for p in (bounds.current, bounds.previous, bounds.last_year)
        ]
        categories[domain] = compared(series, usable_by_measure[domain]).sort_values(
            "now", ascending=False
        )

    # "Wat valt op" screens the area's totals, every category and every measure per wijk
    # at once: only the changes that hold up against chance get a sentence (the tables
    # keep |z| > 2). The totals of a single wijk are its row of the per-wijk tables.
    domains = tuple(
        (d, noun)
        for d, noun in (("incidents", "feiten"), ("nuisance", "meldingen"))
        if d in categories
    )
    with_totals = len(wijk_info) != 1
    screen = screen_changes(
        ([totals] if with_totals else [])
        + [categories[d] for d, _ in domains]
        + [per_wijk[m] for m in measures]
    )
    results = list(screen.results)
    screened_totals = results.pop(0) if with_totals else totals.iloc[:0]
    # Two dicts: the measures are named like the domains ("incidents", "nuisance").
    screened_categories = dict(zip([d for d, _ in domains], results[: len(domains)], strict=True))
    screened_wijken = dict(zip(measures, results[len(domains) :], strict=True))
    scored: list[tuple[float, str]] = []
    for m in screened_totals.index:
        label, plural, singular = SENTENCE_WORDS[m]
        one = screened_totals.loc[[m]].set_axis([label])
        sentences = notable_changes_sentences(one, plural, area, domain_label_singular=singular)
        scored += list(zip(_strengths(one), sentences, strict=False))
    for domain, noun in domains:
        df = screened_categories[domain]
        sentences = notable_changes_sentences(df, noun, area, max_items=MAX_SENTENCES)
        scored += list(zip(_strengths(df), sentences, strict=False))
    for m in measures:
        label, plural, singular = SENTENCE_WORDS[m]
        for wijk in screened_wijken[m].index:
            one = screened_wijken[m].loc[[wijk]].set_axis([label])
            sentences = notable_changes_sentences(
                one, plural, str(wijk), domain_label_singular=singular
            )
            scored += list(zip(_strengths(one), sentences, strict=False))
    scored.sort(key=lambda t: -t[0])

    shapes = district_queries.district_shapes(version, "wijk")
    found = {d: _hot_spots(version, d, bounds, wijken) for d in HOTSPOT_LABELS}
    hot = {d: table for d, (table, _, _) in found.items()}
    hot_total = {d: total for d, (_, _, total) in found.items()}
    all_names = dict(zip(all_wijken["code"], all_wijken["name"], strict=True))
    black, window, rule = _black_spots(version, bounds.current.end, all_names, tuple(wijken))
    first = span["first"]
    if first is not None and window[0] < first <= window[1]:
        # Said under the list (not above the whole briefing): it concerns the list only.
        rule += (
            f". Het venster begint vóór de eerste gegevens ({fmt_date(first)}): enkel de "
            "letselongevallen vanaf die dag tellen mee"
        )
    # The days of the zone's own accident registration, as the Verkeer page judges them.
    own = traffic_queries.source_span(version, "accidents")
    # Months without one accident of a busy registration (a missing export) in the window.
    if missing := months_within(own["gaps"], *window):
        rule += (
            f". Geen enkel ongeval met datum in {fmt_gaps(missing)} (een ontbrekende export?): "
            "een locatie kan de drempels missen doordat gegevens ontbreken"
        )
    return BriefingData(
        zone_name=str(build_info(version).get("zone_name") or "Politiezone"),
        bounds=bounds,
        area_label=area,
        wijken=tuple(wijken),
        totals=totals,
        per_wijk=per_wijk,
        categories=categories,
        sentences=[s for _, s in scored[:MAX_SENTENCES]],
        sentences_note=screen.note(),
        victims_dispersion=phi,
        hotspots=hot,
        hotspots_total=hot_total,
        black_spots=black,
        black_spot_window=window,
        wijk_shapes=shapes[["code", "name", "geojson"]],
        black_spot_rule=rule,
        black_spots_judged=blackspot_export.window_reach(window, own["first"], own["last"])
        is not None,
        coverage_notes=coverage_notes,
        has_events=event_queries.has_events(version),
        events_upcoming=event_queries.upcoming_events(
            version, bounds.current.end, UPCOMING_DAYS, tuple(wijken)
        ),
        events_followup=event_queries.event_follow_up(
            version, bounds.current.start, bounds.current.end, tuple(wijken)
        ),
        unplaced=unplaced,
    )


def unplaced_note(data: BriefingData, measures: list[str] | None = None) -> str:
    """:data:`PER_WIJK_NOTE` with this period's numbers of records in no wijk, per measure
    (of ``measures``, else all) that has any: "Zonder wijk in deze periode: 68 van de 68
    feiten (pv's)." A zone whose facts carry no coordinates saw every wijk at 0 and only
    that the wijken together "may be somewhat less"."""
    counts = [
        f"{fmt_int(n)} van de {fmt_int(total)} {overview.BRIEFING_MEASURES[m].lower()}"
        for m, (n, total) in data.unplaced.items()
        if n and (measures is None or m in measures)
    ]
    if not counts:
        return PER_WIJK_NOTE
    return PER_WIJK_NOTE + " Zonder wijk in deze periode: " + ", ".join(counts) + "."


def hotspot_table(hot: pd.DataFrame) -> pd.DataFrame:
    """Hot cells as a Dutch table."""
    return pd.DataFrame(
        {
            "Rang": hot["rang"].astype(int),
            "Wijk": hot["wijk"].fillna("–"),
            "Straat (meest)": hot["straat"].fillna("–"),
            "Categorie (meest)": [
                "–"
                if not isinstance(c, str)
                else f"{fmt_int(t)} categorieën, elk {fmt_int(k)}"
                if t > 1
                else f"{c} ({fmt_int(k)})"
                for c, k, t in zip(
                    hot["categorie"],
                    hot["categorie_n"],
                    hot["categorie_gelijk"].fillna(1).astype(int)
                    if "categorie_gelijk" in hot
                    else [1] * len(hot),
                    strict=True,
                )
            ],
            "Aantal in zeshoek": hot["n"].astype(int),
            # The count Gi* weighs: the cell and its six neighbours ("1" beside "Hotspot
            # 99 %" read as a mistake). Not for an inspector (records of other wijken).
            **(
                {"Met de buren": hot["local_sum"].round().astype(int)}
                if "local_sum" in hot and hot["local_sum"].notna().all()
                else {}
            ),
            # No Gi* z beside the class: the class rests on the larger of the normal and
            # an exact p-value, and "z 7,8" of four records read as overwhelming evidence
            # where the class said 90 % (an audit of the pack).
            "Klasse": hot["label"],
        }
    )


def black_spot_table(black: pd.DataFrame) -> pd.DataFrame:
    """Black spots as a Dutch table."""
    return pd.DataFrame(
        {
            "Rang": black["rang"].astype(int),
            "Straat": black["straat"],
            "Wijk": black["wijk"].fillna("–"),
            "Letselongevallen": black["letselongevallen"].astype(int),
            "Doden": black["doden"].astype(int),
            "Zwaargewonden": black["zwaargewonden"].astype(int),
            "Lichtgewonden": black["lichtgewonden"].astype(int),
            "Prioriteitsscore": [fmt_number(s, 1) for s in black["score"]],
            "Status": black["status"],
        }
    )


#: What the Wijk column of an event without a wijk says, by its location status.
_EVENT_PLACES = {
    "buiten_zone": "– (buiten de zone)",
    "geen_wijk": "– (in de zone, buiten elke wijk)",
}


def _event_wijk(row) -> str:
    """The event's wijk, else where it lies: outside the zone, in no wijk, or unknown."""
    if isinstance(row.get("wijk_name"), str) and row["wijk_name"]:
        return row["wijk_name"]
    return _EVENT_PLACES.get(row.get("location_status"), "– (geen locatie)")


def upcoming_table(events: pd.DataFrame) -> pd.DataFrame:
    """The coming events as the briefing shows them (Dutch headers, text cells); a cancelled
    one is listed with its status ("Kermis Herent (afgelast)")."""
    if events.empty:
        return pd.DataFrame(
            columns=["Wanneer", "Evenement", "Type", "Locatie", "Wijk", "Bezoekers", "Organisator"]
        )
    return pd.DataFrame(
        {
            "Wanneer": [
                fmt_event_when(s, e, spans_years(events["started_at"]))
                for s, e in zip(events["started_at"], events["ended_at"], strict=True)
            ],
            # A cancelled one says so, in the list's own word ("Afgelast").
            "Evenement": [
                f"{r['name']} ({str(r['status']).strip().lower()})"
                if r.get("is_cancelled")
                else str(r["name"])
                for _, r in events.iterrows()
            ],
            "Type": events["event_type"].fillna("").astype(str),
            "Locatie": [fmt_event_place(r) for _, r in events.iterrows()],
            "Wijk": [_event_wijk(r) for _, r in events.iterrows()],
            "Bezoekers": [fmt_int(v) if pd.notna(v) else "–" for v in events["visitors"]],
            "Organisator": events["organiser"].fillna("").astype(str),
        }
    )


def followup_table(events: pd.DataFrame) -> tuple[pd.DataFrame, list[dict[int, str]]]:
    """The period's events with the records around them, and per row the columns to mark;
    the events with a count more than usual first, then the most records, then by start.

    A count cell reads ``3 (gewoonlijk 0,5)``: the records within
    :data:`~dashboard.analysis.events.RADIUS_M` m during the event and the weekly average of
    the same hours in the weeks before. A cell whose count is more than usual
    (:func:`dashboard.analysis.events.more_than_usual`) is marked red, as an opvallend rise
    elsewhere in the briefing. What the data do not cover is not guessed
    (:func:`dashboard.queries.events.event_follow_up`'s ``counted`` and ``judged``): an
    event partly outside the data's days reads "–", one in their first weeks has no
    "gewoonlijk", and "Opvallend" says why.
    """
    domains = event_analysis.DOMAINS
    columns = ["Wanneer", "Evenement", "Type", "Wijk", *domains.values(), "Opvallend"]
    if events.empty:
        return pd.DataFrame(columns=columns), []
    weeks = event_analysis.BASELINE_WEEKS
    # The events that stood out first, then the busiest, then by start: a year to date
    # holds a hundred events, most of them quiet.
    # Only what the data cover is counted and judged (event_follow_up's counted, judged).
    counted = events["counted"].to_numpy(bool)
    # Per domain: a month without one record of it (a missing export) in the event's window
    # or its earlier weeks leaves that domain uncounted or unjudged (event_follow_up).
    judged = events[[f"{d}_judged" for d in domains]].to_numpy(bool)
    now = events[[f"{d}_now" for d in domains]].fillna(0).to_numpy()
    before = events[[f"{d}_before" for d in domains]].fillna(0).to_numpy()
    more = event_analysis.more_than_usual(now, before, weeks) & judged  # events x domains
    busy = np.where(counted, now.sum(axis=1), -1)
    order = np.lexsort((events["started_at"].to_numpy(), -busy, ~more.any(axis=1)))
    events, more = events.iloc[order], more[order]
    rows, marks = [], []
    with_year = spans_years(events["started_at"])
    for i, (_, r) in enumerate(events.iterrows()):
        row = [
            fmt_event_when(r["started_at"], r["ended_at"], with_year),
            str(r["name"]),
            "" if pd.isna(r["event_type"]) else str(r["event_type"]),
            _event_wijk(r),
        ]
        mark: dict[int, str] = {}
        notable = []
        for k, (d, label) in enumerate(domains.items()):
            n, usual = r[f"{d}_now"], r[f"{d}_before"] / weeks
            if pd.isna(n) or not r[f"{d}_counted"]:
                row.append("–")
                continue
            row.append(
                f"{fmt_int(n)} (gewoonlijk {fmt_number(usual, 1) if r[f'{d}_judged'] else '–'})"
            )
            if more[i, k]:
                mark[len(row) - 1] = "up"
                notable.append(label.lower())
        if pd.isna(r["x"]):
            verdict = ""  # the Wijk column says "geen locatie"
        elif not r["counted"]:
            verdict = "niet geteld"  # followup_note says why
        elif not r["judged"]:
            verdict = "niet beoordeeld"  # followup_note says why
        else:
            verdict = ", ".join(notable)
        row.append(verdict)
        rows.append(row)
        marks.append(mark)
    return pd.DataFrame(rows, columns=columns), marks


def reader_label(data) -> str | None:
    """``Herent-Centrum (W01)``: the inspector's wijk of an inspector's briefing, else
    ``None``."""
    if not data.reader_wijk:
        return None
    names = dict(zip(data.wijk_shapes["code"], data.wijk_shapes["name"], strict=True))
    name = names.get(data.reader_wijk)
    return f"{name} ({data.reader_wijk})" if name else str(data.reader_wijk)


def followup_note(reader: str | None = None) -> str:
    """How the period's events were followed up, for under their table (``reader``: an
    inspector's wijk, :func:`reader_label`, whose records alone count)."""
    own = (
        f"Rond een evenement tellen enkel de records van je eigen wijk {reader}, ook rond "
        "een evenement in een andere wijk. "
        if reader
        else ""
    )
    return own + (
        f"Geteld binnen {event_analysis.RADIUS_M} m van de locatie, van het begin tot "
        f"{event_analysis.AFTER_HOURS} uur na het einde (zonder einde: tot het einde van de "
        f"begindag). Gewoonlijk: het gemiddelde van dezelfde uren op dezelfde plaats in de "
        f"{event_analysis.BASELINE_WEEKS} weken ervoor. Opvallend (rood): minstens 2 meer "
        "dan gewoonlijk en door toeval in minder dan 5 % van de gevallen (exacte "
        "binomiaaltoets per evenement). Feiten tellen op het begin van de feiten, "
        "ongevallen alleen uit de eigen registratie (Statbel kent geen dag). Een evenement "
        "dat deels buiten de gegevens valt, is “niet geteld”; een evenement in de "
        f"eerste {event_analysis.BASELINE_WEEKS} weken van de gegevens “niet "
        "beoordeeld” (er is geen gewoonlijk). Eerst de opvallende evenementen, dan de drukste."
    )


NO_EVENT_LIST = (
    "Nog geen evenementenlijst geladen. Zet de lijst van de gemeente (dossiernummer, "
    "naam, begin, einde, locatie of X/Y) in data/raw/events/ of laad ze op in de pagina Data."
)


def _as_text(df: pd.DataFrame) -> list[list[str]]:
    rows = []
    for row in df.itertuples(index=False):
        rows.append([fmt_int(v) if isinstance(v, (int, np.integer)) else str(v) for v in row])
    return rows


def _signed_rows(table: pd.DataFrame) -> list[list[str]]:
    """The cells of a :func:`comparison_table` as the pack writes them: counts, signed
    differences and the signal texts, by column name (a year to date has no columns of
    the previous period)."""

    def count(v) -> str:
        return "–" if pd.isna(v) else fmt_int(v)

    def signed(v) -> str:
        return "–" if pd.isna(v) else fmt_signed(v)

    writers = [
        str
        if i == 0 or col.startswith("Signaal")
        else signed
        if col in DIFFERENCE_COLUMNS
        else count
        for i, col in enumerate(table.columns)
    ]
    return [
        [write(v) for write, v in zip(writers, row, strict=True)]
        for row in table.itertuples(index=False)
    ]


def _hot_cells(data: BriefingData, domain: str) -> pd.DataFrame:
    hot = data.hotspots.get(domain, pd.DataFrame())
    columns = ["h3_cell", "klasse", "rang"]
    return hot[columns] if not hot.empty else pd.DataFrame(columns=columns)


#: Height of a map in the pack: a landscape A4 page less its margins, heading and caption.
MAP_HEIGHT = Cm(15.5)


def briefing_images(data: BriefingData) -> dict[str, bytes]:
    """PNG charts and maps of the pack: ``kerncijfers``, ``kaart`` (offences' hot spots and
    black spots), ``kaart_overlast`` (nuisance hot spots: listed in section 5, so drawn)."""
    labels = [overview.BRIEFING_MEASURES[m] for m in data.totals.index]
    return {
        "kerncijfers": charts.period_comparison_chart(
            labels,
            # None: a period the data do not cover (no bar, no 0).
            # A year to date has no previous period (collect_briefing): no empty series
            # with "–" under every group and a legend entry for it (a review).
            *(
                None
                if col == "previous" and data.bounds.kind == "ytd"
                else [None if pd.isna(v) else int(v) for v in data.totals[col]]
                for col in ("now", "previous", "last_year")
            ),
            title=f"Kerncijfers van {data.area_label}",
        ),
        "kaart": static_maps.hotspot_map(
            data.wijk_shapes,
            _hot_cells(data, "incidents"),
            data.black_spots,
            "Hotspots feiten (zeshoeken, rang) en gevaarlijke punten (bollen, rang)"
            if not data.hotspots.get("incidents", pd.DataFrame()).empty
            else "Gevaarlijke punten (bollen, rang); geen hotspots feiten",
        ),
        "kaart_overlast": static_maps.hotspot_map(
            data.wijk_shapes,
            _hot_cells(data, "nuisance"),
            data.black_spots.iloc[:0],
            "Hotspots overlast (zeshoeken, rang)"
            if not data.hotspots.get("nuisance", pd.DataFrame()).empty
            else "Geen hotspots overlast in deze periode",
        ),
    }


def audit_anchor_text(anchor: tuple[int, str]) -> str:
    """The title page's small print that anchors the audit log (:meth:`AuditLog.head`)."""
    seq, row_hash = anchor
    return (
        f"Auditlog bij de opmaak: gebeurtenis {fmt_int(seq)}, hash {row_hash[:ANCHOR_CHARS]}. "
        "Bewaar dit document: met dit nummer en deze hash toont Beheer → Auditlog of het log "
        "tot hier sindsdien ongewijzigd bleef."
    )


def briefing_docx(
    data: BriefingData,
    images: dict[str, bytes] | None = None,
    audit_anchor: tuple[int, str] | None = None,
) -> bytes:
    """The briefing pack as a Word document (A4 landscape).

    Parameters
    ----------
    data : BriefingData
    images : dict, optional
        From :func:`briefing_images` (drawn when omitted).
    audit_anchor : (int, str), optional
        The audit log's newest event and hash when the pack is made (the coordinator's
        pack): printed small on the title page, so that every weekly pack kept outside
        Wijkbeeld anchors the log's hash chain (:func:`audit_anchor_text`).

    Returns
    -------
    bytes
        The .docx file.
    """
    images = images or briefing_images(data)
    doc = _docx.new_document(f"Briefing – {data.bounds.label()}", data.zone_name, landscape=True)
    _docx.title_page(
        doc,
        "Briefing wijkwerking",
        [
            data.zone_name,
            f"Periode: {data.period_text}",
            f"Gebied: {data.area_label}",
            # An inspector's pack: only the file name said whose version it was (an audit).
            *(
                [
                    f"Versie voor de wijkinspecteur van {reader_label(data)}: hotspots, "
                    "locaties om op te volgen en de aantallen rond evenementen enkel van "
                    "die wijk; de kerncijfers zijn die van het gebied."
                ]
                if data.reader_wijk
                else []
            ),
            f"Vergeleken met: {data.comparison_text}",
            # Today on the zone's clock, when the file is made: the data are cached per
            # warehouse version, and a pack downloaded days later is made that day.
            f"Opgemaakt op {fmt_date(zone_today())}",
            *data.coverage_notes,
        ],
        note="Intern document van de politie. Verschillen zijn aantallen; signaal = "
        "2·(√nu − √toen) (Poisson); ▲/▼ = |signaal| > 2; gekleurd = opvallend: ook door toeval "
        "in minder dan 5 % van de gevallen (exacte Poissontoets), zoals onder 'Wat valt op'.",
        small_lines=[audit_anchor_text(audit_anchor)] if audit_anchor else (),
    )

    doc.add_heading("1. Kerncijfers", level=1)
    labels = [overview.BRIEFING_MEASURES[m] for m in data.totals.index]
    # A year to date has no previous period (collect_briefing): no columns of "–".
    previous = data.bounds.kind != "ytd"
    table = comparison_table(data.totals, labels, "Domein", previous)
    marks = highlight_marks(data.totals, previous=previous)
    _docx.add_table(doc, table.columns, _signed_rows(table), highlight=lambda i, j: marks[i].get(j))
    _docx.small_note(
        doc,
        " ".join(
            [
                *data.coverage_notes,
                *(
                    [
                        "Letselongevallen en verkeersslachtoffers zijn verschillende eenheden "
                        "en worden niet opgeteld.",
                        dispersion_note(data.victims_dispersion),
                    ]
                    if "victims" in data.totals.index
                    else []
                ),
                "Rood: opvallend meer; groen: opvallend minder.",
            ]
        ),
    )
    _docx.add_picture(
        doc,
        images["kerncijfers"],
        0.85,
        alt="Staafdiagram: de kerncijfers nu en een jaar eerder."
        if data.bounds.kind == "ytd"
        else "Staafdiagram: de kerncijfers nu, in de vorige periode en een jaar eerder.",
    )

    doc.add_heading("2. Wat valt op", level=1)
    if data.sentences:
        listed = [doc.add_paragraph(s, style="List Bullet") for s in data.sentences]
    else:
        listed = [doc.add_paragraph(f"Geen opvallende verschuivingen in {data.area_label}.")]
    if data.sentences_note:
        # The list and its note on one page (the heading keeps with the first sentence):
        # split by the page end, one sentence stayed under the chart and the rest went
        # over, followed by an empty page up to the page break.
        for paragraph in listed:
            paragraph.paragraph_format.keep_with_next = True
        _docx.small_note(doc, data.sentences_note)
    # No page break between the sections of tables: a week's few sentences stood alone on
    # a page. Headings keep with what follows and a table that fits a page moves whole
    # (_docx.add_table), so a section never starts at the foot of a page.

    doc.add_heading("3. Per wijk", level=1)
    measures = list(data.per_wijk)
    wijk_names = list(data.per_wijk[measures[0]].index) if measures else []
    # A year to date is compared with the same days last year only (collect_briefing
    # leaves its previous period empty): its table showed "(–)" in every cell.
    ytd = data.bounds.kind == "ytd"
    short = "last_year" if ytd else "prev"
    against = "vorig jaar" if ytd else "vorige"
    header = ["Wijk"] + [f"{overview.BRIEFING_MEASURES[m]} nu (± {against})" for m in measures]
    rows, cell_marks = [], []
    for i, wijk in enumerate(wijk_names):
        row, mark = [str(wijk)], {}
        for j, m in enumerate(measures, start=1):
            r = data.per_wijk[m].iloc[i]
            diff = "–" if pd.isna(r[f"diff_{short}"]) else fmt_signed(r[f"diff_{short}"])
            row.append(f"{fmt_int(r['now'])} ({diff})")
            if colour := opvallend(r, short):
                mark[j] = colour
        rows.append(row)
        cell_marks.append(mark)
    _docx.add_table(doc, header, rows, highlight=lambda i, j: cell_marks[i].get(j))
    _docx.small_note(
        doc,
        "Tussen haakjes: verschil met "
        + ("dezelfde periode vorig jaar" if ytd else "de vorige periode")
        + ". Kleur: opvallend. "
        + unplaced_note(data, list(measures)),
    )

    doc.add_heading("4. Per categorie", level=1)
    for domain, title, head in (
        ("incidents", "Feiten per categorie", "Categorie"),
        ("nuisance", "Overlast per type", "Type overlast"),
    ):
        doc.add_heading(title, level=2)
        if domain not in data.categories:
            doc.add_paragraph("Niet in deze briefing: geen gegevens over deze periode.")
            continue
        df = data.categories[domain]
        if df.empty:
            doc.add_paragraph(
                f"Geen {'feiten' if domain == 'incidents' else 'meldingen'} in deze periode "
                "of de periodes ervoor."
            )
            continue
        t = comparison_table(df, [str(c) for c in df.index], head, previous)
        m = highlight_marks(df, previous=previous)
        _docx.add_table(
            doc, t.columns, _signed_rows(t), highlight=lambda i, j, m=m: m[i].get(j), font_size=8
        )

    doc.add_heading("5. Hotspots en gevaarlijke punten", level=1)
    for domain, label in HOTSPOT_LABELS.items():
        hot = data.hotspots[domain]
        doc.add_heading(f"Hotspots {label.lower()} (Gi*, zeshoeken ~0,1 km²)", level=2)
        if domain not in data.categories:
            doc.add_paragraph(NO_SOURCE_HOTSPOTS)
        elif hot.empty:
            doc.add_paragraph(no_hotspots_text(data, domain))
        else:
            t = hotspot_table(hot)
            _docx.add_table(doc, t.columns, _as_text(t), font_size=8)
            if more := more_hotspots_note(data, domain):
                _docx.small_note(doc, more)
            if "Met de buren" in t:
                _docx.small_note(doc, HOTSPOT_SUM_NOTE)
            _docx.small_note(doc, hotspot_note(data))
        if data.hidden_hotspots.get(domain):
            _docx.small_note(doc, hidden_hotspots_note(data.hidden_hotspots[domain]))
    s, e = data.black_spot_window
    doc.add_heading(f"Gevaarlijke punten (letselongevallen {fmt_period(s, e)})", level=2)
    if not data.black_spots_judged:
        doc.add_paragraph(NO_BLACK_SPOT_JUDGEMENT)
    elif data.black_spots.empty:
        doc.add_paragraph("Geen gevaarlijke punten of kandidaten.")
    else:
        t = black_spot_table(data.black_spots)
        _docx.add_table(doc, t.columns, _as_text(t), font_size=8)
    if data.hidden_black_spots:
        _docx.small_note(doc, hidden_black_spots_note(data.hidden_black_spots))
    _docx.small_note(doc, black_spot_note(data))
    _docx.page_break(doc)
    # Each map on a page of its own, as large as the landscape page allows (at 0.62 of the
    # width the ranks in the dots were 5 pt and half the page stayed empty).
    doc.add_heading("Kaart: feiten en gevaarlijke punten", level=2)
    _docx.add_picture(
        doc,
        images["kaart"],
        0.9,
        max_height=MAP_HEIGHT,
        alt="Kaart van de wijken met de hotspots van feiten en de gevaarlijke punten.",
    )
    if "kaart_overlast" in images:
        _docx.page_break(doc)
        doc.add_heading("Kaart: overlast", level=2)
        _docx.add_picture(
            doc,
            images["kaart_overlast"],
            0.9,
            max_height=MAP_HEIGHT,
            alt="Kaart van de wijken met de hotspots van overlastmeldingen.",
        )
    _docx.page_break(doc)
    _events_section(doc, data)
    _approaches_section(doc, data)
    return _docx.to_bytes(doc)


def upcoming_heading(data: BriefingData) -> str:
    """``Komende evenementen (30/11/2026 – 13/12/2026)``: the days after the period."""
    first = data.bounds.current.end + timedelta(days=1)
    return f"Komende evenementen ({fmt_period(first, first + timedelta(days=UPCOMING_DAYS - 1))})"


def _events_section(doc, data: BriefingData) -> None:
    """Section 6: the coming events to plan for, and what happened around the period's."""
    doc.add_heading("6. Evenementen", level=1)
    if not data.has_events:
        doc.add_paragraph(NO_EVENT_LIST)
        return
    doc.add_heading(upcoming_heading(data), level=2)
    if data.events_upcoming.empty:
        doc.add_paragraph("Geen evenementen gepland in deze dagen.")
    else:
        t = upcoming_table(data.events_upcoming)
        _docx.add_table(doc, t.columns, _as_text(t), numeric_from=5, font_size=8)
    doc.add_heading("Evenementen in de periode: wat gebeurde er rond?", level=2)
    t, marks = followup_table(data.events_followup)
    if t.empty:
        doc.add_paragraph("Geen evenementen in deze periode.")
    else:
        _docx.add_table(
            doc, t.columns, _as_text(t), numeric_from=4, font_size=8,
            highlight=lambda i, j: marks[i].get(j),
        )  # fmt: skip
        _docx.small_note(doc, followup_note(reader_label(data)))


def with_approaches(
    version: WarehouseVersion, data: BriefingData, wijken: tuple[str, ...] | None, private: bool
) -> BriefingData:
    """The briefing with the approaches of problem addresses (:attr:`BriefingData.approaches`).

    Looked up apart from :func:`collect_briefing`, which is cached per warehouse: the team
    records approaches between two builds. ``wijken``: those whose records the reader may
    see (:func:`dashboard.components.layout.record_scope`; ``None``: none); ``private``:
    the beleidscel's version, without free text and names.
    """
    if wijken is None:
        return replace(data, approaches=None)
    effects = approach_queries.approach_effects(
        version, wijken, ended_since=data.bounds.current.start
    )
    return replace(data, approaches=approach_table(effects, private=private))


#: The approaches' columns in the pack: text first, then the counts (right-aligned).
_PACK_APPROACH_COLUMNS = [
    "Adres",
    "Wijk",
    "Sinds",
    "Tot",
    "Aanpak",
    "Feiten voor",
    "Feiten na",
    "Signaal feiten",
    "Tegenover rest feiten",
    "Overlast voor",
    "Overlast na",
    "Signaal overlast",
    "Tegenover rest overlast",
]
NO_APPROACHES = (
    "Geen lopende aanpak van een probleemadres. Een aanpak leg je vast op de pagina Bronnen "
    "van onveiligheid: kies een adres met herhaalde feiten of meldingen."
)


def approaches_for_pack(table: pd.DataFrame) -> pd.DataFrame:
    """The approaches as the pack prints them: the columns that fit a landscape page, as text."""
    shown = table[[c for c in _PACK_APPROACH_COLUMNS if c in table.columns]].copy()
    for col in ("Sinds", "Tot"):
        shown[col] = [fmt_date(v) for v in shown[col]]
    return missing_as_text(shown)


def _approaches_section(doc, data: BriefingData) -> None:
    """Section 7: the approaches of problem addresses and their effect so far."""
    if data.approaches is None:
        return
    doc.add_heading("7. Aanpakken van probleemadressen", level=1)
    if data.approaches.empty:
        doc.add_paragraph(NO_APPROACHES)
        return
    t = approaches_for_pack(data.approaches)
    # The counts, from "Feiten voor" on (every version of the table has it), right-aligned.
    numeric = list(t.columns).index("Feiten voor")
    _docx.add_table(doc, t.columns, _as_text(t), numeric_from=numeric, font_size=8)
    _docx.small_note(doc, APPROACH_NOTE)


def file_name(data: BriefingData) -> str:
    """``wijkbeeld_briefing_2026-w44.docx`` / ``wijkbeeld_briefing_28d_20261031.docx``,
    with the wijk codes of a filter (``..._2026-w44_W01-W03.docx``): the packs of two
    wijken no longer overwrite each other. An inspector's version (fewer hot spots) says
    whose it is: ``..._2026-w44_voor-W01.docx``."""
    b = data.bounds
    area = "_" + "-".join(sorted(data.wijken)) if data.wijken else ""
    if data.reader_wijk:
        area += f"_voor-{data.reader_wijk}"
    if b.kind == "week":
        return f"wijkbeeld_briefing_{b.iso_year}-w{b.iso_week:02d}{area}.docx"
    return f"wijkbeeld_briefing_{b.kind}_{b.current.end:%Y%m%d}{area}.docx"


def black_spot_note(data: BriefingData) -> str:
    """The black-spot rule as applied, for under the list (page and pack)."""
    return (
        f"Gevaarlijk punt (Vlaamse regel, huidige rangschikking over de letselongevallen van "
        f"{fmt_period(*data.black_spot_window)}): {data.black_spot_rule}. Kandidaat: haalt "
        "één criterium en mist het andere nipt. Opvolgen: geen gevaarlijk punt of kandidaat; "
        "de locaties met de hoogste score."
    )


def no_hotspots_text(data, domain: str) -> str:
    """What the briefing (page and pack) says when it lists no hot spot of ``domain``. An
    inspector's briefing lists the own wijk's only (a note counts the others): "none in
    this period" would deny those."""
    where = " in je wijk" if data.hidden_hotspots.get(domain) else ""
    return f"Geen significante hotspots (Gi*, met FDR-correctie){where} in deze periode."


#: Under the hot-spot table, on the page and in the pack.
HOTSPOT_NOTE = (
    "Hotspots: zeshoeken (H3, ~0,1 km²) met een significant hoge Getis-Ord Gi* over de cel "
    "en haar buren in deze periode (FDR-gecorrigeerd), met de meest voorkomende straat en "
    "categorie. De klasse zegt hoe zeker (90, 95 of 99 %). Bij een week zijn de aantallen "
    "klein: lees ze als aandachtspunten."
)


def hotspot_note(data) -> str:
    """:data:`HOTSPOT_NOTE` with what the cells are compared with: the chosen wijken's
    average under a wijk filter, the zone's otherwise. The same week read "Geen
    significante hot spots" for the zone and two hot spots for one wijk, without a word
    on why (a review); Bronnen names it."""
    note = (
        HOTSPOT_NOTE
        + f" Elke zeshoek is vergeleken met het gemiddelde van {chosen_area(data.wijken)}"
    )
    if data.wijken:
        return note + ": de hele zone kan andere hotspots geven."
    return note + "."


#: Under a hot-spot table with its "Met de buren" column (page and pack).
HOTSPOT_SUM_NOTE = (
    "Met de buren: de records in de zeshoek en in de zes zeshoeken rond haar. Daarop rekent "
    "Gi*, zodat ook een zeshoek met één record een hotspot is als haar buurt er veel heeft."
)


def more_hotspots_note(data, domain: str) -> str:
    """ "De 10 sterkste van 48 hot spots." when the list is cut at :data:`TOP_N`; ``""``
    when it holds them all (page and pack)."""
    shown, total = len(data.hotspots.get(domain, ())), data.hotspots_total.get(domain, 0)
    if total <= shown:
        return ""
    # An inspector's table has no "Met de buren" (records of other wijken): not named.
    order = (
        "hoogste klasse"
        if data.reader_wijk
        else "hoogste klasse, dan de meeste records met de buren"
    )
    return (
        f"De {fmt_int(shown)} sterkste van {fmt_int(total)} hotspots ({order}); Bronnen "
        "toont ze allemaal."
    )


def hidden_hotspots_note(n: int) -> str:
    """Why an inspector's briefing lists fewer hot spots (of one domain)."""
    return (
        f"{fmt_int(n)} hot {'spot' if n == 1 else 'spots'} buiten je wijk niet getoond: "
        "buiten de eigen wijk ziet een wijkinspecteur enkel aantallen per grotere zeshoek "
        "(Bronnen)."
    )


def hidden_black_spots_note(n: int) -> str:
    """Why an inspector's briefing lists fewer locations to follow up."""
    return (
        f"{fmt_int(n)} {'locatie' if n == 1 else 'locaties'} buiten je wijk niet getoond "
        "(om op te volgen, of kandidaat met twee ongevallen): met een of twee ongevallen is "
        "zo'n locatie een afzonderlijk feit. Gevaarlijke punten en kandidaten met meer "
        "ongevallen staan er wel bij."
    )


def black_spot_count_text(black: pd.DataFrame) -> str:
    """``"2 gevaarlijke punten, 1 kandidaat en 2 locaties om op te volgen"``."""
    from dashboard.components.format import fmt_count

    parts = [
        fmt_count(int((black["status"] == status).sum()), one, many)
        for status, one, many in (
            ("Gevaarlijk punt", "gevaarlijk punt", "gevaarlijke punten"),
            ("Kandidaat", "kandidaat", "kandidaten"),
            ("Opvolgen", "locatie om op te volgen", "locaties om op te volgen"),
        )
        if (black["status"] == status).any()
    ]
    if not parts:
        return "geen gevaarlijke punten of kandidaten"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " en " + parts[-1]


def for_reader(version: WarehouseVersion, data: BriefingData, own_wijk: str | None) -> BriefingData:
    """The briefing as a reader may see it: an inspector (``own_wijk``) gets the hot spots
    of the own wijk only.

    A hot cell names its most frequent category and street, and holds one or two records
    in a quiet week: outside the own wijk that is a record an inspector may not see
    (docs/SECURITY.md: other wijken only as counts per coarse hexagon). The cells are
    those Bronnen shows the inspector (:func:`_hot_spots` with ``fine_wijken``): centre in
    the own wijk, counted, named and placed with its records only, ranked among
    themselves. ``None``: the coordinator and the beleidscel, everything.
    """
    if own_wijk is None:
        return data
    own = data.wijk_shapes.loc[data.wijk_shapes["code"] == own_wijk, "name"]
    name = own.iat[0] if len(own) else None
    kept, hidden, total = {}, {}, {}
    for domain in data.hotspots:
        kept[domain], hidden[domain], total[domain] = _hot_spots(
            version, domain, data.bounds, data.wijken, (own_wijk,)
        )
    # A black spot, or a candidate of at least the rule's number of injury accidents, is an
    # aggregate of several and public in the road authority's lists; a location merely to
    # follow up, or a candidate of two accidents with a high score, holds one or two (a
    # review).
    black = data.black_spots
    several = (
        black["letselongevallen"]
        >= blackspot_queries.BlackSpotParams.configured().min_injury_accidents
    )
    shown = black[
        (black["status"] == "Gevaarlijk punt")
        | ((black["status"] == "Kandidaat") & several)
        | (black["wijk"] == name)
    ]
    shown = shown.assign(rang=np.arange(1, len(shown) + 1)).reset_index(drop=True)
    # Around an event only the own wijk's records count: one record around another wijk's
    # event placed it within 250 m and a few hours (an audit).
    followup = data.events_followup
    if data.has_events:
        followup = event_queries.event_follow_up(
            version,
            data.bounds.current.start,
            data.bounds.current.end,
            tuple(data.wijken),
            record_wijken=(own_wijk,),
        )
    return replace(
        data,
        events_followup=followup,
        hotspots=kept,
        hidden_hotspots=hidden,
        hotspots_total=total,
        black_spots=shown,
        hidden_black_spots=data.hidden_black_spots + len(black) - len(shown),
        reader_wijk=own_wijk,
    )
