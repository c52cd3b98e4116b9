"""Finite-width fully connected networks in the NTK parameterisation.

The network of Jacot, Gabriel, Hongler, "Neural Tangent Kernel: Convergence and
Generalization in Neural Networks" (seed 002, lines 81-86): layers 0..L with
widths n_0..n_L, parameters iid N(0, 1), and

    alpha^(0) = x,
    alpha~^(l+1) = W^(l) alpha^(l) / sqrt(n_l) + beta b^(l),
    alpha^(l) = sigma(alpha~^(l)),          f_theta = alpha~^(L).

(The paper writes W^(l) in R^{n_l x n_{l+1}} but multiplies it from the left;
here W^(l) has shape (n_{l+1}, n_l).)

Everything is written against an array namespace ``xp`` (numpy by default,
cupy when it is passed; cupy is never imported here).  Random draws are made
with numpy's seeded generator on the host and moved to ``xp``, so a seed gives
the same network on the CPU and on the GPU.

What is here
------------
* :func:`init_network`, :func:`forward`;
* :func:`empirical_ntk` -- the exact NTK by layer-wise backpropagation,
  Theta_kk'(x, x') = sum_l (delta_k^(l+1)(x) . delta_k'^(l+1)(x'))
                           (alpha^(l)(x) . alpha^(l)(x') / n_l + beta^2),
  where delta^(l+1) = d f_k / d alpha~^(l+1); :func:`jacobian` (explicit rows)
  and :func:`finite_difference_jacobian` to test it;
* :func:`train_gd` -- full-batch gradient descent on C = (1/2N) sum |f - y|^2;
* :func:`kernel_flow_prediction` -- f_t = f_inf + exp(-t Theta / N)(f_0 - f_inf)
  on the data (seed 002, lines 236-288), and its extension off the data;
* :func:`limit_ntk` -- the infinite-width kernels Sigma^(L), Theta_inf^(L) of
  Proposition 1 and Theorem 1 (seed 002, lines 177-197) for data matrices,
  closed forms for the ReLU family and erf, Gauss-Hermite for other smooth
  activations; :func:`limit_ntk_engine` uses the lead's
  ``asymptotics.recursion.gram_at_depths`` where it exists (a cross-check);
* :func:`ntk_width_convergence` -- Monte Carlo over seeds of the relative
  error |Theta_emp - Theta_inf| / |Theta_inf| and a fitted rate n^(-p) with a
  bootstrap uncertainty (:func:`fit_power_law`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Optional, Sequence

import numpy

from asymptotics.validation import InputError, check_depth, check_nonnegative, check_positive

ACTIVATIONS = ("relu", "erf", "tanh", "linear", "abs", "square")


# --------------------------------------------------------------------------- BLAS threads
def blas_single_thread():
    """Context limiting BLAS to one thread (threadpoolctl, when installed).

    The matrices here are thin (a few data points times the width); on a
    shared 2-core machine multi-threaded OpenBLAS spends its time spinning and
    was measured 25x slower than one thread on these products."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - optional
        import contextlib

        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def blas_threads_for(batch: int):
    """One BLAS thread for thin products (``batch`` rows, see
    :func:`blas_single_thread`); the library's own choice for a batch of 128
    rows or more, where the products are square enough for threads to pay
    (two threads measured 1.9x faster on a (1e4 x 1e4) @ (1e4 x 512) product)."""
    if batch < 128:
        return blas_single_thread()
    import contextlib

    return contextlib.nullcontext()


# --------------------------------------------------------------------------- activations
def _special(xp):
    if xp is numpy:
        import scipy.special as special
    else:  # cupy
        import cupyx.scipy.special as special  # noqa: F401  (lazy; only when cupy is used)
    return special


def activation_pair(name: str, xp=numpy):
    """(phi, phi') as elementwise functions on ``xp`` arrays."""
    if name == "relu":
        return (lambda z: xp.maximum(z, 0)), (lambda z: (z > 0).astype(z.dtype))
    if name == "erf":
        special = _special(xp)
        c = 2.0 / math.sqrt(math.pi)
        return special.erf, (lambda z: c * xp.exp(-z * z))
    if name == "tanh":
        return xp.tanh, (lambda z: 1.0 - xp.tanh(z) ** 2)
    if name == "linear":
        return (lambda z: z), (lambda z: xp.ones_like(z))
    if name == "abs":
        return xp.abs, xp.sign
    if name == "square":
        return (lambda z: z * z), (lambda z: 2 * z)
    raise InputError("activation", f"unknown activation {name!r}; available: {', '.join(ACTIVATIONS)}")


