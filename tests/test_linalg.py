"""Gram matrices, certified determinants and weights of seed 000's kernel regression."""
import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy

from asymptotics import linalg as la
from asymptotics.validation import InputError


def _rational_matrix(seed=0, n=5):
    """A symmetric E with dyadic entries (exact in float64) and zero diagonal; kappa = 1 - E PD."""
    rng = np.random.default_rng(seed)
    E = np.round(rng.uniform(0.3, 0.9, (n, n)) * 2**20) / 2**20
    E = np.triu(E, 1)
    return E + E.T


def test_certified_det_contains_exact_rational_det():
    E = _rational_matrix()
    K = sympy.Matrix([[1 - sympy.Rational(Fraction(v)) for v in row] for row in E.tolist()])
    exact = K.det()
    res = la.det_kappa_certified(E)
    with mpmath.workdps(60):
        assert res.det.contains(mpmath.mpf(str(sympy.N(exact, 60))))
    assert res.det.rad < abs(res.det.mid) * 1e-30


def test_tiny_determinant_near_ones_matrix():
    # kappa = 1 1^T - eps * E0: det = eps^n det(-E0)(1 - 1^T E0^-1 1 / eps) ~ eps^(n-1); float64 on kappa loses it
    E0 = _rational_matrix(1, 6)
    eps = 2.0**-40
    E = E0 * eps
    K = sympy.Matrix([[1 - sympy.Rational(Fraction(v)) for v in row] for row in E.tolist()])
    with mpmath.workdps(60):
        exact = mpmath.mpf(str(sympy.N(K.det(), 60)))
    res = la.det_kappa_certified(E)
    assert res.det.contains(exact) and res.det.correct_digits >= 20
    assert abs(float(res.log10_abs.mid) - float(la.log_det_kappa(E).log10_abs.mid)) < 1e-6


def test_certified_weights_contain_exact_solution():
    E = _rational_matrix(2, 4)
    Ex = np.round(np.random.default_rng(3).uniform(0.2, 0.8, (2, 4)) * 2**20) / 2**20
    K = sympy.Matrix([[1 - sympy.Rational(Fraction(v)) for v in row] for row in E.tolist()])
    res = la.weights_certified(E, Ex)
    for k in range(2):
        rhs = sympy.Matrix([1 - sympy.Rational(Fraction(v)) for v in Ex[k]])
        exact = K.LUsolve(rhs)
        for i in range(4):
            with mpmath.workdps(50):
                assert res.approx[k][i].contains(mpmath.mpf(str(sympy.N(exact[i], 50))))
    f64 = la.weights_float64(E, Ex)
    assert np.abs(f64.values - res.values).max() <= f64.max_rad + 1e-15


def test_singular_inputs_raise():
    with pytest.raises(InputError):
        la.det_kappa_certified(np.zeros((3, 3)))  # kappa = all ones
    with pytest.raises(InputError):
        la.weights_float64(np.zeros((3, 3)), np.zeros((1, 3)))
    X = la.sphere_data(4, 3, 0)
    X[2] = 5 * X[1]
    with pytest.raises(InputError):
        la.ntk_grams(X, [2])
    with pytest.raises(InputError):
        la.det_kappa_certified(np.zeros((2, 3)))


def _mp_normalized_ntk(rho, depth):
    """Seed 000 recursion retyped in mpmath: Theta-bar^(L+1) = (L h'(rho) Theta-bar + h(rho)) / (L+1)."""
    with mpmath.workdps(40):
        r, t = mpmath.mpf(rho), mpmath.mpf(rho)
        for L in range(1, depth):
            h = r * mpmath.asin(r) / mpmath.pi + mpmath.sqrt(1 - r * r) / mpmath.pi + r / 2
            hp = mpmath.mpf(1) / 2 + mpmath.asin(r) / mpmath.pi
            t = (L * hp * t + h) / (L + 1)
            r = min(h, mpmath.mpf(1))
        return t


def test_grams_match_an_independent_mpmath_loop():
    X = la.sphere_data(5, 7, 4, "gaussian")
    x = la.sphere_data(2, 7, 5, "gaussian")
    run = la.ntk_grams(X, [1, 2, 7, 60], x=x)
    for L in (1, 2, 7, 60):
        g = run.at(L)
        for i, j in ((0, 1), (2, 4)):
            want = _mp_normalized_ntk(float(X[i] @ X[j]), L)
            assert abs(1 - g.E[i, j] - float(want)) < 1e-13
            assert abs(g.E[i, j] - g.E[j, i]) == 0 and g.E[i, i] == 0
        want = _mp_normalized_ntk(float(x[1] @ X[3]), L)
        assert abs(1 - g.E_x[1, 3] - float(want)) < 1e-13


