"""Float64 Gram matrices of Sigma, Sigma-dot, Theta and the normalised NTK, for smooth activations.

Conventions of :mod:`asymptotics.recursion` (NTK parameterisation; Hayou, Doucet, Rousseau,
../shared/seeds/001_018e0351582ed44f.txt:82-95 and Lemma 1 at :118-124; Jacot, Gabriel, Hongler,
Proposition 1 and Theorem 1, ../shared/seeds/002_49fd9c726352dc08.txt:175-197):

    Sigma^1(x, y) = sigma_b^2 + sigma_w^2 x.y / d
    Sigma^{l+1}   = sigma_b^2 + sigma_w^2 E[phi(u) phi(v)],   Sigma-dot^{l+1} = sigma_w^2 E[phi'(u) phi'(v)]
    Theta^1 = Sigma^1,  Theta^{l+1} = Sigma-dot^{l+1} Theta^l + Sigma^{l+1}

iterated in gaps, never in rho: per point the variances q = Sigma(x, x) and T = Theta(x, x); per pair
delta = 1 - Sigma(x,y)/sqrt(q_x q_y) and the arithmetic gap A = (T_x + T_y)/2 - Theta(x, y):

    sqrt(q_x' q_y') - Sigma' = sigma_w^2 G - (sqrt q_x' - sqrt q_y')^2 / 2,        G = E[(phi(u) - phi(v))^2]/2
    A' = sigma_w^2 H (T_x + T_y)/2 + Sigma-dot' A + (Sdot_x' - Sdot_y')(T_x - T_y)/4 + sigma_w^2 G,
                                                                                   H = E[(phi'(u) - phi'(v))^2]/2
    1 - ntk_normalized = (A - (sqrt T_x - sqrt T_y)^2 / 2) / sqrt(T_x T_y),

and at layer 1, (q_x + q_y)/2 - Sigma^1 = sigma_w^2 |x - y|^2 / (2 d) (recomputed from x - y for close
pairs).  G, H and the cross expectations come from an engine: :class:`~.erf_closed.ErfClosedForm` (erf)
or :class:`~.quadrature.HermiteRule` (any smooth activation); the ReLU family goes to
:func:`asymptotics.recursion.gram_at_depths`.

Error statement (``error_estimate``, relative, an estimate): per layer the engines' absolute errors of
G, H and the cross terms, divided by the quantities (max over pairs); summed over layers for delta and
the diagonal T, and for A (a sum of non-negative terms) the largest relative error of its terms.  Summing is justified for
delta: for rho in [0, 1] the correlation map f has non-negative Mehler coefficients, so it is convex and
(1 - f(rho)) / (1 - rho) >= f'(rho): the relative condition number of delta -> delta' is at most 1.
"""
from __future__ import annotations

import math
import time
from fractions import Fraction

import numpy

from asymptotics.activations import Activation, get_activation
from asymptotics.smooth_kernels.erf_closed import ErfClosedForm
from asymptotics.smooth_kernels.quadrature import HermiteRule
from asymptotics.validation import InputError, check_depths, check_finite

FLOAT64_EPS = 2.0**-53
METHODS = ("auto", "closed", "quadrature")


def _variance(name, value) -> float:
    """A variance: an int, Fraction, decimal or rational string ('200/101'), float or mpf; >= 0."""
    if isinstance(value, str):
        try:
            value = Fraction(value.strip())
        except ValueError:
            raise InputError(name, f"expected a number or a fraction such as 200/101, got {value!r}") from None
    check_finite(name, value)
    x = float(value)
    if x < 0:
        raise InputError(name, f"must be >= 0, got {value}")
    return x


def _for_network(value):
    """A variance in a form recursion.Network accepts exactly (it reads decimal strings and numbers)."""
    if isinstance(value, Fraction) or (isinstance(value, str) and "/" in value):
        value = Fraction(value) if isinstance(value, str) else value
        return value.numerator if value.denominator == 1 else f"{value.numerator / value.denominator!r}"
    return value


