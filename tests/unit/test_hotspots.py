"""Known-answer tests for Gi* hot spots and emerging hot spots on H3 grids."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pymannkendall
import pytest
from h3.api import basic_int as h3i
from scipy import stats

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

    assert result.loc[CENTER, "label"] == "Hotspot 99 %"
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


def _exact_p(local: np.ndarray, total: int, share: np.ndarray) -> np.ndarray:
    """Two-sided exact p of a Binomial(total, share) local sum, written out from the pmf."""
    out = []
    for s_i, q in zip(local.astype(int), share, strict=True):
        pmf = stats.binom.pmf(np.arange(total + 1), total, q)
        upper, lower = pmf[s_i:].sum(), pmf[: s_i + 1].sum()
        out.append(min(1.0, 2 * min(upper, lower)))
    return np.array(out)


def test_classes_follow_the_larger_of_the_exact_and_the_normal_p():
    """Class = level of the larger of the exact two-sided binomial p of the local sum and
    Gi*'s normal p, direction = above/below its expectation N k_i / n."""
    cells = _disk(6)
    rng = np.random.default_rng(3)
    x = rng.poisson(0.6, len(cells))
    x[:20] += 3  # some structure (lowest ids are spatially near each other)
    result = gi_star_hexagons(pd.DataFrame({"h3_cell": cells, "n": x}), fill_ring=False)

    n, total = len(cells), int(x.sum())
    local, k = result["local_sum"].to_numpy(), result["n_cells"].to_numpy()
    exact = _exact_p(local, total, k / n)
    normal = 2 * stats.norm.sf(np.abs(result["z"].to_numpy()))
    p = np.maximum(exact, normal)
    np.testing.assert_allclose(result["p"].to_numpy(), p, rtol=1e-9, atol=1e-15)
    assert (exact > normal).any() and (normal > exact).any()  # each test decides somewhere
    direction = np.sign(local * n - total * k)
    level = np.select([p < 0.01, p < 0.05, p < 0.10], [3, 2, 1], 0)
    expected = level * direction
    np.testing.assert_array_equal(result["klasse"].to_numpy(), expected)
    assert result["label"].tolist() == [GI_CLASS_LABELS[c] for c in expected]
    assert (expected > 0).any() and (expected == 0).any()
    # z keeps its sign: the same direction as the local sum against its expectation.
    assert (np.sign(result["z"].to_numpy()) == direction).all()


def test_exact_p_is_the_randomisation_distribution_of_the_local_sum():
    """Enumerate every way 4 records can fall in 19 cells: the share of allocations with a
    local sum at least (at most) the observed one is the p-value's upper (lower) tail."""
    cells = _disk(2)  # 19 cells: neighbourhoods of 4, 5 and 7 cells
    n, total = len(cells), 4
    x = np.zeros(n, dtype=int)
    np.add.at(x, [0, 0, 1, 9], 1)  # two records in cell 0
    result = gi_star_hexagons(pd.DataFrame({"h3_cell": cells, "n": x}), fill_ring=False)

    w = np.array([[h3i.grid_distance(a, b) <= 1 for b in cells] for a in cells], dtype=int)
    allocations = np.array(list(itertools.product(range(n), repeat=total)))  # 19**4 rows
    fields = np.zeros((len(allocations), n), dtype=int)
    for column in allocations.T:
        fields[np.arange(len(allocations)), column] += 1
    sums = fields @ w.T  # local sum of every cell under every allocation
    observed = w @ x
    upper = (sums >= observed).mean(axis=0)
    lower = (sums <= observed).mean(axis=0)
    np.testing.assert_allclose(
        result["p"].to_numpy(), np.minimum(1, 2 * np.minimum(upper, lower)), rtol=1e-9
    )


def test_one_record_is_no_hot_spot():
    """One record among 817 cells: the normal approximation gave its seven cells "Hot spot
    99%" (p 1e-26); the chance that a neighbourhood of 7 catches it is 7/817."""
    study = _disk(16)  # 817 cells, about the demo zone (811)
    one = pd.DataFrame({"h3_cell": [CENTER], "n": [1]})

    corrected = gi_star_hexagons(one, study_cells=study, fdr=True)
    assert (corrected["klasse"] == 0).all()

    plain = gi_star_hexagons(one, study_cells=study).set_index("h3_cell")
    ring = sorted(h3i.grid_disk(CENTER, 1))
    np.testing.assert_allclose(plain.loc[ring, "p"], 2 * 7 / len(study), rtol=1e-9)
    assert (plain["klasse"] < 3).all()  # never 99 %
    assert (plain.drop(index=ring)["p"] == 1).all()


# 60 records thrown at random over 817 cells, 200 times (about a week of facts in the demo
# zone). With the correction (FDR, the page's default) Benjamini-Hochberg bounds the chance
# of any hot spot under this null by its alpha, 5 %; the exact p is discrete and
# conservative, and with these seeds no run at all has one (on the demo's own 811 cells,
# other seeds: 1 to 3 % of the runs). The normal approximation had one in 87 % of these.
# Uncorrected, a cell is a hot spot at 95 % with chance at most 2.5 % ("one in forty", what
# the page's help says): here 1.4 %, with the normal approximation 8.7 %.
NOISE_RUNS, NOISE_RECORDS = 200, 60


