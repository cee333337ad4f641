"""A source the zone has not loaded for a period counts nothing there, and that nothing is
not 0. A zone whose accident export stops at the end of 2025 (and that has no nuisance
register or task list) showed "Letselongevallen 0" in every week of 2026, compared with
last year's as a steep fall, and "Overlastmeldingen 0" beside it; the Briefing now leaves
such a measure out or does not compare it, and says why; the report shows "–". A task
export that stops early is judged on its own last day (open, overdue, the Werklast page's
windows); Bronnen leaves a source without a day in the period out of its map and tables.
"""

from __future__ import annotations

import io
import json
import shutil
from datetime import date, datetime, timedelta

import pandas as pd
import pytest
import streamlit as st
from dash_helpers import count, metrics, run_app, wh
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

HERENT = "24038"


def build_until_2025(demo_raw, root, cut: tuple[str, ...], whole: tuple[str, ...] = ()):
    """A warehouse of the demo's facts and boundaries (11/2024 – 10/2026), and of
    ``whole``, beside the exports of ``cut`` without their 2026 files; nothing else."""
    from etl.build import build_warehouse

    raw = root / "raw"
    for kind in ("incidents", "districts", *whole):
        shutil.copytree(demo_raw / kind, raw / kind)
    for kind in cut:
        (raw / kind).mkdir(parents=True)
        kept = [p for p in (demo_raw / kind).iterdir() if "2026" not in p.name]
        assert kept and len(kept) < len(list((demo_raw / kind).iterdir()))
        for path in kept:
            shutil.copy(path, raw / kind)
    warehouse = root / "wh.duckdb"
    build_warehouse(raw, warehouse, echo=lambda *_: None)
    return warehouse


@pytest.fixture(scope="module")
def accidents_until_2025(demo_raw, tmp_path_factory):
    """Facts for the whole demo (11/2024 – 10/2026), accidents and victims only up to
    2025, boundaries; no nuisance, no tasks."""
    return build_until_2025(
        demo_raw, tmp_path_factory.mktemp("until2025"), ("accidents", "victims")
    )


def using(warehouse, monkeypatch):
    """The pages read ``warehouse`` (a fixture's body: ``yield from using(...)``)."""
    monkeypatch.setenv("WIJKBEELD_WAREHOUSE", str(warehouse))
    st.cache_data.clear()
    yield
    st.cache_data.clear()


@pytest.fixture
def zone(accidents_until_2025, monkeypatch):
    yield from using(accidents_until_2025, monkeypatch)


def _accident_span():
    from dashboard.analysis.compstat import source_spans
    from dashboard.queries import warehouse_version
    from dashboard.queries.common import domain_coverage

    span = source_spans(domain_coverage(warehouse_version()))["accidents"]
    assert span.last.year == 2025
    return span


