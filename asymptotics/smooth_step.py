"""The smooth step psi_d of seed 000 (Definition 6, lines 291-293) and its derivatives.

    psi_d(z) = 1 / (1 + exp(-s(z)/d)),   s(z) = 2 z / (1 - z^2),   z in ]-1, 1[,
    psi_d(-1) = 0,  psi_d(1) = 1.

So psi_d = sigma(s/d) with sigma the logistic function, and psi_d(-z) = 1 - psi_d(z).
Seed 000's Proposition 5 (lines 295-303) lists four properties; property (4) asks
psi_d^(k)(z) / d^j -> 0 as d -> 0+ for every j, k.  The functions here give the value
and derivatives of any order symbolically (SymPy) and numerically (mpmath, any
precision; the exponent is evaluated without overflow), the one-sided behaviour at
z = +-1 and the exact derivatives at z = 0 as polynomials in 1/d.
"""
from __future__ import annotations

import functools

import mpmath
import sympy

from asymptotics.validation import InputError, check_digits, check_finite, check_positive

Z = sympy.Symbol("z", real=True)
D = sympy.Symbol("d", positive=True)


def _check_order(name, k) -> int:
    if isinstance(k, bool) or int(k) != k or k < 0:
        raise InputError(name, f"expected a whole number >= 0, got {k!r}")
    return int(k)


def _check_z(z):
    check_finite("z", z)
    if mpmath.mpf(z) < -1 or mpmath.mpf(z) > 1:
        raise InputError("z", f"psi_d is defined on [-1, 1], got {z}")
    return z


def _mpf(x):
    """Exact rationals (Fraction, SymPy Rational) at the working precision, not via float."""
    if hasattr(x, "numerator") and hasattr(x, "denominator") and not isinstance(x, (int, float)):
        return mpmath.mpf(int(x.numerator)) / int(x.denominator)
    if hasattr(x, "p") and hasattr(x, "q"):
        return mpmath.mpf(int(x.p)) / int(x.q)
    return mpmath.mpf(x)


@functools.lru_cache(maxsize=None)
def psi_expression(k: int = 0):
    """d^k/dz^k of psi_d(z) on ]-1, 1[ as a SymPy expression in ``Z`` and ``D``."""
    k = _check_order("k", k)
    expr = 1 / (1 + sympy.exp(-2 * Z / (D * (1 - Z**2))))
    return sympy.diff(expr, Z, k) if k else expr


@functools.lru_cache(maxsize=None)
def _logistic_form(k: int):
    """psi^(k) as a polynomial in S = sigma(s/d) and T = 1 - S with coefficients rational in z, d.

    sigma' = S T, so dS/dz = S T x' and dT/dz = -S T x' (x = s/d).  Keeping T separate
    lets mpmath evaluate the derivatives where S rounds to 1 (z > 0, small d) without
    losing 1 - S; returns a compiled mpmath function of (z, d, S, T).
    """
    S, T, W = sympy.symbols("S T W")  # W = 1 - z^2 kept as a symbol: no cancellation near z = +-1
    x_prime = 2 / (D * W) + 4 * Z**2 / (D * W**2)  # d/dz of 2 z / (d W)

    def dz(e):
        return sympy.diff(e, Z) - 2 * Z * sympy.diff(e, W) + (sympy.diff(e, S) - sympy.diff(e, T)) * S * T * x_prime

    expr = S
    for _ in range(k):
        expr = sympy.expand(dz(expr))
    return sympy.lambdify((Z, D, S, T, W), expr, "mpmath")


def psi(d, z, k: int = 0, dps: int = 30):
    """psi_d^(k)(z) as an mpf at ``dps`` digits (the closed definition at z = +-1).

    At z = +-1 the value is the definition for k = 0 and the one-sided limit 0 for
    k >= 1 (every derivative carries the factor sigma(1 - sigma), which vanishes faster
    than any power of 1 - z^2: see :func:`boundary_derivatives`).
    """
    check_positive("d", d)
    _check_z(z)
    k = _check_order("k", k)
    dps = check_digits("dps", dps)
    with mpmath.workdps(dps + 10):
        zz, dd = _mpf(z), _mpf(d)
        w = (1 - zz) * (1 + zz)
        if w == 0:
            return mpmath.mpf(0) if k else mpmath.mpf(1 if zz > 0 else 0)
        x = 2 * zz / (dd * w)
        sig, comp = 1 / (1 + mpmath.exp(-x)), 1 / (1 + mpmath.exp(x))
        if k == 0:
            return +sig
        return +_logistic_form(k)(zz, dd, sig, comp, w)


def derivative_at_zero(k: int):
    """psi_d^(k)(0) exactly, as a SymPy expression in ``D`` (a polynomial in 1/d).

    psi_d - 1/2 is odd, so even derivatives of order >= 2 vanish; odd ones grow like d^-k.
    """
    k = _check_order("k", k)
    series = sympy.series(psi_expression(0), Z, 0, k + 1).removeO()
    return sympy.simplify(series.coeff(Z, k) * sympy.factorial(k))


def boundary_derivatives(d, k: int, side: int = 1, distances=(1e-1, 1e-2, 3e-3), dps: int = 40):
    """[(1 - |z|, psi_d^(k)(z))] at z = side * (1 - distance): the one-sided approach to +-1."""
    if side not in (1, -1):
        raise InputError("side", f"expected 1 or -1, got {side!r}")
    return [(eps, psi(d, side * (1 - mpmath.mpf(eps)), k, dps)) for eps in distances]


def property4_table(z, ks=(0, 1, 2, 3), j: int = 1, ds=(1e-1, 1e-2, 1e-3), dps: int = 40):
    """{k: [(d, psi_d^(k)(z) / d^j)]}: the quantity of Proposition 5 (4) as d -> 0+."""
    _check_z(z)
    j = _check_order("j", j)
    return {k: [(d, psi(d, z, k, dps) / mpmath.mpf(d) ** j) for d in ds] for k in ks}


def total_variation(d, k: int = 0, dps: int = 15):
    """int_{-1}^{1} |psi_d^(k+1)(z)| dz, the 1-variation of psi_d^(k), by Gauss-Legendre
    quadrature split near 0 (for k = 0 it is exactly 1: psi_d rises monotonically from 0 to 1)."""
    k = _check_order("k", k)
    check_positive("d", d)
    cuts = sorted({-1, 1, 0} | ({-10 * d, 10 * d} if d < 0.05 else set()))
    with mpmath.workdps(dps):
        return mpmath.quad(lambda z: abs(psi(d, z, k + 1, dps)), cuts)
