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
