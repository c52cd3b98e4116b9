"""Seed 003 (the thesis "Neural Tangent Kernel Analysis of Deep Narrow Neural Networks",
003_6d8c861835333795.txt): its statements about several outputs (line 257) and the layer-wise
accumulation of Figure 5.1 (lines 422-426), on trained deep narrow MLPs.  Registered from
proofs_checks.doc003_deep_narrow (imported at its end), after that module's claims.

The networks are built and trained exactly as printed (asymptotics.deep_narrow: initialisation of
Section 3.1, gradient descent with the scaled learning rate lr / (L C_L^2), C_L = L^2.5).
"""
from __future__ import annotations

import functools
import math

import numpy

from asymptotics import deep_narrow as dn
from asymptotics import finite_width as fw
from proofs_checks.registry import claim
from proofs_checks.verdict import judge

SEED = "003"


def _quarter_circle(k, lo, hi):
    gam = numpy.linspace(lo, hi, k)
    return numpy.stack([numpy.cos(gam), numpy.sin(gam)], 1)


@functools.lru_cache(maxsize=2)
def _multi_output_runs(level):
    """Trained d_out = 2 networks at two times and the kernel-GD predictions with the derived and the printed limit
    kernels (they differ by a constant 1, which moves the fast top mode: an early time separates them)."""
    X, Xe = _quarter_circle(6, 0.15, 1.4), _quarter_circle(9, 0.05, 1.5)
    Y = numpy.stack([X[:, 0] * X[:, 1], X[:, 0] - X[:, 1]], 1)  # two targets, one per output
    L, seeds, checkpoints, lr = (500, 4, (2, 40), 0.3) if level == "quick" else (3000, 6, (2, 200), 0.3)
    out = {"L": L, "seeds": seeds, "checkpoints": checkpoints, "lr": lr}
    nets, offdiag = [], 0.0
    with fw.blas_single_thread():
        for s in range(seeds):
            net = dn.init_mlp(2, 2, L, float(L) ** 2.5, 1.0, 1.0, seed=53 * s + L)
            th = dn.mlp_scaled_ntk(net, numpy.concatenate([X, Xe]))
            offdiag = max(offdiag, float(numpy.abs(th[:, 0, :, 1]).max()))
            row, done = [], 0
            for k in checkpoints:
                net = dn.mlp_train_gd(net, X, Y, lr=lr, steps=k - done)
                done = k
                row.append(dn.mlp_forward(net, Xe))
            nets.append(row)
    out["network"] = numpy.asarray(nets)  # (seeds, checkpoints, 9, 2)
    out["offdiag"] = offdiag
    for name, d in (("derived", 2), ("printed", 1)):  # printed = x.x' + 1 + E (Theorem 3.1 as printed)
        K, Ke = dn.mlp_limit(X, X, d_out=d), dn.mlp_limit(Xe, X, d_out=d)
        out[name] = numpy.asarray([numpy.stack([fw.kernel_flow_prediction(
            K, numpy.zeros(6), Y[:, j], lr * k, theta_cross=Ke, f0_eval=numpy.zeros(9), discrete_lr=lr)
            for j in range(2)], 1) for k in checkpoints])
    return out


@claim("narrow.theorem3_3.multi_output", SEED, 257,
       r"\text{Theorem 3.3 for } d_{out} > 1 \text{: each output follows kernel gradient descent with } "
       r"\tilde\Theta^\infty, \text{ the outputs decoupled (generalisation 'straightforward')}", "limit",
       title="Theorem 3.3 with several outputs (line 257)")
def _multi_output(level, kernel_constant=None):
    """``kernel_constant``: the constant c of the limit kernel x.x' + c + E the outputs should follow (None: d_out,
    the multi-output limit; Theorem 3.1 as printed has c = 1)."""
    r = _multi_output_runs(level)
    reference = r["derived"] if kernel_constant in (None, 2) else r["printed"] if kernel_constant == 1 else None
    if reference is None:
        raise ValueError("kernel_constant: 1, 2 or None")
    mean = r["network"].mean(0)
    se = r["network"].std(0, ddof=1) / math.sqrt(r["seeds"])
    z = lambda ref: float((numpy.abs(mean - ref) / se).max())
    z_derived, z_printed = z(r["derived"]), z(r["printed"])
    ok = r["offdiag"] < 1e-12 and z(reference) < 5
    steps = ", ".join(str(k) for k in r["checkpoints"])
    computed = (f"d_out = 2, L = {r['L']}, {r['seeds']} seeds: off-diagonal output blocks of the scaled NTK "
                f"{r['offdiag']:.1e} (the outputs decouple); trained network vs per-output kernel GD after {steps} "
                f"steps on 9 test points: with the kernel x.x' + d_out + E max deviation "
                f"{float(numpy.abs(mean - r['derived']).max()):.2e} ({z_derived:.1f} s.e.), with the printed "
                f"x.x' + 1 + E {float(numpy.abs(mean - r['printed']).max()):.2e} ({z_printed:.1f} s.e.)")
    remark = ("remark: the generalisation holds with the multi-output limit kernel x.x' + d_out + E of "
              "narrow.theorem3_1.vector_output, not with Theorem 3.1's printed constant 1")
    return judge("outputs decouple, each trained like kernel regression with the limit kernel", computed, ok,
                 f"network = kernel GD within {z_derived:.1f} s.e.", "two targets x1 x2 and x1 - x2 on 6 points of the "
                 f"quarter circle, GD with the scaled learning rate {r['lr']}/(L C_L^2); kernel GD by the "
                 "eigen-decomposition of the limit Gram; " + remark,
                 corrected="the outputs of the trained network do not follow per-output kernel gradient descent: "
                           "see computed", severity=("substantive", "the multi-output use of Theorem 3.3"),
                 strength=(("independent", f"the check separates the two candidate kernels: the printed one is "
                                           f"rejected at {z_printed:.0f} standard errors")
                           if z_printed > 5 else
                           ("weak", f"the printed kernel is rejected only at {z_printed:.1f} standard errors; "
                                    "more seeds or depth")))


