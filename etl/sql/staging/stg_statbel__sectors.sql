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
        -- A count (wb_count): "1.234" is 1234, a fraction no population.
        wb_count(population) as population,
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
            when population_text is not null and population is null then wb_reject('population', wb_count_reason('Bevolking', population_text), population_text)
        end as rej
    from typed
),
-- Several lists side by side are usually two editions of Statbel's sector set (the 2024 list
-- beside the 2025 one, which split and renamed sectors): the later list in load order (file
-- name, then sheet) is the newer one. Per municipality (the NIS code a sector code begins
-- with) the newest list that covers it is its sector set: a code an older list adds no longer
-- exists (it named an old wijk too) and is refused, visibly, with the list that replaces it
-- (marts.build_warnings counts them). Lists of different municipalities complete each other.
lists as (
    select source_file, dense_rank() over (order by load_order, source_file) as list_rank
    from (select distinct source_file, load_order from checked)
),
usable as (
    select c.sector_code, left(c.sector_code, 5) as nis, c.source_file, l.list_rank
    from checked c
    join lists l using (source_file)
    where c.rej is null
),
newest as (
    select nis, max(list_rank) as list_rank, arg_max(source_file, list_rank) as newest_list
    from usable
    group by nis
),
current_codes as (
    select distinct u.sector_code
    from usable u
    join newest n on n.nis = u.nis and n.list_rank = u.list_rank
),
judged as (
    select
        c.* exclude (load_order),
        -- The order in which the lists count (marts.sectors keeps a code's row from the
        -- latest), the same as the newest list's above: also for the sheets of one workbook.
        l.list_rank as load_order,
        case when c.rej is null and k.sector_code is null then n.newest_list end as newer_list
    from checked c
    join lists l using (source_file)
    left join current_codes k on k.sector_code = c.sector_code
    left join newest n on n.nis = left(c.sector_code, 5)
)
select
    * exclude (rej, row_fault, population_text),
    cast(null as date) as record_date,
    coalesce(rej.reason, case when newer_list is not null then
        'Sectorcode staat niet in de nieuwste sectorlijst van deze gemeente (' || newer_list
        || '): een code van een oudere sectorindeling, niet gebruikt' end) as reject_reason,
    coalesce(rej.field, case when newer_list is not null then 'sector_code' end) as reject_field,
    coalesce(rej.value, case when newer_list is not null then sector_code end) as reject_value
from judged
