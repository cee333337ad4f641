"""Verkeer: accidents and victims counted separately, black spots, enforcement, exports."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

from dash_helpers import count, last_28_days, metrics, nl, plotly_array, run_app, wh
from docx import Document
from openpyxl import load_workbook


def _frame(at, first_column: str, contains: str | None = None):
    """The first dataframe whose first column is ``first_column`` (and has ``contains``)."""
    for d in at.dataframe:
        df = d.value
        df = df.data if hasattr(df, "data") else df
        if list(df.columns)[0] == first_column and (contains is None or contains in df.columns):
            return df
    raise AssertionError(f"geen tabel met kolom {first_column!r}")


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
    headings = [s.value for s in at.subheader]
    assert headings[:2] == ["Ongevallen", "Slachtoffers"]
    for title in (
        "Kaart: ongevallen naar ernst",
        "Gevaarlijke punten",
        "Handhaving waar het gevaarlijk is",
        "Trends",
        "Wanneer gebeuren letselongevallen?",
        "Eigen registratie en Statbel naast elkaar",
    ):
        assert title in headings
    per_wijk = _frame(at, "Wijk", "Slachtoffers: totaal")
    assert int(per_wijk["Ongevallen"].sum()) == int(row["acc"])
    assert int(per_wijk["Slachtoffers: totaal"].sum()) == int(row["v"])
    severity = _frame(at, "Ernst")
    assert int(severity["Ongevallen"].sum()) == int(row["acc"])
    located = count(
        "SELECT count(*) FROM marts.accidents WHERE source = 'zone' AND lat IS NOT NULL "
        "AND date BETWEEN make_date(?, 1, 1) AND ?",
        [end.year, end],
    )
    assert any(c.value.startswith(f"{nl(located)} gelokaliseerde ongevallen") for c in at.caption)
    # Victims come per accident: their tiles and comparison rows say they are scaled.
    tiles = {m.label: m for m in at.metric}
    assert "spreidingsfactor φ = " in tiles["Slachtoffers (totaal)"].proto.help
    assert "spreidingsfactor" not in tiles["Letselongevallen"].proto.help
    assert any("hun signaal is gedeeld door √φ" in c.value for c in at.caption)


def test_black_spot_ranking_on_the_page(demo_warehouse, demo_raw):
    at = run_app("traffic", {"periode": "jaar"})
    truth = json.loads((demo_raw / "ground_truth.json").read_text(encoding="utf-8"))
    black = _frame(at, "Rang", "Score ≥ 15")
    tables = [
        (d.value.data if hasattr(d.value, "data") else d.value)
        for d in at.dataframe
        if "Score ≥ 15" in (d.value.data if hasattr(d.value, "data") else d.value).columns
    ]
    black, candidates = tables[0], tables[1]
    assert metrics(at)["Gevaarlijke punten"] == nl(len(black))
    assert metrics(at)["Kandidaten (net onder de drempel)"] == nl(len(candidates))
    assert len(black) >= len(truth["black_spots"])
    assert set(black["≥ 3 letselongevallen"]) == {"✓"} and set(black["Score ≥ 15"]) == {"✓"}
    assert (candidates["Score ≥ 15"] == "✗").any() or (
        candidates["≥ 3 letselongevallen"] == "✗"
    ).any()
    assert "Ontbreekt" in candidates.columns
    assert (black["Score"] >= 15).all() and (black["Letselongevallen"] >= 3).all()
    assert {s["street"] for s in truth["black_spots"]} <= set(black["Straat"])
    # The first location's history: its accidents and its victims, and the score's arithmetic.
    history = _frame(at, "Datum en uur")
    assert len(history) == int(black["Letselongevallen"].iloc[0])
    ids = list(history["Ongeval"])
    victims = _frame(at, "Datum", "Letsel")
    assert len(victims) == count(
        f"SELECT count(*) FROM marts.victims WHERE accident_id IN ({', '.join('?' * len(ids))})",
        ids,
    )
    score_text = f"= {black['Score'].iloc[0]:.1f}".replace(".", ",").replace(",0", "")
    assert any(score_text in m.value for m in at.markdown)


def test_enforcement_sentence_and_table(demo_warehouse):
    at = run_app("traffic", {"periode": "jaar"})
    enforcement = _frame(at, "Rang", "Controle-uren")
    assert len(enforcement) == 10
    assert (
        (enforcement["Waarvan snelheid"] + enforcement["Waarvan alcohol"])
        .le(enforcement["Controles binnen 250 m"])
        .all()
    )
    end = last_28_days()[1]
    n = count(
        "SELECT count(*) FROM marts.controls WHERE x IS NOT NULL AND control_type IN "
        "('Snelheid', 'Alcohol') AND date BETWEEN make_date(?, 1, 1) AND ?",
        [end.year, end],
    )
    sentence = [m.value for m in at.markdown if "verkeerscontroles" in m.value]
    assert sentence and f"de {nl(n)} verkeerscontroles (snelheid, alcohol)" in sentence[0]
    assert "binnen 250 m van de 10 locaties met de hoogste prioriteitsscore" in sentence[0]


def test_trends_rates_and_statbel_side_by_side(demo_warehouse):
    at = run_app("traffic", {"periode": "jaar"})
    end = last_28_days()[1]
    rates = _frame(at, "Deelgemeente")
    population = wh(
        "SELECT name, population FROM marts.districts WHERE layer = 'deelgemeente'"
    ).set_index("name")["population"]
    first = rates.iloc[0]
    n = int(first["Letselongevallen"])
    assert n == count(
        "SELECT count(*) FROM marts.accidents a JOIN marts.districts d ON d.code = "
        "a.deelgemeente_code AND d.layer = 'deelgemeente' WHERE a.source = 'zone' "
        "AND a.is_injury AND d.name = ? AND a.date BETWEEN make_date(?, 1, 1) AND ?",
        [first["Deelgemeente"], end.year, end],
    )
    expected = f"{1000 * n / population[first['Deelgemeente']]:.2f}".replace(".", ",")
    assert first["Per 1.000 inwoners"].startswith(expected)
    side = _frame(at, "Jaar", "Bron")
    assert set(side["Bron"]) == {"Eigen registratie (zone)", "Statbel (open data)"}
    statbel_year = side[(side["Bron"] == "Statbel (open data)") & (side["Jaar"] == str(end.year))]
    assert int(statbel_year["Letselongevallen"].iloc[0]) == count(
        "SELECT count(*) FROM marts.accidents WHERE source = 'statbel' AND year = ?", [end.year]
    )
    assert any("met maand en uur maar zonder dag" in c.value for c in at.caption)
    charts = at.get("plotly_chart")
    assert len(charts) >= 3
    heat = next(json.loads(c.proto.spec) for c in charts if "weekdag en uur" in c.proto.spec)
    z = plotly_array(heat["data"][0]["z"])
    assert z.shape == (7, 24)
    first = date(end.year - 3, end.month, end.day) + timedelta(days=1)
    assert int(z.sum()) == count(
        "SELECT count(*) FROM marts.accidents WHERE source = 'zone' AND is_injury "
        "AND date BETWEEN ? AND ?",
        [first, end],
    )
    # School times from zone.toml are drawn as boxes (5 mornings, 4 afternoons, Wednesday).
    assert len(heat["layout"]["shapes"]) == 10


def test_road_user_filter_changes_counts(demo_warehouse):
    at = run_app("traffic", {"periode": "jaar"})
    at.multiselect(key="verkeer_f_weggebruiker").set_value(["Fietser"]).run()
    assert not at.exception
    end = last_28_days()[1]
    n = count(
        "SELECT count(*) FROM marts.accidents WHERE source = 'zone' "
        "AND (road_user_1 = 'Fietser' OR road_user_2 = 'Fietser') "
        "AND date BETWEEN make_date(?, 1, 1) AND ?",
        [end.year, end],
    )
    assert metrics(at)["Ongevallen"] == nl(n)
    assert any(c.value.startswith("Filter: Betrokken weggebruiker: Fietser") for c in at.caption)


def test_exports_on_the_page(demo_warehouse, monkeypatch):
    from dashboard.exports import blackspots as export

    made = {}

    def spy(name, func):
        def wrapper(*args, **kwargs):
            made[name] = func(*args, **kwargs)
            return made[name]

        monkeypatch.setattr(export, name, wrapper)

    # The page's download buttons carry exactly what these functions return.
    spy("ranking_xlsx", export.ranking_xlsx)
    spy("location_docx", export.location_docx)
    at = run_app("traffic", {"periode": "jaar"})
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Lijst als Excel (.xlsx)" in labels
    assert "Advies voor de wegbeheerder (.docx)" in labels
    tables = [d.value.data if hasattr(d.value, "data") else d.value for d in at.dataframe]
    listed = [t for t in tables if "Score ≥ 15" in t.columns]
    black, candidates = listed[0], listed[1]
    ws = load_workbook(io.BytesIO(made["ranking_xlsx"]))["Gevaarlijke punten"]
    headers = [c.value for c in ws[1]]
    rows = [dict(zip(headers, [c.value for c in r], strict=True)) for r in ws.iter_rows(min_row=2)]
    assert len(rows) == len(black) + len(candidates)
    assert [r["Rang"] for r in rows] == list(black["Rang"]) + list(candidates["Rang"])
    assert [r["Status"] for r in rows[: len(black)]] == ["Gevaarlijk punt"] * len(black)
    assert rows[0]["Straat"] == black["Straat"].iloc[0]
    assert rows[0]["Prioriteitsscore"] == round(float(black["Score"].iloc[0]), 2)
    doc = Document(io.BytesIO(made["location_docx"]))
    assert doc.paragraphs[0].text == f"Gevaarlijk punt: {black['Straat'].iloc[0]}"
    facts = {r.cells[0].text: r.cells[1].text for r in doc.tables[0].rows}
    assert facts["Letselongevallen (≥ 3)"].startswith(f"{black['Letselongevallen'].iloc[0]} ")
    history = _frame(at, "Datum en uur")
    assert len(doc.tables[1].rows) - 1 == min(len(history), export.MAX_HISTORY_ROWS)


def test_traffic_statbel_source(demo_warehouse):
    at = run_app("traffic", {"periode": "vorigjaar"})
    at.button_group(key="verkeer_bron").set_value("accidents_statbel").run()
    assert not at.exception
    year = last_28_days()[1].year - 1
    n = count("SELECT count(*) FROM marts.accidents WHERE source = 'statbel' AND year = ?", [year])
    assert metrics(at)["Ongevallen"] == nl(n)
    assert any("Statbel publiceert enkel letselongevallen" in c.value for c in at.caption)
    # No victims in Statbel: the page counts accidents per class instead.
    assert "Slachtoffers (totaal)" not in metrics(at)
    assert not any("√φ" in c.value for c in at.caption)
    fatal = count(
        "SELECT count(*) FROM marts.accidents WHERE source = 'statbel' AND year = ? "
        "AND severity = 'Dodelijk'",
        [year],
    )
    assert metrics(at)["Dodelijke ongevallen"] == nl(fatal)


def test_injury_trend_month_cut_short_against_the_same_days(demo_warehouse):
    """Ending on 14 May: the trend's last month reads "05/2026 (1–14)" and the
    line a year earlier counts 1-14 May 2025; whole months keep whole months, and the
    line has a point for exactly the bars' months."""
    at = run_app("traffic", {"periode": "aangepast", "van": "2026-04-17", "tot": "2026-05-14"})
    chart = next(
        json.loads(c.proto.spec)
        for c in at.get("plotly_chart")
        if "Letselongevallen (aantal ongevallen)" in c.proto.spec
    )
    bars, line = chart["data"][:2]
    assert bars["x"][-1] == "05/2026 (1–14)" and line["x"] == bars["x"]
    assert "dezelfde dagen" in line["name"]
    injuries = (
        "SELECT count(*) FROM marts.accidents WHERE source = 'zone' AND is_injury "
        "AND date BETWEEN ? AND ?"
    )
    line_y = plotly_array(line["y"])
    assert line_y[-1] == count(injuries, [date(2025, 5, 1), date(2025, 5, 14)])
    assert line_y[-2] == count(injuries, [date(2025, 4, 1), date(2025, 4, 30)])
    assert plotly_array(bars["y"])[-1] == count(injuries, [date(2026, 5, 1), date(2026, 5, 14)])


