"""Demo zone generator: realistic raw exports for a configured zone, with planted ground truth.

``generate_demo(out, seed, years, scale, end, zone_file)`` writes ``out/<kind>/...`` exactly as
``docs/DATA_CONTRACT.md`` section 1 describes, plus ``out/ground_truth.json``.

Modules
-------
zone        typed view of ``zone.toml``
geography   outline, Voronoi wijken, nested layers, main roads, streets, point sampling
rhythms     season/weekday/hour profiles and vectorised time sampling
planted     points of interest and the planted hot spots / black spots
incidents   ISLP-like incidents
traffic     accidents, victims, Statbel open data, traffic controls
registers   nuisance register, wijk tasks, POI list
formats     vectorised Dutch date/number formatting and CSV dialects
generator   orchestration and ground truth
"""

from etl.demo.generator import generate_demo, generator_fingerprint, is_current_demo

__all__ = ["generate_demo", "generator_fingerprint", "is_current_demo"]
