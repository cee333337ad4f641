-- Every area of the zone, from the boundary files and the zone configuration: areas without
-- a polygon still appear (geometry null), so names and populations are always there.
with cfg as (
    select 'zone' as layer, p.zone_name as code, p.zone_name as name, cast(null as varchar) as parent_code,
           cast(null as varchar) as nis_code,
           cast((select sum(population) from raw.zone_municipalities) as bigint) as population,
           cast(null as varchar) as inspector
    from raw.build_params p
    union all
    select 'gemeente', m.nis_code, m.name, p.zone_name, m.nis_code, m.population, null
    from raw.zone_municipalities m cross join raw.build_params p
    union all
    select 'deelgemeente', d.code, d.name, d.nis_code, d.nis_code, null, null
    from raw.zone_deelgemeenten d
    union all
    select 'wijk', w.code, w.name, w.deelgemeente, w.nis_code, w.population, w.inspector
    from raw.zone_wijken w
),
merged as (
    select
        coalesce(c.layer, d.layer) as layer,
        coalesce(c.code, d.code) as code,
        coalesce(c.name, d.name) as name,
        coalesce(c.parent_code, d.parent_code, case when d.layer = 'gemeente' then (select zone_name from raw.build_params) end) as parent_code,
        coalesce(c.nis_code, d.nis_code) as nis_code,
        -- The zone configuration's population wins; else the boundary file's (e.g. sectors).
        coalesce(c.population, d.population) as population,
        c.inspector,
        d.area_km2,
        d.geojson,
        d.geom_wkt_31370,
        d.wijken_nest,
        d.inside_parent
    from cfg c
    full outer join raw.districts d on d.layer = c.layer and d.code = c.code
),
wijk_sums as (
    select parent_code as code, cast(sum(population) as bigint) as population, count(population) = count(*) as complete
    from merged
    where layer = 'wijk'
    group by parent_code
)
select
    m.layer,
    m.code,
    -- Two wijken (deelgemeenten) of one name told apart by their code, as
    -- staging.stg_zone__area_names names them in every mart.
    case
        when m.layer in ('wijk', 'deelgemeente') and m.name is not null
            and count(*) over (partition by m.layer, m.name) > 1
            then m.name || ' (' || m.code || ')'
        else m.name
    end as name,
    m.parent_code,
    m.nis_code,
    -- A deelgemeente's population is the sum of its wijken only when they tile it exactly.
    case
        when m.layer = 'deelgemeente' then case when m.wijken_nest and s.complete then s.population end
        else m.population
    end as population,
    m.inspector,
    m.area_km2,
    m.geojson,
    m.geom_wkt_31370,
    -- A wijk: does it lie inside its deelgemeente (parent_code)? Null when either has no polygon.
    m.inside_parent
from merged m
left join wijk_sums s on m.layer = 'deelgemeente' and s.code = m.code
order by case m.layer when 'zone' then 1 when 'gemeente' then 2 when 'deelgemeente' then 3 else 4 end, m.code
