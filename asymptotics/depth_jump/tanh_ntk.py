"""Certified NTK of a pair for tanh on the Edge of Chaos at any depth: certified layers to L0, then the jump.

Recursion (the conventions of :func:`asymptotics.depth_jump.erf_eoc.erf_eoc_ntk`): for inputs at the
fixed-point variance q*, Theta^1 = Sigma^1 and Theta^{l+1} = Sigmadot^{l+1} Theta^l + Sigma^{l+1}
(:mod:`asymptotics.recursion`; seed 001 Lemma 1, ../shared/seeds/001_018e0351582ed44f.txt:118-124) with
Sigma^l_xy = q* c^l, Sigmadot^{l+1}_xy = f'(c^l), Sigmadot_xx = chi_1 = 1 on the EOC, so in units of q*

    K^1 = c^1,   K^{l+1} = f'(c^l) K^l + c^{l+1},   Theta^l_xx = l q*,   N_l = K^l / l -> 1/3.

Layers 1..L0 (:class:`NTKOrbit`): the certified balls of delta_l = 1 - c^l and f'(c^l) of
:class:`~asymptotics.depth_jump.tanh_certified.CertifiedOrbit` (each contains the true value; the input
balls propagate), and K^{l+1} evaluated in arb on them, so K^l's ball contains the true K^l.

Jump (:class:`RemainderOrbitNTK`, a subclass of :class:`~asymptotics.depth_jump.ntk_along_orbit.OrbitNTK`):
with D_l = K^l, D_{l+1} = m*(s_l) D_l + b*(s_l) along the true orbit s_{l+1} = F*(s_l) (s = delta), where
F* = g (the true map), m* = g' = f'(1 - s), b* = 1 - g.  OrbitNTK's Psi, H are built for the polynomial germ
F(s) = s R_J(s) = sum_{j<=J} (-1)^(j+1) B_j s^j, m = F', b = 1 - F (:class:`TanhNTKGerm`, J = DEGREE), exponent
p = m_1/R_1 = 2 exactly.  With Bn = B_{J+1} (upper bound) the true germ differs by (tanh_certified, step 3)

    (a) rho := F* - F,  |rho(s)| <= Bn s^(J+1);
    (b) |m* - m| <= (J+1) Bn s^J  (Lagrange on f' to degree J-1, |f^(J+1)| <= f^(J+1)(1) = (J+1)! B_{J+1});
    (c) 0 < m* <= 1 on (0, s0]: m* >= m - (J+1) Bn s0^J >= m_lower(s0) > 0 (checked), m* <= f'(1) = 1 (Mehler);
    (d) F(s), F*(s) lie in [s/2, 2 s] (checked: R_J -+ Bn s0^J in [1/2, 2] on [0, s0], smooth_fatou's _r_min).

OrbitNTK's certificate (its steps 1-4) holds for the true orbit with E_Psi* = Psi(F*) - m* Psi - b* and
E_H* = log(H(F*) / (m* H)) in place of E_Psi, E_H; the extra defects, for s in (0, s0], X = 2 s0 <= 1/4:

    E_Psi* - E_Psi = [Psi(F*) - Psi(F)] - (m* - m) Psi(s) + rho,
        |Psi(F*) - Psi(F)| <= |rho| Q1 / (s/2)^2 <= 4 Q1 Bn s^(J-1)     (mean value on [s/2, X] by (d)),
        |(m* - m) Psi(s)|  <= (J+1) Bn s^(J-1) Q0,
    Q0 >= sup_(0,s0] s |Psi(s)| = |u_-1| + sum_k |u_k| s0^(k+1) + |c| s0^(p+1) log(1/s0) max_[0,s0] |h|,
    Q1 >= sup_(0,X] x^2 |Psi'(x)| = |u_-1| + sum_k k |u_k| X^(k+1) + |c| X^(p+1) (log(1/X) max|p h + x h'| + max|h|)
        (x^2 d/dx[c x^p h log x] = c x^(p+1) ((p h + x h') log x + h); x^(p+1) log(1/x) increases on (0, X]);
    E_H* - E_H = [log H(F*) - log H(F)] - log(m*/m),
        |log H(F*) - log H(F)| <= |rho| Q2 / (s/2) <= 2 Q2 Bn s^J,   Q2 >= sup_(0,X] x |(log H)'| = p + X max|h'| / min h
        (h > 0 on [0, X] checked, so H = x^p h > 0 there),
        |log(m*/m)| <= t/(1 - t), t = |m* - m|/m <= (J+1) Bn s^J / m_min <= tau0 < 1/2 (checked).

Summed over the skipped layers with the orbit majorant s_j <= 1/(A'(c0 + j - L0)) of the remainder-aware
Fatou coordinate (:class:`~asymptotics.depth_jump.smooth_fatou.RemainderAbelCoordinate`; S_n below is
:func:`~asymptotics.depth_jump.series_tools.orbit_power_sum`):

    sum_j |E_Psi* - E_Psi| <= Bn (S_{J+1} + ((J+1) Q0 + 4 Q1) S_{J-1}),
    sum_j |E_H* - E_H|     <= Bn (2 Q2 + (J+1) / (m_min (1 - tau0))) S_J,

added to OrbitNTK's eps_psi and eps_h.  The orbit excess g_L = 1/(A s_L) - L comes from the same Fatou
coordinate (its defect sum includes the remainder, smooth_fatou's extra_defect_sum), so
D_L - L/3 = g_L/3 + (Psi(s_L) - u_-1/s_L) + e_L0 H(s_L)/H(s_L0) exp(t) + [-eps_psi, eps_psi] keeps its absolute
accuracy at any depth, and N_L - 1/3 = (D_L - L/3)/L its relative one.  Every Approx is 'certified'.
"""
from __future__ import annotations

