"""Black-spot exports: the ranked list as Excel and a one-page Word advice per location.

The Excel file is for the policy cell and the road authority's engineers (one row per
location, every criterion in its own column, the parameters on a second sheet). The Word
note backs an advice to the road authority (gemeente or Agentschap Wegen en Verkeer) about
one location: where it is, why it qualifies (criteria and the score with its arithmetic),
its accident history and a small map drawn with matplotlib from the accidents and the wijk
outline (no background tiles: nothing is downloaded).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd

from dashboard.analysis.blackspots import RuleParams
from dashboard.components.format import (
    fmt_date,
    fmt_datetime,
    fmt_int,
    fmt_number,
    neutralise_cell,
)
from etl.config import zone_now, zone_today

__all__ = [
    "RANKING_HEADERS",
    "ScoreParams",
    "location_docx",
    "location_map_png",
    "ranking_xlsx",
    "score_breakdown",
    "score_formula",
]

#: Ranking column → Dutch header of the Excel sheet, in sheet order.
RANKING_HEADERS: dict[str, str] = {
    "rang": "Rang",
    "status": "Status",
    "street": "Straat",
    "wijk": "Wijk",
    "n_injury_accidents": "Letselongevallen",
    "meets_accidents": "Criterium letselongevallen",
    "n_killed": "Doden",
    "n_seriously": "Zwaargewonden",
    "n_lightly": "Lichtgewonden",
    "n_vulnerable_victims": "Kwetsbare slachtoffers",
    "score": "Prioriteitsscore",
    "meets_score": "Criterium score",
    "is_black_spot": "Gevaarlijk punt",
    "is_candidate": "Kandidaat (net onder de drempel)",
    "first_date": "Eerste ongeval",
    "last_date": "Laatste ongeval",
    "x": "X (Lambert 72)",
    "y": "Y (Lambert 72)",
    "radius_m": "Straal (m)",
    "location_id": "Locatie-id",
}

_CLASSES = (
    ("killed", "Gedood binnen 30 dagen", "weight_killed"),
    ("seriously", "Zwaargewond", "weight_seriously"),
    ("lightly", "Lichtgewond", "weight_lightly"),
)
_SEVERITY_CLASSES = {
    "Gedood binnen 30 dagen": "killed",
    "Dodelijk": "killed",
    "Zwaargewond": "seriously",
    "Lichtgewond": "lightly",
}


@dataclass(frozen=True)
class ScoreParams(RuleParams):
    """The parts of the black-spot rule the documents state (any object with these
    attributes works, e.g. :class:`dashboard.queries.blackspots.BlackSpotParams`)."""


def _num(value: float) -> str:
    """A rule number without needless decimals: ``5``, ``1,7``, ``18,6``."""
    value = float(value)
    if value == round(value):
        return fmt_int(value)
    return fmt_number(value, 2).rstrip("0").rstrip(",")


def _yes_no(value) -> str:
    return "ja" if bool(value) else "nee"


# --------------------------------------------------------------------------------------
# Score arithmetic
# --------------------------------------------------------------------------------------


def score_breakdown(
    victims: pd.DataFrame, params=ScoreParams(), accidents: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The priority score of a location as terms: class × weight (× factor).

    Parameters
    ----------
    victims : pandas.DataFrame
        The location's victims: ``accident_id``, ``severity``, ``road_user``.
    params : ScoreParams or BlackSpotParams
        Weights, factor and the vulnerable road users.
    accidents : pandas.DataFrame, optional
        The location's accidents with ``accident_id``, ``killed``, ``seriously_injured``,
        ``lightly_injured``. Accidents without victim rows are scored from these counts
        without the factor (road user unknown), as the ranking does.

    Returns
    -------
    pandas.DataFrame
        One row per non-empty term: ``klasse``, ``kwetsbaar`` (bool or ``None`` when the
        road user is unknown), ``aantal``, ``gewicht``, ``factor``, ``punten``. The sum of
        ``punten`` is the location's score.
    """
    vulnerable = set(params.vulnerable_road_users)
    cls = victims["severity"].map(_SEVERITY_CLASSES)
    is_vul = victims["road_user"].isin(vulnerable)
    rows = []
    for key, label, weight_name in _CLASSES:
        weight = float(getattr(params, weight_name))
        for vul in (True, False):
            n = int(((cls == key) & (is_vul == vul)).sum())
            if n:
                factor = float(params.vulnerable_factor) if vul else 1.0
                rows.append((label, vul, n, weight, factor, round(n * weight * factor, 6)))
    if accidents is not None and not accidents.empty:
        without = accidents[~accidents["accident_id"].isin(victims["accident_id"])]
        for (_key, label, weight_name), column in zip(
            _CLASSES, ("killed", "seriously_injured", "lightly_injured"), strict=True
        ):
            n = int(pd.to_numeric(without.get(column, pd.Series(dtype=float))).fillna(0).sum())
            if n:
                weight = float(getattr(params, weight_name))
                rows.append((label, None, n, weight, 1.0, round(n * weight, 6)))
    return pd.DataFrame(
        rows, columns=["klasse", "kwetsbaar", "aantal", "gewicht", "factor", "punten"]
    )


