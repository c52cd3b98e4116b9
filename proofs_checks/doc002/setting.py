"""Section 2 of the paper: parameter count, the input measure, the NTK parameterisation (Remark 1).

Jacot, Gabriel, Hongler, "Neural Tangent Kernel: Convergence and Generalization in Neural
Networks" (2018), seed 002_49fd9c726352dc08.txt; conventions in proofs_checks/doc002/__init__.py.
"""
from __future__ import annotations

import math

import numpy

from asymptotics import finite_width as fw
from proofs_checks.doc002.common import SEED
from proofs_checks.registry import claim
from proofs_checks.verdict import confirmed, judge, refuted


@claim("jacot.parameter_count", SEED, 73,
       r"P = \sum_{\ell=0}^{L-1} (n_\ell + 1) n_{\ell+1}", "identity",
       title="number of parameters of the fully connected network",
       strength=('consistency', 'the network builder allocates W and b from the same definitions (line 73), so the '
                                "count agrees by construction; it checks the formula's arithmetic only"))
def _parameter_count(level):
    rng = numpy.random.default_rng(1)
    cases = 5 if level == "quick" else 50
    for _ in range(cases):
        widths = list(rng.integers(1, 9, size=rng.integers(2, 6)))
        net = fw.init_network(widths, seed=0)
        printed = sum((a + 1) * b for a, b in zip(widths[:-1], widths[1:]))
        if net.n_params != printed:
            return refuted(f"P = {printed} for widths {widths}", f"{net.n_params} parameters allocated",
                           "count W and b", "counted the arrays of a network")
    return confirmed("P = sum (n_l + 1) n_{l+1}", f"equal for {cases} random width profiles", "exact",
                     "counted the entries of every W^(l) and b^(l) of networks built with random widths")


@claim("jacot.input_measure", SEED, 79,
       r"p^{in} = \frac{1}{N} \sum_{i=0}^{N} \delta_{x_i}", "setting",
       title="the empirical input distribution is a probability measure",
       severity=('notation', 'the sum index starts at 0 instead of 1; every later use averages over i = 1..N (line '
                             '113: (1/N) sum_{j=1}^N), so the intended measure is clear'))
def _input_measure(level):
    N = 4
    mass_printed = (N + 1) / N  # the sum starts at i = 0: N + 1 Dirac masses of weight 1/N
    return refuted("(1/N) sum_{i=0}^{N} delta_{x_i}",
                   f"total mass (N+1)/N = {mass_printed} for N = {N}, and x_0 is not a data point",
                   r"p^{in} = \frac{1}{N}\sum_{i=1}^{N}\delta_{x_i} (index from 1; the rest of the paper, e.g. "
                   "the kernel gradient on line 105, averages over i = 1..N)",
                   "the printed sum has N+1 terms of weight 1/N; a typo with no effect on the results")


@claim("jacot.remark1.gradient_scaling", SEED, 91,
       r"\partial_{W^{(\ell)}_{ij}} F^{(L)} = \frac{1}{\sqrt{n_\ell}} \partial_{W^{std}_{ij}},\ "
       r"\partial_{b^{(\ell)}_j} F^{(L)} = \beta \partial_{b^{std}_j}", "identity",
       title="NTK parameterisation rescales the derivatives by 1/sqrt(n_l) and beta",
       strength=('independent', 'exact Jacobian of the NTK parameterisation against central finite differences of a '
                                'separately written classical network; a wrong factor (n_l instead of sqrt(n_l), or '
                                'no beta) would differ by O(1)'))
