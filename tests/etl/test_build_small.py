"""Build a warehouse from the small fixture exports and check counts, keys and rejects."""

from __future__ import annotations

import shutil

import duckdb
import pytest
from etl_helpers import build, query

from etl.build import BuildError

MART_KEYS = {
    "incidents": "pv_number",
    "accidents": "accident_id",
    "victims": "accident_id, victim_number",
    "nuisance": "report_id",
    "tasks": "task_id",
    "controls": "control_id",
    "poi": "poi_id",
    "districts": "layer, code",
}


def counts(warehouse) -> dict[str, int]:
    return {m: query(warehouse, f"SELECT count(*) FROM marts.{m}")[0][0] for m in MART_KEYS}


def test_exact_counts(small_warehouse):
    assert counts(small_warehouse) == {
        "incidents": 7,  # 9 + 2 rows, 3 refused, PV 1 in both exports
        "accidents": 5,  # 3 zone + 2 Statbel in the zone (Antwerp left out, 1 refused)
        "victims": 3,
        "nuisance": 2,
        "tasks": 3,
        "controls": 2,
        "poi": 2,
        "districts": 5,  # zone, gemeente, deelgemeente, 2 wijken
    }


@pytest.mark.parametrize("mart", MART_KEYS)
def test_keys_unique(small_warehouse, mart):
    key = MART_KEYS[mart]
    dupes = query(
        small_warehouse,
        f"SELECT {key}, count(*) FROM marts.{mart} GROUP BY ALL HAVING count(*) > 1",
    )
    assert dupes == []


def test_rejects_name_file_row_field_and_reason(small_warehouse):
    rows = query(
        small_warehouse,
        "SELECT kind, source_file, source_row, field, value, reason FROM marts.rejects ORDER BY ALL",
    )
    assert rows == [
        (
            "incidents",
            "incidents/islp_feiten_2024.csv",
            4,
            "PV-nummer",
            None,
            "PV-nummer ontbreekt",
        ),
        (
            "incidents",
            "incidents/islp_feiten_2024.csv",
            5,
            "Datum feit",
            "31/02/2024 10:00",
            "Datum feit is geen geldige datum (verwacht dd/mm/jjjj uu:mm)",
        ),
        (
            "incidents",
            "incidents/islp_feiten_2024.csv",
            6,
            "Datum feit",
            "01/01/2099 10:00",
            "Datum feit ligt in de toekomst",
        ),
        (
            "nuisance",
            "nuisance/overlast_2024.csv",
            4,
            "Datum melding",
            "yesterday",
            "Datum melding is geen geldige datum (verwacht dd/mm/jjjj uu:mm)",
        ),
        (
            "statbel",
            "statbel/OPENDATA_MAP_2023.zip!OPENDATA_MAP_2023.txt",
            5,
            "DT_MONTH_COLLISION",
            "13",
            "Maand (DT_MONTH_COLLISION) ontbreekt of is ongeldig",
        ),
        (
            "victims",
            "victims/islp_slachtoffers_2024.csv",
            4,
            "Volgnummer",
            "LE.55.L7.100002/2024 / 1",
            "Slachtoffer (ongevalnummer + volgnummer) komt meermaals voor in dit bestand; de laatste bruikbare rij telt",
        ),
    ]


def test_accents_survive_windows_1252(small_warehouse):
    (desc,) = query(
        small_warehouse,
        "SELECT description FROM marts.incidents i JOIN marts.tasks t ON i.pv_number = t.reference",
    )[0]
    # en dash (cp1252 0x96, a control character if read as latin-1) and é
    assert desc == "Inbraak via achterdeur – café"
    (insp,) = query(small_warehouse, "SELECT inspector FROM marts.tasks WHERE task_id = 'T-0001'")[
        0
    ]
    assert insp == "INP Zoë Peeters"
    files = dict(query(small_warehouse, "SELECT source_file, encoding FROM marts.load_files"))
    assert files["incidents/islp_feiten_2024.csv"] == "cp1252"
    assert files["incidents/islp_feiten_2024_update.csv"] == "utf-8-sig"


