"""Page furniture shared by every page: the warehouse guard, sidebar, KPIs, downloads."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial

import duckdb
import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from dashboard.auth import gate
from dashboard.auth.roles import (
    Principal,
    Role,
    allowed_municipalities,
    allowed_pages,
    apply_record_policy,
    pseudonymise_pv,
)
from dashboard.components.format import (
    fmt_area,
    fmt_date,
    fmt_datetime,
    fmt_int,
    fmt_signed,
    number_text_columns,
    to_csv_bytes,
    to_parquet_bytes,
    to_xlsx_bytes,
)
from dashboard.queries import WarehouseVersion, warehouse_path, warehouse_version
from dashboard.queries.common import data_bounds
from dashboard.queries.data_quality import build_info
from etl.config import warehouse_format, zone_today

MISSING_WAREHOUSE = """\
**Er is nog geen datawarehouse.** Wijkbeeld zoekt het bestand `{path}`, maar dat bestaat niet.

Bouw het eerst, vanuit de map van het project:

* met demogegevens: `make demo` (of enkel opbouwen: `make demo-data`)
* met de eigen exports in `data/raw/`: `make build` of `python -m etl build`

Een ander bestand gebruiken kan met de omgevingsvariabele `WIJKBEELD_WAREHOUSE`.
Herlaad daarna deze pagina.
"""

BROKEN_WAREHOUSE = """\
**Het datawarehouse `{path}` kan niet gelezen worden.** Het is onvolledig of van een oudere
versie ({error}). Bouw het opnieuw met `python -m etl build` (of `make demo`) en herlaad
deze pagina.
"""

OUTDATED_WAREHOUSE = """\
**Het datawarehouse is opgebouwd met een vorige versie van Wijkbeeld** (laatste opbouw
{built}). Wijkbeeld is sindsdien bijgewerkt en de pagina's lezen gegevens die dit warehouse
nog niet heeft. Bouw het opnieuw op uit dezelfde exports; er gaat niets verloren.
"""


def warehouse() -> WarehouseVersion:
    """The current warehouse version, or a Dutch explanation and ``st.stop()``.

    Every page calls this first.

    Returns
    -------
    WarehouseVersion
        Only returns when the warehouse exists and has the marts the dashboard reads.
    """
    if gate.current_principal() is None:
        # app.py signs in before any page runs; a page reached any other way shows nothing.
        st.error("Je bent niet aangemeld. Herlaad de pagina om aan te melden.")
        st.stop()
    version = warehouse_version()
    if version is None:
        st.warning(MISSING_WAREHOUSE.format(path=warehouse_path()), icon=":material/database:")
        st.stop()
    try:
        info = build_info(version)
    except (duckdb.Error, RuntimeError) as exc:
        st.error(BROKEN_WAREHOUSE.format(path=warehouse_path(), error=type(exc).__name__))
        st.stop()
    if info.get("warehouse_format") != warehouse_format():
        outdated_warehouse(info)
    return version


def outdated_warehouse(info: Mapping) -> None:
    """Say that an older Wijkbeeld built the warehouse, offer the rebuild, stop the page.

    After an update the warehouse on disk still has the old tables: a page would fail on
    a column the old build did not write. The coordinator (who has the Data page) gets the
    rebuild button here; the others are told whom to ask.
    """
    from dashboard.components.upload import rebuild_now_block

    built = info.get("built_at")
    st.warning(
        OUTDATED_WAREHOUSE.format(built=fmt_datetime(built) if built is not None else "onbekend"),
        icon=":material/update:",
    )
    if "data" in allowed_pages(principal()):
        rebuild_now_block()
        st.caption("Of vanuit de map van het project: `make build` (eigen exports) of `make demo`.")
    else:
        st.info(
            "Vraag de wijkcoördinator het warehouse opnieuw op te bouwen (pagina Data, "
            "'Opnieuw opbouwen').",
            icon=":material/info:",
        )
    st.stop()


def zone_name(version: WarehouseVersion) -> str:
    """Name of the zone, from the build (falls back to the zone configuration)."""
    info = build_info(version)
    if info.get("zone_name"):
        return str(info["zone_name"])
    try:
        from etl.config import load_zone

        return load_zone()["zone"]["name"]
    except (FileNotFoundError, KeyError):
        return "Wijkbeeld"


def age_text(days: int) -> str:
    """How long ago the data end, in Dutch: "vandaag", "1 dag geleden", "3 dagen geleden"."""
    if days == 0:
        return "vandaag"
    if days < 0:  # data dated after today (a clock or export problem): say so plainly
        return f"{fmt_int(-days)} {'dag' if days == -1 else 'dagen'} in de toekomst"
    return f"{fmt_int(days)} {'dag' if days == 1 else 'dagen'} geleden"


def sidebar_info(version: WarehouseVersion) -> None:
    """Zone name and warehouse freshness at the top of the sidebar."""
    info = build_info(version)
    bounds = data_bounds(version)
    with st.sidebar:
        st.markdown(f"### {zone_name(version)}")
        last = bounds["last"]
        lines = [f"Gegevens t.e.m. **{fmt_date(last)}**"]
        if last is not None:
            lines.append(f"({age_text((zone_today() - last).days)})")
        if info.get("built_at") is not None:
            lines.append(f"Opgebouwd {fmt_datetime(info['built_at'])}")
        st.caption("  \n".join(lines))


@dataclass(frozen=True)
class Kpi:
    """One KPI tile: a count and, optionally, its difference with a reference count."""

    label: str
    value: int | float | None
    reference: int | float | None = None
    reference_label: str = "t.o.v. vorige periode"
    help: str | None = None
    #: For crime and accidents more is worse: red arrow up.
    higher_is_worse: bool = True
    #: Variance over mean of the count (victims come per accident; see
    #: :func:`dashboard.analysis.compstat.clump_dispersion`); 1: Poisson.
    dispersion: float = 1.0


#: Under a KPI tile whose difference is coloured only when it stands out.
KPI_COLOUR_HELP = (
    "Rood of groen alleen wanneer het verschil opvalt: |2·(√nu − √toen)| > 2 en door toeval "
    "in minder dan 5 % van de gevallen (exacte Poissontoets), zoals in de tabellen van de "
    "briefing; grijs: binnen wat toeval van periode tot periode geeft."
)


def kpi_row(kpis: Sequence[Kpi]) -> None:
    """KPI tiles in one row; differences are counts, never bare percentages.

    A difference is red or green only when it is opvallend
    (:func:`dashboard.analysis.compstat.is_opvallend`, the rule the briefing's tables colour
    by); other differences are grey with their arrow: "+8" on 264 feiten in red read as an
    alarm that chance gives every other period, and "-15" on 53 new tasks was green above a
    table that, rightly, did not colour the same comparison.
    """
    from dashboard.analysis.compstat import (
        dispersion_note,
        is_opvallend,
        poisson_p_value,
        poisson_signal,
    )

    cols = st.columns(len(kpis))
    for col, kpi in zip(cols, kpis, strict=True):
        delta = None
        unchanged = notable = False
        help_text = kpi.help
        if kpi.reference is not None and kpi.value is not None:
            unchanged = kpi.value == kpi.reference
            z = poisson_signal(kpi.value, kpi.reference, kpi.dispersion)
            p = poisson_p_value(kpi.value, kpi.reference, kpi.dispersion)
            notable = bool(is_opvallend(z, p))
            delta = f"{fmt_signed(kpi.value - kpi.reference)} {kpi.reference_label}"
            colour_help = " ".join(filter(None, [KPI_COLOUR_HELP, dispersion_note(kpi.dispersion)]))
            help_text = f"{kpi.help}\n\n{colour_help}" if kpi.help else colour_help
        col.metric(
            kpi.label,
            fmt_int(kpi.value),
            delta=delta,
            help=help_text,
            delta_color="off" if not notable else "inverse" if kpi.higher_is_worse else "normal",
            # No change: also without an arrow (a grey arrow up for "0" still misleads).
            delta_arrow="off" if unchanged else "auto",
        )


def csv_download(
    df: pd.DataFrame,
    file_name: str,
    label: str = "Download CSV",
    key=None,
    detail: Mapping | None = None,
) -> None:
    """Download button for a (small, aggregated) table as Excel-friendly CSV.

    ``detail`` adds fields to the export's audit event (the SQL console adds its query).
    """
    download_button(
        label,
        partial(to_csv_bytes, df),
        file_name=file_name,
        mime="text/csv",
        key=key,
        rows=len(df),
        detail=detail,
        icon=":material/download:",
    )


#: The formats of :func:`table_downloads`: label, extension, MIME type, maker.
TABLE_FORMATS = (
    ("Download CSV", "csv", "text/csv", to_csv_bytes),
    (
        "Download Excel",
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        to_xlsx_bytes,
    ),
    ("Download Parquet", "parquet", "application/vnd.apache.parquet", to_parquet_bytes),
)


def table_downloads(df: pd.DataFrame, stem: str, key: str) -> None:
    """Three download buttons in a row for one table: CSV (Excel, ``;``), .xlsx and Parquet.

    Parameters
    ----------
    df : pandas.DataFrame
        The (aggregated) table as shown, with Dutch column names.
    stem : str
        File name without extension.
    key : str
        Prefix for the button keys.
    """
    for col, (label, ext, mime, make) in zip(st.columns(3), TABLE_FORMATS, strict=True):
        download_button(
            label,
            partial(make, df),
            file_name=f"{stem}.{ext}",
            mime=mime,
            key=f"{key}_{ext}",
            rows=len(df),
            container=col,
            icon=":material/download:",
        )


def period_caption(label: str) -> None:
    """One line under the title saying which period the page shows."""
    st.caption(f"Periode: {label}")


# --- access control: who is signed in, and what record-level data they may see ---------


def principal() -> Principal:
    """The signed-in user of this session; stops the page when there is none (fail closed).

    ``app.py`` signs the user in before any page runs, so this only stops a page that was
    somehow started outside the router.
    """
    who = gate.current_principal()
    if who is None:
        st.error("Je bent niet aangemeld. Herlaad de pagina om aan te melden.")
        st.stop()
    return who


def record_scope(selected: Sequence[str] = ()) -> tuple[str, ...] | None:
    """The wijken whose *records* a page may query for the signed-in user.

    Parameters
    ----------
    selected : sequence of str
        The wijken chosen in the filter (empty = whole zone).

    Returns
    -------
    tuple of str or None
        ``selected`` unchanged for the coordinator and the beleidscel (empty = all);
        the inspector's own wijk when the filter is empty or includes it; ``None`` when
        no record may be shown at all (bestuur, or an inspector looking at other wijken):
        the page then shows aggregates only.
    """
    who = principal()
    if who.role in (Role.COORDINATOR, Role.BELEIDSCEL):
        return tuple(selected)
    if who.role == Role.INSPECTOR and (not selected or who.wijk_code in selected):
        return (str(who.wijk_code),)
    return None


def records(
    df: pd.DataFrame, wijk_col: str = "wijk_code", ids: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """A record-level frame as the signed-in user may see it; call before drawing or export.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per record (PV, accident, report, task, map point).
    wijk_col : str
        Column with the record's wijk code; an inspector gets only rows of the own wijk
        (none when the column is missing).
    ids : mapping, optional
        Extra identifier columns and their pseudonym prefix for the beleidscel, for frames
        whose columns are already renamed (``{"PV-nummer": "PV", "id": "ONG"}``). The
        standard names (``pv_number``, ``accident_id``, ``inspector``, ...) are always
        pseudonymised.

    Returns
    -------
    pandas.DataFrame
        :func:`dashboard.auth.roles.apply_record_policy` applied: unchanged for the
        coordinator, own wijk only for an inspector, pseudonymised for the beleidscel,
        empty for bestuur.
    """
    who = principal()
    key = gate.pseudonym_key() if who.role in (Role.BELEIDSCEL, Role.BESTUUR) else None
    out = apply_record_policy(df, who, key, wijk_col)
    if who.role == Role.BELEIDSCEL and ids:
        for column, prefix in ids.items():
            if column in out.columns:
                out[column] = [pseudonymise_pv(v, key, prefix) for v in out[column]]
    return out


def staff_names(df: pd.DataFrame, columns: Sequence[str] = ("Inspecteur",)) -> pd.DataFrame:
    """An aggregate table with the inspectors' names pseudonymised for the beleidscel.

    Aggregates per inspector (workload, lead times) are fine for every internal role; only
    the names go: the beleidscel gets stable ``INP-…`` pseudonyms (the same as in record
    lists), everyone else the table unchanged.

    Parameters
    ----------
    df : pandas.DataFrame
        The table as shown.
    columns : sequence of str
        Columns holding inspector names.
    """
    # Fail closed: names only for the roles that see them; any other role pseudonyms.
    if principal().role in (Role.COORDINATOR, Role.INSPECTOR):
        return df
    key = gate.pseudonym_key()
    out = df.copy()
    for column in columns:
        if column in out.columns:
            # Idempotent: a page may pseudonymise its source frames first and its
            # display tables again; a pseudonym must not be hashed a second time.
            out[column] = [
                v
                if isinstance(v, str) and _PSEUDONYM.fullmatch(v)
                else pseudonymise_pv(v, key, "INP")
                for v in out[column]
            ]
    return out


_PSEUDONYM = re.compile(r"INP-[0-9A-F]{12}")


def is_coordinator() -> bool:
    """Whether the signed-in user is the wijkcoördinator (steering tools, QC decisions)."""
    return principal().role == Role.COORDINATOR


def zone_figures_note(wijken: Sequence[str]) -> None:
    """Under a page's key figures: for a wijkinspecteur without a wijk filter, that they are
    the zone's. Beside a map and lists of the own wijk, the zone's 277 facts read as the
    wijk's own (a look at the pages in a browser)."""
    who = principal()
    if (
        who.role == Role.INSPECTOR
        and not wijken
        and who.wijk_code
        # A wijk the warehouse lacks cannot be chosen (unknown_wijk_notice says why).
        and _wijk_known(who.wijk_code, warehouse_version())
    ):
        st.caption(
            "Deze cijfers gelden voor de hele zone. Kies bij Wijken je eigen wijk "
            f"{wijk_labels([who.wijk_code])} voor de cijfers van je wijk."
        )


