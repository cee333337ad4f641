"""Secondary lists as people keep them: an event list with its hours in columns of their
own, task lists naming inspectors in another order or without their rank, a register
numbering its reports "Nr melding", and the refusal naming the zone's own mapping file."""

from __future__ import annotations

import pytest
from etl_helpers import ZONE_SMALL, build, built, mini_raw, query

from etl.build import BuildError
from etl.config import zone_file_label


def test_event_hours_in_columns_of_their_own(tmp_path):
    """ "Datum; Beginuur; Einduur": the hours were not read, so a fuif from 22:00 to 04:00
    was followed up as the whole day it began on."""
    events = (
        "Dossiernummer;Evenement;Type;Datum;Beginuur;Einduur;Gemeente;X;Y\r\n"
        "E1;Fuif;Fuif;04/01/2025;22:00;04:00;Herent;171000;177000\r\n"
        "E2;Markt;Markt;05/01/2025;8u;12u30;Herent;171000;177000\r\n"
        "E3;Kermis;Kermis;06/01/2025;;;Herent;171000;177000\r\n"
        "E4;Receptie;Receptie;07/01/2025;elf uur;;Herent;171000;177000\r\n"
    )
    wh = built(tmp_path, {"events/evenementen.csv": events})
    got = query(
        wh,
        "SELECT event_id, strftime(started_at, '%d/%m %H:%M'), strftime(ended_at, '%d/%m %H:%M'), "
        "strftime(window_end, '%d/%m %H:%M') FROM marts.events ORDER BY 1",
    )
    assert got == [
        ("E1", "04/01 22:00", "05/01 04:00", "05/01 04:00"),
        ("E2", "05/01 08:00", "05/01 12:30", "05/01 12:30"),
        ("E3", "06/01 00:00", None, "07/01 00:00"),
    ]
    [(field, value, reason)] = query(
        wh, "SELECT field, value, reason FROM marts.rejects WHERE kind = 'events'"
    )
    assert (field, value) == ("Beginuur", "elf uur")
    assert reason == "Beginuur is geen geldig uur (verwacht uu:mm)"


def test_task_inspectors_in_another_order_or_without_rank_are_the_zones(tmp_path):
    """ "PEETERS Zoë" and "Zoe Peeters" are "INP Zoë Peeters" of zone.toml: they were a
    stand-in each, splitting her workload; a name of nobody in the zone is named."""
    tasks = (
        "Taaknummer;Type taak;Ontvangen;Termijn;Afgesloten;Wijk;Wijkinspecteur;Status\r\n"
        "T1;Kantschrift;02/01/2024;31/01/2024;;W01;PEETERS Zoë;Open\r\n"
        "T2;Kantschrift;02/01/2024;31/01/2024;;W01;Zoe Peeters;Open\r\n"
        "T3;Kantschrift;02/01/2024;31/01/2024;;W02;inp bart janssens;Open\r\n"
        "T4;Kantschrift;02/01/2024;31/01/2024;;W02;HINP Piet Claes;Open\r\n"
        "T5;Kantschrift;02/01/2024;31/01/2024;;W02;HINP Piet Claes;Open\r\n"
        "T6;Kantschrift;02/01/2024;31/01/2024;;W02;Peeters;Open\r\n"
    )
    wh = built(tmp_path, {"tasks/taken.csv": tasks})
    got = query(wh, "SELECT task_id, CAST(inspector AS VARCHAR) FROM marts.tasks ORDER BY 1")
    assert got == [
        ("T1", "INP Zoë Peeters"),
        ("T2", "INP Zoë Peeters"),
        ("T3", "INP Bart Janssens"),
        ("T4", "HINP Piet Claes"),
        ("T5", "HINP Piet Claes"),
        # One word is no name to match by.
        ("T6", "Peeters"),
    ]
    [message] = [
        m for (m,) in query(wh, "SELECT message FROM marts.build_warnings") if "vervanger" in m
    ]
    assert message.startswith(
        "De wijktaken noemen 2 namen die geen wijkinspecteur zijn in de zoneconfiguratie "
        f"({zone_file_label(ZONE_SMALL)}): HINP Piet Claes, Peeters. Hun taken staan op "
        "Werklast als vervanger"
    )


def test_nr_melding_is_a_report_number_and_a_refusal_names_the_zones_mapping_file(
    tmp_path, monkeypatch
):
    register = "Nr melding;Datum melding;Type overlast\r\n1;03/03/2025 10:00;Geluidsoverlast\r\n"
    wh = built(tmp_path, {"nuisance/overlast.csv": register})
    assert query(wh, "SELECT report_id FROM marts.nuisance") == [("1",)]
    mappings = tmp_path / "zone_mappings.toml"
    monkeypatch.setenv("WIJKBEELD_MAPPINGS", str(mappings))
    raw = mini_raw(
        tmp_path / "b", {"nuisance/overlast.csv": register.replace("Nr melding", "Volgnr")}
    )
    with pytest.raises(BuildError) as refused:
        build(raw, tmp_path / "b" / "wh.duckdb")
    assert (
        f"Heet de kolom in de export anders, voeg de naam dan toe aan {mappings.resolve()}, "
        'onder [nuisance.fields]: report_id = ["…"].' in str(refused.value)
    )


