"""Truncated formal power series with symbolic coefficients.

A :class:`Series` is ``sum_k coeff[k] t**k + O(t**precision)`` in one formal
variable ``t`` (negative exponents allowed, so Laurent series too).  The
coefficients are SymPy expressions and may contain other symbols, e.g.
``log(l)`` in the depth expansions of :mod:`asymptotics.depth_laws`.

This is the small amount of series algebra the depth laws need (products,
reciprocals, powers, logarithms, composition) done exactly and with explicit
truncation, which is much faster and more predictable than ``sympy.series`` on
expressions with several symbols and logarithms.
"""
from __future__ import annotations

from typing import Callable, Dict

import sympy

__all__ = ["Series"]


def _clean(expr):
    return sympy.expand(expr)


class Series:
    """``sum_{k < precision} coeffs[k] t**k + O(t**precision)``."""

    __slots__ = ("coeffs", "precision")

    def __init__(self, coeffs: Dict[int, object], precision: int):
        self.precision = int(precision)
        self.coeffs = {}
        for k, c in coeffs.items():
            if k < self.precision:
                c = _clean(c)
                if c != 0:
                    self.coeffs[int(k)] = c

    # -- constructors -------------------------------------------------
    @classmethod
    def constant(cls, value, precision: int) -> "Series":
        return cls({0: sympy.sympify(value)}, precision)

    @classmethod
    def monomial(cls, power: int, precision: int, coefficient=1) -> "Series":
        return cls({power: sympy.sympify(coefficient)}, precision)

    # -- inspection ---------------------------------------------------
    @property
    def valuation(self) -> int:
        """Lowest exponent with a non-zero coefficient (``precision`` if none)."""
        return min(self.coeffs) if self.coeffs else self.precision

    def __getitem__(self, k: int):
        if k >= self.precision:
            raise IndexError(f"coefficient t^{k} is beyond the precision O(t^{self.precision})")
        return self.coeffs.get(k, sympy.Integer(0))

    def truncate(self, precision: int) -> "Series":
        return Series(self.coeffs, min(precision, self.precision))

    def map_coefficients(self, func: Callable) -> "Series":
        return Series({k: func(c) for k, c in self.coeffs.items()}, self.precision)

    def as_expr(self, t):
        return sympy.Add(*[c * t**k for k, c in sorted(self.coeffs.items())])

    def __repr__(self):
        t = sympy.Symbol("t")
        return f"Series({self.as_expr(t)} + O(t^{self.precision}))"

    # -- arithmetic ---------------------------------------------------
    def _coerce(self, other) -> "Series":
        if isinstance(other, Series):
            return other
        return Series.constant(other, 10**9)

    def __add__(self, other):
        other = self._coerce(other)
        prec = min(self.precision, other.precision)
        out = dict(self.coeffs)
        for k, c in other.coeffs.items():
            out[k] = out.get(k, 0) + c
        return Series(out, prec)

    __radd__ = __add__

    def __neg__(self):
        return Series({k: -c for k, c in self.coeffs.items()}, self.precision)

    def __sub__(self, other):
        return self + (-self._coerce(other))

    def __rsub__(self, other):
        return self._coerce(other) - self

    def __mul__(self, other):
        other = self._coerce(other)
        prec = min(self.precision + other.valuation, other.precision + self.valuation)
        out: Dict[int, object] = {}
        for i, a in self.coeffs.items():
            for j, b in other.coeffs.items():
                if i + j < prec:
                    out[i + j] = out.get(i + j, 0) + a * b
        return Series(out, prec)

    __rmul__ = __mul__

    def shift(self, power: int) -> "Series":
        """Multiply by t**power."""
        return Series({k + power: c for k, c in self.coeffs.items()}, self.precision + power)

    def split_leading(self):
        """Write self = c0 t^v (1 + w) with val(w) >= 1; return (c0, v, w)."""
        v = self.valuation
        if v >= self.precision:
            raise ZeroDivisionError("series is O(t^precision): no leading term")
        c0 = self.coeffs[v]
        w = Series({k - v: c / c0 for k, c in self.coeffs.items() if k != v}, self.precision - v)
        return c0, v, w

    def _apply(self, coefficients: Callable[[int], object], w: "Series") -> "Series":
        """sum_k coefficients(k) w^k for val(w) >= 1, to the precision of w."""
        if w.valuation < 1:
            raise ValueError("inner series must have positive valuation")
        prec = w.precision
        total = Series.constant(coefficients(0), prec)
        power = Series.constant(1, prec)
        k = 0
        while True:
            k += 1
            power = power * w
            if power.valuation >= prec:
                break
            total = total + power * coefficients(k)
        return total

    def reciprocal(self) -> "Series":
        c0, v, w = self.split_leading()
        inv = self._apply(lambda k: (-1) ** k, w)
        return (inv * (1 / c0)).shift(-v)

    def __truediv__(self, other):
        if isinstance(other, Series):
            return self * other.reciprocal()
        return self * (1 / sympy.sympify(other))

    def __rtruediv__(self, other):
        return self.reciprocal() * other

    def power(self, exponent) -> "Series":
        """self**exponent for a rational exponent; needs c0 t^v with v*exponent an integer."""
        exponent = sympy.Rational(exponent)
        c0, v, w = self.split_leading()
        shift = v * exponent
        if not shift.is_integer:
            raise ValueError(f"t^{v} to the power {exponent} is not a power series in t")
        body = self._apply(lambda k: sympy.binomial(exponent, k), w)
        return (body * c0**exponent).shift(int(shift))

    def __pow__(self, exponent):
        if isinstance(exponent, int) and exponent >= 0:
            # 1 is known to the relative precision of self
            out = Series.constant(1, self.precision - self.valuation)
            for _ in range(exponent):
                out = out * self
            return out
        return self.power(exponent)

    def log1p(self) -> "Series":
        """log(1 + self) for val(self) >= 1."""
        return self._apply(lambda k: 0 if k == 0 else sympy.Rational((-1) ** (k + 1), k), self)

    def compose(self, inner: "Series") -> "Series":
        """self(inner(t)) where inner has valuation >= 1 (any leading coefficient)."""
        if inner.valuation < 1:
            raise ValueError("inner series must have positive valuation")
        lowest = self.valuation
        result = None
        if lowest < 0:
            recip = inner.reciprocal()
        for k, c in sorted(self.coeffs.items()):
            term = inner ** k if k >= 0 else recip ** (-k)
            term = term * c
            result = term if result is None else result + term
        # the O(t^precision) of self becomes O(inner^precision)
        bound = self.precision * inner.valuation
        if result is None:
            return Series({}, bound)
        return result.truncate(bound)
