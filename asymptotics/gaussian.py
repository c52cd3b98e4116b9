"""Gaussian expectations at any mpmath precision.

One-dimensional: E[g(sqrt(q) Z)], Z ~ N(0, 1).  Two-dimensional: E[g1(u) g2(v)] for centred
normals with Var u = q1, Var v = q2 and correlation c, written u = sqrt(q1) Z1,
v = sqrt(q2) (c Z1 + sqrt(1 - c^2) Z2) with Z1, Z2 independent.

Two independent rules:

* ``trapezoid``: the equispaced trapezoid rule on the real line, halving the step until two
  successive sums agree.  For integrands analytic in a strip |Im z| < d it converges like
  exp(-2 pi d / h) (the Gaussian weight is entire), which beats Gauss-Hermite for the same
  number of nodes; the difference of the last two sums is returned as the error estimate.
  Only for smooth integrands.
* ``tanh-sinh``: ``mpmath.quad`` (double-exponential rule) on (-inf, inf) split at 0 and at
  every kink of g, with mpmath's own error estimate.  Handles ReLU-type kinks.

For correlations close to 1, :func:`squared_difference_expectation` evaluates
E[(phi(u) - phi(v))^2] in the principal axes u = a + b, v = a - b (a and b independent, with
variances q (1 + c)/2 and q (1 - c)/2), which keeps full relative accuracy as 1 - c -> 0.

The public functions return :class:`~asymptotics.accuracy.Approx` (two rules, or one rule at two
precisions); the underscore-free ``*_raw`` helpers work at the caller's precision and return
(value, error estimate).
"""
from __future__ import annotations

from typing import Callable, Sequence

import mpmath

from asymptotics.accuracy import AGREEMENT, Approx
from asymptotics.validation import ComputationError, InputError, check_correlation, check_digits, check_nonnegative


# Quadrature cost grows quickly with the digits (nodes ~ digits, each evaluation ~ digits^1.6, and
# mpmath's tanh-sinh degree with them): measured for the tanh EOC point, 17 s at 120 digits and
# 190 s at 200 digits (2 cores, load 7).  Requests above this limit are refused up front.
MAX_QUADRATURE_DIGITS = 150


def check_quadrature_digits(name: str, dps) -> int:
    """dps as an int in [1, MAX_QUADRATURE_DIGITS] (InputError naming the limit otherwise)."""
    dps = check_digits(name, dps)
    if dps > MAX_QUADRATURE_DIGITS:
        raise InputError(name, f"{dps} digits requested; quadrature-based results are limited to "
                               f"{MAX_QUADRATURE_DIGITS} digits (cost grows like digits^3-4: about 3 minutes "
                               "at 200 digits here)")
    return dps


def _cutoff(tol) -> mpmath.mpf:
    """|z| beyond which exp(-z^2/2) (times a polynomial growth of g) is below tol."""
    return mpmath.sqrt(2 * mpmath.log(1 / tol)) + 3


def _as_list(value):
    return list(value) if isinstance(value, (list, tuple)) else [value]


