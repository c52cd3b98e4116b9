"""Correlation depth recursion c^(l+1) = f(c^l) for tanh on the Edge of Chaos, to depth 10^6+ at 30+ digits.

Evaluating the two-dimensional Gaussian integral of f at 50 digits a million times is out of the
question; this module splits the trajectory in two regions and works in delta = 1 - c throughout
(seed 001 Fact 5 for f, Fact 6 for its derivatives; notation of :mod:`asymptotics.dual`).

Near c = 1 (delta <= delta_switch): the Taylor polynomial of g(delta) = 1 - f(1 - delta),

    g(delta) = sum_{j=1}^{J} (-1)^(j+1) B_j delta^j,   B_j = f^(j)(1) / j! = sigma_w^2 q^(j-1) E[phi^(j)(sqrt(q) Z)^2] / j!,

with the coefficients computed once.  Remainder: |f^(J+1)(c)| <= f^(J+1)(1) for every c in [-1, 1]
(Cauchy-Schwarz on Fact 6), so |R_J(delta)| <= B_{J+1} delta^(J+1), a rigorous bound given B_{J+1}.
The degree J(delta) is the least one with B_{J+1} delta^(J+1) <= 2^-P.  (For tanh the Taylor series
at c = 1 diverges: B_j grows like j! (4 q / pi^2)^j, because f is smooth but not analytic at 1;
only the truncated polynomial with its remainder is used, which is why a switch point exists.)

Far from 1 (delta > delta_switch, a few hundred layers): 1 - f(1 - delta) = sigma_w^2/(2 q) *
E[(tanh u - tanh v)^2] in the principal axes u = a + b, v = a - b, with
tanh(a+b) - tanh(a-b) = 2 B (1 - A^2) / (1 - A^2 B^2) (A = tanh a, B = tanh b): no cancellation.
The double integral uses the trapezoid rule with step h chosen from the analyticity strip and
the coarse sub-grid (step 2h) as error estimate.

Arithmetic: fixed point, Python integers scaled by 2^P (each operation rounds by at most one
unit 2^-P, a bound that is tracked).  Error propagation: g'(delta) = f'(1 - delta) lies in
[0, 1 - f''(1) delta + f'''(1) delta^2 / 2] for c in [0, 1] (the Hermite coefficients of f are
non-negative, so f^(k) >= 0 on [0, 1] and the alternating Taylor bounds hold), and |g'| <= 1 on
[-1, 1]; so the absolute error e_l of delta_l obeys e_{l+1} <= gamma_l e_l + eps_l with the
local rounding/truncation/coefficient error eps_l.  The reported radius is this bound; it is
rigorous given the accuracy of the quadrature-computed constants (q*, sigma_w, B_j), which is
"agreement" accuracy (two precisions and two step sizes), so the method is labelled 'agreement'.

Scope: tanh (all quantities have cancellation-free fast paths).  Other smooth activations:
:func:`asymptotics.dual.one_minus_correlation_map_raw` gives single steps at any precision.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from functools import lru_cache

import mpmath
import numpy as np

from asymptotics.accuracy import AGREEMENT, Approx, format_approx
from asymptotics.dual import activation_of, param
from asymptotics.eoc import edge_of_chaos
from asymptotics.gaussian import MAX_QUADRATURE_DIGITS
from asymptotics.smooth import tanh_polynomials
from asymptotics.validation import InputError, check_correlation, check_depths, check_digits

DEFAULT_MAX_DEGREE = 80


@dataclass(frozen=True)
class DepthValues:
    depth: int
    one_minus_c: Approx
    c: Approx
    f_prime: Approx            # f'(c^l), the factor of Sigma-dot on the EOC (f'(c) = sigma_w^2 E[phi' phi'] / 1)
    one_minus_f_prime: Approx

    def as_dict(self) -> dict:
        return {"depth": self.depth, "one_minus_c": self.one_minus_c.as_dict(), "c": self.c.as_dict(),
                "f_prime": self.f_prime.as_dict(), "one_minus_f_prime": self.one_minus_f_prime.as_dict()}


@dataclass(frozen=True)
class SmoothDepthTrajectory:
    activation: str
    sigma_b: str
    sigma_w: Approx
    q_star: Approx
    c_start: str
    digits: int
    precision_bits: int
    delta_switch: float
    far_layers: int
    max_degree: int
    seconds: float
    values: dict = field(default_factory=dict)
    accuracy: str = ""

    def at(self, depth: int) -> DepthValues:
        if depth not in self.values:
            raise InputError("depth", f"depth {depth} was not requested (have {sorted(self.values)})")
        return self.values[depth]

    @property
    def depths(self):
        return sorted(self.values)

    def as_dict(self) -> dict:
        return {"activation": self.activation, "sigma_b": self.sigma_b, "sigma_w": self.sigma_w.as_dict(),
                "q_star": self.q_star.as_dict(), "c_start": self.c_start, "digits": self.digits,
                "precision_bits": self.precision_bits, "delta_switch": self.delta_switch,
                "far_layers": self.far_layers, "max_degree": self.max_degree, "seconds": round(self.seconds, 2),
                "accuracy": self.accuracy, "layers": [self.values[d].as_dict() for d in self.depths]}


# --- fixed-point helpers --------------------------------------------------------------------

def _to_fixed(x, bits: int) -> int:
    """round(x 2^bits) for an mpf x (exact shift of its mantissa)."""
    if not isinstance(x, mpmath.mpf):
        with mpmath.workprec(bits + 64):
            x = mpmath.mpf(x)
    sign, man, exp, _ = x._mpf_  # man_exp drops the sign
    man = -int(man) if sign else int(man)
    shift = exp + bits
    if shift >= 0:
        return man << shift
    return (man + (1 << (-shift - 1))) >> -shift


def _from_fixed(n: int, bits: int):
    return mpmath.ldexp(mpmath.mpf(n), -bits)


# Float error bookkeeping: every float operation on an error (in units of 2^-bits) rounds by at most
# 2^-53 relative; multiplying the carried error by (factor + SLACK) each layer, with SLACK well above
# a few such roundings and above the float rounding of gamma itself (|gamma| <= 2), keeps the float
# value above the exact recurrence it stands for.
SLACK = 2.0 ** -48


def _units(x, bits: int) -> float:
    """x / 2^-bits as a float rounded up (x an mpf >= 0)."""
    with mpmath.workprec(64):
        return float(mpmath.ldexp(mpmath.mpf(x), bits)) * (1 + 2.0 ** -50) + 2.0 ** -1000


def _step_size(strip, log_tol):
    """Trapezoid step for a Gaussian-weighted integrand analytic in |Im z| < strip.

    Error ~ exp(-2 pi y / h + y^2 / 2) for a contour at height y < strip; the best y is
    sqrt(2 (L + 5)) unless the strip is narrower.  Returned for the *coarse* grid.
    """
    y_best = math.sqrt(2 * (log_tol + 5))
    y = min(0.8 * strip, y_best)
    h = 2 * math.pi * y / (log_tol + 5 + y * y / 2)
    # round down to the ladder 2^(-k/8) so that grids repeat between layers (and are cached)
    return 2.0 ** (math.floor(8 * math.log2(h)) / 8)


@lru_cache(maxsize=256)
def _gauss_grid(h_fine: float, zmax: float, bits: int):
    """Nodes k h (k >= 0) and fixed-point weights h phi(kh) (x2 for k > 0: even integrands)."""
    nodes, weights = [], []
    with mpmath.workprec(bits + 64):
        h = mpmath.mpf(h_fine)
        norm = h / mpmath.sqrt(2 * mpmath.pi)
        k = 0
        while k * h_fine <= zmax:
            z = k * h
            nodes.append(z)
            weights.append(_to_fixed(norm * mpmath.exp(-z * z / 2) * (1 if k == 0 else 2), bits))
            k += 1
    return nodes, weights


# --- Taylor coefficients B_j = f^(j)(1)/j! for tanh --------------------------------------------

def _tanh_taylor_at(x_fixed_t: int, J: int, bits: int) -> list:
    """y_k = tanh^(k)(x)/k!, k = 0..J, from t = tanh(x) (fixed point) by the Riccati recurrence
    (k+1) y_{k+1} = [k = 0] - sum_{i=0}^{k} y_i y_{k-i}  (from y' = 1 - y^2)."""
    one = 1 << bits
    y = np.empty(J + 1, dtype=object)
    y[0] = x_fixed_t
    for k in range(J):
        conv = int(np.dot(y[: k + 1], y[k::-1])) >> bits
        y[k + 1] = ((one if k == 0 else 0) - conv) // (k + 1)
    return [int(v) for v in y]


def tanh_taylor_coefficients(q, sigma_w2, J: int, bits: int):
    """[B_0..B_J] as mpf (B_0 = E[tanh^2] sigma_w^2 / q, not f(1)), with fine/coarse trapezoid errors.

    E[y_j(sqrt(q) Z)^2] on the grid z = k h; the step is chosen for the order-J integrand
    (poles of order 2J+2 at distance pi/(2 sqrt q) from the real axis).
    """
    q, sigma_w2 = mpmath.mpf(q), mpmath.mpf(sigma_w2)
    strip = float(mpmath.pi / (2 * mpmath.sqrt(q)))
    log_tol = bits * math.log(2)
    # contour height y: need 2 pi y / h >= L + (2J+2) log(strip / (strip - y)) + y^2/2
    best = None
    for frac in [i / 20 for i in range(1, 19)]:
        y = frac * strip
        h = 2 * math.pi * y / (log_tol + 10 + (2 * J + 2) * math.log(strip / (strip - y)) + y * y / 2)
        best = h if best is None or h > best else best
    h_coarse = best
    zmax = math.sqrt(2 * (log_tol + 10)) + 1
    nodes, weights = _gauss_grid(h_coarse / 2, zmax, bits)
    sums_fine = [0] * (J + 1)
    sums_coarse = [0] * (J + 1)
    with mpmath.workprec(bits + 64):
        root_q = mpmath.sqrt(q)
        for k, (z, w) in enumerate(zip(nodes, weights)):
            t = _to_fixed(mpmath.tanh(root_q * z), bits)
            ys = _tanh_taylor_at(t, J, bits)
            for j in range(J + 1):
                term = (w * ys[j] * ys[j]) >> (2 * bits)
                sums_fine[j] += term
                if k % 2 == 0:
                    sums_coarse[j] += 2 * term
        out, errs = [], []
        for j in range(J + 1):
            # E[phi^(j)^2] / j! * q^(j-1) sigma_w^2 = sigma_w^2 q^(j-1) j! E[y_j^2]
            factor = sigma_w2 * q ** (j - 1) * mpmath.factorial(j)
            fine, coarse = _from_fixed(sums_fine[j], bits), _from_fixed(sums_coarse[j], bits)
            out.append(factor * fine)
            errs.append(factor * (abs(fine - coarse) + len(nodes) * (J + 4) * mpmath.ldexp(1, -bits)))
        return out, errs


# --- far region: one exact-quadrature step ----------------------------------------------------

class _FarStepper:
    """1 - f(1 - delta) and f'(1) - f'(1 - delta) for tanh by the principal-axis trapezoid rule."""

    def __init__(self, q, sigma_w2, bits, digits):
        with mpmath.workprec(bits + 64):  # (not at the caller's precision: that may be 53 bits)
            self.q, self.sigma_w2 = mpmath.mpf(q), mpmath.mpf(sigma_w2)
        self.bits = bits
        # relative accuracy 10^-(digits+12) per far layer: ample, their errors are damped later
        self.log_tol = min((bits - 8) * math.log(2), (digits + 12) * math.log(10))
        self.zmax = math.sqrt(2 * (self.log_tol + 5)) + 1

    def _grids(self, delta):
        q = self.q
        scale_a = mpmath.sqrt(q * (2 - delta) / 2)
        scale_b = mpmath.sqrt(q * delta / 2)
        # (scale 0: c = -1 for scale_a, c = 1 for scale_b; the integrand is then constant in that axis)
        h_a = _step_size(float(mpmath.pi / 2 / scale_a) if scale_a else math.inf, self.log_tol)
        h_b = _step_size(float(mpmath.pi / 2 / scale_b) if scale_b else math.inf, self.log_tol)
        return scale_a, scale_b, h_a, h_b

    def __call__(self, delta_fixed: int, order: int = 0):
        """(value, error bound) in fixed point for D_order(delta) (order 0: 1 - f(1 - delta))."""
        bits = self.bits
        one = 1 << bits
        with mpmath.workprec(bits + 64):
            delta = _from_fixed(delta_fixed, bits)
            scale_a, scale_b, h_a, h_b = self._grids(delta)
            za, wa = _gauss_grid(h_a / 2, self.zmax, bits)
            zb, wb = _gauss_grid(h_b / 2, self.zmax, bits)
            A2 = [_to_fixed(mpmath.tanh(scale_a * z) ** 2, bits) for z in za]
            B2 = [_to_fixed(mpmath.tanh(scale_b * z) ** 2, bits) for z in zb]
        if order == 0:
            # (tanh(a+b) - tanh(a-b))^2 = 4 B^2 (1 - A^2)^2 / (1 - A^2 B^2)^2
            WB = [(w * b2) >> bits for w, b2 in zip(wb, B2)]
            outer_factor = [(4 * (one - a2) ** 2) >> bits for a2 in A2]
            power = 2
        elif order == 1:
            # (tanh'(a+b) - tanh'(a-b))^2 = 16 A^2 B^2 (1-A^2)^2 (1-B^2)^2 / (1 - A^2 B^2)^4
            WB = [(((w * b2) >> bits) * (one - b2) ** 2) >> (2 * bits) for w, b2 in zip(wb, B2)]
            outer_factor = [(((16 * a2 * (one - a2) ** 2) >> (2 * bits))) for a2 in A2]
            power = 4
        else:
            raise InputError("order", "far-region differences are implemented for orders 0 and 1")
        # numpy object arrays of Python ints: exact integer arithmetic, loops in C
        B2_even, B2_odd = np.array(B2[0::2], dtype=object), np.array(B2[1::2], dtype=object)
        WB_even, WB_odd = np.array(WB[0::2], dtype=object) << bits, np.array(WB[1::2], dtype=object) << bits
        n_b = len(B2)

        def inner(a2, b2s, wbs):
            x = one - ((a2 * b2s) >> bits)
            den = (x * x) >> bits
            if power == 4:
                den = (den * den) >> bits
            # den rounds to 0 only where A^2 and B^2 are both within a unit of 1 (saturated tanh at large
            # q*), where the numerators (1 - A^2)^2 resp. (1 - B^2)^2 are 0 too: the term is 0, not 0/0
            den[den == 0] = 1
            return int((wbs // den).sum())

        fine_total = coarse_total = 0
        prev_f = 0
        for i, a2 in enumerate(A2):
            coarse = inner(a2, B2_even, WB_even)
            fine = coarse + inner(a2, B2_odd, WB_odd)
            f_i = (wa[i] * ((outer_factor[i] * fine) >> bits)) >> bits
            fine_total += f_i
            if i % 2 == 0:
                coarse_total += (4 * wa[i] * ((outer_factor[i] * coarse) >> bits)) >> bits
            # the outer integrand decays like exp(-s^2/2 - 4 scale_a s) past its peak: stop once
            # a term is below 2^-bits of the total (the rest is smaller still, geometrically)
            if i > 8 and i % 2 == 1 and f_i * (1 << bits) < fine_total and f_i < prev_f:
                break
            prev_f = f_i
        with mpmath.workprec(bits + 64):
            factor = self.sigma_w2 * self.q ** (order - 1) / 2
            fine_v = factor * _from_fixed(fine_total, bits)
            coarse_v = factor * _from_fixed(coarse_total, bits)
            rounding = factor * 64 * len(A2) * n_b * mpmath.ldexp(1, -bits) * 16
            err = abs(fine_v - coarse_v) + rounding
            return _to_fixed(fine_v, bits), err


# --- the recursion ------------------------------------------------------------------------------

def eoc_correlation_depths(activation="tanh", sigma_b=0.2, c_start=0.5, depths=(1, 10, 100, 1000, 10**4, 10**5, 10**6),
                           digits: int = 30, max_degree: int = DEFAULT_MAX_DEGREE, progress=None) -> SmoothDepthTrajectory:
    """c^l, 1 - c^l, f'(c^l) and 1 - f'(c^l) on the EOC for c^1 = c_start, at the requested depths.

    Depth 1 is the starting correlation (c^(l+1) = f(c^l)).  Every value is an Approx whose
    radius bounds the error given the accuracy of the EOC constants (see the module docstring).
    ``progress(done, total)`` is called now and then.
    """
    act = activation_of(activation)
    if act.name != "tanh":
        raise InputError("activation", f"the high-precision depth engine covers tanh (got {act.name!r}); "
                                       "use asymptotics.dual for single steps of other activations")
    check_correlation("c_start", c_start)
    digits = check_digits("digits", digits)
    if digits + 10 > MAX_QUADRATURE_DIGITS:  # the EOC constants are computed at digits + 10
        raise InputError("digits", f"{digits} digits requested; the depth engine needs the EOC constants at "
                                   f"digits + 10 <= {MAX_QUADRATURE_DIGITS}: at most {MAX_QUADRATURE_DIGITS - 10}")
    depths = check_depths("depths", depths)
    if isinstance(max_degree, bool) or not isinstance(max_degree, int) or not 4 <= max_degree <= 200:
        raise InputError("max_degree", f"expected an integer in [4, 200], got {max_degree!r}")
    started = time.time()
    L = depths[-1]
    bits = math.ceil((digits + 12) * math.log2(10)) + 2 * math.ceil(math.log2(L + 2)) + 24
    point = edge_of_chaos("tanh", sigma_b, digits + 10)
    if point.q_star is None or point.q_star.mid == 0:
        raise InputError("sigma_b", "sigma_b = 0 gives q* = 0 for tanh: the EOC correlation map is then the "
                                    "identity to first order in q; use sigma_b > 0")
    with mpmath.workprec(bits + 64):
        q, sw = param(point.q_star), param(point.sigma_w)
        sw2 = sw * sw
        rel_const = 2 * point.sigma_w.rad / sw + (max_degree + 2) * point.q_star.rad / q
        # constant term 1 - f(1) = (q - V(q))/q: bounded by |1 - chi_q| rad_q / q <= rad_q / q.
        # Errors are carried as floats in units of 2^-bits (never underflow, whatever the precision),
        # each rounded up: see the loops below.
        const_err = _units(point.q_star.rad / q, bits)
        J = max_degree
        B_hi, err_hi = tanh_taylor_coefficients(q, sw2, J + 2, bits + 48)
        B_lo, _ = tanh_taylor_coefficients(q, sw2, J + 2, bits + 16)
        B = B_hi
        B_rad = [e + abs(h - l) + abs(h) * rel_const for h, l, e in zip(B_hi, B_lo, err_hi)]
        coeffs = [0] + [_to_fixed((-1) ** (j + 1) * B[j], bits) for j in range(1, J + 1)]
        # Taylor truncation per layer: L units (2^-bits each), so that L layers cost <= L^2 units
        tau = mpmath.ldexp(L, -bits)
        tau_float = float(tau)
        # delta below which degree j suffices: B_{j+1} delta^(j+1) <= tau
        thresholds = [0] * (J + 2)
        for j in range(1, J + 1):
            thresholds[j] = _to_fixed((tau / B[j + 1]) ** (mpmath.mpf(1) / (j + 1)), bits)
        delta_switch_fixed = thresholds[J]
        delta_switch = _from_fixed(delta_switch_fixed, bits)
        coef_err_rate = _units(sum(B_rad[j] * delta_switch ** (j - 1) for j in range(1, J + 1)), bits)
        f2, f3 = float(2 * B[2]), float(6 * B[3])
        D = _to_fixed(1 - param(c_start), bits)
    far = _FarStepper(q, sw2, bits, digits)
    one_fixed = 1 << bits
    scale = 2.0 ** -bits  # (0.0 beyond 1074 bits: then f2 * err is far below the slack SLACK)
    tau_units = float(L)
    err = 0.0  # in units of 2^-bits
    results = {}
    layer = 1
    far_layers = 0
    want = iter(depths)
    target = next(want)
    degree = J
    while True:
        while layer == target:
            results[layer] = _values_at(layer, D, err, B, B_rad, bits, far, delta_switch_fixed, point)
            target = next(want, None)
            if target is None:
                break
        if target is None:
            break
        if D > delta_switch_fixed:
            D, step_err = far(D)
            err = err * (1 + SLACK) + _units(step_err, bits) + const_err  # |g'| <= 1
            far_layers += 1
            layer += 1
            continue
        # near region: tight loop up to the next requested depth
        steps = target - layer
        for _ in range(steps):
            while degree > 1 and D <= thresholds[degree - 1]:
                degree -= 1
            acc = coeffs[degree]
            for j in range(degree - 1, 0, -1):
                acc = coeffs[j] + ((acc * D) >> bits)
            delta_f = D / one_fixed  # (int / int: correctly rounded, no overflow at any precision)
            gamma = 1.0 - f2 * delta_f + 0.5 * f3 * delta_f * delta_f + f2 * err * scale
            D = (acc * D) >> bits
            err = err * (min(gamma, 1.0) + SLACK) + (degree + 2) + tau_units + coef_err_rate * delta_f + const_err
        layer = target
        if progress is not None:
            progress(layer, L)
    seconds = time.time() - started
    accuracy = ("radius = propagated bound on rounding (2^-%d per operation), Taylor remainder "
                "B_{J+1} delta^(J+1), quadrature (fine vs coarse grid) and the EOC constants' "
                "agreement radii" % bits)
    return SmoothDepthTrajectory("tanh", str(sigma_b), point.sigma_w, point.q_star, str(c_start), digits, bits,
                                 float(delta_switch), far_layers, J, seconds, results, accuracy)


def _values_at(depth, D, err, B, B_rad, bits, far, delta_switch_fixed, point) -> DepthValues:
    with mpmath.workprec(bits + 64):
        delta = _from_fixed(D, bits)
        rad = mpmath.ldexp(mpmath.mpf(err) + 1, -bits)  # err is in units of 2^-bits
        one_minus_c = Approx(delta, rad, AGREEMENT)
        c = Approx(1 - delta, rad, AGREEMENT)
        # f'(1) - f'(1 - delta) = sum_{k>=1} (-1)^(k+1) (k+1) B_{k+1} delta^k, remainder (K+2) B_{K+2} delta^(K+1)
        if D <= delta_switch_fixed:
            total, bound, total_rad = mpmath.mpf(0), None, mpmath.mpf(0)
            K = len(B) - 3
            for k in range(1, K + 1):
                term = (k + 1) * B[k + 1] * delta**k
                total += term if k % 2 == 1 else -term
                total_rad += (k + 1) * B_rad[k + 1] * delta**k
                bound = (k + 2) * B[k + 2] * delta ** (k + 1)
                if bound < mpmath.ldexp(1, -bits) * delta:
                    break
            deficit, deficit_rad = total, bound + total_rad
        else:
            value, q_err = far(D, order=1)
            deficit, deficit_rad = _from_fixed(value, bits), q_err
        # error of delta propagates through f'' <= f''(1) = 2 B_2
        deficit_rad += 2 * B[2] * rad
        chi_rad = point.chi_1.rad  # f'(1) = 1 on the EOC up to the EOC accuracy
        one_minus_fp = Approx(deficit, deficit_rad + chi_rad, AGREEMENT)
        f_prime = Approx(1 - deficit, deficit_rad + chi_rad, AGREEMENT)
    return DepthValues(depth, one_minus_c, c, f_prime, one_minus_fp)


def describe(traj: SmoothDepthTrajectory) -> str:
    lines = [f"{traj.activation} on the EOC, sigma_b = {traj.sigma_b}, sigma_w = {format_approx(traj.sigma_w)}, "
             f"c^1 = {traj.c_start}; {traj.far_layers} quadrature layers, then Taylor degree <= {traj.max_degree} "
             f"(switch at 1 - c = {traj.delta_switch:.3g}); {traj.precision_bits}-bit fixed point; {traj.seconds:.1f} s"]
    for d in traj.depths:
        v = traj.at(d)
        lines.append(f"  L = {d:>8}: 1 - c = {format_approx(v.one_minus_c)}   1 - f'(c) = {format_approx(v.one_minus_f_prime)}")
    return "\n".join(lines)
