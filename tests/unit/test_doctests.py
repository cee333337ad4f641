"""The examples in the docstrings (``>>>``) hold: they document behaviour, so they are run."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
MODULES = sorted(
    ".".join(path.relative_to(REPO).with_suffix("").parts)
    for package in ("dashboard", "etl")
    for path in (REPO / package).rglob("*.py")
    if ">>>" in path.read_text(encoding="utf-8") and "views" not in path.parts
    and path.name != "app.py"
)  # fmt: skip


def test_there_are_examples():
    assert len(MODULES) >= 5, MODULES


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} van {result.attempted} voorbeelden in {name}"
