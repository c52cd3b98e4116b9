"""Numbers that carry their accuracy.

Every numerical answer of the package is an :class:`Approx`: a midpoint and an
error bound, with the method that produced the bound (``certified`` for a ball
enclosure, ``agreement`` for the difference between two working precisions,
``estimate`` for anything weaker).  :func:`format_approx` prints only the
digits that the bound supports.
"""
from __future__ import annotations

from dataclasses import dataclass

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

    @property
    def lower(self):
        return self.mid - self.rad

    @property
    def upper(self):
        return self.mid + self.rad

    def contains(self, value) -> bool:
        return self.lower <= mpmath.mpf(value) <= self.upper

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
            "digits": self.correct_digits,
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
    high, low = mpmath.mpf(high), mpmath.mpf(low)
    return Approx(high, abs(high - low), method)


def agreed_digits(a, b) -> int:
    """Number of leading significant digits on which two numbers agree."""
    a, b = mpmath.mpf(a), mpmath.mpf(b)
    return correct_digits(a, abs(a - b))
