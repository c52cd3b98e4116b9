"""Certified kernels (1 - rho, the variances and the NTK) at any depth for the ReLU family WITH biases in the chaotic phase.

Chaotic phase: chi_1 = c = sigma_w^2 K1 > 1, K1 = (a^2 + b^2)/2, sigma_b^2 > 0 (for ReLU sigma_w > sqrt 2 and
q^l >~ (sigma_w^2/2)^l, seed 001 Fact 10, ../shared/seeds/001_018e0351582ed44f.txt:668; the layer recursion,
seed 001 lines 82-95, is
:func:`asymptotics.recursion.steps._general_layer`).  The variances grow geometrically,

    q_{l+1} = sigma_b^2 + c q_l    (exact: q_l = q* + e c^(l-1), q* = sigma_b^2/(1 - c) < 0, e = q_1 - q* > 0),

so the bias becomes negligible and the correlation map tends to the bias-free germ F(s) = s R(s) of
:mod:`asymptotics.depth_jump.relu_germ` (s = sqrt(1 - rho), independent of sigma_w).  Exactly, with
S_l = sqrt(q_x,l q_y,l) and F(s)^2 = delta - kappa g_half(theta) = (k(1) - k(rho))/K1:

    s_{l+1}^2 = lambda_l F(s_l)^2 + u_l,   lambda_l = c S_l / S_{l+1},
    u_l = sigma_b^2 c (sqrt q_x,l - sqrt q_y,l)^2 / ((S_{l+1} + sigma_b^2 + c S_l) S_{l+1}) >= 0,
    lambda_l + u_l = 1 - sigma_b^2 / S_{l+1}.

The bias pushes rho towards 1 through lambda_l < 1 (s_{l+1} <= F(s_l) when q_x = q_y) and the
unequal variances push it away through u_l.

Method: iterate certified to L0 (:func:`asymptotics.recursion.iterate.iterate_kernel`, arb), then
jump along the bias-free Fatou coordinate Phi_K (:class:`~asymptotics.depth_jump.relu_fatou.AbelCoordinate`,
whose certificate, steps 1-5 of its docstring, is unchanged) with two corrections through its hooks.

Why the ball contains the true s_L (every inequality used), n = l - L0 >= 0
----------------------------------------------------------------------------
1. q_{l+1} = sigma_b^2 + c q_l >= c q_l, so q_l and S_l >= S_L0 c^n grow; S_{l+1} >= sigma_b^2 + c S_l
   (Cauchy-Schwarz: (b + c x)(b + c y) >= (b + c sqrt(xy))^2), hence lambda_l < 1.
2. The denominator of u_l is >= 2 c^2 S_l^2 and (sqrt x - sqrt y)^2 <= |x - y| = |q_x,L0 - q_y,L0| c^n:
   u_l <= U c^(-n), U = sigma_b^2 |q_x,L0 - q_y,L0| / (2 c S_L0^2).
3. 1 - lambda_l = sigma_b^2/S_{l+1} + u_l <= W c^(-n), W = sigma_b^2/(c S_L0) + U (checked < 1/2).
4. Upper bound of 1/s: s_{l+1} >= sqrt(lambda_l) F(s_l) and 1/F(s) = 1/s + psi(s) <= 1/s + A_up on [0, s0]
   (A_up from psi's series and Cauchy tail, as A' in AbelCoordinate.orbit_majorant).  By induction, with
   Pi >= prod lambda_j^(-1/2) (-log(1 - x) <= x/(1 - W) for x <= W: Pi = exp(W c/(2 (1 - W)(c - 1)))):
   1/s_l <= Pi (Y + A_up n), Y = 1/lo(s_L0); so 1/F(s_l) <= alpha + beta n, alpha = Pi (Y + A_up), beta = Pi A_up.
5. Lower bound of 1/s (the orbit majorant): s_{l+1} <= F + u_l/F (s_{l+1}^2 - F^2 <= u_l), so
   1/s_{l+1} >= 1/F - u_l/F^3 >= 1/s_l + A' - U c^(-n) (alpha + beta n)^3.  Summing, for j > L0,
   1/s_j >= 1/s0 + A'(j - L0) - D >= 1/s0 + (A' - D)(j - L0), D = U sum_n c^(-n) (alpha + beta n)^3:
   :meth:`psi_correction` returns D, so the majorant of AbelCoordinate holds with A' - D (and s_j <= s0, which
   the induction of 4-5 needs, follows from it layer by layer).
6. The Abel identity becomes Phi_K(s_L) = Phi_K(s_L0) + (L - L0) + sum_j E(s_j) + sum_j d_j with
   d_j = Phi_K(s_{j+1}) - Phi_K(F(s_j)).  Both points lie in [sqrt(1 - W) F(s_j), s0], where
   |Phi_K'(x)| <= P/x^2, P = 1/A + |beta~| s0 + sum k |phi~_k| s0^(k+1); and |s_{j+1} - F(s_j)| <=
   F (1 - sqrt lambda) + u/F <= c^(-n) (W F + U/F).  So |d_j| <= P c^(-n) (W/F + U/F^3)/(1 - W), and with 4
   sum_j |d_j| <= P/(1 - W) sum_n c^(-n) (W (alpha + beta n) + U (alpha + beta n)^3) (:meth:`extra_defect_sum`;
   the sums sum_n n^k r^n, k <= 3, r = 1/c, in closed form).  The rest is AbelCoordinate's steps 3-5.
Sigma_xx, Sigma_yy, Theta_xx, Theta_yy follow in closed form, Sigma_xy = S_L (1 - s_L^2) and Sigma-dot from
s_{L-1}.

The NTK (:mod:`asymptotics.depth_jump.ntk_along_orbit`, steps 1-4 there, with the extra terms below)
-----------------------------------------------------------------------------------------------------
Theta_xy,l+1 = Sigma-dot_{l+1} Theta_xy,l + Sigma_xy,l+1 (seed 002 Theorem 1, ../shared/seeds/002_49fd9c726352dc08.txt:185) with Sigma-dot_{l+1} = c m(s_l),
m(s) = 1 - kappa asin(s/sqrt 2).  With D_l = Theta_xy,l / (c^(l-1) E), E = sqrt(e_x e_y):

    D_{l+1} = m(s_l) D_l + b(s_l) + f_l,   b(s) = 1 - F(s)^2,
    f_l = (sigma_{l+1} - 1)(1 - s_{l+1}^2) + (F(s_l)^2 - s_{l+1}^2),   sigma_l = S_l / (c^(l-1) E) in [1 - V c^(-n), 1]

(q_x,l+1 / (e_x c^l) = 1 - |q*|/(e_x c^l), V = |q*|/(e_min c^L0)), so |f_l| <= (V + W + U) c^(-n) (steps 2-3).
7. e_j = D_j - Psi(s_j) now obeys e_{j+1} = m_j e_j - E_Psi(s_j) + f_j - (Psi(s_{j+1}) - Psi(F(s_j))), and
   |Psi'(x)| <= Q/x^2 on (0, s0], Q = |u_-1| + sum k |u_k| s0^(k+1) + |c~| (p h_max s0^(p+1) log(1/s0)
   + h'_max s0^(p+2) log(1/s0) + h_max s0^(p+1)) (s^a log(1/s) increases for s < e^(-1/a)): as in 6 the sum of
   the last term is <= Q/(1 - W) (W sum r^n (alpha + beta n) + U sum r^n (alpha + beta n)^3).
8. m_j = [H(s_{j+1})/H(s_j)] exp(-E_H(s_j) - (log H(s_{j+1}) - log H(F(s_j)))) and |(log H)'(x)| <= K_H/x,
   K_H = p + s0 h'_max/h_min, so the extra exponent sums to <= K_H/sqrt(1 - W) (W/(1 - r) + U sum r^n (alpha + beta n)^3)
   (alpha >= 1, so the square is below the cube).
9. N_L = D_L / G, G = sqrt((L + d_x)(L + d_y)), Theta_xx,L = e_x c^(L-1) (L + d_x), d_x = (q_x,1 - T*)/e_x - 1 + T* c^(1-L)/e_x;
   N_L - 1/4 = ((D_L - L/4) - (L (d_x + d_y) + d_x d_y)/(4 (L + G)))/G keeps its absolute accuracy at any depth.
No radius passes through a float (arb rounds outward).
"""
from __future__ import annotations

