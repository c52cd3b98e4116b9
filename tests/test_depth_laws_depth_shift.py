"""FatouCoordinate.depth_shift: ell_0 = Phi(u_L) - L is a constant of the orbit, at every depth.

Phi(u_L) is of size L, so the subtraction cancels log10(L) digits: a fixed working precision
returned noise of size L 10^-(dps+10) at L = 10^100 (about -1e38 instead of 5.4 at dps = 60).
The reference here is independent of the Fatou coordinate's evaluation: 1 - rho iterated layer by
layer (certified arb recursion) to a moderate depth, and the derived depth expansion
1 - rho^L = 9 pi^2/(2 L^2) - ... (a series in 1/L, log L and ell_0) solved for ell_0 there.
"""
import mpmath
import pytest

from asymptotics.depth_jump import jump_kernel
from asymptotics.depth_laws import DEPTH, ELL0, relu_eoc_depth_law
from asymptotics.recursion import Network, kernel_at_depths
from asymptotics.validation import ComputationError

NET = Network("relu", sigma_w2=2)
DPS = 20
DEPTHS = (10**6, 10**12, 10**100, 10**300)
REFERENCE_DEPTH = 10**5
_REFERENCE = {}  # rho -> ell_0 of the reference computation (run once per rho)


@pytest.fixture(scope="module")
def law():
    return relu_eoc_depth_law(4)


def one_minus_rho(rho, depth, digits):
    return jump_kernel(NET, rho, [depth], digits=digits).at(depth).one_minus_rho


def reference_ell0(law, rho):
    """Iterate to 10^5, then solve the derived 4-order expansion of 1 - rho^L for ell_0.

    The expansion's remainder is O(log(L)^4 / L^6), relative log(L)^4/L^4 ~ 2e-16 at 10^5; since
    1 - rho ~ 9 pi^2 / (2 (L + ell_0)^2), ell_0 moves by about L/2 times that: ~1e-11.
    """
    if rho in _REFERENCE:
        return _REFERENCE[rho]
    traj = kernel_at_depths(NET, rho, [REFERENCE_DEPTH], backend="arb", digits=40, method="iterate")
    target = traj.at(REFERENCE_DEPTH).one_minus_rho.mid
    expr = law.one_minus_c.expr().subs(DEPTH, REFERENCE_DEPTH)
    import sympy

    f = sympy.lambdify(ELL0, expr, "mpmath")
    with mpmath.workdps(40):
        _REFERENCE[rho] = mpmath.findroot(lambda e: f(e) / target - 1, mpmath.mpf(3))
    return _REFERENCE[rho]


@pytest.mark.parametrize("rho", ["0", "0.5"])
def test_depth_shift_is_the_same_at_every_depth(law, rho):
    fatou = law.fatou
    values = {}
    for depth in DEPTHS:
        # delta needs DPS + log10(L) digits to determine DPS digits of ell_0 (docstring)
        ball = one_minus_rho(rho, depth, DPS + len(str(depth)) + 10)
        values[depth] = fatou.depth_shift(ball, depth, dps=DPS)
        assert fatou.depth_shift(ball.mid, depth, dps=DPS) == values[depth]
    first = values[DEPTHS[0]]
    # stated accuracy: 10^-DPS relative to max(1, |ell_0|), plus the truncation O(u_L^5) ~ (L/7)^-5 (<1e-25 here)
    tol = mpmath.mpf(10) ** -DPS * max(1, abs(first)) * 2
    for depth, value in values.items():
        assert abs(value - first) <= tol, (depth, value, first)
    ref = reference_ell0(law, rho)
    assert abs(first - ref) < 1e-9, (first, ref)
    # and the value is an orbit constant that tells the two starting points apart
    assert abs(first - reference_ell0(law, "0" if rho == "0.5" else "0.5")) > 1


def test_depth_shift_refuses_when_the_input_ball_leaves_no_digits(law):
    """A 50-digit 1 - rho at 10^100 determines no digit of ell_0: refuse, do not return noise."""
    ball = one_minus_rho("0.5", 10**100, 50)
    with pytest.raises(ComputationError, match="digits asked for"):
        law.fatou.depth_shift(ball, 10**100, dps=10)
    # a 50-digit ball at 10^12 keeps ~45 digits: 30 are delivered and agree with a 200-digit orbit point
    near = one_minus_rho("0.5", 10**12, 50)
    deep = one_minus_rho("0.5", 10**100, 200)
    a = law.fatou.depth_shift(near, 10**12, dps=30)
    b = law.fatou.depth_shift(deep, 10**100, dps=30)
    assert abs(a - b) < mpmath.mpf(10) ** -29 * abs(b)
    with pytest.raises(ComputationError):
        law.fatou.depth_shift(near, 10**12, dps=55)


def test_evaluate_has_relative_accuracy_at_tiny_u(law):
    """Phi(u) ~ 1/(g1 u): relative digits, whatever the size (two precisions agree)."""
    delta = mpmath.mpf("4.4413219804902113784755209499442680108911647332583557818860e-599")
    a = law.fatou.evaluate(delta, dps=30)
    b = law.fatou.evaluate(delta, dps=60)
    assert abs(a / b - 1) < mpmath.mpf(10) ** -29


def test_bad_inputs_are_named(law):
    from asymptotics.validation import InputError

    with pytest.raises(InputError, match="delta_at_depth"):
        law.fatou.depth_shift(0, 10)
    with pytest.raises(InputError, match="depth"):
        law.fatou.depth_shift("1e-10", 0)
    with pytest.raises(InputError, match="delta"):
        law.fatou.evaluate(float("nan"))
    # exact inputs of every kind give the same ell_0: a decimal string and the Fraction it means
    from fractions import Fraction

    a = law.fatou.depth_shift("4.4413219800737673753729633248171074789045420502193178458213e-23", 10**12, dps=15)
    b = law.fatou.depth_shift(Fraction(44413219800737673753729633248171074789045420502193178458213, 10**81), 10**12, dps=15)
    # (that decimal is 1 - rho^(10^12) from rho = 0.5, 59 digits: ell_0 of that orbit)
    assert a == b and abs(a - reference_ell0(law, "0.5")) < 1e-9
