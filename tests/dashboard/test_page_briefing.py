"""Briefing: CompStat counts per domain, wijk and category, signals, hot/black spots, pack."""

from __future__ import annotations

import json
from datetime import date, timedelta

import numpy as np
import pandas as pd
from dash_helpers import anchor, count, metrics, nl, run_app, run_as, wh

#: Independent SQL per measure, for a period [?, ?] (and an optional wijk condition).
SQL = {
    "Feiten (pv's)": "SELECT count(*) FROM marts.incidents WHERE date BETWEEN ? AND ? {w}",
    "Overlastmeldingen": "SELECT count(*) FROM marts.nuisance WHERE date BETWEEN ? AND ? {w}",
    "Letselongevallen": (
        "SELECT count(*) FROM marts.accidents WHERE source = 'zone' AND is_injury "
        "AND date BETWEEN ? AND ? {w}"
    ),
    "Verkeersslachtoffers": (
        "SELECT count(*) FROM marts.victims v JOIN marts.accidents a USING (accident_id) "
        "WHERE a.source = 'zone' AND a.date BETWEEN ? AND ? {w}"
    ),
    "Nieuwe wijktaken": (
        "SELECT count(*) FROM marts.tasks WHERE CAST(received_at AS DATE) BETWEEN ? AND ? {w}"
    ),
}


def _spans(kind: str, end: date) -> list[tuple[date, date]]:
    """Current, previous and last-year periods, computed here from the rules."""
    if kind == "week":
        start = end - timedelta(days=end.isoweekday() - 1)
        cur = (start, start + timedelta(days=6))
    else:
        cur = (end - timedelta(days=27), end)
    length = cur[1] - cur[0] + timedelta(days=1)
    prev = (cur[0] - length, cur[0] - timedelta(days=1))
    ly = (cur[0] - timedelta(days=364), cur[1] - timedelta(days=364))
    return [cur, prev, ly]


def _counts(label: str, span, wijk: str | None = None) -> int:
    cond = (
        ""
        if wijk is None
        else f"AND {'a.' if label == 'Verkeersslachtoffers' else ''}wijk_code = '{wijk}'"
    )
    return count(SQL[label].format(w=cond), list(span))


def _last_sunday() -> date:
    a = anchor()
    return a - timedelta(days=a.isoweekday() % 7)


def test_briefing_week_kpis_match_warehouse(demo_warehouse):
    at = run_app()  # the default page
    assert at.title[0].value == "Briefing"
    end = _last_sunday()
    cur, prev, _ = _spans("week", end)
    iso_year, iso_week, _ = cur[0].isocalendar()
    assert (
        f"week {iso_week} van {iso_year} ({cur[0]:%d/%m/%Y} – {cur[1]:%d/%m/%Y})"
        in at.caption[0].value
    )
    shown = metrics(at)
    for label in SQL:
        now, before = _counts(label, cur), _counts(label, prev)
        assert shown[label] == nl(now), label
        delta = next(m.delta for m in at.metric if m.label == label)
        sign = "+" if now > before else ("-" if now < before else "")
        assert delta.startswith(f"{sign}{nl(abs(now - before))} "), (label, delta)


def test_briefing_domain_table_counts_and_signals(demo_warehouse):
    at = run_app()
    spans = _spans("week", _last_sunday())
    table = at.dataframe[0].value.set_index("Domein")
    assert list(table.index) == list(SQL)
    for label in SQL:
        now, prev, ly = (_counts(label, s) for s in spans)
        row = table.loc[label]
        assert (row["Nu"], row["Vorige periode"], row["Vorig jaar"]) == (now, prev, ly), label
        assert row["Verschil"] == now - prev and row["Verschil t.o.v. vorig jaar"] == now - ly
        for col, before in (("Signaal", prev), ("Signaal t.o.v. vorig jaar", ly)):
            z = 2 * (np.sqrt(now) - np.sqrt(before))
            marker = "▲" if z > 2 else ("▼" if z < -2 else "")
            assert row[col].endswith(marker) if marker else not row[col].endswith(("▲", "▼"))
    # No percentages anywhere in the comparison.
    assert not any("%" in str(v) for v in at.dataframe[0].value.to_numpy().ravel())
    # The signals are text ("+2,8 ▲") but stand right-aligned beside the counts.
    config = json.loads(at.dataframe[0].proto.columns)
    assert config["Signaal"]["alignment"] == "right"
    assert config["Signaal t.o.v. vorig jaar"]["alignment"] == "right"
    assert "alignment" not in config.get("Domein", {})


