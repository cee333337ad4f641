"""Black-spot documents (review of session 22): which location an advice is about, its
file name, the map legend, the victims and circumstances, and the Excel list's properties.

Each test failed on the code the reviewer rendered (``/tmp/rv22d``) and passes now.
"""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
import pytest
from docx import Document
from openpyxl import load_workbook

from dashboard.exports import blackspots as export

WINDOW = (date(2023, 12, 1), date(2026, 11, 30))


def _location(rang: int, x: float, y: float, **extra) -> dict:
    return {
        "rang": rang,
        "location_id": rang,
        "street": "Grote Steenweg",
        "x": x,
        "y": y,
        "radius_m": 40.0,
        "n_injury_accidents": 3,
        "meets_accidents": True,
        "score": 16.0,
        "meets_score": True,
        "is_black_spot": True,
        "is_candidate": False,
        "n_killed": 0,
        "n_seriously": 1,
        "n_lightly": 2,
        "n_vulnerable_victims": 0,
        **extra,
    }


def _accidents(ids, *, house_numbers=None, streets=None, crossroads=None, **extra):
    n = len(ids)
    return pd.DataFrame(
        {
            "accident_id": ids,
            "occurred_at": pd.to_datetime(["2025-06-13 17:03"] * n),
            "date": pd.to_datetime(["2025-06-13"] * n),
            "street": streets or ["Grote Steenweg"] * n,
            "house_number": house_numbers or [None] * n,
            "severity": ["Zwaargewond"] + ["Lichtgewond"] * (n - 1),
            "road_user_1": ["Personenauto"] * n,
            "road_user_2": ["Fietser"] * n,
            "light": ["Dag"] * n,
            "weather": ["Normaal"] * n,
            "crossroads": crossroads or ["Op kruispunt"] * n,
            "killed": [0] * n,
            "seriously_injured": [1] + [0] * (n - 1),
            "lightly_injured": [0] + [1] * (n - 1),
            "x": [169157.0] * n,
            "y": [177919.0] * n,
            **extra,
        }
    )


EMPTY_VICTIMS = pd.DataFrame(columns=["accident_id", "severity", "road_user"])


def _doc(location, accidents, victims=EMPTY_VICTIMS, **kwargs) -> Document:
    blob = export.location_docx(
        location, accidents, victims, window=WINDOW, zone_name="PZ HerKo", **kwargs
    )
    return Document(io.BytesIO(blob))


# --------------------------------------------------------------------------------------
# 1. Which location: municipality, wijk and what tells it apart; a stable file name
# --------------------------------------------------------------------------------------


def test_advices_on_the_same_street_in_different_municipalities_can_be_told_apart():
    """Ranks 1, 2 and 3 were all titled "Gevaarlijk punt: Grote Steenweg" (heading and
    document title), though they lie in Herent (Winksele), Kortenberg and Herent (Veltem-
    Beisem): the heading and the title now name the municipality and the wijk."""
    herent = _doc(
        _location(1, 169157, 177919),
        _accidents(["A1", "A2", "A3"]),
        municipality="Herent",
        wijk_name="Winksele",
    )
    kortenberg = _doc(
        _location(2, 162257, 175146),
        _accidents(["B1", "B2", "B3"]),
        municipality="Kortenberg",
        wijk_name="Kortenberg-Centrum",
    )
    headings = [herent.paragraphs[0].text, kortenberg.paragraphs[0].text]
    assert headings[0] != headings[1]
    for doc, municipality, wijk in (
        (herent, "Herent", "Winksele"),
        (kortenberg, "Kortenberg", "Kortenberg-Centrum"),
    ):
        heading = doc.paragraphs[0].text
        assert heading.startswith("Gevaarlijk punt: Grote Steenweg")
        assert municipality in heading and f"wijk {wijk}" in heading
        assert municipality in doc.core_properties.title
        assert f"wijk {wijk}" in doc.core_properties.title
        facts = {r.cells[0].text: r.cells[1].text for r in doc.tables[0].rows}
        assert facts["Gemeente"] == municipality
        assert facts["Wijk"] == wijk


def test_the_municipality_comes_from_the_accidents_when_not_passed():
    """The accidents of ``marts.accidents`` carry ``municipality_name``: enough to name it."""
    acc = _accidents(["A1", "A2", "A3"], municipality_name=["Kortenberg"] * 3)
    doc = _doc(_location(2, 162257, 175146), acc, wijk_name="Erps-Kwerps")
    assert "Kortenberg" in doc.paragraphs[0].text


