"""Verkeer: accidents and victims counted separately, black spots, enforcement, exports."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import numpy as np
import pandas as pd
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
    assert any(
        c.value.startswith(f"Eigen registratie (zone): {nl(located)} gelokaliseerde ongevallen")
        for c in at.caption
    )
    # Victims come per accident: their tiles and comparison rows say they are scaled.
    tiles = {m.label: m for m in at.metric}
    assert "spreidingsfactor φ = " in tiles["Slachtoffers (totaal)"].proto.help
    assert "spreidingsfactor" not in tiles["Letselongevallen"].proto.help
    assert any("hun signaal is gedeeld door √φ" in c.value for c in at.caption)


def _ranked_tables(at) -> list[pd.DataFrame]:
    """The black spots' and the candidates' tables, in that order."""
    tables = [d.value.data if hasattr(d.value, "data") else d.value for d in at.dataframe]
    return [t for t in tables if "Score ≥ 15" in t.columns]


def test_black_spot_ranking_on_the_page(demo_warehouse, demo_raw):
    at = run_app("traffic", {"periode": "jaar"})
    truth = json.loads((demo_raw / "ground_truth.json").read_text(encoding="utf-8"))
    black, candidates = _ranked_tables(at)[:2]
    assert metrics(at)["Gevaarlijke punten"] == nl(len(black))
    assert metrics(at)["Kandidaten (net onder de drempel)"] == nl(len(candidates))
    assert len(black) >= len(truth["black_spots"])
    assert set(black["≥ 3 letselongevallen"]) == {"✓"} and set(black["Score ≥ 15"]) == {"✓"}
    assert (candidates["Score ≥ 15"] == "✗").any() or (
        candidates["≥ 3 letselongevallen"] == "✗"
    ).any()
    assert "Ontbreekt" in candidates.columns
    # Where a location is comes first: a 1,500 px screen cut the Wijk off at the far right.
    assert list(black.columns[:3]) == ["Rang", "Straat", "Wijk"]
    assert list(candidates.columns[:4]) == ["Rang", "Straat", "Wijk", "Ontbreekt"]
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


def test_the_map_rings_only_the_best_ranked_places_and_says_so(demo_warehouse, monkeypatch):
    """With 1,380 ranked places (a national picture in ten wijken) the rank labels hid the
    map under purple text: it rings the best ranked ones, and the caption names how many of
    how many; the tables keep them all."""
    from dashboard.components import maps

    drawn: dict[str, list] = {"rings": [], "labels": []}
    real_rings, real_labels = maps.add_rings, maps.add_labels

    def rings(m, frame, *args, **kwargs):
        drawn["rings"].append(frame)
        return real_rings(m, frame, *args, **kwargs)

    def labels(m, frame, *args, **kwargs):
        drawn["labels"].append(frame)
        return real_labels(m, frame, *args, **kwargs)

    monkeypatch.setattr(maps, "add_rings", rings)
    monkeypatch.setattr(maps, "add_labels", labels)
    at = run_app("traffic", {"periode": "jaar"})
    black, candidates = _ranked_tables(at)
    n = len(black) + len(candidates)
    assert n > 3 and len(black) >= 1
    # Uncapped: every ranked place, once, with its rank.
    assert sum(len(f) for f in drawn["rings"][:2]) == n
    ranks = [*black["Rang"], *candidates["Rang"]]
    assert sorted(drawn["labels"][0]["text"]) == sorted(f"#{r}" for r in ranks)
    assert any("Paarse cirkels: gevaarlijke punten (vol)" in c.value for c in at.caption)

    drawn["rings"].clear()
    drawn["labels"].clear()
    monkeypatch.setattr(maps, "RANKED_PLACES_CAP", 3)
    at = run_app("traffic", {"periode": "jaar"})
    assert sum(len(f) for f in drawn["rings"][:2]) == 3
    assert list(drawn["labels"][0]["text"]) == ["#1", "#2", "#3"]
    assert any(
        f"Paarse cirkels: de 3 hoogst gerangschikte van de {nl(n)} gevaarlijke punten en "
        "kandidaten" in c.value
        for c in at.caption
    )
    # The tables still list them all.
    assert sum(len(t) for t in _ranked_tables(at)) == n


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
    at.multiselect(key="verkeer_f_accidents_weggebruiker").set_value(["Fietser"]).run()
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
    # The rates per 1.000 inhabitants follow the filter too (they counted every injury
    # accident beside key figures of cyclists' accidents).
    injury = count(
        "SELECT count(*) FROM marts.accidents WHERE source = 'zone' AND is_injury "
        "AND (road_user_1 = 'Fietser' OR road_user_2 = 'Fietser') "
        "AND date BETWEEN make_date(?, 1, 1) AND ?",
        [end.year, end],
    )
    areas = _frame(at, "Gemeente", "Per 1.000 inwoners")
    assert int(areas["Letselongevallen"].sum()) == injury
    assert any("met de filters voor ongevallen" in c.value for c in at.caption)


def test_exports_on_the_page(demo_warehouse, monkeypatch, downloads):
    from dashboard.exports import blackspots as export

    made = {}

    def spy(name, func):
        def wrapper(*args, **kwargs):
            made[name] = func(*args, **kwargs)
            return made[name]

        monkeypatch.setattr(export, name, wrapper)

    spy("ranking_xlsx", export.ranking_xlsx)
    spy("location_docx", export.location_docx)
    spy("location_map_png", export.location_map_png)
    at = run_app("traffic", {"periode": "jaar"})
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Lijst als Excel (.xlsx)" in labels
    assert "Advies voor de wegbeheerder (.docx)" in labels
    # Nothing is made before a button is pressed (a workbook, a map image and a Word file
    # cost about a second and a half per visit at 10^6 accidents).
    assert made == {}
    # Pressed, the buttons give exactly what these functions make.
    [xlsx_name] = [n for n in downloads if n.startswith("gevaarlijke_punten_")]
    [docx_name] = [n for n in downloads if n.startswith("wijkbeeld_advies_")]
    assert downloads[xlsx_name]() == made["ranking_xlsx"]
    assert downloads[docx_name]() == made["location_docx"]
    assert made["location_map_png"][:8] == b"\x89PNG\r\n\x1a\n"  # the advice has its map
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
    # The heading names the street and then where on it (municipality, wijk): several
    # black spots lie on one long street.
    assert doc.paragraphs[0].text.startswith(f"Gevaarlijk punt: {black['Straat'].iloc[0]}")
    assert f"wijk {black['Wijk'].iloc[0]}" in doc.paragraphs[0].text
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
    # Before the first export nothing is known: "–", not 0 (see the test below).
    assert metrics(at)["Ongevallen"] == "–"


def _zone_first_day() -> date:
    return pd.Timestamp(
        wh("SELECT min(date) FROM marts.accidents WHERE source = 'zone'").iat[0, 0]
    ).date()


def test_periods_the_source_does_not_cover_are_unknown_not_zero(demo_warehouse):
    """A period before the first export counted 0: with data from 01/12/2023 the first half
    of 2024 showed "+62 t.o.v. vorige periode" and "+10,0 ▲" against a previous period of
    one covered month, and "+17,4 ▲" against a last year without data. A comparison the
    source does not cover is now "–", never a signal."""
    first = _zone_first_day()
    # Covered, but its previous period and last year are not.
    start, end = first + timedelta(days=20), first + timedelta(days=59)
    at = run_app("traffic", {"periode": "aangepast", "van": str(start), "tot": str(end)})
    tiles = {m.label: m for m in at.metric}
    injury = count(
        "SELECT count(*) FROM marts.accidents WHERE source = 'zone' AND is_injury "
        "AND date BETWEEN ? AND ?",
        [start, end],
    )
    assert injury > 0 and tiles["Letselongevallen"].value == nl(injury)
    assert not tiles["Letselongevallen"].delta and not tiles["Ongevallen"].delta
    assert any("de vorige periode niet" in c.value for c in at.caption)
    table = _frame(at, "Wat", "Vorige periode")
    # Shown as "–" (st.dataframe wrote a gap as "None").
    assert table["Vorige periode"].tolist() == ["–"] * len(table)
    assert table["Vorig jaar"].tolist() == ["–"] * len(table)
    assert (table["Signaal"] == "–").all() and (table["Signaal t.o.v. vorig jaar"] == "–").all()
    # Entirely before the data: unknown counts and no comparison at all.
    before = {"periode": "aangepast", "van": "2020-01-01", "tot": "2020-06-30"}
    at = run_app("traffic", before)
    assert all(m.value == "–" for m in at.metric[:3])
    assert any("valt er helemaal buiten" in w.value for w in at.warning)
    assert any(i.value.startswith("Geen vergelijking") for i in at.info)
    assert not any(
        "Vorige periode" in getattr(d.value, "data", d.value).columns for d in at.dataframe
    )


def test_a_black_spot_window_the_data_cover_in_part_says_so(demo_warehouse):
    """The rule counts three years; with data from 01/12/2023, a window ending in June 2024
    holds 7 of its 36 months. The page, the list and the advice said "over 3 jaar" as if the
    judgement were complete."""
    from dashboard.exports import blackspots as export

    first = _zone_first_day()
    end = first + timedelta(days=200)
    at = run_app("traffic", {"periode": "aangepast", "van": str(first), "tot": str(end)})
    notes = [w.value for w in at.warning if "dekt maar" in w.value]
    assert len(notes) == 1
    assert notes[0].startswith(
        f"De eigen registratie van de zone dekt maar {first:%d/%m/%Y} – {end:%d/%m/%Y}, "
        "ongeveer 7 van de 36 maanden van het venster"
    )
    window = (date(2021, 7, 1), date(2024, 6, 30))
    assert export.coverage_note(window, date(2021, 1, 1), date(2026, 1, 1)) is None
    assert "geen oordeel" in export.coverage_note(window, date(2025, 1, 1), date(2026, 1, 1))
    location = {"street": "Kerkstraat", "x": 171000, "y": 177000, "n_injury_accidents": 1,
                "score": 3.0, "rang": 1}  # fmt: skip
    empty = pd.DataFrame(columns=["accident_id", "severity_class", "road_user", "severity"])
    blob = export.location_docx(location, empty, empty, window=window, coverage=notes[0])
    texts = [p.text for p in Document(io.BytesIO(blob)).paragraphs]
    assert notes[0] in texts


def _trend_chart(at) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Labels, bars and the year-earlier line of the injury-accident trend."""
    chart = next(
        json.loads(c.proto.spec)
        for c in at.get("plotly_chart")
        if "Letselongevallen (aantal ongevallen)" in c.proto.spec
    )
    bars, line = chart["data"][:2]
    assert line["x"] == bars["x"]
    y = np.array(plotly_array(bars["y"]), dtype=float)
    return list(bars["x"]), y, np.array(plotly_array(line["y"]), dtype=float)


