"""Adding an export through the dashboard: preview, confirm, rebuild in the background.

The Data page calls :func:`upload_section` (the whole "Bestand toevoegen" block) and
:func:`build_notice` (one line under the title while a build runs or after one failed).
Reading and storing files and building the warehouse happen in :mod:`etl.upload`; this
module only turns its :class:`~etl.upload.Preview` and build status into Dutch tables and
messages. Record-level previews are shown: the Data page is for the coordinator only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from dashboard.auth import gate
from dashboard.components import layout
from dashboard.components.format import MISSING as NO_VALUE
from dashboard.components.format import (
    fmt_coordinate,
    fmt_date,
    fmt_datetime,
    fmt_int,
    fmt_number,
    is_missing,
    missing_as_text,
    style_table,
)
from dashboard.queries import warehouse_path
from dashboard.queries.data_quality import build_info
from etl import config
from etl.sources.base import ACCEPTED_SUFFIXES, SHAPEFILE_PARTS, TABULAR_SUFFIXES
from etl.sources.tabular import FOLDER_FIELDS
from etl.upload import (
    QUARANTINE,
    BuildBusyError,
    Preview,
    UploadError,
    build_status,
    bundle_upload,
    exports,
    files_named_in,
    pending_path,
    preview_upload,
    quarantine,
    quarantined,
    queue_build,
    restore,
    start_background_build,
    store_upload,
)

#: Session-state keys of this section.
PREVIEW_KEY = "upload_preview"
STORED_KEY = "upload_stored"
BUNDLE_KEY = "upload_bundle"
#: Seconds between two looks at a running build.
POLL_SECONDS = 2

ENCODINGS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 met BOM",
    "cp1252": "Windows-1252",
    "utf-8+cp1252": "UTF-8 en Windows-1252 gemengd",
    "latin-1": "Latin-1",
    "xlsx": "Excel-werkmap (.xlsx)",
    "xls": "Excel 97-2003-werkmap (.xls)",
    "ods": "OpenDocument-rekenblad (.ods)",
    "geojson": "GeoJSON-kaartlaag",
    "json": "GeoJSON-kaartlaag",
    "gpkg": "GeoPackage-kaartlaag",
    "shp": "Shapefile-kaartlaag",
    "zip": "Shapefile-kaartlaag (gezipt)",
}
DELIMITERS = {
    ";": "puntkomma ( ; )",
    ",": "komma ( , )",
    "|": "verticale streep ( | )",
    "\t": "tab",
}
#: Fields the build stages under another name than the field's (or ``<field>_num``), per
#: kind: the column of the accepted rows that shows what was read from the field's column.
STAGED_COLUMNS: dict[str, dict[str, str]] = {
    "tasks": {"wijk": "wijk_code_reported"},
    "statbel": {"time": "hour", "nis_code": "nis_code_reported"},
}
#: Status of a canonical field in the mapping table.
FOUND, MISSING, OPTIONAL_MISSING = "gevonden", "ontbreekt (verplicht)", "ontbreekt (optioneel)"


def status_file() -> Path:
    """Where the background build reports (``state_dir()/build_status.json``)."""
    return config.state_dir() / "build_status.json"


def max_upload_mb() -> int:
    """Upload limit in MB: ``server.maxUploadSize`` of ``.streamlit/config.toml``."""
    return int(st.get_option("server.maxUploadSize"))


def accepted_suffixes(kind: str) -> tuple[str, ...]:
    """File extensions the build reads for ``kind`` (``(".csv", ".txt", ...)``)."""
    return ACCEPTED_SUFFIXES.get(kind, TABULAR_SUFFIXES)


def takes_shapefiles(kind: str) -> bool:
    """Whether ``kind`` reads Shapefiles, whose parts (.shp, .shx, .dbf, .prj) are chosen
    together in the uploader."""
    return ".shp" in accepted_suffixes(kind)


def _files(uploaded) -> list:
    """What the uploader holds, as a list (it gives a list when several may be chosen)."""
    return uploaded if isinstance(uploaded, list) else [] if uploaded is None else [uploaded]


def chosen_file(kind: str, uploaded) -> tuple[str, bytes] | None:
    """The one export in what the uploader holds (one file, or the parts of a Shapefile
    packed into a zip: :func:`etl.upload.bundle_upload`); ``None`` when nothing is chosen.
    Raises :class:`~etl.upload.UploadError` for files that do not go together."""
    files = _files(uploaded)
    if len(files) < 2:
        return bundle_upload(kind, [(f.name, f.getvalue()) for f in files]) if files else None
    # Packing the parts is done once per choice of files, not on every rerun of the page.
    key = (kind, tuple(f.file_id for f in files))
    cached = st.session_state.get(BUNDLE_KEY)
    if cached is None or cached[0] != key:
        cached = (key, bundle_upload(kind, [(f.name, f.getvalue()) for f in files]))
        st.session_state[BUNDLE_KEY] = cached
    return cached[1]


def describe_encoding(encoding: str | None) -> str:
    """Dutch name of a detected text encoding (``cp1252`` -> ``Windows-1252``)."""
    if not encoding:
        return "–"
    return ENCODINGS.get(encoding.lower(), encoding.upper())


def describe_delimiter(delimiter: str | None) -> str:
    """Dutch name of a detected separator (``;`` -> ``puntkomma ( ; )``)."""
    if not delimiter:
        return "–"
    return DELIMITERS.get(delimiter, f"'{delimiter}'")


def preview_file(kind: str, filename: str, data: bytes, folder: str | None = None) -> Preview:
    """What the build would make of an uploaded file (nothing is stored).

    Parameters
    ----------
    kind : str
        Kind of export (``etl.config.RAW_KINDS``).
    filename : str
        Name of the uploaded file.
    data : bytes
        Its content.
    folder : str, optional
        Sub-folder it will be stored in: the type of a list of points of interest without
        a Type column.

    Returns
    -------
    Preview
        See :func:`etl.upload.preview_upload`; never raises for a bad file.
    """
    zone = config.zone_path()
    return preview_upload(
        kind,
        filename,
        data,
        zone if zone.exists() else None,
        n=20,
        max_bytes=max_upload_mb() * 1024 * 1024,
        folder=folder,
        warehouse=warehouse_path(),
        raw_dir=config.raw_dir(),
    )


def folder_choices(known: Sequence[str] = ()) -> list[str]:
    """The types offered for a list of points of interest without a Type column: the
    zone's (``[categories] poi_types``), then the other types already loaded (``known``)."""
    zone = config.zone_path()
    try:
        categories = config.load_zone(zone if zone.exists() else None).get("categories", {})
    except (OSError, ValueError):
        categories = {}
    return list(dict.fromkeys([*(str(t) for t in categories.get("poi_types", [])), *known]))


