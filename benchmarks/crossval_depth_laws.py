#!/usr/bin/env python3
"""Cross-validate the derived depth laws against high-precision depth recursions.

For each case (ReLU on the EOC; tanh on the EOC at sigma_b = 0.2; residual ReLU)
the depth recursion is run to ``--max-depth`` (default 10^6) and compared with the
expansions derived symbolically by :mod:`asymptotics.depth_laws`:

1. remainders: after subtracting the derived terms up to a cut, the remainder is
   compared with the first omitted derived term (ratio R/T and local slopes of
   |R| and |T| between depths 10^2, ..., 10^6);
2. fitted constants: least-squares fits of log(l)^k / l^n bases over the depth
   window [max_depth/10, max_depth] (two fits of different order give the fit's
   own error); the fit only knows the shape of the basis, not the derived values.

Data: ReLU uses the lead's engine ``asymptotics.recursion.kernel_at_depths``
(closed form in 1 - rho, backend 'arb': certified midpoints); tanh and the
ResNet map iterate the local expansion (Taylor series of f about 1 with 30+
coefficients f^(j)(1) from 1-D Gaussian quadrature; the ResNet Puiseux series
converges for 1 - c < 2) with :func:`asymptotics.depth_fit.iterate_local_map`
at two precisions / truncations whose agreement is reported.

The depth shift ell_0 (the only trace of the initial correlation) is measured
from the orbit with the Fatou coordinate at the largest depth.

Run:  python3 benchmarks/crossval_depth_laws.py [--max-depth 1000000] [--json out.json]
(about 1-3 minutes at 10^6 on one core; timings are taken on a shared machine).
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from fractions import Fraction

import mpmath
import sympy

from asymptotics.accuracy import agreed_digits
from asymptotics.depth_fit import basis_keys, fit_coefficients, iterate_local_map, remainder_slopes
from asymptotics.depth_laws import (ELL0, DepthExpansion, depth_expansion, ntk_depth_law,
                                    relu_eoc_depth_law, resnet_relu_depth_law)
from asymptotics.series import numeric_value, relu_puiseux, resnet_relu_puiseux, smooth_taylor

DIGITS = 40


def geometric_depths(lo, hi, count):
    out = set()
    for i in range(count):
        out.add(int(round(lo * (hi / lo) ** (i / (count - 1)))))
    return sorted(out)


def checkpoints(max_depth):
    out, d = [], 100
    while d <= max_depth:
        out.append(d)
        d *= 10
    return out


# ---------------------------------------------------------------------------------------------
# data

def relu_data(rho1, depths, digits=DIGITS):
    from asymptotics.recursion import Network, kernel_at_depths

    wanted = sorted(set(depths) | {d + 1 for d in depths})
    traj = kernel_at_depths(Network.relu_eoc(), rho1, wanted, backend="arb", digits=digits)
    data, worst = {}, mpmath.inf
    for L in depths:
        v, w = traj.at(L), traj.at(L + 1)
        data[L] = (v.one_minus_rho.mid, w.sigma_dot.mid, v.theta_xy.mid)
        worst = min(worst, v.one_minus_rho.correct_digits, w.sigma_dot.correct_digits, v.theta_xy.correct_digits)
    return data, {"source": "asymptotics.recursion.kernel_at_depths(backend='arb')",
                  "certified_digits_min": int(worst), "seconds": round(traj.seconds, 1)}


def local_map_data(local_hi, local_lo, delta1, depths, digits=DIGITS):
    """Iterate two truncations/precisions; the result is the high one, accuracy = their agreement."""
    t0 = time.perf_counter()
    hi = iterate_local_map(_numbers(local_hi.map_coefficients, local_hi),
                           _numbers(local_hi.derivative_coefficients, local_hi),
                           local_hi.ramification, delta1, depths, digits + 10)
    lo = iterate_local_map(_numbers(local_lo.map_coefficients, local_lo),
                           _numbers(local_lo.derivative_coefficients, local_lo),
                           local_lo.ramification, delta1, depths, digits)
    worst = min(min(agreed_digits(a, b) for a, b in zip(hi[L], lo[L])) for L in depths)
    return hi, {"source": "asymptotics.depth_fit.iterate_local_map (two truncations/precisions)",
                "agreed_digits_min": int(worst), "seconds": round(time.perf_counter() - t0, 1)}


def _numbers(coefficients, local):
    with mpmath.workdps(DIGITS + 20):
        subs = {s: sympy.Float(v.mid, DIGITS + 20) for s, v in local.values.items()}
        return [mpmath.mpf(sympy.N(sympy.sympify(c).subs(subs), DIGITS + 20)) for c in coefficients]


# ---------------------------------------------------------------------------------------------
# analysis

def expansion_callables(expansion: DepthExpansion, ell0, keys):
    with mpmath.workdps(DIGITS + 10):
        numbers = {}
        subs = {s: sympy.Float(v.mid, DIGITS + 10) for s, v in expansion.values.items()}
        subs[ELL0] = sympy.Float(ell0, DIGITS + 10)
        for key in keys:
            numbers[key] = mpmath.mpf(sympy.N(sympy.sympify(expansion.coefficients[key]).subs(subs), DIGITS + 10))
        constant = mpmath.mpf(sympy.N(sympy.sympify(expansion.constant).subs(subs), DIGITS + 10))
    return numbers, constant


def term_sum(numbers, keys, constant=0):
    def f(L):
        with mpmath.workdps(DIGITS + 10):
            l = mpmath.mpf(L)
            logl = mpmath.log(l)
            return constant + sum((numbers[(n, k)] * logl**k / l**n for n, k in keys), mpmath.mpf(0))
    return f


def remainder_report(values, expansion, ell0, marks):
    """Cuts after each full order in 1/l, plus the cut after the universal terms of the first two orders."""
    keys = sorted(expansion.coefficients, key=lambda nk: (nk[0], -nk[1]))
    numbers, constant = expansion_callables(expansion, ell0, keys)
    powers = sorted({n for n, _ in keys})
    cuts = []
    first = next((i for i, key in enumerate(keys) if not expansion.is_universal(key)), None)
    if first is not None:
        universal = keys[:first]
        rest = [key for key in keys[first:] if key[0] == keys[first][0]]
        cuts.append((universal, rest, "universal terms only"))
    for i in range(len(powers) - 1):
        kept = [key for key in keys if key[0] <= powers[i]]
        nxt = [key for key in keys if key[0] == powers[i + 1]]
        cuts.append((kept, nxt, f"through 1/l^{powers[i]}"))
    out = []
    for kept, nxt, label in cuts:
        rows = remainder_slopes(values, term_sum(numbers, kept, constant), term_sum(numbers, nxt), marks)
        out.append({"label": label, "kept": kept, "next": nxt, "rows": rows})
    return out


def fit_report(values, expansion, ell0, keys_small, keys_large, shown):
    """Two least-squares fits (bases keys_small, keys_large); rows for the keys in ``shown``."""
    fits = [fit_coefficients(values, keys, constant=0, dps=DIGITS + 10) for keys in (keys_small, keys_large)]
    numbers, constant = expansion_callables(expansion, ell0, list(expansion.coefficients))
    rows = []
    for key in shown:
        if key == (0, 0):
            coeff, value = expansion.constant, constant
        else:
            coeff = expansion.coefficients.get(key, sympy.Integer(0))
            value = numbers.get(key, mpmath.mpf(0))
        universal = ELL0 not in sympy.sympify(coeff).free_symbols
        fitted, other = fits[1][key], fits[0][key]
        rows.append({"key": key, "coefficient": coeff, "derived": value, "fitted": fitted,
                     "fit_error": abs(fitted - other), "universal": universal})
    return rows


def fmt(x, digits=12):
    return "-" if x is None else mpmath.nstr(getattr(x, "mid", x), digits)


def print_case(name, info, ell0s, reports):
    print(f"\n=== {name} ===")
    for k, v in info.items():
        print(f"  {k}: {v}")
    print("  ell_0 (Fatou coordinate) at depths:", ", ".join(f"{L}: {mpmath.nstr(e, 15)}" for L, e in ell0s))
    for quantity, rem, fits in reports:
        print(f"\n  -- {quantity}: derived vs fitted coefficients (fit window [max/10, max]) --")
        print(f"  {'term':16s} {'derived':>24s} {'fitted':>24s} {'fit err':>9s} {'agree':>5s}")
        for r in fits:
            n, k = r["key"]
            term = "1" if (n, k) == (0, 0) else (f"log(l)^{k}/l^{n}" if k else f"1/l^{n}")
            agree = agreed_digits(r["derived"], r["fitted"]) if r["derived"] != 0 else "-"
            print(f"  {term:16s} {fmt(r['derived'], 16):>24s} {fmt(r['fitted'], 16):>24s} "
                  f"{mpmath.nstr(r['fit_error'], 2):>9s} {agree!s:>5s}"
                  + ("" if r["universal"] else "  (uses measured ell_0)"))
        print(f"  -- {quantity}: remainder R after subtracting derived terms vs first omitted order T --")
        for block in rem:
            print(f"   {block['label']:22s}: " + "  ".join(
                f"L={r['depth']:.0e} R/T={fmt(r['ratio'], 6)} slope R={fmt(r['slope'], 5)} T={fmt(r['slope_next'], 5)}"
                for r in block["rows"][1:]))


def run_case(name, data, info, law, ntk, max_depth, window, marks):
    fatou = law.fatou
    ell0s = [(L, fatou.depth_shift(data[L][0], L, DIGITS)) for L in marks if L >= 1000]
    ell0 = ell0s[-1][1]
    reports = []
    m = law.local.ramification
    for index, quantity, expansion, leading in [(0, "1 - c^l", law.one_minus_c, m),
                                                (1, "f'(c^l)", law.slope, 1)]:
        values = {L: data[L][index] for L in data}
        rem = remainder_report(values, expansion, ell0, marks)
        shown = basis_keys(leading, 2)
        if expansion.constant != 0:
            with mpmath.workdps(DIGITS + 10):  # f'(1) = 1 exactly by the EOC condition
                values = {L: v - 1 for L, v in values.items()}
        fits = fit_report({L: values[L] for L in window}, _shift_constant(expansion), ell0,
                          basis_keys(leading, 4), basis_keys(leading, 5), shown)
        reports.append((quantity, rem, fits))
    if ntk is not None:
        with mpmath.workdps(DIGITS + 10):
            values = {L: data[L][2] / L for L in data}
        rem = remainder_report(values, ntk.off_diagonal, ell0, marks)
        keys = lambda orders: [(0, 0)] + basis_keys(1, orders, log_start=1)
        fits = fit_report({L: values[L] for L in window}, ntk.off_diagonal, ell0, keys(3), keys(4),
                          [(0, 0), (1, 1), (1, 0)])
        reports.append(("K^l/l (x != x')", rem, fits))
    print_case(name, info, ell0s, reports)
    return {"name": name, "info": info, "ell0": [(L, str(e)) for L, e in ell0s], "reports": reports}


def _shift_constant(expansion):
    return DepthExpansion(expansion.quantity, expansion.coefficients, expansion.remainder, expansion.values, 0)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-depth", type=int, default=10**6)
    parser.add_argument("--cases", default="relu,tanh,resnet")
    parser.add_argument("--json", default=None, help="write a JSON summary here")
    args = parser.parse_args(argv)
    max_depth = args.max_depth
    marks = checkpoints(max_depth)
    window = geometric_depths(max_depth // 10, max_depth, 40)
    depths = sorted(set(marks) | set(window))
    results = []
    cases = args.cases.split(",")
    start = time.perf_counter()

    if "relu" in cases:
        law = relu_eoc_depth_law(5)
        ntk = ntk_depth_law(law, 1, 3)
        for rho1 in (Fraction(1, 2), Fraction(-1, 2)):
            data, info = relu_data(rho1, depths)
            info["c^1"] = str(rho1)
            results.append(run_case(f"ReLU on the EOC, c^1 = {rho1}", data, info, law, ntk, max_depth, window, marks))

    if "tanh" in cases:
        hi = smooth_taylor("tanh", "0.2", 20, 35)
        lo = dataclasses.replace(hi, map_coefficients=hi.map_coefficients[:16],
                                 derivative_coefficients=hi.derivative_coefficients[:16])
        # derive with the numerical values of f^(j)(1) substituted (50-digit Floats): the symbolic
        # forms are printed by `ntk-verify series --activation tanh`; here only numbers are compared
        subs = {s: sympy.Float(v.mid, DIGITS + 10) for s, v in hi.values.items()}
        numeric = dataclasses.replace(
            hi, map_coefficients=tuple(sympy.sympify(c).subs(subs) for c in hi.map_coefficients[:8]),
            derivative_coefficients=tuple(sympy.sympify(c).subs(subs) for c in hi.derivative_coefficients[:8]),
            values={})
        law = depth_expansion(numeric, 5)
        print("tanh law derived", file=sys.stderr, flush=True)
        ntk = ntk_depth_law(law, 1, 2)
        print("tanh ntk derived", file=sys.stderr, flush=True)
        data, info = local_map_data(hi, lo, mpmath.mpf("0.005"), depths, digits=32)
        print("tanh orbit done", file=sys.stderr, flush=True)
        info["c^1"] = ("0.995: the Taylor series of f about 1 is only asymptotic (f^(j)(1)/j! grows like "
                       "j! 0.21^j), so the orbit starts close to 1; 20 vs 16 terms compared")
        info["EOC (asymptotics.eoc)"] = {k: str(v) for k, v in hi.parameters.items() if hasattr(v, "mid")}
        info["f^(j)(1) digits (min over j <= 21)"] = min(v.correct_digits for v in hi.values.values())
        results.append(run_case("tanh on the EOC, sigma_b = 0.2", data, info, law, ntk, max_depth, window, marks))

    if "resnet" in cases:
        sigma_w = 2
        hi = resnet_relu_puiseux(38, sigma_w)
        lo = resnet_relu_puiseux(32, sigma_w)
        law = depth_expansion(resnet_relu_puiseux(7, sigma_w), 5)
        data, info = local_map_data(hi, lo, mpmath.mpf("0.5"), depths)
        info["c^1"] = "0.5"
        results.append(run_case(f"ResNet ReLU (Appendix Lemma 9 map), sigma_w = {sigma_w}", data, info, law, None,
                                max_depth, window, marks))

    print(f"\ntotal {time.perf_counter() - start:.0f} s (shared 2-core machine)")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results, fh, default=str, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
