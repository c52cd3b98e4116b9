"""Certified far-field steps of the tanh correlation map on the EOC: g(delta) = 1 - f(1 - delta) as a ball.

Fact 5 of seed 001 (../shared/seeds/001_018e0351582ed44f.txt:638) in principal axes: with c = 1 - delta,
u = a + b, v = a - b, a ~ N(0, q (2 - delta)/2) and b ~ N(0, q delta/2) independent (then Var u = Var v = q,
Cov(u, v) = q c), and the fixed-point identity q = sigma_w^2 E[tanh(sqrt(q) Z)^2] + sigma_b^2,

    g(delta)       = sigma_w^2 / (2 q) E[(tanh u - tanh v)^2],      (tanh u - tanh v)^2 = 4 B^2 (1 - A^2)^2 / (1 - A^2 B^2)^2,
    1 - f'(c)      = sigma_w^2 / 2 E[(tanh' u - tanh' v)^2],        (...)^2 = 16 A^2 B^2 (1 - A^2)^2 (1 - B^2)^2 / (1 - A^2 B^2)^4,

A = tanh a, B = tanh b (the second uses sigma_w^2 E[tanh'(sqrt(q) Z)^2] = 1, the EOC condition); neither
form cancels.  Both are even in a and in b.

Rigorous nested trapezoid (the bound of :mod:`asymptotics.depth_jump.gauss_strip` in each variable):
for real a the integrand is analytic in z_b (b = s_b z_b) on |Im z_b| < pi/(2 s_b), bounded there by
M_b = 4 T_b^2 (order 0; |tanh(a + b) - tanh(a - b)| <= 2 T_b, T_b = max(1, tan(s_b y_b))) or 4 (1 + T_b^2)^2
(order 1; |tanh'| = |1 - tanh^2| <= 1 + T^2), and by C = 4 (order 0) or 1 (order 1) on the real line
(|tanh| <= 1, 0 < tanh' <= 1).  So the inner rule errs by at most eps_b for every real a.  The exact inner
integral F(a) is analytic in z_a on |Im z_a| < pi/(2 s_a) with the same bounds (the b-integral of functions
bounded uniformly there), so the outer rule applied to F errs by at most eps_a; applied to the inner
sums instead it errs by at most W_a eps_b more (W_a: the sum of the outer weights, computed).  Total:
|E - rule| <= eps_a + W_a eps_b.  The parameters q, sigma_w^2 may be balls; delta is an exact point.
"""
from __future__ import annotations

import math

from flint import arb

from asymptotics.depth_jump.gauss_strip import GaussRule, choose_rule, tanh_strip_bound


def _strip(scale_upper: arb) -> float:
    if scale_upper == 0:
        return math.inf
    return float((arb.pi() / (2 * scale_upper)).lower()) * (1 - 1e-12)


def _log_bound(order: int, T: float) -> float:
    return math.log(4 * T * T) if order == 0 else math.log(4 * (1 + T * T) ** 2)


def _bound(order: int, T: arb) -> arb:
    return arb((4 * T * T if order == 0 else 4 * (1 + T * T) ** 2).upper())


class FarField:
    """g(delta) and 1 - f'(1 - delta) for tanh on the EOC, to absolute accuracy about 2^-bits (balls)."""

    def __init__(self, q: arb, sigma_w2: arb, bits: int):
        self.q, self.sw2, self.bits = q, sigma_w2, bits
        self.log_tol = (bits + 4) * math.log(2)

    def _rule(self, scale: arb, order: int):
        strip = _strip(arb(scale.upper()))

        def log_need(y):
            T = 1.0 if strip == math.inf else max(1.0, math.tan(min(y / strip, 0.999) * math.pi / 2))
            return _log_bound(order, T) + self.log_tol

        h, n, y = choose_rule(strip, log_need, math.log(4) + self.log_tol)
        rule = GaussRule(h, n, y)
        T = tanh_strip_bound(arb(scale.upper()), arb(y))
        return rule, _bound(order, T)

    def expectation(self, delta: arb, order: int = 0) -> arb:
        """E[(tanh^(order)(u) - tanh^(order)(v))^2] at c = 1 - delta (order 0 or 1), a ball."""
        q = self.q
        scale_a = (q * (2 - delta) / 2).sqrt()
        scale_b = (q * delta / 2).sqrt()
        rule_a, M_a = self._rule(scale_a, order)
        rule_b, M_b = self._rule(scale_b, order)
        C = arb(4 if order == 0 else 1)
        A2 = [(scale_a * x).tanh() ** 2 for x in rule_a.nodes]
        B2 = [(scale_b * x).tanh() ** 2 for x in rule_b.nodes]
        wb = [rule_b.weights[0]] + [2 * w for w in rule_b.weights[1:]]
        wa = [rule_a.weights[0]] + [2 * w for w in rule_a.weights[1:]]
        if order == 0:
            inner_w = [w * b2 for w, b2 in zip(wb, B2)]
            outer = [4 * (1 - a2) ** 2 for a2 in A2]
        else:
            inner_w = [w * b2 * (1 - b2) ** 2 for w, b2 in zip(wb, B2)]
            outer = [16 * a2 * (1 - a2) ** 2 for a2 in A2]
        total = arb(0)
        for w, a2, factor in zip(wa, A2, outer):
            inner = arb(0)
            for v, b2 in zip(inner_w, B2):
                d = 1 - a2 * b2
                d = d * d
                inner += v / (d * d if order else d)
            total += w * factor * inner
        error = rule_a.error(M_a, C) + rule_a.weight_sum * rule_b.error(M_b, C)
        return total + arb(0, arb(error.upper()))

    def one_minus_f(self, delta: arb) -> arb:
        """g(delta) = 1 - f(1 - delta) (module doc)."""
        return self.sw2 / (2 * self.q) * self.expectation(delta, 0)

    def one_minus_f_prime(self, delta: arb) -> arb:
        """1 - f'(1 - delta) (module doc)."""
        return self.sw2 / 2 * self.expectation(delta, 1)
