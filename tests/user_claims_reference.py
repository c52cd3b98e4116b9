"""Independent references for the claims-file tests: float64 scipy quadrature and plain mpmath
recursions written here, sharing no code with the package."""
from __future__ import annotations

import math

import mpmath
import numpy as np
from scipy import integrate, optimize


def gauss(h):
    """E[h(Z)], Z ~ N(0, 1), by scipy quad."""
    value, _ = integrate.quad(lambda z: h(z) * math.exp(-z * z / 2) / math.sqrt(2 * math.pi), -40, 40,
                              limit=400, epsabs=1e-14, epsrel=1e-13)
    return value


def tanh_d1(x):
    return 1 / math.cosh(x) ** 2


def tanh_d2(x):
    return -2 * math.tanh(x) / math.cosh(x) ** 2


def tanh_eoc(sigma_b):
    """(sigma_w, q*) solving q = sb^2 + E[tanh^2]/E[tanh'^2], sigma_w^2 = 1/E[tanh'^2] (Schoenholz et al.)."""
    def residual(q):
        r = math.sqrt(q)
        return sigma_b**2 + gauss(lambda z: math.tanh(r * z) ** 2) / gauss(lambda z: tanh_d1(r * z) ** 2) - q

    q = optimize.brentq(residual, 1e-3, 10, xtol=1e-15, rtol=1e-14)
    sw = 1 / math.sqrt(gauss(lambda z: tanh_d1(math.sqrt(q) * z) ** 2))
    return sw, q


def erf_eoc(sigma_b):
    """The same for phi(x) = erf(x)."""
    s = 1.0

    def phi(x):
        return math.erf(s * x)

    def dphi(x):
        return 2 * s / math.sqrt(math.pi) * math.exp(-(s * x) ** 2)

    def residual(q):
        r = math.sqrt(q)
        return sigma_b**2 + gauss(lambda z: phi(r * z) ** 2) / gauss(lambda z: dphi(r * z) ** 2) - q

    q = optimize.brentq(residual, 1e-3, 10, xtol=1e-15, rtol=1e-14)
    return 1 / math.sqrt(gauss(lambda z: dphi(math.sqrt(q) * z) ** 2)), q


def tanh_chi(sigma_w, sigma_b):
    def gap(q):
        return sigma_b**2 + sigma_w**2 * gauss(lambda z: math.tanh(math.sqrt(q) * z) ** 2) - q

    q = optimize.brentq(gap, 1e-4, 10, xtol=1e-15)
    return sigma_w**2 * gauss(lambda z: tanh_d1(math.sqrt(q) * z) ** 2)


def tanh_f2_on_eoc(sigma_b):
    sw, q = tanh_eoc(sigma_b)
    return sw**2 * q * gauss(lambda z: tanh_d2(math.sqrt(q) * z) ** 2)


def relu_k(rho):
    """E[relu(u) relu(v)] for unit variances, correlation rho (Cho and Saul's arc-cosine kernel)."""
    return (math.sqrt(max(0.0, 1 - rho * rho)) + (math.pi - math.acos(rho)) * rho) / (2 * math.pi)


def relu_kdot(rho):
    return (math.pi - math.acos(rho)) / (2 * math.pi)


def relu_pair(rho, depth, sw2=1.0, sb2=0.0, q=1.0):
    """(1 - rho^L, Theta^L(x,x')/Theta^L(x,x)) by the textbook recursion in rho (float64; fine at depth 10)."""
    qx, r, t_xy, t_xx = q, rho, q * rho, q
    for _ in range(depth - 1):
        s_xy = sb2 + sw2 * qx * relu_k(r)
        s_xx = sb2 + sw2 * qx / 2
        sd_xy, sd_xx = sw2 * relu_kdot(r), sw2 / 2
        t_xy, t_xx = sd_xy * t_xy + s_xy, sd_xx * t_xx + s_xx
        r, qx = s_xy / s_xx, s_xx
    return 1 - r, t_xy / t_xx


def relu_ordered_k(rho, sw2, sb2, depth=400, dps=150):
    """K = (1 - c^L) / chi^L at a large depth, mpmath in rho at 150 digits, started at q*."""
    with mpmath.workdps(dps):
        sw2, sb2 = mpmath.mpf(sw2), mpmath.mpf(sb2)
        chi = sw2 / 2
        q = sb2 / (1 - chi)
        c = mpmath.mpf(rho)
        for _ in range(depth - 1):
            k = (mpmath.sqrt(1 - c * c) + (mpmath.pi - mpmath.acos(c)) * c) / (2 * mpmath.pi)
            c = (sb2 + sw2 * q * k) / (sb2 + sw2 * q / 2)
        return (1 - c) / chi**depth


def gram_det_limit(n, lam):
    """det((1 - lam) I + lam 1 1^T) by numpy."""
    return float(np.linalg.det((1 - lam) * np.eye(n) + lam * np.ones((n, n))))


def erf_ordered_k(rho, sigma_w, sigma_b, depth=1200, dps=120):
    """K = (1 - c^L)/chi^L for phi = erf(x) at q*, from Williams' closed form
    E[erf(u) erf(v)] = (2/pi) asin(2 S12 / sqrt((1 + 2 S11)(1 + 2 S22))), iterated in c at 120 digits."""
    with mpmath.workdps(dps):
        sw2, sb2 = mpmath.mpf(sigma_w) ** 2, mpmath.mpf(sigma_b) ** 2
        q = mpmath.findroot(lambda q: sb2 + sw2 * 2 / mpmath.pi * mpmath.asin(2 * q / (1 + 2 * q)) - q, 0.5)
        kappa = 2 * q / (1 + 2 * q)
        chi = sw2 * 2 / mpmath.pi * kappa / mpmath.sqrt(1 - kappa**2) / q
        c = mpmath.mpf(rho)
        for _ in range(depth - 1):
            c = (sb2 + sw2 * 2 / mpmath.pi * mpmath.asin(kappa * c)) / q
        return (1 - c) / chi**depth, chi


def tanh_eoc_correlation(c0, depth, sigma_b=0.2, nodes=120):
    """1 - c^depth for tanh on its EOC (c^1 = c0) by two-dimensional Gauss-Hermite quadrature (numpy)."""
    sw, q = tanh_eoc(sigma_b)
    z, w = np.polynomial.hermite_e.hermegauss(nodes)
    w = w / w.sum()
    Z1, Z2 = np.meshgrid(z, z, indexing="ij")
    W = np.outer(w, w)
    c = c0
    for _ in range(depth - 1):
        u = math.sqrt(q) * Z1
        v = math.sqrt(q) * (c * Z1 + math.sqrt(1 - c * c) * Z2)
        c = (sigma_b**2 + sw**2 * float(np.sum(W * np.tanh(u) * np.tanh(v)))) / q
    return 1 - c
