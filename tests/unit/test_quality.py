"""Unit tests for dashboard.analysis.quality."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from dashboard.analysis.quality import (
    BUITEN_TERMIJN,
    DATUM_IN_TOEKOMST,
    DATUM_ONTBREEKT,
    FINDINGS,
    GEEN_CATEGORIE,
    GEEN_LOCATIE,
    GEEN_WIJKINSPECTEUR,
    INCONSISTENTE_DATA,
    TERMIJN_VERSTREKEN,
    qc_findings,
    qc_summary,
    review_queue,
)


def _task(**overrides) -> dict:
    row = {
        "task_id": "T1",
        "task_type": "Kantschrift",
        "received_at": "2026-01-05",
        "due_at": "2026-02-04",
        "closed_at": "2026-01-20",
        "status": "Afgewerkt",
        "inspector": "INP An Peeters",
        "location_status": "ok",
        "reference": "LE.55.L7.012345/2026",
    }
    row.update(overrides)
    return row


def _frame(*rows: dict) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows))
    for col in ("received_at", "due_at", "closed_at"):
        if col in frame.columns:
            frame[col] = pd.to_datetime(frame[col])
    return frame


def _findings(row: dict, reference_date="2026-03-01") -> list[str]:
    return qc_findings(_frame(row), reference_date).iloc[0]["findings"]


def test_clean_task_has_no_findings():
    result = qc_findings(_frame(_task()), "2026-03-01")
    assert result.iloc[0]["findings"] == []
    assert result.iloc[0]["n_findings"] == 0
    assert result.iloc[0]["findings_text"] == ""
    assert result.iloc[0]["record_id"] == "T1"


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"location_status": "geen_locatie"}, GEEN_LOCATIE),
        ({"location_status": "buiten_zone"}, GEEN_LOCATIE),
        ({"location_status": None}, GEEN_LOCATIE),
        ({"task_type": None}, GEEN_CATEGORIE),
        ({"task_type": "  "}, GEEN_CATEGORIE),
        ({"inspector": ""}, GEEN_WIJKINSPECTEUR),
        ({"closed_at": "2026-02-05"}, BUITEN_TERMIJN),
        ({"closed_at": "2026-01-01"}, INCONSISTENTE_DATA),  # closed before received
        ({"due_at": "2026-01-01", "closed_at": None, "status": "Open"}, INCONSISTENTE_DATA),
        ({"status": "Open"}, INCONSISTENTE_DATA),  # open with a closing date
        ({"closed_at": None}, INCONSISTENTE_DATA),  # "Afgewerkt" without closing date
        ({"closed_at": None, "status": "Open", "due_at": "2026-02-20"}, TERMIJN_VERSTREKEN),
        ({"received_at": None}, DATUM_ONTBREEKT),
        ({"closed_at": "2026-03-02", "due_at": "2026-04-01"}, DATUM_IN_TOEKOMST),
    ],
)
def test_each_finding(overrides, expected):
    assert expected in _findings(_task(**overrides))


def test_closing_on_the_due_date_is_on_time():
    assert _findings(_task(closed_at="2026-02-04 17:30")) == []


def test_open_task_before_deadline_is_fine_and_reference_date_optional():
    row = _task(closed_at=None, status="Open", due_at="2026-03-15")
    assert _findings(row) == []
    overdue = _task(closed_at=None, status="Open", due_at="2026-01-15")
    assert TERMIJN_VERSTREKEN in _findings(overdue)
    assert TERMIJN_VERSTREKEN not in _findings(overdue, reference_date=None)


def test_findings_are_ordered_unique_and_explained():
    row = _task(
        task_type=None,
        inspector=None,
        location_status="geen_locatie",
        closed_at="2026-01-01",
        due_at="2025-12-31",
    )
    result = qc_findings(_frame(row), "2026-03-01").iloc[0]
    assert result["findings"] == [
        GEEN_LOCATIE,
        GEEN_CATEGORIE,
        GEEN_WIJKINSPECTEUR,
        BUITEN_TERMIJN,
        INCONSISTENTE_DATA,
    ]
    assert len(set(result["findings"])) == len(result["findings"])
    assert all(f in FINDINGS for f in result["findings"])
    # Two reasons for "Inconsistente data", each explained.
    inconsistent = [d for d in result["details"] if d.startswith(INCONSISTENTE_DATA)]
    assert any("vóór de ontvangst" in d for d in inconsistent)
    assert any("Termijn ligt" in d for d in inconsistent)
    assert any("1 dag(en) na de termijn" in d for d in result["details"])
    assert result["findings_text"].startswith("Geen locatie; Geen categorie")


def test_missing_columns_are_skipped_not_guessed():
    minimal = pd.DataFrame({"task_id": ["T1", "T2"], "task_type": ["Kantschrift", None]})
    result = qc_findings(minimal, "2026-03-01")
    assert result["findings"].tolist() == [[], [GEEN_CATEGORIE]]
    nothing = qc_findings(pd.DataFrame({"something": [1, 2]}))
    assert nothing["n_findings"].tolist() == [0, 0]
    assert nothing["record_id"].tolist() == [0, 1]  # index when no id column


def test_empty_frame():
    result = qc_findings(_frame(_task()).iloc[:0], "2026-03-01")
    assert result.empty
    assert list(result.columns) == [
        "record_id",
        "findings",
        "details",
        "n_findings",
        "findings_text",
    ]


def test_incident_rows():
    incidents = pd.DataFrame(
        {
            "pv_number": ["PV1", "PV2", "PV3"],
            "category": ["Woninginbraak", "Vandalisme", None],
            "occurred_from": pd.to_datetime(
                ["2026-01-01 22:00", "2026-01-03 00:00", "2026-01-04 00:00"]
            ),
            "occurred_to": pd.to_datetime(["2026-01-02 06:00", "2026-01-02 00:00", None]),
            "registered_at": pd.to_datetime(
                ["2026-01-02 09:00", "2026-01-02 00:00", "2026-01-05 00:00"]
            ),
            "x": [172100.0, None, 169500.0],
            "y": [177100.0, 178000.0, 178000.0],
        }
    )
    result = qc_findings(incidents, "2026-03-01").set_index("record_id")["findings"]
    assert result["PV1"] == []
    # occurred after registration, end before start, no coordinates
    assert result["PV2"] == [GEEN_LOCATIE, INCONSISTENTE_DATA]
    assert result["PV3"] == [GEEN_CATEGORIE]


def test_index_is_preserved():
    frame = _frame(_task(), _task(task_id="T2", inspector=None))
    frame.index = [10, 20]
    result = qc_findings(frame)
    assert list(result.index) == [10, 20]
    assert result.loc[20, "findings"] == [GEEN_WIJKINSPECTEUR]


def test_qc_summary():
    frame = _frame(
        _task(),
        _task(task_id="T2", inspector=None, task_type=None),
        _task(task_id="T3", task_type=None, inspector="B"),
    )
    findings = qc_findings(frame, "2026-03-01")
    summary = qc_summary(findings).set_index("finding")["n"]
    assert summary[GEEN_CATEGORIE] == 2
    assert summary[GEEN_WIJKINSPECTEUR] == 1
    assert summary["Zonder opmerkingen"] == 1
    per = qc_summary(findings, frame["inspector"])
    assert set(per["group"]) == {"(onbekend)", "B"}


def test_review_queue():
    frame = _frame(
        _task(task_id="T1"),  # finished, never reviewed → queued
        _task(task_id="T2"),  # approved → gone
        _task(task_id="T3", closed_at="2026-02-03"),  # returned, then closed again → queued
        _task(task_id="T4"),  # returned, not reworked since → waits on the inspector
        _task(task_id="T5", closed_at=None, status="Open"),  # not finished
        _task(task_id="T6", location_status="geen_locatie"),  # finished with a finding
    )
    latest = pd.DataFrame(
        {
            "item_kind": ["taak", "taak", "taak", "pv"],
            "item_id": ["T2", "T3", "T4", "T1"],
            "decision": ["goedgekeurd", "teruggestuurd", "teruggestuurd", "goedgekeurd"],
            "recorded_at": pd.to_datetime(
                ["2026-01-25", "2026-02-01", "2026-02-01", "2026-01-25"], utc=True
            ),
        }
    )
    queue = review_queue(frame, latest, item_kind="taak", reference_date="2026-03-01")
    assert queue["task_id"].tolist() == ["T6", "T1", "T3"]
    assert queue.set_index("task_id").loc["T3", "last_decision"] == "teruggestuurd"
    assert pd.isna(queue.set_index("task_id").loc["T1", "last_decision"])
    empty_reviews = latest.iloc[:0]
    assert len(review_queue(frame, empty_reviews, item_kind="taak")) == 5


def test_skip_switches_a_check_off():
    row = _task(location_status="geen_locatie", inspector=None)
    result = qc_findings(_frame(row), skip=[GEEN_LOCATIE])
    assert result.iloc[0]["findings"] == [GEEN_WIJKINSPECTEUR]
    with pytest.raises(ValueError, match="Onbekende bevinding"):
        qc_findings(_frame(row), skip=["Geen locatei"])


ZONE_TOML = Path(__file__).resolve().parents[2] / "data" / "zone.toml"


@pytest.fixture
def zone_in(tmp_path, monkeypatch):
    """Point ``WIJKBEELD_ZONE`` at a copy of the zone configuration in another time zone."""

    def set_zone(timezone: str) -> None:
        text = ZONE_TOML.read_text(encoding="utf-8")
        assert 'timezone = "Europe/Brussels"' in text
        path = tmp_path / f"zone_{timezone.replace('/', '_')}.toml"
        path.write_text(text.replace("Europe/Brussels", timezone), encoding="utf-8")
        monkeypatch.setenv("WIJKBEELD_ZONE", str(path))

    return set_zone


def _returned(item_id: str, recorded_at_utc: str, item_closed_at=None) -> pd.DataFrame:
    """The latest decision on one task: returned at ``recorded_at_utc``."""
    frame = pd.DataFrame(
        {
            "item_kind": ["taak"],
            "item_id": [item_id],
            "decision": ["teruggestuurd"],
            "recorded_at": pd.to_datetime([recorded_at_utc], utc=True),
        }
    )
    if item_closed_at is not None:
        frame["item_closed_at"] = pd.to_datetime([item_closed_at])
    return frame


@pytest.mark.parametrize("stored", [None, "2026-12-01 16:20"])
def test_returned_task_closed_before_the_decision_in_local_time_stays_out(zone_in, stored):
    # Closed 16:20 in Brussels, returned 16:30 in Brussels (15:30 UTC): not reworked.
    # The old code compared the local closing time with the UTC decision time.
    zone_in("Europe/Brussels")
    tasks = _frame(_task(task_id="T1", due_at="2026-12-31", closed_at="2026-12-01 16:20"))
    latest = _returned("T1", "2026-12-01 15:30", stored)
    assert review_queue(tasks, latest, item_kind="taak").empty
    # Closed again at 16:45 local (after the decision): back in the queue.
    again = _frame(_task(task_id="T1", due_at="2026-12-31", closed_at="2026-12-01 16:45"))
    queue = review_queue(again, latest, item_kind="taak")
    assert queue["task_id"].tolist() == ["T1"]
    assert queue["last_decision"].tolist() == ["teruggestuurd"]


def test_review_queue_compares_in_the_zone_time_zone(zone_in):
    # Returned 23:30 UTC on 30/11: 00:30 on 01/12 in Brussels, 18:30 on 30/11 in New York.
    # A task closed 30/11 at 20:00 local was closed before the decision only in Brussels.
    tasks = _frame(_task(task_id="T1", due_at="2026-12-31", closed_at="2026-11-30 20:00"))
    latest = _returned("T1", "2026-11-30 23:30")
    zone_in("America/New_York")
    assert review_queue(tasks, latest, item_kind="taak")["task_id"].tolist() == ["T1"]
    zone_in("Europe/Brussels")
    assert review_queue(tasks, latest, item_kind="taak").empty
    # An explicit time zone wins over the configuration's.
    queue = review_queue(tasks, latest, item_kind="taak", timezone="America/New_York")
    assert queue["task_id"].tolist() == ["T1"]


def test_returned_task_closed_again_the_same_day_day_only_is_queued_again(zone_in):
    # Closed 03/11, returned 01/12 at 16:36 local; the next export says "Afgesloten
    # 01/12/2026" (no time): midnight, before the decision, but a new closing date.
    zone_in("Europe/Brussels")
    reworked = _frame(_task(task_id="T1", due_at="2026-12-31", closed_at="2026-12-01"))
    latest = _returned("T1", "2026-12-01 15:36", item_closed_at="2026-11-03")
    assert review_queue(reworked, latest, item_kind="taak")["task_id"].tolist() == ["T1"]
    # Without a stored closing date (a decision kept before it was stored): the days.
    old = latest.drop(columns="item_closed_at")
    assert review_queue(reworked, old, item_kind="taak")["task_id"].tolist() == ["T1"]
    # Not reworked: the export still says 03/11.
    unchanged = _frame(_task(task_id="T1", due_at="2026-12-31", closed_at="2026-11-03"))
    for reviews_ in (latest, old):
        assert review_queue(unchanged, reviews_, item_kind="taak").empty


def test_stored_closing_date_decides_whatever_its_precision(zone_in):
    # Decided on "01/12/2026 16:20"; a later export writes the same day without a time:
    # nothing was reworked. Closed on a later day: reworked.
    zone_in("Europe/Brussels")
    latest = _returned("T1", "2026-12-01 15:30", item_closed_at="2026-12-01 16:20")
    same_day = _frame(_task(task_id="T1", due_at="2026-12-31", closed_at="2026-12-01"))
    assert review_queue(same_day, latest, item_kind="taak").empty
    next_day = _frame(_task(task_id="T1", due_at="2026-12-31", closed_at="2026-12-02"))
    assert review_queue(next_day, latest, item_kind="taak")["task_id"].tolist() == ["T1"]
    # An approval is final whatever the closing date does.
    approved = latest.assign(decision="goedgekeurd")
    assert review_queue(next_day, approved, item_kind="taak").empty
