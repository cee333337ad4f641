"""Verkeer: accidents by severity, Flemish black spots, enforcement, trends and timing.

Accidents (``marts.accidents``) and victims (``marts.victims``) are different units and are
never added up. The zone's own registration and Statbel describe the same accidents: the
page shows one source at a time (or both side by side), never their sum, and black spots
use the zone's own registration only.
"""

from __future__ import annotations

from functools import partial

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard.analysis import blackspots as rule
from dashboard.analysis.compstat import (
    Period,
    compare_periods,
    covered,
    fmt_gaps,
    months_within,
    only_in,
)
from dashboard.analysis.temporal import monthly_with_last_year
from dashboard.analysis.workload import rate_per_1000
from dashboard.components import comparison, filters, layout, maps
from dashboard.components.charts import show_chart
from dashboard.components.filters import year_before
from dashboard.components.format import (
    MISSING,
    WEEKDAYS,
    fmt_check,
    fmt_clock,
    fmt_count,
    fmt_date,
    fmt_int,
    fmt_number,
    fmt_period,
    part_of_month,
    style_table,
)
from dashboard.exports import blackspots as export
from dashboard.queries import blackspots, districts, overview, traffic
from etl.config import load_zone

SEVERITY_COLOURS = {
    "Dodelijk": "#000000",
    "Zwaargewond": "#d7191c",
    "Lichtgewond": "#fdae61",
    "Stoffelijke schade": "#2c7bb6",
}
CONTROL_COLOURS = {
    "Snelheid": "#1b9e77",
    "Alcohol": "#7570b3",
    "Drugs in het verkeer": "#e7298a",
    "Zwaar vervoer": "#a6761d",
}
#: The x-axis of a chart per month or year. The labels are text ("2024", "2026 (t.e.m.
#: 30/11)", "12/2025"): left to guess, plotly took a mix of years and longer labels for
#: numbers, drew "2.023,5 · 2024 · 2.024,5" and dropped the bars with a longer label.
PERIOD_AXIS = dict(type="category", categoryorder="trace")
#: Radius (m) around a top location within which a control counts as "near".
CONTROL_RADIUS_M = 250.0
TOP_N = 10
STATBEL_LIMITS = (
    "Statbel publiceert enkel letselongevallen, met maand en uur maar zonder dag: elke "
    "maand die de periode raakt telt volledig mee, en een indeling per weekdag kan niet. "
    "Elk ongeval heeft één ernstklasse (het zwaarst getroffen slachtoffer), geen aantallen "
    "slachtoffers en geen adres, wel coördinaten: op de kaart staat het op zijn plaats, "
    "zonder adres. Tel Statbel en de eigen registratie nooit op: ze beschrijven dezelfde "
    "ongevallen."
)


def _zone() -> dict:
    try:
        return load_zone()
    except FileNotFoundError:
        return {}


version = layout.warehouse()
flt = filters.common_filters(version, domains=("accidents",))
period = flt.period
zone = _zone()

st.title("Verkeer")
layout.period_caption(period.label)

has_statbel = traffic.source_available(version, "statbel")
has_zone = traffic.source_available(version, "zone")
if not (has_zone or has_statbel):
    # Nothing to count: every chart would be an empty grid of zeros and every sentence
    # would say the period "falls outside" a source that is simply not there.
    st.info(
        "Nog geen verkeersongevallen geladen: geen eigen registratie (accidents/) en geen "
        "Statbel-bestand (statbel/). Laad ze op in de pagina Data; tot dan zijn de "
        "ongevallen onbekend, niet 0.",
        icon=":material/info:",
    )
    st.stop()
loaded_default = "accidents" if has_zone else "accidents_statbel"
source = (
    st.segmented_control(
        "Bron",
        list(traffic.SOURCES),
        format_func=traffic.SOURCES.__getitem__,
        default=loaded_default,
        key="verkeer_bron",
        help="De bron staat bij elke tabel en grafiek; gevaarlijke punten gebruiken altijd "
        "de eigen registratie.",
    )
    or loaded_default
)
if not (has_zone if source == "accidents" else has_statbel):
    st.info(
        f"{traffic.SOURCES[source]} is niet geladen: kies de andere bron, of laad "
        f"{'de ongevallenexport van de zone (accidents/)' if source == 'accidents' else 'het Statbel-bestand (statbel/)'} "
        "op in de pagina Data.",
        icon=":material/info:",
    )
    st.stop()
statbel = source == "accidents_statbel"
if statbel:
    st.caption(STATBEL_LIMITS)
source_label = traffic.SOURCES[source]

# ------------------------------------------------------------------------------------
# Accident filters (facets)
# ------------------------------------------------------------------------------------
# The values of the chosen source (Statbel writes "Fiets", the zone "Fietser"); the zone's
# own road users in its configured order first.
options = traffic.facet_values(version, source)
road_users = [] if statbel else list(zone.get("categories", {}).get("road_users", []))
options["weggebruiker"] = road_users + [u for u in options["weggebruiker"] if u not in road_users]
options["ernst"] = [s for s in traffic.SEVERITY_ORDER if s in options["ernst"]] + [
    s for s in options["ernst"] if s not in traffic.SEVERITY_ORDER
]
with st.expander("Filters voor ongevallen", expanded=False, icon=":material/filter_alt:"):
    cols = st.columns(3)
    chosen = []
    for i, (key, (label, _)) in enumerate(traffic.FACETS.items()):
        picked = cols[i % 3].multiselect(
            # Per source: a value picked for one may not exist in the other.
            label,
            options.get(key, []),
            key=f"verkeer_f_{source}_{key}",
            placeholder="Alle",
        )
        if picked:
            chosen.append((key, tuple(picked)))
    st.caption(
        "Een ongeval telt bij een weggebruiker als die bij het ongeval betrokken was (partij 1 "
        "of 2). De filters gelden voor kaart, kerncijfers, trends en tijdstippen; niet voor de "
        "gevaarlijke punten, die de Vlaamse regel volgen over alle letselongevallen."
    )
facets: traffic.Facets = tuple(chosen)
if facets:
    st.caption("Filter: " + "; ".join(f"{traffic.FACETS[k][0]}: {', '.join(v)}" for k, v in facets))

# ------------------------------------------------------------------------------------
# Key figures
# ------------------------------------------------------------------------------------
summary = traffic.accident_summary(version, source, period.start, period.end, flt.wijken, facets)
# Statbel has no day: every month the period touches counts, so its previous period is as
# many whole months right before those.
previous = period.previous_months() if statbel else period.previous()
before = traffic.accident_summary(version, source, previous.start, previous.end, flt.wijken, facets)
# What the source covers: a day (Statbel: a month) outside it is unknown, not 0. Statbel
# publishes a year late, and neither source covers the months before its first export: a
# period there counted 0 and read as "opvallend minder" (or its successor as "meer").
bounds = traffic.source_span(version, source)
counted = period.months() if statbel else period


def _empty_months(p) -> tuple:
    """The months of ``p`` without one record of a busy source (a missing export)."""
    return months_within(bounds["gaps"], p.start, p.end)


def _covered(p) -> bool:
    """Whether the source covers every day (Statbel: month) of ``p``, without a month
    that holds no record where it counts ten or more a month (a missing export)."""
    return covered(p, bounds["first"], bounds["last"]) and not _empty_months(p)


now_covered = _covered(counted)
now_touched = (
    bounds["first"] is not None
    and bounds["first"] <= counted.end
    and counted.start <= bounds["last"]
)
coverage_text = (
    f"{source_label} dekt {fmt_period(bounds['first'], bounds['last'])}"
    if bounds["first"] is not None
    else f"{source_label} bevat geen ongevallen"
)
now_empty = _empty_months(counted)
# Only a month without one record of a busy registration (a missing export) keeps the
# period from being covered: said as such, not as "outside what the source covers".
gap_only = bool(now_empty) and covered(counted, bounds["first"], bounds["last"])
gap_text = (
    f"{source_label}: geen enkel ongeval met datum in {fmt_gaps(now_empty)} (een ontbrekende "
    "export?)"
)
if not now_touched or (gap_only and only_in(now_empty, counted.start, counted.end)):
    # Wholly inside such months the count is unknown ("–"), not 0.
    summary = dict.fromkeys(summary)
