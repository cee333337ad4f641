"""A month's traffic controls left out read as a month without one control: the Verkeer
page said "werden geen verkeerscontroles ... geregistreerd" and counted fewer control hours
near the dangerous locations, and Verkenning counted the month 0. The controls' months are
now judged for a missing export as the zone's other sources are (``marts.coverage``, domain
``controls``): the build warns, Verkeer's enforcement section says it, and Verkenning shows
such a month as unknown."""

from __future__ import annotations

import shutil

import pytest
import streamlit as st
from dash_helpers import run_app, wh

#: Controls per month in the file written below: a register busy enough (ten or more a
#: month) that an empty month is no chance.
PER_MONTH = 12
#: The months left out (a month's export forgotten), as (year, month).
LEFT_OUT = [(2025, 3), (2025, 4)]


def _controls_without_spring(demo_raw, target, per_month=None, late_start=False) -> None:
    """One controls register with ``PER_MONTH`` controls (2 hours each, in the zone) in
    every month of the demo's span (11/2024 – 10/2026) except ``LEFT_OUT``, made of the
    demo's own rows with their number and dates set; ``per_month`` ((year, month) -> n)
    sets the months it names instead; ``late_start``: the first month's controls from the
    20th (the data cover that month in part)."""
    rows = []
    for source in sorted((demo_raw / "controls").iterdir()):
        header, *lines = source.read_text(encoding="cp1252").splitlines()
        rows += [line.split(";") for line in lines if line]
    months = [(2024, 11), (2024, 12)] + [(y, m) for y in (2025, 2026) for m in range(1, 13)]
    if per_month is None:
        per_month = dict.fromkeys(LEFT_OUT, 0)
    months = [ym for ym in months if ym <= (2026, 10)]
    lines = [header]
    for i, (year, month) in enumerate(months):
        for j in range(per_month.get((year, month), PER_MONTH)):
            fields = list(rows[(i * PER_MONTH + j) % len(rows)])
            day = (20 + j) if late_start and i == 0 else 1 + 2 * j
            fields[0] = f"VC{year}-{month:02d}{j:02d}"
            fields[2] = f"{day:02d}/{month:02d}/{year} 10:00"
            fields[3] = f"{day:02d}/{month:02d}/{year} 12:00"
            lines.append(";".join(fields))
    target.mkdir(parents=True)
    (target / "verkeerscontroles_2024_2026.csv").write_text(
        "\r\n".join(lines) + "\r\n", encoding="cp1252"
    )


@pytest.fixture(scope="module")
def control_gap_warehouse(demo_raw, tmp_path_factory):
    from etl.build import build_warehouse

    raw = tmp_path_factory.mktemp("control_gap") / "raw"
    for kind in ("incidents", "districts", "accidents", "victims"):
        shutil.copytree(demo_raw / kind, raw / kind)
    _controls_without_spring(demo_raw, raw / "controls")
    warehouse = raw.parent / "wh.duckdb"
    build_warehouse(raw, warehouse, echo=lambda *_: None)
    return warehouse


@pytest.fixture
def zone(control_gap_warehouse, monkeypatch):
    monkeypatch.setenv("WIJKBEELD_WAREHOUSE", str(control_gap_warehouse))
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def test_the_build_names_the_months_without_controls(zone):
    assert wh("SELECT count(*) AS n FROM marts.controls").iat[0, 0] == 22 * PER_MONTH
    empty = wh("SELECT empty_months FROM marts.coverage WHERE domain = 'controls'").iat[0, 0]
    assert [str(d)[:7] for d in empty] == ["2025-03", "2025-04"]
    messages = wh("SELECT message FROM marts.build_warnings")["message"].tolist()
    (said,) = [m for m in messages if m.startswith("Verkeerscontroles:")]
    assert "2 maanden zonder enig record, van 03/2025 tot en met 04/2025" in said, said
    assert "de handhaving bij de gevaarlijke punten (Verkeer)" in said
    from dashboard.queries import warehouse_version
    from dashboard.queries.common import dataset_gaps, domain_coverage

    version = warehouse_version()
    # The pages' own spans keep to the counted domains.
    assert "controls" not in set(domain_coverage(version)["domain"])
    assert [f"{d:%m/%Y}" for d in dataset_gaps(version, "controls")] == ["03/2025", "04/2025"]


