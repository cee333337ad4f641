"""Bronnen van onveiligheid: KPIs, filters, map views, drill-down, when, repeats, POI risk.

Expected values come from independent SQL on the marts (``dash_helpers.wh``); statistics
are recomputed from those SQL rows with the analysis functions.
"""

from __future__ import annotations

import io
import json
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from dash_helpers import count, last_28_days, metrics, nl, plotly_array, run_app, wh

from dashboard.analysis.repeats import knox_test
from dashboard.analysis.risk import risk_near_poi
from dashboard.components import maps
from dashboard.components.format import month_name
from etl.audit import AuditLog

#: The municipality of an address: where the record lies, else the one it names (a record
#: located just outside the zone has no nis_code, and is still an address of its
#: municipality). The demo names municipalities by their name.
MUNICIPALITY = (
    "coalesce(nis_code::VARCHAR, (SELECT min(g.code) FROM marts.districts g "
    "WHERE g.layer = 'gemeente' AND lower(g.name) = lower(municipality_reported::VARCHAR)))"
)


def _table(at, column):
    return next(df.value for df in at.dataframe if column in df.value.columns)


def _captions(at):
    return [c.value for c in at.caption]


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
    totals = [df.value for df in at.dataframe if "Totaal" in df.value.columns]
    incidents_table, nuisance_table = totals
    assert int(incidents_table["Totaal"].sum()) == n_inc
    assert int(nuisance_table["Totaal"].sum()) == n_nui
    top = wh(
        "SELECT category, count(*) AS n FROM marts.incidents WHERE date BETWEEN ? AND ? "
        "GROUP BY 1 ORDER BY n DESC, category LIMIT 1",
        [start, end],
    )
    assert int(incidents_table["Totaal"].iloc[0]) == int(top["n"].iloc[0])
    # Default map view: Gi* hot spots with a Dutch explanation.
    assert any("Getis-Ord Gi*" in c and "hotspot" in c for c in _captions(at))
    assert "Aoristisch" in " ".join(_captions(at))
    labels = [b.label for b in at.get("download_button")]
    assert "Kaart als HTML" in labels and "Kaart als PNG" in labels


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


def test_sources_hour_and_weekday_filter_and_views(demo_warehouse):
    at = run_app("sources", {"periode": "jaar"})
    at.session_state["bronnen_uren"] = (8, 17)
    at.session_state["bronnen_weekdagen"] = [1, 2]
    at.session_state["bronnen_view"] = "wijken"
    at.session_state["bronnen_aoristisch"] = True
    at.run()
    assert not at.exception
    end = last_28_days()[1]
    start = end.replace(month=1, day=1)
    n = count(
        "SELECT count(*) FROM marts.incidents WHERE date BETWEEN ? AND ? "
        "AND hour BETWEEN 8 AND 17 AND weekday IN (1, 2)",
        [start, end],
    )
    assert metrics(at)["Feiten (pv's)"] == nl(n)
    assert any("per 1.000 inwoners" in c.lower() for c in _captions(at))
    assert any("Deze tabel volgt periode" in c for c in _captions(at))
    for view, text in (("zeshoeken", "geteld per zeshoek"), ("opkomend", "Mann-Kendall")):
        at.session_state["bronnen_view"] = view
        at.run()
        assert not at.exception
        assert any(text in c for c in _captions(at)), view


def test_aoristic_matrix_with_an_hour_filter_keeps_the_weight_in_those_hours(demo_warehouse):
    """Burglaries at night (00-05 u), spread over their time windows: every burglary of the
    year puts its share of 00-05 u in the matrix, whatever hour it began in, and nothing
    lands outside the filter. Selected on the start hour, an evening burglary running into
    the night was missing and most of the weight shown lay outside 00-05 u."""
    from dashboard.analysis.temporal import aoristic_hour_weekday

    at = run_app("sources", {"periode": "jaar", "categorie": "Woninginbraak"})
    at.session_state["bronnen_bron"] = "incidents"
    at.session_state["bronnen_uren"] = (0, 5)
    at.session_state["bronnen_aoristisch"] = True
    at.run()
    assert not at.exception
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    heatmap = next(f for f in specs if f["layout"]["title"]["text"].startswith("Uur × weekdag"))
    shown = plotly_array(heatmap["data"][0]["z"]).astype(float)
    end = last_28_days()[1]
    raw = wh(
        "SELECT occurred_from AS van, occurred_to AS tot FROM marts.incidents "
        "WHERE date BETWEEN ? AND ? AND category = 'Woninginbraak'",
        [end.replace(month=1, day=1), end],
    )
    every = aoristic_hour_weekday(raw, "van", "tot").to_numpy()
    assert shown[:, 6:].sum() == 0
    np.testing.assert_allclose(shown[:, :6], every[:, :6], atol=1e-6)
    assert shown.sum() > 0
    assert any("deel van elk tijdvenster" in c for c in _captions(at))


def test_sources_drill_down_lists_records(demo_warehouse):
    at = run_app("sources", {"periode": "vorigjaar"})
    at.session_state["bronnen_selectie"] = {"wijk": "W03"}
    at.run()
    assert not at.exception
    records = _table(at, "Nummer")
    year = count("SELECT max(year) - 1 FROM marts.incidents")
    expected = count(
        "SELECT (SELECT count(*) FROM marts.incidents WHERE year = $1 AND wijk_code = 'W03') "
        "+ (SELECT count(*) FROM marts.nuisance WHERE year = $1 AND wijk_code = 'W03')",
        [year],
    )
    assert len(records) == min(expected, 1000)
    assert set(records["Wijk"]) == {"Winksele"}
    assert set(records["Bron"]) == {"Feiten (pv's)", "Overlastmeldingen"}
    labels = [b.label for b in at.get("download_button")]
    assert "Lijst als CSV" in labels and "Lijst als Excel" in labels


def test_sources_downloads_are_made_when_pressed(demo_warehouse, monkeypatch, downloads):
    """The map's PNG took 0.7 s of every rerun of this page (1.4 s) at the demo zone's size,
    for a button hardly anyone presses: the files are made when the button is pressed."""
    from openpyxl import load_workbook

    from dashboard.components import static_map

    drawn = []
    png = static_map.static_map_png
    monkeypatch.setattr(
        static_map, "static_map_png", lambda *a, **k: drawn.append(a[1]) or png(*a, **k)
    )
    at = run_app("sources", {"periode": "vorigjaar"})
    at.session_state["bronnen_selectie"] = {"wijk": "W03"}
    at.run()
    assert not at.exception
    assert drawn == []
    image = downloads["bronnen_kaart.png"]()
    assert image[:8] == b"\x89PNG\r\n\x1a\n"
    # The image of the map as shown: titled with the page's period.
    period = next(c.value for c in at.caption if c.value.startswith("Periode: "))
    assert len(drawn) == 1 and drawn[0].endswith(" – " + period.removeprefix("Periode: "))
    assert downloads["bronnen_kaart.html"]().lstrip().lower().startswith("<!doctype html>")
    # The records' list: the rows shown, in the workbook.
    records = _table(at, "Nummer")
    sheet = load_workbook(io.BytesIO(downloads["bronnen_records.xlsx"]()))["Records"]
    assert sheet.max_row - 1 == len(records)
    assert [c.value for c in sheet[1]] == list(records.columns)
    csv = downloads["bronnen_records.csv"]()
    assert csv.decode("utf-8-sig").count("\n") >= len(records)


