"""Numerical kernels used by the checkers of seed 001 (Hayou, Doucet, Rousseau,
"Mean-field Behaviour of Neural Tangent Kernel for Deep Neural Networks").

Small, self-contained computations written for the claims of that document:

* the ReLU correlation map of seed 001 Fact 12 in the angle form
  f(c) = c + g(theta)/pi, f'(c) = 1 - theta/pi, theta = arccos c, g = sin - id*cos,
  evaluated from gamma = 1 - c without cancellation;
* infinite-width NTK recursions for ReLU networks in the NTK parameterisation of
  seed 001 eq. (4)/(10) (FFNN), its ResNet (eq. (6)) and 1/sqrt(l)-scaled ResNet (eq. (7)),
  for two inputs of equal norm, iterated in 1 - c;
* the tanh correlation map by tensor Gauss-Hermite quadrature (also in 1 - c) and the
  tanh Edge of Chaos by 1-D mpmath quadrature;
* the empirical NTK of finite-width networks (numpy), the independent evidence for the
  recursions printed in the paper;
* zonal-kernel eigenvalues on the sphere (Funk-Hecke / Legendre).

These are deliberately local (the checkers must not depend on code whose output they
judge); where the package engines exist the tests compare against them.
"""
from __future__ import annotations

import functools
import math

import mpmath
import numpy as np

PI = math.pi

# ----------------------------------------------------------------------------------------
# ReLU correlation map (seed 001 line 597 / Fact 12, line 678)


def g_theta(theta: float) -> float:
    """g(theta) = sin(theta) - theta cos(theta), by its series for small theta (no cancellation)."""
    if theta < 0.1:
        t2 = theta * theta
        # sum_{k>=1} (-1)^(k+1) 2k theta^(2k+1) / (2k+1)!
        term, total, k = theta, 0.0, 1
        fact = 1.0  # (2k+1)!
        power = theta
        for k in range(1, 10):
            power *= t2
            fact *= (2 * k) * (2 * k + 1)
            total += (-1) ** (k + 1) * 2 * k * power / fact
        return total
    return math.sin(theta) - theta * math.cos(theta)


def theta_of_gamma(gamma: float) -> float:
    """arccos(1 - gamma), accurate for tiny gamma."""
    return 2.0 * math.asin(math.sqrt(gamma / 2.0))


def relu_f(c: float) -> float:
    """The ReLU correlation map as printed in Fact 12: (c asin c + sqrt(1-c^2))/pi + c/2."""
    return (c * math.asin(c) + math.sqrt(max(0.0, 1 - c * c))) / PI + c / 2


def relu_f_gain(gamma: float) -> float:
    """f(c) - c for c = 1 - gamma, i.e. g(theta)/pi."""
    return g_theta(theta_of_gamma(gamma)) / PI


def relu_fprime_deficit(gamma: float) -> float:
    """1 - f'(c) = theta/pi for c = 1 - gamma (f'(c) = 1/2 + asin(c)/pi)."""
    return theta_of_gamma(gamma) / PI


def mp_relu_f_gain(gamma):
    """f(c) - c at mpmath precision (extra guard digits against the cancellation in g)."""
    with mpmath.workdps(mpmath.mp.dps + 15):
        theta = 2 * mpmath.asin(mpmath.sqrt(mpmath.mpf(gamma) / 2))
        val = (mpmath.sin(theta) - theta * mpmath.cos(theta)) / mpmath.pi
    return +val


def relu_eoc_gammas(gamma1: float, depths, mp_dps: int | None = None):
    """gamma_l = 1 - c^l on the ReLU EOC (sigma_w^2 = 2, sigma_b = 0), c^{l+1} = f(c^l).

    Returns {l: gamma_l} for the requested depths (l = 1 is the input correlation).
    With ``mp_dps`` the iteration runs in mpmath at that many digits.
    """
    wanted = sorted(set(int(d) for d in depths))
    out = {}
    if mp_dps:
        with mpmath.workdps(mp_dps):
            gamma = mpmath.mpf(gamma1)
            for l in range(1, wanted[-1] + 1):
                if l in wanted:
                    out[l] = +gamma
                gamma = gamma - mp_relu_f_gain(gamma)
        return out
    gamma = float(gamma1)
    for l in range(1, wanted[-1] + 1):
        if l in wanted:
            out[l] = gamma
        gamma -= relu_f_gain(gamma)
    return out


