"""The words the sources use for what they say: a task done ("Afgehandeld", "Clôturé"),
a task without a deadline (Termijn 31/12/9999), an event called off ("Afgelast wegens
weer", "Annulé"), an accident as severe as its worst victim. Each was read wrongly and
counted silently: done tasks as open and overdue, an event called off as held, a death
within 30 days as a light accident."""

from __future__ import annotations

from etl_helpers import built, query

from etl.config import FINISHED_TASK_STATUSES, OPEN_TASK_STATUSES, REVIEW_TASK_STATUSES

TASKS = "Taaknummer;Type taak;Ontvangen;Termijn;Afgesloten;Wijk;Status\r\n"


def task(n: str, status: str, due: str = "31/01/2024") -> str:
    return f"{n};Kantschrift;02/01/2024;{due};;W01;{status}\r\n"


def test_done_tasks_in_other_words_are_done_and_unknown_words_are_named(tmp_path):
    rows = [
        task("T01", "Afgehandeld"),
        task("T02", "Uitgevoerd"),
        task("T03", "Klaar"),
        task("T04", "Clôturé"),
        task("T05", "Ter controle"),
        task("T06", "In behandeling"),
        task("T07", "Wacht op parket"),
        task("T08", "Wacht op parket"),
        task("T09", "Doorgestuurd"),
        # The latest date of the task exports: the reference date (01/03/2024).
        "T10;Kantschrift;01/03/2024;31/03/2024;;W01;Open\r\n",
    ]
    wh = built(tmp_path, {"tasks/taken.csv": TASKS + "".join(rows)})
    got = query(wh, "SELECT task_id, is_open, is_overdue, to_review FROM marts.tasks ORDER BY 1")
    assert got == [
        ("T01", False, False, False),
        ("T02", False, False, False),
        ("T03", False, False, False),
        ("T04", False, False, False),
        ("T05", False, False, True),
        ("T06", True, True, False),
        ("T07", True, True, False),
        ("T08", True, True, False),
        ("T09", True, True, False),
        ("T10", True, False, False),
    ]
    [message] = [
        m
        for (m,) in query(wh, "SELECT message FROM marts.build_warnings")
        if "niet als afgewerkt" in m
    ]
    assert message.startswith(
        "3 wijktaken hebben een status die Wijkbeeld niet als afgewerkt of open kent "
        "(Wacht op parket, Doorgestuurd): ze tellen als open, en na hun termijn als over termijn."
    )
    # One vocabulary: what waits for the check is done; no word is both done and open.
    assert set(REVIEW_TASK_STATUSES) <= set(FINISHED_TASK_STATUSES)
    assert not set(FINISHED_TASK_STATUSES) & set(OPEN_TASK_STATUSES)


def test_a_placeholder_deadline_is_no_deadline_not_the_types_default(tmp_path):
    """Termijn 31/12/9999 is the export saying "no deadline" (DATA_CONTRACT): the task type's
    default of 30 days made the task overdue a month later."""
    rows = [
        task("T1", "Open", due="31/12/9999"),
        task("T2", "Open", due=""),
        "T3;Kantschrift;01/06/2024;;;W01;Open\r\n",
    ]
    wh = built(tmp_path, {"tasks/taken.csv": TASKS + "".join(rows)})
    got = query(
        wh, "SELECT task_id, CAST(due_at AS DATE)::VARCHAR, is_overdue FROM marts.tasks ORDER BY 1"
    )
    assert got == [("T1", None, False), ("T2", "2024-02-01", True), ("T3", "2024-07-01", False)]
    # Not among the tasks "without a deadline" the zone configuration should give one.
    assert not [
        m for (m,) in query(wh, "SELECT message FROM marts.build_warnings") if "geen termijn" in m
    ]


def test_an_event_called_off_in_more_words_or_in_french_is_cancelled(tmp_path):
    header = "Dossiernummer;Evenement;Type;Begin;Einde;Gemeente;X;Y;Status\r\n"
    rows = [
        "E1;Fuif;Fuif;06/07/2024 22:00;07/07/2024 04:00;Herent;171000;177000;Afgelast wegens weer",
        "E2;Brocante;Markt;07/07/2024 08:00;07/07/2024 18:00;Herent;171000;177000;Annulé",
        "E3;Kermis;Kermis;08/07/2024 14:00;08/07/2024 23:00;Herent;171000;177000;Geannuleerd: geen vergunning",
        "E4;Markt;Markt;09/07/2024 08:00;09/07/2024 12:00;Herent;171000;177000;Goedgekeurd",
        "E5;Optocht;Stoet;10/07/2024 14:00;10/07/2024 16:00;Herent;171000;177000;Afgelastingsaanvraag geweigerd",
    ]
    wh = built(tmp_path, {"events/evenementen.csv": header + "\r\n".join(rows) + "\r\n"})
    got = query(wh, "SELECT event_id, is_cancelled FROM marts.events ORDER BY 1")
    assert got == [("E1", True), ("E2", True), ("E3", True), ("E4", False), ("E5", False)]


def test_an_accident_is_as_severe_as_its_worst_victim(tmp_path):
    accidents = (
        "Ongevalnummer;Datum/uur;Straat;Huisnr;Gemeente;X;Y;Ernst\r\n"
        "LE1;05/02/2024 08:10;Kerkstraat;;Herent;171200;177200;Lichtgewond\r\n"
        "LE2;06/02/2024 08:10;Kerkstraat;;Herent;171200;177200;Lichtgewond\r\n"
        "LE3;07/02/2024 08:10;Kerkstraat;;Herent;171200;177200;Zwaargewond\r\n"
    )
    victims = (
        "Ongevalnummer;Volgnummer;Letsel\r\n"
        "LE1;1;Gedood binnen 30 dagen\r\n"
        "LE1;2;Zwaargewond\r\n"
        "LE2;1;Lichtgewond\r\n"
        "LE3;1;Lichtgewond\r\n"
    )
    wh = built(
        tmp_path, {"accidents/ongevallen.csv": accidents, "victims/slachtoffers.csv": victims}
    )
    got = query(
        wh,
        "SELECT accident_id, severity, killed, seriously_injured, lightly_injured "
        "FROM marts.accidents ORDER BY 1",
    )
    # LE3: the export's severity stands (its victim list may be incomplete).
    assert got == [
        ("LE1", "Dodelijk", 1, 1, 0),
        ("LE2", "Lichtgewond", 0, 0, 1),
        ("LE3", "Zwaargewond", 0, 0, 1),
    ]
    [message] = [
        m
        for (m,) in query(wh, "SELECT message FROM marts.build_warnings")
        if "ergste slachtoffer" in m
    ]
    assert message.startswith("1 ongeval krijgt de ernst van zijn ergste slachtoffer")
    assert "(LE1)" in message
