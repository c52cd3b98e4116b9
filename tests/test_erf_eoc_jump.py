"""erf on the Edge of Chaos, certified (asymptotics.erf_certified, asymptotics.depth_jump.erf_eoc).

References written here, independently of the code under test: the textbook expectations by 2-D
Gauss-Hermite quadrature of erf itself; the EOC point from the two defining equations solved together
by mpmath.findroot; the correlation map as 1 - f(1 - delta) in plain mpmath at high precision; the
orbit by plain mpmath iteration; the Fatou coefficients from the symbolic solver of
asymptotics.depth_laws (Taylor coefficients from asymptotics.eoc's quadrature engine).
"""
from __future__ import annotations

import time
from fractions import Fraction
from functools import lru_cache

import mpmath
import numpy as np
import pytest
from flint import arb, fmpq

from asymptotics.accuracy import CERTIFIED
from asymptotics.depth_jump import series_tools as st
from asymptotics.depth_jump.erf_eoc import choose_l0, erf_eoc_depths, machinery, working_precision
from asymptotics.erf_certified import erf_eoc_point
from asymptotics.validation import InputError

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as hs  # noqa: E402

REF_DPS = 120


# --- independent references -------------------------------------------------------------------

def _gauss_hermite_expectation(fun, s11, s22, s12, nodes=160):
    """E[fun(u, v)] for (u, v) ~ N(0, [[s11, s12], [s12, s22]]) by tensor Gauss-Hermite (float64)."""
    x, w = np.polynomial.hermite_e.hermegauss(nodes)
    w = w / np.sqrt(2 * np.pi)
    a = np.sqrt(s11)
    rho = s12 / np.sqrt(s11 * s22)
    z1, z2 = np.meshgrid(x, x, indexing="ij")
    u = a * z1
    v = np.sqrt(s22) * (rho * z1 + np.sqrt(1 - rho * rho) * z2)
    return float(np.sum(np.outer(w, w) * fun(u, v)))


@pytest.mark.parametrize("s11,s22,s12", [(0.3, 0.3, 0.1), (0.47, 0.47, -0.4), (1.2, 0.5, 0.6), (2.0, 2.0, 1.9), (0.5, 0.5, 0.499)])
def test_closed_forms_against_2d_quadrature(s11, s22, s12):
    from scipy.special import erf

    cross = _gauss_hermite_expectation(lambda u, v: erf(u) * erf(v), s11, s22, s12)
    closed = 2 / np.pi * np.arcsin(2 * s12 / np.sqrt((1 + 2 * s11) * (1 + 2 * s22)))
    assert abs(cross - closed) < 1e-12
    dphi = lambda x: 2 / np.sqrt(np.pi) * np.exp(-x * x)  # noqa: E731
    dcross = _gauss_hermite_expectation(lambda u, v: dphi(u) * dphi(v), s11, s22, s12)
    dclosed = 4 / np.pi / np.sqrt((1 + 2 * s11) * (1 + 2 * s22) - 4 * s12 * s12)
    assert abs(dcross - dclosed) < 1e-12


@lru_cache(maxsize=8)
def _reference_eoc(sigma_b: str):
    """(q*, sigma_w^2) from V(q) = q and chi_1 = 1 solved *together* (not by the elimination the code uses)."""
    with mpmath.workdps(REF_DPS):
        sb2 = mpmath.mpf(Fraction(sigma_b).numerator) / Fraction(sigma_b).denominator
        sb2 = sb2 * sb2

        def equations(q, w2):
            return [w2 * 2 / mpmath.pi * mpmath.asin(2 * q / (1 + 2 * q)) + sb2 - q,
                    w2 * 4 / mpmath.pi / mpmath.sqrt(1 + 4 * q) - 1]

        start = edge_of_chaos_start(sigma_b)
        q, w2 = mpmath.findroot(equations, start)
        return q, w2


def edge_of_chaos_start(sigma_b):
    from asymptotics.eoc import edge_of_chaos

    point = edge_of_chaos("erf", sigma_b, 15)
    return (mpmath.mpf(point.q_star.mid), mpmath.mpf(point.sigma_w.mid) ** 2)


