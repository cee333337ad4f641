"""Black spots: Flemish priority score, clustering, thresholds, window, nearby controls."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from dashboard.analysis import blackspots
from dashboard.analysis.blackspots import (
    black_spot_locations,
    black_spot_params,
    black_spot_ranking,
    cluster_locations,
    controls_near_locations,
    priority_score,
    share_of_control_hours_near,
)

KILLED, SERIOUS, LIGHT = "Gedood binnen 30 dagen", "Zwaargewond", "Lichtgewond"
END = "2025-12-31"  # window (2022-12-31, 2025-12-31] = 2023-01-01 .. 2025-12-31


def _accidents(rows):
    """rows: (accident_id, x, y, date, street)."""
    frame = pd.DataFrame(rows, columns=["accident_id", "x", "y", "date", "street"])
    frame["is_injury"] = True
    return frame


def _victims(rows):
    """rows: (accident_id, severity, road_user)."""
    return pd.DataFrame(rows, columns=["accident_id", "severity", "road_user"])


# --------------------------------------------------------------------------------------
# priority score
# --------------------------------------------------------------------------------------


def test_priority_score_hand_computed():
    # 1 killed cyclist          5 × 1.7 = 8.5
    # 2 seriously injured car occupants  2 × 3 = 6
    # 1 lightly injured pedestrian 1 × 1.7 = 1.7
    #                                 total 16.2
    victims = _victims(
        [
            ("A1", KILLED, "Fietser"),
            ("A1", SERIOUS, "Personenauto"),
            ("A2", SERIOUS, "Personenauto"),
            ("A2", LIGHT, "Voetganger"),
        ]
    )
    victims["location_id"] = 1
    per_location = priority_score(victims, by="location_id")
    assert per_location.loc[1, "score"] == pytest.approx(16.2)
    assert per_location.loc[1, ["n_killed", "n_seriously", "n_lightly"]].tolist() == [1, 2, 1]
    assert per_location.loc[1, "n_vulnerable_victims"] == 2

    per_accident = priority_score(victims)
    # A1: 8.5 + 3 = 11.5; A2: 3 + 1.7 = 4.7
    assert per_accident["score"].to_dict() == {"A1": 11.5, "A2": 4.7}


@pytest.mark.parametrize(
    ("severity", "road_user", "expected"),
    [
        (KILLED, "Personenauto", 5.0),
        (KILLED, "Voetganger", 8.5),
        (SERIOUS, "Fietser", 5.1),
        (SERIOUS, "Bromfiets", 5.1),
        (SERIOUS, "Motorfiets", 3.0),  # motorcyclists are not in the vulnerable list
        (LIGHT, "Bromfiets", 1.7),
        (LIGHT, "Vrachtwagen", 1.0),
        ("Ongedeerd", "Fietser", 0.0),
    ],
)
def test_priority_score_per_victim(severity, road_user, expected):
    score = priority_score(_victims([("A", severity, road_user)]))
    assert score.loc["A", "score"] == pytest.approx(expected)


def test_priority_score_configurable_vulnerable_list_and_weights():
    victims = _victims([("A", SERIOUS, "Motorfiets")])
    score = priority_score(victims, vulnerable_road_users=["Motorfiets"], weight_seriously=4)
    assert score.loc["A", "score"] == pytest.approx(4 * 1.7)


def test_three_vulnerable_seriously_injured_reach_fifteen_despite_float_sums():
    # 5.1 + 5.1 + 5.1 is 15.299999999999999 in floating point; rounding keeps it >= 15.
    victims = _victims([("A", SERIOUS, "Fietser")] * 3)
    assert priority_score(victims).loc["A", "score"] == 15.3


def test_black_spot_params_reads_zone_section():
    section = {
        "years": 3,
        "cluster_distance_m": 50,
        "min_injury_accidents": 3,
        "min_priority_score": 15,
        "weight_killed": 5,
        "weight_seriously_injured": 3,
        "weight_lightly_injured": 1,
        "vulnerable_factor": 1.7,
    }
    params = black_spot_params(section)
    assert params["distance_m"] == 50
    assert params["min_score"] == 15
    assert params["weight_seriously"] == 3
    # Every key is a real keyword of black_spot_ranking.
    black_spot_ranking(_accidents([]), _victims([]), END, **params)


# --------------------------------------------------------------------------------------
# clustering
# --------------------------------------------------------------------------------------


def test_chain_within_distance_is_one_location():
    # 0-40-80-120 m: each step 40 m ≤ 50 m, end to end 120 m (under the 200 m guard).
    acc = pd.DataFrame({"x": [0.0, 40, 80, 120], "y": [0.0, 0, 0, 0]})
    assert cluster_locations(acc).tolist() == [1, 1, 1, 1]


def test_separated_groups_are_different_locations():
    # Groups 51 m apart (> 50) stay apart; exactly 50 m links (distance is inclusive).
    acc = pd.DataFrame({"x": [0.0, 10, 61, 111], "y": [0.0, 0, 0, 0]})
    ids = cluster_locations(acc)
    assert ids.iloc[0] == ids.iloc[1]
    assert ids.iloc[2] == ids.iloc[3]  # 61 → 111 is exactly 50 m
    assert ids.iloc[1] != ids.iloc[2]


def test_long_chain_is_split_by_the_extent_guard():
    # 30 accidents 40 m apart along a road: single linkage makes one 1,160 m "location".
    acc = pd.DataFrame({"x": np.arange(30) * 40.0, "y": np.zeros(30)})
    assert cluster_locations(acc, max_extent_m=np.inf).nunique() == 1

    ids = cluster_locations(acc)  # guard: diameter ≤ 4 × 50 = 200 m
    assert ids.nunique() > 1
    extent = acc.groupby(ids)["x"].agg(lambda s: s.max() - s.min())
    assert (extent <= 200).all()
    # Parts are contiguous stretches of the road, not interleaved.
    assert (ids.diff().fillna(0) != 0).sum() == ids.nunique() - 1


def test_location_ids_by_weight_and_independent_of_row_order():
    acc = pd.DataFrame(
        {
            "accident_id": list("abcdef"),
            "x": [0.0, 5, 1000, 1005, 1010, 5000],
            "y": [0.0, 0, 0, 0, 0, 0],
        }
    )
    ids = cluster_locations(acc)
    # Heaviest (3 accidents) first, then 2, then 1.
    assert ids.tolist() == [2, 2, 1, 1, 1, 3]
    shuffled = acc.sample(frac=1, random_state=7)
    again = cluster_locations(shuffled)
    assert again.loc[acc.index].tolist() == ids.tolist()

    weighted = acc.assign(w=[10, 10, 1, 1, 1, 0])
    assert cluster_locations(weighted, weight_col="w").tolist() == [1, 1, 2, 2, 2, 3]


def test_missing_coordinates_get_no_location():
    acc = pd.DataFrame({"x": [0.0, np.nan, 3], "y": [0.0, 1, np.nan]})
    ids = cluster_locations(acc)
    assert ids.iloc[0] == 1
    assert ids.iloc[1:].isna().all()
    assert str(ids.dtype) == "Int64"


# --------------------------------------------------------------------------------------
# ranking
# --------------------------------------------------------------------------------------


def _location(prefix, x, severities, date="2024-06-01", street="Stationsstraat"):
    """One accident per entry of ``severities`` (a list of (severity, road_user) per
    accident), all within a few metres of (x, 0)."""
    acc, vic = [], []
    for k, victims in enumerate(severities):
        aid = f"{prefix}{k}"
        acc.append((aid, x + k, 0.0, date, street))
        vic += [(aid, sev, user) for sev, user in victims]
    return acc, vic


def test_ranking_hand_computed_fixture():
    # Location at x=0: 3 accidents
    #   A0: killed cyclist 8.5 + seriously injured car occupant 3   = 11.5
    #   A1: seriously injured car occupant 3                        =  3
    #   A2: lightly injured pedestrian 1.7                          =  1.7
    #   total 16.2, 3 injury accidents → black spot
    acc, vic = _location(
        "A",
        0,
        [
            [(KILLED, "Fietser"), (SERIOUS, "Personenauto")],
            [(SERIOUS, "Personenauto")],
            [(LIGHT, "Voetganger")],
        ],
    )
    ranking = black_spot_ranking(_accidents(acc), _victims(vic), END)
    assert len(ranking) == 1
    row = ranking.iloc[0]
    assert row["score"] == pytest.approx(16.2)
    assert row[["n_injury_accidents", "n_killed", "n_seriously", "n_lightly"]].tolist() == [
        3,
        1,
        2,
        1,
    ]
    assert row["n_vulnerable_victims"] == 2
    assert row["is_black_spot"] and not row["is_candidate"]
    assert row["street"] == "Stationsstraat"
    assert row["x"] == pytest.approx(1.0) and row["radius_m"] == pytest.approx(1.0)
    assert list(ranking.columns) == [
        "location_id", "x", "y", "radius_m", "n_injury_accidents", "n_killed",
        "n_seriously", "n_lightly", "n_vulnerable_victims", "score", "meets_accidents",
        "meets_score", "is_black_spot", "is_candidate", "street", "first_date", "last_date",
    ]  # fmt: skip


def test_thresholds_are_inclusive_and_candidates():
    car = "Personenauto"
    locs = [
        # exactly 3 accidents, exactly 15 (5 + 5 + 5)          → black spot
        _location("E", 0, [[(KILLED, car)]] * 3),
        # exactly 15 but only 2 accidents (5+5+5 in 2)         → candidate
        _location("T", 1000, [[(KILLED, car), (KILLED, car)], [(KILLED, car)]]),
        # 3 accidents, score 10 (5 + 3 + 1 + 1)                → candidate (≥ 10, inclusive)
        _location("F", 2000, [[(KILLED, car)], [(SERIOUS, car)], [(LIGHT, car), (LIGHT, car)]]),
        # 3 accidents, score 9 (5 + 3 + 1)                     → neither
        _location("G", 3000, [[(KILLED, car)], [(SERIOUS, car)], [(LIGHT, car)]]),
        # 1 accident, score 20 (4 × 5)                         → neither (2 short)
        _location("H", 4000, [[(KILLED, car)] * 4]),
    ]
    acc = _accidents([a for loc in locs for a in loc[0]])
    vic = _victims([v for loc in locs for v in loc[1]])
    r = black_spot_ranking(acc, vic, END).set_index("x")
    r.index = (r.index // 1000).astype(int)
    assert r["score"].to_dict() == {0: 15.0, 1: 15.0, 2: 10.0, 3: 9.0, 4: 20.0}
    assert r["is_black_spot"].to_dict() == {0: True, 1: False, 2: False, 3: False, 4: False}
    assert r["is_candidate"].to_dict() == {0: False, 1: True, 2: True, 3: False, 4: False}
    assert r.loc[1, "meets_score"] and not r.loc[1, "meets_accidents"]
    assert r.loc[2, "meets_accidents"] and not r.loc[2, "meets_score"]

    stricter = black_spot_ranking(acc, vic, END, min_injury_accidents=4)
    assert not stricter["is_black_spot"].any()
    narrow = black_spot_ranking(acc, vic, END, near_score=3).set_index("n_injury_accidents")
    assert not narrow.loc[3].set_index("score").loc[10.0, "is_candidate"]


def test_repeated_index_labels_from_concatenated_exports():
    # Yearly exports read and concatenated keep each file's 0..n index: must not duplicate.
    car = "Personenauto"
    acc, vic = _location("R", 0, [[(KILLED, car)]] * 3)
    frame = _accidents(acc)
    repeated = pd.concat([frame.iloc[:2], frame.iloc[2:]])
    repeated.index = [0, 1, 0]
    r = black_spot_ranking(repeated, _victims(vic), END)
    assert r["n_injury_accidents"].tolist() == [3]
    assert r["score"].tolist() == [15.0]


def test_sorted_by_score_descending():
    car = "Personenauto"
    locs = [
        _location("A", 0, [[(LIGHT, car)]]),
        _location("B", 1000, [[(KILLED, car)]]),
        _location("C", 2000, [[(SERIOUS, car)]]),
    ]
    acc = _accidents([a for loc in locs for a in loc[0]])
    vic = _victims([v for loc in locs for v in loc[1]])
    r = black_spot_ranking(acc, vic, END)
    assert r["score"].tolist() == [5.0, 3.0, 1.0]
    assert r["location_id"].tolist() == [1, 2, 3]


def test_window_excludes_old_future_and_non_injury_accidents():
    car = "Personenauto"
    acc, vic = _location("W", 0, [[(KILLED, car)]] * 3)
    frame = _accidents(acc)
    # Window for END: 2023-01-01 .. 2025-12-31 inclusive.
    frame["date"] = ["2023-01-01", "2025-12-31", "2024-05-05"]
    assert black_spot_ranking(frame, _victims(vic), END).iloc[0]["is_black_spot"]

    for bad in ("2022-12-31", "2026-01-01"):
        shifted = frame.assign(date=[bad, "2025-12-31", "2024-05-05"])
        r = black_spot_ranking(shifted, _victims(vic), END).iloc[0]
        assert r["n_injury_accidents"] == 2 and not r["is_black_spot"]

    no_injury = frame.assign(is_injury=[False, True, True])
    r = black_spot_ranking(no_injury, _victims(vic), END).iloc[0]
    assert r["n_injury_accidents"] == 2

    assert black_spot_ranking(frame, _victims(vic), END, years=1)["n_injury_accidents"].sum() == 1


def test_month_only_rows_and_counts_without_victims():
    # Statbel rows: no day, no victim rows, worst-victim counts in the mart's columns.
    statbel = pd.DataFrame(
        {
            "accident_id": ["S1", "S2", "S3", "S4"],
            "x": [0.0, 5, 10, 15],
            "y": [0.0, 0, 0, 0],
            "date": [pd.NaT] * 4,
            "year": [2023, 2025, 2022, 2025],
            "month": [1, 12, 12, 6],
            "is_injury": True,
            "street": ["Leuvensesteenweg"] * 4,
            "killed": [1, 0, 1, 0],
            "seriously_injured": [0, 2, 0, 1],
            "lightly_injured": [0, 1, 0, 3],
        }
    )
    r = black_spot_ranking(statbel, _victims([]), END).iloc[0]
    # S3 (December 2022) lies before the window; S1 5 + S2 (2 × 3 + 1) + S4 (3 + 3) = 18.
    assert r["n_injury_accidents"] == 3
    assert r["score"] == pytest.approx(18.0)
    assert r["n_vulnerable_victims"] == 0  # road users unknown: no factor
    assert r["first_date"] == pd.Timestamp("2023-01-01")
    assert r["last_date"] == pd.Timestamp("2025-12-31")


def test_main_street_is_most_frequent_then_alphabetical():
    car = "Personenauto"
    acc, vic = _location("S", 0, [[(LIGHT, car)]] * 4)
    frame = _accidents(acc).assign(street=["Brusselsesteenweg", "Kerkstraat", "Kerkstraat", None])
    assert black_spot_ranking(frame, _victims(vic), END).iloc[0]["street"] == "Kerkstraat"
    tie = frame.assign(street=["Kerkstraat", "Dorp", "Dorp", "Kerkstraat"])
    assert black_spot_ranking(tie, _victims(vic), END).iloc[0]["street"] == "Dorp"


def test_empty_input_gives_empty_frame_with_columns():
    r = black_spot_ranking(_accidents([]), _victims([]), END)
    assert r.empty and "is_black_spot" in r.columns
    ranked, members = black_spot_locations(_accidents([]), _victims([]), END)
    assert ranked.empty and members.empty
    assert list(members.columns) == ["accident_id", "location_id"]


def test_members_are_the_accidents_each_location_was_scored_on():
    """A location's members: as many as its injury accidents, centred on its centre, the
    accidents outside the window or without coordinates in none; a chain longer than the
    extent guard is split and each part keeps its own accidents."""
    car = "Personenauto"
    locs = [
        _location("E", 0, [[(KILLED, car)]] * 3),
        _location("F", 2000, [[(SERIOUS, car)], [(LIGHT, car)]]),
        _location("O", 4000, [[(KILLED, car)]], date="2019-05-01"),  # before the window
    ]
    acc = _accidents([a for loc in locs for a in loc[0]])
    # A road of accidents 40 m apart over 600 m: one chain, split by the 200 m guard.
    road = [(f"R{k}", 6000 + 40 * k, 0.0, "2024-03-01", "Steenweg") for k in range(16)]
    acc = pd.concat([acc, _accidents(road), _accidents([("N", np.nan, np.nan, END, "X")])])
    vic = _victims([v for loc in locs for v in loc[1]] + [(a[0], LIGHT, car) for a in road])
    ranked, members = black_spot_locations(acc, vic, END)
    pd.testing.assert_frame_equal(ranked, black_spot_ranking(acc, vic, END))
    assert set(members["accident_id"]) == set(acc["accident_id"]) - {"O0", "N"}
    assert members["accident_id"].is_unique
    per = members.merge(acc, on="accident_id").groupby("location_id")
    ranked = ranked.set_index("location_id")
    assert (per.size() == ranked["n_injury_accidents"].reindex(per.size().index)).all()
    assert np.allclose(per["x"].mean(), ranked["x"].reindex(per.size().index))
    road_parts = members[members["accident_id"].str.startswith("R")]["location_id"]
    assert road_parts.nunique() > 1


def _every_pair_components(xy, r):
    """The reference: components of the graph of every pair within ``r``."""
    n = len(xy)
    pairs = cKDTree(xy).query_pairs(r=r, output_type="ndarray")
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), (n, n))
    return connected_components(graph, directed=False)[1]


def _same_partition(a, b):
    """Two labellings group the points alike (labels may differ)."""
    pairs = pd.DataFrame({"a": a, "b": b}).drop_duplicates()
    return pairs["a"].is_unique and pairs["b"].is_unique


def _facing_cells(rng, gap: float) -> np.ndarray:
    """Two rings of 64 accidents 10 m across, each inside its own cell of the grid, and
    on each the point facing the other (a 3-4-5 direction, so exactly ``gap`` apart when
    ``gap`` is 50): the nearest pair, and neither point is extreme along x, y or a
    diagonal (every pair of those is farther)."""
    t = np.arange(64) * 2 * np.pi / 64
    ring = 5.0 * np.column_stack([np.cos(t), np.sin(t)])
    towards = np.array([0.8, 0.6])
    first, second = np.array([5.0, 5.0]), np.array([5.0, 5.0]) + (10.0 + gap) * towards
    return np.concatenate(
        [ring + first, [first + 5 * towards], ring + second, [second - 5 * towards]]
    )


def _hard_point_sets(rng):
    """Point sets where the distances are on the edge, cells are full or the layout is
    degenerate."""
    grid = np.stack(np.meshgrid(np.arange(12.0), np.arange(9.0)), -1).reshape(-1, 2) * 50
    road = np.column_stack([np.linspace(0, 3000, 400), np.zeros(400)])
    yield "grid exactly 50 m apart (cocircular squares)", grid
    yield "grid a hair over 50 m", grid * (1 + 1e-12)
    yield "one straight road", road
    yield "two points", road[:2]
    yield "one point", road[:1]
    yield "duplicates", np.repeat(rng.uniform(0, 500, (60, 2)), 3, axis=0)
    near = rng.uniform(0, 800, (300, 2))
    yield "near-duplicates", np.concatenate([near, near + 1e-9, near[:50] + [49.999999, 0]])
    yield "a circle", 400 * np.column_stack([np.cos(t := np.linspace(0, 6.28, 90)), np.sin(t)])
    centres = rng.uniform(0, 5000, (40, 2))
    yield (
        "junctions",
        np.concatenate([c + rng.normal(0, 25, (rng.integers(1, 60), 2)) for c in centres]),
    )
    # Two full cells whose nearest points lie exactly 50 m apart, and a hair more: the
    # pair is in the middle of the cells' facing sides, where no extreme of either lies.
    for gap, name in ((50.0, "exactly"), (50.0 + 1e-6, "a hair over")):
        yield f"two full cells {name} 50 m apart", _facing_cells(rng, gap)
    # Diagonal neighbours two cells apart, and thousands of accidents on one spot beside a
    # full cell (more pairs than are measured at once).
    yield "diagonal cells", np.array([[0.0, 0.0], [35.355, 35.355], [0.1, 0.1], [35.4, 35.4]])
    spot = np.repeat([[100.0, 100.0]], 3000, axis=0)
    yield (
        "one spot of 3000 beside a full cell",
        np.concatenate([spot, rng.uniform(140, 170, (500, 2)), [[149.9, 100.0]]]),
    )
    yield "dense like the 10^7 benchmark", rng.uniform(0, 300, (3000, 2))


@pytest.mark.parametrize("budget", [blackspots._PAIR_BUDGET, 7])
def test_grid_components_equal_every_pair_components_on_hard_sets(monkeypatch, budget):
    """The grid links cells through their representatives and measures the rest point
    against point; with a small budget the pairs go in many slices and the spot of 3000
    through the k-d tree."""
    monkeypatch.setattr(blackspots, "_PAIR_BUDGET", budget)
    rng = np.random.default_rng(7)
    for name, xy in _hard_point_sets(rng):
        expected = _every_pair_components(xy, 50.0)
        got = blackspots._linked_components(xy, 50.0)
        assert len(got) == len(xy)
        assert _same_partition(got, expected), name


def test_cells_whose_nearest_points_are_no_extremes_are_measured_point_by_point(monkeypatch):
    measured = []
    touch = blackspots._cells_touch
    monkeypatch.setattr(
        blackspots, "_cells_touch", lambda *a: measured.append(len(a[4])) or touch(*a)
    )
    rng = np.random.default_rng(1)
    for gap, parts in ((50.0, 1), (50.0 + 1e-6, 2)):
        xy = _facing_cells(rng, gap)
        assert len(set(blackspots._linked_components(xy, 50.0))) == parts
    assert measured == [1, 1]
    # A cell of thousands of accidents (one ring, each point 50 times) against the other:
    # more pairs than are measured at once, so through the k-d tree.
    monkeypatch.setattr(blackspots, "_PAIR_BUDGET", 1000)
    trees = []
    monkeypatch.setattr(blackspots, "cKDTree", lambda p: trees.append(len(p)) or cKDTree(p))
    for gap, parts in ((50.0, 1), (50.0 + 1e-6, 2)):
        xy = _facing_cells(rng, gap)
        xy = np.concatenate([np.repeat(xy[:65], 50, axis=0), xy[65:]])
        got = blackspots._linked_components(xy, 50.0)
        assert len(set(got)) == parts
        assert _same_partition(got, _every_pair_components(xy, 50.0))
    assert len(trees) == 2


@settings(max_examples=150, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(0, 400),
    spread=st.sampled_from([30.0, 200.0, 2000.0]),
    on_grid=st.booleans(),
    budget=st.sampled_from([1 << 20, 50]),
)
def test_grid_components_equal_every_pair_components(seed, n, spread, on_grid, budget):
    """Random accidents (on a 10 m grid or not, so equal and exactly-50-m points occur):
    the grid groups them as every pair within 50 m does."""
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, spread, (n, 2))
    if on_grid:
        xy = np.round(xy / 10) * 10
    kept = blackspots._PAIR_BUDGET
    blackspots._PAIR_BUDGET = budget
    try:
        got = blackspots._linked_components(xy, 50.0)
    finally:
        blackspots._PAIR_BUDGET = kept
    assert len(got) == n
    assert _same_partition(got, _every_pair_components(xy, 50.0))


# --------------------------------------------------------------------------------------
# controls
# --------------------------------------------------------------------------------------


@pytest.fixture
def controls():
    # Distances to location (0, 0), counted by hand:
    #   C1 (0, 0)       0 m    in      2 h
    #   C2 (250, 0)   250 m    in      1.5 h   (radius is inclusive)
    #   C3 (150, 200) 250 m    in      3 h     (3-4-5 triangle)
    #   C4 (200, 200) 282.8 m  out     4 h
    #   C5 (0, 251)   251 m    out     5 h
    #   C6 (10, 10)    14 m    in, but in 2022 (outside the period)  6 h
    #   C7 (5000, 0)  near location 2 only                           1 h
    return pd.DataFrame(
        {
            "control_id": [f"C{i}" for i in range(1, 8)],
            "x": [0.0, 250, 150, 200, 0, 10, 5000],
            "y": [0.0, 0, 200, 200, 251, 10, 0],
            "started_at": pd.to_datetime(
                ["2024-03-01 08:00"] * 5 + ["2022-03-01 08:00", "2024-04-01 08:00"]
            ),
            "hours": [2.0, 1.5, 3.0, 4.0, 5.0, 6.0, 1.0],
        }
    )


def test_controls_near_locations_hand_counted(controls):
    locations = pd.DataFrame({"location_id": [1, 2, 3], "x": [0.0, 5000, 9000], "y": [0.0, 0, 0]})
    out = controls_near_locations(locations, controls, 250, start="2023-01-01", end="2025-12-31")
    assert out["n_controls"].tolist() == [3, 1, 0]
    assert out["control_hours"].tolist() == [6.5, 1.0, 0.0]
    everything = controls_near_locations(locations, controls, 250)
    assert everything["n_controls"].tolist() == [4, 1, 0]


def test_control_hours_from_start_and_end(controls):
    ctrl = controls.drop(columns="hours").assign(
        ended_at=controls["started_at"] + pd.Timedelta(minutes=90)
    )
    out = controls_near_locations(pd.DataFrame({"x": [0.0], "y": [0.0]}), ctrl, 250)
    assert out["control_hours"].iloc[0] == pytest.approx(4 * 1.5)


def test_share_of_control_hours_near(controls):
    period = {"start": "2023-01-01", "end": "2025-12-31"}
    # In the period: 2 + 1.5 + 3 + 4 + 5 + 1 = 16.5 h; near (0, 0): 6.5 h.
    top = pd.DataFrame({"x": [0.0], "y": [0.0]})
    assert share_of_control_hours_near(top, controls, 250, **period) == pytest.approx(6.5 / 16.5)
    # Two locations 10 m apart share their controls: counted once.
    twins = pd.DataFrame({"x": [0.0, 10.0], "y": [0.0, 0.0]})
    share = share_of_control_hours_near(twins, controls, 250, **period)
    assert share == pytest.approx(6.5 / 16.5)
    assert np.isnan(share_of_control_hours_near(top, controls.iloc[:0], 250))


def test_the_rule_is_described_with_the_values_applied():
    """The briefing printed 'minstens 15 … × 1,7' whatever the zone configured, under a
    list ranked with the zone's own values."""
    from dashboard.analysis.blackspots import RuleParams

    text = RuleParams().describe()
    assert "minstens 3 letselongevallen in 3 jaar" in text and "minstens 15 " in text
    assert "(voetganger, fietser, bromfiets) × 1,7" in text and "binnen 50 m" in text
    # A chain longer than four times the distance is split (cluster_locations): the text
    # said only "binnen 50 m vormen één locatie" (an audit, at 100 m a chain of 441 m).
    assert "een keten langer dan 200 m wordt gesplitst" in text
    own = RuleParams(
        min_score=12.5, vulnerable_factor=1.75, vulnerable_road_users=("Fietser", "Motorfiets")
    ).describe()
    assert "minstens 12,5 " in own and "(fietser, motorfiets) × 1,75" in own
