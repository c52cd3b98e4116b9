"""One cache for the catalogue, keyed on exact parameters.

Claims of one file share their expensive pieces (an Edge-of-Chaos solve, a derived depth law, a
depth recursion): ``cached(key, compute)`` runs ``compute()`` once per key; ``cached_covering``
lets one result at a higher level (more digits, terms, orders) serve the lower ones; derived depth
laws are also kept between runs (``persist``, :mod:`proofs_checks.user_claims.law_store`).  ``disabled()``
turns it (and the package's own caches that it would otherwise hit) off, to measure what it saves.
"""
from __future__ import annotations

import contextlib

_STORE: dict = {}
STATS = {"hits": 0, "misses": 0, "disk_hits": 0}
_ENABLED = [True]


def cached(key, compute, persist=False):
    """``compute()`` once per key; ``persist``: also kept between runs (:mod:`law_store`, for exact
    symbolic derivations only, never for numerical results)."""
    if not _ENABLED[0]:
        STATS["misses"] += 1
        _clear_package_caches()
        return compute()
    if key in _STORE:
        STATS["hits"] += 1
        return _STORE[key]
    if persist:
        from proofs_checks.user_claims import law_store

        found, value = law_store.load(key)
        if found:
            STATS["disk_hits"] += 1
            _STORE[key] = value
            return value
    STATS["misses"] += 1
    value = compute()
    _STORE[key] = value
    if persist:
        law_store.save(key, value)
    return value


def cached_covering(key, level, compute, span=None, persist=False):
    """Like :func:`cached` for results that serve every lower ``level`` too (a solve at more digits,
    a derivation with more terms, a list of more derivatives): an entry ``key + (L,)`` with
    ``level <= L`` (``<= level + span`` when given) is reused; otherwise ``compute()`` runs for
    ``key + (level,)``."""
    if _ENABLED[0]:
        best = None
        for stored in _STORE:
            if len(stored) == len(key) + 1 and stored[:-1] == key and stored[-1] >= level and \
                    (span is None or stored[-1] <= level + span) and (best is None or stored[-1] < best):
                best = stored[-1]
        if best is not None:
            STATS["hits"] += 1
            return _STORE[key + (best,)]
    return cached(key + (level,), compute, persist)


def stored_keys(prefix):
    """The keys held that start with ``prefix`` (none while the cache is disabled)."""
    if not _ENABLED[0]:
        return []
    return [k for k in _STORE if k[:len(prefix)] == prefix]


def clear() -> None:
    _STORE.clear()
    STATS.update(hits=0, misses=0, disk_hits=0)
    _clear_package_caches()


def _clear_package_caches() -> None:
    from asymptotics import eoc, gram_limit

    for fn in (eoc._edge_of_chaos_cached, eoc._derivatives_cached, gram_limit.normalized_ntk_law,
               gram_limit.fatou_numeric):
        fn.cache_clear()


@contextlib.contextmanager
def disabled():
    """Every lookup computes afresh (the package's EOC caches are emptied before each, the on-disk
    store of derived laws is not read)."""
    _ENABLED[0] = False
    try:
        yield
    finally:
        _ENABLED[0] = True
