"""Checking derived depth expansions against the depth recursion.

Two independent ways to compare an expansion with numbers from a recursion:

* :func:`remainder_slopes` subtracts the derived terms and measures how fast
  the remainder shrinks (local slopes d log|R| / d log l between widely
  separated depths), next to the slope and size of the first omitted derived
  term.  Log terms make raw ratios converge like 1/log l, so this is the
  honest test (DESIGN.md, numerical pitfalls).
* :func:`fit_coefficients` fits the coefficients of a given basis
  log(l)^k / l^n by least squares at high precision over a window of depths;
  the fitted values never see the derived ones (only the shape of the basis),
  and two fits with different numbers of orders give the fit's own error.

:func:`iterate_local_map` iterates a truncated local expansion (Taylor series of
a smooth correlation map about 1) with python-flint at a given precision; it is
how deep recursions of smooth activations are run once 1 - c is small.
"""
from __future__ import annotations

from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import mpmath

from asymptotics.accuracy import AGREEMENT, Approx
from asymptotics.validation import InputError, check_depths, check_digits

__all__ = ["remainder_slopes", "fit_coefficients", "iterate_local_map", "basis_keys"]


def basis_keys(leading_power: int, orders: int, log_start: int = 0) -> List[Tuple[int, int]]:
    """(n, k) for log(l)^k / l^n, n = leading..leading+orders-1, k = 0..n-leading (+ log_start)."""
    keys = []
    for i in range(orders):
        n = leading_power + i
        for k in range(i + log_start, -1, -1):
            keys.append((n, k))
    return keys


def fit_coefficients(values: Dict[int, object], keys: Sequence[Tuple[int, int]], constant=0,
                     dps: int = 40) -> Dict[Tuple[int, int], mpmath.mpf]:
    """Least-squares fit value(l) - constant = sum_keys c_(n,k) log(l)^k / l^n over the given depths.

    Columns are scaled by their size at the smallest depth so the normal
    equations stay well conditioned; solved by QR at ``dps`` digits.
    """
    dps = check_digits("dps", dps)
    depths = sorted(values)
    if len(depths) < len(keys):
        raise InputError("values", f"{len(depths)} depths cannot fit {len(keys)} coefficients")
    with mpmath.workdps(dps):
        lref = mpmath.mpf(depths[0])
        scale = [mpmath.log(lref) ** k / lref**n for n, k in keys]
        rows, rhs = [], []
        for L in depths:
            l = mpmath.mpf(L)
            logl = mpmath.log(l)
            rows.append([logl**k / l**n / s for (n, k), s in zip(keys, scale)])
            rhs.append(mpmath.mpf(values[L]) - constant)
        A = mpmath.matrix(rows)
        b = mpmath.matrix(rhs)
        solution, _ = mpmath.qr_solve(A, b)
        return {key: solution[i] / scale[i] for i, key in enumerate(keys)}


def remainder_slopes(values: Dict[int, object], exact_terms, next_terms, depths: Iterable[int],
                     dps: int = 40):
    """Rows (l, R(l), T(l), R/T, local slope of R, local slope of T) for consecutive depths.

    ``exact_terms(l)`` is the truncated expansion and ``next_terms(l)`` its first
    omitted order, both callables returning mpf.  The local slope between l1 < l2
    is log(|R(l2)| / |R(l1)|) / log(l2 / l1).
    """
    depths = check_depths("depths", list(depths))
    out = []
    prev = None
    with mpmath.workdps(dps):
        for L in depths:
            R = mpmath.mpf(values[L]) - exact_terms(L)
            T = next_terms(L)
            row = {"depth": L, "remainder": R, "next_term": T, "ratio": R / T if T else None,
                   "slope": None, "slope_next": None}
            if prev is not None:
                lp, Rp, Tp = prev
                span = mpmath.log(mpmath.mpf(L) / lp)
                if R != 0 and Rp != 0:
                    row["slope"] = mpmath.log(abs(R / Rp)) / span
                if T != 0 and Tp != 0:
                    row["slope_next"] = mpmath.log(abs(T / Tp)) / span
            out.append(row)
            prev = (L, R, T)
    return out


def iterate_local_map(map_coefficients: Sequence, derivative_coefficients: Sequence, ramification: int,
                      delta1, depths: Iterable[int], digits: int = 40, ntk: bool = True):
    """Iterate delta -> delta (1 - sum_j A_j delta^(j/m)) from delta_1 at depth 1 (python-flint arb midpoints).

    Also K^{l+1} = f'(c^l) K^l + c^{l+1} with K^1 = c^1 (q = 1) and
    f'(1 - delta) = 1 - sum_j D_j delta^(j/m).  Coefficients are numbers (mpf or
    Approx midpoints).  Returns {depth: (delta_l, f'(c^l), K^l)} as mpf.
    The truncation error of the series is not bounded here: callers compare two
    truncations/precisions (see benchmarks/crossval_depth_laws.py).
    """
    import flint

    digits = check_digits("digits", digits)
    depths = check_depths("depths", list(depths))
    wanted = set(depths)
    last = depths[-1]
    old = flint.ctx.prec
    try:
        flint.ctx.prec = int(digits * 3.33) + 40
        to_arb = lambda v: flint.arb(mpmath.nstr(getattr(v, "mid", v), digits + 15))
        A = [to_arb(a) for a in map_coefficients]
        D = [to_arb(d) for d in derivative_coefficients]
        m = ramification

        def poly(coeffs, t):
            s = flint.arb(0)
            for c in reversed(coeffs):
                s = s * t + c
            return s * t

        delta = to_arb(delta1)
        K = 1 - delta
        out = {}
        for layer in range(1, last + 1):
            t = delta if m == 1 else delta.sqrt()
            slope = 1 - poly(D, t)
            if layer in wanted:
                with mpmath.workdps(digits + 5):  # parse at full precision, not mpmath's default 15 digits
                    out[layer] = tuple(mpmath.mpf(x.mid().str(digits + 5, radius=False)) for x in (delta, slope, K))
            if layer == last:
                break
            delta = delta * (1 - poly(A, t))
            if ntk:
                K = slope * K + (1 - delta)
        return out
    finally:
        flint.ctx.prec = old
