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

import pandas as pd
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

# Tasks are located by their address (the zone's address list).
TASKS = (
    "Taaknummer;Type taak;Ontvangen;Wijk;Straat;Huisnr;Gemeente\r\n"
    "T1;Woonstcontrole;03/02/2024 10:00;W01;Dorpstraat;1;Herent\r\n"  # W01 in A
    "T2;Woonstcontrole;03/02/2024 10:00;W01;Dorpstraat;2;Herent\r\n"  # W01, in B
    "T3;Woonstcontrole;03/02/2024 10:00;W02;Dorpstraat;3;Herent\r\n"  # W02 says the export; Kortenberg
    "T4;Woonstcontrole;03/02/2024 10:00;W01;Nergensstraat;4;Herent\r\n"  # not in the list
)
ADDRESSES = (
    "Straatnaam;Huisnummer;Postcode;Gemeente;X;Y\r\n"
    "Dorpstraat;1;3020;Herent;170500;177000\r\n"
    "Dorpstraat;2;3020;Herent;171200;177000\r\n"
    "Dorpstraat;3;3020;Herent;173000;177000\r\n"
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
            "tasks/taken.csv": TASKS,
            "addresses/adressen.csv": ADDRESSES,
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


def test_a_wijk_across_two_deelgemeenten_is_known_as_such(warehouse):
    inside = _db.query(
        _db.warehouse_version(warehouse),
        "SELECT code, inside_parent FROM marts.districts WHERE layer = 'wijk' ORDER BY code",
    )
    assert dict(zip(inside["code"], inside["inside_parent"], strict=True)) == {
        "W01": False,
        "W02": True,
        "W03": True,
    }


def test_the_municipal_report_adds_no_wijk_into_a_deelgemeente_it_lies_across(warehouse):
    """The report's "Per deelgemeente" added W01 (a third in Winksele) whole into Herent:
    Herent 3 and Winksele 2, where the facts lie 2 and 3 (Verkenning). Its records lie in
    both, so the report gives no table per deelgemeente and says why; the wijk table keeps
    W01 under its configured deelgemeente's name."""
    from dashboard.documents import municipal_report as mr
    from dashboard.queries import reports as rq

    version = _db.warehouse_version(warehouse)
    areas = rq.area_counts(version, "24038", date(2024, 1, 1), date(2024, 12, 31))
    rows = {
        r.wijk_code: (None if pd.isna(r.deelgemeente_code) else r.deelgemeente_code, r.deelgemeente)
        for r in areas.itertuples()
    }
    assert rows == {"W01": (None, "Herent"), "W02": ("24038B", "Winksele")}
    data = mr.collect_report(version, "24038", mr.ReportPeriod("jaar", 2024, 0), warn=False)
    table = data.tables["deelgemeenten"]
    assert len(table.labels) == 1 and table.total_row  # the total only
    assert "Niet elke wijk van Herent ligt binnen één deelgemeente" in table.note


def test_a_task_keeps_the_deelgemeente_its_address_lies_in(warehouse):
    """A task counted under its wijk's configured deelgemeente even where its address lies
    in the other one of a wijk across two; an address in another municipality than the
    task's wijk, or none, leaves the wijk's own."""
    got = _db.query(
        _db.warehouse_version(warehouse),
        "SELECT task_id, wijk_code::VARCHAR AS w, deelgemeente_code::VARCHAR AS dg FROM marts.tasks",
    )
    assert {r.task_id: (r.w, r.dg) for r in got.itertuples()} == {
        "T1": ("W01", "24038A"),
        "T2": ("W01", "24038B"),
        "T3": ("W02", "24038B"),
        "T4": ("W01", "24038A"),
    }