def _reference_one_minus_f(sigma_b: str, delta):
    """1 - f(1 - delta) from f(c) = (sigma_b^2 + sigma_w^2 (2/pi) asin(2 q c/(1 + 2q)))/q, plainly."""
    q, w2 = _reference_eoc(sigma_b)
    with mpmath.workdps(REF_DPS):
        sb2 = mpmath.mpf(Fraction(sigma_b)) ** 2 if False else (mpmath.mpf(Fraction(sigma_b).numerator)
                                                                  / Fraction(sigma_b).denominator) ** 2
        c = 1 - delta
        f = (sb2 + w2 * 2 / mpmath.pi * mpmath.asin(2 * q * c / (1 + 2 * q))) / q
        fp = w2 * 4 / mpmath.pi / mpmath.sqrt((1 + 2 * q) ** 2 - 4 * q * q * c * c)
        return 1 - f, fp


def _contains(ball: arb, value, slack) -> bool:
    with mpmath.workdps(REF_DPS):
        mid = mpmath.mpf(ball.mid().str(REF_DPS, radius=False))
        rad = mpmath.mpf(ball.rad().str(10, radius=False)) * (1 + mpmath.mpf(10) ** -8)
        return abs(mid - value) <= rad + slack + abs(mid) * mpmath.mpf(10) ** (-REF_DPS + 5)


# --- the EOC point ------------------------------------------------------------------------------

@pytest.mark.parametrize("sigma_b", ["0.2", "0.05", "1", "3"])
def test_eoc_point_contains_reference_and_agrees_with_eoc_module(sigma_b):
    from asymptotics.depth_jump.relu_jump import approx_from_arb
    from asymptotics.eoc import edge_of_chaos

    point = erf_eoc_point(sigma_b, 200)
    q_ref, w2_ref = _reference_eoc(sigma_b)
    slack = mpmath.mpf(10) ** -100
    with st.arb_precision(200):
        assert _contains(point.q, q_ref, slack)
        assert _contains(point.sigma_w2, w2_ref, slack)
        assert point.q.rad() < point.q.mid() * arb(2) ** -190
        assert abs(point.chi_1() - 1) < arb(2) ** -185 and point.variance_gap().contains(0)
        q_ball, w_ball = approx_from_arb(point.q), approx_from_arb(point.sigma_w)
    agreed = edge_of_chaos("erf", sigma_b, 30)
    # the agreement-based module to its stated digits: the intervals overlap
    assert q_ball.overlaps(agreed.q_star) and w_ball.overlaps(agreed.sigma_w)
    assert agreed.q_star.correct_digits >= 30 and q_ball.correct_digits >= 55


def test_sigma_b_zero_refused_in_one_line():
    with pytest.raises(InputError) as err:
        erf_eoc_depths("0", "0.5", [10])
    assert "sigma_b" in str(err.value) and "\n" not in str(err.value)


# --- the certified map against the mpmath reference (property-based) -------------------------

SIGMAS = hs.sampled_from(["0.2", "0.05", "1", "3"])
DELTAS = hs.one_of(
    hs.builds(lambda m, e: Fraction(m, 1000) * Fraction(1, 10**e), hs.integers(1, 999), hs.integers(20, 40)),  # c near 1
    hs.fractions(Fraction(1, 1000), Fraction(2), max_denominator=10**6),
    hs.builds(lambda m, e: 2 - Fraction(m, 1000) * Fraction(1, 10**e), hs.integers(1, 999), hs.integers(3, 30)),  # c near -1
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sigma_b=SIGMAS, delta=DELTAS)
def test_certified_map_contains_reference(sigma_b, delta):
    prec = 180
    point = erf_eoc_point(sigma_b, prec + 32)
    with st.arb_precision(prec):
        d = arb(fmpq(delta.numerator, delta.denominator))
        g, fp, omfp = point.g(d), point.f_prime(d), point.one_minus_f_prime(d)
        with mpmath.workdps(REF_DPS):
            ref_g, ref_fp = _reference_one_minus_f(sigma_b, mpmath.mpf(delta.numerator) / delta.denominator)
            slack = mpmath.mpf(10) ** -90  # the reference's own rounding (1 - f cancels ~40 digits at delta ~ 1e-40)
            assert _contains(g, ref_g, slack), (g, ref_g)
            assert _contains(fp, ref_fp, slack)
            assert _contains(omfp, 1 - ref_fp, slack)
        # cancellation-free: relative width near working precision even at delta = 1e-40 (for c >= 0; near
        # c = -1 the input's own rounding in 2 - delta limits 1 - f' relatively, as it should)
        assert g.rad() < abs(g.mid()) * arb(2) ** (-prec + 12)
        if delta <= 1:
            assert omfp.rad() < abs(omfp.mid()) * arb(2) ** (-prec + 12)


