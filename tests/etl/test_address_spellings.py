"""One address, several spellings: the marts' ``address_street`` and ``address_number``.

A hand-kept register writes "Kerkstr. 12" where ISLP writes "Kerkstraat 12"; grouped on the
text as exported, one problem address counted as two, neither of them repeated."""

from __future__ import annotations

import pytest
from etl_helpers import built, macro_connection, query

from etl import labels
from etl.duck import connect

INCIDENTS = (
    "PV-nummer;Datum feit;Categorie;Straat;Huisnr;Postcode;Gemeente;X;Y\r\n"
    "P1;03/02/2024 10:00;Vandalisme;Kerkstraat;12;3020;Herent;171500;177200\r\n"
    "P2;04/02/2024 10:00;Vandalisme;Kerkstr.;12;3020;Herent;171500;177200\r\n"
    "P3;05/02/2024 10:00;Vandalisme;kerkstraat ;012;3020;Herent;171500;177200\r\n"
    "P4;06/02/2024 10:00;Vandalisme;Kerkstraat 12;;3020;Herent;171500;177200\r\n"
    "P5;07/02/2024 10:00;Vandalisme;Kerkstraat;12b;3020;Herent;171500;177200\r\n"
    "P6;08/02/2024 10:00;Vandalisme;Kerkstraat;12 B;3020;Herent;171500;177200\r\n"
    "P7;09/02/2024 10:00;Vandalisme;Kerkstraat;12 bus 3;3020;Herent;171500;177200\r\n"
    "P8;10/02/2024 10:00;Vandalisme;St.-Jansln;4;3020;Herent;171500;177200\r\n"
    "P9;11/02/2024 10:00;Vandalisme;Autosnelweg;;3020;Herent;171500;177200\r\n"
    # The box of P7 written as a register or another export writes it.
    "P11;12/02/2024 10:00;Vandalisme;Kerkstraat;12/3;3020;Herent;171500;177200\r\n"
    "P12;13/02/2024 10:00;Vandalisme;Kerkstraat;12 bte 3;3020;Herent;171500;177200\r\n"
    # Refused (no date): its street is a label of the export but has no address, and sorts
    # between the others (the lookup by ENUM code must not shift past it).
    "P10;;Vandalisme;Brusselsesteenweg;1;3020;Herent;171500;177200\r\n"
)
NUISANCE = (
    "Meldingsnummer,Datum melding,Type overlast,Straat,Huisnummer,Gemeente,Lambert X,Lambert Y\r\n"
    "OV1,03/02/2024 22:00,Geluidshinder,Kerkstr,12,Herent,171500,177200\r\n"
    "OV2,04/02/2024 22:00,Geluidshinder,Sint-Janslaan,4,Herent,171500,177200\r\n"
    "OV3,05/02/2024 22:00,Geluidshinder,Dorpstr.,7,Herent,171500,177200\r\n"
    "OV4,06/02/2024 22:00,Geluidshinder,Dorpstr.,7,Herent,171500,177200\r\n"
    "OV5,07/02/2024 22:00,Geluidshinder,Dorpstraat,7,Herent,171500,177200\r\n"
    "OV6,08/02/2024 22:00,Geluidshinder,Kerkstr.,12 BUS 03,Herent,171500,177200\r\n"
)
ADDRESSES = (
    "Straatnaam;Huisnummer;Postcode;Gemeente;X;Y\r\n"
    "Kerkstraat;12;3020;Herent;171500;177200\r\n"
    "Sint-Janslaan;4;3020;Herent;171600;177200\r\n"
)


#: The two ways a mart looks an address up (etl.labels.address_lookups): by value, for
#: labels with too few rows per value to be ENUMs (these small exports), and by ENUM code
#: (every label an ENUM, as in a real export).
LOOKUPS = pytest.mark.parametrize("rows_per_value", [labels.ENUM_MIN_ROWS_PER_VALUE, 1])


def addresses(tmp_path, with_list: bool, rows_per_value: int, monkeypatch) -> dict[str, tuple]:
    files = {"incidents/pv.csv": INCIDENTS, "nuisance/register.csv": NUISANCE}
    if with_list:
        files["addresses/adressen.csv"] = ADDRESSES
    monkeypatch.setattr(labels, "ENUM_MIN_ROWS_PER_VALUE", rows_per_value)
    wh = built(tmp_path, files)
    # The lookup this run is meant to exercise.
    types = {
        t.split("(")[0] for (t,) in query(wh, "SELECT DISTINCT typeof(street) FROM marts.nuisance")
    }
    assert types == ({"VARCHAR"} if rows_per_value > 1 else {"ENUM"}), types
    rows = query(
        wh,
        "SELECT pv_number, address_street::VARCHAR, address_number::VARCHAR FROM marts.incidents "
        "UNION ALL SELECT report_id, address_street::VARCHAR, address_number::VARCHAR "
        "FROM marts.nuisance",
    )
    return {key: (street, number) for key, street, number in rows}