def test_random_records_rarely_make_a_hot_spot():
    study = np.array(_disk(16), dtype=np.uint64)
    rng = np.random.default_rng(2026)
    runs_with_hot, uncorrected_hot = 0, 0
    for _ in range(NOISE_RUNS):
        y = np.bincount(rng.integers(0, study.size, NOISE_RECORDS), minlength=study.size)
        counts = pd.DataFrame({"h3_cell": study, "n": y})
        result = gi_star_hexagons(counts, k=1, study_cells=study, fdr=True)
        runs_with_hot += bool((result["klasse"] >= 2).any())
        uncorrected_hot += int(((result["p"] < 0.05) & (result["z"] > 0)).sum())
    assert runs_with_hot / NOISE_RUNS <= 0.05
    assert uncorrected_hot / (NOISE_RUNS * study.size) <= 0.025


def test_counts_must_be_whole_numbers():
    with pytest.raises(ValueError, match="gehele aantallen"):
        gi_star_hexagons(pd.DataFrame({"h3_cell": [CENTER], "n": [0.5]}))


def test_permutation_option_is_gone():
    """classify_on="permutation" classed esda's one-sided folded p_sim with two-sided
    thresholds and a direction from z; no page used it, so it was removed."""
    counts = pd.DataFrame({"h3_cell": _disk(2), "n": 1})
    with pytest.raises(TypeError):
        gi_star_hexagons(counts, permutations=99, classify_on="permutation")
    assert "p_sim" not in gi_star_hexagons(counts).columns


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


#: Records per cell everywhere, the planted values come on top. The exact test compares a
#: neighbourhood with the zone's average: a flat background of 1 under planted sites of
#: 14-30 lies itself significantly below that average (the sporadic site, quiet, read as
#: a cold spot and became "oscillating"), so the background carries enough records.
BACKGROUND = 8


def test_emerging_hotspots_known_patterns():
    study = _disk(10)
    sites = _planted_sites(len(PATTERNS_12))
    assert min(h3i.grid_distance(a, b) for a, b in itertools.combinations(sites, 2)) >= 4
    rows = []
    for t in range(12):
        field = dict.fromkeys(study, BACKGROUND)
        for site, values in zip(sites, PATTERNS_12.values(), strict=True):
            if values[t]:
                for cell in h3i.grid_disk(site, 1):
                    field[cell] = BACKGROUND + values[t]
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


def test_one_record_a_month_is_no_emerging_hot_spot():
    """Emerging hot spots use the same exact test: one record in the same cell every month
    was a 99 % hot spot twelve times over ("Persistente hotspot", also with FDR)."""
    study = _disk(16)
    counts = pd.DataFrame({"period": range(12), "h3_cell": CENTER, "n": 1})

    long = gi_star_by_period(counts, study_cells=study, periods=range(12))
    ring = long["h3_cell"].isin(h3i.grid_disk(CENTER, 1))
    np.testing.assert_allclose(long.loc[ring, "p"], 2 * 7 / len(study), rtol=1e-9)
    # With the correction the page applies by default, no period is hot. (Uncorrected, p =
    # 2 x 7/817 = 0.017 is below the 0.10 of a hot period: the uncorrected view says so.)
    result = emerging_hotspots(counts, study_cells=study, periods=range(12), fdr=True)
    assert set(result["patroon"]) == {"no_pattern"}
    assert (result["n_hot"] == 0).all()


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


def test_z_equals_esda_s_gi_star():
    """The Gi* z-score written out here is esda's (G_Local, star, binary weights with the
    cell itself): the library checks the formula; the inference on top of it is ours."""
    import esda
    from libpysal.weights import W

    cells = _disk(5)
    rng = np.random.default_rng(11)
    x = rng.poisson(1.5, len(cells))
    x[:12] += 4
    ours = gi_star_hexagons(pd.DataFrame({"h3_cell": cells, "n": x}), fill_ring=False)
    neighbours = {
        i: [j for j, b in enumerate(cells) if b != a and h3i.grid_distance(a, b) <= 1]
        for i, a in enumerate(cells)
    }
    w = W(neighbours, silence_warnings=True)
    w.transform = "B"
    theirs = esda.G_Local(x.astype(float), w, star=1.0, permutations=0, transform="B")
    np.testing.assert_allclose(ours["z"].to_numpy(), theirs.Zs, rtol=1e-9, atol=1e-12)


def test_min_trend_periods_is_the_fewest_where_a_trend_can_be_significant():
    """Over 4 periods no series, however steady its rise, gives a significant Mann-Kendall
    trend at 0.05 (the page said 4 were enough and showed every rising hot spot of a year in
    quarters as persistent; an audit); over MIN_TREND_PERIODS one does."""
    import itertools

    import numpy as np

    from dashboard.analysis.hotspots import MIN_TREND_PERIODS, mann_kendall

    n = MIN_TREND_PERIODS - 1
    every = np.array(list(itertools.product(range(n), repeat=n)), dtype=float)
    assert (mann_kendall(every)["trend"] == "no trend").all()
    assert mann_kendall(np.arange(MIN_TREND_PERIODS, dtype=float)[None, :])["trend"].iat[0] == (
        "increasing"
    )
