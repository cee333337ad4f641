-- materialized: view
-- accidents: usable rows, one per key; the version from the newest export wins (the same
-- file loaded twice, or an overlapping later export, never double-counts). Within a file
-- keys are already unique (staging refuses the earlier duplicates), so the winner is the
-- row from the best-ranked file; an aggregate + join is much cheaper than a window over
-- the full rows when, as usual, few keys repeat. A key can only repeat if it occurs in a
-- file besides the kind's largest: only those keys are grouped (the largest file's keys
-- are merely looked up in them, which costs a fraction of grouping them all).
-- Not materialised: the aggregate reads only the key and rank of it, the select streams it.
with valid as not materialized (
    select s.*, l.* exclude (x_in, y_in), r.file_rank, r.is_largest
    from staging.stg_islp__accidents s
    -- Each record's location, row k of the locating step's table for row k of the staging
    -- table (etl.build.RECORD_LOCATED): no hash table of a million pairs to look it up in.
    positional join intermediate.int_accidents_locations l
    join intermediate.int_file_ranks r on r.kind = 'accidents' and r.source_file = s.source_file
    where s.reject_reason is null
),
repeated as (
    select accident_id, min(file_rank) as best_rank
    from valid
    where accident_id in (select accident_id from valid where not is_largest)
    group by accident_id
    having count(*) > 1
)
select v.* exclude (file_rank, is_largest)
from valid v
left join repeated d using (accident_id)
where d.best_rank is null or v.file_rank = d.best_rank
