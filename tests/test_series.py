"""Local expansions at c = 1 (asymptotics.series) checked against independent computations.

References used here never come from the package's own series code: SymPy's
``series`` of the closed-form arc-cosine map, mpmath evaluations of the closed
form at high precision, float64 Gauss-Hermite quadrature, finite differences.
"""
import json

import mpmath
import numpy as np
import pytest
import sympy

from asymptotics.series import (DELTA, eoc_derivatives_at_one, gaussian_moment_expression, relu_family_puiseux,
                                relu_puiseux, resnet_relu_puiseux, smooth_taylor)
from asymptotics.validation import InputError

U = sympy.Symbol("u", positive=True)


def closed_form_relu_family(a, b, c):
    """EOC-normalised (a, b)-ReLU correlation map k(c)/k(1) and its slope, straight from the closed form."""
    a, b = sympy.sympify(a), sympy.sympify(b)
    k = ((a + b) / 2) ** 2 * c + ((b - a) / 2) ** 2 * (2 / sympy.pi) * (sympy.sqrt(1 - c**2) + c * sympy.asin(c))
    k1 = (a**2 + b**2) / 2
    return k / k1, sympy.diff(k, c) / k1


def puiseux_reference(a, b, n_powers):
    """Coefficients of u^j in 1 - f(1 - u^2) and f'(1 - u^2), by sympy.series of the closed form."""
    c = sympy.Symbol("c")
    f, fp = closed_form_relu_family(a, b, c)
    F = sympy.series(1 - f.subs(c, 1 - U**2), U, 0, n_powers).removeO()
    Fp = sympy.series(fp.subs(c, 1 - U**2), U, 0, n_powers).removeO()
    return sympy.Poly(sympy.expand(F), U), sympy.Poly(sympy.expand(Fp), U)


@pytest.mark.parametrize("a,b", [(0, 1), (-1, sympy.Rational(1, 2))])
def test_relu_family_puiseux_matches_sympy_series_of_closed_form(a, b):
    local = relu_family_puiseux(3, a, b)
    F, Fp = puiseux_reference(a, b, 8)
    # 1 - f(1 - delta) = delta - sum_j A_j delta^(1 + j/2): u^(2 + j) coefficient is -A_j
    assert sympy.simplify(F.coeff_monomial(U**2) - 1) == 0
    for j, A in enumerate(local.map_coefficients[:4], start=1):
        assert sympy.simplify(F.coeff_monomial(U ** (2 + j)) + A) == 0, j
    assert sympy.simplify(Fp.coeff_monomial(1) - 1) == 0
    for j, D in enumerate(local.derivative_coefficients[:4], start=1):
        assert sympy.simplify(Fp.coeff_monomial(U**j) + D) == 0, j


def test_relu_puiseux_high_order_against_mpmath_closed_form():
    """Truncation error of 8 non-zero terms at delta = 0.05 is below the next term."""
    local = relu_puiseux(8)
    with mpmath.workdps(60):
        delta = mpmath.mpf("0.05")
        c = 1 - delta
        exact = 1 - (c / 2 + (mpmath.sqrt(1 - c**2) + c * mpmath.asin(c)) / mpmath.pi)
        series = delta - sum(mpmath.mpf(sympy.N(A, 70)) * delta ** (1 + mpmath.mpf(j) / 2)
                             for j, A in enumerate(local.map_coefficients, start=1))
        slope = mpmath.mpf(1) / 2 + mpmath.asin(c) / mpmath.pi
        slope_series = 1 - sum(mpmath.mpf(sympy.N(D, 70)) * delta ** (mpmath.mpf(j) / 2)
                               for j, D in enumerate(local.derivative_coefficients, start=1))
        # next terms are ~ (delta/2)^8 relative
        assert abs(series - exact) < mpmath.mpf(10) ** -13
        assert abs(slope_series - slope) < mpmath.mpf(10) ** -11


def test_relu_numeric_values_and_exponents():
    local = relu_puiseux(2)
    rows = local.terms("map", 25)
    assert [p for p, _, _ in rows] == [sympy.Rational(3, 2), sympy.Rational(5, 2)]  # order = non-zero terms
    with mpmath.workdps(40):
        for p, coeff, value in rows:
            assert value.contains(mpmath.mpf(sympy.N(coeff, 40)))
            assert value.correct_digits >= 20
    # f(c) as an expression in c agrees with the closed form to the truncation order
    c = sympy.Symbol("c")
    f, _ = closed_form_relu_family(0, 1, c)
    diff = (local.correlation_map(c) - f).subs(c, sympy.Rational(999, 1000))
    assert abs(float(diff)) < 1e-9


def test_resnet_map_is_convex_combination():
    sigma_w = sympy.Integer(2)
    res, base = resnet_relu_puiseux(3, sigma_w), relu_puiseux(3)
    weight = (sigma_w**2 / 2) / (1 + sigma_w**2 / 2)
    for r, b in zip(res.map_coefficients, base.map_coefficients):
        assert sympy.simplify(r - weight * b) == 0


