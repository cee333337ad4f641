"""docs/ZONE_CONFIG.md, the field reference of zone.toml, keeps up with the check that
reads the file (etl.zone_check.SCHEMA): every key the schema knows has a row in the table
of its section, and the doc's minimal example passes the check."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from etl.zone_check import SCHEMA, zone_problems

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "ZONE_CONFIG.md"

#: A table row's first cell: "| `nis_code` | ...".
_ROW_KEY = re.compile(r"^\|\s*`([^`]+)`\s*\|", re.MULTILINE)


def _text() -> str:
    return DOC.read_text(encoding="utf-8")


def _header(section: str) -> str:
    """``[zone]`` for a table, ``[[wijken]]`` for a list of entries, as zone.toml writes it."""
    kind = SCHEMA["properties"][section]["type"]
    return f"[[{section}]]" if kind == "array" else f"[{section}]"


def _sections(text: str) -> dict[str, str]:
    """The doc's ``## `[...]` `` sections by their TOML header, each up to the next ``## ``."""
    parts = re.split(r"^## ", text, flags=re.MULTILINE)[1:]
    out = {}
    for part in parts:
        title, _, body = part.partition("\n")
        if m := re.fullmatch(r"`(\[\[?[a-z_]+\]\]?)`\s*", title):
            out[m.group(1)] = body
    return out


def _properties(section: str) -> list[str]:
    spec = SCHEMA["properties"][section]
    if spec["type"] == "array":
        spec = spec["items"]
    return list(spec.get("properties", {}))


SECTIONS = list(SCHEMA["properties"])


@pytest.mark.parametrize("section", SECTIONS)
def test_every_schema_key_has_a_row_in_its_section(section):
    sections = _sections(_text())
    header = _header(section)
    assert header in sections, f"docs/ZONE_CONFIG.md has no section ## `{header}`"
    rows = set(_ROW_KEY.findall(sections[header]))
    missing = [key for key in _properties(section) if key not in rows]
    assert not missing, f"{header}: no table row for {missing}"


def test_required_keys_are_marked_required():
    sections = _sections(_text())
    for section in SECTIONS:
        spec = SCHEMA["properties"][section]
        required = spec.get("items", spec).get("required", [])
        body = sections[_header(section)]
        for key in required:
            row = re.search(rf"^\|\s*`{re.escape(key)}`\s*\|([^|]*)\|", body, re.MULTILINE)
            assert row and "yes" in row.group(1), f"{_header(section)}: `{key}` not marked required"


def _minimal_example() -> dict:
    block = re.search(r"^```toml\n(.*?)^```", _text(), re.MULTILINE | re.DOTALL)
    assert block, "docs/ZONE_CONFIG.md has no ```toml block"
    return tomllib.loads(block.group(1))


def test_minimal_example_passes_the_check():
    assert zone_problems(_minimal_example()) == []


def test_minimal_example_is_a_two_municipality_zone_with_every_entry_section():
    doc = _minimal_example()
    assert len(doc["municipalities"]) == 2
    for section in ("deelgemeenten", "wijken", "task_types", "categories"):
        assert doc.get(section), section
