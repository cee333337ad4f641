-- The street each record of a source of insecurity (incidents, nuisance) is counted under on
-- the sources page (marts' address_street): one row per distinct street label of a kind. The
-- same street written otherwise ("Kerkstr.", "kerkstraat", "Kerkstraat") is one street,
-- compared by wb_street_key (case, accents, abbreviations) and named as the zone's address
-- list spells it, else as most records of both sources write it in full (ties: the first
-- name in sort order), so the name does not depend on the page's filters.
-- A street field that carries the number ("Kerkstraat 12"; wb_street_number) also gets
-- split_street and split_number: the address of its records without a number of their own,
-- unless the address list knows the whole text as a street (as the geocoding step reads
-- it). The numbers: int_address_numbers. Decided per distinct label, never per record.
with labels as (
    select 'incidents' as kind, cast(street as varchar) as street, count(*) as n
    from staging.stg_islp__incidents
    where reject_reason is null and street is not null
    group by street
    union all
    select 'nuisance', cast(street as varchar), count(*)
    from staging.stg_register__nuisance
    where reject_reason is null and street is not null
    group by street
),
listed_keys as (
    select distinct street_key from staging.stg_zone__addresses
    where reject_reason is null and street_key <> ''
),
split as (
    select street, wb_street_number(street) as parts
    from (select distinct street from labels)
    where wb_street_key(street) not in (select street_key from listed_keys)
),
-- Every spelling, the whole field and the street part of a split one, with its key.
written as (
    select street_written, nullif(wb_street_key(street_written), '') as street_key, sum(n) as n
    from (
        select street as street_written, n from labels
        union all
        select s.parts.street, l.n from labels l join split s using (street)
        where s.parts is not null
    )
    group by street_written
),
listed as (
    -- The address list's spelling: the one most of its entries use.
    select street_key, first(street order by n desc, street) as name
    from (
        select street_key, street, count(*) as n
        from staging.stg_zone__addresses
        where reject_reason is null and street_key <> ''
        group by all
    )
    group by street_key
),
named as (
    -- A spelling written out in full (its letters and digits are the key: "Dorpstraat",
    -- not "Dorpstr.") before an abbreviation, then the one of most records.
    select w.street_written, coalesce(l.name, first(w2.street_written order by
        regexp_replace(lower(strip_accents(w2.street_written)), '[^a-z0-9]', '', 'g') = w2.street_key desc,
        w2.n desc, w2.street_written), w.street_written) as name
    from written w
    left join listed l on l.street_key = w.street_key
    left join written w2 on w2.street_key = w.street_key
    group by w.street_written, l.name
)
select
    l.kind,
    l.street,
    whole.name as address_street,
    part.name as split_street,
    wb_house_address(s.parts.house_number) as split_number
from labels l
join named whole on whole.street_written = l.street
left join split s on s.street = l.street
left join named part on part.street_written = s.parts.street
