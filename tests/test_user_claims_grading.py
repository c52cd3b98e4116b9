"""The computed grades of user claims: a refutation's severity and a confirmation's strength.

The printed values are built here from independent float64 references (tests/user_claims_reference.py,
scipy quadrature) by the edit each test names (a factor 2, a sign, a wrong exponent, a last-digit typo,
a std/variance mix-up), so that each grade is checked against what was done to a true value.
"""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest
import sympy

from proofs_checks import registry, report
from proofs_checks.cli import main
from proofs_checks.testing import check
from proofs_checks.user_claims import load_claims_file
from proofs_checks.user_claims.grading import _rational_typo
from proofs_checks.verdict import Status

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
sys.path.insert(0, str(ROOT / "tests"))
import user_claims_reference as ref  # noqa: E402

TANH = dict(activation="tanh", sigma_b="0.2")
SW, Q = ref.tanh_eoc(0.2)  # float64, ~1e-13


def _fmt(x, decimals=6):
    return f"{x:.{decimals}f}"


def _edit(text, position, digit):
    """``text`` with its ``position``-th digit (0-based, digits only) replaced by ``digit``."""
    idx = [i for i, ch in enumerate(text) if ch.isdigit()][position]
    return text[:idx] + digit + text[idx + 1:]


def _graded(printed, quantity="eoc.sigma_w", **params):
    v = check(quantity, printed, **dict(TANH, **params))
    assert v.status is Status.REFUTED, (printed, v.status, v.evidence)
    return v


def test_factor_two_is_substantive():
    v = _graded(_fmt(2 * SW))
    assert v.severity == "substantive" and "printed / computed = 2" in v.severity_reason


def test_sign_is_a_slip_and_a_consequence_makes_it_substantive():
    v = _graded(_fmt(-SW))
    assert v.severity == "slip" and "sign" in v.severity_reason
    exact = check("correlation_map.expansion", "-2*sqrt(2)/(3*pi)", activation="relu", term="(1 - c)**(3/2)")
    assert exact.status is Status.REFUTED and exact.severity == "slip"   # + 2 sqrt(2)/(3 pi): the reference below
    d = sympy.Symbol("d", positive=True)
    c = 1 - d**2
    f = (sympy.sqrt(1 - c**2) + (sympy.pi - sympy.acos(c)) * c) / sympy.pi
    assert sympy.simplify(sympy.series(f, d, 0, 4).removeO().coeff(d, 3) - 2 * sympy.sqrt(2) / (3 * sympy.pi)) == 0


def test_wrong_exponent_is_substantive_and_named(tmp_path):
    # the ReLU log term is -(27 pi^2/2) log(l)/l^3 (test_user_claims checks it independently); printed at l^-2
    v = verdicts_of(tmp_path, '''
[[claim]]
id = "x.exponent"
quantity = "depth_law.coefficient"
activation = "relu"
series = "one_minus_c"
term = "log(l)/l**2"
printed = "-27*pi**2/2"
''')["x.exponent"]
    assert v.status is Status.REFUTED and v.severity == "substantive"
    assert "log(l)^1/l^3" in v.severity_reason and "wrong exponent" in v.severity_reason


def test_square_of_the_value_is_a_wrong_exponent_where_no_convention_explains_it():
    v = _graded(_fmt(Q * Q), quantity="eoc.q_star")
    assert v.severity == "substantive" and "square" in v.severity_reason


@pytest.mark.parametrize("kind", ["substituted", "transposed", "rounding"])
def test_last_digit_typos_are_slips(kind):
    correct = _fmt(SW, 6)
    if kind == "substituted":
        printed = _edit(correct, 5, str((int(correct[6]) + 3) % 10))  # 5th decimal
    elif kind == "transposed":
        digits = [ch for ch in correct if ch.isdigit()]
        i = next(i for i in range(4, 6) if digits[i] != digits[i + 1])
        printed = _edit(_edit(correct, i, digits[i + 1]), i + 1, digits[i])
    else:  # the neighbour of the correct rounding on the value's side: within one unit, not half
        unit = 1e-6
        rounded = float(correct)
        printed = _fmt(rounded + unit if SW > rounded else rounded - unit, 6)
        assert 0.5 * unit < abs(float(printed) - SW) < unit
    v = _graded(printed)
    assert v.severity == "slip", (printed, v.severity_reason)
    assert {"substituted": "substituted", "transposed": "transposed", "rounding": "off by one unit"}[kind] \
        in v.severity_reason


