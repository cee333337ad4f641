-- Victims of the zone's accidents: one row per victim, no names.
with typed as not materialized (
    select
        wb_text(accident_id) as accident_id,
        wb_text(victim_number) as victim_number_text,
        wb_int(victim_number) as victim_number,
        cast(wb_text(severity) as label_victims__severity) as severity,
        cast(wb_text(road_user) as label_victims__road_user) as road_user,
        cast(wb_text(age_group) as label_victims__age_group) as age_group,
        row_fault, source_file, source_row, load_order
    from raw.victims
),
-- Not materialised: the duplicate check below reads only key, file and row of it.
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
    -- Within one file the last row of a key counts; earlier ones are refused, visibly.
    select c.*, coalesce(c.source_row < d.last_row, false) as superseded_in_file
    from checked c
    left join (
        select source_file, accident_id, victim_number, max(source_row) as last_row
        from checked
        group by source_file, accident_id, victim_number
        having count(*) > 1
    ) d using (source_file, accident_id, victim_number)
)
select
    * exclude (rej, row_fault, superseded_in_file, victim_number_text),
    cast(null as date) as record_date,
    coalesce(rej.reason, case when superseded_in_file then 'Slachtoffer (ongevalnummer + volgnummer) komt meermaals voor in dit bestand; de laatste rij telt' end) as reject_reason,
    coalesce(rej.field, case when superseded_in_file then 'victim_number' end) as reject_field,
    coalesce(rej.value, case when superseded_in_file then accident_id || ' / ' || victim_number end) as reject_value
from numbered