def score_formula(breakdown: pd.DataFrame) -> str:
    """The score's arithmetic in Dutch notation: ``1 × 3 × 1,7 + 2 × 1 = 7,1``.

    Parameters
    ----------
    breakdown : pandas.DataFrame
        From :func:`score_breakdown`.
    """
    if breakdown.empty:
        return "0"
    terms = []
    for r in breakdown.itertuples(index=False):
        term = f"{fmt_int(r.aantal)} × {_num(r.gewicht)}"
        if r.factor != 1.0:
            term += f" × {_num(r.factor)}"
        terms.append(term)
    return f"{' + '.join(terms)} = {_num(round(float(breakdown['punten'].sum()), 6))}"


def _status(row: Mapping) -> str:
    if row.get("is_black_spot"):
        return "Gevaarlijk punt"
    if row.get("is_candidate"):
        return "Kandidaat"
    return "Geen"


# --------------------------------------------------------------------------------------
# Excel
# --------------------------------------------------------------------------------------


def coverage_note(window: tuple[date, date], first: date | None, last: date | None) -> str | None:
    """What the page, the list and the advice say when the zone's own registration does not
    cover the whole window of the rule; ``None`` when it does.

    The rule counts injury accidents over years: a window reaching before the first export
    (or after the last day of data) holds fewer accidents than the location had, and a
    location can miss the thresholds for the data that are missing, not for its safety.
    """
    start, end = window
    if first is not None and last is not None and first <= start and end <= last:
        return None
    if first is None or last is None or last < start or first > end:
        return (
            f"De eigen registratie van de zone dekt dit venster ({fmt_date(start)} – "
            f"{fmt_date(end)}) niet: er is geen oordeel mogelijk."
        )
    lo, hi = max(start, first), min(end, last)
    months = round((hi - lo).days / 30.4375)
    total = round(((end - start).days + 1) / 30.4375)
    return (
        f"De eigen registratie van de zone dekt maar {fmt_date(lo)} – {fmt_date(hi)}, "
        f"ongeveer {months} van de {total} maanden van het venster: een locatie kan de "
        "drempels missen doordat gegevens ontbreken, niet doordat ze veilig is."
    )


