"""The verdict table as a newcomer meets it: readable at 80 columns and in pipes, counted by status,
severity and strength, filtered by grade, byte-reproducible JSON, citations by title and authors."""
import json

import pytest

from proofs_checks import cli, registry, report
from proofs_checks.documents import DOCUMENTS
from proofs_checks.verdict import SEVERITIES, STRENGTHS, Status, Verdict

# a confirmed (exact rationals), a refuted (Appendix Lemma 6 at l = 0) and an out-of-scope claim
IDS = ["hayou.fact11", "hayou.app_lemma6", "hayou.table2"]


def run(argv, capsys):
    code = cli.main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("columns", ["80", "60"])
def test_piped_records_keep_status_id_and_grade_whole(capsys, monkeypatch, columns):
    monkeypatch.setenv("COLUMNS", columns)
    code, out, _ = run(["check", *IDS, "--json"], capsys)
    verdicts = {c["id"]: c for c in json.loads(out)["claims"]}
    code, out, _ = run(["check", *IDS], capsys)
    assert code == 0
    lines = out.splitlines()
    for cid, row in verdicts.items():
        head = [line for line in lines if f"  {cid}" in line and not line.startswith(" ")]
        assert len(head) == 1, cid
        grade = report.grade(Verdict(Status(row["status"]), severity=row["severity"], strength=row["strength"]))
        assert head[0] == f"{row['status']:<12}  {cid}  {grade}".rstrip()
    # wrapped fields stay inside the width, except the head lines that are never shortened
    assert all(len(line) <= int(columns) for line in lines if line.startswith("    "))


def test_summary_counts_by_status_severity_and_strength(capsys):
    code, out, _ = run(["check", *IDS], capsys)
    tail = out.splitlines()[-3:]
    assert tail[0].startswith("3 claims: 1 confirmed, 1 refuted, 1 out of scope")
    assert tail[1].startswith("refuted by severity: ") and all(s in tail[1] for s in SEVERITIES)
    assert tail[2].startswith("confirmed by strength: ") and all(s in tail[2] for s in STRENGTHS)


@pytest.fixture
def graded_claims():
    """Two claims whose checkers grade their verdicts: a slip and an independent confirmation."""
    from proofs_checks.verdict import judge

    ids = ["zz_test.graded_slip", "zz_test.graded_independent"]
    registry.claim(ids[0], "001", (1, 1), "1=2", "identity")(
        lambda level: judge("1=2", "1", False, "", "", corrected="1=1", severity=("slip", "typo")))
    registry.claim(ids[1], "001", (1, 1), "1=1", "identity")(
        lambda level: judge("1=1", "1", True, "exact", "", strength=("independent", "could fail")))
    yield ids
    for cid in ids:
        registry._CLAIMS.pop(cid, None)


def test_severity_and_strength_filters_show_only_that_grade(capsys, graded_claims):
    slip, independent = graded_claims
    _, out, _ = run(["check", "zz_test.", "--json", "--severity", "slip"], capsys)
    assert [c["id"] for c in json.loads(out)["claims"]] == [slip]
    _, out, _ = run(["check", "zz_test.", "--json", "--severity", "substantive"], capsys)
    assert json.loads(out)["claims"] == []
    _, out, _ = run(["check", "zz_test.", "--json", "--strength", "independent", "--severity", "slip"], capsys)
    assert sorted(c["id"] for c in json.loads(out)["claims"]) == sorted(graded_claims)
    _, out, _ = run(["check", "zz_test.", "--severity", "notation"], capsys)
    assert "showing 0 of 2 checked claims" in out
    assert "refuted by severity: 0 substantive, 1 slip, 0 notation" in out
    assert "confirmed by strength: 1 independent, 0 consistency, 0 weak" in out


