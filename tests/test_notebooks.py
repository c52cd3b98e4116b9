"""The verification notebooks: committed without outputs, up to date with their generator,
and executable top to bottom in quick mode (nbclient, kernel python3).

A notebook that raises in any cell fails its test.  Quick mode is forced with
NTK_VERIFY_NOTEBOOK_MODE=quick; matplotlib runs headless (MPLBACKEND=Agg).  Full mode
(the papers' sizes, up to 46 minutes each; benchmarks/run_notebooks.py) is not run by the tests.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"

# name -> marks.  Every notebook runs in the quick suite: their quick modes took 5-66 s each
# on the shared 2-core machine (load 1-2), under 4 minutes together.
NOTEBOOKS = {
    "00_tour.ipynb": [],
    "01_depth_ntk_000.ipynb": [],
    "02_meanfield_ntk_001.ipynb": [],
    "03_jacot_ntk_002.ipynb": [],
    "04_deep_narrow_003.ipynb": [],
    "05_ntk_review_004.ipynb": [],
}


def _committed_notebooks():
    return sorted(NOTEBOOK_DIR.glob("*.ipynb"))


def test_every_notebook_is_listed_here():
    assert {p.name for p in _committed_notebooks()} == set(NOTEBOOKS)


def output_problems(nb: dict) -> list:
    """Cells of a notebook (as JSON) that carry outputs or execution counts."""
    problems = []
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        if cell.get("outputs"):
            problems.append(f"cell {i} has outputs")
        if cell.get("execution_count") is not None:
            problems.append(f"cell {i} has an execution count")
    return problems


def test_output_check_detects_outputs():
    """The check below can fail: an executed cell is reported."""
    executed = {"cells": [{"cell_type": "markdown", "source": "x"},
                          {"cell_type": "code", "source": "1", "execution_count": 1,
                           "outputs": [{"output_type": "execute_result", "data": {"text/plain": "1"}}]}]}
    assert output_problems(executed) == ["cell 1 has outputs", "cell 1 has an execution count"]


@pytest.mark.parametrize("path", _committed_notebooks(), ids=lambda p: p.name)
def test_committed_notebook_has_no_outputs(path):
    """The repository holds source, not results: no outputs, no execution counts."""
    problems = output_problems(json.loads(path.read_text(encoding="utf-8")))
    assert not problems, f"{path.name}: {problems}; regenerate with python3 notebooks/build_notebooks.py"


def test_notebooks_match_their_generator():
    """The .ipynb files are exactly what notebooks/build_notebooks.py writes."""
    pytest.importorskip("nbformat")
    proc = subprocess.run([sys.executable, str(NOTEBOOK_DIR / "build_notebooks.py"), "--check"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _kernel_name() -> str:
    """'python3', installing ipykernel's kernelspec for this interpreter when it is missing."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec("python3")
    except NoSuchKernel:
        subprocess.run([sys.executable, "-m", "ipykernel", "install", "--user"], check=True,
                       capture_output=True, timeout=120)
    return "python3"


def _execute(name: str, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    pytest.importorskip("matplotlib")
    monkeypatch.setenv("NTK_VERIFY_NOTEBOOK_MODE", "quick")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(NOTEBOOK_DIR / name, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=900, kernel_name=_kernel_name(),
                                     resources={"metadata": {"path": str(NOTEBOOK_DIR)}})
    start = time.perf_counter()
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as err:
        pytest.fail(f"{name}: a cell failed\n{err}", pytrace=False)
    return nb, time.perf_counter() - start


@pytest.mark.parametrize("name", [pytest.param(n, marks=m) for n, m in NOTEBOOKS.items()])
def test_notebook_runs_in_quick_mode(name, monkeypatch):
    if not (NOTEBOOK_DIR / name).exists():
        pytest.skip(f"{name} not generated")
    nb, seconds = _execute(name, monkeypatch)
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert "mode: quick" in text  # the parameter cell honoured the override
    print(f"{name}: {seconds:.1f} s")
