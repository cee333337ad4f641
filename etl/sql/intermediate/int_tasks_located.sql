-- materialized: view
-- Tasks carry a wijk code (authoritative for the workload pages) and an address; the
-- address is located through the zone's address list when one is provided.
select
    c.* exclude (geocode_method),
    l.x, l.y, l.lon, l.lat,
    -- The export's wijk when it is a wijk the zone knows (also written "w01" or " W01 "),
    -- else the wijk the address locates; an unknown code without a location stays as
    -- written (marts.build_warnings names both).
    coalesce(k.wijk_code, l.wijk_code, c.wijk_code_reported) as wijk_code,
    l.wijk_code as wijk_code_located,
    w.name as wijk_name,
    dg.code as deelgemeente_code,
    dg.name as deelgemeente_name,
    coalesce(w.nis_code, l.nis_code, m.nis_code) as nis_code,
    coalesce(g.name, l.municipality_name, m.municipality_name) as municipality_name,
    l.h3_cell, l.h3_cell_coarse,
    coalesce(l.location_status, 'geen_locatie'::wb_location_status) as location_status,
    l.location_note,
    -- NULL when not located (an address list point outside Belgium; wb_located_method).
    wb_located_method(c.geocode_method, coalesce(l.location_status, 'geen_locatie'), 'coördinaten'::wb_geocode_method) as geocode_method
from intermediate.int_tasks_current c
-- The export's wijk labels the zone knows, decided once per distinct label.
left join intermediate.int_task_wijk_labels k on k.label = c.wijk_code_reported
-- Only the pairs this kind uses: the hash table is built from them, not from every pair;
-- each record joins the pair located under its own permission to swap X/Y (wb_may_swap).
left join (
    select * from intermediate.int_point_locations where kinds & wb_kind_bit('staging.stg_islp__tasks') <> 0
) l on l.x_in = c.x_num and l.y_in = c.y_num
    and l.may_swap = wb_may_swap('staging.stg_islp__tasks', c.municipality)
left join staging.stg_zone__area_names w on w.layer = 'wijk' and w.code = coalesce(k.wijk_code, l.wijk_code, c.wijk_code_reported)
-- The deelgemeente the address lies in (a wijk may lie across two), unless it lies in another
-- municipality than the task's wijk: then the wijk's own (as wb_area_names decides it for
-- the located records).
left join staging.stg_zone__area_names own on own.layer = 'deelgemeente' and own.code = l.deelgemeente_code
left join staging.stg_zone__area_names dg on dg.layer = 'deelgemeente' and dg.code =
    case when own.nis_code is distinct from w.nis_code and w.nis_code is not null
        then w.deelgemeente_code else coalesce(l.deelgemeente_code, w.deelgemeente_code) end
left join staging.stg_zone__area_names g on g.layer = 'gemeente' and g.code = coalesce(w.nis_code, l.nis_code)
-- By the export's municipality label (macros.sql; reads intermediate.int_municipality_lookup).
left join wb_municipality_labels('staging.stg_islp__tasks') m on m.municipality = c.municipality
