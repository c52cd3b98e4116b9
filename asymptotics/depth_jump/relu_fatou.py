"""Certified depth jump along the Fatou (Abel) coordinate of a parabolic germ F(s) = s R(s).

Method (issue 15; the symbolic version is :class:`asymptotics.depth_laws.FatouCoordinate`)
-----------------------------------------------------------------------------------------
With R(s) = 1 - A s + ... (A > 0), the truncated Fatou coordinate

    Phi_K(s) = 1/(A~ s) + beta~ log s + sum_{k=1}^{K} phi~_k s^k

with 1/A~ = 1/A itself (A = -R_1, carried as a ball that contains it) and beta~, phi~_k the exact
dyadic midpoints of the balls that solve Phi(F) = Phi + 1 order by order (beta = 3/2 for the ReLU
family).  Phi_K is one fixed function; its Abel defect E(s) = Phi_K(F(s)) - Phi_K(s) - 1 is, in the form

    E(s) = (1/A~) (1/R(s) - 1)/s + beta~ log R(s) + sum_k phi~_k s^k (R(s)^k - 1) - 1,

analytic on the disc where R is (see :mod:`asymptotics.depth_jump.relu_germ`), with Taylor
coefficients e_0..e_N computed in ball arithmetic (tiny balls up to order K+1, since the
coefficients nearly solve the Abel equation) and a Cauchy tail M_E (s/r)^(N+1)/(1 - s/r) from
M_E >= max_{|z|=r} |E(z)| (acb).

Why the ball contains the true s_L (every inequality used)
---------------------------------------------------------
0. [1/R]_1 = -R_1 = A for any R with R_0 = 1, so e_0 = (1/A) A - 1 = 0 exactly (set so, not computed).
1. s_{L0} lies in [lo, hi] (the certified iteration of :mod:`asymptotics.recursion`), hi = s0.
2. psi(s) = 1/F(s) - 1/s = (1/R(s) - 1)/s >= A' > 0 on [0, s0]: A' = psi_0 - sum_{n>=1} |psi_n| s0^n
   - Cauchy tail - (for a germ known up to a remainder) :meth:`psi_correction`.  psi is analytic on the
   disc, so R != 0 there and R > 0 on [0, s0] (R_0 = 1, continuity); hence 0 < F(s) < s and, by
   induction every s_j, j >= L0, lies in (0, s0] with 1/s_j >= 1/s0 + A'(j - L0) >= A'(c0 + j - L0),
   c0 <= 1/(A' s0).
3. By definition of E, Phi_K(s_L) = Phi_K(s_L0) + (L - L0) + sum_{j=L0}^{L-1} E(s_j)  exactly.
   |E(s)| <= sum_n |e_n| s^n + M_E (s/r)^(N+1)/(1 - s0/r) on [0, s0] (s^n increasing), so with
   sigma_i = 1/(A'(c0 + i)) >= s_j the sum is at most sum_n |e_n| S_n + ..., S_n the bound of
   :func:`~asymptotics.depth_jump.series_tools.orbit_power_sum` (first term plus integral), plus
   :meth:`extra_defect_sum` for a germ known up to a remainder.
4. s^2 Phi_K'(s) = -1/A~ + beta~ s + sum k phi~_k s^(k+1) < 0 on [0, s0] (checked on the ball
   [0, s0]): Phi_K is strictly decreasing there, so Phi_K(s_L0) lies in [Phi_K(hi), Phi_K(lo)] and
   Phi_K(s_L) lies in [T_lo, T_hi] (those bounds plus L - L0 and -+ the defect sum).
5. Points s_a < s_b in (0, s0] with Phi_K(s_a) >= T_hi and Phi_K(s_b) <= T_lo, both checked in
   ball arithmetic at exact (dyadic) points, bracket s_L: Phi_K(s_L) <= T_hi <= Phi_K(s_a) gives
   s_L >= s_a by monotonicity, and likewise s_L <= s_b (0 < s_a <= hi is checked; an s_b above hi is
   replaced by hi, which bounds s_L by step 2).  The inversion itself is a plain Newton
   iteration on midpoints; only the check at the two end points matters for the certificate.
No radius passes through a float: every bound is an arb ball, rounded outward by arb.
"""
from __future__ import annotations

import math

import flint
from flint import arb

from asymptotics.depth_jump import series_tools as st
from asymptotics.validation import ComputationError


