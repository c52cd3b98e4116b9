"""erf on the Edge of Chaos at any depth, certified: iterate exactly to L0, then jump along the Fatou coordinate.

Source: the correlation recursion c^(l+1) = f(c^l) on the EOC (../shared/seeds/001_018e0351582ed44f.txt:140,
:638-646), for phi = erf in closed form (:mod:`asymptotics.erf_certified`).  Depth 1 is the starting
correlation, as in :func:`asymptotics.smooth_depth.eoc_correlation_depths`.

Why every ball contains the true value:

1. q* and sigma_w: a ball proved to contain the unique zero of the EOC residual (verified sign change of a
   strictly decreasing function, :func:`asymptotics.erf_certified.erf_eoc_point`).  Every map below is
   evaluated on that ball, so it encloses the map at the true q*.
2. Iteration: delta = 1 - c in a ball [lo, hi]; g(delta) = 1 - f(1 - delta) is increasing, so the next
   orbit point lies in [lower g(lo), upper g(hi)] (arb at the exact end points, cancellation-free delta form).
   The widths then shrink with g' (no dependency blow-up); rounding costs about log2(L) bits, which the
   working precision adds.
3. Jump: g(delta) = delta R(delta) is an analytic germ (:class:`~asymptotics.depth_jump.erf_germ.ErfGerm`),
   whose Fatou coordinate :class:`~asymptotics.depth_jump.relu_fatou.AbelCoordinate` (Taylor coefficients by
   arb_series, Abel defect summed over the skipped layers with a Cauchy tail on |z| = r) maps the ball at L0
   to a ball around delta_L, for any L (10^100 included: no layer is indexed).
4. f'(c^L) = 1/sqrt(1 + u(delta_L)) and 1 - f'(c^L) in closed form on the ball of delta_L.

NTK (:func:`erf_eoc_ntk`): for inputs at the fixed-point variance q*, Theta^1 = Sigma^1 and
Theta^{l+1} = Sigmadot^{l+1} Theta^l + Sigma^{l+1} (:mod:`asymptotics.recursion`; seed 001 Lemma 1,
../shared/seeds/001_018e0351582ed44f.txt:118-124) with Sigma^l_xy = q* c^l, Sigmadot^{l+1}_xy = f'(c^l) and
Sigmadot_xx = chi_1 = 1, so in units of q*, K^l = Theta^l_xy / q*:

    K^1 = c^1,   K^{l+1} = f'(c^l) K^l + c^{l+1},   Theta^l_xx = l q*,   N_l = K^l / l (the normalised NTK).

Iterated in arb balls (f'(c^l) and c^{l+1} on the certified balls of delta_l, delta_{l+1}) to L0, then jumped
by :class:`~asymptotics.depth_jump.ntk_along_orbit.OrbitNTK` with the germ's exponent p = 2 (D_l = K^l obeys
D_{l+1} = m(delta_l) D_l + b(delta_l), m = f'(1 - delta), b = 1 - g(delta)), which gives D_L - L/3 to its
absolute accuracy, hence N_L - 1/3 to its relative one.

Every value is an :class:`~asymptotics.accuracy.Approx` with exact dyadic midpoint and radius, method
``certified``.
"""
from __future__ import annotations

import math
import time
from fractions import Fraction
from functools import lru_cache

from flint import arb, fmpq

from asymptotics.depth_jump import series_tools as st
from asymptotics.validation import ComputationError, InputError, check_correlation, check_depth, check_depths, \
    check_digits, exact_real

#: the jump aims at delta_L0 ~ radius * TARGET_RATIO: each Fatou order then gains about log10(1/TARGET_RATIO) digits
TARGET_RATIO = Fraction(1, 100)
MAX_L0 = 2 * 10**5
#: full iteration beyond this many layers is refused (about 20 us a layer)
MAX_ITERATED = 10**7
MAX_DIGITS = 300
METHODS = ("auto", "iterate", "jump")


def working_precision(digits: int) -> int:
    from asymptotics.depth_jump.relu_jump import working_precision as relu_precision

    return relu_precision(digits)


