"""The period comparison as a page shows it (dashboard.components.comparison)."""

from __future__ import annotations

import pandas as pd

from dashboard.analysis.compstat import compare_periods
from dashboard.components import comparison


def _shown_texts(styler) -> pd.DataFrame:
    """The text each cell of a Styler shows (what st.dataframe draws)."""
    body = styler._translate(False, False)["body"]
    columns = list(styler.data.columns)
    return pd.DataFrame(
        [[cell["display_value"] for cell in row if cell["type"] == "td"] for row in body],
        columns=columns,
    )


def test_differences_carry_their_sign_as_in_the_word_pack():
    """The page wrote a rise as "5" beside "-15" and "+0,7"; the briefing pack's table
    writes "+5". Both now sign a difference, and the cell still sorts as a number."""
    compared = compare_periods(
        pd.Series({"a": 12, "b": 3, "c": 4, "d": 1500}),
        pd.Series({"a": 7, "b": 9, "c": 4, "d": 100}),
        pd.Series({"a": 2, "b": 3, "c": 10, "d": 0}),
    )
    table = comparison.comparison_table(compared, list(compared.index), "Wijk")
    styler = comparison.styled_comparison(table, compared)
    shown = _shown_texts(styler)
    assert shown["Verschil"].tolist() == ["+5", "-6", "0", "+1.400"]
    assert shown["Verschil t.o.v. vorig jaar"].tolist() == ["+10", "0", "-6", "+1.500"]
    # Counts stay unsigned; the cells keep their numbers (st.dataframe sorts on those).
    assert shown["Nu"].tolist() == ["12", "3", "4", "1.500"]
    assert styler.data["Verschil"].tolist() == [5, -6, 0, 1400]


def test_a_difference_without_an_earlier_period_is_a_dash():
    compared = compare_periods(pd.Series({"a": 4, "b": 0}), None, pd.Series({"a": 1, "b": 2}))
    table = comparison.comparison_table(compared, list(compared.index), "Wijk")
    shown = _shown_texts(comparison.styled_comparison(table, compared))
    assert shown["Verschil"].tolist() == ["–", "–"]
    assert shown["Verschil t.o.v. vorig jaar"].tolist() == ["+3", "-2"]


def test_the_surroundings_sentence_gives_the_quotient_and_claims_only_beyond_chance():
    from dashboard.analysis import before_after

    def areas(around_after):
        return {
            "adres": (300, 100),
            "omgeving": (60, around_after),
            "rest": (3000, 3000),
            "adres_relatief": before_after.relative_change(300, 100, 3000, 3000),
            "omgeving_relatief": before_after.relative_change(60, around_after, 3000, 3000),
            "wdq": before_after.displacement_quotient((300, 100), (60, around_after), (3000, 3000)),
        }

    moved, within = areas(110), areas(50)
    for s in (moved, within):
        s["verplaatsing"] = before_after.displacement_text(
            s["wdq"], s["omgeving"], s["adres_relatief"]["richting"],
            s["omgeving_relatief"]["richting"],
        )  # fmt: skip
    [one, two] = comparison.surroundings_sentences(
        {"Feiten": moved, "Overlast": within}, "rest van de zone"
    )
    # 60 -> 110 around an address that fell from 300 to 100: a quarter moved next door.
    assert one == (
        "Feiten: het adres daalde duidelijk sterker dan de rest van de zone; een deel "
        "verplaatste zich naar de omgeving, minder dan wat het adres won (gewogen "
        "verplaatsingsquotiënt -0,25)."
    )
    # 60 -> 50 would be a quotient of +0,05, but within chance: no diffusion is claimed.
    assert "niet meer dan toeval" in two and "(gewogen verplaatsingsquotiënt +0,05)" in two
    # Without surroundings, or with too few records in them, no quotient is given.
    few = dict(within, omgeving=(3, 2), verplaatsing="te weinig")
    assert "quotiënt" not in comparison.surroundings_sentences({"Feiten": few}, "rest")[0]