def _check_activation(name):
    if not isinstance(name, str) or name.lower() not in ACTIVATIONS:
        raise InputError("activation", f"unknown activation {name!r}; available: {', '.join(ACTIVATIONS)}")
    return name.lower()


# --------------------------------------------------------------------------- network
@dataclass
class FCNetwork:
    """Parameters of a fully connected network in the NTK parameterisation."""

    weights: list  # W^(l), shape (n_{l+1}, n_l), l = 0..L-1
    biases: list  # b^(l), shape (n_{l+1},)
    activation: str = "relu"
    beta: float = 0.1
    xp: object = field(default=numpy, repr=False)

    @property
    def widths(self) -> list:
        return [int(self.weights[0].shape[1])] + [int(w.shape[0]) for w in self.weights]

    @property
    def depth(self) -> int:
        return len(self.weights)

    @property
    def n_params(self) -> int:
        return int(sum(w.size + b.size for w, b in zip(self.weights, self.biases)))

    def copy(self) -> "FCNetwork":
        return replace(self, weights=[w.copy() for w in self.weights], biases=[b.copy() for b in self.biases])


def check_widths(widths) -> list:
    try:
        widths = [int(w) for w in widths]
    except (TypeError, ValueError):
        raise InputError("widths", f"expected a list of positive integers, got {widths!r}") from None
    if len(widths) < 2 or min(widths) < 1:
        raise InputError("widths", f"need n_0, ..., n_L (at least two) all >= 1, got {widths!r}")
    return widths


def init_network(widths, activation="relu", beta=0.1, seed=0, xp=numpy, dtype="float64") -> FCNetwork:
    """All parameters iid N(0, 1) (seed 002, line 73); widths = [n_0, ..., n_L].

    ``dtype`` is "float64" or "float32"; data given to the network is cast to
    it.  The draws are made in float64 and rounded, so a seed gives the same
    network in both precisions up to rounding."""
    widths = check_widths(widths)
    activation = _check_activation(activation)
    check_nonnegative("beta", beta)
    try:
        dtype_name = numpy.dtype(dtype).name
    except TypeError:
        dtype_name = None
    if dtype_name not in ("float64", "float32"):
        raise InputError("dtype", f"expected 'float64' or 'float32', got {dtype!r}")
    rng = numpy.random.default_rng(seed)
    weights, biases = [], []
    for n_in, n_out in zip(widths[:-1], widths[1:]):
        weights.append(xp.asarray(rng.standard_normal((n_out, n_in)), dtype=dtype))
        biases.append(xp.asarray(rng.standard_normal(n_out), dtype=dtype))
    return FCNetwork(weights, biases, activation, float(beta), xp)


def _as_data(net_or_xp, X, name="X"):
    is_net = isinstance(net_or_xp, FCNetwork)
    xp = net_or_xp.xp if is_net else net_or_xp
    X = xp.asarray(X, dtype="float64")
    if X.ndim == 1:
        X = X[None, :]
    if X.ndim != 2:
        raise InputError(name, f"expected a matrix of shape (points, n_0), got shape {X.shape}")
    if not bool(xp.all(xp.isfinite(X))):
        raise InputError(name, "contains non-finite numbers")
    # mixed precision would make every product convert the weight matrices
    return X.astype(net_or_xp.weights[0].dtype, copy=False) if is_net else X


def forward(net: FCNetwork, X, cache: bool = False):
    """f_theta(X), shape (N, n_L); with ``cache`` also the activations alpha^(l)
    (l = 0..L-1) and pre-activations alpha~^(l) (l = 1..L-1)."""
    xp = net.xp
    X = _as_data(net, X)
    if X.shape[1] != net.widths[0]:
        raise InputError("X", f"points have {X.shape[1]} coordinates, the network expects n_0 = {net.widths[0]}")
    phi, _ = activation_pair(net.activation, xp)
    acts, pres = [X], []
    a = X
    for ell, (W, b) in enumerate(zip(net.weights, net.biases)):
        # W @ a^T with a contiguous right operand: OpenBLAS is much slower on a @ W.T (a transposed view)
        z = (W @ xp.ascontiguousarray(a.T)).T / math.sqrt(W.shape[1]) + net.beta * b
        if ell == net.depth - 1:
            return (z, acts, pres) if cache else z
        pres.append(z)
        a = phi(z)
        acts.append(a)