def _month_counts(wijk: str, first: date, last: date) -> pd.Series:
    """Injury accidents of the zone's registration in a wijk per month (only months with
    any), from independent SQL."""
    df = wh(
        "SELECT strftime(date, '%m/%Y') AS m, count(*) AS n FROM marts.accidents "
        "WHERE source = 'zone' AND is_injury AND wijk_code = ? AND date BETWEEN ? AND ? "
        "GROUP BY 1",
        [wijk, first, last],
    )
    return df.set_index("m")["n"]


def _sparse_wijk(first: date, last: date) -> str:
    """A wijk with injury accidents in the window but none in its last month and in some
    month before: where the chart lost months."""
    df = wh(
        "SELECT wijk_code, count(DISTINCT date_trunc('month', date)) AS months, "
        "count(*) FILTER (WHERE date >= date_trunc('month', ?::DATE)) AS last_month "
        "FROM marts.accidents WHERE source = 'zone' AND is_injury AND wijk_code IS NOT NULL "
        "AND date BETWEEN ? AND ? GROUP BY 1 HAVING last_month = 0 ORDER BY months DESC, 1",
        [last, first, last],
    )
    assert not df.empty, "the demo has a wijk without injury accidents in a month"
    return str(df["wijk_code"].iat[0])


def test_trend_shows_every_month_of_the_window(demo_warehouse):
    """The trend listed only months with an injury accident: a wijk without one in the
    period's month ended the chart a month early, and months far apart stood side by side.
    Every month of the 3-year window is a bar now, 0 where nothing happened, and the months
    before the data begin are unknown (no bar), not 0."""
    end = date(2026, 10, 31)
    first = date(2023, 11, 1)
    wijk = _sparse_wijk(first, end)
    at = run_app(
        "traffic", {"periode": "aangepast", "van": "2026-10-01", "tot": str(end), "wijk": wijk}
    )
    labels, bars, line = _trend_chart(at)
    months = pd.period_range(first, end, freq="M")
    assert labels == [f"{m.month:02d}/{m.year}" for m in months]
    data_first = pd.Timestamp(wh("SELECT min(date) FROM marts.accidents").iat[0, 0])
    known = np.array([m.end_time >= data_first for m in months])
    assert np.isnan(bars[~known]).all() and not np.isnan(bars[known]).any()
    counts = _month_counts(wijk, first, end)
    expected = np.array([counts.get(lab, 0) for lab in labels], dtype=float)
    assert (bars[known] == expected[known]).all()
    assert bars[-1] == 0
    # A year earlier is set against the same month, also for the empty ones.
    assert line[-1] == counts.get(f"10/{end.year - 1}", 0)
    if not known.all():
        assert any("zijn onbekend en blijven leeg (geen 0)" in c.value for c in at.caption)
    # The chart of injury accidents near schools (whole zone) has the same months.
    school = next(
        json.loads(c.proto.spec)["data"][0]
        for c in at.get("plotly_chart")
        if "van een school" in c.proto.spec
    )
    assert school["x"] == labels
    near = np.array(plotly_array(school["y"]), dtype=float)
    assert np.isnan(near[~known]).all() and not np.isnan(near[known]).any()


