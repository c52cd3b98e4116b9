"""Claims of seeds 000 and 001 added in the referee pass (issue 16, 'claims not yet registered'): each checker
says confirmed with the document's printed value and refuted when fed a wrong one (or the reverse, for a
refuted claim fed the corrected value).  The references (exact rationals, mpmath quadrature) are in the
checkers' own computations; the tests only swap the printed value.
"""
import math
from fractions import Fraction

import mpmath
import pytest

from proofs_checks.doc000 import thm3_proof
from proofs_checks.doc001 import proof_steps as ps
from proofs_checks.verdict import Status

C, R = Status.CONFIRMED, Status.REFUTED


def test_dets_below_one_both_outcomes():
    assert thm3_proof._dets_below_one("quick").status is C
    assert thm3_proof._dets_below_one("quick", printed_bound=0.2).status is R  # depth-300 det is about 0.33


def test_def4_normalisation_both_outcomes():
    from proofs_checks.doc000 import sec5_limit

    assert sec5_limit._def4_normalisation("quick").status is C
    assert sec5_limit._def4_normalisation("quick", printed_power_of_two=0).status is R  # n0 2^L / L: diagonal 2


def test_unnormalised_ntk_reference_values():
    import numpy as np
    from proofs_checks.doc000 import sec5_limit

    # Proposition 1's closed form at rho = 1 for a unit vector: Theta^(L)(x, x) = L / (n0 2^(L-1))
    x = np.ones((1, 4)) / 2.0
    for L in (1, 2, 3, 7):
        assert abs(sec5_limit._unnormalised_ntk(x, L)[0, 0] - L / (4 * 2 ** (L - 1))) < 1e-15
    # orthogonal unit vectors, depth 2: Sigma-dot = 1/4, Sigma^(2) = 1/(2 pi n0), Theta^(1) = 0
    X = np.eye(2)
    assert abs(sec5_limit._unnormalised_ntk(X, 2)[0, 1] - 1 / (2 * np.pi * 2)) < 1e-15


def test_product_identity_both_outcomes():
    assert ps.check_product_identity("quick").status is C
    assert ps.check_product_identity("quick", printed_shift=0).status is R


def test_product_identity_independent_spot_value():
    # prod_{j=6}^{8} (1 - 3/j) for alpha = 2, k = 5, l = 8: (3/6)(4/7)(5/8) = 5/28
    assert Fraction(3, 6) * Fraction(4, 7) * Fraction(5, 8) == \
        Fraction(math.factorial(5), math.factorial(8)) * Fraction(math.factorial(5), math.factorial(2))


def test_product_rate_both_outcomes():
    assert ps.check_product_rate("quick").status is C
    assert ps.check_product_rate("quick", printed_exponent_shift=1.5).status is R
    assert ps.check_product_rate("quick", printed_exponent_shift=0.5).status is R


def test_resnet_variance_both_outcomes():
    assert ps.check_resnet_variance("quick").status is C
    assert ps.check_resnet_variance("quick", printed_base=3.0).status is R  # 1 + sigma_w^2 instead of 1 + sigma_w^2/2
    assert ps.check_resnet_variance("quick", sigma_w2=0.5).status is C


def test_relu_moments_reference():
    with mpmath.workdps(25):
        m2, p = ps._relu_second_moment()
        assert abs(m2 - mpmath.mpf(1) / 2) < 1e-20 and abs(p - mpmath.mpf(1) / 2) < 1e-20
        # E[relu(U) relu(V)] at c = 0 is E[relu(Z)]^2 = 1/(2 pi); at c = 1/2: (sqrt(3)/2 + (2 pi/3)/2)/(2 pi)
        assert abs(ps._relu_pair_moment(0) - 1 / (2 * mpmath.pi)) < 1e-20
        theta = mpmath.acos(mpmath.mpf(1) / 2)
        ref = (mpmath.sin(theta) + (mpmath.pi - theta) * mpmath.cos(theta)) / (2 * mpmath.pi)  # Cho & Saul arc-cosine
        assert abs(ps._relu_pair_moment("0.5") - ref) < 1e-20


def test_resnet_corr_map_both_outcomes():
    assert ps.check_resnet_corr_map("quick").status is C
    assert ps.check_resnet_corr_map("quick", printed_alpha=2.0).status is R
    assert ps.check_resnet_corr_map("quick", sigma_w2=0.5).status is C


