-- materialized: view
-- Tasks carry a wijk code, not coordinates: area columns come from the wijk.
select
    c.*,
    cast(null as double) as x, cast(null as double) as y,
    cast(null as double) as lon, cast(null as double) as lat,
    c.wijk_code_reported as wijk_code,
    w.name as wijk_name,
    w.deelgemeente_code,
    dg.name as deelgemeente_name,
    coalesce(w.nis_code, m.nis_code) as nis_code,
    coalesce(g.name, m.municipality_name) as municipality_name,
    cast(null as ubigint) as h3_cell, cast(null as ubigint) as h3_cell_coarse,
    'geen_locatie' as location_status,
    cast(null as varchar) as location_note
from intermediate.int_tasks_current c
left join intermediate.int_area_names w on w.layer = 'wijk' and w.code = c.wijk_code_reported
left join intermediate.int_area_names dg on dg.layer = 'deelgemeente' and dg.code = w.deelgemeente_code
left join intermediate.int_area_names g on g.layer = 'gemeente' and g.code = w.nis_code
left join intermediate.int_municipality_lookup m on m.name_key = lower(trim(c.municipality))
