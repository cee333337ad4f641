"""Verkenning: dataset × grouping gives the same counts as the warehouse."""

from __future__ import annotations

from dash_helpers import count, last_28_days, metrics, nl, run_app, wh


def test_exploration_default_month_by_category(demo_warehouse):
    at = run_app("exploration", {"periode": "vorigjaar"})
    assert at.title[0].value == "Verkenning"
    year = last_28_days()[1].year - 1
    n = count("SELECT count(*) FROM marts.incidents WHERE year = ?", [year])
    assert metrics(at)["Totaal (aantal)"] == nl(n)
    table = at.dataframe[0].value
    assert list(table.columns) == ["Maand", "Categorie", "Aantal"]
    assert int(table["Aantal"].sum()) == n
    assert len(at.get("plotly_chart")) == 1
    assert len(at.get("download_button")) == 1


def test_exploration_nuisance_by_wijk(demo_warehouse):
    at = run_app("exploration", {"periode": "vorigjaar"})
    at.selectbox(key="verkenning_dataset").set_value("nuisance").run()
    at.selectbox(key="verkenning_tijd").set_value("Geen").run()
    at.selectbox(key="verkenning_groep").set_value("Wijk").run()
    assert not at.exception
    year = last_28_days()[1].year - 1
    expected = wh(
        "SELECT coalesce(w.name, 'Zonder wijk') AS wijk, count(*) AS n FROM marts.nuisance t "
        "LEFT JOIN marts.districts w ON w.layer = 'wijk' AND w.code = t.wijk_code "
        "WHERE t.year = ? GROUP BY 1",
        [year],
    ).set_index("wijk")["n"]
    table = at.dataframe[0].value.set_index("Wijk")["Aantal"]
    assert table.sort_index().to_dict() == {k: int(v) for k, v in expected.sort_index().items()}
