"""Certified kernels at any depth for the ReLU family WITH biases in the ordered phase (arb balls).

Ordered phase: chi_1 = c = sigma_w^2 K1 < 1, K1 = (a^2 + b^2)/2, sigma_b^2 > 0 (for ReLU sigma_w < sqrt 2 and
q* = sigma_b^2/(1 - sigma_w^2/2), seed 001 Fact 8, ../shared/seeds/001_018e0351582ed44f.txt:660; c^l -> 1
exponentially, Fact 9, :664; the map's derivative has the (1 - x)^(1/2) term, :724).  The fixed point
rho = 1 is attracting with multiplier c, not parabolic.  The layer recursion (seed 001 lines 82-95) is
:func:`asymptotics.recursion.steps._general_layer`:

    q_{l+1} = sigma_b^2 + c q_l             (exact: q_l = q* + e c^(l-1), q* = sigma_b^2/(1-c), e = q_1 - q*)
    delta_{l+1} = lambda_l delta_l (1 - h(delta_l)) + u_l,     lambda_l = c s_l / s_{l+1},  s_l = sqrt(q_x,l q_y,l)
    h(delta) = gamma (sin t - t cos t) / (K1 delta),  t = 2 asin(sqrt(delta/2)),  gamma = (b - a)^2/(2 pi)
    u_l = sigma_b^2 c (sqrt q_x,l - sqrt q_y,l)^2 / ((s_{l+1} + sigma_b^2 + c s_l) s_{l+1})  >= 0
    gbar_{l+1} = c gbar_l + w_l,  gbar = (Theta_xx + Theta_yy)/2 - Theta_xy  (the NTK's mean gap),
    w_l = sigma_w^2 gamma t_l Theta_xy,l + c (sqrt q_x,l - sqrt q_y,l)^2 / 2 + sigma_w^2 s_l dk_l,
    dk = K1 delta (1 - h)                   (Theta^{l+1} = Sigmadot^{l+1} Theta^l + Sigma^{l+1}, seed 002 Theorem 1)

(gbar's recursion: subtract Theta_xy's from the mean of Theta_xx's and Theta_yy's; Sigmadot = c - sigma_w^2 gamma t.)

Method: iterate certified to L0 (:func:`asymptotics.recursion.iterate.iterate_kernel`, arb), then
write delta_L as the exactly telescoping product of the linear factors times prod (1 - h_j + v_j),
v_j = u_j/(lambda_j delta_j), and gbar_L as the exact geometric sum of its leading term times a
factor in a certified interval (a Koenigs-type linearisation with a certified remainder).  L0 is
chosen so that the remainder is below 10^-(digits+3) relative.

Why the balls contain the true values (every inequality used), for l >= L0
---------------------------------------------------------------------------
1. q_x,l, q_y,l are monotone in l towards q*: q_min <= q_x,l, q_y,l, s_l, q* <= q_max with q_min, q_max
   the min and max of q_x,L0, q_y,L0, q*.  Hence lambda_l <= lam := c q_max/q_min (checked < sqrt c < 1).
2. 0 <= sin t - t cos t <= t^3/3 (its derivative t sin t lies in [0, t^2]) and t <= sqrt(2 delta)/sqrt(1 - delta/2)
   (asin x <= x/sqrt(1 - x^2)): 0 <= h(delta) <= H sqrt(delta), H = 2 sqrt2 gamma / (3 K1 (1 - B/2)^(3/2)) for delta <= B.
3. (sqrt q_x - sqrt q_y)^2 = (q_x - q_y)^2/(sqrt q_x + sqrt q_y)^2 <= (e_x - e_y)^2 c^(2(l-1)) / (4 q_min) =: Q_l,
   and the denominator of u_l is >= (q_min (1 + c) + sigma_b^2) q_min: u_l <= U c^(2(l-1)).
4. A priori: delta_{l+1} <= lam delta_l + U c^(2(l-1)) (1 - h <= 1), so by induction and the geometric sum
   delta_l <= B lam^(l-L0), B = hi(delta_L0) + U c^(2 L0 - 2)/(lam - c^2)  (checked B < 1).
4'. S_h := sum_{l >= L0} h(delta_l) <= H sqrt(B) / (1 - sqrt lam)  (checked < 1).
5. Lower: u >= 0 and prod (1 - h_j) >= 1 - sum h_j (h_j in [0, 1]) give delta_l >= lo(delta_L0) Lambda_l (1 - S_h),
   Lambda_l = prod_{j<l} lambda_j = c^(l-L0) s_L0 / s_l >= c^(l-L0) q_min/q_max (telescoping, exact).
   So v_j <= U q_max c^(j + L0 - 3) / (q_min lo(delta_L0) (1 - S_h)) and V := sum v_j <= that at j = L0 / (1 - c).
6. delta_L = delta_L0 Lambda_L prod_{j=L0}^{L-1} (1 - h_j + v_j), each factor in [1 - h_j, 1 + v_j]: the product is in
   [1 - S_h, exp V] (prod (1 + v_j) <= exp sum v_j).  This is the ball of 1 - rho_L (and of delta_{L-1} for Sigma-dot).
7. Theta_xx,l = T* + c^(l-1) (q_x,1 - T* + (l - 1) e_x) exactly, T* = q*/(1 - c); for l >= L0 >= 1 + 1/(1 - c)
   (x c^x decreases for x >= 1/log(1/c), and 1/log(1/c) <= 1/(1 - c)) |Theta_xx,l - T*| <= D, D its bound at L0.
   gbar_l >= sqrt(Theta_xx Theta_yy) - Theta_xy >= 0 (AM-GM, Cauchy-Schwarz), so T* - D - gbar_l <= Theta_xy,l <= T* + D.
8. A priori: w_l <= W0 lam^((l-L0)/2) (from 2-4, c^4 <= lam), so gbar_l <= G := hi(gbar_L0) + W0/(sqrt lam - c)
   (the sum of c^(l-1-i) lam^((i-L0)/2) is <= lam^((l-L0)/2)/(sqrt lam - c)); checked T* - D - G > 0.
9. With t_l = sqrt(2 delta_l) tau_l, tau_l in [1, (1 - B/2)^(-1/2)], and 6: the leading part of w_l is
   sigma_w^2 gamma t_l Theta_xy,l = M c^((l-L0)/2) rho_l, M = sigma_w^2 gamma sqrt(2 delta_L0 s_L0/q*) T*,
   rho_l = sqrt(q*/s_l) sqrt(P_l) tau_l Theta_xy,l/T* in [rho_lo, rho_hi] (bounds from 1, 6, 7, 8).  The rest of
   w_l is in [0, (c Q_L0/2 + sigma_w^2 q_max K1 B) lam^(l-L0)] (c^2 <= lam), <= X M c^((l-L0)/2) when lam <= sqrt c,
   X = (c Q_L0/2 + sigma_w^2 q_max K1 B)/lo(M).  So w_l = M c^((l-L0)/2) omega_l, omega_l in [rho_lo, rho_hi + X].
10. gbar_L = c^n gbar_L0 + M sum_{l=L0}^{L-1} c^(L-1-l) c^((l-L0)/2) omega_l, n = L - L0; the terms are >= 0, so the
   sum lies in Sigma_n [omega_lo, omega_hi], Sigma_n = (r^n - c^n)/(r - c), r = sqrt c (exact geometric sum).
11. 1 - N_L = (gbar_L - (Theta_xx - Theta_yy)^2 / (2 (sqrt Theta_xx + sqrt Theta_yy)^2)) / sqrt(Theta_xx Theta_yy) with
   Theta_xx - Theta_yy = L c^(L-1) (q_x,1 - q_y,1) exactly; Theta_xy = (Theta_xx + Theta_yy)/2 - gbar_L;
   Sigma_xy = s_L (1 - delta_L); Sigma-dot_L = sigma_w^2 (K1 - gamma t_{L-1}).
The true delta_L0 and gbar_L0 lie in the iteration's balls, and every bound above holds for every point of
them, so the ball expressions contain the truth.  No radius passes through a float (arb rounds outward).
"""
from __future__ import annotations