def test_bad_inputs():
    with pytest.raises(InputError, match="order"):
        relu_puiseux(0)
    with pytest.raises(InputError, match="order"):
        relu_puiseux(True)
    with pytest.raises(InputError, match="a"):
        relu_family_puiseux(2, 1, 1)
    with pytest.raises(InputError, match="sigma_b"):
        smooth_taylor("tanh", -0.1, 2, 15)
    with pytest.raises(InputError, match="sigma_w"):
        resnet_relu_puiseux(2, -1)


# ---------------------------------------------------------------------------------------------
# smooth activations

def gauss_hermite_eoc_tanh(sigma_b):
    """q*, sigma_w^2 on the tanh EOC with float64 Gauss-Hermite quadrature (independent of mpmath.quad)."""
    from scipy.optimize import brentq

    x, w = np.polynomial.hermite_e.hermegauss(200)
    w = w / np.sqrt(2 * np.pi)

    def sw2(q):
        return 1 / np.sum(w * (1 - np.tanh(np.sqrt(q) * x) ** 2) ** 2)

    q = brentq(lambda q: sigma_b**2 + sw2(q) * np.sum(w * np.tanh(np.sqrt(q) * x) ** 2) - q, 1e-3, 10)
    return q, sw2(q)


def correlation_map_gh(c, q, sw2, sigma_b, n=120):
    x, w = np.polynomial.hermite_e.hermegauss(n)
    w = w / np.sqrt(2 * np.pi)
    z1, z2 = np.meshgrid(x, x, indexing="ij")
    ww = np.outer(w, w)
    u = np.sqrt(q) * z1
    v = np.sqrt(q) * (c * z1 + np.sqrt(max(1 - c * c, 0.0)) * z2)
    return (sigma_b**2 + sw2 * np.sum(ww * np.tanh(u) * np.tanh(v))) / q


def test_tanh_eoc_and_second_derivative_independently():
    derivs, eoc = eoc_derivatives_at_one("tanh", 0.2, 3, 20)
    q, sw2 = gauss_hermite_eoc_tanh(0.2)
    assert abs(float(eoc["q"].mid) - q) < 1e-10
    assert abs(float(eoc["sigma_w"].mid) ** 2 - sw2) < 1e-10
    assert abs(float(derivs[1].mid) - 1) < 1e-15  # the EOC condition f'(1) = 1
    # f''(1) from finite differences of the 2-D Gaussian correlation map (Richardson, h = 0.02, 0.01)
    f = lambda c: correlation_map_gh(c, q, sw2, 0.2)
    second = lambda h: (f(1.0) - 2 * f(1 - h) + f(1 - 2 * h)) / h**2  # f2 - h f3 + O(h^2)
    fd = 2 * second(0.01) - second(0.02)  # removes the O(h) term
    assert abs(fd - float(derivs[2].mid)) < 2e-3 * abs(fd)
    assert derivs[2].correct_digits >= 18


def test_smooth_taylor_structure_and_values():
    local = smooth_taylor("tanh", 0.2, 2, 20)  # shares the cached EOC computation of the test above
    assert local.ramification == 1
    f2, f3 = sympy.symbols("f2 f3", real=True)
    assert sympy.simplify(local.map_coefficients[0] - f2 / 2) == 0
    assert sympy.simplify(local.map_coefficients[1] + f3 / 6) == 0
    assert sympy.simplify(local.derivative_coefficients[0] - f2) == 0
    assert sympy.simplify(local.derivative_coefficients[1] + f3 / 2) == 0
    integral = gaussian_moment_expression("tanh", 2)
    assert isinstance(integral, sympy.Expr) and integral.has(sympy.Integral)
    # the moment expression evaluated numerically equals the stored value f2
    values = local.values
    q = local.parameters["q"].mid
    sw = local.parameters["sigma_w"].mid
    num = integral.subs({sympy.Symbol("sigma_w", positive=True): sympy.Float(sw, 30),
                         sympy.Symbol("q", positive=True): sympy.Float(q, 30)})
    prefactor, integ = num.as_independent(sympy.Integral)
    (z, lo, hi), = integ.limits
    func = sympy.lambdify(z, integ.function, "mpmath")
    moment = mpmath.quad(func, [-mpmath.inf, 0, mpmath.inf])
    assert abs(float(prefactor) * float(moment) - float(values[f2].mid)) < 1e-10


# ---------------------------------------------------------------------------------------------
# CLI

def test_cli_series_json_and_text(capsys):
    from proofs_checks.cli import main

    assert main(["series", "--activation", "relu", "--order", "2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    lead = data["one_minus_c_l"]["terms"][0]
    # leading constant 4 / s^2 with s the delta^(3/2) coefficient from the closed form (sympy.series)
    F, _ = puiseux_reference(0, 1, 5)
    s = -F.coeff_monomial(U**3)
    assert lead["n"] == 2 and lead["log_power"] == 0 and lead["universal"]
    assert abs(float(mpmath.mpf(lead["value"]["mid"])) - float(4 / s**2)) < 1e-12
    assert main(["series", "--activation", "relu", "--order", "2", "--latex"]) == 0
    assert "\\pi" in capsys.readouterr().out
    assert main(["series", "--activation", "relu", "--order", "0"]) == 2
    assert "order" in capsys.readouterr().err
    assert main(["series", "--activation", "nosuch", "--order", "2"]) == 2
