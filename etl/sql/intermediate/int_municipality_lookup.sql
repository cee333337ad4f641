-- Municipality by the name an export writes ("Herent", "herent", "Veltem-Beisem", "3020
-- Herent"; wb_place_key), for records without usable coordinates: they still count for
-- their municipality. The deelgemeenten of zone.toml, and those of the boundary layer.
select name_key, min(nis_code)::wb_area_code as nis_code, min(municipality_name)::wb_area_name as municipality_name
from (
    select wb_place_key(z.name) as name_key, z.nis_code, z.name as municipality_name
    from raw.zone_municipalities z
    union all
    select wb_place_key(d.name), d.nis_code, m.name
    from raw.zone_deelgemeenten d
    left join raw.zone_municipalities m on m.nis_code = d.nis_code
    union all
    -- The boundary layer's deelgemeenten of the zone's municipalities, also when zone.toml
    -- lists none: "Winksele" is then still Herent, and not a place outside the zone.
    select wb_place_key(d.name), d.nis_code, m.name
    from raw.districts d
    join raw.zone_municipalities m on m.nis_code = d.nis_code
    where d.layer = 'deelgemeente'
) names
where name_key is not null
group by name_key
