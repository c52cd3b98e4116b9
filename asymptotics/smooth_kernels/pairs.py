"""One pair at any precision, for any smooth activation: digits agreed between two independent runs.

The recursion and its gaps are those of :mod:`asymptotics.smooth_kernels.gram` (conventions of
:mod:`asymptotics.recursion`; ../shared/seeds/001_018e0351582ed44f.txt:82-95,
../shared/seeds/002_49fd9c726352dc08.txt:175-197), with the expectations from
the Mehler series of :mod:`asymptotics.smooth_kernels.quadrature` evaluated in mpmath:

    a_k(q) = E[phi(sqrt(q) Z) He_k(Z)] / sqrt(k!)   by the trapezoid rule on [-Z_max, Z_max],
    G = sum_k (a_k(q_x) - a_k(q_y))^2 / 2 + delta sum_k a_k(q_x) a_k(q_y) (1 + rho + ... + rho^(k-1)),

and the same with b_k = sqrt((k+1)/q) a_{k+1} for the derivative kernel.  Two runs differ in every
rounding: working precision (digits + 10 and digits + 22 decimal places), the input's rounding (rho,
the variances and sigma's are rounded at each run's precision from their exact values), the trapezoid
step (h and 4h/5) and the series length (K and 5K/4 + 8).  The result is the finer run with radius
|difference| (``method = 'agreement'``).  Before starting, the cost is estimated from a timed sample of
the activation and work beyond ``max_seconds`` is refused in one line.
"""
from __future__ import annotations

import math
import time
from fractions import Fraction

import mpmath

from asymptotics.accuracy import AGREEMENT, Approx, mpf_as_fraction
from asymptotics.activations import Activation, get_activation
from asymptotics.recursion import LayerValues
from asymptotics.validation import ComputationError, InputError, check_depths, check_digits, check_finite

MAX_DEPTH = 1000
K_LIMIT = 4000


def _exact(name, value, minimum=None, positive=False) -> Fraction:
    if isinstance(value, str):
        try:
            out = Fraction(value.strip())
        except ValueError:
            raise InputError(name, f"expected a number or a fraction such as 200/101, got {value!r}") from None
    else:
        check_finite(name, value)
        if isinstance(value, Fraction):
            out = value
        elif isinstance(value, int):
            out = Fraction(value)
        elif isinstance(value, float):
            out = Fraction(repr(value))  # the decimal the user typed
        elif isinstance(value, mpmath.mpf):
            out = mpf_as_fraction(value)  # all its bits
        else:
            out = Fraction(str(value))
    if positive and out <= 0:
        raise InputError(name, f"must be > 0, got {value}")
    if minimum is not None and out < minimum:
        raise InputError(name, f"must be >= {minimum}, got {value}")
    return out


def _mp(x: Fraction):
    return mpmath.mpf(x.numerator) / x.denominator


class _Rule:
    """Trapezoid nodes and scaled Hermite functions at the current mpmath precision."""

    def __init__(self, K, step, half_width):
        n = int(math.ceil(half_width / step))
        h = mpmath.mpf(step)
        self.z = [h * j for j in range(-n, n + 1)]
        norm = h / mpmath.sqrt(2 * mpmath.pi)
        self.w = [norm * mpmath.exp(-z * z / 2) for z in self.z]
        self.w_scaled = [norm * mpmath.exp(-z * z / 4) for z in self.z]
        self.K = K
        psi = [[mpmath.exp(-z * z / 4) for z in self.z]]
        psi.append([z * p for z, p in zip(self.z, psi[0])])
        for k in range(1, K + 1):
            c1, c0 = 1 / mpmath.sqrt(k + 1), mpmath.sqrt(k)
            psi.append([(z * p1 - c0 * p0) * c1 for z, p1, p0 in zip(self.z, psi[k], psi[k - 1])])
        self.psi = psi  # rows k = 0..K+1


def _table(rule, derivs3, q):
    """a_k (k = 0..K+1), b_k (k = 0..K), the moments E phi^2, E phi'^2, E phi''^2 and the tails."""
    sigma = mpmath.sqrt(q)
    values = [derivs3(sigma * z) for z in rule.z]
    f0 = [wv * v[0] for wv, v in zip(rule.w_scaled, values)]
    a = [mpmath.fdot(row, f0) for row in rule.psi]
    m = [mpmath.fdot(rule.w, [v[j] ** 2 for v in values]) for j in range(3)]
    b = [mpmath.sqrt(mpmath.mpf(k + 1) / q) * a[k + 1] for k in range(rule.K + 1)]
    a = a[: rule.K + 1]
    T1 = q * m[1] - mpmath.fsum(k * c * c for k, c in enumerate(a))
    T1b = q * m[2] - mpmath.fsum(k * c * c for k, c in enumerate(b))
    return {"a": a, "b": b, "m0": m[0], "m1": m[1], "m2": m[2], "T1": T1, "T1b": T1b, "q": q}


