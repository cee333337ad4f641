"""Data page, "Bestand toevoegen": preview, mapping, refusals, wrong kind, confirm and rebuild.

Each test runs the app on its own small zone (the ETL test fixtures): a raw folder, a
warehouse and a state folder in ``tmp_path``, so confirming an upload and rebuilding never
touches the session's demo warehouse.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from dash_helpers import run_app, wh

from dashboard.components import upload
from etl.audit import AuditLog
from etl.build import build_warehouse
from etl.upload import build_status

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
RAW_SMALL = FIXTURES / "raw_small"
ZONE_SMALL = FIXTURES / "zone_small.toml"

HEADER = "PV-nummer;Datum feit;Einddatum feit;Registratiedatum;Categorie;Straat;Huisnr;Postcode;Gemeente;X;Y"
NEW_PV = "LE.55.L7.099999/2024"
#: One good row (inside wijk W01 of the small zone) and one with a date in the future.
VALID_CSV = (
    f"{HEADER}\n"
    f"{NEW_PV};05/03/2024 22:15;;06/03/2024 08:00;Vandalisme;Kerkstraat;14;3020;Herent;171100;177050\n"
    "LE.55.L7.099998/2024;01/01/2099 10:00;;01/01/2099 11:00;Vandalisme;Kerkstraat;16;3020;Herent;171100;177050\n"
).encode()


@pytest.fixture
def small_zone(tmp_path, monkeypatch) -> dict[str, Path]:
    """Raw folder (copy of the fixtures), its warehouse and a state folder; env set for the app."""
    raw = tmp_path / "raw"
    shutil.copytree(RAW_SMALL, raw)
    warehouse = tmp_path / "wh.duckdb"
    build_warehouse(raw, warehouse, ZONE_SMALL, echo=lambda *_: None)
    state = tmp_path / "state"
    state.mkdir()
    for name, value in {
        "WIJKBEELD_RAW": raw,
        "WIJKBEELD_WAREHOUSE": warehouse,
        "WIJKBEELD_STATE": state,
        "WIJKBEELD_ZONE": ZONE_SMALL,
    }.items():
        monkeypatch.setenv(name, str(value))
    return {"raw": raw, "warehouse": warehouse, "state": state}


def _upload(at, name: str, data: bytes, kind: str = "incidents"):
    at.selectbox(key="upload_soort").set_value(kind).run()
    at.file_uploader(key="upload_bestand").set_value((name, data, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


#: The Data page's own warning about the loaded sources: the small zone's accidents stop
#: on 07/02/2024, its facts run to 01/03/2024 ("Actualiteit per bron").
STOPPED_SOURCES = "**Bronnen die vroeger stoppen**"


def _upload_warnings(at) -> list[str]:
    """The warnings of the upload section: every warning on the page but the one about the
    sources already loaded, which stands above it whatever is uploaded."""
    page = [w.value for w in at.warning if w.value.startswith(STOPPED_SOURCES)]
    assert len(page) == 1 and "Verkeersongevallen (ISLP)" in page[0], page
    return [w.value for w in at.warning if not w.value.startswith(STOPPED_SOURCES)]


def _table_with(at, column: str):
    return next(df.value for df in at.dataframe if column in df.value.columns)


def _wait(status_file: Path, timeout: float = 120) -> dict:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        status = build_status(status_file)
        if status["state"] in ("ok", "failed"):
            return status
        time.sleep(0.2)
    raise AssertionError(f"bouw niet klaar: {build_status(status_file)}")


def _count(warehouse: Path, sql: str, params=None) -> int:
    """One number from the warehouse file as it is on disk now.

    Asked in a separate process: in this one DuckDB may still hold the dashboard's
    connection to the replaced file (same path, old inode) and would answer from that.
    """
    script = (
        "import duckdb, json, sys\n"
        "con = duckdb.connect(sys.argv[1], read_only=True)\n"
        "print(con.execute(sys.argv[2], json.loads(sys.argv[3])).fetchone()[0])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(warehouse), sql, json.dumps(params or [])],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(out.stdout.strip())


def test_valid_file_shows_mapping_preview_and_refusals(small_zone):
    at = _upload(run_app("data"), "nieuwe_feiten.csv", VALID_CSV)
    assert [h.value for h in at.header] == ["Bestand toevoegen"]
    assert any("UTF-8" in m.value and "puntkomma" in m.value for m in at.markdown)
    shown = {m.label: m.value for m in at.metric}
    assert (shown["Rijen in het bestand"], shown["Aanvaard"], shown["Geweigerd"]) == ("2", "1", "1")

    mapping = _table_with(at, "Kolom in het bestand").set_index("Veld")
    assert mapping.at["PV-nummer", "Kolom in het bestand"] == "PV-nummer"
    assert mapping.at["PV-nummer", "Status"] == upload.FOUND
    # The file has no description or status column: optional, and said so.
    assert (mapping["Status"] == upload.OPTIONAL_MISSING).sum() >= 1
    assert not (mapping["Status"] == upload.MISSING).any()

    accepted = _table_with(at, "PV-nummer")
    assert accepted.columns[0] == "Rij"
    assert accepted["PV-nummer"].tolist() == [NEW_PV]
    assert accepted["Categorie"].tolist() == ["Vandalisme"]
    refused = _table_with(at, "Kolom")
    assert refused.iloc[0].to_dict() == {
        "Rij": 3,
        "Kolom": "Datum feit",
        "Waarde": "01/01/2099 10:00",
        "Reden": "Datum feit ligt in de toekomst",
    }
    assert not _upload_warnings(at) and not at.error
    assert at.button(key="upload_bevestig").disabled is False
    # Nothing is stored before confirming.
    assert not (small_zone["raw"] / "incidents" / "nieuwe_feiten.csv").exists()


def test_preview_says_whose_version_counts_for_a_number_already_loaded(small_zone):
    """An upload repeating numbers already in the warehouse: before confirming, the page
    says how many and whose version will count (the newest export's)."""
    first = (
        (RAW_SMALL / "incidents" / "islp_feiten_2024.csv")
        .read_bytes()
        .decode("cp1252")
        .splitlines()[1]
        .split(";")[0]
    )
    data = (
        f"{HEADER}\n"
        f"{first};02/01/2024 10:00;;02/01/2024 11:00;Vandalisme;Kerkstraat;14;3020;Herent;171100;177050\n"
    ).encode()
    at = _upload(run_app("data"), "correctie.csv", data)
    # A warning: the upload's version of that number will not count.
    infos = [w.value for w in at.warning]
    assert any(
        i.startswith("1 van de 1 nummer zit al in het warehouse.")
        and "blijft de versie uit een jongere export tellen: incidents/islp_feiten_2024_update.csv"
        in i
        for i in infos
    ), infos


def test_personal_columns_left_out_are_said_before_confirming(small_zone):
    data = (HEADER + ";Naam verdachte\n").encode() + VALID_CSV.split(b"\n", 1)[1].replace(
        b"\n", b";Jan Peeters\n"
    )
    at = _upload(run_app("data"), "feiten_met_namen.csv", data)
    assert [i.value for i in at.info] == [
        "Persoonsgegevens niet geladen: kolom 'Naam verdachte' weggelaten."
    ]
    assert "Jan Peeters" not in _table_with(at, "PV-nummer").to_string()


def test_missing_required_column_names_the_headers(small_zone):
    data = b"Datum feit;Categorie;Straat\n01/02/2024 10:00;Vandalisme;Kerkstraat\n"
    at = _upload(run_app("data"), "zonder_pv.csv", data)
    errors = " ".join(e.value for e in at.error)
    assert "verplichte kolom(men) ontbreken" in errors
    assert "Gevonden kolommen: Datum feit, Categorie, Straat" in errors
    assert "PV-nummer" in errors
    mapping = _table_with(at, "Kolom in het bestand").set_index("Veld")
    assert mapping.at["PV-nummer", "Status"] == upload.MISSING
    assert mapping.at["PV-nummer", "Kolom in het bestand"] == "–"
    assert mapping.at["Categorie", "Status"] == upload.FOUND
    assert at.button(key="upload_bevestig").disabled is True


def test_file_of_another_kind_is_flagged(small_zone):
    accidents = (RAW_SMALL / "accidents" / "islp_ongevallen_2024.csv").read_bytes()
    at = _upload(run_app("data"), "ongevallen.csv", accidents)
    warnings = _upload_warnings(at)
    assert any(w.startswith("Dit lijkt een ongevallenexport") for w in warnings), warnings
    assert any("accidents/" in w for w in warnings)
    assert [e.value for e in at.error] == [
        "Zo kan het bestand niet ingelezen worden: kies hierboven de juiste soort export."
    ]
    assert at.button(key="upload_bevestig").disabled is True
    # The same file as the right kind is fine (one number changed: the very same bytes are
    # already loaded, and an identical file offers no confirm).
    changed = accidents.replace(b"LE.55.L7.100001/2024", b"LE.55.L7.100091/2024")
    assert changed != accidents
    at = _upload(at, "ongevallen.csv", changed, kind="accidents")
    assert at.button(key="upload_bevestig").disabled is False
    # Its only warning: three accidents of early February beside facts up to 1 March, more
    # days without one than chance explains (the pages would count none after 7 February).
    assert _upload_warnings(at) == [
        "Met dit bestand lopen de ongevallen tot en met 07/02/2024, de andere exports tot "
        "01/03/2024: na 07/02/2024 tellen de ongevallen nergens mee (onbekend, geen 0). "
        "Laad ook de nieuwste export, als die er is."
    ]
    assert any("records van 05/02/2024 tot en met 07/02/2024" in m.value for m in at.markdown)


def test_confirm_stores_rebuilds_and_audits(small_zone):
    raw, warehouse, state = small_zone["raw"], small_zone["warehouse"], small_zone["state"]
    files_before = _count(warehouse, "SELECT count(*) FROM marts.load_files")
    at = _upload(run_app("data"), "nieuwe_feiten.csv", VALID_CSV)
    at.button(key="upload_bevestig").click().run()
    assert not at.exception, [e.value for e in at.exception]
    stored = raw / "incidents" / "nieuwe_feiten.csv"
    assert stored.read_bytes() == VALID_CSV
    assert any("Bewaard als `incidents/nieuwe_feiten.csv`" in s.value for s in at.success)

    status = _wait(state / "build_status.json")
    assert status["state"] == "ok", status
    assert (
        _count(warehouse, "SELECT count(*) FROM marts.incidents WHERE pv_number = ?", [NEW_PV]) == 1
    )
    assert _count(warehouse, "SELECT count(*) FROM marts.load_files") == files_before + 1

    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(s.value.startswith("Laatste bouw geslaagd") for s in at.success)
    shown = {m.label: m.value for m in at.metric}
    assert shown["Ingelezen bestanden"] == str(files_before + 1)
    rows = _table_with(at, "Tabel").set_index("Tabel")
    assert rows.at["Feiten (pv's)", "Rijen"] == _count(
        warehouse, "SELECT count(*) FROM marts.incidents"
    )

    audit = AuditLog(state / "audit.duckdb").read(event="wijziging")
    uploads = [json.loads(d) for d in audit["detail"] if '"wat": "upload"' in d]
    assert [(u["bestand"], u["soort"]) for u in uploads] == [
        ("incidents/nieuwe_feiten.csv", "incidents")
    ]
    assert AuditLog(state / "audit.duckdb").read(event="export").empty  # no download


def test_point_list_without_type_gets_the_chosen_type(small_zone):
    raw, warehouse, state = small_zone["raw"], small_zone["warehouse"], small_zone["state"]
    schools = b"Naam;X;Y\nDe Klimop;171100;177050\n"
    at = _upload(run_app("data"), "scholen.csv", schools, kind="poi")
    assert at.button(key="upload_bevestig").disabled is True  # no type yet
    assert [e.value for e in at.error] == [
        "Het bestand heeft geen kolom Type. Kies hierboven welk type punten het bevat "
        "(bijvoorbeeld School): elk punt krijgt dat type."
    ]
    choice = at.selectbox(key="upload_map")
    assert choice.label == "Type van de punten in dit bestand" and "School" in choice.options
    choice.set_value("School").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error
    assert [i.value for i in at.info] == [
        "Geen kolom Type: elk punt krijgt het type 'School' van de map."
    ]
    at.button(key="upload_bevestig").click().run()
    assert (raw / "poi" / "School" / "scholen.csv").read_bytes() == schools
    assert any("Bewaard als `poi/School/scholen.csv`" in s.value for s in at.success)
    audit = AuditLog(state / "audit.duckdb").read(event="wijziging")
    assert any('"bestand": "poi/School/scholen.csv"' in d for d in audit["detail"])
    status = _wait(state / "build_status.json")
    assert status["state"] == "ok", status
    assert (
        _count(
            warehouse,
            "SELECT count(*) FROM marts.poi WHERE name = 'De Klimop' AND poi_type = 'School'",
        )
        == 1
    )


def test_point_layer_is_previewed_and_stored_like_a_list(small_zone):
    """A GeoJSON of schools in WGS84: the preview says it is a map layer and its CRS (no
    encoding or separator), the accepted point lies where the geometry says in Lambert 72,
    and after confirming it is built into marts.poi in wijk W01."""
    from pyproj import Transformer

    raw, warehouse, state = small_zone["raw"], small_zone["warehouse"], small_zone["state"]
    lon, lat = Transformer.from_crs("EPSG:31370", "EPSG:4326", always_xy=True).transform(
        171100, 177050
    )
    layer = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"Naam": "De Klimop"},
                    "geometry": {"type": "Point", "coordinates": [lon, lat]},
                }
            ],
        }
    ).encode()
    at = _upload(run_app("data"), "scholen.geojson", layer, kind="poi")
    at.selectbox(key="upload_map").set_value("School").run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    recognised = next(m.value for m in at.markdown if m.value.startswith("Herkend"))
    assert recognised == (
        "Herkend — bestandstype: **GeoJSON-kaartlaag** · coördinatenstelsel: **EPSG:4326**"
    )
    accepted = _table_with(at, "Naam")
    assert accepted["Naam"].tolist() == ["De Klimop"]
    assert [round(v, 2) for v in accepted["geometrie (X)"]] == [171100.0]
    at.button(key="upload_bevestig").click().run()
    assert (raw / "poi" / "School" / "scholen.geojson").read_bytes() == layer
    status = _wait(state / "build_status.json")
    assert status["state"] == "ok", status
    sql = "SELECT count(*) FROM marts.poi WHERE name = 'De Klimop' AND wijk_code = 'W01'"
    assert _count(warehouse, sql) == 1