if not (now_covered and _covered(previous)):
    before = dict.fromkeys(before)
# What the tables below say about the days they count.
days_note = (
    f" {gap_text}: {'die maand telt' if len(now_empty) == 1 else 'die maanden tellen'} als 0."
    if gap_only
    else f" {coverage_text}: enkel die dagen tellen."
)
if gap_only:
    st.warning(
        f"{source_label}: geen enkel ongeval met datum in {fmt_gaps(now_empty)}, terwijl "
        f"{'Statbel' if statbel else 'de registratie'} er gewoonlijk tien of meer per maand "
        "heeft: een ontbrekende export? Wat "
        f"in {'die maand' if len(now_empty) == 1 else 'die maanden'} gebeurde is onbekend: "
        "geen vergelijking met andere periodes.",
        icon=":material/warning:",
    )
elif not now_covered:
    st.warning(
        f"{coverage_text}: de gekozen periode valt er "
        f"{'deels' if now_touched else 'helemaal'} buiten. Wat erbuiten valt is onbekend, "
        "niet 0: geen vergelijking met andere periodes"
        + (", de aantallen tellen enkel de gedekte dagen." if now_touched else "."),
        icon=":material/warning:",
    )
elif before["ongevallen"] is None and _empty_months(previous):
    st.caption(
        f"{source_label}: geen enkel ongeval met datum in {fmt_gaps(_empty_months(previous))} "
        "(een ontbrekende export?), dus geen verschil met de vorige periode."
    )
elif before["ongevallen"] is None:
    st.caption(f"{coverage_text}: de vorige periode niet, dus geen verschil met die periode.")

st.subheader("Ongevallen")
layout.kpi_row(
    [
        layout.Kpi("Ongevallen", summary["ongevallen"], before["ongevallen"]),
        layout.Kpi("Letselongevallen", summary["letselongevallen"], before["letselongevallen"]),
        layout.Kpi(
            "Enkel stoffelijke schade",
            None if statbel else summary["enkel_stoffelijke_schade"],
            None if statbel else before["enkel_stoffelijke_schade"],
            help="Statbel bevat geen ongevallen met enkel stoffelijke schade." if statbel else None,
        ),
    ]
)
if statbel:
    st.caption(
        f"Statbel telt per hele maand: {fmt_period(period.months().start, period.months().end)} "
        f"tegenover {fmt_period(previous.start, previous.end)}."
    )
st.subheader("Slachtoffers")
if statbel:
    st.caption(
        "Statbel geeft per ongeval enkel de ernstklasse, geen slachtoffers: hieronder het "
        "aantal ongevallen per klasse."
    )
    layout.kpi_row(
        [
            layout.Kpi("Dodelijke ongevallen", summary["doden"], before["doden"]),
            layout.Kpi(
                "Ongevallen met zwaargewonden", summary["zwaargewonden"], before["zwaargewonden"]
            ),
            layout.Kpi(
                "Ongevallen met lichtgewonden", summary["lichtgewonden"], before["lichtgewonden"]
            ),
        ]
    )
else:
    # Victims come per accident: each count is noisier than Poisson by its own factor.
    by_class = overview.victim_dispersion(version, "severity_class")
    phi = {
        "doden": by_class.get("killed", 1.0),
        "zwaargewonden": by_class.get("seriously_injured", 1.0),
        "lichtgewonden": by_class.get("lightly_injured", 1.0),
        "slachtoffers": overview.victim_dispersion(version)["all"],
    }
    layout.kpi_row(
        [
            layout.Kpi(label, summary[key], before[key], dispersion=phi[key])
            for label, key in (
                ("Doden", "doden"),
                ("Zwaargewonden", "zwaargewonden"),
                ("Lichtgewonden", "lichtgewonden"),
                ("Slachtoffers (totaal)", "slachtoffers"),
            )
        ]
    )
st.caption(
    "Een ongeval telt één keer, ongeacht het aantal slachtoffers; een slachtoffer is een "
    "persoon. De ernst van een ongeval is die van het zwaarst getroffen slachtoffer. "
    "Doden: overleden binnen 30 dagen."
)

# ------------------------------------------------------------------------------------
# Black-spot ranking (computed before the map, which marks the black spots)
# ------------------------------------------------------------------------------------
base_params = blackspots.BlackSpotParams.configured()
distance = st.session_state.get("verkeer_clusterafstand", int(base_params.distance_m))
params = blackspots.BlackSpotParams.configured(distance_m=float(distance))
bs_window = blackspots.window(period.end, params.years)
# The rule always counts the zone's own registration: a window reaching before its first
# export (or after its last day) is judged on part of the years, and says so.
zone_bounds = traffic.source_span(version, "accidents")
bs_coverage = export.coverage_note(
    bs_window, zone_bounds["first"], zone_bounds["last"], zone_bounds["gaps"]
)
# No day of the window in the zone's own registration (none loaded, or it stops before the
# window): no judgement, and the counts of black spots are unknown, not 0.
bs_judged = export.window_reach(bs_window, zone_bounds["first"], zone_bounds["last"]) is not None
ranked_all = blackspots.ranking(version, period.end, params)
ranked = (
    ranked_all[ranked_all["wijk_code"].isin(flt.wijken)] if flt.wijken else ranked_all
).reset_index(drop=True)
wijk_info = districts.wijken(version)
wijk_names = dict(zip(wijk_info["code"], wijk_info["name"], strict=True))


def _may_see(locations: pd.DataFrame) -> pd.Series:
    """Which ranked locations the reader may see one by one.

    Another wijk's locations only as black spots, or candidates of at least the rule's
    number of injury accidents, for a reader limited to the own wijk (an inspector): those
    are aggregates of several injury accidents, public in the road authority's lists. A
    location merely ranked, or a candidate of two accidents with a high score, holds one or
    two, and its dates, score formula and ring gave one person's accident away (severity,
    road user, exact place; an audit, and a review for the candidates).
    """
    several = locations["n_injury_accidents"] >= params.min_injury_accidents
    return pd.Series(
        [
            bool(black or (cand and many)) or layout.record_scope((str(wijk or ""),)) is not None
            for wijk, black, cand, many in zip(
                locations["wijk_code"],
                locations["is_black_spot"],
                locations["is_candidate"],
                several,
                strict=True,
            )
        ],
        index=locations.index,
        dtype=bool,
    )


def _control_results(results: pd.DataFrame) -> None:
    """What the controls of the period found, per type: vehicles checked, offences and the
    share in violation (a speed control is judged by it, not by its hours alone)."""
    if results.empty:
        return
    frame = results.copy()
    if len(frame) > 1:
        total = frame.drop(columns="control_type").sum().to_frame().T
        frame = pd.concat([frame, total.assign(control_type="Totaal")], ignore_index=True)
    vehicles = frame["vehicles"].astype(float)
    if len(frame) > 1:
        # Vehicles past a speed camera and drivers breath-tested are no one population:
        # the total has no share of its own.
        vehicles.iloc[-1] = 0.0
    table = pd.DataFrame(
        {
            "Soort controle": frame["control_type"].astype(str),
            "Controles": frame["n"].astype(int),
            "Uren": frame["hours"].astype(float),
            "Gecontroleerde voertuigen": frame["vehicles"].astype(int),
            "Overtredingen": frame["offences"].astype(int),
            # Text: st.dataframe writes a gap as "None" whatever the Styler says.
            "In overtreding (%)": [
                fmt_number(100 * o / v, 1) if v > 0 else MISSING
                for o, v in zip(frame["offences"], vehicles, strict=True)
            ],
        }
    )
    st.markdown("**Resultaat van de controles**")
    layout.table(style_table(table))
    n, counted = int(results["n"].sum()), int(results["n_counted"].sum())
    note = "Alle controles van de periode, ook die zonder locatie."
    if counted < n:
        note += (
            f" {fmt_count(n - counted, 'controle geeft', 'controles geven')} geen aantal "
            "gecontroleerde voertuigen of overtredingen: "
            + ("ze telt" if n - counted == 1 else "ze tellen")
            + " niet mee in de voertuigen, de overtredingen en het aandeel."
        )
    st.caption(note)


