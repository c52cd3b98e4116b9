"""Seeds 000 and 001 as a referee reads them: every verdict graded, no nan/inf or raw float in any field,
corrections computed, the sigma_b = 0 edge decided by one policy, and each new claim's checker able to say
refuted as well as confirmed (fed a wrong printed value).

References here are independent of the checkers (mpmath root finding, scipy quadrature, closed forms).
"""
import json
import math
import os
import re
import subprocess
import sys

import mpmath
import numpy as np
import pytest
from scipy.integrate import dblquad

from proofs_checks.verdict import Status

PREFIXES = ("depth_ntk", "hayou")
TEXT_FIELDS = ("printed", "computed", "agreement", "evidence", "corrected", "decide", "reason",
               "severity_reason", "strength_reason")
NAN = re.compile(r"\bnan\b", re.I)
INF_NUMBER = re.compile(r"(?:[=:,(\[]|^)\s*[-+]?inf\b", re.I)  # 'inf' where a number stands, not '-> inf'
NUMBER = re.compile(r"(?<![\w.])[-+]?(\d+)\.(\d+)(?:e[-+]?\d+)?(?![\w.])", re.I)


def raw_floats(text):
    """Numbers printed with 16-17 significant digits (a float's repr), unless they are the midpoint of a ball."""
    out = []
    for m in NUMBER.finditer(text):
        digits = (m.group(1) + m.group(2)).lstrip("0")
        if len(digits) in (16, 17) and "+/-" not in text[m.end():m.end() + 6]:
            out.append(m.group(0))
    return out


def test_raw_float_detector_can_fail():
    assert raw_floats(f"x = {0.1 + 0.2!r}") == ["0.30000000000000004"]
    assert raw_floats("b = 1.304145840056512;") == ["1.304145840056512"]
    assert raw_floats("0.2199 (+/- 1e-15), 0.333340, 44.41") == []
    assert raw_floats("4.3300498292510692 (+/- 1.4e-31)") == []
    assert NAN.search("bound nan (certified)") and not NAN.search("nanometre")
    assert INF_NUMBER.search("value = inf") and not INF_NUMBER.search("z -> inf, AK^inf")


def _check_json(level, timeout):
    env = dict(os.environ, MPMATH_NOGMPY="1")  # the gmpy2 backend issue is tracked separately (issue 19)
    out = subprocess.run([sys.executable, "-m", "proofs_checks.cli", "check", *PREFIXES, "--level", level, "--json"],
                         capture_output=True, text=True, timeout=timeout, env=env)
    assert out.stdout, out.stderr[-2000:]
    return json.loads(out.stdout)["claims"]


def _assert_clean_and_graded(claims):
    problems = []
    for c in claims:
        if c["status"] == "error":
            problems.append((c["id"], "error", c["evidence"][:200]))
        if c["status"] == "refuted" and not (c["severity"] and c["severity_reason"]):
            problems.append((c["id"], "refutation without severity"))
        if c["status"] == "confirmed" and not (c["strength"] and c["strength_reason"]):
            problems.append((c["id"], "confirmation without strength"))
        for f in TEXT_FIELDS:
            v = c.get(f) or ""
            if NAN.search(v) or INF_NUMBER.search(v) or raw_floats(v):
                problems.append((c["id"], f, (NAN.findall(v), INF_NUMBER.findall(v), raw_floats(v))))
    assert not problems, problems


@pytest.fixture(scope="module")
def quick_claims():
    return _check_json("quick", 300)


def test_quick_verdicts_are_graded_and_clean(quick_claims):
    assert len(quick_claims) >= 125
    _assert_clean_and_graded(quick_claims)


def test_no_wall_clock_time_in_evidence(quick_claims):
    for c in quick_claims:
        assert not re.search(r"\b\d+(\.\d+)?\s*(s|sec|seconds)\b(?! *=)", c["evidence"] or ""), c["id"]


@pytest.mark.slow
def test_full_verdicts_are_graded_and_clean():
    _assert_clean_and_graded(_check_json("full", 3000))


