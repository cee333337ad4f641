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


def _click_first_row_below(page, heading) -> None:
    """Click the selection box of the first row of the first table below ``heading``."""
    heading.wait_for(timeout=60_000)
    heading.scroll_into_view_if_needed()
    page.wait_for_timeout(1500)
    top = heading.bounding_box()["y"]
    tables = page.locator('[data-testid="stDataFrame"]')
    box = next(
        b
        for b in (tables.nth(i).bounding_box() for i in range(tables.count()))
        if b and b["y"] > top
    )
    # Left of the first column, under the header row.
    page.mouse.click(box["x"] + 15, box["y"] + 36 + 17)


def _map_zoom(page) -> float | None:
    """The zoom of the page's first Leaflet map (``window.map`` in the map's frame)."""
    for _ in range(60):
        for frame in page.frames[1:]:
            zoom = frame.evaluate("() => window.map ? window.map.getZoom() : null")
            if zoom is not None:
                return zoom
        page.wait_for_timeout(500)
    return None


def test_picking_a_repeat_address_shows_its_history(server, browser):
    """A click on a row of the repeat-address list (a real click: the AppTest tests set the
    table's selection state by hand) opens that address's history, chart and table."""
    page = browser.new_page(viewport={"width": 1600, "height": 1100})
    page.goto(server + "/sources", wait_until="domcontentloaded")
    page.get_by_text("Adressen met herhaalde feiten of meldingen").wait_for(timeout=60_000)
    zone_zoom = _map_zoom(page)
    _click_first_row_below(page, page.get_by_text("Adressen met herhaalde feiten of meldingen"))
    history = page.get_by_text("Verloop van ", exact=False).first
    history.wait_for(timeout=60_000)
    history.scroll_into_view_if_needed()
    page.get_by_text("Aantal per maand").first.wait_for(timeout=60_000)
    # Streamlit draws the history's parts one after the other: waited for, not counted at
    # once (on a loaded machine the count ran before the widget was drawn).
    page.get_by_text("Maatregel of aanpak sinds", exact=True).wait_for(timeout=60_000)
    assert page.get_by_text("Maatregel of aanpak sinds", exact=True).count() == 1
    summary = page.locator("summary", has_text="Aanpak vastleggen")  # the expander
    summary.wait_for(timeout=60_000)
    assert summary.count() == 1
    # Against its surroundings and the rest, with the radius to choose.
    page.get_by_text("Tegenover de omgeving en de rest", exact=True).wait_for(timeout=60_000)
    page.get_by_text("tot 500 m", exact=True).wait_for(timeout=60_000)
    assert page.get_by_text("tot 500 m", exact=True).count() == 1
    page.wait_for_timeout(1000)
    # The map above moved to the picked address (Leaflet's own zoom, in its frame).
    from dashboard.components import maps

    assert zone_zoom is not None and _map_zoom(page) >= max(zone_zoom + 1, maps.FOCUS_STREET_ZOOM)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "sources_address_history.png"))
    assert page.locator("text=Traceback").count() == 0
    page.close()


def test_picking_an_approach_opens_its_address(demo_warehouse, browser, tmp_path):
    """A real click on a row of the approaches' list (its selection callback) opens that
    address's history below the list, as a pick in a repeat-address table does."""
    from datetime import date

    import pandas as pd

    from dashboard.queries import incidents as iq
    from dashboard.queries import warehouse_version
    from etl.approaches import ApproachStore

    version = warehouse_version(demo_warehouse)
    top = iq.top_addresses(version, "incidents", date(2020, 1, 1), date(2030, 1, 1), limit=40)
    first = top[~top["adres"].str.endswith("huisnummer)")].iloc[0]
    state = tmp_path / "state"
    ApproachStore(state / "aanpakken.duckdb").start(
        tuple(None if pd.isna(first[c]) else first[c] for c in iq.ADDRESS_KEY),
        first["adres"], first["gemeente"], first["wijk_code"],
        date(2026, 6, 1), "Camera geplaatst", "demo",
    )  # fmt: skip
    env = {"WIJKBEELD_WAREHOUSE": str(demo_warehouse), "WIJKBEELD_STATE": str(state)}
    with streamlit_server(env) as url:
        page = browser.new_page(viewport={"width": 1600, "height": 1100})
        page.goto(url + "/sources", wait_until="domcontentloaded")
        _click_first_row_below(
            page, page.get_by_role("heading", name="Aanpakken van probleemadressen")
        )
        history = page.get_by_text(f"Verloop van {first['adres']}", exact=False).first
        # The address's history loads its analyses first: on a loaded machine more than a
        # minute (a clean-clone run under load timed out at 60 s).
        history.wait_for(timeout=120_000)
        history.scroll_into_view_if_needed()
        page.get_by_text("Lopende aanpak sinds 01/06/2026.", exact=True).wait_for(timeout=60_000)
        page.get_by_text("Tegenover de omgeving en de rest", exact=True).wait_for(timeout=60_000)
        page.wait_for_timeout(1000)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "sources_approach_picked.png"))
        assert page.locator("text=Traceback").count() == 0
        page.close()