def test_statbel_compares_whole_months_with_the_months_before(demo_warehouse):
    """Statbel has no day, so every month the period touches counts. The previous period
    was counted by days: 17 April - 14 May touched April and May, its previous period
    (20 March - 16 April) March and April, so April counted in both; and the trend's
    last bar said "05/2026 (1–14)" while it held all of May."""
    at = run_app("traffic", {"periode": "aangepast", "van": "2026-04-17", "tot": "2026-05-14"})
    at.button_group(key="verkeer_bron").set_value("accidents_statbel").run()
    assert not at.exception
    months = (
        "SELECT count(*) FROM marts.accidents WHERE source = 'statbel' "
        "AND make_date(year, month, 1) BETWEEN ? AND ?"
    )
    now = count(months, [date(2026, 4, 1), date(2026, 5, 1)])
    before = count(months, [date(2026, 2, 1), date(2026, 3, 1)])
    assert now > 0 and before > 0
    tile = next(m for m in at.metric if m.label == "Letselongevallen")
    assert tile.value == nl(now)
    assert tile.delta.startswith(f"{now - before:+d}".replace("+0", "0"))
    assert any(
        "Statbel telt per hele maand: 01/04/2026 – 31/05/2026 tegenover 01/02/2026 – 31/03/2026"
        in c.value
        for c in at.caption
    )
    chart = next(
        json.loads(c.proto.spec)
        for c in at.get("plotly_chart")
        if "Letselongevallen (aantal ongevallen)" in c.proto.spec
    )
    assert chart["data"][0]["x"][-1] == "05/2026"


def test_a_period_before_the_data_shows_an_empty_page_not_an_error(demo_warehouse):
    """No injury accident in the black-spot window: ranking them merged an empty member
    list on accident_id and failed ("You are trying to merge on float64 and object")."""
    at = run_app("traffic", {"periode": "aangepast", "van": "2020-01-01", "tot": "2020-01-31"})
    assert metrics(at)["Ongevallen"] == "0"