def test_shapefile_parts_are_chosen_together_and_stored_as_one_zip(small_zone, tmp_path):
    """Points of interest as a Shapefile from the municipality's GIS: its four files chosen
    together are previewed as one layer, stored as parken.zip and built into marts.poi. A
    .shp chosen alone says, in Dutch, which parts to add."""
    import geopandas as gpd
    import shapely

    raw, warehouse, state = small_zone["raw"], small_zone["warehouse"], small_zone["state"]
    (tmp_path / "gis").mkdir()
    gpd.GeoDataFrame(
        {"Type": ["Park"], "Naam": ["Park Kortenberg"]},
        geometry=[shapely.Point(171200, 177100)],
        crs="EPSG:31370",
    ).to_file(tmp_path / "gis" / "parken.shp")
    parts = [
        (p.name, p.read_bytes(), "application/octet-stream") for p in (tmp_path / "gis").iterdir()
    ]
    at = run_app("data")
    at.selectbox(key="upload_soort").set_value("poi").run()
    uploader = at.file_uploader(key="upload_bestand")
    assert uploader.accept_multiple_files and {".shp", ".shx", ".dbf", ".prj"} <= set(
        uploader.allowed_type
    )
    shp = next(p for p in parts if p[0].endswith(".shp"))
    uploader.set_value([shp]).run()
    assert not at.exception
    assert any("parken.shx en parken.dbf ontbreken" in e.value for e in at.error)
    without_dbf = [p for p in parts if not p[0].endswith(".dbf")]
    at.file_uploader(key="upload_bestand").set_value(without_dbf).run()
    assert not at.exception
    assert any("niet volledig: parken.dbf ontbreekt" in e.value for e in at.error)
    at.file_uploader(key="upload_bestand").set_value(parts).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("bewaard als **parken.zip**" in c.value for c in at.caption)
    recognised = next(m.value for m in at.markdown if m.value.startswith("Herkend"))
    assert "Shapefile-kaartlaag (gezipt)" in recognised
    assert _table_with(at, "Naam")["Naam"].tolist() == ["Park Kortenberg"]
    at.button(key="upload_bevestig").click().run()
    assert (raw / "poi" / "parken.zip").is_file()
    status = _wait(state / "build_status.json")
    assert status["state"] == "ok", status
    sql = "SELECT count(*) FROM marts.poi WHERE name = 'Park Kortenberg' AND wijk_code = 'W01'"
    assert _count(warehouse, sql) == 1


