"""Small python-docx helpers shared by the briefing pack and the municipal report."""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor, Twips

#: Texts that are numbers (counts, differences, signals, suppressed counts): right-aligned.
#: A count of part of its period ends in "*" ("11*", "<5*"; municipal_report.PARTIAL_MARK).
_NUMERIC = re.compile(r"(?:[-+]?[\d.,]+(?: [▲▼]| \([-+]?[\d.,]+\))?|<\d+)\*?|x|–")

#: Cell highlight → (background hex, font colour) for notable changes.
HIGHLIGHTS = {
    "up": ("F8D0CC", RGBColor(0x8B, 0x00, 0x00)),
    "down": ("D5EDD6", RGBColor(0x1B, 0x5E, 0x20)),
}


def new_document(title: str, author: str, landscape: bool = False):
    """A4 document with Dutch language, narrow margins and neutral core properties.

    Parameters
    ----------
    title : str
        Document title (core property).
    author : str
        Author property: the zone, never a person.
    landscape : bool
        A4 landscape (briefings projected on a screen) instead of portrait.
    """
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.8))
    style = doc.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(10)
    # Dutch (Belgium) for spelling and hyphenation in Word.
    rpr = style.element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "nl-BE")
    rpr.append(lang)
    props = doc.core_properties
    props.title = title
    props.author = author
    props.last_modified_by = author
    props.language = "nl-BE"
    props.comments = ""
    # Word reads the core properties' time as UTC. Both dates are set: python-docx's
    # template says the file was last modified in 2013.
    now = datetime.now(UTC).replace(tzinfo=None)
    props.created = now
    props.modified = now
    return doc


def usable_width(doc) -> int:
    """Width between the margins (EMU)."""
    s = doc.sections[-1]
    return s.page_width - s.left_margin - s.right_margin