def mapping_table(preview: Preview) -> pd.DataFrame:
    """How the file's columns were mapped, one row per field the build knows.

    Returns
    -------
    pandas.DataFrame
        ``Veld`` (the usual Dutch header), ``Kolom in het bestand``, ``Status``
        (:data:`FOUND`, :data:`MISSING`, :data:`OPTIONAL_MISSING`); required fields first.
        A workbook whose tables name their columns differently gets a column per sheet,
        ``Kolom in blad '<sheet>'``, and a field found in some sheets says in how many.
        Empty for boundary layers, which have no column mapping.
    """
    mapping = preview.mapping
    if mapping is None or preview.kind == "districts" or not preview.headers:
        return pd.DataFrame(columns=["Veld", "Kolom in het bestand", "Status"])
    sheets = preview.sheet_columns
    if len({tuple(sorted(c.items())) for c in sheets.values()}) < 2:
        sheets = {}  # one table, or every table names its columns alike
    rows = []
    for field in mapping.fields:
        header = preview.columns_found.get(field)
        headers = {f"Kolom in blad '{s}'": c.get(field) or "–" for s, c in sheets.items()}
        found_in = sum(h != "–" for h in headers.values())
        if sheets and 0 < found_in < len(sheets):
            status = f"gevonden in {found_in} van {len(sheets)} bladen"
        elif header is not None or found_in:
            status = FOUND
        elif field in preview.columns_missing:
            status = MISSING
        else:
            status = OPTIONAL_MISSING
        rows.append(
            {
                "Veld": mapping.expected(field)[0] if mapping.expected(field) else field,
                **(headers or {"Kolom in het bestand": header or "–"}),
                "Status": status,
                "_required": field in mapping.required,
            }
        )
    table = pd.DataFrame(rows).sort_values("_required", ascending=False, kind="stable")
    return table.drop(columns="_required").reset_index(drop=True)


def unused_headers(preview: Preview) -> list[str]:
    """Columns of the file that no field uses (informative: they are not loaded)."""
    used = set(preview.columns_found.values())
    return [h for h in preview.headers if h not in used]


def accepted_table(preview: Preview) -> pd.DataFrame:
    """The first accepted rows, with the file's own column names.

    Typed values as the build stages them (dates as dates, coordinates as numbers), so the
    user sees how each cell was understood; helper columns of the build are left out.
    """
    df = preview.accepted.copy()
    if df.empty or preview.kind == "districts":
        return df.rename(
            columns={"laag": "Laag", "code": "Code", "naam": "Naam", "oppervlakte_km2": "km²"}
        )
    if "open_ended" in df.columns and "end_date" in df.columns:
        # An absence ending on 31/12/9999 lasts until further notice (as the build reads
        # it): said so, not shown as that date, as if the list were wrong.
        df["end_date"] = [
            "tot nader order" if open_ended else fmt_date(end)
            for open_ended, end in zip(df["open_ended"], df["end_date"], strict=True)
        ]
    rename: dict[str, str] = {"source_row": "Rij"}
    staged = STAGED_COLUMNS.get(preview.kind, {})
    for field, header in preview.columns_found.items():
        for column in (staged.get(field, field), field, f"{field}_num"):
            if column in df.columns and column not in rename:
                rename[column] = header
                break
    if (header := preview.columns_found.get("xy")) is not None:
        # A point in one column (WKT, "50.88, 4.66"): its X and Y, as read from it.
        for column, axis in (("x_num", "X"), ("y_num", "Y")):
            if column in df.columns and column not in rename:
                rename[column] = f"{header} ({axis})"
    extra = {"geocode_method": "Locatie via", "dates_inconsistent": "Datums onlogisch"}
    if preview.sheets:  # a workbook with several tables: the sheet of each row
        extra = {"sheet": "Blad", **extra}
    keep = [c for c in df.columns if c in rename or c in extra]
    first = ["sheet", "source_row"] if preview.sheets else ["source_row"]
    # The file's columns in the file's order (an absence list reads "Van, Tot, Reden" as
    # its header does, not in the build's order); the build's own columns after them.
    position = {h: i for i, h in reversed(list(enumerate(preview.headers)))}

    def in_file(column: str) -> int:
        header = rename.get(column, "")
        base = header.rsplit(" (", 1)[0] if column in ("x_num", "y_num") else header
        return position.get(header, position.get(base, len(position)))

    rest = sorted((c for c in keep if c not in first), key=in_file)
    return df[[c for c in [*first, *rest] if c in df.columns]].rename(columns={**rename, **extra})


