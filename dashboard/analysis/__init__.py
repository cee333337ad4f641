"""Pure analysis functions (no Streamlit, no DuckDB): statistics the pages show.

Query functions in :mod:`dashboard.queries` fetch small aggregates from the warehouse and
hand them to these functions; each is unit-tested on known inputs in ``tests/unit``.
"""