def _series(cx, cy, delta):
    """(cross, gap) = (sum c_x c_y rho^k, sum (c_x - c_y)^2/2 + sum c_x c_y (1 - rho^k)), delta form."""
    rho = 1 - delta
    cross = gap = mpmath.mpf(0)
    power, partial = mpmath.mpf(1), mpmath.mpf(0)  # rho^k and S_k = 1 + ... + rho^(k-1)
    for x, y in zip(cx, cy):
        p = x * y
        one_minus = delta * partial if rho >= 0 else 1 - power
        cross += p * power
        gap += (x - y) ** 2 / 2 + p * one_minus
        partial = 1 + rho * partial
        power *= rho
    return cross, gap


def _derivatives_of(act: Activation):
    extra = act.extra or {}
    alld = extra.get("all_derivatives")
    if alld is not None and not extra.get("custom"):
        return lambda x: alld(x, 2)[:3]
    d = [act.derivative(j) for j in range(3)]  # InputError names a missing order
    return lambda x: [d[0](x), d[1](x), d[2](x)]


def _settings(act, digits, q_max, fine):
    strip = (act.extra or {}).get("strip", 1.0)
    if (act.extra or {}).get("custom"):
        strip = 1.0
    D = digits + (22 if fine else 10)
    ln = D * math.log(10)
    half_width = 2 * math.sqrt(ln) + 4
    return D, strip, ln, half_width


def _step(K, strip, ln, sigma, fine):
    band = 2 * math.sqrt(K + 2) + 3 * math.sqrt(ln) + (ln * sigma / float(strip) if strip is not None else 0.0)
    step = 2 * math.pi / band
    return 0.8 * step if fine else step


def _run(act, derivs3, depths, delta0, qx0, qy0, sw2, sb2, digits, fine, K0):
    D, strip, ln, half_width = _settings(act, digits, None, fine)
    out = {}
    with mpmath.workdps(D):
        tol = mpmath.mpf(10) ** (-D + 2)
        delta, qx, qy = _mp(delta0), _mp(qx0), _mp(qy0)
        w2, b2 = _mp(sw2), _mp(sb2)
        equal = qx0 == qy0
        root = mpmath.sqrt(qx * qy)
        sigma = root * (1 - delta)
        arith = (mpmath.sqrt(qx) - mpmath.sqrt(qy)) ** 2 / 2 + root * delta
        Tx, Ty, theta, A = qx, qy, sigma, arith
        sdot = None
        K = int(K0 * 1.25) + 8 if fine else K0
        rule = None
        last = max(depths)
        for layer in range(1, last + 1):
            if layer in depths:
                out[layer] = _values(delta, sigma, sdot, theta, A, qx, qy, Tx, Ty)
            if layer == last:
                break
            sigma_max = float(mpmath.sqrt(max(qx, qy)))
            while True:
                if rule is None:
                    rule = _Rule(K, _step(K, strip, ln, sigma_max, fine), half_width)
                tx = _table(rule, derivs3, qx)
                ty = tx if equal else _table(rule, derivs3, qy)
                tails_ok = all(abs(t["T1"]) <= tol * t["q"] * t["m1"] and abs(t["T1b"]) <= tol * t["q"] * t["m2"]
                               for t in (tx, ty))
                step_ok = _step(K, strip, ln, sigma_max, fine) >= float(rule.z[1] - rule.z[0]) * 0.999
                if tails_ok and step_ok:
                    break
                if K >= K_LIMIT:
                    raise ComputationError(f"the Mehler series needs more than {K_LIMIT} terms at q = "
                                           f"{mpmath.nstr(max(qx, qy), 6)} for {digits} digits")
                K = min(K_LIMIT, 2 * K) if not tails_ok else K
                rule = None
            cross, gap = _series(tx["a"], ty["a"], delta)
            dcross, dgap = _series(tx["b"], ty["b"], delta)
            nqx, nqy = b2 + w2 * tx["m0"], b2 + w2 * ty["m0"]
            sdx, sdy = w2 * tx["m1"], w2 * ty["m1"]
            sigma = b2 + w2 * cross
            sdot = w2 * dcross
            nroot = mpmath.sqrt(nqx * nqy)
            new_delta = (w2 * gap - (mpmath.sqrt(nqx) - mpmath.sqrt(nqy)) ** 2 / 2) / nroot
            A = w2 * dgap * (Tx + Ty) / 2 + sdot * A + (sdx - sdy) * (Tx - Ty) / 4 + w2 * gap
            theta = sdot * theta + sigma
            Tx, Ty = sdx * Tx + nqx, sdy * Ty + nqy
            delta, qx, qy = max(new_delta, mpmath.mpf(0)), nqx, nqy
    return out, K