def test_json_is_byte_reproducible_and_times_live_in_timing(capsys):
    outs = [run(["check", *IDS, "--json", "--no-timing", "--no-progress"], capsys)[1] for _ in range(2)]
    assert outs[0] == outs[1]
    data = json.loads(outs[0])
    assert "timing" not in data and all("seconds" not in c for c in data["claims"])
    assert list(data) == sorted(data)
    timed = json.loads(run(["check", *IDS, "--json"], capsys)[1])
    assert set(timed["timing"]["claim_seconds"]) == {c["id"] for c in data["claims"]}
    assert timed["severity_counts"] == data["severity_counts"]
    assert sum(data["severity_counts"].values()) == data["counts"]["refuted"]
    assert sum(data["strength_counts"].values()) == data["counts"]["confirmed"]


def test_markdown_has_no_timestamp_unless_asked(tmp_path, capsys):
    out_dir = tmp_path / "r"
    run(["report", *IDS, "--out", str(out_dir), "--no-timing"], capsys)
    md1 = (out_dir / "claims_report.md").read_text()
    js1 = (out_dir / "claims_report.json").read_bytes()
    run(["report", *IDS, "--out", str(out_dir), "--no-timing"], capsys)
    assert md1 == (out_dir / "claims_report.md").read_text()
    assert js1 == (out_dir / "claims_report.json").read_bytes()
    assert "Generated" not in md1 and "refuted by severity" in md1
    run(["report", *IDS, "--out", str(out_dir), "--timestamp"], capsys)
    assert "Generated" in (out_dir / "claims_report.md").read_text()


def test_report_out_is_checked_before_any_claim_runs(tmp_path, capsys, monkeypatch):
    ran = []
    monkeypatch.setattr(registry, "run_check", lambda c, level="quick": ran.append(c) or Verdict(Status.ERROR))
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = run(["report", "hayou.fact11", "--out", str(blocker / "sub")], capsys)
    assert code == 2 and "'--out'" in err and ran == []


def test_evidence_is_not_cut(capsys, monkeypatch):
    c = registry.get_claim("hayou.fact11.relu_eoc_variance")
    long_evidence = " ".join(f"word{i}" for i in range(300))
    v = Verdict(Status.CONFIRMED, evidence=long_evidence)
    text = report.records([(c, v)], width=80, show_evidence=True)
    assert "word299" in text and "..." not in text
    assert "word299" in report.to_markdown([(c, Verdict(Status.REFUTED, evidence=long_evidence, corrected="x"))])


def test_sources_cite_title_authors_year_and_label():
    c = registry.get_claim("hayou.fact14.s")
    text = str(c.source)
    doc = DOCUMENTS["001"]
    assert text.startswith(f"{doc.title} ({doc.authors}, {doc.year}), Fact 14; {doc.seed}:")
    assert registry.get_claim("jacot.theorem1.ntk_limit").source.label == "Theorem 1"
    assert registry.get_claim("hayou.app_lemma6.geometric").source.label.startswith("Appendix Lemma 6")


@pytest.mark.parametrize("key", sorted(DOCUMENTS))
def test_document_selection_by_key_seed_file_and_prefix(key):
    doc = DOCUMENTS[key]
    by_key = registry.select([key])
    assert by_key and all(c.source.seed == doc.seed or c.id.startswith(doc.prefix + ".") for c in by_key)
    assert by_key == registry.select([doc.seed]) == registry.select([doc.seed[:-4]]) == registry.select([doc.prefix])
    assert len(registry.select([doc.prefix + "."])) <= len(by_key)


def test_no_timing_drops_wall_times_from_checker_data():
    c = registry.get_claim("hayou.fact11.relu_eoc_variance")
    v = Verdict(Status.CONFIRMED, data={"rates": {"erf": {"seconds": 0.46, "exponent": 0.5}},
                                        "gram_seconds": 3.0, "runs": [{"seconds": 1.0, "n": 4}]})
    row = report.to_json([(c, v)], timing=False)["claims"][0]
    assert row["data"] == {"rates": {"erf": {"exponent": 0.5}}, "runs": [{"n": 4}]}
    assert report.to_json([(c, v)])["claims"][0]["data"]["gram_seconds"] == 3.0
