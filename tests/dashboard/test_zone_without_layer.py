"""A zone that loads wijken and deelgemeenten but no zone layer (optional in
docs/DATA_CONTRACT.md): the pages' study area and zone geometry come from the outline the
build located with, not from nothing."""

from __future__ import annotations

import shapely
from dash_helpers import small_zone_version, wh

from dashboard.queries import hotspots


def test_hot_spots_study_the_whole_zone_without_a_zone_layer(tmp_path, monkeypatch):
    version = small_zone_version(tmp_path, monkeypatch, {})
    assert (
        wh("SELECT count(*) FROM marts.districts WHERE layer = 'zone' AND geojson IS NOT NULL").iat[
            0, 0
        ]
        == 1
    )
    cells = hotspots.study_cells(version)
    with_data = wh(
        "SELECT count(DISTINCT h3_cell) FROM marts.incidents WHERE h3_cell IS NOT NULL"
    ).iat[0, 0]
    # Every cell of the wijken, not only those with a record (Gi* needs the zeros).
    assert len(cells) > 2 * with_data
    wkt = hotspots.zone_geometry_31370(version)
    wijken = wh("SELECT geom_wkt_31370 FROM marts.districts WHERE layer = 'wijk'")["geom_wkt_31370"]
    union = shapely.union_all(shapely.from_wkt(wijken.tolist()))
    assert shapely.from_wkt(wkt).area >= 0.999 * union.area