def test_requesting_intermediate_depths_does_not_change_results():
    # regression: the float64 engine once skipped a layer after each requested depth > ~1075
    X = la.sphere_data(4, 5, 1)
    a = la.ntk_grams(X, [1200]).at(1200).E
    b = la.ntk_grams(X, [1100, 1150, 1200]).at(1200).E
    assert np.array_equal(a, b)


def test_extended_precision_rerun_agrees():
    X = la.sphere_data(5, 9, 2)
    run = la.ntk_grams(X, [3, 1100, 1500], accuracy="agreement")
    for L in (3, 1100, 1500):
        g = run.at(L)
        off = ~np.eye(5, dtype=bool)
        assert np.all(g.E_rad[off] < 1e-13 * L) and g.method == "agreement"


def test_limit_of_the_weights_and_rate():
    n = 8
    lim = la.limiting_weights(n)
    with mpmath.workdps(80):
        assert lim.value.contains(mpmath.mpf(1) / (n + 3))  # ((3/4) I + (1/4) J) w = (1/4) 1 solved by hand
    X = la.sphere_data(n, 16, 0)
    x = la.sphere_data(1, 16, 1)
    depths = [1000, 8000]
    run = la.ntk_grams(X, depths, x=x)
    errs = []
    for L in depths:
        g = run.at(L)
        w = la.weights_float64(g.E, g.E_x).values[0]
        errs.append(np.abs(w - float(lim.value.mid)).max())
        # the log L / L term plus a bounded O(1/L) term
        assert errs[-1] < float(lim.rate_value.mid) * math.log(L) / L + 5.0 / L
    assert 4 < errs[0] / errs[1] < 9  # ~ (8000/1000) * log(1000)/log(8000)
    g = run.at(8000)
    det = la.det_kappa_certified(g.E, g.E_rad)
    assert abs(float(det.det.mid) / float(lim.det_value.mid) - 1) < 0.02


def test_first_order_prediction_of_the_weights():
    from asymptotics.recursion import one_minus_rho_from_inputs, pair_arrays_at_depths

    n = 6
    X = la.sphere_data(n, 16, 3)
    x = la.sphere_data(1, 16, 4)
    net = la.relu_network()
    d, _, _ = one_minus_rho_from_inputs(net, X)
    dx, _, _ = one_minus_rho_from_inputs(net, X, x)
    iu = np.triu_indices(n, 1)
    flat = np.concatenate([d[iu], dx[0]])
    deep = pair_arrays_at_depths(net, None, [500], one_minus_rho=flat)[500]["one_minus_rho"]
    ell = la.depth_shift(deep, 500)
    P = np.zeros((n, n))
    P[iu] = ell[:len(iu[0])]
    P += P.T
    rate, v1 = la.first_order_weights(n, P, ell[len(iu[0]):])
    run = la.ntk_grams(X, [400, 4000], x=x)
    res = []
    for L in (400, 4000):
        g = run.at(L)
        w = la.weights_float64(g.E, g.E_x).values[0]
        res.append(np.abs(L * (w - 1 / (n + 3)) - rate * math.log(L) - v1).max())
    assert res[1] < res[0] / 4  # the remainder is o(1): ~ log L / L


def test_predictor_interval():
    w = [la.Approx(mpmath.mpf(0.5), mpmath.mpf(1e-10)), la.Approx(mpmath.mpf(0.25), mpmath.mpf(1e-10))]
    out = la.predictor(w, 1.0, [2.0, 4.0], [0.0, 0.0])
    assert out.contains(3.0) and out.rad >= 6e-10
    with pytest.raises(InputError):
        la.predictor(w, 1.0, [2.0], [0.0])


@pytest.mark.gpu
def test_gpu_grams_match_cpu():
    import cupy

    X = la.sphere_data(50, 32, 0)
    cpu = la.ntk_grams(X, [10, 300]).at(300).E
    gpu = la.ntk_grams(cupy.asarray(X), [10, 300], xp=cupy).at(300).E
    assert np.abs(cupy.asnumpy(gpu) - cpu).max() < 1e-13
    w = la.weights_float64(cupy.asarray(cpu), cupy.asarray(cpu[:1]), xp=cupy)
    assert np.abs(w.values[0] - np.eye(50)[0]).max() < 1e-10
