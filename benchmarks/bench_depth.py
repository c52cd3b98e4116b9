"""Depth at O(1) cost (issue 15): the certified jump against full iteration, in the same run.

    python3 benchmarks/bench_depth.py [--quick] [--skip-gram] [--out benchmarks/results/bench_depth]
    python3 benchmarks/bench_depth.py --only ordered     # one section; merged into the existing results

Writes <out>.json and <out>.txt.  Speed figures are ratios measured in this run; the machine's
load (os.getloadavg) is recorded before and after.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from fractions import Fraction

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


def ordered_section():
    """The ReLU family with biases in the ordered phase (asymptotics.depth_jump.relu_bias_jump)."""
    from asymptotics.activations import abrelu
    from asymptotics.depth_jump.relu_bias_jump import MAX_ORDERED_L0
    from asymptotics.validation import ComputationError

    net = Network("relu", sigma_w2="1.5", sigma_b2="0.1")  # chi_1 = 3/4
    out = {"network": net.describe(), "full": [], "huge": [], "other": []}

    def l0_of(traj, depth):
        return int(traj.depth_methods[depth].split("L0=")[1].rstrip(")"))

    def rel(a):
        return mpmath.nstr(2 * a.rad / abs(a.mid), 3) if a.mid else "0"

    say(f"== ordered phase with biases ({net.describe()}, chi_1 = 3/4), 50 digits: jump vs full certified iteration ==")
    for depth in (10**4, 10**5):
        for rho in ("0", "0.5"):
            it, t_it = timed(lambda: kernel_at_depths(net, rho, [depth], backend="arb", digits=50, method="iterate"))
            jp, t_jp = timed(lambda: kernel_at_depths(net, rho, [depth], backend="arb", digits=50, method="jump"))
            a, b = jp.at(depth), it.at(depth)
            row = {"depth": depth, "rho": rho, "iterate_s": t_it, "jump_s": t_jp, "ratio": t_it / t_jp,
                   "method": jp.depth_methods[depth], "one_minus_rho_jump": format_approx(a.one_minus_rho),
                   "one_minus_rho_iterate": format_approx(b.one_minus_rho),
                   "rel_width_one_minus_rho_jump": rel(a.one_minus_rho),
                   "rel_width_one_minus_ntk_jump": rel(a.one_minus_ntk_normalized),
                   "overlap_all_fields": all(getattr(a, f).overlaps(getattr(b, f)) for f in a.FIELDS)}
            out["full"].append(row)
            say(f"L={depth} rho={rho}: iterate {t_it:.3f} s, jump {t_jp:.4f} s ({row['method']}): ratio {row['ratio']:.0f}x; "
                f"every field overlaps: {row['overlap_all_fields']}")
            say(f"   1 - rho jump    {row['one_minus_rho_jump']} (relative width {row['rel_width_one_minus_rho_jump']})")
            say(f"   1 - rho iterate {row['one_minus_rho_iterate']}")
            say(f"   1 - N jump relative width {row['rel_width_one_minus_ntk_jump']}")
    say("-- depth 10^12 and 10^100, two starting depths L0")
    for depth in (10**12, 10**100):
        for rho in ("0", "0.5"):
            a, ta = timed(lambda: jump_kernel(net, rho, [depth], digits=50))
            l0 = l0_of(a, depth)
            b, tb = timed(lambda: jump_kernel(net, rho, [depth], digits=50, l0=l0 + 500))
            va, vb = a.at(depth), b.at(depth)
            row = {"depth": f"10^{len(str(depth)) - 1}", "rho": rho, "L0": [l0, l0_of(b, depth)], "seconds": [ta, tb],
                   "two_L0_agree": all(getattr(va, f).overlaps(getattr(vb, f)) for f in va.FIELDS),
                   "one_minus_rho": format_approx(va.one_minus_rho), "digits_one_minus_rho": va.one_minus_rho.correct_digits,
                   "one_minus_ntk": format_approx(va.one_minus_ntk_normalized),
                   "digits_one_minus_ntk": va.one_minus_ntk_normalized.correct_digits,
                   "theta_xy": format_approx(va.theta_xy), "sigma_dot": format_approx(va.sigma_dot)}
            with mpmath.workdps(len(str(depth)) + 30):  # the decay rates: log(1 - rho)/L -> log c, log(1 - N)/L -> log(c)/2
                row["log(1-rho)/L / log(3/4)"] = mpmath.nstr(mpmath.log(va.one_minus_rho.mid) / depth / mpmath.log(0.75), 12)
                row["log(1-N)/L / log(3/4)"] = mpmath.nstr(mpmath.log(va.one_minus_ntk_normalized.mid) / depth
                                                           / mpmath.log(0.75), 12)
            out["huge"].append(row)
            say(f"L={row['depth']} rho={rho}: {ta:.3f} s (L0={l0}), {tb:.3f} s (L0={row['L0'][1]}); "
                f"two L0 agree: {row['two_L0_agree']}")
            say(f"   1 - rho = {row['one_minus_rho']} ({row['digits_one_minus_rho']} digits)")
            say(f"   1 - N   = {row['one_minus_ntk']} ({row['digits_one_minus_ntk']} digits)")
            say(f"   Theta_xy = {row['theta_xy']}, Sigma-dot = {row['sigma_dot']}")
            say(f"   log(1 - rho)/(L log c) = {row['log(1-rho)/L / log(3/4)']}, log(1 - N)/(L log c) = "
                f"{row['log(1-N)/L / log(3/4)']}")
    say("-- unequal variances, leaky ReLU, abrelu; chi_1 near 1")
    cases = [("relu q_y=2", net, "2"), ("leaky_relu sw2=1.2 sb2=0.3", Network("leaky_relu", sigma_w2="1.2", sigma_b2="0.3"), "1"),
             ("abrelu(-1/2,1) sw2=0.9 sb2=0.05 q_y=3", Network(abrelu(Fraction(-1, 2), 1), sigma_w2="0.9", sigma_b2="0.05"), "3"),
             ("relu sw2=1.96 (chi_1=0.98)", Network("relu", sigma_w2="1.96", sigma_b2="0.1"), "1")]
    for label, network, q_y in cases:
        depth = 3 * 10**4
        it, t_it = timed(lambda: kernel_at_depths(network, "-0.3", [depth], backend="arb", digits=50, q_y=q_y,
                                                  method="iterate"))
        jp, t_jp = timed(lambda: jump_kernel(network, "-0.3", [depth, 10**12], digits=50, q_y=q_y))
        a, b = jp.at(depth), it.at(depth)
        row = {"case": label, "depth": depth, "iterate_s": t_it, "jump_s": t_jp, "method": jp.depth_methods[10**12],
               "overlap_all_fields": all(getattr(a, f).overlaps(getattr(b, f)) for f in a.FIELDS),
               "rel_width_one_minus_rho": rel(a.one_minus_rho), "rel_width_one_minus_ntk_jump": rel(a.one_minus_ntk_normalized),
               "rel_width_one_minus_ntk_iterate": rel(b.one_minus_ntk_normalized),
               "digits_at_1e12": jp.at(10**12).one_minus_rho.correct_digits}
        out["other"].append(row)
        say(f"{label}: L={depth} iterate {t_it:.2f} s, jump to {depth} and 10^12 {t_jp:.3f} s ({row['method']}); overlap "
            f"{row['overlap_all_fields']}; rel. width 1-rho {row['rel_width_one_minus_rho']}, 1-N jump "
            f"{row['rel_width_one_minus_ntk_jump']} (iterate {row['rel_width_one_minus_ntk_iterate']}); "
            f"1e12: {row['digits_at_1e12']} digits")
    say("-- float64 Gram (estimates): iterate vs the vectorised ordered jump, same run")
    import numpy as np

    from asymptotics.recursion import gram_at_depths

    X = np.random.default_rng(0).standard_normal((200, 8))
    full, t_full = timed(lambda: gram_at_depths(net, X, [2000], method="iterate"))
    jump, t_jump = timed(lambda: gram_at_depths(net, X, [2000], method="jump"))
    with np.errstate(invalid="ignore", divide="ignore"):  # the diagonal has 1 - rho = 0 in both
        errs = {name: float(np.max(np.abs(jump[2000][name] / full[2000][name] - 1)[full[2000][name] != 0]))
            for name in ("rho", "sigma", "theta", "ntk_normalized", "one_minus_rho")}
    X5 = np.random.default_rng(1).standard_normal((500, 8))
    big, t_big = timed(lambda: gram_at_depths(net, X5, ["1e9"], method="jump"))
    out["gram"] = {"n": 200, "depth": 2000, "iterate_s": t_full, "jump_s": t_jump, "ratio": t_full / t_jump,
                   "max_rel_diff": errs, "method": jump.depth_methods[2000], "n500_depth_1e9_s": t_big,
                   "n500_depth_1e9_theta_range": [float(big[10**9]["theta"].min()), float(big[10**9]["theta"].max())]}
    say(f"n=200 depth 2000: iterate {t_full:.2f} s, jump {t_jump:.2f} s ({jump.depth_methods[2000]}), ratio "
        f"{t_full / t_jump:.1f}x; max relative difference {errs}")
    say(f"n=500 depth 10^9: {t_big:.2f} s (theta in [{out['gram']['n500_depth_1e9_theta_range'][0]:.17g}, "
        f"{out['gram']['n500_depth_1e9_theta_range'][1]:.17g}]; 1 - rho underflows float64 there)")
    close = Network("relu", sigma_w2="1.9998", sigma_b2="0.1")
    try:
        jump_kernel(close, "0.5", [10**12], digits=50)
        out["chi_0.9999"] = "jumped"
    except ComputationError as err:
        out["chi_0.9999"] = f"computation failed: {err}"
    say(f"chi_1 = 0.9999 (limit L0 <= {MAX_ORDERED_L0}): {out['chi_0.9999']}")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--skip-gram", action="store_true")
    ap.add_argument("--skip-arb", action="store_true")
    ap.add_argument("--skip-tanh", action="store_true")
    ap.add_argument("--only", choices=["ordered"], default=None,
                    help="run this section alone and merge it into the existing results files")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "results", "bench_depth"))
    args = ap.parse_args()
    if args.only:
        return _only(args)
    result = {"load_before": os.getloadavg()}
    say(f"load average before: {result['load_before']}")
    if not args.skip_arb:
        result["arb"] = arb_section(args.quick)
    if not args.skip_tanh:
        say()
        result["tanh"] = tanh_section()
    if not args.skip_gram:
        say()
        result["gram"] = gram_section(args.quick)
    say()
    result["ordered"] = ordered_section()
    result["load_after"] = os.getloadavg()
    say(f"load average after: {result['load_after']}")
    with open(args.out + ".json", "w") as fh:
        json.dump(result, fh, indent=1, default=str)
    with open(args.out + ".txt", "w") as fh:
        fh.write("\n".join(LINES) + "\n")


def _only(args):
    """One section, merged: its json key replaced, its block of the text file (between markers) replaced."""
    begin, end = f"### section {args.only} (run alone)", f"### end of section {args.only}"
    say(begin)
    load = os.getloadavg()
    say(f"load average before: {load}")
    section = {"ordered": ordered_section}[args.only]()
    section["load_before"], section["load_after"] = load, os.getloadavg()
    say(f"load average after: {section['load_after']}")
    say(end)
    result = {}
    if os.path.exists(args.out + ".json"):
        with open(args.out + ".json") as fh:
            result = json.load(fh)
    result[args.only] = section
    with open(args.out + ".json", "w") as fh:
        json.dump(result, fh, indent=1, default=str)
    text = open(args.out + ".txt").read() if os.path.exists(args.out + ".txt") else ""
    if begin in text and end in text:
        text = text[:text.index(begin)] + text[text.index(end) + len(end) + 1:]
    with open(args.out + ".txt", "w") as fh:
        fh.write(text.rstrip("\n") + "\n\n" + "\n".join(LINES) + "\n")


if __name__ == "__main__":
    main()
