"""Rapporten: aggregated tables per municipality for the local administration.

Everything here may leave the police, so counts from 1 to ``small_count_threshold - 1``
are shown as ``<5`` (zone configuration), also in the CSV download.
"""

from __future__ import annotations

import warnings

import pandas as pd
import streamlit as st

from dashboard.analysis.suppression import ResidualDisclosureWarning, suppress_table
from dashboard.components import filters, layout, maps
from dashboard.components.format import fmt_int, fmt_small_count
from dashboard.queries import common, districts
from etl.config import load_zone

version = layout.warehouse()
st.sidebar.subheader("Filters")
period = filters.period_filter(version)

st.title("Rapporten")
layout.period_caption(period.label)

try:
    threshold = int(load_zone()["zone"].get("small_count_threshold", 5))
except (FileNotFoundError, KeyError):
    threshold = 5

municipalities = districts.municipalities(version)
names = dict(zip(municipalities["code"], municipalities["name"], strict=True))
nis = st.selectbox("Gemeente", list(names), format_func=names.__getitem__, key="rapport_gemeente")
wijk_info = districts.wijken(version)
wijk_codes = tuple(wijk_info.loc[wijk_info["nis_code"] == nis, "code"])

st.caption(
    f"Geaggregeerde cijfers voor {names[nis]}, bestemd voor het gemeentebestuur. Aantallen "
    f"van 1 tot {threshold - 1} worden getoond als '<{threshold}'. Een document (Word/Excel) "
    "volgt later; de tabellen hieronder zijn al downloadbaar."
)

#: Report columns: Dutch label → (dataset, measure).
COLUMNS = {
    "Feiten (pv's)": ("incidents", None),
    "Overlastmeldingen": ("nuisance", None),
    "Verkeersongevallen": ("accidents", "Aantal ongevallen"),
    "Letselongevallen": ("accidents", "Letselongevallen"),
    "Verkeersslachtoffers": ("accidents", "Slachtoffers (totaal)"),
}


def area_table(dimension: str) -> pd.DataFrame:
    """Counts per area of the municipality (raw numbers; suppression happens on display)."""
    out = None
    for label, (key, measure) in COLUMNS.items():
        df = common.counts_by(
            version, key, (dimension,), period.start, period.end, wijk_codes, measure=measure
        ).rename(columns={"waarde": label})
        out = df if out is None else out.merge(df, on=dimension.lower(), how="outer")
    out = out.fillna(0)
    for label in COLUMNS:
        out[label] = out[label].astype(int)
    return out.rename(columns={dimension.lower(): dimension})


def suppressed(df: pd.DataFrame) -> pd.DataFrame:
    """Primary and secondary suppression, with the municipality total as last row.

    No row totals: a row mixes units (accidents and victims) that must not be added.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResidualDisclosureWarning)
        result = suppress_table(
            df,
            list(COLUMNS),
            threshold=threshold,
            row_totals=False,
            col_totals=True,
            total_label=f"Totaal {names[nis]}",
        )
    if any(issubclass(w.category, ResidualDisclosureWarning) for w in caught):
        st.warning(
            "Een afgeschermd aantal blijft afleidbaar uit de totalen; voeg gebieden samen "
            "of publiceer deze tabel zonder totaal."
        )
    return result.display.reset_index(drop=True)


if not wijk_codes:
    st.info("Deze gemeente heeft geen wijken in het datawarehouse.")
    st.stop()

per_wijk = area_table("Wijk")
# Every wijk of the municipality is listed, also one without any record (all zeros).
names_in_order = wijk_info.loc[wijk_info["nis_code"] == nis, "name"].tolist()
per_wijk = per_wijk.set_index("Wijk").reindex(names_in_order, fill_value=0).reset_index()
per_deelgemeente = area_table("Deelgemeente")

for col, label in zip(st.columns(len(COLUMNS)), COLUMNS, strict=True):
    col.metric(label, fmt_small_count(int(per_wijk[label].sum()), threshold))
st.caption(
    "Totalen voor de gemeente: alleen records met een wijk in deze gemeente. In de tabellen "
    f"staat '<{threshold}' voor een klein aantal en 'x' voor een aantal dat verborgen is "
    "omdat het anders uit het totaal terug te rekenen is."
)

st.subheader("Per wijk")
table_wijk = suppressed(per_wijk)
st.dataframe(table_wijk, hide_index=True, width="stretch")
layout.csv_download(
    table_wijk,
    f"wijkbeeld_{names[nis].lower()}_per_wijk_{period.start:%Y%m%d}_{period.end:%Y%m%d}.csv",
    "Download tabel per wijk (CSV)",
    key="rapport_csv_wijk",
)

st.subheader("Per deelgemeente")
table_dg = suppressed(per_deelgemeente)
st.dataframe(table_dg, hide_index=True, width="stretch")
layout.csv_download(
    table_dg,
    f"wijkbeeld_{names[nis].lower()}_per_deelgemeente_{period.start:%Y%m%d}_{period.end:%Y%m%d}.csv",
    "Download tabel per deelgemeente (CSV)",
    key="rapport_csv_deelgemeente",
)

st.subheader("Kaart: feiten per wijk")
shapes = districts.district_shapes(version, "wijk")
shapes = shapes[shapes["nis_code"] == nis]
# The map shows what the table shows: a hidden cell (primary or secondary) is grey.
shown_incidents = dict(
    zip(table_wijk.iloc[:-1, 0], table_wijk.iloc[:-1]["Feiten (pv's)"], strict=True)
)
counts = dict(zip(per_wijk["Wijk"], per_wijk["Feiten (pv's)"], strict=True))
by_code = {
    code: (
        None
        if not str(shown_incidents.get(name, "0")).replace(".", "").isdigit()
        else counts.get(name, 0)
    )
    for code, name in zip(shapes["code"], shapes["name"], strict=True)
}
m = maps.new_map(shapes, maps.basemap_picker())
maps.add_choropleth(m, shapes, by_code, "Feiten (pv's)", unknown_label="Afgeschermd")
maps.add_outlines(m, shapes)
maps.show(m, key="rapport_kaart")
st.caption(
    "Kleur per wijk; wijken met een afgeschermd aantal zijn grijs. "
    f"Totaal voor de gemeente: {fmt_int(per_wijk[list(COLUMNS)[0]].sum())} feiten."
)
