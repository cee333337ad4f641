"""Verkenning: every grouping and measure gives what independent SQL on the warehouse gives,
and the URL alone reproduces a view."""

from __future__ import annotations

import io
import json
from datetime import date

import pandas as pd
import pytest
from dash_helpers import count, last_28_days, metrics, nl, plotly_array, run_app, wh

from dashboard.queries import _db, common, exploration

YEAR_START, YEAR_END = date(2025, 1, 1), date(2025, 12, 31)

WIJK_SQL = """
    SELECT coalesce(w.name, 'Zonder wijk') AS wijk, {cols} count(*) AS n
    FROM {table} t LEFT JOIN marts.districts w ON w.layer = 'wijk' AND w.code = t.wijk_code
    WHERE t.date BETWEEN ? AND ? {where} GROUP BY ALL
"""


def _downloads(at) -> dict:
    return {b.proto.label: b for b in at.get("download_button")}


def test_default_view_month_by_category(demo_warehouse):
    at = run_app("exploration", {"periode": "vorigjaar"})
    assert at.title[0].value == "Verkenning"
    year = last_28_days()[1].year - 1
    n = count("SELECT count(*) FROM marts.incidents WHERE year = ?", [year])
    assert metrics(at)["Totaal (aantal)"] == nl(n)
    table = at.dataframe[0].value
    assert list(table.columns) == ["Maand", "Categorie", "Aantal"]
    assert int(table["Aantal"].sum()) == n
    assert table["Maand"].iloc[0] == f"januari {year}"
    assert len(at.get("plotly_chart")) == 1
    assert set(_downloads(at)) == {"Download CSV", "Download Excel", "Download Parquet"}
    # The whole view is written to the URL.
    params = dict(at.query_params)
    assert params["gegevens"] == "incidents"
    assert params["indeling1"] == "Maand" and params["indeling2"] == "Categorie"
    assert params["weergave"] == "aantal"


def test_automatic_chart_is_a_line_over_time_and_bars_for_one_period(demo_warehouse):
    def chart_type(params: dict) -> str:
        spec = json.loads(run_app("exploration", params).get("plotly_chart")[0].proto.spec)
        return {trace.get("type", "scatter") for trace in spec["data"]}.pop()

    # Twelve months: a line per category. One 28-day window inside a month: one bar per
    # category (a line of single dots says nothing).
    assert chart_type({"periode": "vorigjaar"}) == "scatter"
    window = {"periode": "aangepast", "van": "2025-03-02", "tot": "2025-03-29"}
    assert chart_type({**window, "indeling1": "Maand"}) == "bar"


def test_the_first_grouping_follows_the_length_of_the_period(demo_warehouse):
    """Opened on the default 28 days, the page grouped by month: two half months, and the
    line between them read as a collapse. Now days up to two weeks, weeks up to a quarter,
    months beyond; Statbel, which knows no days, by month. A grouping chosen stays."""

    def first(params: dict) -> str:
        at = run_app("exploration", params)
        return at.dataframe[0].value.columns[0]

    assert first({"periode": "28d"}) == "Week"
    assert first({"periode": "vorigjaar"}) == "Maand"
    assert first({"periode": "aangepast", "van": "2025-03-02", "tot": "2025-03-11"}) == "Dag"
    assert first({"periode": "aangepast", "van": "2025-01-01", "tot": "2025-03-31"}) == "Week"
    assert first({"periode": "28d", "gegevens": "accidents_statbel"}) == "Maand"
    assert first({"periode": "28d", "indeling1": "Maand"}) == "Maand"


def test_url_reproduces_view_nuisance_by_wijk(demo_warehouse):
    at = run_app(
        "exploration",
        {"periode": "vorigjaar", "gegevens": "nuisance", "indeling1": "Wijk", "indeling2": "Geen"},
    )
    year = last_28_days()[1].year - 1
    expected = wh(
        WIJK_SQL.format(cols="", table="marts.nuisance", where=""),
        [date(year, 1, 1), date(year, 12, 31)],
    ).set_index("wijk")["n"]
    table = at.dataframe[0].value.set_index("Wijk")["Aantal"]
    assert table.sort_index().to_dict() == {k: int(v) for k, v in expected.sort_index().items()}
    # Grouped by area: a choropleth of the wijken is drawn.
    assert any("Kaart per wijk" in h.value for h in at.subheader)
    # Changing a widget updates the URL, so the new view can be shared too.
    at.selectbox(key="_w_verk_indeling1").set_value("Gemeente").run()
    assert at.query_params["indeling1"] in ("Gemeente", ["Gemeente"])


def test_rate_per_1000_inhabitants_by_wijk(demo_warehouse):
    at = run_app(
        "exploration",
        {
            "periode": "vorigjaar",
            "gegevens": "incidents",
            "indeling1": "Wijk",
            "indeling2": "Geen",
            "weergave": "inwoners",
        },
    )
    year = last_28_days()[1].year - 1
    expected = wh(
        """
        SELECT w.name AS wijk, count(*) AS n, w.population AS pop,
               1000.0 * count(*) / w.population AS rate
        FROM marts.incidents t JOIN marts.districts w ON w.layer = 'wijk' AND w.code = t.wijk_code
        WHERE t.year = ? GROUP BY w.name, w.population
        """,
        [year],
    ).set_index("wijk")
    table = at.dataframe[0].value.set_index("Wijk")
    assert list(table.columns) == ["Aantal", "Inwoners", "Per 1.000 inwoners"]
    for wijk, row in expected.iterrows():
        assert int(table.loc[wijk, "Aantal"]) == row["n"]
        # Columns with a gap ("Zonder wijk") are shown as Dutch text: "4.089".
        assert int(str(table.loc[wijk, "Inwoners"]).replace(".", "")) == row["pop"]
        shown = table.loc[wijk, "Per 1.000 inwoners"]
        if row["n"] >= 5:
            # Shown as text when the column has gaps ("–"), else as a number.
            value = float(str(shown).replace(",", ".")) if isinstance(shown, str) else shown
            assert value == pytest.approx(row["rate"], abs=0.051)
    # Records without a wijk have no population: no rate.
    if "Zonder wijk" in table.index:
        assert table.loc["Zonder wijk", "Per 1.000 inwoners"] == "–"


def test_records_without_a_wijk_are_said_to_be_counted_so(demo_warehouse):
    """'Zonder gemeente' held records whose export names Herent (no coordinates), and the
    caption called them records without an area (an audit with the real wijken)."""
    at = run_app(
        "exploration",
        {
            "periode": "vorigjaar",
            "indeling1": "Gemeente",
            "indeling2": "Geen",
            "weergave": "inwoners",
        },
    )
    table = at.dataframe[0].value
    if "Zonder gemeente" not in set(table["Gemeente"]):
        pytest.skip("de demo heeft dit jaar geen record zonder wijk")
    [note] = [c.value for c in at.caption if "'Zonder gemeente': records zonder wijk" in c.value]
    assert "ook een record waarvan de export de gemeente noemt, telt daar zonder wijk" in note
    assert "telt daar zonder wijk. Voor hen is geen bevolking gekend." in note


def test_rate_without_area_is_explained(demo_warehouse):
    at = run_app(
        "exploration",
        {"periode": "vorigjaar", "indeling1": "Maand", "indeling2": "Geen", "weergave": "inwoners"},
    )
    assert any("enkel bij een indeling naar wijk" in i.value for i in at.info)
    assert list(at.dataframe[0].value.columns) == ["Maand", "Aantal"]