def ranking_xlsx(
    ranking: pd.DataFrame,
    params=ScoreParams(),
    *,
    window: tuple[date, date] | None = None,
    zone_name: str = "",
    wijk_names: Mapping[str, str] | None = None,
    source_label: str = "Eigen registratie van de zone (Statbel niet meegeteld)",
    coverage: str | None = None,
) -> bytes:
    """The black-spot list as an Excel workbook.

    Parameters
    ----------
    ranking : pandas.DataFrame
        Rows of :func:`dashboard.queries.blackspots.ranking` to export (e.g. black spots
        and candidates), in rank order.
    params : ScoreParams or BlackSpotParams
        The rule used; written to the sheet "Parameters".
    window : (date, date), optional
        First and last day of the accidents taken into account.
    zone_name : str
        Name of the police zone.
    wijk_names : mapping, optional
        Wijk code → name for the "Wijk" column.
    source_label : str
        Which accidents were used.
    coverage : str, optional
        :func:`coverage_note` when the data do not cover the whole window: a row of its
        own on the sheet "Parameters".

    Returns
    -------
    bytes
        An ``.xlsx`` file with the sheets "Gevaarlijke punten" and "Parameters". Text that
        a spreadsheet would run as a formula (a street ``=HYPERLINK(...)`` in a police
        export) is written as text, prefixed with ``'``, as in every other export.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    frame = ranking.copy()
    frame["status"] = [_status(r) for r in frame.to_dict("records")]
    names = dict(wijk_names or {})
    frame["wijk"] = frame.get("wijk_code", pd.Series(index=frame.index, dtype=object)).map(
        lambda c: names.get(c, c) if isinstance(c, str) else ""
    )
    if "rang" not in frame:
        frame["rang"] = np.arange(1, len(frame) + 1)

    wb = Workbook()
    ws = wb.active
    ws.title = "Gevaarlijke punten"
    columns = [c for c in RANKING_HEADERS if c in frame.columns]
    ws.append([neutralise_cell(RANKING_HEADERS[c]) for c in columns])
    bold = Font(bold=True)
    for cell in ws[1]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for record in frame[columns].to_dict("records"):
        row = []
        for col in columns:
            value = record[col]
            if col in ("meets_accidents", "meets_score", "is_black_spot", "is_candidate"):
                value = _yes_no(value)
            elif isinstance(value, (pd.Timestamp, datetime)):
                value = value.date()
            elif value is None or (isinstance(value, float) and np.isnan(value)):
                value = None
            elif isinstance(value, np.integer):
                value = int(value)
            elif isinstance(value, np.floating):
                value = round(float(value), 2)
            row.append(neutralise_cell(value))
        ws.append(row)
    red = PatternFill("solid", fgColor="F8CBAD")
    amber = PatternFill("solid", fgColor="FFE699")
    status_col = columns.index("status") + 1
    for r in range(2, ws.max_row + 1):
        status = ws.cell(r, status_col).value
        fill = red if status == "Gevaarlijk punt" else amber if status == "Kandidaat" else None
        if fill:
            ws.cell(r, status_col).fill = fill
        for c, col in enumerate(columns, start=1):
            cell = ws.cell(r, c)
            if col in ("first_date", "last_date"):
                cell.number_format = "DD/MM/YYYY"
            elif col == "score":
                cell.number_format = "0.0"
            elif col in ("x", "y", "radius_m"):
                cell.number_format = "0"
    widths = {"street": 28, "wijk": 20, "status": 16}
    for c, col in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(c)].width = widths.get(col, 14)
    ws.freeze_panes = "A2"

    ps = wb.create_sheet("Parameters")
    ps.append(["Parameter", "Waarde"])
    for cell in ps[1]:
        cell.font = bold
    rows = [
        ("Zone", zone_name),
        ("Bron", source_label),
        ("Venster: eerste dag", window[0] if window else None),
        ("Venster: laatste dag", window[1] if window else None),
        *([("Dekking van het venster", coverage)] if coverage else []),
        ("Aantal jaren", int(params.years)),
        ("Clusterafstand (m)", float(params.distance_m)),
        ("Minimum aantal letselongevallen", int(params.min_injury_accidents)),
        ("Minimum prioriteitsscore", float(params.min_score)),
        ("Gewicht gedood binnen 30 dagen", float(params.weight_killed)),
        ("Gewicht zwaargewond", float(params.weight_seriously)),
        ("Gewicht lichtgewond", float(params.weight_lightly)),
        ("Factor kwetsbare weggebruikers", float(params.vulnerable_factor)),
        ("Kwetsbare weggebruikers", ", ".join(params.vulnerable_road_users)),
        ("Aangemaakt op", zone_now()),
    ]
    for name, value in rows:
        ps.append([neutralise_cell(name), neutralise_cell(value)])
        cell = ps.cell(ps.max_row, 2)
        if isinstance(value, datetime):
            cell.number_format = "DD/MM/YYYY HH:MM"
        elif isinstance(value, date):
            cell.number_format = "DD/MM/YYYY"
    ps.column_dimensions["A"].width = 36
    ps.column_dimensions["B"].width = 60
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------------------
# Static map (matplotlib, no tiles)
# --------------------------------------------------------------------------------------

SEVERITY_COLOURS = {
    "Dodelijk": "#000000",
    "Zwaargewond": "#d7191c",
    "Lichtgewond": "#fdae61",
    "Stoffelijke schade": "#2c7bb6",
}


def location_map_png(
    accidents: pd.DataFrame,
    centre: tuple[float, float],
    radius_m: float,
    outlines: Sequence[tuple[str, str]] = (),
    half_width_m: float = 200.0,
    title: str = "",
) -> bytes:
    """Two small maps of one location in Lambert 72: where in its wijk, and up close.

    Left: the wijk(s) around the location with their outlines and the location marked.
    Right: the location's accidents by severity, its circle and a 100 m scale bar. No
    background tiles (nothing is downloaded), so streets are not drawn.

    Parameters
    ----------
    accidents : pandas.DataFrame
        ``x``, ``y`` (Lambert 72) and ``severity``.
    centre : (float, float)
        Location centre (Lambert 72).
    radius_m : float
        Radius of the drawn circle (at least 15 m so a one-point location stays visible).
    outlines : sequence of (name, WKT)
        Wijk polygons in Lambert 72.
    half_width_m : float
        Half the side of the square detail view.
    title : str
        Title above the maps.

    Returns
    -------
    bytes
        PNG image (about 17 × 8 cm at 150 dpi).
    """
    from matplotlib.patches import Circle, Rectangle
    from shapely import wkt as shapely_wkt
    from shapely.geometry import Point

    from dashboard.components.static_map import new_figure

    cx, cy = centre
    shapes = [(name, shapely_wkt.loads(text)) for name, text in outlines if text]
    # The overview shows the wijk holding the location (or the nearest, for a point on a
    # border or just outside), so the reader recognises the area.
    here = Point(cx, cy)
    home = [g for _, g in shapes if g.contains(here)] or sorted(
        (g for _, g in shapes), key=lambda g: g.distance(here)
    )[:1]
    fig = new_figure((6.8, 3.3), 150)
    overview, detail = fig.subplots(1, 2)
    for ax in (overview, detail):
        ax.set_facecolor("#f4f4f2")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_aspect("equal")
        for _name, geom in shapes:
            for poly in getattr(geom, "geoms", [geom]):
                xs, ys = poly.exterior.xy
                ax.plot(xs, ys, color="#333333", linewidth=1.0)
    if home:
        minx, miny, maxx, maxy = home[0].buffer(300).bounds
    else:
        minx, miny, maxx, maxy = cx - 1500, cy - 1500, cx + 1500, cy + 1500
    for name, geom in shapes:
        point = geom.representative_point()
        if minx <= point.x <= maxx and miny <= point.y <= maxy:
            overview.annotate(name, (point.x, point.y), fontsize=6, ha="center", color="#333333")
    overview.add_patch(
        Rectangle(
            (cx - half_width_m, cy - half_width_m),
            2 * half_width_m,
            2 * half_width_m,
            fill=False,
            color="#7b3294",
            linewidth=1.2,
        )
    )
    overview.scatter([cx], [cy], s=18, color="#7b3294", zorder=3)
    overview.set_xlim(minx, maxx)
    overview.set_ylim(miny, maxy)
    overview.set_title("Ligging in de wijk", fontsize=7)

    detail.add_patch(
        Circle((cx, cy), max(float(radius_m), 15.0), fill=False, color="#7b3294", linewidth=1.2)
    )
    for severity, group in accidents.groupby("severity"):
        detail.scatter(
            group["x"],
            group["y"],
            s=22,
            color=SEVERITY_COLOURS.get(severity, "#666666"),
            edgecolor="#222222",
            linewidth=0.5,
            label=f"{severity} ({len(group)})",
            zorder=3,
        )
    x0, y0 = cx - half_width_m * 0.9, cy - half_width_m * 0.9
    detail.plot([x0, x0 + 100], [y0, y0], color="#222222", linewidth=2)
    detail.annotate("100 m", (x0 + 50, y0 + half_width_m * 0.04), fontsize=6, ha="center")
    detail.set_xlim(cx - half_width_m, cx + half_width_m)
    detail.set_ylim(cy - half_width_m, cy + half_width_m)
    detail.set_title("Ongevallen op de locatie", fontsize=7)
    if len(accidents):
        detail.legend(loc="upper right", fontsize=5.5, framealpha=0.9)
    if title:
        fig.suptitle(title, fontsize=8)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


# --------------------------------------------------------------------------------------
# Word
# --------------------------------------------------------------------------------------

#: Most accident rows in the one-page note; older ones are summarised in a sentence.
MAX_HISTORY_ROWS = 12


def location_docx(
    location: Mapping,
    accidents: pd.DataFrame,
    victims: pd.DataFrame,
    params=ScoreParams(),
    *,
    window: tuple[date, date] | None = None,
    zone_name: str = "",
    wijk_name: str = "",
    map_png: bytes | None = None,
    coverage: str | None = None,
) -> bytes:
    """A one-page Word note on one location, for an advice to the road authority.

    Parameters
    ----------
    location : mapping
        One row of :func:`dashboard.queries.blackspots.ranking` (``rang``, ``street``,
        ``x``, ``y``, ``n_injury_accidents``, ``score``, ``is_black_spot``, ...).
    accidents : pandas.DataFrame
        The location's accidents (:func:`dashboard.queries.blackspots.location_accidents`).
    victims : pandas.DataFrame
        Their victims (:func:`dashboard.queries.blackspots.location_victims`).
    params : ScoreParams or BlackSpotParams
        The rule used.
    window : (date, date), optional
        The period the rule looked at.
    zone_name, wijk_name : str
        Names for the heading and the location table.
    map_png : bytes, optional
        Image from :func:`location_map_png`.
    coverage : str, optional
        :func:`coverage_note` when the data do not cover the whole window: said right
        under the introduction, in bold (the advice must not read as a full judgement).

    Returns
    -------
    bytes
        A ``.docx`` file.
    """
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    from dashboard.documents import _docx

    street = location.get("street") or "onbekende straat"
    status = _status(location)
    # A4 portrait, Dutch (nl-BE), the zone as author, today's dates (not python-docx's
    # template: author "python-docx", created 2013), like the other documents.
    doc = _docx.new_document(
        f"Advies aan de wegbeheerder – {status}: {street}", zone_name or "Wijkbeeld"
    )
    section = doc.sections[0]
    section.top_margin = section.bottom_margin = Cm(1.5)
    style = doc.styles["Normal"]
    style.font.size = Pt(9.5)
    style.paragraph_format.space_after = Pt(3)
    heading = doc.add_heading(f"{status}: {street}", level=1)
    heading.paragraph_format.space_after = Pt(2)
    window_text = f"{fmt_date(window[0])} – {fmt_date(window[1])}" if window else "–"
    intro = doc.add_paragraph()
    intro.add_run(
        f"{zone_name + ' – ' if zone_name else ''}advies aan de wegbeheerder. Beoordeling volgens "
        f"de Vlaamse regel voor gevaarlijke punten over {params.years} jaar ({window_text}), "
        "op basis van de eigen ongevallenregistratie van de politiezone."
    ).italic = True
    if coverage:
        doc.add_paragraph().add_run(coverage).bold = True

    breakdown = score_breakdown(victims, params, accidents)
    table = doc.add_table(rows=0, cols=2)
    table.style = "Light Grid Accent 1"
    rows = [
        ("Locatie", f"{street} (rang {location.get('rang', '–')} in de lijst)"),
        ("Wijk", wijk_name or "–"),
        (
            "Coördinaten (Lambert 72)",
            f"X {float(location['x']):.0f}, Y {float(location['y']):.0f}; "
            f"ongevallen binnen {fmt_int(max(float(location.get('radius_m', 0) or 0), 1))} m "
            f"van dit punt (clusterafstand {_num(params.distance_m)} m)",
        ),
        (
            f"Letselongevallen (≥ {params.min_injury_accidents})",
            f"{fmt_int(location['n_injury_accidents'])} – "
            f"{'voldaan' if location.get('meets_accidents') else 'niet voldaan'}",
        ),
        (
            f"Prioriteitsscore (≥ {_num(params.min_score)})",
            f"{_num(location['score'])} – "
            f"{'voldaan' if location.get('meets_score') else 'niet voldaan'}",
        ),
        ("Berekening", score_formula(breakdown)),
        (
            "Slachtoffers",
            f"{fmt_int(location.get('n_killed', 0))} gedood, "
            f"{fmt_int(location.get('n_seriously', 0))} zwaargewond, "
            f"{fmt_int(location.get('n_lightly', 0))} lichtgewond; waarvan "
            f"{fmt_int(location.get('n_vulnerable_victims', 0))} kwetsbaar "
            f"({', '.join(params.vulnerable_road_users).lower()})",
        ),
        ("Besluit", status),
    ]
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, str(value)
        cells[0].paragraphs[0].runs[0].bold = True
    for row in table.rows:
        row.cells[0].width, row.cells[1].width = Cm(5.0), Cm(12.4)

    doc.add_paragraph(
        f"Weging: gedood binnen 30 dagen {_num(params.weight_killed)}, zwaargewond "
        f"{_num(params.weight_seriously)}, lichtgewond {_num(params.weight_lightly)}; "
        f"voetgangers, fietsers en bromfietsers tellen {_num(params.vulnerable_factor)} keer. "
        "Een ongeval zonder slachtofferregels telt met de ernstklasse van het ongeval, zonder "
        "factor (weggebruiker onbekend)."
    ).runs[0].font.size = Pt(8)

    if map_png:
        picture = doc.add_paragraph()
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture.add_run().add_picture(io.BytesIO(map_png), width=Cm(13.5))

    doc.add_heading("Ongevallen op deze locatie", level=2)
    shown = accidents.head(MAX_HISTORY_ROWS)
    history = doc.add_table(rows=1, cols=5)
    history.style = "Light Grid Accent 1"
    for cell, text in zip(
        history.rows[0].cells,
        ("Datum en uur", "Ernst", "Betrokkenen", "Slachtoffers", "Omstandigheden"),
        strict=True,
    ):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    per_accident = victims.groupby("accident_id") if not victims.empty else None
    for r in shown.to_dict("records"):
        people = " / ".join(str(u) for u in (r.get("road_user_1"), r.get("road_user_2")) if u)
        if per_accident is not None and r["accident_id"] in per_accident.groups:
            vs = per_accident.get_group(r["accident_id"])
            hurt = ", ".join(f"{s.lower()} ({u.lower()})" for s, u in zip(
                vs["severity"], vs["road_user"].fillna("onbekend"), strict=True
            ))  # fmt: skip
        else:
            hurt = "–"
        circumstances = ", ".join(
            str(r[c]).lower() for c in ("light", "weather", "crossroads") if r.get(c)
        )
        cells = history.add_row().cells
        when = r.get("occurred_at")
        cells[0].text = fmt_datetime(when) if when is not None else fmt_date(r.get("date"))
        cells[1].text = str(r.get("severity") or "–")
        cells[2].text = people or "–"
        cells[3].text = hurt
        cells[4].text = circumstances or "–"
    for row in history.rows:
        for cell in row.cells:
            for p in cell.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(8)
    if len(accidents) > MAX_HISTORY_ROWS:
        doc.add_paragraph(
            f"En {fmt_int(len(accidents) - MAX_HISTORY_ROWS)} oudere ongevallen (zie de "
            "Excel-lijst of Wijkbeeld)."
        )
    doc.add_paragraph(
        f"Opgemaakt met Wijkbeeld op {fmt_date(zone_today())}. Intern document van de "
        "politiezone; geen namen van betrokkenen."
    ).runs[0].font.size = Pt(7.5)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