def test_briefing_28_days_per_wijk_and_categories(demo_warehouse):
    at = run_app()
    at.radio(key="briefing_periode").set_value("28d").run()
    assert not at.exception
    cur, prev, ly = _spans("28d", anchor())
    assert metrics(at)["Feiten (pv's)"] == nl(_counts("Feiten (pv's)", cur))
    per_wijk = at.dataframe[1].value
    wijken = wh("SELECT code, name FROM marts.districts WHERE layer = 'wijk' ORDER BY code")
    assert list(per_wijk["Wijk"]) == list(wijken["name"])
    for code, name in zip(wijken["code"], wijken["name"], strict=True):
        row = per_wijk.set_index("Wijk").loc[name]
        assert row["Nu"] == _counts("Feiten (pv's)", cur, code), name
        assert row["Vorig jaar"] == _counts("Feiten (pv's)", ly, code), name
    # Injury accidents per wijk: switch the domain radio.
    at.radio(key="briefing_domein").set_value("injury_accidents").run()
    per_wijk = at.dataframe[1].value.set_index("Wijk")
    for code, name in zip(wijken["code"], wijken["name"], strict=True):
        assert per_wijk.at[name, "Nu"] == _counts("Letselongevallen", cur, code)
    categories = at.dataframe[2].value.set_index("Categorie")
    truth = wh(
        "SELECT category, count(*) AS n FROM marts.incidents WHERE date BETWEEN ? AND ? GROUP BY 1",
        list(cur),
    ).set_index("category")["n"]
    for cat, n in truth.items():
        assert categories.at[cat, "Nu"] == n, cat


def test_briefing_sections_spots_and_download(demo_warehouse):
    at = run_app(query_params={})
    at.radio(key="briefing_periode").set_value("ytd").run()
    headings = [s.value for s in at.subheader]
    for h in (
        "Vergelijking per domein",
        "Wat valt op",
        "Per wijk",
        "Per categorie",
        "Hotspots en gevaarlijke punten",
        "Briefing downloaden",
    ):
        assert h in headings
    text = " ".join(m.value for m in at.markdown)
    assert "in de zone" in text or "Geen opvallende" in text
    frames = [df.value for df in at.dataframe]
    hot = next((f for f in frames if "Klasse" in f.columns), None)
    if hot is not None:
        assert list(hot["Rang"]) == list(range(1, len(hot) + 1))
        assert hot["Klasse"].str.startswith("Hotspot").all()
    black = next(f for f in frames if "Prioriteitsscore" in f.columns)
    spots = black[black["Status"] == "Gevaarlijk punt"]
    assert (spots["Letselongevallen"] >= 3).all()
    assert all(float(s.replace(",", ".")) >= 15 for s in spots["Prioriteitsscore"])
    # The demo plants black spots; at least one is found on the three-year window.
    assert len(spots) >= 1
    buttons = at.get("download_button")
    assert len(buttons) == 1
    # The map caption counts what it draws by status ("… 2 gevaarlijke punten en …").
    n_spots = f"{len(spots)} gevaarlijk{' punt' if len(spots) == 1 else 'e punten'}"
    assert any(c.value.startswith("Op de kaart:") and n_spots in c.value for c in at.caption)


def test_briefing_wijk_filter(demo_warehouse):
    at = run_app(query_params={"wijk": "W03"})
    cur, _, _ = _spans("week", _last_sunday())
    assert metrics(at)["Feiten (pv's)"] == nl(_counts("Feiten (pv's)", cur, "W03"))
    assert at.caption[0].value.endswith("gebied: Winksele")


