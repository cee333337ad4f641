"""Briefing: what changed, per domain and per wijk, against the previous period and last year."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.analysis.compstat import compare_periods, notable_changes_sentences
from dashboard.components import filters, layout, maps
from dashboard.components.format import fmt_period, style_table
from dashboard.queries import districts, overview

version = layout.warehouse()
flt = filters.common_filters(version)
period, previous, last_year = flt.period, flt.period.previous(), flt.period.last_year()

st.title("Briefing")
st.caption(
    f"Periode: {period.label} · vorige periode: {fmt_period(previous.start, previous.end)} · "
    f"zelfde periode vorig jaar: {fmt_period(last_year.start, last_year.end)}"
)


def _counts(p: filters.Period) -> pd.Series:
    df = overview.domain_counts(version, p.start, p.end, flt.wijken)
    return df.set_index("domain")["n"]


now, before, year_ago = _counts(period), _counts(previous), _counts(last_year)
comparison = compare_periods(now, before, year_ago).reindex(list(overview.DOMAINS))

layout.kpi_row(
    [
        layout.Kpi(
            label,
            int(comparison.at[domain, "now"]),
            int(comparison.at[domain, "previous"]),
            help=f"Vorig jaar zelfde periode: {int(comparison.at[domain, 'last_year'])}",
        )
        for domain, label in overview.DOMAINS.items()
    ]
)


def _signal(notable: bool, diff: float) -> str:
    if not notable:
        return "binnen de normale schommeling"
    return "opvallend meer" if diff > 0 else "opvallend minder"


st.subheader("Vergelijking per domein")
table = pd.DataFrame(
    {
        "Domein": [overview.DOMAINS[d] for d in comparison.index],
        "Nu": comparison["now"].astype(int).values,
        "Vorige periode": comparison["previous"].astype(int).values,
        "Verschil t.o.v. vorige periode": comparison["diff_prev"].astype(int).values,
        "Vorig jaar": comparison["last_year"].astype(int).values,
        "Verschil t.o.v. vorig jaar": comparison["diff_last_year"].astype(int).values,
        "Signaal t.o.v. vorig jaar": [
            _signal(n, d)
            for n, d in zip(
                comparison["notable_last_year"], comparison["diff_last_year"], strict=True
            )
        ],
    }
)
st.dataframe(style_table(table), hide_index=True, width="stretch")
st.caption(
    "Verschillen zijn aantallen, geen percentages: op kleine aantallen misleidt een "
    "percentage. 'Opvallend' betekent |2·(√nu − √toen)| > 2 (Poisson-signaal)."
)

st.subheader("Wat valt op")
area = (
    "de zone"
    if not flt.wijken
    else ", ".join(districts.wijken(version).set_index("code").loc[list(flt.wijken), "name"])
)
sentences = []
for key, noun in (("incidents", "feiten"), ("nuisance", "meldingen")):
    per_category = [
        overview.category_counts(version, key, p.start, p.end, flt.wijken).set_index("category")[
            "n"
        ]
        for p in (period, previous, last_year)
    ]
    sentences += notable_changes_sentences(compare_periods(*per_category), noun, area, max_items=5)
if sentences:
    st.markdown("\n".join(f"- {s}" for s in sentences))
else:
    st.markdown(f"Geen opvallende verschuivingen per categorie in {area}.")

st.subheader("Per wijk")
domain = st.radio(
    "Domein",
    list(overview.DOMAINS),
    format_func=overview.DOMAINS.__getitem__,
    horizontal=True,
    key="briefing_domein",
)


wijk_info = districts.wijken(version)
if flt.wijken:
    wijk_info = wijk_info[wijk_info["code"].isin(flt.wijken)]


def _per_wijk(p: filters.Period) -> pd.Series:
    df = overview.domain_counts_per_wijk(version, p.start, p.end, flt.wijken)
    series = df[df["domain"] == domain].set_index("wijk_code")["n"]
    # Every wijk gets a row, also one where nothing happened in any period.
    return series.reindex(wijk_info["code"], fill_value=0)


per_wijk = compare_periods(_per_wijk(period), _per_wijk(previous), _per_wijk(last_year))
wijk_table = pd.DataFrame(
    {
        "Wijk": wijk_info["name"].values,
        "Gemeente": wijk_info["gemeente"].values,
        "Nu": per_wijk["now"].astype(int).values,
        "Vorige periode": per_wijk["previous"].astype(int).values,
        "Verschil t.o.v. vorige periode": per_wijk["diff_prev"].astype(int).values,
        "Vorig jaar": per_wijk["last_year"].astype(int).values,
        "Verschil t.o.v. vorig jaar": per_wijk["diff_last_year"].astype(int).values,
        "Signaal t.o.v. vorig jaar": [
            _signal(n, d)
            for n, d in zip(per_wijk["notable_last_year"], per_wijk["diff_last_year"], strict=True)
        ],
    }
)
st.dataframe(style_table(wijk_table), hide_index=True, width="stretch")

st.subheader("Kaart: feiten, overlast en ongevallen in de periode")
maps.record_map(
    version,
    ("incidents", "nuisance", "accidents"),
    period.start,
    period.end,
    flt.wijken,
    key="briefing_kaart",
)
