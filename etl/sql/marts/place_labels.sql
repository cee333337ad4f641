-- Every municipality label the records' exports write (municipality_reported: "Herent",
-- "3020 Herent", "Winksele (Herent)", "Leuven"), with the place key the build compares it
-- by (wb_place_key) and the zone municipality it names (int_municipality_lookup, also
-- written otherwise: wb_zone_place_key; null for a place outside the zone). The dashboard matches labels through this table instead of
-- repeating the build's rule: a record located outside the zone still counts for the
-- municipality its export names, and an address outside the zone is grouped by its place.
with labels as (
    select distinct cast(municipality_reported as varchar) as label from marts.incidents
    union select distinct cast(municipality_reported as varchar) from marts.nuisance
    union select distinct cast(municipality_reported as varchar) from marts.accidents
    union select distinct cast(municipality_reported as varchar) from marts.tasks
)
select l.label, wb_place_key(l.label) as place_key, cast(m.nis_code as varchar) as nis_code
from labels l
left join intermediate.int_municipality_lookup m on m.name_key = wb_zone_place_key(l.label,
    (select list(name_key) from intermediate.int_municipality_lookup where name_key is not null))
where l.label is not null
order by l.label