def trapezoid_raw(F: Callable, tol, even: bool = False, h0=None, zmax=None, min_step=None,
                  max_halvings: int = 14, atol=0):
    """E[F(Z)] for Z ~ N(0, 1) by the trapezoid rule with step halving.

    ``F`` may return a list (all components integrated on the same nodes).  Stops when
    |T(h/2) - T(h)| <= max(tol * max(|T|, L1), atol) for every component, L1 = E|F| on the grid
    (``atol``: an absolute floor, for inner integrals whose size is negligible in the outer one).
    Returns (values, errors) as lists if F returned a list, else scalars; the error is
    |T(h/2) - T(h)| plus a rounding allowance.
    """
    # a tolerance at the rounding level can never be met: keep it 2^10 ulps above
    tol = max(mpmath.mpf(tol), mpmath.eps * 2**10)
    zmax = _cutoff(tol) if zmax is None else mpmath.mpf(zmax)
    h = mpmath.mpf(0.5) if h0 is None else mpmath.mpf(str(h0))
    norm = 1 / mpmath.sqrt(2 * mpmath.pi)
    vector = isinstance(F(mpmath.mpf(0)), (list, tuple))

    def weighted(z):
        w = mpmath.exp(-z * z / 2)
        return [w * v for v in _as_list(F(z))]

    def add(acc, acc_abs, vals):
        for i, v in enumerate(vals):
            acc[i] += v
            acc_abs[i] += abs(v)

    # level 0: nodes k h
    first = weighted(mpmath.mpf(0))
    acc = [mpmath.mpf(0)] * len(first)
    acc_abs = [mpmath.mpf(0)] * len(first)
    if even:
        acc = [v / 2 for v in first]  # the node z = 0 is counted once on the whole line
        acc_abs = [abs(v) / 2 for v in first]
    else:
        add(acc, acc_abs, first)
    k = 1
    while k * h <= zmax:
        add(acc, acc_abs, weighted(k * h))
        if not even:
            add(acc, acc_abs, weighted(-k * h))
        k += 1
    factor = 2 if even else 1
    total = [factor * h * norm * a for a in acc]
    for level in range(max_halvings):
        h /= 2
        k = 1
        while k * h <= zmax:
            z = k * h
            add(acc, acc_abs, weighted(z))
            if not even:
                add(acc, acc_abs, weighted(-z))
            k += 2
        new_total = [factor * h * norm * a for a in acc]
        l1 = [factor * h * norm * a for a in acc_abs]
        diffs = [abs(n - o) for n, o in zip(new_total, total)]
        total = new_total
        small = all(d <= max(tol * max(abs(t), l), atol) for d, t, l in zip(diffs, total, l1))
        if small and level >= 1 and (min_step is None or h <= min_step):
            errs = [d + 16 * mpmath.eps * l for d, l in zip(diffs, l1)]
            return (total, errs) if vector else (total[0], errs[0])
    raise ComputationError(f"trapezoid rule did not reach tolerance {mpmath.nstr(tol, 3)} in {max_halvings} "
                           "halvings (is the integrand smooth? kinks need method='tanh-sinh')")


def tanh_sinh_raw(g: Callable, q=1, kinks: Sequence = ()):
    """E[g(sqrt(q) Z)] by mpmath.quad split at 0 and at the kinks; returns (value, error estimate)."""
    q = mpmath.mpf(q)
    if q == 0:
        return g(mpmath.mpf(0)), mpmath.mpf(0)
    root_q = mpmath.sqrt(q)
    splits = sorted({mpmath.mpf(0)} | {mpmath.mpf(k) / root_q for k in kinks})
    points = [-mpmath.inf] + splits + [mpmath.inf]
    value, err = mpmath.quad(lambda z: g(root_q * z) * mpmath.exp(-z * z / 2), points, error=True)
    norm = 1 / mpmath.sqrt(2 * mpmath.pi)
    return value * norm, err * norm


def expectation_raw(g: Callable, q=1, method: str = "trapezoid", kinks: Sequence = (), tol=None, even=False):
    """E[g(sqrt(q) Z)] at the working precision; (value, error estimate)."""
    q = mpmath.mpf(q)
    if method == "tanh-sinh" or kinks:
        return tanh_sinh_raw(g, q, kinks)
    if method != "trapezoid":
        raise InputError("method", f"expected 'trapezoid' or 'tanh-sinh', got {method!r}")
    tol = mpmath.eps * 2**8 if tol is None else tol
    root_q = mpmath.sqrt(q)
    return trapezoid_raw(lambda z: g(root_q * z), tol, even=even)


def normal_expectation(g: Callable, q=1, dps: int = 30, kinks: Sequence = (), even: bool = False) -> Approx:
    """E[g(sqrt(q) Z)], Z ~ N(0, 1), with its accuracy.

    Smooth g: trapezoid (working precision dps + 12) against tanh-sinh (dps + 6).
    With kinks: tanh-sinh at dps + 6 and dps + 16.  The radius is the difference of the two
    (at least the quadrature's own error estimate).
    """
    dps = check_quadrature_digits("dps", dps)
    check_nonnegative("q", q)
    with mpmath.workdps(dps + 12):
        qq = as_mpf(q)
        if kinks:
            high, high_err = tanh_sinh_raw(g, qq, kinks)
        else:
            high, high_err = expectation_raw(g, qq, "trapezoid", tol=mpmath.mpf(10) ** (-(dps + 9)), even=even)
    with mpmath.workdps(dps + (16 if kinks else 6)):
        low, _ = tanh_sinh_raw(g, as_mpf(q), kinks)
    with mpmath.workdps(dps + 20):
        return Approx(+high, max(abs(high - low), high_err, abs(high) * mpmath.mpf(10) ** (-(dps + 8))), AGREEMENT)


