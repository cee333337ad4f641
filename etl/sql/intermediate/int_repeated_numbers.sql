-- The numbers of the registers kept by hand or by a vendor (nuisance, events, traffic
-- controls) that more than one file gives, one row per number and file, and what counts.
--
-- A later export of a register repeats its records: its version of a number wins (the
-- newest export, int_file_ranks) and the older one is `beaten`. But two files may number
-- apart: each municipality's nuisance register or event list numbered 1, 2, 3 …, a
-- speed-camera vendor restarting at 1 each year, a workbook with a sheet per month. The
-- same number is then another record, and both count. Two files number apart when most
-- of the numbers they share name another record in each: days a week or more apart, or
-- another municipality when both give one (a later export repeats its records with their
-- day; a day corrected by a few days, as a correction does, is still the same record). A
-- number so kept more than
-- once gets its municipality, or else its file, in brackets (`new_id`: "1 (Kortenberg)"),
-- so that it stays one key of its mart; marts.build_warnings names the files.
--
-- ISLP numbers (PV, accident, task numbers) are unique in the zone: a later export with
-- another day for a PV is a correction, never another fact (int_<kind>_current).
--
-- Only a number in a file besides the kind's largest can repeat (int_file_ranks): the
-- others are looked up, not grouped. The rows are few (usually none), so the per-record
-- views (int_<kind>_current) join them by number and file rank at little cost.
with valid as not materialized (
    select 'nuisance' as kind, s.report_id::varchar as id, r.file_rank, r.is_largest,
        s.source_file::varchar as source_file, cast(s.reported_at as date) as day,
        s.municipality::varchar as place
    from staging.stg_register__nuisance s
    join intermediate.int_file_ranks r on r.kind = 'nuisance' and r.source_file = s.source_file
    where s.reject_reason is null
    union all
    select 'events', s.event_id::varchar, r.file_rank, r.is_largest, s.source_file::varchar,
        cast(s.started_at as date), s.municipality::varchar
    from staging.stg_zone__events s
    join intermediate.int_file_ranks r on r.kind = 'events' and r.source_file = s.source_file
    where s.reject_reason is null
    union all
    select 'controls', s.control_id::varchar, r.file_rank, r.is_largest, s.source_file::varchar,
        cast(s.started_at as date), s.municipality::varchar
    from staging.stg_islp__controls s
    join intermediate.int_file_ranks r on r.kind = 'controls' and r.source_file = s.source_file
    where s.reject_reason is null
),
numbers as (
    select kind, id from valid
    semi join (select distinct kind, id from valid where not is_largest) k using (kind, id)
    group by kind, id
    having count(*) > 1
),
repeated as (
    select v.kind, v.id, v.file_rank, v.source_file, v.day, v.place
    from valid v
    semi join numbers n using (kind, id)
),
-- Files whose shared numbers mostly name another record.
apart as (
    select a.kind, a.file_rank as rank_a, b.file_rank as rank_b
    from repeated a
    join repeated b on b.kind = a.kind and b.id = a.id and b.file_rank > a.file_rank
    group by all
    having 2 * count(*) filter (
        where coalesce(abs(date_diff('day', a.day, b.day)) >= 7, a.day is distinct from b.day)
            or a.place <> b.place
    ) > count(*)
),
-- A row loses to a newer export's row of its number, unless the two files number apart.
beaten as (
    select distinct a.kind, a.id, a.file_rank
    from repeated a
    join repeated b on b.kind = a.kind and b.id = a.id and b.file_rank < a.file_rank
    anti join apart p on p.kind = a.kind and p.rank_a = b.file_rank and p.rank_b = a.file_rank
),
twice as (
    select r.kind, r.id,
        count(distinct r.place) = count(*) and count(r.place) = count(*) as by_place
    from repeated r
    anti join beaten b using (kind, id, file_rank)
    group by all
    having count(*) > 1
)
select r.kind, r.id, r.file_rank, r.source_file,
    b.id is not null as beaten,
    case when t.id is not null and b.id is null then r.id || ' ('
        || case when t.by_place then r.place else regexp_replace(r.source_file, '^.*/', '') end
        || ')' end as new_id
from repeated r
left join beaten b using (kind, id, file_rank)
left join twice t using (kind, id)