def terms_for(digits: int) -> int:
    from asymptotics.depth_jump.relu_jump import terms_for as relu_terms

    return relu_terms(digits)


def iteration_precision(digits: int, layers: int) -> int:
    """Working bits plus about 2 log2(L) for the rounding of L iterated layers (module doc, step 2)."""
    return working_precision(digits) + 2 * int(layers).bit_length() + 16


def iterate_orbit(point, delta_start: Fraction, record, prec: int, with_ntk: bool = False) -> dict:
    """{L: (lo, hi)} or, ``with_ntk``, {L: (lo, hi, K^L)} for L in ``record`` (depth 1 = delta_start):
    delta_L in [lo, hi] by the monotone map, K^L a ball (module doc)."""
    out = {}
    with st.arb_precision(prec):
        ball = arb(fmpq(delta_start.numerator, delta_start.denominator))
        lo, hi = st.lower(ball), st.upper(ball)
        zero, two = arb(0), arb(2)
        lo, hi = max(lo, zero), min(hi, two)  # 0 <= delta <= 2 (|f| <= 1)
        K = 1 - lo.union(hi)
        targets = sorted(set(record))
        layer = 1
        for target in targets:
            for _ in range(target - layer):
                slope = point.f_prime(lo.union(hi)) if with_ntk else None
                lo = max(st.lower(point.g(lo)), zero)
                hi = min(st.upper(point.g(hi)), two)
                if with_ntk:
                    K = slope * K + (1 - lo.union(hi))
            layer = target
            out[target] = (lo, hi, K) if with_ntk else (lo, hi)
    return out


@lru_cache(maxsize=16)
def machinery(sigma_b: Fraction, digits: int):
    """(point, germ, Fatou coordinate, radius) at the precision of ``digits`` (built once per sigma_b)."""
    from asymptotics.depth_jump.erf_germ import ErfGerm
    from asymptotics.depth_jump.relu_fatou import AbelCoordinate
    from asymptotics.erf_certified import erf_eoc_point

    prec, terms = working_precision(digits), terms_for(digits)
    point = erf_eoc_point(sigma_b, prec + 32)
    with st.arb_precision(prec):
        germ = ErfGerm(point, terms + 10)
        limit = germ.max_radius() * arb(15) / 16
        radius = arb(8)  # small q: a wide disc (R - 1 ~ -A z stays small), so a short iteration to L0
        while not radius < limit:
            radius = radius / 2
        last = None
        for _ in range(4):  # a smaller circle if |R - 1| < 1 is not proved on this one
            try:
                return point, germ, AbelCoordinate(germ, terms, radius=radius), radius
            except ComputationError as err:
                last = err
                radius = radius / 2
    raise ComputationError(f"no circle found on which the erf germ is proved analytic ({last})")


@lru_cache(maxsize=16)
def ntk_machinery(sigma_b: Fraction, digits: int):
    """The NTK's solution along the orbit (:class:`~asymptotics.depth_jump.ntk_along_orbit.OrbitNTK`), built once."""
    from asymptotics.depth_jump.ntk_along_orbit import OrbitNTK

    _, _, fatou, _ = machinery(sigma_b, digits)
    with st.arb_precision(working_precision(digits)):
        return OrbitNTK(fatou, terms_for(digits))


def choose_l0(sigma_b, digits: int = 30) -> int:
    """Depth at which delta_L ~ r * TARGET_RATIO (delta_L ~ 1/(A L) on the EOC), a multiple of 100."""
    _, germ, _, radius = machinery(_sigma_b(sigma_b), digits)
    a, r = float(germ.A.mid()), float(radius.mid())
    l0 = int(math.ceil(1 / (a * r * float(TARGET_RATIO)) / 100.0)) * 100
    if l0 > MAX_L0:
        raise ComputationError(f"the orbit reaches the jump's range only after {l0} layers (A = {a:.3g}); "
                               f"beyond the limit {MAX_L0}")
    return l0


def _sigma_b(sigma_b) -> Fraction:
    from asymptotics.erf_certified import read_sigma_b

    return read_sigma_b(sigma_b)


