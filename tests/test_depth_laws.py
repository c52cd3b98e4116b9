"""Depth laws (asymptotics.depth_laws) checked independently.

* Symbolic: the derived expansion, substituted into the recursion with SymPy's
  own ``series`` (not the package's formal-series code), leaves a residual of the
  order of the truncation, for a general map with symbolic coefficients.
* Numeric: remainders after subtracting the derived terms, against the lead's
  closed-form ReLU engine (arb), a direct mpmath iteration of seed 000's
  Proposition 4, and the Taylor-series iteration for tanh; the remainder must
  be close to the first omitted derived term (ratio -> 1) and shrink like it.
"""
from fractions import Fraction

import mpmath
import pytest
import sympy

from asymptotics.depth_fit import basis_keys, fit_coefficients, iterate_local_map
from asymptotics.depth_laws import (DEPTH, ELL0, LOG_DEPTH, depth_expansion, fatou_coordinate,
                                    linear_recursion_expansion, normalized_ntk_depth_law, ntk_depth_law,
                                    relu_eoc_depth_law, relu_family_depth_law, resnet_relu_depth_law)
from asymptotics.formal_series import Series
from asymptotics.series import LocalExpansion, relu_puiseux
from asymptotics.validation import InputError

X = sympy.Symbol("x", positive=True)
Y = sympy.Symbol("y", real=True)


def generic_local(ramification, n=4):
    A = sympy.symbols(f"A1:{n + 1}", positive=True)
    D = sympy.symbols(f"D1:{n + 1}")
    return LocalExpansion("generic", ramification, A, D), A, D


def residual_of_recursion(expansion, local, order):
    """delta(l+1) - F(delta(l)) as a series in x = 1/l (y = log l), computed with sympy.series."""
    d = expansion.expr().subs(LOG_DEPTH, Y).subs(DEPTH, 1 / X)
    # l -> l + 1: x -> x/(1 + x) and y -> y + log(1 + x), simultaneously
    shifted = d.subs({Y: Y + sympy.log(1 + X), X: X / (1 + X)}, simultaneous=True)
    m = local.ramification
    u = sympy.Symbol("u", positive=True)
    F_of_u = u**m - sum(a * u ** (m + j) for j, a in enumerate(local.map_coefficients, start=1))
    # u = delta^(1/m) as a series: delta = x^m (...) -> u = x (...)^(1/m)
    u_expr = X * sympy.expand(d / X**m) ** sympy.Rational(1, m)
    mapped = F_of_u.subs(u, u_expr)
    res = sympy.series(shifted - mapped, X, 0, order).removeO()
    return sympy.expand(res)


@pytest.mark.parametrize("ramification,terms", [(1, 3), (2, 2)])
def test_expansion_solves_general_recursion_symbolically(ramification, terms):
    local, A, _ = generic_local(ramification, 5)
    law = depth_expansion(local, terms)
    m = ramification
    # delta through x^(m+terms-1); residual of the recursion must vanish through x^(m+terms)
    res = residual_of_recursion(law.one_minus_c, local, m + terms + 1)
    assert sympy.simplify(res) == 0
    # leading coefficient and log coefficient are universal (no ell_0)
    assert law.one_minus_c.is_universal((m, 0))
    assert law.one_minus_c.is_universal((m + 1, 1))
    assert not law.one_minus_c.is_universal((m + 1, 0))


def test_expansion_residual_detects_a_wrong_coefficient():
    """The residual test can fail: perturbing the log coefficient leaves an O(x^(m+2)) residual."""
    local, A, _ = generic_local(1, 5)
    law = depth_expansion(local, 2)
    coeffs = dict(law.one_minus_c.coefficients)
    coeffs[(2, 1)] = coeffs[(2, 1)] * 2
    from asymptotics.depth_laws import DepthExpansion
    wrong = DepthExpansion("wrong", coeffs, law.one_minus_c.remainder)
    res = residual_of_recursion(wrong, local, 4)
    assert sympy.simplify(res) != 0