def _enforcement(start: str, end: str):
    at = run_app("traffic", {"periode": "aangepast", "van": start, "tot": end})
    assert not at.exception
    warnings = [w.value for w in at.warning if w.value.startswith("Verkeerscontroles:")]
    return at, warnings


def test_verkeer_calls_a_period_without_the_controls_export_unknown(zone):
    at, warnings = _enforcement("2025-03-01", "2025-04-30")
    assert warnings == [
        "Verkeerscontroles: geen enkele controle met datum in 03/2025 en 04/2025, terwijl er "
        "gewoonlijk tien of meer per maand zijn: een ontbrekende export? De controles van die "
        "periode zijn onbekend."
    ]
    sentences = [m.value for m in at.markdown]
    assert any(s.startswith("Over de verkeerscontroles van 01/03/2025") for s in sentences)
    # Not the finding it was: "werden geen verkeerscontroles ... geregistreerd".
    assert not any("werden geen verkeerscontroles" in s for s in sentences), sentences


def test_verkeer_says_the_hours_miss_a_month_left_out(zone):
    at, warnings = _enforcement("2025-01-01", "2025-06-30")
    (warning,) = warnings
    assert "geen enkele controle met datum in 03/2025 en 04/2025" in warning
    assert warning.endswith("De controles en uren hieronder missen die maanden.")
    # The months around the gap still count their controls.
    assert any("verkeerscontroles (" in m.value and "duurden de" in m.value for m in at.markdown)
    # A period that holds no empty month: no warning.
    _, warnings = _enforcement("2025-06-01", "2025-08-31")
    assert warnings == []


def test_verkenning_leaves_the_months_without_controls_unknown(zone):
    params = {
        "periode": "aangepast",
        "van": "2025-01-01",
        "tot": "2025-06-30",
        "gegevens": "controls",
        "indeling1": "Maand",
        "indeling2": "Geen",
    }
    at = run_app("exploration", params)
    assert not at.exception
    values = at.dataframe[0].value.set_index("Maand").iloc[:, 0]
    assert values["maart 2025 (geen gegevens)"] == "–"
    assert values["april 2025 (geen gegevens)"] == "–"
    assert values["mei 2025"] == str(PER_MONTH)


def test_a_quiet_calendar_month_without_controls_is_no_missing_export(demo_raw, tmp_path_factory):
    """Controls are planned, and fewer in August: three in August 2025 and none in August
    2026 is what such a zone does, not an export left out (a review: the build warned and
    Verkeer called the month unknown). A month with five or more in the other years' whole
    months is still judged; a partial first month is no such month (a second review)."""
    from etl.build import build_warehouse

    raw = tmp_path_factory.mktemp("quiet_august") / "raw"
    shutil.copytree(demo_raw / "districts", raw / "districts")
    # The register's first month holds two controls (it starts late in November 2024): no
    # month to judge November 2025, which is missing, by. June holds eight, a month where a
    # zero is no chance.
    _controls_without_spring(
        demo_raw,
        raw / "controls",
        {(2024, 11): 2, (2025, 11): 0, (2025, 8): 3, (2026, 8): 0, (2025, 6): 8, (2026, 6): 0},
        late_start=True,
    )
    warehouse = raw.parent / "wh.duckdb"
    build_warehouse(raw, warehouse, echo=lambda *_: None)
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        (empty,) = con.execute(
            "SELECT empty_months FROM marts.coverage WHERE domain = 'controls'"
        ).fetchone()
    finally:
        con.close()
    assert [str(d)[:7] for d in empty] == ["2025-11", "2026-06"]


def test_a_whole_first_month_counts_for_its_calendar_month(demo_raw, tmp_path_factory):
    """A register that starts on the first of a quiet November (three controls) and has
    none the next November: that month is quiet, not missing. The first month is left out
    of the calendar month's average only when the data cover it in part (a third review)."""
    from etl.build import build_warehouse

    raw = tmp_path_factory.mktemp("whole_first") / "raw"
    shutil.copytree(demo_raw / "districts", raw / "districts")
    _controls_without_spring(demo_raw, raw / "controls", {(2024, 11): 3, (2025, 11): 0})
    warehouse = raw.parent / "wh.duckdb"
    build_warehouse(raw, warehouse, echo=lambda *_: None)
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        first, empty = con.execute(
            "SELECT first, empty_months FROM marts.coverage WHERE domain = 'controls'"
        ).fetchone()
    finally:
        con.close()
    assert str(first) == "2024-11-01"
    assert empty == []
