"""Edge of Chaos: fixed point q*, chi_1, the EOC weight sigma_w(sigma_b), phases, depth scales.

Definitions (Schoenholz, Gilmer, Ganguli, Sohl-Dickstein, "Deep Information Propagation", 2017;
restated in seed 001, Hayou, Doucet, Rousseau, lines 627-633 and Facts 1-4):

* q* is the stable fixed point of the variance map V(q) = sigma_b^2 + sigma_w^2 E[phi(sqrt(q) Z)^2];
* chi_1 = sigma_w^2 E[phi'(sqrt(q*) Z)^2] = f'(1); ordered phase chi_1 < 1, EOC chi_1 = 1,
  chaotic phase chi_1 > 1;
* depth scales: xi_q = -1 / log(chi_q) with chi_q = V'(q*) = chi_1 + sigma_w^2 E[phi phi''](q*), and
  xi_c = -1 / log(chi_c) with chi_c = f'(c*) at the stable correlation fixed point c*
  (c* = 1 in the ordered phase, so chi_c = chi_1; c* < 1 in the chaotic phase; xi_c = infinity on the EOC).

EOC solver: eliminate sigma_w^2 = 1 / E[phi'(sqrt(q) Z)^2] and solve
R(q) = sigma_b^2 + E[phi^2] / E[phi'^2] - q = 0 by Newton's method, with
dE[h(sqrt(q) Z)]/dq = E[h''(sqrt(q) Z)] / 2 (heat equation) for the derivative.  Twice: with the
trapezoid rule at dps + 12 and with tanh-sinh quadrature at dps + 6 (or a closed form at two
precisions for erf); the two results agree to the reported radius.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from fractions import Fraction
from typing import Optional

import mpmath

from asymptotics import gaussian
from asymptotics.accuracy import AGREEMENT, Approx, format_approx, rounded_rational
from asymptotics.activations import Activation
from asymptotics.dual import (activation_of, check_sigma, derivatives_at_one, erf_cross, erf_moment,
                              erf_one_minus_correlation, moments_raw, one_minus_correlation_map_raw, param)
from asymptotics.eoc_existence import Q_SEARCH_MAX, check_search_range, no_eoc_reason, search_start
from asymptotics.gaussian import check_quadrature_digits
from asymptotics.validation import ComputationError, InputError, check_digits


@dataclass(frozen=True)
class EOCPoint:
    """(sigma_b, sigma_w) on the Edge of Chaos with q* and chi_1 (= 1 up to the stated accuracy)."""

    activation: str
    sigma_b: str
    sigma_w: Approx
    q_star: Optional[Approx]
    chi_1: Approx
    accuracy: str

    @property
    def q(self) -> Optional[Approx]:
        return self.q_star

    @property
    def digits(self) -> int:
        return min(self.sigma_w.correct_digits, self.q_star.correct_digits if self.q_star and self.q_star.mid else 10**6)

    def as_dict(self) -> dict:
        return {
            "activation": self.activation, "sigma_b": self.sigma_b,
            "sigma_w": self.sigma_w.as_dict(),
            "sigma_w2": _square(self.sigma_w).as_dict(),
            "q_star": self.q_star.as_dict() if self.q_star is not None else None,
            "chi_1": self.chi_1.as_dict(), "accuracy": self.accuracy,
        }


def _square(a: Approx) -> Approx:
    with mpmath.workprec(Approx._EXACT_BITS):
        return Approx(a.mid * a.mid, 2 * abs(a.mid) * a.rad + a.rad * a.rad, a.method)


# --- moments needed by Newton ------------------------------------------------------------

def _solver_moments(act: Activation, q, method: str, tol, with_derivative: bool):
    """[E phi^2, E phi'^2] (+ [E phi phi'', E phi''^2, E phi' phi''']) at sqrt(q) Z."""
    q = param(q)
    if method == "closed":
        scale = act.erf_scale
        base = [erf_moment(scale, q, 0), erf_moment(scale, q, 1)]
        return base
    top = 3 if with_derivative else 1

    def products(d):
        out = [d[0] ** 2, d[1] ** 2]
        if with_derivative:
            out += [d[0] * d[2], d[2] ** 2, d[1] * d[3]]
        return out

    all_d = act.extra.get("all_derivatives") if act.extra else None
    derivs = [act.derivative(j) for j in range(top + 1)]
    if all_d is None:
        all_d = lambda x, n: [derivs[j](x) for j in range(n + 1)]  # noqa: E731
    if method == "trapezoid" and not act.kink:
        root_q = mpmath.sqrt(q)
        even = bool(act.extra.get("odd") or act.extra.get("even")) if act.extra else False
        values, _ = gaussian.trapezoid_raw(lambda z: products(all_d(root_q * z, top)), tol, even=even)
        return values
    n = len(products([mpmath.mpf(1)] * (top + 1)))
    return [gaussian.tanh_sinh_raw(lambda x, i=i: products(all_d(x, top))[i], q, act.kink)[0] for i in range(n)]


def _rule_label(act: Activation, method: str) -> str:
    """The rule :func:`_solver_moments` really uses for ``method`` (kinks force tanh-sinh split there)."""
    if method == "closed":
        return "closed form"
    if act.kink:
        return f"tanh-sinh split at x = {', '.join(str(k) for k in act.kink)}"
    return "trapezoid rule" if method == "trapezoid" else "tanh-sinh"


def _has_order(act: Activation, order: int) -> bool:
    """phi^(order) is available and is the true derivative (phi^(order-1) continuous: no Dirac part),
    as Newton's slope formulas need."""
    try:
        act.derivative(order)
    except InputError:
        return False
    return act.derivative_is_continuous(order - 1)


def _newton(fun_and_derivative, q0, target_digits: int, max_iter: int = 40):
    """Newton's method from q0.

    Stops once the step is below 10^-(target+1) relative, or once the steps stop shrinking below
    10^-(target-3) relative (the quadrature noise floor; the final accuracy is measured anyway by
    the agreement of two independent rules).
    """
    q = q0
    last = None
    for _ in range(max_iter):
        value, slope = fun_and_derivative(q)
        if slope == 0:
            raise ComputationError("EOC solver: Newton's method met a zero derivative (degenerate fixed point?)")
        step = value / slope
        q = q - step
        if q <= 0:
            raise ComputationError("EOC solver: Newton's method left q > 0 (no positive solution near the start)")
        relative = abs(step) / abs(q)
        if relative <= mpmath.mpf(10) ** (-(target_digits + 1)):
            return q
        if last is not None and relative >= last and relative <= mpmath.mpf(10) ** (-(target_digits - 3)):
            return q
        last = relative
    raise ComputationError(f"EOC solver: Newton's method did not converge in {max_iter} steps "
                           f"(last relative step {mpmath.nstr(last, 3)})")


def _scan_bracket(fun, lo=mpmath.mpf("1e-6"), hi=Q_SEARCH_MAX, factor=mpmath.mpf("1.6")):
    """First sign change + -> - of fun on a geometric grid."""
    q_prev, f_prev = lo, fun(lo)
    q = lo * factor
    while q <= hi:
        f = fun(q)
        if f_prev > 0 and f <= 0:
            return q_prev, q
        q_prev, f_prev = q, f
        q *= factor
    return None


# --- the EOC point ------------------------------------------------------------------------

def _eoc_q_raw(act: Activation, sb2, method: str, target: int):
    """q* on the EOC at the working precision, with the given quadrature rule."""
    tol = mpmath.mpf(10) ** (-(target + 4))
    newton = method != "closed" and _has_order(act, 3)

    def residual(q):
        m = _solver_moments(act, q, method, tol, False)
        return sb2 + m[0] / m[1] - q

    def residual_and_slope(q):
        v0, v1, m02, m22, m13 = _solver_moments(act, q, method, tol, True)
        dv0, dv1 = v1 + m02, m22 + m13
        return sb2 + v0 / v1 - q, (dv0 * v1 - v0 * dv1) / v1**2 - 1

    # a start from a cheap low-precision solve
    with mpmath.workdps(15):
        low_tol = mpmath.mpf("1e-13")

        def low_residual(q):
            m = _solver_moments(act, q, "closed" if method == "closed" else "trapezoid", low_tol, False)
            return mpmath.mpf(sb2) + m[0] / m[1] - q

        start = search_start(sb2)
        bracket = _scan_bracket(low_residual, start)
        if bracket is None:
            raise ComputationError(f"no Edge-of-Chaos point found for {act.name} with sigma_b^2 = "
                                   f"{mpmath.nstr(sb2, 8)}: R(q) has no sign change for q in [{mpmath.nstr(start, 3)}, "
                                   f"{mpmath.nstr(Q_SEARCH_MAX, 2)}], the range searched (larger q: too costly)")
        q0 = mpmath.findroot(low_residual, bracket, solver="anderson")
    q0 = mpmath.mpf(q0)
    if newton:
        return _newton(residual_and_slope, q0, target)
    return mpmath.findroot(residual, (q0, q0 * (1 + mpmath.mpf("1e-8"))), solver="secant",
                           tol=mpmath.mpf(10) ** (-2 * (target + 2)), maxsteps=60)


def edge_of_chaos(activation, sigma_b, dps: int = 30) -> EOCPoint:
    """The EOC point for ``sigma_b``: sigma_w with sigma_w^2 E[phi'(sqrt(q*) Z)^2] = 1 and q* = V(q*).

    Accuracy: the difference between two independent computations (trapezoid rule at dps + 12
    against tanh-sinh at dps + 6; for erf the closed form at dps + 12 against tanh-sinh).
    chi_1 is re-evaluated with the second rule at the first solution, so it shows how close to
    1 the reported point really is.
    """
    if isinstance(activation, str) and isinstance(sigma_b, (int, float, str)) and isinstance(dps, int):
        return _edge_of_chaos_cached(activation.strip().lower(), str(sigma_b), dps)
    return _edge_of_chaos(activation, sigma_b, dps)


@lru_cache(maxsize=64)
def _edge_of_chaos_cached(activation: str, sigma_b: str, dps: int) -> EOCPoint:
    return _edge_of_chaos(activation, sigma_b, dps)


def _edge_of_chaos(activation, sigma_b, dps: int = 30) -> EOCPoint:
    check_sigma("sigma_b", sigma_b)
    dps = check_digits("dps", dps)
    act = activation_of(activation)
    sb_text = str(sigma_b.mid if isinstance(sigma_b, Approx) else sigma_b)
    act.derivative(1)
    if act.is_relu_family:
        return _relu_eoc(act, sigma_b, sb_text)
    reason = no_eoc_reason(act)
    if reason:
        raise InputError("activation", f"{act.name} has no Edge of Chaos for any sigma_b: {reason}")
    dps = check_quadrature_digits("dps", dps)
    with mpmath.workdps(30):
        check_search_range(param(sigma_b) ** 2)
    with mpmath.workdps(dps + 12):
        sb2 = param(sigma_b) ** 2
        at_zero = act.derivative(0)(mpmath.mpf(0))
        if sb2 == 0 and at_zero == 0:
            return _zero_variance_eoc(act, sb_text, dps)
    first = "closed" if act.erf_scale is not None else "trapezoid"
    with mpmath.workdps(dps + 12):
        q_a = _eoc_q_raw(act, param(sigma_b) ** 2, first, dps + 8)
        m_a = _solver_moments(act, q_a, first, mpmath.mpf(10) ** (-(dps + 10)), False)
        sw_a = 1 / mpmath.sqrt(m_a[1])
    with mpmath.workdps(dps + 6):
        q_b = _eoc_q_raw(act, param(sigma_b) ** 2, "tanh-sinh", dps + 3)
        m_b = _solver_moments(act, q_b, "tanh-sinh", None, False)
        sw_b = 1 / mpmath.sqrt(m_b[1])
        chi_check = sw_a**2 * _solver_moments(act, q_a, "tanh-sinh", None, False)[1]
    with mpmath.workdps(dps + 20):
        floor = mpmath.mpf(10) ** (-(dps + 5))
        sigma_w = Approx(+sw_a, max(abs(sw_a - sw_b), floor * sw_a), AGREEMENT)
        q_star = Approx(+q_a, max(abs(q_a - q_b), floor * q_a), AGREEMENT)
        chi_1 = Approx(mpmath.mpf(1), max(abs(chi_check - 1), floor), AGREEMENT)
    rules = f"{_rule_label(act, first)} (dps {dps + 12}) vs {_rule_label(act, 'tanh-sinh')} (dps {dps + 6})"
    accuracy = f"{min(sigma_w.correct_digits, q_star.correct_digits)} digits: agreement of {rules}"
    return EOCPoint(act.name, sb_text, sigma_w, q_star, chi_1, accuracy)


def _relu_eoc(act, sigma_b, sb_text) -> EOCPoint:
    a, b = act.slopes
    if Fraction(str(sigma_b)) != 0:
        raise InputError("sigma_b", f"{act.name} has Edge-of-Chaos points only at sigma_b = 0 "
                                    "(with sigma_b > 0 the variance map has no fixed point when chi_1 = 1)")
    with mpmath.workdps(60):
        sw = mpmath.sqrt(2 / param(a * a + b * b))
    return EOCPoint(act.name, sb_text, Approx(sw, mpmath.mpf(10) ** -55, AGREEMENT), None,
                    Approx(mpmath.mpf(1), mpmath.mpf(0), AGREEMENT),
                    "closed form sigma_w = sqrt(2 / (a^2 + b^2)); q* is not determined (every q is a fixed point)")


def _zero_variance_eoc(act, sb_text, dps) -> EOCPoint:
    with mpmath.workdps(dps + 20):
        slope = act.derivative(1)(mpmath.mpf(0))
        if slope == 0:
            raise InputError("activation", f"{act.name} has phi'(0) = 0: no EOC at sigma_b = 0")
        sw = 1 / abs(slope)
        rad = abs(sw) * mpmath.mpf(10) ** (-(dps + 15))
        return EOCPoint(act.name, sb_text, Approx(sw, rad, AGREEMENT), Approx(mpmath.mpf(0), mpmath.mpf(0), AGREEMENT),
                        Approx(mpmath.mpf(1), mpmath.mpf(0), AGREEMENT),
                        "sigma_b = 0 and phi(0) = 0: q* = 0 and sigma_w = 1/|phi'(0)| exactly")


def eoc_sigma_w(activation, sigma_b, dps: int = 30) -> Approx:
    """The sigma_w that puts (sigma_b, sigma_w) on the Edge of Chaos."""
    return edge_of_chaos(activation, sigma_b, dps).sigma_w


def eoc_curve(activation, sigma_b_values, dps: int = 20) -> list:
    """EOC points for each sigma_b (the EOC curve sigma_w(sigma_b))."""
    return [edge_of_chaos(activation, sb, dps) for sb in sigma_b_values]


def derivative_at_one(activation, sigma_b, order: int, dps: int = 30) -> Approx:
    """f^(order)(1) on the Edge of Chaos for this sigma_b (for the symbolic series of issue 4).

    f^(j)(1) = sigma_w^2 q*^(j-1) E[phi^(j)(sqrt(q*) Z)^2] (seed 001 Fact 6 with the sqrt(q) factor).
    """
    return derivatives_at_one_eoc(activation, sigma_b, order, dps)[order]


def derivatives_at_one_eoc(activation, sigma_b, max_order: int, dps: int = 30) -> list:
    """[f(1), f'(1), ..., f^(max_order)(1)] on the EOC (Approx each; f(1) = f'(1) = 1 up to accuracy)."""
    if isinstance(activation, str) and isinstance(sigma_b, (int, float, str)) and isinstance(dps, int):
        return list(_derivatives_cached(activation.strip().lower(), str(sigma_b), max_order, dps))
    return _derivatives_at_one_eoc(activation, sigma_b, max_order, dps)


@lru_cache(maxsize=64)
def _derivatives_cached(activation, sigma_b, max_order, dps):
    return tuple(_derivatives_at_one_eoc(activation, sigma_b, max_order, dps))


def _derivatives_at_one_eoc(activation, sigma_b, max_order, dps):
    point = edge_of_chaos(activation, sigma_b, dps + 5)
    return derivatives_at_one(activation, point.sigma_w, sigma_b, max_order, dps, q=point.q_star)


def derivatives_at_fixed_point(activation, sigma_w, sigma_b, max_order: int, dps: int = 30) -> list:
    """[f(1), ..., f^(max_order)(1)] at the fixed point q*(sigma_b, sigma_w) of the variance map."""
    q = variance_fixed_point(activation, sigma_w, sigma_b, dps + 5)
    return derivatives_at_one(activation, sigma_w, sigma_b, max_order, dps, q=q)


# --- fixed point of the variance map, phases, depth scales ------------------------------------

def fixed_point_raw(act: Activation, sw2, sb2, method: str, target: int):
    """q* = sigma_b^2 + sigma_w^2 E[phi(sqrt(q*) Z)^2] as a bare mpf (no error estimate), about ``target`` digits.

    A bracket scan at 15 digits, then Newton on the moments of ``method`` at the caller's working
    precision.  :func:`fixed_point` wraps it in two runs for an agreement error; the phase diagram
    (:mod:`asymptotics.phase_diagram`) calls it directly and does its own two runs.
    """
    tol = mpmath.mpf(10) ** (-(target + 4))
    newton = method != "closed" and _has_order(act, 2)

    def gap(q):
        return sb2 + sw2 * _solver_moments(act, q, method, tol, False)[0] - q

    def gap_and_slope(q):
        v0, v1, m02, _, _ = _solver_moments(act, q, method, tol, True)
        return sb2 + sw2 * v0 - q, sw2 * (v1 + m02) - 1

    with mpmath.workdps(15):
        low_method = "closed" if method == "closed" else "trapezoid"

        def low_gap(q):
            return mpmath.mpf(sb2) + mpmath.mpf(sw2) * _solver_moments(act, q, low_method, mpmath.mpf("1e-13"), False)[0] - q

        bracket = _scan_bracket(low_gap, search_start(sb2) if sb2 > 0 else mpmath.mpf("1e-6"))
        if bracket is None:
            if low_gap(mpmath.mpf("1e-6")) <= 0:
                return mpmath.mpf(0)  # q* = 0 is the stable fixed point (sigma_b = 0, phi(0) = 0)
            raise ComputationError(f"the variance map of {act.name} has no fixed point below q = 1e6, the range "
                                   "searched (the variance may diverge with depth; larger q: too costly)")
        q0 = mpmath.mpf(mpmath.findroot(low_gap, bracket, solver="anderson"))
    if newton and _has_order(act, 3):
        return _newton(gap_and_slope, q0, target)
    return mpmath.findroot(gap, (q0, q0 * (1 + mpmath.mpf("1e-8"))), solver="secant",
                           tol=mpmath.mpf(10) ** (-2 * (target + 2)), maxsteps=60)


def variance_fixed_point(activation, sigma_w, sigma_b, dps: int = 30) -> Approx:
    """The stable fixed point q* of V(q) = sigma_b^2 + sigma_w^2 E[phi(sqrt(q) Z)^2] (seed 001 Fact 1).

    Two rules (see :func:`edge_of_chaos`).  InputError when the variance diverges.
    """
    check_sigma("sigma_w", sigma_w)
    check_sigma("sigma_b", sigma_b)
    dps = check_digits("dps", dps)
    act = activation_of(activation)
    if act.is_relu_family:
        a, b = act.slopes
        sw2 = Fraction(str(sigma_w.mid if isinstance(sigma_w, Approx) else sigma_w)) ** 2
        sb2 = Fraction(str(sigma_b.mid if isinstance(sigma_b, Approx) else sigma_b)) ** 2
        gain = sw2 * (a * a + b * b) / 2
        if gain >= 1:
            raise InputError("sigma_w", f"the variance of {act.name} has no finite fixed point for "
                                        f"sigma_w^2 (a^2+b^2)/2 = {gain} >= 1 (it diverges or every q is fixed)")
        with mpmath.workdps(dps + 20):
            exact = sb2 / (1 - gain)
            return Approx(param(exact), mpmath.mpf(0), AGREEMENT)
    dps = check_quadrature_digits("dps", dps)
    with mpmath.workdps(30):
        check_search_range(param(sigma_b) ** 2)
    first = "closed" if act.erf_scale is not None else "trapezoid"
    with mpmath.workdps(dps + 12):
        q_a = fixed_point_raw(act, param(sigma_w) ** 2, param(sigma_b) ** 2, first, dps + 8)
    with mpmath.workdps(dps + 6):
        q_b = fixed_point_raw(act, param(sigma_w) ** 2, param(sigma_b) ** 2, "tanh-sinh", dps + 3)
    with mpmath.workdps(dps + 20):
        return Approx(+q_a, max(abs(q_a - q_b), abs(q_a) * mpmath.mpf(10) ** (-(dps + 5))), AGREEMENT)


@dataclass(frozen=True)
class Phase:
    """Phase of (sigma_b, sigma_w) with the quantities that decide it."""

    activation: str
    sigma_b: str
    sigma_w: str
    phase: str                      # 'ordered' | 'eoc' | 'chaotic'
    q_star: Optional[Approx]
    chi_1: Approx
    chi_q: Optional[Approx]
    xi_q: Optional[Approx]
    c_star: Optional[Approx]
    chi_c: Optional[Approx]
    xi_c: Optional[Approx]          # None: infinite (EOC) or undefined
    note: str = ""

    def as_dict(self) -> dict:
        def d(x):
            return x.as_dict() if isinstance(x, Approx) else x
        return {k: d(getattr(self, k)) for k in ("activation", "sigma_b", "sigma_w", "phase", "q_star", "chi_1",
                                                  "chi_q", "xi_q", "c_star", "chi_c", "xi_c", "note")}


def _depth_scale(chi: Approx) -> Optional[Approx]:
    """-1/log(chi) with its propagated radius; None when chi's ball contains 1 (infinite scale)."""
    with mpmath.workdps(60):
        if abs(chi.mid - 1) <= chi.rad or chi.mid <= 0:
            return None
        value = -1 / mpmath.log(chi.mid)
        slope = 1 / (chi.mid * mpmath.log(chi.mid) ** 2)
        return Approx(value, abs(slope) * chi.rad * 2, chi.method)


def classify(activation, sigma_b, sigma_w, dps: int = 20) -> Phase:
    """Phase of (sigma_b, sigma_w): ordered (chi_1 < 1), EOC (chi_1 = 1 within accuracy) or chaotic,
    with q*, chi_1, chi_q, xi_q, the stable correlation c*, chi_c = f'(c*) and xi_c."""
    check_sigma("sigma_b", sigma_b)
    check_sigma("sigma_w", sigma_w)
    dps = check_quadrature_digits("dps", dps)
    act = activation_of(activation)
    sb_text, sw_text = (str(x.mid if isinstance(x, Approx) else x) for x in (sigma_b, sigma_w))
    if act.is_relu_family:
        return _relu_phase(act, sigma_b, sigma_w, sb_text, sw_text)
    q = variance_fixed_point(act, sigma_w, sigma_b, dps)
    # chi_1 and chi_q at q*, two rules; q's radius propagated with a finite-difference slope
    pieces = {}
    for method, wp in (("trapezoid" if not act.kink else "tanh-sinh", dps + 12), ("tanh-sinh", dps + 6)):
        with mpmath.workdps(wp):
            sw2 = param(sigma_w) ** 2
            with_d = _has_order(act, 3)
            m = _solver_moments(act, q.mid, method, mpmath.mpf(10) ** (-(dps + 9)), with_d)
            pieces[method if method not in pieces else method + "2"] = (sw2 * m[1], sw2 * (m[1] + m[2]) if with_d else None)
    (chi_a, chiq_a), (chi_b, chiq_b) = list(pieces.values())
    with mpmath.workdps(dps + 20):
        floor = mpmath.mpf(10) ** (-(dps + 5))
        chi_1 = Approx(+chi_a, max(abs(chi_a - chi_b), floor) + abs(chiq_a or chi_a) * q.rad, AGREEMENT)
        chi_q = (Approx(+chiq_a, max(abs(chiq_a - chiq_b), floor) + abs(chiq_a) * q.rad, AGREEMENT)
                 if chiq_a is not None else None)
    xi_q = _depth_scale(chi_q) if chi_q is not None else None
    if abs(chi_1.mid - 1) <= chi_1.rad:
        return Phase(act.name, sb_text, sw_text, "eoc", q, chi_1, chi_q, xi_q,
                     Approx(mpmath.mpf(1), mpmath.mpf(0), AGREEMENT), chi_1, None,
                     "chi_1 = 1 within the accuracy: Edge of Chaos (xi_c infinite)")
    if chi_1.mid < 1:
        return Phase(act.name, sb_text, sw_text, "ordered", q, chi_1, chi_q, xi_q,
                     Approx(mpmath.mpf(1), mpmath.mpf(0), AGREEMENT), chi_1, _depth_scale(chi_1),
                     "c* = 1 attracts: correlations converge to 1 exponentially")
    c_star, chi_c = _chaotic_fixed_point(act, sigma_w, sigma_b, q, dps)
    return Phase(act.name, sb_text, sw_text, "chaotic", q, chi_1, chi_q, xi_q, c_star, chi_c, _depth_scale(chi_c),
                 "c = 1 repels: correlations converge to c* < 1 exponentially")


def _chaotic_fixed_point(act, sigma_w, sigma_b, q: Approx, dps: int):
    """c* < 1 with f(c*) = c* and chi_c = f'(c*), solved in delta = 1 - c at two precisions."""
    results = []
    for wp in (dps + 6, dps + 12):
        with mpmath.workdps(wp):
            tol = mpmath.mpf(10) ** (-(wp - 3))
            sw2, qq = param(sigma_w) ** 2, param(q)
            scale = act.erf_scale

            def gain(delta):  # (1 - f(1 - delta)) - delta, at the fixed point q*
                if scale is not None:  # closed form (quadrature of erf differences is slow)
                    return erf_one_minus_correlation(scale, qq, sw2, delta) - delta
                return one_minus_correlation_map_raw(act, delta, sw2, qq, tol)[0] - delta

            if results:
                # second precision: secant from the first root (a few quadratures instead of ~20)
                start = mpmath.mpf(1 - results[0][0])
                delta = mpmath.findroot(gain, (start, start * (1 + mpmath.mpf(10) ** -(dps // 2))),
                                        solver="secant", tol=tol**2, maxsteps=30)
            else:
                # bracket: gain > 0 just below c = 1 (chi_1 > 1), gain < 0 at c = 0 or beyond; near the EOC
                # 1 - c* is about 2 (chi_1 - 1) / f''(1), so shrink lo until the sign flips
                hi = mpmath.mpf(1) if gain(mpmath.mpf(1)) < 0 else mpmath.mpf(2)  # c* <= 0 in the second case
                lo, smallest = mpmath.mpf("1e-4"), mpmath.mpf(10) ** (-(wp - 5))
                while gain(lo) <= 0:
                    if lo < smallest:
                        raise ComputationError(f"chaotic fixed point c* not resolved at {wp} digits: 1 - c* < {lo}")
                    lo, hi = lo / 100, lo
                delta = mpmath.findroot(gain, (lo, hi), solver="anderson", tol=tol**2)
            if scale is not None:
                results.append((1 - delta, sw2 * erf_cross(scale, qq, 1 - delta, 1)))
                continue
            (m1,), _ = moments_raw(act, qq, [1], "trapezoid" if not act.kink else "tanh-sinh", tol)
            d1 = one_minus_correlation_map_raw(act, delta, sw2, qq, tol, order=1)[0]
            results.append((1 - delta, sw2 * m1 - d1))
    (c_hi, chi_hi), (c_lo, chi_lo) = results[1], results[0]
    with mpmath.workdps(dps + 20):
        return (Approx(+c_hi, abs(c_hi - c_lo) + mpmath.mpf(10) ** (-(dps + 3)), AGREEMENT),
                Approx(+chi_hi, abs(chi_hi - chi_lo) + mpmath.mpf(10) ** (-(dps + 3)), AGREEMENT))


def relu_phase_from_variances(activation, sigma_b2, sigma_w2) -> Phase:
    """Phase of a ReLU-family network given the exact variances sigma_b^2, sigma_w^2 (rationals such as
    Fraction(200, 101) or the text '200/101'): no square root, so the EOC sigma_w^2 = 2/(a^2+b^2) is
    reached exactly."""
    act = activation_of(activation)
    if not act.is_relu_family:
        raise InputError("sigma_w2", f"exact variances are for the ReLU family (closed forms); {act.name} needs sigma_w")
    sb2, sw2 = exact_variance("sigma_b2", sigma_b2), exact_variance("sigma_w2", sigma_w2)
    return _relu_phase_exact(act, sb2, sw2, f"sqrt({sb2})", f"sqrt({sw2})")


def exact_variance(name, value) -> Fraction:
    if isinstance(value, bool):
        raise InputError(name, f"expected a number, got {value!r}")
    try:
        x = value if isinstance(value, Fraction) else Fraction(str(value).strip())
    except (ValueError, ZeroDivisionError):
        raise InputError(name, f"expected a non-negative rational such as 2 or 200/101, got {value!r}") from None
    if x < 0:
        raise InputError(name, f"a variance must be >= 0, got {value!r}")
    return x


def _relu_phase(act, sigma_b, sigma_w, sb_text, sw_text) -> Phase:
    sw2 = Fraction(str(sigma_w)) ** 2
    sb2 = Fraction(str(sigma_b)) ** 2
    return _relu_phase_exact(act, sb2, sw2, sb_text, sw_text)


def _relu_phase_exact(act, sb2: Fraction, sw2: Fraction, sb_text, sw_text) -> Phase:
    a, b = act.slopes
    gain = sw2 * (a * a + b * b) / 2
    with mpmath.workdps(40):
        chi = rounded_rational(gain)  # exact rationals, rounded once (the radius is that rounding)
        one = rounded_rational(1)
        if gain < 1:
            q = rounded_rational(sb2 / (1 - gain))
            return Phase(act.name, sb_text, sw_text, "ordered", q, chi, chi, _depth_scale(chi), one, chi,
                         _depth_scale(chi), "closed form: q* = sigma_b^2 / (1 - sigma_w^2 (a^2+b^2)/2)")
        if gain == 1 and sb2 == 0:
            return Phase(act.name, sb_text, sw_text, "eoc", None, chi, chi, None, one, chi, None,
                         "ReLU-family EOC: sigma_b = 0, sigma_w^2 (a^2+b^2)/2 = 1; every q is a fixed point")
        return Phase(act.name, sb_text, sw_text, "chaotic", None, chi, chi, None, None, None, None,
                     "the variance grows without bound with depth (no fixed point q*)")


def describe(point: EOCPoint) -> str:
    q = format_approx(point.q_star) if point.q_star is not None else "undetermined"
    return (f"{point.activation}, sigma_b = {point.sigma_b}: sigma_w = {format_approx(point.sigma_w)}, "
            f"q* = {q}, chi_1 = {format_approx(point.chi_1)} [{point.accuracy}]")
