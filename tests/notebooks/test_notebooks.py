"""The notebooks in notebooks/: committed without outputs, and they run against a fresh demo
warehouse, so they never rot.

The kernel is this interpreter (the project's venv): a kernelspec pointing at
``sys.executable`` is written to a temporary Jupyter data folder, so no ``ipykernel
install`` step is needed on a clean clone.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))
KERNEL = "wijkbeeld-test"


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 3


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_committed_without_outputs(path):
    book = nbformat.read(path, as_version=4)
    dirty = [
        i
        for i, cell in enumerate(book.cells)
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)
    ]
    assert not dirty, (
        f"{path.name}: cellen {dirty} hebben uitvoer; wis ze voor je commit "
        "(.venv/bin/python notebooks/strip_outputs.py)"
    )


@pytest.fixture(scope="module")
def kernel_dir(tmp_path_factory) -> Path:
    """A Jupyter data folder holding one kernelspec: this Python."""
    root = tmp_path_factory.mktemp("jupyter")
    spec = root / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Wijkbeeld (test)",
                "language": "python",
            }
        )
    )
    return root


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path, demo_warehouse, kernel_dir, monkeypatch, tmp_path):
    monkeypatch.setenv("JUPYTER_PATH", str(kernel_dir))
    # Inline, so charts come back as images (a headless CI may set MPLBACKEND=Agg).
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    book = nbformat.read(path, as_version=4)
    client = NotebookClient(
        book,
        kernel_name=KERNEL,
        timeout=300,
        resources={"metadata": {"path": str(path.parent)}},
    )
    try:
        client.execute()
    except CellExecutionError as exc:  # pragma: no cover - the message is the point
        pytest.fail(f"{path.name} faalt:\n{exc}")
    errors = [
        out
        for cell in book.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.output_type == "error"
    ]
    assert not errors
    # Every notebook draws at least one chart and says which warehouse it read.
    images = [
        out
        for cell in book.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if "image/png" in out.get("data", {})
    ]
    assert images, f"{path.name} tekent geen grafiek"
    text = "".join(out.get("text", "") for cell in book.cells for out in cell.get("outputs", []))
    assert str(demo_warehouse.resolve()) in text


def _run(book, kernel_dir, monkeypatch, path: Path) -> None:
    monkeypatch.setenv("JUPYTER_PATH", str(kernel_dir))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    NotebookClient(
        book, kernel_name=KERNEL, timeout=300, resources={"metadata": {"path": str(path.parent)}}
    ).execute()


def test_burglary_notebook_compares_whole_months_only(tmp_path_factory, kernel_dir, monkeypatch):
    """Data ending on the 20th: the month-against-last-year table set twenty days of that
    month against the whole month a year earlier and flagged a "drop" in two wijken (an
    audit). Only whole months are compared now, and a month whose counterpart a year
    earlier lies before the data's first whole month is not compared at all."""
    from datetime import date

    from etl.build import build_warehouse
    from etl.demo import generate_demo

    root = tmp_path_factory.mktemp("nb_midmonth")
    generate_demo(out=root / "raw", seed=11, years=2, scale=0.2, end=date(2026, 10, 20))
    warehouse = root / "wh.duckdb"
    build_warehouse(root / "raw", warehouse, echo=lambda *_: None)
    monkeypatch.setenv("WIJKBEELD_WAREHOUSE", str(warehouse))
    (path,) = [p for p in NOTEBOOKS if p.name.startswith("01_")]
    book = nbformat.read(path, as_version=4)
    book.cells.append(
        nbformat.v4.new_code_cell(
            "maanden = vergelijking['maand'].dt.start_time\n"
            "assert maanden.max() == pd.Timestamp('2026-09-01'), maanden.max()\n"
            "assert maanden.min() == eerste, (maanden.min(), eerste)\n"
            "vergeleken = vergelijking.dropna(subset=['vorig_jaar'])\n"
            "assert vergeleken['maand'].dt.start_time.min() >= eerste + pd.DateOffset(years=1)\n"
            "assert len(vergeleken) > 0\n"
            "print('OK', len(vergeleken))"
        )
    )
    try:
        _run(book, kernel_dir, monkeypatch, path)
    except CellExecutionError as exc:  # pragma: no cover - the message is the point
        pytest.fail(f"{path.name}:\n{exc}")
    assert "OK" in "".join(out.get("text", "") for out in book.cells[-1].outputs)
