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
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable, Optional

import mpmath

from asymptotics.accuracy import AGREEMENT, CERTIFIED, ESTIMATE, Approx, mpf_as_fraction
from asymptotics.backends import _SERIES_BELOW, ArbOps, Float64Ops, MpmathOps, ScalarFloatOps
from asymptotics.relu_family import constants_for
from asymptotics.validation import (
    ComputationError,
    InputError,
    check_correlation,
    check_depths,
    check_digits,
    check_finite,
    check_nonnegative,
    check_positive,
)

BACKENDS = ("float64", "mpmath", "arb")
FLOAT64_EPS = 2.0**-53


def _exact(name, value) -> Fraction | float:
    """A parameter as an exact Fraction where possible (int, decimal string, float)."""
    check_finite(name, value)
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        return Fraction(repr(value))  # the decimal the user typed (0.3 -> 3/10), not its binary neighbour
    if isinstance(value, str):
        try:
            return Fraction(value.strip())
        except ValueError:
            return Fraction(float(value))
    if isinstance(value, mpmath.mpf):
        exact = mpf_as_fraction(value)  # int(): gmpy2.mpz parts (mpmath's gmpy backend) -> plain ints
        return Fraction(int(exact.numerator), int(exact.denominator))
    if hasattr(value, "mid") and hasattr(value, "rad"):  # an arb ball: its midpoint, exactly
        return _exact(name, mpmath.mpf(value.mid().str(radius=False, more=True, condense=0)))
    return Fraction(float(value))


@dataclass(frozen=True)
class Network:
    """Fully connected network in the NTK parameterisation.

    ``sigma_w`` and ``sigma_b`` are standard deviations; pass ``sigma_w2`` /
    ``sigma_b2`` (variances) instead for exact values such as sigma_w^2 = 2.
    """

    activation: str = "relu"
    sigma_w: object = None
    sigma_b: object = None
    sigma_w2: object = None
    sigma_b2: object = None

    def __post_init__(self):
        if self.sigma_w is not None and self.sigma_w2 is not None:
            raise InputError("sigma_w", "give sigma_w or sigma_w2, not both")
        if self.sigma_b is not None and self.sigma_b2 is not None:
            raise InputError("sigma_b", "give sigma_b or sigma_b2, not both")
        for name in ("sigma_w", "sigma_b", "sigma_w2", "sigma_b2"):
            value = getattr(self, name)
            if value is not None:
                check_nonnegative(name, value)
        if self.weight_variance == 0:
            raise InputError("sigma_w", "must be > 0")
        constants_for(self.activation)  # unknown / unsupported activation -> InputError now

    @property
    def weight_variance(self) -> Fraction:
        if self.sigma_w2 is not None:
            return _exact("sigma_w2", self.sigma_w2)
        sw = _exact("sigma_w", 1 if self.sigma_w is None else self.sigma_w)
        return sw * sw

    @property
    def bias_variance(self) -> Fraction:
        if self.sigma_b2 is not None:
            return _exact("sigma_b2", self.sigma_b2)
        sb = _exact("sigma_b", 0 if self.sigma_b is None else self.sigma_b)
        return sb * sb

    @classmethod
    def relu_eoc(cls) -> "Network":
        """ReLU on its Edge of Chaos: sigma_w^2 = 2, sigma_b = 0 (seed 001 Fact 12)."""
        return cls("relu", sigma_w2=2, sigma_b2=0)

    def describe(self) -> str:
        from asymptotics.activations import get_activation

        name = get_activation(self.activation).name  # the resolved one: leaky_relu(alpha=0.01), not leaky_relu
        return f"{name}, sigma_w^2={self.weight_variance}, sigma_b^2={self.bias_variance}"


@dataclass(frozen=True)
class LayerValues:
    """Kernel values at one depth L; each field is an :class:`Approx` (None where undefined)."""

    depth: int
    rho: Approx
    one_minus_rho: Approx
    sigma_xy: Approx
    sigma_xx: Approx
    sigma_yy: Approx
    sigma_dot: Optional[Approx]  # Sigma-dot^L needs rho^(L-1): undefined at L = 1
    theta_xy: Approx
    theta_xx: Approx
    theta_yy: Approx
    ntk_normalized: Approx
    one_minus_ntk_normalized: Approx

    FIELDS = (
        "rho", "one_minus_rho", "sigma_xy", "sigma_xx", "sigma_yy", "sigma_dot",
        "theta_xy", "theta_xx", "theta_yy", "ntk_normalized", "one_minus_ntk_normalized",
    )

    def as_dict(self) -> dict:
        out = {"depth": self.depth}
        for name in self.FIELDS:
            value = getattr(self, name)
            out[name] = None if value is None else value.as_dict()
        return out


