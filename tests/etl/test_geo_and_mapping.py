"""Pure pieces of the ETL: header folding, CRS handling and H3 arithmetic."""

from __future__ import annotations

import h3
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Transformer

from etl import geo
from etl.sources.districts import Area, DistrictLayers
from etl.sources.mapping import load_mappings, normalise_header


def _layers() -> DistrictLayers:
    layers = DistrictLayers()
    for code, x0 in (("W01", 170_000), ("W02", 172_000)):
        layers.areas["wijk"].append(
            Area(
                "wijk",
                code,
                code,
                None,
                "24038",
                shapely.box(x0, 176_000, x0 + 2_000, 178_000),
                "t",
                1,
            )
        )
    return layers


def test_header_folding():
    assert normalise_header("X-coördinaat ") == normalise_header("x coordinaat") == "xcoordinaat"
    assert normalise_header("\ufeffPV-nummer") == "pvnummer"
    mapping = load_mappings()["incidents"]
    found = mapping.match(
        ["Notitienummer", "Datum/uur feiten", "Straatnaam", "Nummer", "Lambert X", "Lambert Y"]
    )
    assert found == {
        "pv_number": 0,
        "occurred_from": 1,
        "street": 2,
        "house_number": 3,
        "x": 4,
        "y": 5,
    }


def test_locate_points_handles_crs_swaps_and_gaps():
    to84 = Transformer.from_crs("EPSG:31370", "EPSG:4326", always_xy=True)
    to08 = Transformer.from_crs("EPSG:31370", "EPSG:3812", always_xy=True)
    lon, lat = to84.transform(173_000, 177_000)
    x08, y08 = to08.transform(171_000, 177_000)
    x = np.array([171_000, lon, x08, 177_000, 150_000, np.nan, 0.0, 5.0])
    y = np.array([177_000, lat, y08, 171_000, 170_000, np.nan, 0.0, 5.0])
    out = geo.locate_points(x, y, _layers(), 9, 8)
    assert list(out.location_status) == [
        "ok",
        "ok",
        "ok",
        "ok",
        "buiten_zone",
        "geen_locatie",
        "geen_locatie",
        "geen_locatie",
    ]
    assert list(out.wijk_code[:4]) == ["W01", "W02", "W01", "W01"]
    assert abs(out.x[1] - 173_000) < 0.01 and abs(out.y[2] - 177_000) < 0.01
    assert out.location_note[3] == "X en Y omgewisseld"
    assert out.h3_cell[5] == 0


def test_no_layers_means_no_wijk():
    out = geo.locate_points(np.array([171_000.0]), np.array([177_000.0]), DistrictLayers(), 9, 8)
    assert list(out.location_status) == ["geen_wijk"] and pd.isna(out.wijk_code[0])


def test_h3_parent_matches_library():
    cells = geo.h3_cells(np.array([50.88, 50.9]), np.array([4.65, 4.7]), 9)
    parents = geo.h3_parent(cells, 8)
    for cell, parent in zip(cells, parents, strict=True):
        assert h3.int_to_str(int(parent)) == h3.cell_to_parent(h3.int_to_str(int(cell)), 8)


def test_vectorised_h3_equals_h3py(monkeypatch):
    """h3ronpy over arrays (split over threads) gives h3-py's cell for every point."""
    rng = np.random.default_rng(3)
    lat = rng.uniform(49.5, 51.5, 5_001)
    lon = rng.uniform(2.5, 6.4, 5_001)
    monkeypatch.setattr(geo, "PARALLEL_MIN_POINTS", 100)
    for res in (8, 9, 10):
        cells = geo.h3_cells(lat, lon, res)
        expected = [
            h3.str_to_int(h3.latlng_to_cell(a, o, res)) for a, o in zip(lat, lon, strict=True)
        ]
        assert cells.dtype == np.uint64 and cells.tolist() == expected
    assert geo.h3_cells(np.array([]), np.array([]), 9).size == 0


def _zone_mappings(tmp_path, text: str):
    path = tmp_path / "mappings.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_zone_mappings_add_variants_first(tmp_path):
    path = _zone_mappings(tmp_path, '[incidents.fields]\npv_number = ["Nummer dossier"]\n')
    variants = load_mappings(path)["incidents"].fields["pv_number"]
    assert variants[:2] == ["Nummer dossier", "PV-nummer"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        # Text instead of a list: before, every letter became a header variant.
        (
            '[incidents.fields]\npv_number = "Nummer dossier"\n',
            '[incidents.fields], pv_number: moet een lijst van kolomnamen zijn, zoals pv_number = ["Nummer dossier"]',
        ),
        # A typo in the kind or the field: before, silently ignored.
        (
            '[incident.fields]\npv_number = ["Nummer dossier"]\n',
            "soort [incident] bestaat niet (kies uit incidents, accidents, victims",
        ),
        (
            '[incidents.fields]\npv_nummer = ["Nummer dossier"]\n',
            "[incidents.fields]: veld 'pv_nummer' bestaat niet (kies uit pv_number, occurred_from,",
        ),
        (
            '[incidents]\nrequired = ["street"]\n',
            "[incidents]: alleen [incidents.fields] wordt gelezen",
        ),
        (
            '[incidents.fields]\nstreet = ["Straat", ""]\n',
            "[incidents.fields], street: moet een lijst",
        ),
    ],
)
def test_zone_mapping_mistakes_are_named(tmp_path, text, problem):
    path = _zone_mappings(tmp_path, text)
    with pytest.raises(ValueError) as err:
        load_mappings(path)
    assert str(err.value).startswith(f"Kolomkoppeling van de zone {path} klopt niet: ")
    assert problem in str(err.value)
