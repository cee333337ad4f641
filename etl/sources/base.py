"""Shared pieces of the readers: the build error and file discovery."""

from __future__ import annotations

import re
from pathlib import Path

from etl import config

#: Workbooks: Excel (.xlsx, and the .xls of Excel 97-2003 that older systems still write)
#: and OpenDocument (.ods, LibreOffice's), all read with calamine.
SPREADSHEET_SUFFIXES = (".xlsx", ".xls", ".ods")
TABULAR_SUFFIXES = (".csv", ".txt", ".tsv", *SPREADSHEET_SUFFIXES)
#: The files a Shapefile is made of (the .shp and its sidecars, as a GIS writes them).
SHAPEFILE_PARTS = (
    ".shp.xml", ".shp", ".shx", ".dbf", ".prj", ".cpg", ".sbn", ".sbx", ".qix", ".qmd",
)  # fmt: skip
#: Endings of a map layer (a GeoJSON, a GeoPackage, a Shapefile's parts).
MAP_LAYER_SUFFIXES = (".geojson", ".gpkg", *SHAPEFILE_PARTS)
#: File name endings each kind accepts (else :data:`TABULAR_SUFFIXES`). Points of interest
#: and the address list may also be a map layer (GeoJSON, GeoPackage, Shapefile, zipped or
#: not).
#: Where a map layer in the wrong place belongs (the build's note on an ignored file, the
#: upload's refusal).
MAP_LAYER_HOME = (
    "grenzen (wijken, deelgemeenten, gemeenten) horen in districts/, punten (scholen, "
    "cafés …) in poi/"
)
ACCEPTED_SUFFIXES = {
    "districts": (".geojson", ".json", ".gpkg", ".shp", ".zip"),
    "statbel": (".txt", ".csv", ".zip"),
    "poi": (*TABULAR_SUFFIXES, ".geojson", ".json", ".gpkg", ".shp", ".zip"),
    # The address register is downloaded as a point layer (GeoPackage, Shapefile) as well
    # as a table with X and Y.
    "addresses": (*TABULAR_SUFFIXES, ".geojson", ".json", ".gpkg", ".shp", ".zip"),
}


#: Why a file a library cannot open fails, said before the library's own (English) words.
DAMAGED = "het bestand is beschadigd, onvolledig (afgebroken) of van een ander formaat"


class BuildError(Exception):
    """A build that cannot go on; the message (Dutch) names file, row and field."""


def discover_files(raw: Path) -> dict[str, list[Path]]:
    """List the export files per kind, sorted by name.

    Files in the root of ``raw`` (such as ``ground_truth.json``), hidden files and Excel
    lock files (``~$...``) are ignored.

    Parameters
    ----------
    raw : Path
        Folder with one sub-folder per kind.

    Returns
    -------
    dict of str to list of Path
        Every kind of :data:`etl.config.RAW_KINDS`, possibly with an empty list.
    """
    found: dict[str, list[Path]] = {}
    for kind in config.RAW_KINDS:
        folder = raw / kind
        suffixes = ACCEPTED_SUFFIXES.get(kind, TABULAR_SUFFIXES)
        files = []
        if folder.is_dir():
            for path in folder.rglob("*"):
                name = path.name
                if not path.is_file() or name.startswith((".", "~$")):
                    continue
                if name.lower().endswith(suffixes):
                    files.append(path)
        found[kind] = sorted(files, key=lambda p: natural_key(p.relative_to(raw).as_posix()))
    return found


def identical_files(files: dict[str, list[Path]], raw: Path) -> list[tuple[str, Path, Path]]:
    """Files of one kind with the same bytes as an earlier one (a copy under another name,
    "feiten (1).csv"): ``(kind, copy, original)``. Their records counted once already, but
    their refused rows twice. Only files of equal size are hashed."""
    out = []
    for kind, paths in files.items():
        by_size: dict[int, list[Path]] = {}
        for path in paths:
            by_size.setdefault(path.stat().st_size, []).append(path)
        for same_size in by_size.values():
            if len(same_size) < 2:
                continue
            seen: dict[str, Path] = {}
            for path in same_size:  # in load order: the first is the original
                if (first := seen.setdefault(file_sha256(path), path)) is not path:
                    out.append((kind, path, first))
    return out


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, read in 4 MB blocks into one buffer."""
    import hashlib

    from etl.sources.tabular import read_blocks

    digest = hashlib.sha256()
    for block in read_blocks(path, 1 << 22):
        digest.update(block)
    return digest.hexdigest()


def natural_key(name: str) -> list:
    """Sort key of a file name with its numbers as numbers: "feiten_10.csv" after
    "feiten_9.csv" (as text it came first, so the tenth version of an upload lost to the
    ninth). The later name counts as the newer file where record dates tie; the SQL models
    compare names with :sql:`wb_natural` of :sql:`wb_stem`, then of the name: the same order.

    The name without its extension comes first: "Feiten_export (1).csv", the name a browser
    gives a second download, after "Feiten_export.csv" (as a whole name, " (" sorts before
    ".csv", so the new download lost to the old one).
    """

    def parts(text: str) -> list:
        return [int(part) if i % 2 else part for i, part in enumerate(re.split(r"(\d+)", text))]

    # "feiten_01" and "feiten_1" apart: the text decides a tie.
    return [parts(file_stem(name)), parts(name), name]


def file_stem(name: str) -> str:
    """A file name without its extension (".csv", ".xlsx"), as :sql:`wb_stem` cuts it; a
    workbook's sheet ("a.xlsx!Januari") keeps it."""
    return re.sub(r"\.[A-Za-z0-9]{1,5}$", "", name)


