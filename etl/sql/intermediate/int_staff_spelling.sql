-- Staff names as the task and absence exports write them, mapped to the spelling of the
-- zone configuration ([[wijken]] inspector) when they are the same name written otherwise:
-- "INP Hans de Smet", "inp  hans de smet" and "INP Hans De Smet" are one person (compared
-- without case, accents and repeated spaces). Without this, an absence list in other
-- capitals was listed on Werklast but never subtracted from the inspector's available
-- days, and a task list in other capitals made the inspector a "stand-in" without index.
-- One row per distinct label, so no task row compares text; names the zone does not know
-- (a stand-in, other staff) are not here and stay as written.
with labels as (
    select distinct cast(inspector as varchar) as label from staging.stg_islp__tasks
    where inspector is not null
    union
    select distinct inspector from staging.stg_zone__absences
    where inspector is not null and reject_reason is null
),
zone as (
    select inspector, lower(strip_accents(regexp_replace(trim(inspector), '\s+', ' ', 'g'))) as name_key
    from raw.zone_wijken
    where inspector is not null
)
select l.label, any_value(z.inspector) as inspector
from labels l
join zone z on z.name_key = lower(strip_accents(regexp_replace(trim(l.label), '\s+', ' ', 'g')))
group by 1
