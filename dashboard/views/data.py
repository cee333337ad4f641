"""Data (beheer): what was loaded and when, what was refused and why, how fresh it is."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.analysis.compstat import stopped_early
from dashboard.auth import gate
from dashboard.components import layout, upload
from dashboard.components.format import (
    fmt_date,
    fmt_datetime,
    fmt_int,
    fmt_number,
    fmt_record_date,
    missing_as_text,
    style_table,
)
from dashboard.queries import common, data_quality, workload
from dashboard.queries.common import KNOWN_SINCE_DOMAIN
from dashboard.queries.data_quality import MONTH_SOURCES
from etl.config import zone_today

# Rejected rows are shown as received (PV numbers, free text): coordinator only.
gate.require_page("data")
version = layout.warehouse()

st.title("Data")
upload.build_notice()

#: Dutch names of the input kinds (``etl.config.RAW_KINDS``).
KINDS = {
    "incidents": "Feiten (ISLP)",
    "accidents": "Verkeersongevallen (ISLP)",
    "victims": "Slachtoffers (ISLP)",
    "statbel": "Ongevallen (Statbel)",
    "nuisance": "Overlastregister",
    "tasks": "Wijktaken",
    "controls": "Verkeerscontroles",
    "events": "Evenementen",
    "districts": "Gebiedsindelingen",
    "poi": "Aandachtspunten",
    "addresses": "Adressenlijst",
    "sectors": "Statistische sectoren",
    "absences": "Afwezigheden wijkinspecteurs",
}

info = data_quality.build_info(version)
files = data_quality.load_files(version)
st.subheader("Laatste opbouw")
warnings = data_quality.build_warnings(version)
if len(warnings):
    # Nothing was refused for these, but the pages are only as right as the codes match.
    st.warning(
        "**Let op bij deze opbouw**\n\n"
        + "\n".join(
            f"- **{t}**: {m}" for t, m in zip(warnings["topic"], warnings["message"], strict=True)
        ),
        icon=":material/warning:",
    )
upload.unbuilt_notice(files["source_file"].tolist(), info.get("built_at"), info.get("duration_s"))
cols = st.columns(4)
cols[0].metric(
    "Opgebouwd op", fmt_date(info.get("built_at")), help=fmt_datetime(info.get("built_at"))
)
cols[1].metric("Duur", f"{fmt_number(info.get('duration_s'), 1)} s")
cols[2].metric("Ingelezen bestanden", fmt_int(len(files)))
cols[3].metric("Geweigerde rijen", fmt_int(files["rows_rejected"].sum() if len(files) else 0))
st.caption(
    f"Opgebouwd {fmt_datetime(info.get('built_at'))} · "
    f"zone: {info.get('zone_name', '–')} · versie {info.get('warehouse_version', '–')} · "
    f"bestand `{version[0]}`"
)

st.subheader("Ingelezen bestanden")
shown_files = files.assign(
    kind=files["kind"].map(KINDS).fillna(files["kind"]),
    # As the upload preview names them ("Windows-1252", "puntkomma ( ; )").
    encoding=[
        upload.describe_encoding(e) if isinstance(e, str) else None for e in files["encoding"]
    ],
    delimiter=[
        upload.describe_delimiter(d) if isinstance(d, str) else None for d in files["delimiter"]
    ],
).rename(
    columns={
        "kind": "Soort",
        "source_file": "Bestand",
        "rows_read": "Rijen gelezen",
        "rows_accepted": "Aanvaard",
        "rows_rejected": "Geweigerd",
        # Accepted rows whose key a newer export of the kind also has: they count from
        # there (never twice). The note said it in words only (an audit).
        "rows_superseded": "Vervangen door nieuwere export",
        # When the export was made, copied in or uploaded (every file is read at every
        # build: the build's time is "Opgebouwd op" above).
        "file_modified_at": "Bestand van",
        "encoding": "Codering",
        "delimiter": "Scheidingsteken",
        "max_record_date": "Laatste record",
        # Personal-data columns left out, the sheet read, boundary features refused.
        "note": "Opmerking",
    }
)
if "Laatste record" in shown_files:
    # Statbel gives a month, no day: its file's last record said "01/12/2026".
    shown_files["Laatste record"] = [
        fmt_record_date(d, month_only=kind == "statbel")
        for d, kind in zip(shown_files["Laatste record"], files["kind"], strict=True)
    ]
# The note beside the counts it explains, wide enough to read (as the last of ten columns
# it ended after a word or two, off to the right).
first = [
    "Soort",
    "Bestand",
    "Rijen gelezen",
    "Aanvaard",
    "Geweigerd",
    "Vervangen door nieuwere export",
    "Opmerking",
]
shown_files = shown_files[
    [c for c in first if c in shown_files] + [c for c in shown_files if c not in first]
]
layout.table(
    style_table(missing_as_text(shown_files)),
    column_config={
        "Bestand": st.column_config.TextColumn(width="large"),
        "Opmerking": st.column_config.TextColumn(width="large"),
    },
)

#: A file's row number as a spreadsheet shows it: "1998", not the quantity "1.998".
ROW_NUMBER = {"Rij": lambda v: "–" if pd.isna(v) else str(int(v))}

st.subheader("Actualiteit per bron")
fresh = data_quality.freshness(version)
today = zone_today()
# An export that stops before the others by more than chance explains: the pages count
# nothing for it after its last day (unknown, not 0), and it needs a newer export.
spans = common.source_span_map(version)
stopped = stopped_early(spans)
latest = max((s.last for s in spans.values()), default=None)
tasks_day = workload.reference_date(version) if "tasks" in stopped else None


def _stop_remark(domain: str) -> str:
    """What a source that stops early counts to, and what to do (one Dutch sentence)."""
    span = stopped[domain]
    return (
        # The day it counts to (tasks: received), which can lie before 'Laatste record'
        # (a task export's newest closing date).
        f"telt tot en met {fmt_date(span.last)}"
        + (" (ontvangen)" if domain == "tasks" else "")
        + f", {fmt_int(days := (latest - span.last).days)} {'dag' if days == 1 else 'dagen'} vóór de andere bronnen: nieuwere "
        "export nodig"
        # The tasks' state is judged on their own last day (marts.tasks).
        + (
            f"; open en over termijn zoals op {fmt_date(tasks_day)}"
            if domain == "tasks" and tasks_day
            else ""
        )
    )


# Victims go with their accidents (common.KNOWN_SINCE_DOMAIN).
domains = [KNOWN_SINCE_DOMAIN.get(k, k) for k in fresh["kind"]]
fresh_table = pd.DataFrame(
    {
        "Soort": fresh["kind"].map(KINDS).fillna(fresh["kind"]),
        # Statbel gives a month, no day: its last record stands on the first of its month,
        # and "01/12/2026" or "5 dagen geleden" said a day it does not know (a review).
        "Laatste record": [
            fmt_record_date(d, month_only=k == "statbel")
            for d, k in zip(fresh["laatste_record"], fresh["kind"], strict=True)
        ],
        "Dagen geleden": [
            None if pd.isna(d) or k == "statbel" else (today - pd.Timestamp(d).date()).days
            for d, k in zip(fresh["laatste_record"], fresh["kind"], strict=True)
        ],
        "Bestanden": fresh["bestanden"],
        "Nieuwste bestand van": pd.to_datetime(fresh["nieuwste_bestand"]),
        # Short enough to read in its cell; the whole sentence is in the warning below.
        "Opmerking": [
            f"telt t.e.m. {fmt_date(stopped[d].last)}: nieuwere export nodig"
            if d in stopped
            else "per maand: Statbel geeft geen dag"
            if k == "statbel"
            else ""
            for d, k in zip(domains, fresh["kind"], strict=True)
        ],
    }
)
fresh_table["Dagen geleden"] = fresh_table["Dagen geleden"].astype("Int64")
if not fresh_table["Opmerking"].astype(bool).any():
    fresh_table = fresh_table.drop(columns="Opmerking")
layout.table(
    style_table(missing_as_text(fresh_table)),
    column_config={"Opmerking": st.column_config.TextColumn(width="large")},
)
if stopped:
    # The whole remark, one line per source as the table lists them: in the table's last
    # column it ended after a few words, off to the right.
    st.warning(
        "**Bronnen die vroeger stoppen**\n\n"
        + "\n".join(
            f"- **{name}**: {_stop_remark(d)}."
            for name, d in zip(fresh_table["Soort"], domains, strict=True)
            if d in stopped
        ),
        icon=":material/update:",
    )
st.caption(
    f"'Dagen geleden' telt tot vandaag ({today:%d/%m/%Y}). 'Nieuwste bestand van': wanneer "
    "het jongste bestand van die soort gemaakt, binnengebracht of opgeladen is; een oud "
    "bestand wijst op een export die niet meer aangevuld wordt."
    + (
        f" Een bron die vroeger stopt dan de jongste gegevens ({fmt_date(latest)}), met "
        "meer dagen zonder record dan toeval verklaart, telt na haar laatste record nergens "
        "mee: de pagina's tonen daar geen 0 en vergelijken er niet mee."
        if stopped
        else ""
    )
)

st.subheader("Records per bron en jaar")
per_year = data_quality.rows_per_source_and_year(version)
if per_year.empty:
    st.info("Nog geen records.")
else:
    per_year_table = data_quality.records_per_year_table(per_year)
    for col in ("Gegevens van", "tot en met"):
        per_year_table[col] = [
            fmt_record_date(d, month_only=source in MONTH_SOURCES)
            for source, d in zip(per_year_table["Bron"], per_year_table[col], strict=True)
        ]
    layout.table(style_table(missing_as_text(per_year_table)))
    st.caption(
        "'Gegevens van' en 'tot en met': de eerste en laatste dag met een record van die "
        "bron (Statbel geeft alleen de maand: eerste en laatste maand). Een jaar buiten die dagen toont –: de bron "
        "telt er niet, dat is geen 0. Het eerste en het laatste jaar van een bron tellen "
        "alleen de dagen binnen die grenzen: vergelijk ze niet met een volledig jaar."
    )

st.subheader("Records zonder (bruikbare) locatie")
located = data_quality.records_without_location(version)
if located.empty:
    st.info("Nog geen records.")
else:
    loc = located.pivot_table(
        index="bron", columns="status", values="aantal", aggfunc="sum", fill_value=0
    ).astype(int)
    # Usable statuses first (located, then in the zone but in no wijk), then the others.
    usable = [data_quality.LOCATION_STATUS[s] for s in data_quality.USABLE_LOCATION]
    loc = loc[[c for c in usable if c in loc] + [c for c in loc if c not in usable]]
    loc["Totaal"] = loc.sum(axis=1)
    # Records in the zone but in no wijk are located (hot-spot maps and reports count
    # them so); only those without a location or outside the zone are unusable.
    missing = loc.drop(columns=[*usable, "Totaal"], errors="ignore").sum(axis=1)
    loc["% zonder bruikbare locatie"] = (100.0 * missing / loc["Totaal"]).round(1)
    layout.table(style_table(loc.rename_axis("Bron").reset_index()))
    st.caption(
        "Records zonder locatie tellen mee in de tabellen maar staan niet op de kaart. Een "
        "wijktaak telt altijd bij de wijk die haar export noemt, ook zonder locatie of met een "
        "adres buiten de zone; de rest van deze uitleg gaat over de andere bronnen. "
        "Records buiten de zone (bijvoorbeeld net over de grens) staan als punt op de "
        "kaarten met punten, maar tellen bij geen enkele wijk mee. Records 'in de zone, "
        "buiten elke wijk' liggen in de zone maar in geen "
        "enkele wijkgrens (bijvoorbeeld in een gat tussen twee wijken): ze zijn "
        "gelokaliseerd en staan op de hotspotkaarten en in de rapporten, maar tellen bij "
        "geen enkele wijk mee. Zijn het er veel, controleer dan de wijkgrenzen."
    )

st.subheader("Adressen die de adressenlijst niet kan plaatsen")
unmatched, n_unmatched = data_quality.geocode_unmatched(version)
if not n_unmatched:
    st.success(
        "Elk record met een adres maar zonder bruikbare coördinaten werd in de adressenlijst "
        "gevonden."
        if any(files["kind"] == "addresses")
        else "Geen records met een adres zonder bruikbare coördinaten, of geen adressenlijst "
        "geladen (map addresses/)."
    )
else:
    per_kind = unmatched.groupby("kind").size() if n_unmatched <= len(unmatched) else None
    st.markdown(
        f"**{fmt_int(n_unmatched)}** records met een adres maar zonder bruikbare coördinaten "
        "staan niet op de kaart: de adressenlijst van de zone kan hun adres niet plaatsen"
        + (
            " (" + ", ".join(f"{KINDS.get(k, k)}: {fmt_int(n)}" for k, n in per_kind.items()) + ")."
            if per_kind is not None
            else "."
        )
    )
    shown_unmatched = unmatched.assign(kind=unmatched["kind"].map(lambda k: KINDS.get(k, k)))
    shown_unmatched.columns = [
        "Soort",
        "Sleutel",
        "Straat",
        "Huisnummer",
        "Postcode",
        "Gemeente (export)",
        "Waarom",
        "Bestand",
        "Rij",
    ]
    # A row number is no quantity: "1998", not "1.998".
    layout.table(
        style_table(missing_as_text(shown_unmatched), formats=ROW_NUMBER),
        # The reason is the column to read ("adres enkel in een andere gemeente ...").
        column_config={"Waarom": st.column_config.TextColumn(width="large")},
    )
    st.caption(
        "Waarom: een straat of huisnummer die de lijst niet kent, vul de adressenlijst aan "
        "(straat, huisnummer, postcode, X, Y) of verbeter het adres in de export; een adres "
        "met meer dan één plaats in de lijst, vul in de export de gemeente of postcode in; "
        "een adres enkel in een andere gemeente of postcode, controleer die in de export. "
        "Bouw daarna opnieuw: de records worden dan gelokaliseerd."
        + (
            f" Getoond: de eerste {fmt_int(len(unmatched))} van {fmt_int(n_unmatched)}."
            if n_unmatched > len(unmatched)
            else ""
        )
    )
    layout.csv_download(
        shown_unmatched, "wijkbeeld_onbekende_adressen.csv", key="data_csv_unmatched"
    )

st.subheader("Geweigerde rijen")
summary = data_quality.reject_summary(version)
unlisted = data_quality.unlisted_refusals(version)
if len(unlisted):
    # Features a boundary layer left out are no rows of a table: the build explains them
    # in the file's note, which is where the page points.
    n_features = int(unlisted["aantal"].sum())
    st.info(
        (
            "1 geweigerd kaartobject staat niet in de lijst hieronder; de reden staat bij "
            "zijn bestand"
            if n_features == 1
            else f"{fmt_int(n_features)} geweigerde kaartobjecten staan niet in de lijst "
            "hieronder; de reden staat bij hun bestand"
        )
        + " in 'Ingelezen bestanden' (kolom 'Opmerking'):\n\n"
        + "\n".join(
            f"- `{f}` ({KINDS.get(k, k)}): {fmt_int(n)} geweigerd. {note or ''}".rstrip()
            for k, f, n, note in unlisted[["kind", "source_file", "aantal", "note"]].itertuples(
                index=False
            )
        ),
        icon=":material/map:",
    )
if summary.empty:
    st.success("Geen enkele rij geweigerd." if unlisted.empty else "Geen andere rij geweigerd.")
else:
    left, middle, right = st.columns(3)
    kinds = left.multiselect(
        "Soort",
        sorted(summary["kind"].unique()),
        format_func=lambda k: KINDS.get(k, k),
        placeholder="Alle",
        key="data_soort",
    )
    fields = middle.multiselect(
        "Veld",
        sorted(summary["field"].dropna().unique()),
        placeholder="Alle",
        key="data_veld",
    )
    search = right.text_input("Zoek in reden, waarde of bestand", key="data_zoek").strip()
    loaded = data_quality.refused_but_loaded(version)
    missing_only = bool(loaded) and st.toggle(
        "Alleen rijen waarvan het record ontbreekt",
        key="data_ontbrekend",
        help=(
            "Een geweigerde rij waarvan het record toch in het warehouse staat (uit een andere "
            "export, of een latere rij van hetzelfde bestand) hoeft niet verbeterd te worden."
        ),
    )
    n = data_quality.reject_count(version, tuple(kinds), tuple(fields), search, missing_only)
    rows = data_quality.rejects(
        version, tuple(kinds), tuple(fields), search, limit=10_000, missing_only=missing_only
    )
    st.caption(
        f"{fmt_int(n)} geweigerde {'rij' if n == 1 else 'rijen'}"
        + (f"; de eerste {fmt_int(len(rows))} getoond en downloadbaar." if n > len(rows) else ".")
        + (
            f" Van {fmt_int(loaded)} {'geweigerde rij staat' if loaded == 1 else 'geweigerde rijen staat'}"
            " het record toch in het warehouse, uit een andere export of een latere rij van "
            "hetzelfde bestand (kolom 'Record opgenomen'): daar hoeft niets verbeterd te worden."
            if loaded and not missing_only
            else ""
        )
    )
    shown = rows.assign(kind=rows["kind"].map(KINDS).fillna(rows["kind"])).rename(
        columns={
            "kind": "Soort",
            "source_file": "Bestand",
            "source_row": "Rij",
            "field": "Veld",
            "value": "Waarde",
            "reason": "Reden",
            "record": "Record opgenomen",
            "record_from": "Opgenomen uit",
        }
    )
    layout.table(
        style_table(missing_as_text(shown), formats=ROW_NUMBER),
        column_config={"Reden": st.column_config.TextColumn(width="large")},
    )
    layout.csv_download(shown, "wijkbeeld_geweigerde_rijen.csv", key="data_csv_rejects")
    st.caption(
        "Verbeter een geweigerde rij in het bronsysteem en exporteer opnieuw; de ruwe "
        "exportbestanden worden nooit met de hand aangepast."
    )

# --- Bestand toevoegen: preview, confirm, background rebuild (dashboard/components/upload.py)
st.divider()
upload.upload_section(KINDS, data_quality.poi_types(version))
