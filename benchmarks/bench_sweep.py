"""Sweeps on Dask: serial against a LocalCluster of 2 workers, in the same run.

    python3 benchmarks/bench_sweep.py sweep  [--n 20] [--digits 15]   # 20 x 20 tanh + erf phase diagram
    python3 benchmarks/bench_sweep.py claims                          # check --all --level quick, serial vs 2 workers
    python3 benchmarks/bench_sweep.py gram   [--n 4000] [--depth 1000]  # blockwise Gram vs the in-memory path

Each part writes benchmarks/results/bench_sweep_<part>.json (and the sweep its table and figure).
Wall-time ratios are measured in one run with the load average (``os.getloadavg``) before and
after: on a shared machine the ratio, not the seconds, is the figure to read.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
RESULTS = os.path.join(ROOT, "benchmarks", "results")


def _load():
    return [round(x, 2) for x in os.getloadavg()]


def _cli(args, env=None):
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "proofs_checks.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          env=env)
    return time.perf_counter() - start, proc


def bench_sweep(n: int, digits: int, workers: int, sample: int, resume=None) -> dict:
    """The n x n grid for tanh and erf on ``workers`` processes (table and figure kept in results/),
    then every ``sample``-th point recomputed serially in this process and compared field by field
    (sample = 1: the whole grid, as the quick test does on a 2 x 2 grid)."""
    import shutil

    from asymptotics import eoc
    from asymptotics.accuracy import format_approx
    from proofs_checks import sweep_table as table
    from proofs_checks.commands import sweep

    sw = f"0.6:{0.6 + 0.1 * (n - 1):.2f}:0.1"        # n values 0.6, 0.7, ...
    sb = f"0:{0.05 * (n - 1):.2f}:0.05"                # n values 0, 0.05, ...
    grid = ["sweep", "--activation", "tanh", "erf", "--sigma-w", sw, "--sigma-b", sb, "--digits", str(digits)]
    csv_path = os.path.join(RESULTS, "phase_diagram_tanh_erf.csv")
    figure = os.path.join(RESULTS, "phase_diagram_tanh_erf.png")
    resumed = 0
    if resume:
        shutil.copy(resume, csv_path)
        resumed = len(table.read_rows(csv_path))
    elif os.path.exists(csv_path):
        os.remove(csv_path)
    out = {"grid": grid[1:], "workers": workers, "resumed_rows": resumed, "load_before": _load()}
    t_par, p = _cli(grid + ["--workers", str(workers), "--out", csv_path, "--plot", figure])
    out["load_after_parallel"] = _load()
    if p.returncode:
        raise SystemExit(p.stderr)
    rows = table.read_rows(csv_path)
    out.update(points=len(rows), parallel_s=round(t_par, 1), parallel_rows_computed=len(rows) - resumed,
               parallel_s_per_row=round(t_par / max(1, len(rows) - resumed), 3),
               error_rows=sum(1 for r in rows if r["error"]),
               grid_phases={ph: sum(1 for r in rows if r["kind"] == "grid" and r["phase"] == ph)
                            for ph in ("ordered", "eoc", "chaotic")})
    specs = sweep.build_specs(["tanh", "erf"], sweep.parse_values("--sigma-w", sw), sweep.parse_values("--sigma-b", sb),
                              False, digits, None, "0.5")
    picked = specs[::sample]  # a stride coprime to n (default 17), else it keeps hitting one sigma_w
    start = time.perf_counter()
    serial = [sweep.compute_row(s) for s in picked]
    t_ser = time.perf_counter() - start
    by_key = {table.row_key(r): r for r in rows}
    mismatched = [table.row_key(r) for r in serial if by_key[table.row_key(r)] != r]
    out.update(serial_rows=len(picked), serial_s=round(t_ser, 1), serial_s_per_row=round(t_ser / len(picked), 3),
               serial_rows_identical=len(picked) - len(mismatched), serial_mismatches=mismatched[:10],
               load_after_serial=_load())
    # the EOC curve rows against eoc.eoc_curve (what 'ntk-verify eoc --curve' prints), to their stated digits
    worst, compared = None, 0
    for act in ("tanh", "erf"):
        edge = [r for r in rows if r["activation"] == act and r["kind"] == "edge" and not r["error"]]
        for r, pt in zip(edge, eoc.eoc_curve(act, [r["sigma_b"] for r in edge], digits)):
            d = min(int(r["sigma_w_eoc_digits"]), pt.sigma_w.correct_digits)
            agree = r["sigma_w_eoc"].split()[0][:d] == format_approx(pt.sigma_w).split()[0][:d]
            gap = abs(float(r["sigma_w_eoc_mid"]) - float(pt.sigma_w.mid))
            bound = float(r["sigma_w_eoc_rad"]) + float(pt.sigma_w.rad)
            worst = min(worst, d) if worst is not None else d
            compared += 1
            if not agree or gap > bound:
                out.setdefault("eoc_mismatch", []).append([act, r["sigma_b"], r["sigma_w_eoc"], str(pt.sigma_w)])
    out["eoc_curve_points_compared"] = compared
    out["eoc_curve_min_digits_compared"] = worst
    return out


def bench_claims(workers: int) -> dict:
    out = {"load_before": _load()}
    t_ser, s = _cli(["check", "--all", "--level", "quick", "--json"])
    out["load_between"] = _load()
    t_par, p = _cli(["check", "--all", "--level", "quick", "--json", "--workers", str(workers)])
    out["load_after"] = _load()
    a, b = json.loads(s.stdout), json.loads(p.stdout)
    keys = ("status", "printed", "computed", "corrected", "severity", "strength")
    diffs = [(x["id"], k) for x, y in zip(a["claims"], b["claims"]) for k in keys if x.get(k) != y.get(k)]
    evidence = [x["id"] for x, y in zip(a["claims"], b["claims"]) if x.get("evidence") != y.get("evidence")]
    out.update(claims=len(a["claims"]), same_order=[x["id"] for x in a["claims"]] == [y["id"] for y in b["claims"]],
               counts_serial=a["counts"], counts_parallel=b["counts"], differing_fields=diffs,
               differing_evidence=evidence, serial_s=round(t_ser, 1), parallel_s=round(t_par, 1), workers=workers,
               ratio_parallel_over_serial=round(t_par / t_ser, 3),
               checker_seconds_serial=round(sum(c["seconds"] for c in a["claims"]), 1),
               checker_seconds_parallel=round(sum(c["seconds"] for c in b["claims"]), 1))
    return out


def bench_gram(n: int, depth: int, block: int, workers: int) -> dict:
    import numpy

    from asymptotics import gram_blocks, linalg
    from asymptotics.recursion import gram_at_depths

    net = linalg.relu_network()
    X = linalg.sphere_data(n, 10, seed=0)
    depths = [10, depth]
    out = {"n": n, "depths": depths, "block": block, "workers": workers, "load_before": _load()}
    t = time.perf_counter()
    ref = gram_at_depths(net, X, depths)
    out["in_memory_s"] = round(time.perf_counter() - t, 1)
    ref = {L: ref[L]["one_minus_ntk_normalized"] for L in depths}
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        gram_blocks.blockwise_gram(net, X, depths, block=block, out_dir=tmp, workers=workers)
        out["blockwise_s"] = round(time.perf_counter() - t, 1)
        out["load_after"] = _load()
        off = ~numpy.eye(n, dtype=bool)
        out["max_relative_difference"] = {}
        for L in depths:
            E = numpy.load(gram_blocks.file_name(tmp, "one_minus_ntk_normalized", L), mmap_mode="r")
            rel = numpy.abs(numpy.asarray(E) - ref[L])[off] / numpy.abs(ref[L])[off]
            out["max_relative_difference"][str(L)] = float(rel.max())
            out.setdefault("diagonal_exact", []).append(bool(numpy.all(numpy.diag(E) == 0)))
        x = linalg.sphere_data(3, 10, seed=1)
        E_x = gram_at_depths(net, X, [depth], Y=x)[depth]["one_minus_ntk_normalized"]
        back = gram_blocks.limit_from_files(tmp, depth, E_x)
        direct = linalg.log_det_kappa(ref[depth])
        w = linalg.weights_float64(ref[depth], E_x)
        out["log10_det_from_file"] = str(back["det"].log10_abs)
        out["log10_det_in_memory"] = str(direct.log10_abs)
        out["weights_max_difference"] = float(numpy.max(numpy.abs(back["weights"].values - w.values)))
        out["weights_error_estimate"] = float(w.max_rad)
        limit = linalg.limiting_weights(n)
        out["weight_sum_at_depth"] = [float(v) for v in back["weights"].values.sum(axis=1)]
        out["weight_sum_limit"] = float(limit.value.mid) * n
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("part", choices=["sweep", "claims", "gram"])
    parser.add_argument("--n", type=int, default=None)
    parser.add_argument("--digits", type=int, default=15)
    parser.add_argument("--depth", type=int, default=1000)
    parser.add_argument("--block", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sample", type=int, default=17, help="sweep: recompute every k-th point serially")
    parser.add_argument("--resume", default=None, help="sweep: start from the rows of this table")
    args = parser.parse_args()
    os.makedirs(RESULTS, exist_ok=True)
    if args.part == "sweep":
        result = bench_sweep(args.n or 20, args.digits, args.workers, args.sample, args.resume)
    elif args.part == "claims":
        result = bench_claims(args.workers)
    else:
        result = bench_gram(args.n or 4000, args.depth, args.block, args.workers)
    result["cpus"] = os.cpu_count()
    path = os.path.join(RESULTS, f"bench_sweep_{args.part}.json")
    with open(path, "w") as fh:
        json.dump(result, fh, indent=1)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
