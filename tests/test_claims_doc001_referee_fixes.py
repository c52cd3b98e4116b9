"""Referee fixes on seed 001 verdicts (notes/referee_000_001.md): the re-decided status and grade of each claim,
and that each checker can reach the other outcome.  References are closed forms written here."""
import math

import numpy as np
import pytest

from proofs_checks.doc001 import meanfield_facts as mf
from proofs_checks.registry import get_claim, run_check
from proofs_checks.verdict import Status


# ---------------------------------------------------------------- 1. Fact 16, the ReLU half
@pytest.mark.parametrize("c", [-0.9, -0.2, 0.3, 0.95, 1.0])
def test_relu_hprime_matches_the_arcsine_law(c):
    # h'(c) = 1/2 + asin(c)/pi, the derivative of Fact 12's map, written here as the reference
    assert mf._relu_hprime(c) == pytest.approx(0.5 + math.asin(c) / math.pi, abs=1e-12)


def test_fact16_refuted_as_slip_on_the_relu_edge_only():
    v = run_check(get_claim("hayou.fact16.fixed_points"), "quick")
    assert v.status is Status.REFUTED and v.severity == "slip"
    assert "f'(1) = h'(1) = 1" in v.corrected and "ReLU ordered" in v.evidence
    rows = {name: (holds, fp1) for name, _, holds, fp1 in mf._relu_fact16(np.linspace(-0.999, 0.999, 40))}
    # off the edge the checker says 'as printed' (f'(1) = sigma_w^2/2 = 0.72 < 1 and 1 on the EOC) ...
    assert rows["ordered"][0] and rows["ordered"][1] == pytest.approx(0.72, abs=1e-12)
    assert rows["EOC"][0] and rows["EOC"][1] == pytest.approx(1.0, abs=1e-12)
    # ... and only the sigma_b = 0 edge fails, with f'(1) = 1 (sigma_w cancels from the layer map)
    assert not rows["ordered edge sigma_b = 0"][0]
    assert rows["ordered edge sigma_b = 0"][1] == pytest.approx(1.0, abs=1e-12)


# ---------------------------------------------------------------- 2. epochs: slip, not notation
def test_epochs_is_a_slip_and_can_be_confirmed():
    v = run_check(get_claim("hayou.setting.epochs"), "quick")
    assert v.status is Status.REFUTED and v.severity == "slip"
    from proofs_checks.doc001 import experiments

    assert experiments.check_epochs("quick", (160, 160)).status is Status.CONFIRMED


# ---------------------------------------------------------------- 3. log gap: substantive (its conclusions fall)
def test_log_gap_is_substantive_and_can_be_confirmed():
    v = run_check(get_claim("hayou.text.relu_tanh_log_gap"), "quick")
    assert v.status is Status.REFUTED and v.severity == "substantive"
    assert "L = 30 (Table 2's depth)" in v.corrected
    from proofs_checks.doc001 import spectrum

    assert spectrum.check_log_gap("quick", relu_has_log=True).status is Status.CONFIRMED


# ---------------------------------------------------------------- 4. Fact 1: the whole segment sigma_b = 0, sigma_w <= 1
def test_tanh_edge_variance_one_step_matches_scipy():
    from scipy.integrate import quad

    e2 = quad(lambda z: math.tanh(z) ** 2 * math.exp(-z * z / 2) / math.sqrt(2 * math.pi), -12, 12)[0]
    assert mf._tanh_edge_variance(0.8, 2, (2,))[2] == pytest.approx(0.64 * e2, rel=1e-10)


def test_fact1_correction_covers_the_segment_and_spares_sigma_w_above_one():
    v = run_check(get_claim("hayou.fact1.tanh_variance"), "quick")
    assert v.status is Status.REFUTED and v.severity == "slip"
    assert r"\sigma_w \le 1" in v.corrected and r"\sigma_b = 0 with \sigma_w > 1" in v.corrected
    # the segment: q^l -> 0 geometrically at ratio sigma_w^2 for sigma_w < 1 (so no q > 0) ...
    low = mf._tanh_edge_variance(0.8, 64, (32, 64))
    assert low[64] < 1e-12 and (low[64] / low[32]) ** (1 / 32) == pytest.approx(0.64, rel=1e-3)
    # ... but for sigma_w > 1 the variance has a positive limit (the other outcome on the same edge)
    high = mf._tanh_edge_variance(1.5, 200, (100, 200))
    assert high[200] > 0.5 and abs(high[200] - high[100]) < 1e-12


# ---------------------------------------------------------------- 5. Fact 15: cross-position covariances
def test_cnn_cross_covariance_tends_to_cstar_q_in_chaos_and_to_q_in_order():
    from proofs_checks.doc001 import numerics as num
    from proofs_checks.doc001.thm1_phases import _tanh_stable_point

    x = np.random.default_rng(5).uniform(-1.5, 1.5, 6)
    # first layer by hand: sigma_b^2 + sigma_w^2/3 sum_{beta=-1..1} x_(a+beta) x_(a'+beta) (circular)
    Q1 = mf._tanh_cnn_covariances(0.04, 6.25, x, 1, 1)
    assert Q1[0, 1] == pytest.approx(0.04 + 6.25 / 3 * (x[5] * x[0] + x[0] * x[1] + x[1] * x[2]), rel=1e-12)
    Q = mf._tanh_cnn_covariances(0.04, 6.25, x, 1, 70)
    q = num.tanh_fixed_q(6.25, 0.04, n=80)
    cstar, _ = _tanh_stable_point(6.25, 0.04)
    assert np.allclose(np.diag(Q), q, atol=1e-9) and abs(Q[0, 1] - cstar * q) < 1e-3 and abs(Q[0, 1] - q) > 1
    # ordered phase: every covariance tends to q (the literal reading would hold there)
    Qo = mf._tanh_cnn_covariances(0.25, 0.64, x, 1, 70)
    assert np.allclose(Qo, num.tanh_fixed_q(0.64, 0.25, n=80), atol=1e-8)
    v = run_check(get_claim("hayou.fact15.cnn_variance"), "quick")
    assert v.status is Status.REFUTED and v.severity == "slip" and "notation defect" in v.evidence


# ---------------------------------------------------------------- 6. Proposition 2: the literal fit is pre-asymptotic
def test_prop2_literal_fit_reported_as_pre_asymptotic_with_a_widened_bar():
    from proofs_checks.doc001 import resnet, resnet_rates as rr

    v = run_check(get_claim("hayou.prop2.proof_limit"), "quick")
    assert v.status is Status.REFUTED and v.severity == "substantive" and "pre-asymptotic" in v.computed
    short, deep = rr.scaled_ratio_fit("quick", True), rr.scaled_ratio_fit("full", True)
    assert deep["ratio"][-1] < deep["ratio"][-2] and deep["ratio"][-1] > 0.3  # still falling, far from the fit
    assert f"+/- {deep['error'] + abs(deep['r_inf'] - short['r_inf']):.1e}" in v.computed
    assert resnet.check_prop2_proof_limit("quick", printed_ratio=1.0).status is Status.CONFIRMED
