-- One row per traffic control.
select
    control_id,
    control_type,
    started_at,
    ended_at,
    -- The time that passed, also across a change of clock (the night of 30 March: 00:30
    -- to 03:30 on the clock is two hours), read in the zone's time zone.
    -- (Only a control in March or October can span one: the others need no time zone.)
    case
        when month(started_at) in (3, 10) or month(ended_at) in (3, 10)
            then date_diff('minute', timezone(wb_zone_tz(), started_at), timezone(wb_zone_tz(), ended_at))
        else date_diff('minute', started_at, ended_at)
    end / 60.0 as hours,
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
