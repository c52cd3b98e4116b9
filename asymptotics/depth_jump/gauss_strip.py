"""Rigorous Gaussian expectations E[F(Z)], Z ~ N(0, 1), of integrands analytic in a strip (arb balls).

The trapezoid rule with its strip error bound (L. N. Trefethen and J. A. C. Weideman, "The
exponentially convergent trapezoidal rule", SIAM Review 56 (2014), Theorem 5.1): if u is analytic in
the strip |Im z| < a, u(x + ib) -> 0 as |x| -> oo uniformly there, and int |u(x + ib)| dx <= M' for
every |b| < a, then for every h > 0

    | h sum_{k in Z} u(k h) - int_R u(x) dx |  <=  2 M' / (exp(2 pi a / h) - 1).

Here u(z) = w(z) F(z) with w(z) = exp(-z^2/2)/sqrt(2 pi); for |Im z| <= y, |w(x + ib)| = w(x) e^{b^2/2},
so M' = e^{y^2/2} M with M >= sup |F| on the closed strip |Im z| <= y (the strip used is any y below
F's own strip, so F is analytic on a neighbourhood of it).  Truncation to |k| <= n: w decreases on
[0, oo), so h w(k h) <= int_{(k-1)h}^{kh} w, and the omitted terms are at most C erfc(n h / sqrt 2) with
C >= sup_R |F|.  Hence

    E[F(Z)]  in  h sum_{|k| <= n} w(k h) F(k h)  +/-  ( 2 e^{y^2/2} M / (e^{2 pi y / h} - 1) + C erfc(n h / sqrt 2) ),

every term an arb ball (h and y exact dyadic numbers; the F(k h) may be balls over a parameter ball,
e.g. q, and then M, C must bound F for every parameter in it).

For F(z) = P(tanh(s z)) (s = sqrt(q); tanh has its poles at i pi/2 + i pi Z): with w = u + iv,
|tanh w|^2 = (cosh 2u - cos 2v)/(cosh 2u + cos 2v), which for |v| < pi/2 is at most max(1, tan^2 v)
(for cos 2v >= 0 it is < 1; otherwise it decreases in |u| and equals tan^2 v at u = 0).  So on
|Im z| <= y with s y < pi/2, |tanh(s z)| <= T = max(1, tan(s y)), |P(tanh(s z))| <= sum_k |p_k| T^k,
and on the real line |tanh| <= 1 gives C = sum_k |p_k| (:func:`tanh_strip_bound`, :func:`poly_abs_bound`).
"""
from __future__ import annotations

import math
from functools import lru_cache

import flint
from flint import arb, arb_series

from asymptotics.smooth import tanh_polynomials
from asymptotics.validation import ComputationError, InputError

#: node count above which a rule is refused (the cost would exceed about a minute per integral family)
MAX_NODES = 20000


def tanh_strip_bound(slope_upper: arb, y: arb) -> arb:
    """T >= |tanh(s z)| on |Im z| <= y for every 0 <= s <= slope_upper (see module doc); needs s y < pi/2."""
    v = slope_upper * y
    if not v < arb.pi() / 2:
        raise ComputationError("the strip of the trapezoid rule reaches a pole of tanh")
    t_up = arb(v.tan().upper())  # exact, so the comparison below is exact too (no ball max)
    return t_up if t_up > 1 else arb(1)


def poly_abs_bound(coeffs, T: arb) -> arb:
    """sum_k |p_k| T^k (T >= 1): a bound of |P(t)| for |t| <= T."""
    total = arb(0)
    for c in reversed(coeffs):
        total = total * T + abs(arb(c))
    return arb(total.upper())


