"""Verkeer, from an audit: the enforcement section (what an inspector may see of it, what the
controls found) and Statbel's months not published yet.

An inspector sees another wijk's locations only as black spots or candidates, as in the
location history. An audit found two locations in other wijken in an inspector's table and on
the map, each a single accident in which a cyclist died (score 8,5): rank, street and ring
gave one person's accident away. The inspector's table must be the coordinator's less exactly
those rows, the ring labels must follow it, and the sentence on control hours (no accident in
it) is the same.
"""

from __future__ import annotations

import re

import folium
import pytest
import streamlit as st
from dash_helpers import last_28_days, run_as, wh
from test_map_tooltips import _geojson_layers, _style

from dashboard.auth import Principal, Role

PARAMS = {"periode": "jaar"}


def _frames(at):
    for d in at.dataframe:
        df = d.value
        yield df.data if hasattr(df, "data") else df


def _table(at):
    """The enforcement table (the top ten and the controls near them)."""
    return next(df for df in _frames(at) if "Controle-uren" in df.columns)


def _listed(at) -> set[int]:
    """Ranks of the black spots and candidates (the ranking tables above)."""
    return {
        int(r)
        for df in _frames(at)
        if list(df.columns)[:1] == ["Rang"] and "Letselongevallen" in df.columns
        for r in df["Rang"]
    }


def _ring_labels(m: folium.Map) -> list[int]:
    """The ranks drawn over the enforcement map ("#3")."""
    return sorted({int(t) for t in re.findall(r"\\u003e#(\d+)\\u003c/div", m.get_root().render())})


def test_an_inspector_sees_other_wijken_s_locations_only_as_black_spots(demo_warehouse, shown_maps):
    coordinator = run_as(Principal("coord", Role.COORDINATOR), "traffic", PARAMS)
    full = _table(coordinator)
    assert len(full) == 10
    assert _ring_labels(shown_maps["verkeer_handhaving_kaart"]) == sorted(full["Rang"])
    listed = _listed(coordinator)
    assert listed, "the demo's year has black spots or candidates in the top ten"
    names = wh("SELECT code, name FROM marts.districts WHERE layer = 'wijk'")
    code_of = dict(zip(names["name"], names["code"], strict=True))
    # The inspector of a wijk with a merely ranked location of its own in the top ten.
    ranked_only = full[~full["Rang"].isin(listed)]
    own_name = sorted(ranked_only["Wijk"], key=lambda n: (-(ranked_only["Wijk"] == n).sum(), n))[0]
    hidden = full[~full["Rang"].isin(listed) & (full["Wijk"] != own_name)]
    assert len(hidden), "the demo's case: the top ten holds other wijken's ranked locations"

    shown_maps.clear()
    inspector = run_as(
        Principal("insp", Role.INSPECTOR, wijk_code=code_of[own_name]), "traffic", PARAMS
    )
    table = _table(inspector)
    # The coordinator's rows less the other wijken's merely ranked locations, unchanged.
    expected = full[~full["Rang"].isin(hidden["Rang"])].reset_index(drop=True)
    assert table.reset_index(drop=True).equals(expected)
    assert _ring_labels(shown_maps["verkeer_handhaving_kaart"]) == sorted(expected["Rang"])
    caption = " ".join(c.value for c in inspector.caption)
    noun = "locatie" if len(hidden) == 1 else "locaties"
    assert f"{len(hidden)} {noun} buiten je wijk, geen gevaarlijk punt of kandidaat" in caption
    # The sentence on the control hours still counts the whole top ten, as for the
    # coordinator (hours, not accidents).
    sentence = [m.value for m in inspector.markdown if "uur; daarvan vond" in m.value]
    assert sentence == [m.value for m in coordinator.markdown if "uur; daarvan vond" in m.value]


