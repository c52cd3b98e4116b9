"""Seed 000 claim registry: every claim registered with valid sources, and the fast checkers' verdicts."""
import json
import subprocess
import sys

import pytest

from proofs_checks.registry import SEEDS, all_claims, get_claim, run_check
from proofs_checks.verdict import Status

SEED_LINES = 666


def _doc000():
    return [c for c in all_claims() if c.id.startswith("depth_ntk.")]


def test_claims_registered_with_sources():
    claims = _doc000()
    assert len(claims) >= 30
    for c in claims:
        assert c.source.seed == SEEDS["000"]
        first, last = c.source.lines
        assert 1 <= first <= last <= SEED_LINES


# fast checkers only (each < ~3 s); the slower ones run in the 'slow' test below
FAST = {
    "depth_ntk.prop1.perfect_correlation": Status.CONFIRMED,
    "depth_ntk.prop2.correlation_map": Status.CONFIRMED,
    "depth_ntk.prop4.recursion": Status.CONFIRMED,
    "depth_ntk.prop4.range": Status.REFUTED,
    "depth_ntk.case_a.sphere_invertible": Status.REFUTED,
    "depth_ntk.case_c.stereographic_dot_products": Status.REFUTED,
    "depth_ntk.prop3.kernel_regression": Status.CONFIRMED,
    "depth_ntk.prop5.smooth": Status.CONFIRMED,
    "depth_ntk.prop5.property4": Status.REFUTED,
    "depth_ntk.thm3.limit_at_data_point": Status.CONFIRMED,
    "depth_ntk.thm3.proof.v_vanish_via_det": Status.REFUTED,
    "depth_ntk.concl.ordered_phase": Status.REFUTED,
}


@pytest.mark.parametrize("claim_id", sorted(FAST))
def test_fast_verdicts(claim_id):
    v = run_check(get_claim(claim_id), "quick")
    assert v.status == FAST[claim_id], v.evidence
    if v.status == Status.REFUTED:
        assert v.corrected and v.computed


@pytest.mark.slow
def test_all_quick_verdicts_run_without_error():
    for c in _doc000():
        v = run_check(c, "quick")
        assert v.status != Status.ERROR, (c.id, v.evidence)


def test_cli_limit_json_and_bad_input():
    cmd = [sys.executable, "-m", "proofs_checks.cli", "limit", "--n", "6", "--n0", "8", "--depths", "3", "200",
           "--certified", "--at-data-point", "--json"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert [r["depth"] for r in data["depths"]] == [3, 200]
    assert data["depths"][1]["max_distance_to_limit"][-1] < 1e-9  # x = x_0 gives e_0
    assert len(data["depths"][1]["predicted_distance"]) == 1  # the data point has no expansion


def test_cli_limit_predicts_the_distance_to_the_limit():
    """The printed next-order prediction (log L / L and 1/L terms from the pairs' Fatou shifts) tracks the
    measured distance of the weights to 1/(n+3); the log term alone is several times too small."""
    cmd = [sys.executable, "-m", "proofs_checks.cli", "limit", "--n", "8", "--n0", "16", "--depths", "300", "3000",
           "--test-points", "2", "--json"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    for row in json.loads(out.stdout)["depths"]:
        for measured, predicted in zip(row["max_distance_to_limit"], row["predicted_distance"]):
            assert abs(predicted - measured) < 0.05 * measured, (row["depth"], measured, predicted)
            assert row["log_term"] < measured / 3
    bad = subprocess.run([sys.executable, "-m", "proofs_checks.cli", "limit", "--n", "0"], capture_output=True,
                         text=True, timeout=120)
    assert bad.returncode == 2 and "argument 'n'" in bad.stderr and "Traceback" not in bad.stderr
