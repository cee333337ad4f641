"""Black-spot exports: the Excel list and the one-page Word advice open and hold the values."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
import pytest
from docx import Document
from openpyxl import load_workbook

from dashboard.analysis.blackspots import black_spot_ranking, priority_score
from dashboard.exports import blackspots as export

# Three accidents at one junction and one far away; victims chosen so the score needs the
# 1.7 factor: cyclist seriously injured 5.1 + pedestrian killed 8.5 + 2 car lightly 2 = 15.6.
ACCIDENTS = pd.DataFrame(
    {
        "accident_id": ["A1", "A2", "A3", "B1"],
        "x": [150000.0, 150010.0, 150005.0, 152000.0],
        "y": [170000.0, 170000.0, 170012.0, 171000.0],
        "date": pd.to_datetime(["2025-03-01", "2025-06-10", "2026-01-05", "2025-05-05"]),
        "is_injury": [True, True, True, True],
        "street": ["Stationsstraat", "Stationsstraat", "Kerkstraat", "Dorp"],
        "severity": ["Zwaargewond", "Dodelijk", "Lichtgewond", "Lichtgewond"],
        "road_user_1": ["Personenauto"] * 4,
        "road_user_2": ["Fietser", "Voetganger", "Personenauto", None],
        "occurred_at": pd.to_datetime(
            ["2025-03-01 08:10", "2025-06-10 15:30", "2026-01-05 17:45", "2025-05-05 12:00"]
        ),
        "killed": [0, 1, 0, 0],
        "seriously_injured": [1, 0, 0, 0],
        "lightly_injured": [0, 0, 2, 1],
    }
)
VICTIMS = pd.DataFrame(
    {
        "accident_id": ["A1", "A2", "A3", "A3", "B1"],
        "severity": [
            "Zwaargewond",
            "Gedood binnen 30 dagen",
            "Lichtgewond",
            "Lichtgewond",
            "Lichtgewond",
        ],
        "road_user": ["Fietser", "Voetganger", "Personenauto", "Personenauto", "Fietser"],
    }
)
END = date(2026, 10, 31)


@pytest.fixture(scope="module")
def ranking():
    out = black_spot_ranking(ACCIDENTS, VICTIMS, END)
    out.insert(0, "rang", range(1, len(out) + 1))
    out["wijk_code"] = ["W01", "W02"]
    return out


def test_score_breakdown_uses_factor_and_matches_ranking(ranking):
    top = ranking.iloc[0]
    assert top["score"] == pytest.approx(15.6)
    vic = VICTIMS[VICTIMS["accident_id"].str.startswith("A")]
    breakdown = export.score_breakdown(vic, export.ScoreParams(), ACCIDENTS.iloc[:3])
    assert breakdown["punten"].sum() == pytest.approx(top["score"])
    per_accident = priority_score(vic, by="accident_id")
    assert breakdown["punten"].sum() == pytest.approx(per_accident["score"].sum())
    killed = breakdown[breakdown["klasse"] == "Gedood binnen 30 dagen"].iloc[0]
    assert (killed["aantal"], killed["gewicht"], killed["factor"], killed["punten"]) == (
        1,
        5.0,
        1.7,
        8.5,
    )
    assert export.score_formula(breakdown) == "1 × 5 × 1,7 + 1 × 3 × 1,7 + 2 × 1 = 15,6"


def test_accident_without_victim_rows_scores_from_counts_without_factor():
    acc = ACCIDENTS.iloc[:1].assign(accident_id="X1")
    breakdown = export.score_breakdown(VICTIMS.iloc[0:0], export.ScoreParams(), acc)
    assert list(breakdown["kwetsbaar"]) == [None]
    assert export.score_formula(breakdown) == "1 × 3 = 3"


def test_ranking_xlsx_headers_values_and_parameters(ranking):
    data = export.ranking_xlsx(
        ranking,
        export.ScoreParams(distance_m=40),
        window=(date(2023, 11, 1), END),
        zone_name="PZ Test",
        wijk_names={"W01": "Centrum"},
    )
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Gevaarlijke punten", "Parameters"]
    ws = wb["Gevaarlijke punten"]
    headers = [c.value for c in ws[1]]
    for header in (
        "Rang",
        "Status",
        "Straat",
        "Letselongevallen",
        "Criterium letselongevallen",
        "Prioriteitsscore",
        "Criterium score",
        "Gevaarlijk punt",
        "Eerste ongeval",
    ):
        assert header in headers
    row = dict(zip(headers, [c.value for c in ws[2]], strict=True))
    assert row["Rang"] == 1
    assert row["Status"] == "Gevaarlijk punt"
    assert row["Straat"] == "Stationsstraat"
    assert row["Wijk"] == "Centrum"
    assert row["Letselongevallen"] == 3
    assert row["Criterium letselongevallen"] == "ja"
    assert row["Prioriteitsscore"] == pytest.approx(15.6)
    assert row["Criterium score"] == "ja"
    assert row["Kwetsbare slachtoffers"] == 2
    assert row["Eerste ongeval"].date() == date(2025, 3, 1)
    second = dict(zip(headers, [c.value for c in ws[3]], strict=True))
    assert second["Status"] == "Geen gevaarlijk punt"
    assert second["Criterium letselongevallen"] == "nee"
    params = {r[0].value: r[1].value for r in wb["Parameters"].iter_rows(min_row=2)}
    assert params["Clusterafstand (m)"] == 40
    assert params["Minimum prioriteitsscore"] == 15
    assert params["Factor kwetsbare weggebruikers"] == pytest.approx(1.7)
    assert params["Zone"] == "PZ Test"
    assert params["Venster: eerste dag"].date() == date(2023, 11, 1)
    assert "Statbel niet meegeteld" in params["Bron"]


def test_location_map_png_is_an_image():
    wkt = "POLYGON ((149800 169800, 150300 169800, 150300 170300, 149800 170300, 149800 169800))"
    png = export.location_map_png(
        ACCIDENTS.iloc[:3], (150005.0, 170004.0), 12.0, [("Centrum", wkt)], title="Test"
    )
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(png) > 5_000


def test_location_docx_has_criteria_arithmetic_and_history(ranking):
    top = ranking.iloc[0].to_dict()
    acc = ACCIDENTS.iloc[:3].sort_values("occurred_at", ascending=False)
    vic = VICTIMS[VICTIMS["accident_id"].str.startswith("A")]
    png = export.location_map_png(acc, (top["x"], top["y"]), top["radius_m"])
    data = export.location_docx(
        top,
        acc,
        vic,
        export.ScoreParams(),
        window=(date(2023, 11, 1), END),
        zone_name="PZ Test",
        wijk_name="Centrum",
        map_png=png,
    )
    doc = Document(io.BytesIO(data))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Gevaarlijk punt: Stationsstraat" in text
    assert "01/11/2023 – 31/10/2026" in text
    facts = {r.cells[0].text: r.cells[1].text for r in doc.tables[0].rows}
    assert facts["Wijk"] == "Centrum"
    assert facts["Letselongevallen (≥ 3)"] == "3 – voldaan"
    assert facts["Prioriteitsscore (≥ 15)"] == "15,6 – voldaan"
    assert facts["Berekening"] == "1 × 5 × 1,7 + 1 × 3 × 1,7 + 2 × 1 = 15,6"
    history = doc.tables[1]
    assert [c.text for c in history.rows[0].cells][:2] == ["Datum en uur", "Ernst"]
    assert [r.cells[0].text for r in history.rows[1:]] == [
        "05/01/2026 17:45",
        "10/06/2025 15:30",
        "01/03/2025 08:10",
    ]
    assert "gedood binnen 30 dagen (voetganger)" in history.rows[2].cells[3].text
    # A car's occupants are "in een personenauto", not the vehicle's name (an audit).
    assert history.rows[1].cells[3].text == (
        "lichtgewond (in een personenauto), lichtgewond (in een personenauto)"
    )
    assert facts["Locatie"].endswith("(rang 1 volgens prioriteitsscore)")
    # Who it is for, as the introduction says: the road authority, not "intern".
    assert "Advies van de politiezone aan de wegbeheerder" in text and "Intern" not in text
    assert len(doc.inline_shapes) == 1
    # One page: a short note with a single section.
    assert len(doc.sections) == 1


def test_advice_for_a_location_below_both_thresholds_says_so(ranking):
    """The page offers the top ten by score, also locations that are neither a black spot
    nor a candidate: their advice was headed "Geen: Dorp …" (an audit)."""
    second = ranking.iloc[1].to_dict()
    assert not second["is_black_spot"] and not second["is_candidate"]
    acc = ACCIDENTS.iloc[3:]
    data = export.location_docx(
        second,
        acc,
        VICTIMS[VICTIMS["accident_id"] == "B1"],
        export.ScoreParams(),
        window=(date(2023, 11, 1), END),
        zone_name="PZ Test",
        wijk_name="Centrum",
    )
    doc = Document(io.BytesIO(data))
    assert doc.paragraphs[0].text.startswith("Geen gevaarlijk punt: Dorp")
    facts = {r.cells[0].text: r.cells[1].text for r in doc.tables[0].rows}
    assert facts["Besluit"] == "Geen gevaarlijk punt"
    assert doc.tables[1].rows[1].cells[3].text == "lichtgewond (fietser)"


INJECTION = '=HYPERLINK("http://example.invalid","x")'


def test_ranking_xlsx_writes_formula_like_text_as_text(ranking):
    """A street from a police export such as ``=HYPERLINK(...)`` became a live formula in
    the black-spot list (openpyxl's cell type "f"), while every other export writes it as
    text with a leading ``'``. Every text cell is neutralised the same way now."""
    from dashboard.components.format import neutralise_cell

    frame = ranking.copy()
    frame["street"] = [INJECTION, "-Dorp+1"]
    data = export.ranking_xlsx(
        frame, zone_name="+PZ Test", wijk_names={"W01": "@Centrum"}, window=(date(2023, 11, 1), END)
    )
    wb = load_workbook(io.BytesIO(data))
    ws = wb["Gevaarlijke punten"]
    headers = [c.value for c in ws[1]]
    street = ws.cell(2, headers.index("Straat") + 1)
    assert street.data_type == "s"
    assert street.value == neutralise_cell(INJECTION) == "'" + INJECTION
    assert ws.cell(3, headers.index("Straat") + 1).value == "'-Dorp+1"
    assert ws.cell(2, headers.index("Wijk") + 1).value == "'@Centrum"
    # Numbers stay numbers.
    assert ws.cell(2, headers.index("Letselongevallen") + 1).data_type == "n"
    params = {r[0].value: r[1] for r in wb["Parameters"].iter_rows(min_row=2)}
    assert params["Zone"].value == "'+PZ Test" and params["Zone"].data_type == "s"
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row)


def test_location_docx_has_the_zone_s_core_properties(ranking):
    """The advice to the road authority said author "python-docx", no title, no language
    and "created 2013" (python-docx's template); it is made like the other documents now."""
    from datetime import UTC, datetime, timedelta

    from docx.oxml.ns import qn

    top = ranking.iloc[0].to_dict()
    before = datetime.now(UTC).replace(tzinfo=None, microsecond=0) - timedelta(seconds=1)
    data = export.location_docx(
        top, ACCIDENTS.iloc[:3], VICTIMS.iloc[:4], export.ScoreParams(), zone_name="PZ Test"
    )
    doc = Document(io.BytesIO(data))
    props = doc.core_properties
    assert props.author == "PZ Test" and props.last_modified_by == "PZ Test"
    assert "Stationsstraat" in props.title
    assert props.language == "nl-BE"
    assert "python-docx" not in (props.comments or "")
    for stamp in (props.created, props.modified):
        assert stamp.replace(tzinfo=None) >= before, stamp
    lang = doc.styles["Normal"].element.rPr.find(qn("w:lang"))
    assert lang is not None and lang.get(qn("w:val")) == "nl-BE"
    # Still a portrait A4 page.
    section = doc.sections[0]
    assert section.page_width < section.page_height
