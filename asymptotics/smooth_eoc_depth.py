"""Depth runs on the Edge of Chaos for every smooth activation: c^l, f'(c^l) and the NTK, digits by agreement.

On the EOC (seed 001, Fact 1 and chi_1 = 1, ../shared/seeds/001_018e0351582ed44f.txt:627-646) with both
inputs at the fixed-point variance q*, the correlation map is one fixed function,

    f(c) = (sigma_b^2 + sigma_w^2 E[phi(u) phi(v)]) / q*  =  sum_k p_k c^k,   p_k = sigma_w^2 a_k^2 / q*,

with a_k = E[phi(sqrt(q*) Z) He_k(Z)] / sqrt(k!) (Mehler), p_0 absorbing sigma_b^2.  Its Hermite
coefficients are computed once (trapezoid rule in mpmath, :mod:`asymptotics.smooth_kernels.pairs`);
each layer then costs a polynomial, not a quadrature, which is what makes 10^5 layers affordable.
Everything runs in delta = 1 - c, in fixed point (Python integers scaled by 2^P), as in
:mod:`asymptotics.smooth_depth`:

* far from c = 1: 1 - f(1 - delta) = delta sum_k p_k S_k and f'(1) - f'(1 - delta) = delta sum_k k p_k S_(k-1),
  S_k = 1 + rho + ... + rho^(k-1) (no cancellation);
* near c = 1: the same truncated series as a polynomial in delta, g(delta) = sum_j (-1)^(j+1) B_j delta^j,
  B_j = sum_k p_k C(k, j), cut at the least degree J with B_(J+1) delta^(J+1) <= 2^-P L (a bound:
  the p_k are >= 0, so |f^(J+1)(c)| <= f^(J+1)(1) on [-1, 1]).

The series is normalised so that f(1) = 1 exactly (q* is replaced by sigma_b^2 + sigma_w^2 sum_k a_k^2):
the diagonal is frozen at q*, as in the tanh engine.  The NTK of the pair (seed 002,
../shared/seeds/002_49fd9c726352dc08.txt:175-197; conventions of :mod:`asymptotics.recursion`):
Sigma^l = q* c^l, Sigma-dot^(l+1) = sigma_w^2 E[phi'(u) phi'(v)] = f'(c^l), Theta^1 = Sigma^1,
Theta^(l+1) = f'(c^l) Theta^l + Sigma^(l+1), Theta_xx^(l+1) = f'(1) Theta_xx^l + q*, and
1 - Theta/Theta_xx carried as u^(l+1) = f'(1) u^l + (f'(1) - f'(c^l)) t^l + (1 - c^(l+1)) (all terms >= 0).

Digits by agreement.  The EOC sigma_w is irrational, so no run uses "the" EOC point: the two runs take
two different rational approximations of it (:func:`asymptotics.eoc.edge_of_chaos` at two precisions,
d and d + 12 digits, each rounded at its run's precision), and differ as well in the fixed-point
precision (P and P + 40 bits), the quadrature step (h and 4h/5), the series length (K and 5K/4 + 8)
and the rounding of c^1.  The result is the finer run with radius |difference|.  Why this covers the
sensitivity of the orbit to sigma_w: on the EOC the orbit is parabolic (delta_l ~ 2 / (f''(1) l)).
An error eta in chi_1 = f'(1) adds -eta delta_l to each step; the linearised error e_(l+1) =
(1 - 2 B_2 delta_l) e_l - eta delta_l gives e_l / delta_l ~ -eta l / 2, a relative error growing
linearly with depth (and eventually, at l ~ 1/eta, the orbit leaves for the ordered or chaotic
phase).  The two runs' eta differ by about the coarse run's own error 10^-d, so their difference
shows this growth at the same size as the coarse run's true error; d includes log10(L) extra digits
so that even at L the reported digits survive it.  A common error of both runs (a bug, a series
tail neither resolves) would not be seen: this is agreement, not a certificate.

Cost and reach: the Hermite tables (seconds) dominate; a layer costs two Horner polynomials of a
degree that falls with 1 - c, so 10^6 layers take ~20 s for GELU.  Depths up to MAX_DEPTH = 10^7,
refused beyond or when the timed estimate passes ``max_seconds``.  An activation analytic only in a
strip |Im x| < s needs ~(D ln 10 sqrt(q*) / s)^2 / 2 series terms at D digits: the generic path
refuses sigmoid's EOC (q* ~ 45) up front for that reason (ComputationError); sigmoid's depth runs go
through tanh's engine instead (:func:`_sigmoid_engine`), its NTK quantities are not covered.  Softplus has no EOC
(:func:`asymptotics.eoc_existence.no_eoc_reason`); the ReLU family has its own certified recursion.
"""
from __future__ import annotations

