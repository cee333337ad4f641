"""Unit tests for dashboard.analysis.rebalance: optimum checked against brute force.

The optimiser keeps each wijk's root unit fixed (that anchors contiguity), so the brute
force enumerates every assignment of the *other* units, keeps the contiguous ones that
respect the same side constraints, and takes the best objective.
"""

from __future__ import annotations

import itertools
import time

import numpy as np
import pandas as pd
import pytest

from dashboard.analysis.rebalance import (
    contiguity_report,
    evaluate_assignment,
    grid_units,
    is_contiguous,
    objective_value,
    suggest_rebalancing,
)


def _brute_force(
    units: pd.DataFrame,
    adjacency,
    wijken: list[str],
    current: dict[str, str],
    roots: dict[str, str],
    *,
    objective: str,
    move_penalty: float,
    tie_break: float = 1e-3,
    max_moves: int | None = None,
    pop_bounds: dict[str, tuple[float, float]] | None = None,
) -> tuple[float, dict[str, str]]:
    """Best contiguous assignment by enumeration (vectorised objective, lazy contiguity)."""
    ids = list(units.index)
    free = [u for u in ids if u not in roots.values()]
    fixed = {r: k for k, r in roots.items()}
    k_of = {k: j for j, k in enumerate(wijken)}
    combos = np.array(list(itertools.product(range(len(wijken)), repeat=len(free))))
    loads = units["load"].to_numpy(dtype=float)
    pops = units["population"].to_numpy(dtype=float)
    labels = np.empty((len(combos), len(ids)), dtype=int)
    for i, u in enumerate(ids):
        labels[:, i] = k_of[fixed[u]] if u in fixed else combos[:, free.index(u)]
    onehot = labels[:, :, None] == np.arange(len(wijken))[None, None, :]
    wijk_load = (onehot * loads[None, :, None]).sum(axis=1)
    wijk_pop = (onehot * pops[None, :, None]).sum(axis=1)
    devs = np.abs(wijk_load - loads.sum() / len(wijken))
    cur = np.array([k_of[current[u]] for u in ids])
    moves = (labels != cur[None, :]).sum(axis=1)
    base = devs.max(axis=1) + tie_break * devs.sum(axis=1) if objective == "minmax" else devs.sum(1)
    score = base + move_penalty * moves
    ok = np.ones(len(combos), dtype=bool)
    if max_moves is not None:
        ok &= moves <= max_moves
    if pop_bounds is not None:
        lo = np.array([pop_bounds[k][0] for k in wijken])
        hi = np.array([pop_bounds[k][1] for k in wijken])
        ok &= ((wijk_pop >= lo - 1e-9) & (wijk_pop <= hi + 1e-9)).all(axis=1)
    for row in np.argsort(np.where(ok, score, np.inf), kind="stable"):
        if not ok[row]:
            break
        assignment = {u: wijken[labels[row, i]] for i, u in enumerate(ids)}
        if is_contiguous(assignment, adjacency):
            return float(score[row]), assignment
    raise AssertionError("geen samenhangende indeling gevonden")


def _blocks(rows: int, cols: int, block_of) -> dict[str, str]:
    return {f"r{r}c{c}": block_of(r, c) for r in range(rows) for c in range(cols)}


# -- contiguity and evaluation ----------------------------------------------------------


def test_is_contiguous_on_grid():
    _, adjacency = grid_units(3, 3, [1] * 9)
    columns = _blocks(3, 3, lambda r, c: "A" if c == 0 else "B")
    assert is_contiguous(columns, adjacency)
    corners = _blocks(3, 3, lambda r, c: "A" if (r, c) in {(0, 0), (2, 2)} else "B")
    assert not is_contiguous(corners, adjacency)
    assert contiguity_report(corners, adjacency) == {"A": 2, "B": 1}
    # Adjacency order and duplicates do not matter.
    assert is_contiguous(columns, [(b, a) for a, b in adjacency] + adjacency)


def test_evaluate_assignment():
    units, _ = grid_units(2, 2, [1, 2, 3, 6], populations=[100, 100, 200, 600])
    result = evaluate_assignment(
        units, {"r0c0": "A", "r0c1": "A", "r1c0": "B", "r1c1": "B"}, wijken=["A", "B", "C"]
    )
    assert result.loc["A", "load"] == 3 and result.loc["B", "load"] == 9
    assert result.loc["C", "n_units"] == 0
    assert result["load_index"].mean() == pytest.approx(100.0)
    assert result.loc["B", "load_deviation"] == pytest.approx(9 - 4)
    assert result.loc["B", "population"] == 800
    assert result.loc["A", "load_per_1000"] == pytest.approx(15.0)


