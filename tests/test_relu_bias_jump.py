"""The ordered-phase jump with biases (asymptotics.depth_jump.relu_bias_jump) against full certified
iteration and against an independent reference written here from the textbook arc-cosine formulas."""
from __future__ import annotations

import subprocess
import sys
from fractions import Fraction

import mpmath
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as hs

from asymptotics.activations import abrelu
from asymptotics.depth_jump import jump_kernel
from asymptotics.depth_jump.relu_bias_jump import MAX_ORDERED_L0, estimate_l0, family_constants
from asymptotics.recursion import Network, kernel_at_depths
from asymptotics.validation import ComputationError, InputError

ORDERED = Network("relu", sigma_w2="1.5", sigma_b2="0.1")
NRANDOM = 5


def _all_overlap(a, b):
    bad = [f for f in a.FIELDS if getattr(a, f) is not None and not getattr(a, f).overlaps(getattr(b, f))]
    assert not bad, bad


def _relative_width(x):
    return 2 * x.rad / abs(x.mid)


@pytest.mark.parametrize("rho", ["0", "0.5"])
def test_jump_overlaps_full_iteration_at_depth_1e4_and_is_tiny(rho):
    jump = kernel_at_depths(ORDERED, rho, [10**4], backend="arb", digits=50, method="jump")
    full = kernel_at_depths(ORDERED, rho, [10**4], backend="arb", digits=50, method="iterate")
    assert jump.method == "jump" and jump.depth_methods[10**4].startswith("ordered jump")
    a, b = jump.at(10**4), full.at(10**4)
    _all_overlap(a, b)
    assert _relative_width(a.one_minus_rho) < 1e-50
    assert _relative_width(a.one_minus_ntk_normalized) < 1e-50
    assert a.one_minus_rho.mid < mpmath.mpf("1e-1000")  # it did decay geometrically (c^L, c = 3/4)


@pytest.mark.parametrize("rho", ["0", "0.5"])
def test_depth_1e12_and_1e100_certified_and_two_l0_agree(rho):
    first = kernel_at_depths(ORDERED, rho, ["1e12", "1e100"], backend="arb", digits=50)
    l0 = int(first.depth_methods[10**12].split("L0=")[1].rstrip(")"))
    second = jump_kernel(ORDERED, rho, ["1e12", "1e100"], digits=50, l0=l0 + 400)
    assert second.depth_methods[10**100] == f"ordered jump(L0={l0 + 400})"
    for depth in (10**12, 10**100):
        a, b = first.at(depth), second.at(depth)
        _all_overlap(a, b)
        for f in ("one_minus_rho", "one_minus_ntk_normalized", "theta_xy", "sigma_dot", "sigma_xy"):
            assert _relative_width(getattr(a, f)) < 1e-50, f
        # the closed forms: 1 - rho decays like c^L, 1 - N like c^(L/2)
        assert mpmath.log10(a.one_minus_rho.mid) / depth == pytest.approx(mpmath.log10(0.75), rel=1e-6)
        assert mpmath.log10(a.one_minus_ntk_normalized.mid) / depth == pytest.approx(mpmath.log10(0.75) / 2, rel=1e-6)


@pytest.mark.parametrize("network,q_y", [
    (ORDERED, "2"), (Network("leaky_relu", sigma_w2="1.2", sigma_b2="0.3"), "1"),
    (Network("leaky_relu", sigma_w2="1.2", sigma_b2="0.3"), "0.25"),
    (Network(abrelu(Fraction(-1, 2), 1), sigma_w2="0.9", sigma_b2="0.05"), "3"),
])
def test_unequal_variances_and_leaky_relu_overlap_iteration(network, q_y):
    depth = 3000
    jump = jump_kernel(network, "-0.3", [depth], digits=30, q_x=1, q_y=q_y)
    full = kernel_at_depths(network, "-0.3", [depth], backend="arb", digits=30, q_x=1, q_y=q_y, method="iterate")
    assert jump.depth_methods[depth].startswith("ordered jump")
    a, b = jump.at(depth), full.at(depth)
    _all_overlap(a, b)
    assert _relative_width(a.one_minus_rho) < 1e-30
    # with q_x != q_y the engine carries 1 - N only absolutely; the jump keeps it relative
    assert _relative_width(a.one_minus_ntk_normalized) < 1e-30


