-- A record located 'ok' has a wijk and lies within that wijk's bounding box (a cheap guard
-- against mixed-up codes or a broken point-in-polygon step).
with located as (
    select 'incidents' as mart, pv_number as key, x, y, wijk_code, location_status from marts.incidents
    union all select 'accidents', accident_id, x, y, wijk_code, location_status from marts.accidents
    union all select 'nuisance', report_id, x, y, wijk_code, location_status from marts.nuisance
    union all select 'controls', control_id, x, y, wijk_code, location_status from marts.controls
    union all select 'poi', poi_id, x, y, wijk_code, location_status from marts.poi
    union all select 'events', event_id, x, y, wijk_code, location_status from marts.events
)
select l.mart, l.key, l.x, l.y, l.wijk_code
from located l
left join raw.districts d on d.layer = 'wijk' and d.code = l.wijk_code
where l.location_status = 'ok'
  and (l.wijk_code is null or d.code is null or l.x is null
       or l.x < d.xmin - 0.01 or l.x > d.xmax + 0.01 or l.y < d.ymin - 0.01 or l.y > d.ymax + 0.01)