def _gradient_scaling(level):
    widths = [3, 7, 5, 2]
    net = fw.init_network(widths, "tanh", beta=0.3, seed=2)
    X = numpy.random.default_rng(0).standard_normal((4, 3))
    J = fw.jacobian(net, X)
    # classical network with the same function: W_std = W / sqrt(n_l), b_std = beta b, derivative by
    # finite differences in the classical parameters
    std = net.copy()
    std.weights = [W / math.sqrt(W.shape[1]) for W in net.weights]
    std.biases = [net.beta * b for b in net.biases]

    def classical_forward(ws, bs):
        a = X
        for ell, (W, b) in enumerate(zip(ws, bs)):
            z = a @ W.T + b
            a = numpy.tanh(z) if ell < len(ws) - 1 else z
        return a

    h, cols, scales = 1e-6, [], []
    for ell in range(len(widths) - 1):
        for which in ("W", "b"):
            arr = std.weights[ell] if which == "W" else std.biases[ell]
            for idx in numpy.ndindex(arr.shape):
                up = [w.copy() for w in std.weights], [b.copy() for b in std.biases]
                dn = [w.copy() for w in std.weights], [b.copy() for b in std.biases]
                (up[0] if which == "W" else up[1])[ell][idx] += h
                (dn[0] if which == "W" else dn[1])[ell][idx] -= h
                cols.append(((classical_forward(*up) - classical_forward(*dn)) / (2 * h)).reshape(-1))
                scales.append(1 / math.sqrt(widths[ell]) if which == "W" else net.beta)
    J_std = numpy.stack(cols, axis=1) * numpy.asarray(scales)[None]
    err = float(numpy.abs(J - J_std).max() / numpy.abs(J).max())
    return judge("derivatives scaled by 1/sqrt(n_l) (weights) and beta (biases)",
                 f"max relative difference {err:.1e}", err < 1e-7, f"relative {err:.0e} (finite differences)",
                 "exact Jacobian of the NTK-parameterised tanh net vs central differences of the classical net "
                 "W/sqrt(n), beta b (same function), times 1/sqrt(n_l) or beta",
                 corrected="(scaling differs)")


def weight_shape_check(widths=(3, 5, 2)):
    """W^(l) as printed is n_l x n_{l+1}; the layer map (1/sqrt(n_l)) W^(l) alpha^(l) with alpha^(l) in R^{n_l}
    is defined only for an n_{l+1} x n_l matrix (or with W^T).  Returns the printed shape, whether the product
    is defined, and the shape the network uses.  Shared with the review's module."""
    net = fw.init_network(list(widths), seed=0)
    printed = (widths[0], widths[1])
    defined = printed[1] == widths[0]  # (n_0 x n_1) @ (n_0,) needs n_1 == n_0
    return printed, defined, tuple(net.weights[0].shape)


@claim("jacot.weight_shape", SEED, (73, 87),
       r"W^{(\ell)} \in \mathbb{R}^{n_\ell \times n_{\ell+1}},\ \tilde\alpha^{(\ell+1)} = \tfrac{1}{\sqrt{n_\ell}}W^{(\ell)}"
       r"\alpha^{(\ell)} + \beta b^{(\ell)}", "setting", title="shape of the connection matrices")
def _weight_shape(level, widths=(3, 5, 2)):
    printed, defined, used = weight_shape_check(widths)
    return judge("W^(l) in R^{n_l x n_{l+1}} multiplies alpha^(l) in R^{n_l}",
                 f"for widths {tuple(widths)}: the printed W^(0) is {printed[0]} x {printed[1]}, and W^(0) alpha^(0) with "
                 f"alpha^(0) in R^{widths[0]} is {'defined' if defined else 'undefined'}; the layer map needs "
                 f"{used[0]} x {used[1]}",
                 defined, "", "shapes of a network built from line 87",
                 corrected=r"W^{(\ell)} \in \mathbb{R}^{n_{\ell+1} \times n_\ell} for the map of line 87 (equivalently "
                           r"the map uses (W^{(\ell)})^T); the later indices W^{(L)}_{ik}, i \le n_L, k \le n_{L+1} "
                           "(line 400) follow the printed n_l x n_{l+1} convention with the transpose",
                 severity=("notation", "a transpose convention; every later formula is consistent with one of the two "
                                       "readings and the parameter count is the same"))
