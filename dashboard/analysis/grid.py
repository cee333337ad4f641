"""The full grid of groups a chart draws, also those without records (Verkenning).

common.explore returns only the groups that have records; a chart drawn from them skips
months with 0 and leaves blank heatmap cells that read like hidden rates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import pandas as pd

#: Columns common.explore derives from a record's day (as it writes them: a week as its
#: Monday, a month or quarter as its first day, a year as a number, a weekday 1–7).
DAY_KEYS = ("dag", "week", "maand", "kwartaal", "jaar", "weekdag", "maandnr")


def _calendar(first: date, last: date, dtypes: pd.Series, iso_year: bool = False) -> pd.DataFrame:
    """Per day from ``first`` to ``last`` the value of every :data:`DAY_KEYS` column, in
    the dtypes of the result (``dtypes``: column → dtype) so that it joins on it.
    ``iso_year``: the year of the day's ISO week (a grouping by week and year,
    :func:`dashboard.queries.common.explore`), else the calendar year."""
    days = pd.date_range(first, last, freq="D")
    out = pd.DataFrame(
        {
            "dag": days,
            "week": days - pd.to_timedelta(days.weekday, unit="D"),
            "maand": days.to_period("M").to_timestamp(),
            "kwartaal": days.to_period("Q").to_timestamp(),
            "jaar": days.isocalendar().year.to_numpy() if iso_year else days.year,
            "weekdag": days.weekday + 1,
            "maandnr": days.month,
        }
    )
    return out.astype({c: dtypes[c] for c in out.columns if c in dtypes.index})


def chart_grid(
    data: pd.DataFrame,
    keys: list[str],
    first: date,
    last: date,
    limit: int,
    domains: Mapping[str, Sequence] | None = None,
) -> pd.DataFrame:
    """Every group the chart should draw, also those without a record.

    common.explore returns only groups with records: a line jumped from August to
    November over two empty months, a category with two victims in a year was two dots,
    and a heatmap pair without accidents was a blank cell, like a hidden rate.

    Parameters
    ----------
    data : DataFrame
        The groups of common.explore (raw values), one column per grouping in ``keys``.
    keys : list of str
        The grouping columns.
    first, last : date
        The days the period holds data for. Time columns (and the weekday) take every
        value those days have, in the combinations they have (a month with its own weeks
        and quarter only, not every week of the year: those pairs cannot have records).
        The hour takes 0–23; any other grouping the values present in ``data``, and
        those ``domains`` gives it.
    limit : int
        Most groups to make; a bigger grid (three years of days × 20 categories) is not
        filled and ``data`` is returned as it is.
    domains : mapping, optional
        Per grouping (not a time one), every value it can take: the wijken of the zone,
        the categories chosen. A wijk without any record in the period is a row of 0
        too, not only a wijk that has records of some other category.

    Returns
    -------
    DataFrame
        ``data`` plus a row for every missing group: ``waarde`` 0, and a rate or share
        (``per_1000``, ``aandeel``) NaN: 0 records are a base too small to show one on.
    """
    if not keys or data.empty:
        return data
    dtypes = data.dtypes
    timed = [k for k in keys if k in DAY_KEYS]
    parts = []
    if timed:
        iso_year = "week" in timed and "jaar" in timed
        known = _calendar(first, last, dtypes, iso_year)[timed]
        parts.append(pd.concat([known, data[timed]]).drop_duplicates())
    for key in keys:
        if key in timed:
            continue
        values = data[[key]].drop_duplicates()
        if domains and key in domains:
            known = pd.DataFrame({key: list(domains[key])}).astype({key: dtypes[key]})
            values = pd.concat([known, values]).drop_duplicates()
        if key == "uur":
            hours = pd.DataFrame({key: range(24)}).astype({key: dtypes[key]})
            values = pd.concat([hours, values]).drop_duplicates()
        parts.append(values)
    size = 1
    for part in parts:
        size *= len(part)
    if size > limit:
        return data
    grid = parts[0]
    for part in parts[1:]:
        grid = grid.merge(part, how="cross")
    if len(grid) == len(data):
        return data
    out = grid.merge(data, on=keys, how="left")
    out["waarde"] = out["waarde"].fillna(0).astype(dtypes["waarde"])
    return out