def title_page(
    doc, title: str, subtitle_lines: Sequence[str], note: str = "", small_lines: Sequence[str] = ()
) -> None:
    """A title page: big title, lines of context, an optional note and small print, then a
    page break."""
    for _ in range(5):
        doc.add_paragraph()
    p = doc.add_paragraph()
    run = p.add_run(title)
    run.bold = True
    run.font.size = Pt(28)
    run.font.color.rgb = RGBColor(0x1F, 0x3A, 0x5F)
    for line in subtitle_lines:
        q = doc.add_paragraph()
        r = q.add_run(line)
        r.font.size = Pt(14)
    if note:
        doc.add_paragraph()
        q = doc.add_paragraph()
        r = q.add_run(note)
        r.italic = True
        r.font.size = Pt(10)
    for line in small_lines:
        r = doc.add_paragraph().add_run(line)
        r.font.size = Pt(8)
        r.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _shade(cell, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.append(shd)


#: Advance widths of the characters of these tables in Calibri, the documents' font, in
#: thousandths of the point size: the larger of bold and regular, measured on Carlito, its
#: metric twin (LibreOffice renders with it), rounded up to ten. One average per character
#: (0.52) was short for words of wide letters: bold "Deelgemeente" is 0.506 a character.
_ADVANCE_GROUPS = (
    (230, " "), (240, "'"), (250, "ilìíîï"), (260, ",j‘’"), (270, ".IÌÍÎÏ·"),
    (280, ":;"), (310, "-`"), (320, "()f"), (330, "![]"), (340, "J²³"), (350, "t{}°"),
    (360, "r"), (400, "sz"), (430, "/L\\cç"), (440, '"“”'), (460, "Fx"), (470, "?"),
    (480, "SZgkvy|ýÿ"), (490, "EÈÉÊË"), (500, "#*+<=>T^_a~×àáâãäå÷–"),
    (510, "$0123456789eèéêë€"), (520, "YÝ"), (540, "CPbdhnopquÇÞðñòóôõöùúûüþ"),
    (550, "Kø"), (560, "Xß"), (570, "BR"), (600, "V"), (610, "AÀÁÂÃÄÅ"), (640, "DGHÐ"),
    (660, "NUÑÙÚÛÜ"), (680, "OÒÓÔÕÖ"), (690, "QØ"), (710, "&"), (720, "…"), (730, "%"),
    (750, "w"), (780, "Ææ"), (820, "m"), (880, "M"), (900, "@"), (910, "W—"),
)  # fmt: skip
_ADVANCE = {ch: width for width, chars in _ADVANCE_GROUPS for ch in chars}
#: Any other character (▲, ▼ from a fallback font): as wide as the widest above.
_ADVANCE_OTHER = 910
#: A cell's left + right margin: 108 twips (0.19 cm) a side in the "Table Grid" style of
#: python-docx's template (0.25 cm for both broke "Deelgemeent | e"), plus a point for the
#: borders and the rounding of widths to whole twips.
_CELL_MARGIN = Twips(2 * 108) + Pt(1)
#: Smallest point size a table is set in to keep its words whole.
MIN_TABLE_FONT = 7.0


def _em(text: str) -> float:
    """Width of ``text`` in Calibri (bold or regular), in points per point of font size."""
    return sum(_ADVANCE.get(ch, _ADVANCE_OTHER) for ch in text) / 1000


def _lengths(
    header: Sequence[str], rows: Sequence[Sequence[object]]
) -> tuple[list[float], list[float]]:
    """Per column, the width (em) of its longest word and of its longest text."""
    word, text = [0.5] * len(header), [0.5] * len(header)
    for line in (header, *rows):
        for j, value in enumerate(line):
            cell = str("" if value is None else value)
            word[j] = max(word[j], *(_em(w) for w in cell.split()), 0.5)
            text[j] = max(text[j], _em(cell))
    return word, text


def _emu(em: float, font_size: float) -> int:
    return int(Pt(font_size * em) + _CELL_MARGIN)


def column_widths(
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    total: int,
    numeric_from: int = 1,
    font_size: float = 9,
) -> list[int]:
    """Column widths (EMU) that keep every word on one line, and text unbroken where it fits.

    The way a browser lays out a table: each column needs room for its longest word
    (header or cell: "Verkeersslachtoffers", "Kortenberg-Centrum") and would like room for
    its longest text on one line. When all of that fits, every column gets its longest
    text and what is left goes to the label columns twice as much as to the number
    columns; otherwise each column gets its longest word plus a share of the rest in
    proportion to how much more its text would like. Equal shares broke long headers
    mid-word ("Overlastmeldinge | n").
    """
    n = len(header)
    word, text = _lengths(header, rows)
    least = [_emu(k, font_size) for k in word]
    most = [_emu(k, font_size) for k in text]
    if sum(most) <= total:
        weights = [2.0 if j < numeric_from else 1.0 for j in range(n)]
        spare = total - sum(most)
        return [most[j] + int(spare * weights[j] / sum(weights)) for j in range(n)]
    if sum(least) >= total:
        return [int(total * w / sum(least)) for w in least]
    share = (total - sum(least)) / (sum(most) - sum(least))
    return [least[j] + int((most[j] - least[j]) * share) for j in range(n)]


#: Tables with at most this many rows are kept on one page (a landscape A4 page holds some
#: 30 rows of 9 pt); longer ones run on, their header repeated.
KEEP_TOGETHER_ROWS = 25


def add_table(
    doc,
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    numeric_from: int = 1,
    bold_last: bool = False,
    highlight: Callable[[int, int], str | None] | None = None,
    font_size: float = 9,
):
    """A table with a shaded header, numbers right-aligned, optional cell highlights.

    Parameters
    ----------
    header : sequence of str
    rows : sequence of sequences
        Cell texts (already formatted).
    numeric_from : int
        From this column on, cells holding a number (or ``<5``, ``x``) are right-aligned.
    bold_last : bool
        Print the last row (a total) in bold.
    highlight : callable, optional
        ``(row, col) -> "up" | "down" | None`` for coloured cells.
    font_size : float
        Point size of the cell text.
    """
    # A table whose longest words do not fit the page at this size is set smaller: the
    # largest half point at which they do (widths grow linearly with the size).
    total = usable_width(doc)
    words = sum(_lengths(header, rows)[0])
    fitting = (total - len(header) * _CELL_MARGIN) / (Pt(1) * words)
    font_size = max(MIN_TABLE_FONT, min(font_size, math.floor(fitting * 2) / 2))
    widths = column_widths(header, rows, total, numeric_from, font_size)
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for j, text in enumerate(header):
        cell = table.rows[0].cells[j]
        cell.text = ""
        run = cell.paragraphs[0].add_run(str(text))
        run.bold = True
        run.font.size = Pt(font_size)
        _shade(cell, "DCE6F1")
    for i, row in enumerate(rows):
        cells = table.add_row().cells
        for j, value in enumerate(row):
            paragraph = cells[j].paragraphs[0]
            run = paragraph.add_run("" if value is None else str(value))
            run.font.size = Pt(font_size)
            if j >= numeric_from and _NUMERIC.fullmatch(run.text.strip()):
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if bold_last and i == len(rows) - 1:
                run.bold = True
            mark = highlight(i, j) if highlight else None
            if mark in HIGHLIGHTS:
                fill, colour = HIGHLIGHTS[mark]
                _shade(cells[j], fill)
                run.font.color.rgb = colour
                run.bold = True
    table.autofit = False
    for j, column in enumerate(table.columns):
        column.width = widths[j]  # the grid, which LibreOffice reads
    for row in table.rows:
        for j, cell in enumerate(row.cells):
            cell.width = widths[j]
    # Repeat the header row on every page of a long table.
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header_flag = OxmlElement("w:tblHeader")
    header_flag.set(qn("w:val"), "true")
    tr_pr.append(header_flag)
    if len(rows) <= KEEP_TOGETHER_ROWS:
        # A table that fits a page moves to the next one whole: split by the page end, a
        # few rows stood alone on a page ahead of a page break (the briefing's "Overlast
        # per type", rendered). Every row keeps with the next and none is split.
        for row in table.rows[:-1]:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True
        for row in table.rows:
            cant_split = OxmlElement("w:cantSplit")
            cant_split.set(qn("w:val"), "true")
            row._tr.get_or_add_trPr().append(cant_split)
    return table


def add_picture(
    doc,
    png: bytes,
    width_fraction: float = 1.0,
    max_height: int | None = None,
    alt: str = "",
) -> None:
    """Embed a PNG at a fraction of the usable page width, centred.

    With ``max_height`` (EMU) a picture that would be taller is scaled down to that height,
    its aspect ratio kept (two maps of the municipal report on one page). ``alt``: the
    picture's description (alternative text), read out by a screen reader and shown by Word
    where the picture cannot be (the images had none; an audit).
    """
    shape = doc.add_picture(io.BytesIO(png), width=int(usable_width(doc) * width_fraction))
    if alt:
        shape._inline.docPr.set("descr", alt)
    if max_height is not None and shape.height > max_height:
        shape.width = int(shape.width * max_height / shape.height)
        shape.height = max_height
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER


def small_note(doc, text: str) -> None:
    """A small italic paragraph (table footnotes, sources)."""
    p = doc.add_paragraph()
    run = p.add_run(text)
    run.italic = True
    run.font.size = Pt(8)


def page_break(doc) -> None:
    """Start a new page."""
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def to_bytes(doc) -> bytes:
    """Serialise a document to .docx bytes."""
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
