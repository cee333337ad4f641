"""Local events: the event list is read like every export (mapping, quirks, refusals, newest
list wins), located, and followed up: what happened around an event against the same hours
in the weeks before."""

from __future__ import annotations

from datetime import date

import pandas as pd
from etl_helpers import INCIDENT_HEADER, build, mini_raw, query

from dashboard.analysis.events import excess_p_value, more_than_usual
from dashboard.documents import briefing_pack as bp
from dashboard.queries import events as event_queries
from dashboard.queries._db import warehouse_version


def _paragraphs(blob: bytes) -> list[str]:
    """The paragraph texts of a Word document."""
    import io

    from docx import Document

    return [p.text for p in Document(io.BytesIO(blob)).paragraphs]


EVENTS_HEADER = (
    "Dossiernummer;Evenement;Type;Begin;Einde;Locatie;Straat;Huisnr;Gemeente;X;Y;"
    "Verwachte bezoekers;Organisator\n"
)
EVENTS = [
    # A fuif on a Saturday night, at (171000, 177000) in W01.
    "EV-1;Fuif Sint-Rémi;Fuif;06/07/2024 22:00;07/07/2024 04:00;Parochiezaal;;;Herent;171000;177000;1.200;Jeugdraad Égide",
    # A market listed by its day only, and ending on a day without a time.
    "EV-2;Jaarmarkt;Markt;08/09/2024;;Markt;;;Herent;172500,5;177500;;Gemeente",
    "EV-3;Kermis;Kermis;12/07/2024 18:00;15/07/2024;Dorpsplein;;;Herent;171500;176500;3000;Feestcomité",
    # Planned, far after the data: accepted (an event list is a planning).
    "EV-4;Kerstmarkt;Markt;13/12/2030 17:00;15/12/2030 22:00;Markt;;;Herent;172500;177500;;",
    # Refused, each naming file, row and field.
    "EV-5;;Fuif;01/08/2024 22:00;;;;;;171000;177000;;",
    "EV-6;Wielerwedstrijd;Sport;04/08/2024 13:00;04/08/2024 12:00;;;;;171000;177000;;",
    "EV-7;Receptie;Receptie;05/08/2024 11:00;05/08/2024 14:00;;;;;171000;177000;veel;",
    ";Zonder nummer;Fuif;06/08/2024 22:00;;;;;;171000;177000;;",
]
INCIDENTS = [
    # During the fuif, within 250 m, and until two hours after its end (06:00).
    "P1;06/07/2024 23:00;;07/07/2024 01:00;Vandalisme;Kerkstraat;1;3020;Herent;171050;177020",
    "P2;07/07/2024 01:00;;07/07/2024 02:00;Slagen en verwondingen;Kerkstraat;1;3020;Herent;171000;177100",
    "P3;07/07/2024 05:30;;07/07/2024 06:00;Vandalisme;Kerkstraat;1;3020;Herent;170900;177000",
    # After the window, and too far away during it: not counted.
    "P4;07/07/2024 06:30;;07/07/2024 07:00;Vandalisme;Kerkstraat;1;3020;Herent;171000;177000",
    "P5;06/07/2024 23:30;;07/07/2024 00:30;Vandalisme;Kerkstraat;1;3020;Herent;171400;177000",
    # The same hours one week earlier: what is usual there.
    "P6;29/06/2024 23:30;;30/06/2024 00:30;Vandalisme;Kerkstraat;1;3020;Herent;171000;177000",
    # Far away, weeks before: the data begin before the four weeks the fuif is compared
    # with (event_follow_up's "judged").
    "P0;01/05/2024 12:00;;01/05/2024 13:00;Vandalisme;Kerkstraat;1;3020;Herent;173000;177000",
    # The latest record date: the build's reference date.
    "P7;30/09/2024 12:00;;30/09/2024 13:00;Vandalisme;Kerkstraat;1;3020;Herent;173000;177000",
]
NUISANCE = (
    "Meldingsnummer,Datum melding,Type overlast,Straat,Huisnummer,Postcode,Gemeente,Lambert X,Lambert Y\n"
    'OV-1,07/07/2024 02:10,Geluidsoverlast,Kerkstraat,4,3020,Herent,"171000,0","177050,0"\n'
)


