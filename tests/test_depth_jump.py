"""The depth jump (asymptotics.depth_jump) against full iteration, the symbolic Fatou coordinate,
direct evaluation of the maps, and the derived depth law of the normalised NTK."""
from __future__ import annotations

import subprocess
import sys

import mpmath
import pytest
from flint import arb

from asymptotics.activations import abrelu
from asymptotics.depth_jump import AUTO_JUMP_ABOVE, jump_kernel
from asymptotics.depth_jump import series_tools as st
from asymptotics.depth_jump.relu_germ import ReluGerm
from asymptotics.depth_jump.relu_jump import machinery_for, working_precision
from asymptotics.recursion import LayerValues, Network, kernel_at_depths
from asymptotics.validation import InputError


def _overlap_all(a: LayerValues, b: LayerValues):
    for name in LayerValues.FIELDS:
        x, y = getattr(a, name), getattr(b, name)
        if x is None or y is None:
            assert x is None and y is None, name
            continue
        assert x.overlaps(y), (name, x, y)


CASES = [
    (Network("relu", sigma_w2=2), "0.5"),
    (Network("relu"), "0"),
    (Network("relu", sigma_w2=3), "-0.9"),
    (Network("leaky_relu", sigma_w2=2), "0.3"),
    (Network(abrelu(-0.5, 1)), "0.99"),
    (Network(abrelu(-1, 1)), "-0.5"),
]


@pytest.mark.parametrize("network,rho", CASES)
def test_jump_ball_overlaps_full_iteration_at_depth_1e4(network, rho):
    depth = 10**4
    it = kernel_at_depths(network, rho, [depth], backend="arb", digits=30, method="iterate")
    jp = jump_kernel(network, rho, [depth], digits=30, l0=300)
    assert jp.method == "jump" and jp.depth_methods[depth].startswith("jump(L0=300")
    _overlap_all(jp.at(depth), it.at(depth))
    for name in ("one_minus_rho", "ntk_normalized", "theta_xy", "sigma_dot"):
        assert getattr(jp.at(depth), name).correct_digits >= 30, name


@pytest.mark.slow
@pytest.mark.parametrize("network,rho", CASES[:3])
def test_jump_ball_overlaps_full_iteration_at_depth_1e5(network, rho):
    depth = 10**5
    it = kernel_at_depths(network, rho, [depth], backend="arb", digits=40, method="iterate")
    jp = jump_kernel(network, rho, [depth], digits=40)
    _overlap_all(jp.at(depth), it.at(depth))


@pytest.mark.parametrize("depth", [10**12, 10**100])
def test_two_starting_depths_agree_within_their_balls(depth):
    net = Network("relu", sigma_w2=2)
    a = jump_kernel(net, "0.25", [depth], digits=50, l0=500)
    b = jump_kernel(net, "0.25", [depth], digits=50, l0=2000)
    _overlap_all(a.at(depth), b.at(depth))
    assert a.at(depth).one_minus_rho.correct_digits >= 50
    ea, eb = a.extras[depth]["ntk_minus_limit"], b.extras[depth]["ntk_minus_limit"]
    assert ea.overlaps(eb) and ea.correct_digits >= 45


def test_fatou_coefficients_match_the_symbolic_fatou_coordinate():
    from asymptotics.depth_laws import fatou_coordinate
    from asymptotics.series import numeric_value, relu_family_puiseux

    symbolic = fatou_coordinate(relu_family_puiseux(10, 0, 1), 8)
    _, fatou, _ = machinery_for("relu", 30)
    assert abs(fatou.beta - 1.5) < 1e-25  # the symbolic beta is 3/2
    assert sympy_equal(symbolic.beta, 1.5)
    with mpmath.workdps(40):
        for k, ck in enumerate(symbolic.c):
            ref = numeric_value(ck, symbolic.values, 35).mid
            got = mpmath.mpf(fatou.phi[k].mid().str(35, radius=False))
            assert abs(got - ref) <= 1e-25 * abs(ref), (k + 1, got, ref)
        g1 = numeric_value(symbolic.g[0], symbolic.values, 35).mid
        assert abs(mpmath.mpf(fatou.A.mid().str(35, radius=False)) - g1) < 1e-28


def sympy_equal(expr, value):
    return abs(float(expr) - value) < 1e-14