def test_newer_export_wins(small_warehouse):
    row = query(
        small_warehouse,
        "SELECT status, source_file, source_row, occurred_from::VARCHAR, x, y FROM marts.incidents "
        "WHERE pv_number = 'LE.55.L7.000001/2024'",
    )
    assert row == [
        (
            "Afgesloten",
            "incidents/islp_feiten_2024_update.csv",
            2,
            "2024-02-03 14:30:00",
            171000.5,
            177000.25,
        )
    ]


def test_locations(small_warehouse):
    rows = dict(
        (r[0], r[1:])
        for r in query(
            small_warehouse,
            "SELECT pv_number, location_status, wijk_code, x, y, nis_code, location_note FROM marts.incidents",
        )
    )
    assert rows["LE.55.L7.000001/2024"][:2] == ("ok", "W01")
    assert rows["LE.55.L7.000002/2024"][:2] == ("ok", "W02")
    # outside the zone: kept, flagged, no wijk
    assert rows["LE.55.L7.000006/2024"][:4] == ("buiten_zone", None, 150000.0, 170000.0)
    # no coordinates: kept, municipality from the name in the export
    assert rows["LE.55.L7.000007/2024"][:2] == ("geen_locatie", None)
    assert rows["LE.55.L7.000007/2024"][4] == "24038"
    assert rows["LE.55.L7.000009/2024"][0] == "geen_locatie"
    # swapped X/Y repaired
    assert rows["LE.55.L7.000008/2024"] == (
        "ok",
        "W01",
        171000.0,
        177000.0,
        "24038",
        "X en Y omgewisseld",
    )


def test_wgs84_and_h3(small_warehouse):
    import h3

    lon, lat, cell, coarse = query(
        small_warehouse,
        "SELECT lon, lat, h3_cell, h3_cell_coarse FROM marts.incidents WHERE pv_number = 'LE.55.L7.000002/2024'",
    )[0]
    assert 4.6 < lon < 4.8 and 50.8 < lat < 51.0
    assert h3.int_to_str(cell) == h3.latlng_to_cell(lat, lon, 9)
    assert h3.int_to_str(coarse) == h3.cell_to_parent(h3.latlng_to_cell(lat, lon, 9), 8)


def test_window_and_time_columns(small_warehouse):
    row = query(
        small_warehouse,
        "SELECT is_window, occurred_to IS NOT NULL, date::VARCHAR, year, month, iso_year, iso_week, weekday, hour "
        "FROM marts.incidents WHERE pv_number = 'LE.55.L7.000002/2024'",
    )
    assert row == [(True, True, "2024-02-10", 2024, 2, 2024, 6, 6, 18)]


def test_statbel_rows(small_warehouse):
    rows = query(
        small_warehouse,
        "SELECT accident_id LIKE 'STATBEL-%', date, day_known, year, month, hour, severity, location_status "
        "FROM marts.accidents WHERE source = 'statbel' ORDER BY month",
    )
    assert rows == [
        (True, None, False, 2023, 5, 14, "Lichtgewond", "ok"),
        (True, None, False, 2023, 6, None, "Zwaargewond", "ok"),
    ]


def test_statbel_rows_without_configured_municipalities(raw_copy, tmp_path):
    """A zone configuration without municipalities cannot tell the zone's Statbel rows from
    the rest of the national file: every usable row is kept, none is silently lost."""
    from etl_helpers import ZONE_SMALL

    from etl.build import build_warehouse

    zone = tmp_path / "zone.toml"
    text = ZONE_SMALL.read_text(encoding="utf-8")
    block = '[[municipalities]]\nnis_code = "24038"\nname = "Herent"\npopulation = 1000\n\n'
    assert block in text
    zone.write_text(text.replace(block, ""), encoding="utf-8")
    warehouse = tmp_path / "w.duckdb"
    build_warehouse(raw_copy, warehouse, zone, echo=lambda line: None)
    accepted = query(
        warehouse, "SELECT sum(rows_accepted) FROM marts.load_files WHERE kind = 'statbel'"
    )[0][0]
    kept = query(warehouse, "SELECT count(*) FROM marts.accidents WHERE source = 'statbel'")[0][0]
    assert accepted > 2 and kept == accepted