def test_trend_marks_only_the_months_really_cut_short(demo_warehouse):
    """Ending on 15 October in a wijk without an injury accident that fortnight: the last
    bar read "09/2026 (1–15)" and held all of September. Now October is "10/2026 (1–15)",
    September a whole month without suffix, and the window's first month, from the 16th,
    says so too."""
    end = date(2026, 10, 15)
    wijk = _sparse_wijk(date(2023, 10, 16), end)
    at = run_app(
        "traffic", {"periode": "aangepast", "van": "2026-10-01", "tot": str(end), "wijk": wijk}
    )
    labels, bars, _ = _trend_chart(at)
    assert labels[0] == "10/2023 (16–31)" and labels[-1] == "10/2026 (1–15)"
    assert labels[-2] == "09/2026" and not any("(1–" in lab for lab in labels[:-1])
    assert len(labels) == 37
    assert bars[-1] == 0
    assert bars[-2] == _month_counts(wijk, date(2026, 9, 1), date(2026, 9, 30)).sum()


def _charts(at) -> dict[str, dict]:
    """The trend charts by what they show: accidents, victims, near schools."""
    out = {}
    for c in at.get("plotly_chart"):
        spec = json.loads(c.proto.spec)
        for name, text in (
            ("ongevallen", "Letselongevallen (aantal ongevallen)"),
            ("slachtoffers", "Slachtoffers (aantal personen)"),
            ("scholen", "van een school"),
        ):
            if text in c.proto.spec:
                out[name] = spec
    return out


