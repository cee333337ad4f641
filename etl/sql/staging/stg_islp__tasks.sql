-- Wijk tasks (kantschriften, woonstvaststellingen, ...), typed and checked.
with
-- Keys that occur more than once in a file (usually none): only their rows are typed a
-- second time, to find the last usable one (wb_last_usable, macros.sql).
repeated_keys as materialized (
    select * from wb_repeated_keys('raw.tasks', wb_key(task_id))
),
typed as not materialized (
    select
        key_ as task_id,
        cast(wb_text(task_type) as label_tasks__task_type) as task_type,
        wb_ts(received_at) as received_at,
        wb_ts(due_at) as due_at,
        wb_ts(closed_at) as closed_at,
        cast(wb_text(wijk) as label_tasks__wijk) as wijk_code_reported,
        cast(wb_text(inspector) as label_tasks__inspector) as inspector,
        cast(wb_text(status) as label_tasks__status) as status,
        cast(wb_text(street) as label_tasks__street) as street,
        cast(wb_text(house_number) as label_tasks__house_number) as house_number,
        cast(wb_text(municipality) as label_tasks__municipality) as municipality,
        wb_text(reference) as reference,
        -- Tasks carry an address, no coordinates: the geocoding step may fill these in.
        cast(null as double) as x_num,
        cast(null as double) as y_num,
        cast(null as wb_geocode_method) as geocode_method,
        wb_text(received_at) as received_at_text,
        wb_text(due_at) as due_at_text,
        wb_text(closed_at) as closed_at_text,
        row_fault, source_file, source_row, load_order,
        k.key_file is not null as key_repeats
    -- The key in its canonical form (wb_key), read once for the join and the column.
    from (select *, wb_key(task_id) as key_ from raw.tasks) r
    left join repeated_keys k on k.key_file = r.source_file and k.repeated_key = r.key_
),
-- Not materialised: wb_last_usable reads it again only for the rows of a repeated key
-- (the filter on key_repeats reaches the join in `typed`).
checked as not materialized (
    select
        t.*,
        case
            when row_fault is not null then row_fault
            when task_id is null then wb_reject('task_id', 'Taaknummer ontbreekt', null)
            -- An Excel error value or a number Excel rounded (wb_key_spoilt): before the
            -- duplicate-key rule (wb_last_usable), so such rows are no duplicates either.
            when wb_key_spoilt(task_id) then wb_key_reject('task_id', 'Taaknummer', task_id)
            when received_at_text is null then wb_reject('received_at', 'Datum ontvangen ontbreekt', null)
            when wb_placeholder_date(received_at, received_at_text) then wb_placeholder_reject('received_at', 'Datum ontvangen', received_at_text)
            when received_at is null then wb_reject('received_at', 'Datum ontvangen is geen geldige datum (verwacht dd/mm/jjjj)', received_at_text)
            when received_at >= p.future_from then wb_reject('received_at', 'Datum ontvangen ligt in de toekomst', received_at_text)
            -- A placeholder in the optional dates is how the source says "none": Termijn
            -- 31/12/9999 (no deadline), Datum afgesloten 01/01/1900 (not closed). Read as
            -- empty (below), never refused: the task itself is real.
            when due_at_text is not null and due_at is null and not wb_placeholder_date(due_at, due_at_text) then wb_reject('due_at', 'Termijn is geen geldige datum (verwacht dd/mm/jjjj)', due_at_text)
            when wb_placeholder_date(closed_at, closed_at_text) then null
            when closed_at_text is not null and closed_at is null then wb_reject('closed_at', 'Datum afgesloten is geen geldige datum (verwacht dd/mm/jjjj)', closed_at_text)
            when closed_at >= p.future_from then wb_reject('closed_at', 'Datum afgesloten ligt in de toekomst', closed_at_text)
        end as rej
    from typed t cross join raw.build_params p
)
-- Within one file the last usable row of a key counts (wb_last_usable, macros.sql).
select
    * exclude (received_at_text, due_at_text, closed_at_text),
    -- Closed (or due) before it was received: kept and flagged, never refused; the
    -- workload page's quality-control queue lists exactly these.
    coalesce(cast(closed_at as date) < cast(received_at as date)
             or cast(due_at as date) < cast(received_at as date), false) as dates_inconsistent,
    cast(greatest(received_at, coalesce(closed_at, received_at)) as date) as record_date
from (
    -- Placeholders in the optional dates read as empty (see `checked`). The far one as a
    -- deadline (Termijn 31/12/9999, "never") is the export saying "no deadline": the task
    -- type's default term (marts.tasks) does not apply to it, as it does to an empty
    -- Termijn or a zero date (01/01/1900, 00/00/0000: nothing filled in).
    select * replace (
        case when not wb_placeholder_date(due_at, due_at_text) then due_at end as due_at,
        case when not wb_placeholder_date(closed_at, closed_at_text) then closed_at end as closed_at),
        coalesce(due_at >= TIMESTAMP '9999-12-31', false) as no_deadline
    from wb_last_usable(
        'checked', task_id, 'task_id', task_id,
        'Taaknummer komt meermaals voor in dit bestand; de laatste bruikbare rij telt'
    )
)
