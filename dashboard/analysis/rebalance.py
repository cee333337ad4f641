"""Suggest a redistribution of sub-areas over wijken that evens out the workload.

Wijken were drawn to serve about the same number of inhabitants, but work does not follow
inhabitants: one wijk may collect most of the nuisance files. This module proposes moving
a few sub-areas (statistical sectors, groups of H3 cells, ...) from one wijk to a
neighbouring one so that the workload per wijk comes closer to the zone mean, while every
wijk stays one connected piece and few areas change hands.

It is a *suggestion* for the wijkcoördinator, never an automatic change: the result lists
the moves and the before/after figures so that a person can judge them.

Formulation (mixed-integer program, solved with CBC through PuLP)
----------------------------------------------------------------------
Sets: units :math:`i \\in U` (n), wijken :math:`k \\in K`, arcs :math:`A` (both directions of
every adjacency pair), a fixed root unit :math:`r_k` per wijk.

Variables: :math:`x_{ik} \\in \\{0,1\\}` (unit *i* in wijk *k*); :math:`d_k \\ge 0`
(absolute deviation of wijk *k*'s load from the mean); :math:`z \\ge 0` (largest
deviation); :math:`f_{ij} \\ge 0` (flow on arc *i → j*, one commodity for all wijken).

.. math::

    \\min\\; z + \\varepsilon \\sum_k d_k + \\pi \\sum_i (1 - x_{i,c(i)})
    \\quad (\\text{or } \\sum_k d_k + \\pi \\cdot \\text{moves})

    \\sum_k x_{ik} = 1 \\;\\forall i, \\qquad x_{r_k k} = 1 \\;\\forall k

    d_k \\ge \\pm\\big(\\textstyle\\sum_i w_i x_{ik} - \\bar{w}\\big), \\qquad z \\ge d_k

    \\textstyle\\sum_{(h,j) \\in A} f_{hj} - \\sum_{(j,h) \\in A} f_{jh} = 1
    \\quad \\forall j \\notin \\{r_k\\}

    f_{ij} \\le M (1 - x_{ik} + x_{jk}) \\quad \\forall (i,j) \\in A,\\; k \\in K

    x_{jk} \\le \\textstyle\\sum_{i \\in N(j)} x_{ik} \\quad \\forall j \\notin \\{r_k\\}

with :math:`M = n - |K|` (the largest possible wijk minus its root), :math:`c(i)` the
current wijk, :math:`\\varepsilon` the ``tie_break`` weight, :math:`\\pi` the move
penalty and :math:`N(j)` the neighbours of *j*. Every non-root unit consumes one unit of
flow, which can only come from a root; the bound on :math:`f_{ij}` forbids flow on an arc
whose head lies in another wijk than its tail (if *i* is in *k* and *j* is not, the bound
is 0). So every unit is joined to a root of its own wijk by a path inside that wijk, and since
each wijk holds exactly one root, each wijk is connected (cf. Shirabe 2005; Validi,
Buchanan & Lykhovyd 2022). The last line is implied by the flow but tightens the LP
relaxation. Variables :math:`x_{ik}` exist only for wijken *k* within ``reach`` steps of
unit *i* (default: wijken it borders today). Optional side constraints: at most
``max_moves`` moved units; each wijk's population within ``pop_tolerance`` of the mean
(or no worse than today, so the current map always stays feasible); with ``group_col``,
units only join wijken of their own group (municipality), by leaving the other
:math:`x_{ik}` out.

Before CBC runs, a best-improvement descent over single moves of border units (keeping
every wijk contiguous) improves the current map; that map, with flows on a spanning tree
per wijk, is CBC's warm start. So even when the time limit stops the search, the answer
is never worse than the current map. The descent is only a starting point: contiguity
and optimality come from the model.

The minimax objective has a weak LP bound (a fractional assignment balances perfectly),
so CBC often finds the optimum quickly but needs long to *prove* it; the result then
carries status ``"tijdslimiet"``.
"""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pulp

OBJECTIVES = ("minmax", "sum_abs")


