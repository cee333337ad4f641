-- Statistical sectors (attribute list): one row per sector code, the last file wins.
select
    sector_code, sector_name, deelgemeente_code, deelgemeente_name, nis_code, municipality,
    wijk_code, population,
    upper(sector_code) like '%ZZZZ' as not_locatable,
    source_file, source_row
from staging.stg_statbel__sectors
where reject_reason is null
qualify row_number() over (partition by sector_code order by load_order desc, source_row desc) = 1
