"""Query layer of the sources page: every count checked against independent SQL."""

from __future__ import annotations

import re
from datetime import date

import h3
import numpy as np
import pandas as pd
import pytest
from dash_helpers import count, wh

from dashboard.analysis.temporal import aoristic_hour_weekday
from dashboard.queries import hotspots as hq
from dashboard.queries import incidents, warehouse_version

START, END = date(2025, 11, 1), date(2026, 10, 31)

#: The municipality of an address: where the record lies, else the one it names (the demo
#: names municipalities by their name).
MUNICIPALITY = (
    "coalesce(nis_code::VARCHAR, (SELECT min(g.code) FROM marts.districts g "
    "WHERE g.layer = 'gemeente' AND lower(g.name) = lower(municipality_reported::VARCHAR)))"
)
# The address as the sources page counts it: every spelling of it (int_address_streets, int_address_numbers).
STREET_ONLY = "CASE WHEN coalesce(address_number, '') = '' THEN wijk_code END"
SOURCES = ("incidents", "nuisance")


@pytest.fixture(scope="module")
def version(demo_warehouse):
    return warehouse_version(demo_warehouse)


def test_time_filter_sql_wraps_midnight():
    sql, params = incidents.time_filter_sql((22, 5), (6, 7))
    assert "OR" in sql and params == {"hour_from": 22, "hour_to": 5, "weekdays": [6, 7]}
    assert incidents.time_filter_sql() == ("", {})


def test_filtered_count_hours_and_weekdays(version):
    n = hq.filtered_count(version, "incidents", START, END, (), (), (22, 5), (6, 7))
    expected = count(
        "SELECT count(*) FROM marts.incidents WHERE date BETWEEN ? AND ? "
        "AND (hour >= 22 OR hour <= 5) AND weekday IN (6, 7)",
        [START, END],
    )
    assert n == expected > 0
    day = hq.filtered_count(version, "nuisance", START, END, ("W01",), (), (8, 17), (1,))
    assert day == count(
        "SELECT count(*) FROM marts.nuisance WHERE date BETWEEN ? AND ? AND wijk_code = 'W01' "
        "AND hour BETWEEN 8 AND 17 AND weekday = 1",
        [START, END],
    )


def test_cell_counts_match_sql_and_sum(version):
    cells = hq.cell_counts(version, "incidents", START, END, (), ("Woninginbraak",))
    expected = wh(
        "SELECT h3_cell, count(*) AS n FROM marts.incidents WHERE date BETWEEN ? AND ? "
        "AND category = 'Woninginbraak' AND location_status = 'ok' GROUP BY 1",
        [START, END],
    )
    assert int(cells["n"].sum()) == int(expected["n"].sum())
    assert dict(zip(cells["h3_cell"].astype(np.uint64), cells["n"], strict=True)) == dict(
        zip(expected["h3_cell"].astype(np.uint64), expected["n"], strict=True)
    )
    coarse = hq.cell_counts(version, "incidents", START, END, (), ("Woninginbraak",), coarse=True)
    assert int(coarse["n"].sum()) == int(cells["n"].sum())
    assert len(coarse) < len(cells)


def test_study_cells_cover_every_located_record(version):
    area = set(hq.study_cells(version))
    located = wh(
        "SELECT DISTINCT h3_cell FROM marts.incidents WHERE location_status = 'ok' "
        "AND h3_cell IS NOT NULL"
    )
    assert {int(c) for c in located["h3_cell"]} <= area
    one = wh("SELECT any_value(h3_cell) FROM marts.incidents WHERE h3_cell IS NOT NULL").iat[0, 0]
    assert {h3.get_resolution(h3.int_to_str(int(c))) for c in list(area)[:50]} == {
        h3.get_resolution(h3.int_to_str(int(one)))
    }
    w01 = set(hq.study_cells(version, ("W01",)))
    assert 0 < len(w01) < len(area)


def test_hotspot_classes_sum_and_labels(version):
    gi = hq.hotspot_classes(version, ("incidents", "nuisance"), START, END)
    total = count(
        "SELECT (SELECT count(*) FROM marts.incidents WHERE date BETWEEN $1 AND $2 "
        "AND location_status = 'ok') + (SELECT count(*) FROM marts.nuisance "
        "WHERE date BETWEEN $1 AND $2 AND location_status = 'ok')",
        [START, END],
    )
    assert int(gi["n"].sum()) == total
    assert set(gi["label"].astype(str)) <= {
        "Hotspot 99 %", "Hotspot 95 %", "Hotspot 90 %", "Niet significant",
        "Coldspot 90 %", "Coldspot 95 %", "Coldspot 99 %",
    }  # fmt: skip
    # The fullest cell of the zone is a hot spot.
    assert gi.sort_values("n").iloc[-1]["klasse"] >= 2