import dataclasses
import math
import time
from fractions import Fraction

import mpmath

from asymptotics.accuracy import AGREEMENT, Approx, format_approx
from asymptotics.activations import Activation, get_activation
from asymptotics.eoc import edge_of_chaos
from asymptotics.eoc_existence import no_eoc_reason
from asymptotics.gaussian import MAX_QUADRATURE_DIGITS
from asymptotics.recursion import LayerValues
from asymptotics.smooth_depth import DepthValues, SmoothDepthTrajectory, eoc_correlation_depths
from asymptotics.smooth_kernels.pairs import K_LIMIT, hermite_table, initial_series_length, series_length_needed
from asymptotics.validation import ComputationError, InputError, check_correlation, check_depths, check_digits

MAX_DEPTH = 10**7
DEFAULT_MAX_SECONDS = 300.0
MAX_TAYLOR_DEGREE = 120
FINE_EXTRA_BITS = 40
FINE_EXTRA_EOC_DIGITS = 12


# --- one run's map ------------------------------------------------------------------------------

def _to_fixed(x, bits: int) -> int:
    """round(x 2^bits) for an mpf or Fraction x."""
    if isinstance(x, Fraction):
        return round(x * (1 << bits))
    with mpmath.workprec(bits + 64):
        return int(mpmath.nint(mpmath.ldexp(mpmath.mpf(x), bits)))


class _RunMap:
    """The fixed-point correlation map of one run: coefficients p_k, k p_k, B_j and the degree thresholds."""

    def __init__(self, act, sigma_b: str, sigma_b2: Fraction, eoc_dps: int, bits: int, K0, fine: bool, depth: int):
        self.bits = bits
        point = edge_of_chaos(_solver_name(act), sigma_b, eoc_dps)
        self.point = point
        if point.q_star is None or point.q_star.mid == 0:
            raise InputError("sigma_b", f"sigma_b = {sigma_b} gives q* = 0 for {act.name} (phi(0) = 0): the EOC map is "
                                        "then the identity to first order in q; use sigma_b > 0")
        D = math.ceil(bits / math.log2(10)) + 10
        with mpmath.workdps(D):
            # this run's rational approximation of the EOC point: its mid rounded at this run's precision
            sw = mpmath.mpf(point.sigma_w.mid)
            q = mpmath.mpf(point.q_star.mid)
            sw2, sb2 = sw * sw, mpmath.mpf(sigma_b2.numerator) / sigma_b2.denominator
            table = hermite_table(act, q, K0, D, fine)
            a = table["a"]
            self.K = len(a) - 1
            a2 = [x * x for x in a]
            norm = sb2 + sw2 * mpmath.fsum(a2)  # = q* up to the EOC accuracy; f(1) = 1 exactly with it
            p = [sw2 * x / norm for x in a2]
            self.q = norm
        one = 1 << bits
        self.one = one
        self.P = [_to_fixed(x, bits) for x in p]
        self.P[0] = 0  # (1 - c^0 = 0: the constant term never enters the delta form)
        self.KP = [k * x for k, x in enumerate(self.P)]
        self.B1 = sum(self.KP)  # f'(1) = chi_1 of this run, ~1
        J = min(self.K, MAX_TAYLOR_DEGREE)
        B = [0] * (J + 3)
        for k in range(1, self.K + 1):  # B_j = sum_k p_k C(k, j), exact integer sums
            binom = 1
            for j in range(0, min(k, J + 2) + 1):
                if j:
                    binom = binom * (k - j + 1) // j
                    B[j] += self.P[k] * binom
        self.J = J
        self.G = [0] + [(-1) ** (j + 1) * B[j] for j in range(1, J + 1)]         # g(delta) = sum G_j delta^j
        self.H = [0] + [(-1) ** (i + 1) * (i + 1) * B[i + 1] for i in range(1, J + 1)]  # f'(1) - f'(1 - delta)
        with mpmath.workprec(bits + 64):
            tau = mpmath.ldexp(depth, -bits)  # per-layer truncation: L units of 2^-bits
            Bm = [mpmath.ldexp(mpmath.mpf(b), -bits) for b in B]
            thresholds = [0] * (J + 1)
            for j in range(1, J + 1):
                lims = [(tau / x) ** (mpmath.mpf(1) / (j + 1)) for x in (Bm[j + 1], (j + 2) * Bm[j + 2]) if x > 0]
                thresholds[j] = _to_fixed(min(lims), bits) if lims else 2 * one
            self.thresholds = thresholds
            self.f2 = float(2 * Bm[2])

    def degree_at(self, D: int) -> int:
        """Least Taylor degree valid at delta = D 2^-bits (J + 1: use the series far from 1)."""
        if D > self.thresholds[self.J]:
            return self.J + 1
        lo, hi = 1, self.J  # thresholds increase with the degree
        while lo < hi:
            mid = (lo + hi) // 2
            if D <= self.thresholds[mid]:
                hi = mid
            else:
                lo = mid + 1
        return lo


