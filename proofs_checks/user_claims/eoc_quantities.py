"""Catalogue entries of the Edge of Chaos and of the correlation map at c = 1.

eoc.sigma_w, eoc.q_star (seed 001 Facts 1-4, lines 627-646, via :func:`asymptotics.eoc.edge_of_chaos`),
chi_1 = sigma_w^2 E[phi'(sqrt(q*) Z)^2], correlation_map.derivative f^(j)(1) = sigma_w^2 q^(j-1)
E[phi^(j)(sqrt(q) Z)^2] (seed 001 Fact 6, lines 644-646), correlation_map.expansion (the local
expansion of :mod:`asymptotics.series`: Puiseux in sqrt(1 - c) for the ReLU family, Taylor for smooth
activations) and phase (:func:`asymptotics.eoc.classify`).
"""
from __future__ import annotations

from fractions import Fraction

import mpmath
import sympy

from asymptotics import eoc as eoc_engine
from asymptotics.accuracy import Approx
from asymptotics.dual import derivatives_at_one
from asymptotics.series import DELTA, C, relu_family_puiseux
from proofs_checks.user_claims.cache import cached_covering
from proofs_checks.user_claims.catalogue import Computed, choice_param, integer_param, quantity
from proofs_checks.user_claims.errors import FieldError
from proofs_checks.user_claims.values import parse_expression, text_of, to_sympy

AGREE = ("a systematic error shared by two independent quadrature rules at two working precisions "
         "(they agree to the stated radius)")
EXACT = ("exact closed form of the ReLU family (positively homogeneous: sigma_w^2 (a^2 + b^2)/2 is the "
         "gain of the variance map)")
EXACT_OVERTURN = "only an error in that closed form"
BY_DEFINITION = {0: "f(1) = 1: c = 1 is a fixed point of every correlation map",
                 1: "f'(1) = chi_1 = 1 is the definition of the Edge of Chaos"}


def _key(setting):
    return setting.activation_key, str(setting.sb2)


GUARD_DPS = 5  # the solves carry this many digits more than asked, so that one serves the derivatives too


def eoc_point(setting, dps):
    """One EOC solve per (activation, sigma_b): it serves every claim at those parameters that asks for
    at most its digits (sigma_w, q*, the derivatives at c = 1, the depth laws' moments)."""
    solve_dps = dps + GUARD_DPS
    return cached_covering(("eoc",) + _key(setting), solve_dps,
                           lambda: eoc_engine.edge_of_chaos(setting.activation, setting.sigma_b_arg(), solve_dps))


def _relu_slopes(setting):
    a, b = setting.activation.slopes
    return to_sympy(Fraction(a)), to_sympy(Fraction(b))


def relu_eoc_check(setting):
    """The ReLU family has its EOC at sigma_b = 0 and sigma_w^2 = 2/(a^2 + b^2) only."""
    if setting.sb2 != 0:
        raise FieldError("sigma_b", f"{setting.name} has Edge-of-Chaos points only at sigma_b = 0")
    a, b = _relu_slopes(setting)
    eoc_sw2 = 2 / (a * a + b * b)
    if setting.sw2 is not None and sympy.simplify(to_sympy(setting.sw2) - eoc_sw2) != 0:
        raise FieldError("sigma_w", f"this expansion of {setting.name} is derived on its Edge of Chaos, "
                                    f"sigma_w^2 = {eoc_sw2}; got sigma_w^2 = {text_of(setting.sw2)}")
    return a, b


@quantity("eoc.sigma_w", "sigma_w on the Edge of Chaos at the given sigma_b (sigma_w^2 in convention variance)",
          {}, ())
def eoc_sigma_w(params, setting, dps):
    if setting.sw2 is not None:
        raise FieldError("sigma_w", "eoc.sigma_w computes sigma_w: give sigma_b only")
    label = "sigma_w^2" if setting.convention == "variance" else "sigma_w"
    what = f"{label} on the Edge of Chaos of {setting.name} at sigma_b^2 = {text_of(setting.sb2)}"
    if setting.is_relu_family:
        a, b = relu_eoc_check(setting)
        sw2 = 2 / (a * a + b * b)
        return Computed(what, exact=sw2 if label == "sigma_w^2" else sympy.sqrt(sw2), how=EXACT, overturn=EXACT_OVERTURN)
    point = eoc_point(setting, dps)
    value = point.sigma_w if label == "sigma_w" else eoc_engine._square(point.sigma_w)
    return Computed(what, value, how=f"asymptotics.eoc.edge_of_chaos: {point.accuracy}", overturn=AGREE,
                    data={"chi_1": point.chi_1.as_dict()})