def test_accident_victim_counts(small_warehouse):
    rows = query(
        small_warehouse,
        "SELECT accident_id, killed, seriously_injured, lightly_injured, victims, is_injury "
        "FROM marts.accidents WHERE source = 'zone' ORDER BY 1",
    )
    assert rows == [
        ("LE.55.L7.100001/2024", 0, 1, 1, 2, True),
        ("LE.55.L7.100002/2024", 0, 0, 1, 1, True),
        ("LE.55.L7.100003/2024", 0, 0, 0, 0, False),
    ]
    vuln = query(
        small_warehouse,
        "SELECT road_user, is_vulnerable, wijk_code FROM marts.victims ORDER BY accident_id, victim_number",
    )
    assert vuln == [
        ("Fietser", True, "W01"),
        ("Personenauto", False, "W01"),
        ("Voetganger", True, "W02"),
    ]


def test_tasks_overdue_relative_to_data(small_warehouse):
    rows = query(
        small_warehouse,
        "SELECT task_id, is_open, is_overdue, due_at::DATE::VARCHAR, lead_days FROM marts.tasks ORDER BY 1",
    )
    # reference date = latest date in the data = 2024-03-01 (PV 10)
    assert rows == [
        ("T-0001", True, True, "2024-01-31", 60),
        ("T-0002", False, False, "2024-02-04", 15),
        ("T-0003", True, False, "2024-03-21", 10),  # default term of the task type
    ]
    assert query(small_warehouse, "SELECT reference_date::VARCHAR FROM marts.build_info") == [
        ("2024-03-01",)
    ]


def test_districts(small_warehouse):
    rows = query(
        small_warehouse,
        "SELECT layer, code, parent_code, population, inspector, round(area_km2, 3), geojson IS NOT NULL "
        "FROM marts.districts ORDER BY layer, code",
    )
    assert rows == [
        ("deelgemeente", "24038A", "24038", 1000, None, 8.0, True),  # wijken tile it: 400 + 600
        ("gemeente", "24038", "PZ Proef", 1000, None, None, False),
        ("wijk", "W01", "24038A", 400, "INP Zoë Peeters", 4.0, True),
        ("wijk", "W02", "24038A", 600, "INP Bart Janssens", 4.0, True),
        # No zone layer: the zone's outline is the union of the layers there are, as the
        # build locates with (the pages' maps and hot-spot study area read it).
        ("zone", "PZ Proef", None, 1000, None, 8.0, True),
    ]
    import json

    geo = json.loads(
        query(small_warehouse, "SELECT geojson FROM marts.districts WHERE code = 'W01'")[0][0]
    )
    lon, lat = geo["coordinates"][0][0]
    assert 4.6 < lon < 4.8 and 50.8 < lat < 51.0  # WGS84 for display


def test_excel_controls(small_warehouse):
    rows = query(
        small_warehouse,
        "SELECT control_id, hours, vehicles_checked, offences, wijk_code, source_row FROM marts.controls ORDER BY 1",
    )
    assert rows == [("C-0001", 2.5, 250, 12, "W01", 2), ("C-0002", 3.0, 80, 3, "W02", 3)]


def test_aggregates(small_warehouse):
    total = query(
        small_warehouse, "SELECT sum(n) FROM marts.daily_counts WHERE domain = 'incidents'"
    )[0][0]
    assert total == 7
    hex_total = query(
        small_warehouse, "SELECT sum(n) FROM marts.hex_counts WHERE domain = 'incidents'"
    )[0][0]
    assert hex_total == 4  # ok-located incidents only


