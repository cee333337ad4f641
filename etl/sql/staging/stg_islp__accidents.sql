-- The zone's own traffic-accident export, typed and checked.
with
-- Keys that occur more than once in a file (usually none): only their rows are typed a
-- second time, to find the last usable one (wb_last_usable, macros.sql).
repeated_keys as materialized (
    select * from wb_repeated_keys('raw.accidents', wb_key(accident_id))
),
typed as not materialized (
    select
        key_ as accident_id,
        -- The date field, and the time of day when the export gives it in a column of its
        -- own ("Uur"; wb_at).
        occurred_at_day,
        occurred_clock,
        wb_at(occurred_at_day, occurred_clock) as occurred_at,
        -- An export that gives the day only: the hour is unknown, not midnight
        -- (wb_day_only; the marts' hour is then NULL). "occurred_at" is still the export's text.
        coalesce(occurred_clock is not null or not wb_day_only(occurred_at_day, occurred_at), false) as time_known,
        cast(wb_text(street) as label_accidents__street) as street,
        cast(wb_text(house_number) as label_accidents__house_number) as house_number,
        cast(wb_text(municipality) as label_accidents__municipality) as municipality,
        x_num,
        y_num,
        -- 'coördinaten' when the export gave a pair the locating step certainly places
        -- (wb_pair_usable: not 0, in Belgium); the geocoding step may fill in 'adres
        -- exact' / 'adres genormaliseerd' for the others when they have an address.
        cast(case when wb_pair_usable(x_num, y_num) then 'coördinaten' end as wb_geocode_method) as geocode_method,
        cast(wb_text(severity) as label_accidents__severity) as severity,
        cast(wb_text(road_user_1) as label_accidents__road_user_1) as road_user_1,
        cast(wb_text(road_user_2) as label_accidents__road_user_2) as road_user_2,
        cast(wb_text(light) as label_accidents__light) as light,
        cast(wb_text(weather) as label_accidents__weather) as weather,
        cast(wb_text(built_up) as label_accidents__built_up) as built_up,
        cast(wb_text(crossroads) as label_accidents__crossroads) as crossroads,
        cast(wb_text(road_type) as label_accidents__road_type) as road_type,
        wb_text(occurred_at) as occurred_at_text,
        wb_text(occurred_time) as occurred_time_text,
        row_fault, source_file, source_row, load_order,
        k.key_file is not null as key_repeats
    -- The key in its canonical form (wb_key), and each field that the columns above use
    -- more than once, parsed once here: a name given in the same select list is its whole
    -- expression again at every use, and planning those copies cost 0.1-0.2 s per build.
    -- X and Y, or a point in one column (WKT, "50.88, 4.66"; wb_xy) when the export has no X/Y.
    from (
        select *, wb_key(accident_id) as key_, wb_ts(occurred_at) as occurred_at_day, wb_time_col(occurred_time) as occurred_clock,
            wb_x(x, xy) as x_num, wb_y(y, xy) as y_num
        from raw.accidents
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
            when accident_id is null then wb_reject('accident_id', 'Ongevalnummer ontbreekt', null)
            -- An Excel error value or a number Excel rounded (wb_key_spoilt): before the
            -- duplicate-key rule (wb_last_usable), so such rows are no duplicates either.
            when wb_key_spoilt(accident_id) then wb_key_reject('accident_id', 'Ongevalnummer', accident_id)
            when occurred_at_text is null then wb_reject('occurred_at', 'Datum/uur van het ongeval ontbreekt', null)
            when wb_placeholder_date(occurred_at_day, occurred_at_text) then wb_placeholder_reject('occurred_at', 'Datum/uur', occurred_at_text)
            -- A period ("05/11/2026 22:00 - 06/11/2026 01:00") is a moment's window only for
            -- the facts: here it was "geen geldige datum" in the very format it asked for.
            when occurred_at_day is null and wb_period(occurred_at_text) is not null then wb_reject('occurred_at', 'Datum/uur is een periode: hier hoort één moment (dd/mm/jjjj uu:mm), bijvoorbeeld het begin', occurred_at_text)
            when occurred_at_day is null then wb_reject('occurred_at', 'Datum/uur is geen geldige datum (verwacht dd/mm/jjjj uu:mm)', occurred_at_text)
            when occurred_time_text is not null and occurred_clock is null then wb_reject('occurred_time', 'Uur van het ongeval is geen geldig uur (verwacht uu:mm)', occurred_time_text)
            when occurred_at >= p.future_from then wb_reject('occurred_at', 'Datum/uur ligt in de toekomst', occurred_at_text)
        end as rej
    from typed t cross join raw.build_params p
)
-- Within one file the last usable row of a key counts (wb_last_usable, macros.sql).
select
    * exclude (occurred_at_text, occurred_at_day, occurred_clock, occurred_time_text),
    cast(occurred_at as date) as record_date
from wb_last_usable(
    'checked', accident_id, 'accident_id', accident_id,
    'Ongevalnummer komt meermaals voor in dit bestand; de laatste bruikbare rij telt'
)