@quantity("eoc.q_star", "fixed point q* of the variance map: on the Edge of Chaos (sigma_b given) or at (sigma_w, sigma_b)",
          {}, ())
def eoc_q_star(params, setting, dps):
    if setting.is_relu_family:
        if setting.sw2 is None:
            raise FieldError("activation", f"q* is not determined on the Edge of Chaos of {setting.name} "
                                           "(every q is a fixed point there)")
        a, b = _relu_slopes(setting)
        gain = to_sympy(setting.sw2) * (a * a + b * b) / 2
        if gain >= 1:
            raise FieldError("sigma_w", f"the variance map of {setting.name} has no finite fixed point for "
                                        f"sigma_w^2 (a^2+b^2)/2 = {gain} >= 1")
        return Computed(f"q* of {setting.describe()}", exact=to_sympy(setting.sb2) / (1 - gain), how=EXACT,
                        overturn=EXACT_OVERTURN)
    if setting.sw2 is None:
        point = eoc_point(setting, dps)
        return Computed(f"q* on the Edge of Chaos of {setting.name} at sigma_b^2 = {text_of(setting.sb2)}",
                        point.q_star, how=f"asymptotics.eoc.edge_of_chaos: {point.accuracy}", overturn=AGREE)
    q = fixed_point_of(setting, dps)
    return Computed(f"q* of {setting.describe()}", q, how="asymptotics.eoc.variance_fixed_point: trapezoid "
                    "(or closed form) against tanh-sinh quadrature", overturn=AGREE)


def fixed_point_of(setting, dps):
    """q* at (sigma_w, sigma_b), solved once with GUARD_DPS more digits (it serves the derivatives too)."""
    solve_dps = dps + GUARD_DPS
    return cached_covering(("q*",) + _key(setting) + (str(setting.sw2),), solve_dps,
                           lambda: eoc_engine.variance_fixed_point(setting.activation, setting.sigma_w_arg(),
                                                                   setting.sigma_b_arg(), solve_dps))


def derivatives(setting, order, dps):
    """[f(1), ..., f^(order)(1)] as Approx, on the EOC (sigma_w not given) or at the given sigma_w.

    One quadrature grid serves every lower order and precision: a longer list (up to 12 orders more)
    at as many digits or more is reused."""
    if setting.sw2 is None:
        point = eoc_point(setting, dps)
        sw = point.sigma_w
        q = point.q_star
    else:
        sw, q = setting.sigma_w_arg(), fixed_point_of(setting, dps)
    key = ("f^j(1)",) + _key(setting) + (str(setting.sw2),)
    from proofs_checks.user_claims import cache

    # a grid at as many digits or more and up to 12 more orders serves this request
    for stored in sorted(k for k in cache.stored_keys(key) if len(k) == len(key) + 2 and k[-2] >= dps
                         and order <= k[-1] <= order + 12):
        return cache.cached(stored, None)[:order + 1]
    values = cache.cached(key + (dps, order), lambda: derivatives_at_one(setting.activation, sw, setting.sigma_b_arg(),
                                                                         order, dps, q))
    return values[:order + 1]


@quantity("chi_1", "chi_1 = sigma_w^2 E[phi'(sqrt(q*) Z)^2] = f'(1) at (sigma_w, sigma_b)", {}, ("sigma_w",))
def chi_1(params, setting, dps):
    if setting.sw2 is None:
        raise FieldError("sigma_w", "required (chi_1 = 1 on the Edge of Chaos by definition)")
    what = f"chi_1 of {setting.describe()}"
    if setting.is_relu_family:
        a, b = _relu_slopes(setting)
        return Computed(what, exact=to_sympy(setting.sw2) * (a * a + b * b) / 2, how=EXACT, overturn=EXACT_OVERTURN)
    value = derivatives(setting, 1, dps)[1]
    return Computed(what, value, how="sigma_w^2 E[phi'(sqrt(q*) Z)^2] at the fixed point q* "
                    "(asymptotics.dual.derivatives_at_one, two quadrature rules)", overturn=AGREE)


