"""Access control wired into the app: sign-in, navigation per role, record policy, audit.

These tests run in ``local`` sign-in mode (the ordinary dashboard tests run in ``none`` mode as
the coordinator, see ``tests/conftest.py``). A role is signed in the way the gate does after a
successful sign-in (the principal in the session state), except in the test that drives the
form itself. Expected values come from independent SQL on the warehouse.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from dash_helpers import run_as, wh
from streamlit.testing.v1 import AppTest

import dashboard
from dashboard.auth.roles import PAGE_ACCESS, Principal, Role, load_pseudonym_key, pseudonymise_pv
from etl.audit import AuditLog

COORD = Principal("demo", Role.COORDINATOR, display_name="Demo wijkcoördinator")
BELEID = Principal("beleidscel", Role.BELEIDSCEL)
BESTUUR = Principal("bestuur-24038", Role.BESTUUR, nis_code="24038")


def _wijk_label(code: str) -> str:
    """A wijk as the inspector's texts name it: "Herent-Centrum (W01)"."""
    name = wh("SELECT name FROM marts.districts WHERE layer = 'wijk' AND code = ?", [code]).iat[
        0, 0
    ]
    return f"{name} ({code})"


def inspector(wijk: str) -> Principal:
    """A wijkinspecteur of ``wijk``."""
    return Principal(f"inspecteur-{wijk.lower()}", Role.INSPECTOR, wijk_code=wijk)


def nav_pages(at: AppTest) -> set[str]:
    """File stems of the page files the navigation routes (the app's pages; the hidden
    placeholders at other addresses have no script)."""
    return {
        Path(str(info["script_path"])).stem
        for info in at._registered_pages.values()
        if info.get("script_path")
    }


def refused_addresses(at: AppTest) -> set[str]:
    """Addresses routed to the hidden "Geen toegang" placeholder (no script)."""
    return {
        info["url_pathname"]
        for info in at._registered_pages.values()
        if info["page_name"] == "Geen toegang" and not info.get("script_path")
    }


def frame(at: AppTest, first_column: str) -> pd.DataFrame | None:
    """The first table whose first column is ``first_column``, or ``None``."""
    for d in at.dataframe:
        df = d.value.data if hasattr(d.value, "data") else d.value
        if len(df.columns) and df.columns[0] == first_column:
            return df
    return None


# --- sign-in ---------------------------------------------------------------------------------


def test_unauthenticated_session_gets_only_the_login_form(local_mode):
    at = run_as(None)
    assert [t.value for t in at.title] == ["Wijkbeeld"]
    assert [s.value for s in at.subheader] == ["Aanmelden"]
    assert [t.label for t in at.text_input] == ["Gebruikersnaam", "Wachtwoord"]
    # No page, no navigation, no data: no tables, KPIs, charts, sidebar or zone name.
    # Placeholders without a script, one per page address (a shared link keeps its
    # address through sign-in), and no page of the app.
    routed = list(at._registered_pages.values())
    assert all(not r.get("script_path") and r["page_name"] == "Aanmelden" for r in routed)
    stems = {p.stem for p in (Path(dashboard.__file__).parent / "views").glob("*.py")}
    # And the form's own address, and the Briefing's own pathname (served at the root).
    assert {r["url_pathname"] for r in routed} == {
        "",
        "aanmelden",
        "briefing-standaardpagina",
        *stems,
    }
    assert not at.dataframe and not at.metric and not at.sidebar.markdown
    assert not at.sidebar.caption and not at.get("plotly_chart")
    zone = wh("SELECT zone_name FROM marts.build_info").iat[0, 0]
    assert not any(zone in m.value for m in at.markdown)
    # Nothing was audited as a page view; the demo accounts exist already.
    assert AuditLog().read().empty
    assert (local_mode / "users.toml").exists()


def test_login_form_signs_in_the_demo_coordinator_and_audits(local_mode):
    at = run_as(None)
    at.text_input[0].input("demo")
    at.text_input[1].input("verkeerd-wachtwoord")
    at.button[0].click().run()
    assert "onjuist" in at.error[0].value
    assert not at.metric and not at.dataframe

    # The throttle makes the next attempt for this user name wait a second.
    time.sleep(1.1)
    at.text_input[0].input("demo")
    at.text_input[1].input("wijkbeeld-demo")
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Briefing"
    assert nav_pages(at) == set(PAGE_ACCESS[Role.COORDINATOR])
    assert any("Aangemeld als Demo wijkcoördinator (Wijkcoördinator)" in c.value
               for c in at.sidebar.caption)  # fmt: skip

    log = AuditLog().read().sort_values("seq")
    assert log["event"].tolist()[:3] == ["aanmelding_mislukt", "aanmelding", "pagina"]
    assert log["username"].tolist()[:3] == ["demo", "demo", "demo"]
    assert log["page"].iloc[2] == "briefing"
    assert "wijkbeeld-demo" not in " ".join(log["detail"].fillna(""))  # never a password
    assert AuditLog().verify_chain() is None


def test_demo_accounts_refused_without_demo_flag(local_mode, monkeypatch):
    run_as(None)  # creates the demo accounts (flag on)
    monkeypatch.setenv("WIJKBEELD_DEMO", "0")
    at = run_as(None)
    at.text_input[0].input("demo")
    at.text_input[1].input("wijkbeeld-demo")
    at.button[0].click().run()
    assert "onjuist" in at.error[0].value
    assert not at.metric
    # Nobody else can sign in: the form says how to make the first user.
    assert any("python -m dashboard.auth add-user" in i.value for i in at.info)


