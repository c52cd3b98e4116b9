"""One user claim from parameters to a graded verdict: compute, judge, grade.

Used by the claims-file loader and by :func:`proofs_checks.testing.check`, so that a claim gets the
same verdict and grade from a file, from the CLI and from a hand-written test.
"""
from __future__ import annotations

from proofs_checks.user_claims.compare import judge_claim
from proofs_checks.user_claims.grading import grade_verdict
from proofs_checks.user_claims.readings import ClaimContext
from proofs_checks.verdict import Status

DEFAULT_DPS = {"quick": 20, "full": 30}


GRADING_MARGIN = 5  # digits beyond a printed decimal's own that a comparison with it needs
GRADING_MIN_DPS = 12  # the lower of the two precision tiers (grading_dps)


def evaluate(quantity, params, setting, printed, dps, convention="std", file_severity=None, consequence="",
             escalate=False):
    """The graded verdict of ``quantity`` at ``params`` against ``printed`` (a values.Printed).

    ``escalate`` (the claim gave no ``dps``): a printed decimal (or phase word) is first compared with a
    computation at the precision the comparison needs (:func:`grading_dps`); only a result that does
    not confirm it (refuted: the corrected value is then given to ``dps``; inconclusive: more digits
    may decide) is computed again at ``dps``.  The readings that grade a refutation are computed at
    that lower precision too (they are compared with the printed value only)."""
    first = grading_dps(printed, dps) if escalate else dps
    computed = quantity.compute(params, setting, first)
    verdict = judge_claim(printed, computed)
    used = first
    if first < dps and verdict.status is not Status.CONFIRMED:
        computed = quantity.compute(params, setting, dps)
        verdict = judge_claim(printed, computed)
        used = dps
    grade_verdict(verdict, printed, computed, ClaimContext(quantity, params, convention, grading_dps(printed, dps)),
                  file_severity, consequence)
    verdict.data.setdefault("quantity", quantity.name)
    verdict.data.setdefault("dps", used)
    if used != dps or first != dps:
        verdict.data.setdefault("dps_first", first)
    return verdict


def grading_dps(printed, dps) -> int:
    """The precision a comparison with the printed value needs: GRADING_MIN_DPS when a decimal's
    significant digits + GRADING_MARGIN fit in it (or for a word: a phase decided at that precision is
    decided), else the claim's ``dps``.  Two tiers only, so that claims at one parameter set share
    their solves (a solve at more digits serves fewer; cache.cached_covering)."""
    if printed.word:
        return min(dps, GRADING_MIN_DPS)
    if printed.exact or not printed.half_width:
        return dps
    import math

    import sympy

    value, half = abs(sympy.N(printed.value, 30)), sympy.N(printed.half_width, 30)
    if value == 0:
        return dps
    significant = max(1, math.ceil(math.log10(float(value) / float(half))))
    return min(dps, GRADING_MIN_DPS) if significant + GRADING_MARGIN <= GRADING_MIN_DPS else dps
