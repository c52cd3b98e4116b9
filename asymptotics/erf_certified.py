"""erf on the Edge of Chaos in closed form, in arb balls: the EOC point and the correlation map in delta = 1 - c.

Network and notation of Hayou, Doucet, Rousseau, "Mean-field Behaviour of Neural Tangent Kernel for Deep
Neural Networks" (../shared/seeds/001_018e0351582ed44f.txt:140 for the EOC, :638-646 for f and its
derivatives, Facts 1, 5, 6); phi(x) = erf(x).

Closed forms (derived here; tests/test_erf_eoc_jump.py checks them against 2-D quadrature).  For
(u, v) ~ N(0, [[S11, S12], [S12, S22]]):

* erf(u) = E_W[sign(u - W/sqrt 2)] for W ~ N(0, 1) independent (P(W/sqrt 2 < u) - P(W/sqrt 2 > u) =
  2 Phi(sqrt 2 u) - 1), so with independent W1, W2 the pair (u - W1/sqrt 2, v - W2/sqrt 2) is Gaussian with
  variances S11 + 1/2, S22 + 1/2 and covariance S12, and E[sign X sign Y] = (2/pi) asin(corr) gives

      E[erf(u) erf(v)] = (2/pi) asin(2 S12 / sqrt((1 + 2 S11)(1 + 2 S22)));

* phi'(x) = (2/sqrt pi) exp(-x^2) and E[exp(-x^T x)] = det(I + 2 S)^(-1/2) for x ~ N(0, S):

      E[phi'(u) phi'(v)] = (4/pi) / sqrt((1 + 2 S11)(1 + 2 S22) - 4 S12^2).

At the variance q (S11 = S22 = q, S12 = q c), with k = 2q/(1 + 2q):
V(q) = sigma_b^2 + sigma_w^2 (2/pi) asin k, chi_1 = sigma_w^2 (4/pi)/sqrt(1 + 4q),
f(c) = (sigma_b^2 + sigma_w^2 (2/pi) asin(k c))/q, f'(c) = sigma_w^2 (4/pi)/sqrt((1 + 2q)^2 - 4 q^2 c^2).

**EOC point.**  chi_1 = 1 gives sigma_w^2 = (pi/4) sqrt(1 + 4q), and q* = V(q*) becomes R(q*) = 0 with

    R(q) = sigma_b^2 + h(q),   h(q) = sqrt(1 + 4q) asin(k)/2 - q,   h'(q) = asin(k)/sqrt(1 + 4q) - k.

h' < 0 for every q > 0: with k = sin t (0 < t < pi/2), sqrt(1 + 4q) = sqrt((1 + k)/(1 - k)) = (1 + sin t)/cos t,
and h' < 0 is t < tan t (1 + sin t), true since tan t > t.  As h(0) = 0 and h -> -oo, R has exactly one
zero for sigma_b > 0 (none but q = 0 for sigma_b = 0, where the map is the identity to first order:
refused).  :func:`erf_eoc_point` finds it by Newton's method on midpoints and then *proves* the ball:
exact points q_lo < q_hi with R(q_lo) > 0 > R(q_hi) in arb (R is continuous and strictly decreasing),
so q* lies in [q_lo, q_hi]; sigma_w^2 = (pi/4) sqrt(1 + 4q) is then evaluated on that ball.

**The map in delta form.**  With sigma_w^2 tied to q as above, for *every* q:

    g(delta) = 1 - f(1 - delta) = C (asin k - asin(k (1 - delta))),   C = sqrt(1 + 4q)/(2q),

and g(0) = 0, g'(0) = C k / sqrt(1 - k^2) = 1 exactly (sqrt(1 - k^2) = sqrt(1 + 4q)/(1 + 2q)): a ball
around q* gives a family of maps that are all parabolic at 0.  For 0 <= delta <= 1 (c >= 0) the difference
of arcsines is computed without cancellation as asin((x^2 - y^2)/(x sqrt(1 - y^2) + y sqrt(1 - x^2))),
x = k, y = k (1 - delta), x^2 - y^2 = k^2 delta (2 - delta), 1 - y = 1/(1 + 2q) + k delta; for c < 0 the
two arcsines add.  Also f'(1 - delta) = 1/sqrt(1 + u), u = 4 q^2 delta (2 - delta)/(1 + 4q), and
1 - f'(1 - delta) = u/(sqrt(1 + u) (1 + sqrt(1 + u))) (no cancellation).

Monotonicity used by the certified iteration: f'(c) > 0 on [-1, 1], so g increases in delta; an orbit
point delta_l in [lo, hi] maps into [g(lo), g(hi)] (evaluated in arb at the exact end points).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import flint
from flint import arb, fmpq

from asymptotics.validation import ComputationError, InputError, exact_real


def _q(x: Fraction) -> arb:
    return arb(fmpq(x.numerator, x.denominator))


def eoc_residual(q: arb, sb2: arb) -> arb:
    """R(q) = sigma_b^2 + sqrt(1 + 4q) asin(2q/(1 + 2q))/2 - q (a ball for a ball q > 0)."""
    return sb2 + (1 + 4 * q).sqrt() * (2 * q / (1 + 2 * q)).asin() / 2 - q


def _residual_slope(q: arb) -> arb:
    k = 2 * q / (1 + 2 * q)
    return k.asin() / (1 + 4 * q).sqrt() - k


@dataclass(frozen=True)
class ErfEOC:
    """The certified EOC point of erf at sigma_b (exact) and the closed-form map on it, as arb balls.

    ``q`` is a ball proved to contain q* (module doc); every other ball is evaluated from it.
    """

    sigma_b: Fraction
    q: arb
    prec: int
    _constants: dict = field(default_factory=dict, compare=False, repr=False)

    def _at_prec(self):
        """(k, 1/(1 + 2q), sqrt(1 - k^2), C, 4 q^2/(1 + 4q)) at the current working precision (computed once each)."""
        prec = flint.ctx.prec
        if prec not in self._constants:
            q = self.q
            root = (1 + 4 * q).sqrt()
            self._constants[prec] = (2 * q / (1 + 2 * q), 1 / (1 + 2 * q), root / (1 + 2 * q), root / (2 * q),
                                     4 * q * q / (1 + 4 * q))
        return self._constants[prec]

    # ---- derived constants (balls around the true values, at the current precision) --------
    @property
    def sigma_w2(self) -> arb:
        return arb.pi() / 4 * (1 + 4 * self.q).sqrt()

    @property
    def sigma_w(self) -> arb:
        return self.sigma_w2.sqrt()

    @property
    def k(self) -> arb:
        return 2 * self.q / (1 + 2 * self.q)

    @property
    def C(self) -> arb:
        return (1 + 4 * self.q).sqrt() / (2 * self.q)

    @property
    def A(self) -> arb:
        """g(delta) = delta - A delta^2 + ...: A = f''(1)/2 = 2 q^2/(1 + 4q) (from asin''(k) = k/(1 - k^2)^(3/2))."""
        return 2 * self.q**2 / (1 + 4 * self.q)

    def chi_1(self) -> arb:
        """sigma_w^2 (4/pi)/sqrt(1 + 4q) evaluated on the balls (a ball around 1)."""
        return self.sigma_w2 * 4 / arb.pi() / (1 + 4 * self.q).sqrt()

    def variance_gap(self) -> arb:
        """V(q) - q on the ball (contains 0)."""
        return _q(self.sigma_b**2) + self.sigma_w2 * 2 / arb.pi() * self.k.asin() - self.q

    # ---- the map -----------------------------------------------------------------------------
    def g(self, delta: arb) -> arb:
        """1 - f(1 - delta) for 0 <= delta <= 2 (a ball containing it for every delta in the ball)."""
        k, one_minus_k, root_k, C, _ = self._at_prec()
        if delta <= 1:
            y = k * (1 - delta)
            root_y = ((one_minus_k + k * delta) * (1 + y)).sqrt()
            gap = (k * k * delta * (2 - delta) / (k * root_y + y * root_k)).asin()
        else:
            gap = k.asin() + (k * (delta - 1)).asin()
        return C * gap

    def g_monotone(self, lo: arb, hi: arb) -> arb:
        """A ball containing g(delta) for every delta in [lo, hi] (g is increasing: module doc)."""
        return self.g(lo).union(self.g(hi))

    def _u(self, delta: arb) -> arb:
        return self._at_prec()[4] * delta * (2 - delta)

    def f_prime(self, delta: arb) -> arb:
        """f'(1 - delta) = sigma-dot on the EOC, 1/sqrt(1 + u)."""
        return 1 / (1 + self._u(delta)).sqrt()

    def one_minus_f_prime(self, delta: arb) -> arb:
        u = self._u(delta)
        root = (1 + u).sqrt()
        return u / (root * (1 + root))


