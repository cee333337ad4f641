"""Registers that number apart: each municipality's nuisance register, event list or a
speed-camera vendor's yearly file numbered 1, 2, 3 … The same number in two such files is
two records (both count), while a later export of one register still replaces its older
version (nothing counted twice). ISLP numbers are unique in the zone and keep the rule of
the newest export."""

from __future__ import annotations

from etl_helpers import built, query

NUISANCE = "Meldingsnummer;Datum melding;Type overlast;Straat;Huisnummer;Gemeente\r\n"


def register(rows: list[tuple[str, str, str]]) -> str:
    return NUISANCE + "".join(
        f"{n};{day};Geluidsoverlast;Kerkstraat;5;{place}\r\n" for n, day, place in rows
    )


HERENT = [
    ("1", "03/03/2025", "Herent"),
    ("2", "04/03/2025", "Herent"),
    ("3", "05/03/2025", "Herent"),
    ("4", "06/03/2025", "Herent"),
]
KORTENBERG = [
    ("1", "05/02/2025", "Kortenberg"),
    ("2", "06/02/2025", "Kortenberg"),
    ("3", "07/02/2025", "Kortenberg"),
]


def test_two_municipal_registers_numbered_alike_both_count(tmp_path):
    """Herent's and Kortenberg's registers both start at 1: Kortenberg's three reports
    were replaced by Herent's of the same numbers (the newer file), silently."""
    wh = built(
        tmp_path,
        {
            "nuisance/overlast_herent_2025.csv": register(HERENT),
            "nuisance/overlast_kortenberg_2025.csv": register(KORTENBERG),
        },
    )
    got = query(
        wh,
        "SELECT report_id, municipality_reported, CAST(reported_at AS DATE)::VARCHAR FROM marts.nuisance ORDER BY 1",
    )
    assert got == [
        ("1 (Herent)", "Herent", "2025-03-03"),
        ("1 (Kortenberg)", "Kortenberg", "2025-02-05"),
        ("2 (Herent)", "Herent", "2025-03-04"),
        ("2 (Kortenberg)", "Kortenberg", "2025-02-06"),
        ("3 (Herent)", "Herent", "2025-03-05"),
        ("3 (Kortenberg)", "Kortenberg", "2025-02-07"),
        ("4", "Herent", "2025-03-06"),
    ]
    assert query(
        wh, "SELECT sum(rows_superseded) FROM marts.load_files WHERE kind = 'nuisance'"
    ) == [(0,)]
    [(topic, message)] = query(
        wh,
        "SELECT topic, message FROM marts.build_warnings WHERE message LIKE '%nummeren elk apart%'",
    )
    assert topic == "Overlast"
    assert message == (
        "overlast_herent_2025.csv, overlast_kortenberg_2025.csv nummeren elk apart: 3 nummers "
        "staan in meer dan één bestand voor verschillende meldingen (een week of meer "
        "uit elkaar, of een andere gemeente). Ze tellen allemaal; zo'n nummer krijgt de gemeente of het bestand erbij, "
        "bv. '1 (Herent)'. Is het ene bestand toch een nieuwere versie van het andere, dan "
        "tellen die records dubbel: haal dan het oudere bestand weg."
    )


