-- Local events (kermis, fuif, wielerwedstrijd, markt ...), typed and checked. Unlike the
-- police's own records an event may lie in the future: the list is a planning.
with
-- Keys that occur more than once in a file (usually none): only their rows are typed a
-- second time, to find the last usable one (wb_last_usable, macros.sql).
repeated_keys as materialized (
    select * from wb_repeated_keys('raw.events', wb_key(event_id))
),
typed as not materialized (
    select
        key_ as event_id,
        wb_text(name) as name,
        cast(wb_text(event_type) as label_events__event_type) as event_type,
        -- The hours in columns of their own ("Datum; Beginuur; Einduur"; wb_at): an end
        -- hour alone is on the day of the beginning, or the next day when it comes before
        -- the beginning (a fuif from 22:00 to 04:00), as for traffic controls.
        wb_at(started_at_ts, started_clock) as started_at,
        wb_end(ended_day, ended_clock, started_at_ts, started_clock) as ended_day,
        ended_clock,
        wb_text(place) as place,
        cast(wb_text(street) as label_events__street) as street,
        cast(wb_text(house_number) as label_events__house_number) as house_number,
        cast(wb_text(postcode) as label_events__postcode) as postcode,
        cast(wb_text(municipality) as label_events__municipality) as municipality,
        x_num,
        y_num,
        -- 'coördinaten' for a pair the locating step certainly places; the geocoding step
        -- may fill in an address match for the others.
        cast(case when wb_pair_usable(x_num, y_num) then 'coördinaten' end as wb_geocode_method) as geocode_method,
        -- Counts (wb_count): "1.234" is 1234, "2,5" no count; never rounded.
        -- "ca. 2000", "500-800" (wb_estimate_text): an estimate, not a refused event.
        wb_count(wb_estimate_text(visitors)) as visitors,
        wb_text(organiser) as organiser,
        cast(wb_text(status) as label_events__status) as status,
        wb_text(started_at) as started_at_text,
        wb_text(ended_at) as ended_at_text,
        wb_text(started_time) as started_time_text,
        wb_text(ended_time) as ended_time_text,
        started_clock,
        wb_text(visitors) as visitors_text,
        row_fault, source_file, source_row, load_order,
        k.key_file is not null as key_repeats
    -- The key in its canonical form (wb_key), and each field the checks use more than once,
    -- parsed once here: a name given in the same select list is its whole expression again
    -- at every use (planning the copies took 0.25 s for 255 rows).
    -- X and Y, or a point in one column (WKT, "50.88, 4.66"; wb_xy) when the list has no X/Y.
    from (
        select *, wb_key(event_id) as key_, wb_ts(started_at) as started_at_ts,
            wb_ts(ended_at) as ended_day, wb_time_col(started_time) as started_clock,
            wb_time_col(ended_time) as ended_clock, wb_x(x, xy) as x_num, wb_y(y, xy) as y_num
        from raw.events
    ) r
    left join repeated_keys k on k.key_file = r.source_file and k.repeated_key = r.key_
),
-- An end date without a time of day ("Einde 05/07/2026" for a kermis) runs to the end of
-- that day (wb_day_only); a placeholder end (31/12/9999) is how a list says "none".
ended as not materialized (
    select
        *,
        case
            when wb_placeholder_date(ended_day, ended_at_text) then null
            when ended_clock is null and wb_day_only(ended_day, ended_at_text) then ended_day + interval 1 day
            else ended_day
        end as ended_at
    from typed
),
-- Not materialised: wb_last_usable reads it again only for the rows of a repeated key
-- (the filter on key_repeats reaches the join in `typed`).
checked as not materialized (
    select
        e.*,
        case
            when row_fault is not null then row_fault
            when event_id is null then wb_reject('event_id', 'Dossiernummer ontbreekt', null)
            -- An Excel error value or a number Excel rounded (wb_key_spoilt): before the
            -- duplicate-key rule (wb_last_usable), so such rows are no duplicates either.
            when wb_key_spoilt(event_id) then wb_key_reject('event_id', 'Dossiernummer', event_id)
            when name is null then wb_reject('name', 'Naam van het evenement ontbreekt', null)
            when started_at_text is null then wb_reject('started_at', 'Begin van het evenement ontbreekt', null)
            when wb_placeholder_date(started_at, started_at_text) then wb_placeholder_reject('started_at', 'Begin', started_at_text)
            when started_at is null then wb_reject('started_at', 'Begin is geen geldige datum (verwacht dd/mm/jjjj uu:mm)', started_at_text)
            when started_time_text is not null and started_clock is null then wb_reject('started_time', 'Beginuur is geen geldig uur (verwacht uu:mm)', started_time_text)
            when ended_time_text is not null and ended_clock is null then wb_reject('ended_time', 'Einduur is geen geldig uur (verwacht uu:mm)', ended_time_text)
            when ended_at_text is not null and ended_day is null and not wb_placeholder_date(ended_day, ended_at_text) then wb_reject('ended_at', 'Einde is geen geldige datum (verwacht dd/mm/jjjj uu:mm)', ended_at_text)
            when ended_at < started_at then wb_reject('ended_at', 'Einde ligt vóór het begin', ended_at_text)
            when visitors_text is not null and visitors is null then wb_reject('visitors', wb_count_reason('Verwachte bezoekers', visitors_text), visitors_text)
            when visitors < 0 then wb_reject('visitors', 'Verwachte bezoekers is negatief', visitors_text)
        end as rej
    from ended e
)
-- Within one file the last usable row of a key counts (wb_last_usable, macros.sql).
-- No record date: across lists the later file name wins (int_file_ranks). An event list
-- is a planning, and its latest event says nothing about which list is newer: an older
-- list holding next year's kermis would otherwise outrank the correction sent after it.
select
    * exclude (ended_day, ended_clock, started_clock, started_at_text, ended_at_text,
        started_time_text, ended_time_text, visitors_text),
    cast(null as date) as record_date
from wb_last_usable(
    'checked', event_id, 'event_id', event_id,
    'Dossiernummer komt meermaals voor in dit bestand; de laatste bruikbare rij telt'
)
