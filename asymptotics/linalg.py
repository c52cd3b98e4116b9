"""Gram matrices of the normalised ReLU NTK at any depth, their determinants and the
kernel-regression weights kappa^-1 kappa_x of seed 000 (Proposition 3, lines 221-229).

Setting of seed 000 (lines 142-171, Definition 4 lines 261-264): ReLU, weights N(0,1), no
biases (``Network("relu", sigma_w=1, sigma_b=0)``), data on the unit sphere; the
normalised kernel kappa = Theta-bar^(L)(X X^T) has unit diagonal.  Everything here works
with the complement

    E = 1 1^T - kappa   (E_ii = 0),      e_x = 1 - kappa_x,

which the depth engine (:mod:`asymptotics.recursion`, iterated in 1 - rho) returns with
relative accuracy, so no information is lost when kappa is close to the all-ones matrix.

* entries: float64 from the engine, with an absolute error bound per entry, either the
  engine's a priori estimate or (``accuracy="agreement"``) the difference to a second run
  of the same recursion in x87 extended precision (64-bit significand);
* det(kappa): certified with python-flint ``arb_mat`` from the entries as balls; both
  the direct determinant and the matrix determinant lemma
  det(1 1^T - E) = det(-E) (1 - 1^T E^-1 1) are evaluated and intersected;
  log|det| in float64 (numpy or cupy) beyond, with a first-order error estimate;
* weights w = kappa^-1 kappa_x (the row vector kappa_x^T kappa^-1 of the paper is w^T):
  certified enclosures with ``arb_mat.solve`` (valid for every matrix inside the entry
  balls), float64 otherwise; f_inf(x) = f_0(x) + w^T (y* - y_0).

A singular or numerically singular kappa raises :class:`InputError`.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Optional

import mpmath
import numpy

from asymptotics.accuracy import AGREEMENT, CERTIFIED, ESTIMATE, Approx
from asymptotics.validation import ComputationError, InputError, check_depths
from asymptotics.gram_limit import (  # noqa: F401  (seed 000's limits, re-exported: la.limiting_weights & co.)
    WeightLimit, depth_shift, first_order_from_gram, first_order_weights, limiting_weights, normalized_ntk_law,
    predicted_ntk,
)

FLOAT64_EPS = 2.0**-53


def relu_network():
    """Seed 000's network: ReLU, sigma_w = 1, sigma_b = 0."""
    from asymptotics.recursion import Network

    return Network("relu", sigma_w=1, sigma_b=0)


# --------------------------------------------------------------------------------------
# data


def sphere_data(n: int, n0: int, seed: int = 0, distribution: str = "uniform"):
    """n points in R^n0 projected on the unit sphere (rows).

    ``uniform``: entries uniform on [0, 1) then normalised, as described for seed 000's
    Figure 1 (lines 386-388); ``gaussian``: standard normal entries (uniform on the sphere).
    """
    for name, value in (("n", n), ("n0", n0)):
        if isinstance(value, bool) or int(value) != value or value < 1:
            raise InputError(name, f"expected a positive integer, got {value!r}")
    rng = numpy.random.default_rng(seed)
    if distribution == "uniform":
        X = rng.random((int(n), int(n0)))
    elif distribution == "gaussian":
        X = rng.standard_normal((int(n), int(n0)))
    else:
        raise InputError("distribution", f"expected 'uniform' or 'gaussian', got {distribution!r}")
    return X / numpy.linalg.norm(X, axis=1)[:, None]


def digits_data(n: int, seed: int = 0):
    """n images of scikit-learn's bundled 8x8 digits (a stand-in for MNIST), flattened and
    projected on the sphere S^63; rows drawn without replacement with ``seed``."""
    from sklearn.datasets import load_digits

    images = load_digits().data.astype(float)
    if isinstance(n, bool) or int(n) != n or not 1 <= n <= len(images):
        raise InputError("n", f"expected 1..{len(images)}, got {n!r}")
    rows = numpy.random.default_rng(seed).choice(len(images), size=int(n), replace=False)
    X = images[rows]
    return X / numpy.linalg.norm(X, axis=1)[:, None]


