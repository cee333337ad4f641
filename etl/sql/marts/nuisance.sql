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
    -- NULL when the register gave the day only (time_known): not midnight.
    case when time_known then hour(reported_at) end as hour,
    time_known,
    x, y, lon, lat, wijk_code, wijk_name, deelgemeente_code, deelgemeente_name, nis_code,
    municipality_name, h3_cell, h3_cell_coarse, location_status, location_note, geocode_method,
    -- The address it is counted under on the sources page (int_address_streets and
    -- int_address_numbers: "Kerkstr. 12" is "Kerkstraat 12"), looked up by the record's own
    -- labels (etl.labels.address_lookups). A street field with the number in it gives the
    -- address of a record without a number of its own.
    case when house_number is null and wb_nuisance_split_street(street) is not null
        then wb_nuisance_split_street(street) else wb_nuisance_address_street(street) end as address_street,
    case when house_number is null then wb_nuisance_split_number(street)
        else wb_nuisance_address_number(house_number) end as address_number,
    source_file, source_row
from intermediate.int_nuisance_located