def test_victims_are_the_killed_and_injured(raw_copy, tmp_path):
    """An accident's victims are the sum of its killed, seriously and lightly injured. A
    person unhurt ("Ongedeerd") was counted as a victim (the traffic page's total exceeded
    its three classes; the municipal report called that person "Letsel onbekend"), and an
    injury accident without victim rows had its one imputed victim in the classes but none
    in the total (the municipal report then refused to add up)."""
    (raw_copy / "victims" / "islp_slachtoffers_2024_extra.csv").write_text(
        "Ongevalnummer;Volgnummer;Letsel;Type weggebruiker;Leeftijdsklasse\n"
        "LE.55.L7.100002/2024;2;Ongedeerd;Personenauto;35-44\n",
        encoding="utf-8",
    )
    (raw_copy / "accidents" / "islp_ongevallen_2024_extra.csv").write_text(
        "Ongevalnummer;Datum/uur;Straat;Huisnr;Gemeente;X;Y;Ernst;Weggebruiker 1\n"
        "LE.55.L7.100009/2024;09/02/2024 11:00;Kerkstraat;;Herent;171210;177210;Zwaargewond;Fietser\n",
        encoding="utf-8",
    )
    warehouse = tmp_path / "w.duckdb"
    build(raw_copy, warehouse)
    rows = query(
        warehouse,
        "SELECT accident_id, killed, seriously_injured, lightly_injured, victims "
        "FROM marts.accidents WHERE source = 'zone' ORDER BY 1",
    )
    assert rows == [
        ("LE.55.L7.100001/2024", 0, 1, 1, 2),
        ("LE.55.L7.100002/2024", 0, 0, 1, 1),
        ("LE.55.L7.100003/2024", 0, 0, 0, 0),
        ("LE.55.L7.100009/2024", 0, 1, 0, 1),
    ]
    # The unhurt person is still listed, without an injury class.
    assert query(
        warehouse,
        "SELECT severity, severity_class FROM marts.victims "
        "WHERE accident_id = 'LE.55.L7.100002/2024' AND victim_number = 2",
    ) == [("Ongedeerd", None)]


def test_load_files_and_progress(small_warehouse):
    rows = query(
        small_warehouse,
        "SELECT source_file, rows_read, rows_accepted, rows_rejected, delimiter, max_record_date::VARCHAR "
        "FROM marts.load_files WHERE kind = 'incidents' ORDER BY 1",
    )
    assert rows == [
        ("incidents/islp_feiten_2024.csv", 9, 6, 3, ";", "2024-02-16"),
        ("incidents/islp_feiten_2024_update.csv", 2, 2, 0, ",", "2024-03-01"),
    ]
    log = small_warehouse.with_suffix(".log").read_text(encoding="utf-8")
    assert "islp_feiten_2024.csv" in log and "geweigerd incidents" in log and "gebouwd in" in log
    assert "ground_truth" not in log


def test_same_export_twice_changes_nothing(raw_copy, tmp_path, small_warehouse):
    shutil.copy(
        raw_copy / "incidents" / "islp_feiten_2024.csv", raw_copy / "incidents" / "kopie_feiten.csv"
    )
    shutil.copy(
        raw_copy / "statbel" / "OPENDATA_MAP_2023.zip",
        raw_copy / "statbel" / "OPENDATA_MAP_2023_bis.zip",
    )
    shutil.copy(
        raw_copy / "victims" / "islp_slachtoffers_2024.csv", raw_copy / "victims" / "kopie.csv"
    )
    shutil.copy(raw_copy / "poi" / "poi.csv", raw_copy / "poi" / "poi_kopie.csv")
    warehouse = tmp_path / "twice.duckdb"
    build(raw_copy, warehouse)
    assert counts(warehouse) == counts(small_warehouse)
    # Same content, whichever copy won: the build is a function of the files' content.
    for mart, key in MART_KEYS.items():
        sql = f"SELECT * EXCLUDE (source_file) FROM marts.{mart} ORDER BY {key}"
        if mart == "districts":
            sql = f"SELECT * FROM marts.{mart} ORDER BY {key}"
        assert query(warehouse, sql) == query(small_warehouse, sql), mart
    for table in ("daily_counts", "hex_counts"):
        sql = f"SELECT * FROM marts.{table} ORDER BY ALL"
        assert query(warehouse, sql) == query(small_warehouse, sql), table


def test_missing_column_is_a_clear_error(raw_copy, tmp_path):
    (raw_copy / "nuisance" / "kapot.csv").write_text(
        "Nummer;Wanneer\n1;01/01/2024\n", encoding="utf-8"
    )
    with pytest.raises(BuildError) as err:
        build(raw_copy, tmp_path / "w.duckdb")
    msg = str(err.value)
    assert "nuisance/kapot.csv" in msg and "Nummer, Wanneer" in msg and "Meldingsnummer" in msg