@dataclass
class RebalanceResult:
    """What :func:`suggest_rebalancing` proposes, with the figures to judge it.

    Attributes
    ----------
    assignment : dict
        Unit → wijk, the proposed map (the current one when nothing better was found).
    status : str
        ``"optimaal"`` (proven optimal), ``"tijdslimiet"`` (best found within the time
        limit, not proven optimal), or ``"geen oplossing"`` (no feasible map found; the
        current map is returned).
    objective : float or None
        Objective value of ``assignment`` in the model's terms.
    moves : DataFrame
        One row per moved unit: ``unit``, ``from_wijk``, ``to_wijk``, ``load``,
        ``population``.
    before, after : DataFrame
        :func:`evaluate_assignment` of the current and the proposed map.
    roots : dict
        Wijk → root unit that stayed fixed in its wijk.
    solve_seconds : float
        Wall-clock time of the whole call (model build, descent and CBC).
    settings : dict
        The parameters used (objective, penalty, limits, model size), for display.
    """

    assignment: dict[str, str]
    status: str
    objective: float | None
    moves: pd.DataFrame
    before: pd.DataFrame
    after: pd.DataFrame
    roots: dict[str, str]
    solve_seconds: float
    settings: dict = field(default_factory=dict)

    @property
    def max_deviation_before(self) -> float:
        """Largest absolute load deviation from the mean, current map."""
        return float(self.before["load_deviation"].abs().max())

    @property
    def max_deviation_after(self) -> float:
        """Largest absolute load deviation from the mean, proposed map."""
        return float(self.after["load_deviation"].abs().max())


def _neighbours(
    adjacency: Iterable[tuple[str, str]], known: Iterable[str] | None = None
) -> dict[str, set[str]]:
    """Undirected neighbour sets; self-loops and duplicates are dropped."""
    nbrs: dict[str, set[str]] = defaultdict(set)
    allowed = set(map(str, known)) if known is not None else None
    for a, b in adjacency:
        a, b = str(a), str(b)
        if a == b:
            continue
        if allowed is not None and (a not in allowed or b not in allowed):
            raise ValueError(f"Aangrenzing verwijst naar een onbekende eenheid: ({a}, {b}).")
        nbrs[a].add(b)
        nbrs[b].add(a)
    return nbrs


def _components(members: set[str], nbrs: Mapping[str, set[str]]) -> list[set[str]]:
    """Connected components of the subgraph induced by ``members`` (breadth-first)."""
    left = set(members)
    parts = []
    while left:
        start = left.pop()
        part = {start}
        queue = deque([start])
        while queue:
            u = queue.popleft()
            for v in nbrs.get(u, ()):
                if v in left:
                    left.discard(v)
                    part.add(v)
                    queue.append(v)
        parts.append(part)
    return parts


def contiguity_report(
    assignment: Mapping[str, str], adjacency: Iterable[tuple[str, str]]
) -> dict[str, int]:
    """Number of separate pieces per wijk (1 = contiguous).

    Parameters
    ----------
    assignment : mapping
        Unit → wijk.
    adjacency : iterable of (str, str)
        Pairs of units that share a border.

    Returns
    -------
    dict
        Wijk → number of connected components of its units.
    """
    nbrs = _neighbours(adjacency)
    by_wijk: dict[str, set[str]] = defaultdict(set)
    for unit, wijk in assignment.items():
        by_wijk[str(wijk)].add(str(unit))
    return {wijk: len(_components(members, nbrs)) for wijk, members in by_wijk.items()}


def is_contiguous(assignment: Mapping[str, str], adjacency: Iterable[tuple[str, str]]) -> bool:
    """Whether every wijk in ``assignment`` forms one connected piece.

    Parameters
    ----------
    assignment : mapping
        Unit → wijk.
    adjacency : iterable of (str, str)
        Pairs of units that share a border (order and duplicates do not matter).

    Returns
    -------
    bool
    """
    return all(n <= 1 for n in contiguity_report(assignment, adjacency).values())


def _unit_frame(units: pd.DataFrame, id_col: str | None) -> pd.DataFrame:
    frame = units.set_index(id_col) if id_col else units.copy()
    frame.index = frame.index.astype(str)
    if frame.index.has_duplicates:
        dupes = sorted(set(frame.index[frame.index.duplicated()]))[:5]
        raise ValueError(f"Eenheden komen dubbel voor: {dupes}")
    return frame


