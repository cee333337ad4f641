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


def test_absence_and_task_names_follow_the_zone_s_spelling(tmp_path: Path):
    """The zone configuration writes "INP Zoë Peeters"; a roster writes "inp zoe  peeters".
    The absence was listed on Werklast but never subtracted from her available days (the
    page matched names exactly), and her tasks in other capitals made her a stand-in
    without index. A name the zone does not know stays as written, and the build says so
    for the absence list."""
    absences = (
        "Wijkinspecteur;Van;Tot;Reden\r\n"
        "inp zoe  peeters;02/03/2026;06/03/2026;Verlof\r\n"
        "INP BART JANSSENS;09/03/2026;09/03/2026;Opleiding\r\n"
        "INP Bart Jansens;10/03/2026;10/03/2026;Opleiding\r\n"  # a typo: no inspector
    )
    tasks = (
        "Taaknummer;Type taak;Ontvangen;Termijn;Afgesloten;Wijk;Behandelaar\r\n"
        "T1;Kantschrift;01/03/2026;;;W01;INP ZOË PEETERS\r\n"
        "T2;Kantschrift;01/03/2026;;;W01;INP Stand-in\r\n"
    )
    wh = tmp_path / "wh.duckdb"
    build(mini_raw(tmp_path, {"absences/a.csv": absences, "tasks/t.csv": tasks}), wh)
    assert query(wh, "SELECT inspector, start_date FROM marts.absences ORDER BY 2") == [
        ("INP Zoë Peeters", date(2026, 3, 2)),
        ("INP Bart Janssens", date(2026, 3, 9)),
        ("INP Bart Jansens", date(2026, 3, 10)),
    ]
    assert query(wh, "SELECT task_id, inspector FROM marts.tasks ORDER BY 1") == [
        ("T1", "INP Zoë Peeters"),
        ("T2", "INP Stand-in"),
    ]
    [(message,)] = query(
        wh, "SELECT message FROM marts.build_warnings WHERE topic = 'Afwezigheden'"
    )
    assert message.startswith("1 naam op de lijst van afwezigheden is geen wijkinspecteur")
    assert "INP Bart Jansens" in message


def test_a_later_absence_list_ends_an_open_ended_absence(tmp_path: Path):
    """The October list says "tot nader order"; the November list ends the same absence on
    15/10. Both were kept (the end was part of the identity), so the inspector stayed
    absent in every later window. The newest list that has the absence wins, as the
    newest export does for the other kinds; a list without it keeps it."""
    october = (
        "Wijkinspecteur;Van;Tot;Reden\r\n"
        "INP Zoë Peeters;01/10/2026;31/12/9999;Ziekte\r\n"
        "INP Bart Janssens;05/10/2026;06/10/2026;Verlof\r\n"
    )
    november = (
        "Wijkinspecteur;Van;Tot;Reden\r\n"
        "INP Zoë Peeters;01/10/2026;15/10/2026;Ziekte\r\n"
        "INP Zoë Peeters;03/11/2026;04/11/2026;Verlof\r\n"
    )
    wh = tmp_path / "wh.duckdb"
    build(
        mini_raw(
            tmp_path,
            {"absences/afwezig_2026-10.csv": october, "absences/afwezig_2026-11.csv": november},
        ),
        wh,
    )
    got = query(
        wh,
        "SELECT inspector, start_date, end_date, open_ended, source_file FROM marts.absences "
        "ORDER BY inspector, start_date",
    )
    assert got == [
        (
            "INP Bart Janssens",
            date(2026, 10, 5),
            date(2026, 10, 6),
            False,
            "absences/afwezig_2026-10.csv",
        ),
        (
            "INP Zoë Peeters",
            date(2026, 10, 1),
            date(2026, 10, 15),
            False,
            "absences/afwezig_2026-11.csv",
        ),
        (
            "INP Zoë Peeters",
            date(2026, 11, 3),
            date(2026, 11, 4),
            False,
            "absences/afwezig_2026-11.csv",
        ),
    ]


STATBEL_HEADER = (
    "DT_YEAR_COLLISION|DT_MONTH_COLLISION|DT_TIME|CD_NIS|TX_MUNTY_COLLISION_NL|MS_X_COORD|"
    "MS_Y_COORD|CD_CLASS_ACCIDENTS"
)
STATBEL_ROWS = ["2023|5|14|24038|Herent|171000,5|177000|3", "2023|6|9|24038|Herent|173000|177000|2"]


