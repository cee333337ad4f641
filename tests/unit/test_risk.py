"""Known-answer tests for incident density near points of interest."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely

from dashboard.analysis.risk import format_nl, risk_near_poi

ZONE_AREA = 10_000.0 * 10_000.0  # 10 km × 10 km = 100 km²


def test_format_nl():
    assert format_nl(3.4) == "3,4"
    assert format_nl(1234.5) == "1.234,5"
    assert format_nl(0.0314, 2) == "0,03"
    assert format_nl(200, 0) == "200"
    assert format_nl(float("nan")) == "–"


def _setup():
    # One station in the middle, two far apart schools (non-overlapping buffers).
    poi = pd.DataFrame(
        {
            "x": [5000.0, 1000.0, 9000.0],
            "y": [5000.0, 1000.0, 9000.0],
            "type": ["station", "school", "school"],
        }
    )
    # 30 incidents within 100 m of the station, 12 more between 100 and 200 m, 58 far away.
    rng = np.random.default_rng(0)
    angle = rng.uniform(0, 2 * np.pi, 100)
    r = np.concatenate([rng.uniform(0, 99, 30), rng.uniform(101, 199, 12), np.full(58, 0.0)])
    x = 5000 + r * np.cos(angle)
    y = 5000 + r * np.sin(angle)
    x[42:], y[42:] = 3000.0, 7000.0  # far from all POIs
    return pd.DataFrame({"x": x, "y": y}), poi


def test_risk_ratio_hand_computed():
    incidents, poi = _setup()
    out = risk_near_poi(incidents, poi, ZONE_AREA, radii=(100, 200), quad_segs=64)
    station = out[out["type"] == "station"].set_index("radius_m")

    area_200 = np.pi * 200**2  # m²
    n_in, n_out = 42, 58
    dens_in = n_in / (area_200 / 1e6)
    dens_out = n_out / ((ZONE_AREA - area_200) / 1e6)
    row = station.loc[200]
    assert row["n_poi"] == 1
    assert row["n_binnen"] == n_in and row["n_buiten"] == n_out
    assert row["opp_binnen_km2"] == pytest.approx(area_200 / 1e6, rel=1e-3)
    assert row["dichtheid_binnen"] == pytest.approx(dens_in, rel=1e-3)
    assert row["dichtheid_buiten"] == pytest.approx(dens_out, rel=1e-3)
    assert row["ratio"] == pytest.approx(dens_in / dens_out, rel=1e-3)  # ≈ 580
    assert row["p_waarde"] < 1e-10
    assert station.loc[100, "n_binnen"] == 30

    ratio_text = f"{row['ratio']:.1f}".replace(".", ",")
    low, high = (f"{row[c]:.1f}".replace(".", ",") for c in ("ratio_laag", "ratio_hoog"))
    assert row["ratio_laag"] < row["ratio"] < row["ratio_hoog"]
    assert row["zin"] == (
        f"Binnen 200 m van een station gebeuren {ratio_text} keer zoveel feiten per km² "
        f"als in de rest van de zone (42 feiten op 0,13 km²; 95 %-interval {low} tot "
        f"{high} keer)."
    )
    assert "." not in ratio_text


def test_ratio_interval_is_clopper_pearson_on_the_inside_share():
    """The ratio had no uncertainty: "4,0 keer zoveel (1 incident op 0,1 km²)" read as
    firm. Its interval follows from the exact (Clopper-Pearson) interval of the inside
    share, written with the beta quantiles here, and covers the true ratio in at least
    95 % of random draws."""
    from scipy.stats import beta

    from dashboard.analysis.risk import ratio_interval

    area_in, area_out = 0.1, 79.9
    for k, n in ((1, 200), (0, 50), (7, 30), (42, 100)):
        lo_p = beta.ppf(0.025, k, n - k + 1) if k > 0 else 0.0
        hi_p = beta.ppf(0.975, k + 1, n - k)
        low, high = ratio_interval(k, n, area_in, area_out)
        assert low == pytest.approx(lo_p / (1 - lo_p) * area_out / area_in, rel=1e-6)
        assert high == pytest.approx(hi_p / (1 - hi_p) * area_out / area_in, rel=1e-6)
    low, high = ratio_interval(1, 200, area_in, area_out)
    assert round(low, 1) == 0.1 and round(high) == 23
    assert ratio_interval(5, 5, area_in, area_out)[1] == np.inf
    assert all(np.isnan(ratio_interval(0, 0, area_in, area_out)))
    # Coverage: incidents spread with a true density ratio of 3.
    rng = np.random.default_rng(7)
    true_ratio, n = 3.0, 400
    p = true_ratio * area_in / (true_ratio * area_in + area_out)
    covered = 0
    for _ in range(400):
        k = int(rng.binomial(n, p))
        low, high = ratio_interval(k, n, area_in, area_out)
        covered += low <= true_ratio <= high
    assert covered / 400 >= 0.95


def test_sentence_says_when_chance_can_explain_the_ratio():
    poi = pd.DataFrame({"x": [0.0], "y": [0.0], "type": ["café"]})
    incidents = pd.DataFrame({"x": [50.0] + [5000.0] * 99, "y": [0.0] + [5000.0] * 99})
    row = risk_near_poi(incidents, poi, ZONE_AREA, radii=(200,)).iloc[0]
    assert row["n_binnen"] == 1 and row["ratio"] > 1.05
    assert row["ratio_laag"] < 1 < row["ratio_hoog"]
    assert "95 %-interval" in row["zin"] and row["zin"].endswith(", dus mogelijk toeval).")


def test_union_of_buffers_counts_overlap_once():
    poi = pd.DataFrame({"x": [0.0, 100.0], "y": [0.0, 0.0], "type": ["café", "café"]})
    incidents = pd.DataFrame({"x": [50.0], "y": [0.0]})  # within 100 m of both: counted once
    out = risk_near_poi(incidents, poi, ZONE_AREA, radii=(100,), quad_segs=64)
    row = out.iloc[0]
    # Two circles of radius r at distance d = r: area = 2πr² − lens, lens = r²(2π/3 − √3/2).
    r = 100.0
    lens = r**2 * (2 * np.pi / 3 - np.sqrt(3) / 2)
    assert row["opp_binnen_km2"] * 1e6 == pytest.approx(2 * np.pi * r**2 - lens, rel=1e-3)
    assert row["n_binnen"] == 1
    assert row["ratio"] == np.inf
    assert "alle feiten" in row["zin"] and "1 feit op" in row["zin"]


def test_lower_density_near_poi_and_labels():
    poi = pd.DataFrame({"x": [1000.0], "y": [1000.0], "type": ["school"]})
    incidents = pd.DataFrame({"x": [8000.0] * 10, "y": [8000.0] * 10})
    out = risk_near_poi(
        incidents, poi, ZONE_AREA, radii=(200,), type_labels={"school": "een school"}
    )
    row = out.iloc[0]
    assert row["n_binnen"] == 0 and row["ratio"] == 0
    assert row["zin"].startswith("Binnen 200 m van een school gebeuren minder feiten")


def test_zone_clips_buffers_and_filters_incidents():
    zone = shapely.box(0, 0, 10_000, 10_000)
    poi = pd.DataFrame({"x": [0.0], "y": [5000.0], "type": ["station"]})  # on the border
    incidents = np.array([[10.0, 5000.0], [-10.0, 5000.0], [5000.0, 5000.0]])  # one outside
    out = risk_near_poi(incidents, poi, zone.area, radii=(100,), zone=zone, quad_segs=64)
    row = out.iloc[0]
    assert row["opp_binnen_km2"] * 1e6 == pytest.approx(np.pi * 100**2 / 2, rel=1e-3)
    assert row["n_binnen"] == 1 and row["n_buiten"] == 1


def test_output_sorted_by_type_and_radius():
    incidents, poi = _setup()
    out = risk_near_poi(incidents, poi, ZONE_AREA, radii=(200, 100))
    assert out[["type", "radius_m"]].values.tolist() == [
        ["school", 100],
        ["school", 200],
        ["station", 100],
        ["station", 200],
    ]
    assert (out.loc[out["type"] == "school", "n_poi"] == 2).all()


def test_places_in_the_area_are_counted_apart_from_those_that_reach_it():
    """For a part of the zone (the chosen wijken), "Café (21)" counted every café of the
    zone. ``n_poi_zone`` counts the places lying in the area (on its border included);
    a café just outside still lends its circle to the area, so its buffer counts on."""
    area = shapely.box(0, 0, 1_000, 1_000)
    poi = pd.DataFrame(
        {
            "x": [500.0, 1_000.0, 1_050.0, 5_000.0],
            "y": [500.0, 200.0, 500.0, 5_000.0],
            "type": ["café"] * 4,
        }
    )
    incidents = pd.DataFrame({"x": [990.0, 10.0], "y": [500.0, 10.0]})
    out = risk_near_poi(incidents, poi, area.area, radii=(100,), zone=area, quad_segs=64)
    row = out.iloc[0]
    assert row["n_poi"] == 4 and row["n_poi_zone"] == 2
    assert row["n_binnen"] == 1  # near the café just outside the area
    # Without an area, every place lies in "the zone".
    whole = risk_near_poi(incidents, poi, ZONE_AREA, radii=(100,))
    assert (whole["n_poi_zone"] == whole["n_poi"]).all()


def test_sentences_for_a_part_of_the_zone_name_that_part():
    """For one wijk the sentences said "6 incidenten op 0,0 km²" (0,048 km²), "dan in de
    rest van de zone" (the rest of the wijk) and, for circles lying wholly outside it,
    "buiten die zone valt er niets te vergelijken" (the reverse of the truth)."""
    wijk = shapely.box(0, 0, 1000, 1000)
    poi = pd.DataFrame({"x": [500.0, 5000.0], "y": [500.0, 5000.0], "type": ["café", "school"]})
    incidents = pd.DataFrame({"x": [510.0, 520.0, 900.0], "y": [500.0, 500.0, 900.0]})
    out = risk_near_poi(
        incidents, poi, wijk.area, radii=(100,), zone=wijk, where="de gekozen wijk",
        type_labels={"café": "een café", "school": "een school"},
    ).set_index("type")  # fmt: skip
    cafe = out.loc["café", "zin"]
    assert "in de rest van de gekozen wijk" in cafe and "op 0,03 km²" in cafe
    assert out.loc["school", "zin"] == (
        "Binnen 100 m van een school ligt geen deel van de gekozen wijk: niets te vergelijken."
    )
