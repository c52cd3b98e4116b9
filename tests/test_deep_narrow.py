"""Deep narrow networks of seed 003: exact streamed NTK vs finite differences, precision, limits."""
import math

import numpy
import pytest

from asymptotics import deep_narrow as dn
from asymptotics.validation import InputError


def _perturbed_mlp(L=5, seed=0):
    net = dn.init_mlp(2, 2, L, 3.0, 1.0, 1.0, seed=seed)
    rng = numpy.random.default_rng(seed)
    net.weights = [W + 0.3 * rng.standard_normal(W.shape) for W in net.weights]
    net.biases = [b + 0.3 * rng.standard_normal(b.shape) for b in net.biases]
    return net


def _fd_jacobian(params, fn, h=1e-6):
    cols = []
    for arr in params:
        for idx in numpy.ndindex(arr.shape):
            old = arr[idx]
            arr[idx] = old + h
            up = fn()
            arr[idx] = old - h
            down = fn()
            arr[idx] = old
            cols.append(((up - down) / (2 * h)).ravel())
    return numpy.stack(cols, 1)


def test_mlp_streamed_ntk_matches_finite_differences():
    net = _perturbed_mlp()
    X = numpy.array([[0.3, 0.9], [1.2, 0.4], [0.7, 0.7]])
    J = _fd_jacobian(net.weights + net.biases, lambda: dn.mlp_forward(net, X))
    theta = dn.mlp_scaled_ntk(net, X) * net.depth * net.C_L ** 2
    assert numpy.abs(theta.reshape(6, 6) - J @ J.T).max() < 1e-6 * numpy.abs(theta).max()


def test_cnn_streamed_ntk_matches_finite_differences():
    net = dn.init_cnn(3, 4, 2.0, seed=1)
    rng = numpy.random.default_rng(1)
    net.filters = [w + 0.3 * rng.standard_normal(w.shape) for w in net.filters]
    net.biases = [b + 0.3 * rng.standard_normal(b.shape) for b in net.biases]
    X = rng.uniform(0.1, 1.0, (2, 3, 3))
    J = _fd_jacobian(net.filters + net.biases, lambda: dn.cnn_forward(net, X))
    theta = dn.cnn_scaled_ntk(net, X) * net.depth * net.C_L ** 2
    assert numpy.abs(theta - J @ J.T).max() < 1e-6 * numpy.abs(theta).max()


def test_outputs_are_zero_at_initialisation():
    X = numpy.random.default_rng(2).uniform(0.1, 2.0, (5, 3))
    assert numpy.abs(dn.mlp_forward(dn.init_mlp(3, 2, 500, 500 ** 2.5, seed=3), X)).max() == 0
    imgs = numpy.random.default_rng(2).uniform(0.1, 2.0, (2, 4, 4))
    assert numpy.abs(dn.cnn_forward(dn.init_cnn(4, 50, 50 ** 2.5, seed=3), imgs)).max() == 0


def test_float64_agrees_with_mpmath():
    import mpmath

    X = numpy.array([[0.3, 0.9], [1.2, 0.4]])
    net = dn.init_mlp(2, 1, 60, 60 ** 2.5, seed=4)
    th64 = dn.mlp_scaled_ntk(net, X)
    with mpmath.workdps(40):
        to = numpy.vectorize(lambda v: mpmath.mpf(float(v)), otypes=[object])
        netm = dn.DeepNarrowMLP([to(W) for W in net.weights], [to(b) for b in net.biases],
                                mpmath.mpf(net.C_L), 2, 1)
        thm = dn.mlp_scaled_ntk(netm, X)
        rel = max(abs(float((a - b) / a)) for a, b in zip(thm.ravel(), th64.ravel()))
    assert rel < 1e-13


def test_relu_expectation_and_variance_match_monte_carlo():
    rng = numpy.random.default_rng(0)
    q1, q2, c = 1.3, 0.8, 0.6
    u, v = numpy.linalg.cholesky([[q1, c], [c, q2]]) @ rng.standard_normal((2, 2_000_000))
    prod = numpy.maximum(u, 0) * numpy.maximum(v, 0)
    assert abs(float(dn.relu_expectation(q1, q2, c)) - prod.mean()) < 3e-3
    assert abs(dn.relu_product_variance(q1, q2, c) - prod.var()) < 1e-2


