-- Records with an address but no usable coordinates that the zone's address list could not
-- place: they stay unlocated (location_status 'geen_locatie'); this list says which, and
-- why (`reason`), so the address list or the export can be corrected: the list said "de
-- adressenlijst kent hun adres niet" also of an address it knows in two municipalities, or
-- in another one than the record names (an audit).
with unmatched as (
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
),
-- The address list as the geocoding step compares it: street and number keys, postcode,
-- and the place (a zone municipality's NIS code, also for its deelgemeenten, else the name).
known as (
    select list(name_key) as names from intermediate.int_municipality_lookup where name_key is not null
),
listed as (
    select a.street_key, a.house_key, wb_postcode(cast(a.postcode as varchar)) as postcode,
        coalesce(cast(p.nis_code as varchar), 'naam:' || a.place_key) as place
    from (
        select *, wb_own_place_key(cast(municipality as varchar), (select names from known)) as place_key
        from staging.stg_zone__addresses
    ) a
    left join intermediate.int_municipality_lookup p on p.name_key = a.place_key
    where a.reject_reason is null and not a.is_rejected and a.street_key <> ''
),
-- Each distinct address of the list once (few rows): the street and number looked up, as
-- written or split from the street field ("Kerkstraat 12, Leuven"), and the record's place.
addresses as (
    select *,
        wb_street_key(coalesce(split.street, cast(street as varchar))) as street_key,
        wb_house_key(coalesce(cast(house_number as varchar), split.house_number)) as house_key,
        coalesce(wb_postcode(cast(postcode as varchar)), tail.postcode) as pc,
        coalesce(cast(p.nis_code as varchar), 'naam:' || place_key) as place
    from (
        select *,
            case when house_number is null and wb_street_key(cast(street as varchar)) not in (select street_key from listed)
                then wb_street_number(cast(street as varchar)) end as split,
            -- The place as the geocoding step reads it (a note after the comma is none).
            coalesce(wb_own_place_key(cast(municipality_reported as varchar), (select names from known)),
                wb_tail_place_key(tail.place, tail.postcode, (select names from known),
                    (select list(distinct postcode) from listed where postcode is not null))) as place_key
        from (
            select *, wb_street_place(cast(street as varchar)) as tail
            from (select distinct street, house_number, postcode, municipality_reported from unmatched)
        )
    ) d
    left join intermediate.int_municipality_lookup p on p.name_key = d.place_key
),
judged as (
    select a.street, a.house_number, a.postcode, a.municipality_reported,
        case
            when not exists (select 1 from listed) then 'geen adressenlijst geladen'
            -- A number after the street's name ("Kerkstraat 5, 1ste verdieping"), not in a
            -- name the list knows ("Zone 1") or before it ("11 Novemberlaan").
            when a.house_key is null and regexp_matches(cast(a.street as varchar), '[^\d\s]\s+\d')
                and wb_street_key(cast(a.street as varchar)) not in (select street_key from listed)
                then 'huisnummer niet te lezen uit de straat'
            when a.house_key is null then 'geen huisnummer'
            when not exists (select 1 from listed l where l.street_key = a.street_key)
                then 'straat niet in de adressenlijst'
            when not exists (select 1 from listed l where l.street_key = a.street_key and l.house_key = a.house_key)
                then 'huisnummer niet in de adressenlijst'
            when not exists (
                select 1 from listed l where l.street_key = a.street_key and l.house_key = a.house_key
                    and (a.pc is null or l.postcode is null or l.postcode = a.pc)
                    -- An address list without municipalities holds the zone's addresses only
                    -- (when the zone knows its deelgemeenten, from zone.toml or the boundary
                    -- layer: else a name it does not know may be one of them), as the
                    -- geocoding step compares them.
                    and (a.place is null or l.place = a.place
                        or (l.place is null and not (starts_with(a.place, 'naam:')
                            and (exists (select 1 from raw.zone_deelgemeenten)
                                or exists (select 1 from raw.districts d
                                    join raw.zone_municipalities m on m.nis_code = d.nis_code
                                    where d.layer = 'deelgemeente'
                                        and wb_place_key(d.name) is not null))))))
                then 'adres enkel in een andere gemeente of postcode'
            else 'meer dan één adres in de lijst: gemeente of postcode ontbreekt, of de punten liggen ver uit elkaar'
        end as reason
    from addresses a
)
select u.*, j.reason
from unmatched u
left join judged j
    on j.street is not distinct from u.street and j.house_number is not distinct from u.house_number
    and j.postcode is not distinct from u.postcode
    and j.municipality_reported is not distinct from u.municipality_reported
