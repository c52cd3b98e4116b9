"""The depth jump in float64 arrays (numpy or cupy), vectorised over pairs: Gram matrices at any depth.

Same construction as the certified jump (:mod:`asymptotics.depth_jump.relu_fatou`,
:mod:`asymptotics.depth_jump.ntk_along_orbit`) with the coefficients rounded to float64 once:
iterate the existing float64 recursion (:func:`asymptotics.recursion.pair_arrays_at_depths`) to
L0, then for every pair

    T = Phi_K(s_L0) + L - L0,        s_L = Phi_K^{-1}(T)  (vectorised Newton, from s = 1/(A T)),
    g_L = Phi_K(s_L0) - L0 - beta log s_L - sum_k phi_k s_L^k       (= 1/(A s_L) - L),
    D_L - L/4 = g_L/4 + V(s_L) + (D_L0 - Psi(s_L0)) H(s_L)/H(s_L0),   N_L = 1/4 + (D_L - L/4)/L.

The truncation error of K = 16 orders at s_L0 ~ 1/150 is far below float64 rounding (the certified
bounds of the arb version quantify it), so the cost is O(n^2 (L0 + K)) whatever L, and the result
is an estimate like every float64 figure of the package (no bound is claimed).  Rounding: Phi_K(s_L0)
and T carry relative errors ~1e-16, so s_L does too; an error e in s_L0 shrinks to e L0/L.
"""
from __future__ import annotations

from functools import lru_cache

FLOAT_TERMS = 16
FLOAT_DIGITS = 24


@lru_cache(maxsize=8)
def float_coefficients(slopes: tuple):
    """Float64 coefficients (inv_A, beta, phi, u, c, h) from the arb machinery at 24 digits."""
    from asymptotics.depth_jump.relu_jump import machinery, working_precision

    _, fatou, ntk = machinery(slopes, working_precision(FLOAT_DIGITS), FLOAT_TERMS)
    f = lambda x: float(x.mid())  # noqa: E731
    return {
        "inv_A": f(fatou.inv_A), "beta": f(fatou.beta), "phi": [f(p) for p in fatou.phi],
        "u_inv": f(ntk.u[-1]), "u": {k: f(v) for k, v in ntk.u.items() if k >= 0}, "c": f(ntk.c),
        "h": [f(x) for x in ntk.h],
    }


def _poly(xp, coeffs, s):
    total = xp.zeros_like(s)
    for c in reversed(coeffs):
        total = total * s + c
    return total


def _phi(xp, C, s):
    return C["inv_A"] / s + C["beta"] * xp.log(s) + s * _poly(xp, C["phi"], s)


def _phi_prime(xp, C, s):
    deriv = [k * p for k, p in enumerate(C["phi"], 1)]
    return -C["inv_A"] / (s * s) + C["beta"] / s + _poly(xp, deriv, s)


def _regular(xp, C, s):
    total = xp.zeros_like(s)
    for k, uk in C["u"].items():
        total = total + uk * s**k
    return total + C["c"] * s**3 * _poly(xp, C["h"], s) * xp.log(s)


def jump_pairs(xp, slopes, delta0, ntk0, l0: int, depth: int):
    """(1 - rho^(L), 1 - N_L) arrays at ``depth`` > l0 from (1 - rho, N) arrays at ``l0``.

    Pairs with 1 - rho = 0 stay there (N stays 1: D_l = l exactly on the fixed point).
    """
    C = float_coefficients(slopes)
    at_one = delta0 <= 0
    s0 = xp.sqrt(xp.where(at_one, 1.0, delta0))
    phi0 = _phi(xp, C, s0)
    target = phi0 + float(depth - l0)
    s = C["inv_A"] / target
    for _ in range(6):  # Newton converges quadratically from 1/(A T) (relative error ~ log(T)/T)
        s = s - (_phi(xp, C, s) - target) / _phi_prime(xp, C, s)
    g = (phi0 - l0) - C["beta"] * xp.log(s) - s * _poly(xp, C["phi"], s)
    d0 = l0 * ntk0
    e0 = d0 - (C["u_inv"] / s0 + _regular(xp, C, s0))
    ratio = (s / s0) ** 3 * _poly(xp, C["h"], s) / _poly(xp, C["h"], s0)
    excess = g / 4 + _regular(xp, C, s) + e0 * ratio
    one_minus_rho = xp.where(at_one, 0.0, s * s)
    one_minus_ntk = xp.where(at_one, 0.0, 0.75 - excess / depth)
    return one_minus_rho, one_minus_ntk