def _solver_name(act: Activation):
    """The registry name when it gives this very activation (edge_of_chaos caches by name), else the object."""
    try:
        return act.name if get_activation(act.name) is act or get_activation(act.name).name == act.name else act
    except InputError:
        return act


# --- the iteration -------------------------------------------------------------------------------

def _iterate(m: _RunMap, delta0: Fraction, depths, started=None, max_seconds=None):
    """{depth: (delta, deficit, sigma_dot, t, u, txx) as fixed-point ints} for one run."""
    bits, one, P, KP, G, H, B1 = m.bits, m.one, m.P, m.KP, m.G, m.H, m.B1
    K = m.K
    D = _to_fixed(delta0, bits)
    t, u, txx = one - D, D, one
    prev_fp = None
    out = {}
    wanted = set(depths)
    last = max(depths)
    degree = m.degree_at(D)
    far_layers = 0
    for layer in range(1, last + 1):
        if degree > m.J:
            rho = one - D
            S = acc_g = acc_d = 0
            for k in range(1, K + 1):
                acc_d += KP[k] * S
                S = one + ((rho * S) >> bits)
                acc_g += P[k] * S
            new_D = ((acc_g >> bits) * D) >> bits
            deficit = ((acc_d >> bits) * D) >> bits
            far_layers += 1
        else:
            acc, dacc = G[degree], H[degree]
            for j in range(degree - 1, 0, -1):
                acc = G[j] + ((acc * D) >> bits)
                dacc = H[j] + ((dacc * D) >> bits)
            new_D = (acc * D) >> bits
            deficit = (dacc * D) >> bits
        if layer in wanted:
            out[layer] = (D, deficit, prev_fp, t, u, txx)
        if layer == last:
            break
        fp = B1 - deficit  # f'(c^l) = Sigma-dot^(l+1)
        new_D = max(new_D, 0)
        t, u, txx = ((fp * t) >> bits) + one - new_D, ((B1 * u + deficit * t) >> bits) + new_D, ((B1 * txx) >> bits) + one
        D, prev_fp = new_D, fp
        if degree > m.J or D > m.thresholds[degree]:
            degree = m.degree_at(D)
        while degree > 1 and D <= m.thresholds[degree - 1]:
            degree -= 1
        if max_seconds is not None and layer % 4096 == 0 and time.perf_counter() - started > max_seconds:
            raise ComputationError(f"the EOC depth run passed {max_seconds:g} s at layer {layer} of {last}")
    return out, far_layers


def _layer_values(m: _RunMap, raw):
    """mpf values of one run at one depth (DepthValues fields and LayerValues fields)."""
    D, deficit, prev_fp, t, u, txx = raw
    bits = m.bits
    with mpmath.workprec(bits + 64):
        x = lambda n: mpmath.ldexp(mpmath.mpf(n), -bits)  # noqa: E731
        delta, q, T, U, TXX = x(D), m.q, x(t), x(u), x(txx)
        one_minus_fp = 1 - x(m.B1) + x(deficit)
        values = {"one_minus_c": delta, "c": 1 - delta, "f_prime": 1 - one_minus_fp, "one_minus_f_prime": one_minus_fp,
                  "rho": 1 - delta, "one_minus_rho": delta, "sigma_xy": q * (1 - delta), "sigma_xx": q, "sigma_yy": q,
                  "sigma_dot": None if prev_fp is None else x(prev_fp), "theta_xy": q * T, "theta_xx": q * TXX,
                  "theta_yy": q * TXX, "ntk_normalized": T / TXX, "one_minus_ntk_normalized": U / TXX}
    return values


