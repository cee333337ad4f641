-- Located coordinate pairs with area names: the rows of intermediate.int_point_locations.
-- Not a model of its own: the locating step (etl/build.py, _locate) runs this query on each
-- slice of pairs the Python step located (registered as _located), and appends the result.
-- Naming the pairs as they are written spares a second copy of every pair: as a model over
-- the written pairs it took 0.3 s for 10^6 incidents and 8 s for 10^7 (18 M pairs).
-- Deelgemeente and municipality fall back to the wijk's parents when those layers have no
-- polygons.
with p as (
    select
        x_in, y_in,
        -- NaN is how the numpy arrays say "none".
        case when isnan(x) then null else x end as x,
        case when isnan(y) then null else y end as y,
        case when isnan(lon) then null else lon end as lon,
        case when isnan(lat) then null else lat end as lat,
        -- The build's vocabularies (etl.labels.vocabulary_types): ENUMs stay cheap to
        -- carry through the located models' large hash joins.
        wijk_code::wb_area_code as wijk_code,
        deelgemeente_code::wb_area_code as deelgemeente_code,
        nis_code::wb_area_code as nis_code,
        nullif(h3_cell::UBIGINT, 0) as h3_cell,
        nullif(h3_cell_coarse::UBIGINT, 0) as h3_cell_coarse,
        location_status::wb_location_status as location_status,
        location_note::wb_location_note as location_note,
        -- Bit set of the staging tables using the pair (wb_kind_bit).
        kinds,
        -- Located with permission to swap X/Y (wb_may_swap)? Part of the key: a pair that
        -- records with and without permission share is located once for each.
        may_swap
    from _located
)
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
