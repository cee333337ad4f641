"""KPI tiles: the difference with the reference period, coloured by what is worse when it
stands out."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _tiles():
    from dashboard.components.layout import Kpi, kpi_row

    kpi_row(
        [
            Kpi("Doden", 0, 0),
            Kpi("Letsel", 30, 11),
            Kpi("Controles", 2, 12, higher_is_worse=False),
            Kpi("Feiten", 272, 264),
            Kpi("Overlast", 4, 6, help="Meldingen van overlast."),
        ]
    )


def test_no_change_is_grey_without_arrow_and_more_crime_is_red_up():
    at = AppTest.from_function(_tiles).run()
    assert not at.exception, [e.value for e in at.exception]
    tiles = {m.label: m for m in at.metric}
    assert tiles["Doden"].delta == "0 t.o.v. vorige periode"
    # MetricProto: color 0 red, 1 green, 2 gray; direction 0 down, 1 up, 2 none.
    assert (tiles["Doden"].proto.color, tiles["Doden"].proto.direction) == (2, 2)
    # 30 against 11: signal 2·(√30 − √11) = 4.3, stands out.
    assert tiles["Letsel"].delta.startswith("+19")
    assert (tiles["Letsel"].proto.color, tiles["Letsel"].proto.direction) == (0, 1)
    assert (tiles["Controles"].proto.color, tiles["Controles"].proto.direction) == (0, 0)


def test_a_difference_chance_gives_is_grey_with_its_arrow():
    # Bronnen van onveiligheid showed "+8 t.o.v. vorige periode" on 272 feiten in red:
    # signal 2·(√272 − √264) = 0.49, what chance gives every other period.
    at = AppTest.from_function(_tiles).run()
    tiles = {m.label: m for m in at.metric}
    assert tiles["Feiten"].delta.startswith("+8")
    assert (tiles["Feiten"].proto.color, tiles["Feiten"].proto.direction) == (2, 1)
    assert (tiles["Overlast"].proto.color, tiles["Overlast"].proto.direction) == (2, 0)
    # The tile says why: its own help first, then the colour rule.
    assert tiles["Overlast"].proto.help.startswith("Meldingen van overlast.")
    assert "grijs" in tiles["Overlast"].proto.help and "grijs" in tiles["Feiten"].proto.help
    assert "grijs" in tiles["Doden"].proto.help  # also where nothing changed


def test_data_age_reads_as_dutch():
    from dashboard.components.layout import age_text

    assert age_text(0) == "vandaag"
    assert age_text(1) == "1 dag geleden"
    assert age_text(3) == "3 dagen geleden"
    assert age_text(1200) == "1.200 dagen geleden"
    assert age_text(-1) == "1 dag in de toekomst"


def _victim_tiles():
    from dashboard.components.layout import Kpi, kpi_row

    kpi_row([Kpi("Ongevallen", 30, 8), Kpi("Slachtoffers", 30, 8, dispersion=2.0)])


def test_victims_in_clumps_need_a_larger_difference_to_be_coloured():
    # 30 against 8: signal 2·(√30 − √8) = 5.3 for accidents; victims of the same accidents
    # vary twice as much (dispersion 2): 3.7, and tested as 15 against 4 (p = 0.02) it
    # still stands out, and says why.
    at = AppTest.from_function(_victim_tiles).run()
    tiles = {m.label: m for m in at.metric}
    assert tiles["Slachtoffers"].proto.color == 0
    assert "spreidingsfactor φ = 2,00" in tiles["Slachtoffers"].proto.help
    assert "spreidingsfactor" not in tiles["Ongevallen"].proto.help


def _victim_tiles_small():
    from dashboard.components.layout import Kpi, kpi_row

    kpi_row([Kpi("Ongevallen", 10, 2), Kpi("Slachtoffers", 10, 2, dispersion=2.1)])


def test_a_victim_difference_within_its_spread_is_grey():
    # 10 against 2: signal 2·(√10 − √2) = 3.5 and p = 0.04, red for a plain count; for
    # victims with dispersion 2.1 the signal is 2.4 but tested as 4.8 against 1.0 chance
    # gives it about one time in four: grey with its arrow.
    at = AppTest.from_function(_victim_tiles_small).run()
    tiles = {m.label: m for m in at.metric}
    assert (tiles["Ongevallen"].proto.color, tiles["Ongevallen"].proto.direction) == (0, 1)
    assert (tiles["Slachtoffers"].proto.color, tiles["Slachtoffers"].proto.direction) == (2, 1)


def _task_tiles():
    from dashboard.components.layout import Kpi, kpi_row

    kpi_row([Kpi("Nieuwe wijktaken", 38, 53, higher_is_worse=False), Kpi("Woninginbraak", 0, 2)])


def test_a_tile_is_coloured_only_where_the_briefing_s_table_colours_it():
    """Briefing week 48: 'Nieuwe wijktaken -15' was green (|z| = 2,2) above a table that
    did not colour 38 against 53 (chance gives it about one time in seven); '0 against 2'
    (z = -2,8) likewise. The tiles follow the table's rule (compstat.is_opvallend)."""
    at = AppTest.from_function(_task_tiles).run()
    tiles = {m.label: m for m in at.metric}
    assert (tiles["Nieuwe wijktaken"].proto.color, tiles["Nieuwe wijktaken"].proto.direction) == (
        2,
        0,
    )
    assert (tiles["Woninginbraak"].proto.color, tiles["Woninginbraak"].proto.direction) == (2, 0)
    assert "exacte Poissontoets" in tiles["Woninginbraak"].proto.help
