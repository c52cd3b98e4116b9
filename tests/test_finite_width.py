"""Finite-width networks (asymptotics.finite_width): exact NTK vs finite differences, limits vs
independent quadrature / Monte Carlo / the lead's engine, training vs the kernel flow."""
import math

import numpy
import pytest

from asymptotics import finite_width as fw
from asymptotics.validation import InputError


@pytest.mark.parametrize("activation", ["relu", "tanh", "erf"])
def test_jacobian_matches_finite_differences(activation):
    net = fw.init_network([3, 6, 5, 2], activation, beta=0.3, seed=4)
    X = numpy.random.default_rng(1).standard_normal((4, 3))
    J = fw.jacobian(net, X)
    J_fd = fw.finite_difference_jacobian(net, X, 1e-6)
    assert J.shape == (8, net.n_params)
    assert numpy.abs(J - J_fd).max() < 1e-7 * max(1.0, numpy.abs(J).max())


@pytest.mark.parametrize("activation", ["relu", "erf"])
def test_layerwise_ntk_equals_jacobian_gram(activation):
    net = fw.init_network([2, 7, 7, 3], activation, beta=0.5, seed=2)
    X = fw.circle_points(5)
    J = fw.jacobian(net, X)
    theta = fw.empirical_ntk(net, X)
    assert theta.shape == (5, 3, 5, 3)
    assert numpy.abs(theta.reshape(15, 15) - J @ J.T).max() < 1e-12


def test_cross_ntk_is_block_of_gram():
    net = fw.init_network([2, 9, 1], "tanh", beta=0.1, seed=3)
    X = fw.circle_points(6)
    full = fw.empirical_ntk(net, X)
    cross = fw.empirical_ntk(net, X[:2], X[2:])
    assert numpy.allclose(cross, full[:2, 2:], atol=1e-14)


def test_depth_one_ntk_is_sigma1_exactly():
    net = fw.init_network([3, 4], "relu", beta=0.7, seed=0)
    X = numpy.random.default_rng(5).standard_normal((3, 3))
    theta = fw.empirical_ntk(net, X)
    sigma1 = X @ X.T / 3 + 0.49
    for k in range(4):
        assert numpy.allclose(theta[:, k, :, k], sigma1, atol=1e-14)
    assert numpy.abs(theta[:, 0, :, 1]).max() == 0


def test_parameter_count_matches_paper_formula_independently():
    widths = [4, 3, 7, 2]
    net = fw.init_network(widths)
    assert net.n_params == 4 * 3 + 3 + 3 * 7 + 7 + 7 * 2 + 2


def test_closed_forms_match_gauss_hermite():
    t, w = numpy.polynomial.hermite_e.hermegauss(120)
    w = w / w.sum()
    from scipy.special import erf

    s11, s22, s12 = 0.8, 1.3, 0.5
    l11 = math.sqrt(s11)
    l21 = s12 / l11
    l22 = math.sqrt(s22 - l21 ** 2)
    u = l11 * t[:, None]
    v = l21 * t[:, None] + l22 * t[None, :]
    ww = w[:, None] * w[None, :]
    e_erf, d_erf = fw._gauss_expectations("erf", s11, s22, s12)
    assert abs(float(e_erf) - float((erf(u) * erf(v) * ww).sum())) < 1e-12
    d = 2 / math.sqrt(math.pi)
    assert abs(float(d_erf) - float((d * numpy.exp(-u * u) * d * numpy.exp(-v * v) * ww).sum())) < 1e-12


def test_relu_closed_form_matches_monte_carlo():
    rng = numpy.random.default_rng(0)
    s11, s22, s12 = 1.2, 0.7, -0.4
    L = numpy.linalg.cholesky([[s11, s12], [s12, s22]])
    u, v = L @ rng.standard_normal((2, 2_000_000))
    e, d = fw._gauss_expectations("relu", s11, s22, s12)
    assert abs(float(e) - numpy.mean(numpy.maximum(u, 0) * numpy.maximum(v, 0))) < 3e-3
    assert abs(float(d) - numpy.mean((u > 0) & (v > 0))) < 2e-3


def test_limit_matches_lead_engine_for_relu():
    X = fw.circle_points(7)
    engine = fw.limit_ntk_engine(X, 4, beta=0.1)
    if engine is None:
        pytest.skip("asymptotics.recursion.gram_at_depths not available")
    assert numpy.abs(engine - fw.limit_ntk(X, 4, "relu", 0.1).theta).max() < 1e-13


def test_empirical_ntk_approaches_limit():
    r = fw.ntk_width_convergence([32, 512], depth=3, seeds=6, n_boot=50)
    assert r.rms_error[1] < r.rms_error[0] / 2
    assert r.exponent > 0.2


def test_fit_power_law_recovers_known_exponent():
    ns = numpy.array([10, 100, 1000, 10000])
    p, c, p_std = fw.fit_power_law(ns, 3.0 * ns ** -0.7)
    assert abs(p - 0.7) < 1e-12 and abs(c - 3.0) < 1e-10


def test_kernel_flow_prediction_matches_ode():
    from scipy.integrate import solve_ivp

    X = fw.circle_points(4, 0.3, 2.5)
    K = fw.limit_ntk(X, 3, "relu", 0.1).theta
    y, f0 = numpy.array([1.0, -1.0, 0.5, 0.2]), numpy.array([0.1, 0.0, -0.3, 0.2])
    sol = solve_ivp(lambda t, f: -K @ (f - y) / 4, (0, 5), f0, rtol=1e-12, atol=1e-14)
    assert numpy.abs(fw.kernel_flow_prediction(K, f0, y, 5.0) - sol.y[:, -1]).max() < 1e-9
    # the discrete iteration agrees with gradient descent on a linear model with that kernel
    f = f0.copy()
    for _ in range(50):
        f = f - 0.1 * K @ (f - y) / 4
    assert numpy.abs(fw.kernel_flow_prediction(K, f0, y, 5.0, discrete_lr=0.1) - f).max() < 1e-12