def test_two_editions_of_a_statbel_file_count_each_accident_once(tmp_path: Path):
    """OPENDATA_MAP_2023 beside OPENDATA_MAP_2017-2023 (one more column), or a re-download
    that writes 171000.5 for 171000,5: the accidents counted twice, because their identity
    was the row's text. It is now what the row says, as read."""
    with_label = [r + ("|Lichtgewond" if r.endswith("3") else "|Zwaargewond") for r in STATBEL_ROWS]
    point = [r.replace("171000,5", "171000.5") for r in STATBEL_ROWS]
    files = {
        "statbel/OPENDATA_MAP_2023.txt": STATBEL_HEADER + "\r\n" + "\r\n".join(STATBEL_ROWS),
        "statbel/OPENDATA_MAP_2017-2023.txt": STATBEL_HEADER
        + "|TX_CLASS_ACCIDENTS_NL\r\n"
        + "\r\n".join(with_label),
        "statbel/OPENDATA_MAP_2023_opnieuw.txt": STATBEL_HEADER + "\r\n" + "\r\n".join(point),
    }
    wh = tmp_path / "wh.duckdb"
    build(mini_raw(tmp_path, {k: v + "\r\n" for k, v in files.items()}), wh)
    assert query(
        wh,
        "SELECT month, count(*) FROM marts.accidents WHERE source = 'statbel' GROUP BY 1 ORDER BY 1",
    ) == [(5, 1), (6, 1)]
    # Identical rows within one file stay distinct accidents.
    twice = STATBEL_HEADER + "\r\n" + STATBEL_ROWS[0] + "\r\n" + STATBEL_ROWS[0] + "\r\n"
    wh2 = tmp_path / "wh2.duckdb"
    build(mini_raw(tmp_path / "b", {"statbel/OPENDATA_MAP_2023.txt": twice}), wh2)
    assert query(wh2, "SELECT count(*) FROM marts.accidents WHERE source = 'statbel'") == [(2,)]


def test_the_quarantine_folder_is_no_unread_folder(tmp_path: Path):
    """Every build after a quarantine warned "map '_quarantaine' is geen soort die Wijkbeeld
    leest": the Data page's own folder, whose contents it lists itself."""
    from etl.sources.base import ignored_files

    raw = mini_raw(tmp_path, {"_quarantaine/incidents/kapot.csv": "x", "incident/a.csv": "x"})
    assert [folder for _, folder, _ in ignored_files(raw)] == ["incident/"]


def test_a_zipped_shapefile_names_its_file_type_not_the_library(tmp_path: Path):
    """The Data page's list of files said 'OGR' as the encoding of a zipped Shapefile."""
    import geopandas as gpd
    from etl_helpers import RAW_SMALL

    shapes = gpd.read_file(RAW_SMALL / "districts" / "wijken.geojson")
    folder = tmp_path / "shp"
    folder.mkdir()
    shapes.to_file(folder / "wijken.shp")
    import zipfile

    raw = mini_raw(tmp_path, {}, districts=False)
    with zipfile.ZipFile(raw / "districts" / "wijken.zip", "w") as archive:
        for part in folder.iterdir():
            archive.write(part, part.name)
    wh = tmp_path / "wh.duckdb"
    build(raw, wh)
    assert query(wh, "SELECT encoding FROM marts.load_files WHERE kind = 'districts'") == [("zip",)]


def test_the_tasks_inspector_and_wijk_are_enums_of_every_source(tmp_path: Path):
    """The tasks mart's ``inspector`` and ``wijk_code`` are ENUMs made during the build
    (etl.labels.task_types) from every source they take a value from: the configured
    spelling of a name, a name the zone does not know, the wijk's inspector for a task
    without one; a known wijk label in other capitals, an unknown one kept as written. A
    value missing from a type would stop the build; none may be lost or changed."""
    tasks = (
        "Taaknummer;Type taak;Ontvangen;Termijn;Afgesloten;Wijk;Behandelaar\r\n"
        "T1;Kantschrift;01/03/2026;;;W01;INP ZOË PEETERS\r\n"
        "T2;Kantschrift;01/03/2026;;;w02 ;INP Stand-in\r\n"
        "T3;Kantschrift;01/03/2026;;;W02;\r\n"
        "T4;Kantschrift;01/03/2026;;;W98;\r\n"
    )
    wh = tmp_path / "wh.duckdb"
    build(mini_raw(tmp_path, {"tasks/t.csv": tasks}), wh)
    assert query(wh, "SELECT task_id, inspector, wijk_code FROM marts.tasks ORDER BY 1") == [
        ("T1", "INP Zoë Peeters", "W01"),
        ("T2", "INP Stand-in", "W02"),
        ("T3", "INP Bart Janssens", "W02"),
        ("T4", None, "W98"),
    ]
    types = query(
        wh,
        "SELECT column_name, data_type LIKE 'ENUM%' FROM duckdb_columns() "
        "WHERE table_name = 'tasks' AND column_name IN ('inspector', 'wijk_code') ORDER BY 1",
    )
    assert types == [("inspector", True), ("wijk_code", True)]
