"""Repeat and near-repeat victimisation: the same address again, or close by soon after.

Coordinates are projected metres (Belgian Lambert 72, EPSG:31370, or Lambert 2008); never
pass longitude/latitude here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from dashboard.components.format import fmt_count

__all__ = [
    "KnoxResult",
    "NearRepeats",
    "repeat_addresses",
    "near_repeats",
    "knox_test",
]

_DAY = pd.Timedelta(days=1)


def _normalise_text(values: pd.Series) -> pd.Series:
    """Grouping key for an address part: trimmed, case-folded, single spaces."""
    text = values.astype("string").str.strip().str.casefold()
    return text.str.replace(r"\s+", " ", regex=True).fillna("")


def repeat_addresses(
    df: pd.DataFrame,
    address_cols: list[str],
    min_count: int = 2,
    date_col: str | None = None,
    required: list[str] | None = None,
) -> pd.DataFrame:
    """Addresses with at least ``min_count`` records (repeat victimisation).

    Parameters
    ----------
    df : pandas.DataFrame
        One row per record (incident, call, PV).
    address_cols : list of str
        Columns that together make the address, e.g. ``["straat", "huisnummer",
        "postcode"]``. Matching ignores case, leading/trailing spaces and repeated spaces.
    min_count : int, default 2
        Minimum number of records for an address to be listed.
    date_col : str, optional
        When given, the first and last date per address are added.
    required : list of str, optional
        Address parts a record must have (not empty) to belong to an address; default
        every column of ``address_cols``. Other records are left out: a record without
        house number is no address. Grouped on the parts it had, the 376 demo records on
        the "Autosnelweg" without house number in postcode 3020 made one "address" spread
        over four wijken. Name fewer columns when a part such as a box number may be
        empty. (The sources page groups records with a street but no house number per
        street and wijk, as "(zonder huisnummer)":
        :func:`dashboard.queries.incidents.top_addresses`.)

    Returns
    -------
    pandas.DataFrame
        One row per repeat address, most records first (ties by address): the address
        columns (spelled as in the most frequent original spelling), ``n``, and with
        ``date_col`` also ``eerste`` and ``laatste``.
    """
    if isinstance(address_cols, str):
        address_cols = [address_cols]
    if isinstance(required, str):
        required = [required]
    required = list(address_cols) if required is None else list(required)
    unknown = [c for c in required if c not in address_cols]
    if unknown or not required:
        raise ValueError(f"required moet een deel van address_cols zijn: {unknown or required}")
    keys = pd.DataFrame({c: _normalise_text(df[c].astype("string")) for c in address_cols})
    has_address = (keys[required] != "").all(axis=1)
    key_cols = [f"__key_{i}" for i in range(len(address_cols))]
    work = df.loc[has_address, address_cols].copy()
    work[key_cols] = keys.loc[has_address].to_numpy()
    if date_col is not None:
        work["__date"] = pd.to_datetime(df.loc[has_address, date_col])
    out_cols = [*address_cols, "n"] + (["eerste", "laatste"] if date_col else [])
    if work.empty:
        return pd.DataFrame(columns=out_cols)

    grouped = work.groupby(key_cols, sort=False, dropna=False)
    counts = grouped.size().rename("n")
    counts = counts[counts >= min_count]
    if counts.empty:
        return pd.DataFrame(columns=out_cols)
    # Display spelling: the most frequent original form within each key (first if tied).
    spelled = (
        work.groupby([*key_cols, *address_cols], sort=False, dropna=False)
        .size()
        .rename("__k")
        .reset_index()
        .sort_values("__k", ascending=False, kind="stable")
        .drop_duplicates(key_cols)
        .set_index(key_cols)[address_cols]
    )
    out = spelled.join(counts, how="inner")
    if date_col is not None:
        out = out.join(grouped["__date"].agg(eerste="min", laatste="max"))
    out = out.reset_index()
    out = out.sort_values(["n", *key_cols], ascending=[False, *[True] * len(key_cols)])
    return out[out_cols].reset_index(drop=True)


@dataclass(frozen=True)
class NearRepeats:
    """Result of :func:`near_repeats`.

    Attributes
    ----------
    pairs : pandas.DataFrame
        One row per pair of records close in space and time: ``id_eerder`` (earlier),
        ``id_later``, ``afstand_m``, ``dagen`` (days between them, fractional),
        ``keten_id``.
    chains : pandas.DataFrame
        One row per record that belongs to a chain (a connected group of pairs):
        ``id``, ``keten_id`` (1 = the chain that started first), ``keten_grootte``,
        ``volgnummer`` (1 = first record of the chain in time), ``t``.
    """

    pairs: pd.DataFrame
    chains: pd.DataFrame


def _prepare_points(
    df: pd.DataFrame, x_col: str, y_col: str, t_col: str, id_col: str | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, pd.Series]:
    t = pd.to_datetime(df[t_col])
    x = pd.to_numeric(df[x_col], errors="coerce")
    y = pd.to_numeric(df[y_col], errors="coerce")
    ok = (t.notna() & x.notna() & y.notna()).to_numpy()
    ids = (df[id_col] if id_col is not None else pd.Series(df.index, index=df.index))[ok]
    if ids.duplicated().any():
        raise ValueError("near_repeats: id's moeten uniek zijn")
    xy = np.column_stack([x[ok].to_numpy(float), y[ok].to_numpy(float)])
    t_ok = t[ok]
    if isinstance(t_ok.dtype, pd.DatetimeTZDtype):
        t_ok = t_ok.dt.tz_convert("UTC").dt.tz_localize(None)
    days = (t_ok - pd.Timestamp("1970-01-01")).to_numpy() / np.timedelta64(1, "D")
    return xy, days.astype(float), t_ok.to_numpy(), ids.reset_index(drop=True)


def _close_pairs(xy: np.ndarray, distance_m: float) -> np.ndarray:
    if len(xy) < 2:
        return np.empty((0, 2), dtype=np.int64)
    return cKDTree(xy).query_pairs(r=distance_m, output_type="ndarray")


def near_repeats(
    df: pd.DataFrame,
    x_col: str,
    y_col: str,
    t_col: str,
    distance_m: float = 200,
    days: float = 14,
    id_col: str | None = None,
) -> NearRepeats:
    """Pairs of records within ``distance_m`` metres and ``days`` days of each other.

    A near repeat is a record that follows another one close by and soon after (the
    classic pattern after a burglary: the neighbours are at risk for a few weeks). Pairs
    are found with a KD-tree on the coordinates (``scipy.spatial.cKDTree.query_pairs``),
    then filtered on time, so the cost follows the number of spatially close pairs, not n².

    Parameters
    ----------
    df : pandas.DataFrame
        One row per record.
    x_col, y_col : str
        Projected coordinates in metres (Lambert 72/2008).
    t_col : str
        Timestamp of the record.
    distance_m : float, default 200
        Maximum distance, inclusive (``<=``).
    days : float, default 14
        Maximum time between the two records in days, inclusive (``<=``); two records at
        the same moment are a pair too.
    id_col : str, optional
        Unique record id; defaults to the frame's index. Rows with a missing coordinate
        or time are ignored.

    Returns
    -------
    NearRepeats
        ``pairs`` sorted by the earlier record's time, and ``chains`` (connected groups of
        pairs: A-B and B-C make one chain A-B-C even if A and C are not close).
    """
    xy, t_days, t_values, ids = _prepare_points(df, x_col, y_col, t_col, id_col)
    pairs_ij = _close_pairs(xy, distance_m)
    if pairs_ij.size:
        dt = np.abs(t_days[pairs_ij[:, 0]] - t_days[pairs_ij[:, 1]])
        pairs_ij = pairs_ij[dt <= days + 1e-9]
    # Orient each pair earlier → later (ties: lower position first).
    i, j = pairs_ij[:, 0], pairs_ij[:, 1]
    swap = (t_days[j] < t_days[i]) | ((t_days[j] == t_days[i]) & (j < i))
    earlier = np.where(swap, j, i)
    later = np.where(swap, i, j)

    n = len(ids)
    chain_of = np.full(n, -1, dtype=np.int64)
    if earlier.size:
        graph = coo_matrix((np.ones(earlier.size), (earlier, later)), shape=(n, n))
        _, labels = connected_components(graph, directed=False)
        in_pair = np.zeros(n, dtype=bool)
        in_pair[earlier] = True
        in_pair[later] = True
        # Number chains by the time (then position) of their first record.
        members = np.nonzero(in_pair)[0]
        order = members[np.lexsort((members, t_days[members]))]
        renumber: dict[int, int] = {}
        for m in order:
            renumber.setdefault(int(labels[m]), len(renumber) + 1)
        chain_of[members] = [renumber[int(labels[m])] for m in members]

    pairs = pd.DataFrame(
        {
            "id_eerder": ids.to_numpy()[earlier],
            "id_later": ids.to_numpy()[later],
            "afstand_m": np.hypot(*(xy[earlier] - xy[later]).T) if earlier.size else [],
            "dagen": t_days[later] - t_days[earlier],
            "keten_id": chain_of[earlier],
        }
    )
    pairs = pairs.assign(_t=t_days[earlier], _u=t_days[later])
    pairs = pairs.sort_values(["_t", "_u", "id_eerder", "id_later"], kind="stable")
    pairs = pairs.drop(columns=["_t", "_u"]).reset_index(drop=True)

    members = np.nonzero(chain_of > 0)[0]
    chains = pd.DataFrame(
        {"id": ids.to_numpy()[members], "keten_id": chain_of[members], "t": t_values[members]}
    )
    chains = chains.assign(_d=t_days[members], _p=members)
    chains = chains.sort_values(["keten_id", "_d", "_p"], kind="stable")
    chains["keten_grootte"] = chains.groupby("keten_id")["id"].transform("size")
    chains["volgnummer"] = chains.groupby("keten_id").cumcount() + 1
    chains = chains[["id", "keten_id", "keten_grootte", "volgnummer", "t"]].reset_index(drop=True)
    return NearRepeats(pairs=pairs, chains=chains)


@dataclass(frozen=True)
class KnoxResult:
    """Result of :func:`knox_test`.

    Attributes
    ----------
    observed : int
        Pairs close in space (``<= distance_m``) and time (``<= days``).
    expected : float
        Mean number of such pairs when the times are shuffled over the locations.
    ratio : float
        ``observed / expected`` (the Knox ratio; NaN when expected is 0).
    p_value : float
        ``(1 + #permutations with at least as many pairs) / (1 + permutations)``.
    more_than_chance : bool
        ``p_value < alpha``.
    sentence : str
        Plain Dutch summary.
    n_records, n_close_in_space, permutations : int
        Context for the reader.
    """

    observed: int
    expected: float
    ratio: float
    p_value: float
    more_than_chance: bool
    sentence: str
    n_records: int
    n_close_in_space: int
    permutations: int


def _fmt_nl(value: float, decimals: int = 1) -> str:
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def knox_test(
    df: pd.DataFrame,
    x_col: str,
    y_col: str,
    t_col: str,
    distance_m: float = 200,
    days: float = 14,
    permutations: int = 999,
    seed: int = 20260101,
    alpha: float = 0.05,
) -> KnoxResult:
    """Knox test: are records close in space also close in time more often than by chance?

    The observed statistic counts pairs within ``distance_m`` and ``days``. Under the null
    hypothesis where and when are independent; we simulate it by shuffling the times over
    the locations (Monte-Carlo Knox test, as in Johnson & Bowers and Ratcliffe's Near Repeat
    Calculator). The spatially close pairs do not change under the shuffle, so each
    permutation only re-checks their time difference.

    Parameters
    ----------
    df, x_col, y_col, t_col, distance_m, days
        As in :func:`near_repeats`.
    permutations : int, default 999
        Number of shuffles.
    seed : int
        Seed of the random generator (deterministic result).
    alpha : float, default 0.05
        Significance level for ``more_than_chance``.

    Returns
    -------
    KnoxResult
    """
    xy, t_days, _, _ = _prepare_points(df, x_col, y_col, t_col, None)
    pairs = _close_pairs(xy, distance_m)
    i, j = pairs[:, 0], pairs[:, 1]
    limit = days + 1e-9
    observed = int((np.abs(t_days[i] - t_days[j]) <= limit).sum())
    rng = np.random.default_rng(seed)
    simulated = np.empty(permutations, dtype=np.int64)
    for b in range(permutations):
        t_perm = t_days[rng.permutation(t_days.size)]
        simulated[b] = (np.abs(t_perm[i] - t_perm[j]) <= limit).sum()
    expected = float(simulated.mean()) if permutations else float("nan")
    ratio = observed / expected if expected > 0 else float("nan")
    p_value = (1 + int((simulated >= observed).sum())) / (1 + permutations)
    more = bool(p_value < alpha)
    dist = _fmt_nl(distance_m, 0)
    period = _fmt_nl(days, 0)
    span = float(t_days.max() - t_days.min()) if t_days.size else 0.0
    if t_days.size >= 2 and span <= limit:
        # Every pair lies within the days already, however the times are shuffled: the
        # test cannot tell anything ("Geen aanwijzing", p = 1, read as a finding above
        # four chains; an audit).
        more = False
        sentence = (
            f"Geen Knox-toets: alle feiten liggen binnen {period} dagen van elkaar, dus "
            f"toeval en near-repeat zijn niet te onderscheiden. Kies een periode van meerdere "
            f"keren {period} dagen."
        )
    elif more:
        sentence = (
            f"Near-repeat is meer dan toeval: {fmt_count(observed, 'paar', 'paren')} feiten binnen {dist} m en "
            f"{period} dagen van elkaar, tegen {_fmt_nl(expected)} verwacht bij toeval "
            f"({_fmt_nl(ratio)} keer zoveel, p = {_fmt_nl(p_value, 3)})."
        )
    else:
        sentence = (
            f"Geen aanwijzing voor near-repeat: {fmt_count(observed, 'paar', 'paren')} feiten binnen {dist} m en "
            f"{period} dagen van elkaar, tegen {_fmt_nl(expected)} verwacht bij toeval "
            f"(p = {_fmt_nl(p_value, 3)})."
        )
    return KnoxResult(
        observed=observed,
        expected=expected,
        ratio=ratio,
        p_value=p_value,
        more_than_chance=more,
        sentence=sentence,
        n_records=int(t_days.size),
        n_close_in_space=int(len(pairs)),
        permutations=permutations,
    )