@pytest.mark.parametrize("activation", ["relu", abrelu(-0.5, 1)])
def test_abel_defect_bound_holds_at_points(activation):
    """|Phi_K(F(s)) - Phi_K(s) - 1|, F evaluated by the direct formula, is within the certified bound."""
    _, fatou, _ = machinery_for(activation, 40)
    with st.arb_precision(working_precision(40) + 100):
        germ = ReluGerm(activation, 4)  # its constants at the higher precision (F's ball must be narrow)
        for s in ("0.05", "0.03", "0.02"):
            s = arb(s)
            F = germ.map_real(s)
            # Phi_K(F) - Phi_K(s) - 1 grouped so that the ball of 1/A is not counted twice
            direct = (fatou.inv_A * (s - F) / (s * F) + fatou.beta * (F / s).log() - 1
                      + sum(p * (F ** k - s ** k) for k, p in enumerate(fatou.phi, 1)))
            bound = st.series_bound_on(fatou.defect, s, fatou.circle_E, fatou.radius)
            assert abs(direct).lower() <= bound.upper(), (s, direct, bound)  # the true value can lie within
            if not direct.contains(0):  # resolved: the bound is not absurdly loose either
                assert abs(direct).lower() >= bound.lower() * 1e-9, (s, direct, bound)


def test_ntk_particular_solution_defect_bound_holds_at_points():
    """Psi(F(s)) - m(s) Psi(s) - b(s) from the direct maps vs |P1(s)| + |c| s^3 |X(s)| log(1/s)."""
    _, fatou, ntk = machinery_for("relu", 40)
    with st.arb_precision(working_precision(40) + 100):
        germ = ReluGerm("relu", 4)
        for s in ("0.05", "0.03", "0.02"):
            s = arb(s)
            F = germ.map_real(s)
            m = 1 - germ.kappa * (s * germ.inv_sqrt2).asin()
            u = ntk.u[-1]  # its 1/s terms grouped, as above
            direct = (u * (1 / F - m / s) + ntk.regular(F) - m * ntk.regular(s) - (1 - F * F))
            p1 = st.series_bound_on(ntk.P1, s, ntk.circle_P1, ntk.radius)
            x = st.series_bound_on(ntk.X, s, ntk.circle_X, ntk.radius)
            bound = p1 + abs(ntk.c) * s**3 * x * (-s.log())
            assert abs(direct).lower() <= bound.upper(), (s, direct, bound)  # the true value can lie within
            if not direct.contains(0):  # resolved: the bound is not absurdly loose either
                assert abs(direct).lower() >= bound.lower() * 1e-9, (s, direct, bound)


def test_orbit_stays_below_its_majorant():
    net = Network("relu")
    traj = kernel_at_depths(net, "0", list(range(400, 1401, 100)), backend="arb", digits=20, method="iterate")
    _, fatou, _ = machinery_for("relu", 20)
    with st.arb_precision(working_precision(20)):
        s0 = st.upper(st.arb_from_approx(traj.at(400).one_minus_rho).sqrt())
        a_lower, c0 = fatou.orbit_majorant(s0)
        assert a_lower < fatou.A
        for depth in range(500, 1401, 100):
            s = st.arb_from_approx(traj.at(depth).one_minus_rho).sqrt()
            assert s.upper() <= (1 / (a_lower * (c0 + depth - 400))).lower()


def test_normalised_ntk_follows_the_derived_depth_law_at_huge_depth():
    """L (N_L - 1/4) - (3/8) log L -> ell_0/4 - 1/8, with ell_0 from the symbolic Fatou coordinate."""
    from asymptotics.depth_laws import normalized_ntk_depth_law

    law = normalized_ntk_depth_law(1)
    rate = law.rate_constant
    assert rate == mpmath.mpf(3) / 8 or float(rate) == 0.375
    net = Network("relu", sigma_w2=2)
    for depth in (10**12, 10**40):
        traj = jump_kernel(net, "0.5", [depth], digits=40)
        excess = traj.extras[depth]["ntk_minus_limit"]
        delta = traj.at(depth).one_minus_rho.mid
        with mpmath.workdps(60):
            ell0 = law.law.fatou.depth_shift(delta, depth, dps=50)
            lhs = depth * excess.mid - mpmath.mpf(float(rate)) * mpmath.log(depth)
            rhs = ell0 / 4 - mpmath.mpf(1) / 8
            # next order is O(log(L)^2 / L)
            assert abs(lhs - rhs) < 1e-8, (depth, lhs, rhs)


def test_auto_picks_the_jump_only_where_covered_and_says_so():
    net = Network("relu")
    big = kernel_at_depths(net, "0.5", [10**6], backend="arb", digits=20)
    assert big.method == "jump"
    small = kernel_at_depths(net, "0.5", [100], backend="arb", digits=20)
    assert small.method == "iterate" and "iterated" in small.method_note
    biased = kernel_at_depths(Network("relu", sigma_b=0.1), "0.5", [AUTO_JUMP_ABOVE + 1], backend="float64")
    assert biased.method == "iterate" and "bias" in biased.method_note or "arb" in biased.method_note
    mixed = jump_kernel(net, "0.5", [10, 10**9], digits=20)
    assert mixed.depth_methods[10] == "iterate" and mixed.depth_methods[10**9].startswith("jump")


