"""Geocoding that placed records at the wrong address, silently (found by a review,
twenty-fourth session): a street of the other municipality of the zone, the base number of
a house with a letter, and an abbreviation the list did not know."""

from __future__ import annotations

from etl_helpers import ZONE_SMALL, build_warehouse, mini_raw, query

HEADER = "PV-nummer;Datum feit;Straat;Huisnr;Postcode;Gemeente;X;Y\r\n"
ADDRESSES = (
    "Straatnaam;Huisnummer;Postcode;Gemeente;X;Y\r\n"
    "Kerkstraat;12;3020;Herent;171010;177010\r\n"
    "Kerkstraat;12B;3020;Herent;171040;177040\r\n"
    "Kerkstraat;12;3070;Kortenberg;173010;177010\r\n"
    "Dorpsstraat;5;3020;Herent;171050;177050\r\n"
    "Veldstraat;3;3020;Herent;171010;176500\r\n"
    "Veldstraat;3A;3020;Herent;171110;176500\r\n"
    "Leuvensesteenweg;5;3020;Herent;172005;177005\r\n"
    "Dr. Goffinlaan;7;3020;Herent;171300;177300\r\n"
    "Burgemeester Dewitstraat;2;3020;Herent;171400;177400\r\n"
)


def geocoded(tmp_path, rows: list[str], addresses: str = ADDRESSES) -> dict[str, tuple]:
    """Per record: (x, y, geocode_method), and the records listed as unmatched."""
    zone = tmp_path / "zone.toml"
    zone.write_text(
        ZONE_SMALL.read_text(encoding="utf-8")
        + '\n[[municipalities]]\nnis_code = "24055"\nname = "Kortenberg"\npopulation = 20000\n',
        encoding="utf-8",
    )
    raw = mini_raw(
        tmp_path,
        {"incidents/f.csv": HEADER + "".join(r + "\r\n" for r in rows),
         "addresses/adressen.csv": addresses},
    )  # fmt: skip
    wh = tmp_path / "wh.duckdb"
    build_warehouse(raw, wh, zone, echo=lambda s: None)
    got = {
        pv: (x, y, method)
        for pv, x, y, method in query(
            wh, "SELECT pv_number, x, y, geocode_method::VARCHAR FROM marts.incidents"
        )
    }
    unmatched = {r[0] for r in query(wh, "SELECT record_key FROM marts.geocode_unmatched")}
    return got, unmatched


def test_a_record_naming_its_municipality_takes_no_address_of_the_other(tmp_path):
    """'Dorpsstraat 5, Kortenberg' took Herent's Dorpsstraat 5 (the only one on the list),
    and 'Kerkstraat 12, 3020 Kortenberg' (postcode and municipality disagree) Herent's
    Kerkstraat 12: the municipality only ranked the candidates. It now filters them, as the
    postcode does; such records stay unmatched and are listed."""
    got, unmatched = geocoded(
        tmp_path,
        [
            "K1;03/02/2024 10:00;Kerkstraat;12;;Kortenberg;;",
            "K2;03/02/2024 10:00;Dorpsstraat;5;;Kortenberg;;",
            "K3;03/02/2024 10:00;Kerkstraat;12;3020;Kortenberg;;",
            "K4;03/02/2024 10:00;Dorpsstraat;5;;3020 Herent;;",  # the place as a label
            "K5;03/02/2024 10:00;Dorpsstraat;5;;;;",  # no place named: the list decides
        ],
    )
    assert got["K1"] == (173010.0, 177010.0, "adres exact")
    assert got["K2"] == got["K3"] == (None, None, None)
    assert {"K2", "K3"} <= unmatched
    assert got["K4"] == got["K5"] == (171050.0, 177050.0, "adres exact")
    assert not {"K1", "K4", "K5"} & unmatched