def test_fatou_coordinate_satisfies_abel_equation_with_sympy_series():
    local, A, _ = generic_local(1, 5)
    fatou = fatou_coordinate(local, 3)
    u = sympy.Symbol("u", positive=True)
    g1 = fatou.g[0]
    phi = lambda t: 1 / (g1 * t) + fatou.beta * sympy.log(g1 * t) + sum(c * t**k for k, c in enumerate(fatou.c, 1))
    G = u * (1 - sum(a * u**j for j, a in enumerate(A, start=1)))
    res = sympy.series(phi(G) - phi(u) - 1, u, 0, 4).removeO()
    assert sympy.simplify(res) == 0
    # the classical log coefficient of z - a z^2 - b z^3
    # log coefficient for z -> z - a z^2 - b z^3 (1/G = (1 + a z + (a^2 + b) z^2 + ...)/z, log(G/z) = -a z + ...)
    assert sympy.simplify(fatou.beta - (A[0] ** 2 + A[1]) / A[0] ** 2) == 0


def test_formal_series_against_sympy():
    t = sympy.Symbol("t")
    a = sympy.Symbol("a")
    s = Series({0: 1, 1: a, 2: 3}, 6)
    ref = sympy.series((1 + a * t + 3 * t**2) ** sympy.Rational(-1, 3), t, 0, 6).removeO()
    assert sympy.expand(s.power(sympy.Rational(-1, 3)).as_expr(t) - ref) == 0
    ref_log = sympy.series(sympy.log(1 + a * t + 3 * t**2), t, 0, 6).removeO()
    assert sympy.expand((s - 1).log1p().as_expr(t) - ref_log) == 0


# ---------------------------------------------------------------------------------------------
# numeric cross-validation (quick: depths up to 2e4)

def ratio_to_next_order(values, expansion, ell0, depth, cut_power):
    """(value - terms with n <= cut_power) / (terms with n == cut_power + 1) at one depth."""
    with mpmath.workdps(40):
        subs = {ELL0: sympy.Float(ell0, 45)}
        subs.update({s: sympy.Float(v.mid, 45) for s, v in expansion.values.items()})
        l = mpmath.mpf(depth)

        def part(keep):
            total = mpmath.mpf(0)
            for (n, k), c in expansion.coefficients.items():
                if keep(n):
                    total += mpmath.mpf(sympy.N(sympy.sympify(c).subs(subs), 45)) * mpmath.log(l) ** k / l**n
            return total

        constant = mpmath.mpf(sympy.N(sympy.sympify(expansion.constant), 45))
        R = values[depth] - constant - part(lambda n: n <= cut_power)
        return R / part(lambda n: n == cut_power + 1)


@pytest.fixture(scope="module")
def relu_orbit():
    from asymptotics.recursion import Network, kernel_at_depths

    depths = [2000, 2001, 20000, 20001]
    traj = kernel_at_depths(Network.relu_eoc(), Fraction(1, 3), depths, backend="arb", digits=40)
    with mpmath.workdps(50):
        delta = {L: traj.at(L).one_minus_rho.mid for L in (2000, 20000)}
        slope = {L: traj.at(L + 1).sigma_dot.mid for L in (2000, 20000)}
        ntk = {L: traj.at(L).theta_xy.mid / L for L in (2000, 20000)}
    return delta, slope, ntk


@pytest.fixture(scope="module")
def relu_law():
    return relu_eoc_depth_law(4)


def test_relu_remainders_follow_next_order(relu_orbit, relu_law):
    delta, slope, ntk = relu_orbit
    ell0 = relu_law.fatou.depth_shift(delta[20000], 20000)
    # ell_0 is a constant of the orbit: the Fatou coordinate gives the same value at both depths
    assert abs(relu_law.fatou.depth_shift(delta[2000], 2000) - ell0) < 1e-12
    for cut in (2, 3, 4):
        r_lo = ratio_to_next_order(delta, relu_law.one_minus_c, ell0, 2000, cut)
        r_hi = ratio_to_next_order(delta, relu_law.one_minus_c, ell0, 20000, cut)
        assert abs(r_hi - 1) < 0.01 and abs(r_hi - 1) < abs(r_lo - 1), (cut, r_lo, r_hi)
    for cut in (1, 2, 3):
        r_hi = ratio_to_next_order(slope, relu_law.slope, ell0, 20000, cut)
        assert abs(r_hi - 1) < 0.01, (cut, r_hi)
    ntk_law = ntk_depth_law(relu_law, 1, 2)
    for cut in (0, 1):
        r_hi = ratio_to_next_order(ntk, ntk_law.off_diagonal, ell0, 20000, cut)
        assert abs(r_hi - 1) < 0.01, (cut, r_hi)


