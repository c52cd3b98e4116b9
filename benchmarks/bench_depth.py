"""Depth at O(1) cost (issue 15): the certified jump against full iteration, in the same run.

    python3 benchmarks/bench_depth.py [--quick] [--skip-gram] [--only fused ...] [--only ordered] [--out benchmarks/results/bench_depth]

Writes <out>.json and <out>.txt (with --only or a --skip-*, the sections run replace theirs in the
existing files and the others are kept).  Speed figures are ratios measured in the same run; the
machine's load (os.getloadavg) is recorded before and after each section.
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
from asymptotics.depth_jump.relu_jump import machinery  # noqa: E402
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
        machinery.cache_clear()
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
            # ell_0 = Phi(u_L) - L from depth_laws' symbolic Fatou coordinate at this depth: the subtraction
            # cancels log10(L) digits, so 40 digits of ell_0 need 1 - rho to 40 + log10(L) digits (a 50-digit
            # ball at 10^100 determines none: depth_shift refuses it); that ball comes from one more jump
            sharp = jump_kernel(net, rho, [depth], digits=50 + len(str(depth)), l0=1000).at(depth).one_minus_rho
            ell0 = law.law.fatou.depth_shift(sharp, depth, dps=40)
            ell0s.setdefault(rho, {})[depth] = ell0
            with mpmath.workdps(80):
                lo = mpmath.log(depth)
                ratio = ea.mid / (rate * lo / depth)
                lhs = depth * ea.mid - rate * lo
                rhs = ell0 / 4 - mpmath.mpf(1) / 8
            row = {"depth": f"10^{len(str(depth)) - 1}", "rho": rho, "jump_s_L0_1000": ta, "jump_s_L0_3000": tb,
                   "one_minus_rho": format_approx(va.one_minus_rho), "digits_one_minus_rho": va.one_minus_rho.correct_digits,
                   "ntk": format_approx(va.ntk_normalized), "ntk_minus_limit": format_approx(ea),
                   "digits_ntk_minus_limit": ea.correct_digits, "two_L0_agree": agree,
                   "distance_over_rate": mpmath.nstr(ratio, 12),
                   "L(N-1/4) - (3/8) log L": mpmath.nstr(lhs, 15), "ell0/4 - 1/8 (depth_laws)": mpmath.nstr(rhs, 15),
                   "ell0 (40 digits, from this depth)": mpmath.nstr(ell0, 40),
                   "ell0 minus ell0 at 10^12": mpmath.nstr(ell0 - ell0s[rho][min(ell0s[rho])], 3)}
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
            say(f"   ell_0 = Phi(u_L) - L at this depth = {row['ell0 (40 digits, from this depth)']} "
                f"(minus its value at 10^12: {row['ell0 minus ell0 at 10^12']})")
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

    say("== tanh certified (arb) on the Edge of Chaos (sigma_b = 0.2) from c = 0.5, vs the agreement paths, 30 digits ==")
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
    ntk = tanh_ntk_rows()
    return {"ntk": ntk, "values": rows, "depth_1e12_1e100": {str(L): format_approx(far[L].one_minus_c) for L in far},
            "depth_1e12_1e100_s": t_far, "law_L_delta_minus_kappa": law, "kappa": format_approx(kappa),
            "digits60_at_1e9": d60[10**9].one_minus_c.correct_digits, "digits60_s": t60, "certified_s": t_cert, "agreement_jump_s": t_agree, "iterate_3000_s": t_it,
            "eoc_point_inside_agreement": inside, "info": info}


def tanh_ntk_rows():
    """The certified tanh NTK (depth_jump.tanh_ntk): jump vs every layer certified at 3000, two L0, the log(L)/L rate."""
    from asymptotics.depth_jump.tanh_ntk import tanh_eoc_ntk
    from asymptotics.depth_laws import ntk_depth_law, smooth_eoc_depth_law

    huge = [3000, 10**9, 10**12, 10**50, 10**100]
    (a, t_a) = timed(lambda: tanh_eoc_ntk("0.2", "0.5", huge, digits=30, l0=1000))
    (b, t_b) = timed(lambda: tanh_eoc_ntk("0.2", "0.5", huge, digits=30, l0=2000))
    (it, t_it) = timed(lambda: tanh_eoc_ntk("0.2", "0.5", [3000], digits=30, l0=3000))
    x, y = a["values"][3000]["ntk_over_q"], it["values"][3000]["ntk_over_q"]
    say(f"NTK L = 3000: K/q* jump (L0 = 1000) {format_approx(x)}, every layer certified {format_approx(y)}, "
        f"overlap {x.overlaps(y)}; {t_a:.1f} s (five depths, incl. EOC constants) vs {t_it:.1f} s")
    rows = {}
    for L in huge[1:]:
        u, v = a["values"][L]["ntk_minus_limit"], b["values"][L]["ntk_minus_limit"]
        rows[f"1e{len(str(L)) - 1}"] = {"ntk_minus_limit": format_approx(u), "digits": u.correct_digits,
                                        "two_l0_overlap": u.overlaps(v)}
        say(f"NTK L = 1e{len(str(L)) - 1}: N_L - 1/3 = {format_approx(u)} ({u.correct_digits} digits); "
            f"L0 = 1000 vs 2000 overlap {u.overlaps(v)}")
    derived = ntk_depth_law(smooth_eoc_depth_law("tanh", "0.2", terms=3, dps=30), 1, 1).rate_constant_value(30)
    with mpmath.workdps(80):  # (the O(log L/L) bias of the two-point rate is ~1e-48 here)
        e50, e100 = (a["values"][L]["ntk_minus_limit"].mid * mpmath.mpf(L) for L in (10**50, 10**100))
        rate = (e100 - e50) / (50 * mpmath.log(10))
        rel = mpmath.nstr(abs(rate / derived.mid - 1), 3)
    say(f"log(L)/L rate of N_L - 1/3: B = {mpmath.nstr(rate, 35)} from 1e50 and 1e100; derived {format_approx(derived)} "
        f"(agreement); relative difference {rel}")
    return {"depth_3000_overlap": x.overlaps(y), "jump_s": t_a, "l0_2000_s": t_b, "iterate_3000_s": t_it, "huge": rows,
            "rate_from_1e50_1e100": mpmath.nstr(rate, 35), "rate_derived": format_approx(derived), "rate_relative_difference": rel}


def erf_section(quick: bool):
    """erf on the EOC (sigma_b = 0.2, c^1 = 0.5, 30 digits): certified jump against certified full iteration."""
    from fractions import Fraction

    from asymptotics.depth_jump import series_tools as st
    from asymptotics.depth_jump.erf_eoc import choose_l0, erf_eoc_depths, erf_eoc_ntk, machinery, ntk_machinery
    from asymptotics.depth_jump.relu_jump import approx_from_arb
    from asymptotics.depth_laws import ntk_depth_law, smooth_eoc_depth_law
    from asymptotics.eoc import edge_of_chaos

    out = {}
    full_depth = 10**5 if quick else 10**6
    say("== erf on the Edge of Chaos (sigma_b = 0.2) from c = 0.5, 30 digits, certified ==")
    machinery.cache_clear()
    ntk_machinery.cache_clear()
    (jp_cold, t_cold) = timed(lambda: erf_eoc_depths("0.2", "0.5", [full_depth], digits=30, method="jump"))
    (jp, t_warm) = timed(lambda: erf_eoc_depths("0.2", "0.5", [full_depth], digits=30, method="jump"))
    (it, t_it) = timed(lambda: erf_eoc_depths("0.2", "0.5", [full_depth], digits=30, method="iterate"))
    a, b = jp.at(full_depth), it.at(full_depth)
    fields = ("one_minus_c", "c", "f_prime", "one_minus_f_prime")
    row = {"depth": full_depth, "l0": choose_l0("0.2"), "iterate_s": t_it, "jump_cold_s": t_cold, "jump_warm_s": t_warm,
           "ratio_cold": t_it / t_cold, "ratio_warm": t_it / t_warm,
           "one_minus_c_jump": format_approx(a.one_minus_c), "one_minus_c_iterate": format_approx(b.one_minus_c),
           "digits_jump": a.one_minus_c.correct_digits, "digits_iterate": b.one_minus_c.correct_digits,
           "f_prime_jump": format_approx(a.f_prime),
           "overlap_all_fields": all(getattr(a, f).overlaps(getattr(b, f)) for f in fields)}
    out["depth_full"] = row
    say(f"L = {full_depth}: jump 1 - c = {row['one_minus_c_jump']} ({row['digits_jump']} digits); iterate "
        f"{row['one_minus_c_iterate']} ({row['digits_iterate']} digits); overlap (all fields): {row['overlap_all_fields']}")
    say(f"   iterate {t_it:.2f} s, jump {t_cold:.3f} s cold (EOC point, series, circle bounds) / {t_warm:.3f} s warm: "
        f"ratio {t_it / t_cold:.0f}x cold, {t_it / t_warm:.0f}x warm")
    ntk_depth = 10**5
    (nit, t_nit) = timed(lambda: erf_eoc_ntk("0.2", "0.5", [ntk_depth], method="iterate")["values"][ntk_depth])
    (njp, t_njp) = timed(lambda: erf_eoc_ntk("0.2", "0.5", [ntk_depth], method="jump")["values"][ntk_depth])
    out["ntk_full"] = {"depth": ntk_depth, "iterate_s": t_nit, "jump_s_incl_ntk_setup": t_njp,
                       "ntk_normalized_jump": format_approx(njp["ntk_normalized"]),
                       "ntk_normalized_iterate": format_approx(nit["ntk_normalized"]),
                       "overlap": all(njp[k].overlaps(nit[k]) for k in njp)}
    say(f"NTK L = {ntk_depth}: N_L jump {format_approx(njp['ntk_normalized'])}, iterate "
        f"{format_approx(nit['ntk_normalized'])}, overlap {out['ntk_full']['overlap']}; iterate {t_nit:.2f} s, "
        f"jump {t_njp:.3f} s (incl. the NTK series set-up)")
    huge = [10**9, 10**12, 10**100]
    l0 = choose_l0("0.2")
    l0_b = 2 * l0 + 100
    (ta, t_a) = timed(lambda: erf_eoc_depths("0.2", "0.5", huge, digits=30, l0=l0))
    (tb, t_b) = timed(lambda: erf_eoc_depths("0.2", "0.5", huge, digits=30, l0=l0_b))
    (na, t_na) = timed(lambda: erf_eoc_ntk("0.2", "0.5", huge, l0=l0)["values"])
    nb = erf_eoc_ntk("0.2", "0.5", huge, l0=l0_b)["values"]
    out["huge"] = []
    for d in huge:
        x, y = ta.at(d), tb.at(d)
        r = {"depth": f"1e{len(str(d)) - 1}", "one_minus_c": format_approx(x.one_minus_c),
             "digits": x.one_minus_c.correct_digits, "f_prime_digits": x.f_prime.correct_digits,
             "two_l0_overlap": all(getattr(x, f).overlaps(getattr(y, f)) for f in fields),
             "ntk_minus_limit": format_approx(na[d]["ntk_minus_limit"]),
             "ntk_digits": na[d]["ntk_minus_limit"].correct_digits,
             "ntk_two_l0_overlap": na[d]["ntk_minus_limit"].overlaps(nb[d]["ntk_minus_limit"])}
        out["huge"].append(r)
        say(f"L = {r['depth']}: 1 - c = {r['one_minus_c']} ({r['digits']} digits), L0 = {l0} vs {l0_b} overlap: "
            f"{r['two_l0_overlap']}; N_L - 1/3 = {r['ntk_minus_limit']} ({r['ntk_digits']} digits), "
            f"overlap {r['ntk_two_l0_overlap']}")
    say(f"   three depths: {t_a:.3f} s (L0 = {l0}), {t_b:.3f} s (L0 = {l0_b}); NTK {t_na:.3f} s")
    out["huge_seconds"] = {"l0_a": t_a, "l0_b": t_b, "ntk": t_na}
    ends = erf_eoc_ntk("0.2", "0.5", [10**50, 10**100])["values"]
    with mpmath.workdps(60):
        e50 = ends[10**50]["ntk_minus_limit"].mid * mpmath.mpf(10) ** 50
        e100 = ends[10**100]["ntk_minus_limit"].mid * mpmath.mpf(10) ** 100
        B = (e100 - e50) / (50 * mpmath.log(10))
    derived = ntk_depth_law(smooth_eoc_depth_law("erf", "0.2", terms=3, dps=30), 1, 1).rate_constant_value(30)
    out["ntk_rate"] = {"B_from_1e50_1e100": mpmath.nstr(B, 35), "B_derived": format_approx(derived),
                       "relative_difference": mpmath.nstr(abs(B / derived.mid - 1), 3)}
    say(f"log(L)/L rate of N_L - 1/3: B = {mpmath.nstr(B, 35)} from the certified values at 1e50 and 1e100 "
        f"(O(log L/L) bias ~1e-48); derived 1/3 - 2 f3/(9 f2^2) = {format_approx(derived)} (agreement)")
    point = edge_of_chaos("erf", "0.2", 30)
    cert = machinery(Fraction(1, 5), 30)[0]
    with st.arb_precision(200):
        q_c, w_c = approx_from_arb(cert.q), approx_from_arb(cert.sigma_w)
    out["eoc_point"] = {"q_star_certified": format_approx(q_c), "sigma_w_certified": format_approx(w_c),
                        "q_star_eoc_module": format_approx(point.q_star), "sigma_w_eoc_module": format_approx(point.sigma_w),
                        "overlap": q_c.overlaps(point.q_star) and w_c.overlaps(point.sigma_w)}
    say(f"EOC point: q* = {format_approx(q_c)}, sigma_w = {format_approx(w_c)} (certified); eoc.edge_of_chaos: "
        f"q* = {format_approx(point.q_star)}, sigma_w = {format_approx(point.sigma_w)}; overlap {out['eoc_point']['overlap']}")
    return out


def fused_section(quick: bool):
    """The optional numba kernel (asymptotics.recursion.fused) against the numpy layers, in the same run."""
    import subprocess

    import numpy as np

    from asymptotics.recursion import gram_at_depths
    from asymptotics.recursion import fused
    from asymptotics.recursion.arrays import pair_arrays_at_depths

    n = 300 if quick else 1000
    X = np.random.default_rng(15).standard_normal((n, 10))
    net = Network("relu", sigma_w2=2)
    out = {"n": n, "uptime_before": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()}
    say(f"== fused numba kernel vs numpy layers: float64 Gram, n = {n} points (d = 10), ReLU sigma_w^2 = 2 ==")
    say(f"uptime: {out['uptime_before']}")
    one = np.full(1, 0.5)
    # import numba + load the cached compile: once per process (~0 if an earlier section loaded it)
    start = time.perf_counter()
    if not fused.numba_available():
        say("numba is not installed: nothing to compare")
        return out
    fused._kernel()(one.copy(), one.copy(), 0 * one, 0 * one, 1, 2, 0.5, 0.5)
    out["numba_load_s"] = time.perf_counter() - start
    gram_at_depths(net, X[:20], [10**4], method="jump")  # the float jump coefficients (not timed)
    from asymptotics.recursion.iterate import one_minus_rho_from_inputs

    delta, _, _ = one_minus_rho_from_inputs(net, X, None, np)
    flat = delta[np.triu_indices(n, 1)]

    def with_numpy(flag, fn):
        if flag:
            os.environ["NTK_VERIFY_NO_NUMBA"] = "1"
        try:
            return timed(fn)
        finally:
            os.environ.pop("NTK_VERIFY_NO_NUMBA", None)

    per_layer = {"numpy": [], "numba": []}
    for _ in range(2):  # interleaved, best of two: the machine is shared
        for label in ("numpy", "numba"):
            _, t = with_numpy(label == "numpy", lambda: pair_arrays_at_depths(net, None, [201], one_minus_rho=flat))
            per_layer[label].append(t / 200)
    lay = {k: min(v) for k, v in per_layer.items()}
    out["per_layer_s"] = lay
    out["per_layer_ratio"] = lay["numpy"] / lay["numba"]
    say(f"per layer ({len(flat)} pairs, layers 1-200): numpy {lay['numpy'] * 1e3:.2f} ms, numba "
        f"{lay['numba'] * 1e3:.2f} ms ({lay['numba'] / len(flat) * 1e9:.1f} ns per pair): {out['per_layer_ratio']:.1f}x")
    depth = 10**4
    res, times = {}, {}
    for label in ("numba", "numpy"):
        res[label], times[label] = with_numpy(label == "numpy", lambda: gram_at_depths(net, X, [depth], method="iterate"))
    rel = {}
    for f in ("one_minus_rho", "one_minus_ntk_normalized", "theta"):
        a, b = res["numba"][depth][f], res["numpy"][depth][f]
        mask = b != 0
        rel[f] = float(np.max(np.abs(a[mask] - b[mask]) / np.abs(b[mask])))
    out.update({"iterate_1e4_s": times, "iterate_ratio": times["numpy"] / times["numba"], "max_rel_diff_iterate_1e4": rel})
    say(f"iterate to 10^4 (whole call): numpy {times['numpy']:.1f} s, numba {times['numba']:.1f} s: "
        f"{out['iterate_ratio']:.1f}x; max relative difference {rel}")
    jumps = {}
    for target in (10**4, 10**9):
        for label in ("numba", "numpy", "numba", "numpy"):
            got, t = with_numpy(label == "numpy", lambda: gram_at_depths(net, X, [target], method="jump"))
            jumps.setdefault(f"{target:.0e}", {}).setdefault(label, []).append(t)
            res[(label, target)] = got
    out["jump_s_best_of_2"] = {k: {lab: min(v) for lab, v in d.items()} for k, d in jumps.items()}
    jrel = max(float(np.max(np.abs(res[("numba", t)][t][f] - res[("numpy", t)][t][f]) /
                            np.maximum(np.abs(res[("numpy", t)][t][f]), 1e-300)))
               for t in (10**4, 10**9) for f in ("one_minus_rho", "one_minus_ntk_normalized"))
    out["max_rel_diff_jump"] = jrel
    for k, d in out["jump_s_best_of_2"].items():
        say(f"jump to {k} (whole call, L0 = 100 iterated): numpy {d['numpy']:.2f} s, numba {d['numba']:.2f} s: "
            f"{d['numpy'] / d['numba']:.2f}x")
    say(f"   max relative difference numba vs numpy after the jump: {jrel:.2e}; loading numba + the cached kernel "
        f"once per process: {out['numba_load_s']:.2f} s (a fresh process loads it only for >= "
        f"{fused.MIN_WORK_FIRST_CALL:.0e} pair-layers)")
    out["uptime_after"] = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    say(f"uptime: {out['uptime_after']}")
    return out


def ordered_section():
    """The ReLU family with biases in the ordered phase (asymptotics.depth_jump.relu_bias_jump)."""
    from fractions import Fraction

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


SECTIONS = ("arb", "tanh", "tanh_certified", "gram", "erf", "fused", "ordered")
# first line of each section's text in the results file (to merge a partial run into it)
HEADERS = {"arb": "== depth ", "tanh": "== tanh on", "tanh_certified": "== tanh certified", "gram": "== float64 Gram", "erf": "== erf", "fused": "== fused",
           "ordered": "== ordered phase"}


def _section_texts(path):
    """{section: lines} of an existing results text (the load lines stay with the first/last section)."""
    if not os.path.exists(path):
        return {}
    blocks, current = {}, None
    for line in open(path).read().splitlines():
        hit = [k for k, h in HEADERS.items() if line.startswith(h)]
        if hit and hit[0] != current and hit[0] not in blocks:
            current = hit[0]
        blocks.setdefault(current or SECTIONS[0], []).append(line)
    for lines in blocks.values():
        while lines and not lines[-1]:
            lines.pop()
    return blocks


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--skip-gram", action="store_true")
    ap.add_argument("--skip-arb", action="store_true")
    ap.add_argument("--skip-tanh", action="store_true")
    ap.add_argument("--skip-tanh-certified", dest="skip_tanh_certified", action="store_true")
    ap.add_argument("--skip-erf", action="store_true")
    ap.add_argument("--skip-fused", action="store_true")
    ap.add_argument("--skip-ordered", action="store_true")
    ap.add_argument("--only", choices=SECTIONS, action="append",
                    help="run only these sections and merge them into the existing results files")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "results", "bench_depth"))
    args = ap.parse_args()
    skip = {name: getattr(args, f"skip_{name}") for name in SECTIONS}
    if args.only:
        skip = {name: name not in args.only for name in SECTIONS}
    runners = {"arb": lambda: arb_section(args.quick), "tanh": tanh_section, "tanh_certified": tanh_certified_section, "gram": lambda: gram_section(args.quick),
               "erf": lambda: erf_section(args.quick), "fused": lambda: fused_section(args.quick), "ordered": ordered_section}
    partial = any(skip.values())
    result = {}
    if partial and os.path.exists(args.out + ".json"):
        with open(args.out + ".json") as fh:
            result = json.load(fh)
    texts = _section_texts(args.out + ".txt") if partial else {}
    load = os.getloadavg()
    for name in SECTIONS:
        if skip[name]:
            continue
        LINES.clear()
        before = load
        say(f"load average before: {before}")
        result[name] = runners[name]()
        load = os.getloadavg()
        result[name]["load_before"], result[name]["load_after"] = before, load
        say(f"load average after: {load}")
        texts[name] = list(LINES)
    with open(args.out + ".json", "w") as fh:
        json.dump(result, fh, indent=1, default=str)
    with open(args.out + ".txt", "w") as fh:
        fh.write("\n\n".join("\n".join(texts[name]) for name in SECTIONS if name in texts) + "\n")


if __name__ == "__main__":
    main()
