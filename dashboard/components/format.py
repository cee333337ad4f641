"""Dutch (nl-BE) formatting of numbers, dates, weeks and tables.

Everything a person reads goes through these helpers, so that the whole dashboard writes
``1.234,5`` and ``31/10/2026`` and never mixes in English or ISO notation by accident.
The locale module is deliberately not used: the server's locale is not ours to choose.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
#: Shown where a value is unknown; a dash reads better than "None" or "nan".
MISSING = "–"


def is_missing(value) -> bool:
    """Whether a cell holds no value: None, NA, NaT or a float NaN."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(isinstance(value, float) and math.isnan(value))
    except TypeError:
        return False


def _rounded(value, decimals: int) -> Decimal:
    """``value`` rounded to ``decimals`` digits, a half away from zero, as the charts round.

    Python's own formatting rounds a half to even: 1,25 per 1.000 inwoners read "1,2" in a
    table beside "1,3" in the heatmap of the same cell (Plotly rounds a half up), and 2,5
    read "2". The number as stored counts (2,675 is 2,67499… in binary, so "2,67"
    everywhere), so table, chart and report agree to the last digit.
    """
    number = float(value)
    if not math.isfinite(number):
        return Decimal(number)
    return Decimal(number).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def round_half_up(value, decimals: int = 0) -> Decimal:
    """``value`` rounded as every page and document rounds it (a half away from zero, on
    the number as stored; see :func:`_rounded`), for numbers outside a formatted cell
    (coordinates in a file name)."""
    return _rounded(value, decimals)


def file_slug(text) -> str:
    """A name as part of a file name: ASCII, lower case, words joined by ``-``
    (``"Rue de l'Église"`` → ``"rue-de-l-eglise"``, ``"Sint-Joost-ten-Node"`` →
    ``"sint-joost-ten-node"``); ``""`` for a missing or empty one."""
    if is_missing(text):
        return ""
    decomposed = unicodedata.normalize("NFKD", str(text))
    ascii_only = decomposed.encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_only.lower()).strip("-")


def fmt_int(value) -> str:
    """Format a whole number with a '.' thousands separator.

    Parameters
    ----------
    value : int, float or None
        The number; floats are rounded.

    Returns
    -------
    str
        ``"12.345"``, or ``"–"`` when missing.
    """
    if is_missing(value):
        return MISSING
    return f"{_rounded(value, 0):,.0f}".replace(",", ".")


def fmt_count(n, singular: str, plural: str) -> str:
    """A count with its noun in the right number: ``"1 keten"``, ``"3 ketens"``, ``"0 ketens"``.

    Parameters
    ----------
    n : int or float
        The count (formatted with :func:`fmt_int`).
    singular, plural : str
        The noun for one and for any other number.
    """
    return f"{fmt_int(n)} {singular if not is_missing(n) and n == 1 else plural}"


def shown_value(value, decimals: int) -> float:
    """``value`` as the pages write it with ``decimals`` digits (:func:`fmt_number`), as a
    number: a map's classes are decided on it, so a value and the class it is drawn in
    never disagree in what the legend says."""
    return float(_rounded(value, decimals))


def fmt_number(value, decimals: int = 1) -> str:
    """Format a decimal number the Belgian way (``1.234,5``).

    Parameters
    ----------
    value : float or None
        The number.
    decimals : int
        Digits after the decimal comma.

    Returns
    -------
    str
        Formatted number, or ``"–"`` when missing.
    """
    if is_missing(value):
        return MISSING
    text = f"{_rounded(value, decimals):,.{decimals}f}"
    # Swap the separators via a placeholder so neither overwrites the other.
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def chosen_area(wijken) -> str:
    """The area a page or pack analyses, as its sentences name it: "de zone" without a
    wijk filter, else "de gekozen wijk" or "de gekozen wijken".

    >>> [chosen_area(w) for w in ((), ("W01",), ("W01", "W02"))]
    ['de zone', 'de gekozen wijk', 'de gekozen wijken']
    """
    if not wijken:
        return "de zone"
    return "de gekozen wijk" if len(wijken) == 1 else "de gekozen wijken"