def erf_eoc_depths(sigma_b="0.2", c_start="0.5", depths=(10**3, 10**6, 10**9, 10**12), digits: int = 30,
                   l0=None, method: str = "auto"):
    """c^l, 1 - c^l, f'(c^l), 1 - f'(c^l) for erf on the EOC at ``sigma_b``, certified, at any depth.

    Returns a :class:`~asymptotics.smooth_depth.SmoothDepthTrajectory` (the fields of the tanh engine):
    ``far_layers`` = layers iterated, ``max_degree`` = Fatou terms K (0 when nothing was jumped),
    ``delta_switch`` = the midpoint of 1 - c at L0 (where the jump starts; 0.0 when not jumped).
    ``method``: ``iterate`` every layer, ``jump`` beyond L0 (:func:`choose_l0` unless ``l0`` is given),
    ``auto`` jumps when the deepest depth exceeds L0.
    """
    from asymptotics.accuracy import CERTIFIED
    from asymptotics.smooth_depth import DepthValues, SmoothDepthTrajectory

    started = time.perf_counter()
    sb, c0, depths, digits, l0, jump, last_iterated = _prepare(sigma_b, c_start, depths, digits, l0, method)
    point, germ, fatou, radius = machinery(sb, digits)
    record = sorted({d for d in depths if d <= last_iterated} | {last_iterated})
    prec_it = iteration_precision(digits, last_iterated)
    point = _point_for(point, sb, prec_it)
    balls = iterate_orbit(point, 1 - c0, record, prec_it)
    prec = working_precision(digits)
    values = {}
    with st.arb_precision(prec):
        for depth in depths:
            if depth <= last_iterated:
                lo, hi = balls[depth]
                delta = lo.union(hi)
            else:
                lo, hi = balls[l0]
                if lo == 0 and hi == 0:
                    delta = arb(0)  # c = 1 is the fixed point
                else:
                    _check_positive(lo)
                    delta = fatou.jump(lo, hi, depth - l0)
            values[depth] = _depth_values(point, depth, delta, DepthValues)
        sigma_w = _approx(point.sigma_w)
        q_star = _approx(point.q)
        switch = float(balls[l0][1].mid()) if jump else 0.0
    terms = terms_for(digits) if jump else 0
    note = (f"{CERTIFIED}: EOC point by a verified sign change (closed form), {last_iterated} layers iterated in "
            f"monotone arb balls ({prec_it} bits)"
            + (f", then the Fatou-coordinate jump from L0 = {l0} (K = {terms}, circle r = {radius.mid().str(3)}, "
               f"{prec} bits)" if jump else ""))
    return SmoothDepthTrajectory("erf", str(sigma_b), sigma_w, q_star, str(c_start), digits, prec, switch,
                                 last_iterated, terms, time.perf_counter() - started, values, note)


def _depth_values(point, depth, delta, DepthValues):
    fp, one_minus_fp = point.f_prime(delta), point.one_minus_f_prime(delta)
    return DepthValues(depth, one_minus_c=_approx(delta), c=_approx(1 - delta), f_prime=_approx(fp),
                       one_minus_f_prime=_approx(one_minus_fp))


def _approx(x):
    from asymptotics.depth_jump.relu_jump import approx_from_arb

    return approx_from_arb(x)