@pytest.mark.parametrize("d_out", [1, 2])
def test_mlp_scaled_ntk_approaches_derived_limit(d_out):
    X = numpy.array([[0.9, 0.3], [0.4, 0.8]])
    lim = dn.mlp_limit(X, X, d_out=d_out)
    q = numpy.sum(X * X, 1) / 2 + 1
    var = max(dn.relu_product_variance(q[i], q[j], X[i] @ X[j] / 2 + 1) for i in range(2) for j in range(2))
    L, seeds = 2000, 4
    thetas = [dn.mlp_scaled_ntk(dn.init_mlp(2, d_out, L, L ** 2.5, seed=s), X) for s in range(seeds)]
    diag = numpy.mean([t[:, 0, :, 0] for t in thetas], 0)
    sd = math.sqrt(var / L / seeds)
    assert numpy.abs(diag - (L - 1) / L * lim).max() < 5 * sd
    if d_out == 2:
        assert max(numpy.abs(t[:, 0, :, 1]).max() for t in thetas) == 0


def test_cnn_limit_agrees_with_network_on_average():
    imgs = numpy.random.default_rng(3).uniform(0.1, 1.0, (2, 3, 3))
    L, seeds = 600, 6
    th = numpy.mean([dn.cnn_scaled_ntk(dn.init_cnn(3, L, L ** 2.5, 1.0, 1.0, seed=s), imgs) for s in range(seeds)], 0)
    lim = numpy.array([[dn.cnn_limit(a, b) for b in imgs] for a in imgs])
    assert numpy.abs(th - lim).max() < 0.1 * numpy.abs(lim).max()


def test_cnn_limit_random_part_against_monte_carlo():
    # the closed-form expectation of the random-feature term against 400k samples of one layer
    imgs = numpy.random.default_rng(5).uniform(0.1, 1.0, (2, 3, 3))
    x, y, d = imgs[0], imgs[1], 3
    deterministic = sum(((d - abs(s - 2)) * (d - abs(u - 2))) ** 2
                        + dn._window_sum(x, s, u) * dn._window_sum(y, s, u) for s in (1, 2, 3) for u in (1, 2, 3)) / d**4
    random_part = dn.cnn_limit(x, y, 0.6, 1.0) - deterministic
    mean, sd = dn.cnn_random_part_monte_carlo(x, y, 0.6, 1.0, samples=400_000, seed=11)
    standard_error = sd / numpy.sqrt(400_000)
    assert abs(mean - random_part) < 4 * standard_error and standard_error < 0.005 * random_part
    wrong = dn.cnn_limit(x, y, 0.6 * 1.1, 1.0) - deterministic  # a 10% error in rho is detected
    assert abs(mean - wrong) > 4 * standard_error


def test_training_decreases_loss():
    gam = numpy.linspace(0.2, 1.3, 4)
    X = numpy.stack([numpy.cos(gam), numpy.sin(gam)], 1)
    y = X[:, 0] * X[:, 1]
    net = dn.init_mlp(2, 1, 50, 50 ** 2.5, seed=0)
    trained = dn.mlp_train_gd(net, X, y, lr=0.3, steps=50)
    assert numpy.mean((dn.mlp_forward(trained, X)[:, 0] - y) ** 2) < numpy.mean(y ** 2) / 2


def test_bad_inputs():
    net = dn.init_mlp(2, 1, 10, 100.0)
    with pytest.raises(InputError, match="X"):
        dn.mlp_forward(net, numpy.array([[0.5, -0.1]]))
    with pytest.raises(InputError, match="depth"):
        dn.init_mlp(2, 1, 2, 10.0)
    with pytest.raises(InputError, match="C_L"):
        dn.init_mlp(2, 1, 10, 0.0)
    with pytest.raises(InputError, match="X"):
        dn.cnn_forward(dn.init_cnn(3, 5, 10.0), numpy.ones((1, 4, 4)))


def test_one_gradient_step_matches_finite_difference_gradient():
    rng = numpy.random.default_rng(7)
    imgs = rng.uniform(0.1, 1.0, (2, 3, 3))
    y = numpy.array([0.4, -0.2])
    net = dn.init_cnn(3, 4, 2.0, seed=2)
    net.filters = [w + 0.2 * rng.standard_normal(w.shape) for w in net.filters]
    loss = lambda: 0.5 * numpy.mean((dn.cnn_forward(net, imgs) - y) ** 2)
    grad = _fd_jacobian(net.filters + net.biases, lambda: numpy.array([loss()]))[0]
    lr = 0.7
    stepped = dn.cnn_train_gd(net, imgs, y, lr=lr, steps=1)
    before = numpy.concatenate([a.ravel() for a in net.filters + net.biases])
    after = numpy.concatenate([a.ravel() for a in stepped.filters + stepped.biases])
    expected = before - lr / (net.depth * net.C_L ** 2) * grad
    assert numpy.abs(after - expected).max() < 1e-8