def test_trend_per_year_has_a_category_axis_with_every_year(demo_warehouse):
    """Trends › Jaar read "2.023,5 · 2024 · 2.024,5 · 2025" and drew only the bars of 2024
    and 2025: with labels like "2026 (t.e.m. 15/10)" beside a bare "2024", plotly took the
    axis for numbers. Every chart per period now has a category axis."""
    end = date(2026, 10, 15)
    at = run_app("traffic", {"periode": "aangepast", "van": "2026-10-01", "tot": str(end)})
    at.button_group(key="verkeer_trend_per").set_value("jaar").run()
    assert not at.exception, [e.value for e in at.exception]
    charts = _charts(at)
    assert set(charts) == {"ongevallen", "slachtoffers", "scholen"}
    years = [str(y) for y in range(end.year - 3, end.year + 1)]
    for name, spec in charts.items():
        assert spec["layout"]["xaxis"]["type"] == "category", name
        labels = spec["data"][0]["x"]
        assert [lab.split(" ")[0] for lab in labels] == years, name
        assert all(trace["x"] == labels for trace in spec["data"]), name
    labels = charts["ongevallen"]["data"][0]["x"]
    assert labels[-1] == f"{end.year} (t.e.m. {end:%d/%m})"  # text beside bare years
    bars = np.array(plotly_array(charts["ongevallen"]["data"][0]["y"]), dtype=float)
    assert (bars[~np.isnan(bars)] > 0).all() and (~np.isnan(bars)).sum() >= 3
    # Per month too ("12/2025" would not be read as a date or number either).
    at.button_group(key="verkeer_trend_per").set_value("maand").run()
    for name, spec in _charts(at).items():
        assert spec["layout"]["xaxis"]["type"] == "category", name


