-- Statbel open data (OPENDATA_MAP): one injury accident per row, no identifier, no day.
with typed as (
    select
        wb_int(year) as year,
        wb_int(month) as month,
        -- DT_TIME is an hour ("14") or a clock time ("14:00"); Statbel uses 99 for unknown.
        case when wb_int(split_part(time, ':', 1)) between 0 and 23 then wb_int(split_part(time, ':', 1)) end as hour,
        cast(wb_text(nis_code) as label_statbel__nis_code) as nis_code_reported,
        cast(wb_text(municipality) as label_statbel__municipality) as municipality,
        wb_num(x) as x_num,
        wb_num(y) as y_num,
        wb_int(class_code) as class_code,
        cast(wb_text(class_label) as label_statbel__class_label) as class_label,
        cast(wb_text(road_user_1) as label_statbel__road_user_1) as road_user_1,
        cast(wb_text(road_user_2) as label_statbel__road_user_2) as road_user_2,
        cast(wb_text(light) as label_statbel__light) as light,
        cast(wb_text(weather) as label_statbel__weather) as weather,
        cast(wb_text(built_up) as label_statbel__built_up) as built_up,
        cast(wb_text(crossroads) as label_statbel__crossroads) as crossroads,
        cast(wb_text(road_type) as label_statbel__road_type) as road_type,
        cast(wb_text(collision_type) as label_statbel__collision_type) as collision_type,
        wb_text(year) as year_text,
        wb_text(month) as month_text,
        row_fault, source_file, source_row, load_order
    from raw.statbel
),
checked as (
    select
        t.*,
        case
            when row_fault is not null then row_fault
            when year is null or year not between 1900 and 2100 then wb_reject('year', 'Jaar (DT_YEAR_COLLISION) ontbreekt of is ongeldig', year_text)
            when month is null or month not between 1 and 12 then wb_reject('month', 'Maand (DT_MONTH_COLLISION) ontbreekt of is ongeldig', month_text)
            when make_date(year, month, 1) > p.today then wb_reject('month', 'Jaar/maand ligt in de toekomst', year_text || '-' || month_text)
        end as rej
    from (
        -- The accident's identity is what Statbel publishes about it as read, not the row's
        -- text: the same accident in two editions of the file (OPENDATA_MAP_2023 beside
        -- OPENDATA_MAP_2017-2023, which has an extra column; "171000,5" in one and
        -- "171000.5" in the other) is one accident. (The raw row hash counted it twice.)
        -- The class as the severity it names, by its code or, in an edition without the
        -- code column, by its label (wb_severity_class): code 4 and "Met lichtgewonden" are
        -- one class (by the code where one edition had it and the label where the other had
        -- not, the same accident counted twice). A label it does not know stays as written.
        select *, md5(cast(struct_pack(
            year, month, hour, nis := nis_code_reported, x_num, y_num,
            class := coalesce(
                wb_statbel_code_class(class_code),
                l.severity, cast(class_code as varchar), cast(class_label as varchar)),
            road_user_1, road_user_2, light, weather, built_up, crossroads, road_type,
            collision_type
        ) as varchar)) as content_key
        from typed
        -- Each label judged once (a few distinct labels), not per row.
        left join (
            select class_label as label, wb_severity_class(class_label) as severity
            from (select distinct class_label from typed)
        ) l on l.label = typed.class_label
    ) t cross join raw.build_params p
)
select
    * exclude (rej, row_fault, year_text, month_text, content_key, label, severity),
    -- Identical rows within a file are distinct accidents; numbered among the file's usable
    -- rows, so the key (content + occurrence) is the same when the same file is loaded
    -- again, and a refused copy of a row before it does not change the good one's key.
    'STATBEL-' || substr(md5(content_key || '#' || row_number() over (
        partition by source_file, content_key, rej is null order by source_row)), 1, 16) as accident_id,
    case when rej is null then make_date(year, month, 1) end as record_date,
    rej.reason as reject_reason,
    rej.field as reject_field,
    rej.value as reject_value
from checked
