"""The chaotic-phase jump with biases (asymptotics.depth_jump.relu_chaotic_jump) against full certified
iteration, against the bare bias-free jump (which must miss), and against an independent reference
recursion written here from the textbook arc-cosine formulas."""
from __future__ import annotations

import subprocess
import sys
from fractions import Fraction

import mpmath
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

from asymptotics.activations import abrelu
from asymptotics.depth_jump import jump_kernel
from asymptotics.depth_jump.relu_chaotic_jump import MAX_CHAOTIC_L0, estimate_l0
from asymptotics.recursion import Network, gram_at_depths, kernel_at_depths
from asymptotics.validation import ComputationError, InputError

CHAOTIC = Network("relu", sigma_w2="3", sigma_b2="0.1")  # chi_1 = 3/2
LEAKY = Network("leaky_relu", sigma_w2="3", sigma_b2="0.1")


def _l0_of(traj, depth):
    return int(traj.depth_methods[depth].split("L0=")[1].split(",")[0])


def _all_overlap(a, b):
    bad = [f for f in a.FIELDS if getattr(a, f) is not None and not getattr(a, f).overlaps(getattr(b, f))]
    assert not bad, bad


def _relative_width(x):
    return 2 * x.rad / abs(x.mid)


@pytest.mark.parametrize("network,rho,q_y,depth", [
    (CHAOTIC, "0", "1", 10**4), (CHAOTIC, "0.5", "1", 10**4), (CHAOTIC, "0.5", "1", 10**5),
    (LEAKY, "0", "1", 10**4), (LEAKY, "0.5", "2.5", 10**4), (CHAOTIC, "0", "0.3", 10**4),
])
def test_jump_overlaps_full_iteration_and_is_narrow(network, rho, q_y, depth):
    jump = kernel_at_depths(network, rho, [depth], backend="arb", digits=50, q_y=q_y, method="jump")
    full = kernel_at_depths(network, rho, [depth], backend="arb", digits=50, q_y=q_y, method="iterate")
    assert jump.method == "jump" and jump.depth_methods[depth].startswith("chaotic jump")
    assert "chaotic phase with biases" in jump.method_note
    a, b = jump.at(depth), full.at(depth)
    assert all(getattr(a, f) is not None for f in a.FIELDS)
    _all_overlap(a, b)
    for f in a.FIELDS:
        assert _relative_width(getattr(a, f)) < 1e-50, f


def test_the_bias_correction_is_needed():
    """A small L0 (chi^-L0 ~ 1e-36): the bare bias-free jump excludes the truth, the corrected one holds it."""
    from asymptotics.depth_jump import series_tools as st
    from asymptotics.depth_jump.relu_jump import machinery_for, working_precision

    full = kernel_at_depths(CHAOTIC, "0.5", [200, 3000], backend="arb", digits=60, method="iterate")
    ours = jump_kernel(CHAOTIC, "0.5", [3000], digits=50, l0=200).at(3000).one_minus_rho
    assert ours.overlaps(full.at(3000).one_minus_rho)
    assert 1e-40 < _relative_width(ours) < 1e-34  # the perturbation bound is what widens it
    _, bare, _ = machinery_for(CHAOTIC.activation, 50)
    with st.arb_precision(working_precision(50)):
        d0 = st.arb_from_approx(full.at(200).one_minus_rho)
        s = bare.jump(st.lower(d0.sqrt()), st.upper(d0.sqrt()), 2800)
        assert not (s * s).overlaps(st.arb_from_approx(full.at(3000).one_minus_rho))


