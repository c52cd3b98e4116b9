"""Section 6.3, Figure 3 and footnote 3: convergence along a principal component.

Jacot, Gabriel, Hongler, "Neural Tangent Kernel: Convergence and Generalization in Neural
Networks" (2018), seed 002_49fd9c726352dc08.txt; conventions in proofs_checks/doc002/__init__.py.
"""
from __future__ import annotations

import functools
import math

import numpy

from asymptotics import finite_width as fw
from proofs_checks.doc002.common import SEED, single_thread
from proofs_checks.registry import claim, out_of_scope_claim
from proofs_checks.verdict import inconclusive, judge


out_of_scope_claim("jacot.figure3.mnist_eigenvalues", SEED, (303, 312),
                   r"\lambda_1 = 0.0457,\ \lambda_2 = 0.00108,\ \lambda_3 = 0.00078 \text{ (512 MNIST digits, } "
                   r"n = 10000)", "figure",
                   "the printed eigenvalues belong to a batch of 512 MNIST digits that the paper does not identify, "
                   "through the NTK of one random width-10000 network; no copy of MNIST is on this machine or on the "
                   "device machine, and neither can fetch one, so no computation here can evaluate them (with MNIST "
                   "the check would compare them with the spread of the limiting NTK's eigenvalues over random "
                   "batches). The mechanism is checked on scikit-learn's digits by jacot.figure3.straight_line, "
                   "jacot.figure3.small_faster and jacot.footnote3.beta_gap",
                   title="Figure 3: principal-component eigenvalues on MNIST")


def _digits():
    """scikit-learn's 8x8 digits (pixels / 16), or None when scikit-learn is absent."""
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        return None
    return load_digits().data / 16.0


def _no_sklearn(printed):
    return inconclusive(printed, "scikit-learn is not installed", "install scikit-learn (the [dev] extra) for its "
                        "bundled digits data set")