def fmt_exact(value) -> str:
    """A number as stored, with a decimal comma and no rounding or thousands points, for
    the SQL console's columns with a gap (``0,123``, ``1234567,891``, ``2025``): written
    with one decimal, 0.123 read "0,1", and a year with a point, "2.025" (a review). A
    whole number is written without decimals: a column of whole numbers with a gap comes
    as floats (2025.0).

    >>> [fmt_exact(v) for v in (0.123, 1234567.891, 2025, 2025.0, -0.5, None)]
    ['0,123', '1234567,891', '2025', '2025', '-0,5', '–']
    """
    if is_missing(value):
        return MISSING
    value = value.item() if hasattr(value, "item") else value
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    return repr(value).replace(".", ",")


def fmt_coordinate(value) -> str:
    """Format a coordinate as read from an export: degrees (WGS84, at most 180 from zero)
    with six decimals (about 10 cm), metres (Lambert) with two (``171.452,80``).

    Two decimals of a degree are about a kilometre: a preview that rounds ``50,8791`` to
    ``50,88`` hides whether the point was read right.
    """
    if is_missing(value):
        return MISSING
    return fmt_number(value, 6 if abs(float(value)) <= 180 else 2)


def fmt_signed(value) -> str:
    """Format a difference with an explicit sign (``+3``, ``-12``, ``0``).

    An ASCII minus is used on purpose: ``st.metric`` reads the sign of its delta text to
    choose the arrow and colour.
    """
    if is_missing(value):
        return MISSING
    n = round(float(value))
    return f"+{fmt_int(n)}" if n > 0 else ("0" if n == 0 else f"-{fmt_int(-n)}")


def fmt_signed_number(value, decimals: int = 1) -> str:
    """Format a difference with decimals and an explicit sign (``+3,0``, ``-8,5``, ``0,0``)."""
    if is_missing(value):
        return MISSING
    rounded = _rounded(value, decimals)
    if rounded == 0:
        return fmt_number(0, decimals)
    return ("+" if rounded > 0 else "") + fmt_number(value, decimals)


def fmt_date(value) -> str:
    """Format a date as ``dd/mm/jjjj`` (``"–"`` when missing)."""
    if is_missing(value):
        return MISSING
    if isinstance(value, str):
        value = pd.Timestamp(value)
    return value.strftime("%d/%m/%Y")


def fmt_record_date(value, month_only: bool = False) -> str:
    """A record's day as :func:`fmt_date`, or only its month (``mm/jjjj``) for a source
    that gives a month and no day (Statbel): its "day" is the first of the month, which
    it does not know.

    >>> fmt_record_date(date(2026, 12, 1)), fmt_record_date(date(2026, 12, 1), month_only=True)
    ('01/12/2026', '12/2026')
    >>> fmt_record_date(None, month_only=True)
    '–'
    """
    if is_missing(value):
        return MISSING
    return f"{pd.Timestamp(value):%m/%Y}" if month_only else fmt_date(value)


def fmt_datetime(value) -> str:
    """Format a moment as ``dd/mm/jjjj uu:mm`` (``"–"`` when missing)."""
    if is_missing(value):
        return MISSING
    if isinstance(value, str):
        value = pd.Timestamp(value)
    return value.strftime("%d/%m/%Y %H:%M")


def _moment(ts, year: bool = False) -> str:
    """``za 05/12 22:00``; without a time of day (a whole-day event) ``za 05/12``; with
    ``year`` ``za 05/12/2026 22:00``."""
    ts = pd.Timestamp(ts)
    day = f"{WEEKDAYS[ts.weekday()][:2]} {ts:%d/%m/%Y}" if year else _day(ts)
    return day if (ts.hour, ts.minute) == (0, 0) else f"{day} {ts:%H:%M}"


