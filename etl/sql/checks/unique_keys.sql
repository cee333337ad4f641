-- Every mart key is unique (a duplicate would double-count in every page). One branch per
-- mart, each line from `union all` on (etl.build.check_jobs): each runs as soon as its mart
-- is written.
select 'marts.incidents' as mart, pv_number as key, count(*) as n from marts.incidents group by pv_number having count(*) > 1
union all select 'marts.accidents' as mart, accident_id as key, count(*) as n from marts.accidents group by accident_id having count(*) > 1
union all select 'marts.victims' as mart, accident_id || '#' || victim_number as key, count(*) as n from marts.victims group by accident_id, victim_number having count(*) > 1
union all select 'marts.nuisance' as mart, report_id as key, count(*) as n from marts.nuisance group by report_id having count(*) > 1
union all select 'marts.tasks' as mart, task_id as key, count(*) as n from marts.tasks group by task_id having count(*) > 1
union all select 'marts.controls' as mart, control_id as key, count(*) as n from marts.controls group by control_id having count(*) > 1
union all select 'marts.poi' as mart, poi_id as key, count(*) as n from marts.poi group by poi_id having count(*) > 1
union all select 'marts.events' as mart, event_id as key, count(*) as n from marts.events group by event_id having count(*) > 1
union all select 'marts.districts' as mart, layer || ':' || code as key, count(*) as n from marts.districts group by layer, code having count(*) > 1
