"""Werklast per wijk: counts, workload index, fairness, what-if, follow-up and the QC queue."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from dash_helpers import count, last_28_days, metrics, nl, plotly_array, run_app, wh

from etl.audit import AuditLog
from etl.config import load_zone
from etl.reviews import ReviewStore

#: Two sectors are neighbours when they share at least 5 m of border (both grown by 1 m).
SHARED_BORDER = (
    "ST_Area(ST_Intersection(ST_Buffer(ST_GeomFromText(a.geom_wkt_31370), 1), "
    "ST_Buffer(ST_GeomFromText(b.geom_wkt_31370), 1))) / 2 >= 5"
)


@pytest.fixture
def state(tmp_path, monkeypatch):
    """A private review store for the test (``WIJKBEELD_STATE``)."""
    monkeypatch.setenv("WIJKBEELD_STATE", str(tmp_path / "state"))
    return tmp_path / "state"


def _frame(at, first_column: str, *also: str) -> pd.DataFrame:
    """The first table (interactive or static) whose first column is ``first_column`` (and
    that has ``also``)."""
    for df in [*at.dataframe, *at.table]:
        value = df.value
        columns = list(getattr(value, "columns", []))
        if columns and columns[0] == first_column and set(also) <= set(columns):
            return value.data if hasattr(value, "data") else value
    raise AssertionError(f"geen tabel met eerste kolom {first_column!r}")


def test_workload_counts(demo_warehouse, state):
    at = run_app("workload")
    assert at.title[0].value == "Werklast per wijk"
    start, end = last_28_days()
    shown = metrics(at)
    in_wijk = (
        "FROM marts.tasks t JOIN marts.districts d ON d.layer = 'wijk' AND d.code = t.wijk_code"
    )
    assert shown["Open taken"] == nl(count(f"SELECT count(*) {in_wijk} WHERE is_open"))
    assert shown["Over termijn"] == nl(count(f"SELECT count(*) {in_wijk} WHERE is_overdue"))
    assert shown["Te controleren"] == nl(count(f"SELECT count(*) {in_wijk} WHERE to_review"))
    [open_tile] = [m for m in at.metric if m.label == "Open taken"]
    assert (
        "status die zegt dat het werk gedaan is ('Afgewerkt', 'Afgesloten', 'Gesloten', "
        "'Afgehandeld' en "
    ) in open_tile.help
    assert "'Te controleren' wacht op de controle" in open_tile.help
    assert shown["Afgewerkt in periode"] == nl(
        count(
            f"SELECT count(*) {in_wijk} WHERE CAST(closed_at AS DATE) BETWEEN ? AND ?",
            [start, end],
        )
    )
    per_wijk = _frame(at, "Wijk", "Open per 1.000 inwoners")
    assert len(per_wijk) == count("SELECT count(*) FROM marts.districts WHERE layer = 'wijk'")
    # Rates only where the population is known.
    w01 = per_wijk.iloc[0]
    population = count(
        "SELECT population FROM marts.districts WHERE layer = 'wijk' ORDER BY code LIMIT 1"
    )
    assert w01["Inwoners"] == population
    # Written out (other wijken have fewer than 5 open tasks: "–", so the column is text),
    # and only from 5 open tasks on.
    rate = _nl_number(w01["Open per 1.000 inwoners"])
    if w01["Open"] >= 5:
        assert abs(rate - 1000 * w01["Open"] / population) < 0.05 + 1e-9
    else:
        assert pd.isna(rate)


def test_workload_index_and_weights(demo_warehouse, state):
    at = run_app("workload")
    weights = _frame(at, "Type taak", "Gewicht")
    expected = {t["name"]: t["weight"] for t in load_zone()["task_types"]}
    assert dict(zip(weights["Type taak"], weights["Gewicht"], strict=True)) == expected

    index = _frame(at, "Inspecteur", "Werklastindex")
    # Default window: the 365 days up to the end of the chosen period.
    _, end = last_28_days()
    start = end - timedelta(days=364)
    received = wh(
        "SELECT inspector, count(*) AS n FROM marts.tasks "
        "WHERE CAST(received_at AS DATE) BETWEEN ? AND ? GROUP BY inspector",
        [start, end],
    ).set_index("inspector")["n"]
    shown = index.set_index("Inspecteur")["Ontvangen"]
    for inspector, n in received.items():
        assert shown[inspector] == n
    weighted = wh(
        "SELECT t.inspector, sum(w.weight) AS load FROM marts.tasks t "
        "JOIN (SELECT unnest(?::VARCHAR[]) AS name, unnest(?::DOUBLE[]) AS weight) w "
        "ON w.name = t.task_type WHERE CAST(received_at AS DATE) BETWEEN ? AND ? "
        "GROUP BY ALL",
        [list(expected), list(expected.values()), start, end],
    ).set_index("inspector")["load"]
    loads = index.set_index("Inspecteur")["Gewogen werklast"]
    assert loads.reindex(weighted.index).round(6).tolist() == weighted.round(6).tolist()
    mean = loads.mean()
    if "Beschikbare dagen" not in index.columns:
        assert (
            index.set_index("Inspecteur")["Werklastindex"] - 100 * loads / mean
        ).abs().max() < 1e-9

    shown_metrics = metrics(at)
    assert "Gini-coëfficiënt" in shown_metrics
    assert "," in shown_metrics["Gini-coëfficiënt"]  # decimal comma


def test_sector_what_if_or_explained_fallback(demo_warehouse, state):
    at = run_app("workload")
    n_sectors = count("SELECT count(*) FROM marts.districts WHERE layer = 'sector'")
    texts = " ".join(i.value for i in at.info)
    if n_sectors == 0:
        assert "geen statistische sectoren" in texts
        editor = _frame(at, "Wijk", "Inspecteur", "Werklast")
        assert len(editor) == count("SELECT count(*) FROM marts.districts WHERE layer = 'wijk'")
    else:
        editor = _frame(at, "Sector", "Nieuwe wijk")
        assert len(editor) == n_sectors
        # Wijken by name, as the coordinator knows them: the what-if showed and picked
        # W01…W10 (a UX sweep). The pick's value stays the code.
        names = dict(wh("SELECT code, name FROM marts.districts WHERE layer = 'wijk'").values)
        assert editor["Huidige wijk"].tolist() == [
            f"{names[c]} ({c})" for c in editor["Nieuwe wijk"]
        ]
        config = next(
            json.loads(e.proto.columns) for e in at.dataframe if "Nieuwe wijk" in e.proto.columns
        )
        options = config["Nieuwe wijk"]["type_config"]["options"]
        assert options == [{"value": c, "label": f"{names[c]} ({c})"} for c in sorted(names)]
        assert config["Werklast"]["alignment"] == "right"
        whatif = _frame(at, "Naam", "Aaneengesloten")
        assert whatif["Aaneengesloten"].all()
        sector_pops = wh(
            "SELECT parent_code AS code, sum(population) AS population, "
            "count(population) = count(*) AS known FROM marts.districts "
            "WHERE layer = 'sector' GROUP BY 1 ORDER BY 1"
        )
        if sector_pops["known"].all():
            assert whatif["Inwoners nu"].tolist() == sector_pops["population"].tolist()
        else:
            assert "Inwoners nu" not in whatif.columns
            assert any("geen bevolkingscijfer" in c.value for c in at.caption)
        # Moving one sector to a neighbouring wijk shows up in the what-if table.
        pairs = wh(
            "SELECT a.code AS a, a.parent_code AS wa, b.parent_code AS wb "
            "FROM marts.districts a JOIN marts.districts b ON a.layer = 'sector' "
            "AND b.layer = 'sector' AND a.parent_code <> b.parent_code "
            f"AND {SHARED_BORDER} ORDER BY 1, 3 LIMIT 1"
        )
        sector, source, target = pairs.iloc[0]
        row = int(editor.index[editor["Sector"] == sector][0])
        # A cell edit as the browser sends it (AppTest cannot type into the editor).
        at.session_state["werklast_watals"] = {
            "edited_rows": {row: {"Nieuwe wijk": target}},
            "added_rows": [],
            "deleted_rows": [],
        }
        at.run()
        whatif = _frame(at, "Naam", "Aaneengesloten").set_index("Wijk")
        moved = float(whatif.loc[source, "Werklast nu"] - whatif.loc[source, "Werklast nieuw"])
        gained = float(whatif.loc[target, "Werklast nieuw"] - whatif.loc[target, "Werklast nu"])
        assert moved > 0
        assert abs(gained - moved) < 1e-6
        assert any("1 sector(en) verschoven" in c.value for c in at.caption)


def test_absences_taken_into_account_or_said_not_to_be(demo_warehouse, state):
    at = run_app("workload")
    has_absences = count(
        "SELECT count(*) FROM information_schema.tables "
        "WHERE table_schema = 'marts' AND table_name = 'absences'"
    )
    texts = " ".join(i.value for i in at.info) + " ".join(c.value for c in at.caption)
    if has_absences:
        assert "Afwezigheden (verlof, opleiding, ziekte) zijn verrekend" in texts
        assert "Beschikbare dagen" in _frame(at, "Inspecteur", "Werklastindex").columns
    else:
        assert "Afwezigheden zijn niet in rekening gebracht" in texts


def test_follow_up_overdue_first_and_filter(demo_warehouse, state):
    at = run_app("workload")
    table = _frame(at, "Taaknummer", "Dagen over termijn")
    assert len(table) == min(1000, count("SELECT count(*) FROM marts.tasks WHERE is_open"))
    over = table["Over termijn"].tolist()
    assert over == sorted(over, reverse=True), "over termijn eerst"
    at.checkbox(key="opvolging_over_termijn").check().run()
    table = _frame(at, "Taaknummer", "Dagen over termijn")
    assert len(table) == count("SELECT count(*) FROM marts.tasks WHERE is_overdue")
    assert table["Over termijn"].all()
    download = [b for b in at.get("download_button") if "planningsvergadering" in str(b.proto)]
    assert download, "Excel-download ontbreekt"


def test_the_planning_download_writes_ja_and_nee_as_the_screen(demo_warehouse, downloads):
    """The sheet's 'Over termijn' held TRUE/FALSE beside the screen's ja/nee (an audit)."""
    import io

    from openpyxl import load_workbook

    at = run_app("workload")
    assert not at.exception
    [make] = [f for name, f in downloads.items() if name.startswith("open_taken_")]
    sheet = load_workbook(io.BytesIO(make())).active
    header = [c.value for c in sheet[1]]
    column = header.index("Over termijn")
    values = {row[column] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values == {"ja", "nee"}
    overdue = sum(row[column] == "ja" for row in sheet.iter_rows(min_row=2, values_only=True))
    assert overdue == count("SELECT count(*) FROM marts.tasks WHERE is_overdue")


def test_review_queue_mark_returned_and_approved(demo_warehouse, state):
    at = run_app("workload")
    queue = _frame(at, "Taaknummer", "Bevindingen")
    n_queue = int(metrics(at)["In de wachtrij"].replace(".", ""))
    assert len(queue) == min(300, n_queue)
    # Every 'Te controleren' task is in the queue (none reviewed yet).
    waiting = count("SELECT count(*) FROM marts.tasks WHERE status = 'Te controleren'")
    assert n_queue >= waiting
    chosen = at.selectbox(key="kwaliteit_taak").value
    assert chosen == queue["Taaknummer"].iloc[0]

    # Returning without a remark is refused and stores nothing.
    at.radio(key="kwaliteit_beslissing").set_value("teruggestuurd").run()
    remark_key = f"kwaliteit_opmerking_{chosen}_teruggestuurd"
    at.text_area(key=remark_key).set_value("").run()
    at.button(key="kwaliteit_opslaan").click().run()
    assert any("opmerking" in e.value.lower() for e in at.error)
    assert ReviewStore().latest("taak").empty

    at.text_area(key=remark_key).set_value("Adres ontbreekt in het kantschrift").run()
    at.button(key="kwaliteit_opslaan").click().run()
    assert not at.exception
    latest = ReviewStore(state / "reviews.duckdb").latest("taak")
    assert latest["item_id"].tolist() == [chosen]
    assert latest["decision"].iloc[0] == "teruggestuurd"
    assert latest["remark"].iloc[0] == "Adres ontbreekt in het kantschrift"
    assert latest["reviewer"].iloc[0] == "coördinator"
    assert any(chosen in s.value and "opgeslagen" in s.value for s in at.success)
    # The decided task left the queue and shows in the statistics.
    queue = _frame(at, "Taaknummer", "Bevindingen")
    assert chosen not in set(queue["Taaknummer"])
    assert metrics(at)["In de wachtrij"] == nl(n_queue - 1)
    decisions = _frame(at, "Taaknummer", "Beslissing")
    assert decisions["Taaknummer"].tolist() == [chosen]
    per_inspector = _frame(at, "Inspecteur", "Teruggestuurd")
    assert per_inspector["Teruggestuurd"].sum() == 1

    # Approve the next one: two decisions stored, the newest first.
    second = at.selectbox(key="kwaliteit_taak").value
    assert second != chosen
    at.radio(key="kwaliteit_beslissing").set_value("goedgekeurd").run()
    at.button(key="kwaliteit_opslaan").click().run()
    latest = ReviewStore().latest("taak")
    assert dict(zip(latest["item_id"], latest["decision"], strict=True)) == {
        chosen: "teruggestuurd",
        second: "goedgekeurd",
    }
    # Both decisions are in the audit log, in order, the refused attempt is not.
    changes = AuditLog(state / "audit.duckdb").read(event="wijziging").iloc[::-1]
    assert [json.loads(d) for d in changes["detail"]] == [
        {
            "wat": "beoordeling",
            "taak": chosen,
            "beslissing": "teruggestuurd",
            "met_opmerking": True,
        },
        {"wat": "beoordeling", "taak": second, "beslissing": "goedgekeurd", "met_opmerking": False},
    ]
    assert set(changes["page"]) == {"workload"}
    # Each decision keeps the closing date it was taken on: a returned task closed again
    # on the same day (day-only closing dates) must come back to the queue.
    closing = wh(
        "SELECT task_id, closed_at FROM marts.tasks WHERE task_id IN (?, ?)", [chosen, second]
    ).set_index("task_id")["closed_at"]
    stored = latest.set_index("item_id")["item_closed_at"]
    assert closing.notna().any()
    for task_id in (chosen, second):
        assert (pd.isna(stored[task_id]) and pd.isna(closing[task_id])) or (
            stored[task_id] == pd.Timestamp(closing[task_id])
        ), task_id


def test_suggested_rebalancing_keeps_wijken_contiguous(demo_warehouse, state):
    if not count("SELECT count(*) FROM marts.districts WHERE layer = 'sector'"):
        pytest.skip("geen sectoren in dit warehouse")
    from dashboard.analysis.rebalance import is_contiguous

    at = run_app("workload")
    at.number_input(key="werklast_tijdslimiet").set_value(10).run()
    at.button(key="werklast_optimaliseer").click().run()
    result = [m.value for m in at.markdown if m.value.startswith("**Resultaat:**")]
    assert result, "geen resultaat getoond"
    assert "optimaal" in result[0] or "beste gevonden oplossing" in result[0]
    sectors = wh(
        "SELECT code, parent_code FROM marts.districts WHERE layer = 'sector' ORDER BY code"
    )
    assignment = dict(zip(sectors["code"], sectors["parent_code"], strict=True))
    if any("Geen verschuiving" in s.value for s in at.success):
        return
    moves = _frame(at, "Sector", "Van wijk", "Naar wijk")
    assert 1 <= len(moves) <= 6  # the default "hoogstens" on the page
    for sector, target in zip(moves["Sector"], moves["Naar wijk"], strict=True):
        assignment[sector] = target.rsplit("(", 1)[1].rstrip(")")
    pairs = wh(
        "SELECT a.code AS a, b.code AS b FROM marts.districts a JOIN marts.districts b "
        "ON a.layer = 'sector' AND b.layer = 'sector' AND a.code < b.code "
        f"AND {SHARED_BORDER}"
    )
    assert is_contiguous(assignment, list(pairs.itertuples(index=False, name=None)))


def test_wijk_filter_limits_the_rows_but_not_the_comparison(demo_warehouse, state):
    at = run_app("workload", query_params={"wijk": ["W01", "W03"]})
    index = _frame(at, "Inspecteur", "Werklastindex")
    expected = wh(
        "SELECT inspector FROM marts.districts WHERE layer = 'wijk' AND code IN ('W01', 'W03') "
        "ORDER BY inspector"
    )["inspector"].tolist()
    assert sorted(index["Inspecteur"]) == expected
    # The index stays relative to the zone mean (not to the mean of the two chosen wijken).
    _, end = last_28_days()
    zone = _zone_index(end - timedelta(days=364), end)
    shown = index.set_index("Inspecteur")["Werklastindex"]
    assert (shown - zone.reindex(shown.index)).abs().max() < 1e-6
    assert any("hele zone" in c.value for c in at.caption)


def test_tasks_closed_while_away_are_named_beside_the_uncorrected_index(demo_warehouse, state):
    """The index per available day counts every task an inspector received, also those
    someone else closed while the inspector was away: the page called the inspector the
    most overloaded whose load itself ranked sixth (an audit). The coordinator sees the
    index without the correction beside it, and whose tasks were closed on absent days."""
    _, end = last_28_days()
    start = end - timedelta(days=364)
    at = run_app("workload")
    index = _frame(at, "Inspecteur", "Werklastindex", "Index zonder afwezigheden")
    shown = index.set_index("Inspecteur")["Index zonder afwezigheden"]
    raw = _zone_index(start, end, absences=False)
    assert (shown - raw.reindex(shown.index)).abs().max() < 1e-6
    away = wh(
        "WITH a AS (SELECT DISTINCT inspector, unnest(generate_series(start_date, end_date, "
        "INTERVAL 1 DAY))::DATE AS d FROM marts.absences) "
        "SELECT t.inspector, count(*) AS n FROM marts.tasks t JOIN a "
        "ON a.inspector = t.inspector AND a.d = CAST(t.closed_at AS DATE) "
        "WHERE CAST(t.closed_at AS DATE) BETWEEN ? AND ? GROUP BY 1 HAVING count(*) >= 5 "
        "ORDER BY n DESC, 1",
        [start, end],
    )
    assert len(away), "testgeval toont niets: geen taken afgewerkt tijdens afwezigheid"
    [note] = [c.value for c in at.caption if c.value.startswith("Taken afgewerkt op dagen")]
    for r in away.itertuples(index=False):
        assert f"{r.inspector} {nl(r.n)}" in note


def _zone_index(start, end, left_out: pd.Series | None = None, absences: bool = True) -> pd.Series:
    """Workload index per wijkinspecteur over the whole zone, from the marts.

    Weighted tasks received in the window; with absences in the window, per available day
    (days in the window minus distinct days absent); 100 = mean over the zone's inspectors,
    but those ``left_out`` (a boolean per inspector: too few tasks for an index). Without
    ``absences``, the load itself, as if nobody had been away.
    """
    types = load_zone()["task_types"]
    has_absences = count(
        "SELECT count(*) FROM information_schema.tables "
        "WHERE table_schema = 'marts' AND table_name = 'absences'"
    )
    absent_sql = (
        "SELECT inspector, count(DISTINCT d) AS n FROM (SELECT inspector, "
        "unnest(generate_series(greatest(start_date, ?::DATE), least(end_date, ?::DATE), "
        "INTERVAL 1 DAY)) AS d FROM marts.absences WHERE start_date <= ? AND end_date >= ?) "
        "GROUP BY 1"
        if has_absences
        else "SELECT NULL::VARCHAR AS inspector, 0 AS n WHERE false"
    )
    frame = wh(
        "WITH w AS (SELECT unnest(?::VARCHAR[]) AS name, unnest(?::DOUBLE[]) AS weight), "
        "l AS (SELECT t.inspector, sum(coalesce(w.weight, 1)) AS load FROM marts.tasks t "
        "LEFT JOIN w ON w.name = CAST(t.task_type AS VARCHAR) "
        "WHERE CAST(t.received_at AS DATE) BETWEEN ? AND ? GROUP BY 1), "
        f"a AS ({absent_sql}) "
        "SELECT d.inspector, coalesce(l.load, 0) AS load, coalesce(a.n, 0) AS absent "
        "FROM marts.districts d LEFT JOIN l USING (inspector) LEFT JOIN a USING (inspector) "
        "WHERE d.layer = 'wijk' AND d.inspector IS NOT NULL",
        [
            [t["name"] for t in types],
            [float(t["weight"]) for t in types],
            start,
            end,
            *([start, end, end, start] if has_absences else []),
        ],
    ).set_index("inspector")
    basis = frame["load"]
    if absences and frame["absent"].sum() > 0:
        basis = frame["load"] / ((end - start).days + 1 - frame["absent"])
    counted = basis if left_out is None else basis[~left_out.reindex(basis.index, fill_value=False)]
    return 100 * basis / counted.mean()


def _gini(values: pd.Series) -> float:
    """Mean absolute difference over twice the mean (the double-sum definition)."""
    x = values.to_numpy(dtype=float)
    return abs(x[:, None] - x[None, :]).sum() / (2 * len(x) ** 2 * x.mean())


def test_single_wijk_shows_its_zone_wide_index_and_zone_wide_fairness(demo_warehouse, state):
    """With one wijk chosen, its inspector is compared with the zone, not with himself
    (index 100), and the fairness figures stay those of the whole zone."""
    # 90 days: every wijkinspecteur has at least 5 tasks (below that no index is shown).
    start, end = date(2026, 8, 3), date(2026, 10, 31)
    at = run_app(
        "workload",
        query_params={"wijk": ["W02"], "periode": "aangepast", "van": str(start), "tot": str(end)},
    )
    at.radio(key="werklast_venster").set_value("periode").run()
    zone = _zone_index(start, end)
    inspector = wh("SELECT inspector FROM marts.districts WHERE layer = 'wijk' AND code = 'W02'")
    inspector = inspector.iat[0, 0]
    assert abs(zone[inspector] - 100) > 1, "testgeval toont niets: zone-index toevallig 100"

    index = _frame(at, "Inspecteur", "Werklastindex")
    assert index["Inspecteur"].tolist() == [inspector]
    assert index["Werklastindex"].iloc[0] == pytest.approx(zone[inspector])
    assert any("100 = gemiddelde van de zone" in c.value for c in at.caption)

    shown = metrics(at)
    assert shown["Gini-coëfficiënt"] == f"{_gini(zone):.2f}".replace(".", ",")
    assert shown["Overbelast (index > 120)"] == nl(int((zone > 120).sum()))
    assert shown["Onderbelast (index < 80)"] == nl(int((zone < 80).sum()))
    assert any("over alle inspecteurs van de zone" in c.value for c in at.caption)


def test_absence_list_without_absences_in_the_window_says_so(demo_warehouse, state):
    """The zone delivers absences, but nobody was absent in the window: the page says
    that, not that the zone has no absence list."""
    if not count("SELECT count(*) FROM marts.absences"):
        pytest.skip("dit warehouse heeft geen afwezigheden")
    _, end = last_28_days()
    # The longest stretch of days in the last year on which nobody was absent.
    free = wh(
        "WITH d AS (SELECT CAST(unnest(generate_series(?::DATE, ?::DATE, INTERVAL 1 DAY)) "
        "AS DATE) AS d), "
        "free AS (SELECT d FROM d WHERE NOT EXISTS (SELECT 1 FROM marts.absences a "
        "WHERE d.d BETWEEN a.start_date AND a.end_date)), "
        "runs AS (SELECT d, d - CAST(row_number() OVER (ORDER BY d) AS INTEGER) AS grp "
        "FROM free) "
        "SELECT min(d) AS van, max(d) AS tot FROM runs GROUP BY grp "
        "ORDER BY count(*) DESC, van DESC LIMIT 1",
        [end - timedelta(days=364), end],
    )
    assert len(free), "geen dag zonder afwezigheden in het laatste jaar"
    van, tot = (pd.Timestamp(v).date() for v in free.iloc[0])
    at = run_app("workload", {"periode": "aangepast", "van": str(van), "tot": str(tot)})
    at.radio(key="werklast_venster").set_value("periode").run()
    texts = " ".join(i.value for i in at.info)
    assert "Geen afwezigheden in dit venster" in texts
    assert "levert (nog) geen lijst" not in texts
    # Nothing to correct for: the index compares the full load.
    assert "Beschikbare dagen" not in _frame(at, "Inspecteur", "Werklastindex").columns


def test_lead_times_leave_out_tasks_closed_before_received(demo_warehouse, state):
    """One rule on the whole page: a task closed before it was received counts as closed,
    but not in any lead-time median."""
    _, end = last_28_days()
    start = end - timedelta(days=364)
    closed_in_window = "CAST(closed_at AS DATE) BETWEEN ? AND ?"
    assert count(
        f"SELECT count(*) FROM marts.tasks WHERE {closed_in_window} AND lead_days < 0",
        [start, end],
    ), "testgeval toont niets: geen taak afgesloten vóór ontvangst in het venster"
    expected = wh(
        "SELECT inspector, count(*) AS n, median(lead_days) FILTER (WHERE lead_days >= 0) AS m "
        f"FROM marts.tasks WHERE {closed_in_window} AND inspector IS NOT NULL GROUP BY 1",
        [start, end],
    ).set_index("inspector")

    at = run_app("workload")
    leads = _frame(at, "Inspecteur", "Afgewerkt", "Mediaan doorlooptijd (d)")
    leads = leads.set_index("Inspecteur").reindex(expected.index)
    assert leads["Afgewerkt"].tolist() == expected["n"].tolist()
    assert (leads["Mediaan doorlooptijd (d)"] - expected["m"]).abs().max() < 1e-9
    # The index table counts the same closed tasks.
    index = _frame(at, "Inspecteur", "Werklastindex").set_index("Inspecteur")
    assert index["Afgewerkt"].reindex(expected.index).tolist() == expected["n"].tolist()
    assert any("afgesloten vóór de ontvangstdatum" in c.value for c in at.caption)


def test_per_type_expander_shows_overdue_per_inspector(demo_warehouse, state):
    at = run_app("workload")
    labels = [e.label for e in at.expander]
    assert "Per type taak (ontvangen / open / over termijn per inspecteur)" in labels
    per_type = _frame(at, "Inspecteur", "Type taak", "Ontvangen", "Open", "Over termijn")
    _, end = last_28_days()
    # Open and overdue at the end of the index window (the default: 365 days up to `end`).
    overdue = wh(
        "SELECT inspector, CAST(task_type AS VARCHAR) AS task_type, count(*) AS n "
        "FROM marts.tasks WHERE CAST(received_at AS DATE) <= ? "
        "AND (closed_at IS NULL OR CAST(closed_at AS DATE) > ?) "
        "AND NOT (closed_at IS NULL "
        "AND lower(coalesce(status, '')) IN ('afgewerkt', 'afgesloten', 'gesloten')) "
        "AND CAST(due_at AS DATE) < ? GROUP BY ALL",
        [end, end, end],
    )
    assert overdue["n"].sum() > 0, "testgeval toont niets: geen taak over termijn"
    shown = per_type.set_index(["Inspecteur", "Type taak"])["Over termijn"]
    expected = overdue.set_index(["inspector", "task_type"])["n"]
    assert shown[shown > 0].sort_index().to_dict() == expected.sort_index().to_dict()


def test_what_if_sector_load_is_the_weighted_load_located_there(demo_warehouse, state):
    """A sector's workload in the what-if is the weighted sum of the tasks located in it
    (index window), not a share of its wijk's load by task counts."""
    if not count("SELECT count(*) FROM marts.districts WHERE layer = 'sector'"):
        pytest.skip("geen sectoren in dit warehouse")
    at = run_app("workload")
    editor = _frame(at, "Sector", "Nieuwe wijk", "Werklast")
    _, end = last_28_days()
    types = load_zone()["task_types"]
    located = wh(
        "WITH w AS (SELECT unnest(?::VARCHAR[]) AS name, unnest(?::DOUBLE[]) AS weight) "
        "SELECT s.code, s.parent_code AS wijk, "
        "coalesce(sum(coalesce(w.weight, 1)) FILTER (WHERE t.task_id IS NOT NULL), 0) AS load "
        "FROM marts.districts s LEFT JOIN marts.tasks t "
        "ON t.location_status = 'ok' AND CAST(t.received_at AS DATE) BETWEEN ? AND ? "
        "AND ST_Contains(ST_GeomFromText(s.geom_wkt_31370), ST_Point(t.x, t.y)) "
        "LEFT JOIN w ON w.name = CAST(t.task_type AS VARCHAR) "
        "WHERE s.layer = 'sector' GROUP BY ALL",
        [
            [t["name"] for t in types],
            [float(t["weight"]) for t in types],
            end - timedelta(days=364),
            end,
        ],
    ).set_index("code")
    # Wijken without any located task fall back to a population share (stated on the page).
    with_located = located.groupby("wijk")["load"].transform("sum") > 0
    expected = located.loc[with_located, "load"]
    assert expected.sum() > 0
    shown = (
        editor.set_index("Sector")["Werklast"]
        .str.replace(".", "", regex=False)
        .str.replace(",", ".", regex=False)
        .astype(float)
    )
    assert (shown.reindex(expected.index) - expected).abs().max() < 0.05 + 1e-9