def resnet_gammas(gamma1: float, depths, sigma_w2: float, scaled: bool = False):
    """gamma_l = 1 - c^l for a ReLU ResNet with sigma_b = 0 (seed 001 lines 1334-1342, 1452-1456).

    c^{l} = (c^{l-1} + a_l f(c^{l-1})) / (1 + a_l), a_l = sigma_w^2/2 (ResNet) or sigma_w^2/(2l)
    (blocks scaled by 1/sqrt(l)); layer 1 has no residual connection, so l starts at 2.
    """
    wanted = sorted(set(int(d) for d in depths))
    out = {}
    gamma = float(gamma1)
    for l in range(1, wanted[-1] + 1):
        if l in wanted:
            out[l] = gamma
        a = sigma_w2 / 2 / ((l + 1) if scaled else 1)
        gamma -= a / (1 + a) * relu_f_gain(gamma)
    return out


# ----------------------------------------------------------------------------------------
# ReLU NTK recursions, two inputs of equal norm (first-layer variance q1, correlation c1).


def relu_ffnn_ntk(c1: float, depths, sigma_w2: float, sigma_b2: float, q1: float = 1.0,
                  variant: str = "correct"):
    """NTK of a ReLU FFNN (seed 001 eq. (10)) at the requested depths, as dicts of floats.

    Layer 1: q^1 = sigma_b^2 + sigma_w^2 x.x'/d (given as q1 and c1); for l >= 2
        q^l_xy = sigma_b^2 + sigma_w^2 (q^{l-1}/2) f(c^{l-1}),   qdot^l = (sigma_w^2/2) f'(c^{l-1}),
        K^l = qdot^l K^{l-1} + q^l               ('correct', Jacot et al. / seed 001 line 932)
        K^l = q^l K^{l-1} + qdot^l               ('swapped': Lemma 1 as printed at lines 118-124).
    Returns {L: (K_xy, K_xx, q_xx, gamma)}.
    """
    wanted = sorted(set(int(d) for d in depths))
    out = {}
    q, gamma = q1, 1.0 - c1
    k_xy, k_xx = q1 * c1, q1
    for l in range(1, wanted[-1] + 1):
        if l in wanted:
            out[l] = (k_xy, k_xx, q, gamma)
        theta = theta_of_gamma(gamma)
        half = sigma_w2 * q / 2
        q_new = sigma_b2 + half
        qxy_new = sigma_b2 + half * (1 - gamma + g_theta(theta) / PI)
        qdot_xy = sigma_w2 / 2 * (1 - theta / PI)
        qdot_xx = sigma_w2 / 2
        if variant == "correct":
            k_xy, k_xx = qdot_xy * k_xy + qxy_new, qdot_xx * k_xx + q_new
        else:
            k_xy, k_xx = qxy_new * k_xy + qdot_xy, q_new * k_xx + qdot_xx
        gamma = half * (gamma - g_theta(theta) / PI) / q_new
        q = q_new
    return out


def relu_resnet_ntk(c1: float, depths, sigma_w2: float, q1: float = 1.0, variant: str = "correct"):
    """NTK of a ReLU ResNet, sigma_b = 0 (seed 001 eq. (6)), normalised by (1 + sigma_w^2/2)^(l-1).

    Residual stream y^l = y^{l-1} + F(y^{l-1}) for l >= 2, y^1 the plain first layer, so
    Q^l = (1 + a) Q^{l-1}, a = sigma_w^2/2, and the NTK of the last layer's parameters is
    q^l = sigma_w^2 E[phi(y^{l-1}) phi(y^{l-1}')] = a Q^{l-1} f(c^{l-1}).
        'correct': K^l = (1 + qdot^l) K^{l-1} + q^l,  qdot^l = a f'(c^{l-1})
        'printed': K^l = (1 + qdot^l) K^{l-1} + Q^l   (the proof of Theorem 2, lines 1378-1392,
                   adds the variance of y^l instead of the last block's kernel).
    Returns {L: (Kbar_xy, Kbar_xx, gamma)} with Kbar = K^L / (L (1+a)^(L-1)) (Theorem 2's alpha_L).
    """
    a = sigma_w2 / 2
    wanted = sorted(set(int(d) for d in depths))
    out = {}
    gamma = 1.0 - c1
    # normalised quantities: divide every layer by (1 + a)
    k_xy, k_xx, Q = q1 * c1, q1, q1
    for l in range(1, wanted[-1] + 1):
        if l in wanted:
            out[l] = (k_xy / l, k_xx / l, gamma)
        theta = theta_of_gamma(gamma)
        gain = g_theta(theta) / PI
        f_c = 1 - gamma + gain
        if variant == "correct":
            add_xy, add_xx = a * Q * f_c, a * Q
        else:
            add_xy, add_xx = (1 + a) * Q * (1 - (gamma + a * (gamma - gain)) / (1 + a)), (1 + a) * Q
        k_xy = ((1 + a * (1 - theta / PI)) * k_xy + add_xy) / (1 + a)
        k_xx = ((1 + a) * k_xx + add_xx) / (1 + a)
        gamma = (gamma + a * (gamma - gain)) / (1 + a)
    return out


