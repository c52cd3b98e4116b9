"""Seeds 002-004 after the audit: every verdict graded, no verdict field with nan, inf or a raw float, and each
new or re-decided checker able to say refuted (fed a wrong printed value) as well as confirmed."""
import json
import math
import re

import pytest

from proofs_checks import registry
from proofs_checks.verdict import SEVERITIES, STRENGTHS, Status

PREFIXES = ("jacot.", "narrow.", "review.")
TEXT_FIELDS = ("printed", "computed", "agreement", "evidence", "corrected", "decide", "reason", "severity_reason",
               "strength_reason")
# a float printed without a format: 8 or more decimals, or a long run of digits before the point
RAW_FLOAT = re.compile(r"\d\.\d{8,}|\d{10,}\.\d")
NONFINITE = re.compile(r"(?<![A-Za-z_])(nan|inf)(?![A-Za-z_])", re.IGNORECASE)  # as Python prints non-finite floats


@pytest.fixture(scope="module")
def quick_verdicts():
    return {c.id: registry.run_check(c, "quick") for c in registry.all_claims() if c.id.startswith(PREFIXES)}


def _finite(value):
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return all(_finite(v) for v in value)
    return True


def test_no_nan_inf_or_unformatted_float_in_any_verdict_field(quick_verdicts):
    for cid, v in quick_verdicts.items():
        assert v.status is not Status.ERROR, (cid, v.evidence)
        d = v.as_dict()
        for name in TEXT_FIELDS:
            text = str(d[name])
            assert not NONFINITE.search(text), (cid, name, text)
            assert not RAW_FLOAT.search(text), (cid, name, text)
        assert _finite(d["data"]), (cid, d["data"])
        json.dumps(d["data"], allow_nan=False, default=lambda o: o.tolist() if hasattr(o, "tolist") else str(o))


def test_every_refutation_has_a_severity_and_every_confirmation_a_strength(quick_verdicts):
    for cid, v in quick_verdicts.items():
        if v.status is Status.REFUTED:
            assert v.severity in SEVERITIES and v.severity_reason and v.corrected, cid
        if v.status is Status.CONFIRMED:
            assert v.strength in STRENGTHS and v.strength_reason, cid
        if v.status is Status.INCONCLUSIVE:
            assert v.decide, cid
        if v.status is Status.OUT_OF_SCOPE:
            assert len(v.reason) > 80, cid  # says precisely why


def test_no_wall_time_in_evidence(quick_verdicts):
    for cid, v in quick_verdicts.items():
        for name in TEXT_FIELDS:
            assert not re.search(r"\d\s*s(/| per) ?network|\bseconds\b", getattr(v, name)), (cid, name)
        assert "seconds" not in json.dumps(v.data, default=str), cid


def _checker(cid):
    return registry.get_claim(cid).checker


# new or re-decided claims: (id, keyword, value giving 'confirmed', value giving 'refuted')
TWO_WAY = [
    ("jacot.theorem3.gneiting", "c", 0.5, 2.0),
    ("jacot.kernel_gradient.global_minimum", "cost", "least_squares", "logistic"),  # logistic: no minimiser
    ("jacot.footnote1.smoothness", "min_rate", 0.0, 3.0),         # the ReLU NTK change decays, not like n^-3
    ("jacot.weight_shape", "widths", (3, 3, 2), (3, 5, 2)),       # n_l x n_{l+1} times R^{n_l}: only if square                   # exp(rho) - c rho: p.d. iff no negative coefficient
    ("jacot.least_squares.residual_decreasing", "lr", 1.0, 40.0),  # lr 40 is past the stable step 2N/lambda_max
    ("jacot.footnote2.norm_concentration", "power", 0.5, 1.0),     # the norm is sqrt(n0), not n0
    ("jacot.footnote3.beta_gap", "printed_factor", 10.0, 100.0),
    ("jacot.footnote4.gaussian_during_training", "min_rate", 0.0, 3.0),
    ("narrow.theorem3_3.multi_output", "kernel_constant", None, 1),  # the outputs follow x.x' + d_out + E
    ("narrow.figure5_1.accumulation", "min_fraction", 0.1, 0.99),
]


@pytest.mark.parametrize("cid,key,good,bad", TWO_WAY, ids=[t[0] for t in TWO_WAY])
def test_new_checkers_confirm_and_refute(cid, key, good, bad):
    check = _checker(cid)
    ok = check("quick", **{key: good})
    assert ok.status is Status.CONFIRMED, (ok.status, ok.computed)
    wrong = check("quick", **{key: bad})
    assert wrong.status is Status.REFUTED, (wrong.status, wrong.computed)
    assert wrong.corrected


def test_figure2_checker_reaches_all_three_outcomes():
    check = _checker("jacot.figure2.limit_distribution")
    assert check("quick", close_mean=10.0, close_sd=10.0).status is Status.CONFIRMED
    assert check("quick", close_mean=-1.0, close_sd=10.0).status is Status.REFUTED  # no offset is below -1
    assert check("quick").status in (Status.CONFIRMED, Status.INCONCLUSIVE, Status.REFUTED)


def test_vector_output_refuted_with_gap_d_out_minus_one_for_two_and_three_outputs(quick_verdicts):
    v = quick_verdicts["narrow.theorem3_1.vector_output"]
    assert v.status is Status.REFUTED and v.severity == "substantive"
    gaps = [float(g) for g in re.findall(r"exceeds the printed limit by ([\d., ]+) \(", v.computed)[0].split(",")]
    assert all(abs(g - 1) < 0.1 for g in gaps)  # d_out = 2
    gaps3 = [float(g) for g in re.findall(r"exceeds the printed limit by ([\d., ]+) \(", v.computed)[1].split(",")]
    assert len(gaps3) == 3 and all(abs(g - 2) < 0.1 for g in gaps3)  # d_out = 3
