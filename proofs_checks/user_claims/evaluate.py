"""One user claim from parameters to a graded verdict: compute, judge, grade.

Used by the claims-file loader and by :func:`proofs_checks.testing.check`, so that a claim gets the
same verdict and grade from a file, from the CLI and from a hand-written test.
"""
from __future__ import annotations

from proofs_checks.user_claims.compare import judge_claim
from proofs_checks.user_claims.grading import grade_verdict
from proofs_checks.user_claims.readings import ClaimContext

DEFAULT_DPS = {"quick": 20, "full": 30}


def evaluate(quantity, params, setting, printed, dps, convention="std", file_severity=None, consequence=""):
    """The graded verdict of ``quantity`` at ``params`` against ``printed`` (a values.Printed)."""
    computed = quantity.compute(params, setting, dps)
    verdict = judge_claim(printed, computed)
    grade_verdict(verdict, printed, computed, ClaimContext(quantity, params, convention, dps),
                  file_severity, consequence)
    verdict.data.setdefault("quantity", quantity.name)
    verdict.data.setdefault("dps", dps)
    return verdict
