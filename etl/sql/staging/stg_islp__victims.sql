-- Victims of the zone's accidents: one row per victim, no names.
with
-- Keys that occur more than once in a file (usually none): only their rows are typed a
-- second time, to find the last usable one (see `numbered`).
repeated_keys as materialized (
    select source_file as key_file, wb_text(accident_id) as key_accident_id, wb_int(victim_number) as key_victim_number
    from raw.victims
    group by all
    having count(*) > 1
),
typed as not materialized (
    select
        wb_text(accident_id) as accident_id,
        wb_text(victim_number) as victim_number_text,
        wb_int(victim_number) as victim_number,
        cast(wb_text(severity) as label_victims__severity) as severity,
        cast(wb_text(road_user) as label_victims__road_user) as road_user,
        cast(wb_text(age_group) as label_victims__age_group) as age_group,
        row_fault, source_file, source_row, load_order,
        k.key_file is not null as key_repeats
    from raw.victims r
    left join repeated_keys k on k.key_file = r.source_file and k.key_accident_id = wb_text(r.accident_id) and k.key_victim_number = wb_int(r.victim_number)
),
-- Not materialised: the duplicate check below reads it again only for the rows of a
-- repeated key (the filter on key_repeats reaches the join in `typed`).
checked as not materialized (
    select
        *,
        case
            when row_fault is not null then row_fault
            when accident_id is null then wb_reject('accident_id', 'Ongevalnummer ontbreekt', null)
            when victim_number_text is null then wb_reject('victim_number', 'Volgnummer van het slachtoffer ontbreekt', null)
            when victim_number is null then wb_reject('victim_number', 'Volgnummer is geen geheel getal', victim_number_text)
        end as rej
    from typed
),
numbered as (
    -- Within one file the last usable row of a key counts; earlier usable ones are refused,
    -- visibly. A later row refused for a fault of its own does not cost the good one.
    select c.*, coalesce(c.source_row < d.last_row, false) as superseded_in_file
    from checked c
    left join (
        select source_file, accident_id, victim_number, max(source_row) filter (where rej is null) as last_row
        from checked
        where key_repeats
        group by source_file, accident_id, victim_number
    ) d using (source_file, accident_id, victim_number)
)
select
    * exclude (rej, row_fault, superseded_in_file, key_repeats, victim_number_text),
    cast(null as date) as record_date,
    coalesce(rej.reason, case when superseded_in_file then 'Slachtoffer (ongevalnummer + volgnummer) komt meermaals voor in dit bestand; de laatste bruikbare rij telt' end) as reject_reason,
    coalesce(rej.field, case when superseded_in_file then 'victim_number' end) as reject_field,
    coalesce(rej.value, case when superseded_in_file then accident_id || ' / ' || victim_number end) as reject_value
from numbered
