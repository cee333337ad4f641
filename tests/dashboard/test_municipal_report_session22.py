"""The municipal report as a reviewer saw it rendered (Word → PDF → PNG): a header broken
mid-word, the hexagon map alone on a page, a running year not marked incomplete on the
title page, and an evolution chart without headroom whose year colours changed meaning."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm, Twips

from tests.fonts import bold_width

HERENT, KORTENBERG = "24038", "24055"


def _version():
    from dashboard.queries import warehouse_version

    return warehouse_version()


def _report(nis: str, kind: str, year: int, part: int = 0):
    from dashboard.documents import municipal_report as mr

    return mr.cached_report(_version(), nis, kind, year, part)


def _style_margins(doc) -> int:
    """Left + right cell margin of the "Table Grid" style (EMU)."""
    mar = doc.styles["Table Grid"].element.find(qn("w:tblPr")).find(qn("w:tblCellMar"))
    return sum(
        int(Twips(int(mar.find(qn(f"w:{side}")).get(qn("w:w"))))) for side in ("left", "right")
    )


# --------------------------------------------------------------------------------------
# 1. Header words never break mid-word
# --------------------------------------------------------------------------------------


def test_deelgemeente_header_fits_when_every_name_is_shorter(demo_warehouse):
    """Kortenberg's "Per wijk": every deelgemeente name is shorter than "Deelgemeente",
    so the column got the width the estimate gave that word; with 0.25 cm for both
    margins (the style has 0.19 cm a side) and 0.52 em a character, LibreOffice broke it
    "Deelgemeent / e". Every header word (bold) now fits its cell between the margins."""
    from dashboard.documents import municipal_report as mr

    for nis in (KORTENBERG, HERENT):
        doc = Document(io.BytesIO(mr.report_docx(_report(nis, "jaar", 2025))))
        margins = _style_margins(doc)
        for table in doc.tables:
            grid = [int(Twips(int(c.get(qn("w:w"))))) for c in table._tbl.tblGrid.gridCol_lst]
            for j, cell in enumerate(table.rows[0].cells):
                run = cell.paragraphs[0].runs[-1]
                for word in run.text.split():
                    need = bold_width(word, run.font.size.pt)
                    assert grid[j] - margins >= need, (nis, run.text, word, grid[j], need)


def test_header_word_fits_in_column_widths_of_a_narrow_label_column():
    from dashboard.documents import _docx

    doc = _docx.new_document("t", "t")
    header = ["Deelgemeente", "Wijk", "Feiten (pv's)", "Overlastmeldingen", "Letselongevallen",
              "Verkeersslachtoffers"]  # fmt: skip
    rows = [
        ["Kortenberg", "Kortenberg-Centrum", "353", "125", "x", "21"],
        ["Erps-Kwerps", "Erps-Kwerps-Noord", "75", "17", "<5", "<5"],
        ["Meerbeek", "Meerbeek", "307", "120", "16", "22"],
        ["", "Totaal Kortenberg", "1.517", "645", "61", "82"],
    ]
    table = _docx.add_table(doc, header, rows, numeric_from=2)
    size = table.rows[0].cells[0].paragraphs[0].runs[-1].font.size.pt
    widths = [int(c.width) for c in table.columns]
    assert sum(widths) <= _docx.usable_width(doc) + len(widths) * Twips(1)  # whole twips
    margins = _style_margins(doc)
    for j, head in enumerate(header):
        for word in head.split():
            assert widths[j] - margins >= bold_width(word, size), (word, widths[j])


# --------------------------------------------------------------------------------------
# 2. Both maps on one page
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("nis", [HERENT, KORTENBERG])
def test_both_maps_and_their_captions_fit_one_page(demo_warehouse, nis):
    """ "Boven per wijk …; daaronder per zeshoek": at 80 % of the width the maps were
    13.7-17.4 cm tall and the hexagon map always landed on the next page. Each is now at
    most 11 cm tall, its aspect ratio kept, so heading, text and both maps fill one page."""
    from PIL import Image

    from dashboard.documents import municipal_report as mr

    data = _report(nis, "jaar", 2025)
    images = mr.report_images(data)
    doc = Document(io.BytesIO(mr.report_docx(data, images)))
    shapes = list(doc.inline_shapes)
    assert len(shapes) == 3
    section = doc.sections[-1]
    usable = section.page_height - section.top_margin - section.bottom_margin
    for shape, key in zip(shapes[1:], ("wijkkaart", "zeshoekkaart"), strict=True):
        assert shape.height <= Cm(11), (key, shape.height.cm)
        px_w, px_h = Image.open(io.BytesIO(images[key])).size
        assert shape.width / shape.height == pytest.approx(px_w / px_h, rel=0.01), key
    # Heading and two lines of text: 3 cm.
    assert shapes[1].height + shapes[2].height <= usable - Cm(3)
    # Nothing after the maps to spill onto a page of its own: the next section starts a
    # page by its heading, not by an empty paragraph holding a break.
    body = list(doc.element.body.iterchildren(qn("w:p")))
    after = body[[i for i, p in enumerate(body) if p.findall(".//" + qn("wp:inline"))][-1] + 1]
    heading = next(p for p in doc.paragraphs if p._p is after)
    assert heading.text.startswith("8. ") and heading.paragraph_format.page_break_before


# --------------------------------------------------------------------------------------
# 3. A running period says so on the title page and in the title
# --------------------------------------------------------------------------------------


def _title_page(doc) -> list[str]:
    texts = []
    for p in doc.paragraphs:
        if any(br.get(qn("w:type")) == "page" for br in p._p.iter(qn("w:br"))):
            break
        texts.append(p.text)
    return texts


def test_a_running_year_is_marked_incomplete_on_the_title_page_and_in_the_title(
    demo_warehouse,
):
    """docs/SECURITY.md: a running period is marked "onvolledig" in the document. The title
    page and the title property said "jaar 2026 (01/01/2026 – 31/10/2026)"; only an italic
    line on page 2 said the data do not cover the period."""
    from dashboard.components.format import fmt_date
    from dashboard.documents import municipal_report as mr

    data = _report(KORTENBERG, "jaar", 2026)
    assert not data.complete and data.end < data.period.end
    doc = Document(io.BytesIO(mr.report_docx(data)))
    reach = fmt_date(data.end)
    title_page = " ".join(_title_page(doc))
    assert "onvolledig" in title_page.lower() and f"tot en met {reach}" in title_page
    title = doc.core_properties.title
    assert "onvolledig" in title and reach in title, title
    # A complete period says nothing of the kind.
    doc = Document(io.BytesIO(mr.report_docx(_report(KORTENBERG, "jaar", 2025))))
    assert "onvolledig" not in " ".join(_title_page(doc)).lower()
    assert "onvolledig" not in doc.core_properties.title


# --------------------------------------------------------------------------------------
# 4. The evolution chart: headroom and colours per role
# --------------------------------------------------------------------------------------


def test_trend_chart_leaves_headroom_above_the_tallest_label(figures):
    """The label "908" of the tallest bar touched the top of the plot, under the title."""
    from dashboard.documents import charts

    charts.trend_chart(
        ["2024", "2025", "2026"],
        {"Feiten (pv's)": [880, 856, 908], "Overlastmeldingen": [400, 420, 410]},
        title="Herent: dezelfde periode per jaar",
    )
    [fig] = figures
    [ax] = fig.axes
    renderer = fig.canvas.get_renderer()
    top = ax.get_window_extent(renderer).y1
    label = max((t for t in ax.texts), key=lambda t: t.get_window_extent(renderer).y1)
    box = label.get_window_extent(renderer)
    assert label.get_text() == "908"
    assert top - box.y1 >= box.height, (top, box.y1, box.height)


def test_the_images_of_an_incomplete_report_say_so(demo_warehouse, figures):
    """Taken out of the report, the wijk map said "jaar 2026" and the trend "dezelfde
    periode per jaar" where they counted 1 January to the data's last day (an audit)."""
    from dashboard.documents import municipal_report as mr

    def titles() -> list[str]:
        out = []
        for fig in figures:
            out += [t.get_text() for t in fig.texts] + [ax.get_title(loc="left") for ax in fig.axes]
            out += [fig._suptitle.get_text()] if fig._suptitle is not None else []
        return [t for t in out if t]

    data = _report(KORTENBERG, "jaar", 2026)
    assert data.incomplete_text
    mr.report_images(data)
    shown = titles()
    span = f"{data.start:%d/%m} – {data.end:%d/%m}, onvolledig"
    assert any(t.startswith("Kortenberg: dezelfde periode per jaar") and span in t for t in shown)
    assert any(
        t.startswith("Feiten (pv's) per wijk, jaar 2026 (") and "onvolledig" in t for t in shown
    ), shown
    figures.clear()
    mr.report_images(_report(KORTENBERG, "jaar", 2025))
    assert not any("onvolledig" in t for t in titles())