def test_briefing_map_shows_located_records(demo_warehouse):
    at = run_app()
    cur, _, _ = _spans("week", _last_sunday())
    located = sum(
        count(
            f"SELECT count(*) FROM marts.{table} WHERE date BETWEEN ? AND ? "
            f"AND lat IS NOT NULL AND {cond}",
            list(cur),
        )
        for table, cond in (
            ("incidents", "TRUE"),
            ("nuisance", "TRUE"),
            ("accidents", "source = 'zone'"),
        )
    )
    assert any(c.value.startswith(f"{nl(located)} gelokaliseerde records") for c in at.caption)


def test_what_stands_out_lists_only_changes_chance_rarely_gives(demo_warehouse):
    """Every "Wat valt op" sentence names counts chance gives less than 5 % of the time.

    With |z| > 2 alone the week's list held ten of some twenty changes chance gives a
    fifth of the time ("0 meldingen tegenover 2 in de vorige periode (-2), een opvallende
    daling"): the tables keep that rule, the list screens all its comparisons at once.
    """
    import re

    from dashboard.analysis.compstat import poisson_p_value
    from dashboard.documents.briefing_pack import collect_briefing
    from dashboard.queries._db import require_version

    version = require_version()
    pattern = re.compile(r"(\d[\d.]*) \w+ tegenover (\d[\d.]*) in (de vorige|dezelfde)")
    checked = 0
    for kind in ("week", "28d", "ytd"):
        data = collect_briefing.__wrapped__(version, kind, _last_sunday(), ())
        for sentence in data.sentences:
            now, before, _ = pattern.search(sentence).groups()
            p = poisson_p_value([int(now.replace(".", ""))], [int(before.replace(".", ""))])[0]
            assert p < 0.05, sentence
            checked += 1
        assert "vergelijkingen in deze briefing" in data.sentences_note
    at = run_app()
    assert any("vergelijkingen in deze briefing" in c.value for c in at.caption)


def test_per_wijk_tables_say_records_without_wijk_count_in_the_zone_only(demo_warehouse):
    """The wijken add up to less than the key figures (271 against 272 feiten) without a
    word why; and 'vorig jaar' is 52 weeks back here, the same dates elsewhere."""
    from dashboard.documents.briefing_pack import PER_WIJK_NOTE

    at = run_app()
    assert any(c.value == PER_WIJK_NOTE for c in at.caption)
    assert any("52 weken eerder, dezelfde weekdagen" in c.value for c in at.caption)


def test_briefing_map_hexagons_hold_the_records_inside_the_zone(demo_warehouse, monkeypatch):
    """Above the point cap the briefing's map counted and drew the records located outside
    the zone (year to date 2026: 3,289 incidents in hexagons, 11 of them outside the zone,
    where Bronnen and marts.hex_counts give 3,277). Its hexagons hold the records inside the
    zone now, and the note says how many lie outside, as on Bronnen."""
    from dashboard.queries import common

    monkeypatch.setattr(common, "MAP_POINT_CAP", 10)
    at = run_app()
    at.sidebar.radio(key="briefing_periode").set_value("ytd").run()
    assert not at.exception
    end = anchor()
    span = [date(end.year, 1, 1), end]

    def located(cond: str) -> int:
        return sum(
            count(
                f"SELECT count(*) FROM marts.{table} WHERE date BETWEEN ? AND ? "
                f"AND lat IS NOT NULL AND {source} AND {cond}",
                span,
            )
            for table, source in (
                ("incidents", "TRUE"),
                ("nuisance", "TRUE"),
                ("accidents", "source = 'zone'"),
            )
        )

    inside = located("h3_cell IS NOT NULL AND location_status IN ('ok', 'geen_wijk')")
    outside = located("TRUE") - inside
    assert outside > 0, "the demo has records outside the zone this year"
    hexagons = count(
        "SELECT sum(n) FROM marts.hex_counts WHERE month_start BETWEEN ? AND ?",
        [date(end.year, 1, 1), end],
    )
    assert hexagons == inside
    note = next(c.value for c in at.caption if "daarom geteld per zeshoek" in c.value)
    assert f": {nl(inside)} records in de zeshoeken." in note
    lie = "record ligt" if outside == 1 else "records liggen"
    assert note.endswith(f" {nl(outside)} {lie} buiten de zone, in geen zeshoek.")