# ------------------------------------------------------------------ corrections computed
def test_prop4_range_minimum_matches_an_independent_root():
    from proofs_checks.doc000.depth2_minimum import certified_minimum

    g = lambda t: (t + 2 * t * mpmath.asin(t) / mpmath.pi + mpmath.sqrt(1 - t * t) / mpmath.pi) / 2  # noqa: E731
    with mpmath.workdps(30):
        t_star = mpmath.findroot(lambda t: mpmath.diff(g, t), -0.8)
        g_star = g(t_star)
    cert = certified_minimum(covering_log2=8)
    import flint

    assert cert["minimum"].overlaps(flint.arb(mpmath.nstr(g_star, 25), 1e-24))  # certified ball contains the root's value
    assert float(cert["minimum"].rad()) < 1e-12
    assert float(cert["covering_lower"].upper()) <= float(g_star)  # a lower bound
    assert float(g_star) - float(cert["covering_lower"].lower()) < 0.01  # and not a vacuous one
    assert min(g(mpmath.mpf(t)) for t in np.linspace(-1, 1, 2001)) >= g_star - 1e-12


def test_ordered_phase_correction_keeps_chi1_and_the_correlation_map_apart():
    from proofs_checks.registry import get_claim, run_check

    v = run_check(get_claim("depth_ntk.concl.ordered_phase"), "quick")
    assert v.status is Status.REFUTED and v.severity == "substantive"
    assert "chi_1 = sigma_w^2/2" in v.corrected and "single point sigma_w^2 = 2" in v.corrected
    assert "does not depend on sigma_w" in v.corrected and "h'(1) = 1" in v.corrected


# ------------------------------------------------------------------ the sigma_b = 0 edge
def test_edge_policy_refutes_the_ordered_phase_facts_as_slips():
    from proofs_checks.registry import get_claim, run_check

    for cid in ("hayou.fact1.tanh_variance", "hayou.fact2.tanh_ordered", "hayou.fact9.relu_ordered_corr",
                "hayou.fact17.fprime_convergence", "hayou.prop1.ordered_chaotic_limit"):
        v = run_check(get_claim(cid), "quick")
        assert v.status is Status.REFUTED and v.severity == "slip", cid
    v = run_check(get_claim("hayou.fact8.relu_ordered"), "quick")
    assert v.status is Status.CONFIRMED and "sigma_b = 0 edge" in v.evidence