def _optimise(max_moves: int = 6):
    """Run the redistribution proposal on the demo warehouse; the AppTest and the result."""
    at = run_app("workload")
    at.number_input(key="werklast_tijdslimiet").set_value(10).run()
    at.number_input(key="werklast_max_moves").set_value(max_moves).run()
    at.button(key="werklast_optimaliseer").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at, at.session_state["werklast_voorstel"][3]


def test_suggested_rebalancing_stays_within_the_municipality(demo_warehouse, state):
    if not count("SELECT count(*) FROM marts.districts WHERE layer = 'sector'"):
        pytest.skip("geen sectoren in dit warehouse")
    _, result = _optimise(max_moves=20)
    municipality = wh(
        "SELECT code, nis_code FROM marts.districts WHERE layer IN ('sector', 'wijk')"
    ).set_index("code")["nis_code"]
    for sector, target in zip(result.moves["unit"], result.moves["to_wijk"], strict=True):
        assert municipality[sector] == municipality[target], (sector, target)
    assert result.settings.get("group_col") == "nis_code"


def test_what_if_warns_when_a_sector_moves_across_the_municipal_boundary(demo_warehouse, state):
    pairs = wh(
        "SELECT a.code AS sector, b.parent_code AS target "
        "FROM marts.districts a JOIN marts.districts b ON a.layer = 'sector' "
        "AND b.layer = 'sector' AND a.nis_code <> b.nis_code "
        f"AND {SHARED_BORDER} ORDER BY 1, 2 LIMIT 1"
    )
    if pairs.empty:
        pytest.skip("geen sectoren aan een gemeentegrens in dit warehouse")
    sector, target = pairs.iloc[0]
    at = run_app("workload")
    assert not any("gemeentegrens" in w.value for w in at.warning)
    editor = _frame(at, "Sector", "Nieuwe wijk")
    row = int(editor.index[editor["Sector"] == sector][0])
    at.session_state["werklast_watals"] = {
        "edited_rows": {row: {"Nieuwe wijk": target}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert any("gemeentegrens" in w.value and sector in w.value for w in at.warning)


def test_suggested_rebalancing_anchors_each_wijk_at_its_centre(demo_warehouse, state):
    """The page passes the sector centroids, so each wijk's fixed (root) sector is the one
    nearest the mean of its sectors' centroids, not a graph centre."""
    if not count("SELECT count(*) FROM marts.districts WHERE layer = 'sector'"):
        pytest.skip("geen sectoren in dit warehouse")
    _, result = _optimise()
    points = wh(
        "SELECT code, parent_code AS wijk, ST_X(ST_Centroid(ST_GeomFromText(geom_wkt_31370))) "
        "AS x, ST_Y(ST_Centroid(ST_GeomFromText(geom_wkt_31370))) AS y "
        "FROM marts.districts WHERE layer = 'sector' ORDER BY code"
    )
    expected = {}
    for wijk, part in points.groupby("wijk"):
        dist = (part["x"] - part["x"].mean()) ** 2 + (part["y"] - part["y"].mean()) ** 2
        expected[wijk] = part.loc[dist.idxmin(), "code"]
    assert result.roots == expected


def test_monthly_evolution_says_when_its_last_month_is_cut_short(demo_warehouse, state):
    """Every inspector's line dips in a month of only 14 days: the line into it is dotted
    (as in Verkenning) and the chart says so. A period ending on the last day of its month
    says nothing and dots nothing."""
    import json

    def dotted(at) -> list[dict]:
        chart = next(c for c in at.get("plotly_chart") if "Maand" in c.proto.spec)
        traces = json.loads(chart.proto.spec)["data"]
        return [t for t in traces if t.get("line", {}).get("dash") == "dot"]

    cut = "Gestippeld: de laatste maand telt maar tot 14/05/2026 (dag 1–14)"
    at = run_app("workload", {"periode": "aangepast", "van": "2026-04-17", "tot": "2026-05-14"})
    assert any(c.value.startswith(cut) for c in at.caption)
    pieces = dotted(at)
    assert pieces and all(str(t["x"][-1]).startswith("2026-05-01") for t in pieces)
    at = run_app("workload", {"periode": "aangepast", "van": "2026-04-01", "tot": "2026-04-30"})
    assert not any("telt maar tot" in c.value for c in at.caption)
    assert not dotted(at)


@pytest.fixture(scope="module")
def closed_before_the_export(demo_raw, tmp_path_factory):
    """The demo exports with the first task closed in the month before the first receipt
    (a date error)."""

    def close_early(frame: pd.DataFrame, received: pd.Series) -> None:
        first = received.idxmin()
        before = (received[first].replace(day=1) - timedelta(days=10)).date()
        frame.loc[first, "Afgesloten"] = before.strftime("%d/%m/%Y")

    earliest = min(p.name for p in (demo_raw / "tasks").glob("wijktaken_*.csv"))
    return _demo_with_tasks_edited(
        demo_raw, tmp_path_factory.mktemp("closed_early"), earliest, close_early
    )


def test_monthly_evolution_starts_with_the_tasks_export(closed_before_the_export, monkeypatch):
    """A task closed in the month before the export's first receipt drew that month, and
    every inspector's line climbed from 0 out of it: received tasks there are unknown."""
    import json

    monkeypatch.setenv("WIJKBEELD_WAREHOUSE", str(closed_before_the_export))
    first = wh("SELECT min(received_at) FROM marts.tasks").iat[0, 0]
    first_month = pd.Timestamp(first).date().replace(day=1)
    end = first_month + timedelta(days=200)
    at = run_app("workload", {"periode": "aangepast", "van": str(end - timedelta(days=27)),
                              "tot": str(end)})  # fmt: skip
    chart = next(c for c in at.get("plotly_chart") if "Maand" in c.proto.spec)
    months = {str(x)[:10] for t in json.loads(chart.proto.spec)["data"] for x in t["x"]}
    assert min(months) == str(first_month)


def test_a_period_before_the_data_shows_an_empty_page_not_an_error(demo_warehouse):
    """No task in the window: the per-type table split an empty column into two and
    failed ("Columns must be same length as key"). Before the first task, what was
    received is unknown, not 0 (test_a_period_before_the_first_task_is_unknown_not_zero)."""
    at = run_app("workload", {"periode": "aangepast", "van": "2020-01-01", "tot": "2020-01-31"})
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Ontvangen in periode"] == "–"


def test_the_two_indices_on_the_page_say_what_they_count(demo_warehouse):
    """The map showed a wijk at 94,5 and the table its inspector at 117,2, both called
    'Werklastindex', without a word why (the table counts the inspector's own tasks per
    available day, the map the wijk's tasks)."""
    at = run_app("workload")
    assert any(
        c.value.startswith("Deze index telt de taken van de inspecteur") and "per wijk" in c.value
        for c in at.caption
    )


# -- review fixes: stand-ins, small bases, what-if without sectors, QC scope -------------

STAND_IN = "INP Xavier Vervanger"


def _demo_with_tasks_edited(
    demo_raw: Path, folder: Path, tasks_file: str, edit, drop: tuple[str, ...] = ()
) -> Path:
    """A warehouse of the demo exports copied into ``folder``, with one tasks export edited
    in place (``edit(frame, received)``) and the files in ``drop`` left out."""
    import shutil

    from etl.build import build_warehouse

    raw = folder / "raw"
    shutil.copytree(demo_raw, raw)
    path = raw / "tasks" / tasks_file
    frame = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, encoding="cp1252")
    edit(frame, pd.to_datetime(frame["Ontvangen"], format="%d/%m/%Y"))
    frame.to_csv(path, sep=";", index=False, encoding="cp1252")
    for name in drop:
        (raw / name).unlink()
    warehouse = folder / "wh.duckdb"
    build_warehouse(raw=raw, warehouse=warehouse, echo=lambda *_: None)
    return warehouse


@pytest.fixture(scope="module")
def stand_in_zone(demo_raw, tmp_path_factory):
    """The demo exports with a stand-in holding W02's tasks from 01/09/2026 on, and without
    statistical sectors (districts/sectoren.geojson left out)."""

    def stand_in(frame: pd.DataFrame, received: pd.Series) -> None:
        frame.loc[(frame["Wijk"] == "W02") & (received >= "2026-09-01"), "Wijkinspecteur"] = (
            STAND_IN
        )

    return _demo_with_tasks_edited(
        demo_raw,
        tmp_path_factory.mktemp("stand_in"),
        "wijktaken_2026.csv",
        stand_in,
        drop=("districts/sectoren.geojson",),
    )


def _nl_number(text) -> float:
    """A number as the page writes it (``1.234,5``; ``–`` is NaN)."""
    if isinstance(text, (int, float)):
        return float(text)
    return float("nan") if text == "–" else float(text.replace(".", "").replace(",", "."))


def test_a_stand_in_is_shown_but_not_in_the_zone_mean(stand_in_zone, monkeypatch, state):
    """A stand-in holding W02's tasks became an 11th unit of the zone mean: every
    wijkinspecteur's index rose, and so did the overload count and the Gini."""
    monkeypatch.setenv("WIJKBEELD_WAREHOUSE", str(stand_in_zone))
    _, end = last_28_days()
    start = end - timedelta(days=364)
    held = count(
        "SELECT count(*) FROM marts.tasks WHERE inspector = ? "
        "AND CAST(received_at AS DATE) BETWEEN ? AND ?",
        [STAND_IN, start, end],
    )
    assert held >= 5, "testgeval toont niets: de vervanger heeft te weinig taken"

    at = run_app("workload")
    index = _frame(at, "Inspecteur", "Werklastindex").set_index("Inspecteur")
    assert index.loc[STAND_IN, "Ontvangen"] == held
    assert index.loc[STAND_IN, "Werklastindex"] == "–"
    zone = _zone_index(start, end)  # over the wijkinspecteurs of the districts only
    shown = index["Werklastindex"].drop(STAND_IN).map(_nl_number)
    assert sorted(shown.index) == sorted(zone.index)
    assert (shown - zone.reindex(shown.index)).abs().max() < 0.05 + 1e-9
    assert any(STAND_IN in c.value and "zonder index" in c.value for c in at.caption)

    figures = metrics(at)
    assert figures["Gini-coëfficiënt"] == f"{_gini(zone):.2f}".replace(".", ",")
    assert figures["Overbelast (index > 120)"] == nl(int((zone > 120).sum()))
    ratio = zone.max() / zone.min()
    assert figures["Verhouding hoogste / laagste"] == f"{ratio:.2f}".replace(".", ",")
    assert not any(STAND_IN in w.value for w in at.warning)


def test_what_if_without_sectors_shows_the_inhabitants(stand_in_zone, monkeypatch, state):
    """Without statistical sectors the what-if showed 0 inhabitants for every inspector
    (a population column with a 0..n index aligned on wijk codes)."""
    monkeypatch.setenv("WIJKBEELD_WAREHOUSE", str(stand_in_zone))
    assert not count("SELECT count(*) FROM marts.districts WHERE layer = 'sector'")
    at = run_app("workload")
    assert any("geen statistische sectoren" in i.value for i in at.info)
    whatif = _frame(at, "Inspecteur", "Inwoners nu", "Werklast nu").set_index("Inspecteur")
    expected = wh(
        "SELECT inspector, sum(population) AS n FROM marts.districts "
        "WHERE layer = 'wijk' GROUP BY 1"
    ).set_index("inspector")["n"]
    assert expected.sum() > 0
    assert whatif["Inwoners nu"].reindex(expected.index).tolist() == expected.tolist()
    assert whatif["Inwoners nieuw"].reindex(expected.index).tolist() == expected.tolist()


def test_no_index_or_fairness_on_a_small_base(demo_warehouse, state):
    """Over 60 days one wijkinspecteur has fewer than 5 tasks: no index for him, and no
    Gini, ratio or overload figures for the zone (they were shown on 2 tasks: index 275,
    four inspectors 'Overbelast')."""
    start, end = date(2026, 9, 2), date(2026, 10, 31)
    at = run_app("workload", {"periode": "aangepast", "van": str(start), "tot": str(end)})
    at.radio(key="werklast_venster").set_value("periode").run()
    received = wh(
        "SELECT d.inspector, count(t.task_id) AS n FROM marts.districts d "
        "LEFT JOIN marts.tasks t ON t.inspector = d.inspector "
        "AND CAST(t.received_at AS DATE) BETWEEN ? AND ? "
        "WHERE d.layer = 'wijk' GROUP BY 1",
        [start, end],
    ).set_index("inspector")["n"]
    small = received < 5
    assert small.any() and received.mean() >= 5, "testgeval toont niets"
    index = _frame(at, "Inspecteur", "Werklastindex").set_index("Inspecteur")
    values = index["Werklastindex"].map(_nl_number).reindex(received.index)
    assert values[small].isna().all()
    # Those with too few tasks are left out of the mean as well (their near-zero load
    # raised every other index; an audit).
    zone = _zone_index(start, end, left_out=small)
    assert (values[~small] - zone[~small]).abs().max() < 0.05 + 1e-9
    figures = metrics(at)
    for label in (
        "Gini-coëfficiënt",
        "Verhouding hoogste / laagste",
        "Overbelast (index > 120)",
        "Onderbelast (index < 80)",
    ):
        assert figures[label] == "–", label
    assert not any(w.value.startswith("Overbelast") for w in at.warning)
    assert any(
        "minder dan 5 taken in het indexvenster" in i.value
        and i.value.endswith("Kies een langer venster, bv. de laatste 12 maanden.")
        for i in at.info
    )
    assert any("Een index enkel vanaf 5 ontvangen taken" in c.value for c in at.caption)

    # One day: the mean itself rests on too little, no index at all.
    day = {"periode": "aangepast", "van": str(end), "tot": str(end)}
    at = run_app("workload", day)
    at.radio(key="werklast_venster").set_value("periode").run()
    index = _frame(at, "Inspecteur", "Werklastindex")
    assert (index["Werklastindex"] == "–").all()
    assert any(i.value.startswith("Te weinig taken in dit venster") for i in at.info)
    # The what-if follows the same rule (it showed "Index nu" on a day's few tasks).
    whatif = _frame(at, "Naam", "Index nu")
    assert whatif["Index nu"].isna().all() and whatif["Index nieuw"].isna().all()  # "–"
    assert any(
        c.value.startswith("Index '–': de werklast rust op minder dan 5") for c in at.caption
    )


def test_open_per_1000_only_from_the_small_count_threshold(demo_warehouse, state):
    """'Open per 1.000 inwoners' was shown on 4 open tasks, while the caption says rates
    only from 5 on (and feiten and overlast followed that rule)."""
    at = run_app("workload")
    per_wijk = _frame(at, "Wijk", "Open per 1.000 inwoners")
    population = per_wijk["Inwoners"].map(_nl_number)
    rates = per_wijk["Open per 1.000 inwoners"].map(_nl_number)
    small = per_wijk["Open"] < 5
    assert small.any() and (~small).any(), "testgeval toont niets"
    assert rates[small].isna().all()
    expected = (1000 * per_wijk["Open"] / population)[~small]
    assert (rates[~small] - expected).abs().max() < 0.05 + 1e-9


def test_qc_queue_holds_inconsistent_dates_of_every_type(demo_warehouse, state):
    """The page sends the coordinator to the quality control for tasks closed before they
    were received, but only reviewed types reached the queue; they now do, whatever their
    type, with the finding 'Inconsistente data', and can be decided on."""
    reviewed = tuple(t["name"] for t in load_zone()["task_types"] if t.get("review")) or (
        "Kantschrift",
        "PV-opvolging",
    )
    ref = pd.Timestamp(wh("SELECT max(reference_date) FROM marts.build_info").iat[0, 0])
    since = (ref - timedelta(days=364)).date()
    bad = wh(
        "SELECT task_id FROM marts.tasks WHERE dates_inconsistent AND NOT is_open "
        "AND status <> 'Te controleren' AND NOT list_contains(?::VARCHAR[], "
        "CAST(task_type AS VARCHAR)) AND (CAST(closed_at AS DATE) >= ? "
        "OR CAST(received_at AS DATE) >= ?) ORDER BY task_id",
        [list(reviewed), since, since],
    )["task_id"].tolist()
    assert bad, "testgeval toont niets: geen taak van een ander type met onlogische datums"

    at = run_app("workload")
    at.selectbox(key="kwaliteit_venster").set_value("365").run()
    queue = _frame(at, "Taaknummer", "Bevindingen").set_index("Taaknummer")
    for task_id in bad:
        assert "Inconsistente data" in queue.loc[task_id, "Bevindingen"], task_id
    assert any("van elk type met onlogische datums" in c.value for c in at.caption)

    chosen = bad[0]
    at.selectbox(key="kwaliteit_taak").set_value(chosen).run()
    at.radio(key="kwaliteit_beslissing").set_value("goedgekeurd").run()
    at.button(key="kwaliteit_opslaan").click().run()
    assert not at.exception
    assert ReviewStore().latest("taak")["item_id"].tolist() == [chosen]
    assert chosen not in set(_frame(at, "Taaknummer", "Bevindingen")["Taaknummer"])


def test_only_the_coordinator_is_told_the_quality_control_lists_inconsistent_dates(
    demo_warehouse, state
):
    from dash_helpers import run_as

    from dashboard.auth.roles import Principal, Role

    def sentence(at) -> list[str]:
        return [c.value for c in at.caption if "afgesloten vóór de ontvangstdatum" in c.value]

    coordinator = sentence(run_app("workload"))
    assert coordinator and "In de kwaliteitscontrole hieronder staan ze" in coordinator[0]
    # The beleidscel's page stops before the quality control: no promise of it.
    other = sentence(run_as(Principal("bc", Role.BELEIDSCEL), "workload"))
    assert other and "kwaliteitscontrole" not in other[0]


def test_decisions_and_return_rates_follow_the_wijk_filter(demo_warehouse, state):
    """Decision history and return rates were those of the whole zone under a wijk filter."""
    at = run_app("workload")
    queue = _frame(at, "Taaknummer", "Bevindingen")
    chosen = queue["Taaknummer"].iloc[0]
    at.radio(key="kwaliteit_beslissing").set_value("teruggestuurd").run()
    at.text_area(key=f"kwaliteit_opmerking_{chosen}_teruggestuurd").set_value("Adres?").run()
    at.button(key="kwaliteit_opslaan").click().run()
    assert ReviewStore().latest("taak")["item_id"].tolist() == [chosen]
    own = wh("SELECT wijk_code FROM marts.tasks WHERE task_id = ?", [chosen]).iat[0, 0]
    other = "W01" if own != "W01" else "W02"

    elsewhere = run_app("workload", {"wijk": [other]})
    assert metrics(elsewhere)["Beslist (totaal)"] == "0"
    assert not any("Beslissing" in getattr(d.value, "columns", []) for d in elsewhere.dataframe)
    assert any(
        "Nog geen beslissingen genomen over taken van de gekozen wijken" in c.value
        for c in elsewhere.caption
    )

    here = run_app("workload", {"wijk": [own]})
    assert metrics(here)["Beslist (totaal)"] == "1"
    assert _frame(here, "Taaknummer", "Beslissing")["Taaknummer"].tolist() == [chosen]
    assert _frame(here, "Inspecteur", "Teruggestuurd")["Teruggestuurd"].sum() == 1


# -- review of Werklast (session 22): open-ended absences, whole-window absence, texts ----


@pytest.fixture(scope="module")
def long_absence_zone(demo_raw, tmp_path_factory):
    """The demo exports plus a second absence list: W05's inspector ill from 01/10/2026
    'tot nader order' (31/12/9999), written in other capitals than zone.toml."""
    import shutil

    from etl.build import build_warehouse

    raw = tmp_path_factory.mktemp("long_absence") / "raw"
    shutil.copytree(demo_raw, raw)
    inspector = next(w["inspector"] for w in load_zone()["wijken"] if w["code"] == "W05")
    (raw / "absences" / "afwezigheden_ziekte.csv").write_text(
        f"Wijkinspecteur;Van;Tot;Reden\n{inspector.upper()};01/10/2026;31/12/9999;Ziekte\n",
        encoding="utf-8",
    )
    warehouse = raw.parent / "wh.duckdb"
    build_warehouse(raw=raw, warehouse=warehouse, echo=lambda *_: None)
    return warehouse, inspector


def test_an_inspector_absent_the_whole_window_is_named_not_a_silent_dash(
    long_absence_zone, monkeypatch, state
):
    """The index showed '–' for an inspector ill the whole window, with a caption that
    blamed fewer than 5 tasks, and the Gini silently left him out."""
    warehouse, inspector = long_absence_zone
    monkeypatch.setenv("WIJKBEELD_WAREHOUSE", str(warehouse))
    at = run_app("workload")
    at.radio(key="werklast_venster").set_value("periode").run()
    index = _frame(at, "Inspecteur", "Werklastindex").set_index("Inspecteur")
    assert index.at[inspector, "Beschikbare dagen"] == 0
    assert index.at[inspector, "Werklastindex"] == "–"
    received = index.at[inspector, "Ontvangen"]
    [note] = [c.value for c in at.caption if c.value.startswith("Het hele indexvenster afwezig")]
    assert f"{inspector} ({received} taken ontvangen in die periode)" in note
    assert any(
        c.value.startswith("Gini, verhouding")
        and f"zonder {inspector}: het hele venster" in c.value
        for c in at.caption
    )
    # With absences in the window, the ratio is one of loads per available day.
    [ratio] = [m for m in at.metric if m.label == "Verhouding hoogste / laagste"]
    assert "per beschikbare dag" in ratio.help


def test_tot_nader_order_is_for_the_coordinator_only(long_absence_zone, monkeypatch, state):
    """'Tot nader order' is how lists write long sick leave: like the reasons, only the
    coordinator sees it; an inspector sees no colleague's days away."""
    from dash_helpers import run_as

    from dashboard.auth.roles import Principal, Role

    warehouse, inspector = long_absence_zone
    monkeypatch.setenv("WIJKBEELD_WAREHOUSE", str(warehouse))
    coordinator = run_app("workload")
    absent = _frame(coordinator, "Inspecteur", "Dagen afwezig").set_index("Inspecteur")
    assert absent.at[inspector, "Tot nader order"] == "ja"
    # Nor the beleidscel: its pseudonym stands beside the wijk, which names the person (an
    # audit): no absence days, no available days.
    beleidscel = run_as(Principal("bc", Role.BELEIDSCEL), "workload")
    with pytest.raises(AssertionError, match="geen tabel"):
        _frame(beleidscel, "Inspecteur", "Dagen afwezig")
    assert "Beschikbare dagen" not in _frame(beleidscel, "Inspecteur", "Werklastindex").columns
    assert "Index zonder afwezigheden" not in _frame(beleidscel, "Inspecteur", "Werklastindex")
    # An inspector does not see how many days a colleague was away (104 days reads as long
    # sick leave; an audit): no absence table and no available days, the index per
    # available day only.
    at = run_as(Principal("insp", Role.INSPECTOR, wijk_code="W05"), "workload")
    with pytest.raises(AssertionError, match="geen tabel"):
        _frame(at, "Inspecteur", "Dagen afwezig")
    index = _frame(at, "Inspecteur", "Werklastindex")
    assert "Beschikbare dagen" not in index.columns
    captions = [c.value for c in at.caption]
    assert "De afwezigheden per persoon ziet enkel de wijkcoördinator." in captions
    # Nor that a colleague was away the whole window (a review): no index, the reason with
    # the coordinator.
    assert not [c for c in captions if "venster afwezig" in c], captions
    at.radio(key="werklast_venster").set_value("periode").run()
    captions = [c.value for c in at.caption]
    assert not [c for c in captions if "venster afwezig" in c], captions
    assert any(f"zonder {inspector} (geen index)" in c for c in captions), captions


def test_an_inspector_mostly_away_is_not_called_overloaded(long_absence_zone, monkeypatch, state):
    """Ill from 01/10/2026 and the index over 25/09–25/10: 6 available days of 31 or fewer. His load
    per available day made him 'Overbelast' (an audit: index 243, the third lowest load).
    Now no index, not in the fairness figures, and the page says why (the coordinator) or
    only that the reason is the coordinator's (an inspector)."""
    from dash_helpers import run_as

    from dashboard.auth.roles import Principal, Role

    warehouse, inspector = long_absence_zone
    monkeypatch.setenv("WIJKBEELD_WAREHOUSE", str(warehouse))
    params = {"periode": "aangepast", "van": "2026-09-25", "tot": "2026-10-25"}
    at = run_app("workload", params)
    at.radio(key="werklast_venster").set_value("periode").run()
    index = _frame(at, "Inspecteur", "Werklastindex").set_index("Inspecteur")
    # 6 at most (the demo's own list may have him away in September too).
    days = index.at[inspector, "Beschikbare dagen"]
    assert 0 < days <= 6
    assert index.at[inspector, "Werklastindex"] == "–"
    assert not any(inspector in w.value for w in at.warning if w.value.startswith("Overbelast"))
    captions = [c.value for c in at.caption]
    assert any(
        c.startswith("Minder dan 50 % van het indexvenster")
        and f"{inspector} ({days} beschikbare" in c
        for c in captions
    ), captions
    [gini] = [c for c in captions if c.startswith("Gini, verhouding")]
    left_out = re.search(r"; zonder ([^;]*): minder dan de helft van het venster", gini)
    assert left_out and inspector in left_out.group(1).split(", "), gini
    insp = run_as(Principal("insp", Role.INSPECTOR, wijk_code="W01"), "workload", params)
    insp.radio(key="werklast_venster").set_value("periode").run()
    captions = [c.value for c in insp.caption]
    [gini] = [c for c in captions if c.startswith("Gini, verhouding")]
    assert f"{inspector} (geen index)" in gini, gini
    assert not [c for c in captions if "beschikbare dagen)" in c or "minder dan de helft" in c]


def test_fairness_note_on_a_small_zone_base_says_the_average(demo_warehouse, state):
    """A week's window: every inspector is withheld because the zone's mean is below 5,
    and the box said '10 van de 10 wijkinspecteurs hebben minder dan 5 taken' while four
    had 5 or more."""
    _, end = last_28_days()
    at = run_app(
        "workload", {"periode": "aangepast", "van": str(end - timedelta(days=6)), "tot": str(end)}
    )
    at.radio(key="werklast_venster").set_value("periode").run()
    [box] = [i.value for i in at.info if i.value.startswith("Geen Gini")]
    assert "de wijkinspecteurs hebben gemiddeld minder dan 5 taken" in box
    assert " van de " not in box


def test_an_inspector_on_another_wijk_gets_no_contradicting_task_message(demo_warehouse, state):
    """Inspector of W08 filtering W01: the KPI counted W01's open tasks and the list said
    'Geen open taken voor deze keuze.'"""
    from dash_helpers import run_as

    from dashboard.auth.roles import Principal, Role

    at = run_as(Principal("insp", Role.INSPECTOR, wijk_code="W08"), "workload", {"wijk": "W01"})
    assert not [s for s in at.success if s.value.startswith("Geen open taken")]
    assert any("enkel van je eigen wijk" in i.value for i in at.info)
    # Of tasks, not "feiten" (an audit).
    assert any("zie je afzonderlijke taken enkel" in i.value for i in at.info)
    own = run_as(Principal("insp", Role.INSPECTOR, wijk_code="W08"), "workload")
    assert any(c.value.startswith("Afzonderlijke taken: enkel je eigen wijk") for c in own.caption)


def test_a_window_before_the_lists_says_so(demo_warehouse, state):
    """January 2020, before every export: 'Geen taken in de laatste twee jaar' (the data
    hold thousands) and 'nobody was absent' (the absence list starts years later)."""
    at = run_app("workload", {"periode": "aangepast", "van": "2020-01-01", "tot": "2020-01-31"})
    infos = " ".join(i.value for i in at.info)
    assert "Geen taken tussen 01/01/2018 en 31/01/2020." in infos
    assert "Geen taken in de laatste twee jaar" not in infos
    if count("SELECT count(*) FROM marts.absences"):
        first = pd.Timestamp(wh("SELECT min(start_date) FROM marts.absences").iat[0, 0])
        assert f"De lijst van afwezigheden van de zone begint pas op {first:%d/%m/%Y}" in infos
        assert "Geen afwezigheden in dit venster" not in infos


@pytest.fixture
def wijk_without_inspector(demo_raw, tmp_path, monkeypatch):
    """The demo zone without statistical sectors and with W01 given no inspector in the
    zone configuration (as a boundary file's wijk the configuration does not name)."""
    import shutil

    import streamlit as st

    from etl.build import build_warehouse
    from etl.config import zone_path

    raw = tmp_path / "raw"
    shutil.copytree(demo_raw, raw)
    (raw / "districts" / "sectoren.geojson").unlink()
    text = zone_path().read_text(encoding="utf-8")
    first = text.index('inspector = "INP An Peeters"')
    zone = tmp_path / "zone.toml"
    zone.write_text(text[:first] + text[first:].split("\n", 1)[1], encoding="utf-8")
    warehouse = tmp_path / "warehouse.duckdb"
    build_warehouse(raw, warehouse, zone_file=zone, echo=lambda _: None)
    monkeypatch.setenv("WIJKBEELD_ZONE", str(zone))
    monkeypatch.setenv("WIJKBEELD_WAREHOUSE", str(warehouse))
    st.cache_data.clear()
    yield warehouse
    st.cache_data.clear()


def test_what_if_per_wijk_holds_a_wijk_without_inspector(wijk_without_inspector, state):
    """Without sectors the what-if moves whole wijken between inspectors; a wijk without an
    inspector stopped the page ("'<' not supported between 'NoneType' and 'str'"). It is
    now held by "(geen inspecteur)", whose load shows in the what-if until it is given to
    someone."""
    at = run_app("workload")
    assert not at.exception, at.exception
    editor = _frame(at, "Wijk", "Inspecteur", "Werklast")
    assert editor.set_index("Wijk").at["W01", "Inspecteur"] == "(geen inspecteur)"
    assert "INP An Peeters" not in set(editor["Inspecteur"])
    whatif = _frame(at, "Inspecteur", "Werklast nu", "Werklast nieuw")
    assert "(geen inspecteur)" in set(whatif["Inspecteur"])
    assert whatif["Werklast nu"].tolist() == whatif["Werklast nieuw"].tolist()


def test_a_wijk_without_tasks_over_a_year_points_at_the_export(
    demo_raw, tmp_path, monkeypatch, state
):
    """W08 without one task in the year's window: no Gini or ratio, and the box said "Kies
    een langer venster, bv. de laatste 12 maanden" while the window was those 12 months (an
    audit, fifty-eighth session). It asks whether the export holds that wijk's tasks."""
    import shutil

    import streamlit as st

    from etl.build import build_warehouse

    raw = tmp_path / "raw"
    shutil.copytree(demo_raw, raw)
    for path in (raw / "tasks").glob("*.csv"):
        frame = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, encoding="cp1252")
        frame[frame["Wijk"] != "W08"].to_csv(path, sep=";", index=False, encoding="cp1252")
    warehouse = tmp_path / "wh.duckdb"
    build_warehouse(raw=raw, warehouse=warehouse, echo=lambda *_: None)
    monkeypatch.setenv("WIJKBEELD_WAREHOUSE", str(warehouse))
    st.cache_data.clear()
    at = run_app("workload")
    assert not at.exception
    [box] = [i.value for i in at.info if i.value.startswith("Geen Gini")]
    assert "1 van de 10 wijkinspecteurs heeft minder dan 5 taken in het indexvenster" in box
    assert box.endswith(
        "Het venster telt al een jaar: staan de taken van die wijkinspecteur wel in de export?"
    )
    assert "Kies een langer venster" not in box
    st.cache_data.clear()


