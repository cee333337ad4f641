-- The wijk labels of the task exports that name a wijk the zone knows (its boundary files
-- or its configuration). One row per distinct label, so no task row lower-cases its text.
-- A label is read, in this order, as:
--   'code':   the wijk's code without case and surrounding spaces ("w01", " W01 " are W01);
--   'naam':   the wijk's name without case, accents and punctuation ("herent centrum" is
--             Herent-Centrum), when one wijk has that name;
--   'nummer': the wijk's number, as inspectors write it ("1", "01", "Wijk 1", "W1" are W01
--             when the wijk codes are W01 … W10), when one wijk has that number.
-- marts.build_warnings lists the labels read by name or number, so the reading is seen.
with labels as (
    select distinct wijk_code_reported as label, cast(wijk_code_reported as varchar) as text
    from staging.stg_islp__tasks
    where wijk_code_reported is not null
),
wijken as (
    select code, upper(trim(cast(code as varchar))) as code_key,
        nullif(trim(regexp_replace(lower(strip_accents(cast(name as varchar))), '[^a-z0-9]+', ' ', 'g')), '') as name_key,
        -- The number a code ends in, without leading zeros ("W01", "24038W01", "1" → 1).
        try_cast(regexp_extract(cast(code as varchar), '0*([0-9]+)\s*$', 1) as integer) as number
    from staging.stg_zone__area_names
    where layer = 'wijk' and code is not null
),
unique_names as (
    select name_key, any_value(code) as code from wijken where name_key is not null
    group by 1 having count(*) = 1
),
unique_numbers as (
    select number, any_value(code) as code from wijken where number is not null
    group by 1 having count(*) = 1
),
read as (
    select l.label,
        (select any_value(w.code) from wijken w where w.code_key = upper(trim(l.text))) as by_code,
        n.code as by_name,
        u.code as by_number
    from labels l
    left join unique_names n
        on n.name_key = trim(regexp_replace(lower(strip_accents(l.text)), '[^a-z0-9]+', ' ', 'g'))
    -- Only a label that is a number, with at most "wijk" or "w" before it.
    left join unique_numbers u
        on u.number = try_cast(regexp_extract(l.text, '^\s*(?:[Ww][Ii][Jj][Kk]|[Ww])?[\s.:-]*0*([0-9]+)\s*$', 1) as integer)
)
select label, coalesce(by_code, by_name, by_number) as wijk_code,
    case when by_code is not null then 'code' when by_name is not null then 'naam' else 'nummer' end as how
from read
where coalesce(by_code, by_name, by_number) is not null
