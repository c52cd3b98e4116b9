"""Float64 Gram matrices at any depth in the ordered phase with biases (estimates, vectorised over pairs).

The closed forms of :mod:`asymptotics.depth_jump.relu_bias_jump` (its docstring, steps 6, 7, 10, 11) at
their leading order, elementwise on (m x n) arrays after iterating the float64 Gram to L0
(:func:`asymptotics.recursion.iterate.iterate_gram`):

    1 - rho_L = (1 - rho_L0) c^n s_L0 / s_L,      n = L - L0, s_l = sqrt(q_x,l q_y,l), q_l = q* + (q_1 - q*) c^(l-1)
    gbar_L    = c^n gbar_L0 + M (r^n - c^n)/(r - c),  M = sigma_w^2 gamma sqrt(2 (1 - rho_L0) s_L0 / q*) Theta*,  r = sqrt c
    Theta_xx,L = Theta* + c^(L-1) (q_x,1 - Theta* + (L - 1)(q_x,1 - q*)),  Theta* = q*/(1 - c)
    1 - N_L = (gbar_L - (Theta_xx - Theta_yy)^2 / (2 (sqrt Theta_xx + sqrt Theta_yy)^2)) / sqrt(Theta_xx Theta_yy)

L0 is the certified jump's choice for 16 digits, where the neglected factors are below 1e-19 relative.
These are float64 estimates, not bounds (like every float64 figure).  1 - rho ~ c^L and 1 - N ~ c^(L/2)
underflow to 0 beyond float64's range, as they do in the iteration (the certified jump has them).
"""
from __future__ import annotations

import math

import mpmath

from asymptotics.depth_jump.relu_bias_jump import estimate_l0, family_constants

def float64_l0(network) -> int:
    return estimate_l0(network, 16)


def ordered_gram(network, X, depths, Y=None, xp=None, progress=None):
    """({depth: fields}, l0) like :func:`asymptotics.recursion.gram_at_depths`, jumped beyond l0."""
    from asymptotics.recursion.iterate import iterate_gram, one_minus_rho_from_inputs

    if xp is None:
        import numpy as xp
    l0 = float64_l0(network)
    iterated = sorted({d for d in depths if d <= l0} | {l0})
    base = iterate_gram(network, X, iterated, Y=Y, xp=xp, progress=progress)
    _, q_x, q_y = one_minus_rho_from_inputs(network, X, Y, xp)
    _, _, _, gamma2, c = family_constants(network)
    cf, sw2 = float(c), float(network.weight_variance)
    q_star = float(network.bias_variance / (1 - c))
    t_star = float(network.bias_variance / (1 - c) ** 2)
    qx1, qy1 = q_x[:, None], q_y[None, :]
    gamma = float(gamma2) / (2 * math.pi)

    def c_pow(k, times=1, half=False):  # times * c^k (c^(k/2) if half) from the exact c: scalars, so mpmath
        # (a float c^n would carry n times c's rounding); 0 where it underflows float64
        with mpmath.workdps(30):
            c_exact = mpmath.mpf(c.numerator) / c.denominator
            value = times * mpmath.exp(k * mpmath.log(c_exact) / (2 if half else 1))
            return float(value) if value > mpmath.mpf("2.3e-308") else 0.0

    def q_at(l):
        p = c_pow(l - 1)
        return q_star + (qx1 - q_star) * p, q_star + (qy1 - q_star) * p

    def theta_at(l):
        p, lp = c_pow(l - 1), c_pow(l - 1, times=l - 1)
        return (t_star + p * (qx1 - t_star) + lp * (qx1 - q_star),
                t_star + p * (qy1 - t_star) + lp * (qy1 - q_star))

    at0 = base[l0]
    delta0 = at0["one_minus_rho"]
    qx0, qy0 = q_at(l0)
    s0 = xp.sqrt(qx0 * qy0)
    txx0, tyy0 = theta_at(l0)
    gbar0 = at0["one_minus_ntk_normalized"] * xp.sqrt(txx0 * tyy0) + (txx0 - tyy0) ** 2 / (
        2 * (xp.sqrt(txx0) + xp.sqrt(tyy0)) ** 2)
    M = sw2 * gamma * xp.sqrt(2 * delta0 * s0 / q_star) * t_star
    out = {d: base[d] for d in depths if d <= l0}
    r = math.sqrt(cf)
    for L in (d for d in depths if d > l0):
        n = L - l0
        cn, rn = c_pow(n), c_pow(n, half=True)
        qx, qy = q_at(L)
        s = xp.sqrt(qx * qy)
        delta = delta0 * cn * s0 / s
        txx, tyy = theta_at(L)
        gbar = cn * gbar0 + M * (rn * (1 - rn) / (r - cf))
        lc = c_pow(L - 1, times=L)  # L c^(L-1)
        diff = lc * (qx1 - qy1)
        one_minus_n = (gbar - diff * diff / (2 * (xp.sqrt(txx) + xp.sqrt(tyy)) ** 2)) / xp.sqrt(txx * tyy)
        fields = {"rho": 1.0 - delta, "sigma": s * (1.0 - delta), "theta": (txx + tyy) / 2 - gbar,
                  "ntk_normalized": 1.0 - one_minus_n}
        fields["one_minus_rho"], fields["one_minus_ntk_normalized"] = delta, one_minus_n
        out[L] = fields
    return out, l0
