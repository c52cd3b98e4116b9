"""Issue 2 figures: precision and speed of the depth engine.

    python benchmarks/bench_engine.py            # full: depth 1e6, Gram 1000 x 1000 to depth 1e4
    python benchmarks/bench_engine.py --quick    # smaller sizes, a minute or so

Prints, for rho = 0 and 0.5 at the deepest depth: the arb enclosure widths of 1 - rho^(L)
and of the normalised NTK, whether an independent mpmath run at 60 digits lies inside, the
relative error of the float64 path and of the textbook float64 baseline, and timings; then
the Gram-matrix speed of the float64 path against the baseline on the same work.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import time

import mpmath
import numpy as np

from asymptotics.recursion import Network, gram_at_depths, kernel_at_depths, naive_float64_gram, naive_float64_pairs


def precision_at_depth(depth: int, rhos, digits: int = 50, mpmath_digits: int = 60) -> list[dict]:
    net = Network("relu")  # seed 000's network; the correlation recursion is the same for any sigma_w
    rows = []
    for rho in rhos:
        t0 = time.perf_counter()
        arb = kernel_at_depths(net, rho, [depth], backend="arb", digits=digits).at(depth)
        t_arb = time.perf_counter() - t0
        t0 = time.perf_counter()
        mp = kernel_at_depths(net, rho, [depth], backend="mpmath", digits=mpmath_digits,
                              check_precision=False).at(depth)
        t_mp = time.perf_counter() - t0
        t0 = time.perf_counter()
        f64 = kernel_at_depths(net, rho, [depth], backend="float64").at(depth)
        t_f64 = time.perf_counter() - t0
        t0 = time.perf_counter()
        naive = naive_float64_pairs(Network.relu_eoc(), np.array([float(rho)]), [depth])[depth]
        t_naive = time.perf_counter() - t0
        row = {"rho": rho, "depth": depth, "seconds_arb": round(t_arb, 2), "seconds_mpmath": round(t_mp, 2),
               "seconds_float64": round(t_f64, 2), "seconds_naive": round(t_naive, 2)}
        for name, naive_name in (("one_minus_rho", "one_minus_rho"), ("ntk_normalized", "ntk_normalized"),
                                 ("one_minus_ntk_normalized", "one_minus_ntk_normalized")):
            a, m, f = getattr(arb, name), getattr(mp, name), getattr(f64, name)
            with mpmath.workprec(4096):
                rel_f64 = abs(mpmath.mpf(f.mid) / a.mid - 1)
                rel_naive = abs(mpmath.mpf(float(naive[naive_name][0])) / a.mid - 1)
            row[name] = {
                "arb": mpmath.nstr(a.mid, 25), "arb_width": mpmath.nstr(2 * a.rad, 3),
                "certified_digits": a.correct_digits, "mpmath60_inside": bool(a.contains(m.mid)),
                "float64_rel_err": float(rel_f64), "naive_rel_err": float(rel_naive),
            }
        rows.append(row)
    return rows


def gram_speed(n: int, depth: int, d: int = 64, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    net = Network.relu_eoc()
    t0 = time.perf_counter()
    ours = gram_at_depths(net, X, [depth])[depth]
    t_ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    naive = naive_float64_gram(net, X, [depth])[depth]
    t_naive = time.perf_counter() - t0
    off = ~np.eye(n, dtype=bool)
    rel = np.abs(naive["one_minus_rho"][off] / ours["one_minus_rho"][off] - 1)
    pair_layers = n * n * depth  # the work as the baseline counts it: the full matrix, every layer
    return {
        "n": n, "depth": depth, "seconds_ours": round(t_ours, 2), "seconds_naive": round(t_naive, 2),
        "time_ratio_ours_over_naive": round(t_ours / t_naive, 3),
        "pair_layers_per_second_ours": f"{pair_layers / t_ours:.3g}",
        "pair_layers_per_second_naive": f"{pair_layers / t_naive:.3g}",
        "naive_max_rel_err_one_minus_rho": float(rel.max()),
        "naive_median_rel_err_one_minus_rho": float(np.median(rel)),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.add_argument("--out", help="also write the JSON report to this file")
    args = parser.parse_args(argv)
    depth, n, gram_depth = (10**5, 300, 10**3) if args.quick else (10**6, 1000, 10**4)
    report = {"machine": f"{platform.machine()}, {platform.processor() or 'cpu'}, {os.cpu_count()} cores",
              # timings on a shared machine mean little without the load they were taken under
              "load_average_before": os.getloadavg()[0],
              "precision": precision_at_depth(depth, ["0", "0.5"]),
              "gram": gram_speed(n, gram_depth),
              "load_average_after": os.getloadavg()[0]}
    if args.out:
        with open(args.out, "w") as handle:
            json.dump(report, handle, indent=1)
    if args.json:
        print(json.dumps(report, indent=1))
        return
    for row in report["precision"]:
        print(f"rho = {row['rho']}, depth {row['depth']}: arb {row['seconds_arb']} s, mpmath(60 digits) "
              f"{row['seconds_mpmath']} s, float64 {row['seconds_float64']} s, naive {row['seconds_naive']} s")
        for name in ("one_minus_rho", "ntk_normalized", "one_minus_ntk_normalized"):
            r = row[name]
            print(f"  {name:26s} arb {r['arb']}  width {r['arb_width']} ({r['certified_digits']} digits)  "
                  f"mpmath inside: {r['mpmath60_inside']}  float64 rel err {r['float64_rel_err']:.2e}  "
                  f"naive rel err {r['naive_rel_err']:.2e}")
    print(f"load average (1 min) before {report['load_average_before']:.2f}, after {report['load_average_after']:.2f}")
    g = report["gram"]
    print(f"Gram {g['n']}x{g['n']} to depth {g['depth']}: ours {g['seconds_ours']} s, naive {g['seconds_naive']} s, "
          f"ratio {g['time_ratio_ours_over_naive']}; pair-layers/s ours {g['pair_layers_per_second_ours']}, "
          f"naive {g['pair_layers_per_second_naive']}; naive 1 - rho rel err median "
          f"{g['naive_median_rel_err_one_minus_rho']:.1e}, max {g['naive_max_rel_err_one_minus_rho']:.1e}")


if __name__ == "__main__":
    main()