def choose_rule(strip: float, log_need, log_trunc: float, ladder: bool = True):
    """(h, n, y) as floats (h, y exact binary numbers) for a rule whose error is about exp(-margin).

    ``strip``: F analytic for |Im z| < strip (may be math.inf); ``log_need(y)`` -> log M(y) + log(1/tol)
    (nats) at height y; ``log_trunc`` = log C + log(1/tol).  The choice is heuristic: the error bound
    of :class:`GaussRule` is computed rigorously afterwards, whatever was chosen.
    """
    best = None
    y_max = min(0.9 * strip, math.sqrt(2 * (max(log_trunc, 1) + 10)) + 2)
    for i in range(1, 41):
        y = y_max * i / 40
        h = 2 * math.pi * y / (max(log_need(y), 1) + y * y / 2 + 3)
        if best is None or h > best[0]:
            best = (h, y)
    h, y = best
    if ladder:  # a ladder of steps 2^(-k/8): grids (and their weights) repeat between calls
        h = 2.0 ** (math.floor(8 * math.log2(h)) / 8)
    h = math.ldexp(math.floor(math.ldexp(h, 40)), -40)  # an exact binary number
    y = math.ldexp(math.floor(math.ldexp(y, 30)), -30)
    x_end = math.sqrt(2 * (max(log_trunc, 1) + 3)) + 0.5
    n = math.ceil(x_end / h)
    if n > MAX_NODES:
        raise ComputationError(f"a Gaussian integral would need {n} trapezoid nodes (limit {MAX_NODES})")
    return h, n, y


@lru_cache(maxsize=64)
def _weights(h: float, n: int, prec: int):
    old = flint.ctx.prec
    flint.ctx.prec = prec
    try:
        hb = arb(h)
        norm = hb / (2 * arb.pi()).sqrt()
        return tuple(norm * (-(hb * k) ** 2 / 2).exp() for k in range(n + 1))
    finally:
        flint.ctx.prec = old


class GaussRule:
    """Trapezoid nodes k h, |k| <= n, with weights h w(k h) and the error bound of the module doc."""

    def __init__(self, h: float, n: int, y: float):
        self.h, self.n, self.y = h, n, y
        self.weights = _weights(h, n, flint.ctx.prec)
        self.nodes = [arb(h) * k for k in range(n + 1)]
        self.weight_sum = self.weights[0] + 2 * sum(self.weights[1:], arb(0))  # >= 0, about 1

    def error(self, M: arb, C: arb) -> arb:
        """2 e^{y^2/2} M / (e^{2 pi y/h} - 1) + C erfc(n h / sqrt 2) (an upper bound, exact arb)."""
        y, h = arb(self.y), arb(self.h)
        disc = 2 * (y * y / 2).exp() * M / ((2 * arb.pi() * y / h).exp() - 1)
        trunc = C * (arb(self.n) * h / arb(2).sqrt()).erfc()
        return arb((disc + trunc).upper())

    def even(self, values, M: arb, C: arb) -> arb:
        """E[F(Z)] for an even F with values F(k h), k = 0..n."""
        total = self.weights[0] * values[0]
        for w, v in zip(self.weights[1:], values[1:]):
            total += 2 * w * v
        return total + arb(0, self.error(M, C))

    def general(self, plus, minus, M: arb, C: arb) -> arb:
        """E[F(Z)] from F(k h) (``plus``, k = 0..n) and F(-k h) (``minus``, k = 0..n)."""
        total = self.weights[0] * plus[0]
        for w, a, b in zip(self.weights[1:], plus[1:], minus[1:]):
            total += w * (a + b)
        return total + arb(0, self.error(M, C))


def _log(x: float) -> float:
    return math.log(x) if x > 0 else -1e300


def tanh_strip(q: arb) -> float:
    """Half-width (in z) of the strip where tanh(sqrt(q) z) is analytic, rounded down (float)."""
    if not (q.is_finite() and q > 0):  # sqrt would turn q <= 0, NaN or inf into NaN or a division by zero
        raise InputError("q", f"a Gaussian variance must be a finite ball of positive numbers, got {q.str(5)}")
    return float((arb.pi() / (2 * arb(q.upper()).sqrt())).lower()) * (1 - 1e-12)


def tanh_poly_expectation(q: arb, coeffs, log2_tol: float) -> arb:
    """E[P(tanh(sqrt(q) Z))] for P = sum_k coeffs[k] t^k (exact rationals or integers), as a ball.

    ``q`` may be a ball (every q in it is covered); the bound is the module doc's, with
    T = max(1, tan(sqrt(q_max) y)), M = sum |p_k| T^k, C = sum |p_k|; accurate to about 2^-log2_tol.
    """
    return tanh_poly_expectations(q, [coeffs], log2_tol)[0]


