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

from proofs_checks import documents
from proofs_checks.verdict import Claim, Source, Status, Verdict, inconclusive

# One module per source document (../shared/seeds/).  Add yours here.
DOCUMENT_MODULES = [
    "proofs_checks.doc000",
    "proofs_checks.doc001",
    "proofs_checks.doc002",
    "proofs_checks.doc003_deep_narrow",
    "proofs_checks.doc004_ntk_review",
]

# The document table (title, authors, year, id prefix) lives in proofs_checks.documents.
SEEDS = documents.SEEDS
DOCUMENTS = documents.DOCUMENTS

_CLAIMS: dict[str, Claim] = {}


def _source(seed, lines, label, claim_id="", title=""):
    """The claim's Source; without an explicit label, the one its title or id names (Theorem 2, ...)."""
    seed = SEEDS.get(seed, seed)
    if isinstance(lines, int):
        lines = (lines, lines)
    label = label or documents.label_from_title(title) or documents.label_from_id(claim_id)
    return Source(seed, tuple(lines), label)


def claim(id, seed, lines, statement, kind, title="", label="", severity=None, strength=None):
    """Decorator registering ``checker(level) -> Verdict`` as claim ``id``.

    ``severity`` / ``strength``: ``(kind, reason)`` applied to a refutation / confirmation that
    the checker did not grade itself (see ``verdict.SEVERITIES`` and ``verdict.STRENGTHS``)."""

    def register(checker):
        if id in _CLAIMS:
            raise ValueError(f"duplicate claim id {id!r}")
        _CLAIMS[id] = Claim(id, _source(seed, lines, label, id, title), statement, kind, checker, title,
                            severity=severity, strength=strength)
        return checker

    return register


def out_of_scope_claim(id, seed, lines, statement, kind, reason, title="", label=""):
    if id in _CLAIMS:
        raise ValueError(f"duplicate claim id {id!r}")
    _CLAIMS[id] = Claim(id, _source(seed, lines, label, id, title), statement, kind, None, title, reason)


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


def _matches(c: Claim, token: str) -> bool:
    """A token selects a claim by document ('003', a seed file name, the prefix 'hayou') or by id
    (the full id, or a prefix of it such as 'hayou.fact14')."""
    doc = documents.select_document(token)
    if doc is not None:
        return c.source.seed == doc.seed or c.id.startswith(doc.prefix + ".")
    return c.id == token or c.id.startswith(token.rstrip("*"))


def select(ids=None) -> list[Claim]:
    """Claims a token of ``ids`` selects (see ``_matches``), in registration order; all when empty."""
    claims = all_claims()
    if not ids:
        return claims
    chosen = [c for c in claims if any(_matches(c, i) for i in ids)]
    if not chosen:
        from asymptotics.validation import InputError

        raise InputError("claim id", f"no claim matches {' '.join(ids)!r}; run 'ntk-verify claims'")
    return chosen


# Modules a checker may need that a base install can lack -> what to install.  A checker that
# stops on one of these is inconclusive (the environment decides), not an error (a bug).
OPTIONAL_MODULES = {
    "cupy": "the [gpu] extra: pip install 'ntk-verify[gpu]' (and a CUDA device)",
    "matplotlib": "the [notebooks] extra: pip install 'ntk-verify[notebooks]'",
    "sklearn": "scikit-learn (a base dependency: pip install scikit-learn, or reinstall ntk-verify)",
    "threadpoolctl": "threadpoolctl (a base dependency: pip install threadpoolctl)",
    "gmpy2": "gmpy2: pip install gmpy2 (part of the [dev] extra)",
    "numba": "numba: pip install numba",
    "dask": "dask: pip install 'dask[distributed]'",
    "distributed": "dask: pip install 'dask[distributed]'",
}


def missing_dependency_verdict(err: ModuleNotFoundError):
    """The inconclusive verdict for a known optional module that is not installed, else None."""
    top = (err.name or "").split(".")[0]
    if top not in OPTIONAL_MODULES:
        return None
    return inconclusive("", f"not run: module {top!r} is not installed",
                        decide=f"install {OPTIONAL_MODULES[top]} and run the check again",
                        evidence=f"ModuleNotFoundError: {err}", missing_module=top)


def run_check(c: Claim, level: str = "quick") -> Verdict:
    """Run one checker, timing it; a crash becomes an ERROR verdict with the traceback, a missing
    optional module (``OPTIONAL_MODULES``) an INCONCLUSIVE verdict naming what to install."""
    start = time.perf_counter()
    try:
        verdict = c.check(level)
    except ModuleNotFoundError as err:
        verdict = missing_dependency_verdict(err) or Verdict(
            Status.ERROR, evidence=f"{type(err).__name__}: {err}", data={"traceback": traceback.format_exc()})
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