def test_tanh_edge_first_step_matches_scipy():
    from proofs_checks.doc001 import sigma_b_edge as edge

    e = edge.tanh_edge(0.8, 0.5, depth=10)
    assert e["q"][10] < 1e-2 and 0.4 < e["gaps"][10] < 0.7
    # one layer of the map at q = 1, c = 0.5 by scipy, against the module's quadrature (depth 1 -> 2)
    s = math.sqrt(1 - 0.25)
    phi = lambda z: math.exp(-z * z / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    num_ = dblquad(lambda z2, z1: math.tanh(z1) * math.tanh(0.5 * z1 + s * z2) * phi(z1) * phi(z2), -9, 9, -9, 9)[0]
    den = dblquad(lambda z2, z1: math.tanh(z1) ** 2 * phi(z1) * phi(z2), -9, 9, -9, 9)[0]
    from proofs_checks.doc001 import numerics as num

    _, _, z1, z2, ww = num._gh(80)
    u, v = np.tanh(z1), np.tanh(0.5 * z1 + s * z2)
    assert float(np.dot(ww, u * v)) / float(np.dot(ww, u * u)) == pytest.approx(num_ / den, abs=1e-9)


def test_relu_edge_is_polynomial_with_the_derived_constant():
    from proofs_checks.doc001 import sigma_b_edge as edge

    e = edge.relu_edge(1.44, 0.5, (10, 100, 1000))
    assert abs(e["scaled_gap"][-1] - 9 * math.pi**2 / 2) < 2  # 9 pi^2 / 2 written here as the reference
    assert e["k_diag"][-1] < 1e-100 and abs(e["ratio"][-1] - 0.25) < 0.01


# ------------------------------------------------------------------ new and re-decided claims: both outcomes
def test_gram_degenerate_refuted_for_chaotic_confirmed_for_ordered():
    from proofs_checks.doc001 import thm1_phases

    assert thm1_phases.check_gram_degenerate("quick").status is Status.REFUTED
    assert thm1_phases.gram_degeneracy_verdict("quick", (("ordered", 1.0, 0.1),)).status is Status.CONFIRMED


def test_resnet_rate_remark_and_theorem2_rate():
    from proofs_checks.doc001 import resnet

    assert resnet.check_resnet_rate_remark("quick").status is Status.REFUTED  # printed O(1/L)
    assert resnet.check_resnet_rate_remark("quick", log_power=1).status is Status.CONFIRMED
    assert resnet.check_thm2_offdiag("quick").status is Status.CONFIRMED
    assert resnet.check_thm2_offdiag("quick", log_power=0).status is Status.REFUTED


def test_resnet_derived_constant_matches_its_closed_form():
    from proofs_checks.doc001.resnet_rates import derived_log_constant

    s = 2 * math.sqrt(2) / (3 * math.pi)
    for sw2 in (0.5, 1.0, 2.0):
        a = sw2 / 2
        assert derived_log_constant(sw2, s) == pytest.approx(3 * a / (8 * (1 + a)), rel=1e-12)


def test_prop2_proof_limit_and_rate():
    from proofs_checks.doc001 import resnet

    assert resnet.check_prop2_proof_limit("quick").status is Status.REFUTED  # Theorem 2's ratio 1/4
    assert resnet.check_prop2_proof_limit("quick", printed_ratio=1.0).status is Status.CONFIRMED  # the proof's qU
    assert resnet.check_prop2_rate("quick").status is Status.CONFIRMED  # 1/log L
    assert resnet.check_prop2_rate("quick", log_power=2).status is Status.REFUTED


def test_depth30_refuted_and_a_deep_window_confirmed():
    from proofs_checks.doc000 import sec6_discussion as sec6

    assert sec6.depth_suffices_verdict("quick", 30).status is Status.REFUTED
    assert sec6.depth_suffices_verdict("quick", 1000).status is Status.CONFIRMED


def test_redecided_text_claims_both_outcomes():
    from proofs_checks.doc001 import experiments, spectrum

    assert experiments.check_epochs("quick").status is Status.REFUTED
    assert experiments.check_epochs("quick", (150, 150)).status is Status.CONFIRMED
    assert experiments.check_schedule("quick").status is Status.CONFIRMED
    assert experiments.check_schedule("quick", "absolute").status is Status.REFUTED
    assert spectrum.check_assumption_count("quick").status is Status.REFUTED
    assert spectrum.check_assumption_count("quick", printed_factor=1).status is Status.CONFIRMED


@pytest.mark.slow
def test_log_gap_both_outcomes():
    from proofs_checks.doc001 import spectrum

    assert spectrum.check_log_gap("quick").status is Status.REFUTED
    assert spectrum.check_log_gap("quick", relu_has_log=True).status is Status.CONFIRMED


def test_small_det_hypothesis_both_outcomes():
    from proofs_checks.doc000 import unchecked

    assert unchecked._small_det("quick").status is Status.REFUTED
    assert unchecked._small_det("quick", printed_sign=-1).status is Status.CONFIRMED


def test_discretisation_error_both_outcomes():
    from proofs_checks.doc001 import finite_width

    assert finite_width.check_discretisation("quick").status is Status.CONFIRMED
    assert finite_width.check_discretisation("quick", printed_order=2).status is Status.REFUTED


def test_rho_eta_fast_both_outcomes():
    from proofs_checks.doc000 import sec6_discussion as sec6

    assert sec6._rho_eta_fast("quick").status is Status.CONFIRMED
    assert sec6._rho_eta_fast("quick", tol=2.0).status is Status.REFUTED  # every quantity 'settles' at once
