"""The correlation map of a smooth activation as a power series (Mehler / Hermite expansion).

With normalised probabilists' Hermite polynomials h_k = He_k / sqrt(k!) and
a_k = E[phi(sqrt(q) Z) h_k(Z)], Mehler's formula gives for correlated standard normals

    E[phi(sqrt(q) Z1) phi(sqrt(q) Z2)] = sum_k b_k c^k,   b_k = a_k^2 >= 0,   sum_k b_k = E[phi(sqrt(q) Z)^2]

(the expansion seed 002, Jacot, Gabriel, Hongler, uses at ../shared/seeds/002_49fd9c726352dc08.txt:586).
At the variance fixed point q = q* the correlation map of seed 001 (Hayou, Doucet, Rousseau,
../shared/seeds/001_018e0351582ed44f.txt:619, Fact 16 at :712) is therefore the polynomial-plus-tail

    f(c) = (sigma_b^2 + sigma_w^2 sum_k b_k c^k) / q*,

so c* (the stable fixed point of the chaotic phase), chi_c = f'(c*) and c^l at any depth cost one
one-dimensional quadrature (all a_k on the same nodes) instead of a two-dimensional one per
evaluation.  Truncation at k = N is bounded without any decay assumption: the b_k are >= 0, so for
|c| <= 1 the tail is at most |c|^(N+1) D and the tail of f' at most (N+1)|c|^N D once
(N+1) log(1/|c|) >= 1, with the Parseval deficit D = E[phi^2] - sum_{k<=N} b_k (plus its
quadrature error).
"""
from __future__ import annotations

from dataclasses import dataclass

import mpmath

from asymptotics import gaussian
from asymptotics.dual import activation_of, param
from asymptotics.validation import ComputationError, InputError


@dataclass(frozen=True)
class MehlerMap:
    """f(c) = (sb2 + sw2 sum_k b_k c^k) / q at the working precision it was built with."""

    coefficients: tuple      # b_0 .. b_N (mpf)
    deficit: object          # bound on sum_{k>N} b_k
    sw2: object
    sb2: object
    q: object

    def value(self, c):
        """(f(c), bound on the truncation error of f(c))."""
        total = mpmath.mpf(0)
        for b in reversed(self.coefficients):
            total = total * c + b
        tail = abs(c) ** len(self.coefficients) * self.deficit
        return (self.sb2 + self.sw2 * total) / self.q, self.sw2 * tail / self.q

    def slope(self, c):
        """(f'(c), bound on its truncation error) for |c| < 1."""
        n = len(self.coefficients)
        total = mpmath.mpf(0)
        for k in range(n - 1, 0, -1):
            total = total * c + k * self.coefficients[k]
        a = abs(c)
        if a == 0:
            tail = mpmath.mpf(0)
        elif n * mpmath.log(1 / a) >= 1:  # k |c|^(k-1) decreases for k >= n
            tail = n * a ** (n - 1) * self.deficit
        else:
            raise ComputationError(f"Mehler series: {n} terms are too few for f'(c) at c = {mpmath.nstr(c, 8)}")
        return self.sw2 * total / self.q, self.sw2 * tail / self.q


def hermite_coefficients(activation, q, terms: int, tol):
    """([E phi^2, a_0^2, ..., a_N^2], [their quadrature errors]) at the working precision (trapezoid rule)."""
    act = activation_of(activation)
    if act.kink:
        raise InputError("activation", f"{act.name} has a kink: the Mehler map needs a smooth activation")
    phi = act.derivative(0)
    odd = bool(act.extra.get("odd")) if act.extra else False
    root_q = mpmath.sqrt(param(q))
    sqrt_k = [mpmath.sqrt(k) for k in range(terms + 2)]

    def F(z):
        p = phi(root_q * z)
        h_prev, h = mpmath.mpf(0), mpmath.mpf(1)
        out = [p * p]
        for k in range(terms + 1):
            if not odd or k % 2 == 1:
                out.append(p * h)           # even integrand in z when phi is odd and k is odd
            h_prev, h = h, (z * h - sqrt_k[k] * h_prev) / sqrt_k[k + 1]
        return out

    zmax = gaussian._cutoff(tol) + mpmath.sqrt(2 * terms)  # h_k e^{-z^2/4} lives on |z| < sqrt(4k)
    values, errors = gaussian.trapezoid_raw(F, tol, even=odd, zmax=zmax, atol=tol)
    squares, square_errors = [values[0]], [errors[0]]
    it = iter(zip(values[1:], errors[1:]))
    for k in range(terms + 1):
        if odd and k % 2 == 0:
            squares.append(mpmath.mpf(0))
            square_errors.append(mpmath.mpf(0))
        else:
            a, e = next(it)
            squares.append(a * a)
            square_errors.append(2 * abs(a) * e + e * e)
    return squares, square_errors


def mehler_map(activation, sigma_w, sigma_b, q, terms: int, tol) -> MehlerMap:
    """The truncated map at the working precision, with the Parseval deficit bounded from above."""
    squares, errors = hermite_coefficients(activation, q, terms, tol)
    deficit = squares[0] - sum(squares[1:])
    bound = abs(deficit) + errors[0] + sum(errors[1:])
    return MehlerMap(tuple(squares[1:]), bound, param(sigma_w) ** 2, param(sigma_b) ** 2, param(q))


def stable_fixed_point(fmap: MehlerMap, tol):
    """The largest root c* < 1 of f(c) = c (chaotic phase: f(c) < c just below 1).

    Walks delta = 1 - c outwards by factors 2 from 10^-(dps/3) until f(1 - delta) >= 1 - delta
    (guaranteed by delta = 2, c = -1, since |f| <= 1), then solves on that bracket.
    """
    def gap(delta):
        return fmap.value(1 - delta)[0] - (1 - delta)

    delta = mpmath.mpf(10) ** (-(mpmath.mp.dps // 3))
    if gap(delta) >= 0:
        raise ComputationError(f"chaotic fixed point not resolved: 1 - c* < {mpmath.nstr(delta, 3)}")
    while True:
        nxt = min(2 * delta, mpmath.mpf(2))
        if gap(nxt) >= 0:
            break
        if nxt == 2:
            raise ComputationError("chaotic fixed point: f(c) < c on all of [-1, 1) (truncated series too short?)")
        delta = nxt
    lo, hi = delta, nxt
    while hi - lo > tol * hi:  # bisection: robust, and a polynomial evaluation is cheap
        mid = (lo + hi) / 2
        if gap(mid) < 0:
            lo = mid
        else:
            hi = mid
    return 1 - (lo + hi) / 2
