"""Variance map, correlation map f and its derivatives, for any activation, at any precision.

Notation of Hayou, Doucet, Rousseau, "Mean-field Behaviour of Neural Tangent Kernel for Deep
Neural Networks" (seed 001, appendix Facts 1, 5 and 6, lines 638-646): Z, Z1, Z2 iid N(0, 1),

    variance map   V(q) = sigma_b^2 + sigma_w^2 E[phi(sqrt(q) Z)^2]                (its fixed point q*)
    correlation    f(c) = (sigma_b^2 + sigma_w^2 E[phi(u) phi(v)]) / q,  u = sqrt(q) Z1,
                   v = sqrt(q) (c Z1 + sqrt(1 - c^2) Z2)                              (Fact 5)
    derivatives    f^(j)(c) = sigma_w^2 q^(j-1) E[phi^(j)(u) phi^(j)(v)],  j >= 1
                   f^(j)(1) = sigma_w^2 q^(j-1) E[phi^(j)(sqrt(q) Z)^2].

(Differentiating E[phi(u) phi(v)] in c j times by Gaussian integration by parts gives
q^j E[phi^(j)(u) phi^(j)(v)]; the arguments of phi^(j) carry the factor sqrt(q).  Fact 6 as
printed on seed 001 lines 642-645 writes phi^(j)(Z1) without sqrt(q): that is a misprint unless
q = 1; the tests check the sqrt(q) form against closed forms.)

At the fixed point q = q*, f(1) = 1 and, with the symmetric form E[phi(u) phi(v)] =
E[phi(u)^2] - E[(phi(u) - phi(v))^2]/2,

    1 - f(1 - delta) = sigma_w^2 / (2 q) * E[(phi(u) - phi(v))^2],

computed in principal axes without cancellation (:func:`asymptotics.gaussian.squared_difference_raw`).

Closed forms are used where they exist: the ReLU family (:mod:`asymptotics.relu_family`) and
erf(a x), for which E[erf(a u) erf(a v)] = (2/pi) asin(2 a^2 q c / (1 + 2 a^2 q)) (Williams
1997; derived and checked against quadrature in tests/test_dual_maps.py), so
f(c) = (sigma_b^2 + sigma_w^2 (2/pi) asin(kappa c)) / q with kappa = 2 a^2 q / (1 + 2 a^2 q) and
f^(j)(c) = sigma_w^2 (2/pi) kappa^j asin^(j)(kappa c) / q.

Public functions return :class:`~asymptotics.accuracy.Approx`; ``*_raw`` functions work at the
caller's mpmath precision and return (value, error estimate).
"""
from __future__ import annotations

from fractions import Fraction

import mpmath

from asymptotics.accuracy import AGREEMENT, Approx
from asymptotics.activations import Activation, get_activation
from asymptotics import gaussian
from asymptotics.gaussian import as_mpf
from asymptotics.validation import InputError, check_correlation, check_finite, check_nonnegative


# --- parameters -------------------------------------------------------------------------

def activation_of(activation) -> Activation:
    return get_activation(activation) if not isinstance(activation, Activation) else activation


def check_sigma(name: str, value):
    """A standard deviation: finite and >= 0 (InputError otherwise)."""
    if isinstance(value, Approx):
        value = value.mid
    check_finite(name, value)
    check_nonnegative(name, value)
    return value


def param(value):
    """A user parameter as an mpf at the working precision (0.2 means 1/5, Approx -> midpoint)."""
    if isinstance(value, Approx):
        return +value.mid
    if isinstance(value, Fraction):
        return mpmath.mpf(value.numerator) / value.denominator
    return as_mpf(value)


def _relu_constants(act: Activation):
    a, b = act.slopes
    return param(a), param(b)


def _quadrature_kinks(act: Activation):
    return tuple(act.kink)


# --- closed forms -----------------------------------------------------------------------