def test_sources_repeated_addresses_near_repeat_and_poi(demo_warehouse):
    at = run_app("sources", {"periode": "vorigjaar"})
    year_sql = "year = (SELECT max(year) - 1 FROM marts.incidents)"
    # An address is street + house number + municipality, however the exports spell it
    # (address_street, address_number); a street without house number (the motorway) is
    # grouped per wijk, and named so.
    street_only = "CASE WHEN coalesce(address_number, '') = '' THEN wijk_code END"
    expected = wh(
        "SELECT CASE WHEN coalesce(address_number, '') = '' "
        "THEN address_street || ' (zonder huisnummer)' "
        "ELSE concat_ws(' ', address_street, address_number) END AS adres, count(*) AS n "
        f"FROM marts.incidents WHERE {year_sql} "
        "AND address_street IS NOT NULL AND address_street <> '' "
        f"GROUP BY address_street, address_number, {MUNICIPALITY}, {street_only} "
        "HAVING count(*) >= 2 ORDER BY n DESC, concat_ws(' ', address_street, address_number) "
        "LIMIT 25"
    )
    addresses = _table(at, "Adres")
    assert len(addresses) == len(expected)
    assert list(addresses["Aantal"]) == list(expected["n"])
    assert sorted(addresses["Adres"]) == sorted(expected["adres"])

    # One address with repeated facts and repeated reports is one address (the KPI added
    # the two sources up, and counted it twice); the register's "Grote Stwg. 12" is ISLP's
    # "Grote Steenweg 12".
    per_source = [
        f"SELECT address_street::VARCHAR AS s, address_number::VARCHAR AS h, {MUNICIPALITY} AS m, "
        f"({street_only})::VARCHAR AS w FROM marts.{table} WHERE {year_sql} "
        "AND address_street IS NOT NULL AND address_street <> '' GROUP BY ALL HAVING count(*) >= 2"
        for table in ("incidents", "nuisance")
    ]
    repeated = count(f"SELECT count(*) FROM ({per_source[0]} UNION {per_source[1]})")
    twice = count(f"SELECT count(*) FROM ({per_source[0]} INTERSECT {per_source[1]})")
    assert twice > 0  # the demo has such addresses: the old sum was wrong here
    assert metrics(at)["Adressen met herhaling"] == nl(repeated)

    # Near-repeat: the Knox sentence for the year's burglaries.
    burglaries = wh(
        f"SELECT pv_number AS id, x, y, occurred_from AS t FROM marts.incidents WHERE {year_sql} "
        # Same order as the page: the permutations depend on it.
        "AND category = 'Woninginbraak' AND x IS NOT NULL AND location_status <> 'buiten_zone' "
        "ORDER BY occurred_from DESC, id"
    )
    knox = knox_test(burglaries, "x", "y", "t", distance_m=200, days=14, permutations=999)
    markdown = [m.value for m in at.markdown]
    assert knox.sentence in markdown

    # Risk near POIs: the sentence for stations, from SQL rows.
    xy = wh(
        f"SELECT x, y FROM marts.incidents WHERE {year_sql} AND x IS NOT NULL "
        "AND location_status = 'ok'"
    )
    pois = wh("SELECT poi_type AS type, x, y FROM marts.poi WHERE x IS NOT NULL")
    zone = shapely.from_wkt(
        wh("SELECT geom_wkt_31370 FROM marts.districts WHERE layer = 'zone'").iat[0, 0]
    )
    risk = risk_near_poi(
        xy, pois, zone.area, zone=zone, type_labels={t: f"een {t.lower()}" for t in pois["type"]}
    )
    station = " ".join(risk.loc[risk["type"] == "Station", "zin"])
    assert any(m.startswith("**Station**") and station in m for m in markdown)
    poi_table = _table(at, "Straal (m)")
    assert len(poi_table) == len(risk)
    # Each ratio with its exact interval (a ratio of one or two facts reads as firm without).
    assert "95 %-interval" in station
    # Named as the page names them ("feiten"); the sentences said "incidenten".
    assert "feiten per km²" in station and "incident" not in station
    assert all(" – " in s or s == "–" for s in poi_table["95 %-interval"])


def test_an_address_group_without_wijk_shows_a_dash(demo_warehouse):
    """Nuisance reports on the motorway that no wijk holds: the group's wijk reads "–",
    not "None"."""
    month = wh(
        "SELECT date_trunc('month', date) AS m, count(*) AS n FROM marts.nuisance "
        "WHERE coalesce(house_number, '') = '' AND street <> '' AND wijk_code IS NULL "
        "GROUP BY 1 HAVING count(*) >= 2 ORDER BY n DESC, m LIMIT 1"
    )
    assert len(month) == 1
    start = pd.Timestamp(month.iat[0, 0]).date()
    end = (pd.Timestamp(start) + pd.offsets.MonthEnd(0)).date()
    at = run_app("sources", {"periode": "aangepast", "van": str(start), "tot": str(end)})
    table = _table(at, "Type overlast")
    street_only = table[table["Adres"].str.endswith("(zonder huisnummer)")]
    assert "–" in set(street_only["Wijk"])
    assert table[["Gemeente", "Wijk"]].notna().all().all()


def test_month_cut_short_is_set_against_the_same_days_a_year_earlier(demo_warehouse):
    """A period ending on 14 May: the monthly chart's last bar is "mei 2026 (1–14)" and its
    line point is 1-14 May 2025, not the whole of May 2025 (which made every mid-month
    briefing look like a drop)."""
    at = run_app("sources", {"periode": "aangepast", "van": "2026-04-17", "tot": "2026-05-14"})
    chart = next(c for c in at.get("plotly_chart") if "Per maand" in c.proto.spec)
    bars, line = json.loads(chart.proto.spec)["data"][:2]
    assert bars["x"][-1] == "mei 2026 (1–14)" and line["x"] == bars["x"]
    assert "dezelfde dagen" in line["name"]
    bar_y, line_y = plotly_array(bars["y"]), plotly_array(line["y"])
    may = "SELECT count(*) FROM {t} WHERE date BETWEEN '{y}-05-01' AND '{y}-05-14'"
    assert bar_y[-1] == sum(
        count(may.format(t=t, y=2026)) for t in ("marts.incidents", "marts.nuisance")
    )
    assert line_y[-1] == sum(
        count(may.format(t=t, y=2025)) for t in ("marts.incidents", "marts.nuisance")
    )
    # The period begins on 17 April: the first bar counts 17-30 April, as the page's own
    # figures do, against 17-30 April a year earlier (it showed the whole of April).
    assert bars["x"][0] == "apr 2026 (17–30)"
    april = "SELECT count(*) FROM {t} WHERE date BETWEEN '{y}-04-17' AND '{y}-04-30'"
    assert bar_y[0] == sum(
        count(april.format(t=t, y=2026)) for t in ("marts.incidents", "marts.nuisance")
    )
    assert line_y[0] == sum(
        count(april.format(t=t, y=2025)) for t in ("marts.incidents", "marts.nuisance")
    )
    assert bar_y.sum() == sum(
        count(f"SELECT count(*) FROM {t} WHERE date BETWEEN '2026-04-17' AND '2026-05-14'")
        for t in ("marts.incidents", "marts.nuisance")
    )


def test_a_period_within_one_month_counts_its_own_days(demo_warehouse):
    """3 to 20 November: one bar, "nov 2025 (3–20)", against 3-20 November a year earlier."""
    at = run_app("sources", {"periode": "aangepast", "van": "2025-11-03", "tot": "2025-11-20"})
    chart = next(c for c in at.get("plotly_chart") if "Per maand" in c.proto.spec)
    bars, line = json.loads(chart.proto.spec)["data"][:2]
    assert bars["x"] == ["nov 2025 (3–20)"]
    assert bars["width"] == 0.4  # one bar, not a block over the chart's whole width
    days = "SELECT count(*) FROM {t} WHERE date BETWEEN '{y}-11-03' AND '{y}-11-20'"
    tables = ("marts.incidents", "marts.nuisance")
    assert plotly_array(bars["y"])[0] == sum(count(days.format(t=t, y=2025)) for t in tables)
    assert plotly_array(line["y"])[0] == sum(count(days.format(t=t, y=2024)) for t in tables)


