"""Numbers that carry their accuracy.

Every numerical answer of the package is an :class:`Approx`: a midpoint and an
error bound, with the method that produced the bound:

* ``certified``: ``rad`` is a rigorous bound (a ball enclosure);
* ``agreement``: ``rad`` is the difference of two computations that differ in every rounding,
  the input's included;
* ``estimate``: no rigorous bound (``rad`` is an error estimate only).

Printing (:func:`format_approx`, :meth:`Approx.as_dict`) keeps one promise: the printed interval
``[P - R, P + R]`` contains the ball ``[mid - rad, mid + rad]``.  The printed midpoint ``P`` is ``mid``
rounded to the supported digits, and the printed radius is ``R = rad + |P - mid|`` rounded *up* to two
significant digits (never to nearest).  An estimate is printed without ``+/-`` so that it cannot be
taken for a bound: ``1.23457e-6 (estimate, ~6 digits)``.  Decimal rounding is done exactly, in
rational arithmetic on the binary midpoint, so no rounding of the printer itself can leak.
"""
from __future__ import annotations

import contextlib
import contextvars
from dataclasses import dataclass
from fractions import Fraction
from typing import Optional

import mpmath

CERTIFIED = "certified"
AGREEMENT = "agreement"
ESTIMATE = "estimate"

# An exact value (rad = 0) whose decimal expansion is longer than this is printed rounded, with the
# rounding as its radius; JSON's ``mid`` allows longer exact expansions (EXACT_JSON_DIGITS).
EXACT_SHOWN_DIGITS = 40
EXACT_JSON_DIGITS = 1000
# JSON ``mid`` carries this many guard digits beyond the supported ones (their rounding joins ``rad``).
JSON_GUARD_DIGITS = 5

# The cap on significant digits shown when a caller passes none (a CLI's --max-digits); None: no cap.
_MAX_DIGITS = contextvars.ContextVar("max_digits", default=None)


@contextlib.contextmanager
def max_digits_shown(max_digits: Optional[int]):
    """Within the block, :func:`format_approx` / ``as_dict`` show at most ``max_digits`` significant
    digits unless told otherwise (the CLIs' ``--max-digits``; None: every supported digit)."""
    token = _MAX_DIGITS.set(_check_max_digits(max_digits))
    try:
        yield
    finally:
        _MAX_DIGITS.reset(token)


def _check_max_digits(max_digits):
    if max_digits is None:
        return None
    if isinstance(max_digits, bool) or not isinstance(max_digits, int) or max_digits < 1:
        raise ValueError(f"max_digits must be an integer >= 1, got {max_digits!r}")
    return max_digits


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
        """Significant decimal digits supported by the bound (0 when rad >= |mid|; 10**6 when exact)."""
        return correct_digits(self.mid, self.rad)

    def __float__(self):
        return float(self.mid)

    def as_dict(self, max_digits: Optional[int] = None) -> dict:
        """JSON form; the type of every field is fixed:

        ``value`` (str): :func:`format_approx`; ``mid`` (str): the midpoint in decimal with all supported
        digits plus guard digits (exact when ``exact``); ``rad`` (str): a decimal number, rounded up, with
        ``mid - rad <= true value <= mid + rad`` for certified balls (it includes the rounding of ``mid``);
        ``digits`` (int): significant digits supported (for an exact value, the length of its decimal
        expansion); ``exact`` (bool): ``rad == 0``; ``method`` (str).
        """
        return approx_json(self, max_digits)


def _fraction(x) -> Fraction:
    if isinstance(x, Fraction):
        return x
    if isinstance(x, int):
        return Fraction(x)
    if not isinstance(x, mpmath.mpf):  # (never round an mpf to the working precision: keep its bits)
        with mpmath.workprec(Approx._EXACT_BITS):
            x = mpmath.mpf(x)
    if not mpmath.isfinite(x):
        raise ValueError(f"not a finite number: {x}")
    return mpf_as_fraction(x)


# Binary exponents beyond this are not turned into exact rationals (2^-10^100 has no Fraction):
# such values are rescaled by a power of ten first (see _scaled_pair).
_HUGE_EXPONENT = 100_000


def _binary_exponent(x) -> int:
    if isinstance(x, mpmath.mpf) and x != 0 and mpmath.isfinite(x):
        return abs(x._mpf_[2] + x._mpf_[3])
    return 0


