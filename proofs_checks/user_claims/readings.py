"""Other readings of a claim: the value it would have under a convention or a neighbouring statement.

A refuted printed value is explained, where possible, by a *reading* that the package computes:

* notation readings (the printed value is right in another convention): standard deviation versus
  variance (of the printed ``eoc.sigma_w``, of the parameters, or both), the expansion variable
  (c - 1) instead of (1 - c), the derivative f^(k)(1) printed instead of the Taylor coefficient
  (-1)^k f^(k)(1)/k!, the NTK rate normalised the other way (K^L/L against K^L/(q* L));
* substantive readings (the printed value belongs to another statement): the coefficient of a
  neighbouring term of a depth law (a wrong exponent of l or of log l), a neighbouring order of a
  derivative or power of an expansion.

Each reading recomputes the quantity through the catalogue (so it is as certified as the claim's
own value) or transforms the computed value exactly; :func:`agrees` compares it with the printed
value under the claim's own rule (half a unit in the last digit, tolerance, digits, or exact).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import mpmath
import sympy

from asymptotics.accuracy import Approx
from asymptotics.validation import ComputationError, InputError

MIN_EXACT_DIGITS = 10  # as compare.MIN_EXACT_DIGITS: an exact printed value needs this many digits


@dataclass
class ClaimContext:
    """What is needed to recompute a claim's quantity under another reading."""

    quantity: object  # catalogue Quantity
    params: dict
    convention: str
    dps: int

    def recompute(self, params=None, convention=None):
        """The quantity with some parameters or the convention changed; None when not computable."""
        from proofs_checks.user_claims.catalogue import setting_from

        new = dict(self.params, **(params or {}))
        conv = convention or self.convention
        try:
            setting = setting_from(new, conv) if self.quantity.network else None
            computed = self.quantity.compute(new, setting, self.dps)
        except (InputError, ComputationError):
            return None
        if computed.undecided or computed.word:
            return None
        return value_of(computed)


@dataclass
class Reading:
    grade: str  # 'notation' or 'substantive'
    description: str  # what the printed value is under this reading
    value: Callable[[], object]  # -> Approx, exact SymPy number, or None


def value_of(computed):
    """The computed value: the exact SymPy number when derived exactly, else the Approx."""
    if computed.exact is not None:
        return sympy.sympify(computed.exact)
    return computed.value


def _mp(expr, dps=60):
    with mpmath.workdps(dps + 10):
        return mpmath.mpf(sympy.N(expr, dps + 10))


def as_approx(value) -> Optional[Approx]:
    if value is None or isinstance(value, Approx):
        return value
    with mpmath.workdps(70):
        mid = _mp(value, 60)
        return Approx(mid, abs(mid) * mpmath.mpf(10) ** -60 if mid else mpmath.mpf(10) ** -60)


def scaled(value, factor):
    """``factor * value`` for an exact factor (SymPy): exact stays exact, an Approx keeps a valid radius."""
    factor = sympy.sympify(factor)
    if value is None:
        return None
    if not isinstance(value, Approx):
        return sympy.nsimplify(factor * value) if factor.is_Rational and value.is_Rational else factor * value
    with mpmath.workprec(Approx._EXACT_BITS):
        f = _mp(factor, 80)
        rounding = abs(value.mid * f) * mpmath.mpf(10) ** -75  # the factor's own rounding at 80 digits
        return Approx(value.mid * f, value.rad * abs(f) + rounding, value.method)


def power(value, k):
    """``value ** k`` (k = 2, 1/2, -1); None where the enclosure is too wide for a first-order radius."""
    k = sympy.Rational(k)
    if value is None:
        return None
    if not isinstance(value, Approx):
        if k < 1 and not (value.is_positive or value == 0):
            return None
        return sympy.nsimplify(value ** k) if value.is_Rational else value ** k
    with mpmath.workprec(Approx._EXACT_BITS):
        mid, rad = value.mid, value.rad
        if mid == 0 or rad * 10 > abs(mid) or (k.q != 1 and mid < 0):
            return None
        kk = mpmath.mpf(k.p) / k.q
        new = mid ** kk
        # |x^k - m^k| <= |k| max|x|^(k-1) rad on [m - rad, m + rad]; rad <= |m|/10 bounds max|x|^(k-1)
        bound = abs(kk) * max(abs(mid - rad), abs(mid + rad)) ** (kk - 1) if kk >= 1 else \
            abs(kk) * min(abs(mid - rad), abs(mid + rad)) ** (kk - 1)
        return Approx(new, bound * rad * 2 + abs(new) * mpmath.mpf(10) ** -75, value.method)


def agrees(printed, value) -> bool:
    """Whether ``value`` would confirm ``printed`` under the claim's own rule."""
    if value is None:
        return False
    if not isinstance(value, Approx) and printed.exact:
        p, v = _mp(printed.value, 50), _mp(value, 50)
        if abs(p - v) > mpmath.mpf(10) ** -40 * max(abs(p), abs(v), 1):
            return False
        return sympy.simplify(printed.value - value) == 0
    approx = as_approx(value)
    with mpmath.workprec(Approx._EXACT_BITS):
        p = _mp(printed.value, 60)
        distance = abs(approx.mid - p)
        if printed.exact:
            return distance <= approx.rad and approx.correct_digits >= MIN_EXACT_DIGITS
        half = _mp(sympy.sympify(printed.half_width), 60) if printed.half_width else mpmath.mpf(0)
        return distance + approx.rad <= half


