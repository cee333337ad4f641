"""Upload backend for the dashboard: preview an export, store it, rebuild in the background.

The dashboard's upload page calls only these functions:

``preview_upload(kind, filename, data)``
    What the build would make of the file, without touching ``data/raw`` or the warehouse:
    encoding, separator, which columns were recognised, the first accepted rows and the
    refused rows with their Dutch reason, and a warning when the file looks like another
    kind of export.
``bundle_upload(kind, files)``
    Several files chosen together, the parts of one Shapefile (``.shp``, ``.shx``, ``.dbf``,
    ``.prj``, ...), as one zip to preview and store; a single file as it is.
``store_upload(kind, filename, data, raw_dir)``
    Put the file under ``raw_dir/<kind>/`` without ever overwriting a different file.
``start_background_build(raw, warehouse, status_file)``
    Rebuild in a separate process; the current warehouse keeps being served until the new
    one is swapped in atomically, and a failed build changes nothing.
``build_status(status_file)``
    The state of that build (``idle``, ``running``, ``ok``, ``failed``) with a Dutch message.
``files_named_in(message, raw_dir)``, ``quarantine(raw_dir, name)``, ``restore(raw_dir, name)``
    After a failed build: take the export it names out of the build (moved to
    ``raw_dir/_quarantaine/<kind>/``, never deleted) and put it back later.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from etl import config
from etl.labels import prepare_labels, sql_text, vocabulary_types
from etl.sources.base import (
    ACCEPTED_SUFFIXES,
    MAP_LAYER_HOME,
    MAP_LAYER_SUFFIXES,
    SHAPEFILE_PARTS,
    TABULAR_SUFFIXES,
    BuildError,
    file_sha256,
    natural_key,
    source_name,
)
from etl.sources.mapping import (
    KIND_LABELS,
    KindMapping,
    guess_kind,
    header_test,
    load_mappings,
    wrong_kind_message,
)

if TYPE_CHECKING:
    from etl.sources.districts import DistrictLayers

__all__ = [
    "DEFAULT_MAX_BYTES",
    "BuildBusyError",
    "Preview",
    "UploadError",
    "build_status",
    "bundle_upload",
    "preview_upload",
    "queue_build",
    "start_background_build",
    "store_upload",
]

#: Largest file :func:`store_upload` accepts unless told otherwise (bytes).
DEFAULT_MAX_BYTES = 512 * 1024 * 1024
_SAFE_NAME = re.compile(r"^[\w\-. ()À-ɏ]+$")


class UploadError(ValueError):
    """An upload that is refused; the message (Dutch) says why."""


class BuildBusyError(RuntimeError):
    """A build is already running; the message (Dutch) says since when."""


@dataclass
class Preview:
    """What the build would do with one uploaded file.

    Attributes
    ----------
    kind, filename : str
        As given.
    ok : bool
        The file can be loaded (required columns found, readable). ``False`` means the
        build would fail on it; ``error`` then says why.
    error : str or None
        Dutch message when the file cannot be loaded at all.
    warning : str or None
        Dutch warning, e.g. "dit lijkt een ongevallenexport ...".
    encoding, delimiter : str or None
        Detected text encoding (``utf-8``, ``utf-8-sig``, ``cp1252``, ``xlsx``...) and separator.
    headers : list of str
        Column names as found in the file.
    columns_found : dict
        Canonical field -> header in the file.
    columns_missing : list of str
        Required fields not found.
    columns_optional_missing : list of str
        Optional fields not found (informative).
    n_rows, n_accepted, n_refused : int
        Row counts of the whole file.
    accepted : pandas.DataFrame
        First ``n`` accepted rows (typed columns as staged).
    refused : pandas.DataFrame
        First ``n`` refused rows: ``row``, ``field``, ``value``, ``reason``.
    crs : str or None
        Boundary and point layers: the coordinate reference system read.
    note : str or None
        What the build will say of the file (Dutch): the sheet its table is read from
        when not the first, the personal columns left out.
    sheets : list of str
        A workbook with several tables: their sheets, each read as an export of its own
        (``accepted`` and ``refused`` then name the sheet of each row, ``sheet``).
    sheet_columns : dict
        With ``sheets``: per sheet, canonical field -> its header in that sheet (the
        sheets' tables may name a field differently; ``columns_found`` is the first's).
    mapping : KindMapping or None
        The header variants the preview was read with (built-in plus the zone's).
    overlap : str or None
        Dutch: how many of the file's numbers the warehouse already holds, and whose
        version will count (:func:`overlap_note`); ``None`` when none, or without a
        warehouse to compare with.
    overlap_caution : bool
        The overlap note says the build would do what the upload likely does not mean: a
        boundary file's wijken counted beside overlapping wijken already loaded (two
        divisions at once), or wijken of the file not counting because a loaded file with
        their codes goes before it. Shown as a warning, not as information.
    """

    kind: str
    filename: str
    ok: bool = False
    error: str | None = None
    warning: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    headers: list[str] = field(default_factory=list)
    columns_found: dict[str, str] = field(default_factory=dict)
    columns_missing: list[str] = field(default_factory=list)
    columns_optional_missing: list[str] = field(default_factory=list)
    n_rows: int = 0
    n_accepted: int = 0
    n_refused: int = 0
    accepted: pd.DataFrame = field(default_factory=pd.DataFrame)
    refused: pd.DataFrame = field(default_factory=pd.DataFrame)
    crs: str | None = None
    note: str | None = None
    sheets: list[str] = field(default_factory=list)
    sheet_columns: dict[str, dict[str, str]] = field(default_factory=dict)
    mapping: KindMapping | None = None
    overlap: str | None = None
    overlap_caution: bool = False
    #: Dutch: the first and last day of the file's records (``None``: no dated records).
    dates: str | None = None
    #: Dutch: with this file, its kind still stops before the other exports' newest record
    #: (the pages then count nothing for it after that day): load the newest export too.
    stops_early: str | None = None
    #: The file already there with the same bytes (its name under the raw folder): adding
    #: it changes nothing, so the dashboard offers no confirm (no rebuild, no audit line).
    identical: str | None = None


@contextmanager
def _warehouse_attached(con: duckdb.DuckDBPyConnection, warehouse: Path) -> Iterator[None]:
    """The current warehouse, read-only, as ``_wh`` on ``con`` while the block runs (the
    preview compares the upload with what is loaded)."""
    con.execute(f"ATTACH '{warehouse.as_posix()}' AS _wh (READ_ONLY)")
    try:
        yield
    finally:
        con.execute("DETACH _wh")


#: Exports the zone itself keeps up to date, in the plural of a sentence. One of them that
#: stops before the others is unknown after its last day; Statbel's file lags by design.
CURRENT_KINDS = {
    "incidents": "feiten",
    "accidents": "ongevallen",
    "nuisance": "overlastmeldingen",
    "tasks": "wijktaken",
    "controls": "verkeerscontroles",
}


def span_note(
    con: duckdb.DuckDBPyConnection, kind: str, source_file: str, warehouse: Path | None
) -> tuple[str | None, str | None]:
    """The upload's days, and whether its kind would still stop before the other exports.

    ``con`` holds the upload's rows as ``staging.preview``; ``source_file`` is the name it
    will be stored under (a file of that name in the warehouse is the one it replaces).

    Returns
    -------
    (str or None, str or None)
        "Records van … tot en met …" (``None`` without dated records), and a warning when,
        with this file, the kind's newest record lies before the newest record of the
        zone's other exports by more days than chance explains (``wb_edge_slack`` over the
        file's own records): an old export of last year uploaded beside this week's
        facts, after which the pages count nothing for that kind.
    """
    first, last, n = con.execute(
        "SELECT min(record_date), max(record_date), count(record_date) "
        "FROM staging.preview WHERE reject_reason IS NULL"
    ).fetchone()
    if last is None:
        return None, None
    # Statbel gives a month, no day: its records stand on the first of their month.
    fmt = "%m/%Y" if kind == "statbel" else "%d/%m/%Y"
    dates = f"Records van {first:{fmt}} tot en met {last:{fmt}}."
    if kind not in CURRENT_KINDS or warehouse is None or not warehouse.is_file():
        return dates, None
    with _warehouse_attached(con, warehouse):
        try:
            newest = dict(
                con.execute(
                    "SELECT kind, max(max_record_date) FROM _wh.marts.load_files "
                    "WHERE list_contains(?::VARCHAR[], kind) AND source_file <> ? GROUP BY kind",
                    [list(CURRENT_KINDS), source_file],
                ).fetchall()
            )
            slack = con.execute(
                "SELECT wb_edge_slack(?::BIGINT, ?::BIGINT)", [n, (last - first).days + 1]
            ).fetchone()[0]
        except duckdb.Error:
            return dates, None  # a warehouse of another version: no comparison
    others = [d for k, d in newest.items() if k != kind and d is not None]
    own = max(d for d in (last, newest.get(kind)) if d is not None)
    if not others or (max(others) - own).days <= slack:
        return dates, None
    label = CURRENT_KINDS[kind]
    return dates, (
        f"Met dit bestand lopen de {label} tot en met {own:%d/%m/%Y}, de andere exports tot "
        f"{max(others):%d/%m/%Y}: na {own:%d/%m/%Y} tellen de {label} nergens mee (onbekend, "
        "geen 0). Laad ook de nieuwste export, als die er is."
    )


def _statbel_loaded(con: duckdb.DuckDBPyConnection, warehouse: Path | None) -> bool:
    """Whether the warehouse in use holds any Statbel accident."""
    if warehouse is None or not warehouse.is_file():
        return False
    with _warehouse_attached(con, warehouse):
        try:
            return bool(
                con.execute(
                    "SELECT count(*) FROM (SELECT 1 FROM _wh.marts.accidents "
                    "WHERE source = 'statbel' LIMIT 1)"
                ).fetchone()[0]
            )
        except duckdb.Error:
            return False  # a warehouse of another version


#: Per kind with a record number: its staging column and the mart (with a filter) that
#: holds the version that counts, under the same column name.
RECORD_KEYS = {
    "incidents": ("pv_number", "marts.incidents", "true"),
    "accidents": ("accident_id", "marts.accidents", "source = 'zone'"),
    "nuisance": ("report_id", "marts.nuisance", "true"),
    "tasks": ("task_id", "marts.tasks", "true"),
    "controls": ("control_id", "marts.controls", "true"),
    "events": ("event_id", "marts.events", "true"),
}


def overlap_note(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    source_file: str,
    warehouse: Path,
    identical: bool = False,
) -> tuple[str | None, bool]:
    """Whose version counts for the numbers an upload shares with the warehouse, and
    whether some of the upload's versions will not count (a caution, not information).

    Across exports the newest one wins (the latest record date, then the later file
    name: ``int_file_ranks``); a re-export of an earlier month, a correction, is then
    *older* than the quarter already loaded and its versions do not count. Said before
    the file is stored, with the files concerned. ``con`` holds the upload's rows as
    ``staging.preview``; ``source_file`` is the name the upload will be stored under
    (:func:`stored_path`), ``identical`` whether that is the same file already there.
    """
    if kind not in RECORD_KEYS or not warehouse.is_file():
        return None, False
    key, mart, where = RECORD_KEYS[kind]
    with _warehouse_attached(con, warehouse):
        try:
            # The build's rank (int_file_ranks): the latest record date, for the incidents
            # also the latest registration; compared on the record date alone, a re-export
            # with late registrations was warned about though it won, and the advice to
            # rename one that lost on its registrations let it lose again (a review).
            columns = {r[0] for r in con.execute("DESCRIBE staging.preview").fetchall()}
            registered = ", max(CAST(registered_at AS DATE))" if "registered_at" in columns else ""
            mine = con.execute(
                f"SELECT count(DISTINCT {key}), greatest(max(record_date){registered}) "
                "FROM staging.preview WHERE reject_reason IS NULL"
            ).fetchone()
            n_mine, last = int(mine[0] or 0), mine[1]
            if not n_mine:
                return None, False
            shared = con.execute(
                f"""SELECT m.source_file::VARCHAR AS file,
                    any_value(coalesce(f.newest_date, f.max_record_date)) AS last,
                    count(*) AS n
                FROM (SELECT DISTINCT {key} AS k FROM staging.preview WHERE reject_reason IS NULL) p
                JOIN (SELECT {key}::VARCHAR AS k, source_file FROM _wh.{mart} WHERE {where}) m
                    ON m.k = p.k::VARCHAR
                LEFT JOIN _wh.marts.load_files f ON f.source_file = m.source_file::VARCHAR
                GROUP BY 1 ORDER BY 1"""
            ).fetchall()
        except duckdb.Error:
            return None, False  # a warehouse of another version: no comparison, still a preview
    if not shared:
        return None, False

    what = "laatste feit of registratie" if registered else "laatste feit"

    def when(d) -> str:
        return "zonder datum" if d is None else f"{what} {d:%d/%m/%Y}"

    def newer(file: str, file_last) -> bool:
        # int_file_ranks: latest record date first (none last), then the later name.
        if (file_last is None) != (last is None):
            return file_last is not None
        if file_last != last:
            return file_last > last
        return natural_key(file) > natural_key(source_file)

    total = sum(n for _, _, n in shared)
    stays = [(f, d, n) for f, d, n in shared if f != source_file and newer(f, d)]
    same = sum(n for f, _, n in shared if f == source_file)
    parts = [
        f"{_nl_int(total)} van de {_nl_int(n_mine)} {'nummer' if n_mine == 1 else 'nummers'} "
        f"{'zit' if total == 1 else 'zitten'} al in het warehouse."
    ]
    if identical:
        return None, False  # said by preview_upload, for every kind
    if same:
        parts.append(f"{_nl_int(same)} daarvan uit {source_file}.")
    if stays:
        kept = sum(n for _, _, n in stays)
        files = "; ".join(
            f"{f}, {when(d)} ({_nl_int(n)} {'nummer' if n == 1 else 'nummers'})"
            for f, d, n in stays
        )
        parts.append(
            "Bij een nummer in twee exports telt de versie uit de jongste export (de "
            f"jongste datum van een {'feit of registratie' if registered else 'feit'}, "
            "daarna de bestandsnaam). Deze upload heeft als "
            f"{when(last)}: voor {_nl_int(kept)} {'nummer' if kept == 1 else 'nummers'} "
            "blijft de versie uit een "
            f"jongere export tellen: {files}."
        )
        ties = [f for f, d, _ in stays if d == last]
        if ties:
            # Same last date: only the name decides, and a re-export of the same period
            # with a status changed (no date changes) lost to the older file (an audit).
            # A workbook's sheet ("feiten.xlsx!November") is renamed as its file.
            winner = Path(max(ties, key=natural_key).split("!", 1)[0])
            parts.append(
                f"{winner} heeft dezelfde laatste datum; dan beslist de naam. Is deze upload "
                "een gecorrigeerde export, geef het bestand dan een naam die na die van "
                f"{winner.name} komt (bijvoorbeeld {winner.stem}_2{winner.suffix}) en laad het "
                "opnieuw."
            )
        if len(ties) < len(stays):
            # A later export holds some of the numbers as well: a new name does not help
            # for those (a review: only the renaming was advised).
            parts.append(
                "Een correctie telt enkel in een export die de jongste is: exporteer de hele "
                "periode opnieuw."
            )
    elif total > same:
        parts.append(
            f"Deze upload is de jongste export ({when(last)}): haar versie telt voor "
            + ("dat nummer." if total - same == 1 else f"die {_nl_int(total - same)} nummers.")
        )
    return " ".join(parts), bool(stays)


def _nl_number(value: float, decimals: int = 0) -> str:
    """``12.345`` or ``1.234,5``: a number as a Dutch sentence writes it."""
    text = f"{value:,.{decimals}f}"
    # Swap the separators through a placeholder, so that neither overwrites the other.
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def _nl_int(n: int) -> str:
    """``12.345``: a count as a Dutch sentence writes it."""
    return _nl_number(int(n))


def _check_kind(kind: str) -> None:
    if kind not in config.RAW_KINDS:
        raise UploadError(
            f"Onbekende soort export '{kind}'; kies uit: {', '.join(config.RAW_KINDS)}."
        )


def _suffixes(kind: str) -> tuple[str, ...]:
    return ACCEPTED_SUFFIXES.get(kind, TABULAR_SUFFIXES)


#: Characters a file name here does not keep, and what takes their place: no-break spaces
#: and dashes as typed by Word or Excel, quotes; any other character outside
#: :data:`_SAFE_NAME` becomes "_" (``#``, ``&``, ``,``).
_NAME_CHARACTERS = {
    0x00A0: " ", 0x2007: " ", 0x202F: " ", 0x2009: " ",
    0x2010: "-", 0x2011: "-", 0x2012: "-", 0x2013: "-", 0x2014: "-",
    ord("'"): "", 0x2018: "", 0x2019: "", ord('"'): "", 0x201C: "", 0x201D: "",
}  # fmt: skip


def clean_filename(name: str) -> str:
    """A file name as it will be stored: composed accents (NFC), and the characters a
    name here does not keep replaced (:data:`_NAME_CHARACTERS`), e.g. "Export ISLP, feiten
    01–05 dec.csv" as "Export ISLP_ feiten 01-05 dec.csv". It was refused, and the analyst
    had to rename the file outside the dashboard."""
    import unicodedata

    name = unicodedata.normalize("NFC", name).translate(_NAME_CHARACTERS)
    name = "".join(c if _SAFE_NAME.match(c) else "_" for c in name)
    return re.sub(r" {2,}", " ", name).strip()


def safe_filename(kind: str, filename: str) -> str:
    """The file name as it will be stored, or :class:`UploadError` for a path trick.

    Only a plain name is accepted: no folders, no ``..``, no hidden or lock files, and an
    extension the kind accepts. Other characters a name here does not keep are replaced
    (:func:`clean_filename`; the preview says so).
    """
    name = (filename or "").strip()
    if not name or "/" in name or "\\" in name or "\x00" in name or name in (".", ".."):
        raise UploadError(f"Ongeldige bestandsnaam '{filename}': geef enkel een bestandsnaam op.")
    if name.startswith((".", "~$")) or ".." in name:
        raise UploadError(f"Ongeldige bestandsnaam '{filename}'.")
    name = clean_filename(name)
    if len(name) > 180 or not _SAFE_NAME.match(name):
        raise UploadError(
            f"Ongeldige bestandsnaam '{filename}': gebruik letters, cijfers, spaties, '-', '_', "
            "'(', ')' en '.' (maximaal 180 tekens)."
        )
    lower = name.lower()
    if not lower.endswith(_suffixes(kind)):
        message = (
            f"Bestand '{name}' heeft een extensie die niet past bij {kind}/; "
            f"verwacht: {', '.join(_suffixes(kind))}."
        )
        if lower.endswith((*MAP_LAYER_SUFFIXES, ".json")):
            message += f" Het lijkt een kaartlaag: {MAP_LAYER_HOME}."
        elif lower.endswith(".zip"):
            message += (
                " Een zip-bestand is een Statbel-ongevallenbestand (statbel/) of een "
                "gezipte Shapefile (districts/ of poi/); pak een andere zip eerst uit."
            )
        raise UploadError(message)
    return name


def _shapefile_part(name: str) -> tuple[str, str] | None:
    """``(stem, ending)`` of a Shapefile part's name, or ``None`` for another file."""
    lower = name.lower()
    ending = next((e for e in SHAPEFILE_PARTS if lower.endswith(e)), None)
    return None if ending is None else (name[: -len(ending)], ending)