# ---------------------------------------------------------------------------------------------
# independent reference: the textbook recursion in rho itself, high precision mpmath


def _reference(slopes, sw2, sb2, rho, q_x, q_y, depth, dps):
    """Sigma, Sigma-dot, Theta by the arc-cosine formulas (Cho & Saul's degree-1 kernel for
    relu; phi = a x + (b - a) relu(x) gives k(rho) = a b rho + (b - a)^2 J(rho))."""
    def exact(x):
        x = Fraction(x)
        return mpmath.mpf(x.numerator) / x.denominator

    with mpmath.workdps(dps):
        a, b = exact(slopes[0]), exact(slopes[1])
        sw2, sb2, qx, qy, r = exact(sw2), exact(sb2), exact(q_x), exact(q_y), exact(rho)
        sxy = mpmath.sqrt(qx * qy) * r
        txx, tyy, txy = qx, qy, sxy
        sdot = None
        for _ in range(depth - 1):
            rho_l = sxy / mpmath.sqrt(qx * qy)
            theta = mpmath.acos(rho_l)
            J = (mpmath.sin(theta) + (mpmath.pi - theta) * mpmath.cos(theta)) / (2 * mpmath.pi)
            k = a * b * rho_l + (b - a) ** 2 * J
            kp = a * b + (b - a) ** 2 * (mpmath.pi - theta) / (2 * mpmath.pi)
            K1 = (a * a + b * b) / 2
            nqx, nqy = sb2 + sw2 * K1 * qx, sb2 + sw2 * K1 * qy
            sxy = sb2 + sw2 * mpmath.sqrt(qx * qy) * k
            sdot = sw2 * kp
            txx, tyy, txy = sw2 * K1 * txx + nqx, sw2 * K1 * tyy + nqy, sdot * txy + sxy
            qx, qy = nqx, nqy
        rho_L = sxy / mpmath.sqrt(qx * qy)
        return {"one_minus_rho": 1 - rho_L, "sigma_xy": sxy, "sigma_xx": qx, "sigma_dot": sdot, "theta_xy": txy,
                "theta_xx": txx, "one_minus_ntk_normalized": 1 - txy / mpmath.sqrt(txx * tyy)}


REGIMES = [  # (network, rho, q_y): near rho = +-1, tiny and large sigma_b, chi_1 near 1
    (Network("relu", sigma_w2="1.5", sigma_b2="0.1"), "0.999999999999", "1"),
    (Network("relu", sigma_w2="1.5", sigma_b2="0.1"), "-0.9999999999", "1.5"),
    (Network("relu", sigma_w2="1", sigma_b2="1e-8"), "0.2", "1"),
    (Network("relu", sigma_w2="1", sigma_b2="1e-40"), "0.2", "1"),  # q* = 2e-40: q_L must reach it first
    (Network("relu", sigma_w2="1", sigma_b2="100"), "0.2", "0.5"),
    (Network("leaky_relu", sigma_w2="1.9", sigma_b2="0.2"), "0.5", "1"),
    (Network("relu", sigma_w2="1.96", sigma_b2="0.1"), "0.5", "1"),  # chi_1 = 0.98: L0 grows
]


@pytest.mark.parametrize("regime", REGIMES, ids=lambda r: f"{r[0].describe()}|rho={r[1]}|q_y={r[2]}")
@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                HealthCheck.function_scoped_fixture])
@given(extra=hs.integers(min_value=1, max_value=400))
def test_jump_contains_the_textbook_reference(regime, extra):
    """Property: past L0 every field's ball contains the textbook value and is 10^-digits tight."""
    network, rho, q_y = regime
    digits = 15
    probe = jump_kernel(network, rho, [10**6], digits=digits, q_y=q_y)  # learn the L0 the jump chooses
    l0 = int(probe.depth_methods[10**6].split("L0=")[1].rstrip(")"))
    depth = l0 + 1 + extra
    traj = jump_kernel(network, rho, [depth], digits=digits, q_y=q_y, l0=l0)
    assert traj.depth_methods[depth] == f"ordered jump(L0={l0})"
    v = traj.at(depth)
    c = family_constants(network)[4]
    dps = int(depth * -mpmath.log10(float(c))) + 80  # 1 - rho ~ c^L must survive the cancellation in rho
    from asymptotics.relu_family import constants_for

    phi = constants_for(network.activation)
    ref = _reference((phi.a, phi.b), network.weight_variance, network.bias_variance, Fraction(rho), 1,
                     Fraction(q_y), depth, dps)
    for name, truth in ref.items():
        got = getattr(v, name)
        with mpmath.workdps(dps):
            assert abs(got.mid - truth) <= got.rad * (1 + mpmath.mpf(10) ** -10), (name, got, truth)
        assert got.rad <= abs(truth) * mpmath.mpf(10) ** (-digits), name