def erf_eoc_ntk(sigma_b="0.2", c_start="0.5", depths=(10**3, 10**9, 10**12), digits: int = 30, l0=None,
                method: str = "auto") -> dict:
    """The NTK of a pair on the erf EOC, certified, at any depth (module doc, NTK).

    Returns {"values": {L: {"c", "ntk_over_q" (K^L = Theta^L_xy / q*), "ntk_normalized" (N_L = K^L / L),
    "ntk_minus_limit" (N_L - 1/3)}}, "l0", "method", "seconds"}, every value a certified Approx.
    Arguments as for :func:`erf_eoc_depths`.
    """
    started = time.perf_counter()
    sb, c0, depths, digits, l0, jump, last_iterated = _prepare(sigma_b, c_start, depths, digits, l0, method)
    point, _, fatou, _ = machinery(sb, digits)
    record = sorted({d for d in depths if d <= last_iterated} | {last_iterated})
    prec_it = iteration_precision(digits, last_iterated)
    point = _point_for(point, sb, prec_it)
    balls = iterate_orbit(point, 1 - c0, record, prec_it, with_ntk=True)
    ntk = ntk_machinery(sb, digits) if jump else None
    values = {}
    with st.arb_precision(working_precision(digits)):
        third = arb(1) / 3
        for depth in depths:
            L = arb(flint_int(depth))
            if depth <= last_iterated:
                lo, hi, K = balls[depth]
                delta, excess = lo.union(hi), K - L / 3
            else:
                lo, hi, K0 = balls[l0]
                if lo == 0 and hi == 0:
                    delta, excess = arb(0), L - L / 3  # c = 1: K^L = L exactly
                else:
                    _check_positive(lo)
                    steps = depth - l0
                    delta = fatou.jump(lo, hi, steps)
                    g_L = fatou.excess(lo, hi, steps, delta) - arb(flint_int(l0))
                    excess = ntk.jump(lo.union(hi), K0, delta, hi, steps, g_L)  # D_L - L/3
            values[depth] = {"c": _approx(1 - delta), "ntk_over_q": _approx(L / 3 + excess),
                             "ntk_normalized": _approx(third + excess / L), "ntk_minus_limit": _approx(excess / L)}
    return {"values": values, "l0": l0 if jump else None, "method": "jump" if jump else "iterate",
            "seconds": time.perf_counter() - started}


def flint_int(n: int):
    from flint import fmpz

    return fmpz(int(n))


def _check_positive(lo):
    if not lo > 0:
        raise ComputationError("1 - c at L0 is not proved positive (the pair sits at the fixed "
                               "point within the working precision): ask for more digits")


def _point_for(point, sb, prec_it):
    if prec_it + 16 > point.prec:
        from asymptotics.erf_certified import erf_eoc_point

        return erf_eoc_point(sb, prec_it + 32)  # a tighter q ball for long iterations
    return point


def _prepare(sigma_b, c_start, depths, digits, l0, method):
    """Checked arguments and the depth plan: (sigma_b, c_start, depths, digits, l0, jump?, last iterated depth)."""
    sb = _sigma_b(sigma_b)
    check_correlation("c_start", c_start)
    c0 = exact_real("c_start", c_start)
    depths = check_depths("depths", depths)
    digits = check_digits("digits", digits)
    if digits > MAX_DIGITS:
        raise InputError("digits", f"at most {MAX_DIGITS} digits, got {digits}")
    if method not in METHODS:
        raise InputError("method", f"expected one of {', '.join(METHODS)}, got {method!r}")
    if l0 is not None:
        l0 = check_depth("l0", l0, minimum=2)
    jump = method == "jump" or (method == "auto" and depths[-1] > (l0 or choose_l0(sb, digits)))
    if jump and l0 is None:
        l0 = choose_l0(sb, digits)
    last_iterated = l0 if jump else depths[-1]
    if last_iterated > MAX_ITERATED:
        raise InputError("depths", f"iterating {last_iterated} layers is beyond the limit {MAX_ITERATED}: "
                                   "use method='jump' (or 'auto')")
    return sb, c0, depths, digits, l0, jump, last_iterated


def describe(traj) -> str:
    """Text for a trajectory of :func:`erf_eoc_depths` (``smooth_depth.describe`` speaks of tanh's quadrature layers)."""
    from asymptotics.accuracy import format_approx

    jumped = traj.max_degree > 0
    lines = [f"erf on the EOC, sigma_b = {traj.sigma_b}, sigma_w = {format_approx(traj.sigma_w)}, "
             f"q* = {format_approx(traj.q_star)}, c^1 = {traj.c_start}; {traj.far_layers} layers iterated"
             + (f", then the Fatou-coordinate jump (K = {traj.max_degree})" if jumped else "")
             + f"; {traj.seconds:.2f} s; {traj.accuracy}"]
    for d in traj.depths:
        v = traj.at(d)
        lines.append(f"  L = {d:>8}: 1 - c = {format_approx(v.one_minus_c)}   1 - f'(c) = {format_approx(v.one_minus_f_prime)}")
    return "\n".join(lines)