def as_mpf(x):
    """A parameter at the working precision; floats mean the decimal they print as (0.2 -> 1/5)."""
    if isinstance(x, float):
        return mpmath.mpf(repr(x))
    if isinstance(x, mpmath.mpf):
        return +x
    return mpmath.mpf(str(x)) if not isinstance(x, int) else mpmath.mpf(x)


# --- two dimensions -------------------------------------------------------------------

def nested_trapezoid_raw(F2: Callable, tol, even_outer=False, even_inner=False, h0=None):
    """E[F2(Z1, Z2)] for independent standard normals: trapezoid in Z2 inside trapezoid in Z1."""
    tol = mpmath.mpf(tol)
    inner = _inner_rule(F2, tol, even_inner, h0)
    return trapezoid_raw(inner, tol, even=even_outer, h0=h0)


def _inner_rule(F2: Callable, tol, even_inner: bool, h0=None) -> Callable:
    """z1 -> E[F2(z1, Z2)] for use inside an outer trapezoid rule.

    Relative tolerance tol/4, with an absolute floor tol/8 * ref * exp(z1^2/4), ref = the size of the
    inner integral at z1 = 0 and 1: far out in z1 the inner integrand can peak beyond the cutoff
    (e.g. erf(a + b) - erf(a - b) for large a is largest near b = a), so its relative accuracy
    stalls; its weight exp(-z1^2/2) in the outer integral makes that part negligible.
    """
    def rule(z1, atol=0):
        return trapezoid_raw(lambda z2: F2(z1, z2), tol / 4, even=even_inner, h0=h0, atol=atol)[0]

    ref = []

    def inner(z1):
        if not ref:
            ref.append(max(abs(rule(mpmath.mpf(0))), abs(rule(mpmath.mpf(1)))))
        return rule(z1, tol / 8 * ref[0] * mpmath.exp(z1 * z1 / 4))

    return inner


def nested_tanh_sinh_raw(g1, g2, q1, q2, c, kinks1=(), kinks2=()):
    """E[g1(u) g2(v)] by tanh-sinh in Z2 (split at g2's kinks, which move with Z1) inside tanh-sinh in Z1."""
    q1, q2, c = mpmath.mpf(q1), mpmath.mpf(q2), mpmath.mpf(c)
    r1, r2 = mpmath.sqrt(q1), mpmath.sqrt(q2)
    s = mpmath.sqrt((1 - c) * (1 + c))
    norm = 1 / mpmath.sqrt(2 * mpmath.pi)

    def inner(z1):
        if s == 0:
            return g2(r2 * c * z1)
        splits = sorted({mpmath.mpf(0)} | {(mpmath.mpf(k) / r2 - c * z1) / s for k in kinks2})
        pts = [-mpmath.inf] + splits + [mpmath.inf]
        return mpmath.quad(lambda z2: g2(r2 * (c * z1 + s * z2)) * mpmath.exp(-z2 * z2 / 2), pts) * norm

    splits1 = sorted({mpmath.mpf(0)} | {mpmath.mpf(k) / r1 for k in kinks1})
    pts1 = [-mpmath.inf] + splits1 + [mpmath.inf]
    value, err = mpmath.quad(lambda z1: g1(r1 * z1) * inner(z1) * mpmath.exp(-z1 * z1 / 2), pts1, error=True)
    return value * norm, err * norm


def bivariate_raw(g1, g2, q1, q2, c, method="trapezoid", tol=None, kinks1=(), kinks2=(), h0=None):
    """E[g1(u) g2(v)] at the working precision; (value, error estimate)."""
    if method == "tanh-sinh" or kinks1 or kinks2:
        return nested_tanh_sinh_raw(g1, g2, q1, q2, c, kinks1, kinks2)
    q1, q2, c = mpmath.mpf(q1), mpmath.mpf(q2), mpmath.mpf(c)
    r1, r2 = mpmath.sqrt(q1), mpmath.sqrt(q2)
    s = mpmath.sqrt((1 - c) * (1 + c))
    tol = mpmath.eps * 2**8 if tol is None else tol
    return nested_trapezoid_raw(lambda z1, z2: g1(r1 * z1) * g2(r2 * (c * z1 + s * z2)), tol, h0=h0)