@settings(max_examples=NRANDOM, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sw2=hs.fractions(min_value=Fraction(1, 10), max_value=Fraction(19, 10), max_denominator=20),
       sb2=hs.fractions(min_value=Fraction(1, 1000), max_value=10, max_denominator=1000),
       rho=hs.fractions(min_value=-1, max_value=1, max_denominator=1000),
       q_y=hs.fractions(min_value=Fraction(1, 10), max_value=10, max_denominator=10),
       alpha=hs.sampled_from([0, Fraction(1, 100), Fraction(-1, 2)]))
def test_random_ordered_networks_contain_the_textbook_reference(sw2, sb2, rho, q_y, alpha):
    assume(sw2 * (alpha * alpha + 1) / 2 < Fraction(99, 100))  # the ordered phase, chi_1 <= 0.99
    network = Network(abrelu(alpha, 1), sigma_w2=sw2, sigma_b2=sb2)
    digits = 12
    probe = jump_kernel(network, rho, [10**6], digits=digits, q_y=q_y)
    l0 = int(probe.depth_methods[10**6].split("L0=")[1].rstrip(")"))
    depth = l0 + 7
    v = jump_kernel(network, rho, [depth], digits=digits, q_y=q_y, l0=l0).at(depth)
    dps = int(depth * -mpmath.log10(float(family_constants(network)[4]))) + 80
    ref = _reference((alpha, 1), sw2, sb2, rho, 1, q_y, depth, dps)
    for name, truth in ref.items():
        got = getattr(v, name)
        with mpmath.workdps(dps):
            assert abs(got.mid - truth) <= got.rad * (1 + mpmath.mpf(10) ** -10), (name, got, truth)


def test_a_too_small_l0_is_raised_until_the_remainder_is_below_the_precision():
    traj = jump_kernel(ORDERED, "0.5", [10**6], digits=50, l0=100)
    used = int(traj.depth_methods[10**6].split("L0=")[1].rstrip(")"))
    assert used > 100
    assert _relative_width(traj.at(10**6).one_minus_rho) < 1e-50


def test_chi_near_one_needs_too_many_layers_and_says_so():
    network = Network("relu", sigma_w2="1.9998", sigma_b2="0.1")  # chi_1 = 0.9999
    assert estimate_l0(network, 50) > MAX_ORDERED_L0
    with pytest.raises(ComputationError, match="so close to 1"):
        jump_kernel(network, "0.5", ["1e12"], digits=50)
    with pytest.raises(InputError, match="depth"):  # auto: the jump fails, iterating 1e12 layers is refused
        kernel_at_depths(network, "0.5", ["1e12"], backend="arb", digits=50)


def test_edge_of_chaos_with_biases_iterates_and_says_why():
    # (the chaotic phase with biases has its jump: tests/test_relu_chaotic_jump.py)
    network = Network("relu", sigma_w2="2", sigma_b2="0.1")
    traj = kernel_at_depths(network, "0.5", [100], backend="float64")  # the reason comes first in the note
    assert traj.method == "iterate" and "1/l only" in traj.method_note
    with pytest.raises(InputError, match="method"):
        kernel_at_depths(network, "0.5", ["1e12"], backend="arb", method="jump")


