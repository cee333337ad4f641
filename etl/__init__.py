"""Wijkbeeld ETL: police-zone exports → DuckDB warehouse."""