import math
from fractions import Fraction

from flint import arb, fmpz

from asymptotics.depth_jump import series_tools as st
from asymptotics.depth_jump.relu_jump import _frac, _int, _power, _q, approx_from_arb, working_precision
from asymptotics.relu_family import constants_for
from asymptotics.validation import ComputationError

#: beyond this many certified layers before the jump (chi_1 too close to 1) the jump refuses; auto iterates
MAX_ORDERED_L0 = 200_000


def family_constants(network):
    """(a, b, K1, gamma2 = 2 pi gamma = (b - a)^2, c = chi_1) as exact Fractions."""
    phi = constants_for(network.activation)
    a, b = Fraction(phi.a), Fraction(phi.b)
    k1 = (a * a + b * b) / 2
    return a, b, k1, (b - a) ** 2, network.weight_variance * k1


def phase_reason(network) -> str | None:
    """None when the ordered-phase jump with biases applies; else why not (sigma_b > 0 assumed)."""
    _, _, _, gamma2, c = family_constants(network)
    if gamma2 == 0:
        return "the activation is linear: no ReLU-family jump"
    if c == 1:
        return ("chi_1 = 1 with biases: the bias perturbation of the parabolic map decays like 1/l only, "
                "no certified jump; iterated")
    if c > 1:
        return "chaotic phase (chi_1 > 1) with biases: not the ordered-phase jump (relu_chaotic_jump covers it)"
    return None


