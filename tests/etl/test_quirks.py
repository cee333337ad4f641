"""Each export quirk of issue 3 on a tiny raw folder built in the test."""

from __future__ import annotations

import io
import shutil
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from etl_helpers import INCIDENT_HEADER, RAW_SMALL, ZONE_SMALL, build, mini_raw, query
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from etl.build import BuildError, build_warehouse
from etl.config import zone_today

# W01 = (171000, 177000), W02 = (173000, 177000) in the fixture boundaries.
W01 = ("171000,5", "177000,25")
#: The build's "today" (the zone's clock): a fact on it is not in the future.
TODAY = zone_today()
W02 = ("173000", "177000")


def incidents_csv(rows: list[str], header: str = INCIDENT_HEADER, sep: str = ";") -> str:
    lines = [header.replace(";", sep), *(r.replace(";", sep) for r in rows)]
    return "\r\n".join(lines) + "\r\n"


def incident(pv: str, when: str = "03/02/2024 14:30", xy=W01, **kw) -> str:
    x, y = xy
    return ";".join(
        [
            pv,
            when,
            kw.get("to", ""),
            kw.get("reg", ""),
            kw.get("cat", "Vandalisme"),
            kw.get("street", "Kerkstraat"),
            kw.get("nr", "1"),
            kw.get("pc", "3020"),
            kw.get("muni", "Herent"),
            x,
            y,
        ]
    )


def mart(wh, sql):
    return query(wh, sql)


def moments(wh) -> dict[str, tuple]:
    """Per PV: beginning and end (text; end None when exact) and the hour of the mart."""
    return {
        r[0]: (str(r[1]), str(r[2]) if r[2] else None, r[3])
        for r in mart(wh, "SELECT pv_number, occurred_from, occurred_to, hour FROM marts.incidents")
    }


def built(tmp_path, files: dict[str, bytes | str]):
    """The warehouse built from the fixture boundaries and ``files`` (see mini_raw)."""
    wh = tmp_path / "wh.duckdb"
    build(mini_raw(tmp_path, files), wh)
    return wh


def workbook(sheets: dict[str, list[list]]) -> bytes:
    """An .xlsx with these sheets (name -> rows, appended as given), as bytes."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("sep", [";", ",", "|", "\t"])
def test_separators(tmp_path, sep):
    rows = [incident("PV1", xy=("171000.5", "177000.25")), incident("PV2", xy=W02)]
    if sep == ",":  # decimal commas must then be quoted
        rows = [incident("PV1", xy=('"171000,5"', '"177000,25"')), incident("PV2", xy=W02)]
    wh = built(tmp_path, {"incidents/a.csv": incidents_csv(rows, sep=sep)})
    got = mart(wh, "SELECT pv_number, x, wijk_code FROM marts.incidents ORDER BY 1")
    assert got == [("PV1", 171000.5, "W01"), ("PV2", 173000.0, "W02")]
    assert mart(wh, "SELECT delimiter FROM marts.load_files WHERE kind = 'incidents'") == [(sep,)]


def test_grouped_coordinates_are_read_or_left_unlocated_never_misread(tmp_path):
    rows = [
        incident("G1", xy=("171.000,5", "177.000,25")),  # Dutch grouping
        incident("G2", xy=("171\u00a0000,5", "177\u202f000,25")),  # Excel's (narrow) no-break space
        incident("G3", xy=("171,000.5", "177,000.25")),  # English grouping
        incident("G4", xy=("171.0005,5", "177.000,25")),  # not groups of three: no number
    ]
    wh = built(tmp_path, {"incidents/a.csv": incidents_csv(rows).encode("utf-8")})
    got = mart(
        wh, "SELECT pv_number, x, y, wijk_code, location_status FROM marts.incidents ORDER BY 1"
    )
    assert got == [
        ("G1", 171000.5, 177000.25, "W01", "ok"),
        ("G2", 171000.5, 177000.25, "W01", "ok"),
        ("G3", 171000.5, 177000.25, "W01", "ok"),
        ("G4", None, None, None, "geen_locatie"),
    ]


def test_longitude_latitude_columns_are_read_as_coordinates(tmp_path):
    from pyproj import Transformer

    lon, lat = Transformer.from_crs("EPSG:31370", "EPSG:4326", always_xy=True).transform(
        171000.5, 177000.25
    )
    # Open data in English and WGS84; a file with both kinds of column is read in Lambert.
    stations = f"Type,Name,Longitude,Latitude\nStation,Herent,{lon:.8f},{lat:.8f}\n"
    both = f"Type;Naam;X;Y;Lon;Lat\nSchool;Sint-Rémi;173000;177000;{lon:.8f};{lat:.8f}\n"
    raw = mini_raw(tmp_path, {"poi/stations.csv": stations, "poi/scholen.csv": both})
    wh = tmp_path / "wh.duckdb"
    build(raw, wh)
    got = mart(wh, "SELECT name, x, y, wijk_code, location_note FROM marts.poi ORDER BY name")
    assert [(r[0], r[3], r[4]) for r in got] == [
        ("Herent", "W01", "WGS84-coördinaten omgezet naar Lambert 72"),
        ("Sint-Rémi", "W02", None),
    ]
    assert got[0][1] == pytest.approx(171000.5, abs=0.01)
    assert got[0][2] == pytest.approx(177000.25, abs=0.01)
    columns = mart(
        wh, "SELECT field, header FROM raw.file_columns WHERE source_file = 'poi/scholen.csv'"
    )
    assert ("x", "X") in columns and ("y", "Y") in columns


def test_a_point_in_one_column_is_read_as_coordinates(tmp_path):
    """A GIS writes a point as WKT in one column, a form as "latitude, longitude" the way
    a map app copies it: both are located like X and Y; X/Y columns win when present."""
    from pyproj import Transformer

    lon, lat = Transformer.from_crs("EPSG:31370", "EPSG:4326", always_xy=True).transform(
        171000.5, 177000.25
    )
    register = (
        "Meldingsnummer,Datum melding,Type overlast,WKT\n"
        'OV1,03/02/2024 22:00,Geluidshinder,"POINT (173000 177000)"\n'
        'OV2,03/02/2024 23:00,Zwerfvuil,"SRID=31370;POINT Z (171000.5 177000.25 12)"\n'
        "OV3,04/02/2024 01:00,Zwerfvuil,POINT EMPTY\n"
    )
    form = (
        "PV-nummer;Datum feit;Categorie;Coördinaten;X;Y\n"
        f"G1;03/02/2024 14:30;Vandalisme;{lat:.7f}, {lon:.7f};;\n"
        f"G2;03/02/2024 14:30;Vandalisme;{lon:.7f} {lat:.7f};;\n"
        "G3;03/02/2024 14:30;Vandalisme;171000,5 177000,25;;\n"
        "G4;03/02/2024 14:30;Vandalisme;50.1, 4.1;173000;177000\n"
    )
    wh = built(tmp_path, {"nuisance/meldingen.csv": register, "incidents/formulier.csv": form})
    nuisance = mart(
        wh, "SELECT report_id, x, y, wijk_code, location_status FROM marts.nuisance ORDER BY 1"
    )
    assert nuisance == [
        ("OV1", 173000.0, 177000.0, "W02", "ok"),
        ("OV2", 171000.5, 177000.25, "W01", "ok"),
        ("OV3", None, None, None, "geen_locatie"),
    ]
    got = mart(
        wh,
        "SELECT pv_number, x, y, wijk_code, location_note FROM marts.incidents ORDER BY 1",
    )
    assert [(r[0], r[3]) for r in got] == [
        ("G1", "W01"),
        ("G2", "W01"),
        ("G3", "W01"),
        ("G4", "W02"),
    ]
    for r in got[:2]:
        assert r[4] == "WGS84-coördinaten omgezet naar Lambert 72"
        assert (r[1], r[2]) == (
            pytest.approx(171000.5, abs=0.05),
            pytest.approx(177000.25, abs=0.05),
        )
    assert got[2][1:3] == (171000.5, 177000.25) and got[3][1:3] == (173000.0, 177000.0)


def test_point_lists_without_type_column_take_the_type_of_their_folder(tmp_path):
    """A municipality hands over one list per type (its schools, its youth centres), without
    a Type column: the folder the list is in names the type. A Type column still wins."""
    schools = "Naam;X;Y\nSint-Rémi;171000,5;177000\nDe Klimop;173000;177000\n"
    youth = [["Naam", "X", "Y"], ["JH Sjatoo", 171000.5, 177000]]
    typed = "Type;Naam;X;Y\nCafé;De Zwaan;173000;177000\n"
    files = {
        "poi/School/scholen.csv": schools,
        "poi/Jeugdhuis/jeugdhuizen.xlsx": workbook({"Blad1": youth}),
        "poi/School/andere.csv": typed,
    }
    wh = built(tmp_path, files)
    got = mart(wh, "SELECT poi_type, name, wijk_code FROM marts.poi ORDER BY name")
    assert got == [
        ("School", "De Klimop", "W02"),
        ("Café", "De Zwaan", "W02"),
        ("Jeugdhuis", "JH Sjatoo", "W01"),
        ("School", "Sint-Rémi", "W01"),
    ]
    notes = dict(mart(wh, "SELECT source_file, note FROM marts.load_files WHERE kind = 'poi'"))
    assert notes == {
        "poi/School/scholen.csv": "Geen kolom Type: elk punt krijgt het type 'School' van de map.",
        "poi/Jeugdhuis/jeugdhuizen.xlsx": (
            "Geen kolom Type: elk punt krijgt het type 'Jeugdhuis' van de map."
        ),
        "poi/School/andere.csv": None,
    }


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_encodings_keep_accents(tmp_path, encoding):
    streets = ["Sint-Rémistraat", "Onze-Lieve-Vrouwstraat", "Égide Van Ophemstraat"]
    rows = [incident(f"PV{i}", street=s) for i, s in enumerate(streets)]
    # An en dash only exists in Windows-1252, not in latin-1.
    rows.append(incident("PV9", street="Kerkstraat – zijgevel"))
    wh = built(tmp_path, {"incidents/a.csv": incidents_csv(rows).encode(encoding)})
    got = {r[0] for r in mart(wh, "SELECT street FROM marts.incidents")}
    assert got == {*streets, "Kerkstraat – zijgevel"}


MIXED_STREETS = ["Sint-Rémistraat", "Égide Van Ophemstraat", "Kerkstraat – zijgevel"]


@pytest.mark.parametrize("quoted", [False, True], ids=["streamed", "in-memory"])
@pytest.mark.parametrize(
    "parts", [("utf-8", "cp1252"), ("cp1252", "utf-8"), ("utf-8-sig", "cp1252")]
)
@pytest.mark.parametrize("block", [None, 64], ids=["one-block", "64-byte-blocks"])
def test_a_file_in_two_encodings_keeps_every_accent(tmp_path, monkeypatch, parts, quoted, block):
    """Two exports pasted together ("copy a.csv+b.csv"), one in UTF-8 and one in
    Windows-1252: the file is no valid UTF-8, so it was read as Windows-1252 and the UTF-8
    half came out as "Sint-RÃ©mistraat" (no street found again, silently); with the UTF-8
    half's byte order mark in front, the whole file failed as damaged. Each line is now read
    in its own encoding, and the file's note says which lines were in which. Also with lines
    split over the reader's blocks, and for a file read in memory (quotes)."""
    from etl.sources import tabular

    if block:
        monkeypatch.setattr(tabular, "SCAN_BLOCK", block)
    first = [incident(f"A{i}", street=s) for i, s in enumerate(MIXED_STREETS)]
    second = [incident(f"B{i}", street=s) for i, s in enumerate(MIXED_STREETS)]
    if quoted:
        second[0] = second[0].replace("Sint-Rémistraat", '"Sint-Rémistraat"')
    head, tail = incidents_csv(first), "\r\n".join(second) + "\r\n"
    data = head.encode(parts[0]) + tail.encode(parts[1])
    wh = built(tmp_path, {"incidents/plak.csv": data})
    got = dict(mart(wh, "SELECT pv_number, street FROM marts.incidents"))
    assert got == {
        **{f"A{i}": s for i, s in enumerate(MIXED_STREETS)},
        **{f"B{i}": s for i, s in enumerate(MIXED_STREETS)},
    }
    [(encoding, note)] = mart(
        wh, "SELECT encoding, note FROM marts.load_files WHERE source_file = 'incidents/plak.csv'"
    )
    assert encoding == "utf-8+cp1252"
    # As many lines in each: the note names the UTF-8 ones.
    in_utf8 = "2–4" if parts[1] == "cp1252" else "5–7"
    assert note == (
        "Het bestand mengt twee tekencoderingen (twee exports achter elkaar geplakt?): "
        f"regels {in_utf8} in UTF-8, de andere regels met accenten in Windows-1252. Elke regel "
        "is in zijn eigen codering gelezen, zodat de accenten goed staan."
    )


def test_windows_1252_text_that_only_looks_like_utf8_stays_windows_1252(tmp_path):
    """French and Dutch in Windows-1252 ("Château", "Rue de l'Église", "Ijsvogel°") hold no
    byte pair UTF-8 writes an accent with: read as Windows-1252, as before, without a note;
    a UTF-8 byte order mark before Windows-1252 lines says so."""
    streets = ["Château d'Eau", "Rue de l'Église", "Brûlé – Âne", "Kerkstraat °3"]
    rows = [incident(f"C{i}", street=s) for i, s in enumerate(streets)]
    wh = built(tmp_path, {"incidents/a.csv": incidents_csv(rows).encode("cp1252")})
    assert {r[0] for r in mart(wh, "SELECT street FROM marts.incidents")} == set(streets)
    assert mart(wh, "SELECT encoding, note FROM marts.load_files WHERE kind = 'incidents'") == [
        ("cp1252", None)
    ]
    bom = b"\xef\xbb\xbf" + incidents_csv(rows).encode("cp1252")
    wh = built(tmp_path / "bom", {"incidents/a.csv": bom})
    assert {r[0] for r in mart(wh, "SELECT street FROM marts.incidents")} == set(streets)
    [(note,)] = mart(wh, "SELECT note FROM marts.load_files WHERE kind = 'incidents'")
    assert note.startswith("Het bestand begint met het kenmerk van UTF-8 (BOM)")


def test_header_variants_are_recognised(tmp_path):
    header = "Notitienummer;Begindatum;Einddatum;Opstellingsdatum;Feitcategorie;Straatnaam;Nummer;Postnummer;Plaats;Lambert X;Lambert Y"
    raw = mini_raw(tmp_path, {"incidents/a.csv": incidents_csv([incident("N1")], header=header)})
    wh = tmp_path / "wh.duckdb"
    build(raw, wh)
    assert mart(wh, "SELECT pv_number, street, house_number, wijk_code FROM marts.incidents") == [
        ("N1", "Kerkstraat", "1", "W01")
    ]
    cols = dict(mart(wh, "SELECT field, header FROM raw.file_columns WHERE kind = 'incidents'"))
    assert cols["pv_number"] == "Notitienummer" and cols["x"] == "Lambert X"


@pytest.mark.parametrize(
    ("date_header", "x_header", "y_header"),
    [
        ("Datum/uur feit", "X (Lambert 72)", "Y (Lambert 72)"),
        ("Begindatum feiten", "X-coördinaat Lambert", "Y-coördinaat Lambert"),
        ("Datum feiten", "Lambert72 X", "Lambert72 Y"),
        ("Datum/uur feiten", "X Lambert 2008", "Y Lambert 2008"),
    ],
)
def test_a_known_name_with_its_system_or_plural_is_recognised(
    tmp_path, date_header, x_header, y_header
):
    """ "Datum/uur feit" and "Begindatum feiten" stopped the build although "Datum/uur
    feiten" and "Begindatum feit" are known; coordinates under "X (Lambert 72)" were not
    read, and every record was loaded without a location (an audit)."""
    header = f"PV-nummer;{date_header};Straat;{x_header};{y_header}"
    text = header + "\r\nA1;03/02/2024 14:30;Kerkstraat;171000,5;177000\r\n"
    wh = built(tmp_path, {"incidents/a.csv": text})
    assert mart(wh, "SELECT pv_number, occurred_from::VARCHAR, wijk_code FROM marts.incidents") == [
        ("A1", "2024-02-03 14:30:00", "W01")
    ]
    cols = dict(mart(wh, "SELECT field, header FROM raw.file_columns WHERE kind = 'incidents'"))
    assert (cols["occurred_from"], cols["x"], cols["y"]) == (date_header, x_header, y_header)


