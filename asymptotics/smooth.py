"""Smooth activations with derivatives of every order, exact at any mpmath precision.

Defined here, registered by name in :mod:`asymptotics.activations` (``get_activation(name, **params)``):

* ``tanh``: tanh^(j)(x) = P_j(tanh x), P_0 = t, P_{j+1}(t) = (1 - t^2) P_j'(t) (integer polynomials).
* ``sigmoid``: sigma^(j)(x) = Q_j(sigma x), Q_0 = s, Q_{j+1}(s) = (s - s^2) Q_j'(s).
* ``erf`` (``scale=a``): phi(x) = erf(a x); for j >= 1,
  phi^(j)(x) = a^j (2/sqrt(pi)) (-1)^(j-1) H_{j-1}(a x) exp(-a^2 x^2), H the physicists' Hermite polynomials.
* ``gelu``: x Phi(x); Phi^(k) = (-1)^(k-1) He_{k-1}(x) phi_N(x) (probabilists' Hermite, phi_N the normal
  density), and by Leibniz gelu^(j) = x Phi^(j) + j Phi^(j-1).
* ``softplus``: log(1 + e^x); softplus^(j) = sigma^(j-1) (j >= 1).
* ``swish`` / ``silu``: x sigma(x); swish^(j) = x sigma^(j) + j sigma^(j-1).

Each activation also carries, in ``Activation.extra``:

* ``all_derivatives(x, n)``: [phi(x), ..., phi^(n)(x)] sharing one transcendental evaluation;
* ``difference(a, b, order)``: phi^(order)(a + b) - phi^(order)(a - b) without the cancellation of
  the direct difference when b is small (used for 1 - f(c) near c = 1);
* ``odd`` / ``even``: symmetry flags that halve quadratures;
* ``strip``: half-width of the strip |Im x| < strip in which phi is analytic (None: entire).

A user-supplied activation: :func:`custom_activation` (registered by name with
:func:`asymptotics.activations.register_custom_activation`), with explicit derivative callables; orders that were not given raise ``InputError`` when requested,
unless ``numeric_derivatives=True`` (then ``mpmath.diff`` supplies them at the working precision).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Callable, Optional, Sequence

import mpmath

from asymptotics.activation import Activation
from asymptotics.validation import InputError, check_positive

MAX_ORDER = 400  # explicit families: any order up to this (well beyond any use here)


class DerivativeList(Sequence):
    """Lazy sequence phi^(0), phi^(1), ... built on demand by ``make(j)``; None past ``max_order``."""

    def __init__(self, max_order: int, make: Callable[[int], Callable]):
        self._max = max_order
        self._make = make
        self._cache: dict = {}

    def __len__(self):
        return self._max + 1

    def __getitem__(self, j):
        if isinstance(j, slice):
            return [self[i] for i in range(*j.indices(len(self)))]
        if j < 0:
            j += len(self)
        if not 0 <= j <= self._max:
            raise IndexError(j)
        if j not in self._cache:
            self._cache[j] = self._make(j)
        return self._cache[j]

    __hash__ = object.__hash__

    def __eq__(self, other):
        return self is other


# --- integer polynomial families ------------------------------------------------------

@lru_cache(maxsize=None)
def tanh_polynomials(max_order: int) -> tuple:
    """Coefficients (lowest degree first) of P_0..P_max with tanh^(j)(x) = P_j(tanh x)."""
    polys = [(0, 1)]
    for _ in range(max_order):
        p = polys[-1]
        dp = [k * p[k] for k in range(1, len(p))] or [0]
        # (1 - t^2) * dp
        out = [0] * (len(dp) + 2)
        for k, c in enumerate(dp):
            out[k] += c
            out[k + 2] -= c
        while len(out) > 1 and out[-1] == 0:
            out.pop()
        polys.append(tuple(out))
    return tuple(polys)


@lru_cache(maxsize=None)
def sigmoid_polynomials(max_order: int) -> tuple:
    """Coefficients (lowest first) of Q_0..Q_max with sigma^(j)(x) = Q_j(sigma x)."""
    polys = [(0, 1)]
    for _ in range(max_order):
        p = polys[-1]
        dp = [k * p[k] for k in range(1, len(p))] or [0]
        # (s - s^2) * dp
        out = [0] * (len(dp) + 2)
        for k, c in enumerate(dp):
            out[k + 1] += c
            out[k + 2] -= c
        while len(out) > 1 and out[-1] == 0:
            out.pop()
        polys.append(tuple(out))
    return tuple(polys)


def _horner(coeffs_low_first, x):
    acc = mpmath.mpf(0)
    for c in reversed(coeffs_low_first):
        acc = acc * x + c
    return acc


def hermite_phys(n: int, x) -> list:
    """[H_0(x), ..., H_n(x)], H_{k+1} = 2x H_k - 2k H_{k-1}."""
    out = [mpmath.mpf(1)]
    if n >= 1:
        out.append(2 * x)
    for k in range(1, n):
        out.append(2 * x * out[k] - 2 * k * out[k - 1])
    return out


def hermite_prob(n: int, x) -> list:
    """[He_0(x), ..., He_n(x)], He_{k+1} = x He_k - k He_{k-1}."""
    out = [mpmath.mpf(1)]
    if n >= 1:
        out.append(mpmath.mpf(x))
    for k in range(1, n):
        out.append(x * out[k] - k * out[k - 1])
    return out


def _check_order(n):
    if n > MAX_ORDER:
        raise InputError("order", f"derivative orders up to {MAX_ORDER} are available, got {n}")


# --- tanh -----------------------------------------------------------------------------

def _tanh_all(x, n):
    _check_order(n)
    t = mpmath.tanh(x)
    return [_horner(p, t) for p in tanh_polynomials(n)]


def _tanh_difference(a, b, order=0):
    """tanh^(order)(a+b) - tanh^(order)(a-b) from A = tanh a, B = tanh b.

    tanh(a+b) - tanh(a-b) = 2B(1-A^2)/(1-A^2 B^2); for order >= 1 write
    P_j(t1) - P_j(t2) = (t1 - t2) * sum_k p_k (t1^k - t2^k)/(t1 - t2), exact divided differences.
    """
    A, B = mpmath.tanh(a), mpmath.tanh(b)
    denom = 1 - A * A * B * B
    t_diff = 2 * B * (1 - A * A) / denom
    if order == 0:
        return t_diff
    t_sum = 2 * A * (1 - B * B) / denom
    t1, t2 = (t_sum + t_diff) / 2, (t_sum - t_diff) / 2
    return t_diff * _divided_difference(tanh_polynomials(order)[order], t1, t2)


def _divided_difference(coeffs, t1, t2):
    """(p(t1) - p(t2)) / (t1 - t2) for p = sum c_k t^k, via t1^k - t2^k = (t1-t2) sum t1^i t2^(k-1-i)."""
    # h_k = sum_{i<k} t1^i t2^(k-1-i) satisfies h_{k+1} = t1 h_k + t2^k
    total = mpmath.mpf(0)
    h, t2_pow = mpmath.mpf(0), mpmath.mpf(1)
    for k in range(1, len(coeffs)):
        h = t1 * h + t2_pow
        t2_pow *= t2
        if coeffs[k]:
            total += coeffs[k] * h
    return total


def tanh_activation() -> Activation:
    def make(j):
        poly = tanh_polynomials(j)[j]
        return lambda x: _horner(poly, mpmath.tanh(x))

    return Activation(
        name="tanh", derivatives=DerivativeList(MAX_ORDER, make),
        description="tanh; derivatives P_j(tanh x) with integer polynomials P_j",
        extra={"all_derivatives": _tanh_all, "difference": _tanh_difference, "odd": True,
               "strip": mpmath.pi / 2},
    )


# --- sigmoid, softplus, swish ---------------------------------------------------------

def _sigmoid(x):
    return 1 / (1 + mpmath.exp(-x))


def _sigmoid_all(x, n):
    _check_order(n)
    s = _sigmoid(x)
    return [_horner(p, s) for p in sigmoid_polynomials(n)]


def _sigmoid_difference(a, b, order=0):
    """sigma(x) = (1 + tanh(x/2))/2, so sigma^(j)(x) = 2^(-j-1) tanh^(j)(x/2) for j >= 0 (plus 1/2 at j = 0)."""
    return _tanh_difference(a / 2, b / 2, order) / mpmath.mpf(2) ** (order + 1)


def sigmoid_activation() -> Activation:
    def make(j):
        poly = sigmoid_polynomials(j)[j]
        return lambda x: _horner(poly, _sigmoid(x))

    return Activation(
        name="sigmoid", derivatives=DerivativeList(MAX_ORDER, make),
        description="logistic sigmoid 1/(1+e^-x)",
        extra={"all_derivatives": _sigmoid_all, "difference": _sigmoid_difference, "strip": mpmath.pi},
    )


def _softplus(x):
    # log(1 + e^x) without overflow for large x
    return x + mpmath.log1p(mpmath.exp(-x)) if x > 0 else mpmath.log1p(mpmath.exp(x))


def _softplus_all(x, n):
    return [_softplus(x)] + (_sigmoid_all(x, n - 1) if n >= 1 else [])


def _softplus_difference(a, b, order=0):
    if order >= 1:
        return _sigmoid_difference(a, b, order - 1)
    # log((1+e^(a+b))/(1+e^(a-b))) = log1p(expm1(2b) e^(a-b) / (1 + e^(a-b)))
    x = a - b
    weight = 1 / (1 + mpmath.exp(-x)) if x >= 0 else (lambda e: e / (1 + e))(mpmath.exp(x))
    return mpmath.log1p(mpmath.expm1(2 * b) * weight)


def softplus_activation() -> Activation:
    def make(j):
        if j == 0:
            return _softplus
        poly = sigmoid_polynomials(j - 1)[j - 1]
        return lambda x: _horner(poly, _sigmoid(x))

    return Activation(
        name="softplus", derivatives=DerivativeList(MAX_ORDER, make),
        description="softplus log(1+e^x)",
        extra={"all_derivatives": _softplus_all, "difference": _softplus_difference, "strip": mpmath.pi,
               # declared for asymptotics.eoc.no_eoc_reason (proved there): no Edge of Chaos
               "convex_tangent_intercepts": "softplus is positive and convex, and log(1 + e^x) - x sigma(x) "
                                            "-> 0 as x -> +-infinity"},
    )


def _swish_all(x, n):
    s = _sigmoid_all(x, n)
    return [x * s[0]] + [x * s[j] + j * s[j - 1] for j in range(1, n + 1)]


def _swish_difference(a, b, order=0):
    # (x s^(j))(a+b) - (x s^(j))(a-b) = a (s^(j)(a+b) - s^(j)(a-b)) + b (s^(j)(a+b) + s^(j)(a-b))
    def sum_(j):
        return _sigmoid_all(a + b, j)[j] + _sigmoid_all(a - b, j)[j]

    out = a * _sigmoid_difference(a, b, order) + b * sum_(order)
    if order >= 1:
        out += order * _sigmoid_difference(a, b, order - 1)
    return out


def swish_activation(name="swish") -> Activation:
    def make(j):
        if j == 0:
            return lambda x: x * _sigmoid(x)
        return lambda x: (lambda s: x * s[j] + j * s[j - 1])(_sigmoid_all(x, j))

    return Activation(
        name=name, derivatives=DerivativeList(MAX_ORDER, make),
        description="swish / SiLU x sigma(x)",
        extra={"all_derivatives": _swish_all, "difference": _swish_difference, "strip": mpmath.pi},
    )


# --- erf and GELU (Gaussian-type derivatives) -----------------------------------------

def _erf_all_factory(scale):
    def all_derivatives(x, n):
        _check_order(n)
        y = scale * x
        out = [mpmath.erf(y)]
        if n >= 1:
            g = 2 / mpmath.sqrt(mpmath.pi) * mpmath.exp(-y * y)
            hs = hermite_phys(n - 1, y)
            a_pow = mpmath.mpf(scale)
            for j in range(1, n + 1):
                out.append(a_pow * (-1) ** (j - 1) * hs[j - 1] * g)
                a_pow *= scale
        return out

    return all_derivatives


def erf_activation(scale=1) -> Activation:
    check_positive("scale", scale)
    scale_str = str(scale)
    all_derivatives = _erf_all_factory(mpmath.mpf(scale_str))

    def make(j):
        return lambda x: all_derivatives(x, j)[j]

    def difference(a, b, order=0):
        return _generic_difference(lambda x: all_derivatives(x, order)[order], a, b)

    name = "erf" if scale_str in ("1", "1.0") else f"erf(scale={scale_str})"
    return Activation(
        name=name, derivatives=DerivativeList(MAX_ORDER, make), closed_form=True,
        description="erf(a x); closed-form dual maps (Williams 1997 type)",
        extra={"all_derivatives": all_derivatives, "difference": difference, "odd": True, "strip": None,
               "erf_scale": scale_str},
    )


def _gelu_all(x, n):
    _check_order(n)
    density = mpmath.exp(-x * x / 2) / mpmath.sqrt(2 * mpmath.pi)
    he = hermite_prob(max(n - 1, 0), x)
    # Phi^(k) for k = 0..n
    Phi = [mpmath.ncdf(x)] + [(-1) ** (k - 1) * he[k - 1] * density for k in range(1, n + 1)]
    return [x * Phi[0]] + [x * Phi[j] + j * Phi[j - 1] for j in range(1, n + 1)]


def gelu_activation() -> Activation:
    def make(j):
        return lambda x: _gelu_all(x, j)[j]

    def difference(a, b, order=0):
        return _generic_difference(lambda x: _gelu_all(x, order)[order], a, b)

    return Activation(
        name="gelu", derivatives=DerivativeList(MAX_ORDER, make),
        description="GELU x Phi(x) (exact, not the tanh approximation)",
        extra={"all_derivatives": _gelu_all, "difference": difference, "strip": None},
    )


# --- generic helpers and user-supplied activations ------------------------------------

def _generic_difference(g, a, b):
    """g(a+b) - g(a-b) at enough extra precision to absorb the cancellation (|b| small)."""
    if b == 0:
        return mpmath.mpf(0)
    extra = 10 + max(0, int(-mpmath.log10(abs(b))))
    # The cancellation can be worse than |b| suggests: where g tends to a non-zero limit (erf(x) -> 1
    # for large x) both values agree to many more digits.  Measure the digits lost and redo with
    # that many more (at most three tries).
    for _ in range(3):
        with mpmath.extradps(extra):
            x, y = mpmath.mpf(a), mpmath.mpf(b)
            upper, lower = g(x + y), g(x - y)
            out = upper - lower
            size = max(abs(upper), abs(lower))
            if out == 0 and size == 0:
                return mpmath.mpf(0)
            lost = int(mpmath.log10(size / abs(out))) if out != 0 else extra + mpmath.mp.dps
        if lost <= extra - 6:
            break
        extra = lost + 12
    return +out


def _check_declared_continuity(name, derivatives, kinks, k) -> None:
    """The orders declared continuous (below ``k``) must not jump at a kink: compare the given one-sided
    values at kink +- 1e-25 (30 digits).  A wrong declaration would make Taylor-based methods trust
    derivatives that do not exist, so it is refused."""
    with mpmath.workdps(30):
        h = mpmath.mpf("1e-25")
        for x0 in kinks:
            x0 = mpmath.mpf(x0)
            for j in range(min(k, len(derivatives))):
                d = derivatives[j]
                if d is None:
                    continue
                left, right = d(x0 - h), d(x0 + h)
                if abs(right - left) > mpmath.mpf("1e-12") * max(1, abs(left), abs(right)):
                    raise InputError("first_discontinuous_derivative",
                                     f"{name}: declared continuous up to order {k - 1}, but phi^({j}) jumps at "
                                     f"x = {mpmath.nstr(x0, 8)} ({mpmath.nstr(left, 6)} vs {mpmath.nstr(right, 6)})")


def custom_activation(name: str, phi: Callable, derivatives: Sequence[Callable] = (),
                      numeric_derivatives: bool = False, kink: tuple = (),
                      odd: bool = False, description: str = "user-supplied",
                      first_discontinuous_derivative=None) -> Activation:
    """An activation from phi and its derivatives ``derivatives = [phi', phi'', ...]``.

    Orders beyond those given raise ``InputError`` when a computation needs them, unless
    ``numeric_derivatives`` is set (``mpmath.diff`` at the working precision: slow but accurate
    for analytic phi).  ``kink`` lists points where phi is not smooth (quadratures split there);
    ``first_discontinuous_derivative`` the lowest order that jumps there.  With kinks and no order
    declared, the order is taken to be 1 (phi' may jump): the Taylor-based methods then refuse
    orders >= 2 rather than trust one-sided derivatives (see :mod:`asymptotics.activation`).
    """
    if not isinstance(name, str) or not name.strip():
        raise InputError("name", "an activation needs a non-empty name")
    if not callable(phi):
        raise InputError("phi", "must be callable on mpmath numbers")
    given = [phi] + list(derivatives)
    for j, d in enumerate(given):
        if d is not None and not callable(d):
            raise InputError("derivatives", f"entry for order {j} is not callable")
    if numeric_derivatives:
        def make(j):
            if j < len(given) and given[j] is not None:
                return given[j]
            return lambda x, j=j: mpmath.diff(phi, x, j)
        seq = DerivativeList(MAX_ORDER, make)
    else:
        seq = tuple(given)

    def all_derivatives(x, n):
        return [Activation(name, seq).derivative(j)(x) for j in range(n + 1)]

    def difference(a, b, order=0):
        return _generic_difference(Activation(name, seq).derivative(order), a, b)

    if kink and first_discontinuous_derivative is None:
        first_discontinuous_derivative = 1
    if kink and not numeric_derivatives:
        _check_declared_continuity(name, seq, tuple(kink), first_discontinuous_derivative)
    return Activation(name=name, derivatives=seq, kink=tuple(kink), description=description,
                      first_discontinuous_derivative=first_discontinuous_derivative if kink else None,
                      extra={"all_derivatives": all_derivatives, "difference": difference, "odd": odd,
                             "strip": None, "custom": True})


def all_derivatives(activation: Activation, x, n: int) -> list:
    """[phi(x), ..., phi^(n)(x)]; InputError if some order is missing."""
    fn = activation.extra.get("all_derivatives") if activation.extra else None
    if fn is not None:
        return fn(x, n)
    return [activation.derivative(j)(x) for j in range(n + 1)]


def difference(activation: Activation, a, b, order: int = 0):
    """phi^(order)(a + b) - phi^(order)(a - b), cancellation-free where a formula is known."""
    fn = activation.extra.get("difference") if activation.extra else None
    if fn is not None:
        return fn(a, b, order)
    return _generic_difference(activation.derivative(order), a, b)
