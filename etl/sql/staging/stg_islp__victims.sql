-- Victims of the zone's accidents: one row per victim, no names.
with
-- Keys that occur more than once in a file (usually none): only their rows are typed a
-- second time, to find the last usable one (wb_last_usable, macros.sql).
repeated_keys as materialized (
    select * from wb_repeated_keys('raw.victims', {'accident': wb_key(accident_id), 'victim': wb_count(victim_number)})
),
typed as not materialized (
    select
        accident_key as accident_id,
        wb_text(victim_number) as victim_number_text,
        victim_int as victim_number,
        cast(wb_text(severity) as label_victims__severity) as severity,
        cast(wb_text(road_user) as label_victims__road_user) as road_user,
        cast(wb_text(age_group) as label_victims__age_group) as age_group,
        row_fault, source_file, source_row, load_order,
        k.key_file is not null as key_repeats
    -- The accident's key in its canonical form (wb_key, as the accidents export's), read
    -- once for the join and the column.
    from (select *, wb_key(accident_id) as accident_key, wb_count(victim_number) as victim_int from raw.victims) r
    left join repeated_keys k on k.key_file = r.source_file and k.repeated_key = {'accident': r.accident_key, 'victim': r.victim_int}
),
-- Not materialised: wb_last_usable reads it again only for the rows of a repeated key
-- (the filter on key_repeats reaches the join in `typed`).
checked as not materialized (
    select
        *,
        case
            when row_fault is not null then row_fault
            when accident_id is null then wb_reject('accident_id', 'Ongevalnummer ontbreekt', null)
            -- An Excel error value or a number Excel rounded (wb_key_spoilt): before the
            -- duplicate-key rule (wb_last_usable), so such rows are no duplicates either.
            when wb_key_spoilt(accident_id) then wb_key_reject('accident_id', 'Ongevalnummer', accident_id)
            when victim_number_text is null then wb_reject('victim_number', 'Volgnummer van het slachtoffer ontbreekt', null)
            -- wb_count: "2,5" is no sequence number (wb_int rounded it to 3, another victim's).
            when victim_number is null then wb_reject('victim_number', 'Volgnummer is geen geheel getal', victim_number_text)
        end as rej
    from typed
)
-- Within one file the last usable row of a key counts (wb_last_usable, macros.sql).
select
    * exclude (victim_number_text),
    cast(null as date) as record_date
from wb_last_usable(
    'checked', {'accident': accident_id, 'victim': victim_number}, 'victim_number', accident_id || ' / ' || victim_number,
    'Slachtoffer (ongevalnummer + volgnummer) komt meermaals voor in dit bestand; de laatste bruikbare rij telt'
)