def test_share_of_total_hides_small_bases(demo_warehouse):
    version = _db.warehouse_version()
    df = common.explore(
        version,
        "victims",
        ("Type weggebruiker",),
        YEAR_START,
        YEAR_END,
        per="aandeel",
    )
    expected = wh(
        "SELECT road_user AS weggebruiker, count(*) AS n, "
        "100.0 * count(*) / sum(count(*)) OVER () AS pct "
        "FROM marts.victims WHERE date BETWEEN ? AND ? GROUP BY 1",
        [YEAR_START, YEAR_END],
    ).set_index("weggebruiker")
    got = df.set_index("weggebruiker")
    assert got["waarde"].to_dict() == expected["n"].to_dict()
    assert got["aandeel"].round(6).to_dict() == expected["pct"].round(6).to_dict()
    assert float(got["totaal"].iloc[0]) == expected["n"].sum()

    at = run_app(
        "exploration",
        {
            "periode": "vorigjaar",
            "gegevens": "victims",
            "indeling1": "Type weggebruiker",
            "indeling2": "Geen",
            "weergave": "aandeel",
        },
    )
    table = at.dataframe[0].value.set_index("Type weggebruiker")
    small = table["Aantal slachtoffers"] < 5
    assert small.any()
    assert (table.loc[small, "Aandeel (%)"] == "–").all()
    assert (table.loc[~small, "Aandeel (%)"] != "–").all()
    for road_user in table.index[~small]:
        shown = float(table.loc[road_user, "Aandeel (%)"].replace(",", "."))
        assert shown == pytest.approx(expected.loc[road_user, "pct"], abs=0.051)


@pytest.mark.parametrize(
    ("dataset_key", "dims", "sql", "where"),
    [
        (
            "incidents",
            ("Kwartaal", "Uur"),
            "SELECT CAST(date_trunc('quarter', date) AS DATE) AS kwartaal, hour AS uur, "
            "count(*) AS n FROM marts.incidents t WHERE date BETWEEN ? AND ? GROUP BY 1, 2",
            None,
        ),
        (
            "accidents",
            ("Weekdag", "Categorie"),
            "SELECT weekday AS weekdag, severity AS categorie, count(*) AS n "
            "FROM marts.accidents t WHERE source = 'zone' AND date BETWEEN ? AND ? GROUP BY 1, 2",
            None,
        ),
        (
            "tasks",
            ("Deelgemeente", "Status"),
            "SELECT coalesce(dg.name, 'Zonder deelgemeente') AS deelgemeente, status, count(*) AS n "
            "FROM marts.tasks t LEFT JOIN marts.districts w ON w.layer = 'wijk' AND w.code = t.wijk_code "
            "LEFT JOIN marts.districts dg ON dg.layer = 'deelgemeente' AND dg.code = w.parent_code "
            "WHERE CAST(received_at AS DATE) BETWEEN ? AND ? GROUP BY 1, 2",
            None,
        ),
        (
            "controls",
            ("Gemeente", "Jaar"),
            "SELECT coalesce(g.name, 'Zonder gemeente') AS gemeente, year(CAST(started_at AS DATE)) AS jaar, "
            "count(*) AS n FROM marts.controls t "
            "LEFT JOIN marts.districts w ON w.layer = 'wijk' AND w.code = t.wijk_code "
            "LEFT JOIN marts.districts g ON g.layer = 'gemeente' AND g.code = w.nis_code "
            "WHERE CAST(started_at AS DATE) BETWEEN ? AND ? GROUP BY 1, 2",
            None,
        ),
        (
            "accidents_statbel",
            ("Maand",),
            "SELECT make_date(year, month, 1) AS maand, count(*) AS n FROM marts.accidents "
            "WHERE source = 'statbel' AND make_date(year, month, 1) BETWEEN ? AND ? GROUP BY 1",
            None,
        ),
    ],
)
def test_group_by_combinations_match_sql(demo_warehouse, dataset_key, dims, sql, where):
    version = _db.warehouse_version()
    got = common.explore(version, dataset_key, dims, YEAR_START, YEAR_END)
    expected = wh(sql, [YEAR_START, YEAR_END])
    keys = [common.dimension_column(dataset_key, d) for d in dims]
    for key in keys:
        if key in ("kwartaal", "maand"):
            got[key] = pd.to_datetime(got[key])
            expected[key] = pd.to_datetime(expected[key])
    left = got.set_index(keys)["waarde"].sort_index()
    right = expected.set_index(keys)["n"].sort_index()
    assert left.to_dict() == right.to_dict()
    assert int(got["totaal"].iloc[0]) == int(expected["n"].sum())


def test_unknown_dimension_or_measure_refused(demo_warehouse):
    version = _db.warehouse_version()
    with pytest.raises(ValueError):
        common.explore(version, "incidents", ("t.pv_number",), YEAR_START, YEAR_END)
    with pytest.raises(ValueError):
        common.explore(version, "incidents", ("Kanaal",), YEAR_START, YEAR_END)  # nuisance only
    with pytest.raises(ValueError):
        common.explore(version, "incidents", ("Wijk",), YEAR_START, YEAR_END, per="x")
    with pytest.raises(ValueError):
        common.explore(version, "incidents", ("Maand",), YEAR_START, YEAR_END, per="inwoners")


def test_heatmap_and_downloads(demo_warehouse):
    at = run_app(
        "exploration",
        {
            "periode": "vorigjaar",
            "gegevens": "accidents",
            "indeling1": "Uur",
            "indeling2": "Weekdag",
            "grafiek": "Heatmap",
        },
    )
    chart = at.get("plotly_chart")[0]
    assert '"type":"heatmap"' in chart.proto.spec.replace(" ", "")
    assert set(_downloads(at)) == {"Download CSV", "Download Excel", "Download Parquet"}
    year = last_28_days()[1].year - 1
    n = count("SELECT count(*) FROM marts.accidents WHERE source = 'zone' AND year = ?", [year])
    assert metrics(at)["Totaal (aantal ongevallen)"] == nl(n)
    table = at.dataframe[0].value
    assert list(table.columns) == ["Uur", "Weekdag", "Aantal ongevallen"]
    assert set(table["Weekdag"]) <= {
        "maandag",
        "dinsdag",
        "woensdag",
        "donderdag",
        "vrijdag",
        "zaterdag",
        "zondag",
    }


def test_download_formats_round_trip():
    from dashboard.components.format import to_parquet_bytes, to_xlsx_bytes

    df = pd.DataFrame(
        {
            "Maand": pd.to_datetime(["2025-01-01", "2025-02-01"]),
            "Wijk": ["W01", "W02"],
            "Aantal": [3, 12],
        }
    )
    assert pd.read_excel(io.BytesIO(to_xlsx_bytes(df)), engine="openpyxl").equals(df)
    assert pd.read_parquet(io.BytesIO(to_parquet_bytes(df))).equals(df)


@pytest.mark.parametrize(
    ("dataset_key", "measure", "sql"),
    [
        (
            "controls",
            "Overtredingen",
            "SELECT control_type AS categorie, sum(offences) AS n FROM marts.controls "
            "WHERE CAST(started_at AS DATE) BETWEEN ? AND ? GROUP BY 1",
        ),
        (
            "tasks",
            "Over termijn",
            "SELECT task_type AS categorie, count(*) FILTER (WHERE is_overdue) AS n "
            "FROM marts.tasks WHERE CAST(received_at AS DATE) BETWEEN ? AND ? GROUP BY 1",
        ),
        (
            "tasks",
            "Te controleren",
            "SELECT task_type AS categorie, count(*) FILTER (WHERE to_review) AS n "
            "FROM marts.tasks WHERE CAST(received_at AS DATE) BETWEEN ? AND ? GROUP BY 1",
        ),
        (
            "victims",
            "Kwetsbare weggebruikers",
            "SELECT severity AS categorie, count(*) FILTER (WHERE is_vulnerable) AS n "
            "FROM marts.victims WHERE date BETWEEN ? AND ? GROUP BY 1",
        ),
    ],
)
def test_other_measures_match_sql(demo_warehouse, dataset_key, measure, sql):
    version = _db.warehouse_version()
    got = common.explore(
        version, dataset_key, ("Categorie",), YEAR_START, YEAR_END, measure=measure
    ).set_index("categorie")["waarde"]
    expected = wh(sql, [YEAR_START, YEAR_END]).set_index("categorie")["n"]
    assert got.astype(int).sort_index().to_dict() == expected.astype(int).sort_index().to_dict()


