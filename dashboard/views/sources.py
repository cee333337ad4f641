"""Bronnen van onveiligheid: where insecurity concentrates, when, and around what.

Filters: period and wijken (shared), source and category, hour range and weekdays. The map
switches between points, heat map, H3 counts, wijk rates, Gi* hot spots and emerging hot
spots; a click on a hexagon or wijk lists its records. Below it: when (hour × weekday,
months against last year), repeat places (addresses, near-repeat chains; a picked address
over all the data, before against after the day a measure there began; the approaches of
problem addresses the team records, each with its effect) and risk near points of interest. All counting happens in DuckDB (``dashboard.queries.hotspots``), all
statistics in ``dashboard.analysis``.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from functools import partial

import pandas as pd
import plotly.graph_objects as go
import shapely
import streamlit as st

from dashboard.analysis import before_after
from dashboard.analysis.compstat import fmt_gaps, month_end, months_within, only_in
from dashboard.analysis.hotspots import EMERGING_LABELS, GI_CLASS_LABELS, MIN_TREND_PERIODS
from dashboard.analysis.repeats import knox_test, near_repeats
from dashboard.analysis.risk import risk_near_poi
from dashboard.analysis.temporal import (
    WEEKDAY_LABELS,
    aoristic_hour_weekday,
    monthly_with_last_year,
)
from dashboard.auth.roles import Role
from dashboard.components import filters, layout, maps, static_map
from dashboard.components.charts import hatch_partial_bars, show_chart
from dashboard.components.comparison import (
    APPROACH_NOTE,
    SURROUNDINGS_NOTE,
    approach_table,
    before_after_table,
    surroundings_sentences,
    surroundings_table,
)
from dashboard.components.format import (
    chosen_area,
    fmt_area,
    fmt_count,
    fmt_date,
    fmt_int,
    fmt_number,
    fmt_period,
    missing_as_text,
    month_abbreviation,
    month_name,
    part_of_month,
    style_table,
    to_xlsx_bytes,
)
from dashboard.queries import MAX_ROWS, approaches, common, incidents
from dashboard.queries import events as event_queries
from dashboard.queries import hotspots as hq
from dashboard.queries.common import MAP_POINT_CAP
from dashboard.queries.districts import district_shapes
from etl.config import small_count_threshold, zone_today

#: Points up to this many are drawn one by one; above it (up to the cap) clustered.
CLUSTER_FROM = 1_000

VIEWS = {
    "punten": "Punten",
    "heatmap": "Heatmap",
    "zeshoeken": "Zeshoeken (H3)",
    "wijken": "Per 1.000 inwoners",
    "gi": "Hotspots (Gi*)",
    "opkomend": "Opkomende hotspots",
}
KEY_SELECTION = "bronnen_selectie"
KEY_ADDRESSES = "bronnen_adressen"

version = layout.warehouse()
flt = filters.common_filters(version, domains=("incidents", "nuisance"))
period = flt.period

st.title("Bronnen van onveiligheid")
layout.period_caption(period.label)

CHOICES = {
    "beide": ("Feiten en overlast", ("incidents", "nuisance")),
    "incidents": ("Feiten (pv's)", ("incidents",)),
    "nuisance": ("Overlastmeldingen", ("nuisance",)),
}
choice = (
    st.segmented_control(
        "Bron",
        list(CHOICES),
        format_func=lambda k: CHOICES[k][0],
        default="beide",
        key="bronnen_bron",
    )
    or "beide"
)
keys = CHOICES[choice][1]
options = sorted({c for k in keys for c in common.category_values(version, k)})
col_cat, col_hour, col_day = st.columns([2, 1.2, 1.6])
categories = filters.category_filter(options, label="Categorie / type overlast", container=col_cat)
hours = col_hour.slider(
    "Uur van de dag", 0, 23, (0, 23), key="bronnen_uren", help="Beide uren inbegrepen."
)
# The night (22-05) is one window over midnight: the slider's handles are then read from
# the later hour to the earlier (the queries take hours[0] > hours[1] as such a window).
if (
    col_hour.toggle(
        "Over middernacht",
        key="bronnen_uren_nacht",
        help="Aan: van het tweede uur tot het eerste, over middernacht (kies 5 en 22 voor "
        "22 tot 5 uur).",
    )
    and hours[0] < hours[1]
):
    hours = (hours[1], hours[0])
    col_hour.caption(f"{hours[0]:02d}:00 – {hours[1]:02d}:59, over middernacht.")
weekdays = tuple(
    col_day.multiselect(
        "Weekdag",
        list(WEEKDAY_LABELS),
        format_func=WEEKDAY_LABELS.__getitem__,
        placeholder="Alle",
        key="bronnen_weekdagen",
    )
)
hours = (int(hours[0]), int(hours[1]))
args = (period.start, period.end, flt.wijken, categories, hours, weekdays)
# Records (lists, addresses, points, chains) only of the wijken the role may see: an
# inspector's own wijk; None = no record at all for this choice (aggregates only).
scope = layout.record_scope(flt.wijken)
record_args = (period.start, period.end, scope or (), categories, hours, weekdays)

# ---------------------------------------------------------------- KPIs
previous = period.previous()
prev_args = (previous.start, previous.end, flt.wijken, categories, hours, weekdays)
kpis = []
# An export that stops earlier than the others (a nuisance register sent each quarter):
# its days after that are unknown, not 0, and the period is not compared.
until = {key: common.dataset_known_until(version, key) for key in keys}
first_month = {key: common.known_since(version, (key,)) for key in keys}
# A source with no day in the period (the zone never loaded it, or the register stops
# before the period or begins after it): it is left out of every count, map and table
# below, which said "geen overlastmeldingen" and drew the map of the facts alone as the
# map of both.
spans = common.source_span_map(version)
# The first day each source covers, its slack taken from the zone's first day (as
# known_until's from the last): taken from the period's start, a day before any data
# counted as 0 nuisance reports (a review). A period that begins before an export did
# counted its days before it as 0, without a word (an audit).
zone_first = min((span.first for span in spans.values()), default=None)
first_known = {key: spans[key].known_from(zone_first) for key in keys if key in spans}
starts = {key: max(period.start, day) for key, day in first_known.items()}
late_starts: dict[date, list[str]] = {}
unknown = tuple(
    key
    for key in keys
    if key not in spans
    or (until[key] is not None and until[key] < period.start)
    or starts[key] > period.end
)
for key in ("incidents", "nuisance"):
    ds = common.dataset(key)
    stops = until.get(key) is not None and until[key] < period.end
    # A month without one record of a busy source (a missing export) in the period or the
    # one before: unknown, not 0 ("315, +306" against a September without facts).
    empty = spans[key].gaps_in(previous.start, period.end) if key in spans else ()
    whole_gap = key in spans and only_in(spans[key].gaps, period.start, period.end)
    now = (
        hq.filtered_count(version, key, *args)
        if key in keys and key not in unknown and not whole_gap
        else None
    )
    # A previous period before the data is unknown, not 0 ("+246" on the first days).
    before = (
        hq.filtered_count(version, key, *prev_args)
        if key in keys
        and not stops
        and now is not None
        and not empty
        and previous.start >= first_known[key]
        else None
    )
    if key in keys and key not in unknown and empty:
        st.warning(
            f"{ds.label}: geen enkel record met datum in {fmt_gaps(empty)} (een ontbrekende "
            "export?): "
            + (
                "onbekend, niet 0."
                if whole_gap
                else "geen vergelijking met de vorige periode"
                + (
                    f"; {fmt_gaps(empty_now)} "
                    + ("telt" if len(empty_now) == 1 else "tellen")
                    + " in de kaart, de grafieken en de tabellen als 0."
                    if (empty_now := spans[key].gaps_in(period.start, period.end))
                    else "."
                )
            ),
            icon=":material/warning:",
        )
    kpis.append(layout.Kpi(ds.label, now, before))
    if key in unknown and key not in spans:
        # A zone without that source at all: said once, quietly (no export to renew).
        st.info(
            f"{ds.label}: niet geladen (geen export van deze soort in het warehouse): "
            "onbekend, niet 0. De kaart, de grafieken en de tabellen hieronder laten ze weg.",
            icon=":material/info:",
        )
    elif key in unknown:
        span = spans[key]
        st.warning(
            f"{ds.label}: geen gegevens in deze periode (geladen: "
            f"{fmt_period(span.first, until[key])}): onbekend, niet 0. De kaart, de grafieken "
            "en de tabellen hieronder laten ze weg.",
            icon=":material/warning:",
        )
    elif key in keys and stops:
        st.warning(
            f"{ds.label}: gegevens tot en met {fmt_date(until[key])}; de dagen daarna (tot "
            f"{fmt_date(period.end)}) zijn onbekend, niet 0: geen vergelijking met de vorige "
            "periode, en de maandgrafiek stopt bij de laatste volledige maand.",
            icon=":material/warning:",
        )
    if key in keys and key not in unknown and starts[key] > period.start:
        late_starts.setdefault(starts[key], []).append(ds.label)
for day, labels in late_starts.items():
    # As for an export that stops early (above): the days before it are unknown. One
    # warning for the sources that begin on the same day (two read the same; a review).
    late = (day - period.start).days
    st.warning(
        f"{' en '.join([labels[0], *(x[0].lower() + x[1:] for x in labels[1:])])}: gegevens "
        f"vanaf {fmt_date(day)}; de dagen ervoor "
        f"({fmt_period(period.start, day - timedelta(days=1))}, {late} van de "
        f"{period.days} dagen) zijn onbekend, niet 0: de aantallen, de kaart, de "
        f"grafieken en de tabellen tellen enkel vanaf {fmt_date(day)}, en er is "
        "geen vergelijking met de vorige periode.",
        icon=":material/warning:",
    )
keys = tuple(key for key in keys if key not in unknown)
repeated = {
    key: incidents.top_addresses(
        version, key, *record_args[:4], min_count=2, limit=25, hours=hours, weekdays=weekdays
    )
    if scope is not None
    else pd.DataFrame()
    for key in keys
}
# The addresses the lists below can show: those of the wijken whose records the reader may
# see (an inspector: the own wijk; the KPI counted the whole zone above lists of W01 only).
# An inspector looking at other wijken only gets no list, and the count of those wijken.
address_wijken = scope if scope is not None else flt.wijken
address_help = (
    "Adressen (straat, huisnummer, gemeente; hoe de exports ze ook schrijven) met minstens "
    "2 feiten, of minstens 2 meldingen, in de periode; een adres met beide telt één keer. "
    "Registraties met een straat maar zonder huisnummer (bv. op de autosnelweg) tellen per "
    "straat en wijk, als 'zonder huisnummer'."
)
address_label = "Adressen met herhaling"
if scope != tuple(flt.wijken):
    if scope is not None:
        # "(W01)" named a code in a tile; the help names the wijk.
        address_label += " (eigen wijk)"
        address_help += (
            f" Enkel je eigen wijk {layout.wijk_labels(scope)}: de adressen die de lijsten "
            "hieronder kunnen tonen."
        )
    else:
        address_help += (
            " Geteld over de gekozen wijken; de adressen zelf zie je enkel in je eigen wijk."
        )
kpis.append(
    layout.Kpi(
        address_label,
        # One count over both sources: an address with repeated facts and repeated reports
        # is one address (added up per source, it counted twice).
        None
        if not keys
        else incidents.repeated_address_count(
            version,
            keys,
            period.start,
            period.end,
            address_wijken,
            categories,
            hours=hours,
            weekdays=weekdays,
        ),
        help=address_help,
    )
)
layout.kpi_row(kpis)
if any(k.reference is not None for k in kpis):
    # Only when something is compared with it (it stood under tiles without a delta; a
    # review).
    st.caption(f"Vorige periode: {fmt_period(previous.start, previous.end)}.")
layout.zone_figures_note(flt.wijken)
if not keys:
    # Nothing of the chosen source is known for these days: no map or table to draw.
    st.info(
        "Niets te tonen: kies een periode binnen de geladen gegevens, of een andere bron.",
        icon=":material/info:",
    )
    st.stop()


def _sum_by(frames: list[pd.DataFrame], by: list[str], cols: list[str]) -> pd.DataFrame:
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=[*by, *cols])
    return pd.concat(frames, ignore_index=True).groupby(by, as_index=False)[cols].sum()


#: The approaches' table (its selection picks an address as a repeat-address table does).
KEY_APPROACHES = "bronnen_aanpakken"
#: Where the address below was last picked: a repeat-address table's source, or
#: :data:`KEY_APPROACHES`.
KEY_PICKED_FROM = "bronnen_adres_gekozen_uit"


def _remember_pick(origin: str) -> None:
    """Selection callback of a table: the next run shows the address picked there."""
    st.session_state[KEY_PICKED_FROM] = origin


def _picked_in(origin: str) -> pd.Series | None:
    """The row picked in one table, as a repeat-address row (``adres``, ``gemeente``,
    ``wijk_code``, ``lat``, ``lon`` and the key in :data:`incidents.ADDRESS_KEY`)."""
    table_key = origin if origin == KEY_APPROACHES else f"{KEY_ADDRESSES}_{origin}"
    # The table's state is a dict ({"selection": {"rows": [...], ...}}).
    state = st.session_state.get(table_key) or {}
    rows = (state.get("selection") or {}).get("rows") or []
    if not rows:
        return None
    if origin == KEY_APPROACHES:
        # The list shows all_approaches' rows in their order (approach_effects).
        listed = approaches.all_approaches(scope)
        if rows[0] >= len(listed):
            return None
        a = listed.iloc[rows[0]]
        return pd.Series(
            {
                "adres": a["address"],
                "gemeente": a["municipality"],
                "wijk_code": a["wijk_code"],
                "lat": float("nan"),  # where it lies: address_place
                "lon": float("nan"),
                **{c: a[c] for c in incidents.ADDRESS_KEY},
            }
        )
    df = repeated.get(origin)
    return df.iloc[rows[0]] if df is not None and rows[0] < len(df) else None


def _picked_address() -> pd.Series | None:
    """The address picked in a repeat-address table or in the approaches' list, the list
    clicked last first (read before the tables are drawn again)."""
    if scope is None:
        return None
    last = st.session_state.get(KEY_PICKED_FROM)
    for origin in dict.fromkeys([*([last] if last else []), *keys, KEY_APPROACHES]):
        row = _picked_in(origin)
        if row is not None:
            return row
    return None


def _address_key(row: pd.Series) -> tuple[str | None, ...]:
    """A picked row's address key as text (:data:`incidents.ADDRESS_KEY`, ``None`` for a
    missing part), as the queries and the approaches take it."""
    return tuple(None if pd.isna(row[c]) else str(row[c]) for c in incidents.ADDRESS_KEY)


def _selected_address() -> dict | None:
    """The picked address, when located: the map circles it and, when it has one place (a
    house number), rings its surroundings at the radius the history below compares."""
    row = _picked_address()
    if row is None:
        return None
    key_values = _address_key(row)
    place = incidents.address_place(version, key_values, scope)
    if place is None:
        if pd.isna(row["lat"]):
            return None
        return {"adres": row["adres"], "lat": row["lat"], "lon": row["lon"], "straal": None}
    radius = st.session_state.get("bronnen_adres_straal") or before_after.DEFAULT_RADIUS
    return {"adres": row["adres"], "lat": place[2], "lon": place[3], "straal": radius}


def _address_history(row: pd.Series) -> None:
    """The picked address over all the data: its records per month, and before against
    after the day a measure there began (:mod:`dashboard.analysis.before_after`)."""
    place = row["adres"] + (f", {row['gemeente']}" if pd.notna(row["gemeente"]) else "")
    st.markdown(f"**Verloop van {place}**")
    key_values = _address_key(row)
    known = {k: (first_month[k], until[k]) for k in keys if first_month[k] and until[k]}
    if not known:
        st.info("Geen gegevens om het verloop van dit adres te tonen.", icon=":material/info:")
        return
    lo = min(first for first, _ in known.values())
    hi = max(last for _, last in known.values())
    running = approaches.running_at(key_values)
    # A running approach sets the day to compare from; else the period's first day.
    start = pd.Timestamp(running["started_on"]).date() if running else period.start
    c1, c2 = st.columns(2)
    since = c1.date_input(
        "Maatregel of aanpak sinds",
        value=min(max(start, lo), hi),
        min_value=lo,
        max_value=hi,
        format="DD/MM/YYYY",
        # One field per address: picking another one starts from its own approach.
        key="bronnen_adres_sinds::" + "::".join(str(v) for v in key_values),
        help="De eerste dag van de aanpak op dit adres (een gesprek, een camera, een "
        "bestuurlijke maatregel). Die dag telt bij 'na'.",
    )
    window = c2.selectbox(
        "Vergelijk telkens",
        list(before_after.WINDOWS),
        index=1,
        key="bronnen_adres_venster",
        help="Zoveel dagen na de aanpak tegenover evenveel dagen ervoor; korter als de "
        "gegevens vroeger stoppen of later beginnen, aan beide kanten even lang.",
    )
    daily = {
        k: incidents.address_daily_counts(
            version, k, key_values, scope, categories, hours=hours, weekdays=weekdays
        )
        for k in known
    }
    fig = go.Figure()
    partial_months: set[pd.Timestamp] = set()
    for k, (first, last) in known.items():
        months = before_after.per_month(daily[k], first, last)
        starts = [m.start_time for m in months["maand"]]
        fig.add_bar(
            x=starts,
            y=months["aantal"],
            name=common.dataset(k).label,
            # The bar fills its month; the hover names it as people write it.
            xperiod="M1",
            xperiodalignment="middle",
            customdata=[
                f"{month_name(m.month)} {m.year}{part_of_month(m, first, last)}"
                for m in months["maand"]
            ],
            hovertemplate="%{customdata}: %{y}<extra>" + common.dataset(k).label + "</extra>",
        )
        partial_months |= {
            t for m, t in zip(months["maand"], starts, strict=True) if part_of_month(m, first, last)
        }
    hatch_partial_bars(fig, partial_months)
    span = (hi.year - lo.year) * 12 + hi.month - lo.month + 1  # months on the axis
    fig.add_vline(
        x=pd.Timestamp(since).value / 1e6, line={"color": "#c0392b", "dash": "dash", "width": 2}
    )
    fig.add_annotation(
        x=pd.Timestamp(since),
        y=1,
        yref="paper",
        text=f"sinds {fmt_date(since)}",
        showarrow=False,
        xanchor="left",
        yanchor="bottom",
    )
    fig.update_layout(
        barmode="group",
        height=300,
        margin={"t": 40, "b": 40, "l": 10, "r": 10},
        yaxis_title="Aantal per maand",
        # Months as 03/2026: the axis speaks no language.
        xaxis={"tickformat": "%m/%Y", "dtick": f"M{1 if span <= 18 else 3 if span <= 48 else 6}"},
        legend={"orientation": "h", "y": -0.2},
    )
    show_chart(fig, key="bronnen_adres_verloop")
    # From the day the source's data begin (not the first of its month) and short of a
    # month without one record (a missing export): unknown days counted 0.
    stretches = {
        k: before_after.windows(
            since, before_after.WINDOWS[window], spans[k].first, last, gaps=spans[k].gaps
        )
        for k, (_, last) in known.items()
    }
    table = before_after_table(
        {
            common.dataset(k).label: (
                s,
                None if isinstance(s, str) else before_after.compare(daily[k], s),
            )
            for k, s in stretches.items()
        }
    )
    layout.table(style_table(missing_as_text(table)), key="bronnen_adres_voor_na")
    st.caption(
        "Voor: de dagen vlak vóór de aanpak; na: vanaf de eerste dag ervan, even lang. "
        "Met dezelfde filters als hierboven (categorie, uren, weekdagen). Signaal = "
        "2·(√na − √voor); ▲/▼ wanneer het opvallend is (|signaal| > 2 en toeval geeft het "
        "in minder dan 5 % van de gevallen). Eén adres telt weinig registraties: lees het "
        "als een aanwijzing, niet als bewijs dat de aanpak werkte. Gearceerde maanden zijn "
        "maar deels gedekt door de gegevens. " + before_after.SELECTION_NOTE
    )
    _address_surroundings(
        key_values, {k: v for k, v in stretches.items() if not isinstance(v, str)}
    )
    _approach_controls(row, key_values, place, since, running)


def _address_surroundings(key_values: tuple, stretches: dict) -> None:
    """The picked address against its surroundings and the rest of the area over the same
    stretches: the season and the zone's trend taken out, and whether the problem moved
    next door (:func:`dashboard.analysis.before_after.surroundings`)."""
    if not stretches:
        return
    st.markdown("**Tegenover de omgeving en de rest**")
    radius = (
        st.segmented_control(
            "Omgeving",
            before_after.RADII,
            default=before_after.DEFAULT_RADIUS,
            format_func=lambda r: f"tot {r} m",
            key="bronnen_adres_straal",
            help="De registraties binnen deze afstand van het adres (zonder het adres zelf): "
            "verschuift het probleem naar de buren?",
        )
        or before_after.DEFAULT_RADIUS
    )
    rest_label = (
        "rest van de zone"
        if not scope
        else "rest van "
        + ("je wijk" if layout.principal().role == Role.INSPECTOR else "de gekozen wijken")
    )
    place = incidents.address_place(version, key_values, scope)
    per_source = {
        common.dataset(k).label: before_after.surroundings(
            incidents.address_surroundings_daily(
                version, k, key_values, place, radius, scope, categories, hours, weekdays
            ),
            s,
        )
        for k, s in stretches.items()
    }
    table = surroundings_table(per_source, radius, rest_label)
    layout.table(style_table(missing_as_text(table)), key="bronnen_adres_omgeving")
    for sentence in surroundings_sentences(per_source, rest_label):
        st.markdown("- " + sentence)
    st.caption(SURROUNDINGS_NOTE + " Dezelfde dagen en filters als de tabel hierboven.")


def _may_record(wijk_code: str | None) -> bool:
    """Whether the signed-in user may record or end an approach of an address in this
    wijk: the coordinator anywhere, a wijkinspecteur in the own wijk; the beleidscel
    analyses, it does not record."""
    who = layout.principal()
    if who.role == Role.COORDINATOR:
        return True
    return who.role == Role.INSPECTOR and wijk_code is not None and who.wijk_code == wijk_code


def _approach_controls(
    row: pd.Series, key_values: tuple, place: str, since: date, running: dict | None
) -> None:
    """The picked address's running approach, and the forms to record or end one."""
    if message := st.session_state.pop("bronnen_aanpak_melding", None):
        st.success(message, icon=":material/check:")
    wijk_code = None if pd.isna(row["wijk_code"]) else str(row["wijk_code"])
    allowed = _may_record(wijk_code)
    if running:
        started = pd.Timestamp(running["started_on"]).date()
        st.info(f"Lopende aanpak sinds {fmt_date(started)}.", icon=":material/flag:")
        if layout.principal().role != Role.BELEIDSCEL:  # no names or free text for it
            # In a table, not in the line above: typed text is shown as typed, never
            # read as Markdown.
            layout.table(
                pd.DataFrame(
                    {
                        "Vastgelegd door": [running["started_by"]],
                        "Aanpak": [running["description"]],
                    }
                ),
                key="bronnen_aanpak_lopend",
            )
        if not allowed:
            return
        with (
            st.expander("Aanpak afsluiten", icon=":material/flag:"),
            st.form("bronnen_aanpak_afsluiten"),
        ):
            today = zone_today()
            last_day = st.date_input(
                "Laatste dag", value=max(started, today), min_value=started,
                max_value=max(started, today), format="DD/MM/YYYY", key="bronnen_aanpak_einde",
            )  # fmt: skip
            note = st.text_area(
                "Hoe liep de aanpak af?",
                max_chars=approaches.MAX_TEXT_LENGTH,
                key="bronnen_aanpak_afloop",
            )
            if st.form_submit_button("Aanpak afsluiten"):
                _save_approach(
                    lambda: approaches.close_approach(int(running["approach_id"]), last_day, note),
                    f"Aanpak van {place} afgesloten op {fmt_date(last_day)}.",
                )
        return
    if not allowed:
        return
    with st.expander("Aanpak vastleggen", icon=":material/flag:"):
        with st.form("bronnen_aanpak_vastleggen"):
            st.caption(
                f"Eerste dag: {fmt_date(since)} (het veld 'Maatregel of aanpak sinds' "
                "hierboven). De aanpak blijft bewaard bij elke nieuwe bouw van het "
                "warehouse, met wie ze vastlegde en wanneer."
            )
            text = st.text_area(
                "Wat wordt er gedaan?",
                max_chars=approaches.MAX_TEXT_LENGTH,
                placeholder="bv. gesprek met de uitbater, camera, bestuurlijke sluiting",
                key="bronnen_aanpak_omschrijving",
            )
            if st.form_submit_button("Aanpak vastleggen"):
                _save_approach(
                    lambda: approaches.start_approach(
                        key_values,
                        str(row["adres"]),
                        None if pd.isna(row["gemeente"]) else str(row["gemeente"]),
                        wijk_code,
                        since,
                        text,
                    ),
                    f"Aanpak van {place} vastgelegd, vanaf {fmt_date(since)}.",
                )