def relu_scaled_resnet_ntk(c1: float, depths, sigma_w2: float, q1: float = 1.0, literal: bool = True):
    """NTK of the 1/sqrt(l)-scaled ReLU ResNet (seed 001 eq. (7)), sigma_b = 0.

    y^l = y^{l-1} + F(y^{l-1})/sqrt(l): Q^l = (1 + a/l) Q^{l-1}, qdot^l = (a/l) f'(c^{l-1}).
    ``literal``: gradients with respect to the N(0,1) weights of eq. (7), so the last block's
    kernel carries the factor 1/l; otherwise the scale is absorbed into the weights
    (w/sqrt(l) as parameters), the reading under which the proof at lines 1470-1510 works.
    Returns {L: (K_xy, K_xx, Q, gamma)} (unnormalised).
    """
    a = sigma_w2 / 2
    wanted = sorted(set(int(d) for d in depths))
    out = {}
    gamma = 1.0 - c1
    k_xy, k_xx, Q = q1 * c1, q1, q1
    for l in range(1, wanted[-1] + 1):
        if l in wanted:
            out[l] = (k_xy, k_xx, Q, gamma)
        step = l + 1
        al = a / step
        theta = theta_of_gamma(gamma)
        gain = g_theta(theta) / PI
        f_c = 1 - gamma + gain
        factor = 1.0 / step if literal else 1.0
        k_xy = (1 + al * (1 - theta / PI)) * k_xy + factor * a * Q * f_c
        k_xx = (1 + al) * k_xx + factor * a * Q
        gamma = (gamma + al * (gamma - gain)) / (1 + al)
        Q = (1 + al) * Q
    return out


# ----------------------------------------------------------------------------------------
# tanh: Gauss-Hermite dual maps and the Edge of Chaos


@functools.lru_cache(maxsize=8)
def _gh(n: int):
    x, w = np.polynomial.hermite_e.hermegauss(n)  # weight exp(-x^2/2)
    w = w / math.sqrt(2 * PI)
    z1, z2 = np.meshgrid(x, x, indexing="ij")
    ww = np.outer(w, w)
    return x, w, z1.ravel(), z2.ravel(), ww.ravel()


def tanh_variance_map(q: float, sigma_w2: float, sigma_b2: float, n: int = 80) -> float:
    x, w, *_ = _gh(n)
    return sigma_b2 + sigma_w2 * float(np.dot(w, np.tanh(math.sqrt(q) * x) ** 2))


def tanh_chi(q: float, sigma_w2: float, n: int = 80) -> float:
    """chi = sigma_w^2 E[tanh'(sqrt(q) Z)^2]."""
    x, w, *_ = _gh(n)
    return sigma_w2 * float(np.dot(w, np.cosh(math.sqrt(q) * x) ** -4))


def tanh_fixed_q(sigma_w2: float, sigma_b2: float, q0: float = 1.0, n: int = 80, iters: int = 2000) -> float:
    q = q0
    for _ in range(iters):
        q_new = tanh_variance_map(q, sigma_w2, sigma_b2, n)
        if abs(q_new - q) < 1e-16 * max(1.0, q):
            return q_new
        q = q_new
    return q