def _raw(tmp_path, events=EVENTS, extra=None):
    files = {
        # Windows-1252, as a municipality's Excel saves its CSV.
        "events/evenementen_2024.csv": (EVENTS_HEADER + "\n".join(events) + "\n").encode("cp1252"),
        "incidents/feiten.csv": INCIDENT_HEADER + "\n" + "\n".join(INCIDENTS) + "\n",
        "nuisance/overlast.csv": NUISANCE,
    }
    files.update(extra or {})
    return mini_raw(tmp_path, files)


def test_event_list_is_read_located_and_checked(tmp_path):
    wh = tmp_path / "wh.duckdb"
    build(_raw(tmp_path), wh)
    rows = query(
        wh,
        "SELECT event_id, name, event_type::VARCHAR, started_at::VARCHAR, ended_at::VARCHAR, "
        "window_end::VARCHAR, visitors, organiser, wijk_code::VARCHAR, location_status::VARCHAR "
        "FROM marts.events ORDER BY event_id",
    )
    assert rows == [
        ("EV-1", "Fuif Sint-Rémi", "Fuif", "2024-07-06 22:00:00", "2024-07-07 04:00:00",
         "2024-07-07 04:00:00", 1200, "Jeugdraad Égide", "W01", "ok"),
        # No end: the follow-up runs to the end of the day it began.
        ("EV-2", "Jaarmarkt", "Markt", "2024-09-08 00:00:00", None, "2024-09-09 00:00:00",
         None, "Gemeente", "W02", "ok"),
        # An end date without a time: to the end of that day.
        ("EV-3", "Kermis", "Kermis", "2024-07-12 18:00:00", "2024-07-16 00:00:00",
         "2024-07-16 00:00:00", 3000, "Feestcomité", "W01", "ok"),
        ("EV-4", "Kerstmarkt", "Markt", "2030-12-13 17:00:00", "2030-12-15 22:00:00",
         "2030-12-15 22:00:00", None, None, "W02", "ok"),
    ]  # fmt: skip
    rejects = query(
        wh,
        "SELECT source_row, field, value, reason FROM marts.rejects WHERE kind = 'events' "
        "ORDER BY source_row",
    )
    assert rejects == [
        (6, "Evenement", None, "Naam van het evenement ontbreekt"),
        (7, "Einde", "04/08/2024 12:00", "Einde ligt vóór het begin"),
        (8, "Verwachte bezoekers", "veel", "Verwachte bezoekers is geen getal"),
        (9, "Dossiernummer", None, "Dossiernummer ontbreekt"),
    ]
    # The planned event does not move the build's reference date (the data's last day).
    assert query(wh, "SELECT reference_date::VARCHAR FROM marts.build_info") == [("2024-09-30",)]
    files = query(
        wh,
        "SELECT rows_read, rows_accepted, rows_rejected FROM marts.load_files WHERE kind = 'events'",
    )
    assert files == [(8, 4, 4)]


def test_newest_event_list_wins_and_nothing_counts_twice(tmp_path):
    update = EVENTS_HEADER + (
        "EV-1;Fuif Sint-Rémi;Fuif;06/07/2024 22:00;07/07/2024 03:00;Parochiezaal;;;Herent;"
        "171000;177000;800;Jeugdraad\n"
    )
    wh = tmp_path / "wh.duckdb"
    raw = _raw(tmp_path, extra={"events/evenementen_2024_update.csv": update})
    build(raw, wh)
    assert query(
        wh, "SELECT count(*), max(ended_at)::VARCHAR, max(visitors) FROM marts.events WHERE event_id = 'EV-1'"
    ) == [(1, "2024-07-07 03:00:00", 800)]  # fmt: skip
    assert query(wh, "SELECT count(*) FROM marts.events") == [(4,)]


