"""The data dictionary: ``docs/DATA_DICTIONARY.md`` parsed, and checked against the marts.

The markdown file is the single source: one ``## marts.<table>`` heading per mart, a
paragraph, and a table ``kolom | betekenis | eenheid | bron | kanttekeningen``. The
dictionary page and the SQL console show it; :func:`coverage` lists what the file and the
warehouse disagree on (a test keeps that list empty).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard.queries._db import WarehouseVersion, query

#: The dictionary file in the repository.
DICTIONARY_PATH = Path(__file__).resolve().parents[2] / "docs" / "DATA_DICTIONARY.md"
#: Columns of each mart table in the markdown, in order.
FIELDS = ("kolom", "betekenis", "eenheid", "bron", "kanttekeningen")

_HEADING = re.compile(r"^##\s+`?(marts\.[A-Za-z0-9_]+)`?\s*$")


@dataclass(frozen=True)
class MartDoc:
    """The description of one mart.

    Attributes
    ----------
    name : str
        ``marts.<table>``.
    description : str
        The paragraph under the heading (one row is …, key).
    columns : pandas.DataFrame
        One row per column: :data:`FIELDS`.
    """

    name: str
    description: str
    columns: pd.DataFrame


def _cells(line: str) -> list[str]:
    # "| `a` | b |" → ["a", "b"]; a literal pipe would have to be written as \|.
    parts = re.split(r"(?<!\\)\|", line.strip().strip("|"))
    return [p.strip().replace("\\|", "|") for p in parts]


def parse_dictionary(text: str) -> dict[str, MartDoc]:
    """Parse the dictionary markdown.

    Parameters
    ----------
    text : str
        Contents of ``docs/DATA_DICTIONARY.md``.

    Returns
    -------
    dict of str to MartDoc
        Keyed by ``marts.<table>``, in file order.

    Raises
    ------
    ValueError
        When a table row has the wrong number of cells or a mart is described twice.
    """
    marts: dict[str, MartDoc] = {}
    current, paragraph, rows = None, [], []

    def close() -> None:
        if current is None:
            return
        if current in marts:
            raise ValueError(f"{current} staat twee keer in het datawoordenboek")
        frame = pd.DataFrame(rows, columns=list(FIELDS))
        marts[current] = MartDoc(current, " ".join(paragraph).strip(), frame)

    for number, line in enumerate(text.splitlines(), start=1):
        heading = _HEADING.match(line)
        if heading:
            close()
            current, paragraph, rows = heading.group(1), [], []
            continue
        if line.startswith("#"):
            close()
            current = None
            continue
        if current is None:
            continue
        if line.lstrip().startswith("|"):
            cells = _cells(line)
            if cells[0].lower() == "kolom" or set("".join(cells)) <= set("-: "):
                continue  # header or separator
            if len(cells) != len(FIELDS):
                raise ValueError(
                    f"Regel {number}: {len(cells)} cellen, verwacht {len(FIELDS)} ({' | '.join(FIELDS)})"
                )
            cells[0] = cells[0].strip("`")
            rows.append(cells)
        elif line.strip() and not rows:
            paragraph.append(line.strip())
    close()
    return marts


@st.cache_data(show_spinner=False, max_entries=8)
def _load(path: str, mtime_ns: int) -> dict[str, MartDoc]:
    # mtime_ns is part of the cache key only: an edited file is read again.
    return parse_dictionary(Path(path).read_text(encoding="utf-8"))


def load_dictionary(path: Path | None = None) -> dict[str, MartDoc]:
    """The parsed dictionary (cached until the file changes).

    Parameters
    ----------
    path : Path, optional
        Defaults to :data:`DICTIONARY_PATH`.

    Returns
    -------
    dict of str to MartDoc
    """
    p = Path(path or DICTIONARY_PATH)
    return _load(str(p), p.stat().st_mtime_ns)


def dictionary_frame(path: Path | None = None) -> pd.DataFrame:
    """The whole dictionary as one table: ``mart`` plus :data:`FIELDS`."""
    docs = load_dictionary(path)
    frames = [doc.columns.assign(mart=name) for name, doc in docs.items()]
    if not frames:
        return pd.DataFrame(columns=["mart", *FIELDS])
    return pd.concat(frames, ignore_index=True)[["mart", *FIELDS]]


@st.cache_data(show_spinner=False, max_entries=16)
def mart_columns(version: WarehouseVersion) -> pd.DataFrame:
    """Every column of every mart, as DuckDB describes them.

    Returns
    -------
    pandas.DataFrame
        ``mart`` (``marts.<table>``), ``kolom``, ``type``; in table and column order.
    """
    return query(
        version,
        # Repetitive text is stored as ENUM (etl.labels); it reads as text.
        "SELECT 'marts.' || table_name AS mart, column_name AS kolom, "
        "CASE WHEN data_type LIKE 'ENUM(%' THEN 'VARCHAR' ELSE data_type END AS type "
        "FROM information_schema.columns WHERE table_schema = 'marts' "
        "ORDER BY table_name, ordinal_position LIMIT 20000",
    )


def schema_with_descriptions(version: WarehouseVersion) -> pd.DataFrame:
    """Warehouse columns joined with their description (for the console's schema pane).

    Returns
    -------
    pandas.DataFrame
        ``mart``, ``kolom``, ``type``, then :data:`FIELDS` without ``kolom`` (empty text
        where the dictionary says nothing).
    """
    actual = mart_columns(version)
    described = dictionary_frame()
    out = actual.merge(described, on=["mart", "kolom"], how="left")
    return out.fillna({f: "" for f in FIELDS[1:]})


def coverage(version: WarehouseVersion, path: Path | None = None) -> dict[str, list[str]]:
    """Where the dictionary and the warehouse disagree.

    Returns
    -------
    dict
        ``undocumented`` (``mart.kolom`` in the warehouse without a description, including
        whole marts), ``stale`` (described but no longer in the warehouse) and ``empty``
        (described with an empty meaning).
    """
    actual = mart_columns(version)
    described = dictionary_frame(path)
    have = set(zip(actual["mart"], actual["kolom"], strict=True))
    doc = set(zip(described["mart"], described["kolom"], strict=True))
    empty = described[described["betekenis"].str.strip().isin(["", "–", "-"])]
    return {
        "undocumented": sorted(f"{m}.{c}" for m, c in have - doc),
        "stale": sorted(f"{m}.{c}" for m, c in doc - have),
        "empty": sorted(f"{m}.{c}" for m, c in zip(empty["mart"], empty["kolom"], strict=True)),
    }