# --- the agreed result ---------------------------------------------------------------------------

def check_request(activation, sigma_b, c_start, depths, digits):
    """Validate a generic EOC depth run before any quadrature: (activation, sigma_b^(1), c^1, depths, digits)."""
    act, sb, c1, depths, digits = _check_inputs(activation, sigma_b, c_start, depths, digits)
    _eoc_digits(digits, depths[-1])
    return act, sb, c1, depths, digits


def _check_inputs(activation, sigma_b, c_start, depths, digits):
    act = activation if isinstance(activation, Activation) else get_activation(activation)
    if act.is_relu_family:
        raise InputError("activation", f"{act.name!r} is in the ReLU family: its EOC depth runs are "
                                       "asymptotics.recursion.kernel_at_depths at sigma_b = 0")
    reason = no_eoc_reason(act)
    if reason:
        raise InputError("activation", f"{act.name} has no Edge of Chaos for any sigma_b: {reason}")
    try:
        sb = Fraction(str(sigma_b).strip())
    except (ValueError, ZeroDivisionError):
        raise InputError("sigma_b", f"expected a decimal or rational number, got {sigma_b!r}") from None
    if sb < 0:
        raise InputError("sigma_b", f"must be >= 0, got {sigma_b!r}")
    check_correlation("c_start", c_start)
    c1 = Fraction(str(c_start).strip()) if not isinstance(c_start, Fraction) else c_start
    depths = check_depths("depths", depths)
    if depths[-1] > MAX_DEPTH:
        raise InputError("depths", f"depth {depths[-1]} is beyond the EOC depth runs' limit {MAX_DEPTH} for "
                                   f"{act.name} (one polynomial per layer, two runs)")
    digits = check_digits("digits", digits)
    return act, sb, c1, depths, digits


def _eoc_digits(digits, depth):
    """The coarse run's EOC precision: digits + 8, plus log10(L) for the eta l / 2 growth (module docstring)."""
    coarse = digits + 8 + math.ceil(math.log10(depth + 1))
    if coarse + FINE_EXTRA_EOC_DIGITS > MAX_QUADRATURE_DIGITS:
        most = MAX_QUADRATURE_DIGITS - FINE_EXTRA_EOC_DIGITS - 8 - math.ceil(math.log10(depth + 1))
        raise InputError("digits", f"{digits} digits at depth {depth} need the EOC point at "
                                   f"{coarse + FINE_EXTRA_EOC_DIGITS} digits (the finer run's approximation); the "
                                   f"quadratures stop at {MAX_QUADRATURE_DIGITS}: at most {most} digits")
    return coarse


def _bits(digits, depth):
    return math.ceil((digits + 12) * math.log2(10)) + 2 * math.ceil(math.log2(depth + 2)) + 24


def _estimate_seconds(m: _RunMap, depth: int) -> float:
    """Two runs of `depth` layers: the first tenth timed at the switch degree, the rest at the degree of
    delta ~ 2 / (f''(1) L / 10) (the orbit is parabolic), from a timed sample of the Horner loop."""
    def per_layer(degree):
        degree = max(1, min(degree, m.J))
        D = m.thresholds[degree] // 2
        t0 = time.perf_counter()
        for _ in range(20):
            acc, dacc = m.G[degree], m.H[degree]
            for j in range(degree - 1, 0, -1):
                acc = m.G[j] + ((acc * D) >> m.bits)
                dacc = m.H[j] + ((dacc * D) >> m.bits)
        return (time.perf_counter() - t0) / 20 * 1.6 + 2e-6
    late = m.degree_at(_to_fixed(Fraction(2) / Fraction(max(m.f2, 1e-6) * max(depth / 10, 1)), m.bits))
    return 2.4 * (depth / 10 * per_layer(m.J) + depth * per_layer(late))


