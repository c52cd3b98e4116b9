"""Depth at O(1) cost (issue 15): the certified jump against full iteration, in the same run.

    python3 benchmarks/bench_depth.py [--quick] [--skip-gram] [--out benchmarks/results/bench_depth]
    python3 benchmarks/bench_depth.py --only-tanh-certified   (-> benchmarks/results/bench_depth_tanh_certified)

Writes <out>.json and <out>.txt.  Speed figures are ratios measured in this run; the machine's
load (os.getloadavg) is recorded before and after.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import mpmath  # noqa: E402

from asymptotics.accuracy import format_approx  # noqa: E402
from asymptotics.depth_jump import jump_kernel  # noqa: E402
from asymptotics.depth_jump.relu_jump import machinery as _machinery  # noqa: E402
from asymptotics.recursion import Network, kernel_at_depths  # noqa: E402

LINES = []


def say(text=""):
    print(text, flush=True)
    LINES.append(text)


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def width(a):
    return 2 * a.rad


def arb_section(quick: bool):
    net = Network("relu", sigma_w2=2)
    out = {"depth_1e6": [], "huge": [], "ntk_rate": []}
    full_depth = 10**5 if quick else 10**6
    say(f"== depth {full_depth} at 50 digits: full certified iteration vs the jump (ReLU, sigma_w^2 = 2) ==")
    for rho in ("0", "0.5"):
        it, t_it = timed(lambda: kernel_at_depths(net, rho, [full_depth], backend="arb", digits=50, method="iterate"))
        _machinery.cache_clear()
        jp_cold, t_cold = timed(lambda: kernel_at_depths(net, rho, [full_depth], backend="arb", digits=50, method="jump"))
        jp, t_warm = timed(lambda: kernel_at_depths(net, rho, [full_depth], backend="arb", digits=50, method="jump"))
        a, b = jp.at(full_depth), it.at(full_depth)
        row = {"rho": rho, "depth": full_depth, "iterate_s": t_it, "jump_cold_s": t_cold, "jump_warm_s": t_warm,
               "ratio_cold": t_it / t_cold, "ratio_warm": t_it / t_warm,
               "one_minus_rho_jump": format_approx(a.one_minus_rho), "one_minus_rho_iterate": format_approx(b.one_minus_rho),
               "width_jump": mpmath.nstr(width(a.one_minus_rho), 3), "width_iterate": mpmath.nstr(width(b.one_minus_rho), 3),
               "overlap_all_fields": all(getattr(a, f).overlaps(getattr(b, f)) for f in a.FIELDS if getattr(a, f) is not None),
               "ntk_jump": format_approx(a.ntk_normalized), "ntk_width_jump": mpmath.nstr(width(a.ntk_normalized), 3),
               "method": jp.depth_methods[full_depth]}
        out["depth_1e6"].append(row)
        say(f"rho={rho}: iterate {t_it:.2f} s, jump {t_cold:.3f} s cold (builds the Fatou coefficients and circle "
            f"bounds) / {t_warm:.3f} s warm: ratio {row['ratio_cold']:.0f}x cold, {row['ratio_warm']:.0f}x warm")
        say(f"   1 - rho jump    {row['one_minus_rho_jump']}  (width {row['width_jump']})")
        say(f"   1 - rho iterate {row['one_minus_rho_iterate']}  (width {row['width_iterate']})")
        say(f"   every field overlaps: {row['overlap_all_fields']}; N_L jump width {row['ntk_width_jump']}")
    say()
    say("== depth 10^12 and 10^100 at 50 digits: two starting depths L0, and the time of iterating to 10^4 ==")
    _, t_1e4 = timed(lambda: kernel_at_depths(net, "0.5", [10**4], backend="arb", digits=50, method="iterate"))
    out["iterate_1e4_s"] = t_1e4
    say(f"iterating to 10^4 (certified, 50 digits): {t_1e4:.3f} s")
    from asymptotics.depth_laws import normalized_ntk_depth_law

    law = normalized_ntk_depth_law(1)
    rate = mpmath.mpf(3) / 8
    assert float(law.rate_constant) == 0.375
    ell0s = {}
    for depth in (10**12, 10**100):
        for rho in ("0", "0.5"):
            (a, ta) = timed(lambda: jump_kernel(net, rho, [depth], digits=50, l0=1000))
            (b, tb) = timed(lambda: jump_kernel(net, rho, [depth], digits=50, l0=3000))
            va, vb = a.at(depth), b.at(depth)
            ea, eb = a.extras[depth]["ntk_minus_limit"], b.extras[depth]["ntk_minus_limit"]
            agree = all(getattr(va, f).overlaps(getattr(vb, f)) for f in va.FIELDS) and ea.overlaps(eb)
            with mpmath.workdps(80):
                lo = mpmath.log(depth)
                ratio = ea.mid / (rate * lo / depth)
                # ell_0 = Phi(u_L) - L is a constant of the orbit: from depth_laws' symbolic Fatou coordinate at
                # L = 10^12 (its evaluate() loses digits at 10^100), and used at both depths
                if rho not in ell0s:
                    ell0s[rho] = law.law.fatou.depth_shift(va.one_minus_rho.mid, depth, dps=60)
                ell0 = ell0s[rho]
                lhs = depth * ea.mid - rate * lo
                rhs = ell0 / 4 - mpmath.mpf(1) / 8
            row = {"depth": f"10^{len(str(depth)) - 1}", "rho": rho, "jump_s_L0_1000": ta, "jump_s_L0_3000": tb,
                   "one_minus_rho": format_approx(va.one_minus_rho), "digits_one_minus_rho": va.one_minus_rho.correct_digits,
                   "ntk": format_approx(va.ntk_normalized), "ntk_minus_limit": format_approx(ea),
                   "digits_ntk_minus_limit": ea.correct_digits, "two_L0_agree": agree,
                   "distance_over_rate": mpmath.nstr(ratio, 12),
                   "L(N-1/4) - (3/8) log L": mpmath.nstr(lhs, 15), "ell0/4 - 1/8 (depth_laws)": mpmath.nstr(rhs, 15)}
            # the derived expansion of 1 - rho (depth_laws, 5 orders, ell_0 from the same Fatou coordinate)
            import sympy

            from asymptotics.depth_laws import DEPTH, ELL0

            with mpmath.workdps(len(str(depth)) + 60):
                expr = law.law.one_minus_c.expr()
                predicted = mpmath.mpf(str(sympy.N(expr.subs({DEPTH: sympy.Integer(depth), ELL0: sympy.Float(str(ell0), 80)}),
                                                   len(str(depth)) + 50)))
                rel_law = (va.one_minus_rho.mid - predicted) / predicted
            row["1-rho vs derived 5-order law (relative)"] = mpmath.nstr(rel_law, 5)
            out["huge"].append(row)
            say(f"L={row['depth']} rho={rho}: {ta:.3f} s (L0=1000), {tb:.3f} s (L0=3000); two L0 agree: {agree}")
            say(f"   1 - rho = {row['one_minus_rho']} ({row['digits_one_minus_rho']} digits)")
            say(f"   N_L - 1/4 = {row['ntk_minus_limit']} ({row['digits_ntk_minus_limit']} digits)")
            say(f"   (N_L - 1/4) / ((3/8) log L / L) = {row['distance_over_rate']};  L(N_L - 1/4) - (3/8) log L = "
                f"{row['L(N-1/4) - (3/8) log L']} vs ell_0/4 - 1/8 = {row['ell0/4 - 1/8 (depth_laws)']}")
            say(f"   1 - rho against the derived law 9 pi^2/(2 L^2) - 27 pi^2 log L/(2 L^3) + ... (ell_0 terms, to "
                f"O(log^4 L / L^6)): relative difference {row['1-rho vs derived 5-order law (relative)']}")
    return out


def gram_section(quick: bool):
    import numpy as np

    from asymptotics.depth_jump import jump_kernel
    from asymptotics.recursion import gram_at_depths

    n = 300 if quick else 1000
    rng = np.random.default_rng(15)
    X = rng.standard_normal((n, 10))
    net = Network("relu", sigma_w2=2)
    say(f"== float64 Gram matrix, n = {n} points (d = 10), ReLU sigma_w^2 = 2 ==")
    out = {"n": n}
    gram_at_depths(net, X[:20], [10**4], method="jump")  # builds the float coefficients once (not timed)
    it, t_it = timed(lambda: gram_at_depths(net, X, [10**4], method="iterate"))
    jp, t_jp = timed(lambda: gram_at_depths(net, X, [10**4], method="jump"))
    far, t_far = timed(lambda: gram_at_depths(net, X, [10**9], method="jump"))
    rel = {}
    for f in ("one_minus_rho", "one_minus_ntk_normalized", "theta"):
        a, b = jp[10**4][f], it[10**4][f]
        mask = b != 0
        rel[f] = float(np.max(np.abs(a[mask] - b[mask]) / np.abs(b[mask])))
    out.update({"iterate_1e4_s": t_it, "jump_1e4_s": t_jp, "jump_1e9_s": t_far, "ratio_1e4": t_it / t_jp,
                "max_rel_diff_jump_vs_iterate_1e4": rel, "method": jp.depth_methods})
    say(f"depth 10^4: iterate {t_it:.2f} s, jump {t_jp:.2f} s: ratio {t_it / t_jp:.1f}x; depth 10^9 jump {t_far:.2f} s")
    say(f"   max relative difference jump vs iterate at 10^4: {rel}")
    # which of the two float64 paths is closer to the truth: a few pairs against the certified jump
    iu = np.triu_indices(n, 1)
    picks = [(int(iu[0][k]), int(iu[1][k])) for k in (0, len(iu[0]) // 3, len(iu[0]) - 1)]
    errs = {"iterate": 0.0, "jump": 0.0, "jump_1e9": 0.0}
    for i, j in picks:
        delta1 = gram_at_depths(net, X[[i, j]], [1], method="iterate")[1]["one_minus_rho"][0, 1]
        from fractions import Fraction

        rho = 1 - Fraction(float(delta1))  # the float64 layer-1 value, exactly
        cert = jump_kernel(net, rho, [10**4, 10**9], digits=30)
        for label, res, depth in (("iterate", it, 10**4), ("jump", jp, 10**4), ("jump_1e9", far, 10**9)):
            truth = float(cert.at(depth).one_minus_rho.mid)
            errs[label] = max(errs[label], abs(res[depth]["one_minus_rho"][i, j] / truth - 1))
    out["max_rel_error_vs_certified_1_minus_rho_3_pairs"] = errs
    say(f"   relative error of 1 - rho against the certified jump (3 pairs, same layer-1 inputs): {errs}")
    return out


def tanh_section():
    from asymptotics.depth_jump.smooth_fatou import tanh_eoc_jump
    from asymptotics.smooth_depth import eoc_correlation_depths

    say("== tanh on the Edge of Chaos (sigma_b = 0.2) from c = 0.5, 30 digits ==")
    (it, t_it) = timed(lambda: eoc_correlation_depths("tanh", 0.2, 0.5, [3000], digits=35).at(3000))
    ((vals, info), t_jp) = timed(lambda: tanh_eoc_jump("0.2", "0.5", [3000, 10**6, 10**9], digits=30, l0=1000))
    rows = {}
    for depth, v in vals.items():
        rows[str(depth)] = {"one_minus_c": format_approx(v.one_minus_c), "digits": v.one_minus_c.correct_digits,
                            "f_prime": format_approx(v.f_prime), "method": v.one_minus_c.method}
        say(f"L={depth}: 1 - c = {rows[str(depth)]['one_minus_c']} ({rows[str(depth)]['digits']} digits, "
            f"{v.one_minus_c.method}); f'(c) = {rows[str(depth)]['f_prime']}")
    overlap = vals[3000].one_minus_c.overlaps(it.one_minus_c) and vals[3000].f_prime.overlaps(it.f_prime)
    say(f"jump (iterate to 1000, then jump) {t_jp:.1f} s incl. the EOC constants; iteration to 3000: {t_it:.1f} s; "
        f"balls at 3000 overlap: {overlap}")
    return {"values": rows, "jump_s": t_jp, "iterate_3000_s": t_it, "overlap_at_3000": overlap, "info": info}


def tanh_certified_section():
    """The certified tanh EOC path (depth_jump.tanh_certified) against the agreement paths, same run."""
    from asymptotics.depth_jump.smooth_fatou import tanh_eoc_jump
    from asymptotics.depth_jump.tanh_certified import tanh_eoc_certified
    from asymptotics.eoc import edge_of_chaos
    from asymptotics.smooth_depth import eoc_correlation_depths

    say("== tanh on the Edge of Chaos (sigma_b = 0.2) from c = 0.5: certified (arb) vs agreement, 30 digits ==")
    depths = [2, 100, 3000, 10**6, 10**9]
    ((cert, info), t_cert) = timed(lambda: tanh_eoc_certified("0.2", "0.5", depths, digits=30, l0=1000))
    ((agree, _), t_agree) = timed(lambda: tanh_eoc_jump("0.2", "0.5", depths, digits=30, l0=1000))
    (it, t_it) = timed(lambda: eoc_correlation_depths("tanh", "0.2", "0.5", [2, 100, 3000], digits=30))
    point = edge_of_chaos("tanh", "0.2", 40)
    rows = {}
    for L in depths:
        c, a = cert[L], agree[L]
        row = {"one_minus_c": format_approx(c.one_minus_c), "digits": c.one_minus_c.correct_digits,
               "f_prime": format_approx(c.f_prime), "f_prime_digits": c.f_prime.correct_digits,
               "method": c.one_minus_c.method, "overlaps_agreement_jump": c.one_minus_c.overlaps(a.one_minus_c)
               and c.f_prime.overlaps(a.f_prime)}
        if L <= 3000:
            row["overlaps_iteration"] = (c.one_minus_c.overlaps(it.at(L).one_minus_c)
                                         and c.one_minus_f_prime.overlaps(it.at(L).one_minus_f_prime))
        rows[str(L)] = row
        say(f"L={L}: 1 - c = {row['one_minus_c']} ({row['digits']} digits, {row['method']}); "
            f"overlaps agreement jump: {row['overlaps_agreement_jump']}"
            + (f", iteration: {row['overlaps_iteration']}" if "overlaps_iteration" in row else ""))
    inside = all(abs(x.mid - p.mid) <= p.rad for x, p in ((info["q_star"], point.q_star), (info["sigma_w"], point.sigma_w)))
    say(f"certified q* = {format_approx(info['q_star'])}, sigma_w = {format_approx(info['sigma_w'])} "
        f"(inside the agreement intervals: {inside})")
    say(f"certified call {t_cert:.1f} s ({info['far_layers']} far-field layers, {info['taylor_layers']} Taylor layers, "
        f"jump from L0 = {info['l0']}); agreement jump {t_agree:.1f} s; agreement iteration to 3000: {t_it:.1f} s")
    ((far, far_info), t_far) = timed(lambda: tanh_eoc_certified("0.2", "0.5", [10**12, 10**100], digits=30))
    ((d60, _), t60) = timed(lambda: tanh_eoc_certified("0.2", "0.5", [10**9], digits=60))
    kappa = far_info["kappa"]
    from asymptotics.accuracy import Approx

    with mpmath.workprec(4096):  # L (1 - c^L) - kappa as a ball: L rad + rad_kappa (never digits below it)
        law = {f"1e{len(str(L)) - 1}": format_approx(Approx(L * far[L].one_minus_c.mid - kappa.mid,
                                                            L * far[L].one_minus_c.rad + kappa.rad, "certified"))
               for L in (10**12, 10**100)}
    say(f"depth 1e12 and 1e100: {far[10**12].one_minus_c.correct_digits} and {far[10**100].one_minus_c.correct_digits} "
        f"certified digits in {t_far:.1f} s; L (1 - c^L) - kappa with kappa = 2/f''(1) = {format_approx(kappa)}: {law}")
    say(f"60 digits at depth 1e9: {d60[10**9].one_minus_c.correct_digits} certified digits in {t60:.1f} s")
    info = {k: (format_approx(v) if hasattr(v, "rad") else v) for k, v in info.items()}
    return {"values": rows, "depth_1e12_1e100": {str(L): format_approx(far[L].one_minus_c) for L in far},
            "depth_1e12_1e100_s": t_far, "law_L_delta_minus_kappa": law, "kappa": format_approx(kappa),
            "digits60_at_1e9": d60[10**9].one_minus_c.correct_digits, "digits60_s": t60, "certified_s": t_cert, "agreement_jump_s": t_agree, "iterate_3000_s": t_it,
            "eoc_point_inside_agreement": inside, "info": info}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--skip-gram", action="store_true")
    ap.add_argument("--skip-arb", action="store_true")
    ap.add_argument("--skip-tanh", action="store_true")
    ap.add_argument("--skip-tanh-certified", action="store_true")
    ap.add_argument("--only-tanh-certified", action="store_true", help="run only the certified tanh section")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    if args.out is None:
        name = "bench_depth_tanh_certified" if args.only_tanh_certified else "bench_depth"
        args.out = os.path.join(os.path.dirname(__file__), "results", name)
    if args.only_tanh_certified:
        args.skip_arb = args.skip_tanh = args.skip_gram = True
    result = {"load_before": os.getloadavg()}
    say(f"load average before: {result['load_before']}")
    if not args.skip_arb:
        result["arb"] = arb_section(args.quick)
    if not args.skip_tanh:
        say()
        result["tanh"] = tanh_section()
    if not args.skip_tanh_certified:
        say()
        result["tanh_certified"] = tanh_certified_section()
    if not args.skip_gram:
        say()
        result["gram"] = gram_section(args.quick)
    result["load_after"] = os.getloadavg()
    say(f"load average after: {result['load_after']}")
    with open(args.out + ".json", "w") as fh:
        json.dump(result, fh, indent=1, default=str)
    with open(args.out + ".txt", "w") as fh:
        fh.write("\n".join(LINES) + "\n")


if __name__ == "__main__":
    main()