def _day(ts) -> str:
    return f"{WEEKDAYS[ts.weekday()][:2]} {ts:%d/%m}"


def spans_years(starts) -> bool:
    """Whether the moments ``starts`` (an event list's beginnings) fall in more than one
    calendar year: its "Wanneer" then writes the year (:func:`fmt_event_when`), or
    "za 05/12" of a two-year period reads as either December."""
    years = pd.to_datetime(pd.Series(starts, dtype="object")).dropna().dt.year
    return years.nunique() > 1


def fmt_event_when(start, end, year: bool = False) -> str:
    """When an event runs, in Dutch: ``za 05/12 22:00 – zo 06/12 04:00``, ``za 05/12
    13:00–18:00`` within one day, ``zo 13/09`` for a whole day (no end given). With
    ``year`` (a list over more than one year, :func:`spans_years`) the start writes its
    year, ``za 05/12/2025 22:00 – zo 06/12 04:00``, and so does an end in another year."""
    start = pd.Timestamp(start)
    if end is None or pd.isna(end):
        return _moment(start, year)
    end = pd.Timestamp(end)
    if year:
        text = _moment(start, True) + fmt_event_when(start, end)[len(_moment(start)) :]
        # The day it ends on (an end at midnight closes the day before).
        last = (
            end - pd.Timedelta(days=1) if end > start and (end.hour, end.minute) == (0, 0) else end
        )
        if last.year != start.year:
            day = f"{last:%d/%m}"
            i = text.rfind(day)
            text = f"{text[:i]}{last:%d/%m/%Y}{text[i + len(day) :]}"
        return text
    # An end at midnight closes the day before (a whole-day event, a kermis "tot maandag").
    if (end.hour, end.minute) == (0, 0) and end > start:
        last = end - pd.Timedelta(days=1)
        if last.normalize() == start.normalize():
            return (
                _moment(start)
                if (start.hour, start.minute) == (0, 0)
                else f"{_moment(start)}–24:00"
            )
        return f"{_moment(start)} – {WEEKDAYS[last.weekday()][:2]} {last:%d/%m}"
    if end.normalize() == start.normalize():
        return f"{_moment(start)}–{end:%H:%M}"
    return f"{_moment(start)} – {_moment(end)}"


def fmt_event_place(row, house_number: bool = True) -> str:
    """An event's place as its list names it, else its street and number (the street alone
    with ``house_number=False``: a document that leaves the police names no address);
    empty when neither (``row``: a mapping or Series with ``place``, ``street``,
    ``house_number``)."""
    if isinstance(row.get("place"), str) and row["place"]:
        return row["place"]
    street = row.get("street")
    if isinstance(street, str) and street:
        number = row.get("house_number")
        if house_number and isinstance(number, str) and number:
            return f"{street} {number}"
        return street
    return ""


def fmt_period(start: date, end: date) -> str:
    """Format an inclusive period as ``01/10/2026 – 31/10/2026``."""
    return f"{fmt_date(start)} – {fmt_date(end)}"


def weekday_name(isodow: int) -> str:
    """Dutch weekday name for an ISO weekday number (1 = maandag … 7 = zondag)."""
    return WEEKDAYS[int(isodow) - 1]


def month_name(month: int) -> str:
    """Dutch month name for a month number (1 = januari)."""
    return MONTHS[int(month) - 1]


#: The Dutch abbreviations of the months (Taalunie: "mrt", not "maa").
MONTH_ABBREVIATIONS = (
    "jan",
    "feb",
    "mrt",
    "apr",
    "mei",
    "jun",
    "jul",
    "aug",
    "sep",
    "okt",
    "nov",
    "dec",
)


def month_abbreviation(month: int) -> str:
    """Dutch abbreviation of a month number (3 = mrt)."""
    return MONTH_ABBREVIATIONS[int(month) - 1]