def _agreed(act, sigma_b, sb, c1, depths, digits, max_seconds):
    started = time.perf_counter()
    # precision chosen for the next power of 10 >= the depth (and >= 10^4), so that one pair of maps
    # serves every depth up to it (claims at depths 3, 50, 1000 build the Hermite tables once)
    L = 10 ** max(4, math.ceil(math.log10(depths[-1])))
    coarse_dps = _eoc_digits(digits, L)
    bits = _bits(digits, L)
    with mpmath.workdps(30):
        q_guess = float(edge_of_chaos(_solver_name(act), sigma_b, 20).q_star.mid)
    D = math.ceil(bits / math.log2(10)) + 10
    needed = series_length_needed(act, D, q_guess)
    if needed is not None and needed > K_LIMIT:  # (refused before minutes of quadrature)
        raise ComputationError(f"{act.name}'s EOC at sigma_b = {sigma_b} has q* = {q_guess:.4g}: the Hermite series of "
                               f"phi(sqrt(q*) z) needs ~{needed} terms for {D} digits, beyond the {K_LIMIT} this "
                               "engine takes (the length grows like q* digits^2)")
    K0 = initial_series_length(act, D, q_guess)
    coarse = _run_map(act, sigma_b, sb * sb, coarse_dps, bits, K0, False, L)
    estimate = _estimate_seconds(coarse, depths[-1])
    if estimate > max_seconds:
        raise InputError("depths", f"estimated {estimate:.0f} s for depth {depths[-1]} of {act.name} on the EOC at {digits} "
                                   f"digits (limit {max_seconds:g} s); ask for a smaller depth or fewer digits")
    fine = _run_map(act, sigma_b, sb * sb, coarse_dps + FINE_EXTRA_EOC_DIGITS, bits + FINE_EXTRA_BITS, coarse.K, True, L)
    raw_c, _ = _iterate(coarse, c1_delta(c1), depths, started, 3 * max_seconds)
    raw_f, far_layers = _iterate(fine, c1_delta(c1), depths, started, 3 * max_seconds)
    results = {}
    for d in depths:
        lo, hi = _layer_values(coarse, raw_c[d]), _layer_values(fine, raw_f[d])
        fields = {}
        with mpmath.workprec(Approx._EXACT_BITS):
            floor = mpmath.ldexp(mpmath.mpf(L) ** 2, -bits)  # coarse rounding units: never claim less
            for name, value in hi.items():
                fields[name] = None if value is None else Approx(+value, abs(value - lo[name]) + floor * max(1, abs(value)),
                                                               AGREEMENT)
        results[d] = fields
    return coarse, fine, results, far_layers, time.perf_counter() - started


_MAPS: dict = {}
_CACHED_NAMES = ("erf", "gelu", "swish", "sigmoid", "tanh")  # (user-registered ones may be re-registered)


def _run_map(act, sigma_b, sb2, eoc_dps, bits, K0, fine, L) -> _RunMap:
    key = (act.name, sigma_b, sb2, eoc_dps, bits, K0, fine, L)
    if act.name not in _CACHED_NAMES:
        return _RunMap(act, sigma_b, sb2, eoc_dps, bits, K0, fine, L)
    if key not in _MAPS:
        if len(_MAPS) > 32:
            _MAPS.clear()
        _MAPS[key] = _RunMap(act, sigma_b, sb2, eoc_dps, bits, K0, fine, L)
    return _MAPS[key]


def c1_delta(c1: Fraction) -> Fraction:
    return 1 - c1


_CACHE: dict = {}


def _cached_agreed(act, sigma_b, sb, c1, depths, digits, max_seconds):
    key = (act.name, sb, c1, tuple(depths), digits)
    if act.name in _CACHED_NAMES and key in _CACHE:
        return _CACHE[key]
    out = _agreed(act, sigma_b, sb, c1, depths, digits, max_seconds)
    if act.name in _CACHED_NAMES:
        _CACHE[key] = out
    return out


ACCURACY = ("agreement of two runs that differ in the rational approximation of the EOC point (edge_of_chaos at "
            "two precisions), fixed-point precision, quadrature step, Hermite series length and the rounding "
            "of c^1; radius = |difference| + L^2 units of the coarse run")


