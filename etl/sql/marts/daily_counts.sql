-- Pre-aggregated counts per domain x day x wijk x category: the pages' most frequent question.
select domain, date, wijk_code, category, count(*) as n
from (
    select 'incidents' as domain, date, wijk_code, category from marts.incidents
    union all select 'nuisance', date, wijk_code, nuisance_type from marts.nuisance
    union all select 'accidents', date, wijk_code, severity from marts.accidents where date is not null
    union all select 'tasks', date, wijk_code, task_type from marts.tasks
) events
group by domain, date, wijk_code, category
order by domain, date, wijk_code, category