def test_hotspot_classes_read_every_cell_not_the_map_s_fullest(version, monkeypatch):
    """Gi* took its counts from the map's query, which keeps the MAP_POINT_CAP fullest
    cells: beyond 5,000 cells with records (a large zone) every cell cut off counted as
    empty in the statistic's mean, spread and neighbour sums (an audit, fifty-eighth
    session: with the cap at 300, 36 of 811 classes changed). Its counts are whole now."""
    import streamlit as st

    from dashboard.queries import common

    st.cache_data.clear()
    whole = hq.hotspot_classes(version, ("incidents",), START, END)
    cells = len(hq.cell_counts(version, "incidents", START, END, every_cell=True))
    monkeypatch.setattr(hq, "MAP_POINT_CAP", 50)
    monkeypatch.setattr(common, "MAP_POINT_CAP", 50)
    st.cache_data.clear()
    assert cells > 50 and len(hq.cell_counts(version, "incidents", START, END)) == 50
    capped = hq.hotspot_classes(version, ("incidents",), START, END)
    pd.testing.assert_frame_equal(capped, whole)
    st.cache_data.clear()


def test_cell_counts_by_period_and_period_starts(version):
    by_q = hq.cell_counts_by_period(version, "incidents", START, END, granularity="quarter")
    assert sorted(pd.to_datetime(by_q["period"]).dt.date.unique()) == hq.period_starts(
        START, END, "quarter"
    )
    assert hq.period_starts(date(2026, 2, 10), date(2026, 5, 1), "month") == [
        date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1), date(2026, 5, 1),
    ]  # fmt: skip
    assert int(by_q["n"].sum()) == count(
        "SELECT count(*) FROM marts.incidents WHERE date BETWEEN ? AND ? "
        "AND location_status = 'ok'",
        [START, END],
    )


def test_hour_weekday_and_aoristic(version):
    grid = hq.hour_weekday_counts(version, "incidents", START, END)
    expected = wh(
        "SELECT weekday, hour, count(*) AS n FROM marts.incidents WHERE date BETWEEN ? AND ? "
        "GROUP BY 1, 2 ORDER BY 1, 2",
        [START, END],
    )
    pd.testing.assert_frame_equal(
        grid.astype("int64").reset_index(drop=True), expected.astype("int64"), check_names=False
    )
    windows = hq.incident_windows(version, START, END)
    expanded = hq.aoristic_input(windows)
    assert len(expanded) == int(grid["n"].sum())
    aor = aoristic_hour_weekday(expanded, "van", "tot")
    assert aor.to_numpy().sum() == pytest.approx(len(expanded))
    # Exact-time records keep their slot; windowed ones spread, so the two profiles differ
    # but agree on the total.
    raw = wh(
        "SELECT occurred_from AS van, occurred_to AS tot FROM marts.incidents "
        "WHERE date BETWEEN ? AND ?",
        [START, END],
    )
    direct = aoristic_hour_weekday(raw, "van", "tot")
    np.testing.assert_allclose(aor.to_numpy(), direct.to_numpy(), atol=1e-6)


def test_keep_time_slots_keeps_the_weight_inside_the_filter():
    """Aoristic weights are cut to the chosen slots after spreading, not selected on the
    start hour: a window from Friday 22:00 to Saturday 02:00 counts in "00-05 u" for the
    half of it after midnight, one from Monday 04:00 to 10:00 for its first two hours."""
    monday = pd.Timestamp("2025-03-03")  # a Monday
    windows = pd.DataFrame(
        {
            "van": [monday + pd.Timedelta(days=4, hours=22), monday + pd.Timedelta(hours=4),
                    monday + pd.Timedelta(days=1, hours=3, minutes=30)],
            "tot": [monday + pd.Timedelta(days=5, hours=2), monday + pd.Timedelta(hours=10),
                    pd.NaT],
        }
    )  # fmt: skip
    spread = aoristic_hour_weekday(windows, "van", "tot")

    night = hq.keep_time_slots(spread, (0, 5))
    assert night.shape == (7, 24) and list(night.index) == list(range(1, 8))
    assert night.loc[6, [0, 1]].tolist() == [0.25, 0.25]  # Saturday after midnight
    assert night.loc[5].sum() == 0  # Friday evening lies outside 00-05
    assert night.loc[1, [4, 5]].tolist() == pytest.approx([1 / 6, 1 / 6])
    assert night.loc[2, 3] == 1.0  # exact time: all its weight
    assert night.to_numpy().sum() == pytest.approx(0.5 + 2 / 6 + 1)
    assert night.loc[:, 6:].to_numpy().sum() == 0
    # A range across midnight keeps both ends; weekdays keep whole days.
    wrapped = hq.keep_time_slots(spread, (22, 5))
    assert wrapped.to_numpy().sum() == pytest.approx(1 + 2 / 6 + 1)
    saturday = hq.keep_time_slots(spread, (0, 23), (6,))
    assert saturday.to_numpy().sum() == pytest.approx(0.5)
    pd.testing.assert_frame_equal(hq.keep_time_slots(spread), spread)


