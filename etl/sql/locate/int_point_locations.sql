-- Located coordinate pairs with area names: the rows of intermediate.int_point_locations.
-- Not a model of its own: the locating step (etl/build.py, _locate) runs this query on each
-- slice of pairs the Python step located (typed as _located_typed), and appends the result.
-- Naming the pairs as they are written spares a second copy of every pair: as a model over
-- the written pairs it took 0.3 s for 10^6 incidents and 8 s for 10^7 (18 M pairs).
-- Deelgemeente and municipality fall back to the wijk's parents when those layers have no
-- polygons.
-- The slice typed (located_slice.sql), then named.
with p as (select * from _located_typed)
select
    p.x_in, p.y_in, p.may_swap, p.x, p.y, p.lon, p.lat,
    p.wijk_code,
    w.name as wijk_name,
    coalesce(p.deelgemeente_code, w.deelgemeente_code) as deelgemeente_code,
    dg.name as deelgemeente_name,
    coalesce(p.nis_code, dg.nis_code, w.nis_code) as nis_code,
    g.name as municipality_name,
    p.h3_cell, p.h3_cell_coarse, p.location_status, p.location_note,
    p.kinds
from p
left join staging.stg_zone__area_names w on w.layer = 'wijk' and w.code = p.wijk_code
left join staging.stg_zone__area_names dg on dg.layer = 'deelgemeente' and dg.code = coalesce(p.deelgemeente_code, w.deelgemeente_code)
left join staging.stg_zone__area_names g on g.layer = 'gemeente' and g.code = coalesce(p.nis_code, dg.nis_code, w.nis_code)