def bundle_upload(kind: str, files: Sequence[tuple[str, bytes]]) -> tuple[str, bytes]:
    """The one export in the files chosen together: ``(file name, content)``.

    A single file is returned as it is. Several files must be the parts of one Shapefile
    (same name, endings of :data:`SHAPEFILE_PARTS`, one ``.shp``), for a kind that takes
    Shapefiles: they are packed into ``<name>.zip``, which the build reads like any zipped
    Shapefile. The zip is the same bytes for the same files, so choosing them again is
    recognised as the same upload. Parts without a part the Shapefile cannot do without
    (``.shx``, ``.dbf``) are refused here, naming it (the preview of the zip would call
    it missing "in the zip archive", which the analyst never made).

    Raises
    ------
    UploadError
        No file, or several files that are not the parts of one Shapefile (Dutch message).
    """
    # The same file chosen twice (the .shp first, then all parts) counts once.
    files = list(dict.fromkeys((name, bytes(data)) for name, data in files))
    if not files:
        raise UploadError("Geen bestand gekozen.")
    if len(files) == 1:
        name = files[0][0]
        part = _shapefile_part(name)
        if part is not None and part[1] != ".shp" and ".zip" in _suffixes(kind):
            raise UploadError(
                f"Bestand {name} is een deel van een Shapefile: kies het samen met "
                f"{part[0]}.shp en de andere delen (.shx, .dbf, .prj)."
            )
        return files[0]
    names = [name for name, _ in files]
    listed = ", ".join(names)
    parts = [_shapefile_part(name) for name in names]
    if ".zip" not in _suffixes(kind) or any(p is None for p in parts):
        raise UploadError(
            f"Kies één bestand per keer (gekozen: {listed}). Enkel de delen van één "
            "Shapefile (.shp, .shx, .dbf, .prj) mogen samen gekozen worden."
        )
    stems = {stem.lower() for stem, _ in parts}
    shps = [name for name, (_, ending) in zip(names, parts, strict=True) if ending == ".shp"]
    if len(stems) > 1 or len(shps) != 1:
        raise UploadError(
            f"De gekozen bestanden zijn niet de delen van één Shapefile ({listed}): kies "
            "het .shp-bestand met de .shx-, .dbf- en .prj-bestanden van dezelfde naam."
        )
    if len({n.lower() for n in names}) < len(names):
        raise UploadError(f"Verschillende bestanden met dezelfde naam gekozen ({listed}).")
    from etl.sources.districts import missing_shapefile_parts

    if missing := missing_shapefile_parts(shps[0], names):
        lacking = " en ".join(missing)
        raise UploadError(
            f"De gekozen delen van Shapefile {shps[0]} ({listed}) zijn niet volledig: "
            f"{lacking} {'ontbreken' if len(missing) > 1 else 'ontbreekt'}. Kies de "
            ".shp-, .shx-, .dbf- en .prj-bestanden van dezelfde naam samen."
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(files):
            # A fixed time stamp: the same parts give the same zip (and the same digest).
            archive.writestr(
                zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)),
                data,
                compress_type=zipfile.ZIP_DEFLATED,
            )
    return shps[0][: -len(".shp")] + ".zip", buffer.getvalue()


