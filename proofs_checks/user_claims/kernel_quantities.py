"""Catalogue entries of kernels at a depth, seed 000's Gram limits and the ordered-phase constant K.

* ``kernel.<one_minus_rho|sigma|sigma_dot|ntk|normalised_ntk>``: one pair at a depth, layer-1
  correlation ``rho`` and variance ``q_x``; the ReLU family through the certified delta-form
  recursion (:func:`asymptotics.recursion.kernel_at_depths`, arb balls); a smooth activation on its
  Edge of Chaos (no sigma_w; both inputs at q*) through :mod:`asymptotics.smooth_eoc_depth` (tanh's
  1 - rho on its own engine), digits by agreement; at given rational variances through the
  digits-agreed pair path (:mod:`asymptotics.smooth_kernels.pairs`).
* ``limit.gram_det``, ``limit.weights``, ``limit.weights_rate``: seed 000 Theorem 2 (lines 280-284)
  as derived by :func:`asymptotics.linalg.limiting_weights` (exact in n).
* ``ordered_phase.K``: K in 1 - c^l ~ K chi_1^l (ordered phase), K = lim (1 - c^l) / chi_1^l with
  c^1 = rho at the fixed-point variance q*.
"""
from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import sympy

from asymptotics.accuracy import AGREEMENT, Approx
from asymptotics.recursion import Network, kernel_at_depths
from asymptotics.validation import InputError
from proofs_checks.user_claims.cache import cached
from proofs_checks.user_claims.catalogue import Computed, integer_param, quantity
from proofs_checks.user_claims.errors import FieldError
from proofs_checks.user_claims.values import as_argument, exact_number, text_of, to_sympy

KERNEL_FIELDS = {"one_minus_rho": "one_minus_rho", "sigma": "sigma_xy", "sigma_dot": "sigma_dot",
                 "ntk": "theta_xy", "normalised_ntk": "ntk_normalized"}
KERNEL_PARAMETERS = {"rho": "layer-1 correlation in [-1, 1] (or give the inputs x and y)",
                     "x": "input vector (list of exact numbers): Sigma^1 = sigma_b^2 + sigma_w^2 x.y / d",
                     "y": "second input vector, same length", "depth": "L >= 1",
                     "q_x": "layer-1 variance Sigma^1(x, x) (default 1); sigma_w defaults to 1 for the ReLU family "
                            "(seed 000); a smooth activation without sigma_w is on its Edge of Chaos with both "
                            "inputs at q* (no q_x)"}
CERTIFIED_HOW = ("certified ball enclosure: the delta-form recursion in arb (asymptotics.recursion, "
                 "monotone 1-Lipschitz steps); only a bug in the enclosure, not rounding, would overturn it")


def _correlation(params):
    if "rho" not in params:
        raise FieldError("rho", "required: the layer-1 correlation")
    rho = exact_number("rho", params["rho"])
    if not isinstance(rho, Fraction):
        rho = Fraction(str(sympy.N(rho, 60)))
    if not -1 <= rho <= 1:
        raise FieldError("rho", f"a correlation must lie in [-1, 1], got {params['rho']!r}")
    return rho


def _network(setting):
    sw2 = setting.sw2 if setting.sw2 is not None else Fraction(1)
    return Network(setting.activation, sigma_w2=as_argument(sw2), sigma_b2=as_argument(setting.sb2))


def _vector(params, name):
    value = params[name]
    if not isinstance(value, list) or not value:
        raise FieldError(name, f"expected a non-empty list of numbers, got {value!r}")
    out = [exact_number(f"{name}[{i}]", v) for i, v in enumerate(value)]
    if not all(isinstance(v, Fraction) for v in out):
        raise FieldError(name, "expected exact rational entries (decimals or p/q)")
    return out