def test_a_house_number_with_a_letter_takes_that_house(tmp_path):
    """'Kerkstraat 12b' (or 'kerkstraat 12B') got the coordinates of number 12, and
    'Veldstraat 3a' none at all (3 and 3A lie 100 m apart: ambiguous), although the list
    holds 12B and 3A. The candidate with the record's whole number comes first; without
    one, the plainest number stands for the building, as before."""
    got, unmatched = geocoded(
        tmp_path,
        [
            "L1;03/02/2024 10:00;Kerkstraat;12b;3020;Herent;;",
            "L2;03/02/2024 10:00;kerkstraat;12 B;3020;Herent;;",
            "L3;03/02/2024 10:00;Veldstraat;3a;3020;Herent;;",
            "L4;03/02/2024 10:00;Veldstr.;3-A;3020;Herent;;",
            "L5;03/02/2024 10:00;Kerkstraat;12 bus 3;3020;Herent;;",
            "L6;03/02/2024 10:00;Kerkstraat;12;3020;Herent;;",
        ],
    )
    assert got["L1"] == got["L2"] == (171040.0, 177040.0, "adres genormaliseerd")
    assert got["L3"] == got["L4"] == (171110.0, 176500.0, "adres genormaliseerd")
    assert got["L5"] == (171010.0, 177010.0, "adres genormaliseerd")
    assert got["L6"] == (171010.0, 177010.0, "adres exact")
    assert not {"L1", "L2", "L3", "L4", "L5", "L6"} & unmatched


def test_stnwg_is_a_steenweg(tmp_path):
    got, _ = geocoded(
        tmp_path,
        [
            "S1;03/02/2024 10:00;Leuvensestnwg;5;3020;Herent;;",
            "S2;03/02/2024 10:00;Leuvense stnwg.;5;3020;Herent;;",
        ],
    )
    assert got["S1"] == got["S2"] == (172005.0, 177005.0, "adres genormaliseerd")


def test_a_corrected_address_list_beside_the_old_one_wins(tmp_path):
    """A corrected address list (Kerkstraat 12 moved 300 m) beside the old one: both points
    were candidates, more than 50 m apart, so the address read as ambiguous and the record
    was listed as an address "the list does not know" (found by a review). The newest
    list's entry counts (the later file name)."""
    header = "Straatnaam;Huisnummer;Postcode;Gemeente;X;Y\r\n"
    raw = mini_raw(
        tmp_path,
        {
            "incidents/f.csv": HEADER + "A1;03/02/2024 10:00;Kerkstraat;12;3020;Herent;;\r\n",
            "addresses/adressen_2024.csv": header + "Kerkstraat;12;3020;Herent;171000;177000\r\n",
            "addresses/adressen_2025.csv": header + "Kerkstraat;12;3020;Herent;171000;177300\r\n",
        },
    )
    wh = tmp_path / "wh.duckdb"
    build_warehouse(raw, wh, ZONE_SMALL, echo=lambda s: None)
    assert query(wh, "SELECT x, y, geocode_method::VARCHAR FROM marts.incidents") == [
        (171000.0, 177300.0, "adres exact")
    ]
    assert query(wh, "SELECT count(*) FROM marts.geocode_unmatched") == [(0,)]


