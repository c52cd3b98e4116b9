"""Benchmark: det(kappa) and the weights kappa^-1 kappa_x of seed 000 at depths 10 .. 1e6.

    python3 benchmarks/bench_limit.py [--n 100] [--n0 128] [--max-depth 1e6] [--check-pairs 100]
                                      [--arb-pairs 2] [--json out.json]

Data: n points uniform on [0,1)^n0 projected on the sphere (seed 000 Figure 1 setting),
3 test points drawn the same way and the data point x_0.  Reports, per depth, the
certified det(kappa) (from the entry balls), the certified weights, their distance to
the derived limit w_inf = lambda/(1 - lambda + n lambda) 1 and the timings.  Entry
radii are the engine's a priori float64 bound 8 L eps |value|; ``--check-pairs`` reruns a
sample of pairs in extended precision and ``--arb-pairs`` runs that many pairs through the
certified arb engine, to show how far below the bound the actual errors are.
Timings are wall-clock on the machine it runs on (a shared 2-core box when this was written).
"""
from __future__ import annotations

import argparse
import json
import sys
import time

import mpmath
import numpy

from asymptotics import linalg as la
from asymptotics.accuracy import format_approx


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, default=100)
    p.add_argument("--n0", type=int, default=128)
    p.add_argument("--max-depth", type=float, default=1e6)
    p.add_argument("--check-pairs", type=int, default=100)
    p.add_argument("--arb-pairs", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", default=None)
    p.add_argument("--validated-radii", type=float, default=0.0,
                   help="also redo det/weights with radii = this factor x the largest relative error observed in the "
                        "extended-precision check (an estimate, not a certificate)")
    a = p.parse_args(argv)
    X = la.sphere_data(a.n, a.n0, a.seed)
    x = numpy.vstack([la.sphere_data(3, a.n0, a.seed + 1), X[:1]])
    depths = [10**k for k in range(1, int(round(numpy.log10(a.max_depth))) + 1)]
    t0 = time.perf_counter()
    run = la.ntk_grams(X, depths, x=x, check_pairs=a.check_pairs, seed=a.seed)
    t_gram = time.perf_counter() - t0
    limit = la.limiting_weights(a.n)
    rows = []
    for L in depths:
        g = run.at(L)
        det = la.det_kappa_certified(g.E, g.E_rad)
        w = la.weights_certified(g.E, g.E_x, g.E_rad, g.E_x_rad)
        outside = w.values[:3]
        dist = float(numpy.abs(outside - float(limit.value)).max())
        at_data = float(numpy.abs(w.values[3] - numpy.eye(a.n)[0]).max())
        rows.append({
            "depth": L, "det": format_approx(det.det), "log10_det": format_approx(det.log10_abs),
            "det_seconds": round(det.seconds, 3), "solve_seconds": round(w.seconds, 3),
            "w0_first3": [format_approx(v) for v in w.approx[0][:3]], "w_max_radius": w.max_rad,
            "max_dist_to_limit_outside": dist, "max_dist_to_e0_at_x0": at_data,
            "entry_max_radius": float(g.E_rad.max()),
        })
        print(json.dumps(rows[-1]), flush=True)
        if a.validated_radii and run.check:
            rel = a.validated_radii * max(run.check["depths"][L]["max_relative_error"], 2.0**-52)
            det2 = la.det_kappa_certified(g.E, rel * numpy.abs(g.E))
            w2 = la.weights_certified(g.E, g.E_x, rel * numpy.abs(g.E), rel * numpy.abs(g.E_x))
            rows[-1]["validated"] = {"relative_radius": rel, "det": format_approx(det2.det),
                                     "w0_first3": [format_approx(v) for v in w2.approx[0][:3]],
                                     "w_max_radius": w2.max_rad}
            print(json.dumps(rows[-1]["validated"]), flush=True)
    arb = []
    if a.arb_pairs:
        from asymptotics.recursion import kernel_at_depths

        iu = numpy.triu_indices(a.n, 1)
        for k in range(a.arb_pairs):
            i, j = int(iu[0][k * 37]), int(iu[1][k * 37])
            rho = mpmath.mpf(float(X[i] @ X[j]))
            t1 = time.perf_counter()
            traj = kernel_at_depths(la.relu_network(), rho, [depths[-1]], backend="arb", digits=20)
            ref = traj.at(depths[-1]).one_minus_ntk_normalized
            # same layer-1 input for the float64 engine: rerun this pair alone from rho
            from asymptotics.recursion import pair_arrays_at_depths
            f64 = pair_arrays_at_depths(la.relu_network(), numpy.array([float(rho)]), [depths[-1]])
            c = float(f64[depths[-1]]["one_minus_ntk_normalized"][0])
            arb.append({"pair": [i, j], "arb": format_approx(ref), "float64": repr(c),
                        "relative_error": float(abs(mpmath.mpf(c) - ref.mid) / ref.mid),
                        "arb_seconds": round(time.perf_counter() - t1, 1)})
            print(json.dumps(arb[-1]), flush=True)
    summary = {"n": a.n, "n0": a.n0, "pairs": run.pairs, "gram_seconds": round(t_gram, 1),
               "engine_seconds": round(run.seconds, 1), "extended_check": run.check,
               "limit": format_approx(limit.value), "rows": rows, "arb_reference": arb}
    print(json.dumps({k: v for k, v in summary.items() if k != "rows"}, default=str), flush=True)
    if a.json:
        with open(a.json, "w") as fh:
            json.dump(summary, fh, indent=1, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
