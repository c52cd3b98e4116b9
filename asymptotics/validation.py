"""Argument checks shared by every public function.

Each check raises :class:`InputError` (a ``ValueError``) whose message starts
with the argument's name, so that the command line can print it as one line.
"""
from __future__ import annotations

import math
import numbers
import re
from fractions import Fraction

import mpmath


class InputError(ValueError):
    """Bad user input; ``str(err)`` names the offending argument."""

    def __init__(self, argument: str, problem: str):
        self.argument = argument
        self.problem = problem
        super().__init__(f"argument '{argument}': {problem}")


class ComputationError(ArithmeticError):
    """A numerical method failed to reach the requested accuracy on valid input (not a user error)."""


# An exact decimal or rational as typed: "0.3", "-1e-400", "200/101".  The length and exponent
# limits keep the exact value (and the precision it asks for) bounded.
MAX_NUMBER_CHARS = 1000
MAX_DECIMAL_EXPONENT = 4000
_DECIMAL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_RATIO = re.compile(r"[+-]?\d+\s*/\s*\d+")


def exact_real(name: str, value) -> Fraction:
    """A finite real scalar as an exact Fraction: int, Fraction, float (its exact binary value),
    mpf (all its bits), numpy scalars, or a string holding a decimal or p/q.  Booleans, NaN,
    infinities, over-long strings and astronomically large exponents -> InputError."""
    if isinstance(value, bool) or (hasattr(value, "dtype") and getattr(value.dtype, "kind", "") == "b"):
        raise InputError(name, f"expected a real number, got {value!r}")
    if isinstance(value, Fraction):
        return value
    if isinstance(value, numbers.Integral):
        return Fraction(int(value))
    if isinstance(value, mpmath.mpf):
        if not mpmath.isfinite(value):
            raise InputError(name, f"must be finite, got {value}")
        sign, man, exp, _ = value._mpf_
        q = Fraction(int(man)) * (Fraction(2) ** int(exp)) if man else Fraction(0)
        return -q if sign else q
    if isinstance(value, str):
        text = value.strip()
        if len(text) > MAX_NUMBER_CHARS:
            raise InputError(name, f"a number of {len(text)} characters is longer than the limit of "
                                   f"{MAX_NUMBER_CHARS}")
        if _RATIO.fullmatch(text):
            num, den = (int(part) for part in text.split("/"))
            if den == 0:
                raise InputError(name, f"division by zero in {value!r}")
            return Fraction(num, den)
        match = _DECIMAL.fullmatch(text)
        if not match:
            if text.lower().lstrip("+-") in ("nan", "inf", "infinity"):
                raise InputError(name, f"must be finite, got {value!r}")
            raise InputError(name, f"expected a real number (decimal or p/q), got {value!r}")
        if match.group(2) and abs(int(match.group(2)[1:])) > MAX_DECIMAL_EXPONENT:
            raise InputError(name, f"exponent beyond +/-{MAX_DECIMAL_EXPONENT} in {value!r}")
        return Fraction(text)
    if isinstance(value, numbers.Real) or hasattr(value, "__float__"):
        try:
            x = float(value)
        except (TypeError, ValueError):
            raise InputError(name, f"expected a real number, got {value!r}") from None
        if not math.isfinite(x):
            raise InputError(name, f"must be finite, got {value!r}")
        return Fraction(x)
    raise InputError(name, f"expected a real number, got {value!r}")


def _as_float(name, value):
    x = float(exact_real(name, value))
    if not math.isfinite(x):
        raise InputError(name, f"beyond the float range: {value!r}")
    return x


def check_finite(name: str, value):
    """A finite real scalar (float, int, mpf, Fraction or numeric string: decimal or p/q)."""
    exact_real(name, value)
    return value


def check_correlation(name: str, rho):
    """A correlation: finite and in [-1, 1], compared exactly (1 + 1e-22 is refused)."""
    x = exact_real(name, rho)
    if x < -1 or x > 1:
        raise InputError(name, f"a correlation must lie in [-1, 1], got {rho}")
    return rho


def check_nonnegative(name: str, value):
    if exact_real(name, value) < 0:
        raise InputError(name, f"must be >= 0, got {value}")
    return value


def check_positive(name: str, value):
    if exact_real(name, value) <= 0:
        raise InputError(name, f"must be > 0, got {value}")
    return value


def check_depth(name: str, depth, minimum: int = 1) -> int:
    """An integer depth >= minimum.  Accepts 1e6 or '1e6' if integral."""
    if isinstance(depth, bool):
        raise InputError(name, f"expected an integer depth, got {depth!r}")
    if isinstance(depth, numbers.Integral):
        value = int(depth)
    else:
        x = exact_real(name, depth)
        if x.denominator != 1:
            raise InputError(name, f"a depth must be an integer, got {depth!r}")
        value = int(x)
    if value < minimum:
        raise InputError(name, f"a depth must be >= {minimum}, got {depth!r}")
    return value


def check_depths(name: str, depths, minimum: int = 1) -> list[int]:
    """A non-empty list of depths, returned sorted and deduplicated."""
    if isinstance(depths, (numbers.Number, str)):
        depths = [depths]
    out = sorted({check_depth(name, d, minimum) for d in depths})
    if not out:
        raise InputError(name, "at least one depth is required")
    return out


def check_digits(name: str, digits) -> int:
    if isinstance(digits, bool) or not isinstance(digits, numbers.Integral):
        x = exact_real(name, digits)
        if x.denominator != 1:
            raise InputError(name, f"expected a whole number of digits, got {digits!r}")
        digits = int(x)
    if digits < 1:
        raise InputError(name, f"must be >= 1, got {digits}")
    return int(digits)