def evaluate_assignment(
    units: pd.DataFrame,
    assignment: Mapping[str, str],
    load_col: str = "load",
    pop_col: str | None = "population",
    *,
    wijken: Iterable[str] | None = None,
    id_col: str | None = None,
    base_col: str | None = None,
    min_base: float = 0,
) -> pd.DataFrame:
    """Load and population per wijk for a given unit → wijk map.

    Parameters
    ----------
    units : DataFrame
        One row per unit, indexed by unit id (or with the id in ``id_col``), with
        ``load_col`` and optionally ``pop_col``.
    assignment : mapping
        Unit → wijk. Units missing from it are ignored.
    load_col, pop_col : str
        Workload and population columns (``pop_col=None`` or absent: no population).
    wijken : iterable of str, optional
        Wijken to report even when they hold no unit.
    id_col : str, optional
        Column holding the unit id; default the index.
    base_col : str, optional
        Column with the number of tasks each unit's load rests on. With it the result
        has ``base_tasks``, and ``min_base`` applies the workload index's small-base rule
        (:func:`dashboard.analysis.workload.workload_index`): a wijk whose load rests on
        fewer tasks gets no ``load_index`` (``small_base`` is ``True``) and is left out of
        the mean, and when the wijken carry fewer on average, none has an index.
    min_base : float
        Smallest base for an index (the zone's ``small_count_threshold``; 0 = none).

    Returns
    -------
    DataFrame
        Indexed by ``wijk``: ``n_units``, ``load``, ``load_index`` (100 = mean),
        ``load_deviation`` (load − mean), and with a population column ``population``,
        ``population_index`` and ``load_per_1000`` (load per 1,000 inhabitants); with
        ``base_col`` also ``base_tasks`` and ``small_base``.
    """
    frame = _unit_frame(units, id_col)
    series = pd.Series({str(u): str(w) for u, w in assignment.items()}, dtype="string")
    frame = frame.loc[frame.index.intersection(series.index)]
    frame = frame.assign(wijk=series.reindex(frame.index))
    has_pop = bool(pop_col) and pop_col in frame.columns
    agg = {"n_units": (load_col, "size"), "load": (load_col, "sum")}
    if has_pop:
        agg["population"] = (pop_col, "sum")
    if base_col:
        agg["base_tasks"] = (base_col, "sum")
    out = frame.groupby("wijk").agg(**agg)
    order = list(dict.fromkeys([*(map(str, wijken or [])), *sorted(out.index)]))
    out = out.reindex(order).fillna(0)
    out["n_units"] = out["n_units"].astype(int)
    out.index.name = "wijk"
    counted = pd.Series(True, index=out.index)
    if base_col:
        small_zone = out["base_tasks"].mean() < min_base
        out["small_base"] = small_zone | (out["base_tasks"] < min_base)
        # As the workload index: a wijk on too small a base is left out of the mean too
        # (its 0 of a missing export raised every other index; an audit).
        if not out["small_base"].all():
            counted = ~out["small_base"]
    mean = out.loc[counted, "load"].mean()
    out["load_index"] = 100.0 * out["load"] / mean if mean else np.nan
    out["load_deviation"] = out["load"] - mean
    if base_col:
        out.loc[out["small_base"], "load_index"] = np.nan
    if has_pop:
        pop_mean = out["population"].mean()
        out["population_index"] = 100.0 * out["population"] / pop_mean if pop_mean else np.nan
        out["load_per_1000"] = 1000.0 * out["load"] / out["population"].replace(0, np.nan)
    return out


def _choose_roots(
    frame: pd.DataFrame,
    current: Mapping[str, str],
    wijken: list[str],
    nbrs: Mapping[str, set[str]],
    xy_cols: tuple[str, str] | None,
) -> dict[str, str]:
    """A root unit per wijk: the current unit nearest the wijk's centre.

    With coordinates that is the unit nearest the mean of the wijk's unit points; without,
    the graph centre (smallest eccentricity) of the wijk's largest connected piece. A
    central root leaves the optimiser the most freedom at the wijk's edges, where moves
    make sense.
    """
    roots = {}
    for wijk in wijken:
        members = {u for u, w in current.items() if w == wijk}
        if not members:
            raise ValueError(f"Wijk {wijk} heeft geen enkele eenheid; kies een startgebied.")
        piece = max(_components(members, nbrs), key=lambda p: (len(p), sorted(p)))
        if xy_cols and all(c in frame.columns for c in xy_cols):
            pts = frame.loc[sorted(piece), list(xy_cols)].astype(float)
            centre = pts.mean()
            dist = ((pts - centre) ** 2).sum(axis=1)
            roots[wijk] = str(dist.idxmin())
            continue
        best = None
        for unit in sorted(piece):
            depth = {unit: 0}
            queue = deque([unit])
            while queue:
                u = queue.popleft()
                for v in nbrs.get(u, ()):
                    if v in piece and v not in depth:
                        depth[v] = depth[u] + 1
                        queue.append(v)
            key = (max(depth.values()), -len(nbrs.get(unit, ())), unit)
            if best is None or key < best[0]:
                best = (key, unit)
        roots[wijk] = best[1]
    return roots


def _tree_flows(
    members: set[str], root: str, nbrs: Mapping[str, set[str]]
) -> dict[tuple[str, str], int]:
    """Flows on a breadth-first tree from ``root``: each arc carries its subtree's size.

    Used to hand CBC a complete warm start (assignment *and* flows) for the current map.
    """
    parent = {root: None}
    order = [root]
    queue = deque([root])
    while queue:
        u = queue.popleft()
        for v in sorted(nbrs.get(u, ())):
            if v in members and v not in parent:
                parent[v] = u
                order.append(v)
                queue.append(v)
    size = dict.fromkeys(order, 1)
    flows = {}
    for v in reversed(order[1:]):
        flows[(parent[v], v)] = size[v]
        size[parent[v]] += size[v]
    return flows


