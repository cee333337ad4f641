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