def test_the_heading_says_what_distinguishes_the_location_where_the_data_give_it():
    """Two black spots on the Grote Steenweg in the same wijk differ by house numbers or by
    being a crossroads; a junction of several streets names the cross streets."""
    numbers = _accidents(
        ["A1", "A2", "A3"],
        house_numbers=["15", "20", "17"],
        crossroads=["Buiten kruispunt"] * 3,
    )
    junction = _accidents(["B1", "B2", "B3"])
    heading_numbers = (
        _doc(
            _location(5, 172798, 176845), numbers, municipality="Herent", wijk_name="Herent-Centrum"
        )
        .paragraphs[0]
        .text
    )
    heading_junction = (
        _doc(
            _location(7, 170871, 177534),
            junction,
            municipality="Herent",
            wijk_name="Herent-Centrum",
        )
        .paragraphs[0]
        .text
    )
    assert "nrs. 15–20" in heading_numbers and "kruispunt" not in heading_numbers
    assert "kruispunt" in heading_junction
    assert heading_numbers != heading_junction

    crossing = _accidents(
        ["C1", "C2", "C3", "C4"],
        streets=["Zwaluwstraat", "Grote Steenweg", "Sportlaan", "Zwaluwstraat"],
        house_numbers=["28", "237", None, "20"],
        crossroads=["Buiten kruispunt", "Buiten kruispunt", "Op kruispunt", "Buiten kruispunt"],
    )
    title = export.location_title(
        _location(4, 164373, 176767, street="Zwaluwstraat"),
        crossing,
        municipality="Kortenberg",
        wijk_name="Erps-Kwerps",
    )
    assert title == (
        "Zwaluwstraat (kruispunt met Grote Steenweg en Sportlaan, bij nrs. 20–28), "
        "Kortenberg – wijk Erps-Kwerps"
    )


def test_the_advice_file_name_is_stable_prefixed_and_ascii():
    """ "locatie_1_20261130.docx": the rank changes with every build and the prefix
    "wijkbeeld_" of the other documents was missing."""
    name = export.location_file_name(
        _location(1, 169156.78, 177919.32), date(2026, 11, 30), municipality="Herent"
    )
    assert name == "wijkbeeld_advies_grote-steenweg_herent_169157-177919_20261130.docx"
    # The rank is not in it: the same location with another rank keeps its name.
    assert name == export.location_file_name(
        _location(9, 169156.78, 177919.32), date(2026, 11, 30), municipality="Herent"
    )
    odd = export.location_file_name(
        _location(1, 150000, 170000, street="Rue de l'Église / Kerkstraat"),
        date(2026, 11, 30),
        municipality="Sint-Stevens-Woluwe",
    )
    assert odd == (
        "wijkbeeld_advies_rue-de-l-eglise-kerkstraat_sint-stevens-woluwe_150000-170000_"
        "20261130.docx"
    )
    assert odd.isascii()
    # Coordinates on a half metre round as the documents' figures do (a half away from
    # zero), not to the even metre Python's own format picks.
    half = export.location_file_name(
        _location(1, 169156.5, 177918.5), date(2026, 11, 30), municipality="Herent"
    )
    assert "_169157-177919_" in half


def test_the_page_offers_the_advice_under_its_new_name(demo_warehouse, monkeypatch):
    from dash_helpers import run_app

    from dashboard.components import layout

    names = {}
    original = layout.download_button

    def spy(label, data, file_name, mime, key=None, **kwargs):
        names[key] = file_name
        return original(label, data, file_name, mime, key=key, **kwargs)

    monkeypatch.setattr(layout, "download_button", spy)
    at = run_app("traffic", {"periode": "jaar"})
    assert not at.exception
    name = names["verkeer_docx"]
    assert name.startswith("wijkbeeld_advies_") and name.endswith(".docx")
    assert name.isascii() and " " not in name
    assert "locatie_" not in name


# --------------------------------------------------------------------------------------
# 2. The map's legend: by severity, and counting accidents in words
# --------------------------------------------------------------------------------------


