"""The optional numba kernel (asymptotics.recursion.fused) against the numpy path it replaces.

The numpy step (NTK_VERIFY_NO_NUMBA=1) is the reference; the two differ only in float64 rounding
(libm / series asin instead of numpy's SIMD asin, series length chosen per block), so every field
must agree to 1e-13 relative, at every recorded depth, for pairs from rho = -1 to rho = 1.
Independent of both: the scalar mpmath recursion at 40 digits for a few pairs.
"""
import sys

import mpmath
import numpy as np
import pytest

import asymptotics.recursion.fused as fused
from asymptotics.recursion import Network, gram_at_depths, kernel_at_depths
from asymptotics.recursion.arrays import pair_arrays_at_depths

NET = Network("relu", sigma_w2=2)
DEPTHS = [1, 2, 3, 7, 100, 1000, 10**4]
needs_numba = pytest.mark.skipif(not fused.numba_available(), reason="numba not installed")  # (loads it)


def pairs():
    rng = np.random.default_rng(7)
    edge = [1.0, -1.0, 0.0, 0.5, 1 - 1e-12, 1 - 1e-6, -1 + 1e-9, 0.9999]
    return np.concatenate([edge, rng.uniform(-1, 1, 1500), 1 - rng.uniform(0, 1e-3, 500)])


def both(monkeypatch, run):
    monkeypatch.delenv("NTK_VERIFY_NO_NUMBA", raising=False)
    fast = run()
    monkeypatch.setenv("NTK_VERIFY_NO_NUMBA", "1")
    slow = run()
    monkeypatch.delenv("NTK_VERIFY_NO_NUMBA")
    return fast, slow