def test_iso_timestamps_with_an_offset_become_the_zones_local_time(tmp_path):
    """A web platform's export writes moments ("...Z", "+01:00"): read in Belgian time,
    winter and summer, like every other date of the warehouse."""
    rows = [
        incident("Z1", "2024-02-03T13:30:00Z"),  # winter: UTC+1
        incident("Z2", "2024-07-03T12:30:00Z", to="2024-07-03T15:00:00.5+02:00"),  # summer
        incident("Z3", "2024-02-03 14:30:00+0100"),
        incident("Z4", "2024-02-03T14:30"),  # no offset: local time as written
        incident("Z5", "2024-02-03T08:00:00-05:30"),
        # Offsets no place has: DuckDB alone reads "+25:00" as 25 hours.
        incident("Z6", "2024-02-03T13:30:00+25:00"),
        incident("Z7", "2024-02-03T13:30:00+01:75"),
    ]
    wh = built(tmp_path, {"incidents/a.csv": incidents_csv(rows)})
    got = moments(wh)
    assert got == {
        "Z1": ("2024-02-03 14:30:00", None, 14),
        "Z2": ("2024-07-03 14:30:00", "2024-07-03 15:00:00.500000", 14),
        "Z3": ("2024-02-03 14:30:00", None, 14),
        "Z4": ("2024-02-03 14:30:00", None, 14),
        "Z5": ("2024-02-03 14:30:00", None, 14),
    }
    reason = "Datum feit is geen geldige datum (verwacht dd/mm/jjjj uu:mm)"
    assert mart(wh, "SELECT source_row, value, reason FROM marts.rejects ORDER BY 1") == [
        (7, "2024-02-03T13:30:00+25:00", reason),
        (8, "2024-02-03T13:30:00+01:75", reason),
    ]


def test_the_zones_time_zone_reads_the_offsets():
    from etl_helpers import macro_connection

    con = macro_connection({"zone": {"timezone": "UTC"}})
    assert str(con.execute("SELECT wb_ts('2024-07-03T14:30:00+02:00')").fetchone()[0]) == (
        "2024-07-03 12:30:00"
    )


@pytest.mark.parametrize(
    ("files", "said"),
    [
        (
            {"incidents/a.csv": "Iets;Datum feit\r\nA;03/02/2024\r\n"},
            ["Gevonden kolommen: Iets, Datum feit", "PV-nummer", "Notitienummer", "pv_number"],
        ),
        # A list of points without a Type column, not in a folder that names the type.
        (
            {"poi/scholen.csv": "Naam;X;Y\nSint-Rémi;171000,5;177000\n"},
            [
                "Gevonden kolommen: Naam, X, Y",
                "krijgt die uit de map waarin ze staat",
                "poi/School/",
            ],
        ),
    ],
)
def test_missing_required_names_headers_seen_and_expected(tmp_path, files, said):
    raw = mini_raw(tmp_path, files)
    with pytest.raises(BuildError) as exc:
        build(raw, tmp_path / "wh.duckdb")
    msg = str(exc.value)
    assert [s for s in said if s not in msg] == []


def test_a_period_in_one_date_field_is_a_window(tmp_path):
    """An export that writes a fact's window in its one date field ("Datum/uur feiten":
    "van 03/02/2024 22:00 tot 04/02/2024 06:00") lost every such fact: each was refused as
    "geen geldige datum". Each usual form is now a window; an end date without a time runs
    to the end of that day (also in an end-date column of its own); an unreadable end is
    refused with the field's text."""
    header = "PV-nummer;Datum/uur feiten;Einddatum;Categorie;Straat;Huisnr;Postcode;Gemeente;X;Y"
    night = ("2024-02-03 22:00:00", "2024-02-04 06:00:00")
    forms = {
        "P1": ("03/02/2024 22:00 - 04/02/2024 06:00", night),
        "P2": ("03/02/2024 22:00 tot 04/02/2024 06:00", night),
        "P3": ("van 03/02/2024 22:00 tot 04/02/2024 06:00", night),
        "P4": ("Tussen 03/02/2024 22:00 en 04/02/2024 06:00", night),
        "P5": ("03/02/2024 22:00 \u2013 04/02/2024 06:00", night),
        "P6": ("03/02/2024 22:00-06:00", night),
        "P7": ("03/02/2024 22u00 - 06u00", night),
        "P8": ("03/02/2024 - 04/02/2024", ("2024-02-03 00:00:00", "2024-02-05 00:00:00")),
        "P9": (
            "vanaf 03/02/2024 13:00 tot en met 03/02/2024",
            ("2024-02-03 13:00:00", "2024-02-04 00:00:00"),
        ),
        "P10": (
            "2024-02-03 08:00 - 2024-02-03 17:30",
            ("2024-02-03 08:00:00", "2024-02-03 17:30:00"),
        ),
    }
    rows = [
        f"{pv};{text};;Woninginbraak;Kerkstraat;1;3020;Herent;{W01[0]};{W01[1]}"
        for pv, (text, _) in forms.items()
    ]
    rows += [
        # An end date of its own without a time: to the end of that day.
        f"E1;03/02/2024 22:00;04/02/2024;Woninginbraak;Kerkstraat;1;3020;Herent;{W01[0]};{W01[1]}",
        f"E2;03/02/2024 22:00;04/02/2024 06:00;Woninginbraak;Kerkstraat;1;3020;Herent;{W01[0]};{W01[1]}",
        # Today without a time (its window ends at midnight tonight), and an end date of
        # today: not "in de toekomst".
        f"T1;{TODAY:%d/%m/%Y};;Woninginbraak;Kerkstraat;1;3020;Herent;{W01[0]};{W01[1]}",
        f"T2;{TODAY:%d/%m/%Y} 01:00;{TODAY:%d/%m/%Y};Woninginbraak;Kerkstraat;1;3020;Herent;{W01[0]};{W01[1]}",
        # Refused: an end that is no date or time, an end before the beginning.
        f"R1;03/02/2024 22:00 tot 35/02/2024;;Woninginbraak;Kerkstraat;1;3020;Herent;{W01[0]};{W01[1]}",
        f"R2;04/02/2024 22:00 - 03/02/2024 06:00;;Woninginbraak;Kerkstraat;1;3020;Herent;{W01[0]};{W01[1]}",
    ]
    wh = built(tmp_path, {"incidents/a.csv": incidents_csv(rows, header)})
    got = {
        r[0]: (str(r[1]), str(r[2]) if r[2] else None, r[3])
        for r in mart(
            wh, "SELECT pv_number, occurred_from, occurred_to, is_window FROM marts.incidents"
        )
    }
    expected = {pv: (*window, True) for pv, (_, window) in forms.items()}
    expected["E1"] = ("2024-02-03 22:00:00", "2024-02-05 00:00:00", True)
    expected["E2"] = (*night, True)
    tonight = f"{TODAY + timedelta(days=1):%Y-%m-%d} 00:00:00"
    expected["T1"] = (f"{TODAY:%Y-%m-%d} 00:00:00", tonight, True)
    expected["T2"] = (f"{TODAY:%Y-%m-%d} 01:00:00", tonight, True)
    assert got == expected
    refused = mart(wh, "SELECT source_row, field, value, reason FROM marts.rejects ORDER BY 1")
    assert [(r[0], r[1], r[2]) for r in refused] == [
        (16, "Datum/uur feiten", "03/02/2024 22:00 tot 35/02/2024"),
        (17, "Datum/uur feiten", "04/02/2024 22:00 - 03/02/2024 06:00"),
    ]
    assert "einde van de periode" in refused[0][3] and "vóór de begindatum" in refused[1][3]


def test_dates_windows_and_excel_serials(tmp_path):
    rows = [
        incident("D1", "03/02/2024"),
        incident("D2", "3/2/2024 9:05"),
        incident("D3", "2024-02-03T14:30:00"),
        incident("D4", "45325"),  # Excel serial = 2024-02-03
        incident("D5", "45325,5"),  # = 2024-02-03 12:00
        incident("D6", "03/02/2024 22:00", to="04/02/2024 06:30"),  # from-to window
        incident("D7", "03/02/24"),  # two-digit year: refused
        incident("D8", "31/02/2024"),  # impossible: refused
        incident("D9", "2024/02/03 14:30"),  # year first, with slashes
        incident("D10", "03/02/2024\u00a014:30"),  # Excel's no-break space before the time
        # The month in words, as a spreadsheet formats it (Dutch, French, English).
        incident("D11", "zaterdag 3 februari 2024 14:30"),
        incident("D12", "3 févr. 2024"),
        incident("D13", "03-Feb-2024 14:30"),
        incident("D14", "3-feb-24"),  # two-digit year: refused
    ]
    wh = built(tmp_path, {"incidents/a.csv": incidents_csv(rows)})
    got = {
        r[0]: (str(r[1]), str(r[2]) if r[2] else None, r[3])
        for r in mart(
            wh, "SELECT pv_number, occurred_from, occurred_to, is_window FROM marts.incidents"
        )
    }
    # A day without a time of day (D1, the serial D4, D12) is a window of that whole day:
    # its time is unknown, not midnight (the hour x weekday views spread it over the day).
    day = ("2024-02-03 00:00:00", "2024-02-04 00:00:00", True)
    assert got == {
        "D1": day,
        "D2": ("2024-02-03 09:05:00", None, False),
        "D3": ("2024-02-03 14:30:00", None, False),
        "D4": day,
        "D5": ("2024-02-03 12:00:00", None, False),
        "D6": ("2024-02-03 22:00:00", "2024-02-04 06:30:00", True),
        "D9": ("2024-02-03 14:30:00", None, False),
        "D10": ("2024-02-03 14:30:00", None, False),
        "D11": ("2024-02-03 14:30:00", None, False),
        "D12": day,
        "D13": ("2024-02-03 14:30:00", None, False),
    }
    refused = mart(wh, "SELECT source_row, field, value FROM marts.rejects ORDER BY 1")
    assert refused == [
        (8, "Datum feit", "03/02/24"),
        (9, "Datum feit", "31/02/2024"),
        (15, "Datum feit", "3-feb-24"),
    ]


def test_dates_as_a_person_types_them(tmp_path):
    """A register kept by hand writes the time the Flemish way ("14u30"), with "om" or a
    comma before it, a weekday before the date, the date with dashes; French "à 14h30".
    A two-digit year, a US date and AM/PM stay refused."""
    typed = {
        "T1": ("03/02/2024 14u30", "2024-02-03 14:30:00"),
        "T2": ("3/02/2024 om 9u05", "2024-02-03 09:05:00"),
        "T3": ("03/02/2024 14u", "2024-02-03 14:00:00"),
        "T4": ("03/02/2024 14:30 uur", "2024-02-03 14:30:00"),
        "T5": ("03/02/2024, 14.30", "2024-02-03 14:30:00"),
        "T6": ("zaterdag 3/02/2024 - 14:30", "2024-02-03 14:30:00"),
        "T7": ("Za. 03-02-2024 14:30:15", "2024-02-03 14:30:15"),
        "T8": ("samedi 3/02/2024 à 14h30", "2024-02-03 14:30:00"),
        "T9": ("03/02/2024 14:30:00,000", "2024-02-03 14:30:00"),
        "T10": ("3 februari 2024 14u30", "2024-02-03 14:30:00"),
        "T11": ("zaterdag 3/02/2024", "2024-02-03 00:00:00"),
        "T12": ("3 février 2024 à 14h30", "2024-02-03 14:30:00"),
    }
    refused = ["03/02/24 14u30", "02/13/2024 14:30", "03/02/2024 2:30 PM", "03/02/2024 25u00"]
    rows = [incident(pv, when) for pv, (when, _) in typed.items()]
    rows += [incident(f"R{i}", when) for i, when in enumerate(refused)]
    wh = built(tmp_path, {"incidents/a.csv": incidents_csv(rows)})
    got = dict(mart(wh, "SELECT pv_number, occurred_from::VARCHAR FROM marts.incidents"))
    assert got == {pv: moment for pv, (_, moment) in typed.items()}
    assert mart(wh, "SELECT value FROM marts.rejects ORDER BY source_row") == [
        (v,) for v in refused
    ]


def test_future_dates_refused_with_dutch_reason(tmp_path):
    raw = mini_raw(
        tmp_path, {"incidents/a.csv": incidents_csv([incident("F1", "01/01/2999 10:00")])}
    )
    wh = tmp_path / "wh.duckdb"
    build(raw, wh)
    assert mart(wh, "SELECT reason FROM marts.rejects") == [("Datum feit ligt in de toekomst",)]


def test_a_time_later_today_is_in_the_future(tmp_path, monkeypatch):
    """A build at 14:00 refuses a fact, a registration, a nuisance report and an accident
    at 16:00 the same day: the export was made before the build. Within the hour of clock
    margin (14:30), and a day without a time, are accepted."""
    from datetime import datetime

    from etl import config

    monkeypatch.setattr(config, "zone_now", lambda zone=None: datetime(2026, 3, 1, 14, 0))
    rows = [
        incident("L1", "01/03/2026 16:00"),
        incident("L2", "01/03/2026 10:00", reg="01/03/2026 16:00"),
        incident("OK1", "01/03/2026 14:30"),
        incident("OK2", "01/03/2026", reg="01/03/2026 13:55"),
    ]
    nuisance = (
        "Meldingsnummer;Datum melding;Type overlast;Straat;Huisnummer;Postcode;Gemeente;"
        "Lambert X;Lambert Y\n"
        f"OV1;01/03/2026 16:00;Geluidsoverlast;Kerkstraat;4;3020;Herent;{W01[0]};{W01[1]}\n"
        f"OV2;01/03/2026 13:00;Geluidsoverlast;Kerkstraat;4;3020;Herent;{W01[0]};{W01[1]}\n"
    )
    accidents = (
        "Ongevalnummer;Datum/uur;Straat;Huisnr;Gemeente;X;Y;Ernst\n"
        f"LE1;01/03/2026 16:00;Kerkstraat;;Herent;{W01[0]};{W01[1]};Lichtgewond\n"
        f"LE2;01/03/2026 09:00;Kerkstraat;;Herent;{W01[0]};{W01[1]};Lichtgewond\n"
    )
    wh = built(
        tmp_path,
        {
            "incidents/a.csv": incidents_csv(rows),
            "nuisance/b.csv": nuisance,
            "accidents/c.csv": accidents,
        },
    )
    assert mart(wh, "SELECT pv_number FROM marts.incidents ORDER BY 1") == [("OK1",), ("OK2",)]
    assert mart(wh, "SELECT report_id FROM marts.nuisance") == [("OV2",)]
    assert mart(wh, "SELECT accident_id FROM marts.accidents") == [("LE2",)]
    assert mart(
        wh, "SELECT kind, field, value, reason FROM marts.rejects ORDER BY kind, source_row"
    ) == [  # the field as the export names it
        ("accidents", "Datum/uur", "01/03/2026 16:00", "Datum/uur ligt in de toekomst"),
        ("incidents", "Datum feit", "01/03/2026 16:00", "Datum feit ligt in de toekomst"),
        (
            "incidents",
            "Registratiedatum",
            "01/03/2026 16:00",
            "Registratiedatum ligt in de toekomst",
        ),
        ("nuisance", "Datum melding", "01/03/2026 16:00", "Datum melding ligt in de toekomst"),
    ]


def test_the_end_of_a_window_later_today_is_in_the_future(tmp_path, monkeypatch):
    """A build at 14:00 refuses a burglary window "until 18:00" the same day, as it refuses
    a beginning at 16:00: whether the end comes from the end-date column, the period in the
    date field or an hour column of its own. An end within the hour of clock margin
    (14:30), an end day without a time (today) and a night that ended this morning are
    accepted."""
    from datetime import datetime

    from etl import config

    monkeypatch.setattr(config, "zone_now", lambda zone=None: datetime(2026, 3, 1, 14, 0))
    rows = [
        incident("E1", "01/03/2026 08:00", to="01/03/2026 18:00"),
        incident("E2", "01/03/2026 08:00 - 01/03/2026 17:00"),
        incident("OK1", "01/03/2026 08:00", to="01/03/2026 14:30"),
        incident("OK2", "01/03/2026 08:00", to="01/03/2026"),
        incident("OK3", "28/02/2026 22:00", to="01/03/2026 06:00"),
    ]
    hours = (
        "PV-nummer;Datum feit;Uur feit;Einduur;Categorie;Straat;Huisnr;Postcode;Gemeente;X;Y\n"
        f"E3;01/03/2026;09:00;19:00;Diefstal;Kerkstraat;1;3020;Herent;{W01[0]};{W01[1]}\n"
        f"OK4;01/03/2026;09:00;13:00;Diefstal;Kerkstraat;1;3020;Herent;{W01[0]};{W01[1]}\n"
    )
    wh = built(tmp_path, {"incidents/a.csv": incidents_csv(rows), "incidents/b.csv": hours})
    assert mart(wh, "SELECT pv_number FROM marts.incidents ORDER BY 1") == [
        ("OK1",), ("OK2",), ("OK3",), ("OK4",),
    ]  # fmt: skip
    assert mart(
        wh, "SELECT field, value, reason FROM marts.rejects ORDER BY source_file, source_row"
    ) == [
        ("Einddatum feit", "01/03/2026 18:00", "Einddatum feit ligt in de toekomst"),
        ("Datum feit", "01/03/2026 08:00 - 01/03/2026 17:00", "Einddatum feit ligt in de toekomst"),
        ("Einduur", "19:00", "Einduur feit ligt in de toekomst"),
    ]


