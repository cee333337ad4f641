"""End-to-end sign-in: a real headless Chromium signs in through the form of ``streamlit run``.

Local sign-in mode with the demo accounts, in a private state folder (users, key, audit log).
Same set-up as ``test_browser.py``: Debian's ``chromium`` driven by Playwright, screenshots
in ``tests/e2e/screenshots/``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import CHROMIUM, REPO, SCREENSHOTS, download, streamlit_server  # noqa: F401

pytestmark = pytest.mark.e2e


NAV_LINKS = "[data-testid='stSidebarNav'] a"


@pytest.fixture(scope="module")
def state(tmp_path_factory) -> Path:
    """The server's state folder (user file, pseudonym key, audit log)."""
    return tmp_path_factory.mktemp("auth_state")


@pytest.fixture(scope="module")
def server(demo_warehouse, state):
    """``streamlit run`` in local sign-in mode with the demo flag; yields its base URL."""
    env = {
        "WIJKBEELD_WAREHOUSE": str(demo_warehouse),
        "WIJKBEELD_AUTH_MODE": "local",
        "WIJKBEELD_DEMO": "1",
        "WIJKBEELD_STATE": str(state),
    }
    # What `make demo` does first: the demo accounts exist before the first visitor.
    subprocess.run(
        [sys.executable, "-m", "dashboard.auth", "demo-users"],
        cwd=REPO,
        env=dict(os.environ, **env),
        check=True,
    )
    with streamlit_server(env) as url:
        yield url


def _sign_in(browser, url: str, username: str, password: str = "wijkbeeld-demo", context=None):
    """A new page (in ``context``: a browser's tabs, which share their cookies) signing in."""
    page = (
        context.new_page()
        if context is not None
        else browser.new_page(viewport={"width": 1600, "height": 1100}, accept_downloads=True)
    )
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_label("Gebruikersnaam").wait_for(timeout=60_000)
    # Before sign-in: the form only, no page list, no data.
    assert page.locator(NAV_LINKS).count() == 0
    assert page.locator("[data-testid='stMetric']").count() == 0
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Aanmelden").click()
    return page


def _nav(page) -> set[str]:
    """Titles in the page list (each link's text also holds its icon's name)."""
    return {t.strip().split("\n")[-1].strip() for t in page.locator(NAV_LINKS).all_inner_texts()}


def _audit(state: Path):
    from etl.audit import AuditLog

    return AuditLog(state / "audit.duckdb").read()


def test_wrong_password_is_refused_and_audited(server, browser, state):
    page = _sign_in(browser, server + "/", "demo", "geen-wachtwoord")
    page.get_by_text("Gebruikersnaam of wachtwoord onjuist.").wait_for(timeout=30_000)
    assert page.locator(NAV_LINKS).count() == 0
    page.close()
    failed = _audit(state).query("event == 'aanmelding_mislukt'")
    assert "demo" in set(failed["username"])
    # The address of the connection, also from the machine itself (Streamlit's
    # st.context.ip_address is None for 127.0.0.1: every sign-in was logged without an
    # address and the limit per address did not exist; an audit).
    import json

    clients = {
        (d if isinstance(d, dict) else json.loads(d)).get("client") for d in failed["detail"]
    }
    assert clients and None not in clients and clients <= {"127.0.0.1", "::1"}, clients