def test_follow_up_counts_records_around_the_event_against_the_weeks_before(tmp_path):
    wh = tmp_path / "wh.duckdb"
    build(_raw(tmp_path), wh)
    version = warehouse_version(wh)
    df = event_queries.event_follow_up(version, date(2024, 7, 1), date(2024, 7, 7))
    assert df["event_id"].tolist() == ["EV-1"]
    row = df.iloc[0]
    assert (row["incidents_now"], row["incidents_before"]) == (3, 1)
    assert (row["nuisance_now"], row["nuisance_before"]) == (1, 0)
    assert (row["accidents_now"], row["accidents_before"]) == (0, 0)
    # A smaller circle leaves P3 (100 m away) and P2 (100 m) out.
    small = event_queries.event_follow_up(version, date(2024, 7, 1), date(2024, 7, 7), radius_m=60)
    assert small.iloc[0]["incidents_now"] == 1
    # A wijk filter keeps the events of that wijk only.
    assert event_queries.event_follow_up(
        version, date(2024, 7, 1), date(2024, 7, 7), ("W02",)
    ).empty
    # The briefing's table: 3 against 0,25 a week is more than usual, marked; nuisance not.
    table, marks = bp.followup_table(df)
    assert table.loc[0, "Feiten"] == "3 (gewoonlijk 0,3)"
    assert table.loc[0, "Overlast"] == "1 (gewoonlijk 0,0)"
    assert table.loc[0, "Opvallend"] == "feiten"
    assert marks == [{table.columns.get_loc("Feiten"): "up"}]
    assert table.loc[0, "Wanneer"] == "za 06/07 22:00 – zo 07/07 04:00"


def test_follow_up_window_edges_within_the_hour(tmp_path):
    """Records meet an event's window through the hours it touches, then the exact time:
    a window from 21:30 to 01:15 (an event until 23:15, plus two hours) counts 21:30 and
    01:14 but not 21:20 in the same hour as its start nor 01:15, its end; one week earlier
    the same."""
    event = "EV-20;Buurtfeest;Feest;06/07/2024 21:30;06/07/2024 23:15;;;;Herent;171000;177000;;"

    def fact(n: int, when: str) -> str:
        return f"Q{n};{when};;{when};Vandalisme;Kerkstraat;1;3020;Herent;171000;177000"

    times = ["06/07/2024 21:20", "06/07/2024 21:30", "06/07/2024 22:59", "07/07/2024 01:14",
             "07/07/2024 01:15", "29/06/2024 21:29", "29/06/2024 21:30", "30/06/2024 01:15"]  # fmt: skip
    early = (
        "Q0;01/05/2024 12:00;;01/05/2024 13:00;Vandalisme;Kerkstraat;1;3020;Herent;173000;177000"
    )
    late = "Q9;30/09/2024 12:00;;30/09/2024 13:00;Vandalisme;Kerkstraat;1;3020;Herent;173000;177000"
    rows = [early, *(fact(n, t) for n, t in enumerate(times, 1)), late]
    raw = _raw(
        tmp_path,
        events=[event],
        extra={"incidents/feiten.csv": INCIDENT_HEADER + "\n" + "\n".join(rows) + "\n"},
    )
    wh = tmp_path / "wh.duckdb"
    build(raw, wh)
    df = event_queries.event_follow_up(warehouse_version(wh), date(2024, 7, 1), date(2024, 7, 7))
    row = df.set_index("event_id").loc["EV-20"]
    assert (row["incidents_now"], row["incidents_before"]) == (3, 1)