def test_monthly_counts_include_last_year(version):
    df = hq.monthly_counts(version, "incidents", date(2026, 1, 1), date(2026, 6, 30))
    assert pd.Timestamp(df["maand"].min()).date() == date(2025, 1, 1)
    june = df[pd.to_datetime(df["maand"]) == pd.Timestamp("2026-06-01")]["n"].iat[0]
    assert june == count("SELECT count(*) FROM marts.incidents WHERE year = 2026 AND month = 6")


def test_monthly_counts_of_a_period_beginning_mid_month(version):
    """From 17 April: every month says how many of its records fall on day 17 or later,
    and how many on days 17 to 14 (none: the end day comes before the start day)."""
    df = hq.monthly_counts(version, "incidents", date(2026, 4, 17), date(2026, 5, 14))
    by_month = df.assign(maand=pd.to_datetime(df["maand"])).set_index("maand")
    for year in (2025, 2026):
        april = by_month.loc[pd.Timestamp(f"{year}-04-01")]
        assert april["n_vanaf_dag"] == count(
            f"SELECT count(*) FROM marts.incidents WHERE date BETWEEN '{year}-04-17' AND '{year}-04-30'"
        )
    assert (by_month["n_binnen"] == 0).all()
    within = hq.monthly_counts(version, "incidents", date(2025, 11, 3), date(2025, 11, 20))
    nov = within.assign(maand=pd.to_datetime(within["maand"])).set_index("maand")
    assert nov.loc[pd.Timestamp("2024-11-01"), "n_binnen"] == count(
        "SELECT count(*) FROM marts.incidents WHERE date BETWEEN '2024-11-03' AND '2024-11-20'"
    )


def test_monthly_counts_of_a_period_ending_mid_month(version):
    """Up to 14 May: May counts 1-14 May, and every month says how many of its records
    fall on days 1-14 (for comparing May with 1-14 May a year earlier)."""
    df = hq.monthly_counts(version, "incidents", date(2026, 4, 17), date(2026, 5, 14))
    by_month = df.assign(maand=pd.to_datetime(df["maand"])).set_index("maand")
    may = by_month.loc[pd.Timestamp("2026-05-01")]
    assert (
        may["n"]
        == may["n_tot_dag"]
        == count(
            "SELECT count(*) FROM marts.incidents WHERE date BETWEEN '2026-05-01' AND '2026-05-14'"
        )
    )
    last_may = by_month.loc[pd.Timestamp("2025-05-01")]
    assert last_may["n"] == count(
        "SELECT count(*) FROM marts.incidents WHERE year = 2025 AND month = 5"
    )
    assert (
        0
        < last_may["n_tot_dag"]
        == count(
            "SELECT count(*) FROM marts.incidents WHERE date BETWEEN '2025-05-01' AND '2025-05-14'"
        )
        < last_may["n"]
    )


def test_wijk_counts_and_records_in_area(version):
    counts = hq.wijk_counts(version, "incidents", START, END)
    assert len(counts) == count("SELECT count(*) FROM marts.districts WHERE layer = 'wijk'")
    w = counts.set_index("code")["n"]
    assert w["W03"] == count(
        "SELECT count(*) FROM marts.incidents WHERE date BETWEEN ? AND ? AND wijk_code = 'W03'",
        [START, END],
    )
    listed = hq.records_in_area(version, "incidents", START, END, wijk="W03", limit=5000)
    assert len(listed) == w["W03"]
    assert list(listed.columns) == ["nummer", "datum", "categorie", "adres", "wijk"]
    cells = hq.cell_counts(version, "incidents", START, END)
    # Row access via iloc would turn the uint64 cell into a float: take the column.
    top_cell, top_n = int(cells["h3_cell"].iloc[0]), int(cells["n"].iloc[0])
    in_cell = hq.records_in_area(version, "incidents", START, END, cell=top_cell)
    assert len(in_cell) == top_n
    assert in_cell["datum"].is_monotonic_decreasing


