"""Bronnen van onveiligheid: counts, category filter, per-category table, repeated addresses."""

from __future__ import annotations

from dash_helpers import count, last_28_days, metrics, nl, run_app, wh


def test_sources_kpis_and_tables(demo_warehouse):
    at = run_app("sources")
    assert at.title[0].value == "Bronnen van onveiligheid"
    start, end = last_28_days()
    n_inc = count("SELECT count(*) FROM marts.incidents WHERE date BETWEEN ? AND ?", [start, end])
    n_nui = count("SELECT count(*) FROM marts.nuisance WHERE date BETWEEN ? AND ?", [start, end])
    shown = metrics(at)
    assert shown["Feiten (pv's)"] == nl(n_inc)
    assert shown["Overlastmeldingen"] == nl(n_nui)
    # Category × wijk tables: the "Totaal" column adds up to the KPI.
    incidents_table, nuisance_table = at.dataframe[0].value, at.dataframe[1].value
    assert int(incidents_table["Totaal"].sum()) == n_inc
    assert int(nuisance_table["Totaal"].sum()) == n_nui
    top = wh(
        "SELECT category, count(*) AS n FROM marts.incidents WHERE date BETWEEN ? AND ? "
        "GROUP BY 1 ORDER BY n DESC, category LIMIT 1",
        [start, end],
    )
    assert int(incidents_table["Totaal"].iloc[0]) == int(top["n"].iloc[0])


def test_sources_category_filter_from_url(demo_warehouse):
    at = run_app("sources", {"categorie": "Woninginbraak"})
    start, end = last_28_days()
    n = count(
        "SELECT count(*) FROM marts.incidents WHERE date BETWEEN ? AND ? AND category = ?",
        [start, end, "Woninginbraak"],
    )
    assert metrics(at)["Feiten (pv's)"] == nl(n)
    # A nuisance report is never a Woninginbraak.
    assert metrics(at)["Overlastmeldingen"] == "0"
    assert at.query_params["categorie"] in ("Woninginbraak", ["Woninginbraak"])


def test_sources_repeated_addresses(demo_warehouse):
    at = run_app("sources", {"periode": "vorigjaar"})
    expected = wh(
        "SELECT concat_ws(' ', street, house_number) AS adres, count(*) AS n "
        "FROM marts.incidents WHERE year = (SELECT max(year) - 1 FROM marts.incidents) "
        "AND street IS NOT NULL AND street <> '' "
        "GROUP BY street, house_number, nis_code HAVING count(*) >= 2 ORDER BY n DESC, adres LIMIT 25"
    )
    addresses = next(df.value for df in at.dataframe if "Adres" in df.value.columns)
    assert len(addresses) == len(expected)
    assert list(addresses["Aantal"]) == list(expected["n"])
    repeated = sum(
        count(
            f"SELECT count(*) FROM (SELECT 1 FROM marts.{table} "
            "WHERE year = (SELECT max(year) - 1 FROM marts.incidents) "
            "AND street IS NOT NULL AND street <> '' "
            "GROUP BY street, house_number, nis_code HAVING count(*) >= 2)"
        )
        for table in ("incidents", "nuisance")
    )
    assert metrics(at)["Adressen met herhaling"] == nl(repeated)