def estimate_l0(network, digits: int) -> int:
    """A first L0: sqrt(delta_L0) ~ sqrt(2) c^(L0/2) below 10^-(digits+3) / F, F the constants of 4' and 8."""
    _, _, k1, gamma2, c = family_constants(network)
    cf, gamma = float(c), float(gamma2) / (2 * math.pi)
    r = math.sqrt(cf)
    F = 4 * max(2 * math.sqrt(2) * gamma / (3 * float(k1)) / (1 - r), 2 * float(network.weight_variance) * gamma
                / (r - cf), 1.0)
    need = 2 * ((digits + 3) * math.log(10) + math.log(F)) + math.log(2)
    return max(int(math.ceil(need / -math.log(cf))) + 10, int(math.ceil(1 / (1 - cf))) + 2, 4)


def ordered_kernel(network, rho, depths, digits=50, q_x=1, q_y=None, l0=None, progress=None):
    """The certified ordered-phase jump as a :class:`~asymptotics.recursion.network.KernelTrajectory`
    with ``method``, ``depth_methods`` and ``method_note`` set (what :mod:`asymptotics.depth_jump` reports)."""
    import time

    from asymptotics.validation import check_depth, check_depths, check_digits

    start = time.perf_counter()
    digits = check_digits("digits", digits)
    depths = check_depths("depths", depths)
    if l0 is not None:
        l0 = check_depth("l0", l0, minimum=2)
    traj, l0 = ordered_jump_kernel(network, rho, depths, digits, q_x, q_y, l0=l0, progress=progress)
    traj.digits = digits
    traj.seconds = time.perf_counter() - start
    traj.method = "jump"
    traj.depth_methods = {d: ("iterate" if d <= l0 else f"ordered jump(L0={l0})") for d in depths}
    traj.method_note = (f"ordered phase with biases (chi_1 = {float(family_constants(network)[4]):.6g} < 1): iterated "
                        f"to L0 = {l0} (certified), then the linearised closed form with its certified remainder")
    return traj