def asin_derivatives(x, n: int) -> list:
    """[asin(x), asin'(x), ..., asin^(n)(x)] for |x| < 1.

    asin' = (1 - x^2)^(-1/2) and (1 - x^2) y^(k+2) = (2k + 1) x y^(k+1) + k^2 y^(k).
    """
    one_minus_x2 = (1 - x) * (1 + x)
    out = [mpmath.asin(x), 1 / mpmath.sqrt(one_minus_x2)]
    for k in range(0, n - 1):
        out.append(((2 * k + 1) * x * out[k + 1] + k * k * out[k]) / one_minus_x2)
    return out[: n + 1]


def erf_moment(scale, q, order: int):
    """E[phi^(order)(sqrt(q) Z)^2] for phi = erf(scale x), closed form (see module docstring)."""
    kappa = 2 * scale**2 * q / (1 + 2 * scale**2 * q)
    if order == 0:
        return 2 / mpmath.pi * mpmath.asin(kappa)
    if order == 1:  # equal to the general formula; written out because q may be 0
        return 4 * scale**2 / mpmath.pi / mpmath.sqrt(1 + 4 * scale**2 * q)
    return 2 / mpmath.pi * kappa**order * asin_derivatives(kappa, order)[order] / q**order


def erf_cross(scale, q, c, order: int):
    """E[phi^(order)(u) phi^(order)(v)], Var = q, corr = c, phi = erf(scale x)."""
    if order == 1:
        return 4 * scale**2 / mpmath.pi / mpmath.sqrt((1 + 2 * scale**2 * q) ** 2 - (2 * scale**2 * q * c) ** 2)
    kappa = 2 * scale**2 * q / (1 + 2 * scale**2 * q)
    if order == 0:
        return 2 / mpmath.pi * mpmath.asin(kappa * c)
    return 2 / mpmath.pi * kappa**order * asin_derivatives(kappa * c, order)[order] / q**order


def _relu_moment(act, q, order):
    a, b = _relu_constants(act)
    half_sum = (a * a + b * b) / 2
    if order == 0:
        return q * half_sum
    if order == 1:
        return half_sum
    raise InputError("order", f"{act.name} is not twice differentiable at 0: E[phi^({order})^2] is infinite; "
                              "its correlation map has a Puiseux expansion at c = 1 (see asymptotics.series)")


def _relu_cross(act, q, c, order):
    from asymptotics import relu_family
    consts = relu_family.constants_for(act)
    if order == 0:
        return q * relu_family.k_dual(consts, c)
    if order == 1:
        return relu_family.k_prime_dual(consts, c)
    if c >= 1 or c <= -1:
        raise InputError("c", f"f^({order}) of {act.name} is unbounded at c = +-1")
    # k'(rho) = odd^2 + even_weight * (pi/2 - theta), d/drho (pi/2 - acos rho) = asin'(rho)
    return consts.even_weight * asin_derivatives(c, order - 1)[order - 1] / q ** (order - 1)


# --- Gaussian moments E[phi^(j)(sqrt(q) Z)^2] ----------------------------------------------

def moments_raw(activation, q, orders, method: str = "trapezoid", tol=None):
    """[E[phi^(j)(sqrt(q) Z)^2] for j in orders] at the working precision; (values, errors)."""
    act = activation_of(activation)
    orders = list(orders)
    q = param(q)
    if act.is_relu_family:
        return [_relu_moment(act, q, j) for j in orders], [mpmath.mpf(0)] * len(orders)
    scale = act.erf_scale
    if scale is not None and method == "closed":
        return [erf_moment(scale, q, j) for j in orders], [mpmath.mpf(0)] * len(orders)
    top = max(orders)
    for j in orders:
        act.derivative(j)  # InputError now if an order is missing
    all_d = act.extra.get("all_derivatives") if act.extra else None
    even = bool(act.extra.get("odd") or act.extra.get("even")) if act.extra else False
    kinks = _quadrature_kinks(act)
    if method == "trapezoid" and not kinks and all_d is not None:
        root_q = mpmath.sqrt(q)
        tol = mpmath.eps * 2**10 if tol is None else tol

        def F(z):
            d = all_d(root_q * z, top)
            return [d[j] ** 2 for j in orders]

        return gaussian.trapezoid_raw(F, tol, even=even)
    values, errors = [], []
    for j in orders:
        dj = act.derivative(j)
        v, e = gaussian.tanh_sinh_raw(lambda x, dj=dj: dj(x) ** 2, q, kinks)
        values.append(v)
        errors.append(e)
    return values, errors