def test_leading_digit_typo_moves_the_value_too_far_for_a_slip():
    correct = _fmt(SW, 6)
    v = _graded(_edit(correct, 0, "2"))  # 2.30...: a one-character edit, but 77% off
    assert v.severity == "substantive"


def test_an_approximation_within_one_percent_is_a_slip_a_formula_off_by_as_little_is_not():
    from proofs_checks.user_claims import load_claims_file as load

    v = {c.id: registry.run_check(c) for c in load(DATA / "issue14_example.toml").claims}
    eoc = v["example.eoc"]  # 1.298 for 1.30415 (the scipy reference): 0.47% off, not a one-digit edit
    assert abs(1.298 / SW - 1) < 0.01 and eoc.severity == "slip" and "approximation" in eoc.severity_reason
    assert v["example.relu_log"].severity == "substantive"
    # an exact expression 0.5% off is a wrong formula: (201/200) x the derived 9 pi^2/2
    w = check("depth_law.coefficient", "201*9*pi**2/400", activation="relu", series="one_minus_c", term="1/l**2")
    assert w.status is Status.REFUTED and w.severity == "substantive" and "201/200" in w.severity_reason


def test_std_variance_mix_up_is_notation():
    v = _graded(_fmt(SW * SW))  # sigma_w^2 printed as sigma_w
    assert v.severity == "notation" and "sigma_w^2" in v.severity_reason
    # the parameter read in the other convention: q* at sigma_b^2 = 0.2 printed for sigma_b = 0.2
    _, q_var = ref.tanh_eoc(math.sqrt(0.2))
    w = _graded(_fmt(q_var), quantity="eoc.q_star")
    assert w.severity == "notation" and "sigma_b read as variances" in w.severity_reason


def test_derivative_printed_for_the_taylor_coefficient_is_notation():
    f2 = ref.tanh_f2_on_eoc(0.2)
    v = _graded(_fmt(f2, 5), quantity="correlation_map.expansion", term="(1 - c)**2")
    assert v.severity == "notation" and "Taylor coefficient" in v.severity_reason
    assert check("correlation_map.expansion", _fmt(f2 / 2, 5), term="(1 - c)**2", **TANH).status is Status.CONFIRMED


def test_edge_printed_for_a_point_near_it_is_a_slip_far_from_it_substantive():
    # chi_1 at (1.298, 0.2) from the scipy reference: 0.9966, ordered and within 1% of the edge
    assert 0.99 < ref.tanh_chi(1.298, 0.2) < 1
    near = check("phase", "edge", activation="tanh", sigma_w="1.298", sigma_b="0.2")
    assert near.status is Status.REFUTED and near.severity == "slip" and "depth scale" in near.severity_reason
    assert ref.tanh_chi(1.0, 0.2) < 0.9
    far = check("phase", "edge", activation="tanh", sigma_w="1", sigma_b="0.2")
    assert far.status is Status.REFUTED and far.severity == "substantive"
    wrong_side = check("phase", "chaotic", activation="tanh", sigma_w="1.298", sigma_b="0.2")
    assert wrong_side.status is Status.REFUTED and wrong_side.severity == "substantive"


def test_rational_digit_typo():
    assert _rational_typo(sympy.Rational(997, 1243), sympy.Rational(997, 1234))  # transposed 3, 4
    assert _rational_typo(sympy.Rational(27, 23), sympy.Rational(27, 32)) is None  # 39% off: not a slip


def verdicts_of(tmp_path, claims, header='[document]\ntitle = "t"\n'):
    path = tmp_path / "graded.claims.toml"
    path.write_text(header + claims)
    doc = load_claims_file(path)
    return {c.id: registry.run_check(c) for c in doc.claims}


FILE = '''
[[claim]]
id = "g.sign"
quantity = "correlation_map.expansion"
activation = "relu"
term = "(1 - c)**(3/2)"
printed = "-2*sqrt(2)/(3*pi)"

[[claim]]
id = "g.sign_matters"
quantity = "correlation_map.expansion"
activation = "relu"
term = "(1 - c)**(3/2)"
printed = "-2*sqrt(2)/(3*pi)"
consequence = "the sign decides whether c^l approaches 1 from below"

[[claim]]
id = "g.override"
quantity = "chi_1"
activation = "relu"
sigma_w2 = 2
printed = "2"
severity = "notation"

[[claim]]
id = "g.definitional"
quantity = "correlation_map.derivative"
activation = "relu"
order = 1
printed = "1"

[[claim]]
id = "g.exact"
quantity = "depth_law.coefficient"
activation = "relu"
series = "one_minus_c"
term = "1/l**2"
printed = "9*pi**2/2"
'''