import time

from flint import arb, fmpz

from asymptotics.depth_jump import series_tools as st
from asymptotics.depth_jump.ntk_along_orbit import OrbitNTK
from asymptotics.depth_jump.smooth_fatou import DEGREE, PolynomialGerm
from asymptotics.depth_jump.tanh_certified import CertifiedOrbit, GermJump, TaylorStep, certified_constants, \
    checked_arguments, jump_from_first_good_l0, working_bits
from asymptotics.depth_jump.tanh_far_field import FarField
from asymptotics.validation import ComputationError

#: N_L -> 1/(1 + p), p = 2 (module doc)
LIMIT_DENOMINATOR = 3


class TanhNTKGerm(PolynomialGerm):
    """F(s) = s R_J(s) with m = F' and b = 1 - F (series and acb values), plus the Taylor remainder's bounds."""

    #: m_1/R_1 = 2 exactly (m = (s R_J)'), as for erf
    ntk_exponent = 2

    def __init__(self, poly, n, b_next: arb, degree: int):
        super().__init__(poly, n)
        self.b_next, self.degree = b_next, degree
        g = [arb(0)] + list(self.poly)                         # F = sum_j g_j s^j, degree len(poly)
        self.m_poly = [j * g[j] for j in range(1, len(g))]     # F' (the full polynomial, not truncated)
        self.m = st.pad(self.m_poly, n)
        self.b = st.pad([arb(1)] + [-x for x in g[1:]], n)

    def at(self, z):
        vals = super().at(z)
        if vals is None:
            return None
        R = vals[0]
        return R, st.horner_ball(self.m_poly, z), 1 - z * R

    def m_remainder(self, s0) -> arb:
        """(J+1) B_{J+1} s0^J >= |m*(s) - m(s)| on [0, s0] (module doc, (b))."""
        return st.upper((self.degree + 1) * self.b_next * s0**self.degree)

    def m_polynomial_lower(self, s0) -> arb:
        return st.lower(st.horner_ball(self.m_poly, arb(s0 / 2, s0 / 2)))

    def m_lower(self, s0) -> arb:
        """A lower bound of both m (the polynomial's) and m* (the true f'(1 - s)) on [0, s0] (module doc, (c))."""
        return st.lower(self.m_polynomial_lower(s0) - self.m_remainder(s0))