def _two_ways(compute, dps: int, closed: bool = False, second_rule: str = "tanh-sinh") -> list:
    """Run compute(method, tol) with two rules (trapezoid at dps+12, ``second_rule`` at dps+6), or a
    closed form at two precisions; return Approx values (radius = disagreement, at least the
    first rule's error estimate)."""
    first, second = ("closed", "closed") if closed else ("trapezoid", second_rule)
    with mpmath.workdps(dps + 12):
        hi, hi_err = compute(first, mpmath.mpf(10) ** (-(dps + 9)))
    with mpmath.workdps(dps + (20 if closed else 6)):
        lo, _ = compute(second, mpmath.mpf(10) ** (-(dps + 4)))
    out = []
    with mpmath.workdps(dps + 25):
        for h, e, l in zip(hi, hi_err, lo):
            floor = abs(h) * mpmath.mpf(10) ** (-(dps + 8))
            out.append(Approx(+h, max(abs(h - l), e, floor), AGREEMENT))
    return out


def gaussian_moment(activation, q, order: int = 0, dps: int = 30) -> Approx:
    """E[phi^(order)(sqrt(q) Z)^2], Z ~ N(0, 1), with its accuracy."""
    dps = gaussian.check_quadrature_digits("dps", dps)
    check_nonnegative("q", q)
    act = activation_of(activation)
    closed = act.is_relu_family or act.erf_scale is not None
    return _two_ways(lambda m, tol: moments_raw(act, q, [order], m, tol), dps, closed)[0]


def variance_map(activation, q, sigma_w, sigma_b, dps: int = 30) -> Approx:
    """V(q) = sigma_b^2 + sigma_w^2 E[phi(sqrt(q) Z)^2] (seed 001 eq. (12)-type variance recursion)."""
    check_sigma("sigma_w", sigma_w)
    check_sigma("sigma_b", sigma_b)
    m = gaussian_moment(activation, q, 0, dps)
    with mpmath.workdps(dps + 20):
        sw2, sb2 = param(sigma_w) ** 2, param(sigma_b) ** 2
        return Approx(sb2 + sw2 * m.mid, sw2 * m.rad, m.method)


# --- f^(j)(1) ------------------------------------------------------------------------------

def _require_q(q):
    """The variance q is an argument here: its fixed point q* is solved one layer up, in
    :mod:`asymptotics.eoc` (``variance_fixed_point``, ``derivatives_at_fixed_point``), which builds on
    this module (so this module never imports it)."""
    if q is None:
        raise InputError("q", "the variance q is required; asymptotics.eoc.variance_fixed_point(activation, "
                              "sigma_w, sigma_b) gives the fixed point q*")
    return q