def coordinate_columns(preview: Preview) -> list[str]:
    """The columns of :func:`accepted_table` that hold a coordinate (X, Y, or the X and Y
    read from a point in one column): shown with :func:`fmt_coordinate`'s decimals."""
    found = preview.columns_found
    names = [found[f] for f in ("x", "y") if f in found]
    if (header := found.get("xy")) is not None:
        names += [f"{header} (X)", f"{header} (Y)"]
    return names


#: Whole numbers that are labels, not amounts: written without a thousands point (a
#: Statbel year read as 2024 showed as "2.024").
PLAIN_NUMBER_FIELDS = frozenset({"year"})


def _plain(value) -> str:
    return NO_VALUE if is_missing(value) else str(int(value))


def accepted_formats(preview: Preview) -> dict[str, Callable]:
    """Formatters of :func:`accepted_table`'s columns that do not go by their type:
    coordinates with :func:`fmt_coordinate`'s decimals, a year as plain digits."""
    formats: dict[str, Callable] = dict.fromkeys(coordinate_columns(preview), fmt_coordinate)
    found = preview.columns_found
    formats.update({h: _plain for f, h in found.items() if f in PLAIN_NUMBER_FIELDS})
    return formats


def refused_table(preview: Preview) -> pd.DataFrame:
    """The first refused rows: ``Rij``, ``Kolom``, ``Waarde``, ``Reden`` (Dutch), after
    ``Blad`` for a workbook with several tables."""
    return preview.refused.rename(
        columns={
            "sheet": "Blad",
            "row": "Rij",
            "field": "Kolom",
            "value": "Waarde",
            "reason": "Reden",
        }
    )


def confirm_upload(
    kind: str,
    filename: str,
    data: bytes,
    raw_dir: Path | None = None,
    warehouse: Path | None = None,
    status: Path | None = None,
    folder: str | None = None,
) -> tuple[Path, str | None]:
    """Store the file under ``raw_dir/<kind>/[<folder>/]`` and start a background rebuild.

    Parameters
    ----------
    kind, filename, data
        The upload.
    folder : str, optional
        Sub-folder (:func:`etl.upload.safe_folder`).
    raw_dir, warehouse, status : Path, optional
        Default to :func:`etl.config.raw_dir`, the dashboard's warehouse and
        :func:`status_file`.

    Returns
    -------
    tuple of (Path, str or None)
        Where the file is, and a Dutch message when the build could not start now (one is
        already running: it builds once more when done, :func:`etl.upload.queue_build`);
        ``None`` when it started.

    Raises
    ------
    UploadError
        The file is refused (name, size, type); nothing was stored.
    """
    raw_dir = Path(raw_dir) if raw_dir is not None else config.raw_dir()
    warehouse = Path(warehouse) if warehouse is not None else warehouse_path()
    status = Path(status) if status is not None else status_file()
    path = store_upload(
        kind, filename, data, raw_dir, max_bytes=max_upload_mb() * 1024 * 1024, folder=folder
    )
    zone = config.zone_path()
    if queue_build(raw_dir, warehouse, status, zone if zone.exists() else None):
        return path, None
    return path, QUEUED_MESSAGE


#: Said when an upload's build waits for the one running (etl.upload.queue_build).
QUEUED_MESSAGE = (
    "Er loopt al een bouw. Het bestand is bewaard; zodra die bouw klaar is, begint vanzelf "
    "een nieuwe die het mee inleest."
)


def raw_name(path: Path) -> str:
    """A stored export as the build names it: its path below the raw folder."""
    try:
        return path.resolve().relative_to(config.raw_dir().resolve()).as_posix()
    except ValueError:
        return f"{path.parent.name}/{path.name}"


def _log_upload(kind: str, preview: Preview, stored: Path) -> None:
    gate.log_change(
        "data",
        "upload",
        {
            "bestand": raw_name(stored),
            "soort": kind,
            "rijen": preview.n_rows,
            "geweigerd": preview.n_refused,
        },
    )


def _on_confirm(kind: str, preview: Preview, folder: str | None = None) -> None:
    """Button callback: store the uploaded file, start the build, remember the outcome."""
    try:
        chosen = chosen_file(kind, st.session_state.get("upload_bestand"))
        if chosen is None:
            return
        stored, busy_message = confirm_upload(kind, *chosen, folder=folder)
    except UploadError as exc:
        st.session_state[STORED_KEY] = {"error": str(exc)}
        return
    _log_upload(kind, preview, stored)
    st.session_state[STORED_KEY] = {"path": str(stored), "busy": busy_message}


