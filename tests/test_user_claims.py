"""Users' own claims: claims files, the catalogue, verdicts, bad input, the pytest plugin, documents.

The printed values of the true claims in tests/data/catalogue_mix.toml are checked here against
independent references (tests/user_claims_reference.py: scipy quadrature, plain recursions, sympy
series of the arc-cosine kernel), so that "confirmed" is not circular.
"""
from __future__ import annotations

import json
import math
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sympy

from proofs_checks import registry
from proofs_checks.cli import main
from proofs_checks.user_claims import ClaimInputError, load_claims_file
from proofs_checks.verdict import Status

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
sys.path.insert(0, str(ROOT / "tests"))
import user_claims_reference as ref  # noqa: E402


def verdicts(path):
    doc = load_claims_file(path)
    return {c.id: registry.run_check(c) for c in doc.claims}


# --- the issue's file ---------------------------------------------------------------------------

def test_issue_file_is_the_example_verbatim():
    assert (DATA / "issue14_example.toml").read_text() == (ROOT / "examples" / "example.claims.toml").read_text()


def test_issue_file_verdicts():
    v = verdicts(DATA / "issue14_example.toml")
    eoc = v["example.eoc"]
    assert eoc.status is Status.REFUTED
    sw, _ = ref.tanh_eoc(0.2)  # independent float64 reference, ~1e-13
    assert eoc.computed.startswith(f"{sw:.12f}"[:13])
    assert "digits" in eoc.corrected and "agreement" in eoc.corrected
    assert "half a unit" in eoc.evidence and "Would be overturned by" in eoc.evidence
    kappa = v["example.relu_kappa"]
    assert kappa.status is Status.CONFIRMED and kappa.strength == "independent"
    log = v["example.relu_log"]
    assert log.status is Status.REFUTED
    assert "-27*pi**2/2" in log.corrected and "derived symbolically" in log.corrected


def test_relu_depth_law_references():
    """Independent of the Fatou derivation: d delta/dl = -s delta^(3/2) gives delta ~ 4/(s^2 l^2), and
    f'(1 - delta) = 1 - sqrt(2 delta)/pi then gives 1 - 3/l (the file's true depth-law claims)."""
    s = 2 * sympy.sqrt(2) / (3 * sympy.pi)
    assert sympy.simplify(4 / s**2 - 9 * sympy.pi**2 / 2) == 0
    assert sympy.simplify(sympy.sqrt(2 * 9 * sympy.pi**2 / 2) / sympy.pi - 3) == 0


# --- a file across the catalogue ----------------------------------------------------------------

EXPECTED = {
    "mix.eoc_tanh": "confirmed", "mix.eoc_tanh_variance": "confirmed", "mix.eoc_erf_factor2": "refuted",
    "mix.q_star_tanh": "confirmed", "mix.chi_tanh": "confirmed", "mix.chi_relu_factor2": "refuted",
    "mix.chi_leaky": "confirmed", "mix.relu_fprime_sqrt": "confirmed", "mix.relu_map_sign": "refuted",
    "mix.tanh_f2": "confirmed", "mix.relu_kappa": "confirmed", "mix.relu_log_exponent": "refuted",
    "mix.relu_slope": "confirmed", "mix.ntk_limit": "confirmed", "mix.ntk_rate_factor2": "refuted",
    "mix.gram_det": "confirmed", "mix.weights_wrong": "refuted", "mix.phase_edge": "refuted",
    "mix.phase_relu": "confirmed", "mix.kernel_relu": "confirmed", "mix.kernel_ntk_factor2": "refuted",
    "mix.kernel_ntk": "confirmed", "mix.ordered_K": "confirmed", "mix.ell0_term": "inconclusive",
    "mix.gelu_kernel": "inconclusive",
}


@pytest.fixture(scope="module")
def mix():
    return verdicts(DATA / "catalogue_mix.toml")


# the computed grade of each deliberate error (tests/test_user_claims_grading.py: the policy case by case)
SEVERITY = {"mix.eoc_erf_factor2": "substantive", "mix.chi_relu_factor2": "substantive", "mix.relu_map_sign": "slip",
            "mix.relu_log_exponent": "substantive", "mix.ntk_rate_factor2": "substantive",
            "mix.weights_wrong": "substantive", "mix.phase_edge": "slip", "mix.kernel_ntk_factor2": "substantive"}


