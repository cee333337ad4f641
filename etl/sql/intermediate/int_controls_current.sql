-- materialized: view
-- controls: usable rows, one per key; the version from the newest export wins (the same
-- file loaded twice, or an overlapping later export, never double-counts), unless the
-- files number apart (each municipality's register numbered 1, 2, 3 …): then both rows
-- count, the number with its municipality or file (intermediate.int_repeated_numbers,
-- which finds the numbers given by more than one file; within a file keys are already
-- unique, staging refuses the earlier duplicates). The few rows it holds are joined by
-- number and file rank: much cheaper than a window over the full rows.
-- Not materialised: the select streams.
with valid as not materialized (
    select s.*, r.file_rank, r.is_largest
    from staging.stg_islp__controls s
    join intermediate.int_file_ranks r on r.kind = 'controls' and r.source_file = s.source_file
    where s.reject_reason is null
),
repeated as (
    select id, file_rank, beaten, new_id from intermediate.int_repeated_numbers where kind = 'controls'
)
select v.* exclude (file_rank, is_largest) replace (coalesce(d.new_id, v.control_id) as control_id)
from valid v
left join repeated d on d.id = v.control_id and d.file_rank = v.file_rank
where not coalesce(d.beaten, false)
