"""Auditlog (wijkcoördinator): who signed in, which pages and filters they viewed, what they
exported, which SQL they ran and what they changed, with the result of the hash-chain check.

The log lives outside the warehouse (``state_dir()/audit.duckdb``, :mod:`etl.audit`); a
rebuild never touches it. This page only reads it.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime, time, timedelta
from functools import partial

import pandas as pd
import streamlit as st

from dashboard.auth import gate
from dashboard.auth.roles import Role
from dashboard.components import layout
from dashboard.components.filters import PRESETS
from dashboard.components.format import fmt_count, fmt_date, fmt_int, style_table, to_csv_bytes
from etl.audit import ANCHOR_CHARS, CHANGES, MIN_ANCHOR_CHARS
from etl.config import zone_clock, zone_today

#: Rows read from the log per sheet ("Blad"); older ones are on the next sheets.
READ_LIMIT = 5_000

EVENT_LABELS = {
    "aanmelding": "Aanmelding",
    "aanmelding_mislukt": "Mislukte aanmelding",
    "afmelding": "Afmelding",
    "pagina": "Pagina bekeken",
    "export": "Export",
    "sql": "SQL-query",
    "wijziging": "Wijziging",
}
#: How the fields of a change's detail read (the others by their own name).
CHANGE_FIELDS = {
    "met_opmerking": "met opmerking",
    "laatste_dag": "laatste dag",
    "naar": "nu",
    "nis": "NIS",
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
METHODS = {
    "lokaal": "gebruikersbestand",
    "oidc": "OIDC",
    "none": "zonder aanmelding",
    # A new session (a reload, a new tab) signed in again from the browser's session cookie.
    "sessiecookie": "sessiecookie (herladen of nieuw tabblad)",
}


def _kept(value) -> str:
    """A text field as stored: in full, or what the log kept of a long one (``shortened``)."""
    if isinstance(value, dict) and value.get("afgekapt") is True and "begin" in value:
        begin = str(value.get("begin") or "")
        end = str(value.get("einde") or "")
        facts = []
        if value.get("tekens") is not None:
            facts.append(f"{fmt_int(value['tekens'])} tekens")
        if value.get("sha256"):
            facts.append(f"SHA-256 {value['sha256']}")
        note = "ingekort" + (f": {', '.join(facts)}" if facts else "")
        return f"{begin} … [{note}] … {end}" if end else f"{begin} … [{note}]"
    return "" if value is None else str(value)


def _value(value) -> str:
    if isinstance(value, dict) and value.get("afgekapt") is True and "begin" in value:
        return _kept(value)
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    return str(value)


def _filter_value(key: str, value) -> str:
    """A filter from a page's address as the page shows it: the period preset by its
    label, dates as dates; the rest as stored ("periode: 28d" read as a code; a UX sweep)."""
    if key == "periode" and isinstance(value, str) and value in PRESETS:
        return PRESETS[value].lower()
    if key in ("van", "tot") and isinstance(value, str):
        try:
            return fmt_date(value)
        except ValueError:
            return value
    return _value(value)


def _filters(filters: dict) -> str:
    """A page's filters, ``periode: laatste 28 dagen · wijk: W01, W02``: the period first,
    from before to (the log keeps the keys sorted: "tot" came before "van")."""
    first = [k for k in ("periode", "van", "tot") if k in filters]
    keys = first + [k for k in filters if k not in first]
    return " · ".join(f"{k}: {_filter_value(k, filters[k])}" for k in keys)


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
        E.g. ``"periode: laatste 28 dagen · wijk: W01, W02"`` for a page view.
    """
    if not detail:
        return ""
    try:
        data = json.loads(detail)
    except ValueError:
        return detail
    if not isinstance(data, dict):
        return _value(data)
    if "begin" in data and data.get("afgekapt") is True:
        # The whole detail was too long and cut as one text (older rows kept only the start).
        return " ".join(_kept(data).split())
    if event == "pagina":
        return _filters(data.get("filters") or {}) or "standaardfilters"
    if event == "export":
        parts = [str(data.get("bestand") or data.get("formaat") or "bestand")]
        if data.get("rijen") is not None:
            parts.append(fmt_count(data["rijen"], "rij", "rijen"))
        if data.get("filters"):
            parts.append(_filters(data["filters"]))
        if data.get("sql"):
            parts.append("query: " + " ".join(_kept(data["sql"]).split()))
        return " — ".join(parts)
    if event == "sql":
        text = " ".join(_kept(data.get("sql")).split())
        if data.get("fout"):
            return f"{text} — geweigerd of fout: {data['fout']}"
        rows = data.get("rijen")
        suffix = f" — {fmt_count(rows, 'rij', 'rijen')}" if rows is not None else ""
        return text + suffix + (" (afgekapt)" if data.get("afgekapt") else "")
    if event == "wijziging":
        return _change(data)
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