def test_a_month_missing_from_the_task_export_is_named_not_a_dip(
    demo_raw, tmp_path, monkeypatch, state
):
    """June 2026 missing from the task export: every inspector's line dipped to 0 there and
    the index counted it as a month without tasks, without a word (an audit, fifty-eighth
    session). The page names it, and the lines leave it empty."""
    import shutil

    import streamlit as st

    from etl.build import build_warehouse

    raw = tmp_path / "raw"
    shutil.copytree(demo_raw, raw)
    path = raw / "tasks" / "wijktaken_2026.csv"
    frame = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, encoding="cp1252")
    june = frame["Ontvangen"].str.slice(3, 10) == "06/2026"
    assert june.sum() >= 10
    frame[~june].to_csv(path, sep=";", index=False, encoding="cp1252")
    warehouse = tmp_path / "wh.duckdb"
    build_warehouse(raw=raw, warehouse=warehouse, echo=lambda *_: None)
    monkeypatch.setenv("WIJKBEELD_WAREHOUSE", str(warehouse))
    st.cache_data.clear()
    assert [
        str(m)[:7]
        for m in wh("SELECT empty_months FROM marts.coverage WHERE domain = 'tasks'").iat[0, 0]
    ] == ["2026-06"]
    at = run_app("workload")
    assert not at.exception
    assert any(
        w.value.startswith("Geen enkele wijktaak met datum in 06/2026, terwijl er gewoonlijk")
        for w in at.warning
    ), [w.value for w in at.warning]
    assert any(
        c.value.startswith("Geen enkele wijktaak met datum in 06/2026 (een ontbrekende export?)")
        for c in at.caption
    )
    # Every inspector's line has a point without a value there (the query gives only months
    # with a task: a line joined May to July over it).
    import json

    (chart,) = [
        json.loads(c.proto.spec)
        for c in at.get("plotly_chart")
        if "Taken ontvangen" in c.proto.spec and "Overige inspecteurs" in c.proto.spec
    ]
    lines = [t for t in chart["data"] if t.get("mode", "").startswith("lines")]
    assert len(lines) >= 10
    for trace in lines:
        xs, ys = plotly_array(trace["x"]), plotly_array(trace["y"]).astype(float)
        at_june = [y for x, y in zip(xs, ys, strict=True) if str(x).startswith("2026-06")]
        assert len(at_june) == 1 and np.isnan(at_june[0]), (trace["name"], at_june)
    st.cache_data.clear()