def generic_eoc_depths(activation, sigma_b=0.2, c_start=0.5, depths=(1, 10, 100, 1000), digits: int = 20,
                       max_seconds: float = DEFAULT_MAX_SECONDS) -> SmoothDepthTrajectory:
    """1 - c^l, c^l, f'(c^l), 1 - f'(c^l) on the EOC of any smooth activation (Hermite-series agreement path)."""
    act, sb, c1, depths, digits = _check_inputs(activation, sigma_b, c_start, depths, digits)
    coarse, fine, results, far_layers, seconds = _cached_agreed(act, str(sigma_b).strip(), sb, c1, depths, digits, max_seconds)
    values = {d: DepthValues(d, f["one_minus_c"], f["c"], f["f_prime"], f["one_minus_f_prime"])
              for d, f in results.items()}
    with mpmath.workprec(Approx._EXACT_BITS):
        sw_rad = abs(coarse.point.sigma_w.mid - fine.point.sigma_w.mid) + fine.point.sigma_w.rad
        q_rad = abs(coarse.q - fine.q) + fine.point.q_star.rad
        sigma_w = Approx(fine.point.sigma_w.mid, sw_rad, AGREEMENT)
        q_star = Approx(+fine.q, q_rad, AGREEMENT)
    switch = float(mpmath.ldexp(fine.thresholds[fine.J], -fine.bits))
    return SmoothDepthTrajectory(act.name, str(sigma_b), sigma_w, q_star, str(c_start), digits, fine.bits, switch,
                                 far_layers, fine.J, seconds, values, ACCURACY)


def eoc_kernel_at_depths(activation, sigma_b=0.2, c_start=0.5, depths=(1, 10, 100, 1000), digits: int = 20,
                         max_seconds: float = DEFAULT_MAX_SECONDS) -> dict:
    """{depth: LayerValues} of one pair on the EOC with both inputs at q* and layer-1 correlation c_start:
    Sigma, Sigma-dot, Theta and the normalised NTK (fields as in :mod:`asymptotics.recursion`)."""
    act, sb, c1, depths, digits = _check_inputs(activation, sigma_b, c_start, depths, digits)
    _, _, results, _, _ = _cached_agreed(act, str(sigma_b).strip(), sb, c1, depths, digits, max_seconds)
    return {d: LayerValues(d, **{name: f[name] for name in LayerValues.FIELDS}) for d, f in results.items()}


# --- the one dispatch point ----------------------------------------------------------------------

def _tanh_engine(activation, sigma_b, c_start, depths, digits):
    """tanh: the certified path (:func:`asymptotics.depth_jump.tanh_certified.tanh_eoc_certified`: rigorous
    Gaussian integrals, Taylor steps with remainder, the Fatou jump) up to its MAX_DIGITS; where it declines
    (more digits, or it cannot certify the request), the agreement engine
    :func:`asymptotics.smooth_depth.eoc_correlation_depths`, whose ``accuracy`` then says why."""
    from asymptotics.depth_jump import tanh_certified

    if check_digits("digits", digits) > tanh_certified.MAX_DIGITS:
        why = f"more than the certified path's {tanh_certified.MAX_DIGITS} digits were asked"
    else:
        try:
            values, info = tanh_certified.tanh_eoc_certified(sigma_b, c_start, depths, digits)
        except ComputationError as err:
            why = f"the certified path declined: {err}"
        else:
            return SmoothDepthTrajectory("tanh", str(sigma_b), info["sigma_w"], info["q_star"], str(c_start), digits,
                                         info["precision_bits"], info["delta_switch"], info["far_layers"],
                                         info["max_taylor_degree"], info["seconds"], values, info["method"])
    traj = eoc_correlation_depths("tanh", sigma_b, c_start, depths, digits=digits)
    return dataclasses.replace(traj, accuracy=f"{traj.accuracy} ({why})")


def _erf_engine(activation, sigma_b, c_start, depths, digits):
    """erf: certified at any depth (:func:`asymptotics.depth_jump.erf_eoc.erf_eoc_depths`, closed forms in arb
    and the Fatou jump); where it declines (e.g. a tiny sigma_b needs too many iterated layers), the generic
    agreement runs, whose ``accuracy`` then says why."""
    from asymptotics.depth_jump.erf_eoc import erf_eoc_depths

    try:
        return erf_eoc_depths(sigma_b, c_start, depths, digits)
    except ComputationError as err:
        traj = generic_eoc_depths(activation, sigma_b, c_start, depths, digits)
        return dataclasses.replace(traj, accuracy=f"{traj.accuracy} (the certified erf path declined: {err})")


