"""The verification notebooks, kept as jupytext percent-format sources (notebooks/NN_name.py):
each has one papermill 'parameters' cell with the QUICK switch, renders to a valid .ipynb, and
runs top to bottom in quick mode (nbclient, kernel python3) from its source.

A notebook that raises in any cell fails its test.  Quick mode is forced with
NTK_VERIFY_NOTEBOOK_MODE=quick; matplotlib runs headless (MPLBACKEND=Agg).  Full mode
(the papers' sizes, up to 46 minutes each; benchmarks/run_notebooks.py) is not run by the tests.
"""
from __future__ import annotations

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
    "00_tour.py": [],
    "01_depth_ntk_000.py": [],
    "02_meanfield_ntk_001.py": [],
    "03_jacot_ntk_002.py": [],
    "04_deep_narrow_003.py": [],
    "05_ntk_review_004.py": [],
}


def _sources():
    return sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.py"))


def test_every_notebook_is_listed_here():
    assert {p.name for p in _sources()} == set(NOTEBOOKS)


def _read(path):
    jupytext = pytest.importorskip("jupytext")
    return jupytext.read(path)


@pytest.mark.parametrize("path", _sources(), ids=lambda p: p.name)
def test_source_has_one_parameters_cell_with_the_quick_switch(path):
    nb = _read(path)
    tagged = [i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: {len(tagged)} cells tagged 'parameters'"
    cell = nb.cells[tagged[0]]
    assert cell.cell_type == "code" and "QUICK = True" in cell.source
    # the environment override comes after the parameters (and after what papermill injects)
    assert any("NTK_VERIFY_NOTEBOOK_MODE" in c.source for c in nb.cells[tagged[0] + 1:] if c.cell_type == "code")
    assert sum(c.cell_type == "markdown" for c in nb.cells) >= 2


@pytest.mark.parametrize("path", _sources(), ids=lambda p: p.name)
def test_source_renders_to_a_valid_ipynb_and_back(path, tmp_path):
    nbformat = pytest.importorskip("nbformat")
    jupytext = pytest.importorskip("jupytext")
    nb = _read(path)
    target = tmp_path / path.with_suffix(".ipynb").name
    jupytext.write(nb, target)
    rendered = nbformat.read(target, as_version=4)
    nbformat.validate(rendered)
    assert [c.source for c in rendered.cells] == [c.source for c in nb.cells]
    assert not any(c.get("outputs") for c in rendered.cells if c.cell_type == "code")


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
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    pytest.importorskip("matplotlib")
    monkeypatch.setenv("NTK_VERIFY_NOTEBOOK_MODE", "quick")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    # the kernel imports this checkout's packages, not an installed copy
    root = str(NOTEBOOK_DIR.parent)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])))
    nb = _read(NOTEBOOK_DIR / name)
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
    nb, seconds = _execute(name, monkeypatch)
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert "mode: quick" in text  # the override cell honoured the environment
    print(f"{name}: {seconds:.1f} s")
