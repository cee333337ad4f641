"""A zone's hand-written TOML file (zone.toml, mappings.toml) with a mistake is refused in
Dutch: what is wrong and on which line, not tomllib's English."""

from __future__ import annotations

import re
import tomllib

import pytest

from etl.config import read_toml, toml_error_text

#: Mistakes a person makes editing the file, with the Dutch words the refusal must use.
BROKEN = [
    ('[zone]\nname = "PZ Test\n', "tekst niet afgesloten", "op regel 2, kolom 16"),
    ("[zone]\nname = PZ Test\n", "ongeldige waarde", "op regel 2"),
    ("[poi.fields\n", "']' ontbreekt aan het einde van de sectienaam", "op regel 1"),
    ("[[wijken]\n", "']]' ontbreekt", "op regel 1"),
    ("a = 1\na = 2\n", "deze naam heeft al een waarde", "op regel 2"),
    ("[zone]\n[zone]\n", "deze sectie staat er twee keer", "op regel 2"),
    ('raw = "C:\\data\\raw"\n', "schrijf \\\\ of zet de tekst tussen '...'", "op regel 1"),
    ("naam waarde\n", "'=' ontbreekt na de naam", "op regel 1"),
    ("a = 1 b = 2\n", "na de waarde hoort een nieuwe regel", "op regel 1"),
    ("a = [1, 2\n", "de lijst is niet gesloten", "aan het einde van het bestand"),
    ("x = {a = 1\n", "'}' ontbreekt", "op regel 1"),
    ("x = {a = 1, a = 2}\n", "de naam 'a' staat twee keer tussen { }", "op regel 1"),
    ("= 1\n", "deze regel is geen instelling", "op regel 1"),
    ('a = "\\uD800"\n', "ongeldige \\u-code", "op regel 1"),
    ("a = {b = 1}\na.c = 2\n", "deze sectie is al eerder vastgelegd", "op regel 2"),
    ('a = """x\n', "tekst niet afgesloten", "aan het einde van het bestand"),
]


def _error(text: str) -> tomllib.TOMLDecodeError:
    with pytest.raises(tomllib.TOMLDecodeError) as caught:
        tomllib.loads(text)
    return caught.value


@pytest.mark.parametrize(("text", "reason", "where"), BROKEN)
def test_a_mistake_is_named_in_dutch_with_its_place(text, reason, where):
    said = toml_error_text(_error(text))
    assert reason in said and where in said, said
    # None of the parser's English is left.
    assert not re.search(r"\b(Invalid|Illegal|Expected|Cannot|Unclosed|Unescaped|at line)\b", said)


def test_an_unknown_message_keeps_its_words_and_says_the_place_in_dutch():
    exc = tomllib.TOMLDecodeError("Something new (at line 3, column 2)")
    assert toml_error_text(exc) == "Something new, op regel 3, kolom 2"


def test_read_toml_names_what_the_file_is_and_the_file(tmp_path):
    path = tmp_path / "mappings.toml"
    path.write_text('[incidents.fields]\npv_number = ["PV nr"\n', encoding="utf-8")
    with pytest.raises(ValueError) as caught:
        read_toml(path, "Kolomkoppeling van de zone")
    assert str(caught.value) == (
        f"Kolomkoppeling van de zone {path} is geen geldig TOML-bestand: "
        "']' ontbreekt: de lijst is niet gesloten, aan het einde van het bestand"
    )
