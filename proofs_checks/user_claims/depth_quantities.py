"""Catalogue entry ``depth_law.coefficient``: a coefficient of a derived large-depth law on the EOC.

Series (all derived, not fitted, by :mod:`asymptotics.depth_laws` from the local expansion at
c = 1 through the Fatou coordinate):

* ``one_minus_c``: 1 - c^l = sum P_n(log l) / l^n (seed 001 Appendix Lemma 1 for ReLU);
* ``derivative``: f'(c^l) = 1 + sum Q_n(log l) / l^n;
* ``ntk_rate``: K^L / L from K^{l+1} = f'(c^l) K^l + q c^{l+1} (q: the fixed-point variance;
  any q > 0 for the ReLU family, parameter ``q``, default 1);
* ``normalised_ntk``: K^L(x, x') / K^L(x, x) = (K^L/L) / q (seed 000 Definition 4 and
  Proposition 4, lines 261-305, for ReLU).

``term`` is a monomial log(l)^k / l^n.  A coefficient that depends on the initial correlation
(through the depth shift ell_0) is not universal: the verdict is then inconclusive.
"""
from __future__ import annotations

from fractions import Fraction

import mpmath
import sympy

from asymptotics.accuracy import Approx
from asymptotics.depth_laws import DEPTH, ELL0, depth_expansion, ntk_depth_law, relu_eoc_depth_law, \
    relu_family_depth_law
from asymptotics.series import derivative_symbol, numeric_value, smooth_taylor
from asymptotics.validation import InputError
from proofs_checks.user_claims.cache import cached, cached_covering
from proofs_checks.user_claims.catalogue import Computed, choice_param, quantity
from proofs_checks.user_claims.eoc_quantities import relu_eoc_check, derivatives, eoc_point
from proofs_checks.user_claims.errors import FieldError
from proofs_checks.user_claims.values import exact_number, parse_expression, text_of, to_sympy

SERIES = ("one_minus_c", "derivative", "ntk_rate", "normalised_ntk")
_LOG = sympy.Symbol("LOG_L", positive=True)
MAX_TERMS = 8

DERIVED = ("derived symbolically from the local expansion at c = 1 through the Fatou coordinate "
           "(asymptotics.depth_laws)")
STORED = (" (read from the on-disk store of derived laws, kept under a hash of the code that derives them: "
          "see proofs_checks.user_claims.law_store)")
OVERTURN = ("an error in that derivation (the derived laws are cross-validated against the depth recursions "
            "to 10-24 digits by the package's tests and benchmarks)")


def _from_store(*laws) -> bool:
    from proofs_checks.user_claims import law_store

    return any(law_store.was_loaded(law) for law in laws)


def parse_term(text):
    """(n, k) of a monomial log(l)^k / l^n."""
    if text is None:
        raise FieldError("term", "required: a monomial in l and log(l), e.g. \"log(l)/l**3\"")
    expr = parse_expression("term", str(text), {"l": DEPTH, "L": DEPTH})
    expr = expr.subs(sympy.log(DEPTH), _LOG)
    powers = sympy.powsimp(expr).as_powers_dict()
    n, k = -powers.pop(DEPTH, 0), powers.pop(_LOG, 0)
    rest = {b: e for b, e in powers.items() if b != 1}
    if rest or not sympy.sympify(n).is_integer or not sympy.sympify(k).is_integer or k < 0 or n < 0:
        raise FieldError("term", f"expected log(l)^k / l^n with integers n, k >= 0 and coefficient 1, got {text!r}")
    return int(n), int(k)


def _symbolic_smooth_law(terms):
    """The smooth EOC depth law with the symbols f2, f3, ... (f^(j)(1)) left free: one derivation
    serves every smooth activation and sigma_b (the values enter only when a coefficient is evaluated),
    and every request for fewer terms (an asymptotic expansion's coefficients do not depend on how
    far it is carried: a longer derivation is reused)."""
    def derive():
        placeholder = {j: Approx(mpmath.mpf(1), mpmath.mpf(0)) for j in range(1, terms + 5)}
        # the law is the same for every activation smooth at c = 1; tanh (analytic) only names it here,
        # and each activation's own smoothness is checked where its f^(j)(1) are computed
        return depth_expansion(smooth_taylor("tanh", 0, terms + 2, 20, derivatives_at_one=placeholder), terms)

    return cached_covering(("smooth law",), terms, derive, persist=True)


def _smooth_values(setting, terms, dps):
    """{f_j: f^(j)(1)} on the EOC for the orders a law with ``terms`` terms uses (one quadrature grid)."""
    values = derivatives(setting, terms + 3, dps)
    return {derivative_symbol(j): values[j] for j in range(2, terms + 4)}


def _require_eoc(setting, dps):
    """Refuse early where there is no Edge of Chaos; any EOC solve already made (at any precision)
    answers that, else one at the lower precision tier does (the coefficient may not need digits)."""
    if setting.sw2 is not None:
        raise FieldError("sigma_w", "depth laws are derived on the Edge of Chaos: give sigma_b only")
    from proofs_checks.user_claims import cache

    if not cache.stored_keys(("eoc", setting.activation_key, str(setting.sb2))):  # as eoc_quantities.eoc_point
        eoc_point(setting, min(dps, 12))