def test_failed_build_leaves_old_warehouse_untouched(raw_copy, tmp_path, small_warehouse):
    warehouse = tmp_path / "w.duckdb"
    shutil.copy(small_warehouse, warehouse)
    before = warehouse.read_bytes()
    # Required columns are present, so the failure comes late (in a check), after the
    # temporary warehouse has been written: it must still vanish.
    (raw_copy / "poi" / "kapot.csv").write_text(
        "Type;Naam;X;Y\nSchool;Dubbel;1;1\n", encoding="utf-8"
    )
    (raw_copy / "incidents" / "kapot.csv").write_text("Iets;Anders\n1;2\n", encoding="cp1252")
    with pytest.raises(BuildError):
        build(raw_copy, warehouse)
    assert warehouse.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if "building" in p.name] == []
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM marts.incidents").fetchone()[0] == 7


def test_zone_mappings_add_header_variants(raw_copy, tmp_path, monkeypatch):
    mappings = tmp_path / "mappings.toml"
    mappings.write_text('[poi.fields]\npoi_type = ["Soort locatie"]\n', encoding="utf-8")
    monkeypatch.setenv("WIJKBEELD_MAPPINGS", str(mappings))
    (raw_copy / "poi" / "extra.csv").write_text(
        "Soort locatie;Naam;X;Y\nJeugdhuis;De Kelder;172100;177100\n", encoding="utf-8"
    )
    warehouse = tmp_path / "w.duckdb"
    build(raw_copy, warehouse)
    assert query(
        warehouse, "SELECT poi_type, wijk_code FROM marts.poi WHERE name = 'De Kelder'"
    ) == [("Jeugdhuis", "W02")]


def test_without_districts_build_still_works(raw_copy, tmp_path):
    shutil.rmtree(raw_copy / "districts")
    lines: list[str] = []
    warehouse = tmp_path / "w.duckdb"
    build(raw_copy, warehouse, lines)
    assert any("WAARSCHUWING" in line for line in lines)
    statuses = dict(
        query(warehouse, "SELECT location_status, count(*) FROM marts.incidents GROUP BY 1")
    )
    assert statuses == {"geen_wijk": 5, "geen_locatie": 2}
    assert query(warehouse, "SELECT count(*) FROM marts.districts WHERE layer = 'wijk'") == [(2,)]


def test_source_row_is_the_line_in_a_large_parallel_read(raw_copy, tmp_path):
    # Large enough for DuckDB to split the file over threads: row numbers must still be lines.
    header = "PV-nummer;Datum feit;Categorie;X;Y\n"
    lines = [
        f"BIG.{i:06d}/2024;01/02/2024 10:00;Vandalisme;171000;177000\n" for i in range(120_000)
    ]
    lines[99_998] = ";01/02/2024 10:00;Vandalisme;171000;177000\n"  # line 100000 of the file
    (raw_copy / "incidents" / "groot.csv").write_text(header + "".join(lines), encoding="utf-8")
    warehouse = tmp_path / "w.duckdb"
    build(raw_copy, warehouse)
    assert query(
        warehouse, "SELECT source_row FROM marts.rejects WHERE source_file = 'incidents/groot.csv'"
    ) == [(100_000,)]
    assert query(
        warehouse, "SELECT source_row FROM marts.incidents WHERE pv_number = 'BIG.119999/2024'"
    ) == [(120_001,)]


