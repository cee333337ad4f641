"""The query layer: the only code in the dashboard that talks to DuckDB.

Pages never write SQL. They call functions from the modules below and draw what comes back.

Modules
-------
_db           the read-only connection (``st.cache_resource``) and :func:`query`
common        the dataset whitelist (:data:`~common.DATASETS`), shared filters, generic
              counts (:func:`~common.counts_by`), map points and H3 hexagon counts
districts     wijken, deelgemeenten, municipalities and their display shapes
exploration   Verkenning's table: a cut of a dataset with every group, 0 where nothing
              happened (areas, chosen categories, days), with the areas' populations
overview      per-domain counts from ``marts.daily_counts`` (briefing, reports)
reports       aggregates per municipality for the reports to the administration (no records)
incidents     incidents and nuisance: repeated addresses and one address's history,
              hour/weekday filter
hotspots      sources page: H3 counts, Gi*/emerging hot spots, hour x weekday, aoristic
              windows, drill-down lists, burglaries for near-repeat, POIs, zone cells
traffic       accidents and victims (never added up)
blackspots    Flemish black spots: window inputs, cached ranking, a location's history
workload      wijk tasks: open, overdue, closed per wijk / inspector / type
data_quality  build info, loaded files, rejects, freshness, records without location
console       the SQL console: guarded, read-only, time- and row-limited analyst queries
dictionary    the data dictionary (``docs/DATA_DICTIONARY.md``) and its check against the marts

Adding a query (hot spots, black spots, reports, ...)
-----------------------------------------------------
Create ``dashboard/queries/<topic>.py`` and follow the pattern every module here uses::

    import streamlit as st
    from dashboard.queries._db import WarehouseVersion, query

    @st.cache_data(show_spinner=False, max_entries=256)
    def repeated_addresses(version: WarehouseVersion, start: date, end: date,
                           wijken: tuple[str, ...] = (), limit: int = 25) -> pd.DataFrame:
        \"\"\"numpydoc: what one row is, which columns come back.\"\"\"
        return query(version, "SELECT ... WHERE date BETWEEN $start AND $end ... LIMIT $limit",
                     {"start": start, "end": end, "wijken": list(wijken), "limit": limit})

Rules:

1. The first parameter is ``version`` (from :func:`_db.warehouse_version`, which pages get
   from :func:`dashboard.components.layout.warehouse`). It is part of the cache key, so a
   rebuilt warehouse swapped in under the same path gets fresh results.
2. Other parameters are plain hashable values: ``date``, ``str``, ``int``, ``bool`` and
   tuples of them (tuples, not lists: lists work but read as mutable intent).
3. Values go in as ``$name`` parameters, never formatted into the SQL text. Only
   identifiers from fixed dictionaries in this package (``DATASETS``, ``DIMENSIONS`` ...)
   are formatted in, and only after looking them up (unknown keys raise).
4. Return small, bounded results: aggregates, or record lists with a ``LIMIT``. ``query``
   refuses more than :data:`_db.MAX_ROWS` rows. Never return a whole mart. Count in the
   warehouse what can be counted there (the workload index takes its tasks counted per
   inspector, wijk and type). An analysis that needs every row (the black-spot rule)
   asks for :data:`_db.ANALYSIS_MAX_ROWS` instead; never cut such rows with a ``LIMIT``.
   Beyond its bound ``query`` raises :class:`_db.TooManyRows`, and the router
   (``dashboard/app.py``) shows a Dutch refusal.
5. Aggregate in DuckDB; use ``marts.daily_counts`` / ``marts.hex_counts`` where a page asks
   the same question again and again.
6. Put pure statistics (z-scores, clustering) in :mod:`dashboard.analysis`, not here.
"""

from dashboard.queries._db import (
    ANALYSIS_MAX_ROWS,
    MAX_ROWS,
    TooManyRows,
    WarehouseMissing,
    WarehouseVersion,
    query,
    warehouse_path,
    warehouse_version,
)

__all__ = [
    "ANALYSIS_MAX_ROWS",
    "MAX_ROWS",
    "TooManyRows",
    "WarehouseMissing",
    "WarehouseVersion",
    "query",
    "warehouse_path",
    "warehouse_version",
]