def _duplicate_rows(X, xp):
    U = X / xp.linalg.norm(X, axis=1)[:, None]
    G = U @ U.T
    n = G.shape[0]
    G[xp.arange(n), xp.arange(n)] = 0
    hit = xp.argwhere(1 - G < 1e-15)
    return None if hit.shape[0] == 0 else (int(hit[0, 0]), int(hit[0, 1]))


# --------------------------------------------------------------------------------------
# Gram matrices


@dataclass
class NormalizedGram:
    """kappa = 1 1^T - E and kappa_x = 1 - e_x at one depth, with absolute error bounds."""

    depth: int
    E: object                    # n x n, zero diagonal
    E_rad: object                # n x n absolute error bounds (>= 0)
    E_x: object = None           # m x n: row k is 1 - kappa(x_k, x_i)
    E_x_rad: object = None
    method: str = ESTIMATE
    # 1 - rho^(L) of every pair: the n(n-1)/2 pairs of X (upper triangle, row by row), then the
    # m n pairs (x_k, x_i); the depth law reads the pairs' Fatou shifts off it (first_order_from_gram)
    one_minus_rho: object = None

    @property
    def n(self) -> int:
        return int(self.E.shape[0])

    def kappa(self):
        return 1.0 - self.E

    def kappa_x(self):
        return None if self.E_x is None else 1.0 - self.E_x


@dataclass
class GramRun:
    grams: dict
    seconds: float
    seconds_extended: float = 0.0
    pairs: int = 0
    method: str = ESTIMATE
    check: dict = field(default_factory=dict)  # extended-precision rerun of a sample of pairs

    def at(self, depth) -> NormalizedGram:
        if depth not in self.grams:
            raise InputError("depth", f"depth {depth} was not computed (have {sorted(self.grams)})")
        return self.grams[depth]


