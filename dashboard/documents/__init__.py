"""Documents that leave the screen: the weekly briefing pack and the municipal report.

briefing_pack     :func:`~briefing_pack.collect_briefing` (what the Briefing page shows) and
                  the Word pack (A4 landscape) written from it
municipal_report  the report to the local administration (Word + Excel), aggregates only
disclosure        small-count suppression over linked tables (shared totals, hierarchy)
charts            matplotlib charts (PNG, Dutch labels)
static_maps       matplotlib maps (PNG): wijk outlines, choropleths, hexagon classes, spots;
                  no tiles, no internet
"""
