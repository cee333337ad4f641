"""Upload backend: preview, store, background build with status."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import time
import zipfile
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from etl_helpers import RAW_SMALL, ZONE_SMALL, build_warehouse, mini_raw, query, wijken_geojson
from test_quirks import incident, incidents_csv

from etl.upload import (
    QUARANTINE,
    BuildBusyError,
    UploadError,
    build_status,
    bundle_upload,
    files_named_in,
    preview_upload,
    quarantine,
    quarantined,
    restore,
    start_background_build,
    store_upload,
)

INCIDENTS = (RAW_SMALL / "incidents" / "islp_feiten_2024.csv").read_bytes()


def test_preview_reports_encoding_mapping_rows_and_refusals():
    p = preview_upload("incidents", "islp_feiten_2024.csv", INCIDENTS, ZONE_SMALL, n=5)
    assert p.ok and p.error is None and p.warning is None
    assert (p.encoding, p.delimiter) == ("cp1252", ";")
    assert p.columns_found["pv_number"] == "PV-nummer" and p.columns_missing == []
    assert (p.n_rows, p.n_accepted, p.n_refused) == (9, 6, 3)
    assert len(p.accepted) == 5 and "Inbraak via achterdeur – café" in set(
        p.accepted["description"]
    )
    assert list(p.refused.columns) == ["row", "field", "value", "reason"]
    assert p.refused.iloc[0].to_dict() == {
        "row": 4,
        "field": "PV-nummer",
        "value": None,
        "reason": "PV-nummer ontbreekt",
    }


def test_preview_refuses_a_time_later_today_as_the_build_does(monkeypatch):
    """The preview judges "in de toekomst" by the build's rule (etl.build.create_build_params):
    at 14:00 a fact at 16:00 the same day is refused, one at 14:30 (the clock margin) is
    not. It compared days only, and would have accepted what the build then refused."""
    from etl import config

    monkeypatch.setattr(config, "zone_now", lambda zone=None: datetime(2026, 3, 1, 14, 0))
    rows = [incident("L1", "01/03/2026 16:00"), incident("OK1", "01/03/2026 14:30")]
    p = preview_upload("incidents", "feiten.csv", incidents_csv(rows).encode(), ZONE_SMALL)
    assert (p.n_rows, p.n_accepted, p.n_refused) == (2, 1, 1)
    assert p.refused.iloc[0].to_dict() == {
        "row": 2,
        "field": "Datum feit",
        "value": "01/03/2026 16:00",
        "reason": "Datum feit ligt in de toekomst",
    }


def test_preview_with_a_mistake_in_the_zones_mappings_says_so(tmp_path, monkeypatch):
    # The build would stop on it: the preview says why instead of a traceback.
    mappings = tmp_path / "mappings.toml"
    mappings.write_text('[incidents.fields]\npv_number = "Nummer dossier"\n', encoding="utf-8")
    monkeypatch.setenv("WIJKBEELD_MAPPINGS", str(mappings))
    p = preview_upload("incidents", "islp_feiten_2024.csv", INCIDENTS, ZONE_SMALL, n=5)
    assert not p.ok
    assert p.error.startswith(f"Kolomkoppeling van de zone {mappings} klopt niet: ")


def test_preview_finds_the_header_below_a_title():
    titled = "Overzicht feiten 2024;;\r\n\r\n".encode("cp1252") + INCIDENTS
    p = preview_upload("incidents", "feiten.csv", titled, ZONE_SMALL, n=5)
    assert p.ok and p.headers[0] == "PV-nummer" and p.columns_missing == []
    assert (p.n_rows, p.n_accepted, p.n_refused) == (9, 6, 3)
    assert p.refused.iloc[0]["row"] == 6  # row 4 of the file without its title, plus two


def test_preview_names_the_sheet_behind_a_cover_sheet():
    from test_quirks import workbook

    sheets = {
        "Voorblad": [["Overzicht feiten 2024"], ["Opgemaakt door de beleidscel"]],
        "Feiten": [
            ["PV-nummer", "Datum feit", "Categorie", "X", "Y"],
            ["PV-W1", "03/02/2024 14:30", "Woninginbraak", 171000.5, 177000],
        ],
    }
    p = preview_upload("incidents", "feiten.xlsx", workbook(sheets), ZONE_SMALL)
    assert p.ok and (p.n_rows, p.n_accepted) == (1, 1)
    assert p.note == "Tabel gelezen van werkblad 'Feiten' (niet het eerste blad)."
    plain = preview_upload("incidents", "islp_feiten_2024.csv", INCIDENTS, ZONE_SMALL)
    assert plain.note is None


def test_preview_says_which_records_were_joined():
    rows = [incident("P1"), incident("P2", cat="Diefstal uit\nwagen")]
    p = preview_upload("incidents", "feiten.csv", incidents_csv(rows).encode(), ZONE_SMALL)
    assert p.ok and (p.n_rows, p.n_accepted, p.n_refused) == (2, 2, 0)
    assert "Diefstal uit wagen" in set(p.accepted["category"])
    assert p.note == (
        "1 record liep over meer dan één regel (een regeleinde in een veld zonder "
        "aanhalingstekens) en is samengevoegd: rij 3."
    )


def test_preview_of_a_workbook_with_a_table_per_sheet_names_the_sheets():
    from test_quirks import workbook

    header = ["PV-nummer", "Datum feit", "Categorie", "X", "Y"]
    sheets = {
        "Jan": [header, ["J1", "03/01/2024 14:30", "Vandalisme", 171000.5, 177000]],
        "Feb": [
            header,
            ["F1", "03/02/2024 14:30", "Vandalisme", 171000.5, 177000],
            ["F2", "geen datum", "Vandalisme", 171000.5, 177000],
        ],
    }
    p = preview_upload("incidents", "feiten.xlsx", workbook(sheets), ZONE_SMALL)
    assert p.ok and (p.n_rows, p.n_accepted, p.n_refused) == (3, 2, 1)
    assert p.sheets == ["Jan", "Feb"]
    assert p.note == (
        "Werkmap met 2 tabellen, elk blad als een eigen export gelezen: werkbladen 'Jan', 'Feb'."
    )
    assert p.accepted[["sheet", "pv_number"]].values.tolist() == [["Jan", "J1"], ["Feb", "F1"]]
    assert p.refused[["sheet", "row", "field"]].values.tolist() == [["Feb", 3, "Datum feit"]]


def test_preview_of_sheets_that_name_their_columns_apart():
    """Two monthly sheets, the second from another report: 'Begindatum' for the date and a
    street column the first lacks. A refused row names its own sheet's header, and the
    column table shows each sheet's header and a field found in one sheet of two."""
    from test_quirks import workbook

    from dashboard.components.upload import FOUND, mapping_table

    sheets = {
        "Jan": [
            ["PV-nummer", "Datum feit", "Categorie", "X", "Y"],
            ["J1", "03/01/2024 14:30", "Vandalisme", 171000.5, 177000],
        ],
        "Feb": [
            ["PV-nummer", "Begindatum", "Categorie", "Straat", "X", "Y"],
            ["F1", "03/02/2024 14:30", "Vandalisme", "Kerkstraat", 171000.5, 177000],
            ["F2", "geen datum", "Vandalisme", "Kerkstraat", 171000.5, 177000],
        ],
    }
    p = preview_upload("incidents", "feiten.xlsx", workbook(sheets), ZONE_SMALL)
    assert p.ok and (p.n_rows, p.n_accepted, p.n_refused) == (3, 2, 1)
    assert p.refused[["sheet", "row", "field"]].values.tolist() == [["Feb", 3, "Begindatum"]]
    assert p.sheet_columns["Feb"]["occurred_from"] == "Begindatum"
    table = mapping_table(p).set_index("Veld")
    assert list(table.columns) == ["Kolom in blad 'Jan'", "Kolom in blad 'Feb'", "Status"]
    assert table.loc["Datum feit"].tolist() == ["Datum feit", "Begindatum", FOUND]
    assert table.loc["Straat"].tolist() == ["–", "Straat", "gevonden in 1 van 2 bladen"]
    # Sheets that name their columns alike keep the one column of a plain file.
    same = {"Jan": sheets["Jan"], "Feb": [sheets["Jan"][0], sheets["Jan"][1]]}
    alike = preview_upload("incidents", "feiten.xlsx", workbook(same), ZONE_SMALL)
    assert "Kolom in het bestand" in mapping_table(alike).columns