def tanh_corr_deficit(gamma: float, q: float, sigma_w2: float, sigma_b2: float, n: int = 48) -> float:
    """1 - f(c) for the tanh correlation map at the fixed variance q (seed 001 Fact 5).

    1 - f(c) = sigma_w^2 E[phi(u)(phi(u) - phi(v))] / q, with phi(u) - phi(v) =
    sinh(u - v)/(cosh u cosh v) and u - v written with gamma (no cancellation).
    """
    _, _, z1, z2, ww = _gh(n)
    gamma = min(max(gamma, 0.0), 2.0)  # rounding can push 1 - c a hair below 0
    s = math.sqrt(q)
    u = s * z1
    diff = s * (gamma * z1 - math.sqrt(gamma * (2 - gamma)) * z2)  # u - v
    v = u - diff
    integrand = np.tanh(u) * np.sinh(diff) / (np.cosh(u) * np.cosh(v))
    return sigma_w2 * float(np.dot(ww, integrand)) / q


def tanh_fprime(gamma: float, q: float, sigma_w2: float, n: int = 48) -> float:
    """f'(c) = sigma_w^2 E[phi'(u) phi'(v)] (Jacot-style derivative map at the fixed variance q)."""
    _, _, z1, z2, ww = _gh(n)
    gamma = min(max(gamma, 0.0), 2.0)
    s = math.sqrt(q)
    c = 1 - gamma
    u = s * z1
    v = s * (c * z1 + math.sqrt(gamma * (2 - gamma)) * z2)
    return sigma_w2 * float(np.dot(ww, np.cosh(u) ** -2 * np.cosh(v) ** -2))


def tanh_corr_map(c: float, q: float, sigma_w2: float, sigma_b2: float, n: int = 48) -> float:
    return 1.0 - tanh_corr_deficit(1.0 - c, q, sigma_w2, sigma_b2, n)


def mp_gauss_expect(fun, dps: int = 30):
    """E[fun(Z)], Z ~ N(0,1), by mpmath.quad (fun analytic: tanh-type integrands)."""
    with mpmath.workdps(dps + 10):
        val = mpmath.quad(lambda z: fun(z) * mpmath.exp(-z * z / 2), [-mpmath.inf, -4, 0, 4, mpmath.inf])
        val = val / mpmath.sqrt(2 * mpmath.pi)
    return val


@functools.lru_cache(maxsize=32)
def tanh_eoc(sigma_b: str, dps: int = 30):
    """(sigma_w, q) on the tanh EOC for a given sigma_b (decimal string), to ``dps`` digits.

    Solves q = sigma_b^2 + sigma_w^2 E[tanh(sqrt q Z)^2] and sigma_w^2 E[sech(sqrt q Z)^4] = 1
    by eliminating sigma_w^2 = 1/E[sech^4] and a 1-D root in q.
    """
    with mpmath.workdps(dps + 10):
        sb2 = mpmath.mpf(sigma_b) ** 2

        def moments(q):
            s = mpmath.sqrt(q)
            t2 = mp_gauss_expect(lambda z: mpmath.tanh(s * z) ** 2, dps + 5)
            s4 = mp_gauss_expect(lambda z: mpmath.sech(s * z) ** 4, dps + 5)
            return t2, s4

        def eq(q):
            t2, s4 = moments(q)
            return q - sb2 - t2 / s4

        # bracket: eq(q) < 0 for small q when sigma_b > 0
        lo, hi = mpmath.mpf("1e-6"), mpmath.mpf(1)
        while eq(hi) < 0:
            hi *= 2
        q = mpmath.findroot(eq, (lo, hi), solver="anderson", tol=mpmath.mpf(10) ** (-dps - 5))
        _, s4 = moments(q)
        sw = 1 / mpmath.sqrt(s4)
    return +sw, +q


def tanh_derivative_polys(j_max: int):
    """Polynomials P_j with d^j/dx^j tanh(x) = P_j(tanh x), j = 0..j_max (numpy coefficient lists)."""
    polys = [np.polynomial.Polynomial([0, 1])]
    one_minus_t2 = np.polynomial.Polynomial([1, 0, -1])
    for _ in range(j_max):
        polys.append(polys[-1].deriv() * one_minus_t2)
    return polys


def tanh_fj_at_one(j: int, q, sigma_w2, dps: int = 30, with_sqrt_q: bool = True):
    """sigma_w^2 q^(j-1) E[phi^(j)(s Z)^2] with s = sqrt(q) (corrected Fact 6) or s = 1 (as printed)."""
    poly = tanh_derivative_polys(j)[j]
    coeffs = [mpmath.mpf(float(c)) if abs(c - round(c)) > 0 else mpmath.mpf(int(round(c))) for c in poly.coef]
    with mpmath.workdps(dps + 10):
        s = mpmath.sqrt(mpmath.mpf(q)) if with_sqrt_q else mpmath.mpf(1)

        def pj(z):
            t = mpmath.tanh(s * z)
            return mpmath.polyval(coeffs[::-1], t)

        val = mpmath.mpf(sigma_w2) * mpmath.mpf(q) ** (j - 1) * mp_gauss_expect(lambda z: pj(z) ** 2, dps + 5)
    return +val


