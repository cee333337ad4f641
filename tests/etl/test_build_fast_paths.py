"""The speed-ups of the build give exactly the results of the plain versions they replace."""

from __future__ import annotations

import itertools
import os
import random
import re
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from etl_helpers import macro_connection, query

from etl import config
from etl.build import create_build_params, in_catalog
from etl.sources.tabular import _CP1252_ONLY, ROW_FAULT_TYPE, _has_cp1252_only_bytes

#: wb_ts0 without the fast path: the format list alone, as it was before.
_LIST_ONLY = """
CREATE OR REPLACE TEMP MACRO ref_ts0(s) AS coalesce(try_strptime(regexp_replace(trim(s), '\\p{Zs}', ' ', 'g'), [
    '%d/%m/%Y %H:%M', '%d/%m/%Y %H:%M:%S', '%d/%m/%Y', '%d-%m-%Y %H:%M', '%d-%m-%Y',
    '%Y-%m-%d %H:%M:%S', '%Y-%m-%dT%H:%M:%S', '%Y-%m-%d %H:%M', '%Y-%m-%dT%H:%M', '%Y-%m-%d',
    '%d.%m.%Y %H:%M', '%d.%m.%Y', '%Y-%m-%d %H:%M:%S.%f', '%Y-%m-%dT%H:%M:%S.%f',
    '%d/%m/%Y %H:%M:%S.%f', '%Y/%m/%d %H:%M:%S', '%Y/%m/%d %H:%M', '%Y/%m/%d'
]), CASE WHEN regexp_full_match(trim(s), '[1-9]\\d{4}([.,]\\d+)?')
    THEN TIMESTAMP '1899-12-30' + to_microseconds(CAST(round(CAST(replace(trim(s), ',', '.') AS DOUBLE) * 86400) AS BIGINT) * 1000000) END,
    -- A day ending at 24:00: the next day at 00:00 (wb_day_end).
    CASE WHEN regexp_full_match(trim(s), '(\\S+)\\s+24\\s*(?:[:.]\\s*00(?::00)?)?\\s*\\.?\\s*')
    THEN try_strptime(regexp_extract(trim(s), '^(\\S+)', 1),
        ['%d/%m/%Y', '%d-%m-%Y', '%d.%m.%Y', '%Y-%m-%d', '%Y/%m/%d']) + INTERVAL 1 DAY END);
CREATE OR REPLACE TEMP MACRO ref_ts(s) AS CASE WHEN year(ref_ts0(s)) >= 1900 THEN ref_ts0(s) END;
"""


def _date_strings() -> list[str | None]:
    values: list[str | None] = [
        "01/01/2025 00:28", "1/1/2025 0:28", "01/01/2025", "03/02/24", "03/02/24 10:00",
        "01/01/2025 00:28:15", "01/01/2025 00:28:15.5", "2025-01-01", "2025-01-01 10:00",
        "2025-01-01T10:00:00", " 01/01/2025 ", "01-01-2025", "01.01.2025 10:00", "45321",
        "45321,5", "", "  ", None, "31/02/2025", "01/13/2025", "01/01/2025 25:00",
        "01/01/2025 10:00 extra", "1/1/1899", "01/01/2025 10", "2025/01/01", "01/01/2025\t10:00",
        "2025/01/01 10:00", "2025/1/1 10:00:05", "01/01/2025\u00a010:00", "01/01/2025\u202f10:00",
        "2025/13/01", "25/01/2025 10:00", "2025/01/01T10:00",
        "2025-01-01 10:00:00", "2025-01-01T10:00:00", "2025-1-1 9:05:00", "0003-02-24",
        "2025-02-30", "2025-01-01 24:00:00", "2025-01-01 10:00:00 x",
        "2025-01-01 10:00:00.25", " 2025-01-01", "2025-01-01\u00a0", "12345-01-01",
        " 45321 ", "\u00a045321,25", "45321\u202f", "\t45321", "45321\n", " 4532 ", "45321,",
    ]  # fmt: skip
    for d, m, y, hm in itertools.product(
        ["1", "01", "31", "00"],
        ["1", "12", "13"],
        ["25", "2025", "1899"],
        ["", " 0:00", " 23:59", " 24:00", " 10"],
    ):
        values.append(f"{d}/{m}/{y}{hm}")
    rnd = random.Random(7)
    values += [
        "".join(rnd.choice("0123456789/-:. T,") for _ in range(rnd.randint(1, 19)))
        for _ in range(3000)
    ]
    return values


def test_date_fast_path_equals_format_list():
    con = duckdb.connect()
    con.execute((config.SQL_DIR / "macros.sql").read_text(encoding="utf-8"))
    con.execute(_LIST_ONLY)
    values = _date_strings()
    con.execute("CREATE TABLE v (i INTEGER, s VARCHAR)")
    con.executemany("INSERT INTO v VALUES (?, ?)", list(enumerate(values)))
    diff = con.execute(
        "SELECT s, wb_ts(s), ref_ts(s) FROM v WHERE wb_ts(s) IS DISTINCT FROM ref_ts(s) "
        "OR wb_ts0(s) IS DISTINCT FROM ref_ts0(s) LIMIT 5"
    ).fetchall()
    assert diff == []
    # The fast path is really taken for the ISLP formats and still parses them.
    got = con.execute(
        "SELECT wb_ts('01/02/2025 10:30'), wb_ts('01/02/2025'), wb_ts('03/02/24')"
    ).fetchone()
    assert [str(g) if g else None for g in got] == [
        "2025-02-01 10:30:00",
        "2025-02-01 00:00:00",
        None,
    ]


def test_cp1252_byte_check_equals_regex():
    rnd = random.Random(3)
    for size in (0, 5, 1 << 16, (1 << 16) + 3, 3 << 20):
        for _ in range(6):
            data = bytearray(rnd.choice(b"Ae\xe9\n;") for _ in range(min(size, 4096))) * max(
                1, size // 4096
            )
            if data and rnd.random() < 0.5:
                data[rnd.randrange(len(data))] = rnd.randrange(0x80, 0xA0)
            if data and rnd.random() < 0.5:
                data[rnd.randrange(len(data))] = rnd.choice([0x7F, 0xA0])
            assert _has_cp1252_only_bytes(bytes(data)) == (
                _CP1252_ONLY.search(bytes(data)) is not None
            )


def test_vectorised_line_end_scans_equal_the_plain_ones():
    """Counting "\n" and finding the first lone "\r" in pieces give what bytes.count and
    the regular expression give, wherever the bytes fall against the pieces' edges."""
    from etl.sources.tabular import _LONE_CR, _PIECE, count_newlines, first_lone_cr

    rnd = random.Random(5)
    sizes = (0, 1, 1 << 16, _PIECE - 1, _PIECE, _PIECE + 1, 2 * _PIECE + 7)
    for size in sizes:
        for _ in range(8):
            data = bytearray(rnd.choice(b"ab;\n") for _ in range(size))
            for _ in range(rnd.randrange(4)):  # "\r\n" line ends, some across a piece edge
                if size > 2:
                    at = rnd.choice([rnd.randrange(size - 1), _PIECE - 1, _PIECE - 2])
                    if 0 <= at < size - 1:
                        data[at : at + 2] = b"\r\n"
            if size and rnd.random() < 0.4:  # a lone "\r", also the last byte or on an edge
                at = rnd.choice([rnd.randrange(size), size - 1, min(size - 1, _PIECE - 1)])
                data[at] = 13
                if at + 1 < size and data[at + 1] == 10:
                    data[at + 1] = ord("a")
            blob = bytes(data)
            m = _LONE_CR.search(blob)
            assert first_lone_cr(blob) == (m.start() if m else -1)
            assert count_newlines(blob) == blob.count(b"\n")


