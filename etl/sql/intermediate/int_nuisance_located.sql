-- materialized: view
-- nuisance with location columns. Coordinates are located once per distinct pair in the
-- Python step (intermediate.point_locations); records without a usable pair keep their
-- municipality from the name in the export.
select
    c.*,
    l.x, l.y, l.lon, l.lat,
    l.wijk_code, l.wijk_name, l.deelgemeente_code, l.deelgemeente_name,
    coalesce(l.nis_code, case when coalesce(l.location_status, 'geen_locatie') = 'geen_locatie' then m.nis_code end) as nis_code,
    coalesce(l.municipality_name, case when coalesce(l.location_status, 'geen_locatie') = 'geen_locatie' then m.municipality_name end) as municipality_name,
    l.h3_cell, l.h3_cell_coarse,
    coalesce(l.location_status, 'geen_locatie'::wb_location_status) as location_status,
    coalesce(l.location_note, case when c.x_num is null or c.y_num is null then 'geen (geldige) coördinaten'::wb_location_note end) as location_note
from intermediate.int_nuisance_current c
-- Only the pairs this kind uses: the hash table is built from them, not from every pair.
left join (
    select * from intermediate.int_point_locations where kinds & wb_kind_bit('stg_register__nuisance') <> 0
) l on l.x_in = c.x_num and l.y_in = c.y_num
-- Keyed by the export's own municipality values (a few labels): the join compares label
-- codes instead of lower-casing every row's text.
left join (
    select v.municipality, m.nis_code, m.municipality_name
    from (select distinct municipality from staging.stg_register__nuisance) v
    join intermediate.int_municipality_lookup m on m.name_key = lower(trim(v.municipality))
) m on m.municipality = c.municipality