def _sigmoid_engine(activation, sigma_b, c_start, depths, digits):
    """sigmoid(x) = (1 + tanh(x/2)) / 2, so with u' = u/2: E[sig(u) sig(v)] = 1/4 + E[tanh(u') tanh(v')]/4 and
    sigma_w^2 E[sig'(u) sig'(v)] = (sigma_w/4)^2 E[tanh'(u') tanh'(v')].  The sigmoid network at (sigma_b, sigma_w)
    has exactly the correlations c^l and f'(c^l) of the tanh network at sigma_w' = sigma_w / 4,
    sigma_b'^2 = sigma_b^2 / 4 + sigma_w^2 / 16 (variances q' = q / 4), which is on tanh's EOC when the sigmoid
    one is on its own.  (Its Hermite series at q* ~ 45 would need ~10^4 terms.)  sigma_b' is irrational: it
    enters rounded to digits + 20 digits, a move *along* tanh's EOC curve (not off it, so without the parabolic
    sensitivity); that rounding and the sigmoid EOC radius, times a generous 10 L, are added to every radius."""
    act, sb, c1, depths, digits = _check_inputs(activation, sigma_b, c_start, depths, digits)
    point = edge_of_chaos(_solver_name(act), str(sigma_b).strip(), digits + 20)
    with mpmath.workdps(digits + 40):
        sw = point.sigma_w.mid
        sb_tanh = mpmath.sqrt(mpmath.mpf(sb.numerator) ** 2 / sb.denominator ** 2 / 4 + sw * sw / 16)
        text = mpmath.nstr(sb_tanh, digits + 20, strip_zeros=False)
        moved = abs(mpmath.mpf(text) - sb_tanh) + point.sigma_w.rad * sw / (8 * sb_tanh)
        rel = 10 * max(depths) * moved / sb_tanh
    traj = eoc_correlation_depths("tanh", text, str(c_start).strip(), depths, digits=digits)
    with mpmath.workprec(Approx._EXACT_BITS):
        def widen(a):
            return Approx(a.mid, a.rad + rel * max(1, abs(a.mid)), AGREEMENT)
        values = {d: DepthValues(d, *(widen(getattr(v, n)) for n in ("one_minus_c", "c", "f_prime", "one_minus_f_prime")))
                  for d, v in traj.values.items()}
        q_star = Approx(4 * traj.q_star.mid, 4 * traj.q_star.rad + 4 * rel * traj.q_star.mid, AGREEMENT)
    accuracy = (f"tanh's engine at sigma_b' = sqrt(sigma_b^2/4 + sigma_w^2/16) = {text[:14]}... (sigmoid = "
                f"(1 + tanh(x/2))/2): {traj.accuracy}; plus the rounding of sigma_b' and the sigmoid EOC radius (x 10 L)")
    return SmoothDepthTrajectory(act.name, str(sigma_b), point.sigma_w, q_star, str(c_start), digits,
                                 traj.precision_bits, traj.delta_switch, traj.far_layers, traj.max_degree,
                                 traj.seconds, values, accuracy)


# activation name -> depth engine (activation, sigma_b, c_start, depths, digits) -> SmoothDepthTrajectory.  tanh
# and erf are certified at any depth (falling back to agreement where their certified paths decline), sigmoid goes
# through tanh's agreement engine; every other smooth activation with an EOC takes the generic agreement path.
_ENGINES = {"tanh": _tanh_engine, "erf": _erf_engine, "sigmoid": _sigmoid_engine}


def eoc_depth_engine(activation):
    """The function (activation, sigma_b, c_start, depths, digits) -> SmoothDepthTrajectory for ``activation``."""
    act = activation if isinstance(activation, Activation) else get_activation(activation)
    return _ENGINES.get(act.name, generic_eoc_depths)


def eoc_depths(activation, sigma_b=0.2, c_start=0.5, depths=(1, 10, 100, 1000), digits: int = 20):
    """Depth run on the Edge of Chaos of any smooth activation (see :func:`eoc_depth_engine`)."""
    return eoc_depth_engine(activation)(activation, sigma_b, c_start, depths, digits)


