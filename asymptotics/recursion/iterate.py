"""The iterating engine: every layer of the depth recursion (see :mod:`asymptotics.recursion`).

Kept apart from the public entry points in :mod:`asymptotics.recursion`, which choose between
iterating and the depth jump (:mod:`asymptotics.depth_jump`), so that the jump can call this
engine without importing its own dispatcher back (no import circle).
"""
from __future__ import annotations

import math
from typing import Callable, Optional

from asymptotics.backends import Float64Ops
from asymptotics.validation import InputError, check_correlation, check_depths, check_digits, check_positive

from asymptotics.recursion.network import BACKENDS, Network, KernelTrajectory
from asymptotics.recursion.steps import _params, _general_layer
from asymptotics.recursion.arb import _run_arb
from asymptotics.recursion.scalar import _run_mpmath, _run_float64
from asymptotics.recursion.arrays import pair_arrays_at_depths, _array_values, _check_data, _check_finite_arrays, _assemble


def _check_inputs(rho, depths, q_x, q_y):
    check_correlation("rho", rho)
    depths = check_depths("depths", depths)
    check_positive("q_x", q_x)
    if q_y is None:
        q_y = q_x
    check_positive("q_y", q_y)
    return depths, q_y


def iterate_kernel(network: Network, rho, depths, backend: str = "float64", digits: int = 50,
                   q_x=1, q_y=None, progress: Optional[Callable[[int, int], None]] = None,
                   check_precision: bool = True, one_minus_rho=None) -> KernelTrajectory:
    """:func:`asymptotics.recursion.kernel_at_depths` with method 'iterate': every layer, on the backend."""
    import time

    if backend not in BACKENDS:
        raise InputError("backend", f"expected one of {', '.join(BACKENDS)}, got {backend!r}")
    if not isinstance(network, Network):
        raise InputError("network", f"expected a Network, got {network!r}")
    digits = check_digits("digits", digits)
    if one_minus_rho is not None:
        if backend != "arb" or not hasattr(one_minus_rho, "rad"):
            raise InputError("one_minus_rho", "an arb ball, with backend 'arb'")
        if not one_minus_rho.is_finite() or one_minus_rho.lower() > 2 or one_minus_rho.upper() < 0:
            raise InputError("one_minus_rho", f"must enclose a value in [0, 2], got {one_minus_rho}")
        if rho is None:  # for the record only: the run starts from the ball
            rho = max(-1.0, min(1.0, float(1 - one_minus_rho.mid())))
    depths, q_y = _check_inputs(rho, depths, q_x, q_y)
    start = time.perf_counter()
    if backend == "arb":
        traj = _run_arb(network, rho, depths, digits, q_x, q_y, progress, one_minus_rho)
    elif backend == "mpmath":
        traj = _run_mpmath(network, rho, depths, digits, q_x, q_y, progress, check_precision)
    else:
        traj = _run_float64(network, rho, depths, q_x, q_y, progress, check_precision)
    traj.seconds = time.perf_counter() - start
    return traj


