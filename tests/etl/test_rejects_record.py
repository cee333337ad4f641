"""A refused row names the row its record comes from when the warehouse has it all the same.

An analyst working through the refused rows needs to know which ones cost a record: a row
refused in one export whose PV is loaded from another export (an overlapping or re-saved
export), or from a later row of its own file, needs no correction.
"""

from __future__ import annotations

from etl_helpers import INCIDENT_HEADER, built, query

W01 = ("171000", "177000")


def row(pv: str, when: str) -> str:
    return ";".join([pv, when, "", "", "Vandalisme", "Kerkstraat", "1", "3020", "Herent", *W01])


def csv(*rows: str, newline: str = "\r\n") -> str:
    return newline.join([INCIDENT_HEADER, *rows]) + newline


def refused(wh) -> list[tuple]:
    return query(
        wh,
        "SELECT source_file, source_row, field, record_file, record_row FROM marts.rejects "
        "ORDER BY source_file, source_row",
    )


def test_refused_in_newer_export_but_loaded_from_older(tmp_path):
    wh = built(
        tmp_path,
        {
            "incidents/feiten_2024.csv": csv(
                row("PV-A", "03/02/2024 10:00"), row("PV-B", "05/03/2024 11:00")
            ),
            "incidents/feiten_2025.csv": csv(
                row("PV-A", "31/02/2024 10:00"), row("PV-C", "02/01/2025 12:00")
            ),
        },
    )
    assert refused(wh) == [
        ("incidents/feiten_2025.csv", 2, "Datum feit", "incidents/feiten_2024.csv", 2)
    ]
    # Counted once, from the older export: nothing lost, nothing twice.
    assert query(wh, "SELECT pv_number, source_file FROM marts.incidents ORDER BY 1") == [
        ("PV-A", "incidents/feiten_2024.csv"),
        ("PV-B", "incidents/feiten_2024.csv"),
        ("PV-C", "incidents/feiten_2025.csv"),
    ]


def test_resaved_export_refuses_the_same_row_twice_and_neither_has_a_record(tmp_path):
    rows = (row("PV-A", "03/02/2024 10:00"), row("PV-D", "geen datum"))
    wh = built(
        tmp_path,
        {
            "incidents/feiten.csv": csv(*rows),
            # The same export saved again with other line ends: not byte-identical, so read.
            "incidents/feiten (1).csv": csv(*rows, newline="\n"),
        },
    )
    assert refused(wh) == [
        ("incidents/feiten (1).csv", 3, "Datum feit", None, None),
        ("incidents/feiten.csv", 3, "Datum feit", None, None),
    ]
    assert query(wh, "SELECT count(*) FROM marts.incidents") == [(1,)]


def test_duplicate_in_one_file_names_the_row_kept(tmp_path):
    wh = built(
        tmp_path,
        {
            "incidents/feiten.csv": csv(
                row("PV-A", "03/02/2024 10:00"),
                row("PV-B", "04/02/2024 10:00"),
                row("PV-A", "03/02/2024 10:30"),
            )
        },
    )
    [(source_file, source_row, _field, record_file, record_row)] = refused(wh)
    assert (source_row, record_file, record_row) == (2, source_file, 4)


def test_a_correction_export_of_older_facts_says_it_counts_for_nothing(tmp_path):
    """A small correction export beside the full export: the full export has the latest
    record, so it is the newest and its versions count. That was said nowhere for files
    copied in by hand; the file's note says it now, with the rows it concerns."""
    full = csv(
        row("PV-A", "03/02/2024 10:00"),
        row("PV-B", "05/03/2024 11:00"),
        row("PV-C", "02/01/2025 12:00"),
    )
    correction = csv(row("PV-A", "03/02/2024 10:15"), row("PV-B", "05/03/2024 11:15"))
    partly = csv(row("PV-C", "02/01/2025 12:00"), row("PV-D", "07/01/2025 09:00"))
    wh = built(
        tmp_path,
        {
            "incidents/feiten.csv": full,
            "incidents/feiten_correctie.csv": correction,
            "incidents/feiten_jan.csv": partly,
        },
    )
    got = {
        f: (accepted, superseded, note)
        for f, accepted, superseded, note in query(
            wh,
            "SELECT source_file, rows_accepted, rows_superseded, note FROM marts.load_files "
            "WHERE kind = 'incidents'",
        )
    }
    accepted, superseded, note = got["incidents/feiten_correctie.csv"]
    assert (accepted, superseded) == (2, 2)
    assert note.startswith("Alle 2 aanvaarde records staan ook in een nieuwere export")
    assert "dit bestand telt niet mee" in note
    # feiten_jan.csv has the latest record (07/01/2025): the newest, nothing superseded.
    assert got["incidents/feiten_jan.csv"] == (2, 0, None)
    accepted, superseded, note = got["incidents/feiten.csv"]
    assert (accepted, superseded) == (3, 1)
    assert note.startswith("1 van de 3 aanvaarde records staat ook in een nieuwere export")
    assert query(wh, "SELECT count(*) FROM marts.incidents") == [(4,)]
