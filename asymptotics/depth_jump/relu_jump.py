"""Certified kernels of one pair at any depth for the bias-free ReLU family (arb balls).

Iterate exactly to a moderate depth L0 (:func:`asymptotics.recursion.kernel_at_depths`,
certified), then jump along the Fatou coordinate (:mod:`asymptotics.depth_jump.relu_fatou`) for
s_L = sqrt(1 - rho^(L)) and s_{L-1}, and along the NTK's linear recursion
(:mod:`asymptotics.depth_jump.ntk_along_orbit`) for D_L = L N_L.  The other quantities follow in
closed form, as in :mod:`asymptotics.recursion` (sigma_b = 0, c = sigma_w^2 K1):

    Sigma^L_xx = c^(L-1) q_x,  Theta^L_xx = L c^(L-1) q_x,  Sigma^L_xy = c^(L-1) sqrt(q_x q_y) (1 - s_L^2),
    Theta^L_xy = L c^(L-1) sqrt(q_x q_y) N_L,  Sigma-dot^L = sigma_w^2 (K1 - 2 gamma asin(s_{L-1}/sqrt 2)).

Every output is an arb ball turned into an :class:`~asymptotics.accuracy.Approx` with its exact
midpoint and radius (no float on the way).
"""
from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache

import mpmath
from flint import arb, fmpq, fmpz

from asymptotics.accuracy import CERTIFIED, Approx
from asymptotics.depth_jump import series_tools as st
from asymptotics.depth_jump.ntk_along_orbit import OrbitNTK
from asymptotics.depth_jump.relu_fatou import AbelCoordinate
from asymptotics.depth_jump.relu_germ import ReluGerm
from asymptotics.relu_family import constants_for
from asymptotics.validation import ComputationError

#: s_L0 is aimed at about this value (s_L ~ 1/(A L)): 1/s0 ~ 150 makes each Fatou order ~2.2 digits
TARGET_S0 = 1 / 150
MAX_L0 = 10**5


def working_precision(digits: int) -> int:
    return int(digits * 3.33) + 40