def test_months_the_period_covers_in_part_say_which_days(demo_warehouse):
    """17 April to 14 May by month: "april 2026 (17–30)" and "mei 2026 (1–14)", not two
    whole months (the chart showed a drop that was only missing days); whole months stay
    plain, and Statbel, which knows only the month, counts whole months and says nothing."""
    window = {"periode": "aangepast", "van": "2026-04-17", "tot": "2026-05-14"}
    at = run_app("exploration", {**window, "indeling1": "Maand", "indeling2": "Geen"})
    table = at.dataframe[0].value
    assert table["Maand"].tolist() == ["april 2026 (17–30)", "mei 2026 (1–14)"]
    assert int(table["Aantal"].iloc[1]) == count(
        "SELECT count(*) FROM marts.incidents WHERE date BETWEEN '2026-05-01' AND '2026-05-14'"
    )
    at = run_app("exploration", {**window, "indeling1": "Kwartaal", "indeling2": "Geen"})
    assert at.dataframe[0].value["Kwartaal"].tolist() == ["K2 2026 (17/04–14/05)"]
    # One day of a month is named by its date: "april 2026 (30–30)" read as a typing error.
    one_day = {"periode": "aangepast", "van": "2026-04-30", "tot": "2026-05-14"}
    at = run_app("exploration", {**one_day, "indeling1": "Maand", "indeling2": "Geen"})
    assert at.dataframe[0].value["Maand"].tolist() == ["april 2026 (30/04)", "mei 2026 (1–14)"]
    whole = {"periode": "aangepast", "van": "2026-04-01", "tot": "2026-05-31"}
    at = run_app("exploration", {**whole, "indeling1": "Maand", "indeling2": "Geen"})
    assert at.dataframe[0].value["Maand"].tolist() == ["april 2026", "mei 2026"]
    at = run_app(
        "exploration",
        {**window, "gegevens": "accidents_statbel", "indeling1": "Maand", "indeling2": "Geen"},
    )
    assert at.dataframe[0].value["Maand"].tolist() == ["april 2026", "mei 2026"]


def test_rate_per_1000_with_a_wijk_filter_counts_only_its_inhabitants(demo_warehouse):
    """With only Herent-Centrum chosen, grouped per gemeente, Herent's rate divided that
    wijk's feiten by all 21,920 inhabitants of Herent, and the page's "Inwoners" tile said
    so; grouped per gemeente and wijk, the tile took one wijk's population per gemeente."""
    version = _db.warehouse_version()
    pops = wh("SELECT code, name, population FROM marts.districts WHERE layer = 'wijk'")
    w01 = pops.set_index("code").loc["W01"]
    got = common.explore(
        version, "incidents", ("Gemeente",), YEAR_START, YEAR_END, ("W01",), per="inwoners"
    )
    n = count(
        "SELECT count(*) FROM marts.incidents WHERE wijk_code = 'W01' AND date BETWEEN ? AND ?",
        [YEAR_START, YEAR_END],
    )
    row = got.set_index("gemeente").loc["Herent"]
    assert row["waarde"] == n
    assert row["inwoners"] == w01["population"]
    assert row["per_1000"] == pytest.approx(1000 * n / w01["population"])
    # Without a filter, the gemeente's own population, as before.
    whole = common.explore(
        version, "incidents", ("Gemeente",), YEAR_START, YEAR_END, per="inwoners"
    ).set_index("gemeente")
    assert whole.loc["Herent", "inwoners"] == count(
        "SELECT population FROM marts.districts WHERE layer = 'gemeente' AND name = 'Herent'"
    )

    at = run_app(
        "exploration",
        {
            "periode": "vorigjaar",
            "gegevens": "incidents",
            "indeling1": "Gemeente",
            "indeling2": "Wijk",
            "weergave": "inwoners",
        },
    )
    assert metrics(at)["Inwoners (gebieden in de tabel)"] == nl(int(pops["population"].sum()))


def test_statbel_measures_count_accidents_not_victims(demo_warehouse):
    """Statbel has no victims: its 'Slachtoffers (totaal)' summed NULLs and showed 0 for
    every group, and 'Doden' counted accidents. Its measures say what they count."""
    version = _db.warehouse_version()
    assert list(common.dataset("accidents_statbel").measures) == [
        "Aantal ongevallen",
        "Letselongevallen",
        "Dodelijke ongevallen",
        "Ongevallen met zwaargewonden",
        "Ongevallen met lichtgewonden",
    ]
    got = common.explore(
        version,
        "accidents_statbel",
        ("Jaar",),
        YEAR_START,
        YEAR_END,
        measure="Ongevallen met lichtgewonden",
    )
    expected = count(
        "SELECT count(*) FROM marts.accidents WHERE source = 'statbel' AND year = 2025 "
        "AND severity = 'Lichtgewond'"
    )
    assert expected > 0 and int(got["waarde"].sum()) == expected


def test_open_tasks_say_they_are_those_received_in_the_period(demo_warehouse):
    """'Open' tasks here are the period's received tasks still open, fewer than Werklast's
    open tasks for the same period (91 against 167 for 28 days): the page now says so."""
    at = run_app("exploration", {"periode": "28d", "gegevens": "tasks", "maat": "Open"})
    assert any("ontvangen zijn en op de referentiedatum nog open" in c.value for c in at.caption)
    at = run_app("exploration", {"periode": "28d", "gegevens": "tasks", "maat": "Te controleren"})
    assert any(
        "op de referentiedatum op de controle van de wijkcoördinator wachten" in c.value
        for c in at.caption
    )
    at = run_app("exploration", {"periode": "28d", "gegevens": "tasks", "maat": "Aantal"})
    assert not any("referentiedatum" in c.value for c in at.caption)


def test_downloads_hold_the_table_as_shown(demo_warehouse, monkeypatch):
    """CSV, Excel and Parquet held the raw values (weekday 1–7, a month as a date, the
    partial-month note lost), not the table shown; now the labels, each with its raw key
    beside it."""
    from dashboard.components import format as fmt
    from dashboard.components import layout

    exported = {}
    original = layout.table_downloads

    def keep(df, stem, key):
        exported["df"] = df
        exported["csv"] = fmt.to_csv_bytes(df)
        exported["parquet"] = fmt.to_parquet_bytes(df)
        return original(df, stem, key)

    monkeypatch.setattr(layout, "table_downloads", keep)
    window = {"periode": "aangepast", "van": "2026-04-17", "tot": "2026-05-14"}
    at = run_app("exploration", {**window, "indeling1": "Weekdag", "indeling2": "Maand"})
    shown = at.dataframe[0].value
    df = exported["df"]
    assert list(df.columns) == [
        "Weekdag",
        "Weekdag (nr, 1 = maandag)",
        "Maand",
        "Maand (eerste dag)",
        "Aantal",
    ]
    # The labels and counts of the table, row for row.
    for column in ("Weekdag", "Maand", "Aantal"):
        assert df[column].tolist() == shown[column].tolist(), column
    assert set(df["Maand"]) == {"april 2026 (17–30)", "mei 2026 (1–14)"}
    assert set(df["Weekdag"]) <= set(WEEKDAYS_NL)
    weekday_no = dict(zip(df["Weekdag"], df["Weekdag (nr, 1 = maandag)"], strict=False))
    assert weekday_no["maandag"] == 1 and weekday_no["zondag"] == 7
    firsts = {pd.Timestamp(v).date() for v in df["Maand (eerste dag)"]}
    assert firsts == {date(2026, 4, 1), date(2026, 5, 1)}
    text = exported["csv"].decode("utf-8-sig")
    assert "maandag;1;april 2026 (17–30)" in text.replace("\r\n", "\n")
    back = pd.read_parquet(io.BytesIO(exported["parquet"]))
    assert back["Maand"].tolist() == df["Maand"].tolist()


