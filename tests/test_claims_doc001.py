"""Claims of seed 001 (Hayou, Doucet, Rousseau) and the numerics behind their checkers.

The expected values here come from independent computations (finite differences, closed
forms derived in the test, other engines of the package, exact rationals), never from the
checkers' own output.
"""
import math

import numpy as np
import pytest
from scipy.integrate import quad

from proofs_checks.doc001 import experiments, finite_width, relu_eoc, resnet, thm1_phases
from proofs_checks.doc001 import numerics as num
from proofs_checks import registry
from proofs_checks.verdict import Status

SEED_FILE = "/work/shared/seeds/001_018e0351582ed44f.txt"


def hayou_claims():
    return [c for c in registry.all_claims() if c.id.startswith("hayou.")]


def test_every_claim_has_a_valid_source():
    claims = hayou_claims()
    assert len(claims) >= 80
    try:
        n_lines = sum(1 for _ in open(SEED_FILE, encoding="utf-8"))
    except OSError:
        n_lines = 1657
    for c in claims:
        assert c.source.seed.startswith("001_")
        first, last = c.source.lines
        assert 1 <= first <= last <= n_lines, c.id
        assert c.statement and c.kind and c.title, c.id
        assert (c.checker is None) == bool(c.scope_reason), c.id


# ---------------------------------------------------------------- numerics against independent computations


def _finite_difference_ntk(X, depth, width, sw, sb, arch, seed, scale_in_params=False):
    """NTK of the first output by central differences over every parameter of a tiny network."""
    rng = np.random.default_rng(seed)
    d = X.shape[1]
    params = [rng.standard_normal((width, d)), rng.standard_normal(width)]
    for _ in range(2, depth + 1):
        params += [rng.standard_normal((width, width)), rng.standard_normal(width)]

    def out(ps, x):
        h = sw / math.sqrt(d) * ps[0] @ x + sb * ps[1]
        for l in range(2, depth + 1):
            W, b = ps[2 * l - 2], ps[2 * l - 1]
            s = 1 / math.sqrt(l) if arch == "scaled" else 1.0
            if arch == "scaled" and scale_in_params:  # parameters are w/sqrt(l): F = sw/sqrt(n) (sqrt(l) W~) ...
                W, b, s = W * math.sqrt(l), b * math.sqrt(l), 1 / math.sqrt(l)
            F = sw / math.sqrt(width) * W @ np.maximum(h, 0) + sb * b
            h = F if arch == "ffnn" else h + s * F
        return h[0]

    grads = []
    for x in X:
        g = []
        for i, p in enumerate(params):
            flat = p.reshape(-1)
            for j in range(flat.size):
                old = flat[j]
                flat[j] = old + 1e-6
                up = out(params, x)
                flat[j] = old - 1e-6
                down = out(params, x)
                flat[j] = old
                g.append((up - down) / 2e-6)
        grads.append(np.array(g))
    G = np.array(grads)
    return G @ G.T, rng


@pytest.mark.parametrize("arch", ["ffnn", "resnet", "scaled"])
def test_empirical_ntk_matches_finite_differences(arch):
    X = np.array([[0.3, -1.1, 0.7], [1.2, 0.4, -0.2]])
    sw, sb = 1.3, 0.4
    fd, _ = _finite_difference_ntk(X, 3, 4, sw, sb, arch, seed=5)
    exact = num.empirical_ntk(X, 3, 4, sw, sb, "relu", arch, np.random.default_rng(5))
    assert np.allclose(exact, fd, rtol=1e-6, atol=1e-8)


def test_relu_recursion_matches_the_package_engine():
    from asymptotics.recursion import Network, kernel_at_depths

    depths = [1, 2, 10, 1000]
    ours = num.relu_ffnn_ntk(0.3, depths, 2.0, 0.0, 1.0)
    theirs = kernel_at_depths(Network("relu", sigma_w2=2, sigma_b2=0), 0.3, depths, backend="mpmath", digits=30)
    for L in depths:
        assert ours[L][0] == pytest.approx(float(theirs.at(L).theta_xy.mid), rel=1e-12)
        assert ours[L][3] == pytest.approx(float(theirs.at(L).one_minus_rho.mid), rel=1e-11)


def test_relu_gamma_iteration_float_vs_mpmath():
    f = num.relu_eoc_gammas(0.7, [10, 1000, 5000])
    m = num.relu_eoc_gammas(0.7, [10, 1000, 5000], mp_dps=40)
    for L in f:
        assert f[L] == pytest.approx(float(m[L]), rel=1e-12)


def test_relu_correlation_map_against_quadrature():
    # 2 E[relu(u) relu(v)] for unit-variance (u, v) with correlation c, by scipy quadrature
    for c in (-0.7, 0.1, 0.95):
        s = math.sqrt(1 - c * c)
        inner = lambda z: z * (c * z * 0.5 * math.erfc(-c * z / s / math.sqrt(2)) + s * math.exp(-(c * z / s) ** 2 / 2)
                               / math.sqrt(2 * math.pi)) * math.exp(-z * z / 2) / math.sqrt(2 * math.pi)
        val = 2 * quad(inner, 0, 40, epsabs=1e-14)[0]
        assert num.relu_f(c) == pytest.approx(val, abs=1e-12)
        assert 1 - num.relu_f(c) - (1 - c) == pytest.approx(-num.relu_f_gain(1 - c), abs=1e-14)


