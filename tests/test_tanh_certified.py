"""Certified tanh on the Edge of Chaos (issue 15): rigorous Gaussian integrals, EOC point, B_j, layers, jump.

References are independent of the code under test: mpmath.quad at higher precision, the agreement
paths (asymptotics.eoc, asymptotics.smooth_depth, asymptotics.depth_jump.smooth_fatou).
"""
from __future__ import annotations

from fractions import Fraction

import flint
import mpmath
import pytest
from flint import arb, fmpq
from hypothesis import given, settings
from hypothesis import strategies as hs

from asymptotics.depth_jump import gauss_strip as gs
from asymptotics.depth_jump import series_tools as st
from asymptotics.smooth import tanh_polynomials
from asymptotics.validation import ComputationError, InputError


def _ball_contains(ball: arb, value, slack=0) -> bool:
    """value (an mpf at high precision) lies in the ball, up to ``slack`` (the reference's own error)."""
    with mpmath.workdps(90):
        mid = mpmath.mpf(ball.mid().str(85, radius=False))
        rad = mpmath.mpf(ball.rad().str(10, radius=False))
        return abs(mid - value) <= rad * (1 + mpmath.mpf(2) ** -20) + mpmath.mpf(10) ** -80 + slack


def _reference_expectation(q, integrand, dps=60):
    with mpmath.workdps(dps):
        s = mpmath.sqrt(mpmath.mpf(q.numerator) / q.denominator)
        return mpmath.quad(lambda z: integrand(mpmath.tanh(s * z)) * mpmath.npdf(z),
                           [-mpmath.inf, -8, -3, 0, 3, 8, mpmath.inf])


def _poly(coeffs, t):
    return sum(c * t**k for k, c in enumerate(coeffs))


def test_tanh_strip_lemma_against_direct_evaluation():
    """|tanh(u + iv)| <= max(1, tan|v|) for |v| < pi/2 (the module doc's lemma), on a grid of points."""
    for u in [0, 0.1, 0.5, 1, 3, -2]:
        for v in [0.05, 0.5, 0.78, 0.8, 1.2, 1.5, -1.4]:
            lhs = abs(mpmath.tanh(mpmath.mpc(u, v)))
            assert lhs <= max(1, mpmath.tan(abs(v))) * (1 + 1e-15)


@settings(max_examples=6, deadline=None, derandomize=True)
@given(q=hs.fractions(min_value=Fraction(1, 20), max_value=4, max_denominator=97),
       order=hs.integers(min_value=0, max_value=9), squared=hs.booleans())
def test_gaussian_integral_contains_mpmath_reference(q, order, squared):
    """E[P_j(tanh(sqrt(q) Z))] and E[P_j(...)^2] (tanh polynomials): the ball holds mpmath.quad at 60 digits."""
    P = list(tanh_polynomials(order)[order])
    coeffs = P
    if squared:
        coeffs = [0] * (2 * len(P) - 1)
        for i, a in enumerate(P):
            for k, b in enumerate(P):
                coeffs[i + k] += a * b
    with st.arb_precision(200):
        ball = gs.tanh_poly_expectation(arb(fmpq(q.numerator, q.denominator)), coeffs, 160)
    ref = _reference_expectation(q, lambda t: _poly(coeffs, t))
    assert ball.rad() < arb(2) ** -140 * max(1, abs(float(ref)))  # tight, so the containment can fail
    assert _ball_contains(ball, ref, slack=mpmath.mpf(10) ** -55)


@settings(max_examples=6, deadline=None, derandomize=True)
@given(q=hs.fractions(min_value=Fraction(1, 10), max_value=3, max_denominator=50),
       h=hs.sampled_from([0.75, 1.0, 1.25]), frac=hs.sampled_from([0.6, 0.75, 0.9]))
