"""A float64 kernel rule for any activation: Mehler expansion, quadrature coefficients, delta form.

For u = sqrt(s11) Z1, v = sqrt(s22) (rho Z1 + sqrt(1 - rho^2) Z2) Mehler's formula gives

    E[phi(u) phi(v)] = sum_k a_k(s11) a_k(s22) rho^k,   a_k(q) = E[phi(sqrt(q) Z) He_k(Z)] / sqrt(k!)

(He_k the probabilists' Hermite polynomials; Hayou, Doucet, Rousseau, "Mean-field Behaviour of Neural
Tangent Kernel for Deep Neural Networks", ../shared/seeds/001_018e0351582ed44f.txt:638-646 (Facts 5, 6)
define the correlation map f and state f^(j)(c) = sigma_w^2 q^(j-1) E[phi^(j) phi^(j)], which is this
series differentiated term by term: f^(j)(1) > 0 is the positivity of its coefficients).
By Gaussian integration by parts b_k(q) = E[phi'(sqrt(q) Z) He_k(Z)] / sqrt(k!) = sqrt((k+1)/q) a_{k+1}(q)
gives E[phi'(u) phi'(v)] the same way.  The gaps of the delta-form recursion are sums of terms that
need no subtraction of nearby numbers,

    G = E[(phi(u) - phi(v))^2] / 2 = sum_k (a_k(s11) - a_k(s22))^2 / 2 + sum_k a_k(s11) a_k(s22) (1 - rho^k),

with 1 - rho^k = delta (1 + rho + ... + rho^(k-1)) for rho >= 0 (delta = 1 - rho enters directly).
The first sum vanishes for s11 = s22 (its tail too); for variances equal to 1e-8 relative its tail is
estimated by the coefficients' relative tail (a_k(q) is smooth in q), otherwise bounded by T0 + T0'.
For unequal variances its float64 rounding
(~ eps |a| |a_x - a_y|) is the floor of the delta form: pairs that differ only in norm keep it.

Error statement (an estimate, ``method = 'estimate'``): the truncation after K terms is bounded by the
tails T0(q) = E[phi^2] - sum_{k<=K} a_k^2 and T1(q) = q E[phi'^2] - sum_{k<=K} k a_k^2 (Parseval; both
computed), |tail of G| <= T0(s11) + T0(s22) + min(2 sqrt(T0 T0'), delta sqrt(T1 T1')) since
|1 - rho^k| <= min(2, k delta); the coefficients (a 1-D Gaussian integral each) come from the trapezoid rule on
[-16, 16], spectrally accurate for these analytic integrands; its error is measured by comparing two
rule sizes, step h and 3h/4 (the finer values are used), and enters through Cauchy-Schwarz.
"""
from __future__ import annotations

import math
from functools import lru_cache

import mpmath
import numpy
from scipy import special

from asymptotics.activations import Activation, get_activation
from asymptotics.validation import ComputationError, InputError

FLOAT64_EPS = 2.0**-53
TAIL_TOLERANCE = 1e-15  # relative truncation tail at which K stops growing
K_START, K_MAX = 96, 1536
PAIR_CHUNK_ELEMENTS = 2_000_000  # pairs x K per block (memory ~16 MB per array)


# --- numpy phi, phi', phi'' for the activations the package registers ----------------------------

def _npdf(x):
    return numpy.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)


def _erf_functions(a):
    k = 2 * a / math.sqrt(math.pi)
    return (lambda x: special.erf(a * x), lambda x: k * numpy.exp(-(a * x) ** 2),
            lambda x: -2 * a * a * x * k * numpy.exp(-(a * x) ** 2))


_BUILTIN = {
    "tanh": (numpy.tanh, lambda x: 1 / numpy.cosh(x) ** 2,
             lambda x: -2 * numpy.tanh(x) / numpy.cosh(x) ** 2),
    "sigmoid": (special.expit, lambda x: special.expit(x) * special.expit(-x),
                lambda x: special.expit(x) * special.expit(-x) * -numpy.tanh(x / 2)),
    "softplus": (lambda x: numpy.logaddexp(0.0, x), special.expit,
                 lambda x: special.expit(x) * special.expit(-x)),
    "gelu": (lambda x: x * special.ndtr(x), lambda x: special.ndtr(x) + x * _npdf(x),
             lambda x: (2 - x * x) * _npdf(x)),
}
_SWISH = (lambda x: x * special.expit(x),
          lambda x: special.expit(x) + x * special.expit(x) * special.expit(-x),
          lambda x: special.expit(x) * special.expit(-x) * (2 - x * numpy.tanh(x / 2)))