def test_coordinates_swapped_zero_outside(tmp_path):
    rows = [
        incident("C1", xy=("177000", "171000")),  # swapped, Herent -> repaired to W01
        incident("C2", xy=("0", "0")),
        incident("C3", xy=("150000", "170000")),  # outside the zone: kept, flagged
        incident("C4", xy=("177001", "171000"), muni="Leuven"),  # other municipality: not swapped
        incident("C5", xy=("4,6795", "50,8868")),  # WGS84 in a Lambert column
    ]
    wh = built(tmp_path, {"incidents/a.csv": incidents_csv(rows)})
    got = {
        r[0]: r[1:]
        for r in mart(wh, "SELECT pv_number, location_status, wijk_code, x FROM marts.incidents")
    }
    assert got["C1"] == ("ok", "W01", 171000.0)
    assert got["C2"] == ("geen_locatie", None, None)
    assert got["C3"] == ("buiten_zone", None, 150000.0)
    assert got["C4"] == ("buiten_zone", None, 177001.0)
    assert got["C5"][0] in ("ok", "buiten_zone", "geen_wijk")
    assert len(got) == 5  # nothing refused, nothing moved into a wijk


def test_a_record_that_may_swap_does_not_move_another_at_the_same_point(tmp_path):
    """Swap permission is per record, not per point: a Herent record (and a control, which
    names no municipality) at a swapped-looking pair is repaired, a Leuven record at the
    very same pair keeps its coordinates, as it does when alone."""
    rows = [
        incident("L1", xy=("177001", "171000"), street="Tiensesteenweg", pc="3000", muni="Leuven"),
        incident("H1", xy=("177001", "171000"), muni="Herent"),
    ]
    controls = (
        "Controlenummer;Type controle;Begin;Einde;Straat;X;Y;Gecontroleerde voertuigen;"
        "Overtredingen\r\nC1;Snelheid;03/02/2024 10:00;03/02/2024 12:00;Tiensesteenweg;"
        "177001;171000;10;1\r\n"
    )
    wh = built(tmp_path, {"incidents/a.csv": incidents_csv(rows), "controls/c.csv": controls})
    sql = "SELECT pv_number, location_status, location_note, wijk_code, x, y FROM marts.incidents"
    got = {r[0]: r[1:] for r in mart(wh, sql)}
    assert got["L1"] == ("buiten_zone", None, None, 177001.0, 171000.0)
    assert got["H1"] == ("ok", "X en Y omgewisseld", "W01", 171000.0, 177001.0)
    assert mart(wh, "SELECT location_status, wijk_code, x FROM marts.controls") == [
        ("ok", "W01", 171000.0)
    ]


def test_duplicates_within_and_across_exports(tmp_path):
    old = incidents_csv([incident("P1", cat="Oud"), incident("P2"), incident("P2", cat="Tweede")])
    new = incidents_csv([incident("P1", "04/03/2024 10:00", cat="Nieuw")])
    wh = built(tmp_path, {"incidents/2024_a.csv": old, "incidents/2024_b.csv": new})
    got = dict(mart(wh, "SELECT pv_number, category FROM marts.incidents"))
    assert got == {"P1": "Nieuw", "P2": "Tweede"}
    refused = mart(wh, "SELECT source_row, reason FROM marts.rejects")
    assert refused == [
        (3, "PV-nummer komt meermaals voor in dit bestand; de laatste bruikbare rij telt")
    ]


def test_later_refused_row_does_not_cost_the_good_one(tmp_path):
    """Within a file the last *usable* row of a key counts: a later row refused for a fault
    of its own (here a date that does not exist, or none) leaves the good one in place."""
    rows = [
        incident("P1", cat="Goed"),  # row 2: counts
        incident("P1", "31/02/2024 10:00", cat="Fout"),  # 3: refused for its date
        incident("P2", cat="Eerst"),  # 4: superseded by row 5
        incident("P2", cat="Dan"),  # 5: counts
        incident("P2", "", cat="Leeg"),  # 6: refused, no date
        incident("P3", "00/00/0000"),  # 7 and 8: both refused for their own fault
        incident("P3", "99/99/2024"),
    ]
    wh = built(tmp_path, {"incidents/a.csv": incidents_csv(rows)})
    assert dict(mart(wh, "SELECT pv_number, category FROM marts.incidents")) == {
        "P1": "Goed",
        "P2": "Dan",
    }
    refused = mart(wh, "SELECT source_row, field, reason FROM marts.rejects ORDER BY source_row")
    assert [(r, f) for r, f, _ in refused] == [
        (3, "Datum feit"),
        (4, "PV-nummer"),
        (6, "Datum feit"),
        (7, "Datum feit"),
        (8, "Datum feit"),
    ]
    assert (
        refused[1][2]
        == "PV-nummer komt meermaals voor in dit bestand; de laatste bruikbare rij telt"
    )
    assert "meermaals" not in refused[0][2] + refused[3][2] + refused[4][2]
    read, accepted, rejected = mart(
        wh, "SELECT rows_read, rows_accepted, rows_rejected FROM marts.load_files"
    )[0]
    assert (read, accepted, rejected) == (7, 2, 5)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    files=st.lists(
        st.sets(st.sampled_from(["P1", "P2", "P3", "P4", "P5", "P6"]), min_size=1),
        min_size=1,
        max_size=3,
    )
)
@example(files=[{"P1", "P2", "P3"}, {"P4"}, {"P4"}])  # repeated only outside the largest file
@example(files=[{"P1"}, {"P1", "P2", "P3"}])  # the largest file is the newest
def test_newest_export_wins_whichever_file_is_largest(tmp_path_factory, files):
    """File k holds the dates of month k+1, so the last file is the newest; each key's
    version comes from the newest file holding it, whichever file has the most rows."""
    tmp = tmp_path_factory.mktemp("overlap")
    exports = {
        f"incidents/export_{k}.csv": incidents_csv(
            [
                incident(pv, f"0{k + 1}/0{k + 1}/2024 10:00", cat=f"Versie {k}")
                for pv in sorted(keys)
            ]
        )
        for k, keys in enumerate(files)
    }
    raw = mini_raw(tmp, exports)
    wh = tmp / "wh.duckdb"
    build(raw, wh)
    got = dict(mart(wh, "SELECT pv_number, category FROM marts.incidents"))
    expected = {pv: f"Versie {k}" for k, keys in enumerate(files) for pv in keys}
    assert got == expected


def test_failed_checks_are_named_together_and_keep_the_warehouse(tmp_path, monkeypatch):
    """Checks run beside the last marts; every one that returns rows is named, and the
    warehouse in place stays as it was."""
    from etl import config

    raw = mini_raw(tmp_path / "r", {"incidents/a.csv": incidents_csv([incident("P1")])})
    wh = tmp_path / "wh.duckdb"
    build(raw, wh)
    before = wh.read_bytes()
    sql = tmp_path / "sql"
    shutil.copytree(config.SQL_DIR, sql)
    (sql / "checks" / "zz_always.sql").write_text("select pv_number from marts.incidents")
    (sql / "checks" / "zz_daily.sql").write_text("select * from marts.daily_counts limit 1")
    # A check in branches (one job each): the branch that returns rows is named by its check.
    (sql / "checks" / "zz_branches.sql").write_text(
        "select 'accidents' as mart, accident_id as key from marts.accidents\n"
        "union all select 'incidents' as mart, pv_number as key from marts.incidents\n"
    )
    monkeypatch.setattr(config, "SQL_DIR", sql)
    with pytest.raises(BuildError, match="Controles gefaald") as failed:
        build(raw, wh)
    assert "zz_always: {'pv_number': 'P1'}" in str(failed.value)
    assert "zz_daily:" in str(failed.value)
    assert "zz_branches: {'mart': 'incidents', 'key': 'P1'}" in str(failed.value)
    assert wh.read_bytes() == before


def test_empty_file_fails_clearly(tmp_path):
    raw = mini_raw(tmp_path, {"incidents/leeg.csv": b""})
    with pytest.raises(BuildError, match="leeg"):
        build(raw, tmp_path / "wh.duckdb")


def test_binary_file_fails_clearly_and_keeps_warehouse(tmp_path):
    good = mini_raw(tmp_path / "g", {"incidents/a.csv": incidents_csv([incident("P1")])})
    wh = tmp_path / "wh.duckdb"
    build(good, wh)
    before = wh.read_bytes()
    (good / "incidents" / "kapot.csv").write_bytes(b"%PDF-1.4\x00\x01\x02binary")
    with pytest.raises(BuildError, match="geen tekstbestand"):
        build(good, wh)
    assert wh.read_bytes() == before


def test_row_with_more_fields_than_the_header_is_refused_with_its_text(tmp_path):
    """A separator in an unquoted field shifts every field after it: the row is refused
    (its text up to the first personal column is the value: shifted, a name may stand in
    any field after that), never read shifted."""
    header = INCIDENT_HEADER + ";Naam verdachte"
    rows = [
        incident("P1") + ";Jan Peeters",
        incident("P2", cat="Vandalisme; graffiti") + ";An Maes",  # row 3: one field too many
        incident("P3") + ";",  # a trailing separator: an empty surplus field is no field
        incident("P4") + ";Piet Janssens",
    ]
    wh = built(tmp_path, {"incidents/a.csv": incidents_csv(rows, header=header)})
    accepted = mart(wh, "SELECT pv_number, category, x FROM marts.incidents ORDER BY 1")
    assert accepted == [(p, "Vandalisme", 171000.5) for p in ("P1", "P3", "P4")]
    [(row, field, value, reason)] = mart(
        wh, "SELECT source_row, field, value, reason FROM marts.rejects"
    )
    assert (row, field) == (3, "(hele rij)")
    assert value == ("P2;03/02/2024 14:30;;;Vandalisme; graffiti;Kerkstraat;1;3020;Herent;171000,5")
    assert "An Maes" not in value and "meer velden dan de kopregel" in reason


def test_a_shifted_row_of_an_export_whose_lines_end_in_a_separator_is_refused(tmp_path):
    """Every line ends in ";" (the header too): a separator in an unquoted field put the
    row's surplus field in the header's empty last column, not after it, and the row was
    loaded with its street, number and coordinates one field on, without a refusal (an
    audit). A row with a real extra field is refused the same way."""
    rows = [
        incident("P1") + ";",
        incident("P2", cat="Vandalisme; graffiti") + ";",  # row 3: one field too many
        incident("P3") + ";",
        incident("P4") + ";extra;",  # row 5: a field the header does not name
        incident("P5") + ";nagekeken door JD",  # a remark in the unnamed column: a good row
        incident("P6") + ';"dubbel; nakijken"',
    ]
    wh = built(tmp_path, {"incidents/a.csv": incidents_csv(rows, header=INCIDENT_HEADER + ";")})
    accepted = mart(wh, "SELECT pv_number, category, street, x FROM marts.incidents ORDER BY 1")
    assert accepted == [(p, "Vandalisme", "Kerkstraat", 171000.5) for p in ("P1", "P3", "P5", "P6")]
    refused = mart(wh, "SELECT source_row, field, reason FROM marts.rejects ORDER BY 1")
    assert [(r, f) for r, f, _ in refused] == [(3, "(hele rij)"), (5, "(hele rij)")]
    assert all("meer velden dan de kopregel" in reason for *_, reason in refused)


def test_unnamed_last_columns_are_not_read_when_every_row_has_them(tmp_path):
    """Every row one field longer than the header: the header merely lacks a name for the
    last column, which is not read; no row is refused."""
    rows = [incident("P1") + ";opmerking", incident("P2", xy=W02) + ";andere"]
    wh = built(tmp_path, {"incidents/a.csv": incidents_csv(rows)})
    assert mart(wh, "SELECT pv_number, wijk_code FROM marts.incidents ORDER BY 1") == [
        ("P1", "W01"),
        ("P2", "W02"),
    ]
    assert mart(wh, "SELECT count(*) FROM marts.rejects") == [(0,)]


def test_every_row_longer_than_the_header_is_said_in_the_file_note(tmp_path):
    """The unnamed last fields are not read, and the file's note says so (nothing did)."""
    rows = [
        incident("P1", xy=("171000.5", "177000")) + ";opmerking",
        incident("P2", xy=W02) + ";andere",
    ]
    wh = built(tmp_path, {"incidents/a.csv": incidents_csv(rows, sep=",")})
    assert mart(wh, "SELECT count(*) FROM marts.incidents") == [(2,)]
    [(note,)] = mart(wh, "SELECT note FROM marts.load_files WHERE kind = 'incidents'")
    assert "Elke rij telt meer velden dan de kopregel" in note and '("Y")' in note


@pytest.mark.parametrize(
    ("header", "rows"),
    [
        # The audit's file: X's decimal comma pushes its fraction into Y, Y into the street.
        (
            "PV-nummer,Datum feit,X,Y,Straat",
            ["A1,03/02/2024 14:30,171000,5,177000,Kerkstraat",
             "A2,03/02/2024 15:30,172000,5,177100,Kerkstraat"],
        ),
        # Y's decimal comma pushes its fraction into the status.
        (
            "PV-nummer,Datum feit,Straat,X,Y,Status",
            ["A1,03/02/2024 14:30,Kerkstraat,171000,177000,25,Open",
             "A2,03/02/2024 15:30,Kerkstraat,172100,177100,5,Open"],
        ),
        # Degrees: "50,8812" read as 50 and 8812.
        (
            "PV-nummer,Datum feit,Straat,Lat,Lon",
            ["A1,03/02/2024 14:30,Kerkstraat,50,8812,4,6543",
             "A2,03/02/2024 15:30,Kerkstraat,50,8790,4,6601"],
        ),
    ],
)  # fmt: skip
def test_decimal_commas_in_a_comma_separated_file_refuse_its_rows(tmp_path, header, rows):
    """Every row one field longer than the header because decimal commas split the
    coordinates: the rows were loaded shifted (street "177000", status "25", X 171000 and
    Y 5, so no location) with no refusal (an audit). Each row is refused and the reason
    names the decimal comma."""
    wh = built(tmp_path, {"incidents/a.csv": "\r\n".join([header, *rows]) + "\r\n"})
    assert mart(wh, "SELECT count(*) FROM marts.incidents") == [(0,)]
    got = mart(wh, "SELECT source_row, field, value, reason FROM marts.rejects ORDER BY 1")
    assert [(r, f) for r, f, _, _ in got] == [(2, "(hele rij)"), (3, "(hele rij)")]
    # The row as read, up to its first surplus field (degrees split twice lose the last).
    for (_, _, value, _), row in zip(got, rows, strict=True):
        assert row.startswith(value) and value.count(",") == header.count(",") + 1
    assert all("decimale komma" in reason for _, _, _, reason in got)


def test_database_null_markers_are_empty_cells(tmp_path):
    """An export dumped from a database writes NULL (SQL Server) or \\N (MySQL) in every
    empty cell: those are no values, not an end date that is no date."""
    rows = [
        incident("N1", to="NULL", reg="NULL"),
        incident("N2", to="\\N", street="NULL", nr="null", xy=("NULL", "NULL")),
    ]
    sheet = [
        ["PV nr", "Datum/uur feiten", "Einddatum", "Straat", "X", "Y"],
        ["N3", "03/02/2024 15:00", "NULL", "Kerkstraat", 171000.5, 177000],
    ]
    files = {"incidents/a.csv": incidents_csv(rows), "incidents/b.xlsx": workbook({"Blad1": sheet})}
    wh = built(tmp_path, files)
    got = mart(
        wh,
        "SELECT pv_number, occurred_to, registered_at, street, house_number, location_status "
        "FROM marts.incidents ORDER BY 1",
    )
    assert got == [
        ("N1", None, None, "Kerkstraat", "1", "ok"),
        ("N2", None, None, None, None, "geen_locatie"),
        ("N3", None, None, "Kerkstraat", None, "ok"),
    ]
    assert mart(wh, "SELECT count(*) FROM marts.rejects") == [(0,)]