def fmt_day_span(first: date, last: date, *, month_days: bool = False, full: bool = False) -> str:
    """The days a period label holds: ``17/04–14/05``; ``3–30`` with ``month_days`` (days
    of the one month the label names); dates in full with ``full``; one day by its date,
    not ``30–30``.

    >>> fmt_day_span(date(2026, 4, 17), date(2026, 5, 14))
    '17/04–14/05'
    >>> fmt_day_span(date(2026, 11, 3), date(2026, 11, 30), month_days=True)
    '3–30'
    >>> fmt_day_span(date(2026, 11, 30), date(2026, 11, 30), month_days=True)
    '30/11'
    >>> fmt_day_span(date(2025, 12, 29), date(2026, 1, 4), full=True)
    '29/12/2025–04/01/2026'
    """
    if full:
        return fmt_date(first) if first == last else f"{fmt_date(first)}–{fmt_date(last)}"
    if first == last:
        return f"{first:%d/%m}"
    return f"{first.day}–{last.day}" if month_days else f"{first:%d/%m}–{last:%d/%m}"


def part_of_month(month, start: date, end: date) -> str:
    """``" (3–30)"`` when the period ``start``–``end`` covers only those days of ``month``
    (a ``pandas.Period`` or any day in it), ``" (30/11)"`` for one day, ``""`` when it
    covers the whole month.

    >>> part_of_month("2026-11", date(2026, 11, 3), date(2026, 12, 31))
    ' (3–30)'
    >>> part_of_month("2026-11", date(2026, 11, 30), date(2026, 12, 31))
    ' (30/11)'
    >>> part_of_month("2026-11", date(2026, 1, 1), date(2026, 12, 31))
    ''
    """
    p = pd.Period(month, "M")
    first = max(p.start_time.date(), start)
    last = min(p.end_time.date(), end)
    if (first, last) == (p.start_time.date(), p.end_time.date()) or first > last:
        return ""
    return f" ({fmt_day_span(first, last, month_days=True)})"


def iso_week_label(value: date | datetime) -> str:
    """ISO week of a date, as people say it: ``week 44 (2026)``.

    The ISO year is used, so 31/12/2024 reads ``week 1 (2025)``.
    """
    iso_year, iso_week, _ = value.isocalendar()
    return f"week {iso_week} ({iso_year})"


def fmt_rough_count(value, threshold: int = 5) -> str:
    """A count for publication that must not combine with others into an exact one (the
    data-quality counts of a report, shown for a quarter, a half year and a year: the
    year's minus the half year's gave the other half's "<5" exactly). 0 as is, 1 to
    ``threshold − 1`` as ``"<5"``, above that a range: ``"5–9"``, ``"10–19"``,
    ``"20–49"``, ``"50–99"``, ``"100–199"`` … (a step of 1–2–5 times a power of ten,
    from ``threshold``)."""
    if is_missing(value):
        return "–"
    n = int(value)
    t = max(int(threshold), 1)
    if n <= 0:
        return "0"
    if n < t:
        return f"<{t}"
    lo = t
    for step in _rough_steps(t):
        if n < step:
            return f"{fmt_int(lo)}–{fmt_int(step - 1)}"
        lo = step
    return f"{fmt_int(lo)} of meer"


def _rough_steps(t: int):
    """Upper ends of :func:`fmt_rough_count`'s ranges: ``2t``, then 1–2–5 times a power of
    ten above it (for t = 5: 10, 20, 50, 100, 200 …)."""
    yield 2 * t
    power = 1
    while power <= 10**12:
        for m in (1, 2, 5):
            if m * power > 2 * t:
                yield m * power
        power *= 10


