-- materialized: view
-- Statbel accidents of the zone's municipalities (the open file is national), with
-- location columns: wb_located (macros.sql) joins intermediate.int_statbel_current to the
-- located pairs of staging.stg_statbel__accidents.
-- Inside the macro it reads, and so runs after: intermediate.int_point_locations,
-- intermediate.int_municipality_lookup.
-- May a record's swapped X/Y be repaired? Not when its NIS code (CD_NIS) is another
-- municipality's (wb_may_swap_nis, macros.sql).
select * from wb_located(
    'intermediate.int_statbel_current', 'staging.stg_statbel__accidents',
    wb_may_swap_nis('staging.stg_statbel__accidents', nis_code_reported)
)
where nis_code_reported in (select nis_code from raw.zone_municipalities)
    or (nis_code_reported is null and location_status in ('ok', 'geen_wijk'))
    -- A zone configured without municipalities cannot tell its rows from the others.
    or not exists (select 1 from raw.zone_municipalities)
