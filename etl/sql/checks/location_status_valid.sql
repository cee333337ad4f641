-- Only the documented location states, and coordinates exactly when a location is claimed.
with located as (
    select 'incidents' as mart, pv_number as key, x, lon, location_status from marts.incidents
    union all select 'accidents', accident_id, x, lon, location_status from marts.accidents
    union all select 'nuisance', report_id, x, lon, location_status from marts.nuisance
    union all select 'controls', control_id, x, lon, location_status from marts.controls
    union all select 'poi', poi_id, x, lon, location_status from marts.poi
    union all select 'events', event_id, x, lon, location_status from marts.events
)
select mart, key, location_status
from located
where location_status not in ('ok', 'geen_locatie', 'buiten_zone', 'geen_wijk')
   or (location_status = 'geen_locatie') <> (x is null)
   or (x is null) <> (lon is null)
