"""Working precision and cost of a depth recursion, fixed before any work is done.

Guard bits grow like 2.5 log2(L); the input asks for 2 log2(1/(1 + rho)) more near rho = -1; the
mpmath backend's two precisions are chosen so that every input rounds differently in the two runs;
a run estimated beyond :data:`MAX_SECONDS` is refused (InputError naming --depth or --digits).
"""
from __future__ import annotations

import math
from fractions import Fraction

import mpmath

from asymptotics.accuracy import mpf_as_fraction
from asymptotics.recursion.network import _exact
from asymptotics.validation import InputError


# Refuse runs estimated to take longer than this (seconds), rather than work for hours without a word.
MAX_SECONDS = 1800.0


def seconds_per_layer(backend: str, bits: int) -> float:
    """Measured on one core (benchmarks of this module): ~25 us per layer at <= 1000 bits for
    arb, each mpmath run and float64 with its mpmath error check; multiplication-bound beyond."""
    return 2.5e-5 * (2 if backend == "mpmath" else 1) * (1 + (bits / 2000.0) ** 1.6)


def _check_cost(backend: str, depth: int, bits: int, digits, max_seconds: float = MAX_SECONDS):
    """InputError (exit 2) naming the argument to change when a run would exceed ``max_seconds``."""
    estimate = depth * seconds_per_layer(backend, bits)
    if estimate <= max_seconds:
        return
    at_float = depth * seconds_per_layer(backend, 53)
    argument = "depth" if at_float > max_seconds / 4 else "digits"
    raise InputError(argument, f"depth {depth} at {bits} working bits ({digits} digits) with the {backend} "
                               f"backend would take about {estimate:.3g} s, beyond the limit of "
                               f"{max_seconds:.0f} s (asymptotics.recursion.MAX_SECONDS)")


def guard_bits(max_depth: int) -> int:
    # rounding errors add up over L steps and the cancellation in g(theta) amplifies them by
    # ~1/theta ~ L: about 2.5 log2(L) bits are lost by depth L (measured: see tests/benchmarks)
    return 24 + (5 * max(1, int(math.log2(max_depth + 1)))) // 2


def _input_bits(network, rho, q_x, q_y) -> int:
    """Extra working bits the input itself asks for.

    Near rho = -1 the first layer depends on sqrt(1 + rho) (theta = pi - O(sqrt(1 + rho))) and its
    output on (1 + rho)^(3/2): 1 - rho, rounded to p bits, keeps only p - log2(1/(1 + rho)) bits of
    1 + rho.  Twice that many extra bits keep the first layer at the requested relative accuracy.
    (Near rho = +1 nothing is lost: the recursion carries 1 - rho itself.)
    """
    del network, q_x, q_y
    one_plus = 1 + _exact("rho", rho)
    if one_plus == 0 or one_plus >= Fraction(1, 2):
        return 0
    return 2 * (one_plus.denominator.bit_length() - one_plus.numerator.bit_length() + 1)


def _exact_inputs(network, rho, q_x, q_y) -> list:
    return [1 - _exact("rho", rho), _exact("q_x", q_x), _exact("q_y", q_y),
            network.weight_variance, network.bias_variance]


def _rounds_differently(values, low: int, high: int) -> bool:
    """Whether every inexact input rounds to a different number at ``high`` bits than at ``low``
    (so that two runs disagree on the input's rounding too, and their agreement means something)."""
    for q in values:
        with mpmath.workprec(high):
            hi = mpmath.mpf(q.numerator) / q.denominator
        if mpf_as_fraction(hi) == q:
            continue  # exact at the high precision: no rounding to share
        with mpmath.workprec(low):
            lo = mpmath.mpf(q.numerator) / q.denominator
        if mpf_as_fraction(hi) == mpf_as_fraction(lo):
            return False
    return True


def _mpmath_precisions(network, rho, depths, digits, q_x, q_y):
    """(low, high) working precisions of the mpmath backend: high - low >= 32 bits, raised until
    the two runs round every input differently."""
    low = int(digits * 3.33) + guard_bits(depths[-1]) + _input_bits(network, rho, q_x, q_y)
    high = low + 32
    values = _exact_inputs(network, rho, q_x, q_y)
    while not _rounds_differently(values, low, high):
        high += 32  # the input's binary expansion has a run of >= 32 equal bits after bit `low`
    return low, high
