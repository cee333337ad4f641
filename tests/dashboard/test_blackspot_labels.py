"""The black-spot score reads each victim's class as the build gave it, not four exact
labels. An audit (fifty-eighth session) found three cyclists "Zwaar gewond" at one place
(3 × 3 × 1.7 = 15.3: a black spot) scoring 0 and ranking 362nd, while the page's own
totals counted them as seriously injured; and a death after the 30 days of the rule
counted as killed."""

from __future__ import annotations

import shutil
from datetime import date

import pytest
import streamlit as st
from dash_helpers import wh

from dashboard.exports import blackspots as export
from dashboard.queries import blackspots, warehouse_version

ACCIDENTS = (
    "Ongevalnummer;Datum/uur;Straat;Huisnr;Gemeente;X;Y;Ernst;Weggebruiker 1;"
    "Weggebruiker 2;Lichtgesteldheid;Weer;Bebouwde kom;Kruispunt;Wegtype\n"
)
VICTIMS = "Ongevalnummer;Volgnummer;Letsel;Type weggebruiker;Leeftijdsklasse\n"
#: Per place (2 km apart): the victims' label, road user and the accidents' Ernst.
PLACES = {
    "A": ("Zwaar gewond", "Fietser", "Zwaargewond", 171000),
    "B": ("Blessé grave", "Fietser", "Zwaargewond", 173000),
    "C": ("Overleden na 30 dagen", "Personenauto", "Zwaargewond", 175000),
    # Injury accidents whose victim rows name nobody injured: one victim of their class,
    # as an injury accident without victim rows (they counted none and scored 0).
    "D": ("Ongedeerd", "Fietser", "Lichtgewond", 169000),
}


@pytest.fixture(scope="module")
def warehouse(demo_raw, tmp_path_factory):
    from etl.build import build_warehouse

    raw = tmp_path_factory.mktemp("labels") / "raw"
    shutil.copytree(demo_raw / "districts", raw / "districts")
    (raw / "accidents").mkdir()
    (raw / "victims").mkdir()
    accidents, victims = [ACCIDENTS], [VICTIMS]
    for place, (label, user, ernst, x) in PLACES.items():
        for k in range(3):
            number = f"LE.55.L7.{place}{k:05d}/2026"
            accidents.append(
                f"{number};{10 + k:02d}/0{3 + k}/2026 08:00;Teststraat;{k + 1};Herent;{x + 5 * k};"
                f"177000;{ernst};{user};Personenauto;Dag;Normaal;Binnen bebouwde kom;Nee;Gemeenteweg\n"
            )
            victims.append(f"{number};1;{label};{user};25-34\n")
    (raw / "accidents" / "ongevallen.csv").write_text("".join(accidents), encoding="utf-8")
    (raw / "victims" / "slachtoffers.csv").write_text("".join(victims), encoding="utf-8")
    path = raw.parent / "wh.duckdb"
    build_warehouse(raw, path, echo=lambda *_: None)
    return path


def test_black_spots_score_the_class_not_the_spelling(warehouse, monkeypatch):
    monkeypatch.setenv("WIJKBEELD_WAREHOUSE", str(warehouse))
    st.cache_data.clear()
    version = warehouse_version()
    # The marts agree: one seriously injured per accident at A, B, C, nobody killed, and
    # one lightly injured per accident at D.
    totals = wh(
        "SELECT sum(seriously_injured), sum(killed), sum(lightly_injured), sum(victims) "
        "FROM marts.accidents"
    )
    assert totals.iloc[0].tolist() == [9, 0, 3, 12]
    # Verkenning's victims (common.VICTIMS_SQL) count the same 12.
    from dashboard.queries.common import VICTIMS_SQL

    assert int(wh(f"SELECT count(*) FROM {VICTIMS_SQL}").iat[0, 0]) == 12
    params = blackspots.BlackSpotParams.configured()
    end = date(2026, 11, 30)
    ranked = blackspots.ranking(version, end, params).sort_values("x")
    assert ranked["score"].round(2).tolist() == [3.0, 15.3, 15.3, 9.0]
    assert ranked["is_black_spot"].tolist() == [False, True, True, False]
    assert ranked["n_seriously"].tolist() == [0, 3, 3, 3] and ranked["n_killed"].sum() == 0
    assert ranked["n_lightly"].tolist() == [3, 0, 0, 0]

    # The advice document's terms add up to the same scores.
    members = blackspots.location_members(version, end, params)
    for i, expected in ((0, 3.0), (1, 15.3)):
        place = ranked.iloc[i]
        ids = tuple(members.loc[members["location_id"] == place["location_id"], "accident_id"])
        assert len(ids) == 3
        terms = export.score_breakdown(
            blackspots.location_victims(version, ids),
            params,
            blackspots.location_accidents(version, ids),
        )
        assert round(float(terms["punten"].sum()), 2) == expected
    st.cache_data.clear()
