"""The erf kernel in closed form, written in delta = 1 - rho so that nothing cancels near rho = 1.

For phi(x) = erf(a x) and (u, v) ~ N(0, [[s11, s12], [s12, s22]]) (the arcsine kernel of Williams,
"Computing with infinite networks", 1997, which is not among the seed documents; it enters the
expectations E[phi(f(x)) phi(f(x'))] of the recursion of Jacot, Gabriel, Hongler, "Neural Tangent Kernel",
../shared/seeds/002_49fd9c726352dc08.txt:175-197, and is checked in tests/test_smooth_kernels.py against
independent quadrature), with c = 2 a^2, A = 1 + c s11, B = 1 + c s22:

    E[phi(u) phi(v)]   = (2/pi) asin(r),          r  = c s12 / sqrt(A B)
    E[phi'(u) phi'(v)] = (2c/pi) / sqrt(D),       D  = A B - c^2 s12^2 = 1 + c (s11 + s22) + c^2 s11 s22 (1 - rho^2)

The "gaps" that the delta-form recursions need are computed without subtracting nearby numbers:

    G = E[(phi(u) - phi(v))^2] / 2 = (2/pi) [ (asin pA + asin pB)/2 - asin pm ] + (2/pi) (asin pm - asin r)

with pA = c s11 / A, pB = c s22 / B, pm = sqrt(pA pB); the first bracket vanishes for s11 = s22 and is
the mean of asin pA - asin pm and asin pB - asin pm, each from pA^2 - pm^2 = pA (pA - pB) with
pA - pB = c (s11 - s22) / (A B) and 1 - pA^2 = (1 + 2 c s11) / A^2 (rounding-level differences of the
variances, as between points of equal norm, leave a second-order error only);
asin pm - asin r = atan2((pm^2 - r^2) / (pm sqrt(1-r^2) + r sqrt(1-pm^2)), sqrt(1-pm^2) sqrt(1-r^2) + pm r),
pm^2 - r^2 = c^2 s11 s22 (1 - rho^2) / (A B), 1 - r^2 = D / (A B), 1 - pm^2 = (1 + c (s11 + s22)) / (A B).

    H = E[(phi'(u) - phi'(v))^2] / 2 = (2c/pi) [ (X1^(-1/4) - X2^(-1/4))^2 / 2 + (D - Dm) / (sqrt(D Dm) (sqrt D + sqrt Dm)) ]

with X1 = 1 + 2 c s11, X2 = 1 + 2 c s22, Dm = sqrt(X1 X2) and D - Dm = (sqrt X1 - sqrt X2)^2 / 2 +
c^2 s11 s22 (1 - rho^2), 1 - rho^2 = delta (2 - delta).  Only float rounding remains: the error stated is
a rounding estimate (16 eps relative), not a bound.  For unequal variances the second-order terms are
formed from first-order differences, so their absolute rounding is ~ eps |asin pA - asin pm| (G) and
~ eps |X1^(-1/4) - X2^(-1/4)| (H): a relative floor ~ eps / (relative variance difference) on that part.
"""
from __future__ import annotations

import math

import numpy

FLOAT64_EPS = 2.0**-53
ROUNDING_RELATIVE = 16 * FLOAT64_EPS  # a few ulps per elementary step, no cancellation left


def _xp(xp):
    return numpy if xp is None else xp


def erf_diagonal(q, scale=1.0, xp=None):
    """(E[phi(u)^2], E[phi'(u)^2]) for u ~ N(0, q), phi = erf(scale x); arrays like ``q``."""
    xp = _xp(xp)
    c = 2.0 * float(scale) ** 2
    q = xp.asarray(q, dtype=float)
    e_phi2 = (2 / math.pi) * xp.arcsin(c * q / (1 + c * q))
    e_dphi2 = (2 * c / math.pi) / xp.sqrt(1 + 2 * c * q)
    return e_phi2, e_dphi2