def safe_folder(kind: str, folder: str | None) -> str | None:
    """The sub-folder of ``<kind>/`` a file goes in (the type of a list of points of
    interest without a Type column, see :data:`etl.sources.tabular.FOLDER_FIELDS`), or
    :class:`UploadError`; ``None`` for none."""
    from etl.sources.tabular import FOLDER_FIELDS

    if folder is None or not folder.strip():
        return None
    name = folder.strip()
    if kind not in FOLDER_FIELDS:
        raise UploadError(f"Bestanden van {kind}/ krijgen geen submap.")
    if (
        len(name) > 60
        or name.startswith((".", "~$", "_"))
        or ".." in name
        or not _SAFE_NAME.match(name)
    ):
        raise UploadError(
            f"Ongeldige naam '{folder}': gebruik letters, cijfers, spaties, '-' en '_'."
        )
    return name


def _staging_model(kind: str) -> Path | None:
    for path in sorted((config.SQL_DIR / "staging").glob("*.sql")):
        if re.search(rf"\bfrom\s+raw\.{kind}\b", path.read_text(encoding="utf-8"), re.I):
            return path
    return None


def _preview_districts(
    preview: Preview, path: Path, raw: Path, zone: dict, n: int, mappings: dict
) -> DistrictLayers:
    """Fill ``preview`` from a boundary file; returns the layers read from it."""
    from etl.sources.districts import load_districts

    layers = load_districts(
        [path], raw, mappings["districts"], zone.get("zone", {}).get("districts_crs")
    )
    info = layers.files[0]
    preview.crs = info.get("crs")
    preview.note = " ".join(info.get("layer_notes", [])) or None
    preview.encoding = path.suffix.lower().lstrip(".")  # the kind of layer file
    preview.n_rows = int(info["rows_read"])
    rows = [
        {
            "laag": a.layer,
            "code": a.code,
            "naam": a.name,
            "oppervlakte_km2": round(a.geom.area / 1e6, 3),
        }
        for areas in layers.areas.values()
        for a in areas
    ]
    # Features, as the file has them: one merged into its area's boundary was used (the
    # note says so); only those left out are refused (the note names their rows).
    preview.n_refused = int(info["rows_refused"])
    preview.n_accepted = preview.n_rows - preview.n_refused
    preview.accepted = pd.DataFrame(rows).head(n)
    preview.ok = bool(rows)
    if not rows and preview.note:
        # The features were left out for a reason the note gives (no geometry, a point or
        # a line): that is what to fix, not the properties they already have.
        preview.error = f"Geen enkele grens bruikbaar: {preview.note}"
        preview.note = None
    elif not rows:
        preview.error = (
            "Geen enkele grens herkend: elke feature heeft een eigenschap wijk_code, "
            "deelgemeente_code, nis_code (+ naam) of zone_naam nodig."
        )
    return layers


