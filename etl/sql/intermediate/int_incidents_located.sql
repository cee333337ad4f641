-- materialized: view
-- incidents with location columns: intermediate.int_incidents_current carries each record's
-- location (located per record, etl.build.RECORD_LOCATED, taken by position); wb_located_records
-- (macros.sql) names its areas and, for a record without a usable location, takes the
-- municipality its label names. Inside the macro it reads, and so runs after:
-- intermediate.int_municipality_lookup. (A swapped X/Y was repaired only where the record's
-- municipality label allows it, or, naming none, where its file has X and Y swapped as a
-- whole: wb_may_swap and etl.build.swapped_files, asked by the locating step.)
-- geocode_method as the marts give it: NULL when not located, 'coördinaten' when placed
-- by the record's own pair (wb_located_method, macros.sql).
select * replace (
    wb_located_method(geocode_method, location_status, 'coördinaten'::wb_geocode_method) as geocode_method
)
from wb_located_records('intermediate.int_incidents_current', 'staging.stg_islp__incidents')