def ordered_jump_kernel(network, rho, depths, digits, q_x, q_y, l0=None, progress=None):
    """(trajectory, l0): iterate certified to L0, then the closed-form bounds above for depths > L0."""
    from asymptotics.recursion.iterate import iterate_kernel

    q_y = q_x if q_y is None else q_y
    target = arb(10) ** (-(digits + 3))
    l0 = estimate_l0(network, digits) if l0 is None else l0
    for _attempt in range(6):
        if l0 > MAX_ORDERED_L0:
            raise ComputationError(f"chi_1 = {float(family_constants(network)[4]):.6g} is so close to 1 that the "
                                   f"ordered-phase jump needs L0 = {l0} certified layers (more than {MAX_ORDERED_L0})")
        iterated = sorted({d for d in depths if d <= l0} | {l0})
        # q_x != q_y: the engine carries Theta_xy absolutely, and gbar_L0 ~ sqrt(delta_L0) ~ 10^-(digits+3) is
        # its difference from (Theta_xx + Theta_yy)/2, so twice the digits keep gbar_L0 relative
        extra = 10 if _frac(q_x) == _frac(q_y) else digits + 15
        base = iterate_kernel(network, rho, iterated, backend="arb", digits=digits + extra, q_x=q_x, q_y=q_y,
                              progress=progress)
        try:
            jump = OrderedJump(network, base.at(l0), l0, digits, q_x, q_y)
        except NeedMoreLayers:  # an a-priori condition of 1-8 fails this close to L0: start later
            l0 = l0 * 3 // 2 + 10
            continue
        if jump.exact_fixed_point or jump.relative_error <= target:
            break
        # the remainder shrinks like c^(L0/2): add the missing layers (a few more for safety)
        ratio = float((jump.relative_error / target).log()) if jump.relative_error.is_finite() else 200.0
        l0 = l0 + int(math.ceil(2 * ratio / -math.log(float(jump.c)))) + 10
    else:
        raise ComputationError(f"the ordered-phase jump's remainder did not fall below 1e-{digits + 3} by L0 = {l0}")
    layers = {d: base.at(d) for d in depths if d <= l0}
    with st.arb_precision(jump.prec):
        for L in (d for d in depths if d > l0):
            layers[L] = jump.layer(L)
    base.layers = layers
    base.working_precision_bits = jump.prec
    return base, l0


class NeedMoreLayers(ComputationError):
    """An a-priori condition of the bounds fails at this L0 (more iterated layers make it hold)."""


class LinearVariances:
    """The closed forms both biased jumps share (exact rationals and powers of c = sigma_w^2 K1, as balls):
    q_l = q* + e c^(l-1) (q' = c q + sigma_b^2, e = q_1 - q*) and Theta_ll = T* + c^(l-1) (q_1 - T* + (l - 1) e),
    T* = q*/(1 - c) (from Theta' = c Theta + q').  Needs c, q_star, t_star, e_x, e_y, qx1, qy1."""

    def q_at(self, l):
        p = _power(self.c, l - 1)
        return _q(self.q_star) + _q(self.e_x) * p, _q(self.q_star) + _q(self.e_y) * p

    def theta_diag(self, l):
        p = _power(self.c, l - 1)
        T = _q(self.t_star)
        return (T + p * (_q(self.qx1 - self.t_star) + _int(l - 1) * _q(self.e_x)),
                T + p * (_q(self.qy1 - self.t_star) + _int(l - 1) * _q(self.e_y)))