def test_failed_build_leaves_the_warehouse_unchanged(small_zone):
    raw, warehouse, state = small_zone["raw"], small_zone["warehouse"], small_zone["state"]
    # Another file in the raw folder breaks the build; the uploaded file itself is fine.
    (raw / "incidents" / "kapot.csv").write_bytes(b"%PDF-1.4 binary\x00")
    before = warehouse.read_bytes()
    at = _upload(run_app("data"), "nieuwe_feiten.csv", VALID_CSV)
    at.button(key="upload_bevestig").click().run()
    status = _wait(state / "build_status.json")
    assert status["state"] == "failed" and "geen tekstbestand" in status["message"]
    assert warehouse.read_bytes() == before

    at.run()
    errors = " ".join(e.value for e in at.error)
    assert "Laatste bouw mislukt" in errors and "geen tekstbestand" in errors
    assert "vorige warehouse blijft in gebruik" in errors
    assert any("laatste opbouw is mislukt" in w.value for w in at.warning)
    assert (
        _count(warehouse, "SELECT count(*) FROM marts.incidents WHERE pv_number = ?", [NEW_PV]) == 0
    )
    # The files not yet built are named, but a rebuild as it is would fail again: the
    # advice is to solve the failure first (it said "Bouw opnieuw op" beside it; an audit).
    [unbuilt] = [w.value for w in at.warning if "nog niet in het warehouse" in w.value]
    assert "Bouw opnieuw op (onderaan" not in unbuilt
    assert "De laatste opbouw is mislukt: los eerst op wat onderaan" in unbuilt

    # The named file has its own button; the chooser below offers the other exports.
    chooser = at.selectbox(key="upload_weg_bestand").options
    assert "incidents/kapot.csv" not in chooser and "districts/wijken.geojson" in chooser

    # The failure names the bad file: one click takes it out (kept in quarantine) and
    # rebuilds; the uploaded file then counts.
    at.button(key="upload_quarantaine_incidents/kapot.csv").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not (raw / "incidents" / "kapot.csv").exists()
    assert (raw / "_quarantaine" / "incidents" / "kapot.csv").read_bytes().startswith(b"%PDF")
    status = _wait(state / "build_status.json")
    assert status["state"] == "ok", status
    assert (
        _count(warehouse, "SELECT count(*) FROM marts.incidents WHERE pv_number = ?", [NEW_PV]) == 1
    )
    at.run()
    assert any(s.value.startswith("Laatste bouw geslaagd") for s in at.success)
    assert [b.key for b in at.button if b.key.startswith("upload_quarantaine_")] == []
    assert "upload_terug_incidents/kapot.csv" in [b.key for b in at.button]
    audit = AuditLog(state / "audit.duckdb").read(event="wijziging")
    assert any('"wat": "quarantaine"' in d and "kapot.csv" in d for d in audit["detail"])