def test_in_catalog_qualifies_only_the_given_schema():
    sql = "select * from marts.incidents i join staging.stg_x s on true join marts.poi p on true"
    out = in_catalog(sql, "target")
    assert re.findall(r"\b[a-z]+\.[a-z]+\.[a-z_]+\b", out) == [
        "target.marts.incidents",
        "target.marts.poi",
    ]
    assert "staging.stg_x" in out and "target.staging" not in out
    assert in_catalog(sql, None) == sql


def test_marts_land_in_the_warehouse_file(small_warehouse):
    """Marts are written straight into the file: it holds them, and the small raw tables."""
    names = {
        r[0]
        for r in query(
            small_warehouse, "SELECT schema_name || '.' || table_name FROM duckdb_tables()"
        )
    }
    assert {"marts.incidents", "marts.build_info", "marts.load_files", "raw.districts"} <= names
    assert not any(n.startswith("staging.") for n in names)
    # The file's marts are complete: one row per PV, at most the accepted rows of the log.
    [(n, distinct)] = query(
        small_warehouse, "SELECT count(*), count(DISTINCT pv_number) FROM marts.incidents"
    )
    [(accepted,)] = query(
        small_warehouse, "SELECT sum(rows_accepted) FROM marts.load_files WHERE kind = 'incidents'"
    )
    assert n == distinct > 0
    assert n <= accepted
    assert query(small_warehouse, "SELECT count(*) FROM marts.build_info") == [(1,)]


def test_reprojection_matches_proj_everywhere_in_belgium(monkeypatch):
    import numpy as np

    from etl import geo

    rng = np.random.default_rng(1)
    # All of Belgium's Lambert 72 extent, tile borders included, plus missing values.
    x = np.concatenate([rng.uniform(10_000, 300_000, 250_000), [50_000.0, 100_000.0, np.nan]])
    y = np.concatenate([rng.uniform(15_000, 250_000, 250_000), [150_000.0, 100_000.0, 1.0]])
    lon, lat = geo.to_wgs84(x, y)
    ref_lon, ref_lat = geo._to_wgs84().transform(x, y)
    finite = np.isfinite(x)
    # The tile polynomials give PROJ's answer to within 1e-10 degrees (about 0.01 mm).
    assert np.abs(lon - ref_lon)[finite].max() <= geo.WGS84_TOLERANCE_DEG
    assert np.abs(lat - ref_lat)[finite].max() <= geo.WGS84_TOLERANCE_DEG
    assert np.isnan(lon[~finite]).all() and np.isnan(lat[~finite]).all()
    # Points outside Belgium are no Lambert 72 points: PROJ's answer, whatever it is.
    far_x, far_y = np.array([1e300, -5e6, np.inf, 400_000.0]), np.array([1.0, 3e6, 1.0, 0.0])
    far_lon, far_lat = geo.to_wgs84(far_x, far_y)
    ref_far = geo._to_wgs84().transform(far_x, far_y)
    np.testing.assert_array_equal(far_lon, ref_far[0])
    np.testing.assert_array_equal(far_lat, ref_far[1])
    # A point's answer does not depend on the other points of the call.
    one_lon, one_lat = geo.to_wgs84(x[:1], y[:1])
    assert one_lon[0] == lon[0] and one_lat[0] == lat[0]
    # Herent's town hall area: Lambert 72 (172 000, 176 900) lies near 4.67 E, 50.90 N.
    one_lon, one_lat = geo.to_wgs84(np.array([172_000.0]), np.array([176_900.0]))
    assert 4.6 < one_lon[0] < 4.75 and 50.85 < one_lat[0] < 50.95
    # A tile whose fit misses the tolerance goes through PROJ, split over the cores.
    monkeypatch.setattr(geo, "WGS84_TOLERANCE_DEG", 0.0)
    monkeypatch.setattr(geo, "_WGS84_TILES", {})
    monkeypatch.setattr(geo, "PARALLEL_MIN_POINTS", 1000)
    lon, lat = geo.to_wgs84(x, y)
    assert np.array_equal(lon[finite], np.asarray(ref_lon)[finite])
    assert np.array_equal(lat[finite], np.asarray(ref_lat)[finite])


def test_area_grid_gives_the_exact_answer():
    import numpy as np
    import shapely

    from etl import geo

    # Touching squares, a polygon with a hole, an island in that hole, an overlap (the
    # first polygon wins) and a sliver thinner than a grid cell.
    geoms = [
        shapely.box(0, 0, 1_000, 1_000),
        shapely.box(1_000, 0, 2_000, 1_000),
        shapely.Polygon(
            [(0, 1_000), (2_000, 1_000), (2_000, 2_000), (0, 2_000)],
            holes=[[(500, 1_200), (1_500, 1_200), (1_500, 1_800), (500, 1_800)]],
        ),
        shapely.box(800, 1_400, 1_200, 1_600),
        shapely.Point(1_900, 1_900).buffer(300),
        shapely.box(-150, 100, -149.5, 1_900),
    ]
    # A diagonal sliver that passes a tenth of a cell from grid corners: it cuts cell
    # corners without holding a corner or a ring vertex. It lies within the others'
    # bounds (same grid) and comes first, so it wins.
    plain = geo.AreaGrid(geoms, cells=400)
    x0, y0, size = plain.x0, plain.y0, plain.size
    start = (x0 + 2 * size, y0 + 2.15 * size)
    sliver = shapely.LineString([start, (start[0] + 2_000, start[1] + 2_000)])
    geoms = [sliver.buffer(0.2, cap_style="flat"), *geoms]
    grid = geo.AreaGrid(geoms, cells=400)
    assert (grid.x0, grid.y0, grid.size) == (x0, y0, size)
    assert (grid.labels >= 0).any() and (grid.labels == -2).any()
    rng = np.random.default_rng(7)
    # Random points; points on borders, corners and ring vertices; inside the slivers;
    # missing ones.
    border = shapely.get_coordinates(shapely.segmentize(shapely.boundary(geoms), 10.0))
    t = np.linspace(0, 1, 20_000)
    x = np.concatenate(
        [
            rng.uniform(-200, 2_400, 300_000),
            border[:, 0],
            -149.75 + 0 * t,
            start[0] + 2_000 * t,
            [np.nan, 1_000.0],
        ]
    )
    y = np.concatenate(
        [
            rng.uniform(-200, 2_400, 300_000),
            border[:, 1],
            100 + 1_800 * t,
            start[1] + 2_000 * t,
            [5.0, np.nan],
        ]
    )
    assert np.array_equal(grid.index(x, y), geo.area_index(x, y, geoms))
    assert np.array_equal(geo.AreaGrid([]).index(x, y), np.full(len(x), -1))


#: wb_text as it was before the conditional trim, and wb_num's rule written plainly, without
#: its fast path (etl/sql/macros.sql).
_PLAIN_TEXT_NUM = r"""
CREATE OR REPLACE TEMP MACRO ref_text(s) AS nullif(trim(s), '');
CREATE OR REPLACE TEMP MACRO ref_num(s) AS list_transform(
    [regexp_replace(s, '[\s\p{Zs}]+', '', 'g')],
    lambda u: CASE
        WHEN regexp_full_match(u, '[+-]?\d{1,3}(,\d{3}){2,}(\.\d*)?')
          OR regexp_full_match(u, '[+-]?\d{1,3}(,\d{3})+\.\d*')
            THEN try_cast(replace(u, ',', '') AS DOUBLE)
        WHEN regexp_full_match(u, '[+-]?\d{1,3}(\.\d{3}){2,}(,\d*)?')
          OR regexp_full_match(u, '[+-]?\d{1,3}(\.\d{3})+,\d*')
            THEN try_cast(replace(replace(u, '.', ''), ',', '.') AS DOUBLE)
        ELSE try_cast(replace(u, ',', '.') AS DOUBLE)
    END)[1];
"""