def _backward_deltas(net: FCNetwork, acts, pres, seeds):
    """delta^(l+1) = d (seeds . f) / d alpha~^(l+1) for l = L-1 down to 0.

    ``seeds`` has shape (K, N, n_L): K output directions per point.  Returns a
    list indexed by l of arrays (K, N, n_{l+1})."""
    _, dphi = activation_pair(net.activation, net.xp)
    deltas = [None] * net.depth
    delta = net.xp.ascontiguousarray(seeds)  # broadcast views make BLAS take a slow path
    for ell in range(net.depth - 1, -1, -1):
        deltas[ell] = delta
        if ell == 0:
            break
        W = net.weights[ell]
        delta = (delta.reshape(-1, W.shape[0]) @ W).reshape(delta.shape[:-1] + (W.shape[1],))
        delta = delta / math.sqrt(W.shape[1]) * dphi(pres[ell - 1])[None]
    return deltas


def empirical_ntk(net: FCNetwork, X, Y=None):
    """Exact NTK Theta(x, x') = sum_p d_p f(x) (x) d_p f(x') (seed 002, line 166).

    Returns shape (N, M) when n_L = 1, else (N, n_L, M, n_L).  ``Y`` defaults to
    ``X`` (the Gram matrix)."""
    xp = net.xp
    X = _as_data(net, X)
    Y = X if Y is None else _as_data(net, Y, "Y")
    n_out = net.widths[-1]
    both = xp.concatenate([X, Y], axis=0)
    _, acts, pres = forward(net, both, cache=True)
    N = both.shape[0]
    eye = xp.eye(n_out, dtype=both.dtype)
    seeds = xp.broadcast_to(eye[:, None, :], (n_out, N, n_out))
    deltas = _backward_deltas(net, acts, pres, seeds)
    nx = X.shape[0]
    theta = xp.zeros((nx, n_out, Y.shape[0], n_out), dtype=both.dtype)
    for ell in range(net.depth):
        a = acts[ell]
        feature = a[:nx] @ a[nx:].T / a.shape[1] + net.beta ** 2  # (N_x, N_y)
        d = deltas[ell]  # (K, N, n)
        back = xp.einsum("kim,ljm->ikjl", d[:, :nx], d[:, nx:])
        theta += back * feature[:, None, :, None]
    return theta[:, 0, :, 0] if n_out == 1 else theta


def jacobian(net: FCNetwork, X):
    """Rows d f_k(x_i) / d theta, shape (N * n_L, P); parameters ordered W^(0), b^(0), W^(1), ..."""
    xp = net.xp
    X = _as_data(net, X)
    n_out = net.widths[-1]
    _, acts, pres = forward(net, X, cache=True)
    N = X.shape[0]
    eye = xp.eye(n_out, dtype=X.dtype)
    seeds = xp.broadcast_to(eye[:, None, :], (n_out, N, n_out))
    deltas = _backward_deltas(net, acts, pres, seeds)
    blocks = []
    for ell in range(net.depth):
        a, d = acts[ell], deltas[ell]  # (N, n_l), (K, N, n_{l+1})
        gW = d[:, :, :, None] * a[None, :, None, :] / math.sqrt(a.shape[1])  # (K, N, n_{l+1}, n_l)
        gb = net.beta * d
        blocks += [gW.reshape(n_out, N, -1), gb]
    J = xp.concatenate(blocks, axis=2)  # (K, N, P)
    return J.transpose(1, 0, 2).reshape(N * n_out, -1)


def parameter_vector(net: FCNetwork):
    xp = net.xp
    return xp.concatenate([t.ravel() for pair in zip(net.weights, net.biases) for t in pair])


def with_parameters(net: FCNetwork, theta) -> FCNetwork:
    out, k = net.copy(), 0
    for ell, (W, b) in enumerate(zip(net.weights, net.biases)):
        out.weights[ell] = theta[k:k + W.size].reshape(W.shape)
        k += W.size
        out.biases[ell] = theta[k:k + b.size].reshape(b.shape)
        k += b.size
    return out