def test_coordinator_signs_in_and_sees_the_briefing(server, browser, state):
    time.sleep(1.5)  # the throttle's delay after the previous test's failure for "demo"
    page = _sign_in(browser, server + "/", "demo")
    page.get_by_role("heading", name="Briefing").first.wait_for(timeout=60_000)
    page.locator("iframe[title*='streamlit_folium']").first.wait_for(timeout=60_000)
    frame = page.frame_locator("iframe[title*='streamlit_folium']").first
    frame.locator("path.leaflet-interactive").first.wait_for(timeout=60_000)
    assert {"Briefing", "Rapporten", "SQL-console", "Data", "Auditlog"} <= _nav(page)
    # The sections are named for what they hold, not for a role ("Beleidscel" headed
    # Verkenning in an inspector's sidebar).
    sections = page.locator("[data-testid='stNavSectionHeader']").all_inner_texts()
    assert [s.strip() for s in sections] == [
        "Overzicht", "Analyse", "Rapportering", "Verdieping", "Beheer"
    ], sections  # fmt: skip
    page.get_by_text("Aangemeld als Demo wijkcoördinator").wait_for(timeout=10_000)
    page.wait_for_timeout(1000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "auth_coordinator_briefing.png"), full_page=True)

    # A download is an export: the audit log gets it, with the page and the file name.
    docx = download(page, page.get_by_role("button", name="Briefing als Word-document (.docx)"))
    assert docx.suggested_filename.endswith(".docx")
    deadline = time.time() + 20
    while time.time() < deadline:
        log = _audit(state)
        exports = log[(log["event"] == "export") & (log["username"] == "demo")]
        if not exports.empty:
            break
        time.sleep(0.5)
    assert not exports.empty and exports["page"].iloc[0] == "briefing"
    assert ".docx" in exports["detail"].iloc[0]
    assert {"aanmelding", "pagina"} <= set(log[log["username"] == "demo"]["event"])
    assert (log[log["event"] == "pagina"]["page"] == "briefing").any()

    # The Bronnen map's image is drawn when its button is pressed, not with the page.
    page.locator("[data-testid='stSidebarNav']").get_by_role(
        "link", name="Bronnen van onveiligheid", exact=True
    ).click()
    button = page.get_by_role("button", name="Kaart als PNG")
    button.wait_for(timeout=60_000)
    # Bronnen's map, drawn: its first value reruns the page (see `settle`).
    frame = page.frame_locator("iframe[title*='streamlit_folium']").first
    frame.locator("path.leaflet-interactive").first.wait_for(timeout=60_000)
    png = download(page, button)
    assert png.suggested_filename == "bronnen_kaart.png"
    assert Path(png.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    deadline = time.time() + 20
    while time.time() < deadline:
        log = _audit(state)
        pngs = log[(log["event"] == "export") & log["detail"].str.contains("bronnen_kaart.png")]
        if not pngs.empty:
            break
        time.sleep(0.5)
    assert not pngs.empty and pngs["page"].iloc[0] == "sources"
    page.close()


def test_bestuur_sees_only_the_reports(server, browser, state):
    page = _sign_in(browser, server + "/", "bestuur-24038")
    page.get_by_role("heading", name="Rapporten").first.wait_for(timeout=60_000)
    page.wait_for_timeout(2000)
    # One page: Streamlit shows no page list at all; in any case nothing but Rapporten.
    assert _nav(page) <= {"Rapporten"}
    assert page.get_by_role("heading", name="Briefing").count() == 0
    page.get_by_text("Aangemeld als Demo bestuur Herent").wait_for(timeout=10_000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "auth_bestuur_reports.png"), full_page=True)
    # A deep link to another page opens nothing of it: the new session is signed in again
    # from the session cookie, as the same bestuur, and gets the Dutch refusal.
    page.goto(server + "/data", wait_until="domcontentloaded")
    page.get_by_role("heading", name="Geen toegang").wait_for(timeout=60_000)
    assert page.get_by_role("heading", name="Data").count() == 0
    assert page.get_by_label("Gebruikersnaam").count() == 0
    # "/briefing", the first page's own name, refused in Dutch too (a page it may not open).
    page.goto(server + "/briefing", wait_until="domcontentloaded")
    page.get_by_role("heading", name="Geen toegang").wait_for(timeout=60_000)
    # Its own only page at its own name: the report, without Streamlit's English "Page not
    # found" (the page is served at the root; a review).
    page.goto(server + "/reports", wait_until="domcontentloaded")
    page.get_by_role("heading", name="Rapporten").first.wait_for(timeout=60_000)
    page.wait_for_timeout(2000)
    assert page.get_by_text("Page not found").count() == 0
    page.close()


def test_the_first_page_opens_at_its_own_name_too(server, browser, state):
    """The Briefing is served at the root: "/briefing" (every other page is at its name)
    showed Streamlit's English "Page not found" modal (a review of the pages as a user
    sees them). It opens the Briefing."""
    page = _sign_in(browser, server + "/briefing", "demo")
    page.get_by_role("heading", name="Briefing").first.wait_for(timeout=60_000)
    page.wait_for_timeout(3000)
    assert page.get_by_text("Page not found").count() == 0
    assert page.get_by_text("Vergelijking per domein").count() == 1
    page.close()


def test_the_sections_name_is_an_unknown_address_said_in_dutch(server, browser, state):
    """The Briefing's own name was "overzicht", known by the file stems only: that address
    was taken for an unknown one, whose "Pagina niet gevonden" page claimed the Briefing's
    name, and Streamlit stopped the app with an English error for every role with the
    Briefing, signed in or signing in there (an audit). The default page's name is now one
    nobody types, and "/overzicht" is answered in Dutch, for every role."""
    for user, home in (("inspecteur-w01", "Briefing"), ("bestuur-24038", "Rapporten")):
        page = _sign_in(browser, server + "/overzicht", user)
        page.get_by_role("heading", name="Pagina niet gevonden").wait_for(timeout=60_000)
        page.wait_for_timeout(2000)
        assert page.get_by_text("This app has encountered an error").count() == 0
        assert page.get_by_text("Page not found").count() == 0
        page.get_by_role("link", name=f"Naar {home}").click()
        page.get_by_role("heading", name=home).first.wait_for(timeout=60_000)
        page.close()


