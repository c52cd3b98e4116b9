"""Execute notebooks in quick or full mode and record their run times and printed output.

    python3 benchmarks/run_notebooks.py --mode full notebooks/03_jacot_ntk_002.py
        [--timeout 10800] [--out benchmarks/results/notebooks_full_03.json]

Each notebook runs top to bottom with nbclient (kernel python3, MPLBACKEND=Agg,
NTK_VERIFY_NOTEBOOK_MODE=<mode>); the record holds the wall time, the load average
before and after (the machine is shared), and the stdout of every code cell, so the
numbers a full run prints are kept without committing executed notebooks.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path


def run_notebook(path: Path, mode: str, timeout: int) -> dict:
    import nbformat
    from nbclient import NotebookClient

    os.environ["NTK_VERIFY_NOTEBOOK_MODE"] = mode
    os.environ["MPLBACKEND"] = "Agg"
    if path.suffix == ".py":  # a jupytext percent-format source
        import jupytext

        nb = jupytext.read(path)
    else:
        nb = nbformat.read(path, as_version=4)
    load_before = os.getloadavg()
    start = time.perf_counter()
    NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    seconds = time.perf_counter() - start
    printed = []
    for index, cell in enumerate(nb.cells):
        text = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("name") == "stdout")
        if text:
            printed.append({"cell": index, "stdout": text})
    return {"notebook": path.name, "mode": mode, "seconds": round(seconds, 1),
            "load_before": [round(x, 2) for x in load_before], "load_after": [round(x, 2) for x in os.getloadavg()],
            "printed": printed}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--mode", choices=("quick", "full"), default="quick")
    parser.add_argument("--timeout", type=int, default=10800, help="seconds per cell")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    records = []
    for path in args.notebooks:
        record = run_notebook(path, args.mode, args.timeout)
        print(f"{record['notebook']} ({args.mode}): {record['seconds']} s", flush=True)
        records.append(record)
    if args.out:
        args.out.write_text(json.dumps(records, indent=1) + "\n")
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
