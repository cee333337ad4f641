-- One row per accident: the zone's own export (source 'zone') and Statbel's open data for
-- the zone's municipalities (source 'statbel', no day: date null, day_known false).
with victim_counts as (
    select
        accident_id,
        count(*) filter (where severity_class = 'killed') as killed,
        count(*) filter (where severity_class = 'seriously_injured') as seriously_injured,
        count(*) filter (where severity_class = 'lightly_injured') as lightly_injured,
        count(severity_class) as injured
    from marts.victims
    group by accident_id
),
zone as (
    select
        a.accident_id,
        'zone' as source,
        a.occurred_at,
        -- An accident is as severe as its worst victim: a victim list that names a victim
        -- worse than the export's severity (a death within 30 days, reported after the
        -- accident was registered as light) raises it, in the words of the classes.
        case
            when v.killed > 0 and sc.class is distinct from 'killed' then 'Dodelijk'
            when v.seriously_injured > 0 and coalesce(sc.class, '') not in ('killed', 'seriously_injured') then 'Zwaargewond'
            when v.lightly_injured > 0 and sc.class is null then 'Lichtgewond'
            else a.severity::varchar
        end as severity,
        -- Whether the victim list raised it (the build warnings name these accidents).
        coalesce(v.killed > 0 and sc.class is distinct from 'killed'
            or v.seriously_injured > 0 and coalesce(sc.class, '') not in ('killed', 'seriously_injured')
            or v.lightly_injured > 0 and sc.class is null, false) as severity_raised,
        -- Without a victim row of an injured person (no rows, or only "Ongedeerd"), the
        -- worst-victim severity stands for one victim of that kind: an injury accident
        -- whose rows named nobody injured counted as an injury accident without victims
        -- and scored 0 for the black spots.
        case when v.injured > 0 then v.killed
            else case when sc.class = 'killed' then 1 else 0 end end as killed,
        case when v.injured > 0 then v.seriously_injured
            else case when sc.class = 'seriously_injured' then 1 else 0 end end as seriously_injured,
        case when v.injured > 0 then v.lightly_injured
            else case when sc.class = 'lightly_injured' then 1 else 0 end end as lightly_injured,
        sc.class is not null as severity_injury,
        cast(null as bigint) as victims,  -- the sum of the three classes, below
        a.road_user_1, a.road_user_2, a.light, a.weather, a.built_up, a.crossroads, a.road_type,
        cast(null as varchar) as collision_type,
        a.street, a.house_number, a.municipality as municipality_reported,
        cast(a.occurred_at as date) as date,
        true as day_known,
        a.time_known,
        year(a.occurred_at) as year,
        month(a.occurred_at) as month,
        isoyear(a.occurred_at) as iso_year,
        weekofyear(a.occurred_at) as iso_week,
        isodow(a.occurred_at) as weekday,
        -- NULL when the export gave the day only (time_known): not midnight.
        case when a.time_known then hour(a.occurred_at) end as hour,
        a.x, a.y, a.lon, a.lat, a.wijk_code, a.wijk_name, a.deelgemeente_code, a.deelgemeente_name,
        a.nis_code, a.municipality_name, a.h3_cell, a.h3_cell_coarse, a.location_status,
        a.location_note, a.geocode_method, a.source_file, a.source_row
    from intermediate.int_accidents_located a
    left join victim_counts v on v.accident_id = a.accident_id
    -- The severity's class (wb_severity_class) decided once per distinct label.
    left join (
        select severity as label, wb_severity_class(severity) as class
        from (select distinct severity from staging.stg_islp__accidents)
    ) sc on sc.label = a.severity
),
statbel as (
    select
        s.accident_id,
        'statbel' as source,
        cast(null as timestamp) as occurred_at,
        case sc.class
            when 'killed' then 'Dodelijk' when 'seriously_injured' then 'Zwaargewond'
            when 'lightly_injured' then 'Lichtgewond' else s.class_label
        end as severity,
        false as severity_raised,
        -- Statbel gives the accident's class, not victim counts: one victim of that class.
        case when sc.class = 'killed' then 1 else 0 end as killed,
        case when sc.class = 'seriously_injured' then 1 else 0 end as seriously_injured,
        case when sc.class = 'lightly_injured' then 1 else 0 end as lightly_injured,
        -- Statbel's file holds injury accidents only, whatever their class reads.
        true as severity_injury,
        cast(null as bigint) as victims,
        s.road_user_1, s.road_user_2, s.light, s.weather, s.built_up, s.crossroads, s.road_type,
        s.collision_type,
        cast(null as varchar) as street, cast(null as varchar) as house_number,
        s.municipality as municipality_reported,
        cast(null as date) as date,
        false as day_known,
        s.hour is not null as time_known,
        s.year, s.month,
        cast(null as bigint) as iso_year, cast(null as bigint) as iso_week,
        cast(null as bigint) as weekday,
        s.hour,
        s.x, s.y, s.lon, s.lat, s.wijk_code, s.wijk_name, s.deelgemeente_code, s.deelgemeente_name,
        coalesce(s.nis_code, s.nis_code_reported) as nis_code,
        coalesce(s.municipality_name, s.municipality) as municipality_name,
        s.h3_cell, s.h3_cell_coarse, s.location_status, s.location_note,
        -- Statbel gives coordinates only: 'coördinaten' when they placed it (null = not
        -- located, as for the zone's records).
        case when s.location_status <> 'geen_locatie' then 'coördinaten' end as geocode_method,
        s.source_file, s.source_row
    from intermediate.int_statbel_located s
    -- The class by Statbel's code (CD_CLASS_ACCIDENTS: 1 met doden, 2 met dodelijk gewonden
    -- (died within 30 days), 3 met zwaargewonden, 4 met lichtgewonden), by its label where a
    -- file has no code; decided once per distinct pair.
    left join (
        select
            class_code, class_label,
            coalesce(
                wb_statbel_code_class(class_code),
                wb_severity_class(class_label)
            ) as class
        from (select distinct class_code, class_label from staging.stg_statbel__accidents)
    ) sc on sc.class_code is not distinct from s.class_code and sc.class_label is not distinct from s.class_label
),
unioned as (
    select * from zone
    union all
    select * from statbel
)
select
    accident_id, source, occurred_at, severity, severity_raised,
    coalesce(severity_injury, false) or killed + seriously_injured + lightly_injured > 0 as is_injury,
    killed, seriously_injured, lightly_injured,
    -- A victim is a person killed or injured, so the zone's total is the sum of the three
    -- classes: a row of someone unhurt ("Ongedeerd") or of no known class is no victim (it
    -- was counted, and the municipal report called it "Letsel onbekend"), and an injury
    -- accident without victim rows has its one victim here too. Statbel has no victims.
    case when source = 'zone' then killed + seriously_injured + lightly_injured end as victims,
    road_user_1, road_user_2, light, weather, built_up, crossroads, road_type, collision_type,
    street, house_number, municipality_reported,
    date, day_known, time_known, year, month, iso_year, iso_week, weekday, hour,
    x, y, lon, lat, wijk_code, wijk_name, deelgemeente_code, deelgemeente_name, nis_code,
    municipality_name, h3_cell, h3_cell_coarse, location_status, location_note, geocode_method,
    source_file, source_row
from unioned
