-- materialized: view
-- controls with location columns: wb_located (macros.sql) joins
-- intermediate.int_controls_current to the located pairs of staging.stg_islp__controls.
-- Inside the macro it reads, and so runs after: intermediate.int_point_locations,
-- intermediate.int_municipality_lookup.
-- May a record's swapped X/Y be repaired? Not when its municipality label names a place
-- outside the zone (wb_may_swap, macros.sql).
select * from wb_located(
    'intermediate.int_controls_current', 'staging.stg_islp__controls',
    wb_may_swap('staging.stg_islp__controls', municipality)
)
