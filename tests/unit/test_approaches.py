"""The approaches of problem addresses (etl.approaches): append-only, one running per address."""

from __future__ import annotations

from datetime import UTC, date, datetime

import duckdb
import pandas as pd
import pytest

from etl.approaches import ApproachError, ApproachStore

KEY = ("Kerkstraat", "12", "24038", None, None)
MOTORWAY = ("Autosnelweg", None, "24038", None, "W04")
NOW = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)


@pytest.fixture
def store(tmp_path):
    return ApproachStore(tmp_path / "state" / "aanpakken.duckdb", clock=lambda: NOW)


def test_no_file_no_approaches(store):
    assert store.approaches().empty
    assert store.running_at(KEY) is None
    assert not store.path.exists()


def test_start_and_close_keep_the_whole_history(store):
    first = store.start(
        KEY, "Kerkstraat 12", "Herent", "W01", date(2026, 9, 1), " Gesprek met uitbater ", "demo"
    )
    other = store.start(
        MOTORWAY,
        "Autosnelweg (zonder huisnummer)",
        "Herent",
        "W04",
        date(2026, 10, 1),
        "Controles",
        "insp",
    )
    frame = store.approaches()
    assert list(frame["approach_id"]) == [other, first]  # running ones, newest first
    row = store.running_at(KEY)
    assert row["description"] == "Gesprek met uitbater" and row["started_by"] == "demo"
    assert pd.Timestamp(row["started_on"]).date() == date(2026, 9, 1)
    assert store.running_at(MOTORWAY)["approach_id"] == other
    store.close(first, date(2026, 11, 15), "Uitbater werkt mee, overlast gestopt", "demo")
    assert store.running_at(KEY) is None
    frame = store.approaches()
    closed = frame[frame["approach_id"] == first].iloc[0]
    assert closed["status"] == "afgesloten" and closed["end_note"].startswith("Uitbater")
    assert list(frame["status"]) == ["lopend", "afgesloten"]
    # A new approach of the same address once the first one ended; the old one stays.
    again = store.start(KEY, "Kerkstraat 12", "Herent", "W01", date(2026, 11, 20), "Camera", "demo")
    assert set(store.approaches()["approach_id"]) == {first, other, again}
    with duckdb.connect(str(store.path), read_only=True) as con:
        events = con.execute(
            "SELECT event, recorded_at FROM approach_events ORDER BY event_id"
        ).fetchall()
    assert [e for e, _ in events] == ["gestart", "gestart", "afgesloten", "gestart"]
    assert all(ts == NOW.replace(tzinfo=None) for _, ts in events)  # UTC, as recorded
    assert store.path.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (
            (KEY, "Kerkstraat 12", None, None, date(2026, 9, 1), "  ", "demo"),
            "Omschrijving van de aanpak ontbreekt",
        ),
        ((KEY, "Kerkstraat 12", None, None, date(2026, 9, 1), "x" * 1001, "demo"), "te lang"),
        (
            (KEY, "Kerkstraat 12", None, None, "01/09/2026", "Gesprek", "demo"),
            "moet een datum zijn",
        ),
        (
            (KEY, "Kerkstraat 12", None, None, date(2026, 12, 1), "Gesprek", "demo"),
            "in de toekomst",
        ),
        (
            ((None, None, None, None, None), "?", None, None, date(2026, 9, 1), "Gesprek", "demo"),
            "Kies een adres",
        ),
    ],
)
def test_a_start_that_cannot_be_stored_says_why(store, args, says):
    with pytest.raises(ApproachError, match=says):
        store.start(*args)
    assert store.approaches().empty


def test_one_running_approach_per_address(store):
    store.start(KEY, "Kerkstraat 12", "Herent", "W01", date(2026, 9, 1), "Gesprek", "demo")
    with pytest.raises(ApproachError, match="loopt al een aanpak sinds 01/09/2026"):
        store.start(KEY, "Kerkstraat 12", "Herent", "W01", date(2026, 10, 1), "Camera", "insp")
    # Another address, and the same street without number in a wijk, are other addresses.
    store.start(
        ("Kerkstraat", "14", "24038", None, None),
        "Kerkstraat 14",
        "Herent",
        "W01",
        date(2026, 9, 1),
        "Gesprek",
        "demo",
    )
    store.start(
        ("Kerkstraat", None, "24038", None, "W01"),
        "Kerkstraat (zonder huisnummer)",
        "Herent",
        "W01",
        date(2026, 9, 1),
        "Gesprek",
        "demo",
    )
    assert len(store.approaches()) == 3


def test_a_close_that_cannot_be_stored_says_why(store):
    first = store.start(KEY, "Kerkstraat 12", "Herent", "W01", date(2026, 9, 1), "Gesprek", "demo")
    with pytest.raises(ApproachError, match="vóór de eerste dag"):
        store.close(first, date(2026, 8, 31), "Klaar", "demo")
    with pytest.raises(ApproachError, match="bestaat niet"):
        store.close(first + 99, date(2026, 10, 1), "Klaar", "demo")
    with pytest.raises(ApproachError, match="Hoe de aanpak afliep ontbreekt"):
        store.close(first, date(2026, 10, 1), "", "demo")
    store.close(first, date(2026, 10, 1), "Klaar", "demo")
    with pytest.raises(ApproachError, match="al afgesloten"):
        store.close(first, date(2026, 10, 2), "Nog eens", "demo")
    assert len(store.approaches()) == 1
