"""Truncated power series with arb coefficients, and the two rigorous bounds the jumps rest on.

A series is a plain list ``[c_0, c_1, ..., c_{n-1}]`` of python-flint ``arb`` balls standing
for sum_k c_k s^k + O(s^n); every operation keeps the first n coefficients exactly as ball
arithmetic encloses them (python-flint's ``arb_series`` does the products, reciprocals,
logarithms and square roots).

Bounds used by every jump (:mod:`asymptotics.depth_jump.relu_fatou`,
:mod:`asymptotics.depth_jump.ntk_along_orbit`):

* :func:`circle_max` -- max |f(z)| over the circle |z| = r, from acb evaluations on balls
  that cover the circle (the upper half suffices for functions with real Taylor
  coefficients, |f(conj z)| = |f(z)|).  By Cauchy's estimate every Taylor coefficient of an
  f analytic on the closed disc obeys |f_n| <= M / r^n, so for 0 <= s < r
  |sum_{n > N} f_n s^n| <= M (s/r)^(N+1) / (1 - s/r).
* :func:`orbit_power_sum` -- upper bounds of sum_{i=0}^{count-1} sigma_i^n (optionally
  times log(1/sigma_i)) for sigma_i = 1/(A' (c0 + i)), the monotone majorant of an orbit
  s_j of a parabolic germ; the sum is bounded by its first term plus the integral
  (the summand decreases in i).
"""
from __future__ import annotations

from contextlib import contextmanager

import flint
from flint import acb, arb, arb_series


@contextmanager
def arb_precision(prec: int, cap: int = 10):
    """Set flint's working precision (bits) and series length for the block, then restore."""
    old_prec, old_cap = flint.ctx.prec, flint.ctx.cap
    flint.ctx.prec, flint.ctx.cap = prec, cap
    try:
        yield
    finally:
        flint.ctx.prec, flint.ctx.cap = old_prec, old_cap


def pad(coeffs, n):
    coeffs = list(coeffs)[:n]
    return coeffs + [arb(0)] * (n - len(coeffs))


def to_series(coeffs, n):
    flint.ctx.cap = n
    return arb_series(pad(coeffs, n))


def from_series(series, n):
    return pad(series.coeffs(), n)


def mul(a, b, n):
    return from_series(to_series(a, n) * to_series(b, n), n)


def inv(a, n):
    return from_series(1 / to_series(a, n), n)


def log(a, n):
    return from_series(to_series(a, n).log(), n)


def sqrt(a, n):
    return from_series(to_series(a, n).sqrt(), n)


def shift(a, k, n):
    """s^k a(s) for k >= 0; for k < 0 drops the first -k coefficients (the caller knows they vanish)."""
    if k >= 0:
        return pad([arb(0)] * k + list(a), n)
    return pad(list(a)[-k:], n)


def add(*terms, n):
    out = [arb(0)] * n
    for t in terms:
        for i, c in enumerate(pad(t, n)):
            out[i] += c
    return out


def scale(a, c, n):
    return [c * x for x in pad(a, n)]


def powers(a, count, n):
    """[a^0, a^1, ..., a^count] truncated to n coefficients."""
    out = [pad([arb(1)], n)]
    for _ in range(count):
        out.append(mul(out[-1], a, n))
    return out


def horner_ball(coeffs, x):
    """sum_k coeffs[k] x^k for an arb or acb x (ball arithmetic encloses the sum)."""
    total = 0 * x
    for c in reversed(coeffs):
        total = total * x + c
    return total


def upper(x) -> arb:
    """An exact arb at or above every point of the real ball x."""
    return arb(x.upper())


def lower(x) -> arb:
    return arb(x.lower())


def abs_upper(x) -> arb:
    return arb(x.abs_upper())


def circle_max(f, radius: arb, pieces: int = 128) -> arb:
    """Upper bound of |f(z)| on |z| = radius (upper half circle; f has real Taylor coefficients).

    The arc of angle pi/pieces around the centre r e^{i phi} lies within r pi / (2 pieces) of it;
    each acb ball has radius r pi / pieces on both coordinates, which covers its arc.
    ``f`` returns an acb, or None when a condition for analyticity fails on that ball.
    """
    # a bound needs few digits: evaluate at low precision (ball arithmetic rounds the high-precision
    # coefficients into its balls, so the bound stays rigorous) - this is most of the set-up time
    old = flint.ctx.prec
    flint.ctx.prec = CIRCLE_PREC
    try:
        best = arb(0)
        pi = arb.pi()
        rad = upper(radius * pi / pieces)
        for j in range(pieces):
            phi = pi * (2 * j + 1) / (2 * pieces)
            z = acb(arb((radius * phi.cos()).mid(), rad), arb((radius * phi.sin()).mid(), rad))
            value = f(z)
            if value is None or not value.is_finite():
                return None
            best = max(best, abs_upper(value))
        return best
    finally:
        flint.ctx.prec = old


CIRCLE_PREC = 96


def series_bound_on(coeffs, s_max: arb, circle_bound: arb, radius: arb) -> arb:
    """Upper bound of |f(s)| for 0 <= s <= s_max: sum_n |f_n| s_max^n + M (s_max/r)^N/(1 - s_max/r)."""
    q = s_max / radius
    total = arb(0)
    for n, c in enumerate(coeffs):
        total += abs_upper(c) * s_max**n
    return upper(total + circle_bound * q ** len(coeffs) / (1 - q))


def orbit_power_sum(n: int, c0: arb, count, a_lower: arb, with_log: bool = False) -> arb:
    """Upper bound of sum_{i=0}^{count-1} sigma_i^n [log(1/sigma_i)], sigma_i = 1/(a_lower (c0 + i)).

    Needs c0 >= 1 and a_lower c0 >= e (so that s^n log(1/s) increases on (0, sigma_0] and
    t^-n log(a t) decreases on [c0, oo) for n >= 1).  ``count`` may be any Python int.
    """
    count = arb(flint.fmpz(int(count)))
    if count <= 0:
        return arb(0)
    scale_n = a_lower ** (-n)
    end = c0 + count - 1
    if not with_log:
        if n == 0:
            return upper(count)
        if n == 1:
            return upper(scale_n * (1 / c0 + (end / c0).log()))
        return upper(scale_n * (c0 ** (-n) + c0 ** (1 - n) / (n - 1)))
    log_a_c0 = (a_lower * c0).log()
    if n == 0:
        return upper(count * (a_lower * end).log())
    if n == 1:
        log_end = (a_lower * end).log()
        return upper(scale_n * (log_a_c0 / c0 + (log_end**2 - log_a_c0**2) / 2))
    return upper(scale_n * (c0 ** (-n) * log_a_c0 + c0 ** (1 - n) * (log_a_c0 / (n - 1) + arb(1) / (n - 1) ** 2)))


def arb_from_mpf(x) -> arb:
    """An mpf (a dyadic number) as an exact arb: all its bits (no rounding to mpmath's context)."""
    import mpmath

    if not isinstance(x, mpmath.mpf):
        with mpmath.workprec(4096):
            x = mpmath.mpf(x)
    sign, man, exp, _ = x._mpf_
    if man == 0:
        return arb(0)
    value = arb(flint.fmpz(int(man))) * arb(2) ** int(exp)  # exact: a power of two times an integer
    return -value if sign else value


def arb_from_approx(a) -> arb:
    """The ball mid +/- rad of an :class:`~asymptotics.accuracy.Approx` (rad rounded up by arb)."""
    return arb_from_mpf(a.mid) + arb(0, arb_from_mpf(a.rad))