def _layer_one(params, setting):
    """(rho, q_x, q_y, note): the layer-1 correlation and variances, from rho (and q_x) or from inputs x, y.

    Sigma^1(x, y) = sigma_b^2 + sigma_w^2 x.y / d (the NTK parameterisation of asymptotics.recursion)."""
    if "x" in params or "y" in params:
        if "rho" in params or "q_x" in params:
            raise FieldError("x", "give the inputs x and y, or rho (and q_x), not both")
        if "x" not in params or "y" not in params:
            raise FieldError("y" if "x" in params else "x", "required with the other input vector")
        x, y = _vector(params, "x"), _vector(params, "y")
        if len(x) != len(y):
            raise FieldError("y", f"length {len(y)} differs from x's {len(x)}")
        sw2 = setting.sw2 if setting.sw2 is not None else Fraction(1)
        if not isinstance(sw2, Fraction) or not isinstance(setting.sb2, Fraction):
            raise FieldError("sigma_w", "give rational variances with input vectors")
        d = len(x)
        dot = lambda u, v: sum(a * b for a, b in zip(u, v))  # noqa: E731
        s_xy, q_x, q_y = (setting.sb2 + sw2 * dot(u, v) / d for u, v in ((x, y), (x, x), (y, y)))
        if q_x <= 0 or q_y <= 0:
            raise FieldError("x", "Sigma^1(x, x) must be > 0 (a zero input without bias)")
        rho = sympy.Rational(s_xy.numerator, s_xy.denominator) / sympy.sqrt(
            sympy.Rational((q_x * q_y).numerator, (q_x * q_y).denominator))
        rho = Fraction(rho.p, rho.q) if rho.is_Rational else rho
        return rho, q_x, q_y, f"inputs x, y (d = {d})"
    rho = _correlation(params)
    q_x = exact_number("q_x", params.get("q_x", 1))
    if not isinstance(q_x, Fraction) or q_x <= 0:
        raise FieldError("q_x", f"expected a positive rational, got {params.get('q_x')!r}")
    return rho, q_x, q_x, f"rho = {text_of(rho)}, q_x = {text_of(q_x)}"


def _kernel_quantity(name):
    def compute(params, setting, dps):
        rho, q_x, q_y, note = _layer_one(params, setting)
        depth = integer_param(params, "depth", minimum=1, maximum=10**100)  # the jumps; iteration refuses on cost
        sw2 = text_of(setting.sw2) if setting.sw2 is not None else "1 (default)"
        what = f"{name} at depth {depth} of {setting.name}, sigma_w^2 = {sw2}, sigma_b^2 = {text_of(setting.sb2)}, {note}"
        if not setting.is_relu_family:
            if q_x != q_y or not isinstance(rho, Fraction):
                return Computed(what, undecided="no depth path for smooth activations from two inputs here",
                                decide="a delta-form kernel path for this activation")
            return _smooth_kernel(name, setting, rho, depth, q_x, dps, what, params)
        key = ("kernel", setting.activation_key, str(setting.sw2), str(setting.sb2), str(rho), str(q_x), str(q_y),
               depth, dps)
        try:
            traj = cached(key, lambda: kernel_at_depths(_network(setting), as_argument(rho), [depth], backend="arb",
                                                        digits=dps + 5, q_x=as_argument(q_x), q_y=as_argument(q_y)))
        except InputError as err:
            if err.argument not in ("depth", "depths"):
                raise
            return Computed(what, undecided=f"beyond the recursion's reach: {err.problem}",
                            decide="a smaller depth, or a certified jump for this network")
        value = getattr(traj.at(depth), KERNEL_FIELDS[name])
        if value is None:
            raise FieldError("depth", f"{name} is undefined at depth 1 (it needs the layer below)")
        how = CERTIFIED_HOW
        if getattr(traj, "method", "iterate") == "jump":
            how += f"; {traj.method_note}"
        if not isinstance(rho, Fraction) or any(as_argument(v) != as_argument(v, 200) for v in (rho, q_x, q_y)):
            # an irrational (or non-decimal) rho entered rounded to 80 digits: the ReLU-family map is
            # 1-Lipschitz in 1 - rho, so the result moves by at most that rounding times the variance scale
            with mpmath.workprec(Approx._EXACT_BITS):
                scale = max(1, abs(value.mid)) * mpmath.mpf(10) ** -78
                value = Approx(value.mid, value.rad + scale, value.method)
            how += "; the layer-1 correlation entered rounded to 80 digits (its effect added to the radius)"
        return Computed(what, value, how=how, overturn=CERTIFIED_HOW)

    return compute