def ntk_grams(X, depths, x=None, xp=None, accuracy: str = "estimate", check_pairs: int = 0, seed: int = 0,
              progress=None) -> GramRun:
    """Normalised NTK Gram matrices of the rows of X (and the vectors for the rows of ``x``).

    One vectorised float64 run of the depth engine over the n(n-1)/2 pairs of X and the
    m n pairs (x_k, x_i).  ``accuracy``: ``"estimate"`` uses the engine's a priori bound
    8 L eps |value| per entry; ``"agreement"`` reruns the recursion in extended precision
    (numpy longdouble, 64-bit significand) and takes |float64 - extended| (plus the
    extended run's own a priori bound) as the radius.  Both start from the same layer-1
    correlations (computed in float64 from the data).  ``check_pairs`` > 0 (with
    ``estimate``) reruns that many randomly chosen pairs in extended precision and records
    in ``run.check`` the largest observed relative error next to the a priori bound.
    """
    from asymptotics.recursion import one_minus_rho_from_inputs, pair_arrays_at_depths

    if accuracy not in ("estimate", "agreement"):
        raise InputError("accuracy", f"expected 'estimate' or 'agreement', got {accuracy!r}")
    if xp is None:
        xp = numpy
    depths = check_depths("depths", depths)
    net = relu_network()
    X = xp.asarray(X, dtype=float)
    delta, _, _ = one_minus_rho_from_inputs(net, X, None, xp)
    dup = _duplicate_rows(X, xp)
    if dup is not None:
        raise InputError("X", f"rows {dup[0]} and {dup[1]} are the same point on the sphere: kappa is singular")
    n = X.shape[0]
    iu = xp.triu_indices(n, 1)
    parts = [delta[iu]]
    m = 0
    if x is not None:
        x = xp.asarray(x, dtype=float)
        if x.ndim == 1:
            x = x[None, :]
        dx, _, _ = one_minus_rho_from_inputs(net, X, x, xp)  # (m, n)
        m = x.shape[0]
        parts.append(dx.reshape(-1))
    flat = xp.concatenate(parts)
    start = time.perf_counter()
    out = pair_arrays_at_depths(net, None, depths, one_minus_rho=flat, xp=xp, progress=progress)
    seconds = time.perf_counter() - start
    ext, seconds_ext = None, 0.0
    if accuracy == "agreement":
        start = time.perf_counter()
        host = flat.get() if hasattr(flat, "get") else numpy.asarray(flat)
        ext = extended_one_minus_ntk(host, depths)
        seconds_ext = time.perf_counter() - start
    check = {}
    if accuracy == "estimate" and check_pairs:
        host = flat.get() if hasattr(flat, "get") else numpy.asarray(flat)
        pick = numpy.random.default_rng(seed).choice(host.shape[0], size=min(int(check_pairs), host.shape[0]),
                                                     replace=False)
        t0 = time.perf_counter()
        ref = extended_one_minus_ntk(host[pick], depths)
        check = {"pairs": int(pick.shape[0]), "seconds": time.perf_counter() - t0, "depths": {}}
        for L in depths:
            c = out[L]["one_minus_ntk_normalized"]
            c = numpy.asarray(c.get() if hasattr(c, "get") else c)[pick]
            rel = numpy.abs((ref[L] - c.astype(numpy.longdouble)) / ref[L]).astype(float)
            check["depths"][L] = {"max_relative_error": float(rel.max()), "a_priori_bound": 8 * L * FLOAT64_EPS}
    grams = {}
    npairs = len(iu[0])
    for L in depths:
        c = out[L]["one_minus_ntk_normalized"]
        if ext is None:
            rad = 8 * L * FLOAT64_EPS * xp.abs(c)
            method = ESTIMATE
        else:
            e = xp.asarray(ext[L].astype(float))
            diff = numpy.abs(numpy.asarray(ext[L] - numpy.asarray(c.get() if hasattr(c, "get") else c,
                                                                  dtype=numpy.longdouble)))
            # extended run's own error: its a priori bound with eps = 2^-64
            own = 8 * L * 2.0**-64 * numpy.abs(ext[L])
            rad = xp.asarray((diff + own).astype(float) * (1 + 2.0**-40))
            method = AGREEMENT
            del e
        E = xp.zeros((n, n))
        R = xp.zeros((n, n))
        E[iu] = c[:npairs]
        E[(iu[1], iu[0])] = c[:npairs]
        R[iu] = rad[:npairs]
        R[(iu[1], iu[0])] = rad[:npairs]
        g = NormalizedGram(L, E, R, method=method, one_minus_rho=out[L]["one_minus_rho"])
        if m:
            g.E_x = c[npairs:].reshape(m, n)
            g.E_x_rad = rad[npairs:].reshape(m, n)
        grams[L] = g
    return GramRun(grams, seconds, seconds_ext, int(flat.shape[0]), ESTIMATE if ext is None else AGREEMENT, check)


# extended-precision rerun: the same recursion, written from the complement of
# h(rho) = (sqrt(1-rho^2) + rho asin rho)/pi + rho/2 (seed 000 Definition 5, lines 266-268):
#   1 - h(1 - delta) = delta - g(theta)/pi,  g(theta) = sin theta - theta cos theta,
#   theta = acos(1 - delta) = 2 asin(sqrt(delta/2)),
#   W_{L+1} = W_L + (theta/pi)(L - W_L) + delta_{L+1},   W_L = L (1 - Theta-bar^(L))
# (Proposition 4, lines 273-275, for the complement).

def _g_series_coefficients(dtype):
    # g(theta) = sum_{k>=1} (-1)^(k+1) 2k theta^(2k+1) / (2k+1)!   (exact rationals, then rounded once)
    out = []
    for k in range(1, 16):
        q = Fraction((-1) ** (k + 1) * 2 * k, math.factorial(2 * k + 1))
        out.append(dtype(q.numerator) / dtype(q.denominator))
    return out