def bivariate_expectation(g1, g2, q1, q2, c, dps: int = 20, kinks1=(), kinks2=()) -> Approx:
    """E[g1(u) g2(v)], Var u = q1, Var v = q2, corr(u, v) = c, with its accuracy.

    Smooth g: nested trapezoid at dps + 10 (steps 1/2, 1/4, ...) against nested trapezoid at
    dps + 4 on a different node set (steps 0.3, 0.15, ...).  With kinks: nested tanh-sinh at
    dps + 4 and dps + 10 (slow: tens of seconds at 10 digits).  Two-dimensional and expensive:
    meant for checks; the depth recursions use closed forms or series instead.
    """
    dps = check_quadrature_digits("dps", dps)
    check_nonnegative("q1", q1)
    check_nonnegative("q2", q2)
    check_correlation("c", c)
    kinked = bool(kinks1 or kinks2)
    results = []
    for extra, h0 in ((10, None), (4, "0.3")):
        with mpmath.workdps(dps + extra):
            args = (g1, g2, as_mpf(q1), as_mpf(q2), as_mpf(c))
            if kinked:
                results.append(nested_tanh_sinh_raw(*args, kinks1, kinks2))
            else:
                results.append(bivariate_raw(*args, tol=mpmath.mpf(10) ** (-(dps + extra - 3)), h0=h0))
    (high, high_err), (low, _) = results
    with mpmath.workdps(dps + 20):
        return Approx(+high, max(abs(high - low), high_err, abs(high) * mpmath.mpf(10) ** (-(dps + 8))), AGREEMENT)


def homogeneous_bivariate_raw(phi1, phi2, c, kinks_angles=()):
    """E[phi1(u) phi2(v)] for unit-variance u, v with correlation c = cos(theta), phi_i positively
    homogeneous of degree 1 (the ReLU family), by polar coordinates:

        E = (1/pi) * integral_0^(2 pi) phi1(cos t) phi2(cos(t - theta)) dt,

    since integral_0^inf r^3 exp(-r^2/2) dr / (2 pi) = 1/pi.  tanh-sinh on the arcs between the
    kinks t = +-pi/2 and theta +- pi/2 (extra angles may be given).  A check independent of the
    arc-cosine closed form.
    """
    c = mpmath.mpf(c)
    theta = mpmath.acos(c)
    pi = mpmath.pi
    cuts = {mpmath.mpf(0), 2 * pi}
    for t in [pi / 2, 3 * pi / 2, theta + pi / 2, theta + 3 * pi / 2, *kinks_angles]:
        cuts.add(t % (2 * pi))
    pts = sorted(cuts)
    value, err = mpmath.quad(lambda t: phi1(mpmath.cos(t)) * phi2(mpmath.cos(t - theta)), pts, error=True)
    return value / pi, err / pi


def squared_difference_raw(difference: Callable, q, one_minus_c, tol, even_outer=False, order: int = 0):
    """E[(g(u) - g(v))^2] with Var u = Var v = q, corr = c = 1 - delta, in principal axes.

    u = a + b, v = a - b with a = sqrt(q (2 - delta)/2) S1, b = sqrt(q delta / 2) S2 (S1, S2 iid
    N(0,1)); ``difference(a, b, order)`` returns g(a + b) - g(a - b) without cancellation.  The
    integrand is even in S2 (and in S1 when g is odd or even: ``even_outer``).  Full relative
    accuracy as delta -> 0, and few nodes in S2 then (the integrand is smooth on the scale 1/b).
    """
    q, delta = mpmath.mpf(q), mpmath.mpf(one_minus_c)
    scale_a = mpmath.sqrt(q * (2 - delta) / 2)
    scale_b = mpmath.sqrt(q * delta / 2)
    if delta == 0:
        return mpmath.mpf(0), mpmath.mpf(0)

    inner = _inner_rule(lambda s1, s2: difference(scale_a * s1, scale_b * s2, order) ** 2, tol, True)
    return trapezoid_raw(inner, tol, even=even_outer)
