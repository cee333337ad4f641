"""Vectorised formatting and CSV writing in the exact shapes of docs/DATA_CONTRACT.md.

Formatting 10^6 timestamps with ``strftime`` takes seconds; here every distinct day and every
minute of the day is formatted once and the strings are glued by index, which is ~20x faster.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from etl.demo.rhythms import MINUTES_PER_DAY, Period

#: Missing moments are encoded as this sentinel in minute arrays.
NO_TIME = np.iinfo(np.int64).min

#: Days before the period start that formatted moments may reach (windows, old references).
_PAD_DAYS = 400

#: Per contract: (separator, encoding, line terminator). ISLP exports come from Windows.
ISLP = (";", "cp1252", "\r\n")
NUISANCE = (",", "utf-8-sig", "\n")
POI = (";", "utf-8", "\n")


class TimeFormatter:
    """Format minute offsets of a :class:`Period` as Dutch ``dd/mm/yyyy [hh:mm]`` strings."""

    def __init__(self, period: Period, pad_after_days: int = 400) -> None:
        self.period = period
        first = period.start - timedelta(days=_PAD_DAYS)
        n = _PAD_DAYS + period.n_days + pad_after_days
        self._days = np.array(
            [(first + timedelta(days=i)).strftime("%d/%m/%Y") for i in range(n)], dtype=object
        )
        self._hm = np.array([f"{m // 60:02d}:{m % 60:02d}" for m in range(1440)], dtype=object)

    def _day_idx(self, minutes: np.ndarray) -> np.ndarray:
        idx = minutes // MINUTES_PER_DAY + _PAD_DAYS
        return np.clip(idx, 0, len(self._days) - 1)

    def datetime(self, minutes: np.ndarray) -> np.ndarray:
        """``dd/mm/yyyy hh:mm``; the :data:`NO_TIME` sentinel becomes an empty string."""
        minutes = np.asarray(minutes, np.int64)
        missing = minutes == NO_TIME
        safe = np.where(missing, 0, minutes)
        out = self._days[self._day_idx(safe)] + " " + self._hm[safe % MINUTES_PER_DAY]
        out[missing] = ""
        return out

    def date(self, minutes: np.ndarray) -> np.ndarray:
        """``dd/mm/yyyy``; the :data:`NO_TIME` sentinel becomes an empty string."""
        minutes = np.asarray(minutes, np.int64)
        missing = minutes == NO_TIME
        out = self._days[self._day_idx(np.where(missing, 0, minutes))].copy()
        out[missing] = ""
        return out

    def year(self, minutes: np.ndarray) -> np.ndarray:
        """Calendar year of each moment."""
        d = np.datetime64(self.period.start, "D") + (np.asarray(minutes) // MINUTES_PER_DAY)
        return d.astype("datetime64[Y]").astype(int) + 1970

    def minutes_of(self, d: date) -> int:
        """Minute offset of midnight at the start of date ``d``."""
        return self.period.day_of(d) * MINUTES_PER_DAY


def coord_text(v: np.ndarray, decimals: int = 1, comma: bool = True) -> np.ndarray:
    """Format coordinates with a decimal comma (or point); NaN becomes an empty string."""
    v = np.asarray(v, float)
    missing = ~np.isfinite(v)
    scale = 10**decimals
    q = np.round(np.where(missing, 0, v) * scale).astype(np.int64)
    whole = int_text(q // scale)
    if decimals:
        frac = zero_padded(q % scale, decimals)
        out = whole + ("," if comma else ".") + frac
    else:
        out = whole
    out[missing] = ""
    return out


def int_text(v: np.ndarray) -> np.ndarray:
    """Integers as text (object array)."""
    return np.asarray(v, np.int64).astype(str).astype(object)


def _csv_field(col: np.ndarray, sep: str) -> list[str]:
    """Quote values the way the csv module's QUOTE_MINIMAL would (separator, quote, newline)."""
    values = ["" if v is None or v != v else str(v) for v in col] if col.dtype != object else col
    try:
        joined = "\x00".join(values)
    except TypeError:  # a non-string slipped in (None, NaN, number): normalise once
        values = ["" if v is None or v != v else str(v) for v in col]
        joined = "\x00".join(values)
    # One scan of the joined column instead of a regex per value: most columns never quote.
    if not any(ch in joined for ch in (sep, '"', "\r", "\n")):
        return list(values)
    return [
        '"' + v.replace('"', '""') + '"' if (sep in v or '"' in v or "\r" in v or "\n" in v) else v
        for v in values
    ]


def write_csv(df: pd.DataFrame, path: Path, dialect: tuple[str, str, str]) -> int:
    """Write a frame of strings with the contract's separator, encoding and line ends.

    Rows are joined in C (``map(sep.join, zip(*columns))``) and encoded once: for the
    10^6-row demo this is several times faster than ``DataFrame.to_csv``, with the same
    QUOTE_MINIMAL quoting.

    Returns
    -------
    int
        Rows written.
    """
    sep, enc, eol = dialect
    path.parent.mkdir(parents=True, exist_ok=True)
    cols = [_csv_field(df[name].to_numpy(dtype=object), sep) for name in df.columns]
    header = sep.join(_csv_field(np.array(df.columns, dtype=object), sep))
    body = eol.join(map(sep.join, zip(*cols, strict=True)))
    text = header + eol + (body + eol if len(df) else "")
    bom = enc == "utf-8-sig"
    with open(path, "wb") as fh:
        if bom:
            fh.write(b"\xef\xbb\xbf")
        fh.write(text.encode("utf-8" if bom else enc))
    return len(df)


def zero_padded(v: np.ndarray, width: int) -> np.ndarray:
    """Integers as zero-padded text (``12`` -> ``000012``), widening when a value needs it."""
    v = np.asarray(v, np.int64)
    if not v.size:
        return np.zeros(0, dtype=object)
    w = max(width, len(str(int(v.max()))))
    s = (v + 10**w).astype(f"<U{w + 1}")
    return (
        np.ascontiguousarray(s.view("<U1").reshape(-1, w + 1)[:, 1:])
        .view(f"<U{w}")
        .ravel()
        .astype(object)
    )


def write_per_year(
    df: pd.DataFrame, years: np.ndarray, folder: Path, stem: str, dialect: tuple[str, str, str]
) -> int:
    """One file ``<stem>_<jaar>.csv`` per calendar year, rows kept in their given order."""
    n = 0
    for y in np.unique(years):
        n += write_csv(df[years == y], folder / f"{stem}_{int(y)}.csv", dialect)
    return n
