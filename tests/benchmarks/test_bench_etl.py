"""ETL benchmark: the complete warehouse build against a plain pandas + geopandas pipeline.

``make bench-etl`` generates 10^6 incidents once (demo generator, ``--scale 300 --years 1``,
cached under ``data/bench/``, git-ignored, and made again when the generator or the zone
file changes), builds the whole warehouse (all kinds, marts,
checks, file written) in a fresh interpreter and times a pandas + geopandas pipeline doing
the comparable work on the same files: read every point export with pandas, parse the
dates, reproject with ``to_crs``, point-in-polygon with ``geopandas.sjoin`` and aggregate per
wijk x category x month. Both report wall seconds, CPU seconds and peak RSS; figures go to
``tests/benchmarks/results/etl.json`` (+ ``history.jsonl``).

``BENCH_SIZES="1e6 1e7"`` also runs 10^7 incidents (``--scale 3000``: about 4 GB of CSV,
generation several minutes, the build a few minutes).

Machines differ (the same code has taken 7 s and 16 s at 10^6 on two of them): each run
also times two of the issue's reference operations (:func:`machine_speed`) and records the
build's time scaled to the speed of the machine the targets were set on.

This machine's speed drifts by 10-15 % over minutes (other tenants), so at 10^6 both
pipelines run three times, alternately, and the median run of each is reported, with every
run's wall time beside it (``BENCH_REPEAT`` sets the count; 10^7 runs once by default).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from etl.demo.generator import is_current_demo
from tests.benchmarks._util import BENCH_DATA, REPO, run_measured, write_result

pytestmark = pytest.mark.benchmark

SCALES = {"1e6": 300, "1e7": 3000}
REPEAT = {"1e6": 3, "1e7": 1}
TARGET_S = {"1e6": 10.0, "1e7": 100.0}
PEAK_LIMIT_MB = 4096

_MEASURE = """
import json, resource, time
_t0 = time.perf_counter(); _c0 = time.process_time()
{body}
_u = resource.getrusage(resource.RUSAGE_SELF)
_c = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps(dict(_extra, wall_s=round(time.perf_counter() - _t0, 2),
    cpu_s=round(time.process_time() - _c0 + _c.ru_utime + _c.ru_stime, 2),
    peak_mb=round(max(_u.ru_maxrss, _c.ru_maxrss) / 1024, 1))))
"""

OURS = """
from pathlib import Path
from etl.build import build_warehouse
r = build_warehouse(Path({raw!r}), Path({warehouse!r}), echo=lambda s: None)
_extra = dict(rows=r["rows"], timings=r["timings"], cpu_timings=r.get("cpu_timings", {{}}))
"""

BASELINE = """
from pathlib import Path
import geopandas as gpd
import pandas as pd

raw = Path({raw!r})
SPECS = {{  # folder: (id column, date column, category column, x, y)
    "incidents": ("PV-nummer", "Datum feit", "Categorie", "X", "Y"),
    "accidents": ("Ongevalnummer", "Datum/uur", "Ernst", "X", "Y"),
    "nuisance": ("Meldingsnummer", "Datum melding", "Type overlast", "Lambert X", "Lambert Y"),
    "controls": ("Controlenummer", "Begin", "Type controle", "X", "Y"),
}}

def read(path):
    data = path.read_bytes()[:4]
    enc = "utf-8-sig" if data.startswith(b"\\xef\\xbb\\xbf") else "cp1252"
    head = path.open(encoding=enc).readline()
    sep = max(";,|\\t", key=head.count)
    return pd.read_csv(path, sep=sep, encoding=enc, dtype=str, keep_default_na=False)