def one_minus_rho_from_inputs(network: Network, X, Y=None, xp=None):
    """1 - rho^1(x_i, y_j) for rows of X (n x d) and Y (m x d, default X), without cancellation.

    With u = x/|x|, cos = u_i . u_j and delta_hat = 1 - cos (recomputed as |u_i - u_j|^2 / 2 for
    nearly parallel pairs, where 1 - cos would cancel):
        1 - rho = [sb2 sw2 (|x| - |y|)^2 / d / (sqrt(q_x q_y) + sb2 + sw2 |x||y|/d) + sw2 |x||y| delta_hat / d] / sqrt(q_x q_y)
    Returns (one_minus_rho, q_x, q_y) with q the layer-1 variances sigma_b^2 + sigma_w^2 |x|^2 / d.
    """
    if xp is None:
        import numpy as xp
    X = _check_data(xp, X, "X")
    Y = X if Y is None else _check_data(xp, Y, "Y")
    if Y.shape[1] != X.shape[1]:
        raise InputError("Y", f"has {Y.shape[1]} columns, X has {X.shape[1]}")
    d = X.shape[1]
    sw2, sb2 = float(network.weight_variance), float(network.bias_variance)
    nx, ny = xp.sqrt(xp.sum(X * X, axis=1)), xp.sqrt(xp.sum(Y * Y, axis=1))
    if sb2 == 0 and (bool(xp.any(nx == 0)) or bool(xp.any(ny == 0))):
        raise InputError("X", "has a zero row: its correlation is undefined without biases")
    ux = X / xp.where(nx == 0, 1, nx)[:, None]
    uy = Y / xp.where(ny == 0, 1, ny)[:, None]
    cos = uy @ ux.T  # (m, n)
    delta_hat = 1.0 - cos
    close = xp.argwhere(cos > 0.5)
    # |u_i - u_j|^2 / 2 for the nearly parallel pairs, in blocks: all at once would form a
    # (pairs x d) array (8.6 GiB for 3000 points in 128 dimensions)
    block = max(1, (1 << 23) // max(1, d))
    for start in range(0, int(close.shape[0]), block):
        i, j = close[start:start + block, 0], close[start:start + block, 1]
        diff = uy[i] - ux[j]
        delta_hat[i, j] = 0.5 * xp.sum(diff * diff, axis=1)
    q_x, q_y = sb2 + sw2 * ny * ny / d, sb2 + sw2 * nx * nx / d  # x ranges over Y (rows), y over X
    root = xp.sqrt(q_x[:, None] * q_y[None, :])
    norms = ny[:, None] * nx[None, :]
    gap = sb2 * sw2 * (ny[:, None] - nx[None, :]) ** 2 / d / (root + sb2 + sw2 * norms / d)
    delta = (gap + sw2 * norms * delta_hat / d) / root
    return xp.clip(delta, 0.0, 2.0), q_x, q_y


def iterate_gram(network: Network, X, depths, Y=None, xp=None, progress=None) -> dict:
    """:func:`asymptotics.recursion.gram_at_depths` with method 'iterate': every layer, float64 arrays."""
    if xp is None:
        import numpy as xp
    depths = check_depths("depths", depths)
    delta, q_x, q_y = one_minus_rho_from_inputs(network, X, Y, xp)
    if not (bool(xp.all(xp.isfinite(q_x))) and bool(xp.all(xp.isfinite(q_y))) and bool(xp.all(xp.isfinite(delta)))):
        raise InputError("X", "its squared norms overflow float64; rescale the data")
    symmetric = Y is None
    m, n = delta.shape
    if network.bias_variance == 0:
        if symmetric:
            iu = xp.triu_indices(n, 1)
            flat = delta[iu]
        else:
            flat = delta.reshape(-1)
        pairs = pair_arrays_at_depths(network, None, depths, one_minus_rho=flat, xp=xp, progress=progress)
        roots = xp.sqrt(q_x[:, None] * q_y[None, :])
        out = {}
        c = float(network.weight_variance) * float(_params(network, Float64Ops(xp)).K1)
        for depth in depths:
            fields = {}
            for name, diag in (("one_minus_rho", 0.0), ("one_minus_ntk_normalized", 0.0)):
                fields[name] = _assemble(xp, pairs[depth][name], symmetric, (m, n), diag)
            fields["rho"] = 1.0 - fields["one_minus_rho"]
            fields["ntk_normalized"] = 1.0 - fields["one_minus_ntk_normalized"]
            scale = c ** (depth - 1)
            if scale == 0.0 or not math.isfinite(scale):
                fields["sigma"] = fields["theta"] = None
            else:
                fields["sigma"] = scale * roots * fields["rho"]
                fields["theta"] = depth * scale * roots * fields["ntk_normalized"]
            out[depth] = fields
        _check_finite_arrays(xp, out)
        return out
    # with biases the variances enter the correlation map: iterate the full matrices
    ops = Float64Ops(xp)
    P = _params(network, ops)
    equal = bool(xp.all(q_x == q_x[0])) and bool(xp.all(q_y == q_x[0]))
    sw2 = float(network.weight_variance)
    Xa = _check_data(xp, X, "X")
    Ya = Xa if Y is None else _check_data(xp, Y, "Y")
    nx, ny = xp.sqrt(xp.sum(Xa * Xa, axis=1)), xp.sqrt(xp.sum(Ya * Ya, axis=1))
    q_diff = sw2 * (ny[:, None] - nx[None, :]) * (ny[:, None] + nx[None, :]) / Xa.shape[1]
    state = {
        "q_x": q_x[:, None] * xp.ones((1, n)), "q_y": q_y[None, :] * xp.ones((m, 1)), "delta": delta,
        "q_diff": q_diff,
        "t_xx": q_x[:, None] * xp.ones((1, n)), "t_yy": q_y[None, :] * xp.ones((m, 1)),
        "sigma_dot": None,
    }
    state["t_xy"] = state["sigma_xy"] = xp.sqrt(state["q_x"] * state["q_y"]) * (1.0 - delta)
    state["gap"] = state["q_x"] * delta if equal else None
    out, wanted = {}, set(depths)
    for layer in range(1, depths[-1] + 1):
        if layer in wanted:
            values = _array_values(xp, state)
            out[layer] = {
                "one_minus_rho": values["one_minus_rho"], "rho": values["rho"], "sigma": values["sigma_xy"],
                "theta": values["theta_xy"], "ntk_normalized": values["ntk_normalized"],
                "one_minus_ntk_normalized": values["one_minus_ntk_normalized"],
            }
        if layer == depths[-1]:
            break
        state = _general_layer(ops, P, state)
        if progress is not None and layer % max(1, depths[-1] // 100) == 0:
            progress(layer, depths[-1])
    _check_finite_arrays(xp, out)
    return out
