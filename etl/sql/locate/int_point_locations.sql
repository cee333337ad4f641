-- Located coordinate pairs with area names: the rows of intermediate.int_point_locations.
-- Not a model of its own: the locating step (etl/build.py, _locate) runs this query on each
-- slice of pairs the Python step located (typed as _located_typed, located_slice.sql), and
-- appends the result. Naming the pairs as they are written spares a second copy of every
-- pair: as a model over the written pairs it took 0.3 s for 10^6 incidents and 8 s for 10^7
-- (18 M pairs). The names: wb_area_names (macros.sql), as for the records located one by one.
select * from wb_area_names('_located_typed')
