"""Real-export quirks taken up in session 22.

An absence list (a roster or HR export) writes 31/12/9999 as the end of an absence "until
further notice" (long sick leave). It was refused as a placeholder date, so the inspector
who is away longest looked fully available and underloaded in the workload index.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from etl_helpers import build, mini_raw, query


def test_an_absence_until_31_12_9999_is_open_ended(tmp_path: Path):
    absences = (
        "Wijkinspecteur;Van;Tot;Reden\r\n"
        "INP Zoë Peeters;02/03/2026;31/12/9999;Ziekte\r\n"
        "INP Jan Claes;02/03/2026;31/12/9999 00:00;Ziekte\r\n"
        "INP Els Maes;02/03/2026;2958465;Verlof\r\n"  # Excel's serial for 31/12/9999
        "INP Tom Wouters;02/03/2026;;Opleiding\r\n"  # no end: one day
        "INP Tom Wouters;09/03/2026;01/01/1900;Verlof\r\n"  # no usable end: refused
        "INP Tom Wouters;16/03/2026;00/00/0000;Verlof\r\n"
        "INP An Peeters;02/03/2026;05/03/2026;Verlof\r\n"
    )
    wh = tmp_path / "wh.duckdb"
    build(mini_raw(tmp_path, {"absences/a.csv": absences}), wh)
    got = query(
        wh,
        "SELECT inspector, start_date, end_date, open_ended, days FROM marts.absences "
        "ORDER BY inspector",
    )
    far = date(9999, 12, 31)
    assert got == [
        ("INP An Peeters", date(2026, 3, 2), date(2026, 3, 5), False, 4),
        ("INP Els Maes", date(2026, 3, 2), far, True, None),
        ("INP Jan Claes", date(2026, 3, 2), far, True, None),
        ("INP Tom Wouters", date(2026, 3, 2), date(2026, 3, 2), False, 1),
        ("INP Zoë Peeters", date(2026, 3, 2), far, True, None),
    ]
    refused = query(
        wh,
        "SELECT source_row, field, value, reason FROM marts.rejects WHERE kind = 'absences' "
        "ORDER BY source_row",
    )
    assert [r[:3] for r in refused] == [(6, "Tot", "01/01/1900"), (7, "Tot", "00/00/0000")]
    assert all("plaatshouder" in r[3] for r in refused)