def test_wide_network_training_follows_kernel_prediction():
    X = fw.circle_points(3, 0.4, 2.4)
    y = numpy.array([0.3, -0.2, 0.5])
    net = fw.init_network([2, 2048, 1], "erf", beta=0.1, seed=1)
    theta0 = fw.empirical_ntk(net, X)
    f0 = fw.forward(net, X)[:, 0]
    trained, rec = fw.train_gd(net, X, y, 0.5, 20, record_every=10)
    pred = fw.kernel_flow_prediction(theta0, f0, y, 10.0, discrete_lr=0.5)
    assert numpy.abs(fw.forward(trained, X)[:, 0] - pred).max() < 5e-3
    assert rec.losses[-1] < rec.losses[0]


def test_gradient_step_equals_jacobian_step():
    """One step of train_gd (in-place gemm update) against theta - lr J^T (f - y) / N."""
    X = fw.circle_points(5, 0.2, 2.9)
    y = numpy.array([0.3, -0.2, 0.5, 0.1, -0.4])
    net = fw.init_network([2, 7, 6, 1], "tanh", beta=0.1, seed=3)
    J = fw.jacobian(net, X)
    expected = fw.parameter_vector(net) - 0.7 * J.T @ (fw.forward(net, X)[:, 0] - y) / 5
    stepped, _ = fw.train_gd(net, X, y, 0.7, 1)
    assert numpy.abs(fw.parameter_vector(stepped) - expected).max() < 1e-14
    assert numpy.abs(fw.parameter_vector(net) - expected).max() > 1e-3  # the input network is untouched


@pytest.mark.parametrize("dtype, order", [("float64", "C"), ("float32", "C"), ("float64", "F")])
def test_subtract_product_in_place(dtype, order):
    rng = numpy.random.default_rng(0)
    W = numpy.asarray(rng.standard_normal((6, 4)), dtype=dtype, order=order)
    d, a = rng.standard_normal((3, 6)).astype(dtype), rng.standard_normal((3, 4)).astype(dtype)
    expected = W.astype(numpy.float64) - 0.3 * d.T.astype(numpy.float64) @ a
    fw._subtract_product(W, d, a, 0.3, numpy)
    tol = 1e-14 if dtype == "float64" else 1e-5
    assert W.dtype == dtype and numpy.abs(W - expected).max() < tol


def test_float32_network_follows_float64():
    """A float32 network computes in float32 (data cast to it) and agrees with float64 to its rounding."""
    X = fw.circle_points(4, 0.3, 2.5)
    y = numpy.array([0.3, -0.2, 0.5, 0.1])
    nets = {dt: fw.init_network([2, 300, 300, 1], "relu", beta=0.1, seed=2, dtype=dt) for dt in ("float64", "float32")}
    kernels = {dt: fw.empirical_ntk(net, X) for dt, net in nets.items()}
    assert kernels["float32"].dtype == numpy.float32
    assert numpy.abs(kernels["float32"] - kernels["float64"]).max() / numpy.abs(kernels["float64"]).max() < 1e-5
    trained = {dt: fw.train_gd(net, X, y, 0.5, 30)[0] for dt, net in nets.items()}
    outputs = {dt: fw.forward(net, X)[:, 0] for dt, net in trained.items()}
    assert outputs["float32"].dtype == numpy.float32
    assert numpy.abs(outputs["float32"] - outputs["float64"]).max() < 1e-5
    with pytest.raises(InputError, match="dtype"):
        fw.init_network([2, 3, 1], dtype="int8")
    with pytest.raises(InputError, match="dtype"):
        fw.init_network([2, 3, 1], dtype="not-a-type")


def test_bad_inputs_raise_input_error():
    with pytest.raises(InputError, match="widths"):
        fw.init_network([3])
    with pytest.raises(InputError, match="activation"):
        fw.init_network([2, 3], "sigmoidal")
    net = fw.init_network([2, 3, 1])
    with pytest.raises(InputError, match="X"):
        fw.forward(net, numpy.array([[numpy.nan, 1.0]]))
    with pytest.raises(InputError, match="X"):
        fw.forward(net, numpy.ones((2, 3)))
    with pytest.raises(InputError, match="depth"):
        fw.limit_ntk(fw.circle_points(3), 0)
    with pytest.raises(InputError, match="lr"):
        fw.train_gd(net, fw.circle_points(2), [0.0, 1.0], -1.0, 3)


@pytest.mark.gpu
def test_cupy_path_matches_numpy():
    import cupy

    X = fw.circle_points(5)
    cpu = fw.empirical_ntk(fw.init_network([2, 64, 64, 1], "relu", 0.1, seed=3), X)
    gpu = fw.empirical_ntk(fw.init_network([2, 64, 64, 1], "relu", 0.1, seed=3, xp=cupy), X)
    assert numpy.abs(cupy.asnumpy(gpu) - cpu).max() < 1e-12
    r = fw.ntk_width_convergence([64, 256], depth=3, seeds=3, xp=cupy, n_boot=20)
    assert r.rms_error[1] < r.rms_error[0]
