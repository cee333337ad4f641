-- Traffic controls, typed and checked.
with
-- Keys that occur more than once in a file (usually none): only their rows are typed a
-- second time, to find the last usable one (wb_last_usable, macros.sql).
repeated_keys as materialized (
    select * from wb_repeated_keys('raw.controls', wb_key(control_id))
),
typed as not materialized (
    select
        key_ as control_id,
        cast(wb_text(control_type) as label_controls__control_type) as control_type,
        -- The hours in columns of their own ("Datum; Van; Tot"; wb_at): an end hour alone
        -- is on the day of the beginning, or the next day when it comes before the beginning
        -- (a control through midnight).
        wb_at(started_day, started_clock) as started_at,
        wb_end(ended_day, ended_clock, started_day, started_clock) as ended_at,
        end_is_clock,
        started_clock,
        ended_clock,
        cast(wb_text(street) as label_controls__street) as street,
        -- Not in this export; the located models read the same columns for every kind.
        cast(null as varchar) as municipality,
        -- X and Y, or a point in one column (WKT, "50.88, 4.66"; wb_xy) when the export has no X/Y.
        wb_x(x, xy) as x_num,
        wb_y(y, xy) as y_num,
        -- Counts (wb_count): "1.234" is 1234, "2,5" no count; never rounded.
        wb_count(vehicles_checked) as vehicles_checked,
        wb_count(offences) as offences,
        wb_text(started_at) as started_at_text,
        wb_text(ended_at) as ended_at_text,
        wb_text(started_time) as started_time_text,
        wb_text(ended_time) as ended_time_text,
        wb_text(vehicles_checked) as vehicles_checked_text,
        wb_text(offences) as offences_text,
        row_fault, source_file, source_row, load_order,
        k.key_file is not null as key_repeats
    -- The key in its canonical form (wb_key), read once for the join and the column.
    from (
        -- An Einde that holds an hour alone ("10:00"; "00:00" is midnight, no placeholder
        -- there) is the end hour on the day of the beginning. Each field parsed once: a
        -- name given in the same select list is its whole expression again at every use.
        select *,
            coalesce(wb_time_col(ended_time), case when end_is_clock then end_as_clock end) as ended_clock
        from (
            select *, end_as_clock is not null and ended_day is null and ended_time is null as end_is_clock
            from (
                select *, wb_key(control_id) as key_, wb_ts(started_at) as started_day,
                    wb_ts(ended_at) as ended_day, wb_time_col(started_time) as started_clock,
                    case when ended_at is not null and ended_time is null and not contains(ended_at, '/')
                        and not contains(ended_at, '-') then wb_time(ended_at) end as end_as_clock
                from raw.controls
            )
        )
    ) r
    left join repeated_keys k on k.key_file = r.source_file and k.repeated_key = r.key_
),
-- Not materialised: wb_last_usable reads it again only for the rows of a repeated key
-- (the filter on key_repeats reaches the join in `typed`).
checked as not materialized (
    select
        t.*,
        case
            when row_fault is not null then row_fault
            when control_id is null then wb_reject('control_id', 'Controlenummer ontbreekt', null)
            -- An Excel error value or a number Excel rounded (wb_key_spoilt): before the
            -- duplicate-key rule (wb_last_usable), so such rows are no duplicates either.
            when wb_key_spoilt(control_id) then wb_key_reject('control_id', 'Controlenummer', control_id)
            when started_at_text is null then wb_reject('started_at', 'Begin van de controle ontbreekt', null)
            when wb_placeholder_date(started_at, started_at_text) then wb_placeholder_reject('started_at', 'Begin', started_at_text)
            when started_at is null then wb_reject('started_at', 'Begin is geen geldige datum (verwacht dd/mm/jjjj uu:mm)', started_at_text)
            when started_time_text is not null and started_clock is null then wb_reject('started_time', 'Beginuur is geen geldig uur (verwacht uu:mm)', started_time_text)
            when ended_time_text is not null and ended_clock is null then wb_reject('ended_time', 'Einduur is geen geldig uur (verwacht uu:mm)', ended_time_text)
            when started_at >= p.future_from then wb_reject('started_at', 'Begin ligt in de toekomst', started_at_text)
            -- A placeholder end (31/12/9999, 01/01/1900) is how the source says "none":
            -- read as empty (below), never refused.
            when ended_at_text is not null and ended_at is null and not (wb_placeholder_date(ended_at, ended_at_text) and not end_is_clock) then wb_reject('ended_at', 'Einde is geen geldige datum (verwacht dd/mm/jjjj uu:mm)', ended_at_text)
            when ended_at < started_at and not (wb_placeholder_date(ended_at, ended_at_text) and not end_is_clock) then wb_reject('ended_at', 'Einde ligt vóór het begin', ended_at_text)
            when vehicles_checked_text is not null and vehicles_checked is null then wb_reject('vehicles_checked', wb_count_reason('Gecontroleerde voertuigen', vehicles_checked_text), vehicles_checked_text)
            when offences_text is not null and offences is null then wb_reject('offences', wb_count_reason('Overtredingen', offences_text), offences_text)
            when vehicles_checked < 0 then wb_reject('vehicles_checked', 'Gecontroleerde voertuigen is negatief', vehicles_checked_text)
            when offences < 0 then wb_reject('offences', 'Overtredingen is negatief', offences_text)
        end as rej
    from typed t cross join raw.build_params p
)
-- Within one file the last usable row of a key counts (wb_last_usable, macros.sql).
select
    * exclude (vehicles_checked_text, offences_text, started_at_text, ended_at_text,
        started_time_text, ended_time_text, started_clock, ended_clock, end_is_clock),
    cast(started_at as date) as record_date
from (
    -- A placeholder end reads as empty (see `checked`).
    select * replace (
        case when end_is_clock or not wb_placeholder_date(ended_at, ended_at_text) then ended_at end as ended_at)
    from wb_last_usable(
        'checked', control_id, 'control_id', control_id,
        'Controlenummer komt meermaals voor in dit bestand; de laatste bruikbare rij telt'
    )
)