# ----------------------------------------------------------------------------------------
# Finite-width networks: empirical NTK of one output unit (numpy)


def relu(x):
    return np.maximum(x, 0.0)


def relu_prime(x):
    return (x > 0).astype(x.dtype)


def tanh_prime(x):
    return 1.0 / np.cosh(x) ** 2


ACTIVATIONS = {"relu": (relu, relu_prime), "tanh": (np.tanh, tanh_prime)}


def empirical_ntk(X, depth: int, width: int, sigma_w: float, sigma_b: float, activation="relu",
                  arch: str = "ffnn", rng=None, scale_in_params: bool = False):
    """Empirical NTK Theta(x_i, x_j) of the first output unit of y^depth, exact gradients.

    arch: 'ffnn' (seed 001 eq. (10)), 'resnet' (eq. (6): y^l = y^{l-1} + F), or 'scaled'
    (eq. (7): y^l = y^{l-1} + F / sqrt(l)).  All weights and biases N(0, 1), NTK
    parameterisation; F(y) = sigma_w/sqrt(n) W phi(y) + sigma_b b.  With
    ``scale_in_params`` the scaled-ResNet gradient is taken with respect to w/sqrt(l).
    Returns the (m x m) matrix for the m rows of X.
    """
    rng = np.random.default_rng() if rng is None else rng
    phi, dphi = ACTIVATIONS[activation]
    X = np.asarray(X, dtype=float)
    m, d = X.shape
    n = width
    Ws, bs, pre, post = [], [], [], []
    W1 = rng.standard_normal((n, d))
    b1 = rng.standard_normal(n)
    h = X @ W1.T * (sigma_w / math.sqrt(d)) + sigma_b * b1  # (m, n)
    hs = [h]
    scales = [1.0]
    for l in range(2, depth + 1):
        W = rng.standard_normal((n, n))
        b = rng.standard_normal(n)
        Ws.append(W)
        a = phi(h)
        F = a @ W.T * (sigma_w / math.sqrt(n)) + sigma_b * b
        s = 1.0 / math.sqrt(l) if arch == "scaled" else 1.0
        scales.append(s)
        h = F if arch == "ffnn" else h + s * F
        hs.append(h)
    # backward: delta^l = d out / d y^l, per input
    delta = np.zeros((m, n))
    delta[:, 0] = 1.0
    ntk = np.zeros((m, m))
    for l in range(depth, 1, -1):
        W = Ws[l - 2]
        a_prev = phi(hs[l - 2])
        s = scales[l - 1]
        param_factor = 1.0 if (arch == "scaled" and scale_in_params) else s * s
        layer_kernel = (sigma_w ** 2) * (a_prev @ a_prev.T) / n + sigma_b ** 2
        ntk += param_factor * (delta @ delta.T) * layer_kernel
        back = (delta @ W) * (s * sigma_w / math.sqrt(n)) * dphi(hs[l - 2])
        delta = back if arch == "ffnn" else delta + back
    layer_kernel = (sigma_w ** 2) * (X @ X.T) / d + sigma_b ** 2
    ntk += (delta @ delta.T) * layer_kernel
    return ntk


def empirical_ntk_mean(X, depth, width, sigma_w, sigma_b, activation="relu", arch="ffnn", seeds=4,
                       scale_in_params=False, seed0=1234):
    """Mean and standard error over independent initialisations."""
    rng = np.random.default_rng(seed0)
    samples = np.array([empirical_ntk(X, depth, width, sigma_w, sigma_b, activation, arch, rng,
                                      scale_in_params) for _ in range(seeds)])
    return samples.mean(axis=0), samples.std(axis=0, ddof=1) / math.sqrt(seeds)


# ----------------------------------------------------------------------------------------
# Zonal kernels on the sphere S^{d-1}