def max_rel(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    scale = np.maximum(np.abs(b), 1e-300)
    both_zero = (a == 0) & (b == 0)
    return float(np.max(np.where(both_zero, 0.0, np.abs(a - b) / scale)))


@needs_numba
def test_fused_pairs_agree_with_numpy_to_1e13(monkeypatch):
    rho = pairs()
    keep = rho.copy()
    fast, slow = both(monkeypatch, lambda: pair_arrays_at_depths(NET, rho, DEPTHS))
    assert np.array_equal(rho, keep)  # the caller's array is not modified
    for depth in DEPTHS:
        assert fast[depth].keys() == slow[depth].keys()
        # rho and its images near rho = 0 are compared in absolute terms (1 - delta cancels there)
        for name in ("one_minus_rho", "one_minus_ntk_normalized", "sigma_dot", "theta_xy", "theta_xx"):
            if slow[depth][name] is None:
                assert fast[depth][name] is None
                continue
            assert max_rel(fast[depth][name], slow[depth][name]) < 1e-13, (depth, name)
        for name in ("rho", "ntk_normalized", "sigma_xy"):
            assert np.max(np.abs(fast[depth][name] - slow[depth][name])) < 1e-13 * np.max(np.abs(slow[depth][name]))
    # the exact fixed point stays exactly there on both paths
    assert fast[10**4]["one_minus_rho"][0] == 0 and fast[10**4]["one_minus_ntk_normalized"][0] == 0


@needs_numba
def test_fused_pairs_against_mpmath_recursion(monkeypatch):
    """Both float64 paths against a 40-digit scalar recursion (independent of numpy and numba)."""
    rho = np.array([-1.0, 0.0, 0.5, 0.999])
    fast, slow = both(monkeypatch, lambda: pair_arrays_at_depths(NET, np.repeat(rho, 40), [1000]))
    for k, r in enumerate(rho):
        ref = kernel_at_depths(NET, mpmath.mpf(r), [1000], backend="mpmath", digits=40, method="iterate").at(1000)
        for res in (fast, slow):
            assert abs(res[1000]["one_minus_rho"][40 * k] / float(ref.one_minus_rho.mid) - 1) < 1e-13
            assert abs(res[1000]["one_minus_ntk_normalized"][40 * k] / float(1 - ref.ntk_normalized.mid) - 1) < 1e-12


@needs_numba
@pytest.mark.parametrize("method", ["iterate", "jump"])
def test_gram_paths_agree(monkeypatch, method):
    X = np.random.default_rng(3).standard_normal((60, 5))
    fast, slow = both(monkeypatch, lambda: gram_at_depths(NET, X, [10, 10**4], method=method))
    for depth in (10, 10**4):
        for name in ("one_minus_rho", "one_minus_ntk_normalized", "theta", "sigma"):
            assert max_rel(fast[depth][name], slow[depth][name]) < 1e-13, (method, depth, name)


@needs_numba
def test_progress_is_reported_at_the_same_layers(monkeypatch):
    def run():
        seen = []
        pair_arrays_at_depths(NET, pairs(), [5, 1000], progress=lambda i, n: seen.append((i, n)))
        return seen

    fast, slow = both(monkeypatch, run)
    assert fast == slow and len(slow) >= 99


def test_numpy_fallback_without_numba(monkeypatch):
    """With numba unimportable the stepper is None and the numpy path runs (same numbers as forced numpy)."""
    monkeypatch.setitem(sys.modules, "numba", None)  # import numba -> ImportError
    monkeypatch.delitem(sys.modules, "asymptotics.recursion.fused_kernel", raising=False)  # as in a fresh process
    fused._kernel.cache_clear()
    try:
        assert not fused.numba_available()
        assert fused.nobias_stepper(np, 10**6, 10**4) is None
        rho = pairs()
        without = pair_arrays_at_depths(NET, rho, [3, 500])
        monkeypatch.setenv("NTK_VERIFY_NO_NUMBA", "1")
        forced = pair_arrays_at_depths(NET, rho, [3, 500])
        for depth in (3, 500):
            for name, value in forced[depth].items():
                assert value is None and without[depth][name] is None or np.array_equal(value, without[depth][name])
    finally:
        fused._kernel.cache_clear()  # monkeypatch puts numba back; the next call compiles/loads again


def test_small_work_and_env_switch_use_numpy(monkeypatch):
    assert fused.nobias_stepper(np, fused.MIN_PAIRS - 1, 10**6) is None
    monkeypatch.setenv("NTK_VERIFY_NO_NUMBA", "1")
    assert fused.nobias_stepper(np, 10**6, 10**4) is None
    monkeypatch.delenv("NTK_VERIFY_NO_NUMBA")
    fused._kernel.cache_clear()  # a fresh process: numba is loaded only for enough work
    try:
        assert fused.nobias_stepper(np, 1000, 100) is None
        assert fused._kernel.cache_info().currsize == 0
        assert (fused.nobias_stepper(np, 10**6, 10**4) is not None) == (fused._kernel() is not None)
        assert fused.nobias_stepper(np, 1000, 100) is not None or fused._kernel() is None  # loaded: used
    finally:
        fused._kernel.cache_clear()


def test_kernel_series_coefficients_are_the_backends_series():
    from asymptotics.backends import _G_HALF_COEFFS

    kernel = pytest.importorskip("asymptotics.recursion.fused_kernel")
    assert list(kernel.G_HALF_COEFFS) == _G_HALF_COEFFS
    # b_k of asin: against mpmath's Taylor coefficients of asin(u)/u in z = u^2
    taylor = mpmath.taylor(lambda u: mpmath.asin(u), 0, 21)
    for k, b in enumerate(kernel.ASIN_COEFFS[:10], start=1):
        assert abs(b - float(taylor[2 * k + 1])) <= 1e-16 * b


@needs_numba
def test_one_layer_is_within_a_few_ulps_of_the_numpy_step():
    """One layer on 10^5 pairs with theta < 1 (the series asin) and theta >= 1 (libm asin)."""
    from asymptotics.backends import Float64Ops
    from asymptotics.recursion.steps import _nobias_step_compensated

    rng = np.random.default_rng(11)
    kappa = 2 / np.pi  # ReLU: 2 gamma / K1
    for delta in (rng.uniform(0, 0.45, 10**5), 10.0 ** rng.uniform(-30, -0.4, 10**5), rng.uniform(0, 2, 10**5)):
        W, lost = 7.0 * delta, 1e-17 * delta
        ref = _nobias_step_compensated(Float64Ops(np), delta, W, lost, 7, kappa, 0.5)
        got = fused.nobias_stepper(np, delta.size, 10**4)(delta, W, lost, 7, 8, kappa, 0.5)
        for r, g, name in zip(ref, got, ("delta", "W", "W_lost", "a")):
            if name == "W_lost":
                assert np.max(np.abs(g - r)) <= 1e-15 * np.max(np.abs(W)), name
                continue
            ulps = np.abs(g - r) / np.spacing(np.abs(r))
            assert np.max(ulps) <= 8, (name, np.max(ulps))
