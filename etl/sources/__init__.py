"""Readers for the raw exports: one module per input format.

Every tabular reader lands its rows in ``raw.<kind>`` with all values as text, the canonical
field names from :mod:`etl.sources.mapping`, and ``source_file``, ``source_row`` and
``load_order``; casting and validation happen later in SQL.
"""

from etl.sources.base import BuildError, discover_files
from etl.sources.tabular import load_tabular_kind

__all__ = ["BuildError", "discover_files", "load_districts", "load_tabular_kind"]


def __getattr__(name: str):
    # The boundary reader needs shapely and PROJ: imported when first used, so a build can
    # start reading the exports while they load (etl.build).
    if name == "load_districts":
        from etl.sources.districts import load_districts

        return load_districts
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