def test_preview_warns_about_another_kind_and_missing_columns():
    accidents = (RAW_SMALL / "accidents" / "islp_ongevallen_2024.csv").read_bytes()
    p = preview_upload("incidents", "ongevallen.csv", accidents, ZONE_SMALL)
    assert not p.ok
    assert p.warning.startswith("Dit lijkt een ongevallenexport")
    assert "pv_number" in p.columns_missing
    assert "accidents/" in p.error


def test_a_file_offered_as_the_wrong_sort_of_file_names_where_it_belongs():
    """A boundary layer offered as incidents, or a table offered as boundaries, was refused
    for its extension only ("verwacht: .geojson, …"): the analyst had to guess which kind
    the file is. The refusal now says: a map layer's places, a table's kind by its headers."""
    layer = (RAW_SMALL / "districts" / "wijken.geojson").read_bytes()
    error = preview_upload("incidents", "wijken.geojson", layer, ZONE_SMALL).error
    assert error == (
        "Bestand 'wijken.geojson' heeft een extensie die niet past bij incidents/; verwacht: "
        ".csv, .txt, .tsv, .xlsx, .xls, .ods. Het lijkt een kaartlaag: grenzen (wijken, "
        "deelgemeenten, gemeenten) horen in districts/, punten (scholen, cafés …) in poi/."
    )
    error = preview_upload("nuisance", "OPENDATA_MAP_2023.zip", b"PK", ZONE_SMALL).error
    assert error.endswith(
        "Een zip-bestand is een Statbel-ongevallenbestand (statbel/) of een gezipte "
        "Shapefile (districts/ of poi/); pak een andere zip eerst uit."
    )
    error = preview_upload("districts", "feiten.csv", INCIDENTS, ZONE_SMALL).error
    assert error == (
        "Bestand 'feiten.csv' heeft een extensie die niet past bij districts/; verwacht: "
        ".geojson, .json, .gpkg, .shp, .zip. De tabel lijkt een incidentenexport "
        "(feiten/PV's): kies die soort (incidents/)."
    )
    xlsx = (RAW_SMALL / "controls" / "verkeerscontroles_2024.xlsx").read_bytes()
    error = preview_upload("districts", "controles.xlsx", xlsx, ZONE_SMALL).error
    assert error.endswith(
        "De tabel lijkt een lijst met verkeerscontroles: kies die soort (controls/)."
    )
    # A table of no known kind, or no table at all: the extension is all that is said.
    for name, data in (("a.csv", b"a;b\n1;2\n"), ("a.xlsx", b"garbage"), ("a.csv", b"")):
        error = preview_upload("districts", name, data, ZONE_SMALL).error
        assert error.endswith("verwacht: .geojson, .json, .gpkg, .shp, .zip."), error


def test_preview_of_unreadable_and_excel_and_zip_files():
    assert "leeg" in preview_upload("incidents", "a.csv", b"", ZONE_SMALL).error
    assert (
        "geen tekstbestand"
        in preview_upload("incidents", "a.csv", b"\x00\x01\x02", ZONE_SMALL).error
    )
    xlsx = (RAW_SMALL / "controls" / "verkeerscontroles_2024.xlsx").read_bytes()
    p = preview_upload("controls", "c.xlsx", xlsx, ZONE_SMALL)
    assert p.ok and p.encoding == "xlsx" and p.n_rows >= 1
    workbooks = RAW_SMALL.parent / "workbooks"
    p = preview_upload(
        "incidents", "oud.xls", (workbooks / "feiten_oud.xls").read_bytes(), ZONE_SMALL
    )
    assert p.ok and p.encoding == "xls" and (p.n_rows, p.n_accepted) == (3, 2)
    ods = (workbooks / "overlast_gemeente.ods").read_bytes()
    p = preview_upload("nuisance", "register.ods", ods, ZONE_SMALL)
    assert p.ok and p.encoding == "ods" and p.headers[0] == "Meldingsnummer"
    assert p.note == "Tabel gelezen van werkblad 'Meldingen' (niet het eerste blad)."
    z = (RAW_SMALL / "statbel" / "OPENDATA_MAP_2023.zip").read_bytes()
    p = preview_upload("statbel", "OPENDATA_MAP_2023.zip", z, ZONE_SMALL)
    assert p.ok and p.delimiter == "|"


def _shapefile_parts(tmp_path: Path) -> list[tuple[str, bytes]]:
    import geopandas as gpd

    frame = gpd.read_file(RAW_SMALL / "districts" / "wijken.geojson")
    frame = frame.set_crs(31370, allow_override=True) if frame.crs is None else frame
    frame.to_file(tmp_path / "wijken.shp")
    return [(p.name, p.read_bytes()) for p in sorted(tmp_path.iterdir())]


