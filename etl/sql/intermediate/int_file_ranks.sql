-- Which export is newest, per kind: the file with the latest date in it wins (the latest
-- record date; for the incidents also the latest registration date: an export is made
-- after the last PV it holds was registered, so a re-export of last year made in February
-- holds the late registrations that the monthly export of December, made in January, does
-- not, and wins over it though both end on 31/12). Ties go to the later file name, its
-- numbers compared as numbers (wb_natural: an upload's tenth version "feiten_10.csv" after
-- its ninth). Never file modification times: the build is a function of content.
with dated as (
    select 'incidents' as kind, source_file, record_date, cast(registered_at as date) as registered
    from staging.stg_islp__incidents where reject_reason is null
    union all select 'accidents', source_file, record_date, null from staging.stg_islp__accidents where reject_reason is null
    union all select 'statbel', source_file, record_date, null from staging.stg_statbel__accidents where reject_reason is null
    union all select 'nuisance', source_file, record_date, null from staging.stg_register__nuisance where reject_reason is null
    union all select 'tasks', source_file, record_date, null from staging.stg_islp__tasks where reject_reason is null
    union all select 'controls', source_file, record_date, null from staging.stg_islp__controls where reject_reason is null
    union all select 'poi', source_file, record_date, null from staging.stg_zone__poi where reject_reason is null
    union all select 'events', source_file, record_date, null from staging.stg_zone__events where reject_reason is null
    -- Victims carry no date: a victims file is as new as the accidents it describes.
    union all
    select 'victims', v.source_file, a.record_date, null
    from staging.stg_islp__victims v
    left join staging.stg_islp__accidents a on a.accident_id = v.accident_id and a.reject_reason is null
    where v.reject_reason is null
),
files as (
    select kind, source_file, max(record_date) as max_record_date,
        greatest(max(record_date), max(registered)) as max_date, count(*) as n_valid
    from dated
    group by kind, source_file
)
select
    kind,
    source_file,
    max_record_date,
    max_date,
    row_number() over (
        partition by kind
        order by max_date desc nulls last, wb_natural(wb_stem(source_file)) desc, wb_natural(source_file) desc, source_file desc
    ) as file_rank,
    -- The file with the most usable rows of its kind (see int_<kind>_current).
    row_number() over (partition by kind order by n_valid desc, source_file) = 1 as is_largest
from files
