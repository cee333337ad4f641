"""Shared set-up for the browser tests: a ``streamlit run`` server and Debian's Chromium.

Each test module starts its own server (its own warehouse, zone, state and sign-in mode)
through :func:`streamlit_server`; each module gets its own browser (a module
that drives Playwright itself must not meet a running sync Playwright loop).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOTS = Path(__file__).parent / "screenshots"
REPO = Path(__file__).resolve().parents[2]
# The log file of every server started by `streamlit_server`: a failing browser test
# shows the end of it (a timeout said nothing of what the server did; CI, 7 Dec 2026).
SERVER_LOGS: list[str] = []


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(env_overrides: dict[str, str], timeout_s: float = 60) -> Iterator[str]:
    """Run ``streamlit run dashboard/app.py`` on a free port; yield its base URL.

    The server's output goes to a log file, not a pipe: an unread pipe fills up and
    blocks a chatty server halfway through a test.
    """
    port = free_port()
    env = dict(os.environ, **env_overrides)
    with tempfile.NamedTemporaryFile("w+", suffix=".log", prefix="streamlit-") as log:
        SERVER_LOGS.append(log.name)
        proc = subprocess.Popen(
            [
                sys.executable, "-m", "streamlit", "run", str(REPO / "dashboard" / "app.py"),
                "--server.port", str(port), "--server.address", "127.0.0.1",
                "--server.headless", "true", "--browser.gatherUsageStats", "false",
            ],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        try:
            deadline = time.time() + timeout_s
            while True:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=1):
                        break
                except OSError:
                    if proc.poll() is not None:
                        log.seek(0)
                        pytest.fail(f"streamlit stopte meteen:\n{log.read()}")
                    if time.time() > deadline:
                        pytest.fail(f"streamlit startte niet binnen {timeout_s:.0f} s")
                    time.sleep(0.3)
            yield f"http://127.0.0.1:{port}"
        finally:
            SERVER_LOGS.remove(log.name)
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium driven by Playwright (no browser download)."""
    if CHROMIUM is None:
        pytest.skip(
            "Debian's chromium ontbreekt (apt-get install chromium); .ci/run installeert het"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        yield b
        b.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failing browser test's report ends with the last lines of each running server's log."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    for name in SERVER_LOGS:
        with contextlib.suppress(OSError):
            tail = Path(name).read_text(errors="replace").splitlines()[-60:]
            report.sections.append((f"streamlit-server ({name}), laatste regels", "\n".join(tail)))


def settle(page, quiet_s: float = 1.5, timeout_s: float = 120) -> None:
    """Wait until the app has run its script to the end and stayed idle for ``quiet_s``.

    A map component sends its first value after it is drawn, and that reruns the page. A
    click on a deferred download while that rerun replaces the button can ask for a file
    the server has already dropped (CI, 7 Dec 2026: no download within 60 s). A person
    clicks once the page has stopped moving; so does a test.
    """
    app = page.locator("[data-testid='stApp']")
    deadline = time.time() + timeout_s
    quiet_since = None
    while time.time() < deadline:
        if app.get_attribute("data-test-script-state") == "notRunning":
            quiet_since = quiet_since or time.time()
            if time.time() - quiet_since >= quiet_s:
                return
        else:
            quiet_since = None
        page.wait_for_timeout(200)
    pytest.fail(f"de app bleef langer dan {timeout_s:.0f} s bezig")


def download(page, button, timeout_ms: int = 60_000):
    """Click a download button once the page is idle; the download, or a failure that says
    what the button showed (Streamlit writes a failed deferred download under it)."""
    settle(page)
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        with page.expect_download(timeout=timeout_ms) as event:
            button.click()
        return event.value
    except PlaywrightTimeout:
        errors = page.locator("[data-testid='stDownloadButtonError']").all_inner_texts()
        pytest.fail(f"geen download binnen {timeout_ms / 1000:.0f} s; onder de knop: {errors}")
