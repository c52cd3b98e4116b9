"""The certified (python-flint arb) depth recursion of one pair.

Each layer is evaluated at the exact midpoint of the carried balls and the propagated radius is
added by the Lipschitz bounds of the map (|d delta'/d delta| <= 1, see :mod:`asymptotics.recursion`),
in arb's own radius arithmetic: radii never pass through a binary64 float, so they cannot
underflow or round down.
"""
from __future__ import annotations

from asymptotics.accuracy import CERTIFIED
from asymptotics.backends import SERIES_BELOW, ArbOps
from asymptotics.recursion.cost import _check_cost, guard_bits, _input_bits
from asymptotics.recursion.steps import (
    _arb_rad,
    _clip_delta,
    _general_layer,
    _general_values,
    _initial_state,
    _nobias_values,
    _params,
)
from asymptotics.recursion.network import _exact, KernelTrajectory


def _run_arb(network, rho, depths, digits, q_x, q_y, progress, one_minus_rho=None):
    import flint

    old = flint.ctx.prec
    prec = int(digits * 3.33) + guard_bits(depths[-1]) + (
        _input_bits(network, rho, q_x, q_y) if one_minus_rho is None else 0)
    _check_cost("arb", depths[-1], prec, digits)
    flint.ctx.prec = prec
    try:
        ops = ArbOps()
        P = _params(network, ops)
        traj = KernelTrajectory(network, rho, "arb", digits, working_precision_bits=prec)
        delta = _clip_delta(ops.const(1 - _exact("rho", rho)) if one_minus_rho is None else one_minus_rho)
        if network.bias_variance == 0:
            _arb_nobias(ops, P, delta, depths, q_x, q_y, traj, progress)
        else:
            _arb_general(ops, P, delta, depths, q_x, q_y, traj, progress)
        return traj
    finally:
        flint.ctx.prec = old


def _arb_nobias(ops, P, delta, depths, q_x, q_y, traj, progress):
    """delta and W as arb balls; each layer evaluates the step at their exact midpoints and adds
    the propagated radii (Lipschitz bounds below) in arb's own radius arithmetic.

    Radii are arb magnitudes (30-bit mantissa, unbounded exponent, rounded up by arb): they never
    pass through a binary64 float, so they cannot underflow or round down.  The arithmetic is
    :func:`_nobias_step` written out (the tests check it against the mpmath run of that step).
    """
    import flint

    arb = flint.arb
    W = delta  # W_1 = 1 - rho
    a_prev = None
    kappa, half, one, zero, two = P.kappa, P.half, arb(1), arb(0), arb(2)
    wanted = set(depths)
    last = depths[-1]
    step_report = max(1, last // 100)
    for layer in range(1, last + 1):
        if layer in wanted:
            traj.layers[layer] = _nobias_values(layer, delta, W, a_prev, ops, P, q_x, q_y, CERTIFIED)
        if layer == last:
            break
        # --- the step at the exact midpoint d: sin^2 a = d/2, cos^2 a = 1 - d/2
        d, rad_delta = _delta_midpoint(delta, zero, two)
        W_mid, rad_W = W.mid(), W.rad()
        half_delta = d * half
        cos2_a = one - half_delta
        if d < 1:  # a = atan(tan a): one sqrt, and arb's atan is cheaper than its asin
            tan_a = (half_delta / cos2_a).sqrt()
            a = tan_a.atan()
            sin_cos_a = tan_a * cos2_a
        else:  # near rho = -1, where cos a -> 0
            sin_a, cos_a = half_delta.sqrt(), cos2_a.sqrt()
            a = arb.atan2(sin_a, cos_a)
            sin_cos_a = sin_a * cos_a
        g_half = ops.g_half(None, a, d) if a.upper() < SERIES_BELOW else sin_cos_a - a * (one - d)
        new_delta = d - kappa * g_half
        # --- radii.  delta' is increasing and 1-Lipschitz in delta (module docstring)
        new_delta = arb(new_delta.mid(), new_delta.rad() + rad_delta)
        rad_a = _asin_half_spread(delta, a, two) if rad_delta != 0 else None
        a_ball = a if rad_a is None else arb(a.mid(), a.rad() + rad_a)
        # W' = W + x (l - W) + delta' with x = kappa a in [0, 2]: |dW'/dW| = |1 - x| <= 1
        new_W = W_mid + (kappa * a_ball) * (layer - W_mid) + new_delta
        W = arb(new_W.mid(), new_W.rad() + rad_W)
        delta = new_delta
        if layer + 1 in wanted:  # Sigma-dot at the next recorded depth needs a's enclosure
            a_prev = a_ball
        if progress is not None and layer % step_report == 0:
            progress(layer, last)
    if progress is not None:
        progress(last, last)


def _delta_midpoint(delta, zero=None, two=None):
    """(d, r): an exact midpoint d in [0, 2] and a radius r (exact arb) with delta's ball inside [d -+ r].

    The input's rounding (rho within 1e-400 of -1) can put arb's midpoint just past 2, where
    sqrt(1 - d/2) is undefined; the clipped distance is added to the radius, rounded up.
    ``zero``, ``two``: the arb constants, passed by the hot loop to save their construction.
    """
    import flint

    zero = flint.arb(0) if zero is None else zero
    two = flint.arb(2) if two is None else two
    mid = delta.mid()
    if mid < zero:
        clipped = zero
    elif mid > two:
        clipped = two
    else:
        return mid, delta.rad()
    return clipped, (delta.rad() + abs(mid - clipped)).abs_upper()


def _asin_half_spread(delta, a, two):
    """An upper bound (exact arb) of max |a(t) - a(mid delta)| over t in the ball delta, a(t) = asin(sqrt(t/2)).

    Mean value bound with |a'(t)| = 1 / (2 sqrt(t (2 - t))) evaluated on the ball; where the ball
    touches 0 or 2 (the derivative is infinite there) a is increasing, so its values at the ends of
    the ball clipped to [0, 2] bound it.
    """
    import flint

    arb = flint.arb
    rad = delta.rad()
    product = delta * (two - delta)
    if product > 0:
        return (rad / (two * product.sqrt())).abs_upper()
    lower = max(arb(0), arb(delta.lower()))
    upper = min(arb(2), arb(delta.upper()))
    a_mid = a.mid()
    a_lower, a_upper = (lower / 2).sqrt().asin(), (upper / 2).sqrt().asin()
    return max((a_upper - a_mid).abs_upper(), (a_mid - a_lower).abs_upper())


def _arb_general(ops, P, delta, depths, q_x, q_y, traj, progress):
    """``delta``: an arb ball enclosing 1 - rho^(1)."""
    state = _initial_state(ops, P, None, q_x, q_y, delta)
    wanted, last = set(depths), depths[-1]
    step_report = max(1, last // 100)
    for layer in range(1, last + 1):
        if layer in wanted:
            traj.layers[layer] = _general_values(layer, state, CERTIFIED, _arb_rad, ops)
        if layer == last:
            break
        delta = state["delta"]
        mid, rad = _delta_midpoint(delta)
        state = _general_layer(ops, P, state, delta_mid=mid, delta_rad=rad)
        if progress is not None and layer % step_report == 0:
            progress(layer, last)
    if progress is not None:
        progress(last, last)