def test_map_caption_counts_one_accident_in_the_singular(demo_warehouse):
    """ "1 gelokaliseerde ongevallen (Eigen registratie (zone)) als punt op de kaart"."""
    day = wh(
        "SELECT date FROM marts.accidents WHERE source = 'zone' GROUP BY 1 "
        "HAVING count(*) = 1 AND count(lat) = 1 ORDER BY 1 DESC LIMIT 1"
    ).iat[0, 0]
    day = pd.Timestamp(day).date()
    at = run_app("traffic", {"periode": "aangepast", "van": str(day), "tot": str(day)})
    assert any(
        c.value.startswith(
            "Eigen registratie (zone): 1 gelokaliseerd ongeval als punt op de kaart."
        )
        for c in at.caption
    )
    at.toggle(key="verkeer_kaart_controles").set_value(True).run()
    n = count(
        "SELECT count(*) FROM marts.controls WHERE date = ? AND lat IS NOT NULL "
        "AND x IS NOT NULL AND y IS NOT NULL",
        [day],
    )
    controls = "verkeerscontrole" if n == 1 else "verkeerscontroles"
    assert any(
        c.value.startswith(
            "Eigen registratie (zone): 1 gelokaliseerd ongeval als punt op de kaart. "
            f"{nl(n)} {controls} als vierkantje."
        )
        for c in at.caption
    )


def test_statbel_map_caption_agrees_with_the_intro(demo_warehouse):
    """The intro said Statbel has "geen adres", the map "15 gelokaliseerde ongevallen
    (Statbel (open data)) als punt op de kaart": Statbel gives coordinates, no address."""
    at = run_app("traffic", {"periode": "vorigjaar"})
    at.button_group(key="verkeer_bron").set_value("accidents_statbel").run()
    assert not at.exception, [e.value for e in at.exception]
    year = last_28_days()[1].year - 1
    n = count(
        "SELECT count(*) FROM marts.accidents WHERE source = 'statbel' AND year = ? "
        "AND lat IS NOT NULL AND lon IS NOT NULL",
        [year],
    )
    assert n > 1
    captions = [c.value for c in at.caption]
    intro = next(c for c in captions if c.startswith("Statbel publiceert enkel letselongevallen"))
    assert "geen adres, wel coördinaten" in intro
    assert any(
        c.startswith(
            f"Statbel (open data): {nl(n)} gelokaliseerde ongevallen als punt op de kaart. "
            "Statbel geeft coördinaten maar geen adres: elk punt staat op die plaats."
        )
        for c in captions
    )
    assert not any("(Statbel (open data)) als punt" in c for c in captions)


def test_comparison_table_shows_each_comparison_s_signal_as_the_briefing(demo_warehouse):
    """Verkeer said "Opvallend: ja" in one column for either comparison, without the signal
    or which comparison; the briefing's tables show each comparison's signal, marked and
    coloured. Verkeer now shows the same table."""
    from dashboard.analysis.compstat import poisson_signal

    at = run_app("traffic", {"periode": "jaar"})
    table = _frame(at, "Wat")
    assert list(table.columns) == [
        "Wat",
        "Nu",
        "Vorige periode",
        "Verschil",
        "Signaal",
        "Vorig jaar",
        "Verschil t.o.v. vorig jaar",
        "Signaal t.o.v. vorig jaar",
    ]
    assert "Opvallend" not in table.columns
    # The accidents' row (the victims' rows are scaled by their dispersion, as tested in
    # the compstat tests).
    row = table.set_index("Wat").loc["Letselongevallen (ongevallen)"]
    for before, signal in (
        (row["Vorige periode"], row["Signaal"]),
        (row["Vorig jaar"], row["Signaal t.o.v. vorig jaar"]),
    ):
        z = float(poisson_signal(np.array([row["Nu"]]), np.array([before]))[0])
        assert signal.endswith("▲") == (z > 2) and signal.endswith("▼") == (z < -2)
        assert float(signal.split()[0].replace(",", ".")) == round(z, 1)
    assert all(s == "–" or s[0] in "+-0" for s in table["Signaal"])
    captions = " ".join(c.value for c in at.caption)
    # The arrow is the CompStat signal; the colour means opvallend as the briefing's
    # sentences do (session 22: it was |signaal| > 2 alone).
    assert "▲/▼ = |signaal| > 2 (CompStat); rood of groen = opvallend meer of minder" in captions