def test_parts_of_a_shapefile_chosen_together_are_one_zipped_upload(tmp_path):
    """The .shp, .shx, .dbf, .prj and .cpg a GIS writes, chosen together in the uploader:
    one zip named after them, always the same bytes, previewed like any boundary layer."""
    import zipfile

    parts = _shapefile_parts(tmp_path)
    assert sorted(n.rsplit(".", 1)[1] for n, _ in parts) == ["cpg", "dbf", "prj", "shp", "shx"]
    name, data = bundle_upload("districts", parts)
    assert name == "wijken.zip"
    assert bundle_upload("districts", list(reversed(parts))) == (name, data)
    # The .shp chosen first, then all parts again: the same upload.
    assert bundle_upload("districts", [parts[-2], *parts]) == (name, data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert {i.filename: i.file_size for i in archive.infolist()} == {
            n: len(b) for n, b in parts
        }
    p = preview_upload("districts", name, data, ZONE_SMALL)
    assert p.ok, p.error
    assert p.encoding == "zip" and p.crs == "EPSG:31370"
    assert set(p.accepted["code"]) == {"W01", "W02"}
    # A single file is the upload as it is.
    assert bundle_upload("incidents", [("a.csv", b"x")]) == ("a.csv", b"x")


def test_files_that_are_not_one_shapefile_are_refused_together(tmp_path):
    parts = _shapefile_parts(tmp_path)
    with pytest.raises(UploadError, match="Kies één bestand per keer"):
        bundle_upload("incidents", [("a.csv", b"x"), ("b.csv", b"y")])
    with pytest.raises(UploadError, match="Kies één bestand per keer"):
        bundle_upload("districts", [*parts, ("wijken.csv", b"x")])
    with pytest.raises(UploadError, match="niet de delen van één Shapefile"):
        bundle_upload("districts", [*parts, ("buurten.shx", b"x")])
    with pytest.raises(UploadError, match="niet de delen van één Shapefile"):
        bundle_upload("districts", [p for p in parts if not p[0].endswith(".shp")])
    with pytest.raises(UploadError, match="Verschillende bestanden met dezelfde naam"):
        bundle_upload("districts", [*parts, ("wijken.prj", b"anders")])
    with pytest.raises(UploadError, match="wijken.dbf is een deel van een Shapefile"):
        bundle_upload("districts", [p for p in parts if p[0].endswith(".dbf")])
    with pytest.raises(UploadError, match="Geen bestand"):
        bundle_upload("districts", [])


def test_shapefile_alone_or_without_its_table_is_refused_in_dutch(tmp_path):
    """The .shp alone cannot be read: the preview names the parts to add. Chosen without
    its .dbf, the parts are refused naming it (the preview of their zip said it was missing
    "in het zip-archief", a zip the analyst never made); a zip without it still says so."""
    parts = dict(_shapefile_parts(tmp_path))
    p = preview_upload("districts", "wijken.shp", parts["wijken.shp"], ZONE_SMALL)
    assert not p.ok
    assert "wijken.shx en wijken.dbf ontbreken" in p.error and "SHAPE_RESTORE" not in p.error
    with pytest.raises(UploadError) as refused:
        bundle_upload("districts", [(n, b) for n, b in parts.items() if not n.endswith(".dbf")])
    assert str(refused.value) == (
        "De gekozen delen van Shapefile wijken.shp (wijken.cpg, wijken.prj, wijken.shp, "
        "wijken.shx) zijn niet volledig: wijken.dbf ontbreekt. Kies de .shp-, .shx-, .dbf- "
        "en .prj-bestanden van dezelfde naam samen."
    )
    with pytest.raises(UploadError, match="wijken.shx en wijken.dbf ontbreken"):
        bundle_upload(
            "districts", [(n, b) for n, b in parts.items() if n.endswith((".shp", ".prj"))]
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for n, b in parts.items():
            if not n.endswith(".dbf"):
                archive.writestr(n, b)
    p = preview_upload("districts", "wijken.zip", buffer.getvalue(), ZONE_SMALL)
    assert not p.ok and "wijken.dbf ontbreekt in het zip-archief" in p.error


def test_preview_of_boundaries():
    data = (RAW_SMALL / "districts" / "wijken.geojson").read_bytes()
    p = preview_upload("districts", "wijken.geojson", data, ZONE_SMALL)
    assert p.ok and p.crs == "EPSG:31370" and set(p.accepted["code"]) == {"W01", "W02"}


@pytest.mark.parametrize(
    "name",
    ["../x.csv", "a/b.csv", "..\\x.csv", ".hidden.csv", "~$lock.csv", "x.exe", "", "a\x00.csv"],
)
def test_store_refuses_path_tricks(tmp_path, name):
    with pytest.raises(UploadError):
        store_upload("incidents", name, b"abc", tmp_path)
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


def test_store_never_overwrites_and_reuses_identical(tmp_path):
    a = store_upload("incidents", "export.csv", b"one", tmp_path)
    assert a == tmp_path / "incidents" / "export.csv"
    assert store_upload("incidents", "export.csv", b"one", tmp_path) == a  # identical: reused
    b = store_upload("incidents", "export.csv", b"two", tmp_path)
    assert b.name == "export_2.csv" and a.read_bytes() == b"one" and b.read_bytes() == b"two"
    with pytest.raises(UploadError, match="te groot"):
        store_upload("incidents", "big.csv", b"x" * 11, tmp_path, max_bytes=10)
    with pytest.raises(UploadError, match="Onbekende soort"):
        store_upload("nope", "a.csv", b"x", tmp_path)
    assert sorted(p.name for p in (tmp_path / "incidents").iterdir()) == [
        "export.csv",
        "export_2.csv",
    ]


def test_point_list_without_type_is_previewed_and_stored_in_its_type_folder(tmp_path):
    schools = "Naam;X;Y\nSint-Rémi;171000,5;177000\n".encode()
    bare = preview_upload("poi", "scholen.csv", schools, ZONE_SMALL)
    assert not bare.ok and bare.columns_missing == ["poi_type"] and "poi/<type>/" in bare.error
    p = preview_upload("poi", "scholen.csv", schools, ZONE_SMALL, folder="School")
    assert p.ok and p.n_accepted == 1 and list(p.accepted["poi_type"]) == ["School"]
    assert p.note == "Geen kolom Type: elk punt krijgt het type 'School' van de map."
    stored = store_upload("poi", "scholen.csv", schools, tmp_path, folder="School")
    assert stored == tmp_path / "poi" / "School" / "scholen.csv"


@pytest.mark.parametrize("folder", ["..", "../x", "a/b", "_quarantaine", ".verborgen", "a\\b"])
def test_type_folder_refuses_path_tricks(tmp_path, folder):
    with pytest.raises(UploadError):
        store_upload("poi", "scholen.csv", b"Naam;X;Y\n", tmp_path, folder=folder)
    assert not any(p.is_file() for p in tmp_path.rglob("*"))
    with pytest.raises(UploadError, match="geen submap"):
        store_upload("incidents", "a.csv", b"x", tmp_path, folder="School")
    assert not preview_upload("poi", "a.csv", b"Naam;X;Y\n", folder=folder).ok


def _wait(status_file: Path, timeout: float = 120) -> dict:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        s = build_status(status_file)
        if s["state"] in ("ok", "failed"):
            return s
        time.sleep(0.2)
    raise AssertionError(f"bouw niet klaar: {build_status(status_file)}")


def test_background_build_ok_then_failed_keeps_warehouse(tmp_path):
    raw = mini_raw(tmp_path, {"incidents/a.csv": incidents_csv([incident("P1")])})
    wh = tmp_path / "wh.duckdb"
    status = tmp_path / "state" / "build.json"
    assert build_status(status)["state"] == "idle"
    start_background_build(raw, wh, status, ZONE_SMALL)
    with pytest.raises(BuildBusyError):
        start_background_build(raw, wh, status, ZONE_SMALL)
    done = _wait(status)
    assert done["state"] == "ok", done
    assert done["rows"]["incidents"] == 1 and done["duration_s"] > 0 and "cpu_s" in done
    assert query(wh, "SELECT count(*) FROM marts.incidents") == [(1,)]
    before = wh.read_bytes()

    store_upload("incidents", "kapot.csv", b"%PDF-1.4 binary\x00", raw)
    start_background_build(raw, wh, status, ZONE_SMALL)
    failed = _wait(status)
    assert failed["state"] == "failed" and "geen tekstbestand" in failed["message"]
    assert wh.read_bytes() == before
    assert json.loads(status.read_text(encoding="utf-8"))["state"] == "failed"


def test_a_build_that_fails_before_its_starter_wrote_running_keeps_its_outcome(
    tmp_path, monkeypatch
):
    """The starter writes "running" after starting the build process; a build that
    fails before that (here: a starter slowed down) must not have its outcome
    overwritten by it and then be reported as interrupted."""
    import etl.upload as upload

    write = upload._write_status

    def slow_write(status_file, payload):
        if payload.get("state") == "running" and payload.get("pid") != os.getpid():
            time.sleep(4)  # the child fails in about one second
        write(status_file, payload)

    monkeypatch.setattr(upload, "_write_status", slow_write)
    status = tmp_path / "state" / "build.json"
    missing = tmp_path / "geen_map"
    start_background_build(missing, tmp_path / "wh.duckdb", status, ZONE_SMALL)
    done = _wait(status)
    assert done["state"] == "failed", done
    assert "Map met exports niet gevonden" in done["message"] and "geen_map" in done["message"]


def test_status_of_a_dead_build_is_failed(tmp_path):
    status = tmp_path / "build.json"
    status.write_text(json.dumps({"state": "running", "pid": 2**22 + 12345}), encoding="utf-8")
    assert build_status(status)["state"] == "failed"


def test_quarantine_takes_the_named_file_out_and_restore_puts_it_back(tmp_path):
    raw = mini_raw(tmp_path, {"incidents/a.csv": incidents_csv([incident("P1")])})
    wh = tmp_path / "wh.duckdb"
    status = tmp_path / "state" / "build.json"
    bad = store_upload("incidents", "kapot.csv", b"%PDF-1.4 binary\x00", raw)
    (raw / "incidents" / "kapot.csv.bak").write_bytes(b"x")  # a similar name is not named
    start_background_build(raw, wh, status, ZONE_SMALL)
    failed = _wait(status)
    assert failed["state"] == "failed" and not wh.exists()
    assert files_named_in(failed["message"], raw) == ["incidents/kapot.csv"]
    # Stamped in the zone's local time, like the warehouse's built_at (not the server's UTC).
    local = datetime.now(ZoneInfo("Europe/Brussels")).replace(tzinfo=None)
    assert abs(datetime.fromisoformat(failed["finished_at"]) - local) < timedelta(minutes=5)

    moved = quarantine(raw, "incidents/kapot.csv")
    assert moved == raw / QUARANTINE / "incidents" / "kapot.csv" and not bad.exists()
    assert moved.read_bytes() == b"%PDF-1.4 binary\x00"
    assert quarantined(raw) == ["incidents/kapot.csv"]
    start_background_build(raw, wh, status, ZONE_SMALL)
    assert _wait(status)["state"] == "ok"
    assert query(wh, "SELECT count(*) FROM marts.load_files WHERE kind = 'incidents'") == [(1,)]

    # Back among the exports, without overwriting a file that took its name meanwhile.
    store_upload("incidents", "kapot.csv", b"PV-nummer;Datum feit\n", raw)
    back = restore(raw, "incidents/kapot.csv")
    assert back == raw / "incidents" / "kapot_2.csv" and quarantined(raw) == []
    assert (raw / "incidents" / "kapot.csv").read_bytes() == b"PV-nummer;Datum feit\n"


def test_a_quarantined_shapefile_takes_its_parts_along_and_brings_them_back(tmp_path):
    """A Shapefile copied by hand into districts/ is quarantined with its .shx, .dbf, .prj
    (any case) under the same new name, and restored with them; other files stay."""
    raw = tmp_path / "raw"
    folder = raw / "districts"
    folder.mkdir(parents=True)
    for name in ("wijken.shp", "wijken.shx", "WIJKEN.DBF", "wijken.prj", "wijken.shp.xml"):
        (folder / name).write_bytes(name.encode())
    (folder / "wijken_oud.dbf").write_bytes(b"other layer")  # another name: stays
    (folder / "grenzen.geojson").write_bytes(b"{}")
    # A part's name already taken in quarantine: the whole set moves under the next name.
    (raw / QUARANTINE / "districts").mkdir(parents=True)
    (raw / QUARANTINE / "districts" / "wijken.dbf").write_bytes(b"earlier")

    moved = quarantine(raw, "districts/wijken.shp")
    assert moved == raw / QUARANTINE / "districts" / "wijken_2.shp"
    assert sorted(p.name for p in folder.iterdir()) == ["grenzen.geojson", "wijken_oud.dbf"]
    kept = raw / QUARANTINE / "districts"
    assert (kept / "wijken_2.shx").read_bytes() == b"wijken.shx"
    assert (kept / "wijken_2.DBF").read_bytes() == b"WIJKEN.DBF"
    assert (kept / "wijken_2.prj").read_bytes() == b"wijken.prj"
    assert (kept / "wijken_2.shp.xml").read_bytes() == b"wijken.shp.xml"
    assert (kept / "wijken.dbf").read_bytes() == b"earlier"
    # The list names the layer once (and the stray .dbf that was there before).
    assert quarantined(raw) == ["districts/wijken.dbf", "districts/wijken_2.shp"]

    back = restore(raw, "districts/wijken_2.shp")
    assert back == folder / "wijken_2.shp"
    assert sorted(p.name for p in folder.iterdir()) == [
        "grenzen.geojson",
        "wijken_2.DBF",
        "wijken_2.prj",
        "wijken_2.shp",
        "wijken_2.shp.xml",
        "wijken_2.shx",
        "wijken_oud.dbf",
    ]
    assert quarantined(raw) == ["districts/wijken.dbf"]


@pytest.mark.parametrize(
    "name",
    ["../a.csv", "incidents/../../a.csv", "onbekend/a.csv", "incidents/.verborgen", "incidents"],
)
def test_quarantine_refuses_path_tricks(tmp_path, name):
    raw = mini_raw(tmp_path, {"incidents/a.csv": "x"})
    with pytest.raises(UploadError):
        quarantine(raw, name)
    assert (raw / "incidents" / "a.csv").exists()


def test_preview_says_whose_version_counts_for_numbers_already_loaded(tmp_path):
    """Across exports the newest one wins (latest record date, then file name): a
    re-export of January with a corrected category, uploaded after the quarter, lost to
    the quarter without a word. The preview now says, before the file is stored, how many
    of its numbers the warehouse holds and whose version will count."""
    from etl_helpers import build

    quarter = incidents_csv(
        [
            incident("PV01", "10/01/2024 10:00", cat="Diefstal"),
            incident("PV02", "12/01/2024 10:00"),
            incident("PV03", "20/03/2024 10:00"),
        ]
    )
    raw = mini_raw(tmp_path, {"incidents/export_2024_Q1.csv": quarter})
    wh = tmp_path / "wh.duckdb"
    build(raw, wh)
    january = incidents_csv(
        [
            incident("PV01", "10/01/2024 10:00", cat="Fietsdiefstal"),
            incident("PV02", "12/01/2024 10:00"),
            incident("PV09", "15/01/2024 10:00"),
        ]
    ).encode()
    p = preview_upload("incidents", "herexport_januari.csv", january, ZONE_SMALL, warehouse=wh)
    assert p.ok
    assert p.overlap == (
        "2 van de 3 nummers zitten al in het warehouse. Bij een nummer in twee exports telt "
        "de versie uit de jongste export (de jongste datum van een feit of registratie, "
        "daarna de bestandsnaam). Deze upload heeft als laatste feit of registratie "
        "15/01/2024: voor 2 nummers blijft de versie uit een jongere export tellen: "
        "incidents/export_2024_Q1.csv, laatste feit of registratie 20/03/2024 "
        "(2 nummers). Een correctie telt enkel in een export die de jongste is: exporteer "
        "de hele periode opnieuw."
    )
    # The build does what the preview said: the quarter's version counts.
    (raw / "incidents" / "herexport_januari.csv").write_bytes(january)
    build(raw, wh)
    assert query(wh, "SELECT category FROM marts.incidents WHERE pv_number = 'PV01'") == [
        ("Diefstal",)
    ]
    # A newer export: its versions count, and the preview says so.
    april = incidents_csv([incident("PV03", "02/04/2024 10:00")]).encode()
    p = preview_upload("incidents", "april.csv", april, ZONE_SMALL, warehouse=wh)
    assert p.overlap == (
        "1 van de 1 nummer zit al in het warehouse. Deze upload is de jongste export "
        "(laatste feit of registratie 02/04/2024): haar versie telt voor dat nummer."
    )
    # Numbers the warehouse does not hold, or no warehouse: nothing to say.
    fresh = incidents_csv([incident("PV77")]).encode()
    assert preview_upload("incidents", "n.csv", fresh, ZONE_SMALL, warehouse=wh).overlap is None
    assert preview_upload("incidents", "n.csv", january, ZONE_SMALL).overlap is None


# -- uploads found wrong by a review (session 24) ----------------------------------------


def test_the_newest_upload_wins_also_from_its_tenth_version(tmp_path):
    """Ten versions of one file with the same dates: stored as correctie.csv ...
    correctie_10.csv, and the name decided, as text: correctie_10 before correctie_9, so
    the ninth version counted. Names now compare with their numbers as numbers."""
    raw = tmp_path / "raw"
    for v in range(1, 11):
        row = incident("PV99", street=f"Versiestraat {v}")
        store_upload("incidents", "correctie.csv", incidents_csv([row]).encode(), raw)
    wh = tmp_path / "wh.duckdb"
    build_warehouse(raw, wh, ZONE_SMALL, echo=lambda s: None)
    assert query(
        wh, "SELECT source_file, street FROM marts.incidents WHERE pv_number = 'PV99'"
    ) == [("incidents/correctie_10.csv", "Versiestraat 10")]


def test_the_same_export_under_another_name_is_stored_and_read_once(tmp_path):
    """A copy of an export under another name ("feiten (1).csv") was stored beside it and
    read again: its records counted once, its refused rows twice. An upload identical to a
    file already there reuses that file and the preview says so; a copy put in the folder
    by hand is read once, and the build warnings name it."""
    raw = mini_raw(tmp_path, {"incidents/a.csv": INCIDENTS})
    assert store_upload("incidents", "a (1).csv", INCIDENTS, raw) == raw / "incidents" / "a.csv"
    wh = tmp_path / "wh.duckdb"
    build_warehouse(raw, wh, ZONE_SMALL, echo=lambda s: None)
    refused = query(wh, "SELECT count(*) FROM marts.rejects")[0][0]
    preview = preview_upload(
        "incidents", "kopie.csv", INCIDENTS, ZONE_SMALL, warehouse=wh, raw_dir=raw
    )
    assert preview.overlap == (
        "Dit bestand staat er al, identiek, als incidents/a.csv: toevoegen verandert niets "
        "(het wordt niet nog eens opgeslagen of gelezen)."
    )
    (raw / "incidents" / "a (kopie).csv").write_bytes(INCIDENTS)
    build_warehouse(raw, wh, ZONE_SMALL, echo=lambda s: None)
    assert query(wh, "SELECT count(*) FROM marts.rejects")[0][0] == refused > 0
    [(message,)] = query(
        wh, "SELECT message FROM marts.build_warnings WHERE topic = 'Niet gelezen'"
    )
    # Of two identical files, the first in name order is read: the name without its
    # extension first, so "a.csv" before its copy "a (kopie).csv" (as whole names " ("
    # sorted before ".csv", and the copy was read as the original).
    assert "incidents/a (kopie).csv: identiek aan incidents/a.csv, dat wel gelezen is" in message


def test_a_corrected_file_under_the_same_name_is_compared_under_its_stored_name(tmp_path):
    """A corrected islp_feiten_2024.csv (other content, same name): the preview said its
    numbers came "uit een bestand met dezelfde naam (een identiek bestand wordt niet opnieuw
    opgeslagen)" and left that file out of the comparison, while the upload is stored as
    islp_feiten_2024_2.csv and the existing file's versions win. The preview compares under
    the name the file will get."""
    raw = mini_raw(tmp_path, {"incidents/islp_feiten_2024.csv": INCIDENTS})
    wh = tmp_path / "wh.duckdb"
    build_warehouse(raw, wh, ZONE_SMALL, echo=lambda s: None)
    existing = raw / "incidents" / "islp_feiten_2024.csv"
    last = query(
        wh, "SELECT newest_date FROM marts.load_files WHERE source_file = ?",
        ["incidents/islp_feiten_2024.csv"],
    )[0][0]  # fmt: skip
    pv = query(
        wh, "SELECT pv_number FROM marts.incidents WHERE source_file = ? ORDER BY 1 LIMIT 1",
        ["incidents/islp_feiten_2024.csv"],
    )[0][0]  # fmt: skip
    corrected = incidents_csv([incident(pv, when="02/01/2024 10:00")]).encode()
    assert corrected != existing.read_bytes()
    preview = preview_upload(
        "incidents", existing.name, corrected, ZONE_SMALL, warehouse=wh, raw_dir=raw
    )
    assert "dezelfde naam" not in preview.overlap
    assert "incidents/islp_feiten_2024.csv" in preview.overlap
    assert f"laatste feit of registratie {last:%d/%m/%Y}" in preview.overlap
    assert "blijft de versie uit een jongere export tellen" in preview.overlap
    # The name it will get is said before confirming, not only after (an audit).
    assert (
        "Er staat al een ander bestand 'incidents/islp_feiten_2024.csv': dit bestand wordt "
        "bewaard als 'incidents/islp_feiten_2024_2.csv'" in preview.note
    )


def test_a_re_export_of_the_same_period_under_an_earlier_name_is_a_caution(tmp_path):
    """A corrected re-export of the same month (a category changed, no date) uploaded as
    "Export_feiten_2026-11_herzien.csv" beside "ISLP_export_feiten_nov2026.csv": both end on
    the same day, so the later name wins and the correction counted for nothing, said in a
    blue information box with advice (export the whole period again) that cannot help (an
    audit). The preview warns, and says which name would let it count; under that name the
    build takes its versions."""
    rows = [incident("PV1", when="03/11/2026 10:00"), incident("PV2", when="28/11/2026 09:00")]
    raw = mini_raw(tmp_path, {"incidents/ISLP_export_feiten_nov2026.csv": incidents_csv(rows)})
    wh = tmp_path / "wh.duckdb"
    build_warehouse(raw, wh, ZONE_SMALL, echo=lambda s: None)
    fixed = incidents_csv([rows[0], incident("PV2", when="28/11/2026 09:00", cat="Diefstal")])
    preview = preview_upload(
        "incidents", "Export_feiten_2026-11_herzien.csv", fixed.encode(), ZONE_SMALL,
        warehouse=wh, raw_dir=raw,
    )  # fmt: skip
    assert preview.ok and preview.overlap_caution
    assert "blijft de versie uit een jongere export tellen" in preview.overlap
    assert "dezelfde laatste datum; dan beslist de naam" in preview.overlap
    assert "bijvoorbeeld ISLP_export_feiten_nov2026_2.csv" in preview.overlap
    assert "exporteer de hele periode opnieuw" not in preview.overlap
    # Under the name the preview proposes, the correction counts.
    again = preview_upload(
        "incidents", "ISLP_export_feiten_nov2026_2.csv", fixed.encode(), ZONE_SMALL,
        warehouse=wh, raw_dir=raw,
    )  # fmt: skip
    assert not again.overlap_caution and "jongste export" in again.overlap
    (raw / "incidents" / "ISLP_export_feiten_nov2026_2.csv").write_text(fixed, encoding="utf-8")
    build_warehouse(raw, wh, ZONE_SMALL, echo=lambda s: None)
    assert query(wh, "SELECT pv_number, category FROM marts.incidents ORDER BY 1") == [
        ("PV1", "Vandalisme"),
        ("PV2", "Diefstal"),
    ]


def test_the_preview_ranks_exports_as_the_build_does_registrations_included(tmp_path):
    """The build ranks the incidents' exports by their latest fact or registration date;
    the preview compared the facts alone (a review). A re-export whose late registrations
    make it the newest was warned about though it won, and one that lost on the loaded
    file's registrations was advised a new name under which it lost again."""
    loaded = incidents_csv(
        [
            incident("PV1", "03/11/2024 10:00", reg="05/12/2024 09:00"),
            incident("PV2", "28/11/2024 10:00"),
        ]
    )
    raw = mini_raw(tmp_path, {"incidents/ISLP_nov.csv": loaded})
    wh = tmp_path / "wh.duckdb"
    build_warehouse(raw, wh, ZONE_SMALL, echo=lambda s: None)
    # Same last fact, the loaded file's registration later: the upload loses, on a date.
    fixed = incidents_csv([incident("PV2", "28/11/2024 10:00", cat="Diefstal")]).encode()
    p = preview_upload("incidents", "A_herzien.csv", fixed, ZONE_SMALL, warehouse=wh, raw_dir=raw)
    assert p.overlap_caution
    assert "laatste feit of registratie 05/12/2024" in p.overlap
    assert "dan beslist de naam" not in p.overlap and "exporteer de hele periode" in p.overlap
    # A later registration in the upload: it is the newest, no warning.
    late = incidents_csv(
        [incident("PV2", "28/11/2024 10:00", reg="06/12/2024 08:00", cat="Diefstal")]
    ).encode()
    p = preview_upload("incidents", "A_herzien.csv", late, ZONE_SMALL, warehouse=wh, raw_dir=raw)
    assert not p.overlap_caution and "Deze upload is de jongste export" in p.overlap
    (raw / "incidents" / "A_herzien.csv").write_bytes(late)
    build_warehouse(raw, wh, ZONE_SMALL, echo=lambda s: None)
    assert query(wh, "SELECT category FROM marts.incidents WHERE pv_number = 'PV2'") == [
        ("Diefstal",)
    ]
    assert (
        query(
            wh,
            "SELECT newest_date FROM marts.load_files WHERE source_file = 'incidents/ISLP_nov.csv'",
        )[0][0].isoformat()
        == "2024-12-05"
    )


def test_a_tie_and_a_later_export_get_both_pieces_of_advice(tmp_path):
    """Numbers of the upload in a file of the same last date and in a later one: a new name
    helps for the first only (a review: only the renaming was advised)."""
    nov = incidents_csv([incident("PV1", "28/11/2024 10:00"), incident("PV2", "27/11/2024 10:00")])
    q4 = incidents_csv([incident("PV2", "02/12/2024 10:00")])
    raw = mini_raw(tmp_path, {"incidents/ISLP_nov.csv": nov, "incidents/ISLP_q4.csv": q4})
    wh = tmp_path / "wh.duckdb"
    build_warehouse(raw, wh, ZONE_SMALL, echo=lambda s: None)
    fixed = incidents_csv(
        [incident("PV1", "28/11/2024 10:00", cat="Diefstal"), incident("PV2", "27/11/2024 10:00")]
    ).encode()
    p = preview_upload("incidents", "A_herzien.csv", fixed, ZONE_SMALL, warehouse=wh, raw_dir=raw)
    assert "bijvoorbeeld ISLP_nov_2.csv" in p.overlap
    assert "exporteer de hele periode opnieuw" in p.overlap


def test_a_file_of_a_header_only_cannot_be_added(tmp_path):
    """A header without rows: 0 / 0 / 0 and the confirm button on, a whole build for
    nothing (an audit). It is refused with why."""
    raw = mini_raw(tmp_path, {"incidents/a.csv": incidents_csv([incident("P1")])})
    preview = preview_upload(
        "incidents", "alleen_kop.csv", incidents_csv([]).encode(), ZONE_SMALL, raw_dir=raw
    )
    assert not preview.ok
    assert preview.error.startswith(
        "Bestand 'alleen_kop.csv' bevat geen enkele rij onder de kopregel: er valt niets toe "
        "te voegen."
    )
    # A new name, free: nothing said about it.
    ok = preview_upload(
        "incidents", "b.csv", incidents_csv([incident("P2")]).encode(), ZONE_SMALL, raw_dir=raw
    )
    assert ok.ok and "Er staat al" not in (ok.note or "")


def test_two_confirms_at_the_same_moment_start_one_build(tmp_path):
    """Two sessions confirming an upload at the same moment both started a build: the
    second found the lock file created but still empty, took it for one left by a dead
    build and removed it (found by a review). The lock is now held by the build process
    itself for as long as it runs."""
    import threading

    raw = mini_raw(tmp_path, {"incidents/a.csv": incidents_csv([incident("P1")])})
    status = tmp_path / "state" / "build.json"
    for _ in range(3):
        results: list[str] = []

        def confirm(results: list[str] = results) -> None:
            try:
                start_background_build(raw, tmp_path / "wh.duckdb", status, ZONE_SMALL)
                results.append("gestart")
            except BuildBusyError:
                results.append("bezig")

        threads = [threading.Thread(target=confirm) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(results) == ["bezig", "gestart"]
        assert _wait(status)["state"] == "ok"
    # Right after a build: the next one starts (the finished build lets go at once).
    start_background_build(raw, tmp_path / "wh.duckdb", status, ZONE_SMALL)
    assert _wait(status)["state"] == "ok"


def test_the_preview_of_a_sector_list_says_it_is_read_with_the_others(tmp_path):
    """A sector list previewed alone: "3 aanvaard, 0 geweigerd", while the build, reading it
    with the list already there, refused two of its codes (found by a review). The preview
    says the lists are read together and which one will count."""
    header = "statsec2024;statsec2024_naam;gemeente2024;gemeente2024_naam;wijk2024_code\r\n"
    old = header + "24038A00-;Herent-Centrum;24038;Herent;24038A0N\r\n"
    raw = mini_raw(tmp_path, {"sectors/statsec_als_basis.csv": old})
    new = header + "24038A09-;Kouterwijk;24038;Herent;24038A0N\r\n"
    preview = preview_upload(
        "sectors", "statsec2024_als_basis.csv", new.encode(), ZONE_SMALL, raw_dir=raw
    )
    assert preview.ok
    assert "Er staat al 1 sectorlijst (sectors/statsec_als_basis.csv)" in preview.note
    assert (
        "in naamvolgorde de laatste (van al deze lijsten: sectors/statsec_als_basis.csv)"
        in preview.note
    )
    assert "De aantallen hierboven gelden voor dit bestand alleen." in preview.note


def test_an_upload_identical_to_a_file_the_build_ignores_is_stored(tmp_path):
    """An upload with the bytes of 'feiten.csv.bak' (which the build does not read) was
    "reused" as that file, and the rebuild read nothing (found by a review). Only exports
    the build reads count; and the preview says an upload is already there, identical, for
    every kind, also before a build read it."""
    raw = mini_raw(tmp_path, {"incidents/feiten.csv.bak": INCIDENTS})
    stored = store_upload("incidents", "feiten.csv", INCIDENTS, raw)
    assert stored == raw / "incidents" / "feiten.csv"
    addresses = (
        b"Straatnaam;Huisnummer;Postcode;Gemeente;X;Y\nKerkstraat;1;3020;Herent;171000;177000\n"
    )
    store_upload("addresses", "adressen.csv", addresses, raw)
    preview = preview_upload("addresses", "adressen_kopie.csv", addresses, ZONE_SMALL, raw_dir=raw)
    assert preview.overlap == (
        "Dit bestand staat er al, identiek, als addresses/adressen.csv: toevoegen verandert "
        "niets (het wordt niet nog eens opgeslagen of gelezen)."
    )


@pytest.fixture
def small_raw(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW_SMALL, raw)
    return raw


def test_preview_of_a_new_wijk_division_names_the_loaded_wijken_it_overlaps(small_raw):
    """A zone's new division added beside the old one: the build would count both (a record
    in the shared part for one wijk only) and only warn afterwards. The preview says so,
    names the old file and how to take it out."""
    # N1 covers W01 (170000-172000 x 176000-178000) and half of W02; N2 overlaps neither.
    data = wijken_geojson(
        ("N1", 170000, 176000, 173000, 178000), ("N2", 100000, 100000, 101000, 101000)
    )
    preview = preview_upload(
        "districts", "wijken_2027.geojson", data, ZONE_SMALL, raw_dir=small_raw
    )
    assert preview.ok
    note = preview.overlap
    assert (
        note
        and "overlappen met andere wijken die al geladen zijn uit districts/wijken.geojson" in note
    )
    assert "N1 en W01 (400,0 ha)" in note and "N1 en W02 (200,0 ha)" in note
    assert "N2" not in note
    assert "haal dan na het toevoegen districts/wijken.geojson uit het warehouse" in note
    assert preview.overlap_caution  # two divisions at once: a warning, not information


def test_preview_says_which_file_counts_for_a_wijk_code_loaded_twice(small_raw):
    """Of two files with the same wijk code the build takes the one last in name order:
    a corrected layer named to sort first would silently not count."""
    data = wijken_geojson(("W01", 170000, 176000, 171900, 178000))  # corrected, smaller
    later = preview_upload("districts", "wijken_v2.geojson", data, ZONE_SMALL, raw_dir=small_raw)
    assert later.overlap == (
        "1 wijk(en) van dit bestand vervangen de grens met dezelfde code uit "
        "districts/wijken.geojson."
    )
    assert not later.overlap_caution  # what a corrected layer is for: information
    first = preview_upload("districts", "a_wijken.geojson", data, ZONE_SMALL, raw_dir=small_raw)
    assert "(W01) staan met dezelfde code ook in districts/wijken.geojson" in first.overlap
    assert "gaat voor: de grenzen van dit bestand tellen voor die wijken niet" in first.overlap
    assert first.overlap_caution
    # Neither a layer without wijken nor a preview without a raw folder says anything.
    gemeente = (small_raw / "districts" / "deelgemeenten.geojson").read_bytes() + b"\n"
    other = preview_upload("districts", "dg_2.geojson", gemeente, ZONE_SMALL, raw_dir=small_raw)
    assert other.ok and other.overlap is None
    assert preview_upload("districts", "a_wijken.geojson", data, ZONE_SMALL).overlap is None


def test_overlaps_of_a_wijk_code_that_loses_use_the_loaded_shape_that_counts(small_raw):
    """A wijk of the upload that loses to an older file with the same code does not count:
    its shape overlaps nothing the build would count, and the loaded shape that does count
    is the one the upload's other wijken are checked against."""
    # The upload's W01 reaches into W02 (170000-173000), but the loaded W01
    # (170000-172000) goes for it: no pair. N4 lies in the loaded W01 and is reported.
    data = wijken_geojson(
        ("W01", 170000, 176000, 173000, 178000),
        ("N4", 170000, 176000, 170500, 176500),
    )
    preview = preview_upload("districts", "a_wijken.geojson", data, ZONE_SMALL, raw_dir=small_raw)
    note = preview.overlap
    assert "(W01) staan met dezelfde code ook in districts/wijken.geojson" in note
    assert "N4 en W01 (25,0 ha)" in note
    assert "W01 en W02" not in note


@pytest.mark.parametrize(
    ("m2", "text"),
    [(250_000.0, "25,0 ha"), (12_345_000.0, "1.234,5 ha"), (1e11, "10.000.000,0 ha")],
)
def test_overlap_areas_are_written_as_dutch_numbers(m2, text):
    # A whole wijk of more than a thousand hectares overlapping reads with a thousands point.
    from etl.upload import _hectares

    assert _hectares(m2) == text


def test_preview_says_when_an_export_would_stop_before_the_others(tmp_path):
    """A task export of last winter uploaded beside this summer's facts: after its last
    day the pages count no tasks (unknown, not 0); the preview says so before it is stored,
    and how far the file's records run."""
    from etl_helpers import build

    tasks = (RAW_SMALL / "tasks" / "wijktaken_2024.csv").read_bytes()  # 01/01 – 20/02/2024
    summer = incidents_csv([incident("PV01", "10/01/2024 10:00"), incident("PV02", "20/06/2024")])
    raw = mini_raw(tmp_path, {"incidents/feiten.csv": summer})
    wh = tmp_path / "wh.duckdb"
    build(raw, wh)
    p = preview_upload("tasks", "taken.csv", tasks, ZONE_SMALL, warehouse=wh, raw_dir=raw)
    assert p.ok and p.dates == "Records van 01/01/2024 tot en met 20/02/2024."
    assert p.stops_early == (
        "Met dit bestand lopen de wijktaken tot en met 20/02/2024, de andere exports tot "
        "20/06/2024: na 20/02/2024 tellen de wijktaken nergens mee (onbekend, geen 0). Laad "
        "ook de nieuwste export, als die er is."
    )
    # Ten days before the facts' last day: chance explains that for three tasks in seven
    # weeks (their edge slack), and no warning; nor without a warehouse to compare with.
    march = incidents_csv([incident("PV01", "10/01/2024 10:00"), incident("PV02", "01/03/2024")])
    (raw / "incidents" / "feiten.csv").write_text(march, encoding="utf-8")
    build(raw, wh)
    assert preview_upload("tasks", "taken.csv", tasks, ZONE_SMALL, warehouse=wh).stops_early is None
    assert preview_upload("tasks", "taken.csv", tasks, ZONE_SMALL).stops_early is None
    # Statbel's file lags by design: its days, never the warning.
    statbel = (RAW_SMALL / "statbel" / "OPENDATA_MAP_2023.zip").read_bytes()
    p = preview_upload("statbel", "OPENDATA_MAP_2023.zip", statbel, ZONE_SMALL, warehouse=wh)
    assert p.ok and p.dates.startswith("Records van ") and p.stops_early is None
    # Statbel has a month, no day: the preview said "van 01/12/2023 tot en met 01/12/2023".
    assert re.fullmatch(r"Records van \d\d/\d{4} tot en met \d\d/\d{4}\.", p.dates), p.dates
    # Without Statbel in the warehouse, nothing to say of accidents already loaded.
    assert p.overlap is None


def test_a_statbel_preview_says_how_accidents_already_loaded_count(tmp_path):
    """Five rows of a Statbel file already loaded, uploaded again: "Aanvaard: 5" and no
    word that they add nothing (Statbel has no number to compare; an audit)."""
    statbel = (RAW_SMALL / "statbel" / "OPENDATA_MAP_2023.zip").read_bytes()
    raw = mini_raw(tmp_path, {"statbel/OPENDATA_MAP_2023.zip": statbel})
    wh = tmp_path / "wh.duckdb"
    build_warehouse(raw, wh, ZONE_SMALL, echo=lambda s: None)
    p = preview_upload("statbel", "OPENDATA_MAP_2023_kopie.zip", statbel, ZONE_SMALL, warehouse=wh)
    assert p.ok and p.overlap.startswith(
        "Statbel geeft geen ongevalnummer: een ongeval dat een al geladen Statbel-bestand ook bevat"
    )


def test_an_upload_confirmed_while_a_build_runs_is_built_after_it(tmp_path):
    """The upload was stored but never loaded: the running build had read the exports
    before it, and nothing built again. Now the running build builds once more."""
    from etl.upload import pending_path, queue_build

    raw = mini_raw(tmp_path, {"incidents/a.csv": incidents_csv([incident("P1")])})
    wh = tmp_path / "wh.duckdb"
    status = tmp_path / "state" / "build.json"
    assert queue_build(raw, wh, status, ZONE_SMALL) is True  # nothing running: starts now
    store_upload("incidents", "b.csv", incidents_csv([incident("P2")]).encode(), raw)
    started = queue_build(raw, wh, status, ZONE_SMALL)
    if not started:  # queued behind the first (the usual case: a build takes a second)
        assert pending_path(status).exists() or build_status(status)["state"] == "running"
    end = time.monotonic() + 120
    while time.monotonic() < end:
        done = build_status(status)
        if done["state"] in ("ok", "failed") and not pending_path(status).exists():
            break
        time.sleep(0.2)
    # The lock is let go after the last build's status: wait for it, then read.
    time.sleep(0.5)
    done = _wait(status)
    assert done["state"] == "ok", done
    assert query(wh, "SELECT pv_number FROM marts.incidents ORDER BY 1") == [("P1",), ("P2",)]
    assert not pending_path(status).exists()


def test_ordinary_file_names_are_cleaned_not_refused(tmp_path):
    """Names with a comma, an apostrophe, an en dash or a no-break space were refused
    ("Ongeldige bestandsnaam"), and had to be renamed outside the dashboard."""
    from etl.upload import safe_filename

    assert safe_filename("incidents", "Export ISLP, feiten 01–05 dec.csv") == (
        "Export ISLP_ feiten 01-05 dec.csv"
    )
    assert safe_filename("incidents", "feiten\u00a0week 49 (Herent’s).csv") == (
        "feiten week 49 (Herents).csv"
    )
    data = INCIDENTS
    preview = preview_upload("incidents", "feiten #49 & 50.csv", data, ZONE_SMALL)
    assert preview.ok
    assert preview.note.startswith("Bewaard als 'feiten _49 _ 50.csv': tekens die")
    stored = store_upload("incidents", "feiten #49 & 50.csv", data, tmp_path / "raw")
    assert stored.name == "feiten _49 _ 50.csv"
    # Path tricks stay refused.
    for name in ("../x.csv", "a/b.csv", ".verborgen.csv"):
        with pytest.raises(UploadError):
            safe_filename("incidents", name)


def test_an_identical_upload_says_so_and_is_marked(tmp_path):
    raw = mini_raw(tmp_path, {"incidents/a.csv": INCIDENTS})
    preview = preview_upload("incidents", "kopie.csv", INCIDENTS, ZONE_SMALL, raw_dir=raw)
    assert preview.identical == "incidents/a.csv"
    assert preview.overlap.startswith("Dit bestand staat er al, identiek, als incidents/a.csv")
    other = preview_upload(
        "incidents", "b.csv", INCIDENTS + b"", ZONE_SMALL, raw_dir=tmp_path / "leeg"
    )
    assert other.identical is None


def test_a_boundary_file_without_a_usable_shape_says_why():
    """A wijk without geometry, or drawn as a point: the error asked for a property
    wijk_code the feature has; the reason (no shape) stood in the note below it."""
    feature = {"type": "Feature", "properties": {"wijk_code": "W12", "wijk_naam": "Strik"}}
    for geometry, why in (
        (None, "1 object zonder geometrie overgeslagen: rij 1."),
        (
            {"type": "Point", "coordinates": [171000, 177000]},
            "1 object zonder oppervlakte (een punt of een lijn, geen grens) overgeslagen: rij 1.",
        ),
    ):
        layer = {
            "type": "FeatureCollection",
            "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::31370"}},
            "features": [dict(feature, geometry=geometry)],
        }
        p = preview_upload("districts", "wijk.geojson", json.dumps(layer).encode(), ZONE_SMALL)
        assert not p.ok and p.error == f"Geen enkele grens bruikbaar: {why}"
