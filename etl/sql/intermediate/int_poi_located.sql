-- materialized: view
-- poi with location columns: wb_located (macros.sql) joins
-- intermediate.int_poi_current to the located pairs of staging.stg_zone__poi.
-- Inside the macro it reads, and so runs after: intermediate.int_point_locations,
-- intermediate.int_municipality_lookup.
-- May a record's swapped X/Y be repaired? Not when its municipality label names a place
-- outside the zone (wb_may_swap, macros.sql).
select * from wb_located(
    'intermediate.int_poi_current', 'staging.stg_zone__poi',
    wb_may_swap('staging.stg_zone__poi', municipality)
)
