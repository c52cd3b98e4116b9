"""The grade of a user claim's verdict, computed: a refutation's severity, a confirmation's strength.

Severity of a refutation (the first rule that applies; the reason says which and why):

1. the file says: ``severity = "substantive" | "slip" | "notation"`` in the claim (what only the
   author knows); the computed grade is still stated in the reason;
2. **notation**: the printed value equals the computed one under a convention change the package
   computes (:mod:`readings`: std against variance, of the printed value or of the parameters;
   the expansion variable c - 1; f^(k)(1) against the Taylor coefficient; the NTK normalised by q*);
3. **slip**: a typo-like edit of a value that is right otherwise: the sign alone is wrong (the
   magnitude right); or the last printed digit is off by one unit (mis-rounded or truncated); or one
   digit is substituted, two adjacent digits transposed, one digit dropped or one added, *and* the
   printed value is still within ``SLIP_RELATIVE`` (1%) of the computed one; or a printed decimal is
   an approximation within 1% whose digits overstate its accuracy (no typo explains it).  A slip becomes
   substantive when the file's ``consequence = "..."`` says what depends on the value (the edge
   policy of the built-in documents: a slip unless a conclusion depends on it);
   A wrong phase word is a slip only when "edge" is printed for a point within 1% of it (chi_1).
4. **substantive** otherwise, with the computed explanation where one is found: the coefficient of
   another term (a wrong exponent), another order, a factor r (printed = r x computed, r a small
   rational or a multiple of pi or sqrt(2)), a power of the computed value, or "no simple
   transformation explains it".

Strength of a confirmation (:func:`strength_of`): *consistency* when the quantity is true by
construction (``Computed.by_construction``, e.g. f'(1) = 1 on the ReLU Edge of Chaos) or when the
two computations behind an agreement share their method (``Computed.shared_method``); *weak* for a
float64 estimate without a bound or a printed value that allows more than ``WEAK_RELATIVE``;
*independent* otherwise (an exact symbolic equality, a certified ball, or agreed digits of two
computations that differ in every rounding, against a printed value precise enough to reject the
nearest wrong one).
"""
from __future__ import annotations

import re
from fractions import Fraction

import mpmath
import sympy

from asymptotics.accuracy import AGREEMENT, ESTIMATE, Approx
from proofs_checks.user_claims.readings import agrees, as_approx, notation_readings, power, scaled, \
    substantive_readings, value_of
from proofs_checks.verdict import SEVERITIES, Status

SLIP_RELATIVE = Fraction(1, 100)
WEAK_RELATIVE = 1e-2
_DECIMAL = re.compile(r"^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$")
#: factors tried to describe a substantive discrepancy (printed = r x computed)
FACTORS = [sympy.Integer(n) for n in range(2, 13)] + [sympy.Rational(3, 2), sympy.Rational(2, 3),
                                                      sympy.Rational(4, 3), sympy.Rational(3, 4)]
FACTORS += [1 / f for f in FACTORS[:11]]
FACTORS += [sympy.pi, 1 / sympy.pi, 2 * sympy.pi, 1 / (2 * sympy.pi), sympy.pi**2, sympy.sqrt(2), 1 / sympy.sqrt(2),
            sympy.sqrt(sympy.pi), 1 / sympy.sqrt(sympy.pi)]


def grade_verdict(verdict, printed, computed, ctx, file_severity=None, consequence=""):
    """Attach the computed grade (see the module docstring) to a user claim's verdict.  Returns it."""
    if verdict.status is Status.REFUTED:
        kind, reason = phase_severity(printed, computed) if printed.word else severity_of(printed, computed, ctx)
        if kind == "slip" and consequence:
            kind, reason = "substantive", f"{reason}; but the file says a conclusion depends on it: {consequence}"
        elif consequence:
            reason += f"; the file notes: {consequence}"
        if file_severity:
            reason = f"set by the claims file (severity = {file_severity!r}); computed: {kind}: {reason}"
            kind = file_severity
        else:
            reason += " [computed; a claim's severity field would override it]"
        verdict.grade(severity=(kind, reason))
        verdict.data["severity_computed"] = not file_severity
    elif verdict.status is Status.CONFIRMED and not verdict.strength:
        verdict.grade(strength=strength_of(printed, computed))
    return verdict


# --------------------------------------------------------------------------------------
# severity

EDGE_SLIP = Fraction(1, 100)  # a printed "edge" for a phase with |chi_1 - 1| below this is a slip


