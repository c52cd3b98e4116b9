"""The claim registry.

Document modules register claims with the :func:`claim` decorator (a checker)
or :func:`out_of_scope_claim` (no checker, with the reason).  :func:`all_claims`
imports every document module listed in ``DOCUMENT_MODULES`` and returns the
claims in registration order.
"""
from __future__ import annotations

import importlib
import time
import traceback

from proofs_checks.verdict import Claim, Source, Status, Verdict

# One module per source document (../shared/seeds/).  Add yours here.
DOCUMENT_MODULES = [
    "proofs_checks.doc000_depth_ntk",
    "proofs_checks.doc001_meanfield_ntk",
    "proofs_checks.doc002",
    "proofs_checks.doc003_deep_narrow",
    "proofs_checks.doc004_ntk_review",
]

SEEDS = {
    "000": "000_f7801e5ab975f0a8.txt",
    "001": "001_018e0351582ed44f.txt",
    "002": "002_49fd9c726352dc08.txt",
    "003": "003_6d8c861835333795.txt",
    "004": "004_e455a6db90f532d1.txt",
}

_CLAIMS: dict[str, Claim] = {}


def _source(seed, lines, label):
    seed = SEEDS.get(seed, seed)
    if isinstance(lines, int):
        lines = (lines, lines)
    return Source(seed, tuple(lines), label)


def claim(id, seed, lines, statement, kind, title="", label="", severity=None, strength=None):
    """Decorator registering ``checker(level) -> Verdict`` as claim ``id``.

    ``severity`` / ``strength``: ``(kind, reason)`` applied to a refutation / confirmation that
    the checker did not grade itself (see ``verdict.SEVERITIES`` and ``verdict.STRENGTHS``)."""

    def register(checker):
        if id in _CLAIMS:
            raise ValueError(f"duplicate claim id {id!r}")
        _CLAIMS[id] = Claim(id, _source(seed, lines, label), statement, kind, checker, title,
                            severity=severity, strength=strength)
        return checker

    return register


def out_of_scope_claim(id, seed, lines, statement, kind, reason, title="", label=""):
    if id in _CLAIMS:
        raise ValueError(f"duplicate claim id {id!r}")
    _CLAIMS[id] = Claim(id, _source(seed, lines, label), statement, kind, None, title, reason)


def load_all() -> None:
    for name in DOCUMENT_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as err:
            if err.name != name:  # a real import error inside the module
                raise


def all_claims() -> list[Claim]:
    load_all()
    return list(_CLAIMS.values())


def get_claim(claim_id: str) -> Claim:
    load_all()
    if claim_id not in _CLAIMS:
        matches = [c for c in _CLAIMS if c.startswith(claim_id)]
        if not matches:
            from asymptotics.validation import InputError

            raise InputError("claim id", f"no claim {claim_id!r}; run 'ntk-verify claims' for the list")
        return _CLAIMS[matches[0]] if len(matches) == 1 else None
    return _CLAIMS[claim_id]


def select(ids=None) -> list[Claim]:
    """Claims whose id equals, or starts with, one of ``ids`` (all when empty)."""
    claims = all_claims()
    if not ids:
        return claims
    chosen = [c for c in claims if any(c.id == i or c.id.startswith(i.rstrip("*")) for i in ids)]
    if not chosen:
        from asymptotics.validation import InputError

        raise InputError("claim id", f"no claim matches {' '.join(ids)!r}; run 'ntk-verify claims'")
    return chosen


def run_check(c: Claim, level: str = "quick") -> Verdict:
    """Run one checker, timing it; a crash becomes an ERROR verdict with the traceback."""
    start = time.perf_counter()
    try:
        verdict = c.check(level)
    except Exception as err:  # noqa: BLE001 - reported, not hidden
        verdict = Verdict(Status.ERROR, evidence=f"{type(err).__name__}: {err}",
                          data={"traceback": traceback.format_exc()})
    verdict.seconds = time.perf_counter() - start
    return verdict