def test_tanh_eoc_agrees_with_the_eoc_engine_and_with_scipy():
    sw, q = num.tanh_eoc("0.2", 25)
    sw, q = float(sw), float(q)
    gauss = lambda f: quad(lambda z: f(z) * math.exp(-z * z / 2) / math.sqrt(2 * math.pi), -30, 30, epsabs=1e-14)[0]
    chi = sw ** 2 * gauss(lambda z: 1 / math.cosh(math.sqrt(q) * z) ** 4)
    var = 0.04 + sw ** 2 * gauss(lambda z: math.tanh(math.sqrt(q) * z) ** 2)
    assert chi == pytest.approx(1, abs=1e-12) and var == pytest.approx(q, abs=1e-12)
    try:
        from asymptotics.eoc import edge_of_chaos
    except ImportError:
        pytest.skip("asymptotics.eoc not available")
    assert float(edge_of_chaos("tanh", 0.2, 20).sigma_w.mid) == pytest.approx(sw, rel=1e-14)


def test_tanh_gauss_hermite_map_matches_scipy_double_integral():
    sw2, sb2 = 1.7, 0.04
    q = num.tanh_fixed_q(sw2, sb2, n=200)  # the map is the correlation map at the fixed variance
    c = 0.8
    from scipy.integrate import dblquad

    val = dblquad(lambda z2, z1: math.tanh(math.sqrt(q) * z1) * math.tanh(math.sqrt(q) * (c * z1 + math.sqrt(1 - c * c) * z2))
                  * math.exp(-(z1 * z1 + z2 * z2) / 2) / (2 * math.pi), -12, 12, -12, 12, epsabs=1e-13)[0]
    f_direct = (sb2 + sw2 * val) / q
    assert num.tanh_corr_map(c, q, sw2, sb2, 80) == pytest.approx(f_direct, abs=1e-10)


# ---------------------------------------------------------------- checkers: can they fail?


def test_expansion_verdict_confirms_the_derived_constant_and_refutes_a_wrong_one():
    # Derivation (independent of the code): gamma^{-1/2} = (s/2) l + (3s/4) log l + O(1) with s = 2 sqrt2/(3 pi),
    # so 1 - c^l = kappa/l^2 - 3 kappa log(l)/l^3 + ..., kappa = 4/s^2 = 9 pi^2/2: the log coefficient is 27 pi^2/2.
    derived = 27 * math.pi ** 2 / 2
    good = relu_eoc._expansion_verdict("quick", "log_slopes", derived, "derived", "x", "test")
    bad = relu_eoc._expansion_verdict("quick", "log_slopes", derived * 1.3, "perturbed", "x", "test")
    assert good.status is Status.CONFIRMED
    assert bad.status is Status.REFUTED
    # f'(c^l) = 1 - (sqrt2/pi) gamma^{1/2} + ...: 1/l coefficient 3, log coefficient (sqrt2/pi)(3s/4)(2/s)^2 = 9/2
    assert relu_eoc._expansion_verdict("quick", "fprime_log_slopes", 4.5, "derived", "x", "test").status is Status.CONFIRMED


def test_fact14_checker_matches_high_precision_numerics():
    import mpmath

    with mpmath.workdps(40):
        d = mpmath.mpf("1e-12")
        c = 1 - d
        gain = (c * mpmath.asin(c) + mpmath.sqrt(1 - c * c)) / mpmath.pi + c / 2 - c
        s_num = gain / d ** 1.5
    v = relu_eoc.check_fact14_s("quick")
    assert v.status is Status.CONFIRMED
    assert float(s_num) == pytest.approx(2 * math.sqrt(2) / (3 * math.pi), rel=1e-5)


def test_tanh_eoc_setting_is_refuted_because_chi_is_below_one():
    # independent: the variance fixed point and chi at the printed point (0.2, 1.298) by scipy quadrature
    sw2 = 1.298 ** 2
    gauss = lambda f: quad(lambda z: f(z) * math.exp(-z * z / 2) / math.sqrt(2 * math.pi), -30, 30, epsabs=1e-14)[0]
    q = 1.0
    for _ in range(300):
        q = 0.04 + sw2 * gauss(lambda z: math.tanh(math.sqrt(q) * z) ** 2)
    chi = sw2 * gauss(lambda z: 1 / math.cosh(math.sqrt(q) * z) ** 4)
    assert chi < 0.999
    v = experiments.check_setting_tanh("quick")
    assert v.status is Status.REFUTED and "1.3041" in v.corrected