@pytest.fixture
def wijk_without_tasks(demo_raw, tmp_path, monkeypatch):
    """The demo zone with every task of W08 left out of the exports (a missing export)."""
    import streamlit as st
    from dash_helpers import demo_variant

    def cut(raw):
        for path in (raw / "tasks").glob("*.csv"):
            lines = path.read_bytes().splitlines(keepends=True)
            path.write_bytes(
                b"".join([lines[0], *(r for r in lines[1:] if r.split(b";")[5] != b"W08")])
            )

    yield demo_variant(demo_raw, tmp_path, monkeypatch, cut)
    st.cache_data.clear()


def test_a_wijk_without_tasks_raises_no_index_and_gets_no_proposal(wijk_without_tasks, state):
    """W08 without one task (an export left out) counted 0 in the zone mean: every other
    index rose by a tenth, and the proposal's "largest deviation" rested on that 0 (an
    audit). It is left out of the mean, and no proposal is made on that basis."""
    at = run_app("workload")
    assert not at.exception
    whatif = _frame(at, "Naam", "Index nu").set_index("Naam")
    codes = wh("SELECT name, code FROM marts.districts WHERE layer = 'wijk'")
    w08 = codes.loc[codes["code"] == "W08", "name"].iat[0]
    assert pd.isna(whatif.at[w08, "Index nu"])
    loads = whatif["Werklast nu"].drop(w08).astype(float)
    shown = whatif["Index nu"].drop(w08).astype(float)
    assert (shown - 100 * loads / loads.mean()).abs().max() < 0.05 + 1e-9
    assert not [b for b in at.button if b.key == "werklast_optimaliseer"]
    [box] = [i.value for i in at.info if i.value.startswith("Geen voorstel")]
    assert "W08" in box and "minder dan 5 taken in het indexvenster" in box


