"""The bias-free ReLU-family correlation map as an analytic germ in s = sqrt(1 - rho).

From :mod:`asymptotics.relu_family` (seed 000 lines 205-212 for ReLU; the recursion of
:mod:`asymptotics.recursion`), with delta = 1 - rho = s^2, theta = 2 asin(s/sqrt 2),
g_half(theta) = (sin theta - theta cos theta)/2 and kappa = 2 gamma / K1 = (b-a)^2 / (pi K1):

    delta' = delta - kappa g_half(theta)      =>      s' = F(s) = s R(s),   R(s) = sqrt(1 - kappa G(s)),
    G(s) = g_half(theta(s)) / s^2 = s tau(s)^3 C(theta(s)^2),   tau(s) = theta(s)/s,
    C(z) = sum_{k>=1} (-1)^(k+1) k z^(k-1) / (2k+1)!.

theta is odd and analytic in |s| < sqrt 2, so G is analytic there with G(s) = (sqrt 2 / 3) s + ...,
and F(s) = s - A s^2 + ... with A = sqrt(2) kappa / 6: a parabolic fixed point at s = 0.  The map
does not depend on sigma_w (the correlation is normalised), so every sigma_w is covered.

Along the orbit the NTK needs (see :mod:`asymptotics.depth_jump.ntk_along_orbit`)
m(s) = 1 - kappa asin(s / sqrt 2)   (the slope x = kappa theta/2 of the recursion's W step) and
b(s) = 1 - F(s)^2.

Analyticity on a disc |z| <= r < sqrt 2 (needed for Cauchy bounds): G is analytic there, and if
|kappa G(z)| < 1 on the circle then, by the maximum modulus principle, on the whole disc, so the
principal sqrt(1 - kappa G) is analytic with positive real part (hence R != 0 and log R analytic).
:meth:`ReluGerm.at` returns None on a ball where |kappa G| < 1 is not proved.
"""
from __future__ import annotations

from fractions import Fraction

from flint import acb, arb, fmpq

from asymptotics.depth_jump import series_tools as st
from asymptotics.relu_family import constants_for


class ReluGerm:
    """Series (first ``n`` coefficients) and acb evaluation of R, m, b for one (a, b)."""

    def __init__(self, activation: str, n: int):
        phi = constants_for(activation)
        a, b = Fraction(phi.a), Fraction(phi.b)
        self.slopes = (a, b)
        k1 = (a * a + b * b) / 2
        # kappa = 2 gamma / K1 with gamma = (b-a)^2 / (2 pi)
        self.kappa = arb(fmpq((b - a).numerator ** 2 * k1.denominator,
                              (b - a).denominator ** 2 * k1.numerator)) / arb.pi()
        self.n = n
        self.inv_sqrt2 = 1 / arb(2).sqrt()
        self.R, self.m, self.b = self._series(n)
        self._asin_c, self._g_c = _asin_coeffs(), _g_coeffs()

    # ---- series ------------------------------------------------------------------
    def _series(self, n):
        x = st.to_series([arb(0), self.inv_sqrt2], n + 2)
        asin = st.from_series(x.asin(), n + 2)              # asin(s / sqrt 2), asin(0) = 0 exactly
        tau = st.scale(st.shift(asin, -1, n + 1), arb(2), n + 1)  # theta / s
        theta2 = st.shift(st.mul(tau, tau, n + 1), 2, n + 1)     # theta^2 = s^2 tau^2
        # C(theta^2) by Horner: terms k - 1 <= n/2 suffice since theta^2 = O(s^2)
        terms = n // 2 + 2
        c_coeffs = [arb(fmpq((-1) ** (k + 1) * k, _factorial(2 * k + 1))) for k in range(1, terms + 1)]
        C = [arb(0)] * (n + 1)
        for c in reversed(c_coeffs):
            C = st.add(st.mul(C, theta2, n + 1), [c], n=n + 1)
        tau3 = st.mul(st.mul(tau, tau, n + 1), tau, n + 1)
        G = st.shift(st.mul(tau3, C, n + 1), 1, n + 1)
        R = st.sqrt(st.add([arb(1)], st.scale(G, -self.kappa, n + 1), n=n + 1), n + 1)
        R[0] = arb(1)  # sqrt(1 + O(s)): the constant term is exactly 1
        m = st.add([arb(1)], st.scale(asin, -self.kappa, n + 1), n=n + 1)
        s2R2 = st.shift(st.mul(R, R, n + 1), 2, n + 1)
        bb = st.add([arb(1)], st.scale(s2R2, arb(-1), n + 1), n=n + 1)
        return R[:n], m[:n], bb[:n]

    @property
    def A(self):
        """-R_1 = sqrt(2) kappa / 6 (ball)."""
        return -self.R[1]

    #: the NTK recursion's homogeneous exponent m_1/R_1 (:mod:`asymptotics.depth_jump.ntk_along_orbit`)
    ntk_exponent = 3

    def m_lower(self, s0):
        """A lower bound of m(s) = 1 - kappa asin(s/sqrt 2) on [0, s0] (m decreases)."""
        return st.lower(1 - self.kappa * (s0 * self.inv_sqrt2).asin())

    # ---- evaluation ----------------------------------------------------------------
    def at(self, z):
        """(R, m, b) at an acb (or arb) ball z != 0, or None if |kappa G(z)| < 1 is not proved.

        theta and g_half/theta^3 are summed as their Taylor series with a bounded tail: on a ball,
        the direct sin(theta) - theta cos(theta) cancels and its enclosure is ~10x too wide.
        """
        w = z * self.inv_sqrt2
        tau = 2 * self.inv_sqrt2 * _asin_over_w(w * w, self._asin_c)  # theta / z, no division by a ball
        theta = z * tau
        theta2 = theta * theta
        kg = self.kappa * z * tau**3 * _g_half_over_cube(theta2, self._g_c)
        if not (abs_upper_of(kg) < 1):
            return None
        R = (1 - kg).sqrt()
        m = 1 - self.kappa * theta / 2
        return R, m, 1 - (z * R) ** 2

    def map_real(self, s: arb) -> arb:
        """F(s) = s R(s) for a real ball s > 0 (direct formula, for tests and iteration checks)."""
        theta = 2 * (s * self.inv_sqrt2).asin()
        delta = s * s - self.kappa * (theta.sin() - theta * theta.cos()) / 2
        return delta.sqrt()


