"""Opening DuckDB connections with the spatial extension, offline.

The spatial extension comes from the PyPI package ``duckdb-extension-spatial`` (same version
as ``duckdb``), so ``LOAD`` works without any download.
"""

from __future__ import annotations

from pathlib import Path

import duckdb


def spatial_extension_path() -> Path:
    """Path of the spatial extension binary shipped by ``duckdb-extension-spatial``."""
    import duckdb_extension_spatial

    base = Path(duckdb_extension_spatial.__file__).resolve().parent / "extensions"
    path = base / f"v{duckdb.__version__}" / "spatial.duckdb_extension"
    if not path.exists():
        found = sorted(base.glob("*/spatial.duckdb_extension"))
        raise RuntimeError(
            f"DuckDB {duckdb.__version__} vindt de spatial-extensie niet in {base} "
            f"(gevonden: {[p.parent.name for p in found]}); installeer "
            f"duckdb-extension-spatial=={duckdb.__version__}"
        )
    return path


def load_spatial(con: duckdb.DuckDBPyConnection) -> None:
    """Load the spatial extension into ``con`` from the local package (no network)."""
    con.execute(f"LOAD '{spatial_extension_path().as_posix()}'")


def connect(
    path: str | Path = ":memory:", read_only: bool = False, spatial: bool = True
) -> duckdb.DuckDBPyConnection:
    """Open a DuckDB connection, optionally with spatial loaded.

    Parameters
    ----------
    path : str or Path
        Database file, or ``":memory:"``.
    read_only : bool
        Open the file read-only (the dashboard always does).
    spatial : bool
        Load the spatial extension.
    """
    con = duckdb.connect(
        str(path),
        read_only=read_only,
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False},
    )
    if spatial:
        load_spatial(con)
    return con