def engine_for(activation, method: str = "auto"):
    """The expectation engine for ``activation``: erf(a x) in closed form unless method='quadrature'."""
    if method not in METHODS:
        raise InputError("method", f"expected one of {', '.join(METHODS)}, got {method!r}")
    act = activation if isinstance(activation, Activation) else get_activation(activation)
    erf_scale = (act.extra or {}).get("erf_scale")
    if erf_scale is not None and method != "quadrature":
        return ErfClosedForm(float(erf_scale))
    if method == "closed":
        raise InputError("method", f"no closed form for {act.name!r} here; use method='quadrature' or 'auto'")
    return HermiteRule(act)


def _data(xp, X, name):
    X = xp.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[0] == 0 or X.shape[1] == 0:
        raise InputError(name, f"expected a non-empty 2-D array (points x features), got shape {tuple(X.shape)}")
    if not bool(xp.all(xp.isfinite(X))):
        raise InputError(name, "contains non-finite values")
    return X


def _half_squared_distances(xp, X, Y, ix, iy):
    """|x_i - y_j|^2 / 2 for the listed pairs: from norms and dot products, recomputed directly for
    close pairs (where the formula n_x^2 + n_y^2 - 2 x.y would cancel)."""
    nx2, ny2 = xp.sum(X * X, axis=1), xp.sum(Y * Y, axis=1)
    dots = xp.sum(X[ix] * Y[iy], axis=1) if ix.shape[0] <= 4096 else None
    if dots is None:  # large: one matrix product, then pick
        dots = (X @ Y.T)[ix, iy]
    d2 = nx2[ix] + ny2[iy] - 2 * dots
    close = xp.nonzero(d2 < 0.5 * (nx2[ix] + ny2[iy]))[0]
    for start in range(0, int(close.shape[0]), 65536):
        sel = close[start:start + 65536]
        diff = X[ix[sel]] - Y[iy[sel]]
        d2[sel] = xp.sum(diff * diff, axis=1)
    return xp.maximum(d2, 0.0) / 2


def smooth_gram_at_depths(activation, X, depths, sigma_w2=1, sigma_b2=0, Y=None, xp=None,
                          method: str = "auto", progress=None) -> dict:
    """Kernel matrices at each depth for the rows of X (and Y x X when Y is given), any activation.

    ``sigma_w2``, ``sigma_b2``: the variances (numbers, Fractions or strings like '200/101').
    Returns {depth: fields} with fields (m x n arrays, m = rows of Y or X) one_minus_rho, rho, sigma,
    sigma_dot (None at depth 1), theta, ntk_normalized, one_minus_ntk_normalized, sigma_diag_x/_y and
    theta_diag_x/_y (vectors), error_estimate (dict of relative estimates for one_minus_rho,
    one_minus_ntk_normalized and theta_diagonal; max over pairs) and method.  ``xp=cupy`` runs the pair arithmetic on a GPU.
    The ReLU family is delegated to :func:`asymptotics.recursion.gram_at_depths`.
    """
    if xp is None:
        xp = numpy
    depths = check_depths("depths", depths)
    sw2, sb2 = _variance("sigma_w2", sigma_w2), _variance("sigma_b2", sigma_b2)
    if sw2 == 0:
        raise InputError("sigma_w2", "must be > 0")
    act = activation if isinstance(activation, Activation) else get_activation(activation)
    if act.is_relu_family:
        from asymptotics import recursion

        if not isinstance(activation, str):
            raise InputError("activation", "pass a ReLU-family activation by name (asymptotics.recursion)")
        network = recursion.Network(activation, sigma_w2=_for_network(sigma_w2), sigma_b2=_for_network(sigma_b2))
        return recursion.gram_at_depths(network, X, depths, Y=Y, xp=xp, progress=progress)
    engine = engine_for(act, method)
    Xa = _data(xp, X, "X")
    Ya = Xa if Y is None else _data(xp, Y, "Y")
    if Ya.shape[1] != Xa.shape[1]:
        raise InputError("Y", f"has {Ya.shape[1]} columns, X has {Xa.shape[1]}")
    symmetric = Y is None
    d = Xa.shape[1]
    # rows of the output are Y's points ("x" side), columns X's ("y" side), as in recursion.gram_at_depths
    m, n = Ya.shape[0], Xa.shape[0]
    if symmetric:
        ix, iy = (xp.asarray(v) for v in numpy.triu_indices(n, 1))
    else:
        ix = xp.repeat(xp.arange(m), n)
        iy = xp.tile(xp.arange(n), m)
    qx = sb2 + sw2 * xp.sum(Ya * Ya, axis=1) / d
    qy = qx if symmetric else sb2 + sw2 * xp.sum(Xa * Xa, axis=1) / d
    if bool(xp.any(qx <= 0)) or bool(xp.any(qy <= 0)):
        raise InputError("X", "has a zero row and sigma_b2 = 0: its correlation is undefined")
    arith = sw2 * _half_squared_distances(xp, Ya, Xa, ix, iy) / d  # (q_x + q_y)/2 - Sigma^1
    sigma = sb2 + sw2 * xp.sum(Ya[ix] * Xa[iy], axis=1) / d if ix.shape[0] <= 4096 else \
        sb2 + sw2 * (Ya @ Xa.T)[ix, iy] / d
    def assemble(delta, sigma, sigma_dot, theta, A, qx, qy, Tx, Ty, sdot_x, errors):
        return _fields(xp, symmetric, (m, n), ix, iy, delta, sigma, sigma_dot, theta, A, qx, qy, Tx, Ty, sdot_x,
                       errors, engine.method)

    return _iterate(xp, engine, depths, sw2, sb2, symmetric, ix, iy, qx, qy, arith, sigma, assemble, progress)