def test_briefing_lists_coming_events_and_follows_up_the_periods(demo_warehouse):
    """The demo's event list: the events of the 14 days after the period, and the period's
    events with the records counted around them (independent SQL here)."""
    at = run_app()
    at.radio(key="briefing_periode").set_value("28d").run()
    assert not at.exception
    assert "Evenementen" in [s.value for s in at.subheader]
    end = anchor()
    start = end - timedelta(days=27)
    frames = [df.value for df in at.dataframe]
    coming = next(f for f in frames if "Organisator" in f.columns)
    expected = wh(
        "SELECT name FROM marts.events WHERE window_end > ?::TIMESTAMP "
        "AND started_at < ?::TIMESTAMP ORDER BY started_at, name",
        [end + timedelta(days=1), end + timedelta(days=15)],
    )["name"]
    assert len(expected) > 0  # the demo plans events beyond its data
    assert list(coming["Evenement"]) == list(expected)
    followed = next(f for f in frames if "Opvallend" in f.columns)
    in_period = wh(
        "SELECT event_id, name, x, y, started_at, window_end FROM marts.events "
        "WHERE started_at < ?::TIMESTAMP AND window_end > ?::TIMESTAMP",
        [end + timedelta(days=1), start],
    )
    assert sorted(followed["Evenement"]) == sorted(in_period["name"])
    # One event's count of facts, by distance and time in SQL of its own.
    ev = in_period.dropna(subset=["x"]).iloc[0]
    n = count(
        "SELECT count(*) FROM marts.incidents WHERE occurred_from >= ? "
        "AND occurred_from < ? + INTERVAL 2 HOUR "
        "AND (x - ?) * (x - ?) + (y - ?) * (y - ?) <= 250 * 250",
        [ev["started_at"], ev["window_end"], ev["x"], ev["x"], ev["y"], ev["y"]],
    )
    row = followed[followed["Evenement"] == ev["name"]].iloc[0]
    assert row["Feiten"].startswith(f"{nl(n)} (gewoonlijk ")
    assert any(c.value.startswith("Geteld binnen 250 m") for c in at.caption)


def test_an_inspector_counts_only_the_own_wijk_s_records_around_events(demo_warehouse):
    """Around another wijk's event an inspector saw "Feiten 1": one record placed within
    250 m and a few hours (an audit, page and pack). The inspector's counts are of the own
    wijk's records, around every event (SQL of its own); the note says so."""
    from dashboard.auth import Principal, Role

    inspector = Principal("insp", Role.INSPECTOR, wijk_code="W01")
    at = run_as(inspector)
    at.radio(key="briefing_periode").set_value("ytd").run()
    assert not at.exception
    followed = next(d.value for d in at.dataframe if "Opvallend" in d.value.columns)
    end = anchor()
    events = wh(
        "SELECT name, x, y, started_at, window_end FROM marts.events WHERE x IS NOT NULL "
        "AND started_at < ?::TIMESTAMP AND window_end > make_date(?, 1, 1)::TIMESTAMP",
        [end + timedelta(days=1), end.year],
    )
    checked = differ = 0
    for ev in events.itertuples(index=False):
        when = f"{ev.started_at:%d/%m %H:%M}"
        rows = followed[(followed["Evenement"] == ev.name) & followed["Wanneer"].str.contains(when)]
        if len(rows) != 1 or not rows.iloc[0]["Feiten"][:1].isdigit():
            continue
        for column, table, moment in (
            ("Feiten", "incidents", "occurred_from"),
            ("Overlast", "nuisance", "reported_at"),
        ):
            where = (
                f"{moment} >= ? AND {moment} < ? + INTERVAL 2 HOUR "
                "AND (x - ?) * (x - ?) + (y - ?) * (y - ?) <= 250 * 250"
                + (" AND time_known" if table == "nuisance" else "")
            )
            args = [ev.started_at, ev.window_end, ev.x, ev.x, ev.y, ev.y]
            sql = f"SELECT count(*) FROM marts.{table} WHERE {where}"
            own = count(sql + " AND wijk_code = 'W01'", args)
            every = count(sql, args)
            assert rows.iloc[0][column].startswith(f"{nl(own)} (gewoonlijk "), ev.name
            differ += own != every
        checked += 1
    assert checked >= 20 and differ >= 1, (checked, differ)
    assert any(
        c.value.startswith("Rond een evenement tellen enkel de records van je eigen wijk ")
        and "(W01), ook rond een evenement in een andere wijk" in c.value
        for c in at.caption
    )