def zonal_eigenvalues(g_values, theta_nodes, theta_weights, d: int, k_max: int):
    """mu_k = (Omega_{d-1}/Omega_d) int_{-1}^{1} g(t) P_k^d(t) (1-t^2)^{(d-3)/2} dt, k = 0..k_max.

    P_k^d is the Legendre (Gegenbauer) polynomial of dimension d normalised by P_k^d(1) = 1;
    the integral is taken in theta (t = cos theta), where ReLU kernels are smooth.
    """
    from scipy.special import eval_gegenbauer, gamma as G

    t = np.cos(theta_nodes)
    jac = np.sin(theta_nodes) ** (d - 2)  # (1-t^2)^{(d-3)/2} dt = sin^{d-2} dtheta
    ratio = G(d / 2) / (math.sqrt(PI) * G((d - 1) / 2))  # Omega_{d-1} / Omega_d
    mus = []
    for k in range(k_max + 1):
        if d == 3:
            from scipy.special import eval_legendre

            pk = eval_legendre(k, t)
        else:
            lam = (d - 2) / 2
            pk = eval_gegenbauer(k, lam, t) / eval_gegenbauer(k, lam, 1.0)
        mus.append(ratio * float(np.sum(theta_weights * g_values * pk * jac)))
    return np.array(mus)


def theta_quadrature(n: int = 400):
    from scipy.special import roots_legendre

    x, w = roots_legendre(n)  # (numpy's leggauss solves an n x n eigenproblem: slow for n = 400)
    return (x + 1) * PI / 2, w * PI / 2


def relu_ffnn_ntk_grid(c1: np.ndarray, depths, sigma_w2: float, sigma_b2: float, q1: float = 1.0):
    """Vectorised :func:`relu_ffnn_ntk` ('correct') over an array of input correlations."""
    wanted = sorted(set(int(d) for d in depths))
    out = {}
    q = q1
    gamma = 1.0 - np.asarray(c1, dtype=float)
    k_xy = q1 * (1 - gamma)
    k_xx = q1

    coeffs = [(-1) ** (k + 1) * 2 * k / math.factorial(2 * k + 1) for k in range(1, 10)]

    def g_arr(th):
        small = th < 0.1
        res = np.sin(th) - th * np.cos(th)
        if np.any(small):
            ts = th[small]
            t2 = ts * ts
            acc = np.zeros_like(ts)
            for c in reversed(coeffs):  # theta^3 * sum_k c_k theta^(2k-2)
                acc = acc * t2 + c
            res[small] = acc * ts ** 3
        return res

    for l in range(1, wanted[-1] + 1):
        if l in wanted:
            out[l] = (k_xy.copy(), k_xx)
        theta = 2 * np.arcsin(np.sqrt(np.clip(gamma, 0, 2) / 2))
        gain = g_arr(theta) / PI
        half = sigma_w2 * q / 2
        q_new = sigma_b2 + half
        qxy_new = sigma_b2 + half * (1 - gamma + gain)
        k_xy = sigma_w2 / 2 * (1 - theta / PI) * k_xy + qxy_new
        k_xx = sigma_w2 / 2 * k_xx + q_new
        gamma = half * (gamma - gain) / q_new
        q = q_new
    return out


# ----------------------------------------------------------------------------------------
# tanh correlation map near c = 1 at an EOC point: Chebyshev fits of the GH map


def _horner(coeffs, x):
    acc = 0.0
    for c in reversed(coeffs):
        acc = acc * x + c
    return acc


