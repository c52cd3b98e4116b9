"""Derived depth laws kept on disk between runs, keyed on the source code that derives them.

A depth law (:mod:`asymptotics.depth_laws`) is exact, symbolic and deterministic: it depends only on
its arguments and on the code that derives it.  The store keeps each derivation the catalogue asks
for as a pickle under ``$NTK_VERIFY_CACHE_DIR`` (default ``~/.cache/ntk-verify``), in a folder named
after a hash of every ``asymptotics/**/*.py`` and of this package's depth-law modules: any change to that
code starts a new folder, so a stale derivation is never read.  A second run of a claims file (or of
``pytest`` over it) then derives nothing again.  ``NTK_VERIFY_DISK_CACHE=0`` turns the store off;
failing to read or write it is ignored (it is only a cache), and a verdict whose law came from it
says so in its evidence.
"""
from __future__ import annotations

import functools
import hashlib
import os
import pickle
import tempfile
from pathlib import Path

_LOADED: dict = {}
_SOURCES = ("proofs_checks/user_claims/depth_quantities.py", "proofs_checks/user_claims/law_store.py")


def enabled() -> bool:
    return os.environ.get("NTK_VERIFY_DISK_CACHE", "1").strip().lower() not in ("0", "no", "off", "false")


@functools.lru_cache(maxsize=1)
def _source_hash() -> str:
    root = Path(__file__).resolve().parents[2]
    digest = hashlib.sha256()
    files = sorted((root / "asymptotics").rglob("*.py")) + [root / s for s in _SOURCES]
    for path in files:
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def folder() -> Path:
    base = os.environ.get("NTK_VERIFY_CACHE_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "ntk-verify")
    return Path(base) / f"laws-{_source_hash()}"


def _path(key) -> Path:
    return folder() / (hashlib.sha256(repr(key).encode()).hexdigest()[:24] + ".pickle")


def load(key):
    """(True, value) when the store holds ``key``, else (False, None)."""
    if not enabled():
        return False, None
    try:
        with open(_path(key), "rb") as fh:
            stored_key, value = pickle.load(fh)
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, ValueError, TypeError):
        return False, None
    if stored_key != repr(key):
        return False, None
    _LOADED[id(value)] = value  # kept alive, so that the id stays this object's
    return True, value


def save(key, value) -> None:
    if not enabled():
        return
    try:
        target = _path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=target.parent, delete=False, suffix=".tmp") as fh:
            pickle.dump((repr(key), value), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(fh.name, target)  # atomic: a concurrent reader sees the old file or the whole new one
    except (OSError, pickle.PickleError, TypeError, AttributeError, RecursionError):
        pass


def was_loaded(value) -> bool:
    """Whether this object was read from the store in this process (for the verdict's evidence)."""
    return id(value) in _LOADED


def forget() -> None:
    _LOADED.clear()