def finite_difference_jacobian(net: FCNetwork, X, step: float = 1e-6):
    """Central differences of f in every parameter (for tests; O(P) forward passes)."""
    theta = parameter_vector(net)
    xp = net.xp
    cols = []
    for p in range(theta.size):
        e = xp.zeros_like(theta)
        e[p] = step
        up = forward(with_parameters(net, theta + e), X)
        down = forward(with_parameters(net, theta - e), X)
        cols.append(((up - down) / (2 * step)).reshape(-1))
    return xp.stack(cols, axis=1)


# --------------------------------------------------------------------------- training
@dataclass
class TrainingRecord:
    steps: list
    outputs: list  # f on the evaluation points at each recorded step
    losses: list
    ntks: list  # NTK Gram on (train + eval) points at recorded steps, if asked


def _subtract_product(W, d, a, scale, xp):
    """W <- W - scale * d^T a in place (d: (N, n_out), a: (N, n_in)).

    For a wide layer this rank-N update is memory bound; numpy's ``W -= ...``
    allocates and sweeps two temporaries of W's size (0.6 s per step for a
    1e4 x 1e4 layer here).  On numpy the BLAS gemm accumulates into W directly
    (0.07 s): a C-ordered W is a Fortran-ordered W^T, and W^T += -scale a^T d."""
    if xp is numpy and W.flags.c_contiguous and W.dtype in (numpy.float64, numpy.float32):
        from scipy.linalg import blas

        gemm = blas.dgemm if W.dtype == numpy.float64 else blas.sgemm
        out = gemm(alpha=-scale, a=a, b=d, trans_a=True, beta=1.0, c=W.T, overwrite_c=True)
        if not numpy.shares_memory(out, W):  # f2py copied (unexpected layout): write back
            W[...] = out.T
        return
    W -= (xp.ascontiguousarray(d.T) * scale) @ a


def train_gd(net: FCNetwork, X, y, lr: float, steps: int, record_every: int = 0, X_eval=None,
             record_ntk: bool = False):
    """Full-batch gradient descent on C(f) = (1/2N) sum_i |f(x_i) - y_i|^2
    (seed 002, line 232): theta <- theta - lr dC/dtheta.  Time t = lr * steps.

    Returns (trained network, TrainingRecord)."""
    xp = net.xp
    check_positive("lr", lr)
    steps = check_depth("steps", steps, minimum=0)
    X = _as_data(net, X)
    y = xp.asarray(y, dtype=X.dtype).reshape(X.shape[0], -1)
    if y.shape[1] != net.widths[-1]:
        raise InputError("y", f"targets have {y.shape[1]} columns, the network has n_L = {net.widths[-1]}")
    X_eval = X if X_eval is None else _as_data(net, X_eval, "X_eval")
    net = net.copy()
    N = X.shape[0]
    rec = TrainingRecord([], [], [], [])

    def record(step):
        rec.steps.append(step)
        rec.outputs.append(forward(net, X_eval))
        rec.losses.append(float(0.5 * xp.mean(xp.sum((forward(net, X) - y) ** 2, axis=1))))
        if record_ntk:
            rec.ntks.append(empirical_ntk(net, xp.concatenate([X, X_eval])))

    with blas_threads_for(N):
        for step in range(steps):
            if record_every and step % record_every == 0:
                record(step)
            f, acts, pres = forward(net, X, cache=True)
            residual = (f - y) / N
            deltas = _backward_deltas(net, acts, pres, residual[None])
            for ell in range(net.depth):
                a, d = acts[ell], deltas[ell][0]
                _subtract_product(net.weights[ell], d, a, lr / math.sqrt(a.shape[1]), xp)
                net.biases[ell] -= lr * net.beta * d.sum(axis=0)
        if record_every:
            record(steps)
    return net, rec