def test_the_sign_in_address_shows_the_form_and_then_the_first_page(server, browser, state):
    """'/aanmelden' showed Streamlit's English 'Page not found' beside the form (the form's
    own default page held that name, which Streamlit serves at the root only; an audit).
    Now the form alone, and once signed in the role's first page."""
    page = browser.new_page(viewport={"width": 1600, "height": 1100})
    page.goto(server + "/aanmelden", wait_until="domcontentloaded")
    page.get_by_label("Gebruikersnaam").wait_for(timeout=60_000)
    page.wait_for_timeout(2000)
    assert page.get_by_text("Page not found").count() == 0
    page.close()
    page = _sign_in(browser, server + "/aanmelden", "demo")
    page.get_by_text("Vergelijking per domein").wait_for(timeout=60_000)
    page.wait_for_timeout(2000)
    assert page.get_by_text("Page not found").count() == 0
    assert page.get_by_role("heading", name="Pagina niet gevonden").count() == 0
    page.close()


def _session_cookie(page) -> str | None:
    """The value of this install's session cookie (``wijkbeeld_sessie_<mark>``), if any."""
    return next(
        (c["value"] for c in page.context.cookies() if c["name"].startswith("wijkbeeld_sessie_")),
        None,
    )


def test_a_reload_and_a_new_tab_stay_signed_in_until_sign_out(server, browser, state):
    """A reload (or a link opened in a new tab) is a new Streamlit session; the browser's
    session cookie signs it in again as the same user, without the form, until
    "Afmelden". The cookie only names a token the server keeps the digest of."""
    time.sleep(1.5)  # the throttle's delay after an earlier failure for "demo"
    context = browser.new_context(viewport={"width": 1600, "height": 1100})
    page = _sign_in(browser, server + "/", "demo", context=context)
    page.get_by_role("heading", name="Briefing").first.wait_for(timeout=60_000)
    page.get_by_text("Aangemeld als Demo wijkcoördinator").wait_for(timeout=30_000)
    deadline = time.monotonic() + 30
    while _session_cookie(page) is None and time.monotonic() < deadline:
        page.wait_for_timeout(250)
    token = _session_cookie(page)
    assert token and len(token) >= 40
    [cookie] = [c for c in page.context.cookies() if c["name"].startswith("wijkbeeld_sessie")]
    from dashboard.auth.sessions import cookie_name

    assert cookie["name"] == cookie_name(state)  # this install's own
    assert cookie["sameSite"] == "Strict" and cookie["path"] == "/"
    assert cookie["expires"] > time.time() + 11 * 3600
    assert token not in (state / "sessions.json").read_text()

    page.reload(wait_until="domcontentloaded")
    page.get_by_role("heading", name="Briefing").first.wait_for(timeout=60_000)
    page.get_by_text("Aangemeld als Demo wijkcoördinator").wait_for(timeout=30_000)
    assert page.get_by_label("Gebruikersnaam").count() == 0

    # A link opened in another tab of the same browser opens its page straight away.
    tab = context.new_page()
    tab.goto(server + "/exploration?gegevens=nuisance", wait_until="domcontentloaded")
    tab.get_by_role("heading", name="Verkenning").wait_for(timeout=60_000)
    assert tab.get_by_label("Gebruikersnaam").count() == 0
    tab.close()
    log = _audit(state)
    resumed = log[(log["event"] == "aanmelding") & log["detail"].str.contains("sessiecookie")]
    assert len(resumed) >= 2

    page.get_by_role("button", name="Afmelden").click()
    page.get_by_label("Gebruikersnaam").wait_for(timeout=60_000)
    deadline = time.monotonic() + 30
    while _session_cookie(page) and time.monotonic() < deadline:
        page.wait_for_timeout(250)
    assert not _session_cookie(page)  # the browser dropped it
    page.reload(wait_until="domcontentloaded")
    page.get_by_label("Gebruikersnaam").wait_for(timeout=60_000)
    page.wait_for_timeout(1500)
    assert page.locator(NAV_LINKS).count() == 0
    # The old token, sent again by hand, signs no one in: the server revoked it.
    page.context.add_cookies([{"name": cookie["name"], "value": token, "url": server + "/"}])
    page.reload(wait_until="domcontentloaded")
    page.get_by_label("Gebruikersnaam").wait_for(timeout=60_000)
    page.wait_for_timeout(1500)
    assert page.locator(NAV_LINKS).count() == 0
    context.close()


