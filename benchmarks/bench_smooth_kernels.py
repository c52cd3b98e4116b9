"""Benchmark: delta-form kernel engines for smooth activations (asymptotics.smooth_kernels).

    python3 benchmarks/bench_smooth_kernels.py [--n-gelu 200] [--n-erf 1000] [--json out.json] [--xp cupy]

1. a GELU Gram matrix (n points on the sphere in d = 16, two of them 1 - cos ~ 1e-12 apart) to depth 50,
   float64, Mehler rule (sigma_w^2 = 1.5, sigma_b^2 = 0.05): time and the stated error estimate;
2. an erf Gram matrix, n = 1000, to depth 100 (closed form, same variances): time;
3. accuracy at depth 50 near rho = 1 (layer-1 1 - rho ~ 1e-12): the float64 Gram entry against the
   digits-agreed pair path (mpmath, two runs), for GELU and erf; for erf at sigma_w = 1 also the rho-form
   baseline asymptotics.finite_width.limit_ntk.
Timings are wall-clock on the machine it runs on (shared; the load is printed).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import time

import mpmath
import numpy

from asymptotics import finite_width
from asymptotics.smooth_kernels.gram import smooth_gram_at_depths
from asymptotics.smooth_kernels.pairs import smooth_pair_at_depths


def sphere_points(n, d, seed, close_angle=1.5e-6):
    rng = numpy.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    X /= numpy.linalg.norm(X, axis=1)[:, None]
    X[1] = math.cos(close_angle) * X[0]
    v = rng.standard_normal(d)
    v -= (v @ X[0]) * X[0]
    X[1] += math.sin(close_angle) * v / numpy.linalg.norm(v)
    return X * math.sqrt(d)  # |x|^2 / d = 1 (up to rounding)


def layer_one_delta(X, i, j, sw2, sb2):
    """Exact-enough 1 - rho^1 for rows i, j of the float data (60 digits), with q_x, q_y."""
    with mpmath.workdps(60):
        d = X.shape[1]
        dot = lambda a, b: mpmath.fsum(mpmath.mpf(float(x)) * mpmath.mpf(float(y)) for x, y in zip(a, b)) / d  # noqa: E731
        w, b = mpmath.mpf(sw2), mpmath.mpf(sb2)
        qx, qy = b + w * dot(X[i], X[i]), b + w * dot(X[j], X[j])
        s = b + w * dot(X[i], X[j])
        return 1 - s / mpmath.sqrt(qx * qy), qx, qy


def accuracy_case(name, X, depth, sw2, sb2, digits):
    gram = smooth_gram_at_depths(name, X[:2], [depth], sigma_w2=sw2, sigma_b2=sb2)[depth]
    delta, qx, qy = layer_one_delta(X, 0, 1, sw2, sb2)
    t0 = time.perf_counter()
    pair = smooth_pair_at_depths(name, [depth], one_minus_rho=mpmath.nstr(delta, 50), q_x=mpmath.nstr(qx, 50),
                                 q_y=mpmath.nstr(qy, 50), sigma_w2=repr(sw2), sigma_b2=repr(sb2), digits=digits,
                                 max_seconds=900)[depth]
    seconds = time.perf_counter() - t0
    out = {"activation": name, "depth": depth, "sigma_w2": sw2, "sigma_b2": sb2,
           "layer1_one_minus_rho": mpmath.nstr(delta, 6), "pair_seconds": round(seconds, 1),
           "gram_error_estimate": gram["error_estimate"]}
    for field, pfield in (("one_minus_rho", "one_minus_rho"), ("one_minus_ntk_normalized", "one_minus_ntk_normalized"),
                          ("theta", "theta_xy")):
        ref = getattr(pair, pfield)
        value = float(gram[field][0, 1])
        out[field] = {"gram_float64": value, "pair_agreed": ref.as_dict()["value"], "agreed_digits": ref.correct_digits,
                      "relative_error": float(abs(mpmath.mpf(value) - ref.mid) / abs(ref.mid))}
    if name == "erf" and sw2 == 1:
        old = finite_width.limit_ntk(X[:2], depth, "erf", beta=math.sqrt(sb2)).theta
        old_c = 1 - old[0, 1] / math.sqrt(old[0, 0] * old[1, 1])
        ref = pair.one_minus_ntk_normalized
        out["limit_ntk_one_minus_ntk_normalized_relative_error"] = float(abs(mpmath.mpf(old_c) - ref.mid) / ref.mid)
    return out


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("--n-gelu", type=int, default=200)
    p.add_argument("--n-erf", type=int, default=1000)
    p.add_argument("--gelu-depth", type=int, default=50)
    p.add_argument("--erf-depth", type=int, default=100)
    p.add_argument("--digits", type=int, default=16)
    p.add_argument("--xp", default="numpy")
    p.add_argument("--json", default=None)
    args = p.parse_args(argv)
    xp = numpy
    if args.xp == "cupy":
        import cupy as xp  # noqa: F811
    sw2, sb2 = 1.5, 0.05
    report = {"load_before": os.getloadavg(), "xp": args.xp}
    X = sphere_points(args.n_gelu, 16, 0)
    t0 = time.perf_counter()
    g = smooth_gram_at_depths("gelu", xp.asarray(X), [1, 10, args.gelu_depth], sigma_w2=sw2, sigma_b2=sb2, xp=xp)
    t_gelu = time.perf_counter() - t0
    last = g[args.gelu_depth]
    report["gelu_gram"] = {"n": args.n_gelu, "depth": args.gelu_depth, "seconds": round(t_gelu, 2),
                           "seconds_per_layer": round(t_gelu / (args.gelu_depth - 1), 3),
                           "error_estimate_at_depth": last["error_estimate"],
                           "min_one_minus_ntk": float(xp.min(last["one_minus_ntk_normalized"][0, 1:]))}
    print("GELU Gram", report["gelu_gram"], flush=True)
    Xe = sphere_points(args.n_erf, 16, 1)
    t0 = time.perf_counter()
    e = smooth_gram_at_depths("erf", xp.asarray(Xe), [args.erf_depth], sigma_w2=sw2, sigma_b2=sb2, xp=xp)
    t_erf = time.perf_counter() - t0
    report["erf_gram"] = {"n": args.n_erf, "depth": args.erf_depth, "seconds": round(t_erf, 2),
                          "error_estimate_at_depth": e[args.erf_depth]["error_estimate"]}
    print("erf Gram", report["erf_gram"], flush=True)
    report["accuracy"] = []
    for name, w2, b2 in (("gelu", sw2, sb2), ("erf", sw2, sb2), ("erf", 1.0, 0.01)):
        case = accuracy_case(name, X, 50, w2, b2, args.digits)
        print("accuracy", json.dumps(case), flush=True)
        report["accuracy"].append(case)
    report["load_after"] = os.getloadavg()
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(report, fh, indent=1)
    return report


if __name__ == "__main__":
    main()