def _values(delta, sigma, sdot, theta, A, qx, qy, Tx, Ty):
    rootT = mpmath.sqrt(Tx * Ty)
    c = (A - (mpmath.sqrt(Tx) - mpmath.sqrt(Ty)) ** 2 / 2) / rootT
    return {"rho": 1 - delta, "one_minus_rho": delta, "sigma_xy": sigma, "sigma_xx": qx, "sigma_yy": qy,
            "sigma_dot": sdot, "theta_xy": theta, "theta_xx": Tx, "theta_yy": Ty,
            "ntk_normalized": theta / rootT, "one_minus_ntk_normalized": c}


def estimate_seconds(activation, depths, digits=20, q_x=1, q_y=None) -> float:
    """A rough cost of :func:`smooth_pair_at_depths` (both runs), from a timed sample of phi at the
    working precision and the rule sizes the first layer needs."""
    act = activation if isinstance(activation, Activation) else get_activation(activation)
    depths = check_depths("depths", depths)
    digits = check_digits("digits", digits)
    derivs3 = _derivatives_of(act)
    qx = float(_exact("q_x", q_x, positive=True))
    qy = qx if q_y is None else float(_exact("q_y", q_y, positive=True))
    D, strip, ln, half_width = _settings(act, digits, None, True)
    K = _initial_terms(strip, ln, math.sqrt(max(qx, qy)))
    nodes = 2 * half_width / _step(int(1.25 * K) + 8, strip, ln, math.sqrt(max(qx, qy)), True)
    with mpmath.workdps(D):
        t0 = time.perf_counter()
        for j in range(8):
            derivs3(mpmath.mpf(j) / 3 + mpmath.mpf(1) / 7)
        per_eval = (time.perf_counter() - t0) / 8
        row = [mpmath.mpf(1) / 3] * int(nodes)
        t0 = time.perf_counter()
        for _ in range(4):
            mpmath.fdot(row, row)
        per_dot = (time.perf_counter() - t0) / 4
    per_q = nodes * per_eval + (1.25 * K + 10) * per_dot
    tables = 1 if q_y is None or qx == qy else 2
    return 2.2 * (depths[-1] - 1) * tables * per_q + 2 * K * nodes * 4e-6