def _law(setting, terms, dps):
    """(DepthLaw, a function giving the values of its symbols): the values (Gaussian moments on the EOC)
    are computed only when a coefficient needs them, so an exact universal coefficient costs no quadrature."""
    if setting.is_relu_family:
        a, b = relu_eoc_check(setting)
        if setting.activation_key[0] == "relu":
            law = cached_covering(("relu law",), terms, lambda: relu_eoc_depth_law(terms), persist=True)
        else:
            law = cached_covering(("relu-family law", str(a), str(b)), terms, lambda: relu_family_depth_law(terms, a, b),
                                  persist=True)
        return law, lambda: dict(law.local.values)
    _require_eoc(setting, dps)
    return _symbolic_smooth_law(terms), lambda: _smooth_values(setting, terms, dps)


def _ntk(setting, orders, q, dps):
    """(NTKDepthLaw, values of its symbols) for K^L/L with fixed-point variance q (a number or a symbol)."""
    if setting.activation_key == ("relu", ()) and q == 1 and orders <= 2:
        from asymptotics import gram_limit  # the same derivation seed 000's Gram limits use (to O(L^-2))

        if gram_limit.normalized_ntk_law.cache_info().currsize:  # reuse it once derived (else a shorter law)
            law = gram_limit.normalized_ntk_law()
            return law, lambda: dict(law.off_diagonal.values)
    # the NTK recursion to O(L^-orders) needs f'(c^l) and 1 - c^l to O(l^-(orders + 3)): a law carried to
    # orders + 2 terms reaches that (its remainder is one order beyond its terms); ntk_depth_law checks it,
    # and one term more is derived only if it says the law is too short
    key = ("ntk law", setting.activation_key if setting.is_relu_family else "smooth", orders, str(q))
    for terms in (orders + 2, orders + 3):
        law, values = _law(setting, terms, dps)
        try:
            return cached(key, lambda: ntk_depth_law(law, q, orders), persist=True), values
        except InputError:
            if terms == orders + 3:
                raise
    raise AssertionError("unreachable")


@quantity("depth_law.coefficient", "coefficient of log(l)^k / l^n in a derived depth law on the EOC "
          "(series one_minus_c, derivative, ntk_rate, normalised_ntk)",
          {"series": "one_minus_c | derivative | ntk_rate | normalised_ntk",
           "term": "monomial in l and log(l), e.g. \"1/l**2\", \"log(l)/l**3\"",
           "q": "ntk_rate of the ReLU family: the layer variance (any q > 0 is a fixed point), default 1"},
          ("series", "term"))
def depth_coefficient(params, setting, dps):
    series = choice_param(params, "series", SERIES)
    n, k = parse_term(params.get("term"))
    if series in ("one_minus_c", "derivative"):
        m = 2 if setting.is_relu_family else 1
        terms = max(1, n - m + 1) if series == "one_minus_c" else max(1, n)
        if terms > MAX_TERMS:
            raise FieldError("term", f"at most {MAX_TERMS} orders are derived; l^-{n} is beyond")
        law, values = _law(setting, terms, dps)
        expansion = law.one_minus_c if series == "one_minus_c" else law.slope
        used = (law,)
    else:
        orders = max(1, n)
        if orders + 3 > MAX_TERMS:
            raise FieldError("term", f"the NTK law is derived to l^-{MAX_TERMS - 3}; l^-{n} is beyond")
        q_value = None
        if setting.is_relu_family:
            q = exact_number("q", params.get("q", 1))
            if isinstance(q, Fraction) and q <= 0:
                raise FieldError("q", f"must be > 0, got {params.get('q')!r}")
            q = to_sympy(q)
        else:
            if "q" in params:
                raise FieldError("q", "q is the fixed-point variance q* for smooth activations (not a parameter)")
            q = sympy.Symbol("q_star", positive=True)
            q_value = lambda: eoc_point(setting, dps).q_star  # noqa: E731 (only if the coefficient has q*)
        if series == "normalised_ntk":
            q_used = sympy.Integer(1)
        else:
            q_used = q
        ntk, ntk_values = _ntk(setting, orders, q_used, dps)
        expansion = ntk.off_diagonal
        used = (ntk, ntk.law)

        def values():
            out = ntk_values()
            if q_value is not None and series == "ntk_rate":
                out[q] = q_value()
            return out
    derived = DERIVED + STORED if _from_store(*used) else DERIVED
    if (n, k) == (0, 0):
        coefficient = sympy.sympify(expansion.constant)
    else:
        coefficient = expansion.coefficient(n, k)
    what = (f"coefficient of log(l)^{k}/l^{n} in {expansion.quantity}" if series != "normalised_ntk"
            else f"coefficient of log(L)^{k}/L^{n} in the normalised NTK K^L(x,x')/K^L(x,x)")
    what += f" for {setting.name} on the Edge of Chaos (sigma_b^2 = {text_of(setting.sb2)})"
    coefficient = sympy.sympify(coefficient)
    if ELL0 in coefficient.free_symbols:
        return Computed(what, exact=None, how=derived + f"; the coefficient is {coefficient}",
                        undecided=f"the coefficient {coefficient} depends on the initial correlation "
                                  "through the depth shift ell_0 (it is not a universal constant)",
                        decide="a claim on a universal term, or on the recursion at a given correlation "
                               "(kernel.one_minus_rho)")
    if coefficient.free_symbols:
        value = numeric_value(coefficient, values(), dps)
        return Computed(what, value, how=derived + f"; coefficient {coefficient} with the EOC's Gaussian moments "
                        "(two quadrature rules)", overturn=OVERTURN, data={"expression": str(coefficient)})
    return Computed(what, exact=sympy.nsimplify(coefficient) if coefficient.is_Float else coefficient,
                    how=derived, overturn=OVERTURN)