import math
import time
from fractions import Fraction

from flint import arb

from asymptotics.depth_jump import series_tools as st
from asymptotics.depth_jump.relu_bias_jump import LinearVariances, family_constants
from asymptotics.depth_jump.ntk_along_orbit import OrbitNTK
from asymptotics.depth_jump.relu_fatou import AbelCoordinate
from asymptotics.depth_jump.relu_jump import (_frac, _int, _power, _q, approx_from_arb, choose_l0, machinery_for,
                                              terms_for, working_precision)
from asymptotics.validation import ComputationError

#: beyond this many certified layers before the jump (chi_1 too close to 1) the jump refuses; auto iterates
MAX_CHAOTIC_L0 = 200_000


def chaotic_reason(network) -> str | None:
    """None when the chaotic-phase jump with biases applies to ``network`` (else why not)."""
    _, _, _, gamma2, c = family_constants(network)
    if network.bias_variance == 0:
        return "no biases: the bias-free jump applies"
    if gamma2 == 0:
        return "the activation is linear: no ReLU-family jump"
    if not c > 1:
        return "not in the chaotic phase (chi_1 <= 1)"
    if choose_l0(network.activation) is None:
        return "the activation is (nearly) linear: the orbit reaches the fixed point too slowly for the jump"
    return None