def _hectares(m2: float) -> str:
    """``1.234,5 ha``: an area as a Dutch sentence writes it."""
    return _nl_number(m2 / 1e4, 1) + " ha"


def _wijken_beside_loaded(
    layers: DistrictLayers, raw_dir: Path, name: str, zone: dict, mappings: dict
) -> tuple[str | None, bool]:
    """Dutch: how the wijken of an uploaded boundary file (to be stored as ``name``) meet
    the wijken already loaded (``None`` when they do not), and whether that is a caution
    (:attr:`Preview.overlap_caution`) rather than information.

    Two things the build would do without asking: a wijk of another code that overlaps a
    loaded one counts beside it (a record in the shared part for one of them only), as
    when a zone's new division is added without taking the old one out; and of two wijken
    with the same code, the file last in name order counts, which may be the old one.
    """
    from etl.build import wijk_overlaps
    from etl.sources.base import discover_files, natural_key
    from etl.sources.districts import DistrictLayers, load_districts

    new = layers.layer("wijk")
    loaded = [p for p in discover_files(raw_dir)["districts"] if source_name(raw_dir, p) != name]
    if not new or not loaded:
        return None, False
    crs = zone.get("zone", {}).get("districts_crs")
    old = load_districts(loaded, raw_dir, mappings["districts"], crs).layer("wijk")
    new_codes = {a.code for a in new}
    notes = []

    same = [a for a in old if a.code in new_codes]
    losing = [a for a in same if natural_key(a.source_file) > natural_key(name)]
    if losing:
        files = ", ".join(sorted({a.source_file for a in losing}))
        codes = ", ".join(sorted(a.code for a in losing)[:10])
        more = f" en {len(losing) - 10} andere" if len(losing) > 10 else ""
        notes.append(
            f"{len(losing)} wijk(en) van dit bestand ({codes}{more}) staan met dezelfde code "
            f"ook in {files}. Dat bestand komt in naamvolgorde na {name} en gaat voor: de "
            "grenzen van dit bestand tellen voor die wijken niet. Vervangt dit bestand die "
            f"grenzen, haal dan na het toevoegen {files} uit het warehouse (Opbouw van het "
            "warehouse → Een bestand uit het warehouse halen)."
        )
    elif same:
        files = ", ".join(sorted({a.source_file for a in same}))
        notes.append(
            f"{len(same)} wijk(en) van dit bestand vervangen de grens met dezelfde code uit "
            f"{files}."
        )

    # The wijken the build would count: of each code the shape in the file last in name
    # order. A wijk of this file that loses to a loaded one counts nowhere; the loaded shape
    # is the one this file's other wijken meet.
    lost = {a.code for a in losing}
    counting = new_codes - lost
    both = DistrictLayers()
    both.areas["wijk"] = [a for a in new if a.code in counting] + [
        a for a in old if a.code not in counting
    ]
    old_files = {a.code: a.source_file for a in old}
    pairs = [
        (a, b, m2) if a in counting else (b, a, m2)
        for a, b, m2, _ in wijk_overlaps(both)
        if (a in counting) != (b in counting)
    ]
    if pairs:
        pairs.sort(key=lambda p: -p[2])
        shown = "; ".join(f"{a} en {b} ({_hectares(m2)})" for a, b, m2 in pairs[:5])
        more = f"; en {len(pairs) - 5} andere paren" if len(pairs) > 5 else ""
        files = ", ".join(sorted({old_files[b] for _, b, _ in pairs}))
        notes.append(
            f"De wijken van dit bestand overlappen met andere wijken die al geladen zijn uit "
            f"{files}: {shown}{more}. Beide indelingen zouden meetellen, en een record in "
            "het gedeelde stuk telt maar voor één wijk. Vervangt dit bestand de "
            f"wijkindeling, haal dan na het toevoegen {files} uit het warehouse (Opbouw van "
            "het warehouse → Een bestand uit het warehouse halen)."
        )
    return " ".join(notes) or None, bool(losing or pairs)


