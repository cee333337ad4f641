"""The hot-spot statistics find what the demo generator planted (ground_truth.json).

The generator plants three stable hot spots (one category each, 150 m radius, the whole
period) and one emerging hot spot (only the last ~6 months). Over the full period, Gi* on
the fine H3 grid must class the cell holding each centre, or one of its six neighbours,
as a hot spot at 95 % or more for that category; the emerging hot-spot view (quarters)
must call the emerging one new, consecutive or intensifying. Both with and without the
correction for the number of cells (FDR, the map's default).

The emerging view runs to the last full quarter. The demo ends on 31 October, so its last
quarter holds one month: 5 car thefts in the whole zone at this scale, 2 of them near the
emerging spot. The exact test of each cell (binomial local sum) cannot call 2 records a hot
spot once it corrects for 811 cells, and a single record in that month made a stable spot's
quiet neighbour "new" at the uncorrected 90 %; the normal approximation called both.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import h3
import pandas as pd
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
        assert best["label"] in ("Hotspot 95 %", "Hotspot 99 %")
        # Not the whole zone is hot: the hot spot stands out.
        assert (gi["klasse"] >= 2).mean() < 0.10


def _last_full_quarter_end(end: date) -> date:
    """Last day of the last quarter that ``end`` does not cut short."""
    return pd.Timestamp(end + timedelta(days=1)).to_period("Q").start_time.date() - timedelta(1)


def test_last_full_quarter_end():
    assert _last_full_quarter_end(date(2026, 10, 31)) == date(2026, 9, 30)
    assert _last_full_quarter_end(date(2026, 12, 31)) == date(2026, 12, 31)


def _emerging_near(planted, spot, fdr: bool):
    """Emerging patterns (quarters up to the last full one) of the spot's category, in its
    centre cell and ring."""
    version, start, end, _ = planted
    end = _last_full_quarter_end(end)
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
