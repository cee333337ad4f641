-- One row per input file: what was read, accepted and refused, and how it was decoded.
-- Rows superseded by a newer export count as accepted (they were valid).
with staged as (
    -- Rows per file as the staging models saw them (every row of a text export is staged).
    select source_file, count(*) as n from (
        select source_file from staging.stg_islp__incidents
        union all select source_file from staging.stg_islp__accidents
        union all select source_file from staging.stg_islp__victims
        union all select source_file from staging.stg_statbel__accidents
        union all select source_file from staging.stg_register__nuisance
        union all select source_file from staging.stg_islp__tasks
        union all select source_file from staging.stg_islp__controls
        union all select source_file from staging.stg_zone__poi
        union all select source_file from staging.stg_zone__events
        union all select source_file from staging.stg_zone__addresses
        union all select source_file from staging.stg_statbel__sectors
        union all select source_file from staging.stg_zone__absences
    ) rows_
    group by source_file
),
files as (
    select f.* exclude (rows_read), coalesce(f.rows_read, s.n, 0) as rows_read
    from raw.load_files f
    left join staged s on s.source_file = f.source_file
),
rejected as (
    select source_file, count(*) as n from marts.rejects group by source_file
),
refused as (
    -- A boundary file's features left out (no code Wijkbeeld knows, no geometry; named in
    -- its note); a feature merged into its area, or an area a later file replaces, was used.
    select f.source_file, coalesce(f.rows_refused, r.n, 0) as n
    from files f
    left join rejected r on r.source_file = f.source_file
)
select
    f.kind,
    f.source_file,
    f.rows_read,
    f.rows_read - r.n as rows_accepted,
    r.n as rows_rejected,
    b.built_at as loaded_at,
    -- When the file was last written (made, copied in or uploaded), in the zone's time.
    f.file_modified_at,
    f.encoding,
    f.delimiter,
    k.max_record_date,
    -- e.g. personal-data columns dropped at load (etl/sources/personal_data.py)
    f.note
from files f
-- The build's start in the zone's local time (like build_info.built_at), not the server's clock zone.
cross join (select build_started_at as built_at from raw.build_params) b
join refused r on r.source_file = f.source_file
left join intermediate.int_file_ranks k on k.kind = f.kind and k.source_file = f.source_file
order by f.load_seq