def test_hot_spot_map_corrects_for_the_number_of_cells_by_default(demo_warehouse):
    """Hundreds of cells are tested at once: uncorrected, up to one in forty is "hot" by chance.

    The briefing corrected (FDR) and this map did not, so the two disagreed on the same
    data; the map now corrects by default and says which it shows.
    """
    import re

    from dashboard.analysis.hotspots import gi_star_hexagons
    from dashboard.queries import hotspots as hq
    from dashboard.queries._db import require_version

    def hot_in_note(at) -> tuple[int, str]:
        note = next(c for c in _captions(at) if "Getis-Ord Gi*" in c)
        return int(re.search(r"(\d+) zeshoek(?:en zijn| is) een hotspot", note).group(1)), note

    start, end = last_28_days()
    version = require_version()
    # The page's default source: feiten and overlast, summed per cell.
    area = sorted(set(hq.study_cells(version, ())))
    counts = wh(
        "SELECT h3_cell, count(*) AS n FROM ("
        "SELECT h3_cell FROM marts.incidents WHERE date BETWEEN ? AND ? AND h3_cell IS NOT NULL "
        "UNION ALL SELECT h3_cell FROM marts.nuisance WHERE date BETWEEN ? AND ? "
        "AND h3_cell IS NOT NULL) GROUP BY 1",
        [start, end, start, end],
    )
    area = sorted(set(area) | {int(c) for c in counts["h3_cell"]})
    expected = {
        fdr: int((gi_star_hexagons(counts, k=1, study_cells=area, fdr=fdr)["klasse"] >= 2).sum())
        for fdr in (True, False)
    }
    assert expected[True] < expected[False]
    at = run_app("sources")
    assert at.toggle(key="bronnen_fdr").value is True
    n, note = hot_in_note(at)
    assert n == expected[True] and "ook na correctie" in note
    at.toggle(key="bronnen_fdr").set_value(False).run()
    n, note = hot_in_note(at)
    assert n == expected[False] and "zonder correctie" in note
    # The emerging hot spots take the same switch (ESRI corrects every bin of its cube).
    at.segmented_control(key="bronnen_view").set_value("opkomend").run()
    assert any("Zonder correctie voor het aantal zeshoeken" in c for c in _captions(at))
    # The default 28 days hold no whole quarter: no trend, and the note says why (a part
    # of a quarter weighed as a whole one; an audit).
    note = next(c for c in _captions(at) if "Mann-Kendall" in c)
    assert (
        "over 0 perioden," in note
        and "Geen kwartaal waarvan de periode minstens twee derde" in note
    )
    # And above the empty map, in a box (a grey line under it read as "none emerging").
    assert any(i.value.startswith("Geen trend te tonen: 0 perioden") for i in at.info)
    at.toggle(key="bronnen_fdr").set_value(True).run()
    assert any("Elke periode gecorrigeerd" in c for c in _captions(at))


def _map_features(at) -> list[dict]:
    """Properties of the features the page's map fills (its folium script, as rendered)."""
    import re

    script = json.loads(at.get("component_instance")[0].proto.json_args)["script"]
    found = (json.loads(m.group(1)) for m in re.finditer(r'"properties": (\{[^{}]*\})', script))
    return [p for p in found if "fill" in p]


def test_monthly_chart_runs_over_the_period_with_zeros(demo_warehouse):
    """A wijk and a category with few facts: the chart ran from the first to the last month
    with a record, so the period's last empty months vanished, and a month a year earlier
    before the first record was "unknown" (no line point) although the data cover it."""
    end = last_28_days()[1]
    start = end.replace(month=1, day=1)
    year_before = start.replace(year=start.year - 1)
    last_month = end.replace(day=1)
    first_day = wh("SELECT min(date) FROM marts.daily_counts").iat[0, 0]
    assert pd.Timestamp(first_day).date() <= year_before  # the data cover last year
    # A wijk and category with facts in the period but none in its last month, and none in
    # the first month a year earlier.
    pick = wh(
        "SELECT wijk_code::VARCHAR AS wijk, category::VARCHAR AS cat FROM marts.incidents "
        "WHERE date BETWEEN ? AND ? AND wijk_code IS NOT NULL GROUP BY ALL "
        "HAVING max(date) < ? AND min(date) >= ? "
        "AND count(*) FILTER (WHERE date >= ?) > 0 ORDER BY count(*) DESC, 1, 2 LIMIT 1",
        [year_before, end, last_month, year_before.replace(month=2), start],
    )
    assert len(pick) == 1
    wijk, category = pick.iat[0, 0], pick.iat[0, 1]
    at = run_app("sources", {"periode": "jaar", "wijk": wijk, "categorie": category})
    chart = next(c for c in at.get("plotly_chart") if "Per maand" in c.proto.spec)
    bars, line = json.loads(chart.proto.spec)["data"][:2]
    months = pd.period_range(start, end, freq="M")
    assert len(bars["x"]) == len(months) == end.month
    assert bars["x"][-1].startswith(f"{month_name(end.month)[:3]} {end.year}")
    per_month = "SELECT count(*) FROM marts.incidents WHERE year = ? AND month = ? " + (
        "AND wijk_code = ? AND category = ?"
    )
    bar_y = plotly_array(bars["y"]).astype(float)
    line_y = plotly_array(line["y"]).astype(float)
    assert list(bar_y) == [count(per_month, [m.year, m.month, wijk, category]) for m in months]
    assert bar_y[-1] == 0
    assert list(line_y) == [count(per_month, [m.year - 1, m.month, wijk, category]) for m in months]
    assert line_y[0] == 0  # known: a month of the data, without a record


def test_rate_map_draws_only_the_chosen_wijken(demo_warehouse):
    """With one wijk chosen, the other wijken were drawn at 0,0 per 1.000 inwoners (their
    records were filtered out, not absent), which also pulled the classes down."""
    at = run_app("sources", {"periode": "vorigjaar", "wijk": "W01"})
    at.session_state["bronnen_view"] = "wijken"
    at.run()
    assert not at.exception
    year = last_28_days()[1].year - 1
    n = sum(
        count(f"SELECT count(*) FROM marts.{t} WHERE year = ? AND wijk_code = 'W01'", [year])
        for t in ("incidents", "nuisance")
    )
    population = count(
        "SELECT population FROM marts.districts WHERE layer = 'wijk' AND code = 'W01'"
    )
    features = _map_features(at)
    assert [f["code"] for f in features] == ["W01"]
    assert features[0]["label"] == f"{n / population * 1000:.1f}".replace(".", ",")
    # Without a wijk filter every wijk has its rate.
    at = run_app("sources", {"periode": "vorigjaar"})
    at.session_state["bronnen_view"] = "wijken"
    at.run()
    assert len(_map_features(at)) == count(
        "SELECT count(*) FROM marts.districts WHERE layer = 'wijk'"
    )


def test_hexagon_note_counts_what_the_hexagons_hold(demo_warehouse):
    """Records located just outside the zone have no hexagon, but the note counted them."""
    import re

    first, last = (
        pd.Timestamp(d).date()
        for d in wh("SELECT min(date), max(date) FROM marts.daily_counts").iloc[0]
    )
    outside = sum(
        count(f"SELECT count(*) FROM marts.{t} WHERE location_status = 'buiten_zone'")
        for t in ("incidents", "nuisance")
    )
    assert outside > 0
    at = run_app("sources", {"periode": "aangepast", "van": str(first), "tot": str(last)})
    at.session_state["bronnen_view"] = "zeshoeken"
    at.run()
    assert not at.exception
    note = next(c for c in _captions(at) if "geteld per zeshoek" in c)
    shown = int(re.match(r"([\d.]+) gelokaliseerde records", note).group(1).replace(".", ""))
    in_hexagons = sum(
        count(
            f"SELECT count(*) FROM marts.{t} WHERE date BETWEEN ? AND ? "
            "AND h3_cell IS NOT NULL AND location_status IN ('ok', 'geen_wijk')",
            [first, last],
        )
        for t in ("incidents", "nuisance")
    )
    assert shown == in_hexagons


def test_poi_counts_are_those_of_the_chosen_wijken(demo_warehouse):
    """Beside a wijk with 3 cafés the page said "Café (21)": the zone's count. It now counts
    the places in the chosen area and says so."""
    pois = wh(
        "SELECT poi_type, count(*) AS zone, count(*) FILTER (WHERE wijk_code = 'W01') AS w01 "
        "FROM marts.poi WHERE x IS NOT NULL GROUP BY 1"
    ).set_index("poi_type")
    assert (pois["w01"] < pois["zone"]).any()
    at = run_app("sources", {"periode": "vorigjaar", "wijk": "W01"})
    markdown = [m.value for m in at.markdown]
    for poi_type, row in pois.iterrows():
        label = f"**{poi_type}** ({nl(int(row['w01']))} in de gekozen wijk): "
        assert any(m.startswith(label) for m in markdown), label
    at = run_app("sources", {"periode": "vorigjaar"})
    markdown = [m.value for m in at.markdown]
    for poi_type, row in pois.iterrows():
        label = f"**{poi_type}** ({nl(int(row['zone']))} in de zone): "
        assert any(m.startswith(label) for m in markdown), label