def _start_build() -> bool:
    """Rebuild from the raw folder as it is; ``False`` (and the reason kept) when busy."""
    zone = config.zone_path()
    try:
        start_background_build(
            config.raw_dir(), warehouse_path(), status_file(), zone if zone.exists() else None
        )
    except BuildBusyError as exc:
        st.session_state[STORED_KEY] = {"error": str(exc)}
        return False
    return True


def _on_rebuild() -> None:
    """Button callback: rebuild from the raw folder as it is, and audit it (the button is
    also on any page that finds the warehouse of an older Wijkbeeld)."""
    if _start_build():
        gate.log_change(gate.current_page() or "data", "heropbouw")


def _on_move(name: str, back: bool) -> None:
    """Button callback: quarantine an export (or put it back), audit it, rebuild."""
    try:
        moved = (restore if back else quarantine)(config.raw_dir(), name)
    except UploadError as exc:
        st.session_state[STORED_KEY] = {"error": str(exc)}
        return
    gate.log_change(
        "data", "terugzetten" if back else "quarantaine", {"bestand": name, "naar": moved.name}
    )
    st.session_state.pop(STORED_KEY, None)
    _start_build()


#: Per direction of a move: button text, key prefix, icon and tooltip.
_MOVES = {
    False: (
        "in quarantaine zetten en opnieuw opbouwen",
        "upload_quarantaine_",
        ":material/block:",
        f"Verplaatst het bestand naar {QUARANTINE}/ in de map met ruwe exports (niets wordt "
        "gewist); het warehouse wordt zonder dit bestand opgebouwd.",
    ),
    True: ("terugzetten en opnieuw opbouwen", "upload_terug_", ":material/undo:", None),
}


def _move_button(name: str, back: bool) -> None:
    text, key, icon, tip = _MOVES[back]
    st.button(
        f"`{name}` {text}",
        key=key + name,
        icon=icon,
        on_click=_on_move,
        args=(name, back),
        help=tip,
    )


def _take_out_block(names: list[str]) -> None:
    """Take any export out of the build: a wrong upload, an export replaced by a corrected
    one, the wijken of before a new division (both would count, overlapping). ``names``
    are the exports that have no button of their own above."""
    if not names:
        return
    with st.expander("Een bestand uit het warehouse halen"):
        st.caption(
            f"Voor een verkeerd toegevoegd bestand, of een export die vervangen is (een "
            f"verbeterde export, de vorige wijkindeling). Het bestand gaat naar {QUARANTINE}/ "
            "in de map met ruwe exports (niets wordt gewist) en het warehouse wordt zonder "
            "opgebouwd. Terugzetten kan daarna hieronder."
        )
        chosen = st.selectbox(
            "Bestand",
            names,
            index=None,
            placeholder="Kies een bestand",
            key="upload_weg_bestand",
        )
        st.button(
            "In quarantaine zetten en opnieuw opbouwen",
            key="upload_weg",
            icon=":material/block:",
            disabled=chosen is None,
            on_click=_on_take_out,
        )


def _on_take_out() -> None:
    """Button callback: quarantine the export chosen in :func:`_take_out_block`."""
    # Cleared first: once moved, the name is no longer among the choices.
    name = st.session_state.pop("upload_weg_bestand", None)
    if name:
        _on_move(name, back=False)


def _quarantine_block(status: Mapping) -> None:
    """After a failed build: take the file it names out. Any other export can be taken out
    by choice; what is in quarantine is listed, to be put back."""
    raw = config.raw_dir()
    names = exports(raw)
    named = []
    if status.get("state") == "failed":
        named = files_named_in(str(status.get("message", "")), raw, names)
        for name in named:
            _move_button(name, back=False)
    _take_out_block([name for name in names if name not in named])
    waiting = quarantined(raw)
    if waiting:
        with st.expander(f"In quarantaine ({fmt_int(len(waiting))}): niet in het warehouse"):
            st.caption(
                f"Deze bestanden staan in {QUARANTINE}/ in de map met ruwe exports. Verbeter "
                "het bestand (of vervang het door een nieuwe upload) en zet het terug."
            )
            for name in waiting:
                _move_button(name, back=True)


def _when(value) -> str:
    try:
        return fmt_datetime(datetime.fromisoformat(str(value)))
    except ValueError:
        return "–"


#: The marts a person counts in, in Dutch, in the order the Data page lists them; the
#: build's own tables (build_info, load_files, place_labels, hex_counts, ...) are left out
#: of "Rijen per tabel na de laatste bouw" (it listed them under their English names).
MART_LABELS = {
    "incidents": "Feiten (pv's)",
    "accidents": "Verkeersongevallen",
    "victims": "Slachtoffers",
    "nuisance": "Overlastmeldingen",
    "tasks": "Wijktaken",
    "controls": "Verkeerscontroles",
    "events": "Evenementen",
    "absences": "Afwezigheden",
    "poi": "Aandachtspunten",
    "districts": "Gebieden (wijken, deelgemeenten, gemeenten, sectoren)",
    "sectors": "Statistische sectoren",
    "rejects": "Geweigerde rijen",
}