class OrderedJump(LinearVariances):
    """The bounds 1-11 of the module docstring, set up once from the certified LayerValues at L0."""

    def __init__(self, network, at_l0, l0: int, digits: int, q_x, q_y):
        _, _, k1, gamma2, c = family_constants(network)
        self.prec = working_precision(digits)
        self.c, self.l0 = c, l0
        sw2, sb2 = network.weight_variance, network.bias_variance
        self.sw2, self.k1 = sw2, k1
        self.qx1, self.qy1 = _frac(q_x), _frac(q_y)
        q_star = sb2 / (1 - c)
        self.q_star, self.t_star = q_star, q_star / (1 - c)
        self.e_x, self.e_y = self.qx1 - q_star, self.qy1 - q_star
        with st.arb_precision(self.prec):
            self._setup(at_l0, sw2, sb2, k1, gamma2, c)

    def _setup(self, at_l0, sw2, sb2, k1, gamma2, c):
        l0 = self.l0
        C, K1, SW2, SB2 = _q(c), _q(k1), _q(sw2), _q(sb2)
        self.gamma = _q(gamma2) / (2 * arb.pi())
        self.delta0 = st.arb_from_approx(at_l0.one_minus_rho)
        qx0, qy0 = self.q_at(l0)
        self.s0 = (qx0 * qy0).sqrt()
        q_star = _q(self.q_star)
        q_min = st.lower(min(st.lower(qx0), st.lower(qy0), st.lower(q_star)))
        q_max = st.upper(max(st.upper(qx0), st.upper(qy0), st.upper(q_star)))
        equal = self.qx1 == self.qy1
        t_xx0, t_yy0 = self.theta_diag(l0)
        if equal:  # gbar = Theta_xx (1 - N), relative (the engine carries the gap itself)
            gbar0 = st.arb_from_approx(at_l0.one_minus_ntk_normalized) * t_xx0
        else:  # a difference of numbers ~ Theta*: twice the bits keep it relative (see ordered_jump_kernel)
            with st.arb_precision(2 * self.prec + 64):
                t_xx0, t_yy0 = self.theta_diag(l0)
                gbar0 = (t_xx0 + t_yy0) / 2 - st.arb_from_approx(at_l0.theta_xy)
        gbar0 = _nonnegative(gbar0)  # 7: gbar >= 0
        self.gbar0 = gbar0
        self.exact_fixed_point = equal and at_l0.one_minus_rho.mid == 0 and at_l0.one_minus_rho.rad == 0
        if self.exact_fixed_point:  # rho = 1 and q_x = q_y: delta and gbar stay 0 exactly
            self.relative_error = arb(0)
            return
        d_lo = st.lower(self.delta0)
        if not d_lo > 0:
            raise ComputationError("1 - rho at the ordered jump's start is not proved positive; iterate")
        if not l0 - 1 >= 1 / (1 - c):
            raise NeedMoreLayers("L0 is too small for the Theta bound (7)")
        # 1-3
        lam = st.upper(C * q_max / q_min)
        r = C.sqrt()
        if not (lam < r and r * r > 0):
            raise NeedMoreLayers("q_L0 is not yet close enough to q* (lambda bound >= sqrt c)")
        ex_ey2 = _q((self.e_x - self.e_y) ** 2)
        U = st.upper(SB2 * C * ex_ey2 / (4 * q_min * q_min * (q_min * (1 + C) + SB2)))
        c_pow = _power(c, 2 * l0 - 2)
        B = st.upper(st.upper(self.delta0) + U * c_pow / (lam - C * C))
        if not B < 1:
            raise NeedMoreLayers("the a-priori bound of 1 - rho after L0 is not below 1")
        H = st.upper(2 * arb(2).sqrt() * self.gamma / (3 * K1 * (1 - B / 2).sqrt() ** 3))
        S_h = st.upper(H * B.sqrt() / (1 - lam.sqrt()))
        if not S_h < 1:
            raise NeedMoreLayers("the non-linear remainder of the ordered jump is not below 1 (raise L0)")
        V = st.upper(U * q_max * _power(c, 2 * l0 - 3 if l0 >= 2 else 0) / (q_min * d_lo * (1 - S_h) * (1 - C)))
        self.P = st.lower(1 - S_h).union(st.upper(V.exp()))  # 6
        # 7-8
        dx = abs(_q(self.qx1 - self.t_star)) + (l0 - 1) * abs(_q(self.e_x))
        dy = abs(_q(self.qy1 - self.t_star)) + (l0 - 1) * abs(_q(self.e_y))
        D = st.upper(_power(c, l0 - 1) * max(st.upper(dx), st.upper(dy)))
        T = _q(self.t_star)
        t_max = st.upper(T + D)
        Q0 = st.upper(ex_ey2 * c_pow / (4 * q_min))
        extra0 = st.upper(C * Q0 / 2 + SW2 * q_max * K1 * B)
        tau_hi = st.upper(1 / (1 - B / 2).sqrt())
        W0 = st.upper(SW2 * self.gamma * (2 * B).sqrt() * t_max * tau_hi + extra0)
        G = st.upper(st.upper(gbar0) + W0 / (lam.sqrt() - C))
        t_lo = T - D - G
        if not t_lo > 0:
            raise NeedMoreLayers("the a-priori bound of the NTK gap is not below Theta* (raise L0)")
        # 9
        self.M = SW2 * self.gamma * (2 * self.delta0 * self.s0 / q_star).sqrt() * T
        if not lam <= r:
            raise NeedMoreLayers("lambda bound above sqrt c")
        ratio = (q_min / q_max).sqrt()
        rho_lo = st.lower(ratio * (1 - S_h).sqrt() * t_lo / T)
        rho_hi = st.upper(tau_hi / ratio * (V / 2).exp() * t_max / T)
        X = st.upper(extra0 / st.lower(self.M))
        self.omega = rho_lo.union(st.upper(rho_hi + X))
        # the relative accuracy this L0 gives (the widest factor interval, and the L0 ball's spread)
        self.relative_error = st.upper(max(st.upper(self.P.rad() / self.P.mid()),
                                           st.upper(self.omega.rad() / self.omega.mid())))


    def delta_at(self, l):
        """6: the ball of delta_l for l >= L0."""
        if l == self.l0 or self.exact_fixed_point:
            return self.delta0
        qx, qy = self.q_at(l)
        return self.delta0 * _power(self.c, l - self.l0) * self.s0 / (qx * qy).sqrt() * self.P

    def gbar_at(self, l):
        """10: the ball of the NTK's mean gap gbar_l for l >= L0."""
        n = l - self.l0
        decay = _power(self.c, n) * self.gbar0
        if self.exact_fixed_point or n == 0:
            return decay
        r_n = _half_power(self.c, n)  # r^n, r = sqrt c
        C = _q(self.c)
        sigma = r_n * (1 - r_n) / (C.sqrt() - C)  # (r^n - c^n)/(r - c), c^n = r^n r^n
        return decay + self.M * sigma * self.omega

    def layer(self, L):
        from asymptotics.recursion.network import LayerValues

        delta = self.delta_at(L)
        delta_prev = self.delta_at(L - 1)
        qx, qy = self.q_at(L)
        s = (qx * qy).sqrt()
        t_xx, t_yy = self.theta_diag(L)
        gbar = self.gbar_at(L)
        diff = _int(L) * _power(self.c, L - 1) * _q(self.qx1 - self.qy1)  # Theta_xx - Theta_yy, exactly
        one_minus_n = (gbar - diff * diff / (2 * (t_xx.sqrt() + t_yy.sqrt()) ** 2)) / (t_xx * t_yy).sqrt()
        if self.exact_fixed_point:
            one_minus_n = arb(0)
        angle = 2 * (delta_prev / 2).sqrt().asin()
        fields = {
            "rho": 1 - delta, "one_minus_rho": delta,
            "sigma_xy": s * (1 - delta), "sigma_xx": qx, "sigma_yy": qy,
            "sigma_dot": _q(self.sw2) * (_q(self.k1) - self.gamma * angle),
            "theta_xy": (t_xx + t_yy) / 2 - gbar, "theta_xx": t_xx, "theta_yy": t_yy,
            "ntk_normalized": 1 - one_minus_n, "one_minus_ntk_normalized": one_minus_n,
        }
        return LayerValues(L, **{k: approx_from_arb(v) for k, v in fields.items()})


def _half_power(c: Fraction, n: int) -> arb:
    """c^(n/2) for exact rational 0 < c < 1 and any integer n >= 0 (exp(n log(c)/2), guard bits for n)."""
    import flint

    old = flint.ctx.prec
    flint.ctx.prec = old + int(n).bit_length() + 16
    try:
        return (arb(fmpz(int(n))) * _q(c).log() / 2).exp()
    finally:
        flint.ctx.prec = old


def _nonnegative(x: arb) -> arb:
    """x intersected with [0, oo) (the true value is >= 0; rounding may straddle 0)."""
    if x.lower() >= 0:
        return x
    if x.upper() < 0:
        raise ComputationError("the NTK gap's enclosure is negative")
    return arb(0).union(st.upper(x))
