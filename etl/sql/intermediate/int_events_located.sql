-- materialized: view
-- events with location columns: wb_located (macros.sql) joins
-- intermediate.int_events_current to the located pairs of staging.stg_zone__events.
-- Inside the macro it reads, and so runs after: intermediate.int_point_locations,
-- intermediate.int_municipality_lookup.
-- May a record's swapped X/Y be repaired? Not when its municipality label names a place
-- outside the zone (wb_may_swap, macros.sql).
-- geocode_method as the marts give it: NULL when not located, 'coördinaten' when placed
-- by the record's own pair (wb_located_method, macros.sql).
select * replace (
    wb_located_method(geocode_method, location_status, 'coördinaten'::wb_geocode_method) as geocode_method
)
from wb_located(
    'intermediate.int_events_current', 'staging.stg_zone__events',
    wb_may_swap('staging.stg_zone__events', municipality)
)