@pytest.mark.parametrize(
    "cut",
    [
        "P3;03/02/2024 1",  # inside the date
        "P3;03/02/2024 14:30;;;Diefstal;Kerkstraat;1;3020;Her",  # after it: no coordinates
    ],
)
def test_truncated_file_keeps_good_rows_and_refuses_the_cut_row(tmp_path, cut):
    """A file cut off mid-write ends inside its last row: that row is refused as cut off
    (DuckDB alone pads it with empty fields, and read after its date it was accepted
    without coordinates), the rows before it are kept."""
    text = incidents_csv([incident("P1"), "", incident("P2")]) + cut
    wh = built(tmp_path, {"incidents/a.csv": text})
    assert {r[0] for r in mart(wh, "SELECT pv_number FROM marts.incidents")} == {"P1", "P2"}
    [(row, field, value, reason)] = mart(
        wh, "SELECT source_row, field, value, reason FROM marts.rejects"
    )
    assert (row, field, value) == (5, "(hele rij)", cut)  # row 3 is empty
    assert "afgebroken" in reason


def test_cut_off_row_text_stops_before_personal_columns(tmp_path):
    header = INCIDENT_HEADER + ";Naam verdachte;Opmerking"
    rows = [incident("P1") + ";Jan Peeters;", incident("P2") + ";An Ma"]
    wh = built(tmp_path, {"incidents/a.csv": incidents_csv(rows, header=header)[:-2]})
    [(value,)] = mart(wh, "SELECT value FROM marts.rejects")
    assert value.startswith("P2;") and "An Ma" not in value


@pytest.mark.parametrize(
    ("first_note", "ending"),
    [
        # Short rows after a full one, in a file that ends with a line break: Excel's way
        # of leaving out a row's empty last fields.
        (";let op", "\r\n"),
        # No line break at the end, but the rows before the last are short too.
        ("", ""),
    ],
)
def test_rows_without_their_empty_last_fields_are_no_cut(tmp_path, first_note, ending):
    header = INCIDENT_HEADER + ";Opmerking"
    rows = [incident("P1") + first_note, incident("P2"), incident("P3")]
    text = incidents_csv(rows, header=header).removesuffix("\r\n") + ending
    wh = built(tmp_path, {"incidents/a.csv": text})
    assert mart(wh, "SELECT count(*) FROM marts.incidents") == [(3,)]
    assert mart(wh, "SELECT count(*) FROM marts.rejects") == [(0,)]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
@pytest.mark.parametrize("quoted", [False, True])
def test_record_split_by_a_line_break_in_an_unquoted_field_is_joined(
    tmp_path, newline, encoding, quoted
):
    """An export that does not quote its fields writes a line break in a text field as two
    lines. Read as they were, the first half was accepted without its location and the
    second refused with shifted fields; the lines are joined into the one record they are,
    and the rows after it keep the numbers of the file. Also in a file that quotes some
    fields (a separator inside quotes is no field boundary)."""
    street = '"Kerkstraat; hoek Molenstraat"' if quoted else "Kerkstraat"
    lines = [
        INCIDENT_HEADER,  # row 1
        incident("P1", street=street),  # 2
        incident("P2", cat="Diefstal uit\nwagen, gsm gestolen"),  # 3-4
        "",  # 5
        incident("P3", cat="Vandalisme:\ngraffiti\nop de gevel van het café"),  # 6-8
        incident("P4", when="31/02/2024"),  # 9
    ]
    text = "".join(line.replace("\n", newline) + newline for line in lines)
    wh = built(tmp_path, {"incidents/a.csv": text.encode(encoding)})
    got = mart(
        wh,
        "SELECT pv_number, category, street, location_status, wijk_code, source_row "
        "FROM marts.incidents ORDER BY 1",
    )
    assert got == [
        ("P1", "Vandalisme", street.strip('"'), "ok", "W01", 2),
        ("P2", "Diefstal uit wagen, gsm gestolen", "Kerkstraat", "ok", "W01", 3),
        ("P3", "Vandalisme: graffiti op de gevel van het café", "Kerkstraat", "ok", "W01", 6),
    ]
    assert mart(wh, "SELECT source_row, field FROM marts.rejects") == [(9, "Datum feit")]
    [(note,)] = mart(wh, "SELECT note FROM marts.load_files WHERE kind = 'incidents'")
    assert "2 records liepen over meer dan één regel" in note and "rij 3, 6" in note


@pytest.mark.parametrize("bom", ["", "\ufeff"])
def test_exports_pasted_one_after_another_keep_no_second_header(tmp_path, bom):
    """Two exports pasted into one file (Windows' "copy a.csv+b.csv") bring the second
    header along, with its byte order mark when they are UTF-8 files: that row is no record
    and is left out, named in the note, instead of being refused as a PV without a date.
    The same for a workbook whose tables were pasted one below another."""
    first = incidents_csv([incident("P1"), incident("P2")])
    second = incidents_csv([incident("P3"), incident("P4", when="geen datum"), incident("")])
    header = ["PV nr", "Datum/uur feiten", "X", "Y"]
    sheet = [header, ["W1", "03/02/2024 15:00", 171000.5, 177000], header]
    sheet += [["W2", "04/02/2024 15:00", 171000.5, 177000]]
    files = {
        "incidents/samen.csv": (bom + first + bom + second).encode(),
        "incidents/samen.xlsx": workbook({"Blad1": sheet}),
    }
    wh = built(tmp_path, files)
    got = mart(wh, "SELECT pv_number, source_row FROM marts.incidents ORDER BY 1")
    assert got == [("P1", 2), ("P2", 3), ("P3", 5), ("W1", 2), ("W2", 4)]
    assert mart(wh, "SELECT source_file, source_row, field FROM marts.rejects ORDER BY 2") == [
        ("incidents/samen.csv", 6, "Datum feit"),
        ("incidents/samen.csv", 7, "PV-nummer"),  # no PV number: still refused, not left out
    ]
    notes = dict(mart(wh, "SELECT source_file, note FROM marts.load_files"))
    assert notes["incidents/samen.csv"] == notes["incidents/samen.xlsx"].replace("rij 3", "rij 4")
    assert notes["incidents/samen.csv"] == (
        "De kopregel staat nog eens op rij 4 (exports achter elkaar geplakt?): die rij is "
        "overgeslagen."
    )
    rows = dict(mart(wh, "SELECT source_file, rows_read FROM marts.load_files"))
    assert (rows["incidents/samen.csv"], rows["incidents/samen.xlsx"]) == (5, 2)


def test_short_rows_that_start_like_records_are_not_joined(tmp_path):
    """Rows that leave out their empty last fields (Excel does) are short too, and two of
    them may together have the header's fields: each starts with its own PV number, so
    neither is taken for the rest of the other."""
    header = INCIDENT_HEADER + ";Opmerking;Tweede opmerking"
    rows = [
        incident("P1") + ";let op;",
        ";".join(incident("P2").split(";")[:7]),  # 7 of the 13 fields
        ";".join(incident("P3").split(";")[:7]),  # 7 more: 13 together, one shared
        incident("P4") + ";;",
    ]
    wh = built(tmp_path, {"incidents/a.csv": incidents_csv(rows, header=header)})
    got = mart(wh, "SELECT pv_number, street, source_row FROM marts.incidents ORDER BY 1")
    assert got == [
        ("P1", "Kerkstraat", 2),
        ("P2", "Kerkstraat", 3),
        ("P3", "Kerkstraat", 4),
        ("P4", "Kerkstraat", 5),
    ]
    assert mart(wh, "SELECT note FROM marts.load_files WHERE kind = 'incidents'") == [(None,)]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("quoted", [False, True])
@pytest.mark.parametrize("sep_line", [False, True])
def test_rows_are_named_as_a_spreadsheet_shows_them_around_empty_lines(
    tmp_path, newline, quoted, sep_line
):
    """DuckDB skips empty lines; a refusal still names the row the user sees in the file.

    Excel hides the separator line ("sep=;") some tools write first: the header stays row 1.
    """
    rows = [
        *(["sep=;"] if sep_line else []),
        INCIDENT_HEADER,  # row 1
        incident("P1"),  # 2
        "",  # 3
        incident("P2", when="geen datum"),  # 4
        "",  # 5
        "",  # 6
        incident("P3"),  # 7
        incident("P4", when="31/02/2024"),  # 8
    ]
    if quoted:  # row 9 holds a quoted field spanning two lines, then an empty line, row 11
        rows += [incident("P5", cat='"Vandalisme' + newline + 'met uitleg"'), ""]
    rows += [incident("P6", when="morgen"), "", ""]
    wh = built(tmp_path, {"incidents/a.csv": newline.join(rows)})
    last = 11 if quoted else 9
    assert mart(wh, "SELECT source_row, value FROM marts.rejects ORDER BY 1") == [
        (4, "geen datum"),
        (8, "31/02/2024"),
        (last, "morgen"),
    ]
    accepted = mart(wh, "SELECT pv_number, source_row FROM marts.incidents ORDER BY 1")
    assert accepted[:2] == [("P1", 2), ("P3", 7)]
    if quoted:
        assert accepted[2] == ("P5", 9)


@pytest.mark.parametrize("sep", [";", ","])
def test_rows_of_separators_only_are_empty_rows_not_refused_records(tmp_path, sep):
    """Excel writes an empty row of the sheet as ";;;;;" in a CSV: an empty row, still
    counted in the row numbers, never a record refused for its missing key."""
    empty = ";" * 10  # the header's eleven fields, all empty
    rows = [
        incident("P1"),  # row 2
        empty,  # 3
        incident("P2", when="geen datum"),  # 4
        "",  # 5: an empty line proper
        empty,  # 6
        empty,  # 7
        incident("P3"),  # 8
        empty,  # 9, the last line
    ]
    text = incidents_csv(rows, sep=sep)
    if sep == ",":
        text = text.replace("171000,5", "171000.5").replace("177000,25", "177000.25")
    wh = built(tmp_path, {"incidents/a.csv": text})
    assert mart(wh, "SELECT source_row, field, value FROM marts.rejects") == [
        (4, "Datum feit", "geen datum")
    ]
    assert mart(wh, "SELECT pv_number, source_row FROM marts.incidents ORDER BY 1") == [
        ("P1", 2),
        ("P3", 8),
    ]
    [(read, accepted, refused, note)] = mart(
        wh,
        "SELECT rows_read, rows_accepted, rows_rejected, note FROM marts.load_files "
        "WHERE kind = 'incidents'",
    )
    assert (read, accepted, refused) == (3, 2, 1)
    assert "Lege rijen (alleen scheidingstekens) overgeslagen: rij 3, 6–7, 9." in note


@pytest.mark.parametrize("line", ["sep=,", "SEP=,", '"sep=,"'])
def test_excel_separator_line_names_the_separator(tmp_path, line):
    rows = [incident("PV1", xy=('"171000,5"', '"177000,25"')), incident("PV2", xy=W02)]
    body = line + "\r\n" + incidents_csv(rows, sep=",")
    wh = built(tmp_path, {"incidents/a.csv": body})
    got = mart(wh, "SELECT pv_number, x, wijk_code, source_row FROM marts.incidents ORDER BY 1")
    assert got == [("PV1", 171000.5, "W01", 2), ("PV2", 173000.0, "W02", 3)]
    assert mart(wh, "SELECT delimiter FROM marts.load_files WHERE kind = 'incidents'") == [(",",)]


@pytest.mark.parametrize("sep_line", [False, True])
@pytest.mark.parametrize("quoted", [False, True])
def test_header_below_a_report_title(tmp_path, sep_line, quoted):
    """A report's title, a date line and an empty line above the table: the header is
    found below them, and rows are still named as a spreadsheet shows them."""
    cat = '"Vandalisme; graffiti"' if quoted else "Vandalisme"
    rows = [
        *(["sep=;"] if sep_line else []),  # hidden by Excel
        "Overzicht feiten PZ HerKo;;;",  # row 1
        "Afgedrukt op 04/02/2024;;;",  # 2
        "",  # 3
        INCIDENT_HEADER,  # 4
        incident("T1", cat=cat),  # 5
        incident("T2", when="geen datum"),  # 6
        "",  # 7
        incident("T3"),  # 8
    ]
    raw = mini_raw(tmp_path, {"incidents/a.csv": "\r\n".join(rows) + "\r\n"})
    wh = tmp_path / "wh.duckdb"
    build(raw, wh)
    accepted = mart(wh, "SELECT pv_number, source_row, category FROM marts.incidents ORDER BY 1")
    assert accepted == [("T1", 5, cat.strip('"')), ("T3", 8, "Vandalisme")]
    assert mart(wh, "SELECT source_row, value FROM marts.rejects") == [(6, "geen datum")]
    columns = dict(mart(wh, "SELECT field, header FROM raw.file_columns"))
    assert columns["pv_number"] == "PV-nummer"


def test_header_below_a_title_in_a_workbook(tmp_path):
    sheet = [
        ["Overzicht feiten PZ HerKo"],  # row 1
        ["Periode: februari 2024", None, "Bron: ISLP"],  # 2
        [],  # 3
        ["PV nr", "Datum/uur feiten", "Straat", "Huisnr", "X-coördinaat", "Y-coördinaat"],
        ["X1", "03/02/2024 15:00", "Kerkstraat", "12A", "171000,5", "177000"],  # 5
        ["X2", None, "Kerkstraat", 1, 1, 1],  # 6
    ]
    wh = built(tmp_path, {"incidents/feiten.xlsx": workbook({"Blad1": sheet})})
    assert mart(wh, "SELECT pv_number, source_row, wijk_code FROM marts.incidents") == [
        ("X1", 5, "W01")
    ]
    assert mart(wh, "SELECT source_row, field FROM marts.rejects") == [(6, "Datum/uur feiten")]


def test_table_on_a_later_sheet_of_a_workbook(tmp_path):
    """A report workbook that opens with a cover sheet: the table is read from the first
    sheet with the expected columns, rows numbered as on that sheet, and the file list
    says which sheet it was."""
    sheets = {
        "Info": [["Overzicht feiten PZ HerKo"], ["Zie het blad Feiten"]],
        "Feiten": [
            ["PV nr", "Datum/uur feiten", "Straat", "X", "Y"],
            ["S1", "03/02/2024 15:00", "Kerkstraat", "171000,5", "177000"],
            ["S2", "geen datum", "Kerkstraat", "171000,5", "177000"],
        ],
    }
    wh = built(tmp_path, {"incidents/rapport.xlsx": workbook(sheets)})
    assert mart(wh, "SELECT pv_number, source_row, wijk_code FROM marts.incidents") == [
        ("S1", 2, "W01")
    ]
    assert mart(wh, "SELECT source_row, field FROM marts.rejects") == [(3, "Datum/uur feiten")]
    [(note,)] = mart(wh, "SELECT note FROM marts.load_files WHERE source_file LIKE '%xlsx'")
    assert "werkblad 'Feiten'" in note


def test_every_table_of_a_workbook_is_read_one_export_per_sheet(tmp_path):
    """A workbook kept by hand often holds one table per year or month: every sheet with
    the expected columns is read, each as an export of its own named by its sheet (a
    refusal names sheet and row), a sheet of totals is passed over, and a PV on two
    sheets counts once, as the newest sheet has it."""
    header = ["PV nr", "Datum/uur feiten", "Categorie", "X", "Y"]
    sheets = {
        "Uitleg": [["Feiten PZ HerKo, één blad per jaar"]],
        "2023": [
            header,
            ["P1", "03/02/2023 15:00", "Vandalisme", "171000,5", "177000"],
            ["P2", "31/02/2023 15:00", "Vandalisme", "171000,5", "177000"],  # row 3
        ],
        "Totalen": [["Categorie", "Aantal"], ["Vandalisme", 2]],
        "2024": [
            header,
            ["P3", "05/01/2024 10:00", "Diefstal", "173000", "177000"],
            ["P1", "03/02/2023 15:00", "Diefstal", "171000,5", "177000"],  # corrected
        ],
    }
    wh = built(tmp_path, {"incidents/feiten.xlsx": workbook(sheets)})
    got = mart(
        wh, "SELECT pv_number, category, source_file, source_row FROM marts.incidents ORDER BY 1"
    )
    assert got == [
        ("P1", "Diefstal", "incidents/feiten.xlsx!2024", 3),
        ("P3", "Diefstal", "incidents/feiten.xlsx!2024", 2),
    ]
    assert mart(wh, "SELECT source_file, source_row, field FROM marts.rejects") == [
        ("incidents/feiten.xlsx!2023", 3, "Datum/uur feiten")
    ]
    files = mart(
        wh,
        "SELECT source_file, rows_read, note FROM marts.load_files "
        "WHERE source_file LIKE '%xlsx%' ORDER BY 1",
    )
    assert [(f, n) for f, n, _ in files] == [
        ("incidents/feiten.xlsx!2023", 2),
        ("incidents/feiten.xlsx!2024", 2),
    ]
    assert "Werkblad '2023' van een werkmap met 2 tabellen" in files[0][2]


