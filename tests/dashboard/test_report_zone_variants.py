"""The municipal report for zones unlike the demo (dashboard.documents.municipal_report).

A zone's own wijken need not follow the old deelgemeente borders: the 29 wijken of PZ HerKo
(shared real-world data) do not. Loaded with them, the Rapporten page stopped with "Deeltellingen
tellen niet op tot het totaal": the wijken outside a deelgemeente counted in none, so the
deelgemeenten no longer added up to the municipality. A zone that loads only its incidents
(no nuisance register yet) stopped it with a KeyError.
"""

from __future__ import annotations

import io

import pytest
import streamlit as st
from docx import Document
from openpyxl import load_workbook

HERENT = "24038"


@pytest.fixture
def unnested(demo_warehouse, monkeypatch):
    """The demo zone with Herent's first two wijken in no single deelgemeente."""
    from dashboard.queries import reports as report_queries

    real = report_queries.area_counts

    def area_counts(version, nis_code, start, end):
        areas = real(version, nis_code, start, end).copy()
        if nis_code == HERENT:
            areas.loc[areas.index[:2], ["deelgemeente_code", "deelgemeente"]] = None
        return areas

    st.cache_data.clear()
    monkeypatch.setattr(report_queries, "area_counts", area_counts)
    yield
    st.cache_data.clear()


def _year():
    from dashboard.queries import common, warehouse_version

    periods = common.domain_coverage(warehouse_version())
    return int(str(periods["last"].max())[:4]) - 1


def test_report_without_deelgemeenten_when_the_wijken_do_not_nest(unnested):
    from dashboard.documents import municipal_report as mr
    from dashboard.queries import warehouse_version

    year = _year()
    data = mr.collect_report(warehouse_version(), HERENT, mr.ReportPeriod("jaar", year, 0))
    per_dg = data.tables["deelgemeenten"]
    # Only the municipality's total, with the reason beside it.
    assert [label for (label,) in per_dg.labels] == ["Totaal Herent"]
    assert "Niet elke wijk van Herent ligt binnen één deelgemeente" in per_dg.note
    # The wijken still add up to that total; the two outside a deelgemeente say so.
    wijken = data.tables["wijken"]
    assert (wijken.values[:-1].sum(axis=0) == wijken.values[-1]).all()
    assert (wijken.values[-1] == per_dg.values[-1]).all()
    assert [d for d, _ in wijken.labels[:2]] == ["–", "–"]
    assert wijken.values[-1][0] > 0
    # Word and Excel carry the reason too.
    doc = Document(io.BytesIO(mr.report_docx(data)))
    assert any(per_dg.note == p.text for p in doc.paragraphs)
    sheet = load_workbook(io.BytesIO(mr.report_xlsx(data)))["Per deelgemeente"]
    assert sheet.cell(2, 1).value == per_dg.note


def test_other_municipality_keeps_its_deelgemeenten(unnested):
    from dashboard.documents import municipal_report as mr
    from dashboard.queries import warehouse_version

    data = mr.collect_report(warehouse_version(), "24055", mr.ReportPeriod("jaar", _year(), 0))
    per_dg = data.tables["deelgemeenten"]
    assert len(per_dg.labels) > 2 and per_dg.note == ""
    assert (per_dg.values[:-1].sum(axis=0) == per_dg.values[-1]).all()


@pytest.fixture
def incidents_only(demo_raw, tmp_path, monkeypatch):
    """A zone that loads its incidents and boundaries, nothing else (yet)."""
    import shutil

    from etl.build import build_warehouse

    raw = tmp_path / "raw"
    for kind in ("incidents", "districts"):
        shutil.copytree(demo_raw / kind, raw / kind)
    warehouse = tmp_path / "warehouse.duckdb"
    build_warehouse(raw, warehouse, echo=lambda _: None)
    monkeypatch.setenv("WIJKBEELD_WAREHOUSE", str(warehouse))
    st.cache_data.clear()
    yield warehouse
    st.cache_data.clear()


def test_report_of_a_zone_without_nuisance_register(incidents_only):
    from dashboard.documents import municipal_report as mr
    from dashboard.queries import warehouse_version

    data = mr.collect_report(warehouse_version(), HERENT, mr.ReportPeriod("jaar", _year(), 0))
    incidents = data.tables["cat_feiten"]
    assert len(incidents.labels) > 2 and incidents.values[-1][0] > 0
    # No nuisance categories: the table is its total alone.
    nuisance = data.tables["cat_overlast"]
    assert [label for (label,) in nuisance.labels] == ["Totaal Herent"]
    assert mr.report_docx(data) and mr.report_xlsx(data)


def test_sources_the_zone_never_loaded_read_dash_not_zero(incidents_only):
    """Without a nuisance register or accident export, the report said 0 overlast, 0
    letselongevallen to a mayor; those counts now read "–", and the report says why."""
    from dashboard.documents import municipal_report as mr
    from dashboard.queries import warehouse_version

    data = mr.collect_report(warehouse_version(), HERENT, mr.ReportPeriod("jaar", _year(), 0))
    for key in ("wijken", "deelgemeenten", "evolutie"):
        table = data.tables[key]
        rows = table.rows()
        n_labels = len(table.label_columns)
        # Facts counted, the other three measures "–" in every row (the total too).
        assert all(row[n_labels] != "–" for row in rows)
        assert all(row[n_labels + 1 :] == ["–", "–", "–"] for row in rows), key
        assert mr.NO_SOURCE_NOTE in table.note
    assert data.tables["wijken"].values[-1][0] > 0
    assert data.tables["cat_overlast"].rows() == [["Totaal Herent", "–"]]
    assert data.tables["cat_slachtoffers"].rows()[-1] == ["Totaal Herent", "–"]
    assert data.tables["cat_feiten"].note == ""
    lines = mr.summary_lines(data)
    assert "Overlastmeldingen: geen gegevens over deze periode geladen." in lines
    assert lines[0].startswith("Feiten (pv's): ") and "geen gegevens" not in lines[0]
    method = dict(mr.methodology_paragraphs(data))["Periode en dekking"]
    assert "- Verkeersongevallen: geen gegevens geladen." in method
    # Word and Excel show the same marks, never a 0 for a source not loaded.
    doc = Document(io.BytesIO(mr.report_docx(data)))
    word = next(t for t in doc.tables if t.rows[0].cells[0].text == "Deelgemeente")
    assert [c.text for c in word.rows[-1].cells][-3:] == ["–", "–", "–"]
    sheet = load_workbook(io.BytesIO(mr.report_xlsx(data)))["Per wijk"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    total = next(row for row in values if row[1] == "Totaal Herent")
    assert total[-3:] == ["–", "–", "–"] and isinstance(total[2], int)
