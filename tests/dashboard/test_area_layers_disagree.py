"""Wijken that do not nest in the deelgemeenten and municipalities (found with the real
wijken of PZ HerKo in the fifty-sixth session).

Herent's wijk 24038W16 lies 39 % in Winksele and 61 % in Veltem-Beisem: Verkenning's and
Verkeer's "Deelgemeente" counted every record by the wijk's one configured deelgemeente,
a third of Winksele's facts under Veltem-Beisem. And a zone's own wijk layer differs from
the municipalities' layer by metres along the border: a record 2 m over it had a Herent wijk
and the municipality Kortenberg."""

from __future__ import annotations

import json
from datetime import date

import pytest

from dashboard.queries import _db, common
from dashboard.queries import traffic as tq
from tests.etl.etl_helpers import ZONE_SMALL, build_warehouse, mini_raw, query


def box(x0: float, x1: float, y0: float = 176000, y1: float = 178000) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]],
    }


def layer(features: list[tuple[dict, dict]]) -> str:
    return json.dumps(
        {
            "type": "FeatureCollection",
            "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::31370"}},
            "features": [{"type": "Feature", "properties": p, "geometry": g} for p, g in features],
        }
    )


# Herent x < 172000 (deelgemeenten A: x < 171000, B: 171000–172000), Kortenberg beyond.
# W01 straddles A and B; W02 is drawn 5 m over the municipal border; W03 is Kortenberg's.
WIJKEN = layer(
    [
        ({"wijk_code": "W01", "nis_code": "24038", "deelgemeente_code": "24038A"}, box(170000, 171500)),
        ({"wijk_code": "W02", "nis_code": "24038", "deelgemeente_code": "24038B"}, box(171500, 172005)),
        ({"wijk_code": "W03", "nis_code": "24055", "deelgemeente_code": "24055A"}, box(172005, 174000)),
    ]
)  # fmt: skip
DEELGEMEENTEN = layer(
    [
        ({"deelgemeente_code": "24038A", "nis_code": "24038"}, box(170000, 171000)),
        ({"deelgemeente_code": "24038B", "nis_code": "24038"}, box(171000, 172000)),
        ({"deelgemeente_code": "24055A", "nis_code": "24055"}, box(172000, 174000)),
    ]
)
ZONE_EXTRA = """
[[municipalities]]
nis_code = "24055"
name = "Kortenberg"
population = 2000

[[deelgemeenten]]
code = "24038B"
name = "Winksele"
nis_code = "24038"

[[deelgemeenten]]
code = "24055A"
name = "Kortenberg"
nis_code = "24055"

[[wijken]]
code = "W03"
name = "Kortenberg-Centrum"
nis_code = "24055"
deelgemeente = "24055A"
population = 2000
"""

INCIDENTS = (
    "PV-nummer;Datum feit;Categorie;X;Y\r\n"
    "A1;03/02/2024 10:00;Vandalisme;170500;177000\r\n"  # W01 in deelgemeente A
    "A2;03/02/2024 10:00;Vandalisme;170600;177000\r\n"  # W01 in A
    "B1;03/02/2024 10:00;Vandalisme;171200;177000\r\n"  # W01, but in deelgemeente B
    "B2;03/02/2024 10:00;Vandalisme;171700;177000\r\n"  # W02 in B
    "K1;03/02/2024 10:00;Vandalisme;172002;177000\r\n"  # W02, 2 m into Kortenberg's polygons
    "K2;03/02/2024 10:00;Vandalisme;173000;177000\r\n"  # W03 in Kortenberg
)
ACCIDENTS = (
    "Ongevalnummer;Datum/uur;Ernst;X;Y\r\n"
    "O1;03/02/2024 10:00;Lichtgewond;171200;177000\r\n"
    "O2;03/02/2024 10:00;Lichtgewond;172002;177000\r\n"
)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("layers")
    zone = tmp / "zone.toml"
    zone.write_text(
        ZONE_SMALL.read_text(encoding="utf-8")
        .replace('deelgemeente = "24038A"\ninspector = "INP Bart Janssens"',
                 'deelgemeente = "24038B"\ninspector = "INP Bart Janssens"')
        + ZONE_EXTRA,
        encoding="utf-8",
    )  # fmt: skip
    raw = mini_raw(
        tmp,
        {
            "districts/wijken.geojson": WIJKEN,
            "districts/deelgemeenten.geojson": DEELGEMEENTEN,
            "incidents/feiten.csv": INCIDENTS,
            "accidents/ongevallen.csv": ACCIDENTS,
        },
        districts=False,
    )
    wh = tmp / "wh.duckdb"
    build_warehouse(raw, wh, zone, echo=lambda s: None)
    return wh


def test_a_record_keeps_the_deelgemeente_it_lies_in_and_the_municipality_of_its_wijk(warehouse):
    got = {
        pv: (w, dg, nis)
        for pv, w, dg, nis in query(
            warehouse,
            "SELECT pv_number, wijk_code::VARCHAR, deelgemeente_code::VARCHAR, nis_code::VARCHAR "
            "FROM marts.incidents",
        )
    }
    assert got["B1"] == ("W01", "24038B", "24038")  # not W01's configured 24038A
    assert got["A1"] == ("W01", "24038A", "24038")
    # In a Herent wijk: Herent and a Herent deelgemeente, not Kortenberg's polygons.
    assert got["K1"] == ("W02", "24038B", "24038")
    assert got["K2"] == ("W03", "24055A", "24055")


def test_verkenning_counts_each_deelgemeente_by_where_its_records_lie(warehouse):
    version = _db.warehouse_version(warehouse)
    table = common.explore(
        version, "incidents", ["Deelgemeente"], date(2024, 1, 1), date(2024, 12, 31), (), ()
    )
    counts = dict(zip(table["deelgemeente"], table["waarde"], strict=True))
    assert counts == {"Herent": 2, "Winksele": 3, "Kortenberg": 1}
    by_municipality = common.explore(
        version, "incidents", ["Gemeente"], date(2024, 1, 1), date(2024, 12, 31), (), ()
    )
    assert dict(zip(by_municipality["gemeente"], by_municipality["waarde"], strict=True)) == {
        "Herent": 5,
        "Kortenberg": 1,
    }


def test_verkeer_counts_injury_accidents_per_deelgemeente_where_they_lie(warehouse):
    version = _db.warehouse_version(warehouse)
    per = tq.injury_per_area(
        version, "accidents", date(2024, 1, 1), date(2024, 12, 31), "deelgemeente"
    )
    counts = dict(zip(per["naam"], per["letselongevallen"], strict=True))
    assert counts == {"Herent": 0, "Winksele": 2, "Kortenberg": 0}
    per = tq.injury_per_area(version, "accidents", date(2024, 1, 1), date(2024, 12, 31), "gemeente")
    assert dict(zip(per["naam"], per["letselongevallen"], strict=True)) == {
        "Herent": 2,
        "Kortenberg": 0,
    }
