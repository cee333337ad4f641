-- The wijk labels of the task exports that name a wijk the zone knows (its boundary files
-- or its configuration), compared without case and surrounding spaces: "w01" and " W01 "
-- are W01. One row per distinct label, so no task row lower-cases its text.
select v.wijk_code_reported as label, any_value(a.code) as wijk_code
from (select distinct wijk_code_reported from staging.stg_islp__tasks where wijk_code_reported is not null) v
join staging.stg_zone__area_names a
    on a.layer = 'wijk' and upper(trim(a.code)) = upper(trim(cast(v.wijk_code_reported as varchar)))
group by 1
