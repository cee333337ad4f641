"""Verkenning (beleidscel): any cut of any dataset, as table, chart and map, shareable by URL.

Every choice on this page (dataset, the two groupings, measure, rate or share, chart type)
lives in the URL next to the shared period/wijk/category filters, so a copied link reopens
the same view.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import plotly.express as px
import streamlit as st

from dashboard.analysis.compstat import fmt_gaps, month_end, months_within, only_in
from dashboard.components import filters, layout, maps
from dashboard.components.charts import (
    SERIES_COLOURS,
    dot_partial_ends,
    hatch_partial_bars,
    show_chart,
)
from dashboard.components.format import (
    MONTHS,
    WEEKDAYS,
    fmt_date,
    fmt_day_span,
    fmt_int,
    fmt_number,
    iso_week_label,
    missing_as_text,
    style_table,
)
from dashboard.queries import common, exploration
from dashboard.queries.districts import district_shapes
from etl.config import small_count_threshold

NONE = "Geen"
CHARTS = ("Automatisch", "Lijn", "Staaf", "Heatmap")


def _bucket(column: str, value) -> tuple[date, date] | None:
    """First and last day of the year, quarter, month or ISO week a value stands for
    (``"isojaar"``: a year grouped by ISO year, from the Monday of its week 1)."""
    if column == "jaar":
        return date(int(value), 1, 1), date(int(value), 12, 31)
    if column == "isojaar":
        following = date.fromisocalendar(int(value) + 1, 1, 1)
        return date.fromisocalendar(int(value), 1, 1), following - timedelta(days=1)
    start = pd.Timestamp(value).normalize()
    if column == "maand":
        return start.date(), (start + pd.offsets.MonthEnd(0)).date()
    if column == "kwartaal":
        return start.date(), (start + pd.offsets.QuarterEnd(0)).date()
    if column == "week":
        return start.date(), (start + pd.Timedelta(days=6)).date()
    return None


def period_label(
    column: str, value, within: tuple[date, date] | None = None, gaps: tuple[date, ...] = ()
) -> str:
    """Readable Dutch label for a value of a time or weekday column.

    ``within``: the chosen period. A year, quarter, month or week it covers only in part
    says which days it holds ("november 2026 (3–30)", "K4 2026 (01/10–30/11)"): its count
    is not that of a whole month, and a chart would show it as a drop.

    ``column`` ``"isojaar"``: a "jaar" value grouped by ISO year (next to the week,
    :func:`common.year_is_iso`); the days it holds are those of its ISO weeks, said so
    ("2025 (ISO-jaar, 30/12/2024–12/01/2025)").

    ``gaps``: months (first days) without one record of the source, where it counts ten
    or more a month (a missing export): a year, quarter or week holding one says so
    ("K3 2025 (zonder 09/2025)"), a month that is one "(geen gegevens)": its 0 or low count
    read as a fall.
    """
    if pd.isna(value):
        return "Onbekend"
    if column == "weekdag":
        return WEEKDAYS[int(value) - 1]
    if column == "uur":
        return f"{int(value):02d} u"
    if column == "maandnr":
        return MONTHS[int(value) - 1]
    if column in ("jaar", "isojaar"):
        label = str(int(value))
    else:
        ts = pd.Timestamp(value)
        if column == "maand":
            label = f"{MONTHS[ts.month - 1]} {ts.year}"
        elif column == "kwartaal":
            label = f"K{(ts.month - 1) // 3 + 1} {ts.year}"
        elif column == "week":
            label = iso_week_label(ts)
        else:
            return fmt_date(ts)
    held = _held_days(column, value, within)
    if held is not None:
        first, last = held
        # One day by its date ("nov 2026 (30–30)" read as a typing error; a UX sweep).
        days = fmt_day_span(first, last, month_days=column == "maand")
        if column == "isojaar":
            # Its days may lie in two calendar years ("2025 (ISO-jaar, 30/12/2024–12/01/2025)"),
            # or all in the calendar year before it: "2026 (ISO-jaar, 29/12–31/12)" read as
            # December 2026 for 29-31/12/2025 (a review). Dates in full then.
            if first.year != last.year or first.year != int(value):
                days = fmt_day_span(first, last, full=True)
            days = f"ISO-jaar, {days}"
        label += f" ({days})"
    elif column == "isojaar":
        # A whole ISO year is not the calendar year (2025: 30/12/2024-28/12/2025), and its
        # total differs from "Jaar" alone: said in its label too (a review).
        label += " (ISO-jaar)"
    days = _days_shown(column, value, within) if gaps else None
    if days is not None:
        if only_in(gaps, *days):
            label += " (geen gegevens)"
        elif missing := months_within(gaps, *days):
            label += f" (zonder {fmt_gaps(missing)})"
    return label


def _days_shown(column: str, value, within: tuple[date, date] | None) -> tuple[date, date] | None:
    """The first and last day a month (quarter, week, year) counts in the chosen period
    ``within`` (all of it, or the part the period holds); ``None`` for another column."""
    bucket = _bucket(column, value) if not pd.isna(value) else None
    return None if bucket is None else _held_days(column, value, within) or bucket


def _held_days(column: str, value, within: tuple[date, date] | None) -> tuple[date, date] | None:
    """The days of a year, quarter, month or week that the chosen period ``within`` holds,
    when it holds only part of them (``None`` for a whole one, or without ``within``)."""
    bucket = _bucket(column, value) if within is not None and not pd.isna(value) else None
    if bucket is None:
        return None
    first, last = max(bucket[0], within[0]), min(bucket[1], within[1])
    return (first, last) if (first, last) != bucket and first <= last else None


def _only_gaps(
    column: str, value, within: tuple[date, date] | None, gaps: tuple[date, ...]
) -> bool:
    """Whether the days of a month (quarter, week, year) the chosen period holds all lie
    in months without one record of the source (a missing export)."""
    days = _days_shown(column, value, within)
    return days is not None and only_in(gaps, *days)


LABELLED = ("weekdag", "uur", "maandnr", "jaar", "maand", "kwartaal", "week", "dag")
#: What the raw value beside a label column holds in a download (sorting, joining).
KEY_SUFFIX = {
    "weekdag": "nr, 1 = maandag",
    "uur": "0–23",
    "maandnr": "nr, 1 = januari",
    "jaar": "getal",
    "maand": "eerste dag",
    "kwartaal": "eerste dag",
    "week": "maandag",
}


def export_table(shown: pd.DataFrame, raw: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """The table for the downloads: the labels as shown, each with its raw value beside it.

    Parameters
    ----------
    shown : DataFrame
        The table as drawn (time and weekday columns as Dutch labels, e.g. "maandag",
        "november 2026 (3–30)").
    raw : DataFrame
        The same rows with the raw values (weekday 1–7, a month as its first day).
    names : dict
        Column → Dutch heading, as on the page.

    Returns
    -------
    DataFrame
        The shown table under its Dutch headings; after every relabelled column, its raw
        value under "<heading> (<what it is>)" so that a spreadsheet can still sort on it.
        Gaps stay empty cells (the page's "–" is only for the screen).
    """
    out = shown.rename(columns=names)
    for column, suffix in KEY_SUFFIX.items():
        if column in shown.columns and column in names:
            heading = names[column]
            at = list(out.columns).index(heading) + 1
            out.insert(at, f"{heading} ({suffix})", raw[column].to_numpy())
    return out


version = layout.warehouse()
flt = filters.common_filters(version)
period = flt.period

st.title("Verkenning")
layout.period_caption(period.label)

# Open on the first source the zone has loaded: facts by default, the accidents for a zone
# that loaded only those (it opened on facts, "Geen gegevens voor deze keuze").
loaded_default = next(
    (k for k in common.COUNTED_DOMAINS if common.dataset_loaded(version, k)), "incidents"
)
c1, c2, c3, c4 = st.columns(4)
dataset_key = filters.choice_filter(
    "Gegevens",
    list(common.DATASETS),
    "verk_gegevens",
    "gegevens",
    default=loaded_default,
    format_func=lambda k: common.DATASETS[k].label,
    container=c1,
)
ds = common.dataset(dataset_key)
available = common.dimensions_for(dataset_key)


def time_grain(start: date, end: date, available: list[str]) -> str:
    """The time grouping a period is first shown in: days up to two weeks, weeks up to a
    quarter, months beyond (the default 28 days by month were two half months), months for
    a source that knows no days (Statbel)."""
    days = (end - start).days + 1
    grain = "Dag" if days <= 14 else "Week" if days <= 92 else "Maand"
    return grain if grain in available else "Maand"


def dim_label(dim: str) -> str:
    """Dutch label of a dimension for this dataset (the category has the dataset's name)."""
    return ds.category_label if dim == "Categorie" else dim


first_dim = filters.choice_filter(
    "Indeling 1",
    [NONE, *available],
    "verk_indeling1",
    "indeling1",
    default=time_grain(period.start, period.end, available),
    format_func=dim_label,
    container=c2,
    help="Eerste indeling: tijd, categorie, gebied of een kenmerk van de gegevens.",
)
second_dim = filters.choice_filter(
    "Indeling 2",
    [NONE, *[d for d in available if d != first_dim]],
    "verk_indeling2",
    "indeling2",
    default="Categorie",
    format_func=dim_label,
    container=c3,
)
measure = filters.choice_filter("Maat", list(ds.measures), "verk_maat", "maat", container=c4)
c5, c6, c7 = st.columns([2, 1, 2])
per = filters.choice_filter(
    "Weergave",
    list(common.PER_OPTIONS),
    "verk_weergave",
    "weergave",
    default="aantal",
    format_func=common.PER_OPTIONS.__getitem__,
    container=c5,
    radio=True,
    help="Per 1.000 inwoners kan enkel bij een indeling naar wijk, deelgemeente of gemeente "
    "(de bevolking van die gebieden is gekend).",
)
chart_kind = filters.choice_filter("Grafiek", list(CHARTS), "verk_grafiek", "grafiek", container=c6)
categories = filters.category_filter(
    common.category_values(version, dataset_key), label=ds.category_label, container=c7
)

dims = tuple(d for d in (first_dim, second_dim) if d != NONE)
area_dims = [d for d in dims if d in common.AREA_LAYERS]
if per == "inwoners" and not area_dims:
    st.info(
        "**Per 1.000 inwoners** kan enkel bij een indeling naar wijk, deelgemeente of gemeente: "
        "alleen van die gebieden is het aantal inwoners gekend. Kies zo'n indeling; "
        "hieronder staan de absolute aantallen.",
        icon=":material/info:",
    )
    per = "aantal"

table = exploration.explore_table(
    version,
    dataset_key,
    dims,
    period.start,
    period.end,
    flt.wijken,
    categories,
    measure=measure,
    per=per,
    limit=exploration.ROW_LIMIT,
)
# Grouped per inspector, the beleidscel gets pseudonyms (table, chart and downloads).
data = layout.staff_names(table.data, ("wijkinspecteur",))
if "wijkinspecteur" in data.columns:
    # In the pseudonyms' own order: sorted by the names, the rows of INP-… kept the names'
    # alphabetical order (an audit).
    data = data.sort_values(
        [common.dimension_column(dataset_key, d) for d in dims],
        kind="stable",
        na_position="last",
        ignore_index=True,
    )
if ds.month_only:
    st.caption(f"{ds.label}: enkel jaar en maand bekend; elke maand die de periode raakt telt mee.")
#: The task measures that are a state at the reference date, and that state in words.
TASK_STATES = {
    "Open": "nog open staan",
    "Over termijn": "over termijn zijn",
    "Te controleren": "op de controle van de wijkcoördinator wachten",
}
if dataset_key == "tasks" and measure in TASK_STATES:
    # Werklast counts every task in that state now; here only those received in the period.
    st.caption(
        f"{measure}: de taken die in de gekozen periode ontvangen zijn en op de "
        f"referentiedatum {TASK_STATES[measure]}. Werklast telt ze alle, ook oudere."
    )

if table.known_end < period.end:
    # An export that stops earlier than the others: its later days are unknown, not 0.
    st.warning(
        f"{ds.label}: gegevens tot en met {fmt_date(table.known_end)}; de dagen daarna "
        f"(tot {fmt_date(period.end)}) zijn onbekend, niet 0, en staan niet in de tabel.",
        icon=":material/warning:",
    )
if data.empty:
    if common.dataset_loaded(version, dataset_key) is False:
        st.info(
            f"{ds.label}: niet geladen (geen export in het warehouse), dus onbekend, niet 0. "
            "Voeg ze toe op de pagina Data."
        )
    else:
        st.info("Geen gegevens voor deze keuze.")
    st.stop()

threshold = small_count_threshold()
value_col, value_label, decimals = "waarde", measure, 0
if per == "inwoners":
    value_col, value_label, decimals = "per_1000", f"{measure} per 1.000 inwoners", 1
elif per == "aandeel":
    value_col, value_label, decimals = "aandeel", f"Aandeel {measure.lower()} (%)", 1
if per != "aantal":
    # A rate or share on a handful of records suggests a precision it does not have.
    data.loc[data["waarde"] < threshold, value_col] = float("nan")

total = table.total
cols = st.columns(3)
cols[0].metric(f"Totaal ({measure.lower()})", fmt_int(total))
cols[1].metric(
    "Groepen met gegevens",
    fmt_int(table.with_records),
    help="Groepen waarin minstens één record valt. De tabel en de grafiek tonen ook de "
    "groepen zonder records (0), behalve als de tabel ingekort is.",
)
if per == "inwoners":
    # The finest area grouping: its areas' populations are the rates' (common.explore).
    finest = next(d for d in common.AREA_LAYERS if d in dims)
    areas = data.drop_duplicates(common.dimension_column(dataset_key, finest))
    cols[2].metric("Inwoners (gebieden in de tabel)", fmt_int(areas["inwoners"].sum()))

names = {common.dimension_column(dataset_key, d): dim_label(d) for d in dims}
names.update(
    {
        "waarde": measure,
        "inwoners": "Inwoners",
        "per_1000": "Per 1.000 inwoners",
        "aandeel": "Aandeel (%)",
    }
)
# A month (week, quarter, year) the period covers in part says which days it holds.
# Before the source's first month the period holds no data: a year it begins in shows its
# days ("2023 (01/12–31/12)"), not a whole year whose 268 records read as a tenfold rise.
# A source that knows only the month (Statbel) counts every month touching the period
# whole: its months are whole, a year or quarter holding only some of its months says which
# (its 2023 of December alone stood as a whole year, unmarked; an audit).
within = (table.known_start, table.known_end)
if ds.month_only:
    within = (within[0].replace(day=1), month_end(within[1].replace(day=1)))
# Next to the week a year is its ISO year (common.explore): its days, and the days of it
# the period holds, are its ISO weeks' ("2025 (ISO-jaar, 30/12/2024–12/01/2025)"); the
# calendar's days beside them read as if week 1 of 2025 held no day of 2024 (an audit).
iso_year = common.year_is_iso(dims)


def time_kind(column: str) -> str:
    """How a column's values are labelled: "jaar" as "isojaar" when grouped by ISO year."""
    return "isojaar" if column == "jaar" and iso_year else column


# Months without one record of the source (a missing export) in the period: named in the
# labels of the periods holding one (the sidebar's warning alone left "K3 2025" a fall).
gaps = common.dataset_gaps(version, dataset_key)
outputs = [common.dimension_column(dataset_key, d) for d in dims]
# A period wholly inside such months has no count: unknown ("–", no point drawn), not the 0
# it summed to, which read as a steep fall in the table and the chart.
unknown_rows = pd.Series(False, index=data.index)
for column in outputs:
    if gaps and column in ("maand", "kwartaal", "week", "jaar"):
        unknown_rows |= data[column].map(
            lambda v, c=column: _only_gaps(time_kind(c), v, within, gaps)
        )
if unknown_rows.any():
    data.loc[unknown_rows, [c for c in ("waarde", "per_1000", "aandeel") if c in data]] = float(
        "nan"
    )
# Readable Dutch period labels; Plotly would write English month names on a date axis.
shown = data.copy()
if unknown_rows.any():
    # A count stays a whole number beside the unknown ones ("12", not "12,0").
    shown["waarde"] = shown["waarde"].round().astype("Int64")
for column in names:
    if column in shown and column in LABELLED and column != "dag":
        shown[column] = shown[column].map(
            lambda v, c=column: period_label(time_kind(c), v, within, gaps)
        )

# Chart: time on the x-axis when there is time, else the first grouping.
time_cols = [c for c in outputs if c in ("dag", "week", "maand", "kwartaal", "jaar")]
x = time_cols[0] if time_cols else (outputs[0] if outputs else None)
if "maandnr" in outputs:
    # January to December on the x-axis, one line per year (or other grouping) over it.
    x = "maandnr"
colour = next((c for c in outputs if c != x), None)
plot = data.sort_values([c for c in (x, colour) if c]) if x else data
x_order = None
if x:
    x_order = [
        period_label(time_kind(x), v, within, gaps) if x in LABELLED else v
        for v in plot[x].drop_duplicates()
    ]
    plot = plot.assign(
        **{
            c: plot[c].map(lambda v, c=c: period_label(time_kind(c), v, within, gaps))
            for c in (x, colour)
            if c in LABELLED
        }
    )
# The second grouping in the order of its values (weekdays Monday first, months in time),
# not of its Dutch labels: the heatmap sorted them as text ("dinsdag, donderdag, ...").
colour_order = None
if colour:
    colour_order = [
        period_label(time_kind(colour), v, within, gaps) if colour in LABELLED else v
        for v in data[colour].drop_duplicates().sort_values()
    ]
plot = plot.rename(columns={**names, value_col: value_label})
kind = chart_kind
if kind == "Automatisch":
    # A line needs two moments at least; one period (a month of a 28-day window) is bars.
    single = x_order is not None and len(x_order) < 2
    kind = (
        "Lijn"
        if (x in time_cols and x != "jaar" or x == "maandnr" and colour is not None) and not single
        else "Staaf"
    )
    # Grouped bars with many colours are unreadable; a grid of two groupings is not.
    if kind == "Staaf" and not single and colour is not None and plot[names[colour]].nunique() > 6:
        kind = "Heatmap"
if kind == "Heatmap" and colour is None:
    st.caption("Een heatmap heeft twee indelingen nodig; hieronder een staafdiagram.")
    kind = "Staaf"
fig = None
dotted = ""  # how a partial period is marked in the chart, for its caption
if x is None:
    st.metric(value_label, fmt_number(data[value_col].iloc[0], decimals))
elif kind == "Heatmap":
    # One row per pair, so pivot (not pivot_table, whose sum turns a blank into 0).
    grid = plot.pivot(index=names[colour], columns=names[x], values=value_label).reindex(
        index=[v for v in colour_order if v in set(plot[names[colour]])],
        columns=[v for v in x_order if v in set(plot[names[x]])],
    )
    fig = px.imshow(
        grid,
        aspect="auto",
        color_continuous_scale="YlOrRd",
        labels={"x": names[x], "y": names[colour], "color": value_label},
        text_auto=",.0f" if decimals == 0 else ",.1f",
    )
else:
    draw = px.line if kind == "Lijn" else px.bar
    extra = {"markers": True} if kind == "Lijn" else {"barmode": "group"}
    fig = draw(
        plot,
        x=names[x],
        y=value_label,
        color=names.get(colour),
        category_orders={names[x]: x_order, **({names[colour]: colour_order} if colour else {})},
        color_discrete_sequence=SERIES_COLOURS,
        **extra,
    )
    fig.update_xaxes(type="category")
    # Counts and sums grow with the days a point holds; a share does not.
    if x in LABELLED and per != "aandeel":
        partial = {
            period_label(time_kind(x), v, within, gaps)
            for v in data[x].unique()
            if _held_days(time_kind(x), v, within)
        }
        marked = (dot_partial_ends if kind == "Lijn" else hatch_partial_bars)(fig, partial)
        dotted = "Gestippeld" if marked and kind == "Lijn" else "Gearceerd" if marked else ""
if fig is not None:
    fig.update_layout(
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend_title_text=names.get(colour),
    )
    show_chart(fig, width="stretch")
    if dotted:
        st.caption(
            f"{dotted}: {'naar ' if dotted == 'Gestippeld' else ''}een periode die maar deels "
            "in de gekozen periode valt (de dagen staan erbij); haar lagere aantal is een "
            "kortere periode, geen daling."
        )

if area_dims:
    st.subheader(f"Kaart per {area_dims[0].lower()}")
    layer = common.AREA_LAYERS[area_dims[0]]
    column = common.dimension_column(dataset_key, area_dims[0])
    shapes = district_shapes(version, layer)
    # Per area from its own query when the table has another grouping: summed from a table
    # cut at its largest groups (Dag × Wijk over three years), the quiet wijken came out a
    # third short on the map.
    per_area = (
        data.groupby(column, as_index=False)["waarde"].sum()
        if len(dims) == 1
        else common.explore(
            version,
            dataset_key,
            (area_dims[0],),
            period.start,
            period.end,
            flt.wijken,
            categories,
            measure=measure,
            per="aantal",
            limit=exploration.ROW_LIMIT,
        )
    )
    code_of = dict(zip(shapes["name"], shapes["code"], strict=True))
    # With a wijk filter, an area's rate counts only its chosen wijken's inhabitants.
    population = common.area_population(version, layer, flt.wijken)
    values = {}
    for row in per_area.itertuples(index=False):
        area, n = getattr(row, column), row.waarde
        if area not in code_of:
            continue  # "Zonder wijk": not on the map
        value = float(n)
        if per == "inwoners":
            pop = population.get(area)
            value = 1000.0 * n / pop if pop and not pd.isna(pop) else None
        elif per == "aandeel":
            value = 100.0 * n / total if total else None
        if per != "aantal" and n < threshold:
            value = None
        values[code_of[area]] = value
    basemap = maps.basemap_picker()
    m = maps.new_map(shapes, basemap)
    maps.add_choropleth(
        m,
        shapes,
        values,
        value_label,
        decimals=decimals,
        unknown_label=f"Minder dan {threshold} of onbekend" if per != "aantal" else "Geen",
        area_label=area_dims[0],
    )
    if layer != "wijk":
        maps.add_outline_strokes(m, district_shapes(version, "wijk"), labels=False)
    maps.add_outline_strokes(m, shapes)
    maps.show(m, key="verkenning_kaart", height=480)

st.subheader("Tabel")
# st.dataframe writes a gap as "None" whatever the Styler says: gaps become "–" as text.
layout.table(style_table(missing_as_text(shown.rename(columns=names)), decimals=1))
notes = []
if per != "aantal" and (data["waarde"] < threshold).any():
    notes.append(
        f"Bij minder dan {threshold} staat geen {'cijfer per inwoner' if per == 'inwoners' else 'aandeel'} "
        "(–): op zo'n kleine basis misleidt het."
    )
area_gaps = [
    label for label in common.AREA_GAP_LABELS.values() if (shown.astype(str) == label).any().any()
]
if area_gaps:
    # "Zonder gemeente" holds records whose export names the municipality (without
    # coordinates): the caption called them records without an area (an audit).
    notes.append(
        f"{', '.join(repr(a) for a in area_gaps)}: records zonder wijk (zonder bruikbare "
        "locatie, of buiten elke wijkgrens). Gemeente en deelgemeente volgen de wijk, zodat "
        "de drie indelingen dezelfde records tellen: ook een record waarvan de export de "
        "gemeente noemt, telt daar zonder wijk."
        + (" Voor hen is geen bevolking gekend." if per == "inwoners" else "")
    )
if per == "inwoners":
    # An area row without inhabitants that is no "Zonder …" row: with a wijk filter, an area
    # where records of the chosen wijken lie (a task's address across the border of its
    # wijk's deelgemeente) but none of their inhabitants live; else one whose population is
    # unknown. The caption blamed "records zonder gebied" for Herent (an audit).
    finest = next(d for d in common.AREA_LAYERS if d in dims)
    area_column = common.dimension_column(dataset_key, finest)
    bare = data.loc[
        data["inwoners"].isna() & ~data[area_column].isin(common.AREA_GAP_LABELS.values()),
        area_column,
    ].drop_duplicates()
    own = set(exploration.wijk_areas(version, finest, flt.wijken)) if flt.wijken else None
    outside = [a for a in bare if own is not None and a not in own]
    unknown = [a for a in bare if a not in outside]
    if outside:
        notes.append(
            f"{', '.join(outside)}: records van de gekozen wijken buiten hun eigen "
            f"{finest.lower()}; daar woont geen inwoner van die wijken, dus geen cijfer per "
            "inwoner (–)."
        )
    if unknown:
        notes.append(f"{', '.join(unknown)}: aantal inwoners niet gekend (–).")
if unknown_rows.any():
    notes.append(
        f"Geen enkel record van de bron met datum in {fmt_gaps(months_within(gaps, period.start, period.end))} "
        "(een ontbrekende export?): een periode die daarin valt staat als – (onbekend), niet als 0."
    )
if table.cut:
    # The cut groups are missing, not 0: a line over days skipped them and read as a
    # daily level five times the real one (an audit).
    shown_groups = int(table.data["waarde"].gt(0).sum())
    notes.append(
        f"Enkel de {fmt_int(shown_groups)} grootste van de {fmt_int(table.with_records)} "
        f"groepen worden getoond, samen {fmt_int(table.data['waarde'].sum())} van "
        f"{fmt_int(total)}; de andere ontbreken (geen 0), dus een lijn slaat ze over en "
        "toont geen gemiddeld niveau. Kies een kortere periode of een grovere indeling."
    )
if notes:
    st.caption(" ".join(notes))

# What the table shows (labels, "november 2026 (3–30)"), with the raw keys beside them.
download = export_table(shown, data, names)
layout.table_downloads(
    download,
    f"wijkbeeld_{dataset_key}_{period.start:%Y%m%d}_{period.end:%Y%m%d}",
    key="verkenning",
)
st.caption(
    "Deze weergave staat volledig in de adresbalk: kopieer de link om ze te delen of later "
    "opnieuw te openen."
)