def test_a_hot_spot_list_cut_at_ten_says_of_how_many(demo_warehouse):
    """The list holds the ten strongest hot cells; the map's "10 hot-spotzeshoeken" read as
    all of them where there were 48 (an audit). The note counts the hot cells with records
    of the year's Gi* (FDR), in the pack as well."""
    import io

    from docx import Document

    from dashboard.documents import briefing_pack as bp
    from dashboard.queries import hotspots as hq
    from dashboard.queries import warehouse_version

    at = run_app()
    at.radio(key="briefing_periode").set_value("ytd").run()
    end = anchor()
    gi = hq.hotspot_classes(
        warehouse_version(), ("incidents",), date(end.year, 1, 1), end, fdr=True
    )
    total = int(((gi["klasse"] > 0) & (gi["n"] > 0)).sum())
    assert total > 10, "the demo's year has more hot cells than the list holds"
    note = f"De 10 sterkste van {nl(total)} hotspots"
    assert any(c.value.startswith(note) for c in at.caption)
    assert any(
        c.value.startswith(f"Op de kaart: 10 hotspotzeshoeken (de sterkste van {nl(total)});")
        for c in at.caption
    )
    # The year to date's base is the same dates a year earlier, and its tiles say so (they
    # said "t.o.v. vorige periode" above tables whose "Vorige periode" was empty), short
    # enough to be read in five tiles ("+32 t.o.v. zelfde periode vo…" was cut); the
    # caption under the title names the dates.
    deltas = [str(m.proto.delta) for m in at.metric if m.proto.delta]
    assert deltas and all(d.endswith(" t.o.v. vorig jaar") for d in deltas), deltas
    assert all(len(d) <= 24 for d in deltas), deltas
    assert "zelfde periode vorig jaar" in at.caption[0].value
    data = bp.collect_briefing(warehouse_version(), "ytd", end)
    doc = Document(io.BytesIO(bp.briefing_docx(data, images={})))
    assert any(p.text.startswith(note) for p in doc.paragraphs)
    # "Categorie (meest)" names a category only when it is the most frequent alone: one of
    # five records of five categories was named (an audit). SQL of its own per cell.
    table = bp.hotspot_table(data.hotspots["incidents"])
    ties = 0
    for cell, shown in zip(
        data.hotspots["incidents"]["h3_cell"], table["Categorie (meest)"], strict=True
    ):
        counts = wh(
            "SELECT category::VARCHAR AS c, count(*) AS n FROM marts.incidents "
            "WHERE date BETWEEN make_date(?, 1, 1) AND ? AND h3_cell = ? "
            "AND location_status = 'ok' GROUP BY 1 ORDER BY n DESC, c",
            [end.year, end, int(cell)],
        )
        top = counts[counts["n"] == counts["n"].iat[0]]
        if len(top) > 1:
            ties += 1
            assert shown == f"{len(top)} categorieën, elk {nl(int(top['n'].iat[0]))}"
        else:
            assert shown == f"{top['c'].iat[0]} ({nl(int(top['n'].iat[0]))})"
    assert ties >= 1, "the demo's year has a hot cell whose first categories tie"
    # A list that holds them all says nothing more.
    from dataclasses import replace

    assert bp.more_hotspots_note(replace(data, hotspots_total={"incidents": 10}), "incidents") == ""


