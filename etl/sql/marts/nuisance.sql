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
    source_file, source_row
from intermediate.int_nuisance_located
