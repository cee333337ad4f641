"""Records whose source gave the day only are no midnight records: Bronnen's hour x weekday
matrix and Verkeer's injury matrix leave them out and say how many (they were all put at
00:00, a spike a wijkinspecteur would read as night-time nuisance)."""

from __future__ import annotations

import json

import pytest
from dash_helpers import plotly_array, run_app, small_zone_version, wh

NUISANCE = (
    "Meldingsnummer;Datum melding;Type overlast;Gemeente;Lambert X;Lambert Y\r\n"
    "G-1;05/02/2024;Sluikstort;Herent;171100;177100\r\n"
    "G-2;06/02/2024;Sluikstort;Herent;171100;177100\r\n"
    "G-3;06/02/2024;Geluidsoverlast;Herent;171100;177100\r\n"
)
ACCIDENTS = (
    "Ongevalnummer;Datum;Ernst;X;Y\r\n"
    "D-1;07/02/2024;Lichtgewond;171200;177200\r\n"
    "D-2;08/02/2024;Zwaargewond;171200;177200\r\n"
)
PERIOD = {"periode": "aangepast", "van": "2024-01-01", "tot": "2024-12-31"}


@pytest.fixture
def version(tmp_path, monkeypatch):
    return small_zone_version(
        tmp_path,
        monkeypatch,
        {"nuisance/gemeente_register.csv": NUISANCE, "accidents/dag_enkel.csv": ACCIDENTS},
    )


def _heatmap(at, title: str):
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    fig = next(f for f in specs if f["layout"]["title"]["text"].startswith(title))
    return plotly_array(fig["data"][0]["z"]).astype(float)


def test_sources_matrix_leaves_out_and_counts_nuisance_without_hour(version):
    at = run_app("sources", PERIOD)
    at.session_state["bronnen_bron"] = "nuisance"
    at.run()
    assert not at.exception
    with_hour = wh("SELECT count(*) AS n FROM marts.nuisance WHERE year = 2024 AND time_known")
    shown = _heatmap(at, "Uur × weekdag")
    assert shown.sum() == with_hour["n"].iloc[0]
    assert any(
        c.value == "Niet in de matrix: 3 overlastmeldingen zonder uur (de bron gaf enkel de "
        "dag; dat is geen middernacht)."
        for c in at.caption
    )


def test_traffic_matrix_leaves_out_and_counts_accidents_without_hour(version):
    at = run_app("traffic", PERIOD)
    assert not at.exception
    injury = wh(
        "SELECT count(*) FILTER (WHERE time_known) AS known, count(*) FILTER (WHERE NOT "
        "time_known) AS unknown FROM marts.accidents WHERE source = 'zone' AND is_injury "
        "AND year = 2024"
    )
    assert injury["unknown"].iloc[0] == 2
    shown = _heatmap(at, "Letselongevallen per weekdag en uur")
    assert shown.sum() == injury["known"].iloc[0]
    assert any(
        "2 letselongevallen zonder gekend uur staan niet in de grafiek." in c.value
        for c in at.caption
    )
