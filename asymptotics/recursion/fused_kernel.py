"""The numba kernel of :mod:`asymptotics.recursion.fused` (imported only where numba is installed).

Module-level functions so that numba's on-disk cache (``cache=True``) finds them again in the next
process (closures are recompiled every time).  Formulas and their order: see the fused module.
"""
from __future__ import annotations

import math

import numba
import numpy

#: pairs per block: 7 float64 work arrays of this length stay in a 32 KiB L1 cache
BLOCK = 512
#: g(theta)/2 = theta^3 sum_k c_k theta^(2k-2), c_k = (-1)^(k+1) k / (2k+1)!: backends' series, same 11 terms
G_HALF_COEFFS = numpy.array([(-1) ** (k + 1) * k / math.factorial(2 * k + 1) for k in range(1, 12)])
#: Taylor coefficients b_k of asin(u)/u - 1 in z = u^2 (k = 1..40); enough for z <= sin(1/2)^2
ASIN_COEFFS = numpy.array([math.factorial(2 * k) / (4**k * math.factorial(k) ** 2 * (2 * k + 1)) for k in range(1, 41)])


@numba.njit(cache=True, nogil=True, error_model="numpy")
def g_terms_for(theta_max, g_coeffs):
    # backends._series_terms_for, line by line
    t2 = theta_max * theta_max
    first = abs(g_coeffs[0])
    for n in range(1, g_coeffs.shape[0]):
        if abs(g_coeffs[n]) * t2**n < 1e-18 * first:
            return n
    return g_coeffs.shape[0]

@numba.njit(cache=True, nogil=True, error_model="numpy")
def asin_terms_for(z_max, asin_coeffs):
    # smallest n with tail bound b_(n+1) z^(n+1) / (1 - z) < 2^-56 (b_k decrease)
    power = z_max
    for n in range(asin_coeffs.shape[0]):
        if asin_coeffs[n] * power < 2.0**-56 * (1 - z_max):
            return n
        power *= z_max
    return asin_coeffs.shape[0]

@numba.njit(cache=True, nogil=True, error_model="numpy")
def advance(delta, W, W_lost, a_out, first_layer, stop_layer, kappa, half, g_coeffs, asin_coeffs):
    n = delta.shape[0]
    n_g = g_coeffs.shape[0]
    d = numpy.empty(BLOCK)
    w = numpy.empty(BLOCK)
    lost = numpy.empty(BLOCK)
    a = numpy.zeros(BLOCK)
    u = numpy.empty(BLOCK)
    z = numpy.empty(BLOCK)
    acc = numpy.empty(BLOCK)
    for start in range(0, n, BLOCK):
        m = min(BLOCK, n - start)
        for i in range(m):
            d[i], w[i], lost[i] = delta[start + i], W[start + i], W_lost[start + i]
        for layer in range(first_layer, stop_layer):
            d_max = 0.0
            for i in range(m):
                d_max = max(d_max, d[i])
            theta_max = 2 * math.asin(math.sqrt(d_max * half))
            if theta_max >= 1.0:  # Float64Ops.g_half's mixed case, element by element, libm asin
                for i in range(m):
                    u[i] = math.sqrt(d[i] * half)
                    a[i] = math.asin(u[i])
                    theta = 2 * a[i]
                    if theta >= 1.0:
                        acc[i] = u[i] * math.sqrt(1 - 0.5 * d[i]) - a[i] * (1 - d[i])
                    else:
                        t2 = theta * theta
                        s = g_coeffs[n_g - 1]
                        for k in range(n_g - 2, -1, -1):
                            s = s * t2 + g_coeffs[k]
                        acc[i] = s * t2 * theta
            else:
                n_asin = asin_terms_for(d_max * half, asin_coeffs)
                n_terms = g_terms_for(theta_max, g_coeffs)
                for i in range(m):
                    z[i] = d[i] * half
                    u[i] = math.sqrt(z[i])
                    acc[i] = asin_coeffs[n_asin - 1] if n_asin > 0 else 0.0
                for k in range(n_asin - 2, -1, -1):
                    c = asin_coeffs[k]
                    for i in range(m):
                        acc[i] = acc[i] * z[i] + c
                for i in range(m):
                    a[i] = u[i] + u[i] * (z[i] * acc[i])
                    theta = 2 * a[i]
                    z[i] = theta * theta  # from here z holds t2 = theta^2
                    acc[i] = g_coeffs[n_terms - 1]
                for k in range(n_terms - 2, -1, -1):
                    c = g_coeffs[k]
                    for i in range(m):
                        acc[i] = acc[i] * z[i] + c
                for i in range(m):
                    acc[i] = acc[i] * z[i] * (2 * a[i])
            lf = float(layer)
            for i in range(m):  # _nobias_step_compensated, same order
                new_d = d[i] - kappa * acc[i]
                increment = kappa * a[i] * (lf - (w[i] - lost[i])) + new_d - lost[i]
                new_w = w[i] + increment
                lost[i] = (new_w - w[i]) - increment
                d[i], w[i] = new_d, new_w
        for i in range(m):
            delta[start + i], W[start + i], W_lost[start + i], a_out[start + i] = d[i], w[i], lost[i], a[i]
    return None


def advance_pairs(delta, W, W_lost, a_out, first_layer, stop_layer, kappa, half):
    """Layers first_layer .. stop_layer - 1 in place on contiguous float64 arrays."""
    advance(delta, W, W_lost, a_out, first_layer, stop_layer, kappa, half, G_HALF_COEFFS, ASIN_COEFFS)