def test_a_sheet_of_another_kind_beside_the_table_is_left_out_and_named(tmp_path):
    """A workbook with the facts and the accidents on two sheets, put among the incidents:
    the facts are read (named as the file: one table of this kind), the accidents sheet is
    named in the file's note as not read, with the folder it belongs in. A workbook with
    only the accidents is refused as an accidents export, as before."""
    facts = [
        ["PV nr", "Datum/uur feiten", "X", "Y"],
        ["P1", "03/02/2024 15:00", "171000,5", "177000"],
    ]
    accidents = [["Ongevalnummer", "Datum/uur", "Ernst"], ["O1", "03/02/2024 16:00", "Licht"]]
    wb = workbook({"Feiten": facts, "Ongevallen": accidents})
    wh = built(tmp_path / "a", {"incidents/overzicht.xlsx": wb})
    assert mart(wh, "SELECT pv_number, source_file, source_row FROM marts.incidents") == [
        ("P1", "incidents/overzicht.xlsx", 2)
    ]
    [(note,)] = mart(wh, "SELECT note FROM marts.load_files WHERE source_file LIKE '%xlsx'")
    assert note == (
        "Werkblad 'Ongevallen' niet gelezen: het lijkt een ongevallenexport en geen "
        "incidentenexport (feiten/PV's); zet het in een eigen bestand in de map accidents/."
    )
    raw = mini_raw(tmp_path / "b", {"incidents/ongevallen.xlsx": workbook({"O": accidents})})
    with pytest.raises(BuildError, match="lijkt een ongevallenexport"):
        build(raw, tmp_path / "b" / "wh.duckdb")


def test_workbook_without_a_table_is_refused_with_its_first_sheet(tmp_path):
    sheets = {"Blad1": [["Overzicht feiten PZ HerKo"]], "Leeg": [["Niets", "hier"]]}
    raw = mini_raw(tmp_path, {"incidents/rapport.xlsx": workbook(sheets)})
    with pytest.raises(BuildError, match="Gevonden kolommen: Overzicht feiten PZ HerKo"):
        build(raw, tmp_path / "wh.duckdb")


def test_no_header_in_the_first_lines_is_refused_naming_the_first_line(tmp_path):
    lines = ["Overzicht feiten;;", *(f"regel {i};;" for i in range(32)), INCIDENT_HEADER]
    raw = mini_raw(tmp_path, {"incidents/a.csv": "\r\n".join([*lines, incident("P1")])})
    with pytest.raises(BuildError) as exc:
        build(raw, tmp_path / "wh.duckdb")
    msg = str(exc.value)
    # The required fields by their Dutch names, and where to look: not one name was
    # recognised, so the header is most likely lower than where it was looked for.
    assert "verplichte kolom(men) ontbreken (PV-nummer, Datum feit)" in msg
    assert "Gevonden kolommen: Overzicht feiten" in msg
    assert "staat de kopregel lager dan de eerste 30 regels" in msg


@pytest.mark.parametrize("workbook_file", [False, True])
def test_a_header_below_a_long_block_of_filters_is_found(tmp_path, workbook_file):
    """An ISLP report prints its title and the filters it ran with above the table: a
    dozen lines and more."""
    filters = [
        "Rapport: Feiten per wijk",
        "Zone: 5388 PZ HerKo",
        *(f"Filter {i}: waarde {i}" for i in range(14)),
        "",
    ]
    if workbook_file:
        sheet = [[f] for f in filters] + [
            INCIDENT_HEADER.split(";"),
            incident("P1").split(";"),
        ]
        files = {"incidents/rapport.xlsx": workbook({"Blad1": sheet})}
        row = len(filters) + 2
    else:
        files = {"incidents/rapport.csv": "\r\n".join([*filters, INCIDENT_HEADER, incident("P1")])}
        row = len(filters) + 2
    wh = built(tmp_path, files)
    assert mart(wh, "SELECT pv_number, source_row FROM marts.incidents") == [("P1", row)]


def test_another_kinds_export_below_a_title_is_refused_as_that_kind(tmp_path):
    accidents = (RAW_SMALL / "accidents" / "islp_ongevallen_2024.csv").read_bytes()
    titled = b"Ongevallen 2024;;\r\n\r\n" + accidents
    raw = mini_raw(tmp_path, {"incidents/a.csv": titled})
    with pytest.raises(BuildError, match="lijkt een ongevallenexport"):
        build(raw, tmp_path / "wh.duckdb")


def test_empty_lines_found_across_scan_blocks(monkeypatch):
    """The streaming scan finds empty lines that straddle its blocks, each once."""
    from etl.sources import tabular

    text = b"h;x\n1;a\n\n2;b\r\n\r\n3;c\n\n\n4;d\n"
    whole = tabular._EmptyLines()
    whole.feed(text)
    assert whole.records_before() == [1, 2, 3, 3]
    for size in range(1, 8):
        parts = tabular._EmptyLines()
        for i in range(0, len(text), size):
            parts.feed(text[i : i + size])
        assert parts.records_before() == whole.records_before(), size


def test_file_of_another_kind_is_named(tmp_path):
    accidents = (
        "Ongevalnummer;Datum/uur;Straat;Huisnr;Gemeente;X;Y;Ernst\r\n"
        "O1;05/02/2024 08:10;Kerkstraat;;Herent;171200;177200;Lichtgewond\r\n"
    )
    raw = mini_raw(tmp_path, {"incidents/ongevallen.csv": accidents})
    with pytest.raises(BuildError, match="dit lijkt een ongevallenexport"):
        build(raw, tmp_path / "wh.duckdb")


def test_another_kinds_export_that_has_this_kinds_columns_is_refused(tmp_path):
    """An ISLP accidents export whose number and date columns are called "PV-nummer" and
    "Datum feit" has every required incidents column: the build loaded it as incidents
    without a category, without a word, while the upload's preview said "dit lijkt een
    ongevallenexport". The build now follows the preview."""
    # The demo's accidents header with those two names.
    header = (
        "PV-nummer;Datum feit;Straat;Huisnr;Gemeente;X;Y;Ernst;Weggebruiker 1;"
        "Weggebruiker 2;Lichtgesteldheid;Weer;Bebouwde kom;Kruispunt;Wegtype"
    )
    row = (
        "O1;05/02/2024 08:10;Kerkstraat;1;Herent;171200;177200;Lichtgewond;Personenauto;"
        "Fietser;Dag;Normaal;Ja;Nee;Gewestweg"
    )
    raw = mini_raw(tmp_path, {"incidents/ongevallen_pv.csv": f"{header}\r\n{row}\r\n"})
    with pytest.raises(BuildError, match="dit lijkt een ongevallenexport.*map accidents/"):
        build(raw, tmp_path / "wh.duckdb")


def test_files_no_reader_takes_are_named_in_the_build_warnings(tmp_path):
    """A zipped CSV, an .xlsm or a backup in incidents/, or a folder "incident/", were
    skipped without a word: their facts were simply missing. They are now named, with the
    reason, in marts.build_warnings (the Data page and the build log)."""
    good = incidents_csv([incident("G1")])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("feiten.csv", incidents_csv([incident("Z1")]))
    wh = built(
        tmp_path,
        {
            "incidents/a.csv": good,
            "incidents/feiten_2024.zip": buf.getvalue(),
            "incidents/feiten.csv.bak": good,
            "incident/b.csv": incidents_csv([incident("T1")]),
            "incidents/.verborgen.csv": good,
            "incidents/~$a.xlsx": b"lock",
        },
    )
    assert mart(wh, "SELECT pv_number FROM marts.incidents") == [("G1",)]
    [(topic, message)] = mart(
        wh, "SELECT topic, message FROM marts.build_warnings WHERE topic = 'Niet gelezen'"
    )
    assert message.startswith("3 bestanden of mappen onder de exportmap niet gelezen: ")
    assert "incident/: map 'incident' is geen soort die Wijkbeeld leest" in message
    assert "incidents/feiten.csv.bak: bestandsoort .bak wordt niet gelezen" in message
    assert "incidents/feiten_2024.zip: een zip-bestand wordt in deze map niet gelezen" in message
    assert ".verborgen" not in message and "~$" not in message


def test_a_table_in_the_boundaries_folder_says_where_it_belongs(tmp_path):
    """An incidents CSV in districts/ was named "bestandsoort .csv wordt niet gelezen";
    it now says what it looks like and which folder reads it, as a table in
    another table kind's folder does. A table that looks like no kind keeps the reason it
    had."""
    wh = built(
        tmp_path,
        {
            "incidents/a.csv": incidents_csv([incident("G1")]),
            "districts/pv_2024.csv": incidents_csv([incident("D1")]),
            "districts/notities.csv": "Naam;Opmerking\nWijk 1;nagaan\n",
        },
    )
    assert mart(wh, "SELECT pv_number FROM marts.incidents") == [("G1",)]
    [(message,)] = mart(wh, "SELECT message FROM marts.build_warnings WHERE topic = 'Niet gelezen'")
    assert (
        "districts/pv_2024.csv: dit lijkt een incidentenexport (feiten/PV's), die deze map "
        "niet leest: zet het bestand in de map incidents/" in message
    )
    assert (
        "districts/notities.csv: bestandsoort .csv wordt niet gelezen (wel: .geojson, .json, "
        ".gpkg, .shp, .zip)" in message
    )


def test_xlsx_incidents_with_excel_dates(tmp_path):
    from datetime import datetime

    sheet = [
        [],  # an empty first row, as some exports have
        ["PV nr", "Datum/uur feiten", "Straat", "Huisnr", "X-coördinaat", "Y-coördinaat"],
        ["X1", datetime(2024, 2, 3, 14, 30), "Égidestraat", 4, 171000.5, 177000],
        ["X2", "03/02/2024 15:00", "Kerkstraat", "12A", "173000", "177000"],
        ["X3", None, "Kerkstraat", 1, 1, 1],
    ]
    wh = built(tmp_path, {"incidents/feiten.xlsx": workbook({"Blad1": sheet})})
    got = mart(
        wh, "SELECT pv_number, occurred_from, street, wijk_code FROM marts.incidents ORDER BY 1"
    )
    assert [(r[0], str(r[1]), r[2], r[3]) for r in got] == [
        ("X1", "2024-02-03 14:30:00", "Égidestraat", "W01"),
        ("X2", "2024-02-03 15:00:00", "Kerkstraat", "W02"),
    ]
    assert mart(wh, "SELECT source_row, field FROM marts.rejects") == [(5, "Datum/uur feiten")]


def test_time_of_day_in_a_column_of_its_own(tmp_path):
    """Exports that split date and time ("Datum feit" + "Uur feit"): the moment is the date
    at that time, so the hour-of-day analyses see it; an end time alone closes the window
    on the same day, or the next when it is earlier (a night); a time that is none is
    refused, naming its column."""
    from datetime import datetime, time

    header = "PV-nummer;Datum feit;Uur feit;Einddatum feit;Einduur;Categorie;X;Y"
    rows = [
        "T1;03/02/2024;14:30;;;Diefstal;171000,5;177000",
        "T2;03/02/2024;22u;;06u30;Woninginbraak;171000,5;177000",  # a night: next morning
        "T3;03/02/2024;8.15;05/02/2024;17:00;Woninginbraak;171000,5;177000",
        "T4;03/02/2024 10:00;;;;Diefstal;171000,5;177000",  # no time column value: as written
        "T5;03/02/2024;0,75;;;Diefstal;171000,5;177000",  # Excel's fraction of a day
        "T6;03/02/2024;25:00;;;Diefstal;171000,5;177000",
        # The end of the day written as 24:00 (or 24u): the next day at 00:00.
        "T7;03/02/2024;22:00;;24:00;Woninginbraak;171000,5;177000",
        "T8;03/02/2024;20:00;;24u;Woninginbraak;171000,5;177000",
        "T9;03/02/2024;20:00;03/02/2024 24:00;;Woninginbraak;171000,5;177000",
        "T10;03/02/2024;20:00;;24:30;Woninginbraak;171000,5;177000",  # no hour of a day
    ]
    accidents = "Ongevalnummer;Datum;Uur;X;Y\nA1;03/02/2024;17:45;171000,5;177000\n"
    sheet = [
        ["Meldingsnummer", "Datum melding", "Uur melding", "Lambert X", "Lambert Y"],
        ["O1", datetime(2024, 2, 3), time(23, 10), 171000.5, 177000],
    ]
    wh = built(
        tmp_path,
        {
            "incidents/a.csv": "\n".join([header, *rows]) + "\n",
            "accidents/a.csv": accidents,
            "nuisance/a.xlsx": workbook({"Blad1": sheet}),
        },
    )
    got = moments(wh)
    assert got == {
        "T1": ("2024-02-03 14:30:00", None, 14),
        "T2": ("2024-02-03 22:00:00", "2024-02-04 06:30:00", 22),
        "T3": ("2024-02-03 08:15:00", "2024-02-05 17:00:00", 8),
        "T4": ("2024-02-03 10:00:00", None, 10),
        "T5": ("2024-02-03 18:00:00", None, 18),
        "T7": ("2024-02-03 22:00:00", "2024-02-04 00:00:00", 22),
        "T8": ("2024-02-03 20:00:00", "2024-02-04 00:00:00", 20),
        "T9": ("2024-02-03 20:00:00", "2024-02-04 00:00:00", 20),
    }
    assert mart(wh, "SELECT source_row, field, value, reason FROM marts.rejects") == [
        (7, "Uur feit", "25:00", "Uur feit is geen geldig uur (verwacht uu:mm)"),
        (11, "Einduur", "24:30", "Einduur feit is geen geldig uur (verwacht uu:mm)"),
    ]
    assert [str(r[0]) for r in mart(wh, "SELECT occurred_at FROM marts.accidents")] == [
        "2024-02-03 17:45:00"
    ]
    assert [str(r[0]) for r in mart(wh, "SELECT reported_at FROM marts.nuisance")] == [
        "2024-02-03 23:10:00"
    ]


WORKBOOKS = Path(__file__).resolve().parents[1] / "fixtures" / "workbooks"


def test_old_excel_and_opendocument_workbooks(tmp_path):
    """An Excel 97-2003 export (.xls, with a title above the table) and a nuisance register
    saved by LibreOffice (.ods, with an explanation sheet first): read like an .xlsx, dates
    in date cells and as text, rows numbered as the spreadsheet shows them, bad rows
    refused (fixtures: tests/fixtures/make_workbooks.py)."""
    files = {
        "incidents/feiten_oud.xls": (WORKBOOKS / "feiten_oud.xls").read_bytes(),
        "nuisance/overlast_gemeente.ods": (WORKBOOKS / "overlast_gemeente.ods").read_bytes(),
    }
    wh = built(tmp_path, files)
    incidents = mart(
        wh,
        "SELECT pv_number, occurred_from, street, house_number, wijk_code FROM marts.incidents "
        "ORDER BY 1",
    )
    assert [(r[0], str(r[1]), *r[2:]) for r in incidents] == [
        ("PV-X1", "2024-02-03 14:30:00", "Sint-Rémistraat", "4", "W01"),
        ("PV-X2", "2024-02-03 15:45:00", "Égide Walschaertsstraat", "12A", "W02"),
    ]
    nuisance = mart(wh, "SELECT report_id, reported_at, wijk_code FROM marts.nuisance ORDER BY 1")
    assert [(r[0], str(r[1]), r[2]) for r in nuisance] == [
        ("OV-L1", "2024-02-03 23:15:00", "W01"),
        ("OV-L2", "2024-02-04 01:30:00", "W02"),
    ]
    refused = mart(wh, "SELECT source_file, source_row, field FROM marts.rejects ORDER BY 1")
    assert refused == [
        ("incidents/feiten_oud.xls", 6, "Datum feit"),
        ("nuisance/overlast_gemeente.ods", 4, "Datum melding"),
    ]
    files = mart(
        wh,
        "SELECT source_file, encoding, note FROM marts.load_files "
        "WHERE kind IN ('incidents', 'nuisance') ORDER BY 1",
    )
    assert files == [
        ("incidents/feiten_oud.xls", "xls", None),
        (
            "nuisance/overlast_gemeente.ods",
            "ods",
            "Tabel gelezen van werkblad 'Meldingen' (niet het eerste blad).",
        ),
    ]


