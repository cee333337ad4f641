"""Rapporten: per-municipality report, small counts suppressed across tables, downloads."""

from __future__ import annotations

import json
import re
from datetime import date

from dash_helpers import anchor, metrics, run_app, run_as, wh

from dashboard.auth.roles import Principal, Role


def _consistent(cell: str, n: int) -> bool:
    """A cell may show its count, '<5' for 1–4, or 'x' (secondary) for 5 and more."""
    if 0 < n < 5:
        return cell == "<5"
    return cell == f"{n:,}".replace(",", ".") or (cell == "x" and n >= 5)


def _newest_complete_quarter() -> tuple[date, date]:
    last = anchor()
    q = (last.month - 1) // 3 + 1
    end_month = 3 * q
    # The quarter holding the last data day is complete only if that day ends it.
    nxt = date(last.year + (q == 4), 1 if q == 4 else end_month + 1, 1)
    if (nxt - last).days != 1:
        q -= 1
    year = last.year if q > 0 else last.year - 1
    q = q if q > 0 else 4
    start = date(year, 3 * q - 2, 1)
    end = date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


def _per_wijk(nis: str, start: date, end: date):
    return wh(
        "SELECT w.name, "
        "(SELECT count(*) FROM marts.incidents i WHERE i.wijk_code = w.code "
        " AND i.date BETWEEN ? AND ?) AS feiten, "
        "(SELECT count(*) FROM marts.accidents a WHERE a.wijk_code = w.code AND a.is_injury "
        " AND a.source = 'zone' AND a.date BETWEEN ? AND ?) AS letsel "
        "FROM marts.districts w WHERE w.layer = 'wijk' AND w.nis_code = ?",
        [start, end, start, end, nis],
    ).set_index("name")


def test_reports_default_quarter_tables(demo_warehouse):
    at = run_app("reports")
    assert at.title[0].value == "Rapporten"
    nis, name = wh(
        "SELECT code, name FROM marts.districts WHERE layer = 'gemeente' ORDER BY name LIMIT 1"
    ).iloc[0]
    assert at.selectbox(key="rapport_gemeente").value == nis
    start, end = _newest_complete_quarter()
    period = at.selectbox(key="rapport_periode_kwartaal").value
    assert (period.start, period.end) == (start, end)
    expected = _per_wijk(nis, start, end)
    table = at.dataframe[2].value.set_index("Wijk")
    assert table.index[-1] == f"Totaal {name}"
    assert set(table.index[:-1]) == set(expected.index)
    for wijk, row in expected.iterrows():
        assert _consistent(table.at[wijk, "Feiten (pv's)"], int(row["feiten"])), wijk
        assert _consistent(table.at[wijk, "Letselongevallen"], int(row["letsel"])), wijk
    total = table.iloc[-1]
    assert _consistent(total["Feiten (pv's)"], int(expected["feiten"].sum()))
    assert metrics(at)["Feiten (pv's)"] == total["Feiten (pv's)"]
    # Secondary suppression: no column has exactly one hidden cell next to its total.
    for col in table.columns[1:]:
        assert table[col].isin(["<5", "x"]).sum() != 1, col
    # No number from 1 to 4 survives anywhere on the page's tables.
    for df in at.dataframe:
        values = df.value.drop(columns=df.value.columns[0]).to_numpy().ravel()
        assert not any(v in {"1", "2", "3", "4"} for v in values)
    assert len(at.get("download_button")) == 2
    # The counts are text ("1.234", "<5", "x") but stand right-aligned, as numbers do; the
    # labels stay on the left.
    count = re.compile(r"\d{1,3}(\.\d{3})*|<\d|x|–")
    for df in at.dataframe:
        config = json.loads(df.proto.columns)
        right = [c for c in df.value.columns if config.get(c, {}).get("alignment") == "right"]
        assert right and df.value.columns[0] not in right
        assert all(df.value[c].map(lambda v: bool(count.fullmatch(str(v)))).all() for c in right)
    config = json.loads(at.dataframe[2].proto.columns)
    domains = ["Feiten (pv's)", "Overlastmeldingen", "Letselongevallen", "Verkeersslachtoffers"]
    assert all(config[c]["alignment"] == "right" for c in domains), config


