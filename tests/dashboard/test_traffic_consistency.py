"""Victims, areas and hexagons counted the same way on every page and in every document.

A small warehouse built from the fixture exports (``tests/fixtures/raw_small``) plus four
rows that the demo never has:

* ``100004``: an injury accident (Lichtgewond, wijk W01) without victim rows: it counts one
  victim of its class (``marts.accidents.victims``), whose road user is unknown;
* a victim row of ``100001`` of someone unhurt ("Ongedeerd"): no victim;
* ``100005``: an injury accident without a place (no coordinates, label "Herent") with one
  seriously injured victim: it belongs to no gemeente or deelgemeente by its wijk;
* ``100006``: damage only, in Leuven: located outside the zone (as incident ``000006``).

Victims in February 2024: 100001 two (the unhurt third is none), 100002 one, 100004 one,
100005 one: 5. Injury accidents: 4, of which 3 in Herent by their wijk.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from dash_helpers import plotly_array, run_app, wh

from dashboard.queries import common, hotspots, traffic, warehouse_version
from etl.build import build_warehouse

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ZONE_SMALL = FIXTURES / "zone_small.toml"
START, END = date(2024, 2, 1), date(2024, 2, 29)
VICTIMS = 5
INJURY_ACCIDENTS = 4


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    """The fixture exports with the rows above, built with the fixture zone."""
    raw = tmp_path_factory.mktemp("victims") / "raw"
    shutil.copytree(FIXTURES / "raw_small", raw)
    with (raw / "accidents" / "islp_ongevallen_2024.csv").open("a", newline="") as f:
        f.write(
            "LE.55.L7.100004/2024;08/02/2024 09:30;Kerkstraat;;Herent;171300;177300;"
            "Lichtgewond;Fietser;Personenauto;Dag;Normaal;Binnen bebouwde kom;"
            "Buiten kruispunt;Gemeenteweg\r\n"
            "LE.55.L7.100005/2024;09/02/2024 16:00;Onbekende weg;;Herent;;;Zwaargewond;"
            "Voetganger;Personenauto;Dag;Normaal;Binnen bebouwde kom;Buiten kruispunt;"
            "Gemeenteweg\r\n"
            "LE.55.L7.100006/2024;10/02/2024 11:00;Brusselsesteenweg;5;Leuven;150000;170000;"
            "Stoffelijke schade;Personenauto;Personenauto;Dag;Normaal;Binnen bebouwde kom;"
            "Op kruispunt;Gewestweg\r\n"
        )
    with (raw / "victims" / "islp_slachtoffers_2024.csv").open("a", newline="") as f:
        f.write(
            "LE.55.L7.100001/2024;3;Ongedeerd;Personenauto;25-34\r\n"
            "LE.55.L7.100005/2024;1;Zwaargewond;Voetganger;65+\r\n"
        )
    warehouse = raw.parent / "wh.duckdb"
    build_warehouse(raw, warehouse, ZONE_SMALL, echo=lambda *_: None)
    return warehouse


@pytest.fixture
def version(small, monkeypatch):
    monkeypatch.setenv("WIJKBEELD_WAREHOUSE", str(small))
    monkeypatch.setenv("WIJKBEELD_ZONE", str(ZONE_SMALL))
    return warehouse_version(small)


def test_the_fixture_has_the_cases(version):
    """The rows this file is about are in the warehouse as described above."""
    acc = wh(
        "SELECT accident_id, victims, wijk_code, nis_code, location_status FROM marts.accidents "
        "WHERE source = 'zone' AND is_injury ORDER BY 1"
    ).set_index("accident_id")
    assert int(acc["victims"].sum()) == VICTIMS and len(acc) == INJURY_ACCIDENTS
    no_rows = wh(
        "SELECT count(*) AS n FROM marts.accidents a WHERE a.source = 'zone' AND a.is_injury "
        "AND NOT EXISTS "
        "(SELECT 1 FROM marts.victims v WHERE v.accident_id = a.accident_id)"
    )["n"].iat[0]
    assert no_rows == 1
    assert wh("SELECT count(*) AS n FROM marts.victims WHERE severity_class IS NULL")["n"].iat[0]
    unlocated = acc.loc["LE.55.L7.100005/2024"]
    assert pd.isna(unlocated["wijk_code"]) and unlocated["nis_code"] == "24038"


def test_every_place_counts_the_documented_victims(version):
    """Verkeer's tiles, trend, road-user rows and area tables, Verkenning and the briefing
    give the same 5 victims (killed + seriously + lightly injured, one for the accident
    without victim rows); the trend and the road users counted victim rows with a class
    (4), Verkenning every victim row (5 only by chance: the unhurt row for the missing one).
    """
    from dashboard.documents import briefing_pack as bp

    summary = traffic.accident_summary(version, "accidents", START, END)
    assert summary["slachtoffers"] == VICTIMS
    by_class = {k: summary[k] for k in ("doden", "zwaargewonden", "lichtgewonden")}
    assert by_class == {"doden": 0, "zwaargewonden": 2, "lichtgewonden": 3}

    trend = traffic.injury_trend(version, "accidents", START, END, "maand")
    assert int(trend["slachtoffers"].sum()) == VICTIMS
    assert {k: int(trend[k].sum()) for k in by_class} == by_class

    road = traffic.victims_by_road_user(version, START, END).set_index("weggebruiker")
    assert int(road["slachtoffers"].sum()) == VICTIMS
    assert {k: int(road[k].sum()) for k in by_class} == by_class
    # The victim of the accident without victim rows: road user unknown; the unhurt
    # passenger of 100001 is no victim (Personenauto keeps the one lightly injured).
    assert int(road.loc["Onbekend", "lichtgewonden"]) == 1
    assert int(road.loc["Personenauto", "slachtoffers"]) == 1

    for layer in ("gemeente", "deelgemeente"):
        areas = traffic.injury_per_area(version, "accidents", START, END, layer)
        assert int(areas["slachtoffers"].sum()) == VICTIMS, layer

    explored = common.explore(version, "victims", (), START, END)
    assert int(explored["waarde"].iat[0]) == VICTIMS
    per_class = common.explore(version, "victims", ("Categorie",), START, END)
    assert int(per_class["waarde"].sum()) == VICTIMS
    assert "Ongedeerd" not in set(per_class["categorie"])
    per_user = common.explore(version, "victims", ("Type weggebruiker",), START, END)
    assert (
        per_user.set_index("weggebruiker")["waarde"].astype(int).to_dict()
        == road["slachtoffers"].astype(int).to_dict()
    )

    briefing = bp.collect_briefing(version, "28d", END)
    assert int(briefing.totals.at["victims", "now"]) == VICTIMS


def test_areas_follow_the_wijk_as_verkenning_and_the_report(version):
    """The accident without a place kept the municipality of its label: Verkeer counted it
    in Herent in the gemeente table (4) but not in the deelgemeente table (3). By its wijk,
    as Verkenning and the municipal report, Herent has 3 in both and the accident is a row
    of its own, as in Verkenning."""
    from dashboard.documents import municipal_report as mr

    expected = {"Herent": (3, 4), None: (1, 1)}
    for layer, dim, nowhere in (
        ("gemeente", "Gemeente", "Zonder gemeente"),
        ("deelgemeente", "Deelgemeente", "Zonder deelgemeente"),
    ):
        areas = traffic.injury_per_area(version, "accidents", START, END, layer)
        got = {
            (None if pd.isna(r.code) else r.naam): (int(r.letselongevallen), int(r.slachtoffers))
            for r in areas.itertuples(index=False)
        }
        assert got == expected, layer
        assert areas["naam"].iloc[-1] == nowhere and pd.isna(areas["inwoners"].iloc[-1])
        column = common.dimension_column("accidents", dim)
        explored = common.explore(
            version, "accidents", (dim,), START, END, measure="Letselongevallen"
        ).set_index(column)["waarde"]
        assert explored.astype(int).to_dict() == {"Herent": 3, nowhere: 1}
    report = mr.collect_report(version, "24038", mr.ReportPeriod("kwartaal", 2024, 1), warn=False)
    table = report.tables["deelgemeenten"]
    total = dict(zip(table.value_columns, table.values[-1], strict=True))
    assert (total["Letselongevallen"], total["Verkeersslachtoffers"]) == expected["Herent"]


def test_traffic_page_rows_add_up(version):
    """On the page: the road-user rows of the comparison table add up to the victims (the
    unknown road user has a row although the zone lists no road users), and the accident
    without a place has its own row in both area tables.

    The period ends on the accident export's last day (10/02): its six accidents in six
    days do not cover the rest of February (traffic.source_span), and the page compares
    only a period its source covers."""
    last = wh("SELECT max(date) AS d FROM marts.accidents WHERE source = 'zone'")["d"].iat[0]
    assert str(last)[:10] == "2024-02-10"
    at = run_app("traffic", {"periode": "aangepast", "van": str(START), "tot": "2024-02-10"})
    frames = [d.value.data if hasattr(d.value, "data") else d.value for d in at.dataframe]
    comparison = next(f for f in frames if list(f.columns)[0] == "Wat").set_index("Wat")["Nu"]
    users = comparison[comparison.index.str.startswith("Slachtoffers: ")].drop(
        ["Slachtoffers: doden", "Slachtoffers: zwaargewonden", "Slachtoffers: lichtgewonden"]
    )
    assert int(users.sum()) == VICTIMS and int(users["Slachtoffers: onbekend"]) == 1
    for title, nowhere in (
        ("Gemeente", "Zonder gemeente"),
        ("Deelgemeente", "Zonder deelgemeente"),
    ):
        table = next(f for f in frames if list(f.columns)[0] == title).set_index(title)
        assert int(table["Letselongevallen"].sum()) == INJURY_ACCIDENTS
        assert int(table.loc[nowhere, "Letselongevallen"]) == 1
        assert int(table["Slachtoffers"].sum()) == VICTIMS
    chart = next(
        c.proto.spec
        for c in at.get("plotly_chart")
        if "Slachtoffers (aantal personen)" in c.proto.spec
    )
    bars = json.loads(chart)["data"]
    assert sum(float(pd.Series(plotly_array(b["y"])).fillna(0).sum()) for b in bars) == VICTIMS


def test_hexagons_hold_the_records_inside_the_zone(version):
    """Incident 000006 and accident 100006 lie in Leuven, outside the zone: they have
    coordinates and an H3 cell but are in no hexagon of Bronnen or of marts.hex_counts. The
    briefing's map (common.hex_counts) and Verkeer's drew their cells and counted them."""
    start, end = date(2024, 1, 1), date(2024, 12, 31)
    mart = wh(
        "SELECT h3_cell, sum(n) AS n FROM marts.hex_counts WHERE domain = 'incidents' GROUP BY 1"
    ).set_index("h3_cell")["n"]
    cells = common.hex_counts(version, "incidents", start, end).set_index("h3_cell")["n"]
    bronnen = hotspots.cell_counts(version, "incidents", start, end).set_index("h3_cell")["n"]
    assert cells.sort_index().to_dict() == mart.sort_index().to_dict()
    assert cells.sort_index().to_dict() == bronnen.sort_index().to_dict()
    in_zone = common.record_count(version, "incidents", start, end, located_only=True)
    anywhere = common.record_count(
        version, "incidents", start, end, located_only=True, inside_zone=False
    )
    assert in_zone == int(cells.sum()) == 4
    assert anywhere == in_zone + 1
    assert anywhere == len(common.map_points(version, "incidents", start, end))

    mart = wh(
        "SELECT h3_cell, sum(n) AS n FROM marts.hex_counts WHERE domain = 'accidents' GROUP BY 1"
    ).set_index("h3_cell")["n"]
    for cells in (
        common.hex_counts(version, "accidents", start, end),
        traffic.accident_hex_counts(version, "accidents", start, end),
    ):
        assert cells.set_index("h3_cell")["n"].sort_index().to_dict() == mart.sort_index().to_dict()
    inside = traffic.accident_located_count(version, "accidents", start, end, inside_zone=True)
    assert inside == int(mart.sum()) == 3
    assert traffic.accident_located_count(version, "accidents", start, end) == inside + 1


def test_trend_has_every_month_of_the_window(version):
    """Months without an injury accident are rows with 0; the query gave only February."""
    trend = traffic.injury_trend(version, "accidents", date(2023, 11, 1), date(2024, 4, 30))
    months = [pd.Timestamp(p).strftime("%Y-%m") for p in trend["periode"]]
    assert months == ["2023-11", "2023-12", "2024-01", "2024-02", "2024-03", "2024-04"]
    assert trend["letselongevallen"].tolist() == [0, 0, 0, INJURY_ACCIDENTS, 0, 0]
    assert trend["slachtoffers"].tolist() == [0, 0, 0, VICTIMS, 0, 0]
    years = traffic.injury_trend(version, "accidents", date(2022, 3, 1), END, "jaar")
    assert [pd.Timestamp(p).year for p in years["periode"]] == [2022, 2023, 2024]
    assert years["letselongevallen"].tolist() == [0, 0, INJURY_ACCIDENTS]


def test_victim_dispersion_per_group_counts_the_documented_victims(version):
    """The dispersion per road user or class read victim rows only, so the one victim of
    an injury accident without rows was missing from its clumps."""
    from dashboard.queries import overview

    overview.victim_dispersion.clear()
    clumps = wh(
        f"SELECT v.accident_id, coalesce(CAST(v.road_user AS VARCHAR), 'Onbekend') AS grp, "
        f"count(*) AS k FROM {common.VICTIMS_SQL} v GROUP BY ALL"
    )
    assert int(clumps["k"].sum()) == VICTIMS
    from dashboard.analysis.compstat import clump_dispersion

    expected = {g: clump_dispersion(p["k"].to_numpy()) for g, p in clumps.groupby("grp")}
    assert overview.victim_dispersion(version, "road_user") == pytest.approx(expected)
    assert "Onbekend" in expected
