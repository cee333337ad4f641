"""Shared filters: read from the URL at session start, kept across pages, written back."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from dash_helpers import anchor, count, metrics, nl, run_app

from dashboard.components.filters import (
    Period,
    clamp_range,
    outside_data_note,
    preset_period,
    year_before,
)


def _as_list(value) -> list[str]:
    return value if isinstance(value, list) else [value]


def test_url_to_widgets_and_back(demo_warehouse):
    at = run_app("sources", {"periode": "7d", "wijk": ["W01", "W03"]})
    assert at.selectbox(key="_w_flt_periode").value == "7d"
    assert at.multiselect(key="_w_flt_wijken").value == ["W01", "W03"]
    end = anchor()
    start = end - timedelta(days=6)
    n = count(
        "SELECT count(*) FROM marts.incidents WHERE date BETWEEN ? AND ? AND wijk_code IN ('W01', 'W03')",
        [start, end],
    )
    assert metrics(at)["Feiten (pv's)"] == nl(n)

    # A change in a widget goes to the URL ...
    at.selectbox(key="_w_flt_periode").set_value("jaar").run()
    assert at.query_params["periode"] in ("jaar", ["jaar"])
    assert sorted(_as_list(at.query_params["wijk"])) == ["W01", "W03"]

    # ... and survives a page switch (the page navigation clears the URL, the session
    # state carries the choice, and the new page writes it back).
    at.switch_page("views/traffic.py").run()
    assert not at.exception
    assert at.selectbox(key="_w_flt_periode").value == "jaar"
    assert at.multiselect(key="_w_flt_wijken").value == ["W01", "W03"]
    assert f"01/01/{end.year} – {end:%d/%m/%Y}" in at.caption[0].value

    # Emptying the wijk choice removes the parameter.
    at.multiselect(key="_w_flt_wijken").set_value([]).run()
    assert "wijk" not in at.query_params


def test_custom_period_from_url(demo_warehouse):
    at = run_app("sources", {"periode": "aangepast", "van": "2026-01-01", "tot": "2026-01-31"})
    assert "Aangepast (01/01/2026 – 31/01/2026)" in at.caption[0].value
    n = count(
        "SELECT count(*) FROM marts.incidents WHERE date BETWEEN DATE '2026-01-01' AND DATE '2026-01-31'"
    )
    assert metrics(at)["Feiten (pv's)"] == nl(n)
    assert at.query_params["van"] in ("2026-01-01", ["2026-01-01"])


def test_custom_period_from_widgets(demo_warehouse):
    at = run_app("exploration")
    at.selectbox(key="_w_flt_periode").set_value("aangepast").run()
    at.date_input(key="_w_flt_van_tot_keuze").set_value((date(2025, 3, 1), date(2025, 3, 31))).run()
    assert not at.exception
    assert "Aangepast (01/03/2025 – 31/03/2025)" in at.caption[0].value
    assert at.query_params["van"] in ("2025-03-01", ["2025-03-01"])
    assert at.query_params["tot"] in ("2025-03-31", ["2025-03-31"])
    n = count(
        "SELECT count(*) FROM marts.incidents WHERE date BETWEEN DATE '2025-03-01' AND DATE '2025-03-31'"
    )
    assert metrics(at)["Totaal (aantal)"] == nl(n)
    # Back to a preset: the custom dates leave the URL.
    at.selectbox(key="_w_flt_periode").set_value("28d").run()
    assert "van" not in at.query_params and "tot" not in at.query_params


def test_unknown_url_values_are_ignored(demo_warehouse):
    at = run_app("sources", {"periode": "eeuwig", "wijk": ["W01", "X'; DROP TABLE"]})
    assert at.selectbox(key="_w_flt_periode").value == "28d"
    assert at.multiselect(key="_w_flt_wijken").value == ["W01"]


@pytest.mark.parametrize(
    ("preset", "start", "end"),
    [
        ("7d", date(2026, 10, 25), date(2026, 10, 31)),
        ("28d", date(2026, 10, 4), date(2026, 10, 31)),
        ("jaar", date(2026, 1, 1), date(2026, 10, 31)),
        ("vorigjaar", date(2025, 1, 1), date(2025, 12, 31)),
    ],
)
def test_presets(preset, start, end):
    period = preset_period(preset, date(2026, 10, 31))
    assert (period.start, period.end) == (start, end)


def test_comparison_periods():
    period = Period("28d", date(2026, 10, 4), date(2026, 10, 31))
    assert period.previous() == Period("28d", date(2026, 9, 6), date(2026, 10, 3))
    assert period.last_year() == Period("28d", date(2025, 10, 4), date(2025, 10, 31))
    assert year_before(date(2028, 2, 29)) == date(2027, 2, 28)


def test_whole_months_and_the_months_before_for_data_without_a_day():
    p = Period("28d", date(2026, 11, 3), date(2026, 11, 30))
    assert (p.months().start, p.months().end) == (date(2026, 11, 1), date(2026, 11, 30))
    assert (p.previous_months().start, p.previous_months().end) == (
        date(2026, 10, 1),
        date(2026, 10, 31),
    )
    two = Period("aangepast", date(2026, 1, 17), date(2026, 2, 14))
    assert (two.previous_months().start, two.previous_months().end) == (
        date(2025, 11, 1),
        date(2025, 12, 31),
    )
    leap = Period("aangepast", date(2028, 2, 10), date(2028, 2, 12))
    assert leap.months().end == date(2028, 2, 29)
    assert leap.previous_months().start == date(2028, 1, 1)


def test_clamp_range_keeps_dates_within_the_widget_bounds():
    lo, hi = date(2020, 1, 1), date(2026, 12, 1)
    assert clamp_range(date(2026, 11, 1), date(2026, 12, 31), lo, hi) == (
        date(2026, 11, 1),
        date(2026, 12, 1),
    )
    assert clamp_range(date(2027, 1, 5), date(2027, 2, 1), lo, hi) == (hi, hi)
    assert clamp_range(date(2026, 3, 31), date(2026, 3, 1), lo, hi) == (
        date(2026, 3, 1),
        date(2026, 3, 31),
    )
    assert clamp_range(date(2019, 6, 1), date(2020, 2, 1), lo, hi) == (lo, date(2020, 2, 1))


@pytest.mark.parametrize("page", ["workload", "exploration", "sources"])
def test_a_link_with_dates_after_today_opens_the_page(demo_warehouse, page):
    """``tot`` later than today raised StreamlitValueAboveMaxError on every page."""
    from etl.config import zone_today

    highest = max(anchor(), zone_today())
    later = highest + timedelta(days=30)
    at = run_app(
        page, {"periode": "aangepast", "van": str(highest - timedelta(days=9)), "tot": str(later)}
    )
    start = highest - timedelta(days=9)
    assert f"Aangepast ({start:%d/%m/%Y} – {highest:%d/%m/%Y})" in at.caption[0].value
    assert at.query_params["tot"] in (str(highest), [str(highest)])


def test_a_link_with_van_after_tot_is_put_in_order(demo_warehouse):
    at = run_app("sources", {"periode": "aangepast", "van": "2026-01-31", "tot": "2026-01-01"})
    assert "Aangepast (01/01/2026 – 31/01/2026)" in at.caption[0].value
    assert at.date_input(key="_w_flt_van_tot_keuze").value == (date(2026, 1, 1), date(2026, 1, 31))


def test_a_year_is_compared_with_the_year_before():
    """Counted in days, "Vorig jaar" 2025 was compared with 02/01/2024 - 31/12/2024 (2024
    is a leap year) and "Dit jaar" to 31 October with February - December of the year
    before: another season, and neither window was said."""
    last = Period("vorigjaar", date(2025, 1, 1), date(2025, 12, 31))
    assert last.previous() == Period("vorigjaar", date(2024, 1, 1), date(2024, 12, 31))
    ytd = Period("jaar", date(2026, 1, 1), date(2026, 10, 31))
    assert ytd.previous() == Period("jaar", date(2025, 1, 1), date(2025, 10, 31))
    assert ytd.previous_months() == Period("jaar", date(2025, 1, 1), date(2025, 10, 31))
    # A calendar year chosen by hand too; other periods as before.
    assert Period("aangepast", date(2024, 1, 1), date(2024, 12, 31)).previous().start == date(
        2023, 1, 1
    )
    spring = Period("aangepast", date(2026, 1, 1), date(2026, 3, 31))
    assert spring.previous() == Period("aangepast", date(2025, 10, 3), date(2025, 12, 31))


def test_a_period_outside_the_data_says_so():
    first, last = date(2023, 12, 7), date(2026, 12, 7)
    before = Period("aangepast", date(2020, 1, 1), date(2020, 12, 31))
    note = outside_data_note((before.start, before.end), before, first, last)
    assert note.startswith("De gekozen periode (01/01/2020 – 31/12/2020) ligt vóór de gegevens")
    assert note.endswith("die lopen van 07/12/2023 tot en met 07/12/2026.")
    moved = Period("aangepast", last, last)
    note = outside_data_note((date(2027, 1, 1), date(2027, 3, 31)), moved, first, last)
    assert "(01/01/2027 – 31/03/2027) ligt na de gegevens" in note
    assert "de periode is 07/12/2026 – 07/12/2026 geworden" in note
    touching = Period("aangepast", date(2026, 11, 1), date(2026, 12, 31))
    assert outside_data_note((touching.start, touching.end), touching, first, last) is None


@pytest.mark.parametrize(
    ("van", "tot", "where"),
    [("2027-01-01", "2027-03-31", "na"), ("2020-01-01", "2020-12-31", "vóór")],
)
def test_a_link_to_a_period_outside_the_data_is_explained(demo_warehouse, van, tot, where):
    """01/01/2027 – 31/03/2027 was silently made one day (today), then "Geen gegevens voor
    deze keuze"; a period in 2020 said only that (an audit). The sidebar says the period
    lies before or after the data, which days they cover, and that it was moved."""
    from dashboard.queries import _db
    from dashboard.queries.common import data_bounds

    bounds = data_bounds(_db.warehouse_version())
    at = run_app("exploration", {"periode": "aangepast", "van": van, "tot": tot})
    assert not at.exception
    start, end = date.fromisoformat(van), date.fromisoformat(tot)
    [note] = [i.value for i in at.sidebar.info if i.value.startswith("De gekozen periode")]
    assert f"({start:%d/%m/%Y} – {end:%d/%m/%Y}) ligt {where} de gegevens" in note
    assert f"die lopen van {bounds['first']:%d/%m/%Y} tot en met {anchor():%d/%m/%Y}" in note
    assert ("geworden" in note) == (where == "na")
    # A period that touches the data says nothing of the kind.
    at = run_app("exploration", {"periode": "aangepast", "van": "2025-01-01", "tot": "2025-03-31"})
    assert not [i for i in at.sidebar.info if i.value.startswith("De gekozen periode")]


def test_the_outside_note_takes_the_page_s_own_sources(demo_warehouse):
    """The note named the zone's first day on every page: on Verkenning it called the first
    days of Statbel's first month "vóór de gegevens" while the table counted that month,
    and on Verkeer it named the facts' first day (a review). Its bounds are the page's
    sources', Statbel's months included where the accidents are shown."""
    from dashboard.components.filters import shown_data_span
    from dashboard.queries import _db
    from dashboard.queries.common import known_since, source_span_map

    version = _db.warehouse_version()
    spans = source_span_map(version)
    far = (date(1990, 1, 1), date(1990, 1, 2))
    bronnen = shown_data_span(version, ("incidents", "nuisance"), *far)
    assert bronnen[0] == min(spans["incidents"].first, spans["nuisance"].first)
    assert bronnen[1] == max(spans["incidents"].last, spans["nuisance"].last)
    statbel = known_since(version, ("accidents_statbel",))
    for domains in (None, ("accidents",)):
        first, last = shown_data_span(version, domains, *far)
        assert first == min(statbel, *(s.first for k, s in spans.items() if domains is None
                                       or k in domains))  # fmt: skip
        assert last >= max(s.last for k, s in spans.items() if domains is None or k in domains)
    # A page whose sources are not loaded falls back to the zone's bounds.
    assert shown_data_span(version, ("controls_unknown",), *far) == far


def test_a_category_of_another_source_is_named_as_ignored(demo_warehouse):
    """A nuisance type chosen (here from a link) while the facts alone are shown: the
    filter left it out and showed every fact without a word. Now a caption under the
    widget names it, and all facts are counted."""
    from dash_helpers import wh

    kind = wh(
        "SELECT nuisance_type FROM marts.nuisance GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
    ).iat[0, 0]
    at = run_app("sources", {"categorie": kind})
    assert at.multiselect(key="_w_flt_categorieen").value == [kind]
    assert not [c for c in at.caption if "genegeerd" in c.value]
    at.segmented_control(key="bronnen_bron").set_value("incidents").run()
    assert not at.exception
    assert at.multiselect(key="_w_flt_categorieen").value == []
    notes = [c.value for c in at.caption if "genegeerd" in c.value]
    assert notes == [f"Niet in deze lijst, dus genegeerd: {kind}. Alle worden getoond."]
    # Back to both sources, the choice holds again; changing it clears the note.
    at.segmented_control(key="bronnen_bron").set_value("beide").run()
    assert at.multiselect(key="_w_flt_categorieen").value == [kind]
    assert not [c for c in at.caption if "genegeerd" in c.value]
