"""Depth jump for tanh on the Edge of Chaos, in delta = 1 - c (a germ known up to a remainder).

:mod:`asymptotics.smooth_depth` gives the Taylor polynomial of delta' = g(delta) = 1 - f(1 - delta),

    g(delta) = delta R_J(delta) + rho(delta),   R_J = 1 - B_2 delta + B_3 delta^2 - ... + (-1)^(J+1) B_J delta^(J-1),
    |rho(delta)| <= B_{J+1} delta^(J+1)  (|f^(J+1)| <= f^(J+1)(1) on [-1, 1], seed 001 Fact 6),

B_1 = chi_1 = 1 on the EOC.  The Taylor series diverges (B_j ~ j! (4q/pi^2)^j), so the
polynomial germ delta R_J(delta) takes the part of the analytic germ in
:mod:`asymptotics.depth_jump.relu_fatou`: its Fatou coordinate Phi_K, Abel defect E_J with a
Cauchy bound on |z| = r (R_J is a polynomial; |R_J - 1| < 1 is checked on the circle, so R_J != 0 and
log R_J are analytic on the disc).  The true map adds two corrections:

* 1/g - 1/(delta R_J) = -rho / (g delta R_J), so psi = 1/g(delta) - 1/delta loses at most
  B_{J+1} delta0^(J-1) / (R_min (R_min - B_{J+1} delta0^J)) in the orbit majorant (R_min: lower bound of R_J
  on [0, delta0]);
* Phi_K(g) - Phi_K(delta R_J): both points lie in [delta/2, 2 delta0] (checked: R_min - B_{J+1} delta0^J >= 1/2),
  where |Phi_K'(x)| <= P/x^2, P = 1/A + |beta| 2 delta0 + sum k |phi_k| (2 delta0)^(k+1); so the Abel defect
  of the true map exceeds E_J by at most 4 P B_{J+1} delta^(J-1), summed over the orbit like the rest.

Accuracy label: the B_j, q* and sigma_w come from quadrature at two precisions ('agreement'), like
the iteration of :mod:`asymptotics.smooth_depth` the jump starts from, so the result is an
enclosure *given* those constants and is labelled 'agreement', never 'certified'.
"""
from __future__ import annotations

import time

import mpmath
from flint import arb

from asymptotics.accuracy import AGREEMENT, Approx
from asymptotics.depth_jump import series_tools as st
from asymptotics.depth_jump.relu_fatou import AbelCoordinate
from asymptotics.validation import ComputationError, InputError

DEGREE = 36
RADIUS = "0.2"
L0_SMOOTH = 1000


class PolynomialGerm:
    """delta -> delta R(delta) for a polynomial R with ball coefficients (R[0] = 1)."""

    def __init__(self, poly, n):
        self.poly, self.n = list(poly), n
        self.R = st.pad(self.poly, n)

    def at(self, z):
        value = st.horner_ball(self.poly, z)
        if not (value - 1).abs_upper() < 1:
            return None
        return (value,)


class RemainderAbelCoordinate(AbelCoordinate):
    """Fatou coordinate of the polynomial germ, with the remainder |rho| <= b_next delta^(J+1) accounted for."""

    def __init__(self, germ, terms, b_next, degree, radius):
        self.b_next, self.degree = b_next, degree
        super().__init__(germ, terms, radius=radius)

    def _r_min(self, s0):
        interval = arb(s0 / 2, s0 / 2)
        r_min = st.lower(st.horner_ball(self.germ.poly, interval))
        rem = st.upper(self.b_next * s0**self.degree)
        if not r_min - rem >= arb("0.5"):
            raise ComputationError("the Taylor remainder is not small on the orbit")
        return r_min, rem

    def psi_correction(self, s0):
        r_min, rem = self._r_min(s0)
        return st.upper(self.b_next * s0 ** (self.degree - 1) / (r_min * (r_min - rem)))

    def extra_defect_sum(self, s0, count, a_lower, c0):
        self._r_min(s0)
        x = 2 * s0
        P = abs(self.inv_A) + abs(self.beta) * x + x * x * st.horner_ball([k * abs(p) for k, p in enumerate(self.phi, 1)], x)
        return st.upper(4 * P * self.b_next * st.orbit_power_sum(self.degree - 1, c0, count, a_lower))