def test_strip_error_bound_covers_the_true_error_of_coarse_rules(q, h, frac):
    """A deliberately coarse rule for E[(1 - t^2)^2]: its true error (mpmath) is within the stated bound."""
    coeffs = [1, 0, -2, 0, 1]
    ref = _reference_expectation(q, lambda t: _poly(coeffs, t), dps=40)
    with st.arb_precision(160):
        qb = arb(fmpq(q.numerator, q.denominator))
        y = gs.tanh_strip(qb) * frac
        rule = gs.GaussRule(h, int(12 / h) + 1, y)
        s = qb.sqrt()
        vals = [gs._horner([arb(c) for c in coeffs], (s * x).tanh()) for x in rule.nodes]
        T = gs.tanh_strip_bound(arb(s.upper()), arb(y))
        bound = rule.error(gs.poly_abs_bound(coeffs, T), gs.poly_abs_bound(coeffs, arb(1)))
        plain = rule.even(vals, arb(0), arb(0))  # the rule's sum with no error term
    with mpmath.workdps(40):
        err = abs(mpmath.mpf(plain.mid().str(45, radius=False)) - ref)
        assert err <= mpmath.mpf(bound.str(10, radius=False)) * (1 + mpmath.mpf(10) ** -8)
        assert err > mpmath.mpf(10) ** -30  # coarse: the error is real, so the comparison means something
        assert mpmath.mpf(bound.str(10, radius=False)) < 10**4 * err  # and the bound is not vacuous


def test_derivative_square_moments_against_mpmath():
    q = Fraction(37, 71)
    with st.arb_precision(200):
        moments = gs.derivative_square_moments(arb(fmpq(37, 71)), 12, [150] * 13)
    polys = tanh_polynomials(12)
    for j in (0, 1, 5, 12):
        fact = mpmath.factorial(j)
        ref = _reference_expectation(q, lambda t: (_poly(polys[j], t) / fact) ** 2)
        assert moments[j].rad() < arb(2) ** -140
        assert _ball_contains(moments[j], ref, slack=mpmath.mpf(10) ** -55), j


def test_certified_eoc_point_contains_agreement_point_and_solves_the_equations():
    from asymptotics.depth_jump.tanh_eoc_point import certified_tanh_eoc
    from asymptotics.eoc import edge_of_chaos

    with st.arb_precision(220):
        q, sw2 = certified_tanh_eoc("0.2", 200)
        sw = sw2.sqrt()
    assert q.rad() < arb(2) ** -190 and sw.rad() < arb(2) ** -190
    point = edge_of_chaos("tanh", "0.2", 40)
    for ball, approx in ((q, point.q_star), (sw, point.sigma_w)):
        with mpmath.workdps(80):
            mid = mpmath.mpf(ball.mid().str(70, radius=False))
            assert abs(mid - approx.mid) <= approx.rad  # the certified ball lies inside the agreement interval
    # independent residuals of the two EOC equations (mpmath.quad, 60 digits) at the certified midpoint
    with mpmath.workdps(60):
        qm, sw2m = mpmath.mpf(q.mid().str(70, radius=False)), mpmath.mpf(sw2.mid().str(70, radius=False))
        s = mpmath.sqrt(qm)
        e2 = mpmath.quad(lambda z: mpmath.tanh(s * z) ** 2 * mpmath.npdf(z), [-mpmath.inf, -3, 0, 3, mpmath.inf])
        e4 = mpmath.quad(lambda z: mpmath.sech(s * z) ** 4 * mpmath.npdf(z), [-mpmath.inf, -3, 0, 3, mpmath.inf])
        assert abs(sw2m * e2 + mpmath.mpf(1) / 25 - qm) < mpmath.mpf(10) ** -50
        assert abs(sw2m * e4 - 1) < mpmath.mpf(10) ** -50


