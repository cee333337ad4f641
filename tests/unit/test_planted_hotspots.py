"""The hot-spot statistics find what the demo generator planted (ground_truth.json).

The generator plants three stable hot spots (one category each, 150 m radius, the whole
period) and one emerging hot spot (only the last ~6 months). Over the full period, Gi* on
the fine H3 grid must class the cell holding each centre, or one of its six neighbours,
as a hot spot at 95 % or more for that category; the emerging hot-spot view (quarters)
must call the emerging one new, consecutive or intensifying. Both with and without the
correction for the number of cells (FDR, the map's default).
"""

from __future__ import annotations

import json
from datetime import date

import h3
import pytest
from pyproj import Transformer

from dashboard.queries import hotspots as hq
from dashboard.queries import warehouse_version

RECENT_PATTERNS = {"new_hot", "consecutive_hot", "intensifying_hot"}


@pytest.fixture(scope="module")
def planted(demo_raw, demo_warehouse):
    truth = json.loads((demo_raw / "ground_truth.json").read_text(encoding="utf-8"))
    generator = truth["generator"]
    start, end = date.fromisoformat(generator["start"]), date.fromisoformat(generator["end"])
    to_wgs84 = Transformer.from_crs("EPSG:31370", "EPSG:4326", always_xy=True)
    version = warehouse_version(demo_warehouse)
    resolution = h3.get_resolution(h3.int_to_str(int(hq.study_cells(version)[0])))
    spots = []
    for spot in truth["hot_spots"]:
        lon, lat = to_wgs84.transform(spot["x"], spot["y"])
        centre = h3.latlng_to_cell(lat, lon, resolution)
        ring = {h3.str_to_int(c) for c in h3.grid_disk(centre, 1)}
        spots.append(dict(spot, ring=ring))
    return version, start, end, spots


def test_every_planted_hot_spot_is_a_gi_star_hot_spot(planted):
    version, start, end, spots = planted
    assert len(spots) == 4
    # Also with the correction for the number of cells the map applies by default.
    for spot, fdr in [(s, f) for s in spots for f in (False, True)]:
        gi = hq.hotspot_classes(
            version, ("incidents",), start, end, (), (spot["category"],), fdr=fdr
        )
        near = gi[gi["h3_cell"].isin(spot["ring"])]
        assert len(near) == 7, "centre cell and its six neighbours are in the study area"
        best = near.sort_values("klasse").iloc[-1]
        assert best["klasse"] >= 2, (spot["category"], fdr, near[["n", "z", "label"]])
        assert best["label"] in ("Hot spot 95%", "Hot spot 99%")
        # Not the whole zone is hot: the hot spot stands out.
        assert (gi["klasse"] >= 2).mean() < 0.10


def _emerging_near(planted, spot, fdr: bool):
    """Emerging patterns (quarters) of the spot's category, in its centre cell and ring."""
    version, start, end, _ = planted
    em = hq.emerging_classes(
        version, ("incidents",), start, end, (), (spot["category"],), granularity="quarter", fdr=fdr
    )
    return em[em["h3_cell"].isin(spot["ring"])]


def test_emerging_hot_spot_is_recent(planted):
    spots = planted[3]
    (spot,) = [s for s in spots if s["kind"] == "emerging"]
    for fdr in (False, True):
        near = _emerging_near(planted, spot, fdr)
        assert set(near["patroon"]) & RECENT_PATTERNS, near[["patroon", "n_total", "n_hot"]]
        labels = set(near.loc[near["patroon"].isin(RECENT_PATTERNS), "patroon_label"])
        assert labels <= {"Nieuwe hotspot", "Opeenvolgende hotspot", "Intensiverende hotspot"}


def test_stable_hot_spots_are_not_called_new(planted):
    spots = planted[3]
    for spot in [s for s in spots if s["kind"] != "emerging"]:
        for fdr in (False, True):
            near = _emerging_near(planted, spot, fdr)
            assert "new_hot" not in set(near["patroon"]), (spot["category"], fdr, near)
