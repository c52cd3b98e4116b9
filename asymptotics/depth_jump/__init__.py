"""Depth at O(1) cost: jumps along the Fatou coordinate instead of iterating every layer (issue 15).

Source: the parabolic fixed point c = 1 on the Edge of Chaos (seed 001 Fact 12 for ReLU,
../shared/seeds/; the depth laws it implies are :mod:`asymptotics.depth_laws`).

:func:`kernel_by_method` is what :func:`asymptotics.recursion.kernel_at_depths` calls for
``method="auto"`` or ``"jump"``; :func:`gram_by_method` likewise for
:func:`asymptotics.recursion.gram_at_depths`.  Covered (certified on the arb backend):

* the ReLU family without biases (ReLU, leaky ReLU, abrelu; any sigma_w) on its parabolic fixed
  point rho = 1 (:mod:`~asymptotics.depth_jump.relu_fatou`, the NTK by
  :mod:`~asymptotics.depth_jump.ntk_along_orbit`, assembled in :mod:`~asymptotics.depth_jump.relu_jump`).

* the ReLU family with biases in the ordered phase chi_1 < 1 (a linearisation with a certified
  remainder: :mod:`~asymptotics.depth_jump.relu_bias_jump`, float64 Gram :mod:`~asymptotics.depth_jump.float64_ordered`;
  chi_1 = 1 with biases iterates, and says why).

* the ReLU family with biases in the chaotic phase chi_1 > 1 (the bias-free Fatou jump with the bias's
  O(chi_1^-l) perturbation bounded, the NTK along the same orbit: :mod:`~asymptotics.depth_jump.relu_chaotic_jump`;
  every field; float64 Gram matrices iterate).

* tanh on the Edge of Chaos in delta = 1 - c (:mod:`~asymptotics.depth_jump.smooth_fatou`,
  :func:`~asymptotics.depth_jump.smooth_fatou.tanh_eoc_jump`; 'agreement', like its quadrature constants).
  Certified: :func:`~asymptotics.depth_jump.tanh_certified.tanh_eoc_certified` (arb constants, layers and jump).
  Its NTK, certified: :func:`~asymptotics.depth_jump.tanh_ntk.tanh_eoc_ntk` (same return shape as ``erf_eoc_ntk``).

* erf on the Edge of Chaos in delta = 1 - c, certified end to end from its closed forms
  (:mod:`asymptotics.erf_certified` for the EOC point and the map, :mod:`~asymptotics.depth_jump.erf_germ`,
  :mod:`~asymptotics.depth_jump.erf_eoc`): :func:`~asymptotics.depth_jump.erf_eoc.erf_eoc_depths` returns a
  :class:`~asymptotics.smooth_depth.SmoothDepthTrajectory` like ``eoc_correlation_depths`` does for tanh
  (1 - c^l, f'(c^l)), :func:`~asymptotics.depth_jump.erf_eoc.erf_eoc_ntk` the NTK (K^l = Theta^l_xy / q*,
  N_l = K^l / l -> 1/3).  Not routed through :func:`kernel_by_method` (that takes a ReLU-family ``Network``).

``backend="mpmath"`` runs the arb jump (certified, stronger than agreement; the note says so);
``backend="float64"`` and Gram matrices use :mod:`~asymptotics.depth_jump.float64_jump` (estimates).
Everything else iterates, and the trajectory says so: ``traj.method`` is ``"iterate"`` or
``"jump"``, ``traj.depth_methods`` maps each depth to how it was computed and
``traj.method_note`` gives the reason.  Jumped depths also get ``traj.extras[L]`` with
``ntk_minus_limit`` (N_L - 1/4) and ``orbit_shift`` (1/(A s_L) - L), certified to their own
absolute accuracy (N_L itself is limited by the working precision near 1/4).  ``method="jump"`` outside the covered cases refuses
(:class:`~asymptotics.validation.InputError` naming ``method``).
"""
from __future__ import annotations

import math
import time
from fractions import Fraction

import mpmath

from asymptotics.validation import InputError, check_depths

METHODS = ("auto", "iterate", "jump")
#: ``auto`` jumps only for depths beyond this (below it iteration takes about a second or less)
AUTO_JUMP_ABOVE = 10**5


