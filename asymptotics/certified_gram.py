"""Certified normalised-NTK Gram matrices from float64 data taken exactly (seed 000's setting).

The float64 Gram of :func:`asymptotics.linalg.ntk_grams` starts from layer-1 correlations rounded
in float64 and carries an a-priori error *estimate*: fine for tables, not a certificate.  Here
every step is rigorous:

* data: each float64 entry is a dyadic rational, taken exactly; dot products are exact rationals;
* layer 1 (ReLU, sigma_w = 1, sigma_b = 0: rho = x.y / (|x| |y|)): with s = sqrt(|x|^2 |y|^2) as
  an arb ball and Lagrange's identity N = |x|^2 |y|^2 - (x.y)^2 >= 0 exact,

      1 - rho = N / (s (s + x.y))   (x.y > 0, no cancellation),     1 - rho = (s - x.y) / s   (x.y <= 0);

* depths: each pair through the certified arb recursion (:func:`asymptotics.recursion.kernel_at_depths`
  with ``one_minus_rho`` a ball), which returns enclosures of 1 - Theta-bar^(L);
* det(kappa) and w = kappa^-1 kappa_x: arb_mat on those balls (:func:`asymptotics.linalg.det_of_balls`,
  :func:`asymptotics.linalg.weights_of_balls`).

Seed 000: ``../shared/seeds/`` document 000, lines 142-171 (network), 221-229 (Proposition 3: the
weights), 261-265 (Definition 4: the normalised kernel).
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from fractions import Fraction

import numpy

from asymptotics.accuracy import CERTIFIED
from asymptotics.validation import InputError, check_depths


@dataclass
class CertifiedGram:
    """Balls (python-flint arb, row-major lists) enclosing E = 1 1^T - kappa and E_x = 1 - kappa_x."""

    depth: int
    n: int
    m: int
    E: list
    E_x: list
    method: str = CERTIFIED


def _exact_rows(X, name):
    X = numpy.asarray(X.get() if hasattr(X, "get") else X, dtype=float)
    if X.ndim != 2 or X.shape[0] == 0 or X.shape[1] == 0:
        raise InputError(name, f"expected a non-empty 2-D array (points x features), got shape {X.shape}")
    if not numpy.all(numpy.isfinite(X)):
        raise InputError(name, "contains non-finite values")
    rows = []
    for row in X.tolist():
        rows.append([Fraction(v) for v in row])  # a float's exact binary value
    return rows


def _dot(u, v) -> Fraction:
    return sum((a * b for a, b in zip(u, v)), Fraction(0))


def one_minus_cos_ball(u, v):
    """An arb ball enclosing 1 - u.v / (|u| |v|) for exact rational vectors (flint's working precision)."""
    import flint

    uu, vv, uv = _dot(u, u), _dot(v, v), _dot(u, v)
    if uu == 0 or vv == 0:
        raise InputError("X", "has a zero row: its correlation is undefined without biases")
    prod = uu * vv
    s = flint.arb(flint.fmpq(prod.numerator, prod.denominator)).sqrt()
    xy = flint.arb(flint.fmpq(uv.numerator, uv.denominator))
    if uv > 0:
        lagrange = prod - uv * uv  # >= 0 exactly (Cauchy-Schwarz)
        return flint.arb(flint.fmpq(lagrange.numerator, lagrange.denominator)) / (s * (s + xy))
    return (s - xy) / s


def certified_ntk_grams(X, depths, x=None, digits: int = 30, max_seconds: float | None = None) -> dict:
    """{depth: CertifiedGram} for the rows of X (n points) and the test points x (m rows).

    Cost: one certified recursion per pair, (n(n-1)/2 + m n) pairs x the deepest depth; refused
    up front (InputError naming ``depths``) beyond ``max_seconds`` (default the recursion's limit).
    """
    import flint

    from asymptotics.linalg import relu_network
    from asymptotics.recursion import MAX_SECONDS, guard_bits, seconds_per_layer, kernel_at_depths

    depths = check_depths("depths", depths)
    rows = _exact_rows(X, "X")
    tests = [] if x is None else _exact_rows(numpy.atleast_2d(numpy.asarray(x, dtype=float)), "x")
    if tests and len(tests[0]) != len(rows[0]):
        raise InputError("x", f"has {len(tests[0])} columns, X has {len(rows[0])}")
    n, m = len(rows), len(tests)
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)] + [(k, i) for k in range(m) for i in range(n)]
    bits = int(digits * 3.33) + guard_bits(depths[-1])
    limit = MAX_SECONDS if max_seconds is None else max_seconds
    estimate = len(pairs) * depths[-1] * seconds_per_layer("arb", bits)
    if estimate > limit:
        raise InputError("depths", f"{len(pairs)} certified pairs to depth {depths[-1]} would take about "
                                   f"{estimate:.3g} s, beyond the limit of {limit:.0f} s (use fewer points "
                                   f"or depths, or the float64 estimate without --certified)")
    net = relu_network()
    old = flint.ctx.prec
    start = time.perf_counter()
    entries = {L: ([flint.arb(0)] * (n * n), [None] * (n * m)) for L in depths}
    try:
        for p, (i, j) in enumerate(pairs):
            flint.ctx.prec = bits + 64
            if p < n * (n - 1) // 2:
                ball = one_minus_cos_ball(rows[i], rows[j])
            else:
                ball = one_minus_cos_ball(tests[i], rows[j])
            traj = kernel_at_depths(net, None, depths, backend="arb", digits=digits, one_minus_rho=ball)
            flint.ctx.prec = bits + 64
            for L in depths:
                ball_L = _ball(traj.at(L).one_minus_ntk_normalized)
                E, E_x = entries[L]
                if p < n * (n - 1) // 2:
                    E[i * n + j] = E[j * n + i] = ball_L
                else:
                    E_x[i * n + j] = ball_L
    finally:
        flint.ctx.prec = old
    del start
    return {L: CertifiedGram(L, n, m, *entries[L]) for L in depths}


def _ball(a):
    """An Approx (exact mpf mid and rad) as the arb ball it stands for."""
    import flint

    from asymptotics.backends import to_arb

    return flint.arb(to_arb(a.mid), to_arb(a.rad))
