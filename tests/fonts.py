"""Text widths as Word lays them out, for the tests of the documents' tables."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx.shared import Pt

#: Carlito, Calibri's metric twin (Debian: fonts-crosextra-carlito; .ci/run installs it).
CARLITO_BOLD = Path("/usr/share/fonts/truetype/crosextra/Carlito-Bold.ttf")


def bold_width(text: str, size: float) -> int:
    """Width (EMU) of ``text`` in bold Carlito at ``size`` points; skips without the font."""
    fonttools = pytest.importorskip("fontTools.ttLib")
    if not CARLITO_BOLD.exists():
        pytest.skip("Carlito ontbreekt (apt-get install fonts-crosextra-carlito)")
    font = fonttools.TTFont(CARLITO_BOLD)
    cmap, metrics = font.getBestCmap(), font["hmtx"]
    units = sum(metrics[cmap[ord(ch)]][0] for ch in text)
    return int(Pt(size * units / font["head"].unitsPerEm))
