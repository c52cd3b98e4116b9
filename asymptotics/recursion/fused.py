"""Optional fused float64 kernel (numba) for the bias-free ReLU-family layers over arrays of pairs.

The numpy path (:func:`asymptotics.recursion.steps._nobias_step_compensated` with
:class:`asymptotics.backends.Float64Ops`) makes about 27 passes over the pair arrays per layer
and is memory-bound.  This kernel runs the same layers on blocks of BLOCK pairs that stay in the
L1 cache for all the layers of a call, with the same formulas in the same order (seed 000
Proposition 4, lines 273-275, in delta form; see :mod:`asymptotics.recursion.steps`):

    u = sqrt(delta/2), a = asin(u), theta = 2a,
    g/2 = theta^3 sum_k c_k theta^(2k-2)  (theta < 1; the cancellation-free series) or
          u sqrt(1 - delta/2) - a (1 - delta)  (theta >= 1),
    delta' = delta - kappa g/2,
    W' = W + [kappa a (l - (W - W_lost)) + delta' - W_lost]   (Kahan-compensated, W_lost updated).

Two differences, both at the level of float64 rounding:

* the number of series terms is chosen from the largest theta of the block (numpy: of the whole
  array), by the same rule (:func:`asymptotics.backends._series_terms_for`);
* where the block's largest theta is below 1, asin(u) is summed from its Taylor series
  asin(u) = u + u sum_{k>=1} b_k z^k, z = u^2 = delta/2 (exact), b_k = (2k)! / (4^k k!^2 (2k+1)),
  which is vectorisable (libm's asin is not, and numpy's own SIMD asin is out of reach): the b_k
  decrease, so the omitted tail is below b_n z^n / (1 - z), and n is chosen to make that
  < 2^-56 relative.  Elsewhere (the first layers of far-apart pairs) libm's asin is used.
The two paths agree to ~1e-15 relative at depth 10^4 (tests/test_recursion_fused.py).

numba is optional (extra ``[fast]``): :func:`nobias_stepper` returns None when numba does not
import, or when the environment variable ``NTK_VERIFY_NO_NUMBA`` is set, and the caller keeps the
numpy path (which stays the reference).  The compiled kernel is cached on disk (``cache=True``).
"""
from __future__ import annotations

import os
from functools import lru_cache

#: pairs per array below which the per-call copies are not worth it
MIN_PAIRS = 64
#: pair-layers below which importing numba and loading the cached kernel (~1 s measured, once per
#: process) costs more than it saves (~10 ns per pair-layer, benchmarks/bench_depth.py)
MIN_WORK_FIRST_CALL = 10**8


@lru_cache(maxsize=1)
def _kernel():
    """asymptotics.recursion.fused_kernel.advance_pairs, or None when numba is not importable."""
    try:
        from asymptotics.recursion.fused_kernel import advance_pairs
    except ImportError:
        return None
    return advance_pairs


def numba_available() -> bool:
    return _kernel() is not None


def nobias_stepper(xp, n_pairs: int, n_layers: int):
    """A function (delta, W, W_lost, first_layer, stop_layer, kappa, half) -> (delta, W, W_lost, a)
    running layers first_layer .. stop_layer - 1, or None where the numpy path is to be used
    (numba absent, NTK_VERIFY_NO_NUMBA set, cupy arrays, or too little work to pay).
    ``a`` is the half-angle of the last layer's input, as the numpy step returns it.
    """
    if os.environ.get("NTK_VERIFY_NO_NUMBA") or n_pairs < MIN_PAIRS:
        return None
    import numpy

    if xp is not numpy:
        return None
    if _kernel.cache_info().currsize == 0 and n_pairs * n_layers < MIN_WORK_FIRST_CALL:
        return None  # numba not loaded yet and not worth loading for this call
    compiled = _kernel()
    if compiled is None:
        return None

    def step(delta, W, W_lost, first_layer, stop_layer, kappa, half):
        # fresh contiguous copies: the caller's arrays (perhaps the user's input) are not modified
        d, w, lost = (numpy.array(x, dtype=numpy.float64, copy=True).ravel() for x in (delta, W, W_lost))
        a = numpy.zeros_like(d)
        compiled(d, w, lost, a, int(first_layer), int(stop_layer), float(kappa), float(half))
        shape = numpy.shape(delta)
        return d.reshape(shape), w.reshape(shape), lost.reshape(shape), a.reshape(shape)

    return step
