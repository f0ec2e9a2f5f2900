"""Running a view's notebook as a student would: its code cells, top to bottom, in a fresh
Python that cannot import the app, and the numbers its last cell prints."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import nbformat

from core.notebooks.cells import SHOWN_HEADER

# Put before the notebook's code: importing the app (core, ui, views) fails, so a
# notebook that passes runs with the app's dependencies alone.
NO_APP = """
import importlib.abc, sys
class _NoApp(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"core", "ui", "views", "tests"}:
            raise ImportError(f"a notebook must not import the app ({name})")
sys.meta_path.insert(0, _NoApp())
"""
RUN_SECONDS = 420  # a notebook's whole run (the data page's sweeps take ~20 s here)


def code_of(book_json: str) -> str:
    """The notebook's code cells as one script, after checking it against nbformat's schema."""
    book = nbformat.reads(book_json, as_version=4)
    nbformat.validate(book)
    return "\n\n".join(cell.source for cell in book.cells if cell.cell_type == "code")


def run_notebook(book_json: str, folder: Path) -> dict[str, float]:
    """Run the notebook's code in a fresh interpreter (in `folder`); its printed numbers.

    Raises:
        AssertionError: with the notebook's error output if it fails.
    """
    script = folder / "notebook.py"
    script.write_text(NO_APP + "\n" + code_of(book_json))
    done = subprocess.run(
        [sys.executable, "-I", str(script)], capture_output=True, text=True, cwd=folder,
        timeout=RUN_SECONDS, env={"PATH": "/usr/bin:/bin", "OPENBLAS_NUM_THREADS": "1"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-4000:]
    return shown_numbers(done.stdout)


def shown_numbers(output: str) -> dict[str, float]:
    """The `name: value` lines after the notebook's last header, values as numbers."""
    assert SHOWN_HEADER in output, output[-2000:]
    numbers = {}
    for line in output.rsplit(SHOWN_HEADER, 1)[1].strip().splitlines():
        name, value = line.rsplit(": ", 1)
        numbers[name] = float(value)
    return numbers


def close(value: float, expected: float, rel: float = 1e-9, absolute: float = 0.0) -> bool:
    """Equal within the tolerance, or both nan, or the same infinity."""
    if math.isnan(value) or math.isnan(expected):
        return math.isnan(value) and math.isnan(expected)
    return math.isclose(value, expected, rel_tol=rel, abs_tol=absolute)


def cells_of(book_json: str) -> list[dict]:
    """The notebook's cells, as JSON dictionaries."""
    return json.loads(book_json)["cells"]


def run_notebooks(books: dict[str, str], folder: Path, workers: int = 2) -> dict[str, dict]:
    """`run_notebook` for each named notebook, `workers` at a time (each is a process of
    its own), in a subfolder of `folder` each; name -> its printed numbers."""
    from concurrent.futures import ThreadPoolExecutor

    def run(name: str) -> dict[str, float]:
        (folder / name).mkdir()
        return run_notebook(books[name], folder / name)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return dict(zip(books, pool.map(run, books), strict=True))
