"""One cache for the catalogue, keyed on exact parameters.

Claims of one file share their expensive pieces (an Edge-of-Chaos solve, a derived depth law, a
depth recursion): ``cached(key, compute)`` runs ``compute()`` once per key.  ``disabled()``
turns it (and the package's own caches that it would otherwise hit) off, to measure what it saves.
"""
from __future__ import annotations

import contextlib

_STORE: dict = {}
STATS = {"hits": 0, "misses": 0}
_ENABLED = [True]


def cached(key, compute):
    if not _ENABLED[0]:
        STATS["misses"] += 1
        _clear_package_caches()
        return compute()
    if key in _STORE:
        STATS["hits"] += 1
        return _STORE[key]
    STATS["misses"] += 1
    value = compute()
    _STORE[key] = value
    return value


def clear() -> None:
    _STORE.clear()
    STATS.update(hits=0, misses=0)
    _clear_package_caches()


def _clear_package_caches() -> None:
    from asymptotics import eoc, gram_limit

    for fn in (eoc._edge_of_chaos_cached, eoc._derivatives_cached, gram_limit.normalized_ntk_law,
               gram_limit.fatou_numeric):
        fn.cache_clear()


@contextlib.contextmanager
def disabled():
    """Every lookup computes afresh (and the package's EOC caches are emptied before each)."""
    _ENABLED[0] = False
    try:
        yield
    finally:
        _ENABLED[0] = True