def read_sigma_b(sigma_b) -> Fraction:
    """sigma_b as typed, exactly ('0.2' is 1/5); > 0 (sigma_b = 0 has q* = 0: refused)."""
    value = exact_real("sigma_b", sigma_b)
    if value < 0:
        raise InputError("sigma_b", f"a standard deviation must be >= 0, got {sigma_b}")
    if value == 0:
        raise InputError("sigma_b", "sigma_b = 0 gives q* = 0 for erf: the EOC correlation map is then the "
                                    "identity to first order in q; use sigma_b > 0")
    if value > 10**6:
        raise InputError("sigma_b", f"at most 1e6 is supported, got {sigma_b}")
    return value


def erf_eoc_point(sigma_b, prec: int) -> ErfEOC:
    """The certified EOC point (module doc) at working precision ``prec`` bits (ball width ~ 2^-prec q*)."""
    sb = read_sigma_b(sigma_b)
    old = flint.ctx.prec
    try:
        guard = 32
        for _ in range(6):
            flint.ctx.prec = prec + guard
            sb2 = _q(sb * sb)
            q = _newton(sb2, prec + guard)
            # R(q) ~ -(4/3) q^3 near 0 is a difference of O(q) terms: the guard bits cover that loss
            eps = arb(2) ** (-(prec + 4))
            lo, hi = arb((q * (1 - eps)).mid()), arb((q * (1 + eps)).mid())
            if eoc_residual(lo, sb2) > 0 and eoc_residual(hi, sb2) < 0:
                ball = lo.union(hi)
                return ErfEOC(sb, ball, prec)
            guard *= 2
        raise ComputationError(f"could not certify the erf EOC point at sigma_b = {sigma_b}")
    finally:
        flint.ctx.prec = old


def _newton(sb2: arb, prec: int) -> arb:
    """Midpoint Newton iteration for R(q) = 0, kept inside a bracket [lo, hi] with R(lo) > 0 > R(hi)."""
    lo, hi = arb(0), arb(1)
    while not eoc_residual(hi, sb2) < 0:
        lo, hi = hi, hi * 4
    # start: R(q) ~ sigma_b^2 - (4/3) q^3 for small q
    q = arb(((3 * sb2 / 4) ** (arb(1) / 3)).mid())
    if not (lo < q < hi):
        q = arb(((lo + hi) / 2).mid())
    tol = arb(2) ** (-prec + 6)
    for _ in range(400):
        r = eoc_residual(q, sb2)
        if r > 0:
            lo = q
        elif r < 0:
            hi = q
        step = arb((r / _residual_slope(q)).mid())
        new = arb((q - step).mid())
        if not (lo < new < hi):
            new = arb(((lo + hi) / 2).mid())
        if abs(new - q) <= tol * q:
            return new
        q = new
    raise ComputationError("the Newton iteration for the erf EOC point did not converge")
