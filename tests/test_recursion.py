"""The depth engine: three number systems agree, enclosures are sound, bad input is refused."""
import math
import subprocess
from fractions import Fraction
import sys

import mpmath
import numpy as np
import pytest

from asymptotics.recursion import (
    Network,
    gram_at_depths,
    kernel_at_depths,
    naive_float64_pairs,
    one_minus_rho_from_inputs,
)
from asymptotics.relu_family import constants_for, k_dual, k_prime_dual
from asymptotics.validation import InputError

NETWORKS = [
    Network("relu"),
    Network.relu_eoc(),
    Network("relu", sigma_w=1, sigma_b="0.3"),
    Network("leaky_relu", sigma_w2=2),
    Network("abrelu", sigma_w2="1.7", sigma_b="0.1"),
]
FIELDS = ["one_minus_rho", "sigma_xy", "sigma_dot", "theta_xy", "theta_xx", "ntk_normalized", "one_minus_ntk_normalized"]


@pytest.mark.parametrize("network", NETWORKS, ids=lambda n: n.describe())
def test_backends_agree(network):
    depths = [1, 2, 3, 17, 400]
    arb = kernel_at_depths(network, "0.3", depths, backend="arb", digits=40)
    arb_fine = kernel_at_depths(network, "0.3", depths, backend="arb", digits=70)
    mp = kernel_at_depths(network, "0.3", depths, backend="mpmath", digits=40)
    f64 = kernel_at_depths(network, "0.3", depths, backend="float64")
    for depth in depths:
        for name in FIELDS:
            a, fine, m, f = (getattr(t.at(depth), name) for t in (arb, arb_fine, mp, f64))
            if a is None:
                assert depth == 1 and name == "sigma_dot"
                continue
            assert a.contains(fine.mid), (depth, name)  # sound: a finer run lies inside
            assert a.contains(m.mid), (depth, name)
            assert a.correct_digits >= 40, (depth, name, a)
            assert f is None or a.overlaps(f), (depth, name, f, a)


