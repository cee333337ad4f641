-- Records with an address but no usable coordinates that the zone's address list could not
-- place: they stay unlocated (location_status 'geen_locatie'); this list says which, so the
-- address list or the export can be corrected.
select 'incidents' as kind, pv_number as record_key, street, house_number, postcode, municipality_reported, source_file, source_row
from marts.incidents where geocode_method is null and street is not null and location_status = 'geen_locatie'
union all
select 'accidents', accident_id, street, house_number, null, municipality_reported, source_file, source_row
from marts.accidents where source = 'zone' and geocode_method is null and street is not null and location_status = 'geen_locatie'
union all
select 'nuisance', report_id, street, house_number, postcode, municipality_reported, source_file, source_row
from marts.nuisance where geocode_method is null and street is not null and location_status = 'geen_locatie'
union all
-- A task keeps the wijk its export names; an address the list does not know still leaves
-- it off the map, so it is listed too (no postcode in a task export).
select 'tasks', task_id, street, house_number, null, municipality_reported, source_file, source_row
from marts.tasks where geocode_method is null and street is not null and location_status = 'geen_locatie'
union all
select 'events', event_id, street, house_number, postcode, municipality_reported, source_file, source_row
from marts.events where geocode_method is null and street is not null and location_status = 'geen_locatie'
