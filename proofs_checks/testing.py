"""Helpers for hand-written tests of asymptotic constants (pytest or plain asserts).

* :func:`assert_certified(value, expected, digits=...)` passes only when the value's enclosure
  (a ball, or the agreement of two computations) *supports* the comparison: every number in
  ``mid +/- rad`` agrees with ``expected`` to ``digits`` significant digits.  A float, or a value
  whose radius is too wide, fails: agreement of a midpoint alone proves nothing.
* :func:`quantity(name, **params)` computes a catalogue quantity (``ntk-verify quantities``) and
  returns it with its accuracy; :func:`value(name, **params)` gives the Approx itself;
  :func:`check(name, printed, **params)` gives the verdict a claims file would get.
"""
from __future__ import annotations

import mpmath
import sympy

from asymptotics.accuracy import AGREEMENT, CERTIFIED, Approx, format_approx

SUPPORTED_METHODS = (CERTIFIED, AGREEMENT)


def _as_approx(value) -> Approx:
    if isinstance(value, Approx):
        return value
    if hasattr(value, "mid") and hasattr(value, "rad") and callable(value.mid):  # python-flint arb
        mid = mpmath.mpf(value.mid().str(radius=False, more=True, condense=0))
        rad = mpmath.mpf(value.rad().str(radius=False, more=True, condense=0))
        return Approx(mid, rad * (1 + mpmath.mpf(2) ** -50), CERTIFIED)
    raise AssertionError(f"assert_certified needs a value with an error bound (an Approx or an arb ball), "
                         f"got {type(value).__name__} {value!r}: a bare number certifies nothing")


def _exact(expected):
    if isinstance(expected, str):
        from proofs_checks.user_claims.values import parse_expression

        return parse_expression("expected", expected)
    return sympy.nsimplify(expected) if isinstance(expected, float) else sympy.sympify(expected)


def assert_certified(value, expected, digits: int = None, allow_estimate: bool = False):
    """Assert that ``value`` (Approx / arb ball) agrees with ``expected`` to ``digits`` significant digits.

    ``expected``: a number, a SymPy expression or its text (``"9*pi**2/2"``).  With ``digits=None``
    the enclosure must contain ``expected`` and support at least 10 digits.  Values whose error bound is
    only an ``estimate`` fail unless ``allow_estimate``.
    """
    approx = _as_approx(value)
    if approx.method not in SUPPORTED_METHODS and not allow_estimate:
        raise AssertionError(f"{format_approx(approx)} carries only an {approx.method!r} error bound, "
                             "not a ball or an agreement of two computations")
    target = _exact(expected)
    with mpmath.workprec(Approx._EXACT_BITS):
        with mpmath.workdps(max(60, (digits or 0) + 20)):
            e = mpmath.mpf(sympy.N(target, max(60, (digits or 0) + 20)))
        worst = abs(approx.mid - e) + approx.rad
        if digits is None:
            if abs(approx.mid - e) > approx.rad:
                raise AssertionError(f"{format_approx(approx)} ({approx.method}) excludes {target} = "
                                     f"{mpmath.nstr(e, 20)} (distance {mpmath.nstr(abs(approx.mid - e), 3)})")
            if approx.correct_digits < 10:
                raise AssertionError(f"{format_approx(approx)} contains {target} but supports only "
                                     f"{approx.correct_digits} digits; pass digits= or compute more precisely")
            return approx.correct_digits
        if isinstance(digits, bool) or not isinstance(digits, int) or digits < 1:
            raise ValueError(f"digits must be a whole number >= 1, got {digits!r}")
        top = int(mpmath.floor(mpmath.log10(abs(e)))) if e != 0 else 0
        allowed = mpmath.mpf(10) ** (top - digits + 1) / 2  # half a unit in the digits-th significant digit
        if worst > allowed:
            what = "the enclosure is too wide" if abs(approx.mid - e) <= allowed else "they differ"
            raise AssertionError(f"{format_approx(approx)} ({approx.method}) does not support {digits} digits of "
                                 f"{target} = {mpmath.nstr(e, digits + 3)}: {what} "
                                 f"(|value - expected| <= {mpmath.nstr(worst, 3)} > {mpmath.nstr(allowed, 3)})")
    return digits


def quantity(name: str, convention: str = "std", dps: int = 20, **params):
    """A catalogue quantity: a ``Computed`` with ``.value`` (Approx) or ``.exact`` (SymPy), ``.how``."""
    from proofs_checks.user_claims import compute

    return compute(name, convention=convention, dps=dps, **params)


def value(name: str, convention: str = "std", dps: int = 20, **params) -> Approx:
    """The Approx of a catalogue quantity (an exact result rounded once, its rounding as the radius)."""
    from proofs_checks.user_claims.compare import approx_of_exact

    computed = quantity(name, convention, dps, **params)
    if computed.undecided:
        raise AssertionError(f"{name}: {computed.undecided}")
    if computed.value is not None:
        return computed.value
    return approx_of_exact(computed.exact, dps + 20)


def check(name: str, printed, convention: str = "std", dps: int = 20, tolerance=None, digits=None, **params):
    """The verdict a claims file would give to ``quantity = name``, ``printed = printed``."""
    from proofs_checks.user_claims.catalogue import setting_from
    from proofs_checks.user_claims.evaluate import evaluate
    from proofs_checks.user_claims.quantity_index import get_quantity
    from proofs_checks.user_claims.values import parse_printed

    q = get_quantity(name)
    if q.categorical:
        params = dict(params, printed=printed)
    setting = setting_from(params, convention) if q.network else None
    return evaluate(q, params, setting, parse_printed(printed, tolerance, digits, q.categorical), dps, convention)