def phase_severity(printed, computed):
    """A wrong phase word: a slip when the paper says "edge" of a point within 1% of it (chi_1), since a
    network shallower than the depth scale -1/log(chi_1) behaves as on the edge; substantive otherwise
    (ordered for chaotic, or far from the edge: the behaviour with depth changes)."""
    from proofs_checks.user_claims.eoc_quantities import PHASE_WORDS

    chi = computed.value if computed.value is not None else as_approx(computed.exact)
    if PHASE_WORDS.get(printed.word) == "eoc" and chi is not None:
        with mpmath.workprec(Approx._EXACT_BITS):
            gap = abs(chi.mid - 1) + chi.rad
            if gap < _mpf(EDGE_SLIP):
                scale = -1 / mpmath.log(chi.mid)
                return "slip", (f"the point is {computed.word} but within {mpmath.nstr(gap, 2)} of the edge "
                                f"(chi_1 = {mpmath.nstr(chi.mid, 6)}, depth scale -1/log(chi_1) = "
                                f"{mpmath.nstr(abs(scale), 3)} layers): shallower networks behave as on the edge")
    return "substantive", f"a different phase ({computed.word}, not {printed.word}): the behaviour with depth changes"

def severity_of(printed, computed, ctx):
    """(severity, reason) of a refuted numerical claim, computed."""
    value = value_of(computed)
    if value is None:
        return "substantive", "no computed value to compare the printed one with"
    for reading in notation_readings(ctx, value):
        if agrees(printed, reading.value()):
            return "notation", (f"the printed value is {reading.description}; the package computes both, "
                                "so only the convention is wrong")
    typo = typo_of(printed, value) or _approximation(printed, value)
    if typo:
        return "slip", typo
    return "substantive", explain(printed, value, ctx)


def _approximation(printed, value):
    """A printed decimal within SLIP_RELATIVE of the value that no typo explains: an approximation
    whose printed digits overstate its accuracy (an exact printed expression that is off is a wrong
    formula, never this)."""
    if printed.exact:
        return None
    approx = as_approx(value)
    with mpmath.workprec(Approx._EXACT_BITS):
        if approx is None or approx.mid == 0:
            return None
        relative = (abs(approx.mid - _mpf(printed.value)) + approx.rad) / abs(approx.mid)
        if relative > _mpf(SLIP_RELATIVE):
            return None
    return (f"an approximation: the printed value is within {mpmath.nstr(relative, 2)} (relative) of the computed one, "
            "but its digits claim more; a conclusion that needs the printed precision would not hold (say so with "
            "consequence = \"...\")")


def typo_of(printed, value):
    """A typo-like edit that turns the computed value into the printed one, in words; or None."""
    if agrees(printed, scaled(value, -1)):
        return "only the sign is wrong (the magnitude agrees): a one-character edit"
    approx = as_approx(value)
    if printed.exact:
        return _rational_typo(printed.value, value)
    match = _DECIMAL.match(printed.text)
    if not match or approx is None:
        return None
    sign, whole, frac, exp = match.groups()
    last = -len(frac or "") + int(exp or 0)
    with mpmath.workprec(Approx._EXACT_BITS):
        p = _mpf(printed.value)
        unit = mpmath.mpf(10) ** last
        distance = abs(approx.mid - p)
        if distance + approx.rad <= unit:
            return (f"the last printed digit is off by one unit (|printed - computed| <= 1e{last}, not half of it): "
                    "mis-rounded or truncated")
        if approx.mid == 0 or (distance + approx.rad) > abs(approx.mid) * _mpf(sympy.Rational(1, 100)):
            return None
        printed_digits = str(abs(int((whole or "") + (frac or "") or "0")))
        for scale_shift, kind in ((0, "same"), (-1, "dropped"), (1, "added")):
            for edge in (approx.lower, approx.mid, approx.upper):
                n = int(mpmath.nint(edge / mpmath.mpf(10) ** (last + scale_shift)))
                if (n < 0) != (sign == "-") and n != 0:
                    continue
                found = _digit_edit(printed_digits, str(abs(n)), kind)
                if found:
                    return f"{found} in the printed digits (within 1% of the computed value)"
    return None


def _digit_edit(printed, correct, kind):
    """One substitution / adjacent transposition (same length), one dropped or one added digit."""
    if kind == "same" and len(printed) == len(correct):
        diff = [i for i in range(len(printed)) if printed[i] != correct[i]]
        if len(diff) == 1:
            i = diff[0]
            return f"one digit substituted ({printed[i]} for {correct[i]}, significant digit {i + 1})"
        if len(diff) == 2 and diff[1] == diff[0] + 1 and printed[diff[0]] == correct[diff[1]] and \
                printed[diff[1]] == correct[diff[0]]:
            return f"two adjacent digits transposed (significant digits {diff[0] + 1}-{diff[1] + 1})"
    if kind == "dropped" and len(printed) == len(correct) - 1:
        for i in range(len(correct) - 1):  # the last digit dropped is a rounding, handled above
            if correct[:i] + correct[i + 1:] == printed:
                return f"one digit dropped ({correct[i]} at significant digit {i + 1})"
    if kind == "added" and len(printed) == len(correct) + 1:
        for i in range(len(printed)):
            if printed[:i] + printed[i + 1:] == correct:
                return f"one digit added ({printed[i]} at significant digit {i + 1})"
    return None


