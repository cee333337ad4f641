"""One task status vocabulary (etl.config.FINISHED_TASK_STATUSES) for the tasks mart, the
workload figures and the quality control: a task the inspector marked "Te controleren"
(done, waiting for the wijkcoördinator's check) is neither open nor overdue anywhere, also
without a closing date, which the quality control reports instead."""

from __future__ import annotations

import pandas as pd
from etl_helpers import build, mini_raw, query

from dashboard.analysis.quality import qc_findings
from dashboard.analysis.workload import task_status_flags

HEADER = "Taaknummer;Type taak;Ontvangen;Termijn;Afgesloten;Wijk;Wijkinspecteur;Status;Straat;Huisnr;Gemeente;Referentie\n"
ROWS = [
    # Open and past its deadline at the reference date (01/03/2024).
    "T1;Kantschrift;01/01/2024;31/01/2024;;W01;;Open;Kerkstraat;1;Herent;",
    # Done by the inspector, waiting for the check, no closing date, deadline passed:
    # written with other case and spaces.
    "T2;Kantschrift;02/01/2024;31/01/2024;;W01;;  te CONTROLEREN ;Kerkstraat;2;Herent;",
    # Marked finished without a closing date.
    "T3;Kantschrift;03/01/2024;31/01/2024;;W01;;Afgewerkt;Kerkstraat;3;Herent;",
    # Closed and waiting for the check (the usual case).
    "T4;Kantschrift;04/01/2024;31/01/2024;01/03/2024;W01;;Te controleren;Kerkstraat;4;Herent;",
]


def test_te_controleren_is_done_and_to_review_in_the_mart_and_the_pages(tmp_path):
    raw = mini_raw(tmp_path, {"tasks/taken.csv": HEADER + "\n".join(ROWS) + "\n"})
    wh = tmp_path / "wh.duckdb"
    build(raw, wh)
    mart = query(wh, "SELECT task_id, is_open, is_overdue, to_review FROM marts.tasks ORDER BY 1")
    assert mart == [
        ("T1", True, True, False),
        ("T2", False, False, True),
        ("T3", False, False, False),
        ("T4", False, False, True),
    ]
    # The workload figures, judged at the reference date, say the same.
    tasks = pd.DataFrame(
        query(
            wh, "SELECT task_id, received_at, due_at, closed_at, status FROM marts.tasks ORDER BY 1"
        ),
        columns=["task_id", "received_at", "due_at", "closed_at", "status"],
    ).astype({"status": "string"})
    flags = task_status_flags(tasks, as_of="2024-03-01")
    assert flags["open"].tolist() == [True, False, False, False]
    assert flags["overdue"].tolist() == [True, False, False, False]
    # The quality control: the missing closing date of T2 and T3 is the finding, not a
    # passed deadline.
    found = qc_findings(tasks, reference_date="2024-03-01").set_index("record_id")
    for done in ("T2", "T3"):
        assert any("afsluitdatum ontbreekt" in d for d in found.loc[done, "details"])
        assert not any("termijn verstreken" in d.lower() for d in found.loc[done, "details"])
    assert any("termijn verstreken" in d.lower() for d in found.loc["T1", "details"])


def test_statuses_are_judged_per_label_also_when_the_status_is_an_enum_or_empty(tmp_path):
    """The mart decides the vocabulary once per distinct status label (a join, not a macro
    per row): the same answer when the label column is an ENUM (enough rows per value) and
    for tasks without a status (no label to join: open until closed)."""
    statuses = ["Open", "Afgewerkt", " te controleren", ""]
    rows = [
        # Received in February (the reference date: the latest, 28/02), due 31/01/2024.
        f"T{i:03d};Kantschrift;{1 + i % 28:02d}/02/2024;31/01/2024;;W01;;{statuses[i % 4]};Kerkstraat;{i};Herent;"
        for i in range(40)
    ]
    raw = mini_raw(tmp_path, {"tasks/taken.csv": HEADER + "\n".join(rows) + "\n"})
    wh = tmp_path / "wh.duckdb"
    build(raw, wh)
    judged = query(
        wh,
        "SELECT coalesce(status, '(leeg)'), typeof(status) LIKE 'ENUM%', count(*), "
        "count(*) FILTER (is_open), count(*) FILTER (is_overdue), count(*) FILTER (to_review) "
        "FROM marts.tasks GROUP BY ALL ORDER BY 1",
    )
    assert judged == [
        ("(leeg)", True, 10, 10, 10, 0),
        ("Afgewerkt", True, 10, 0, 0, 0),
        ("Open", True, 10, 10, 10, 0),
        ("te controleren", True, 10, 0, 0, 10),
    ]
