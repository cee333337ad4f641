"""Verkeer: accidents by severity on the map, accidents and victims per wijk (never mixed)."""

from __future__ import annotations

import streamlit as st

from dashboard.components import filters, layout, maps
from dashboard.components.format import style_table
from dashboard.queries import traffic

version = layout.warehouse()
flt = filters.common_filters(version)
period = flt.period

st.title("Verkeer")
layout.period_caption(period.label)

source = (
    st.segmented_control(
        "Bron",
        list(traffic.SOURCES),
        format_func=traffic.SOURCES.__getitem__,
        default="accidents",
        key="verkeer_bron",
    )
    or "accidents"
)
if source == "accidents_statbel":
    st.caption(
        "Statbel publiceert enkel letselongevallen, met maand maar zonder dag: elke maand "
        "die de periode raakt telt volledig mee. Tel Statbel en de eigen registratie nooit "
        "op: ze beschrijven dezelfde ongevallen."
    )

summary = traffic.accident_summary(version, source, period.start, period.end, flt.wijken)
previous = period.previous()
before = traffic.accident_summary(version, source, previous.start, previous.end, flt.wijken)

st.subheader("Ongevallen")
layout.kpi_row(
    [
        layout.Kpi("Ongevallen", summary["ongevallen"], before["ongevallen"]),
        layout.Kpi("Letselongevallen", summary["letselongevallen"], before["letselongevallen"]),
        layout.Kpi(
            "Enkel stoffelijke schade",
            summary["enkel_stoffelijke_schade"],
            before["enkel_stoffelijke_schade"],
        ),
    ]
)
st.subheader("Slachtoffers")
layout.kpi_row(
    [
        layout.Kpi("Doden", summary["doden"], before["doden"]),
        layout.Kpi("Zwaargewonden", summary["zwaargewonden"], before["zwaargewonden"]),
        layout.Kpi("Lichtgewonden", summary["lichtgewonden"], before["lichtgewonden"]),
        layout.Kpi("Slachtoffers (totaal)", summary["slachtoffers"], before["slachtoffers"]),
    ]
)
st.caption(
    "Een ongeval telt één keer, ongeacht het aantal slachtoffers; een slachtoffer is een "
    "persoon. De ernst van een ongeval is die van het zwaarst getroffen slachtoffer."
)

st.subheader("Kaart: ongevallen naar ernst")
SEVERITY_COLOURS = {
    "Dodelijk": "#000000",
    "Zwaargewond": "#d7191c",
    "Lichtgewond": "#fdae61",
    "Stoffelijke schade": "#2c7bb6",
}
maps.record_map(
    version,
    (source,),
    period.start,
    period.end,
    flt.wijken,
    key="verkeer_kaart",
    colours=SEVERITY_COLOURS,
    order=traffic.SEVERITY_ORDER,
)

st.subheader("Per wijk")
per_wijk = traffic.accidents_per_wijk(version, source, period.start, period.end, flt.wijken)
table = per_wijk.drop(columns=["wijk_code"]).rename(
    columns={
        "wijk": "Wijk",
        "ongevallen": "Ongevallen",
        "letselongevallen": "Letselongevallen",
        "enkel_stoffelijke_schade": "Enkel stoffelijke schade",
        "doden": "Slachtoffers: doden",
        "zwaargewonden": "Slachtoffers: zwaargewonden",
        "lichtgewonden": "Slachtoffers: lichtgewonden",
        "slachtoffers": "Slachtoffers: totaal",
    }
)
st.dataframe(style_table(table), hide_index=True, width="stretch")

st.subheader("Ongevallen naar ernst")
severity = traffic.accidents_by_severity(version, source, period.start, period.end, flt.wijken)
st.dataframe(
    style_table(severity.rename(columns={"ernst": "Ernst", "ongevallen": "Ongevallen"})),
    hide_index=True,
)
