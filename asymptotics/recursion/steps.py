"""One layer of the depth recursion, written once for every number system (float64, mpmath, arb).

Bias-free ReLU family (two numbers per pair, delta = 1 - rho and W = L (1 - normalised NTK)):

    delta' = delta - kappa g(theta)/2,   W' = W + kappa a (l - W) + delta',   a = theta/2 = asin(sqrt(delta/2))

with kappa = 2 gamma / K1, K1 = (a^2 + b^2)/2, gamma = (b - a)^2 / (2 pi); with biases the general
layer carries the variances (seed 002 Theorem 1; seed 000 lines 142-171 and Proposition 4,
lines 273-275, for the complement).  See :mod:`asymptotics.recursion` for the derivation and
:mod:`asymptotics.relu_family` for the dual maps.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import mpmath

from asymptotics.accuracy import Approx
from asymptotics.recursion.network import _exact, LayerValues, Network
from asymptotics.relu_family import constants_for
from asymptotics.validation import ComputationError


def _nobias_step(ops, delta, W, layer, kappa, half):
    """One layer of the bias-free ReLU-family recursion at a point (no radius handling).

    Returns (delta', W', a) with a = theta/2 for the *input* delta.
    delta' = delta - kappa g(theta)/2 ;  W' = W + kappa a (layer - W) + delta'.
    """
    u = ops.sqrt(delta * half)
    a = ops.asin(u)
    new_delta = delta - kappa * ops.g_half(u, a, delta)
    x = kappa * a
    new_W = W + x * (layer - W) + new_delta
    return new_delta, new_W, a


def _nobias_step_compensated(ops, delta, W, W_lost, layer, kappa, half):
    """:func:`_nobias_step` for float64, with W accumulated by Kahan summation.

    W grows like L while each increment x (l - W) + delta' stays O(1): plain addition
    loses ~eps W per layer, i.e. a relative L eps by depth L (4e-12 measured at 1e6).
    W_lost carries what the additions dropped (true W ~ W - W_lost).
    """
    u = ops.sqrt(delta * half)
    a = ops.asin(u)
    new_delta = delta - kappa * ops.g_half(u, a, delta)
    increment = kappa * a * (layer - (W - W_lost)) + new_delta - W_lost
    new_W = W + increment
    return new_delta, new_W, (new_W - W) - increment, a


@dataclass
class _Params:
    """Backend-typed constants of a network."""

    K1: object
    gamma: object
    sw2: object
    sb2: object
    kappa: object  # 2 gamma / K1
    half: object


def _params(network: Network, ops) -> _Params:
    phi = constants_for(network.activation)
    a, b = phi.a, phi.b
    K1 = ops.const((a * a + b * b) / 2)
    gamma = ops.const((b - a) ** 2 / 2) / ops.pi
    return _Params(K1, gamma, ops.const(network.weight_variance), ops.const(network.bias_variance),
                   2 * gamma / K1, ops.const(Fraction(1, 2)))


def _general_layer(ops, P: _Params, state, delta_mid=None, delta_rad=0):
    """One layer with biases: returns the new state dict.

    state: q_x, q_y, delta, t_xx, t_yy, t_xy, gap (gap = t_xx - t_xy when q_x == q_y, else None).
    For arb, ``delta_mid`` is the exact midpoint of delta and ``delta_rad`` its radius (an exact arb).
    """
    delta = state["delta"] if delta_mid is None else delta_mid
    u, a = ops.half_angle(delta)
    g_half = ops.g_half(u, a, delta)
    dk = P.K1 * delta - 2 * P.gamma * g_half  # k(1) - k(rho)
    q_x, q_y = state["q_x"], state["q_y"]
    s = ops.sqrt(q_x * q_y)
    c = P.sw2 * P.K1
    new_q_x = P.sb2 + c * q_x
    new_q_y = P.sb2 + c * q_y
    root = ops.sqrt(new_q_x * new_q_y)
    new_delta = P.sw2 * s * dk / root
    if state.get("gap") is None:  # unequal variances: sqrt(qx'qy') - sb2 - c s > 0, written without cancellation
        # (sqrt q_x - sqrt q_y)^2 from the carried difference q_x - q_y, which shrinks as both tend to q*
        unequal = (state["q_diff"] / (ops.sqrt(q_x) + ops.sqrt(q_y))) ** 2
        new_delta = new_delta + P.sb2 * c * unequal / (root + P.sb2 + c * s) / root
    if delta_mid is not None:
        # arb: widen by the Lipschitz bounds |d delta'/d delta| <= 1, |d dk/d delta| <= K1, in arb's
        # radius arithmetic (``delta_rad`` is an exact arb; nothing passes through a float)
        if delta_rad != 0:
            # slope of delta' in delta: sw2 s k'(rho) / sqrt(qx'qy') <= sw2 s K1 / sqrt(qx'qy') (<= 1; < 1 in the
            # ordered phase, which keeps the enclosure relative while delta decays exponentially)
            slope = min((P.sw2 * s * P.K1 / root).abs_upper(), ops.arb(1))
            new_delta = _widen(new_delta, slope * delta_rad)
            dk = _widen(dk, P.K1.abs_upper() * delta_rad)
            a = _half_angle_of_ball(state["delta"])
        new_delta = _clip_delta(new_delta)
    dkp = 2 * P.gamma * a  # k'(1) - k'(rho)
    sigma_xy = P.sb2 + P.sw2 * s * (P.K1 - dk)
    sigma_dot = P.sw2 * (P.K1 - dkp)
    new = {
        "q_x": new_q_x,
        "q_y": new_q_y,
        "q_diff": c * state["q_diff"],  # q_x' - q_y' = c (q_x - q_y): exact recursion, no cancellation
        "delta": new_delta,
        "t_xx": c * state["t_xx"] + new_q_x,
        "t_yy": c * state["t_yy"] + new_q_y,
        "t_xy": sigma_dot * state["t_xy"] + sigma_xy,
        "sigma_xy": sigma_xy,
        "sigma_dot": sigma_dot,
    }
    if state.get("gap") is not None:
        new["gap"] = c * state["gap"] + P.sw2 * dkp * state["t_xy"] + P.sw2 * s * dk
    else:
        new["gap"] = None
    return new


def _widen(x, extra):
    """The ball x with ``extra`` (an arb) added to its radius; arb rounds the new radius up."""
    import flint

    return flint.arb(x.mid(), x.rad() + extra)


def _clip_delta(x):
    """A ball for delta = 1 - rho intersected with [0, 2] (arb; rounding can spill past the ends)."""
    if not hasattr(x, "upper") or (x.lower() >= 0 and x.upper() <= 2):
        return x
    import flint

    lower, upper = max(flint.arb(0), flint.arb(x.lower())), min(flint.arb(2), flint.arb(x.upper()))
    if lower > upper:
        raise ComputationError(f"an enclosure of 1 - rho left [0, 2]: {x.str(5, radius=True)}")
    return lower.union(upper)


def _half_angle_of_ball(delta):
    """Encloses a = asin(sqrt(d/2)) for every d of the ball ``delta`` within [0, 2]; a is increasing."""
    delta = _clip_delta(delta)
    if delta.rad() == 0 or (delta.lower() > 0 and delta.upper() < 2):
        return (delta / 2).sqrt().asin()
    import flint

    lower, upper = flint.arb(delta.lower()), flint.arb(delta.upper())
    return (lower / 2).sqrt().asin().union((upper / 2).sqrt().asin())


def _initial_state(ops, P, rho, q_x, q_y, delta=None):
    equal = _exact("q_x", q_x) == _exact("q_y", q_y)
    q_x, q_y = ops.const(_exact("q_x", q_x)), ops.const(_exact("q_y", q_y))
    if delta is None:
        delta = _clip_delta(ops.const(1 - _exact("rho", rho)))
    s = ops.sqrt(q_x * q_y)
    t_xy = s * (1 - delta)
    return {
        "q_x": q_x, "q_y": q_y, "q_diff": q_x - q_y, "delta": delta,
        "t_xx": q_x, "t_yy": q_y, "t_xy": t_xy,
        "sigma_xy": t_xy, "sigma_dot": None,
        "gap": q_x * delta if equal else None,
    }


def _general_values(depth, state, method, rad_of, ops):
    """LayerValues from a general state (rad_of(x) -> absolute error bound)."""
    def ap(x):
        return None if x is None else Approx(_mid(x), rad_of(x), method)

    t_norm = ops.sqrt(state["t_xx"] * state["t_yy"])
    if state.get("gap") is not None:
        one_minus_n = state["gap"] / state["t_xx"]
        n = 1 - one_minus_n
    else:
        n = state["t_xy"] / t_norm
        one_minus_n = 1 - n
    return LayerValues(
        depth, ap(1 - state["delta"]), ap(state["delta"]), ap(state["sigma_xy"]), ap(state["q_x"]),
        ap(state["q_y"]), ap(state["sigma_dot"]), ap(state["t_xy"]), ap(state["t_xx"]), ap(state["t_yy"]),
        ap(n), ap(one_minus_n),
    )


def cancelling_fields(network, q_x, q_y) -> frozenset:
    """Fields computed as 1 - x with x near 1, so with an absolute rounding error of about ulp(1).

    With a bias and q_x != q_y the state carries no gap (see :func:`_initial_state`), and
    :func:`_general_values` forms 1 - N_L = 1 - Theta_xy / sqrt(Theta_xx Theta_yy) by cancellation.  Two
    runs at different precisions can then both round it to the same value (0 when 1 - N_L is below
    both rounding units), so their difference does not bound the error: callers floor the radius there.
    """
    if network.bias_variance != 0 and _exact("q_x", q_x) != _exact("q_y", q_y):
        return frozenset({"one_minus_ntk_normalized"})
    return frozenset()


def _mid(x):
    if hasattr(x, "mid") and hasattr(x, "rad"):
        if not x.is_finite():
            raise ComputationError(f"an enclosure became unbounded ({x}); raise --digits")
        return arb_to_mpf(x.mid())
    return x


def arb_to_mpf(x):
    """The exact value of an exact arb (a dyadic number) as an mpf, without rounding."""
    man, exp = x.man_exp()
    man, exp = int(man), int(exp)
    with mpmath.workprec(max(53, man.bit_length() + 8)):
        return mpmath.mpf((man, exp)) if man >= 0 else -mpmath.mpf((-man, exp))


def _nobias_values(depth, delta, W, a_prev, ops, P, q_x, q_y, method):
    """All fields at depth L from delta_L, W_L = L(1 - N_L) and a_{L-1} = theta_{L-1}/2.

    With sigma_b = 0: Sigma^L_xx = c^(L-1) q_x, Theta^L_xx = L c^(L-1) q_x (c = sigma_w^2 K1),
    Theta^L_xy = L s_L (1 - W_L/L), Sigma^L_xy = s_L (1 - delta_L), Sigmadot^L = sigma_w^2 (K1 - 2 gamma a_{L-1}).
    For arb the arguments are balls carrying every radius, and each field is one ball expression of
    them (no dependency between layers here), so its radius is arb's own, rounded up, never a float.
    """
    c = P.sw2 * P.K1
    scale = c ** (depth - 1)
    s1 = ops.sqrt(ops.const(q_x) * ops.const(q_y))
    s_L = scale * s1
    sxx, syy = scale * ops.const(q_x), scale * ops.const(q_y)
    C = W / depth

    def ap(x):
        return Approx(_mid(x), _arb_rad(x) if hasattr(x, "rad") else mpmath.mpf(0), method)

    sigma_dot = None if a_prev is None else ap(P.sw2 * (P.K1 - 2 * P.gamma * a_prev))
    return LayerValues(
        depth,
        ap(1 - delta), ap(delta),
        ap(s_L * (1 - delta)), ap(sxx), ap(syy), sigma_dot,
        ap(depth * s_L * (1 - C)), ap(depth * sxx), ap(depth * syy),
        ap(1 - C), ap(C),
    )


def _arb_rad(x):
    return arb_to_mpf(x.rad())