def suggest_rebalancing(
    units: pd.DataFrame,
    adjacency: Iterable[tuple[str, str]],
    wijken: Iterable[str],
    current: Mapping[str, str],
    load_col: str = "load",
    pop_col: str | None = "population",
    max_moves: int | None = None,
    time_limit_s: float = 20,
    *,
    objective: str = "minmax",
    move_penalty: float | None = None,
    tie_break: float = 1e-3,
    pop_tolerance: float | None = None,
    roots: Mapping[str, str] | None = None,
    reach: int | None = 1,
    xy_cols: tuple[str, str] | None = ("x", "y"),
    group_col: str | None = None,
    wijk_groups: Mapping[str, str] | None = None,
    id_col: str | None = None,
    threads: int | None = None,
    msg: bool = False,
) -> RebalanceResult:
    """Propose moving sub-areas between wijken to even out the workload.

    Parameters
    ----------
    units : DataFrame
        One row per sub-area, indexed by unit id (or id in ``id_col``), with ``load_col``
        (e.g. weighted tasks per year) and optionally ``pop_col`` and ``x``/``y``
        (any metric CRS; only used to pick the root units).
    adjacency : iterable of (str, str)
        Pairs of units sharing a border (rook adjacency for a grid, shared edges for
        sectors). Order and duplicates do not matter.
    wijken : iterable of str
        Wijk codes. Each must hold at least one unit in ``current``.
    current : mapping
        Unit → wijk today. Every unit must be assigned.
    load_col, pop_col : str
        Workload and population columns (``pop_col=None`` ignores population).
    max_moves : int, optional
        Upper bound on the number of units that change wijk.
    time_limit_s : float
        Wall-clock limit for CBC (default 20 s). When it is reached, the best map found
        so far is returned with status ``"tijdslimiet"``.
    objective : {"minmax", "sum_abs"}
        ``"minmax"`` minimises the largest deviation of a wijk's load from the mean
        (plus ``tie_break`` × the sum of deviations, to prefer the more even of two maps
        with the same worst wijk); ``"sum_abs"`` minimises the sum of absolute deviations.
    move_penalty : float, optional
        Cost per moved unit, in load units. Default: 1 % of the mean wijk load, so a move
        must buy at least that much balance. Use 0 to ignore moves.
    tie_break : float
        Weight of the sum of deviations in the ``"minmax"`` objective.
    pop_tolerance : float, optional
        Keep each wijk's population within this fraction of the mean population
        (e.g. 0.15 = ±15 %), or no further from it than today, whichever is looser, so
        the current map always remains allowed.
    roots : mapping, optional
        Wijk → unit that stays in that wijk (the anchor of its contiguity). Default: the
        current unit nearest the wijk's centre (see ``xy_cols``) or its graph centre.
    reach : int or None
        A unit may only join a wijk whose current units lie within ``reach`` adjacency
        steps of it (default 1: only wijken it borders today); ``None`` allows every
        wijk. This keeps proposals local (a border sector to the wijk next door) and the
        model small. Measured on 60 units / 10 wijken (2 cores): ``reach=1`` was proven
        optimal in 1.6–16 s; ``reach=2`` and ``None`` stopped at 20 s without proof
        (``None`` then found worse maps than ``reach=1``: the larger model is harder to
        search). "optimaal" means optimal among the maps ``reach`` allows.
    xy_cols : (str, str) or None
        Coordinate columns used to pick roots; ignored when absent.
    group_col : str, optional
        Column of ``units`` holding the group a unit belongs to, such as the municipality
        (``"nis_code"``). A unit may then only join a wijk of its own group: wijken lie
        within one municipality, and reports per municipality rely on it. A unit without
        a group stays in its wijk. ``None`` (default): no such rule.
    wijk_groups : mapping, optional
        Wijk → group, with ``group_col`` (e.g. the wijk's ``nis_code``). Default: the
        groups of the units the wijk holds today.
    id_col : str, optional
        Column holding the unit id; default the index.
    threads : int, optional
        CBC threads.
    msg : bool
        Show CBC's log.

    Returns
    -------
    RebalanceResult

    Raises
    ------
    ValueError
        With a Dutch message, when units, wijken, ``current`` or ``adjacency`` disagree.

    Notes
    -----
    Root units never change wijk: they anchor the contiguity constraints. The proposal is
    therefore optimal among maps that keep each wijk's root; choose roots (or ``x``/``y``)
    so that the root is a unit the wijk should keep anyway, such as its centre.
    See the module docstring for the formulation.
    """
    started = time.perf_counter()
    if objective not in OBJECTIVES:
        raise ValueError(f"Onbekend doel '{objective}'; kies uit {OBJECTIVES}.")
    frame = _unit_frame(units, id_col)
    if load_col not in frame.columns:
        raise KeyError(f"Kolom '{load_col}' ontbreekt in de eenheden.")
    ids = list(frame.index)
    wijken = [str(w) for w in wijken]
    if len(set(wijken)) != len(wijken) or not wijken:
        raise ValueError("De lijst met wijken is leeg of bevat dubbels.")
    current = {str(u): str(w) for u, w in current.items()}
    missing = [u for u in ids if u not in current]
    if missing:
        raise ValueError(f"Eenheden zonder huidige wijk: {missing[:5]}")
    unknown = sorted({w for u, w in current.items() if u in frame.index} - set(wijken))
    if unknown:
        raise ValueError(f"Huidige toewijzing gebruikt onbekende wijken: {unknown}")
    current = {u: current[u] for u in ids}
    nbrs = _neighbours(adjacency, known=ids)

    loads = frame[load_col].astype(float).fillna(0.0)
    if (loads < 0).any():
        raise ValueError("Werklast per eenheid kan niet negatief zijn.")
    has_pop = bool(pop_col) and pop_col in frame.columns
    pops = frame[pop_col].astype(float).fillna(0.0) if has_pop else None

    if roots is None:
        roots = _choose_roots(frame, current, wijken, nbrs, xy_cols)
    else:
        roots = {str(k): str(v) for k, v in roots.items()}
        if set(roots) != set(wijken) or len(set(roots.values())) != len(wijken):
            raise ValueError("Geef precies één verschillende wortel-eenheid per wijk.")
        if any(r not in frame.index for r in roots.values()):
            raise ValueError("Een wortel-eenheid bestaat niet.")
    root_units = set(roots.values())

    n, n_wijken = len(ids), len(wijken)
    mean_load = float(loads.sum()) / n_wijken
    if move_penalty is None:
        move_penalty = 0.01 * mean_load if mean_load > 0 else 1e-6

    unit_groups = None
    if group_col is not None:
        if group_col not in frame.columns:
            raise KeyError(f"Kolom '{group_col}' ontbreekt in de eenheden.")
        unit_groups = {u: (None if pd.isna(g) else str(g)) for u, g in frame[group_col].items()}
        if wijk_groups is not None:
            wijk_groups = {str(k): str(g) for k, g in wijk_groups.items() if not pd.isna(g)}
    candidates = _candidate_wijken(
        current, wijken, nbrs, roots, reach, unit_groups=unit_groups, wijk_groups=wijk_groups
    )
    pop_bounds = None
    if has_pop and pop_tolerance is not None:
        mean_pop = float(pops.sum()) / n_wijken
        now = pops.groupby(pd.Series(current)).sum().reindex(wijken).fillna(0.0)
        pop_bounds = {
            k: (
                min((1 - pop_tolerance) * mean_pop, float(now[k])),
                max((1 + pop_tolerance) * mean_pop, float(now[k])),
            )
            for k in wijken
        }

    prob = pulp.LpProblem("wijk_rebalancing", pulp.LpMinimize)
    # Variable names use positions, not unit ids: PuLP writes an MPS file and ids may hold
    # spaces or hyphens.
    pos = {u: i for i, u in enumerate(ids)}
    kpos = {k: j for j, k in enumerate(wijken)}
    x = {
        (u, k): pulp.LpVariable(f"x_{pos[u]}_{kpos[k]}", cat=pulp.LpBinary)
        for u in ids
        for k in candidates[u]
    }
    for k, r in roots.items():
        x[(r, k)].lowBound = 1
    dev = {k: pulp.LpVariable(f"d_{kpos[k]}", lowBound=0) for k in wijken}
    worst = pulp.LpVariable("z", lowBound=0)
    # No arc needs to enter a root: roots are the sources.
    arcs = [(a, b) for a in ids for b in sorted(nbrs.get(a, ())) if b not in root_units]
    big_m = max(n - n_wijken, 1)
    flow = {
        (a, b): pulp.LpVariable(f"f_{pos[a]}_{pos[b]}", lowBound=0, upBound=big_m) for a, b in arcs
    }
    # A unit whose current wijk is no longer a candidate (a root handed to another wijk)
    # moves for certain.
    forced_moves = sum(1 for u in ids if (u, current[u]) not in x)
    moves = forced_moves + pulp.lpSum(1 - x[(u, current[u])] for u in ids if (u, current[u]) in x)

    if objective == "minmax":
        prob += worst + tie_break * pulp.lpSum(dev.values()) + move_penalty * moves
    else:
        prob += pulp.lpSum(dev.values()) + move_penalty * moves

    for u in ids:
        prob += pulp.lpSum(x[(u, k)] for k in candidates[u]) == 1, f"een_wijk_{pos[u]}"
    for k in wijken:
        j = kpos[k]
        load_k = pulp.lpSum(float(loads[u]) * var for (u, kk), var in x.items() if kk == k)
        prob += dev[k] >= load_k - mean_load, f"dev_pos_{j}"
        prob += dev[k] >= mean_load - load_k, f"dev_neg_{j}"
        prob += worst >= dev[k], f"worst_{j}"
        if pop_bounds is not None:
            pop_k = pulp.lpSum(float(pops[u]) * var for (u, kk), var in x.items() if kk == k)
            prob += pop_k >= pop_bounds[k][0], f"pop_min_{j}"
            prob += pop_k <= pop_bounds[k][1], f"pop_max_{j}"
    if max_moves is not None:
        prob += moves <= int(max_moves), "max_moves"

    # Contiguity: every non-root unit consumes one unit of flow, and flow can only travel
    # between units of the same wijk, so each unit is linked to its own wijk's root.
    inflow: dict[str, list] = defaultdict(list)
    outflow: dict[str, list] = defaultdict(list)
    for a, b in arcs:
        outflow[a].append(flow[(a, b)])
        inflow[b].append(flow[(a, b)])
    for u in ids:
        if u in root_units:
            continue
        # A unit without neighbours gets no flow, so the model is infeasible: correct,
        # since an isolated unit could only be a wijk of its own (and then be its root).
        prob += pulp.lpSum(inflow[u]) - pulp.lpSum(outflow[u]) == 1, f"flow_{pos[u]}"
        # Implied by the flow, but stated explicitly it tightens the LP relaxation a lot:
        # a non-root unit can only join a wijk that also holds one of its neighbours.
        for k in candidates[u]:
            near = [x[(v, k)] for v in nbrs.get(u, ()) if (v, k) in x]
            prob += x[(u, k)] <= pulp.lpSum(near), f"buur_{pos[u]}_{kpos[k]}"
    for a, b in arcs:
        for k in candidates[a]:
            # Flow a→b is allowed only if b is in a's wijk; when b cannot join k the bound
            # becomes M(1 − x_ak).
            head = x.get((b, k), 0)
            prob += (
                flow[(a, b)] <= big_m * (1 - x[(a, k)] + head),
                f"same_wijk_{pos[a]}_{pos[b]}_{kpos[k]}",
            )

    # A quick descent over single boundary moves gives CBC a good first incumbent; the
    # MIP then improves on it or proves it optimal. Contiguity is enforced by the model
    # either way, the descent only keeps to contiguous maps so its start is valid.
    start = current
    if _is_valid_start(current, roots, wijken, nbrs):
        start = _local_search(
            current,
            loads,
            pops,
            wijken,
            nbrs,
            roots,
            candidates,
            objective=objective,
            move_penalty=move_penalty,
            tie_break=tie_break,
            max_moves=max_moves,
            pop_bounds=pop_bounds,
        )
        _set_warm_start(start, roots, wijken, nbrs, x, flow, dev, worst, loads, mean_load)
        warm = True
    else:
        warm = False
    solver = pulp.PULP_CBC_CMD(
        msg=msg,
        timeLimit=max(time_limit_s - (time.perf_counter() - started), 1),
        warmStart=warm,
        threads=threads,
    )
    prob.solve(solver)

    before = evaluate_assignment(frame, current, load_col, pop_col, wijken=wijken)
    solution_found = prob.sol_status in (
        pulp.LpSolutionOptimal,
        pulp.LpSolutionIntegerFeasible,
    )
    if solution_found:
        proposed = {u: max(candidates[u], key=lambda k, u=u: x[(u, k)].value() or 0.0) for u in ids}
        # Defensive: never hand a page a map that breaks a wijk in two.
        if not is_contiguous(proposed, _pairs(nbrs)):
            solution_found = False
    if solution_found:
        status = "optimaal" if prob.sol_status == pulp.LpSolutionOptimal else "tijdslimiet"
    elif warm:
        # CBC found nothing in time (it normally keeps the warm start): fall back to the
        # descent's map, which is contiguous and within the side constraints.
        proposed, status = dict(start), "tijdslimiet"
    else:
        proposed, status = dict(current), "geen oplossing"

    after = evaluate_assignment(frame, proposed, load_col, pop_col, wijken=wijken)
    moved = [u for u in ids if proposed[u] != current[u]]
    moves_frame = pd.DataFrame(
        {
            "unit": moved,
            "from_wijk": [current[u] for u in moved],
            "to_wijk": [proposed[u] for u in moved],
            "load": [float(loads[u]) for u in moved],
            "population": [float(pops[u]) for u in moved] if has_pop else [np.nan] * len(moved),
        }
    )
    return RebalanceResult(
        assignment=proposed,
        status=status,
        objective=objective_value(
            loads,
            proposed,
            current,
            wijken,
            objective=objective,
            move_penalty=move_penalty,
            tie_break=tie_break,
        ),
        moves=moves_frame,
        before=before,
        after=after,
        roots=dict(roots),
        solve_seconds=time.perf_counter() - started,
        settings={
            "objective": objective,
            "move_penalty": move_penalty,
            "tie_break": tie_break,
            "max_moves": max_moves,
            "pop_tolerance": pop_tolerance,
            "time_limit_s": time_limit_s,
            "reach": reach,
            "group_col": group_col,
            "n_units": n,
            "n_wijken": n_wijken,
            "n_arcs": len(arcs),
        },
    )