def fmt_small_count(value, threshold: int = 5) -> str:
    """Count for publication outside the police: values from 1 to ``threshold - 1`` hidden.

    Parameters
    ----------
    value : int or None
        The count.
    threshold : int
        Smallest count shown as a number (``[zone].small_count_threshold``).

    Returns
    -------
    str
        ``"<5"`` for 1–4, ``"0"`` for zero (a zero reveals nobody), else the formatted count.
    """
    if is_missing(value):
        return MISSING
    n = int(value)
    if 0 < n < threshold:
        return f"<{threshold}"
    return fmt_int(n)


def fmt_yes_no(value) -> str:
    """A truth value as the tables write it: ``ja``, ``nee``, a gap ``–``."""
    return MISSING if is_missing(value) else ("ja" if value else "nee")


def has_time_of_day(series: pd.Series) -> bool:
    """Whether a datetime column holds a time other than midnight: it is then written
    ``dd/mm/jjjj uu:mm``, else ``dd/mm/jjjj`` (tables, CSV and workbook alike)."""
    values = series.dropna()
    return bool((values != values.dt.normalize()).any())


def is_truth_column(series: pd.Series) -> bool:
    """Whether a column holds truth values: a boolean dtype, or objects that are all
    ``bool`` beside gaps (a query's BOOLEAN with NULLs)."""
    if pd.api.types.is_bool_dtype(series.dtype):
        return True
    values = series.dropna()
    return (
        series.dtype == object
        and len(values) > 0
        and all(isinstance(v, bool | np.bool_) for v in values)
    )


def style_table(df: pd.DataFrame, decimals: int = 1, formats: Mapping[str, Callable] | None = None):
    """Pandas Styler that shows a frame in nl-BE notation but keeps the raw values.

    ``st.dataframe`` shows the Styler's text while sorting on the underlying numbers and
    dates, which formatting the frame into strings would break.

    Parameters
    ----------
    df : pandas.DataFrame
        The table to show.
    decimals : int
        Digits for float columns.
    formats : mapping, optional
        A formatter for a column of its own (e.g. :func:`fmt_coordinate`), instead of the
        one its type gets; not for a column of text (already written out).

    Returns
    -------
    pandas.io.formats.style.Styler
    """
    formatters = {}
    for col in df.columns:
        series = df[col]
        if pd.api.types.is_datetime64_any_dtype(series):
            formatters[col] = fmt_datetime if has_time_of_day(series) else fmt_date
        elif pd.api.types.is_bool_dtype(series):
            formatters[col] = fmt_yes_no
        elif pd.api.types.is_integer_dtype(series):
            formatters[col] = fmt_int
        elif pd.api.types.is_float_dtype(series):
            formatters[col] = lambda v, d=decimals: fmt_number(v, d)
        elif (
            series.dtype == object
            and len(series.dropna())
            and isinstance(series.dropna().iloc[0], date)
        ):
            formatters[col] = fmt_date
    # A column already written out as text (missing_as_text) keeps its text.
    formatters.update(
        {
            c: f
            for c, f in (formats or {}).items()
            if c in df.columns and not pd.api.types.is_object_dtype(df[c])
        }
    )
    return df.style.format(formatters, na_rep=MISSING)


#: A number as the interface writes it in a text column: ``12``, ``-1.234``, ``+2,4 ▲``,
#: ``14,0 %``, a suppressed ``<5`` or ``x``, a gap ``–``. Four digits or more always carry
#: a thousands point, so a code (postcode 3020, NIS code 24038) is not taken for a number.
_NUMBER_TEXT = re.compile(
    r"[+\-−]?\d{1,3}(?:\.\d{3})*(?:,\d+)?(?: ?%)?(?: [▲▼])?|<\d+|x|" + re.escape(MISSING)
)


def _number_texts(values: pd.Series) -> bool:
    """Every value (no gaps) is text written as a number (:data:`_NUMBER_TEXT`)."""
    if values.empty or pd.api.types.infer_dtype(values, skipna=False) != "string":
        return False
    return bool(values.str.strip().str.fullmatch(_NUMBER_TEXT).all())