def test_exact_rho_one_stays_put():
    traj = jump_kernel(Network("relu"), 1, [10**30], digits=20)
    v = traj.at(10**30)
    assert v.one_minus_rho.mid == 0 and v.one_minus_rho.rad == 0
    assert v.ntk_normalized.contains(1)


def test_bad_input_refuses_in_one_line():
    net = Network("relu")
    with pytest.raises(InputError, match="method"):
        kernel_at_depths(net, "0.5", [10], method="fast")
    with pytest.raises(InputError, match="method"):
        # chi_1 = 1 with biases (the chaotic phase with biases has its jump: tests/test_relu_chaotic_jump.py)
        kernel_at_depths(Network("relu", sigma_w2=2, sigma_b=0.1), "0.5", [10**6], backend="arb", method="jump")
    with pytest.raises(InputError, match="method"):
        kernel_at_depths(Network("linear"), "0.5", [10**6], backend="arb", method="jump")
    with pytest.raises(InputError, match="backend"):
        kernel_at_depths(net, "0.5", [10**6], backend="quad", method="auto")
    with pytest.raises(InputError, match="depths"):
        kernel_at_depths(net, "0.5", ["1e-3"], backend="arb")
    with pytest.raises(InputError, match="l0"):
        jump_kernel(net, "0.5", [10**6], l0=1)
    for argv in (["--method", "fast"], ["--depth", "2.5"], ["--rho", "2"]):
        cmd = [sys.executable, "-m", "proofs_checks.cli", "kernel", "--rho", "0.5", "--depth", "1e100"] + argv
        out = subprocess.run(cmd, capture_output=True, text=True)
        assert out.returncode == 2, (argv, out.stderr)
        assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr


