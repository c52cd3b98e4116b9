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
    "proofs_checks.doc002_jacot_ntk",
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
    if not _ENTRY_POINTS_LOADED[0]:
        load_entry_point_documents()  # users' document modules (entry point group ntk_verify.documents)


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


# --------------------------------------------------------------------------------------
# users' own document modules: --claims-module NAME, or the entry point group below

#: entry point group naming document modules of other packages, e.g. in their pyproject.toml
#: ``[project.entry-points."ntk_verify.documents"] my_paper = "my_package.my_paper_claims"``
ENTRY_POINT_GROUP = "ntk_verify.documents"
_MODULE_CLAIMS: dict[str, list[str]] = {}
_ENTRY_POINTS_LOADED = [False]


def load_document_module(name: str, argument: str = "--claims-module") -> list[Claim]:
    """Import a document module (claims registered with :func:`claim`) and return its claims."""
    from asymptotics.validation import InputError

    if not isinstance(name, str) or not name.strip():
        raise InputError(argument, f"expected a module name, got {name!r}")
    name = name.strip()
    if name not in _MODULE_CLAIMS:
        before = set(_CLAIMS)
        try:
            importlib.import_module(name)
        except ImportError as err:
            raise InputError(argument, f"cannot import document module {name!r}: {err}") from None
        except ValueError as err:  # e.g. a duplicate claim id
            raise InputError(argument, f"document module {name!r}: {err}") from None
        ids = [i for i in _CLAIMS if i not in before
               or getattr(_CLAIMS[i].checker, "__module__", None) == name]
        _MODULE_CLAIMS[name] = ids
    return [_CLAIMS[i] for i in _MODULE_CLAIMS[name]]


def load_entry_point_documents() -> list[Claim]:
    """Claims of every document module registered under the entry point group ``ntk_verify.documents``."""
    from importlib.metadata import entry_points

    claims = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        module = ep.value.split(":")[0].strip()
        claims += load_document_module(module, argument=f"entry point {ENTRY_POINT_GROUP}:{ep.name}")
    _ENTRY_POINTS_LOADED[0] = True
    return claims