def _pairs(nbrs: Mapping[str, set[str]]) -> list[tuple[str, str]]:
    return [(a, b) for a, bs in nbrs.items() for b in bs if a < b]


def _candidate_wijken(
    current: Mapping[str, str],
    wijken: list[str],
    nbrs: Mapping[str, set[str]],
    roots: Mapping[str, str],
    reach: int | None,
    *,
    unit_groups: Mapping[str, str | None] | None = None,
    wijk_groups: Mapping[str, str] | None = None,
) -> dict[str, list[str]]:
    """Wijken each unit may join: its own and those within ``reach`` steps of it.

    A sub-area moving to a wijk three sectors away is not a proposal a coordinator would
    take seriously, and leaving those variables out shrinks the model enormously.

    With ``unit_groups`` (unit → group, e.g. municipality) a unit may besides only join
    a wijk of its own group: the group in ``wijk_groups`` or, without it, one of the
    groups of the wijk's current units. A unit whose group is unknown stays in its wijk.
    """
    root_of = {r: k for k, r in roots.items()}
    if reach is None:
        allowed = {u: set(wijken) for u in current}
    else:
        allowed = {u: {w} for u, w in current.items()}
        for k in wijken:
            depth = {u: 0 for u, w in current.items() if w == k}
            queue = deque(depth)
            while queue:
                u = queue.popleft()
                if depth[u] >= reach:
                    continue
                for v in nbrs.get(u, ()):
                    if v not in depth:
                        depth[v] = depth[u] + 1
                        queue.append(v)
            for u in depth:
                allowed[u].add(k)
    if unit_groups is not None:
        if wijk_groups is not None:
            groups_of = {k: {wijk_groups[k]} if k in wijk_groups else set() for k in wijken}
        else:
            groups_of = {k: set() for k in wijken}
            for u, k in current.items():
                if unit_groups.get(u) is not None:
                    groups_of[k].add(unit_groups[u])
        for u, ks in allowed.items():
            group = unit_groups.get(u)
            # The own wijk always stays allowed, so the current map remains feasible.
            allowed[u] = {k for k in ks if k == current[u] or group in groups_of[k]}
    for r, k in root_of.items():
        allowed[r] = {k}
    order = {k: j for j, k in enumerate(wijken)}
    return {u: sorted(ks, key=order.__getitem__) for u, ks in allowed.items()}


