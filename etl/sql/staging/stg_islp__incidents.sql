-- ISLP incidents: typed, with the first reason (Dutch) a row cannot be used.
with
-- Keys that occur more than once in a file (usually none): only their rows are typed a
-- second time, to find the last usable one (wb_last_usable, macros.sql).
repeated_keys as materialized (
    select * from wb_repeated_keys('raw.incidents', wb_key(pv_number))
),
-- The date field read once, as a column: `typed` uses it several times, and a name given
-- in the same select list is the whole expression again at every use (wb_ts is large:
-- nested inside the period's, the model took 20 s to plan).
dated as not materialized (
    select
        r.*,
        k.key_file is not null as key_repeats,
        wb_ts(r.occurred_from) as occurred_from_whole,
        -- A period in the one date field ("van 03/02/2024 22:00 tot 04/02/2024 06:00";
        -- wb_period): only for a field that is no date.
        case when occurred_from_whole is null then wb_period(r.occurred_from) end as period_parts
    -- The key in its canonical form (wb_key), read once for the join and the column.
    from (select *, wb_key(pv_number) as pv_key from raw.incidents) r
    left join repeated_keys k on k.key_file = r.source_file and k.repeated_key = r.pv_key
),
-- Each field parsed once, as a column: `typed` combines them several times, and a name given
-- in the same select list is its whole expression again at every use (the occurred_to rules
-- held nine copies of wb_ts); planning those copies took half a second per build.
parsed as not materialized (
    select
        *,
        -- The date fields, and the time of day when the export gives it in a column of its
        -- own ("Uur feit", "Einduur"; wb_at).
        coalesce(occurred_from_whole, wb_ts(period_parts['a'])) as occurred_from_day,
        wb_time_col(occurred_from_time) as occurred_from_clock,
        -- (The period's end is only read for a period: most rows have no end at all.)
        coalesce(wb_ts(occurred_to), case when period_parts is not null then wb_ts(period_parts['b']) end) as occurred_to_day,
        coalesce(wb_time_col(occurred_to_time), case when period_parts is not null then wb_time(period_parts['b']) end) as occurred_to_clock,
        -- X and Y, or a point in one column (WKT, "50.88, 4.66"; wb_xy) when the export has no X/Y.
        wb_x(x, xy) as x_num,
        wb_y(y, xy) as y_num
    from dated
),
-- An end-date column that holds an hour alone ("Datum feit; Van; Tot" of a register kept by
-- hand, "Tot" 06:00): that hour ends the window, as an Einduur column's does; read only
-- where the column is no date.
ended as not materialized (
    select
        * replace (coalesce(occurred_to_clock, to_hour) as occurred_to_clock),
        to_hour is not null as to_is_hour
    from (
        select *, case when occurred_to_day is null and occurred_to is not null then wb_time(occurred_to) end as to_hour
        from parsed
    )
),
typed as not materialized (
    select
        pv_key as pv_number,
        occurred_from_whole,
        period_parts,
        occurred_from_day,
        occurred_from_clock,
        wb_at(occurred_from_day, occurred_from_clock) as occurred_from,
        -- A beginning without a time of day (a date alone, a period of days): its hour is
        -- unknown, not midnight (the marts' hour is then NULL; the window spreads it). Of a
        -- period in the one field, its beginning's text decides ("03/02/2024 - 04/02/2024 06:00").
        coalesce(occurred_from_clock is not null or not wb_day_only(occurred_from_day, coalesce(period_parts['a'], occurred_from)), false) as time_known,
        occurred_to_day,
        occurred_to_clock,
        -- (Here "occurred_from" and "occurred_to" would be the export's text: the raw
        -- column wins over the alias.)
        case
            -- An end without a time of day ("Einddatum 04/02/2024") runs to the end of
            -- that day (wb_day_only).
            when occurred_to_day is not null then
                case when occurred_to_clock is null and wb_day_only(occurred_to_day, coalesce(occurred_to, period_parts['b']))
                    then occurred_to_day + interval 1 day
                    else wb_at(occurred_to_day, occurred_to_clock) end
            -- Only an end time: the window ends at that time on the day it began, or on the
            -- next day when that comes before its beginning (a burglary "between 22:00 and
            -- 06:00").
            -- A day without a time ending at 00:00 ("03/02/2024", Einduur "00:00") ends
            -- with that day, not where it began.
            when occurred_to_clock is not null then wb_end_at(occurred_from_day, occurred_from_clock, occurred_to_clock)
                + case when occurred_from_clock is null and occurred_to_clock = time '00:00:00'
                        and wb_day_only(occurred_from_day, coalesce(period_parts['a'], occurred_from))
                    then interval 1 day else interval 0 day end
            -- A day without a time and without an end: the time is unknown, not midnight;
            -- the window is that whole day (the hour x weekday views spread it).
            when occurred_from_clock is null and wb_day_only(occurred_from_day, occurred_from)
                then occurred_from_day + interval 1 day
        end as occurred_to,
        wb_ts(registered_at) as registered_at,
        cast(wb_text(category) as label_incidents__category) as category,
        cast(wb_text(description) as label_incidents__description) as description,
        cast(wb_text(street) as label_incidents__street) as street,
        cast(wb_text(house_number) as label_incidents__house_number) as house_number,
        cast(wb_text(postcode) as label_incidents__postcode) as postcode,
        cast(wb_text(municipality) as label_incidents__municipality) as municipality,
        x_num,
        y_num,
        -- 'coördinaten' when the export gave a pair the locating step certainly places
        -- (wb_pair_usable: not 0, in Belgium); the geocoding step may fill in 'adres
        -- exact' / 'adres genormaliseerd' for the others when they have an address.
        cast(case when wb_pair_usable(x_num, y_num) then 'coördinaten' end as wb_geocode_method) as geocode_method,
        cast(wb_text(status) as label_incidents__status) as status,
        cast(wb_text(inspector) as label_incidents__inspector) as inspector,
        wb_text(occurred_from) as occurred_from_text,
        wb_text(occurred_to) as occurred_to_text,
        wb_text(occurred_from_time) as occurred_from_time_text,
        wb_text(occurred_to_time) as occurred_to_time_text,
        wb_text(registered_at) as registered_at_text,
        to_is_hour,
        row_fault, source_file, source_row, load_order, key_repeats
    from ended
),
-- Not materialised: wb_last_usable reads it again only for the rows of a repeated key
-- (the filter on key_repeats reaches the join in `typed`).
checked as not materialized (
    select
        t.*,
        case
            when row_fault is not null then row_fault
            when pv_number is null then wb_reject('pv_number', 'PV-nummer ontbreekt', null)
            -- An Excel error value or a number Excel rounded (wb_key_spoilt): before the
            -- duplicate-key rule (wb_last_usable), so such rows are no duplicates either.
            when wb_key_spoilt(pv_number) then wb_key_reject('pv_number', 'PV-nummer', pv_number)
            when occurred_from_text is null then wb_reject('occurred_from', 'Datum feit ontbreekt', null)
            -- A placeholder (01/01/1900, 31/12/9999, Excel's day 0; wb_placeholder_date) before
            -- the other date rules: it is no date, also where it would read as one.
            when wb_placeholder_date(occurred_from_day, occurred_from_text) then wb_placeholder_reject('occurred_from', 'Datum feit', occurred_from_text)
            when occurred_from_day is null then wb_reject('occurred_from', 'Datum feit is geen geldige datum (verwacht dd/mm/jjjj uu:mm)', occurred_from_text)
            when occurred_from_time_text is not null and occurred_from_clock is null then wb_reject('occurred_from_time', 'Uur feit is geen geldig uur (verwacht uu:mm)', occurred_from_time_text)
            -- The end, from its column or from the period in the date field (then that field's).
            when wb_placeholder_date(occurred_to_day, occurred_to_text) then wb_placeholder_reject(case when occurred_to_text is null then 'occurred_from' else 'occurred_to' end, 'Einddatum feit', coalesce(occurred_to_text, occurred_from_text))
            when period_parts['b'] is not null and occurred_to_day is null and occurred_to_clock is null then wb_reject('occurred_from', 'Het einde van de periode in Datum feit is geen geldige datum of uur (verwacht bv. "03/02/2024 22:00 - 04/02/2024 06:00")', occurred_from_text)
            when occurred_from >= p.future_from then wb_reject('occurred_from', 'Datum feit ligt in de toekomst', occurred_from_text)
            when occurred_to_text is not null and occurred_to_day is null and not to_is_hour then wb_reject('occurred_to', 'Einddatum feit is geen geldige datum (verwacht dd/mm/jjjj uu:mm)', occurred_to_text)
            when occurred_to_time_text is not null and occurred_to_clock is null then wb_reject('occurred_to_time', 'Einduur feit is geen geldig uur (verwacht uu:mm)', occurred_to_time_text)
            -- An end from the period in the date field (no end-date column) is that field's.
            when occurred_to < occurred_from then wb_reject(case when occurred_to_text is null then 'occurred_from' else 'occurred_to' end, 'Einddatum feit ligt vóór de begindatum', coalesce(occurred_to_text, occurred_from_text))
            when coalesce(occurred_to_day, occurred_to) >= p.today + 1 and (occurred_to_text is not null or period_parts['b'] is not null) then wb_reject(case when occurred_to_text is null then 'occurred_from' else 'occurred_to' end, 'Einddatum feit ligt in de toekomst', coalesce(occurred_to_text, occurred_from_text))
            -- An end with a time of day, later than the build allows (p.future_from, as the
            -- beginning): "until 18:00" today at a build at 14:00. From its own hour column
            -- (Einduur), its date column or the period in the date field, whichever gave it.
            when (occurred_to_clock is not null or (occurred_to_day is not null and not wb_day_only(occurred_to_day, coalesce(occurred_to_text, period_parts['b']))))
                and occurred_to >= p.future_from then
                case when occurred_to_time_text is not null then wb_reject('occurred_to_time', 'Einduur feit ligt in de toekomst', occurred_to_time_text)
                     when to_is_hour then wb_reject('occurred_to', 'Einduur feit ligt in de toekomst', occurred_to_text)
                     when occurred_to_text is not null then wb_reject('occurred_to', 'Einddatum feit ligt in de toekomst', occurred_to_text)
                     else wb_reject('occurred_from', 'Einddatum feit ligt in de toekomst', occurred_from_text) end
            -- A placeholder registration date (01/01/1900) says "none": read as empty
            -- (below), the PV itself is real. The rules after it are all about that date.
            when wb_placeholder_date(registered_at, registered_at_text) then null
            when registered_at_text is not null and registered_at is null then wb_reject('registered_at', 'Registratiedatum is geen geldige datum (verwacht dd/mm/jjjj uu:mm)', registered_at_text)
            when registered_at >= p.future_from then wb_reject('registered_at', 'Registratiedatum ligt in de toekomst', registered_at_text)
        end as rej
    from typed t cross join raw.build_params p
)
-- Within one file the last usable row of a key counts (wb_last_usable, macros.sql).
select
    * exclude (
        occurred_from_text, occurred_to_text, registered_at_text,
        occurred_from_whole, period_parts, occurred_from_day, occurred_from_clock, occurred_to_day, occurred_to_clock,
        occurred_from_time_text, occurred_to_time_text, to_is_hour
    ),
    -- Registered before the facts began: kept and flagged (quality-control queue).
    coalesce(cast(registered_at as date) < cast(occurred_from as date), false) as dates_inconsistent,
    cast(occurred_from as date) as record_date
from (
    -- A placeholder registration date reads as empty (see `checked`).
    select * replace (
        case when not wb_placeholder_date(registered_at, registered_at_text) then registered_at end as registered_at)
    from wb_last_usable(
        'checked', pv_number, 'pv_number', pv_number,
        'PV-nummer komt meermaals voor in dit bestand; de laatste bruikbare rij telt'
    )
)
