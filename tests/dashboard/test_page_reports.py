"""Rapporten: per-municipality tables with small counts suppressed, and a CSV download."""

from __future__ import annotations

from datetime import date

import pytest
from dash_helpers import count, last_28_days, run_app, wh


def _consistent(cell: str, n: int) -> bool:
    """A cell may show its count, '<5' for 1–4, or 'x' (secondary) for 5 and more."""
    if 0 < n < 5:
        return cell == "<5"
    return cell == f"{n:,}".replace(",", ".") or (cell == "x" and n >= 5)


@pytest.mark.parametrize("periode", ["28d", "jaar"])
def test_reports_suppress_small_counts(demo_warehouse, periode):
    at = run_app("reports", {"periode": periode})
    assert at.title[0].value == "Rapporten"
    nis, name = wh(
        "SELECT code, name FROM marts.districts WHERE layer = 'gemeente' ORDER BY name LIMIT 1"
    ).iloc[0]
    assert at.selectbox(key="rapport_gemeente").value == nis
    start, end = last_28_days()
    if periode == "jaar":
        start = date(end.year, 1, 1)
    expected = wh(
        "SELECT w.name, count(i.pv_number) AS n FROM marts.districts w "
        "LEFT JOIN marts.incidents i ON i.wijk_code = w.code "
        "AND i.date BETWEEN ? AND ? "
        "WHERE w.layer = 'wijk' AND w.nis_code = ? GROUP BY w.name",
        [start, end, nis],
    ).set_index("name")["n"]
    table = at.dataframe[0].value.set_index("Wijk")
    assert list(table.index)[-1] == f"Totaal {name}"
    assert set(table.index[:-1]) == set(expected.index)
    for wijk, n in expected.items():
        assert _consistent(table.at[wijk, "Feiten (pv's)"], int(n)), wijk
    assert _consistent(table.iloc[-1]["Feiten (pv's)"], int(expected.sum()))
    # Secondary suppression: no column has exactly one hidden cell next to its total.
    for col in table.columns:
        hidden = table[col].isin(["<5", "x"]).sum()
        assert hidden != 1, col
    # No number from 1 to 4 survives anywhere in the tables.
    for df in at.dataframe:
        values = df.value.drop(columns=df.value.columns[0]).to_numpy().ravel()
        assert not any(v in {"1", "2", "3", "4"} for v in values)
    assert len(at.get("download_button")) == 2
    assert count("SELECT count(*) FROM marts.districts WHERE layer = 'gemeente'") >= 1


def test_reports_second_municipality(demo_warehouse):
    at = run_app("reports")
    municipalities = wh(
        "SELECT code, name FROM marts.districts WHERE layer = 'gemeente' ORDER BY name"
    )
    if len(municipalities) < 2:
        return
    code = municipalities["code"].iloc[1]
    at.selectbox(key="rapport_gemeente").set_value(code).run()
    assert not at.exception
    wijken = wh("SELECT name FROM marts.districts WHERE layer = 'wijk' AND nis_code = ?", [code])
    assert set(at.dataframe[0].value["Wijk"][:-1]) == set(wijken["name"])
