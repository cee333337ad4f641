-- Counts per domain x month x H3 cell x category for hot-spot maps (located records inside
-- the zone only). h3_cell_coarse is the parent cell, so zone-wide views can roll up.
-- Each domain is counted on its own label codes; only the counts become text.
select domain, month_start, h3_cell, h3_cell_coarse, category, n
from (
    select 'incidents' as domain, make_date(year, month, 1) as month_start, h3_cell, h3_cell_coarse, category, count(*) as n
    from marts.incidents where h3_cell is not null and location_status in ('ok', 'geen_wijk') group by all
    union all select 'nuisance', make_date(year, month, 1), h3_cell, h3_cell_coarse, nuisance_type, count(*)
    from marts.nuisance where h3_cell is not null and location_status in ('ok', 'geen_wijk') group by all
    -- The zone's own accidents only, as daily_counts: Statbel's rows are the same injury
    -- accidents again, and counted next to them every injury accident counted twice.
    union all select 'accidents', make_date(year, month, 1), h3_cell, h3_cell_coarse, severity, count(*)
    from marts.accidents where source = 'zone' and h3_cell is not null and location_status in ('ok', 'geen_wijk') group by all
) events
order by domain, month_start, h3_cell, category