def smooth_pairs_float64(activation, depths, one_minus_rho=None, rho=None, q_x=1.0, q_y=None, sigma_w2=1,
                         sigma_b2=0, xp=None, method: str = "auto") -> dict:
    """The same float64 engine for an array of pairs given by their layer-1 correlations.

    ``one_minus_rho`` (exact near 1; or ``rho``) is an array of layer-1 complements sharing the layer-1
    variances ``q_x``, ``q_y``.  Returns {depth: {field: array}} with the field names of
    :class:`asymptotics.recursion.LayerValues` (rho, one_minus_rho, sigma_xy, sigma_xx, sigma_yy, sigma_dot,
    theta_xy, theta_xx, theta_yy, ntk_normalized, one_minus_ntk_normalized) plus error_estimate and method.
    """
    if xp is None:
        xp = numpy
    depths = check_depths("depths", depths)
    sw2, sb2 = _variance("sigma_w2", sigma_w2), _variance("sigma_b2", sigma_b2)
    if sw2 == 0:
        raise InputError("sigma_w2", "must be > 0")
    if (rho is None) == (one_minus_rho is None):
        raise InputError("rho", "give rho or one_minus_rho (one of them)")
    name = "rho" if one_minus_rho is None else "one_minus_rho"
    values = xp.atleast_1d(xp.asarray(rho if one_minus_rho is None else one_minus_rho, dtype=float))
    if not bool(xp.all(xp.isfinite(values))):
        raise InputError(name, "contains non-finite values")
    delta = 1.0 - values if one_minus_rho is None else values
    if bool(xp.any(delta < 0)) or bool(xp.any(delta > 2)):
        raise InputError(name, "correlations must lie in [-1, 1]")
    qx0 = _variance("q_x", q_x)
    qy0 = qx0 if q_y is None else _variance("q_y", q_y)
    if qx0 <= 0 or qy0 <= 0:
        raise InputError("q_x" if qx0 <= 0 else "q_y", "must be > 0")
    act = activation if isinstance(activation, Activation) else get_activation(activation)
    if act.is_relu_family:
        raise InputError("activation", f"{act.name!r} is in the ReLU family: use asymptotics.recursion.pair_arrays_at_depths")
    engine = engine_for(act, method)
    P = delta.shape[0]
    ix = iy = xp.zeros(P, dtype=int)
    qx, qy = xp.asarray([qx0]), xp.asarray([qy0])
    root = math.sqrt(qx0 * qy0)
    arith = root * delta + (math.sqrt(qx0) - math.sqrt(qy0)) ** 2 / 2
    sigma = root * (1.0 - delta)

    def assemble(delta, sigma, sigma_dot, theta, A, qx, qy, Tx, Ty, sdot_x, errors):
        f = _pair_fields(xp, ix, iy, delta, sigma, sigma_dot, theta, A, qx, qy, Tx, Ty)
        f.update(error_estimate=dict(errors), method=engine.method)
        return f

    return _iterate(xp, engine, depths, sw2, sb2, False, ix, iy, qx, qy, arith, sigma, assemble, None)


