"""Briefing: KPI counts per domain and the per-wijk table match the warehouse."""

from __future__ import annotations

from datetime import timedelta

from dash_helpers import count, last_28_days, metrics, nl, run_app


def test_briefing_kpis_match_warehouse(demo_warehouse):
    at = run_app()  # the default page
    assert at.title[0].value == "Briefing"
    start, end = last_28_days()
    prev_start, prev_end = start - timedelta(days=28), start - timedelta(days=1)
    shown = metrics(at)
    expected = {
        "Feiten (pv's)": "SELECT count(*) FROM marts.incidents WHERE date BETWEEN ? AND ?",
        "Overlastmeldingen": "SELECT count(*) FROM marts.nuisance WHERE date BETWEEN ? AND ?",
        "Verkeersongevallen": (
            "SELECT count(*) FROM marts.accidents WHERE source = 'zone' AND date BETWEEN ? AND ?"
        ),
        "Nieuwe wijktaken": (
            "SELECT count(*) FROM marts.tasks WHERE CAST(received_at AS DATE) BETWEEN ? AND ?"
        ),
    }
    for label, sql in expected.items():
        now = count(sql, [start, end])
        before = count(sql, [prev_start, prev_end])
        assert shown[label] == nl(now), label
        delta = next(m.delta for m in at.metric if m.label == label)
        sign = "+" if now > before else ("-" if now < before else "")
        assert delta.startswith(f"{sign}{nl(abs(now - before))} "), (label, delta)
    # The period is spelled out in Dutch date notation.
    assert f"{start:%d/%m/%Y} – {end:%d/%m/%Y}" in at.caption[0].value


def test_briefing_per_wijk_table(demo_warehouse):
    at = run_app()
    start, end = last_28_days()
    per_domain, per_wijk = at.dataframe[0].value, at.dataframe[1].value
    assert list(per_domain["Domein"])[:3] == [
        "Feiten (pv's)",
        "Overlastmeldingen",
        "Verkeersongevallen",
    ]
    n_wijken = count("SELECT count(*) FROM marts.districts WHERE layer = 'wijk'")
    assert len(per_wijk) == n_wijken
    located = count(
        "SELECT count(*) FROM marts.incidents WHERE date BETWEEN ? AND ? AND wijk_code IS NOT NULL",
        [start, end],
    )
    assert int(per_wijk["Nu"].sum()) == located
    # Differences are counts: now minus before, per row.
    diff = per_wijk["Nu"] - per_wijk["Vorige periode"]
    assert (diff == per_wijk["Verschil t.o.v. vorige periode"]).all()


def test_briefing_notable_changes_section(demo_warehouse):
    at = run_app(query_params={"periode": "jaar"})
    headings = [s.value for s in at.subheader]
    assert "Wat valt op" in headings
    # Either sentences naming a category "in de zone", or the explicit "nothing notable".
    text = " ".join(m.value for m in at.markdown)
    assert "in de zone" in text


def test_briefing_map_shows_located_records(demo_warehouse):
    at = run_app()
    start, end = last_28_days()
    located = sum(
        count(
            f"SELECT count(*) FROM marts.{table} WHERE date BETWEEN ? AND ? "
            f"AND lat IS NOT NULL AND {cond}",
            [start, end],
        )
        for table, cond in (
            ("incidents", "TRUE"),
            ("nuisance", "TRUE"),
            ("accidents", "source = 'zone'"),
        )
    )
    assert any(c.value.startswith(f"{nl(located)} gelokaliseerde records") for c in at.caption)
