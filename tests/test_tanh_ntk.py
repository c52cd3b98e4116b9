"""Certified NTK of a pair for tanh on the Edge of Chaos (asymptotics.depth_jump.tanh_ntk, issue 15).

References independent of the code under test: a float64 2-D Gauss-Hermite iteration of the kernel
recursion from the agreement EOC point (asymptotics.eoc), the mpmath depth engine's c^l and f'(c^l)
(asymptotics.smooth_depth, quadrature + Taylor in mpmath) fed into a plain recursion of K, and the
symbolic depth law (asymptotics.depth_laws) for the log(L)/L rate.
"""
from __future__ import annotations

import mpmath
import numpy as np
import pytest
from flint import arb

from asymptotics.depth_jump import series_tools as st
from asymptotics.depth_jump.tanh_ntk import tanh_eoc_ntk
from asymptotics.validation import InputError

HUGE = [10**9, 10**12, 10**50, 10**100]


@pytest.fixture(scope="module")
def jumped():
    return tanh_eoc_ntk("0.2", "0.5", [20, 3000] + HUGE, digits=30, l0=1000)


@pytest.fixture(scope="module")
def iterated():
    return tanh_eoc_ntk("0.2", "0.5", [20, 3000], digits=30, l0=3000)  # depths <= l0: every layer certified


def _contains(approx, value, slack=0) -> bool:
    with mpmath.workdps(80):
        return abs(mpmath.mpf(approx.mid) - value) <= approx.rad + slack


def test_every_value_is_certified_and_the_plan_is_reported(jumped, iterated):
    assert jumped["method"] == "jump" and jumped["l0"] == 1000
    assert iterated["method"] == "iterate" and iterated["l0"] is None
    for v in list(jumped["values"].values()) + list(iterated["values"].values()):
        assert all(a.method == "certified" for a in v.values())


def test_float64_gauss_hermite_iteration_at_low_depth(iterated):
    """K^20 from an independent float64 2-D Gauss-Hermite iteration of c^l and f'(c^l) (agreement q*, sigma_w)."""
    from asymptotics.eoc import edge_of_chaos

    point = edge_of_chaos("tanh", "0.2", 30)
    q, sw2, sb2 = float(point.q_star.mid), float(point.sigma_w.mid) ** 2, 0.04
    x, w = np.polynomial.hermite_e.hermegauss(160)
    w = w / w.sum()
    z1, z2, W = x[:, None], x[None, :], w[:, None] * w[None, :]

    def step(c):
        u = np.sqrt(q) * z1
        v = np.sqrt(q) * (c * z1 + np.sqrt(1 - c * c) * z2)
        f = (sw2 * np.sum(W * np.tanh(u) * np.tanh(v)) + sb2) / q
        fp = sw2 * np.sum(W / np.cosh(u) ** 2 / np.cosh(v) ** 2)
        return f, fp

    c, K = 0.5, 0.5
    for _ in range(19):
        c_next, fp = step(c)
        K, c = fp * K + c_next, c_next
    got = iterated["values"][20]
    assert abs(float(got["c"].mid) - c) < 1e-13
    assert abs(float(got["ntk_over_q"].mid) - K) < 1e-12 * K
    assert got["ntk_over_q"].rad < 1e-30


def test_jump_overlaps_certified_iteration_and_mpmath_engine_at_3000(jumped, iterated):
    """Depth 3000 jumped from L0 = 1000 vs every layer certified vs a plain recursion on the mpmath engine's layers."""
    from asymptotics.smooth_depth import eoc_correlation_depths

    a, b = jumped["values"][3000], iterated["values"][3000]
    for key in ("c", "ntk_over_q", "ntk_normalized", "ntk_minus_limit"):
        assert a[key].overlaps(b[key]), key
    assert a["ntk_normalized"].correct_digits >= 30 and b["ntk_normalized"].correct_digits >= 30
    engine = eoc_correlation_depths("tanh", "0.2", "0.5", list(range(1, 3001)), digits=30)
    with mpmath.workdps(60):
        K, err = mpmath.mpf(engine.at(1).c.mid), mpmath.mpf(engine.at(1).c.rad)
        for layer in range(1, 3000):
            here, nxt = engine.at(layer), engine.at(layer + 1)
            fp, c = mpmath.mpf(here.f_prime.mid), mpmath.mpf(nxt.c.mid)
            err = fp * err + abs(K) * here.f_prime.rad + nxt.c.rad + mpmath.mpf(10) ** -55
            K = fp * K + c
        assert _contains(a["ntk_over_q"], K, slack=err), (a["ntk_over_q"], K, err)
        assert _contains(b["ntk_over_q"], K, slack=err)
        assert err < mpmath.mpf(10) ** -25  # the reference itself is sharp enough to test 25 digits


