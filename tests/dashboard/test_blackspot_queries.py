"""Black-spot and traffic queries against the demo warehouse, checked with independent SQL.

The demo generator plants three black spots and two near-threshold locations
(``ground_truth.json``); the ranking must find each at its planted place.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date

import duckdb
import numpy as np
import pandas as pd
import pytest
from dash_helpers import count, wh

from dashboard.queries import blackspots, traffic, warehouse_version
from etl.config import load_zone

END = date(2026, 10, 31)


@pytest.fixture(scope="module")
def version(demo_warehouse):
    return warehouse_version(demo_warehouse)


@pytest.fixture(scope="module")
def params():
    return blackspots.BlackSpotParams.from_zone(load_zone())


@pytest.fixture(scope="module")
def truth(demo_raw):
    return json.loads((demo_raw / "ground_truth.json").read_text(encoding="utf-8"))


def _nearest(ranked, x, y):
    d = np.hypot(ranked["x"] - x, ranked["y"] - y)
    i = int(np.argmin(d))
    return ranked.iloc[i], float(d.iat[i])


def test_configured_params_are_the_zone_files(params, tmp_path, monkeypatch):
    """The briefing pack and Verkeer take their rule from one loader: the zone file's, a
    page's own choice on top, the defaults only when there is no zone file, and a broken
    zone file is said (the pack used the defaults without a word)."""
    assert blackspots.BlackSpotParams.configured() == params
    assert blackspots.BlackSpotParams.configured(
        distance_m=40.0
    ) == blackspots.BlackSpotParams.from_zone(load_zone(), distance_m=40.0)
    monkeypatch.setenv("WIJKBEELD_ZONE", str(tmp_path / "missing.toml"))
    assert blackspots.BlackSpotParams.configured() == blackspots.BlackSpotParams()
    broken = tmp_path / "zone.toml"
    broken.write_text("[black_spots\n", encoding="utf-8")
    monkeypatch.setenv("WIJKBEELD_ZONE", str(broken))
    with pytest.raises(ValueError, match="zone.toml"):
        blackspots.BlackSpotParams.configured()


def test_params_follow_zone_toml(params):
    section = load_zone()["black_spots"]
    assert params.years == section["years"]
    assert params.distance_m == section["cluster_distance_m"]
    assert params.min_score == section["min_priority_score"]
    assert params.vulnerable_factor == pytest.approx(1.7)
    assert set(params.vulnerable_road_users) == {"Voetganger", "Fietser", "Bromfiets"}


def test_planted_black_spots_found_within_50_m(version, params, truth):
    ranked = blackspots.ranking(version, END, params)
    assert truth["black_spots"], "the demo plants black spots"
    for spot in truth["black_spots"]:
        row, dist = _nearest(ranked[ranked["is_black_spot"]], spot["x"], spot["y"])
        assert dist <= 50, (spot["junction"], dist)
        assert row["n_injury_accidents"] >= spot["injury_accidents"]
        assert row["score"] >= spot["priority_score"] - 1e-6
        assert row["street"] == spot["street"]


def test_near_threshold_locations_are_candidates(version, params, truth):
    ranked = blackspots.ranking(version, END, params)
    for spot in truth["near_threshold"]:
        row, dist = _nearest(ranked, spot["x"], spot["y"])
        assert dist <= 50, (spot["junction"], dist)
        assert bool(row["is_candidate"]) and not bool(row["is_black_spot"])
        # Background accidents are kept 80 m away: exactly the planted ones.
        assert row["n_injury_accidents"] == spot["injury_accidents"]
        assert row["score"] == pytest.approx(spot["priority_score"])


def test_members_and_score_match_independent_sql(version, params):
    ranked = blackspots.ranking(version, END, params)
    members = blackspots.location_members(version, END, params)
    sizes = members.groupby("location_id").size()
    assert (sizes.reindex(ranked["location_id"]).to_numpy() == ranked["n_injury_accidents"]).all()
    top = ranked.iloc[0]
    ids = sorted(members.loc[members["location_id"] == top["location_id"], "accident_id"])
    placeholders = ", ".join("?" for _ in ids)
    score = wh(
        f"""
        SELECT sum(CASE severity_class WHEN 'killed' THEN 5 WHEN 'seriously_injured' THEN 3
                   WHEN 'lightly_injured' THEN 1 ELSE 0 END
                   * CASE WHEN road_user IN ('Voetganger', 'Fietser', 'Bromfiets')
                          THEN 1.7 ELSE 1 END) AS s
        FROM marts.victims WHERE accident_id IN ({placeholders})
        """,
        ids,
    ).iat[0, 0]
    assert float(top["score"]) == pytest.approx(float(score))
    acc = blackspots.location_accidents(version, tuple(ids))
    assert sorted(acc["accident_id"]) == ids
    vic = blackspots.location_victims(version, tuple(ids))
    assert len(vic) == count(
        f"SELECT count(*) FROM marts.victims WHERE accident_id IN ({placeholders})", ids
    )


def test_inputs_are_zone_injury_accidents_in_window(version, params):
    accidents, victims = blackspots.ranking_inputs(version, END, params.years)
    first, last = blackspots.window(END, params.years)
    assert first == date(2023, 11, 1)
    expected = count(
        "SELECT count(*) FROM marts.accidents WHERE source = 'zone' AND is_injury "
        "AND x IS NOT NULL AND date BETWEEN ? AND ?",
        [first, last],
    )
    assert len(accidents) == expected
    assert not accidents["accident_id"].str.startswith("STATBEL").any()
    assert set(victims["accident_id"]) <= set(accidents["accident_id"])


def test_controls_for_analysis_counts(version):
    start, end = date(2026, 1, 1), END
    df = blackspots.controls_for_analysis(version, start, end)
    assert len(df) == count(
        "SELECT count(*) FROM marts.controls WHERE date BETWEEN ? AND ? AND x IS NOT NULL",
        [start, end],
    )
    assert math.isclose(
        float(df["hours"].sum()),
        float(
            wh(
                "SELECT sum(hours) FROM marts.controls WHERE date BETWEEN ? AND ? "
                "AND x IS NOT NULL",
                [start, end],
            ).iat[0, 0]
        ),
    )


def test_road_user_facet_counts_either_party(version):
    start = date(2025, 1, 1)
    facets = (("weggebruiker", ("Fietser",)), ("bebouwd", ("Binnen bebouwde kom",)))
    got = traffic.accident_summary(version, "accidents", start, END, (), facets)
    expected = wh(
        "SELECT count(*) AS n, count(*) FILTER (WHERE is_injury) AS inj FROM marts.accidents "
        "WHERE source = 'zone' AND date BETWEEN ? AND ? AND built_up = 'Binnen bebouwde kom' "
        "AND (road_user_1 = 'Fietser' OR road_user_2 = 'Fietser')",
        [start, END],
    ).iloc[0]
    assert got["ongevallen"] == int(expected["n"]) > 0
    assert got["letselongevallen"] == int(expected["inj"])
    with pytest.raises(KeyError):
        traffic.accident_summary(version, "accidents", start, END, (), (("x; DROP", ("a",)),))


def test_injury_trend_separates_accidents_and_victims(version):
    start = date(2025, 1, 1)
    trend = traffic.injury_trend(version, "accidents", start, END, "jaar")
    assert int(trend["letselongevallen"].sum()) == count(
        "SELECT count(*) FROM marts.accidents WHERE source = 'zone' AND is_injury "
        "AND date BETWEEN ? AND ?",
        [start, END],
    )
    # Victims as marts.accidents.victims counts them, as the tiles, briefing and report.
    assert int(trend["slachtoffers"].sum()) == count(
        "SELECT sum(victims) FROM marts.accidents WHERE source = 'zone' AND is_injury "
        "AND date BETWEEN ? AND ?",
        [start, END],
    )
    assert [pd.Timestamp(p).year for p in trend["periode"]] == list(range(start.year, END.year + 1))
    statbel = traffic.injury_trend(version, "accidents_statbel", start, END, "jaar")
    assert statbel["slachtoffers"].isna().all()


def test_injury_trend_counts_the_first_days_of_each_month(version):
    """Per month, the injury accidents on days 1 to the end date's day (for comparing a
    month the period cuts short); Statbel has no day, so its months count whole."""
    end = date(2026, 5, 14)
    trend = traffic.injury_trend(version, "accidents", date(2025, 1, 1), end, "maand")
    may = trend[pd.to_datetime(trend["periode"]) == pd.Timestamp("2025-05-01")].iloc[0]
    assert may["letselongevallen_tot_dag"] == count(
        "SELECT count(*) FROM marts.accidents WHERE source = 'zone' AND is_injury "
        "AND date BETWEEN '2025-05-01' AND '2025-05-14'"
    )
    assert trend["letselongevallen_tot_dag"].sum() < trend["letselongevallen"].sum()
    statbel = traffic.injury_trend(version, "accidents_statbel", date(2025, 1, 1), end, "maand")
    assert (statbel["letselongevallen_tot_dag"] == statbel["letselongevallen"]).all()


def test_injury_near_schools_matches_sql(version):
    start = date(2024, 1, 1)
    got = traffic.injury_near_poi(version, "accidents", start, END, "School", 300, "jaar")
    expected = count(
        "SELECT count(DISTINCT a.accident_id) FROM marts.accidents a JOIN marts.poi p "
        "ON p.poi_type = 'School' AND sqrt((a.x - p.x)^2 + (a.y - p.y)^2) <= 300 "
        "WHERE a.source = 'zone' AND a.is_injury AND a.date BETWEEN ? AND ?",
        [start, END],
    )
    assert int(got["dichtbij"].sum()) == expected
    assert (got["dichtbij"] <= got["totaal"]).all()


def test_injury_per_area_with_population(version):
    """Every area of the layer, by the accident's wijk; accidents without one in a row of
    their own (only when there are any), so the rows add up to the zone's total."""
    start = date(2025, 1, 1)
    total = count(
        "SELECT count(*) FROM marts.accidents WHERE source = 'zone' AND is_injury "
        "AND date BETWEEN ? AND ?",
        [start, END],
    )
    nowhere = count(
        "SELECT count(*) FROM marts.accidents WHERE source = 'zone' AND is_injury "
        "AND date BETWEEN ? AND ? AND wijk_code IS NULL",
        [start, END],
    )
    for layer in ("gemeente", "deelgemeente"):
        areas = traffic.injury_per_area(version, "accidents", start, END, layer)
        n_areas = count("SELECT count(*) FROM marts.districts WHERE layer = ?", [layer])
        assert len(areas) == n_areas + (1 if nowhere else 0)
        assert int(areas["letselongevallen"].sum()) == total
        assert int(areas["slachtoffers"].sum()) == count(
            "SELECT sum(victims) FROM marts.accidents WHERE source = 'zone' AND is_injury "
            "AND date BETWEEN ? AND ?",
            [start, END],
        )