def extended_one_minus_ntk(one_minus_rho, depths) -> dict:
    """{L: 1 - Theta-bar^(L)} for an array of layer-1 values 1 - rho, in numpy longdouble."""
    ld = numpy.longdouble
    depths = check_depths("depths", depths)
    wanted = set(depths)
    coeffs = _g_series_coefficients(ld)
    pi = ld("3.14159265358979323846264338327950288")
    delta = numpy.asarray(one_minus_rho, dtype=ld)
    W = delta.copy()
    out = {}
    for L in range(1, depths[-1] + 1):
        if L in wanted:
            out[L] = W / ld(L)
        if L == depths[-1]:
            break
        theta = 2 * numpy.arcsin(numpy.sqrt(delta / 2))
        small = theta < 0.5
        t2 = theta * theta
        acc = numpy.full(theta.shape, coeffs[-1], dtype=ld)
        for c in reversed(coeffs[:-1]):
            acc = acc * t2 + c
        g = numpy.where(small, acc * t2 * theta, numpy.sin(theta) - theta * numpy.cos(theta))
        delta = delta - g / pi
        W = W + (theta / pi) * (ld(L) - W) + delta
    return out


# --------------------------------------------------------------------------------------
# certified linear algebra (python-flint)


def _balls(M, R, one_minus: bool):
    """arb entries (1 - M_ij) +/- R_ij (or M_ij +/- R_ij), exact midpoints."""
    import flint

    M = numpy.asarray(M.get() if hasattr(M, "get") else M, dtype=float)
    R = numpy.zeros_like(M) if R is None else numpy.asarray(R.get() if hasattr(R, "get") else R, dtype=float)
    if not numpy.all(numpy.isfinite(M)) or not numpy.all(numpy.isfinite(R)) or numpy.any(R < 0):
        raise InputError("E", "entries and radii must be finite, radii >= 0")
    one = flint.arb(1)
    out = []
    for value, rad in zip(M.reshape(-1).tolist(), R.reshape(-1).tolist()):
        mid = one - flint.arb(value) if one_minus else flint.arb(value)
        out.append(flint.arb(mid.mid(), flint.arb(rad).upper()) if rad else mid)
    return out


def _prec_for(E) -> int:
    E = numpy.abs(numpy.asarray(E.get() if hasattr(E, "get") else E, dtype=float))
    nz = E[E > 0]
    tiny = float(nz.min()) if nz.size else 1.0
    # 1 - E_ij is exact with 53 + |log2 E_min| bits; keep 64 more for the elimination
    return 53 + 64 + max(0, -math.frexp(tiny)[1])


def _check_finite(xp, M, name):
    if not bool(xp.all(xp.isfinite(M))):
        raise InputError(name, "contains NaN or infinite entries")


def _check_square(E):
    if E.ndim != 2 or E.shape[0] != E.shape[1] or E.shape[0] == 0:
        raise InputError("E", f"expected a non-empty square matrix, got shape {E.shape}")


@dataclass
class DetResult:
    det: Approx                 # det(kappa)
    log10_abs: Approx           # log10 |det(kappa)|
    seconds: float
    method: str                 # 'certified' (from the entry balls) or 'estimate'
    detail: dict = field(default_factory=dict)


def det_kappa_certified(E, E_rad=None, prec: Optional[int] = None, entries: Optional[str] = None) -> DetResult:
    """det(1 1^T - E) enclosed by arb ball arithmetic from the entry balls.

    Two enclosures are intersected: the direct determinant, and the matrix determinant
    lemma det(1 1^T - E) = det(-E) (1 - 1^T E^-1 1) (E invertible), which never forms the
    near-ones matrix.  The result is ``certified`` only when the entries are: E exact (E_rad None)
    or ``entries="certified"``; float64 Gram entries with estimated radii (:func:`ntk_grams`) give an
    ``estimate`` (for certified Grams see :func:`certified_ntk_grams`, :func:`det_of_balls`).
    A ball containing 0 -> InputError (singular or undecided).
    """
    import flint

    E = numpy.asarray(E.get() if hasattr(E, "get") else E, dtype=float)
    _check_square(E)
    method = _entry_method(E_rad, entries)
    old = flint.ctx.prec
    flint.ctx.prec = prec or _prec_for(E)
    try:
        return det_of_balls(_balls(E, E_rad, False), E.shape[0], method)
    finally:
        flint.ctx.prec = old