class TanhNearOne:
    """The tanh correlation map at fixed variance q, iterated in lambda = 1 - c.

    For lambda <= lam_max the map is represented through fits of the Gauss-Hermite values
        r(lambda) = (lambda - h(lambda)) / lambda^2,  h(lambda) = 1 - f(1 - lambda),
        p(lambda) = (1 - f'(1 - lambda)) / lambda,
    which build in f(1) = 1 and, on the EOC, f'(1) = 1 exactly (``eoc=True``); farther from 1
    the GH map is used directly.  ``fit_error`` is the largest deviation of the fits from
    fresh GH values at points between the fitting nodes.
    """

    def __init__(self, sigma_w2, sigma_b2, q, eoc=True, lam_max=0.05, degree=14, n_fit=120):
        self.sigma_w2, self.sigma_b2, self.q, self.eoc, self.lam_max = sigma_w2, sigma_b2, q, eoc, lam_max
        m = degree + 6
        nodes = lam_max * (1 + np.cos(PI * (np.arange(m) + 0.5) / m)) / 2
        r_vals = [(lam - tanh_corr_deficit(lam, q, sigma_w2, sigma_b2, n_fit)) / lam ** 2 for lam in nodes]
        p_vals = [(1 - tanh_fprime(lam, q, sigma_w2, n_fit)) / lam for lam in nodes]
        P = np.polynomial.Polynomial
        self.r_coef = list(P.fit(nodes, r_vals, degree).convert().coef)
        self.p_coef = list(P.fit(nodes, p_vals, degree).convert().coef)
        check = lam_max * (1 + np.cos(PI * np.arange(1, m) / m)) / 2
        err_r = max(abs(_horner(self.r_coef, x) - (x - tanh_corr_deficit(x, q, sigma_w2, sigma_b2, n_fit)) / x ** 2)
                    for x in check[::3])
        err_p = max(abs(_horner(self.p_coef, x) - (1 - tanh_fprime(x, q, sigma_w2, n_fit)) / x) for x in check[::3])
        self.fit_error = max(err_r, err_p)

    @property
    def alpha(self):
        """f''(1)/2 from the fit (r(0))."""
        return self.r_coef[0]

    @property
    def zeta(self):
        """f'''(1)/6 from the fit: r(lambda) = alpha - zeta lambda + ..."""
        return -self.r_coef[1]

    def step(self, lam):
        if lam <= self.lam_max:
            return lam - lam * lam * _horner(self.r_coef, lam)
        return tanh_corr_deficit(lam, self.q, self.sigma_w2, self.sigma_b2, 80)

    def fprime_deficit(self, lam):
        if lam <= self.lam_max:
            return lam * _horner(self.p_coef, lam)
        return 1 - tanh_fprime(lam, self.q, self.sigma_w2, 80)

    def run(self, c1, depths, with_ntk=False):
        """{l: (lambda_l, 1 - f'(c^l), K^l/q)} for unit-variance-normalised NTK at the fixed variance q
        (inputs with q^1(x,x) = q^1(x',x') = q, so every layer has variance q and
        K^l = f'(c^{l-1}) K^{l-1} + q c^l; K is returned divided by q)."""
        wanted = sorted(set(int(d) for d in depths))
        out = {}
        lam = 1.0 - c1
        k = 1.0 - lam  # K^1 / q = c^1
        for l in range(1, wanted[-1] + 1):
            dfp = self.fprime_deficit(lam)
            if l in wanted:
                out[l] = (lam, dfp, k)
            lam_new = self.step(lam)
            if with_ntk:
                k = (1 - dfp) * k + (1 - lam_new)
            lam = lam_new
        return out


@functools.lru_cache(maxsize=4)
def tanh_eoc_map(sigma_b: str = "0.2"):
    sw, q = tanh_eoc(sigma_b, 30)
    sw2, q = float(sw) ** 2, float(q)
    return TanhNearOne(sw2, float(mpmath.mpf(sigma_b)) ** 2, q, eoc=True)


# ----------------------------------------------------------------------------------------
# 1-D circular CNN (seed 001 eq. (11)): empirical NTK and the infinite-width recursion (ReLU)


def _patches(a, k):
    """(M, n) activations -> (M, n(2k+1)) patches with P[alpha, (beta, j)] = a[alpha + beta, j] (circular)."""
    return np.concatenate([np.roll(a, -beta, axis=0) for beta in range(-k, k + 1)], axis=1)


def _unpatch(dP, n, k):
    M = dP.shape[0]
    da = np.zeros((M, n))
    for idx, beta in enumerate(range(-k, k + 1)):
        da += np.roll(dP[:, idx * n:(idx + 1) * n], beta, axis=0)
    return da


