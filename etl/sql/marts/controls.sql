-- One row per traffic control.
select
    control_id,
    control_type,
    started_at,
    ended_at,
    date_diff('minute', started_at, ended_at) / 60.0 as hours,
    vehicles_checked,
    offences,
    street,
    cast(started_at as date) as date,
    year(started_at) as year,
    month(started_at) as month,
    isoyear(started_at) as iso_year,
    weekofyear(started_at) as iso_week,
    isodow(started_at) as weekday,
    hour(started_at) as hour,
    x, y, lon, lat, wijk_code, wijk_name, deelgemeente_code, deelgemeente_name, nis_code,
    municipality_name, h3_cell, h3_cell_coarse, location_status, location_note,
    source_file, source_row
from intermediate.int_controls_located
