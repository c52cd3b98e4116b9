"""What makes a claims file fast without changing a verdict: shared solves, reused derivations, the
on-disk store of derived laws."""
from __future__ import annotations

import sympy

from proofs_checks import registry
from proofs_checks.testing import check
from proofs_checks.user_claims import cache, load_claims_file
from proofs_checks.verdict import Status

TANH = dict(activation="tanh", sigma_b="0.2")


def _keys(prefix):
    return [k for k in cache._STORE if k[0] == prefix]


def test_one_eoc_solve_serves_sigma_w_q_star_and_the_derivatives():
    cache.clear()
    assert check("eoc.sigma_w", "1.30415", **TANH).status is Status.CONFIRMED
    assert check("eoc.q_star", "0.512079", **TANH).status is Status.CONFIRMED
    assert check("correlation_map.derivative", "0.282337", order=2, **TANH).status is Status.CONFIRMED
    assert len(_keys("eoc")) == 1


def test_phase_and_chi_share_one_fixed_point_and_one_grid():
    cache.clear()
    chi = check("chi_1", "0.996611", activation="tanh", sigma_w="1.298", sigma_b="0.2")
    phase = check("phase", "ordered", activation="tanh", sigma_w="1.298", sigma_b="0.2")
    assert chi.status is Status.CONFIRMED and phase.status is Status.CONFIRMED
    assert len(_keys("q*")) == 1 and len(_keys("f^j(1)")) == 1
    # 1.3 is chaotic for tanh at sigma_b = 0.2 (the EOC is at 1.30415, the test above)
    assert check("phase", "chaotic", activation="tanh", sigma_w="1.31", sigma_b="0.2").status is Status.CONFIRMED


def test_shortest_ntk_law_gives_the_coefficients_of_a_longer_one():
    from asymptotics.depth_laws import ntk_depth_law, relu_eoc_depth_law
    from proofs_checks.testing import quantity

    longer = ntk_depth_law(relu_eoc_depth_law(4), 1, 1).off_diagonal  # one term more than the catalogue derives
    cache.clear()
    for term, n, k in (("1", 0, 0), ("log(l)/l", 1, 1)):
        got = quantity("depth_law.coefficient", activation="relu", series="normalised_ntk", term=term).exact
        want = longer.constant if (n, k) == (0, 0) else longer.coefficient(n, k)
        assert sympy.simplify(got - want) == 0


def test_law_store_between_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("NTK_VERIFY_CACHE_DIR", str(tmp_path))
    path = tmp_path / "laws.claims.toml"
    path.write_text('[[claim]]\nid = "r.kappa"\nquantity = "depth_law.coefficient"\nactivation = "relu"\n'
                    'series = "one_minus_c"\nterm = "1/l**2"\nprinted = "9*pi**2/2"\n')
    cache.clear()
    first = registry.run_check(load_claims_file(path).claims[0])
    assert cache.STATS["disk_hits"] == 0 and list(tmp_path.glob("laws-*/*.pickle"))
    assert "on-disk store" not in first.evidence
    cache.clear()  # a new run: nothing in memory
    second = registry.run_check(load_claims_file(path).claims[0])
    assert cache.STATS["disk_hits"] >= 1 and second.status is first.status is Status.CONFIRMED
    assert "on-disk store" in second.evidence


def test_law_store_can_be_turned_off(tmp_path, monkeypatch):
    monkeypatch.setenv("NTK_VERIFY_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("NTK_VERIFY_DISK_CACHE", "0")
    cache.clear()
    v = check("depth_law.coefficient", "-3", activation="relu", series="derivative", term="1/l")
    assert v.status is Status.CONFIRMED and not list(tmp_path.glob("laws-*/*.pickle"))


def test_a_corrupt_store_file_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv("NTK_VERIFY_CACHE_DIR", str(tmp_path))
    cache.clear()
    check("depth_law.coefficient", "-3", activation="relu", series="derivative", term="1/l")
    for f in tmp_path.glob("laws-*/*.pickle"):
        f.write_bytes(b"not a pickle")
    cache.clear()
    v = check("depth_law.coefficient", "-3", activation="relu", series="derivative", term="1/l")
    assert v.status is Status.CONFIRMED and cache.STATS["disk_hits"] == 0


def test_precision_follows_the_comparison_and_escalates_when_it_does_not_confirm(tmp_path):
    claim = ('[[claim]]\nid = "{id}"\nquantity = "eoc.sigma_w"\nactivation = "tanh"\nsigma_b = "0.2"\n'
             'printed = "{printed}"\n{extra}\n')
    path = tmp_path / "prec.claims.toml"
    from user_claims_reference import tanh_eoc  # independent (scipy) EOC solve: the printed values come from it

    short = f"{tanh_eoc(0.2)[0]:.5f}"
    wrong = short[:4] + str((int(short[4]) + 1) % 10) + short[5:]  # one digit substituted
    path.write_text(claim.format(id="short", printed=short, extra="") +
                    claim.format(id="wrong", printed=wrong, extra="") +
                    claim.format(id="long", printed=f"{tanh_eoc(0.2)[0]:.15f}", extra="") +
                    claim.format(id="asked", printed=short, extra="dps = 25"))
    cache.clear()
    v = {c.id: registry.run_check(c) for c in load_claims_file(path).claims}
    assert v["short"].status is Status.CONFIRMED and v["short"].data["dps"] == 12
    wrong = v["wrong"]  # refuted at 12 digits, then computed again at the level's 20 for the corrected value
    assert wrong.status is Status.REFUTED and wrong.data["dps"] == 20 and wrong.data["dps_first"] == 12
    assert wrong.severity == "slip" and "substituted" in wrong.severity_reason
    assert v["long"].data["dps"] == 20 and "dps_first" not in v["long"].data  # 16 digits + margin: full at once
    assert v["asked"].data["dps"] == 25 and "dps_first" not in v["asked"].data
