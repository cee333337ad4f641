"""SQL-console: writes and file access refused, limits enforced, right numbers, Dutch errors."""

from __future__ import annotations

import time

import duckdb
import pytest
from dash_helpers import count, run_app, wh

from dashboard.auth.sqlguard import ConsoleTimeout, UnsafeSQL
from dashboard.queries import _db, console

#: Far more work than the timeout allows (a four-way cross join of the incidents).
SLOW = (
    "SELECT count(*) FROM marts.incidents a, marts.incidents b, marts.incidents c, "
    "marts.incidents d WHERE a.x + b.x + c.x > d.x"
)


@pytest.mark.parametrize(
    ("sql", "words"),
    [
        ("INSERT INTO marts.incidents (pv_number) VALUES ('x')", "INSERT is niet toegelaten"),
        ("CREATE TABLE marts.kopie AS SELECT * FROM marts.incidents", "CREATE is niet toegelaten"),
        ("COPY marts.incidents TO '/tmp/uit.csv'", "COPY is niet toegelaten"),
        ("ATTACH '/tmp/ander.duckdb' AS ander", "ATTACH is niet toegelaten"),
        ("DELETE FROM marts.incidents", "DELETE is niet toegelaten"),
        ("DROP TABLE marts.incidents", "DROP is niet toegelaten"),
        ("SELECT * FROM read_csv('/etc/passwd')", "leest bestanden"),
        ("SELECT * FROM 'data/raw/incidents/feiten.csv'", "Bestanden lezen"),
        ("SELECT * FROM raw.incidents", "alleen tabellen uit marts"),
        ("SELECT 1; SELECT 2", "Slechts één opdracht"),
        ("SELECT getenv('HOME')", "niet toegelaten"),
    ],
)
def test_refuses_writes_and_file_access(demo_warehouse, sql, words):
    version = _db.warehouse_version()
    with pytest.raises(UnsafeSQL) as caught:
        console.run_sql(version, sql)
    sentence, detail = console.explain_error(caught.value)
    assert words in sentence
    assert detail is None


def test_legit_query_returns_warehouse_numbers(demo_warehouse):
    version = _db.warehouse_version()
    result = console.run_sql(
        version,
        "SELECT category, count(*) AS n FROM marts.incidents GROUP BY category ORDER BY category",
    )
    expected = wh(
        "SELECT category, count(*) AS n FROM marts.incidents GROUP BY category ORDER BY category"
    )
    assert result.rows.to_dict("list") == expected.to_dict("list")
    assert not result.truncated


def test_row_limit_applied(demo_warehouse):
    version = _db.warehouse_version()
    result = console.run_sql(version, "SELECT pv_number FROM marts.incidents", row_limit=7)
    assert len(result.rows) == 7
    assert result.truncated
    exact = console.run_sql(version, "SELECT pv_number FROM marts.incidents LIMIT 7", row_limit=7)
    assert len(exact.rows) == 7 and not exact.truncated


def test_query_past_time_limit_is_interrupted(demo_warehouse):
    version = _db.warehouse_version()
    started = time.perf_counter()
    with pytest.raises(ConsoleTimeout) as caught:
        console.run_sql(version, SLOW, timeout_s=1.0)
    assert time.perf_counter() - started < 20
    sentence, _ = console.explain_error(caught.value)
    assert sentence == "De query duurde langer dan 1 s en werd afgebroken."
    # The connection still works after an interrupt.
    n = console.run_sql(version, "SELECT count(*) AS n FROM marts.nuisance").rows["n"].iat[0]
    assert n == count("SELECT count(*) FROM marts.nuisance")


def test_errors_in_plain_dutch(demo_warehouse):
    version = _db.warehouse_version()
    with pytest.raises(duckdb.Error) as caught:
        console.run_sql(version, "SELECT bestaat_niet FROM marts.incidents")
    sentence, detail = console.explain_error(caught.value)
    assert "bestaat niet" in sentence or "kolomnaam" in sentence.lower()
    assert "bestaat_niet" in detail
    with pytest.raises(duckdb.Error) as caught:
        console.run_sql(version, "SELECT CAST('abc' AS INTEGER) FROM marts.incidents")
    assert "omgezet" in console.explain_error(caught.value)[0]


def test_page_runs_query_and_shows_schema(demo_warehouse, monkeypatch):
    monkeypatch.setattr(console, "ROW_LIMIT", 5)
    at = run_app("sql")
    assert at.title[0].value == "SQL-console"
    # Schema pane: the columns of marts.incidents with their dictionary description.
    frames = [d.value for d in at.dataframe]
    schema = next(f for f in frames if "Kolom" in f.columns).set_index("Kolom")
    assert schema.loc["pv_number", "Betekenis"] == "PV-nummer"
    assert len(schema) == count(
        "SELECT count(*) FROM information_schema.columns "
        "WHERE table_schema = 'marts' AND table_name = 'incidents'"
    )
    at.text_area(key="sql_tekst").input("SELECT pv_number FROM marts.incidents ORDER BY 1").run()
    assert not at.exception
    result = next(d.value for d in at.dataframe if "Kolom" not in d.value.columns)
    assert list(result.columns) == ["pv_number"]
    assert (
        result["pv_number"].tolist()
        == wh("SELECT pv_number FROM marts.incidents ORDER BY 1 LIMIT 5")["pv_number"].tolist()
    )
    assert any("Afgekapt op 5 rijen" in c.value for c in at.caption)
    assert [b.proto.label for b in at.get("download_button")] == ["Download CSV"]

    at.text_area(key="sql_tekst").input("UPDATE marts.incidents SET category = 'x'").run()
    assert [e.value for e in at.error] == [
        "UPDATE is niet toegelaten in de SQL-console; alleen SELECT of WITH ... SELECT."
    ]


def test_page_interrupts_slow_query(demo_warehouse, monkeypatch):
    monkeypatch.setattr(console, "TIMEOUT_S", 1.0)
    at = run_app("sql")
    at.text_area(key="sql_tekst").input(SLOW).run()
    assert [e.value for e in at.error] == ["De query duurde langer dan 1 s en werd afgebroken."]