def _change_value(field: str, value) -> str:
    if field in ("vanaf", "laatste_dag") and isinstance(value, str):
        try:
            return fmt_date(value)
        except ValueError:
            return value
    if field == "rol":
        try:
            return Role.parse(value).label.lower()
        except ValueError:
            return str(value)
    return _value(value)


def _change(data: dict) -> str:
    """A change: its Dutch label, then its fields (``Taak beoordeeld: taak T-1 · ...``)."""
    what = data.get("wat")
    label = CHANGES.get(what, str(what or "wijziging"))
    fields = [
        f"{CHANGE_FIELDS.get(k, k)}: {_change_value(k, v)}"
        for k, v in data.items()
        if k not in ("wat", "via")
    ]
    via = f" (via {data['via']})" if data.get("via") else ""
    return label + (": " + " · ".join(fields) if fields else "") + via


def _local_midnight(day: date) -> datetime:
    """Start of ``day`` on the zone's clock (the log stores UTC)."""
    return datetime.combine(day, time(), tzinfo=zone_clock())


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
    "Wie zich aanmeldde, welke pagina's en filters bekeken werden, wat er gedownload werd, "
    "welke SQL er liep en wat er gewijzigd werd (bestanden toegevoegd of uit de bouw gehaald, "
    "taken beoordeeld, aanpakken vastgelegd of afgesloten, gebruikers beheerd). Tijdstippen "
    "in Belgische tijd. Het log staat buiten het datawarehouse: een nieuwe opbouw verandert "
    "er niets aan."
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
        f"Hashketen intact: {fmt_int(head[0])} gebeurtenissen, laatste hash "
        f"`{head[1][:ANCHOR_CHARS]}…`. Noteer deze hash af en toe buiten Wijkbeeld: dan valt "
        "ook het inkorten of vervangen van het hele bestand op. De Word-briefing van de "
        "wijkcoördinator drukt hem af op het titelblad.",
        icon=":material/verified_user:",
    )

#: What a noted anchor's check says, per :meth:`etl.audit.AuditLog.anchor_status`.
ANCHOR_VERDICTS = {
    "klopt": (
        "success",
        "Klopt: gebeurtenis {seq} heeft deze hash en de keten tot daar is intact. Het log tot "
        "die gebeurtenis is niet gewijzigd sinds de hash werd genoteerd.",
    ),
    "ontbreekt": (
        "error",
        "Gebeurtenis {seq} staat niet (meer) in het log: het log werd ingekort of door een "
        "ander bestand vervangen. Bewaar een kopie van het bestand en meld het.",
    ),
    "verschilt": (
        "error",
        "Klopt niet: gebeurtenis {seq} heeft nu een andere hash. Het log werd sinds de notitie "
        "herschreven (met een nieuwe keten). Bewaar een kopie van het bestand en meld het.",
    ),
    "keten_gebroken": (
        "error",
        "De hash van gebeurtenis {seq} klopt, maar de keten breekt ervoor: een eerdere rij werd "
        "gewijzigd of verwijderd. Bewaar een kopie van het bestand en meld het.",
    ),
}