class RemainderOrbitNTK(OrbitNTK):
    """OrbitNTK for the polynomial germ, with the Taylor remainder's extra defects added (module doc)."""

    def _bounds(self, s0, count):
        eps_h, eps_psi = super()._bounds(s0, count)
        extra_h, extra_psi = self.remainder_sums(s0, count)
        return st.upper(eps_h + extra_h), st.upper(eps_psi + extra_psi)

    def remainder_sums(self, s0, count):
        """(bound of sum_j |E_H* - E_H|, bound of sum_j |E_Psi* - E_Psi|) over ``count`` layers from s_L0 <= s0."""
        fatou, germ, p = self.fatou, self.fatou.germ, self.p
        J, bn = germ.degree, germ.b_next
        a_lower, c0 = fatou.orbit_majorant(s0)
        r_min, rem = fatou._r_min(s0)                           # R_J - Bn s0^J >= 1/2 on [0, s0]
        r_max = st.upper(st.horner_ball(germ.poly, arb(s0 / 2, s0 / 2)))
        if not r_max + rem <= 2:
            raise ComputationError("the Taylor germ is not proved to keep F(s) <= 2 s on the orbit")
        X = 2 * s0
        if not X <= arb("0.25"):
            raise ComputationError("the orbit is too far from the fixed point for the NTK remainder bounds")
        small, big = arb(s0 / 2, s0 / 2), arb(X / 2, X / 2)     # the intervals [0, s0] and [0, X]
        dh = [k * x for k, x in enumerate(self.h)][1:]
        h_big, dh_big = self._h(big), st.horner_ball(dh, big)
        h_min = st.lower(h_big)
        if not h_min > 0:
            raise ComputationError("h is not proved positive on [0, 2 s0]")
        u_m1, c = st.abs_upper(self.u[-1]), st.abs_upper(self.c)
        u_abs = [st.abs_upper(u) for u in self._u_regular]
        q0 = u_m1 + sum(u * s0 ** (k + 1) for k, u in enumerate(u_abs)) \
            + c * s0 ** (p + 1) * (1 / s0).log() * st.abs_upper(self._h(small))
        q1 = u_m1 + sum(k * u * X ** (k + 1) for k, u in enumerate(u_abs)) \
            + c * X ** (p + 1) * ((1 / X).log() * st.abs_upper(p * h_big + big * dh_big) + st.abs_upper(h_big))
        q2 = p + X * st.abs_upper(dh_big) / h_min
        m_min = germ.m_polynomial_lower(s0)
        tau0 = germ.m_remainder(s0) / m_min
        if not (m_min > 0 and tau0 < arb("0.5")):
            raise ComputationError("f' is not proved close to its Taylor polynomial on the orbit")

        def S(n):
            return st.orbit_power_sum(n, c0, count, a_lower)

        extra_psi = bn * (S(J + 1) + ((J + 1) * q0 + 4 * q1) * S(J - 1))
        extra_h = bn * (2 * q2 + (J + 1) / (m_min * (1 - tau0))) * S(J)
        return st.upper(extra_h), st.upper(extra_psi)


class NTKGermJump(GermJump):
    """GermJump with the NTK germ, and the jump of D_L = K^L along the orbit."""

    def make_germ(self, poly, n):
        return TanhNTKGerm(poly, n, st.upper(self.B[DEGREE + 1]), DEGREE)

    def ntk_values_at(self, delta_l0: arb, k_l0: arb, l0: int, depths) -> dict:
        if not hasattr(self, "ntk"):
            self.ntk = RemainderOrbitNTK(self.fatou, self.terms)
        lo, hi = st.lower(delta_l0), st.upper(delta_l0)
        if not lo > 0:
            raise ComputationError("1 - c at L0 is not proved positive")
        out = {}
        for L in depths:
            steps = L - l0
            delta = self.fatou.jump(lo, hi, steps)
            g_L = self.fatou.excess(lo, hi, steps, delta) - arb(fmpz(l0))
            excess = self.ntk.jump(lo.union(hi), k_l0, delta, hi, steps, g_L)  # D_L - L/3
            out[L] = ntk_entry(L, delta, excess)
        return out