def _save_approach(save, message: str) -> None:
    """Run ``save`` (a write to the approaches, audited by the query layer); on success rerun
    the page with ``message`` shown above the forms, on a refusal show its Dutch reason where
    the form is."""
    try:
        save()
    except approaches.ApproachError as exc:
        st.error(str(exc), icon=":material/error:")
    else:
        st.session_state["bronnen_aanpak_melding"] = message
        st.rerun()


def _approach_list() -> None:
    """Every approach of the wijken whose records the reader may see, each judged on its
    own days (:func:`dashboard.queries.approaches.approach_effects`)."""
    if scope is None:
        layout.record_note(None)
        return
    effects = approaches.approach_effects(
        version, scope, keys, categories, hours=hours, weekdays=weekdays
    )
    if effects.empty:
        st.info(
            "Nog geen aanpak vastgelegd. Kies hierboven een adres en leg vast wat er gebeurt: "
            "de aanpak en haar effect blijven hier staan.",
            icon=":material/info:",
        )
        return
    # The beleidscel gets no names or free text.
    table = approach_table(effects, private=layout.principal().role == Role.BELEIDSCEL)
    layout.table(
        style_table(missing_as_text(table)),
        key=KEY_APPROACHES,
        on_select=partial(_remember_pick, KEY_APPROACHES),
        selection_mode="single-row",
    )
    st.caption(
        "Selecteer een aanpak: het verloop van het adres volgt hieronder. "
        + APPROACH_NOTE
        + " Met dezelfde filters als hierboven (categorie, uren, weekdagen)."
    )
    layout.table_downloads(table, "wijkbeeld_aanpakken", key="bronnen_aanpakken")


