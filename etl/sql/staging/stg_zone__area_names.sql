-- Names and parents of every area code, from the boundary files and the zone configuration
-- (the configuration fills in what a boundary file leaves out).
with wijk as (
    select
        coalesce(d.code, z.code) as wijk_code,
        coalesce(z.name, d.name) as wijk_name,
        coalesce(d.parent_code, z.deelgemeente) as deelgemeente_code,
        coalesce(d.nis_code, z.nis_code) as nis_code
    from (select * from raw.districts where layer = 'wijk') d
    full outer join raw.zone_wijken z on z.code = d.code
),
deel as (
    select
        coalesce(d.code, z.code) as deelgemeente_code,
        coalesce(z.name, d.name) as deelgemeente_name,
        coalesce(d.nis_code, d.parent_code, z.nis_code) as nis_code
    from (select * from raw.districts where layer = 'deelgemeente') d
    full outer join raw.zone_deelgemeenten z on z.code = d.code
),
gem as (
    select
        coalesce(d.code, z.nis_code) as nis_code,
        coalesce(z.name, d.name) as municipality_name
    from (select * from raw.districts where layer = 'gemeente') d
    full outer join raw.zone_municipalities z on z.nis_code = d.code
)
-- Codes and names in the build's area vocabularies (wb_area_code, wb_area_name), the types
-- the located coordinate pairs carry.
-- Two wijken (or deelgemeenten) of one name, a new division loaded beside the old one or a
-- "Centrum" in two municipalities, are told apart by their code: "Centrum (W03)". Under one
-- name the pages merged them or failed (the Briefing's per-wijk tables are keyed by name);
-- `shared_name` keeps the name they share, for the build warning (marts.districts names
-- them the same way).
select layer::ENUM('deelgemeente', 'gemeente', 'wijk') as layer, code::wb_area_code as code,
    (case when shared then name || ' (' || code || ')' else name end)::wb_area_name as name,
    deelgemeente_code::wb_area_code as deelgemeente_code, nis_code::wb_area_code as nis_code,
    case when shared then name end as shared_name
from (
    select *, layer <> 'gemeente' and name is not null and count(*) over (partition by layer, name) > 1 as shared
    from (
        select 'wijk' as layer, wijk_code as code, wijk_name as name, deelgemeente_code, nis_code from wijk
        union all select 'deelgemeente', deelgemeente_code, deelgemeente_name, deelgemeente_code, nis_code from deel
        union all select 'gemeente', nis_code, municipality_name, cast(null as varchar), nis_code from gem
    )
)