def terms_for(digits: int) -> int:
    return max(16, (11 * digits) // 20 + 4)


def choose_l0(activation) -> int | None:
    """Depth at which the orbit is close enough to 1 for the jump (None: out of reach, or A = 0)."""
    phi = constants_for(activation)
    a, b = Fraction(phi.a), Fraction(phi.b)
    if a == b:
        return None
    kappa = float((b - a) ** 2 / ((a * a + b * b) / 2)) / math.pi
    A = math.sqrt(2) * kappa / 6
    l0 = int(math.ceil(1 / (A * TARGET_S0) / 100.0)) * 100
    return l0 if l0 <= MAX_L0 else None


@lru_cache(maxsize=16)
def machinery(slopes: tuple, prec: int, terms: int):
    """(germ, Fatou coordinate, NTK solution) for one activation and precision (built once)."""
    from asymptotics.activations import abrelu

    with st.arb_precision(prec):
        germ = ReluGerm(abrelu(*slopes), terms + 10)
        fatou = AbelCoordinate(germ, terms)
        ntk = OrbitNTK(fatou, terms)
    return germ, fatou, ntk


def machinery_for(activation, digits: int):
    phi = constants_for(activation)
    return machinery((Fraction(phi.a), Fraction(phi.b)), working_precision(digits), terms_for(digits))


def jump_layers(network, at_l0, l0: int, targets, digits: int, q_x, q_y, extras=None):
    """{L: LayerValues} for each L in ``targets`` (all > l0) from the certified LayerValues at l0.

    ``extras`` (a dict) receives {L: {"ntk_minus_limit": N_L - 1/4, "orbit_shift": 1/(A s_L) - L}}:
    both keep their absolute accuracy at any depth, unlike N_L itself at the working precision.
    """
    from asymptotics.recursion.network import LayerValues

    phi = constants_for(network.activation)
    a, b = Fraction(phi.a), Fraction(phi.b)
    k1 = (a * a + b * b) / 2
    sw2 = network.weight_variance
    c = sw2 * k1
    out = {}
    prec = working_precision(digits) + _orbit_bits(at_l0.one_minus_rho)
    germ, fatou, ntk = machinery((a, b), prec, terms_for(digits))
    with st.arb_precision(prec):
        delta0 = st.arb_from_approx(at_l0.one_minus_rho)
        d0 = st.arb_from_approx(at_l0.ntk_normalized) * l0
        exact_one = at_l0.one_minus_rho.mid == 0 and at_l0.one_minus_rho.rad == 0
        if not exact_one:
            lo = st.lower(st.lower(delta0).sqrt())
            hi = st.upper(st.upper(delta0).sqrt())
            if not lo > 0:
                raise ComputationError("1 - rho at the jump's start is not proved positive (the pair is at the fixed point "
                                       "within the working precision): iterate, or ask for more digits")
        q_x, q_y = _frac(q_x), _frac(q_y)
        s1 = _q(q_x * q_y).sqrt()
        gamma2 = _q((b - a) ** 2) / arb.pi()  # 2 gamma
        for L in targets:
            if exact_one:  # rho = 1 exactly: delta stays 0, D_l = l, N = 1
                s_L = s_prev = arb(0)
                N, excess = arb(1), None
            else:
                s_L = fatou.jump(lo, hi, L - l0)
                s_prev = fatou.jump(lo, hi, L - 1 - l0)
                g_L = fatou.excess(lo, hi, L - l0, s_L) - _int(l0)
                excess = ntk.jump(lo.union(hi), d0, s_L, hi, L - l0, g_L)  # D_L - L/4
                N = arb(1) / 4 + excess / _int(L)
            delta = s_L * s_L
            scale = _power(c, L - 1)
            a_prev = (s_prev * germ.inv_sqrt2).asin()
            fields = {
                "rho": 1 - delta, "one_minus_rho": delta,
                "sigma_xy": scale * s1 * (1 - delta), "sigma_xx": scale * _q(q_x), "sigma_yy": scale * _q(q_y),
                "sigma_dot": _q(sw2) * (_q(k1) - gamma2 * a_prev),
                "theta_xy": _int(L) * scale * s1 * N, "theta_xx": _int(L) * scale * _q(q_x),
                "theta_yy": _int(L) * scale * _q(q_y),
                "ntk_normalized": N, "one_minus_ntk_normalized": (arb(3) / 4 - excess / _int(L)) if not exact_one else arb(0),
            }
            out[L] = LayerValues(L, **{k: approx_from_arb(v) for k, v in fields.items()})
            if extras is not None and excess is not None:
                extras[L] = {"ntk_minus_limit": approx_from_arb(excess / _int(L)),
                             "orbit_shift": approx_from_arb(g_L)}
    return out


def _orbit_bits(one_minus_rho: Approx) -> int:
    """Extra working bits for an orbit that starts next to the fixed point: Phi(s) ~ 1/(A s) and the NTK's
    functions of s carry up to 1/s^2, so adding L - L0 to them resolves only with 2 log2(1/s) = log2(1/delta)
    more bits (a precision choice; the balls stay rigorous at any precision)."""
    mid = abs(one_minus_rho.mid)
    if mid == 0 or mid > mpmath.mpf(2) ** -32:
        return 0
    return min(int(-mpmath.log(mid, 2)) + 32, 20000)


def approx_from_arb(x) -> Approx:
    """mid and rad of a ball, both exactly (they are dyadic numbers)."""
    if not x.is_finite():
        raise ComputationError("a ball of the jump is not finite")
    return Approx(_mpf_exact(x.mid()), _mpf_exact(x.rad()), CERTIFIED)


def _mpf_exact(x):
    man, exp = x.man_exp()
    man, exp = int(man), int(exp)
    if man == 0:
        return mpmath.mpf(0)
    with mpmath.workprec(max(53, abs(man).bit_length() + 8)):
        value = mpmath.mpf((abs(man), exp))
        return value if man > 0 else -value


def _frac(value) -> Fraction:
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        return Fraction(repr(value))
    if isinstance(value, mpmath.mpf):
        sign, man, exp, _ = value._mpf_
        return (-1) ** sign * Fraction(int(man)) * Fraction(2) ** int(exp)
    return Fraction(str(value).strip())


def _q(value: Fraction) -> arb:
    return arb(fmpq(value.numerator, value.denominator))


def _int(n: int) -> arb:
    return arb(fmpz(int(n)))


def _power(c: Fraction, n: int) -> arb:
    """c^n for an exact rational c > 0 and any integer n >= 0, as a ball (exp(n log c) with guard bits)."""
    if c == 1 or n == 0:
        return arb(1)
    import flint

    old = flint.ctx.prec
    flint.ctx.prec = old + int(n).bit_length() + 16  # n log c loses bits(n) of relative accuracy
    try:
        if n < 4096:
            return _q(c) ** n
        return (_int(n) * _q(c).log()).exp()
    finally:
        flint.ctx.prec = old