def tanh_poly_expectations(q: arb, polys, log2_tol: float) -> list:
    """[E[P(tanh(sqrt(q) Z))] for P in polys], one trapezoid rule for all (see :func:`tanh_poly_expectation`)."""
    strip = tanh_strip(q)
    log_tol = log2_tol * math.log(2)
    abs_c = [[abs(float(c)) for c in p] for p in polys]

    def log_need(y):
        T = max(1.0, math.tan(min(y / strip, 0.999) * math.pi / 2))
        return max(_log(sum(c * T**k for k, c in enumerate(a))) for a in abs_c) + log_tol

    h, n, y = choose_rule(strip, log_need, max(_log(sum(a)) for a in abs_c) + log_tol)
    rule = GaussRule(h, n, y)
    s = q.sqrt()
    T = tanh_strip_bound(arb(s.upper()), arb(y))
    polys = [[_exact(c) for c in p] for p in polys]
    ts = [(s * x).tanh() for x in rule.nodes]
    out = []
    for p in polys:
        plus = [_horner(p, t) for t in ts]
        minus = [_horner(p, -t) for t in ts]
        out.append(rule.general(plus, minus, poly_abs_bound(p, T), poly_abs_bound(p, arb(1))))
    return out


def _exact(c) -> arb:
    """An int or Fraction coefficient as an arb (exact when dyadic, else a tight ball)."""
    from fractions import Fraction

    c = Fraction(c)
    return arb(flint.fmpq(c.numerator, c.denominator))


def _horner(coeffs, t):
    total = arb(0)
    for c in reversed(coeffs):
        total = total * t + c
    return total


def taylor_of_tanh(x: arb, order: int):
    """[tanh^(j)(x)/j!, j = 0..order] as balls: tanh(x + t) = 1 - 2/(exp(2x + 2t) + 1) as an arb series."""
    old = flint.ctx.cap
    flint.ctx.cap = order + 1
    try:
        series = 1 - 2 / (arb_series([2 * x, 2]).exp() + 1)
        coeffs = series.coeffs()
        return coeffs + [arb(0)] * (order + 1 - len(coeffs))
    finally:
        flint.ctx.cap = old


def derivative_square_moments(q: arb, order: int, log2_tols) -> list:
    """[E[y_j(sqrt(q) Z)^2], j = 0..order] with y_j = tanh^(j)/j! (= P_j(tanh)/j!), as balls.

    One rule serves every j (chosen so that E[y_j^2] is accurate to about 2^-log2_tols[j], absolute); the bound for each j uses M_j = (sum_k |p_jk| T^k / j!)^2, C_j = (sum_k |p_jk| / j!)^2.
    """
    polys = tanh_polynomials(order)
    strip = tanh_strip(q)
    fact = [math.factorial(j) for j in range(order + 1)]
    abs_sums = [[abs(c) for c in p] for p in polys]

    def log_sum(j, T):
        return 2 * (math.log(sum(float(c) * T**k for k, c in enumerate(abs_sums[j])) + 1e-300) - math.lgamma(j + 1))

    def log_need(y):
        T = max(1.0, math.tan(min(y / strip, 0.999) * math.pi / 2))
        return max(log_sum(j, T) + log2_tols[j] * math.log(2) for j in range(order + 1))

    log_trunc = max(log_sum(j, 1.0) + log2_tols[j] * math.log(2) for j in range(order + 1))
    h, n, y = choose_rule(strip, log_need, log_trunc)
    rule = GaussRule(h, n, y)
    s = q.sqrt()
    T = tanh_strip_bound(arb(s.upper()), arb(y))
    columns = [[] for _ in range(order + 1)]
    for x in rule.nodes:
        ys = taylor_of_tanh(s * x, order)
        for j in range(order + 1):
            columns[j].append(ys[j] * ys[j])
    out = []
    for j in range(order + 1):
        M = (poly_abs_bound(polys[j], T) / fact[j]) ** 2
        C = (poly_abs_bound(polys[j], arb(1)) / fact[j]) ** 2
        out.append(rule.even(columns[j], arb(M.upper()), arb(C.upper())))
    return out