@quantity("correlation_map.derivative", "f^(j)(1), the j-th derivative of the correlation map at c = 1 "
          "(on the Edge of Chaos when sigma_w is not given)", {"order": "j >= 0"}, ("order",))
def map_derivative(params, setting, dps):
    order = integer_param(params, "order", minimum=0, maximum=30)
    where = "on the Edge of Chaos" if setting.sw2 is None else f"at sigma_w^2 = {text_of(setting.sw2)}"
    what = f"f^({order})(1) of {setting.name} {where}, sigma_b^2 = {text_of(setting.sb2)}"
    if setting.is_relu_family:
        if order >= 2:
            raise FieldError("order", f"f^({order})(1) is infinite for {setting.name}: its correlation map is a "
                                      "Puiseux series in sqrt(1 - c) (use correlation_map.expansion)")
        a, b = _relu_slopes(setting)
        if setting.sw2 is None:
            relu_eoc_check(setting)
            return Computed(what, exact=sympy.Integer(1), how=EXACT, overturn=EXACT_OVERTURN,
                            by_construction=BY_DEFINITION[order])
        exact = 1 if order == 0 else to_sympy(setting.sw2) * (a * a + b * b) / 2
        return Computed(what, exact=sympy.sympify(exact), how=EXACT + " (f(1) = 1 at the fixed point)",
                        overturn=EXACT_OVERTURN, by_construction=BY_DEFINITION[0] if order == 0 else "")
    value = derivatives(setting, order, dps)[order]
    return Computed(what, value, how="sigma_w^2 q^(j-1) E[phi^(j)(sqrt(q) Z)^2] at the fixed point "
                    "(asymptotics.dual.derivatives_at_one, two quadrature rules)", overturn=AGREE,
                    by_construction=_definitional(setting, order))


def _definitional(setting, order) -> str:
    """Why f^(order)(1) holds by definition here: f(1) = 1 always, f'(1) = 1 on the Edge of Chaos."""
    if order == 0 or (order == 1 and setting.sw2 is None):
        return BY_DEFINITION[order]
    return ""


def _delta_power(params):
    text = params.get("term")
    if text is None:
        raise FieldError("term", "required: a power of (1 - c), e.g. \"(1 - c)**(3/2)\" or \"delta**2\"")
    expr = parse_expression("term", str(text), {"c": C, "delta": DELTA})
    expr = sympy.powsimp(sympy.expand_power_base(expr.subs(C, 1 - DELTA), force=True), force=True)
    if expr == 1:
        return sympy.Integer(0)
    base, power = expr.as_base_exp()
    if base != DELTA or not power.is_Rational or power < 0:
        raise FieldError("term", f"expected a power (1 - c)^p with rational p >= 0, got {text!r}")
    return power


@quantity("correlation_map.expansion",
          "coefficient of (1 - c)^p in the expansion of f(c) (series = map) or f'(c) (series = derivative) "
          "at c = 1: Puiseux (ReLU family, on its EOC) or Taylor (smooth)",
          {"series": "map (default) or derivative", "term": "(1 - c)**p or delta**p"}, ("term",))
def map_expansion(params, setting, dps):
    which = choice_param(params, "series", ("map", "derivative"), "map")
    p = _delta_power(params)
    fname = "f(c)" if which == "map" else "f'(c)"
    what = f"coefficient of (1 - c)^{p} in {fname} of {setting.name} at c = 1"
    if setting.is_relu_family:
        a, b = relu_eoc_check(setting)
        what += " (Edge of Chaos)"
        definitional = BY_DEFINITION[0] if (which, p) == ("map", 0) else \
            BY_DEFINITION[1] if (which, p) in (("map", 1), ("derivative", 0)) else ""
        return Computed(what, exact=_relu_coefficient(which, p, a, b),
                        how="exact Puiseux expansion of the closed-form dual map (asymptotics.series."
                            "relu_family_puiseux)", overturn=EXACT_OVERTURN, by_construction=definitional)
    if not p.is_integer:
        return Computed(what, exact=sympy.Integer(0), how="a smooth activation's map is a Taylor series "
                        "(integer powers only)", overturn=AGREE)
    k = int(p)
    order = k if which == "map" else k + 1
    value = derivatives(setting, order, dps)[order]
    sign = (-1) ** k / mpmath.factorial(k)
    with mpmath.workprec(Approx._EXACT_BITS):
        approx = Approx(value.mid * sign, value.rad * abs(sign), value.method)
    return Computed(what, approx, how=f"Taylor coefficient (-1)^{k} f^({order})(1)/{k}! with f^({order})(1) = "
                    "sigma_w^2 q^(j-1) E[phi^(j)(sqrt(q) Z)^2] (two quadrature rules)", overturn=AGREE,
                    by_construction=_definitional(setting, order))