def test_severity_and_road_user_in_any_spelling(raw_copy, tmp_path):
    """An accident's severity as exports write it: "Gedood", "Overleden binnen 30 dagen" and
    French "Tué" are killed, "zwaar gewond" and "Blessé grave" seriously injured, in any
    case. Only "Dodelijk" counted before: a fatal accident written "Gedood" without victim
    rows was no injury accident at all. A victim's road user matches the zone's list of
    vulnerable road users without case ("fietser", "VOETGANGER")."""
    rows = [
        ("LE.55.L7.200001/2024", "Gedood"),
        ("LE.55.L7.200002/2024", "Overleden binnen 30 dagen"),
        ("LE.55.L7.200003/2024", "Tué"),
        ("LE.55.L7.200004/2024", "zwaar gewond"),
        ("LE.55.L7.200005/2024", "Blessé grave"),
        ("LE.55.L7.200006/2024", "LICHTGEWOND"),
        ("LE.55.L7.200007/2024", "Stoffelijke schade"),
    ]
    (raw_copy / "accidents" / "islp_ongevallen_2024_ernst.csv").write_text(
        "Ongevalnummer;Datum/uur;Straat;Huisnr;Gemeente;X;Y;Ernst;Weggebruiker 1\n"
        + "".join(
            f"{key};09/02/2024 11:00;Kerkstraat;;Herent;171210;177210;{severity};Fietser\n"
            for key, severity in rows
        ),
        encoding="utf-8",
    )
    (raw_copy / "victims" / "islp_slachtoffers_2024_case.csv").write_text(
        "Ongevalnummer;Volgnummer;Letsel;Type weggebruiker;Leeftijdsklasse\n"
        "LE.55.L7.200004/2024;1;Zwaargewond;fietser;35-44\n"
        "LE.55.L7.200006/2024;1;Lichtgewond;VOETGANGER;35-44\n",
        encoding="utf-8",
    )
    warehouse = tmp_path / "w.duckdb"
    build(raw_copy, warehouse)
    got = query(
        warehouse,
        "SELECT accident_id, is_injury, killed, seriously_injured, lightly_injured "
        "FROM marts.accidents WHERE accident_id LIKE 'LE.55.L7.2000%' ORDER BY 1",
    )
    assert got == [
        ("LE.55.L7.200001/2024", True, 1, 0, 0),
        ("LE.55.L7.200002/2024", True, 1, 0, 0),
        ("LE.55.L7.200003/2024", True, 1, 0, 0),
        ("LE.55.L7.200004/2024", True, 0, 1, 0),
        ("LE.55.L7.200005/2024", True, 0, 1, 0),
        ("LE.55.L7.200006/2024", True, 0, 0, 1),
        ("LE.55.L7.200007/2024", False, 0, 0, 0),
    ]
    assert query(
        warehouse,
        "SELECT road_user, is_vulnerable FROM marts.victims "
        "WHERE accident_id LIKE 'LE.55.L7.2000%' ORDER BY 1",
    ) == [("Fietser", True), ("Voetganger", True)]  # also in the spelling most rows use


def test_victims_of_an_accident_no_export_has_are_named_in_the_build_warnings(raw_copy, tmp_path):
    """A victims list of a longer period than the accidents' (or a typo in a number) keeps
    victims that count in no accident: said, with their accident numbers."""
    (raw_copy / "victims" / "islp_slachtoffers_2024_los.csv").write_text(
        "Ongevalnummer;Volgnummer;Letsel;Type weggebruiker;Leeftijdsklasse\n"
        "LE.55.L7.999001/2024;1;Zwaargewond;Fietser;35-44\n"
        "LE.55.L7.999001/2024;2;Lichtgewond;Fietser;35-44\n"
        "LE.55.L7.999002/2024;1;Lichtgewond;Voetganger;35-44\n",
        encoding="utf-8",
    )
    warehouse = tmp_path / "w.duckdb"
    build(raw_copy, warehouse)
    assert query(
        warehouse, "SELECT topic, message FROM marts.build_warnings WHERE topic = 'Slachtoffers'"
    ) == [
        (
            "Slachtoffers",
            "3 slachtoffers horen bij een ongevalnummer dat in geen ongevallenexport staat "
            "(2 ongevallen: LE.55.L7.999001/2024, LE.55.L7.999002/2024). Ze staan in de lijst "
            "van slachtoffers, maar tellen in geen ongeval, geen kaart en geen verslag van "
            "letsel. Ontbreekt de ongevallenexport van die periode, of is het nummer verkeerd "
            "getypt?",
        )
    ]


def test_no_victims_warning_when_every_victim_has_its_accident(small_warehouse):
    assert query(
        small_warehouse, "SELECT count(*) FROM marts.build_warnings WHERE topic = 'Slachtoffers'"
    ) == [(0,)]