def test_any_export_can_be_taken_out_and_put_back(small_zone):
    """A wrong upload or a replaced export (a corrected one, the wijken before a new
    division) could only be taken out of the build by hand in the raw folder: the Data page
    offered quarantine only for the file a failed build named."""
    raw, warehouse, state = small_zone["raw"], small_zone["warehouse"], small_zone["state"]
    update = "incidents/islp_feiten_2024_update.csv"
    from_update = "SELECT count(*) FROM marts.incidents WHERE source_file = ?"
    assert _count(warehouse, from_update, [update]) > 0
    at = run_app("data")
    assert not at.exception, [e.value for e in at.exception]
    chooser = at.selectbox(key="upload_weg_bestand")
    assert update in chooser.options and "districts/wijken.geojson" in chooser.options
    assert at.button(key="upload_weg").disabled  # nothing chosen yet
    chooser.set_value(update).run()
    at.button(key="upload_weg").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not (raw / update).exists()
    assert (raw / "_quarantaine" / update).is_file()
    status = _wait(state / "build_status.json")
    assert status["state"] == "ok", status
    assert _count(warehouse, from_update, [update]) == 0
    assert _count(warehouse, "SELECT count(*) FROM marts.incidents") > 0
    audit = AuditLog(state / "audit.duckdb").read(event="wijziging")
    assert any('"wat": "quarantaine"' in d and update in d for d in audit["detail"])

    at.run()
    assert update not in at.selectbox(key="upload_weg_bestand").options
    at.button(key=f"upload_terug_{update}").click().run()
    assert (raw / update).is_file()
    changes = AuditLog(state / "audit.duckdb").read(event="wijziging")["detail"]
    assert json.loads(changes.iloc[0]) == {
        "wat": "terugzetten", "bestand": update, "naar": Path(update).name
    }  # fmt: skip
    assert not changes.str.contains("heropbouw").any()  # a move's rebuild is part of the move
    assert _wait(state / "build_status.json")["state"] == "ok"
    assert _count(warehouse, from_update, [update]) > 0


