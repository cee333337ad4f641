-- Absences of the wijkinspecteurs: one row per absence.
-- The name as the zone configuration writes it (intermediate.int_staff_spelling), so the
-- absence counts for the inspector whose tasks Werklast weighs.
-- An absence (an inspector's first day) in several lists counts once, from the newest list
-- that has it (the latest first day in the list, then the later file name: the rule of
-- int_file_ranks for the other kinds): a later list that ends an absence "tot nader order"
-- (31/12/9999) or corrects its end replaces it instead of adding a second, longer one.
-- Within one list, two rows of one person and day with other ends or reasons both count
-- (overlapping days count once on Werklast); a row listed twice counts once.
-- An open-ended absence has no number of days.
with valid as (
    select coalesce(sp.inspector, a.inspector) as inspector, a.* exclude (inspector)
    from staging.stg_zone__absences a
    left join intermediate.int_staff_spelling sp on sp.label = a.inspector
    where a.reject_reason is null
),
lists as (
    select source_file,
        row_number() over (order by max(start_date) desc, wb_natural(wb_stem(source_file)) desc, wb_natural(source_file) desc, source_file desc) as list_rank
    from valid
    group by source_file
),
ranked as (
    select v.*, l.list_rank,
        min(l.list_rank) over (partition by v.inspector, v.start_date) as best_rank
    from valid v
    join lists l using (source_file)
)
select distinct on (inspector, start_date, end_date, coalesce(reason, ''))
    inspector, start_date, end_date, reason, open_ended,
    case when not open_ended then date_diff('day', start_date, end_date) + 1 end as days,
    source_file, source_row
from ranked
where list_rank = best_rank
order by inspector, start_date, end_date, coalesce(reason, ''), load_order desc, source_row desc
