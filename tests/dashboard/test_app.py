"""The router: navigation, sidebar, and a clear message when there is no warehouse."""

from __future__ import annotations

import shutil

from dash_helpers import APP, run_app, wh
from streamlit.testing.v1 import AppTest


def test_missing_warehouse_message(demo_warehouse, tmp_path, monkeypatch):
    monkeypatch.setenv("WIJKBEELD_WAREHOUSE", str(tmp_path / "bestaat_niet.duckdb"))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert not at.exception
    text = at.warning[0].value
    assert "Er is nog geen datawarehouse" in text
    assert "make demo" in text and "python -m etl build" in text
    assert "bestaat_niet.duckdb" in text
    assert not at.title  # no page is drawn


def test_broken_warehouse_message(demo_warehouse, tmp_path, monkeypatch):
    broken = tmp_path / "leeg.duckdb"
    import duckdb

    duckdb.connect(str(broken)).close()  # a valid but empty database
    monkeypatch.setenv("WIJKBEELD_WAREHOUSE", str(broken))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert not at.exception
    assert "kan niet gelezen worden" in at.error[0].value


def test_zone_file_with_a_typo_stops_with_a_dutch_message(demo_warehouse, tmp_path, monkeypatch):
    """zone.toml is edited by hand: a typo names the file and line instead of a traceback,
    and nothing opens (the sign-in mode is read from it)."""
    from etl import config

    zone = tmp_path / "zone.toml"
    zone.write_text(
        'opmerking = "niet afgesloten\n' + config.zone_path().read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    monkeypatch.setenv("WIJKBEELD_ZONE", str(zone))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    text = at.error[0].value
    assert f"Zoneconfiguratie {zone} is geen geldig TOML-bestand" in text
    assert "tekst niet afgesloten" in text and "op regel 1" in text and "(at line" not in text
    assert "Wijkbeeld opent niet" in text
    assert not at.title  # no page is drawn
    zone.unlink()
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert f"Zoneconfiguratie niet gevonden: {zone}" in at.error[0].value


def test_sidebar_shows_zone_and_freshness(demo_warehouse):
    at = run_app()
    zone = wh("SELECT zone_name FROM marts.build_info").iat[0, 0]
    assert any(zone in m.value for m in at.sidebar.markdown)
    assert any("Gegevens t.e.m." in c.value for c in at.sidebar.caption)


def test_swapped_warehouse_is_picked_up(demo_warehouse, tmp_path, monkeypatch):
    """A new build renamed over the old file gets new results without a restart."""
    from dashboard.queries import _db

    target = tmp_path / "wh.duckdb"
    shutil.copy(demo_warehouse, target)
    monkeypatch.setenv("WIJKBEELD_WAREHOUSE", str(target))
    v1 = _db.warehouse_version()
    before = _db.scalar(v1, "SELECT count(*) FROM marts.incidents")
    # Build a "new" warehouse with fewer incidents and swap it in atomically.
    staged = tmp_path / "staged.duckdb"
    shutil.copy(demo_warehouse, staged)
    import duckdb

    con = duckdb.connect(str(staged))
    con.execute("DELETE FROM marts.incidents WHERE rowid % 2 = 0")
    con.close()
    staged.replace(target)
    v2 = _db.warehouse_version()
    assert v2 != v1
    after = _db.scalar(v2, "SELECT count(*) FROM marts.incidents")
    assert after < before


def _outdated_copy(demo_warehouse, tmp_path, monkeypatch, drop_column: bool):
    """A copy of the demo warehouse as an older Wijkbeeld left it."""
    import duckdb

    old = tmp_path / f"ouder_{int(drop_column)}.duckdb"  # the dashboard keeps files open
    shutil.copy(demo_warehouse, old)
    con = duckdb.connect(str(old))
    if drop_column:  # built before the fingerprint existed
        con.execute("ALTER TABLE marts.build_info DROP COLUMN warehouse_format")
    else:
        con.execute("UPDATE marts.build_info SET warehouse_format = '0123456789ab'")
    con.close()
    monkeypatch.setenv("WIJKBEELD_WAREHOUSE", str(old))
    return old


def test_a_warehouse_of_an_older_wijkbeeld_asks_for_a_rebuild(
    demo_warehouse, tmp_path, monkeypatch
):
    """After an update the warehouse on disk is still the old one: a page read a column the
    old build did not write and showed only Streamlit's redacted error (Werklast on a
    warehouse without marts.absences.open_ended). Every page now says so first; the
    coordinator gets the rebuild button, the others are told whom to ask."""
    from dash_helpers import run_as

    from dashboard.auth.roles import Principal, Role
    from dashboard.components import upload
    from etl.audit import AuditLog

    started = []
    monkeypatch.setattr(upload, "start_background_build", lambda *a, **k: started.append(a))
    monkeypatch.setenv("WIJKBEELD_STATE", str(tmp_path / "state"))
    for drop_column in (True, False):
        old = _outdated_copy(demo_warehouse, tmp_path, monkeypatch, drop_column)
        coordinator = Principal("coord", Role.COORDINATOR)
        at = run_as(coordinator, "workload")
        assert "vorige versie van Wijkbeeld" in at.warning[0].value
        assert not at.title  # the page itself is not drawn
        [button] = [b for b in at.button if b.key == "outdated_rebuild"]
        button.click().run()
        assert len(started) == 1 and started[0][1] == old
        started.clear()
        rebuilds = AuditLog(tmp_path / "state" / "audit.duckdb").read(event="wijziging")
        assert rebuilds["detail"].iloc[0] == '{"wat": "heropbouw"}'
        assert (rebuilds["username"].iloc[0], rebuilds["page"].iloc[0]) == ("coord", "workload")
        inspector = Principal("insp", Role.INSPECTOR, wijk_code="W01")
        at = run_as(inspector, "sources")
        assert "vorige versie van Wijkbeeld" in at.warning[0].value
        assert "Vraag de wijkcoördinator" in at.info[0].value
        assert not [b for b in at.button if b.key == "outdated_rebuild"]


def test_a_warehouse_of_this_wijkbeeld_opens(demo_warehouse):
    from etl.config import warehouse_format

    assert wh("SELECT warehouse_format FROM marts.build_info").iat[0, 0] == warehouse_format()
    at = run_app()
    assert not [w for w in at.warning if "vorige versie" in w.value]