def test_relu_wrong_log_coefficient_is_detected(relu_orbit, relu_law):
    """The remainder check fails for a perturbed log coefficient (the test can fail)."""
    from asymptotics.depth_laws import DepthExpansion

    delta = relu_orbit[0]
    ell0 = relu_law.fatou.depth_shift(delta[20000], 20000)
    coeffs = dict(relu_law.one_minus_c.coefficients)
    coeffs[(3, 1)] = coeffs[(3, 1)] * sympy.Rational(101, 100)
    wrong = DepthExpansion("wrong", coeffs, relu_law.one_minus_c.remainder)
    r = ratio_to_next_order(delta, wrong, ell0, 20000, 3)
    assert abs(r - 1) > 0.1


def test_relu_symbolic_family_reduces_to_relu():
    a, b = sympy.symbols("a b", real=True)
    general = relu_family_depth_law(1, a, b)
    relu = relu_eoc_depth_law(1)
    for key, c in relu.one_minus_c.coefficients.items():
        assert sympy.simplify(general.one_minus_c.coefficients[key].subs({a: 0, b: 1}) - c) == 0
    # alpha = 3 for every member of the family (independent of a, b)
    assert sympy.simplify(general.alpha - 3) == 0


def test_ntk_linear_recursion_against_direct_iteration():
    """a_{l+1} = (1 - 2/l + 1/l^2 log l) a_l + 1 - 1/l: expansion vs mpmath iteration to 4e4."""
    Yi = sympy.Symbol("Y", positive=True)  # the internal log(l) symbol of depth_laws
    lam = Series({0: 1, 1: -2, 2: Yi}, 6)
    b = Series({0: 1, 1: -1}, 6)
    a = linear_recursion_expansion(lam, b, 1)
    with mpmath.workdps(30):
        value = mpmath.mpf(1)
        for l in range(1, 40000):
            lf = mpmath.mpf(l)
            value = (1 - 2 / lf + mpmath.log(lf) / lf**2) * value + 1 - 1 / lf
        L = mpmath.mpf(40000)
        approx = sum(mpmath.mpf(sympy.N(c.subs(Yi, sympy.log(40000)), 30)) * L ** (-n) for n, c in a.coeffs.items())
        assert abs(value - approx) / value < 1e-7


def test_normalized_ntk_seed000_against_proposition4_iteration():
    """Theta-bar^L of seed 000 (Prop. 4 recursion, iterated directly with h and h') vs the derived expansion."""
    law = normalized_ntk_depth_law(2)
    relu = law.law
    with mpmath.workdps(25):
        h = lambda z: (z * mpmath.asin(z) + mpmath.sqrt(1 - z * z)) / mpmath.pi + z / 2
        hp = lambda z: mpmath.asin(z) / mpmath.pi + mpmath.mpf(1) / 2
        rho = mpmath.mpf(0)
        theta_bar = rho  # Theta-bar^1 = x.x' for unit inputs
        values, deltas = {}, {}
        for L in range(1, 3000):
            if L in (300, 3000 - 1):
                values[L], deltas[L] = theta_bar, 1 - rho
            theta_bar = L * hp(rho) * theta_bar / (L + 1) + h(rho) / (L + 1)
            rho = h(rho)
        ell0 = relu.fatou.depth_shift(deltas[2999], 2999)
        r = ratio_to_next_order(values, law.off_diagonal, ell0, 2999, 1)
        assert abs(r - 1) < 0.05
        assert abs(values[2999] - mpmath.mpf(1) / 4) < 0.02  # the limit is 1/4 (not 1)


@pytest.fixture(scope="module")
def tanh_case():
    from asymptotics.series import smooth_taylor

    local = smooth_taylor("tanh", 0.2, 5, 20)
    return local, depth_expansion(local, 3)