@pytest.mark.parametrize("rho", ["0", "0.5"])
def test_depth_1e12_and_1e100_certified_and_two_l0_agree(rho):
    first = kernel_at_depths(CHAOTIC, rho, ["1e12", "1e100"], backend="arb", digits=50)
    l0 = _l0_of(first, 10**12)
    second = jump_kernel(CHAOTIC, rho, ["1e12", "1e100"], digits=50, l0=l0 + 400)
    assert _l0_of(second, 10**100) == l0 + 400
    for depth in (10**12, 10**100):
        a, b = first.at(depth), second.at(depth)
        _all_overlap(a, b)
        for f in a.FIELDS:
            assert _relative_width(getattr(a, f)) < 1e-50, f
        assert first.extras[depth]["ntk_minus_limit"].overlaps(second.extras[depth]["ntk_minus_limit"])
        # the parabolic law: 1/(A s_L) = L + O(log L) (at 1e100 below the 50 digits carried)
        with mpmath.workdps(120):
            A = mpmath.sqrt(2) * (2 / mpmath.pi) / 6  # -R_1 of the bias-free germ for ReLU (kappa = 2/pi)
            shift = 1 / (A * mpmath.sqrt(a.one_minus_rho.mid)) / depth - 1
            if depth == 10**12:
                assert 0 < shift < 100 * mpmath.log(depth) / depth, shift
            else:
                assert abs(shift) < mpmath.mpf(10) ** -50, shift
    # the NTK's rate: N_L - 1/4 = ((3/8) log L + C)/L + O(log L / L^2) (the derived law of the bias-free germ,
    # which the bias does not change): the same C at 1e12 and 1e100
    with mpmath.workdps(60):
        C = [first.extras[d]["ntk_minus_limit"].mid * d - mpmath.mpf(3) / 8 * mpmath.log(d) for d in (10**12, 10**100)]
        assert abs(C[0] - C[1]) < 1e-9, C
        assert abs(first.extras[10**12]["ntk_minus_limit"].mid / (mpmath.mpf(3) / 8 * mpmath.log(10**12) / 10**12) - 1) < 0.2


# ---------------------------------------------------------------------------------------------
# independent reference: the textbook recursion in rho itself, high precision mpmath


def _reference(a, b, sw2, sb2, rho, q_x, q_y, depth, dps):
    """(1 - rho_L, 1 - N_L) with phi = a x + (b - a) relu(x): E phi(u) phi(v) = sqrt(q_x q_y) (a b rho + (b - a)^2 J),
    J = (sin theta + (pi - theta) cos theta)/(2 pi), theta = acos rho (the degree-1 arc-cosine kernel), and
    E phi'(u) phi'(v) = a b + (b - a)^2 (pi - theta)/(2 pi); Sigma' = sigma_b^2 + sigma_w^2 E phi phi,
    q' = sigma_b^2 + sigma_w^2 (a^2 + b^2)/2 q, Theta' = sigma_w^2 E phi' phi' Theta + Sigma'."""
    with mpmath.workdps(dps):
        a, b, sw2, sb2 = (mpmath.mpf(x.numerator) / x.denominator for x in map(Fraction, (a, b, sw2, sb2)))
        qx, qy, r = (mpmath.mpf(x.numerator) / x.denominator for x in map(Fraction, (q_x, q_y, rho)))
        txx, tyy, txy = qx, qy, r * mpmath.sqrt(qx * qy)
        for _ in range(depth - 1):
            theta = mpmath.acos(r)
            J = (mpmath.sin(theta) + (mpmath.pi - theta) * mpmath.cos(theta)) / (2 * mpmath.pi)
            sxy = sb2 + sw2 * mpmath.sqrt(qx * qy) * (a * b * r + (b - a) ** 2 * J)
            sdot = sw2 * (a * b + (b - a) ** 2 * (mpmath.pi - theta) / (2 * mpmath.pi))
            qx, qy = sb2 + sw2 * (a * a + b * b) / 2 * qx, sb2 + sw2 * (a * a + b * b) / 2 * qy
            txx, tyy, txy = sw2 * (a * a + b * b) / 2 * txx + qx, sw2 * (a * a + b * b) / 2 * tyy + qy, sdot * txy + sxy
            r = sxy / mpmath.sqrt(qx * qy)
        return 1 - r, 1 - txy / mpmath.sqrt(txx * tyy)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chi=hs.fractions(min_value=Fraction(13, 10), max_value=3, max_denominator=10),
       sb2=hs.fractions(min_value=Fraction(1, 100), max_value=2, max_denominator=100),
       rho=hs.fractions(min_value=Fraction(-9, 10), max_value=Fraction(99, 100), max_denominator=100),
       q_y=hs.sampled_from([Fraction(1), Fraction(1, 2), Fraction(3)]),
       alpha=hs.sampled_from([Fraction(0), Fraction(1, 10), Fraction(-1, 2)]),
       extra=hs.integers(min_value=1, max_value=600))
def test_random_chaotic_networks_contain_the_textbook_reference(chi, sb2, rho, q_y, alpha, extra):
    """Property: past L0 the balls of 1 - rho and 1 - N contain the textbook values and are 10^-digits tight."""
    sw2 = chi * 2 / (alpha * alpha + 1)
    network = Network(abrelu(alpha, 1), sigma_w2=sw2, sigma_b2=sb2)
    digits = 30
    l0 = estimate_l0(network, digits, 1, q_y)
    depth = l0 + extra
    traj = jump_kernel(network, rho, [depth], digits=digits, q_y=q_y)
    assert _l0_of(traj, depth) == l0
    v = traj.at(depth)
    for got, truth in zip((v.one_minus_rho, v.one_minus_ntk_normalized),
                          _reference(alpha, 1, sw2, sb2, rho, 1, q_y, depth, 90)):
        with mpmath.workdps(90):
            assert abs(got.mid - truth) <= got.rad + truth * mpmath.mpf(10) ** -70, (got, truth)
        assert got.rad <= truth * mpmath.mpf(10) ** (-digits)