@pytest.mark.parametrize("name", ["feiten.xlsx", "feiten.xls", "feiten.csv"])
def test_a_workbook_saved_with_a_password_is_refused_as_such(tmp_path, name):
    """An .xlsx saved with "Versleutelen met wachtwoord" (an OLE2 file holding the encrypted
    package) was "beschadigd, onvolledig of van een ander formaat", or named .csv "an Excel
    97-2003 workbook: rename it .xls": the coordinator looked for damage that is not there.
    The message says it has a password and how to take it off, in the build and in the
    upload preview; the warehouse already built stays as it is."""
    from etl.upload import preview_upload

    data = (WORKBOOKS / "feiten_wachtwoord.xlsx").read_bytes()
    wh = tmp_path / "wh.duckdb"
    build(mini_raw(tmp_path / "a", {"incidents/f.csv": INCIDENT_HEADER + "\n"}), wh)
    before = wh.read_bytes()
    raw = mini_raw(tmp_path / "b", {f"incidents/{name}": data})
    with pytest.raises(BuildError) as caught:
        build(raw, wh)
    assert str(caught.value).startswith(
        f"Bestand incidents/{name} is beveiligd met een wachtwoord en kan niet gelezen worden."
    )
    assert "Versleutelen met wachtwoord" in str(caught.value)
    assert wh.read_bytes() == before
    error = preview_upload("incidents", name, data, ZONE_SMALL).error
    assert "is beveiligd met een wachtwoord" in error


def test_a_password_is_found_also_beyond_the_first_bytes_and_in_old_excel(tmp_path, monkeypatch):
    """The stream's name may lie anywhere in the file: a head without it is searched
    further. An Excel 97-2003 workbook with a password is named so too (calamine's
    PasswordError; no tool here writes one, so calamine is made to answer it)."""
    import python_calamine

    from etl.sources import tabular

    data = (WORKBOOKS / "feiten_wachtwoord.xlsx").read_bytes()
    path = tmp_path / "f.xlsx"
    path.write_bytes(data)
    head = data[:512]
    assert tabular._ENCRYPTED_PACKAGE not in head
    assert not tabular._password_protected(head)
    assert tabular._password_protected(head, path)
    assert not tabular._password_protected((WORKBOOKS / "feiten_oud.xls").read_bytes())

    def locked(*args, **kwargs):
        raise python_calamine.PasswordError("Workbook is password protected")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", locked)
    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", locked)
    raw = mini_raw(tmp_path, {"incidents/oud.xls": (WORKBOOKS / "feiten_oud.xls").read_bytes()})
    with pytest.raises(BuildError, match="oud.xls is beveiligd met een wachtwoord"):
        build(raw, tmp_path / "wh.duckdb")


def test_old_excel_workbook_with_a_csv_name_is_named_as_such(tmp_path):
    data = (WORKBOOKS / "feiten_oud.xls").read_bytes()
    raw = mini_raw(tmp_path, {"incidents/feiten.csv": data})
    with pytest.raises(BuildError, match="Excel 97-2003-werkmap met een verkeerde extensie"):
        build(raw, tmp_path / "wh.duckdb")


def test_statbel_zipped_and_plain(tmp_path):
    header = "DT_YEAR_COLLISION|DT_MONTH_COLLISION|DT_TIME|CD_NIS|TX_MUNTY_COLLISION_NL|MS_X_COORD|MS_Y_COORD|CD_CLASS_ACCIDENTS"
    body = header + "\r\n2023|5|14|24038|Herent|171000,5|177000|3\r\n"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("OPENDATA_MAP_2022.txt", body.replace("2023|5", "2022|6").encode("utf-8-sig"))
    raw = mini_raw(
        tmp_path,
        {
            "statbel/OPENDATA_MAP_2023.txt": body.encode("utf-8-sig"),
            "statbel/OPENDATA_MAP_2022.zip": buf.getvalue(),
        },
    )
    wh = tmp_path / "wh.duckdb"
    build(raw, wh)
    got = mart(
        wh, "SELECT year, month, wijk_code FROM marts.accidents WHERE source = 'statbel' ORDER BY 1"
    )
    assert got == [(2022, 6, "W01"), (2023, 5, "W01")]


def test_overlapping_statbel_editions_say_which_rows_count_elsewhere(tmp_path):
    """A year's file beside the file of several years that holds it: the warehouse counted
    each accident once, but marts.load_files listed both files' rows as accepted with no
    word (an audit: 834 accepted of 472 kept). The older edition's shared rows are
    superseded, as for the zone's own exports, and its note says so."""
    header = "DT_YEAR_COLLISION|DT_MONTH_COLLISION|DT_TIME|CD_NIS|TX_MUNTY_COLLISION_NL|MS_X_COORD|MS_Y_COORD|CD_CLASS_ACCIDENTS"
    # The national file holds other municipalities too (Leuven): accepted, left out of the
    # zone, and no row "in a newer export" (a review: every row outside the zone was).
    leuven = "2023|7|10|24062|Leuven|173500|174500|3"
    rows = ["2023|5|14|24038|Herent|171000,5|177000|3", "2023|6|9|24038|Herent|171200|177100|2"]
    later = "2024|2|8|24038|Herent|171300|177200|3"
    alone = ["2025|3|8|24038|Herent|171400|177300|3", "2025|4|8|24062|Leuven|173600|174600|3"]
    raw = mini_raw(
        tmp_path,
        {
            "statbel/OPENDATA_MAP_2023.txt": "\r\n".join([header, *rows, leuven, ""]).encode(),
            "statbel/OPENDATA_MAP_2023-2024.txt": "\r\n".join(
                [header, *rows, leuven, later, ""]
            ).encode(),
            "statbel/OPENDATA_MAP_2025.txt": "\r\n".join([header, *alone, ""]).encode(),
        },
    )
    wh = tmp_path / "wh.duckdb"
    build(raw, wh)
    files = {
        f: (accepted, superseded, note)
        for f, accepted, superseded, note in mart(
            wh,
            "SELECT source_file, rows_accepted, rows_superseded, note FROM marts.load_files "
            "WHERE kind = 'statbel'",
        )
    }
    kept = mart(wh, "SELECT count(*) FROM marts.accidents WHERE source = 'statbel'")[0][0]
    assert kept == 4
    assert files["statbel/OPENDATA_MAP_2023-2024.txt"][:2] == (4, 0)
    assert files["statbel/OPENDATA_MAP_2025.txt"][:2] == (2, 0)
    # The rows of other municipalities are said, once, by the file they count from (the
    # real sample listed 53 accepted where 2 counted, without a word; an audit).
    outside = (
        "in een gemeente buiten de zone (of heeft geen gemeente en geen bruikbare locatie) en "
        "telt niet mee (het Statbel-bestand is nationaal)."
    )
    assert files["statbel/OPENDATA_MAP_2025.txt"][2] == f"1 ongeval ligt {outside}"
    assert files["statbel/OPENDATA_MAP_2023-2024.txt"][2] == f"1 ongeval ligt {outside}"
    assert "buiten de zone" not in files["statbel/OPENDATA_MAP_2023.txt"][2]
    accepted, superseded, note = files["statbel/OPENDATA_MAP_2023.txt"]
    assert (accepted, superseded) == (3, 3) and "dit bestand telt niet mee" in note
    assert "Het Statbel-bestand met de recentste maand telt als nieuwste." in note
    # Every accident once: the zone's four and the two of Leuven.
    assert sum(a - s for a, s, _ in files.values()) == kept + 2


def test_inconsistent_dates_are_flagged_not_refused(tmp_path):
    tasks = (
        "Taaknummer;Type taak;Ontvangen;Termijn;Afgesloten;Wijk\r\n"
        "T1;Kantschrift;10/01/2024;31/01/2024;05/01/2024;W01\r\n"  # closed before received
        "T2;Kantschrift;10/01/2024;31/01/2024;20/01/2024;W01\r\n"
    )
    rows = [
        incident("R1", "03/02/2024 14:30", reg="01/02/2024 09:00"),
        incident("R2", reg="03/02/2024 16:00"),
    ]
    wh = built(tmp_path, {"tasks/t.csv": tasks, "incidents/a.csv": incidents_csv(rows)})
    assert mart(wh, "SELECT task_id, dates_inconsistent FROM marts.tasks ORDER BY 1") == [
        ("T1", True),
        ("T2", False),
    ]
    assert mart(wh, "SELECT pv_number, dates_inconsistent FROM marts.incidents ORDER BY 1") == [
        ("R1", True),
        ("R2", False),
    ]
    assert mart(wh, "SELECT count(*) FROM marts.rejects") == [(0,)]


ADDRESSES = (
    "Straatnaam;Huisnummer;Postcode;Gemeente;X;Y\r\n"
    "Kerkstraat;12;3020;Herent;171010;177010\r\n"
    "Kerkstraat;12A;3020;Herent;171012;177012\r\n"
    "Brusselsesteenweg;5;3020;Herent;173005;177005\r\n"
    "Onze-Lieve-Vrouwstraat;7;3020;Herent;171020;177020\r\n"
    # same street name in two postcodes far apart: ambiguous without a postcode
    "Dorpsstraat;1;3020;Herent;171030;177030\r\n"
    "Dorpsstraat;1;3070;Kortenberg;173030;177030\r\n"
)


def test_geocoding_exact_tolerant_and_unmatched(tmp_path):
    none = ("", "")
    rows = [
        incident("G1", street="Kerkstraat", nr="12A", xy=none),  # exact
        incident("G2", street="kerkstr.", nr="12 bus 3", xy=none),  # tolerant -> Kerkstraat 12
        incident("G3", street="Brusselse Stwg.", nr="5", xy=none),  # tolerant
        incident("G4", street="O.L.V.-straat", nr="7", xy=none),  # tolerant
        # "Vrouw" written out after the initials (stayed unlocated before).
        incident("G11", street="O.L.Vrouwstraat", nr="7", xy=none),
        incident("G12", street="O.-L.-Vrouwstraat", nr="7", xy=none),
        incident("G5", street="Onbekendstraat", nr="1", xy=none),  # unmatched
        incident("G6", street="Dorpsstraat", nr="1", pc="", muni="", xy=none),  # ambiguous
        # municipality decides:
        incident("G9", street="Dorpsstraat", nr="1", pc="", muni="herent", xy=none),
        # postcode decides (with a municipality that contradicts it: unmatched, see
        # test_geocode_session24)
        incident("G7", street="Dorpsstraat", nr="1", pc="3070", muni="", xy=none),
        incident("G8", street="Kerkstraat", nr="12", xy=W02),  # has coordinates: kept
        # Other labels for the same postcode and municipality: one address, same match.
        incident("G10", street="Kerkstraat", nr="12A", pc="B-3020", muni="HERENT", xy=none),
    ]
    raw = mini_raw(
        tmp_path, {"incidents/a.csv": incidents_csv(rows), "addresses/adressen.csv": ADDRESSES}
    )
    wh = tmp_path / "wh.duckdb"
    build(raw, wh)
    got = {
        r[0]: r[1:]
        for r in mart(
            wh,
            "SELECT pv_number, geocode_method, x, wijk_code, location_status FROM marts.incidents",
        )
    }
    assert got["G1"] == ("adres exact", 171012.0, "W01", "ok")
    assert got["G2"] == ("adres genormaliseerd", 171010.0, "W01", "ok")
    assert got["G3"] == ("adres genormaliseerd", 173005.0, "W02", "ok")
    assert got["G4"][:2] == ("adres genormaliseerd", 171020.0)
    assert got["G5"] == (None, None, None, "geen_locatie")
    assert got["G6"] == (None, None, None, "geen_locatie")
    assert got["G7"][:2] == ("adres exact", 173030.0)
    assert got["G8"] == ("coördinaten", 173000.0, "W02", "ok")
    assert got["G9"][:2] == ("adres exact", 171030.0)
    assert got["G10"] == got["G1"]
    assert got["G11"][:2] == got["G12"][:2] == ("adres genormaliseerd", 171020.0)
    unmatched = mart(wh, "SELECT kind, record_key FROM marts.geocode_unmatched ORDER BY 2")
    assert unmatched == [("incidents", "G5"), ("incidents", "G6")]


def test_municipality_written_with_its_postcode_or_a_part_in_brackets(tmp_path):
    """A "Gemeente" or "Plaats" column written "3020 Herent" or "Herent (Winksele)" still
    names Herent: a record without coordinates counts for it, swapped coordinates are
    repaired for it, and it decides between two equal addresses."""
    none = ("", "")
    rows = [
        incident("P1", xy=none, street="", nr="", muni="3020 Herent"),
        incident("P2", xy=none, street="", nr="", muni="B-3020 HÉRENT"),
        incident("P3", xy=("177000", "171000"), muni="Herent (Winksele)"),  # swapped
        incident("P4", street="Dorpsstraat", nr="1", pc="", muni="3020 Herent", xy=none),
    ]
    wh = built(tmp_path, {"incidents/a.csv": incidents_csv(rows), "addresses/a.csv": ADDRESSES})
    got = {
        r[0]: r[1:]
        for r in mart(
            wh,
            "SELECT pv_number, nis_code, municipality_name, location_status, wijk_code, x "
            "FROM marts.incidents",
        )
    }
    assert got["P1"] == ("24038", "Herent", "geen_locatie", None, None)
    assert got["P2"] == ("24038", "Herent", "geen_locatie", None, None)
    assert got["P3"] == ("24038", "Herent", "ok", "W01", 171000.0)
    assert got["P4"][2:] == ("ok", "W01", 171030.0)  # Herent's Dorpsstraat 1, not Kortenberg's


def test_records_whose_coordinates_the_locator_refuses_are_geocoded(tmp_path):
    """A pair the locator cannot use (a placeholder outside Belgium, 0 in one coordinate)
    is no location: the record is geocoded by its address, like one with 0;0 or none. One
    the address list does not know stays unlocated without a method and is listed."""
    rows = [
        incident("A1", xy=("1", "1"), nr="12"),
        incident("A2", xy=("0", "177000"), nr="12"),
        incident("A3", xy=("0", "0"), nr="12"),  # already geocoded before
        incident("A4", xy=("-1", "-1"), street="Onbekendstraat", nr="3"),
    ]
    accidents = (
        "Ongevalnummer;Datum/uur;Straat;Huisnr;Gemeente;X;Y;Ernst\r\n"
        "O1;03/02/2024 14:30;Kerkstraat;12;Herent;1;1;Lichtgewond\r\n"
    )
    nuisance = (
        "Meldingsnummer,Datum melding,Type overlast,Straat,Huisnummer,Postcode,Gemeente,"
        "Lambert X,Lambert Y\nN1,03/02/2024 14:30,Sluikstort,Kerkstraat,12,3020,Herent,0,177000\n"
    )
    files = {
        "incidents/a.csv": incidents_csv(rows),
        "accidents/o.csv": accidents,
        "nuisance/n.csv": nuisance,
        "addresses/adressen.csv": ADDRESSES,
    }
    wh = built(tmp_path, files)
    sql = "SELECT pv_number, geocode_method, location_status, wijk_code, x FROM marts.incidents"
    got = {r[0]: r[1:] for r in mart(wh, sql)}
    placed = ("adres exact", "ok", "W01", 171010.0)
    assert got["A1"] == got["A2"] == got["A3"] == placed
    assert got["A4"] == (None, "geen_locatie", None, None)
    others = "SELECT geocode_method, location_status, wijk_code, x FROM marts.{}"
    assert mart(wh, others.format("accidents")) == [placed]
    assert mart(wh, others.format("nuisance")) == [placed]
    assert mart(wh, "SELECT kind, record_key FROM marts.geocode_unmatched") == [("incidents", "A4")]