@functools.lru_cache(maxsize=2)
def _accumulation_runs(level):
    X = _quarter_circle(6, 0.15, 1.4)
    y = X[:, 0] * X[:, 1]
    L, steps, lr = (1000, 100, 0.3) if level == "quick" else (3000, 200, 0.3)
    C = float(L) ** 2.5
    with fw.blas_single_thread():
        net = dn.mlp_train_gd(dn.init_mlp(2, 1, L, C, 1.0, 1.0, seed=17), X, y, lr=lr, steps=steps)
        out, inputs = dn.mlp_forward(net, X, cache=True)
    # inputs[l] = sigma(f^l(x)) for l = 1..L-1; its last coordinate is the carried output neuron
    carried = numpy.stack([a[:, -1] for a in inputs[1:]], 1) - C  # (points, L-1), C_L compensated
    return {"L": L, "steps": steps, "lr": lr, "carried": carried, "output": out[:, 0], "y": y}


@claim("narrow.figure5_1.accumulation", SEED, (422, 426),
       r"(\sigma(f^{(l)}(x)))_{d_{in}+d_{out}+1} - C_L \text{ accumulates the target output over the layers}",
       "figure", title="Figure 5.1: the output is built up by the accumulated effect of many layers")
def _accumulation(level, min_fraction=0.1):
    """Participation ratio of the layer increments Delta_l of the carried neuron (C_L compensated):
    PR = (sum |Delta_l|)^2 / ((L-1) sum Delta_l^2), between 1/(L-1) (one layer does it all) and 1 (all equally)."""
    r = _accumulation_runs(level)
    inc = numpy.diff(numpy.concatenate([numpy.zeros((r["carried"].shape[0], 1)), r["carried"]], 1), axis=1)
    pr = (numpy.abs(inc).sum(1) ** 2) / (inc.shape[1] * (inc ** 2).sum(1))
    k = max(1, int(0.01 * inc.shape[1]))
    top = numpy.sort(numpy.abs(inc), 1)[:, -k:].sum(1) / numpy.abs(inc).sum(1)  # share of the top 1% of layers
    fit = float(numpy.abs(r["output"] - r["y"]).max() / numpy.abs(r["y"]).max())
    end = float(numpy.abs(r["carried"][:, -1] - r["output"]).max() / numpy.abs(r["output"]).max())
    ok = float(pr.min()) >= min_fraction and fit < 0.5
    computed = (f"L = {r['L']}, after {r['steps']} GD steps: participation ratio of the per-layer increments "
                f"{float(pr.min()):.2f}-{float(pr.max()):.2f} over 6 inputs (1/(L-1) = {1 / inc.shape[1]:.0e} if one layer "
                f"did it all); the top 1% of layers carry {float(top.max()):.1%} of the total variation; the last "
                f"carried value differs from the output by {end:.1e} (relative); output vs target: {fit:.1%} of max |f*|")
    return judge(f"the output accumulates over the layers (participation ratio >= {min_fraction:g})", computed, ok,
                 f"participation ratio {float(pr.min()):.2f}", f"d_in = 2, d_out = 1, C_L = L^2.5, 6 points on the "
                 f"quarter circle, f* = x1 x2, lr {r['lr']}/(L C_L^2) (the thesis: L = 10000 after 2000 steps)",
                 corrected=f"the increments concentrate on few layers (participation ratio {float(pr.min()):.2f} < "
                           f"{min_fraction:g}): see computed", severity=("slip", "an illustration"),
                 strength=("independent", "every layer's increment of the trained network is measured; a few-layer "
                                          f"mechanism would give a participation ratio near {1 / inc.shape[1]:.0e}"))