def test_a_period_before_the_first_task_is_unknown_not_zero(demo_warehouse, state):
    """January 2021, before the demo's task exports begin: 'Ontvangen in periode' and
    'Afgewerkt in periode' read 0, and the box asked whether every task was in the export
    (an audit). Now '–', a warning from when tasks are known, and the index's advice says
    its window lies before them. A period that begins before them says from when it counts."""
    first = pd.Timestamp(wh("SELECT min(received_at)::DATE FROM marts.tasks").iat[0, 0]).date()
    at = run_app("workload", {"periode": "aangepast", "van": "2021-01-01", "tot": "2021-01-31"})
    shown = metrics(at)
    assert shown["Ontvangen in periode"] == shown["Afgewerkt in periode"] == "–"
    warnings = [w.value for w in at.warning]
    assert any(
        w.startswith(f"Wijktaken: gegevens vanaf {first:%d/%m/%Y}; de gekozen periode ligt")
        for w in warnings
    ), warnings
    infos = [i.value for i in at.info]
    assert any(f"De wijktaken beginnen pas op {first:%d/%m/%Y}" in i for i in infos), infos
    assert not any("staan alle taken wel in de export" in i for i in infos), infos

    start = first - timedelta(days=10)
    at = run_app(
        "workload",
        {"periode": "aangepast", "van": str(start), "tot": str(first + timedelta(days=17))},
    )
    assert metrics(at)["Ontvangen in periode"] != "–"
    assert any(
        w.value.endswith(f"tellen pas vanaf die dag, niet sinds {start:%d/%m/%Y}.")
        for w in at.warning
    )