def kernel_flow_prediction(theta_train, f0_train, y, t, theta_cross=None, f0_eval=None, discrete_lr=None):
    """Kernel gradient flow for least squares with a fixed scalar kernel.

    On the data: f_t = y + exp(-t Theta/N)(f_0 - y)   (seed 002, line 238 with
    Pi = Theta/N on the data, line 242).  Off the data (``theta_cross`` =
    Theta(x_eval, X)): f_t(x) = f_0(x) + Theta(x, X) Theta^{-1} (I - exp(-t Theta/N)) (y - f_0(X)).
    With ``discrete_lr`` the gradient-descent iteration (I - lr Theta/N)^k, k = t/lr, replaces exp.
    """
    theta_train = numpy.asarray(theta_train, dtype=float)
    N = theta_train.shape[0]
    f0 = numpy.asarray(f0_train, dtype=float).reshape(N)
    y = numpy.asarray(y, dtype=float).reshape(N)
    evals, evecs = numpy.linalg.eigh(theta_train / N)
    if discrete_lr is None:
        decay = numpy.exp(-t * evals)
    else:
        decay = (1.0 - discrete_lr * evals) ** round(t / discrete_lr)
    residual0 = evecs.T @ (f0 - y)
    f_train = y + evecs @ (decay * residual0)
    if theta_cross is None:
        return f_train
    if evals.min() <= 0:
        raise InputError("theta_train", "the kernel Gram matrix is singular; off-data prediction undefined")
    # Theta^{-1}(I - e^{-t Theta/N}) in the eigenbasis of Theta/N: (1 - decay) / (N evals)
    coef = evecs @ ((1.0 - decay) / (N * evals) * (evecs.T @ (y - f0)))
    return numpy.asarray(f0_eval, dtype=float).reshape(-1) + numpy.asarray(theta_cross) @ coef


# --------------------------------------------------------------------------- infinite width
def snap_correlation(c):
    """Clip a correlation to [-1, 1] and snap values within 4 ulp of +-1 to +-1.

    A correlation computed as s12 / sqrt(s11 s22) carries a rounding error of a
    few ulp; near 1 the arc-cosine turns an error of 1e-16 into 1e-8 (acos is
    not Lipschitz at 1), which would leak into Sigma-dot on the diagonal."""
    c = numpy.clip(numpy.asarray(c, dtype=float), -1.0, 1.0)
    tol = 4 * numpy.finfo(float).eps
    return numpy.where(c > 1 - tol, 1.0, numpy.where(c < -1 + tol, -1.0, c))


def _gauss_expectations(name, s11, s22, s12, nodes=80):
    """E[phi(u)phi(v)], E[phi'(u)phi'(v)] for (u, v) ~ N(0, [[s11, s12], [s12, s22]]).

    Closed forms for relu / erf / linear / square / abs; tensor Gauss-Hermite otherwise (smooth phi only)."""
    s11, s22, s12 = (numpy.asarray(a, dtype=float) for a in (s11, s22, s12))
    if name in ("relu", "abs"):
        norm = numpy.sqrt(s11 * s22)
        c = snap_correlation(s12 / norm)
        theta = numpy.arccos(c)
        relu = norm / (2 * numpy.pi) * (numpy.sin(theta) + (numpy.pi - theta) * c)
        drelu = (numpy.pi - theta) / (2 * numpy.pi)
        if name == "relu":
            return relu, drelu
        # |u| = relu(u) + relu(-u): E|u||v| = 2 (E relu relu + E relu(u) relu(-v))
        theta_m = numpy.arccos(-c)
        relu_m = norm / (2 * numpy.pi) * (numpy.sin(theta_m) + (numpy.pi - theta_m) * (-c))
        return 2 * (relu + relu_m), 2 * (drelu - (numpy.pi - theta_m) / (2 * numpy.pi))
    if name == "erf":
        a, b = 1 + 2 * s11, 1 + 2 * s22
        return (2 / numpy.pi) * numpy.arcsin(2 * s12 / numpy.sqrt(a * b)), (4 / numpy.pi) / numpy.sqrt(a * b - 4 * s12 ** 2)
    if name == "linear":
        return s12, numpy.ones_like(s12)
    if name == "square":
        return s11 * s22 + 2 * s12 ** 2, 4 * s12
    # tanh and other smooth activations: 2-D Gauss-Hermite after a Cholesky factorisation
    t, w = numpy.polynomial.hermite_e.hermegauss(nodes)
    w = w / w.sum()
    phi, dphi = activation_pair(name, numpy)
    l11 = numpy.sqrt(s11)
    l21 = s12 / l11
    l22 = numpy.sqrt(numpy.maximum(s22 - l21 ** 2, 0.0))
    u = l11[..., None, None] * t[:, None]
    v = l21[..., None, None] * t[:, None] + l22[..., None, None] * t[None, :]
    ww = w[:, None] * w[None, :]
    return (phi(u) * phi(v) * ww).sum(axis=(-1, -2)), (dphi(u) * dphi(v) * ww).sum(axis=(-1, -2))


