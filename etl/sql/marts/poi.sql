-- Points of interest (schools, stations, ...), located like every other record.
select
    poi_id, poi_type, name,
    x, y, lon, lat, wijk_code, wijk_name, deelgemeente_code, deelgemeente_name, nis_code,
    municipality_name, h3_cell, h3_cell_coarse, location_status, location_note,
    source_file, source_row
from intermediate.int_poi_located
order by poi_id