WEEKDAYS_NL = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")


# -- review of Verkenning (session 22) ----------------------------------------------------

WEEKDAYS = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]


def test_heatmap_rows_run_in_their_own_order_not_alphabetically(demo_warehouse):
    """The heatmap's weekday axis read 'dinsdag, donderdag, maandag, ...' (the pivot sorted
    the Dutch labels as text); a month axis 'april 2024, april 2025, augustus 2024'."""
    at = run_app(
        "exploration",
        {"periode": "vorigjaar", "gegevens": "accidents", "indeling1": "Uur",
         "indeling2": "Weekdag", "grafiek": "Heatmap"},
    )  # fmt: skip
    [heatmap] = json.loads(at.get("plotly_chart")[0].proto.spec)["data"]
    assert list(heatmap["y"]) == [d for d in WEEKDAYS if d in heatmap["y"]]
    first = pd.Timestamp(wh("SELECT min(date) FROM marts.incidents").iat[0, 0])
    at = run_app(
        "exploration",
        {"periode": "aangepast", "van": f"{first.year}-01-01", "tot": f"{first.year + 1}-12-31",
         "indeling1": "Jaar", "indeling2": "Maand", "grafiek": "Heatmap"},
    )  # fmt: skip
    [heatmap] = json.loads(at.get("plotly_chart")[0].proto.spec)["data"]
    months = pd.period_range(first, periods=3, freq="M")
    dutch = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
             "september", "oktober", "november", "december"]  # fmt: skip
    assert list(heatmap["y"][:3]) == [f"{dutch[m.month - 1]} {m.year}" for m in months]


def test_a_year_before_the_data_says_which_days_it_holds(demo_warehouse):
    """The data's first year holds only its last months: it showed as a whole year beside
    the next one's full count (on the demo 268 against 3.447, a tenfold 'rise')."""
    first = pd.Timestamp(wh("SELECT min(date) FROM marts.incidents").iat[0, 0])
    assert first.month > 1, "de demodata beginnen in januari"
    at = run_app(
        "exploration",
        {"periode": "aangepast", "van": f"{first.year}-01-01", "tot": f"{first.year + 1}-12-31",
         "indeling1": "Jaar", "indeling2": "Geen"},
    )  # fmt: skip
    years = list(at.dataframe[0].value["Jaar"])
    # Known from the first month of the data (a quiet first day is no missing export).
    assert years[0] == f"{first.year} (01/{first:%m}–31/12)"
    assert years[1] == str(first.year + 1)


def test_the_map_counts_every_area_when_the_table_is_cut(demo_warehouse, monkeypatch):
    """Dag × Wijk over three years has more than 5.000 groups: the table keeps the largest,
    and the map, summed from it, left quiet wijken a third short (Herent-Noord 120 of 173).
    The map has its own count per area, and its tooltip says what an area is."""
    from dashboard.components import maps

    drawn = []
    real = maps.add_choropleth

    def record(m, shapes, values, *args, **kwargs):
        drawn.append((values, kwargs))
        return real(m, shapes, values, *args, **kwargs)

    monkeypatch.setattr(maps, "add_choropleth", record)
    # The tests' demo zone is too small to reach 5.000 groups: here the table query keeps
    # its 100 largest, as the limit does for a real zone.
    explore = common.explore

    def cut(version, key, dims, *args, **kwargs):
        out = explore(version, key, dims, *args, **kwargs)
        return out.nlargest(100, "waarde") if len(dims) > 1 else out

    monkeypatch.setattr(common, "explore", cut)
    exploration.explore_table.clear()  # not a table cached from the uncut query
    end = last_28_days()[1]
    start = date(end.year - 2, 1, 1)
    at = run_app(
        "exploration",
        {"periode": "aangepast", "van": str(start), "tot": str(end), "indeling1": "Dag",
         "indeling2": "Wijk"},
    )  # fmt: skip
    # The groups of the cut table, and no 0 beside them: groups the query cut are no
    # groups without records.
    table = at.dataframe[0].value
    assert len(table) == 100 and (table["Aantal"] > 0).all()
    [(values, kwargs)] = drawn
    expected = wh(
        "SELECT w.code, count(*) AS n FROM marts.incidents t JOIN marts.districts w "
        "ON w.layer = 'wijk' AND w.code = t.wijk_code WHERE t.date BETWEEN ? AND ? GROUP BY 1",
        [start, end],
    ).set_index("code")["n"]
    assert {k: int(v) for k, v in values.items()} == expected.to_dict()
    assert kwargs["area_label"] == "Wijk"
    drawn.clear()
    run_app("exploration", {"periode": "vorigjaar", "indeling1": "Gemeente", "indeling2": "Geen"})
    assert drawn[0][1]["area_label"] == "Gemeente"


# -- the chart draws every group, also those without records (session 22) ----------------

MONTHS_NL = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
             "september", "oktober", "november", "december"]  # fmt: skip


def _chart(at) -> list[dict]:
    return json.loads(at.get("plotly_chart")[0].proto.spec)["data"]


def test_a_line_per_category_has_every_month_with_0_where_nothing_happened(demo_warehouse):
    """common.explore returns only groups with records: the line of "Zwaargewond" jumped
    from August to November over two months of 0, and "Gedood binnen 30 dagen" was two dots
    instead of twelve months of mostly 0."""
    at = run_app(
        "exploration",
        {"periode": "vorigjaar", "gegevens": "victims", "indeling1": "Maand",
         "indeling2": "Categorie", "grafiek": "Lijn"},
    )  # fmt: skip
    year = last_28_days()[1].year - 1
    months = [f"{m} {year}" for m in MONTHS_NL]
    table = at.dataframe[0].value
    assert list(table.columns) == ["Maand", "Letsel", "Aantal slachtoffers"]
    # The table, like the chart, has every month of every category: 0 where nothing
    # happened (it used to leave those months out).
    assert len(table) == 12 * table["Letsel"].nunique()
    assert (table["Aantal slachtoffers"] == 0).any(), "de demodata missen geen maand"
    assert list(table["Maand"].drop_duplicates()) == months
    expected = wh(
        "SELECT CAST(severity AS VARCHAR) AS letsel, month, count(*) AS n FROM marts.victims "
        "WHERE year = ? GROUP BY ALL",
        [year],
    )
    records = {(r.letsel, months[r.month - 1]): int(r.n) for r in expected.itertuples()}
    counts = table.set_index(["Letsel", "Maand"])["Aantal slachtoffers"]
    assert {k: int(v) for k, v in counts.items() if v} == records
    traces = _chart(at)
    assert {t["name"] for t in traces} == set(table["Letsel"])
    for trace in traces:
        assert list(trace["x"]) == months, trace["name"]
        expected_y = [int(counts[(trace["name"], m)]) for m in months]
        assert plotly_array(trace["y"]).tolist() == expected_y, trace["name"]