def test_preview_shows_the_coordinates_read_from_a_point_column():
    from etl.upload import preview_upload

    data = (
        b"PV-nummer;Datum feit;Categorie;WKT\n"
        b"P1;05/03/2024 22:15;Vandalisme;POINT (171100 177050)\n"
    )
    preview = preview_upload("incidents", "feiten.csv", data, ZONE_SMALL)
    table = upload.accepted_table(preview)
    assert table[["WKT (X)", "WKT (Y)"]].values.tolist() == [[171100.0, 177050.0]]
    fields = upload.mapping_table(preview)
    assert fields.loc[fields["Kolom in het bestand"] == "WKT", "Veld"].tolist() == ["Coördinaten"]


def test_preview_shows_coordinates_to_a_decimetre():
    """Degrees keep six decimals in the preview (two are a kilometre), metres two."""
    from dashboard.components.format import missing_as_text, style_table
    from etl.upload import preview_upload

    data = (
        b"PV-nummer;Datum feit;Categorie;Coordinaten;X;Y\n"
        b"P1;05/03/2024 22:15;Vandalisme;50.879123, 4.655432;;\n"
        b"P2;05/03/2024 22:15;Vandalisme;;171100,5;177050,25\n"
    )
    preview = preview_upload("incidents", "feiten.csv", data, ZONE_SMALL)
    table = upload.accepted_table(preview)
    columns = upload.coordinate_columns(preview)
    assert {"X", "Y"} <= set(columns) and {"X", "Y"} <= set(table.columns)
    shown = style_table(
        table, decimals=2, formats=dict.fromkeys(columns, upload.fmt_coordinate)
    ).to_html()
    assert "171.100,50" in shown and "177.050,25" in shown
    assert "4,655432" in shown and "50,879123" in shown
    # A column with a gap is written out as text first (a dash for the gap): same decimals.
    formats = dict.fromkeys(columns, upload.fmt_coordinate)
    gaps = missing_as_text(table.assign(X=[4.655432, None]), formats)
    assert gaps["X"].tolist() == ["4,655432", "–"]
    assert "4,655432" in style_table(gaps, decimals=2, formats=formats).to_html()