def test_without_demo_flag_and_users_the_form_says_how_to_add_one(local_mode, monkeypatch):
    """`make serve` on a zone's own data runs without the demo flag: before any user was
    made, the form gave no clue how to get in."""
    monkeypatch.setenv("WIJKBEELD_DEMO", "0")
    at = run_as(None)
    assert [i.value for i in at.info if "add-user" in i.value], [i.value for i in at.info]
    from dashboard.auth.users import UserStore

    UserStore().add_user("an.peeters", "een-lang-wachtwoord-1", "coordinator")
    at = run_as(None)
    assert not [i.value for i in at.info if "add-user" in i.value]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (
            '[[users]]\nusername = "an.peeters\nrole = "coordinator"\n',
            "is geen geldig TOML-bestand: tekst niet afgesloten: het aanhalingsteken aan het "
            "einde ontbreekt, op regel 2, kolom 23",
        ),
        (
            '[[users]]\nusername = "an.peeters"\nrole = "chef"\npassword_hash = "x"\n',
            "klopt niet: gebruiker 1: Onbekende rol 'chef'; kies uit coordinator, inspector, "
            "beleidscel, bestuur",
        ),
        (
            '[[users]]\nusername = "an.peeters"\nrole = "coordinator"\n',
            "klopt niet: gebruiker 1: het veld 'password_hash' ontbreekt",
        ),
        (
            '[[users]]\nusername = "an.peeters"\nrole = "inspector"\npassword_hash = "x"\n',
            "klopt niet: gebruiker 1: Een wijkinspecteur heeft een wijkcode nodig",
        ),
    ],
    ids=["toml", "role", "field", "scope"],
)
def test_a_user_file_with_a_mistake_names_it_and_lets_nobody_in(local_mode, monkeypatch, text,
                                                                 said):  # fmt: skip
    """users.toml edited by hand: Streamlit's English error page said nothing of the file."""
    monkeypatch.setenv("WIJKBEELD_DEMO", "0")
    local_mode.mkdir(parents=True)
    users = local_mode / "users.toml"
    users.write_text(text, encoding="utf-8")
    at = AppTest.from_file(str(Path(dashboard.__file__).parent / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [e.value for e in at.error] == [
        f"Gebruikersbestand {users} {said}. Niemand kan zich aanmelden tot het bestand "
        "hersteld is (docs/SECURITY.md, 'Sign-in modes')."
    ]
    assert not at.text_input and not at.title  # no form, no page


# --- navigation per role ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "principal",
    [COORD, inspector("W01"), BELEID, BESTUUR],
    ids=["coordinator", "inspector", "beleidscel", "bestuur"],
)
def test_navigation_lists_only_the_roles_pages(local_mode, principal):
    at = run_as(principal)
    assert nav_pages(at) == set(PAGE_ACCESS[principal.role])
    # Every other page's address answers "Geen toegang" (a placeholder, not the page).
    stems = {p.stem for p in (Path(dashboard.__file__).parent / "views").glob("*.py")}
    allowed = set(PAGE_ACCESS[principal.role])
    # The Briefing also at its own pathname (it is served at the root).
    own = set() if "briefing" in allowed else {"briefing-standaardpagina"}
    assert refused_addresses(at) == (stems - allowed) | own
    assert any(principal.label in c.value for c in at.sidebar.caption)


def test_bestuur_gets_reports_only(local_mode):
    at = run_as(BESTUUR)
    assert nav_pages(at) == {"reports"}
    assert at.title[0].value == "Rapporten"  # the only page is the start page
    for page in ("data", "briefing", "sources", "audit", "sql"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(f"views/{page}.py")
    assert {"data", "briefing", "sources", "audit", "sql"} <= refused_addresses(at)


def test_inspector_has_dictionary_but_no_console_data_or_audit(local_mode):
    at = run_as(inspector("W03"), "dictionary")
    assert at.title[0].value == "Datawoordenboek"
    assert {"sql", "data", "audit", "reports"}.isdisjoint(nav_pages(at))


def test_an_inspector_of_a_wijk_the_warehouse_does_not_know_is_told(local_mode):
    """A zone moving from the demo's W01–W10 to its own wijken: every inspector saw only
    counts, without a word why (an audit with the real HerKo wijken). A warning above every
    page; an inspector of a known wijk and the coordinator get none."""
    text = "maar die wijk staat niet in de wijkgrenzen van dit datawarehouse"
    for page in (None, "workload"):
        at = run_as(inspector("24038W99"), page)
        assert any(text in w.value and "24038W99" in w.value for w in at.warning), page
        # Not told to choose a wijk the filter does not have (a review).
        assert not any("Kies bij Wijken je eigen wijk" in c.value for c in at.caption), page
    assert not any(text in w.value for w in run_as(inspector("W03")).warning)
    assert not any(text in w.value for w in run_as(Principal("c", Role.COORDINATOR)).warning)


# --- record policy on the pages --------------------------------------------------------------


def _first_location_wijk(at: AppTest) -> str:
    """Wijk code of the first location in the black-spot ranking (the history's default)."""
    ranking = next(
        d.value.data if hasattr(d.value, "data") else d.value
        for d in at.dataframe
        if "Score ≥ 15" in (d.value.data if hasattr(d.value, "data") else d.value).columns
    )
    name = ranking["Wijk"].iloc[0]
    return wh("SELECT code FROM marts.districts WHERE layer = 'wijk' AND name = ?", [name]).iat[
        0, 0
    ]


def test_inspector_sees_location_history_of_own_wijk_only(local_mode):
    at = run_as(inspector("W01"), "traffic", {"periode": "jaar"})
    wijk = _first_location_wijk(at)
    other = "W02" if wijk != "W02" else "W03"

    own = run_as(inspector(wijk), "traffic", {"periode": "jaar"})
    history = frame(own, "Datum en uur")
    assert history is not None and len(history) > 0
    ids = list(history["Ongeval"])
    wijken = wh(
        f"SELECT DISTINCT wijk_code FROM marts.accidents WHERE accident_id IN "
        f"({', '.join('?' * len(ids))})",
        ids,
    )["wijk_code"].tolist()
    assert wijken == [wijk]
    assert any(f"enkel je eigen wijk {_wijk_label(wijk)}" in c.value for c in own.caption)

    foreign = run_as(inspector(other), "traffic", {"periode": "jaar"})
    assert frame(foreign, "Datum en uur") is None  # no accident list of another wijk
    assert frame(foreign, "Datum") is None or "Letsel" not in frame(foreign, "Datum").columns
    assert any(f"eigen wijk {_wijk_label(other)}" in i.value for i in foreign.info)
    # Aggregates stay: the ranking and the KPIs are there for every wijk.
    assert foreign.metric and "Gevaarlijke punten" in {m.label for m in foreign.metric}


def test_beleidscel_sees_pseudonyms_only(local_mode):
    at = run_as(BELEID, "traffic", {"periode": "jaar"})
    history = frame(at, "Datum en uur")
    assert history is not None and len(history) > 0
    shown = list(history["Ongeval"])
    assert all(re.fullmatch(r"ONG-[0-9A-F]{12}", s) for s in shown)
    real = wh("SELECT accident_id FROM marts.accidents WHERE source = 'zone'")["accident_id"]
    assert not set(shown) & set(real)  # no real identifier on the page
    key = load_pseudonym_key(local_mode / "pseudonym.key")
    pseudonyms = {pseudonymise_pv(a, key, "ONG") for a in real}
    assert set(shown) <= pseudonyms  # stable keyed pseudonyms of real accidents
    victims = next(
        d.value.data if hasattr(d.value, "data") else d.value
        for d in at.dataframe
        if "Letsel" in (d.value.data if hasattr(d.value, "data") else d.value).columns
    )
    assert set(victims["Ongeval"]) <= set(shown)  # same pseudonym in both tables


def _policy_script():
    import pandas as pd
    import streamlit as st

    from dashboard.components import layout, maps

    points = pd.DataFrame(
        {
            "id": ["PV1", "PV2", "PV3"],
            "lat": [50.90, 50.91, 50.92],
            "lon": [4.66, 4.67, 4.68],
            "category": ["Diefstal"] * 3,
            "date": pd.to_datetime(["2026-10-01"] * 3),
            "address": ["Stationsstraat 1", "Kerkstraat 2", "Dorp 3"],
            "wijk_code": ["W01", "W02", None],
            "pv_number": ["PV1", "PV2", "PV3"],
            "description": ["vrije tekst"] * 3,
            "inspector": ["INP An Peeters"] * 3,
        }
    )
    shown, hidden = maps.visible_points(points)
    st.session_state["shown"] = shown
    st.session_state["hidden"] = hidden
    st.session_state["records"] = layout.records(points)
    st.session_state["scope_all"] = layout.record_scope(())
    st.session_state["scope_w02"] = layout.record_scope(("W02",))
    st.session_state["municipalities"] = layout.municipality_scope()


@pytest.mark.parametrize(
    ("principal", "ids", "cells", "scope_all", "scope_w02", "municipalities"),
    [
        (COORD, ["PV1", "PV2", "PV3"], 0, (), ("W02",), ["24038", "24055"]),
        (inspector("W01"), ["PV1"], 2, ("W01",), None, ["24038", "24055"]),
        (BELEID, None, 0, (), ("W02",), ["24038", "24055"]),
        (BESTUUR, [], 3, None, None, ["24038"]),
    ],
    ids=["coordinator", "inspector", "beleidscel", "bestuur"],
)
def test_central_record_policy(local_mode, principal, ids, cells, scope_all, scope_w02,
                               municipalities):  # fmt: skip
    at = AppTest.from_function(_policy_script, default_timeout=30)
    at.session_state["wijkbeeld_principal"] = principal
    at.session_state["wijkbeeld_signed_in_at"] = time.time()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    shown, hidden, rec = (
        at.session_state["shown"],
        at.session_state["hidden"],
        at.session_state["records"],
    )
    assert int(hidden["n"].sum()) == cells  # what is not a point is still counted
    if ids is not None:
        assert list(shown["id"]) == ids and list(rec["pv_number"]) == ids
    else:  # beleidscel: every row, identifiers pseudonymised, free text and names gone
        key = load_pseudonym_key(local_mode / "pseudonym.key")
        assert list(shown["id"]) == [pseudonymise_pv(v, key, "ID") for v in ("PV1", "PV2", "PV3")]
        assert list(rec["pv_number"]) == [pseudonymise_pv(v, key) for v in ("PV1", "PV2", "PV3")]
        assert "description" not in rec.columns
        assert set(rec["inspector"]) == {pseudonymise_pv("INP An Peeters", key, "INP")}
    assert at.session_state["scope_all"] == scope_all
    assert at.session_state["scope_w02"] == scope_w02
    assert at.session_state["municipalities"] == municipalities


# --- SQL console ------------------------------------------------------------------------------


def test_beleidscel_console_reads_aggregates_only(local_mode):
    at = run_as(BELEID, "sql")
    assert at.title[0].value == "SQL-console"
    assert any("geaggregeerde tabellen" in i.value for i in at.info)
    assert at.selectbox(key="sql_tabel").options == ["marts.daily_counts", "marts.hex_counts"]
    # The example query (daily_counts) runs and matches the warehouse.
    result = frame(at, "wijk")
    year = int(at.text_area(key="sql_tekst").value.split("year(date) = ")[1].split()[0])
    top = wh(
        "SELECT sum(n) FROM marts.daily_counts WHERE domain = 'incidents' AND year(date) = ? "
        "GROUP BY wijk_code, category ORDER BY 1 DESC LIMIT 1",
        [year],
    ).iat[0, 0]
    assert int(result["aantal"].iloc[0]) == int(top)

    at.text_area(key="sql_tekst").input("SELECT pv_number AS x FROM marts.incidents").run()
    assert "niet toegelaten voor jouw rol" in at.error[0].value
    log = AuditLog().read(event="sql").sort_values("seq")
    assert len(log) == 2
    assert '"fout": null' in log["detail"].iloc[0]
    assert "pv_number" in log["detail"].iloc[1] and "niet toegelaten" in log["detail"].iloc[1]


def test_coordinator_console_reads_record_marts(local_mode):
    at = run_as(COORD, "sql")
    at.text_area(key="sql_tekst").input("SELECT count(*) AS n FROM marts.incidents").run()
    assert not at.error
    n = wh("SELECT count(*) FROM marts.incidents").iat[0, 0]
    assert int(frame(at, "n")["n"].iloc[0]) == int(n)


def test_console_numbers_with_a_gap_keep_every_digit(local_mode):
    """A number column with a gap was written with one decimal ("0,1" for 0.123) and a
    year with a thousands point ("2.025"; a review). Now as stored, with a decimal comma."""
    at = run_as(COORD, "sql")
    sql = (
        "SELECT * FROM (VALUES (0.123::DOUBLE, 2025, 1234567.891::DOUBLE), "
        "(NULL, NULL, NULL)) t(a, jaar, b)"
    )
    at.text_area(key="sql_tekst").input(sql).run()
    assert not at.error
    shown = frame(at, "a")
    assert list(shown["a"]) == ["0,123", "–"]
    assert list(shown["jaar"]) == ["2025", "–"]
    assert list(shown["b"]) == ["1234567,891", "–"]


# --- audit ------------------------------------------------------------------------------------


def _export_script():
    from dashboard.auth import gate

    gate.set_current_page("traffic")
    gate.export_logger({"bestand": "gevaarlijke_punten.xlsx", "formaat": "xlsx", "rijen": 7})()


def test_export_is_audited_with_filters(local_mode):
    at = AppTest.from_function(_export_script, default_timeout=30)
    at.session_state["wijkbeeld_principal"] = COORD
    at.session_state["wijkbeeld_signed_in_at"] = time.time()
    at.query_params["periode"] = "jaar"
    at.run()
    assert not at.exception
    row = AuditLog().read(event="export").iloc[0]
    assert (row["username"], row["page"]) == ("demo", "traffic")
    assert '"bestand": "gevaarlijke_punten.xlsx"' in row["detail"]
    assert '"rijen": 7' in row["detail"] and '"periode": "jaar"' in row["detail"]


def test_audit_page_shows_events_and_chain(local_mode):
    AuditLog().record("aanmelding_mislukt", "onbekend", detail={"client": "10.0.0.9"})
    at = run_as(COORD, "audit")
    assert at.title[0].value == "Auditlog"
    assert "Hashketen intact" in at.success[0].value
    table = frame(at, "Nr.")
    assert table is not None
    assert {"Mislukte aanmelding", "Pagina bekeken"} <= set(table["Gebeurtenis"])
    failed = table[table["Gebeurtenis"] == "Mislukte aanmelding"].iloc[0]
    assert failed["Gebruiker"] == "onbekend" and "10.0.0.9" in failed["Details"]
    # Every event up to this view; the view itself is logged once the page is drawn.
    assert sorted(table["Nr."]) == sorted(AuditLog().read()["seq"])[:-1]
    assert {m.label: m.value for m in at.metric}["Mislukte aanmeldingen"] == "1"

    # Tampering with a row breaks the chain, and the page says so.
    con = duckdb.connect(str(local_mode / "audit.duckdb"))
    con.execute("UPDATE audit_log SET username = 'iemand' WHERE seq = 1")
    con.close()
    at = run_as(COORD, "audit")
    assert "Hashketen gebroken vanaf gebeurtenis 1" in at.error[0].value


def test_audit_page_is_coordinator_only(local_mode):
    for who in (inspector("W01"), BELEID, BESTUUR):
        at = run_as(who)
        assert "audit" not in nav_pages(at)
        with pytest.raises(ValueError):
            at.switch_page("views/audit.py")


# --- sources: record lists ------------------------------------------------------------------


def _sources_as(principal: Principal, wijk: str) -> AppTest:
    at = run_as(principal, "sources", {"periode": "vorigjaar"})
    at.session_state["bronnen_selectie"] = {"wijk": wijk}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_inspector_sees_record_lists_of_own_wijk_only(local_mode):
    own = _sources_as(inspector("W01"), "W01")
    records = frame(own, "Nummer")
    assert records is not None and len(records) > 0
    numbers = list(records["Nummer"])
    outside = wh(
        "SELECT count(*) AS n FROM (SELECT pv_number AS id, wijk_code FROM marts.incidents "
        "UNION ALL SELECT report_id, wijk_code FROM marts.nuisance) "
        f"WHERE id IN ({', '.join('?' * len(numbers))}) AND wijk_code IS DISTINCT FROM 'W01'",
        numbers,
    ).iat[0, 0]
    assert outside == 0
    # Repeat addresses: only the own wijk.
    w01 = wh("SELECT name FROM marts.districts WHERE layer = 'wijk' AND code = 'W01'").iat[0, 0]
    for d in own.dataframe:
        df = d.value.data if hasattr(d.value, "data") else d.value
        if "Adres" in df.columns and "Aantal" in df.columns:
            assert set(df["Wijk"]) <= {w01}

    other = _sources_as(inspector("W01"), "W03")
    assert frame(other, "Nummer") is None  # no PV number of another wijk
    assert any("eigen wijk Herent-Centrum (W01)" in i.value for i in other.info)


def test_beleidscel_record_list_is_pseudonymised(local_mode):
    at = _sources_as(BELEID, "W03")
    records = frame(at, "Nummer")
    assert records is not None and len(records) > 0
    assert all(re.fullmatch(r"(PV|MELD)-[0-9A-F]{12}", n) for n in records["Nummer"])
    year = int(wh("SELECT max(year) - 1 FROM marts.incidents").iat[0, 0])
    real = wh(
        "SELECT pv_number AS id FROM marts.incidents WHERE year = ? AND wijk_code = 'W03' "
        "UNION ALL SELECT report_id FROM marts.nuisance WHERE year = ? AND wijk_code = 'W03'",
        [year, year],
    )["id"]
    assert not set(records["Nummer"]) & set(real)
    key = load_pseudonym_key(local_mode / "pseudonym.key")
    expected = {pseudonymise_pv(v, key, "PV") for v in real} | {
        pseudonymise_pv(v, key, "MELD") for v in real
    }
    assert set(records["Nummer"]) <= expected
    assert any("Gepseudonimiseerd" in c.value for c in at.caption)


# --- reports: bestuur ------------------------------------------------------------------------


def test_bestuur_report_only_own_municipality(local_mode):
    at = run_as(BESTUUR)
    assert at.title[0].value == "Rapporten"
    herent = wh("SELECT name FROM marts.districts WHERE layer = 'gemeente' AND code = '24038'").iat[
        0, 0
    ]
    choice = at.selectbox(key="rapport_gemeente")
    assert choice.options == [herent] and choice.value == "24038"
    # Only Herent's wijken in the per-wijk table, none of Kortenberg.
    kortenberg_wijken = set(
        wh("SELECT name FROM marts.districts WHERE layer = 'wijk' AND nis_code = '24055'")["name"]
    )
    text = " ".join(str(v) for d in at.dataframe for v in d.value.to_numpy().ravel())
    assert not any(w in text for w in kortenberg_wijken if w not in herent)
    coordinator = run_as(COORD, "reports")
    assert len(coordinator.selectbox(key="rapport_gemeente").options) == 2


# --- workload: task lists, absences, quality control -----------------------------------------


def test_workload_per_role(local_mode):
    own = run_as(inspector("W01"), "workload")
    tasks = frame(own, "Taaknummer")
    assert tasks is not None and len(tasks) > 0
    ids = list(tasks["Taaknummer"])
    wijken = wh(
        f"SELECT DISTINCT wijk_code FROM marts.tasks WHERE task_id IN ({', '.join('?' * len(ids))})",
        ids,
    )["wijk_code"].tolist()
    assert wijken == ["W01"]
    expected = wh("SELECT count(*) FROM marts.tasks WHERE is_open AND wijk_code = 'W01'").iat[0, 0]
    assert len(tasks) == min(int(expected), 1000)
    headers = [h.value for h in own.header]
    assert "Kwaliteitscontrole" not in headers  # the coordinator's job
    assert all("Redenen" not in (d.value.data if hasattr(d.value, "data") else d.value).columns
               for d in own.dataframe)  # fmt: skip

    beleid = run_as(BELEID, "workload")
    tasks = frame(beleid, "Taaknummer")
    assert all(re.fullmatch(r"TAAK-[0-9A-F]{12}", t) for t in tasks["Taaknummer"])
    assert all(re.fullmatch(r"INP-[0-9A-F]{12}", t) for t in tasks["Inspecteur"])
    index = frame(beleid, "Inspecteur")
    names = set(wh("SELECT DISTINCT inspector FROM marts.tasks")["inspector"].dropna())
    assert not set(index["Inspecteur"]) & names
    # Nowhere on the page: no table cell, widget option or chart carries a real name.
    for d in beleid.dataframe:
        data = d.value.data if hasattr(d.value, "data") else d.value
        assert not names & set(data.astype(str).to_numpy().ravel()), (
            f"naam in tabel {list(data.columns)}"
        )
    for widget in [*beleid.selectbox, *beleid.multiselect]:
        assert not names & {str(o) for o in widget.options}, "naam in filter"
    charts = " ".join(str(c.proto) for c in beleid.get("plotly_chart"))
    assert not any(n in charts for n in names), "naam in grafiek"

    coordinator = run_as(COORD, "workload")
    assert "Kwaliteitscontrole" in [h.value for h in coordinator.header]


def _shown_text(at: AppTest) -> str:
    """Everything a page shows as text: tables, widget options, charts, text elements."""
    parts = []
    for d in [*at.dataframe, *at.table]:
        data = d.value.data if hasattr(d.value, "data") else d.value
        parts += [" ".join(map(str, data.columns)), " ".join(data.astype(str).to_numpy().ravel())]
    for widget in [*at.selectbox, *at.multiselect, *at.radio]:
        parts += [str(o) for o in widget.options]
    parts += [str(c.proto) for c in at.get("plotly_chart")]
    for element in [*at.markdown, *at.caption, *at.info, *at.warning, *at.metric]:
        parts.append(str(getattr(element, "value", "")) + str(getattr(element, "label", "")))
    return "\n".join(parts)


@pytest.mark.parametrize("page", sorted(PAGE_ACCESS[Role.BELEIDSCEL] - {"sql", "dictionary"}))
def test_no_page_shows_the_beleidscel_an_inspector_s_name(local_mode, page):
    """The beleidscel sees inspectors as ``INP-…`` pseudonyms everywhere: no table cell,
    filter option, chart, caption or figure of any of its pages names one."""
    names = set(
        wh(
            "SELECT inspector FROM marts.districts WHERE inspector IS NOT NULL UNION "
            "SELECT DISTINCT inspector FROM marts.tasks WHERE inspector IS NOT NULL"
        )["inspector"]
    )
    # The bare surnames too ("INP An Peeters" -> "Peeters").
    surnames = {n.split()[-1] for n in names}
    text = _shown_text(run_as(BELEID, page))
    assert names and not {n for n in names | surnames if n in text}


def test_an_inspector_sees_other_wijken_s_locations_only_as_black_spots(local_mode):
    """Verkeer's location history offered an inspector every ranked location of another
    wijk: picking one printed its score formula (one accident: a person killed, a lightly
    injured pedestrian) and ringed its exact place. Another wijk's locations are now only
    black spots and candidates (aggregates of several accidents, public in the road
    authority's lists); the own wijk's all."""
    at = run_as(inspector("W01"), "traffic", {"wijk": "W05", "periode": "jaar"})
    options = at.selectbox(key="verkeer_locatie").options if at.selectbox else []
    assert all(o.endswith(("(gevaarlijk punt)", "(kandidaat)")) for o in options), options
    coordinator = run_as(COORD, "traffic", {"wijk": "W05", "periode": "jaar"})
    assert len(coordinator.selectbox(key="verkeer_locatie").options) > len(options)
    own = run_as(inspector("W05"), "traffic", {"wijk": "W05", "periode": "jaar"})
    assert own.selectbox(key="verkeer_locatie").options == (
        coordinator.selectbox(key="verkeer_locatie").options
    )


def test_an_inspector_sees_the_own_wijk_s_traffic_controls_as_points(local_mode):
    """The enforcement map said "controles hebben geen wijk in de gegevens" and drew every
    control as a coarse hexagon count, the own wijk's too, while marts.controls has a wijk
    for every control: the query did not select it."""
    at = run_as(inspector("W01"), "traffic", {"periode": "jaar"})
    captions = " ".join(c.value for c in at.caption)
    assert "geen wijk in de gegevens" not in captions
    assert wh("SELECT count(*) FROM marts.controls WHERE wijk_code IS NULL").iat[0, 0] == 0
    assert (
        "controles van je eigen wijk Herent-Centrum (W01) in de periode als vierkantje" in captions
    )


def test_an_inspector_filtering_on_another_wijk_gets_no_hot_spot_count(local_mode):
    """Bronnen told inspector W01, filtered on W03, "Getis-Ord Gi* op 0 zeshoeken ... 0
    zeshoeken zijn een hotspot" while the coordinator saw 13 there: nothing shown is no
    finding. The page now says the hot spots of W03 are not shown to this reader."""
    at = run_as(inspector("W01"), "sources", {"periode": "jaar", "wijk": "W03"})
    captions = [c.value for c in at.caption]
    assert not any("Getis-Ord Gi* op 0 zeshoeken" in c for c in captions)
    assert any(
        c.startswith("Hotspots van Winksele (W03) toont Wijkbeeld je niet") for c in captions
    )
    own = run_as(inspector("W01"), "sources", {"periode": "jaar", "wijk": "W01"})
    assert any("Getis-Ord Gi* op" in c.value for c in own.caption)


def test_sign_out_returns_to_the_form_and_is_audited(local_mode):
    at = run_as(COORD)
    assert at.title[0].value == "Briefing"
    at.sidebar.button(key="wijkbeeld_logout").click().run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Wijkbeeld"] and not at.metric
    assert "afmelding" in set(AuditLog().read()["event"])


def _heatmap_script():
    import folium
    import pandas as pd
    import streamlit as st

    from dashboard.components import maps

    points = pd.DataFrame(
        {
            "id": ["PV1", "PV2"],
            "lat": [50.901234, 50.912345],
            "lon": [4.661234, 4.672345],
            "wijk_code": ["W01", "W02"],
            "n": [1, 1],
        }
    )
    m = folium.Map(location=[50.9, 4.66], tiles=None)
    maps.add_heatmap(m, points)
    st.session_state["html"] = m.get_root().render()


def test_heatmap_gives_an_inspector_no_exact_place_of_another_wijk(local_mode):
    """The heat layer took every record's exact place: an inspector of W01 read the
    coordinates of other wijken's records (domestic violence at house-number precision)
    from the page's map and its HTML download. Records pass through visible_points: the
    others weigh in at the centre of their coarse cell."""
    at = AppTest.from_function(_heatmap_script)
    at.session_state["wijkbeeld_principal"] = inspector("W01")
    at.session_state["wijkbeeld_signed_in_at"] = time.time()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    html = at.session_state["html"]
    assert "50.901234" in html and "4.661234" in html
    assert "50.912345" not in html and "4.672345" not in html


def test_heat_cells_lie_at_the_cell_centre(local_mode):
    """Above the point cap the heat map weighs H3 cells: at their records' mean position a
    cell of one record gave that record's exact place to every role."""
    import h3

    from dashboard.queries import hotspots, warehouse_version

    cells = hotspots.cell_counts(
        warehouse_version(), "incidents", pd.Timestamp("2025-01-01").date(),
        pd.Timestamp("2025-12-31").date(),
    )  # fmt: skip
    assert len(cells) > 10
    for row in cells.head(50).itertuples():
        lat, lon = h3.cell_to_latlng(h3.int_to_str(int(row.h3_cell)))
        assert (row.lat, row.lon) == pytest.approx((lat, lon))


def test_beleidscel_explores_per_inspector_under_pseudonyms(local_mode):
    """Verkenning grouped per wijkinspecteur showed the beleidscel the real names, in the
    table, the chart and the downloads ("INP An Peeters;330")."""
    at = run_as(
        BELEID,
        "exploration",
        {
            "gegevens": "tasks",
            "indeling1": "Wijkinspecteur",
            "indeling2": "Geen",
            "periode": "jaar",
        },
    )
    table = frame(at, "Wijkinspecteur")
    assert table is not None and len(table) > 3
    names = set(
        wh("SELECT DISTINCT inspector FROM marts.tasks WHERE inspector IS NOT NULL")["inspector"]
    )
    shown = {s for s in table["Wijkinspecteur"] if s != "Onbekend"}
    assert shown and not shown & names
    assert all(re.fullmatch(r"INP-[0-9A-F]{12}", s) for s in shown)


# --- maps: fine hexagons and captions per role -------------------------------------------------

#: Both sources of Bronnen, with what the map queries filter on.
SOURCES_SQL = (
    "(SELECT h3_cell, h3_cell_coarse, wijk_code, location_status, year, lat, lon "
    "FROM marts.incidents UNION ALL SELECT h3_cell, h3_cell_coarse, wijk_code, "
    "location_status, year, lat, lon FROM marts.nuisance)"
)
IN_ZONE_SQL = "location_status IN ('ok', 'geen_wijk')"


def _last_year() -> int:
    return int(wh("SELECT max(year) - 1 FROM marts.incidents").iat[0, 0])


def _map_cells(at: AppTest, index: int = 0) -> list[dict]:
    """Properties of the hexagons a page's map draws (its folium script, as rendered)."""
    import json

    script = json.loads(at.get("component_instance")[index].proto.json_args)["script"]
    found = (json.loads(m.group(1)) for m in re.finditer(r'"properties": (\{[^{}]*\})', script))
    return [p for p in found if "cell" in p]


def _resolution(cell) -> int:
    import h3

    return h3.get_resolution(cell if isinstance(cell, str) else h3.int_to_str(int(cell)))


def _per_cell(sql: str, params: list) -> dict[str, int]:
    """``cell`` (H3 text) → count, from a query returning ``h3_cell``, ``n``."""
    import h3

    df = wh(sql, params)
    return {h3.int_to_str(int(c)): int(n) for c, n in zip(df["h3_cell"], df["n"], strict=True)}


def _w01_polygon():
    import json

    from shapely.geometry import shape

    geo = wh("SELECT geojson FROM marts.districts WHERE layer = 'wijk' AND code = 'W01'").iat[0, 0]
    geo = json.loads(geo) if isinstance(geo, str) else geo
    return shape(geo.get("geometry", geo))


def test_inspector_hexagons_are_fine_in_the_own_wijk_only(local_mode):
    """Bronnen, "Zeshoeken (H3)": an inspector of W01 got exact counts per fine hexagon
    (~0,1 km²) of all ten wijken, as the coordinator, while the point view coarsens other
    wijken (SECURITY.md: other wijken only per coarse hexagon, never finer). Now W01's
    records count in fine cells and every other record in its coarse cell; Gi* and
    emerging hot spots draw only the fine cells of W01, with W01's records."""
    import h3
    import shapely

    year = _last_year()
    fine_res = _resolution(wh("SELECT any_value(h3_cell) FROM marts.incidents").iat[0, 0])
    own = _per_cell(
        f"SELECT h3_cell, count(*) AS n FROM {SOURCES_SQL} WHERE year = ? AND {IN_ZONE_SQL} "
        "AND h3_cell IS NOT NULL AND wijk_code = 'W01' GROUP BY 1",
        [year],
    )
    others = _per_cell(
        f"SELECT h3_cell_coarse AS h3_cell, count(*) AS n FROM {SOURCES_SQL} WHERE year = ? "
        f"AND {IN_ZONE_SQL} AND h3_cell_coarse IS NOT NULL "
        "AND wijk_code IS DISTINCT FROM 'W01' GROUP BY 1",
        [year],
    )
    assert own and others
    at = run_as(inspector("W01"), "sources", {"periode": "vorigjaar"})
    at.session_state["bronnen_view"] = "zeshoeken"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    cells = _map_cells(at)
    fine = {p["cell"]: p["n"] for p in cells if _resolution(p["cell"]) == fine_res}
    coarse = {p["cell"]: p["n"] for p in cells if _resolution(p["cell"]) < fine_res}
    assert fine == own  # no fine cell outside W01, none holding another wijk's record
    assert coarse == others
    assert any(
        "Kleine zeshoeken (~0,1 km²) enkel voor je eigen wijk Herent-Centrum (W01)" in c.value
        for c in at.caption
    )

    w01 = _w01_polygon()
    for view in ("gi", "opkomend"):
        at.session_state["bronnen_view"] = view
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        cells = _map_cells(at)
        assert cells, view
        for p in cells:
            assert _resolution(p["cell"]) == fine_res, view
            lat, lon = h3.cell_to_latlng(p["cell"])
            assert w01.contains(shapely.Point(lon, lat)), (view, p["cell"])
            assert p["n"] == own.get(p["cell"], 0), (view, p["cell"])
        assert any(
            "enkel de zeshoeken van je eigen wijk Herent-Centrum (W01)" in c.value
            for c in at.caption
        )

    # The coordinator keeps fine cells everywhere.
    coord = run_as(COORD, "sources", {"periode": "vorigjaar"})
    coord.session_state["bronnen_view"] = "zeshoeken"
    coord.run()
    cells = _map_cells(coord)
    assert {_resolution(p["cell"]) for p in cells} == {fine_res}
    assert len(cells) > len(own)


def test_inspector_heat_cells_are_fine_in_the_own_wijk_only(local_mode, monkeypatch):
    """Above the point cap the heat map weighs cells: every fine cell of the zone for an
    inspector too. Now W01's fine cells and the coarse cells of the rest."""
    import json

    from dashboard.queries import common

    monkeypatch.setattr(common, "MAP_POINT_CAP", 10)
    year = _last_year()
    n_own = wh(
        f"SELECT count(DISTINCT h3_cell) FROM {SOURCES_SQL} WHERE year = ? AND {IN_ZONE_SQL} "
        "AND h3_cell IS NOT NULL AND wijk_code = 'W01'",
        [year],
    ).iat[0, 0]
    n_others = wh(
        f"SELECT count(DISTINCT h3_cell_coarse) FROM {SOURCES_SQL} WHERE year = ? "
        f"AND {IN_ZONE_SQL} AND h3_cell_coarse IS NOT NULL AND wijk_code IS DISTINCT FROM 'W01'",
        [year],
    ).iat[0, 0]
    n_fine_all = wh(
        f"SELECT count(DISTINCT h3_cell) FROM {SOURCES_SQL} WHERE year = ? AND {IN_ZONE_SQL} "
        "AND h3_cell IS NOT NULL",
        [year],
    ).iat[0, 0]
    at = run_as(inspector("W01"), "sources", {"periode": "vorigjaar"})
    at.session_state["bronnen_view"] = "heatmap"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    script = json.loads(at.get("component_instance")[0].proto.json_args)["script"]
    data = json.loads(re.search(r"L\.heatLayer\(\s*(\[.*?\])\s*,\s*\{", script, re.S).group(1))
    assert len(data) == n_own + n_others != n_fine_all
    note = next(c.value for c in at.caption if "gewogen per zeshoek" in c.value)
    assert "enkel voor je eigen wijk Herent-Centrum (W01)" in note


def test_inspector_point_captions_say_what_the_map_draws(local_mode):
    """ "8 gelokaliseerde records als punt op de kaart" with W02 chosen, where the map drew
    only hexagons: the caption now says which records are points and which are counted per
    coarse hexagon."""
    from dashboard.components.format import fmt_count

    year = _last_year()

    def located(where: str) -> int:
        return int(
            wh(
                f"SELECT count(*) FROM {SOURCES_SQL} WHERE year = ? AND lat IS NOT NULL "
                f"AND lon IS NOT NULL AND {where}",
                [year],
            ).iat[0, 0]
        )

    nouns = ("gelokaliseerd record", "gelokaliseerde records")
    hexagon = "geteld per grote zeshoek (H3, ~0,7 km²)"
    other = run_as(inspector("W01"), "sources", {"periode": "vorigjaar", "wijk": "W02"})
    other.session_state["bronnen_view"] = "punten"
    other.run()
    assert not other.exception, [e.value for e in other.exception]
    captions = [c.value for c in other.caption]
    w02 = located("wijk_code = 'W02'")
    assert (
        f"{fmt_count(w02, *nouns)} buiten je eigen wijk Herent-Centrum (W01), {hexagon}."
        in captions
    )
    assert not any("als punt op de kaart" in c for c in captions)

    zone = run_as(inspector("W01"), "sources", {"periode": "vorigjaar"})
    zone.session_state["bronnen_view"] = "punten"
    zone.run()
    own, rest = located("wijk_code = 'W01'"), located("wijk_code IS DISTINCT FROM 'W01'")
    # Points one by one, or clustered above a thousand: either way W01's only.
    note = next(c.value for c in zone.caption if "als punt" in c.value)
    assert note.startswith(
        f"{fmt_count(own, *nouns)} van je eigen wijk Herent-Centrum (W01) als punt"
    )
    assert note.endswith(
        f"; {fmt_count(rest, *nouns)} buiten je eigen wijk Herent-Centrum (W01), {hexagon}."
    )


def test_inspector_traffic_caption_says_what_the_map_draws(local_mode):
    """Verkeer said "61 gelokaliseerde ongevallen … als punt op de kaart" to an inspector
    who saw W01's accidents as points and the rest as hexagons."""
    from dashboard.components.format import fmt_count

    end = pd.Timestamp(
        wh(
            "SELECT max(date) FROM marts.daily_counts "
            "WHERE domain IN ('incidents', 'nuisance', 'accidents')"
        ).iat[0, 0]
    ).date()

    def located(where: str) -> int:
        return int(
            wh(
                "SELECT count(*) FROM marts.accidents WHERE source = 'zone' AND lat IS NOT NULL "
                f"AND lon IS NOT NULL AND date BETWEEN make_date(?, 1, 1) AND ? AND {where}",
                [end.year, end],
            ).iat[0, 0]
        )

    nouns = ("gelokaliseerd ongeval", "gelokaliseerde ongevallen")
    own, rest = located("wijk_code = 'W01'"), located("wijk_code IS DISTINCT FROM 'W01'")
    assert own and rest
    at = run_as(inspector("W01"), "traffic", {"periode": "jaar"})
    expected = (
        f"Eigen registratie (zone): {fmt_count(own, *nouns)} van je eigen wijk Herent-Centrum (W01) als punt "
        f"op de kaart; {fmt_count(rest, *nouns)} buiten je eigen wijk Herent-Centrum (W01), geteld per grote "
        "zeshoek (H3, ~0,7 km²)."
    )
    assert any(c.value.startswith(expected) for c in at.caption)


def _record_map_script():
    import streamlit as st

    from dashboard.components import maps
    from dashboard.queries import warehouse_version

    a = st.session_state["record_map_args"]
    maps.record_map(warehouse_version(), a["keys"], a["start"], a["end"], a["wijken"])


def _record_map_as(
    principal: Principal, wijken: tuple[str, ...], keys: tuple[str, ...] = ("incidents", "nuisance")
) -> AppTest:
    from datetime import date

    year = _last_year()
    at = AppTest.from_function(_record_map_script, default_timeout=90)
    at.session_state["wijkbeeld_principal"] = principal
    at.session_state["wijkbeeld_signed_in_at"] = time.time()
    at.session_state["record_map_args"] = {
        "start": date(year, 1, 1),
        "end": date(year, 12, 31),
        "wijken": wijken,
        "keys": keys,
    }
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_record_map_caption_and_hexagons_for_an_inspector(local_mode, monkeypatch):
    """The briefing's map (maps.record_map): "95 gelokaliseerde records als punt op de
    kaart" where the inspector saw only hexagons; above the point cap, fine hexagons of
    every wijk."""
    from dashboard.components.format import fmt_count
    from dashboard.queries import common

    year = _last_year()
    w02 = int(
        wh(
            f"SELECT count(*) FROM {SOURCES_SQL} WHERE year = ? AND lat IS NOT NULL "
            "AND wijk_code = 'W02'",
            [year],
        ).iat[0, 0]
    )
    at = _record_map_as(inspector("W01"), ("W02",))
    assert [c.value for c in at.caption] == [
        f"{fmt_count(w02, 'gelokaliseerd record', 'gelokaliseerde records')} buiten je eigen "
        "wijk Herent-Centrum (W01), geteld per grote zeshoek (H3, ~0,7 km²)."
    ]

    # A cap just below the located records: hexagons, and still fine ones (as many cells as
    # the cap allows).
    located, n_cells = wh(
        f"SELECT count(*), count(DISTINCT h3_cell) FROM {SOURCES_SQL} WHERE year = ? "
        "AND lat IS NOT NULL",
        [year],
    ).iloc[0]
    assert n_cells < located - 1
    monkeypatch.setattr(common, "MAP_POINT_CAP", int(located) - 1)
    fine_res = _resolution(wh("SELECT any_value(h3_cell) FROM marts.incidents").iat[0, 0])
    at = _record_map_as(inspector("W01"), ())
    cells = _map_cells(at)
    fine = {p["cell"]: p["n"] for p in cells if _resolution(p["cell"]) == fine_res}
    coarse = {p["cell"]: p["n"] for p in cells if _resolution(p["cell"]) < fine_res}
    assert fine == _per_cell(
        f"SELECT h3_cell, count(*) AS n FROM {SOURCES_SQL} WHERE year = ? AND {IN_ZONE_SQL} "
        "AND h3_cell IS NOT NULL AND wijk_code = 'W01' GROUP BY 1",
        [year],
    )
    assert coarse == _per_cell(
        f"SELECT h3_cell_coarse AS h3_cell, count(*) AS n FROM {SOURCES_SQL} WHERE year = ? "
        f"AND {IN_ZONE_SQL} AND h3_cell_coarse IS NOT NULL "
        "AND wijk_code IS DISTINCT FROM 'W01' GROUP BY 1",
        [year],
    )
    assert any("enkel voor je eigen wijk Herent-Centrum (W01)" in c.value for c in at.caption)
    # The coordinator keeps fine cells everywhere.
    cells = _map_cells(_record_map_as(COORD, ()))
    assert {_resolution(p["cell"]) for p in cells} == {fine_res}


def test_record_map_turns_coarse_when_the_fine_cells_fill_the_cap(local_mode, monkeypatch):
    """The cell query stops at the cap, so with one dataset its answer never exceeded the
    cap and the map drew the cap's fullest fine cells as if they were all: records in the
    cells left out vanished while the caption counted them. A full answer now means coarse
    cells, and the hexagons hold every record the caption names."""
    from dashboard.queries import common

    year = _last_year()
    located, fine_cells = wh(
        "SELECT count(*), count(DISTINCT h3_cell) FILTER (WHERE location_status IN "
        "('ok', 'geen_wijk')) FROM marts.incidents WHERE year = ? AND lat IS NOT NULL",
        [year],
    ).iloc[0]
    assert fine_cells < located
    monkeypatch.setattr(common, "MAP_POINT_CAP", int(fine_cells))
    cells = _map_cells(_record_map_as(COORD, (), ("incidents",)))
    fine_res = _resolution(wh("SELECT any_value(h3_cell) FROM marts.incidents").iat[0, 0])
    assert cells and all(_resolution(p["cell"]) < fine_res for p in cells)
    assert {p["cell"]: p["n"] for p in cells} == _per_cell(
        "SELECT h3_cell_coarse AS h3_cell, count(*) AS n FROM marts.incidents WHERE year = ? "
        f"AND {IN_ZONE_SQL} AND h3_cell_coarse IS NOT NULL GROUP BY 1",
        [year],
    )


def test_inspector_repeat_address_kpi_counts_the_addresses_of_the_own_wijk(local_mode):
    """Bronnen: the KPI "Adressen met herhaling" read 18 (the whole zone) above lists that
    can only show W01's addresses. It now counts W01's, says so, and equals the
    coordinator's count for W01."""
    insp = run_as(inspector("W01"), "sources", {"periode": "vorigjaar"})
    shown = {m.label: m.value for m in insp.metric}
    assert "Adressen met herhaling" not in shown
    w01 = run_as(COORD, "sources", {"periode": "vorigjaar", "wijk": "W01"})
    zone = run_as(COORD, "sources", {"periode": "vorigjaar"})
    coord_w01 = {m.label: m.value for m in w01.metric}["Adressen met herhaling"]
    coord_zone = {m.label: m.value for m in zone.metric}["Adressen met herhaling"]
    assert shown["Adressen met herhaling (eigen wijk)"] == coord_w01
    tile = next(m for m in insp.metric if m.label == "Adressen met herhaling (eigen wijk)")
    assert "Enkel je eigen wijk Herent-Centrum (W01)" in tile.help
    assert int(coord_zone.replace(".", "")) > int(coord_w01.replace(".", ""))
    # The lists under it: W01's addresses, never more than the KPI counts.
    listed = 0
    for d in insp.dataframe:
        df = d.value.data if hasattr(d.value, "data") else d.value
        if "Adres" in df.columns and "Aantal" in df.columns:
            listed = max(listed, len(df))
    assert 0 < listed <= int(coord_w01.replace(".", ""))


def _visible_points_script():
    import pandas as pd
    import streamlit as st

    from dashboard.components import maps

    # Two sources concatenated without a new index (as the briefing's map did): labels 0
    # and 1 twice each.
    points = pd.DataFrame(
        {
            "id": ["PV1", "PV2", "MELD1", "MELD2"],
            "lat": [50.90, 50.91, 50.92, 50.93],
            "lon": [4.66, 4.67, 4.68, 4.69],
            "wijk_code": ["W01", "W02", "W03", "W02"],
        },
        index=[0, 1, 0, 1],
    )
    shown, hidden = maps.visible_points(points)
    st.session_state["shown"] = list(shown["id"])
    st.session_state["hidden"] = int(hidden["n"].sum())


def test_visible_points_with_a_repeated_index_counts_every_hidden_record_once(local_mode):
    """The rows left out were looked up by index label: MELD1 (W03), sharing label 0 with
    PV1 (W01), vanished, and PV2 and MELD2 (label 1) were counted twice each: 4 hidden
    records instead of 3 on the briefing's map of an inspector."""
    at = AppTest.from_function(_visible_points_script)
    at.session_state["wijkbeeld_principal"] = inspector("W01")
    at.session_state["wijkbeeld_signed_in_at"] = time.time()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["shown"] == ["PV1"]
    assert at.session_state["hidden"] == 3


def _hidden_cells_legend_script():
    import folium
    import pandas as pd
    import streamlit as st

    from dashboard.components import maps

    points = pd.DataFrame(
        {
            "id": ["A1", "A2", "A3"],
            "lat": [50.90, 50.91, 50.92],
            "lon": [4.66, 4.67, 4.68],
            "wijk_code": ["W01", "W02", "W03"],
            "category": ["Dodelijk", "Lichtgewond", "Zwaargewond"],
            "date": pd.to_datetime(["2026-01-02"] * 3),
            "address": ["Kerkstraat 1"] * 3,
        }
    )
    m = folium.Map(location=[50.9, 4.66], tiles=None)
    maps.add_points(m, points, "Ernst (ongeval)")
    st.session_state["html"] = m.get_root().render()


def test_the_counts_a_role_may_not_see_one_by_one_have_their_own_legend(local_mode):
    """An inspector's hexagons of other wijken were titled "Ernst (ongeval): aantal per
    zeshoek", over counts of every severity (a review)."""
    at = AppTest.from_function(_hidden_cells_legend_script)
    at.session_state["wijkbeeld_principal"] = inspector("W01")
    at.session_state["wijkbeeld_signed_in_at"] = time.time()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    html = at.session_state["html"]
    from dashboard.components.maps import HIDDEN_CELLS_TITLE

    assert HIDDEN_CELLS_TITLE in html and "Ernst (ongeval): aantal" not in html
    assert "Ernst (ongeval)" in html  # the points' own legend
    # In the blues of other wijken's counts, not the yellow-to-red of the own wijk's.
    from dashboard.components.maps import OTHER_CELLS

    assert any(colour in html for colour in OTHER_CELLS)


def test_inspector_is_told_the_key_figures_are_the_zones(local_mode):
    """Bronnen and Werklast showed a wijkinspecteur the zone's 277 facts and 163 open tasks
    beside a map and lists of the own wijk, as if they were the wijk's (a look at the pages
    in a browser): without a wijk filter, a line says they are the zone's."""
    for page in ("sources", "workload"):
        at = run_as(inspector("W01"), page)
        notes = [c.value for c in at.caption]
        assert any(
            c.startswith("Deze cijfers gelden voor de hele zone. Kies bij Wijken je eigen wijk")
            and "(W01)" in c
            for c in notes
        ), (page, notes)
        own = run_as(inspector("W01"), page, {"wijk": "W01"})
        assert not any(c.value.startswith("Deze cijfers gelden") for c in own.caption), page
        coordinator = run_as(COORD, page)
        assert not any(c.value.startswith("Deze cijfers gelden") for c in coordinator.caption)
