"""Clear the outputs of the notebooks before a commit: ``python notebooks/strip_outputs.py``.

Outputs hold data from the warehouse (and make diffs unreadable); git keeps only the code.
``tests/notebooks/test_notebooks.py`` fails when a committed notebook still has outputs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat


def strip(path: Path) -> bool:
    """Clear outputs and execution counts of one notebook; return whether it changed."""
    book = nbformat.read(path, as_version=4)
    changed = False
    for cell in book.cells:
        if cell.cell_type != "code":
            continue
        if cell.outputs or cell.execution_count is not None:
            cell.outputs, cell.execution_count = [], None
            changed = True
    if changed:
        nbformat.write(book, path)
    return changed


if __name__ == "__main__":
    targets = [Path(a) for a in sys.argv[1:]] or sorted(Path(__file__).parent.glob("*.ipynb"))
    for target in targets:
        if strip(target):
            print(f"uitvoer gewist: {target}")