def _smooth_kernel(name, setting, rho, depth, q_x, dps, what, params):
    if setting.sw2 is None:
        return _smooth_eoc_kernel(name, setting, rho, depth, dps, what, params)
    exact = [_as_fraction(v) for v in (setting.sw2, setting.sb2, rho, q_x)]
    if setting.sw2 is not None and None not in exact:
        return _smooth_pair(name, setting, depth, dps, what, *exact)
    return Computed(what, undecided=f"this package has no depth path for kernel.{name} of {setting.name} at these "
                                    "parameters (the ReLU family has the certified delta-form recursion, every "
                                    "smooth activation the EOC depth runs and the digits-agreed pair path at a "
                                    "given rational sigma_w^2, sigma_b^2, rho and q)",
                    decide="give sigma_w (and sigma_b, rho, q_x) as exact rationals in the variance convention, "
                           "or a delta-form kernel path for this setting")


EOC_HOW = {"tanh": "asymptotics.smooth_depth: Taylor steps at c = 1 and quadrature far from it, radius from the EOC "
                   "constants' accuracy",
           "generic": "asymptotics.smooth_eoc_depth: the EOC correlation map as a Hermite series in 1 - c, iterated "
                      "twice in fixed point with two different rational approximations of the EOC point and different "
                      "precision, step and series length; the accuracy is their agreement"}


def _smooth_eoc_kernel(name, setting, rho, depth, dps, what, params):
    """A smooth activation on its Edge of Chaos (no sigma_w given), both inputs at q*, c^1 = rho:
    1 - c^l through :func:`asymptotics.smooth_eoc_depth.eoc_depths` (tanh's engine for tanh), the NTK
    quantities through :func:`asymptotics.smooth_eoc_depth.eoc_kernel_at_depths`."""
    from asymptotics.smooth_eoc_depth import eoc_depth_engine, eoc_depths, eoc_kernel_at_depths, generic_eoc_depths
    from asymptotics.validation import ComputationError, InputError

    if "q_x" in params:
        raise FieldError("q_x", "on the Edge of Chaos (no sigma_w given) both inputs sit at the fixed point q*: "
                                "omit q_x, or give sigma_w for a layer-1 variance of your own")
    what = (f"{name} at depth {depth} of {setting.name} on its Edge of Chaos, sigma_b^2 = {text_of(setting.sb2)}, "
            f"rho = {text_of(rho)}, both inputs at q*")
    activation, sigma_b = setting.plain_name, setting.sigma_b_arg(80)
    generic = name != "one_minus_rho" or eoc_depth_engine(activation) is generic_eoc_depths
    how = None
    try:
        if name == "one_minus_rho":
            key = ("eoc depth", setting.activation_key, str(setting.sb2), str(rho), depth, dps)
            traj = cached(key, lambda: eoc_depths(activation, sigma_b, as_argument(rho), [depth], digits=dps))
            value = traj.at(depth).one_minus_c
            how = traj.accuracy if traj.accuracy.startswith("certified") else None
        elif name == "normalised_ntk" and activation in ("tanh", "erf"):
            from asymptotics.smooth_eoc_depth import certified_eoc_ntk

            key = ("eoc certified ntk", setting.activation_key, str(setting.sb2), str(rho), depth, dps)
            ntk, why = cached(key, lambda: certified_eoc_ntk(activation, sigma_b, as_argument(rho), [depth], dps))
            if ntk is None:
                return Computed(what, undecided=f"no certified NTK here: {why}", decide="fewer digits, or another start")
            value = ntk[depth]["ntk_normalized"]
            how = (f"certified: N_L = K^L / L of the {activation} EOC NTK recursion K^(l+1) = f'(c^l) K^l + c^(l+1), "
                   "iterated in arb balls (beyond L0 jumped along the Fatou coordinate, its defect bounded)")
        else:
            key = ("eoc kernel", setting.activation_key, str(setting.sb2), str(rho), depth, dps)
            layers = cached(key, lambda: eoc_kernel_at_depths(activation, sigma_b, as_argument(rho), [depth], digits=dps))
            value = getattr(layers[depth], KERNEL_FIELDS[name])
    except ComputationError as err:
        return Computed(what, undecided=f"the EOC depth run failed: {err}", decide="a kernel path that resolves it")
    except InputError as err:
        if err.argument == "sigma_b":  # q* = 0 at sigma_b = 0 when phi(0) = 0: a degenerate Edge of Chaos
            return Computed(what, undecided=f"no EOC depth run here: {err.problem}", decide="a sigma_b > 0")
        if err.argument not in ("depths", "digits"):
            raise
        return Computed(what, undecided=f"beyond the EOC depth run's reach: {err.problem}",
                        decide="a smaller depth or fewer digits, or a faster engine")
    if value is None:
        raise FieldError("depth", f"{name} is undefined at depth 1 (it needs the layer below)")
    if how is not None:  # tanh and erf: certified paths
        return Computed(what, value, how=how, overturn="only a bug in the enclosure, not rounding, would overturn it")
    return Computed(what, value, how=EOC_HOW["generic" if generic else "tanh"],
                    overturn="a common error of both runs or of the EOC constants beyond their stated radius, "
                             "not a certificate")