def derivatives_at_one(activation, sigma_w, sigma_b, max_order: int, dps: int = 30, q=None) -> list:
    """[f(1), f'(1), ..., f^(max_order)(1)] as Approx, f^(j)(1) = sigma_w^2 q^(j-1) E[phi^(j)(sqrt(q) Z)^2].

    ``q`` is the variance; at the fixed point q*(sigma_b, sigma_w) of the variance map (then f(1) = 1 up to
    the accuracy of q*).  One quadrature grid serves all orders.  Accuracy: trapezoid against
    tanh-sinh (closed forms for erf and the ReLU family, which has orders <= 1 only).
    """
    check_sigma("sigma_w", sigma_w)
    check_sigma("sigma_b", sigma_b)
    dps = gaussian.check_quadrature_digits("dps", dps)
    if isinstance(max_order, bool) or not isinstance(max_order, int) or max_order < 0:
        raise InputError("max_order", f"expected an integer >= 0, got {max_order!r}")
    act = activation_of(activation)
    for j in range(max_order + 1):
        act.derivative(j)
    if not act.is_relu_family:
        act.require_taylor_order(max_order, f"f^({max_order})(1)")
    if act.is_relu_family and max_order >= 2:
        _relu_moment(act, 1, max_order)  # raises the explanatory InputError
    q = _require_q(q)
    if param(q) <= 0:
        raise InputError("q", f"the variance q must be > 0 for f(1) = V(q)/q, got {q}"
                              " (sigma_b = 0 with phi(0) = 0 gives q* = 0: use sigma_b > 0)")
    q_rad = q.rad if isinstance(q, Approx) else 0
    closed = act.is_relu_family or act.erf_scale is not None
    orders = list(range(max_order + 1))
    # high orders lose ~ j*log10(2) digits to cancellation inside phi^(j): raise the precision
    extra = max_order // 2
    moments = _two_ways(lambda m, tol: moments_raw(act, q, orders, m, tol), dps + extra, closed)
    out = []
    with mpmath.workdps(dps + extra + 25):
        qq = param(q)
        sw2, sb2 = param(sigma_w) ** 2, param(sigma_b) ** 2
        for j, m in zip(orders, moments):
            if j == 0:
                value = (sb2 + sw2 * m.mid) / qq
                rad = sw2 * m.rad / qq
            else:
                value = sw2 * qq ** (j - 1) * m.mid
                rad = sw2 * qq ** (j - 1) * m.rad
            if q_rad:
                # d/dq of sigma_w^2 q^(j-1) E[phi^(j)(sqrt q Z)^2] is bounded by a relative
                # sensitivity of order (j + 1)/q: a generous propagation of q's radius
                rad += abs(value) * (j + 2) * q_rad / qq
            out.append(Approx(value, rad, m.method))
    return out


def derivative_at_one(activation, sigma_w, sigma_b, order: int, dps: int = 30, q=None) -> Approx:
    """f^(order)(1) = sigma_w^2 q^(order-1) E[phi^(order)(sqrt(q) Z)^2] (seed 001 Fact 6) at variance q."""
    if isinstance(order, bool) or not isinstance(order, int) or order < 0:
        raise InputError("order", f"expected an integer >= 0, got {order!r}")
    act = activation_of(activation)
    act.derivative(order)
    if not act.is_relu_family:
        act.require_taylor_order(order, f"f^({order})(1)")
    if act.is_relu_family and order >= 2:
        _relu_moment(act, 1, order)
    q = _require_q(q)
    values = derivatives_at_one(act, sigma_w, sigma_b, order, dps, q)
    return values[order]


# --- f(c), f^(j)(c) for c < 1 ---------------------------------------------------------------

def cross_raw(activation, q, c, order: int = 0, method: str = "trapezoid", tol=None):
    """E[phi^(order)(u) phi^(order)(v)], Var u = Var v = q, corr c; (value, error estimate)."""
    act = activation_of(activation)
    q, c = param(q), param(c)
    if act.is_relu_family:
        return _relu_cross(act, q, c, order), mpmath.mpf(0)
    scale = act.erf_scale
    if scale is not None and method == "closed":
        return erf_cross(scale, q, c, order), mpmath.mpf(0)
    dj = act.derivative(order)
    tol = mpmath.eps * 2**10 if tol is None else tol
    if method == "trapezoid" and not act.kink:
        # symmetric form: E[g(u) g(v)] = E[g^2] - E[(g(u) - g(v))^2] / 2, both on trapezoid grids
        (m,), (m_err,) = moments_raw(act, q, [order], "trapezoid", tol)
        even = bool(act.extra.get("odd") or act.extra.get("even")) if act.extra else False
        diff = act.extra.get("difference") if act.extra else None
        from asymptotics.smooth import difference as generic_difference
        fn = diff if diff is not None else (lambda a, b, k: generic_difference(act, a, b, k))
        sq, sq_err = gaussian.squared_difference_raw(fn, q, 1 - c, tol, even_outer=even, order=order)
        return m - sq / 2, m_err + sq_err / 2
    if method == "nested-trapezoid" and not act.kink:
        # the plain coordinates (Z1, c Z1 + s Z2): a second, independent two-dimensional rule
        return gaussian.bivariate_raw(dj, dj, q, q, c, tol=tol, h0="0.3")
    return gaussian.nested_tanh_sinh_raw(dj, dj, q, q, c, act.kink, act.kink)