def test_a_count_heatmap_of_hour_by_weekday_has_no_blank_cell(demo_warehouse):
    """A pair without accidents was a blank cell, which reads like a rate hidden for a too
    small base; it is 0. Every hour and every weekday has its row and column."""
    at = run_app(
        "exploration",
        {"periode": "vorigjaar", "gegevens": "victims", "indeling1": "Uur",
         "indeling2": "Weekdag", "grafiek": "Heatmap", "categorie": "Zwaargewond"},
    )  # fmt: skip
    table = at.dataframe[0].value
    # Every pair in the table too, 0 included.
    assert len(table) == 7 * 24
    zeros = int((table["Aantal slachtoffers"] == 0).sum())
    assert zeros > 0, "de demodata vullen elk paar"
    [heatmap] = _chart(at)
    assert list(heatmap["x"]) == [f"{h:02d} u" for h in range(24)]
    assert list(heatmap["y"]) == WEEKDAYS
    z = plotly_array(heatmap["z"]).astype(float)
    assert z.shape == (7, 24)
    assert not pd.isna(z).any()
    assert int(z.sum()) == int(table["Aantal slachtoffers"].sum())
    assert (z == 0).sum() == zeros


def test_a_hidden_share_stays_a_gap_and_impossible_pairs_stay_blank(demo_warehouse):
    """Filled out, a month without records has no share (a base of 0 is too small: a gap,
    not 0). Two time groupings are only filled where they meet: a month belongs to one
    year, so a heatmap of Jaar × Maand holds no 0 for "januari 2025" in 2024."""
    at = run_app(
        "exploration",
        {"periode": "vorigjaar", "gegevens": "victims", "indeling1": "Maand",
         "indeling2": "Categorie", "weergave": "aandeel", "grafiek": "Lijn"},
    )  # fmt: skip
    table = at.dataframe[0].value
    for trace in _chart(at):
        y = plotly_array(trace["y"]).astype(float)
        assert len(y) == 12, trace["name"]
        shown = table[table["Letsel"] == trace["name"]]["Aandeel (%)"]
        # Gaps: the months without records plus those hidden for a small base ("–").
        assert pd.isna(y).sum() == 12 - (shown != "–").sum(), trace["name"]
    end = last_28_days()[1]
    at = run_app(
        "exploration",
        {"periode": "aangepast", "van": f"{end.year - 2}-01-01", "tot": f"{end.year - 1}-12-31",
         "indeling1": "Jaar", "indeling2": "Maand", "grafiek": "Heatmap"},
    )  # fmt: skip
    [heatmap] = _chart(at)
    assert len(heatmap["x"]) == 2
    z = plotly_array(heatmap["z"]).astype(float)
    # One value per month, in its own year; the other year's cell stays blank.
    assert (~pd.isna(z)).sum(axis=1).tolist() == [1] * len(heatmap["y"])


# -- the table holds the groups without records too (session 23) -------------------------


def test_the_table_and_its_downloads_hold_every_pair_with_0_where_nothing_happened(
    demo_warehouse, monkeypatch
):
    """Wijk × Categorie over four weeks listed only the pairs with records: a wijk without
    a burglary was no row at all, in the table and in the Excel for a report, so a reader
    could not tell 0 from a pair left out. Now every pair of the wijken and categories in
    the table is a row (0 where nothing happened), as in the chart; a rate per 1,000
    inhabitants on 0 records is a gap, beside the wijk's population."""
    from dashboard.components import layout

    exported = {}
    original = layout.table_downloads

    def keep(df, stem, key):
        exported["df"] = df
        return original(df, stem, key)

    monkeypatch.setattr(layout, "table_downloads", keep)
    start, end = last_28_days()
    window = {"periode": "aangepast", "van": str(start), "tot": str(end)}
    at = run_app("exploration", {**window, "indeling1": "Wijk", "indeling2": "Categorie"})
    table = at.dataframe[0].value
    expected = wh(
        WIJK_SQL.format(cols="category,", table="marts.incidents", where=""), [start, end]
    )
    records = {(r.wijk, r.category): int(r.n) for r in expected.itertuples()}
    # Every wijk of the zone (also one without records) and "Zonder wijk" when it has any.
    zone = set(wh("SELECT name FROM marts.districts WHERE layer = 'wijk'")["name"])
    wijken, categories = zone | {w for w, _ in records}, {c for _, c in records}
    assert len(table) == len(wijken) * len(categories)
    counts = {(r[0], r[1]): int(r[2]) for r in table.itertuples(index=False)}
    assert set(counts) == {(w, c) for w in wijken for c in categories}
    assert {k: v for k, v in counts.items() if v} == records
    assert 0 in counts.values(), "elke wijk heeft elke categorie"
    # In the order of the groupings, as before: wijk, then category.
    assert table[["Wijk", "Categorie"]].apply(tuple, axis=1).is_monotonic_increasing
    assert metrics(at)["Groepen met gegevens"] == nl(len(records))
    assert len(exported["df"]) == len(table)
    assert exported["df"]["Aantal"].tolist() == table["Aantal"].tolist()

    at = run_app(
        "exploration",
        {**window, "indeling1": "Wijk", "indeling2": "Categorie", "weergave": "inwoners"},
    )
    table = at.dataframe[0].value
    populations = wh(
        "SELECT name AS wijk, population FROM marts.districts WHERE layer = 'wijk'"
    ).set_index("wijk")["population"]
    zero = table[table["Aantal"] == 0]
    assert len(zero) > 0
    assert (zero["Per 1.000 inwoners"] == "–").all()
    for row in zero[zero["Wijk"] != "Zonder wijk"].itertuples(index=False):
        assert int(str(row.Inwoners).replace(".", "")) == int(populations[row.Wijk])


def test_every_wijk_is_a_row_also_one_without_a_single_record(demo_warehouse):
    """Grouped by wijk, a wijk without one record of the chosen category in the period was
    no row at all (only pairs of values present in the data were filled): the table of
    burglaries per wijk for the mayor's report lacked exactly the wijken that had none.
    Every wijk of the zone is a row now, with its population for a rate; with a wijk
    filter, the wijken chosen."""
    start, end = last_28_days()
    rare = wh(
        "SELECT category, count(DISTINCT wijk_code) AS n FROM marts.incidents "
        "WHERE date BETWEEN ? AND ? AND wijk_code IS NOT NULL GROUP BY 1 ORDER BY n, 1 LIMIT 1",
        [start, end],
    )
    category = str(rare["category"].iloc[0])
    wijken = wh("SELECT code, name, population FROM marts.districts WHERE layer = 'wijk'")
    assert int(rare["n"].iloc[0]) < len(wijken), "elke categorie komt in elke wijk voor"
    window = {"periode": "aangepast", "van": str(start), "tot": str(end)}
    params = {**window, "indeling1": "Wijk", "indeling2": "Geen", "categorie": category}
    table = run_app("exploration", {**params, "weergave": "inwoners"}).dataframe[0].value
    expected = wh(
        WIJK_SQL.format(cols="", table="marts.incidents", where="AND category = ?"),
        [start, end, category],
    ).set_index("wijk")["n"]
    shown = table.set_index("Wijk")
    assert set(wijken["name"]) <= set(shown.index)
    for row in wijken.itertuples():
        assert int(shown.loc[row.name, "Aantal"]) == int(expected.get(row.name, 0)), row.name
        assert int(str(shown.loc[row.name, "Inwoners"]).replace(".", "")) == row.population
    # A wijk filter: its wijken, no others.
    chosen = wijken.sort_values("code")["code"].tolist()[:2]
    table = run_app("exploration", {**params, "wijk": chosen}).dataframe[0].value
    names = set(wijken.set_index("code").loc[chosen, "name"])
    assert set(table["Wijk"]) - {"Zonder wijk"} == names