def test_an_inspector_s_briefing_leaves_out_another_wijk_s_candidate_of_two_accidents(
    demo_warehouse,
):
    """A candidate may hold two injury accidents with a high score (a review): in another
    wijk an inspector's briefing leaves it out, as a location to follow up, and counts it
    in the note; a candidate of three stays."""
    from dataclasses import replace

    from dashboard.documents import briefing_pack as bp
    from dashboard.queries import warehouse_version

    data = bp.collect_briefing(warehouse_version(), "28d", anchor())
    names = dict(data.wijk_shapes[["code", "name"]].itertuples(index=False, name=None))
    rows = pd.DataFrame(
        {
            "rang": [1, 2, 3],
            "straat": ["Astraat", "Bstraat", "Cstraat"],
            "wijk": [names["W02"], names["W02"], names["W01"]],
            "letselongevallen": [2, 3, 2],
            "doden": [1, 0, 1],
            "zwaargewonden": [1, 1, 0],
            "lichtgewonden": [0, 2, 1],
            "score": [16.0, 12.0, 16.0],
            "status": ["Kandidaat", "Kandidaat", "Kandidaat"],
            "is_black_spot": [False, False, False],
            "lat": [50.9, 50.91, 50.92],
            "lon": [4.6, 4.61, 4.62],
        }
    )
    made = replace(data, black_spots=rows, hidden_black_spots=0)
    shown = bp.for_reader(warehouse_version(), made, "W01").black_spots
    assert list(shown["straat"]) == ["Bstraat", "Cstraat"]
    assert bp.for_reader(warehouse_version(), made, "W01").hidden_black_spots == 1
    assert list(bp.for_reader(warehouse_version(), made, None).black_spots["straat"]) == [
        "Astraat",
        "Bstraat",
        "Cstraat",
    ]


def test_briefing_lists_the_running_approaches(demo_warehouse, tmp_path, monkeypatch):
    from dashboard.documents import briefing_pack as bp
    from etl.approaches import ApproachStore

    monkeypatch.setenv("WIJKBEELD_STATE", str(tmp_path / "state"))
    at = run_app("briefing")
    assert "Aanpakken van probleemadressen" in [s.value for s in at.subheader]
    assert bp.NO_APPROACHES in [i.value for i in at.info]
    ApproachStore(tmp_path / "state" / "aanpakken.duckdb").start(
        ("Kerkstraat", "1", "24038", None, None), "Kerkstraat 1", "Herent", "W01",
        date(2026, 9, 1), "Gesprek met de buren", "demo",
    )  # fmt: skip
    at = run_app("briefing")
    table = next(d.value for d in at.dataframe if "Aanpak" in d.value.columns)
    assert list(table["Adres"]) == ["Kerkstraat 1"]
    assert (
        table.iloc[0]["Wijk"] == wh("SELECT name FROM marts.districts WHERE code = 'W01'").iat[0, 0]
    )
    # Another wijk chosen: not listed.
    at = run_app("briefing", {"wijk": "W02"})
    assert not any("Aanpak" in d.value.columns for d in at.dataframe)
    assert bp.NO_APPROACHES in [i.value for i in at.info]


