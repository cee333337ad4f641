-- The house number each record of a source of insecurity is counted under on the sources
-- page (marts' address_number): one row per distinct house number label of a kind, in one
-- form however it is written (wb_house_address: "12b", "12 B" and "012B" are 12B; a box
-- stays its own address, "12/3" and "12 bte 3" are "12 bus 3"). The streets: int_address_streets.
select kind, house_number, wb_house_address(house_number) as address_number
from (
    select distinct 'incidents' as kind, cast(house_number as varchar) as house_number
    from staging.stg_islp__incidents
    where house_number is not null
    union all
    select distinct 'nuisance', cast(house_number as varchar)
    from staging.stg_register__nuisance
    where house_number is not null
)