# --------------------------------------------------------------------------------------
# the readings of each quantity

def _sigma_fields(ctx):
    """The sigma parameters written in the convention-dependent fields with a value a flip changes."""
    from proofs_checks.user_claims.values import exact_number

    out = []
    for name in ("sigma_w", "sigma_b"):
        if name in ctx.params:
            try:
                x = exact_number(name, ctx.params[name])
            except InputError:
                continue
            if x not in (0, 1):
                out.append(name)
    return out


def notation_readings(ctx, value):
    """Readings under which the printed value is the right value in another convention."""
    name = ctx.quantity.name
    other = "variance" if ctx.convention == "std" else "std"
    in_other = "variances" if other == "variance" else "standard deviations"
    readings = []
    flips = _sigma_fields(ctx)
    if name == "eoc.sigma_w":
        # the printed value in the other convention: sigma_w^2 for sigma_w, or the reverse
        k = 2 if ctx.convention == "std" else sympy.Rational(1, 2)
        label = "sigma_w^2" if ctx.convention == "std" else "sigma_w"
        readings.append(Reading("notation", f"{label} (the printed value in the {other} convention)",
                                lambda: power(value, k)))
        if flips:
            readings.append(Reading("notation", f"the value with {', '.join(flips)} read as {in_other} "
                                    f"({label} printed in the {other} convention throughout)",
                                    lambda: ctx.recompute(convention=other)))
            readings.append(Reading("notation", f"the value with {', '.join(flips)} read as {in_other}",
                                    lambda: power(ctx.recompute(convention=other), sympy.Integer(1) / k)))
    elif flips and ctx.quantity.network:
        readings.append(Reading("notation", f"the value with {', '.join(flips)} read as {in_other}",
                                lambda: ctx.recompute(convention=other)))
    if name == "correlation_map.expansion":
        readings += _expansion_notation(ctx, value)
    if name == "depth_law.coefficient" and ctx.params.get("series") in ("ntk_rate", "normalised_ntk"):
        swapped = "normalised_ntk" if ctx.params["series"] == "ntk_rate" else "ntk_rate"
        readings.append(Reading("notation", f"the coefficient of series {swapped} (the NTK normalised the other way, "
                                "K^L/L against K^L/(q L))", lambda: ctx.recompute(params={"series": swapped})))
    return readings


def _expansion_power(ctx):
    from proofs_checks.user_claims.eoc_quantities import _delta_power

    try:
        return _delta_power(ctx.params)
    except InputError:
        return None


def _expansion_notation(ctx, value):
    p = _expansion_power(ctx)
    if p is None or not p.is_integer or p < 1:
        return []
    k = int(p)
    out = []
    if k % 2 == 1:
        out.append(Reading("notation", f"the coefficient of (c - 1)^{k} (the expansion variable c - 1 instead of 1 - c)",
                           lambda: scaled(value, -1)))
    if k >= 2 and ctx.params.get("series", "map") == "map":
        fact = sympy.factorial(k)
        out.append(Reading("notation", f"f^({k})(1) itself (the derivative printed instead of the Taylor coefficient "
                           f"(-1)^{k} f^({k})(1)/{k}!)", lambda: scaled(value, (-1) ** k * fact)))
        if k % 2 == 1:
            out.append(Reading("notation", f"the coefficient of (c - 1)^{k} times {k}!", lambda: scaled(value, fact)))
    return out


def substantive_readings(ctx):
    """Readings under which the printed value is the right value of another statement."""
    name = ctx.quantity.name
    if name == "depth_law.coefficient":
        return _term_neighbours(ctx)
    if name == "correlation_map.derivative":
        from proofs_checks.user_claims.catalogue import integer_param

        try:
            order = integer_param(ctx.params, "order", minimum=0)
        except InputError:
            return []
        return [Reading("substantive", f"f^({j})(1), the derivative of order {j} (a wrong order)",
                        lambda j=j: ctx.recompute(params={"order": j})) for j in (order - 1, order + 1) if j >= 0]
    if name == "correlation_map.expansion":
        p = _expansion_power(ctx)
        if p is None:
            return []
        step = 1 if p.is_integer else sympy.Rational(1, 2)
        return [Reading("substantive", f"the coefficient of (1 - c)^{q} (a wrong power)",
                        lambda q=q: ctx.recompute(params={"term": f"(1 - c)**({q})"}))
                for q in (p - step, p + step) if q >= 0]
    return []


def _term_neighbours(ctx):
    from proofs_checks.user_claims.depth_quantities import parse_term

    try:
        n, k = parse_term(ctx.params.get("term"))
    except InputError:
        return []
    out = []
    for n2, k2, what in ((n + 1, k, "of l"), (n - 1, k, "of l"), (n, k + 1, "of log(l)"), (n, k - 1, "of log(l)")):
        if n2 < 0 or k2 < 0:
            continue
        term = f"log(l)**{k2}/l**{n2}"
        out.append(Reading("substantive", f"the coefficient of log(l)^{k2}/l^{n2} (a wrong exponent {what})",
                           lambda term=term: ctx.recompute(params={"term": term})))
    return out