def preview_upload(
    kind: str,
    filename: str,
    data: bytes,
    zone_file: Path | None = None,
    n: int = 20,
    max_bytes: int = DEFAULT_MAX_BYTES,
    folder: str | None = None,
    warehouse: Path | None = None,
    raw_dir: Path | None = None,
) -> Preview:
    """Read an uploaded export the way the build would, without storing anything.

    Parameters
    ----------
    kind : str
        Kind of export (folder name, :data:`etl.config.RAW_KINDS`).
    filename : str
        Name of the uploaded file (its extension selects the reader).
    data : bytes
        File content.
    zone_file : Path, optional
        Zone configuration (for "today" and the declared boundary CRS).
    n : int
        Rows to return in ``accepted`` and ``refused``.
    max_bytes : int
        Size limit, as for :func:`store_upload`: a preview parses the whole file too.
    folder : str, optional
        Sub-folder of ``<kind>/`` the file will be stored in (:func:`safe_folder`).
    warehouse : Path, optional
        The warehouse in use: the numbers it already holds are compared with the file's
        (:attr:`Preview.overlap`).
    raw_dir : Path, optional
        The raw folder the file will be stored in: the comparison takes the name
        :func:`store_upload` will give it (``naam_2.csv`` beside a different ``naam.csv``),
        and says so when the same file is already there.

    Returns
    -------
    Preview
        Never raises for a bad file: ``ok`` is False and ``error`` says why.
    """
    _check_kind(kind)
    preview = Preview(kind=kind, filename=filename)
    try:
        name = safe_filename(kind, filename)
        folder = safe_folder(kind, folder)
    except UploadError as exc:
        preview.error = str(exc)
        if kind == "districts" and len(data) <= max_bytes:
            if other := _table_kind(filename, data):
                preview.error += f" De tabel lijkt een {KIND_LABELS.get(other, other)}: kies die soort ({other}/)."
        return preview
    if len(data) > max_bytes:
        preview.error = f"Bestand '{name}' is te groot ({len(data) / 1e6:.1f} MB; maximum {max_bytes / 1e6:.0f} MB)."
        return preview
    try:
        zone = config.load_zone(zone_file)
    except (OSError, ValueError):
        zone = {}
    try:
        mappings = load_mappings()
    except ValueError as exc:  # the zone's mapping file has a mistake: the build would stop too
        preview.error = str(exc)
        return preview
    preview.mapping = mappings.get(kind)
    with tempfile.TemporaryDirectory(prefix="wijkbeeld-preview-") as tmp:
        raw = Path(tmp) / "raw"
        path = raw / kind / (folder or "") / name
        path.parent.mkdir(parents=True)
        path.write_bytes(data)
        work = Path(tmp) / "work"
        work.mkdir()
        try:
            # Where the file will be stored, and whether it is already there (once: it
            # hashes the kind's exports of the same size).
            stored = None
            if raw_dir is not None:
                where, same = stored_path(kind, name, data, raw_dir, folder)
                stored = (source_name(Path(raw_dir), where), same)
            identical = stored[0] if stored and stored[1] else None
            if kind == "districts":
                layers = _preview_districts(preview, path, raw, zone, n, mappings)
                if stored is not None and not identical:
                    preview.overlap, preview.overlap_caution = _wijken_beside_loaded(
                        layers, Path(raw_dir), stored[0], zone, mappings
                    )
            else:
                _preview_tabular(
                    preview, kind, path, raw, work, zone, n, mappings, warehouse, stored
                )
                if preview.ok and preview.n_rows == 0 and not identical:
                    # A header without rows adds nothing; confirming it ran a whole build
                    # without a word (an audit).
                    preview.ok = False
                    preview.error = (
                        f"Bestand '{name}' bevat geen enkele rij onder de kopregel: er valt "
                        "niets toe te voegen. Is de export leeg, of de verkeerde periode?"
                    )
                if kind == "sectors" and stored is not None and not stored[1]:
                    _note_other_sector_lists(preview, Path(raw_dir), stored[0])
            preview.identical = identical
            if identical:
                # Every kind, also before a build read the file: nothing to add.
                preview.overlap = (
                    f"Dit bestand staat er al, identiek, als {identical}: toevoegen verandert "
                    "niets (het wordt niet nog eens opgeslagen of gelezen)."
                )
        except BuildError as exc:
            preview.ok = False
            preview.error = str(exc)
    if name != (filename or "").strip():
        renamed = (
            f"Bewaard als '{name}': tekens die een bestandsnaam hier niet kan bevatten "
            "(komma, apostrof, #, & …) zijn vervangen."
        )
        preview.note = f"{renamed} {preview.note}" if preview.note else renamed
    if stored is not None and not stored[1]:
        plain = "/".join(p for p in (kind, folder, name) if p)
        if stored[0] != plain:
            # Said before confirming, not only after (an audit): the name it gets.
            numbered = (
                f"Er staat al een ander bestand '{plain}': dit bestand wordt bewaard als "
                f"'{stored[0]}' (een bestand wordt nooit overschreven)."
            )
            preview.note = f"{preview.note} {numbered}" if preview.note else numbered
    return preview


def _table_kind(filename: str, data: bytes) -> str | None:
    """The kind a table offered as a boundary layer looks like, by its headers (None when
    it is no table, or no kind's headers; :func:`etl.sources.tabular.table_kind`)."""
    from etl.sources.tabular import table_kind

    suffix = Path(filename).suffix.lower()
    if suffix not in TABULAR_SUFFIXES:
        return None
    try:
        mappings = load_mappings()
    except ValueError:
        return None
    with tempfile.TemporaryDirectory(prefix="wijkbeeld-preview-") as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        return table_kind(path, Path(tmp), mappings)


def _note_other_sector_lists(preview: Preview, raw_dir: Path, stored_name: str) -> None:
    """Sector lists are read together (per municipality the newest list counts, and an
    older list's codes it no longer has are refused): a preview of one list alone counted
    rows the build then refused. Said, with the list that will count."""
    from etl.sources.base import discover_files

    others = [source_name(raw_dir, p) for p in discover_files(raw_dir).get("sectors", [])]
    if not others:
        return
    newest = max([*others, stored_name], key=natural_key)
    note = (
        f"Er {'staat' if len(others) == 1 else 'staan'} al {len(others)} "
        f"{'sectorlijst' if len(others) == 1 else 'sectorlijsten'} ({', '.join(others)}). "
        "De bouw leest ze samen met deze: per gemeente telt de nieuwste lijst met die "
        f"gemeente, in naamvolgorde de laatste (van al deze lijsten: {newest}), en codes van "
        "een oudere lijst die de nieuwste niet meer heeft, worden geweigerd. De aantallen "
        "hierboven gelden voor dit bestand alleen."
    )
    preview.note = f"{preview.note} {note}" if preview.note else note