_ASIN_TERMS, _G_TERMS = 40, 16


def _asin_coeffs():
    coeffs, a = [], arb(1)
    for n in range(_ASIN_TERMS):
        coeffs.append(a / (2 * n + 1))
        a = a * (2 * n + 1) / (2 * n + 2)
    return coeffs


def _g_coeffs():
    return [arb(fmpq((-1) ** (k + 1) * k, _factorial(2 * k + 1))) for k in range(1, _G_TERMS + 1)]


def _asin_over_w(w2, coeffs):
    """asin(w)/w = sum_n a_n w^(2n) for |w| <= 1/2 (acb ball w2 = w^2), plus a ball for the tail:
    a_n = (2n)!/(4^n n!^2 (2n+1)) <= 1, so the tail is at most |w|^(2N)/(1 - |w|^2)."""
    size = arb(w2.abs_upper())
    if not size <= arb("0.25"):
        raise ValueError("asin series outside its range")
    terms = len(coeffs)
    tail = st.upper(size**terms / (1 - size))
    return st.horner_ball(coeffs, w2) + acb(arb(0, tail), arb(0, tail))


def _g_half_over_cube(theta2, coeffs):
    """g_half(theta)/theta^3 = sum_k (-1)^(k+1) k theta^(2k-2)/(2k+1)! with a bounded tail (|theta| <= 2)."""
    size = arb(theta2.abs_upper())
    if not size <= 4:
        raise ValueError("theta outside the series' range")
    terms = len(coeffs)
    total = st.horner_ball(coeffs, theta2)
    # |terms k > N| <= sum_k k |theta|^(2k-2)/(2k+1)! <= 2 (N+1) 4^N/(2N+3)!  for |theta|^2 <= 4
    tail = st.upper(arb(2 * (terms + 1)) * size**terms / arb(_factorial(2 * terms + 3)))
    return total + acb(arb(0, tail), arb(0, tail))


def abs_upper_of(x):
    return arb(x.abs_upper())


def _factorial(k):
    out = 1
    for i in range(2, k + 1):
        out *= i
    return out


def _acb(x):
    return x if isinstance(x, acb) else acb(x)
