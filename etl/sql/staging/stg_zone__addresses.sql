-- The zone's address list (Adressenregister/CRAB extract): street, house number, postcode,
-- Lambert 72 x/y. Used only to locate records that carry an address but no coordinates.
-- A box in a column of its own (the register's "busnummer") is part of the address, as a
-- record writes it: "12" with box "3" is "12 bus 3", the house's own address stays "12".
-- A box column that repeats the word ("bus 3", "Bte 3", "/3") gives the same address (wb_box).
-- The register's status: a retired address ("gehistoreerd") is a candidate only where no
-- current one fits, a rejected one ("afgekeurd") none (the geocoding step, etl/build.py).
with typed as (
    select
        wb_text(street) as street,
        -- (No number, no address: NULL, refused below, also when it has a box.)
        wb_text(house_number) || coalesce(' bus ' || wb_box(box), '') as house_number,
        wb_postcode(postcode) as postcode,
        wb_text(municipality) as municipality,
        wb_text(status) as status,
        not wb_address_retired(status) and not wb_address_rejected(status) as is_current,
        wb_address_rejected(status) as is_rejected,
        wb_coord(x) as x_num,
        wb_coord(y) as y_num,
        wb_text(x) as x_text,
        wb_text(y) as y_text,
        row_fault, source_file, source_row, load_order
    from raw.addresses
),
checked as (
    select
        *,
        case
            when row_fault is not null then row_fault
            when street is null then wb_reject('street', 'Straatnaam ontbreekt', null)
            when house_number is null then wb_reject('house_number', 'Huisnummer ontbreekt', null)
            when x_num is null or x_num = 0 then wb_reject('x', 'X-coördinaat ontbreekt of is geen getal', x_text)
            when y_num is null or y_num = 0 then wb_reject('y', 'Y-coördinaat ontbreekt of is geen getal', y_text)
        end as rej
    from typed
)
select
    * exclude (rej, row_fault, x_text, y_text),
    wb_street_key(street) as street_key,
    wb_house_key(house_number) as house_key,
    cast(null as date) as record_date,
    rej.reason as reject_reason,
    rej.field as reject_field,
    rej.value as reject_value
from checked