def _image_descriptions(docx: bytes) -> list[str]:
    """The alternative text of every picture in a Word file."""
    import zipfile

    body = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode()
    return [m.group(1) for m in re.finditer(r"<wp:docPr [^>]*?descr=\"([^\"]*)\"", body)] + [
        "" for m in re.finditer(r"<wp:docPr (?![^>]*descr=)[^>]*>", body)
    ]


def test_every_picture_of_the_report_and_the_pack_has_a_description(demo_warehouse):
    """The images had no alternative text (an audit): a screen reader read nothing."""
    from dashboard.documents import briefing_pack as bp
    from dashboard.documents import municipal_report as mr

    report = _image_descriptions(mr.report_docx(_report(HERENT, "jaar", 2025)))
    assert len(report) >= 3 and all(report), report
    from dash_helpers import anchor

    pack = _image_descriptions(bp.briefing_docx(bp.collect_briefing(_version(), "28d", anchor())))
    assert len(pack) >= 2 and all(pack), pack


def _bar_colours(fig) -> dict[str, tuple]:
    """Legend entry (year) → face colour of its bars."""
    [ax] = fig.axes
    return {c.get_label(): tuple(c.patches[0].get_facecolor()) for c in ax.containers}


def test_trend_chart_colours_follow_the_role_of_the_year(figures):
    """2024 was orange in the 2025 report (the previous year) and grey in the 2026 report.
    The report's own period is always the briefing's red, the same period a year earlier
    the briefing's grey for "Vorig jaar" (orange means the previous period there), and
    older years lighter greys, the same sequence in every report."""
    from matplotlib.colors import to_rgba

    from dashboard.documents import charts

    series = {"Feiten (pv's)": [5, 6, 7, 8]}
    charts.trend_chart(["2025", "2026"], {k: v[-2:] for k, v in series.items()})
    charts.trend_chart(["2024", "2025", "2026"], {k: v[-3:] for k, v in series.items()})
    charts.trend_chart(["2023", "2024", "2025", "2026"], series)
    two, three, four = (_bar_colours(f) for f in figures)
    own, last_year = to_rgba(charts.PERIOD_COLOURS[0]), to_rgba(charts.PERIOD_COLOURS[2])
    for colours in (two, three, four):
        assert colours["2026"] == own and colours["2025"] == last_year
        assert to_rgba(charts.PERIOD_COLOURS[1]) not in colours.values()  # no orange
        assert len(set(colours.values())) == len(colours)
    assert three["2024"] == four["2024"]
