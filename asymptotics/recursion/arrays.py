"""Vectorised float64 recursions over arrays of pairs (numpy or cupy) and the textbook baseline.

The same step functions as the scalar backends (:mod:`asymptotics.recursion.steps`), iterated in
1 - rho (bias-free ReLU family: by the numba kernel of :mod:`asymptotics.recursion.fused` where
numba is installed and the work pays, else by numpy); :func:`naive_float64_pairs` is the widely
used recursion in rho itself, kept as a named baseline (seed 000 Definition 5, lines 266-268) to
show how it loses digits near rho = 1.
"""
from __future__ import annotations

import bisect
import math

from asymptotics.backends import Float64Ops
from asymptotics.recursion.fused import nobias_stepper
from asymptotics.recursion.steps import _general_layer, _initial_state, _nobias_step_compensated, _params
from asymptotics.recursion.network import Network
from asymptotics.relu_family import constants_for
from asymptotics.validation import ComputationError, InputError, check_depths, check_positive


def pair_arrays_at_depths(network: Network, rho, depths, q_x=1.0, q_y=None, xp=None,
                          one_minus_rho=None, progress=None) -> dict:
    """Vectorised float64 recursion for arrays of pairs sharing the layer-1 variances.

    ``rho`` (or, more accurately near 1, ``one_minus_rho``) is an array of layer-1
    correlations.  Returns {depth: {field: array}} with the fields of :class:`LayerValues`.
    """
    ops = Float64Ops(xp)
    xp = ops.xp
    if one_minus_rho is None:
        rho = xp.asarray(rho, dtype=float)
        _check_array_correlation(xp, rho, "rho")
        delta = 1.0 - rho
    else:
        delta = xp.asarray(one_minus_rho, dtype=float)
        _check_array_correlation(xp, 1.0 - delta, "one_minus_rho")
        if bool(xp.any(delta < 0)):  # 1 - delta rounds a tiny negative delta to 1: check its sign itself
            raise InputError("one_minus_rho", "must be >= 0 (correlations must lie in [-1, 1])")
    depths = check_depths("depths", depths)
    wanted = set(depths)
    if q_y is None:
        q_y = q_x
    check_positive("q_x", q_x)
    check_positive("q_y", q_y)
    P = _params(network, ops)
    out = {}
    if network.bias_variance == 0:
        W, W_lost = delta.copy(), xp.zeros_like(delta)
        a_prev = None
        c = P.sw2 * P.K1
        s1 = math.sqrt(q_x * q_y)
        # the fused numba kernel where it imports (same formulas; the numpy step stays the reference)
        fused = nobias_stepper(xp, int(getattr(delta, "size", 1)), depths[-1] - 1)
        every = max(1, depths[-1] // 100)  # progress is reported after the steps at multiples of this
        stops = sorted(wanted | (set(range(every + 1, depths[-1], every)) if progress is not None else set()))
        layer = 1
        while True:
            if layer in wanted:
                scale = c ** (layer - 1)
                C = (W - W_lost) / layer
                if scale == 0.0 or not math.isfinite(scale):
                    # the unnormalised kernels scale like c^L and left float64's range: report only
                    # the normalised quantities rather than a confident 0 or inf
                    out[layer] = {"rho": 1.0 - delta, "one_minus_rho": delta.copy(),
                                  "sigma_dot": None if a_prev is None else P.sw2 * (P.K1 - 2 * P.gamma * a_prev),
                                  "ntk_normalized": 1.0 - C, "one_minus_ntk_normalized": C}
                else:  # (no `continue` here: it would skip this layer's step below)
                    out[layer] = {
                        "rho": 1.0 - delta, "one_minus_rho": delta.copy(),
                        "sigma_xy": scale * s1 * (1.0 - delta),
                        "sigma_xx": xp.full(delta.shape, scale * q_x), "sigma_yy": xp.full(delta.shape, scale * q_y),
                        "sigma_dot": None if a_prev is None else P.sw2 * (P.K1 - 2 * P.gamma * a_prev),
                        "theta_xy": layer * scale * s1 * (1.0 - C),
                        "theta_xx": xp.full(delta.shape, layer * scale * q_x),
                        "theta_yy": xp.full(delta.shape, layer * scale * q_y),
                        "ntk_normalized": 1.0 - C, "one_minus_ntk_normalized": C,
                    }
            if layer == depths[-1]:
                break
            if fused is None:
                delta, W, W_lost, a_prev = _nobias_step_compensated(ops, delta, W, W_lost, layer, P.kappa, P.half)
                layer += 1
            else:  # every layer up to the next one recorded or reported
                stop = stops[bisect.bisect_right(stops, layer)]
                delta, W, W_lost, a_prev = fused(delta, W, W_lost, layer, stop, P.kappa, P.half)
                layer = stop
            if progress is not None and (layer - 1) % every == 0:
                progress(layer - 1, depths[-1])
        return out
    state = _initial_state(ops, P, 0, q_x, q_y)
    state.update(delta=delta, t_xy=math.sqrt(q_x * q_y) * (1 - delta), sigma_xy=math.sqrt(q_x * q_y) * (1 - delta),
                 gap=(q_x * delta) if q_x == q_y else None)
    for layer in range(1, depths[-1] + 1):
        if layer in wanted:
            out[layer] = _array_values(xp, state)
        if layer == depths[-1]:
            break
        state = _general_layer(ops, P, state)
    return out


def _array_values(xp, state):
    t_norm = xp.sqrt(state["t_xx"] * state["t_yy"])
    if state.get("gap") is not None:
        c = state["gap"] / state["t_xx"]
        n = 1.0 - c
    else:
        n = state["t_xy"] / t_norm
        c = 1.0 - n
    shape = xp.shape(state["delta"])
    full = lambda v: xp.broadcast_to(xp.asarray(v, dtype=float), shape)  # noqa: E731
    return {
        "rho": 1.0 - state["delta"], "one_minus_rho": state["delta"], "sigma_xy": state["sigma_xy"],
        "sigma_xx": full(state["q_x"]), "sigma_yy": full(state["q_y"]), "sigma_dot": state["sigma_dot"],
        "theta_xy": state["t_xy"], "theta_xx": full(state["t_xx"]), "theta_yy": full(state["t_yy"]),
        "ntk_normalized": n, "one_minus_ntk_normalized": c,
    }


def _check_array_correlation(xp, rho, name):
    if not bool(xp.all(xp.isfinite(rho))):
        raise InputError(name, "contains non-finite values")
    if bool(xp.any(rho < -1)) or bool(xp.any(rho > 1)):
        raise InputError(name, "correlations must lie in [-1, 1]")


def _check_data(xp, X, name):
    X = xp.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[0] == 0 or X.shape[1] == 0:
        raise InputError(name, f"expected a non-empty 2-D array (points x features), got shape {X.shape}")
    if not bool(xp.all(xp.isfinite(X))):
        raise InputError(name, "contains non-finite values")
    return X


def _check_finite_arrays(xp, out):
    """ComputationError where float64 left its range (huge inputs or variances): never a silent NaN."""
    for depth, fields in out.items():
        for name in ("one_minus_rho", "one_minus_ntk_normalized"):
            if fields.get(name) is not None and not bool(xp.all(xp.isfinite(fields[name]))):
                raise ComputationError(f"float64 left its range at depth {depth} ({name} not finite): "
                                       "rescale the data or use kernel_at_depths with mpmath/arb")


def _assemble(xp, flat, symmetric, shape, diag):
    if not symmetric:
        return flat.reshape(shape)
    n = shape[0]
    full = xp.full(shape, diag, dtype=float)
    iu = xp.triu_indices(n, 1)
    full[iu] = flat
    full[(iu[1], iu[0])] = flat
    return full


def naive_float64_pairs(network: Network, rho, depths, q_x=1.0, q_y=None, xp=None) -> dict:
    """The textbook float64 recursion iterated in rho (how widely used kernel code does it).

    rho' = (sb2 + sw2 sqrt(q_x q_y) k(rho)) / sqrt(q_x' q_y'), k(rho) via acos/asin of rho,
    Theta' = sw2 k'(rho) Theta + Sigma'.  Kept as a named baseline so that benchmarks and
    notebooks can show how it loses digits near rho = 1; do not use it for results.
    Returns {depth: {"rho", "one_minus_rho", "ntk_normalized", "one_minus_ntk_normalized"}}.
    """
    if xp is None:
        import numpy as xp
    phi = constants_for(network.activation)
    odd2, even2 = float(((phi.a + phi.b) / 2) ** 2), float(((phi.b - phi.a) / 2) ** 2)
    K1 = odd2 + even2
    sw2, sb2 = float(network.weight_variance), float(network.bias_variance)
    q_y = q_x if q_y is None else q_y
    rho = xp.asarray(rho, dtype=float)
    qx, qy = float(q_x), float(q_y)
    t_xx, t_yy = qx, qy
    t_xy = math.sqrt(qx * qy) * rho
    depths = check_depths("depths", depths)
    wanted, out = set(depths), {}
    for layer in range(1, depths[-1] + 1):
        if layer in wanted:
            n = t_xy / math.sqrt(t_xx * t_yy)
            out[layer] = {"rho": rho, "one_minus_rho": 1.0 - rho, "ntk_normalized": n, "one_minus_ntk_normalized": 1.0 - n}
        if layer == depths[-1]:
            break
        asin = xp.arcsin(rho)
        k = odd2 * rho + even2 * (2 / math.pi) * (xp.sqrt(1.0 - rho * rho) + rho * asin)
        k_prime = odd2 + even2 * (2 / math.pi) * asin
        new_qx, new_qy = sb2 + sw2 * K1 * qx, sb2 + sw2 * K1 * qy
        sigma = sb2 + sw2 * math.sqrt(qx * qy) * k
        t_xy = sw2 * k_prime * t_xy + sigma
        t_xx, t_yy = sw2 * K1 * t_xx + new_qx, sw2 * K1 * t_yy + new_qy
        rho = xp.clip(sigma / math.sqrt(new_qx * new_qy), -1.0, 1.0)
        qx, qy = new_qx, new_qy
    return out


def naive_float64_gram(network: Network, X, depths, xp=None) -> dict:
    """The textbook recursion on the full n x n matrix (unit-norm rows assumed, sigma_b = 0)."""
    if xp is None:
        import numpy as xp
    X = _check_data(xp, X, "X")
    U = X / xp.sqrt(xp.sum(X * X, axis=1))[:, None]
    rho = xp.clip(U @ U.T, -1.0, 1.0)
    return naive_float64_pairs(network, rho, depths, xp=xp)