# ---------------------------------------------------------------- map
st.subheader("Kaart")
c1, c2 = st.columns([3, 1])
view = (
    c1.segmented_control(
        "Weergave", list(VIEWS), format_func=VIEWS.__getitem__, default="gi", key="bronnen_view"
    )
    or "gi"
)
show_poi = c2.toggle("Interessepunten tonen", value=False, key="bronnen_poi")
show_events = c2.toggle(
    "Evenementen tonen",
    value=False,
    key="bronnen_evenementen",
    help="De evenementen van de periode (evenementenlijst van de gemeente, map "
    "data/raw/events/): kermissen, fuiven, markten ... als paarse labels.",
)
granularity = "quarter"
if view == "opkomend":
    granularity = st.radio(
        "Perioden voor de trend",
        list(hq.GRANULARITIES),
        format_func=lambda g: hq.GRANULARITIES[g][1],
        horizontal=True,
        index=list(hq.GRANULARITIES).index("quarter"),
        key="bronnen_perioden",
        help="Kwartalen geven per periode genoeg feiten om een hotspot van toeval te "
        "onderscheiden; maanden tonen een snellere, maar ruisere trend.",
    )
fdr = True
if view in ("gi", "opkomend"):
    fdr = st.toggle(
        "Correctie voor het aantal zeshoeken (FDR)",
        value=True,
        key="bronnen_fdr",
        help="Honderden zeshoeken worden tegelijk getoetst: zonder correctie kan op 95 % "
        "tot één op veertig zeshoeken een hotspot zijn door toeval alleen (met weinig "
        "records minder). Met de correctie (Benjamini-Hochberg, zoals de briefing) blijven "
        "alleen hotspots over die ook dan opvallen.",
    )