def _preview_tabular(
    preview: Preview,
    kind: str,
    path: Path,
    raw: Path,
    work: Path,
    zone: dict,
    n: int,
    mappings: dict,
    warehouse: Path | None = None,
    stored: tuple[str, bool] | None = None,
) -> None:
    """``stored``: the name the file will have under the raw folder, and whether that is
    the same file already there (:func:`stored_path`)."""
    from etl import duck
    from etl.build import create_build_params
    from etl.sources.tabular import file_note, load_tabular_kind, sniff_headers

    mapping = mappings[kind]
    headers, encoding, delimiter = sniff_headers(
        path, work, header_test(mapping, mappings), mapping
    )
    preview.headers, preview.encoding, preview.delimiter = headers, encoding, delimiter
    found = mapping.match(headers)
    preview.columns_found = {f: headers[i] for f, i in found.items()}
    preview.columns_missing = [f for f in mapping.required if f not in found]
    preview.columns_optional_missing = [
        f for f in mapping.fields if f not in found and f not in mapping.required
    ]
    other = guess_kind(headers, mappings, kind)
    if other:
        message = wrong_kind_message(kind, other)
        preview.warning = message[0].upper() + message[1:] + "."
    con = duck.connect(":memory:", spatial=False)
    try:
        for schema in ("raw", "staging"):
            con.execute(f"CREATE SCHEMA {schema}")
        create_build_params(con, zone, config.zone_now(zone), name="preview")
        infos = load_tabular_kind(con, kind, [path], mapping, raw, work, mappings)
        preview.encoding = infos[0].get("encoding") or preview.encoding
        preview.delimiter = infos[0].get("delimiter") or preview.delimiter
        preview.crs = infos[0].get("crs")  # a map layer's
        if shown := infos[0].get("shown_headers"):
            # A map layer: X and Y come from its geometry, a Shapefile's field may be cut
            # short; the preview names what the file has.
            preview.headers = [shown.get(h, h) for h in preview.headers]
            preview.columns_found = {f: shown.get(h, h) for f, h in preview.columns_found.items()}
        # A workbook with several tables: one export per sheet (etl.sources.tabular).
        preview.sheets = [i["sheet"] for i in infos if (i.get("sheets") or 1) > 1]
        notes = [file_note(i, sheet=not preview.sheets) for i in infos]
        if preview.sheets:
            names = ", ".join(f"'{s}'" for s in preview.sheets)
            notes.insert(
                0,
                f"Werkmap met {len(preview.sheets)} tabellen, elk blad als een eigen export "
                f"gelezen: werkbladen {names}.",
            )
        preview.note = " ".join(dict.fromkeys(n for n in notes if n)) or None
        sheet_of = {i["source_file"]: i.get("sheet") for i in infos}
        # Rows in the workbook's order: sheet by sheet, then by row.
        in_order = (
            f"list_position([{', '.join(sql_text(i['source_file']) for i in infos)}], "
            "source_file::VARCHAR), source_row"
        )
        con.execute(config.macros_sql(zone))
        model = _staging_model(kind)
        if model is None:
            raise BuildError(f"Geen stagingmodel voor {kind}.")
        sql = model.read_text(encoding="utf-8").strip().rstrip(";")
        try:
            vocabulary_types(con, areas=False)
            con.execute(f"CREATE TABLE staging.preview AS {prepare_labels(con, sql)}")
        except duckdb.Error as exc:
            raise BuildError(f"Bestand {path.name} kan niet gelezen worden: {exc}") from exc
        preview.n_rows, preview.n_refused = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE reject_reason IS NOT NULL) FROM staging.preview"
        ).fetchone()
        preview.n_accepted = preview.n_rows - preview.n_refused
        hidden = "reject_reason, reject_field, reject_value, load_order"
        preview.accepted = con.execute(
            f"SELECT * EXCLUDE ({hidden}) FROM staging.preview WHERE reject_reason IS NULL "
            f"ORDER BY {in_order} LIMIT {int(n)}"
        ).df()
        refused = con.execute(
            "SELECT source_file::VARCHAR AS sheet, source_row AS row, reject_field AS field, "
            "reject_value AS value, reject_reason AS reason FROM staging.preview "
            f"WHERE reject_reason IS NOT NULL ORDER BY {in_order} LIMIT {int(n)}"
        ).df()
        # A refused field by the header of the row's own table (sheets may name it apart).
        columns_of = {i["source_file"]: i.get("columns") or {} for i in infos}
        refused["field"] = [
            columns_of.get(source, {}).get(f, f)
            for source, f in zip(refused["sheet"], refused["field"], strict=True)
        ]
        if preview.sheets:
            preview.sheet_columns = {i["sheet"]: dict(i.get("columns") or {}) for i in infos}
            refused["sheet"] = refused["sheet"].map(sheet_of)
            preview.accepted.insert(
                0, "sheet", preview.accepted["source_file"].astype(str).map(sheet_of)
            )
        else:
            refused = refused.drop(columns="sheet")
        preview.refused = refused
        name, same = stored or (source_name(raw, path), False)
        if warehouse is not None:
            preview.overlap, preview.overlap_caution = overlap_note(
                con, kind, name, warehouse, same
            )
        if kind == "statbel" and not same and _statbel_loaded(con, warehouse):
            # No accident number to compare with what is loaded ("Aanvaard: 5" of five
            # accidents already there; an audit): say how the build tells them apart.
            preview.overlap = (
                "Statbel geeft geen ongevalnummer: een ongeval dat een al geladen "
                "Statbel-bestand ook bevat (zelfde jaar, maand, uur, gemeente, coördinaten, "
                "klasse en omstandigheden) telt één keer, ook als de aantallen hierboven het "
                "meetellen."
            )
        preview.dates, preview.stops_early = span_note(con, kind, name, warehouse)
        preview.ok = True
    finally:
        con.close()


def _identical_in(raw_dir: Path, kind: str, data: bytes, digest: str) -> Path | None:
    """An export of this kind the build reads (any name, any sub-folder) with exactly these
    bytes; not a file it leaves out ("feiten.csv.bak"): reusing that one read nothing."""
    from etl.sources.base import discover_files

    for path in discover_files(Path(raw_dir)).get(kind, []):
        if path.stat().st_size == len(data) and file_sha256(path) == digest:
            return path
    return None


def stored_path(
    kind: str, filename: str, data: bytes, raw_dir: Path, folder: str | None = None
) -> tuple[Path, bool]:
    """Where :func:`store_upload` would put these bytes now, and whether that is a file
    already there with the same content (which it reuses: the same export twice, under
    another name too, is read once). Nothing is written."""
    name = safe_filename(kind, filename)
    target = Path(raw_dir) / kind / (safe_folder(kind, folder) or "")
    same = _identical_in(raw_dir, kind, data, hashlib.sha256(data).hexdigest())
    if same is not None:
        return same, True
    return next(c for c in _numbered_names(target, name) if not c.exists()), False


def store_upload(
    kind: str,
    filename: str,
    data: bytes,
    raw_dir: Path,
    max_bytes: int = DEFAULT_MAX_BYTES,
    folder: str | None = None,
) -> Path:
    """Store an uploaded export as ``raw_dir/<kind>/[<folder>/]<filename>``.

    An identical file already there, under any name, is reused (uploading twice changes
    nothing: a copy under another name had its refused rows counted twice); a different
    file with that name is never overwritten: the new one gets a suffix (``naam_2.csv``).
    The file appears atomically (never half-written for a build).

    Parameters
    ----------
    kind : str
        Kind of export (folder).
    filename : str
        Plain file name; folders, ``..`` and hidden names are refused.
    data : bytes
        Content.
    raw_dir : Path
        The raw folder.
    max_bytes : int
        Size limit.
    folder : str, optional
        Sub-folder of ``<kind>/`` (:func:`safe_folder`): the type of a list of points of
        interest without a Type column.

    Returns
    -------
    Path
        Where the file is.

    Raises
    ------
    UploadError
        Unknown kind, unsafe name, wrong extension, empty or too large file (Dutch message).
    """
    _check_kind(kind)
    name = safe_filename(kind, filename)
    folder = safe_folder(kind, folder)
    if not data:
        raise UploadError(f"Bestand '{name}' is leeg.")
    if len(data) > max_bytes:
        raise UploadError(
            f"Bestand '{name}' is te groot ({len(data) / 1e6:.1f} MB; maximum {max_bytes / 1e6:.0f} MB)."
        )
    target = Path(raw_dir) / kind / (folder or "")
    target.mkdir(parents=True, exist_ok=True)
    target_real = target.resolve()
    if not target_real.is_relative_to((Path(raw_dir) / kind).resolve()):
        raise UploadError(f"Ongeldige naam '{folder}'.")
    digest = hashlib.sha256(data).hexdigest()
    if (same := _identical_in(raw_dir, kind, data, digest)) is not None:
        return same
    tmp = target / f".upload-{os.getpid()}-{time.monotonic_ns()}"
    tmp.write_bytes(data)
    try:
        for candidate in _numbered_names(target, name):
            if candidate.resolve().parent != target_real:
                raise UploadError(f"Ongeldige bestandsnaam '{filename}'.")
            if candidate.exists():
                if candidate.is_file() and file_sha256(candidate) == digest:
                    return candidate
                continue
            try:
                os.link(tmp, candidate)  # fails if the name appeared meanwhile: never overwrite
            except FileExistsError:
                continue
            return candidate
        raise UploadError(f"Te veel bestanden met de naam '{name}' in {kind}/.")
    finally:
        tmp.unlink(missing_ok=True)


#: Folder under the raw folder for exports taken out of the build (see :func:`quarantine`).
QUARANTINE = config.QUARANTINE_DIR


def exports(raw_dir: Path) -> list[str]:
    """The exports the build reads under ``raw_dir``, as ``<kind>/<file>`` (the names
    :func:`quarantine` takes; a Shapefile by its ``.shp``), per kind in the build's order."""
    from etl.sources.base import discover_files

    raw_dir = Path(raw_dir)
    return [source_name(raw_dir, p) for paths in discover_files(raw_dir).values() for p in paths]