def test_evaluate_assignment_withholds_an_index_on_a_small_base():
    """The what-if showed "Index nu/nieuw" on any base: a wijk holding two tasks got index
    8 beside one of 183, where the workload index itself says nothing below
    ``small_count_threshold`` tasks. The same rule now: no index below it, and none at all
    when the wijken carry fewer on average. The small wijk is left out of the mean, as in
    the workload index (its near-zero load raised every other index; an audit)."""
    units, _ = grid_units(2, 2, [1, 2, 30, 60])
    units["tasks"] = [1, 1, 20, 40]
    split = {"r0c0": "A", "r0c1": "A", "r1c0": "B", "r1c1": "B"}
    result = evaluate_assignment(units, split, pop_col=None, base_col="tasks", min_base=5)
    assert result["base_tasks"].to_dict() == {"A": 2, "B": 60}
    assert result["small_base"].to_dict() == {"A": True, "B": False}
    assert pd.isna(result.loc["A", "load_index"])
    assert result.loc["B", "load_index"] == pytest.approx(100.0)
    assert result.loc["A", "load_deviation"] == pytest.approx(3 - 90)
    # Moving the heavy sector makes both bases large enough.
    mixed = evaluate_assignment(
        units, {**split, "r1c1": "A"}, pop_col=None, base_col="tasks", min_base=5
    )
    assert not mixed["small_base"].any() and mixed["load_index"].notna().all()
    # On average below the threshold: no index at all.
    few = evaluate_assignment(units, split, pop_col=None, base_col="tasks", min_base=40)
    assert few["small_base"].all() and few["load_index"].isna().all()
    # Without a base column, as before.
    assert "small_base" not in evaluate_assignment(units, split, pop_col=None).columns


# -- optimum against brute force -----------------------------------------------------------