def test_burglaries_pois_and_zone(version):
    burg = hq.burglaries(version, START, END)
    assert len(burg) == count(
        "SELECT count(*) FROM marts.incidents WHERE date BETWEEN ? AND ? "
        "AND category = 'Woninginbraak' AND x IS NOT NULL AND location_status <> 'buiten_zone'",
        [START, END],
    )
    # A burglary placed outside the zone (kept and flagged) joins no chain: the hot-spot
    # maps leave it out too (an audit counted 2 of 410 such records in the chains).
    first, last = wh("SELECT min(date), max(date) FROM marts.incidents").iloc[0]
    outside = wh(
        "SELECT category, list(pv_number) AS ids FROM marts.incidents "
        "WHERE location_status = 'buiten_zone' AND x IS NOT NULL GROUP BY 1 ORDER BY 1"
    )
    assert len(outside) > 0, "the demo places facts outside the zone"
    kind, ids = outside.iloc[0]
    every = hq.burglaries(version, first, last, categories=(kind,))
    assert len(every) > 0 and not set(ids) & set(every["id"])
    pois = hq.poi_points(version)
    assert len(pois) == count("SELECT count(*) FROM marts.poi WHERE x IS NOT NULL")
    import shapely

    zone = shapely.from_wkt(hq.zone_geometry_31370(version))
    area = wh("SELECT area_km2 FROM marts.districts WHERE layer = 'zone'").iat[0, 0]
    assert zone.area / 1e6 == pytest.approx(area, rel=0.01)
    xy = hq.record_xy(version, "incidents", START, END, sample=100)
    assert len(xy) == 100


def test_top_addresses_have_positions(version):
    df = incidents.top_addresses(version, "incidents", START, END, hours=(0, 11))
    assert {"lat", "lon"} <= set(df.columns)
    assert df["lat"].between(50, 52).all()


def test_a_street_without_house_number_is_no_address(version):
    """The demo's incidents on the motorway carry no house number: grouped on the street
    alone they made one "address" over eight wijken, shown in one of them. Now they are
    grouped per wijk and named so; the KPI counts the same groups the list shows."""
    df = incidents.top_addresses(version, "incidents", START, END, limit=500)
    street_only = df[df["adres"].str.endswith("(zonder huisnummer)")]
    expected = wh(
        "SELECT street || ' (zonder huisnummer)' AS adres, wijk_name AS wijk, count(*) AS aantal "
        "FROM marts.incidents WHERE date BETWEEN ? AND ? AND street IS NOT NULL AND street <> '' "
        "AND coalesce(house_number, '') = '' GROUP BY street, nis_code, wijk_code, wijk_name "
        "HAVING count(*) >= 2 ORDER BY aantal DESC, wijk",
        [START, END],
    )
    assert len(expected) > 1  # the motorway crosses several wijken
    got = street_only[["adres", "wijk", "aantal"]].astype({"wijk": str, "adres": str})
    got = got.sort_values(["aantal", "wijk"], ascending=[False, True]).reset_index(drop=True)
    expected = expected.astype({"wijk": str, "adres": str})
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    assert not df["adres"].str.fullmatch(r"Autosnelweg").any()
    n = incidents.repeated_address_count(version, "incidents", START, END)
    assert n == count(
        "SELECT count(*) FROM (SELECT 1 FROM marts.incidents WHERE date BETWEEN ? AND ? "
        f"AND street IS NOT NULL AND street <> '' GROUP BY street, house_number, {MUNICIPALITY}, "
        "CASE WHEN coalesce(house_number, '') = '' THEN wijk_code END HAVING count(*) >= 2)",
        [START, END],
    )
    assert n >= len(df)


def test_map_helpers_layers_exports(version):
    from dashboard.analysis.hotspots import GI_CLASS_LABELS
    from dashboard.components import maps, static_map
    from dashboard.queries.districts import district_shapes

    districts = district_shapes(version, "wijk")
    gi = hq.hotspot_classes(version, ("incidents",), START, END)
    m = maps.new_map(districts)
    legend = [(maps.GI_COLOURS[k], GI_CLASS_LABELS[k]) for k in (3, 2, 1, 0, -1, -2, -3)]
    features = maps.add_class_hexagons(m, gi, maps.GI_COLOURS, "Getis-Ord Gi*", legend=legend)
    assert len(features) == len(gi)
    hot = [f for f in features if f["properties"]["label"] == "Hotspot 99 %"]
    assert all(f["properties"]["fill"] == maps.GI_COLOURS[3] for f in hot)
    cells = hq.cell_counts(version, "incidents", START, END)
    maps.add_heatmap(m, cells, "Concentratie")
    pois = hq.poi_points(version)
    maps.add_pois(m, pois)
    maps.add_outline_strokes(m, districts)
    page = maps.standalone_html(m)
    # Offline file: every script inlined, nothing fetched from a CDN or the server.
    assert "/app/static/" not in page and "cdn.jsdelivr" not in page
    assert "L.heatLayer" in page and "Hotspot 99 %" in page and "Coldspot 99 %" in page
    png = static_map.static_map_png(districts, "Test", features, None, legend, pois)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000