def number_text_columns(df: pd.DataFrame) -> list[str]:
    """The text columns of ``df`` that hold numbers as written out (:data:`_NUMBER_TEXT`),
    at least one with a digit: shown right-aligned, as numeric columns are.

    ``st.dataframe`` aligns a column by its type: a count written out with its gaps
    (:func:`missing_as_text`), suppressed (``<5``, ``x``) or with a signal mark stood to the
    left, beside numbers on the right.
    """
    found = []
    for col in dict.fromkeys(df.columns):
        series = df[col]
        if isinstance(series, pd.DataFrame):  # a name given twice: left as it is
            continue
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_datetime64_any_dtype(series):
            continue
        values = series.dropna()
        # A column of words fails on its first values: only a column of numbers is read
        # through (a page's record list has thousands of rows).
        if not _number_texts(values.iloc[:20]) or not _number_texts(values):
            continue
        if values.str.contains(r"\d").any():
            found.append(col)
    return found


def missing_as_text(
    df: pd.DataFrame, formats: Mapping[str, Callable] | None = None
) -> pd.DataFrame:
    """Copy of ``df`` with dates written out and gaps as ``"–"`` in columns that have gaps.

    ``st.dataframe`` shows a missing value as "None" whatever the Styler says; for small
    reference tables a readable dash matters more than sorting those columns by value.
    ``formats``: a formatter for a column of its own (as in :func:`style_table`).
    """
    out = df.copy()
    for col in out.columns:
        series = out[col]
        if not series.isna().any():
            continue
        if formats and col in formats:
            out[col] = series.map(formats[col])
        elif is_truth_column(series):
            # Truth values with a gap: "ja"/"nee"/"–" as the downloads write them; Streamlit
            # showed "False"/"True" beside the dash (a review of the SQL console).
            out[col] = series.map(fmt_yes_no)
        elif pd.api.types.is_datetime64_any_dtype(series):
            out[col] = series.map(fmt_datetime if has_time_of_day(series) else fmt_date)
        elif pd.api.types.is_integer_dtype(series):
            out[col] = series.map(fmt_int)
        elif pd.api.types.is_float_dtype(series):
            out[col] = series.map(lambda v: fmt_number(v, 1))
        else:
            out[col] = series.map(lambda v: MISSING if is_missing(v) else v)
    return out


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value):
    """``value`` prefixed with ``'`` when it is text a spreadsheet would run as a formula.

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, unless it is
    a signed number; anything else (numbers, dates, ``None``, plain text) is returned as is.
    For workbooks written cell by cell (openpyxl makes ``"=..."`` a formula); frames go
    through :func:`neutralise_formulas`.
    """
    if not isinstance(value, str) or not value.startswith(_FORMULA_START):
        return value
    try:
        float(value.replace(",", "."))
        return value  # a signed number written as text ("-7", "+4,5") is harmless
    except ValueError:
        return "'" + value


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would run as a formula with ``'``.

    Exported values come from police exports and free-text fields; a cell such as
    ``=HYPERLINK(...)`` must open as text in Excel, never as a formula (CSV injection).
    """
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise_cell)
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV for Excel in Belgium: ``;`` separator, decimal comma, UTF-8 with BOM.

    Excel with a Dutch locale opens this correctly by double-click, which a plain
    comma-separated UTF-8 file does not. Formula-like text is neutralised.
    """
    df = yes_no_text(neutralise_formulas(df))
    # A column with times of day keeps them (dd/mm/jjjj uu:mm, as the pages and the workbook
    # write it): one date format for the whole file dropped the hour of every record, the
    # point of a list of night-time facts (an audit).
    # (``neutralise_formulas`` returned a copy: the caller's frame stays as it was.)
    for col in df.columns:
        if pd.api.types.is_datetime64_any_dtype(df[col].dtype) and has_time_of_day(df[col]):
            df[col] = df[col].dt.strftime("%d/%m/%Y %H:%M")
    return df.to_csv(index=False, sep=";", decimal=",", date_format="%d/%m/%Y").encode("utf-8-sig")