basemap = maps.basemap_picker()
districts = district_shapes(version, "wijk")
focus = districts[districts["code"].isin(flt.wijken)] if flt.wijken else districts
m = maps.new_map(focus if not focus.empty else districts, basemap)
located = sum(hq.filtered_count(version, k, *args, located_only=True) for k in keys)
several = len(keys) > 1
png_polygons: list[dict] = []
png_points: pd.DataFrame | None = None
png_legend: list[tuple[str, str]] = []
note = ""
effective = view
if view in ("punten", "heatmap") and located > MAP_POINT_CAP:
    effective = "zeshoeken" if view == "punten" else "heatmap_cellen"


# Fine hexagons (~0,1 km²) only for the records the reader may see as points: an inspector
# gets the own wijk's records in fine cells and every other record in its coarse cell
# (~0,7 km²), as maps.visible_points does with points; None = fine cells everywhere.
fine_wijken = maps.fine_cell_wijken()
#: The filter holds none of the wijken the reader sees fine cells of (an inspector looking
#: at a neighbour): the hot-spot views have nothing to show, which is no finding ("0
#: zeshoeken zijn een hotspot" read as one).
no_fine_cells = (
    fine_wijken is not None and bool(flt.wijken) and not set(flt.wijken) & set(fine_wijken)
)
NO_FINE_CELLS_NOTE = (
    "Hotspots van {wijken} toont Wijkbeeld je niet: kleine zeshoeken en hun klassen zie je "
    "enkel voor {own}. Kies je eigen wijk in de wijkfilter."
)


#: The ``fine_wijken`` the hexagons on the map were drawn with (a map of coarse cells only:
#: ``None``), for the records of a clicked cell.
cell_wijken = fine_wijken


def _cells(coarse: bool = False) -> pd.DataFrame:
    # lat/lon is the cell's centre (hq.cell_counts), the same in every source.
    frames = [
        hq.cell_counts(version, k, *args, coarse=coarse, fine_wijken=fine_wijken) for k in keys
    ]
    return _sum_by(frames, ["h3_cell", "lat", "lon"], ["n"])


def _in_cells() -> int:
    """Records the hexagons hold: located inside the zone (the points may lie outside)."""
    return sum(hq.filtered_count(version, k, *args, inside_zone=True) for k in keys)


def _outside_note(in_cells: int) -> str:
    outside = located - in_cells
    if outside <= 0:
        return ""
    return (
        f" {fmt_count(outside, 'record ligt', 'records liggen')} buiten de zone, in geen zeshoek."
    )


def _classes_note() -> str:
    """What the Gi* and emerging views leave out for a reader without fine cells everywhere."""
    if fine_wijken is None:
        return ""
    other = (
        " Andere wijken zie je als aantal per grote zeshoek (~0,7 km²) in de weergave "
        "'Zeshoeken (H3)'."
    )
    if not fine_wijken:
        return " Geen zeshoeken van ~0,1 km² voor jouw rol." + other
    return (
        f" Je ziet enkel de zeshoeken van je eigen wijk {layout.wijk_labels(fine_wijken)}, met het "
        "aantal records van je wijk; de toets zelf rekent met alle records." + other
    )


if effective in ("punten", "heatmap"):
    frames = []
    for k in keys:
        pts = hq.points(version, k, *args)
        frames.append(pts.assign(category=common.dataset(k).label) if several else pts)
    pts = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    title = "Soort" if several else common.dataset(keys[0]).category_label
    nouns = ("gelokaliseerd record", "gelokaliseerde records")
    if effective == "heatmap":
        drawn = maps.add_heatmap(m, pts.assign(n=1), "Concentratie")
        note = "Heatmap van " + maps.drawn_note(
            drawn,
            *nouns,
            how="op hun plaats",
            hidden_how=f"gewogen in het midden van hun {maps.COARSE_AREA_TEXT}",
        )
    elif len(pts) > CLUSTER_FROM:
        drawn = maps.add_point_clusters(m, pts, title)
        note = maps.drawn_note(
            drawn, *nouns, how="als punt, gegroepeerd in clusters (klik om in te zoomen)"
        )
    else:
        drawn = maps.add_points(m, pts, title)
        note = maps.drawn_note(drawn, *nouns)
    if not pts.empty:
        palette = maps.category_colours(
            [str(c) for c in pts["category"].fillna("Onbekend").unique()]
        )
        png_points = layout.records(
            pts.assign(colour=pts["category"].fillna("Onbekend").astype(str).map(palette)),
            ids={"id": "ID"},
        )
        png_legend = [(palette[c], c) for c in sorted(palette)]
elif effective == "heatmap_cellen":
    cells = _cells()
    maps.add_heatmap(m, cells, "Concentratie")
    # The PNG draws the cells themselves: as on the hexagon view.
    png_polygons, png_legend = maps.add_count_hexagons(
        None, cells, "Aantal per zeshoek", fine_wijken
    )
    in_cells = _in_cells()
    note = (
        f"Meer dan {fmt_int(MAP_POINT_CAP)} gelokaliseerde records, daarom gewogen per "
        f"zeshoek: {fmt_count(in_cells, 'record', 'records')} in "
        f"{fmt_count(len(cells), 'zeshoek', 'zeshoeken')}."
        + _outside_note(in_cells)
        + maps.scoped_cells_note(fine_wijken)
    )
elif effective == "zeshoeken":
    cells = _cells()
    coarse = len(cells) >= MAP_POINT_CAP
    # Every record in its coarse cell, the own wijk's too: a click lists them there.
    cell_wijken = None if coarse else fine_wijken
    if coarse:
        cells = _cells(coarse=True)
    png_polygons, png_legend = maps.add_count_hexagons(
        m, cells, "Aantal per zeshoek", None if coarse else fine_wijken
    )
    in_cells = _in_cells()
    note = (
        f"{fmt_count(in_cells, 'gelokaliseerd record', 'gelokaliseerde records')}, geteld "
        "per zeshoek (H3)."
    )
    note += _outside_note(in_cells)
    if not coarse:
        note += maps.scoped_cells_note(fine_wijken)
    if view == "punten":
        note += f" Meer dan {fmt_int(MAP_POINT_CAP)} punten: daarom zeshoeken."
elif effective == "wijken":
    counts = _sum_by([hq.wijk_counts(version, k, *args) for k in keys], ["code"], ["n"])
    counts = hq.wijk_counts(version, keys[0], *args)[["code", "population"]].merge(
        counts, on="code", how="left"
    )
    rate = {
        r.code: (r.n / r.population * 1000 if pd.notna(r.population) and r.population else None)
        for r in counts.itertuples(index=False)
    }
    # A wijk outside the wijk filter has no records here because the filter left them out:
    # it gets no rate at all (it read 0,0 and pulled the classes down), only its outline.
    png_polygons, png_legend = maps.choropleth_layer(focus, rate, decimals=1)
    maps.add_filled_features(
        m, png_polygons, "Per 1.000 inwoners", png_legend, ["name", "label"], ["Wijk", "Per 1.000"]
    )
    note = "Records per 1.000 inwoners van de wijk; grijs = aantal inwoners onbekend."
    if flt.wijken:
        note += " Enkel de gekozen wijken."
