"""Judging a printed value against a computed one, and naming a refuted value's closed form.

Rules (the claims-file contract, see ``ntk-verify claims --template``):

* a printed decimal stands for the interval of half a unit in its last digit (or ``tolerance``,
  relative, or ``digits``, significant): confirmed when the computed enclosure lies inside it,
  refuted when the enclosure lies outside, inconclusive when they overlap partly;
* an exact printed expression is compared to the full accuracy of the computation: against an
  exact derived value by symbolic simplification; against an enclosure, confirmed only when the
  enclosure contains it and supports at least ``MIN_EXACT_DIGITS`` digits, refuted when it does not
  contain it;
* the grade (severity of a refutation, strength of a confirmation) is attached by
  :mod:`proofs_checks.user_claims.grading`, except a phase's, which is graded here;
* a refuted value is identified, where possible, by :func:`sympy.nsimplify` / :func:`mpmath.identify`
  over the constants of the printed expression, and the digits of that identification are stated.
"""
from __future__ import annotations

import mpmath
import sympy

from asymptotics.accuracy import Approx, format_approx
from proofs_checks.verdict import Verdict, confirmed, inconclusive, refuted

MIN_EXACT_DIGITS = 10


def _mp(expr, dps):
    with mpmath.workdps(dps + 10):
        return mpmath.mpf(sympy.N(expr, dps + 10))


def approx_of_exact(expr, dps=60) -> Approx:
    with mpmath.workdps(dps + 10):
        mid = _mp(expr, dps)
        return Approx(mid, abs(mid) * mpmath.mpf(10) ** -(dps) if mid else mpmath.mpf(10) ** -dps, "certified")


def computed_text(computed) -> str:
    if computed.exact is not None:
        if computed.exact.is_Rational:
            return f"{computed.exact} (exact)"
        return f"{computed.exact} = {mpmath.nstr(_mp(computed.exact, 30), 20)} (exact)"
    if computed.value is not None:
        return f"{format_approx(computed.value)} ({computed.value.method}, {computed.value.correct_digits} digits)"
    return computed.word or ""


def judge_claim(printed, computed) -> Verdict:
    """The verdict of one claim: ``printed`` a :class:`~values.Printed`, ``computed`` a Computed."""
    evidence = f"{computed.what}: {computed.how}"
    data = dict(computed.data)
    if computed.undecided and not computed.word:
        return inconclusive(printed.interval_text(), computed_text(computed), computed.decide,
                            evidence=f"{evidence}. Undecided: {computed.undecided}", **data)
    if computed.word:
        return _judge_word(printed, computed, evidence, data)
    if computed.exact is not None and printed.exact:
        difference = sympy.simplify(sympy.nsimplify(printed.value) - computed.exact) if \
            computed.exact.is_Float else sympy.simplify(printed.value - computed.exact)
        text = computed_text(computed)
        if difference == 0:
            return confirmed(printed.interval_text(), text, "exact (symbolic equality)",
                             evidence + ". Would be overturned by: " + computed.overturn, **data)
        corrected = computed_text(computed).replace("(exact)", "(exact, derived symbolically)")
        return refuted(printed.interval_text(), text, corrected,
                       evidence + f". The printed value is {mpmath.nstr(_mp(printed.value, 20), 15)}; "
                       f"the derived one {computed.exact} (exact). Would be overturned by: {computed.overturn}",
                       "differs", **data)
    value = computed.value if computed.value is not None else approx_of_exact(computed.exact)
    p = _mp(printed.value, 60)
    with mpmath.workprec(Approx._EXACT_BITS):
        half = mpmath.mpf(sympy.N(sympy.sympify(printed.half_width), 60)) if printed.half_width else mpmath.mpf(0)
        distance = abs(value.mid - p)
        text = computed_text(computed)
        overturn = ". Would be overturned by: " + computed.overturn
        if printed.exact:
            if distance > value.rad:
                return _refute(printed, computed, value, evidence + f". The printed value {mpmath.nstr(p, 20)} lies "
                               f"outside the computed enclosure (distance {mpmath.nstr(distance, 3)} > radius "
                               f"{mpmath.nstr(value.rad, 3)})", data)
            digits = value.correct_digits
            if digits < MIN_EXACT_DIGITS and computed.exact is None:
                return inconclusive(printed.interval_text(), text, f"a computation to >= {MIN_EXACT_DIGITS} digits "
                                    "(raise dps)", evidence=evidence + f". The enclosure contains the printed value "
                                    f"but supports only {digits} digits", **data)
            return confirmed(printed.interval_text(), text, f"{digits} digits (the enclosure contains the printed value)",
                             evidence + overturn, **data)
        if distance + value.rad <= half:
            from asymptotics.accuracy import agreed_digits

            return confirmed(printed.interval_text(), text,
                             f"{agreed_digits(value.mid, p)} digits agree, within the printed precision "
                             f"({printed.rule}: +/- {mpmath.nstr(half, 2)}); "
                             f"|computed - printed| <= {mpmath.nstr(distance + value.rad, 3)}",
                             evidence + overturn, **data)
        if distance - value.rad > half:
            return _refute(printed, computed, value, evidence + f". |computed - printed| >= "
                           f"{mpmath.nstr(distance - value.rad, 3)} > {mpmath.nstr(half, 2)} ({printed.rule})", data)
    return inconclusive(printed.interval_text(), text, "more digits in the computation (raise dps) or in the printed "
                        "value", evidence=evidence + f". The enclosure (radius {mpmath.nstr(value.rad, 3)}) straddles "
                        f"the edge of the printed interval", **data)


