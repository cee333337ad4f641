"""Wijkbeeld: router only. Each page lives in ``dashboard/views/`` and draws itself.

Run with ``streamlit run dashboard/app.py`` from the project folder.

Order matters: the sign-in gate runs before anything else is drawn (no page, no sidebar,
no warehouse figures), and the navigation lists only the pages the signed-in role may open
(``dashboard/auth/roles.py``, ``PAGE_ACCESS``). See ``docs/SECURITY.md``.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import StopException

from dashboard.auth import gate
from dashboard.components.format import fmt_int
from dashboard.components.layout import sidebar_info, unknown_wijk_notice, warehouse
from dashboard.queries import TooManyRows

# A local favicon: the default (the page icon) is fetched from a font CDN.
st.set_page_config(
    page_title="Wijkbeeld",
    layout="wide",
    page_icon=str(Path(__file__).parent / "static" / "favicon.png"),
)

PAGES = {
    "Overzicht": [
        # Served at the root; "/briefing" leads here too (gate.route_pages), so its own
        # pathname is another: a hidden page holds that address. Streamlit answers the
        # default page's own pathname with its English "Page not found" over the page, so
        # it is one nobody types ("overzicht", the section's name, was visited by an audit
        # and is now an unknown address, answered in Dutch).
        st.Page(
            "views/briefing.py",
            title="Briefing",
            icon=":material/dashboard:",
            default=True,
            url_path="briefing" + gate.DEFAULT_SUFFIX,
        ),
    ],
    "Analyse": [
        st.Page("views/sources.py", title="Bronnen van onveiligheid", icon=":material/report:"),
        st.Page("views/traffic.py", title="Verkeer", icon=":material/traffic:"),
        st.Page("views/workload.py", title="Werklast per wijk", icon=":material/assignment_ind:"),
    ],
    "Rapportering": [
        st.Page("views/reports.py", title="Rapporten", icon=":material/description:"),
    ],
    # Named for what it holds, not for a role: an inspector's sidebar put Verkenning under
    # "Beleidscel" (a review).
    "Verdieping": [
        st.Page("views/exploration.py", title="Verkenning", icon=":material/query_stats:"),
        st.Page("views/sql.py", title="SQL-console", icon=":material/terminal:"),
        st.Page("views/dictionary.py", title="Datawoordenboek", icon=":material/menu_book:"),
    ],
    "Beheer": [
        st.Page("views/data.py", title="Data", icon=":material/database:"),
        st.Page("views/audit.py", title="Auditlog", icon=":material/policy:"),
    ],
}

# Draws the sign-in form and stops the script until someone has signed in. Until then the
# navigation holds only hidden placeholders, one per page address (so a shared link keeps
# its page and filters through sign-in): no page, and none of the page files Streamlit's
# old pages-folder mode would list, is reachable.
# An address that is no page at all (a mistyped or outdated link) gets one as well.
addresses = gate.app_addresses(PAGES)
unknown = gate.unknown_address(addresses)
principal = gate.require_login(url_paths=addresses + ([unknown] if unknown else []))

# A page the role may not open is not routed at all: its address shows a hidden page that
# says so (gate.route_pages), in Dutch, instead of Streamlit's "Page not found"; so does an
# unknown address.
page = st.navigation(gate.route_pages(PAGES, principal, unknown))
stem = gate.page_stem(page)
gate.set_current_page(stem)
# The guard runs before any page: without a warehouse every page would only fail.
version = warehouse()
sidebar_info(version)
gate.sidebar_user(principal)
unknown_wijk_notice(version)
try:
    page.run()
except StopException:
    # A page that stops early (no data, refused) was still opened: audit it too.
    gate.log_page_view(stem, gate.url_filters())
    raise
except TooManyRows as refused:
    # A query over its bound refuses rather than count a part (dashboard/queries/_db.py).
    # Uncaught, the refusal would surface as Streamlit's English traceback.
    st.error(
        "Dit deel van de pagina telt elke rij die het gebruikt en vond er meer dan "
        f"{fmt_int(refused.max_rows)}: meer dan het in één keer kan tellen. Het toont "
        "daarom niets, liever dan cijfers over een deel van de rijen. Een kortere periode "
        "in de filters kan helpen."
    )
# Logged after the page ran, so the filters it just wrote into the URL are the ones seen.
gate.log_page_view(stem, gate.url_filters())