def test_briefing_hot_spots_show_what_made_them_hot(demo_warehouse):
    """A hot cell listed with "1" record beside "Hot spot 99 %" read as a mistake: Gi* weighs
    the cell and its six neighbours. The coordinator's table shows that sum ("Met de
    buren"), counted here from the records with h3; an inspector's does not (records of
    other wijken)."""
    import h3

    from dashboard.analysis.compstat import period_bounds
    from dashboard.documents import briefing_pack as bp
    from dashboard.queries import warehouse_version

    end = anchor()
    data = bp.collect_briefing(warehouse_version(), "ytd", end)
    hot = data.hotspots["incidents"]
    assert len(hot) >= 1, "de demo moet hotspots hebben"
    start, last = data.bounds.current.as_tuple()
    assert last <= period_bounds("ytd", end).current.end
    for cell, local_sum, n in zip(hot["h3_cell"], hot["local_sum"], hot["n"], strict=True):
        ring = [h3.str_to_int(c) for c in h3.grid_disk(h3.int_to_str(int(cell)), 1)]
        truth = count(
            "SELECT count(*) FROM marts.incidents WHERE date BETWEEN ? AND ? "
            "AND location_status = 'ok' AND list_contains(?::UBIGINT[], h3_cell)",
            [start, last, ring],
        )
        assert local_sum == truth >= n
    table = bp.hotspot_table(hot)
    assert list(table["Met de buren"]) == [int(v) for v in hot["local_sum"]]
    at = run_app(query_params={})
    at.radio(key="briefing_periode").set_value("ytd").run()
    shown = next(f for f in (df.value for df in at.dataframe) if "Klasse" in f.columns)
    assert "Met de buren" in shown.columns
    assert any(c.value == bp.HOTSPOT_SUM_NOTE for c in at.caption)
    own = next(w for w in hot["wijk"] if isinstance(w, str))
    code = wh("SELECT code FROM marts.districts WHERE layer = 'wijk' AND name = ?", [own]).iat[0, 0]
    inspector = bp.for_reader(warehouse_version(), data, code)
    assert len(inspector.hotspots["incidents"]) >= 1
    assert "Met de buren" not in bp.hotspot_table(inspector.hotspots["incidents"]).columns
    # The Word pack: the column and its note for the coordinator, neither for the inspector.
    import io

    from docx import Document

    def pack(d) -> str:
        doc = Document(io.BytesIO(bp.briefing_docx(d, images={})))
        cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
        return " ".join([p.text for p in doc.paragraphs] + cells)

    assert "Met de buren" in pack(data) and bp.HOTSPOT_SUM_NOTE in pack(data)
    assert "Met de buren" not in pack(inspector)
    # No Gi* z beside the class (an audit: "z 7,8" of four records beside "Hot spot 90 %"),
    # and the pack says what the page says under the table: a week's counts are small.
    assert "Gi* z" not in pack(data) and "Gi* z" not in shown.columns
    assert bp.hotspot_note(data) in pack(data) and bp.hotspot_note(inspector) in pack(inspector)
    assert any(c.value == bp.hotspot_note(data) for c in at.caption)
    # What a cell is compared with: the zone, or the chosen wijken (the same week read no
    # hot spot for the zone and two for one wijk, without a word on why; a review).
    assert bp.hotspot_note(data).endswith("het gemiddelde van de zone.")
    one = bp.collect_briefing(warehouse_version(), "ytd", end, (code,))
    assert bp.hotspot_note(one).endswith(
        "het gemiddelde van de gekozen wijk: de hele zone kan andere hotspots geven."
    )
    # The inspector's pack says whose version it is on its title page; the zone's does not.
    assert f"Versie voor de wijkinspecteur van {own} ({code}):" in pack(inspector)
    assert "Versie voor de wijkinspecteur" not in pack(data)


def test_a_year_to_date_has_no_columns_of_a_previous_period(demo_warehouse):
    """A year to date is compared with the same days last year only: its tables carried
    "Vorige periode", "Verschil" and "Signaal" with "–" in every row. They are left out on
    the page and in the pack; a week keeps them, and the colours stay on their columns."""
    import io

    from docx import Document

    from dashboard.components import comparison
    from dashboard.documents import briefing_pack as bp
    from dashboard.queries._db import require_version

    at = run_app(query_params={})
    at.radio(key="briefing_periode").set_value("ytd").run()
    for frame in at.dataframe[:2]:
        columns = list(frame.value.columns)
        assert not set(comparison.PREVIOUS_COLUMNS) & set(columns), columns
        assert "Verschil t.o.v. vorig jaar" in columns
    at.radio(key="briefing_periode").set_value("week").run()
    assert set(comparison.PREVIOUS_COLUMNS) <= set(at.dataframe[0].value.columns)

    data = bp.collect_briefing(require_version(), "ytd", _last_sunday())
    doc = Document(io.BytesIO(bp.briefing_docx(data)))
    header = next(
        [c.text for c in t.rows[0].cells] for t in doc.tables if t.rows[0].cells[0].text == "Domein"
    )
    assert header[:2] == ["Domein", "Nu"] and "Vorige periode" not in header, header
    assert "Verschil t.o.v. vorig jaar" in header
    # A notable change against last year colours its own two cells (indices of this table).
    marks = comparison.highlight_marks(data.totals, previous=False)
    cols = [header.index(c) for c in comparison.MARKED_COLUMNS["last_year"]]
    for row, mark in enumerate(marks):
        assert set(mark) <= set(cols)
        expected = comparison.opvallend(data.totals.iloc[row], "last_year")
        assert all(mark.get(c) == expected for c in cols)