def check_method(method) -> str:
    if method not in METHODS:
        raise InputError("method", f"expected one of {', '.join(METHODS)}, got {method!r}")
    return method


def jump_unavailable(network, backend) -> str | None:
    """Why no certified jump covers this case (None when one does)."""
    from asymptotics.depth_jump.relu_jump import choose_l0

    if backend not in ("arb", "mpmath", "float64"):
        return f"unknown backend {backend!r}"
    try:
        l0 = choose_l0(network.activation)
    except InputError:
        return f"{network.activation!r} is not in the ReLU family"
    if network.bias_variance != 0:  # ordered phase: relu_bias_jump; chaotic: relu_chaotic_jump; chi_1 = 1: iterated
        from asymptotics.depth_jump.relu_bias_jump import family_constants, phase_reason
        from asymptotics.depth_jump.relu_chaotic_jump import chaotic_reason

        if family_constants(network)[4] > 1:
            return chaotic_reason(network)

        return phase_reason(network)
    if l0 is None:
        return "the activation is (nearly) linear: the orbit reaches the fixed point too slowly for the jump"
    return None


def _chaotic_with_bias(network) -> bool:
    from asymptotics.depth_jump.relu_chaotic_jump import chaotic_reason

    return network.bias_variance != 0 and chaotic_reason(network) is None


def kernel_by_method(network, rho, depths, *, backend="float64", digits=50, q_x=1, q_y=None, method="auto",
                     progress=None, check_precision=True):
    """:func:`asymptotics.recursion.kernel_at_depths` with the depth method chosen (see module doc)."""
    from asymptotics.recursion.iterate import iterate_kernel
    from asymptotics.recursion.network import Network

    method = check_method(method)
    if not isinstance(network, Network):
        raise InputError("network", f"expected a Network, got {network!r}")
    depths = check_depths("depths", depths)  # strings read exactly: '1e100' is 10^100
    reason = jump_unavailable(network, backend)
    if method == "jump" and reason:
        raise InputError("method", f"no certified jump here: {reason}; use method='iterate'")
    if method == "iterate" or reason or (method == "auto" and depths[-1] <= AUTO_JUMP_ABOVE):
        traj = iterate_kernel(network, rho, depths, backend=backend, digits=digits, q_x=q_x, q_y=q_y,
                                progress=progress, check_precision=check_precision)
        note = reason or (f"depths up to {AUTO_JUMP_ABOVE} are iterated" if method == "auto" else "requested")
        return _annotate(traj, "iterate", {d: "iterate" for d in depths}, note)
    from asymptotics.validation import ComputationError

    try:
        if _chaotic_with_bias(network):  # chi_1 > 1 with biases (relu_chaotic_jump), arb on every backend
            return _ordered(network, rho, depths, backend, digits, q_x, q_y, progress, chaotic=True)
        if network.bias_variance != 0:  # the ordered phase with biases (relu_bias_jump), arb on every backend
            return _ordered(network, rho, depths, backend, digits, q_x, q_y, progress)
        if backend == "float64":
            return float64_jump_kernel(network, rho, depths, q_x=q_x, q_y=q_y, progress=progress)
        traj = jump_kernel(network, rho, depths, digits=digits, q_x=q_x, q_y=q_y, progress=progress)
    except ComputationError as err:
        if method == "jump":
            raise
        # auto: fall back to iterating (which refuses depths it cannot reach in reasonable time)
        traj = iterate_kernel(network, rho, depths, backend=backend, digits=digits, q_x=q_x, q_y=q_y,
                                progress=progress, check_precision=check_precision)
        return _annotate(traj, "iterate", {d: "iterate" for d in depths}, f"the jump failed ({err}); iterated")
    if backend == "mpmath":
        traj.method_note += "; mpmath was asked for: the jump runs in arb balls (certified, stronger than agreement)"
    return traj


def _ordered(network, rho, depths, backend, digits, q_x, q_y, progress, chaotic=False):
    from asymptotics.depth_jump.relu_bias_jump import ordered_kernel
    from asymptotics.depth_jump.relu_chaotic_jump import chaotic_kernel

    traj = (chaotic_kernel if chaotic else ordered_kernel)(network, rho, depths, digits=17 if backend == "float64" else digits, q_x=q_x, q_y=q_y,
                          progress=progress)
    if backend != "arb":
        traj.method_note += f"; {backend} was asked for: the jump runs in arb balls (certified, stronger than agreement)"
    return traj


