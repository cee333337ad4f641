-- Statbel statistical sectors as an attribute list: which wijk, deelgemeente and municipality
-- each sector belongs to (no geometry).
with typed as (
    select
        upper(wb_text(sector_code)) as sector_code,
        wb_text(sector_name) as sector_name,
        wb_text(deelgemeente_code) as deelgemeente_code,
        wb_text(deelgemeente_name) as deelgemeente_name,
        wb_text(nis_code) as nis_code,
        wb_text(municipality) as municipality,
        wb_text(wijk_code) as wijk_code,
        wb_int(population) as population,
        wb_text(population) as population_text,
        row_fault, source_file, source_row, load_order
    from raw.sectors
),
checked as (
    select
        *,
        case
            when row_fault is not null then row_fault
            when sector_code is null then wb_reject('sector_code', 'Sectorcode ontbreekt', null)
            when not regexp_matches(sector_code, '^\d{5}[A-Z0-9]{1,4}-?$') then wb_reject('sector_code', 'Sectorcode heeft niet de vorm van een Statbel-sector (5 cijfers NIS + sectorletters)', sector_code)
            when population_text is not null and population is null then wb_reject('population', 'Bevolking is geen getal', population_text)
        end as rej
    from typed
)
select
    * exclude (rej, row_fault, population_text),
    cast(null as date) as record_date,
    rej.reason as reject_reason,
    rej.field as reject_field,
    rej.value as reject_value
from checked
