"""What the kernel maps need to know about one activation: :class:`Activation`.

An activation bundles phi and its derivatives (mpmath callables of one real argument, exact at
any precision) with its declared smoothness: the points where it is not smooth (``kink``) and
``first_discontinuous_derivative`` k, the lowest order whose derivative jumps there (ReLU: k = 1;
ELU with alpha = 1: k = 2; an analytic activation: None).  The registry of names is
:mod:`asymptotics.activations`.

Why the smoothness matters (seed 001, Facts 5-6, lines 638-646): the correlation map has
f^(j)(1) = sigma_w^2 q^(j-1) E[phi^(j)(sqrt(q) Z)^2].  When phi^(k) jumps at a kink x0,
phi^(k+1) contains a Dirac delta at x0, so E[phi^(k+1)(u) phi^(k+1)(v)] carries the term
jump^2 * (density of (u, v) at (x0, x0)), which grows like (1 - c^2)^(-1/2): f^(k+1)(c) -> infinity
as c -> 1.  So f is k times differentiable at c = 1 and no more; a Taylor expansion at c = 1 with a
term (1-c)^(k+1) (and every depth law built on one) does not exist: the true expansion has a
half-integer power (the Puiseux term of the ReLU family, k = 1).  :meth:`require_taylor_order`
refuses such uses in one line.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence

import mpmath

from asymptotics.validation import InputError


@dataclass(frozen=True)
class Activation:
    """phi and what is known about it.

    ``derivatives[j]`` is phi^(j) (``derivatives[0]`` is phi itself) as a callable on mpmath numbers,
    away from the kinks (one-sided values there); ``None`` beyond the known orders.
    ``slopes`` is ``(a, b)`` (exact Fractions) for the ReLU family, else ``None``.
    ``kink`` lists the points where phi is not smooth (quadratures split there);
    ``first_discontinuous_derivative`` is the lowest order j with phi^(j) discontinuous at a kink
    (None: phi is smooth everywhere).
    """

    name: str
    derivatives: Sequence[Callable]
    slopes: Optional[tuple] = None
    kink: tuple = ()
    closed_form: bool = False
    description: str = ""
    extra: dict = field(default_factory=dict, compare=False)
    first_discontinuous_derivative: Optional[int] = None

    def __post_init__(self):
        k = self.first_discontinuous_derivative
        if k is not None and (isinstance(k, bool) or not isinstance(k, int) or k < 0):
            raise InputError("first_discontinuous_derivative", f"expected an integer >= 0 or None, got {k!r}")
        if k is not None and not self.kink:
            raise InputError("kink", f"{self.name!r}: a discontinuous derivative needs the kink where it jumps")

    @property
    def phi(self) -> Callable:
        return self.derivatives[0]

    @property
    def is_relu_family(self) -> bool:
        return self.slopes is not None

    @property
    def erf_scale(self):
        """a for phi = erf(a x) (closed-form dual maps), as an mpf at the working precision; else None."""
        text = self.extra.get("erf_scale") if self.extra else None
        return mpmath.mpf(text) if text is not None else None

    def derivative(self, order: int) -> Callable:
        """phi^(order); a clear error when that order is not available."""
        if order < 0:
            raise InputError("order", f"must be >= 0, got {order}")
        if order >= len(self.derivatives) or self.derivatives[order] is None:
            raise InputError(
                "activation",
                f"{self.name!r} has no derivative of order {order} available "
                f"(known orders: 0..{len(self.derivatives) - 1})",
            )
        return self.derivatives[order]

    def derivative_is_continuous(self, order: int) -> bool:
        """phi^(order) is continuous everywhere (so phi^(order+1) has no Dirac part)."""
        k = self.first_discontinuous_derivative
        return k is None or order < k

    def require_taylor_order(self, order: int, purpose: str) -> None:
        """Refuse (InputError, one line) when f^(order)(1) does not exist (see the module docstring)."""
        k = self.first_discontinuous_derivative
        if k is None or order <= k:
            return
        where = ", ".join(str(x) for x in self.kink)
        raise InputError(
            "activation",
            f"{self.name}: phi^({k}) jumps at x = {where}, so f^({k + 1})(c) -> infinity as c -> 1 and the "
            f"correlation map has no Taylor expansion at c = 1 beyond order {k}; {purpose} needs order {order} "
            f"(the true expansion has a half-integer power of 1 - c)",
        )