def float64_jump_kernel(network, rho, depths, q_x=1, q_y=None, progress=None):
    """One pair in float64: iterate to L0, then the float64 jump (an estimate, like every float64 figure).

    The stated error, (8 L0 + 64) eps |value|, covers the a-priori bound of the L0 iterated layers
    (the jump shrinks their error by L0/L) plus the jump's own roundings; labelled 'estimate'.
    """
    import math

    import numpy as np

    from asymptotics.accuracy import ESTIMATE, Approx
    from asymptotics.depth_jump.float64_jump import jump_pairs
    from asymptotics.recursion.iterate import iterate_kernel
    from asymptotics.recursion.network import LayerValues
    from asymptotics.relu_family import constants_for

    start = time.perf_counter()
    depths = check_depths("depths", depths)  # strings read exactly: '1e100' is 10^100
    l0 = float64_l0(network.activation)
    iterated = sorted({d for d in depths if d <= l0} | {l0})
    base = iterate_kernel(network, rho, iterated, backend="float64", q_x=q_x, q_y=q_y, progress=progress)
    phi = constants_for(network.activation)
    slopes = (Fraction(phi.a), Fraction(phi.b))
    k1 = (slopes[0] ** 2 + slopes[1] ** 2) / 2
    c, sw2, gamma2 = float(network.weight_variance * k1), float(network.weight_variance), float((slopes[1] - slopes[0]) ** 2) / math.pi
    qx, qy = float(q_x), float(q_x if q_y is None else q_y)
    d0 = np.array([float(base.at(l0).one_minus_rho.mid)])
    n0 = np.array([float(base.at(l0).ntk_normalized.mid)])
    eps = 2.0**-53
    layers = {d: base.at(d) for d in depths if d <= l0}
    for L in (d for d in depths if d > l0):
        delta, one_minus_n = (float(x[0]) for x in jump_pairs(np, slopes, d0, n0, l0, L))
        prev = float(jump_pairs(np, slopes, d0, n0, l0, L - 1)[0][0]) if L - 1 > l0 else float(d0[0])
        N = 1.0 - one_minus_n
        try:
            scale = c ** (L - 1)
        except OverflowError:
            scale = math.inf
        big = not math.isfinite(scale * float(L)) or scale == 0.0

        def ap(v, _L=L):
            if v is None or not math.isfinite(v):
                return None
            return Approx(mpmath.mpf(v), mpmath.mpf((8 * l0 + 64) * eps * abs(v)), ESTIMATE)

        s1 = math.sqrt(qx * qy)
        fields = {"rho": 1.0 - delta, "one_minus_rho": delta,
                  "sigma_xy": None if big else scale * s1 * (1 - delta),
                  "sigma_xx": None if big else scale * qx, "sigma_yy": None if big else scale * qy,
                  "sigma_dot": sw2 * float(k1) - sw2 * gamma2 * math.asin(math.sqrt(prev / 2)),
                  "theta_xy": None if big else float(L) * scale * s1 * N,
                  "theta_xx": None if big else float(L) * scale * qx, "theta_yy": None if big else float(L) * scale * qy,
                  "ntk_normalized": N, "one_minus_ntk_normalized": one_minus_n}
        layers[L] = LayerValues(L, **{k: ap(v) for k, v in fields.items()})
    base.layers = layers
    base.seconds = time.perf_counter() - start
    methods = {d: ("iterate" if d <= l0 else f"float64 jump(L0={l0})") for d in depths}
    return _annotate(base, "jump", methods, f"float64: iterated to L0 = {l0}, then the Fatou-coordinate jump (an estimate)")


