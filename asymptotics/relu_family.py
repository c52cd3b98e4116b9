"""Closed-form dual maps of the ReLU family, written without cancellation near rho = 1.

For phi(x) = b x (x >= 0), a x (x < 0) and (u, v) standard normal with correlation
rho, write theta = arccos(rho) and delta = 1 - rho.  Splitting phi into its odd
part ((a+b)/2) x and its even part ((b-a)/2) |x| (the cross moment vanishes):

    k(rho)  = E[phi(u) phi(v)]   = ((a+b)/2)^2 rho + ((b-a)/2)^2 (2/pi) (sin theta + (pi/2 - theta) cos theta)
    k'(rho) = E[phi'(u) phi'(v)] = ((a+b)/2)^2     + ((b-a)/2)^2 (2/pi) (pi/2 - theta)

(the ReLU case a=0, b=1 is the arc-cosine kernel of Cho & Saul; seed 000 lines 205-212
state it for ReLU with the factor 2 of He initialisation, seed 001 line 678 likewise).
Both equal (a^2 + b^2)/2 at rho = 1.  Their complements have no cancellation:

    k(1) - k(rho)   = ((a^2+b^2)/2) delta - ((b-a)^2 / (2 pi)) g(theta),   g(theta) = sin theta - theta cos theta
    k'(1) - k'(rho) = ((b-a)^2 / (2 pi)) theta

with theta = 2 asin(sqrt(delta / 2)) (exact near delta = 0, unlike acos(1 - delta)) and
g(theta) = theta^3/3 - theta^5/30 + ... summed as a series for small theta.

Functions here take and return mpmath numbers; the array and ball versions used
by the depth recursion live in :mod:`asymptotics.backends`.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import mpmath

from asymptotics.validation import check_correlation


@dataclass(frozen=True)
class ReluFamilyConstants:
    """Constants of phi = ABReLU(a, b) entering the dual maps (a, b exact rationals)."""

    a: Fraction
    b: Fraction

    @property
    def k_at_one(self):
        """k(1) = k'(1) = E[phi(Z)^2] = E[phi'(Z)^2] = (a^2 + b^2) / 2, at the working precision."""
        return _mpf(Fraction(self.a**2 + self.b**2, 2))

    @property
    def even_weight(self):
        """(b - a)^2 / (2 pi): weight of the non-smooth (|x|) part."""
        return _mpf((self.b - self.a) ** 2 / 2) / mpmath.pi

    @property
    def odd_square(self):
        return _mpf(((self.a + self.b) / 2) ** 2)


def _mpf(q: Fraction):
    return mpmath.mpf(q.numerator) / q.denominator


def theta_from_delta(one_minus_rho):
    """theta = arccos(1 - delta) = 2 asin(sqrt(delta/2)), accurate for tiny delta."""
    return 2 * mpmath.asin(mpmath.sqrt(one_minus_rho / 2))


def g_theta(theta):
    """g(theta) = sin(theta) - theta cos(theta) >= 0 on [0, pi], ~ theta^3/3 near 0.

    Summed as sum_{k>=1} (-1)^(k+1) 2k theta^(2k+1) / (2k+1)! for theta < 1 (the
    direct difference would lose 2 log10(1/theta) digits).
    """
    if theta >= 1:
        return mpmath.sin(theta) - theta * mpmath.cos(theta)
    theta2 = theta * theta
    term = theta * theta2 / 3  # k = 1
    total = term
    k = 1
    eps = mpmath.eps * abs(total)
    while abs(term) > eps:
        # ratio of consecutive terms: -(k+1)/k * theta^2 / ((2k+2)(2k+3))
        term = -term * theta2 * (k + 1) / (k * (2 * k + 2) * (2 * k + 3))
        total += term
        k += 1
    return total


def k_dual(phi: ReluFamilyConstants, rho):
    """E[phi(u) phi(v)] for unit-variance (u, v) with correlation rho."""
    check_correlation("rho", rho)
    return phi.k_at_one - k_complement(phi, 1 - mpmath.mpf(rho))


def k_prime_dual(phi: ReluFamilyConstants, rho):
    """E[phi'(u) phi'(v)] for unit-variance (u, v) with correlation rho."""
    check_correlation("rho", rho)
    return phi.k_at_one - k_prime_complement(phi, 1 - mpmath.mpf(rho))


def k_complement(phi: ReluFamilyConstants, one_minus_rho):
    """k(1) - k(rho) as a function of delta = 1 - rho (no cancellation)."""
    theta = theta_from_delta(one_minus_rho)
    return phi.k_at_one * one_minus_rho - phi.even_weight * g_theta(theta)


def k_prime_complement(phi: ReluFamilyConstants, one_minus_rho):
    """k'(1) - k'(rho) = ((b-a)^2/(2 pi)) theta."""
    return phi.even_weight * theta_from_delta(one_minus_rho)


def constants_for(activation) -> ReluFamilyConstants:
    """The (a, b) constants of a ReLU-family :class:`~asymptotics.activations.Activation`."""
    from asymptotics.activations import get_activation
    from asymptotics.validation import InputError

    act = get_activation(activation)
    if not act.is_relu_family:
        raise InputError(
            "activation",
            f"{act.name!r} is not in the ReLU family; its maps need Gaussian quadrature "
            "(asymptotics.dual)",
        )
    a, b = act.slopes
    return ReluFamilyConstants(a, b)
