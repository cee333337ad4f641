-- Nuisance register (municipal/police), typed and checked.
with
-- Keys that occur more than once in a file (usually none): only their rows are typed a
-- second time, to find the last usable one (wb_last_usable, macros.sql).
repeated_keys as materialized (
    select * from wb_repeated_keys('raw.nuisance', wb_key(report_id))
),
typed as not materialized (
    select
        key_ as report_id,
        -- The date field, and the time of day when the export gives it in a column of its
        -- own ("Uur melding"; wb_at).
        reported_at_day,
        reported_clock,
        wb_at(reported_at_day, reported_clock) as reported_at,
        -- A register that gives the day only (no time in the field, no "Uur melding"):
        -- the hour is unknown, not midnight (wb_day_only; the marts' hour is then NULL).
        -- Here "reported_at" is still the export's text (the raw column wins over the alias).
        coalesce(reported_clock is not null or not wb_day_only(reported_at_day, reported_at), false) as time_known,
        cast(wb_text(nuisance_type) as label_nuisance__nuisance_type) as nuisance_type,
        cast(wb_text(street) as label_nuisance__street) as street,
        cast(wb_text(house_number) as label_nuisance__house_number) as house_number,
        cast(wb_text(postcode) as label_nuisance__postcode) as postcode,
        cast(wb_text(municipality) as label_nuisance__municipality) as municipality,
        x_num,
        y_num,
        -- 'coördinaten' when the export gave a pair the locating step certainly places
        -- (wb_pair_usable: not 0, in Belgium); the geocoding step may fill in 'adres
        -- exact' / 'adres genormaliseerd' for the others when they have an address.
        cast(case when wb_pair_usable(x_num, y_num) then 'coördinaten' end as wb_geocode_method) as geocode_method,
        cast(wb_text(status) as label_nuisance__status) as status,
        cast(wb_text(channel) as label_nuisance__channel) as channel,
        wb_text(reported_at) as reported_at_text,
        wb_text(reported_time) as reported_time_text,
        row_fault, source_file, source_row, load_order,
        k.key_file is not null as key_repeats
    -- The key in its canonical form (wb_key), and each field that the columns above use
    -- more than once, parsed once here: a name given in the same select list is its whole
    -- expression again at every use, and planning those copies cost 0.1-0.2 s per build.
    -- X and Y, or a point in one column (WKT, "50.88, 4.66"; wb_xy) when the export has no X/Y.
    from (
        select *, wb_key(report_id) as key_, wb_ts(reported_at) as reported_at_day, wb_time_col(reported_time) as reported_clock,
            wb_x(x, xy) as x_num, wb_y(y, xy) as y_num
        from raw.nuisance
    ) r
    left join repeated_keys k on k.key_file = r.source_file and k.repeated_key = r.key_
),
-- Not materialised: wb_last_usable reads it again only for the rows of a repeated key
-- (the filter on key_repeats reaches the join in `typed`).
checked as not materialized (
    select
        t.*,
        case
            when row_fault is not null then row_fault
            when report_id is null then wb_reject('report_id', 'Meldingsnummer ontbreekt', null)
            -- An Excel error value or a number Excel rounded (wb_key_spoilt): before the
            -- duplicate-key rule (wb_last_usable), so such rows are no duplicates either.
            when wb_key_spoilt(report_id) then wb_key_reject('report_id', 'Meldingsnummer', report_id)
            when reported_at_text is null then wb_reject('reported_at', 'Datum melding ontbreekt', null)
            when wb_placeholder_date(reported_at_day, reported_at_text) then wb_placeholder_reject('reported_at', 'Datum melding', reported_at_text)
            -- A period ("05/11/2026 22:00 - 06/11/2026 01:00") is a moment's window only for
            -- the facts: here it was "geen geldige datum" in the very format it asked for.
            when reported_at_day is null and wb_period(reported_at_text) is not null then wb_reject('reported_at', 'Datum melding is een periode: hier hoort één moment (dd/mm/jjjj uu:mm), bijvoorbeeld het begin', reported_at_text)
            when reported_at_day is null then wb_reject('reported_at', 'Datum melding is geen geldige datum (verwacht dd/mm/jjjj uu:mm)', reported_at_text)
            when reported_time_text is not null and reported_clock is null then wb_reject('reported_time', 'Uur melding is geen geldig uur (verwacht uu:mm)', reported_time_text)
            when reported_at >= p.future_from then wb_reject('reported_at', 'Datum melding ligt in de toekomst', reported_at_text)
        end as rej
    from typed t cross join raw.build_params p
)
-- Within one file the last usable row of a key counts (wb_last_usable, macros.sql).
select
    * exclude (reported_at_text, reported_at_day, reported_clock, reported_time_text),
    cast(reported_at as date) as record_date
from wb_last_usable(
    'checked', report_id, 'report_id', report_id,
    'Meldingsnummer komt meermaals voor in dit bestand; de laatste bruikbare rij telt'
)
