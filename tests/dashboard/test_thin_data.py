"""Pages on the thin data a zone starts with: one record, facts without coordinates, no
accidents at all. The Briefing raised when its data began in the current week, the
municipal report told the mayor "Feiten (pv's): 0" for 24 facts without coordinates,
the Briefing's table per wijk showed 0 in every wijk for them, and Verkeer drew an empty
grid and sentences about a period "outside" a source that was not loaded."""

from __future__ import annotations

import io
import shutil
from datetime import date
from pathlib import Path

import pytest
import streamlit as st
from dash_helpers import FIXTURES, run_app

from dashboard.documents import briefing_pack as bp
from dashboard.documents import municipal_report as mr
from dashboard.queries._db import warehouse_version

HEADER = "PV-nummer;Datum feit;Categorie;Straat;Huisnr;Gemeente;X;Y\n"


def thin_warehouse(tmp_path: Path, monkeypatch, incidents: str, header: str = HEADER) -> Path:
    """The fixture zone's wijken and ``incidents`` (rows of one export under ``header``),
    nothing else."""
    from etl.build import build_warehouse

    raw = tmp_path / "raw"
    shutil.copytree(FIXTURES / "raw_small" / "districts", raw / "districts")
    (raw / "incidents").mkdir()
    (raw / "incidents" / "feiten.csv").write_text(header + incidents, encoding="utf-8")
    wh = tmp_path / "wh.duckdb"
    build_warehouse(raw, wh, FIXTURES / "zone_small.toml", echo=lambda s: None)
    monkeypatch.setenv("WIJKBEELD_WAREHOUSE", str(wh))
    st.cache_data.clear()
    return wh


@pytest.fixture
def one_record(tmp_path, monkeypatch):
    # A Thursday: the last complete week (ending Sunday 29/11) lies before the data.
    return thin_warehouse(
        tmp_path, monkeypatch, "P1;03/12/2026 10:00;Diefstal;Kerkstraat;1;Herent;171000;177000\n"
    )


@pytest.fixture
def without_coordinates(tmp_path, monkeypatch):
    rows = "".join(
        f"P{i};{1 + i % 28:02d}/07/2026 10:00;Diefstal;Kerkstraat;{i};Herent;;\n" for i in range(24)
    )
    return thin_warehouse(tmp_path, monkeypatch, rows)


def test_briefing_of_data_beginning_this_week_opens_on_the_last_data_day(one_record):
    at = run_app("briefing")  # raised StreamlitValueBelowMinError
    assert at.date_input(key="briefing_einde_week").value.isoformat() == "2026-12-03"


def test_briefing_says_no_record_lies_in_a_wijk(without_coordinates):
    at = run_app("briefing")
    at.sidebar.radio(key="briefing_periode").set_value("28d").run()
    assert not at.exception
    assert any(
        "Geen enkel record van deze periode ligt in een wijk (24 zonder" in w.value
        for w in at.warning
    )
    data = bp.collect_briefing(warehouse_version(), "28d", date(2026, 7, 28), ())
    assert data.unplaced["incidents"] == (24, 24)
    assert bp.unplaced_note(data).endswith(
        "Zonder wijk in deze periode: 24 van de 24 feiten (pv's)."
    )


def test_municipal_report_says_what_its_tables_leave_out(without_coordinates):
    data = mr.collect_report(
        warehouse_version(), "24038", mr.ReportPeriod("kwartaal", 2026, 3), warn=False
    )
    # A range, not 24: the same note of the half year and the year subtracted into the
    # other quarter's count (fifty-seventh session).
    expected = (
        "Feiten (pv's): 20–49 van Herent in deze periode liggen in geen wijk (zonder bruikbare "
        "locatie of buiten de zone gelokaliseerd) en staan niet in de cijfers en tabellen van "
        "dit rapport, die per wijk tellen."
    )
    assert mr.unplaced_notes(data) == [expected]
    assert mr.summary_lines(data)[-1] == expected


def test_traffic_without_any_accidents_says_so_and_draws_nothing(one_record):
    at = run_app("traffic")
    assert [i.value for i in at.info][0].startswith("Nog geen verkeersongevallen geladen")
    assert not at.get("plotly_chart")


def test_verkenning_opens_on_the_source_the_zone_loaded(tmp_path, monkeypatch):
    """A zone that loaded only its accidents: Verkenning opened on the facts and said "Geen
    gegevens voor deze keuze"; it opens on the accidents, and the facts say they are not
    loaded."""
    from etl.build import build_warehouse

    raw = tmp_path / "raw"
    for kind in ("districts", "accidents"):
        shutil.copytree(FIXTURES / "raw_small" / kind, raw / kind)
    wh = tmp_path / "wh.duckdb"
    build_warehouse(raw, wh, FIXTURES / "zone_small.toml", echo=lambda s: None)
    monkeypatch.setenv("WIJKBEELD_WAREHOUSE", str(wh))
    st.cache_data.clear()
    period = {"periode": "aangepast", "van": "2024-01-01", "tot": "2024-12-31"}
    at = run_app("exploration", period)
    assert next(s for s in at.selectbox if s.label == "Gegevens").value == "accidents"
    assert not [i for i in at.info if "niet geladen" in i.value]
    at = run_app("exploration", {**period, "gegevens": "incidents"})
    assert [i.value for i in at.info][-1].startswith("Feiten (pv's): niet geladen")


def test_the_report_leaves_out_the_hexagon_map_when_a_wijk_count_is_hidden(tmp_path, monkeypatch):
    """Each drawn hexagon holds at least one fact: four hexagons in a wijk shown as "<5"
    made it exactly 4 (an audit of the reports, fifty-seventh session)."""
    from docx import Document

    rows = "".join(
        f"P{i};{1 + i % 28:02d}/07/2026 10:00;Diefstal;Kerkstraat;{i};Herent;{170100 + 400 * i};177000\n"
        for i in range(4)
    ) + "".join(
        f"Q{i};{1 + i % 28:02d}/08/2026 10:00;Diefstal;Kerkstraat;{i};Herent;173000;177000\n"
        for i in range(30)
    )
    thin_warehouse(tmp_path, monkeypatch, rows)
    data = mr.collect_report(
        warehouse_version(), "24038", mr.ReportPeriod("kwartaal", 2026, 3), warn=False
    )
    wijken = data.tables["wijken"]
    assert wijken.hidden[:, 0].any()  # W01's 4 facts
    assert not mr.hex_map_shown(data)
    images = mr.report_images(data)
    assert "zeshoekkaart" not in images and "wijkkaart" in images
    texts = [p.text for p in Document(io.BytesIO(mr.report_docx(data, images))).paragraphs]
    assert mr.NO_HEX_MAP in texts
