-- One row per victim, with the location of its accident.
select
    v.accident_id,
    v.victim_number,
    v.severity,
    wb_severity_class(v.severity) as severity_class,
    v.road_user,
    -- The zone's list compared without case or surrounding spaces ("fietser", "FIETSER").
    lower(trim(cast(v.road_user as varchar))) in (
        select lower(trim(value)) from raw.zone_lists where list_name = 'vulnerable_road_users'
    ) as is_vulnerable,
    v.age_group,
    cast(a.occurred_at as date) as date,
    year(a.occurred_at) as year,
    month(a.occurred_at) as month,
    isoyear(a.occurred_at) as iso_year,
    weekofyear(a.occurred_at) as iso_week,
    isodow(a.occurred_at) as weekday,
    case when a.time_known then hour(a.occurred_at) end as hour,
    a.x, a.y, a.lon, a.lat, a.wijk_code, a.wijk_name, a.deelgemeente_code, a.deelgemeente_name,
    a.nis_code, a.municipality_name, a.h3_cell, a.h3_cell_coarse,
    coalesce(a.location_status, 'geen_locatie') as location_status,
    case when a.accident_id is null then 'ongeval niet gevonden in de ongevallenexport' else a.location_note end as location_note,
    v.source_file, v.source_row
from intermediate.int_victims_current v
left join intermediate.int_accidents_located a on a.accident_id = v.accident_id