def _rational_typo(printed_value, value):
    """A one-digit edit of the numerator or the denominator of an exact rational, within 1%."""
    if not (isinstance(printed_value, sympy.Rational) and not isinstance(value, Approx) and value.is_Rational):
        return None
    if value == 0 or abs(printed_value - value) > abs(value) * sympy.Rational(1, 100):
        return None
    for part, a, b in (("numerator", printed_value.p, value.p), ("denominator", printed_value.q, value.q)):
        other_same = printed_value.q == value.q if part == "numerator" else printed_value.p == value.p
        if not other_same:
            continue
        for kind in ("same", "dropped", "added"):
            found = _digit_edit(str(abs(a)), str(abs(b)), kind)
            if found:
                return f"{found} in the {part} (within 1% of the computed value)"
    return None


def explain(printed, value, ctx):
    """Why a substantive discrepancy is what it is, computed where a simple transformation explains it."""
    # the cheap explanations first (a factor), then those that recompute (another term, order or power)
    ratio = None
    if not isinstance(value, Approx) and printed.exact and value != 0:
        ratio = sympy.nsimplify(sympy.simplify(printed.value / value))
        if ratio in FACTORS or -ratio in FACTORS:
            return f"printed / computed = {ratio} exactly: a wrong factor, which no typo, sign or convention explains"
    else:
        for factor in FACTORS:
            for signed in (factor, -factor):
                if agrees(printed, scaled(value, signed)):
                    return (f"printed / computed = {signed} (within the printed precision): a wrong factor, which no "
                            "typo, sign or convention explains")
    for reading in substantive_readings(ctx):
        if agrees(printed, reading.value()):
            return f"the printed value is {reading.description}: another statement's value"
    if ratio is not None and (ratio.is_Rational or sympy.count_ops(ratio) <= 4):
        return f"printed / computed = {ratio} exactly: a wrong factor, which no typo, sign or convention explains"
    for k, word in ((2, "the square"), (sympy.Rational(1, 2), "the square root"), (-1, "the reciprocal")):
        if agrees(printed, power(value, k)):
            return f"the printed value is {word} of the computed one: a wrong exponent"
    return ("no simple transformation explains the discrepancy (tried: the convention readings, a wrong sign, "
            "one-digit typos, factors p/q with p, q <= 12 and multiples of pi, sqrt(2), powers 2, 1/2, -1)")


def _mpf(x):
    with mpmath.workdps(80):
        return mpmath.mpf(sympy.N(sympy.sympify(x), 80))


# --------------------------------------------------------------------------------------
# strength

def strength_of(printed, computed):
    """(strength, reason) of a confirmation (see the module docstring)."""
    if computed.by_construction:
        return "consistency", f"true by construction: {computed.by_construction}"
    if computed.exact is not None and printed.exact:
        return "independent", "derived independently of the printed value; equal symbolically"
    value = computed.value if computed.value is not None else as_approx(computed.exact)
    if value.method == ESTIMATE:
        return "weak", ("a float64 estimate without a rigorous bound; a certified or agreed-digits computation "
                        "(raise dps) would strengthen it")
    if value.method == AGREEMENT and computed.shared_method:
        return "consistency", (f"the two computations behind the agreement share their method ({computed.shared_method}): "
                               "they check its rounding, not the method; an independent method would strengthen it")
    how = {"certified": "a certified ball", AGREEMENT: "the agreement of two computations that differ in every "
           "rounding"}.get(value.method, value.method)
    if printed.exact:
        return "independent", (f"the computed enclosure ({how}) contains the printed value and supports "
                               f"{value.correct_digits} digits; a value off in an earlier digit would have been refuted")
    with mpmath.workprec(Approx._EXACT_BITS):
        p = _mpf(printed.value)
        half = _mpf(printed.half_width) if printed.half_width else mpmath.mpf(0)
        relative = half / abs(p) if p else mpmath.inf
    if relative > WEAK_RELATIVE:
        return "weak", (f"the printed value allows a relative {mpmath.nstr(relative, 2)}; more printed digits "
                        "(or digits = N) would strengthen it")
    return "independent", (f"the computed enclosure ({how}) lies inside the printed interval (+/- {mpmath.nstr(half, 2)}, relative "
                           f"{mpmath.nstr(relative, 2)}); a value outside it would have been refuted")


def check_file_severity(value):
    """The claim field ``severity`` (None when absent); FieldError when not a severity."""
    from proofs_checks.user_claims.errors import FieldError

    if value is None:
        return None
    if value not in SEVERITIES:
        raise FieldError("severity", f"expected one of {', '.join(SEVERITIES)}, got {value!r}")
    return value