def _entry_method(E_rad, entries):
    if entries is None:
        return CERTIFIED if E_rad is None else ESTIMATE
    if entries not in (CERTIFIED, AGREEMENT, ESTIMATE):
        raise InputError("entries", f"expected certified, agreement or estimate, got {entries!r}")
    return entries


def det_of_balls(E_balls, n: int, method: str = CERTIFIED) -> DetResult:
    """det(1 1^T - E) from a row-major list of n*n arb balls enclosing E (at the caller's flint precision).

    Direct determinant and determinant lemma, intersected (see :func:`det_kappa_certified`).
    """
    import flint

    start = time.perf_counter()
    one = flint.arb(1)
    K = flint.arb_mat(n, n, [one - e for e in E_balls])
    direct = K.det()
    detail = {"direct": direct.str(5, radius=True)}
    result = direct
    try:
        Em = flint.arb_mat(n, n, list(E_balls))
        det_minus_E = (-Em).det()
        ones = flint.arb_mat(n, 1, [1] * n)
        s = sum((Em.solve(ones)).entries())
        lemma = det_minus_E * (1 - s)
        detail["lemma"] = lemma.str(5, radius=True)
        if direct.overlaps(lemma):
            result = direct.intersection(lemma)
        elif method == CERTIFIED:
            raise AssertionError("the two determinant enclosures are disjoint: a bug")
        else:  # estimated entry radii need not enclose anything: keep both answers' span
            result = direct.union(lemma)
    except ZeroDivisionError:
        pass  # E singular: the lemma does not apply
    if result.contains(0):
        raise InputError("X", f"kappa is singular or too close to singular to certify: det in {result.str(3)}")
    log10 = abs(result).log() / flint.arb(10).log()
    return DetResult(_approx(result, method), _approx(log10, method), time.perf_counter() - start,
                     method, detail)


def _approx(ball, method) -> Approx:
    from asymptotics.recursion import arb_to_mpf

    return Approx(arb_to_mpf(ball.mid()), arb_to_mpf(ball.rad()), method)


def log_det_kappa(E, E_rad=None, xp=None) -> DetResult:
    """log10 |det(1 1^T - E)| and its sign in float64 (numpy, or cupy with xp=cupy).

    The determinant lemma is used (no near-ones matrix is formed); the stated error is a
    first-order estimate: |d log det| <= n (||R||_F + 4 n eps ||kappa||_2) / lambda_min(kappa)
    (Weyl), R the entry radii.  Singular to float64 -> InputError.
    """
    if xp is None:
        xp = numpy
    E = xp.asarray(E, dtype=float)
    _check_square(E)
    _check_finite(xp, E, "E")
    if E_rad is not None:
        _check_finite(xp, xp.asarray(E_rad, dtype=float), "E_rad")
    n = E.shape[0]
    start = time.perf_counter()
    K = 1.0 - E
    lam = xp.linalg.eigvalsh(K)
    lam_min, lam_max = float(lam[0]), float(lam[-1])
    if lam_min <= 4 * n * FLOAT64_EPS * lam_max:
        raise InputError("X", f"kappa is singular to float64 precision (eigenvalues {lam_min:.3g} .. {lam_max:.3g})")
    sign_e, logabs_e = xp.linalg.slogdet(-E)
    ones = xp.ones(n)
    factor = 1.0 - float(ones @ xp.linalg.solve(E, ones)) if float(sign_e) != 0 else float("nan")
    if float(sign_e) != 0 and math.isfinite(factor) and factor != 0:
        sign = float(sign_e) * math.copysign(1.0, factor)
        log_abs = float(logabs_e) + math.log(abs(factor))
    else:
        sign = 1.0
        log_abs = float(xp.sum(xp.log(lam)))
    rad_entries = 0.0 if E_rad is None else float(xp.linalg.norm(xp.asarray(E_rad)))
    err = n * (rad_entries + 4 * n * FLOAT64_EPS * lam_max) / lam_min
    # cross-check with the eigenvalues (kappa is symmetric): their log-sum is a second route
    eig_route = float(xp.sum(xp.log(xp.abs(lam))))
    err = max(err, abs(eig_route - log_abs))
    if not (math.isfinite(log_abs) and math.isfinite(err)):
        raise ComputationError(f"log det in float64 is not finite (log |det| = {log_abs}, error {err})")
    ln10 = math.log(10)
    log10 = Approx(mpmath.mpf(log_abs / ln10), mpmath.mpf(err / ln10), ESTIMATE)
    det = Approx(mpmath.mpf(sign) * mpmath.power(10, log10.mid), abs(mpmath.power(10, log10.mid)) *
                 (mpmath.power(10, log10.rad) - 1), ESTIMATE)
    return DetResult(det, log10, time.perf_counter() - start, ESTIMATE,
                     {"lambda_min": lam_min, "lambda_max": lam_max, "condition": lam_max / lam_min})


