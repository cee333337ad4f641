"""End-to-end: the wijk names on a Leaflet map never run into each other, at any zoom; the
scale bar is metric.

The map is written as the offline HTML file the dashboard exports ("Kaart als HTML") and
opened in Debian's headless Chromium; no server is needed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dashboard.components import maps

from .conftest import REPO, SCREENSHOTS

pytestmark = pytest.mark.e2e

REALWORLD = REPO.parent / "shared" / "data" / "realworld" / "herko_wijken_4326.geojson"


def _real_wijken():
    import geopandas as gpd
    import pandas as pd

    g = gpd.read_file(REALWORLD)
    return pd.DataFrame(
        {
            "code": g["wijk_code"].astype(str),
            "name": g["name_nl"].astype(str),
            "geojson": [json.dumps(x.__geo_interface__) for x in g.geometry],
        }
    )


def _labels(page) -> list[dict]:
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.wb-area-label')).map(e => {
            const r = e.getBoundingClientRect();
            return {name: e.textContent, hidden: e.style.visibility === 'hidden',
                    left: r.left, right: r.right, top: r.top, bottom: r.bottom};
        })"""
    )


def _open(browser, tmp_path: Path, m, width: int, height: int, shown: str = ".wb-area-label"):
    """The map as its offline HTML file in Chromium, once its names are placed (``shown``:
    the first element that appears)."""
    html = tmp_path / "kaart.html"
    html.write_text(maps.standalone_html(m), encoding="utf-8")
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(html.as_uri())
    page.locator(shown).first.wait_for()
    page.wait_for_timeout(500)
    return page


def _overlaps(labels: list[dict], gap: float = maps.LABEL_GAP_PX) -> list[tuple[str, str]]:
    """Pairs of names shown closer than ``gap`` pixels (their boxes, either way)."""
    shown = [x for x in labels if not x["hidden"]]
    return [
        (a["name"], b["name"])
        for i, a in enumerate(shown)
        for b in shown[i + 1 :]
        if a["left"] < b["right"] + gap and b["left"] < a["right"] + gap
        and a["top"] < b["bottom"] + gap and b["top"] < a["bottom"] + gap
    ]  # fmt: skip


@pytest.mark.skipif(not REALWORLD.exists(), reason=f"echte HerKo-wijken niet gevonden: {REALWORLD}")
def test_real_wijk_names_do_not_overlap_at_any_zoom(browser, tmp_path: Path):
    """The 29 real wijken of PZ HerKo at the zoom that shows the whole zone: the names of
    neighbouring wijken ran into each other. Now the names that would touch a larger
    wijk's name wait for a closer zoom, and zooming in shows them."""
    wijken = _real_wijken()
    m = maps.new_map(wijken)
    maps.add_outlines(m, wijken)
    page = _open(browser, tmp_path, m, 900, 650)
    zone = _labels(page)
    assert len(zone) == 29
    assert _overlaps(zone) == []
    hidden = {x["name"] for x in zone if x["hidden"]}
    assert 0 < len(hidden) < 29 // 2, hidden
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "wijknamen_herko.png"))
    # Two steps closer: more names fit, still none overlapping.
    page.locator(".leaflet-control-zoom-in").click()
    page.wait_for_timeout(600)
    page.locator(".leaflet-control-zoom-in").click()
    page.wait_for_timeout(600)
    closer = _labels(page)
    assert _overlaps(closer) == []
    on_screen = [x for x in closer if 0 <= x["left"] and x["right"] <= 900 and 0 <= x["top"]]
    assert any(x["name"] in hidden and not x["hidden"] for x in on_screen)
    page.close()


def test_demo_wijk_names_are_centred_and_apart(browser, tmp_path: Path, demo_warehouse):
    """On a small map of the demo zone every name is centred on its wijk (a name started
    at its point and ran to the right) and no two visible names overlap."""
    from dashboard.queries import warehouse_version
    from dashboard.queries.districts import district_shapes

    wijken = district_shapes(warehouse_version(demo_warehouse), "wijk")
    m = maps.new_map(wijken)
    maps.add_outline_strokes(m, wijken)
    page = _open(browser, tmp_path, m, 420, 320)
    labels = _labels(page)
    assert len(labels) == len(wijken) and _overlaps(labels) == []
    assert all(x["right"] > x["left"] for x in labels)  # measured, so centred on its point
    page.close()


def test_scale_bar_is_metric_only(browser, tmp_path: Path, demo_warehouse):
    """A Belgian zone measures in metres: the scale bar showed miles beside kilometres."""
    from dashboard.queries import warehouse_version
    from dashboard.queries.districts import district_shapes

    wijken = district_shapes(warehouse_version(demo_warehouse), "wijk")
    m = maps.new_map(wijken)
    maps.add_outlines(m, wijken)
    page = _open(browser, tmp_path, m, 900, 650)
    bars = page.locator(".leaflet-control-scale-line").all_inner_texts()
    assert len(bars) == 1 and bars[0].strip().endswith(("km", " m")), bars
    page.close()


def test_wijk_names_give_way_to_rank_labels(browser, tmp_path: Path, demo_warehouse):
    """A black spot's rank sat on a wijk's name ("#2" over "Kortenberg-Centrum"; a UX
    sweep): the rank stays, and a name it would touch is hidden at that zoom."""
    import pandas as pd
    from shapely.geometry import shape

    from dashboard.queries import warehouse_version
    from dashboard.queries.districts import district_shapes

    wijken = district_shapes(warehouse_version(demo_warehouse), "wijk")
    m = maps.new_map(wijken)
    maps.add_outline_strokes(m, wijken)
    # A rank right on the first wijk's name (its label point), as a black spot can be.
    point = shape(json.loads(wijken["geojson"].iloc[0])).representative_point()
    maps.add_labels(m, pd.DataFrame({"lat": [point.y], "lon": [point.x + 0.0005],
                                     "text": ["#2"]}), above_px=0)  # fmt: skip
    page = _open(browser, tmp_path, m, 900, 650, shown=".wb-rank-label")
    ranks = page.evaluate(
        """() => Array.from(document.querySelectorAll('.wb-rank-label')).map(e => {
            const r = e.getBoundingClientRect();
            return {name: e.textContent, hidden: e.style.visibility === 'hidden',
                    left: r.left, right: r.right, top: r.top, bottom: r.bottom};
        })"""
    )
    assert len(ranks) == 1 and ranks[0]["right"] > ranks[0]["left"]
    labels = _labels(page)
    first = next(x for x in labels if x["name"] == wijken["name"].iloc[0])
    assert first["hidden"], "de naam onder de rang bleef staan"
    assert _overlaps(labels + ranks) == []
    assert sum(not x["hidden"] for x in labels) >= len(wijken) - 2  # the others stay
    page.close()
