"""Helpers for the benchmarks: run a step in a child process and measure time and peak memory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
RESULTS = Path(__file__).parent / "results"
BENCH_DATA = Path(os.environ.get("WIJKBEELD_BENCH_DATA", REPO / "data" / "bench"))


def run_measured(code: str, env: dict | None = None) -> dict:
    """Run Python ``code`` in a fresh interpreter; return wall seconds and peak RSS (MB).

    The child prints one JSON line last; it is merged into the result.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=dict(os.environ, **(env or {})),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    # os.wait4 is not usable after communicate(); ask the child for its own peak RSS instead.
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark-stap faalde:\n{err[-4000:]}")
    last = [line for line in out.strip().splitlines() if line.startswith("{")][-1]
    result = json.loads(last)
    result.setdefault("wall_s", round(wall, 2))
    return result


PEAK_RSS_SNIPPET = "import resource as _r; _peak_mb = lambda: round(_r.getrusage(_r.RUSAGE_SELF).ru_maxrss / 1024, 1)"


def write_result(name: str, payload: dict) -> Path:
    """Write ``payload`` to ``results/<name>.json`` and append a line to ``results/history.jsonl``."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    payload = dict(
        payload,
        measured_at=datetime.now(UTC).isoformat(timespec="seconds"),
        cpu_count=os.cpu_count(),
    )
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    with open(RESULTS / "history.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps(dict(payload, benchmark=name), ensure_ascii=False) + "\n")
    return path