def test_tanh_remainder_follows_next_order(tanh_case):
    """The polynomial map with tanh's first five Taylor coefficients (sigma_b = 0.2) iterated from delta = 0.02.

    The depth law only depends on these coefficients, so the truncated map is an exact
    test case for the derivation (the accuracy of the Taylor series of f itself is
    checked in benchmarks/crossval_depth_laws.py).
    """
    local, law = tanh_case
    subs = {s: sympy.Float(v.mid, 30) for s, v in local.values.items()}
    with mpmath.workdps(30):
        A = [mpmath.mpf(sympy.N(c.subs(subs), 30)) for c in local.map_coefficients]
        D = [mpmath.mpf(sympy.N(c.subs(subs), 30)) for c in local.derivative_coefficients]
    orbit = iterate_local_map(A, D, 1, mpmath.mpf("0.02"), [20000, 200000], 25)
    delta = {L: orbit[L][0] for L in orbit}
    slope = {L: orbit[L][1] for L in orbit}
    ell0 = law.fatou.depth_shift(delta[200000], 200000)
    assert abs(law.fatou.depth_shift(delta[20000], 20000) - ell0) < 1e-6
    for cut in (1, 2):
        for values, expansion in ((delta, law.one_minus_c), (slope, law.slope)):
            r_lo = ratio_to_next_order(values, expansion, ell0, 20000, cut)
            r_hi = ratio_to_next_order(values, expansion, ell0, 200000, cut)
            assert abs(r_hi - 1) < 0.01 and abs(r_hi - 1) < abs(r_lo - 1), (cut, r_lo, r_hi)


def test_bad_inputs():
    with pytest.raises(InputError, match="terms"):
        relu_eoc_depth_law(0)
    with pytest.raises(InputError, match="terms"):
        depth_expansion(relu_puiseux(1), 5)  # too few coefficients
    with pytest.raises(InputError):
        relu_eoc_depth_law(3).one_minus_c.evaluate(100)  # needs ell_0
    with pytest.raises(InputError, match="values"):
        fit_coefficients({1: 1, 2: 2}, basis_keys(2, 2))


@pytest.mark.slow
def test_relu_fitted_constants_at_depth_1e6():
    """Least-squares fit over [1e5, 1e6] recovers the derived universal constants of 1 - c^l."""
    from asymptotics.recursion import Network, kernel_at_depths

    depths = sorted({int(round(1e5 * 10 ** (i / 29))) for i in range(30)})
    traj = kernel_at_depths(Network.relu_eoc(), Fraction(1, 2), depths, backend="arb", digits=40)
    values = {L: traj.at(L).one_minus_rho.mid for L in depths}
    fit = fit_coefficients(values, basis_keys(2, 5), dps=50)
    law = relu_eoc_depth_law(2)
    for key in [(2, 0), (3, 1)]:
        derived = mpmath.mpf(sympy.N(law.one_minus_c.coefficients[key], 30))
        assert abs(fit[key] - derived) < 1e-8 * abs(derived)


def test_ntk_rate_constant_is_beta_over_one_plus_alpha_for_a_general_map():
    """B = beta q / (1 + alpha) for symbolic map and slope coefficients; B = 0 when beta = 0."""
    local, A, D = generic_local(1, 5)
    law = depth_expansion(local, 3)
    q = sympy.Symbol("q", positive=True)
    ntk = ntk_depth_law(law, q, 1)
    alpha = D[0] / A[0]
    assert sympy.simplify(law.alpha - alpha) == 0
    assert sympy.simplify(ntk.limit_ratio - 1 / (1 + alpha)) == 0
    assert sympy.simplify(ntk.rate_constant - law.fatou.beta * q / (1 + alpha)) == 0
    # a map with beta = 0 (A2 = -A1^2) has no log(L)/L term
    assert sympy.simplify(ntk.rate_constant.subs(A[1], -A[0] ** 2)) == 0


def test_named_constants_are_consistent(relu_law):
    constants = relu_law.constants(20)
    ntk = ntk_depth_law(relu_law, 1, 2)
    assert sympy.simplify(constants["ntk_rate_B_over_q"][0] - ntk.rate_constant) == 0
    assert sympy.simplify(constants["ntk_lambda"][0] - ntk.limit_ratio) == 0
    assert sympy.simplify(constants["delta_leading"][0] - relu_law.one_minus_c.coefficient(2, 0)) == 0
    assert constants["slope_alpha"][1].correct_digits >= 19