def _as_fraction(value):
    """An exact rational as a Fraction, or None (an irrational SymPy number)."""
    if value is None or isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    number = sympy.sympify(value)
    return Fraction(int(number.p), int(number.q)) if number.is_Rational else None


def _smooth_pair(name, setting, depth, dps, what, sw2, sb2, rho, q_x):
    """Any smooth activation at given variances: the digits-agreed pair path (two Mehler-series runs that
    differ in precision, input rounding, step and series length; asymptotics.smooth_kernels.pairs)."""
    from asymptotics.smooth_kernels import smooth_pair_at_depths

    key = ("smooth pair", setting.activation_key, str(sw2), str(sb2), str(rho), str(q_x), depth, dps)
    layers = cached(key, lambda: smooth_pair_at_depths(setting.activation, [depth], rho=rho, q_x=q_x, sigma_w2=sw2,
                                                       sigma_b2=sb2, digits=dps))
    value = getattr(layers[depth], KERNEL_FIELDS[name])
    if value is None:
        raise FieldError("depth", f"{name} is undefined at depth 1 (it needs the layer below)")
    how = ("asymptotics.smooth_kernels.smooth_pair_at_depths: the depth recursion in 1 - rho with the Gaussian "
           "expectations as Hermite (Mehler) series, run twice with different precision, input rounding, "
           "quadrature step and series length; the accuracy is their agreement")
    return Computed(what, value, how=how,
                    overturn="a common error of both runs (e.g. a series tail neither run resolves), not a certificate")


for _name in KERNEL_FIELDS:
    quantity(f"kernel.{_name}", f"{_name} of one pair at a depth", KERNEL_PARAMETERS, ("rho", "depth"))(
        _kernel_quantity(_name))


# --------------------------------------------------------------------------------------
# seed 000's Gram limits

