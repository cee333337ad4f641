"""End-to-end: a real headless Chromium against ``streamlit run`` on the demo warehouse.

Uses Debian's ``chromium`` (``apt-get install chromium``) driven by Playwright; no browser is
downloaded. Screenshots land in ``tests/e2e/screenshots/`` for a person to look at.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOTS = Path(__file__).parent / "screenshots"
REPO = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(demo_warehouse):
    """Start ``streamlit run`` on the demo warehouse; yield its base URL."""
    port = _free_port()
    env = dict(os.environ, WIJKBEELD_WAREHOUSE=str(demo_warehouse))
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(REPO / "dashboard" / "app.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"streamlit stopte meteen:\n{proc.stdout.read()}")
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("streamlit startte niet binnen 60 s")
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip(
            "Debian's chromium ontbreekt (apt-get install chromium); .ci/run installeert het"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield b
        b.close()


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