def test_text_and_number_fast_paths_equal_plain_versions():
    con = duckdb.connect()
    con.execute((config.SQL_DIR / "macros.sql").read_text(encoding="utf-8"))
    con.execute(_PLAIN_TEXT_NUM)
    rnd = random.Random(11)
    values: list[str | None] = [
        None, "", " ", "   ", "a", " a", "a ", " a b ", "\ta\t", "172100,5", "172.100,5",
        "172 100,5", " 172100.5 ", "172100.5", "1.234.567,89", "1,2,3", ",", ".", "-5,5",
        "1e3", "abc", "12 A", "Sint-Rémi ", "\u00a0x", "1 ,234", "1 .234", "1,234 567.5",
    ]  # fmt: skip
    values += [
        "".join(rnd.choice(" 0123456789.,-eaé\t\u00a0\u202f") for _ in range(rnd.randint(0, 12)))
        for _ in range(5000)
    ]
    # Grouped digits, well and badly formed, with spaces of every kind.
    values += [
        rnd.choice(["", "-", " "])
        + rnd.choice(["1", "12", "123", "1234"])
        + "".join(
            rnd.choice([",", ".", " ", "\u00a0", "\u202f"]) + rnd.choice(["234", "23", "2345"])
            for _ in range(rnd.randint(1, 3))
        )
        + rnd.choice(["", ",5", ".5", ",", "."])
        for _ in range(5000)
    ]
    con.execute("CREATE TABLE v (s VARCHAR)")
    con.executemany("INSERT INTO v VALUES (?)", [(v,) for v in values])
    diff = con.execute(
        "SELECT s FROM v WHERE wb_text(s) IS DISTINCT FROM ref_text(s) "
        "OR wb_num(s) IS DISTINCT FROM ref_num(s)"
    ).fetchall()
    assert diff == []
    n_grouped = con.execute(
        "SELECT count(*) FROM v WHERE wb_num(s) IS NOT NULL "
        "AND try_cast(replace(s, ',', '.') AS DOUBLE) IS NULL"
    ).fetchone()[0]
    assert n_grouped > 500  # the slow path was exercised, not only the fast one


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("172100,5", 172100.5),
        ("172100.5", 172100.5),
        (" 172100,5 ", 172100.5),
        ("172.100,5", 172100.5),
        ("172 100,5", 172100.5),
        ("172\u00a0100,5", 172100.5),  # Excel's no-break space
        ("172\u202f100,5", 172100.5),  # and its narrow no-break space
        ("\u00a0172100,5\u00a0", 172100.5),
        ("172,100.5", 172100.5),  # English grouping
        ("1,234,567", 1234567.0),
        ("1.234.567", 1234567.0),
        ("-1.234,5", -1234.5),
        ("1,234", 1.234),  # one comma alone is a decimal comma
        ("1.234", 1.234),  # one point alone a decimal point
        ("1,5e3", 1500.0),
        ("172.1005,5", None),  # not groups of three: no number, not 1721005.5
        ("172.100,5.3", None),
        ("1,2,3", None),
        ("12 bus 3", None),
        ("", None),
        ("  ", None),
        (None, None),
    ],
)
def test_numbers_as_exports_write_them(text, number):
    con = macro_connection()
    assert con.execute("SELECT wb_num(?)", [text]).fetchone()[0] == number


def test_label_estimate_on_the_first_rows_never_drops_a_value(monkeypatch):
    """Large relations are first estimated on their first rows: a column already too varied
    there is no label, every other one is decided on all rows (values that only occur
    late are kept; a column that only grows varied late is still refused)."""
    from etl import labels as lab

    # 10,000 rows: a label has at most 1,250 values; the first 2,000 rows are estimated.
    monkeypatch.setattr(lab, "_ESTIMATE_ROWS", 2_000)
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE src AS SELECT 'PV' || i::VARCHAR AS id, "
        "CASE WHEN i < 9000 THEN ['a', 'b'][i % 2 + 1] ELSE 'late' END AS status, "
        "CASE WHEN i < 1000 THEN 'x' ELSE 'free text ' || i::VARCHAR END AS remark "
        "FROM range(10000) r(i)"
    )
    queries: list[str] = []

    class Spy:
        def execute(self, sql, *args):
            queries.append(sql)
            return con.execute(sql, *args)

    found = lab.distinct_labels(Spy(), "src", {"id": "id", "status": "status", "remark": "remark"})
    assert found == {"id": None, "status": ["a", "b", "late"], "remark": None}
    # 'id' (2,000 values in the first rows) was left out of the exact pass; 'remark' (1,001
    # there) was not, and the exact pass refused it.
    exact = [q for q in queries if "list(DISTINCT" in q]
    assert len(exact) == 1 and "remark" in exact[0] and "id)" not in exact[0]


def test_repetitive_text_becomes_a_sorted_enum_that_behaves_as_text(tmp_path):
    import pandas as pd

    from dashboard.queries._db import plain_text
    from etl.labels import distinct_labels, enum_sql

    con = duckdb.connect()
    con.execute(f"ATTACH '{(tmp_path / 'w.duckdb').as_posix()}' AS target")
    # 'wijk': few values incl. a quote, accents and NULL; 'id': one value per row.
    con.execute(
        "CREATE TABLE src AS SELECT i AS n, 'PV' || i::VARCHAR AS id, "
        "CASE i % 5 WHEN 0 THEN 'Zuid' WHEN 1 THEN 'O''Brien' WHEN 2 THEN 'Éverberg' "
        "WHEN 3 THEN 'alfa' END AS wijk FROM range(1000) r(i)"
    )
    labels = distinct_labels(con, "src", {"id": "id", "wijk": "wijk"})
    assert labels["id"] is None
    con.execute(
        f"CREATE TABLE target.main.t AS SELECT n, id, wijk::{enum_sql(labels['wijk'])} AS wijk "
        "FROM src"
    )
    types = dict(
        con.execute("SELECT column_name, column_type FROM (DESCRIBE target.main.t)").fetchall()
    )
    assert types["id"] == "VARCHAR" and types["wijk"].startswith("ENUM(")
    assert types["n"] == "BIGINT"
    # Same rows, same order under ORDER BY, same answers to comparisons as the text.
    assert (
        con.execute("SELECT n, id, wijk::VARCHAR FROM target.main.t ORDER BY wijk, n").fetchall()
        == con.execute("SELECT n, id, wijk FROM src ORDER BY wijk, n").fetchall()
    )
    assert (
        con.execute(
            "SELECT count(*) FILTER (WHERE wijk = 'alfa'), count(*) FILTER (WHERE wijk = 'onbekend'), "
            "count(*) FILTER (WHERE wijk > 'P'), min(wijk), max(wijk) FROM target.main.t"
        ).fetchone()
        == con.execute(
            "SELECT count(*) FILTER (WHERE wijk = 'alfa'), count(*) FILTER (WHERE wijk = 'onbekend'), "
            "count(*) FILTER (WHERE wijk > 'P'), min(wijk), max(wijk) FROM src"
        ).fetchone()
    )
    # The dashboard gets plain strings (and None), not a categorical.
    df = plain_text(con.execute("SELECT wijk FROM target.main.t ORDER BY n LIMIT 5").df())
    assert df["wijk"].dtype == object
    assert df["wijk"].tolist() == ["Zuid", "O'Brien", "Éverberg", "alfa", None]
    assert not isinstance(df["wijk"].dtype, pd.CategoricalDtype)


