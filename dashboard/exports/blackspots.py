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
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd

from dashboard.analysis.blackspots import DEFAULT_SEVERITY_CLASSES, RuleParams
from dashboard.analysis.compstat import fmt_gaps, months_within
from dashboard.components.format import (
    file_slug,
    fmt_count,
    fmt_date,
    fmt_datetime,
    fmt_int,
    fmt_number,
    is_missing,
    neutralise_cell,
    round_half_up,
)
from etl.config import zone_now, zone_today

__all__ = [
    "RANKING_HEADERS",
    "ScoreParams",
    "location_docx",
    "location_file_name",
    "location_map_png",
    "location_title",
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
#: The labels the score reads (the queries give each victim its class's label).
_SEVERITY_CLASSES = DEFAULT_SEVERITY_CLASSES


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


#: Road-user labels (``marts.victims.road_user``) as the people: one, several. The label
#: "Bromfiets" is the vehicle; the weighting note speaks of "bromfietsers".
_ROAD_USER_WORDS = {
    "voetganger": ("voetganger", "voetgangers"),
    "fietser": ("fietser", "fietsers"),
    "bromfiets": ("bromfietser", "bromfietsers"),
    "bromfietser": ("bromfietser", "bromfietsers"),
    "speed pedelec": ("speedpedelecrijder", "speedpedelecrijders"),
    "speedpedelec": ("speedpedelecrijder", "speedpedelecrijders"),
    "motorfiets": ("motorrijder", "motorrijders"),
    "gemotoriseerd voortbewegingstoestel": (
        "bestuurder van een gemotoriseerd voortbewegingstoestel",
        "bestuurders van een gemotoriseerd voortbewegingstoestel",
    ),
}


def _road_user_words(label: str) -> tuple[str, str]:
    """``("fietser", "fietsers")`` for the label ``"Fietser"``; an unknown label as is."""
    text = str(label).strip()
    return _ROAD_USER_WORDS.get(text.lower(), (text.lower(), text.lower()))


def _and_list(words: Sequence[str]) -> str:
    """``"a, b en c"``."""
    words = list(words)
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} en {words[-1]}"


def _vulnerable_victims(location: Mapping, victims: pd.DataFrame, params) -> str:
    """``"waarvan 3 kwetsbare weggebruikers: 1 voetganger, 2 fietsers"``.

    The counts per road user come from the victim rows; when these do not add up to the
    location's count (victims the ranking took from elsewhere), only the total is said.
    """
    total = int(location.get("n_vulnerable_victims", 0) or 0)
    if not total:
        return "geen kwetsbare weggebruikers"
    text = f"waarvan {fmt_count(total, 'kwetsbare weggebruiker', 'kwetsbare weggebruikers')}"
    if victims is None or victims.empty or "road_user" not in victims:
        return text
    counts = victims["road_user"].value_counts()
    per_label = {label: int(counts.get(label, 0)) for label in params.vulnerable_road_users}
    if sum(per_label.values()) != total:
        return text
    parts = [fmt_count(n, *_road_user_words(label)) for label, n in per_label.items() if n]
    return f"{text}: {', '.join(parts)}"


def _circumstances(record: Mapping) -> str:
    """``"licht: dag; weer: normaal; op een kruispunt"``: each part says what it is."""
    parts = []
    light, weather, crossroads = (_text(record.get(c)) for c in ("light", "weather", "crossroads"))
    if light:
        parts.append(f"licht: {str(light).lower()}")
    if weather:
        parts.append(f"weer: {str(weather).lower()}")
    if crossroads:
        value = str(crossroads).strip().lower()
        parts.append(
            "op een kruispunt"
            if value == "op kruispunt"
            else "niet op een kruispunt"
            if value == "buiten kruispunt"
            else f"kruispunt: {value}"
        )
    return "; ".join(parts)


# --------------------------------------------------------------------------------------
# Which location: title and file name
# --------------------------------------------------------------------------------------


def _text(value) -> str:
    """A cell as text; ``""`` for None/NaN."""
    return "" if is_missing(value) else str(value).strip()


def _municipality(accidents: pd.DataFrame, municipality: str = "") -> str:
    """The municipality given, else the one most of the accidents lie in (if they say)."""
    if _text(municipality):
        return _text(municipality)
    if accidents is None or "municipality_name" not in accidents:
        return ""
    names = accidents["municipality_name"].dropna().astype(str)
    names = names[names.str.strip() != ""]
    return str(names.mode().iat[0]) if len(names) else ""