def test_school_settings_defaults_and_zone():
    defaults = traffic.school_settings({})
    assert defaults["morning"] == (8.0, 8.75)
    assert defaults["afternoon"] == (15.25, 16.0)
    assert defaults["days"] == [1, 2, 3, 4, 5]
    custom = traffic.school_settings({"schools": {"morning": ["07:50", "08:30"]}})
    assert custom["morning"] == pytest.approx((7 + 50 / 60, 8.5))
    assert custom["radius_m"] == 300
    assert traffic.school_settings(load_zone())["poi_type"] == "School"


def test_map_layers_for_controls_and_rings():
    import pandas as pd

    from dashboard.components import maps
    from dashboard.components.format import fmt_check, fmt_clock

    m = maps.new_map(pd.DataFrame(columns=["code", "name", "geojson"]))
    controls = pd.DataFrame(
        {
            "id": ["C1", "C2"],
            "lat": [50.9, 50.91],
            "lon": [4.6, 4.61],
            "category": ["Snelheid", "Alcohol"],
            "date": [date(2026, 5, 1), date(2026, 5, 2)],
            "address": ["Steenweg", "Dorp"],
        }
    )
    maps.add_square_markers(m, controls, "Verkeerscontrole", {"Snelheid": "#1b9e77"})
    rings = pd.DataFrame({"lat": [50.9], "lon": [4.6], "radius_m": [250], "label": ["#1 Steenweg"]})
    maps.add_rings(m, rings, dash="6 4")
    maps.add_rings(m, rings.assign(radius_m=12), pixels=True)
    maps.add_labels(m, rings.assign(text="#1"))
    page = m.get_root().render()
    assert "new iconRootAlias.DivIcon(iconOptions)" in page and "#1b9e77" in page
    assert "Verkeerscontrole" in page and "Snelheid" in page and "Alcohol" in page
    assert "L.circle(" in page and "L.circleMarker(" in page
    assert '"radius": 250' in page and "#1 Steenweg" in page
    # Rings, ranks and black-spot points lie in a pane over the wijk names (their labels
    # hid dangerous point #2 under "Kortenberg-Centrum"; a look in a browser).
    spots = pd.DataFrame(
        {
            "lat": [50.9],
            "lon": [4.6],
            "category": ["Gevaarlijk punt"],
            "date": [None],
            "address": ["Grote Steenweg"],
            "id": ["#2"],
        }
    )
    maps.add_points(m, spots, "Gevaarlijke punten", records=False)
    page = m.get_root().render()
    assert page.count('"pane": "wb-top"') >= 4
    assert re.search(r'createPane\(\s*"wb-top"\);\s*\S+\.style\.zIndex = 625;', page)
    assert page.count("createPane(") == 1  # one pane, however many layers use it
    assert "#2 Gevaarlijk punt: Grote Steenweg" in page
    assert (fmt_check(True), fmt_check(False), fmt_check(None)) == ("✓", "✗", "–")
    assert fmt_clock("8:05") == "08:05"


