"""Values as a claims file writes them: exact parameters and printed values.

* A parameter (``sigma_b = "0.2"``, ``sigma_w2 = "200/101"``, ``sigma_w = "sqrt(2)"``) is read
  exactly: decimals and rationals as :class:`fractions.Fraction` (0.2 means 1/5), anything else as
  a SymPy expression.  Variances are what the recursions need, so every sigma is kept as its exact
  square when that square is rational.
* ``printed`` is a decimal (with a decimal point or an exponent: compared to half a unit in its last
  printed digit, unless ``tolerance`` or ``digits`` say otherwise) or an exact value, an integer or a
  SymPy expression (pi, E, sqrt, log, rationals), compared to the full accuracy of the computation.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Optional

import mpmath
import sympy

from proofs_checks.user_claims.errors import FieldError

_DECIMAL = re.compile(r"^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$")
_RATIONAL = re.compile(r"^\s*[+-]?\d+\s*/\s*\d+\s*$")

#: names a printed expression or parameter may use
SYMPY_NAMES = {"pi": sympy.pi, "E": sympy.E, "e": sympy.E, "sqrt": sympy.sqrt, "log": sympy.log,
               "exp": sympy.exp, "Rational": sympy.Rational, "oo": sympy.oo, "asin": sympy.asin,
               "acos": sympy.acos, "atan": sympy.atan, "sin": sympy.sin, "cos": sympy.cos,
               "erf": sympy.erf, "gamma": sympy.gamma, "zeta": sympy.zeta}


def parse_expression(field, text, symbols=None):
    """A SymPy expression from user text (no evaluation of arbitrary Python: sympify of a string)."""
    if not isinstance(text, str):
        raise FieldError(field, f"expected a string, got {text!r}")
    names = dict(SYMPY_NAMES)
    names.update(symbols or {})
    try:
        expr = sympy.sympify(text.replace("^", "**"), locals=names, rational=True)
    except (sympy.SympifyError, SyntaxError, TypeError, ValueError, AttributeError) as err:
        raise FieldError(field, f"cannot parse {text!r} as a number or SymPy expression "
                                f"({type(err).__name__})") from None
    if not isinstance(expr, sympy.Expr):
        raise FieldError(field, f"{text!r} is not a number or expression")
    allowed = set((symbols or {}).values())
    unknown = [str(s) for s in expr.free_symbols if s not in allowed]
    if unknown:
        raise FieldError(field, f"unknown name(s) {', '.join(sorted(unknown))} in {text!r}")
    return expr


def exact_number(field, value):
    """An exact real number: int, decimal or rational text -> Fraction; other expressions -> SymPy.

    TOML floats are read as the decimal they print as (0.2 -> 1/5)."""
    if isinstance(value, bool):
        raise FieldError(field, f"expected a number, got {value!r}")
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise FieldError(field, f"must be finite, got {value!r}")
        return Fraction(repr(value))
    if not isinstance(value, str):
        raise FieldError(field, f"expected a number or a string, got {value!r}")
    if _DECIMAL.match(value) and any(ch.isdigit() for ch in value):
        return Fraction(value.strip())
    if _RATIONAL.match(value):
        num, den = value.split("/")
        if int(den) == 0:
            raise FieldError(field, f"division by zero in {value!r}")
        return Fraction(int(num), int(den))
    expr = parse_expression(field, value)
    if expr.free_symbols or not expr.is_real or not expr.is_finite:
        raise FieldError(field, f"{value!r} is not a finite real number")
    if expr.is_Rational:
        return Fraction(int(expr.p), int(expr.q))
    return expr


def to_sympy(x):
    return sympy.Rational(x.numerator, x.denominator) if isinstance(x, Fraction) else sympy.sympify(x)


def square(x):
    """x^2, exact: a Fraction when x^2 is rational, else a SymPy expression."""
    sq = sympy.nsimplify(to_sympy(x) ** 2) if not isinstance(x, Fraction) else x * x
    if isinstance(sq, sympy.Rational):
        return Fraction(int(sq.p), int(sq.q))
    return sq


def square_root(x):
    """sqrt(x) for x >= 0, exact: a Fraction when rational, else a SymPy expression."""
    root = sympy.sqrt(to_sympy(x))
    if isinstance(root, sympy.Rational):
        return Fraction(int(root.p), int(root.q))
    return root


def as_argument(x, dps: int = 80):
    """An exact number in a form every engine of the package accepts: a decimal string.

    A Fraction with a terminating decimal expansion becomes that decimal, exactly; any other number
    (200/101, sqrt(3)) its rounding to ``dps`` significant digits, a relative 1e-80, far below any
    accuracy reported here (claims ask for at most 60 digits).
    """
    if isinstance(x, Fraction):
        den = x.denominator
        while den % 2 == 0:
            den //= 2
        while den % 5 == 0:
            den //= 5
        if den == 1:
            text = _fraction_decimal(x)
            return text
    with mpmath.workdps(dps + 5):
        return mpmath.nstr(mpmath.mpf(sympy.N(to_sympy(x), dps + 10)), dps, min_fixed=-10**6, max_fixed=10**6)


def _fraction_decimal(x: Fraction) -> str:
    sign = "-" if x < 0 else ""
    x = abs(x)
    k = 0
    while (x * 10**k).denominator != 1:
        k += 1
    digits = str((x * 10**k).numerator).rjust(k + 1, "0")
    return sign + (digits[:-k] + "." + digits[-k:] if k else digits)


def text_of(x) -> str:
    return str(x) if not isinstance(x, Fraction) or x.denominator != 1 else str(x.numerator)


@dataclass(frozen=True)
class Printed:
    """The printed value of a claim and how closely it must match.

    ``value``: exact SymPy number; ``half_width``: absolute half width of the interval the printed
    text stands for (0 for an exact expression); ``rule``: the rule in words; ``word``: for
    categorical claims (a phase) the printed word instead of a number.
    """

    text: str
    value: Optional[object]
    half_width: Optional[object]  # Fraction or 0
    rule: str
    exact: bool
    word: str = ""

    def interval_text(self) -> str:
        if self.word:
            return self.word
        if self.exact:
            return f"{self.text} (exact)"
        return f"{self.text} (+/- {float(self.half_width):.3g}: {self.rule})"


def parse_printed(value, tolerance=None, digits=None, categorical=False) -> Printed:
    """The printed value with its comparison rule (see the module docstring)."""
    if categorical:
        if not isinstance(value, str) or not value.strip():
            raise FieldError("printed", f"expected a word, got {value!r}")
        return Printed(value, None, None, "the printed word", False, word=value.strip().lower())
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise FieldError("printed", f"expected a number or a string, got {value!r}")
    text = repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, float) and not math.isfinite(value):
        raise FieldError("printed", f"must be finite, got {value!r}")
    if tolerance is not None and digits is not None:
        raise FieldError("tolerance", "give tolerance or digits, not both")
    match = _DECIMAL.match(text)
    if match and match.group(3) is None and match.group(4) is None and "." not in text:
        match = None  # an integer is exact (a decimal point or an exponent makes it a decimal)
    if match and any(ch.isdigit() for ch in text):
        exact = Fraction(text.strip())
        _, _, frac, exp = match.groups()
        last = -len(frac or "") + int(exp or 0)  # the power of ten of the last printed digit
        half = Fraction(1, 2) * Fraction(10) ** last
        rule = "half a unit in its last printed digit"
        is_exact = False
    else:
        expr = parse_expression("printed", text) if not _RATIONAL.match(text) else None
        if isinstance(value, int):
            expr = sympy.Integer(value)
        if expr is None:
            num, den = text.split("/")
            if int(den) == 0:
                raise FieldError("printed", f"division by zero in {text!r}")
            expr = sympy.Rational(int(num), int(den))
        if not expr.is_number or expr.is_real is False or not expr.is_finite:
            raise FieldError("printed", f"{text!r} is not a finite real number")
        exact = expr
        half, rule, is_exact = 0, "exact: compared to the full accuracy of the computation", True
    if tolerance is not None:
        tol = _positive_fraction("tolerance", tolerance)
        half = tol * abs(_as_fraction_approx(exact))
        rule, is_exact = f"relative tolerance {float(tol):.3g}", False
    elif digits is not None:
        if isinstance(digits, bool) or not isinstance(digits, int) or digits < 1:
            raise FieldError("digits", f"expected a whole number >= 1, got {digits!r}")
        magnitude = _as_fraction_approx(exact)
        if magnitude == 0:
            raise FieldError("digits", "significant digits of a printed 0 are undefined; use tolerance")
        top = math.floor(math.log10(abs(float(magnitude))))
        half = Fraction(1, 2) * Fraction(10) ** (top - digits + 1)
        rule, is_exact = f"{digits} significant digits", False
    value_expr = sympy.Rational(exact.numerator, exact.denominator) if isinstance(exact, Fraction) else exact
    return Printed(text, value_expr, half, rule, is_exact)


def _positive_fraction(field, value) -> Fraction:
    x = exact_number(field, value)
    if not isinstance(x, Fraction):
        x = Fraction(str(sympy.N(x, 30)))
    if x <= 0:
        raise FieldError(field, f"must be > 0, got {value!r}")
    return x


def _as_fraction_approx(x) -> Fraction:
    if isinstance(x, Fraction):
        return x
    return Fraction(str(sympy.N(x, 40)))
