-- Pre-aggregated counts per domain x day x wijk x category: the pages' most frequent question.
-- Each domain is counted on its own label codes (ENUMs) and only the counts become text:
-- half the CPU of grouping the union, where every row's category had become text.
select domain, date, wijk_code, category, n
from (
    select 'incidents' as domain, date, wijk_code, category, count(*) as n from marts.incidents group by all
    union all select 'nuisance', date, wijk_code, nuisance_type, count(*) from marts.nuisance group by all
    union all select 'accidents', date, wijk_code, severity, count(*) from marts.accidents where date is not null group by all
    union all select 'tasks', date, wijk_code, task_type, count(*) from marts.tasks group by all
) events
order by domain, date, wijk_code, category
