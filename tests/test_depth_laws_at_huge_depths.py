"""Seed 001 Appendix Lemma 1's derived constants at depths 1e8..1e100 through the certified jump (issue 15).

References written here, independently of asymptotics.depth_laws: gamma^{-1/2} = (s/2) l + (3s/4) log l + O(1)
with s = 2 sqrt2/(3 pi) gives 1 - c^l = kappa/l^2 - 3 kappa log(l)/l^3 + ..., kappa = 4/s^2 = 9 pi^2/2, and
1 - f'(c^l) = (sqrt2/pi) gamma^{1/2} + ... = 3/l - (9/2) log(l)/l^2 + ...
"""
import math

import mpmath
import pytest

import proofs_checks.doc001.relu_eoc as relu_eoc
from proofs_checks.doc001.relu_eoc_huge import HUGE_DEPTHS, huge_depth_agreement
from proofs_checks.verdict import Status

KAPPA = 9 * math.pi ** 2 / 2
CASES = [("delta", (2, 0), KAPPA), ("delta", (3, 1), -3 * KAPPA), ("fdef", (1, 0), 3.0), ("fdef", (2, 1), -4.5)]
UP_TO_1E12 = HUGE_DEPTHS[:3]


@pytest.mark.parametrize("quantity,key,reference", CASES)
def test_huge_depth_measurement_matches_the_hand_derivation(quantity, key, reference):
    out = huge_depth_agreement(quantity, key)
    assert out["agrees"]
    for m, u in zip(out["measured"], out["uncertainty"]):
        assert abs(float(m) - reference) <= 1e-12 * abs(reference) + 3 * float(u)
    # leading constants: essentially all of the jump's digits at 1e100; log coefficients: at least 6
    assert out["digits"] >= (90 if key[1] == 0 else 6)
    assert "1e12" in out["text"] and "1e100" in out["text"]


@pytest.mark.parametrize("quantity,key,reference", CASES)
def test_a_derived_constant_off_by_1e3_is_rejected_at_1e12(quantity, key, reference):
    out = huge_depth_agreement(quantity, key, derived=reference * 1.001, depths=UP_TO_1E12)
    assert not out["agrees"]
    assert out["digits"] <= 3
    assert huge_depth_agreement(quantity, key, depths=UP_TO_1E12)["agrees"]


@pytest.mark.parametrize("quantity,key", [("delta", (2, 0)), ("fdef", (1, 0))])
def test_remainder_over_first_omitted_term_tends_to_one(quantity, key):
    out = huge_depth_agreement(quantity, key)
    for _, row in out["rows"]:
        ratios = [float(v) for _, label, v, _ in row]
        assert all(label == "R/T" for _, label, _, _ in row)
        assert all(0.5 < r < 1.5 for r in ratios)
        # |R/T - 1| = O(1/log l): it shrinks with depth, and is small at 1e100
        gaps = [abs(r - 1) for r in ratios]
        assert gaps == sorted(gaps, reverse=True) and gaps[-1] < 0.05


@pytest.mark.parametrize("quantity,key", [("delta", (3, 1)), ("fdef", (2, 1))])
def test_orbit_constant_term_settles(quantity, key):
    # after the log term, R l^n -> the ell_0 term, a constant of the orbit: it must not move between 1e10 and 1e100
    for _, row in huge_depth_agreement(quantity, key)["rows"]:
        vals = [v for _, _, v, _ in row]
        assert abs(vals[-1] - vals[1]) <= 1e-6 * abs(vals[-1])


def test_checkers_carry_the_huge_depth_evidence_and_keep_their_verdicts():
    expected = {relu_eoc.check_app_lemma1_kappa: Status.CONFIRMED,
                relu_eoc.check_app_lemma1_log: Status.REFUTED,
                relu_eoc.check_app_lemma1_fprime_first: Status.CONFIRMED,
                relu_eoc.check_app_lemma1_fprime_log: Status.REFUTED,
                relu_eoc.check_app_lemma1_proof_fprime_log: Status.REFUTED}
    for check, status in expected.items():
        v = check("quick")
        assert v.status is status, check.__name__
        assert "Huge depths: certified Fatou-coordinate jump" in v.evidence and "1e100" in v.evidence
        assert "agrees" in v.evidence and "DISAGREES" not in v.evidence
        assert " s " not in v.evidence.split("Huge depths:")[1]  # no wall-clock times


def test_a_wrong_log_coefficient_makes_the_checker_inconclusive(monkeypatch):
    import proofs_checks.doc001.relu_eoc_huge as huge

    real = huge.huge_depth_agreement
    monkeypatch.setattr(huge, "huge_depth_agreement",
                        lambda q, k, **kw: real(q, k, derived=float(mpmath.mpf(-3 * KAPPA)) * 1.001, **kw))
    v = relu_eoc._with_huge_depths(relu_eoc.confirmed("x", "y", "z", "e"), "log_slopes", 3 * KAPPA, "x", "y")
    assert v.status is Status.INCONCLUSIVE


# ---------------------------------------------------------------- seed 000: Theta-bar - 1/4 = (3/8) log L / L + ...


def test_ntk_rate_constant_at_huge_depths_is_three_eighths():
    # hand derivation: D_l = l N_l, lambda = 1/(1 + alpha) = 1/4 with alpha = 3, rate = beta lambda = (3/2)(1/4) = 3/8
    from proofs_checks.doc000.rate_huge import rate_at_huge_depths

    out = rate_at_huge_depths()
    assert out["agrees"] and out["digits"] >= 8
    for m, u in zip(out["measured"], out["uncertainty"]):
        assert abs(float(m) - 0.375) <= 1e-12 + 3 * float(u) and float(u) < 1e-8
    for rows in out["ratios"].values():
        gaps = [abs(float(q) - 1) for _, q in rows]
        assert [L for L, _ in rows] == [10**8, 10**10, 10**12]
        assert gaps == sorted(gaps, reverse=True) and gaps[-1] < 1e-8


def test_a_wrong_ntk_rate_is_rejected_at_1e12():
    from proofs_checks.doc000.rate_huge import HUGE_DEPTHS, rate_at_huge_depths

    assert not rate_at_huge_depths(derived_rate=0.375 * 1.001, depths=HUGE_DEPTHS[:3])["agrees"]
    assert rate_at_huge_depths(depths=HUGE_DEPTHS[:3])["agrees"]


def test_rate_checker_keeps_its_verdict_and_carries_the_evidence(monkeypatch):
    import proofs_checks.doc000.rate_huge as rate_huge
    from proofs_checks.doc000.sec6_discussion import _rate_log

    v = _rate_log("quick")
    assert v.status is Status.REFUTED
    assert "Huge depths: certified Fatou-coordinate jump" in v.evidence and "agrees" in v.evidence
    real = rate_huge.rate_at_huge_depths
    monkeypatch.setattr(rate_huge, "rate_at_huge_depths", lambda **kw: real(derived_rate=0.376, **kw))
    assert _rate_log("quick").status is Status.INCONCLUSIVE