# --------------------------------------------------------------------------------------
# weights and the predictor


@dataclass
class WeightsResult:
    """w[k] = kappa^-1 kappa_{x_k}; ``values`` is an (m, n) float array of midpoints."""

    values: object
    approx: Optional[list]        # [[Approx]] per test point and component (certified runs)
    max_rad: float                # largest radius (absolute)
    seconds: float
    method: str
    detail: dict = field(default_factory=dict)


def weights_certified(E, E_x, E_rad=None, E_x_rad=None, prec: Optional[int] = None,
                      entries: Optional[str] = None) -> WeightsResult:
    """Enclosures of w = kappa^-1 kappa_x for every row of E_x (arb_mat.solve on ball entries).

    arb's solve is an inclusion function: the result contains kappa^-1 kappa_x for every
    kappa and kappa_x inside the entry balls.  ``certified`` only when the entries are (exact
    matrices, or ``entries="certified"``); estimated entry radii give an ``estimate``.
    Singular (undecided) -> InputError.
    """
    import flint

    E = numpy.asarray(E.get() if hasattr(E, "get") else E, dtype=float)
    _check_square(E)
    E_x = numpy.atleast_2d(numpy.asarray(E_x.get() if hasattr(E_x, "get") else E_x, dtype=float))
    n, m = E.shape[0], E_x.shape[0]
    if E_x.shape[1] != n:
        raise InputError("E_x", f"expected {n} columns, got {E_x.shape[1]}")
    method = _entry_method(E_rad if E_rad is not None else E_x_rad, entries)
    old = flint.ctx.prec
    flint.ctx.prec = prec or max(_prec_for(E), _prec_for(E_x))
    try:
        rhs = _balls(E_x, None if E_x_rad is None else numpy.asarray(
            E_x_rad.get() if hasattr(E_x_rad, "get") else E_x_rad), False)
        return weights_of_balls(_balls(E, E_rad, False), rhs, n, m, method)
    finally:
        flint.ctx.prec = old


def weights_of_balls(E_balls, E_x_balls, n: int, m: int, method: str = CERTIFIED) -> WeightsResult:
    """w_k = kappa^-1 kappa_{x_k} from row-major arb balls enclosing E (n x n) and E_x (m x n)."""
    import flint

    start = time.perf_counter()
    one = flint.arb(1)
    K = flint.arb_mat(n, n, [one - e for e in E_balls])
    B = flint.arb_mat(n, m, [one - E_x_balls[k * n + i] for i in range(n) for k in range(m)])
    try:
        S = K.solve(B)
    except ZeroDivisionError:
        raise InputError("X", "kappa is singular or too close to singular to certify a solve") from None
    approx = [[_approx(S[i, k], method) for i in range(n)] for k in range(m)]
    values = numpy.array([[float(a.mid) for a in row] for row in approx])
    max_rad = max(float(a.rad) for row in approx for a in row)  # a float summary for tables only
    return WeightsResult(values, approx, max_rad, time.perf_counter() - start, method)