def _house_numbers(accidents: pd.DataFrame, street: str) -> str:
    """``"nr. 115"`` or ``"nrs. 15–20"``: the house numbers the accidents on the
    location's own street were registered at; ``""`` without any."""
    if "house_number" not in accidents:
        return ""
    own = accidents
    if "street" in accidents and street:
        own = accidents[accidents["street"].map(_text).str.lower() == street.lower()]
    raw = sorted({_text(v) for v in own["house_number"]} - {""})
    if not raw:
        return ""
    numbers = sorted({int(m.group()) for v in raw if (m := re.match(r"\d+", v))})
    if len(raw) == 1:
        return f"nr. {raw[0]}"
    if not numbers:
        return f"nrs. {', '.join(raw[:3])}"
    if numbers[0] == numbers[-1]:
        return f"nr. {numbers[0]}"
    return f"nrs. {numbers[0]}–{numbers[-1]}"


def _place(location: Mapping, accidents: pd.DataFrame | None) -> str:
    """The location's street with what tells it apart from other spots on that street:
    ``"Grote Steenweg (kruispunt, bij nr. 115)"``, ``"Grote Steenweg (nrs. 15–20)"``,
    ``"Zwaluwstraat (kruispunt met Grote Steenweg en Sportlaan, bij nrs. 20–28)"``.

    Only what the accidents say: the other streets they were registered in (the cross
    streets), whether any was on a crossroads, the house numbers on the location's street.
    """
    street = _text(location.get("street")) or "onbekende straat"
    if accidents is None or accidents.empty:
        return street
    others: list[str] = []
    if "street" in accidents:
        names = accidents["street"].map(_text)
        names = names[(names != "") & (names.str.lower() != street.lower())]
        counts = names.value_counts()
        others = sorted(counts.index, key=lambda n: (-int(counts[n]), n))[:3]
    crossing = "crossroads" in accidents and bool(
        accidents["crossroads"].map(_text).str.lower().eq("op kruispunt").any()
    )
    numbers = _house_numbers(accidents, street)
    parts = []
    if others:
        parts.append(f"{'kruispunt met' if crossing else 'bij'} {_and_list(others)}")
    elif crossing:
        parts.append("kruispunt")
    if numbers:
        parts.append(f"bij {numbers}" if parts else numbers)
    return f"{street} ({', '.join(parts)})" if parts else street


def location_title(
    location: Mapping,
    accidents: pd.DataFrame | None = None,
    *,
    municipality: str = "",
    wijk_name: str = "",
) -> str:
    """Which location a document is about, told apart from others on the same street:
    ``"Grote Steenweg (kruispunt, bij nr. 115), Herent – wijk Winksele"``.

    Parameters
    ----------
    location : mapping
        One row of :func:`dashboard.queries.blackspots.ranking` (``street``).
    accidents : pandas.DataFrame, optional
        The location's accidents (``street``, ``house_number``, ``crossroads`` and
        ``municipality_name`` where present).
    municipality : str
        The municipality; without it, the one most accidents lie in (if they say).
    wijk_name : str
        The wijk (the one most of its accidents lie in).
    """
    return _title(_place(location, accidents), _municipality(accidents, municipality), wijk_name)


def _title(place: str, municipality: str, wijk_name: str) -> str:
    """:func:`location_title` from its parts (the advice has the place already)."""
    text = place
    if municipality:
        text += f", {municipality}"
    if wijk_name:
        text += f" – wijk {wijk_name}"
    return text


