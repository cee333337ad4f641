-- Absences of the wijkinspecteurs (both dates included; no end date = one day).
-- An end of 31/12/9999 (or Excel's serial 2958465 for it) is how rosters and HR lists
-- write "until further notice" (long sick leave): the absence is open-ended, it runs
-- through every window after its start. Other placeholder ends (01/01/1900, 00/00/0000,
-- ...) say nothing usable and are refused.
with typed as (
    select
        wb_text(inspector) as inspector,
        cast(wb_ts(start_date) as date) as start_date,
        cast(wb_ts(end_date) as date) as end_date_given,
        wb_text(reason) as reason,
        wb_text(start_date) as start_date_text,
        wb_text(end_date) as end_date_text,
        coalesce(
            cast(wb_ts(end_date) as date) >= date '9999-12-31'
            or regexp_full_match(wb_text(end_date), '2958465([.,]0*)?'),
            false
        ) as open_ended,
        row_fault, source_file, source_row, load_order
    from raw.absences
),
checked as (
    select
        *,
        case
            when row_fault is not null then row_fault
            when inspector is null then wb_reject('inspector', 'Wijkinspecteur ontbreekt', null)
            when start_date_text is null then wb_reject('start_date', 'Begindatum afwezigheid ontbreekt', null)
            when wb_placeholder_date(start_date, start_date_text) then wb_placeholder_reject('start_date', 'Begindatum afwezigheid', start_date_text)
            when start_date is null then wb_reject('start_date', 'Begindatum afwezigheid is geen geldige datum (verwacht dd/mm/jjjj)', start_date_text)
            when not open_ended and wb_placeholder_date(end_date_given, end_date_text) then wb_placeholder_reject('end_date', 'Einddatum afwezigheid', end_date_text)
            when end_date_text is not null and end_date_given is null and not open_ended then wb_reject('end_date', 'Einddatum afwezigheid is geen geldige datum (verwacht dd/mm/jjjj)', end_date_text)
            when end_date_given < start_date then wb_reject('end_date', 'Einddatum afwezigheid ligt vóór de begindatum', end_date_text)
        end as rej
    from typed
)
select
    * exclude (rej, row_fault, start_date_text, end_date_text, end_date_given),
    case when open_ended then date '9999-12-31' else coalesce(end_date_given, start_date) end as end_date,
    cast(null as date) as record_date,
    rej.reason as reject_reason,
    rej.field as reject_field,
    rej.value as reject_value
from checked