@dataclass
class KernelTrajectory:
    network: Network
    rho: object
    backend: str
    digits: int
    layers: dict = field(default_factory=dict)
    seconds: float = 0.0
    working_precision_bits: int = 0

    def at(self, depth: int) -> LayerValues:
        if depth not in self.layers:
            raise InputError("depth", f"depth {depth} was not requested (have {sorted(self.layers)})")
        return self.layers[depth]

    @property
    def depths(self):
        return sorted(self.layers)


# --------------------------------------------------------------------------------------
# the step, written once for every number system


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


# Refuse runs estimated to take longer than this (seconds), rather than work for hours without a word.
MAX_SECONDS = 1800.0


def _seconds_per_layer(backend: str, bits: int) -> float:
    """Measured on one core (benchmarks of this module): ~25 us per layer at <= 1000 bits for
    arb, each mpmath run and float64 with its mpmath error check; multiplication-bound beyond."""
    return 2.5e-5 * (2 if backend == "mpmath" else 1) * (1 + (bits / 2000.0) ** 1.6)


def _check_cost(backend: str, depth: int, bits: int, digits, max_seconds: float = MAX_SECONDS):
    """InputError (exit 2) naming the argument to change when a run would exceed ``max_seconds``."""
    estimate = depth * _seconds_per_layer(backend, bits)
    if estimate <= max_seconds:
        return
    at_float = depth * _seconds_per_layer(backend, 53)
    argument = "depth" if at_float > max_seconds / 4 else "digits"
    raise InputError(argument, f"depth {depth} at {bits} working bits ({digits} digits) with the {backend} "
                               f"backend would take about {estimate:.3g} s, beyond the limit of "
                               f"{max_seconds:.0f} s (asymptotics.recursion.MAX_SECONDS)")


def _guard_bits(max_depth: int) -> int:
    # rounding errors add up over L steps and the cancellation in g(theta) amplifies them by
    # ~1/theta ~ L: about 2.5 log2(L) bits are lost by depth L (measured: see tests/benchmarks)
    return 24 + (5 * max(1, int(math.log2(max_depth + 1)))) // 2


# --------------------------------------------------------------------------------------
# generic (biased) step on scalars of any number system


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


def _mid(x):
    if hasattr(x, "mid") and hasattr(x, "rad"):
        if not x.is_finite():
            raise ComputationError(f"an enclosure became unbounded ({x}); raise --digits")
        return _arb_to_mpf(x.mid())
    return x


def _arb_to_mpf(x):
    """The exact value of an exact arb (a dyadic number) as an mpf, without rounding."""
    man, exp = x.man_exp()
    man, exp = int(man), int(exp)
    with mpmath.workprec(max(53, man.bit_length() + 8)):
        return mpmath.mpf((man, exp)) if man >= 0 else -mpmath.mpf((-man, exp))


# --------------------------------------------------------------------------------------
# bias-free closed form of the outputs from (delta, W)


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
    return _arb_to_mpf(x.rad())


# --------------------------------------------------------------------------------------
# arb


