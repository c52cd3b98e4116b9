"""Shared helpers of the seed 000 checkers: the bias-free ReLU network, the float64 / arb depth engine
for a few pairs, the correlation map h of Definition 5 (../shared/seeds/000_f7801e5ab975f0a8.txt:266-268) and Gaussian quadrature.
"""
from __future__ import annotations

import functools

import mpmath
import numpy as np
import sympy

from asymptotics import linalg as la
from proofs_checks.verdict import confirmed, judge, refuted

SEED = "000"


def _g(x, digits=4):
    return f"{float(x):.{digits}g}"


def _net():
    return la.relu_network()


@functools.lru_cache(maxsize=32)
def _pairs(rhos: tuple, depths: tuple) -> dict:
    """float64 engine (iterated in 1 - rho) for a few layer-1 correlations."""
    from asymptotics.recursion import pair_arrays_at_depths

    return pair_arrays_at_depths(_net(), np.array(rhos, dtype=float), list(depths))


def _certified(rho, depth, digits=20):
    from asymptotics.recursion import kernel_at_depths

    return kernel_at_depths(_net(), rho, [depth], backend="arb", digits=digits).at(depth)


def _h_sym():
    t = sympy.Symbol("t", real=True)
    h = t * sympy.asin(t) / sympy.pi + sympy.sqrt(1 - t**2) / sympy.pi + t / 2
    return t, h


def _gauss_pair(rho, which, dps=20):
    """E[relu(u) relu(v)] ('relu') or P(u > 0, v > 0) ('step') for standard (u, v) with correlation rho.

    One-dimensional quadrature over u > 0 after integrating v = rho u + s z (s = sqrt(1 - rho^2)) in closed
    form: E[relu(a + s z)] = a Phi(a/s) + s phi(a/s), P(a + s z > 0) = Phi(a/s) (textbook Gaussian facts,
    not the arc-cosine formulas under test).
    """
    with mpmath.workdps(dps):
        rho = mpmath.mpf(rho)
        s = mpmath.sqrt(1 - rho * rho)
        phi = lambda x: mpmath.exp(-x * x / 2) / mpmath.sqrt(2 * mpmath.pi)  # noqa: E731
        Phi = lambda x: mpmath.ncdf(x)  # noqa: E731
        if which == "relu":
            f = lambda u: u * phi(u) * (rho * u * Phi(rho * u / s) + s * phi(rho * u / s))  # noqa: E731
        else:
            f = lambda u: phi(u) * Phi(rho * u / s)  # noqa: E731
        return mpmath.quad(f, [0, 1, 4, mpmath.inf])


def _refuted_unless(ok, printed, computed, corrected, evidence, agreement=""):
    """The verdict follows the computation: confirmed when ``ok`` (the printed statement holds), else refuted."""
    if ok:
        return confirmed(printed, computed, agreement, evidence)
    return refuted(printed, computed, corrected, evidence, agreement)


def _confirmed_if(ok, printed, computed, agreement, evidence, corrected="the computation contradicts the statement"):
    return judge(printed, computed, ok, agreement, evidence, corrected=corrected)