LIMIT_HOW = ("derived exactly from the normalised-NTK depth law (asymptotics.linalg.limiting_weights: "
             "kappa -> (1 - lambda) I + lambda 1 1^T, lambda = 1/(1 + alpha)); cross-checked against the "
             "float64 and certified Gram runs in tests; an error in the depth law would overturn it")


def _limit(field):
    def compute(params, setting, dps):
        from asymptotics.linalg import limiting_weights

        n = integer_param(params, "n", minimum=1, maximum=10**6)
        lim = cached(("weights", n), lambda: limiting_weights(n), persist=True)  # exact: kept between runs
        expr = {"det": lim.det_limit, "weight": lim.weight, "rate": lim.rate}[field]
        exact = sympy.nsimplify(sympy.sympify(expr).subs(sympy.Symbol("n", real=True), n))
        label = {"det": "lim det(kappa)", "weight": "each component of lim w^(L) (x outside the data)",
                 "rate": "coefficient of log(L)/L in w^(L) - w_inf"}[field]
        from proofs_checks.user_claims.law_store import was_loaded

        how = LIMIT_HOW + ("; read from the on-disk store of derived laws (law_store)" if was_loaded(lim) else "")
        return Computed(f"{label} for n = {n} points (ReLU normalised NTK, seed 000)", exact=exact, how=how,
                        overturn=LIMIT_HOW)

    return compute


for _name, _field, _summary in (("limit.gram_det", "det", "lim_{L->oo} det of seed 000's normalised NTK Gram matrix"),
                                ("limit.weights", "weight", "each component of the limiting weights kappa_x kappa^-1"),
                                ("limit.weights_rate", "rate", "coefficient of log(L)/L in the weights' approach")):
    quantity(_name, _summary + " for n distinct points (ReLU, seed 000 Theorem 2)", {"n": "number of data points"},
             ("n",), network=False)(_limit(_field))


# --------------------------------------------------------------------------------------
# ordered phase: 1 - c^l ~ K chi^l

@quantity("ordered_phase.K", "K in 1 - c^l ~ K chi_1^l in the ordered phase (c^1 = rho at the fixed-point variance)",
          {"rho": "layer-1 correlation in [-1, 1)"}, ("sigma_w", "rho"))
def ordered_k(params, setting, dps):
    rho = _correlation(params)
    if rho == 1:
        raise FieldError("rho", "rho = 1 stays at 1 (K = 0): give rho < 1")
    if setting.sw2 is None:
        raise FieldError("sigma_w", "required")
    what = f"K = lim (1 - c^l)/chi_1^l for {setting.describe()}, c^1 = {text_of(rho)}"
    if setting.is_relu_family:
        return _relu_k(setting, rho, dps, what)
    if setting.activation_key[0] == "erf" and not setting.activation_key[1]:
        return _erf_k(setting, rho, dps, what)
    return Computed(what, undecided=f"no fast delta-form map for {setting.name} in this package (one quadrature "
                                    "per layer costs about a second)",
                    decide="a delta-form kernel path for this activation; the ReLU family and erf are covered")


def _layers_needed(chi: float, dps: int, exponent: float) -> int:
    """Depth at which the product's tail, ~ chi^(exponent l), is below 10^-(dps + 3)."""
    return int(math.ceil((dps + 3) * math.log(10) / (-exponent * math.log(chi)))) + 2