@dataclass(frozen=True)
class LimitKernels:
    sigma: numpy.ndarray  # Sigma^(L) on (X, Y)
    theta: numpy.ndarray  # Theta_inf^(L) on (X, Y)
    sigma_xx: numpy.ndarray  # diagonal Sigma^(L)(x, x)
    sigma_yy: numpy.ndarray


def limit_ntk(X, depth, activation="relu", beta=0.1, Y=None, nodes=80) -> LimitKernels:
    """Sigma^(L) and Theta_inf^(L) of Proposition 1 / Theorem 1 (seed 002, lines 177-197):

        Sigma^(1) = x.x'/n_0 + beta^2,  Sigma^(l+1) = E[phi(f(x))phi(f(x'))] + beta^2,
        Theta^(1) = Sigma^(1),  Theta^(l+1) = Sigma-dot^(l) Theta^(l) + Sigma^(l+1),
        Sigma-dot^(l) = E_{f ~ N(0, Sigma^(l))}[phi'(f(x)) phi'(f(x'))].

    float64; closed forms for relu, erf, linear, abs, square; Gauss-Hermite (``nodes`` per axis) for tanh."""
    depth = check_depth("depth", depth)
    activation = _check_activation(activation)
    check_nonnegative("beta", beta)
    X = numpy.atleast_2d(numpy.asarray(X, dtype=float))
    Y = X if Y is None else numpy.atleast_2d(numpy.asarray(Y, dtype=float))
    if not (numpy.all(numpy.isfinite(X)) and numpy.all(numpy.isfinite(Y))):
        raise InputError("X", "contains non-finite numbers")
    n0 = X.shape[1]
    b2 = float(beta) ** 2
    sxy = X @ Y.T / n0 + b2
    sxx = numpy.sum(X * X, axis=1) / n0 + b2
    syy = numpy.sum(Y * Y, axis=1) / n0 + b2
    theta = sxy.copy()
    for _ in range(depth - 1):
        exy, dxy = _gauss_expectations(activation, sxx[:, None], syy[None, :], sxy, nodes)
        exx, _ = _gauss_expectations(activation, sxx, sxx, sxx, nodes)
        eyy, _ = _gauss_expectations(activation, syy, syy, syy, nodes)
        theta = dxy * theta + exy + b2
        sxy, sxx, syy = exy + b2, exx + b2, eyy + b2
    return LimitKernels(sxy, theta, sxx, syy)


def limit_ntk_engine(X, depth, beta=0.1, activation="relu"):
    """Theta_inf^(L) Gram from the lead's depth engine (``asymptotics.recursion.gram_at_depths``),
    ``Network(activation, sigma_w=1, sigma_b=beta)`` = Jacot's parameterisation (same depth
    convention: Theta^(1) = Sigma^(1)).  Returns None when the engine or the activation is not
    available there (then use :func:`limit_ntk`); used as an independent cross-check."""
    try:
        from asymptotics import recursion
    except ImportError:
        return None
    if not hasattr(recursion, "gram_at_depths"):
        return None
    try:
        network = recursion.Network(activation, sigma_w=1, sigma_b=beta)
        result = recursion.gram_at_depths(network, numpy.asarray(X, dtype=float), [depth])
    except InputError:
        return None
    theta = result[depth]["theta"]
    return None if theta is None else numpy.asarray(theta)


# --------------------------------------------------------------------------- width convergence
def fit_power_law(ns, values, n_boot: int = 0, per_seed=None, seed: int = 0):
    """Least-squares fit log value = log C - p log n.  Returns (p, C, p_std).

    ``p_std``: with ``per_seed`` (list, per n, of arrays of squared errors over
    seeds) a bootstrap over seeds (``n_boot`` resamples) of the RMS; else the
    standard error of the regression slope."""
    ns = numpy.asarray(ns, dtype=float)
    values = numpy.asarray(values, dtype=float)
    if ns.size < 2 or numpy.any(values <= 0) or numpy.any(ns <= 0):
        raise InputError("ns", "need at least two positive (n, value) pairs to fit a rate")
    A = numpy.vstack([numpy.ones_like(ns), -numpy.log(ns)]).T
    coef, res, *_ = numpy.linalg.lstsq(A, numpy.log(values), rcond=None)
    logc, p = coef
    if per_seed is not None and n_boot:
        rng = numpy.random.default_rng(seed)
        boots = []
        for _ in range(n_boot):
            rms = [math.sqrt(float(numpy.mean(rng.choice(s, size=len(s))))) for s in per_seed]
            boots.append(numpy.linalg.lstsq(A, numpy.log(rms), rcond=None)[0][1])
        p_std = float(numpy.std(boots, ddof=1))
    elif ns.size > 2:
        resid = numpy.log(values) - A @ coef
        s2 = float(resid @ resid) / (ns.size - 2)
        p_std = math.sqrt(s2 / float(((numpy.log(ns) - numpy.log(ns).mean()) ** 2).sum()))
    else:
        p_std = float("nan")
    return float(p), float(math.exp(logc)), p_std


