"""No page makes a download's file before its button is pressed.

A workbook, a Word file or a map image made on every rerun for a button hardly anyone
presses cost the Bronnen page half of each rerun (its map PNG, 0.7 s) and the Verkeer page a
second and a half at 10^6 accidents. ``layout.download_button`` hands Streamlit a function
instead, which it calls on the press (``deferred_file_id``); an eager button would carry a
``url`` to bytes already made.
"""

from __future__ import annotations

import pytest
from dash_helpers import run_app

from dashboard.components import layout

PAGES = [
    ("briefing", {}),
    ("sources", {"periode": "vorigjaar"}),
    ("traffic", {"periode": "jaar"}),
    ("workload", {}),
    ("exploration", {}),
    ("reports", {}),
    ("data", {}),
    ("dictionary", {}),
    ("audit", {}),
]


@pytest.mark.parametrize(("page", "params"), PAGES, ids=[p for p, _ in PAGES])
def test_every_download_is_made_when_pressed(demo_warehouse, page, params):
    at = run_app(page, params)
    assert not at.exception
    buttons = at.get("download_button")
    assert buttons, f"{page}: no download button"
    for button in buttons:
        assert button.proto.HasField("deferred_file_id") or button.proto.disabled, (
            page,
            button.proto.label,
        )
        assert not button.proto.url, (page, button.proto.label)


def test_download_button_refuses_bytes_made_beforehand():
    with pytest.raises(TypeError, match="function that makes the bytes"):
        layout.download_button("Download", b"abc", file_name="x.csv", mime="text/csv")