def test_follow_up_judges_only_what_the_data_cover(tmp_path):
    """Without the early record the data begin on 29/06: the fuif of 06/07 is counted but
    not judged (three of its four earlier Saturday nights lie before the data, unknown, not
    quiet), and an evening on the data's last day, whose two hours after run into a day
    without data, is not counted at all."""
    late = "EV-10;Buurtfeest laat;Feest;30/09/2024 19:00;30/09/2024 23:30;;;;Herent;171000;177000;;"
    raw = _raw(
        tmp_path,
        events=EVENTS[:1] + [late],
        extra={
            "incidents/feiten.csv": INCIDENT_HEADER
            + "\n"
            + "\n".join(r for r in INCIDENTS if not r.startswith("P0;"))
            + "\n"
        },
    )
    wh = tmp_path / "wh.duckdb"
    build(raw, wh)
    version = warehouse_version(wh)
    df = event_queries.event_follow_up(version, date(2024, 7, 1), date(2024, 9, 30))
    flags = {r.event_id: (r.counted, r.judged) for r in df.itertuples()}
    assert flags == {"EV-1": (True, False), "EV-10": (False, False)}
    table, marks = bp.followup_table(df)
    fuif = table[table["Evenement"] == "Fuif Sint-Rémi"].iloc[0]
    # Counted as before (3 facts), but against nothing: no "gewoonlijk", not red.
    assert fuif["Feiten"] == "3 (gewoonlijk –)"
    assert fuif["Opvallend"] == "niet beoordeeld"  # the note below the table says why
    late_row = table[table["Evenement"] == "Buurtfeest laat"].iloc[0]
    assert (late_row["Feiten"], late_row["Overlast"], late_row["Ongevallen"]) == ("–", "–", "–")
    assert late_row["Opvallend"] == "niet geteld"
    assert marks == [{}, {}]


def test_upcoming_events_after_the_period(tmp_path):
    wh = tmp_path / "wh.duckdb"
    build(_raw(tmp_path), wh)
    version = warehouse_version(wh)
    # The week after 07/07: the kermis (12–15/07).
    up = event_queries.upcoming_events(version, date(2024, 7, 7), 14)
    assert up["event_id"].tolist() == ["EV-3"]
    # A kermis still running is listed on its later days too.
    assert event_queries.upcoming_events(version, date(2024, 7, 13), 3)["event_id"].tolist() == [
        "EV-3"
    ]
    table = bp.upcoming_table(up)
    assert table.loc[0, "Wanneer"] == "vr 12/07 18:00 – ma 15/07"
    assert table.loc[0, "Bezoekers"] == "3.000"
    assert table.loc[0, "Locatie"] == "Dorpsplein"
    assert event_queries.upcoming_events(version, date(2024, 9, 7), 1)["event_id"].tolist() == [
        "EV-2"
    ]
    assert (
        bp.upcoming_table(event_queries.upcoming_events(version, date(2024, 9, 7), 1)).loc[
            0, "Wanneer"
        ]
        == "zo 08/09"
    )


def test_without_an_event_list_the_queries_are_empty(tmp_path):
    wh = tmp_path / "wh.duckdb"
    raw = mini_raw(
        tmp_path, {"incidents/feiten.csv": INCIDENT_HEADER + "\n" + "\n".join(INCIDENTS) + "\n"}
    )
    build(raw, wh)
    version = warehouse_version(wh)
    assert not event_queries.has_events(version)  # the mart exists, empty
    data = bp.collect_briefing(version, "week", date(2024, 7, 7))
    assert not data.has_events
    assert bp.NO_EVENT_LIST in _paragraphs(bp.briefing_docx(data))
    assert event_queries.upcoming_events(version, date(2024, 7, 7)).empty
    assert event_queries.event_follow_up(version, date(2024, 7, 1), date(2024, 7, 7)).empty


def test_more_than_usual_needs_a_clear_excess():
    # 3 against none in four weeks: chance gives it 0,8 % of the time.
    assert round(float(excess_p_value(3, 0)), 3) == 0.008
    assert float(excess_p_value(1, 0)) == 0.2
    assert float(excess_p_value(0, 5)) == 1.0
    assert more_than_usual(pd.Series([3, 1, 2, 6]), pd.Series([1, 0, 0, 12])).tolist() == [
        True,   # 3 against 0,25 a week
        False,  # one fact more is never opvallend
        True,   # 2 against none: 2 more than usual, chance 4 %
        False,  # 6 against 3 a week: usual
    ]  # fmt: skip