def test_a_location_s_wijk_is_the_most_frequent_of_its_accidents(version, params):
    """Checked with SQL over the members of each location: the wijk most of its accidents
    lie in, the first in order on a tie; a location whose accidents have no wijk has none."""
    ranked = blackspots.ranking(version, END, params)
    members = blackspots.location_members(version, END, params)
    first, last = blackspots.window(END, params.years)
    con = duckdb.connect()
    con.register("members", members)
    accidents = wh(
        "SELECT accident_id, CAST(wijk_code AS VARCHAR) AS wijk_code FROM marts.accidents "
        "WHERE source = 'zone' AND date BETWEEN ? AND ?",
        [first, last],
    )
    con.register("acc", accidents)
    expected = dict(
        con.execute(
            "SELECT location_id, first(wijk_code ORDER BY n DESC, wijk_code) FROM ("
            "  SELECT m.location_id, a.wijk_code, count(*) AS n FROM members m"
            "  JOIN acc a USING (accident_id) WHERE a.wijk_code IS NOT NULL GROUP BY ALL"
            ") GROUP BY 1"
        ).fetchall()
    )
    got = dict(zip(ranked["location_id"], ranked["wijk_code"], strict=True))
    assert len(got) > 20
    assert got == {k: expected.get(k) for k in got}


