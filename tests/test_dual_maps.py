"""Dual maps: closed forms (erf, ReLU family) against quadrature; derivative formulas against
finite differences and independent formulas; registered activations' derivatives against mpmath.diff."""
import mpmath
import pytest

from asymptotics import dual, gaussian
from asymptotics.accuracy import agreed_digits
from asymptotics.activations import get_activation
from asymptotics.smooth import custom_activation, difference
from asymptotics.validation import InputError


@pytest.mark.parametrize("name", ["tanh", "sigmoid", "softplus", "swish", "gelu", "erf"])
def test_derivatives_against_numerical_differentiation(name):
    act = get_activation(name)
    with mpmath.workdps(40):
        x = mpmath.mpf("0.37")
        explicit = act.extra["all_derivatives"](x, 6)
        for j in range(7):
            numeric = mpmath.diff(act.phi, x, j)
            assert agreed_digits(explicit[j], numeric) >= 25, (name, j)
            assert agreed_digits(act.derivative(j)(x), explicit[j]) >= 35


@pytest.mark.parametrize("name", ["tanh", "sigmoid", "softplus", "swish"])
def test_cancellation_free_differences(name):
    act = get_activation(name)
    with mpmath.workdps(30):
        a, b = mpmath.mpf("0.8"), mpmath.mpf("1e-12")
        for order in (0, 1):
            with mpmath.workdps(80):
                g = act.derivative(order)
                exact = g(mpmath.mpf("0.8") + mpmath.mpf("1e-12")) - g(mpmath.mpf("0.8") - mpmath.mpf("1e-12"))
            assert agreed_digits(difference(act, a, b, order), exact) >= 27, (name, order)


def test_erf_dual_map_closed_form_against_quadrature_40_digits():
    # E[erf(a u) erf(a v)] = (2/pi) asin(2 a^2 q c / (1 + 2 a^2 q)) and its derivative form
    erf = get_activation("erf", scale="0.8")
    scale = erf.erf_scale
    with mpmath.workdps(48):
        q, c = mpmath.mpf("0.45"), mpmath.mpf("0.6")
        for order in (0, 1):
            g = erf.derivative(order)
            quad, _ = gaussian.bivariate_raw(g, g, q, q, c, tol=mpmath.mpf(10) ** -44)
            closed = dual.erf_cross(scale, q, c, order)
            assert agreed_digits(quad, closed) >= 40, order


def test_erf_moments_of_every_order_closed_vs_quadrature_40_digits():
    # f^(j)(1) = sigma_w^2 q^(j-1) E[phi^(j)(sqrt q Z)^2]: closed form from asin derivatives
    for j in range(0, 8):
        quad = dual.gaussian_moment(custom_activation("erf_q", mpmath.erf, [get_activation("erf").derivative(k)
                                                                           for k in range(1, 9)]), "0.7", j, dps=40)
        with mpmath.workdps(50):
            closed = dual.erf_moment(mpmath.mpf(1), mpmath.mpf("0.7"), j)
        assert quad.contains(closed) or agreed_digits(quad.mid, closed) >= 40, j


def test_fact6_derivative_formula_against_finite_differences():
    # f(c) of erf in closed form; its c-derivatives by mpmath.diff vs the Fact-6 Gaussian formula
    erf = get_activation("erf")
    with mpmath.workdps(40):
        q, sw2, sb2 = mpmath.mpf("0.6"), mpmath.mpf("1.7"), mpmath.mpf("0.04")

        def f(c):
            return (sb2 + sw2 * dual.erf_cross(mpmath.mpf(1), q, c, 0)) / q

        for j in (1, 2, 3):
            numeric = mpmath.diff(f, mpmath.mpf(1) - mpmath.mpf("1e-25") if False else mpmath.mpf("0.4"), j)
            g = erf.derivative(j)
            quad, _ = gaussian.bivariate_raw(g, g, q, q, mpmath.mpf("0.4"), tol=mpmath.mpf(10) ** -30)
            assert agreed_digits(numeric, sw2 * q ** (j - 1) * quad) >= 25, j
        # at c = 1 (one-sided): the Taylor coefficients from moments reproduce f(1 - delta)
        delta = mpmath.mpf("0.01")
        taylor = sum((-1) ** j * sw2 * q ** (j - 1) * dual.erf_moment(mpmath.mpf(1), q, j) * delta**j / mpmath.factorial(j)
                     for j in range(1, 25))
        assert agreed_digits(f(1 - delta) - f(1), taylor) >= 30


def test_relu_moments_and_cross_are_closed_forms():
    relu = get_activation("relu")
    m = dual.gaussian_moment(relu, "0.9", 0, dps=40)
    with mpmath.workdps(50):
        assert m.contains(mpmath.mpf("0.45"))
        quad, _ = gaussian.tanh_sinh_raw(lambda x: max(x, 0) ** 2, mpmath.mpf("0.9"), (0,))
        assert agreed_digits(quad, mpmath.mpf("0.45")) >= 40
    fmap = dual.correlation_map("relu", "0.3", 2 ** 0.5, 0, q=1, dps=30)
    with mpmath.workdps(40):
        c = mpmath.mpf("0.3")
        fact12 = (c * mpmath.asin(c) + mpmath.sqrt(1 - c * c)) / mpmath.pi + c / 2  # seed 001 line 678 form, derived
    assert agreed_digits(fmap.mid, fact12) >= 15  # sigma_w = sqrt(2) given as a float


def test_tanh_derivatives_at_one_match_two_dimensional_quadrature():
    # Taylor coefficients from 1-D moments vs 1 - f(1 - delta) from the 2-D principal-axis rule
    sw, sb, q = "1.3", "0.2", "0.5"
    derivs = dual.derivatives_at_one("tanh", sw, sb, 14, dps=25, q=q)
    with mpmath.workdps(35):
        delta = mpmath.mpf("0.005")
        two_d, _ = dual.one_minus_correlation_map_raw("tanh", delta, mpmath.mpf(sw) ** 2, mpmath.mpf(q),
                                                      mpmath.mpf(10) ** -30)
        taylor = -sum((-1) ** j * d.mid * delta**j / mpmath.factorial(j) for j, d in enumerate(derivs) if j >= 1)
        assert agreed_digits(two_d, taylor) >= 24


def test_missing_derivative_and_bad_sigma_raise_input_error():
    act = custom_activation("only_first", mpmath.tanh, [lambda x: 1 - mpmath.tanh(x) ** 2])
    with pytest.raises(InputError, match="order 3"):
        dual.derivative_at_one(act, 1.3, 0.2, 3, dps=15, q=0.5)
    with pytest.raises(InputError, match="sigma_w"):
        dual.variance_map("tanh", 0.5, -1, 0.2)
    with pytest.raises(InputError, match="sigma_b"):
        dual.variance_map("tanh", 0.5, 1, float("inf"))
    with pytest.raises(InputError, match="activation"):
        dual.variance_map("no_such_thing", 0.5, 1, 0.2)
    with pytest.raises(InputError, match="not twice differentiable"):
        dual.derivative_at_one("relu", 2 ** 0.5, 0, 2, q=1)
    with pytest.raises(InputError):
        dual.correlation_map("tanh", 1.2, 1, 0.2, q=0.5)


def test_numeric_derivative_fallback_for_user_activation():
    act = custom_activation("my_tanh", mpmath.tanh, numeric_derivatives=True)
    tanh = get_activation("tanh")
    with mpmath.workdps(30):
        x = mpmath.mpf("0.4")
        assert agreed_digits(act.derivative(3)(x), tanh.derivative(3)(x)) >= 20