def estimate_l0(network, digits: int, q_x=1, q_y=None) -> int:
    """L0 with s_L0 near the bias-free target (relu_jump.choose_l0) and W c/(c-1) (alpha + ...)^3 far below
    10^-(digits+15) (a generous estimate of steps 3-6; the certificate itself does not depend on it)."""
    _, _, _, _, c = family_constants(network)
    q_x = _frac(q_x)
    q_y = q_x if q_y is None else _frac(q_y)
    cf, sb2 = float(c), float(network.bias_variance)
    e_min = min(float(q_x), float(q_y)) + sb2 / (cf - 1)
    need = ((digits + 15) * math.log(10) + math.log(max(sb2, 1.0)) + math.log(1 + abs(float(q_x - q_y)))
            - math.log(e_min) + 4 * math.log(cf / (cf - 1)) + 3 * math.log(1e4))
    return max(choose_l0(network.activation), int(math.ceil(need / math.log(cf))) + 2)


class ChaoticAbelCoordinate(AbelCoordinate):
    """The bias-free Fatou coordinate with the corrections 5 and 6 of the module docstring (one start ball)."""

    def __init__(self, base: AbelCoordinate, c: Fraction, W: arb, U: arb, Y: arb):
        self.__dict__.update(vars(base))  # share the bias-free coordinate's coefficients and circle bounds
        self.r = 1 / _q(c)
        self.W, self.U, self.Y = W, U, Y
        self.Pi = st.upper((W * _q(c) / (2 * (1 - W) * (_q(c) - 1))).exp())

    def _psi_upper(self, s0):
        """A_up >= psi(s) = 1/F(s) - 1/s on [0, s0] (psi_0 plus the series and Cauchy tails)."""
        tail = st.series_bound_on(self.psi[1:], s0, arb(0), self.radius) * s0
        q = s0 / self.radius
        tail += self.circle_psi * q ** len(self.psi) / (1 - q)
        return st.upper(self.psi[0] + tail)

    def _sums(self, s0):
        """(sum_n r^n (alpha + beta n), sum_n r^n (alpha + beta n)^3) of steps 4-6."""
        a_up = self._psi_upper(s0)
        alpha, beta = self.Pi * (self.Y + a_up), self.Pi * a_up
        r = self.r
        S0, S1 = 1 / (1 - r), r / (1 - r) ** 2
        S2, S3 = r * (1 + r) / (1 - r) ** 3, r * (1 + 4 * r + r * r) / (1 - r) ** 4
        linear = alpha * S0 + beta * S1
        cubic = alpha**3 * S0 + 3 * alpha**2 * beta * S1 + 3 * alpha * beta**2 * S2 + beta**3 * S3
        return st.upper(linear), st.upper(cubic)

    def psi_correction(self, s0):
        return st.upper(self.U * self._sums(s0)[1])  # D of step 5

    def extra_defect_sum(self, s0, count, a_lower, c0):
        linear, cubic = self._sums(s0)
        x = s0
        P = abs(self.inv_A) + abs(self.beta) * x + x * x * st.horner_ball([k * abs(p) for k, p in enumerate(self.phi, 1)], x)
        return st.upper(P / (1 - self.W) * (self.W * linear + self.U * cubic))  # step 6, all n >= 0


