"""Verkeer: accidents and victims, counted separately, per wijk and severity."""

from __future__ import annotations

from dash_helpers import count, last_28_days, metrics, nl, run_app, wh


def test_traffic_accidents_and_victims(demo_warehouse):
    at = run_app("traffic", {"periode": "jaar"})
    assert at.title[0].value == "Verkeer"
    end = last_28_days()[1]
    row = wh(
        "SELECT count(*) AS acc, count(*) FILTER (WHERE is_injury) AS inj, "
        "sum(killed) AS k, sum(seriously_injured) AS s, sum(lightly_injured) AS l, "
        "sum(victims) AS v FROM marts.accidents "
        "WHERE source = 'zone' AND date BETWEEN make_date(?, 1, 1) AND ?",
        [end.year, end],
    ).iloc[0]
    shown = metrics(at)
    assert shown["Ongevallen"] == nl(int(row["acc"]))
    assert shown["Letselongevallen"] == nl(int(row["inj"]))
    assert shown["Doden"] == nl(int(row["k"]))
    assert shown["Zwaargewonden"] == nl(int(row["s"]))
    assert shown["Lichtgewonden"] == nl(int(row["l"]))
    assert shown["Slachtoffers (totaal)"] == nl(int(row["v"]))
    # Accidents and victims sit under separate headings.
    assert [s.value for s in at.subheader][:2] == ["Ongevallen", "Slachtoffers"]
    per_wijk = at.dataframe[0].value
    assert int(per_wijk["Ongevallen"].sum()) == int(row["acc"])
    assert int(per_wijk["Slachtoffers: totaal"].sum()) == int(row["v"])
    severity = at.dataframe[1].value
    assert int(severity["Ongevallen"].sum()) == int(row["acc"])
    located = count(
        "SELECT count(*) FROM marts.accidents WHERE source = 'zone' AND lat IS NOT NULL "
        "AND date BETWEEN make_date(?, 1, 1) AND ?",
        [end.year, end],
    )
    assert any(c.value.startswith(f"{nl(located)} gelokaliseerde records") for c in at.caption)


def test_traffic_statbel_source(demo_warehouse):
    at = run_app("traffic", {"periode": "vorigjaar"})
    at.button_group(key="verkeer_bron").set_value("accidents_statbel").run()
    assert not at.exception
    year = last_28_days()[1].year - 1
    n = count("SELECT count(*) FROM marts.accidents WHERE source = 'statbel' AND year = ?", [year])
    assert metrics(at)["Ongevallen"] == nl(n)
    assert any("Statbel publiceert enkel letselongevallen" in c.value for c in at.caption)