def test_parallel_csv_read_numbers_rows_by_file_line(tmp_path):
    """A file large enough for DuckDB to read it with several threads keeps its line numbers."""
    from etl.sources.mapping import load_mappings
    from etl.sources.tabular import load_tabular_kind

    n = 400_000
    lines = ["PV-nummer;Datum feit;Categorie;X;Y"]
    lines += [
        f"PV{i + 2:07d};01/01/2025 10:00;Diefstal met een wat langere omschrijving;1;2"
        for i in range(n)
    ]
    path = tmp_path / "raw" / "incidents" / "big.csv"
    path.parent.mkdir(parents=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert path.stat().st_size > 20_000_000  # several of DuckDB's CSV buffers
    con = duckdb.connect()
    con.execute("SET threads = 4")
    con.execute("CREATE SCHEMA raw")
    mappings = load_mappings()
    load_tabular_kind(
        con, "incidents", [path], mappings["incidents"], tmp_path / "raw", tmp_path, mappings
    )
    # Each PV number carries its own line number.
    assert con.execute(
        "SELECT count(*), count(*) FILTER (WHERE pv_number <> printf('PV%07d', source_row)) "
        "FROM raw.incidents"
    ).fetchone() == (n, 0)


def test_locating_in_slices_equals_one_pass(monkeypatch, tmp_path, small_warehouse):
    from etl_helpers import RAW_SMALL, build

    from etl import build as build_module

    monkeypatch.setattr(build_module, "LOCATE_CHUNK", 2)
    sliced = tmp_path / "sliced.duckdb"
    build(RAW_SMALL, sliced)
    for mart, key in [
        ("incidents", "pv_number"),
        ("accidents", "accident_id"),
        ("nuisance", "report_id"),
    ]:
        cols = f"{key}, x, y, lon, lat, wijk_code, h3_cell, location_status, location_note"
        sql = f"SELECT {cols} FROM marts.{mart} ORDER BY ALL"
        assert query(sliced, sql) == query(small_warehouse, sql)
    [(pairs,)] = query(sliced, "SELECT count(DISTINCT (x, y)) FROM marts.incidents")
    assert pairs > 2  # so the build really located in several slices


def assert_same_marts(built: Path, expected: Path) -> None:
    """Every mart of ``built`` holds the rows of the one in ``expected``."""
    marts = [
        t
        for (t,) in query(
            expected,
            "SELECT table_name FROM duckdb_tables() "
            "WHERE schema_name = 'marts' AND table_name <> 'build_info'",
        )
    ]
    assert len(marts) > 10
    for mart in marts:
        # The files are stamped with the build's start: the one column that differs.
        every = "* EXCLUDE (loaded_at)" if mart == "load_files" else "*"
        sql = f"SELECT {every} FROM marts.{mart} ORDER BY ALL"
        assert query(built, sql) == query(expected, sql), mart


@pytest.mark.parametrize("memory", ["400MB", "6GB"])
def test_a_zone_memory_setting_builds_the_same_warehouse(
    monkeypatch, tmp_path, small_warehouse, memory
):
    """WIJKBEELD_BUILD_MEMORY sets the build's memory limit and the memory DuckDB keeps for
    its blocks (block_allocator_memory): a small and a large setting give the same marts."""
    from etl_helpers import RAW_SMALL, build

    monkeypatch.setenv("WIJKBEELD_BUILD_MEMORY", memory)
    built = tmp_path / "memory.duckdb"
    build(RAW_SMALL, built)
    assert_same_marts(built, small_warehouse)


def test_large_exports_built_in_a_compressed_database_give_the_same_warehouse(
    monkeypatch, tmp_path, small_warehouse
):
    """Exports too large for the build's memory uncompressed are built in a compressed
    in-memory database: same marts, and the debugging copy of the layers still has them."""
    from etl_helpers import RAW_SMALL, build

    from etl import build as build_module

    monkeypatch.setattr(build_module, "COMPRESS_SHARE", 0.0)
    folders: list[tuple[str, int]] = []
    run_folder = build_module.run_sql_folder

    geocode_deps: dict[str, set[str]] = {}

    def spy(con, folder, *args, **kwargs):
        folders.append((folder.name, kwargs.get("workers", 1)))
        if folder.name == "staging":
            deps = kwargs.get("extra_deps") or {}
            geocode_deps.update({k: v for k, v in deps.items() if k.startswith("geocode.")})
        return run_folder(con, folder, *args, **kwargs)

    monkeypatch.setattr(build_module, "run_sql_folder", spy)
    run_models = build_module._run_models

    def spy_models(con, locate_jobs, checks, check_deps, timings, workers, *args):
        # The located records, the intermediate models, the marts and the checks: one set.
        folders.append(("marts", workers))
        return run_models(con, locate_jobs, checks, check_deps, timings, workers, *args)

    monkeypatch.setattr(build_module, "_run_models", spy_models)
    compressed = tmp_path / "compressed.duckdb"
    build(RAW_SMALL, compressed)
    assert_same_marts(compressed, small_warehouse)
    # One export read and staged at a time (side by side they spilled); the marts still
    # run side by side.
    assert ("staging", 1) in folders
    assert ("marts", build_module.MODEL_WORKERS) in folders or (os.cpu_count() or 1) < 2
    # Geocoding's first large commit compresses the layers: a step after all the staging
    # (the marts above are the same, so the records were geocoded).
    assert geocode_deps == {}
    monkeypatch.setenv("WIJKBEELD_KEEP_LAYERS", "1")
    build(RAW_SMALL, compressed)
    kept = query(
        compressed,
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'raw' "
        "AND table_name LIKE '\\_csv\\_incidents\\_%' ESCAPE '\\'",
    )
    assert kept[0][0] >= 1
    # The typed layers are kept too: every incident of the mart has its staged row.
    [(staged,)] = query(
        compressed, "SELECT count(*) FROM staging.stg_islp__incidents WHERE reject_reason IS NULL"
    )
    [(in_mart,)] = query(compressed, "SELECT count(*) FROM marts.incidents")
    assert staged >= in_mart > 0


def test_models_run_side_by_side_in_dependency_order(tmp_path):
    """Two connections run a folder's models; each starts only after the models it reads
    (a model read before it exists would fail the build)."""
    import pytest

    from etl.build import BuildError, run_sql_folder

    folder = tmp_path / "staging"
    folder.mkdir()
    (folder / "a.sql").write_text("select wb_one() as v", encoding="utf-8")
    (folder / "b.sql").write_text("select v + 1 as v from staging.a", encoding="utf-8")
    (folder / "c.sql").write_text("select 10 as v", encoding="utf-8")
    (folder / "d.sql").write_text(
        "select b.v + c.v as v from staging.b, staging.c", encoding="utf-8"
    )
    con = duckdb.connect()
    con.execute("CREATE SCHEMA staging")
    macro = "CREATE OR REPLACE TEMP MACRO wb_one() AS 1"
    con.execute(macro)
    timings: dict[str, float] = {}
    created = run_sql_folder(con, folder, timings, workers=2, session_sql=macro)
    assert created == ["staging.a", "staging.b", "staging.c", "staging.d"]
    assert con.execute("SELECT v FROM staging.d").fetchone() == (12,)
    assert set(timings) == set(created)
    (folder / "e.sql").write_text("select * from staging.missing", encoding="utf-8")
    with pytest.raises(BuildError, match="e.sql"):
        run_sql_folder(con, folder, workers=2, session_sql=macro)


def test_jobs_raise_the_first_failure_in_job_order_whatever_the_timing():
    """Reading, labelling and staging run as jobs on two connections; when two fail,
    the error reported is the one of the earlier job, and nothing starts after a failure."""
    import time

    import pytest

    from etl.build import run_jobs

    ran: list[str] = []

    def slow_failure(cur):
        time.sleep(0.3)
        raise ValueError("a")

    def quick_failure(cur):
        raise ValueError("b")

    jobs = {"a": slow_failure, "b": quick_failure, "c": lambda cur: ran.append("c")}
    for workers in (1, 2):
        with pytest.raises(ValueError, match="^a$"):
            run_jobs(duckdb.connect(), jobs, {}, workers=workers)
    assert ran == []  # "c" never started: "b" failed before a connection was free
    # Dependencies hold: "y" runs after "x", on whichever connection.
    order: list[str] = []
    jobs = {"y": lambda cur: order.append("y"), "x": lambda cur: order.append("x")}
    run_jobs(duckdb.connect(), jobs, {"y": {"x"}}, workers=2)
    assert order == ["x", "y"]


def test_the_ready_job_with_the_most_work_starts_first():
    """Of the jobs that are ready, the one that starts the most work goes first (ties in
    job order), so the largest export is read and staged first and a long query does not
    run alone at the end of a step."""
    from etl.build import run_jobs

    order: list[str] = []
    jobs = {
        name: (lambda cur, name=name: order.append(name))
        for name in ("read.small", "read.large", "read.mid", "stg.large", "stg.small", "other")
    }
    deps = {"stg.large": {"read.large"}, "stg.small": {"read.small"}}
    work = {"read.small": 2, "read.large": 20, "read.mid": 6, "stg.large": 10, "stg.small": 1}
    run_jobs(duckdb.connect(), jobs, deps, workers=1, priority=work)
    # stg.large (10) is ready after read.large and outranks read.mid (6); "other" has no
    # work and waits for everything else.
    assert order == ["read.large", "stg.large", "read.mid", "read.small", "stg.small", "other"]
    order.clear()
    run_jobs(duckdb.connect(), jobs, deps, workers=1)  # without priorities: job order
    assert order == ["read.small", "read.large", "read.mid", "stg.large", "stg.small", "other"]


def test_after_a_failure_the_jobs_before_it_in_job_order_still_run():
    """A model that goes first for its size and fails does not keep a read listed before
    it from running: a file that cannot be read is reported as such."""
    from etl.build import run_jobs

    ran: list[str] = []

    def bad_read(cur):
        ran.append("read")
        raise ValueError("read")

    def bad_model(cur):
        ran.append("model")
        raise ValueError("model")

    jobs = {"read": bad_read, "model": bad_model, "later": lambda cur: ran.append("later")}
    for workers in (1, 2):
        ran.clear()
        with pytest.raises(ValueError, match="^read$"):
            run_jobs(duckdb.connect(), jobs, {}, workers=workers, priority={"model": 5})
        assert sorted(ran) == ["model", "read"]  # "later" never started


def test_work_estimates_follow_the_exports_sizes(tmp_path):
    """A kind's work is the size of its files (a workbook's counts more); a staging model
    carries the kinds it reads, a mart the kinds of the per-record views it reads."""
    from etl.build import SPREADSHEET_WORK, export_work, model_work

    (tmp_path / "feiten.csv").write_bytes(b"x" * 1000)
    (tmp_path / "taken.xlsx").write_bytes(b"x" * 100)
    work = export_work({"incidents": [tmp_path / "feiten.csv"], "tasks": [tmp_path / "taken.xlsx"]})
    assert work["incidents"] == 1000
    assert work["tasks"] == 100 * SPREADSHEET_WORK
    assert work["accidents"] == 0
    staging = model_work(config.SQL_DIR / "staging", work)
    assert staging["stg_islp__incidents"] == 1000
    assert staging["stg_islp__tasks"] == 100 * SPREADSHEET_WORK
    marts = model_work(config.SQL_DIR / "marts", work)
    assert marts["incidents"] == 1000
    assert marts["tasks"] == 100 * SPREADSHEET_WORK
    assert marts["hex_counts"] == 0  # reads marts, not records: it waits for them anyway


def test_a_jobs_priority_is_the_longest_chain_of_work_it_starts():
    """A short job that a long one waits for goes before a job of middling work."""
    from etl.build import chain_work

    work = {"victims": 1, "accidents": 6, "nuisance": 5, "read": 3, "stg": 3}
    deps = {"accidents": {"victims"}, "stg": {"read", "boundaries"}, "check": {"accidents"}}
    chains = chain_work(work, deps)
    assert chains["victims"] == 7  # 1 + accidents' 6
    assert chains["accidents"] == 6 and chains["nuisance"] == 5
    assert chains["read"] == 6 and chains["boundaries"] == 3 and chains["check"] == 0
    # A cycle (which run_jobs then refuses) does not recurse for ever.
    assert set(chain_work({"a": 1, "b": 2}, {"a": {"b"}, "b": {"a"}})) == {"a", "b"}


def test_small_tables_are_inserted_with_every_value_intact():
    """The zone's tables are written in a few statements with their values as literals;
    every value comes back as given, and a value without a literal goes as a parameter."""
    import math
    from datetime import date, datetime

    from etl.build import insert_rows, sql_literal

    con = duckdb.connect()
    con.execute("CREATE TABLE t (s VARCHAR, i BIGINT, f DOUBLE, b BOOLEAN, d DATE, ts TIMESTAMP)")
    rows = [
        ("O'Brien; -- ? \\ é", 12, 1.5, True, date(2024, 2, 29), datetime(2024, 3, 1, 8, 5, 7, 12)),
        (None, None, float("inf"), False, None, None),
        ("nul\x00teken", -3, -0.25, None, date(1900, 1, 1), datetime(2000, 1, 1)),
    ] + [(f"rij {i}", i, i / 3, None, None, None) for i in range(1200)]
    insert_rows(con, "t", rows)
    back = con.execute("SELECT * FROM t ORDER BY rowid").fetchall()
    assert len(back) == len(rows)
    assert back[0] == rows[0]
    assert back[1][:2] == (None, None) and math.isinf(back[1][2]) and back[1][3] is False
    assert back[2] == rows[2]  # text with a NUL character: sent as a parameter
    assert back[3:] == rows[3:]
    assert sql_literal("a\x00b") is None and sql_literal(object()) is None
    # numpy's numbers (an area from shapely, a count from pandas) as plain literals.
    import numpy as np

    assert sql_literal(np.float64(0.1)) == "0.1" and sql_literal(np.int64(3)) == "3"
    insert_rows(con, "t", [("np", np.int64(7), np.float64(2.5), None, None, None)])
    assert con.execute("SELECT i, f FROM t WHERE s = 'np'").fetchall() == [(7, 2.5)]
    insert_rows(con, "t", [])  # nothing to insert: no statement


def test_jobs_side_by_side_share_the_cores_and_the_setting_comes_back():
    """Two queries at a time get DuckDB's threads between them (each connection works in
    its own thread as well), one alone gets them all, and the setting is restored."""
    import threading

    from etl.build import run_jobs

    con = duckdb.connect()
    con.execute("SET threads = 4")
    both = threading.Barrier(2, timeout=10)
    seen: dict[str, int] = {}

    def side_by_side(name):
        def run(cur):
            both.wait()  # both jobs are running now
            seen[name] = cur.execute("SELECT current_setting('threads')").fetchone()[0]
            both.wait()  # neither finishes before the other has looked

        return run

    def alone(cur):
        seen["alone"] = cur.execute("SELECT current_setting('threads')").fetchone()[0]

    jobs = {"a": side_by_side("a"), "b": side_by_side("b"), "c": alone}
    run_jobs(con, jobs, {"c": {"a", "b"}}, workers=2)
    # Four cores, two queries: 3 background threads + 2 calling threads would be 5;
    # 2 background + 2 calling are 4.
    assert seen == {"a": 3, "b": 3, "alone": 4}
    assert con.execute("SELECT current_setting('threads')").fetchone()[0] == 4
    # One connection: the job runs on it, with the setting as it is.
    con.execute("SET threads = 2")
    run_jobs(con, {"c": alone}, {}, workers=1)
    assert seen["alone"] == 2


def test_streaming_sniff_equals_reading_the_whole_file(tmp_path, monkeypatch):
    """Block-by-block sniffing gives what reading the file at once gives, for every encoding."""
    from etl.sources import tabular

    monkeypatch.setattr(tabular, "SCAN_BLOCK", 7)  # blocks split lines and characters
    body = "Straat;Gemeente\nOnze-Lieve-Vrouwstraat;Sint-Rémi\nÉgide-laan;Herent\n"
    samples = {
        "utf8.csv": body.encode("utf-8"),
        "bom.csv": b"\xef\xbb\xbf" + body.encode("utf-8"),
        "latin.csv": body.encode("cp1252"),  # no 0x80-0x9F: DuckDB reads it as latin-1
        "cp1252.csv": (body + "Kerk\u2019s;\u20ac\n").encode("cp1252"),  # needs transcoding
        "undefined.csv": body.encode("cp1252") + b"x\x81;y\n",  # falls back to latin-1
        # A Windows-1252 character blocks before an undefined byte: still latin-1.
        "both.csv": (body + "\u20ac;x\n").encode("cp1252")
        + body.encode("cp1252")[16:]
        + b"\x81;y\n",
    }
    for name, data in samples.items():
        path = tmp_path / name
        path.write_bytes(data)
        streamed = tabular._sniff_streaming(path, tmp_path)
        whole = tabular.sniff_text_file(path, tmp_path, data=data)
        assert streamed is not None, name
        assert (streamed.encoding, streamed.duckdb_encoding, streamed.delimiter) == (
            whole.encoding,
            whole.duckdb_encoding,
            whole.delimiter,
        ), name
        assert streamed.headers == whole.headers == ["Straat", "Gemeente"], name
        read = lambda f: f.path.read_bytes().decode(  # noqa: E731
            "latin-1" if f.duckdb_encoding == "latin-1" else "utf-8"
        )
        assert read(streamed) == read(whole), name
    quoted = tmp_path / "quoted.csv"
    quoted.write_bytes(b'a;b\n"x;y";z\n')
    assert tabular._sniff_streaming(quoted, tmp_path) is None  # quotes: the in-memory path


def test_blocks_of_a_file_are_its_bytes(tmp_path):
    """read_blocks reuses one buffer: joined as they come, the blocks are the file, for
    files shorter than, equal to and longer than a block, and an empty one."""
    from etl.sources.tabular import read_blocks

    for n in (0, 1, 6, 7, 8, 20, 21):
        path = tmp_path / f"{n}.bin"
        data = bytes(range(256))[:n] if n <= 256 else b""
        path.write_bytes(data)
        blocks = [bytes(b) for b in read_blocks(path, 7)]
        assert b"".join(blocks) == data, n
        assert all(len(b) == 7 for b in blocks[:-1]), n


def test_row_hash_ignores_surrounding_spaces_only():
    """Kinds without a key are identified by a hash of their trimmed fields: the fast path
    for plain ASCII fields gives what trim() gives, for ASCII and accented text alike."""
    from etl.sources.mapping import KindMapping
    from etl.sources.tabular import _SOURCE_FILE_TYPE, _select_sql

    con = duckdb.connect()
    rows = ["a", " a ", "a\t", "é", " é", "Sint-Rémi\u00a0", "Sint-Rémi", None, ""]
    con.execute("CREATE TABLE t AS SELECT unnest(?::VARCHAR[]) AS c0, 'x' AS c1", [rows])
    sql = _select_sql(
        "poi", KindMapping("poi", {"a": ["a"]}), {"a": 0}, 2, "t", "rowid + 2", "f", 1
    ).replace(_SOURCE_FILE_TYPE, "VARCHAR")
    got = [
        h for (h,) in con.execute(f"SELECT row_hash FROM ({sql}) ORDER BY source_row").fetchall()
    ]
    want = [
        h
        for (h,) in con.execute(
            "SELECT md5(concat_ws(chr(31), coalesce(trim(c0), ''), coalesce(trim(c1), ''))) "
            "FROM t ORDER BY rowid"
        ).fetchall()
    ]
    assert got == want
    assert got[0] == got[1] != got[2] and got[3] == got[4] and got[5] == got[6]
    assert got[7] == got[8]  # missing and empty are the same (no value)


def test_exports_as_read_are_dropped_after_their_staging_model(tmp_path):
    from etl.build import _drop_read_exports

    con = duckdb.connect()
    con.execute("CREATE SCHEMA raw")
    for table in ("_csv_incidents_1", "_csv_incidents_7", "_xlsx_incidents_2", "_csv_accidents_3"):
        con.execute(f"CREATE TABLE raw.{table} AS SELECT 1 AS c0")
    model = tmp_path / "stg_islp__incidents.sql"
    model.write_text("select * from raw.incidents cross join raw.build_params", encoding="utf-8")
    _drop_read_exports(con, model)
    left = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert left == {"_csv_accidents_3"}


def _raw_incidents(con: duckdb.DuckDBPyConnection, n: int = 400, empty: tuple = ()) -> None:
    """A raw.incidents view as the reader makes it: text columns, surplus fields, file, row,
    load order.

    ``empty``: further fields the export does not give (NULL text).
    """
    con.execute("CREATE SCHEMA raw")
    nulls = "".join(f"CAST(NULL AS VARCHAR) AS {f}, " for f in empty)
    con.execute(
        "CREATE VIEW raw.incidents AS SELECT "
        "'PV/' || i::VARCHAR AS pv_number, "
        "CASE i % 4 WHEN 0 THEN ' Diefstal ' WHEN 1 THEN 'Diefstal' WHEN 2 THEN 'Vandalisme' END AS category, "
        "CASE i % 3 WHEN 0 THEN 'Onze-Lieve-Vrouwstraat' WHEN 1 THEN 'Rue d''Égide' ELSE '' END AS street, "
        "CASE WHEN i % 7 = 0 THEN 'geen datum' ELSE '0' || (1 + i % 9)::VARCHAR || '/03/2025 10:00' END AS occurred_from, "
        "CASE WHEN i % 5 = 0 THEN '' ELSE (170000 + i)::VARCHAR || ',5' END AS x, "
        "(175000 + i)::VARCHAR AS y, "
        f"{nulls}CAST(NULL AS {ROW_FAULT_TYPE}) AS row_fault, "
        "'file.csv' AS source_file, i + 2 AS source_row, 1 AS load_order "
        f"FROM range({int(n)}) r(i)"
    )


def test_label_types_are_sorted_enums_of_the_cleaned_text_and_identifiers_stay_text():
    from etl.labels import define_label_types

    con = duckdb.connect()
    con.execute((config.SQL_DIR / "macros.sql").read_text(encoding="utf-8"))
    _raw_incidents(con)
    made = define_label_types(
        con,
        [
            "select cast(wb_text(category) as label_incidents__category), "
            "cast(wb_text(street) as label_incidents__street), "
            "cast(wb_text(pv_number) as label_incidents__pv_number) from raw.incidents"
        ],
    )
    # Trimmed and without the empty text: the values wb_text gives, in sorted order.
    assert made == {
        "label_incidents__category": 2,
        "label_incidents__street": 2,
        "label_incidents__pv_number": None,
    }
    types = dict(
        con.execute(
            "SELECT type_name, logical_type FROM duckdb_types() WHERE type_name LIKE 'label_%'"
        ).fetchall()
    )
    assert types["label_incidents__pv_number"] == "VARCHAR"
    got = con.execute(
        "SELECT enum_range(NULL::label_incidents__category), enum_range(NULL::label_incidents__street)"
    ).fetchone()
    assert got == (["Diefstal", "Vandalisme"], ["Onze-Lieve-Vrouwstraat", "Rue d'Égide"])


def test_staging_with_label_types_gives_the_rows_of_plain_text():
    """With its label and vocabulary casts or without, the staging model gives the same rows.

    As prepared for a build: the clean street column is cast without the per-row trim
    test, the category (" Diefstal ") keeps it.
    """
    from etl.labels import prepare_labels, vocabulary_types

    sql = (config.SQL_DIR / "staging" / "stg_islp__incidents.sql").read_text(encoding="utf-8")
    given = {"pv_number", "category", "street", "occurred_from", "x", "y"}
    con = duckdb.connect()
    con.execute((config.SQL_DIR / "macros.sql").read_text(encoding="utf-8"))
    # The raw columns the model's macros take (wb_text(category), and the point column of
    # wb_x(x, xy)).
    args = set(re.findall(r"wb_\w+\((\w+)\)", sql)) | set(re.findall(r"wb_[xy]\(\w+, (\w+)\)", sql))
    _raw_incidents(con, empty=tuple(sorted(args - given)))
    create_build_params(con, {}, datetime(2026, 1, 1, 12, 0))
    vocabulary_types(con, areas=False)
    prepared = prepare_labels(con, sql)
    assert "cast(nullif(street, '') as label_incidents__street)" in prepared
    assert "cast(wb_text(category) as label_incidents__category)" in prepared
    assert con.execute("SELECT len(enum_range(NULL::label_incidents__category))").fetchone() == (2,)
    plain = re.sub(r"cast\((wb_text\(\w+\)) as label_\w+\)", r"\1", sql)
    plain = re.sub(r"cast\((.*?) as wb_geocode_method\)", r"\1", plain)
    assert "label_" not in plain and "wb_geocode_method" not in plain
    labelled = con.execute(f"SELECT * FROM ({prepared}) ORDER BY source_row").df()
    text = con.execute(f"SELECT * FROM ({plain}) ORDER BY source_row").df()
    assert str(labelled["category"].dtype) == "category"
    assert labelled["reject_reason"].notna().any() and labelled["geocode_method"].notna().any()
    as_text = labelled.astype(object).where(labelled.notna(), None)
    assert as_text.equals(text.astype(object).where(text.notna(), None))


@pytest.mark.parametrize(
    ("values", "verbatim"),
    [
        (["Diefstal", "Vandalisme", "", None], True),
        (["Rue d'Égide", "Sint-Rémi"], True),  # accents, no spaces: their own trim
        (["Diefstal", "Diefstal "], False),
        ([" Diefstal", "Vandalisme"], False),
        (["Diefstal\u00a0", "Vandalisme"], False),  # a no-break space is trimmed too
        (["a\tb", "Vandalisme"], True),  # wb_text keeps an inner (or ASCII-only) tab
    ],
)
def test_label_cast_skips_the_trim_test_only_when_every_value_is_clean(values, verbatim):
    from etl.labels import prepare_labels

    con = duckdb.connect()
    con.execute((config.SQL_DIR / "macros.sql").read_text(encoding="utf-8"))
    con.execute("CREATE SCHEMA raw")
    con.execute("CREATE TABLE given AS SELECT unnest(?::VARCHAR[]) AS v", [values])
    con.execute("CREATE VIEW raw.k AS SELECT v AS f FROM given, range(20)")
    sql = "select cast(wb_text(f) as label_k__f) as f from raw.k"
    prepared = prepare_labels(con, sql)
    assert (prepared != sql) is verbatim
    if verbatim:
        assert prepared == "select cast(nullif(f, '') as label_k__f) as f from raw.k"
    # Either way the same values as the trim test gives.
    expected = con.execute("SELECT wb_text(f) FROM raw.k ORDER BY ALL").fetchall()
    got = con.execute(f"SELECT f::VARCHAR FROM ({prepared}) ORDER BY ALL").fetchall()
    assert got == expected


def test_label_cast_keeps_the_trim_test_for_another_field_or_a_text_alias():
    from etl.labels import prepare_labels

    con = duckdb.connect()
    con.execute((config.SQL_DIR / "macros.sql").read_text(encoding="utf-8"))
    con.execute("CREATE SCHEMA raw")
    con.execute(
        "CREATE VIEW raw.k AS SELECT 'A' || (i % 3)::VARCHAR AS f, i::VARCHAR AS id, "
        "'B' AS g FROM range(100) r(i)"
    )
    # id has a value per row (a text alias); g is clean, but the cast reads another field.
    sql = (
        "select cast(wb_text(id) as label_k__id), cast(wb_text(f) as label_k__g), "
        "cast(wb_text(g) as label_k__g) from raw.k"
    )
    prepared = prepare_labels(con, sql)
    assert prepared == (
        "select cast(wb_text(id) as label_k__id), cast(wb_text(f) as label_k__g), "
        "cast(nullif(g, '') as label_k__g) from raw.k"
    )


def test_source_file_is_an_enum_of_the_kinds_file_names(tmp_path):
    from etl.sources.mapping import load_mappings
    from etl.sources.tabular import load_tabular_kind

    raw = tmp_path / "raw"
    (raw / "incidents").mkdir(parents=True)
    header = "PV-nummer;Datum feit;Categorie;X;Y\n"
    (raw / "incidents" / "b_2025.csv").write_text(header + "PV/1;01/01/2025;Diefstal;1;2\n")
    (raw / "incidents" / "a_2024.csv").write_text(header + "PV/2;01/01/2024;Diefstal;1;2\n")
    files = sorted((raw / "incidents").glob("*.csv"))
    con = duckdb.connect()
    con.execute("CREATE SCHEMA raw")
    mappings = load_mappings()
    load_tabular_kind(con, "incidents", files, mappings["incidents"], raw, tmp_path, mappings)
    kind, values = con.execute(
        "SELECT typeof(any_value(source_file)), list(source_file::VARCHAR ORDER BY source_file) "
        "FROM raw.incidents"
    ).fetchone()
    assert kind.startswith("ENUM(")
    assert values == ["incidents/a_2024.csv", "incidents/b_2025.csv"]


def test_marts_carry_labels_and_vocabularies_as_enums(demo_warehouse):
    from dashboard.queries._db import query as dashboard_query
    from dashboard.queries._db import warehouse_version

    # Through the dashboard's own connection: this process may already hold one to the file.
    frame = dashboard_query(
        warehouse_version(demo_warehouse),
        "SELECT column_name, data_type FROM duckdb_columns() "
        "WHERE schema_name = 'marts' AND table_name = 'incidents'",
    )
    types = dict(zip(frame["column_name"], frame["data_type"], strict=True))
    for column in ("category", "street", "status", "wijk_code", "wijk_name", "nis_code",
                   "municipality_name", "location_status", "location_note", "geocode_method",
                   "source_file"):  # fmt: skip
        assert types[column].startswith("ENUM("), (column, types[column])
    assert types["pv_number"] == "VARCHAR"


def test_files_are_stamped_in_the_zones_local_time(small_warehouse):
    """loaded_at and built_at: one clock, the zone's."""
    (gap,) = query(
        small_warehouse,
        "SELECT date_diff('second', max(l.loaded_at), any_value(b.built_at)) "
        "FROM marts.load_files l, marts.build_info b",
    )[0]
    assert 0 <= gap < 600


def test_each_file_says_when_it_was_written(tmp_path):
    """The Data page listed every file "Ingelezen op" the build's own start (every build
    reads every file again), which says nothing; when an export was made, copied in or
    uploaded does (a nuisance register last delivered in spring). marts.load_files keeps
    each file's modification time in the zone's local time, also across a change of summer
    time; a sheet or zip member takes its file's."""
    import os
    from datetime import UTC, datetime

    from etl_helpers import INCIDENT_HEADER, build, mini_raw

    raw = mini_raw(tmp_path, {"incidents/a.csv": INCIDENT_HEADER + "\n",
                              "incidents/b.csv": INCIDENT_HEADER + "\r\n"})  # fmt: skip
    winter = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)  # 10:30 in Brussels
    summer = datetime(2026, 7, 15, 9, 30, tzinfo=UTC)  # 11:30 in Brussels
    os.utime(raw / "incidents" / "a.csv", (winter.timestamp(), winter.timestamp()))
    os.utime(raw / "incidents" / "b.csv", (summer.timestamp(), summer.timestamp()))
    wh = tmp_path / "wh.duckdb"
    build(raw, wh)
    got = dict(
        query(
            wh,
            "SELECT source_file, file_modified_at::VARCHAR FROM marts.load_files "
            "WHERE kind = 'incidents'",
        )
    )
    assert got == {
        "incidents/a.csv": "2026-01-15 10:30:00",
        "incidents/b.csv": "2026-07-15 11:30:00",
    }
    from etl.build import file_modified_at
    from etl.config import zone_timezone

    tz = zone_timezone({})
    assert file_modified_at(raw, "incidents/a.csv!Blad2", tz) == datetime(2026, 1, 15, 10, 30)
    assert file_modified_at(raw, "incidents/weg.csv", tz) is None


