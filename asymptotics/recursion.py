"""Depth recursions of the NNGP kernel Sigma, its derivative kernel Sigma-dot and the NTK Theta.

Network (NTK parameterisation, weights and biases N(0, 1), seed 001 lines 82-95,
Lemma 1 lines 118-124; seed 002 Theorem 1; seed 000 lines 142-171):

    Sigma^1(x, x')       = sigma_b^2 + sigma_w^2 x.x' / d
    Sigma^{l+1}(x, x')   = sigma_b^2 + sigma_w^2 E[phi(u) phi(v)],     (u, v) ~ N(0, Sigma^l restricted to x, x')
    Sigmadot^{l+1}(x, x') =             sigma_w^2 E[phi'(u) phi'(v)]
    Theta^1 = Sigma^1,   Theta^{l+1} = Sigmadot^{l+1} Theta^l + Sigma^{l+1}

Seed 000 is sigma_w = 1, sigma_b = 0 (its normalised kernel, Definition 4 lines
261-265, n0 2^(L-1) Theta^(L) / L, equals Theta(x,x')/Theta(x,x) for unit inputs, which is our
``ntk_normalized`` = Theta(x,x') / sqrt(Theta(x,x) Theta(x',x'))).  Jacot et al.
(seed 002) is sigma_w = 1, sigma_b = beta.  Seed 001's ReLU Edge of Chaos is
sigma_w^2 = 2, sigma_b = 0.

Everything is iterated in delta = 1 - rho, never in rho (DESIGN.md, precision
model).  For the ReLU family with sigma_b = 0 the recursion closes on two numbers
per pair (delta and W = L (1 - normalised NTK)):

    delta' = delta - (2 gamma / K1) g(theta)/2,                 theta = 2 asin(sqrt(delta/2))
    W'     = W + x (l - W) + delta',                            x = (gamma / K1) theta

with K1 = (a^2 + b^2)/2 and gamma = (b - a)^2 / (2 pi) (see :mod:`asymptotics.relu_family`);
for ReLU and sigma_w = 1 this is seed 000's Proposition 4 (lines 273-275) rewritten for
the complement.  With biases the general step carries the variances as well.

Certification (arb): the map delta -> delta' is increasing and 1-Lipschitz for the
whole ReLU family and any (sigma_w, sigma_b), because d rho'/d rho =
sigma_w^2 sqrt(q_x q_y) k'(rho) / sqrt(q_x' q_y') <= 1 (k' is largest at rho = 1 and
sqrt(q_x' q_y') >= sigma_b^2 + sigma_w^2 K1 sqrt(q_x q_y) by Cauchy-Schwarz).  So each
step evaluates the map at the exact midpoint and adds the previous radius: the
enclosure grows only by rounding, never by the dependency effect that makes naive
ball iteration of acos near 1 blow up.

Modules (one idea each; everything is re-exported here): :mod:`~asymptotics.recursion_types`
(Network, LayerValues, KernelTrajectory), :mod:`~asymptotics.recursion_steps` (one layer, any number
system), :mod:`~asymptotics.recursion_cost` (precision and cost up front), :mod:`~asymptotics.recursion_arb`
(certified), :mod:`~asymptotics.recursion_scalar` (mpmath agreement, float64 estimate),
:mod:`~asymptotics.recursion_arrays` (vectorised float64, textbook baseline); this module: the entry
points kernel_at_depths, gram_at_depths, one_minus_rho_from_inputs.
"""
from __future__ import annotations

import math
from typing import Callable, Optional

from asymptotics.backends import Float64Ops
from asymptotics.validation import InputError, check_correlation, check_depths, check_digits, check_positive

from asymptotics.recursion_types import (  # noqa: F401  (re-exported: this module is the public entry point)
    BACKENDS,
    FLOAT64_EPS,
    _exact,
    Network,
    LayerValues,
    KernelTrajectory,
)
from asymptotics.recursion_steps import (  # noqa: F401  (re-exported: this module is the public entry point)
    _nobias_step,
    _nobias_step_compensated,
    _Params,
    _params,
    _general_layer,
    _widen,
    _clip_delta,
    _half_angle_of_ball,
    _initial_state,
    _general_values,
    _mid,
    _arb_to_mpf,
    _nobias_values,
    _arb_rad,
)
from asymptotics.recursion_cost import (  # noqa: F401  (re-exported: this module is the public entry point)
    MAX_SECONDS,
    _seconds_per_layer,
    _check_cost,
    _guard_bits,
    _input_bits,
    _exact_inputs,
    _rounds_differently,
    _mpmath_precisions,
)
from asymptotics.recursion_arb import (  # noqa: F401  (re-exported: this module is the public entry point)
    _run_arb,
    _arb_nobias,
    _delta_midpoint,
    _asin_half_spread,
    _arb_general,
)
from asymptotics.recursion_scalar import (  # noqa: F401  (re-exported: this module is the public entry point)
    _run_mpmath,
    _map_values,
    _mpmath_once,
    _iterate_point,
    _run_float64,
)
from asymptotics.recursion_arrays import (  # noqa: F401  (re-exported: this module is the public entry point)
    pair_arrays_at_depths,
    _array_values,
    _check_array_correlation,
    _check_data,
    _check_finite_arrays,
    _assemble,
    naive_float64_pairs,
    naive_float64_gram,
)

__all__ = [
    "Network", "kernel_at_depths", "gram_at_depths", "pair_arrays_at_depths", "naive_float64_pairs",
    "naive_float64_gram", "one_minus_rho_from_inputs", "LayerValues", "KernelTrajectory", "BACKENDS",
]


def _check_inputs(rho, depths, q_x, q_y):
    check_correlation("rho", rho)
    depths = check_depths("depths", depths)
    check_positive("q_x", q_x)
    if q_y is None:
        q_y = q_x
    check_positive("q_y", q_y)
    return depths, q_y


def kernel_at_depths(network: Network, rho, depths, backend: str = "float64", digits: int = 50,
                     q_x=1, q_y=None, progress: Optional[Callable[[int, int], None]] = None,
                     check_precision: bool = True, one_minus_rho=None) -> KernelTrajectory:
    """Sigma, Sigma-dot, Theta and the normalised NTK of one pair at each requested depth.

    ``rho`` is the layer-1 correlation, ``q_x``, ``q_y`` the layer-1 variances
    Sigma^1(x,x), Sigma^1(x',x').  ``backend``: 'float64' (an estimate of the error is
    attached), 'mpmath' (two working precisions; their difference is the stated
    accuracy) or 'arb' (certified enclosures).  ``progress(done, total)`` is called
    now and then on long runs.  ``one_minus_rho`` (backend 'arb' only): an arb ball enclosing
    1 - rho^(1), used instead of ``rho`` (e.g. computed rigorously from data); ``rho`` may be None.
    """
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


def gram_at_depths(network: Network, X, depths, Y=None, xp=None, progress=None) -> dict:
    """Kernel matrices at each depth for the rows of X (and Y x X when Y is given).

    Returns {depth: {field: (m x n) array}} with fields one_minus_rho, rho, sigma, theta,
    ntk_normalized, one_minus_ntk_normalized (sigma/theta are None when they leave float64's
    range).  Float64, iterated in 1 - rho; with xp=cupy on a GPU.  For X alone only the
    n(n-1)/2 pairs above the diagonal are iterated (the diagonal has rho = 1 exactly).
    """
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
