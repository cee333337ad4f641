-- The build's "today": the latest date seen in the data, so overdue tasks and "last 28 days"
-- depend only on the files, never on when the build ran.
select coalesce(max(d), cast('1970-01-01' as date)) as reference_date
from (
    select max(cast(occurred_from as date)) as d from staging.stg_islp__incidents where reject_reason is null
    union all select max(cast(occurred_at as date)) from staging.stg_islp__accidents where reject_reason is null
    union all select max(cast(reported_at as date)) from staging.stg_register__nuisance where reject_reason is null
    union all select max(cast(greatest(received_at, coalesce(closed_at, received_at)) as date)) from staging.stg_islp__tasks where reject_reason is null
    union all select max(cast(started_at as date)) from staging.stg_islp__controls where reject_reason is null
) dates