class ChaoticOrbitNTK(OrbitNTK):
    """The bias-free NTK solution along the orbit with the extra terms 7-8 and the forcing f_l."""

    def __init__(self, base: OrbitNTK, fatou: ChaoticAbelCoordinate, forcing: arb):
        self.__dict__.update(vars(base))  # share Psi, H and their defect series
        self.fatou, self.forcing = fatou, forcing

    def _bounds(self, s0, count):
        eps_h, eps_psi = super()._bounds(s0, count)
        f, p = self.fatou, self.p
        if not s0 < arb("0.125"):
            raise ComputationError("s_L0 is too far from the fixed point for the NTK bounds")
        linear, cubic = f._sums(s0)
        interval = arb(s0 / 2, s0 / 2)
        h_max = st.abs_upper(self._h(interval))
        h_min = st.lower(self._h(interval))  # > 0: checked by OrbitNTK._bounds
        dh_max = st.abs_upper(st.horner_ball([k * hk for k, hk in enumerate(self.h)][1:], interval))
        log_inv = (1 / s0).log()
        Q = (abs(self.u[-1]) + sum(k * abs(uk) * s0 ** (k + 1) for k, uk in enumerate(self._u_regular))
             + abs(self.c) * (p * h_max * s0 ** (p + 1) * log_inv + dh_max * s0 ** (p + 2) * log_inv + h_max * s0 ** (p + 1)))
        d_psi = Q / (1 - f.W) * (f.W * linear + f.U * cubic)  # 7
        d_log_h = (p + s0 * dh_max / h_min) / (1 - f.W).sqrt() * (f.W / (1 - f.r) + f.U * cubic)  # 8
        return st.upper(eps_h + d_log_h), st.upper(eps_psi + d_psi + self.forcing / (1 - f.r))


class ChaoticJump(LinearVariances):
    """Closed forms of the variances and the perturbed Fatou jump, set up from the certified layer at L0."""

    def __init__(self, network, at_l0, l0: int, digits: int, q_x, q_y):
        _, _, k1, gamma2, c = family_constants(network)
        self.c, self.l0, self.k1, self.gamma2 = c, l0, k1, gamma2
        self.sw2, self.sb2 = network.weight_variance, network.bias_variance
        self.prec = working_precision(digits)
        self.qx1, self.qy1 = _frac(q_x), _frac(q_y)
        self.q_star = self.sb2 / (1 - c)
        self.t_star = self.q_star / (1 - c)
        self.e_x, self.e_y = self.qx1 - self.q_star, self.qy1 - self.q_star
        _, base, base_ntk = machinery_for(network.activation, digits)
        with st.arb_precision(self.prec):
            delta0 = st.arb_from_approx(at_l0.one_minus_rho)
            self.exact_one = self.qx1 == self.qy1 and at_l0.one_minus_rho.mid == 0 and at_l0.one_minus_rho.rad == 0
            if self.exact_one:  # rho = 1 and q_x = q_y: delta stays 0 (u = 0, F(0) = 0)
                return
            self.lo = st.lower(st.lower(delta0).sqrt())
            self.hi = st.upper(st.upper(delta0).sqrt())
            if not self.lo > 0:
                raise ComputationError("1 - rho at the chaotic jump's start is not proved positive; iterate")
            qx0, qy0 = self.q_at(l0)
            S0 = st.lower((qx0 * qy0).sqrt())
            C, SB2 = _q(c), _q(self.sb2)
            U = st.upper(SB2 * abs(_q(self.qx1 - self.qy1)) * _power(c, l0 - 1) / (2 * C * S0 * S0))  # 2
            W = st.upper(SB2 / (C * S0) + U)  # 3
            if not W < arb("0.5"):
                raise ComputationError("the variances at L0 are not yet large against sigma_b^2 (raise L0)")
            self.fatou = ChaoticAbelCoordinate(base, c, W, U, st.upper(1 / self.lo))
            e_min = min(st.lower(_q(self.e_x)), st.lower(_q(self.e_y)))
            V = st.upper(abs(_q(self.q_star)) / (e_min * _power(c, l0)))
            self.ntk = ChaoticOrbitNTK(base_ntk, self.fatou, st.upper(V + W + U))
            self.E = _q(self.e_x * self.e_y).sqrt()
            self.d0 = st.arb_from_approx(at_l0.theta_xy) / (_power(c, l0 - 1) * self.E)

    def s_at(self, l):
        if self.exact_one:
            return arb(0)
        return self.fatou.jump(self.lo, self.hi, l - self.l0)

    def layer(self, L):
        from asymptotics.recursion.network import LayerValues

        s_L, s_prev = self.s_at(L), self.s_at(L - 1)
        delta = s_L * s_L
        qx, qy = self.q_at(L)
        t_xx, t_yy = self.theta_diag(L)
        angle = (s_prev / arb(2).sqrt()).asin()  # asin(sqrt(delta_{L-1}/2))
        fields = {"rho": 1 - delta, "one_minus_rho": delta, "sigma_xy": (qx * qy).sqrt() * (1 - delta),
                  "sigma_xx": qx, "sigma_yy": qy,
                  "sigma_dot": _q(self.sw2) * (_q(self.k1) - _q(self.gamma2) / arb.pi() * angle),
                  "theta_xx": t_xx, "theta_yy": t_yy}
        if self.exact_one:  # rho = 1, q_x = q_y: Theta_xy = Theta_xx, N = 1
            excess = None
            fields.update(theta_xy=t_xx, ntk_normalized=arb(1), one_minus_ntk_normalized=arb(0))
        else:
            steps = L - self.l0
            orbit = self.fatou.excess(self.lo, self.hi, steps, s_L) - _int(self.l0)  # 1/(A s_L) - L
            d_excess = self.ntk.jump(self.lo.union(self.hi), self.d0, s_L, self.hi, steps, orbit)  # D_L - L/4
            Lb, T, inv_pow = _int(L), _q(self.t_star), _power(1 / self.c, L - 1)
            dx = _q((self.qx1 - self.t_star) / self.e_x - 1) + T * inv_pow / _q(self.e_x)
            dy = _q((self.qy1 - self.t_star) / self.e_y - 1) + T * inv_pow / _q(self.e_y)
            G = ((Lb + dx) * (Lb + dy)).sqrt()
            excess = (d_excess - (Lb * (dx + dy) + dx * dy) / (4 * (Lb + G))) / G  # 9: N_L - 1/4
            fields.update(theta_xy=_power(self.c, L - 1) * self.E * (Lb / 4 + d_excess),
                          ntk_normalized=arb(1) / 4 + excess, one_minus_ntk_normalized=arb(3) / 4 - excess)
        self.last_excess = excess
        return LayerValues(L, **{k: approx_from_arb(v) for k, v in fields.items()})