def _wijk_known(code: str, version: WarehouseVersion) -> bool:
    """Whether the warehouse's wijk boundaries hold wijk ``code``."""
    from dashboard.queries.districts import wijken

    return code in set(wijken(version)["code"].astype(str))


def unknown_wijk_notice(version: WarehouseVersion) -> None:
    """For a wijkinspecteur whose account names a wijk this warehouse does not have: say
    so, above every page. A zone moving from the demo's W01–W10 to its own wijken (or
    renumbering them) left every inspector seeing only counts, without a word why: the
    pages read "buiten je eigen wijk W01" (an audit with the real HerKo wijken). Nothing
    more is shown: the account's scope stays its own wijk."""
    who = principal()
    if who.role != Role.INSPECTOR or not who.wijk_code:
        return
    if _wijk_known(who.wijk_code, version):
        return
    st.warning(
        f"Je account hoort bij wijk {who.wijk_code}, maar die wijk staat niet in de "
        "wijkgrenzen van dit datawarehouse: je ziet daarom enkel aantallen, geen "
        "afzonderlijke records. Vraag de beheerder van Wijkbeeld je account aan de juiste "
        "wijk te koppelen.",
        icon=":material/warning:",
    )


def wijk_labels(codes: Sequence[str]) -> str:
    """Wijken as a reader names them, "Herent-Centrum (W01)", joined with ", " (a code the
    warehouse does not name stays the code): the inspector's texts said "je eigen wijk
    (W01)"."""
    from dashboard.queries.districts import wijken

    names = dict(zip(*wijken(warehouse_version())[["code", "name"]].to_numpy().T, strict=True))
    return ", ".join(fmt_area(names[c], c) if names.get(c) else str(c) for c in codes)