def jump_kernel(network, rho, depths, digits=50, q_x=1, q_y=None, l0=None, progress=None):
    """The certified jump (arb) from a chosen depth ``l0`` (default: :func:`relu_jump.choose_l0`)."""
    from asymptotics.depth_jump.relu_jump import choose_l0, jump_layers
    from asymptotics.recursion.iterate import iterate_kernel
    from asymptotics.validation import check_depth, check_digits

    start = time.perf_counter()
    digits = check_digits("digits", digits)
    depths = check_depths("depths", depths)  # strings read exactly: '1e100' is 10^100
    reason = jump_unavailable(network, "arb")
    if reason:
        raise InputError("method", f"no certified jump here: {reason}; use method='iterate'")
    if _chaotic_with_bias(network):
        from asymptotics.depth_jump.relu_chaotic_jump import chaotic_kernel

        return chaotic_kernel(network, rho, depths, digits=digits, q_x=q_x, q_y=q_y, l0=l0, progress=progress)
    if network.bias_variance != 0:
        from asymptotics.depth_jump.relu_bias_jump import ordered_kernel

        return ordered_kernel(network, rho, depths, digits=digits, q_x=q_x, q_y=q_y, l0=l0, progress=progress)
    l0 = choose_l0(network.activation) if l0 is None else check_depth("l0", l0, minimum=2)
    iterated = sorted({d for d in depths if d <= l0} | {l0})
    base = iterate_kernel(network, rho, iterated, backend="arb", digits=digits + 10 + _near_one_digits(rho),
                            q_x=q_x, q_y=q_y, progress=progress)
    q_y = q_x if q_y is None else q_y
    jumped = [d for d in depths if d > l0]
    layers = {d: base.at(d) for d in depths if d <= l0}
    extras = {}
    layers.update(jump_layers(network, base.at(l0), l0, jumped, digits, q_x, q_y, extras))
    base.extras = extras
    base.layers = layers
    base.digits = digits
    base.seconds = time.perf_counter() - start
    from asymptotics.depth_jump.relu_jump import terms_for, working_precision

    base.working_precision_bits = working_precision(digits)
    methods = {d: ("iterate" if d <= l0 else f"jump(L0={l0}, K={terms_for(digits)})") for d in depths}
    return _annotate(base, "jump", methods, f"iterated to L0 = {l0} (certified), then the Fatou-coordinate jump")


def _near_one_digits(rho) -> int:
    """log10(1/(1 - rho)) for rho next to 1 (else 0): an orbit that starts within delta of the fixed point
    barely moves, and the jump's 1/(A s) - L and the NTK's functions of s need s_L0 to that many more
    digits (a precision choice only)."""
    try:
        one_minus = 1 - Fraction(str(rho).strip())
    except (ValueError, ZeroDivisionError, TypeError):
        return 0  # not a single correlation (the iteration validates it)
    if not 0 < one_minus < Fraction(1, 10**8):
        return 0
    return min(math.ceil(math.log10(one_minus.denominator) - math.log10(one_minus.numerator)), 10**4)


def _annotate(traj, method, depth_methods, note):
    traj.method = method
    traj.depth_methods = depth_methods
    traj.method_note = note
    return traj


class GramResult(dict):
    """{depth: {field: array}} as :func:`asymptotics.recursion.gram_at_depths` returns it, plus
    ``method``, ``depth_methods`` and ``method_note`` (how each depth was computed, and why)."""

    method = "iterate"
    depth_methods: dict = {}
    method_note = ""


#: float64 Gram matrices jump beyond this depth under ``auto`` (iterating L0 = 1000 layers is the floor)
AUTO_GRAM_JUMP_ABOVE = 4000


def gram_by_method(network, X, depths, Y=None, xp=None, progress=None, method="auto"):
    """:func:`asymptotics.recursion.gram_at_depths` with the depth method chosen (float64 jump)."""
    from asymptotics.recursion.iterate import iterate_gram
    from asymptotics.recursion.network import Network

    method = check_method(method)
    if not isinstance(network, Network):
        raise InputError("network", f"expected a Network, got {network!r}")
    depths = check_depths("depths", depths)  # strings read exactly: '1e100' is 10^100
    reason = jump_unavailable(network, "arb")  # the float64 jump covers what the arb jump covers
    if reason is None and _chaotic_with_bias(network):
        reason = "chaotic phase with biases: the certified jump covers one pair (kernel_at_depths), not float64 Gram matrices"
    if method == "jump" and reason:
        raise InputError("method", f"no jump here: {reason}; use method='iterate'")
    if method == "iterate" or reason or (method == "auto" and depths[-1] <= AUTO_GRAM_JUMP_ABOVE):
        out = GramResult(iterate_gram(network, X, depths, Y=Y, xp=xp, progress=progress))
        out.method, out.depth_methods = "iterate", {d: "iterate" for d in depths}
        out.method_note = reason or (f"depths up to {AUTO_GRAM_JUMP_ABOVE} are iterated" if method == "auto" else "requested")
        return out
    if network.bias_variance != 0:  # the ordered phase with biases (float64_ordered)
        from asymptotics.depth_jump.float64_ordered import ordered_gram

        fields, l0 = ordered_gram(network, X, depths, Y=Y, xp=xp, progress=progress)
        out = GramResult(fields)
        out.method = "jump"
        out.depth_methods = {d: ("iterate" if d <= l0 else f"float64 ordered jump(L0={l0})") for d in depths}
        out.method_note = (f"float64, ordered phase with biases: iterated to L0 = {l0}, then the linearised closed form "
                           "per pair (an estimate); 1 - rho and 1 - N underflow to 0 beyond float64's range")
        return out
    return _gram_jump(network, X, depths, Y, xp, progress, float64_l0(network.activation))


