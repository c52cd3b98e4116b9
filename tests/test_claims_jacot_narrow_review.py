"""Claims of seeds 002 (Jacot et al.), 003 (deep narrow thesis) and 004 (review): registration,
source references, and the quick checkers.

The statuses asserted below are mathematical facts established independently of the checkers
(a sign slip, a typo, the count of carried output neurons), not values recorded from a run."""
import time
from pathlib import Path

import pytest

from proofs_checks import registry
from proofs_checks.verdict import Status

PREFIXES = ("jacot.", "narrow.", "review.")
SEEDS_DIR = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def _mine():
    return [c for c in registry.all_claims() if c.id.startswith(PREFIXES)]


def test_claims_registered_with_valid_sources():
    claims = _mine()
    assert len(claims) >= 60
    for c in claims:
        first, last = c.source.lines
        assert 1 <= first <= last
        path = SEEDS_DIR / c.source.seed
        if path.exists():
            assert last <= len(path.read_text().splitlines()), c.id
        assert c.statement and c.kind
        if c.checker is None:
            assert c.scope_reason


# cheap checkers whose outcome is settled by independent mathematics
SETTLED = {
    "jacot.parameter_count": Status.CONFIRMED,       # counting
    "jacot.input_measure": Status.REFUTED,           # N+1 Dirac masses of weight 1/N
    "jacot.least_squares.trajectory": Status.REFUTED,  # at t = 0 the printed trajectory is 2 f* - f_0
    "jacot.prop2.nu_series": Status.REFUTED,         # step 5 drops the square of the Hermite coefficients
    "jacot.operator_norm": Status.REFUTED,           # max ||f||_K is a square root of an eigenvalue
    "jacot.least_squares.solution": Status.CONFIRMED,
    "jacot.prop2.positive_definite": Status.CONFIRMED,
    "narrow.mlp.zero_output": Status.CONFIRMED,
    "narrow.theorem3_1.vector_output": Status.REFUTED,  # d_out carried outputs feed each carried output
    "narrow.table4_1.regime": Status.REFUTED,        # L^2/C_L = 4e6 does not tend to 0
    "review.flow_sign": Status.REFUTED,              # d/dt f = Pi(f - f*) diverges from f*
    "review.footnote_orthogonality": Status.REFUTED,  # nilpotent counterexample
    "review.theorem1_recursion": Status.CONFIRMED,   # index relabelling
    "review.f0_covariance": Status.REFUTED,          # f_0 has covariance Sigma, not Theta
    "jacot.theorem3.gneiting": Status.REFUTED,       # exp(rho) - 2 rho: f(1) - f(-1) = e - 1/e - 4 < 0
    "jacot.footnote2.norm_concentration": Status.CONFIRMED,  # chi distribution: sd / mean ~ (2 n0)^-1/2
}


@pytest.mark.parametrize("claim_id", sorted(SETTLED))
def test_settled_claims(claim_id):
    c = registry.get_claim(claim_id)
    v = registry.run_check(c, "quick")
    assert v.status == SETTLED[claim_id], (v.status, v.evidence)
    if v.status == Status.REFUTED:
        assert v.corrected


def test_narrow_scalar_theorem_confirmed_within_fluctuations():
    v = registry.run_check(registry.get_claim("narrow.theorem3_1.scalar_output"), "quick")
    assert v.status == Status.CONFIRMED, v.computed


@pytest.mark.slow
def test_all_quick_checks_run_without_error_and_in_time():
    start = time.perf_counter()
    for c in _mine():
        v = registry.run_check(c, "quick")
        assert v.status != Status.ERROR, (c.id, v.evidence)
        if v.status == Status.REFUTED:
            assert v.corrected, c.id
        if v.status == Status.INCONCLUSIVE:
            assert v.decide, c.id
    assert time.perf_counter() - start < 300
