"""Seed 000's large-depth limit of kappa and of the regression weights, and the first-order distance to it.

Derived from the normalised-NTK depth law (:mod:`asymptotics.depth_laws`), never fitted: kappa tends
to (1 - lambda) I + lambda 1 1^T, the weights to lambda / (1 - lambda + n lambda) 1, with the
log(L)/L rate and the pair-dependent 1/L term read off each pair's Fatou shift
(seed 000 Theorem 3, ../shared/seeds/000_f7801e5ab975f0a8.txt lines 280-300).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import mpmath
import numpy

from asymptotics.accuracy import CERTIFIED, Approx
from asymptotics.validation import InputError


# --------------------------------------------------------------------------------------
# the large-depth limit of kappa and of the weights (derived, not fitted)


@dataclass(frozen=True)
class WeightLimit:
    """Limit of the weights for a test point x outside the data set, and its rate.

    With Theta-bar^(L)(x, x') = lambda + B log(L)/L + c(x, x')/L + o(1/L) off the diagonal
    (the depth law of :func:`asymptotics.depth_laws.normalized_ntk_depth_law`), kappa tends
    to (1 - lambda) I + lambda 1 1^T (invertible for lambda < 1) and kappa_x to lambda 1, so

        w_inf = lambda / (1 - lambda + n lambda) 1,
        w^(L) - w_inf = rate * log(L)/L 1 + O(1/L),   rate = B / (1 - lambda + n lambda)^2,
        det(kappa) -> (1 - lambda)^(n-1) (1 - lambda + n lambda).

    For x = x_i the weights are e_i at every depth (kappa_x is column i of kappa).
    """

    n: int
    lam: object
    rate_constant: object      # B
    weight: object             # sympy: w_inf component
    rate: object               # sympy: coefficient of log(L)/L in each component
    det_limit: object          # sympy
    value: Approx
    rate_value: Approx
    det_value: Approx


@functools.lru_cache(maxsize=4)
def normalized_ntk_law():
    from asymptotics.depth_laws import normalized_ntk_depth_law

    return normalized_ntk_depth_law(2)


def limiting_weights(n: int) -> WeightLimit:
    """Derive w_inf, its log(L)/L rate and lim det(kappa) for n data points (symbolic in n)."""
    import sympy

    if isinstance(n, bool) or int(n) != n or n < 1:
        raise InputError("n", f"expected a positive integer, got {n!r}")
    law = normalized_ntk_law()
    lam, B = sympy.nsimplify(law.limit_ratio), sympy.nsimplify(law.rate_constant)
    b, c, N = sympy.symbols("b c n", real=True)
    # kappa = (1 - lam - b) I + (lam + b) 1 1^T, kappa_x = (lam + b) 1; the solution is c 1 by symmetry
    c_of_b = sympy.solve(sympy.Eq((1 - lam - b) * c + N * (lam + b) * c, lam + b), c)[0]
    weight = sympy.simplify(c_of_b.subs(b, 0))
    rate = sympy.simplify(B * sympy.diff(c_of_b, b).subs(b, 0))
    det_limit = (1 - lam) ** (N - 1) * (1 - lam + N * lam)  # eigenvalues 1 - lam (n-1 times), 1 - lam + n lam
    subs = {N: int(n)}

    def exact(e):  # a rational number, rounded once at 200 bits (the radius covers the rounding)
        q = sympy.Rational(e.subs(subs))
        with mpmath.workprec(200):
            v = mpmath.mpf(q.p) / q.q
            return Approx(v, abs(v) * mpmath.mpf(2) ** -195, CERTIFIED)

    return WeightLimit(int(n), lam, B, weight, rate, det_limit, exact(weight), exact(rate), exact(det_limit))


# --------------------------------------------------------------------------------------
# next order: the approach to the limit, pair by pair (depth law with the Fatou shift ell_0)


@functools.lru_cache(maxsize=2)
def fatou_numeric():
    """Numeric coefficients (g1, beta, c_k) of the Fatou coordinate of h at 1 and the expansion
    Theta-bar^(L) = 1/4 + (3/8) log L / L + (ell_0/4 - 1/8)/L + ... compiled as f(L, ell_0)."""
    import sympy

    from asymptotics.depth_laws import DEPTH, ELL0

    law = normalized_ntk_law()
    fat = law.law.fatou
    subs = {s: sympy.Float(v.mid, 30) for s, v in fat.values.items()}
    num = lambda e: float(sympy.N(sympy.sympify(e).subs(subs), 30))  # noqa: E731
    coeffs = (num(fat.g[0]), num(fat.beta), [num(c) for c in fat.c], fat.ramification)
    expr = law.off_diagonal.expr().subs(subs)
    first = law.off_diagonal.coefficient(1, 0)
    return coeffs, sympy.lambdify((DEPTH, ELL0), expr, "numpy"), sympy.lambdify(ELL0, first, "numpy")


def depth_shift(one_minus_rho_at_depth, depth):
    """ell_0 = Phi(u_L) - L for arrays of 1 - rho^(L) at depth L (Phi: Fatou coordinate, u = sqrt(1 - rho)).

    ell_0 is the only trace of the initial correlation in the large-depth expansion; its error is
    O(u_L^(K+1)) from the truncated Phi plus float64 rounding of 1/(g1 u) ~ L; an input with
    relative error r moves ell_0 by about L r / 2 (the subtraction Phi - L cancels log10 L digits:
    see depth_laws.FatouCoordinate.depth_shift for the arbitrary-precision version).
    """
    (g1, beta, cs, m), _, _ = fatou_numeric()
    u = numpy.asarray(one_minus_rho_at_depth, dtype=float) ** (1.0 / m)
    phi = 1 / (g1 * u) + beta * numpy.log(g1 * u)
    for k, c in enumerate(cs, start=1):
        phi = phi + c * u**k
    return phi - depth


def predicted_ntk(depth, ell0):
    """Theta-bar^(L)(x, x') from the derived expansion (two orders beyond the limit) at the given ell_0."""
    _, f, _ = fatou_numeric()
    return f(float(depth), numpy.asarray(ell0, dtype=float))


def first_order_weights(n, ell0_pairs, ell0_x):
    """(rate, v1): w^(L) = w_inf + rate log(L)/L 1 + v1 / L + o(1/L) for a test point outside X.

    kappa = kappa_inf + b (1 1^T - I) + C/L, kappa_x = (lambda + b) 1 + c_x / L with b = B log L / L,
    C_ij = c(ell_0(x_i, x_j)) (zero diagonal), c = [1/L]-coefficient of the depth law; first-order
    perturbation gives v1 = kappa_inf^-1 (c_x - w_inf C 1).  ``ell0_pairs``: n x n (diagonal ignored);
    ``ell0_x``: length n, or m x n for m test points (then v1 is m x n).
    """
    lim = limiting_weights(n)
    lam, w_inf = float(lim.lam), float(lim.value.mid)
    _, _, first = fatou_numeric()
    C = numpy.asarray(first(numpy.asarray(ell0_pairs, dtype=float)), dtype=float) * numpy.ones((n, n))
    numpy.fill_diagonal(C, 0.0)
    ell0_x = numpy.asarray(ell0_x, dtype=float)
    c_x = numpy.asarray(first(ell0_x), dtype=float) * numpy.ones(ell0_x.shape)
    K_inf = (1 - lam) * numpy.eye(n) + lam
    v1 = numpy.linalg.solve(K_inf, (c_x - w_inf * C.sum(axis=1)).T).T
    return float(lim.rate_value.mid), v1


def first_order_from_gram(gram):
    """(rate, V1) with w_k^(L) = w_inf + rate log(L)/L 1 + V1[k] / L + o(1/L) for every test point x_k
    of ``gram`` (none of them a data point), the Fatou shifts ell_0 of all pairs read off the
    correlations 1 - rho at ``gram.depth`` (:func:`depth_shift`; the deeper, the more accurate)."""
    if gram.one_minus_rho is None or gram.E_x is None:
        raise InputError("gram", "needs the pair correlations and test points (a Gram from ntk_grams with x)")
    pairs = gram.one_minus_rho
    ell = depth_shift(numpy.asarray(pairs.get() if hasattr(pairs, "get") else pairs), gram.depth)
    n = gram.n
    upper = numpy.triu_indices(n, 1)
    ell_pairs = numpy.zeros((n, n))
    ell_pairs[upper] = ell[:len(upper[0])]
    ell_pairs += ell_pairs.T
    return first_order_weights(n, ell_pairs, ell[len(upper[0]):].reshape(-1, n))