elif effective == "gi" and (n_gi := _in_cells()) < (least := max(3, small_count_threshold())):
    # Two records 118 m apart made "7 zeshoeken zijn een hotspot met minstens 95 %
    # betrouwbaarheid", six of them empty (an audit): below the zone's small-count
    # threshold no test is shown, as the briefing lists none.
    note = (
        "Geen records in deze selectie: geen hotspotanalyse."
        if n_gi == 0
        else f"Te weinig records ({fmt_int(n_gi)}) voor een hotspotanalyse: Gi* vraagt er hier "
        f"minstens {fmt_int(least)}"
        + (
            " (de drempel van de zone voor kleine aantallen)"
            if least == small_count_threshold()
            else ""
        )
        + "; met zo "
        "weinig maken twee records dicht bij elkaar al een 'hotspot'. Kies een langere "
        "periode of meer categorieën."
    )
elif effective == "gi":
    gi = hq.hotspot_classes(version, keys, *args, fdr=fdr, fine_wijken=fine_wijken)
    if not gi.empty:
        png_polygons = maps.class_hexagon_features(gi, maps.GI_COLOURS, "klasse", "label")
        png_legend = [(maps.GI_COLOURS[k], GI_CLASS_LABELS[k]) for k in (3, 2, 1, 0, -1, -2, -3)]
        maps.add_class_hexagons(
            m, gi, maps.GI_COLOURS, "Getis-Ord Gi*", legend=png_legend, faint=(0,)
        )
    hot = int((gi["klasse"] >= 2).sum()) if not gi.empty else 0
    # A hot cell may hold no record itself (its neighbours' records make it hot): the
    # briefing lists only those with records, so the count says how many.
    hot_own = int(((gi["klasse"] >= 2) & (gi["n"] > 0)).sum()) if not gi.empty else 0
    # Gi* compares with the study area: the chosen wijken's cells (hq.study_cells), else
    # the zone's.
    area = "de gekozen wijken" if flt.wijken else "de zone"
    note = (
        f"Getis-Ord Gi* op {fmt_count(len(gi), 'zeshoek', 'zeshoeken')}: elke zeshoek samen met "
        f"zijn zes buren vergeleken met het gemiddelde van {area}. Een hotspot moet twee "
        "toetsen doorstaan: de gewone Gi*-toets (normale benadering, geschaald met de "
        "spreiding van de aantallen) en een exacte toets (hoe vaak zoveel records in die "
        f"zeshoeken samen vallen als ze lukraak over {area} verspreid lagen), die bij weinig "
        "records strenger is dan de gewone. "
        f"{fmt_count(hot, 'zeshoek is', 'zeshoeken zijn')} een hotspot met minstens 95 % "
        "betrouwbaarheid"
        + (
            ", ook na correctie voor het aantal zeshoeken (FDR)"
            if fdr
            else "; zonder correctie voor het aantal zeshoeken: een deel is toeval, en bij "
            "weinig records kan één feit al een hotspot maken"
        )
        + (
            f" ({fmt_int(hot_own)} met eigen records; de andere liggen naast drukke zeshoeken)."
            if hot_own < hot
            else "."
        )
        + _classes_note()
    )
elif effective == "opkomend":
    # A trend over months in which one of the sources stops (the nuisance register up to
    # June of the year chosen) reads its end as cells cooling down: the trend ends with it.
    # (Only an export that stops before the others': a period past the newest data is cut
    # off at it for every source alike, and reads no trend into that.)
    latest = max((span.last for span in spans.values()), default=period.end)
    early = {k: until[k] for k in keys if until[k] is not None and until[k] < latest}
    em_end = min([period.end, *early.values()])
    # A month without one record of a source (a missing export, marts.coverage) reads as
    # cells cooling down in its period, and a month left out near the end as hot spots
    # that fade: the trend starts with the first period after the last such month (the
    # sidebar's warning alone left the pattern to be read as a finding).
    gaps_of = {
        k: gaps
        for k in keys
        if (gaps := months_within(common.dataset_gaps(version, k), period.start, em_end))
    }
    em_gaps = sorted({g for gaps in gaps_of.values() for g in gaps})
    em_start = period.start
    if em_gaps:
        # The first whole period after the last such month (none: no trend).
        resume = month_end(em_gaps[-1]) + timedelta(days=1)
        em_start = next(
            (d for d in hq.period_starts(resume, em_end, granularity) if d >= resume),
            em_end + timedelta(days=1),
        )
    # Whole periods only: a last month of its first five days weighs as much as the others
    # and turned every persistent hot spot "historisch" (an audit); "Dit jaar" nearly
    # always ends within a month.
    asked = (em_start, min(em_end, latest))
    em_start, em_end = hq.whole_periods(*asked, granularity)
    em = (
        hq.emerging_classes(
            version,
            keys,
            em_start,
            em_end,
            *args[2:],
            granularity=granularity,
            fdr=fdr,
            fine_wijken=fine_wijken,
        )
        if em_start <= em_end
        else pd.DataFrame()
    )
    n_periods = len(hq.period_starts(em_start, em_end, granularity)) if em_start <= em_end else 0
    if not em.empty:
        em = em.rename(columns={"n_total": "n"})
        present = [k for k in maps.EMERGING_COLOURS if k in set(em["patroon"])]
        png_legend = [(maps.EMERGING_COLOURS[k], EMERGING_LABELS[k]) for k in present]
        png_polygons = maps.class_hexagon_features(
            em, maps.EMERGING_COLOURS, "patroon", "patroon_label"
        )
        maps.add_class_hexagons(
            m,
            em,
            maps.EMERGING_COLOURS,
            "Opkomende hotspots",
            class_col="patroon",
            label_col="patroon_label",
            legend=png_legend,
            faint=("no_pattern",),
        )
    note = (
        f"Gi* per {'kwartaal' if granularity == 'quarter' else 'maand'} over "
        f"{fmt_count(n_periods, 'periode', 'perioden')}, met de Mann-Kendall-trend per "
        "zeshoek; elke periode met dezelfde twee toetsen als de hotspotkaart. 'Nieuw' = enkel "
        "in de laatste periode een hotspot; 'opeenvolgend' = de laatste perioden na elkaar. "
        + (
            "Elke periode gecorrigeerd voor het aantal zeshoeken (FDR)."
            if fdr
            else "Zonder correctie voor het aantal zeshoeken: een deel is toeval."
        )
    )
    sources_end = min([period.end, *early.values()])
    if sources_end < period.end:
        stopped = [
            common.dataset(k).label.lower() for k, day in early.items() if day == sources_end
        ]
        note += (
            f" Tot {fmt_date(sources_end)}: daarna ontbreken de {' en de '.join(stopped)}, en "
            "hun einde zou als een afkoelende hotspot lezen."
        )
    # "de eerste maand", "het eerste kwartaal".
    first_unit, last_unit, unit = (
        ("het eerste kwartaal", "het laatste kwartaal", "kwartaal")
        if granularity == "quarter"
        else ("de eerste maand", "de laatste maand", "maand")
    )
    if em_start > em_end and not em_gaps:
        note += (
            f" Geen {unit} waarvan de periode minstens twee derde van de dagen bevat: geen trend."
        )
    elif em_start <= em_end:
        cut = []
        if em_start > asked[0] and not em_gaps:
            cut.append(
                f"{first_unit} ({fmt_date(asked[0])}–{fmt_date(em_start - timedelta(days=1))})"
            )
        if em_end < asked[1]:
            cut.append(f"{last_unit} ({fmt_date(em_end + timedelta(days=1))}–{fmt_date(asked[1])})")
        if cut:
            note += (
                f" {' en '.join(cut)[0].upper()}{' en '.join(cut)[1:]} "
                + ("telt" if len(cut) == 1 else "tellen")
                + " niet mee: minder dan twee derde van de dagen. Zo'n periode weegt te licht: "
                "een hotspot zou daar als opkomend of afkoelend lezen."
            )
        # A period at an edge that counts with part of its days says so.
        part, seen = [], set()
        for day, which in ((em_start, first_unit), (em_end, last_unit)):
            span = pd.Timestamp(day).to_period("Q" if granularity == "quarter" else "M")
            held, days = hq.days_held(day, em_start, em_end, granularity)
            if held < days and span not in seen:
                seen.add(span)
                part.append((which, held, days))
        if part:
            note += (
                " "
                + "; ".join(
                    f"{which[0].upper() if i == 0 else which[0]}{which[1:]} telt {fmt_int(n)} van "
                    f"{fmt_int(d)} dagen"
                    for i, (which, n, d) in enumerate(part)
                )
                + ": een zwakkere hotspot kan daar wegvallen."
            )
    if em_gaps:
        # Each source with its own empty months ("de feiten in 03/2025, de overlastmeldingen
        # in 09/2025"): together they read as both missing in both.
        missing = [
            f"de {common.dataset(k).label.lower()} in {fmt_gaps(gaps)}"
            for k, gaps in gaps_of.items()
        ]
        note += (
            (f" Vanaf {fmt_date(em_start)}:" if em_start <= em_end else " Geen trend:")
            + f" er ontbreken {' en '.join(missing)} (een ontbrekende export?), en een periode "
            "zonder hun records zou als een afkoelende hotspot lezen."
        )
    if n_periods == 1:
        note += " Eén periode heeft geen voorgeschiedenis: geen enkel patroon te tonen."
    if n_periods < MIN_TREND_PERIODS:
        note += (
            f" Met minder dan {MIN_TREND_PERIODS} perioden is er geen trend te zien."
            if em_gaps
            else f" Kies een langere periode: met minder dan {MIN_TREND_PERIODS} perioden is "
            "er geen trend te zien."
        )
    note += _classes_note()
