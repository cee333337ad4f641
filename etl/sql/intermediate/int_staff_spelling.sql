-- Staff names as the task and absence exports write them, mapped to the spelling of the
-- zone configuration ([[wijken]] inspector) when they are the same name written otherwise:
-- "INP Hans de Smet", "inp  hans de smet" and "INP Hans De Smet" are one person (compared
-- without case, accents and repeated spaces). Without this, an absence list in other
-- capitals was listed on Werklast but never subtracted from the inspector's available
-- days, and a task list in other capitals made the inspector a "stand-in" without index.
-- Failing that, a name is compared without its rank (INP, HINP, CP …) and with its words
-- in any order ("PEETERS An", "An Peeters" are "INP An Peeters"), when one inspector of
-- the zone has those words.
-- One row per distinct label, so no task row compares text; names the zone does not know
-- (a stand-in, other staff) are not here and stay as written.
with labels as (
    select distinct cast(inspector as varchar) as label from staging.stg_islp__tasks
    where inspector is not null
    union
    select distinct inspector from staging.stg_zone__absences
    where inspector is not null and reject_reason is null
),
keyed as (
    select label, lower(strip_accents(regexp_replace(trim(label), '\s+', ' ', 'g'))) as name_key
    from labels
),
zone as (
    select inspector, lower(strip_accents(regexp_replace(trim(inspector), '\s+', ' ', 'g'))) as name_key
    from raw.zone_wijken
    where inspector is not null
),
-- The words of a name without a rank, sorted: "inp an peeters" and "peeters an" → [an, peeters].
words as (
    select name_key, list_sort(list_filter(string_split_regex(name_key, '[\s.,]+'),
        lambda w: w <> '' and w not in ('inp', 'hinp', 'ainp', 'inpp', 'hinpp', 'cp', 'hcp', 'ca',
            'insp', 'hinsp', 'inspecteur', 'hoofdinspecteur', 'commissaris', 'agent'))) as name_words
    from (select name_key from keyed union select name_key from zone)
),
by_words as (
    select w.name_words, any_value(z.inspector) as inspector
    from zone z join words w using (name_key)
    where len(w.name_words) >= 2
    group by 1
    having count(distinct z.inspector) = 1
)
select k.label, coalesce(any_value(z.inspector), any_value(b.inspector)) as inspector
from keyed k
left join zone z on z.name_key = k.name_key
left join words w on w.name_key = k.name_key
left join by_words b on b.name_words = w.name_words
group by 1
having coalesce(any_value(z.inspector), any_value(b.inspector)) is not null