def test_reports_year_and_cross_table_consistency(demo_warehouse):
    at = run_app("reports")
    at.radio(key="rapport_soort").set_value("jaar").run()
    assert not at.exception
    period = at.selectbox(key="rapport_periode_jaar").value
    assert period.year == anchor().year - 1  # the running year is incomplete
    nis = at.selectbox(key="rapport_gemeente").value
    dg = at.dataframe[1].value.set_index("Deelgemeente")
    wijken = at.dataframe[2].value
    truth = wh(
        "SELECT dg.name, count(i.pv_number) AS n FROM marts.districts dg "
        "JOIN marts.districts w ON w.layer = 'wijk' AND w.parent_code = dg.code "
        "LEFT JOIN marts.incidents i ON i.wijk_code = w.code AND i.date BETWEEN ? AND ? "
        "WHERE dg.layer = 'deelgemeente' AND dg.nis_code = ? GROUP BY 1",
        [period.start, period.end, nis],
    ).set_index("name")["n"]
    for name, n in truth.items():
        assert _consistent(dg.at[name, "Feiten (pv's)"], int(n)), name
    # A deelgemeente with a single wijk shows exactly what that wijk shows.
    for name, members in wijken.iloc[:-1].groupby("Deelgemeente"):
        if len(members) == 1:
            for col in dg.columns:
                assert members.iloc[0][col] == dg.at[name, col], (name, col)
        for col in dg.columns:
            hidden = int(members[col].isin(["<5", "x"]).sum()) + (dg.at[name, col] in ("<5", "x"))
            assert hidden != 1, (name, col)
    evolution = at.dataframe[0].value
    assert evolution["Periode"].iloc[-1].startswith(str(period.year))


def test_reports_second_municipality(demo_warehouse):
    at = run_app("reports")
    municipalities = wh(
        "SELECT code, name FROM marts.districts WHERE layer = 'gemeente' ORDER BY name"
    )
    if len(municipalities) < 2:
        return
    code = municipalities["code"].iloc[1]
    at.selectbox(key="rapport_gemeente").set_value(code).run()
    assert not at.exception
    wijken = wh("SELECT name FROM marts.districts WHERE layer = 'wijk' AND nis_code = ?", [code])
    assert set(at.dataframe[2].value["Wijk"][:-1]) == set(wijken["name"])
    assert any("Methodologie" in e.label for e in at.expander)


def test_hidden_values_in_the_evolution_are_explained_beside_it(demo_warehouse):
    """An 'x' and a missing bar in the evolution come from another report of that year;
    the reason was only in the closed Methodologie section."""
    at = run_app("reports")
    assert any("In de evolutie draagt elk jaar de afscherming" in c.value for c in at.caption)


def _days(option: str) -> tuple[date, date]:
    """The days of a period option: ``"3e kwartaal 2026 (01/07/2026 – 30/09/2026)"``."""
    found = re.search(r"\((\d\d)/(\d\d)/(\d{4}) – (\d\d)/(\d\d)/(\d{4})\)", option)
    d1, m1, y1, d2, m2, y2 = map(int, found.groups())
    return date(y1, m1, d1), date(y2, m2, d2)


def test_bestuur_gets_complete_periods_only(local_mode):
    """Reports of two builds can be subtracted: the running quarter at 31/10 and again at
    30/11, or the year to date, beside the closed periods (docs/SECURITY.md). The
    administration is offered only periods the data cover completely; the coordinator
    still gets the running one, marked "onvolledig"."""
    last = anchor()
    first = wh(
        "SELECT min(date) FROM marts.daily_counts "
        "WHERE domain IN ('incidents', 'nuisance', 'accidents')"
    ).iat[0, 0]
    first = date(first.year, first.month, first.day)
    bestuur = run_as(Principal("bestuur-24038", Role.BESTUUR, nis_code="24038"), "reports")
    coordinator = run_as(Principal("demo", Role.COORDINATOR), "reports")
    for kind in ("kwartaal", "halfjaar", "jaar"):
        for at in (bestuur, coordinator):
            at.radio(key="rapport_soort").set_value(kind).run()
            assert not at.exception, [e.value for e in at.exception]
        offered = bestuur.selectbox(key=f"rapport_periode_{kind}").options
        assert offered, kind
        for option in offered:
            start, end = _days(option)
            assert first <= start and end <= last and "onvolledig" not in option, option
        internal = coordinator.selectbox(key=f"rapport_periode_{kind}").options
        running = [o for o in internal if "onvolledig" in o]
        assert running, (kind, internal)  # the demo ends on 31/10/2026: all three run
        assert set(offered) == set(internal) - set(running)
        # Both start on the newest complete period.
        assert (
            bestuur.selectbox(key=f"rapport_periode_{kind}").value
            == coordinator.selectbox(key=f"rapport_periode_{kind}").value
        )