def location_file_name(location: Mapping, end: date, *, municipality: str = "") -> str:
    """File name of the advice on one location:
    ``wijkbeeld_advies_grote-steenweg_herent_169157-177919_20261130.docx``.

    Street and municipality say which location; its coordinates (Lambert 72, whole metres)
    keep two spots on the same street in one municipality apart. The rank is left out: it
    changes with every build and every other parameter.

    Parameters
    ----------
    location : mapping
        One row of :func:`dashboard.queries.blackspots.ranking` (``street``, ``x``, ``y``).
    end : date
        Last day of the period (as in the other documents' names).
    municipality : str
        The location's municipality.
    """
    parts = ["wijkbeeld_advies", file_slug(location.get("street")) or "onbekende-straat"]
    if file_slug(municipality):
        parts.append(file_slug(municipality))
    # Whole metres rounded as the document's own figures are (a half away from zero).
    parts.append(f"{round_half_up(location['x'])}-{round_half_up(location['y'])}")
    parts.append(f"{end:%Y%m%d}")
    return "_".join(parts) + ".docx"


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
        # Accidents without a victim row of an injured person, as the ranking scores them.
        injured = victims.loc[cls.notna(), "accident_id"]
        without = accidents[~accidents["accident_id"].isin(injured)]
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
    """The location's verdict in words; "Geen" alone headed an advice for a location below
    both thresholds as "Geen: Grote Steenweg …" (an audit)."""
    if row.get("is_black_spot"):
        return "Gevaarlijk punt"
    if row.get("is_candidate"):
        return "Kandidaat"
    return "Geen gevaarlijk punt"


#: A victim's vehicle (``marts.victims.road_user``) as the history table says who was
#: hurt: "lichtgewond (in een personenauto)"; the vulnerable road users by their own name
#: (:data:`_ROAD_USER_WORDS`). "lichtgewond (motorfiets)" named a vehicle for a person.
_OCCUPANT_OF = (
    "personenauto",
    "bestelwagen",
    "vrachtwagen",
    "lichte vrachtwagen",
    "bus",
    "autobus",
    "autocar",
    "tram",
    "trein",
    "taxi",
    "kampeerwagen",
    "landbouwvoertuig",
    "trekker",
    "mobilhome",
)


def _victim_word(label) -> str:
    """``"motorrijder"``, ``"in een personenauto"``, ``"onbekend"``: who the victim was."""
    text = str(label).strip().lower()
    if text in _ROAD_USER_WORDS:
        return _ROAD_USER_WORDS[text][0]
    return f"in een {text}" if text in _OCCUPANT_OF else text


# --------------------------------------------------------------------------------------
# Excel
# --------------------------------------------------------------------------------------


#: In place of "no black spots" (page, briefing and its pack) when the zone's own accident
#: registration does not reach the rule's window (:func:`window_reach`): nothing was judged.
NO_JUDGEMENT = "Geen oordeel: de eigen ongevallenregistratie van de zone dekt dit venster niet."


def window_reach(
    window: tuple[date, date], first: date | None, last: date | None
) -> tuple[date, date] | None:
    """The days of the rule's window the zone's own registration (``first``–``last``)
    covers; ``None`` when none (none loaded, or it stops before the window): then there is
    no judgement, and no count of black spots is 0."""
    start, end = window
    if first is None or last is None or last < start or first > end:
        return None
    return max(start, first), min(end, last)