def float64_l0(activation) -> int:
    """float64 needs far fewer orders than 50 certified digits: s_L0 ~ 1/15 leaves a Fatou truncation
    error (K = 16 orders, |e_n| <~ 1e-7 (s/0.5)^n) near 1e-22, so L0 is 10x smaller than for the arb jump."""
    from asymptotics.depth_jump.relu_jump import choose_l0

    return max(100, choose_l0(activation) // 10)


def _gram_jump(network, X, depths, Y, xp, progress, l0):
    import math

    from asymptotics.depth_jump.float64_jump import jump_pairs
    from asymptotics.relu_family import constants_for
    from asymptotics.recursion.arrays import pair_arrays_at_depths
    from asymptotics.recursion.iterate import one_minus_rho_from_inputs

    if xp is None:
        import numpy as xp
    delta, q_x, q_y = one_minus_rho_from_inputs(network, X, Y, xp)
    symmetric = Y is None
    m, n = delta.shape
    flat = delta[xp.triu_indices(n, 1)] if symmetric else delta.reshape(-1)
    iterated = sorted({d for d in depths if d <= l0} | {l0})
    pairs = pair_arrays_at_depths(network, None, iterated, one_minus_rho=flat, xp=xp, progress=progress)
    phi = constants_for(network.activation)
    slopes = (Fraction(phi.a), Fraction(phi.b))
    c = float(network.weight_variance * (slopes[0] ** 2 + slopes[1] ** 2) / 2)
    roots = xp.sqrt(q_x[:, None] * q_y[None, :])
    out = GramResult()
    for depth in depths:
        if depth <= l0:
            one_minus_rho, one_minus_ntk = pairs[depth]["one_minus_rho"], pairs[depth]["one_minus_ntk_normalized"]
        else:
            one_minus_rho, one_minus_ntk = jump_pairs(xp, slopes, pairs[l0]["one_minus_rho"],
                                                      pairs[l0]["ntk_normalized"], l0, depth)
        fields = {"one_minus_rho": _assemble(xp, one_minus_rho, symmetric, (m, n)),
                  "one_minus_ntk_normalized": _assemble(xp, one_minus_ntk, symmetric, (m, n))}
        fields["rho"] = 1.0 - fields["one_minus_rho"]
        fields["ntk_normalized"] = 1.0 - fields["one_minus_ntk_normalized"]
        try:
            scale = c ** (depth - 1)
        except OverflowError:
            scale = math.inf
        if scale == 0.0 or not math.isfinite(scale) or not math.isfinite(float(depth) * scale):
            fields["sigma"] = fields["theta"] = None  # outside float64's range: no confident 0 or inf
        else:
            fields["sigma"] = scale * roots * fields["rho"]
            fields["theta"] = float(depth) * scale * roots * fields["ntk_normalized"]
        out[depth] = fields
    out.method = "jump"
    out.depth_methods = {d: ("iterate" if d <= l0 else f"float64 jump(L0={l0})") for d in depths}
    out.method_note = f"float64: iterated to L0 = {l0}, then the Fatou-coordinate jump per pair (an estimate)"
    return out


def _assemble(xp, flat, symmetric, shape):
    if not symmetric:
        return flat.reshape(shape)
    n = shape[0]
    full = xp.zeros(shape, dtype=float)
    iu = xp.triu_indices(n, 1)
    full[iu] = flat
    full[(iu[1], iu[0])] = flat
    return full