def test_catalogue_mix_verdicts(mix):
    assert len(mix) >= 15
    assert {k: v.status.value for k, v in mix.items()} == EXPECTED
    assert {k: v.severity for k, v in mix.items() if v.status is Status.REFUTED} == SEVERITY
    assert mix["mix.ordered_K"].strength == "consistency"  # one recursion read at two depths
    assert mix["mix.relu_kappa"].strength == "independent"
    for cid, v in mix.items():
        if v.status is Status.REFUTED:
            assert v.corrected and v.computed and v.evidence and v.severity_reason, cid
        if v.status is Status.CONFIRMED:
            assert v.strength in ("independent", "consistency", "weak") and v.strength_reason, cid
        if v.status is Status.INCONCLUSIVE:
            assert v.decide, cid


def test_catalogue_mix_printed_values_are_true_by_independent_references():
    doc = {c["id"]: c for c in __import__("tomllib").loads((DATA / "catalogue_mix.toml").read_text())["claim"]}

    def close(cid, reference, rel=1e-12):
        printed = float(doc[cid]["printed"])
        half = 0.5 * 10 ** -len(doc[cid]["printed"].split(".")[1])
        assert abs(printed - reference) <= half + rel * abs(reference), (cid, printed, reference)

    sw, q = ref.tanh_eoc(0.2)
    close("mix.eoc_tanh", sw)
    close("mix.eoc_tanh_variance", sw * sw)
    close("mix.q_star_tanh", q)
    close("mix.chi_tanh", ref.tanh_chi(1.298, 0.2))
    close("mix.tanh_f2", ref.tanh_f2_on_eoc(0.2), rel=1e-9)
    one_minus, ntk = ref.relu_pair(0.5, 10)
    close("mix.kernel_relu", one_minus)
    close("mix.kernel_ntk", ntk)
    close("mix.ordered_K", float(ref.relu_ordered_k("0.5", 1, "0.1")))
    erf_sw, _ = ref.erf_eoc(0.2)
    assert abs(float(doc["mix.eoc_erf_factor2"]["printed"]) - 2 * erf_sw) < 1e-10  # the wrong one is wrong
    assert abs(ref.gram_det_limit(3, 0.25) - 27 / 32) < 1e-14
    # ReLU map at c = 1 from the arc-cosine kernel by sympy series: f(c) = 2 k(c) on the EOC
    d = sympy.Symbol("d", positive=True)
    c = 1 - d**2
    f = (sympy.sqrt(1 - c**2) + (sympy.pi - sympy.acos(c)) * c) / sympy.pi
    fprime = (sympy.pi - sympy.acos(c)) / sympy.pi
    fs, fps = sympy.series(f, d, 0, 4).removeO(), sympy.series(fprime, d, 0, 2).removeO()
    assert sympy.simplify(fs.coeff(d, 3) - 2 * sympy.sqrt(2) / (3 * sympy.pi)) == 0   # + sign: file's claim is wrong
    assert sympy.simplify(fps.coeff(d, 1) + sympy.sqrt(2) / sympy.pi) == 0


def test_ordered_phase_k_for_erf_against_williams_closed_form():
    from proofs_checks.testing import assert_certified, value

    import mpmath

    k_ref, chi = ref.erf_ordered_k("0.5", "1", "0.2")
    assert chi < 1
    assert_certified(value("ordered_phase.K", activation="erf", sigma_w="1", sigma_b="0.2", rho="0.5"),
                     mpmath.nstr(k_ref, 40), digits=18)


