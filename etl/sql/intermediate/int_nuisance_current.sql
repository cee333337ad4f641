-- materialized: view
-- nuisance: usable rows, one per key; the version from the newest export wins (the same
-- file loaded twice, or an overlapping later export, never double-counts), unless the
-- files number apart (each municipality's register numbered 1, 2, 3 …): then both rows
-- count, the number with its municipality or file (intermediate.int_repeated_numbers,
-- which finds the numbers given by more than one file; within a file keys are already
-- unique, staging refuses the earlier duplicates). The few rows it holds are joined by
-- number and file rank: much cheaper than a window over the full rows.
-- Not materialised: the select streams.
with valid as not materialized (
    select s.*, l.* exclude (x_in, y_in), r.file_rank, r.is_largest
    from staging.stg_register__nuisance s
    -- Each record's location, row k of the locating step's table for row k of the staging
    -- table (etl.build.RECORD_LOCATED): no hash table of a million pairs to look it up in.
    positional join intermediate.int_nuisance_locations l
    join intermediate.int_file_ranks r on r.kind = 'nuisance' and r.source_file = s.source_file
    where s.reject_reason is null
),
repeated as (
    select id, file_rank, beaten, new_id from intermediate.int_repeated_numbers where kind = 'nuisance'
)
select v.* exclude (file_rank, is_largest) replace (coalesce(d.new_id, v.report_id) as report_id)
from valid v
left join repeated d on d.id = v.report_id and d.file_rank = v.file_rank
where not coalesce(d.beaten, false)