def _is_valid_start(current, roots, wijken, nbrs) -> bool:
    by_wijk: dict[str, set[str]] = defaultdict(set)
    for u, k in current.items():
        by_wijk[k].add(u)
    if any(roots[k] not in by_wijk[k] for k in wijken):
        return False
    return all(len(_components(by_wijk[k], nbrs)) == 1 for k in wijken)


def _local_search(
    current,
    loads,
    pops,
    wijken,
    nbrs,
    roots,
    candidates,
    *,
    objective,
    move_penalty,
    tie_break,
    max_moves,
    pop_bounds,
    max_rounds: int = 10_000,
) -> dict[str, str]:
    """Best-improvement descent over single moves of boundary units (a primal heuristic).

    Only contiguous maps that respect roots, candidates, ``max_moves`` and the population
    bounds are visited, so the result is a feasible warm start for the MIP.
    """
    assignment = dict(current)
    members: dict[str, set[str]] = defaultdict(set)
    for u, k in assignment.items():
        members[k].add(u)
    load_of = {k: float(sum(loads[u] for u in members[k])) for k in wijken}
    pop_of = (
        {k: float(sum(pops[u] for u in members[k])) for k in wijken} if pops is not None else None
    )
    mean = sum(load_of.values()) / len(wijken)
    root_units = set(roots.values())

    def score(loads_by_wijk: Mapping[str, float], n_moved: int) -> float:
        devs = [abs(v - mean) for v in loads_by_wijk.values()]
        base = max(devs) + tie_break * sum(devs) if objective == "minmax" else sum(devs)
        return base + move_penalty * n_moved

    n_moved = 0
    best = score(load_of, n_moved)
    for _ in range(max_rounds):
        choice = None
        for u, here in assignment.items():
            if u in root_units:
                continue
            for k in {assignment[v] for v in nbrs.get(u, ())} - {here}:
                if k not in candidates[u]:
                    continue
                moved = n_moved + (1 if current[u] == here else 0) - (1 if current[u] == k else 0)
                if max_moves is not None and moved > max_moves:
                    continue
                if pop_bounds is not None:
                    if pop_of[here] - pops[u] < pop_bounds[here][0]:
                        continue
                    if pop_of[k] + pops[u] > pop_bounds[k][1]:
                        continue
                trial = dict(load_of)
                trial[here] -= loads[u]
                trial[k] += loads[u]
                value = score(trial, moved)
                if value < best - 1e-9 and (choice is None or value < choice[0]):
                    if len(_components(members[here] - {u}, nbrs)) == 1:
                        choice = (value, u, here, k, moved)
        if choice is None:
            break
        best, u, here, k, n_moved = choice
        assignment[u] = k
        members[here].discard(u)
        members[k].add(u)
        load_of[here] -= loads[u]
        load_of[k] += loads[u]
        if pop_of is not None:
            pop_of[here] -= pops[u]
            pop_of[k] += pops[u]
    return assignment