def status_rows(status: Mapping) -> pd.DataFrame:
    """Rows per mart of a finished build (``Tabel``, ``Rijen``), in Dutch (:data:`MART_LABELS`).

    Refused rows are counted per input kind, not per mart (a Statbel or address file has
    no mart of its name): see :func:`status_refusals`.
    """
    rows = status.get("rows") or {}
    shown = [(label, rows[mart]) for mart, label in MART_LABELS.items() if mart in rows]
    return pd.DataFrame(
        {"Tabel": [label for label, _ in shown], "Rijen": [int(n) for _, n in shown]}
    )


def status_refusals(status: Mapping, kind_labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Refused rows per input kind of a finished build (``Soort``, ``Geweigerd``).

    Parameters
    ----------
    status : mapping
        :func:`etl.upload.build_status`; its ``rejects`` count ``marts.rejects`` per kind.
    kind_labels : mapping, optional
        Dutch name per kind (the Data page's); a kind without one shows its folder name.

    Returns
    -------
    pandas.DataFrame
        One row per kind with refused rows, in the order of ``etl.config.RAW_KINDS``
        (unknown kinds after them); empty when nothing was refused.
    """
    labels = kind_labels or {}
    rejects = {str(k): int(v) for k, v in (status.get("rejects") or {}).items() if int(v)}
    order = {k: i for i, k in enumerate(config.RAW_KINDS)}
    kinds = sorted(rejects, key=lambda k: (order.get(k, len(order)), k))
    return pd.DataFrame(
        {"Soort": [labels.get(k, k) for k in kinds], "Geweigerd": [rejects[k] for k in kinds]}
    )


def render_build_status(status: Mapping, kind_labels: Mapping[str, str] | None = None) -> None:
    """Draw one build status (:func:`etl.upload.build_status`) in Dutch; ``kind_labels``
    name the kinds of export in the refusals."""
    state = status.get("state")
    if state == "running" and status.get("waiting_for"):
        st.info(
            "Er loopt al een andere bouw van dit warehouse (proces "
            f"{status['waiting_for']}, bijvoorbeeld `make build` of een geplande taak); deze "
            "bouw begint zodra die klaar is en leest dan de exports zoals ze op dat moment "
            "zijn. Het dashboard toont intussen het huidige warehouse.",
            icon=":material/hourglass_top:",
        )
    elif state == "running":
        queued = pending_path(status_file()).exists()
        st.info(
            f"Het warehouse wordt opgebouwd (gestart {_when(status.get('started_at'))}). "
            "Het dashboard toont intussen het vorige warehouse; het nieuwe komt in één keer "
            "in de plaats zodra de bouw klaar en gecontroleerd is."
            + (
                " Daarna volgt nog een bouw, voor een bestand dat intussen is toegevoegd."
                if queued
                else ""
            ),
            icon=":material/autorenew:",
        )
    elif state == "ok":
        st.success(
            f"Laatste bouw geslaagd op {_when(status.get('finished_at'))} in "
            f"{fmt_number(status.get('duration_s'), 1)} s; het dashboard toont het nieuwe "
            "warehouse.",
            icon=":material/check_circle:",
        )
        table = status_rows(status)
        refused = status_refusals(status, kind_labels)
        if not table.empty or not refused.empty:
            with st.expander("Rijen per tabel na de laatste bouw"):
                if not table.empty:
                    layout.table(style_table(table))
                if refused.empty:
                    st.caption("Geen rijen geweigerd.")
                else:
                    st.markdown(
                        f"**Geweigerde rijen per soort export** (samen "
                        f"{fmt_int(refused['Geweigerd'].sum())})"
                    )
                    layout.table(style_table(refused))
                    st.caption("Elke geweigerde rij staat met haar reden onder 'Geweigerde rijen'.")
    elif state == "failed":
        message = str(status.get("message", "onbekende fout"))
        named = files_named_in(message, config.raw_dir())
        st.error(
            f"Laatste bouw mislukt ({_when(status.get('finished_at') or status.get('started_at'))}): "
            f"{message}\n\n"
            "Er is niets gewijzigd: het vorige warehouse blijft in gebruik. "
            + (
                "Zet het bestand dat de fout veroorzaakt in quarantaine (knop hieronder) of "
                "vervang het; daarna wordt opnieuw opgebouwd."
                if named
                else "De fout noemt geen export: verhelp de oorzaak die de melding noemt en "
                "bouw opnieuw op (knop hieronder)."
            ),
            icon=":material/error:",
        )
    elif state == "superseded":
        st.caption(
            f"Een bouw vanuit het dashboard mislukte op {_when(status.get('finished_at'))}; "
            "het warehouse is daarna opnieuw opgebouwd (bv. met `make build`) en is in "
            "gebruik."
        )
    else:
        st.caption("Nog geen bouw gestart vanuit het dashboard.")


def rebuild_now_block() -> None:
    """A rebuild button with the build's status, for a warehouse an older Wijkbeeld built
    (:func:`dashboard.components.layout.warehouse`): the page reruns on the new warehouse
    as soon as the build is done."""
    status = _polled_build_status(states=("running", "failed"))
    if status.get("state") != "running":
        st.button(
            "Nu opnieuw opbouwen",
            key="outdated_rebuild",
            type="primary",
            on_click=_on_rebuild,
            help="Bouwt het warehouse opnieuw uit dezelfde exports (map met ruwe exports).",
        )
        if error := st.session_state.get(STORED_KEY, {}).get("error"):
            st.error(error, icon=":material/block:")


def current_build_status() -> Mapping:
    """The dashboard's build status (:func:`etl.upload.build_status`), with a failure that
    a later build outdid as ``superseded``.

    The status file only hears of builds started from the dashboard: after a failed one, a
    build from the command line (``make build``, a scheduled task) may have replaced the
    warehouse since; the page then said "De laatste opbouw is mislukt" under a warehouse
    built after it.
    """
    status = build_status(status_file())
    if status.get("state") == "failed" and (finished := status.get("finished_at")):
        version = layout.warehouse_version()
        try:
            built = build_info(version).get("built_at") if version is not None else None
            if built is not None and pd.Timestamp(built) > pd.Timestamp(finished):
                return dict(status, state="superseded")
        except (ValueError, TypeError, RuntimeError, duckdb.Error):
            pass  # no comparable time: the failure stands
    return status


def _build_began(built_at, duration_s) -> pd.Timestamp | None:
    """When the build of the warehouse served began (``built_at`` minus ``duration_s``, the
    zone's clock); ``None`` when unknown."""
    try:
        began = pd.Timestamp(built_at) - pd.Timedelta(seconds=float(duration_s or 0))
    except (TypeError, ValueError):
        return None
    return None if pd.isna(began) else began


def unbuilt_exports(
    loaded: Sequence[str], built_at, duration_s, raw_dir: Path | None = None
) -> list[str]:
    """The exports in the raw folder that the warehouse does not hold and that were put
    there after its build began (``built_at`` minus ``duration_s``, the zone's clock): an
    upload confirmed while that build ran, a file copied in by hand since. ``loaded``: the
    warehouse's ``source_file`` names (a workbook's sheet as ``<file>!<sheet>``).

    Older files the warehouse does not hold are copies read once, or files the build
    leaves out, which the build warnings name; they are not listed here.
    """
    raw_dir = Path(raw_dir) if raw_dir is not None else config.raw_dir()
    began = _build_began(built_at, duration_s)
    if began is None:
        return []
    held = {str(n).split("!", 1)[0] for n in loaded}
    tz = config.zone_clock()
    out = []
    for name in exports(raw_dir):
        if name in held:
            continue
        try:
            stamp = (raw_dir / name).stat().st_mtime
        except OSError:
            continue
        if pd.Timestamp(datetime.fromtimestamp(stamp, tz).replace(tzinfo=None)) >= began:
            out.append(name)
    return out


def _began_text(built_at, duration_s) -> str:
    """ " (07/12/2026 03:12)": when the build of the warehouse served began. After a failed
    build "nadat de laatste bouw begon" named the failed one, before which one of the files
    listed had been added (an audit)."""
    began = _build_began(built_at, duration_s)
    return "" if began is None else f" ({fmt_datetime(began.to_pydatetime())})"


def unbuilt_notice(loaded: Sequence[str], built_at, duration_s) -> None:
    """A warning on the Data page for :func:`unbuilt_exports`, unless a build runs (it
    reads them)."""
    state = current_build_status().get("state")
    if state == "running":
        return
    names = unbuilt_exports(loaded, built_at, duration_s)
    if names:
        listed = ", ".join(names[:10]) + (
            f" en {len(names) - 10} andere" if len(names) > 10 else ""
        )
        # After a failed build, rebuilding as it is fails again: say what to do first
        # (the page advised "Bouw opnieuw op" beside the failure; an audit).
        advice = (
            "De laatste opbouw is mislukt: los eerst op wat onderaan bij 'Opbouw van het "
            "warehouse' staat, en bouw dan opnieuw op."
            if state == "failed"
            else "Bouw opnieuw op (onderaan, 'Opnieuw opbouwen') om ze mee te tellen."
        )
        st.warning(
            f"{fmt_int(len(names))} {'export staat' if len(names) == 1 else 'exports staan'} in de "
            f"map met ruwe exports maar {'zit' if len(names) == 1 else 'zitten'} nog niet in het "
            f"warehouse ({listed}): toegevoegd na het begin van de opbouw van dit warehouse"
            f"{_began_text(built_at, duration_s)}. {advice}",
            icon=":material/sync_problem:",
        )


def build_notice() -> None:
    """One line for the top of the Data page while a build runs or after one failed."""
    status = current_build_status()
    if status.get("state") == "running":
        st.info(
            "Er loopt een nieuwe opbouw; deze pagina toont nog het vorige warehouse. "
            "Zie 'Bestand toevoegen' onderaan.",
            icon=":material/autorenew:",
        )
    elif status.get("state") == "failed":
        st.warning(
            "De laatste opbouw is mislukt; het vorige warehouse blijft in gebruik. "
            "Zie 'Bestand toevoegen' onderaan.",
            icon=":material/warning:",
        )


def _polled_build_status(
    kind_labels: Mapping[str, str] | None = None, states: Sequence[str] | None = None
) -> Mapping:
    """Draw the build's status (only in ``states`` when given) and return it as read.

    While a build runs, only this block reruns every few seconds; when the build ends,
    the whole page reruns so it reads the new warehouse.
    """
    status = current_build_status()
    running = status.get("state") == "running"

    @st.fragment(run_every=POLL_SECONDS if running else None)
    def _poll() -> None:
        now = current_build_status()
        if running and now.get("state") != "running":
            st.rerun()
        if states is None or now.get("state") in states:
            render_build_status(now, kind_labels)

    _poll()
    return status


def _status_block(kind_labels: Mapping[str, str] | None = None) -> None:
    status = _polled_build_status(kind_labels)
    if status.get("state") != "running":
        _quarantine_block(status)
        st.button(
            "Opnieuw opbouwen",
            key="upload_rebuild",
            on_click=_on_rebuild,
            help="Bouw het warehouse opnieuw uit alle bestanden in de map met ruwe exports.",
        )


def render_preview(preview: Preview) -> None:
    """Draw a preview: warnings, counts, column mapping, accepted and refused rows."""
    if preview.warning:
        st.warning(preview.warning, icon=":material/swap_horiz:")
    if preview.error:
        error = preview.error
        if preview.warning and preview.warning[1:].rstrip(".").lower() in error.lower():
            # The build's error repeats the warning word for word: say only what to do.
            error = (
                "Zo kan het bestand niet ingelezen worden: kies hierboven de juiste soort export."
            )
        st.error(error, icon=":material/block:")
    # A text file has an encoding and a separator; a workbook or a map layer neither. A
    # file read to no header at all (empty, no table) has nothing recognised to show.
    if not preview.headers and not preview.ok:
        details = []
    elif preview.delimiter:
        details = [
            f"codering: **{describe_encoding(preview.encoding)}**",
            f"scheidingsteken: **{describe_delimiter(preview.delimiter)}**",
        ]
    else:
        details = [f"bestandstype: **{describe_encoding(preview.encoding)}**"]
    if preview.crs:
        details.append(f"coördinatenstelsel: **{preview.crs}**")
    if preview.dates:
        details.append(preview.dates[0].lower() + preview.dates[1:].rstrip("."))
    if details:
        st.markdown("Herkend — " + " · ".join(details))
    if preview.note:
        st.info(preview.note, icon=":material/info:")
    if preview.stops_early:
        st.warning(preview.stops_early, icon=":material/event_busy:")
    if preview.overlap:
        # Which version of a number already loaded will count (the newest export wins); a
        # warning when the build would count what the upload likely does not mean (two wijk
        # divisions at once, or wijken of the file that do not count).
        show = st.warning if preview.overlap_caution else st.info
        show(preview.overlap, icon=":material/layers:")
    if preview.n_rows or preview.ok:
        cols = st.columns(3)
        cols[0].metric("Rijen in het bestand", fmt_int(preview.n_rows))
        cols[1].metric("Aanvaard", fmt_int(preview.n_accepted))
        cols[2].metric("Geweigerd", fmt_int(preview.n_refused))
    table = mapping_table(preview)
    if not table.empty:
        st.markdown("**Kolommen**")
        layout.table(table)
        unused = unused_headers(preview)
        if unused:
            st.caption("Niet gebruikte kolommen (worden niet ingelezen): " + ", ".join(unused))
    accepted = accepted_table(preview)
    if not accepted.empty:
        st.markdown(f"**Aanvaarde rijen** (eerste {fmt_int(len(accepted))})")
        formats = accepted_formats(preview)
        layout.table(style_table(missing_as_text(accepted, formats), decimals=2, formats=formats))
    refused = refused_table(preview)
    if not refused.empty:
        st.markdown(
            f"**Geweigerde rijen** (eerste {fmt_int(len(refused))} van "
            f"{fmt_int(preview.n_refused)})"
        )
        layout.table(style_table(missing_as_text(refused)))
        st.caption(
            "Geweigerde rijen worden niet ingelezen; verbeter ze in het bronsysteem en "
            "exporteer opnieuw."
        )


#: The uploader's English texts replaced by Dutch ones (see the call): the button's
#: "Upload" and the hint beside it ("200MB per file • CSV, ...").
_UPLOADER_DUTCH_CSS = """<style>
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {
    font-size: 0;
}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {
    content: "Bestand kiezen";
    font-size: 0.875rem;
}
[data-testid="stFileUploaderDropzoneInstructions"] span {
    font-size: 0;
}
[data-testid="stFileUploaderDropzoneInstructions"] span::after {
    content: "of sleep het bestand hierheen";
    font-size: 0.875rem;
}
</style>"""


def upload_section(kind_labels: Mapping[str, str], poi_types: Sequence[str] = ()) -> None:
    """The "Bestand toevoegen" block of the Data page.

    Parameters
    ----------
    kind_labels : mapping
        Dutch name per kind of export; kinds without one show their folder name.
    poi_types : sequence of str
        Types of the points of interest already loaded, offered (after the zone's) for a
        list without a Type column.
    """
    st.header("Bestand toevoegen")
    st.caption(
        "Voeg een nieuwe export toe. Je ziet eerst wat Wijkbeeld ervan maakt; pas na "
        "bevestigen wordt het bestand bewaard en het warehouse opnieuw opgebouwd. Een "
        "bestand wordt nooit overschreven: een ander bestand met dezelfde naam krijgt een "
        "volgnummer."
    )
    kind = st.selectbox(
        "Soort export",
        config.RAW_KINDS,
        format_func=lambda k: kind_labels.get(k, k),
        key="upload_soort",
    )
    suffixes = accepted_suffixes(kind)
    # The file chooser offers every file Wijkbeeld reads, whatever the kind: a file of
    # another sort (a zip, a map layer chosen under Feiten) then gets the Dutch refusal
    # that says where it belongs (etl.upload.safe_filename), not Streamlit's English
    # "application/zip files are not allowed".
    types = sorted(
        {s.lstrip(".") for k in config.RAW_KINDS for s in accepted_suffixes(k)}
        | {e.rsplit(".", 1)[-1] for e in SHAPEFILE_PARTS}
    )
    label = f"Bestand ({', '.join(suffixes)}; maximaal {fmt_int(max_upload_mb())} MB)"
    several = takes_shapefiles(kind)
    if several:
        # A Shapefile is several files: its parts are chosen together (or zipped).
        label += "; een Shapefile: kies de .shp, .shx, .dbf en .prj samen"
    # Streamlit writes the uploader's button and hint in English ("Upload", "200MB per
    # file"), with no parameter to change them: Dutch text through CSS. The label above
    # already names the file types and the size limit.
    st.html(_UPLOADER_DUTCH_CSS)
    uploaded = st.file_uploader(
        label,
        type=types,
        key="upload_bestand",
        max_upload_size=max_upload_mb(),
        accept_multiple_files=several,
    )
    try:
        chosen = chosen_file(kind, uploaded)
    except UploadError as exc:
        st.error(str(exc), icon=":material/block:")
        chosen = None
    if chosen is not None:
        name, data = chosen
        if len(parts := sorted({f.name for f in _files(uploaded)})) > 1:
            st.caption(
                f"De {len(parts)} delen van de Shapefile ({', '.join(parts)}) worden samen "
                f"gelezen en bewaard als **{name}**."
            )

        # Previews of this file, per folder (none, or the type chosen below).
        key = (kind, name, tuple(f.file_id for f in _files(uploaded)), len(data))
        cached = st.session_state.get(PREVIEW_KEY)
        if not cached or cached[0] != key:
            cached = (key, {})
            st.session_state[PREVIEW_KEY] = cached
            st.session_state.pop(STORED_KEY, None)  # a new file: the old "Bewaard als" is stale

        def read(folder: str | None) -> Preview:
            if folder not in cached[1]:
                with st.spinner("Bestand wordt gelezen…"):
                    cached[1][folder] = preview_file(kind, name, data, folder)
            return cached[1][folder]

        folder = None
        preview = read(None)
        field = FOLDER_FIELDS.get(kind)
        if field is not None and field in preview.columns_missing:
            # A list without a Type column: its type is the folder it is stored in.
            folder = st.selectbox(
                "Type van de punten in dit bestand",
                folder_choices(poi_types),
                index=None,
                accept_new_options=True,
                placeholder="Kies of typ een type",
                key="upload_map",
                help=(
                    "Het bestand heeft geen kolom Type: elk punt krijgt het gekozen type, en "
                    f"het bestand komt in {kind}/<type>/ in de map met ruwe exports."
                ),
            )
            if folder:
                preview = read(folder)
            elif preview.columns_missing == [field]:
                # The build's message tells where to put such a file; here: choose above.
                preview = replace(
                    preview,
                    error="Het bestand heeft geen kolom Type. Kies hierboven welk type punten "
                    "het bevat (bijvoorbeeld School): elk punt krijgt dat type.",
                )
        render_preview(preview)
        # A callback, not ``if st.button(...)``: it runs before the script, so a rerun at the
        # top of the page cannot swallow the click. While a build runs, the upload's build
        # follows it (etl.upload.queue_build). A file already there, identical, is not
        # stored or built again: nothing to confirm.
        st.button(
            "Bestand toevoegen en warehouse opnieuw opbouwen",
            type="primary",
            disabled=not preview.ok or preview.identical is not None,
            key="upload_bevestig",
            on_click=_on_confirm,
            args=(kind, preview, folder),
            help=(
                "Eerst de fouten hierboven oplossen."
                if not preview.ok
                else f"Dit bestand staat er al, identiek, als {preview.identical}."
                if preview.identical
                else None
            ),
        )
    stored = st.session_state.get(STORED_KEY)
    if stored and stored.get("error"):
        st.error(stored["error"], icon=":material/block:")
    elif stored:
        where = Path(stored["path"])
        st.success(f"Bewaard als `{raw_name(where)}`.", icon=":material/save:")
        if stored.get("busy"):
            st.info(stored["busy"], icon=":material/hourglass_top:")
    st.subheader("Opbouw van het warehouse")
    _status_block(kind_labels)