def test_the_absences_follow_the_wijk_filter_and_the_help_says_what_it_counts(demo_warehouse):
    """Under a wijk filter the absence table listed every inspector of the zone; the
    'Te controleren' tile (55) stood beside a queue of 111 without a word why (an audit)."""
    at = run_app("workload", {"wijk": ["W02"]})
    index = _frame(at, "Inspecteur", "Werklastindex")
    absent = _frame(at, "Inspecteur", "Dagen afwezig")
    assert set(absent["Inspecteur"]) <= set(index["Inspecteur"])
    everyone = _frame(run_app("workload"), "Inspecteur", "Dagen afwezig")
    assert len(everyone) > len(absent)
    [tile] = [m for m in at.metric if m.label == "Te controleren"]
    assert "andere afgewerkte taken die een controle vragen" in tile.help


def test_the_monthly_evolution_ends_with_its_last_month(demo_warehouse):
    """The month axis ran to "01/2027" for a last month of December 2026: plotly's own
    margin for the markers reached the next quarter's tick (a UX sweep)."""
    at = run_app("workload")
    chart = next(c for c in at.get("plotly_chart") if "Maand" in c.proto.spec)
    spec = json.loads(chart.proto.spec)
    months = [pd.Timestamp(str(x)) for t in spec["data"] for x in plotly_array(t["x"])]
    low, high = (pd.Timestamp(x) for x in spec["layout"]["xaxis"]["range"])
    assert low < min(months) and max(months) < high
    assert high < max(months) + pd.DateOffset(months=1), "de as loopt tot in een volgende maand"
