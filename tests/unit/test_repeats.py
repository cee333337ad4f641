"""Known-answer tests for repeat addresses, near-repeat pairs/chains and the Knox test."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard.analysis.repeats import knox_test, near_repeats, repeat_addresses


def test_repeat_addresses_counts_normalised_addresses():
    df = pd.DataFrame(
        {
            "straat": [
                "Kerkstraat",
                "kerkstraat ",
                "KERKSTRAAT",
                "Stationsstraat",
                "Dorpsplein",
                None,
            ],
            "nr": ["12", "12", "12", "3", "1", None],
            "datum": pd.to_datetime(
                ["2025-01-05", "2025-03-01", "2025-02-10", "2025-01-01", "2025-01-01", "2025-01-01"]
            ),
        }
    )
    extra = pd.DataFrame(
        {"straat": ["Stationsstraat"], "nr": ["3"], "datum": pd.to_datetime(["2025-06-01"])}
    )
    df = pd.concat([df, extra], ignore_index=True)

    out = repeat_addresses(df, ["straat", "nr"], min_count=2, date_col="datum")

    assert out.columns.tolist() == ["straat", "nr", "n", "eerste", "laatste"]
    assert out[["straat", "nr", "n"]].values.tolist() == [
        ["Kerkstraat", "12", 3],
        ["Stationsstraat", "3", 2],
    ]
    assert out.loc[0, "eerste"] == pd.Timestamp("2025-01-05")
    assert out.loc[0, "laatste"] == pd.Timestamp("2025-03-01")
    assert repeat_addresses(df, ["straat", "nr"], min_count=3)["n"].tolist() == [3]
    assert repeat_addresses(df, ["straat", "nr"], min_count=4).empty


def test_records_without_house_number_are_no_address():
    """376 demo records on the motorway, without house number, were one "address"
    (Autosnelweg, postcode 3020) spread over four wijken; records with a postcode only
    made one too."""
    df = pd.DataFrame(
        {
            "straat": ["Autosnelweg"] * 3 + [None, "  ", None] + ["Kerkstraat"] * 2,
            "nr": [None, "", " "] + [None] * 3 + ["12", "12"],
            "postcode": ["3020"] * 8,
        }
    )
    out = repeat_addresses(df, ["straat", "nr", "postcode"])
    assert out[["straat", "nr", "postcode", "n"]].values.tolist() == [
        ["Kerkstraat", "12", "3020", 2]
    ]
    # A part that may be empty (a box number) is named out of the required parts.
    df["bus"] = [None] * 6 + ["b", None]
    boxed = repeat_addresses(df, ["straat", "nr", "bus"], min_count=1, required=["straat", "nr"])
    assert sorted(boxed["bus"].fillna("-")) == ["-", "b"] and boxed["n"].tolist() == [1, 1]
    with pytest.raises(ValueError, match="required"):
        repeat_addresses(df, ["straat", "nr"], required=["postcode"])


def _incidents():
    # id: x, y (m), day.  A-B-C form a chain (A~B, B~C, A and C too far apart in time);
    # D is close to A in space but 40 days later; E is far away; F repeats E's spot.
    rows = [
        ("A", 0.0, 0.0, 0),
        ("B", 150.0, 0.0, 10),
        ("C", 150.0, 120.0, 20),  # 120 m from B, 10 days after B; 192 m from A but 20 days
        ("D", 50.0, 0.0, 60),
        ("E", 5000.0, 5000.0, 3),
        ("F", 5000.0, 5000.0, 3),  # same place, same day as E
        ("G", 0.0, 201.0, 1),  # 201 m from A: just too far
    ]
    df = pd.DataFrame(rows, columns=["id", "x", "y", "dag"])
    df["t"] = pd.Timestamp("2025-03-01") + pd.to_timedelta(df["dag"], unit="D")
    return df


def test_near_repeats_hand_counted_pairs_and_chains():
    df = _incidents()
    result = near_repeats(df, "x", "y", "t", distance_m=200, days=14, id_col="id")

    pairs = result.pairs
    got = {(a, b) for a, b in zip(pairs["id_eerder"], pairs["id_later"], strict=True)}
    assert got == {("A", "B"), ("B", "C"), ("E", "F")}
    assert pairs.columns.tolist() == ["id_eerder", "id_later", "afstand_m", "dagen", "keten_id"]
    ab = pairs.set_index(["id_eerder", "id_later"]).loc[("A", "B")]
    assert ab["afstand_m"] == pytest.approx(150.0) and ab["dagen"] == pytest.approx(10.0)
    bc = pairs.set_index(["id_eerder", "id_later"]).loc[("B", "C")]
    assert bc["afstand_m"] == pytest.approx(120.0)

    chains = result.chains.set_index("id")
    assert chains.loc["A", "keten_id"] == chains.loc["B", "keten_id"] == chains.loc["C", "keten_id"]
    assert chains.loc["A", "keten_id"] == 1  # started first (day 0)
    assert chains.loc["E", "keten_id"] == 2
    assert chains.loc["A", "keten_grootte"] == 3 and chains.loc["E", "keten_grootte"] == 2
    assert chains.loc[["A", "B", "C"], "volgnummer"].tolist() == [1, 2, 3]
    assert "D" not in chains.index and "G" not in chains.index
    assert (pairs["keten_id"] == [1, 2, 1]).all()  # sorted by earlier time: A(0), E(3), B(10)


def test_near_repeats_thresholds_are_inclusive_and_missing_rows_ignored():
    df = pd.DataFrame(
        {
            "x": [0.0, 200.0, 0.0, np.nan],
            "y": [0.0, 0.0, 0.0, 0.0],
            "t": pd.to_datetime(
                ["2025-01-01", "2025-01-15", "2025-01-15 00:00:01", "2025-01-01"], format="ISO8601"
            ),
        }
    )
    pairs = near_repeats(df, "x", "y", "t", distance_m=200, days=14).pairs
    # 0→1: exactly 200 m and 14 days (kept); 0→2: 14 days + 1 s (dropped); 1→2 kept.
    assert {(a, b) for a, b in zip(pairs["id_eerder"], pairs["id_later"], strict=True)} == {
        (0, 1),
        (1, 2),
    }


def test_near_repeats_without_pairs():
    df = pd.DataFrame(
        {"x": [0.0, 1000.0], "y": [0.0, 0.0], "t": pd.to_datetime(["2025-01-01"] * 2)}
    )
    result = near_repeats(df, "x", "y", "t")
    assert result.pairs.empty and result.chains.empty


def _burglary_field(seed: int, clustered: bool) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = 300
    xy = rng.uniform(0, 5000, size=(n, 2))
    day = rng.uniform(0, 365, n)
    df = pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1], "dag": day})
    if clustered:
        # Each of 60 seeds gets two follow-ups within 100 m and 7 days.
        seeds = df.sample(60, random_state=seed)
        follow = []
        for _, s in seeds.iterrows():
            for _ in range(2):
                angle, r = rng.uniform(0, 2 * np.pi), rng.uniform(0, 100)
                follow.append(
                    (s.x + r * np.cos(angle), s.y + r * np.sin(angle), s.dag + rng.uniform(0, 7))
                )
        df = pd.concat([df, pd.DataFrame(follow, columns=["x", "y", "dag"])], ignore_index=True)
    df["t"] = pd.Timestamp("2025-01-01") + pd.to_timedelta(df["dag"], unit="D")
    return df


def test_knox_detects_planted_near_repeats():
    df = _burglary_field(1, clustered=True)
    result = knox_test(df, "x", "y", "t", distance_m=200, days=14, permutations=199, seed=3)
    assert result.more_than_chance
    assert result.observed > 2 * result.expected
    assert result.p_value == pytest.approx(1 / 200)
    assert result.sentence.startswith("Near-repeat is meer dan toeval")
    assert "," in result.sentence  # Dutch decimal comma
    # Same seed, same answer.
    again = knox_test(df, "x", "y", "t", distance_m=200, days=14, permutations=199, seed=3)
    assert again == result


def test_knox_random_field_is_chance():
    df = _burglary_field(2, clustered=False)
    result = knox_test(df, "x", "y", "t", distance_m=200, days=14, permutations=199, seed=3)
    assert not result.more_than_chance
    assert result.sentence.startswith("Geen aanwijzing voor near-repeat")
    # The observed count equals the number of near-repeat pairs found by near_repeats.
    pairs = near_repeats(df, "x", "y", "t", distance_m=200, days=14).pairs
    assert result.observed == len(pairs)


def test_knox_sentence_says_one_pair_in_the_singular():
    # Two burglaries 50 m and two days apart, and two far away: one close pair.
    df = pd.DataFrame(
        {
            "x": [0.0, 50.0, 5_000.0, 9_000.0],
            "y": [0.0, 0.0, 5_000.0, 9_000.0],
            "t": pd.to_datetime(["2025-01-01", "2025-01-03", "2025-03-01", "2025-06-01"]),
        }
    )
    result = knox_test(df, "x", "y", "t", distance_m=200, days=14, permutations=99, seed=3)
    assert result.observed == 1
    assert ": 1 paar feiten binnen 200 m en 14 dagen" in result.sentence  # was "1 paren feiten"


def test_knox_within_the_day_threshold_is_no_test():
    """A period no longer than the day threshold: every pair is close in time whatever the
    shuffle, so p = 1 and "Geen aanwijzing voor near-repeat" read as a finding above four
    chains (an audit, 14 days of burglaries against 14 days). It says there is no test."""
    df = _burglary_field(1, clustered=True)
    short = df[df["dag"] <= 13.5]
    result = knox_test(short, "x", "y", "t", distance_m=200, days=14, permutations=99, seed=3)
    assert not result.more_than_chance
    assert result.sentence.startswith("Geen Knox-toets: alle feiten liggen binnen 14 dagen")
    # One day longer than the threshold: a test again.
    longer = df[df["dag"] <= 40]
    again = knox_test(longer, "x", "y", "t", distance_m=200, days=14, permutations=99, seed=3)
    assert not again.sentence.startswith("Geen Knox-toets")
