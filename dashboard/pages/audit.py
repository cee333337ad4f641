"""Auditlog (wijkcoördinator): who signed in, which pages and filters they viewed, what they
exported and which SQL they ran, with the result of the hash-chain check.

The log lives outside the warehouse (``state_dir()/audit.duckdb``, :mod:`etl.audit`); a
rebuild never touches it. This page only reads it.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pandas as pd
import streamlit as st

from dashboard.auth import gate
from dashboard.auth.roles import Role
from dashboard.components import layout
from dashboard.components.format import fmt_count, fmt_int, style_table, to_csv_bytes
from etl.config import zone_clock, zone_today

#: Rows read from the log at most; the page says when the limit was reached.
READ_LIMIT = 5_000

EVENT_LABELS = {
    "aanmelding": "Aanmelding",
    "aanmelding_mislukt": "Mislukte aanmelding",
    "afmelding": "Afmelding",
    "pagina": "Pagina bekeken",
    "export": "Export",
    "sql": "SQL-query",
}
PAGE_LABELS = {
    "briefing": "Briefing",
    "sources": "Bronnen van onveiligheid",
    "traffic": "Verkeer",
    "workload": "Werklast per wijk",
    "reports": "Rapporten",
    "exploration": "Verkenning",
    "sql": "SQL-console",
    "dictionary": "Datawoordenboek",
    "data": "Data",
    "audit": "Auditlog",
}
SINCE = {
    "7": "Laatste 7 dagen",
    "28": "Laatste 28 dagen",
    "365": "Laatste 365 dagen",
    "alles": "Alles",
}
METHODS = {"lokaal": "gebruikersbestand", "oidc": "OIDC", "none": "zonder aanmelding"}


def _value(value) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    return str(value)


def describe(event: str, detail: str | None) -> str:
    """One readable Dutch line for an event's JSON detail.

    Parameters
    ----------
    event : str
        Event name (``pagina``, ``export``, ...).
    detail : str or None
        The JSON detail as stored.

    Returns
    -------
    str
        E.g. ``"periode: 28d · wijk: W01, W02"`` for a page view.
    """
    if not detail:
        return ""
    try:
        data = json.loads(detail)
    except ValueError:
        return detail
    if not isinstance(data, dict):
        return _value(data)
    if event == "pagina":
        filters = data.get("filters") or {}
        return " · ".join(f"{k}: {_value(v)}" for k, v in filters.items()) or "standaardfilters"
    if event == "export":
        parts = [str(data.get("bestand") or data.get("formaat") or "bestand")]
        if data.get("rijen") is not None:
            parts.append(fmt_count(data["rijen"], "rij", "rijen"))
        filters = data.get("filters") or {}
        if filters:
            parts.append(" · ".join(f"{k}: {_value(v)}" for k, v in filters.items()))
        return " — ".join(parts)
    if event == "sql":
        text = " ".join(str(data.get("sql") or "").split())
        if data.get("fout"):
            return f"{text} — geweigerd of fout: {data['fout']}"
        rows = data.get("rijen")
        suffix = f" — {fmt_count(rows, 'rij', 'rijen')}" if rows is not None else ""
        return text + suffix + (" (afgekapt)" if data.get("afgekapt") else "")
    if event in ("aanmelding", "aanmelding_mislukt"):
        parts = []
        if data.get("methode"):
            parts.append(f"via {METHODS.get(data['methode'], data['methode'])}")
        if data.get("rol"):
            try:
                parts.append(f"rol {Role.parse(data['rol']).label.lower()}")
            except ValueError:
                parts.append(f"rol {data['rol']}")
        if data.get("reden"):
            parts.append(str(data["reden"]))
        if data.get("geblokkeerd"):
            parts.append("nu geblokkeerd")
        if data.get("client"):
            parts.append(f"vanaf {data['client']}")
        return ", ".join(parts)
    return " · ".join(f"{k}: {_value(v)}" for k, v in data.items())


def readable(log: pd.DataFrame) -> pd.DataFrame:
    """The log as shown: the zone's local time, Dutch labels, one line of detail."""
    local = pd.to_datetime(log["ts"], utc=True).dt.tz_convert(zone_clock().key)
    return pd.DataFrame(
        {
            "Nr.": log["seq"].astype("int64"),
            "Tijdstip": local.dt.tz_localize(None),
            "Gebeurtenis": log["event"].map(lambda e: EVENT_LABELS.get(e, e)),
            "Gebruiker": log["username"].fillna("–"),
            "Pagina": log["page"].map(lambda p: PAGE_LABELS.get(p, p) if p else "–"),
            "Details": [describe(e, d) for e, d in zip(log["event"], log["detail"], strict=True)],
        }
    )


