-- One row per nuisance report (newest export's version).
select
    report_id,
    reported_at,
    nuisance_type,
    street, house_number, postcode, municipality as municipality_reported,
    status,
    channel,
    cast(reported_at as date) as date,
    year(reported_at) as year,
    month(reported_at) as month,
    isoyear(reported_at) as iso_year,
    weekofyear(reported_at) as iso_week,
    isodow(reported_at) as weekday,
    hour(reported_at) as hour,
    x, y, lon, lat, wijk_code, wijk_name, deelgemeente_code, deelgemeente_name, nis_code,
    municipality_name, h3_cell, h3_cell_coarse, location_status, location_note, geocode_method,
    -- A street field with the number in it, for a record without a number of its own.
    case when house_number is null and s.split_street is not null then s.split_street else s.whole_street end as address_street,
    case when house_number is null then s.split_number else n.whole_number end as address_number,
    source_file, source_row
from intermediate.int_nuisance_located
-- The address it is counted under on the sources page (int_address_streets and
-- int_address_numbers: "Kerkstr. 12" is "Kerkstraat 12"), joined by the record's own labels.
left join (
    select
        cast(street as label_nuisance__street) as spelled_street,
        cast(address_street as wb_address_street) as whole_street,
        cast(split_street as wb_address_street) as split_street,
        cast(split_number as wb_address_number) as split_number
    from intermediate.int_address_streets
    where kind = 'nuisance'
) s on s.spelled_street = street
left join (
    select
        cast(house_number as label_nuisance__house_number) as spelled_number,
        cast(address_number as wb_address_number) as whole_number
    from intermediate.int_address_numbers
    where kind = 'nuisance'
) n on n.spelled_number = house_number
