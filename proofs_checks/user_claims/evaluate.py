"""One user claim from parameters to a graded verdict: compute, judge, grade.

Used by the claims-file loader and by :func:`proofs_checks.testing.check`, so that a claim gets the
same verdict and grade from a file, from the CLI and from a hand-written test.
"""
from __future__ import annotations

from proofs_checks.user_claims.compare import judge_claim
from proofs_checks.user_claims.grading import grade_verdict
from proofs_checks.user_claims.readings import ClaimContext

DEFAULT_DPS = {"quick": 20, "full": 30}


GRADING_MARGIN = 5  # digits beyond a printed decimal's own at which the readings of a refutation are computed
GRADING_MIN_DPS = 12


def evaluate(quantity, params, setting, printed, dps, convention="std", file_severity=None, consequence=""):
    """The graded verdict of ``quantity`` at ``params`` against ``printed`` (a values.Printed)."""
    computed = quantity.compute(params, setting, dps)
    verdict = judge_claim(printed, computed)
    grade_verdict(verdict, printed, computed, ClaimContext(quantity, params, convention, grading_dps(printed, dps)),
                  file_severity, consequence)
    verdict.data.setdefault("quantity", quantity.name)
    verdict.data.setdefault("dps", dps)
    return verdict


def grading_dps(printed, dps) -> int:
    """The precision the readings of a refutation need: they are compared with the printed value only,
    so a decimal's significant digits and a margin suffice (an exact value needs the claim's own)."""
    if printed.exact or printed.word or not printed.half_width:
        return dps
    import math

    import sympy

    value, half = abs(sympy.N(printed.value, 30)), sympy.N(printed.half_width, 30)
    if value == 0:
        return dps
    significant = max(1, math.ceil(math.log10(float(value) / float(half))))
    return min(dps, max(GRADING_MIN_DPS, significant + GRADING_MARGIN))