def test_one_layer_against_quadrature():
    """Closed-form k(rho), k'(rho) against nested adaptive quadrature split at the kink (float64)."""
    from scipy.integrate import quad

    w = lambda z: math.exp(-z * z / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    for act in ["relu", "leaky_relu"]:
        phi = constants_for(act)
        a, b = float(phi.a), float(phi.b)
        f = lambda x: b * x if x > 0 else a * x  # noqa: E731
        fp = lambda x: b if x > 0 else a  # noqa: E731
        for rho in (-0.6, 0.3, 0.9):
            s = math.sqrt(1 - rho * rho)

            def expectation(g):
                def inner(z1):  # over z2, with v = rho z1 + s z2 kinked at z2 = -rho z1 / s
                    kink = -rho * z1 / s
                    left = quad(lambda z2: g(rho * z1 + s * z2) * w(z2), -np.inf, kink, epsabs=1e-13)[0]
                    right = quad(lambda z2: g(rho * z1 + s * z2) * w(z2), kink, np.inf, epsabs=1e-13)[0]
                    return left + right

                return sum(quad(lambda z1: g(z1) * inner(z1) * w(z1), lo, hi, epsabs=1e-12)[0]
                           for lo, hi in ((-np.inf, 0), (0, np.inf)))

            assert abs(expectation(f) - float(k_dual(phi, rho))) < 1e-9
            assert abs(expectation(fp) - float(k_prime_dual(phi, rho))) < 1e-9


def test_seed000_proposition_4_form():
    """sigma_w = 1, no bias: Theta-bar^{L+1} = L/(L+1) h'(rho) Theta-bar^L + h(rho)/(L+1) (seed 000, lines 300-303)."""
    t = kernel_at_depths(Network("relu"), "0.2", list(range(1, 30)), backend="mpmath", digits=30)
    h = lambda z: z * mpmath.asin(z) / mpmath.pi + mpmath.sqrt(1 - z * z) / mpmath.pi + z / 2  # noqa: E731
    dh = lambda z: mpmath.asin(z) / mpmath.pi + mpmath.mpf(1) / 2  # noqa: E731
    with mpmath.workdps(40):
        for L in range(1, 29):
            rho, nbar = t.at(L).rho.mid, t.at(L).ntk_normalized.mid
            expected = mpmath.mpf(L) / (L + 1) * dh(rho) * nbar + h(rho) / (L + 1)
            assert abs(expected - t.at(L + 1).ntk_normalized.mid) < mpmath.mpf(10) ** -25


def test_rho_one_is_a_fixed_point():
    net = Network.relu_eoc()
    t = kernel_at_depths(net, 1, [1, 5, 50], backend="arb", digits=30)
    for L in (5, 50):
        v = t.at(L)
        assert v.one_minus_rho.mid == 0 and v.one_minus_rho.rad == 0
        assert v.ntk_normalized.contains(1)
        assert v.theta_xx.contains(L)  # Theta^L(x,x) = L q on ReLU's EOC with q = 1


def test_general_arb_path_matches_fast_path():
    """The biased code path, run with sigma_b = 0, against the bias-free fast path."""
    import flint

    from asymptotics.backends import ArbOps
    from asymptotics.recursion import KernelTrajectory, _arb_general, _params

    net = Network("leaky_relu", sigma_w2=2)
    fast = kernel_at_depths(net, "-0.4", [2, 60], backend="arb", digits=30)
    old = flint.ctx.prec
    flint.ctx.prec = 200
    try:
        ops = ArbOps()
        slow = KernelTrajectory(net, "-0.4", "arb", 30)
        _arb_general(ops, _params(net, ops), ops.const(1 - Fraction("-0.4")), [2, 60], 1, 1, slow, None)
    finally:
        flint.ctx.prec = old
    for L in (2, 60):
        for name in ["one_minus_rho", "theta_xy", "one_minus_ntk_normalized"]:
            assert getattr(fast.at(L), name).overlaps(getattr(slow.at(L), name))


@pytest.mark.parametrize("rho", ["-1", "-0.9999", "exact-mpf"])
def test_arb_near_minus_one(rho):
    """rho = -1 sits where d theta / d rho is infinite: the enclosure must stay sound and tight."""
    if rho == "exact-mpf":
        with mpmath.workprec(200):
            rho = mpmath.mpf(-1) + mpmath.mpf(2) ** -80  # converted with all its 81 bits
    depths = [1, 2, 3, 50]
    arb = kernel_at_depths(Network("relu"), rho, depths, backend="arb", digits=30)
    reference = kernel_at_depths(Network("relu"), rho, depths, backend="mpmath", digits=45)
    for depth in depths:
        for name in ["one_minus_rho", "ntk_normalized"]:
            a, m = getattr(arb.at(depth), name), getattr(reference.at(depth), name)
            assert a.contains(m.mid), (depth, name)
            assert a.rad <= 1e-30 * max(1, abs(a.mid)), (depth, name, a)  # values can be 0 here
    if not isinstance(rho, str):
        with mpmath.workprec(200):  # not rounded through a float on the way in
            assert arb.at(1).one_minus_rho.mid == 2 - mpmath.mpf(2) ** -80


def test_float64_normalized_ntk_keeps_its_digits():
    """W = L (1 - N) grows like L: plain summation would lose a relative L eps (4e-12 at 1e6)."""
    depth = 100000
    exact = kernel_at_depths(Network("relu"), 0, [depth], backend="arb", digits=20).at(depth)
    scalar = kernel_at_depths(Network("relu"), 0, [depth], backend="float64").at(depth)
    arrays = gram_at_depths(Network("relu"), np.array([[1.0, 0.0], [0.0, 1.0]]), [depth])[depth]
    for value in (scalar.ntk_normalized.mid, arrays["ntk_normalized"][0, 1]):
        assert abs(value / exact.ntk_normalized.mid - 1) < 2e-14


def test_naive_baseline_loses_digits_near_one():
    net = Network.relu_eoc()
    depth = 20000
    stable = kernel_at_depths(net, "0.5", [depth], backend="float64").at(depth).one_minus_rho.mid
    exact = kernel_at_depths(net, "0.5", [depth], backend="arb", digits=20).at(depth).one_minus_rho.mid
    naive = naive_float64_pairs(net, np.array([0.5]), [depth])[depth]["one_minus_rho"][0]
    assert abs(stable / exact - 1) < 1e-12
    assert abs(naive / float(exact) - 1) > 1e-6  # the textbook recursion in rho keeps only a few digits


def test_gram_matches_pairs_and_is_symmetric():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((12, 9))
    for net in [Network("relu"), Network("relu", sigma_w="1.3", sigma_b="0.4")]:
        G = gram_at_depths(net, X, [1, 7, 300])
        delta, qx, qy = one_minus_rho_from_inputs(net, X)
        for L in (7, 300):
            M = G[L]["one_minus_ntk_normalized"]
            assert np.allclose(M, M.T, rtol=0, atol=0)
            for i, j in [(0, 1), (3, 8), (5, 11)]:
                rho = 1 - delta[i, j]
                pair = kernel_at_depths(net, float(rho), [L], backend="arb", digits=20, q_x=float(qx[i]), q_y=float(qy[j]))
                v = pair.at(L)
                assert abs(G[L]["one_minus_rho"][i, j] / float(v.one_minus_rho.mid) - 1) < 1e-10
                assert abs(G[L]["ntk_normalized"][i, j] - float(v.ntk_normalized.mid)) < 1e-12
                assert abs(G[L]["theta"][i, j] / float(v.theta_xy.mid) - 1) < 1e-12
        assert np.allclose(np.diag(G[300]["ntk_normalized"]), 1.0)


def test_cross_gram_shape():
    rng = np.random.default_rng(2)
    X, Y = rng.standard_normal((5, 4)), rng.standard_normal((3, 4))
    G = gram_at_depths(Network("relu"), X, [4], Y=Y)
    assert G[4]["ntk_normalized"].shape == (3, 5)


@pytest.mark.parametrize("kwargs, argument", [
    (dict(rho=1.5), "rho"), (dict(rho=float("nan")), "rho"), (dict(rho=-1.01), "rho"),
    (dict(depths=[0]), "depths"), (dict(depths=[-3]), "depths"), (dict(depths=[2.5]), "depths"),
    (dict(digits=0), "digits"), (dict(backend="quad"), "backend"), (dict(q_x=0), "q_x"),
    (dict(q_x=float("inf")), "q_x"),
])
def test_bad_input_names_the_argument(kwargs, argument):
    args = dict(rho=0.5, depths=[3], backend="arb", digits=20)
    args.update(kwargs)
    network = Network("relu")
    with pytest.raises(InputError) as err:
        kernel_at_depths(network, args.pop("rho"), args.pop("depths"), **args)
    assert err.value.argument == argument


@pytest.mark.parametrize("kwargs, argument", [
    (dict(activation="swishy"), "activation"), (dict(sigma_w=-1), "sigma_w"), (dict(sigma_b=float("nan")), "sigma_b"),
    (dict(sigma_w=0), "sigma_w"),
])
def test_bad_network_names_the_argument(kwargs, argument):
    with pytest.raises(InputError) as err:
        Network(**kwargs)
    assert err.value.argument == argument


def test_gram_bad_data():
    with pytest.raises(InputError, match="'X'"):
        gram_at_depths(Network("relu"), np.array([[1.0, np.nan]]), [2])
    with pytest.raises(InputError, match="'X'"):
        gram_at_depths(Network("relu"), np.zeros((2, 3)), [2])


@pytest.mark.parametrize("argv, argument", [
    (["--rho", "1.5", "--depth", "10"], "rho"),
    (["--rho", "0.5", "--depth", "0"], "depth"),
    (["--rho", "0.5", "--depth", "1e2", "--digits", "-2"], "digits"),
    (["--rho", "0.5", "--depth", "10", "--activation", "nope"], "activation"),
])
def test_cli_errors_are_one_line(argv, argument):
    proc = subprocess.run([sys.executable, "-m", "proofs_checks.cli", "kernel", *argv], capture_output=True, text=True)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and f"'{argument}'" in lines[0] and "Traceback" not in proc.stderr


def test_cli_json_output():
    import json

    proc = subprocess.run([sys.executable, "-m", "proofs_checks.cli", "kernel", "--rho", "0", "--depth", "1e3",
                           "--backend", "arb", "--digits", "25", "--json"], capture_output=True, text=True, check=True)
    data = json.loads(proc.stdout)
    layer = data["layers"][0]
    assert layer["depth"] == 1000 and layer["one_minus_rho"]["method"] == "certified"
    assert layer["one_minus_rho"]["digits"] >= 25


@pytest.mark.slow
def test_depth_one_million_certified():
    """Issue 2's figures: enclosure width <= 1e-40 at depth 1e6, float64 within 1e-12."""
    net = Network("relu")
    for rho in ("0", "0.5"):
        arb = kernel_at_depths(net, rho, [10**6], backend="arb", digits=50).at(10**6)
        f64 = kernel_at_depths(net, rho, [10**6], backend="float64").at(10**6)
        for name in ("one_minus_rho", "ntk_normalized", "one_minus_ntk_normalized"):
            a, f = getattr(arb, name), getattr(f64, name)
            assert 2 * a.rad <= mpmath.mpf("1e-40")
            assert abs(f.mid / a.mid - 1) < 1e-12
        naive = naive_float64_pairs(Network.relu_eoc(), np.array([float(rho)]), [10**6])[10**6]["one_minus_rho"][0]
        assert abs(naive / float(arb.one_minus_rho.mid) - 1) > 1e-4
        assert math.isfinite(float(arb.one_minus_rho.mid))


@pytest.mark.gpu
def test_gram_on_gpu_matches_cpu():
    import cupy

    rng = np.random.default_rng(3)
    X = rng.standard_normal((64, 16))
    for net in [Network("relu"), Network("relu", sigma_w="1.2", sigma_b="0.3")]:
        cpu = gram_at_depths(net, X, [5, 500])
        gpu = gram_at_depths(net, cupy.asarray(X), [5, 500], xp=cupy)
        for L in (5, 500):
            for name in ("one_minus_rho", "one_minus_ntk_normalized"):
                assert np.allclose(cupy.asnumpy(gpu[L][name]), cpu[L][name], rtol=1e-12, atol=0)
