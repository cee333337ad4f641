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


def test_a_swapped_lambert_2008_or_wgs84_pair_lands_on_its_point():
    """A Lambert 2008 pair with X and Y swapped was converted first and swapped after,
    landing some 6 m off, under the note "X en Y omgewisseld" alone; a WGS84 pair with the
    latitude in X ("50.88, 4.66", a map app's order) was no location at all (found by a
    review). Both are turned around as written, then converted, and the note says both."""
    to84 = Transformer.from_crs("EPSG:31370", "EPSG:4326", always_xy=True)
    to08 = Transformer.from_crs("EPSG:31370", "EPSG:3812", always_xy=True)
    x08, y08 = to08.transform(171_000, 177_000)
    lon, lat = to84.transform(173_000, 177_000)
    out = geo.locate_points(np.array([y08, lat]), np.array([x08, lon]), _layers(), 9, 8)
    assert list(out.location_status) == ["ok", "ok"]
    assert list(out.wijk_code) == ["W01", "W02"]
    assert abs(out.x[0] - 171_000) < 0.01 and abs(out.y[0] - 177_000) < 0.01
    assert abs(out.x[1] - 173_000) < 0.01 and abs(out.y[1] - 177_000) < 0.01
    assert list(out.location_note) == [
        "Lambert 2008-coördinaten, X en Y omgewisseld, omgezet naar Lambert 72",
        "WGS84-coördinaten, X en Y omgewisseld, omgezet naar Lambert 72",
    ]


def test_a_wgs84_pair_is_never_swapped():
    """A pair read as WGS84 (longitude 2-7 in X, latitude 49-52 in Y) has its axes in their
    places: converted, a point outside the zone stays outside, even where the swapped
    Lambert 72 point would lie in it (177000/171000 swapped is W01)."""
    to84 = Transformer.from_crs("EPSG:31370", "EPSG:4326", always_xy=True)
    lon, lat = to84.transform(177_000, 171_000)
    out = geo.locate_points(np.array([lon, 177_000.0]), np.array([lat, 171_000.0]), _layers(), 9, 8)
    assert out.location_status[0] == "buiten_zone" and pd.isna(out.wijk_code[0])
    assert out.location_note[0] == "WGS84-coördinaten omgezet naar Lambert 72"
    assert abs(out.x[0] - 177_000) < 0.01 and abs(out.y[0] - 171_000) < 0.01
    # The same point in Lambert 72 may be a swap (the zone decides).
    assert (out.location_status[1], out.wijk_code[1]) == ("ok", "W01")


def test_pairs_staging_calls_usable_are_placed_by_the_locator():
    """Staging marks a pair 'coördinaten' (and so does not geocode its record) only when the
    locator certainly places it (wb_pair_usable, macros.sql). Its WGS84 and Lambert 2008
    rectangles must convert into the Belgian box: their edges, converted, stay inside it
    (the edges inside, the whole rectangle is), and 0 in either coordinate is never usable."""
    from etl_helpers import macro_connection

    con = macro_connection({"zone": {"timezone": "Europe/Brussels"}})
    edge = np.linspace(0, 1, 4001)
    xs, ys = [], []
    for x0, x1, y0, y1 in ((2.44, 6.43, 49.45, 51.53), (510_100, 799_900, 515_100, 749_900)):
        xs += [
            x0 + edge * (x1 - x0),
            x0 + edge * (x1 - x0),
            np.full_like(edge, x0),
            np.full_like(edge, x1),
        ]
        ys += [
            np.full_like(edge, y0),
            np.full_like(edge, y1),
            y0 + edge * (y1 - y0),
            y0 + edge * (y1 - y0),
        ]
    xmin, ymin, xmax, ymax = geo.BELGIUM_31370
    xs += [np.array([xmin, xmax, xmin, xmax, 0.0, 171_000.0, 1.0, np.nan])]
    ys += [np.array([ymin, ymax, ymax, ymin, 177_000.0, 0.0, 1.0, 177_000.0])]
    x, y = np.concatenate(xs), np.concatenate(ys)
    con.register("pairs", pd.DataFrame({"x": x, "y": y}))
    usable = con.execute(
        "SELECT coalesce(wb_pair_usable(x, y), false) AS u FROM pairs"
    ).fetchnumpy()
    usable = np.asarray(usable["u"], dtype=bool)
    assert usable[:-4].all() and not usable[-4:].any()
    out = geo.locate_points(x, y, _layers(), 9, 8)
    assert (np.asarray(out.location_status)[usable] != "geen_locatie").all()


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