def _scaled_pair(mid, rad):
    """(m, r, shift) with mid = m 10^shift and |rad| <= r 10^shift, m and r exact rationals.

    shift = 0 and exact conversion for ordinary exponents.  For binary exponents beyond
    _HUGE_EXPONENT both are divided by 10^shift in mpmath at p bits; each of the O(log shift)
    correctly rounded operations errs by at most 2^-p relative, so 2^(20-p) |mid 10^-shift| (which
    covers 2^20 roundings) is added to the radius, and the scaled radius is rounded up by the same
    factor: the scaled interval contains the true one."""
    if max(_binary_exponent(mid), _binary_exponent(rad)) <= _HUGE_EXPONENT:
        return _fraction(mid), _fraction(rad), 0
    lead = mid if mid != 0 else rad
    # enough bits for every digit the ball supports (or the exact midpoint's mantissa), plus guard bits
    span = abs(_binary_exponent(lead) - _binary_exponent(rad)) if rad != 0 else mpmath.mpf(lead)._mpf_[3]
    # log10 of a number with a d-bit exponent needs d more bits for its integer part
    p = min(max(256, span + 128), 40_000) + int(_binary_exponent(lead)).bit_length() + 64
    with mpmath.workprec(p):
        shift = int(mpmath.floor(mpmath.log10(abs(lead))))
        scale = mpmath.mpf(10) ** (-shift)
        m = mpmath.mpf(mid) * scale
        r = abs(mpmath.mpf(rad)) * scale
        slack = mpmath.mpf(2) ** (20 - p)
        r = r * (1 + slack) + abs(m) * slack
    return mpf_as_fraction(m), mpf_as_fraction(r), shift


def _floor_log10(x: Fraction) -> int:
    """floor(log10 x) for a rational x > 0, exactly."""
    n, d = x.numerator, x.denominator
    e = int((n.bit_length() - d.bit_length()) * 0.30102999566398120)  # within two of the answer
    while Fraction(10) ** e > x:
        e -= 1
    while Fraction(10) ** (e + 1) <= x:
        e += 1
    return e


def _digits_supported(mid: Fraction, rad: Fraction) -> int:
    """The largest d >= 0 with rad * 10^d <= |mid| (exact; 0 when rad >= |mid|)."""
    if mid == 0 or rad >= abs(mid):
        return 0
    d = max(0, _floor_log10(abs(mid) / rad))
    return d


def correct_digits(mid, rad) -> int:
    mid, rad, _ = _scaled_pair(mid, rad)
    if rad == 0:
        return 10**6
    return _digits_supported(mid, rad)


def _round_significant(x: Fraction, digits: int):
    """x (!= 0) rounded to nearest with ``digits`` significant digits: (sign, integer N, exponent e)
    with the rounded value = sign * N * 10^(e - digits + 1) and 10^(digits-1) <= N < 10^digits."""
    sign = -1 if x < 0 else 1
    x = abs(x)
    e = _floor_log10(x)
    scale = Fraction(10) ** (e - digits + 1)
    n = round(x / scale)  # exact rational rounding (half to even)
    if n >= 10**digits:
        n //= 10  # n was exactly 10^digits
        e += 1
    return sign, n, e


def _value_of(sign, n, e, digits) -> Fraction:
    return sign * n * Fraction(10) ** (e - digits + 1)


def _render(sign, n, e, digits, min_fixed=-4, max_fixed=6) -> str:
    """Decimal text of sign * n * 10^(e - digits + 1): fixed notation for min_fixed <= e < max_fixed
    unless that would need zeros that are not significant (123000 with 3 digits prints 1.23e+5), so the
    number of significant digits shown can always be read off the text."""
    text = _int_text(n).rjust(digits, "0")
    lead = "-" if sign < 0 else ""
    if min_fixed <= e < max_fixed and e <= digits - 1:
        if e == digits - 1:
            body = text
        elif e >= 0:
            body = text[: e + 1] + "." + text[e + 1:]
        else:
            body = "0." + "0" * (-e - 1) + text
        return lead + body
    mantissa = text[0] + ("." + text[1:] if digits > 1 else "")
    return f"{lead}{mantissa}e{e:+d}" if e < 0 else f"{lead}{mantissa}e+{e}"


