-- materialized: view
-- incidents with location columns: wb_located (macros.sql) joins
-- intermediate.int_incidents_current to the located pairs of staging.stg_islp__incidents.
-- Inside the macro it reads, and so runs after: intermediate.int_point_locations,
-- intermediate.int_municipality_lookup.
select * from wb_located('intermediate.int_incidents_current', 'staging.stg_islp__incidents')