_BUILTIN["swish"] = _BUILTIN["silu"] = _SWISH


def numpy_functions(activation) -> tuple:
    """(phi, phi', phi'') as numpy ufunc-like callables for a registered or user-supplied activation.

    A user activation (:func:`asymptotics.smooth.custom_activation`) is evaluated through its mpmath
    callables point by point: correct but slow (fine for pairs and small Gram matrices).
    """
    act = activation if isinstance(activation, Activation) else get_activation(activation)
    if act.is_relu_family:
        raise InputError("activation", f"{act.name!r} is in the ReLU family: use asymptotics.recursion "
                                       "(closed-form engines), not the smooth quadrature rule")
    extra = act.extra or {}
    if "erf_scale" in extra:
        return _erf_functions(float(extra["erf_scale"]))
    if not extra.get("custom") and act.name in _BUILTIN:
        return _BUILTIN[act.name]
    if act.kink:
        raise InputError("activation", f"{act.name!r} has kinks at {act.kink}: the Hermite rule needs a smooth phi")
    derivs = [act.derivative(j) for j in range(3)]  # InputError names the missing order

    def vectorised(f):
        g = numpy.vectorize(lambda x: float(f(mpmath.mpf(float(x)))), otypes=[float])
        return lambda x: g(numpy.asarray(x, dtype=float))

    return tuple(vectorised(f) for f in derivs)


# --- the 1-D rule: trapezoid on the real line, scaled Hermite functions --------------------------

HALF_WIDTH = 16.0  # |z| <= 16: the integrands carry e^{-z^2/4} or e^{-z^2/2}, e^{-64} ~ 1e-28 beyond


@lru_cache(maxsize=8)
def _rule(step: float, degree: int):
    """Nodes z = j step on [-16, 16], weights w (for N(0,1)), scaled weights w e^{z^2/4} and
    psi[k, i] = He_k(z_i)/sqrt(k!) e^{-z_i^2/4}, k = 0..degree (bounded by ~1: no overflow at any k).

    The trapezoid rule is spectrally accurate for integrands analytic in a strip (its error is the
    aliasing of the Fourier transform at 2 pi / step); nodes and weights are exact to rounding."""
    n = int(math.ceil(HALF_WIDTH / step))
    z = step * numpy.arange(-n, n + 1, dtype=float)
    w = step * numpy.exp(-z * z / 2) / math.sqrt(2 * math.pi)
    w_scaled = step * numpy.exp(-z * z / 4) / math.sqrt(2 * math.pi)
    psi = numpy.empty((degree + 1, z.size))
    psi[0] = numpy.exp(-z * z / 4)
    if degree >= 1:
        psi[1] = z * psi[0]
    for k in range(1, degree):
        psi[k + 1] = (z * psi[k] - math.sqrt(k) * psi[k - 1]) / math.sqrt(k + 1)
    return z, w, w_scaled, psi


def _step_for(K: int, sigma: float, strip) -> float:
    """Trapezoid step resolving Hermite functions up to degree K (frequency ~ sqrt(K)) times
    phi(sigma z), whose transform decays like exp(-omega strip / sigma) (strip = half-width of
    analyticity of phi; None: entire).  2 pi / step must exceed the sum of the bandwidths by a margin."""
    band = 2 * math.sqrt(K + 2) + 12.0
    if strip is not None:
        band += 40.0 * sigma / float(strip)
    return 2 * math.pi / band


def _coefficient_table(funcs, q, K, step):
    """a_k(q_j), k = 0..K+1, and the 1-D moments E[phi^2], E[phi'^2], E[phi''^2] at each q_j."""
    z, w, w_scaled, psi = _rule(step, K + 1)
    x = numpy.sqrt(q)[None, :] * z[:, None]  # (nodes, u)
    phi, dphi, d2phi = (f(x) for f in funcs)
    if not (numpy.all(numpy.isfinite(phi)) and numpy.all(numpy.isfinite(dphi)) and numpy.all(numpy.isfinite(d2phi))):
        raise ComputationError("the activation returned non-finite values on the quadrature nodes")
    a = psi @ (w_scaled[:, None] * phi)  # (K+2, u)
    moments = (w @ (phi * phi), w @ (dphi * dphi), w @ (d2phi * d2phi))
    return a, moments


