-- Every refused row, with the file, the row (line in the file; header = row 1), the column
-- as the export names it, the offending value and a reason a person can act on.
-- A refused row whose key (PV number, accident, report, task ...) is in the warehouse all
-- the same, from another export or from a later row of its own file, names that row
-- (record_file, record_row): the record is counted once, from there, and the refusal
-- needs no correction (a re-saved or overlapping export refuses the same row again).
-- Kinds without a key of their own (Statbel, points of interest, addresses, absences,
-- sectors) have none.
with all_rejects as (
    select 'incidents' as kind, source_file, source_row, reject_field, reject_value, reject_reason, pv_number::varchar as key_ from staging.stg_islp__incidents where reject_reason is not null
    union all select 'accidents', source_file, source_row, reject_field, reject_value, reject_reason, accident_id::varchar from staging.stg_islp__accidents where reject_reason is not null
    union all select 'victims', source_file, source_row, reject_field, reject_value, reject_reason, accident_id || '#' || victim_number from staging.stg_islp__victims where reject_reason is not null
    union all select 'statbel', source_file, source_row, reject_field, reject_value, reject_reason, null from staging.stg_statbel__accidents where reject_reason is not null
    union all select 'nuisance', source_file, source_row, reject_field, reject_value, reject_reason, report_id::varchar from staging.stg_register__nuisance where reject_reason is not null
    union all select 'tasks', source_file, source_row, reject_field, reject_value, reject_reason, task_id::varchar from staging.stg_islp__tasks where reject_reason is not null
    union all select 'controls', source_file, source_row, reject_field, reject_value, reject_reason, control_id::varchar from staging.stg_islp__controls where reject_reason is not null
    union all select 'poi', source_file, source_row, reject_field, reject_value, reject_reason, null from staging.stg_zone__poi where reject_reason is not null
    union all select 'events', source_file, source_row, reject_field, reject_value, reject_reason, event_id::varchar from staging.stg_zone__events where reject_reason is not null
    union all select 'addresses', source_file, source_row, reject_field, reject_value, reject_reason, null from staging.stg_zone__addresses where reject_reason is not null
    union all select 'absences', source_file, source_row, reject_field, reject_value, reject_reason, null from staging.stg_zone__absences where reject_reason is not null
    union all select 'sectors', source_file, source_row, reject_field, reject_value, reject_reason, null from staging.stg_statbel__sectors where reject_reason is not null
),
refused_keys as (
    select distinct kind, key_ from all_rejects where key_ is not null
),
kept as (
    -- The row each refused key's record comes from, looked up by the refused keys only.
    select 'incidents' as kind, pv_number::varchar as key_, source_file::varchar as source_file, source_row from marts.incidents
    where pv_number::varchar in (select key_ from refused_keys where kind = 'incidents')
    union all select 'accidents', accident_id::varchar, source_file::varchar, source_row from marts.accidents
    where source = 'zone' and accident_id::varchar in (select key_ from refused_keys where kind = 'accidents')
    union all select 'victims', accident_id || '#' || victim_number, source_file::varchar, source_row from marts.victims
    where accident_id || '#' || victim_number in (select key_ from refused_keys where kind = 'victims')
    union all select 'nuisance', report_id::varchar, source_file::varchar, source_row from marts.nuisance
    where report_id::varchar in (select key_ from refused_keys where kind = 'nuisance')
    union all select 'tasks', task_id::varchar, source_file::varchar, source_row from marts.tasks
    where task_id::varchar in (select key_ from refused_keys where kind = 'tasks')
    union all select 'controls', control_id::varchar, source_file::varchar, source_row from marts.controls
    where control_id::varchar in (select key_ from refused_keys where kind = 'controls')
    union all select 'events', event_id::varchar, source_file::varchar, source_row from marts.events
    where event_id::varchar in (select key_ from refused_keys where kind = 'events')
)
select
    r.kind,
    r.source_file,
    r.source_row,
    coalesce(c.header, r.reject_field) as field,
    r.reject_value as value,
    r.reject_reason as reason,
    k.source_file as record_file,
    k.source_row as record_row
from all_rejects r
left join raw.file_columns c on c.source_file = r.source_file and c.field = r.reject_field
left join kept k on k.kind = r.kind and k.key_ = r.key_
order by r.kind, r.source_file, r.source_row