@functools.lru_cache(maxsize=2)
@single_thread
def _figure3(level):
    """Reduced Figure 3 on scikit-learn's 8x8 digits (pixels / 16) instead of MNIST."""
    N, widths, trials, steps = (96, (64, 256), 6, 240) if level == "quick" else (256, (100, 400), 8, 400)
    X = _digits()[:N]
    K = fw.limit_ntk(X, 4, "relu", 0.1).theta
    w, V = numpy.linalg.eigh(K / N)
    order = numpy.argsort(w)[::-1]
    w, V = w[order], V[:, order]
    pc2 = V[:, 1] * math.sqrt(N)  # unit p_in-norm second principal component
    out = {"N": N, "widths": widths, "trials": trials, "steps": steps, "lambdas": w[:3].tolist()}
    for n in widths:
        dev, g_end = [], []
        for s in range(trials):
            net = fw.init_network([64, n, n, n, 1], "relu", 0.1, seed=60 + s)
            f0 = fw.forward(net, X)[:, 0]
            y = f0 + 0.5 * pc2
            _, rec = fw.train_gd(net, X, y, 1.0, steps, record_every=steps // 3)
            g = [float(numpy.mean((o[:, 0] - y) * pc2)) for o in rec.outputs]
            h = [float(numpy.sqrt(numpy.mean(((o[:, 0] - y) - gg * pc2) ** 2))) for o, gg in zip(rec.outputs, g)]
            dev.append(max(h))
            g_end.append(abs(g[-1]))
        out[n] = {"max_deviation": numpy.asarray(dev), "g_end": numpy.asarray(g_end)}
    out["g_limit"] = 0.5 * math.exp(-w[1] * steps)
    return out


def _mean_se(v):
    return float(v.mean()), float(v.std(ddof=1) / math.sqrt(len(v)))


def _fig3_setting(r):
    return (f"reduced Figure 3: {r['N']} scikit-learn 8x8 digits (pixels/16) instead of 512 MNIST digits, depth 4 ReLU, "
            f"beta 0.1, widths {r['widths']} (paper: 100, 1000, 10000), {r['trials']} trials each (paper: 2), "
            f"{r['steps']} GD steps lr 1.0, f* = f_0 + 0.5 f^(2) with f^(2) from the limiting NTK (lambda_1..3 = "
            + ", ".join(f"{x:.3g}" for x in r["lambdas"]) + ")")


def _ordering(r, key, narrow_smaller):
    """Difference narrow - wide of a per-trial statistic, its standard error and z (positive = as printed)."""
    a, b = r["widths"]
    (ma, sa), (mb, sb) = _mean_se(r[a][key]), _mean_se(r[b][key])
    diff, se = (mb - ma, math.hypot(sa, sb)) if narrow_smaller else (ma - mb, math.hypot(sa, sb))
    return (ma, sa), (mb, sb), diff / se if se > 0 else float("inf")


def _ordering_strength(z, trials, what):
    if z >= 3:
        # independent although on a proxy data set: the statement is an ordering in width, which the mechanism
        # (f_0 - f* along a principal component of the kernel) predicts for any data; footnote 3's factor is a
        # size on MNIST, hence weak there
        return ("independent", f"{trials} trials per width: {what} at {z:.1f} standard errors; an ordering in width "
                               "(the mechanism, for any data), checked on scikit-learn's 8x8 digits, not the "
                               "paper's MNIST curves")
    return ("weak", f"{trials} trials per width: {what} at only {z:.1f} standard errors; more trials")


@claim("jacot.figure3.straight_line", SEED, (314, 318),
       r"f_0 - f^* \propto f^{(2)} \Rightarrow \text{wider networks deviate less from the straight line } (h_t \to 0)",
       "figure", title="Figure 3b: convergence along a principal component, deviation shrinks with width")
def _fig3_line(level):
    if _digits() is None:
        return _no_sklearn("less deviation for wider networks")
    r = _figure3(level)
    a, b = r["widths"]
    (da, sa), (db, sb), z = _ordering(r, "max_deviation", narrow_smaller=False)
    return judge("less deviation for wider networks", f"max_t ||h_t||_p = {da:.3g} (+/- {sa:.2g}) at n={a}, {db:.3g} "
                 f"(+/- {sb:.2g}) at n={b}; ratio {da / db:.2f} (n^-1/2 predicts {math.sqrt(b / a):.2f})", z > 0,
                 f"ordering at {z:.1f} s.e.", _fig3_setting(r), corrected="the wider network deviates no less "
                 "from the straight line: see computed", severity=("substantive", "the figure's point"),
                 strength=_ordering_strength(z, r["trials"], "the ordering"))


@claim("jacot.figure3.small_faster", SEED, 320,
       r"\text{smaller networks appear to converge faster than wider ones}", "figure",
       title="Figure 3c: narrower networks converge faster along the component")
def _fig3_fast(level):
    if _digits() is None:
        return _no_sklearn("narrower converges faster")
    r = _figure3(level)
    a, b = r["widths"]
    (ga, sa), (gb, sb), z = _ordering(r, "g_end", narrow_smaller=True)
    return judge("narrower converges faster", f"|g_T| = {ga:.3g} (+/- {sa:.2g}) at n={a}, {gb:.3g} (+/- {sb:.2g}) at "
                 f"n={b}; infinite-width limit 0.5 exp(-lambda_2 T) = {r['g_limit']:.3g}", z > 0,
                 f"ordering at {z:.1f} s.e.", _fig3_setting(r), corrected="the narrower network is not faster: see "
                 "computed", severity=("slip", "an observation the paper explains away (line 320)"),
                 strength=_ordering_strength(z, r["trials"], "the ordering"))


FOOTNOTE3_FACTOR = 10.0  # the printed 'about ten times'


def beta_gap_ratios(level):
    """lambda_1/lambda_2 of the limiting depth-4 ReLU NTK Gram / N at beta = 1 over that at beta = 0.1, on disjoint
    batches of scikit-learn's digits (the paper's batch size 512 at the full level)."""
    X = _digits()
    N, batches = (128, 3) if level == "quick" else (512, 3)
    ratios, gaps = [], []
    for k in range(batches):
        B = X[k * N:(k + 1) * N]
        gap = {}
        for beta in (0.1, 1.0):
            ev = numpy.sort(numpy.linalg.eigvalsh(fw.limit_ntk(B, 4, "relu", beta).theta / N))[::-1]
            gap[beta] = float(ev[0] / ev[1])
        gaps.append(gap)
        ratios.append(gap[1.0] / gap[0.1])
    return N, ratios, gaps


@claim("jacot.footnote3.beta_gap", SEED, 326,
       r"\beta = 1.0 \Rightarrow \lambda_1/\lambda_2 \text{ about ten times larger than for } \beta = 0.1", "figure",
       title="footnote 3: effect of beta on the principal-component gap")
def _footnote3(level, printed_factor=FOOTNOTE3_FACTOR):
    printed = f"gap lambda_1/lambda_2 about {printed_factor:g} times bigger with beta = 1 than with beta = 0.1"
    if _digits() is None:
        return _no_sklearn(printed)
    N, ratios, gaps = beta_gap_ratios(level)
    lo, hi = min(ratios), max(ratios)
    # 'about' read as within a factor 2 either way, for every batch
    ok = printed_factor / 2 <= lo and hi <= printed_factor * 2
    computed = (f"{len(ratios)} disjoint batches of {N} digits: lambda_1/lambda_2 = "
                + "; ".join(f"{g[0.1]:.3g} (beta 0.1), {g[1.0]:.3g} (beta 1)" for g in gaps)
                + f"; ratio of the gaps {', '.join(f'{x:.1f}' for x in ratios)}")
    return judge(printed, computed, ok, f"ratios {lo:.1f}-{hi:.1f} vs about {printed_factor:g} (factor 2 either way)",
                 "limiting NTK (depth 4 ReLU, closed forms) Gram / N, uncentred as in the paper, on scikit-learn's "
                 "8x8 digits (pixels/16) instead of the paper's 512 MNIST digits (not on this machine)",
                 corrected=f"the gap grows by a factor {lo:.1f}-{hi:.1f} on these data, not about {printed_factor:g}",
                 severity=("slip", "a footnote's size estimate"),
                 strength=("weak", "a proxy data set (8x8 digits, not MNIST) and the limiting kernel instead of a "
                                   "width-10000 network; it rejects a factor outside 5-20 on these data"))