def test_taylor_coefficients_B1_is_one_and_B_j_match_the_agreement_values():
    from asymptotics.depth_jump.tanh_certified import taylor_coefficients
    from asymptotics.depth_jump.tanh_eoc_point import certified_tanh_eoc
    from asymptotics.smooth_depth import tanh_taylor_coefficients

    with st.arb_precision(200):
        q, sw2 = certified_tanh_eoc("0.2", 180)
        B = taylor_coefficients(q, sw2, 40, 170)
        assert B[1].contains(1) and B[1].rad() < arb(2) ** -150
    with mpmath.workprec(260):
        qm, sw2m = mpmath.mpf(q.mid().str(70, radius=False)), mpmath.mpf(sw2.mid().str(70, radius=False))
        ref, err = tanh_taylor_coefficients(qm, sw2m, 40, 260)
    for j in (2, 3, 10, 37, 40):
        assert _ball_contains(B[j], ref[j], slack=err[j] + abs(ref[j]) * mpmath.mpf(10) ** -50), j
        assert B[j] > 0  # Fact 6: f^(j)(1) > 0


@pytest.mark.slow
def test_far_field_step_contains_an_independent_two_dimensional_quadrature():
    """g(1/2) = 1 - f(1/2) from the plain Fact 5 form (no principal axes), nested mpmath.quad at 20 digits."""
    from asymptotics.depth_jump.tanh_eoc_point import certified_tanh_eoc
    from asymptotics.depth_jump.tanh_far_field import FarField

    with st.arb_precision(200):
        q, sw2 = certified_tanh_eoc("0.2", 180)
        g = FarField(q, sw2, 160).one_minus_f(arb("0.5"))
    assert g.rad() < arb(2) ** -150
    with mpmath.workdps(20):
        qm, sw2m = mpmath.mpf(q.mid().str(40, radius=False)), mpmath.mpf(sw2.mid().str(40, radius=False))
        s, c = mpmath.sqrt(qm), mpmath.mpf("0.5")
        r = mpmath.sqrt(1 - c * c)
        inner = lambda z1: mpmath.quad(lambda z2: mpmath.tanh(s * (c * z1 + r * z2)) * mpmath.npdf(z2),
                                       [-mpmath.inf, 0, mpmath.inf])
        e = 2 * mpmath.quad(lambda z1: mpmath.tanh(s * z1) * inner(z1) * mpmath.npdf(z1), [0, 3, mpmath.inf])
        ref = 1 - (mpmath.mpf(1) / 25 + sw2m * e) / qm
    assert _ball_contains(g, ref, slack=mpmath.mpf(10) ** -17)


@pytest.fixture(scope="module")
def certified_run():
    from asymptotics.depth_jump.tanh_certified import tanh_eoc_certified

    return tanh_eoc_certified("0.2", "0.5", [2, 100, 3000, 10**9], digits=30, l0=1000)


def test_depth_1e9_has_30_certified_digits_and_overlaps_the_agreement_jump(certified_run):
    from asymptotics.depth_jump.smooth_fatou import tanh_eoc_jump

    values, info = certified_run
    v = values[10**9]
    for name in ("one_minus_c", "c", "f_prime", "one_minus_f_prime"):
        assert getattr(v, name).method == "certified", name
    assert v.one_minus_c.correct_digits >= 30 and v.one_minus_f_prime.correct_digits >= 30
    assert info["method"].startswith("certified") and info["far_layers"] > 0 and info["taylor_layers"] > 0
    agree, _ = tanh_eoc_jump("0.2", "0.5", [10**9], digits=30, l0=600)
    assert v.one_minus_c.overlaps(agree[10**9].one_minus_c) and v.f_prime.overlaps(agree[10**9].f_prime)


def test_moderate_depths_overlap_the_agreement_iteration(certified_run):
    from asymptotics.smooth_depth import eoc_correlation_depths

    values, _ = certified_run
    it = eoc_correlation_depths("tanh", "0.2", "0.5", [2, 100, 3000], digits=30)
    for L in (2, 100, 3000):
        assert values[L].one_minus_c.overlaps(it.at(L).one_minus_c), L
        assert values[L].one_minus_f_prime.overlaps(it.at(L).one_minus_f_prime), L
        assert values[L].one_minus_c.correct_digits >= 30, L