def test_exact_fixed_point_and_backends():
    traj = jump_kernel(ORDERED, "1", ["1e30"], digits=20)
    v = traj.at(10**30)
    assert v.one_minus_rho.mid == 0 and v.one_minus_rho.rad == 0 and v.one_minus_ntk_normalized.mid == 0
    with mpmath.workdps(60):  # q* = sigma_b^2 / (1 - chi_1) = 0.1/0.25
        assert abs(v.sigma_xx.mid - mpmath.mpf(2) / 5) <= v.sigma_xx.rad
    # rho = 1 but q_x != q_y: delta is created by the unequal variances, then decays
    u = jump_kernel(ORDERED, "1", [2000], digits=20, q_y="3").at(2000)
    w = kernel_at_depths(ORDERED, "1", [2000], backend="arb", digits=20, q_y="3", method="iterate").at(2000)
    _all_overlap(u, w)
    for backend in ("mpmath", "float64"):
        traj = kernel_at_depths(ORDERED, "0.5", ["1e12"], backend=backend, digits=20)
        assert traj.method == "jump" and "certified" in traj.method_note


def test_bad_input_refuses_in_one_line():
    with pytest.raises(InputError, match="l0"):
        jump_kernel(ORDERED, "0.5", [10**6], l0=1)
    with pytest.raises(InputError, match="rho"):
        kernel_at_depths(ORDERED, "1.5", ["1e12"], backend="arb", method="jump")
    with pytest.raises(InputError, match="digits"):
        kernel_at_depths(ORDERED, "0.5", ["1e12"], backend="arb", digits=0, method="jump")
    base = [sys.executable, "-m", "proofs_checks.cli", "kernel", "--sigma-w2", "1.5", "--sigma-b2", "0.1",
            "--depth", "1e100", "--method", "jump"]
    for argv in (["--rho", "2"], ["--rho", "0.5", "--q-y", "-1"], ["--rho", "0.5", "--digits", "x"]):
        out = subprocess.run(base + argv, capture_output=True, text=True)
        assert out.returncode == 2, (argv, out.stderr)
        assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr
    out = subprocess.run(base + ["--rho", "0.5", "--digits", "30", "--json"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    import json

    (payload,) = json.loads(out.stdout)
    assert payload["method"] == "jump" and payload["layers"][0]["one_minus_rho"]["method"] == "certified"


# ---------------------------------------------------------------------------------------------
# float64 Gram matrices (estimates)


def test_float64_gram_ordered_jump_agrees_with_iteration_and_the_certified_jump():
    import numpy as np

    from asymptotics.recursion import gram_at_depths
    from asymptotics.recursion.iterate import one_minus_rho_from_inputs

    X = np.random.default_rng(5).standard_normal((25, 4))
    Y = np.random.default_rng(6).standard_normal((7, 4))
    results = {}
    for other in (None, Y):
        jump = results[other is None] = gram_at_depths(ORDERED, X, [900, 1500, "1e9"], Y=other, method="jump")
        full = gram_at_depths(ORDERED, X, [900, 1500], Y=other, method="iterate")
        assert jump.method == "jump" and jump.depth_methods[1500].startswith("float64 ordered jump")
        assert "estimate" in jump.method_note
        for depth in (900, 1500):
            for name in ("rho", "sigma", "theta", "ntk_normalized"):
                assert np.allclose(jump[depth][name], full[depth][name], rtol=1e-13, atol=0), (depth, name)
            mask = full[depth]["one_minus_rho"] > 0
            assert np.allclose(jump[depth]["one_minus_rho"][mask], full[depth]["one_minus_rho"][mask], rtol=1e-12, atol=0)
        huge = jump[10**9]
        assert not np.any(huge["one_minus_rho"]) and not np.any(huge["one_minus_ntk_normalized"])  # underflow
        assert np.allclose(huge["theta"], 1.6, rtol=1e-14) and np.allclose(huge["sigma"], 0.4, rtol=1e-14)
    # 1 - N: the iteration carries it only absolutely for unequal norms; the certified jump has it relative
    delta, q_x, q_y = one_minus_rho_from_inputs(ORDERED, X)
    jump = results[True]
    for i, j in ((0, 1), (4, 9)):
        cert = jump_kernel(ORDERED, 1 - mpmath.mpf(delta[i, j]), [1500], digits=20, q_x=mpmath.mpf(q_x[i]),
                           q_y=mpmath.mpf(q_y[j])).at(1500)
        for name, mine in (("one_minus_rho", jump[1500]["one_minus_rho"]),
                           ("one_minus_ntk_normalized", jump[1500]["one_minus_ntk_normalized"])):
            truth = getattr(cert, name).mid
            assert abs(mine[i, j] / truth - 1) < 1e-12, (name, i, j)
