"""Numbers that carry their accuracy.

Every numerical answer of the package is an :class:`Approx`: a midpoint and an
error bound, with the method that produced the bound (``certified`` for a ball
enclosure, ``agreement`` for the difference between two working precisions,
``estimate`` for anything weaker).  :func:`format_approx` prints only the
digits that the bound supports.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import mpmath

CERTIFIED = "certified"
AGREEMENT = "agreement"
ESTIMATE = "estimate"


@dataclass(frozen=True)
class Approx:
    """``mid +/- rad``; ``rad`` is an absolute error bound (``method`` says how strong)."""

    mid: mpmath.mpf
    rad: mpmath.mpf
    method: str = CERTIFIED

    # Midpoints carry more bits than mpmath's default 53: do endpoint arithmetic exactly enough.
    _EXACT_BITS = 4096

    @property
    def lower(self):
        with mpmath.workprec(self._EXACT_BITS):
            return self.mid - self.rad

    @property
    def upper(self):
        with mpmath.workprec(self._EXACT_BITS):
            return self.mid + self.rad

    def contains(self, value) -> bool:
        with mpmath.workprec(self._EXACT_BITS):
            return self.mid - self.rad <= mpmath.mpf(value) <= self.mid + self.rad

    def distance(self, other) -> mpmath.mpf:
        """|self.mid - other| computed without rounding away the digits that matter."""
        other = other.mid if isinstance(other, Approx) else other
        with mpmath.workprec(self._EXACT_BITS):
            return abs(self.mid - mpmath.mpf(other))

    def overlaps(self, other: "Approx") -> bool:
        with mpmath.workprec(self._EXACT_BITS):
            return abs(self.mid - other.mid) <= self.rad + other.rad

    @property
    def correct_digits(self) -> int:
        """Significant decimal digits supported by the bound (0 when rad >= |mid|)."""
        return correct_digits(self.mid, self.rad)

    def __float__(self):
        return float(self.mid)

    def as_dict(self) -> dict:
        return {
            "value": format_approx(self),
            "mid": mpmath.nstr(self.mid, 40),
            "rad": mpmath.nstr(self.rad, 3),
            "digits": "exact" if self.rad == 0 else self.correct_digits,
            "method": self.method,
        }


def correct_digits(mid, rad) -> int:
    mid, rad = mpmath.mpf(mid), mpmath.mpf(rad)
    if rad == 0:
        return 10**6
    if mid == 0 or rad >= abs(mid):
        return 0
    return max(0, int(mpmath.floor(mpmath.log10(abs(mid) / rad))))


def format_approx(a: Approx, max_digits: int = 60) -> str:
    """Shortest honest rendering: the digits the bound supports, then '(+/- rad)'."""
    digits = min(a.correct_digits, max_digits)
    if digits == 0:
        return f"0 +/- {mpmath.nstr(abs(a.mid) + a.rad, 2)}" if a.rad else "0"
    text = mpmath.nstr(a.mid, digits, min_fixed=-4, max_fixed=6)
    return f"{text} (+/- {mpmath.nstr(a.rad, 2)})" if a.rad else text


def agreement(high, low, method: str = AGREEMENT) -> Approx:
    """Combine a result at a high and a lower working precision into an Approx."""
    with mpmath.workprec(Approx._EXACT_BITS):
        high, low = mpmath.mpf(high), mpmath.mpf(low)
        return Approx(high, abs(high - low), method)


def mpf_as_fraction(x) -> Fraction:
    """The exact binary value of a finite mpf, all its bits."""
    sign, mantissa, exponent, _ = x._mpf_
    return (-1) ** sign * Fraction(mantissa) * Fraction(2) ** exponent


def rounded_rational(value, bits: int = 200) -> Approx:
    """A rational number (``fractions.Fraction`` or int) rounded once to ``bits`` bits.

    The radius is the rounding error itself, so that an exact closed form never claims
    ``rad = 0`` for a midpoint that is not exactly representable (0.72 is not a binary number).
    """
    value = Fraction(value)
    with mpmath.workprec(bits):
        mid = mpmath.mpf(value.numerator) / value.denominator
    error = abs(mpf_as_fraction(mid) - value)
    with mpmath.workprec(64):
        rad = mpmath.mpf(error.numerator) / error.denominator if error else mpmath.mpf(0)
        rad = rad * (1 + mpmath.mpf(2) ** -60)  # round the radius up
    return Approx(mid, rad, CERTIFIED)


def agreed_digits(a, b) -> int:
    """Number of leading significant digits on which two numbers agree."""
    with mpmath.workprec(Approx._EXACT_BITS):
        a, b = mpmath.mpf(a), mpmath.mpf(b)
        return correct_digits(a, abs(a - b))
