"""psi_d of seed 000 (Definition 6): derivatives against numerical differentiation, exact facts."""
import mpmath
import pytest
import sympy

from asymptotics import smooth_step as ss
from asymptotics.validation import InputError


@pytest.mark.parametrize("d,z", [(0.7, 0.3), (0.2, -0.45), (2.0, 0.8)])
@pytest.mark.parametrize("k", [1, 2, 3])
def test_derivatives_match_numerical_differentiation(d, z, k):
    f = lambda t: 1 / (1 + mpmath.exp(-2 * t / (d * (1 - t * t))))  # noqa: E731 - the definition, retyped
    with mpmath.workdps(40):
        numeric = mpmath.diff(f, mpmath.mpf(z), k)
    assert abs(ss.psi(d, z, k, dps=30) - numeric) <= mpmath.mpf(10) ** -20 * max(1, abs(numeric))


def test_symbolic_expression_agrees_with_numeric():
    expr = ss.psi_expression(2)
    value = sympy.N(expr.subs({ss.Z: sympy.Rational(1, 5), ss.D: sympy.Rational(1, 3)}), 25)
    with mpmath.workdps(30):
        assert abs(mpmath.mpf(str(value)) - ss.psi(sympy.Rational(1, 3), sympy.Rational(1, 5), 2, dps=25)) < 1e-22


def test_symmetry_and_boundary_values():
    with mpmath.workdps(40):
        for z in (0.1, 0.5, 0.9):
            assert abs(ss.psi(0.3, -z) - (1 - ss.psi(0.3, z))) < 1e-25
    assert ss.psi(0.3, 1) == 1 and ss.psi(0.3, -1) == 0
    for k in (1, 2, 3):
        for eps, v in ss.boundary_derivatives(0.5, k, 1, distances=(1e-2,)):
            assert abs(v) < 1e-60


def test_derivatives_at_zero_exact():
    d = sympy.Rational(3, 10)
    for k in range(0, 5):
        exact = ss.derivative_at_zero(k).subs(ss.D, d)
        with mpmath.workdps(40):
            numeric = mpmath.diff(lambda t: ss.psi(sympy.Rational(3, 10), t, 0, dps=40), mpmath.mpf(0), k,
                                  h=mpmath.mpf("1e-6"))
            assert abs(mpmath.mpf(str(sympy.N(exact, 30))) - numeric) < 1e-9 * max(1, abs(numeric))
    assert ss.derivative_at_zero(1) == 1 / (2 * ss.D)  # grows like 1/d: property (4) fails at z = 0


def test_total_variation_is_one_for_every_d():
    for d in (1.0, 0.05, 0.002):
        assert abs(ss.total_variation(d) - 1) < 1e-10


@pytest.mark.parametrize("kwargs", [dict(d=0, z=0.1), dict(d=1, z=1.5), dict(d=1, z=0.1, k=-1),
                                    dict(d=float("nan"), z=0.1)])
def test_bad_input(kwargs):
    with pytest.raises(InputError):
        ss.psi(**kwargs)
