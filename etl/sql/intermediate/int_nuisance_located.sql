-- materialized: view
-- nuisance with location columns: wb_located (macros.sql) joins
-- intermediate.int_nuisance_current to the located pairs of staging.stg_register__nuisance.
-- Inside the macro it reads, and so runs after: intermediate.int_point_locations,
-- intermediate.int_municipality_lookup.
select * from wb_located('intermediate.int_nuisance_current', 'staging.stg_register__nuisance')
