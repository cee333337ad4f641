"""Bronnen van onveiligheid: incidents and nuisance on the map, per category and wijk."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.components import filters, layout, maps
from dashboard.components.format import style_table
from dashboard.queries import common, incidents

version = layout.warehouse()
flt = filters.common_filters(version)
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
categories = filters.category_filter(options, label="Categorie / type overlast", container=st)

previous = period.previous()
kpis = []
for key in ("incidents", "nuisance"):
    ds = common.dataset(key)
    now = common.record_count(version, key, period.start, period.end, flt.wijken, categories)
    before = common.record_count(version, key, previous.start, previous.end, flt.wijken, categories)
    kpis.append(layout.Kpi(ds.label, now if key in keys else None, before if key in keys else None))
repeated = {
    key: incidents.top_addresses(
        version, key, period.start, period.end, flt.wijken, categories, min_count=2, limit=25
    )
    for key in keys
}
kpis.append(
    layout.Kpi(
        "Adressen met herhaling",
        sum(
            incidents.repeated_address_count(
                version, key, period.start, period.end, flt.wijken, categories
            )
            for key in keys
        ),
        help="Adressen met minstens 2 feiten, of minstens 2 meldingen, in de periode.",
    )
)
layout.kpi_row(kpis)

st.subheader("Kaart")
maps.record_map(
    version, keys, period.start, period.end, flt.wijken, categories, key="bronnen_kaart"
)

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
    st.dataframe(style_table(pivot.reset_index()), hide_index=True, width="stretch")

st.subheader("Adressen met herhaalde feiten of meldingen")
for key, df in repeated.items():
    ds = common.dataset(key)
    st.markdown(f"**{ds.label}**")
    if df.empty:
        st.info("Geen adres met meer dan één registratie in deze periode.")
        continue
    shown = df.rename(
        columns={
            "adres": "Adres",
            "gemeente": "Gemeente",
            "wijk": "Wijk",
            "aantal": "Aantal",
            "categorieen": ds.category_label,
            "eerste": "Eerste",
            "laatste": "Laatste",
        }
    )
    shown["Eerste"] = pd.to_datetime(shown["Eerste"])
    shown["Laatste"] = pd.to_datetime(shown["Laatste"])
    st.dataframe(style_table(shown), hide_index=True, width="stretch")
