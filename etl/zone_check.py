"""Check the zone configuration (``zone.toml``) before anything uses it.

The file is written by hand. Before this check a typo went through unnoticed or far from its
cause: a wijk's population written ``"3.500"`` (text, Belgian thousands point) became 4
inhabitants, a missing ``code`` stopped the build with ``KeyError: 'code'``, a weight ``"1,5"``
with an English conversion error from the database.

The shape is a JSON Schema (:data:`SCHEMA`, checked with ``jsonschema``); what the schema
cannot say (codes given twice, a wijk naming a municipality or deelgemeente the file does
not list, a time zone that does not exist) is checked in :func:`zone_problems`. Every problem
becomes one Dutch sentence naming the section, the entry and the key. Keys the schema does
not know are left alone (the demo generator reads some of its own, e.g. a wijk's ``seed``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jsonschema import Draft202012Validator

_TEXT = {"type": "string", "minLength": 1}
_CODE = {"type": ["string", "integer"]}
_COUNT = {"type": "integer", "minimum": 0}
_POSITIVE = {"type": "integer", "minimum": 1}
_AMOUNT = {"type": "number", "minimum": 0}
_CLOCK = {"type": "string", "pattern": r"^([01]?\d|2[0-3]):[0-5]\d$"}
_WINDOW = {"type": "array", "items": _CLOCK, "minItems": 2, "maxItems": 2}
_POINT = {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2}


def _entries(required: list[str], properties: dict) -> dict:
    return {
        "type": "array",
        "items": {"type": "object", "required": required, "properties": properties},
    }


SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["zone"],
    "properties": {
        "zone": {
            "type": "object",
            "properties": {
                "name": _TEXT,
                "long_name": _TEXT,
                "crs_input": _TEXT,
                "districts_crs": _TEXT,
                "h3_resolution": {"type": "integer", "minimum": 0, "maximum": 15},
                "h3_resolution_coarse": {"type": "integer", "minimum": 0, "maximum": 15},
                "timezone": _TEXT,
                "small_count_threshold": _COUNT,
                "pv_prefix": {"type": "string"},
            },
        },
        "municipalities": _entries(
            ["nis_code", "name"],
            {"nis_code": _CODE, "name": _TEXT, "population": _COUNT},
        ),
        "deelgemeenten": _entries(
            ["code", "name"],
            {
                "code": _CODE,
                "name": _TEXT,
                "nis_code": _CODE,
                "postcode": _CODE,
                "centre": _POINT,
            },
        ),
        "wijken": _entries(
            ["code", "name"],
            {
                "code": _CODE,
                "name": _TEXT,
                "nis_code": _CODE,
                "deelgemeente": _CODE,
                "inspector": {"type": "string"},
                "population": _COUNT,
            },
        ),
        "task_types": _entries(
            ["name"],
            {
                "name": _TEXT,
                "deadline_days": _COUNT,
                "weight": _AMOUNT,
                "review": {"type": "boolean"},
            },
        ),
        "categories": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
        "black_spots": {
            "type": "object",
            "properties": {
                "years": _POSITIVE,
                "cluster_distance_m": {"type": "number", "exclusiveMinimum": 0},
                "min_injury_accidents": _POSITIVE,
                "min_priority_score": _AMOUNT,
                "weight_killed": _AMOUNT,
                "weight_seriously_injured": _AMOUNT,
                "weight_lightly_injured": _AMOUNT,
                "vulnerable_factor": _AMOUNT,
            },
        },
        "schools": {
            "type": "object",
            "properties": {
                "poi_type": _TEXT,
                "radius_m": {"type": "number", "exclusiveMinimum": 0},
                "days": {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 7}},
                "morning": _WINDOW,
                "afternoon": _WINDOW,
                "wednesday_noon": _WINDOW,
            },
        },
        "auth": {"type": "object", "properties": {"demo": {"type": "boolean"}}},
    },
}

_VALIDATOR = Draft202012Validator(SCHEMA)

_TYPE_NAMES = {
    "string": "tekst tussen aanhalingstekens",
    "integer": "een geheel getal",
    "number": "een getal",
    "boolean": "true of false",
    "array": "een lijst [ … ]",
    "object": "een tabel [ … ]",
}

#: The sections that hold a list of entries ([[wijken]]), and the key that names an entry.
_ENTRY_NAME = {
    "municipalities": "nis_code",
    "deelgemeenten": "code",
    "wijken": "code",
    "task_types": "name",
}


def _value(value: object) -> str:
    if isinstance(value, str):
        return f"de tekst '{value}'"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        return "een tabel"
    if isinstance(value, list):
        return "een lijst"
    return str(value)


def _looks_numeric(value: object) -> bool:
    if not isinstance(value, str):
        return False
    digits = value.strip().replace(".", "").replace(",", "").replace(" ", "")
    return digits.isdigit()


def _where(doc: Mapping, path: Sequence) -> str:
    """``[[wijken]] nr. 3 (W03), population`` / ``[zone], h3_resolution``."""
    if not path:
        return "het bestand"
    section, rest = str(path[0]), list(path[1:])
    if section in _ENTRY_NAME and rest and isinstance(rest[0], int):
        index = rest.pop(0)
        place = f"[[{section}]] nr. {index + 1}"
        entries = doc.get(section)
        entry = entries[index] if isinstance(entries, list) and index < len(entries) else None
        name = entry.get(_ENTRY_NAME[section]) if isinstance(entry, Mapping) else None
        if name is not None:
            place += f" ({name})"
    else:
        place = f"[{section}]"
    if rest:
        place += ", " + " ".join(f"waarde {p + 1}" if isinstance(p, int) else str(p) for p in rest)
    return place


def _sentence(doc: Mapping, error) -> str:
    where = _where(doc, list(error.absolute_path))
    value, rule = error.instance, error.validator_value
    if error.validator == "required":
        missing = [k for k in rule if not isinstance(value, Mapping) or k not in value]
        return f"{where}: '{missing[0] if missing else rule[0]}' ontbreekt"
    if error.validator == "type":
        wanted = [rule] if isinstance(rule, str) else list(rule)
        names = " of ".join(_TYPE_NAMES.get(t, t) for t in wanted)
        text = f"{where}: moet {names} zijn, niet {_value(value)}"
        if _looks_numeric(value) and {"integer", "number"} & set(wanted):
            text += " (een getal zonder aanhalingstekens en zonder duizendtalpunt, met een punt voor de decimalen: 3500, 1.5)"
        return text
    if error.validator == "minimum":
        return f"{where}: moet minstens {rule} zijn, niet {_value(value)}"
    if error.validator == "exclusiveMinimum":
        return f"{where}: moet groter dan {rule} zijn, niet {_value(value)}"
    if error.validator == "maximum":
        return f"{where}: mag hoogstens {rule} zijn, niet {_value(value)}"
    if error.validator == "minLength":
        return f"{where}: mag niet leeg zijn"
    if error.validator in ("minItems", "maxItems"):
        return f"{where}: moet precies {rule} waarden hebben, niet {len(value)}"
    if error.validator == "pattern":
        return f"{where}: moet een uur zijn zoals '08:45', niet {_value(value)}"
    return f"{where}: {error.message}"  # a rule added to SCHEMA without its sentence


def _duplicates(doc: Mapping) -> list[str]:
    problems = []
    for section, key in _ENTRY_NAME.items():
        entries = doc.get(section)
        if not isinstance(entries, list):
            continue
        names = [str(e[key]) for e in entries if isinstance(e, Mapping) and key in e]
        for name, n in Counter(names).items():
            if n > 1:
                problems.append(f"[[{section}]]: {key} '{name}' staat er {n} keer in")
    return problems


def _references(doc: Mapping) -> list[str]:
    """Wijken and deelgemeenten that name a municipality or deelgemeente the file lacks."""

    def codes(section: str, key: str) -> set[str] | None:
        entries = doc.get(section)
        if not isinstance(entries, list) or not entries:
            return None  # the section is left out: nothing to compare with
        return {str(e[key]) for e in entries if isinstance(e, Mapping) and key in e}

    problems = []
    municipalities = codes("municipalities", "nis_code")
    deelgemeenten = codes("deelgemeenten", "code")
    for section, key, known, what in (
        ("deelgemeenten", "nis_code", municipalities, "[[municipalities]]"),
        ("wijken", "nis_code", municipalities, "[[municipalities]]"),
        ("wijken", "deelgemeente", deelgemeenten, "[[deelgemeenten]]"),
    ):
        entries = doc.get(section)
        if known is None or not isinstance(entries, list):
            continue
        for i, entry in enumerate(entries):
            if isinstance(entry, Mapping) and key in entry and str(entry[key]) not in known:
                problems.append(
                    f"{_where(doc, [section, i, key])}: '{entry[key]}' staat niet bij {what}"
                )
    return problems


def _timezone(doc: Mapping) -> list[str]:
    zone = doc.get("zone")
    tz = zone.get("timezone") if isinstance(zone, Mapping) else None
    if not isinstance(tz, str) or not tz:
        return []
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        return [f"[zone], timezone: '{tz}' is geen tijdzone (bv. 'Europe/Brussels')"]
    return []


def _resolutions(doc: Mapping) -> list[str]:
    """The coarse hexagons are the parents of the fine ones: a coarse resolution finer than
    the fine one made cells that are no H3 cell at all (etl.geo.h3_parent)."""
    zone = doc.get("zone")
    if not isinstance(zone, Mapping):
        return []
    fine, coarse = zone.get("h3_resolution", 9), zone.get("h3_resolution_coarse", 8)
    if isinstance(fine, int) and isinstance(coarse, int) and coarse > fine:
        return [
            f"[zone], h3_resolution_coarse: {coarse} is fijner dan h3_resolution ({fine}); "
            "de grove zeshoeken moeten even groot of groter zijn (een kleiner getal)"
        ]
    return []


def zone_problems(doc: Mapping) -> list[str]:
    """Every problem in a parsed zone configuration, one Dutch sentence each (empty: fine).

    Shape first (:data:`SCHEMA`), in the order of the file's sections; then codes given
    twice, references to codes the file does not list, and the time zone.
    """
    errors = sorted(
        _VALIDATOR.iter_errors(doc),
        key=lambda e: [f"{p:06d}" if isinstance(p, int) else str(p) for p in e.absolute_path],
    )
    problems = [_sentence(doc, e) for e in errors]
    return problems + _duplicates(doc) + _references(doc) + _timezone(doc) + _resolutions(doc)