def test_count_and_choropleth_layers(version):
    from dashboard.components import maps
    from dashboard.queries.districts import district_shapes

    cells = hq.cell_counts(version, "incidents", START, END)
    features, legend = maps.count_hexagon_layer(cells)
    assert len(features) == len(cells) and legend
    districts = district_shapes(version, "wijk")
    values = {code: None for code in districts["code"]}
    values[districts["code"].iloc[0]] = 12.5
    features, legend = maps.choropleth_layer(districts, values)
    assert legend[-1] == (maps.UNKNOWN_COLOUR, "Onbekend")
    assert features[0]["properties"]["label"] == "12,5"


def test_clusters_highlight_and_chains(version):
    from dashboard.analysis.repeats import near_repeats
    from dashboard.components import maps
    from dashboard.queries.districts import district_shapes

    districts = district_shapes(version, "wijk")
    m = maps.new_map(districts)
    pts = hq.points(version, "incidents", START, END, limit=2000)
    maps.add_point_clusters(m, pts, "Categorie")
    maps.add_highlight(m, 50.88, 4.65, "Grote Steenweg 49", radius_m=250)
    burg = hq.burglaries(version, date(2024, 11, 1), END)
    nr = near_repeats(burg, "x", "y", "t", distance_m=500, days=30, id_col="id")
    chains = nr.chains.merge(burg[["id", "lat", "lon"]], on="id").assign(label="x")
    assert not chains.empty
    maps.add_chains(m, chains)
    page = maps.standalone_html(m)
    # Markercluster needs a maxZoom when there are no tiles; its script is inlined.
    assert '"maxZoom": 19' in page and "markerClusterGroup" in page
    # Its bubbles are said in the legend (they had no word on the map).
    assert maps.CLUSTER_NOTE in page
    assert "cdnjs.cloudflare" not in page
    assert "Grote Steenweg 49" in page and f"{chains['keten_id'].nunique()} ketens" in page
    # The legend names the largest chains in their own colours (it showed one grey swatch).
    sizes = chains.groupby("keten_id").size().sort_values(ascending=False, kind="stable")
    named = sizes.head(maps.CHAIN_LEGEND_MAX)
    colours = []
    for keten, n in named.items():
        found = re.search(
            rf"background:(#[0-9a-f]{{6}});((?!span).)*span((?!span).)*Keten {keten}: {n} feit",
            page,
        )
        assert found, keten
        colours.append(found.group(1))
    # Every chain the legend names has a colour of its own, the largest the first colour.
    assert len(set(colours)) == len(colours) and colours[0] == maps.QUALITATIVE[0]
    assert "#999999" not in page
    if len(sizes) > maps.CHAIN_LEGEND_MAX:
        assert f"en {len(sizes) - maps.CHAIN_LEGEND_MAX} kleinere ketens" in page
    # The surroundings the address's history compares: a dashed circle of 250 m.
    assert re.search(r'L\.circle\(\s*\[50\.88, 4\.65\],[^)]*"radius": 250\.0', page)
    assert "Omgeving van Grote Steenweg 49: tot 250 m" in page


def test_hexagon_count_is_what_the_hexagons_hold(version):
    """Records located just outside the zone have a position (the point map draws them)
    but no hexagon; the hexagon map's note counted them."""
    first, last = date(2000, 1, 1), date(2100, 1, 1)
    assert count("SELECT count(*) FROM marts.incidents WHERE location_status = 'buiten_zone'")
    for key in ("incidents", "nuisance"):
        in_cells = hq.filtered_count(version, key, first, last, inside_zone=True)
        cells = hq.cell_counts(version, key, first, last)
        assert (
            in_cells
            == int(cells["n"].sum())
            == count(
                f"SELECT count(*) FROM marts.{key} WHERE h3_cell IS NOT NULL "
                "AND location_status IN ('ok', 'geen_wijk')"
            )
        )
        assert hq.filtered_count(version, key, first, last, located_only=True) == count(
            f"SELECT count(*) FROM marts.{key} WHERE lat IS NOT NULL"
        )


