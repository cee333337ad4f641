"""Verkenning (beleidscel): any count of any dataset by period, category and area."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import streamlit as st

from dashboard.components import filters, layout
from dashboard.components.format import (
    MONTHS,
    WEEKDAYS,
    fmt_date,
    fmt_int,
    iso_week_label,
    style_table,
)
from dashboard.queries import common

version = layout.warehouse()
flt = filters.common_filters(version)
period = flt.period

st.title("Verkenning")
layout.period_caption(period.label)

left, middle, right = st.columns(3)
dataset_key = left.selectbox(
    "Gegevens",
    list(common.DATASETS),
    format_func=lambda k: common.DATASETS[k].label,
    key="verkenning_dataset",
)
ds = common.dataset(dataset_key)
TIME_DIMS = ["Maand", "Week", "Jaar", "Dag", "Weekdag"]
GROUP_DIMS = ["Categorie", "Wijk", "Deelgemeente", "Gemeente"]
time_options = ["Geen"] + [
    d for d in TIME_DIMS if not (ds.month_only and d in common.DAY_DIMENSIONS)
]
time_dim = middle.selectbox("Indelen in de tijd", time_options, index=1, key="verkenning_tijd")
group_dim = right.selectbox(
    "Indelen naar",
    ["Geen"] + GROUP_DIMS,
    index=1,
    format_func=lambda d: ds.category_label if d == "Categorie" else d,
    key="verkenning_groep",
)
measure = left.selectbox("Maat", list(ds.measures), key="verkenning_maat")
categories = filters.category_filter(
    common.category_values(version, dataset_key), label=ds.category_label, container=middle
)

dims = tuple(d for d in (time_dim, group_dim) if d != "Geen")
result = common.counts_by(
    version, dataset_key, dims, period.start, period.end, flt.wijken, categories, measure=measure
)
if ds.month_only:
    st.caption(f"{ds.label}: enkel jaar en maand bekend; elke maand die de periode raakt telt mee.")

if result.empty:
    st.info("Geen gegevens voor deze keuze.")
    st.stop()

labels = {
    "jaar": "Jaar",
    "maand": "Maand",
    "week": "Week (maandag)",
    "dag": "Dag",
    "weekdag": "Weekdag",
    "categorie": ds.category_label,
    "wijk": "Wijk",
    "deelgemeente": "Deelgemeente",
    "gemeente": "Gemeente",
    "waarde": measure,
}
table = result.copy()
if "weekdag" in table:
    table["weekdag"] = table["weekdag"].map(lambda i: WEEKDAYS[int(i) - 1])
# Plotly writes month names in English on a date axis; Dutch text labels avoid that.
AXIS_LABELS = {
    "maand": lambda d: f"{MONTHS[d.month - 1]} {d.year}",
    "week": iso_week_label,
    "dag": fmt_date,
}

st.metric(f"Totaal ({measure.lower()})", fmt_int(result["waarde"].sum()))

x = next((c for c in ("maand", "week", "dag", "jaar", "weekdag") if c in table), None)
colour = labels.get(group_dim.lower()) if group_dim != "Geen" else None
plot = table.sort_values([c for c in (x, group_dim.lower()) if c in table])
if x in AXIS_LABELS:
    plot = plot.assign(**{x: plot[x].map(lambda v: AXIS_LABELS[x](pd.Timestamp(v)))})
plot = plot.rename(columns=labels)
if x in AXIS_LABELS:
    fig = px.line(plot, x=labels[x], y=measure, color=colour, markers=True)
    fig.update_xaxes(type="category")
elif x is not None:
    fig = px.bar(plot, x=labels[x], y=measure, color=colour, barmode="group")
else:
    y = labels[group_dim.lower()] if group_dim != "Geen" else None
    fig = px.bar(plot, x=measure, y=y, orientation="h") if y else None
if fig is not None:
    fig.update_layout(
        separators=",.",
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend_title_text=colour,
    )
    st.plotly_chart(fig, width="stretch")

shown = table.rename(columns=labels)
st.dataframe(style_table(shown), hide_index=True, width="stretch")
if len(result) >= 5_000:
    st.caption("Enkel de 5.000 grootste groepen worden getoond.")
layout.csv_download(
    shown,
    f"wijkbeeld_{dataset_key}_{period.start:%Y%m%d}_{period.end:%Y%m%d}.csv",
    key="verkenning_csv",
)