def yes_no_text(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with its truth-value columns written ``ja``/``nee``, as the tables show them;
    a gap stays empty. A download held ``True``/``False`` (TRUE/FALSE in a workbook), English
    beside the Dutch of every other cell; the Parquet download keeps the typed values."""
    out = df
    for col in df.columns:
        if is_truth_column(series := df[col]):
            if out is df:
                out = df.copy()
            out[col] = series.map(lambda v: None if is_missing(v) else fmt_yes_no(v))
    return out


def to_xlsx_bytes(df: pd.DataFrame, sheet_name: str = "Wijkbeeld") -> bytes:
    """An Excel workbook (.xlsx, openpyxl) with one sheet holding ``df``.

    Values stay numbers and dates (Excel can sort and filter them); a date column is
    formatted ``dd/mm/jjjj``, one with times of day ``dd/mm/jjjj uu:mm``, as the pages
    write them; truth values are ``ja``/``nee`` (:func:`yes_no_text`). A number format is fixed in the file, not the reader's notation: without
    one, pandas wrote "2023-12-18 00:00:00" in every date cell (an audit).
    """
    import io

    buffer = io.BytesIO()
    # Excel refuses time-zone-aware datetimes; the warehouse keeps local wall-clock time.
    out = yes_no_text(neutralise_formulas(df))
    for col in out.columns:
        if isinstance(out[col].dtype, pd.DatetimeTZDtype):
            out[col] = out[col].dt.tz_localize(None)
    formats = {}
    for i, col in enumerate(out.columns, start=1):
        if out[col].dtype == object:
            values = out[col].dropna()
            if len(values) and all(
                isinstance(v, date) and not isinstance(v, datetime) for v in values
            ):
                # Python dates (a query's DATE read as objects): dates too, not text (a
                # date pandas cannot hold, after 2262, stays as it was).
                try:
                    out[col] = pd.to_datetime(out[col])
                except (pd.errors.OutOfBoundsDatetime, OverflowError, ValueError):
                    pass
        if pd.api.types.is_datetime64_any_dtype(out[col].dtype):
            formats[i] = "DD/MM/YYYY HH:MM" if has_time_of_day(out[col]) else "DD/MM/YYYY"
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        out.to_excel(writer, index=False, sheet_name=sheet_name[:31])
        sheet = writer.sheets[sheet_name[:31]]
        for i, number_format in formats.items():
            for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.number_format = number_format
    return buffer.getvalue()


def to_parquet_bytes(df: pd.DataFrame) -> bytes:
    """``df`` as a Parquet file (pyarrow), typed, for analysts' own tools."""
    import io

    buffer = io.BytesIO()
    df.to_parquet(buffer, index=False, engine="pyarrow")
    return buffer.getvalue()


def fmt_check(value) -> str:
    """A criterion met or not: ``"✓"`` or ``"✗"`` (``"–"`` when unknown)."""
    if is_missing(value):
        return MISSING
    return "✓" if bool(value) else "✗"


def fmt_clock(value: str) -> str:
    """A clock time ``"8:05"``/``"08:05"`` as ``"08:05"`` (``uu:mm``, 24 hours)."""
    hours, _, minutes = str(value).strip().partition(":")
    return f"{int(hours):02d}:{int(minutes or 0):02d}"


def fmt_area(name, code) -> str:
    """An area with its code, ``Herent-Centrum (W01)``; once only for a name that carries it
    already (two wijken of one name are told apart by their code in the warehouse)."""
    name = code if name is None or (isinstance(name, float) and pd.isna(name)) else str(name)
    return name if name.endswith(f"({code})") else f"{name} ({code})"