def _repeated_addresses_sql(table: str) -> str:
    return (
        f"SELECT address_street::VARCHAR AS s, address_number::VARCHAR AS h, {MUNICIPALITY} AS m, "
        f"({STREET_ONLY})::VARCHAR AS w FROM marts.{table} WHERE date BETWEEN $1 AND $2 "
        "AND address_street IS NOT NULL AND address_street <> '' GROUP BY ALL HAVING count(*) >= 2"
    )


def test_repeated_addresses_over_both_sources_count_each_address_once(version):
    """An address with repeated facts and repeated reports is one address: added up per
    source, the page's KPI counted it twice."""
    start, end = date(2025, 1, 1), date(2025, 12, 31)
    both = incidents.repeated_address_count(version, ("incidents", "nuisance"), start, end)
    facts, reports = (_repeated_addresses_sql(t) for t in ("incidents", "nuisance"))
    assert both == count(f"SELECT count(*) FROM ({facts} UNION {reports})", [start, end])
    twice = count(f"SELECT count(*) FROM ({facts} INTERSECT {reports})", [start, end])
    assert twice > 0
    per_source = [incidents.repeated_address_count(version, k, start, end) for k in SOURCES]
    assert both + twice == sum(per_source)
    # The filters reach both sources: in one wijk, only its addresses.
    w01 = incidents.repeated_address_count(version, ("incidents", "nuisance"), start, end, ("W01",))
    assert 0 < w01 < both


def test_an_address_located_outside_the_zone_stays_its_municipality_s_address(version):
    """A record located just over the zone's border has no nis_code: grouped on it, one
    street address became two (one inside the zone, one outside), and neither repeated.
    The municipality the record names keeps them together."""
    first, last = date(2000, 1, 1), date(2100, 1, 1)
    split = wh(
        "SELECT DISTINCT o.street::VARCHAR AS street, o.house_number::VARCHAR AS nr "
        "FROM marts.incidents o JOIN marts.incidents i ON i.street = o.street "
        "AND i.house_number = o.house_number AND i.location_status = 'ok' "
        "AND i.municipality_reported = o.municipality_reported "
        "WHERE o.location_status = 'buiten_zone' ORDER BY 1, 2"
    )
    assert len(split) > 0
    listed = incidents.top_addresses(version, "incidents", first, last, limit=5000)
    for street, nr in split.itertuples(index=False):
        rows = listed[listed["adres"] == f"{street} {nr}"]
        expected = wh(
            f"SELECT {MUNICIPALITY} AS m, count(*) AS n FROM marts.incidents "
            "WHERE street = $1 AND house_number = $2 GROUP BY 1 HAVING count(*) >= 2",
            [street, nr],
        )
        assert sorted(rows["aantal"]) == sorted(expected["n"]), (street, nr)
        assert rows["gemeente"].notna().all()
    n = incidents.repeated_address_count(version, "incidents", first, last)
    assert n == count(
        f"SELECT count(*) FROM ({_repeated_addresses_sql('incidents')})", [first, last]
    )


# --- fine cells for the records the reader may see (an inspector: the own wijk) -------------

IN_ZONE_SQL = "location_status IN ('ok', 'geen_wijk')"


def _cells_dict(frame: pd.DataFrame, column: str = "n") -> dict[int, int]:
    return {int(c): int(n) for c, n in zip(frame["h3_cell"], frame[column], strict=True)}


def _resolution(cell) -> int:
    return h3.get_resolution(h3.int_to_str(int(cell)))


def _w01_centre_cells() -> set[int]:
    """Fine cells whose centre lies in W01 (computed here with shapely, not with H3's
    polygon fill the query uses)."""
    import json

    import shapely
    from shapely.geometry import shape

    geo = wh("SELECT geojson FROM marts.districts WHERE layer = 'wijk' AND code = 'W01'").iat[0, 0]
    geo = json.loads(geo) if isinstance(geo, str) else geo
    polygon = shape(geo.get("geometry", geo))
    fine = _resolution(wh("SELECT any_value(h3_cell) FROM marts.incidents").iat[0, 0])
    lat, lon = polygon.representative_point().y, polygon.representative_point().x
    disk = h3.grid_disk(h3.latlng_to_cell(lat, lon, fine), 40)
    return {
        h3.str_to_int(c)
        for c in disk
        if polygon.contains(shapely.Point(h3.cell_to_latlng(c)[1], h3.cell_to_latlng(c)[0]))
    }


