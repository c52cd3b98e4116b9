"""Whether, and where, to look for an Edge-of-Chaos point: cheap decisions made before any quadrature.

The EOC equations (seed 001, Fact 1 and the chi_1 = 1 condition, lines 638-646, notation of
:mod:`asymptotics.dual`) reduce to one equation in the variance q:

    R(q) = sigma_b^2 + E[phi(sqrt(q) Z)^2] / E[phi'(sqrt(q) Z)^2] - q = 0,   sigma_w^2 = 1 / E[phi'(sqrt(q*) Z)^2].

* Where: R(q) >= sigma_b^2 - q, so every root lies above sigma_b^2 (:func:`search_start`); quadratures of
  phi(sqrt(q) Z) need ~sqrt(q) nodes, so the search stops at Q_SEARCH_MAX and larger sigma_b are
  refused up front (:func:`check_search_range`).
* Whether: :func:`no_eoc_reason` proves R > 0 everywhere for activations that declare the property
  (softplus), instead of scanning for minutes.
"""
from __future__ import annotations

from typing import Optional

import mpmath

from asymptotics.activation import Activation
from asymptotics.validation import InputError

Q_SEARCH_MAX = mpmath.mpf("1e6")  # quadratures of phi(sqrt(q) Z) need ~sqrt(q) nodes: search no further


def search_start(sb2):
    """Every root of R(q) = sigma_b^2 + M(q) - q with M(q) >= 0 lies above sigma_b^2 (R(q) >= sigma_b^2 - q)."""
    return max(mpmath.mpf("1e-6"), mpmath.mpf(sb2))


def check_search_range(sb2, name: str = "sigma_b") -> None:
    """Refuse up front when q* > sigma_b^2 lies beyond the searched range (cost: ~sqrt(q) nodes per integral)."""
    if mpmath.mpf(sb2) * 2 >= Q_SEARCH_MAX:
        raise InputError(name, f"sigma_b^2 = {mpmath.nstr(mpmath.mpf(sb2), 3)} puts q* (> sigma_b^2) beyond the "
                               f"range q < {mpmath.nstr(Q_SEARCH_MAX, 2)} that the quadratures search (their cost grows "
                               "like sqrt(q) nodes per integral); the limit is sigma_b^2 < 5e5 (sigma_b < 707)")


def no_eoc_reason(act: Activation) -> Optional[str]:
    """Why ``act`` has no Edge of Chaos for any sigma_b, when its declared properties prove it.

    Criterion ('convex_tangent_intercepts' in ``Activation.extra``): phi >= 0, phi'' >= 0 and not
    identically 0 where phi > 0, and the tangent intercept I(x) = phi(x) - x phi'(x) has limits >= 0
    at x -> +-infinity.  Proof that R(q) = sigma_b^2 + E[phi^2]/E[phi'^2] - q > sigma_b^2 >= 0 for
    every q > 0 (so the EOC equations sigma_w^2 E[phi'^2] = 1, q = V(q) have no solution), with
    x = sqrt(q) Z:
      * I'(x) = -x phi''(x): I increases on x < 0 and decreases on x > 0, so I >= min of its limits
        >= 0, i.e. x phi'(x) <= phi(x); multiplied by phi >= 0: x phi phi' <= phi^2.
      * Gaussian integration by parts, E[x h(x)] = q E[h'(x)] with h = phi phi':
        q E[phi'^2] = E[x phi phi'] - q E[phi phi''] < E[x phi phi'] <= E[phi^2].
    Hence E[phi^2] / E[phi'^2] > q.  (For the ReLU family I = 0 and phi phi'' = 0: R = sigma_b^2,
    EOC only at sigma_b = 0, as its closed form says.)  Softplus: phi = log(1 + e^x) > 0,
    phi'' = sigma'(x) > 0, I(x) = log(1 + e^x) - x sigma(x) -> 0 at both ends.
    """
    reason = act.extra.get("convex_tangent_intercepts") if act.extra else None
    if not reason:
        return None
    return ("E[phi^2]/E[phi'^2] > q for every q > 0, so R(q) = sigma_b^2 + E[phi^2]/E[phi'^2] - q > 0 never "
            f"vanishes ({reason}; proof in asymptotics.eoc_existence.no_eoc_reason)")
