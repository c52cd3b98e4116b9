"""One small protocol, three number systems.

The depth recursion (:mod:`asymptotics.recursion`) is written once against an
``ops`` object offering ``const``, ``sqrt``, ``asin`` and ``g_half``.  The three
implementations:

* :class:`Float64Ops` - float64 arrays in an array namespace ``xp`` (numpy, or
  cupy on a GPU), vectorised over many pairs at once;
* :class:`MpmathOps` - mpmath numbers at an explicit working precision;
* :class:`ArbOps` - python-flint arb balls (certified enclosures).

``g_half(u, a, delta)`` returns g(theta)/2 = (sin theta - theta cos theta)/2 for
theta = 2a, u = sin(a) = sqrt(delta/2).  It is the one place where the formula
cancels (g ~ theta^3/3 while its two terms are ~ theta): float64 sums the series,
mpmath and arb work with guard bits (arb's enclosure stays rigorous either way).
"""
from __future__ import annotations

import math

import mpmath

# Series of g(theta)/2 in theta^2: g/2 = theta^3 * sum_k c_k theta^(2k-2),
# c_k = (-1)^(k+1) k / (2k+1)!  (from sin and theta cos summed term by term).
_G_HALF_COEFFS = [(-1) ** (k + 1) * k / math.factorial(2 * k + 1) for k in range(1, 12)]


def _series_terms_for(theta_max: float) -> int:
    """Number of terms making the series of g accurate to float64 for theta <= theta_max."""
    t2 = theta_max * theta_max
    first = abs(_G_HALF_COEFFS[0])
    for n in range(1, len(_G_HALF_COEFFS)):
        if abs(_G_HALF_COEFFS[n]) * t2**n < 1e-18 * first:
            return n
    return len(_G_HALF_COEFFS)


class Float64Ops:
    """float64 arrays; ``xp`` is numpy or cupy."""

    name = "float64"

    def __init__(self, xp=None):
        if xp is None:
            import numpy as xp
        self.xp = xp
        self.pi = math.pi

    def const(self, value):
        return float(value)

    def sqrt(self, x):
        return self.xp.sqrt(x)

    def asin(self, x):
        return self.xp.arcsin(x)

    def half_angle(self, delta):
        u = self.sqrt(delta * 0.5)
        return u, self.asin(u)

    def g_half(self, u, a, delta):
        xp = self.xp
        theta = 2 * a
        theta_max = float(xp.max(theta)) if getattr(theta, "size", 1) else 0.0
        if theta_max < 1.0:
            return self._g_half_series(theta, _series_terms_for(theta_max))
        direct = u * xp.sqrt(1 - 0.5 * delta) - a * (1 - delta)  # cos a = sqrt(1 - delta/2), not sqrt(1 - u^2)
        small = theta < 1.0
        if not bool(xp.any(small)):
            return direct
        return xp.where(small, self._g_half_series(xp.minimum(theta, 1.0), len(_G_HALF_COEFFS)), direct)

    def _g_half_series(self, theta, terms):
        theta2 = theta * theta
        acc = _G_HALF_COEFFS[terms - 1]
        for c in reversed(_G_HALF_COEFFS[: terms - 1]):
            acc = acc * theta2 + c
        return acc * theta2 * theta


class ScalarFloatOps(Float64Ops):
    """Python floats for a single pair: the math module is ~10x faster than 1-element arrays."""

    name = "float64"

    def __init__(self):
        self.xp = None
        self.pi = math.pi

    sqrt = staticmethod(math.sqrt)
    asin = staticmethod(math.asin)

    def g_half(self, u, a, delta):
        theta = 2 * a
        if theta >= 1.0:
            return u * math.sqrt(1 - 0.5 * delta) - a * (1 - delta)
        return self._g_half_series(theta, _series_terms_for(theta))