@LOOKUPS
def test_one_address_written_several_ways_is_one_address(tmp_path, rows_per_value, monkeypatch):
    got = addresses(tmp_path, True, rows_per_value, monkeypatch)
    # Abbreviated, in lower case, with a leading zero, or with the number in the street
    # field: Kerkstraat 12, in both sources.
    for key in ("P1", "P2", "P3", "P4", "OV1"):
        assert got[key] == ("Kerkstraat", "12"), key
    # A letter written three ways is one house, 12B; a box stays its own address, one
    # address however its box is written.
    assert got["P5"] == got["P6"] == ("Kerkstraat", "12B")
    for key in ("P7", "P11", "P12", "OV6"):
        assert got[key] == ("Kerkstraat", "12 bus 3"), key
    # Named as the address list spells it, also when no record does.
    assert got["P8"] == got["OV2"] == ("Sint-Janslaan", "4")
    # A street without number stays a street without number.
    assert got["P9"] == ("Autosnelweg", None)


@LOOKUPS
def test_without_an_address_list_the_records_name_the_street(tmp_path, rows_per_value, monkeypatch):
    got = addresses(tmp_path, False, rows_per_value, monkeypatch)
    # The name written in full, although "Dorpstr." has more records; "Kerkstraat" is
    # written so by most of its records.
    assert got["OV3"] == got["OV4"] == got["OV5"] == ("Dorpstraat", "7")
    assert got["P2"] == got["OV1"] == ("Kerkstraat", "12")
    assert got["P8"] == got["OV2"] == ("Sint-Janslaan", "4")


@pytest.mark.parametrize(
    ("written", "address"),
    [
        ("12", "12"),
        ("012", "12"),
        ("12b", "12B"),
        ("12 B", "12B"),
        ("12-b", "12B"),
        ("012B", "12B"),
        # A box, however written, is "<number> bus <box>".
        ("12 bus 3", "12 bus 3"),
        ("12 BUS 03", "12 bus 3"),
        ("12  bus  3", "12 bus 3"),
        ("12/3", "12 bus 3"),
        ("12 / 3", "12 bus 3"),
        ("12 bte 3", "12 bus 3"),
        ("12 bt 3", "12 bus 3"),
        ("12 b. 3", "12 bus 3"),
        ("12 box 3", "12 bus 3"),
        ("12 boîte 3", "12 bus 3"),
        ("0012/003", "12 bus 3"),
        ("12 bus 3A", "12 bus 3A"),
        # The house's letter before the box, in capitals.
        ("12a/1", "12A bus 1"),
        ("12 A bus 1", "12A bus 1"),
        # No box: a box starts with a digit; a range keeps its dash.
        ("12 bus", "12 bus"),
        ("12 bus A", "12 bus A"),
        ("12-14", "12-14"),
        ("bus 3", "bus 3"),
        (None, None),
    ],
)
def test_house_number_as_address(written, address):
    con = macro_connection()
    assert con.execute("SELECT wb_house_address(?)", [written]).fetchone()[0] == address


def test_the_demo_register_writes_boxes_with_a_slash(demo_warehouse):
    """The demo's nuisance register, kept by hand, writes some boxes "12/3": each counts under
    the same address as ISLP's "12 bus 3"."""
    # The dashboard tests of the same session hold the file open with the settings of
    # etl.duck.connect: DuckDB refuses a second connection to it with other ones.
    con = connect(str(demo_warehouse), read_only=True)
    try:
        [(slashed, left, as_bus)] = con.execute(
            "SELECT count(*) FILTER (WHERE house_number::VARCHAR LIKE '%/%'), "
            "count(*) FILTER (WHERE address_number::VARCHAR LIKE '%/%'), "
            "count(*) FILTER (WHERE house_number::VARCHAR LIKE '%/%' "
            "AND address_number::VARCHAR = replace(house_number::VARCHAR, '/', ' bus ')) "
            "FROM marts.nuisance"
        ).fetchall()
    finally:
        con.close()
    assert slashed > 0
    assert left == 0
    assert as_bus == slashed


def test_the_demo_register_lists_boxes_and_records_find_them(demo_warehouse):
    """The demo's address list, like the address register, gives each box of a building with
    apartments its own row ("Busnummer"). A task at "12 bus 3" is then located exactly when
    the building has box 3, and through the building's own row when it has not; either way
    at the building's point, never unlocated."""
    con = connect(str(demo_warehouse), read_only=True)
    try:
        rows = con.execute(
            "SELECT geocode_method::VARCHAR, count(*) FROM marts.tasks "
            "WHERE regexp_matches(house_number::VARCHAR, '^\\d+ bus \\d+$') GROUP BY ALL"
        ).fetchall()
    finally:
        con.close()
    methods = dict(rows)
    assert methods.get("adres exact", 0) > 0
    assert methods.get("adres genormaliseerd", 0) > 0  # a box the building lacks
    assert set(methods) <= {"adres exact", "adres genormaliseerd"}