def coverage_note(
    window: tuple[date, date],
    first: date | None,
    last: date | None,
    gaps: tuple[date, ...] = (),
) -> str | None:
    """What the page, the list and the advice say when the zone's own registration does not
    cover the whole window of the rule; ``None`` when it does.

    The rule counts injury accidents over years: a window reaching before the first export
    (or after the last day of data) holds fewer accidents than the location had, and a
    location can miss the thresholds for the data that are missing, not for its safety.
    Months without one accident of a busy registration (``gaps``: a missing export) inside
    the window are named likewise.
    """
    start, end = window
    missing = months_within(gaps, start, end)
    gap_note = (
        f"De eigen registratie van de zone heeft geen enkel ongeval met datum in "
        f"{fmt_gaps(missing)} (een ontbrekende export?): die "
        + ("maand telt" if len(missing) == 1 else "maanden tellen")
        + " als 0, en een locatie kan de drempels missen doordat gegevens ontbreken."
        if missing
        else None
    )
    if first is not None and last is not None and first <= start and end <= last:
        return gap_note
    reach = window_reach(window, first, last)
    if reach is None:
        return (
            f"De eigen registratie van de zone dekt dit venster ({fmt_date(start)} – "
            f"{fmt_date(end)}) niet: er is geen oordeel mogelijk."
        )
    lo, hi = reach
    months = round((hi - lo).days / 30.4375)
    total = round(((end - start).days + 1) / 30.4375)
    return (
        f"De eigen registratie van de zone dekt maar {fmt_date(lo)} – {fmt_date(hi)}, "
        f"ongeveer {months} van de {total} maanden van het venster: een locatie kan de "
        "drempels missen doordat gegevens ontbreken, niet doordat ze veilig is."
        + (f" {gap_note}" if gap_note else "")
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
    # The zone as creator (openpyxl wrote "openpyxl") and a Dutch title, as the municipal
    # report's workbook.
    props = wb.properties
    props.creator = props.lastModifiedBy = zone_name or "Wijkbeeld"
    props.title = (
        "Gevaarlijke punten"
        + (f" – {zone_name}" if zone_name else "")
        + (f" ({fmt_date(window[0])} – {fmt_date(window[1])})" if window else "")
    )
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
    # Legend from the most to the least severe (not alphabetical), counting accidents in
    # words: the advice's table counts victims.
    order = list(SEVERITY_COLOURS)
    present = accidents["severity"].dropna().astype(str).unique() if len(accidents) else []
    for severity in sorted(
        present, key=lambda s: (order.index(s) if s in order else len(order), s)
    ):
        group = accidents[accidents["severity"].astype(str) == severity]
        detail.scatter(
            group["x"],
            group["y"],
            s=22,
            color=SEVERITY_COLOURS.get(severity, "#666666"),
            edgecolor="#222222",
            linewidth=0.5,
            label=f"{severity}: {fmt_count(len(group), 'ongeval', 'ongevallen')}",
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
    municipality: str = "",
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
    municipality : str
        The location's municipality, in the heading, the title and the table (several
        black spots can lie on one long street); without it, the one most accidents lie
        in when they have ``municipality_name``. See :func:`location_title`.
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

    status = _status(location)
    municipality = _municipality(accidents, municipality)
    place = _place(location, accidents)
    title = _title(place, municipality, wijk_name)
    # A4 portrait, Dutch (nl-BE), the zone as author, today's dates (not python-docx's
    # template: author "python-docx", created 2013), like the other documents.
    doc = _docx.new_document(
        f"Advies aan de wegbeheerder – {status}: {title}", zone_name or "Wijkbeeld"
    )
    section = doc.sections[0]
    section.top_margin = section.bottom_margin = Cm(1.5)
    style = doc.styles["Normal"]
    style.font.size = Pt(9.5)
    style.paragraph_format.space_after = Pt(3)
    heading = doc.add_heading(f"{status}: {title}", level=1)
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
        # The rank among all locations by score, as the page's choice shows it ("#8"): the
        # Excel list holds the black spots and candidates only, so "rang 8 in de lijst" of
        # a location below both thresholds pointed at no row (an audit).
        ("Locatie", f"{place} (rang {location.get('rang', '–')} volgens prioriteitsscore)"),
        ("Gemeente", municipality or "–"),
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
            f"{fmt_int(location.get('n_lightly', 0))} lichtgewond; "
            f"{_vulnerable_victims(location, victims, params)}",
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
        f"{_and_list([_road_user_words(u)[1] for u in params.vulnerable_road_users])} tellen "
        f"{_num(params.vulnerable_factor)} keer. "
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
            hurt = ", ".join(f"{s.lower()} ({_victim_word(u)})" for s, u in zip(
                vs["severity"], vs["road_user"].fillna("onbekend"), strict=True
            ))  # fmt: skip
        else:
            hurt = "–"
        circumstances = _circumstances(r)
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
        f"Opgemaakt met Wijkbeeld op {fmt_date(zone_today())}. Advies van de politiezone aan "
        "de wegbeheerder: ongevallen per stuk, zonder namen, pv- of ongevalsnummers, om deze "
        "locatie te beoordelen; niet om te publiceren."
    ).runs[0].font.size = Pt(7.5)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def location_advice_docx(
    location: Mapping,
    accidents: pd.DataFrame,
    victims: pd.DataFrame,
    params=ScoreParams(),
    *,
    outlines: Sequence[tuple[str, str]] = (),
    title: str = "",
    **note,
) -> bytes:
    """The advice for the road authority with its maps: :func:`location_map_png` of the
    location, then :func:`location_docx` with that image.

    One call, so a download button can make both when it is pressed (a map image and a
    Word file cost about half a second at 10^6 accidents). ``outlines`` and ``title`` go to
    the map; ``note`` (``window``, ``zone_name``, ``wijk_name``, ``municipality``,
    ``coverage``) to the Word file.
    """
    png = location_map_png(
        accidents,
        (float(location["x"]), float(location["y"])),
        float(location["radius_m"]),
        outlines,
        title=title,
    )
    return location_docx(location, accidents, victims, params, map_png=png, **note)