@pytest.mark.parametrize("kwargs, argument", [
    ({"sigma_b": "abc"}, "sigma_b"), ({"sigma_b": 0}, "sigma_b"), ({"sigma_b": "9"}, "sigma_b"),
    ({"c_start": "1"}, "c_start"), ({"c_start": "1.5"}, "c_start"), ({"digits": 500}, "digits"),
    ({"depths": [0]}, "depths"), ({"l0": 1}, "l0"), ({"l0": 10**7}, "l0"),
])
def test_bad_input_is_refused_in_one_line(kwargs, argument):
    from asymptotics.depth_jump.tanh_certified import tanh_eoc_certified

    with pytest.raises(InputError) as err:
        tanh_eoc_certified(**kwargs)
    assert f"'{argument}'" in str(err.value) and "\n" not in str(err.value)


def test_too_early_jump_is_a_computation_error():
    from asymptotics.depth_jump.tanh_certified import tanh_eoc_certified

    with pytest.raises(ComputationError) as err:
        tanh_eoc_certified("0.2", "0.5", [10**6], digits=20, l0=3)
    assert "\n" not in str(err.value)


def test_default_l0_is_chosen_and_reported(certified_run):
    from asymptotics.depth_jump.tanh_certified import tanh_eoc_certified

    values, info = tanh_eoc_certified("0.2", "0.5", [10**9], digits=30)  # l0=None: 1000 suffices here
    assert info["l0"] == 1000 and info["radius"] == "0.2"
    assert values[10**9].one_minus_c.overlaps(certified_run[0][10**9].one_minus_c)


@pytest.mark.slow
@settings(max_examples=3, deadline=None, derandomize=True)
@given(sigma_b=hs.sampled_from(["0.05", "0.5", "2"]),
       c_start=hs.fractions(min_value=-1, max_value=Fraction(99, 100), max_denominator=100))
def test_certified_orbit_overlaps_the_agreement_iteration_for_random_networks(sigma_b, c_start):
    """Any sigma_b (the germ's disc shrinks for large q*) and any c^1: the certified balls meet the iteration's."""
    from asymptotics.depth_jump.tanh_certified import tanh_eoc_certified
    from asymptotics.smooth_depth import eoc_correlation_depths

    c_text = f"{c_start.numerator}/{c_start.denominator}"
    values, _ = tanh_eoc_certified(sigma_b, c_text, [40, 2500], digits=30)
    it = eoc_correlation_depths("tanh", sigma_b, c_text, [40, 2500], digits=30)
    for L in (40, 2500):
        assert values[L].one_minus_c.overlaps(it.at(L).one_minus_c), L
        assert values[L].one_minus_f_prime.overlaps(it.at(L).one_minus_f_prime), L
        assert values[L].one_minus_c.correct_digits >= 30


def test_reduced_eoc_slope_matches_a_central_difference():
    """r'(q) by Gaussian integration by parts (the uniqueness certificate) against (r(q+h) - r(q-h)) / 2h."""
    from asymptotics.depth_jump import tanh_eoc_point as tp

    with st.arb_precision(200):
        sb2 = arb(1) / 4  # sigma_b = 1/2
        for q in (arb("0.3"), arb("1.7")):
            slope = tp.reduced_gap_slope(q, 150)
            h = arb(2) ** -60
            diff = (tp.reduced_gap(q + h, sb2, 180)[0] - tp.reduced_gap(q - h, sb2, 180)[0]) / (2 * h)
            assert slope.rad() < arb(2) ** -140
            assert abs(slope - diff) < arb(2) ** -50  # O(h^2) difference error
    assert tp.tanh_chain_derivative([0, 1]) == [1, 0, -1]  # tanh' = 1 - tanh^2