class HermiteRule:
    """The engine interface of :mod:`asymptotics.smooth_kernels.gram` for any smooth activation.

    ``diagonal(q)`` and ``expectations(s11, s22, delta)`` as in :mod:`.erf_closed`; K (series length)
    grows from 96 until the relative tails are below 1e-15 (at most 1536 terms; beyond, the tail is
    stated as the error).  ``last_terms`` records the K used.
    """

    method = "Mehler series, trapezoid-rule coefficients (two rule sizes compared), delta form"

    def __init__(self, activation):
        self.activation = activation if isinstance(activation, Activation) else get_activation(activation)
        self.funcs = numpy_functions(self.activation)
        extra = self.activation.extra or {}
        # half-width of the strip where phi is analytic (None: entire); user functions: assume 1
        self.strip = extra.get("strip", 1.0) if not extra.get("custom") else 1.0
        self.last_terms = None
        self._cache = {}

    # ---- per-variance tables
    def tables(self, q):
        """Coefficient tables for the distinct variances in ``q`` (host numpy)."""
        q = numpy.asarray(q, dtype=float)
        if numpy.any(~numpy.isfinite(q)) or numpy.any(q <= 0):
            raise InputError("q", "variances must be finite and > 0")
        key = q.tobytes()
        if key in self._cache:
            return self._cache[key]
        K = K_START
        while True:
            step = _step_for(K, math.sqrt(float(numpy.max(q))), self.strip)
            a1, (n0, n1, _) = _coefficient_table(self.funcs, q, K, step)
            a2, (m0, m1, m2) = _coefficient_table(self.funcs, q, K, 0.75 * step)
            k = numpy.arange(K + 2)[:, None]
            b = numpy.sqrt(k[1:] / q[None, :]) * a2[1:]  # b_k, k = 0..K
            T0 = numpy.maximum(m0 - numpy.sum(a2[: K + 1] ** 2, axis=0), 0.0)
            T1 = numpy.maximum(q * m1 - numpy.sum(k[: K + 1] * a2[: K + 1] ** 2, axis=0), 0.0)
            T0b = numpy.maximum(m1 - numpy.sum(b ** 2, axis=0), 0.0)
            T1b = numpy.maximum(q * m2 - numpy.sum(k[: K + 1] * b ** 2, axis=0), 0.0)
            small = (numpy.all(T1 <= TAIL_TOLERANCE * q * m1 + 1e-300)
                     and numpy.all(T1b <= TAIL_TOLERANCE * q * m2 + 1e-300))
            if small or K >= K_MAX:
                break
            K *= 2
        # the tails are differences of computed sums: never below their rounding
        floor = 4 * FLOAT64_EPS * (K + 2)
        T0, T1 = T0 + floor * m0, T1 + floor * q * m1
        T0b, T1b = T0b + floor * m1, T1b + floor * q * m2
        ea = numpy.abs(a2 - a1)[: K + 1]
        eb = numpy.sqrt(k[1:] / q[None, :]) * numpy.abs(a2 - a1)[1:]
        em0, em1 = numpy.abs(m0 - n0), numpy.abs(m1 - n1)
        kk = numpy.arange(K + 1)[:, None]
        table = {
            "q": q, "K": K, "a": a2[: K + 1], "b": b, "phi2": m0, "dphi2": m1,
            "err_phi2": em0 + 8 * FLOAT64_EPS * m0, "err_dphi2": em1 + 8 * FLOAT64_EPS * m1,
            "T0": T0, "T1": T1, "T0b": T0b, "T1b": T1b,
            # norms for the Cauchy-Schwarz propagation of coefficient errors
            "Ea0": _norm(ea), "Ea1": _norm(numpy.sqrt(kk) * ea), "Na0": _norm(a2[: K + 1]),
            "Na1": _norm(numpy.sqrt(kk) * a2[: K + 1]),
            "Eb0": _norm(eb), "Eb1": _norm(numpy.sqrt(kk) * eb), "Nb0": _norm(b), "Nb1": _norm(numpy.sqrt(kk) * b),
        }
        self.last_terms = K
        if len(self._cache) > 64:
            self._cache.clear()
        self._cache[key] = table
        return table

    def diagonal(self, q, xp=None):
        xp = numpy if xp is None else xp
        q_host = _host(q)
        uniq, inverse = numpy.unique(q_host, return_inverse=True)
        t = self.tables(uniq)
        return {key: xp.asarray(t[key][inverse]) for key in ("phi2", "dphi2", "err_phi2", "err_dphi2")}

    def expectations(self, s11, s22, delta, xp=None):
        xp = numpy if xp is None else xp
        s11_h, s22_h, delta_h = numpy.broadcast_arrays(_host(s11), _host(s22), _host(delta))
        shape = s11_h.shape
        uniq, inverse = numpy.unique(numpy.concatenate([s11_h.ravel(), s22_h.ravel()]), return_inverse=True)
        t = self.tables(uniq)
        ix = xp.asarray(inverse[: s11_h.size])
        iy = xp.asarray(inverse[s11_h.size:])
        delta = xp.asarray(delta, dtype=float)
        delta = (xp.broadcast_to(delta, shape) if delta.shape != shape else delta).reshape(-1)
        out = {name: xp.empty(delta.shape) for name in
               ("cross", "gap", "dcross", "dgap", "err_cross", "err_gap", "err_dcross", "err_dgap")}
        tab = {key: xp.asarray(t[key]) for key in t if key not in ("K",)}
        K = t["K"]
        step = max(1, PAIR_CHUNK_ELEMENTS // (K + 1))
        for start in range(0, delta.shape[0], step):
            sl = slice(start, start + step)
            _series_block(xp, tab, ix[sl], iy[sl], delta[sl], out, sl)
        return {name: value.reshape(shape) for name, value in out.items()}


def _series_block(xp, t, ix, iy, delta, out, sl):
    rho = 1.0 - delta
    K1 = t["a"].shape[0]
    powers = xp.cumprod(xp.concatenate([xp.ones((rho.shape[0], 1)), xp.repeat(rho[:, None], K1 - 1, axis=1)],
                                       axis=1), axis=1)  # rho^k, k = 0..K
    partial = xp.cumsum(powers, axis=1)  # sum_{j<=k} rho^j; S_k = partial[k-1]
    S = xp.concatenate([xp.zeros((rho.shape[0], 1)), partial[:, :-1]], axis=1)
    one_minus_pow = xp.where((rho >= 0)[:, None], delta[:, None] * S, 1.0 - powers)
    for name, coef, T0, T1, E0, E1, N0, N1 in (("", "a", "T0", "T1", "Ea0", "Ea1", "Na0", "Na1"),
                                               ("d", "b", "T0b", "T1b", "Eb0", "Eb1", "Nb0", "Nb1")):
        cx, cy = t[coef][:, ix].T, t[coef][:, iy].T
        prod = cx * cy
        cross = xp.sum(prod * powers, axis=1)
        unequal = xp.sum((cx - cy) ** 2, axis=1) / 2
        gap = unequal + xp.sum(prod * one_minus_pow, axis=1)
        t0x, t0y, t1x, t1y = t[T0][ix], t[T0][iy], t[T1][ix], t[T1][iy]
        e0x, e0y, e1x, e1y = t[E0][ix], t[E0][iy], t[E1][ix], t[E1][iy]
        n0x, n0y, n1x, n1y = t[N0][ix], t[N0][iy], t[N1][ix], t[N1][iy]
        tail_cross = xp.sqrt(t0x * t0y)
        same = ix == iy  # equal variances: the (a_x - a_y)^2 series vanishes term by term, tail included
        # nearly equal variances (points of equal norm up to rounding): a_k(q) is smooth in q, so the
        # differences converge like the coefficients; estimate their tail by the relative tails
        qx_, qy_ = t["q"][ix], t["q"][iy]
        near = xp.abs(qx_ - qy_) <= 1e-8 * xp.maximum(qx_, qy_)
        tail_unequal = xp.where(near, unequal * (t0x / t["phi2"][ix] + t0y / t["phi2"][iy]), t0x + t0y)
        tail_gap = xp.where(same, 0.0, tail_unequal) + xp.minimum(2 * xp.sqrt(t0x * t0y), xp.abs(delta) * xp.sqrt(t1x * t1y))
        coef_cross = e0x * n0y + n0x * e0y + e0x * e0y
        coef_gap = (xp.where(same, 0.0, (e0x + e0y) * xp.sqrt(2 * unequal) + (e0x + e0y) ** 2 / 2)
                    + xp.minimum(2 * coef_cross, delta * (e1x * n1y + n1x * e1y + e1x * e1y)))
        rounding = 4 * FLOAT64_EPS * K1
        out[name + "cross"][sl] = cross
        out[name + "gap"][sl] = gap
        out["err_" + name + "cross"][sl] = tail_cross + coef_cross + rounding * xp.sum(xp.abs(prod), axis=1)
        out["err_" + name + "gap"][sl] = tail_gap + coef_gap + rounding * gap


def _norm(m):
    return numpy.sqrt(numpy.sum(m * m, axis=0))


def _host(x):
    if hasattr(x, "get"):  # cupy
        x = x.get()
    return numpy.asarray(x, dtype=float)