def test_a_victim_rate_on_a_small_base_says_so_like_the_accident_rate(demo_warehouse):
    """'Letselongevallen per 1.000 inwoners': the accident rate on fewer than 5 accidents
    said "(klein aantal)", the victim rate beside it showed a bare 0,11 on one victim (found
    by a review). Both columns follow the zone's small-count rule."""
    at = run_app("traffic")
    tables = [df.value for df in at.dataframe if "Slachtoffers per 1.000" in df.value.columns]
    assert tables, "geen tabel per gemeente/deelgemeente"
    flagged = 0
    for table in tables:
        for victims, shown in zip(
            table["Slachtoffers"], table["Slachtoffers per 1.000"], strict=True
        ):
            if shown == "inwoners onbekend":
                continue
            assert shown.endswith(" (klein aantal)") == (int(victims) < 5), (victims, shown)
            flagged += int(victims) < 5
    assert flagged > 0, "geen gebied met minder dan 5 slachtoffers in de demo"


def test_enforcement_sentence_counts_located_controls_and_names_the_others(
    demo_raw, tmp_path, monkeypatch
):
    """A control without X/Y cannot be placed near a location: the sentence counted the
    located ones as if they were all (23 of 24 controls, 84,3 of 87,3 hours: an audit,
    fifty-eighth session). It says 'met een locatie' and names the others."""
    import shutil

    import streamlit as st

    from etl.build import build_warehouse

    raw = tmp_path / "raw"
    for kind in ("districts", "accidents", "victims", "controls"):
        shutil.copytree(demo_raw / kind, raw / kind)
    (path,) = (raw / "controls").glob("*2026*")
    text = path.read_text(encoding="utf-8-sig")
    newline = "\r\n" if "\r\n" in text else "\n"
    path.write_text(
        text.rstrip("\r\n")
        + newline
        + "VC2026-9999;Snelheid;20/10/2026 08:00;20/10/2026 11:00;Teststraat;;;120;4"
        + newline,
        encoding="utf-8",
    )
    warehouse = tmp_path / "wh.duckdb"
    build_warehouse(raw, warehouse, echo=lambda *_: None)
    monkeypatch.setenv("WIJKBEELD_WAREHOUSE", str(warehouse))
    st.cache_data.clear()
    located = count(
        "SELECT count(*) FROM marts.controls WHERE date BETWEEN '2026-10-01' AND '2026-10-31' "
        "AND x IS NOT NULL AND control_type IN ('Snelheid', 'Alcohol')"
    )
    at = run_app("traffic", {"periode": "aangepast", "van": "2026-10-01", "tot": "2026-10-31"})
    assert not at.exception
    (sentence,) = [
        m.value for m in at.markdown if "verkeerscontrole" in m.value and "uur" in m.value
    ]
    assert f"duurden de {located} verkeerscontroles (snelheid, alcohol) met een locatie samen" in (
        sentence
    )
    assert sentence.endswith("1 verkeerscontrole zonder locatie (3,0 uur) telt hier niet mee.")
    st.cache_data.clear()


def test_facet_values_are_those_of_the_chosen_source(demo_warehouse):
    """Statbel writes "Fiets" where the zone writes "Fietser": the filter offered both
    sources' values, and the zone's on the Statbel source found nothing (an audit,
    fifty-eighth session). Each source offers its own."""
    from dashboard.queries import traffic, warehouse_version

    version = warehouse_version(demo_warehouse)
    for source, name in (("accidents", "zone"), ("accidents_statbel", "statbel")):
        users = wh(
            "SELECT DISTINCT v FROM (SELECT road_user_1 AS v, source FROM marts.accidents "
            "UNION ALL SELECT road_user_2, source FROM marts.accidents) "
            "WHERE source = ? AND v IS NOT NULL ORDER BY 1",
            [name],
        )["v"].tolist()
        assert users and traffic.facet_values(version, source)["weggebruiker"] == users