def has_kernel_run(activation, depths=()) -> bool:
    """Whether the CLI prints :func:`eoc_kernel_at_depths` with a depth run (and validates the request as the
    generic engine): every smooth activation but tanh and erf (their NTK is certified:
    :func:`certified_eoc_ntk`) and sigmoid (through tanh's agreement engine, no NTK).  The catalogue's
    kernel.* of tanh and erf still takes the generic runs."""
    act = activation if isinstance(activation, Activation) else get_activation(activation)
    return act.name not in ("tanh", "erf", "sigmoid")


def certified_eoc_ntk(activation, sigma_b, c_start, depths, digits):
    """The certified NTK on the EOC (tanh: :func:`asymptotics.depth_jump.tanh_ntk.tanh_eoc_ntk`, erf:
    :func:`asymptotics.depth_jump.erf_eoc.erf_eoc_ntk`) as {L: {"ntk_over_q", "ntk_normalized",
    "ntk_minus_limit", ...}}, or (None, why) where there is none or it declines."""
    act = activation if isinstance(activation, Activation) else get_activation(activation)
    try:
        if act.name == "tanh":
            from asymptotics.depth_jump import tanh_certified
            from asymptotics.depth_jump.tanh_ntk import tanh_eoc_ntk

            if digits > tanh_certified.MAX_DIGITS:
                return None, f"more than the certified path's {tanh_certified.MAX_DIGITS} digits were asked"
            return tanh_eoc_ntk(sigma_b, c_start, depths, digits)["values"], None
        if act.name == "erf":
            from asymptotics.depth_jump.erf_eoc import erf_eoc_ntk

            return erf_eoc_ntk(sigma_b, c_start, depths, digits)["values"], None
    except ComputationError as err:
        return None, f"the certified NTK declined: {err}"
    return None, f"no certified NTK for {act.name}"


def describe_certified_ntk(values: dict) -> str:
    lines = ["  NTK of the pair (both inputs at q*), certified: K^L = Theta^L / q*, N_L = K^L / L, N_L - 1/3"]
    for d in sorted(values):
        v = values[d]
        lines.append(f"  L = {d:>8}: K = {format_approx(v['ntk_over_q'])}   N = {format_approx(v['ntk_normalized'])}"
                     f"   N - 1/3 = {format_approx(v['ntk_minus_limit'])}")
    return "\n".join(lines)


def describe(traj: SmoothDepthTrajectory) -> str:
    """A depth run of any engine as text (tanh's engines and the certified erf keep their own descriptions)."""
    certified = traj.accuracy.startswith("certified")
    if traj.activation == "erf" and certified:
        from asymptotics.depth_jump.erf_eoc import describe as describe_erf

        return describe_erf(traj)
    if traj.activation == "tanh":
        from asymptotics.smooth_depth import describe as describe_tanh

        text = describe_tanh(traj)
        if certified:  # the first line speaks of the layers; say what the balls are
            head, _, rest = text.partition("\n")
            head = head.replace("-bit fixed point", "-bit arb balls")
            text = f"{head}\n  accuracy: {traj.accuracy}\n{rest}"
        return text
    lines = [f"{traj.activation} on the EOC, sigma_b = {traj.sigma_b}, sigma_w = {format_approx(traj.sigma_w)}, "
             f"q* = {format_approx(traj.q_star)}, c^1 = {traj.c_start}; {traj.far_layers} series layers, then Taylor "
             f"degree <= {traj.max_degree} (switch at 1 - c = {traj.delta_switch:.3g}); {traj.seconds:.1f} s",
             f"  accuracy: {traj.accuracy}"]
    for d in traj.depths:
        v = traj.at(d)
        lines.append(f"  L = {d:>8}: 1 - c = {format_approx(v.one_minus_c)}   1 - f'(c) = {format_approx(v.one_minus_f_prime)}")
    return "\n".join(lines)


def describe_kernels(layers: dict) -> str:
    lines = ["  NTK of the pair (both inputs at q*): Sigma^L, Sigma-dot^L, Theta^L, 1 - Theta^L / Theta^L(x, x)"]
    for d in sorted(layers):
        v = layers[d]
        sdot = format_approx(v.sigma_dot) if v.sigma_dot is not None else "-"
        lines.append(f"  L = {d:>8}: Sigma = {format_approx(v.sigma_xy)}   Sigma-dot = {sdot}   "
                     f"Theta = {format_approx(v.theta_xy)}   1 - Theta/Theta_xx = {format_approx(v.one_minus_ntk_normalized)}")
    return "\n".join(lines)