def erf_expectations(s11, s22, delta, scale=1.0, xp=None) -> dict:
    """E[phi phi], G, E[phi' phi'], H (see the module docstring) for arrays of pairs.

    ``s11``, ``s22`` the variances, ``delta`` = 1 - s12 / sqrt(s11 s22) (broadcast together).
    Returns a dict with keys cross, gap, dcross, dgap and their absolute error estimates err_*.
    """
    xp = _xp(xp)
    c = 2.0 * float(scale) ** 2
    s11, s22, delta = (xp.asarray(v, dtype=float) for v in (s11, s22, delta))
    rho = 1.0 - delta
    one_minus_rho2 = delta * (2.0 - delta)
    A, B = 1 + c * s11, 1 + c * s22
    AB = A * B
    root_AB = xp.sqrt(AB)
    s = xp.sqrt(s11 * s22)
    r = c * s * rho / root_AB
    pm = c * s / root_AB
    D = 1 + c * (s11 + s22) + c * c * s11 * s22 * one_minus_rho2
    root_1mr2 = xp.sqrt(D / AB)
    root_1mpm2 = xp.sqrt((1 + c * (s11 + s22)) / AB)
    cos_diff = root_1mpm2 * root_1mr2 + pm * r
    with numpy.errstate(divide="ignore", invalid="ignore"):
        # r > 0: sin(asin pm - asin r) from pm^2 - r^2 (no cancellation); r <= 0: the direct form has none
        sin_close = (c * c * s11 * s22 * one_minus_rho2 / AB) / (pm * root_1mr2 + r * root_1mpm2)
    sin_far = pm * root_1mr2 - r * root_1mpm2
    sin_diff = xp.where(r > 0, sin_close, sin_far)
    asin_gap = xp.arctan2(sin_diff, cos_diff)
    # (asin pA + asin pB)/2 - asin pm as the mean of two first-order differences, each from
    # pX^2 - pm^2 = pX (pX - pY), pA - pB = c (s11 - s22) / (A B): rounding-level differences of the
    # variances then leave a second-order error, not an absolute eps
    pA, pB = c * s11 / A, c * s22 / B
    pA_minus_pB = c * (s11 - s22) / AB
    up = _asin_difference(xp, pA, pm, pA * pA_minus_pB, xp.sqrt(1 + 2 * c * s11) / A, root_1mpm2)
    down = _asin_difference(xp, pB, pm, -pB * pA_minus_pB, xp.sqrt(1 + 2 * c * s22) / B, root_1mpm2)
    unequal = (up + down) / 2  # 0 for s11 == s22
    gap = (2 / math.pi) * (xp.maximum(unequal, 0.0) + asin_gap)
    cross = (2 / math.pi) * xp.arcsin(r)
    dcross = (2 * c / math.pi) / xp.sqrt(D)
    X1, X2 = 1 + 2 * c * s11, 1 + 2 * c * s22
    rX1, rX2 = xp.sqrt(X1), xp.sqrt(X2)
    Dm = rX1 * rX2
    D_minus_Dm = (2 * c * (s11 - s22) / (rX1 + rX2)) ** 2 / 2 + c * c * s11 * s22 * one_minus_rho2
    rD, rDm = xp.sqrt(D), xp.sqrt(Dm)
    quarter = (X1 ** -0.25 - X2 ** -0.25) ** 2 / 2
    dgap = (2 * c / math.pi) * (quarter + D_minus_Dm / (rD * rDm * (rD + rDm)))
    out = {"cross": cross, "gap": gap, "dcross": dcross, "dgap": dgap}
    for key in list(out):
        out["err_" + key] = ROUNDING_RELATIVE * xp.abs(out[key])
    return out


def _asin_difference(xp, x, y, x2_minus_y2, root_1mx2, root_1my2):
    """asin x - asin y for 0 <= x, y < 1 from x^2 - y^2 and the square roots sqrt(1 - x^2), sqrt(1 - y^2)."""
    with numpy.errstate(divide="ignore", invalid="ignore"):
        sin_diff = xp.where(x + y > 0, x2_minus_y2 / (x * root_1my2 + y * root_1mx2), 0.0)
    return xp.arctan2(sin_diff, root_1mx2 * root_1my2 + x * y)


class ErfClosedForm:
    """The engine interface of :mod:`asymptotics.smooth_kernels.gram` for erf(scale x)."""

    method = "closed form (erf arcsine kernel, delta form)"

    def __init__(self, scale=1.0):
        self.scale = float(scale)

    def diagonal(self, q, xp=None):
        e_phi2, e_dphi2 = erf_diagonal(q, self.scale, xp)
        return {"phi2": e_phi2, "dphi2": e_dphi2, "err_phi2": ROUNDING_RELATIVE * e_phi2,
                "err_dphi2": ROUNDING_RELATIVE * e_dphi2}

    def expectations(self, s11, s22, delta, xp=None):
        return erf_expectations(s11, s22, delta, self.scale, xp)
