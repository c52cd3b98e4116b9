"""Finite-width networks for the seed 001 checkers: the empirical NTK of FFNN / ResNet / scaled ResNet
(numpy) and of one-dimensional CNNs, with the CNN recursion of seed 001's Lemma 2 (../shared/seeds/001_018e0351582ed44f.txt:126-136, 981-996).
"""
from __future__ import annotations

import math

import numpy as np

from proofs_checks.doc001.kernels import PI

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
