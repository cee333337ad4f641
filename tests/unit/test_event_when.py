"""When an event runs, as the briefing, the report and the maps write it. A list over two
years wrote "za 05/12" for either December; such a list now writes the year."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.components.format import fmt_event_when, spans_years

T = pd.Timestamp


@pytest.mark.parametrize(
    ("start", "end", "plain", "with_year"),
    [
        ("2025-12-05 22:00", "2025-12-06 04:00",
         "vr 05/12 22:00 – za 06/12 04:00", "vr 05/12/2025 22:00 – za 06/12 04:00"),
        ("2025-09-13 13:00", "2025-09-13 18:00",
         "za 13/09 13:00–18:00", "za 13/09/2025 13:00–18:00"),
        ("2025-09-13", None, "za 13/09", "za 13/09/2025"),
        # An end at midnight closes the day before: New Year's Eve stays in its year.
        ("2025-12-31 20:00", "2026-01-01 00:00",
         "wo 31/12 20:00–24:00", "wo 31/12/2025 20:00–24:00"),
        ("2025-12-31 20:00", "2026-01-01 03:00",
         "wo 31/12 20:00 – do 01/01 03:00", "wo 31/12/2025 20:00 – do 01/01/2026 03:00"),
        ("2025-12-30", "2026-01-02", "di 30/12 – do 01/01", "di 30/12/2025 – do 01/01/2026"),
        ("2025-08-01", "2025-08-05", "vr 01/08 – ma 04/08", "vr 01/08/2025 – ma 04/08"),
    ],
)  # fmt: skip
def test_event_when_with_and_without_its_year(start, end, plain, with_year):
    end = None if end is None else T(end)
    assert fmt_event_when(T(start), end) == plain
    assert fmt_event_when(T(start), end, year=True) == with_year


def test_a_list_writes_the_year_when_it_spans_more_than_one():
    assert spans_years([T("2025-12-05"), T("2026-01-10")])
    assert not spans_years([T("2025-01-05"), T("2025-12-10"), pd.NaT])
    assert not spans_years(pd.Series([], dtype="datetime64[ns]"))


def test_the_map_of_a_two_year_period_names_each_event_s_year():
    import folium

    from dashboard.components import maps

    events = pd.DataFrame(
        {
            "event_type": ["Kermis", "Fuif"],
            "name": ["Kermis Herent", "Fuif Veltem"],
            "started_at": [T("2024-12-07 14:00"), T("2025-12-06 22:00")],
            "ended_at": [T("2024-12-07 23:00"), T("2025-12-07 03:00")],
            "lat": [50.90, 50.91],
            "lon": [4.67, 4.68],
            "visitors": [500, None],
        }
    )
    m = folium.Map(location=[50.9, 4.67], tiles=None)
    maps.add_events(m, events)
    html = m.get_root().render()
    assert "Kermis Herent · za 07/12/2024 14:00–23:00 · 500 bezoekers" in html
    assert "Fuif Veltem · za 06/12/2025 22:00 – zo 07/12 03:00" in html
    # One year: as before, without it.
    m = folium.Map(location=[50.9, 4.67], tiles=None)
    maps.add_events(m, events.iloc[1:])
    assert "Fuif Veltem · za 06/12 22:00 – zo 07/12 03:00" in m.get_root().render()
