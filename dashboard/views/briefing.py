"""Briefing: what changed this week / 28 days / year, per domain, wijk and category.

Everything shown comes from :func:`dashboard.documents.briefing_pack.collect_briefing`, the
same object the Word pack is written from, so the screen and the printout agree.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.analysis.compstat import dispersion_note
from dashboard.auth import gate
from dashboard.components import comparison, filters, layout, maps
from dashboard.components.comparison import APPROACH_NOTE
from dashboard.components.format import fmt_count, fmt_int, missing_as_text, style_table
from dashboard.documents import briefing_pack as bp
from dashboard.documents import static_maps
from dashboard.queries import overview

version = layout.warehouse()
first, anchor = filters.anchored_bounds(version)

st.sidebar.subheader("Filters")
kind = st.sidebar.radio(
    "Periode",
    list(bp.PERIOD_KINDS),
    format_func=bp.PERIOD_KINDS.__getitem__,
    key="briefing_periode",
    help="Week: de ISO-week (maandag–zondag) waarin de einddatum valt. 28 dagen: de 28 "
    "dagen tot en met de einddatum. Jaar tot nu: 1 januari tot en met de einddatum.",
)
# One widget per kind: switching kind gives that kind's own default (last complete week),
# or the last data day when the data begin after that week (a zone's first days of data:
# a default before the first day made the widget raise).
default_end = bp.default_end(kind, anchor)
if default_end < first:
    default_end = anchor
end = st.sidebar.date_input(
    "Einddatum",
    value=default_end,
    min_value=first,
    max_value=anchor,
    format="DD/MM/YYYY",
    key=f"briefing_einde_{kind}",
    help=f"Standaard: laatste volledige week of laatste dag met gegevens ({anchor:%d/%m/%Y}).",
)
wijken = filters.wijk_filter(version)

with st.spinner("Briefing berekenen…"):
    data = bp.collect_briefing(version, kind, end, wijken)
# An inspector sees the hot spots of the own wijk only (page and pack alike).
who = layout.principal()
data = bp.for_reader(version, data, who.wijk_code if who.role == layout.Role.INSPECTOR else None)
# The approaches of problem addresses of the wijken whose records the reader may see.
data = bp.with_approaches(
    version, data, layout.record_scope(wijken), private=who.role == layout.Role.BELEIDSCEL
)

current = data.bounds.current

st.title("Briefing")
st.caption(f"Periode: {data.period_text} · {data.comparison_text} · gebied: {data.area_label}")
for note in data.coverage_notes:
    st.warning(note)
if data.totals.empty:
    st.info(
        "Nog geen feiten, overlastmeldingen, ongevallen of wijktaken over deze periode "
        "geladen: de briefing vergelijkt die. Laad ze op in de pagina Data.",
        icon=":material/info:",
    )
    st.stop()

totals = data.totals
# A year to date is compared with the same dates a year earlier only: that is its
# "vorige periode" (compstat.period_bounds).
ytd = data.bounds.kind == "ytd"
base, short = ("last_year", "last_year") if ytd else ("previous", "prev")
# Said as what it is: "+34 t.o.v. vorige periode" stood above tables whose "Vorige periode"
# was empty, the base being last year (an audit). Short enough for five tiles in a row
# ("+32 t.o.v. zelfde periode vo…" was cut; a review): the caption under the title names
# the same dates a year earlier.
against = "t.o.v. vorig jaar" if ytd else "t.o.v. vorige periode"
layout.kpi_row(
    [
        layout.Kpi(
            label,
            int(totals.at[key, "now"]),
            None if pd.isna(totals.at[key, base]) else int(totals.at[key, base]),
            reference_label=against,
            help=f"Zelfde periode vorig jaar: {fmt_int(totals.at[key, 'last_year'])} · "
            f"signaal {against}: {comparison.signal_text(totals.at[key, f'z_{short}'], bool(totals.at[key, f'notable_{short}']))}",
            dispersion=data.victims_dispersion if key == "victims" else 1.0,
        )
        for key, label in overview.BRIEFING_MEASURES.items()
        if key in totals.index
    ]
)


def _show(table: pd.DataFrame, compared: pd.DataFrame, key: str) -> None:
    """A comparison table with notable changes coloured (red more, green less)."""
    styled = comparison.styled_comparison(table, compared)
    # Tall enough for every row: a scrolled table hides the categories at the bottom.
    layout.table(styled, key=key, height=35 * (len(table) + 1) + 3)


st.subheader("Vergelijking per domein")
_show(
    comparison.comparison_table(
        totals, [overview.BRIEFING_MEASURES[m] for m in totals.index], "Domein", not ytd
    ),
    totals,
    "briefing_tabel_domein",
)
st.caption(
    "In de tabellen zijn verschillen aantallen, geen percentages. Signaal = 2·(√nu − √toen) (Poisson); "
    "▲/▼ = |signaal| > 2 (CompStat); rood of groen = opvallend meer of minder: ook door toeval "
    "in minder dan 5 % van de gevallen (exacte Poissontoets), zoals onder 'Wat valt op' "
    "(0 tegenover 2 is dat niet). "
    + (
        # Only where the briefing shows them (an accident export may not cover the period).
        "Letselongevallen en slachtoffers zijn verschillende eenheden en worden niet opgeteld. "
        + dispersion_note(data.victims_dispersion)
        if "victims" in totals.index
        else ""
    )
)

st.subheader("Wat valt op")
if data.sentences:
    st.markdown("\n".join(f"- {s}" for s in data.sentences))
else:
    st.markdown(f"Geen opvallende verschuivingen in {data.area_label}.")
if data.sentences_note:
    st.caption(data.sentences_note)

st.subheader("Per wijk")
measure = st.radio(
    "Domein",
    list(data.per_wijk),
    format_func=overview.BRIEFING_MEASURES.__getitem__,
    horizontal=True,
    key="briefing_domein",
)
per_wijk = data.per_wijk[measure]
_show(
    comparison.comparison_table(per_wijk, [str(w) for w in per_wijk.index], "Wijk", not ytd),
    per_wijk,
    "briefing_tabel_wijk",
)
n_unplaced, n_all = data.unplaced.get(measure, (0, 0))
if n_all and n_unplaced == n_all:
    st.warning(
        f"Geen enkel record van deze periode ligt in een wijk ({fmt_int(n_all)} zonder "
        "bruikbare locatie of buiten elke wijkgrens): de tabel per wijk is leeg, niet nul. "
        "Hebben de exports geen coördinaten, laad dan de adreslijst van de zone (addresses/).",
        icon=":material/warning:",
    )
st.caption(bp.unplaced_note(data, [measure]))

st.subheader("Per categorie")
shown = [
    (domain, title, head)
    for domain, title, head in (
        ("incidents", "Feiten per categorie", "Categorie"),
        ("nuisance", "Overlast per type", "Type overlast"),
    )
    if domain in data.categories
]
if not shown:
    st.caption("Geen feiten of overlastmeldingen over deze periode geladen.")
for tab, (domain, _, head) in zip(
    st.tabs([t for _, t, _ in shown]) if shown else [], shown, strict=True
):
    with tab:
        df = data.categories[domain]
        _show(
            comparison.comparison_table(df, [str(c) for c in df.index], head, not ytd),
            df,
            f"briefing_cat_{domain}",
        )

st.subheader("Kaart: feiten, overlast en ongevallen in de periode")
# Points, or H3 hexagons above the map cap; it also draws the shared basemap picker.
maps.record_map(
    version,
    ("incidents", "nuisance", "accidents"),
    current.start,
    current.end,
    wijken,
    key="briefing_records",
)

st.subheader("Hotspots en gevaarlijke punten")
hot_domain = st.radio(
    "Hotspots van",
    list(bp.HOTSPOT_LABELS),
    format_func=bp.HOTSPOT_LABELS.__getitem__,
    horizontal=True,
    key="briefing_hotspot_domein",
)
hot = data.hotspots[hot_domain]
if hot_domain not in data.categories:
    # Its source does not cover the period (see the note at the top): none found is unknown.
    st.info(bp.NO_SOURCE_HOTSPOTS)
elif hot.empty:
    # Beside "3 hot spots buiten je wijk niet getoond" the page said none at all (a review).
    st.info(bp.no_hotspots_text(data, hot_domain))
else:
    hot_table = bp.hotspot_table(hot)
    layout.table(hot_table)
    if more := bp.more_hotspots_note(data, hot_domain):
        st.caption(more)
    if "Met de buren" in hot_table:
        st.caption(bp.HOTSPOT_SUM_NOTE)
if data.hidden_hotspots.get(hot_domain):
    st.caption(bp.hidden_hotspots_note(data.hidden_hotspots[hot_domain]))
st.caption(bp.hotspot_note(data))
if not data.black_spots_judged:
    st.info(bp.NO_BLACK_SPOT_JUDGEMENT)
elif data.black_spots.empty:
    st.info("Geen gevaarlijke punten of kandidaten.")
else:
    layout.table(bp.black_spot_table(data.black_spots))
if data.hidden_black_spots:
    st.caption(bp.hidden_black_spots_note(data.hidden_black_spots))
st.caption(bp.black_spot_note(data))

# The basemap choice of the map above (one picker per page: its widget key is shared).
m = maps.new_map(data.wijk_shapes, st.session_state.get(maps.KEY_BASEMAP, maps.DEFAULT_BASEMAP))
if hot.empty:
    maps.add_outlines(m, data.wijk_shapes)
else:
    maps.add_hexagons(m, hot[["h3_cell", "n"]], "Aantal in hotspot")
    # Borders that leave the hexagons' tooltips reachable.
    maps.add_outline_strokes(m, data.wijk_shapes)
if not data.black_spots.empty:
    b = data.black_spots
    maps.add_points(
        m,
        pd.DataFrame(
            {
                "lat": b["lat"],
                "lon": b["lon"],
                "category": b["status"],
                "date": [None] * len(b),
                "address": b["straat"],
                "id": [f"#{r}" for r in b["rang"]],
            }
        ),
        "Gevaarlijke punten",
        colours=static_maps.SPOT_COLOURS,  # as in the Word pack's map
        records=False,  # a location is an aggregate of accidents, not a record
    )
maps.show(m, key="briefing_kaart", height=480)
st.caption(
    # A semicolon: the black spots' part has its own "en" ("3 gevaarlijke punten en 4 kandidaten").
    f"Op de kaart: {fmt_count(len(hot), 'hotspotzeshoek', 'hotspotzeshoeken')}"
    + (
        f" (de sterkste van {fmt_int(data.hotspots_total[hot_domain])})"
        if data.hotspots_total.get(hot_domain, 0) > len(hot)
        else ""
    )
    + "; "
    f"{bp.black_spot_count_text(data.black_spots)}."
)

st.subheader("Evenementen")
if not data.has_events:
    st.info(bp.NO_EVENT_LIST)
else:
    st.markdown(f"**{bp.upcoming_heading(data)}**")
    if data.events_upcoming.empty:
        st.caption("Geen evenementen gepland in deze dagen.")
    else:
        layout.table(
            bp.upcoming_table(data.events_upcoming), key="briefing_evenementen_komend",
        )  # fmt: skip
    st.markdown("**Evenementen in de periode: wat gebeurde er rond?**")
    followed, marks = bp.followup_table(data.events_followup)
    if followed.empty:
        st.caption("Geen evenementen in deze periode.")
    else:
        layout.table(
            comparison.styled_marks(followed.style, marks), key="briefing_evenementen_periode",
        )  # fmt: skip
        st.caption(bp.followup_note(bp.reader_label(data)))

if data.approaches is not None:
    st.subheader("Aanpakken van probleemadressen")
    if data.approaches.empty:
        st.info(bp.NO_APPROACHES, icon=":material/info:")
    else:
        layout.table(style_table(missing_as_text(data.approaches)), key="briefing_aanpakken")
        st.caption(
            "Lopende aanpakken en die sinds het begin van de periode afliepen. " + APPROACH_NOTE
        )

st.subheader("Briefing downloaden")
layout.download_button(
    "Briefing als Word-document (.docx)",
    # The coordinator's pack anchors the audit log (its newest hash when the file is made).
    data=lambda: bp.briefing_docx(data, audit_anchor=gate.audit_anchor()),
    file_name=bp.file_name(data),
    mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    icon=":material/download:",
    key="briefing_docx",
    help="A4 liggend, met tabellen, grafiek en kaart; klaar om te projecteren of te printen.",
)