def chaotic_kernel(network, rho, depths, digits=50, q_x=1, q_y=None, l0=None, progress=None):
    """The certified chaotic-phase jump as a :class:`~asymptotics.recursion.network.KernelTrajectory` with
    ``method``, ``depth_methods``, ``method_note`` and ``extras[L]["ntk_minus_limit"]`` (N_L - 1/4) set."""
    from asymptotics.recursion.iterate import iterate_kernel
    from asymptotics.validation import check_correlation, check_depth, check_depths, check_digits, check_positive

    start = time.perf_counter()
    digits = check_digits("digits", digits)
    check_correlation("rho", rho)
    depths = check_depths("depths", depths)
    q_y = q_x if q_y is None else q_y
    check_positive("q_x", q_x)  # before estimate_l0 uses q_x, q_y
    check_positive("q_y", q_y)
    reason = chaotic_reason(network)
    if reason:
        raise ComputationError(f"the chaotic-phase jump with biases does not apply: {reason}")
    l0 = estimate_l0(network, digits, q_x, q_y) if l0 is None else check_depth("l0", l0, minimum=2)
    if l0 > MAX_CHAOTIC_L0:
        raise ComputationError(f"chi_1 = {float(family_constants(network)[4]):.6g} is so close to 1 that the "
                               f"chaotic-phase jump needs L0 = {l0} certified layers (more than {MAX_CHAOTIC_L0})")
    iterated = sorted({d for d in depths if d <= l0} | {l0})
    base = iterate_kernel(network, rho, iterated, backend="arb", digits=digits + 10, q_x=q_x, q_y=q_y,
                          progress=progress)
    jump = ChaoticJump(network, base.at(l0), l0, digits, q_x, q_y)
    layers = {d: base.at(d) for d in depths if d <= l0}
    extras = {}
    with st.arb_precision(jump.prec):
        for L in (d for d in depths if d > l0):
            layers[L] = jump.layer(L)
            if jump.last_excess is not None:
                extras[L] = {"ntk_minus_limit": approx_from_arb(jump.last_excess)}
    base.layers = layers
    base.extras = extras
    base.digits = digits
    base.working_precision_bits = jump.prec
    base.seconds = time.perf_counter() - start
    base.method = "jump"
    base.depth_methods = {d: ("iterate" if d <= l0 else f"chaotic jump(L0={l0}, K={terms_for(digits)})") for d in depths}
    base.method_note = (f"chaotic phase with biases (chi_1 = {float(family_constants(network)[4]):.6g} > 1): iterated "
                        f"to L0 = {l0} (certified), then the bias-free Fatou-coordinate jump with the bias's "
                        "perturbation bounded (the NTK along the same orbit, likewise)")
    return base