def test_the_controls_results_per_type(demo_warehouse):
    """Vehicles checked, offences and the share in violation per type, for the types chosen
    (Snelheid and Alcohol by default), from every control of the period located or not;
    the total row has no share (a speed camera's vehicles and breath tests are no one
    population). An audit found the page showed none of it."""
    at = run_as(Principal("coord", Role.COORDINATOR), "traffic", PARAMS)
    table = next(df for df in _frames(at) if list(df.columns)[:1] == ["Soort controle"])
    end = last_28_days()[1]
    truth = wh(
        "SELECT control_type, count(*) AS n, sum(vehicles_checked) AS v, sum(offences) AS o "
        "FROM marts.controls WHERE date BETWEEN make_date(?, 1, 1) AND ? "
        "AND control_type IN ('Snelheid', 'Alcohol') GROUP BY ALL",
        [end.year, end],
    ).set_index("control_type")
    assert (wh("SELECT count(*) FROM marts.controls WHERE vehicles_checked IS NULL").iat[0, 0]) == 0
    shown = table.set_index("Soort controle")
    assert list(shown.index) == [*truth.sort_values("n", ascending=False).index, "Totaal"]
    for kind, row in truth.iterrows():
        assert shown.at[kind, "Controles"] == row["n"]
        assert shown.at[kind, "Gecontroleerde voertuigen"] == row["v"]
        assert shown.at[kind, "Overtredingen"] == row["o"]
        share = f"{100 * row['o'] / row['v']:.1f}".replace(".", ",")
        assert shown.at[kind, "In overtreding (%)"] == share
    assert shown.at["Totaal", "Controles"] == truth["n"].sum()
    assert shown.at["Totaal", "In overtreding (%)"] == "–"


def test_an_inspector_s_enforcement_map_counts_other_wijken_s_controls_apart(
    demo_warehouse, shown_maps
):
    """Controls in other wijken were a second layer of large hexagons over the accidents'
    ones, in the same colours, with a legend that did not say what it counted (an audit):
    they are a grey count per coarse hexagon, and the counts add up to the controls of
    other wijken (marts.controls, the chosen types, located)."""
    names = wh("SELECT code FROM marts.districts WHERE layer = 'wijk' ORDER BY 1")
    own = names["code"].iat[0]
    run_as(Principal("insp", Role.INSPECTOR, wijk_code=own), "traffic", PARAMS)
    m = shown_maps["verkeer_handhaving_kaart"]
    page = m.get_root().render()
    badges = [
        int(n.replace(".", ""))
        for n in re.findall(r'border-box\\"\\u003e([\d.]+)\\u003c/div', page)
    ]
    end = last_28_days()[1]
    truth = wh(
        "SELECT count(*) FROM marts.controls WHERE date BETWEEN make_date(?, 1, 1) AND ? "
        "AND control_type IN ('Snelheid', 'Alcohol') AND lat IS NOT NULL "
        "AND wijk_code IS DISTINCT FROM ?",
        [end.year, end, own],
    ).iat[0, 0]
    assert truth > 0 and sum(badges) == truth
    assert "Verkeerscontrole buiten je wijk" in page
    assert "Letselongevallen per zeshoek (3 jaar) buiten je wijk (grote zeshoeken)" in page
    # Filled layers: the accidents' fine and coarse hexagons only.
    filled = [
        layer
        for layer in _geojson_layers(m)
        if "fillColor" in (style := _style(layer)) and style.get("fillOpacity", 0.2) > 0
    ]
    assert [layer.layer_name for layer in filled] == [
        "Letselongevallen per zeshoek (3 jaar) buiten je wijk (grote zeshoeken)",
        "Letselongevallen per zeshoek (3 jaar)",
    ]


def test_statbel_s_unpublished_months_are_said_not_shown_as_nothing(statbel_to_2025):
    """Statbel up to 2025 and a period in 2026 (an audit): the severity table was empty
    under "gekozen periode", the hour chart's caption named the whole window, and the
    table beside the zone's registration left out 2026 without a word."""
    at = run_as(
        Principal("coord", Role.COORDINATOR),
        "traffic",
        {"periode": "aangepast", "van": "2026-03-01", "tot": "2026-05-31"},
    )
    at.button_group(key="verkeer_bron").set_value("accidents_statbel").run()
    assert not at.exception
    assert not [df for df in _frames(at) if list(df.columns)[:1] == ["Ernst"]]
    infos = [i.value for i in at.info]
    # Per gemeente, per wijk and, new, per severity.
    assert sum("niets te tonen voor de gekozen periode" in i for i in infos) == 3
    captions = [c.value for c in at.caption]
    hour = next(c for c in captions if "Schooluren" in c)
    assert "t.e.m. 31/12/2025" in hour or "– 31/12/2025" in hour, hour
    assert "wat de bron dekt van" in hour
    side = next(c for c in captions if c.startswith("Letselongevallen per kalenderjaar"))
    assert "Statbel 2026: nog niet gepubliceerd (het geladen bestand loopt tot 31/12/2025)" in side


