"""Werklast figures a review found wrong (twenty-fourth session): the KPIs left out tasks of
no wijk of the zone, a task type in other capitals got no deadline, 'te controleren' in
lower case was not counted, and an inspector covering two wijken was shown with one."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from dash_helpers import small_zone_version

from dashboard.queries import _db, districts, workload
from etl.build import build_warehouse

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
EXTRA = (
    "Taaknummer;Type taak;Ontvangen;Termijn;Afgesloten;Wijk;Wijkinspecteur;Status;Straat;"
    "Huisnr;Gemeente;Referentie\r\n"
    "X-1;Kantschrift;01/01/2024;10/01/2024;;W99;INP Bart Janssens;Open;;;Herent;\r\n"
    "X-2;Kantschrift;01/01/2024;10/01/2024;;;INP Bart Janssens;Open;;;Herent;\r\n"
    "X-3;kantschrift ;01/01/2024;;;W01;INP Bart Janssens;Open;;;Herent;\r\n"
    "X-4;Kantschrift;01/01/2024;10/01/2024;05/01/2024;W01;INP Bart Janssens;te controleren;;;Herent;\r\n"
)  # fmt: skip


@pytest.fixture
def version(tmp_path, monkeypatch):
    # INP Bart Janssens covers both wijken.
    zone = tmp_path / "zone.toml"
    zone.write_text(
        (FIXTURES / "zone_small.toml")
        .read_text(encoding="utf-8")
        .replace('inspector = "INP Zoë Peeters"', 'inspector = "INP Bart Janssens"'),
        encoding="utf-8",
    )
    return small_zone_version(tmp_path, monkeypatch, {"tasks/extra.csv": EXTRA}, zone)


def test_the_totals_count_every_task_also_of_no_wijk_of_the_zone(version):
    """X-1 (wijk W99) and X-2 (no wijk) are open and over termijn: the KPIs, summed over
    the wijken of the zone, left them out while the list below counted them."""
    per_wijk = workload.task_status_per_wijk(version, date(2024, 1, 1), date(2024, 12, 31))
    every = _db.query(
        version,
        "SELECT count(*) FILTER (WHERE is_open) AS open, "
        "count(*) FILTER (WHERE is_overdue) AS overdue, "
        "count(*) FILTER (WHERE lower(trim(status)) = 'te controleren') AS review "
        "FROM marts.tasks",
    ).iloc[0]
    assert int(per_wijk["open"].sum()) == int(every["open"])
    assert int(per_wijk["over_termijn"].sum()) == int(every["overdue"])
    assert int(per_wijk["te_controleren"].sum()) == int(every["review"]) >= 1
    last = per_wijk.iloc[-1]
    assert last["wijk"] == "Zonder wijk" and last["open"] >= 2
    # With a wijk filter: only that wijk, no "Zonder wijk".
    chosen = workload.task_status_per_wijk(version, date(2024, 1, 1), date(2024, 12, 31), ("W01",))
    assert list(chosen["wijk_code"]) == ["W01"]


def test_a_task_type_in_other_capitals_gets_its_deadline(version):
    """'kantschrift ' (lower case, a trailing space) had no default deadline, so it was never
    over termijn."""
    [(due, overdue)] = _db.query(
        version, "SELECT due_at::DATE AS due, is_overdue FROM marts.tasks WHERE task_id = 'X-3'"
    ).itertuples(index=False)
    assert due.date() == date(2024, 1, 31) and bool(overdue)


def test_an_inspector_covering_two_wijken_has_both_and_their_inhabitants(version):
    areas = districts.inspector_areas(version).set_index("inspector")
    assert areas.loc["INP Bart Janssens", "wijken"] == "Centrum-West, Centrum-Oost"
    assert int(areas.loc["INP Bart Janssens", "population"]) == 1000


def test_a_task_type_in_other_capitals_takes_its_weight():
    """The index weighed 'kantschrift' as 1 and warned it had no weight, while the zone
    gives Kantschrift 2."""
    import pandas as pd

    from dashboard.analysis.workload import workload_index

    tasks = pd.DataFrame(
        {
            "inspector": ["A", "B"],
            "task_type": ["kantschrift ", "Kantschrift"],
            "received_at": pd.to_datetime(["2024-01-02", "2024-01-03"]),
            "closed_at": pd.to_datetime([None, None]),
            "status": ["Open", "Open"],
            "due_at": pd.to_datetime([None, None]),
        }
    )
    out = workload_index(tasks, {"Kantschrift": 2.0}, period_start="2024-01-01", as_of="2024-01-31")
    assert list(out["weighted_received"]) == [2.0, 2.0]
    assert out.attrs.get("unweighted_task_types", []) == []


def test_tasks_without_a_deadline_are_named_in_the_build_warnings(tmp_path):
    """A task whose type the zone does not know (or without type) and without a Termijn in
    the export has no deadline, so it is never over termijn: the build warnings say so,
    naming the types (found by a review)."""
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURES / "raw_small", raw)
    (raw / "tasks" / "extra.csv").write_text(
        EXTRA.splitlines(keepends=True)[0]
        + "Y-1;Huisbezoek;01/01/2024;;;W01;INP Bart Janssens;Open;;;Herent;\r\n"
        + "Y-2;;01/01/2024;;;W01;INP Bart Janssens;Open;;;Herent;\r\n",
        encoding="utf-8",
    )
    wh = tmp_path / "wh.duckdb"
    build_warehouse(raw, wh, FIXTURES / "zone_small.toml", echo=lambda s: None)
    import duckdb

    with duckdb.connect(str(wh), read_only=True) as con:
        [(message,)] = con.execute(
            "SELECT message FROM marts.build_warnings WHERE message LIKE '%geen termijn%'"
        ).fetchall()
    assert message.startswith("2 wijktaken hebben geen termijn")
    assert "(geen type), Huisbezoek" in message