def test_appendix_diag_exact_both_outcomes():
    assert ps.check_appendix_diag_exact("quick").status is C
    assert ps.check_appendix_diag_exact("quick", printed_limit_factor=0.5).status is R


def test_prop2_diag_increment_both_outcomes():
    from proofs_checks.registry import get_claim

    assert ps.check_prop2_diag_increment("quick").status is R
    assert get_claim("hayou.prop2.proof_diag_increment").check("quick").severity == "notation"
    assert ps.check_prop2_diag_increment("quick", printed_power=2).status is C


def test_prop2_li_sum_both_outcomes():
    from proofs_checks.registry import get_claim

    assert ps.check_prop2_li_sum("quick").status is R
    assert get_claim("hayou.prop2.proof_li_sum").check("quick").severity == "notation"
    assert ps.check_prop2_li_sum("quick", with_log_factor=True).status is C


def test_prop2_alpha_equivalence_both_outcomes():
    assert ps.check_prop2_alpha_equivalence("quick").status is R
    assert ps.check_prop2_alpha_equivalence("quick", sigma_w2s=(2.0,)).status is C  # Gamma(2) = 1
    # the Gamma-corrected limit at sigma_w^2 = 1 (1/Gamma(3/2) = 2/sqrt(pi)) is what the ratio approaches
    assert ps.check_prop2_alpha_equivalence("quick", printed_limit=2 / math.sqrt(math.pi),
                                            sigma_w2s=(1.0,)).status is C


def test_app_lemma8_log_power_sum_both_outcomes():
    assert ps.check_app_lemma8_log_power_sum("quick").status is C
    assert ps.check_app_lemma8_log_power_sum("quick", printed_log_power=0).status is R
    assert ps.check_app_lemma8_log_power_sum("quick", printed_log_power=2).status is R


def test_app_lemma2_proof_expansion_both_outcomes():
    from proofs_checks.doc001 import numerics, tanh_eoc

    assert tanh_eoc.check_app_lemma2_proof_expansion("quick").status is C
    M = numerics.tanh_eoc_map("0.2")
    flipped = (1 - M.zeta / M.alpha ** 2) / M.alpha  # sign of the log term reversed
    assert tanh_eoc.check_app_lemma2_proof_expansion("quick", printed_log_coefficient=flipped).status is R
    assert tanh_eoc.check_app_lemma2_proof_expansion("quick", printed_log_coefficient=-1 / M.alpha).status is R


def test_thm2_proof_steps_both_outcomes():
    assert ps.check_thm2_diag_rescaling("quick").status is R
    assert ps.check_thm2_diag_rescaling("quick", printed_divisor="2").status is C
    assert ps.check_thm2_qdot_factor("quick").status is C
    assert ps.check_thm2_qdot_factor("quick", printed_coefficient=6.0).status is R  # 3(1 + 2/sigma_w^2) at 2
    assert ps.check_thm2_b_limit("quick").status is R
    assert ps.check_thm2_b_limit("quick", printed_root=False).status is C
    assert ps.check_thm2_diag_qdot("quick").status is R
    assert ps.check_thm2_diag_qdot("quick", printed_symbol="qdot").status is C


@pytest.mark.parametrize("cid", ["depth_ntk.thm3.proof.dets_below_one",
                                 "depth_ntk.def4.unit_diagonal_and_scale_invariance", "hayou.app_lemma7.product_identity",
                                 "hayou.app_lemma7.product_rate", "hayou.app_lemma9.resnet_variance",
                                 "hayou.app_lemma9.resnet_corr_map", "hayou.thm1.appendix_diag_exact",
                                 "hayou.prop2.proof_diag_increment", "hayou.prop2.proof_li_sum",
                                 "hayou.prop2.alpha_equivalence", "hayou.app_lemma8.log_power_sum",
                                 "hayou.app_lemma2.proof_expansion", "hayou.thm2.proof_diag_rescaling",
                                 "hayou.thm2.proof_qdot_factor", "hayou.thm2.proof_b_limit",
                                 "hayou.thm2.proof_diag_qdot"])
def test_new_claims_registered_and_graded(cid):
    from proofs_checks.registry import get_claim

    v = get_claim(cid).check("quick")
    assert v.status in (C, R)
    assert (v.severity if v.status is R else v.strength) in ("substantive", "slip", "notation", "independent",
                                                             "consistency", "weak")
