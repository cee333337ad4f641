"""Helpers for the ETL tests: fixture paths, building with the test zone, querying."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from etl.build import build_warehouse

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
RAW_SMALL = FIXTURES / "raw_small"
ZONE_SMALL = FIXTURES / "zone_small.toml"


def build(raw: Path, warehouse: Path, lines: list[str] | None = None) -> dict:
    """Build with the test zone; collect progress lines instead of printing them."""
    sink = lines if lines is not None else []
    return build_warehouse(raw, warehouse, ZONE_SMALL, echo=sink.append)


def macro_connection(zone: dict | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory connection with the build's SQL macros (etl/sql/macros.sql), for the
    zone configuration ``zone`` (default none: the default time zone)."""
    from etl import config

    con = duckdb.connect()
    con.execute(config.macros_sql(zone or {}))
    return con


def query(warehouse: Path, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


INCIDENT_HEADER = "PV-nummer;Datum feit;Einddatum feit;Registratiedatum;Categorie;Straat;Huisnr;Postcode;Gemeente;X;Y"


def mini_raw(root: Path, files: dict[str, bytes | str], districts: bool = True) -> Path:
    """A raw folder with the fixture boundaries and the given files (text is UTF-8).

    Parameters
    ----------
    root : Path
        Where to create ``raw/``.
    files : dict
        Path below ``raw`` -> content (bytes as is, str encoded as UTF-8).
    """
    import shutil

    raw = root / "raw"
    (raw / "districts").mkdir(parents=True, exist_ok=True)
    if districts:
        for path in (RAW_SMALL / "districts").iterdir():
            shutil.copy(path, raw / "districts" / path.name)
    for rel, content in files.items():
        target = raw / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return raw


def built(tmp_path: Path, files: dict[str, bytes | str]) -> Path:
    """Build a :func:`mini_raw` folder of ``files`` into ``tmp_path/wh.duckdb``."""
    wh = tmp_path / "wh.duckdb"
    build(mini_raw(tmp_path, files), wh)
    return wh


def rejects(wh: Path, kind: str) -> list[tuple]:
    """(file, row, field, value, reason) of one kind's refused rows."""
    return query(
        wh,
        "SELECT source_file, source_row, field, value, reason FROM marts.rejects "
        "WHERE kind = ? ORDER BY source_file, source_row",
        [kind],
    )


def wijken_geojson(*squares: tuple[str, float, float, float, float]) -> bytes:
    """A wijk layer in Lambert 72: one square per (code, xmin, ymin, xmax, ymax)."""
    features = [
        {
            "type": "Feature",
            "properties": {"wijk_code": code, "wijk_naam": f"Wijk {code}", "nis_code": "24038"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]],
            },
        }
        for code, x0, y0, x1, y1 in squares
    ]
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::31370"}}
    return json.dumps({"type": "FeatureCollection", "crs": crs, "features": features}).encode()