def _run_arb(network, rho, depths, digits, q_x, q_y, progress, one_minus_rho=None):
    import flint

    old = flint.ctx.prec
    prec = int(digits * 3.33) + _guard_bits(depths[-1]) + (
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
    kappa, half, one = P.kappa, P.half, arb(1)
    wanted = set(depths)
    last = depths[-1]
    step_report = max(1, last // 100)
    for layer in range(1, last + 1):
        if layer in wanted:
            traj.layers[layer] = _nobias_values(layer, delta, W, a_prev, ops, P, q_x, q_y, CERTIFIED)
        if layer == last:
            break
        # --- the step at the exact midpoint d: sin^2 a = d/2, cos^2 a = 1 - d/2
        d, rad_delta = _delta_midpoint(delta)
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
        g_half = ops.g_half(None, a, d) if a.upper() < _SERIES_BELOW else sin_cos_a - a * (one - d)
        new_delta = d - kappa * g_half
        # --- radii.  delta' is increasing and 1-Lipschitz in delta (module docstring)
        new_delta = arb(new_delta.mid(), new_delta.rad() + rad_delta)
        rad_a = _asin_half_spread(delta, a) if rad_delta != 0 else None
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


def _delta_midpoint(delta):
    """(d, r): an exact midpoint d in [0, 2] and a radius r (exact arb) with delta's ball inside [d -+ r].

    The input's rounding (rho within 1e-400 of -1) can put arb's midpoint just past 2, where
    sqrt(1 - d/2) is undefined; the clipped distance is added to the radius, rounded up.
    """
    import flint

    mid = delta.mid()
    clipped = min(max(mid, flint.arb(0)), flint.arb(2))
    if clipped == mid:
        return mid, delta.rad()
    return clipped, (delta.rad() + abs(mid - clipped)).abs_upper()


def _asin_half_spread(delta, a):
    """An upper bound (exact arb) of max |a(t) - a(mid delta)| over t in the ball delta, a(t) = asin(sqrt(t/2)).

    Mean value bound with |a'(t)| = 1 / (2 sqrt(t (2 - t))) evaluated on the ball; where the ball
    touches 0 or 2 (the derivative is infinite there) a is increasing, so its values at the ends of
    the ball clipped to [0, 2] bound it.
    """
    import flint

    arb = flint.arb
    rad = delta.rad()
    product = delta * (2 - delta)
    if product > 0:
        return (rad / (2 * product.sqrt())).abs_upper()
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


# --------------------------------------------------------------------------------------
# mpmath: two working precisions


def _input_bits(network, rho, q_x, q_y) -> int:
    """Extra working bits the input itself asks for.

    Near rho = -1 the first layer depends on sqrt(1 + rho) (theta = pi - O(sqrt(1 + rho))) and its
    output on (1 + rho)^(3/2): 1 - rho, rounded to p bits, keeps only p - log2(1/(1 + rho)) bits of
    1 + rho.  Twice that many extra bits keep the first layer at the requested relative accuracy.
    (Near rho = +1 nothing is lost: the recursion carries 1 - rho itself.)
    """
    del network, q_x, q_y
    one_plus = 1 + _exact("rho", rho)
    if one_plus == 0 or one_plus >= Fraction(1, 2):
        return 0
    return 2 * (one_plus.denominator.bit_length() - one_plus.numerator.bit_length() + 1)


def _exact_inputs(network, rho, q_x, q_y) -> list:
    return [1 - _exact("rho", rho), _exact("q_x", q_x), _exact("q_y", q_y),
            network.weight_variance, network.bias_variance]


def _rounds_differently(values, low: int, high: int) -> bool:
    """Whether every inexact input rounds to a different number at ``high`` bits than at ``low``
    (so that two runs disagree on the input's rounding too, and their agreement means something)."""
    for q in values:
        with mpmath.workprec(high):
            hi = mpmath.mpf(q.numerator) / q.denominator
        if mpf_as_fraction(hi) == q:
            continue  # exact at the high precision: no rounding to share
        with mpmath.workprec(low):
            lo = mpmath.mpf(q.numerator) / q.denominator
        if mpf_as_fraction(hi) == mpf_as_fraction(lo):
            return False
    return True


def _mpmath_precisions(network, rho, depths, digits, q_x, q_y):
    """(low, high) working precisions of the mpmath backend: high - low >= 32 bits, raised until
    the two runs round every input differently."""
    low = int(digits * 3.33) + _guard_bits(depths[-1]) + _input_bits(network, rho, q_x, q_y)
    high = low + 32
    values = _exact_inputs(network, rho, q_x, q_y)
    while not _rounds_differently(values, low, high):
        high += 32  # the input's binary expansion has a run of >= 32 equal bits after bit `low`
    return low, high


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
    for depth in depths:
        traj.layers[depth] = _map_values(high[depth], low[depth], AGREEMENT, prec)
    return traj


def _map_values(high: LayerValues, low: LayerValues, method, low_prec: int = 53) -> LayerValues:
    fields = {}
    for name in LayerValues.FIELDS:
        h, l = getattr(high, name), getattr(low, name)
        if h is None:
            fields[name] = None
            continue
        # the difference is rounded to the default 53 bits: inflate slightly to keep it an upper bound
        # floor: the low run's rounding unit, so that an exact coincidence never claims infinite digits
        rad = max(abs(h.mid - l.mid), abs(h.mid) * mpmath.mpf(2) ** -low_prec) * (1 + 2.0**-40)
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


# --------------------------------------------------------------------------------------
# float64 scalars (one pair): the shared step functions in Python floats


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
    ref_prec = 53 + 64 + _guard_bits(depths[-1]) + _input_bits(network, rho, q_x, q_y)
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


# --------------------------------------------------------------------------------------
# float64 arrays: many pairs at once (numpy or cupy)


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
        for layer in range(1, depths[-1] + 1):
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
            delta, W, W_lost, a_prev = _nobias_step_compensated(ops, delta, W, W_lost, layer, P.kappa, P.half)
            if progress is not None and layer % max(1, depths[-1] // 100) == 0:
                progress(layer, depths[-1])
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


# --------------------------------------------------------------------------------------
# Gram matrices


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


def _check_data(xp, X, name):
    X = xp.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[0] == 0 or X.shape[1] == 0:
        raise InputError(name, f"expected a non-empty 2-D array (points x features), got shape {X.shape}")
    if not bool(xp.all(xp.isfinite(X))):
        raise InputError(name, "contains non-finite values")
    return X


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


# --------------------------------------------------------------------------------------
# the textbook baseline


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
