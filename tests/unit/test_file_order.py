"""Which of two exports is newer when their latest records fall on the same day: the later
file name, in one order for the build's SQL (``wb_natural``/``wb_stem``) and the upload's
Python (``etl.sources.base.natural_key``). A browser's second download "Feiten_export
(1).csv" sorted before "Feiten_export.csv" (" (" before ".csv"), so the new download lost
to the old one and its corrections were silently ignored."""

from __future__ import annotations

import random

from etl.sources.base import natural_key

NAMES = [
    "incidents/Feiten_export.csv",
    "incidents/Feiten_export (1).csv",
    "incidents/Feiten_export (2).csv",
    "incidents/Feiten_export (10).csv",
    "incidents/feiten_9.csv",
    "incidents/feiten_10.csv",
    "incidents/feiten_01.csv",
    "incidents/feiten_1.csv",
    "incidents/feiten_1.xlsx",
    "incidents/feiten_2024.xlsx!Januari",
    "incidents/feiten_2024.xlsx!Februari",
    "incidents/Feiten_export - kopie.csv",
]


def test_a_browsers_second_download_is_the_later_name():
    order = sorted(NAMES, key=natural_key)
    assert order.index("incidents/Feiten_export.csv") < order.index(
        "incidents/Feiten_export (1).csv"
    )
    assert order.index("incidents/Feiten_export (2).csv") < order.index(
        "incidents/Feiten_export (10).csv"
    )
    assert order.index("incidents/feiten_9.csv") < order.index("incidents/feiten_10.csv")
    assert order.index("incidents/Feiten_export.csv") < order.index(
        "incidents/Feiten_export - kopie.csv"
    )


def test_sql_orders_file_names_as_python_does(con):
    shuffled = NAMES[:]
    random.Random(7).shuffle(shuffled)
    con.execute("CREATE TABLE names AS SELECT unnest(?::VARCHAR[]) AS source_file", [shuffled])
    sql_order = [
        r[0]
        for r in con.execute(
            "SELECT source_file FROM names "
            "ORDER BY wb_natural(wb_stem(source_file)), wb_natural(source_file), source_file"
        ).fetchall()
    ]
    assert sql_order == sorted(NAMES, key=natural_key)