@dataclass
class WidthConvergence:
    widths: list
    depth: int
    seeds: int
    rms_error: list  # RMS over seeds of |Theta_emp - Theta_inf|_F / |Theta_inf|_F
    mean_error: list  # |mean_seeds Theta_emp - Theta_inf|_F / |Theta_inf|_F (bias + noise/sqrt(seeds))
    exponent: float
    exponent_std: float
    prefactor: float
    theta_limit: numpy.ndarray
    theta_mean: list
    seconds: float = 0.0

    def as_dict(self):
        return {
            "widths": self.widths, "depth": self.depth, "seeds": self.seeds,
            "rms_relative_error": self.rms_error, "mean_relative_error": self.mean_error,
            "fitted_exponent": self.exponent, "exponent_std": self.exponent_std,
            "prefactor": self.prefactor, "seconds": self.seconds,
            "theta_limit": numpy.asarray(self.theta_limit).tolist(),
            "theta_empirical_mean": [numpy.asarray(t).tolist() for t in self.theta_mean],
        }


def circle_points(n_points: int, start=0.0, stop=math.pi):
    """Points (cos g, sin g) on the unit circle (the inputs of seed 002, Section 6)."""
    g = numpy.linspace(start, stop, n_points)
    return numpy.stack([numpy.cos(g), numpy.sin(g)], axis=1)


def ntk_width_convergence(widths: Sequence[int], depth: int = 3, seeds: int = 10, X=None,
                          activation="relu", beta=0.1, xp=numpy, n_boot: int = 200,
                          first_seed: int = 0) -> WidthConvergence:
    """Empirical NTK Gram vs Theta_inf^(L) as the hidden width n grows (all hidden
    widths equal n, n_0 = X.shape[1], n_L = 1).  Theorem 1 of seed 002 (line 185)
    asserts convergence; the fluctuations are expected to scale like n^(-1/2)."""
    import time

    start = time.perf_counter()
    depth = check_depth("depth", depth)
    seeds = check_depth("seeds", seeds)
    widths = sorted({check_depth("width", w) for w in widths})
    X = circle_points(6) if X is None else numpy.atleast_2d(numpy.asarray(X, dtype=float))
    limit = limit_ntk(X, depth, activation, beta).theta
    lnorm = numpy.linalg.norm(limit)
    rms, mean_err, per_seed, means = [], [], [], []
    with blas_single_thread():
        _collect(widths, depth, seeds, X, activation, beta, xp, first_seed, limit, lnorm, rms, mean_err,
                 per_seed, means)
    if len(widths) >= 2:
        p, c, p_std = fit_power_law(widths, rms, n_boot=n_boot, per_seed=per_seed)
    else:
        p = c = p_std = float("nan")
    return WidthConvergence(widths, depth, seeds, rms, mean_err, p, p_std, c, limit, means,
                            time.perf_counter() - start)


def _collect(widths, depth, seeds, X, activation, beta, xp, first_seed, limit, lnorm, rms, mean_err,
             per_seed, means):
    for n in widths:
        sq, acc = [], numpy.zeros_like(limit)
        for s in range(seeds):
            net = init_network([X.shape[1]] + [n] * (depth - 1) + [1], activation, beta,
                               seed=first_seed + 1000003 * s + n, xp=xp)
            theta = empirical_ntk(net, X)
            theta = theta.get() if hasattr(theta, "get") else numpy.asarray(theta)
            acc += theta
            sq.append((numpy.linalg.norm(theta - limit) / lnorm) ** 2)
        per_seed.append(numpy.asarray(sq))
        rms.append(math.sqrt(float(numpy.mean(sq))))
        means.append(acc / seeds)
        mean_err.append(float(numpy.linalg.norm(acc / seeds - limit) / lnorm))
