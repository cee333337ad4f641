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


def test_a_sum_of_counts_stays_a_whole_number_in_the_csv(demo_warehouse):
    """DuckDB's sum of integers is a HUGEINT; it came back as floats, and the console's
    CSV wrote "101,0" where the screen showed 101 (an audit). Decimals keep theirs."""
    from dashboard.components.format import to_csv_bytes

    version = _db.warehouse_version()
    rows = console.run_sql(
        version,
        "SELECT wijk_code, sum(1) AS aantal, sum(CASE WHEN false THEN 1 END) AS leeg, "
        "avg(1.5) AS gemiddeld FROM marts.incidents GROUP BY wijk_code ORDER BY wijk_code",
    ).rows
    expected = wh(
        "SELECT wijk_code, count(*) AS n FROM marts.incidents GROUP BY wijk_code ORDER BY wijk_code"
    )
    assert rows["aantal"].tolist() == expected["n"].tolist()
    assert str(rows["aantal"].dtype) == "Int64" and rows["leeg"].isna().all()
    text = to_csv_bytes(rows).decode("utf-8-sig").splitlines()
    assert text[1].split(";")[1] == str(expected["n"].iat[0])
    assert text[1].split(";")[3] == "1,5"
    # Exact beyond 2^53 (through floats 2^53 + 1 came back one less; a review).
    big = console.run_sql(
        version,
        "SELECT sum(9007199254740993) AS s, sum(-5) AS n FROM marts.districts "
        "WHERE layer = 'gemeente'",
    ).rows
    n = count("SELECT count(*) FROM marts.districts WHERE layer = 'gemeente'")
    assert str(big["s"].dtype) == "Int64" and int(big["s"].iat[0]) == 9007199254740993 * n
    assert int(big["n"].iat[0]) == -5 * n


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


# --- text limit, expressions with strings, PIVOT ------------------------------------------------


def test_page_refuses_padded_query_and_audits_its_end(demo_warehouse):
    import json

    from etl.audit import AuditLog, sha256_text

    query = "SELECT pv_number, description FROM marts.incidents WHERE wijk_code = 'W03'"
    padded = "/*" + "x" * 20_000 + "*/ " + query
    at = run_app("sql")
    at.text_area(key="sql_tekst").input(padded).run()
    assert [e.value for e in at.error] == [
        f"De query is te lang ({len(padded):,} tekens); ".replace(",", ".")
        + "de SQL-console aanvaardt hoogstens 10.000 tekens."
    ]
    assert not [d for d in at.dataframe if "pv_number" in d.value.columns]
    logged = json.loads(AuditLog().read(event="sql")["detail"].iloc[0])
    assert logged["sql"]["einde"].endswith(query)
    assert logged["sql"]["sha256"] == sha256_text(padded)


def test_strings_in_expressions_run(demo_warehouse):
    version = _db.warehouse_version()
    sql = (
        "SELECT count(*) AS n, max(extract(year FROM '2025-03-01'::DATE)) AS jaar, "
        "max(trim(BOTH 'x' FROM 'xabcx')) AS t FROM marts.incidents "
        "WHERE category IS NOT DISTINCT FROM 'Vandalisme'"
    )
    rows = console.run_sql(version, sql).rows
    assert int(rows["n"].iat[0]) == count(
        "SELECT count(*) FROM marts.incidents WHERE category = 'Vandalisme'"
    )
    assert int(rows["jaar"].iat[0]) == 2025 and rows["t"].iat[0] == "abc"


def test_pivot_without_in_explained(demo_warehouse):
    version = _db.warehouse_version()
    with pytest.raises(UnsafeSQL) as caught:
        console.run_sql(version, "PIVOT marts.incidents ON category USING count(*)")
    sentence, _ = console.explain_error(caught.value)
    assert sentence.startswith("PIVOT zonder IN-lijst") and "IN (...)" in sentence


# --- the worker: deadline, bytes -----------------------------------------------------------------


def test_heavy_scalar_function_stopped_at_deadline(demo_warehouse):
    version = _db.warehouse_version()
    started = time.perf_counter()
    with pytest.raises(ConsoleTimeout):
        console.run_sql(
            version,
            "SELECT max(levenshtein(repeat('a', 20000), repeat('b', 20000 + x::INT % 2))) "
            "FROM range(30) t(x)",
            timeout_s=1.0,
        )
    assert time.perf_counter() - started < 6


def test_page_cuts_result_at_byte_budget(demo_warehouse, monkeypatch):
    monkeypatch.setattr(console, "MAX_BYTES", 200_000)
    at = run_app("sql")
    at.text_area(key="sql_tekst").input("SELECT repeat('x', 10000) AS s FROM range(1000)").run()
    assert not at.error
    result = next(d.value for d in at.dataframe if "s" in d.value.columns)
    assert 0 < len(result) <= 20
    assert any("Afgekapt op 0,2 MB" in c.value for c in at.caption)
    assert any("hoogstens 10.000 tekens" in c.value for c in at.caption)


def test_download_audit_names_the_query(demo_warehouse, monkeypatch):
    import hashlib

    from dashboard.auth import gate

    seen = []
    real = gate.export_logger

    def spy(detail, page=None):
        seen.append(dict(detail))
        return real(detail, page)

    monkeypatch.setattr(gate, "export_logger", spy)
    query = "SELECT category, count(*) AS n FROM marts.incidents GROUP BY 1"
    at = run_app("sql")
    at.text_area(key="sql_tekst").input(query).run()
    assert not at.exception
    detail = [d for d in seen if d.get("bestand") == "wijkbeeld_sql.csv"][-1]
    assert detail["sql"] == query
    assert detail["sql_sha256"] == hashlib.sha256(query.encode("utf-8")).hexdigest()
    assert detail["formaat"] == "csv" and detail["rijen"] == count(
        "SELECT count(DISTINCT category) FROM marts.incidents"
    )


def test_console_writes_every_date_column_as_dd_mm_yyyy(demo_warehouse):
    """One table showed "2023-12-06 02:00:00" beside "06/12/2023 04:15": only columns with a
    gap were written out (a review of the pages in a browser). Complete ones now carry the
    same Dutch format."""
    import json

    at = run_app("sql")
    at.text_area(key="sql_tekst").input(
        "SELECT occurred_from, occurred_to, CAST(occurred_from AS DATE) AS dag "
        "FROM marts.incidents ORDER BY occurred_from LIMIT 5"
    ).run()
    assert not at.exception
    [shown] = [d for d in at.dataframe if "dag" in d.value.columns]
    config = json.loads(shown.proto.columns)
    assert config["occurred_from"]["type_config"]["format"] == "DD/MM/YYYY HH:mm"
    assert config["dag"]["type_config"]["format"] == "DD/MM/YYYY"


def test_every_table_writes_its_date_columns_dd_mm_yyyy():
    """The console's rule lives in layout.table, for every page's table: complete date
    columns get the Dutch format, a column with a gap is left to the page's text."""
    import pandas as pd

    from dashboard.components.layout import date_columns

    frame = pd.DataFrame(
        {
            "moment": pd.to_datetime(["2025-03-01 04:15", "2025-03-02 00:00"]),
            "dag": pd.to_datetime(["2025-03-01", "2025-03-02"]),
            "met_gat": pd.to_datetime(["2025-03-01", None]),
            "tekst": ["a", "b"],
        }
    )
    config = date_columns(frame)
    assert set(config) == {"moment", "dag"}
    assert config["moment"]["type_config"]["format"] == "DD/MM/YYYY HH:mm"
    assert config["dag"]["type_config"]["format"] == "DD/MM/YYYY"
