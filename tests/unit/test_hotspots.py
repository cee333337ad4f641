"""Known-answer tests for Gi* hot spots and emerging hot spots on H3 grids."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pymannkendall
import pytest
from h3.api import basic_int as h3i

from dashboard.analysis.hotspots import (
    GI_CLASS_LABELS,
    _classify_emerging,
    emerging_hotspots,
    gi_star_by_period,
    gi_star_hexagons,
    mann_kendall,
)

CENTER = h3i.latlng_to_cell(50.88, 4.67, 9)  # Herent-ish, resolution 9


def _disk(radius: int) -> list[int]:
    return sorted(h3i.grid_disk(CENTER, radius))


def _gi_star_reference(cells: list[int], x: np.ndarray, k: int) -> np.ndarray:
    """Gi* written out from Getis & Ord, binary weights incl. self (w_ii = 1)."""
    n = len(cells)
    w = np.array([[1.0 if h3i.grid_distance(a, b) <= k else 0.0 for b in cells] for a in cells])
    x_bar = x.mean()
    s = np.sqrt((x**2).mean() - x_bar**2)
    sum_w = w.sum(axis=1)
    sum_w2 = (w**2).sum(axis=1)
    numerator = w @ x - x_bar * sum_w
    denominator = s * np.sqrt((n * sum_w2 - sum_w**2) / (n - 1))
    return numerator / denominator


# --------------------------------------------------------------------------------------
# gi_star_hexagons
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("k", [1, 2])
def test_gi_star_matches_hand_written_formula(k):
    cells = _disk(3)  # 37 cells: border cells have truncated neighbourhoods
    x = np.array([(7 * i) % 11 for i in range(len(cells))], dtype=float)
    x[0] = 25.0
    counts = pd.DataFrame({"h3_cell": np.array(cells, dtype=np.uint64), "n": x})

    result = gi_star_hexagons(counts, k=k, fill_ring=False)

    expected = _gi_star_reference(cells, x, k)
    assert result["h3_cell"].tolist() == cells
    np.testing.assert_allclose(result["z"].to_numpy(), expected, rtol=0, atol=1e-9)
    # Neighbourhood sizes: 1 + 3k(k+1) inside, fewer on the border.
    assert result["n_cells"].max() == 1 + 3 * k * (k + 1)
    assert result["n_cells"].min() < 1 + 3 * k * (k + 1)


def test_planted_cluster_is_hot_spot_99():
    cells = _disk(6)  # 127 cells
    rng = np.random.default_rng(7)
    background = rng.poisson(1.0, len(cells))
    counts = pd.DataFrame({"h3_cell": cells, "n": background})
    cluster = set(h3i.grid_disk(CENTER, 1))
    counts.loc[counts["h3_cell"].isin(cluster), "n"] = 10

    result = gi_star_hexagons(counts, fill_ring=False).set_index("h3_cell")

    assert result.loc[CENTER, "label"] == "Hot spot 99%"
    assert result.loc[CENTER, "klasse"] == 3
    assert result.loc[CENTER, "z"] > 2.576
    assert result.loc[CENTER, "p"] < 0.01
    # Far from the cluster nothing is a 99% hot spot.
    far = [c for c in cells if h3i.grid_distance(c, CENTER) >= 3]
    assert (result.loc[far, "klasse"] < 3).all()


def test_uniform_field_has_no_hot_spots():
    cells = _disk(4)
    counts = pd.DataFrame({"h3_cell": cells, "n": 3})

    result = gi_star_hexagons(counts, fill_ring=False)

    assert (result["klasse"] == 0).all()
    assert (result["label"] == "Niet significant").all()
    assert (result["z"] == 0).all() and (result["p"] == 1).all()


def test_random_field_with_fdr_has_no_hot_spots():
    cells = _disk(8)  # 217 cells
    rng = np.random.default_rng(2026)
    counts = pd.DataFrame({"h3_cell": cells, "n": rng.poisson(3.0, len(cells))})

    result = gi_star_hexagons(counts, fill_ring=False, fdr=True)

    assert (result["klasse"] == 0).all()


def test_classes_follow_z_thresholds():
    cells = _disk(6)
    rng = np.random.default_rng(3)
    x = rng.poisson(2.0, len(cells))
    x[:20] += 8  # some structure (lowest ids are spatially near each other)
    result = gi_star_hexagons(pd.DataFrame({"h3_cell": cells, "n": x}), fill_ring=False)

    z = result["z"].to_numpy()
    expected = np.select(
        [
            z > 2.5758293,
            z > 1.9599640,
            z > 1.6448536,
            z < -2.5758293,
            z < -1.9599640,
            z < -1.6448536,
        ],
        [3, 2, 1, -3, -2, -1],
        0,
    )
    np.testing.assert_array_equal(result["klasse"].to_numpy(), expected)
    assert result["label"].tolist() == [GI_CLASS_LABELS[c] for c in expected]


def test_fill_ring_adds_zero_cells_around_observed():
    counts = pd.DataFrame({"h3_cell": [CENTER, CENTER], "n": [2, 3]})  # duplicates summed

    result = gi_star_hexagons(counts, k=1).set_index("h3_cell")

    assert set(result.index) == set(h3i.grid_disk(CENTER, 1))
    assert result.loc[CENTER, "n"] == 5
    assert result["n"].sum() == 5
    assert result["n"].dtype == np.int64


def test_study_cells_define_the_area_and_reject_outsiders():
    study = _disk(2)
    counts = pd.DataFrame({"h3_cell": [CENTER], "n": [4]})

    result = gi_star_hexagons(counts, study_cells=study)
    assert result["h3_cell"].tolist() == study
    assert result["n"].sum() == 4

    outsider = sorted(h3i.grid_ring(CENTER, 5))[0]
    with pytest.raises(ValueError, match="buiten study_cells"):
        gi_star_hexagons(pd.DataFrame({"h3_cell": [outsider], "n": [1]}), study_cells=study)


def test_string_cells_round_trip():
    cells = _disk(2)
    x = np.arange(len(cells))
    as_int = gi_star_hexagons(pd.DataFrame({"h3_cell": cells, "n": x}), fill_ring=False)
    as_str = gi_star_hexagons(
        pd.DataFrame({"cel": [h3i.int_to_str(c) for c in cells], "aantal": x}),
        h3_col="cel",
        count_col="aantal",
        fill_ring=False,
    )
    assert as_str["cel"].tolist() == [h3i.int_to_str(c) for c in as_int["h3_cell"]]
    np.testing.assert_allclose(as_str["z"], as_int["z"], atol=1e-12)


def test_permutation_p_is_deterministic_with_seed():
    cells = _disk(4)
    x = np.array([(5 * i) % 7 for i in range(len(cells))])
    counts = pd.DataFrame({"h3_cell": cells, "n": x})
    a = gi_star_hexagons(counts, fill_ring=False, permutations=199, seed=1)
    b = gi_star_hexagons(counts, fill_ring=False, permutations=199, seed=1)
    assert "p_sim" in a.columns
    np.testing.assert_array_equal(a["p_sim"], b["p_sim"])
    assert ((a["p_sim"] > 0) & (a["p_sim"] <= 0.5 + 1e-12)).all()  # folded pseudo p


def test_invalid_input_raises():
    with pytest.raises(ValueError, match="niet-negatief"):
        gi_star_hexagons(pd.DataFrame({"h3_cell": [CENTER], "n": [-1]}))
    with pytest.raises(ValueError, match="ongeldige"):
        gi_star_hexagons(pd.DataFrame({"h3_cell": [12345], "n": [1]}))
    coarse = h3i.cell_to_parent(CENTER, 8)
    with pytest.raises(ValueError, match="resoluties"):
        gi_star_hexagons(pd.DataFrame({"h3_cell": [CENTER, coarse], "n": [1, 1]}))


# --------------------------------------------------------------------------------------
# Mann-Kendall
# --------------------------------------------------------------------------------------


def test_mann_kendall_equals_pymannkendall():
    rng = np.random.default_rng(11)
    series = rng.normal(size=(40, 12)).cumsum(axis=1)
    series[0] = np.arange(12)  # strict increase
    series[1] = np.round(series[1])  # ties
    series[2] = [1, 1, 2, 2, 2, 3, 3, 3, 3, 1, 1, 0]  # many ties
    series[3] = 5.0  # constant

    ours = mann_kendall(series)

    for row, result in zip(series, ours.itertuples(), strict=True):
        ref = pymannkendall.original_test(row)
        assert result.s == ref.s
        assert result.var_s == pytest.approx(ref.var_s, abs=1e-9)
        assert result.z == pytest.approx(ref.z, abs=1e-12)
        assert result.p == pytest.approx(ref.p, abs=1e-12)
        assert result.tau == pytest.approx(ref.Tau, abs=1e-12)
        assert result.trend == ref.trend


# --------------------------------------------------------------------------------------
# Emerging hot spots
# --------------------------------------------------------------------------------------

PATTERNS_12 = {
    "intensifying_hot": [4 + 2 * t for t in range(12)],
    "diminishing_hot": [30 - 2 * t for t in range(12)],
    "persistent_hot": [12, 14] * 6,
    "new_hot": [0] * 11 + [14],
    "consecutive_hot": [0] * 9 + [14] * 3,
    "sporadic_hot": [14 if t in (1, 4, 7, 11) else 0 for t in range(12)],
    "historical_hot": [14] * 11 + [0],
}


def _planted_sites(n: int) -> list[int]:
    """Cells at least 4 rings apart, so their neighbourhoods do not touch each other."""
    sites = [CENTER]
    for cell in sorted(h3i.grid_ring(CENTER, 6)):
        if all(h3i.grid_distance(cell, s) >= 4 for s in sites):
            sites.append(cell)
    assert len(sites) >= n
    return sites[:n]


def test_emerging_hotspots_known_patterns():
    study = _disk(10)
    sites = _planted_sites(len(PATTERNS_12))
    assert min(h3i.grid_distance(a, b) for a, b in itertools.combinations(sites, 2)) >= 4
    rows = []
    for t in range(12):
        field = dict.fromkeys(study, 1)
        for site, values in zip(sites, PATTERNS_12.values(), strict=True):
            if values[t]:
                for cell in h3i.grid_disk(site, 1):
                    field[cell] = values[t]
        rows += [(f"2025-{t + 1:02d}", cell, v) for cell, v in field.items()]
    counts = pd.DataFrame(rows, columns=["maand", "h3_cell", "n"])

    result = emerging_hotspots(counts, period_col="maand", study_cells=study)
    result = result.set_index("h3_cell")

    got = {name: result.loc[site, "patroon"] for site, name in zip(sites, PATTERNS_12, strict=True)}
    assert got == {name: name for name in PATTERNS_12}
    assert result.loc[sites[0], "patroon_label"] == "Intensiverende hotspot"
    assert result.loc[sites[0], "trend"] == "increasing"
    assert result.loc[sites[1], "trend"] == "decreasing"
    assert (result["n_periods"] == 12).all()
    assert len(result) == len(study)
    # The far background (never near a planted site) shows no pattern.
    background = [c for c in study if min(h3i.grid_distance(c, s) for s in sites) >= 3]
    assert (result.loc[background, "patroon"] == "no_pattern").all()


def test_emerging_hotspots_missing_period_rows_count_zero():
    study = _disk(3)
    counts = pd.DataFrame({"period": [1, 3], "h3_cell": [CENTER, CENTER], "n": [5, 5]})
    long = gi_star_by_period(counts, study_cells=study, periods=[1, 2, 3])
    assert long["period"].unique().tolist() == [1, 2, 3]
    assert long.groupby("period")["n"].sum().tolist() == [5, 0, 5]
    result = emerging_hotspots(counts, study_cells=study, periods=[1, 2, 3])
    assert len(result) == len(study)


def test_one_period_has_no_emerging_pattern():
    """A period of 28 days seen per quarter is one period: every hot cell came out as a
    "Nieuwe hotspot" (hot in the final period and in none before, vacuously)."""
    study = _disk(4)
    counts = pd.DataFrame({"period": [1] * 7, "h3_cell": h3i.grid_disk(CENTER, 1), "n": [30] * 7})
    hot = gi_star_by_period(counts, study_cells=study, periods=[1])
    assert (hot["klasse"] >= 2).any()  # the cluster is a hot spot in its one period
    result = emerging_hotspots(counts, study_cells=study, periods=[1])
    assert set(result["patroon"]) == {"no_pattern"}
    assert set(result["patroon_label"]) == {"Geen patroon"}
    two = emerging_hotspots(counts, study_cells=study, periods=[0, 1])
    assert "new_hot" in set(two["patroon"])  # with a period before it, it is new


def _rule(hot: str, cold: str = "", trend: str = "no trend") -> str:
    """Classify one cell from strings like '0011' (1 = significant in that period)."""
    hot_a = np.array([[c == "1" for c in hot]])
    cold_a = np.array([[c == "1" for c in (cold or "0" * len(hot))]])
    return _classify_emerging(hot_a, cold_a, np.array([trend]), 0.9, "hot")[0] or "no_pattern"


@pytest.mark.parametrize(
    ("hot", "cold", "trend", "expected"),
    [
        ("0000000001", "", "no trend", "new_hot"),
        ("0000000001", "1000000000", "no trend", "new_hot"),  # 'never hot before' wins
        ("0000000111", "", "no trend", "consecutive_hot"),
        ("0000000011", "", "increasing", "consecutive_hot"),
        ("0100000111", "", "no trend", "sporadic_hot"),  # hot before the final run
        ("1010101001", "", "no trend", "sporadic_hot"),
        ("1010101001", "0101000000", "no trend", "oscillating_hot"),
        ("1111111111", "", "increasing", "intensifying_hot"),
        ("0111111111", "", "decreasing", "diminishing_hot"),  # 9/10 = 90 %
        ("1111111111", "", "no trend", "persistent_hot"),
        ("1111111110", "", "no trend", "historical_hot"),
        ("1111111110", "", "decreasing", "historical_hot"),
        ("0011111111", "", "increasing", "consecutive_hot"),  # 8/10 < 90 %
        ("1000000000", "", "no trend", "no_pattern"),
        ("0000000000", "", "no trend", "no_pattern"),
    ],
)
def test_emerging_rules(hot, cold, trend, expected):
    assert _rule(hot, cold, trend) == expected


def test_fdr_levels_follow_the_benjamini_hochberg_step_up_rule():
    """The classes with ``fdr`` equal the textbook step-up rule per confidence level."""
    from dashboard.analysis.hotspots import _classify

    rng = np.random.default_rng(3)
    p = np.concatenate([rng.uniform(0, 0.002, 15), rng.uniform(0, 1, 300), [np.nan, np.nan]])
    z = rng.choice([-1.0, 1.0], p.size) * 3
    got = _classify(z, p, fdr=True)
    finite = np.sort(p[np.isfinite(p)])
    m = finite.size
    want = np.zeros(p.size, dtype=np.int8)
    for lvl, alpha in ((1, 0.10), (2, 0.05), (3, 0.01)):  # weakest first, stronger overwrite
        ok = np.nonzero(finite <= alpha * np.arange(1, m + 1) / m)[0]
        if ok.size:
            want[np.isfinite(p) & (p <= finite[ok.max()])] = lvl
    assert (got == want * np.sign(z)).all()
    assert (got != 0).sum() >= 15 and (got[-2:] == 0).all()