def test_map_legend_is_ordered_by_severity_and_counts_accidents(monkeypatch):
    """The legend read "Dodelijk (1), Lichtgewond (3), Zwaargewond (2)" (alphabetical, a
    bare count beside a table that counts victims)."""
    from dashboard.components import static_map

    figures = []
    original = static_map.new_figure

    def keep(*args, **kwargs):
        figures.append(original(*args, **kwargs))
        return figures[-1]

    monkeypatch.setattr(static_map, "new_figure", keep)
    acc = pd.DataFrame(
        {
            "x": [150000.0 + i for i in range(6)],
            "y": [170000.0] * 6,
            "severity": ["Lichtgewond", "Dodelijk", "Lichtgewond", "Zwaargewond"]
            + ["Lichtgewond", "Zwaargewond"],
        }
    )
    png = export.location_map_png(acc, (150002.0, 170000.0), 20.0)
    assert png[:4] == b"\x89PNG"
    legend = figures[0].axes[1].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == [
        "Dodelijk: 1 ongeval",
        "Zwaargewond: 2 ongevallen",
        "Lichtgewond: 3 ongevallen",
    ]


# --------------------------------------------------------------------------------------
# 3. Victims per vulnerable road user, labelled circumstances
# --------------------------------------------------------------------------------------


def test_victims_row_counts_the_vulnerable_victims_per_road_user():
    """ "waarvan 3 kwetsbaar (voetganger, fietser, bromfiets)" read as the types of these 3
    victims; the counts per type are given now, in the weighting note's words."""
    acc = _accidents(["A1", "A2", "A3"])
    victims = pd.DataFrame(
        {
            "accident_id": ["A1", "A2", "A2", "A3", "A3"],
            "severity": ["Zwaargewond", "Lichtgewond", "Lichtgewond", "Lichtgewond"]
            + ["Lichtgewond"],
            "road_user": ["Voetganger", "Fietser", "Fietser", "Personenauto", "Bromfiets"],
        }
    )
    location = _location(1, 169157, 177919, n_lightly=4, n_vulnerable_victims=4)
    doc = _doc(location, acc, victims)
    facts = {r.cells[0].text: r.cells[1].text for r in doc.tables[0].rows}
    assert facts["Slachtoffers"] == (
        "0 gedood, 1 zwaargewond, 4 lichtgewond; waarvan 4 kwetsbare weggebruikers: "
        "1 voetganger, 2 fietsers, 1 bromfietser"
    )
    note = next(p.text for p in doc.paragraphs if p.text.startswith("Weging:"))
    assert "voetgangers, fietsers en bromfietsers tellen 1,7 keer" in note

    none = _doc(_location(1, 169157, 177919), acc, EMPTY_VICTIMS)
    facts = {r.cells[0].text: r.cells[1].text for r in none.tables[0].rows}
    assert facts["Slachtoffers"].endswith("; geen kwetsbare weggebruikers")


def test_circumstances_say_which_part_is_light_weather_and_crossroads():
    """ "dag, normaal, op kruispunt" did not say that "normaal" is the weather."""
    acc = _accidents(["A1", "A2"], crossroads=["Op kruispunt", "Buiten kruispunt"])
    acc.loc[1, ["light", "weather"]] = ["Nacht, ontstoken openbare verlichting", "Regen"]
    doc = _doc(_location(1, 169157, 177919), acc)
    cells = [r.cells[4].text for r in doc.tables[1].rows[1:]]
    assert cells == [
        "licht: dag; weer: normaal; op een kruispunt",
        "licht: nacht, ontstoken openbare verlichting; weer: regen; niet op een kruispunt",
    ]


# --------------------------------------------------------------------------------------
# 4. The Excel list's workbook properties
# --------------------------------------------------------------------------------------


def test_ranking_xlsx_has_the_zone_as_creator_and_a_dutch_title():
    """Creator "openpyxl" and no title; the municipal report's workbook sets both."""
    frame = pd.DataFrame([_location(1, 169157, 177919, wijk_code="W03")])
    blob = export.ranking_xlsx(
        frame, window=WINDOW, zone_name="PZ HerKo", wijk_names={"W03": "Winksele"}
    )
    props = load_workbook(io.BytesIO(blob)).properties
    assert props.creator == "PZ HerKo"
    assert props.lastModifiedBy == "PZ HerKo"
    assert props.title == "Gevaarlijke punten – PZ HerKo (01/12/2023 – 30/11/2026)"


@pytest.mark.parametrize("zone_name", ["", "PZ Test"])
def test_ranking_xlsx_creator_is_never_openpyxl(zone_name):
    frame = pd.DataFrame([_location(1, 169157, 177919, wijk_code="W03")])
    props = load_workbook(io.BytesIO(export.ranking_xlsx(frame, zone_name=zone_name))).properties
    assert props.creator == (zone_name or "Wijkbeeld")
    assert props.title.startswith("Gevaarlijke punten")