class NTKOrbit(CertifiedOrbit):
    """CertifiedOrbit that also carries K^l (module doc): _record runs at layer 1 and after every layer."""

    def __init__(self, c1, depths, taylor, far):
        self.K, self._slope, self.ntk = None, None, {}
        super().__init__(c1, depths, taylor, far)

    def _record(self):
        c = 1 - self.delta
        self.K = c if self.K is None else self._slope * self.K + c   # K^{l+1} = f'(c^l) K^l + c^{l+1}
        self._slope = 1 - self.one_minus_f_prime_ball()                 # f'(c^l) for the next layer
        if self.layer in self.wanted:
            self.ntk[self.layer] = (self.delta, self.K - arb(fmpz(self.layer)) / LIMIT_DENOMINATOR)
        super()._record()


def ntk_entry(L: int, delta: arb, excess: arb) -> dict:
    """The result entry from balls of 1 - c^L and of K^L - L/3."""
    from asymptotics.depth_jump.relu_jump import approx_from_arb

    depth = arb(fmpz(L))
    vals = {"c": 1 - delta, "one_minus_c": delta, "ntk_over_q": depth / LIMIT_DENOMINATOR + excess,
            "ntk_normalized": arb(1) / LIMIT_DENOMINATOR + excess / depth, "ntk_minus_limit": excess / depth}
    return {name: approx_from_arb(x) for name, x in vals.items()}


def tanh_eoc_ntk(sigma_b="0.2", c_start="0.5", depths=(10**3, 10**9, 10**12), digits: int = 30, l0=None) -> dict:
    """The NTK of a pair on the tanh EOC, certified, at any depth (module doc).

    Returns {"values": {L: {"c", "one_minus_c", "ntk_over_q" (K^L = Theta^L_xy / q*), "ntk_normalized"
    (N_L = K^L / L), "ntk_minus_limit" (N_L - 1/3)}}, "l0", "method", "seconds"}, every value a certified
    Approx.  Arguments as :func:`~asymptotics.depth_jump.tanh_certified.tanh_eoc_certified` (depth 1 is
    c_start); ``l0=None`` tries 1000, 2000, 4000, ... until 1 - c^L and N_L have ``digits`` digits at every
    jumped depth (N_L - 1/3 gets what the absolute accuracy of K^L - L/3 gives; see its correct_digits).
    """
    started = time.perf_counter()
    sb, c1, depths, digits, candidates = checked_arguments(sigma_b, c_start, depths, digits, l0)
    prec = working_bits(digits)
    with st.arb_precision(prec + 20):
        q, sw2, B = certified_constants(sb, prec)
        orbit = NTKOrbit(c1, depths, TaylorStep(B, prec), FarField(q, sw2, prec))
        jumper = NTKGermJump(B, digits) if depths[-1] > min(candidates) else None
        values, used_l0 = jump_from_first_good_l0(
            orbit, candidates, depths, digits,
            lambda cand, deeper: jumper.ntk_values_at(orbit.delta, orbit.K, cand, deeper),
            lambda v: min(v["one_minus_c"].correct_digits, v["ntk_normalized"].correct_digits), "of N_L", l0)
        for L in depths:
            if L not in values:
                values[L] = ntk_entry(L, *orbit.ntk[L])
    return {"values": {L: values[L] for L in depths}, "l0": used_l0, "method": "jump" if used_l0 else "iterate",
            "seconds": time.perf_counter() - started}