def test_records_are_geocoded_among_the_staging_models(monkeypatch, tmp_path, small_warehouse):
    """Each kind's records are geocoded by a job among the reads and staging models, as soon
    as its own table and the address list are staged; the address tables the jobs share are
    gone afterwards, also from the debugging copy of the layers."""
    from etl_helpers import RAW_SMALL, ZONE_SMALL, build, build_warehouse, mini_raw

    from etl import build as build_module

    seen: dict[str, object] = {}
    run_folder = build_module.run_sql_folder

    def spy(con, folder, *args, **kwargs):
        if folder.name == "staging":
            seen["jobs"] = set(kwargs.get("after_jobs") or {})
            seen["deps"] = dict(kwargs.get("extra_deps") or {})
        return run_folder(con, folder, *args, **kwargs)

    monkeypatch.setattr(build_module, "run_sql_folder", spy)
    warehouse = tmp_path / "small.duckdb"
    result = build(RAW_SMALL, warehouse)
    kinds = {"stg_islp__incidents", "stg_islp__tasks", "stg_register__nuisance"}
    assert {f"geocode.{k}" for k in kinds} | {"geocode.addresses"} <= seen["jobs"]
    assert "stg_zone__addresses" in seen["deps"]["geocode.addresses"]
    for kind in kinds:
        assert {kind, "geocode.addresses"} <= seen["deps"][f"geocode.{kind}"]
        assert f"geocode.{kind}" in result["timings"]
    assert_same_marts(warehouse, small_warehouse)

    monkeypatch.setenv("WIJKBEELD_KEEP_LAYERS", "1")
    raw = mini_raw(
        tmp_path,
        {
            "incidents/f.csv": "PV-nummer;Datum feit;Straat;Huisnr;X;Y\r\n"
            "G1;03/02/2024 10:00;Kerkstraat;12;;\r\n",
            "addresses/adressen.csv": "Straatnaam;Huisnummer;X;Y\r\nKerkstraat;12;171010;177010\r\n",
        },
    )
    leftover = (
        "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'wb\\_geocode%' ESCAPE '\\'"
    )
    # Also in the compressed database of large exports, where geocoding follows the staging.
    for share in (build_module.COMPRESS_SHARE, 0.0):
        monkeypatch.setattr(build_module, "COMPRESS_SHARE", share)
        kept = tmp_path / f"kept-{share}.duckdb"
        timings = build_warehouse(raw, kept, ZONE_SMALL, echo=lambda s: None)["timings"]
        assert query(
            kept, "SELECT x_num, y_num, geocode_method::VARCHAR FROM staging.stg_islp__incidents"
        ) == [(171010.0, 177010.0, "adres exact")]
        assert query(kept, leftover) == []
        assert ("geocode" in timings) == (share == 0.0)


