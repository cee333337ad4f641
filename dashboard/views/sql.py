"""SQL-console (beleidscel): one read-only SELECT over the marts, with limits and the schema.

The guard (:mod:`dashboard.auth.sqlguard`) refuses anything but a SELECT over ``marts.*``;
the console connection cannot reach files or the network; a row limit and a timeout keep
one query from taking the dashboard down. The schema beside the editor comes from the data
dictionary (``docs/DATA_DICTIONARY.md``).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.auth import gate
from dashboard.auth.roles import console_tables
from dashboard.auth.sqlguard import MAX_SQL_CHARS, check_console_sql
from dashboard.components import layout
from dashboard.components.format import fmt_exact, fmt_int, fmt_number, missing_as_text
from dashboard.queries import console, dictionary
from dashboard.queries.common import data_bounds
from etl.audit import sha256_text

KEY_RESULT = "sql_resultaat"


def _megabytes(n: int) -> str:
    return f"{fmt_number(n / 1_000_000, 0 if n >= 10_000_000 else 1)} MB"


gate.require_page("sql")
version = layout.warehouse()
# None = every mart (coordinator); the beleidscel reads only the aggregate marts.
allowed_tables = console_tables(layout.principal())
st.title("SQL-console")
st.caption(
    f"Alleen lezen, alleen de tabellen `marts.*`, één SELECT per keer (hoogstens "
    f"{fmt_int(MAX_SQL_CHARS)} tekens). Hoogstens {fmt_int(console.ROW_LIMIT)} rijen en "
    f"{_megabytes(console.MAX_BYTES)}; een query die langer dan "
    f"{fmt_number(console.TIMEOUT_S, 0)} s duurt, wordt afgebroken."
)

last = data_bounds(version)["last"]
year = (last.year - 1) if last else 2025
EXAMPLE = f"""SELECT wijk_name AS wijk, category AS categorie, count(*) AS aantal
FROM marts.incidents
WHERE year = {year}
GROUP BY ALL
ORDER BY aantal DESC
LIMIT 20"""
if allowed_tables is not None:
    EXAMPLE = f"""SELECT wijk_code AS wijk, category AS categorie, sum(n) AS aantal
FROM marts.daily_counts
WHERE domain = 'incidents' AND year(date) = {year}
GROUP BY ALL
ORDER BY aantal DESC
LIMIT 20"""
    st.info(
        "Jouw rol leest in de console enkel de geaggregeerde tabellen "
        + ", ".join(f"`marts.{t}`" for t in sorted(allowed_tables))
        + ": geen PV-nummers, namen of adressen. Afzonderlijke feiten (gepseudonimiseerd) "
        "vind je op de andere pagina's.",
        icon=":material/lock:",
    )

editor, schema = st.columns([3, 2], gap="large")

with schema:
    st.subheader("Tabellen en kolommen")
    columns = dictionary.schema_with_descriptions(version)
    docs = dictionary.load_dictionary()
    marts = list(dict.fromkeys(columns["mart"]))
    if allowed_tables is not None:
        marts = [m for m in marts if m.split(".")[-1] in allowed_tables]
    default = marts.index("marts.incidents") if "marts.incidents" in marts else 0
    mart = st.selectbox("Tabel", marts, index=default, key="sql_tabel")
    if mart in docs and docs[mart].description:
        st.caption(docs[mart].description)
    pane = columns[columns["mart"] == mart][["kolom", "type", "betekenis", "eenheid"]]
    pane = pane.replace("`", "", regex=True)  # markdown code marks are noise in a table
    layout.table(
        pane.rename(
            columns={
                "kolom": "Kolom",
                "type": "Type",
                "betekenis": "Betekenis",
                "eenheid": "Eenheid",
            }
        ),
        height=420,
    )
    st.caption("Meer uitleg (bron, kanttekeningen) op de pagina Datawoordenboek.")

with editor:
    sql = st.text_area("Query", value=EXAMPLE, height=220, key="sql_tekst")
    submitted = st.button(
        "Uitvoeren", type="primary", icon=":material/play_arrow:", key="sql_uitvoeren"
    )
    previous = st.session_state.get(KEY_RESULT)
    # A changed query runs at once (Ctrl+Enter or leaving the box); the button runs it again.
    # Other reruns (picking a table in the schema pane) reuse the last result.
    if submitted or previous is None or previous["sql"] != sql:
        try:
            # The role's table restriction first; run_sql repeats the general guard.
            check_console_sql(sql, allowed_tables)
            outcome = console.run_sql(
                version, sql, row_limit=console.ROW_LIMIT, timeout_s=console.TIMEOUT_S
            )
            st.session_state[KEY_RESULT] = {"sql": sql, "result": outcome, "error": None}
            gate.log_sql(sql, len(outcome.rows), outcome.truncated)
        except Exception as exc:  # every error becomes a Dutch sentence, never a traceback
            st.session_state[KEY_RESULT] = {
                "sql": sql,
                "result": None,
                "error": console.explain_error(exc),
            }
            gate.log_sql(sql, None, error=console.explain_error(exc)[0])
    state = st.session_state.get(KEY_RESULT)
    if state and state["error"]:
        sentence, detail = state["error"]
        st.error(sentence, icon=":material/error:")
        if detail:
            st.caption("Technische melding van DuckDB:")
            st.code(detail, language=None)
    elif state:
        outcome = state["result"]
        rows = outcome.rows
        noun = "rij" if len(rows) == 1 else "rijen"
        line = f"{fmt_int(len(rows))} {noun} in {fmt_number(outcome.seconds, 2)} s."
        if outcome.byte_limited:
            line += (
                f" Afgekapt op {_megabytes(console.MAX_BYTES)}: kies minder of kortere kolommen, "
                "of voeg een LIMIT of aggregatie toe."
            )
        elif outcome.truncated:
            line += f" Afgekapt op {fmt_int(console.ROW_LIMIT)} rijen: voeg een LIMIT of aggregatie toe."
        st.caption(line)
        # Dates as everywhere else (dd/mm/yyyy): missing_as_text writes out the columns with
        # a gap, layout.table the others. A number column with a gap keeps every digit.
        exact = {
            c: fmt_exact
            for c in rows.columns
            if pd.api.types.is_numeric_dtype(rows[c]) and not pd.api.types.is_bool_dtype(rows[c])
        }
        layout.table(missing_as_text(rows, exact))
        # The export's audit event names the query that made the rows (its text and hash,
        # the hash matches the sql event's text even where the log shortened it).
        query = state["sql"]
        layout.csv_download(
            rows,
            "wijkbeeld_sql.csv",
            key="sql_csv",
            detail={"sql": query, "sql_sha256": sha256_text(query)},
        )
