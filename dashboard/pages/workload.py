"""Werklast per wijk: open, overdue and closed tasks per wijk and inspector."""

from __future__ import annotations

import streamlit as st

from dashboard.components import filters, layout, maps
from dashboard.components.format import fmt_int, missing_as_text, style_table
from dashboard.queries import districts, workload

version = layout.warehouse()
flt = filters.common_filters(version)
period = flt.period

st.title("Werklast per wijk")
layout.period_caption(period.label)
st.caption(
    "Open, over termijn en te controleren: de toestand op de datum van de laatste "
    "gegevens. Ontvangen en afgewerkt: in de gekozen periode."
)

per_wijk = workload.task_status_per_wijk(version, period.start, period.end, flt.wijken)
layout.kpi_row(
    [
        layout.Kpi("Open taken", int(per_wijk["open"].sum())),
        layout.Kpi("Over termijn", int(per_wijk["over_termijn"].sum())),
        layout.Kpi("Te controleren", int(per_wijk["te_controleren"].sum())),
        layout.Kpi("Ontvangen in periode", int(per_wijk["ontvangen"].sum())),
        layout.Kpi("Afgewerkt in periode", int(per_wijk["afgewerkt"].sum()), higher_is_worse=False),
    ]
)

st.subheader("Kaart: open taken per 1.000 inwoners")
shapes = districts.district_shapes(version, "wijk")
population = shapes.set_index("code")["population"]
open_per_wijk = per_wijk.set_index("wijk_code")["open"]
rates = {
    code: (
        None
        if code not in population or population.isna()[code] or population[code] <= 0
        else 1000.0 * float(open_per_wijk.get(code, 0)) / float(population[code])
    )
    for code in shapes["code"]
}
rate_shapes = shapes[shapes["code"].isin(flt.wijken)] if flt.wijken else shapes
basemap = maps.basemap_picker()
m = maps.new_map(rate_shapes, basemap)
maps.add_choropleth(
    m,
    rate_shapes,
    rates,
    "Open taken per 1.000 inwoners",
    decimals=1,
    unknown_label="Bevolking onbekend",
)
maps.add_outlines(m, rate_shapes)
maps.show(m, key="werklast_kaart")
unknown = [c for c, v in rates.items() if v is None and c in set(rate_shapes["code"])]
if unknown:
    st.caption(
        f"Geen bevolkingscijfer voor {fmt_int(len(unknown))} wijk(en): daar geen verhouding, "
        "enkel het aantal in de tabel."
    )

LABELS = {
    "wijk": "Wijk",
    "wijkinspecteur": "Wijkinspecteur",
    "inspecteur": "Inspecteur",
    "type_taak": "Type taak",
    "open": "Open",
    "over_termijn": "Over termijn",
    "te_controleren": "Te controleren",
    "ontvangen": "Ontvangen",
    "afgewerkt": "Afgewerkt",
    "mediaan_doorlooptijd_dagen": "Mediaan doorlooptijd (dagen)",
}

st.subheader("Per wijk")
table = per_wijk.drop(columns=["wijk_code"]).copy()
table.insert(
    3,
    "open_per_1000",
    [rates.get(c) for c in per_wijk["wijk_code"]],
)
st.dataframe(
    style_table(table.rename(columns=LABELS | {"open_per_1000": "Open per 1.000 inwoners"})),
    hide_index=True,
    width="stretch",
)

st.subheader("Per inspecteur")
per_inspector = workload.task_status_per_inspector(version, period.start, period.end, flt.wijken)
st.dataframe(style_table(per_inspector.rename(columns=LABELS)), hide_index=True, width="stretch")

st.subheader("Per type taak")
per_type = workload.task_status_per_type(version, period.start, period.end, flt.wijken)
st.dataframe(style_table(per_type.rename(columns=LABELS)), hide_index=True, width="stretch")

st.subheader("Taken over termijn")
overdue = workload.overdue_tasks(version, flt.wijken, limit=200)
if overdue.empty:
    st.success("Geen open taken over termijn.")
else:
    st.caption(f"De {fmt_int(len(overdue))} langst overschreden taken (max. 200).")
    st.dataframe(
        style_table(
            missing_as_text(overdue).rename(
                columns={
                    "taaknummer": "Taaknummer",
                    "type_taak": "Type taak",
                    "wijk": "Wijk",
                    "inspecteur": "Inspecteur",
                    "ontvangen": "Ontvangen",
                    "termijn": "Termijn",
                    "dagen_over_termijn": "Dagen over termijn",
                    "referentie": "Referentie",
                }
            )
        ),
        hide_index=True,
        width="stretch",
    )