def _initial_terms(strip, ln, sigma):
    # Hermite coefficients of phi(sigma z) decay like exp(-(strip/sigma) sqrt(2k)) (strip-analytic
    # phi): ln / (strip/sigma) = sqrt(2k); entire phi: a modest start, grown by the tail test
    if strip is None:
        return 64
    k = int((ln * sigma / float(strip)) ** 2 / 2) + 32
    return max(64, min(K_LIMIT // 2, k))


def smooth_pair_at_depths(activation, depths, rho=None, one_minus_rho=None, q_x=1, q_y=None,
                          sigma_w2=1, sigma_b2=0, digits: int = 20, max_seconds: float = 300.0) -> dict:
    """Sigma, Sigma-dot, Theta and the normalised NTK of one pair at each requested depth.

    ``rho`` (or ``one_minus_rho``, exact near 1) is the layer-1 correlation, ``q_x``, ``q_y`` the
    layer-1 variances; all inputs may be ints, Fractions, decimal or rational strings.  Returns
    {depth: :class:`asymptotics.recursion.LayerValues`} whose fields are Approx with method
    'agreement'.  Refuses (InputError on ``max_seconds``) when the estimated cost exceeds it.
    """
    act = activation if isinstance(activation, Activation) else get_activation(activation)
    if act.is_relu_family:
        raise InputError("activation", f"{act.name!r} is in the ReLU family: use asymptotics.recursion.kernel_at_depths")
    depths = check_depths("depths", depths)
    if depths[-1] > MAX_DEPTH:
        raise InputError("depths", f"the agreed pair path goes to depth {MAX_DEPTH} at most, got {depths[-1]}")
    digits = check_digits("digits", digits)
    if (rho is None) == (one_minus_rho is None):
        raise InputError("rho", "give rho or one_minus_rho (one of them)")
    delta = 1 - _exact("rho", rho) if one_minus_rho is None else _exact("one_minus_rho", one_minus_rho)
    if delta < 0 or delta > 2:
        raise InputError("rho" if one_minus_rho is None else "one_minus_rho", "a correlation must lie in [-1, 1]")
    qx = _exact("q_x", q_x, positive=True)
    qy = qx if q_y is None else _exact("q_y", q_y, positive=True)
    sw2 = _exact("sigma_w2", sigma_w2, positive=True)
    sb2 = _exact("sigma_b2", sigma_b2, minimum=0)
    seconds = estimate_seconds(act, depths, digits, qx, None if q_y is None else qy)
    if seconds > max_seconds:
        raise InputError("max_seconds", f"estimated {seconds:.0f} s for depth {depths[-1]} at {digits} digits "
                                        f"(limit {max_seconds:g} s); raise max_seconds or ask for fewer digits/depths")
    derivs3 = _derivatives_of(act)
    D, strip, ln, _ = _settings(act, digits, None, False)
    K0 = _initial_terms(strip, ln, math.sqrt(float(max(qx, qy))))
    coarse, K_used = _run(act, derivs3, set(depths), delta, qx, qy, sw2, sb2, digits, False, K0)
    fine, _ = _run(act, derivs3, set(depths), delta, qx, qy, sw2, sb2, digits, True, K_used)
    result = {}
    for depth in depths:
        fields = {}
        for name in LayerValues.FIELDS:
            hi, lo = fine[depth][name], coarse[depth][name]
            if hi is None:
                fields[name] = None
                continue
            with mpmath.workprec(Approx._EXACT_BITS):
                fields[name] = Approx(+hi, abs(mpmath.mpf(hi) - mpmath.mpf(lo)), AGREEMENT)
        result[depth] = LayerValues(depth, **fields)
    return result


# --- one variance's table, for callers that iterate a fixed map (asymptotics.smooth_eoc_depth) -----------

def _strip_of(act: Activation):
    extra = act.extra or {}
    return 1.0 if extra.get("custom") else extra.get("strip", 1.0)


def initial_series_length(act: Activation, D: int, q) -> int:
    """A starting Mehler series length for phi(sqrt(q) Z) at D decimal digits (grown by the tail test)."""
    return _initial_terms(_strip_of(act), D * math.log(10), math.sqrt(float(q)))


def series_length_needed(act: Activation, D: int, q):
    """Terms the Mehler series of phi(sqrt(q) Z) needs at D digits when phi is analytic in a strip only
    (coefficients ~ exp(-(strip / sqrt(q)) sqrt(2k))): (D ln 10 sqrt(q) / strip)^2 / 2; None if phi is entire."""
    strip = _strip_of(act)
    if strip is None:
        return None
    return int((D * math.log(10) * math.sqrt(float(q)) / float(strip)) ** 2 / 2) + 32


def hermite_table(act: Activation, q, K0: int, D: int, fine: bool) -> dict:
    """The table of :func:`_table` (a_k, b_k, moments, tails) of phi(sqrt(q) Z) at the current mpmath
    precision (D digits): series length K0 (5K0/4 + 8 and step 4h/5 when ``fine``), doubled until both
    tails are below 10^-(D-2) of their moments; ComputationError past K_LIMIT terms."""
    strip, ln = _strip_of(act), D * math.log(10)
    half_width = 2 * math.sqrt(ln) + 4
    sigma = float(mpmath.sqrt(q))
    K = int(K0 * 1.25) + 8 if fine else K0
    derivs3 = _derivatives_of(act)
    tol = mpmath.mpf(10) ** (-D + 2)
    while True:
        t = _table(_Rule(K, _step(K, strip, ln, sigma, fine), half_width), derivs3, q)
        if abs(t["T1"]) <= tol * q * t["m1"] and abs(t["T1b"]) <= tol * q * t["m2"]:
            return t
        if K >= K_LIMIT:
            raise ComputationError(f"the Hermite series of {act.name} at q = {mpmath.nstr(q, 6)} needs more than "
                                   f"{K_LIMIT} terms for {D} digits (phi(sqrt(q) z) is too far from a polynomial)")
        K = min(K_LIMIT, 2 * K)