def empirical_cnn_ntk(x, xp, depth, width, k, sigma_w, sigma_b, rng, residual=False):
    """K[alpha, alpha'] = <grad y^depth_{0,alpha}(x), grad y^depth_{0,alpha'}(x')> for a ReLU CNN (eq. (11)).

    x, xp: (M, n0) inputs (positions x channels); all weights and biases N(0, 1); periodic boundary.
    """
    M, n0 = x.shape
    Ws, bs = [], []
    fan = [n0] + [width] * (depth - 1)
    for l in range(depth):
        Ws.append(rng.standard_normal((width, fan[l] * (2 * k + 1))))
        bs.append(rng.standard_normal(width))

    def forward(inp):
        acts, pres = [inp], []
        a = inp
        for l in range(depth):
            P = _patches(a, k)
            y = sigma_w / math.sqrt(fan[l] * (2 * k + 1)) * P @ Ws[l].T + sigma_b * bs[l]
            if residual and l:
                y = pres[-1] + y  # eq. (6) with a convolutional block; no skip into the first layer
            pres.append(y)
            a = np.maximum(y, 0)
            acts.append(a)
        return acts, pres

    def grads(acts, pres, alpha):
        delta = np.zeros((M, width))
        delta[alpha, 0] = 1.0
        out = []
        for l in range(depth - 1, -1, -1):
            P = _patches(acts[l], k)
            scale = sigma_w / math.sqrt(fan[l] * (2 * k + 1))
            out.append((scale * delta.T @ P, sigma_b * delta.sum(axis=0)))
            if l:
                dP = scale * delta @ Ws[l]
                back = _unpatch(dP, fan[l], k) * (pres[l - 1] > 0)
                delta = delta + back if residual else back
        return out

    ax, px = forward(x)
    ay, py = forward(xp)
    gx = [grads(ax, px, a) for a in range(M)]
    gy = [grads(ay, py, a) for a in range(M)]
    K = np.zeros((M, M))
    for a in range(M):
        for b in range(M):
            K[a, b] = sum(float(np.sum(u[0] * v[0]) + np.dot(u[1], v[1])) for u, v in zip(gx[a], gy[b]))
    return K


def _relu_moments(q1, q2, c12):
    """E[relu(u)relu(v)], E[relu'(u)relu'(v)] for Var u = q1, Var v = q2, Cov = c12 (arrays)."""
    s = np.sqrt(q1 * q2)
    rho = np.clip(c12 / s, -1, 1)
    theta = np.arccos(rho)
    return s * (np.sin(theta) + (PI - theta) * np.cos(theta)) / (2 * PI), (PI - theta) / (2 * PI)


def cnn_ntk_recursion(x, xp, depth, k, sigma_w2, sigma_b2, variant="correct", residual=False):
    """Infinite-channel NTK K[alpha, alpha'](x, x') of a ReLU CNN.

    Q^1 = sigma_b^2 + sigma_w^2 [u, v]/(n0 (2k+1)); for l >= 2, with the Gaussian moments of layer l-1,
      Q^l_{a,a'}(u,v) = sigma_b^2 + sigma_w^2/(2k+1) sum_beta E[phi phi]_{a+beta, a'+beta},
      'correct': K^l = 1/(2k+1) sum_beta (sigma_w^2 E[phi' phi'] K^{l-1})_{a+beta,a'+beta} + Q^l_{a,a'}
      'swapped': the roles of (sigma_b^2 + sigma_w^2 E[phi phi]) and sigma_w^2 E[phi' phi'] exchanged
                 (the definitions of the main-text Lemma 1, inherited by Lemma 2).
    """
    M, n0 = x.shape
    width = 2 * k + 1

    def conv_avg(A):  # (1/(2k+1)) sum_beta A[a+beta, a'+beta]
        return sum(np.roll(np.roll(A, -beta, 0), -beta, 1) for beta in range(-k, k + 1)) / width

    def gram(u, v):
        return conv_avg(u @ v.T) * width / (n0 * width)

    Qxx = sigma_b2 + sigma_w2 * gram(x, x)
    Qyy = sigma_b2 + sigma_w2 * gram(xp, xp)
    Qxy = sigma_b2 + sigma_w2 * gram(x, xp)
    K = Qxy.copy()
    for _ in range(2, depth + 1):
        dx, dy = np.diag(Qxx), np.diag(Qyy)
        Exx, _ = _relu_moments(dx[:, None], dx[None, :], Qxx)
        Eyy, _ = _relu_moments(dy[:, None], dy[None, :], Qyy)
        Exy, Dxy = _relu_moments(dx[:, None], dy[None, :], Qxy)
        qhat = sigma_b2 + sigma_w2 * Exy
        qdot = sigma_w2 * Dxy
        mult, add = {"correct": (qdot, qhat), "swapped": (qhat, qdot),
                     "both_derivative": (qdot, qdot), "both_covariance": (qhat, qhat)}[variant]
        K = (K if residual else 0) + conv_avg(mult * K) + conv_avg(add)
        base = (Qxx, Qyy, Qxy) if residual else (0, 0, 0)
        Qxx = base[0] + sigma_b2 + sigma_w2 * conv_avg(Exx)
        Qyy = base[1] + sigma_b2 + sigma_w2 * conv_avg(Eyy)
        Qxy = base[2] + conv_avg(qhat)
    return K