def test_a_location_outside_the_zone_says_so_instead_of_a_dash(version, params, monkeypatch):
    """Four of the zone's own injury accidents 31 m over its boundary made a candidate
    with the wijk '–' on Verkeer and in the Briefing (an audit with the real HerKo
    boundaries). A location whose accidents all lie outside the zone is 'buiten de zone';
    one with a single accident inside keeps that wijk; in the zone but in no wijk stays '–'."""
    accidents, victims = blackspots.ranking_inputs(version, END, params.years)
    assert not accidents["outside_zone"].any()  # the demo's lie inside
    top = blackspots._ranked.__wrapped__(version, END, params)[0].iloc[0]
    _, members = blackspots._ranked.__wrapped__(version, END, params)
    ids = set(members.loc[members["location_id"] == top["location_id"], "accident_id"])
    moved = accidents.assign(
        outside_zone=accidents["accident_id"].isin(ids),
        wijk_code=accidents["wijk_code"].where(~accidents["accident_id"].isin(ids), None),
    )
    monkeypatch.setattr(blackspots, "ranking_inputs", lambda *a: (moved, victims))
    out, _ = blackspots._ranked.__wrapped__(version, END, params)
    row = out[out["location_id"] == top["location_id"]]
    assert row["outside_zone"].tolist() == [True]
    labels = blackspots.wijk_labels(out, {"W01": "Wijk één"})
    assert labels[row.index].tolist() == ["buiten de zone"]
    assert set(labels[~out["outside_zone"]]) <= {"Wijk één", "–"} | set(out["wijk_code"].dropna())
    # One accident of the location inside the zone (in no wijk): not "buiten de zone".
    one = sorted(ids)[0]
    partly = moved.assign(outside_zone=moved["outside_zone"] & (moved["accident_id"] != one))
    monkeypatch.setattr(blackspots, "ranking_inputs", lambda *a: (partly, victims))
    out, _ = blackspots._ranked.__wrapped__(version, END, params)
    row = out[out["location_id"] == top["location_id"]]
    assert row["outside_zone"].tolist() == [False]
    assert blackspots.wijk_labels(row, {}).tolist() == ["–"]
