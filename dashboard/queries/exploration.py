"""Verkenning's table: a cut of a dataset with every group, also those without records.

:func:`common.explore` returns the groups that have records; a table of burglaries per
wijk for the mayor's report then lacks exactly the wijken that had none, and a 0 reads as
a row left out. :func:`explore_table` fills the grid (:mod:`dashboard.analysis.grid`) with
the areas and categories the filter allows, the days the dataset knows, and the areas'
populations, so the page only draws.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

from dashboard.analysis.grid import chart_grid
from dashboard.queries import common
from dashboard.queries._db import WarehouseVersion
from dashboard.queries.districts import wijken as zone_wijken

#: Groups beyond this are cut (largest first); the page says so.
ROW_LIMIT = 5_000
#: The column of :func:`dashboard.queries.districts.wijken` naming a wijk's area per layer.
_AREA_OF_WIJK = {"Wijk": "name", "Deelgemeente": "deelgemeente", "Gemeente": "gemeente"}


@dataclass(frozen=True)
class ExploreTable:
    """One cut of a dataset as Verkenning shows it.

    Attributes
    ----------
    data : DataFrame
        One column per grouping, ``waarde``, and as :func:`common.explore` gives them
        ``inwoners`` (whole numbers, ``Int64``), ``per_1000`` or ``aandeel``; every group,
        0 where nothing happened, sorted by the groupings. Only the groups with records
        when the query cut the table (``cut``) or the grid would pass ``2 × limit``.
    total : float
        The measure over every group, also those cut.
    with_records : int
        Groups holding at least one record, also those the limit cut.
    cut : bool
        The query kept only the largest groups: a missing group may be a cut one.
    known_start : date
        The period's first day the dataset has data for (the start, or the dataset's first
        day when the period begins before it): the first day the grid fills.
    known_end : date
        Likewise its last day (the end, or the last day the dataset's source covers,
        :func:`common.dataset_known_until`, when its export stops earlier): the last day
        the grid fills; after it a group is unknown, not 0.
    """

    data: pd.DataFrame
    total: float
    with_records: int
    cut: bool
    known_start: date
    known_end: date


def wijk_areas(version: WarehouseVersion, dim: str, wijken: tuple[str, ...] = ()) -> list[str]:
    """The areas of an area grouping (``"Deelgemeente"``) the zone's wijken lie in (with a
    wijk filter, the chosen ones): those holding their inhabitants. A record of a wijk may
    lie in another (its address across a deelgemeente's border), where none of them live."""
    areas = zone_wijken(version)
    if wijken:
        areas = areas[areas["code"].isin(wijken)]
    return areas[_AREA_OF_WIJK[dim]].dropna().drop_duplicates().tolist()


def _domains(
    version: WarehouseVersion,
    dataset_key: str,
    dims: tuple[str, ...],
    wijken: tuple[str, ...],
    categories: tuple[str, ...],
) -> dict[str, list]:
    """Per grouping by area or category, every value it can take: the areas of the zone
    (with a wijk filter, those its wijken lie in) and the categories chosen."""
    domains: dict[str, list] = {}
    for dim in dims:
        if dim in _AREA_OF_WIJK:
            domains[common.dimension_column(dataset_key, dim)] = wijk_areas(version, dim, wijken)
    if categories and "Categorie" in dims:
        domains[common.dimension_column(dataset_key, "Categorie")] = list(categories)
    return domains


@st.cache_data(show_spinner=False, max_entries=256)
def explore_table(
    version: WarehouseVersion,
    dataset_key: str,
    dims: tuple[str, ...],
    start: date,
    end: date,
    wijken: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    measure: str | None = None,
    per: str = "aantal",
    limit: int = ROW_LIMIT,
) -> ExploreTable:
    """:func:`common.explore` with every group of the grid, for table, chart and downloads.

    Parameters
    ----------
    version, dataset_key, dims, start, end, wijken, categories, measure, per, limit
        As in :func:`common.explore`.

    Returns
    -------
    ExploreTable
        Empty ``data`` (and ``total`` 0) when no record falls in the cut.
    """
    result = common.explore(
        version,
        dataset_key,
        dims,
        start,
        end,
        wijken,
        categories,
        measure=measure,
        per=per,
        limit=limit,
    )
    first_known = common.dataset_known_since(version, dataset_key)
    known_start = max(start, first_known) if first_known else start
    # Statbel's file (months only) up to the end of its last month: the months after it
    # read as 0 injury accidents (an audit).
    last_known = common.dataset_known_until(version, dataset_key)
    known_end = min(end, last_known) if last_known else end
    data = result.drop(columns=["totaal", "groepen"])
    if result.empty:
        return ExploreTable(data, 0.0, 0, False, known_start, known_end)
    total = float(result["totaal"].iloc[0])
    groups = int(result["groepen"].iloc[0])
    # Cut: the groups shown hold less than the total (a cut group of 0 is a group of 0).
    cut = groups > len(result) or result["waarde"].sum() < total - 0.5
    outputs = [common.dimension_column(dataset_key, d) for d in dims]
    # A month without burglaries in a wijk is a finding, not a missing row. Not when the
    # table was cut (a missing group may be a cut one, not an empty one), nor beyond
    # 2 × limit groups (three years of days × 20 categories).
    if outputs and not cut:
        domains = _domains(version, dataset_key, dims, wijken, categories)
        data = chart_grid(data, outputs, known_start, known_end, limit * 2, domains)
        data = data[list(result.columns.drop(["totaal", "groepen"]))].sort_values(
            outputs, kind="stable", na_position="last", ignore_index=True
        )
        # Two area groupings: only the combinations the zone has (Erps-Kwerps holds no
        # Herent-Centrum), besides any holding records: the grid made 77 of 88 rows such
        # zeros, and the heatmap drew them as quiet areas (an audit).
        areas = [d for d in dims if d in _AREA_OF_WIJK]
        if len(areas) >= 2:
            zone = zone_wijken(version)
            if wijken:
                zone = zone[zone["code"].isin(wijken)]
            pairs = set(zone[[_AREA_OF_WIJK[d] for d in areas]].itertuples(index=False, name=None))
            columns = [common.dimension_column(dataset_key, d) for d in areas]
            real = [tuple(r) in pairs for r in data[columns].itertuples(index=False, name=None)]
            data = data[pd.Series(real, index=data.index) | data["waarde"].gt(0)]
            data = data.reset_index(drop=True)
        if "inwoners" in data:
            # Also on the rows without records: the area's population, as common.explore
            # gives it (the same query, the same wijk filter), of the finest area grouping.
            finest = next(d for d in common.AREA_LAYERS if d in dims)
            population = common.area_population(version, common.AREA_LAYERS[finest], wijken)
            column = common.dimension_column(dataset_key, finest)
            data["inwoners"] = data[column].map(population).astype(float)
    if "inwoners" in data:
        data["inwoners"] = data["inwoners"].round().astype("Int64")
    return ExploreTable(data, total, groups, cut, known_start, known_end)