def test_cell_counts_give_fine_cells_only_for_the_wijken_the_reader_may_see(version):
    """SECURITY.md: an inspector sees other wijken only as counts per coarse hexagon. The
    hexagon view of Bronnen counted every record in its fine cell (~0,1 km²), the same as
    for the coordinator: the own wijk's records now count in fine cells, every other
    record (other wijken, no wijk) in its coarse cell."""
    fine_res = _resolution(wh("SELECT any_value(h3_cell) FROM marts.incidents").iat[0, 0])
    coarse_res = _resolution(wh("SELECT any_value(h3_cell_coarse) FROM marts.incidents").iat[0, 0])
    assert coarse_res < fine_res
    mixed = hq.cell_counts(version, "incidents", START, END, fine_wijken=("W01",))
    res = mixed["h3_cell"].map(_resolution)
    assert set(res) == {fine_res, coarse_res}
    own = wh(
        "SELECT h3_cell, count(*) AS n FROM marts.incidents WHERE date BETWEEN ? AND ? "
        f"AND {IN_ZONE_SQL} AND h3_cell IS NOT NULL AND wijk_code = 'W01' GROUP BY 1",
        [START, END],
    )
    others = wh(
        "SELECT h3_cell_coarse AS h3_cell, count(*) AS n FROM marts.incidents "
        f"WHERE date BETWEEN ? AND ? AND {IN_ZONE_SQL} AND h3_cell_coarse IS NOT NULL "
        "AND wijk_code IS DISTINCT FROM 'W01' GROUP BY 1",
        [START, END],
    )
    assert _cells_dict(mixed[res == fine_res]) == _cells_dict(own)
    assert _cells_dict(mixed[res == coarse_res]) == _cells_dict(others)
    # Cell centres as for every cell; nothing changes without fine_wijken, and () (bestuur)
    # gives coarse cells only.
    for row in mixed.head(20).itertuples():
        lat, lon = h3.cell_to_latlng(h3.int_to_str(int(row.h3_cell)))
        assert (row.lat, row.lon) == pytest.approx((lat, lon))
    plain = hq.cell_counts(version, "incidents", START, END)
    assert _cells_dict(hq.cell_counts(version, "incidents", START, END, fine_wijken=None)) == (
        _cells_dict(plain)
    )
    assert set(plain["h3_cell"].map(_resolution)) == {fine_res}
    none = hq.cell_counts(version, "incidents", START, END, fine_wijken=())
    assert _cells_dict(none) == _cells_dict(
        hq.cell_counts(version, "incidents", START, END, coarse=True)
    )


def test_accident_hex_counts_give_fine_cells_only_for_the_wijken_the_reader_may_see(version):
    """The same rule for the accident maps of Verkeer (beyond the point cap, enforcement)."""
    from dashboard.queries import traffic

    first, last = date(2000, 1, 1), date(2100, 1, 1)
    fine_res = _resolution(wh("SELECT any_value(h3_cell) FROM marts.accidents").iat[0, 0])
    mixed = traffic.accident_hex_counts(
        version, "accidents", first, last, injury_only=True, fine_wijken=("W01",)
    )
    res = mixed["h3_cell"].map(_resolution)
    own = wh(
        "SELECT h3_cell, count(*) AS n FROM marts.accidents WHERE source = 'zone' AND is_injury "
        f"AND {IN_ZONE_SQL} AND h3_cell IS NOT NULL AND wijk_code = 'W01' GROUP BY 1"
    )
    others = wh(
        "SELECT h3_cell_coarse AS h3_cell, count(*) AS n FROM marts.accidents "
        f"WHERE source = 'zone' AND is_injury AND {IN_ZONE_SQL} AND h3_cell_coarse IS NOT NULL "
        "AND wijk_code IS DISTINCT FROM 'W01' GROUP BY 1"
    )
    assert len(own) > 0 and len(others) > 0
    assert _cells_dict(mixed[res == fine_res]) == _cells_dict(own)
    assert _cells_dict(mixed[res != fine_res]) == _cells_dict(others)