def _set_warm_start(assignment, roots, wijken, nbrs, x, flow, dev, worst, loads, mean_load):
    """Hand CBC a complete start (assignment *and* flows on a spanning tree per wijk)."""
    by_wijk: dict[str, set[str]] = defaultdict(set)
    for u, k in assignment.items():
        by_wijk[k].add(u)
    for (u, k), var in x.items():
        var.setInitialValue(1 if assignment[u] == k else 0)
    tree = {}
    for k in wijken:
        tree.update(_tree_flows(by_wijk[k], roots[k], nbrs))
    for arc, var in flow.items():
        var.setInitialValue(tree.get(arc, 0))
    worst_dev = 0.0
    for k in wijken:
        d = abs(float(loads[list(by_wijk[k])].sum()) - mean_load)
        dev[k].setInitialValue(d)
        worst_dev = max(worst_dev, d)
    worst.setInitialValue(worst_dev)


def objective_value(
    loads: Mapping[str, float] | pd.Series,
    assignment: Mapping[str, str],
    current: Mapping[str, str],
    wijken: Iterable[str],
    *,
    objective: str = "minmax",
    move_penalty: float = 0.0,
    tie_break: float = 1e-3,
) -> float:
    """The optimiser's objective for a given map (to compare maps or check a result).

    Parameters
    ----------
    loads : mapping or Series
        Unit → load.
    assignment, current : mapping
        Proposed and current unit → wijk.
    wijken : iterable of str
        All wijken (an empty wijk counts with load 0).
    objective, move_penalty, tie_break
        As in :func:`suggest_rebalancing`.

    Returns
    -------
    float
    """
    wijken = list(wijken)
    totals = dict.fromkeys(wijken, 0.0)
    for u, k in assignment.items():
        totals[k] += float(loads[u])
    mean = sum(totals.values()) / len(wijken)
    devs = [abs(v - mean) for v in totals.values()]
    moved = sum(1 for u, k in assignment.items() if current[u] != k)
    base = max(devs) + tie_break * sum(devs) if objective == "minmax" else sum(devs)
    return float(base + move_penalty * moved)


