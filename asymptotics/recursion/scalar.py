"""The mpmath (two working precisions, "agreement") and scalar float64 ("estimate") runs of one pair.

The float64 result's error is measured against an mpmath rerun with 64 more bits; the mpmath
backend's accuracy is the difference between two precisions that round every input differently.
"""
from __future__ import annotations

import math

import mpmath

from asymptotics.accuracy import AGREEMENT, ESTIMATE, Approx
from asymptotics.backends import MpmathOps, ScalarFloatOps
from asymptotics.recursion.cost import _check_cost, guard_bits, _input_bits, _mpmath_precisions
from asymptotics.recursion.steps import (
    _general_layer,
    _general_values,
    _initial_state,
    _nobias_step,
    _nobias_step_compensated,
    _nobias_values,
    _params,
    cancelling_fields,
)
from asymptotics.recursion.network import _exact, FLOAT64_EPS, KernelTrajectory, LayerValues
from asymptotics.validation import ComputationError


def _run_mpmath(network, rho, depths, digits, q_x, q_y, progress, check_precision):
    prec, high_prec = _mpmath_precisions(network, rho, depths, digits, q_x, q_y)
    _check_cost("mpmath", depths[-1], high_prec, digits)
    high = _mpmath_once(network, rho, depths, high_prec, q_x, q_y, progress)
    traj = KernelTrajectory(network, rho, "mpmath", digits, working_precision_bits=high_prec)
    if not check_precision:
        for depth, values in high.items():
            traj.layers[depth] = _map_values(values, values, ESTIMATE, high_prec)
        return traj
    low = _mpmath_once(network, rho, depths, prec, q_x, q_y, None)
    cancelling = cancelling_fields(network, q_x, q_y)
    for depth in depths:
        traj.layers[depth] = _map_values(high[depth], low[depth], AGREEMENT, prec, cancelling)
    return traj


def _map_values(high: LayerValues, low: LayerValues, method, low_prec: int = 53, cancelling=frozenset()) -> LayerValues:
    """Agreement radii |high - low|, floored at the low run's rounding unit (of the value; for the fields
    in ``cancelling``, formed as 1 - x, of 1 times the layers' accumulated roundings: see
    :func:`steps.cancelling_fields`)."""
    fields = {}
    for name in LayerValues.FIELDS:
        h, l = getattr(high, name), getattr(low, name)
        if h is None:
            fields[name] = None
            continue
        # the difference is rounded to the default 53 bits: inflate slightly to keep it an upper bound
        # floor: the low run's rounding unit, so that an exact coincidence never claims infinite digits
        scale = max(abs(h.mid), 1) if name in cancelling else abs(h.mid)
        rad = max(abs(h.mid - l.mid), (8 + 2 * high.depth) * scale * mpmath.mpf(2) ** -low_prec if name in cancelling
                  else scale * mpmath.mpf(2) ** -low_prec) * (1 + 2.0**-40)
        fields[name] = Approx(h.mid, rad, method)
    return LayerValues(high.depth, **fields)


def _mpmath_once(network, rho, depths, prec, q_x, q_y, progress):
    ops = MpmathOps()
    with mpmath.workprec(prec):
        return _iterate_point(ops, _params(network, ops), ops.const(1 - _exact("rho", rho)), rho, depths,
                              q_x, q_y, progress)


def _iterate_point(ops, P, delta, rho, depths, q_x, q_y, progress, compensated=False):
    """{depth: LayerValues (no radii)} for one pair, by the shared step functions in ``ops``.

    ``compensated`` (float64) accumulates W by Kahan summation, see :func:`_nobias_step_compensated`.
    """
    wanted, last = set(depths), depths[-1]
    step_report = max(1, last // 100)
    zero = mpmath.mpf(0)
    out = {}
    if P.sb2 == 0:
        W, W_lost, a_prev = delta, 0 * delta, None
        for layer in range(1, last + 1):
            if layer in wanted:
                out[layer] = _nobias_values(layer, delta, W - W_lost, a_prev, ops, P, q_x, q_y, ESTIMATE)
            if layer == last:
                break
            if compensated:
                delta, W, W_lost, a_prev = _nobias_step_compensated(ops, delta, W, W_lost, layer, P.kappa, P.half)
            else:
                delta, W, a_prev = _nobias_step(ops, delta, W, layer, P.kappa, P.half)
            if progress is not None and layer % step_report == 0:
                progress(layer, last)
    else:
        state = _initial_state(ops, P, rho, q_x, q_y)
        for layer in range(1, last + 1):
            if layer in wanted:
                out[layer] = _general_values(layer, state, ESTIMATE, lambda x: zero, ops)
            if layer == last:
                break
            state = _general_layer(ops, P, state)
            if progress is not None and layer % step_report == 0:
                progress(layer, last)
    if progress is not None:
        progress(last, last)
    return out


def _run_float64(network, rho, depths, q_x, q_y, progress, check_precision=True):
    """One pair in Python floats, through the same step functions as mpmath and arb.

    The error of a float64 result has no a priori bound worth the name (near rho = -1 the first
    layer alone loses log2(1/(1 + rho)) bits).  So each value's error is measured: the same
    recursion is rerun in mpmath with 64 more bits than float64 (plus what the input asks for),
    and the radius is twice the observed difference plus two ulps.  Method ``estimate``: not a
    bound.  Values float64 cannot hold (outside its normal range) are None: no confident 0 or inf.
    ``check_precision=False`` skips the rerun (for speed): the radius is then the a-priori scale
    8 L eps |value|, which near rho = -1 can be far too small; still method ``estimate``.
    """
    ref_prec = 53 + 64 + guard_bits(depths[-1]) + _input_bits(network, rho, q_x, q_y)
    _check_cost("float64", depths[-1], ref_prec if check_precision else 53, 15)
    ops = ScalarFloatOps()
    traj = KernelTrajectory(network, rho, "float64", 15, working_precision_bits=53)
    delta = float(1 - _exact("rho", rho))  # 1 - rho rounded once, not after rounding rho
    try:
        raw = _iterate_point(ops, _params(network, ops), delta, rho, depths, float(_exact("q_x", q_x)),
                             float(_exact("q_y", q_y)), progress, compensated=True)
    except (OverflowError, ValueError, ZeroDivisionError) as err:
        raise ComputationError(f"float64 left its range ({err}); use --backend mpmath or arb") from None
    reference = _mpmath_once(network, rho, depths, ref_prec, q_x, q_y, None) if check_precision else raw
    tiny, huge = 2.2250738585072014e-308, 1.7976931348623157e308
    for depth, values in raw.items():
        fields = {}
        for name in LayerValues.FIELDS:
            value, ref = getattr(values, name), getattr(reference[depth], name)
            if value is None or ref is None:
                fields[name] = None
                continue
            v = float(value.mid)
            if not math.isfinite(v) or not tiny <= abs(ref.mid) <= huge or (v != 0 and abs(v) < tiny):
                fields[name] = None  # outside float64's normal range: nothing honest to say in float64
                continue
            with mpmath.workprec(ref_prec):
                error = abs(mpmath.mpf(v) - ref.mid) if check_precision else 2 * depth * FLOAT64_EPS * abs(v)
            with mpmath.workprec(64):  # mpf exponents are unbounded: no underflow; (1 + 2^-40) covers rounding
                rad = (2 * error + mpmath.mpf(4 * FLOAT64_EPS) * abs(mpmath.mpf(v))) * (1 + mpmath.mpf(2) ** -40)
            fields[name] = Approx(mpmath.mpf(v), rad, ESTIMATE)
        traj.layers[depth] = LayerValues(depth, **fields)
    return traj
