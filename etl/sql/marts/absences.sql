-- Absences of the wijkinspecteurs: one row per absence (a period listed twice counts once).
-- An open-ended absence ("tot nader order", end 31/12/9999) has no number of days.
select distinct on (inspector, start_date, end_date, coalesce(reason, ''))
    inspector, start_date, end_date, reason, open_ended,
    case when not open_ended then date_diff('day', start_date, end_date) + 1 end as days,
    source_file, source_row
from staging.stg_zone__absences
where reject_reason is null
order by inspector, start_date, end_date, coalesce(reason, ''), load_order desc, source_row desc
