"""A register or accident export that gives the day only: the hour is unknown, not
midnight. Nuisance reports and accidents of such a list were all counted at 00:00 in the
hour x weekday views (the incidents' own whole-day window was already spread)."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
from etl_helpers import built, query


def test_nuisance_day_only_has_no_hour(tmp_path):
    register = (
        "Meldingsnummer;Datum melding;Uur melding;Type overlast\r\n"
        "1;03/03/2025;;Geluidsoverlast\r\n"
        "2;03/03/2025;00:00;Geluidsoverlast\r\n"
        "3;03/03/2025 00:00;;Geluidsoverlast\r\n"
        "4;04/03/2025;14:30;Sluikstort\r\n"
        "5;2025-03-05;;Sluikstort\r\n"
    )
    wh = built(tmp_path, {"nuisance/overlast.csv": register})
    got = query(
        wh,
        "SELECT report_id, hour, time_known, weekday, CAST(date AS VARCHAR) "
        "FROM marts.nuisance ORDER BY 1",
    )
    assert got == [
        ("1", None, False, 1, "2025-03-03"),
        # Midnight written out is a time of day.
        ("2", 0, True, 1, "2025-03-03"),
        ("3", 0, True, 1, "2025-03-03"),
        ("4", 14, True, 2, "2025-03-04"),
        ("5", None, False, 3, "2025-03-05"),
    ]


def test_nuisance_workbook_date_cells_have_no_hour(tmp_path):
    """A column of date cells (format dd/mm/yyyy) gives days; a column that also holds
    times of day reads a midnight cell as midnight (the reader's rule for such columns)."""
    files = {}
    for name, values, fmt in (
        ("dagen", [dt.date(2025, 3, 3), dt.date(2025, 3, 4)], "dd/mm/yyyy"),
        ("uren", [dt.datetime(2025, 3, 5, 21, 15), dt.datetime(2025, 3, 6)], "dd/mm/yyyy hh:mm"),
    ):
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(["Meldingsnummer", "Datum melding", "Type overlast"])
        for i, value in enumerate(values, start=1):
            ws.append([f"{name}-{i}", value, "Geluidsoverlast"])
            ws.cell(i + 1, 2).number_format = fmt
        buf = io.BytesIO()
        wb.save(buf)
        files[f"nuisance/{name}.xlsx"] = buf.getvalue()
    wh = built(tmp_path, files)
    got = query(wh, "SELECT report_id, hour, time_known FROM marts.nuisance ORDER BY 1")
    assert got == [
        ("DAGEN-1", None, False),
        ("DAGEN-2", None, False),
        ("UREN-1", 21, True),
        ("UREN-2", 0, True),
    ]


def test_accident_day_only_has_no_hour_for_accident_or_victims(tmp_path):
    accidents = (
        "Ongevalnummer;Datum;Uur;Ernst;X;Y\r\n"
        "A1;03/03/2025;;Lichtgewond;171000;177000\r\n"
        "A2;03/03/2025;08:10;Lichtgewond;171000;177000\r\n"
    )
    victims = (
        "Ongevalnummer;Volgnummer;Letsel;Weggebruiker\r\n"
        "A1;1;Lichtgewond;Fietser\r\nA2;1;Lichtgewond;Voetganger\r\n"
    )
    wh = built(
        tmp_path, {"accidents/ongevallen.csv": accidents, "victims/slachtoffers.csv": victims}
    )
    got = query(
        wh,
        "SELECT accident_id, hour, time_known, weekday FROM marts.accidents "
        "WHERE source = 'zone' ORDER BY 1",
    )
    assert got == [("A1", None, False, 1), ("A2", 8, True, 1)]
    assert query(wh, "SELECT accident_id, hour FROM marts.victims ORDER BY 1") == [
        ("A1", None),
        ("A2", 8),
    ]


def test_event_follow_up_leaves_out_reports_without_hour(tmp_path):
    """A fuif from 22:00 to 04:00: a report of that Sunday by its day only was read as
    00:00 and counted as noise of the fuif; one at 02:10 is."""
    from dashboard.queries import events as event_queries
    from dashboard.queries._db import warehouse_version

    events = (
        "Dossiernummer;Evenement;Type;Begin;Einde;Gemeente;X;Y\r\n"
        "EV-1;Fuif;Fuif;06/07/2024 22:00;07/07/2024 04:00;Herent;171000;177000\r\n"
    )
    nuisance = (
        "Meldingsnummer;Datum melding;Type overlast;Gemeente;Lambert X;Lambert Y\r\n"
        "1;07/07/2024 02:10;Geluidsoverlast;Herent;171000;177050\r\n"
        "2;07/07/2024;Geluidsoverlast;Herent;171000;177050\r\n"
        # The data's first and last days, far away: the fuif's weeks are covered.
        "3;01/05/2024 12:00;Sluikstort;Herent;173000;177000\r\n"
        "4;30/09/2024 12:00;Sluikstort;Herent;173000;177000\r\n"
    )
    wh = built(tmp_path, {"events/evenementen.csv": events, "nuisance/overlast.csv": nuisance})
    df = event_queries.event_follow_up(
        warehouse_version(wh), dt.date(2024, 7, 1), dt.date(2024, 7, 7)
    )
    row = df.set_index("event_id").loc["EV-1"]
    assert (row["nuisance_now"], row["nuisance_before"]) == (1, 0)
    assert bool(row["counted"])


def test_incident_day_only_has_no_hour_but_keeps_its_window(tmp_path):
    """ "Datum feit 03/02/2024": a window of that whole day, whose hour was 0, so the
    hour x weekday view without spreading put every such burglary at midnight."""
    from etl_helpers import INCIDENT_HEADER

    rows = [
        "P1;03/02/2024;;;Woninginbraak;Kerkstraat;1;3020;Herent;171000;177000",
        "P2;03/02/2024 00:00;;;Woninginbraak;Kerkstraat;1;3020;Herent;171000;177000",
        "P3;03/02/2024 22:00;04/02/2024 06:00;;Woninginbraak;Kerkstraat;1;3020;Herent;171000;177000",
        "P4;03/02/2024 - 05/02/2024;;;Woninginbraak;Kerkstraat;1;3020;Herent;171000;177000",
    ]
    wh = built(tmp_path, {"incidents/feiten.csv": INCIDENT_HEADER + "\n" + "\n".join(rows) + "\n"})
    got = query(
        wh,
        "SELECT pv_number, hour, time_known, is_window, strftime(occurred_to, '%d/%m %H:%M') "
        "FROM marts.incidents ORDER BY 1",
    )
    assert got == [
        ("P1", None, False, True, "04/02 00:00"),
        ("P2", 0, True, False, None),
        ("P3", 22, True, True, "04/02 06:00"),
        ("P4", None, False, True, "06/02 00:00"),
    ]


def test_a_later_re_export_wins_by_its_late_registrations(tmp_path):
    """The monthly export of December (made early January) and the year's re-export (made
    in February, a category corrected) both end on 31/12: the later name won, and
    "ISLP_feiten_2025-12" sorts after "ISLP_feiten_2025", so the correction was lost. An
    export is made after its last PV was registered: the re-export holds a PV registered
    in February and is the newer one."""
    from etl_helpers import INCIDENT_HEADER

    def row(pv, day, reg, category):
        return f"{pv};{day} 10:00;;{reg} 12:00;{category};Kerkstraat;1;3020;Herent;171000;177000"

    december = [
        row("P1", "02/12/2025", "02/12/2025", "Diefstal"),
        row("P2", "31/12/2025", "05/01/2026", "Vandalisme"),
    ]
    year = [
        row("P0", "15/06/2025", "15/06/2025", "Diefstal"),
        row("P1", "02/12/2025", "02/12/2025", "Woninginbraak"),  # corrected
        row("P2", "31/12/2025", "05/01/2026", "Vandalisme"),
        row("P3", "30/12/2025", "10/02/2026", "Fietsdiefstal"),  # registered late
    ]
    files = {
        "incidents/ISLP_feiten_2025-12.csv": INCIDENT_HEADER + "\n" + "\n".join(december) + "\n",
        "incidents/ISLP_feiten_2025.csv": INCIDENT_HEADER + "\n" + "\n".join(year) + "\n",
    }
    wh = built(tmp_path, files)
    got = query(wh, "SELECT pv_number, category, source_file FROM marts.incidents ORDER BY 1")
    assert got == [
        ("P0", "Diefstal", "incidents/ISLP_feiten_2025.csv"),
        ("P1", "Woninginbraak", "incidents/ISLP_feiten_2025.csv"),
        ("P2", "Vandalisme", "incidents/ISLP_feiten_2025.csv"),
        ("P3", "Fietsdiefstal", "incidents/ISLP_feiten_2025.csv"),
    ]