def test_smooth_depth_laws_against_their_definitions():
    """tanh on its EOC: 1 - c^l ~ 2/(f''(1) l) (leading order of delta' = delta - f''(1) delta^2/2),
    f'(c^l) ~ 1 - 2/l, K^L/L -> q*/3 (alpha = 2), with f''(1) and q* from the scipy reference."""
    from proofs_checks.testing import value

    f2 = ref.tanh_f2_on_eoc(0.2)
    _, q = ref.tanh_eoc(0.2)
    lead = value("depth_law.coefficient", activation="tanh", sigma_b="0.2", series="one_minus_c", term="1/l")
    assert abs(float(lead.mid) - 2 / f2) < 1e-8
    slope = value("depth_law.coefficient", activation="tanh", sigma_b="0.2", series="derivative", term="1/l")
    assert abs(float(slope.mid) + 2) < 1e-15
    ntk = value("depth_law.coefficient", activation="tanh", sigma_b="0.2", series="ntk_rate", term="1")
    assert abs(float(ntk.mid) - q / 3) < 1e-10


def test_kernel_from_input_vectors():
    """x = (1, 0), y = (1/2, 1/2): rho = 1/sqrt(2) (irrational), against the textbook float64 recursion."""
    from proofs_checks.testing import value

    v = value("kernel.one_minus_rho", activation="relu", x=["1", "0"], y=["0.5", "0.5"], depth=10)
    expected, _ = ref.relu_pair(0.5 / math.sqrt(0.5), 10)
    assert v.method == "certified" and abs(float(v.mid) - expected) < 1e-13
    w = value("kernel.normalised_ntk", activation="relu", sigma_w2="2", x=["3", "0"], y=["0", "1"], depth=5)
    q_x, q_y = 2 * 9 / 2, 2 * 1 / 2
    _, ntk_same = ref.relu_pair(0.0, 5, sw2=2.0)  # rho = 0; on the ReLU EOC the normalised NTK is scale-free
    assert abs(float(w.mid) - ntk_same) < 1e-13 and q_x != q_y


def test_tanh_kernel_on_the_eoc_against_gauss_hermite():
    from proofs_checks.testing import value

    v = value("kernel.one_minus_rho", activation="tanh", sigma_b="0.2", rho="0.5", depth=10)
    assert abs(float(v.mid) - ref.tanh_eoc_correlation(0.5, 10)) < 1e-10
    assert v.correct_digits >= 15


def test_refuted_numeric_value_is_identified():
    """1 - rho^(2) for ReLU at rho = 0 is 1 - k(0)/k(1) = 1 - 1/pi; a wrong printed 1 - 2/pi is refuted and
    the computed value identified over the printed constant pi."""
    from proofs_checks.testing import check

    v = check("kernel.one_minus_rho", "1 - 2/pi", activation="relu", rho="0", depth=2, dps=30)
    assert v.status is Status.REFUTED
    assert "identified numerically to" in v.corrected
    expr = sympy.sympify(v.data["identified"])
    assert sympy.simplify(expr - (1 - 1 / sympy.pi)) == 0
    assert v.data["identified_digits"] >= 25


def test_decimal_rules_tolerance_and_digits():
    from proofs_checks.testing import check

    sw, _ = ref.tanh_eoc(0.2)
    assert check("eoc.sigma_w", "1.304", activation="tanh", sigma_b="0.2").status is Status.CONFIRMED
    assert check("eoc.sigma_w", "1.305", activation="tanh", sigma_b="0.2").status is Status.REFUTED
    assert check("eoc.sigma_w", "1.298", activation="tanh", sigma_b="0.2", tolerance="0.01").status is Status.CONFIRMED
    assert check("eoc.sigma_w", "1.298", activation="tanh", sigma_b="0.2", digits=2).status is Status.CONFIRMED
    assert check("eoc.sigma_w", "1.298", activation="tanh", sigma_b="0.2", digits=3).status is Status.REFUTED
    weak = check("eoc.sigma_w", "1.3", activation="tanh", sigma_b="0.2")
    assert weak.status is Status.CONFIRMED and weak.strength == "weak"
    assert check("eoc.sigma_w", f"{sw:.10f}", activation="tanh", sigma_b=0.2).status is Status.CONFIRMED


def test_convention_variance_reads_parameters_as_variances():
    from proofs_checks.testing import check

    # sigma_w^2 = 2 in convention variance is sigma_w = sqrt(2) in convention std: ReLU chi_1 = 1 either way
    assert check("chi_1", "1", activation="relu", sigma_w="2", convention="variance").status is Status.CONFIRMED
    assert check("chi_1", "1", activation="relu", sigma_w="sqrt(2)").status is Status.CONFIRMED
    assert check("chi_1", "1", activation="relu", sigma_w="2").status is Status.REFUTED  # std 2: chi_1 = 2