def files_named_in(message: str, raw_dir: Path, names: list[str] | None = None) -> list[str]:
    """The exports under ``raw_dir`` that a build message names, as ``<kind>/<file>``.

    A failed build names the file it could not use (``Bestand incidents/x.csv ...``); these
    are the candidates the Data page offers to put in quarantine. ``names`` is
    :func:`exports` of ``raw_dir`` when the caller has it already (the folder is not walked
    again).
    """
    found: dict[str, int] = {}
    for name in exports(raw_dir) if names is None else names:
        # Named with its folder ("incidents/x.csv") or, by a reader, by its file name.
        for shown in (name, name.rsplit("/", 1)[-1]):
            hit = re.search(rf"(?<![\w/.-]){re.escape(shown)}(?![\w.-])", message)
            if hit:
                found[name] = hit.start()
                break
    return sorted(found, key=found.__getitem__)


def _raw_file(raw_dir: Path, name: str, root: str | None = None) -> tuple[Path, Path]:
    """The file ``raw_dir[/root]/<kind>/...`` for ``name`` = ``<kind>/...``, and its folder
    below ``raw_dir[/root]``; anything else is refused."""
    parts = name.split("/")
    if parts[0] not in config.RAW_KINDS or len(parts) < 2:
        raise UploadError(f"Ongeldige bestandsnaam '{name}'.")
    if any(not p or p.startswith(".") for p in parts):
        raise UploadError(f"Ongeldige bestandsnaam '{name}'.")
    base = Path(raw_dir) / root if root else Path(raw_dir)
    path = base.joinpath(*parts)
    if not path.resolve().is_relative_to((base / parts[0]).resolve()):
        raise UploadError(f"Ongeldige bestandsnaam '{name}'.")
    if not path.is_file():
        raise UploadError(f"Bestand '{name}' bestaat niet (meer).")
    return path, Path(*parts[:-1])


def _numbered_names(folder: Path, name: str) -> Iterator[Path]:
    """``folder/name``, then ``name_2.ext``, ``name_3.ext`` ... (at most 999 names)."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    yield folder / name
    for i in range(2, 1000):
        yield folder / (f"{stem}_{i}.{ext}" if ext else f"{stem}_{i}")


def _parts(source: Path) -> list[tuple[Path, str]]:
    """``source`` and, for a Shapefile, the other parts of the same name beside it
    (:data:`SHAPEFILE_PARTS`, in any case: ``WIJKEN.DBF``), each with its ending as
    written (``.DBF``)."""
    parts = [(source, source.name[len(source.stem) :])]
    if source.suffix.lower() == ".shp":
        for other in sorted(source.parent.iterdir()):
            part = _shapefile_part(other.name)
            if (
                part is not None
                and other != source
                and part[0].lower() == source.stem.lower()
                and part[1] != ".shp"
                and other.is_file()
            ):
                parts.append((other, other.name[len(part[0]) :]))
    return parts


def _move_without_overwriting(source: Path, folder: Path) -> Path:
    """Move ``source`` (a Shapefile with its parts) into ``folder`` under its name, or the
    first numbered name (``x_2.csv``) free for it and every part; never overwrites."""
    folder.mkdir(parents=True, exist_ok=True)
    parts = _parts(source)
    # Names compared without case, as Windows and macOS do: a part never lands beside a
    # file of another layer that the Shapefile would then take for its own.
    taken = {p.name.lower() for p in folder.iterdir()} if len(parts) > 1 else set()
    for target in _numbered_names(folder, source.name):
        stem = target.name[: len(target.name) - len(parts[0][1])]
        if any((stem + suffix).lower() in taken for _, suffix in parts):
            continue
        linked: list[Path] = []
        try:
            for part, suffix in parts:
                os.link(part, folder / (stem + suffix))  # fails if the name exists
                linked.append(folder / (stem + suffix))
        except FileExistsError:
            for done in linked:  # a part's name is taken: try the next name for all
                done.unlink()
            continue
        for part, _ in parts:
            part.unlink()
        return target
    raise UploadError(f"Te veel bestanden met de naam '{source.name}' in {folder.name}/.")


def quarantine(raw_dir: Path, name: str) -> Path:
    """Take the export ``<kind>/<file>`` out of the build: move it to ``_quarantaine/<kind>/``.

    Nothing is deleted: the file keeps its content and can be put back with
    :func:`restore`. A Shapefile (``.shp``) goes with its other parts (``.shx``, ``.dbf``,
    ``.prj`` ...): left behind, they were files no reader takes, named in the build
    warnings. Returns where it now is.
    """
    source, folder = _raw_file(raw_dir, name)
    return _move_without_overwriting(source, Path(raw_dir) / QUARANTINE / folder)


def restore(raw_dir: Path, name: str) -> Path:
    """Put a quarantined export ``<kind>/<file>`` back among the exports the build reads."""
    source, folder = _raw_file(raw_dir, name, QUARANTINE)
    return _move_without_overwriting(source, Path(raw_dir) / folder)


def quarantined(raw_dir: Path) -> list[str]:
    """The exports in quarantine, as ``<kind>/<file>`` (a Shapefile by its ``.shp``: its
    other parts go and come back with it)."""
    root = Path(raw_dir) / QUARANTINE
    files = [
        p
        for kind in config.RAW_KINDS
        if (root / kind).is_dir()
        for p in (root / kind).rglob("*")
        if p.is_file() and not p.name.startswith(".")
    ]
    parts = {part for p in files if p.suffix.lower() == ".shp" for part, _ in _parts(p)[1:]}
    return sorted(p.relative_to(root).as_posix() for p in files if p not in parts)


def _local_now(zone_file: Path | None) -> str:
    """Now in the zone's time zone (as the build stamps ``built_at``), ISO without offset."""
    try:
        zone = config.load_zone(zone_file)
    except (OSError, ValueError):
        zone = {}
    return (
        datetime.now(config.zone_timezone(zone)).replace(tzinfo=None).isoformat(timespec="seconds")
    )


def _write_status(status_file: Path, payload: dict) -> None:
    status_file.parent.mkdir(parents=True, exist_ok=True)
    tmp = status_file.with_name(f".{status_file.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    os.replace(tmp, status_file)


def _lock_path(status_file: Path) -> Path:
    return status_file.with_name(status_file.name + ".lock")


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(int(pid), 0)
    except (ProcessLookupError, ValueError):
        return False
    except PermissionError:
        return True
    # A zombie child (finished, not yet reaped) counts as gone.
    try:
        with open(f"/proc/{int(pid)}/stat", encoding="ascii") as fh:
            return fh.read().split(") ")[-1][:1] != "Z"
    except OSError:
        return True


def build_status(status_file: Path) -> dict:
    """State of the background build.

    Returns
    -------
    dict
        ``state``: ``idle`` (never built from here), ``running``, ``ok`` or ``failed``;
        ``message`` (Dutch); ``started_at``/``finished_at`` (ISO), ``duration_s``,
        ``cpu_s``, ``peak_mb``; on success ``rows`` and ``rejects`` per kind.
    """
    status_file = Path(status_file)
    try:
        status = json.loads(status_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"state": "idle", "message": "Nog geen bouw gestart."}
    except (OSError, ValueError):
        return {"state": "failed", "message": "Statusbestand van de bouw is onleesbaar."}
    if status.get("state") == "running" and not _alive(status.get("pid")):
        status = dict(
            status,
            state="failed",
            message="De bouw is onderbroken (proces gestopt); het vorige warehouse blijft in gebruik.",
        )
    return status


def start_background_build(
    raw: Path,
    warehouse: Path,
    status_file: Path,
    zone_file: Path | None = None,
) -> None:
    """Rebuild the warehouse in a separate process and report through ``status_file``.

    The dashboard keeps reading the current warehouse: the build writes a new file and
    swaps it in only when every check passed; a failed build leaves it untouched.

    Raises
    ------
    BuildBusyError
        A build started from here is still running.
    """
    status_file = Path(status_file)
    lock = _lock_path(status_file)
    lock.parent.mkdir(parents=True, exist_ok=True)
    current = build_status(status_file)
    if current.get("state") == "running":
        raise BuildBusyError(
            f"Er loopt al een bouw (gestart {current.get('started_at', '?')}); wacht tot die klaar is."
        )
    # The lock is an flock on a file that stays: the child inherits it and holds it for
    # the whole build, so it ends with the child, also one that crashes. Two confirms at
    # the same moment (two sessions) cannot both start a build: an empty lock file was
    # taken for one left by a dead build and removed while the first build ran.
    fd = os.open(lock, os.O_CREAT | os.O_RDWR, 0o600)
    # The child writes no status before this process has written its "running" one (it
    # waits for a byte on this pipe, or for the pipe to close): a build that failed
    # faster than that would otherwise have its outcome overwritten by "running".
    go_read, go_write = os.pipe()
    try:
        _flock(fd, status_file)
        cmd = [sys.executable, "-m", "etl.upload", str(raw), str(warehouse), str(status_file)]
        if zone_file is not None:
            cmd.append(str(zone_file))
        proc = subprocess.Popen(
            cmd,
            cwd=config.REPO_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # survives a Streamlit rerun or page reload
            pass_fds=(fd, go_read),
            env={**os.environ, LOCK_FD_ENV: str(fd), GO_FD_ENV: str(go_read)},
        )
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(proc.pid).encode("ascii"), 0)  # who holds it, for a person
        _write_status(
            status_file,
            {
                "state": "running",
                "pid": proc.pid,
                "started_at": _local_now(zone_file),
                "message": "Warehouse wordt gebouwd; het vorige blijft in gebruik tot de bouw klaar is.",
                "raw": str(raw),
                "warehouse": str(warehouse),
            },
        )
        os.write(go_write, b"1")
    finally:
        os.close(fd)  # the child's copy keeps the lock
        os.close(go_read)
        os.close(go_write)  # also a go-ahead: the child reads the end of the pipe