if no_fine_cells and effective in ("gi", "opkomend"):
    note = NO_FINE_CELLS_NOTE.format(
        wijken=layout.wijk_labels(flt.wijken),
        own=layout.wijk_labels(fine_wijken) or "geen enkele wijk",
    )

if effective == "opkomend" and not no_fine_cells and n_periods < MIN_TREND_PERIODS:
    # An empty map with a grey line under it read as "no emerging hot spots" (a look in a
    # browser): the reason in a box above the map.
    st.info(
        f"Geen trend te tonen: {fmt_count(n_periods, 'periode', 'perioden')} in deze keuze, er "
        f"zijn er minstens {MIN_TREND_PERIODS} nodig (stijgend of dalend kan pas "
        "dan significant zijn). "
        # The classes without a trend are still drawn: "Geen trend te tonen" above a map of
        # consecutive and persistent hot spots read as a contradiction (a review).
        + (
            "De kaart toont wel de klassen die geen trend vragen (nieuw, opeenvolgend, "
            "sporadisch, oscillerend, historisch), en 'persistent' voor een hotspot in bijna "
            "elke periode: die kan dus ook stijgen of dalen. "
            if n_periods >= 2
            else ""
        )
        + (
            "Er ontbreken maanden van een bron (een ontbrekende export?); "
            if em_gaps
            else f"Kies een periode van minstens {MIN_TREND_PERIODS} hele "
            + ("kwartalen" if granularity == "quarter" else "maanden")
            + " (Periode 'Aangepast'); "
        )
        + "de uitleg staat onder de kaart.",
        icon=":material/info:",
    )
maps.add_outline_strokes(m, districts)
pois = hq.poi_points(version)
if show_poi:
    maps.add_pois(m, pois)
if show_events:
    maps.add_events(
        m, event_queries.events_between(version, period.start, period.end, tuple(flt.wijken))
    )
address = _selected_address()
if address:
    maps.add_highlight(
        m, address["lat"], address["lon"], address["adres"], radius_m=address["straal"]
    )
clicked = maps.show_clickable(
    m,
    key=f"bronnen_kaart_{effective}",
    focus=(address["lat"], address["lon"], address["straal"]) if address else None,
)
if address:
    around = f" en zijn omgeving tot {address['straal']:g} m" if address["straal"] else ""
    note += (
        f" De kaart toont {address['adres']}{around} (gekozen adres, hieronder); met − of "
        "door te scrollen zie je weer de hele zone."
    )
st.caption(note)
if scope != tuple(flt.wijken):
    layout.record_note(scope)  # other wijken are counted per hexagon, not drawn as points

feature = (clicked or {}).get("last_active_drawing") if isinstance(clicked, dict) else None
props = (feature or {}).get("properties") or {}
if props.get("cell"):
    st.session_state[KEY_SELECTION] = {"cell": str(props["cell"])}
elif props.get("code"):
    st.session_state[KEY_SELECTION] = {"wijk": str(props["code"])}

png_title = f"{VIEWS[view]} – {CHOICES[choice][0]} – {period.label}"
d1, d2, _ = st.columns([1, 1, 3])
layout.download_button(
    container=d1,
    label="Kaart als HTML",
    data=partial(maps.standalone_html, m),
    file_name="bronnen_kaart.html",
    mime="text/html",
    icon=":material/map:",
    key="bronnen_html",
)
layout.download_button(
    container=d2,
    label="Kaart als PNG",
    data=partial(
        static_map.static_map_png,
        districts,
        png_title,
        png_polygons,
        png_points,
        png_legend,
        pois if show_poi else None,
    ),
    file_name="bronnen_kaart.png",
    mime="image/png",
    icon=":material/image:",
    key="bronnen_png",
)

# ---------------------------------------------------------------- drill-down
st.subheader("Records in een zeshoek of wijk")
st.caption("Klik op een zeshoek of wijk op de kaart, of kies hieronder een wijk.")
selection = st.session_state.get(KEY_SELECTION)
names = dict(zip(districts["code"], districts["name"], strict=True))
# Only the wijken of the filter: the list counts the filtered records, and a wijk outside
# the filter showed "0 records in wijk Winksele" beside its 750.
picked = st.selectbox(
    "Wijk",
    [""] + [c for c in names if not flt.wijken or c in flt.wijken],
    format_func=lambda c: "(kaartselectie)" if c == "" else fmt_area(names[c], c),
    key="bronnen_wijkkeuze",
)
if picked:
    selection = {"wijk": picked}
outside_filter = bool(
    selection and selection.get("wijk") and flt.wijken and selection["wijk"] not in flt.wijken
)
if outside_filter:
    # A wijk clicked on the map, or kept from before the filter changed.
    st.info(
        f"{names.get(selection['wijk'], selection['wijk'])} valt buiten de gekozen wijken: "
        "kies die wijk in de wijkfilter om haar records te zien.",
        icon=":material/info:",
    )
    selection = None
codes_by_name = {n: c for c, n in names.items()}
ID_PREFIX = {"incidents": "PV", "nuisance": "MELD"}
# A wijk the role may not see records of (an inspector's neighbour): no list at all.
drill = scope
if selection and selection.get("wijk") and layout.record_scope((selection["wijk"],)) is None:
    drill = None
if selection:
    layout.record_note(drill)
if selection and drill is not None:
    cell = int(selection["cell"], 16) if "cell" in selection else None
    wijk = selection.get("wijk")
    label = f"zeshoek {selection['cell']}" if cell is not None else f"wijk {names.get(wijk, wijk)}"
    frames = [
        layout.records(
            hq.records_in_area(
                version, k, *record_args, cell=cell, wijk=wijk, fine_wijken=cell_wijken
            )
            .assign(bron=common.dataset(k).label)
            .pipe(lambda f: f.assign(wijk_code=f["wijk"].map(codes_by_name))),
            ids={"nummer": ID_PREFIX.get(k, "ID")},
        ).drop(columns="wijk_code")
        for k in keys
    ]
    records = pd.concat(frames, ignore_index=True).sort_values("datum", ascending=False)
    records = records.head(hq.RECORD_LIST_LIMIT)
    shown = records.rename(
        columns={
            "nummer": "Nummer",
            "datum": "Datum",
            "categorie": "Categorie",
            "adres": "Adres",
            "wijk": "Wijk",
            "bron": "Bron",
        }
    )
    st.markdown(f"**{fmt_count(len(shown), 'record', 'records')} in {label}**")
    if cell is not None and scope != tuple(flt.wijken):
        # An inspector's map counts other wijken's records in coarse cells: the list holds
        # none of them ("0 records in zeshoek …" beside the map's 2). Counted as the map
        # counts the cell, less the reader's own records in it.
        others = sum(
            hq.filtered_count(version, k, *args, cell=cell, fine_wijken=cell_wijken)
            - hq.filtered_count(version, k, *record_args, cell=cell, fine_wijken=cell_wijken)
            for k in keys
        )
        if others:
            st.caption(
                f"{fmt_count(others, 'record', 'records')} in deze zeshoek "
                f"{'ligt' if others == 1 else 'liggen'} buiten je eigen wijk "
                f"{layout.wijk_labels(scope)}: {'dat zie' if others == 1 else 'die zie'} je "
                "enkel geteld, op de kaart."
            )
    if len(shown) >= hq.RECORD_LIST_LIMIT:
        st.caption(f"Enkel de {fmt_int(hq.RECORD_LIST_LIMIT)} meest recente.")
    layout.table(style_table(shown), key="bronnen_records")
    e1, e2, _ = st.columns([1, 1, 3])
    with e1:
        layout.csv_download(shown, "bronnen_records.csv", "Lijst als CSV", key="bronnen_csv")
    layout.download_button(
        container=e2,
        label="Lijst als Excel",
        data=partial(to_xlsx_bytes, shown, "Records"),
        file_name="bronnen_records.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        key="bronnen_xlsx",
    )
elif not selection and not outside_filter:
    st.info("Nog geen zeshoek of wijk gekozen.")

