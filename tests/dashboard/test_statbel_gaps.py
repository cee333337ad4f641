"""A year's Statbel file left out read as a year without injury accidents: the Verkeer page
with source Statbel counted 2025 as 0 and compared 2026 with it. Statbel's months are now
judged for a missing export as the zone's own sources are (``marts.coverage``, domain
``accidents_statbel``): the build warns, and Verkeer does not compare such a month."""

from __future__ import annotations

import math
import shutil

import pytest
import streamlit as st
from dash_helpers import metrics, plotly_array, run_app, wh

#: Injury accidents per month in the Statbel file written below: a source busy enough
#: (ten or more a month) that an empty month is no chance.
PER_MONTH = 12


def _statbel_without_2025(demo_raw, target) -> None:
    """A Statbel file with ``PER_MONTH`` accidents in every month of the demo's span
    (11/2024 – 10/2026) except those of 2025 (a year's file left out), made of the demo's
    own rows with their year and month set."""
    (source,) = (demo_raw / "statbel").iterdir()
    text = source.read_text(encoding="utf-8-sig")
    header, *rows = [line for line in text.splitlines() if line]
    assert header.startswith("DT_YEAR_COLLISION|DT_MONTH_COLLISION|")
    months = [(2024, 11), (2024, 12)] + [(2026, m) for m in range(1, 11)]
    lines = [header]
    for i, (year, month) in enumerate(months):
        for j in range(PER_MONTH):
            fields = rows[(i * PER_MONTH + j) % len(rows)].split("|")
            fields[0], fields[1] = str(year), str(month)
            lines.append("|".join(fields))
    target.mkdir(parents=True)
    (target / "OPENDATA_MAP_2024_2026.txt").write_text(
        "\ufeff" + "\r\n".join(lines) + "\r\n", encoding="utf-8"
    )


@pytest.fixture(scope="module")
def statbel_gap_warehouse(demo_raw, tmp_path_factory):
    from etl.build import build_warehouse

    raw = tmp_path_factory.mktemp("statbel_gap") / "raw"
    for kind in ("incidents", "districts", "accidents", "victims"):
        shutil.copytree(demo_raw / kind, raw / kind)
    _statbel_without_2025(demo_raw, raw / "statbel")
    warehouse = raw.parent / "wh.duckdb"
    build_warehouse(raw, warehouse, echo=lambda *_: None)
    return warehouse


@pytest.fixture
def zone(statbel_gap_warehouse, monkeypatch):
    monkeypatch.setenv("WIJKBEELD_WAREHOUSE", str(statbel_gap_warehouse))
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def test_the_build_names_the_months_statbel_left_out(zone):
    empty = wh("SELECT empty_months FROM marts.coverage WHERE domain = 'accidents_statbel'").iat[
        0, 0
    ]
    assert [str(d)[:7] for d in empty] == [f"2025-{m:02d}" for m in range(1, 13)]
    messages = wh("SELECT message FROM marts.build_warnings")["message"].tolist()
    (said,) = [m for m in messages if m.startswith("Letselongevallen van Statbel:")]
    assert "12 maanden zonder enig record, van 01/2025 tot en met 12/2025" in said
    assert "de pagina Verkeer (bron Statbel)" in said
    # The pages' own spans keep to the counted domains: Statbel, published a year late and
    # without a day, is no export that "stopped early" on the Data page.
    from dashboard.queries import warehouse_version
    from dashboard.queries.common import coverage_gaps, domain_coverage

    version = warehouse_version()
    assert "accidents_statbel" not in set(domain_coverage(version)["domain"])
    assert len(coverage_gaps(version, "accidents_statbel")) == 12
    assert coverage_gaps(version, "accidents") == ()
    assert coverage_gaps(version, "no_such_domain") == ()


def _statbel(query_params: dict):
    at = run_app("traffic", query_params)
    at.button_group(key="verkeer_bron").set_value("accidents_statbel").run()
    assert not at.exception
    return at


def test_verkeer_does_not_count_a_month_statbel_left_out(zone):
    at = _statbel({"periode": "aangepast", "van": "2025-04-01", "tot": "2025-04-30"})
    warnings = [w.value for w in at.warning]
    assert any(
        w.startswith(
            "Statbel (open data): geen enkel ongeval met datum in 04/2025, terwijl "
            "Statbel er gewoonlijk tien of meer per maand heeft"
        )
        for w in warnings
    ), warnings
    # Wholly inside the missing year: unknown, not 0.
    assert metrics(at)["Ongevallen"] == "–"
    assert metrics(at)["Letselongevallen"] == "–"


def test_verkeer_does_not_compare_a_month_with_one_statbel_left_out(zone):
    """January 2026 is counted, but its previous month (December 2025) is missing: no
    difference, and the caption says why. A year later nothing is missing: compared."""
    at = _statbel({"periode": "aangepast", "van": "2026-01-01", "tot": "2026-01-31"})
    tile = next(m for m in at.metric if m.label == "Letselongevallen")
    assert tile.value == str(PER_MONTH)
    assert not tile.delta
    assert any(
        "geen enkel ongeval met datum in 12/2025 (een ontbrekende export?), dus geen verschil"
        in c.value
        for c in at.caption
    ), [c.value for c in at.caption]
    at = _statbel({"periode": "aangepast", "van": "2026-03-01", "tot": "2026-03-31"})
    tile = next(m for m in at.metric if m.label == "Letselongevallen")
    assert tile.value == str(PER_MONTH) and tile.delta.startswith("0")


def test_verkeer_trend_leaves_the_missing_statbel_months_empty(zone):
    import json

    at = _statbel({"periode": "aangepast", "van": "2026-10-01", "tot": "2026-10-31"})
    chart = next(
        json.loads(c.proto.spec)
        for c in at.get("plotly_chart")
        if "Letselongevallen (aantal ongevallen)" in c.proto.spec
    )
    bars = chart["data"][0]
    by_month = dict(zip(bars["x"], plotly_array(bars["y"]), strict=True))
    assert math.isnan(by_month["06/2025"])
    assert by_month["06/2026"] == PER_MONTH
    assert any(
        "met datum in 01/2025 tot en met 12/2025 (een ontbrekende export?)" in c.value
        for c in at.caption
    ), [c.value for c in at.caption]


def test_verkenning_leaves_the_missing_statbel_months_unknown(zone):
    params = {
        "periode": "aangepast",
        "van": "2024-11-01",
        "tot": "2026-10-31",
        "gegevens": "accidents_statbel",
        "indeling1": "Maand",
        "indeling2": "Geen",
    }
    at = run_app("exploration", params)
    assert not at.exception
    table = at.dataframe[0].value.set_index("Maand")
    values = table.iloc[:, 0]
    assert values["juni 2025 (geen gegevens)"] == "–"
    assert values["juni 2026"] == str(PER_MONTH)
    assert any("een periode die daarin valt staat als – (onbekend)" in c.value for c in at.caption)