@pytest.fixture(scope="module")
def late_facts(demo_raw, tmp_path_factory) -> Path:
    """The demo without its first year of facts: facts begin on 1 January 2025, nuisance
    reports two months earlier."""
    from etl.build import build_warehouse

    raw = tmp_path_factory.mktemp("late") / "raw"
    shutil.copytree(demo_raw, raw)
    (raw / "incidents" / "islp_feiten_2024.csv").unlink()
    target = raw.parent / "wh.duckdb"
    build_warehouse(raw=raw, warehouse=target, echo=lambda *_: None)
    return target


def test_months_before_a_source_s_first_export_are_unknown(late_facts, monkeypatch):
    """The chart knew months from the first record of any source: with facts from 2025
    and reports from November 2024, a year earlier was 0 facts and every month of 2025 was
    "opvallend" (382 tegen 0), or facts and reports stood against reports alone. Each
    source is now known from its own first month; the KPI has no difference against a
    previous period before the data."""
    monkeypatch.setenv("WIJKBEELD_WAREHOUSE", str(late_facts))
    first = wh("SELECT min(date) FROM marts.incidents").iat[0, 0]
    assert pd.Timestamp(first).date() == date(2025, 1, 1)
    at = run_app("sources", {"periode": "aangepast", "van": "2025-11-01", "tot": "2025-12-31"})
    chart = next(c for c in at.get("plotly_chart") if "Per maand" in c.proto.spec)
    bars, line = json.loads(chart.proto.spec)["data"][:2]
    assert len(plotly_array(bars["y"])) == 2
    # Nov and Dec 2024: no facts known yet, so no year-earlier point for facts + reports.
    assert all(v is None or np.isnan(v) for v in np.asarray(plotly_array(line["y"]), float))
    assert not any(c.value.startswith("Opvallend anders") for c in at.caption)
    # And the page says why the line is missing (it stopped without a word).
    why = "Een jaar eerder: geen gegevens vóór 01/01/2025, dus geen lijn bij "
    [note] = [c.value for c in at.caption if c.value.startswith(why)]
    assert note.endswith("(onbekend, geen 0).")
    assert note[len(why) :].split(" (")[0].split(", ") == list(bars["x"])
    # Reports alone are known then.
    at.segmented_control(key="bronnen_bron").set_value("nuisance").run()
    chart = next(c for c in at.get("plotly_chart") if "Per maand" in c.proto.spec)
    line = json.loads(chart.proto.spec)["data"][1]
    assert not np.isnan(np.asarray(plotly_array(line["y"]), float)).any()
    assert not any(c.value.startswith("Een jaar eerder") for c in at.caption)
    # The first weeks of facts: no difference against a period before them.
    at = run_app("sources", {"periode": "aangepast", "van": "2025-01-01", "tot": "2025-01-28"})
    tiles = {m.label: m for m in at.metric}
    assert tiles["Feiten (pv's)"].value != "–" and not tiles["Feiten (pv's)"].delta
    assert tiles["Overlastmeldingen"].delta


@pytest.fixture(scope="module")
def mid_month_start(demo_raw, tmp_path_factory) -> Path:
    """The demo with its facts and nuisance reports from 8 November 2024 on (the demo's
    exports begin on the 1st): a first export that begins in the course of a month."""
    from etl.build import build_warehouse

    raw = tmp_path_factory.mktemp("mid_month") / "raw"
    shutil.copytree(demo_raw, raw)
    for path, sep in (
        (raw / "incidents" / "islp_feiten_2024.csv", b";"),
        (raw / "nuisance" / "overlast_2024.csv", b","),
    ):
        header, *rows = path.read_bytes().split(b"\n")
        kept = []
        for row in rows:
            day = row.split(sep, 2)[1][:10] if sep in row else b""
            if len(day) == 10 and (day[6:], day[3:5], day[:2]) < (b"2024", b"11", b"08"):
                continue
            kept.append(row)
        assert len(kept) < len(rows)
        path.write_bytes(b"\n".join([header, *kept]))
    target = raw.parent / "wh.duckdb"
    build_warehouse(raw=raw, warehouse=target, echo=lambda *_: None)
    return target


def test_a_period_that_begins_before_the_data_says_so(mid_month_start, monkeypatch):
    """A period from 1 October to 10 November with data from 8 November: the KPIs counted
    the 3 days known without a word on the 38 before (the page warned only for a source
    that stops early), the month bar read "nov 2024 (1–10)" for 8-10 November and the
    note under the chart "geen gegevens vóór 01/11/2024". Each source now says from which
    day it is known and which days of the period are unknown, not 0."""
    monkeypatch.setenv("WIJKBEELD_WAREHOUSE", str(mid_month_start))
    for table in ("incidents", "nuisance"):
        first = wh(f"SELECT min(date) FROM marts.{table}").iat[0, 0]
        assert pd.Timestamp(first).date() == date(2024, 11, 8)
    at = run_app("sources", {"periode": "aangepast", "van": "2024-10-01", "tot": "2024-11-10"})
    assert not at.exception
    # Both sources begin that day: one warning names both (two read the same; a review).
    [warning] = [w.value for w in at.warning if "gegevens vanaf" in w.value]
    assert warning.startswith(
        "Feiten (pv's) en overlastmeldingen: gegevens vanaf 08/11/2024; de dagen ervoor "
        "(01/10/2024 – 07/11/2024, 38 van de 41 dagen) zijn onbekend, niet 0"
    )
    # Nothing is compared with the previous period, so it is not named under the tiles.
    assert not any(c.startswith("Vorige periode:") for c in _captions(at))
    tiles = {m.label: m for m in at.metric}
    n = count(
        "SELECT count(*) FROM marts.incidents WHERE date BETWEEN '2024-11-08' AND '2024-11-10'"
    )
    assert tiles["Feiten (pv's)"].value == nl(n) and not tiles["Feiten (pv's)"].delta
    chart = next(c for c in at.get("plotly_chart") if "Per maand" in c.proto.spec)
    bars = json.loads(chart.proto.spec)["data"][0]
    assert bars["x"] == ["okt 2024", "nov 2024 (8–10)"]
    assert any(
        c.startswith("Een jaar eerder: geen gegevens vóór 08/11/2024,") for c in _captions(at)
    )
    # A period wholly before the first day (inside its month) is unknown, not 0 records.
    at = run_app("sources", {"periode": "aangepast", "van": "2024-11-01", "tot": "2024-11-05"})
    assert any(
        w.value.startswith("Feiten (pv's): geen gegevens in deze periode (geladen: 08/11/2024")
        for w in at.warning
    )
    assert metrics(at)["Feiten (pv's)"] == "–"
    # The day before the data: unknown for each source. The nuisance register's one day of
    # slack was taken from the period's start, so it read 0, and the next day "+3" against
    # that unknown day (a review).
    at = run_app("sources", {"periode": "aangepast", "van": "2024-11-07", "tot": "2024-11-07"})
    shown = metrics(at)
    assert shown["Feiten (pv's)"] == shown["Overlastmeldingen"] == "–", shown
    at = run_app("sources", {"periode": "aangepast", "van": "2024-11-08", "tot": "2024-11-08"})
    assert not {m.label: m for m in at.metric}["Overlastmeldingen"].delta


def test_the_drill_down_offers_the_filtered_wijken_only(demo_warehouse):
    """With the wijk filter on W01 the drill-down still offered every wijk, and Winksele
    (W03) showed "0 records in wijk Winksele" beside its hundreds: the list counts the
    filtered records. It offers the filter's wijken; a wijk clicked on the map outside the
    filter is named so."""
    at = run_app("sources", {"wijk": "W01", "periode": "jaar"})
    assert at.selectbox(key="bronnen_wijkkeuze").options == [
        "(kaartselectie)",
        "Herent-Centrum (W01)",
    ]
    at.session_state["bronnen_selectie"] = {"wijk": "W03"}
    at.run()
    assert any(i.value.startswith("Winksele valt buiten de gekozen wijken") for i in at.info)
    assert not any("records in wijk Winksele" in m.value for m in at.markdown)


