"""pytest plugin (entry point ``pytest11``): claims files as tests.

``pytest my_paper.claims.toml`` (and every ``*.claims.toml`` found under the test paths) collects
one item per claim: a confirmed claim passes, a refuted one fails with the evidence as its
message, an inconclusive one is skipped with what would decide it, a claim with bad input fails
with its one-line error.  ``--ntk-level full`` checks at the full level (more digits).
The fixture ``ntk_quantity`` gives catalogue quantities with their accuracy
(see :mod:`proofs_checks.testing`).
"""
from __future__ import annotations

import pytest

from proofs_checks.verdict import Status


def pytest_addoption(parser):
    group = parser.getgroup("ntk-verify")
    group.addoption("--ntk-level", default="quick", choices=("quick", "full"),
                    help="level at which claims files are checked (default quick)")


def _explicit(file_path, config) -> bool:
    """A path given on the command line (then any .toml is a claims file)."""
    root = config.invocation_params.dir
    for arg in config.args:
        candidate = (root / str(arg).split("::")[0])
        try:
            if candidate.resolve() == file_path.resolve():
                return True
        except OSError:
            continue
    return False


def pytest_collect_file(file_path, parent):
    name = file_path.name
    if name.endswith(".claims.toml") or (name.endswith(".toml") and name != "pyproject.toml"
                                         and _explicit(file_path, parent.config)):
        return ClaimsFile.from_parent(parent, path=file_path)
    return None


class ClaimsFileError(Exception):
    """A claims file that cannot be read at all (missing, malformed TOML, no claims)."""


class ClaimsFile(pytest.File):
    def collect(self):
        from proofs_checks.user_claims import ClaimInputError, load_claims_file

        try:
            doc = load_claims_file(self.path)
        except ClaimInputError as err:
            raise ClaimsFileError(str(err)) from None
        for claim in doc.claims:
            yield ClaimItem.from_parent(self, name=claim.id, claim=claim)

    def repr_failure(self, excinfo):
        if excinfo.errisinstance(ClaimsFileError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)


class ClaimRefuted(Exception):
    pass


class ClaimBroken(Exception):
    pass


class ClaimItem(pytest.Item):
    def __init__(self, *, claim, **kwargs):
        super().__init__(**kwargs)
        self.claim = claim
        self.verdict = None

    def runtest(self):
        from proofs_checks import registry

        level = self.config.getoption("ntk_level", "quick") or "quick"
        verdict = registry.run_check(self.claim, level)
        self.verdict = verdict
        self.user_properties.append(("verdict", verdict.status.value))
        if verdict.status is Status.CONFIRMED:
            return
        if verdict.status is Status.REFUTED:
            raise ClaimRefuted(f"{self.claim.id} refuted: printed {verdict.printed}; computed {verdict.computed}; "
                               f"corrected: {verdict.corrected}. Evidence: {verdict.evidence}")
        if verdict.status is Status.INCONCLUSIVE:
            pytest.skip(f"{self.claim.id} inconclusive: to decide: {verdict.decide}. {verdict.evidence}")
        if verdict.status is Status.OUT_OF_SCOPE:
            pytest.skip(f"{self.claim.id} out of scope: {verdict.reason}")
        raise ClaimBroken(verdict.data.get("input_error") or f"{self.claim.id}: checker error: {verdict.evidence}")

    def repr_failure(self, excinfo, style=None):
        if excinfo.errisinstance((ClaimRefuted, ClaimBroken)):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, self.claim.source.lines[0] - 1, f"claim {self.claim.id}"


@pytest.fixture
def ntk_quantity():
    """``ntk_quantity(name, **params)`` -> the catalogue quantity's Computed (value with its accuracy)."""
    from proofs_checks.testing import quantity

    return quantity
