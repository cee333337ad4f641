-- One slice of located coordinates as the locating step's Python gives it (registered as
-- _located: numpy arrays, NaN for none, codes and statuses as categoricals), typed: the
-- temporary view _located_typed (etl/build.py, _locate). Pairs are then named and appended
-- to intermediate.int_point_locations (int_point_locations.sql); records of the kinds
-- located one by one (incidents, nuisance, accidents; etl.build.RECORD_LOCATED) are
-- appended as they are to intermediate.int_<kind>_locations, one row per row of the kind's
-- staging table and in its order, so the kind's current view takes each record's location
-- by position (POSITIONAL JOIN): a projection only keeps the rows in order (a join would
-- not), so their area names are joined in the located view (wb_located_records,
-- macros.sql), on small tables. x_in and y_in are the input (none: NULL), which the step
-- checks against the staging table once every slice is written.
select
    x_in, y_in,
    -- NaN is how the numpy arrays say "none".
    case when isnan(x) then null else x end as x,
    case when isnan(y) then null else y end as y,
    case when isnan(lon) then null else lon end as lon,
    case when isnan(lat) then null else lat end as lat,
    -- The build's vocabularies (etl.labels.vocabulary_types): ENUMs stay cheap to
    -- carry through the located models' large hash joins.
    wijk_code::wb_area_code as wijk_code,
    deelgemeente_code::wb_area_code as deelgemeente_code,
    nis_code::wb_area_code as nis_code,
    nullif(h3_cell::UBIGINT, 0) as h3_cell,
    nullif(h3_cell_coarse::UBIGINT, 0) as h3_cell_coarse,
    location_status::wb_location_status as location_status,
    location_note::wb_location_note as location_note,
    -- Located with permission to swap X/Y (wb_may_swap)? Part of a pair's key: a pair that
    -- records with and without permission share is located once for each.
    may_swap,
    -- Bit set of the staging tables using the pair (wb_kind_bit); 0 for records.
    kinds
from _located