# --- bad input ------------------------------------------------------------------------------------

def test_broken_claims_are_reported_and_the_others_judged():
    path = DATA / "broken_claims.toml"
    v = verdicts(path)
    assert v["good.relu_kappa"].status is Status.CONFIRMED
    fields = {"bad.quantity": "quantity", "bad.activation": "activation", "bad.parameter": "sigma_bias",
              "bad.range": "rho", "bad.negative": "sigma_b", "bad.printed": "printed", "bad.no_eoc": "sigma_b",
              "claim#9": "id"}
    for cid, field in fields.items():
        assert v[cid].status is Status.ERROR, cid
        line = v[cid].data["input_error"]
        assert "\n" not in line and str(path) in line and f"field '{field}'" in line, (cid, line)
        if cid != "claim#9":
            assert f"claim '{cid}'" in line


def test_cli_exit_2_one_line_per_broken_claim(capsys):
    rc = main(["check", str(DATA / "broken_claims.toml")])
    err = capsys.readouterr().err
    progress = ("ntk-verify: [", "ntk-verify: checked ")  # the periodic progress lines on stderr
    errors = [line for line in err.splitlines() if not line.startswith(progress)]
    assert rc == 2
    assert len(errors) == 8 and all(line.startswith("ntk-verify: error: ") for line in errors)
    assert "Traceback" not in err


@pytest.mark.parametrize("content, field", [
    (None, "file"),
    ("[[claim]\nid = 1", "toml"),
    ("[document]\ntitle = 'x'\n", "claim"),
    ("[document]\ncolour = 'x'\n[[claim]]\nid='a'\nquantity='chi_1'\nprinted='1'\n", "document.colour"),
])
def test_unreadable_files(tmp_path, capsys, content, field):
    path = tmp_path / "paper.claims.toml"
    if content is not None:
        path.write_text(content)
    with pytest.raises(ClaimInputError) as info:
        load_claims_file(path)
    assert info.value.field == field and str(path) in str(info.value)
    capsys.readouterr()
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"field '{field}'" in err


# --- CLI -----------------------------------------------------------------------------------------

def test_check_mixes_files_and_builtin_ids(capsys):
    rc = main(["check", str(DATA / "issue14_example.toml"), "hayou.fact14", "--json"])
    out = json.loads(capsys.readouterr().out)
    ids = [r["id"] for r in out["claims"]]
    assert rc == 0 and "example.eoc" in ids and any(i.startswith("hayou.fact14") for i in ids)


def test_template_is_a_valid_file_of_true_claims(tmp_path, capsys):
    assert main(["claims", "--template"]) == 0
    text = capsys.readouterr().out
    assert text.count("\n# ") >= 5
    path = tmp_path / "starter.claims.toml"
    path.write_text(text)
    v = verdicts(path)
    assert v and all(x.status is Status.CONFIRMED for x in v.values()), {k: x.status for k, x in v.items()}


