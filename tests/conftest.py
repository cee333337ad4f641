"""Session fixtures shared by every test folder: a small demo zone built by the real pipeline.

``demo_warehouse`` runs :func:`etl.demo.generate_demo` and :func:`etl.build.build_warehouse`
once per session (a few seconds at ``scale=0.2``) and points ``WIJKBEELD_WAREHOUSE`` at the
result, so dashboard tests read exactly what a user of ``make demo`` would see.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

#: Last day of the demo data; fixed so that expected values do not depend on today.
DEMO_END = date(2026, 10, 31)


@pytest.fixture(scope="session", autouse=True)
def _signed_in_as_coordinator(tmp_path_factory):
    """Ordinary tests run the app without a sign-in form, as the coordinator.

    ``WIJKBEELD_AUTH_MODE=none`` (allowed only with the demo flag) signs every session in as
    the coordinator; ``WIJKBEELD_STATE`` points at a temporary folder so tests never write
    users, keys or audit rows into ``data/state``. The auth tests switch to ``local`` mode
    with ``monkeypatch.setenv``.
    """
    patch = pytest.MonkeyPatch()
    patch.setenv("WIJKBEELD_AUTH_MODE", "none")
    patch.setenv("WIJKBEELD_DEMO", "1")
    patch.setenv("WIJKBEELD_STATE", str(tmp_path_factory.mktemp("state")))
    yield
    patch.undo()


@pytest.fixture(scope="session")
def demo_raw(tmp_path_factory) -> Path:
    """Raw exports of a small demo zone (seed 7, 2 years, scale 0.2, ending 31/10/2026)."""
    from etl.demo import generate_demo

    out = tmp_path_factory.mktemp("demo") / "raw"
    generate_demo(out=out, seed=7, years=2, scale=0.2, end=DEMO_END)
    return out


@pytest.fixture(scope="session")
def demo_warehouse(demo_raw: Path) -> Path:
    """The warehouse built from :func:`demo_raw`; sets ``WIJKBEELD_WAREHOUSE`` to it.

    The variable stays set for the rest of the session (a session fixture cannot use the
    function-scoped ``monkeypatch``); tests that need another warehouse set their own with
    ``monkeypatch.setenv``, which is undone after them.
    """
    from etl.build import build_warehouse

    target = demo_raw.parent / "wh.duckdb"
    build_warehouse(raw=demo_raw, warehouse=target, echo=lambda *_: None)
    patch = pytest.MonkeyPatch()
    patch.setenv("WIJKBEELD_WAREHOUSE", str(target))
    yield target
    patch.undo()


@pytest.fixture
def downloads(monkeypatch) -> dict:
    """The files of the download buttons a page drew, by file name: the function without
    arguments that Streamlit calls when the button is pressed (the pages make no bytes
    before that). Call it to get the file's bytes, as a click would."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    made = {}
    register = MediaFileManager.add_deferred

    def keep(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        made[file_name] = data_callable
        return register(self, data_callable, mimetype, coordinates, file_name=file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", keep)
    return made


@pytest.fixture
def figures(monkeypatch):
    """The matplotlib figures the charts and static maps save, as drawn."""
    from matplotlib.figure import Figure

    drawn = []
    save = Figure.savefig

    def keep(fig, *args, **kwargs):
        drawn.append(fig)
        return save(fig, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", keep)
    return drawn


@pytest.fixture
def statbel_to_2025(demo_raw, tmp_path, monkeypatch):
    """The demo zone with Statbel's file up to December 2025 (the open data lag a year),
    built, and the app pointed at it (for the dashboard tests: dash_helpers)."""
    import streamlit as st
    from dash_helpers import demo_variant

    def cut(raw):
        for path in (raw / "statbel").glob("*.txt"):
            lines = path.read_bytes().splitlines(keepends=True)
            kept = [r for r in lines[1:] if not r.startswith(b"2026|")]
            assert len(kept) < len(lines) - 1
            path.write_bytes(b"".join([lines[0], *kept]))

    yield demo_variant(demo_raw, tmp_path, monkeypatch, cut)
    st.cache_data.clear()


@pytest.fixture
def shown_maps(monkeypatch):
    """Every map the pages show in this test (``dashboard.components.maps.show`` captured):
    key → folium map, to read its layers in the order Leaflet stacks them."""
    import streamlit as st

    from dashboard.components import maps

    shown: dict = {}
    monkeypatch.setattr(maps, "show", lambda m, key, height=560: shown.__setitem__(key, m))
    st.cache_data.clear()
    yield shown
    st.cache_data.clear()


@pytest.fixture
def local_mode(demo_warehouse, tmp_path, monkeypatch) -> Path:
    """Local sign-in with the demo flag, and a fresh state folder (users, key, audit log)."""
    state = tmp_path / "state"
    monkeypatch.setenv("WIJKBEELD_AUTH_MODE", "local")
    monkeypatch.setenv("WIJKBEELD_DEMO", "1")
    monkeypatch.setenv("WIJKBEELD_STATE", str(state))
    return state