def test_build_summary_lists_refusals_of_every_kind(small_zone):
    # After a Statbel file with one refused row: refusals are kept per input kind, and
    # Statbel (like the address list) has no mart of its name. All 21 must show.
    status = {
        "state": "ok",
        "started_at": "2026-12-01T16:35:42",
        "finished_at": "2026-12-01T16:35:43",
        "duration_s": 1.61,
        "message": "Warehouse gebouwd in 1.6 s.",
        "rows": {"accidents": 2745, "incidents": 10560, "tasks": 7502, "rejects": 21},
        "rejects": {"incidents": 20, "statbel": 1},
        "log": [],
    }
    (small_zone["state"] / "build_status.json").write_text(json.dumps(status), encoding="utf-8")
    at = run_app("data")
    assert any(s.value.startswith("Laatste bouw geslaagd") for s in at.success)
    refused = next(
        df.value for df in at.dataframe if list(df.value.columns) == ["Soort", "Geweigerd"]
    )
    assert dict(zip(refused["Soort"], refused["Geweigerd"], strict=True)) == {
        "Feiten (ISLP)": 20,
        "Ongevallen (Statbel)": 1,
    }
    assert any("Geweigerde rijen per soort export** (samen 21)" in m.value for m in at.markdown)
    rows = _table_with(at, "Tabel").set_index("Tabel")
    assert rows.at["Feiten (pv's)", "Rijen"] == 10560


def test_status_refusals_name_each_kind_in_dutch():
    status = {"rejects": {"addresses": 2, "statbel": 1, "incidents": 20, "nieuw": 3, "poi": 0}}
    table = upload.status_refusals(status, {"incidents": "Feiten (ISLP)", "addresses": "Adressen"})
    # In the order of the input kinds, unknown kinds after them; kinds without refusals out.
    assert table.to_dict("list") == {
        "Soort": ["Feiten (ISLP)", "statbel", "Adressen", "nieuw"],
        "Geweigerd": [20, 1, 2, 3],
    }
    assert upload.status_refusals({}).empty
    assert list(upload.status_rows({"rows": {"incidents": 5}}).columns) == ["Tabel", "Rijen"]


def test_rows_after_a_build_are_the_marts_a_person_counts_in_dutch():
    """'Rijen per tabel na de laatste bouw' listed 'absences, victims, ..., build_info' under
    their English names, the build's own tables among them."""
    status = {"rows": {"build_info": 1, "incidents": 5, "absences": 2, "hex_counts": 9}}
    assert upload.status_rows(status).to_dict("list") == {
        "Tabel": ["Feiten (pv's)", "Afwezigheden"],
        "Rijen": [5, 2],
    }


def test_preview_shows_fields_staged_under_another_name():
    """Every recognised column shows in the accepted rows, also those the build stages
    under another name: a task's Wijk (wijk_code_reported), Statbel's hour (DT_TIME) and
    municipality code (CD_NIS)."""
    from etl.upload import preview_upload

    tasks = (RAW_SMALL / "tasks" / "wijktaken_2024.csv").read_bytes()
    preview = preview_upload("tasks", "wijktaken.csv", tasks, ZONE_SMALL)
    assert preview.columns_found["wijk"] == "Wijk"
    table = upload.accepted_table(preview)
    assert set(preview.columns_found.values()) <= set(table.columns)
    assert table["Wijk"].iloc[:2].tolist() == ["W01", "W02"]

    from dashboard.components.format import style_table

    statbel = (
        b"DT_YEAR_COLLISION|DT_MONTH_COLLISION|DT_TIME|CD_NIS|TX_MUNTY_COLLISION_NL|"
        b"MS_X_COORD|MS_Y_COORD|TX_CLASS_ACCIDENTS_NL\n"
        b"2024|10|17|24038|Herent|171100,5|177050,25|Lichtgewond\n"
    )
    preview = preview_upload("statbel", "OPENDATA_MAP_2024.txt", statbel, ZONE_SMALL)
    assert {"time": "DT_TIME", "nis_code": "CD_NIS"}.items() <= preview.columns_found.items()
    table = upload.accepted_table(preview)
    assert set(preview.columns_found.values()) <= set(table.columns)
    row = table.iloc[0]
    assert (int(row["DT_TIME"]), str(row["CD_NIS"])) == (17, "24038")
    # The year is a label: "2024", not the thousands point of an amount ("2.024").
    shown = style_table(table, decimals=2, formats=upload.accepted_formats(preview)).to_html()
    assert ">2024<" in shown and "2.024" not in shown
    assert "171.100,50" in shown