def test_an_inspector_s_coarse_cell_says_how_many_records_lie_in_other_wijken(demo_warehouse):
    """An inspector's hexagon map counts other wijken's records in coarse cells, the own
    wijk's in fine ones. A click on a coarse cell said "0 records in zeshoek …" beside the
    map's count, and in a cell shared with the own wijk listed an own record the map drew
    in a fine cell. The list holds the records drawn in the cell, and a line counts the
    others as the map does."""
    from dash_helpers import run_as
    from h3.api import basic_int as h3i

    from dashboard.auth.roles import Principal, Role

    year = last_28_days()[1].year - 1
    per_cell = wh(
        "SELECT CAST(h3_cell_coarse AS UBIGINT) AS cell, "
        "count(*) FILTER (WHERE wijk_code IS DISTINCT FROM 'W01') AS others, "
        "count(*) FILTER (WHERE wijk_code = 'W01') AS own FROM ("
        + " UNION ALL ".join(
            f"SELECT h3_cell_coarse, wijk_code FROM marts.{t} WHERE year = ? "
            "AND h3_cell IS NOT NULL AND location_status IN ('ok', 'geen_wijk')"
            for t in ("incidents", "nuisance")
        )
        + ") GROUP BY 1 HAVING own > 0 AND others > 0 ORDER BY others DESC, 1 LIMIT 1",
        [year, year],
    )
    assert len(per_cell) == 1  # a coarse cell the own wijk shares with others
    cell, others = int(per_cell.at[0, "cell"]), int(per_cell.at[0, "others"])
    name = h3i.int_to_str(cell)
    at = run_as(
        Principal("insp", Role.INSPECTOR, wijk_code="W01"), "sources", {"periode": "vorigjaar"}
    )
    at.session_state["bronnen_view"] = "zeshoeken"
    at.session_state["bronnen_selectie"] = {"cell": name}
    at.run()
    assert not at.exception
    # The map counts the others in that cell, the own wijk's records elsewhere.
    [drawn] = [f for f in _map_features(at) if f.get("cell") == name]
    assert drawn["n"] == others
    assert f"**0 records in zeshoek {name}**" in [m.value for m in at.markdown]
    assert _table(at, "Nummer").empty
    line = f"{nl(others)} records in deze zeshoek liggen buiten je eigen wijk Herent-Centrum (W01)"
    assert any(c.startswith(line + ": die zie je enkel geteld") for c in _captions(at))
    # A fine cell of the own wijk: its records, and no such line.
    fine = wh(
        "SELECT CAST(h3_cell AS UBIGINT) AS cell FROM ("
        + " UNION ALL ".join(
            f"SELECT h3_cell FROM marts.{t} WHERE year = ? AND wijk_code = 'W01' "
            "AND location_status = 'ok' AND h3_cell_coarse = ?"
            for t in ("incidents", "nuisance")
        )
        + ") GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1",
        [year, cell, year, cell],
    )
    at.session_state["bronnen_selectie"] = {"cell": h3i.int_to_str(int(fine.at[0, "cell"]))}
    at.run()
    listed = _table(at, "Nummer")
    assert len(listed) > 0 and set(listed["Wijk"]) == {"Herent-Centrum"}
    assert not any("buiten je eigen wijk" in c for c in _captions(at))


def test_a_night_window_over_midnight_can_be_chosen(demo_warehouse):
    """The hour filter's slider keeps its first hour before its last: the night (22 to 5)
    took two looks. "Over middernacht" reads the handles the other way round."""
    at = run_app("sources", {"periode": "jaar"})
    at.session_state["bronnen_uren"] = (5, 22)
    at.session_state["bronnen_uren_nacht"] = True
    at.run()
    end = last_28_days()[1]
    n = count(
        "SELECT count(*) FROM marts.incidents WHERE date BETWEEN ? AND ? "
        "AND (hour >= 22 OR hour <= 5)",
        [end.replace(month=1, day=1), end],
    )
    assert metrics(at)["Feiten (pv's)"] == nl(n)
    assert "22:00 – 05:59, over middernacht." in _captions(at)


def test_the_hot_spot_note_says_what_gi_compares_with(demo_warehouse):
    """With a wijk filter, Gi* compares with the chosen wijken's cells, but the note said
    "met het gemiddelde van de zone"; and it said the exact test keeps a single fact from
    being a hot spot, which without the correction is not so (found by a review)."""
    at = run_app("sources")
    note = next(c for c in _captions(at) if "Getis-Ord Gi*" in c)
    assert "het gemiddelde van de zone" in note and "enkel feit niet" not in note
    at.toggle(key="bronnen_fdr").set_value(False).run()
    note = next(c for c in _captions(at) if "Getis-Ord Gi*" in c)
    assert "kan één feit al een hotspot maken" in note
    at = run_app("sources", {"wijk": ["W01", "W02"]})
    note = next(c for c in _captions(at) if "Getis-Ord Gi*" in c)
    assert "het gemiddelde van de gekozen wijken" in note and "van de zone" not in note


def test_events_of_the_period_on_the_map(demo_warehouse):
    """The 'Evenementen tonen' switch draws the period's events (purple badges, tooltip
    with the name and when); off by default."""
    start, end = last_28_days()
    events = wh(
        "SELECT name FROM marts.events WHERE window_end > ?::TIMESTAMP "
        "AND started_at < ?::TIMESTAMP AND lat IS NOT NULL ORDER BY started_at",
        [start, end + pd.Timedelta(days=1)],
    )["name"]
    assert len(events) > 0
    at = run_app("sources")
    assert at.toggle(key="bronnen_evenementen").value is False
    script = json.loads(at.get("component_instance")[0].proto.json_args)["script"]
    assert maps.EVENT_COLOUR not in script
    at.toggle(key="bronnen_evenementen").set_value(True).run()
    assert not at.exception
    script = json.loads(at.get("component_instance")[0].proto.json_args)["script"]
    assert maps.EVENT_COLOUR in script and "Evenementen" in script
    for name in events:
        assert name in script


# --- one address over time: before and after a measure ----------------------------------


def _pick_address(at, source: str = "incidents", row: int = 0):
    """Pick a row of a repeat-address table, as a click on it does, and run the page."""
    at.session_state[f"bronnen_adressen_{source}"] = {
        "selection": {"rows": [row], "columns": [], "cells": []}
    }
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _address_sql(key: tuple, wijk: str | None = None) -> str:
    """Records of one address (its key from top_addresses), as SQL on either mart."""
    street, nr, nis, _place, street_wijk = (None if pd.isna(v) else v for v in key)
    sql = (
        f"street::VARCHAR = '{street}' AND house_number::VARCHAR IS NOT DISTINCT FROM "
        f"{'NULL' if nr is None else repr(nr)} AND {MUNICIPALITY} = '{nis}' AND "
        "(CASE WHEN coalesce(house_number, '') = '' THEN wijk_code END)::VARCHAR "
        f"IS NOT DISTINCT FROM {'NULL' if street_wijk is None else repr(street_wijk)}"
    )
    return sql + (f" AND wijk_code = '{wijk}'" if wijk else "")


def _expected_history(at, key, start, wijk=None):
    """Check the before/after table the page shows against SQL on the marts: by default
    the measure began on the period's first day (``start``) and three months are asked for,
    both stretches as long as the data allow."""
    from dashboard.analysis.before_after import windows
    from dashboard.components.format import fmt_period

    table = _table(at, "Periodes")
    for label, mart in (("Feiten (pv's)", "incidents"), ("Overlastmeldingen", "nuisance")):
        # From the source's first day (marts.coverage), not the first of its month: the
        # days before its first record are unknown (fifty-eighth session).
        first, last = wh(f"SELECT first, last FROM marts.coverage WHERE domain = '{mart}'").iloc[0]
        stretches = windows(start, 91, pd.Timestamp(first).date(), pd.Timestamp(last).date())
        before, after = stretches.before.as_tuple(), stretches.after.as_tuple()
        row = table[table["Bron"] == label].iloc[0]
        assert row["Periodes"].startswith(f"{fmt_period(*before)} tegenover {fmt_period(*after)}")
        where = _address_sql(key, wijk)
        n_before, n_after = (
            count(f"SELECT count(*) FROM marts.{mart} WHERE {where} AND date BETWEEN ? AND ?", [*p])
            for p in (before, after)
        )
        assert (int(row["Voor"]), int(row["Na"])) == (n_before, n_after), label
        assert row["Verschil"] == (f"{n_after - n_before:+d}" if n_after != n_before else "0")
    return table


