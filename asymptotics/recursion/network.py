"""The network, per-depth values and trajectory types of the depth recursion (:mod:`asymptotics.recursion`).

A :class:`Network` holds exact variances (sigma_w^2, sigma_b^2 as Fractions: 0.3 means 3/10) and a
ReLU-family activation; :class:`LayerValues` holds every kernel at one depth as an
:class:`~asymptotics.accuracy.Approx`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Optional

import mpmath

from asymptotics.accuracy import Approx, mpf_as_fraction
from asymptotics.relu_family import constants_for
from asymptotics.validation import InputError, check_finite, check_nonnegative


BACKENDS = ("float64", "mpmath", "arb")


FLOAT64_EPS = 2.0**-53


def _exact(name, value) -> Fraction | float:
    """A parameter as an exact Fraction where possible (int, decimal string, float)."""
    check_finite(name, value)
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        return Fraction(repr(value))  # the decimal the user typed (0.3 -> 3/10), not its binary neighbour
    if isinstance(value, str):
        try:
            return Fraction(value.strip())
        except ValueError:
            return Fraction(float(value))
    if isinstance(value, mpmath.mpf):
        exact = mpf_as_fraction(value)  # int(): gmpy2.mpz parts (mpmath's gmpy backend) -> plain ints
        return Fraction(int(exact.numerator), int(exact.denominator))
    if hasattr(value, "mid") and hasattr(value, "rad"):  # an arb ball: its midpoint, exactly
        return _exact(name, mpmath.mpf(value.mid().str(radius=False, more=True, condense=0)))
    return Fraction(float(value))


@dataclass(frozen=True)
class Network:
    """Fully connected network in the NTK parameterisation.

    ``sigma_w`` and ``sigma_b`` are standard deviations; pass ``sigma_w2`` /
    ``sigma_b2`` (variances) instead for exact values such as sigma_w^2 = 2.
    """

    activation: str = "relu"
    sigma_w: object = None
    sigma_b: object = None
    sigma_w2: object = None
    sigma_b2: object = None

    def __post_init__(self):
        if self.sigma_w is not None and self.sigma_w2 is not None:
            raise InputError("sigma_w", "give sigma_w or sigma_w2, not both")
        if self.sigma_b is not None and self.sigma_b2 is not None:
            raise InputError("sigma_b", "give sigma_b or sigma_b2, not both")
        for name in ("sigma_w", "sigma_b", "sigma_w2", "sigma_b2"):
            value = getattr(self, name)
            if value is not None:
                check_nonnegative(name, value)
        if self.weight_variance == 0:
            raise InputError("sigma_w", "must be > 0")
        constants_for(self.activation)  # unknown / unsupported activation -> InputError now

    @property
    def weight_variance(self) -> Fraction:
        if self.sigma_w2 is not None:
            return _exact("sigma_w2", self.sigma_w2)
        sw = _exact("sigma_w", 1 if self.sigma_w is None else self.sigma_w)
        return sw * sw

    @property
    def bias_variance(self) -> Fraction:
        if self.sigma_b2 is not None:
            return _exact("sigma_b2", self.sigma_b2)
        sb = _exact("sigma_b", 0 if self.sigma_b is None else self.sigma_b)
        return sb * sb

    @classmethod
    def relu_eoc(cls) -> "Network":
        """ReLU on its Edge of Chaos: sigma_w^2 = 2, sigma_b = 0 (seed 001 Fact 12)."""
        return cls("relu", sigma_w2=2, sigma_b2=0)

    def describe(self) -> str:
        from asymptotics.activations import get_activation

        name = get_activation(self.activation).name  # the resolved one: leaky_relu(alpha=0.01), not leaky_relu
        return f"{name}, sigma_w^2={self.weight_variance}, sigma_b^2={self.bias_variance}"


@dataclass(frozen=True)
class LayerValues:
    """Kernel values at one depth L; each field is an :class:`Approx` (None where undefined)."""

    depth: int
    rho: Approx
    one_minus_rho: Approx
    sigma_xy: Approx
    sigma_xx: Approx
    sigma_yy: Approx
    sigma_dot: Optional[Approx]  # Sigma-dot^L needs rho^(L-1): undefined at L = 1
    theta_xy: Approx
    theta_xx: Approx
    theta_yy: Approx
    ntk_normalized: Approx
    one_minus_ntk_normalized: Approx

    FIELDS = (
        "rho", "one_minus_rho", "sigma_xy", "sigma_xx", "sigma_yy", "sigma_dot",
        "theta_xy", "theta_xx", "theta_yy", "ntk_normalized", "one_minus_ntk_normalized",
    )

    def as_dict(self) -> dict:
        out = {"depth": self.depth}
        for name in self.FIELDS:
            value = getattr(self, name)
            out[name] = None if value is None else value.as_dict()
        return out


@dataclass
class KernelTrajectory:
    network: Network
    rho: object
    backend: str
    digits: int
    layers: dict = field(default_factory=dict)
    seconds: float = 0.0
    working_precision_bits: int = 0

    def at(self, depth: int) -> LayerValues:
        if depth not in self.layers:
            raise InputError("depth", f"depth {depth} was not requested (have {sorted(self.layers)})")
        return self.layers[depth]

    @property
    def depths(self):
        return sorted(self.layers)
