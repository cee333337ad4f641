"""marts.place_labels: every municipality label of the exports, read by the build's rule.

The dashboard spelled the build's ``wb_place_key`` macro out twice in Python SQL (the
address key of the repeat lists and the municipal report's methodology counts); it now
matches labels through this mart, so the three cannot drift apart.
"""

from __future__ import annotations

from etl_helpers import build, mini_raw, query
from test_quirks import incident, incidents_csv

OUTSIDE = ("150000", "150000")  # far outside the fixture zone


def test_labels_keyed_and_named_as_the_build_reads_them(tmp_path):
    rows = [
        incident("P1", muni="3020 Herent"),
        incident("P2", muni="B-3020 herent", xy=OUTSIDE),
        incident("P3", muni="Herent (Winksele)", xy=OUTSIDE),
        incident("P4", muni="3000 Leuven", xy=OUTSIDE),
        incident("P5", muni="Hérent"),
        incident("P6", muni=""),
    ]
    raw = mini_raw(tmp_path, {"incidents/feiten.csv": incidents_csv(rows)})
    wh = tmp_path / "wh.duckdb"
    build(raw, wh)
    labels = {r[0]: r[1:] for r in query(wh, "SELECT * FROM marts.place_labels")}
    assert labels == {
        "3020 Herent": ("herent", "24038"),
        "B-3020 herent": ("herent", "24038"),
        "Herent (Winksele)": ("herent", "24038"),
        "Hérent": ("herent", "24038"),
        "3000 Leuven": ("leuven", None),
    }
    # Every label of every record mart is there (the dashboard joins on it).
    missing = query(
        wh,
        """
        SELECT DISTINCT CAST(municipality_reported AS VARCHAR) FROM marts.incidents
        WHERE municipality_reported IS NOT NULL
          AND CAST(municipality_reported AS VARCHAR) NOT IN (SELECT label FROM marts.place_labels)
        """,
    )
    assert missing == []
    # The dashboard's address key reads them through the mart: a record outside the zone
    # counts for the zone municipality its label names, another place keeps its key.
    from dashboard.queries.incidents import _address_rows_sql

    keys = query(
        wh,
        "SELECT CAST(nis_code AS VARCHAR), other_place, count(*) "
        f"FROM ({_address_rows_sql('marts.incidents', 'TRUE')}) GROUP BY ALL ORDER BY ALL",
    )
    assert keys == [("24038", None, 5), (None, "leuven", 1)]