def test_an_open_ended_absence_reads_until_further_notice_in_the_preview():
    """An absence list ending an absence on 31/12/9999 means "tot nader order" (the build
    reads it so: marts.absences.open_ended); the preview of its rows showed the date
    31/12/9999 itself, as if the list were wrong. A dated end stays a date."""
    from dashboard.components.format import missing_as_text, style_table
    from etl.upload import preview_upload

    data = (
        b"Wijkinspecteur;Van;Tot;Reden\n"
        b"INP Hans De Smet;01/10/2026;31/12/9999;Ziekte\n"
        b"INP Hans De Smet;03/08/2026;14/08/2026;Verlof\n"
    )
    preview = preview_upload("absences", "afwezigheden.csv", data, ZONE_SMALL)
    assert preview.ok and preview.n_accepted == 2
    table = upload.accepted_table(preview)
    assert table["Tot"].tolist() == ["tot nader order", "14/08/2026"]
    assert [str(v)[:10] for v in table["Van"]] == ["2026-10-01", "2026-08-03"]
    assert "open_ended" not in table.columns
    shown = style_table(missing_as_text(table), decimals=2).to_html()
    assert "tot nader order" in shown and "9999" not in shown
    # In the file's order ("Van, Tot, Reden"), not the build's ("Van, Reden, Tot").
    assert list(table.columns) == ["Rij", "Wijkinspecteur", "Van", "Tot", "Reden"]


def test_the_preview_lists_the_columns_in_the_files_order():
    """An export whose columns stand in another order than the build stages them: the
    accepted rows read as the file does, row number first, the build's own columns last;
    the coordinates read from a point column stand where that column stands."""
    from etl.upload import preview_upload

    data = (
        b"Categorie;WKT;Straat;Datum feit;PV-nummer;Huisnr\n"
        b"Vandalisme;POINT (171100 177050);Kerkstraat;05/03/2024 22:15;P1;3\n"
    )
    preview = preview_upload("incidents", "feiten.csv", data, ZONE_SMALL)
    table = upload.accepted_table(preview)
    mapped = [c for c in table.columns if c not in ("Rij", "Locatie via", "Datums onlogisch")]
    assert table.columns[0] == "Rij"
    assert mapped == ["Categorie", "WKT (X)", "WKT (Y)", "Straat", "Datum feit", "PV-nummer",
                      "Huisnr"]  # fmt: skip
    extras = [c for c in table.columns if c in ("Locatie via", "Datums onlogisch")]
    assert list(table.columns) == ["Rij", *mapped, *extras]


def _waiting_status():
    from dashboard.components.upload import render_build_status

    render_build_status(
        {"state": "running", "waiting_for": "4242", "started_at": "2026-12-02T15:00:00"}
    )
    render_build_status({"state": "running", "started_at": "2026-12-02T15:00:00"})


def test_a_build_waiting_for_another_says_so_in_dutch():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_waiting_status).run()
    assert not at.exception
    waiting, running = (i.value for i in at.info)
    assert "andere bouw van dit warehouse (proces 4242" in waiting
    assert "make build" in waiting and "huidige warehouse" in waiting
    assert "wordt opgebouwd" in running and "4242" not in running


def test_a_second_wijk_division_is_a_warning_and_a_corrected_layer_information(small_zone):
    """The boundary preview's note, as the page shows it: a new division that would count
    beside the loaded one in a warning box, a corrected layer replacing wijken in an
    information box."""
    from tests.etl.etl_helpers import wijken_geojson

    division = wijken_geojson(("N1", 170000, 176000, 173000, 178000))
    at = _upload(run_app("data"), "wijken_2027.geojson", division, kind="districts")
    warnings = _upload_warnings(at)
    assert any(
        w.startswith("De wijken van dit bestand overlappen met andere wijken") for w in warnings
    ), warnings
    assert not any("overlappen met andere wijken" in i.value for i in at.info)

    corrected = wijken_geojson(("W01", 170000, 176000, 171900, 178000))
    at = _upload(run_app("data"), "wijken_v2.geojson", corrected, kind="districts")
    assert not _upload_warnings(at)
    assert any(i.value.startswith("1 wijk(en) van dit bestand vervangen de grens") for i in at.info)