def test_follow_up_finds_the_noise_the_demo_planted_around_events(tmp_path):
    """The demo plants nuisance reports around part of its fuiven and kermissen (ground
    truth): the follow-up counts them and calls those events more than usual, and rarely
    an event where nothing was planted."""
    import json

    from etl.demo import generate_demo
    from etl.demo.events import PLANTED_RADIUS_M

    raw = tmp_path / "demo"
    generate_demo(raw, seed=11, years=1, scale=1.0, end=date(2025, 6, 30))
    wh = tmp_path / "wh.duckdb"
    build(raw, wh)
    planted = {
        (p["event"], p["start"]): p["reports"]
        for p in json.loads((raw / "ground_truth.json").read_text())["event_nuisance"]
    }
    assert len(planted) >= 20 and PLANTED_RADIUS_M < 250
    df = event_queries.event_follow_up(warehouse_version(wh), date(2024, 7, 1), date(2025, 6, 30))
    key = list(zip(df["name"], df["started_at"].dt.strftime("%Y-%m-%dT%H:%M"), strict=True))
    df["planted"] = [planted.get(k, 0) for k in key]
    assert df["planted"].sum() == sum(planted.values())  # every planted event is listed
    hit = df[df["planted"] > 0]
    # Each planted report lies within the circle and the window; a few lose their
    # coordinates in the register (the demo's 5 % without X/Y).
    assert (hit["nuisance_now"] >= 0).all()
    assert hit["nuisance_now"].sum() >= 0.85 * hit["planted"].sum()
    flagged = more_than_usual(df["nuisance_now"], df["nuisance_before"])
    loud = df["planted"] >= 5
    assert loud.any() and flagged[loud].mean() >= 0.9
    quiet = df["planted"] == 0
    assert quiet.sum() >= 20 and flagged[quiet].mean() <= 0.1


def test_upload_preview_of_an_event_list(tmp_path):
    """The Data page's upload reads an event list as the build would: its columns mapped,
    its refusals named, nothing stored."""
    from etl.upload import preview_upload

    data = (EVENTS_HEADER + "\n".join(EVENTS) + "\n").encode("cp1252")
    p = preview_upload("events", "evenementen.csv", data)
    assert p.ok, p.error
    assert p.columns_found["event_id"] == "Dossiernummer"
    assert p.columns_found["visitors"] == "Verwachte bezoekers"
    assert (p.n_rows, p.n_accepted, p.n_refused) == (8, 4, 4)
    assert list(p.refused["reason"]) == [
        "Naam van het evenement ontbreekt",
        "Einde ligt vóór het begin",
        "Verwachte bezoekers is geen getal",
        "Dossiernummer ontbreekt",
    ]
    assert "Fuif Sint-Rémi" in set(p.accepted["name"])
    assert not (tmp_path / "raw").exists()


def test_event_outside_the_zone_or_without_a_location_says_so(tmp_path):
    events = EVENTS[:1] + [
        # A wielerwedstrijd starting outside the zone, and one without a place.
        "EV-8;Omloop;Wielerwedstrijd;07/07/2024 13:00;07/07/2024 17:00;;;;;150000;160000;;",
        "EV-9;Buurtfeest;Feest;07/07/2024 15:00;07/07/2024 23:00;;;;;;;;",
    ]
    wh = tmp_path / "wh.duckdb"
    build(_raw(tmp_path, events=events), wh)
    df = event_queries.event_follow_up(warehouse_version(wh), date(2024, 7, 1), date(2024, 7, 7))
    table, _ = bp.followup_table(df)
    wijk = dict(zip(table["Evenement"], table["Wijk"], strict=True))
    assert wijk == {
        "Fuif Sint-Rémi": "Centrum-West",
        "Omloop": "– (buiten de zone)",
        "Buurtfeest": "– (geen locatie)",
    }
    # Without a location nothing can be counted around it: a dash, not 0.
    row = table[table["Evenement"] == "Buurtfeest"].iloc[0]
    assert (row["Feiten"], row["Overlast"], row["Ongevallen"]) == ("–", "–", "–")