def test_cli_reports_the_jump_at_depth_1e100():
    cmd = [sys.executable, "-m", "proofs_checks.cli", "kernel", "--rho", "0.5", "--depth", "1e100", "--json",
           "--digits", "30"]
    out = subprocess.run(cmd, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    import json

    (payload,) = json.loads(out.stdout)  # kernel --json is a list, one entry per --rho
    assert payload["method"] == "jump"
    assert payload["layers"][0]["depth"] == 10**100
    assert payload["layers"][0]["one_minus_rho"]["method"] == "certified"


# ---------------------------------------------------------------------------------------------
# float64 Gram matrices


def _points(n, d=6, seed=3):
    import numpy as np

    return np.random.default_rng(seed).standard_normal((n, d))


def test_float64_gram_jump_agrees_with_iteration():
    import numpy as np

    from asymptotics.recursion import gram_at_depths

    net = Network("relu", sigma_w2=2)
    X = _points(40)
    depths = [50, 3000]
    a = gram_at_depths(net, X, depths, method="jump")
    b = gram_at_depths(net, X, depths, method="iterate")
    assert a.method == "jump" and a.depth_methods[50] == "iterate" and "jump" in a.depth_methods[3000]
    for f in ("one_minus_rho", "one_minus_ntk_normalized", "theta", "rho", "ntk_normalized"):
        x, y = a[3000][f], b[3000][f]
        assert np.allclose(x, y, rtol=1e-13, atol=0), f
    assert np.array_equal(a[50]["one_minus_rho"], b[50]["one_minus_rho"])


def test_float64_gram_jump_against_the_certified_jump_at_depth_1e9():
    from fractions import Fraction

    import numpy as np

    from asymptotics.recursion import gram_at_depths

    net = Network("leaky_relu")
    X = _points(5)
    depth = 10**9
    g = gram_at_depths(net, X, [1, depth], method="jump")
    for i, j in ((0, 1), (2, 4)):
        rho = 1 - Fraction(float(g[1]["one_minus_rho"][i, j]))
        cert = jump_kernel(net, rho, [depth], digits=25).at(depth)
        assert abs(g[depth]["one_minus_rho"][i, j] / float(cert.one_minus_rho.mid) - 1) < 1e-13
        assert abs(g[depth]["one_minus_ntk_normalized"][i, j] / float(cert.one_minus_ntk_normalized.mid) - 1) < 1e-13
    assert np.all(np.diag(g[depth]["one_minus_rho"]) == 0)


def test_float64_gram_rectangular_and_auto():
    import numpy as np

    from asymptotics.recursion import gram_at_depths

    net = Network("relu")
    X, Y = _points(7), _points(4, seed=9)
    a = gram_at_depths(net, X, [10**6], Y=Y)
    assert a.method == "jump" and a[10**6]["one_minus_rho"].shape == (4, 7)
    assert a[10**6]["sigma"] is None  # sigma_w = 1: c^(L-1) = 2^-(L-1) leaves float64, no confident 0
    small = gram_at_depths(net, X, [100], Y=Y)
    assert small.method == "iterate"
    assert np.all(np.isfinite(a[10**6]["one_minus_ntk_normalized"]))


@pytest.mark.slow
def test_tanh_eoc_jump_overlaps_iteration_and_reaches_1e9():
    """tanh on the EOC (sigma_b = 0.2) from c = 0.5: the jump from L0 = 600 against the iteration to 1500."""
    from asymptotics.depth_jump.smooth_fatou import tanh_eoc_jump
    from asymptotics.smooth_depth import eoc_correlation_depths

    it = eoc_correlation_depths("tanh", 0.2, 0.5, [1500], digits=35).at(1500)
    vals, info = tanh_eoc_jump("0.2", "0.5", [1500, 10**9], digits=30, l0=600)
    assert vals[1500].one_minus_c.overlaps(it.one_minus_c) and vals[1500].f_prime.overlaps(it.f_prime)
    assert vals[10**9].one_minus_c.correct_digits >= 30
    assert vals[10**9].one_minus_c.method == "agreement"


def test_float64_and_mpmath_backends_jump_too():
    net = Network("leaky_relu", sigma_w2=2)  # sigma_w^2 K1 = 1.0001: Theta ~ 1.0001^L leaves float64
    depth = 10**12
    cert = kernel_at_depths(net, "0.3", [depth], backend="arb", digits=25, method="jump").at(depth)
    f64 = kernel_at_depths(net, "0.3", [depth], backend="float64", method="jump")
    assert f64.method == "jump" and "estimate" in f64.method_note
    assert f64.at(depth).theta_xy is None and cert.theta_xy is not None  # no confident inf in float64
    for name in ("one_minus_rho", "ntk_normalized", "one_minus_ntk_normalized", "sigma_dot"):
        got, ref = getattr(f64.at(depth), name), getattr(cert, name)
        assert got.method == "estimate" and got.overlaps(ref), name
        assert abs(got.mid / ref.mid - 1) < 1e-14, name
    mp = kernel_at_depths(net, "0.3", [depth], backend="mpmath", digits=25)
    assert mp.method == "jump" and "arb" in mp.method_note
    assert mp.at(depth).one_minus_rho.method == "certified" and mp.at(depth).one_minus_rho.overlaps(cert.one_minus_rho)


def test_jump_overlaps_iteration_for_random_slopes_and_correlations():
    """Property: for any abrelu(a, 1), rho and depth, the jump's ball meets the iterated ball (hypothesis)."""
    from fractions import Fraction

    from hypothesis import given, settings
    from hypothesis import strategies as hs

    @settings(max_examples=6, deadline=None, derandomize=True)
    @given(a=hs.fractions(min_value=-1, max_value=Fraction(1, 2), max_denominator=8),
           rho=hs.fractions(min_value=-1, max_value=Fraction(49, 50), max_denominator=50),
           depth=hs.integers(min_value=1200, max_value=4000))
    def check(a, rho, depth):
        net = Network(abrelu(a, 1))
        it = kernel_at_depths(net, rho, [depth], backend="arb", digits=20, method="iterate")
        jp = jump_kernel(net, rho, [depth], digits=20, l0=1000 if a < Fraction(1, 4) else None)
        if jp.depth_methods[depth] == "iterate":
            return
        _overlap_all(jp.at(depth), it.at(depth))
        assert jp.at(depth).one_minus_rho.correct_digits >= 20

    check()


def test_jump_from_next_to_the_fixed_point():
    """rho = 1 - 1e-80: the orbit barely moves, so adding L - L0 to Phi ~ 1/(A s) needs log2(1/s) more bits.
    It was refused ("could not verify a bracket"); now every field overlaps full iteration at depth 3e4
    (iterated with 100 digits) and depth 1e12 keeps >= 20 digits of 1 - rho and 1 - N."""
    from asymptotics.recursion import Network, kernel_at_depths

    net = Network("relu", sigma_w2=2)
    rho = "0." + "9" * 80
    full = kernel_at_depths(net, rho, [30000], backend="arb", digits=100, method="iterate").at(30000)
    jumped = kernel_at_depths(net, rho, [30000, 10**12], backend="arb", digits=20, method="jump")
    for name in ("one_minus_rho", "one_minus_ntk_normalized", "theta_xy", "sigma_dot"):
        assert getattr(jumped.at(30000), name).overlaps(getattr(full, name)), name
    deep = jumped.at(10**12)
    assert deep.one_minus_rho.correct_digits >= 20 and deep.one_minus_ntk_normalized.correct_digits >= 20