# ---------------------------------------------------------------------------------------------
# routing, fixed point, refusals


def test_routing_auto_backends_and_gram():
    small = kernel_at_depths(CHAOTIC, "0.5", [100], backend="arb", digits=20)
    assert small.method == "iterate" and "iterated" in small.method_note
    for backend in ("arb", "mpmath", "float64"):
        traj = kernel_at_depths(CHAOTIC, "0.5", ["1e12"], backend=backend, digits=20)
        assert traj.method == "jump" and traj.depth_methods[10**12].startswith("chaotic jump")
    assert "certified" in traj.method_note
    import numpy as np

    X = np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 2.0]])
    out = gram_at_depths(CHAOTIC, X, [5])
    assert getattr(out, "method", "iterate") == "iterate"
    with pytest.raises(InputError, match="method"):
        gram_at_depths(CHAOTIC, X, [5000], method="jump")
    nearly_linear = Network(abrelu(Fraction(99, 100), 1), sigma_w2=2, sigma_b2="0.1")  # chi_1 > 1, A ~ 1e-5
    traj = kernel_at_depths(nearly_linear, "0.5", [10], backend="arb", digits=20)
    assert traj.method == "iterate" and "linear" in traj.method_note
    with pytest.raises(InputError, match="method"):
        kernel_at_depths(nearly_linear, "0.5", ["1e12"], backend="arb", method="jump")


def test_exact_fixed_point_and_parallel_inputs_of_unequal_norm():
    v = jump_kernel(CHAOTIC, "1", ["1e30"], digits=20).at(10**30)
    assert v.one_minus_rho.mid == 0 and v.one_minus_rho.rad == 0 and v.one_minus_ntk_normalized.mid == 0
    # rho = 1 but q_x != q_y: the unequal variances create 1 - rho > 0 (the u_l term), then it decays
    u = jump_kernel(CHAOTIC, "1", [3000], digits=30, q_y="3").at(3000)
    w = kernel_at_depths(CHAOTIC, "1", [3000], backend="arb", digits=30, q_y="3", method="iterate").at(3000)
    _all_overlap(u, w)
    assert u.one_minus_rho.mid > 0 and _relative_width(u.one_minus_rho) < 1e-30


def test_chi_near_one_needs_too_many_layers_and_says_so():
    network = Network("relu", sigma_w2="2.0002", sigma_b2="0.1")  # chi_1 = 1.0001
    assert estimate_l0(network, 50) > MAX_CHAOTIC_L0
    with pytest.raises(ComputationError, match="so close to 1"):
        jump_kernel(network, "0.5", ["1e12"], digits=50)
    with pytest.raises(InputError, match="depth"):  # auto: the jump fails, iterating 1e12 layers is refused
        kernel_at_depths(network, "0.5", ["1e12"], backend="arb", digits=50)


def test_bad_input_refuses_in_one_line():
    with pytest.raises(InputError, match="l0"):
        jump_kernel(CHAOTIC, "0.5", [10**6], l0=1)
    with pytest.raises(InputError, match="rho"):
        kernel_at_depths(CHAOTIC, "1.5", ["1e12"], backend="arb", method="jump")
    base = [sys.executable, "-m", "proofs_checks.cli", "kernel", "--sigma-w2", "3", "--sigma-b2", "0.1",
            "--depth", "1e100", "--method", "jump"]
    for argv in (["--rho", "2"], ["--rho", "0.5", "--q-y", "-1"], ["--rho", "0.5", "--digits", "x"]):
        out = subprocess.run(base + argv, capture_output=True, text=True)
        assert out.returncode == 2, (argv, out.stderr)
        assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr
    out = subprocess.run(base + ["--rho", "0.5", "--digits", "30", "--json"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    import json

    (payload,) = json.loads(out.stdout)
    assert payload["method"] == "jump" and "chaotic phase with biases" in payload["method_note"]
    assert all(payload["layers"][0][f]["method"] == "certified" for f in ("one_minus_rho", "theta_xy", "ntk_normalized"))