def _int_text(n: int) -> str:
    """str(n) for n >= 0 of any length (Python refuses str() of ints above 4300 digits)."""
    if n.bit_length() < 12000:
        return str(n)
    half = max(1, int(n.bit_length() * 0.30103) // 2)
    high, low = divmod(n, 10**half)
    return _int_text(high) + _int_text(low).rjust(half, "0")


def _round_up_text(r: Fraction, digits: int = 2, shift: int = 0) -> str:
    """r 10^shift >= 0 rounded UP to ``digits`` significant digits, as text."""
    if r == 0:
        return "0"
    e = _floor_log10(r)
    scale = Fraction(10) ** (e - digits + 1)
    q = r / scale
    n = q.numerator // q.denominator + (q.denominator != 1)  # ceiling
    if n >= 10**digits:
        n //= 10
        e += 1
        if _value_of(1, n, e, digits) < r:  # cannot happen (n = 10^(digits-1) exactly), kept as a guard
            n += 1
    return _render(1, n, e + shift, digits, min_fixed=-4, max_fixed=6)


def _exact_decimal_length(x: Fraction) -> Optional[int]:
    """Significant digits of the (finite) decimal expansion of x, None when it is not finite."""
    if x == 0:
        return 1
    d = x.denominator
    twos = fives = 0
    while d % 2 == 0:
        d //= 2
        twos += 1
    while d % 5 == 0:
        d //= 5
        fives += 1
    if d != 1:
        return None
    k = max(twos, fives)  # x * 10^k is an integer
    if k + abs(x.numerator).bit_length() * 0.30103 > 2 * EXACT_JSON_DIGITS:
        return 10**6  # longer than anything printed: shown rounded, with its rounding as radius
    n = abs(x.numerator) * 10**k // x.denominator
    return len(_int_text(n).rstrip("0"))


@dataclass(frozen=True)
class _Printed:
    mid_text: str
    rad_text: str  # rounded up; "0" when exact
    digits: int  # significant digits shown
    supported: int  # significant digits the ball supports (exact: length of the expansion)
    exact: bool


def _print(mid, rad, max_digits: Optional[int], exact_cap: int, guard: int = 0) -> _Printed:
    """The shared mechanism: digits shown, printed midpoint and a printed radius that covers both the
    ball and the midpoint's rounding."""
    m, r, shift = _scaled_pair(mid, rad)
    if r < 0:
        raise ValueError(f"negative radius {rad}")
    if r == 0:
        length = _exact_decimal_length(m)
        supported = length if length is not None else 10**6
        digits = min(supported, exact_cap if max_digits is None else max_digits)
    else:
        supported = _digits_supported(m, r)
        digits = supported + guard
        if max_digits is not None:
            digits = min(digits, max_digits)
    if m == 0:
        return _Printed("0", _round_up_text(r, shift=shift), 0 if r else 1, supported if r == 0 else 0, r == 0)
    if digits <= 0 or (r and supported == 0 and guard == 0):
        return _Printed("0", _round_up_text(abs(m) + r, shift=shift), 0, 0, False)
    sign, n, e = _round_significant(m, digits)
    printed = _value_of(sign, n, e, digits)
    total = r + abs(printed - m)
    return _Printed(_render(sign, n, e + shift, digits), _round_up_text(total, shift=shift), digits, supported,
                    total == 0)


def format_approx(a: Approx, max_digits: Optional[int] = None) -> str:
    """Shortest honest rendering: the digits the bound supports, then '(+/- R)' with R rounded up and
    covering the midpoint's rounding; an estimate as '1.23e-6 (estimate, ~3 digits)' (no '+/-').

    ``max_digits`` caps the significant digits shown (default: none; an exact value shows at most
    EXACT_SHOWN_DIGITS, the rest going into its radius).
    """
    max_digits = _check_max_digits(max_digits) if max_digits is not None else _MAX_DIGITS.get()
    if not _finite(a):
        return f"undetermined (not a finite number: mid = {a.mid}, rad = {a.rad})"
    p = _print(a.mid, a.rad, max_digits, EXACT_SHOWN_DIGITS)
    if a.method == ESTIMATE:
        if p.digits == 0 or p.supported == 0:
            return f"undetermined (estimate: |value| ~ {_round_up_text(abs(_fraction(a.mid)) + _fraction(a.rad), 1)}, no digit supported)"
        return f"{p.mid_text} (estimate, ~{p.digits} digits)"
    if p.exact:
        return p.mid_text
    if p.digits == 0 and a.method != CERTIFIED:
        return f"undetermined ({a.method}: |value| <= ~{p.rad_text}, no digit agreed)"
    return f"{p.mid_text} +/- {p.rad_text}" if p.digits == 0 else f"{p.mid_text} (+/- {p.rad_text})"


def approx_json(a: Approx, max_digits: Optional[int] = None) -> dict:
    """See :meth:`Approx.as_dict`."""
    if not _finite(a):  # never NaN/inf in JSON: say so in strings
        return {"value": format_approx(a, max_digits), "mid": str(a.mid), "rad": str(a.rad), "digits": 0,
                "exact": False, "method": a.method}
    full = _print(a.mid, a.rad, None, EXACT_JSON_DIGITS, guard=JSON_GUARD_DIGITS)
    supported = _print(a.mid, a.rad, None, EXACT_JSON_DIGITS).supported
    return {
        "value": format_approx(a, max_digits),
        "mid": full.mid_text if a.mid != 0 or a.rad == 0 else "0",
        "rad": full.rad_text,
        "digits": int(min(supported, 10**6)),
        "exact": bool(full.exact),
        "method": a.method,
    }


def _finite(a: Approx) -> bool:
    return all(mpmath.isfinite(mpmath.mpf(x)) for x in (a.mid, a.rad)) and a.rad >= 0


def agreement(high, low, method: str = AGREEMENT) -> Approx:
    """Combine a result at a high and a lower working precision into an Approx."""
    with mpmath.workprec(Approx._EXACT_BITS):
        high, low = mpmath.mpf(high), mpmath.mpf(low)
        return Approx(high, abs(high - low), method)


def mpf_as_fraction(x) -> Fraction:
    """The exact binary value of a finite mpf, all its bits."""
    sign, mantissa, exponent, _ = x._mpf_
    mantissa, exponent = int(mantissa), int(exponent)  # gmpy2 mpz -> int (Fraction needs ints)
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
