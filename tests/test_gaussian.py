"""Gaussian expectations against exact values (characteristic functions, moments, arc-cosine kernels)."""
import mpmath
import pytest

from asymptotics import gaussian
from asymptotics.accuracy import agreed_digits
from asymptotics.validation import ComputationError, InputError


def test_one_dimensional_exact_values_to_40_digits():
    # E[cos(sqrt(q) Z)] = exp(-q/2); E[(sqrt(q) Z)^4] = 3 q^2
    with mpmath.workdps(50):
        q = mpmath.mpf("0.7")
        cos_mean = gaussian.normal_expectation(mpmath.cos, "0.7", dps=40)
        assert cos_mean.contains(mpmath.exp(-q / 2))
        assert cos_mean.rad < mpmath.mpf(10) ** -40
        fourth = gaussian.normal_expectation(lambda x: x**4, "0.7", dps=40)
        assert agreed_digits(fourth.mid, 3 * q * q) >= 40


def test_kink_split_gives_full_accuracy():
    # E|sqrt(q) Z| = sqrt(2 q / pi): the kink at 0 is a split point of tanh-sinh
    with mpmath.workdps(50):
        value = gaussian.normal_expectation(abs, 2, dps=40, kinks=(0,))
        assert agreed_digits(value.mid, mpmath.sqrt(4 / mpmath.pi)) >= 40
        relu_shift = gaussian.normal_expectation(lambda x: max(x - 1, 0), 1, dps=35, kinks=(1,))
        exact = mpmath.npdf(1) - (1 - mpmath.ncdf(1))  # E[(Z - 1)_+] = phi(1) - (1 - Phi(1))
        assert agreed_digits(relu_shift.mid, exact) >= 35


def test_bivariate_characteristic_function():
    # E[cos u cos v] = (exp(-(q1+q2-2r)/2) + exp(-(q1+q2+2r)/2)) / 2, r = c sqrt(q1 q2)
    value = gaussian.bivariate_expectation(mpmath.cos, mpmath.cos, "0.5", "1.2", "0.3", dps=15)
    with mpmath.workdps(30):
        q1, q2, c = mpmath.mpf("0.5"), mpmath.mpf("1.2"), mpmath.mpf("0.3")
        r = c * mpmath.sqrt(q1 * q2)
        exact = (mpmath.exp(-(q1 + q2 - 2 * r) / 2) + mpmath.exp(-(q1 + q2 + 2 * r) / 2)) / 2
    assert value.contains(exact)
    assert agreed_digits(value.mid, exact) >= 15


@pytest.mark.parametrize("a,b", [(0, 1), ("0.1", 1), ("-0.5", 2)])
def test_relu_family_closed_form_against_polar_quadrature_40_digits(a, b):
    from fractions import Fraction

    from asymptotics import relu_family
    from asymptotics.activations import abrelu

    act = abrelu(Fraction(str(a)), Fraction(str(b)))
    consts = relu_family.constants_for(act)
    with mpmath.workdps(55):
        # phi from the exact slopes at this precision (Activation.phi holds 53-bit slopes)
        sa, sb = (mpmath.mpf(x.numerator) / x.denominator for x in act.slopes)

        class act:  # noqa: N801  (minimal stand-in with the same interface)
            phi = staticmethod(lambda x: sb * x if x >= 0 else sa * x)

            @staticmethod
            def derivative(order):
                return lambda x: sb if x > 0 else sa

        for rho in ("0.5", "-0.3", "0.999"):
            quad, _ = gaussian.homogeneous_bivariate_raw(act.phi, act.phi, mpmath.mpf(rho))
            closed = relu_family.k_dual(consts, mpmath.mpf(rho))
            assert agreed_digits(quad, closed) >= 40, (a, b, rho)
            quad_d, _ = gaussian.homogeneous_bivariate_raw(act.derivative(1), act.derivative(1), mpmath.mpf(rho))
            # phi' is homogeneous of degree 0: the polar reduction then carries a factor 1/2
            # (integral of r exp(-r^2/2) dr = 1 instead of 2): E = (1/(2 pi)) * integral
            closed_d = relu_family.k_prime_dual(consts, mpmath.mpf(rho))
            assert agreed_digits(quad_d / 2, closed_d) >= 40, (a, b, rho)


def test_principal_axis_form_matches_direct_double_integral():
    # E[(tanh u - tanh v)^2] = 2 (E tanh^2 - E tanh(u) tanh(v)), Var = q, corr = c
    from asymptotics.activations import get_activation
    from asymptotics.smooth import difference

    tanh = get_activation("tanh")
    with mpmath.workdps(25):
        q, c = mpmath.mpf("0.6"), mpmath.mpf("0.8")
        sq, _ = gaussian.squared_difference_raw(lambda a, b, k: difference(tanh, a, b, k), q, 1 - c,
                                                mpmath.mpf(10) ** -22, even_outer=True)
        direct, _ = gaussian.bivariate_raw(mpmath.tanh, mpmath.tanh, q, q, c, tol=mpmath.mpf(10) ** -22)
        second, _ = gaussian.tanh_sinh_raw(lambda x: mpmath.tanh(x) ** 2, q)
        assert agreed_digits(sq, 2 * (second - direct)) >= 18


def test_trapezoid_refuses_a_kink():
    # valid input on which the rule cannot reach its accuracy: a computation failure (exit 3)
    with mpmath.workdps(30):
        with pytest.raises(ComputationError):
            gaussian.trapezoid_raw(lambda z: abs(z - mpmath.mpf("0.3")) ** 3 if z > 0.3 else 0 * z, 1e-28, max_halvings=5)


def test_bad_input():
    with pytest.raises(InputError):
        gaussian.normal_expectation(mpmath.cos, -1)
    with pytest.raises(InputError):
        gaussian.bivariate_expectation(mpmath.cos, mpmath.cos, 1, 1, 1.5)
    with pytest.raises(InputError):
        gaussian.normal_expectation(mpmath.cos, float("nan"))
