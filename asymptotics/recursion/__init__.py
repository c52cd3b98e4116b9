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

Modules (one idea each; everything is re-exported here): :mod:`~asymptotics.recursion.network`
(Network, LayerValues, KernelTrajectory), :mod:`~asymptotics.recursion.steps` (one layer, any number
system), :mod:`~asymptotics.recursion.cost` (precision and cost up front), :mod:`~asymptotics.recursion.arb`
(certified), :mod:`~asymptotics.recursion.scalar` (mpmath agreement, float64 estimate),
:mod:`~asymptotics.recursion.arrays` (vectorised float64, textbook baseline); this module: the entry
points kernel_at_depths, gram_at_depths, one_minus_rho_from_inputs.
"""
from __future__ import annotations

from typing import Callable, Optional

from asymptotics.validation import InputError

from asymptotics.recursion.network import (  # noqa: F401  (re-exported: this module is the public entry point)
    BACKENDS,
    FLOAT64_EPS,
    _exact,
    Network,
    LayerValues,
    KernelTrajectory,
)
from asymptotics.recursion.steps import (  # noqa: F401  (re-exported: this module is the public entry point)
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
    arb_to_mpf,
    _nobias_values,
    _arb_rad,
)
from asymptotics.recursion.cost import (  # noqa: F401  (re-exported: this module is the public entry point)
    MAX_SECONDS,
    seconds_per_layer,
    _check_cost,
    guard_bits,
    _input_bits,
    _exact_inputs,
    _rounds_differently,
    _mpmath_precisions,
)
from asymptotics.recursion.arb import (  # noqa: F401  (re-exported: this module is the public entry point)
    _run_arb,
    _arb_nobias,
    _delta_midpoint,
    _asin_half_spread,
    _arb_general,
)
from asymptotics.recursion.scalar import (  # noqa: F401  (re-exported: this module is the public entry point)
    _run_mpmath,
    _map_values,
    _mpmath_once,
    _iterate_point,
    _run_float64,
)
from asymptotics.recursion.arrays import (  # noqa: F401  (re-exported: this module is the public entry point)
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
from asymptotics.recursion.iterate import iterate_gram, iterate_kernel, one_minus_rho_from_inputs  # noqa: F401


def kernel_at_depths(network: Network, rho, depths, backend: str = "float64", digits: int = 50,
                     q_x=1, q_y=None, progress: Optional[Callable[[int, int], None]] = None,
                     check_precision: bool = True, one_minus_rho=None, method: str = "auto") -> KernelTrajectory:
    """Sigma, Sigma-dot, Theta and the normalised NTK of one pair at each requested depth.

    ``rho`` is the layer-1 correlation, ``q_x``, ``q_y`` the layer-1 variances
    Sigma^1(x,x), Sigma^1(x',x').  ``backend``: 'float64' (an estimate of the error is
    attached), 'mpmath' (two working precisions; their difference is the stated
    accuracy) or 'arb' (certified enclosures).  ``progress(done, total)`` is called
    now and then on long runs.  ``one_minus_rho`` (backend 'arb' only): an arb ball enclosing
    1 - rho^(1), used instead of ``rho`` (e.g. computed rigorously from data); ``rho`` may be None.
    ``method``: 'iterate' (every layer), 'jump' (iterate to a moderate
    depth, then jump; certified on arb for the bias-free ReLU family and, with biases, its ordered phase) or
    'auto' (the jump where it is covered and pays); see :mod:`asymptotics.depth_jump`.
    """
    # --- depth-method dispatch (issue 15): everything but 'iterate' goes to asymptotics.depth_jump,
    # which reports the method used (traj.method, traj.depth_methods, traj.method_note)
    if method == "jump" and one_minus_rho is not None:
        raise InputError("method", "the jump starts from rho; a one_minus_rho ball is iterated (method 'iterate')")
    if method != "iterate" and one_minus_rho is None:
        from asymptotics.depth_jump import kernel_by_method

        return kernel_by_method(network, rho, depths, backend=backend, digits=digits, q_x=q_x, q_y=q_y,
                                method=method, progress=progress, check_precision=check_precision)
    # --- end of depth-method dispatch
    traj = iterate_kernel(network, rho, depths, backend=backend, digits=digits, q_x=q_x, q_y=q_y, progress=progress,
                          check_precision=check_precision, one_minus_rho=one_minus_rho)
    # the trajectory says how it was computed on every path, as the jump's does
    traj.method, traj.depth_methods = "iterate", {L: "iterate" for L in traj.depths}
    traj.method_note = ("a one_minus_rho ball is iterated" if one_minus_rho is not None
                        else "method 'iterate': every layer iterated")
    return traj


def gram_at_depths(network: Network, X, depths, Y=None, xp=None, progress=None, method: str = "auto") -> dict:
    """Kernel matrices at each depth for the rows of X (and Y x X when Y is given).

    Returns {depth: {field: (m x n) array}} with fields one_minus_rho, rho, sigma, theta,
    ntk_normalized, one_minus_ntk_normalized (sigma/theta are None when they leave float64's
    range).  Float64, iterated in 1 - rho; with xp=cupy on a GPU.  For X alone only the
    n(n-1)/2 pairs above the diagonal are iterated (the diagonal has rho = 1 exactly).
    ``method``: 'iterate', 'jump' or 'auto', as for :func:`kernel_at_depths` (float64 jump).
    """
    # --- depth-method dispatch (issue 15): everything but 'iterate' goes to asymptotics.depth_jump
    # (a dict subclass with .method, .depth_methods, .method_note)
    if method != "iterate":
        from asymptotics.depth_jump import gram_by_method

        return gram_by_method(network, X, depths, Y=Y, xp=xp, progress=progress, method=method)
    # --- end of depth-method dispatch
    return iterate_gram(network, X, depths, Y=Y, xp=xp, progress=progress)
