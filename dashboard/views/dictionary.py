"""Datawoordenboek: every mart and column, from ``docs/DATA_DICTIONARY.md``."""

from __future__ import annotations

import streamlit as st

from dashboard.components import layout
from dashboard.queries import dictionary

version = layout.warehouse()
st.title("Datawoordenboek")
st.caption(
    "Wat elke tabel en kolom van het datawarehouse betekent, in welke eenheid, waar ze vandaan "
    "komt en waar je op moet letten. Bron: `docs/DATA_DICTIONARY.md`."
)

gaps = dictionary.coverage(version)
if gaps["undocumented"]:
    st.warning(
        "Nog niet beschreven: " + ", ".join(f"`{c}`" for c in gaps["undocumented"][:30]),
        icon=":material/warning:",
    )
if gaps["stale"]:
    st.info(
        "Beschreven maar niet (meer) in het datawarehouse: "
        + ", ".join(f"`{c}`" for c in gaps["stale"][:30])
    )

docs = dictionary.load_dictionary()
types = dictionary.mart_columns(version)
search = st.text_input(
    "Zoeken", placeholder="kolomnaam of woord, bv. wijk, letsel, termijn", key="woordenboek_zoek"
).strip()

everything = dictionary.dictionary_frame().merge(types, on=["mart", "kolom"], how="left")
everything["type"] = everything["type"].fillna("")
# The markdown marks names as `code`; in a table cell the backticks are only noise.
everything = everything.replace("`", "", regex=True)
labels = {
    "kolom": "Kolom",
    "type": "Type",
    "betekenis": "Betekenis",
    "eenheid": "Eenheid",
    "bron": "Bron",
    "kanttekeningen": "Kanttekeningen",
}
shown = 0
for name, doc in docs.items():
    table = everything[everything["mart"] == name]
    if search:
        needle = search.lower()
        hit = table.drop(columns="mart").apply(
            lambda col, needle=needle: col.astype(str).str.lower().str.contains(needle, regex=False)
        )
        if needle not in name.lower() and needle not in doc.description.lower():
            table = table[hit.any(axis=1)]
            if table.empty:
                continue
    shown += 1
    # A search shows the matching columns only: the title says how many of all (it said
    # "41 kolommen" over three rows; an audit).
    count = (
        f"{len(table)} van {len(doc.columns)} kolommen"
        if len(table) < len(doc.columns)
        else f"{len(doc.columns)} kolommen"
    )
    with st.expander(f"{name} — {count}", expanded=bool(search)):
        st.markdown(doc.description)
        layout.table(table[list(labels)].rename(columns=labels))
if search and not shown:
    st.info(f"Niets gevonden voor '{search}'.")

layout.csv_download(
    everything[["mart", *labels]].rename(columns={"mart": "Tabel", **labels}),
    "wijkbeeld_datawoordenboek.csv",
    label="Download het woordenboek (CSV)",
    key="woordenboek_csv",
)