def record_note(scope: tuple[str, ...] | None, noun: str = "feiten") -> None:
    """One caption saying why records are limited (nothing for the coordinator); ``noun``
    names the records ("taken" on Werklast, where "feiten" read as the wrong records)."""
    who = principal()
    if who.role == Role.INSPECTOR:
        if scope is None:
            st.info(
                f"Als wijkinspecteur zie je afzonderlijke {noun} enkel van je eigen wijk "
                f"{wijk_labels((who.wijk_code,))}; voor andere wijken toont Wijkbeeld alleen "
                "aantallen.",
                icon=":material/lock:",
            )
        else:
            st.caption(
                f"Afzonderlijke {noun}: enkel je eigen wijk {wijk_labels((who.wijk_code,))}."
            )
    elif who.role == Role.BELEIDSCEL:
        st.caption(
            "Gepseudonimiseerd: PV-nummers en andere kenmerken zijn vervangen door vaste "
            "pseudoniemen; namen en vrije tekst zijn weggelaten."
        )


def municipality_scope() -> list[str]:
    """NIS codes whose aggregates the signed-in user may see (bestuur: the own one only)."""
    from etl.config import load_zone

    try:
        zone = load_zone()
    except FileNotFoundError:
        zone = {}
    return allowed_municipalities(principal(), zone)


