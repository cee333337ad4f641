"""Zone configurations a new zone writes (found by onboarding another zone in the
fifty-seventh session): optional keys left out must fall back, not silently empty a count."""

from __future__ import annotations

from etl_helpers import INCIDENT_HEADER, ZONE_SMALL, build_warehouse, mini_raw, query

INCIDENTS = (
    INCIDENT_HEADER
    + "\n"
    + "P1;03/02/2024 10:00;;;Diefstal;Kerkstraat;1;3020;Herent;171000;177000\n"
)


def test_a_wijk_without_nis_code_keeps_its_municipality(tmp_path):
    """`nis_code` of a wijk is optional in zone.toml; left out, it was written as an empty
    text that won over the boundary layer's code: the wijk belonged to no municipality,
    and the municipal report and Verkenning per Gemeente lost its records."""
    zone = tmp_path / "zone.toml"
    text = ZONE_SMALL.read_text(encoding="utf-8")
    assert text.count('code = "W01"\nname = "Centrum-West"\nnis_code = "24038"\n') == 1
    zone.write_text(
        text.replace(
            'code = "W01"\nname = "Centrum-West"\nnis_code = "24038"\n',
            'code = "W01"\nname = "Centrum-West"\n',
        ),
        encoding="utf-8",
    )
    wh = tmp_path / "wh.duckdb"
    build_warehouse(
        mini_raw(tmp_path, {"incidents/feiten.csv": INCIDENTS}), wh, zone, echo=lambda s: None
    )
    assert query(
        wh, "SELECT nis_code FROM marts.districts WHERE layer = 'wijk' AND code = 'W01'"
    ) == [("24038",)]
    assert query(
        wh,
        "SELECT wijk_code::VARCHAR, nis_code::VARCHAR, municipality_name::VARCHAR FROM marts.incidents",
    ) == [("W01", "24038", "Herent")]


def test_without_a_zone_layer_the_zone_row_has_the_outline_the_build_locates_with(tmp_path):
    """The zone layer is optional: the build locates against the union of the areas there
    are, but marts.districts kept the zone without a geometry, so the pages' hot spots
    (Gi*) ran over the hexagons with data only and "Rond welke plaatsen?" found no zone."""
    wh = tmp_path / "wh.duckdb"
    build_warehouse(
        mini_raw(tmp_path, {"incidents/feiten.csv": INCIDENTS}), wh, ZONE_SMALL, echo=lambda s: None
    )
    ((area, geojson, wkt),) = query(
        wh, "SELECT area_km2, geojson, geom_wkt_31370 FROM marts.districts WHERE layer = 'zone'"
    )
    wijken = query(wh, "SELECT sum(area_km2) FROM marts.districts WHERE layer = 'wijk'")[0][0]
    assert geojson and wkt.startswith(("POLYGON", "MULTIPOLYGON"))
    assert area >= wijken * 0.999


def test_a_file_whose_coordinate_columns_are_not_recognised_is_named(tmp_path):
    """With "L72 X feiten" / "L72 Y feiten" not among the known headers the build
    succeeded with every record unlocated and no word; with only X unrecognised, every
    coordinate was ignored for the address."""
    header = "PV-nummer;Datum feit;Categorie;Straat;Huisnr;Gemeente"
    files = {
        "incidents/zonder_xy.csv": header + ";L72 X feiten;L72 Y feiten\n"
        "P1;03/02/2024 10:00;Diefstal;Kerkstraat;1;Herent;171000;177000\n",
        "incidents/enkel_y.csv": header + ";L72 X feiten;Y\n"
        "P2;03/02/2024 10:00;Diefstal;Kerkstraat;1;Herent;171000;177000\n"
        "P3;03/02/2024 10:00;Diefstal;Kerkstraat;1;Herent;171000;177000\n",
        "nuisance/met_xy.csv": "Meldingsnummer;Datum melding;Type overlast;X;Y\n"
        "N1;03/02/2024;Geluidsoverlast;171000;177000\n",
    }
    wh = tmp_path / "wh.duckdb"
    build_warehouse(mini_raw(tmp_path, files), wh, ZONE_SMALL, echo=lambda s: None)
    messages = [
        m for (m,) in query(wh, "SELECT message FROM marts.build_warnings WHERE topic = 'Kolommen'")
    ]
    assert len(messages) == 2, messages
    by_file = {m.split(" ")[0]: m for m in messages}
    assert (
        "geen kolommen die Wijkbeeld als coördinaten (X en Y) leest"
        in by_file["incidents/zonder_xy.csv"]
    )
    assert (
        "het aanvaarde record krijgt zijn plaats enkel via zijn adres"
        in by_file["incidents/zonder_xy.csv"]
    )
    assert 'een kolom voor Y ("Y") maar geen voor X' in by_file["incidents/enkel_y.csv"]
    assert (
        "de 2 aanvaarde feiten krijgen hun plaats enkel via hun adres"
        in by_file["incidents/enkel_y.csv"]
    )
    assert "mappings.toml" in by_file["incidents/enkel_y.csv"]


def test_a_nis_code_typo_in_the_zone_file_is_named(tmp_path):
    """zone.toml said 24083 where the boundary layers say 24038: no word, and marts.districts
    held a municipality without name beside the configured one without areas."""
    zone = tmp_path / "zone.toml"
    zone.write_text(
        ZONE_SMALL.read_text(encoding="utf-8").replace('nis_code = "24038"', 'nis_code = "24083"'),
        encoding="utf-8",
    )
    wh = tmp_path / "wh.duckdb"
    build_warehouse(
        mini_raw(tmp_path, {"incidents/feiten.csv": INCIDENTS}), wh, zone, echo=lambda s: None
    )
    messages = [
        m
        for (m,) in query(
            wh, "SELECT message FROM marts.build_warnings WHERE message LIKE '%NIS-code%'"
        )
    ]
    assert len(messages) == 1
    assert (
        "een NIS-code die geen gemeente van de zoneconfiguratie" in messages[0]
        and ": 24038." in messages[0]
    )


def test_matching_nis_codes_give_no_such_warning(tmp_path):
    wh = tmp_path / "wh.duckdb"
    build_warehouse(
        mini_raw(tmp_path, {"incidents/feiten.csv": INCIDENTS}), wh, ZONE_SMALL, echo=lambda s: None
    )
    assert query(
        wh, "SELECT count(*) FROM marts.build_warnings WHERE message LIKE '%NIS-code%'"
    ) == [(0,)]
