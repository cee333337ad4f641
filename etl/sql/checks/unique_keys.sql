-- Every mart key is unique (a duplicate would double-count in every page).
select 'marts.incidents' as mart, pv_number as key, count(*) as n from marts.incidents group by pv_number having count(*) > 1
union all select 'marts.accidents', accident_id, count(*) from marts.accidents group by accident_id having count(*) > 1
union all select 'marts.victims', accident_id || '#' || victim_number, count(*) from marts.victims group by accident_id, victim_number having count(*) > 1
union all select 'marts.nuisance', report_id, count(*) from marts.nuisance group by report_id having count(*) > 1
union all select 'marts.tasks', task_id, count(*) from marts.tasks group by task_id having count(*) > 1
union all select 'marts.controls', control_id, count(*) from marts.controls group by control_id having count(*) > 1
union all select 'marts.poi', poi_id, count(*) from marts.poi group by poi_id having count(*) > 1
union all select 'marts.events', event_id, count(*) from marts.events group by event_id having count(*) > 1
union all select 'marts.districts', layer || ':' || code, count(*) from marts.districts group by layer, code having count(*) > 1
