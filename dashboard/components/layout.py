"""Page furniture shared by every page: the warehouse guard, sidebar, KPIs, downloads."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd
import streamlit as st

from dashboard.components.format import fmt_date, fmt_datetime, fmt_int, fmt_signed, to_csv_bytes
from dashboard.queries import WarehouseVersion, warehouse_path, warehouse_version
from dashboard.queries.common import data_bounds
from dashboard.queries.data_quality import build_info

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


def leave_pages_directory_mode() -> None:
    """Make sure the page runs under ``app.py``'s navigation, not Streamlit's old MPA mode.

    Streamlit 1.67 decides at server start that an app with a ``pages/`` folder beside its
    main script is an old-style multipage app, and keeps thinking so until the first
    ``st.navigation`` call. If the first visitor after a restart opens a deep link
    (``/traffic?periode=jaar``), Streamlit runs ``pages/traffic.py`` on its own: no router,
    no wide layout, file names as menu. Switching the flag off and rerunning sends that
    visitor through ``app.py`` to the same page.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def warehouse() -> WarehouseVersion:
    """The current warehouse version, or a Dutch explanation and ``st.stop()``.

    Every page calls this first; it also routes a page opened outside ``app.py`` back
    through it (:func:`leave_pages_directory_mode`).

    Returns
    -------
    WarehouseVersion
        Only returns when the warehouse exists and has the marts the dashboard reads.
    """
    leave_pages_directory_mode()
    version = warehouse_version()
    if version is None:
        st.warning(MISSING_WAREHOUSE.format(path=warehouse_path()), icon=":material/database:")
        st.stop()
    try:
        build_info(version)
    except (duckdb.Error, RuntimeError) as exc:
        st.error(BROKEN_WAREHOUSE.format(path=warehouse_path(), error=type(exc).__name__))
        st.stop()
    return version


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


def sidebar_info(version: WarehouseVersion) -> None:
    """Zone name and warehouse freshness at the top of the sidebar."""
    info = build_info(version)
    bounds = data_bounds(version)
    with st.sidebar:
        st.markdown(f"### {zone_name(version)}")
        last = bounds["last"]
        lines = [f"Gegevens t.e.m. **{fmt_date(last)}**"]
        if last is not None:
            age = (date.today() - last).days
            lines.append(f"({fmt_int(age)} dagen geleden)")
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


def kpi_row(kpis: Sequence[Kpi]) -> None:
    """KPI tiles in one row; differences are counts, never bare percentages."""
    cols = st.columns(len(kpis))
    for col, kpi in zip(cols, kpis, strict=True):
        delta = None
        if kpi.reference is not None and kpi.value is not None:
            delta = f"{fmt_signed(kpi.value - kpi.reference)} {kpi.reference_label}"
        col.metric(
            kpi.label,
            fmt_int(kpi.value),
            delta=delta,
            help=kpi.help,
            delta_color="inverse" if kpi.higher_is_worse else "normal",
        )


def csv_download(df: pd.DataFrame, file_name: str, label: str = "Download CSV", key=None) -> None:
    """Download button for a (small, aggregated) table as Excel-friendly CSV."""
    st.download_button(
        label,
        to_csv_bytes(df),
        file_name=file_name,
        mime="text/csv",
        key=key,
        icon=":material/download:",
    )


def period_caption(label: str) -> None:
    """One line under the title saying which period the page shows."""
    st.caption(f"Periode: {label}")