# --- the germ and its Fatou coordinate against the symbolic solver ------------------------------

def test_fatou_coefficients_match_symbolic_depth_laws():
    from asymptotics.depth_laws import fatou_coordinate
    from asymptotics.depth_jump.relu_jump import approx_from_arb
    from asymptotics.series import numeric_value, smooth_taylor

    _, germ, fatou, _ = machinery(Fraction(1, 5), 30)
    symbolic = fatou_coordinate(smooth_taylor("erf", "0.2", order=6, dps=30), 4)
    pairs = [(fatou.A, symbolic.g[0]), (fatou.beta, symbolic.beta)] + list(zip(fatou.phi, symbolic.c))
    for ball, expr in pairs:
        value = numeric_value(expr, symbolic.values, 30)
        mine = approx_from_arb(ball)
        assert value.rad < abs(value.mid) * mpmath.mpf(10) ** -25
        assert abs(mine.mid - value.mid) <= mine.rad + value.rad + abs(value.mid) * mpmath.mpf(10) ** -28, (ball, value)
    # A = f''(1)/2 = 2 q^2/(1 + 4q) (closed form) against the germ's series coefficient
    q_ref, _ = _reference_eoc("0.2")
    with st.arb_precision(working_precision(30)), mpmath.workdps(60):  # (arb rounds -R_1 to the context's precision)
        assert abs(mpmath.mpf(germ.A.mid().str(50, radius=False)) - 2 * q_ref**2 / (1 + 4 * q_ref)) < mpmath.mpf(10) ** -38


def test_germ_taylor_coefficients_against_mpmath_taylor():
    _, germ, _, _ = machinery(Fraction(1, 5), 30)
    q, _ = _reference_eoc("0.2")
    with mpmath.workdps(80):
        k = 2 * q / (1 + 2 * q)
        C = mpmath.sqrt(1 + 4 * q) / (2 * q)
        coeffs = mpmath.taylor(lambda x: C * (mpmath.asin(k) - mpmath.asin(k * (1 - x))), 0, 9)
        for j in range(8):
            assert abs(mpmath.mpf(germ.R[j].mid().str(50, radius=False)) - coeffs[j + 1]) < mpmath.mpf(10) ** -38


# --- iteration and jump -------------------------------------------------------------------------

def _reference_orbit(sigma_b, c_start, depth):
    """1 - c^depth by plain mpmath iteration of f at 90 digits (no delta form: 1 - f(c) directly)."""
    q, w2 = _reference_eoc(sigma_b)
    with mpmath.workdps(90):
        sb = mpmath.mpf(Fraction(sigma_b).numerator) / Fraction(sigma_b).denominator
        c = mpmath.mpf(Fraction(c_start).numerator) / Fraction(c_start).denominator
        k = 2 * q / (1 + 2 * q)
        for _ in range(depth - 1):
            c = (sb * sb + w2 * 2 / mpmath.pi * mpmath.asin(k * c)) / q
        return 1 - c


@pytest.mark.parametrize("c_start", ["0.5", "-1", "0.999"])
def test_iteration_and_jump_contain_plain_mpmath_orbit(c_start):
    depth = 1500
    ref = _reference_orbit("0.2", c_start, depth)
    it = erf_eoc_depths("0.2", c_start, [depth], digits=30, method="iterate").at(depth)
    jp = erf_eoc_depths("0.2", c_start, [depth], digits=30, l0=700, method="jump").at(depth)
    slack = mpmath.mpf(10) ** -75
    for v in (it, jp):
        assert v.one_minus_c.method == CERTIFIED
        assert abs(v.one_minus_c.mid - ref) <= v.one_minus_c.rad + slack
        assert v.one_minus_c.correct_digits >= 30


def test_jump_overlaps_full_iteration_at_1e5_and_is_faster():
    depth = 10**5
    machinery.cache_clear()
    start = time.perf_counter()
    jp = erf_eoc_depths("0.2", "0.5", [depth], digits=30, method="jump")
    t_jump = time.perf_counter() - start
    start = time.perf_counter()
    it = erf_eoc_depths("0.2", "0.5", [depth], digits=30, method="iterate")
    t_iter = time.perf_counter() - start
    a, b = jp.at(depth), it.at(depth)
    for name in ("one_minus_c", "c", "f_prime", "one_minus_f_prime"):
        assert getattr(a, name).overlaps(getattr(b, name)), name
        assert getattr(a, name).correct_digits >= 30, name
        assert getattr(b, name).correct_digits >= 30, name
    assert jp.far_layers == choose_l0("0.2") and it.far_layers == depth and jp.max_degree > 0
    assert t_iter > 3 * t_jump, (t_iter, t_jump)