wijken = gpd.read_file(raw / "districts" / "wijken.geojson").to_crs(4326)
code = [c for c in wijken.columns if c.lower().startswith("wijk") and "code" in c.lower()][0]
wijken = wijken[[code, "geometry"]].rename(columns={{code: "wijk_code"}})
parts = []
for kind, (key, when, cat, xcol, ycol) in SPECS.items():
    frames = []
    for order, path in enumerate(sorted((raw / kind).glob("*.csv"))):
        df = read(path)
        df["_order"] = order
        frames.append(df)
    if not frames:
        continue
    df = pd.concat(frames, ignore_index=True)
    df["ts"] = pd.to_datetime(df[when], format="%d/%m/%Y %H:%M", errors="coerce")
    df = df[df["ts"].notna() & (df[key] != "")]
    df = df.sort_values("_order").drop_duplicates(key, keep="last")  # newest export wins
    x = pd.to_numeric(df[xcol].str.replace(".", "", regex=False).str.replace(",", ".", regex=False), errors="coerce")
    y = pd.to_numeric(df[ycol].str.replace(".", "", regex=False).str.replace(",", ".", regex=False), errors="coerce")
    pts = gpd.GeoDataFrame(
        {{"category": df[cat].values, "month": df["ts"].dt.to_period("M").astype(str).values}},
        geometry=gpd.points_from_xy(x, y), crs=31370,
    ).to_crs(4326)
    joined = gpd.sjoin(pts, wijken, how="left", predicate="within")
    agg = joined.groupby(["wijk_code", "category", "month"], dropna=False).size().rename("n").reset_index()
    agg["kind"] = kind
    parts.append(agg)
# tasks: read and date-clean only (no coordinates)
tasks = pd.concat([read(p) for p in sorted((raw / "tasks").glob("*.csv"))], ignore_index=True)
for col in ("Ontvangen", "Termijn", "Afgesloten"):
    tasks[col] = pd.to_datetime(tasks[col], format="%d/%m/%Y", errors="coerce")
result = pd.concat(parts, ignore_index=True)
result.to_parquet({out!r})
_extra = dict(groups=len(result), incidents=int(result.loc[result.kind == "incidents", "n"].sum()))
"""


#: Two of the issue's reference points for 10^6 points (issue 3, item 7), pure CPU work that
#: does not depend on the data: Lambert 72 -> WGS84 with pyproj, H3 cells through
#: ``h3.api.numpy_int`` one point at a time. The same operations timed on the machine at
#: hand say how fast it is against the one the targets were set on: machines given to this
#: project have differed by a factor of two (the README's table).
ISSUE_REFERENCE_S = {"lambert72_to_wgs84": 0.6, "h3_numpy_int": 0.8}

CALIBRATE = """
import json, time
import numpy as np, pyproj
import h3.api.numpy_int as h3
rng = np.random.default_rng(7)
x = rng.uniform(150000, 175000, 10**6); y = rng.uniform(165000, 185000, 10**6)
tr = pyproj.Transformer.from_crs(31370, 4326, always_xy=True)
def best(fn, k=3):
    times = []
    for _ in range(k):
        t = time.perf_counter(); fn(); times.append(time.perf_counter() - t)
    return round(min(times), 3)