def test_geocoding_prefers_the_records_own_municipality_over_an_exact_match_elsewhere(tmp_path):
    """One ranking: a candidate in the record's own municipality before one elsewhere, then
    exact before tolerant. Kortenberg's Kerkstraat 12A, exact, loses to Herent's 12."""
    addresses = (
        "Straatnaam;Huisnummer;Postcode;Gemeente;X;Y\r\n"
        "Kerkstraat;12A;3070;Kortenberg;180000;177000\r\n"
        "Kerkstraat;12;3020;Herent;171010;177010\r\n"
    )
    none = ("", "")
    rows = [
        incident("G1", xy=none, nr="12A", pc="", muni="Herent"),
        incident("G2", xy=none, nr="12A", pc="", muni=""),  # names none: exact wins
        incident("G3", xy=none, nr="12A", pc="", muni="Kortenberg"),  # its own, exact
    ]
    wh = built(tmp_path, {"incidents/a.csv": incidents_csv(rows), "addresses/a.csv": addresses})
    sql = "SELECT pv_number, geocode_method, location_status, wijk_code, x FROM marts.incidents"
    got = {r[0]: r[1:] for r in mart(wh, sql)}
    assert got["G1"] == ("adres genormaliseerd", "ok", "W01", 171010.0)
    assert got["G2"] == ("adres exact", "buiten_zone", None, 180000.0)
    assert got["G3"] == ("adres exact", "buiten_zone", None, 180000.0)


def test_geocoding_compares_municipalities_as_places(tmp_path):
    """A record naming a deelgemeente ("Winksele", "Winksele (Herent)") names its
    municipality: Herent's Dorpsstraat 1 wins over Kortenberg's. A record naming a place
    outside the zone (Leuven) takes no other municipality's address: it stays unlocated."""
    zone = tmp_path / "zone.toml"
    zone.write_text(
        ZONE_SMALL.read_text(encoding="utf-8")
        + '\n[[deelgemeenten]]\ncode = "24038B"\nname = "Winksele"\nnis_code = "24038"\n',
        encoding="utf-8",
    )
    none = ("", "")
    rows = [
        incident("D1", xy=none, street="Dorpsstraat", nr="1", pc="", muni="Winksele"),
        incident("D2", xy=none, street="Dorpsstraat", nr="1", pc="", muni="Winksele (Herent)"),
        incident("D3", xy=none, street="dorpsstr.", nr="1", pc="", muni="WINKSELE"),
        incident("K1", xy=none, street="Kerkstraat", nr="12", pc="", muni="Leuven"),
    ]
    raw = mini_raw(tmp_path, {"incidents/a.csv": incidents_csv(rows), "addresses/a.csv": ADDRESSES})
    wh = tmp_path / "wh.duckdb"
    build_warehouse(raw, wh, zone, echo=lambda line: None)
    sql = "SELECT pv_number, geocode_method, nis_code, wijk_code, x FROM marts.incidents"
    got = {r[0]: r[1:] for r in mart(wh, sql)}
    assert got["D1"] == got["D2"] == ("adres exact", "24038", "W01", 171030.0)
    assert got["D3"] == ("adres genormaliseerd", "24038", "W01", 171030.0)
    assert got["K1"] == (None, None, None, None)
    assert mart(wh, "SELECT record_key FROM marts.geocode_unmatched") == [("K1",)]


def test_geocoding_is_vectorised_sql_on_many_rows(tmp_path):
    none = ("", "")
    rows = [
        incident(f"M{i}", street="kerkstr", nr=f"{12 if i % 2 else '12a'}", xy=none)
        for i in range(3000)
    ]
    wh = built(tmp_path, {"incidents/a.csv": incidents_csv(rows), "addresses/a.csv": ADDRESSES})
    assert mart(wh, "SELECT count(*) FROM marts.incidents WHERE wijk_code = 'W01'") == [(3000,)]


def test_address_list_rejects(tmp_path):
    addresses = "Straatnaam;Huisnummer;X;Y\r\nKerkstraat;;1;2\r\nKerkstraat;3;abc;2\r\n"
    wh = built(tmp_path, {"addresses/a.csv": addresses})
    assert mart(wh, "SELECT kind, source_row, field, value FROM marts.rejects ORDER BY 2") == [
        ("addresses", 2, "Huisnummer", None),
        ("addresses", 3, "X", "abc"),
    ]


def test_sectors_attribute_list(tmp_path):
    sectors = (
        "statsec;statsec_naam;deelgemeente;gemeente;gemeente_naam;wijk_code\r\n"
        "24038A00K;HERENT-CENTRUM;24038A;24038;Herent;W01\r\n"
        "24038ZZZZ;Niet te lokaliseren;24038Z;24038;Herent;\r\n"
        "kapot;X;;;;\r\n"
    )
    wh = built(tmp_path, {"sectors/sectoren.csv": sectors})
    assert mart(
        wh, "SELECT sector_code, wijk_code, not_locatable FROM marts.sectors ORDER BY 1"
    ) == [
        ("24038A00K", "W01", False),
        ("24038ZZZZ", None, True),
    ]
    assert mart(wh, "SELECT kind, source_row FROM marts.rejects") == [("sectors", 4)]


def test_absences(tmp_path):
    absences = (
        "Wijkinspecteur;Van;Tot;Reden\r\n"
        "INP Zoë Peeters;16/02/2025;03/03/2025;Verlof\r\n"
        "INP Zoë Peeters;10/03/2025;;Opleiding\r\n"  # no end: one day
        "INP Bart Janssens;10/03/2025;01/03/2025;Ziekte\r\n"  # end before start: refused
    )
    wh = built(tmp_path, {"absences/afwezigheden.csv": absences})
    got = mart(
        wh, "SELECT inspector, start_date, end_date, reason, days FROM marts.absences ORDER BY 2"
    )
    assert [(r[0], str(r[1]), str(r[2]), r[3], r[4]) for r in got] == [
        ("INP Zoë Peeters", "2025-02-16", "2025-03-03", "Verlof", 16),
        ("INP Zoë Peeters", "2025-03-10", "2025-03-10", "Opleiding", 1),
    ]
    assert mart(wh, "SELECT kind, source_row, field FROM marts.rejects") == [("absences", 4, "Tot")]


def test_xlsx_reader_gives_openpyxls_rows_and_cells(tmp_path):
    """calamine (fast) reads the same rows, row numbers and cell texts as openpyxl did."""
    from datetime import date, datetime, time

    from openpyxl import Workbook, load_workbook

    from etl.sources.tabular import _cell_text, _xlsx_rows

    wb = Workbook()
    ws = wb.active
    ws["C3"] = "PV-nummer"  # data starting at C3: rows and columns keep their place
    ws["D3"] = "Datum feit"
    ws["E3"] = "Huisnr"
    values = [
        ("P1", datetime(2024, 2, 3, 14, 30), 12),
        ("P2", "03/02/2024 15:00", "12A"),
        ("P3", 45325.5, 171000.5),
        (None, None, None),  # an empty row inside the data
        ("P4", time(14, 30), True),
        ("  P5 ", date(2024, 2, 3), 2025001234),
    ]
    for i, row in enumerate(values, start=4):
        for col, value in zip("CDE", row, strict=True):
            ws[f"{col}{i}"] = value
    path = tmp_path / "f.xlsx"
    wb.save(path)

    def normal(text):  # a date reads as "03/02/2024", a datetime at midnight with its time
        return text.removesuffix(" 00:00") if text else text

    old = [
        (r, [normal(_cell_text(v)) for v in row])
        for r, row in enumerate(
            load_workbook(path, read_only=True, data_only=True)
            .worksheets[0]
            .iter_rows(values_only=True),
            start=1,
        )
    ]
    new = [(r, [normal(_cell_text(v)) for v in row]) for r, row in _xlsx_rows(path, "f.xlsx")]
    assert [x for x in new if any(x[1])] == [x for x in old if any(x[1])]
    assert new[2] == (3, [None, None, "PV-nummer", "Datum feit", "Huisnr"])


def test_tasks_whose_address_the_list_does_not_know_are_listed(tmp_path):
    """The contract lists unmatched tasks with the others; marts.geocode_unmatched held
    only incidents, accidents and nuisance, so a task left off the map by an unknown
    address was listed nowhere."""
    tasks = (
        "Taaknummer;Type taak;Ontvangen;Termijn;Afgesloten;Wijk;Straat;Huisnummer;Gemeente\r\n"
        "T1;Kantschrift;10/01/2024;31/01/2024;;W01;Kerkstraat;12;Herent\r\n"
        "T2;Kantschrift;10/01/2024;31/01/2024;;W01;Onbekendstraat;3;Herent\r\n"
        "T3;Kantschrift;10/01/2024;31/01/2024;;W01;;;\r\n"
    )
    raw = mini_raw(
        tmp_path,
        {
            "tasks/t.csv": tasks,
            "incidents/a.csv": incidents_csv([incident("I1")]),
            "addresses/adressen.csv": ADDRESSES,
        },
    )
    wh = tmp_path / "wh.duckdb"
    build(raw, wh)
    assert mart(wh, "SELECT task_id, geocode_method FROM marts.tasks ORDER BY 1") == [
        ("T1", "adres exact"),
        ("T2", None),
        ("T3", None),
    ]
    assert mart(
        wh, "SELECT kind, record_key, street, house_number, postcode FROM marts.geocode_unmatched"
    ) == [("tasks", "T2", "Onbekendstraat", "3", None)]


def test_a_tasks_unknown_wijk_code_gives_way_to_its_address(tmp_path):
    """A task's wijk code the zone does not know ("W99", "Wijk 7") overruled the wijk its
    address locates: no wijk name, no inspector, off the workload map; "w01" was not W01.
    A known code (in any case) still wins; an unknown one gives way to the address, and
    stays as written only without a location; the build warnings say so."""
    tasks = (
        "Taaknummer;Type taak;Ontvangen;Termijn;Afgesloten;Wijk;Straat;Huisnummer;Gemeente\r\n"
        "T1;Kantschrift;10/01/2024;31/01/2024;;W02;Kerkstraat;12;Herent\r\n"
        "T2;Kantschrift;10/01/2024;31/01/2024;;w02 ;Kerkstraat;12;Herent\r\n"
        "T3;Kantschrift;10/01/2024;31/01/2024;;W99;Kerkstraat;12;Herent\r\n"
        "T4;Kantschrift;10/01/2024;31/01/2024;;Wijk 7;Kerkstraat;12;Herent\r\n"
        "T5;Kantschrift;10/01/2024;31/01/2024;;W98;;;\r\n"
    )
    raw = mini_raw(tmp_path, {"tasks/t.csv": tasks, "addresses/adressen.csv": ADDRESSES})
    wh = tmp_path / "wh.duckdb"
    build(raw, wh)
    got = mart(wh, "SELECT task_id, wijk_code, wijk_code_located FROM marts.tasks ORDER BY 1")
    assert got == [
        ("T1", "W02", "W01"),
        ("T2", "W02", "W01"),
        ("T3", "W01", "W01"),
        ("T4", "W01", "W01"),
        ("T5", "W98", None),
    ]
    [(message,)] = mart(
        wh, "SELECT message FROM marts.build_warnings WHERE message LIKE '%geen wijk van de zone%'"
    )
    assert message.startswith(
        "3 wijktaken noemen een wijkcode die geen wijk van de zone is (W98, W99, Wijk 7): "
        "2 daarvan krijgen de wijk van hun adres"
    )


def test_a_tasks_wijk_written_by_name_or_number_is_that_wijk(tmp_path):
    """Inspectors write their wijk as they say it: "Wijk 2", "1", "W1", "centrum oost".
    Such a label was no wijk of the zone, so the address decided (or nothing did): a task
    at an address in W01 that the export put in wijk 2 counted for W01's inspector. A label
    is now read by the wijk's code, else its name (without case, accents and punctuation),
    else its number, each only when one wijk has it; the build warnings list the readings."""
    tasks = (
        "Taaknummer;Type taak;Ontvangen;Termijn;Afgesloten;Wijk;Straat;Huisnummer;Gemeente\r\n"
        "T1;Kantschrift;10/01/2024;31/01/2024;;Wijk 2;Kerkstraat;12;Herent\r\n"
        "T2;Kantschrift;10/01/2024;31/01/2024;;centrum oost;Kerkstraat;12;Herent\r\n"
        "T3;Kantschrift;10/01/2024;31/01/2024;;CENTRUM-OOST;;;\r\n"
        "T4;Kantschrift;10/01/2024;31/01/2024;;1;;;\r\n"
        "T5;Kantschrift;10/01/2024;31/01/2024;;W1;;;\r\n"
        "T6;Kantschrift;10/01/2024;31/01/2024;;wijk 02;;;\r\n"
        "T7;Kantschrift;10/01/2024;31/01/2024;;Wijk 12;Kerkstraat;12;Herent\r\n"
        "T8;Kantschrift;10/01/2024;31/01/2024;;W02;;;\r\n"
        "T9;Kantschrift;10/01/2024;31/01/2024;;Centrum;;;\r\n"
    )
    raw = mini_raw(tmp_path, {"tasks/t.csv": tasks, "addresses/adressen.csv": ADDRESSES})
    wh = tmp_path / "wh.duckdb"
    build(raw, wh)
    got = mart(wh, "SELECT task_id, wijk_code, wijk_name FROM marts.tasks ORDER BY 1")
    assert got == [
        ("T1", "W02", "Centrum-Oost"),
        ("T2", "W02", "Centrum-Oost"),
        ("T3", "W02", "Centrum-Oost"),
        ("T4", "W01", "Centrum-West"),
        ("T5", "W01", "Centrum-West"),
        ("T6", "W02", "Centrum-Oost"),
        # No wijk 12: the address decides, as for any unknown label.
        ("T7", "W01", "Centrum-West"),
        ("T8", "W02", "Centrum-Oost"),
        # A part of a name is no name.
        ("T9", "Centrum", None),
    ]
    messages = [m for (m,) in mart(wh, "SELECT message FROM marts.build_warnings")]
    [read] = [m for m in messages if "met naam of nummer" in m]
    assert read == (
        "6 wijktaken noemen hun wijk met naam of nummer in plaats van de wijkcode; gelezen: "
        '"1" als W01, "CENTRUM-OOST" als W02, "W1" als W01, "Wijk 2" als W02, '
        '"centrum oost" als W02, "wijk 02" als W02. Klopt een lezing niet, verbeter dan de '
        "wijk in de export of de wijkcodes in zone.toml."
    )
    [unknown] = [m for m in messages if "geen wijk van de zone" in m]
    assert unknown.startswith(
        "2 wijktaken noemen een wijkcode die geen wijk van de zone is (Centrum, Wijk 12)"
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("incidents/a.xlsx", b"PK\x03\x04 not really a workbook"),
        ("statbel/OPENDATA_MAP_2024.zip", b"no zip at all"),
        ("districts/wijken.geojson", b"{'type': 'FeatureCollection'"),
    ],
)
def test_a_file_no_library_can_open_is_named_with_a_dutch_cause(tmp_path, name, content):
    """A corrupt workbook, zip or GeoJSON stopped the build with the library's English
    ("invalid Zip archive: Could not find EOCD"): the Dutch cause now comes first."""
    raw = mini_raw(tmp_path, {name: content})
    with pytest.raises(BuildError) as caught:
        build(raw, tmp_path / "wh.duckdb")
    message = str(caught.value)
    assert message.startswith(f"Bestand {name} ")
    assert "het bestand is beschadigd, onvolledig (afgebroken) of van een ander formaat" in message
    assert "(technische melding: " in message


def test_the_note_on_two_encodings_names_the_fewer_lines():
    """One UTF-8 line pasted into a Windows-1252 export: the note names that line, not the
    thousands of others; the Data page names the encoding in Dutch."""
    from dashboard.components.upload import describe_encoding
    from etl.sources.tabular import _MixedDecoder

    lines = ["Straat;Nr", *(["Église;1"] * 5)]
    data = "\n".join(lines).encode("cp1252") + "\nSint-Rémi;2\nÉglise;3\n".encode()
    decoder = _MixedDecoder()
    text = (decoder.feed(data[:20]) + decoder.feed(data[20:]) + decoder.finish()).decode()
    assert text.splitlines()[1:] == ["Église;1"] * 5 + ["Sint-Rémi;2", "Église;3"]
    assert decoder.runs == {True: [[7, 8]], False: [[2, 6]]}
    assert decoder.note(hidden=1).startswith(
        "Het bestand mengt twee tekencoderingen (twee exports achter elkaar geplakt?): "
        "regels 6–7 in UTF-8, de andere regels met accenten in Windows-1252."
    )
    assert describe_encoding("utf-8+cp1252") == "UTF-8 en Windows-1252 gemengd"


