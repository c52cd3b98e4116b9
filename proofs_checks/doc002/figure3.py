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
                   "the printed eigenvalues belong to a batch of 512 MNIST digits (not available offline here) and a "
                   "width-10000 network (about 0.8 GB of weights per layer, a GPU task). The mechanism is checked on "
                   "a proxy data set by jacot.figure3.straight_line and jacot.figure3.small_faster",
                   title="Figure 3: principal-component eigenvalues on MNIST")


@functools.lru_cache(maxsize=2)
@single_thread
def _figure3(level):
    """Reduced Figure 3 on scikit-learn's 8x8 digits (pixels / 16) instead of MNIST."""
    from sklearn.datasets import load_digits

    N, widths, trials, steps = (96, (64, 256), 1, 240) if level == "quick" else (256, (100, 400), 2, 400)
    X = load_digits().data[:N] / 16.0
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
        out[n] = {"max_deviation": float(numpy.mean(dev)), "g_end": float(numpy.mean(g_end))}
    out["g_limit"] = 0.5 * math.exp(-w[1] * steps)
    return out


def _fig3_setting(r):
    return (f"reduced Figure 3: {r['N']} scikit-learn 8x8 digits (pixels/16) instead of 512 MNIST digits, depth 4 ReLU, "
            f"beta 0.1, widths {r['widths']} (paper: 100, 1000, 10000), {r['trials']} trial(s) each, {r['steps']} GD steps "
            f"lr 1.0, f* = f_0 + 0.5 f^(2) with f^(2) from the limiting NTK (lambda_1..3 = "
            + ", ".join(f"{x:.3g}" for x in r["lambdas"]) + ")")


@claim("jacot.figure3.straight_line", SEED, (314, 318),
       r"f_0 - f^* \propto f^{(2)} \Rightarrow \text{wider networks deviate less from the straight line } (h_t \to 0)",
       "figure", title="Figure 3b: convergence along a principal component, deviation shrinks with width")
def _fig3_line(level):
    r = _figure3(level)
    a, b = r["widths"]
    da, db = r[a]["max_deviation"], r[b]["max_deviation"]
    ok = db < da
    return judge("less deviation for wider networks", f"max_t ||h_t||_p = {da:.3g} (n={a}), {db:.3g} (n={b}); ratio "
                 f"{da / db:.2f} (n^-1/2 predicts {math.sqrt(b / a):.2f})", ok, "deviation decreases with width",
                 _fig3_setting(r), corrected="(deviation does not decrease)")


@claim("jacot.figure3.small_faster", SEED, 320,
       r"\text{smaller networks appear to converge faster than wider ones}", "figure",
       title="Figure 3c: narrower networks converge faster along the component")
def _fig3_fast(level):
    r = _figure3(level)
    a, b = r["widths"]
    ga, gb = r[a]["g_end"], r[b]["g_end"]
    ok = ga < gb
    return judge("narrower converges faster", f"|g_T| = {ga:.3g} (n={a}), {gb:.3g} (n={b}); infinite-width limit "
                 f"0.5 exp(-lambda_2 T) = {r['g_limit']:.3g}", ok, "ordering as observed in the paper",
                 _fig3_setting(r), corrected="(narrower networks are not faster)")


@claim("jacot.footnote3.beta_gap", SEED, 326,
       r"\beta = 1.0 \Rightarrow \lambda_1/\lambda_2 \text{ about ten times larger than for } \beta = 0.1", "figure",
       title="footnote 3: effect of beta on the principal-component gap")
def _footnote3(level):
    from sklearn.datasets import load_digits

    N = 128 if level == "quick" else 512
    X = load_digits().data[:N] / 16.0
    gaps = {}
    for beta in (0.1, 1.0):
        ev = numpy.sort(numpy.linalg.eigvalsh(fw.limit_ntk(X, 4, "relu", beta).theta / N))[::-1]
        gaps[beta] = ev[0] / ev[1]
    ratio = gaps[1.0] / gaps[0.1]
    return inconclusive("gap about ten times bigger with beta = 1", f"proxy data ({N} scikit-learn digits, depth 4 "
                        f"ReLU limit kernel): lambda_1/lambda_2 = {gaps[0.1]:.3g} (beta 0.1), {gaps[1.0]:.3g} (beta 1); "
                        f"ratio {ratio:.1f}", "the same computation on the paper's batch of 512 MNIST digits "
                        "(not available offline); the proxy agrees in size", "limiting NTK Gram / N, closed forms")