def _refute(printed, computed, value, evidence, data) -> Verdict:
    text = computed_text(computed)
    evidence += ". Would be overturned by: " + computed.overturn
    if computed.exact is not None:
        corrected = computed_text(computed).replace("(exact)", "(exact, derived symbolically)")
    else:
        corrected = f"{format_approx(value)} ({value.correct_digits} digits, {value.method})"
        found = identify(value, printed.value if printed.exact else None)
        if found is not None:
            expr, digits = found
            corrected += f" = {expr} (identified numerically to {digits} digits)"
            data = dict(data, identified=str(expr), identified_digits=digits)
    return refuted(printed.interval_text(), text, corrected, evidence, "disagrees", **data)


def _judge_word(printed, computed, evidence, data) -> Verdict:
    from proofs_checks.user_claims.eoc_quantities import PHASE_WORDS

    wanted = PHASE_WORDS.get(printed.word, printed.word)
    got = computed.word
    text = f"{got} ({computed_text_value(computed)})"
    if computed.undecided and wanted != got:
        return inconclusive(printed.word, text, computed.decide, evidence=f"{evidence}. {computed.undecided}", **data)
    if wanted == got:
        strength = ("independent", "decided by chi_1 with its accuracy") if not computed.undecided else \
            ("weak", "chi_1 = 1 within the accuracy only: a phase very close to the edge would look the same")
        return confirmed(printed.word, text, "same phase", evidence + ". Would be overturned by: " + computed.overturn,
                         **data).grade(strength=strength)
    return refuted(printed.word, text, text, evidence + ". Would be overturned by: " + computed.overturn,
                   "different phase", **data)


def computed_text_value(computed) -> str:
    if computed.exact is not None:
        return f"chi_1 = {computed.exact}"
    return f"chi_1 = {format_approx(computed.value)}" if computed.value is not None else ""


def constants_of(expr):
    """The constants a printed expression is built from: pi, E, sqrt(k), log(k) (and pi^2 for pi)."""
    if expr is None:
        return []
    expr = sympy.sympify(expr)
    out = []
    for atom in expr.atoms(sympy.NumberSymbol):
        out += [atom, atom**2] if atom == sympy.pi else [atom]
    for power in expr.atoms(sympy.Pow):
        if power.exp == sympy.Rational(1, 2) and power.base.is_Rational:
            out.append(power)
    for lg in expr.atoms(sympy.log):
        if lg.args[0].is_Rational:
            out.append(lg)
    unique = []
    for c in out:
        if c not in unique:
            unique.append(c)
    return unique


def identify(value: Approx, printed_expr=None, min_digits: int = 12):
    """(closed form, digits) for a computed value, over the printed expression's constants; or None.

    Accepted only when the candidate is short (few operations, small denominators) and agrees with
    the value to at least ``min_digits`` and to every digit the computation supports but two."""
    digits = min(value.correct_digits, 50)
    if digits < min_digits:
        return None
    constants = constants_of(printed_expr)
    with mpmath.workdps(digits + 10):
        x = sympy.Float(mpmath.nstr(value.mid, digits + 5), digits + 5)
        candidates = []
        try:
            candidates.append(sympy.nsimplify(x, constants, tolerance=10.0 ** -(digits - 2), rational=False))
        except (ValueError, TypeError, NotImplementedError):
            pass
        try:
            found = mpmath.identify(value.mid, [str(c) for c in constants], tol=mpmath.mpf(10) ** -(digits - 2))
            if found:
                candidates.append(sympy.sympify(found))
        except (ValueError, TypeError, sympy.SympifyError, ZeroDivisionError):
            pass
    for cand in candidates:
        if cand is None or not cand.is_number or cand.is_Float or sympy.count_ops(cand) > 12:
            continue
        if any(abs(r.q) > 10**4 or abs(r.p) > 10**6 for r in cand.atoms(sympy.Rational)):
            continue
        agreed = _agreed(value, cand, digits)
        if agreed >= min(digits - 2, 40) and agreed >= min_digits:
            return cand, min(agreed, digits)
    return None


def _agreed(value, candidate, digits):
    from asymptotics.accuracy import agreed_digits

    with mpmath.workdps(digits + 20):
        return agreed_digits(value.mid, _mp(candidate, digits + 10))
