"""Certified jump of the normalised NTK along the orbit of the ReLU-family correlation map.

With D_l = l N_l (N_l the normalised NTK) the bias-free recursion of
:mod:`asymptotics.recursion` (W_l = l - D_l) reads, along the orbit s_l of F,

    D_{l+1} = m(s_l) D_l + b(s_l),     m(s) = 1 - kappa asin(s/sqrt 2),   b(s) = 1 - F(s)^2,

an autonomous linear recursion (seed 000 Proposition 4, lines 273-275, rewritten).  Since
m = 1 - 3 A s + O(s^2) while F(s)/s = 1 - A s + ..., its homogeneous solutions behave like s^3 and
the particular one like 1/(4 A s) (N_l -> 1/4); the power s^3 is resonant, hence one log term:

    H(s)   = s^3 h(s),                         h = 1 + sum_{k=1}^{K} h_k s^k,
    Psi(s) = sum_{k=-1, k != 3}^{K} u_k s^k + c H(s) log s,

with exact dyadic coefficients fixed order by order so that (all series analytic at 0)

    X(s)  := R^3 h(sR) - m h(s) = O(s^(K+1))        (H(F) = m H (1 + X/(m h)))
    P1(s) := U(F) - m U - b + c H(F) log R = O(s^(K+2))
    E_Psi(s) := Psi(F(s)) - m(s) Psi(s) - b(s) = P1(s) + c s^3 X(s) log s.

Two coefficients are set by identities of the ReLU family rather than computed: m_1 = -kappa/sqrt 2
= -3A, so [1/R - m]_1 = 4A and u_{-1} = 1/(4A) (as a ball) makes P1_0 = 1 - 4A u_{-1} = 0 exactly; the
exponent 3 = m_1/R_1 is exact for the same reason (checked numerically as well).

Other germs: the same construction with the exponent p = m_1/R_1 of ``germ.ntk_exponent`` in place of 3
(s^p, R^p, the resonant order k = p, u_{-1} = 1/((1 + p) A), N_l -> 1/(1 + p)), and the lower bound of m on
[0, s0] from ``germ.m_lower(s0)``.  erf on the Edge of Chaos (:mod:`asymptotics.depth_jump.erf_germ`, in
delta = 1 - c, m = f'(1 - delta) = 1 - 2 A delta + ...) has p = 2 exactly (m is the derivative of g = delta R,
so m_1 = 2 R_1) and N_l -> 1/3.

Why the ball contains D_L (every inequality used; s_j in (0, s0] and s_j <= sigma_i from
:mod:`asymptotics.depth_jump.relu_fatou`):
1. e_j := D_j - Psi(s_j) obeys e_{j+1} = m(s_j) e_j - E_Psi(s_j) exactly, so
   e_L = (prod_{j=L0}^{L-1} m_j) e_L0 - sum_j (prod_{i>j} m_i) E_Psi(s_j).
2. 0 < m(s) <= 1 on (0, s0] (m decreases; m(s0) > 0 is checked), so every partial product is in
   [0, 1] and |sum_j ...| <= sum_j |E_Psi(s_j)| <= sum_j |P1(s_j)| + |c| sum_j |X(s_j)| s_j^3 log(1/s_j),
   each bounded by explicit coefficients, a Cauchy tail on |z| = r and the orbit sums
   (s^n log(1/s) increases on (0, e^(-1/n)), n >= 3).
3. m(s_j) = [H(s_{j+1}) / H(s_j)] exp(-E_H(s_j)) with E_H = log(1 + X/(m h)) (real: m h >= mh_min > 0 on
   [0, s0] and |X/(m h)| <= eta < 1 are checked), |E_H| <= |X| / (mh_min (1 - eta)); hence
   prod m_j = H(s_L)/H(s_L0) exp(t), |t| <= sum_j |E_H(s_j)|.
4. D_L = Psi(s_L) + e_L0 H(s_L)/H(s_L0) exp(t) - (the sum in 1), evaluated in ball arithmetic on the
   certified balls of s_L, s_L0 and D_L0.
"""
from __future__ import annotations

from flint import arb

from asymptotics.depth_jump import series_tools as st
from asymptotics.validation import ComputationError