out = {"lambert72_to_wgs84": best(lambda: tr.transform(x, y))}
lon, lat = tr.transform(x, y)
lat, lon = lat.tolist(), lon.tolist()
out["h3_numpy_int"] = best(lambda: [h3.latlng_to_cell(a, b, 9) for a, b in zip(lat, lon)], 2)
print(json.dumps(out))
"""


def machine_speed() -> dict:
    """The reference operations timed here, and this machine's speed against the issue's.

    ``speed_vs_issue`` is the geometric mean of issue time / time here (above 1: faster).
    """
    here = run_measured(CALIBRATE)
    ratios = [ISSUE_REFERENCE_S[k] / here[k] for k in ISSUE_REFERENCE_S]
    speed = (ratios[0] * ratios[1]) ** 0.5
    return {
        "reference_s": {k: here[k] for k in ISSUE_REFERENCE_S},
        "issue_reference_s": ISSUE_REFERENCE_S,
        "speed_vs_issue": round(speed, 2),
    }


def _ensure_data(size: str):
    scale = SCALES[size]
    target = BENCH_DATA / f"s{scale}"
    # Cached exports of another generator (one without the event lists, or with other
    # Statbel codes) are made again, not benchmarked stale.
    if is_current_demo(target):
        return target
    if target.exists():
        shutil.rmtree(target)
    BENCH_DATA.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "etl",
            "demo",
            "--out",
            str(target),
            "--years",
            "1",
            "--scale",
            str(scale),
            "--end",
            "2025-12-31",
            "--seed",
            "42",
        ],
        cwd=REPO,
        check=True,
    )
    return target


def _median_run(runs: list[dict]) -> dict:
    """The run with the median wall time (the slower middle one of an even count)."""
    return sorted(runs, key=lambda r: r["wall_s"])[len(runs) // 2]


def _sizes() -> list[str]:
    return [s for s in os.environ.get("BENCH_SIZES", "1e6").split() if s in SCALES]


@pytest.mark.parametrize("size", _sizes())
def test_bench_etl(size, tmp_path):
    raw = _ensure_data(size)
    warehouse = tmp_path / "warehouse.duckdb"
    repeat = int(os.environ.get("BENCH_REPEAT", REPEAT[size]))
    machine = machine_speed()
    ours_runs, base_runs = [], []
    for _ in range(max(1, repeat)):  # alternately, so a drift of the machine hits both
        ours_runs.append(
            run_measured(_MEASURE.format(body=OURS.format(raw=str(raw), warehouse=str(warehouse))))
        )
        base_runs.append(
            run_measured(
                _MEASURE.format(
                    body=BASELINE.format(raw=str(raw), out=str(tmp_path / "baseline.parquet"))
                )
            )
        )
    ours, base = _median_run(ours_runs), _median_run(base_runs)
    incidents = ours["rows"].get("marts.incidents", 0)
    payload = {
        "size": size,
        "incidents": incidents,
        "load_avg_1m": round(os.getloadavg()[0], 2),
        "runs": len(ours_runs),
        "ours": {k: ours[k] for k in ("wall_s", "cpu_s", "peak_mb")},
        "ours_runs_wall_s": [r["wall_s"] for r in ours_runs],
        "baseline_runs_wall_s": [r["wall_s"] for r in base_runs],
        "ours_timings_s": ours["timings"],
        "ours_cpu_timings_s": ours["cpu_timings"],
        "baseline_pandas_geopandas": {k: base[k] for k in ("wall_s", "cpu_s", "peak_mb")},
        "ratio_wall_baseline_over_ours": round(base["wall_s"] / ours["wall_s"], 2),
        "ratio_cpu_baseline_over_ours": round(base["cpu_s"] / ours["cpu_s"], 2),
        "target_wall_s": TARGET_S[size],
        "meets_target": ours["wall_s"] <= TARGET_S[size],
        # What the build would take on a machine as fast as the issue's (see machine_speed).
        "machine": machine,
        "wall_s_at_issue_speed": round(ours["wall_s"] * machine["speed_vs_issue"], 2),
        "meets_target_at_issue_speed": ours["wall_s"] * machine["speed_vs_issue"] <= TARGET_S[size],
    }
    # Wall times depend on what else the machine runs: CPU seconds and the load average are
    # recorded next to them so runs can be compared.
    path = write_result("etl" if size == "1e6" else f"etl_{size}", payload)
    print(json.dumps(payload, indent=2, ensure_ascii=False))
    assert path.exists()
    assert incidents > 0.9 * float(size)
    # The steps account for the build: their CPU seconds cannot exceed the process total.
    assert sum(ours["cpu_timings"].values()) <= ours["cpu_s"] + 1.0
    peak = max(r["peak_mb"] for r in ours_runs)
    assert peak < PEAK_LIMIT_MB, f"piekgeheugen {peak} MB"