def grid_units(
    rows: int, cols: int, loads: Iterable[float], populations: Iterable[float] | None = None
) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """A rows × cols grid of square units with rook adjacency (for tests and demos).

    Parameters
    ----------
    rows, cols : int
        Grid size.
    loads : iterable of float
        Load per cell, row by row.
    populations : iterable of float, optional
        Population per cell, row by row (default 1,000 each).

    Returns
    -------
    units : DataFrame
        Indexed by ``"r<row>c<col>"`` with ``load``, ``population``, ``x``, ``y``.
    adjacency : list of (str, str)
    """
    loads = list(loads)
    if len(loads) != rows * cols:
        raise ValueError("Aantal werklasten past niet bij het rooster.")
    pops = list(populations) if populations is not None else [1000.0] * (rows * cols)
    names = [f"r{r}c{c}" for r in range(rows) for c in range(cols)]
    units = pd.DataFrame(
        {
            "load": loads,
            "population": pops,
            "x": [c for r in range(rows) for c in range(cols)],
            "y": [r for r in range(rows) for c in range(cols)],
        },
        index=pd.Index(names, name="unit"),
    )
    adjacency = []
    for r in range(rows):
        for c in range(cols):
            if c + 1 < cols:
                adjacency.append((f"r{r}c{c}", f"r{r}c{c + 1}"))
            if r + 1 < rows:
                adjacency.append((f"r{r}c{c}", f"r{r + 1}c{c}"))
    return units, adjacency


__all__ = [
    "OBJECTIVES",
    "RebalanceResult",
    "contiguity_report",
    "evaluate_assignment",
    "grid_units",
    "is_contiguous",
    "objective_value",
    "suggest_rebalancing",
]