def weights_float64(E, E_x, E_rad=None, E_x_rad=None, xp=None) -> WeightsResult:
    """w = kappa^-1 kappa_x in float64 (numpy/cupy) with a first-order error estimate
    ||dw|| <= (||R_x|| + ||R|| ||w|| + 4 n eps ||kappa|| ||w||) / lambda_min."""
    if xp is None:
        xp = numpy
    E = xp.asarray(E, dtype=float)
    _check_square(E)
    E_x = xp.asarray(E_x, dtype=float)
    if E_x.ndim == 1:
        E_x = E_x[None, :]
    for name, M in (("E", E), ("E_x", E_x), ("E_rad", E_rad), ("E_x_rad", E_x_rad)):
        if M is not None:
            _check_finite(xp, xp.asarray(M, dtype=float), name)
    n = E.shape[0]
    start = time.perf_counter()
    K = 1.0 - E
    lam = xp.linalg.eigvalsh(K)
    lam_min, lam_max = float(lam[0]), float(lam[-1])
    if lam_min <= 4 * n * FLOAT64_EPS * lam_max:
        raise InputError("X", f"kappa is singular to float64 precision (eigenvalues {lam_min:.3g} .. {lam_max:.3g})")
    W = xp.linalg.solve(K, (1.0 - E_x).T).T  # (m, n)
    r = 0.0 if E_rad is None else float(xp.linalg.norm(xp.asarray(E_rad)))
    rx = 0.0 if E_x_rad is None else float(xp.max(xp.linalg.norm(xp.asarray(E_x_rad), axis=1)))
    wn = float(xp.max(xp.linalg.norm(W, axis=1)))
    err = (rx + r * wn + 4 * n * FLOAT64_EPS * lam_max * wn) / lam_min
    if not (bool(xp.all(xp.isfinite(W))) and math.isfinite(err)):
        raise ComputationError("the float64 weights are not finite (kappa too close to singular)")
    values = W.get() if hasattr(W, "get") else numpy.asarray(W)
    return WeightsResult(values, None, err, time.perf_counter() - start, ESTIMATE,
                         {"lambda_min": lam_min, "lambda_max": lam_max, "condition": lam_max / lam_min})


def predictor(weights_row, f0_x, y_star, y0):
    """f_inf(x) = f_0(x) + w^T (y* - y_0)  (seed 000 Proposition 3, lines 221-229).

    With a row of Approx weights the result is an Approx whose radius adds |y* - y0|_i rad_i.
    """
    y_star, y0 = numpy.asarray(y_star, dtype=float), numpy.asarray(y0, dtype=float)
    if y_star.shape != y0.shape or y_star.ndim != 1:
        raise InputError("y_star", "y_star and y0 must be vectors of the same length")
    if len(weights_row) != y_star.shape[0]:
        raise InputError("y_star", f"expected {len(weights_row)} values, got {y_star.shape[0]}")
    r = y_star - y0
    if not (numpy.all(numpy.isfinite(r)) and math.isfinite(float(f0_x))):
        raise InputError("y_star", "y_star, y0 and f0_x must be finite")
    if isinstance(weights_row[0], Approx):
        with mpmath.workprec(200):
            mid = mpmath.mpf(float(f0_x)) + mpmath.fsum(w.mid * mpmath.mpf(float(ri)) for w, ri in zip(weights_row, r))
            rad = mpmath.fsum(w.rad * abs(mpmath.mpf(float(ri))) for w, ri in zip(weights_row, r))
            method = weights_row[0].method
        return Approx(mid, rad, method)
    w = numpy.asarray(weights_row, dtype=float)
    if not numpy.all(numpy.isfinite(w)):
        raise InputError("weights_row", "contains NaN or infinite weights")
    return float(f0_x) + float(numpy.dot(w, r))