def _relu_coefficient(which, p, a, b):
    m = 2
    if which == "map":
        if p == 0:
            return sympy.Integer(1)
        if p == 1:
            return sympy.Integer(-1)
        j = (p - 1) * m
        if not j.is_integer or j < 1:
            return sympy.Integer(0)
        local = relu_family_puiseux(int(j) + 1, a, b)
        return sympy.simplify(local.map_coefficients[int(j) - 1])
    if p == 0:
        return sympy.Integer(1)
    j = p * m
    if not j.is_integer:
        return sympy.Integer(0)
    local = relu_family_puiseux(int(j) + 1, a, b)
    return sympy.simplify(-local.derivative_coefficients[int(j) - 1])


PHASE_WORDS = {"ordered": "ordered", "chaotic": "chaotic", "edge": "eoc", "eoc": "eoc", "edge of chaos": "eoc",
               "edge_of_chaos": "eoc", "critical": "eoc"}


@quantity("phase", "ordered (chi_1 < 1), edge (chi_1 = 1) or chaotic (chi_1 > 1) at (sigma_w, sigma_b); "
          "printed is the word", {}, ("sigma_w",), categorical=True)
def phase(params, setting, dps):
    if setting.sw2 is None:
        raise FieldError("sigma_w", "required")
    word = params.get("printed")
    if isinstance(word, str) and word.strip().lower() not in PHASE_WORDS:
        raise FieldError("printed", f"expected one of ordered, chaotic, edge; got {word!r}")
    if setting.is_relu_family:
        return _relu_phase(setting)
    # the rule of asymptotics.eoc.classify (seed 001 Section 2), from the chi_1 = f'(1) that chi_1 claims at
    # the same parameters share (one fixed point q*, one quadrature grid) instead of a solve of its own
    chi = derivatives(setting, 1, dps)[1]
    from asymptotics.accuracy import format_approx
    with mpmath.workprec(Approx._EXACT_BITS):
        if abs(chi.mid - 1) <= chi.rad:
            word, note = "eoc", "chi_1 = 1 within the accuracy: Edge of Chaos (xi_c infinite)"
        elif chi.mid < 1:
            word, note = "ordered", "c* = 1 attracts: correlations converge to 1 exponentially"
        else:
            word, note = "chaotic", "c = 1 repels: correlations converge to c* < 1 exponentially"
    how = (f"chi_1 = sigma_w^2 E[phi'(sqrt(q*) Z)^2] = {format_approx(chi)} ({chi.method}, two quadrature rules at "
           f"the fixed point q*; asymptotics.dual.derivatives_at_one) against 1, as asymptotics.eoc.classify: {note}")
    undecided = "chi_1 = 1 within its accuracy" if word == "eoc" else ""
    return Computed(f"phase of {setting.describe()}", chi, how=how, overturn=AGREE, word=word, undecided=undecided,
                    decide="more digits in chi_1 (raise dps)", data={"phase": word})


def _relu_phase(setting):
    """The ReLU family's phase in closed form, from the exact variances (as asymptotics.eoc._relu_phase)."""
    a, b = _relu_slopes(setting)
    chi = sympy.nsimplify(to_sympy(setting.sw2) * (a * a + b * b) / 2)
    if chi < 1:
        word, note = "ordered", "chi_1 < 1: q* = sigma_b^2 / (1 - chi_1) and c* = 1 attracts"
    elif chi == 1 and setting.sb2 == 0:
        word, note = "eoc", "chi_1 = 1 and sigma_b = 0: the ReLU family's Edge of Chaos"
    else:
        word, note = "chaotic", "the variance grows without bound with depth (no fixed point q*)"
    return Computed(f"phase of {setting.describe()}", exact=chi, how=f"{EXACT}: chi_1 = {chi} exactly; {note}",
                    overturn=EXACT_OVERTURN, word=word, data={"phase": word})