# ---------------------------------------------------------------- when
st.subheader("Wanneer")
aoristic = st.toggle(
    "Aoristisch (tijdvensters spreiden)",
    value=False,
    key="bronnen_aoristisch",
    disabled="incidents" not in keys,
    help="Enkel voor feiten.",
)
time_filtered = hours != incidents.ALL_HOURS or bool(weekdays)
st.caption(
    "Aoristisch: een feit dat enkel tussen twee tijdstippen gebeurd kan zijn (bv. een "
    "inbraak tijdens het weekend) telt niet volledig in zijn beginuur, maar wordt gelijk "
    "verdeeld over alle uren van dat tijdvenster."
    + (
        " Met het uur- of weekdagfilter telt aoristisch het deel van elk tijdvenster dat in "
        "de gekozen uren en dagen valt, ook van een feit dat erbuiten begon; zonder "
        "aoristisch telt een feit in zijn beginuur."
        if time_filtered
        else ""
    )
)
matrix = pd.DataFrame(0.0, index=range(1, 8), columns=range(24))
# Records whose hour is unknown (a register that gives the day only) per source: they are
# no midnight reports, so they stay out of the matrix, and the caption says how many.
hour_unknown: dict[str, int] = {}
for k in keys:
    if k == "incidents" and aoristic:
        # Every record of the period, wijken and categories, whatever hour it began in;
        # the hour/weekday filter keeps the part of each window that falls in its slots.
        windows = hq.incident_windows(version, *args[:4])
        spread = aoristic_hour_weekday(hq.aoristic_input(windows), "van", "tot")
        matrix += hq.keep_time_slots(spread, hours, weekdays).to_numpy()
    else:
        counts = hq.hour_weekday_counts(version, k, *args)
        known = counts["hour"].notna()
        if unknown := int(counts.loc[~known, "n"].sum()):
            hour_unknown[k] = unknown
        grid = (
            counts[known]
            .astype({"hour": int})
            .pivot_table(index="weekday", columns="hour", values="n", aggfunc="sum")
        )
        matrix += grid.reindex(index=range(1, 8), columns=range(24)).fillna(0).to_numpy()
fig = go.Figure(
    go.Heatmap(
        z=matrix.to_numpy(),
        x=[f"{h:02d}u" for h in range(24)],
        y=[WEEKDAY_LABELS[d] for d in range(1, 8)],
        colorscale="YlOrRd",
        hovertemplate="%{y} %{x}: %{z:,.1f}<extra></extra>",
        colorbar={"title": "Aantal"},
    )
)
fig.update_layout(
    title="Uur × weekdag" + (" (aoristisch gewogen)" if aoristic and "incidents" in keys else ""),
    xaxis_title="Uur van de dag",
    yaxis={"autorange": "reversed", "title": ""},
    height=330,
    margin={"t": 40, "b": 40, "l": 10, "r": 10},
)
show_chart(fig, key="bronnen_uurmatrix")
if hour_unknown:
    st.caption(
        "Niet in de matrix: "
        + ", ".join(
            f"{fmt_int(n)} {common.dataset(k).label.lower()}" for k, n in hour_unknown.items()
        )
        + " zonder uur (de bron gaf enkel de dag; dat is geen middernacht)."
        + (
            " 'Aoristisch' spreidt de feiten over hun tijdvenster, ook die zonder uur."
            if "incidents" in hour_unknown
            else ""
        )
    )

monthly = _sum_by(
    [hq.monthly_counts(version, k, *args) for k in keys],
    ["maand"],
    ["n", "n_tot_dag", "n_vanaf_dag", "n_binnen"],
)
# The months come from the period, not from the filtered records: a month without a record
# is 0 (the chart lost the period's empty last months), and a month is unknown only before
# the data begin (not before the first record of one wijk and category).
year_earlier = date(period.start.year - 1, period.start.month, 1)
# Known from the first month every chosen source has (each source's own start), up to the
# last whole month every one covers (an export that stops earlier: see the warning above).
known_from = common.known_since(version, tuple(keys))
if known_from is not None and keys:
    # The day, not its month: a month the data begin in its course is no whole month to
    # compare a year later with (a review).
    known_from = max(known_from, *(first_known[k] for k in keys))
months_end = min([period.end, *(d for d in until.values() if d is not None)])
if months_end < period.end and (months_end + timedelta(days=1)).day != 1:
    months_end = months_end.replace(day=1) - timedelta(days=1)
series = monthly_with_last_year(
    monthly,
    "maand",
    "n",
    # A month the period begins or ends in its course counts the period's days only, set
    # against the same days a year earlier (as the page's figures and Verkenning count).
    through=period.end,
    through_col="n_tot_dag",
    since=period.start,
    since_col="n_vanaf_dag",
    between_col="n_binnen",
    months=(year_earlier, period.end),
    known_from=known_from,
)
series = series[
    (series["maand"] >= pd.Period(period.start, "M"))
    & (series["maand"] <= pd.Period(months_end, "M"))
].copy()


# A month without one record of a busy source (a missing export) is unknown, this year or
# a year earlier: no bar or point there, and not "opvallend" ("475 tegen 160": a September
# without facts a year before).
def _month(day: date) -> pd.Period:
    return pd.Period(day, "M")


gap_months = {_month(g) for k in keys if k in spans for g in spans[k].gaps}
if gap_months and not series.empty:
    this_year = series["maand"].isin(gap_months)
    year_before = series["maand"].map(lambda p: p - 12).isin(gap_months)
    series[["n", "vorig_jaar"]] = series[["n", "vorig_jaar"]].astype(float)
    series.loc[this_year, "n"] = float("nan")
    series.loc[year_before, "vorig_jaar"] = float("nan")
    series.loc[this_year | year_before, "notable"] = False
# The first day the chosen sources cover: a bar of the month the data begin in counts
# from it ("dec 2023 (1–10)" counted 7-10 December), and the line's note names it.
data_first = max((spans[k].first for k in keys), default=None)
counted_from = max([period.start, *(starts[k] for k in keys)])
if not series.empty:
    labels = [
        f"{month_abbreviation(p.month)} {p.year}{part_of_month(p, counted_from, period.end)}"
        for p in series["maand"]
    ]
    fig = go.Figure(
        [
            go.Bar(
                x=labels,
                y=series["n"],
                name="Deze maand",
                marker_color="#1f4e79",
                # One or two months (a 28-day period) drew one bar over the whole width.
                width=0.4 if len(labels) < 4 else None,
            ),
            go.Scatter(
                x=labels,
                y=series["vorig_jaar"],
                name="Zelfde maand vorig jaar"
                + (
                    " (voor een onvolledige maand: dezelfde dagen)" if series["deels"].any() else ""
                ),
                mode="lines+markers",
                line={"color": "#f03b20"},
            ),
        ]
    )
    fig.update_layout(
        title="Per maand, met dezelfde maand een jaar eerder",
        height=330,
        margin={"t": 40, "b": 40, "l": 10, "r": 10},
        legend={"orientation": "h"},
    )
    show_chart(fig, key="bronnen_maanden")
    before = [label for label, n in zip(labels, series["vorig_jaar"], strict=True) if pd.isna(n)]
    shown_months = set(series["maand"]) | {p - 12 for p in series["maand"]}
    gapped = sorted(p for p in gap_months if p in shown_months)
    if gapped:
        # Per source: with facts and reports together, a month without facts is no month
        # "zonder enig record".
        named = [
            f"{filters.NONE_OF_DOMAIN[k].lower()} met datum in {fmt_gaps(tuple(mine))}"
            for k in keys
            if k in spans
            and (
                mine := [
                    p.start_time.date() for p in gapped if p in set(map(_month, spans[k].gaps))
                ]
            )
        ]
        sentence = " en ".join(named)
        st.caption(
            sentence[:1].upper()
            + sentence[1:]
            + " (een ontbrekende export?): "
            + ("die maand blijft" if len(gapped) == 1 else "die maanden blijven")
            + " leeg, ook als vergelijking een jaar later (onbekend, geen 0)."
        )
        before = [
            label
            for label, n, p in zip(labels, series["vorig_jaar"], series["maand"], strict=True)
            if pd.isna(n) and (p - 12) not in gap_months
        ]
    if before:
        # The line stops without a word otherwise: an empty legend entry, or a line that
        # seems to begin late.
        st.caption(
            "Een jaar eerder: geen gegevens"
            + (f" vóór {fmt_date(data_first)}" if data_first is not None else "")
            + f", dus geen lijn bij {', '.join(before)} (onbekend, geen 0)."
        )
    notable = series[series["notable"]]
    if not notable.empty:
        st.caption(
            "Opvallend anders dan een jaar eerder (|z| > 2 en door toeval in minder dan 5 % van de "
            "gevallen, exacte Poissontoets, zoals in de briefing): "
            + ", ".join(
                f"{month_name(r.maand.month)} {r.maand.year}"
                + part_of_month(r.maand, counted_from, period.end)
                + f" ({fmt_int(r.n)} tegen {fmt_int(r.vorig_jaar)})"
                for r in notable.itertuples(index=False)
            )
            + "."
        )

