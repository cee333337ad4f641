"""Bronnen's "Rond welke plaatsen?" counts the records the reader may see one by one.

Counts within 100 m of a named place are records, not aggregates: an audit pinned a single
drugs record of another wijk (day, category, and a station, a shopping centre and a café
within 100 m of each other) as an inspector. An inspector's analysis is that of the own
wijk, exactly as the coordinator sees it with that wijk chosen; with another wijk chosen
there is none.
"""

from __future__ import annotations

from dash_helpers import run_as

from dashboard.auth import Principal, Role

PARAMS = {"periode": "jaar"}


def _poi_table(at):
    for d in at.dataframe:
        df = d.value
        df = df.data if hasattr(df, "data") else df
        if "Feiten binnen straal" in df.columns:
            return df.reset_index(drop=True)
    return None


def _sentences(at) -> list[str]:
    return [m.value for m in at.markdown if "binnen" in m.value and "**" in m.value]


def test_an_inspector_s_places_analysis_is_the_own_wijk_s(demo_warehouse):
    inspector = run_as(Principal("insp", Role.INSPECTOR, wijk_code="W01"), "sources", PARAMS)
    coordinator = run_as(Principal("coord", Role.COORDINATOR), "sources", {**PARAMS, "wijk": "W01"})
    mine, theirs = _poi_table(inspector), _poi_table(coordinator)
    assert mine is not None and int(mine["Feiten binnen straal"].sum()) > 0
    assert mine.equals(theirs)
    own = [s.replace("je eigen wijk", "de gekozen wijk") for s in _sentences(inspector)]
    assert own == _sentences(coordinator) and own
    zone = _poi_table(run_as(Principal("coord", Role.COORDINATOR), "sources", PARAMS))
    assert int(zone["Feiten binnen straal"].sum()) > int(mine["Feiten binnen straal"].sum())


def test_an_inspector_looking_at_another_wijk_gets_no_places_analysis(demo_warehouse):
    at = run_as(
        Principal("insp", Role.INSPECTOR, wijk_code="W01"), "sources", {**PARAMS, "wijk": "W06"}
    )
    assert _poi_table(at) is None and not _sentences(at)
    assert any("voor andere wijken toont Wijkbeeld alleen" in i.value for i in at.info)