CASES = {
    # 3×3, 3 wijken: a heavy corner in wijk A, the other wijken light.
    "3x3_3wijken": dict(
        rows=3,
        cols=3,
        loads=[9, 1, 1, 1, 1, 1, 1, 1, 6],
        current=lambda r, c: "A" if r + c <= 1 else ("C" if r == 2 or (r, c) == (1, 2) else "B"),
        wijken=["A", "B", "C"],
    ),
    # 4×4, 2 wijken split left/right with all the work on the left.
    "4x4_2wijken": dict(
        rows=4,
        cols=4,
        loads=[5, 4, 1, 1, 6, 3, 1, 0, 4, 4, 2, 1, 3, 5, 1, 1],
        current=lambda r, c: "L" if c < 2 else "R",
        wijken=["L", "R"],
    ),
    # 4×3, 3 wijken in horizontal bands.
    "4x3_3wijken": dict(
        rows=4,
        cols=3,
        loads=[8, 7, 9, 1, 2, 1, 2, 1, 1, 3, 1, 2],
        current=lambda r, c: "N" if r == 0 else ("M" if r < 3 else "S"),
        wijken=["N", "M", "S"],
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("objective", ["minmax", "sum_abs"])
def test_optimum_matches_brute_force(name, objective):
    case = CASES[name]
    units, adjacency = grid_units(case["rows"], case["cols"], case["loads"])
    current = _blocks(case["rows"], case["cols"], case["current"])
    result = suggest_rebalancing(
        units,
        adjacency,
        case["wijken"],
        current,
        objective=objective,
        move_penalty=0.1,
        reach=None,
        time_limit_s=20,
    )
    assert result.status == "optimaal"
    assert is_contiguous(result.assignment, adjacency)
    best, _ = _brute_force(
        units,
        adjacency,
        case["wijken"],
        current,
        result.roots,
        objective=objective,
        move_penalty=0.1,
    )
    assert result.objective == pytest.approx(best, abs=1e-6)
    assert result.objective <= objective_value(
        units["load"], current, current, case["wijken"], objective=objective, move_penalty=0.1
    )
    assert result.solve_seconds < 20


def test_hand_known_optimum_3x3():
    # Loads: a 9 in the corner of A; total 22, mean 22/3. Whatever happens A keeps its root
    # (the 9), so the best A can do is the 9 alone; B and C share the remaining 13.
    case = CASES["3x3_3wijken"]
    units, adjacency = grid_units(3, 3, case["loads"])
    current = _blocks(3, 3, case["current"])
    result = suggest_rebalancing(
        units, adjacency, case["wijken"], current, move_penalty=0.0, tie_break=0.0, reach=None
    )
    assert result.roots["A"] == "r0c0"
    assert result.after.loc["A", "load"] == 9
    assert result.max_deviation_after == pytest.approx(9 - 22 / 3)
    assert result.max_deviation_after < result.max_deviation_before


def test_side_constraints_match_brute_force():
    case = CASES["4x3_3wijken"]
    units, adjacency = grid_units(4, 3, case["loads"], populations=[100, 120, 90] * 4)
    current = _blocks(4, 3, case["current"])
    result = suggest_rebalancing(
        units,
        adjacency,
        case["wijken"],
        current,
        max_moves=2,
        pop_tolerance=0.2,
        move_penalty=0.05,
        reach=None,
    )
    assert result.status == "optimaal"
    assert len(result.moves) <= 2
    mean_pop = units["population"].sum() / 3
    now = evaluate_assignment(units, current)["population"]
    bounds = {k: (min(0.8 * mean_pop, now[k]), max(1.2 * mean_pop, now[k])) for k in case["wijken"]}
    best, _ = _brute_force(
        units,
        adjacency,
        case["wijken"],
        current,
        result.roots,
        objective="minmax",
        move_penalty=0.05,
        max_moves=2,
        pop_bounds=bounds,
    )
    assert result.objective == pytest.approx(best, abs=1e-6)
    for k, (lo, hi) in bounds.items():
        assert lo - 1e-9 <= result.after.loc[k, "population"] <= hi + 1e-9


def test_max_moves_zero_keeps_current():
    case = CASES["4x4_2wijken"]
    units, adjacency = grid_units(4, 4, case["loads"])
    current = _blocks(4, 4, case["current"])
    result = suggest_rebalancing(units, adjacency, case["wijken"], current, max_moves=0)
    assert result.assignment == current
    assert result.moves.empty


@pytest.mark.parametrize("seed", range(6))
def test_random_loads_always_contiguous_and_never_worse(seed):
    rng = np.random.default_rng(seed)
    units, adjacency = grid_units(4, 4, rng.integers(0, 10, 16).astype(float))
    current = _blocks(4, 4, lambda r, c: ["A", "B", "C", "D"][2 * (r // 2) + c // 2])
    result = suggest_rebalancing(units, adjacency, ["A", "B", "C", "D"], current, reach=None)
    assert result.status in {"optimaal", "tijdslimiet"}
    assert is_contiguous(result.assignment, adjacency)
    assert all(result.assignment[r] == k for k, r in result.roots.items())
    penalty = result.settings["move_penalty"]
    assert (
        result.objective
        <= objective_value(
            units["load"], current, current, ["A", "B", "C", "D"], move_penalty=penalty
        )
        + 1e-9
    )
    assert set(result.moves["unit"]) == {u for u in current if current[u] != result.assignment[u]}


def test_reach_limits_moves_to_neighbouring_wijken():
    # Work concentrated in the left column: with reach=1 only units bordering another wijk
    # today may change wijk.
    units, adjacency = grid_units(3, 4, [9, 1, 1, 1, 9, 1, 1, 1, 9, 1, 1, 1])
    current = _blocks(3, 4, lambda r, c: "W" if c < 2 else "E")
    result = suggest_rebalancing(units, adjacency, ["W", "E"], current, reach=1)
    assert is_contiguous(result.assignment, adjacency)
    for unit in result.moves["unit"]:
        assert int(unit[-1]) in (1, 2)  # the columns on the W|E border


def test_time_limit_is_respected_on_a_larger_case():
    # 60 units, 10 wijken, every wijk may take any unit: too big to prove in 3 s.
    rng = np.random.default_rng(1)
    units, adjacency = grid_units(6, 10, rng.gamma(2, 10, 60).round(1))
    current = _blocks(6, 10, lambda r, c: f"W{(r // 3) * 5 + c // 2:02d}")
    wijken = sorted(set(current.values()))
    started = time.perf_counter()
    result = suggest_rebalancing(units, adjacency, wijken, current, reach=None, time_limit_s=3)
    elapsed = time.perf_counter() - started
    assert elapsed < 3 + 5  # CBC start-up and model writing on top of the limit
    assert result.status in {"optimaal", "tijdslimiet"}
    assert is_contiguous(result.assignment, adjacency)
    assert result.max_deviation_after < result.max_deviation_before


def test_roots_from_graph_centre_without_coordinates():
    units, adjacency = grid_units(3, 3, [1] * 9)
    current = dict.fromkeys(units.index, "A")
    current["r0c0"] = "B"
    result = suggest_rebalancing(
        units.drop(columns=["x", "y"]), adjacency, ["A", "B"], current, reach=None
    )
    assert result.roots == {"A": "r1c1", "B": "r0c0"}
    assert is_contiguous(result.assignment, adjacency)


def test_unit_ids_with_spaces_and_id_column():
    units = pd.DataFrame({"sector": ["24038A00-K", "24038 B01", "X y"], "load": [5.0, 1.0, 1.0]})
    adjacency = [("24038A00-K", "24038 B01"), ("24038 B01", "X y")]
    current = {"24038A00-K": "W1", "24038 B01": "W1", "X y": "W2"}
    # Without coordinates W1's root would be the middle unit (highest degree), which then
    # cannot move; naming the roots lets it go to W2.
    roots = {"W1": "24038A00-K", "W2": "X y"}
    result = suggest_rebalancing(
        units, adjacency, ["W1", "W2"], current, id_col="sector", pop_col=None, roots=roots
    )
    assert result.assignment == {"24038A00-K": "W1", "24038 B01": "W2", "X y": "W2"}
    assert result.moves.to_dict("records")[0]["from_wijk"] == "W1"
    assert "population" not in result.after.columns


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(wijken=["A"]), "onbekende wijken"),
        (dict(wijken=["A", "B", "C"]), "geen enkele eenheid"),
        (dict(current={"r0c0": "A"}), "zonder huidige wijk"),
        (dict(adjacency=[("r0c0", "zz")]), "onbekende eenheid"),
        (dict(objective="snel"), "Onbekend doel"),
        (dict(roots={"A": "r0c0", "B": "r0c0"}), "wortel"),
    ],
)
def test_invalid_input_raises_dutch_errors(kwargs, message):
    units, adjacency = grid_units(2, 2, [1, 2, 3, 4])
    args = dict(
        units=units,
        adjacency=adjacency,
        wijken=["A", "B"],
        current={"r0c0": "A", "r0c1": "A", "r1c0": "B", "r1c1": "B"},
    )
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        suggest_rebalancing(**args)


def test_group_col_keeps_units_within_their_municipality():
    # W and M lie in municipality 1, E in municipality 2. W carries most of the work; its
    # border unit may go to M, but M's border unit may not go on to E, though that would
    # even out the load further.
    units, adjacency = grid_units(1, 6, [5, 5, 1, 1, 1, 1])
    units["nis_code"] = ["1", "1", "1", "1", "2", "2"]
    current = dict(zip(units.index, ["W", "W", "M", "M", "E", "E"], strict=True))
    roots = {"W": "r0c0", "M": "r0c2", "E": "r0c5"}
    args = dict(roots=roots, move_penalty=0.0, reach=None)

    free = suggest_rebalancing(units, adjacency, ["W", "M", "E"], current, **args)
    assert free.assignment["r0c3"] == "E", "zonder regel gaat de werklast over de grens"

    kept = suggest_rebalancing(
        units, adjacency, ["W", "M", "E"], current, group_col="nis_code", **args
    )
    assert kept.status == "optimaal"
    assert kept.assignment["r0c1"] == "M"
    group_of_wijk = {"W": "1", "M": "1", "E": "2"}
    for unit, wijk in kept.assignment.items():
        assert units.loc[unit, "nis_code"] == group_of_wijk[wijk], unit
    assert kept.max_deviation_after < kept.max_deviation_before

    # Groups of the wijken given explicitly (e.g. the wijk's own nis_code): E declared in
    # municipality 1 may take M's unit again.
    told = suggest_rebalancing(
        units,
        adjacency,
        ["W", "M", "E"],
        current,
        group_col="nis_code",
        wijk_groups={"W": "1", "M": "1", "E": "1"},
        **args,
    )
    assert told.assignment["r0c3"] == "E"


def test_group_col_unit_without_group_stays():
    units, adjacency = grid_units(1, 4, [5, 5, 1, 1])
    units["nis_code"] = ["1", None, "1", "1"]
    current = dict(zip(units.index, ["W", "W", "E", "E"], strict=True))
    result = suggest_rebalancing(
        units,
        adjacency,
        ["W", "E"],
        current,
        roots={"W": "r0c0", "E": "r0c3"},
        move_penalty=0.0,
        group_col="nis_code",
    )
    assert result.assignment["r0c1"] == "W"
    with pytest.raises(KeyError, match="gemeente"):
        suggest_rebalancing(units, adjacency, ["W", "E"], current, group_col="gemeente")