def test_shared_link_opens_its_page_with_its_filters_after_sign_in(server, browser, state):
    """The Verkenning page tells its users to share its address. Opened in a new session,
    the link shows the sign-in form at that address (no English "Page not found", and no
    page content), and after sign-in the linked page opens with the link's filters (it
    opened the Briefing)."""
    link = server + "/exploration?periode=jaar&gegevens=nuisance"
    page = _sign_in(browser, link, "demo")
    page.get_by_role("heading", name="Verkenning").wait_for(timeout=60_000)
    assert "/exploration?" in page.url and "gegevens=nuisance" in page.url
    assert page.get_by_text("Page not found").count() == 0
    assert page.get_by_role("heading", name="Briefing").count() == 0
    page.close()
    # Before sign-in the link shows the form only, at its own address.
    page = browser.new_page(viewport={"width": 1600, "height": 1100})
    page.goto(link, wait_until="domcontentloaded")
    page.get_by_label("Gebruikersnaam").wait_for(timeout=60_000)
    page.wait_for_timeout(1500)
    assert page.get_by_text("Page not found").count() == 0
    assert page.get_by_role("heading", name="Verkenning").count() == 0
    assert "/exploration" in page.url
    page.close()


def test_link_to_a_page_of_another_role_says_so_in_dutch(server, browser, state):
    """A mayor's staff member (bestuur) opening a link to the Data page: after sign-in a
    Dutch "Geen toegang" with a link to Rapporten, not the page, and no page view in the
    audit log."""
    page = _sign_in(browser, server + "/data", "bestuur-24038")
    page.get_by_role("heading", name="Geen toegang").wait_for(timeout=60_000)
    assert page.get_by_role("heading", name="Data").count() == 0
    assert page.get_by_text("Page not found").count() == 0
    page.get_by_role("link", name="Naar Rapporten").click()
    page.get_by_role("heading", name="Rapporten").first.wait_for(timeout=60_000)
    # A page view is audited once the page has run (with the filters it wrote into the
    # URL); the report itself takes a few seconds after the heading.
    deadline = time.monotonic() + 60
    while True:
        log = _audit(state)
        views = log[(log["username"] == "bestuur-24038") & (log["event"] == "pagina")]
        if "reports" in set(views["page"]) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    page.close()
    assert "data" not in set(views["page"]) and "reports" in set(views["page"])


def test_an_address_that_is_no_page_says_so_in_dutch(server, browser):
    """A mistyped or outdated link (/kaart): Streamlit answered it with its English "Page
    not found" over the sign-in form (its old pages-folder mode, for the app's pages/
    folder); now the form at that address, then a Dutch "Pagina niet gevonden" with a link
    to the role's first page."""
    page = _sign_in(browser, server + "/kaart", "demo")
    page.get_by_role("heading", name="Pagina niet gevonden").wait_for(timeout=60_000)
    assert page.get_by_text("Page not found").count() == 0
    page.get_by_role("link", name="Naar Briefing").click()
    page.get_by_role("heading", name="Briefing").first.wait_for(timeout=60_000)
    assert page.get_by_text("Page not found").count() == 0
    page.close()


def test_a_zone_file_with_a_mistake_opens_nothing_and_lists_no_pages(
    browser, tmp_path, demo_warehouse
):
    """A typo in zone.toml: the Dutch message only. Streamlit listed the page files in the
    sidebar ("app", "audit", "briefing" ...) when the gate stopped before the navigation."""
    zone = tmp_path / "zone.toml"
    text = (REPO / "data" / "zone.toml").read_text(encoding="utf-8")
    zone.write_text(text.replace("population = 4700", 'population = "4.700"', 1), encoding="utf-8")
    env = {"WIJKBEELD_WAREHOUSE": str(demo_warehouse), "WIJKBEELD_ZONE": str(zone)}
    with streamlit_server(env) as url:
        page = browser.new_page(viewport={"width": 1200, "height": 700})
        page.goto(f"{url}/data", wait_until="domcontentloaded")
        alert = page.locator("[data-testid='stAlert']")
        alert.wait_for(timeout=60_000)
        assert "population: moet een geheel getal zijn, niet de tekst '4.700'" in alert.inner_text()
        page.wait_for_timeout(1000)
        assert page.locator(NAV_LINKS).count() == 0
        assert page.locator("[data-testid='stMetric']").count() == 0
        page.screenshot(path=str(SCREENSHOTS / "zone_toml_fout.png"))
        page.close()
