"""Speed and accuracy of the finite-width and deep narrow checkers (not a timed test).

    python3 benchmarks/bench_finite_width.py [--quick] [--gpu] [--exponent-recheck] [--json out.json]

Measures
1. the width convergence of the empirical NTK (ReLU and erf, depth 3 and 4): RMS relative error
   per width, fitted exponent p of n^-p with a bootstrap uncertainty, and run time;
2. the deep narrow MLP's scaled NTK at depths 1e2 .. 1e5: error against the derived limit, the
   predicted O(L^-1/2) fluctuation, seconds per network, and the agreement between float32 and
   float64 (two precisions) at every depth, float64 vs 40-digit mpmath at L = 100;
3. the deep narrow CNN at depths 1e2 .. 1e4 (seconds per network, error vs the derived limit);
4. the time of the quick and full levels of all claims of seeds 002-004;
5. (``--exponent-recheck``) the width exponent again with other seeds, wider (64 .. 16384) and
   30 seeds: local slopes between neighbouring widths and the bias of the seed average against
   its noise floor.  Item 1 draws the same networks for every activation (the seed depends on
   the width and the seed index only), so its erf and tanh exponents are not independent.

Timings are wall-clock on whatever machine runs it; on the shared 2-core development machine
they were taken under a load average of 4-8 (other engineers' jobs), so treat them as upper bounds.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time

import numpy

from asymptotics import deep_narrow as dn
from asymptotics import finite_width as fw


def width_rates(quick, xp):
    out = []
    configs = [("relu", 3), ("erf", 3)] if quick else [("relu", 3), ("erf", 3), ("relu", 4), ("tanh", 3)]
    widths = [64, 256, 1024] if quick else [64, 128, 256, 512, 1024, 2048, 4096]
    seeds = 10 if quick else 20
    for act, depth in configs:
        r = fw.ntk_width_convergence(widths, depth, seeds, activation=act, beta=0.1, xp=xp)
        out.append({"activation": act, "depth": depth, "widths": widths, "seeds": seeds,
                    "rms_relative_error": r.rms_error, "exponent": r.exponent, "exponent_std": r.exponent_std,
                    "seconds": r.seconds})
        print(f"width rate {act:5s} L={depth}: p = {r.exponent:.3f} +/- {r.exponent_std:.3f}; RMS errors "
              + ", ".join(f"{e:.3g}" for e in r.rms_error) + f"  ({r.seconds:.1f} s)", flush=True)
    return out


def deep_narrow_mlp(quick):
    gam = numpy.array([0.2, 0.6, 1.0, 1.35])
    X = numpy.stack([numpy.cos(gam), numpy.sin(gam)], 1)
    depths = (100, 1000, 10000) if quick else (100, 1000, 10000, 100000)
    lim = dn.mlp_limit(X, X)
    rows = []
    with fw.blas_single_thread():
        for L in depths:
            net = dn.init_mlp(2, 1, L, float(L) ** 2.5, seed=L)
            start = time.perf_counter()
            th64 = dn.mlp_scaled_ntk(net, X)[:, 0, :, 0]
            secs = time.perf_counter() - start
            net32 = dn.DeepNarrowMLP([W.astype(numpy.float32) for W in net.weights],
                                     [b.astype(numpy.float32) for b in net.biases], net.C_L, 2, 1)
            th32 = dn.mlp_scaled_ntk(net32, X.astype(numpy.float32))[:, 0, :, 0]
            q = numpy.sum(X * X, 1) / 2 + 1
            var = max(dn.relu_product_variance(q[i], q[j], X[i] @ X[j] / 2 + 1) for i in range(4) for j in range(4))
            row = {"depth": L, "C_L": float(L) ** 2.5, "max_abs_error_vs_limit": float(numpy.abs(th64 - lim).max()),
                   "predicted_sd": math.sqrt(var / L), "seconds": secs,
                   "float32_vs_float64_relative": float(numpy.abs(th32 - th64).max() / numpy.abs(th64).max()),
                   "memory_MB_stored_activations": L * 8 * 6 * 8 / 1e6}
            rows.append(row)
            print(f"deep narrow MLP L={L:>6}: |Theta~ - limit| = {row['max_abs_error_vs_limit']:.2e} "
                  f"(sd {row['predicted_sd']:.1e}), {secs:.2f} s, float32 vs float64 "
                  f"{row['float32_vs_float64_relative']:.1e}", flush=True)
    from proofs_checks.doc003_deep_narrow import _float64_vs_mpmath

    rel = _float64_vs_mpmath()
    print(f"deep narrow MLP L=100: float64 vs 40-digit mpmath relative {rel:.1e}")
    return {"rows": rows, "float64_vs_mpmath_L100": rel}


def deep_narrow_cnn(quick):
    imgs = numpy.random.default_rng(5).uniform(0.1, 1.0, (2, 3, 3))
    lim = numpy.array([[dn.cnn_limit(a, b, 1 / math.sqrt(3), 1.0) for b in imgs] for a in imgs])
    # one layer's random-feature term: the network averages L - 1 copies, relative sd = sd / (limit sqrt(L - 1))
    layer_sd = max(dn.cnn_random_part_monte_carlo(a, b, 1 / math.sqrt(3), 1.0, samples=200_000)[1] / lim[i, j]
                   for i, a in enumerate(imgs) for j, b in enumerate(imgs))
    rows = []
    with fw.blas_single_thread():
        for L in ((100, 1000) if quick else (100, 1000, 10000)):
            net = dn.init_cnn(3, L, float(L) ** 2.5, 1 / math.sqrt(3), 1.0, seed=L)
            start = time.perf_counter()
            th = dn.cnn_scaled_ntk(net, imgs)
            secs = time.perf_counter() - start
            rows.append({"depth": L, "seconds": secs, "max_rel_error_vs_limit": float(numpy.abs(th - lim).max() / lim.max()),
                         "predicted_relative_sd": layer_sd / math.sqrt(L - 1)})
            print(f"deep narrow CNN L={L:>6}: relative error {rows[-1]['max_rel_error_vs_limit']:.2e} (one seed; "
                  f"sd {rows[-1]['predicted_relative_sd']:.1e}), {secs:.2f} s", flush=True)
    return rows


def claim_levels(levels):
    from proofs_checks import registry

    out = {}
    for level in levels:
        start = time.perf_counter()
        statuses = {}
        for c in registry.all_claims():
            if c.id.startswith(("jacot.", "narrow.", "review.")):
                v = registry.run_check(c, level)
                statuses[c.id] = (v.status.value, round(v.seconds, 2))
        out[level] = {"seconds": time.perf_counter() - start, "claims": statuses}
        print(f"claims of seeds 002-004, {level} level: {out[level]['seconds']:.1f} s", flush=True)
    return out


def width_exponent_recheck(xp, seeds=30, first_seed=77):
    out = []
    widths = [64, 256, 1024, 4096, 16384]
    for act in ("erf", "relu"):
        r = fw.ntk_width_convergence(widths, 3, seeds, activation=act, beta=0.1, xp=xp, first_seed=first_seed)
        w, rms = numpy.array(r.widths, float), numpy.array(r.rms_error)
        local = (-numpy.diff(numpy.log(rms)) / numpy.diff(numpy.log(w))).tolist()
        floor = (rms / math.sqrt(seeds)).tolist()
        out.append({"activation": act, "depth": 3, "widths": r.widths, "seeds": seeds, "first_seed": first_seed,
                    "rms_relative_error": r.rms_error, "exponent": r.exponent, "exponent_std": r.exponent_std,
                    "local_slopes": local, "error_of_seed_mean": r.mean_error, "noise_floor_of_seed_mean": floor,
                    "seconds": r.seconds})
        print(f"width exponent recheck {act} L=3 (seeds from {first_seed}): p = {r.exponent:.3f} +/- "
              f"{r.exponent_std:.3f}; local slopes " + ", ".join(f"{x:.2f}" for x in local)
              + "; error of the seed mean " + ", ".join(f"{b:.2g}" for b in r.mean_error)
              + " vs its noise floor " + ", ".join(f"{f:.2g}" for f in floor) + f"  ({r.seconds:.0f} s)", flush=True)
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="smaller sizes (about a minute)")
    p.add_argument("--gpu", action="store_true", help="width sweep on cupy")
    p.add_argument("--claims", choices=["none", "quick", "full", "both"], default="none")
    p.add_argument("--json", default=None, help="write the measurements to this file")
    p.add_argument("--exponent-recheck", action="store_true", help="only item 5 (about 6 minutes)")
    args = p.parse_args(argv)
    xp = numpy
    if args.gpu:
        import cupy as xp  # noqa: F811 - lazy, only with --gpu
    if args.exponent_recheck:
        result = {"width_exponent_recheck": width_exponent_recheck(xp)}
    else:
        result = {"width_rates": width_rates(args.quick, xp), "deep_narrow_mlp": deep_narrow_mlp(args.quick),
                  "deep_narrow_cnn": deep_narrow_cnn(args.quick)}
        if args.claims != "none":
            result["claims"] = claim_levels(["quick", "full"] if args.claims == "both" else [args.claims])
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(result, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