def test_quantities_command_lists_the_catalogue(capsys):
    assert main(["quantities", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    names = {r["name"] for r in rows}
    for name in ("eoc.sigma_w", "eoc.q_star", "chi_1", "correlation_map.derivative", "correlation_map.expansion",
                 "depth_law.coefficient", "kernel.one_minus_rho", "kernel.sigma", "kernel.sigma_dot", "kernel.ntk",
                 "kernel.normalised_ntk", "phase", "limit.gram_det", "limit.weights", "ordered_phase.K"):
        assert name in names
    depth = next(r for r in rows if r["name"] == "depth_law.coefficient")
    assert {"series", "term"} <= set(depth["required"]) and "sigma_b" in depth["parameters"]


# --- the pytest plugin ---------------------------------------------------------------------------

PLUGIN_FILE = """
[[claim]]
id = "p.kappa"
quantity = "depth_law.coefficient"
series = "one_minus_c"
term = "1/l**2"
printed = "9*pi**2/2"

[[claim]]
id = "p.slope"
quantity = "depth_law.coefficient"
series = "derivative"
term = "1/l"
printed = "-3"

[[claim]]
id = "p.log_wrong"
quantity = "depth_law.coefficient"
series = "one_minus_c"
term = "log(l)/l**3"
printed = "-3*sqrt(9*pi**2/2)"

[[claim]]
id = "p.det_wrong"
quantity = "limit.gram_det"
n = 2
printed = "0"

[[claim]]
id = "p.ell0"
quantity = "depth_law.coefficient"
series = "one_minus_c"
term = "1/l**3"
printed = "1"

[[claim]]
id = "p.broken"
quantity = "chi_1"
activation = "relu"
sigma_w = "-1"
printed = "1"
"""


def test_pytest_plugin_collects_claims(pytester):
    pytester.syspathinsert(str(ROOT))
    pytester.makefile(".claims.toml", my_paper=PLUGIN_FILE)
    result = pytester.runpytest("-p", "proofs_checks.pytest_plugin", "my_paper.claims.toml", "-rs")
    result.assert_outcomes(passed=2, failed=3, skipped=1)
    result.stdout.fnmatch_lines(["*p.log_wrong refuted*-27*pi**2/2*", "*depends on the initial correlation*"])
    result.stdout.fnmatch_lines(["*field 'sigma_w'*"])


def test_pytest_plugin_finds_files_under_testpaths(pytester):
    pytester.syspathinsert(str(ROOT))
    pytester.makeini("[pytest]\ntestpaths = checks\n")
    sub = pytester.mkdir("checks")
    (sub / "paper.claims.toml").write_text(PLUGIN_FILE)
    (sub / "notes.toml").write_text("not = 'claims'\n")  # a .toml that is not a claims file is not collected
    result = pytester.runpytest("-p", "proofs_checks.pytest_plugin")
    result.assert_outcomes(passed=2, failed=3, skipped=1)


def test_pytest_plugin_explicit_toml_and_broken_file(pytester):
    pytester.syspathinsert(str(ROOT))
    pytester.makefile(".toml", paper=PLUGIN_FILE)
    result = pytester.runpytest("-p", "proofs_checks.pytest_plugin", "paper.toml")
    result.assert_outcomes(passed=2, failed=3, skipped=1)
    pytester.makefile(".claims.toml", malformed="[[claim]\nid = 1\n")
    result = pytester.runpytest("-p", "proofs_checks.pytest_plugin", "malformed.claims.toml")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*malformed.claims.toml: field 'toml': malformed TOML*"])


def test_example_test_file_passes(pytester):
    pytester.syspathinsert(str(ROOT))
    pytester.copy_example(str(ROOT / "examples" / "test_my_constants.py"))
    result = pytester.runpytest("-p", "proofs_checks.pytest_plugin", "test_my_constants.py")
    result.assert_outcomes(passed=4)


# --- the public helpers ----------------------------------------------------------------------------

def test_assert_certified():
    import mpmath

    from asymptotics.accuracy import Approx
    from proofs_checks.testing import assert_certified, value

    v = value("depth_law.coefficient", series="one_minus_c", term="1/l**2")
    assert assert_certified(v, "9*pi**2/2") >= 10
    with pytest.raises(AssertionError):
        assert_certified(v, "9*pi**2/2 + 1e-30")          # excluded by the enclosure
    with pytest.raises(AssertionError):
        assert_certified(44.41321980490211, "9*pi**2/2")  # a bare float certifies nothing
    wide = Approx(mpmath.mpf("1.304146"), mpmath.mpf("1e-3"), "agreement")
    with pytest.raises(AssertionError, match="too wide"):
        assert_certified(wide, "1.3041458400565114", digits=6)
    with pytest.raises(AssertionError, match="estimate"):
        assert_certified(Approx(mpmath.mpf(1), mpmath.mpf("1e-20"), "estimate"), 1, digits=5)
    assert_certified(Approx(mpmath.mpf("1.30414584"), mpmath.mpf("1e-9"), "agreement"), "1.3041458400565114", digits=8)


# --- documents from the user's own package --------------------------------------------------------

DOC_MODULE = '''
"""A user's document module: claims registered exactly like the built-in ones."""
from proofs_checks.registry import claim
from proofs_checks.verdict import judge
from proofs_checks.testing import value


@claim("{prefix}.eoc_tanh", "{prefix}_paper.pdf", (3, 3), r"\\sigma_w = 1.3041", "constant", title="EOC of tanh")
def _eoc(level):
    v = value("eoc.sigma_w", activation="tanh", sigma_b="0.2")
    ok = abs(float(v.mid) - 1.3041) <= 0.00005 - float(v.rad)
    return judge("1.3041", str(v.mid), ok, "4 digits", "EOC solve", corrected=str(v.mid))


@claim("{prefix}.wrong", "{prefix}_paper.pdf", (5, 5), r"\\sigma_w = 1.298", "constant", title="wrong")
def _wrong(level):
    v = value("eoc.sigma_w", activation="tanh", sigma_b="0.2")
    ok = abs(float(v.mid) - 1.298) <= 0.0005
    return judge("1.298", str(v.mid), ok, "4 digits", "EOC solve", corrected=str(v.mid))
'''


def _write_module(tmp_path, name, prefix):
    pkg = tmp_path / name
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "paper_claims.py").write_text(DOC_MODULE.replace("{prefix}", prefix))
    return f"{name}.paper_claims"


def test_claims_module_option(tmp_path, monkeypatch, capsys):
    monkeypatch.syspath_prepend(str(tmp_path))
    module = _write_module(tmp_path, "userpkg_opt", "userdoc")
    rc = main(["check", "--claims-module", module, "--json"])
    out = json.loads(capsys.readouterr().out)
    status = {r["id"]: r["status"] for r in out["claims"]}
    assert rc == 0 and status == {"userdoc.eoc_tanh": "confirmed", "userdoc.wrong": "refuted"}
    assert main(["check", "--claims-module", "no_such_module_xyz"]) == 2
    assert "--claims-module" in capsys.readouterr().err


def test_entry_point_group(tmp_path):
    """A distribution on sys.path that names its document module under ntk_verify.documents."""
    module = _write_module(tmp_path, "userpkg_ep", "epdoc")
    dist = tmp_path / "userpkg_ep-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: userpkg-ep\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(f"[ntk_verify.documents]\nmy_paper = {module}\n")
    code = textwrap.dedent(f"""
        import json, sys
        sys.path[:0] = [{str(tmp_path)!r}, {str(ROOT)!r}]
        from proofs_checks import registry
        ids = [c.id for c in registry.all_claims()]
        print(json.dumps([i for i in ids if i.startswith("epdoc.")]))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=str(tmp_path))
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == ["epdoc.eoc_tanh", "epdoc.wrong"]


def test_user_registered_activation_through_document_import(tmp_path, monkeypatch):
    """phi = sin registered by the user's module: sigma_b = 0 and phi(0) = 0 put the EOC at
    sigma_w = 1/|phi'(0)| = 1; chi_1 at sigma_w = 1/2 is sigma_w^2 phi'(0)^2 = 1/4 (q* = 0)."""
    monkeypatch.syspath_prepend(str(tmp_path))
    (tmp_path / "my_acts_mod.py").write_text(
        "import mpmath\nfrom asymptotics.activations import register_custom_activation\n"
        "register_custom_activation('my_sin', mpmath.sin, [mpmath.cos, lambda x: -mpmath.sin(x), "
        "lambda x: -mpmath.cos(x)], odd=True)\n")
    path = tmp_path / "sin.claims.toml"
    path.write_text('[document]\nimport = ["my_acts_mod"]\n\n[[claim]]\nid = "s.eoc"\nquantity = "eoc.sigma_w"\n'
                    'activation = "my_sin"\nsigma_b = 0\nprinted = "1"\n\n[[claim]]\nid = "s.wrong"\n'
                    'quantity = "eoc.sigma_w"\nactivation = "my_sin"\nsigma_b = 0\nprinted = "2"\n')
    v = verdicts(path)
    assert v["s.eoc"].status is Status.CONFIRMED and v["s.wrong"].status is Status.REFUTED
    path.write_text('[document]\nimport = ["no_such_acts_xyz"]\n[[claim]]\nid="a"\nquantity="chi_1"\nprinted="1"\n')
    with pytest.raises(ClaimInputError, match="document.import"):
        load_claims_file(path)


# --- speed and the cache ---------------------------------------------------------------------------

def test_cache_serves_repeated_parameters():
    from proofs_checks.user_claims import cache

    cache.clear()
    doc = load_claims_file(DATA / "catalogue_mix.toml")
    for c in doc.claims:
        registry.run_check(c)
    hits = cache.STATS["hits"]
    assert hits >= 5  # the tanh EOC at sigma_b = 0.2 alone serves three claims
    before = dict(cache.STATS)
    for c in doc.claims[:4]:
        registry.run_check(c)
    assert cache.STATS["misses"] == before["misses"]  # a second pass computes nothing new


# --- properties of the printed-value rules --------------------------------------------------------

from fractions import Fraction  # noqa: E402

from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=-10**9, max_value=10**9), st.integers(min_value=0, max_value=9),
       st.integers(min_value=-20, max_value=20))
def test_printed_decimal_half_unit(mantissa, decimals, exponent):
    from proofs_checks.user_claims.values import parse_printed

    digits = str(abs(mantissa)).rjust(decimals + 1, "0")
    text = ("-" if mantissa < 0 else "") + (digits[:len(digits) - decimals] + "." + digits[len(digits) - decimals:]
                                            if decimals else digits + ".") + f"e{exponent}"
    p = parse_printed(text)
    assert not p.exact
    assert Fraction(str(p.value)) == Fraction(mantissa) / 10**decimals * Fraction(10) ** exponent
    assert p.half_width == Fraction(1, 2) * Fraction(10) ** (exponent - decimals)


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=-10**6, max_value=10**6), st.integers(min_value=1, max_value=10**6))
def test_exact_numbers_are_exact(p, q):
    from proofs_checks.user_claims.values import as_argument, exact_number, parse_printed

    x = exact_number("sigma_w2", f"{p}/{q}")
    assert x == Fraction(p, q)
    printed = parse_printed(f"{p}/{q}")
    assert printed.exact and printed.value == sympy.Rational(p, q)
    text = as_argument(x)
    assert abs(Fraction(text) - x) <= abs(x) * Fraction(1, 10**79) + Fraction(1, 10**300)


def test_kernel_quantity_for_a_smooth_activation_at_given_variances(tmp_path):
    """kernel.one_minus_rho of GELU (no closed form) through the digits-agreed pair path, against an
    independent reference: the textbook recursion with 2-D Gaussian expectations by mpmath.quad."""
    import mpmath

    from proofs_checks.testing import value

    sw2, sb2 = mpmath.mpf(3) / 2, mpmath.mpf(1) / 20
    with mpmath.workdps(20):
        gelu = lambda x: x * (1 + mpmath.erf(x / mpmath.sqrt(2))) / 2
        q, c = mpmath.mpf(1), mpmath.mpf(1) / 2
        for _ in range(2):  # layer 1 -> 3
            def cross(z1, z2, q=q, c=c):
                u = mpmath.sqrt(q) * z1
                v = (c / mpmath.sqrt(q)) * z1 + mpmath.sqrt(q - c * c / q) * z2
                return gelu(u) * gelu(v) * mpmath.npdf(z1) * mpmath.npdf(z2)
            diag = mpmath.quad(lambda z: gelu(mpmath.sqrt(q) * z) ** 2 * mpmath.npdf(z), [-mpmath.inf, 0, mpmath.inf])
            off = mpmath.quad(cross, [-12, 0, 12], [-12, 0, 12])
            q, c = sb2 + sw2 * diag, sb2 + sw2 * off
        reference = 1 - c / q
    got = value("kernel.one_minus_rho", activation="gelu", convention="variance", sigma_w="3/2", sigma_b="1/20",
                rho="1/2", depth=3)
    assert got.method == "agreement" and got.correct_digits >= 12
    assert abs(got.mid - reference) <= got.rad + mpmath.mpf(10) ** -12 * abs(reference)
