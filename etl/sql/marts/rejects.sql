-- Every refused row, with the file, the row (line in the file; header = row 1), the column
-- as the export names it, the offending value and a reason a person can act on.
with all_rejects as (
    select 'incidents' as kind, source_file, source_row, reject_field, reject_value, reject_reason from staging.stg_islp__incidents where reject_reason is not null
    union all select 'accidents', source_file, source_row, reject_field, reject_value, reject_reason from staging.stg_islp__accidents where reject_reason is not null
    union all select 'victims', source_file, source_row, reject_field, reject_value, reject_reason from staging.stg_islp__victims where reject_reason is not null
    union all select 'statbel', source_file, source_row, reject_field, reject_value, reject_reason from staging.stg_statbel__accidents where reject_reason is not null
    union all select 'nuisance', source_file, source_row, reject_field, reject_value, reject_reason from staging.stg_register__nuisance where reject_reason is not null
    union all select 'tasks', source_file, source_row, reject_field, reject_value, reject_reason from staging.stg_islp__tasks where reject_reason is not null
    union all select 'controls', source_file, source_row, reject_field, reject_value, reject_reason from staging.stg_islp__controls where reject_reason is not null
    union all select 'poi', source_file, source_row, reject_field, reject_value, reject_reason from staging.stg_zone__poi where reject_reason is not null
    union all select 'events', source_file, source_row, reject_field, reject_value, reject_reason from staging.stg_zone__events where reject_reason is not null
    union all select 'addresses', source_file, source_row, reject_field, reject_value, reject_reason from staging.stg_zone__addresses where reject_reason is not null
    union all select 'absences', source_file, source_row, reject_field, reject_value, reject_reason from staging.stg_zone__absences where reject_reason is not null
    union all select 'sectors', source_file, source_row, reject_field, reject_value, reject_reason from staging.stg_statbel__sectors where reject_reason is not null
)
select
    r.kind,
    r.source_file,
    r.source_row,
    coalesce(c.header, r.reject_field) as field,
    r.reject_value as value,
    r.reject_reason as reason
from all_rejects r
left join raw.file_columns c on c.source_file = r.source_file and c.field = r.reject_field
order by r.kind, r.source_file, r.source_row