def date_columns(frame: pd.DataFrame) -> dict:
    """Column settings that write a frame's date and date-time columns as the house style
    does (``06/12/2023``, ``06/12/2023 04:15``); Streamlit writes them in ISO ("2023-12-06
    02:00:00" beside a text "06/12/2023 04:15"). A column with a gap is left alone: the
    pages write those out as text (:func:`~dashboard.components.format.missing_as_text`)."""
    config = {}
    for col in frame.columns:
        series = frame[col]
        if pd.api.types.is_datetime64_any_dtype(series) and not series.isna().any():
            with_time = bool((series.dt.normalize() != series).any())
            config[col] = (
                st.column_config.DatetimeColumn(format="DD/MM/YYYY HH:mm")
                if with_time
                else st.column_config.DateColumn(format="DD/MM/YYYY")
            )
    return config


def table(data, *, column_config: Mapping | None = None, **kwargs):
    """``st.dataframe`` as every page shows a table: without the index, as wide as the page,
    and numbers written out as text (gaps "–", suppressed "<5", signals "+2,4 ▲")
    right-aligned as numeric columns are (:func:`number_text_columns`).

    ``data`` is a frame or its Styler (:func:`style_table`); date columns read dd/mm/yyyy
    (:func:`date_columns`); the caller's ``column_config`` wins over both for its columns; other arguments go to ``st.dataframe`` and
    override the defaults. Returns what ``st.dataframe`` returns (the selection, when asked for).
    """
    frame = data.data if isinstance(data, Styler) else data
    right = st.column_config.Column(alignment="right")
    config: dict = dict.fromkeys(number_text_columns(frame), right)
    config.update(date_columns(frame))
    config.update(column_config or {})
    kwargs.setdefault("hide_index", True)
    kwargs.setdefault("width", "stretch")
    return st.dataframe(data, column_config=config, **kwargs)


