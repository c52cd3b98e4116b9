"""Smooth-activation paths against independent quadrature written here (not the engine's rules).

References, from the textbook formulas (notation of seed 001, Facts 1, 5, 6, lines 638-646), all by
``mpmath.quad`` (tanh-sinh) with derivatives from SymPy (not the engine's polynomial recurrences):

* EOC: q = sigma_b^2 + sigma_w^2 E[phi(sqrt(q) Z)^2] and sigma_w^2 E[phi'(sqrt(q) Z)^2] = 1, solved by
  ``mpmath.findroot`` on R(q) = sigma_b^2 + E[phi^2] / E[phi'^2] - q;
* correlation map f(c) = (sigma_b^2 + sigma_w^2 E[phi(u) phi(v)]) / q*, u = sqrt(q*) Z1,
  v = sqrt(q*) (c Z1 + sqrt(1 - c^2) Z2), by nested one-dimensional quadratures;
* f^(j)(1) = sigma_w^2 q*^(j-1) E[phi^(j)(sqrt(q*) Z)^2].

Every agreed digit must be true: |reference - mid| <= rad (plus the reference's own error, far
below).  The reference runs at more than twice the engine's digits.
"""
from __future__ import annotations

from functools import lru_cache

import mpmath
import pytest
import sympy
from hypothesis import given, settings, strategies as st

from asymptotics import eoc

REF_DPS = 45
ENGINE_DIGITS = 18


@lru_cache(maxsize=None)
def _derivative(name: str, j: int):
    x = sympy.Symbol("x")
    phi = {"tanh": sympy.tanh(x), "erf": sympy.erf(x)}[name]
    return sympy.lambdify(x, sympy.diff(phi, x, j), "mpmath")


def _gauss(g, q):
    root = mpmath.sqrt(q)
    return mpmath.quad(lambda z: g(root * z) * mpmath.exp(-z * z / 2), [-mpmath.inf, 0, mpmath.inf]) / mpmath.sqrt(2 * mpmath.pi)


@lru_cache(maxsize=None)
def reference_eoc(name: str, sigma_b: str, start: str):
    """(q*, sigma_w) at REF_DPS digits; ``start`` (a decimal) only seeds the root finder."""
    phi, dphi = _derivative(name, 0), _derivative(name, 1)
    with mpmath.workdps(REF_DPS):
        sb2 = mpmath.mpf(sigma_b) ** 2

        def residual(q):
            return sb2 + _gauss(lambda x: phi(x) ** 2, q) / _gauss(lambda x: dphi(x) ** 2, q) - q

        q = mpmath.findroot(residual, mpmath.mpf(start), tol=mpmath.mpf(10) ** (-REF_DPS + 5))
        sigma_w = 1 / mpmath.sqrt(_gauss(lambda x: dphi(x) ** 2, q))
        # both fixed-point conditions hold at the reference
        assert abs(sb2 + sigma_w**2 * _gauss(lambda x: phi(x) ** 2, q) - q) < mpmath.mpf(10) ** (-REF_DPS + 8)
        return +q, +sigma_w


def _true(approx, reference, slack=mpmath.mpf(10) ** (-REF_DPS + 10)):
    with mpmath.workdps(REF_DPS + 10):
        return abs(approx.mid - reference) <= approx.rad + slack


@settings(max_examples=4, deadline=None)
@given(st.sampled_from(["tanh", "erf"]), st.integers(5, 150))
def test_eoc_point_digits_are_true(name, sigma_b_hundredths):
    sigma_b = f"{sigma_b_hundredths / 100:g}"
    point = eoc.edge_of_chaos(name, sigma_b, ENGINE_DIGITS)
    q_ref, sw_ref = reference_eoc(name, sigma_b, mpmath.nstr(point.q_star.mid, 10))
    assert point.sigma_w.correct_digits >= ENGINE_DIGITS and point.q_star.correct_digits >= ENGINE_DIGITS
    assert _true(point.sigma_w, sw_ref), (name, sigma_b, point.sigma_w, sw_ref)
    assert _true(point.q_star, q_ref), (name, sigma_b, point.q_star, q_ref)


def _correlation_map(name, q, sigma_w, sigma_b, c):
    phi = _derivative(name, 0)
    root, s = mpmath.sqrt(q), mpmath.sqrt(1 - c * c)

    def inner(z1):
        a = phi(root * z1)
        return a * mpmath.quad(lambda z2: phi(root * (c * z1 + s * z2)) * mpmath.exp(-z2 * z2 / 2),
                               [-mpmath.inf, 0, mpmath.inf])

    cross = mpmath.quad(lambda z1: inner(z1) * mpmath.exp(-z1 * z1 / 2), [-mpmath.inf, 0, mpmath.inf]) / (2 * mpmath.pi)
    return (mpmath.mpf(sigma_b) ** 2 + sigma_w**2 * cross) / q


def _depth_run_check(layers: int):
    from asymptotics.smooth_depth import eoc_correlation_depths

    # layers from c^1 = 0.5 at 15 digits; the reference (nested tanh-sinh at 24 digits, accurate to
    # ~1e-21) is the slow part (~10 s per map)
    sigma_b, c1 = "0.3", mpmath.mpf("0.5")
    traj = eoc_correlation_depths("tanh", sigma_b, "0.5", list(range(1, layers + 1)), digits=15)
    q, sw = reference_eoc("tanh", sigma_b, mpmath.nstr(traj.q_star.mid, 10))
    with mpmath.workdps(24):
        c = c1
        for depth in range(1, layers + 1):
            value = traj.at(depth)
            assert value.one_minus_c.correct_digits >= 12
            assert abs(value.one_minus_c.mid - (1 - c)) <= value.one_minus_c.rad + mpmath.mpf(10) ** -20, depth
            if depth < layers:
                c = _correlation_map("tanh", +q, +sw, sigma_b, c)


def test_eoc_depth_run_against_two_dimensional_quadrature():
    _depth_run_check(2)


@pytest.mark.slow
def test_eoc_depth_run_four_layers_against_two_dimensional_quadrature():
    _depth_run_check(4)


@pytest.mark.parametrize("name, sigma_b", [("tanh", "0.2"), ("erf", "0.7")])
def test_derivatives_at_one_against_quadrature(name, sigma_b):
    values = eoc.derivatives_at_one_eoc(name, sigma_b, 4, ENGINE_DIGITS)
    point = eoc.edge_of_chaos(name, sigma_b, ENGINE_DIGITS + 5)
    q, sw = reference_eoc(name, sigma_b, mpmath.nstr(point.q_star.mid, 10))
    with mpmath.workdps(REF_DPS):
        for j in range(1, 5):
            dj = _derivative(name, j)
            reference = sw**2 * q ** (j - 1) * _gauss(lambda x: dj(x) ** 2, q)
            assert values[j].correct_digits >= ENGINE_DIGITS - 2, (j, values[j])
            assert _true(values[j], reference), (name, j, values[j], reference)


def test_series_coefficients_are_the_true_derivatives():
    from asymptotics.series import derivative_symbol, smooth_taylor

    local = smooth_taylor("tanh", "0.2", 2, ENGINE_DIGITS)
    point = eoc.edge_of_chaos("tanh", "0.2", ENGINE_DIGITS + 5)
    q, sw = reference_eoc("tanh", "0.2", mpmath.nstr(point.q_star.mid, 10))
    with mpmath.workdps(REF_DPS):
        for j in (2, 3):
            dj = _derivative("tanh", j)
            reference = sw**2 * q ** (j - 1) * _gauss(lambda x: dj(x) ** 2, q)
            assert _true(local.values[derivative_symbol(j)], reference), j