def test_file_fields_consequence_and_override(tmp_path):
    v = verdicts_of(tmp_path, FILE)
    assert v["g.sign"].severity == "slip"
    assert v["g.sign_matters"].severity == "substantive" and "from below" in v["g.sign_matters"].severity_reason
    over = v["g.override"]
    assert over.severity == "notation" and "set by the claims file" in over.severity_reason
    assert "computed: substantive" in over.severity_reason and over.data["severity_computed"] is False
    assert v["g.definitional"].strength == "consistency" and "Edge of Chaos" in v["g.definitional"].strength_reason
    assert v["g.exact"].strength == "independent"


def test_bad_severity_field_is_a_one_line_input_error(tmp_path):
    v = verdicts_of(tmp_path, FILE.replace('severity = "notation"', 'severity = "minor"'))
    bad = v["g.override"]
    assert bad.status is Status.ERROR and "field 'severity'" in bad.data["input_error"]
    assert v["g.sign"].status is Status.REFUTED  # the others still judged


def test_weak_and_independent_decimals():
    weak = check("eoc.sigma_w", "1.3", **TANH)
    assert weak.status is Status.CONFIRMED and weak.strength == "weak"
    strong = check("eoc.sigma_w", _fmt(SW, 10), **TANH)
    assert strong.strength == "independent" and "agreement of two computations" in strong.strength_reason


def test_json_and_summary_count_user_grades(tmp_path, capsys):
    path = tmp_path / "g.claims.toml"
    path.write_text('[document]\ntitle = "t"\n' + FILE)
    assert main(["check", str(path), "--json", "--no-timing"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["severity_counts"] == {"substantive": 1, "slip": 1, "notation": 1, "ungraded": 0}
    assert out["strength_counts"] == {"independent": 1, "consistency": 1, "weak": 0, "ungraded": 0}
    record = next(r for r in out["claims"] if r["id"] == "g.sign")
    assert record["severity"] == "slip" and "sign" in record["severity_reason"]
    doc = load_claims_file(path)
    results = [(c, registry.run_check(c)) for c in doc.claims]
    assert "refuted by severity: 1 substantive, 1 slip, 1 notation" in "\n".join(report.summary_lines(results))


# --- the typo rules as properties (synthetic values: no computation) ------------------------------

from hypothesis import given, settings, strategies as st  # noqa: E402


def _synthetic(mid_text):
    import mpmath

    from asymptotics.accuracy import Approx

    with mpmath.workdps(40):
        mid = mpmath.mpf(mid_text)
        return Approx(mid, mid * mpmath.mpf(10) ** -30, "certified")


@settings(max_examples=80, deadline=None)
@given(st.integers(min_value=1_000_000, max_value=9_999_999), st.integers(min_value=3, max_value=6),
       st.integers(min_value=1, max_value=9), st.booleans())
def test_one_digit_edits_beyond_the_third_digit_are_slips_at_the_first_never(mantissa, position, shift, transpose):
    from proofs_checks.user_claims.grading import _approximation, typo_of
    from proofs_checks.user_claims.values import parse_printed

    value = _synthetic(f"{mantissa}e-6")  # d.dddddd, exactly representable as printed
    correct = f"{mantissa / 10**6:.6f}"
    digits = [ch for ch in correct if ch.isdigit()]
    if transpose and position < 6 and digits[position] != digits[position + 1]:
        edited = _edit(_edit(correct, position, digits[position + 1]), position + 1, digits[position])
        assert "transposed" in typo_of(parse_printed(edited), value)
    else:
        edited = _edit(correct, position, str((int(digits[position]) + shift) % 10))
        found = typo_of(parse_printed(edited), value)
        assert found and ("substituted" in found or "off by one unit" in found), (edited, correct)
    lead = _edit(correct, 0, str((int(digits[0]) + shift) % 10 or 1))
    if lead != correct:  # a changed first digit moves the value by >= 10%: no typo, no approximation
        assert typo_of(parse_printed(lead), value) is None and _approximation(parse_printed(lead), value) is None