def test_resnet_diagonal_limit_refutation_uses_the_exact_recursion():
    # exact: K^L(x,x) = (1+a)^{L-1} q1 (1 + (L-1) a/(1+a)), so K/(L(1+a)^{L-1}) -> a/(1+a) (not 1)
    a = 0.5
    L = 10 ** 4
    kbar = num.relu_resnet_ntk(0.5, [L], 1.0, 1.0)[L][1]
    assert kbar == pytest.approx((1 + (L - 1) * a / (1 + a)) / L, rel=1e-12)
    assert resnet.check_thm2_diag_limit("quick").status is Status.REFUTED


def test_thm1_relu_diagonal_is_exact():
    v = thm1_phases.check_thm1_diag_relu("quick")
    assert v.status is Status.REFUTED and "= 0" in v.computed


def test_lemma1_swapped_definitions_are_refuted_by_finite_width():
    v = finite_width.check_lemma1_main("quick")
    assert v.status is Status.REFUTED
    assert finite_width.check_lemma1_appendix("quick").status is Status.CONFIRMED


@pytest.mark.slow
def test_all_doc001_claims_run_without_errors_quick():
    for c in hayou_claims():
        v = registry.run_check(c, "quick")
        assert v.status is not Status.ERROR, (c.id, v.evidence)
        if v.status is Status.REFUTED:
            assert v.corrected and v.evidence, c.id


def test_empirical_cnn_ntk_matches_finite_differences():
    rng = np.random.default_rng(2)
    M, n0, k, depth, width, sw, sb = 4, 2, 1, 3, 3, 1.1, 0.7
    x, xp = rng.standard_normal((M, n0)), rng.standard_normal((M, n0))
    K = num.empirical_cnn_ntk(x, xp, depth, width, k, sw, sb, np.random.default_rng(9))
    # rebuild the same parameters and differentiate y^depth_{0,alpha} numerically
    prng = np.random.default_rng(9)
    fan = [n0] + [width] * (depth - 1)
    params = []
    for l in range(depth):
        params += [prng.standard_normal((width, fan[l] * (2 * k + 1))), prng.standard_normal(width)]

    def out(inp, alpha):
        a = inp
        for l in range(depth):
            P = np.concatenate([np.roll(a, -b, axis=0) for b in range(-k, k + 1)], axis=1)
            y = sw / math.sqrt(fan[l] * (2 * k + 1)) * P @ params[2 * l].T + sb * params[2 * l + 1]
            a = np.maximum(y, 0)
        return y[alpha, 0]

    def grad(inp, alpha):
        g = []
        for p in params:
            flat = p.reshape(-1)
            for j in range(flat.size):
                old = flat[j]
                flat[j] = old + 1e-6
                up = out(inp, alpha)
                flat[j] = old - 1e-6
                down = out(inp, alpha)
                flat[j] = old
                g.append((up - down) / 2e-6)
        return np.array(g)

    for a, b in ((0, 0), (1, 3), (2, 1)):
        assert K[a, b] == pytest.approx(float(grad(x, a) @ grad(xp, b)), rel=1e-6, abs=1e-8)


def test_cnn_recursion_reduces_to_the_ffnn_one_for_position_constant_inputs():
    # inputs constant along positions: every position sees the FFNN recursion with x.x'/n0
    x = np.tile([[0.8, -0.3, 0.5]], (5, 1))
    xp = np.tile([[0.1, 0.9, -0.4]], (5, 1))
    K = num.cnn_ntk_recursion(x, xp, 4, 1, 1.5, 0.3)
    qx, qy = 0.3 + 1.5 * x[0] @ x[0] / 3, 0.3 + 1.5 * xp[0] @ xp[0] / 3
    # direct FFNN recursion (two inputs of different norms) with the same Gaussian moments
    Qxx, Qyy, Qxy, Kf = qx, qy, 0.3 + 1.5 * x[0] @ xp[0] / 3, 0.3 + 1.5 * x[0] @ xp[0] / 3
    for _ in range(3):
        E, D = num._relu_moments(np.array(Qxx), np.array(Qyy), np.array(Qxy))
        Kf = 1.5 * D * Kf + 0.3 + 1.5 * E
        Qxy = 0.3 + 1.5 * E
        Qxx, Qyy = 0.3 + 1.5 * Qxx / 2, 0.3 + 1.5 * Qyy / 2
    assert np.allclose(K, float(Kf), rtol=1e-12)


def test_residual_cnn_ntk_matches_the_residual_ffnn_for_position_constant_inputs():
    # position-constant inputs: the residual CNN recursion must equal the ReLU ResNet recursion (sigma_b = 0)
    x = np.tile([[0.6, 0.8, 0.0]], (4, 1)) * math.sqrt(3)
    xp = np.tile([[1.0, 0.0, 0.0]], (4, 1)) * math.sqrt(3)
    K = num.cnn_ntk_recursion(x, xp, 5, 1, 1.0, 0.0, residual=True)
    kbar_xy = num.relu_resnet_ntk(0.6, [5], 1.0, 1.0)[5][0]
    assert np.allclose(K, kbar_xy * 5 * 1.5 ** 4, rtol=1e-12)
