"""End-to-end: a real headless Chromium against ``streamlit run`` on the demo warehouse.

Uses Debian's ``chromium`` (``apt-get install chromium``) driven by Playwright; no browser is
downloaded. Screenshots land in ``tests/e2e/screenshots/`` for a person to look at.
"""

from __future__ import annotations

import pytest

from .conftest import CHROMIUM, REPO, SCREENSHOTS, streamlit_server  # noqa: F401

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(demo_warehouse):
    """Start ``streamlit run`` on the demo warehouse; yield its base URL."""
    with streamlit_server({"WIJKBEELD_WAREHOUSE": str(demo_warehouse)}) as url:
        yield url


def _open(browser, url: str, shot: str, title: str):
    page = browser.new_page(viewport={"width": 1600, "height": 1100})
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_role("heading", name=title).first.wait_for(timeout=60_000)
    # The folium map renders inside the streamlit-folium component iframe.
    page.locator("iframe[title*='streamlit_folium']").first.wait_for(timeout=60_000)
    frame = page.frame_locator("iframe[title*='streamlit_folium']").first
    frame.locator(".leaflet-container").first.wait_for(timeout=60_000)
    # District outlines are SVG paths drawn by Leaflet even without a basemap.
    frame.locator("path.leaflet-interactive").first.wait_for(timeout=60_000)
    page.wait_for_timeout(1500)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / shot), full_page=True)
    assert page.locator("text=Traceback").count() == 0
    return page, frame


def test_briefing_page_renders_title_and_map(server, browser):
    page, frame = _open(browser, server + "/", "briefing.png", "Briefing")
    assert frame.locator("path.leaflet-interactive").count() >= 10  # ten wijken at least
    page.close()


def test_sources_page_renders_title_and_map(server, browser):
    page, frame = _open(browser, server + "/sources", "sources.png", "Bronnen van onveiligheid")
    assert frame.locator("path.leaflet-interactive").count() >= 10
    page.close()
