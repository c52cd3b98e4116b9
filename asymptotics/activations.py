"""The registry of activations by name.

:func:`get_activation` returns an :class:`~asymptotics.activation.Activation` (phi, its derivatives
and its declared smoothness); an unknown name raises :class:`~asymptotics.validation.InputError`
naming the argument.  Registered: the ReLU family (``relu``, ``leaky_relu``, ``abrelu``, ``linear``)
and ``elu`` / ``selu`` from :mod:`asymptotics.piecewise`; the smooth activations (``tanh``, ``erf``,
``gelu``, ``softplus``, ``sigmoid``, ``swish``, ``silu``) from :mod:`asymptotics.smooth`; user-supplied
ones with :func:`register_custom_activation`.

This module sits above the modules that define activations (they never import it), so the
package has no import circle here.
"""
from __future__ import annotations

from typing import Callable, Sequence

from asymptotics import piecewise, smooth
from asymptotics.activation import Activation
from asymptotics.piecewise import abrelu
from asymptotics.validation import InputError

__all__ = ["Activation", "abrelu", "register_activation", "register_custom_activation", "available_activations",
           "get_activation"]

_REGISTRY: dict[str, Callable[..., Activation]] = {}


def register_activation(name: str, factory: Callable[..., Activation]) -> None:
    """Make ``get_activation(name, **params)`` return ``factory(**params)``."""
    _REGISTRY[name.lower()] = factory


def register_custom_activation(name: str, phi: Callable, derivatives: Sequence[Callable] = (), **options) -> None:
    """Register a user-supplied activation (:func:`asymptotics.smooth.custom_activation`) under ``name``."""
    act = smooth.custom_activation(name, phi, derivatives, **options)
    register_activation(name, lambda: act)


def available_activations() -> list[str]:
    return sorted(_REGISTRY)


def get_activation(name, **params) -> Activation:
    """Look up an activation by name ('relu', 'leaky_relu', 'tanh', 'elu', ...)."""
    if isinstance(name, Activation):
        return name
    if not isinstance(name, str):
        raise InputError("activation", f"expected a name, got {name!r}")
    key = name.strip().lower()
    if key not in _REGISTRY:
        raise InputError(
            "activation",
            f"unknown activation {name!r}; available: {', '.join(available_activations())}",
        )
    try:
        return _REGISTRY[key](**params)
    except TypeError as err:
        raise InputError("activation", f"bad parameters for {name!r}: {err}") from None


register_activation("relu", lambda: abrelu(0, 1, "relu"))
register_activation("leaky_relu", lambda alpha=0.01: abrelu(alpha, 1, f"leaky_relu(alpha={alpha})"))
register_activation("abrelu", lambda a=0, b=1: abrelu(a, b))
register_activation("linear", lambda: abrelu(1, 1, "linear"))
register_activation("elu", lambda alpha="1": piecewise.elu(alpha, name="elu" if str(alpha) in ("1", "1.0") else None))
register_activation("selu", piecewise.selu)
register_activation("tanh", smooth.tanh_activation)
register_activation("erf", smooth.erf_activation)
register_activation("gelu", smooth.gelu_activation)
register_activation("softplus", smooth.softplus_activation)
register_activation("sigmoid", smooth.sigmoid_activation)
register_activation("swish", smooth.swish_activation)
register_activation("silu", lambda: smooth.swish_activation("silu"))
