"""Deep narrow ReLU networks with the initialisation of the thesis
"Neural Tangent Kernel Analysis of Deep Narrow Neural Networks" (seed 003).

MLP (seed 003, lines 204-245): L layers, hidden width m = d_in + 1 + d_out,
ReLU after every hidden layer, no activation on the output.  At
initialisation the first d_in neurons carry C_L x, neuron d_in + 1 is a
random feature (weights u^l ~ N(0, rho^2/d_in) on the carried input, bias
v^l ~ N(0, C_L^2 beta^2)) whose output is not read by the next layer, the last
d_out neurons carry the constant C_L, and the output layer subtracts C_L, so
f = 0 at initialisation.

CNN (seed 003, lines 339-373): L - 1 conv layers (3x3 filters, zero padding 1,
3 channels, ReLU), a last conv layer with one channel, then the average pool S.
Channel 1 carries C_L x, channel 2 is a random feature, channel 3 carries C_L.

The *scaled NTK* divides the NTK by L C_L^2 (seed 003, line 272; Section
4.0.2 uses the same learning-rate scaling).  It is computed exactly, with any
parameters (also after training), by streaming through the layers:

    Theta(x, x') = sum_l (delta^l(x) . delta^l(x')) (a^{l-1}(x) . a^{l-1}(x') + 1)

(MLP; delta^l = d f / d pre-activation of layer l, a^{l-1} the input of layer
l), and the analogous sum over filter taps for the CNN.  Memory is
O(L N m) for the stored pre-activations (N points, width m): 10^5 layers,
8 points and width 4 take 26 MB.

Independent derivation of the limits (used as the *computed* side of the
Theorem 3.1 / 4.1 checks): at initialisation the backward signal of output k
is exactly e_{out,k} at every layer (the identity blocks pass it through the
ReLU at C_L > 0; the columns of the random-feature neuron are zero), so only
the weights and biases of the rows of the carried outputs have a nonzero
gradient.  Summing their squared inputs over the layers l = 2..L:

    Theta~_L(x, x') = (L-1)/L (x.x' + d_out)  + (1/L) sum_{l=1}^{L-1} relu(h_l(x)) relu(h_l(x')) / C_L^2
                      + O(1/C_L^2),      h_l / C_L -> g_l ~ GP(0, rho^2 x.x'/d_in + beta^2) (l >= 2),

so Theta~_L -> (x.x' + d_out + E[relu(g(x)) relu(g(x'))]) I_{d_out}, with
fluctuations O(L^{-1/2}) and bias O(1/L).  The d_out comes from the d_out
carried-output neurons feeding each carried output (all equal to C_L).  For
the CNN, the NTK of the pooled output f = S(f^L) is

    Theta~ -> (1/d^4) sum_{taps (s,u)} [ n_su^2 + (sum_{psi_su} x)(sum_{psi_su} x')
                                        + sum_{q, q' in psi_su} E[relu(g(phi_q(x))) relu(g(phi_q'(x')))] ]

with n_su = (d - |s-2|)(d - |u-2|) the number of in-bounds pixels of tap (s,u)
and g ~ GP(0, rho^2 <phi, phi'> + beta^2) on 3x3 patches.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy

from asymptotics.validation import InputError, check_depth, check_positive


# --------------------------------------------------------------------------- ReLU Gaussian expectation
def relu_expectation(qx, qy, cxy):
    """E[relu(u) relu(v)] for (u, v) centred Gaussian with variances qx, qy and
    covariance cxy (arc-cosine kernel of degree 1):
    sqrt(qx qy)/(2 pi) (sin t + (pi - t) cos t), t = acos(cxy / sqrt(qx qy))."""
    qx, qy, cxy = (numpy.asarray(a, dtype=float) for a in (qx, qy, cxy))
    norm = numpy.sqrt(qx * qy)
    from asymptotics.finite_width import snap_correlation

    c = snap_correlation(cxy / norm)
    t = numpy.arccos(c)
    return norm / (2 * math.pi) * (numpy.sin(t) + (math.pi - t) * c)


def relu_product_variance(qx, qy, cxy, n_mc=0, seed=0):
    """Var[relu(u) relu(v)] (the per-layer variance that sets the O(L^-1/2)
    fluctuations of the deep narrow NTK).  E[relu(u)^2 relu(v)^2] by 1-D
    Gauss-Hermite quadrature in u of the closed-form conditional moment."""
    qx, qy, cxy = float(qx), float(qy), float(cxy)
    t, w = numpy.polynomial.hermite_e.hermegauss(200)
    w = w / w.sum()
    # integrate over u > 0 by the substitution u = sqrt(qx)|t| (symmetric weights, halve)
    u = math.sqrt(qx) * numpy.abs(t)
    mean = cxy / qx * u
    var = max(qy - cxy ** 2 / qx, 0.0)
    # E[relu(v)^2 | u] for v ~ N(mean, var)
    from scipy.special import ndtr

    if var <= 1e-15 * qy:  # v is a deterministic multiple of u
        second = numpy.maximum(mean, 0) ** 2
    else:
        s = math.sqrt(var)
        z = mean / s
        second = (mean ** 2 + var) * ndtr(z) + mean * s * numpy.exp(-z * z / 2) / math.sqrt(2 * math.pi)
    m2 = float(numpy.sum(w * u ** 2 * second) / 2)
    m1 = float(relu_expectation(qx, qy, cxy))
    return m2 - m1 ** 2


# --------------------------------------------------------------------------- MLP
@dataclass
class DeepNarrowMLP:
    weights: list  # W^l, shape (m_l, m_{l-1}), l = 1..L
    biases: list
    C_L: float
    d_in: int
    d_out: int

    @property
    def depth(self):
        return len(self.weights)


def check_positive_inputs(X, d_in=None, name="X"):
    X = numpy.atleast_2d(numpy.asarray(X, dtype=float))
    if not numpy.all(numpy.isfinite(X)):
        raise InputError(name, "contains non-finite numbers")
    if numpy.any(X <= 0):
        raise InputError(name, "the deep narrow networks of seed 003 take inputs with positive entries")
    if d_in is not None and X.shape[-1] != d_in:
        raise InputError(name, f"points have {X.shape[-1]} coordinates, expected d_in = {d_in}")
    return X


def init_mlp(d_in, d_out, depth, C_L, rho=1.0, beta=1.0, seed=0, dtype=numpy.float64) -> DeepNarrowMLP:
    """The initialisation of Section 3.1 (seed 003, lines 204-245)."""
    d_in, d_out = check_depth("d_in", d_in), check_depth("d_out", d_out)
    L = check_depth("depth", depth, minimum=3)
    check_positive("C_L", C_L)
    check_positive("rho", rho)
    check_positive("beta", beta)
    C = float(C_L)
    if not math.isfinite(C * C * L * 1e6):  # the NTK holds terms ~ L C_L^2 (and its forward pass C_L x)
        raise InputError("C_L", f"C_L = {C_L!r} is too large for float64 NTK arithmetic (L C_L^2 overflows)")
    m = d_in + 1 + d_out
    rng = numpy.random.default_rng(seed)
    u = rng.standard_normal((L - 1, d_in)) * (rho / math.sqrt(d_in))
    v = rng.standard_normal(L - 1) * (C * beta)
    Ws, bs = [], []
    W1 = numpy.zeros((m, d_in), dtype)
    W1[:d_in] = C * numpy.eye(d_in)
    W1[d_in] = u[0]
    b1 = numpy.zeros(m, dtype)
    b1[d_in] = v[0]
    b1[d_in + 1:] = C
    Ws.append(W1)
    bs.append(b1)
    for ell in range(2, L):
        W = numpy.zeros((m, m), dtype)
        W[:d_in, :d_in] = numpy.eye(d_in)
        W[d_in, :d_in] = u[ell - 1]
        W[d_in + 1:, d_in + 1:] = numpy.eye(d_out)
        b = numpy.zeros(m, dtype)
        b[d_in] = v[ell - 1]
        Ws.append(W)
        bs.append(b)
    WL = numpy.zeros((d_out, m), dtype)
    WL[:, d_in + 1:] = numpy.eye(d_out)
    Ws.append(WL)
    bs.append(numpy.full(d_out, -C, dtype))
    return DeepNarrowMLP(Ws, bs, C, d_in, d_out)


def mlp_forward(net: DeepNarrowMLP, X, cache=False):
    """Output f^L(X) (N, d_out); with ``cache`` the inputs a^{l-1} of every layer."""
    X = check_positive_inputs(X, net.d_in).astype(net.weights[0].dtype)
    a, inputs = X, []
    for W, b in zip(net.weights[:-1], net.biases[:-1]):
        inputs.append(a)
        a = numpy.maximum(a @ W.T + b, 0)
    inputs.append(a)
    out = a @ net.weights[-1].T + net.biases[-1]
    return (out, inputs) if cache else out


def mlp_scaled_ntk(net: DeepNarrowMLP, X, Y=None):
    """Scaled NTK Theta~(x, x') = NTK / (L C_L^2), shape (N, d_out, M, d_out)."""
    X = check_positive_inputs(X, net.d_in)
    Y = X if Y is None else check_positive_inputs(Y, net.d_in, "Y")
    both = numpy.concatenate([X, Y])
    nx = X.shape[0]
    _, inputs = mlp_forward(net, both, cache=True)
    dt = net.weights[0].dtype
    K = net.d_out
    delta = numpy.broadcast_to(numpy.eye(K, dtype=dt)[:, None, :], (K, both.shape[0], K)).copy()
    theta = numpy.zeros((nx, K, Y.shape[0], K), dtype=dt)
    for ell in range(net.depth - 1, -1, -1):
        a = inputs[ell]
        feature = a[:nx] @ a[nx:].T + 1
        theta += numpy.einsum("kim,ljm->ikjl", delta[:, :nx], delta[:, nx:]) * feature[:, None, :, None]
        if ell:
            delta = (delta @ net.weights[ell]) * (a > 0)[None]
    return theta / (net.depth * float(net.C_L) ** 2)


def mlp_limit(X, Y=None, rho=1.0, beta=1.0, d_out=1):
    """Derived limit (x.x' + d_out + E[relu(g(x)) relu(g(x'))]) for the diagonal
    entries, g ~ GP(0, rho^2 x.x'/d_in + beta^2); off-diagonal output pairs 0."""
    X = check_positive_inputs(X)
    Y = X if Y is None else check_positive_inputs(Y)
    d_in = X.shape[1]
    gram = X @ Y.T
    qx = rho ** 2 * numpy.sum(X * X, 1) / d_in + beta ** 2
    qy = rho ** 2 * numpy.sum(Y * Y, 1) / d_in + beta ** 2
    e = relu_expectation(qx[:, None], qy[None, :], rho ** 2 * gram / d_in + beta ** 2)
    return gram + d_out + e


def mlp_finite_depth_mean(X, Y=None, rho=1.0, beta=1.0, d_out=1, depth=None):
    """E[Theta~_L] up to O(1/C_L^2): (L-1)/L (x.x' + d_out + E[..]) (one of the L-1 random
    layers has a different scale but is O(1/C_L^2) after scaling)."""
    L = check_depth("depth", depth, minimum=3)
    return (L - 1) / L * mlp_limit(X, Y, rho, beta, d_out)


# --------------------------------------------------------------------------- CNN
def _patches(img):
    """3x3 zero-padded patches: img (..., d, d) -> (..., 9, d, d), tap k = 3 (s-1) + (u-1)
    holds img[i + s - 2, j + u - 2]."""
    d = img.shape[-1]
    pad = numpy.zeros(img.shape[:-2] + (d + 2, d + 2), img.dtype)
    pad[..., 1:-1, 1:-1] = img
    return numpy.stack([pad[..., s:s + d, u:u + d] for s in range(3) for u in range(3)], axis=-3)


def _conv(w, x):
    """w (r, s, 3, 3), x (N, s, d, d) -> (N, r, d, d); [w * x]_ij = <w, phi_ij(x)>."""
    P = _patches(x)  # (N, s, 9, d, d)
    return numpy.einsum("rsk,nskij->nrij", w.reshape(w.shape[0], w.shape[1], 9), P)


def _conv_transpose(w, g):
    """Adjoint of _conv in its input: g (N, r, d, d) -> (N, s, d, d)."""
    d = g.shape[-1]
    out = numpy.zeros((g.shape[0], w.shape[1], d + 2, d + 2), g.dtype)
    wk = w.reshape(w.shape[0], w.shape[1], 9)
    for k in range(9):
        s, u = divmod(k, 3)
        out[:, :, s:s + d, u:u + d] += numpy.einsum("rs,nrij->nsij", wk[:, :, k], g)
    return out[:, :, 1:-1, 1:-1]


@dataclass
class DeepNarrowCNN:
    filters: list  # w^l, shape (n_l, n_{l-1}, 3, 3)
    biases: list  # b^l, shape (n_l,)
    C_L: float
    d: int

    @property
    def depth(self):
        return len(self.filters)


def init_cnn(d, depth, C_L, rho=1.0, beta=1.0, seed=0) -> DeepNarrowCNN:
    """The initialisation of Section 4.0.1 (seed 003, lines 339-373).  The
    printed last-layer filter carries index 3 but the last layer has one
    output channel; it is read here as w^L_{1,:} = (0, 0, iota)."""
    d = check_depth("d", d)
    L = check_depth("depth", depth, minimum=3)
    check_positive("C_L", C_L)
    C = float(C_L)
    rng = numpy.random.default_rng(seed)
    iota = numpy.zeros((3, 3))
    iota[1, 1] = 1.0
    u = rng.standard_normal((L - 1, 3, 3)) * rho
    v = rng.standard_normal(L - 1) * (C * beta)
    ws, bs = [], []
    w1 = numpy.zeros((3, 1, 3, 3))
    w1[0, 0] = C * iota
    w1[1, 0] = u[0]
    ws.append(w1)
    bs.append(numpy.array([0.0, v[0], C]))
    for ell in range(2, L):
        w = numpy.zeros((3, 3, 3, 3))
        w[0, 0] = iota
        w[1, 0] = u[ell - 1]
        w[2, 2] = iota
        ws.append(w)
        bs.append(numpy.array([0.0, v[ell - 1], 0.0]))
    wL = numpy.zeros((1, 3, 3, 3))
    wL[0, 2] = iota
    ws.append(wL)
    bs.append(numpy.array([-C]))
    return DeepNarrowCNN(ws, bs, C, d)


def _images(X, d, name="X"):
    X = numpy.asarray(X, dtype=float)
    if X.ndim == 2:
        X = X[None]
    if X.ndim != 3 or X.shape[1:] != (d, d):
        raise InputError(name, f"expected images of shape (N, {d}, {d}), got {X.shape}")
    return check_positive_inputs(X.reshape(X.shape[0], -1), name=name).reshape(X.shape)


def cnn_forward(net: DeepNarrowCNN, X, cache=False):
    X = _images(X, net.d)
    a = X[:, None]
    inputs = []
    for ell, (w, b) in enumerate(zip(net.filters, net.biases)):
        inputs.append(a)
        z = _conv(w, a) + b[None, :, None, None]
        if ell < net.depth - 1:
            a = numpy.maximum(z, 0)
    out = z[:, 0].mean(axis=(-1, -2))
    return (out, inputs) if cache else out


def cnn_scaled_ntk(net: DeepNarrowCNN, X, Y=None):
    """Scaled NTK of the pooled scalar output f = S(f^L): NTK / (L C_L^2), shape (N, M)."""
    X = _images(X, net.d)
    Y = X if Y is None else _images(Y, net.d, "Y")
    both = numpy.concatenate([X, Y])
    nx = X.shape[0]
    _, inputs = cnn_forward(net, both, cache=True)
    d = net.d
    delta = numpy.full((both.shape[0], 1, d, d), 1.0 / d ** 2)  # d f / d f^L
    theta = numpy.zeros((nx, Y.shape[0]))
    for ell in range(net.depth - 1, -1, -1):
        a = inputs[ell]
        # d f / d w[r, s, k] = sum_ij delta[r, i, j] patch[s, k, i, j]
        grad_w = numpy.einsum("nrij,nskij->nrsk", delta, _patches(a)).reshape(both.shape[0], -1)
        grad_b = delta.sum(axis=(-1, -2))
        theta += grad_w[:nx] @ grad_w[nx:].T + grad_b[:nx] @ grad_b[nx:].T
        if ell:
            delta = _conv_transpose(net.filters[ell], delta) * (a > 0)
    return theta / (net.depth * float(net.C_L) ** 2)


def _window_sum(img, s, u):
    """sum of img over psi_{s,u}: the pixels (i + s - 2, j + u - 2) in bounds, s, u in 1..3."""
    return float(_patches(img)[3 * (s - 1) + (u - 1)].sum())


def cnn_limit(x, y, rho=1.0, beta=1.0):
    """Derived limit of the pooled scaled NTK (see the module docstring)."""
    x, y = (numpy.asarray(a, dtype=float) for a in (x, y))
    d = x.shape[-1]
    px = _patches(x).reshape(9, d * d).T  # rows: pixel q, columns: patch phi_q(x)
    py = _patches(y).reshape(9, d * d).T
    e = relu_expectation((rho ** 2 * numpy.sum(px * px, 1) + beta ** 2)[:, None],
                         (rho ** 2 * numpy.sum(py * py, 1) + beta ** 2)[None, :],
                         rho ** 2 * px @ py.T + beta ** 2).reshape(d, d, d, d)
    total = 0.0
    for s in (1, 2, 3):
        for u in (1, 2, 3):
            n_su = (d - abs(s - 2)) * (d - abs(u - 2))
            rows = slice(max(0, s - 2), d + min(0, s - 2))
            cols = slice(max(0, u - 2), d + min(0, u - 2))
            window = e[rows, cols][:, :, rows, cols].sum()
            total += n_su ** 2 + _window_sum(x, s, u) * _window_sum(y, s, u) + window
    return total / d ** 4


def cnn_random_part_monte_carlo(x, y, rho=1.0, beta=1.0, samples=200_000, seed=0):
    """Mean and standard deviation of one layer's random-feature term of the CNN limit, by sampling.

    Y = (1/d^4) sum_taps (sum_{q in psi_su} relu(g(phi_q(x)))) (sum_{q' in psi_su} relu(g(phi_q'(y)))),
    g(phi) = <u, phi> + v, u ~ N(0, rho^2 I_9), v ~ N(0, beta^2).  The pooled scaled NTK averages
    L - 1 independent copies of Y, so its relative fluctuation is sd / (limit sqrt(L - 1)); the mean
    is an independent check of the closed-form expectation in :func:`cnn_limit`.
    """
    x, y = (numpy.asarray(a, dtype=float) for a in (x, y))
    d = x.shape[-1]
    rng = numpy.random.default_rng(seed)
    px, py = _patches(x).reshape(9, d, d), _patches(y).reshape(9, d, d)
    total = total_sq = 0.0
    for start in range(0, samples, 50_000):
        m = min(50_000, samples - start)
        u = rng.standard_normal((m, 9)) * rho
        v = rng.standard_normal(m) * beta
        gx = numpy.maximum(numpy.einsum("mk,kij->mij", u, px) + v[:, None, None], 0)
        gy = numpy.maximum(numpy.einsum("mk,kij->mij", u, py) + v[:, None, None], 0)
        Y = numpy.einsum("mkij,mkab->m", _patches(gx), _patches(gy)) / d ** 4
        total += Y.sum()
        total_sq += (Y * Y).sum()
    mean = total / samples
    return mean, math.sqrt(max(total_sq / samples - mean * mean, 0.0))


# --------------------------------------------------------------------------- depth sweep
@dataclass
class DepthPoint:
    depth: int
    C_L: float
    scaled_ntk: numpy.ndarray
    limit: numpy.ndarray
    max_abs_error: float
    predicted_sd: float  # sd of the random part: sqrt(Var[relu relu]/L) at the worst pair
    seconds: float
    extra: dict = field(default_factory=dict)


def mlp_depth_sweep(X, depths, C_of_L=lambda L: float(L) ** 2.5, rho=1.0, beta=1.0, d_out=1, seed=0):
    """Scaled NTK of the deep narrow MLP vs the derived limit at each depth."""
    X = check_positive_inputs(X)
    d_in = X.shape[1]
    limit = mlp_limit(X, X, rho, beta, d_out)
    q = rho ** 2 * numpy.sum(X * X, 1) / d_in + beta ** 2
    c = rho ** 2 * X @ X.T / d_in + beta ** 2
    var = max(relu_product_variance(q[i], q[j], c[i, j]) for i in range(len(X)) for j in range(len(X)))
    out = []
    for L in depths:
        L = check_depth("depth", L, minimum=3)
        start = time.perf_counter()
        try:
            C_L = C_of_L(L)
        except OverflowError:
            raise InputError("C_of_L", f"C_L at L = {L} overflows float64") from None
        net = init_mlp(d_in, d_out, L, C_L, rho, beta, seed=seed + L)
        theta = mlp_scaled_ntk(net, X)
        secs = time.perf_counter() - start
        diag = numpy.stack([theta[:, k, :, k] for k in range(d_out)])
        off = max((float(numpy.abs(theta[:, k, :, j]).max()) for k in range(d_out) for j in range(d_out) if k != j),
                  default=0.0)
        err = float(numpy.abs(diag - limit[None]).max())
        out.append(DepthPoint(L, float(C_L), theta, limit, err, math.sqrt(var / L), secs,
                              {"off_diagonal_max": off}))
    return out


# --------------------------------------------------------------------------- training
def mlp_train_gd(net: DeepNarrowMLP, X, y, lr=1.0, steps=100):
    """Gradient descent theta <- theta - lr/(L C_L^2) grad Loss, Loss = (1/2N) sum |f - y|^2
    (the scaled learning rate of seed 003, line 217).  Returns a trained copy.

    Floating point: the weight updates are about lr/(L C_L) relative to the unit
    entries of the identity blocks, e.g. 3e-11 at L = 1000, C_L = L^2.5, so
    float64 keeps about five digits of each update; beyond L ~ 1e4 with
    C_L = L^2.5 the updates fall below the float64 spacing of 1 and training in
    float64 silently stalls (store the change of the parameters separately)."""
    from asymptotics.finite_width import blas_single_thread

    X = check_positive_inputs(X, net.d_in)
    y = numpy.asarray(y, dtype=float).reshape(X.shape[0], net.d_out)
    net = DeepNarrowMLP([W.copy() for W in net.weights], [b.copy() for b in net.biases], net.C_L, net.d_in,
                        net.d_out)
    scale = lr / (net.depth * float(net.C_L) ** 2)
    N = X.shape[0]
    with blas_single_thread():
        for _ in range(steps):
            out, inputs = mlp_forward(net, X, cache=True)
            delta = (out - y) / N  # d Loss / d output
            for ell in range(net.depth - 1, -1, -1):
                a = inputs[ell]
                W = net.weights[ell]
                grad_W = delta.T @ a
                grad_b = delta.sum(0)
                if ell:
                    delta = (delta @ W) * (a > 0)
                net.weights[ell] = W - scale * grad_W
                net.biases[ell] = net.biases[ell] - scale * grad_b
    return net


def cnn_train_gd(net: DeepNarrowCNN, X, y, lr=1.0, steps=100):
    """Gradient descent on Loss = (1/2N) sum (f - y)^2 with the scaled learning rate lr/(L C_L^2)
    (seed 003, Section 4 uses the scaling of line 217).  Returns a trained copy."""
    from asymptotics.finite_width import blas_single_thread

    X = _images(X, net.d)
    y = numpy.asarray(y, dtype=float).reshape(X.shape[0])
    net = DeepNarrowCNN([w.copy() for w in net.filters], [b.copy() for b in net.biases], net.C_L, net.d)
    scale = lr / (net.depth * float(net.C_L) ** 2)
    N, d = X.shape[0], net.d
    with blas_single_thread():
        for _ in range(steps):
            out, inputs = cnn_forward(net, X, cache=True)
            delta = ((out - y) / N)[:, None, None, None] * numpy.full((N, 1, d, d), 1.0 / d ** 2)
            for ell in range(net.depth - 1, -1, -1):
                a = inputs[ell]
                w = net.filters[ell]
                grad_w = numpy.einsum("nrij,nskij->rsk", delta, _patches(a)).reshape(w.shape)
                grad_b = delta.sum(axis=(0, 2, 3))
                if ell:
                    delta = _conv_transpose(w, delta) * (a > 0)
                net.filters[ell] = w - scale * grad_w
                net.biases[ell] = net.biases[ell] - scale * grad_b
    return net