def test_picking_an_address_shows_its_history_before_and_after(demo_warehouse):
    from dashboard.queries import incidents as iq
    from dashboard.queries import warehouse_version

    at = run_app("sources")
    assert not any(m.value.startswith("**Verloop van") for m in at.markdown)  # nothing picked
    start, end = last_28_days()
    listed = iq.top_addresses(warehouse_version(demo_warehouse), "incidents", start, end, limit=25)
    at = _pick_address(at)
    first = listed.iloc[0]
    place = f"{first['adres']}, {first['gemeente']}"
    assert f"**Verloop van {place}**" in [m.value for m in at.markdown]
    key = tuple(first[c] for c in iq.ADDRESS_KEY)
    table = _expected_history(at, key, start)
    # The data end 28 days after the period's first day: both stretches are 28 days.
    assert table["Periodes"].str.endswith("(ingekort tot 28 dagen)").all()
    # The chart: one bar per month and source, every record of the address in it.
    chart = next(c for c in at.get("plotly_chart") if "Aantal per maand" in c.proto.spec)
    bars = json.loads(chart.proto.spec)["data"]
    assert [b["name"] for b in bars] == ["Feiten (pv's)", "Overlastmeldingen"]
    for bar, mart in zip(bars, ("incidents", "nuisance"), strict=True):
        assert sum(plotly_array(bar["y"])) == count(
            f"SELECT count(*) FROM marts.{mart} WHERE {_address_sql(key)}"
        )
    # Another day and stretch: 28 days from a day well inside the data.
    since = end - pd.Timedelta(days=100)
    field = next(d for d in at.date_input if d.key.startswith("bronnen_adres_sinds::"))
    field.set_value(since).run()
    at.selectbox(key="bronnen_adres_venster").set_value("28 dagen").run()
    table = _table(at, "Periodes")
    before = (since - pd.Timedelta(days=28), since - pd.Timedelta(days=1))
    after = (since, since + pd.Timedelta(days=27))
    where = _address_sql(key)
    row = table[table["Bron"] == "Feiten (pv's)"].iloc[0]
    assert row["Periodes"].endswith(f"{after[0]:%d/%m/%Y} – {after[1]:%d/%m/%Y}")
    assert int(row["Voor"]) == count(
        f"SELECT count(*) FROM marts.incidents WHERE {where} AND date BETWEEN ? AND ?", [*before]
    )
    assert int(row["Na"]) == count(
        f"SELECT count(*) FROM marts.incidents WHERE {where} AND date BETWEEN ? AND ?", [*after]
    )


def test_an_inspector_sees_the_history_of_an_address_in_the_own_wijk_only(demo_warehouse):
    from dash_helpers import run_as

    from dashboard.auth.roles import Principal, Role
    from dashboard.queries import incidents as iq
    from dashboard.queries import warehouse_version

    at = run_as(
        Principal("insp", Role.INSPECTOR, wijk_code="W01"), "sources", {"periode": "vorigjaar"}
    )
    start = date(wh("SELECT max(year) - 1 FROM marts.incidents").iat[0, 0], 1, 1)
    listed = iq.top_addresses(
        warehouse_version(demo_warehouse), "incidents", start, date(start.year, 12, 31), ("W01",)
    )
    assert len(listed) > 0 and set(listed["wijk"]) <= {"Herent-Centrum"}
    at = _pick_address(at)
    key = tuple(listed.iloc[0][c] for c in iq.ADDRESS_KEY)
    _expected_history(at, key, start, wijk="W01")
    # Its surroundings and the rest: the own wijk's records only.
    from dashboard.analysis.before_after import windows

    first, last = wh(
        "SELECT date_trunc('month', min(date))::DATE, max(date) FROM marts.incidents"
    ).iloc[0]
    stretches = windows(start, 91, pd.Timestamp(first).date(), pd.Timestamp(last).date())
    table = _table(at, "Gebied")
    shown = table[table["Bron"] == "Feiten (pv's)"].set_index("Gebied")
    assert shown.index[-1] == "Rest van je wijk"
    expected = _expected_surroundings(key, stretches, 250, wijk="W01")
    assert (int(shown.iloc[-1]["Voor"]), int(shown.iloc[-1]["Na"])) == expected["rest"]


def _address_place(key, columns: tuple[str, str], wijk=None) -> pd.Series:
    """Where an address lies: the mean of its located records in both sources, whatever
    the filters (``columns``: ``("x", "y")`` or ``("lat", "lon")``)."""
    scope = f" AND wijk_code = '{wijk}'" if wijk else ""
    a, b = columns
    return wh(
        f"SELECT avg({a}), avg({b}) FROM ("
        + " UNION ALL ".join(
            f"SELECT {a}, {b} FROM marts.{m} WHERE {_address_sql(key)}{scope} AND x IS NOT NULL"
            for m in ("incidents", "nuisance")
        )
        + ")"
    ).iloc[0]


def _expected_surroundings(key, stretches, radius, wijk=None, mart="incidents") -> dict:
    """The address, its surroundings and the rest counted in pandas on a mart: (before,
    after) per area. A street without house number has no surroundings."""
    records = wh(
        f"SELECT date, x, y, ({_address_sql(key)}) AS here FROM marts.{mart}"
        + (f" WHERE wijk_code = '{wijk}'" if wijk else "")
    )
    here = records["here"].fillna(False).astype(bool)
    cx, cy = _address_place(key, ("x", "y"), wijk)
    near = ((records["x"] - cx) ** 2 + (records["y"] - cy) ** 2 <= radius**2) & ~here
    if pd.isna(key[1]) or not key[1]:
        near &= False
    days = pd.to_datetime(records["date"]).dt.date
    out = {}
    for area, mask in (("adres", here), ("omgeving", near), ("rest", ~here & ~near)):
        out[area] = tuple(
            int((mask & (days >= p.start) & (days <= p.end)).sum())
            for p in (stretches.before, stretches.after)
        )
    return out


def test_the_address_is_compared_with_its_surroundings_and_the_rest(demo_warehouse):
    from dashboard.analysis.before_after import windows
    from dashboard.queries import incidents as iq
    from dashboard.queries import warehouse_version

    start, end = last_28_days()
    listed = iq.top_addresses(warehouse_version(demo_warehouse), "incidents", start, end, limit=25)
    # A street without house number has no one place: the first address with a number.
    row = int(np.flatnonzero(~listed["adres"].str.endswith("(zonder huisnummer)"))[0])
    at = _pick_address(run_app("sources"), row=row)
    key = tuple(listed.iloc[row][c] for c in iq.ADDRESS_KEY)
    first, last = wh(
        "SELECT date_trunc('month', min(date))::DATE, max(date) FROM marts.incidents"
    ).iloc[0]
    # The measure began on the period's first day (the field's default): the address has
    # records after it, as it is listed for the period.
    stretches = windows(start, 91, pd.Timestamp(first).date(), pd.Timestamp(last).date())
    for radius in (250, 500):
        at.segmented_control(key="bronnen_adres_straal").set_value(radius).run()
        assert not at.exception
        table = _table(at, "Gebied")
        shown = table[table["Bron"] == "Feiten (pv's)"].set_index("Gebied")
        expected = _expected_surroundings(key, stretches, radius)
        assert list(shown.index) == ["Adres", f"Omgeving (tot {radius} m)", "Rest van de zone"]
        for area, name in zip(expected, shown.index, strict=True):
            assert (int(shown.loc[name, "Voor"]), int(shown.loc[name, "Na"])) == expected[area]
        # The ratio against the rest holds the plain ratio of the four counts.
        (a0, a1), (c0, c1) = expected["adres"], expected["rest"]
        # "∞" where the address had no record before.
        ratio, low, high = (
            float("inf") if v == "∞" else float(v.replace(",", "."))
            for v in re.findall(r"[\d,]+|∞", shown.loc["Adres", "Tegenover de rest"])
        )
        assert low <= ratio <= high
        if a0 and a1:
            assert low <= (a1 / a0) / (c1 / c0) <= high
        # The map rings the address's surroundings at the same radius, around its place.
        script = json.loads(at.get("component_instance")[0].proto.json_args)["script"]
        circles = re.findall(
            r"L\.circle\(\s*\[([\d.]+), ([\d.]+)\],[^)]*\"radius\": ([\d.]+)", script
        )
        assert [float(r) for _, _, r in circles] == [radius]
        lat, lon = _address_place(key, ("lat", "lon"))
        assert float(circles[0][0]) == pytest.approx(lat) and float(circles[0][1]) == pytest.approx(
            lon
        )
        # ... and the view moves there, zoomed so that the circle fills about a third of it.
        view = json.loads(at.get("component_instance")[0].proto.json_args)
        assert view["center"] == pytest.approx([lat, lon])
        assert view["zoom"] == maps.focus_zoom(lat, radius) == {250: 15, 500: 14}[radius]
        assert any(f"en zijn omgeving tot {radius} m (gekozen adres" in c for c in _captions(at))
    sentences = [m.value for m in at.markdown if m.value.startswith("- Feiten (pv's): het adres")]
    assert len(sentences) == 1 and "rest van de zone" in sentences[0]
    assert any(c.startswith("Tegenover de rest = ") for c in _captions(at))