gate.require_page("audit")
layout.warehouse()
st.title("Auditlog")
st.caption(
    "Wie zich aanmeldde, welke pagina's en filters bekeken werden, wat er gedownload werd en "
    "welke SQL er liep. Tijdstippen in Belgische tijd. Het log staat buiten het "
    "datawarehouse: een nieuwe opbouw verandert er niets aan."
)

log_store = gate.audit_log()
broken = log_store.verify_chain()
head = log_store.head()
if broken is not None:
    st.error(
        f"**Hashketen gebroken vanaf gebeurtenis {fmt_int(broken)}.** Die rij of een rij "
        "ervoor is gewijzigd of verwijderd. Bewaar een kopie van het bestand en meld het.",
        icon=":material/gpp_bad:",
    )
elif head is None:
    st.info("Het auditlog is nog leeg.")
else:
    st.success(
        f"Hashketen intact: {fmt_int(head[0])} gebeurtenissen, laatste hash `{head[1][:16]}…`. "
        "Noteer deze hash af en toe buiten Wijkbeeld (bv. in het verslag van de briefing): "
        "dan valt ook het inkorten of vervangen van het hele bestand op.",
        icon=":material/verified_user:",
    )

c1, c2, c3, c4 = st.columns(4)
since_key = c1.selectbox(
    "Periode", list(SINCE), format_func=SINCE.__getitem__, index=1, key="audit_periode"
)
since = None if since_key == "alles" else zone_today() - timedelta(days=int(since_key) - 1)
log = log_store.read(since=since, limit=READ_LIMIT)
events = c2.multiselect(
    "Gebeurtenis",
    list(EVENT_LABELS),
    format_func=EVENT_LABELS.__getitem__,
    placeholder="Alle",
    key="audit_gebeurtenis",
)
users = c3.multiselect(
    "Gebruiker",
    sorted(log["username"].dropna().unique()),
    placeholder="Alle",
    key="audit_gebruiker",
)
pages = c4.multiselect(
    "Pagina",
    [p for p in PAGE_LABELS if p in set(log["page"].dropna())],
    format_func=PAGE_LABELS.__getitem__,
    placeholder="Alle",
    key="audit_pagina",
)
shown = log
if events:
    shown = shown[shown["event"].isin(events)]
if users:
    shown = shown[shown["username"].isin(users)]
if pages:
    shown = shown[shown["page"].isin(pages)]

counts = shown["event"].value_counts()
layout.kpi_row(
    [
        layout.Kpi("Aanmeldingen", int(counts.get("aanmelding", 0))),
        layout.Kpi("Mislukte aanmeldingen", int(counts.get("aanmelding_mislukt", 0))),
        layout.Kpi("Paginabezoeken", int(counts.get("pagina", 0))),
        layout.Kpi("Exports", int(counts.get("export", 0))),
        layout.Kpi("SQL-query's", int(counts.get("sql", 0))),
    ]
)
if len(log) >= READ_LIMIT:
    st.caption(
        f"Enkel de nieuwste {fmt_int(READ_LIMIT)} gebeurtenissen van de periode zijn gelezen; "
        "kies een kortere periode voor oudere."
    )

if shown.empty:
    st.info("Geen gebeurtenissen voor deze keuze.")
else:
    table = readable(shown)
    # Tall enough for the rows, at most about fifteen at a time.
    height = min(560, 35 * (len(table) + 1) + 3)
    st.dataframe(style_table(table), hide_index=True, width="stretch", height=height)
    layout.download_button(
        "Download als CSV",
        to_csv_bytes(table),
        file_name=f"wijkbeeld_auditlog_{zone_today():%Y%m%d}.csv",
        mime="text/csv",
        key="audit_csv",
        rows=len(table),
        icon=":material/download:",
    )
st.caption(
    "Controle vanaf de opdrachtregel: `python -m dashboard.auth verify-audit`. "
    "Wachtwoorden worden nooit gelogd; bij een mislukte aanmelding staat de ingetikte "
    "gebruikersnaam in het log."
)