# ---------------------------------------------------------------- repeat places
st.subheader("Adressen met herhaalde feiten of meldingen")
st.caption(
    "Een adres telt één keer, hoe de exports het ook schrijven ('Kerkstr. 12' is "
    "'Kerkstraat 12'; zie 'Ook geschreven als'). Selecteer een adres, hier of in de "
    "aanpakken eronder: de kaart omcirkelt het, en onder de aanpakken volgt zijn verloop, "
    "met vóór en na een aanpak op dat adres."
)
for key, df in repeated.items():
    ds = common.dataset(key)
    st.markdown(f"**{ds.label}**")
    if scope is None:
        layout.record_note(None)
        continue
    if df.empty:
        st.info("Geen adres met meer dan één registratie in deze periode.")
        continue
    shown = df.drop(columns=["lat", "lon", "wijk_code", *incidents.ADDRESS_KEY]).rename(
        columns={
            "adres": "Adres",
            "gemeente": "Gemeente",
            "wijk": "Wijk",
            "aantal": "Aantal",
            "categorieen": ds.category_label,
            "eerste": "Eerste",
            "laatste": "Laatste",
            "schrijfwijzen": "Ook geschreven als",
        }
    )
    shown["Eerste"] = pd.to_datetime(shown["Eerste"])
    shown["Laatste"] = pd.to_datetime(shown["Laatste"])
    layout.table(
        # Records without a wijk (not located, outside the zone) have one: "–", not "None".
        style_table(missing_as_text(shown)),
        key=f"{KEY_ADDRESSES}_{key}",
        on_select=partial(_remember_pick, key),
        selection_mode="single-row",
    )

st.subheader("Aanpakken van probleemadressen")
_approach_list()

# ---------------------------------------------------------------- one address over time
picked = _picked_address()
if picked is not None:
    _address_history(picked)

st.subheader("Near-repeat: inbraken kort na elkaar dicht bij elkaar")
incident_categories = common.category_values(version, "incidents")
default_cat = next((c for c in incident_categories if "inbraak" in c.lower()), None)
nr_cat = st.selectbox(
    "Categorie",
    incident_categories,
    index=incident_categories.index(default_cat) if default_cat else 0,
    key="bronnen_nr_categorie",
)
c_dist, c_days = st.columns(2)
distance = c_dist.number_input("Afstand (m)", 50, 1000, 200, step=50, key="bronnen_nr_m")
days = c_days.number_input("Dagen", 1, 60, 14, key="bronnen_nr_dagen")
burg = (
    hq.burglaries(version, *record_args[:3], (nr_cat,), hours, weekdays)
    if scope is not None
    else pd.DataFrame()
)
if scope != tuple(flt.wijken):
    # The chains list addresses one by one: an inspector gets those of the own wijk only.
    layout.record_note(scope)
if scope is None:
    st.caption("Geen near-repeatanalyse buiten je eigen wijk.")
elif len(burg) < 2:
    st.info(f"Te weinig feiten ({fmt_int(len(burg))}) voor een near-repeatanalyse.")
elif len(burg) > hq.NEAR_REPEAT_MAX:
    st.info(
        f"{fmt_int(len(burg))} feiten: te veel voor een near-repeatanalyse (meer dan "
        f"{fmt_int(hq.NEAR_REPEAT_MAX)}). Kies een kortere periode of enkele wijken."
    )
else:
    nr = near_repeats(burg, "x", "y", "t", distance_m=distance, days=days, id_col="id")
    knox = knox_test(
        burg, "x", "y", "t", distance_m=distance, days=days,
        permutations=hq.knox_permutations(len(burg)),
    )  # fmt: skip
    st.markdown(knox.sentence)
    if nr.chains.empty:
        st.info("Geen ketens in deze periode.")
    else:
        chains = nr.chains.merge(burg[["id", "lat", "lon", "adres"]], on="id", how="left")
        chains["label"] = [
            f"Keten {k}, nr. {v}: {fmt_date(t)} – {a}"
            for k, v, t, a in zip(
                chains["keten_id"], chains["volgnummer"], chains["t"], chains["adres"], strict=True
            )
        ]
        summary = (
            chains.groupby("keten_id")
            .agg(
                Feiten=("id", "size"),
                Eerste=("t", "min"),
                Laatste=("t", "max"),
                Adressen=("adres", lambda a: ", ".join(dict.fromkeys(a))[:200]),
            )
            .reset_index()
            .rename(columns={"keten_id": "Keten"})
            .sort_values(["Feiten", "Eerste"], ascending=[False, False])
        )
        st.markdown(
            f"**{fmt_count(len(summary), 'keten', 'ketens')}** met samen {fmt_int(len(chains))} feiten "
            f"(binnen {fmt_int(distance)} m en {fmt_int(days)} dagen van een eerder feit)."
        )
        layout.table(style_table(summary.head(100)), key="bronnen_ketens")
        top = summary.head(50)["Keten"]
        chain_map = maps.new_map(focus if not focus.empty else districts, basemap)
        maps.add_chains(chain_map, chains[chains["keten_id"].isin(top)])
        maps.add_outline_strokes(chain_map, districts)
        maps.show(chain_map, key="bronnen_ketenkaart", height=420)

# ---------------------------------------------------------------- around what
st.subheader("Rond welke plaatsen?")
# Counts within 100 m of a named place are records, not aggregates: a café, a station and
# a shopping centre within 100 m of each other, a category and one day pinned a single
# record of another wijk for an inspector (an audit). The wijken whose records the reader
# may see only (an inspector: the own wijk).
zone_wkt = None if scope is None else hq.zone_geometry_31370(version, scope)
if scope is None:
    layout.record_note(None)
elif pois.empty or zone_wkt is None or "incidents" not in keys:
    st.info("Geen interessepunten of zonegrens, of geen feiten gekozen.")
else:
    zone = shapely.from_wkt(zone_wkt)
    xy = hq.record_xy(version, "incidents", *record_args)
    total = hq.filtered_count(version, "incidents", *record_args, located_only=True)
    # The area analysed, as the sentences name it: the rest of a wijk is no "rest van de zone".
    where = "je eigen wijk" if scope != tuple(flt.wijken) else chosen_area(scope)
    if scope != tuple(flt.wijken):
        layout.record_note(scope)
    risk = risk_near_poi(
        xy, pois.rename(columns={"poi_type": "type"}), zone.area, zone=zone,
        type_labels={t: f"een {t.lower()}" for t in pois["poi_type"].unique()}, where=where,
    )  # fmt: skip
    # The places lying in the area analysed, and the label says which area that is.
    area = f"in {where}"
    for poi_type, rows in risk.groupby("type", sort=True):
        n_poi = fmt_int(rows["n_poi_zone"].iloc[0])
        st.markdown(f"**{poi_type}** ({n_poi} {area}): " + " ".join(rows["zin"]))
    if len(xy) >= MAX_ROWS:
        st.caption(
            f"Berekend op een vaste steekproef van {fmt_int(len(xy))} van de "
            f"{fmt_int(total)} feiten; de verhoudingen veranderen daardoor niet."
        )
    st.caption(
        "Een verhouding boven 1 betekent meer feiten per km² dicht bij zo'n plaats dan in de "
        f"rest van {where}. Dat zegt waar het "
        "gebeurt, niet dat de plaats de oorzaak is. Het "
        "95 %-interval zegt hoe zeker de verhouding is (exact, uit het aandeel feiten binnen "
        "de straal): bevat het 1, dan kan het toeval zijn; met weinig feiten is het breed."
    )
    table = risk[
        ["type", "radius_m", "n_binnen", "dichtheid_binnen", "dichtheid_buiten", "ratio"]
    ].copy()
    table["interval"] = [
        "–"
        if not math.isfinite(lo)
        else f"{fmt_number(lo, 1)} – {'∞' if math.isinf(hi) else fmt_number(hi, 1)}"
        for lo, hi in zip(risk["ratio_laag"], risk["ratio_hoog"], strict=True)
    ]
    table = table.rename(
        columns={
            "type": "Type",
            "radius_m": "Straal (m)",
            "n_binnen": "Feiten binnen straal",
            "dichtheid_binnen": "Per km² binnen",
            "dichtheid_buiten": "Per km² buiten",
            "ratio": "Verhouding",
            "interval": "95 %-interval",
        }
    )
    table["Straal (m)"] = table["Straal (m)"].astype(int)
    layout.table(style_table(table), key="bronnen_poi_tabel")

# ---------------------------------------------------------------- per category and wijk
st.subheader("Aantal per categorie en wijk")
for key in keys:
    ds = common.dataset(key)
    counts = common.counts_by(
        version, key, ("Categorie", "Wijk"), period.start, period.end, flt.wijken, categories
    )
    if counts.empty:
        st.info(f"Geen {ds.label.lower()} in deze periode en selectie.")
        continue
    pivot = counts.pivot_table(
        index="categorie", columns="wijk", values="waarde", aggfunc="sum", fill_value=0
    )
    pivot["Totaal"] = pivot.sum(axis=1)
    pivot = pivot.sort_values("Totaal", ascending=False).astype(int)
    pivot.index.name = ds.category_label
    st.markdown(f"**{ds.label}**")
    layout.table(style_table(pivot.reset_index()))
if hours != incidents.ALL_HOURS or weekdays:
    st.caption("Deze tabel volgt periode, wijk en categorie, niet het uur- en weekdagfilter.")