def test_a_street_without_house_number_is_compared_with_the_rest_only(demo_warehouse):
    from dashboard.queries import incidents as iq
    from dashboard.queries import warehouse_version

    start = date(wh("SELECT max(year) - 1 FROM marts.incidents").iat[0, 0], 1, 1)
    listed = iq.top_addresses(
        warehouse_version(demo_warehouse), "incidents", start, date(start.year, 12, 31)
    )
    rows = np.flatnonzero(listed["adres"].str.endswith("(zonder huisnummer)"))
    assert len(rows), "the demo lists streets without house number (motorway accidents)"
    at = _pick_address(run_app("sources", {"periode": "vorigjaar"}), row=int(rows[0]))
    table = _table(at, "Gebied")
    assert not table["Gebied"].str.startswith("Omgeving").any()
    assert any("geen omgeving: van het adres is geen registratie" in m.value for m in at.markdown)
    script = json.loads(at.get("component_instance")[0].proto.json_args)["script"]
    assert "L.circle(" not in script  # no surroundings to ring on the map
    # The view moves to the street's records, wide enough for a street (a motorway).
    view = json.loads(at.get("component_instance")[0].proto.json_args)
    assert view["zoom"] == maps.FOCUS_STREET_ZOOM and view["center"] is not None
    street = listed.iloc[int(rows[0])]["adres"]
    assert any(f"De kaart toont {street} (gekozen adres" in c for c in _captions(at))
    # Without a picked address the view is the map's own: the whole zone.
    view = json.loads(run_app("sources").get("component_instance")[0].proto.json_args)
    assert (view["center"], view["zoom"]) == (None, None)


# --- approaches of problem addresses: recorded, listed with their effect, ended ------------


def _approach_row(at) -> pd.Series:
    table = _table(at, "Status")
    assert len(table) == 1
    return table.iloc[0]


def test_the_coordinator_records_an_approach_follows_it_and_ends_it(
    demo_warehouse, tmp_path, monkeypatch
):
    from dashboard.analysis.before_after import effect_windows, relative_change
    from dashboard.components.comparison import relative_text
    from dashboard.queries import incidents as iq
    from dashboard.queries import warehouse_version

    monkeypatch.setenv("WIJKBEELD_STATE", str(tmp_path / "state"))
    at = run_app("sources")
    assert any("Nog geen aanpak vastgelegd" in i.value for i in at.info)
    start, end = last_28_days()
    listed = iq.top_addresses(warehouse_version(demo_warehouse), "incidents", start, end, limit=25)
    at = _pick_address(at)
    first = listed.iloc[0]
    place = f"{first['adres']}, {first['gemeente']}"
    # Without a description nothing is stored, and the page says why.
    next(b for b in at.button if b.label == "Aanpak vastleggen").click().run()
    assert [e.value for e in at.error] == ["Omschrijving van de aanpak ontbreekt."]
    at.text_area(key="bronnen_aanpak_omschrijving").input("Gesprek met de uitbater")
    next(b for b in at.button if b.label == "Aanpak vastleggen").click().run()
    assert not at.exception
    assert [m.value for m in at.success] == [
        f"Aanpak van {place} vastgelegd, vanaf {start:%d/%m/%Y}."
    ]
    assert f"Lopende aanpak sinds {start:%d/%m/%Y}." in [i.value for i in at.info]
    running = _table(at, "Vastgelegd door")
    assert running.iloc[0].tolist() == ["coördinator", "Gesprek met de uitbater"]
    row = _approach_row(at)
    assert (row["Adres"], row["Status"], row["Aanpak"], row["Door"]) == (
        first["adres"], "lopend", "Gesprek met de uitbater", "coördinator"
    )  # fmt: skip
    # Its effect: from its first day to the data's end, against as many days before.
    key = tuple(first[c] for c in iq.ADDRESS_KEY)
    for label, mart in (("Feiten", "incidents"), ("Overlast", "nuisance")):
        lo, hi = wh(
            f"SELECT date_trunc('month', min(date))::DATE, max(date) FROM marts.{mart}"
        ).iloc[0]
        stretches = effect_windows(start, None, pd.Timestamp(lo).date(), pd.Timestamp(hi).date())
        assert stretches.after.as_tuple() == (start, end)
        where = _address_sql(key)
        n_before, n_after = (
            count(f"SELECT count(*) FROM marts.{mart} WHERE {where} AND date BETWEEN ? AND ?", [*p])
            for p in (stretches.before.as_tuple(), stretches.after.as_tuple())
        )
        assert (int(row[f"{label} voor"]), int(row[f"{label} na"])) == (n_before, n_after)
        # Against the rest of the zone, without the address's surroundings within 250 m.
        areas = _expected_surroundings(key, stretches, 250, mart=mart)
        assert areas["adres"] == (n_before, n_after)
        expected = relative_text(relative_change(*areas["adres"], *areas["rest"]))
        assert row[f"Tegenover rest {label.lower()}"] == (expected or "–"), label
        assert expected or label == "Overlast"  # the listed address has facts
    # A second approach of the same address is refused while the first one runs: the form
    # to record one is gone, the one to end it is there.
    assert not any(b.label == "Aanpak vastleggen" for b in at.button)
    at.date_input(key="bronnen_aanpak_einde").set_value(end)
    at.text_area(key="bronnen_aanpak_afloop").input("Uitbater werkt mee")
    next(b for b in at.button if b.label == "Aanpak afsluiten").click().run()
    assert [m.value for m in at.success] == [f"Aanpak van {place} afgesloten op {end:%d/%m/%Y}."]
    row = _approach_row(at)
    assert (row["Status"], row["Afloop"], row["Tot"]) == (
        "afgesloten", "Uitbater werkt mee", pd.Timestamp(end)
    )  # fmt: skip
    assert any(b.label == "Aanpak vastleggen" for b in at.button)  # a new one may start
    # Who started and who ended it, and when, is also in the audit log (its text is not:
    # the approaches' own file keeps that).
    changes = AuditLog(tmp_path / "state" / "audit.duckdb").read(event="wijziging").iloc[::-1]
    details = [json.loads(d) for d in changes["detail"]]
    approach_id = details[0]["aanpak"]
    assert details == [
        {
            "wat": "aanpak_gestart",
            "aanpak": approach_id,
            "adres": place,
            "wijk": first["wijk_code"],
            "vanaf": start.isoformat(),
        },
        {
            "wat": "aanpak_afgesloten",
            "aanpak": approach_id,
            "adres": place,
            "laatste_dag": end.isoformat(),
        },
    ]
    assert set(changes["page"]) == {"sources"}
    assert "uitbater" not in changes["detail"].str.cat().lower()
    # A rebuilt warehouse keeps it: the approaches are a file of their own.
    from etl.build import build_warehouse

    rebuilt = tmp_path / "rebuilt.duckdb"
    build_warehouse(demo_warehouse.parent / "raw", rebuilt, echo=lambda *_: None)
    monkeypatch.setenv("WIJKBEELD_WAREHOUSE", str(rebuilt))
    again = _approach_row(run_app("sources"))
    assert (again["Adres"], again["Status"]) == (first["adres"], "afgesloten")
    assert (int(again["Feiten voor"]), int(again["Feiten na"])) == (
        int(row["Feiten voor"]), int(row["Feiten na"])
    )  # fmt: skip


