"""Werklast per wijk: workload, fair distribution, follow-up and quality control.

Four questions of the wijkcoördinator, in page order:

1. How much work does each wijk and inspector carry (weighted index, lead times, trend)?
2. Is it fairly spread, and what if sub-areas moved to another wijk?
3. Which open tasks need attention at the planning meeting (exportable)?
4. Which finished kantschriften and PV follow-ups wait for review, and what did the
   review find?
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial

import pandas as pd
import plotly.express as px
import streamlit as st

from dashboard.analysis.compstat import fmt_gaps, months_within
from dashboard.analysis.quality import GEEN_LOCATIE, qc_findings, review_queue
from dashboard.analysis.rebalance import (
    contiguity_report,
    evaluate_assignment,
    suggest_rebalancing,
)
from dashboard.analysis.temporal import month_cut_short
from dashboard.analysis.workload import (
    MIN_AVAILABLE_SHARE,
    fairness,
    rate_per_1000,
    wijk_units,
    workload_fairness,
    workload_index,
)
from dashboard.auth.roles import Role
from dashboard.components import filters, layout, maps
from dashboard.components.charts import dot_partial_ends, show_chart
from dashboard.components.format import (
    fmt_area,
    fmt_count,
    fmt_date,
    fmt_datetime,
    fmt_int,
    fmt_number,
    fmt_period,
    fmt_signed_number,
    missing_as_text,
    style_table,
    to_xlsx_bytes,
)
from dashboard.queries import (
    common,
    districts,
    overview,
    reviews,
    workload,
)
from etl.config import FINISHED_TASK_STATUSES, zone_clock
from etl.reviews import ReviewError

#: Index above which an inspector counts as overloaded (100 = zone mean).
OVERLOAD = 120.0
UNDERLOAD = 80.0
#: The what-if's holder of a wijk without an inspector in the zone configuration.
NO_INSPECTOR = "(geen inspecteur)"
# Rows of the open-task table on the page; its download holds every open task.
OPEN_TABLE_ROWS = 1000
#: Status labels of the optimiser, as the coordinator should read them.
STATUS_LABELS = {
    "optimaal": "optimaal (bewezen beste kaart binnen de gekozen regels)",
    "tijdslimiet": "beste gevonden oplossing (tijdslimiet bereikt, niet bewezen optimaal)",
    "geen oplossing": "geen oplossing gevonden: de huidige indeling blijft",
}
WINDOWS = {"28": "Laatste 28 dagen", "90": "Laatste 90 dagen", "365": "Laatste 365 dagen"}


def _propose(units, adjacency, wijk_codes, current, key, wijk_municipality=None) -> None:
    """Button callback: run the optimiser and keep its result for this warehouse/window."""
    # Without sector populations there is no population to keep in balance.
    with_pop = "population" in units.columns
    # Wijken lie within one municipality (the reports per municipality rely on it): a
    # sector may only move to a wijk of its own municipality.
    by_municipality = wijk_municipality is not None and "nis_code" in units.columns
    result = suggest_rebalancing(
        units,
        adjacency,
        wijk_codes,
        current,
        max_moves=int(st.session_state.get("werklast_max_moves", 6)),
        time_limit_s=float(st.session_state.get("werklast_tijdslimiet", 20)),
        pop_col="population" if with_pop else None,
        pop_tolerance=0.15 if with_pop else None,
        group_col="nis_code" if by_municipality else None,
        wijk_groups=wijk_municipality if by_municipality else None,
        threads=1,
    )
    st.session_state["werklast_voorstel"] = (*key, result)


def _people(evaluation: pd.DataFrame, order) -> pd.array:
    """Inhabitants per wijk from an evaluation, ``<NA>`` when populations are unknown."""
    if "population" not in evaluation.columns:
        return pd.array([pd.NA] * len(order), dtype="Int64")
    return evaluation["population"].reindex(order).round().astype("Int64").to_numpy()


def _save_review(task_id: str, remark_key: str, closed_at=None) -> None:
    """Button callback: store the coordinator's decision on one task, with the closing
    date it was taken on (a returned task queues again once it is closed later)."""
    decision = st.session_state.get("kwaliteit_beslissing")
    remark = st.session_state.get(remark_key) or None
    try:
        reviews.record_review(
            task_id, decision, remark, reviews.reviewer_name(), closed_at=closed_at
        )
    except ReviewError as exc:
        st.session_state["kwaliteit_fout"] = str(exc)
    else:
        st.session_state["kwaliteit_melding"] = f"{task_id}: {decision} opgeslagen."


version = layout.warehouse()
flt = filters.common_filters(version, domains=("tasks", "incidents", "nuisance"))
period = flt.period
#: Below this many tasks (decisions, reports) no index, share or rate is shown: on such a
#: base it misleads ([zone].small_count_threshold).
SMALL_BASE = workload.small_count_threshold()

st.title("Werklast per wijk")
layout.period_caption(period.label)
if "tasks" not in common.source_span_map(version):
    # Every figure below counts tasks: without a task export they read 0, which is unknown.
    st.info(
        "Wijktaken: niet geladen (geen export van wijktaken in het warehouse). Deze pagina "
        "rekent met de wijktaken: voeg een export toe op de pagina Data (map "
        "data/raw/tasks/).",
        icon=":material/info:",
    )
    st.stop()
# The tasks' state (open, overdue) is known on the latest date of the task exports, which
# lies before the other exports' when the task export is older (marts.tasks judges it there).
ref_day = workload.reference_date(version) or period.end
st.caption(
    f"Open, over termijn en te controleren: de toestand op {fmt_date(ref_day)}, de laatste "
    "datum in de taakexports. Ontvangen en afgewerkt: in de gekozen periode."
)
# A task export that stops before the others (last year's beside this week's facts): tasks
# received after its last day are unknown, not 0, and every window of this page ends there.
tasks_until = common.dataset_known_until(version, "tasks")
tasks_stop = tasks_until is not None and tasks_until < period.end
tasks_after = tasks_stop and tasks_until < period.start
# A period before the first task of the exports: received and closed are unknown there
# too; they read 0, and the advice blamed the export (an audit).
tasks_since = common.dataset_known_since(version, "tasks")
tasks_before = tasks_since is not None and period.end < tasks_since
tasks_unknown = tasks_after or tasks_before
if tasks_since is not None and period.start < tasks_since and not tasks_after:
    st.warning(
        f"Wijktaken: gegevens vanaf {fmt_date(tasks_since)}; "
        + (
            "de gekozen periode ligt ervoor. Ontvangen en afgewerkt in de periode: onbekend "
            "('–'), niet 0."
            if tasks_before
            else f"ontvangen en afgewerkt tellen pas vanaf die dag, niet sinds "
            f"{fmt_date(period.start)}."
        ),
        icon=":material/warning:",
    )
if tasks_stop:
    st.warning(
        f"Wijktaken: gegevens tot en met {fmt_date(tasks_until)}; taken ontvangen daarna (tot "
        f"{fmt_date(period.end)}) zijn onbekend, niet 0. "
        + (
            "Ontvangen en afgewerkt in de periode: onbekend ('–'). "
            if tasks_after
            else f"Ontvangen en afgewerkt tellen tot {fmt_date(tasks_until)}. "
        )
        + f"Open en over termijn: de taken van de export, in hun toestand op {fmt_date(ref_day)}; "
        f"de werklastindex, de doorlooptijden en de evolutie gaan tot {fmt_date(tasks_until)}. "
        "Laad een nieuwere export van de wijktaken (Data).",
        icon=":material/warning:",
    )

per_wijk = workload.task_status_per_wijk(version, period.start, period.end, flt.wijken)
layout.kpi_row(
    [
        layout.Kpi(
            "Open taken",
            int(per_wijk["open"].sum()),
            help="Nog niet afgewerkt door de wijkinspecteur. Een taak met een status die "
            "zegt dat het werk gedaan is ("
            + ", ".join(f"'{s.capitalize()}'" for s in FINISHED_TASK_STATUSES[:4])
            + f" en {len(FINISHED_TASK_STATUSES) - 4} andere, ook in het Frans; "
            "'Te controleren' wacht op de controle van de wijkcoördinator) telt niet als "
            "open, ook zonder afsluitdatum (die ontbrekende datum meldt de "
            "kwaliteitscontrole). Een andere status telt als open"
            + ("; de pagina Data noemt die statussen." if layout.is_coordinator() else "."),
        ),
        layout.Kpi("Over termijn", int(per_wijk["over_termijn"].sum())),
        layout.Kpi(
            "Te controleren",
            int(per_wijk["te_controleren"].sum()),
            help="Status 'Te controleren': afgewerkt door de wijkinspecteur, wacht op de "
            "controle door de wijkcoördinator"
            + (
                # The queue below holds more: finished tasks of the reviewed types and
                # tasks with illogical dates too (an audit: 55 here beside 111 there).
                " (onderaan deze pagina, in de wachtrij van de kwaliteitscontrole, met nog "
                "andere afgewerkte taken die een controle vragen)."
                if layout.is_coordinator()
                else "."
            ),
        ),
        layout.Kpi(
            "Ontvangen in periode", None if tasks_unknown else int(per_wijk["ontvangen"].sum())
        ),
        layout.Kpi(
            "Afgewerkt in periode",
            None if tasks_unknown else int(per_wijk["afgewerkt"].sum()),
            higher_is_worse=False,
        ),
    ]
)
layout.zone_figures_note(flt.wijken)

# ---------------------------------------------------------------------------------------
# 1. Workload index per inspector and wijk
# ---------------------------------------------------------------------------------------
st.header("Werklast per inspecteur en wijk")
window = st.radio(
    "Werklastindex berekenen over",
    ["12m", "periode"],
    format_func={"12m": "Laatste 12 maanden", "periode": "De gekozen periode"}.get,
    horizontal=True,
    key="werklast_venster",
    help="Een index over enkele weken schommelt sterk; 12 maanden geeft een eerlijker beeld.",
)
# Every window of the index ends where the task exports do (the days after are unknown).
idx_last = tasks_until if tasks_stop else period.end
if window == "periode" and period.start <= idx_last:
    idx_start, idx_end = period.start, idx_last
else:
    idx_start, idx_end = idx_last - timedelta(days=364), idx_last
    if window == "periode":
        st.info(
            f"De gekozen periode ligt na de laatste wijktaken ({fmt_date(tasks_until)}): de "
            "index gaat over de 12 maanden tot die dag.",
            icon=":material/info:",
        )
st.caption(
    f"Index over {idx_start:%d/%m/%Y} – {idx_end:%d/%m/%Y}: gewogen aantal ontvangen taken, "
    "100 = gemiddelde van de zone"
    + (
        " (berekend over alle wijken; de tabellen tonen enkel de gekozen wijken)"
        if flt.wijken
        else ""
    )
    + ". Open en over termijn: op het einde van dat venster."
)
# An index window that begins before the first task: its days before are no quiet days.
window_before_tasks = (
    f"De wijktaken beginnen pas op {fmt_date(tasks_since)}: "
    + (
        "het hele venster ligt ervoor."
        if idx_end < tasks_since
        else "het venster telt de dagen ervoor als 0 voor iedereen."
    )
    if tasks_since is not None and idx_start < tasks_since
    else None
)
if window_before_tasks and idx_end >= tasks_since:
    st.caption(window_before_tasks)
# Months without one task of the export (a missing export) in the index window: its tasks
# are missing from every inspector's load, not a quiet month.
task_gaps = common.dataset_gaps(version, "tasks")
if idx_gaps := months_within(task_gaps, idx_start, idx_end):
    st.warning(
        f"Geen enkele wijktaak met datum in {fmt_gaps(idx_gaps)}, terwijl er gewoonlijk tien "
        "of meer per maand zijn: een ontbrekende export? De index telt "
        + ("die maand" if len(idx_gaps) == 1 else "die maanden")
        + " als 0 voor iedereen.",
        icon=":material/warning:",
    )

types_cfg = workload.task_types_config()
weights = dict(zip(types_cfg["type_taak"], types_cfg["gewicht"], strict=True))
# The beleidscel sees inspectors only as stable pseudonyms, everywhere on this page
# (tables, chart legend, filters, what-if): pseudonymise the source frames once.
wijk_table = layout.staff_names(districts.wijken(version), ("inspector",))
wijk_rows = wijk_table[wijk_table["code"].isin(flt.wijken)] if flt.wijken else wijk_table
# The index compares with the zone mean, so it is computed over every wijk; a wijk filter
# only chooses the rows shown (over the chosen wijken alone, one wijk always scored 100).
# Every task of the window, counted in the warehouse per inspector, wijk and type: a few
# hundred groups whatever the number of tasks.
zone_tasks = layout.staff_names(
    workload.task_counts_for_period(version, idx_start, idx_end), ("inspector",)
)
tasks = zone_tasks[zone_tasks["wijk_code"].isin(flt.wijken)] if flt.wijken else zone_tasks
zone_inspectors = [str(i) for i in wijk_table["inspector"].dropna()]

absences_known = workload.has_absences(version)
absences = None
if absences_known:
    absent = layout.staff_names(
        workload.absences_per_inspector(version, idx_start, idx_end), ("inspector",)
    )
    # Only the zone's wijkinspecteurs: other staff on the list would join the comparison
    # with zero load.
    absences = absent.loc[
        absent["inspector"].isin(set(zone_inspectors)),
        ["inspector", "days_absent", "days_in_period"],
    ]
# The zone has a list, but nobody in it was absent in this window: nothing to correct.
absent_in_window = absences is not None and not absences.empty

# The zone mean is that of its wijkinspecteurs: a stand-in holding a wijk's tasks for a
# month (or anyone else on the tasks) gets a row without index, not a place in the mean.
zone_index_by_inspector = workload_index(
    zone_tasks,
    weights,
    by="inspector",
    period_start=idx_start,
    as_of=idx_end,
    absences=absences if absent_in_window else None,
    units=zone_inspectors,
    compare=zone_inspectors or None,
    min_tasks=SMALL_BASE,
)
index_by_wijk = workload_index(
    zone_tasks,
    weights,
    by="wijk_code",
    period_start=idx_start,
    as_of=idx_end,
    units=list(wijk_table["code"]),
    compare=list(wijk_table["code"]),
    min_tasks=SMALL_BASE,
)
# Wijkinspecteurs absent for the whole window (no available day): no index and no place in
# the fairness figures; the page says who.
absent_all_window = (
    [
        str(name)
        for name in zone_index_by_inspector.index[
            zone_index_by_inspector["compared"] & zone_index_by_inspector["available_days"].eq(0)
        ]
    ]
    if "available_days" in zone_index_by_inspector.columns
    else []
)
# Available for less than half the window: no index either, and out of the fairness.
few_all_window = (
    [
        str(name)
        for name in zone_index_by_inspector.index[zone_index_by_inspector["few_days"].astype(bool)]
    ]
    if "few_days" in zone_index_by_inspector.columns
    else []
)
# Fairness is a zone-wide question (every wijkinspecteur, whatever the wijk filter), and
# withheld when one of them has too small a base.
fair = workload_fairness(
    zone_index_by_inspector, overload_threshold=OVERLOAD, underload_threshold=UNDERLOAD
)
if flt.wijken:
    # The chosen wijken's inspectors, and whoever else holds tasks there.
    shown_inspectors = set(wijk_rows["inspector"].dropna().astype(str)) | set(
        tasks["inspector"].dropna().astype(str)
    )
    index_by_inspector = zone_index_by_inspector[
        zone_index_by_inspector.index.isin(shown_inspectors)
    ]
else:
    index_by_inspector = zone_index_by_inspector
unassigned_in_scope = int(
    tasks.loc[
        tasks["inspector"].astype("string").str.strip().replace("", pd.NA).isna(), "tasks"
    ].sum()
)

# An inspector covering two wijken: both, and their inhabitants together.
areas = layout.staff_names(districts.inspector_areas(version), ("inspector",))
inspector_wijk = dict(zip(areas["inspector"], areas["wijken"], strict=True))
inspector_pop = dict(zip(areas["inspector"], areas["population"], strict=True))
table = pd.DataFrame(
    {
        "Inspecteur": index_by_inspector.index,
        "Wijk": [inspector_wijk.get(i, "–") for i in index_by_inspector.index],
        "Inwoners": [inspector_pop.get(i) for i in index_by_inspector.index],
        "Ontvangen": index_by_inspector["received"].to_numpy(),
        "Afgewerkt": index_by_inspector["closed"].to_numpy(),
        "Open": index_by_inspector["open"].to_numpy(),
        "Over termijn": index_by_inspector["overdue"].to_numpy(),
        "Gewogen werklast": index_by_inspector["weighted_load"].to_numpy(),
    }
)
# How many days a colleague was away is personal (104 days reads as long sick leave): an
# inspector or the beleidscel sees the index per available day, not the days (audits;
# SECURITY.md).
# The beleidscel sees a pseudonym, but beside its wijk that is the person (an audit): the
# days too are the coordinator's only.
absence_days_shown = layout.principal().role == Role.COORDINATOR
if "available_days" in index_by_inspector.columns and absence_days_shown:
    table["Beschikbare dagen"] = (
        index_by_inspector["available_days"].round().astype("Int64").to_numpy()
    )
# Not the map's index per wijk: an inspector's own tasks (also in other wijken), and with
# an absence list per available day; the caption under the table says so.
table["Werklastindex"] = index_by_inspector["index"].to_numpy()
# Work that went on while someone was away: a task closed on an inspector's absent day was
# finished by someone else, yet counts in that inspector's load per available day (an audit:
# the page called the inspector the most overloaded whose raw load ranked sixth). The
# coordinator sees the index without the correction beside it, and who it concerns.
closed_while_away = pd.DataFrame(columns=["inspector", "received_absent", "closed_absent"])
if absent_in_window and absence_days_shown:
    uncorrected = workload_index(
        zone_tasks,
        weights,
        by="inspector",
        period_start=idx_start,
        as_of=idx_end,
        units=zone_inspectors,
        compare=zone_inspectors or None,
        min_tasks=SMALL_BASE,
    )["index"]
    table["Index zonder afwezigheden"] = uncorrected.reindex(index_by_inspector.index).to_numpy()
    closed_while_away = layout.staff_names(
        workload.tasks_during_absence(version, idx_start, idx_end), ("inspector",)
    )
    closed_while_away = closed_while_away[
        closed_while_away["inspector"].isin(set(index_by_inspector.index))
        & closed_while_away["closed_absent"].ge(SMALL_BASE)
    ].sort_values("closed_absent", ascending=False)
table["Inwoners"] = pd.to_numeric(table["Inwoners"], errors="coerce").astype("Int64")

map_col, weight_col = st.columns([2, 1])
with weight_col:
    st.markdown("**Gewichten per type taak** (zone.toml)")
    # A static table fits its six rows to the narrow column beside the map (an interactive
    # one kept a minimum width per column and cut the term off at 1280 px).
    st.table(
        style_table(
            types_cfg[["type_taak", "gewicht", "termijn_dagen"]].rename(
                columns={
                    "type_taak": "Type taak",
                    "gewicht": "Gewicht",
                    "termijn_dagen": "Termijn (d)",
                }
            ),
            decimals=2,
        ).hide(axis="index")
    )
    unweighted = index_by_inspector.attrs.get("unweighted_task_types", [])
    if unweighted:
        st.warning(
            "Types zonder gewicht in zone.toml (tellen als 1): " + ", ".join(unweighted),
            icon=":material/warning:",
        )
    measure = st.radio(
        "Kaart toont",
        ["index", "open1000"],
        format_func={
            "index": "Werklastindex per wijk",
            "open1000": "Open taken per 1.000 inwoners",
        }.get,
        key="werklast_kaartmaat",
    )

shapes = districts.district_shapes(version, "wijk")
rate_shapes = shapes[shapes["code"].isin(flt.wijken)] if flt.wijken else shapes
population = shapes.set_index("code")["population"]
open_now = per_wijk.set_index("wijk_code")["open"]
# As feiten and overlast below: a rate only from SMALL_BASE open tasks on (W08 with 4 open
# tasks showed 1,03 per 1.000 inhabitants).
open_rates = {
    code: rate_per_1000(
        open_now.get(code, 0), population.get(code), small_base_threshold=SMALL_BASE
    )
    for code in shapes["code"]
}
rates = {code: None if r.small_base else r.value for code, r in open_rates.items()}
with map_col:
    st.subheader(
        "Kaart: werklastindex per wijk"
        if measure == "index"
        else "Kaart: open taken per 1.000 inwoners"
    )
    basemap = maps.basemap_picker()
    m = maps.new_map(rate_shapes, basemap)
    if measure == "index":
        values = {c: index_by_wijk["index"].get(c) for c in rate_shapes["code"]}
        maps.add_choropleth(
            m,
            rate_shapes,
            values,
            "Werklastindex (100 = gemiddelde van de zone)",
            unknown_label=f"Minder dan {SMALL_BASE} taken",
        )
    else:
        maps.add_choropleth(
            m,
            rate_shapes,
            rates,
            "Open taken per 1.000 inwoners",
            decimals=1,
            unknown_label=f"Minder dan {SMALL_BASE} open of bevolking onbekend",
        )
    maps.add_outline_strokes(m, rate_shapes)
    maps.show(m, key="werklast_kaart", height=480)
unknown = [
    c for c, r in open_rates.items() if r.population is None and c in set(rate_shapes["code"])
]
if unknown:
    st.caption(
        f"Geen bevolkingscijfer voor {fmt_int(len(unknown))} wijk(en): daar geen verhouding, "
        "enkel het aantal in de tabel."
    )

st.subheader("Werklastindex per inspecteur")
layout.table(style_table(missing_as_text(layout.staff_names(table))))
shown_absent = [name for name in absent_all_window if name in index_by_inspector.index]
if shown_absent:
    # Load per available day has no value without available days: no index, and no place
    # in the Gini and the ratio (said there too).
    st.caption(
        "Het hele indexvenster afwezig volgens de lijst van afwezigheden, dus geen index ('–'): "
        + "; ".join(
            f"{name} ({fmt_int(int(zone_index_by_inspector.at[name, 'received']))} taken "
            "ontvangen in die periode)"
            for name in shown_absent
        )
        + "."
        if absence_days_shown
        # An inspector is not told a colleague was away (a review): only that there is no
        # index, and who knows why.
        else f"Geen index ('–') voor {', '.join(shown_absent)}: de reden ziet de wijkcoördinator."
    )
shown_few = [name for name in few_all_window if name in index_by_inspector.index]
if shown_few:
    # Load per available day over a few days is no measure (analysis.workload): no index,
    # and no place in the fairness figures or the overloaded.
    share = fmt_int(round(100 * MIN_AVAILABLE_SHARE))
    st.caption(
        f"Minder dan {share} % van het indexvenster beschikbaar, dus geen index ('–') en niet "
        "in de Gini, de verhouding of de over- en onderbelasten: "
        + "; ".join(
            f"{name} ({fmt_int(round(index_by_inspector.at[name, 'available_days']))} "
            f"beschikbare dagen)"
            for name in shown_few
        )
        + ". Een werklast per beschikbare dag over zo weinig dagen zegt niets."
        if absence_days_shown
        else f"Geen index ('–') voor {', '.join(shown_few)}: de reden ziet de wijkcoördinator."
    )
if not closed_while_away.empty:
    st.caption(
        "Taken afgewerkt op dagen dat de inspecteur volgens de lijst afwezig was: "
        + ", ".join(
            f"{r.inspector} {fmt_int(int(r.closed_absent))}"
            for r in closed_while_away.itertuples(index=False)
        )
        + ". Wie ze afwerkte, staat niet in de export; de index per beschikbare dag telt ze "
        "bij wie ze ontving en kan daar te hoog liggen: vergelijk met 'Index zonder "
        "afwezigheden'."
    )
st.caption(
    "Deze index telt de taken van de inspecteur (ook in een andere wijk)"
    + (", per beschikbare dag (afwezigheden eraf)" if absent_in_window else "")
    + "; de kaart toont de index per wijk (de taken die op de wijk staan"
    + (", zonder correctie voor afwezigheden" if absent_in_window else "")
    + ") en 'Wat als' die per wijk volgens de deelgebieden waar de adressen van de taken "
    "liggen (een taak met een adres in een andere wijk telt daar). Alle drie: 100 = "
    "gemiddelde van de zone, zodat een inspecteur, zijn wijk op de kaart en in 'Wat als' "
    f"wat kunnen verschillen. Een index enkel vanaf {SMALL_BASE} ontvangen taken in het venster "
    "(en gemiddeld zoveel per wijkinspecteur in de zone); daaronder '–': op zo'n kleine "
    "basis misleidt een index."
)
other_holders = [
    str(i) for i in index_by_inspector.index[~index_by_inspector["compared"].astype(bool)]
]
if other_holders:
    names_shown = layout.staff_names(pd.DataFrame({"naam": other_holders}), ("naam",))["naam"]
    st.caption(
        "Geen wijkinspecteur van een wijk van de zone (bv. een vervanger): "
        + ", ".join(names_shown)
        + ". "
        + ("Staat" if len(other_holders) == 1 else "Staan")
        + " in de tabel met de eigen taken, zonder index: het gemiddelde van de zone is "
        "dat van de wijkinspecteurs."
    )
if zone_index_by_inspector.attrs.get("small_zone_base"):
    st.info(
        f"Te weinig taken in dit venster (gemiddeld minder dan {SMALL_BASE} per "
        "wijkinspecteur): geen werklastindex. "
        + (
            window_before_tasks
            or (
                "Het venster telt al een jaar: staan alle taken wel in de export?"
                if (idx_end - idx_start).days >= 364
                else "Kies een langer venster, bv. de laatste 12 maanden."
            )
        ),
        icon=":material/info:",
    )
if unassigned_in_scope:
    st.caption(
        f"{fmt_count(unassigned_in_scope, 'taak', 'taken')} zonder "
        + ("inspecteur telt" if unassigned_in_scope == 1 else "inspecteur tellen")
        + " niet mee in de index."
    )

with st.expander("Per type taak (ontvangen / open / over termijn per inspecteur)"):
    per_type_measures = {"received": "Ontvangen", "open": "Open", "overdue": "Over termijn"}
    per_type_cols = [
        c for c in index_by_inspector.columns if c.split("_", 1)[0] in per_type_measures
    ]
    long = (
        index_by_inspector[per_type_cols]
        .rename_axis("Inspecteur")
        .reset_index()
        .melt(id_vars="Inspecteur", var_name="maat", value_name="n")
    )
    # Column by column: on a window without tasks (a period before the data) the frame is
    # empty and a split into two columns at once has none to assign.
    parts = long["maat"].astype(str).str.split("_", n=1)
    long["maat"], long["Type taak"] = parts.str[0], parts.str[1]
    pivot = (
        long.pivot_table(
            index=["Inspecteur", "Type taak"], columns="maat", values="n", aggfunc="sum"
        )
        .reindex(columns=list(per_type_measures), fill_value=0)
        .reset_index()
        .rename(columns=per_type_measures)
    )
    pivot = pivot[(pivot["Ontvangen"] > 0) | (pivot["Open"] > 0)]
    layout.table(style_table(pivot))
    st.caption(
        f"Open en over termijn: op het einde van het indexvenster ({idx_end:%d/%m/%Y}). "
        "De tabel hieronder: open en over termijn nu, ontvangen en afgewerkt in het venster."
    )
    layout.table(
        style_table(
            workload.task_status_per_type(version, idx_start, idx_end, flt.wijken).rename(
                columns={
                    "type_taak": "Type taak",
                    "open": "Open nu",
                    "over_termijn": "Over termijn nu",
                    "te_controleren": "Te controleren",
                    "ontvangen": "Ontvangen",
                    "afgewerkt": "Afgewerkt",
                    "mediaan_doorlooptijd_dagen": "Mediaan doorlooptijd (d)",
                }
            )
        )
    )

st.subheader("Doorlooptijd tegenover de termijn")
leads = workload.lead_times_for_period(version, idx_start, idx_end, flt.wijken)
lead_table = pd.DataFrame(
    {
        "Inspecteur": leads["inspector"],
        # Every closed task, as in the other tables; the durations leave out those closed
        # before they were received (stated below).
        "Afgewerkt": leads["n_closed"] + leads["n_dates_inconsistent"],
        "Mediaan doorlooptijd (d)": leads["lead_days_median"],
        "P90 doorlooptijd (d)": leads["lead_days_p90"],
        "Mediaan t.o.v. termijn (d)": leads["days_vs_due_median"],
        "P90 t.o.v. termijn (d)": leads["days_vs_due_p90"],
        "Te laat": leads["n_late"],
        # A share on fewer than SMALL_BASE closed tasks misleads: leave it empty.
        "Aandeel te laat (%)": (100 * leads["share_late"]).where(leads["n_closed"] >= SMALL_BASE),
    }
)
# Against the term a sign says on time (-) or late (+).
against_term = dict.fromkeys(
    ("Mediaan t.o.v. termijn (d)", "P90 t.o.v. termijn (d)"), fmt_signed_number
)
layout.table(
    style_table(
        missing_as_text(layout.staff_names(lead_table), formats=against_term), formats=against_term
    )
)
st.caption(
    "(d): in dagen. T.o.v. termijn: afsluitdatum min termijn (negatief = op tijd, "
    "positief = te laat). "
    f"Aandeel te laat enkel bij minstens {SMALL_BASE} afgewerkte taken."
)
n_inconsistent = int(leads["n_dates_inconsistent"].sum())
if n_inconsistent:
    st.caption(
        f"{fmt_count(n_inconsistent, 'taak', 'taken')} afgesloten vóór de ontvangstdatum "
        "(onlogische datums): "
        + ("telt" if n_inconsistent == 1 else "tellen")
        + " mee bij 'Afgewerkt', maar niet in de doorlooptijden en het aandeel te laat "
        "(ook niet in de mediaan per wijk en per type)."
        + (
            # Only the coordinator's page goes on to the quality control.
            " In de kwaliteitscontrole hieronder staan ze, van elk type, met de bevinding "
            "'Inconsistente data' tot er een beslissing over is (binnen het venster dat u "
            "daar kiest)."
            if layout.is_coordinator()
            else ""
        )
    )

st.subheader("Per wijk: taken, feiten, overlast en inwoners")
events = overview.domain_counts_per_wijk(version, idx_start, idx_end, flt.wijken)
# The records without a wijk under the key of the "Zonder wijk" row (no wijk code).
events = events.fillna({"wijk_code": ""}).pivot_table(
    index="wijk_code", columns="domain", values="n", aggfunc="sum"
)
wijk_view = per_wijk.drop(columns=["wijk_code"]).copy()
codes = per_wijk["wijk_code"]
pops = [population.get(c) for c in codes]
wijk_view.insert(2, "inwoners", pd.array(pops, dtype="Float64").round().astype("Int64"))
wijk_view.insert(4, "open_per_1000", [rates.get(c) for c in codes])
if tasks_unknown:
    # No task of the period is known (the exports stop before it or begin after it): "–",
    # as the KPIs above.
    for col in ("ontvangen", "afgewerkt", "mediaan_doorlooptijd_dagen"):
        wijk_view[col] = None
# Facts and nuisance in the index window, as far as their exports reach it: a register
# the zone has not loaded, or one that stops before the window, is unknown there, not 0.
window_notes = []
for domain, label in (("incidents", "feiten"), ("nuisance", "overlast")):
    ds = common.dataset(domain)
    first = common.known_since(version, (domain,))
    known_until = common.dataset_known_until(version, domain)
    covered = (
        known_until is not None
        and first is not None
        and first <= idx_end
        and known_until >= idx_start
    )
    column = events[domain] if domain in events.columns else pd.Series(dtype=float)
    keys = ["" if pd.isna(c) else c for c in codes]
    counts = [int(column.get(c, 0) or 0) if pd.notna(column.get(c, 0)) else 0 for c in keys]
    wijk_view[label] = pd.array(counts if covered else [None] * len(codes), dtype="Int64")
    wijk_view[f"{label}_per_1000"] = [
        None
        if not covered or (r := rate_per_1000(n, p, small_base_threshold=SMALL_BASE)).small_base
        else r.value
        for n, p in zip(counts, pops, strict=True)
    ]
    if not covered:
        window_notes.append(f"{ds.label}: geen gegevens in het indexvenster ('–').")
    elif known_until < idx_end or first > idx_start:
        window_notes.append(
            f"{ds.label}: gegevens van {fmt_period(max(first, idx_start), min(known_until, idx_end))}"
            " in dit venster; de dagen erbuiten zijn onbekend en tellen niet mee."
        )
LABELS = {
    "wijk": "Wijk",
    "wijkinspecteur": "Wijkinspecteur",
    "inwoners": "Inwoners",
    "open": "Open",
    "open_per_1000": "Open per 1.000 inwoners",
    "over_termijn": "Over termijn",
    "te_controleren": "Te controleren",
    "ontvangen": "Ontvangen",
    "afgewerkt": "Afgewerkt",
    "mediaan_doorlooptijd_dagen": "Mediaan doorlooptijd (d)",
    "feiten": "Feiten (venster)",
    "feiten_per_1000": "Feiten per 1.000 inw.",
    "overlast": "Overlast (venster)",
    "overlast_per_1000": "Overlast per 1.000 inw.",
}
layout.table(
    # A wijk without inspector or population in the zone configuration shows "–", not "None".
    style_table(
        missing_as_text(layout.staff_names(wijk_view.rename(columns=LABELS), ("Wijkinspecteur",)))
    ),
    # Wider than a laptop's screen: the wijk stays in view while the table scrolls sideways.
    column_config={"Wijk": st.column_config.Column(pinned=True)},
)
st.caption(
    "Ontvangen, afgewerkt en mediaan doorlooptijd: in de gekozen periode (de mediaan zonder "
    "taken afgesloten vóór hun ontvangst); feiten en overlast: in het indexvenster. "
    "Verhoudingen per 1.000 inwoners (ook van de open taken, op de kaart en in de tabel) "
    f"enkel waar de bevolking gekend is en vanaf {SMALL_BASE} taken of meldingen."
    + "".join(f" {note}" for note in window_notes)
)

st.subheader("Maandelijkse evolutie")
# From the first month of the tasks export on: before it a count is unknown, not 0. A task
# closed before its own receipt (a date error) drew every inspector's line from 0 there.
trend_start = date(idx_end.year - 2, idx_end.month, 1)
tasks_known = common.known_since(version, ("tasks",))
if tasks_known is not None and trend_start < tasks_known <= idx_end:
    trend_start = tasks_known
trend = layout.staff_names(
    workload.monthly_task_trend(version, trend_start, idx_end, flt.wijken), ("inspecteur",)
)
if trend.empty:
    st.info(f"Geen taken tussen {fmt_date(trend_start)} en {fmt_date(idx_end)}.")
else:
    trend_measure = st.radio(
        "Toon",
        ["ontvangen", "afgewerkt"],
        format_func=str.capitalize,
        horizontal=True,
        key="werklast_trendmaat",
    )
    # Ten coloured lines are unreadable: the overloaded inspectors (and any picked in the
    # follow-up filter) get a colour, the others stay grey for comparison.
    highlight = set(fair["overloaded"]) | set(st.session_state.get("opvolging_inspecteur") or [])
    trend["reeks"] = [i if i in highlight else "Overige inspecteurs" for i in trend["inspecteur"]]
    # A month without one task of the export (a missing export) is unknown: a gap in the
    # lines, not a dip to 0 for everyone.
    trend_gaps = months_within(task_gaps, trend_start, idx_end)
    if trend_gaps:
        # Every inspector's line gets a point without a value in such a month: the query
        # gives only months with a task, and a line joined July to September over it.
        trend[["ontvangen", "afgewerkt"]] = trend[["ontvangen", "afgewerkt"]].astype(float)
        trend["maand"] = pd.to_datetime(trend["maand"])
        people = trend[["inspecteur", "reeks"]].drop_duplicates("inspecteur")
        holes = people.merge(pd.DataFrame({"maand": pd.to_datetime(list(trend_gaps))}), how="cross")
        trend = pd.concat(
            [trend[~trend["maand"].dt.date.isin(trend_gaps)], holes], ignore_index=True
        ).sort_values(["inspecteur", "maand"], ignore_index=True)
    colours = {"Overige inspecteurs": "#bbbbbb"}
    strong = ["#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd"]
    fig = px.line(
        trend,
        x="maand",
        y=trend_measure,
        color="reeks",
        line_group="inspecteur",
        color_discrete_map=colours,
        color_discrete_sequence=strong,
        hover_name="inspecteur",
        markers=True,
        labels={
            "maand": "Maand",
            trend_measure: f"Taken {trend_measure}",
            "reeks": "Inspecteur",
        },
    )
    # The axis ends half a month past the last month: plotly's own margin for the markers
    # ran it to the next quarter's tick ("01/2027" after December; a UX sweep).
    months = pd.to_datetime(trend["maand"])
    fig.update_xaxes(
        tickformat="%m/%Y",
        dtick="M3",
        range=[months.min() - pd.Timedelta(days=15), months.max() + pd.Timedelta(days=15)],
    )
    fig.update_layout(height=380, margin={"l": 10, "r": 10, "t": 10, "b": 10})
    cut_short = month_cut_short(idx_end)
    if cut_short:
        # Every line dips in a month that has only its first days: dotted into it, as in
        # Verkenning, and said below.
        last = pd.Timestamp(idx_end).to_period("M").to_timestamp()
        dot_partial_ends(fig, {x for t in fig.data for x in t.x if pd.Timestamp(x) == last})
    show_chart(fig, width="stretch")
    if cut_short:
        st.caption(
            f"Gestippeld: de laatste maand telt maar tot {fmt_date(idx_end)} "
            f"(dag 1–{idx_end.day}); de lagere aantallen daar zijn geen daling."
        )
    if trend_gaps:
        st.caption(
            f"Geen enkele wijktaak met datum in {fmt_gaps(trend_gaps)} (een ontbrekende "
            "export?): de lijnen blijven daar leeg (onbekend, geen 0)."
        )

# ---------------------------------------------------------------------------------------
# 2. Fairness and what-if
# ---------------------------------------------------------------------------------------
st.header("Eerlijke verdeling")
# ``fair`` (computed with the index above): every wijkinspecteur of the zone, whatever
# the wijk filter; stand-ins and other holders of tasks left out.
st.caption(
    "Gini, verhouding en over- of onderbelast: over alle inspecteurs van de zone"
    + (", ook buiten de gekozen wijken" if flt.wijken else "")
    + " (de wijkinspecteurs van de wijken; een vervanger of andere taakhouder telt niet "
    f"mee), en enkel als elk van hen minstens {SMALL_BASE} taken in het indexvenster heeft"
    + (
        "".join(
            f"; zonder {', '.join(names)}: {why}"
            for names, why in (
                (absent_all_window, "het hele venster afwezig"),
                (few_all_window, "minder dan de helft van het venster beschikbaar"),
            )
            if names
        )
        if absence_days_shown
        # Not why to an inspector or the beleidscel (absences are the coordinator's).
        else (
            f"; zonder {', '.join(absent_all_window + few_all_window)} (geen index)"
            if absent_all_window or few_all_window
            else ""
        )
    )
    + "."
)
if fair["small_base"]:
    if zone_index_by_inspector.attrs.get("small_zone_base"):
        # Every inspector is withheld because the zone's mean rests on too little, also
        # those with 5 or more tasks of their own.
        why = (
            f"de wijkinspecteurs hebben gemiddeld minder dan {SMALL_BASE} taken in het indexvenster"
        )
    else:
        why = (
            f"{fmt_int(len(fair['small_base']))} van de {fmt_int(fair['n'])} wijkinspecteurs "
            f"{'heeft' if len(fair['small_base']) == 1 else 'hebben'} minder dan {SMALL_BASE} "
            "taken in het indexvenster"
        )
    # A longer window helps only when the window is short: with a year or more, an
    # inspector with (almost) no tasks points at the export, not at the window.
    if window_before_tasks:
        advice = window_before_tasks
    elif (idx_end - idx_start).days < 364:
        advice = "Kies een langer venster, bv. de laatste 12 maanden."
    elif zone_index_by_inspector.attrs.get("small_zone_base"):
        advice = "Het venster telt al een jaar: staan alle taken wel in de export?"
    else:
        advice = (
            "Het venster telt al een jaar: staan de taken van "
            + ("die wijkinspecteur" if len(fair["small_base"]) == 1 else "die wijkinspecteurs")
            + " wel in de export?"
        )
    st.info(
        f"Geen Gini, verhouding of over- en onderbelasting: {why}; op zo'n kleine basis "
        f"misleiden die cijfers. {advice}",
        icon=":material/info:",
    )
cols = st.columns(4)
cols[0].metric(
    "Gini-coëfficiënt",
    fmt_number(fair["gini"], 2),
    help="0 = perfect gelijk verdeeld; hoe hoger, hoe ongelijker.",
)
cols[1].metric(
    "Verhouding hoogste / laagste",
    fmt_number(fair["max_min_ratio"], 2),
    help=(
        "Gewogen werklast per beschikbare dag (afwezigheden eraf) van de zwaarst belaste "
        "inspecteur gedeeld door die van de minst belaste."
        if absent_in_window
        else "Gewogen werklast van de zwaarst belaste inspecteur gedeeld door die van de "
        "minst belaste."
    ),
)
cols[2].metric(
    "Overbelast (index > 120)", "–" if fair["small_base"] else fmt_int(len(fair["overloaded"]))
)
cols[3].metric(
    "Onderbelast (index < 80)", "–" if fair["small_base"] else fmt_int(len(fair["underloaded"]))
)
if fair["overloaded"]:
    st.warning(
        "Overbelast: "
        + "; ".join(
            f"{name} (index {fmt_number(fair['index'][name], 0)})" for name in fair["overloaded"]
        ),
        icon=":material/priority_high:",
    )
if absent_in_window:
    st.caption(
        "Afwezigheden (verlof, opleiding, ziekte) zijn verrekend: de index vergelijkt de "
        "werklast per beschikbare dag."
    )
if absent_in_window and not absence_days_shown:
    st.caption("De afwezigheden per persoon ziet enkel de wijkcoördinator.")
elif absent_in_window:
    with st.expander("Afwezigheden in het indexvenster"):
        absent_view = workload.absences_per_inspector(version, idx_start, idx_end)
        if flt.wijken:
            # As the index table above: the chosen wijken's inspectors (it listed all ten
            # under a wijk filter; an audit).
            absent_view = absent_view[
                absent_view["inspector"].isin(set(index_by_inspector.index.astype(str)))
            ]
        absent_view = absent_view.assign(
            open_ended=absent_view["open_ended"].map({True: "ja"}).fillna("")
        ).rename(
            columns={
                "inspector": "Inspecteur",
                "days_absent": "Dagen afwezig",
                "days_in_period": "Dagen in venster",
                "reasons": "Redenen",
                "open_ended": "Tot nader order",
            }
        )
        if not layout.is_coordinator():
            # Why someone was absent (illness, ...) is personal: the coordinator only. So is
            # 'tot nader order', which is how lists write long sick leave.
            absent_view = absent_view.drop(columns=["Redenen", "Tot nader order"], errors="ignore")
        layout.table(style_table(layout.staff_names(absent_view)))
elif absences_known and (
    (list_start := workload.absences_first_day(version)) is not None and idx_end < list_start
):
    st.info(
        f"De lijst van afwezigheden van de zone begint pas op {fmt_date(list_start)}: voor "
        f"{fmt_period(idx_start, idx_end)} is niet bekend wie afwezig was. De index "
        "vergelijkt dus de volledige werklast.",
        icon=":material/info:",
    )
elif absences_known:
    begins_later = list_start is not None and idx_start < list_start
    st.info(
        "Geen afwezigheden in dit venster: volgens de lijst van afwezigheden van de zone was "
        f"geen enkele wijkinspecteur afwezig tussen "
        f"{max(idx_start, list_start) if begins_later else idx_start:%d/%m/%Y} en "
        f"{idx_end:%d/%m/%Y}"
        + (f" (de lijst begint op {fmt_date(list_start)})" if begins_later else "")
        + ". De index vergelijkt dus de volledige werklast.",
        icon=":material/info:",
    )
else:
    st.info(
        "Afwezigheden zijn niet in rekening gebracht: de zone levert (nog) geen lijst van "
        "afwezigheden (map `absences/`). Een inspecteur met lang verlof lijkt dan "
        "onderbelast.",
        icon=":material/info:",
    )

st.subheader("Wat als: deelgebieden verschuiven")
wijk_codes = list(wijk_table["code"])
wijk_names = dict(zip(wijk_table["code"], wijk_table["name"], strict=True))


def wijk_label(code) -> str:
    """A wijk as the coordinator knows it, "Winksele (W03)"; the what-if picked by code."""
    return fmt_area(wijk_names.get(code), code)


# Read-only numbers as nl-BE text, to the right as numbers stand.
NUMBER_TEXT = {"alignment": "right"}
# Redistribution is a zone-wide question: with a wijk filter the other wijken still count
# (``index_by_wijk`` is computed over the whole zone).
if flt.wijken:
    st.caption("Wat als en herverdeling kijken naar de hele zone, ook buiten de gekozen wijken.")
wijk_load = index_by_wijk["weighted_load"].reindex(wijk_codes).fillna(0.0)
wijk_base = index_by_wijk["base_tasks"].reindex(wijk_codes).fillna(0.0)
sectors_available = workload.has_sector_layer(version)

if sectors_available:
    sectors = workload.sector_units(
        version, idx_start, idx_end, tuple((str(k), float(v)) for k, v in weights.items())
    )
    adjacency = list(workload.sector_adjacency(version).itertuples(index=False, name=None))
    # Load per sector: the weighted tasks located in it (whichever wijk they were booked
    # on: that work moves with the sector). A wijk without any located task gets its load
    # shared out in proportion to population instead (stated below the table).
    sectors["load"] = sectors["load_located"].astype(float)
    sectors["base_tasks"] = sectors["tasks_located"].astype(float)
    proxy_wijken = []
    for code, part in sectors.groupby("wijk_code"):
        if part["tasks_located"].sum() > 0:
            continue
        total = float(wijk_load.get(code, 0.0))
        if total <= 0:
            continue
        proxy_wijken.append(code)
        # Population where known, else area: a bigger sector is likely more work.
        weight = part["population"].astype(float)
        if weight.isna().any() or weight.sum() <= 0:
            weight = part["area_km2"].astype(float).fillna(0)
        share = (
            weight / weight.sum()
            if weight.sum() > 0
            else pd.Series(1 / len(part), index=part.index)
        )
        sectors.loc[part.index, "load"] = total * share
        sectors.loc[part.index, "base_tasks"] = float(wijk_base.get(code, 0.0)) * share
    sectors = sectors.set_index("code")
    current = dict(zip(sectors.index, sectors["wijk_code"], strict=True))
    editor = pd.DataFrame(
        {
            "Sector": sectors.index,
            "Naam": sectors["name"].to_numpy(),
            "Huidige wijk": [wijk_label(c) for c in sectors["wijk_code"]],
            # Read-only columns as nl-BE text: the editor would write 1177 and 85.3.
            "Inwoners": [fmt_int(v) for v in sectors["population"]],
            "Werklast": [fmt_number(v, 1) for v in sectors["load"]],
            "Nieuwe wijk": sectors["wijk_code"].to_numpy(),
        }
    )
    st.caption(
        "Kies per statistische sector een andere wijk in de kolom 'Nieuwe wijk'; de tabel "
        "eronder toont meteen de nieuwe werklast en inwoners per wijk, en of elke wijk één "
        "aaneengesloten geheel blijft."
    )
    edited = st.data_editor(
        editor,
        key="werklast_watals",
        hide_index=True,
        width="stretch",
        disabled=["Sector", "Naam", "Huidige wijk", "Inwoners", "Werklast"],
        column_config={
            # The value stays the code; the list and the cell show the wijk's name.
            "Nieuwe wijk": st.column_config.SelectboxColumn(
                "Nieuwe wijk", options=wijk_codes, required=True, format_func=wijk_label
            ),
            "Inwoners": st.column_config.TextColumn("Inwoners", **NUMBER_TEXT),
            "Werklast": st.column_config.TextColumn("Werklast (gewogen)", **NUMBER_TEXT),
        },
        height=260,
    )
    proposal = dict(zip(edited["Sector"], edited["Nieuwe wijk"], strict=True))
    sector_pop_known = bool(sectors["population"].notna().all())
    # x/y pick each wijk's anchor sector (nearest its centre); nis_code keeps proposals
    # within the municipality.
    units = sectors[
        ["load", "base_tasks", "population", "x", "y", "nis_code"]
        if sector_pop_known
        else ["load", "base_tasks", "x", "y", "nis_code"]
    ]
    wijk_municipality = dict(zip(wijk_table["code"], wijk_table["nis_code"], strict=True))
    unit_kind = "sector"
else:
    st.info(
        "De zone levert geen statistische sectoren (laag `sector` in `districts/`). Met "
        "sectoren kan u hier deelgebieden van wijk laten wisselen en een herverdeling laten "
        "voorstellen. Zonder sectoren kan enkel op wijkniveau: laat een inspecteur een "
        "andere of een extra wijk overnemen.",
        icon=":material/info:",
    )
    # A wijk the zone configuration gives no inspector (a boundary file's wijk it does not
    # name) is held by "(geen inspecteur)": its load is nobody's until the what-if gives
    # it to someone. (Sorting the holders stopped the page on the missing name.)
    holders = [NO_INSPECTOR if pd.isna(i) else str(i) for i in wijk_table["inspector"]]
    editor = pd.DataFrame(
        {
            "Wijk": wijk_codes,
            "Naam": [wijk_names[c] for c in wijk_codes],
            "Inwoners": [fmt_int(v) for v in wijk_table["population"]],
            "Werklast": [fmt_number(v, 1) for v in wijk_load],
            "Inspecteur": holders,
        }
    )
    inspectors_all = sorted(set(holders) - {NO_INSPECTOR}) + (
        [NO_INSPECTOR] if NO_INSPECTOR in holders else []
    )
    edited = st.data_editor(
        editor,
        key="werklast_watals_wijk",
        hide_index=True,
        width="stretch",
        disabled=["Wijk", "Naam", "Inwoners", "Werklast"],
        column_config={
            "Inwoners": st.column_config.TextColumn("Inwoners", **NUMBER_TEXT),
            "Werklast": st.column_config.TextColumn("Werklast", **NUMBER_TEXT),
            "Inspecteur": st.column_config.SelectboxColumn(
                "Inspecteur", options=inspectors_all, required=True
            ),
        },
    )
    # By position: the wijk table's population has a 0..n index, not the wijk codes.
    units = wijk_units(wijk_codes, wijk_load, wijk_table["population"], wijk_base)
    current = dict(zip(wijk_codes, holders, strict=True))
    proposal = dict(zip(edited["Wijk"], edited["Inspecteur"], strict=True))
    adjacency = []
    unit_kind = "wijk"

groups = wijk_codes if unit_kind == "sector" else sorted(set(current.values()))
# The index's small-base rule: no index for a group whose load rests on too few tasks.
small = {"base_col": "base_tasks", "min_base": SMALL_BASE}
before = evaluate_assignment(units, current, wijken=groups, **small)
after = evaluate_assignment(units, proposal, wijken=groups, **small)
whatif = pd.DataFrame(
    {
        "Wijk" if unit_kind == "sector" else "Inspecteur": before.index,
        "Inwoners nu": _people(before, before.index),
        "Inwoners nieuw": _people(after, before.index),
        "Werklast nu": before["load"].to_numpy(),
        "Werklast nieuw": after["load"].reindex(before.index).to_numpy(),
        "Index nu": before["load_index"].to_numpy(),
        "Index nieuw": after["load_index"].reindex(before.index).to_numpy(),
    }
)
if unit_kind == "sector":
    pieces = contiguity_report(proposal, adjacency)
    whatif.insert(0, "Naam", [wijk_names.get(c, c) for c in before.index])
    whatif["Aaneengesloten"] = [pieces.get(c, 0) == 1 for c in before.index]
    whatif["Inspecteur"] = [wijk_table.set_index("code")["inspector"].get(c) for c in before.index]
moved = {u: k for u, k in proposal.items() if current.get(u) != k}
# Unknown populations: leave the columns out (st.dataframe would print "None").
whatif = whatif.drop(
    columns=[c for c in ("Inwoners nu", "Inwoners nieuw") if whatif[c].isna().all()]
)
layout.table(style_table(whatif))
if before["small_base"].any() or after["small_base"].any():
    st.caption(
        f"Index '–': de werklast rust op minder dan {SMALL_BASE} taken "
        "(of gemiddeld minder dan dat per "
        f"{'wijk' if unit_kind == 'sector' else 'inspecteur'}); te weinig om te vergelijken."
    )
if moved:
    fair_after = fairness(after["load"])
    st.caption(
        f"{fmt_int(len(moved))} {'sector(en)' if unit_kind == 'sector' else 'wijk(en)'} "
        f"verschoven. Gini nu {fmt_number(fairness(before['load'])['gini'], 2)} → nieuw "
        f"{fmt_number(fair_after['gini'], 2)}."
    )
    if unit_kind == "sector" and not whatif["Aaneengesloten"].all():
        broken = [
            wijk_label(c)
            for c, ok in zip(whatif["Wijk"], whatif["Aaneengesloten"], strict=True)
            if not ok
        ]
        st.error(
            "Niet aaneengesloten: " + ", ".join(broken) + ". Een wijk moet één geheel blijven.",
            icon=":material/error:",
        )
if unit_kind == "sector":
    # A sector moved by hand to a wijk of another municipality: allowed in the what-if, but
    # said (the optimiser never proposes it). Unknown codes on either side: no judgement.
    crossing = sorted(
        u
        for u, k in moved.items()
        if pd.notna(wijk_municipality.get(k))
        and pd.notna(sectors["nis_code"].get(u))
        and str(sectors["nis_code"].get(u)) != str(wijk_municipality.get(k))
    )
    if crossing:
        st.warning(
            "Over de gemeentegrens: " + ", ".join(crossing) + ". Een wijk ligt binnen één "
            "gemeente (de rapporten per gemeente gaan daarvan uit).",
            icon=":material/warning:",
        )
    basis = "de inwoners" if sector_pop_known else "de oppervlakte"
    st.caption(
        f"Werklast per sector: gewogen som van de taken ontvangen van {idx_start:%d/%m/%Y} "
        f"tot {idx_end:%d/%m/%Y} waarvan de locatie in de sector valt (welke wijk ze ook "
        "behandelt); taken zonder locatie tellen niet mee."
        + (
            f" Voor {fmt_int(len(proxy_wijken))} wijk(en) zonder gelokaliseerde taken is de "
            f"werklast van de wijk verdeeld naar rato van {basis} (een benadering)."
            if proxy_wijken
            else ""
        )
    )
if unit_kind == "sector" and not sector_pop_known:
    st.caption(
        "De sectoren hebben geen bevolkingscijfer: inwoners per wijk na een verschuiving zijn "
        "onbekend en het voorstel houdt geen rekening met de bevolking."
    )

# A wijk whose tasks are missing (an export left out) reads as idle: a proposal would move
# work to it, and its "largest deviation" rested on that 0 (an audit).
thin = [str(c) for c in before.index[before["small_base"]]] if "small_base" in before else []
if unit_kind == "sector" and thin:
    st.subheader("Voorstel tot herverdeling")
    st.info(
        f"Geen voorstel: te weinig taken in het indexvenster (gemiddeld minder dan {SMALL_BASE} "
        "per wijk). Kies een langer venster."
        if len(thin) == len(before)
        else f"Geen voorstel: {layout.wijk_labels(thin)} "
        + ("heeft" if len(thin) == 1 else "hebben")
        + f" minder dan {SMALL_BASE} taken in het indexvenster (ontbreken er taken in de "
        "export?). Een herverdeling op die basis zou werk naar "
        + ("die wijk" if len(thin) == 1 else "die wijken")
        + " schuiven. Kies een langer venster of vul de export aan."
    )
elif unit_kind == "sector":
    st.subheader("Voorstel tot herverdeling")
    population_rule = (
        " en het aantal inwoners per wijk blijft binnen 15 % van het gemiddelde (of niet "
        "slechter dan nu)"
        if sector_pop_known
        else ""
    )
    st.caption(
        "De optimalisatie (PuLP/CBC) verschuift randsectoren naar een aangrenzende wijk zodat "
        "de werklast per wijk dichter bij het gemiddelde komt; elke wijk blijft één "
        f"aaneengesloten geheel{population_rule}. Het is een voorstel, geen beslissing."
    )
    c1, c2 = st.columns(2)
    max_moves = c1.number_input(
        "Hoogstens zoveel sectoren verschuiven", 1, 50, 6, key="werklast_max_moves"
    )
    limit_s = c2.number_input(
        "Rekentijd (seconden)", 5, 120, 20, step=5, key="werklast_tijdslimiet"
    )
    # A callback, not ``if st.button(...)``: it runs before the next script run, so the
    # click survives any rerun that run might trigger.
    st.button(
        "Stel een herverdeling voor",
        icon=":material/auto_fix_high:",
        key="werklast_optimaliseer",
        on_click=_propose,
        args=(
            units,
            adjacency,
            wijk_codes,
            current,
            (version, idx_start, idx_end),
            wijk_municipality,
        ),
    )
    stored = st.session_state.get("werklast_voorstel")
    if stored and tuple(stored[:3]) == (version, idx_start, idx_end):
        result = stored[3]
        st.markdown(
            f"**Resultaat:** {STATUS_LABELS.get(result.status, result.status)} — "
            f"berekend in {fmt_number(result.solve_seconds, 1)} s. Grootste afwijking van "
            f"het gemiddelde: {fmt_number(result.max_deviation_before, 1)} → "
            f"{fmt_number(result.max_deviation_after, 1)}."
        )
        if result.moves.empty:
            st.success("Geen verschuiving nodig of mogelijk binnen deze regels.")
        else:
            moves = result.moves.copy()
            moves_view = pd.DataFrame(
                {
                    "Sector": moves["unit"],
                    "Naam": [sectors["name"].get(u) for u in moves["unit"]],
                    "Van wijk": [wijk_label(k) for k in moves["from_wijk"]],
                    "Naar wijk": [wijk_label(k) for k in moves["to_wijk"]],
                    "Werklast": moves["load"],
                    "Inwoners": pd.to_numeric(moves["population"]).round().astype("Int64"),
                }
            )
            moves_view = moves_view.dropna(axis=1, how="all")
            layout.table(style_table(moves_view))
            compare = pd.DataFrame(
                {
                    "Wijk": result.before.index,
                    "Werklast nu": result.before["load"].to_numpy(),
                    "Werklast voorstel": result.after["load"]
                    .reindex(result.before.index)
                    .to_numpy(),
                    "Inwoners nu": _people(result.before, result.before.index),
                    "Inwoners voorstel": _people(result.after, result.before.index),
                }
            )
            compare = compare.dropna(axis=1, how="all")
            layout.table(style_table(compare))
            sector_shapes = sectors.reset_index()[["code", "name", "geojson"]]
            mv = maps.new_map(sector_shapes, basemap)
            maps.add_category_fill(
                mv,
                sector_shapes,
                {
                    u: f"naar {wijk_names.get(k, k)}"
                    for u, k in zip(moves["unit"], moves["to_wijk"], strict=True)
                },
                "Voorgestelde verschuiving",
                area_label="Sector",
            )
            maps.add_outline_strokes(mv, shapes)
            maps.show(mv, key="werklast_voorstel_kaart", height=420)

# ---------------------------------------------------------------------------------------
# 3. Follow-up of open tasks
# ---------------------------------------------------------------------------------------
st.header("Opvolging: open taken")
options = workload.task_filter_options(version)
f1, f2, f3 = st.columns([2, 2, 1])
# The filter shows what the table shows: pseudonyms for the beleidscel, mapped back to
# the names the query needs.
shown_names = layout.staff_names(pd.DataFrame({"naam": list(options["inspecteurs"])}), ("naam",))[
    "naam"
].tolist()
name_of = dict(zip(shown_names, options["inspecteurs"], strict=True))
picked_shown = f1.multiselect(
    "Inspecteur", shown_names, placeholder="Alle", key="opvolging_inspecteur"
)
pick_inspectors = [name_of[p] for p in picked_shown]
pick_types = f2.multiselect("Type taak", options["types"], placeholder="Alle", key="opvolging_type")
overdue_only = f3.checkbox("Enkel over termijn", key="opvolging_over_termijn")
# Task lists are records: an inspector gets those of the own wijk only, the beleidscel
# pseudonyms for task number, reference and inspector.
task_scope = layout.record_scope(flt.wijken)
layout.record_note(task_scope, "taken")
open_list = workload.open_tasks(
    version,
    task_scope if task_scope is not None else ("-",),
    tuple(pick_inspectors),
    tuple(pick_types),
    overdue_only,
)
wijk_codes = dict(zip(wijk_table["name"], wijk_table["code"], strict=False))
open_list = layout.records(
    open_list.assign(wijk_code=open_list["wijk"].map(wijk_codes).fillna(open_list["wijk"])),
    ids={"taaknummer": "TAAK", "referentie": "REF", "inspecteur": "INP"},
).drop(columns="wijk_code")
follow = open_list.rename(
    columns={
        "taaknummer": "Taaknummer",
        "inspecteur": "Inspecteur",
        "wijk": "Wijk",
        "type_taak": "Type taak",
        "ontvangen": "Ontvangen",
        "termijn": "Termijn",
        "dagen_over_termijn": "Dagen over termijn",
        "over_termijn": "Over termijn",
        "status": "Status",
        "adres": "Adres",
        "referentie": "Referentie",
    }
)
if task_scope is None:
    # An inspector filtered on other wijken: the note above says why there is no list
    # ("Geen open taken" would contradict the open tasks counted above).
    pass
elif follow.empty:
    st.success("Geen open taken voor deze keuze.")
else:
    n_over = int(open_list["over_termijn"].sum())
    shown_follow = follow.head(OPEN_TABLE_ROWS)
    st.caption(
        f"{fmt_int(len(follow))} open taken op {fmt_date(ref_day)}, waarvan {fmt_int(n_over)} "
        "over termijn (eerst). Dagen over termijn negatief = nog zoveel dagen tijd."
        + (
            f" De tabel toont de eerste {fmt_int(len(shown_follow))}; de download bevat ze "
            f"alle {fmt_int(len(follow))}."
            if len(follow) > len(shown_follow)
            else ""
        )
    )
    layout.table(style_table(missing_as_text(shown_follow)))
    layout.download_button(
        "Download voor de planningsvergadering (.xlsx)",
        partial(to_xlsx_bytes, follow, sheet_name="Open taken"),
        file_name=f"open_taken_{ref_day:%Y%m%d}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        key="opvolging_xlsx",
    )

# ---------------------------------------------------------------------------------------
# 4. Quality-control queue
# ---------------------------------------------------------------------------------------
if not layout.is_coordinator():
    # Reviewing and deciding on the inspectors' work is the coordinator's job.
    st.stop()
st.header("Kwaliteitscontrole")
review_types = tuple(types_cfg.loc[types_cfg["nazicht"], "type_taak"])
win = st.selectbox(
    "Afgewerkte taken van type " + " en ".join(review_types) + " sinds",
    list(WINDOWS),
    format_func=WINDOWS.get,
    key="kwaliteit_venster",
)
since = ref_day - timedelta(days=int(win) - 1)
candidates = workload.review_candidates(version, review_types, since, flt.wijken)
no_location = candidates.empty or not candidates["location_status"].eq("ok").any()
if no_location:
    # Every task lacks a location in this warehouse (no coordinates, no geocoding yet):
    # flagging them all would bury the findings that matter.
    candidates = candidates.drop(columns=["location_status"])
latest = reviews.latest_reviews()
queue = review_queue(
    candidates, latest, item_kind=reviews.TASK_KIND, id_col="task_id", reference_date=ref_day
)
st.caption(
    f"In de wachtrij, sinds {since:%d/%m/%Y} en zonder beslissing (of opnieuw afgewerkt na "
    "terugsturen): de taken met status 'Te controleren' (de tegel bovenaan), de afgewerkte "
    f"taken van type {' en '.join(review_types)}, en afgewerkte taken van elk type met "
    "onlogische datums (afgesloten of termijn vóór de ontvangst) of zonder afsluitdatum. "
    "Beslissingen worden buiten het datawarehouse bewaard en blijven bij elke heropbouw."
)
if no_location:
    st.caption(
        f"De controle '{GEEN_LOCATIE}' staat uit: taken hebben in deze gegevens geen locatie."
    )
# Decisions and return rates follow the wijk filter, as the queue does.
decided, decided_tasks = reviews.decided_tasks(version, flt.wijken)
q1, q2, q3 = st.columns(3)
q1.metric("In de wachtrij", fmt_int(len(queue)))
q2.metric("Met bevindingen", fmt_int(int((queue["n_findings"] > 0).sum()) if len(queue) else 0))
q3.metric(
    "Beslist (totaal)",
    fmt_int(len(decided)),
    help="Taken met een beslissing" + (" in de gekozen wijken." if flt.wijken else "."),
)

if queue.empty:
    st.success("Niets te controleren.")
else:
    shown = queue.head(300)
    queue_view = pd.DataFrame(
        {
            "Taaknummer": shown["task_id"],
            "Type taak": shown["task_type"],
            "Inspecteur": shown["inspector"],
            "Wijk": shown["wijk"],
            "Afgesloten": pd.to_datetime(shown["closed_at"]).dt.normalize(),
            "Termijn": pd.to_datetime(shown["due_at"]).dt.normalize(),
            "Status": shown["status"],
            "Bevindingen": shown["findings_text"].replace("", "geen"),
            "Vorige beslissing": shown["last_decision"].fillna("–"),
        }
    )
    if len(queue) > len(shown):
        st.caption(
            f"De eerste {fmt_int(len(shown))} van {fmt_int(len(queue))} (meeste bevindingen eerst)."
        )
    layout.table(style_table(missing_as_text(queue_view)))

    st.subheader("Beoordelen")
    labels = {
        r.task_id: f"{r.task_id} · {r.task_type} · {r.inspector} · {r.n_findings} bevinding(en)"
        for r in shown.itertuples(index=False)
    }
    chosen = st.selectbox("Taak", list(labels), format_func=labels.get, key="kwaliteit_taak")
    row = shown.set_index("task_id").loc[chosen]
    if row["details"]:
        st.markdown("\n".join(f"- {d}" for d in row["details"]))
    else:
        st.markdown("- Geen automatische bevindingen.")
    decision = st.radio(
        "Beslissing",
        list(reviews.DECISIONS),
        format_func={"goedgekeurd": "Goedkeuren", "teruggestuurd": "Terugsturen"}.get,
        horizontal=True,
        key="kwaliteit_beslissing",
    )
    remark = st.text_area(
        "Opmerking (verplicht bij terugsturen)",
        value="; ".join(row["findings"]) if decision == "teruggestuurd" else "",
        key=f"kwaliteit_opmerking_{chosen}_{decision}",
        max_chars=2000,
    )
    st.button(
        "Beslissing opslaan",
        icon=":material/save:",
        key="kwaliteit_opslaan",
        on_click=_save_review,
        args=(
            str(chosen),
            f"kwaliteit_opmerking_{chosen}_{decision}",
            None if pd.isna(row["closed_at"]) else pd.Timestamp(row["closed_at"]),
        ),
    )
if st.session_state.get("kwaliteit_fout"):
    st.error(st.session_state.pop("kwaliteit_fout"), icon=":material/error:")
if st.session_state.get("kwaliteit_melding"):
    st.success(st.session_state.pop("kwaliteit_melding"), icon=":material/check:")

st.subheader("Beslissingen en terugstuurpercentage")
if flt.wijken:
    st.caption("Enkel beslissingen over taken van de gekozen wijken.")
if decided.empty:
    st.caption(
        "Nog geen beslissingen genomen"
        + (" over taken van de gekozen wijken." if flt.wijken and len(latest) else ".")
    )
else:
    recent = decided.head(20)
    layout.table(
        style_table(
            missing_as_text(
                pd.DataFrame(
                    {
                        "Taaknummer": recent["item_id"],
                        "Inspecteur": recent["inspector"],
                        "Beslissing": recent["decision"],
                        "Opmerking": recent["remark"],
                        "Door": recent["reviewer"],
                        "Op": [
                            # On the zone's clock ([zone].timezone), as every other time.
                            fmt_datetime(t.tz_convert(zone_clock()))
                            for t in recent["recorded_at"]
                        ],
                    }
                )
            )
        )
    )
    returned = decided["decision"].eq("teruggestuurd")
    per_inspector = (
        decided.assign(terug=returned)
        .groupby(decided["inspector"].fillna("Onbekend"))
        .agg(beslist=("terug", "size"), teruggestuurd=("terug", "sum"))
    )
    per_inspector["aandeel"] = (
        100 * per_inspector["teruggestuurd"] / per_inspector["beslist"]
    ).where(per_inspector["beslist"] >= SMALL_BASE)
    found = qc_findings(decided_tasks, ref_day) if len(decided_tasks) else None
    s1, s2 = st.columns(2)
    s1.markdown("**Per inspecteur**")
    s1.dataframe(
        style_table(
            missing_as_text(per_inspector)
            .rename_axis("Inspecteur")
            .reset_index()
            .rename(
                columns={
                    "beslist": "Beslist",
                    "teruggestuurd": "Teruggestuurd",
                    "aandeel": "Aandeel teruggestuurd (%)",
                }
            )
        ),
        hide_index=True,
        width="stretch",
    )
    if found is not None:
        per_task = found.set_index("record_id")["findings"]
        exploded = decided.assign(
            bevinding=decided["item_id"].map(lambda i: per_task.get(i) or ["Zonder bevinding"])
        ).explode("bevinding")
        per_finding = exploded.groupby("bevinding").agg(
            beslist=("decision", "size"),
            teruggestuurd=("decision", lambda s: int(s.eq("teruggestuurd").sum())),
        )
        per_finding["aandeel"] = (
            100 * per_finding["teruggestuurd"] / per_finding["beslist"]
        ).where(per_finding["beslist"] >= SMALL_BASE)
        s2.markdown("**Per bevinding**")
        s2.dataframe(
            style_table(
                missing_as_text(per_finding)
                .rename_axis("Bevinding")
                .reset_index()
                .rename(
                    columns={
                        "beslist": "Beslist",
                        "teruggestuurd": "Teruggestuurd",
                        "aandeel": "Aandeel teruggestuurd (%)",
                    }
                )
            ),
            hide_index=True,
            width="stretch",
        )
    st.caption(
        f"Aandeel teruggestuurd enkel vanaf {SMALL_BASE} beslissingen; daaronder enkel de "
        "aantallen."
    )