def test_a_later_export_of_one_register_still_replaces_the_older(tmp_path):
    """March's export of Herent's register repeats February's reports with their day (one
    day corrected) and adds new ones: each report once, the newer version (its corrected
    day), next to Kortenberg's register numbered alike."""
    older = HERENT[:3]
    newer = [HERENT[0], ("2", "14/03/2025", "Herent"), *HERENT[2:]]
    wh = built(
        tmp_path,
        {
            "nuisance/overlast_herent_2025_02.csv": register(older),
            "nuisance/overlast_herent_2025_03.csv": register(newer),
            "nuisance/overlast_kortenberg_2025.csv": register(KORTENBERG),
        },
    )
    got = query(
        wh,
        "SELECT report_id, CAST(reported_at AS DATE)::VARCHAR, source_file FROM marts.nuisance ORDER BY 1",
    )
    assert got == [
        ("1 (Herent)", "2025-03-03", "nuisance/overlast_herent_2025_03.csv"),
        ("1 (Kortenberg)", "2025-02-05", "nuisance/overlast_kortenberg_2025.csv"),
        ("2 (Herent)", "2025-03-14", "nuisance/overlast_herent_2025_03.csv"),
        ("2 (Kortenberg)", "2025-02-06", "nuisance/overlast_kortenberg_2025.csv"),
        ("3 (Herent)", "2025-03-05", "nuisance/overlast_herent_2025_03.csv"),
        ("3 (Kortenberg)", "2025-02-07", "nuisance/overlast_kortenberg_2025.csv"),
        ("4", "2025-03-06", "nuisance/overlast_herent_2025_03.csv"),
    ]
    superseded = query(
        wh,
        "SELECT source_file, rows_superseded FROM marts.load_files WHERE kind = 'nuisance' ORDER BY 1",
    )
    assert superseded == [
        ("nuisance/overlast_herent_2025_02.csv", 3),
        ("nuisance/overlast_herent_2025_03.csv", 0),
        ("nuisance/overlast_kortenberg_2025.csv", 0),
    ]
    # Versions of one register alone: replaced, no bracket, no warning.
    wh = built(
        tmp_path / "alone",
        {"nuisance/a_2025_02.csv": register(older), "nuisance/a_2025_03.csv": register(newer)},
    )
    assert [r for (r,) in query(wh, "SELECT report_id FROM marts.nuisance ORDER BY 1")] == [
        "1",
        "2",
        "3",
        "4",
    ]
    assert query(wh, "SELECT count(*) FROM marts.build_warnings WHERE message LIKE '%apart%'") == [
        (0,)
    ]


def test_controls_and_events_numbered_again_each_year_or_place(tmp_path):
    """A vendor's yearly files both start at 1 (no municipality: the file tells them
    apart); two municipalities' event lists likewise (their municipality does)."""
    controls = "Controlenummer;Type controle;Begin;Einde;Straat;X;Y;Gecontroleerde voertuigen;Overtredingen\r\n"
    events = "Dossiernummer;Evenement;Type;Begin;Einde;Gemeente;X;Y\r\n"
    wh = built(
        tmp_path,
        {
            "controls/flitspaal_2024.csv": controls
            + "1;Snelheid;05/03/2024 08:00;05/03/2024 10:00;Kerkstraat;171010;177010;100;4\r\n"
            + "2;Snelheid;06/03/2024 08:00;06/03/2024 10:00;Kerkstraat;171010;177010;90;2\r\n",
            "controls/flitspaal_2025.csv": controls
            + "1;Snelheid;05/03/2025 08:00;05/03/2025 10:00;Kerkstraat;171010;177010;120;5\r\n",
            "events/evenementen_herent_2025.csv": events
            + "1;Kermis Herent;Kermis;05/07/2025 14:00;05/07/2025 23:00;Herent;171010;177010\r\n",
            "events/evenementen_kortenberg_2025.csv": events
            + "1;Jaarmarkt;Markt;01/09/2025 08:00;01/09/2025 18:00;Kortenberg;171010;177010\r\n",
        },
    )
    assert query(wh, "SELECT control_id, vehicles_checked FROM marts.controls ORDER BY 1") == [
        ("1 (flitspaal_2024.csv)", 100),
        ("1 (flitspaal_2025.csv)", 120),
        ("2", 90),
    ]
    assert query(wh, "SELECT event_id, name FROM marts.events ORDER BY 1") == [
        ("1 (Herent)", "Kermis Herent"),
        ("1 (Kortenberg)", "Jaarmarkt"),
    ]
    topics = [
        t
        for (t,) in query(
            wh,
            "SELECT topic FROM marts.build_warnings WHERE message LIKE '%nummeren elk apart%' ORDER BY 1",
        )
    ]
    assert topics == ["Evenementen", "Verkeerscontroles"]


def test_islp_numbers_keep_the_newest_export_rule(tmp_path):
    """A PV number in two ISLP exports with another date is a correction, not another
    fact: one record, the newest export's (registers only number apart)."""
    from test_quirks import incident, incidents_csv

    older = incidents_csv(
        [incident("PV1", "03/03/2025 10:00"), incident("PV2", "04/03/2025 10:00")]
    )
    newer = incidents_csv(
        [incident("PV1", "13/03/2025 10:00"), incident("PV2", "14/03/2025 10:00")]
    )
    wh = built(tmp_path, {"incidents/feiten_1.csv": older, "incidents/feiten_2.csv": newer})
    got = query(
        wh, "SELECT pv_number, CAST(occurred_from AS DATE)::VARCHAR FROM marts.incidents ORDER BY 1"
    )
    assert got == [("PV1", "2025-03-13"), ("PV2", "2025-03-14")]
