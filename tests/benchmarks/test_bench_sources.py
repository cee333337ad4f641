"""Sources page benchmark: the queries one filter change triggers, at 10^6 incidents.

``make bench`` reuses the ETL benchmark's generated exports (``data/bench/s300``: demo
generator at ``--scale 300 --years 1``, ~10^6 incidents; generated here if absent) and
builds a warehouse from them once, cached in ``data/bench/sources_1e6/warehouse.duckdb``
(git-ignored). Each scenario then calls the page's query and statistics functions with
cold caches (``st.cache_data.clear()`` first) in a fresh interpreter, the way a rerun
after a filter change does. Target: at most 2 s per filter change. Figures go to
``tests/benchmarks/results/sources.json`` (+ ``history.jsonl``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.benchmarks._util import BENCH_DATA, REPO, run_measured, write_result

pytestmark = pytest.mark.benchmark

TARGET_S = 2.0
RAW = BENCH_DATA / "s300"
WAREHOUSE = BENCH_DATA / "sources_1e6" / "warehouse.duckdb"

_CHILD = """
import json, logging, time
logging.disable(logging.WARNING)
from datetime import date
import streamlit as st
from dashboard.analysis.repeats import knox_test, near_repeats
from dashboard.analysis.risk import risk_near_poi
from dashboard.analysis.temporal import aoristic_hour_weekday, monthly_with_last_year
from dashboard.queries import hotspots as hq, incidents, warehouse_version
from dashboard.queries.hotspots import NEAR_REPEAT_MAX, knox_permutations
from pathlib import Path
import shapely

import esda, libpysal  # noqa: F401  (imported once per server process, not per change)

v = warehouse_version(Path({warehouse!r}))
n_incidents = hq.filtered_count(v, "incidents", date(1900, 1, 1), date(2100, 1, 1))
end = date(2025, 12, 31)
SCENARIOS = {{
    "jaar_alles": (date(2025, 1, 1), end, (), (), (0, 23), ()),
    "28d_alles": (date(2025, 12, 4), end, (), (), (0, 23), ()),
    "jaar_woninginbraak_nacht_weekend": (date(2025, 1, 1), end, (), ("Woninginbraak",), (22, 5), (6, 7)),
    "jaar_wijk_W03": (date(2025, 1, 1), end, ("W03",), (), (0, 23), ()),
}}
keys = ("incidents", "nuisance")
out = {{}}
for name, args in SCENARIOS.items():
    st.cache_data.clear()
    steps = {{}}
    def timed(label, fn):
        t = time.perf_counter(); r = fn(); steps[label] = round(time.perf_counter() - t, 3); return r
    t0 = time.perf_counter()
    timed("kpis", lambda: [hq.filtered_count(v, k, *args) for k in keys]
          + [hq.filtered_count(v, k, *args, located_only=True) for k in keys])
    timed("herhaalde_adressen", lambda: [(incidents.top_addresses(v, k, *args[:4], hours=args[4], weekdays=args[5]),
        incidents.repeated_address_count(v, k, *args[:4], hours=args[4], weekdays=args[5])) for k in keys])
    timed("kaart_gi_ster", lambda: hq.hotspot_classes(v, keys, *args))
    timed("kaart_zeshoeken", lambda: [hq.cell_counts(v, k, *args) for k in keys])
    timed("kaart_punten", lambda: [hq.points(v, k, *args) for k in keys])
    timed("kaart_wijken", lambda: [hq.wijk_counts(v, k, *args) for k in keys])
    timed("uur_weekdag", lambda: [hq.hour_weekday_counts(v, k, *args) for k in keys])
    timed("aoristisch", lambda: aoristic_hour_weekday(hq.aoristic_input(hq.incident_windows(v, *args)), "van", "tot"))
    timed("maanden", lambda: [monthly_with_last_year(hq.monthly_counts(v, k, *args), "maand", "n") for k in keys])
    def nr():
        b = hq.burglaries(v, args[0], args[1], args[2], ("Woninginbraak",), args[4], args[5])
        if len(b) > NEAR_REPEAT_MAX:  # the page asks to narrow the selection instead
            return len(b)
        near_repeats(b, "x", "y", "t", id_col="id")
        knox_test(b, "x", "y", "t", permutations=knox_permutations(len(b)))
        return len(b)
    n_burglaries = timed("near_repeat", nr)
    def poi():
        zone = shapely.from_wkt(hq.zone_geometry_31370(v, args[2]))
        risk_near_poi(hq.record_xy(v, "incidents", *args), hq.poi_points(v).rename(columns={{"poi_type": "type"}}), zone.area, zone=zone)
    timed("poi_risico", poi)
    total = time.perf_counter() - t0
    # The default view (Gi*) plus everything below the map; the other map views are
    # alternatives, so a filter change pays for one of them.
    # The aoristic matrix only when its toggle is on (default off: "uur_weekdag").
    map_views = ("kaart_gi_ster", "kaart_zeshoeken", "kaart_punten", "kaart_wijken")
    per_change = (total - sum(steps[s] for s in map_views) + max(steps[s] for s in map_views)
                  - steps["aoristisch"])
    emerging_t = time.perf_counter()
    hq.emerging_classes(v, keys, *args, granularity="quarter") if name == "jaar_alles" else None
    steps["opkomend_kwartalen"] = round(time.perf_counter() - emerging_t, 3) if name == "jaar_alles" else None
    out[name] = dict(steps=steps, filter_change_s=round(per_change, 3), burglaries=n_burglaries)
_extra = dict(incidents=n_incidents, scenarios=out)
"""

_MEASURE = """
import json, resource, time
_t0 = time.perf_counter()
{body}
print(json.dumps(dict(_extra, wall_s=round(time.perf_counter() - _t0, 2),
    peak_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1))))
"""


def _ensure_warehouse():
    if not (RAW / "ground_truth.json").exists():
        RAW.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "etl", "demo", "--out", str(RAW), "--years", "1",
             "--scale", "300", "--end", "2025-12-31", "--seed", "42"],
            cwd=REPO, check=True,
        )  # fmt: skip
    if not WAREHOUSE.exists():
        WAREHOUSE.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "etl", "build", "--raw", str(RAW), "--warehouse",
             str(WAREHOUSE)],
            cwd=REPO, check=True,
        )  # fmt: skip
    return WAREHOUSE


def test_bench_sources_filter_change():
    warehouse = _ensure_warehouse()
    result = run_measured(_MEASURE.format(body=_CHILD.format(warehouse=str(warehouse))))
    worst = max(s["filter_change_s"] for s in result["scenarios"].values())
    payload = {
        "incidents": result["incidents"],
        "load_avg_1m": round(os.getloadavg()[0], 2),
        "scenarios": result["scenarios"],
        "worst_filter_change_s": worst,
        "target_s": TARGET_S,
        "meets_target": worst <= TARGET_S,
        "peak_mb": result["peak_mb"],
    }
    path = write_result("sources", payload)
    print(json.dumps(payload, indent=2, ensure_ascii=False))
    assert result["incidents"] > 900_000
    assert path.exists()
    # On a machine busy with other work the figures only inform; judge them when idle.
    if payload["load_avg_1m"] <= (os.cpu_count() or 1):
        assert worst <= TARGET_S * 1.5, f"filterwissel duurt {worst} s (doel {TARGET_S} s)"
