"""Hours typed in a register as four digits without a separator ("1430", "930", "0715")
were refused as no hour (the record lost from the counts). In a column of hours they read
as hh:mm; in a date field "2024" stays a year, never 20:24."""

from __future__ import annotations

from etl_helpers import built, query

HEADER = "PV-nummer;Datum feit;Einddatum feit;Uur feit;Einduur;Categorie;X;Y\r\n"


def test_four_digit_hours_in_hour_columns(tmp_path):
    rows = [
        ("H1", "03/02/2024", "", "1430", ""),
        ("H2", "03/02/2024", "", "930", ""),
        ("H3", "03/02/2024", "", "0715", "0900"),
        ("H4", "03/02/2024", "", "2200", "0600"),  # through the night
        ("H5", "03/02/2024", "", "2460", ""),  # no hour: refused
        ("H6", "03/02/2024", "", "14300", ""),  # five digits: refused
        ("H7", "03/02/2024 10:00", "2024", "", ""),  # a year in the end date: refused
    ]
    body = "".join(f"{p};{a};{b};{c};{d};Diefstal;171000;177000\r\n" for p, a, b, c, d in rows)
    wh = built(tmp_path, {"incidents/feiten.csv": HEADER + body})
    got = {
        pv: (str(start), str(end) if end else None)
        for pv, start, end in query(
            wh, "SELECT pv_number, occurred_from, occurred_to FROM marts.incidents"
        )
    }
    assert got == {
        "H1": ("2024-02-03 14:30:00", None),
        "H2": ("2024-02-03 09:30:00", None),
        "H3": ("2024-02-03 07:15:00", "2024-02-03 09:00:00"),
        "H4": ("2024-02-03 22:00:00", "2024-02-04 06:00:00"),
    }
    refused = dict(query(wh, "SELECT value, field FROM marts.rejects WHERE kind = 'incidents'"))
    assert refused == {"2460": "Uur feit", "14300": "Uur feit", "2024": "Einddatum feit"}


def test_four_digit_hour_of_a_nuisance_report(tmp_path):
    text = (
        "Meldingsnummer;Datum melding;Uur melding;Type overlast;X;Y\n"
        "N1;03/02/2024;2315;Geluidsoverlast;171000;177000\n"
        "N2;03/02/2024;23:15;Geluidsoverlast;171000;177000\n"
    )
    wh = built(tmp_path, {"nuisance/register.csv": text})
    assert query(wh, "SELECT DISTINCT reported_at FROM marts.nuisance")[0][0].isoformat() == (
        "2024-02-03T23:15:00"
    )
