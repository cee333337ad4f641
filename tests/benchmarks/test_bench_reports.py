"""Report benchmark: a year's municipal report (Word + Excel) for the demo zone at scale 1.

Target (issue 7): one year's report for one municipality, collected, suppressed over all
tables and written as .docx and .xlsx, in at most 10 s. The demo zone (3 years, scale 1,
ending 31/10/2026) is generated and built once under ``data/bench/reports/`` (git-ignored);
the report runs in a fresh interpreter, so imports (matplotlib, python-docx, openpyxl,
scipy) are in the figure, as they are for the first user after a server start. Results go
to ``tests/benchmarks/results/reports.json`` (+ ``history.jsonl``).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.benchmarks._util import BENCH_DATA, REPO, run_measured, write_result

pytestmark = pytest.mark.benchmark

TARGET_S = 10.0
YEAR = 2025

_CHILD = """
import json, os, resource, time, warnings
_t0 = time.perf_counter()
os.environ["WIJKBEELD_WAREHOUSE"] = {warehouse!r}
import logging
logging.getLogger("streamlit").setLevel(logging.ERROR)
from dashboard.documents import municipal_report as mr
from dashboard.queries import warehouse_version
from dashboard.queries.districts import municipalities
warnings.simplefilter("ignore")
_imports = time.perf_counter() - _t0
v = warehouse_version()
per = {{}}
for nis in municipalities(v)["code"]:
    t = time.perf_counter()
    data = mr.collect_report(v, nis, mr.ReportPeriod("jaar", {year}))
    t_collect = time.perf_counter() - t
    images = mr.report_images(data)
    t_images = time.perf_counter() - t - t_collect
    docx = mr.report_docx(data, images)
    xlsx = mr.report_xlsx(data)
    per[nis] = dict(
        seconds=round(time.perf_counter() - t, 2),
        collect_s=round(t_collect, 2),
        images_s=round(t_images, 2),
        docx_kb=round(len(docx) / 1024),
        xlsx_kb=round(len(xlsx) / 1024),
        hidden_cells=int(sum(tb.hidden.sum() for tb in data.tables.values())),
    )
print(json.dumps(dict(
    imports_s=round(_imports, 2),
    per_municipality=per,
    first_report_with_imports_s=round(_imports + next(iter(per.values()))["seconds"], 2),
    wall_s=round(time.perf_counter() - _t0, 2),
    peak_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
)))
"""


def _demo_warehouse():
    """Generate and build the scale-1 demo zone once (about 15 s)."""
    folder = BENCH_DATA / "reports"
    warehouse = folder / "wh.duckdb"
    if warehouse.exists():
        return warehouse
    folder.mkdir(parents=True, exist_ok=True)
    raw = folder / "raw"
    common = [sys.executable, "-m", "etl"]
    subprocess.run(
        [*common, "demo", "--out", str(raw), "--years", "3", "--scale", "1", "--end", "2026-10-31"],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [*common, "build", "--raw", str(raw), "--warehouse", str(warehouse)],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    return warehouse


def test_year_report_within_target():
    warehouse = _demo_warehouse()
    result = run_measured(_CHILD.format(warehouse=str(warehouse), year=YEAR))
    result.update(target_s=TARGET_S, year=YEAR, scale=1, years_of_data=3)
    write_result("reports", result)
    print(result)
    for nis, figures in result["per_municipality"].items():
        assert figures["seconds"] <= TARGET_S, (nis, figures)
    assert result["first_report_with_imports_s"] <= TARGET_S, result