def test_huge_depths_certified_and_two_l0_agree():
    depths = [10**9, 10**12, 10**100]
    a = erf_eoc_depths("0.2", "0.5", depths, digits=30, l0=700)
    b = erf_eoc_depths("0.2", "0.5", depths, digits=30, l0=1600)
    for d in depths:
        for name in ("one_minus_c", "f_prime", "one_minus_f_prime"):
            x, y = getattr(a.at(d), name), getattr(b.at(d), name)
            assert x.method == CERTIFIED and x.correct_digits >= 30 and y.correct_digits >= 30, (d, name)
            assert x.overlaps(y), (d, name)
    # the leading law 1 - c^L ~ 1/(A L), f'(c^L) ~ 1 - 2/L at L = 1e100
    with mpmath.workdps(40), st.arb_precision(working_precision(30)):
        A = mpmath.mpf(machinery(Fraction(1, 5), 30)[1].A.mid().str(40, radius=False))
        L = mpmath.mpf(10) ** 100
        assert abs(a.at(10**100).one_minus_c.mid * A * L - 1) < mpmath.mpf(10) ** -38  # (the correction, ~ beta log L / L, is ~1e-98)
        assert abs(a.at(10**100).one_minus_f_prime.mid * L / 2 - 1) < mpmath.mpf(10) ** -38


def test_c_start_one_is_the_fixed_point_exactly():
    tr = erf_eoc_depths("0.2", "1", [5, 10**9], digits=30)
    for d in (5, 10**9):
        assert tr.at(d).one_minus_c.mid == 0 and tr.at(d).one_minus_c.rad == 0
        assert tr.at(d).f_prime.mid == 1


def test_working_precision_grows_with_digits():
    tr = erf_eoc_depths("1", "0.3", [10**12], digits=50)
    assert tr.at(10**12).one_minus_c.correct_digits >= 50 and tr.precision_bits == working_precision(50)


@pytest.mark.parametrize("kwargs,argument", [
    ({"sigma_b": "abc"}, "sigma_b"), ({"sigma_b": "-1"}, "sigma_b"), ({"sigma_b": 0}, "sigma_b"),
    ({"c_start": "1.5"}, "c_start"), ({"c_start": "x"}, "c_start"), ({"depths": [0]}, "depths"),
    ({"depths": "1e3.5"}, "depths"), ({"digits": 0}, "digits"), ({"digits": 10**4}, "digits"),
    ({"method": "fast"}, "method"), ({"l0": 1}, "l0"), ({"depths": [10**8], "method": "iterate"}, "depths"),
])
def test_bad_input_one_line_naming_the_argument(kwargs, argument):
    args = {"sigma_b": "0.2", "c_start": "0.5", "depths": [10], "digits": 30}
    args.update(kwargs)
    with pytest.raises(InputError) as err:
        erf_eoc_depths(**args)
    assert err.value.argument == argument and "\n" not in str(err.value)


# --- the NTK along the orbit --------------------------------------------------------------------

def _reference_ntk(sigma_b, c_start, depth):
    """K^depth = Theta_xy / q* by plain mpmath: K^1 = c^1, K^{l+1} = f'(c^l) K^l + c^{l+1} (90 digits)."""
    q, w2 = _reference_eoc(sigma_b)
    with mpmath.workdps(90):
        sb = mpmath.mpf(Fraction(sigma_b).numerator) / Fraction(sigma_b).denominator
        c = mpmath.mpf(Fraction(c_start).numerator) / Fraction(c_start).denominator
        k = 2 * q / (1 + 2 * q)
        K = c
        for _ in range(depth - 1):
            slope = w2 * 4 / mpmath.pi / mpmath.sqrt((1 + 2 * q) ** 2 - 4 * q * q * c * c)
            c = (sb * sb + w2 * 2 / mpmath.pi * mpmath.asin(k * c)) / q
            K = slope * K + c
        return K


