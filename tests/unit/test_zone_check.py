"""The zone configuration is checked before use: each mistake one Dutch sentence naming the
section, the entry and the key (etl.zone_check), and the file refused as a whole."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path

import pytest

from etl import config
from etl.zone_check import zone_problems

ROOT = Path(__file__).resolve().parents[2]
DEMO_ZONE = ROOT / "data" / "zone.toml"
SMALL_ZONE = ROOT / "tests" / "fixtures" / "zone_small.toml"


def _doc(path: Path = DEMO_ZONE) -> dict:
    with open(path, "rb") as fh:
        return tomllib.load(fh)


@pytest.mark.parametrize("path", [DEMO_ZONE, SMALL_ZONE], ids=["demo", "fixture"])
def test_shipped_zones_are_valid(path):
    assert zone_problems(_doc(path)) == []


def _problems(change) -> list[str]:
    doc = copy.deepcopy(_doc())
    change(doc)
    return zone_problems(doc)


def test_population_as_text_with_a_thousands_point():
    # Before: DuckDB cast '3.500' to BIGINT, 4 inhabitants, and rates per 1,000 went wild.
    problems = _problems(lambda d: d["wijken"][0].update(population="3.500"))
    assert problems == [
        "[[wijken]] nr. 1 (W01), population: moet een geheel getal zijn, niet de tekst '3.500' "
        "(een getal zonder aanhalingstekens en zonder duizendtalpunt, met een punt voor de "
        "decimalen: 3500, 1.5)"
    ]


def test_weight_with_a_decimal_comma():
    problems = _problems(lambda d: d["task_types"][1].update(weight="0,5"))
    assert problems[0].startswith(
        "[[task_types]] nr. 2 (Woonstvaststelling), weight: moet een getal zijn, niet de tekst '0,5'"
    )


def test_missing_code_names_the_entry_by_number():
    problems = _problems(lambda d: d["wijken"][2].pop("code"))
    assert problems == ["[[wijken]] nr. 3: 'code' ontbreekt"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["zone"].update(h3_resolution=16),
            "[zone], h3_resolution: mag hoogstens 15 zijn, niet 16",
        ),
        (
            lambda d: d["zone"].update(small_count_threshold=-1),
            "[zone], small_count_threshold: moet minstens 0 zijn, niet -1",
        ),
        (
            lambda d: d["zone"].update(timezone="Europe/Brussel"),
            "[zone], timezone: 'Europe/Brussel' is geen tijdzone (bv. 'Europe/Brussels')",
        ),
        (
            lambda d: d["schools"].update(morning=["8u00", "08:45"]),
            "[schools], morning waarde 1: moet een uur zijn zoals '08:45', niet de tekst '8u00'",
        ),
        (
            lambda d: d["deelgemeenten"][0].update(centre=[172100, 177100, 0]),
            "[[deelgemeenten]] nr. 1 (24038A), centre: moet precies 2 waarden hebben, niet 3",
        ),
        (
            lambda d: d["categories"].update(incidents="Woninginbraak"),
            "[categories], incidents: moet een lijst [ … ] zijn, niet de tekst 'Woninginbraak'",
        ),
        (
            lambda d: d["black_spots"].update(cluster_distance_m=0),
            "[black_spots], cluster_distance_m: moet groter dan 0 zijn, niet 0",
        ),
        (
            lambda d: d["wijken"][3].update(code="W03"),
            "[[wijken]]: code 'W03' staat er 2 keer in",
        ),
        (
            lambda d: d["wijken"][0].update(deelgemeente="24038Z"),
            "[[wijken]] nr. 1 (W01), deelgemeente: '24038Z' staat niet bij [[deelgemeenten]]",
        ),
        (
            lambda d: d["wijken"][9].update(nis_code="24062"),
            "[[wijken]] nr. 10 (W10), nis_code: '24062' staat niet bij [[municipalities]]",
        ),
        (
            lambda d: d["wijken"][0].update(inspector=None) or d["wijken"][0].pop("inspector"),
            None,  # an inspector may be left out
        ),
        (
            lambda d: d["wijken"][0].update(seed=[1, 2]),
            None,  # keys of the demo generator's own are left alone
        ),
    ],
)
def test_each_mistake_is_one_sentence(change, expected):
    assert _problems(change) == ([expected] if expected else [])


def test_load_zone_refuses_the_file_and_counts_what_it_does_not_show(tmp_path):
    text = DEMO_ZONE.read_text(encoding="utf-8")
    for n in range(1, 11):
        text = text.replace(f'code = "W{n:02d}"', f'codes = "W{n:02d}"')
    zone = tmp_path / "zone.toml"
    zone.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError) as err:
        config.load_zone(zone)
    message = str(err.value)
    assert message.startswith(
        f"Zoneconfiguratie {zone} klopt niet: [[wijken]] nr. 1: 'code' ontbreekt; "
    )
    assert "[[wijken]] nr. 8: 'code' ontbreekt; en nog 2 andere" in message
    # Fixed in place, the same path is read again (the cache keys on the file's version).
    zone.write_text(DEMO_ZONE.read_text(encoding="utf-8"), encoding="utf-8")
    assert config.load_zone(zone)["zone"]["name"] == "PZ HerKo"


def test_coarse_hexagons_finer_than_the_fine_ones_are_refused():
    # Before: etl.geo.h3_parent made "cells" that are no H3 cell (found writing ZONE_CONFIG).
    problems = _problems(lambda d: d["zone"].update(h3_resolution=8, h3_resolution_coarse=9))
    assert problems == [
        "[zone], h3_resolution_coarse: 9 is fijner dan h3_resolution (8); de grove zeshoeken "
        "moeten even groot of groter zijn (een kleiner getal)"
    ]


def test_a_task_types_review_flag_written_as_text_is_refused():
    # `review = "false"` counted as true (bool of a non-empty text).
    problems = _problems(lambda d: d["task_types"][0].update(review="false"))
    assert len(problems) == 1 and "review: moet true of false zijn" in problems[0]