def tanh_eoc_jump(sigma_b="0.2", c_start="0.5", depths=(10**9,), digits: int = 30, l0: int = L0_SMOOTH):
    """1 - c^L and f'(c^L) for tanh on the EOC at any depth: iterate to l0, then jump (see module doc).

    Returns (values {L: DepthValues}, info dict).  Uses :func:`asymptotics.smooth_depth.eoc_correlation_depths`
    for the first l0 layers and its Taylor coefficients B_j.
    """
    from asymptotics.validation import check_depths
    from asymptotics.depth_jump.relu_jump import terms_for, working_precision
    from asymptotics.eoc import edge_of_chaos
    from asymptotics.smooth_depth import DepthValues, eoc_correlation_depths, tanh_taylor_coefficients
    from asymptotics.validation import check_depth

    start = time.perf_counter()
    depths = check_depths("depths", depths)  # strings read exactly: '1e100' is 10^100
    l0 = check_depth("l0", l0, minimum=2)
    base = eoc_correlation_depths("tanh", sigma_b, c_start, sorted({d for d in depths if d <= l0} | {l0}),
                                  digits=digits + 5)
    prec = working_precision(digits)
    terms = terms_for(digits)
    point = edge_of_chaos("tanh", sigma_b, dps=digits + 15)
    with mpmath.workprec(prec + 40):
        B, B_err = tanh_taylor_coefficients(point.q_star.mid, point.sigma_w.mid ** 2, DEGREE + 1, prec + 40)
    with st.arb_precision(prec):
        balls = [st.arb_from_mpf(b) + arb(0, st.arb_from_mpf(e)) for b, e in zip(B, B_err)]
        if not abs(balls[1] - 1) < arb(2) ** (-digits * 3):
            raise InputError("sigma_b", "the network is not on the Edge of Chaos (chi_1 != 1)")
        poly = [arb(1)] + [(-1) ** (j + 1) * balls[j] for j in range(2, DEGREE + 1)]  # R_J coefficients
        germ = PolynomialGerm(poly, terms + 10)
        fatou = RemainderAbelCoordinate(germ, terms, st.upper(balls[DEGREE + 1]), DEGREE, arb(RADIUS))
        d0 = st.arb_from_approx(base.at(l0).one_minus_c)
        lo, hi = st.lower(d0), st.upper(d0)
        out = {}
        for L in depths:
            if L <= l0:
                out[L] = base.at(L)
                continue
            delta = fatou.jump(lo, hi, L - l0)
            # f'(c) = g'(delta): Taylor polynomial of degree J-1 plus (J+1) B_{J+1} delta^J
            fp = _poly_derivative(balls, delta)
            fp = fp + arb(0, st.upper((DEGREE + 1) * balls[DEGREE + 1] * st.upper(delta) ** DEGREE))
            vals = {name: _approx(x) for name, x in (("one_minus_c", delta), ("c", 1 - delta), ("f_prime", fp),
                                                     ("one_minus_f_prime", 1 - fp))}
            out[L] = DepthValues(L, **vals)
    info = {"l0": l0, "terms": terms, "degree": DEGREE, "radius": RADIUS, "seconds": time.perf_counter() - start,
            "method": "agreement (given the quadrature constants q*, sigma_w, B_j)"}
    return out, info


def _poly_derivative(balls, delta):
    """sum_{j=1}^{J} (-1)^(j+1) j B_j delta^(j-1)."""
    coeffs = [(-1) ** (j + 1) * j * balls[j] for j in range(1, DEGREE + 1)]
    return st.horner_ball(coeffs, delta)


def _approx(x) -> Approx:
    from asymptotics.depth_jump.relu_jump import approx_from_arb

    a = approx_from_arb(x)
    return Approx(a.mid, a.rad, AGREEMENT)
