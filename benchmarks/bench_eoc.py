"""Edge of Chaos and the tanh depth engine: accuracy and run time (not a timed test).

    python3 benchmarks/bench_eoc.py [--out benchmarks/results/bench_eoc.json]

Measures
1. the EOC point (sigma_w, q*) at sigma_b = 0.2 for tanh, erf, GELU, swish, sigmoid at 30 digits:
   the package's two independent rules (trapezoid or closed form, against tanh-sinh, at two precisions)
   and their agreement, plus the run time;
2. erf: closed forms against two-dimensional quadrature for E[phi(u) phi(v)] and E[phi'(u) phi'(v)]
   (digits of agreement at 48-digit working precision);
3. tanh on the EOC from c^1 = 0.5 to depth 10^6 at 30 digits: run time and the digits of 1 - c^L.
The load average is recorded: the machine is shared.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

import mpmath

from asymptotics import dual, eoc, gaussian
from asymptotics import smooth_depth as sd
from asymptotics.accuracy import agreed_digits, format_approx
from asymptotics.activations import get_activation

SIGMA_B = "0.2"


def eoc_points(digits=30):
    rows = []
    for name in ("tanh", "erf", "gelu", "swish", "sigmoid"):
        start = time.perf_counter()
        point = eoc._edge_of_chaos(name, SIGMA_B, digits)  # uncached: the time is the real cost
        seconds = time.perf_counter() - start
        rows.append({"activation": name, "sigma_w": format_approx(point.sigma_w), "q_star": format_approx(point.q_star),
                     "digits": min(point.sigma_w.correct_digits, point.q_star.correct_digits),
                     "accuracy": point.accuracy, "seconds": round(seconds, 2)})
        print(f"EOC {name:8s} sigma_b = {SIGMA_B}: sigma_w = {rows[-1]['sigma_w']}  [{point.accuracy}]  "
              f"{seconds:.1f} s", flush=True)
    return rows


def erf_closed_vs_quadrature():
    erf = get_activation("erf")
    scale = erf.erf_scale
    out = []
    with mpmath.workdps(48):
        for q, c in (("0.45", "0.6"), ("1.3", "-0.4")):
            for order in (0, 1):
                g = erf.derivative(order)
                start = time.perf_counter()
                quad, _ = gaussian.bivariate_raw(g, g, mpmath.mpf(q), mpmath.mpf(q), mpmath.mpf(c),
                                                 tol=mpmath.mpf(10) ** -44)
                seconds = time.perf_counter() - start
                digits = agreed_digits(quad, dual.erf_cross(scale, mpmath.mpf(q), mpmath.mpf(c), order))
                out.append({"q": q, "c": c, "order": order, "agreed_digits": digits, "quadrature_seconds": round(seconds, 1)})
                print(f"erf closed form vs 2-D quadrature, q = {q}, c = {c}, order {order}: {digits} digits "
                      f"({seconds:.1f} s)", flush=True)
    return out


def tanh_depth(depth=10**6, digits=30):
    start = time.perf_counter()
    trajectory = sd.eoc_correlation_depths("tanh", SIGMA_B, "0.5", [1, 10**3, depth], digits=digits)
    seconds = time.perf_counter() - start
    value = trajectory.at(depth)
    print(sd.describe(trajectory))
    print(f"tanh EOC depth {depth}: {seconds:.1f} s, 1 - c has {value.one_minus_c.correct_digits} digits, "
          f"1 - f'(c) {value.one_minus_f_prime.correct_digits}", flush=True)
    return {"depth": depth, "seconds": round(seconds, 2), "one_minus_c": format_approx(value.one_minus_c),
            "one_minus_c_digits": value.one_minus_c.correct_digits,
            "one_minus_f_prime": format_approx(value.one_minus_f_prime),
            "one_minus_f_prime_digits": value.one_minus_f_prime.correct_digits, "summary": sd.describe(trajectory)}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default=None, help="write the measurements as JSON here")
    args = p.parse_args(argv)
    result = {"load_average_start": os.getloadavg()[0], "eoc_points": eoc_points(),
              "erf_closed_vs_quadrature": erf_closed_vs_quadrature(), "tanh_depth": tanh_depth(),
              "load_average_end": os.getloadavg()[0]}
    if args.out:
        with open(args.out, "w") as fh:
            json.dump(result, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