#: The environment variable that tells the build process which descriptor holds the lock.
LOCK_FD_ENV = "WIJKBEELD_BUILD_LOCK_FD"
#: ... and which one gives the go-ahead to write its status (start_background_build).
GO_FD_ENV = "WIJKBEELD_BUILD_GO_FD"


def _flock(fd: int, status_file: Path) -> None:
    """Take the build lock on ``fd`` or raise :class:`BuildBusyError`. A build that has
    just written its final status lets go a moment later: waited for, up to 5 s."""
    import fcntl

    deadline = time.monotonic() + 5.0
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            finishing = build_status(status_file).get("state") in ("ok", "failed")
            if not finishing or time.monotonic() > deadline:
                raise BuildBusyError("Er loopt al een bouw; wacht tot die klaar is.") from None
            time.sleep(0.05)


def waiting(status_file: Path, base: dict) -> Callable[[str | None], None]:
    """The build's ``on_wait``: the status says which other build of the warehouse this
    one waits for (``waiting_for``, a process number), and no longer once it may start."""

    def on_wait(holder: str | None) -> None:
        if holder is None:
            _write_status(
                status_file, dict(base, state="running", message="Warehouse wordt gebouwd.")
            )
        else:
            _write_status(
                status_file,
                dict(
                    base,
                    state="running",
                    waiting_for=holder,
                    message=f"Wacht op een andere bouw van dit warehouse (proces {holder}).",
                ),
            )

    return on_wait


def pending_path(status_file: Path) -> Path:
    """The request for one more build, beside the status file (:func:`queue_build`)."""
    status_file = Path(status_file)
    return status_file.with_name(status_file.name + ".pending")


def queue_build(
    raw: Path, warehouse: Path, status_file: Path, zone_file: Path | None = None
) -> bool:
    """Start a background build, or, while one runs, have it build once more when it is
    done: ``True`` when a build started now, ``False`` when it was queued.

    An upload confirmed while another build ran was stored but never loaded: the running
    build had read the exports before it, and nothing built again afterwards. The request
    is a file beside the status (:func:`pending_path`); the running build takes it before it
    lets go of the lock (:func:`_run_build`). When that build ended in between, the build
    is started here.
    """
    try:
        start_background_build(raw, warehouse, status_file, zone_file)
        return True
    except BuildBusyError:
        pending = pending_path(status_file)
        pending.write_text(_local_now(zone_file), encoding="utf-8")
    if build_status(status_file).get("state") != "running":
        try:
            start_background_build(raw, warehouse, status_file, zone_file)
        except BuildBusyError:
            return False  # the running build took the request
        pending.unlink(missing_ok=True)
        return True
    return False


def _take_pending(status_file: Path) -> bool:
    """Whether one more build was asked for (and the request is now taken)."""
    try:
        pending_path(status_file).unlink()
    except FileNotFoundError:
        return False
    return True


def _run_build(raw: Path, warehouse: Path, status_file: Path, zone_file: Path | None) -> int:
    """Child process: build, write the final status, build again while an upload asked for
    it meanwhile (:func:`queue_build`), then release the lock."""
    if (go := os.environ.pop(GO_FD_ENV, None)) is not None:
        try:
            os.read(int(go), 1)  # the starter's "running" status is written
            os.close(int(go))
        except (OSError, ValueError):
            pass
    _take_pending(status_file)  # this build reads the exports as they are now
    while True:
        code = _build_once(raw, warehouse, status_file, zone_file)
        if not _take_pending(status_file):
            break
    # Let go of the lock now that the status says so (it would end with the process too);
    # the lock file stays (removing it let a second build lock a new file beside it).
    if (held := os.environ.get(LOCK_FD_ENV)) is not None:
        try:
            os.close(int(held))
        except (OSError, ValueError):
            pass
    return code


def _build_once(raw: Path, warehouse: Path, status_file: Path, zone_file: Path | None) -> int:
    """One build of :func:`_run_build`, its status written as it goes and at its end."""
    from etl.build import build_warehouse

    started_at = _local_now(zone_file)
    wall = time.perf_counter()
    cpu = time.process_time()
    lines: list[str] = []
    base = {
        "pid": os.getpid(),
        "started_at": started_at,
        "raw": str(raw),
        "warehouse": str(warehouse),
    }
    _write_status(status_file, dict(base, state="running", message="Warehouse wordt gebouwd."))
    try:
        result = build_warehouse(
            raw, warehouse, zone_file, echo=lines.append, on_wait=waiting(status_file, base)
        )
        status = dict(
            base,
            state="ok",
            message=f"Warehouse gebouwd in {result['duration_s']:.1f} s.",
            rows={k.removeprefix("marts."): v for k, v in result["rows"].items()},
            rejects=result["rejects"],
            log=lines[-200:],
        )
        code = 0
    except BuildError as exc:
        status = dict(base, state="failed", message=str(exc), log=lines[-200:])
        code = 1
    except Exception as exc:  # noqa: BLE001 - any crash must end up in the status, in Dutch
        status = dict(
            base,
            state="failed",
            message=f"Bouw mislukt door een onverwachte fout: {type(exc).__name__}: {exc}",
            log=lines[-200:],
        )
        code = 2
    usage = resource.getrusage(resource.RUSAGE_SELF)
    status.update(
        finished_at=_local_now(zone_file),
        duration_s=round(time.perf_counter() - wall, 2),
        cpu_s=round(time.process_time() - cpu, 2),
        peak_mb=round(usage.ru_maxrss / 1024, 1),
    )
    _write_status(status_file, status)
    return code


if __name__ == "__main__":  # python -m etl.upload RAW WAREHOUSE STATUS [ZONE]
    args = sys.argv[1:]
    if len(args) not in (3, 4):
        sys.exit("gebruik: python -m etl.upload RAW WAREHOUSE STATUS [ZONE]")
    sys.exit(
        _run_build(
            Path(args[0]), Path(args[1]), Path(args[2]), Path(args[3]) if len(args) == 4 else None
        )
    )
