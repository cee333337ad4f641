"""Wijkbeeld: router only. Each page lives in ``dashboard/pages/`` and draws itself.

Run with ``streamlit run dashboard/app.py`` from the project folder.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard.components.layout import sidebar_info, warehouse

# A local favicon: the default (the page icon) is fetched from a font CDN.
st.set_page_config(
    page_title="Wijkbeeld",
    layout="wide",
    page_icon=str(Path(__file__).parent / "static" / "favicon.png"),
)

PAGES = {
    "Overzicht": [
        st.Page("pages/briefing.py", title="Briefing", icon=":material/dashboard:", default=True),
    ],
    "Analyse": [
        st.Page("pages/sources.py", title="Bronnen van onveiligheid", icon=":material/report:"),
        st.Page("pages/traffic.py", title="Verkeer", icon=":material/traffic:"),
        st.Page("pages/workload.py", title="Werklast per wijk", icon=":material/assignment_ind:"),
    ],
    "Rapportering": [
        st.Page("pages/reports.py", title="Rapporten", icon=":material/description:"),
    ],
    "Beleidscel": [
        st.Page("pages/exploration.py", title="Verkenning", icon=":material/query_stats:"),
    ],
    "Beheer": [
        st.Page("pages/data.py", title="Data", icon=":material/database:"),
    ],
}

page = st.navigation(PAGES)
# The guard runs before any page: without a warehouse every page would only fail.
version = warehouse()
sidebar_info(version)
page.run()
