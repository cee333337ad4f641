"""Rapporten: the per-municipality report for the local administration (Word and Excel).

Everything here may leave the police: aggregates only, counts from 1 to
``small_count_threshold - 1`` shown as ``<5`` and whatever would reveal them hidden as
``x``, consistently over every table of the report
(:mod:`dashboard.documents.disclosure`).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.components import layout, maps
from dashboard.components.format import fmt_period
from dashboard.documents import municipal_report as mr
from dashboard.queries import districts
from dashboard.queries.common import domain_coverage
from etl.config import zone_today

version = layout.warehouse()

st.title("Rapporten")
st.caption(
    "Rapport per gemeente voor burgemeester, schepencollege en politieraad: alleen "
    "geaggregeerde cijfers, kleine aantallen afgeschermd. Download als Word of Excel."
)

municipalities = districts.municipalities(version)
names = dict(zip(municipalities["code"], municipalities["name"], strict=True))
# Bestuur sees the report of its own municipality only; every other role the whole zone.
allowed = set(layout.municipality_scope())
names = {code: name for code, name in names.items() if code in allowed}
if not names:
    st.error("Je account is aan geen gemeente van deze zone gekoppeld; vraag de wijkcoördinator.")
    st.stop()
if districts.district_shapes(version, "wijk").empty:
    # The report counts a municipality's records by the wijk they lie in: without wijk
    # boundaries no record has one, and every count would read 0.
    st.warning(
        "Er zijn geen wijkgrenzen geladen: het rapport telt de records per wijk, en zonder "
        "wijkgrenzen ligt geen enkel record in een wijk. Laad de wijkgrenzen (districts/) op "
        "in de pagina Data.",
        icon=":material/warning:",
    )
    st.stop()
cov = domain_coverage(version)
cov = cov[cov["domain"].isin(["incidents", "nuisance", "accidents"])]
if cov["first"].isna().all():
    # A zone that has loaded only its tasks, or only Statbel's accidents (by month, without
    # the day a period needs), has nothing to report yet.
    st.info(
        "Nog geen feiten, overlastmeldingen of ongevallen van de zone geladen: een rapport "
        "telt die. Laad ze op in de pagina Data.",
        icon=":material/info:",
    )
    st.stop()
first, last = pd.Timestamp(cov["first"].min()).date(), pd.Timestamp(cov["last"].max()).date()

c1, c2, c3 = st.columns([2, 2, 3])
nis = c1.selectbox("Gemeente", list(names), format_func=names.__getitem__, key="rapport_gemeente")
kind = c2.radio(
    "Soort periode",
    list(mr.PERIOD_KINDS),
    format_func=mr.PERIOD_KINDS.__getitem__,
    horizontal=True,
    key="rapport_soort",
)
periods = mr.report_periods(kind, first, last)
complete = [p.end <= last and p.start >= first for p in periods]
# Suppression holds within the reports of one build. A period still running (or only
# partly covered) changes from build to build, and so does the pattern of the periods
# around it: an October and a November download of the same municipality could be
# subtracted (docs/SECURITY.md). The administration therefore gets complete periods only;
# the police's own roles still see the running one, marked "onvolledig".
if layout.principal().role not in (layout.Role.COORDINATOR, layout.Role.BELEIDSCEL):
    periods = [p for p, full in zip(periods, complete, strict=True) if full]
    complete = [True] * len(periods)
    if not periods:
        st.info(
            f"Er is nog geen {mr.PERIOD_KINDS[kind].lower()} waarvoor de gegevens volledig "
            "zijn; kies een andere soort periode."
        )
        st.stop()
# Default: the newest period the data cover completely.
default = complete.index(True) if True in complete else 0
period = c3.selectbox(
    "Periode",
    periods,
    index=default,
    format_func=lambda p: (
        f"{p.label} ({fmt_period(p.start, p.end)})"
        + ("" if p.end <= last and p.start >= first else " – onvolledig")
    ),
    key=f"rapport_periode_{kind}",
)

args = (version, nis, period.kind, period.year, period.part)
with st.spinner("Rapport samenstellen…"):
    data = mr.cached_report(*args)

layout.period_caption(data.period_text)
if not data.complete:
    st.info(
        f"De gegevens dekken deze periode niet volledig: de cijfers gelden voor "
        f"{fmt_period(data.start, data.end)}, de vergelijking met vorige jaren voor dezelfde dagen."
    )
for message in data.warnings:
    st.warning(f"Afscherming niet volledig: {message}", icon=":material/warning:")
for note in mr.unplaced_notes(data):
    st.warning(note, icon=":material/warning:")

trend = data.tables["evolutie"]
cols = st.columns(len(trend.value_columns))
now_row = trend.values.shape[0] - 1
for j, (col, label) in enumerate(zip(cols, trend.value_columns, strict=True)):
    col.metric(label, trend.text(now_row, j))

d1, d2 = st.columns(2)
layout.download_button(
    container=d1,
    label="Rapport als Word (.docx)",
    data=lambda: mr.cached_docx(*args, zone_today()),
    file_name=f"{mr.file_stem(data)}.docx",
    mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    icon=":material/download:",
    key="rapport_docx",
    type="primary",
)
layout.download_button(
    container=d2,
    label="Rapport als Excel (.xlsx)",
    data=lambda: mr.cached_xlsx(*args, zone_today()),
    file_name=f"{mr.file_stem(data)}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/download:",
    key="rapport_xlsx",
)

legend = (
    f"'<{data.threshold}': een aantal van 1 tot {data.threshold - 1}. 'x': verborgen zodat een "
    "klein aantal niet uit totalen of uit een andere tabel terug te rekenen is."
)
images = mr.cached_images(*args)


def show_table(table: mr.PublishedTable, height: int | str = "auto") -> None:
    """A published table as the report prints it; its counts are text ("1.234", "<5", "x"),
    right-aligned as numbers are (as text they were drawn to the left)."""
    right = st.column_config.Column(alignment="right")
    layout.table(
        table.display(),
        height=height,
        column_config=dict.fromkeys(table.value_columns, right),
    )
    if table.note:
        # Markdown read the leading "*" of a partial count's note as a list bullet.
        st.caption(table.note.replace("*", "\\*"))


st.subheader(trend.title)
show_table(trend)
st.image(images["trend"], width="stretch")
# The evolution rows take the status a year has in that year's own reports: an 'x' there
# (and a missing bar) comes from another report of the same year, not from this one.
st.caption(
    legend + " In de evolutie draagt elk jaar de afscherming van de rapporten van dat jaar "
    "(kwartalen, halfjaren en het jaar samen): een 'x' of een ontbrekende staaf voorkomt "
    "dat een klein aantal uit twee rapporten van dat jaar af te trekken is (zie "
    "Methodologie)."
)

st.subheader("Per deelgemeente")
show_table(data.tables["deelgemeenten"])
st.subheader("Per wijk")
show_table(data.tables["wijken"])
st.caption(legend)

st.subheader("Per categorie")
for col, key in zip(st.columns(3), ("cat_feiten", "cat_overlast", "cat_slachtoffers"), strict=True):
    with col:
        table = data.tables[key]
        st.markdown(f"**{table.title}**")
        # Tall enough for every row, so the total at the bottom is always in view.
        height = 35 * (len(table.labels) + 1) + 3
        show_table(table, height)

events = data.tables["evenementen"]
st.subheader(events.title)
if events.labels:
    show_table(events)
elif data.events_loaded:
    st.write(mr.NO_EVENTS_IN_PERIOD)
st.caption(mr.events_note(data) + (" " + legend if events.labels else ""))

st.subheader("Kaarten")
k1, k2 = st.columns(2)
with k1:
    wijken = data.tables["wijken"]
    codes = dict(zip(data.wijk_shapes["name"], data.wijk_shapes["code"], strict=True))
    values = {
        codes[w]: wijken.shown(i, 0) for i, (_, w) in enumerate(wijken.labels[:-1]) if w in codes
    }
    m = maps.new_map(data.wijk_shapes, maps.basemap_picker())
    maps.add_choropleth(m, data.wijk_shapes, values, "Feiten (pv's)", unknown_label="Afgeschermd")
    maps.add_outline_strokes(m, data.wijk_shapes)
    maps.show(m, key="rapport_kaart", height=460)
    st.caption("Feiten per wijk; afgeschermde wijken zijn grijs.")
with k2:
    if "zeshoekkaart" in images:
        st.image(images["zeshoekkaart"], width="stretch")
        st.caption("Per zeshoek alleen een klasse, nooit een exact aantal.")
    else:
        st.info(mr.NO_HEX_MAP, icon=":material/visibility_off:")

with st.expander("Methodologie en datakwaliteit"):
    for heading, paragraphs in mr.methodology_paragraphs(data):
        st.markdown(f"**{heading}**")
        st.markdown("\n".join(p if p.startswith("- ") else f"\n{p}\n" for p in paragraphs))
