-- One row per wijk task. "Overdue" is judged at the tasks' reference date (the latest date in
-- the task exports, int_reference_date), so the same files always give the same answer.
with judged as not materialized (
    select
        t.*,
        -- No deadline in the export: the task type's default term from the zone configuration;
        -- none when the export says so with a placeholder (Termijn 31/12/9999).
        case when not t.no_deadline
            then coalesce(t.due_at, t.received_at + to_days(cast(tt.deadline_days as integer)))
        end as due,
        -- Not open once closed, or marked done without a closing date (the status
        -- vocabulary: etl.config.FINISHED_TASK_STATUSES; "te controleren" is done).
        t.closed_at is null and not coalesce(st.finished, false) as open_now,
        -- Done by the inspector, waiting for the wijkcoördinator's check.
        coalesce(st.to_review, false) as to_review,
        -- The zone configuration's spelling of a name written otherwise (int_staff_spelling).
        coalesce(sp.inspector, t.inspector, w.inspector) as inspector_named,
        r.tasks_reference_date as reference_date
    from intermediate.int_tasks_located t
    cross join intermediate.int_reference_date r
    left join raw.zone_wijken w on w.code = t.wijk_code
    -- The configured type of each task label, without case or surrounding spaces
    -- ("kantschrift" is Kantschrift: its default deadline applies), decided per distinct label.
    -- The labels are read from the staged table: the located view would run its joins a second
    -- time for them (a tenth of this mart's time).
    left join (
        select l.task_type as label, any_value(z.deadline_days order by z.name) as deadline_days
        from (select distinct task_type from staging.stg_islp__tasks) l
        join raw.zone_task_types z on lower(trim(z.name)) = lower(trim(cast(l.task_type as varchar)))
        group by l.task_type
    ) tt on tt.label = t.task_type
    left join intermediate.int_staff_spelling sp on sp.label = cast(t.inspector as varchar)
    -- The status vocabulary decided per distinct label, not per row: per row the two macros
    -- (text of the label, trimmed, lower case, looked up in a list) were a fifth of this
    -- mart's time.
    left join (
        select status as label, wb_task_finished(status) as finished, wb_task_to_review(status) as to_review
        from (select distinct status from staging.stg_islp__tasks)
    ) st on st.label = t.status
)
select
    t.task_id,
    t.task_type,
    t.received_at,
    t.due as due_at,
    t.closed_at,
    -- ENUMs of every value these can take (etl.labels.task_types), not text.
    cast(t.wijk_code as wb_task_wijk) as wijk_code,
    t.wijk_code_located,
    t.wijk_name,
    cast(t.inspector_named as wb_task_inspector) as inspector,
    t.status,
    t.open_now as is_open,
    t.open_now and t.due is not null and cast(t.due as date) < t.reference_date as is_overdue,
    t.to_review,
    date_diff('day', cast(t.received_at as date), cast(coalesce(t.closed_at, t.reference_date) as date)) as lead_days,
    t.reference,
    t.dates_inconsistent,
    t.street, t.house_number, t.municipality as municipality_reported,
    cast(t.received_at as date) as date,
    year(t.received_at) as year,
    month(t.received_at) as month,
    isoyear(t.received_at) as iso_year,
    weekofyear(t.received_at) as iso_week,
    isodow(t.received_at) as weekday,
    -- The exports give the day a task came in, rarely its time: midnight is "no time
    -- given", NULL as in the other marts, not hour 0 for every task (an audit). A task
    -- received at exactly 00:00 loses its hour; the full day-only rule (wb_day_only, a
    -- pattern per row) is not worth it for an hour no page groups tasks by.
    case when cast(t.received_at as time) <> time '00:00:00' then hour(t.received_at) end as hour,
    t.x, t.y, t.lon, t.lat, t.deelgemeente_code, t.deelgemeente_name, t.nis_code,
    t.municipality_name, t.h3_cell, t.h3_cell_coarse, t.location_status, t.location_note, t.geocode_method,
    t.source_file, t.source_row
from judged t