def test_a_cancelled_event_is_listed_as_such_and_not_followed_up(tmp_path):
    """A later list marks the fuif "Afgelast" (any case, spaces around it): among the coming
    events it says so, and it is neither followed up, drawn nor reported; "Goedgekeurd" and
    an empty status change nothing."""
    from dashboard.documents import municipal_report as mr

    header = EVENTS_HEADER.rstrip("\n") + ";Status\n"
    rows = [row + (";  AFGELAST " if row.startswith("EV-1;") else ";Goedgekeurd") for row in EVENTS]
    rows[1] = rows[1].rsplit(";", 1)[0] + ";"  # the jaarmarkt: no status
    wh = tmp_path / "wh.duckdb"
    raw = _raw(
        tmp_path,
        extra={"events/evenementen_2024.csv": (header + "\n".join(rows) + "\n").encode("cp1252")},
    )
    build(raw, wh)
    assert query(
        wh, "SELECT event_id, status::VARCHAR, is_cancelled FROM marts.events ORDER BY 1"
    ) == [
        ("EV-1", "AFGELAST", True),
        ("EV-2", None, False),
        ("EV-3", "Goedgekeurd", False),
        ("EV-4", "Goedgekeurd", False),
    ]  # fmt: skip
    version = warehouse_version(wh)
    up = event_queries.upcoming_events(version, date(2024, 7, 5), 10)
    assert up["event_id"].tolist() == ["EV-1", "EV-3"]
    assert bp.upcoming_table(up)["Evenement"].tolist() == ["Fuif Sint-Rémi (afgelast)", "Kermis"]
    assert event_queries.event_follow_up(version, date(2024, 7, 1), date(2024, 7, 7)).empty
    assert event_queries.events_between(version, date(2024, 7, 1), date(2024, 7, 7)).empty
    report = mr.collect_report(version, "24038", mr.ReportPeriod("kwartaal", 2024, 3), warn=False)
    assert [row[0] for row in report.tables["evenementen"].labels] == ["Kermis", "Jaarmarkt"]


def test_follow_up_per_domain_leaves_out_months_without_one_record(tmp_path, monkeypatch):
    """A nuisance register without March (a missing export): a festival in April stood
    "opvallend" for nuisance against weeks that counted 0 for want of data (an audit,
    fifty-eighth session). Per domain, a month without one record of it touching the
    event's window leaves it uncounted ("–"), touching its earlier weeks unjudged."""
    import dataclasses

    import streamlit as st

    from dashboard.queries import events as ev_module

    wh = tmp_path / "wh.duckdb"
    build(_raw(tmp_path), wh)
    version = warehouse_version(wh)
    spans = dict(ev_module.source_span_map(version))
    real = ev_module.source_span_map

    def with_gap(month: date):
        gapped = dict(spans)
        gapped["nuisance"] = dataclasses.replace(spans["nuisance"], gaps=(month,))
        monkeypatch.setattr(ev_module, "source_span_map", lambda _v: gapped)
        st.cache_data.clear()
        return event_queries.event_follow_up(version, date(2024, 7, 1), date(2024, 7, 7))

    base = event_queries.event_follow_up(version, date(2024, 7, 1), date(2024, 7, 7))
    fuif = base.set_index("event_id").loc["EV-1"]
    assert fuif["counted"] and fuif["judged"]
    assert fuif["nuisance_counted"] and fuif["nuisance_judged"]
    # June without nuisance: the fuif's four earlier Saturdays lie in it.
    june = with_gap(date(2024, 6, 1)).set_index("event_id").loc["EV-1"]
    assert june["nuisance_counted"] and not june["nuisance_judged"]
    assert june["incidents_judged"] and june["judged"]
    # July without nuisance: the fuif's own night.
    july = with_gap(date(2024, 7, 1))
    row = july.set_index("event_id").loc["EV-1"]
    assert not row["nuisance_counted"] and row["incidents_counted"]
    table, _ = bp.followup_table(july)
    fuif_row = table[table["Evenement"] == "Fuif Sint-Rémi"].iloc[0]
    assert fuif_row["Overlast"] == "–" and fuif_row["Feiten"].startswith("3 (gewoonlijk ")
    monkeypatch.setattr(ev_module, "source_span_map", real)
    st.cache_data.clear()