def download_button(
    label: str,
    data,
    file_name: str,
    mime: str,
    key: str | None = None,
    rows: int | None = None,
    container=None,
    detail: Mapping | None = None,
    **kwargs,
) -> bool:
    """``st.download_button`` that writes the export to the audit log when clicked.

    Parameters
    ----------
    label, file_name, mime, key
        As for ``st.download_button``.
    data : callable
        A function without arguments that makes the file's bytes (``functools.partial``
        binds its arguments as they are now). Streamlit calls it when the button is
        pressed: a page does not build a workbook, a Word file or a map image on every
        rerun for a button nobody presses (the Bronnen map's PNG alone took 0.7 s).
    rows : int, optional
        Rows in the file, for the audit log.
    container : optional
        A column or container to draw in (default: the page).
    detail : mapping, optional
        More fields for the audit event (the SQL console adds its query).
    **kwargs
        Passed on (``icon``, ``disabled``, ``type``, ...).
    """
    if not callable(data):
        raise TypeError(f"download_button({label!r}): data must be a function that makes the bytes")
    event = {
        **(detail or {}),
        "bestand": file_name,
        "formaat": file_name.rsplit(".", 1)[-1],
        "rijen": rows,
    }
    target = container if container is not None else st
    return target.download_button(
        label,
        data,
        file_name=file_name,
        mime=mime,
        key=key,
        on_click=gate.export_logger(event),
        **kwargs,
    )
