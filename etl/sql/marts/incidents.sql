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
    hour(occurred_from) as hour,
    x, y, lon, lat, wijk_code, wijk_name, deelgemeente_code, deelgemeente_name, nis_code,
    municipality_name, h3_cell, h3_cell_coarse, location_status, location_note, geocode_method,
    source_file, source_row
from intermediate.int_incidents_located