def test_with_a_wijk_filter_every_deelgemeente_of_its_wijken_is_a_row(demo_warehouse):
    """Grouped by deelgemeente (or gemeente) with a wijk filter, only the deelgemeenten with
    a record were rows: the deelgemeente of a chosen wijk without one burglary was missing,
    where grouped by wijk that wijk is a row of 0. Now every area the chosen wijken lie in
    is a row, with the chosen wijken's inhabitants, and no other area."""
    start, end = last_28_days()
    per_wijk = wh(
        "SELECT w.code, w.parent_code, dg.name AS deelgemeente, t.category, count(*) AS n "
        "FROM marts.incidents t JOIN marts.districts w ON w.layer = 'wijk' "
        "AND w.code = t.wijk_code JOIN marts.districts dg ON dg.layer = 'deelgemeente' "
        "AND dg.code = w.parent_code WHERE t.date BETWEEN ? AND ? GROUP BY ALL",
        [start, end],
    )
    wijken = wh("SELECT code, name, parent_code, population FROM marts.districts "
                "WHERE layer = 'wijk' ORDER BY code")  # fmt: skip
    # A category, a deelgemeente with a record of it and one whose wijken have none.
    found = None
    for category, rows in per_wijk.groupby("category", observed=True):
        quiet = wijken[~wijken["parent_code"].isin(set(rows["parent_code"]))]
        if len(quiet):
            found = str(category), rows.iloc[0], quiet.iloc[0]
            break
    assert found, "elke categorie komt in elke deelgemeente voor"
    category, busy, quiet = found
    chosen = tuple(sorted({busy["code"], quiet["code"]}))
    version = _db.warehouse_version()
    got = exploration.explore_table(
        version, "incidents", ("Deelgemeente",), start, end, chosen, (category,),
        per="inwoners",
    )  # fmt: skip
    data = got.data.set_index("deelgemeente")
    quiet_name = wh("SELECT name FROM marts.districts WHERE layer = 'deelgemeente' AND code = ?",
                    [quiet["parent_code"]])["name"].iloc[0]  # fmt: skip
    assert set(data.index) == {busy["deelgemeente"], quiet_name}
    assert data.loc[quiet_name, "waarde"] == 0
    assert data.loc[quiet_name, "inwoners"] == quiet["population"]
    assert got.with_records == 1 and not got.cut
    assert (
        data.loc[busy["deelgemeente"], "waarde"]
        == per_wijk[(per_wijk["code"] == busy["code"]) & (per_wijk["category"] == category)][
            "n"
        ].sum()
    )
    # The page shows the same rows.
    at = run_app(
        "exploration",
        {"periode": "aangepast", "van": str(start), "tot": str(end), "indeling1": "Deelgemeente",
         "indeling2": "Geen", "categorie": category, "wijk": list(chosen)},
    )  # fmt: skip
    table = at.dataframe[0].value
    assert sorted(table["Deelgemeente"]) == sorted(data.index)


def test_a_line_into_a_month_the_period_holds_in_part_is_dotted(demo_warehouse):
    """17 March to 14 June by month: March (17–31) and June (1–14) are half months. The
    line ran solid into them, and the end of a 28-day window read as a collapse; the piece
    into each is dotted with a hollow marker, outside the legend, and the caption says
    why. A window of whole months draws no dotted piece and says nothing."""
    params = {"periode": "aangepast", "van": "2026-03-17", "tot": "2026-06-14",
              "indeling1": "Maand", "indeling2": "Geen", "grafiek": "Lijn"}  # fmt: skip
    at = run_app("exploration", params)
    table = at.dataframe[0].value.set_index("Maand")["Aantal"]
    months = ["maart 2026 (17–31)", "april 2026", "mei 2026", "juni 2026 (1–14)"]
    assert list(table.index) == months
    solid, *dotted = _chart(at)
    assert list(solid["x"]) == months[1:3]
    assert plotly_array(solid["y"]).tolist() == [int(table[m]) for m in months[1:3]]
    assert solid.get("line", {}).get("dash") in (None, "solid")
    pieces = {tuple(p["x"]): p for p in dotted}
    assert set(pieces) == {tuple(months[:2]), tuple(months[2:])}
    for xs, piece in pieces.items():
        assert piece["line"]["dash"] == "dot" and piece["showlegend"] is False
        assert plotly_array(piece["y"]).tolist() == [int(table[m]) for m in xs]
    assert pieces[tuple(months[2:])]["marker"]["symbol"] == ["circle", "circle-open"]
    assert any(c.value.startswith("Gestippeld") for c in at.caption)
    # Two half months and nothing whole between them: the line itself is dotted, and stays
    # in the legend (a trace without points left it).
    short = {**params, "van": "2026-04-17", "tot": "2026-05-14", "indeling2": "Categorie"}
    lines = _chart(run_app("exploration", short))
    assert len(lines) == len({t["name"] for t in lines}) > 1  # one per category, no pieces
    for line in lines:
        assert list(line["x"]) == ["april 2026 (17–30)", "mei 2026 (1–14)"]
        assert line["line"]["dash"] == "dot" and line.get("showlegend", True)
    # A share of the total is no smaller for fewer days: solid.
    at = run_app("exploration", {**params, "indeling2": "Categorie", "weergave": "aandeel"})
    assert all(t.get("line", {}).get("dash") in (None, "solid") for t in _chart(at))
    assert not any(c.value.startswith("Gestippeld") for c in at.caption)
    # As bars: the half months hatched, the whole ones plain.
    at = run_app("exploration", {**params, "grafiek": "Staaf"})
    [bars] = _chart(at)
    assert bars["marker"]["pattern"]["shape"] == ["/", "", "", "/"]
    assert any(c.value.startswith("Gearceerd: een periode") for c in at.caption)
    whole = {**params, "van": "2026-03-01", "tot": "2026-05-31"}
    at = run_app("exploration", whole)
    assert len(_chart(at)) == 1
    assert not any(c.value.startswith("Gestippeld") for c in at.caption)


def test_a_line_per_category_has_colours_told_apart(demo_warehouse):
    """Every category's line its own colour of the house palette (Dark24 gave two near-
    identical magentas among twelve lines)."""
    from dashboard.components.charts import SERIES_COLOURS

    spec = json.loads(
        run_app("exploration", {"periode": "vorigjaar"}).get("plotly_chart")[0].proto.spec
    )
    colours = [t["line"]["color"] for t in spec["data"] if t.get("line", {}).get("color")]
    assert len(colours) >= 5
    assert len(set(colours)) == len(colours)
    assert set(colours) <= set(SERIES_COLOURS)


def test_statbel_months_after_the_file_are_unknown_not_0(statbel_to_2025):
    """A Statbel file up to 2025: the months of 2026 read as 0 injury accidents each, the
    line dropping to 0, with no warning (an audit). They are unknown, and the page says up
    to when the file runs."""
    window = {"periode": "aangepast", "van": "2025-07-01", "tot": "2026-06-30"}
    at = run_app(
        "exploration",
        {**window, "gegevens": "accidents_statbel", "indeling1": "Maand", "indeling2": "Geen"},
    )
    assert not at.exception
    table = at.dataframe[0].value
    months = table["Maand"].tolist()
    assert months[0] == "juli 2025" and months[-1] == "december 2025", months
    assert table["Aantal ongevallen"].sum() > 0
    assert any(
        w.value.startswith("Letselongevallen (Statbel): gegevens tot en met 31/12/2025")
        and "onbekend, niet 0" in w.value
        for w in at.warning
    ), [w.value for w in at.warning]


