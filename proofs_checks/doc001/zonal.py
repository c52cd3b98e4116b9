"""Zonal-kernel eigenvalues on the sphere (Funk-Hecke / Legendre, ../shared/seeds/001_018e0351582ed44f.txt:1556-1570), the ReLU NTK on a
grid of correlations, and the tanh correlation map near 1 by its Taylor coefficients.
"""
from __future__ import annotations

import functools
import math

import mpmath
import numpy as np

from proofs_checks.doc001.kernels import PI, tanh_corr_deficit, tanh_eoc, tanh_fprime

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