def test_the_beleidscel_sees_approaches_without_names_or_text_and_records_none(
    demo_warehouse, tmp_path, monkeypatch
):
    from dash_helpers import run_as

    from dashboard.auth.roles import Principal, Role
    from dashboard.queries import incidents as iq
    from dashboard.queries import warehouse_version
    from etl.approaches import ApproachStore

    monkeypatch.setenv("WIJKBEELD_STATE", str(tmp_path / "state"))
    start, end = last_28_days()
    first = iq.top_addresses(
        warehouse_version(demo_warehouse), "incidents", start, end, limit=25
    ).iloc[0]
    ApproachStore(tmp_path / "state" / "aanpakken.duckdb").start(
        tuple(None if pd.isna(first[c]) else first[c] for c in iq.ADDRESS_KEY),
        first["adres"], first["gemeente"], first["wijk_code"],
        date(2026, 9, 1), "Gesprek met de buren", "hinp.vos",
    )  # fmt: skip
    at = run_as(Principal("beleidscel", Role.BELEIDSCEL), "sources")
    row = _approach_row(at)
    assert row["Adres"] == first["adres"] and row["Status"] == "lopend"
    assert not {"Aanpak", "Door", "Afloop"} & set(_table(at, "Status").columns)
    # The picked address: that an approach runs, not what it is or who recorded it.
    at = _pick_address(at)
    assert "Lopende aanpak sinds 01/09/2026." in [i.value for i in at.info]
    assert not any("Vastgelegd door" in d.value.columns for d in at.dataframe)
    shown = str([d.value.to_dict() for d in at.dataframe]) + str(at.markdown) + str(at.info)
    assert "Gesprek met de buren" not in shown and "hinp.vos" not in shown
    assert not any(b.label in ("Aanpak vastleggen", "Aanpak afsluiten") for b in at.button)


def test_picking_an_approach_opens_its_address_even_when_it_is_not_listed(
    demo_warehouse, tmp_path, monkeypatch
):
    """An approach outlives the period in which its address was a repeat address: picked in
    the approaches' list, its address's history, surroundings and approach open below."""
    from dashboard.queries import incidents as iq
    from dashboard.queries import warehouse_version
    from etl.approaches import ApproachStore

    monkeypatch.setenv("WIJKBEELD_STATE", str(tmp_path / "state"))
    start, end = last_28_days()
    version = warehouse_version(demo_warehouse)
    listed = set(iq.top_addresses(version, "incidents", start, end, limit=25)["adres"])
    listed |= set(iq.top_addresses(version, "nuisance", start, end, limit=25)["adres"])
    # An address with a house number and facts over the years, none in the last 28 days.
    since = start - pd.Timedelta(days=120)
    quiet = iq.top_addresses(version, "incidents", since, start - pd.Timedelta(days=1), limit=200)
    quiet = quiet[~quiet["adres"].isin(listed) & ~quiet["adres"].str.endswith("huisnummer)")]
    first = quiet.iloc[0]
    key = tuple(None if pd.isna(first[c]) else first[c] for c in iq.ADDRESS_KEY)
    ApproachStore(tmp_path / "state" / "aanpakken.duckdb").start(
        key, first["adres"], first["gemeente"], first["wijk_code"],
        since, "Camera geplaatst", "demo",
    )  # fmt: skip
    at = run_app("sources")
    assert not any(m.value.startswith("**Verloop van") for m in at.markdown)
    at.session_state["bronnen_aanpakken"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert f"**Verloop van {first['adres']}, {first['gemeente']}**" in [
        m.value for m in at.markdown
    ]
    assert f"Lopende aanpak sinds {since:%d/%m/%Y}." in [i.value for i in at.info]
    field = next(d for d in at.date_input if d.key.startswith("bronnen_adres_sinds::"))
    assert field.value == since  # compared from the approach's first day
    table = _table(at, "Gebied")
    assert "Omgeving (tot 250 m)" in set(table["Gebied"])
    # Its facts before and after (three months each), counted on the mart.
    row = _table(at, "Periodes").set_index("Bron").loc["Feiten (pv's)"]
    after = (since, since + pd.Timedelta(days=90))
    before = (since - pd.Timedelta(days=91), since - pd.Timedelta(days=1))
    where = f"{_address_sql(key)} AND date BETWEEN ? AND ?"
    n_before, n_after = (
        count(f"SELECT count(*) FROM marts.incidents WHERE {where}", [*p]) for p in (before, after)
    )
    assert (int(row["Voor"]), int(row["Na"])) == (n_before, n_after) and n_after > 0
    # The map circles it, with its surroundings.
    script = json.loads(at.get("component_instance")[0].proto.json_args)["script"]
    assert '"radius": 250.0' in script


def test_an_inspector_records_approaches_in_the_own_wijk_and_sees_only_those(
    demo_warehouse, tmp_path, monkeypatch
):
    from dash_helpers import run_as

    from dashboard.auth.roles import Principal, Role
    from etl.approaches import ApproachStore

    monkeypatch.setenv("WIJKBEELD_STATE", str(tmp_path / "state"))
    ApproachStore(tmp_path / "state" / "aanpakken.duckdb").start(
        ("Kerkstraat", "1", "24055", None, None), "Kerkstraat 1", "Kortenberg", "W06",
        date(2026, 9, 1), "Camera", "demo",
    )  # fmt: skip
    inspector = Principal("insp", Role.INSPECTOR, wijk_code="W01")
    at = run_as(inspector, "sources", {"periode": "vorigjaar"})
    assert any("Nog geen aanpak vastgelegd" in i.value for i in at.info)  # W06's is not listed
    at = _pick_address(at)
    at.text_area(key="bronnen_aanpak_omschrijving").input("Buurtgesprek")
    next(b for b in at.button if b.label == "Aanpak vastleggen").click().run()
    row = _approach_row(at)
    assert (row["Wijk"], row["Door"], row["Aanpak"]) == ("Herent-Centrum", "insp", "Buurtgesprek")


def test_an_approach_s_before_stretch_starts_with_the_data_not_its_month(
    demo_warehouse, tmp_path, monkeypatch
):
    """The before stretch began on the first of the data's first month (known_since), so the
    days before the first record counted 0 and leaned the result towards a rise (an audit,
    fifty-eighth session). It begins on the data's first day."""
    import streamlit as st

    from dashboard.queries import approaches, warehouse_version
    from dashboard.queries import incidents as iq
    from etl.approaches import ApproachStore

    monkeypatch.setenv("WIJKBEELD_STATE", str(tmp_path / "state"))
    st.cache_data.clear()
    import dataclasses

    from dashboard.queries import common

    version = warehouse_version(demo_warehouse)
    # Data that begin on the 6th of their first month (the demo's begin on the 1st).
    spans = dict(common.source_span_map(version))
    first = spans["incidents"].first + timedelta(days=5)
    spans["incidents"] = dataclasses.replace(spans["incidents"], first=first)
    monkeypatch.setattr(common, "source_span_map", lambda _version: spans)
    since = first + timedelta(days=20)
    address = iq.top_addresses(version, "incidents", first, first + timedelta(days=90)).iloc[0]
    ApproachStore(tmp_path / "state" / "aanpakken.duckdb").start(
        tuple(None if pd.isna(address[c]) else address[c] for c in iq.ADDRESS_KEY),
        address["adres"], address["gemeente"], address["wijk_code"],
        since, "Gesprek", "demo",
    )  # fmt: skip
    effects = approaches.approach_effects(version, ())
    (row,) = effects.to_dict("records")
    assert row["incidents_vanaf"] == first and row["incidents_dagen"] == 20
    st.cache_data.clear()


def test_no_hotspot_test_on_too_few_records(demo_warehouse):
    """Two shoplifting records 118 m apart made "7 zeshoeken zijn een hotspot met minstens
    95 % betrouwbaarheid", six of them empty (an audit): below the zone's small-count
    threshold (5) Bronnen runs no test and says why; with no record at all it says so."""
    pick = wh(
        "SELECT date, category FROM marts.incidents WHERE location_status = 'ok' "
        "GROUP BY 1, 2 HAVING count(*) = 2 ORDER BY 1 DESC, 2 LIMIT 1"
    )
    assert len(pick), "testgeval toont niets: geen dag met twee feiten van één categorie"
    day, category = str(pick.iat[0, 0])[:10], pick.iat[0, 1]
    params = {"periode": "aangepast", "van": day, "tot": day, "categorie": category}
    at = run_app("sources", params)
    at.session_state["bronnen_bron"] = "incidents"
    at.session_state["bronnen_view"] = "gi"
    at.run()
    assert not at.exception
    notes = _captions(at)
    assert any(
        c.startswith("Te weinig records (2) voor een hotspotanalyse: Gi* vraagt er hier minstens 5")
        for c in notes
    ), notes
    assert not any("zeshoeken zijn een hotspot" in c for c in notes)