def _iterate(xp, engine, depths, sw2, sb2, symmetric, ix, iy, qx, qy, arith, sigma, assemble, progress):
    """The layer loop of the module docstring; ``assemble`` turns the state into output fields."""
    delta = _delta_from_arith(xp, arith, qx[ix], qy[iy])
    Tx, Ty = qx.copy(), qy.copy()
    theta, A = sigma.copy(), arith.copy()
    sigma_dot = sdot_x = None
    rel_delta = rel_arith = rel_T = 4 * FLOAT64_EPS
    out, wanted = {}, set(depths)
    start = time.perf_counter()
    for layer in range(1, depths[-1] + 1):
        if layer in wanted:
            out[layer] = assemble(delta, sigma, sigma_dot, theta, A, qx, qy, Tx, Ty, sdot_x,
                                  {"one_minus_rho": rel_delta, "one_minus_ntk_normalized": rel_arith + rel_T,
                                   "theta_diagonal": rel_T})
        if layer == depths[-1]:
            break
        dx = engine.diagonal(qx, xp=xp)
        dy = dx if symmetric else engine.diagonal(qy, xp=xp)
        E = engine.expectations(qx[ix], qy[iy], delta, xp=xp)
        new_qx, new_qy = sb2 + sw2 * dx["phi2"], sb2 + sw2 * dy["phi2"]
        sdot_x, sdot_y = sw2 * dx["dphi2"], sw2 * dy["dphi2"]  # Sigma-dot^{l+1}(x, x)
        sigma = sb2 + sw2 * E["cross"]
        sigma_dot = sw2 * E["dcross"]
        # delta' from sqrt(q_x' q_y') - Sigma' = sw2 G - (sqrt q_x' - sqrt q_y')^2 / 2
        new_delta = _delta_from_arith(xp, sw2 * E["gap"], new_qx[ix], new_qy[iy])
        A = (sw2 * E["dgap"] * (Tx[ix] + Ty[iy]) / 2 + sigma_dot * A
             + (sdot_x[ix] - sdot_y[iy]) * (Tx[ix] - Ty[iy]) / 4 + sw2 * E["gap"])
        theta = sigma_dot * theta + sigma
        Tx, Ty = sdot_x * Tx + new_qx, (sdot_x * Tx + new_qx) if symmetric else sdot_y * Ty + new_qy
        # error bookkeeping (relative, max over pairs): see the module docstring
        r_gap = _max_ratio(xp, E["err_gap"], E["gap"])
        r_dgap = _max_ratio(xp, E["err_dgap"], E["dgap"])
        r_dcross = _max_ratio(xp, E["err_dcross"], E["dcross"])
        r_q = max(_max_ratio(xp, dx["err_phi2"], dx["phi2"]), _max_ratio(xp, dy["err_phi2"], dy["phi2"]))
        r_sd = max(_max_ratio(xp, dx["err_dphi2"], dx["dphi2"]), _max_ratio(xp, dy["err_dphi2"], dy["dphi2"]))
        # amplification where the norm term cancels part of sw2 G (pairs differing in norm)
        amp = _max_ratio(xp, sw2 * E["gap"], new_delta * xp.sqrt(new_qx[ix] * new_qy[iy]))
        rel_delta = rel_delta + max(amp, 1.0) * (r_gap + r_q) + 8 * FLOAT64_EPS
        # A' is a sum of non-negative terms (up to the second-order norm term): its relative error is at
        # most the largest of theirs; T' = Sdot T + q' accumulates r_sd + r_q per layer
        rel_arith = max(r_dgap + rel_T, rel_arith + r_dcross, r_gap, rel_delta) + 8 * FLOAT64_EPS
        rel_T = rel_T + r_sd + r_q + 4 * FLOAT64_EPS
        delta = new_delta
        qx, qy = new_qx, (new_qx if symmetric else new_qy)
        if progress is not None and layer % max(1, depths[-1] // 100) == 0:
            progress(layer, depths[-1])
    seconds = time.perf_counter() - start
    for fields in out.values():
        fields["seconds_total"] = seconds
    return out


def _delta_from_arith(xp, arith, qx, qy):
    root = xp.sqrt(qx * qy)
    norm_term = (qx - qy) ** 2 / (2 * (xp.sqrt(qx) + xp.sqrt(qy)) ** 2)
    return xp.clip((arith - norm_term) / root, 0.0, 2.0)


def _max_ratio(xp, err, value):
    value = xp.abs(value)
    ok = value > 0
    if not bool(xp.any(ok)):
        return 0.0
    return float(xp.max(xp.where(ok, err, 0.0) / xp.where(ok, value, 1.0)))


def _pair_fields(xp, ix, iy, delta, sigma, sigma_dot, theta, A, qx, qy, Tx, Ty):
    root_q = xp.sqrt(qx[ix] * qy[iy])
    root_T = xp.sqrt(Tx[ix] * Ty[iy])
    c = (A - (Tx[ix] - Ty[iy]) ** 2 / (2 * (xp.sqrt(Tx[ix]) + xp.sqrt(Ty[iy])) ** 2)) / root_T
    c = xp.clip(c, 0.0, 2.0)
    rho = xp.where(delta > 0.5, sigma / root_q, 1.0 - delta)
    ntk = xp.where(c > 0.5, theta / root_T, 1.0 - c)
    return {"rho": rho, "one_minus_rho": delta, "sigma_xy": sigma, "sigma_xx": qx[ix], "sigma_yy": qy[iy],
            "sigma_dot": sigma_dot, "theta_xy": theta, "theta_xx": Tx[ix], "theta_yy": Ty[iy],
            "ntk_normalized": ntk, "one_minus_ntk_normalized": c}


def _fields(xp, symmetric, shape, ix, iy, delta, sigma, sigma_dot, theta, A, qx, qy, Tx, Ty, sdot_x, errors, method):
    p = _pair_fields(xp, ix, iy, delta, sigma, sigma_dot, theta, A, qx, qy, Tx, Ty)
    rho, c, ntk = p["rho"], p["one_minus_ntk_normalized"], p["ntk_normalized"]

    def full(flat, diag):
        if not symmetric:
            return flat.reshape(shape)
        out = xp.empty(shape, dtype=float)
        out[ix, iy] = flat
        out[iy, ix] = flat
        idx = xp.arange(shape[0])
        out[idx, idx] = diag
        return out

    return {
        "one_minus_rho": full(delta, 0.0), "rho": full(rho, 1.0), "sigma": full(sigma, qx),
        "sigma_dot": None if sigma_dot is None else full(sigma_dot, sdot_x if symmetric else xp.nan),
        "theta": full(theta, Tx), "ntk_normalized": full(ntk, 1.0), "one_minus_ntk_normalized": full(c, 0.0),
        "sigma_diag_x": qx, "sigma_diag_y": qy, "theta_diag_x": Tx, "theta_diag_y": Ty,
        "error_estimate": dict(errors), "method": method,
    }
