"""Activation specifications.

An :class:`Activation` bundles what the kernel maps need: the function phi and
its derivatives (as mpmath-callables of one real argument, exact at any
precision), and, where it exists, a closed-form dual map.  Activations are
looked up by name with :func:`get_activation`; an unknown name raises
:class:`~asymptotics.validation.InputError` naming the argument.

The ReLU family (ABReLU: slope ``a`` for x < 0, slope ``b`` for x > 0, ReLU is
a=0, b=1, leaky ReLU is a=alpha, b=1) is positively homogeneous, which makes
its dual maps closed-form (see :mod:`asymptotics.relu_family`).  Smooth
activations (tanh, erf, GELU, ...) are registered by
:mod:`asymptotics.smooth` with their derivatives of every order needed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable, Optional, Sequence

import mpmath

from asymptotics.validation import InputError, check_finite


@dataclass(frozen=True)
class Activation:
    """phi and what is known about it.

    ``derivatives[j]`` is phi^(j) (``derivatives[0]`` is phi itself) as a
    callable on mpmath numbers; ``None`` beyond the known orders.
    ``slopes`` is ``(a, b)`` (exact Fractions) for the ReLU family, else ``None``.
    ``kink`` lists the points where phi is not smooth (quadrature splits there).
    """

    name: str
    derivatives: Sequence[Callable]
    slopes: Optional[tuple] = None
    kink: tuple = ()
    closed_form: bool = False
    description: str = ""
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def phi(self) -> Callable:
        return self.derivatives[0]

    @property
    def is_relu_family(self) -> bool:
        return self.slopes is not None

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


def _exact_slope(name, value) -> Fraction:
    """Slopes as exact rationals; a float means the decimal it prints as (0.01 -> 1/100)."""
    check_finite(name, value)
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        return Fraction(repr(value))
    try:
        return Fraction(str(value))
    except ValueError:
        return Fraction(float(value))


def abrelu(a=0, b=1, name: Optional[str] = None) -> Activation:
    """phi(x) = b x for x >= 0, a x for x < 0 (ReLU: a=0, b=1)."""
    a_exact, b_exact = _exact_slope("a", a), _exact_slope("b", b)
    a, b = mpmath.mpf(a_exact.numerator) / a_exact.denominator, mpmath.mpf(b_exact.numerator) / b_exact.denominator

    def phi(x):
        return b * x if x >= 0 else a * x

    def dphi(x):
        return b if x > 0 else a

    def zero(x):
        return mpmath.mpf(0)

    label = name or f"abrelu(a={mpmath.nstr(a, 8)}, b={mpmath.nstr(b, 8)})"
    return Activation(
        name=label,
        derivatives=(phi, dphi, zero, zero, zero, zero),
        slopes=(a_exact, b_exact),
        kink=(0,),
        closed_form=True,
        description="piecewise-linear, positively homogeneous",
    )


_REGISTRY: dict[str, Callable[..., Activation]] = {}


def register_activation(name: str, factory: Callable[..., Activation]) -> None:
    """Make ``get_activation(name, **params)`` return ``factory(**params)``."""
    _REGISTRY[name.lower()] = factory


register_activation("relu", lambda: abrelu(0, 1, "relu"))
register_activation("leaky_relu", lambda alpha=0.01: abrelu(alpha, 1, f"leaky_relu(alpha={alpha})"))
register_activation("abrelu", lambda a=0, b=1: abrelu(a, b))
register_activation("linear", lambda: abrelu(1, 1, "linear"))


def _load_plugins() -> None:
    # Smooth activations live in their own module; import lazily to keep start-up light.
    try:
        import asymptotics.smooth  # noqa: F401  (registers tanh, erf, ...)
    except ImportError:
        pass


def available_activations() -> list[str]:
    _load_plugins()
    return sorted(_REGISTRY)


def get_activation(name, **params) -> Activation:
    """Look up an activation by name ('relu', 'leaky_relu', 'tanh', ...)."""
    if isinstance(name, Activation):
        return name
    if not isinstance(name, str):
        raise InputError("activation", f"expected a name, got {name!r}")
    key = name.strip().lower()
    if key not in _REGISTRY:
        _load_plugins()
    if key not in _REGISTRY:
        raise InputError(
            "activation",
            f"unknown activation {name!r}; available: {', '.join(available_activations())}",
        )
    try:
        return _REGISTRY[key](**params)
    except TypeError as err:
        raise InputError("activation", f"bad parameters for {name!r}: {err}") from None