def _control_squares(m, points: pd.DataFrame) -> maps.Drawn:
    """Traffic controls as squares whose tooltip also says what each one found."""

    def result(vehicles, offences) -> str:
        if pd.isna(vehicles) or vehicles <= 0:
            return "–"
        if pd.isna(offences):
            return f"{fmt_int(vehicles)} voertuigen, overtredingen onbekend"
        return f"{fmt_int(offences)} van {fmt_int(vehicles)} voertuigen in overtreding"

    return maps.add_square_markers(
        m,
        points.assign(
            uren=points["hours"].map(lambda h: fmt_number(h, 1) if pd.notna(h) else "–"),
            resultaat=[
                result(v, o)
                for v, o in zip(points["vehicles_checked"], points["offences"], strict=True)
            ],
        ),
        "Verkeerscontrole",
        CONTROL_COLOURS,
        extra_tooltip={"uren": "Uren", "resultaat": "Resultaat"},
    )


def _to_wgs84(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``lat``/``lon`` to Lambert 72 ``x``/``y`` (locations are computed in metres)."""
    from pyproj import Transformer

    if frame.empty:
        return frame.assign(lat=pd.Series(dtype=float), lon=pd.Series(dtype=float))
    to_wgs = Transformer.from_crs("EPSG:31370", "EPSG:4326", always_xy=True)
    lon, lat = to_wgs.transform(frame["x"].to_numpy(), frame["y"].to_numpy())
    return frame.assign(lat=lat, lon=lon)


# ------------------------------------------------------------------------------------
# Map by severity
# ------------------------------------------------------------------------------------
st.subheader("Kaart: ongevallen naar ernst")
basemap = maps.basemap_picker()
c1, c2 = st.columns(2)
show_controls = c1.toggle("Verkeerscontroles van de periode tonen", key="verkeer_kaart_controles")
show_spots = c2.toggle(
    "Gevaarlijke punten en kandidaten tonen", value=True, key="verkeer_kaart_punten"
)
shapes = districts.district_shapes(version, "wijk")
focus = shapes[shapes["code"].isin(flt.wijken)] if flt.wijken else shapes
m = maps.new_map(focus if not focus.empty else shapes, basemap)
located = traffic.accident_located_count(
    version, source, period.start, period.end, flt.wijken, facets
)
# Fine hexagons only for the accidents the reader may see as points (an inspector: the own
# wijk's), coarse ones for the rest, as maps.visible_points does with the points.
fine_wijken = maps.fine_cell_wijken()
# Statbel gives every accident coordinates but no address: the map places it, the tooltip
# has no address to show (the intro says "geen adres", the map "als punt": both true).
STATBEL_PLACE = " Statbel geeft coördinaten maar geen adres: elk punt staat op die plaats."
if located > traffic.MAP_POINT_CAP:
    cells = traffic.accident_hex_counts(
        version, source, period.start, period.end, flt.wijken, facets, fine_wijken=fine_wijken
    )
    coarse = len(cells) >= traffic.MAP_POINT_CAP
    if coarse:
        cells = traffic.accident_hex_counts(
            version, source, period.start, period.end, flt.wijken, facets, coarse=True
        )
    maps.add_count_hexagons(m, cells, "Ongevallen per zeshoek", None if coarse else fine_wijken)
    maps.add_outline_strokes(m, shapes)
    # The hexagons hold the accidents inside the zone, as every hexagon map.
    in_cells = traffic.accident_located_count(
        version, source, period.start, period.end, flt.wijken, facets, inside_zone=True
    )
    note = (
        f"{source_label}: "
        f"{fmt_count(located, 'gelokaliseerd ongeval', 'gelokaliseerde ongevallen')}, meer "
        f"dan {fmt_int(traffic.MAP_POINT_CAP)}, daarom geteld per zeshoek (H3)."
    )
    if located > in_cells:
        note += (
            f" {fmt_count(located - in_cells, 'ongeval ligt', 'ongevallen liggen')} buiten "
            "de zone, in geen zeshoek."
        )
    if not coarse:
        note += maps.scoped_cells_note(fine_wijken, "ongevallen")
else:
    maps.add_outlines(m, shapes)
    points = traffic.accident_points(version, source, period.start, period.end, flt.wijken, facets)
    # Leaflet draws later features on top: the worst accidents go last so none is hidden.
    rank = {s: i for i, s in enumerate(traffic.SEVERITY_ORDER)}
    points = points.sort_values("category", key=lambda c: -c.map(rank).fillna(99))
    drawn = maps.add_points(m, points, "Ernst (ongeval)", SEVERITY_COLOURS, traffic.SEVERITY_ORDER)
    note = f"{source_label}: " + maps.drawn_note(
        drawn, "gelokaliseerd ongeval", "gelokaliseerde ongevallen"
    )
    if statbel:
        note += STATBEL_PLACE
if not now_touched:
    # The source has no day of the period: its empty map is unknown, not "0 ongevallen".
    note = f"{coverage_text}: geen ongevallen van de gekozen periode om te tekenen."
if show_controls:
    ctrl_points = traffic.control_points(version, period.start, period.end)
    drawn = _control_squares(m, ctrl_points)
    note += " " + maps.drawn_note(drawn, "verkeerscontrole", "verkeerscontroles", "als vierkantje")
spots = ranked[(ranked["is_black_spot"] | ranked["is_candidate"]) & _may_see(ranked)].sort_values(
    "rang"
)
if show_spots and not spots.empty:
    spots_geo = _to_wgs84(spots.head(maps.RANKED_PLACES_CAP))
    black = spots_geo[spots_geo["is_black_spot"]]
    maps.add_rings(
        m,
        black.assign(
            radius_m=14,
            label=[
                f"Gevaarlijk punt {r}: {s}"
                for r, s in zip(black["rang"], black["street"], strict=True)
            ],
        ),
        colour="#7b3294",
        weight=3,
        pixels=True,
    )
    cand = spots_geo[spots_geo["is_candidate"]]
    maps.add_rings(
        m,
        cand.assign(
            radius_m=12,
            label=[
                f"Kandidaat {r}: {s}" for r, s in zip(cand["rang"], cand["street"], strict=True)
            ],
        ),
        colour="#7b3294",
        dash="4 3",
        pixels=True,
    )
    maps.add_labels(m, spots_geo.assign(text=spots_geo["rang"].map(lambda r: f"#{r}")))
    if len(spots) > len(spots_geo):
        note += (
            f" Paarse cirkels: de {fmt_int(len(spots_geo))} hoogst gerangschikte van de "
            f"{fmt_int(len(spots))} gevaarlijke punten en kandidaten (vol: gevaarlijk punt, "
            "streepjes: kandidaat), met hun rang; de tabellen hieronder hebben ze allemaal."
        )
    else:
        note += " Paarse cirkels: gevaarlijke punten (vol) en kandidaten (streepjes), met hun rang."
maps.show(m, key="verkeer_kaart")
st.caption(note)

# ------------------------------------------------------------------------------------
# Black spots
# ------------------------------------------------------------------------------------
st.subheader("Gevaarlijke punten")
st.caption(
    f"Vlaamse regel ({fmt_period(*bs_window)}): een locatie is een gevaarlijk punt met "
    f"{params.describe()}. Enkel de eigen "
    "registratie van de zone (Statbel beschrijft dezelfde ongevallen en kent geen "
    "slachtoffers). Het venster eindigt op de laatste dag van de gekozen periode."
)
if bs_coverage:
    st.warning(bs_coverage, icon=":material/warning:")
st.slider(
    "Clusterafstand (m)",
    min_value=10,
    max_value=150,
    step=5,
    value=int(base_params.distance_m),
    key="verkeer_clusterafstand",
    help="Ongevallen die binnen deze afstand van elkaar liggen (in een keten) vormen één "
    f"locatie. Standaard {fmt_int(base_params.distance_m)} m (zone.toml).",
)
n_black = int(ranked["is_black_spot"].sum())
n_cand = int(ranked["is_candidate"].sum())
layout.kpi_row(
    [
        layout.Kpi("Gevaarlijke punten", n_black if bs_judged else None),
        layout.Kpi("Kandidaten (net onder de drempel)", n_cand if bs_judged else None),
        layout.Kpi("Locaties met letselongevallen", len(ranked) if bs_judged else None),
    ]
)
if flt.wijken:
    st.caption("Enkel locaties in de gekozen wijken (wijk van de meeste ongevallen).")


def _ranking_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The ranking with Dutch headers and ✓/✗ per criterion; where a location is (street,
    wijk) comes first, so that a 1,500 px screen shows it without scrolling sideways."""
    return pd.DataFrame(
        {
            "Rang": frame["rang"].astype(int),
            "Straat": frame["street"].fillna("–"),
            "Wijk": blackspots.wijk_labels(frame, wijk_names),
            "Letselongevallen": frame["n_injury_accidents"].astype(int),
            f"≥ {params.min_injury_accidents} letselongevallen": frame["meets_accidents"].map(
                fmt_check
            ),
            "Score": frame["score"].astype(float),
            f"Score ≥ {fmt_number(params.min_score, 0)}": frame["meets_score"].map(fmt_check),
            "Doden": frame["n_killed"].astype(int),
            "Zwaargewonden": frame["n_seriously"].astype(int),
            "Lichtgewonden": frame["n_lightly"].astype(int),
            "Kwetsbare slachtoffers": frame["n_vulnerable_victims"].astype(int),
            "Eerste ongeval": pd.to_datetime(frame["first_date"]),
            "Laatste ongeval": pd.to_datetime(frame["last_date"]),
        }
    )


seen = _may_see(ranked)
black_spots = ranked[ranked["is_black_spot"] & seen]
candidates = ranked[ranked["is_candidate"] & seen]
st.markdown("**Gevaarlijke punten**")
if not bs_judged:
    st.info(export.NO_JUDGEMENT)
elif black_spots.empty:
    st.info("Geen locatie voldoet aan beide criteria in dit venster.")
else:
    layout.table(style_table(_ranking_table(black_spots)))
st.markdown("**Kandidaten: net onder de drempel**")
if not bs_judged:
    st.info(export.NO_JUDGEMENT)
elif candidates.empty:
    st.info("Geen kandidaten: geen locatie mist de drempel nipt.")
else:
    table = _ranking_table(candidates)
    missing = []
    for r in candidates.itertuples(index=False):
        parts = []
        if not r.meets_accidents:
            parts.append(
                f"{fmt_int(params.min_injury_accidents - r.n_injury_accidents)} letselongeval"
            )
        if not r.meets_score:
            parts.append(f"{fmt_number(params.min_score - r.score, 1)} punten")
        missing.append(" en ".join(parts))
    # What a candidate misses is why it is listed: beside where it is, not off screen.
    table.insert(3, "Ontbreekt", missing)
    layout.table(style_table(table))
if hidden_candidates := int((ranked["is_candidate"] & ~seen).sum()):
    st.caption(
        f"{fmt_count(hidden_candidates, 'kandidaat', 'kandidaten')} buiten je wijk met minder "
        f"dan {params.min_injury_accidents} letselongevallen niet getoond: een of twee "
        "ongevallen op hun plaats zie je enkel in je eigen wijk."
    )

listed = pd.concat([black_spots, candidates])
layout.download_button(
    "Lijst als Excel (.xlsx)",
    partial(
        export.ranking_xlsx,
        listed,
        params,
        window=bs_window,
        zone_name=layout.zone_name(version),
        wijk_names=wijk_names,
        coverage=bs_coverage,
    ),
    file_name=f"gevaarlijke_punten_{period.end:%Y%m%d}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/download:",
    key="verkeer_xlsx",
    disabled=listed.empty,
)

st.markdown("**Geschiedenis van een locatie**")
choices = ranked.head(max(len(listed), TOP_N))
choices = choices[_may_see(choices)]
if choices.empty:
    st.info(
        "Geen letselongevallen met locatie in dit venster." if bs_judged else export.NO_JUDGEMENT
    )
else:
    labels = {
        int(r.location_id): (
            f"#{r.rang} {r.street or 'onbekende straat'} – score {fmt_number(r.score, 1)}"
            + (
                " (gevaarlijk punt)"
                if r.is_black_spot
                else " (kandidaat)"
                if r.is_candidate
                else ""
            )
        )
        for r in choices.itertuples(index=False)
    }
    picked = st.selectbox(
        "Locatie", list(labels), format_func=labels.__getitem__, key="verkeer_locatie"
    )
    location = choices[choices["location_id"] == picked].iloc[0]
    members = blackspots.location_members(version, period.end, params)
    ids = tuple(sorted(members.loc[members["location_id"] == picked, "accident_id"]))
    acc = blackspots.location_accidents(version, ids)
    vic = blackspots.location_victims(version, ids)
    breakdown = export.score_breakdown(vic, params, acc)
    # Records of this location as the role may see them (None: an inspector's other wijk).
    loc_scope = layout.record_scope((str(location["wijk_code"] or ""),))
    acc_shown = layout.records(acc)
    accident_wijk = acc.drop_duplicates("accident_id").set_index("accident_id")["wijk_code"]
    vic_shown = layout.records(vic.assign(wijk_code=vic["accident_id"].map(accident_wijk)))
    st.markdown(
        f"{fmt_count(location['n_injury_accidents'], 'letselongeval', 'letselongevallen')} "
        f"({fmt_check(location['meets_accidents'])}), score "
        f"{export.score_formula(breakdown)} ({fmt_check(location['meets_score'])})."
    )
    left, right = st.columns([3, 2])
    with left:
        layout.record_note(loc_scope)
        if loc_scope is not None:
            history = pd.DataFrame(
                {
                    "Datum en uur": pd.to_datetime(acc_shown["occurred_at"]),
                    "Ongeval": acc_shown["accident_id"],
                    "Straat": acc_shown["street"].fillna("–"),
                    "Ernst": acc_shown["severity"],
                    "Weggebruiker 1": acc_shown["road_user_1"].fillna("–"),
                    "Weggebruiker 2": acc_shown["road_user_2"].fillna("–"),
                    "Licht": acc_shown["light"].fillna("–"),
                    "Weer": acc_shown["weather"].fillna("–"),
                }
            )
            st.caption("Ongevallen (één rij per ongeval)")
            layout.table(style_table(history))
            st.caption("Slachtoffers (één rij per persoon)")
            victims_table = pd.DataFrame(
                {
                    "Datum": pd.to_datetime(vic_shown["date"]),
                    "Ongeval": vic_shown["accident_id"],
                    "Letsel": vic_shown["severity"],
                    "Weggebruiker": vic_shown["road_user"].fillna("–"),
                    "Kwetsbaar": vic_shown["is_vulnerable"].astype(bool),
                    "Leeftijd": vic_shown["age_group"].fillna("–"),
                }
            )
            layout.table(style_table(victims_table))
    with right:
        small = maps.new_map(shapes, basemap)
        maps.add_outlines(small, shapes, labels=False)
        pts = acc.rename(columns={"accident_id": "id", "severity": "category"}).assign(
            address=acc["street"].fillna("")
        )
        if loc_scope is not None:  # otherwise one big count hexagon would cover the map
            maps.add_points(small, pts, "Ernst", SEVERITY_COLOURS, traffic.SEVERITY_ORDER)
        centre = _to_wgs84(pd.DataFrame([location]))
        maps.add_rings(
            small,
            centre.assign(radius_m=max(float(location["radius_m"]), 15.0) + 5, label="Locatie"),
        )
        lat, lon = float(centre["lat"].iat[0]), float(centre["lon"].iat[0])
        small.fit_bounds([[lat - 0.0018, lon - 0.0028], [lat + 0.0018, lon + 0.0028]])
        maps.show(small, key="verkeer_locatie_kaart", height=360)
    # The advice lists the location's accidents one by one: only for who may see them.
    if loc_scope is not None:
        outlines = blackspots.wijk_outlines_31370(version)
        # Several black spots lie on one long street (the Grote Steenweg): the title and
        # the file name say the municipality and wijk, and what tells the spot apart.
        loc_gemeente = dict(zip(wijk_info["code"], wijk_info["gemeente"], strict=True)).get(
            location["wijk_code"]
        )
        loc_gemeente = loc_gemeente if isinstance(loc_gemeente, str) else ""
        loc_wijk = wijk_names.get(location["wijk_code"], "")
        layout.download_button(
            "Advies voor de wegbeheerder (.docx)",
            partial(
                export.location_advice_docx,
                location.to_dict(),
                acc,
                vic,
                params,
                outlines=list(zip(outlines["name"], outlines["wkt"], strict=True)),
                title=export.location_title(
                    location, acc, municipality=loc_gemeente, wijk_name=loc_wijk
                ),
                window=bs_window,
                zone_name=layout.zone_name(version),
                wijk_name=loc_wijk,
                municipality=loc_gemeente,
                coverage=bs_coverage,
            ),
            file_name=export.location_file_name(location, period.end, municipality=loc_gemeente),
            mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            icon=":material/description:",
            key="verkeer_docx",
        )

# ------------------------------------------------------------------------------------
# Enforcement against danger
# ------------------------------------------------------------------------------------
st.subheader("Handhaving waar het gevaarlijk is")
types_available = traffic.control_types(version)
control_filter = st.multiselect(
    "Soort controle",
    types_available,
    default=[t for t in ("Snelheid", "Alcohol") if t in types_available],
    key="verkeer_controle_types",
    placeholder="Alle",
)
controls = blackspots.controls_for_analysis(version, period.start, period.end)
if control_filter:
    controls = controls[controls["control_type"].isin(control_filter)]
top = ranked_all.head(TOP_N)
near = rule.controls_near_locations(top, controls, CONTROL_RADIUS_M, period.start, period.end)
share = rule.share_of_control_hours_near(top, controls, CONTROL_RADIUS_M, period.start, period.end)
total_hours = float(controls["hours"].fillna(0).clip(lower=0).sum())
kinds = ", ".join(t.lower() for t in control_filter) if control_filter else "alle soorten"
unplaced = blackspots.unlocated_controls(version, period.start, period.end)
if control_filter:
    unplaced = unplaced[unplaced["control_type"].isin(control_filter)]
# A month's control export left out read as a month without one control near the
# dangerous locations: the hours below are then too few, and a period inside it unknown.
control_gaps = months_within(traffic.control_gaps(version), period.start, period.end)
if control_gaps:
    st.warning(
        f"Verkeerscontroles: geen enkele controle met datum in {fmt_gaps(control_gaps)}, "
        "terwijl er gewoonlijk tien of meer per maand zijn: een ontbrekende export? "
        + (
            "De controles van die periode zijn onbekend."
            if only_in(control_gaps, period.start, period.end)
            else "De controles en uren hieronder missen "
            + ("die maand." if len(control_gaps) == 1 else "die maanden.")
        ),
        icon=":material/warning:",
    )
if control_gaps and only_in(control_gaps, period.start, period.end):
    sentence = (
        f"Over de verkeerscontroles van {fmt_period(period.start, period.end)} is niets "
        "bekend (geen export)."
    )
elif controls.empty or not total_hours:
    sentence = (
        f"In de periode {fmt_period(period.start, period.end)} werden geen verkeerscontroles "
        f"({kinds}) met een locatie geregistreerd."
    )
else:
    near_hours = share * total_hours
    sentence = (
        f"In de periode {fmt_period(period.start, period.end)} duurden de "
        f"{fmt_count(len(controls), 'verkeerscontrole', 'verkeerscontroles')} ({kinds}) met een "
        f"locatie samen {fmt_number(total_hours, 1)} "
        f"uur; daarvan vond {fmt_number(near_hours, 1)} uur "
        + (f"({fmt_number(100 * share, 0)} %) " if len(controls) >= 20 else "")
        + f"plaats binnen {fmt_int(CONTROL_RADIUS_M)} m van "
        + (
            "de locatie met de hoogste prioriteitsscore."
            if len(top) == 1
            else f"de {len(top)} locaties met de hoogste prioriteitsscore."
        )
    )
# Controls without a location cannot be placed near a location: the sentence counted the
# located ones as if they were all (23 of 24 controls, 84.3 of 87.3 hours).
if n_unplaced := int(unplaced["n"].sum()):
    sentence += (
        f" {fmt_count(n_unplaced, 'verkeerscontrole', 'verkeerscontroles')} zonder locatie "
        f"({fmt_number(float(unplaced['hours'].sum()), 1)} uur) "
        + ("telt" if n_unplaced == 1 else "tellen")
        + " hier niet mee."
    )
st.markdown(sentence)
if not (control_gaps and only_in(control_gaps, period.start, period.end)):
    _control_results(
        traffic.control_results(version, period.start, period.end, tuple(control_filter))
    )
by_type = {}
for kind in ("Snelheid", "Alcohol"):
    subset = controls[controls["control_type"] == kind]
    by_type[kind] = rule.controls_near_locations(
        top, subset, CONTROL_RADIUS_M, period.start, period.end
    )["n_controls"]
# The sentence above counts the hours near the whole top; the table and the rings show
# only the locations the reader may see one by one.
shown_top = top[_may_see(top)]
seen = near["rang"].isin(shown_top["rang"]).to_numpy()
enforcement = pd.DataFrame(
    {
        "Rang": near["rang"].astype(int),
        "Straat": near["street"].fillna("–"),
        "Wijk": blackspots.wijk_labels(near, wijk_names),
        "Score": near["score"].astype(float),
        "Gevaarlijk punt": near["is_black_spot"].map(fmt_check),
        f"Controles binnen {fmt_int(CONTROL_RADIUS_M)} m": near["n_controls"].astype(int),
        "Controle-uren": near["control_hours"].astype(float),
        "Waarvan snelheid": by_type["Snelheid"].astype(int).to_numpy(),
        "Waarvan alcohol": by_type["Alcohol"].astype(int).to_numpy(),
    }
)[seen]
layout.table(style_table(enforcement))
hidden_top = len(top) - len(shown_top)
st.caption(
    f"Top {len(top)} van de rangschikking (hele zone, venster {fmt_period(*bs_window)}); "
    f"controles in de gekozen periode. Een controle binnen {fmt_int(CONTROL_RADIUS_M)} m van "
    "twee locaties telt bij beide, maar in de zin hierboven één keer."
    + (
        f" {fmt_count(hidden_top, 'locatie', 'locaties')} buiten je wijk, geen gevaarlijk "
        f"punt of kandidaat met minstens {params.min_injury_accidents} letselongevallen, "
        + ("staat" if hidden_top == 1 else "staan")
        + " niet in de tabel en op de kaart (de zin hierboven telt ze mee)."
        if hidden_top
        else ""
    )
)
enf_map = maps.new_map(shapes, basemap)
hot = traffic.accident_hex_counts(
    version,
    "accidents",
    bs_window[0],
    bs_window[1],
    (),
    (),
    injury_only=True,
    fine_wijken=fine_wijken,
)
maps.add_count_hexagons(
    enf_map, hot, f"Letselongevallen per zeshoek ({params.years} jaar)", fine_wijken
)
maps.add_outline_strokes(enf_map, shapes)
ctrl_points = traffic.control_points(version, period.start, period.end, tuple(control_filter))
ctrl_drawn = _control_squares(enf_map, ctrl_points)
if not shown_top.empty:
    top_geo = _to_wgs84(shown_top)
    maps.add_rings(
        enf_map,
        top_geo.assign(
            radius_m=CONTROL_RADIUS_M,
            label=[
                f"#{r} {s}: {fmt_int(CONTROL_RADIUS_M)} m"
                for r, s in zip(top_geo["rang"], top_geo["street"], strict=True)
            ],
        ),
        dash="6 4",
    )
    maps.add_labels(enf_map, top_geo.assign(text=top_geo["rang"].map(lambda r: f"#{r}")))
maps.show(enf_map, key="verkeer_handhaving_kaart", height=480)
controls_text = (
    f"vierkantjes: {fmt_count(len(ctrl_points), 'controle', 'controles')} in de periode"
    if not ctrl_drawn.in_cells
    else maps.drawn_note(
        ctrl_drawn, "controle", "controles", "in de periode als vierkantje"
    ).rstrip(".")
)
st.caption(
    f"Zeshoeken: letselongevallen van de eigen registratie over {params.years} jaar "
    f"(hotspots); {controls_text}; "
    f"cirkels: {fmt_int(CONTROL_RADIUS_M)} m rond de "
    + (
        f"top-{len(top)} locaties."
        if not hidden_top
        else f"{len(shown_top)} locaties van de top {len(top)} die je mag zien."
    )
    + maps.scoped_cells_note(fine_wijken, "ongevallen")
)

# ------------------------------------------------------------------------------------
# Trends
# ------------------------------------------------------------------------------------
st.subheader("Trends")
trend_start = blackspots.window(period.end, params.years)[0]
grain = (
    st.segmented_control(
        "Per",
        ["maand", "jaar"],
        format_func=str.capitalize,
        default="maand",
        key="verkeer_trend_per",
    )
    or "maand"
)
# Statbel has no day: it counts every month the window touches, whole (its last bar said
# "1-15" while it held all of October), so its window runs over whole months.
since = trend_start.replace(day=1) if statbel else trend_start
through = period.months().end if statbel else period.end
# A month outside what the source covers (bounds, above) is unknown, not 0.
st.caption(
    f"{source_label}, {fmt_period(since, through)} ({params.years} jaar tot het einde "
    "van de gekozen periode). Letselongevallen en slachtoffers staan in aparte grafieken: "
    "het zijn andere eenheden."
)
# Every month (year) of the window, 0 when nothing happened: the query gave only those with
# an injury accident, so W03 in October 2026 (0) ended the chart at September, August (0
# against 4 a year earlier) was never drawn and far-apart months stood side by side.
trend = traffic.injury_trend(version, source, since, through, grain, flt.wijken, facets)
periods = [pd.Period(pd.Timestamp(p), "M" if grain == "maand" else "Y") for p in trend["periode"]]
# Months are known from the month of the source's first day through that of its last.
first_known = pd.Period(bounds["first"] or since, "M").start_time.date()
last_known = pd.Period(bounds["last"] or through, "M").end_time.date()
known = pd.Series(
    [
        bounds["first"] is not None
        and p.end_time.date() >= first_known
        and p.start_time.date() <= last_known
        # A month without one record where the registration counts ten or more a month
        # is a missing export, unknown (a year holding one as well).
        and not _empty_months(Period(p.start_time.date(), p.end_time.date()))
        for p in periods
    ],
    index=trend.index,
    dtype=bool,
)
if grain == "maand":
    # As Bronnen: the months of the window with those a year earlier, a month the window
    # begins or ends in its course counted over its days and set against the same days a
    # year earlier, and the months before the data begin unknown.
    history_start = year_before(since)
    history = traffic.injury_trend(
        version, source, history_start, through, "maand", flt.wijken, facets
    )
    compared = monthly_with_last_year(
        history,
        month_col="periode",
        count_col="letselongevallen",
        through=through,
        through_col="letselongevallen_tot_dag",
        since=since,
        since_col="letselongevallen_vanaf_dag",
        months=(history_start, through),
        known_from=first_known,
    ).set_index("periode")
    compared = compared.reindex(periods)
    # After the source's last month nothing is known either (no later export yet).
    compared.loc[~known.to_numpy(), ["letselongevallen", "vorig_jaar"]] = float("nan")
    # A month a year earlier without one record of a busy registration is unknown too.
    a_year_before = [
        Period(year_before(p.start_time.date()), year_before(p.end_time.date())) for p in periods
    ]
    compared.loc[[bool(_empty_months(q)) for q in a_year_before], "vorig_jaar"] = float("nan")
    counts = compared["letselongevallen"].to_numpy()
    labels_x = [f"{p.month:02d}/{p.year}{part_of_month(p, since, through)}" for p in periods]
else:

    def _year_label(p: pd.Period) -> str:
        # The days of the year the window and the data cover, when not the whole year.
        first = max(p.start_time.date(), since, first_known)
        last = min(p.end_time.date(), through, last_known)
        if (first, last) == (p.start_time.date(), p.end_time.date()):
            return str(p.year)
        if first == p.start_time.date():
            return f"{p.year} (t.e.m. {last:%d/%m})"
        if last == p.end_time.date():
            return f"{p.year} (vanaf {first:%d/%m})"
        return f"{p.year} ({first:%d/%m}–{last:%d/%m})"

    counts = trend["letselongevallen"].astype(float).where(known).to_numpy()
    labels_x = [_year_label(p) if k else str(p.year) for p, k in zip(periods, known, strict=True)]
unknown = [p for p, k in zip(periods, known, strict=True) if not k]


if not known.any():
    st.info("Geen gegevens van deze bron in dit venster.")
else:
    fig = go.Figure()
    fig.add_bar(x=labels_x, y=counts, name="Letselongevallen", marker_color="#d7191c")
    if grain == "maand":
        fig.add_scatter(
            x=labels_x,
            y=compared["vorig_jaar"].to_numpy(),
            name="Zelfde maand vorig jaar"
            + (
                " (voor een onvolledige maand: dezelfde dagen)"
                if (compared["deels"].fillna(False).astype(bool) & known.to_numpy()).any()
                else ""
            ),
            mode="lines+markers",
            line_color="#555555",
        )
    fig.update_layout(
        title="Letselongevallen (aantal ongevallen)",
        height=320,
        margin=dict(l=10, r=10, t=40, b=10),
        legend=dict(orientation="h", y=1.02, yanchor="bottom", x=1, xanchor="right"),
        xaxis=PERIOD_AXIS,
    )
    show_chart(fig, width="stretch", key="verkeer_trend_ongevallen")
    if unknown:
        outside = (
            [f"vóór {fmt_date(first_known)}"] if unknown[0].end_time.date() < first_known else []
        )
        if unknown[-1].start_time.date() > last_known:
            outside.append(f"na {fmt_date(last_known)}")
        # Months without one record of a busy registration (a missing export) in the window.
        missing = months_within(bounds["gaps"], since, through)
        if missing:
            outside.append(f"met datum in {fmt_gaps(missing)} (een ontbrekende export?)")
        st.caption(
            f"Geen gegevens van deze bron {' of '.join(outside)}: die "
            + ("maanden" if grain == "maand" else "jaren")
            + " zijn onbekend en blijven leeg (geen 0)."
        )
    if not statbel:
        vfig = go.Figure()
        for col, name, colour in (
            ("doden", "Doden", "#000000"),
            ("zwaargewonden", "Zwaargewonden", "#d7191c"),
            ("lichtgewonden", "Lichtgewonden", "#fdae61"),
        ):
            vfig.add_bar(
                x=labels_x,
                y=trend[col].astype(float).where(known).to_numpy(),
                name=name,
                marker_color=colour,
            )
        vfig.update_layout(
            barmode="stack",
            title="Slachtoffers (aantal personen)",
            height=320,
            margin=dict(l=10, r=10, t=40, b=10),
            legend=dict(orientation="h", y=1.02, yanchor="bottom", x=1, xanchor="right"),
            xaxis=PERIOD_AXIS,
        )
        show_chart(vfig, width="stretch", key="verkeer_trend_slachtoffers")

st.markdown("**Gekozen periode tegenover de vorige periode en dezelfde periode vorig jaar**")
last_year = period.last_year()
sums = {
    name: traffic.accident_summary(version, source, p.start, p.end, flt.wijken, facets)
    for name, p in (("now", period), ("prev", previous), ("ly", last_year))
}
rows = {"Letselongevallen (ongevallen)": "letselongevallen"}
if not statbel:
    rows.update(
        {
            "Slachtoffers: doden": "doden",
            "Slachtoffers: zwaargewonden": "zwaargewonden",
            "Slachtoffers: lichtgewonden": "lichtgewonden",
        }
    )
road_now = road_prev = road_ly = pd.Series(dtype=int)
if not statbel:
    road = {
        name: traffic.victims_by_road_user(version, p.start, p.end, flt.wijken, facets).set_index(
            "weggebruiker"
        )["slachtoffers"]
        for name, p in (("now", period), ("prev", previous), ("ly", last_year))
    }
    road_now, road_prev, road_ly = road["now"], road["prev"], road["ly"]
# The zone's road users in its order, then any other the victims have ("Onbekend" holds the
# one victim of an injury accident without victim rows): the rows add up to the victims.
present = set(road_now.index) | set(road_prev.index) | set(road_ly.index)
road_rows = [u for u in road_users if u in present] + sorted(present - set(road_users))
index = list(rows) + [f"Slachtoffers: {u.lower()}" for u in road_rows]
now_s = pd.Series({k: sums["now"][v] for k, v in rows.items()})
prev_s = pd.Series({k: sums["prev"][v] for k, v in rows.items()})
ly_s = pd.Series({k: sums["ly"][v] for k, v in rows.items()})
for u in road_rows:
    key = f"Slachtoffers: {u.lower()}"
    if key in index:
        now_s[key], prev_s[key], ly_s[key] = (
            road_now.get(u, 0),
            road_prev.get(u, 0),
            road_ly.get(u, 0),
        )
# Victims come per accident (see the tiles above): their signal is scaled per row.
row_phi = pd.Series(1.0, index=index)
if not statbel:
    by_user = overview.victim_dispersion(version, "road_user")
    for label, key in rows.items():
        if key in phi:
            row_phi[label] = phi[key]
    for u in road_rows:
        row_phi[f"Slachtoffers: {u.lower()}"] = by_user.get(u, 1.0)
if statbel:
    # Say which whole months are compared: those are what Statbel counts.
    last_year = last_year.months()
# A comparison period the source does not cover has no count ("–"), never 0.
cmp = compare_periods(
    now_s,
    prev_s if _covered(previous) else None,
    ly_s if _covered(last_year) else None,
    dispersion=row_phi,
).reindex(index)
if now_covered:
    cmp_table = comparison.comparison_table(cmp, index, "Wat")
    # As the briefing's tables: the signal of each comparison, notable ones marked and
    # coloured.
    layout.table(
        comparison.styled_comparison(cmp_table, cmp),
        height=35 * (len(cmp_table) + 1) + 3,
    )
else:
    st.info(
        f"Geen vergelijking: {gap_text}."
        if gap_only
        else f"Geen vergelijking: {coverage_text}, niet de hele gekozen periode.",
        icon=":material/info:",
    )
st.caption(
    (
        f"Statbel per hele maand: {fmt_period(period.months().start, period.months().end)}. "
        if statbel
        else ""
    )
    + f"Vorige periode: {fmt_period(previous.start, previous.end)}; vorig jaar: "
    f"{fmt_period(last_year.start, last_year.end)}. Signaal = 2·(√nu − √toen) (Poisson); "
    "▲/▼ = |signaal| > 2 (CompStat); rood of groen = opvallend meer of minder: ook door toeval "
    "in minder dan 5 % van de gevallen (exacte Poissontoets), zoals in de "
    "briefing; kleine aantallen schommelen sterk. "
    "Slachtoffers per weggebruiker: de weggebruiker van het slachtoffer zelf; een "
    "letselongeval zonder slachtofferrijen telt één slachtoffer van zijn ernst, weggebruiker "
    "onbekend (zoals de kerncijfers)."
    + (
        ""
        if statbel
        else " Slachtoffers vallen per ongeval samen: hun signaal is gedeeld door √φ, met "
        "φ (de spreidingsfactor) per rij uit de slachtoffers per ongeval in alle geladen "
        "ongevallen."
    )
)

st.markdown("**Letselongevallen per 1.000 inwoners**")
threshold = int(zone.get("zone", {}).get("small_count_threshold", 5))
area_layers = (("gemeente", "Gemeente"), ("deelgemeente", "Deelgemeente"))
if not now_touched:
    st.info(f"{coverage_text}: niets te tonen voor de gekozen periode.", icon=":material/info:")
    area_layers = ()


def rates_text(counts: pd.Series, population: pd.Series) -> list[str]:
    """Per area the rate per 1.000 inhabitants, flagged on a small base (accidents and
    victims alike: a rate on one victim read like a finding)."""
    rates = [
        rate_per_1000(n, p, small_base_threshold=threshold)
        for n, p in zip(counts, population, strict=True)
    ]
    return [
        "inwoners onbekend"
        if r.value is None
        else fmt_number(r.value, 2) + (" (klein aantal)" if r.small_base else "")
        for r in rates
    ]


for layer, title in area_layers:
    areas = traffic.injury_per_area(version, source, period.start, period.end, layer, facets)

    table = pd.DataFrame(
        {
            title: areas["naam"],
            "Inwoners": areas["inwoners"].map(lambda p: "onbekend" if pd.isna(p) else fmt_int(p)),
            "Letselongevallen": areas["letselongevallen"].astype(int),
            "Per 1.000 inwoners": rates_text(areas["letselongevallen"], areas["inwoners"]),
        }
    )
    if not statbel:
        table.insert(3, "Slachtoffers", areas["slachtoffers"].astype(int))
        table["Slachtoffers per 1.000"] = rates_text(areas["slachtoffers"], areas["inwoners"])
    layout.table(style_table(table))
st.caption(
    f"Gekozen periode, hele zone ({source_label})"
    + (", met de filters voor ongevallen" if facets else "")
    + ". Een ongeval telt in de gemeente van zijn "
    "wijk en in de deelgemeente waar het gebeurde (de plaats van het feit, zoals Verkenning "
    "en het gemeentelijk rapport); ongevallen zonder plaats staan in een eigen rij. Inwoners uit de "
    "gebiedsindeling (de zoneconfiguratie of de grenzenbestanden); waar die onbekend zijn, "
    "staat 'inwoners onbekend'. "
    f"Bij minder dan {threshold} ongevallen (of slachtoffers) zegt een cijfer per 1.000 "
    "inwoners weinig: '(klein aantal)'." + ("" if now_covered else days_note)
)

# ------------------------------------------------------------------------------------
# When
# ------------------------------------------------------------------------------------
st.subheader("Wanneer gebeuren letselongevallen?")
schools = traffic.school_settings(zone)
if statbel:
    hours = traffic.injury_by_hour(version, source, trend_start, period.end, flt.wijken, facets)
    hour_unknown = int(hours.loc[hours["uur"].isna(), "n"].sum())
    hours = hours[hours["uur"].notna()].astype({"uur": int})
    full = pd.DataFrame({"uur": range(24)}).merge(hours, how="left").fillna(0)
    fig = go.Figure(
        go.Bar(x=[f"{h:02d}" for h in full["uur"]], y=full["n"], marker_color="#d7191c")
    )
    fig.update_layout(
        title="Letselongevallen per uur (Statbel: geen dag bekend)",
        height=320,
        margin=dict(l=10, r=10, t=40, b=10),
        xaxis=dict(type="category", title="Uur"),
    )
    show_chart(fig, width="stretch", key="verkeer_uur")
else:
    hw = traffic.injury_hour_weekday(version, trend_start, period.end, flt.wijken, facets)
    hour_unknown = int(hw.loc[hw["uur"].isna(), "n"].sum())
    hw = hw[hw["uur"].notna()].astype({"uur": int})
    grid = (
        hw.pivot_table(index="weekdag", columns="uur", values="n", aggfunc="sum")
        .reindex(index=range(1, 8), columns=range(24))
        .fillna(0)
        .astype(int)
    )
    heat = go.Figure(
        go.Heatmap(
            z=grid.to_numpy(),
            x=[f"{h:02d}" for h in range(24)],
            y=list(WEEKDAYS),
            colorscale="YlOrRd",
            colorbar=dict(title="Aantal"),
            hovertemplate="%{y} %{x}u: %{z:,} letselongevallen<extra></extra>",
        )
    )
    day_rows = sorted(d - 1 for d in schools["days"])

    def _mark(start: float, stop: float, rows: list[int]) -> None:
        # Category cells sit at 0..23; a clock time t falls at t − 0.5 on that axis.
        for row in rows:
            heat.add_shape(
                type="rect",
                x0=start - 0.5,
                x1=stop - 0.5,
                y0=row - 0.5,
                y1=row + 0.5,
                line=dict(color="#2c7bb6", width=2),
                fillcolor="rgba(0,0,0,0)",
            )

    _mark(*schools["morning"], day_rows)
    _mark(*schools["afternoon"], [r for r in day_rows if r != 2])
    if 3 in schools["days"]:
        _mark(*schools["wednesday_noon"], [2])
    heat.update_layout(
        title="Letselongevallen per weekdag en uur (blauwe kaders: schooluren)",
        height=360,
        margin=dict(l=10, r=10, t=40, b=10),
        yaxis=dict(autorange="reversed"),
        xaxis=dict(type="category", title="Uur"),
    )
    show_chart(heat, width="stretch", key="verkeer_weekdag_uur")
texts = {
    k: tuple(fmt_clock(t) for t in schools[f"{k}_text"])
    for k in ("morning", "afternoon", "wednesday_noon")
}
# The days the source covers of that window: Statbel's file stops a year back, and the
# caption named the whole window (an audit).
hour_span = (
    (max(trend_start, bounds["first"]), min(period.end, bounds["last"]))
    if bounds["first"] is not None
    and bounds["first"] <= period.end
    and trend_start <= bounds["last"]
    else None
)
st.caption(
    f"{source_label}, "
    + (
        f"{fmt_period(*hour_span)}"
        + (
            f" (wat de bron dekt van {fmt_period(trend_start, period.end)})"
            if hour_span != (trend_start, period.end)
            else ""
        )
        if hour_span
        else f"niets gekend in {fmt_period(trend_start, period.end)}"
    )
    + ". Schooluren (zone.toml [schools]): "
    f"{texts['morning'][0]}–{texts['morning'][1]} en {texts['afternoon'][0]}–"
    f"{texts['afternoon'][1]}, woensdag {texts['wednesday_noon'][0]}–"
    f"{texts['wednesday_noon'][1]}."
    + (
        " 1 letselongeval zonder gekend uur staat niet in de grafiek."
        if hour_unknown == 1
        else f" {fmt_int(hour_unknown)} letselongevallen zonder gekend uur staan niet in de "
        "grafiek."
        if hour_unknown
        else ""
    )
)

n_schools = traffic.poi_count(version, schools["poi_type"])
radius_text = fmt_int(schools["radius_m"])
st.markdown(f"**Letselongevallen binnen {radius_text} m van een school**")
if not n_schools:
    st.info(f"Geen punten van het type '{schools['poi_type']}' in de gegevens.")
else:
    # The periods of the trend above, unknown ones left empty as there.
    near_school = traffic.injury_near_poi(
        version, source, since, through, schools["poi_type"], schools["radius_m"], grain
    )
    near_school = (
        trend[["periode"]]
        .assign(label=labels_x, known=known)
        .merge(near_school, on="periode", how="left")
        .fillna({"dichtbij": 0, "totaal": 0})
    )
    shown = near_school[near_school["known"]]
    if shown.empty:
        st.info("Geen gegevens van deze bron in dit venster.")
    else:
        sfig = go.Figure()
        sfig.add_bar(
            x=near_school["label"],
            y=near_school["dichtbij"].astype(float).where(near_school["known"]).to_numpy(),
            name=f"Binnen {radius_text} m van een school",
            marker_color="#2c7bb6",
        )
        sfig.update_layout(
            height=300,
            margin=dict(l=10, r=10, t=40, b=10),
            xaxis=PERIOD_AXIS,
        )
        show_chart(sfig, width="stretch", key="verkeer_scholen")
        school_table = pd.DataFrame(
            {
                "Periode": shown["label"],
                f"Binnen {radius_text} m van een school": shown["dichtbij"].astype(int),
                "Alle letselongevallen": shown["totaal"].astype(int),
            }
        )
        with st.expander("Tabel"):
            layout.table(style_table(school_table))
        st.caption(
            f"{fmt_int(n_schools)} scholen; een ongeval bij twee scholen telt één keer. "
            f"{source_label}, hele zone."
        )

# ------------------------------------------------------------------------------------
# Statbel next to the zone's own registration
# ------------------------------------------------------------------------------------
st.subheader("Eigen registratie en Statbel naast elkaar")
if not has_statbel:
    st.info("Er zijn geen Statbel-gegevens geladen (map statbel/ van de ruwe gegevens).")
else:
    st.caption(STATBEL_LIMITS)
    side = traffic.injury_by_source_and_year(version, trend_start.year, period.end.year)
    side_table = pd.DataFrame(
        {
            "Jaar": side["jaar"].astype(str),
            "Bron": side["bron"].map(
                {
                    "zone": traffic.SOURCES["accidents"],
                    "statbel": traffic.SOURCES["accidents_statbel"],
                }
            ),
            "Letselongevallen": side["letselongevallen"].astype(int),
            "Dodelijk": side["dodelijk"].astype(int),
            "Zwaargewond": side["zwaargewond"].astype(int),
            "Lichtgewond": side["lichtgewond"].astype(int),
            "Maanden met gegevens": side["maanden"].astype(int),
        }
    )
    layout.table(style_table(side_table))
    # A year without a Statbel row is not published yet (the open data lag a year), not a
    # year without accidents: the row was left out without a word (an audit).
    statbel_last = traffic.source_span(version, "accidents_statbel")["last"]
    missing = [
        y
        for y in range(trend_start.year, period.end.year + 1)
        if not ((side["jaar"].astype(int) == y) & (side["bron"] == "statbel")).any()
    ]
    later = [str(y) for y in missing if statbel_last is not None and y > statbel_last.year]
    earlier = [str(y) for y in missing if str(y) not in later]
    st.caption(
        "Letselongevallen per kalenderjaar en bron, naar de ernst van het ongeval (zwaarst "
        "getroffen slachtoffer); hele zone, zonder ongevallenfilters."
        + (
            f" Statbel {', '.join(later)}: nog niet gepubliceerd (het geladen bestand loopt "
            f"tot {fmt_date(statbel_last)}), geen jaar zonder ongevallen."
            if later
            else ""
        )
        + (f" Statbel {', '.join(earlier)}: niet geladen." if earlier else "")
    )

# ------------------------------------------------------------------------------------
# Per wijk and per severity
# ------------------------------------------------------------------------------------
st.subheader("Per wijk")
per_wijk = traffic.accidents_per_wijk(version, source, period.start, period.end, flt.wijken, facets)
victim_label = "Ongevallen met" if statbel else "Slachtoffers:"
table = per_wijk.drop(columns=["wijk_code"]).rename(
    columns={
        "wijk": "Wijk",
        "ongevallen": "Ongevallen",
        "letselongevallen": "Letselongevallen",
        "enkel_stoffelijke_schade": "Enkel stoffelijke schade",
        "doden": f"{victim_label} doden",
        "zwaargewonden": f"{victim_label} zwaargewonden",
        "lichtgewonden": f"{victim_label} lichtgewonden",
        "slachtoffers": "Slachtoffers: totaal",
    }
)
if statbel:
    table = table.drop(columns=["Slachtoffers: totaal", "Enkel stoffelijke schade"])
if now_touched:
    layout.table(style_table(table))
    st.caption(f"{source_label}, gekozen periode." + ("" if now_covered else days_note))
else:
    st.info(f"{coverage_text}: niets te tonen voor de gekozen periode.", icon=":material/info:")

st.subheader("Ongevallen naar ernst")
severity = traffic.accidents_by_severity(
    version, source, period.start, period.end, flt.wijken, facets
)
if now_touched:
    layout.table(
        style_table(severity.rename(columns={"ernst": "Ernst", "ongevallen": "Ongevallen"}))
    )
    st.caption(
        f"{source_label}, gekozen periode; ernst van het zwaarst getroffen slachtoffer."
        + ("" if now_covered else days_note)
    )
else:
    # An empty table read as a period without accidents (Statbel after its file; an audit).
    st.info(f"{coverage_text}: niets te tonen voor de gekozen periode.", icon=":material/info:")