def test_hot_spot_classes_show_the_cells_of_the_own_wijk_only(version):
    """Gi* and emerging hot spots drew every fine cell of the zone with its count for an
    inspector. Now only the cells whose centre lies in the own wijk, with the own wijk's
    records; the statistic itself is still computed over every record (same classes)."""
    full = hq.hotspot_classes(version, SOURCES, START, END, fdr=True)
    own = hq.hotspot_classes(version, SOURCES, START, END, fdr=True, fine_wijken=("W01",))
    inside = _w01_centre_cells()
    cells = {int(c) for c in own["h3_cell"]}
    assert cells and cells == inside & {int(c) for c in full["h3_cell"]}
    assert len(full) > len(own)
    klasse = dict(zip(full["h3_cell"].astype(np.uint64), full["klasse"], strict=True))
    assert all(
        klasse[np.uint64(c)] == k for c, k in zip(own["h3_cell"], own["klasse"], strict=True)
    )
    w01 = wh(
        "SELECT h3_cell, count(*) AS n FROM (SELECT h3_cell, date, wijk_code, location_status "
        "FROM marts.incidents UNION ALL SELECT h3_cell, date, wijk_code, location_status "
        f"FROM marts.nuisance) WHERE date BETWEEN ? AND ? AND {IN_ZONE_SQL} "
        "AND wijk_code = 'W01' AND h3_cell IS NOT NULL GROUP BY 1",
        [START, END],
    )
    n = _cells_dict(w01)
    assert _cells_dict(own) == {c: n.get(c, 0) for c in cells}
    em = hq.emerging_classes(
        version, SOURCES, START, END, granularity="quarter", fine_wijken=("W01",)
    )
    assert {int(c) for c in em["h3_cell"]} <= inside
    assert _cells_dict(em, "n_total") == {int(c): n.get(int(c), 0) for c in em["h3_cell"]}
    # An inspector looking at another wijk only: no fine cell at all.
    assert hq.hotspot_classes(version, SOURCES, START, END, ("W03",), fine_wijken=("W01",)).empty


# --- one address over time ----------------------------------------------------------------


def _key(row) -> tuple:
    return tuple(None if pd.isna(row[c]) else row[c] for c in incidents.ADDRESS_KEY)


@pytest.mark.parametrize("source", SOURCES)
def test_an_address_s_history_is_its_records_per_day(version, source):
    """The picked address's records per day over all the data, for both kinds of address
    (street and number; a street without number, per wijk), and the same records the
    repeat list counted within its period."""
    table = f"marts.{source}"
    listed = incidents.top_addresses(version, source, START, END, limit=500)
    numbered = listed[~listed["adres"].str.endswith("(zonder huisnummer)")].iloc[0]
    street_only = listed[listed["adres"].str.endswith("(zonder huisnummer)")]
    for row in [numbered, *([street_only.iloc[0]] if len(street_only) else [])]:
        got = incidents.address_daily_counts(version, source, _key(row))
        expected = wh(
            f"SELECT date AS dag, count(*) AS aantal FROM {table} "
            f"WHERE address_street::VARCHAR = $1 AND address_number::VARCHAR IS NOT DISTINCT FROM $2 "
            f"AND {MUNICIPALITY} = $3 AND ({STREET_ONLY})::VARCHAR IS NOT DISTINCT FROM $4 "
            "GROUP BY 1 ORDER BY 1",
            [row["key_street"], _key(row)[1], row["key_nis"], _key(row)[4]],
        )
        assert len(expected) > 0
        pd.testing.assert_frame_equal(
            got.assign(dag=pd.to_datetime(got["dag"])),
            expected.assign(dag=pd.to_datetime(expected["dag"])),
            check_dtype=False,
        )
        inside = pd.to_datetime(got["dag"]).dt.date.between(START, END)
        assert got.loc[inside, "aantal"].sum() == row["aantal"]


def test_an_address_s_history_takes_the_page_s_filters(version):
    listed = incidents.top_addresses(version, "incidents", START, END, wijken=("W01",), limit=50)
    row = listed.iloc[0]
    every = incidents.address_daily_counts(version, "incidents", _key(row), ("W01",))
    cat = wh(
        "SELECT category::VARCHAR AS c FROM marts.incidents WHERE street::VARCHAR = $1 "
        "AND wijk_code = 'W01' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1",
        [row["key_street"]],
    ).iat[0, 0]
    one = incidents.address_daily_counts(version, "incidents", _key(row), ("W01",), (cat,))
    night = incidents.address_daily_counts(version, "incidents", _key(row), ("W01",), hours=(22, 5))
    elsewhere = incidents.address_daily_counts(version, "incidents", _key(row), ("W02",))
    assert one["aantal"].sum() <= every["aantal"].sum()
    assert night["aantal"].sum() <= every["aantal"].sum()
    assert elsewhere.empty
    with pytest.raises(ValueError, match="Geen adressleutel"):
        incidents.address_daily_counts(version, "incidents", (None, None, None, None, None))