@pytest.mark.parametrize("c_start", ["0.5", "-0.9"])
def test_ntk_iteration_and_jump_contain_plain_mpmath_recursion(c_start):
    from asymptotics.depth_jump.erf_eoc import erf_eoc_ntk

    depth = 1500
    ref = _reference_ntk("0.2", c_start, depth)
    it = erf_eoc_ntk("0.2", c_start, [depth], method="iterate")["values"][depth]
    jp = erf_eoc_ntk("0.2", c_start, [depth], l0=700, method="jump")["values"][depth]
    for v in (it, jp):
        assert abs(v["ntk_over_q"].mid - ref) <= v["ntk_over_q"].rad + mpmath.mpf(10) ** -70
        assert v["ntk_normalized"].method == CERTIFIED and v["ntk_minus_limit"].correct_digits >= 30


def test_ntk_jump_overlaps_iteration_at_1e4_and_two_l0_agree_at_huge_depths():
    from asymptotics.depth_jump.erf_eoc import erf_eoc_ntk

    it = erf_eoc_ntk("0.2", "0.5", [10**4], method="iterate")["values"][10**4]
    jp = erf_eoc_ntk("0.2", "0.5", [10**4], method="jump")["values"][10**4]
    for name in ("ntk_over_q", "ntk_normalized", "ntk_minus_limit"):
        assert it[name].overlaps(jp[name]) and jp[name].correct_digits >= 30, name
    depths = [10**12, 10**100]
    a = erf_eoc_ntk("0.2", "0.5", depths, l0=700)["values"]
    b = erf_eoc_ntk("0.2", "0.5", depths, l0=1600)["values"]
    for d in depths:
        assert a[d]["ntk_minus_limit"].overlaps(b[d]["ntk_minus_limit"])
        assert a[d]["ntk_minus_limit"].correct_digits >= 30 and a[d]["ntk_normalized"].correct_digits >= 30


def test_ntk_rate_matches_the_derived_constant():
    """N_L - 1/3 = B log(L)/L + D/L + O(log L / L^2): B from the certified values at 1e50 and 1e100 against
    B = 1/3 - 2 f'''(1)/(9 f''(1)^2) derived symbolically (asymptotics.depth_laws.ntk_depth_law)."""
    from asymptotics.depth_jump.erf_eoc import erf_eoc_ntk
    from asymptotics.depth_laws import ntk_depth_law, smooth_eoc_depth_law

    values = erf_eoc_ntk("0.2", "0.5", [10**50, 10**100])["values"]
    derived = ntk_depth_law(smooth_eoc_depth_law("erf", "0.2", terms=3, dps=30), 1, 1).rate_constant_value(30)
    with mpmath.workdps(60):
        e50 = values[10**50]["ntk_minus_limit"].mid * mpmath.mpf(10) ** 50
        e100 = values[10**100]["ntk_minus_limit"].mid * mpmath.mpf(10) ** 100
        B = (e100 - e50) / (50 * mpmath.log(10))
        assert abs(B - derived.mid) < derived.rad + abs(B) * mpmath.mpf(10) ** -28, (B, derived)


def test_ntk_bad_input_one_line():
    from asymptotics.depth_jump.erf_eoc import erf_eoc_ntk

    with pytest.raises(InputError) as err:
        erf_eoc_ntk("0.2", "2", [10])
    assert err.value.argument == "c_start" and "\n" not in str(err.value)


@pytest.mark.parametrize("sigma_b", ["0.01", "5", "100"])
def test_jump_contains_plain_mpmath_orbit_for_other_sigma_b(sigma_b):
    l0 = choose_l0(sigma_b)
    depth = l0 + 700
    ref = _reference_orbit(sigma_b, "0.3", depth)
    jp = erf_eoc_depths(sigma_b, "0.3", [depth, 10**12], digits=30, method="jump")
    v = jp.at(depth).one_minus_c
    assert abs(v.mid - ref) <= v.rad + mpmath.mpf(10) ** -75 and v.correct_digits >= 30
    assert jp.at(10**12).one_minus_c.correct_digits >= 30


def test_jump_from_too_shallow_l0_refuses_in_one_line_and_auto_iterates_short_runs():
    from asymptotics.validation import ComputationError

    with pytest.raises(ComputationError) as err:
        erf_eoc_depths("0.2", "0.5", [10**9], l0=3)
    assert "\n" not in str(err.value)
    short = erf_eoc_depths("0.2", "0.5", [50, 300])
    assert short.max_degree == 0 and short.far_layers == 300 and "jump" not in short.accuracy