def test_a_cut_table_says_how_many_groups_hold_records(demo_warehouse, monkeypatch):
    """Dag × Wijk over three years keeps the 5,000 largest groups: the metric said "5.000
    groepen met gegevens" of 6,231, and the lines read as a daily level five times the
    real one (an audit). The metric counts every group, and the note says what is left out."""
    first = wh("SELECT CAST(min(date) AS VARCHAR) FROM marts.incidents").iat[0, 0]
    last = wh("SELECT CAST(max(date) AS VARCHAR) FROM marts.incidents").iat[0, 0]
    groups = count("SELECT count(*) FROM (SELECT DISTINCT date, wijk_name FROM marts.incidents)")
    # The test zone is smaller than the audit's: a limit it exceeds.
    monkeypatch.setattr(exploration, "ROW_LIMIT", groups // 2)
    assert groups > exploration.ROW_LIMIT, "testgeval toont niets: de tabel wordt niet ingekort"
    window = {"periode": "aangepast", "van": first, "tot": last}
    at = run_app("exploration", {**window, "indeling1": "Dag", "indeling2": "Wijk"})
    assert not at.exception
    assert metrics(at)["Groepen met gegevens"] == nl(groups)
    note = next(c.value for c in at.caption if "grootste van de" in c.value)
    assert f"Enkel de {nl(exploration.ROW_LIMIT)} grootste van de {nl(groups)} groepen" in note
    assert "de andere ontbreken (geen 0)" in note


def test_week_by_year_takes_the_weeks_own_year(demo_warehouse):
    """Week × Jaar split ISO week 1 of 2025 over 2024 (30-31/12) and 2025, the 2024 line
    ending on a low count drawn solid (an audit): a week's year is its ISO year."""
    version = _db.warehouse_version()
    got = common.explore(
        version, "incidents", ("Week", "Jaar"), date(2024, 1, 1), date(2025, 12, 31)
    )
    got["week"] = pd.to_datetime(got["week"]).dt.date
    week1 = got[got["week"] == date(2024, 12, 30)]
    assert week1["jaar"].tolist() == [2025], week1
    expected = count(
        "SELECT count(*) FROM marts.incidents WHERE date BETWEEN '2024-12-30' AND '2025-01-05'"
    )
    assert int(week1["waarde"].iat[0]) == expected
    assert (got.groupby("week")["jaar"].nunique() == 1).all()
    # The table's grid (every week of the period, also without records) takes the same year.
    table = exploration.explore_table(
        version, "incidents", ("Week", "Jaar"), date(2024, 1, 1), date(2025, 12, 31)
    ).data
    table["week"] = pd.to_datetime(table["week"]).dt.date
    assert table[table["week"] == date(2024, 12, 30)]["jaar"].tolist() == [2025]
    assert (table.groupby("week")["jaar"].nunique() == 1).all()
    # Without the week, a year is the calendar year.
    years = common.explore(version, "incidents", ("Jaar",), date(2024, 1, 1), date(2025, 12, 31))
    assert int(years.set_index("jaar").at[2024, "waarde"]) == count(
        "SELECT count(*) FROM marts.incidents WHERE year(date) = 2024"
    )


def test_two_area_groupings_hold_only_the_zones_combinations(demo_warehouse):
    """Deelgemeente × Wijk made the grid of every deelgemeente with every wijk: 77 of 88
    rows zeros that cannot be ("Erps-Kwerps × Herent-Centrum = 0"; an audit). The table
    holds the zone's combinations, and any other that holds records."""
    version = _db.warehouse_version()
    table = exploration.explore_table(
        version, "incidents", ("Deelgemeente", "Wijk"), YEAR_START, YEAR_END
    )
    zone = wh(
        "SELECT DISTINCT dg.name, w.name FROM marts.districts w JOIN marts.districts dg "
        "ON dg.layer = 'deelgemeente' AND dg.code = w.parent_code WHERE w.layer = 'wijk'"
    )
    pairs = set(zone.itertuples(index=False, name=None))
    rows = list(table.data[["deelgemeente", "wijk"]].itertuples(index=False, name=None))
    other = [r for r, n in zip(rows, table.data["waarde"], strict=True) if r not in pairs]
    assert not [
        r for r, n in zip(rows, table.data["waarde"], strict=True) if r not in pairs and n == 0
    ]
    assert pairs <= set(rows)
    assert len(rows) == len(pairs) + len(other)


def test_pseudonyms_are_in_their_own_order(demo_warehouse):
    """The beleidscel's table per Wijkinspecteur was sorted by the real names before they
    became pseudonyms: the rows' order gave the names' alphabetical order (an audit)."""
    from dash_helpers import run_as

    from dashboard.auth.roles import Principal, Role

    at = run_as(
        Principal("bc", Role.BELEIDSCEL),
        "exploration",
        {"gegevens": "tasks", "indeling1": "Wijkinspecteur", "indeling2": "Geen"},
    )
    assert not at.exception
    column = at.dataframe[0].value.iloc[:, 0].tolist()
    assert all(str(v).startswith("INP-") for v in column if v != "Onbekend"), column
    named = [v for v in column if str(v).startswith("INP-")]
    assert named == sorted(named) and len(named) > 2


def test_month_of_the_year_lays_the_years_over_each_other(demo_warehouse):
    """Maand × Jaar drew 2024 over January-December 2024 and 2025 after it: the years
    never overlapped, and a month could not be set against the same month a year earlier
    (an audit). "Maand van het jaar" × Jaar draws one line per year over January-December."""
    window = {"periode": "aangepast", "van": "2025-01-01", "tot": "2026-10-31"}
    at = run_app("exploration", {**window, "indeling1": "Maand van het jaar", "indeling2": "Jaar"})
    assert not at.exception
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    lines = {t["name"][:4]: t for t in spec["data"]}
    assert set(lines) == {"2025", "2026"}, list(lines)
    assert spec["data"][0]["mode"].startswith("lines")
    for year, months in (("2025", 12), ("2026", 10)):
        trace = lines[year]
        assert list(trace["x"])[:2] == ["januari", "februari"] and len(trace["x"]) == months
        expected = (
            wh(
                "SELECT month(date) AS m, count(*) AS n FROM marts.incidents "
                "WHERE year(date) = ? AND date <= '2026-10-31' GROUP BY 1 ORDER BY 1",
                [int(year)],
            )
            .set_index("m")["n"]
            .reindex(range(1, months + 1), fill_value=0)
        )
        assert plotly_array(trace["y"]).astype(int).tolist() == expected.tolist(), year


def test_statbel_years_and_quarters_holding_some_months_say_which(demo_warehouse):
    """Statbel (months only) from November 2024: "2024 = 10" stood as a whole year, and
    "K4 2024" as a whole quarter, unmarked, while the zone's own accidents said which days
    they held (an audit). A year or quarter holding only some of Statbel's months names
    them and is hatched; a month, which Statbel counts whole, is never partial."""
    first = wh("SELECT first FROM marts.coverage WHERE domain = 'accidents_statbel'").iat[0, 0]
    first = pd.Timestamp(first).date()
    assert first.month not in (1, 4, 7, 10), "testgeval toont niets: begint op een kwartaal"
    statbel = {"gegevens": "accidents_statbel", "indeling2": "Geen", "grafiek": "Staaf"}
    at = run_app(
        "exploration",
        {"periode": "aangepast", "van": f"{first.year}-01-01", "tot": f"{first.year + 1}-12-31"}
        | statbel
        | {"indeling1": "Jaar"},
    )
    assert not at.exception
    years = at.dataframe[0].value["Jaar"].tolist()
    assert years == [f"{first.year} ({first:%d/%m}–31/12)", str(first.year + 1)], years
    assert any(c.value.startswith("Gearceerd") for c in at.caption)
    quarter = date(first.year, (first.month - 1) // 3 * 3 + 1, 1)
    at = run_app(
        "exploration",
        {"periode": "aangepast", "van": str(quarter), "tot": f"{first.year + 1}-06-30"}
        | statbel
        | {"indeling1": "Kwartaal"},
    )
    label = at.dataframe[0].value["Kwartaal"].iat[0]
    q = (first.month - 1) // 3 + 1
    end = pd.Timestamp(quarter) + pd.offsets.QuarterEnd(0)
    assert label == f"K{q} {first.year} ({first:%d/%m}–{end:%d/%m})", label
    # A period from the middle of a month: Statbel counts that month whole, unmarked, and
    # the quarter holds it from its first day.
    at = run_app(
        "exploration",
        {"periode": "aangepast", "van": "2025-03-15", "tot": "2025-06-30"}
        | statbel
        | {"indeling1": "Maand"},
    )
    assert at.dataframe[0].value["Maand"].iat[0] == "maart 2025"
    assert not any(c.value.startswith("Gearceerd") for c in at.caption)
    at = run_app(
        "exploration",
        {"periode": "aangepast", "van": "2025-03-15", "tot": "2025-06-30"}
        | statbel
        | {"indeling1": "Kwartaal"},
    )
    assert at.dataframe[0].value["Kwartaal"].tolist() == ["K1 2025 (01/03–31/03)", "K2 2025"]


def test_week_by_year_labels_the_iso_years_days(demo_warehouse):
    """Week × Jaar over 20/12/2024–12/01/2025 showed "2025 (01/01–12/01)" beside week 1 of
    2025, whose records include 30-31/12/2024, and "2024 (20/12–31/12)" for a year that
    ended on 29/12 (an audit): the grouping is by ISO year, the labels were calendar days.
    The labels give the ISO year's days in the period and say it is the ISO year."""
    window = {"periode": "aangepast", "van": "2024-12-20", "tot": "2025-01-12"}
    at = run_app("exploration", {**window, "indeling1": "Week", "indeling2": "Jaar"})
    assert not at.exception
    table = at.dataframe[0].value
    years = dict(zip(table["Week"], table["Jaar"], strict=True))
    assert years["week 1 (2025)"] == "2025 (ISO-jaar, 30/12/2024–12/01/2025)", years
    assert set(years.values()) == {
        "2024 (ISO-jaar, 20/12–29/12)",
        "2025 (ISO-jaar, 30/12/2024–12/01/2025)",
    }
    n = count(
        "SELECT count(*) FROM marts.incidents WHERE date BETWEEN '2024-12-30' AND '2025-01-12'"
    )
    assert int(table[table["Jaar"].str.startswith("2025")]["Aantal"].sum()) == n
    # A whole ISO year says it is one (its total is not the calendar year's; a review);
    # without the week a year is the calendar's.
    whole = {"periode": "aangepast", "van": "2024-12-30", "tot": "2025-12-28"}
    at = run_app("exploration", {**whole, "indeling1": "Week", "indeling2": "Jaar"})
    assert set(at.dataframe[0].value["Jaar"]) == {"2025 (ISO-jaar)"}
    # An ISO year whose days all lie in the calendar year before it: full dates, not
    # "2026 (ISO-jaar, 29/12–31/12)", which read as December 2026 (a review).
    edge = {"periode": "aangepast", "van": "2025-12-22", "tot": "2025-12-31"}
    at = run_app("exploration", {**edge, "indeling1": "Week", "indeling2": "Jaar"})
    assert set(at.dataframe[0].value["Jaar"]) == {
        "2025 (ISO-jaar, 22/12–28/12)",
        "2026 (ISO-jaar, 29/12/2025–31/12/2025)",
    }
    at = run_app("exploration", {**window, "indeling1": "Jaar", "indeling2": "Geen"})
    assert at.dataframe[0].value["Jaar"].tolist() == ["2024 (20/12–31/12)", "2025 (01/01–12/01)"]


def test_a_rate_with_a_wijk_filter_says_why_an_area_has_no_inhabitants(demo_warehouse):
    """Wijktaken of W03 per deelgemeente per 1.000 inwoners: "Herent 2 | – | –", a task of
    W03 whose address lies in Herent, and the caption blamed records without an area
    ('Zonder …'), which Herent is not (an audit). The rate of an area counts the chosen
    wijken's inhabitants living there; where none do, the caption says so."""
    stray = wh(
        "SELECT t.wijk_code, dg.name AS area, w.parent_code, min(t.date) AS day "
        "FROM marts.tasks t JOIN marts.districts w ON w.layer = 'wijk' AND w.code = t.wijk_code "
        "JOIN marts.districts dg ON dg.layer = 'deelgemeente' AND dg.code = t.deelgemeente_code "
        "WHERE t.deelgemeente_code <> w.parent_code GROUP BY ALL LIMIT 1"
    )
    assert not stray.empty, "testgeval toont niets: geen taak buiten de deelgemeente van de wijk"
    wijk, area, parent = stray.at[0, "wijk_code"], stray.at[0, "area"], stray.at[0, "parent_code"]
    day = pd.Timestamp(stray.at[0, "day"]).date()
    start, end = date(day.year, 1, 1), date(day.year, 12, 31)
    at = run_app(
        "exploration",
        {
            "periode": "aangepast",
            "van": str(start),
            "tot": str(end),
            "gegevens": "tasks",
            "indeling1": "Deelgemeente",
            "indeling2": "Geen",
            "weergave": "inwoners",
            "wijk": wijk,
        },
    )
    assert not at.exception
    table = at.dataframe[0].value.set_index("Deelgemeente")
    assert table.loc[area, "Inwoners"] == "–" and table.loc[area, "Per 1.000 inwoners"] == "–"
    # The wijk's own deelgemeente: its tasks there against its inhabitants.
    own, pop = wh(
        "SELECT dg.name, w.population FROM marts.districts w JOIN marts.districts dg "
        "ON dg.layer = 'deelgemeente' AND dg.code = w.parent_code "
        "WHERE w.layer = 'wijk' AND w.code = ?",
        [wijk],
    ).iloc[0]
    n = count(
        "SELECT count(*) FROM marts.tasks WHERE wijk_code = ? AND deelgemeente_code = ? "
        "AND date BETWEEN ? AND ?",
        [wijk, parent, start, end],
    )
    assert int(table.loc[own, "Aantal"]) == n
    assert int(str(table.loc[own, "Inwoners"]).replace(".", "")) == pop
    if n >= 5:
        shown = str(table.loc[own, "Per 1.000 inwoners"]).replace(",", ".")
        assert float(shown) == pytest.approx(1000 * n / pop, abs=0.051)
    captions = " ".join(c.value for c in at.caption)
    assert f"{area}: records van de gekozen wijken buiten hun eigen deelgemeente" in captions
    assert "daar woont geen inwoner van die wijken" in captions
    assert "records zonder gebied" not in captions


def test_the_exploration_queries_are_cached():
    """A helper put between ``st.cache_data`` and ``explore`` left every Verkenning map query
    uncached, run again on each rerun (a review)."""
    from dashboard.queries import common

    assert hasattr(common.explore, "clear") and not hasattr(common.year_is_iso, "clear")
