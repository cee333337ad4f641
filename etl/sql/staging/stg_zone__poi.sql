-- Points of interest; no identifier in the export, so a hash of the row is the key.
with typed as (
    select
        -- One type in the spelling most rows use ("school", "SCHOOL" are School).
        cast(wb_text(poi_type) as label_poi__poi_type) as poi_type,
        wb_text(name) as name,
        -- Not in this export; the located models read the same columns for every kind.
        cast(null as varchar) as municipality,
        -- X and Y, or a point in one column (WKT, "50.88, 4.66"; wb_xy) when the export has no X/Y.
        wb_x(x, xy) as x_num,
        wb_y(y, xy) as y_num,
        row_hash, row_fault, source_file, source_row, load_order
    from raw.poi
),
checked as (
    select
        *,
        case
            when row_fault is not null then row_fault
            when poi_type is null then wb_reject('poi_type', 'Type ontbreekt', null)
        end as rej,
        row_number() over (partition by source_file, row_hash order by source_row) as occurrence
    from typed
)
select
    * exclude (rej, row_fault),
    'POI-' || substr(md5(row_hash || '#' || occurrence), 1, 12) as poi_id,
    cast(null as date) as record_date,
    rej.reason as reject_reason,
    rej.field as reject_field,
    rej.value as reject_value
from checked
