"""Argument checks shared by every public function.

Each check raises :class:`InputError` (a ``ValueError``) whose message starts
with the argument's name, so that the command line can print it as one line.
"""
from __future__ import annotations

import math
import numbers

import mpmath


class InputError(ValueError):
    """Bad user input; ``str(err)`` names the offending argument."""

    def __init__(self, argument: str, problem: str):
        self.argument = argument
        self.problem = problem
        super().__init__(f"argument '{argument}': {problem}")


class ComputationError(ArithmeticError):
    """A numerical method failed to reach the requested accuracy on valid input (not a user error)."""


def _as_float(name, value):
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise InputError(name, f"expected a real number, got {value!r}") from None
    if not math.isfinite(x):
        raise InputError(name, f"must be finite, got {value!r}")
    return x


def check_finite(name: str, value):
    """A finite real scalar (float, int, mpf, Fraction or numeric string)."""
    if isinstance(value, mpmath.mpf):
        if not mpmath.isfinite(value):
            raise InputError(name, f"must be finite, got {value}")
        return value
    _as_float(name, value)
    return value


def check_correlation(name: str, rho):
    """A correlation: finite and in [-1, 1]."""
    check_finite(name, rho)
    x = mpmath.mpf(rho) if not isinstance(rho, numbers.Real) or isinstance(rho, str) else rho
    if x < -1 or x > 1:
        raise InputError(name, f"a correlation must lie in [-1, 1], got {rho}")
    return rho


def check_nonnegative(name: str, value):
    check_finite(name, value)
    if mpmath.mpf(value) < 0:
        raise InputError(name, f"must be >= 0, got {value}")
    return value


def check_positive(name: str, value):
    check_finite(name, value)
    if mpmath.mpf(value) <= 0:
        raise InputError(name, f"must be > 0, got {value}")
    return value


def check_depth(name: str, depth, minimum: int = 1) -> int:
    """An integer depth >= minimum.  Accepts 1e6 or '1e6' if integral."""
    if isinstance(depth, bool):
        raise InputError(name, f"expected an integer depth, got {depth!r}")
    if isinstance(depth, numbers.Integral):
        value = int(depth)
    else:
        x = _as_float(name, depth)
        if x != int(x):
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
        x = _as_float(name, digits)
        if x != int(x):
            raise InputError(name, f"expected a whole number of digits, got {digits!r}")
        digits = int(x)
    if digits < 1:
        raise InputError(name, f"must be >= 1, got {digits}")
    return int(digits)
