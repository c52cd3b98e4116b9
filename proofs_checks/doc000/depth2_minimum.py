"""The minimum over rho of the depth-2 normalised NTK of seed 000, certified.

Theta-bar^(2)(t) = (h'(t) t + h(t)) / 2 with h of Definition 5 (../shared/seeds/000_f7801e5ab975f0a8.txt:266-268)
and Proposition 4's recursion (lines 273-275) at L = 1 (Theta-bar^(1) = t), i.e.

    g(t) = (t + 2 t asin(t) / pi + sqrt(1 - t^2) / pi) / 2,    t in [-1, 1].

Two certificates, each with arb balls:

* convexity: g''(t) = (2 / s + 1 / s^3) / (2 pi) > 0 (s = sqrt(1 - t^2), derived by SymPy here), so g' is increasing
  and its sign at two points brackets the unique minimiser; bisection shrinks the bracket, and g evaluated on
  the bracket encloses min g;
* covering (no convexity used): [-1, 1] is cut into 2^k pieces with dyadic ends; on each piece every term is
  enclosed by monotonicity (t, asin t increasing; sqrt(1 - t^2) unimodal with its maximum 1 at 0), the terms
  are combined by ball arithmetic, and the smallest lower end over the pieces is a lower bound for min g.
"""
from __future__ import annotations

import flint
import sympy


def _g_sym():
    t = sympy.Symbol("t", real=True)
    return t, (t + 2 * t * sympy.asin(t) / sympy.pi + sympy.sqrt(1 - t**2) / sympy.pi) / 2


def second_derivative_is_positive() -> tuple:
    """(g'' simplified, whether g'' - (2/s + 1/s^3)/(2 pi) simplifies to 0); positivity is then evident."""
    t, g = _g_sym()
    g2 = sympy.simplify(sympy.diff(g, t, 2))
    s = sympy.sqrt(1 - t**2)
    return g2, sympy.simplify(g2 - (2 / s + 1 / s**3) / (2 * sympy.pi)) == 0


def _g_point(t):
    s = (1 - t * t).sqrt()
    return (t + 2 * t * t.asin() / flint.arb.pi() + s / flint.arb.pi()) / 2


def _g_prime_point(t):
    s = (1 - t * t).sqrt()
    return (1 + 2 * t.asin() / flint.arb.pi() + t / (flint.arb.pi() * s)) / 2


def _g_on_piece(lo, hi):
    """Ball containing g([lo, hi]) for exact dyadic -1 <= lo < hi <= 1 (monotone enclosures of each term)."""
    a, b = flint.arb(lo), flint.arb(hi)
    t = a.union(b)
    asin = a.asin().union(b.asin())
    sa, sb = (1 - a * a).sqrt(), (1 - b * b).sqrt()
    s = sa.union(sb).union(flint.arb(1)) if lo < 0 < hi else sa.union(sb)
    return (t + 2 * t * asin / flint.arb.pi() + s / flint.arb.pi()) / 2


def certified_minimum(bisections: int = 70, covering_log2: int = 12, prec: int = 128) -> dict:
    """min over t in [-1, 1] of g(t): the minimiser and the minimum as arb balls, and the covering's lower bound."""
    old = flint.ctx.prec
    flint.ctx.prec = prec
    try:
        a, b = flint.arb(-1) + flint.arb(2) ** -20, flint.arb(0)  # g'(0) = 1/2 > 0; g' -> -inf at -1
        if not (_g_prime_point(a) < 0 and _g_prime_point(b) > 0):
            raise ArithmeticError("the minimiser of Theta-bar^(2) is not bracketed in (-1, 0)")
        for _ in range(bisections):
            m = (a + b) / 2
            m = flint.arb(m.mid())  # exact dyadic point
            d = _g_prime_point(m)
            if d < 0:
                a = m
            elif d > 0:
                b = m
            else:  # sign undecided at this precision: stop with the current bracket
                break
        bracket = a.union(b)
        minimum = _g_point(bracket)
        pieces = 2**covering_log2
        lower = None
        for k in range(pieces):
            lo = flint.arb(-1) + flint.arb(2 * k) / pieces
            hi = flint.arb(-1) + flint.arb(2 * (k + 1)) / pieces
            low = _g_on_piece(lo, hi).lower()
            lower = low if lower is None or low < lower else lower
        return {"minimiser": bracket, "minimum": minimum, "covering_lower": flint.arb(lower), "pieces": pieces,
                "h0": 1 / flint.arb.pi()}
    finally:
        flint.ctx.prec = old
