"""Helpers shared by the modules of seed 002 (and the review, seed 004)."""
from __future__ import annotations

import functools

import numpy

from asymptotics import finite_width as fw

SEED = "002"


def _fmt(x, digits=3):
    return f"{x:.{digits}g}"


def single_thread(fn):
    """Run ``fn`` with one BLAS thread (see finite_width.blas_single_thread)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with fw.blas_single_thread():
            return fn(*args, **kwargs)

    return wrapper


def _rate_text(p, p_std):
    return f"n^-{p:.2f} (+/- {p_std:.2f}, bootstrap over seeds)"


def _sphere_points(N, n0, seed):
    P = numpy.random.default_rng(seed).standard_normal((N, n0))
    return P / numpy.linalg.norm(P, axis=1, keepdims=True)


def _min_eig_certified(K):
    """Smallest eigenvalue of a symmetric float64 matrix and a rounding bound (Weyl: |dlambda| <= ||E||_2,
    ||E|| <~ N eps ||K||)."""
    lam = numpy.linalg.eigvalsh(K)
    bound = 10 * K.shape[0] * numpy.finfo(float).eps * numpy.abs(lam).max()
    return float(lam[0]), float(bound)


def _ls_setup(N=5, seed=7):
    X = fw.circle_points(N, 0.3, 2.9)
    K = fw.limit_ntk(X, 3, "relu", 0.1).theta
    rng = numpy.random.default_rng(seed)
    return X, K, rng.standard_normal(N), rng.standard_normal(N)
