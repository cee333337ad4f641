"""The audit page (dashboard/views/audit.py): filters in the store, older events, cut details.

Run in ``local`` sign-in mode as the coordinator, with a fresh state folder, like
``test_auth_app.py``. Rows are written straight into the log (with a valid hash chain) where
a test needs many or old ones.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import duckdb
import pandas as pd
from dash_helpers import run_as
from streamlit.testing.v1 import AppTest

from dashboard.auth.roles import Principal, Role
from etl.audit import _SCHEMA, GENESIS_HASH, AuditLog, row_hash, sha256_text
from etl.config import zone_clock, zone_today

COORD = Principal("demo", Role.COORDINATOR, display_name="Demo wijkcoördinator")


def audit_page() -> AppTest:
    return run_as(COORD, "audit")


def table(at: AppTest) -> pd.DataFrame | None:
    for d in at.dataframe:
        df = d.value.data if hasattr(d.value, "data") else d.value
        if len(df.columns) and df.columns[0] == "Nr.":
            return df
    return None


def write_rows(rows: list[tuple]) -> None:
    """Append ``(ts, event, user, page, detail)`` rows (UTC, naive) with a valid chain."""
    log = AuditLog()
    log.path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(log.path))
    try:
        con.execute(_SCHEMA)
        last = con.execute(
            "SELECT seq, row_hash FROM audit_log ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        seq, prev = (last[0], last[1]) if last else (0, GENESIS_HASH)
        out = []
        for ts, event, user, page, detail in rows:
            seq += 1
            h = row_hash(prev, seq, ts, event, user, page, detail)
            out.append((seq, ts, event, user, page, detail, prev, h))
            prev = h
        con.executemany("INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?, ?)", out)
    finally:
        con.close()
    assert log.verify_chain() is None


def test_older_query_behind_5000_page_views_is_reachable(local_mode):
    # The page used to read the newest 5,000 rows and filter afterwards: whatever period,
    # a console query behind 5,000 newer page views never showed.
    start = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=2)
    sql = json.dumps({"sql": "SELECT 'GEHEIME_QUERY'", "rijen": 1}, sort_keys=True)
    rows = [(start, "sql", "beleidscel", "sql", sql)]
    rows += [
        (start + timedelta(seconds=i), "pagina", "beleidscel", "briefing", '{"filters": {}}')
        for i in range(1, 5101)
    ]
    write_rows(rows)
    at = audit_page()
    # Unfiltered: the newest sheet, and a sheet selector to reach the older rows.
    assert len(table(at)) == 5000
    assert any("per blad" in c.value for c in at.caption)
    at.selectbox(key="audit_blad").set_value(2).run()
    older = table(at)
    assert 1 in set(older["Nr."]) and "GEHEIME_QUERY" in " ".join(older["Details"])
    # Filtered on the event, in the store: the query shows on the first sheet.
    at.selectbox(key="audit_blad").set_value(1).run()
    at.multiselect(key="audit_gebeurtenis").set_value(["sql"]).run()
    shown = table(at)
    assert list(shown["Nr."]) == [1] and "GEHEIME_QUERY" in shown["Details"].iloc[0]
    assert {m.label: m.value for m in at.metric}["SQL-query's"] == "1"
    # The user filter is passed to the store as well.
    at.multiselect(key="audit_gebeurtenis").set_value([]).run()
    at.multiselect(key="audit_gebruiker").set_value(["beleidscel"]).run()
    assert {m.label: m.value for m in at.metric}["Paginabezoeken"] == "5.100"


def test_end_date_reaches_events_before_the_period(local_mode):
    # 40 days ago, 10:00 local time.
    day = zone_today() - timedelta(days=40)
    local = datetime(day.year, day.month, day.day, 10, tzinfo=zone_clock())
    ts = local.astimezone(UTC).replace(tzinfo=None)
    write_rows([(ts, "export", "demo", "reports", '{"bestand": "oud_rapport.docx"}')])
    at = audit_page()
    assert "oud_rapport" not in " ".join(table(at)["Details"])
    at.selectbox(key="audit_periode").set_value("7").run()
    at.date_input(key="audit_tot").set_value(day).run()
    shown = table(at)
    assert list(shown["Details"]) == ["oud_rapport.docx"]
    # The day after is outside a period that ends the day before.
    at.date_input(key="audit_tot").set_value(day - timedelta(days=1)).run()
    assert table(at) is None and any("Geen gebeurtenissen" in i.value for i in at.info)


def test_cut_details_show_both_ends_and_the_hash(local_mode):
    query = "SELECT pv_number FROM marts.incidents WHERE wijk_code = 'W03'"
    padded = "/*" + "x" * 20_000 + "*/ " + query
    AuditLog().record("sql", "demo", page="sql", detail={"sql": padded, "fout": "te lang"})
    # A row cut by the old format: only the start of the whole detail.
    old = json.dumps({"afgekapt": True, "begin": '{"sql": "SELECT oud_begin'})
    write_rows([(datetime.now(UTC).replace(tzinfo=None), "sql", "demo", "sql", old)])
    at = audit_page()
    details = table(at).set_index("Nr.")["Details"]
    assert details[1].startswith("/*xxx")
    assert query in details[1] and "geweigerd of fout: te lang" in details[1]
    assert f"ingekort: {len(padded):,} tekens".replace(",", ".") in details[1]
    assert sha256_text(padded) in details[1]
    assert "SELECT oud_begin" in details[2] and "ingekort" in details[2]


def test_changes_read_as_dutch_lines_and_count_apart_from_exports(local_mode):
    log = AuditLog()
    log.record_change(
        "aanpak_gestart",
        "demo",
        page="sources",
        detail={"aanpak": 4, "adres": "Stationsstraat 12, Herent", "wijk": "W02",
                "vanaf": "2026-11-02"},
    )  # fmt: skip
    log.record_change(
        "beoordeling",
        "demo",
        page="workload",
        detail={"taak": "T-2026-0042", "beslissing": "teruggestuurd", "met_opmerking": True},
    )
    log.record_change(
        "gebruiker_toegevoegd",
        "root",
        detail={"gebruiker": "an", "rol": "inspector", "wijk": "W02", "via": "opdrachtregel"},
    )
    # An upload of an older version, audited as an export, still reads.
    log.record("export", "demo", page="data", detail={"bestand": "incidents/a.csv",
                                                      "formaat": "upload", "rijen": 3})  # fmt: skip
    at = audit_page()
    shown = table(at).set_index("Nr.")
    assert shown.loc[1, "Gebeurtenis"] == "Wijziging"
    assert shown.loc[1, "Details"] == (
        "Aanpak vastgelegd: aanpak: 4 · adres: Stationsstraat 12, Herent · vanaf: 02/11/2026 "
        "· wijk: W02"
    )
    assert shown.loc[2, "Details"] == (
        "Taak beoordeeld: beslissing: teruggestuurd · met opmerking: ja · taak: T-2026-0042"
    )
    assert shown.loc[3, "Details"] == (
        "Gebruiker toegevoegd: gebruiker: an · rol: wijkinspecteur · wijk: W02 (via opdrachtregel)"
    )
    assert shown.loc[3, "Pagina"] == "–"
    assert shown.loc[4, "Details"] == "incidents/a.csv — 3 rijen"
    kpis = {m.label: m.value for m in at.metric}
    assert (kpis["Wijzigingen"], kpis["Exports"]) == ("3", "1")
    at.multiselect(key="audit_gebeurtenis").set_value(["wijziging"]).run()
    assert list(table(at)["Nr."]) == [3, 2, 1]


def test_a_noted_hash_is_checked_on_the_page(local_mode):
    log = AuditLog()
    for i in range(3):
        log.record("pagina", "demo", page="briefing", detail={"filters": {"n": i}})
    seq, full = log.head()  # as a pack made now would print it
    at = audit_page()  # (the page's own view is the next event)
    shown = next(s.value for s in at.success if s.value.startswith("Hashketen intact"))
    assert shown.startswith("Hashketen intact: 4 gebeurtenissen")
    assert f"`{log.hash_at(4)[:16]}…`" in shown and "titelblad" in shown

    def check(number: int, noted: str) -> AppTest:
        at.number_input(key="audit_anker_nr").set_value(number)
        at.text_input(key="audit_anker_hash").input(noted)
        return next(b for b in at.button if b.label == "Controleren").click().run()

    at = check(seq, full[:16])
    assert any(s.value.startswith("Klopt: gebeurtenis 3 heeft deze hash") for s in at.success)
    at = check(seq, "0" * 16)
    assert any(e.value.startswith("Klopt niet: gebeurtenis 3") for e in at.error)
    at = check(seq + 5, full[:16])
    assert any("Gebeurtenis 8 staat niet (meer) in het log" in e.value for e in at.error)
    at = check(seq, "abc")
    assert any("minstens 8 tekens" in e.value for e in at.error)


def test_sign_ins_count_apart_from_sessions_resumed(local_mode):
    """Fourteen "Aanmeldingen" for one sign-in: every reload or new tab logs a sign-in by
    the session cookie (a look at the audit page in a browser). The figure counts the
    sign-ins with a password; its help says how many resumed a session."""
    log = AuditLog()
    log.record("aanmelding", "demo", detail={"methode": "wachtwoord", "rol": "coordinator"})
    for _ in range(3):
        log.record("aanmelding", "demo", detail={"methode": "sessiecookie", "rol": "coordinator"})
    assert log.facets()["resumed_sign_ins"] == 3
    at = audit_page()
    [kpi] = [m for m in at.metric if m.label == "Aanmeldingen"]
    assert kpi.value == "1" and "3 keer verder aangemeld via de sessiecookie" in kpi.help


def test_page_filters_read_as_the_page_shows_them(local_mode):
    """A page view's details read "periode: 28d" and "van: 2026-04-17": codes of the
    address, not what the page showed (a UX sweep)."""
    log = AuditLog()
    log.record("pagina", "demo", page="sources", detail={"filters": {"periode": "28d",
                                                                     "wijk": ["W01", "W02"]}})  # fmt: skip
    log.record("export", "demo", page="exploration", detail={
        "bestand": "verkenning.csv", "rijen": 2,
        "filters": {"periode": "aangepast", "van": "2026-04-17", "tot": "2026-05-14"}})  # fmt: skip
    shown = table(audit_page()).set_index("Nr.")["Details"]
    assert shown[1] == "periode: laatste 28 dagen · wijk: W01, W02"
    assert shown[2] == (
        "verkenning.csv — 2 rijen — periode: aangepast · van: 17/04/2026 · tot: 14/05/2026"
    )