def test_a_check_in_branches_runs_each_branch_once_its_mart_is_written(tmp_path):
    """unique_keys has one branch per mart, each a job that waits for its own mart only; a
    check whose `union all` lines are indented (inside a CTE) stays one job."""
    from etl.build import check_jobs

    jobs, deps = check_jobs(config.SQL_DIR / "checks", "wh", [])
    branches = {name: deps[name] for name in jobs if name.startswith("check.unique_keys.")}
    assert {"incidents"} in branches.values() and {"tasks"} in branches.values()
    assert all(len(marts) == 1 for marts in branches.values())
    assert "check.located_inside_wijk" in jobs
    assert {"incidents", "nuisance"} <= deps["check.located_inside_wijk"]
    (tmp_path / "marts").mkdir()
    (tmp_path / "marts" / "a.sql").write_text("select 1 as k")
    (tmp_path / "marts" / "b.sql").write_text("select 1 as k")
    (tmp_path / "checks").mkdir()
    (tmp_path / "checks" / "one.sql").write_text(
        "with x as (\n    select k from marts.a\n    union all select k from marts.b\n)\n"
        "select k from x where k is null"
    )
    jobs, deps = check_jobs(tmp_path / "checks", None, [])
    assert list(jobs) == ["check.one"] and deps["check.one"] == {"a", "b"}


def test_a_check_starts_before_small_jobs_once_its_large_mart_is_written(monkeypatch, tmp_path):
    """A check's priority is the work of the marts it scans: the incidents' key check runs as
    soon as that mart is written, not after the last small mart."""
    from etl_helpers import RAW_SMALL, build

    from etl import build as build_module

    seen: dict[str, float] = {}
    run = build_module.run_jobs

    def spy(con, jobs, deps, workers=1, session_sql="", priority=None):
        if "check.unique_keys.0" in jobs:
            seen.update(priority or {})
        return run(con, jobs, deps, workers, session_sql, priority)

    monkeypatch.setattr(build_module, "run_jobs", spy)
    build(RAW_SMALL, tmp_path / "wh.duckdb")
    # (Branches 0-4: incidents, accidents, victims, nuisance, tasks; unique_keys.sql.)
    assert all(seen[f"check.unique_keys.{n}"] > 0 for n in range(5))
    assert seen["check.accounted_rows"] == 0.0  # reads only the small load_files mart
