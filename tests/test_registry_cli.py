"""The claim registry, the verdict model, the report renderers and the claims/check/report CLI."""
import json

import mpmath
import pytest

from proofs_checks import cli, registry, report
from proofs_checks.verdict import Status, Verdict, judge


def run(argv, capsys):
    code = cli.main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_claims_lists_every_registered_claim(capsys):
    code, out, _ = run(["claims", "--json"], capsys)
    rows = json.loads(out)
    assert code == 0
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)) == len(registry.all_claims())
    assert any(i.startswith("hayou.") for i in ids)
    for r in rows:
        assert r["source"] and r["kind"] and r["statement"]


def test_claims_table_and_prefix_filter(capsys):
    code, out, _ = run(["claims", "hayou.fact14"], capsys)
    assert code == 0
    assert "hayou.fact14.s" in out and "hayou.fact14.b" in out and "hayou.fact8" not in out


def test_check_needs_ids_or_all(capsys):
    code, _, err = run(["check"], capsys)
    assert code == 2
    assert "argument 'ID'" in err and err.count("\n") == 1


def test_unknown_claim_is_a_one_line_input_error(capsys):
    code, _, err = run(["check", "no.such.claim"], capsys)
    assert code == 2
    assert err.startswith("ntk-verify: error: argument 'claim id'") and err.count("\n") == 1


def test_unknown_level_is_rejected(capsys):
    with pytest.raises(SystemExit) as exc:  # argparse choices: one-line error, status 2
        cli.main(["check", "hayou.fact11", "--level", "deep"])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and "--level" in err and err.count("\n") == 1


def test_check_json_for_a_confirmed_and_a_refuted_claim(capsys):
    # Fact 11 holds (exact rationals); Appendix Lemma 6 fails at l = 0 for a_0 > 1 (see its checker):
    # a refutation is a finding, so the exit status stays 0
    code, out, _ = run(["check", "hayou.fact11", "hayou.app_lemma6", "--json"], capsys)
    data = json.loads(out)
    assert code == 0
    status = {c["id"]: c["status"] for c in data["claims"]}
    assert status == {"hayou.fact11.relu_eoc_variance": "confirmed", "hayou.app_lemma6.geometric": "refuted"}
    refuted_row = [c for c in data["claims"] if c["status"] == "refuted"][0]
    assert refuted_row["corrected"] and refuted_row["printed"] and refuted_row["evidence"]
    assert data["counts"]["confirmed"] == 1 and data["counts"]["refuted"] == 1


def test_check_table_has_summary_line_and_progress_on_stderr(capsys):
    code, out, err = run(["check", "hayou.fact11", "hayou.setting.epochs"], capsys)
    assert code == 0
    assert "2 claims: 1 confirmed, 1 refuted" in out  # epochs: refuted as a slip since the referee pass
    assert "refuted by severity: 0 substantive, 1 slip, 0 notation" in out
    assert "[1/2] checking hayou." in err and "checked 2 claims" in err  # progress lines go to stderr


@pytest.fixture
def crashing_claim():
    cid = "zz_test.crashing_checker"

    @registry.claim(cid, "001", (1, 1), r"1=1", "identity", title="a checker that crashes")
    def _boom(level):
        raise RuntimeError("deliberate failure")

    yield cid
    registry._CLAIMS.pop(cid, None)


def test_error_status_and_exit_code(capsys, crashing_claim):
    code, out, _ = run(["check", crashing_claim, "--json"], capsys)
    data = json.loads(out)
    assert code == 1
    row = data["claims"][0]
    assert row["status"] == "error" and "deliberate failure" in row["evidence"]


def test_report_writes_markdown_and_json(tmp_path, capsys):
    out_dir = tmp_path / "rep"
    code, out, _ = run(["report", "hayou.fact11", "hayou.app_lemma6", "hayou.table2", "--out", str(out_dir)], capsys)
    assert code == 0
    md = (out_dir / "claims_report.md").read_text()
    data = json.loads((out_dir / "claims_report.json").read_text())
    assert sum(data["counts"].values()) == len(data["claims"]) == 3
    assert "## Refuted claims" in md and "**corrected**" in md and "## Out of scope" in md
    assert sum(1 for line in md.splitlines() if line.startswith("| ") and "| hayou." in line) == 3


def test_report_to_unwritable_directory_is_an_input_error(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = run(["report", "hayou.fact11", "--out", str(blocker / "sub")], capsys)
    assert code == 2 and "--out" in err


def test_judge_requires_a_corrected_statement_to_refute():
    assert judge("p", "c", True, "a", "e").status is Status.CONFIRMED
    with pytest.raises(ValueError):
        judge("p", "c", False, "a", "e")
    assert judge("p", "c", False, "a", "e", corrected="x").status is Status.REFUTED


def test_renderers_accept_mpmath_numbers_and_pipes():
    c = registry.get_claim("hayou.fact11.relu_eoc_variance")
    v = Verdict(Status.CONFIRMED, printed="a | b", computed="x", data={"value": mpmath.mpf("0.5"), "t": (1, 2)})
    js = report.to_json([(c, v)])
    assert js["claims"][0]["data"]["value"] == 0.5 and js["claims"][0]["data"]["t"] == [1, 2]
    assert "a \\| b" in report.to_markdown([(c, v)])
    assert report.rich_table([(c, v)]).row_count == 1


@pytest.fixture
def claim_needing_a_missing_module():
    cid = "zz_test.needs_cupy"

    @registry.claim(cid, "001", (1, 1), r"1=1", "identity", title="needs an optional module")
    def _needs(level):
        raise ModuleNotFoundError("No module named 'cupy'", name="cupy")

    yield cid
    registry._CLAIMS.pop(cid, None)


def test_missing_optional_module_is_inconclusive_naming_the_extra(capsys, claim_needing_a_missing_module):
    code, out, _ = run(["check", claim_needing_a_missing_module, "--json"], capsys)
    row = json.loads(out)["claims"][0]
    assert code == 0 and row["status"] == "inconclusive"
    assert "cupy" in row["computed"] and "[gpu]" in row["decide"]


def test_missing_unknown_module_stays_an_error():
    c = registry.Claim("zz.x", registry._source("001", 1, ""), "1=1", "identity",
                       lambda level: (_ for _ in ()).throw(ModuleNotFoundError("x", name="no_such_mod")))
    assert registry.run_check(c).status is Status.ERROR
