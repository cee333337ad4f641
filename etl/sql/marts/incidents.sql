-- One row per PV (newest export's version).
select
    pv_number,
    occurred_from,
    -- A window that collapses to one moment is an exact time.
    case when occurred_to > occurred_from then occurred_to end as occurred_to,
    registered_at,
    category,
    description,
    street,
    house_number,
    postcode,
    municipality as municipality_reported,
    status,
    inspector,
    dates_inconsistent,
    coalesce(occurred_to > occurred_from, false) as is_window,
    cast(occurred_from as date) as date,
    year(occurred_from) as year,
    month(occurred_from) as month,
    isoyear(occurred_from) as iso_year,
    weekofyear(occurred_from) as iso_week,
    isodow(occurred_from) as weekday,
    -- NULL when the export gave the day only (time_known): not midnight. The window of
    -- such a record is the whole day, which the aoristic views spread.
    case when time_known then hour(occurred_from) end as hour,
    time_known,
    x, y, lon, lat, wijk_code, wijk_name, deelgemeente_code, deelgemeente_name, nis_code,
    municipality_name, h3_cell, h3_cell_coarse, location_status, location_note, geocode_method,
    -- The address it is counted under on the sources page (int_address_streets and
    -- int_address_numbers: "Kerkstr. 12" is "Kerkstraat 12"), looked up by the record's own
    -- labels (etl.labels.address_lookups). A street field with the number in it gives the
    -- address of a record without a number of its own.
    case when house_number is null and wb_incidents_split_street(street) is not null
        then wb_incidents_split_street(street) else wb_incidents_address_street(street) end as address_street,
    case when house_number is null then wb_incidents_split_number(street)
        else wb_incidents_address_number(house_number) end as address_number,
    source_file, source_row
from intermediate.int_incidents_located
