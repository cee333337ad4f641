-- Located coordinate pairs (from the Python step) with area names; deelgemeente and
-- municipality fall back to the wijk's parents when those layers have no polygons.
-- A table, not a view: as a view, every located model redid the name lookups on its
-- pairs; for 10^7 incidents that took 11 s more than this copy (7.7 s), as the marts
-- then spill. For 10^6 both cost the same.
select
    p.x_in, p.y_in, p.x, p.y, p.lon, p.lat,
    p.wijk_code,
    w.name as wijk_name,
    coalesce(p.deelgemeente_code, w.deelgemeente_code) as deelgemeente_code,
    dg.name as deelgemeente_name,
    coalesce(p.nis_code, dg.nis_code, w.nis_code) as nis_code,
    g.name as municipality_name,
    p.h3_cell, p.h3_cell_coarse, p.location_status, p.location_note,
    -- Bit set of the staging tables using the pair (wb_kind_bit).
    p.kinds
from intermediate.point_locations p
left join intermediate.int_area_names w on w.layer = 'wijk' and w.code = p.wijk_code
left join intermediate.int_area_names dg on dg.layer = 'deelgemeente' and dg.code = coalesce(p.deelgemeente_code, w.deelgemeente_code)
left join intermediate.int_area_names g on g.layer = 'gemeente' and g.code = coalesce(p.nis_code, dg.nis_code, w.nis_code)