@pytest.fixture
def offences_unknown(demo_raw, tmp_path, monkeypatch):
    """The demo zone with every third control of the newest year without its offences."""
    from dash_helpers import demo_variant

    def blank(raw):
        path = max((raw / "controls").glob("*.csv"))
        lines = path.read_text(encoding="utf-8").splitlines()
        rows = [r.rsplit(";", 1)[0] + ";" if i % 3 == 0 else r for i, r in enumerate(lines[1:])]
        path.write_text("\n".join([lines[0], *rows]) + "\n", encoding="utf-8")

    yield demo_variant(demo_raw, tmp_path, monkeypatch, blank)
    st.cache_data.clear()


def test_a_control_without_its_offences_does_not_lower_the_share(offences_unknown):
    """Vehicles of a control whose offences are unknown counted beside 0 offences: 5,6 %
    where the controls that gave both said 6,0 % (a review). Only controls with both
    numbers count; the caption says how many do not."""
    at = run_as(Principal("coord", Role.COORDINATOR), "traffic", PARAMS)
    table = next(df for df in _frames(at) if list(df.columns)[:1] == ["Soort controle"])
    end = last_28_days()[1]
    truth = wh(
        "SELECT control_type, count(*) AS n, "
        "sum(vehicles_checked) FILTER (WHERE offences IS NOT NULL) AS v, "
        "sum(offences) AS o, count(*) FILTER (WHERE offences IS NULL) AS unknown "
        "FROM marts.controls WHERE date BETWEEN make_date(?, 1, 1) AND ? "
        "AND control_type IN ('Snelheid', 'Alcohol') GROUP BY ALL",
        [end.year, end],
    ).set_index("control_type")
    assert truth["unknown"].sum() > 0
    shown = table.set_index("Soort controle")
    for kind, row in truth.iterrows():
        assert shown.at[kind, "Controles"] == row["n"]
        assert shown.at[kind, "Gecontroleerde voertuigen"] == row["v"]
        share = f"{100 * row['o'] / row['v']:.1f}".replace(".", ",")
        assert shown.at[kind, "In overtreding (%)"] == share
    unknown = int(truth["unknown"].sum())
    assert any(
        f"{unknown} controles geven geen aantal gecontroleerde voertuigen of overtredingen: "
        "ze tellen niet mee" in c.value
        for c in at.caption
    )


def test_a_candidate_of_two_accidents_elsewhere_is_not_shown_to_an_inspector(
    demo_warehouse, shown_maps, monkeypatch
):
    """A candidate may hold two injury accidents with a high score: in another wijk that is
    one person's accident, with both dates, for an inspector (a review; the demo has none,
    so a ranked location of two accidents is made a candidate here)."""
    from dashboard.queries import blackspots

    real = blackspots.ranking
    chosen = {}

    def ranking(version, end, params):
        ranked = real(version, end, params).copy()
        two = ranked[(ranked["n_injury_accidents"] == 2) & ~ranked["is_candidate"]]
        two = two[two["wijk_code"].notna()].head(1)
        ranked.loc[two.index, "is_candidate"] = True
        chosen.update(rang=int(two["rang"].iat[0]), wijk=str(two["wijk_code"].iat[0]))
        return ranked

    monkeypatch.setattr(blackspots, "ranking", ranking)
    st.cache_data.clear()
    coordinator = run_as(Principal("coord", Role.COORDINATOR), "traffic", PARAMS)
    listed = _listed(coordinator)
    assert chosen["rang"] in listed
    other = "W01" if chosen["wijk"] != "W01" else "W02"
    inspector = run_as(Principal("insp", Role.INSPECTOR, wijk_code=other), "traffic", PARAMS)
    assert chosen["rang"] not in _listed(inspector)
    assert chosen["rang"] not in set(_table(inspector)["Rang"])
    assert any(
        c.value.startswith("1 kandidaat buiten je wijk met minder dan 3 letselongevallen")
        for c in inspector.caption
    )
    # The inspector of its own wijk sees it.
    own = run_as(Principal("insp", Role.INSPECTOR, wijk_code=chosen["wijk"]), "traffic", PARAMS)
    assert chosen["rang"] in _listed(own)
