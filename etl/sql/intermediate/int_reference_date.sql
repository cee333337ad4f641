-- The build's "today": the latest date seen in the data, so overdue tasks and "last 28 days"
-- depend only on the files, never on when the build ran.
-- The tasks' own "today" (tasks_reference_date), on which marts.tasks judges open and
-- overdue: the same day while the task exports run up to it (their last task received
-- within their edge slack of it, wb_edge_slack: a quiet end); an export that stops before
-- the others (last year's tasks beside this week's facts) is judged on its own latest date
-- (a task received or closed), the day its state is known. Judged on the other exports'
-- day, every task still open at the export's end was "over termijn", eleven months late.
with latest as (
    select 'incidents' as kind, max(cast(occurred_from as date)) as d from staging.stg_islp__incidents where reject_reason is null
    union all select 'accidents', max(cast(occurred_at as date)) from staging.stg_islp__accidents where reject_reason is null
    union all select 'nuisance', max(cast(reported_at as date)) from staging.stg_register__nuisance where reject_reason is null
    union all select 'tasks', max(cast(greatest(received_at, coalesce(closed_at, received_at)) as date)) from staging.stg_islp__tasks where reject_reason is null
    union all select 'controls', max(cast(started_at as date)) from staging.stg_islp__controls where reject_reason is null
),
received as (
    select min(cast(received_at as date)) as first, max(cast(received_at as date)) as last,
           count(received_at) as n
    from staging.stg_islp__tasks
    where reject_reason is null
),
reference as (
    select coalesce(max(d), cast('1970-01-01' as date)) as reference_date,
           max(d) filter (where kind = 'tasks') as tasks_latest
    from latest
)
select
    r.reference_date,
    case
        when t.last is null then r.reference_date
        when date_diff('day', t.last, r.reference_date)
             <= wb_edge_slack(t.n, date_diff('day', t.first, t.last) + 1) then r.reference_date
        else r.tasks_latest
    end as tasks_reference_date
from reference r
cross join received t