def test_the_address_lists_box_column_is_part_of_the_address(tmp_path):
    """An address register extract gives each box of a building its own row, the box in a
    column of its own ("Busnummer"/BUSNR). That column was not read: the boxes were the
    house number again, so "Kerkstraat 12" averaged the building's entrances and "12 bus 3"
    was never exact. Now "12" with box "3" is the address "12 bus 3"; a record writing the
    box otherwise ("12/3", "12 bte 03") takes that box, tolerantly; one without a box takes
    the house number's own row."""
    header = "Straatnaam;Huisnummer;Busnummer;Postcode;Gemeente;X;Y\r\n"
    addresses = (
        header + "Kerkstraat;12;;3020;Herent;171000;177000\r\n"
        "Kerkstraat;12;1;3020;Herent;171020;177000\r\n"
        "Kerkstraat;12;3;3020;Herent;171040;177000\r\n"
        "Kerkstraat;14;2;3020;Herent;171100;177000\r\n"
        # The box word typed into the box column too: the same box 5, not "bus bus 5".
        "Kerkstraat;16;bus 5;3020;Herent;171200;177000\r\n"
        "Kerkstraat;16;Bte 6;3020;Herent;171220;177000\r\n"
        # Only the word: no box, the building's own row.
        "Kerkstraat;18;bus;3020;Herent;171300;177000\r\n"
        # A register that pads its box numbers: still box 4 of number 20.
        "Kerkstraat;20;;3020;Herent;171400;177000\r\n"
        "Kerkstraat;20;0004;3020;Herent;171440;177000\r\n"
    )
    rows = [
        "B1;03/02/2024 10:00;Kerkstraat;12 bus 3;3020;Herent;;",
        "B2;03/02/2024 10:00;Kerkstraat;12/3;3020;Herent;;",
        "B3;03/02/2024 10:00;kerkstr.;12 bte 03;3020;Herent;;",
        "B4;03/02/2024 10:00;Kerkstraat;12;3020;Herent;;",
        "B5;03/02/2024 10:00;Kerkstraat;14 bus 2;3020;Herent;;",
        # A box the list does not know: the building's own row stands for it.
        "B6;03/02/2024 10:00;Kerkstraat;12 bus 9;3020;Herent;;",
        "B7;03/02/2024 10:00;Kerkstraat;16 bus 5;3020;Herent;;",
        "B8;03/02/2024 10:00;Kerkstraat;16/6;3020;Herent;;",
        "B9;03/02/2024 10:00;Kerkstraat;18;3020;Herent;;",
        "B10;03/02/2024 10:00;Kerkstraat;20 bus 4;3020;Herent;;",
    ]
    got, _ = geocoded(tmp_path, rows, addresses)
    assert got["B1"] == (171040.0, 177000.0, "adres exact")
    assert got["B2"] == got["B3"] == (171040.0, 177000.0, "adres genormaliseerd")
    assert got["B4"] == (171000.0, 177000.0, "adres exact")
    assert got["B5"] == (171100.0, 177000.0, "adres exact")
    assert got["B6"] == (171000.0, 177000.0, "adres genormaliseerd")
    assert got["B7"] == (171200.0, 177000.0, "adres exact")
    assert got["B8"] == (171220.0, 177000.0, "adres genormaliseerd")
    assert got["B9"] == (171300.0, 177000.0, "adres exact")
    assert got["B10"] == (171440.0, 177000.0, "adres genormaliseerd")
    # The upload preview and the Data page name the column as the register does.
    mapped = query(
        tmp_path / "wh.duckdb",
        "SELECT field, header FROM raw.file_columns WHERE kind = 'addresses' AND field = 'box'",
    )
    assert mapped == [("box", "Busnummer")]


def test_a_title_abbreviated_without_its_full_stop_is_written_out(tmp_path):
    """ "Dr Goffinlaan" did not match the list's "Dr. Goffinlaan" (only "dr." was written
    out) and stayed unlocated (an audit); "Burg Dewitstraat" the same."""
    got, unmatched = geocoded(
        tmp_path,
        [
            "D1;03/02/2024 10:00;Dr Goffinlaan;7;3020;Herent;;",
            "D2;03/02/2024 10:00;Dokter Goffinlaan;7;3020;Herent;;",
            "D3;03/02/2024 10:00;Burg Dewitstraat;2;3020;Herent;;",
            "D4;03/02/2024 10:00;Burg. Dewitstraat;2;3020;Herent;;",
        ],
    )
    assert got["D1"] == got["D2"] == (171300.0, 177300.0, "adres genormaliseerd")
    assert got["D3"] == got["D4"] == (171400.0, 177400.0, "adres genormaliseerd")
    assert not unmatched