def correlation_map(activation, c, sigma_w, sigma_b, q=None, dps: int = 20, order: int = 0) -> Approx:
    """f^(order)(c) (order 0: f(c) of Fact 5), with its accuracy, at variance q.

    Two-dimensional quadrature (principal-axis trapezoid against plain-coordinate trapezoid) except for
    the closed forms (ReLU family, erf).  Costs seconds at 20 digits: for depth recursions use
    :mod:`asymptotics.smooth_depth`.
    """
    check_correlation("c", c)
    check_sigma("sigma_w", sigma_w)
    check_sigma("sigma_b", sigma_b)
    dps = gaussian.check_quadrature_digits("dps", dps)
    if isinstance(order, bool) or not isinstance(order, int) or order < 0:
        raise InputError("order", f"expected an integer >= 0, got {order!r}")
    act = activation_of(activation)
    act.derivative(order)
    q = _require_q(q)
    closed = act.is_relu_family or act.erf_scale is not None

    def compute(method, tol):
        value, err = cross_raw(act, q, c, order, method, tol)
        return [value], [err]

    # second rule: plain-coordinate nested trapezoid (nested tanh-sinh only for kinks: far slower)
    (cross,) = _two_ways(compute, dps, closed, "tanh-sinh" if act.kink else "nested-trapezoid")
    with mpmath.workdps(dps + 20):
        qq, sw2, sb2 = param(q), param(sigma_w) ** 2, param(sigma_b) ** 2
        if order == 0:
            return Approx((sb2 + sw2 * cross.mid) / qq, sw2 * cross.rad / qq, cross.method)
        factor = sw2 * qq ** (order - 1)
        return Approx(factor * cross.mid, factor * cross.rad, cross.method)


def erf_one_minus_correlation(scale, q, sigma_w2, one_minus_c):
    """1 - f(1 - delta) for erf(scale x) at the fixed point q = q*, closed form without cancellation.

    sigma_w^2 (2/pi) (asin kappa - asin(kappa c)) / q; for c >= 0 the difference of arcsines is
    asin((x^2 - y^2) / (x sqrt(1 - y^2) + y sqrt(1 - x^2))) with x = kappa, y = kappa c.
    """
    q, delta = param(q), param(one_minus_c)
    kappa = 2 * scale**2 * q / (1 + 2 * scale**2 * q)
    x, y = kappa, kappa * (1 - delta)
    if y >= 0:
        gap = mpmath.asin(kappa * kappa * delta * (2 - delta) / (x * mpmath.sqrt((1 - y) * (1 + y))
                                                                  + y * mpmath.sqrt((1 - x) * (1 + x))))
    else:
        gap = mpmath.asin(x) - mpmath.asin(y)
    return sigma_w2 * 2 / mpmath.pi * gap / q


def one_minus_correlation_map_raw(activation, one_minus_c, sigma_w2, q, tol, order: int = 0):
    """At the fixed point q = q*: (f^(order)(1) - f^(order)(1 - delta)) / (sigma_w^2 q^(order-1)) * ...

    Returns (value, err) of D_order(delta) = sigma_w^2 q^(order-1) E[(phi^(order)(u) - phi^(order)(v))^2] / 2,
    which equals f^(order)(1) - f^(order)(1 - delta); for order 0 that is 1 - f(1 - delta).
    No cancellation for small delta.
    """
    act = activation_of(activation)
    q = param(q)
    even = bool(act.extra.get("odd") or act.extra.get("even")) if act.extra else False
    diff = act.extra.get("difference") if act.extra else None
    if diff is None:
        from asymptotics.smooth import difference as generic
        diff = lambda a, b, k: generic(act, a, b, k)  # noqa: E731
    sq, err = gaussian.squared_difference_raw(diff, q, one_minus_c, tol, even_outer=even, order=order)
    factor = sigma_w2 * q ** (order - 1) / 2
    return factor * sq, factor * err
