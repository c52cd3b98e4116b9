"""The tanh Edge-of-Chaos depth engine (asymptotics.smooth_depth) against independent computations.

* layer 2 from c^1 = 0.5 by a nested Gauss-Legendre quadrature of E[tanh(u1) tanh(u2)] written here;
* 300 layers (past the switch from quadrature to the Taylor polynomial) by a float64 2-D trapezoid
  rule iterated in 1 - c (the squared-difference form, no cancellation), written here;
* the same trajectory with a different Taylor degree (so a different switch point and a different
  split of the layers between the two regions) and at a different precision: the results must
  agree within the stated radii;
* bad input.
"""
import mpmath
import numpy as np
import pytest

from asymptotics import eoc
from asymptotics import smooth_depth as sd
from asymptotics.validation import InputError

SIGMA_B = "0.2"


def test_second_layer_against_nested_gauss_legendre():
    trajectory = sd.eoc_correlation_depths("tanh", SIGMA_B, "0.5", [1, 2], digits=30)
    point = eoc.edge_of_chaos("tanh", SIGMA_B, 30)
    with mpmath.workdps(26):
        q, sw = point.q_star.mid, point.sigma_w.mid
        root_q, c = mpmath.sqrt(q), mpmath.mpf("0.5")
        s = mpmath.sqrt(1 - c * c)
        pieces = [-12, -8, -5, -3, -1.5, 0, 1.5, 3, 5, 8, 12]

        def inner(z1):
            shift = root_q * c * z1
            return mpmath.tanh(root_q * z1) * mpmath.quad(
                lambda z2: mpmath.tanh(shift + root_q * s * z2) * mpmath.npdf(z2), pieces, method="gauss-legendre")

        cross = mpmath.quad(lambda z1: inner(z1) * mpmath.npdf(z1), pieces, method="gauss-legendre")
        reference = 1 - (mpmath.mpf(SIGMA_B) ** 2 + sw**2 * cross) / q
    value = trajectory.at(2).one_minus_c
    assert value.correct_digits >= 30
    with mpmath.workdps(40):
        assert abs(value.mid - reference) < mpmath.mpf(10) ** -22  # the reference's own accuracy


def _float64_trajectory(depth, sigma_b=0.2, step=0.1, cutoff=9.0):
    """1 - c^l for l = 1..depth in float64: 1 - f(c) = sigma_w^2 / (2 q) E[(tanh u1 - tanh u2)^2] at q = q*."""
    from scipy.optimize import brentq

    x = np.arange(-cutoff, cutoff + step / 2, step)
    w = step * np.exp(-x * x / 2) / np.sqrt(2 * np.pi)
    ww = np.outer(w, w)
    z1, z2 = np.meshgrid(x, x, indexing="ij")

    def sw2_of(q):
        return 1 / np.sum(w * np.cosh(np.sqrt(q) * x) ** -4)

    q = brentq(lambda q: sigma_b**2 + sw2_of(q) * np.sum(w * np.tanh(np.sqrt(q) * x) ** 2) - q, 0.1, 2,
               xtol=1e-16, rtol=1e-15)
    sw2, root_q = sw2_of(q), np.sqrt(q)
    delta = 0.5
    out = [delta]
    for _ in range(depth - 1):
        c = 1 - delta
        s = np.sqrt(delta * (2 - delta))  # sqrt(1 - c^2) without cancellation
        u1, u2 = root_q * z1, root_q * (c * z1 + s * z2)
        delta = sw2 / (2 * q) * np.sum(ww * (np.tanh(u1) - np.tanh(u2)) ** 2)
        out.append(delta)
    return np.array(out)


def test_300_layers_against_float64_trapezoid():
    depths = [1, 10, 100, 216, 300]
    trajectory = sd.eoc_correlation_depths("tanh", SIGMA_B, "0.5", depths, digits=30)
    assert "quadrature layers" in sd.describe(trajectory)
    reference = _float64_trajectory(300)
    for depth in depths:
        mine = float(trajectory.at(depth).one_minus_c.mid)
        assert abs(mine - reference[depth - 1]) <= 1e-11 * reference[depth - 1], depth


def test_two_taylor_degrees_and_two_precisions_agree_within_radii():
    depths = [10, 1000, 10**4]
    a = sd.eoc_correlation_depths("tanh", SIGMA_B, "0.5", depths, digits=30, max_degree=80)
    b = sd.eoc_correlation_depths("tanh", SIGMA_B, "0.5", depths, digits=30, max_degree=40)
    low = sd.eoc_correlation_depths("tanh", SIGMA_B, "0.5", depths, digits=18)
    switches = {sd.describe(t).split(" quadrature layers")[0].split("; ")[-1] for t in (a, b)}
    assert len(switches) == 2  # different numbers of quadrature layers
    for depth in depths:
        for field in ("one_minus_c", "one_minus_f_prime"):
            x, y, z = (getattr(t.at(depth), field) for t in (a, b, low))
            assert x.correct_digits >= 30 and y.correct_digits >= 30 and z.correct_digits >= 18
            assert x.overlaps(y) and x.overlaps(z), (depth, field)
            assert not x.overlaps(type(x)(x.mid * (1 + mpmath.mpf(10) ** -25), x.rad, x.method))


def test_depth_one_million_at_30_digits():
    trajectory = sd.eoc_correlation_depths("tanh", SIGMA_B, "0.5", [10**6], digits=30)
    value = trajectory.at(10**6)
    assert value.one_minus_c.correct_digits >= 30 and value.one_minus_f_prime.correct_digits >= 30
    # 1 - c^l ~ 2 / (f''(1) l) on the EOC: within a few per cent of it at l = 1e6 (log corrections)
    point = eoc.edge_of_chaos("tanh", SIGMA_B, 20)
    from asymptotics.dual import derivatives_at_one

    f2 = derivatives_at_one("tanh", point.sigma_w.mid, SIGMA_B, 2, 20, q=point.q_star.mid)[2].mid
    assert abs(value.one_minus_c.mid * f2 * 10**6 / 2 - 1) < 0.05


@pytest.mark.parametrize("kwargs,argument", [
    ({"c_start": "1.5"}, "c_start"),
    ({"c_start": float("nan")}, "c_start"),
    ({"depths": [-3]}, "depths"),
    ({"depths": [2.5]}, "depths"),
    ({"activation": "erf"}, "activation"),
    ({"activation": "nosuch"}, "activation"),
    ({"digits": 0}, "digits"),
    ({"max_degree": 3}, "max_degree"),
    ({"sigma_b": "-0.2"}, "sigma_b"),
    ({"sigma_b": 0}, "sigma_b"),
])
def test_bad_input_names_the_argument(kwargs, argument):
    args = {"activation": "tanh", "sigma_b": SIGMA_B, "c_start": "0.5", "depths": [10], "digits": 20}
    args.update(kwargs)
    with pytest.raises(InputError) as err:
        sd.eoc_correlation_depths(**args)
    assert err.value.argument == argument