def _anchor_check() -> None:
    """Check a head noted outside Wijkbeeld (a briefing pack's title page, a note)."""
    with st.expander("Een genoteerde hash controleren", icon=":material/fact_check:"):
        with st.form("audit_anker"):
            c1, c2 = st.columns([1, 3])
            seq = c1.number_input("Gebeurtenis nr.", min_value=1, step=1, key="audit_anker_nr")
            noted = c2.text_input(
                "Hash zoals genoteerd",
                max_chars=64,
                placeholder=(
                    f"minstens {MIN_ANCHOR_CHARS} tekens, bv. van het titelblad van een briefing"
                ),
                key="audit_anker_hash",
            )
            if not st.form_submit_button("Controleren"):
                return
        try:
            status = log_store.anchor_status(int(seq), noted or "")
        except ValueError as exc:
            st.error(str(exc), icon=":material/error:")
            return
        kind, text = ANCHOR_VERDICTS[status]
        getattr(st, kind)(text.format(seq=fmt_int(int(seq))))


_anchor_check()


c1, c2, c3, c4, c5 = st.columns(5)
since_key = c1.selectbox(
    "Periode", list(SINCE), format_func=SINCE.__getitem__, index=1, key="audit_periode"
)
last_day = (
    c2.date_input("Tot en met", value=zone_today(), format="DD/MM/YYYY", key="audit_tot")
    or zone_today()
)
until = _local_midnight(last_day + timedelta(days=1))
since = (
    None if since_key == "alles" else _local_midnight(last_day - timedelta(days=int(since_key) - 1))
)
# Choices and counts come from the whole selection in the log, never from the rows shown.
period = log_store.facets(since=since, until=until)
events = c3.multiselect(
    "Gebeurtenis",
    list(EVENT_LABELS),
    format_func=EVENT_LABELS.__getitem__,
    placeholder="Alle",
    key="audit_gebeurtenis",
)
users = c4.multiselect(
    "Gebruiker",
    period["users"],
    placeholder="Alle",
    key="audit_gebruiker",
)
pages = c5.multiselect(
    "Pagina",
    [p for p in PAGE_LABELS if p in set(period["pages"])],
    format_func=PAGE_LABELS.__getitem__,
    placeholder="Alle",
    key="audit_pagina",
)
filters = {"event": events or None, "username": users or None, "page": pages or None}
selection = (
    log_store.facets(since=since, until=until, **filters) if any(filters.values()) else period
)
sheets = max(1, math.ceil(selection["total"] / READ_LIMIT))
sheet = 1
if sheets > 1:
    sheet = st.selectbox(
        "Blad",
        list(range(1, sheets + 1)),
        format_func=lambda b: f"{b} van {sheets}" + (" (nieuwste)" if b == 1 else ""),
        key="audit_blad",
    )
shown = log_store.read(
    since=since, until=until, limit=READ_LIMIT, offset=(sheet - 1) * READ_LIMIT, **filters
)

counts = selection["counts"]
layout.kpi_row(
    [
        layout.Kpi(
            "Aanmeldingen",
            int(counts.get("aanmelding", 0)) - int(selection.get("resumed_sign_ins", 0)),
            help="Met wachtwoord of via de identiteitsprovider. Daarnaast "
            f"{fmt_int(int(selection.get('resumed_sign_ins', 0)))} keer verder aangemeld via "
            "de sessiecookie (herladen of nieuw tabblad); die staan als 'aanmelding' in de lijst.",
        ),
        layout.Kpi("Mislukte aanmeldingen", int(counts.get("aanmelding_mislukt", 0))),
        layout.Kpi("Paginabezoeken", int(counts.get("pagina", 0))),
        layout.Kpi("Exports", int(counts.get("export", 0))),
        layout.Kpi("SQL-query's", int(counts.get("sql", 0))),
        layout.Kpi("Wijzigingen", int(counts.get("wijziging", 0))),
    ]
)
if sheets > 1 and not shown.empty:
    st.caption(
        f"{fmt_int(selection['total'])} gebeurtenissen voor deze keuze, "
        f"{fmt_int(READ_LIMIT)} per blad; blad {sheet} toont nr. "
        f"{fmt_int(int(shown['seq'].min()))} tot {fmt_int(int(shown['seq'].max()))}. "
        "Oudere staan op de volgende bladen, of kies een vroegere einddatum."
    )

if shown.empty:
    st.info("Geen gebeurtenissen voor deze keuze.")
else:
    table = readable(shown)
    # Tall enough for the rows, at most about fifteen at a time.
    height = min(560, 35 * (len(table) + 1) + 3)
    layout.table(style_table(table), height=height)
    layout.download_button(
        "Download als CSV",
        partial(to_csv_bytes, table),
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