@pytest.mark.parametrize("c_start", ["-0.5", "0.999"])
def test_jump_overlaps_iteration_from_other_starts(c_start):
    """A start far from 1 (many far-field layers, K^l small) and one near 1 (K^l ~ l early): jump vs every layer."""
    a = tanh_eoc_ntk("0.2", c_start, [2500], digits=30, l0=1000)["values"][2500]
    b = tanh_eoc_ntk("0.2", c_start, [2500], digits=30, l0=2500)["values"][2500]
    for key in a:
        assert a[key].overlaps(b[key]), key
    assert min(a["ntk_normalized"].correct_digits, b["ntk_normalized"].correct_digits) >= 30


def test_huge_depths_certified_and_two_l0_agree(jumped):
    other = tanh_eoc_ntk("0.2", "0.5", HUGE, digits=30, l0=2000)
    assert other["l0"] == 2000
    for L in HUGE:
        a, b = jumped["values"][L], other["values"][L]
        assert a["ntk_minus_limit"].correct_digits >= 30, L
        assert a["ntk_normalized"].correct_digits >= 40, L
        for key in a:
            assert a[key].overlaps(b[key]), (L, key)
        assert a["ntk_minus_limit"].mid < 0  # N_L approaches 1/3 from below (B < 0)


def test_log_rate_matches_the_derived_depth_law(jumped):
    """N_L - 1/3 = B log(L)/L + C/L + O(log L/L^2): B from 1e50 and 1e100 against the symbolic depth law."""
    from asymptotics.depth_laws import ntk_depth_law, smooth_eoc_depth_law

    v = jumped["values"]
    with mpmath.workdps(80):
        e50 = mpmath.mpf(v[10**50]["ntk_minus_limit"].mid) * mpmath.mpf(10) ** 50
        e100 = mpmath.mpf(v[10**100]["ntk_minus_limit"].mid) * mpmath.mpf(10) ** 100
        rate = (e100 - e50) / (50 * mpmath.log(10))
        derived = ntk_depth_law(smooth_eoc_depth_law("tanh", "0.2", terms=3, dps=30), 1, 1).rate_constant_value(30)
        assert abs(rate / mpmath.mpf(derived.mid) - 1) < mpmath.mpf(10) ** -25


def test_remainder_bound_enters_the_ball():
    """The Taylor remainder's extra defects grow with B_{J+1} and widen the ball, which still contains the sharp one."""
    from asymptotics.depth_jump import tanh_ntk as tn
    from asymptotics.depth_jump.tanh_certified import certified_constants, working_bits

    prec = working_bits(30)
    with st.arb_precision(prec + 20):
        _, _, B = certified_constants(_sb(), prec)
        sharp = tn.NTKGermJump(B, 30)
        inflated_B = list(B)
        inflated_B[tn.DEGREE + 1] = B[tn.DEGREE + 1] * arb(10) ** 50
        wide = tn.NTKGermJump(inflated_B, 30)
        delta0 = arb("0.0071") + arb(0, arb(10) ** -60)
        k0 = arb(300) + arb(0, arb(10) ** -40)
        a = sharp.ntk_values_at(delta0, k0, 1000, [10**12])[10**12]
        b = wide.ntk_values_at(delta0, k0, 1000, [10**12])[10**12]
        s0 = st.upper(delta0)
        small = sharp.ntk.remainder_sums(s0, 10**12)
        large = wide.ntk.remainder_sums(s0, 10**12)
    assert large[1] > small[1] * arb(10) ** 49 and large[0] > small[0] * arb(10) ** 49
    assert b["ntk_over_q"].rad > a["ntk_over_q"].rad
    assert b["ntk_over_q"].overlaps(a["ntk_over_q"])


def _sb():
    from asymptotics.depth_jump.tanh_eoc_point import check_sigma_b

    return check_sigma_b("0.2")


@pytest.mark.parametrize("kwargs, name", [({"c_start": "2"}, "c_start"), ({"digits": 100}, "digits"),
                                          ({"depths": ["x"]}, "depths"), ({"l0": 1}, "l0"),
                                          ({"sigma_b": "-1"}, "sigma_b")])
def test_bad_input_one_line(kwargs, name):
    with pytest.raises(InputError) as err:
        tanh_eoc_ntk(**kwargs)
    assert name in str(err.value) and "\n" not in str(err.value)