def test_a_browsers_second_download_replaces_the_first(tmp_path):
    """The same PVs downloaded again after a correction: the browser names the file
    "Feiten_export (1).csv", which lost to "Feiten_export.csv" (the later name counts where
    the latest record days tie, and " (" sorted before ".csv")."""
    from test_quirks import incident, incidents_csv

    first = incidents_csv([incident("PV1", "03/03/2025 10:00", cat="Fietsdiefstal")])
    again = incidents_csv([incident("PV1", "03/03/2025 10:00", cat="Woninginbraak")])
    wh = built(
        tmp_path,
        {"incidents/Feiten_export.csv": first, "incidents/Feiten_export (1).csv": again},
    )
    assert query(wh, "SELECT pv_number, category, source_file FROM marts.incidents") == [
        ("PV1", "Woninginbraak", "incidents/Feiten_export (1).csv")
    ]


def test_control_ends_counts_and_hours_as_vendors_write_them(tmp_path):
    """An Einde holding an hour alone ("10:00" refused; "00:00" emptied as a placeholder)
    is the end hour on the day of the beginning; a negative count is refused (events
    already refused one); the hours of a control across the change of clock are the time
    that passed (the night of 30 March 2025: 01:30 to 04:30 on the clock is two hours)."""
    controls = (
        "Controlenummer;Type controle;Begin;Einde;Straat;X;Y;Gecontroleerde voertuigen;Overtredingen\r\n"
        "C1;Snelheid;05/03/2025 08:00;10:00;Kerkstraat;171010;177010;100;4\r\n"
        "C2;Alcohol;05/03/2025 22:00;00:00;Kerkstraat;171010;177010;40;1\r\n"
        "C3;Snelheid;06/03/2025 08:00;06/03/2025 09:30;Kerkstraat;171010;177010;50;-3\r\n"
        "C4;Alcohol;30/03/2025 01:30;30/03/2025 04:30;Kerkstraat;171010;177010;30;0\r\n"
        "C5;Snelheid;07/03/2025 08:00;31/12/9999;Kerkstraat;171010;177010;20;0\r\n"
    )
    wh = built(tmp_path, {"controls/c.csv": controls})
    got = query(
        wh,
        "SELECT control_id, strftime(ended_at, '%d/%m %H:%M'), hours FROM marts.controls ORDER BY 1",
    )
    assert got == [
        ("C1", "05/03 10:00", 2.0),
        ("C2", "06/03 00:00", 2.0),
        ("C4", "30/03 04:30", 2.0),
        # 31/12/9999 stays the list's "no end".
        ("C5", None, None),
    ]
    assert query(wh, "SELECT source_row, field, value, reason FROM marts.rejects") == [
        (4, "Overtredingen", "-3", "Overtredingen is negatief")
    ]


def test_an_events_estimated_visitors_are_read_not_refused(tmp_path):
    """ "ca. 2000", "±1500", "500-800" refused the whole event for an optional estimate."""
    events = "Dossiernummer;Evenement;Type;Begin;Gemeente;X;Y;Verwachte bezoekers\r\n" + "".join(
        f"E{i};Fuif {i};Fuif;0{i}/07/2025 22:00;Herent;171000;177000;{v}\r\n"
        for i, v in enumerate(
            ["ca. 2000", "±1500", "500-800", "1.500 à 2.000 personen", "800", "veel"], start=1
        )
    )
    wh = built(tmp_path, {"events/e.csv": events})
    assert query(wh, "SELECT event_id, visitors FROM marts.events ORDER BY 1") == [
        ("E1", 2000),
        ("E2", 1500),
        ("E3", 800),
        ("E4", 2000),
        ("E5", 800),
    ]
    [(value, reason)] = query(wh, "SELECT value, reason FROM marts.rejects")
    assert value == "veel" and reason.startswith("Verwachte bezoekers")


def test_point_types_in_other_case_are_one_type(tmp_path):
    poi = "Type;Naam;X;Y\r\nschool;A;171000;177000\r\nSchool;B;171000;177000\r\nSCHOOL;C;171000;177000\r\nSchool;D;171000;177000\r\n"
    wh = built(tmp_path, {"poi/p.csv": poi})
    assert query(wh, "SELECT poi_type::VARCHAR, count(*) FROM marts.poi GROUP BY 1") == [
        ("School", 4)
    ]
