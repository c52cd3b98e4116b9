"""Piecewise activations: the ReLU family (ABReLU) and ELU / SELU.

* ABReLU: phi(x) = b x for x >= 0, a x for x < 0 (ReLU: a = 0, b = 1; leaky ReLU: a = alpha, b = 1).
  Positively homogeneous, so its dual maps are closed-form (:mod:`asymptotics.relu_family`); phi'
  jumps at 0 unless a = b (first discontinuous derivative 1).
* ELU (``alpha``): phi(x) = x for x > 0, alpha (e^x - 1) for x <= 0 (Clevert, Unterthiner, Hochreiter,
  "Fast and accurate deep network learning by exponential linear units").  phi'(0-) = alpha,
  phi'(0+) = 1: phi' jumps unless alpha = 1; for alpha = 1, phi''(0-) = 1 != phi''(0+) = 0, so the
  first discontinuous derivative is 2.
* SELU (``alpha``, ``scale``): scale * ELU_alpha (Klambauer, Unterthiner, Mayr, Hochreiter,
  "Self-normalizing neural networks"); the defaults are that paper's alpha ~ 1.6733, scale ~ 1.0507.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Optional

import mpmath

from asymptotics.activation import Activation
from asymptotics.validation import InputError, check_finite

MAX_ORDER = 400

# Klambauer et al.'s fixed-point constants for SELU (defaults only; any alpha, scale may be given).
SELU_ALPHA = "1.6732632423543772848170429916717"
SELU_SCALE = "1.0507009873554804934193349852946"


def _exact_slope(name, value) -> Fraction:
    """Slopes as exact rationals; a float means the decimal it prints as (0.01 -> 1/100)."""
    if isinstance(value, bool):
        raise InputError(name, f"expected a number, got {value!r}")
    check_finite(name, value)
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        return Fraction(repr(value))
    try:
        return Fraction(str(value).strip())
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
        first_discontinuous_derivative=1 if a_exact != b_exact else None,
    )


def _positive_parameter(name, value) -> str:
    if isinstance(value, bool):
        raise InputError(name, f"expected a number, got {value!r}")
    text = str(value).strip()
    try:
        x = mpmath.mpf(text)
    except (ValueError, TypeError):
        raise InputError(name, f"expected a number, got {value!r}") from None
    if not mpmath.isfinite(x) or x <= 0:
        raise InputError(name, f"must be finite and > 0, got {value!r}")
    return text


def elu(alpha="1", scale="1", name: Optional[str] = None) -> Activation:
    """scale * (x for x > 0, alpha (e^x - 1) for x <= 0); ELU is scale = 1."""
    alpha_text, scale_text = _positive_parameter("alpha", alpha), _positive_parameter("scale", scale)

    def params():
        return mpmath.mpf(alpha_text), mpmath.mpf(scale_text)

    def all_derivatives(x, n):
        if n > MAX_ORDER:
            raise InputError("order", f"derivative orders up to {MAX_ORDER} are available, got {n}")
        al, sc = params()
        if x > 0:
            return [sc * x] + ([sc] if n >= 1 else []) + [mpmath.mpf(0)] * max(0, n - 1)
        e = sc * al * mpmath.exp(x)
        return [sc * al * mpmath.expm1(x)] + [e] * n

    derivatives = tuple((lambda x, j=j: all_derivatives(x, j)[j]) for j in range(MAX_ORDER + 1))
    k = 2 if Fraction(alpha_text) == 1 else 1
    label = name or (f"elu(alpha={alpha_text})" if scale_text == "1" else f"selu(alpha={alpha_text}, scale={scale_text})")
    return Activation(
        name=label, derivatives=derivatives, kink=(0,),
        description="exponential linear unit (piecewise: smooth on each side of 0)",
        first_discontinuous_derivative=k,
        extra={"all_derivatives": all_derivatives, "strip": None},
    )


def selu(alpha=SELU_ALPHA, scale=SELU_SCALE) -> Activation:
    return elu(alpha, scale, name=None if (str(alpha), str(scale)) != (SELU_ALPHA, SELU_SCALE) else "selu")