class MpmathOps:
    """mpmath scalars; the caller fixes the working precision (``mpmath.workprec``)."""

    name = "mpmath"

    def __init__(self):
        self.pi = mpmath.pi

    def const(self, value):
        return _to_mpf(value)

    sqrt = staticmethod(mpmath.sqrt)
    asin = staticmethod(mpmath.asin)

    def half_angle(self, delta):
        u = mpmath.sqrt(delta / 2)
        return u, mpmath.asin(u)

    def g_half(self, u, a, delta):
        # The direct difference loses 2 log2(1/theta) bits: fine with the caller's guard bits
        # unless theta is tiny (ordered phase: delta decays exponentially); then sum the series.
        if a < SERIES_BELOW:
            total, _ = _g_half_series(2 * a, mpmath.mp.prec + 8, -mpmath.mag(2 * a) if a else None)
            return total
        return u * mpmath.sqrt(1 - delta / 2) - a * (1 - delta)


class ArbOps:
    """python-flint arb balls; the caller fixes ``flint.ctx.prec``."""

    name = "arb"

    def __init__(self):
        import flint

        self.flint = flint
        self.arb = flint.arb
        self.pi = flint.arb.pi()

    def const(self, value):
        return to_arb(value)

    @staticmethod
    def sqrt(x):
        return x.sqrt()

    @staticmethod
    def asin(x):
        return x.asin()

    def g_half(self, u, a, delta):
        if a.upper() < SERIES_BELOW:
            # alternating series with decreasing terms: the first omitted term bounds the tail
            theta = 2 * a
            upper = theta.abs_upper()
            total, tail = _g_half_series(theta, self.flint.ctx.prec + 8,
                                         _minus_log2_upper(upper) if upper != 0 else None)
            return total + self.arb(0, tail.abs_upper())
        return u * (1 - delta / 2).sqrt() - a * (1 - delta)

    def half_angle(self, delta):
        """(u, a) = (sin a, a) with sin^2 a = delta/2: a = atan2(sqrt(delta/2), sqrt(1 - delta/2)), which
        stays finite where asin's argument, rounded, would exceed 1 (rho near -1)."""
        u = (delta / 2).sqrt()
        return u, self.arb.atan2(u, (1 - delta / 2).sqrt())


def _minus_log2_upper(x) -> int:
    """An integer m with |x| <= 2^-m for a nonzero exact arb x (read off its exponent, no float)."""
    man, exp = x.mid().man_exp() if hasattr(x, "mid") else x.man_exp()
    man, exp = abs(int(man)), int(exp)
    return -(exp + man.bit_length())


SERIES_BELOW = 2.0**-12


def _g_half_series(theta, bits: int, minus_log2_theta):
    """sum_k (-1)^(k+1) k theta^(2k+1) / (2k+1)!  (= g(theta)/2) for 0 <= theta < 2^-11, in the
    caller's number system; returns (sum, first omitted term).

    The number of terms is fixed up front from a bound |theta| <= 2^-m (``minus_log2_theta`` = m,
    None for theta = 0 exactly, where g = 0): term k+1 / term 1 <= theta^(2k), so
    1 + ceil(bits / (2 m)) terms make the first omitted term < 2^-bits times the first.  No
    stopping rule relative to the running total, which never triggers at theta = 0.
    """
    if minus_log2_theta is None:
        return 0 * theta, 0 * theta
    m = max(11, int(minus_log2_theta))
    terms = 1 + -(-int(bits) // (2 * m))
    theta2 = theta * theta
    term = theta * theta2 / 6
    total = term
    for k in range(1, terms + 1):
        term = -term * theta2 * (k + 1) / (k * (2 * k + 2) * (2 * k + 3))
        if k < terms:
            total += term
    return total, term


def _to_mpf(value):
    from fractions import Fraction

    if isinstance(value, Fraction):
        return mpmath.mpf(value.numerator) / value.denominator
    return mpmath.mpf(value)


def to_arb(value):
    from fractions import Fraction

    import flint

    if isinstance(value, Fraction):
        # int(): numerators may be gmpy2.mpz (mpmath's backend), which flint refuses
        return flint.arb(flint.fmpq(int(value.numerator), int(value.denominator)))
    if isinstance(value, flint.arb):
        return value
    if isinstance(value, mpmath.mpf):
        # an mpf is a dyadic rational: exact
        man, exp = value.man_exp
        return flint.arb(flint.fmpz(int(man))) * flint.arb(2) ** int(exp)
    if isinstance(value, int):
        return flint.arb(flint.fmpz(int(value)))
    if isinstance(value, float):
        return flint.arb(value)  # exact: floats are dyadic
    return flint.arb(str(value))  # decimal string: an enclosure