def test_briefing_leaves_out_what_the_zone_has_not_loaded_for_the_week(zone):
    from dashboard.components.format import fmt_period
    from dashboard.documents import briefing_pack as bp
    from dashboard.queries import warehouse_version

    data = bp.collect_briefing(warehouse_version(), "week", date(2026, 10, 25))
    assert list(data.totals.index) == ["incidents"]
    assert list(data.per_wijk) == ["incidents"] and list(data.categories) == ["incidents"]
    span = _accident_span()
    assert data.coverage_notes == [
        "Niet in deze briefing: overlastmeldingen en nieuwe wijktaken (geen gegevens geladen).",
        "Niet in deze briefing: letselongevallen en verkeersslachtoffers (gegevens van "
        f"{fmt_period(span.first, span.last)}).",
    ]
    # The page draws one key figure and one domain tab, and says why.
    at = run_app("briefing")
    assert [m.label for m in at.metric] == ["Feiten (pv's)"]
    assert any(w.value.startswith("Niet in deze briefing: letselongevallen") for w in at.warning)
    # Nor does it explain victims it does not show.
    assert not any("verschillende eenheden" in c.value for c in at.caption)
    # The nuisance hot spots: not "none found" but no source.
    at.radio(key="briefing_hotspot_domein").set_value("nuisance").run()
    assert any(i.value == bp.NO_SOURCE_HOTSPOTS for i in at.info) and not at.exception
    # The Word pack says it on its title page and under the key figures.
    doc = Document(io.BytesIO(bp.briefing_docx(data)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert text.count("Niet in deze briefing: letselongevallen") >= 1
    assert "Niet in deze briefing: geen gegevens over deze periode." in text  # nuisance types
    key_figures = doc.tables[0]
    assert [row.cells[0].text for row in key_figures.rows[1:]] == ["Feiten (pv's)"]
    assert "verschillende eenheden" not in text and "Rood: opvallend meer" in text
    assert bp.NO_SOURCE_HOTSPOTS in text  # the nuisance hot spots: not "none found"


def test_briefing_does_not_compare_a_period_a_source_covers_in_part(zone):
    """28 days from 14/12/2025 to 10/01/2026: the accidents stop on their last 2025 day;
    counted up to there, not compared, and no sentence in 'Wat valt op'."""
    from dashboard.components.format import fmt_date
    from dashboard.documents import briefing_pack as bp
    from dashboard.queries import warehouse_version

    span = _accident_span()
    data = bp.collect_briefing(warehouse_version(), "28d", date(2026, 1, 10))
    assert list(data.totals.index) == ["incidents", "injury_accidents", "victims"]
    accidents = data.totals.loc["injury_accidents"]
    assert accidents[["previous", "last_year"]].isna().all()
    assert not accidents["notable_prev"] and not accidents["notable_last_year"]
    assert data.per_wijk["victims"][["previous", "last_year"]].isna().all().all()
    assert data.totals.loc["incidents", ["previous", "last_year"]].notna().all()
    assert (
        f"Letselongevallen en Verkeersslachtoffers: alleen gegevens tot en met "
        f"{fmt_date(span.last)}; niet vergeleken"
    ) in " ".join(data.coverage_notes)
    assert not any(
        "letselongeval" in s.lower() or "slachtoffer" in s.lower() for s in data.sentences
    )


def test_briefing_of_a_covered_period_compares_everything_loaded(zone):
    from dashboard.documents import briefing_pack as bp
    from dashboard.queries import warehouse_version

    data = bp.collect_briefing(warehouse_version(), "week", date(2025, 12, 21))
    assert list(data.totals.index) == ["incidents", "injury_accidents", "victims"]
    assert data.totals[["previous", "last_year"]].notna().all().all()
    doc = Document(io.BytesIO(bp.briefing_docx(data)))
    assert any("verschillende eenheden" in p.text for p in doc.paragraphs)
    assert data.coverage_notes == [
        "Niet in deze briefing: overlastmeldingen en nieuwe wijktaken (geen gegevens geladen)."
    ]


def test_report_marks_the_quarter_the_accidents_do_not_reach(zone):
    from dashboard.documents import municipal_report as mr
    from dashboard.queries import warehouse_version

    version = warehouse_version()
    q1 = mr.collect_report(version, HERENT, mr.ReportPeriod("kwartaal", 2026, 1), warn=False)
    trend = q1.tables["evolutie"]
    # 2025's first quarter had accidents, 2026's has no export: "–" there, not 0.
    assert [row[-2:] for row in trend.rows()][-2:][1] == ["–", "–"]
    assert trend.rows()[-2][-1] != "–"
    assert mr.NO_SOURCE_NOTE in trend.note
    q4 = mr.collect_report(version, HERENT, mr.ReportPeriod("kwartaal", 2025, 4), warn=False)
    assert "–" not in [c for row in q4.tables["wijken"].rows() for c in row[4:6]]
    assert q4.tables["wijken"].note == mr.NO_SOURCE_NOTE  # nuisance: not loaded


@pytest.fixture(scope="module")
def accidents_until_august_warehouse(demo_raw, tmp_path_factory):
    """Facts and events for the whole demo (11/2024 – 10/2026); the accident registration
    (and its victims) stops in the middle of 2026's third quarter: its rows after 15/08/2026
    cut."""
    return _accidents_cut(
        demo_raw,
        tmp_path_factory.mktemp("august") / "raw",
        ("incidents", "districts", "accidents", "victims", "events"),
        "2026",
        lambda day: datetime.strptime(day.decode(), "%d/%m/%Y") < datetime(2026, 8, 16),
    )


def _accidents_cut(demo_raw, raw, kinds, year: str, keep, fewer: int = 1):
    """A warehouse of the demo's ``kinds`` whose accident export of ``year`` keeps the rows
    whose date (``dd/mm/yyyy`` as bytes) ``keep`` accepts, at least ``fewer`` less."""
    from etl.build import build_warehouse

    for kind in kinds:
        shutil.copytree(demo_raw / kind, raw / kind)
    (path,) = (raw / "accidents").glob(f"*{year}*")
    lines = path.read_bytes().split(b"\r\n")
    kept = [lines[0]] + [line for line in lines[1:] if line and keep(line.split(b";")[1][:10])]
    assert 1 < len(kept) < len(lines) - fewer
    path.write_bytes(b"\r\n".join(kept) + b"\r\n")
    warehouse = raw.parent / "wh.duckdb"
    build_warehouse(raw, warehouse, echo=lambda *_: None)
    return warehouse


def test_report_marks_the_counts_of_part_of_the_period(
    accidents_until_august_warehouse, monkeypatch
):
    """A third quarter whose accidents stop in August: the summary read "Letselongevallen:
    11 (vorig jaar zelfde periode: 26; verschil -15)", a fall that was only the missing
    weeks, and the tables showed the counts without a mark (the note under each said it).
    The summary now does not compare them, and each such count ends in "*"."""
    from dashboard.analysis.compstat import source_spans
    from dashboard.documents import municipal_report as mr
    from dashboard.queries import warehouse_version
    from dashboard.queries.common import domain_coverage

    for _ in using(accidents_until_august_warehouse, monkeypatch):
        version = warehouse_version()
        last = source_spans(domain_coverage(version))["accidents"].last
        assert date(2026, 8, 1) <= last <= date(2026, 8, 15)
        data = mr.collect_report(version, HERENT, mr.ReportPeriod("kwartaal", 2026, 3), warn=False)
        lines = mr.summary_lines(data)
        for label in ("Letselongevallen", "Verkeersslachtoffers"):
            (line,) = [x for x in lines if x.startswith(label + ":")]
            assert line.endswith(
                f" (alleen gegevens tot en met {last:%d/%m/%Y}: geen vergelijking met vorig jaar)."
            ), line
            assert "*" not in line
        (facts,) = [x for x in lines if x.startswith("Feiten (pv's):")]
        assert "vorig jaar zelfde periode" in facts
        # Every shown accident count of the quarter ends in "*", no count of facts does.
        for key, accident_columns in (("wijken", (4, 5)), ("deelgemeenten", (3, 4))):
            for row in data.tables[key].rows():
                assert all(row[c] == "x" or row[c].endswith("*") for c in accident_columns), row
                assert not row[accident_columns[0] - 2].endswith("*"), row
        trend = data.tables["evolutie"].rows()
        assert all(c == "x" or c.endswith("*") for c in trend[-1][-2:])
        assert not any(c.endswith("*") for row in trend[:-1] for c in row[1:])
        assert "* Letselongevallen en Verkeersslachtoffers in 2026: alleen gegevens" in (
            data.tables["evolutie"].note
        )
        # The events table marks no cell (an event's own window is judged per event).
        events = data.tables["evenementen"]
        assert events.labels and "alleen gegevens tot en met" in events.note
        assert "*" not in events.note
        assert "*" not in "".join(c for row in data.tables["evenementen"].rows() for c in row)
        victims = data.tables["cat_slachtoffers"].rows()
        assert all(r[1] == "x" or r[1].endswith("*") for r in victims)
        # The spreadsheet keeps numbers (the note says which are partial).
        wijken = data.tables["wijken"]
        cells = [wijken.cell(i, 2) for i in range(len(wijken.labels))]
        assert all(isinstance(c, int) or c in ("x", "<5") for c in cells), cells
        doc = Document(io.BytesIO(mr.report_docx(data)))
        assert "geen vergelijking met vorig jaar" in "\n".join(p.text for p in doc.paragraphs)
        # Right-aligned like every count ("11*" stood left in its column).
        (evolution,) = [t for t in doc.tables if t.rows[0].cells[0].text == "Periode"]
        marked = [c for c in evolution.rows[-1].cells[1:] if c.text.endswith("*")]
        assert marked
        assert all(c.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT for c in marked)
        # The Rapporten page (Herent's newest whole quarter): the marks and their note,
        # whose "*" markdown drew as a list bullet.
        at = run_app("reports")
        assert {m.label: m.value for m in at.metric}["Letselongevallen"].endswith("*")
        notes = [c.value for c in at.caption if "alleen gegevens tot en met" in c.value]
        assert any("\\* Letselongevallen" in n for n in notes), notes
        assert not [n for n in notes if "* " in n.replace("\\* ", "")], notes


def test_verkeer_does_not_count_months_after_the_accident_export(zone):
    """Verkeer took the zone's accident export to run until the facts' last day ("its
    exports end together"): 2026 read as months without a single accident."""
    from dashboard.queries import traffic, warehouse_version

    span = _accident_span()
    bounds = traffic.source_span(warehouse_version(), "accidents")
    # The export's last day, not the slack days after it (no data there either).
    assert bounds["last"] == span.last
    at = run_app("traffic")  # the default period: the last weeks of 2026's data
    assert any("valt er helemaal buiten" in w.value for w in at.warning)
    # The map's caption named "0 gelokaliseerde ongevallen" for the weeks it does not cover.
    captions = [c.value for c in at.caption]
    assert not [c for c in captions if "0 gelokaliseerde ongevallen" in c]
    assert any(
        c.startswith("Eigen registratie (zone) dekt ")
        and c.endswith("geen ongevallen van de gekozen periode om te tekenen.")
        for c in captions
    )


def test_verkenning_stops_the_months_where_the_accident_export_stops(zone):
    """Verkenning filled every month of the period with 0 after the accident export's last
    day: 2026 read as ten months without an accident."""
    from dashboard.queries import exploration, warehouse_version

    span = _accident_span()
    table = exploration.explore_table(
        warehouse_version(), "accidents", ("Maand",), date(2025, 7, 1), date(2026, 6, 30)
    )
    # The export's last day: the slack days after it held a month "januari 2026 (1–2)"
    # with 0 accidents, drawn as a fall.
    assert table.known_end == span.last
    months = [str(m)[:7] for m in table.data["maand"]]
    assert months[-1] == "2025-12" and months[0] == "2025-07"
    window = {"periode": "aangepast", "van": "2025-07-01", "tot": "2026-06-30"}
    at = run_app(
        "exploration",
        {**window, "gegevens": "accidents", "indeling1": "Maand", "indeling2": "Geen"},
    )
    assert any(
        f"gegevens tot en met {span.last:%d/%m/%Y}" in w.value
        and "zijn onbekend, niet 0" in w.value
        for w in at.warning
    )
    shown = at.dataframe[0].value["Maand"].tolist()
    assert len(shown) == len(months) and shown[-1].startswith("december 2025")


@pytest.fixture
def nuisance_until_2025(demo_raw, tmp_path, monkeypatch):
    """Facts for the whole demo, the nuisance register only up to 2025."""
    yield from using(build_until_2025(demo_raw, tmp_path, ("nuisance",)), monkeypatch)


def test_bronnen_does_not_count_weeks_after_the_nuisance_register(nuisance_until_2025):
    """Bronnen counted 0 nuisance reports in 2026 and compared them: "−30 t.o.v. vorige
    periode" for a register that simply had not been sent yet."""
    at = run_app("sources")  # the default period: the last weeks of the data (2026)
    metrics = {m.label: m for m in at.metric}
    assert metrics["Overlastmeldingen"].value == "–" and not metrics["Overlastmeldingen"].delta
    assert metrics["Feiten (pv's)"].value not in ("–", "0") and metrics["Feiten (pv's)"].delta
    assert any(
        w.value.startswith("Overlastmeldingen: geen gegevens in deze periode (geladen: ")
        and "onbekend, niet 0" in w.value
        for w in at.warning
    )
    # The sections below leave the register out instead of finding none in it ("Geen
    # overlastmeldingen in deze periode en selectie", "Geen adres met meer dan één
    # registratie" under its heading).
    assert not [i for i in at.info if "overlastmeldingen" in i.value.lower()]
    assert "**Overlastmeldingen**" not in [m.value for m in at.markdown]
    # The register alone: nothing to draw for these weeks, and the page says so.
    at.segmented_control(key="bronnen_bron").set_value("nuisance").run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Adressen met herhaling"] == "–"
    assert any(i.value.startswith("Niets te tonen") for i in at.info)
    assert not at.get("plotly_chart")
    # A year before any export begins: nothing is known, nothing is counted as 0.
    at = run_app("sources", {"periode": "aangepast", "van": "2023-01-01", "tot": "2023-12-31"})
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Feiten (pv's)"] == "–" and metrics["Overlastmeldingen"] == "–"
    assert sum(w.value.endswith("laten ze weg.") for w in at.warning) == 2
    assert any(i.value.startswith("Niets te tonen") for i in at.info)
    # Over a year that runs past the register's end, the monthly chart stops at its last
    # whole month.
    window = {"periode": "aangepast", "van": "2025-07-01", "tot": "2026-06-30"}
    at = run_app("sources", window)
    assert any(w.value.startswith("Overlastmeldingen: gegevens tot en met") for w in at.warning)
    chart = next(
        json.loads(c.proto.spec) for c in at.get("plotly_chart") if "Per maand" in c.proto.spec
    )
    months = chart["data"][0]["x"]
    assert months[0] == "jul 2025" and not [m for m in months if "2026" in m]
    # The emerging hot spots' trend ends with the register too (its end read as cooling).
    at.session_state["bronnen_view"] = "opkomend"
    at.session_state["bronnen_perioden"] = "month"
    at.run()
    assert not at.exception
    note = next(c.value for c in at.caption if c.value.startswith("Gi* per maand"))
    last = pd_date(wh("SELECT max(date) FROM marts.nuisance").iat[0, 0])
    assert f"Tot {last:%d/%m/%Y}: daarna ontbreken de overlastmeldingen" in note
    # A last month counts with two thirds of its days (and says so): the register's
    # December up to the 30th does.
    held = last.day / pd.Period(last, "M").days_in_month
    assert f"over {6 if held >= 2 / 3 else 5} perioden" in note, note


def test_data_page_names_the_export_that_stopped(zone):
    """The Data page says which export stops before the others, and since when."""

    span = _accident_span()
    at = run_app("data")
    table = next(
        d.value.data if hasattr(d.value, "data") else d.value
        for d in at.dataframe
        if "Dagen geleden" in (d.value.data if hasattr(d.value, "data") else d.value).columns
    ).set_index("Soort")
    remarks = table["Opmerking"]
    stopped = ["Verkeersongevallen (ISLP)", "Slachtoffers (ISLP)"]  # victims go with them
    for kind in stopped:
        assert remarks[kind] == f"telt t.e.m. {span.last:%d/%m/%Y}: nieuwere export nodig"
    assert remarks.drop(stopped).isin(["", "–"]).all()
    # The whole sentence, which the table's last column cut off after a few words.
    warning = next(w.value for w in at.warning if "Bronnen die vroeger stoppen" in w.value)
    lines = warning.splitlines()[2:]
    assert [line.split("**")[1] for line in lines] == stopped
    for line in lines:
        assert f"telt tot en met {span.last:%d/%m/%Y}, " in line
        assert line.endswith("dagen vóór de andere bronnen: nieuwere export nodig.")
    last = table.loc["Verkeersongevallen (ISLP)", "Laatste record"]
    assert last == span.last.strftime("%d/%m/%Y")
    assert any("telt na haar laatste record nergens mee" in c.value for c in at.caption)


def test_data_page_of_the_demo_names_no_export(demo_warehouse, monkeypatch):
    monkeypatch.setenv("WIJKBEELD_WAREHOUSE", str(demo_warehouse))
    st.cache_data.clear()
    at = run_app("data")
    fresh = next(
        d.value.data if hasattr(d.value, "data") else d.value
        for d in at.dataframe
        if "Dagen geleden" in (d.value.data if hasattr(d.value, "data") else d.value).columns
    )
    # Only Statbel's month is remarked on (it has no day), no export that stopped.
    assert not any("nieuwere export nodig" in str(v) for v in fresh.get("Opmerking", []))
    assert not [w for w in at.warning if "Bronnen die vroeger stoppen" in w.value]


def test_stopped_early_allows_a_sparse_source_its_slack():
    from dashboard.analysis.compstat import SourceSpan, stopped_early

    spans = {
        "incidents": SourceSpan(date(2024, 1, 1), date(2025, 12, 31), 0),
        "accidents": SourceSpan(date(2024, 1, 1), date(2025, 12, 29), 2),
        "nuisance": SourceSpan(date(2024, 1, 1), date(2025, 12, 28), 2),
    }
    assert list(stopped_early(spans)) == ["nuisance"]
    assert stopped_early({}) == {}


@pytest.fixture(scope="module")
def tasks_until_2025_warehouse(demo_raw, tmp_path_factory):
    """Facts for the whole demo (11/2024 – 10/2026), the task exports only up to 2025."""
    return build_until_2025(demo_raw, tmp_path_factory.mktemp("tasks2025"), ("tasks",))


@pytest.fixture
def tasks_until_2025(tasks_until_2025_warehouse, monkeypatch):
    yield from using(tasks_until_2025_warehouse, monkeypatch)


def test_tasks_are_judged_on_the_last_day_of_their_export(tasks_until_2025):
    """A task export of 2025 beside facts up to October 2026 made every task still open at
    its end "over termijn", judged ten months later on the facts' last day."""
    info = wh("SELECT reference_date, tasks_reference_date FROM marts.build_info")
    reference, tasks_day = (pd_date(v) for v in info.iloc[0])
    # The tasks' own latest day: a task received or closed (closures run into 2026).
    latest = pd_date(
        wh(
            "SELECT max(greatest(received_at, coalesce(closed_at, received_at)))::DATE "
            "FROM marts.tasks"
        ).iat[0, 0]
    )
    assert tasks_day == latest and tasks_day < reference
    assert wh("SELECT max(received_at)::DATE FROM marts.tasks").iat[0, 0].year == 2025
    # Open and overdue as on that day, each task checked on its own dates.
    wrong = count(
        "SELECT count(*) FROM marts.tasks WHERE is_overdue IS DISTINCT FROM "
        "(is_open AND due_at IS NOT NULL AND due_at::DATE < ?::DATE)",
        [tasks_day],
    )
    assert wrong == 0
    # Days open up to that day (the facts' last day made them ten months longer).
    days_open = wh(
        "SELECT lead_days, date_diff('day', received_at::DATE, ?::DATE) AS expected "
        "FROM marts.tasks WHERE is_open",
        [tasks_day],
    )
    assert len(days_open) and days_open["lead_days"].equals(days_open["expected"])


def test_werklast_does_not_count_weeks_after_the_task_export(tasks_until_2025):
    """The Werklast page counted 0 tasks received and closed in the last weeks of 2026, and
    its index and evolution ran over months the task export does not reach."""
    tasks_day = pd_date(wh("SELECT tasks_reference_date FROM marts.build_info").iat[0, 0])
    last_received = pd_date(wh("SELECT max(received_at)::DATE FROM marts.tasks").iat[0, 0])
    at = run_app("workload")  # the default period: the last weeks of the facts (2026)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Ontvangen in periode"] == "–" and metrics["Afgewerkt in periode"] == "–"
    assert metrics["Open taken"] not in ("–", "0")
    warning = next(w.value for w in at.warning if w.value.startswith("Wijktaken:"))
    assert f"gegevens tot en met {last_received:%d/%m/%Y}" in warning
    assert "onbekend, niet 0" in warning and f"toestand op {tasks_day:%d/%m/%Y}" in warning
    captions = [c.value for c in at.caption]
    assert any(f"de toestand op {tasks_day:%d/%m/%Y}" in c for c in captions)
    assert any(f"open taken op {tasks_day:%d/%m/%Y}, waarvan" in c for c in captions)
    start = last_received - timedelta(days=364)
    assert any(
        c.startswith(f"Index over {start:%d/%m/%Y} – {last_received:%d/%m/%Y}") for c in captions
    )
    # The table per wijk: the period's tasks unknown as above; the zone loaded no nuisance
    # register, so its column is unknown too (it read 0 in every wijk), the facts counted.
    per_wijk = next(
        v
        for d in at.dataframe
        if "Overlast (venster)" in (v := d.value.data if hasattr(d.value, "data") else d.value)
    )
    for column in ("Ontvangen", "Afgewerkt", "Overlast (venster)", "Overlast per 1.000 inw."):
        assert per_wijk[column].astype(str).eq("–").all(), column
    assert per_wijk["Feiten (venster)"].astype(str).ne("–").all()
    assert any("Overlastmeldingen: geen gegevens in het indexvenster" in c for c in captions)
    # The Data page names the export to renew, and the day its tasks' state is taken on.
    data_page = run_app("data")
    fresh = next(
        v
        for d in data_page.dataframe
        if "Dagen geleden" in (v := d.value.data if hasattr(d.value, "data") else d.value)
    ).set_index("Soort")
    remark = fresh.loc["Wijktaken", "Opmerking"]
    # The day it counts to is the last task received, not 'Laatste record' (the export's
    # newest closing date, later): the remark names it.
    assert fresh.loc["Wijktaken", "Laatste record"] == f"{tasks_day:%d/%m/%Y}"
    assert remark == f"telt t.e.m. {last_received:%d/%m/%Y}: nieuwere export nodig"
    line = next(
        line
        for w in data_page.warning
        if "Bronnen die vroeger stoppen" in w.value
        for line in w.value.splitlines()
        if line.startswith("- **Wijktaken**")
    )
    assert line.startswith(
        f"- **Wijktaken**: telt tot en met {last_received:%d/%m/%Y} (ontvangen), "
    )
    assert line.endswith(
        f"nieuwere export nodig; open en over termijn zoals op {tasks_day:%d/%m/%Y}."
    )
    # "De gekozen periode" after the export: the 12 months up to its end, and said so.
    at = run_app("workload", {"periode": "28d"})
    at.radio(key="werklast_venster").set_value("periode").run()
    assert any("ligt na de laatste wijktaken" in i.value for i in at.info)
    assert any(
        c.value.startswith(f"Index over {start:%d/%m/%Y} – {last_received:%d/%m/%Y}")
        for c in at.caption
    )
    # A period over the export's end counts its tasks up to that day, and says so.
    window = {"periode": "aangepast", "van": "2025-12-01", "tot": "2026-01-31"}
    at = run_app("workload", window)
    metrics = {m.label: m.value for m in at.metric}
    received = wh(
        "SELECT count(*) FROM marts.tasks WHERE received_at::DATE BETWEEN '2025-12-01' AND "
        "'2026-01-31'"
    ).iat[0, 0]
    assert received and metrics["Ontvangen in periode"] == f"{received:,}".replace(",", ".")
    assert any(
        f"Ontvangen en afgewerkt tellen tot {last_received:%d/%m/%Y}" in w.value for w in at.warning
    )


def test_werklast_of_a_current_task_export_says_nothing(demo_warehouse, monkeypatch):
    """Tasks as recent as the facts: no warning, and the state on the data's last day."""
    monkeypatch.setenv("WIJKBEELD_WAREHOUSE", str(demo_warehouse))
    st.cache_data.clear()
    reference, tasks_day = wh(
        "SELECT reference_date, tasks_reference_date FROM marts.build_info"
    ).iloc[0]
    assert pd_date(reference) == pd_date(tasks_day)
    at = run_app("workload")
    assert not [w for w in at.warning if w.value.startswith("Wijktaken:")]
    assert all(m.value != "–" for m in at.metric if m.label.endswith("in periode"))


def pd_date(value) -> date:
    """A date from a warehouse value (a date, a timestamp or numpy's datetime64)."""
    return pd.Timestamp(value).date()


@pytest.fixture
def nuisance_until_2025_with_tasks(demo_raw, tmp_path, monkeypatch):
    """Facts and tasks for the whole demo, the nuisance register only up to 2025."""
    warehouse = build_until_2025(demo_raw, tmp_path, ("nuisance",), whole=("tasks",))
    yield from using(warehouse, monkeypatch)


def test_werklast_says_which_days_of_its_window_a_register_covers(
    nuisance_until_2025_with_tasks,
):
    """Tasks up to date, the nuisance register up to 2025: the table per wijk counted the
    register's last weeks of 2025 as the nuisance of the whole twelve months."""
    last = pd_date(wh("SELECT max(date) FROM marts.nuisance").iat[0, 0])
    at = run_app("workload")
    assert not [w for w in at.warning if w.value.startswith("Wijktaken:")]
    index = next(c.value for c in at.caption if c.value.startswith("Index over "))
    start = datetime.strptime(index.split()[2], "%d/%m/%Y").date()
    assert start < last
    assert any(
        f"Overlastmeldingen: gegevens van {start:%d/%m/%Y} – {last:%d/%m/%Y} in dit venster"
        in c.value
        for c in at.caption
    )
    per_wijk = next(
        v
        for d in at.dataframe
        if "Overlast (venster)" in (v := d.value.data if hasattr(d.value, "data") else d.value)
    )
    assert per_wijk["Overlast (venster)"].astype(str).ne("–").all()


def test_bronnen_of_a_zone_without_a_nuisance_register(tasks_until_2025):
    """A zone that loaded no nuisance register at all read "Overlastmeldingen 0, 0 t.o.v.
    vorige periode" and "Geen overlastmeldingen in deze periode en selectie"."""
    at = run_app("sources")
    metrics = {m.label: m for m in at.metric}
    assert metrics["Overlastmeldingen"].value == "–" and not metrics["Overlastmeldingen"].delta
    assert metrics["Feiten (pv's)"].value not in ("–", "0")
    assert any(i.value.startswith("Overlastmeldingen: niet geladen") for i in at.info)
    assert not [i for i in at.info if i.value.startswith("Geen overlastmeldingen")]
    assert not [w for w in at.warning if w.value.startswith("Overlastmeldingen")]


def test_no_black_spot_judgement_without_the_zones_accident_registration(tasks_until_2025):
    """A zone that loaded no accident registration read "Gevaarlijke punten 0" on Verkeer
    and "Geen gevaarlijke punten of kandidaten" in the briefing: no location was judged."""
    from dashboard.documents import briefing_pack as bp
    from dashboard.queries import warehouse_version

    at = run_app("traffic")
    # No accidents at all (neither the zone's registration nor Statbel): the page says so
    # and shows no figure, where it showed "–" beside a grid of zeros and sentences about
    # a period "outside" a source that was not there (fifty-fifth session).
    assert [i.value for i in at.info][0].startswith("Nog geen verkeersongevallen geladen")
    assert not at.metric
    assert not [i for i in at.info if i.value.startswith("Geen locatie voldoet")]
    at = run_app("briefing")
    assert bp.NO_BLACK_SPOT_JUDGEMENT in [i.value for i in at.info]
    assert "Geen gevaarlijke punten of kandidaten." not in [i.value for i in at.info]
    data = bp.collect_briefing(warehouse_version(), "week", date(2026, 10, 25))
    assert not data.black_spots_judged
    text = "\n".join(p.text for p in Document(io.BytesIO(bp.briefing_docx(data))).paragraphs)
    assert bp.NO_BLACK_SPOT_JUDGEMENT in text


def test_black_spots_are_judged_where_the_registration_reaches_the_window(zone):
    """Accidents up to 2025: the three years before October 2026 are judged on the part
    the registration covers (the page says which), not left unjudged."""
    from dashboard.documents import briefing_pack as bp
    from dashboard.queries import warehouse_version

    data = bp.collect_briefing(warehouse_version(), "week", date(2026, 10, 25))
    assert data.black_spots_judged


def test_werklast_without_a_task_export_says_so(zone):
    """No task export: every figure of the page read 0 (open, overdue, received ...)."""
    at = run_app("workload")
    assert not at.exception
    assert [i.value for i in at.info] == [
        "Wijktaken: niet geladen (geen export van wijktaken in het warehouse). Deze pagina "
        "rekent met de wijktaken: voeg een export toe op de pagina Data (map "
        "data/raw/tasks/)."
    ]
    assert not at.metric


def test_data_page_counts_no_year_after_the_export_that_stopped(zone):
    """Records per source and year: the accidents' 2026 is no 0 but not covered (–), and
    the table says up to which day each source runs."""
    span = _accident_span()
    at = run_app("data")
    table = next(d.value for d in at.dataframe if "tot en met" in d.value.columns).set_index("Bron")
    accidents = table.loc["Verkeersongevallen (zone)"]
    assert accidents["2026"] == "–"
    assert accidents["tot en met"] == f"{span.last:%d/%m/%Y}"
    assert int(accidents["2025"]) == count(
        "SELECT count(*) FROM marts.accidents WHERE source = 'zone' AND year = 2025"
    )
    facts = table.loc["Feiten (pv's)"]
    assert int(facts["2026"]) == count("SELECT count(*) FROM marts.incidents WHERE year = 2026")
    assert any("dat is geen 0" in c.value for c in at.caption)


def test_verkeer_does_not_compare_months_without_one_accident_of_a_busy_registration(
    demo_raw, tmp_path_factory, monkeypatch
):
    """The accident export of March to May 2025 left out: Verkeer counted those months 0,
    compared a spring with them ("opvallend minder") and drew three empty bars. They are
    unknown now: not compared, not drawn, and named."""
    warehouse = _accidents_cut(
        demo_raw,
        tmp_path_factory.mktemp("spring") / "raw",
        ("incidents", "districts", "accidents", "victims"),
        "2025",
        lambda day: day[3:] not in (b"03/2025", b"04/2025", b"05/2025"),
        fewer=20,
    )
    for _ in using(warehouse, monkeypatch):
        empty = wh("SELECT empty_months FROM marts.coverage WHERE domain = 'accidents'").iat[0, 0]
        assert [str(d)[:7] for d in empty] == ["2025-03", "2025-04", "2025-05"]
        at = run_app("traffic", {"periode": "aangepast", "van": "2025-04-01", "tot": "2025-04-30"})
        assert not at.exception

        def said(elements, text: str) -> bool:
            return any(text in e.value for e in elements)

        assert said(
            at.warning,
            "geen enkel ongeval met datum in 04/2025, terwijl de registratie er gewoonlijk tien "
            "of meer per maand heeft: een ontbrekende export?",
        ), [w.value for w in at.warning]
        assert said(at.sidebar.warning, "Geen enkel verkeersongeval met datum in 04/2025")
        # Wholly inside the missing months: unknown ("–"), not 0, and why not compared.
        assert metrics(at)["Ongevallen"] == "–"
        assert any(
            i.value.startswith("Geen vergelijking: ") and "04/2025" in i.value for i in at.info
        )
        # The black-spot window (three years) holds the missing months: said.
        at_default = run_app("traffic")
        assert said(
            at_default.warning,
            "geen enkel ongeval met datum in 03/2025 tot en met 05/2025 (een ontbrekende export?)",
        ), [w.value for w in at_default.warning]
        # The briefing's list of black spots says it too.
        from dashboard.documents import briefing_pack as bp
        from dashboard.queries import warehouse_version

        pack = bp.collect_briefing(warehouse_version(), "28d", date(2026, 10, 31))
        assert "Geen enkel ongeval met datum in 03/2025 tot en met 05/2025" in pack.black_spot_rule
        # The month after: counted and shown, but not compared with the empty one before it.
        at = run_app("traffic", {"periode": "aangepast", "van": "2025-06-01", "tot": "2025-06-30"})
        assert not at.exception
        assert said(
            at.caption,
            "geen enkel ongeval met datum in 05/2025 (een ontbrekende export?), dus geen verschil",
        ), [c.value for c in at.caption]