class AbelCoordinate:
    """Truncated Fatou coordinate of F(s) = s R(s) with certified defect bounds.

    ``germ`` provides ``R`` (coefficient list, length n) and ``at(z)`` -> (R(z), ...) or None.
    ``terms`` = K; defect coefficients e_0..e_{n-2} are kept explicitly.
    """

    def __init__(self, germ, terms: int, radius=arb("0.5"), pieces: int = 200):
        n = germ.n
        if terms + 3 > n:
            raise ValueError("the germ's series is too short for this many terms")
        self.germ, self.K, self.radius = germ, terms, radius
        R = germ.R
        N = n - 2
        inv_r, log_r = st.inv(R, n), st.log(R, n)
        self.inv_r = inv_r
        self.A = -R[1]
        if not self.A > 0:
            raise ComputationError("the fixed point is not parabolic-attracting (A <= 0)")
        self.inv_A = 1 / self.A  # the true 1/A (a ball around it): then e_0 = A/A - 1 = 0 exactly
        E = [self.inv_A * inv_r[i + 1] for i in range(N + 1)]
        E[0] = arb(0)  # identity: [1/R]_1 = -R_1 = A, so the s^0 term of E vanishes
        self.beta = arb((-E[1] / log_r[1]).mid())
        E = [E[i] + self.beta * log_r[i] for i in range(N + 1)]
        powers = st.powers(R, terms, n)
        self.phi = []
        for k in range(1, terms + 1):
            phik = arb((-E[k + 1] / powers[k][1]).mid())  # order k+1 fixes phi_k ([R^k]_1 = -k A)
            self.phi.append(phik)
            for j in range(k + 1, N + 1):
                E[j] += phik * powers[k][j - k]
        self.defect = E
        self.psi = inv_r[1:]  # psi(s) = (1/R - 1)/s
        self.circle_E = st.circle_max(self._defect_at, radius, pieces)
        self.circle_psi = st.circle_max(self._psi_at, radius, pieces)
        if self.circle_E is None or self.circle_psi is None:
            raise ComputationError(f"the germ is not proved analytic on |s| <= {radius}")

    # ---- the functions ----------------------------------------------------------------
    def _defect_at(self, z):
        vals = self.germ.at(z)
        if vals is None:
            return None
        R = vals[0]
        total = self.inv_A * (1 / R - 1) / z + self.beta * R.log() - 1
        zk, Rk = 1 + 0 * z, 1 + 0 * R
        for phik in self.phi:
            zk, Rk = zk * z, Rk * R
            total += phik * zk * (Rk - 1)
        return total

    def _psi_at(self, z):
        vals = self.germ.at(z)
        return None if vals is None else (1 / vals[0] - 1) / z

    def value(self, s):
        """Phi_K(s) for a real ball s > 0."""
        return self.inv_A / s + self.beta * s.log() + s * st.horner_ball(self.phi, s)

    def derivative(self, s):
        return -self.inv_A / (s * s) + self.beta / s + st.horner_ball([k * p for k, p in enumerate(self.phi, 1)], s)

    # ---- certificates -------------------------------------------------------------------
    def orbit_majorant(self, s0: arb):
        """(A', c0): s_j <= 1/(A'(c0 + j - L0)) for an orbit starting in (0, s0] (steps 2)."""
        if not s0 < self.radius / 4:
            raise ComputationError(f"s_L0 = {s0.str(5)} is too far from the fixed point for the jump")
        tail = st.series_bound_on(self.psi[1:], s0, arb(0), self.radius) * s0  # sum_{n>=1} |psi_n| s0^n
        q = s0 / self.radius
        tail += self.circle_psi * q ** len(self.psi) / (1 - q)
        a_lower = st.lower(self.psi[0] - st.upper(tail) - self.psi_correction(s0))
        if not a_lower > 0:
            raise ComputationError("no positive lower bound of 1/F(s) - 1/s near the fixed point")
        c0 = st.lower(1 / (a_lower * s0))
        if not (c0 >= 1 and a_lower * c0 >= 3):
            raise ComputationError("orbit majorant conditions fail (s_L0 too large)")
        # step 4: Phi_K decreasing on [0, s0]
        ball = arb(s0 / 2, s0 / 2)
        slope = -self.inv_A + self.beta * ball + ball * ball * st.horner_ball([k * p for k, p in enumerate(self.phi, 1)], ball)
        if not slope < 0:
            raise ComputationError("Phi_K is not proved decreasing on the orbit")
        return a_lower, c0

    def defect_sum(self, s0: arb, count) -> arb:
        """Upper bound of sum_{j=L0}^{L0+count-1} |E(s_j)| (step 3)."""
        a_lower, c0 = self.orbit_majorant(s0)
        total = arb(0)
        for n, e in enumerate(self.defect):
            total += st.abs_upper(e) * st.orbit_power_sum(n, c0, count, a_lower)
        N1 = len(self.defect)
        q0 = s0 / self.radius
        total += (self.circle_E / (1 - q0) * self.radius ** (-N1)
                  * st.orbit_power_sum(N1, c0, count, a_lower))
        return st.upper(total + self.extra_defect_sum(s0, count, a_lower, c0))

    # hooks for germs known only up to a remainder (asymptotics.depth_jump.smooth_fatou)
    def psi_correction(self, s0):
        return arb(0)

    def extra_defect_sum(self, s0, count, a_lower, c0):
        return arb(0)

    def excess(self, lo: arb, hi: arb, steps, s_end: arb) -> arb:
        """A ball containing 1/(A s_L) - L for L = L0 + steps, given a ball s_end around s_L.

        From step 3: 1/(A s_L) = Phi(s_L0) + steps + sum_j E(s_j) - beta~ log s_L - sum_k phi~_k s_L^k,
        with Phi(s_L0) in [Phi(hi), Phi(lo)]; all terms are O(L0 + log L), so the distance of the
        orbit from its leading law keeps its absolute accuracy at any depth (e_0 = 0 exactly).
        """
        start = self.value(hi).union(self.value(lo))
        defect = self.defect_sum(hi, steps) if steps else arb(0)
        rest = self.beta * s_end.log() + s_end * st.horner_ball(self.phi, s_end)
        return start + arb(0, defect) - rest - arb(0)  # minus L0 is done by the caller (it knows L0)

    # ---- the jump ------------------------------------------------------------------------
    def jump(self, lo: arb, hi: arb, steps, _raised: bool = False) -> arb:
        """A ball containing s_{L0+steps} for every orbit with s_{L0} in [lo, hi] (steps 1-5)."""
        if steps == 0:
            return arb(lo).union(hi)
        if not lo > 0:
            raise ComputationError("s_L0 is not proved positive")
        # Phi(s) ~ 1/(A s): adding `steps` to it is resolved only with log2(1/s) bits beyond the caller's
        # precision (an orbit started next to the fixed point barely moves); more bits change no inequality
        log2_lo = float((arb(lo.upper()).log() / arb(2).log()).mid())  # a precision choice, not a bound
        extra = min(max(0, int(-log2_lo) - 8), 64 * flint.ctx.prec)
        if extra and not _raised:
            old = flint.ctx.prec
            flint.ctx.prec = old + extra + 32
            try:
                return self.jump(lo, hi, steps, _raised=True)
            finally:
                flint.ctx.prec = old
        defect = self.defect_sum(hi, steps)
        skip = arb(flint.fmpz(int(steps)))
        t_lo = st.lower(self.value(hi) + skip - defect)
        t_hi = st.upper(self.value(lo) + skip + defect)
        s_a = self._bracket(t_hi, below=True)
        s_b = self._bracket(t_lo, below=False)
        if not (s_a > 0 and s_a <= hi):
            raise ComputationError("the inverse of the Fatou coordinate left the orbit's interval")
        # s_L <= s_L0 <= hi holds anyway (step 2: the orbit decreases), so a bracket s_b that rounding put
        # above hi (an orbit that barely moves) is replaced by hi
        return s_a.union(s_b if s_b <= hi else arb(hi))

    def _bracket(self, target: arb, below: bool) -> arb:
        prec = flint.ctx.prec
        s = self._newton(target, prec + 32)
        nudge = arb(2) ** (8 - prec)
        # bounded: at most prec/2 widenings, up to a relative nudge of 1/4 (the coefficients' balls may be
        # wider than the working precision, e.g. when jump() raised it for an orbit next to the fixed point)
        while nudge < arb(2) ** -2:
            cand = arb((s * (1 - nudge if below else 1 + nudge)).mid())
            phi = self.value(cand)
            if (below and phi > target) or (not below and phi < target):
                return cand
            nudge *= 4
        raise ComputationError("could not verify a bracket for the inverse Fatou coordinate")

    def _newton(self, target: arb, prec: int) -> arb:
        old = flint.ctx.prec
        flint.ctx.prec = prec
        try:
            s = arb((self.inv_A / target).mid())
            for _ in range(200):
                step = arb(((self.value(s) - target) / self.derivative(s)).mid())
                s = arb((s - step).mid())
                if step == 0 or abs(step) < s * arb(2) ** (-prec + 4):
                    return s
            raise ComputationError("Newton iteration for the inverse Fatou coordinate did not converge")
        finally:
            flint.ctx.prec = old
