"""Word tables: every word of a column on one line, the page width used where text needs it."""

from __future__ import annotations

from docx.shared import Cm, Twips

from dashboard.documents import _docx
from tests.fonts import bold_width

HEADER = ["Deelgemeente", "Wijk", "Feiten (pv's)", "Overlastmeldingen", "Letselongevallen",
          "Verkeersslachtoffers"]  # fmt: skip
ROWS = [
    ["Herent", "Herent-Centrum", "186", "72", "<5", "5"],
    ["Kortenberg", "Kortenberg-Centrum", "57", "31", "<5", "<5"],
    ["", "Totaal Herent", "562", "228", "18", "26"],
]


def _word_need(word: str, size: float) -> int:
    """Width of ``word`` in bold Carlito (Calibri's metric twin) plus the "Table Grid"
    style's cell margins (108 twips a side). Half the point size a character and 0.2 cm of
    margin overrated narrow words ("Verkeersslachtoffers": 0.43) and underrated wide ones
    ("Deelgemeente": 0.51, broken "Deelgemeent | e" in Kortenberg's report)."""
    return bold_width(word, size) + int(Twips(2 * 108))


def test_each_column_holds_its_longest_word_on_a_portrait_page():
    """A municipal report's 'Per wijk' table gave every number column the same share and
    the label columns twice that: 'Overlastmeldinge | n', 'Verkeersslachtoff | ers' (seen in
    the document rendered to PDF)."""
    doc = _docx.new_document("t", "t")
    total = _docx.usable_width(doc)
    widths = _docx.column_widths(HEADER, ROWS, total, numeric_from=2)
    assert sum(widths) <= total
    for j, head in enumerate(HEADER):
        longest = max((w for line in (HEADER, *ROWS) for w in line[j].split()), key=len)
        assert widths[j] >= _word_need(longest, 9), (head, longest)


def test_text_that_fits_gets_its_line_and_labels_get_the_rest():
    widths = _docx.column_widths(["Periode", "Feiten"], [["2024 (01/07/2024 – 30/09/2024)", "498"]],
                                 int(Cm(16)))  # fmt: skip
    assert widths[0] >= _word_need("2024 (01/07/2024 – 30/09/2024)", 9)
    assert widths[0] > 2 * widths[1] * 0.9  # the label column takes most of what is left


def test_a_table_too_wide_for_its_words_is_set_smaller():
    doc = _docx.new_document("t", "t")
    header = [f"Verkeersslachtoffers{k}" for k in range(9)]
    table = _docx.add_table(doc, header, [["1"] * 9])
    size = table.rows[0].cells[0].paragraphs[0].runs[-1].font.size.pt
    assert _docx.MIN_TABLE_FONT <= size < 9
    # A table that fits keeps the size asked for.
    table = _docx.add_table(doc, HEADER, ROWS, numeric_from=2)
    assert table.rows[0].cells[0].paragraphs[0].runs[-1].font.size.pt == 9


def test_a_table_that_fits_a_page_is_kept_on_one_page_and_a_long_one_runs_on():
    """Split by the page end, the last four rows of the briefing's 'Overlast per type'
    stood alone on a page ahead of a page break (seen rendered). A short table keeps every
    row with the next and splits no row; a longer one runs on with its header repeated."""
    from docx.oxml.ns import qn

    doc = _docx.new_document("t", "t")
    short = _docx.add_table(doc, HEADER, ROWS * 5)
    long_rows = [ROWS[0]] * (_docx.KEEP_TOGETHER_ROWS + 1)
    long = _docx.add_table(doc, HEADER, long_rows)

    def kept(row) -> bool:
        return all(p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs)

    def unsplit(row) -> bool:
        return row._tr.trPr is not None and row._tr.trPr.find(qn("w:cantSplit")) is not None

    assert all(kept(r) for r in short.rows[:-1]) and not kept(short.rows[-1])
    assert all(unsplit(r) for r in short.rows)
    assert not any(kept(r) or unsplit(r) for r in long.rows)
    assert long.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_new_document_is_created_and_modified_now():
    """python-docx's template says "last modified 23/12/2013": the documents set the
    creation date and now the modification date too."""
    import io
    from datetime import UTC, datetime, timedelta

    from docx import Document

    before = datetime.now(UTC).replace(tzinfo=None, microsecond=0) - timedelta(seconds=1)
    doc = Document(io.BytesIO(_docx.to_bytes(_docx.new_document("Briefing", "PZ Test"))))
    props = doc.core_properties
    assert (props.title, props.author, props.language) == ("Briefing", "PZ Test", "nl-BE")
    for stamp in (props.created, props.modified):
        assert stamp.replace(tzinfo=None) >= before, stamp