class OrbitNTK:
    """Psi, H and the defect bounds for the normalised-NTK recursion along an orbit of ``fatou``."""

    def __init__(self, fatou, terms: int, pieces: int = 200):
        germ = fatou.germ
        self.fatou, self.radius = fatou, fatou.radius
        n = germ.n
        R, m, b = germ.R, germ.m, germ.b
        p = self.p = int(germ.ntk_exponent)
        alpha = m[1] / R[1]
        if not abs(alpha - p) < arb("0.5"):
            raise ComputationError(f"the NTK recursion's exponent is not {p}: not the structure this germ declares")
        Rp = st.powers(R, terms + p, n)
        # --- h: X = sum_k h_k s^k (R^(k+p) - m), h_0 = 1
        X = st.add(Rp[p], st.scale(m, arb(-1), n), n=n)
        self.h = [arb(1)]
        for k in range(1, terms + 1):
            basis = st.shift(st.add(Rp[k + p], st.scale(m, arb(-1), n), n=n), k, n)
            hk = arb((-X[k + 1] / basis[k + 1]).mid())
            self.h.append(hk)
            X = st.add(X, st.scale(basis, hk, n), n=n)
        self.X = X
        # --- U and c
        h_of_sR = st.add(*[st.scale(st.shift(Rp[k], k, n), hk, n) for k, hk in enumerate(self.h)], n=n)
        Rph = st.mul(Rp[p], h_of_sR, n)
        C = st.shift(st.mul(Rph, st.log(R, n), n), p, n)
        inv_r = st.inv(R, n)
        bases = {-1: st.shift(st.add(inv_r, st.scale(m, arb(-1), n), n=n), -1, n)}
        for k in range(0, terms + 1):
            bases[k] = st.shift(st.add(Rp[k], st.scale(m, arb(-1), n), n=n), k, n)
        P1 = st.scale(b, arb(-1), n)
        self.u, self.c = {}, arb(0)
        for order in range(0, terms + 2):
            k = order - 1
            if k == p:
                self.c = arb((-P1[p + 1] / C[p + 1]).mid())
                P1 = st.add(P1, st.scale(C, self.c, n), n=n)
                continue
            if k == -1:  # identity [1/R - m]_1 = A + pA: u_{-1} = 1/((1 + p) A) exactly (as a ball), P1_0 = 0
                uk = 1 / ((1 + p) * fatou.A)
            else:
                uk = arb((-P1[order] / bases[k][order]).mid())
            self.u[k] = uk
            P1 = st.add(P1, st.scale(bases[k], uk, n), n=n)
            if k == -1:
                P1[0] = arb(0)
        self.P1 = P1
        self._u_regular = [self.u.get(k, arb(0)) for k in range(0, terms + 1)]  # u_p = 0
        self.circle_X = st.circle_max(self._X_at, self.radius, pieces)
        self.circle_P1 = st.circle_max(self._P1_at, self.radius, pieces)
        if self.circle_X is None or self.circle_P1 is None:
            raise ComputationError("the NTK recursion's germ is not proved analytic on the circle")

    # ---- functions ------------------------------------------------------------------------
    def _h(self, z):
        return st.horner_ball(self.h, z)

    def _X_at(self, z):
        vals = self.fatou.germ.at(z)
        if vals is None:
            return None
        R, m, _ = vals
        return R**self.p * self._h(z * R) - m * self._h(z)

    def _U(self, z):
        return self.u[-1] / z + st.horner_ball(self._u_regular, z)

    def _P1_at(self, z):
        vals = self.fatou.germ.at(z)
        if vals is None:
            return None
        R, m, b = vals
        F = z * R
        return self._U(F) - m * self._U(z) - b + self.c * F**self.p * self._h(F) * R.log()

    def psi(self, s):
        return self.u[-1] / s + self.regular(s)

    def regular(self, s):
        """Psi(s) - u_{-1}/s, summed without the large term (no cancellation at tiny s)."""
        return st.horner_ball(self._u_regular, s) + self.c * s**self.p * self._h(s) * s.log()

    def homogeneous(self, s):
        return s**self.p * self._h(s)

    # ---- bounds ---------------------------------------------------------------------------
    def _bounds(self, s0, count):
        fatou = self.fatou
        a_lower, c0 = fatou.orbit_majorant(s0)
        r = self.radius
        q0 = s0 / r
        interval = arb(s0 / 2, s0 / 2)
        m_min = fatou.germ.m_lower(s0)
        h_min = st.lower(self._h(interval))
        if not (m_min > 0 and h_min > 0):
            raise ComputationError("m or h is not proved positive on the orbit")
        x_max = st.series_bound_on(self.X, s0, self.circle_X, r)
        eta = st.upper(x_max / (m_min * h_min))
        if not eta < arb("0.5"):
            raise ComputationError("the homogeneous defect is not small on the orbit")
        N1 = len(self.X)
        sum_x = arb(0)
        sum_x_log = arb(0)
        for k, x in enumerate(self.X):
            sum_x += st.abs_upper(x) * st.orbit_power_sum(k, c0, count, a_lower)
            sum_x_log += st.abs_upper(x) * st.orbit_power_sum(k + self.p, c0, count, a_lower, with_log=True)
        tail = self.circle_X / (1 - q0) * r ** (-N1)
        sum_x += tail * st.orbit_power_sum(N1, c0, count, a_lower)
        sum_x_log += tail * st.orbit_power_sum(N1 + self.p, c0, count, a_lower, with_log=True)
        eps_h = st.upper(sum_x / (m_min * h_min * (1 - eta)))
        sum_p1 = arb(0)
        for k, p in enumerate(self.P1):
            sum_p1 += st.abs_upper(p) * st.orbit_power_sum(k, c0, count, a_lower)
        sum_p1 += (self.circle_P1 / (1 - q0) * r ** (-len(self.P1))
                   * st.orbit_power_sum(len(self.P1), c0, count, a_lower))
        eps_psi = st.upper(sum_p1 + st.abs_upper(self.c) * sum_x_log)
        return eps_h, eps_psi

    def jump(self, s_start, d_start, s_end, s0, steps, orbit_excess):
        """A ball containing D_L - L/(1 + p) (L = L0 + steps; p = 3, L/4 for the ReLU family), given balls of
        s_L0, D_L0, s_L, s0 >= s_L0 and ``orbit_excess`` around g_L = 1/(A s_L) - L (:meth:`AbelCoordinate.excess`).

        u_{-1} = 1/((1 + p) A) exactly, so Psi(s_L) - L/(1 + p) = g_L/(1 + p) + (Psi(s_L) - u_{-1}/s_L): the
        excess keeps its absolute accuracy at any depth, hence N_L - 1/(1 + p) = (D_L - L/(1 + p))/L its relative one.
        """
        eps_h, eps_psi = self._bounds(s0, steps)
        e0 = d_start - self.psi(s_start)
        ratio = self.homogeneous(s_end) / self.homogeneous(s_start)
        factor = arb(0, eps_h).exp()
        regular = self.regular(s_end)
        return orbit_excess / (1 + self.p) + regular + e0 * ratio * factor + arb(0, eps_psi)
