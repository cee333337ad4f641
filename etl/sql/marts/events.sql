-- One row per local event (kermis, fuif, wielerwedstrijd, markt ...), past or planned.
-- `window_end` is when the event is over for the follow-up: its end, or without one the
-- end of the day it began.
select
    event_id,
    name,
    event_type,
    started_at,
    ended_at,
    coalesce(ended_at, cast(cast(started_at as date) + interval 1 day as timestamp)) as window_end,
    visitors,
    organiser,
    status,
    -- "Geannuleerd", "Afgelast" ... (etl.config.CANCELLED_EVENT_STATUSES, wb_event_cancelled).
    wb_event_cancelled(status) as is_cancelled,
    place,
    street,
    house_number,
    postcode,
    municipality as municipality_reported,
    cast(started_at as date) as date,
    year(started_at) as year,
    month(started_at) as month,
    isoyear(started_at) as iso_year,
    weekofyear(started_at) as iso_week,
    isodow(started_at) as weekday,
    hour(started_at) as hour,
    x, y, lon, lat, wijk_code, wijk_name, deelgemeente_code, deelgemeente_name, nis_code,
    municipality_name, h3_cell, h3_cell_coarse, location_status, location_note, geocode_method,
    source_file, source_row
from intermediate.int_events_located
order by started_at, event_id