def source_name(raw: Path, path: Path) -> str:
    """Name under which a file appears in the warehouse: its path below ``raw``."""
    return path.relative_to(raw).as_posix()


def ignored_files(raw: Path) -> list[tuple[str, str, str]]:
    """What :func:`discover_files` leaves out that someone put there to be read.

    A file of a kind's folder with an ending the kind does not read (a zipped CSV, an
    ``.xlsm``, a ``.bak``) and a folder of ``raw`` that is no kind (``incident/`` for
    ``incidents/``): without a word, their rows were simply missing from the warehouse.
    Hidden files, Excel lock files and files in the root of ``raw`` stay unmentioned.

    Returns
    -------
    list of (str, str, str)
        ``(kind or "", path below raw, Dutch reason)``, sorted by path.
    """
    out: list[tuple[str, str, str]] = []
    if not raw.is_dir():
        return out
    for folder in sorted(p for p in raw.iterdir() if p.is_dir()):
        if folder.name.startswith(".") or folder.name == config.QUARANTINE_DIR:
            continue  # the Data page's own quarantine lists what is in it
        kind = folder.name
        if kind not in config.RAW_KINDS:
            if any(f.is_file() and not f.name.startswith((".", "~$")) for f in folder.rglob("*")):
                out.append(
                    (
                        "",
                        f"{kind}/",
                        f"map '{kind}' is geen soort die Wijkbeeld leest (wel: "
                        f"{', '.join(config.RAW_KINDS)})",
                    )
                )
            continue
        suffixes = ACCEPTED_SUFFIXES.get(kind, TABULAR_SUFFIXES)
        for path in sorted(folder.rglob("*")):
            name = path.name
            if not path.is_file() or name.startswith((".", "~$")):
                continue
            lower = name.lower()
            reads_layers = ".shp" in suffixes
            if lower.endswith(suffixes) or (reads_layers and _shapefile_sidecar(path)):
                continue
            if reads_layers and lower.endswith(SHAPEFILE_PARTS):
                part = next(p for p in SHAPEFILE_PARTS if lower.endswith(p))
                reason = (
                    f"een deel van een Shapefile zonder zijn .shp ernaast "
                    f"({name[: -len(part)]}.shp ontbreekt)"
                )
            elif not reads_layers and (
                lower.endswith(MAP_LAYER_SUFFIXES)
                or (lower.endswith(".zip") and _zipped_shapefile(path))
            ):
                reason = f"een kaartlaag wordt in deze map niet gelezen: {MAP_LAYER_HOME}"
            elif lower.endswith(".zip"):
                reason = "een zip-bestand wordt in deze map niet gelezen: pak het hier uit"
            elif lower.endswith((".xlsm", ".xlsb", ".xltx", ".xltm")) and ".xlsx" in suffixes:
                # Excel's other workbook formats: the way out is one "Opslaan als" away.
                reason = (
                    f"bestandsoort {path.suffix.lower()} wordt niet gelezen: open het in Excel "
                    "en bewaar het als Excel-werkmap (.xlsx)"
                )
            else:
                ending = path.suffix.lower() or "(zonder extensie)"
                reason = f"bestandsoort {ending} wordt niet gelezen (wel: {', '.join(suffixes)})"
            out.append((kind, source_name(raw, path), reason))
    return out


def _shapefile_sidecar(path: Path) -> bool:
    """Whether ``path`` is a part of a Shapefile (``.dbf``, ``.prj`` …) whose ``.shp`` lies
    beside it: read with the ``.shp``, not a file of its own."""
    lower = path.name.lower()
    part = next((p for p in SHAPEFILE_PARTS if lower.endswith(p)), None)
    if part is None or part == ".shp":
        return False
    stem = lower[: -len(part)]
    return any(p.name.lower() == stem + ".shp" for p in path.parent.iterdir())


def _zipped_shapefile(path: Path) -> bool:
    """Whether the zip ``path`` holds a Shapefile (a map layer, not exports to unpack)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            return any(m.lower().endswith(".shp") for m in archive.namelist())
    except (OSError, zipfile.BadZipFile):
        return False
