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
kept as (
    -- Records per file in the marts of the kinds with a key of their own: a file's accepted
    -- rows beyond these are superseded, their key counted from a newer export.
    select source_file::varchar as source_file, count(*) as n from marts.incidents group by 1
    union all select source_file::varchar, count(*) from marts.accidents where source = 'zone' group by 1
    -- Statbel's editions overlap (a year's file beside the file of several years): an
    -- accident in two counts from the newest. Counted before the zone's municipalities are
    -- kept (int_statbel_file_counts, not the mart): the national file's other municipalities
    -- are accepted and left out, not superseded (a review).
    union all select source_file, n from intermediate.int_statbel_file_counts
    union all select source_file::varchar, count(*) from marts.victims group by 1
    union all select source_file::varchar, count(*) from marts.nuisance group by 1
    union all select source_file::varchar, count(*) from marts.tasks group by 1
    union all select source_file::varchar, count(*) from marts.controls group by 1
    union all select source_file::varchar, count(*) from marts.events group by 1
),
statbel_outside as (
    -- Statbel's file is national: the rows that count from a file (int_statbel_file_counts)
    -- but lie in municipalities outside the zone (or have neither a municipality code nor a
    -- usable location: int_statbel_located leaves those out too) are accepted and left
    -- out. The Data page listed 53 accepted of the real sample where 2 counted, without a
    -- word (an audit).
    select c.source_file, c.n - coalesce(m.n, 0) as n
    from intermediate.int_statbel_file_counts c
    left join (
        select source_file::varchar as source_file, count(*) as n
        from marts.accidents where source = 'statbel' group by 1
    ) m on m.source_file = c.source_file
),
refused as (
    -- A boundary file's features left out (no code Wijkbeeld knows, no geometry; named in
    -- its note); a feature merged into its area, or an area a later file replaces, was used.
    select f.source_file, coalesce(f.rows_refused, r.n, 0) as n
    from files f
    left join rejected r on r.source_file = f.source_file
),
counted as (
    select
        f.*,
        f.rows_read - r.n as rows_accepted,
        r.n as rows_rejected,
        case when f.kind in ('incidents', 'accidents', 'statbel', 'victims', 'nuisance', 'tasks', 'controls', 'events')
            then f.rows_read - r.n - coalesce(k.n, 0) end as rows_superseded
    from files f
    join refused r on r.source_file = f.source_file
    left join kept k on k.source_file = f.source_file
)
select
    f.kind,
    f.source_file,
    f.rows_read,
    f.rows_accepted,
    f.rows_rejected,
    -- Accepted rows whose key a newer export of the kind also has: counted from there.
    f.rows_superseded,
    b.built_at as loaded_at,
    -- When the file was last written (made, copied in or uploaded), in the zone's time.
    f.file_modified_at,
    f.encoding,
    f.delimiter,
    k.max_record_date,
    -- The date that makes an export the newest of its kind (int_file_ranks): its latest
    -- record date, for the incidents also its latest registration date.
    k.max_date as newest_date,
    -- e.g. personal-data columns dropped at load (etl/sources/personal_data.py); and a
    -- file whose records a newer export supersedes (a correction export of older facts
    -- beside a full export of later ones counts for nothing: the newest export is the one
    -- with the latest date, of a record or of a registration, int_file_ranks).
    nullif(concat_ws(' ', f.note, case
        when f.rows_superseded > 0 and f.rows_superseded = f.rows_accepted then
            case when f.rows_accepted = 1 then 'Het aanvaarde record staat' else 'Alle ' || f.rows_accepted || ' aanvaarde records staan' end
            || ' ook in een nieuwere export van deze soort en ' || case when f.rows_accepted = 1 then 'telt' else 'tellen' end
            || ' van daar: dit bestand telt niet mee. ' || case when f.kind = 'statbel'
                then 'Het Statbel-bestand met de recentste maand telt als nieuwste.'
                else 'De export met de recentste datum (feit of registratie) telt als nieuwste.' end
        when f.rows_superseded > 0 then
            f.rows_superseded || ' van de ' || f.rows_accepted || ' aanvaarde records '
            || case when f.rows_superseded = 1 then 'staat' else 'staan' end
            || ' ook in een nieuwere export van deze soort en ' || case when f.rows_superseded = 1 then 'telt' else 'tellen' end
            || ' van daar. ' || case when f.kind = 'statbel'
                then 'Het Statbel-bestand met de recentste maand telt als nieuwste.'
                else 'De export met de recentste datum (feit of registratie) telt als nieuwste.' end
    end, case when so.n > 0 then
        so.n || ' ' || case when so.n = 1 then 'ongeval ligt' else 'ongevallen liggen' end
        || ' in een gemeente buiten de zone (of ' || case when so.n = 1 then 'heeft' else 'hebben' end
        || ' geen gemeente en geen bruikbare locatie) en '
        || case when so.n = 1 then 'telt' else 'tellen' end
        || ' niet mee (het Statbel-bestand is nationaal).'
    end), '') as note
from counted f
left join statbel_outside so on so.source_file = f.source_file
-- The build's start in the zone's local time (like build_info.built_at), not the server's clock zone.
cross join (select build_started_at as built_at from raw.build_params) b
left join intermediate.int_file_ranks k on k.kind = f.kind and k.source_file = f.source_file
order by f.load_seq