@pytest.mark.parametrize("after_the_warehouse", [False, True])
def test_a_failure_a_later_build_outdid_is_no_longer_the_last_build(
    small_zone, after_the_warehouse
):
    """The status file only hears of builds started from the dashboard. A failed one,
    then a build from the command line (make build): the Data page went on saying "De
    laatste opbouw is mislukt" above a warehouse built after it, and offered to put the
    failure's file in quarantine."""
    finished = "2099-01-01T10:00:01" if after_the_warehouse else "2020-01-01T10:00:01"
    status = {
        "state": "failed",
        "started_at": finished[:-1] + "0",
        "finished_at": finished,
        "message": "Bestand incidents/islp_feiten_2024.csv kan niet gelezen worden.",
        "log": [],
    }
    (small_zone["state"] / "build_status.json").write_text(json.dumps(status), encoding="utf-8")
    at = run_app("data")
    assert not at.exception, [e.value for e in at.exception]
    warned = any("laatste opbouw is mislukt" in w.value for w in at.warning)
    failed = any("Laatste bouw mislukt" in e.value for e in at.error)
    offered = any(b.key.startswith("upload_quarantaine_") for b in at.button)
    assert warned == failed == offered == after_the_warehouse
    if not after_the_warehouse:
        assert any(
            "Een bouw vanuit het dashboard mislukte op 01/01/2020" in c.value
            and "opnieuw opgebouwd" in c.value
            for c in at.caption
        )


def test_an_identical_file_offers_no_confirm(small_zone):
    """The preview said "staat er al, identiek", yet the button stayed: a confirm ran a full
    rebuild for nothing and wrote an upload line in the audit log."""
    same = (RAW_SMALL / "incidents" / "islp_feiten_2024.csv").read_bytes()
    at = _upload(run_app("data"), "kopie_feiten.csv", same)
    assert any("staat er al, identiek" in i.value for i in at.info)
    button = at.button(key="upload_bevestig")
    assert button.disabled is True
    assert "identiek" in (button.help or "")


def test_a_zip_or_map_layer_under_the_wrong_kind_gets_the_dutch_refusal(small_zone):
    """The chooser let only the kind's own extensions through: a zip under Feiten got
    Streamlit's English "application/zip files are not allowed", never Wijkbeeld's word."""
    at = run_app("data")
    at.selectbox(key="upload_soort").set_value("incidents").run()
    allowed = set(at.file_uploader(key="upload_bestand").allowed_type)
    assert {".zip", ".geojson", ".gpkg", ".shp", ".dbf", ".csv", ".xlsx"} <= allowed
    layer = (RAW_SMALL / "districts" / "wijken.geojson").read_bytes()
    at.file_uploader(key="upload_bestand").set_value(
        ("wijken.geojson", layer, "application/geo+json")
    ).run()
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert (
        "Het lijkt een kaartlaag: grenzen (wijken, deelgemeenten, gemeenten) horen in districts/"
        in errors
    )
    assert not any(m.value.startswith("Herkend") for m in at.markdown)


def test_an_export_added_after_the_build_began_is_named_until_built(small_zone):
    """An upload confirmed while another build ran was stored but not loaded, and the page
    said the last build succeeded: the exports the warehouse does not hold yet, put there
    after its build began, are named with the way to count them."""
    raw = small_zone["raw"]
    at = run_app("data")
    assert not any("nog niet in het" in w.value for w in at.warning)
    (raw / "incidents" / "laat.csv").write_bytes(VALID_CSV)
    at.run()
    [notice] = [w.value for w in at.warning if "nog niet in het" in w.value]
    assert notice.startswith(
        "1 export staat in de map met ruwe exports maar zit nog niet in het warehouse "
        "(incidents/laat.csv): toegevoegd na het begin van de opbouw van dit warehouse ("
    )
    # When that build began, the zone's clock: after a failed build "nadat de laatste bouw
    # begon" named the failed one (an audit).
    info = wh("SELECT built_at, duration_s FROM marts.build_info")
    began = pd.Timestamp(info.iat[0, 0]) - pd.Timedelta(seconds=float(info.iat[0, 1]))
    assert f"warehouse ({began:%d/%m/%Y %H:%M})." in notice


def test_a_failure_that_names_no_export_does_not_send_to_quarantine():
    from streamlit.testing.v1 import AppTest

    def failed_without_file():
        from dashboard.components.upload import render_build_status

        render_build_status(
            {"state": "failed", "started_at": "2024-03-01T10:00:00", "message": "Bouw onderbroken"}
        )

    at = AppTest.from_function(failed_without_file).run()
    assert not at.exception
    [error] = [e.value for e in at.error]
    assert "quarantaine" not in error and "De fout noemt geen export" in error
    assert "(–)" not in error  # the start time when the end is unknown