def _relu_k(setting, rho, dps, what):
    a, b = (Fraction(s) for s in setting.activation.slopes)
    chi = setting.sw2 * (a * a + b * b) / 2
    if not isinstance(chi, Fraction):
        raise FieldError("sigma_w", "give sigma_w^2 as a rational for the ReLU family")
    if chi >= 1 or setting.sb2 == 0:
        raise FieldError("sigma_w", f"not in the ordered phase: chi_1 = {chi}{' with sigma_b = 0' if setting.sb2 == 0 else ''} "
                                    "(the ReLU family is ordered for chi_1 < 1 and sigma_b > 0)")
    q_star = setting.sb2 / (1 - chi)
    depth = _layers_needed(float(chi), dps, 0.5)  # the correction is O(delta^(1/2)) for the ReLU family
    if depth > 2 * 10**6:
        return Computed(what, undecided=f"chi_1 = {chi} is so close to 1 that the limit needs > 4e6 layers",
                        decide="a larger depth budget")
    key = ("K relu", setting.activation_key, str(setting.sw2), str(setting.sb2), str(rho), dps)
    traj = cached(key, lambda: kernel_at_depths(_network(setting), as_argument(rho), [depth, 2 * depth], backend="arb",
                                                digits=dps + 10, q_x=as_argument(q_star)))
    with mpmath.workprec(Approx._EXACT_BITS):
        chi_mp = mpmath.mpf(chi.numerator) / chi.denominator
        ks = []
        for d in (depth, 2 * depth):
            v = traj.at(d).one_minus_rho
            scale = chi_mp ** -d  # K = lim (1 - c^l) chi_1^-l, with c^1 = rho at layer 1
            ks.append((v.mid * scale, v.rad * scale))
        (k1, r1), (k2, r2) = ks
        value = Approx(k2, abs(k2 - k1) + r1 + r2, AGREEMENT)
    how = (f"(1 - c^l) chi_1^-l at depths {depth} and {2 * depth} of the certified arb recursion started at "
           f"q* = {q_star} (chi_1 = {chi} exact); the radius is their difference plus both enclosures' radii "
           "(the tail shrinks like chi_1^(l/2))")
    return Computed(what, value, how=how, overturn="a tail of the product larger than the difference of the two "
                    "depths (it shrinks geometrically, so it is far smaller)", shared_method="one recursion at two depths")


def _erf_k(setting, rho, dps, what):
    from asymptotics.dual import derivatives_at_one, erf_one_minus_correlation
    from proofs_checks.user_claims.eoc_quantities import fixed_point_of

    q = fixed_point_of(setting, dps + 10)
    chi = derivatives_at_one(setting.activation, setting.sigma_w_arg(), setting.sigma_b_arg(), 1, dps + 10, q)[1]
    if not chi.mid + chi.rad < 1:
        raise FieldError("sigma_w", f"not in the ordered phase: chi_1 = {mpmath.nstr(chi.mid, 10)}")
    depth = _layers_needed(float(chi.mid), dps, 1.0)
    if depth > 20000:
        return Computed(what, undecided="chi_1 is so close to 1 that the limit needs > 20000 layers",
                        decide="a larger depth budget")
    from asymptotics.dual import activation_of

    results = []
    for wp in (dps + 10, dps + 18):
        with mpmath.workdps(wp):
            sc = activation_of(setting.activation).erf_scale  # at this working precision
            sw2 = mpmath.mpf(sympy.N(to_sympy(setting.sw2), wp + 5))
            delta = 1 - mpmath.mpf(rho.numerator) / rho.denominator
            for _ in range(depth - 1):
                delta = erf_one_minus_correlation(sc, q.mid, sw2, delta)
            results.append(delta / chi.mid ** depth)
    with mpmath.workprec(Approx._EXACT_BITS):
        k_hi, k_lo = results[1], results[0]
        # radius: the two precisions' difference, q*'s and chi_1's radii propagated (generously), the tail
        rel = 4 * (depth + 2) * (q.rad / q.mid + chi.rad / chi.mid) + mpmath.mpf(10) ** -(dps + 2)
        value = Approx(k_hi, abs(k_hi - k_lo) + abs(k_hi) * rel, AGREEMENT)
    how = (f"the closed-form erf map in delta = 1 - c iterated {depth - 1} layers at the fixed point q* (two working "
           "precisions), divided by chi_1^l; radius: their difference, q*'s radius propagated, and the tail")
    return Computed(what, value, how=how, overturn="an error in q* beyond its stated radius",
                    shared_method="one iteration from the same q*, chi_1 at two precisions")