@pytest.mark.parametrize("block", [7, 16, 64])
def test_windows_1252_with_an_accent_at_a_block_end_is_no_mixed_file(tmp_path, monkeypatch, block):
    """A Windows-1252 "é" at the end of a block of the streamed scan was taken for the lead
    byte of a UTF-8 character before the next block showed otherwise: the file was read as
    mixed, with a note about a byte order mark it does not have (found by a review)."""
    from etl.sources import tabular

    monkeypatch.setattr(tabular, "SCAN_BLOCK", block)
    rows = [incident(f"E{i}", street="Sint-Rémistraat") for i in range(6)]
    wh = built(tmp_path, {"incidents/a.csv": incidents_csv(rows).encode("cp1252")})
    assert {r[0] for r in mart(wh, "SELECT street FROM marts.incidents")} == {"Sint-Rémistraat"}
    assert mart(wh, "SELECT encoding, note FROM marts.load_files WHERE kind = 'incidents'") == [
        ("cp1252", None)
    ]


def test_an_old_mac_file_in_two_encodings_keeps_every_accent(tmp_path):
    """Lines ending in "\\r" alone, half UTF-8 and half Windows-1252: read as one line, the
    UTF-8 half came out as "Sint-RÃ©mistraat" (found by a review)."""
    first = [incident(f"A{i}", street=s) for i, s in enumerate(MIXED_STREETS)]
    second = [incident(f"B{i}", street=s) for i, s in enumerate(MIXED_STREETS)]
    head = "\r".join([INCIDENT_HEADER, *first]) + "\r"
    data = head.encode("utf-8") + ("\r".join(second) + "\r").encode("cp1252")
    wh = built(tmp_path, {"incidents/mac.csv": data})
    got = dict(mart(wh, "SELECT pv_number, street FROM marts.incidents"))
    assert sorted(set(got.values())) == sorted(MIXED_STREETS)


@pytest.mark.parametrize("workbook_file", [False, True])
def test_a_column_whose_field_another_gives_is_named_as_not_read(tmp_path, workbook_file):
    """A header repeated ("Straat" twice, a column copied in Excel) or two names of one
    field ("Huisnr" and "Nummer"): the first is read, as before, and the note says which
    column was passed over (it was without a word)."""
    header = [*INCIDENT_HEADER.split(";"), "Straat", "Nummer"]
    row = [*incident("P1").split(";"), "Dorpsstraat", "7"]
    if workbook_file:
        files = {"incidents/a.xlsx": workbook({"Blad1": [header, row]})}
    else:
        files = {"incidents/a.csv": ";".join(header) + "\r\n" + ";".join(row) + "\r\n"}
    wh = built(tmp_path, files)
    assert mart(wh, "SELECT street, house_number FROM marts.incidents") == [("Kerkstraat", "1")]
    [(note,)] = mart(wh, "SELECT note FROM marts.load_files WHERE kind = 'incidents'")
    assert (
        "Kolom 'Straat' (kolom 12) niet gelezen: kolom 6 ('Straat') geeft al het veld Straat."
        in note
    )
    assert "Kolom 'Nummer' (kolom 13) niet gelezen: kolom 7 ('Huisnr') geeft al het veld" in note


@pytest.mark.parametrize("workbook_file", [False, True])
def test_totals_rows_of_a_report_are_no_records(tmp_path, workbook_file):
    """An ISLP report or a spreadsheet kept by hand ends in a totals row ("Totaal: 3"), or
    has subtotals between its groups: no record, left out and named (it was refused as a
    record without a date). A record with its own fields is never taken for one."""
    width = len(INCIDENT_HEADER.split(";"))
    rows = [
        incident("P1").split(";"),
        incident("P2", when="geen datum").split(";"),
        ["Subtotaal Herent", "2"],
        incident("Totaal 7").split(";"),  # a full record whose key only starts so
        ["Totaal: 3"],
        ["Eindtotaal", "", "", "", "3"],
        ["Aantal: 2"],  # row 9
        ["Aantal records: 2"],
    ]
    header = INCIDENT_HEADER.split(";")
    if workbook_file:
        files = {"incidents/rapport.xlsx": workbook({"Blad1": [header, *rows]})}
    else:
        lines = [";".join(r + [""] * (width - len(r))) for r in [header, *rows]]
        files = {"incidents/rapport.csv": "\r\n".join(lines) + "\r\n"}
    wh = built(tmp_path, files)
    assert mart(wh, "SELECT pv_number FROM marts.incidents ORDER BY 1") == [("P1",), ("TOTAAL7",)]
    assert mart(wh, "SELECT source_row, value FROM marts.rejects") == [(3, "geen datum")]
    [(read, refused, note)] = mart(
        wh, "SELECT rows_read, rows_rejected, note FROM marts.load_files WHERE kind = 'incidents'"
    )
    assert (read, refused) == (3, 1)
    assert "Totaalrijen van het rapport overgeslagen (geen record): rij 4, 6–9." in note


@pytest.mark.parametrize("workbook_file", [False, True])
def test_an_excel_table_total_row_is_no_record(tmp_path, workbook_file):
    """Excel's total row under a table ("Opmaken als tabel", "Totaalrij"): "Totaal" in the
    first column and the count in the last. It was refused as a record without a date (a
    reject in every such export). It is left out and named, also with a sum in a column
    between; a record whose key starts with "Totaal" keeps its fields and stays a record,
    and one without a date is still refused."""
    width = len(INCIDENT_HEADER.split(";"))
    header = INCIDENT_HEADER.split(";")
    rows = [
        incident("P1").split(";"),
        incident("P2").split(";"),
        incident("Totaal 3").split(";"),  # a record: it has its date and its text
        # no total: a record without a date
        ["Totaal 4", "", "", "", "Diefstal", "Kerkstraat", "1", "3020", "Herent", "", ""],
        # A record of numbers only: its key starts so, its date an Excel serial number.
        ["Totaal 17", "45326", "", "", "", "", "", "3020", "", "171000", "177000"],
        ["Totaal", *[""] * (width - 2), "3"],  # row 7: Excel's count in the last column
        ["Totaal", "", "", "", "", "", "", "", "", "1.234,5", "3"],  # a sum between
    ]
    if workbook_file:
        cells = [[int(c) if c == "3" else c for c in r] for r in rows]
        files = {"incidents/tabel.xlsx": workbook({"Blad1": [header, *cells]})}
    else:
        # Excel's formatted empty rows under the table, as rows of separators only.
        blank = [[""] * width] * 6
        lines = [";".join(r + [""] * (width - len(r))) for r in [header, *rows, *blank]]
        files = {"incidents/tabel.csv": "\r\n".join(lines) + "\r\n"}
    wh = built(tmp_path, files)
    assert mart(wh, "SELECT pv_number FROM marts.incidents ORDER BY 1") == [
        ("P1",),
        ("P2",),
        ("TOTAAL17",),
        ("TOTAAL3",),
    ]
    assert mart(wh, "SELECT source_row, field FROM marts.rejects") == [(5, "Datum feit")]
    [(read, refused, note)] = mart(
        wh, "SELECT rows_read, rows_rejected, note FROM marts.load_files WHERE kind = 'incidents'"
    )
    assert (read, refused) == (5, 1)
    assert "Totaalrijen van het rapport overgeslagen (geen record): rij 7–8." in note


@pytest.mark.parametrize("workbook_file", [False, True])
def test_an_excel_total_row_under_an_address_list_is_no_record(tmp_path, workbook_file):
    """Excel's count sits in the table's last column, here Y, a required field of the
    address list: the total row was refused as an address without a house number (a
    review). The last column may hold the count; the other required columns stay empty."""
    header = ["Straatnaam", "Huisnummer", "Postcode", "Gemeente", "X", "Y"]
    rows = [
        ["Kerkstraat", "12", "3020", "Herent", "171010", "177010"],
        ["Kerkstraat", "14", "3020", "Herent", "171020", "177010"],
        ["Totaal", "", "", "", "", "2"],
    ]
    if workbook_file:
        files = {"addresses/adressen.xlsx": workbook({"Blad1": [header, *rows]})}
    else:
        lines = [";".join(r) for r in [header, *rows]]
        # Excel's formatted empty rows under the table.
        lines += [";;;;;"] * 8
        files = {"addresses/adressen.csv": "\r\n".join(lines) + "\r\n"}
    wh = built(tmp_path, files)
    assert mart(wh, "SELECT count(*) FROM marts.rejects WHERE kind = 'addresses'") == [(0,)]
    [(read, note)] = mart(
        wh, "SELECT rows_read, note FROM marts.load_files WHERE kind = 'addresses'"
    )
    assert read == 2
    assert "Totaalrij van het rapport overgeslagen (geen record): rij 4." in note


def test_a_summary_sheet_beside_the_table_is_left_out_and_named(tmp_path):
    """A workbook with the export on one sheet and an analyst's summary or pivot on another
    ("Gemeente | Straat | Categorie | Aantal"): the build stopped, asking to map a PV-number
    column the summary never had (an audit). The summary is left out and named (a month's
    sheet that only lacks its number column is still refused: tests/etl/test_workbook_sheets_near.py)."""
    header = INCIDENT_HEADER.split(";")
    data = [header, incident("P1").split(";"), incident("P2").split(";")]
    summary = [["Gemeente", "Straat", "Categorie", "Aantal"], ["Herent", "Kerkstraat", "X", 2]]
    pivot = [["Gemeente", "Straat", "Categorie", "Aantal van PV-nummer"], ["Herent", "K", "X", 2]]
    wh = built(
        tmp_path,
        {
            "incidents/export.xlsx": workbook(
                {"Samenvatting": summary, "Data": data, "Pivot": pivot}
            )
        },
    )
    assert mart(wh, "SELECT pv_number FROM marts.incidents ORDER BY 1") == [("P1",), ("P2",)]
    notes = " ".join(n for (n,) in mart(wh, "SELECT note FROM marts.load_files") if n)
    assert (
        "Werkblad 'Samenvatting' niet gelezen: het lijkt een samenvatting (kolom 'Aantal')" in notes
    )
    assert (
        "Werkblad 'Pivot' niet gelezen: het lijkt een samenvatting (kolom 'Aantal van PV-nummer')"
        in notes
    )


def test_a_register_number_excel_stripped_of_its_zeros_is_the_same_record(tmp_path):
    """A register numbered 000001 … in its CSV, and a later copy saved from Excel, where
    the numbers became 1 …: every report counted twice (7 where there were 4; an audit).
    A key of digits only is compared without its leading zeros; the newer copy wins."""
    from datetime import datetime

    header = "Meldingsnummer;Datum melding;Type overlast;Lambert X;Lambert Y\n"
    csv = header + "".join(
        f"00000{i};0{i}/03/2025 10:00;Geluidsoverlast;171000;177000\n" for i in (1, 2, 3)
    )
    sheet = [["Meldingsnummer", "Datum melding", "Type overlast", "Lambert X", "Lambert Y"]] + [
        [i, datetime(2025, 3, i, 10), "Zwerfvuil", 171000, 177000] for i in (1, 2, 3, 4)
    ]
    wh = built(
        tmp_path,
        {
            "nuisance/overlast_maart.csv": csv,
            "nuisance/overlast_maart_bijgewerkt.xlsx": workbook({"Blad1": sheet}),
        },
    )
    reports = mart(wh, "SELECT report_id, nuisance_type FROM marts.nuisance ORDER BY 1")
    assert reports == [(str(i), "Zwerfvuil") for i in (1, 2, 3, 4)]
    # A key with a letter keeps its zeros (Excel keeps it as text).
    wh = built(
        tmp_path / "letters",
        {"nuisance/a.csv": header + "0012A;01/03/2025 10:00;Zwerfvuil;171000;177000\n"},
    )
    assert mart(wh, "SELECT report_id FROM marts.nuisance") == [("0012A",)]


def test_messages_about_a_workbook_speak_of_rows_and_name_no_empty_columns(tmp_path):
    """A workbook whose header lies below the rows searched: the refusal listed "Gevonden
    kolommen: Filter 0: alle, , , , , ," and spoke of "regels"; an .xlsm was skipped without
    the way out; a PDF named .xlsx was "geen tekstbestand maar een PDF" (an audit)."""
    from etl.sources.tabular import HEADER_SEARCH_LINES

    filters = [[f"Filter {i}: alle"] for i in range(HEADER_SEARCH_LINES + 2)]
    header = INCIDENT_HEADER.split(";")
    book = workbook({"Blad1": [*filters, header, incident("P1").split(";")]})
    with pytest.raises(BuildError) as refused:
        built(tmp_path, {"incidents/diep.xlsx": book})
    message = str(refused.value)
    assert ", ," not in message and f"de eerste {HEADER_SEARCH_LINES} rijen" in message
    from etl.sources.base import ignored_files

    raw = mini_raw(tmp_path / "m", {"incidents/macro.xlsm": b"PK\x03\x04"})
    [(_, name, reason)] = [f for f in ignored_files(raw) if f[1].endswith(".xlsm")]
    assert reason.endswith("open het in Excel en bewaar het als Excel-werkmap (.xlsx)")
    with pytest.raises(BuildError, match="is een PDF-document, geen tekstbestand"):
        built(tmp_path / "p", {"incidents/verslag.xlsx": b"%PDF-1.4\n%binary\x00"})


def test_a_period_where_one_moment_belongs_is_refused_as_a_period(tmp_path):
    """A nuisance report or an accident with a period in its one date field ("05/11/2026
    22:00 - 06/11/2026 01:00") was refused as "geen geldige datum (verwacht dd/mm/jjjj
    uu:mm)", in the very format it asked for (an audit). The reason says it is a period;
    a date that is no date keeps its own reason."""
    nuisance = (
        "Meldingsnummer;Datum melding;Type overlast\r\n"
        "N1;05/02/2024 22:00 - 06/02/2024 01:00;Geluidsoverlast\r\n"
        "N2;van 05/02/2024 22:00 tot 06/02/2024 01:00;Geluidsoverlast\r\n"
        "N3;gisteren;Geluidsoverlast\r\n"
        "N4;05/02/2024 22:00;Geluidsoverlast\r\n"
    )
    accidents = (
        "Ongevalnummer;Datum/uur;Straat;Gemeente;X;Y;Ernst\r\n"
        "O1;03/02/2024 14:30 - 03/02/2024 15:00;Kerkstraat;Herent;171000;177000;Lichtgewond\r\n"
        "O2;03/02/2024 14:30;Kerkstraat;Herent;171000;177000;Lichtgewond\r\n"
    )
    wh = built(tmp_path, {"nuisance/n.csv": nuisance, "accidents/o.csv": accidents})
    reasons = dict(
        mart(
            wh,
            "SELECT value, reason FROM marts.rejects WHERE field IN ('Datum melding', 'Datum/uur')",
        )
    )
    period = "is een periode: hier hoort één moment (dd/mm/jjjj uu:mm), bijvoorbeeld het begin"
    assert reasons == {
        "05/02/2024 22:00 - 06/02/2024 01:00": f"Datum melding {period}",
        "van 05/02/2024 22:00 tot 06/02/2024 01:00": f"Datum melding {period}",
        "gisteren": "Datum melding is geen geldige datum (verwacht dd/mm/jjjj uu:mm)",
        "03/02/2024 14:30 - 03/02/2024 15:00": f"Datum/uur {period}",
    }
    assert mart(wh, "SELECT report_id FROM marts.nuisance") == [("N4",)]


def test_a_task_received_on_a_day_only_has_no_hour(tmp_path):
    """The task exports give the day a task came in: its hour was 0 for every task (an
    audit), where the other marts leave an unknown hour empty. A time given is kept."""
    tasks = (
        "Taaknummer;Type taak;Ontvangen;Termijn;Afgesloten;Wijk\r\n"
        "T1;Kantschrift;10/01/2024;31/01/2024;;W01\r\n"
        "T2;Kantschrift;10/01/2024 14:30;31/01/2024;;W01\r\n"
    )
    wh = tmp_path / "wh.duckdb"
    build(mini_raw(tmp_path, {"tasks/t.csv": tasks}), wh)
    assert mart(wh, "SELECT task_id, hour, date FROM marts.tasks ORDER BY 1") == [
        ("T1", None, date(2024, 1, 10)),
        ("T2", 14, date(2024, 1, 10)),
    ]
