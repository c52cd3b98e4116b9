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
    data = json.loads(proc.stdout)[0]  # kernel --json: a list, one entry per --rho
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


# --------------------------------------------------------------------------------------
# issue 18 reproducers: each gives the right number, a one-line error, or a refusal naming the limit

def _reference(*args, **kwargs):
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent))
    from test_certified_property import check_against_reference, reference

    return reference, check_against_reference


def _cli(*argv, timeout=120):
    return subprocess.run([sys.executable, "-m", "proofs_checks.cli", *argv], capture_output=True, text=True,
                          timeout=timeout)


def _contains_reference(traj, a, b, sw2, sb2, rho, q_x=1, q_y=1):
    reference, check = _reference()
    ref = reference(Fraction(a), Fraction(b), Fraction(sw2), Fraction(sb2), Fraction(rho), q_x, q_y, traj.depths,
                    traj.working_precision_bits + 40)
    return check(traj, ref)


def test_issue18_deep_ordered_bias_ball_contains_truth():
    """1 - rho^(600) ~ 1.09e-361: the radius used to underflow through a Python float."""
    net = Network("relu", sigma_w2="0.5", sigma_b2="0.5")
    traj = kernel_at_depths(net, "0.5", [600], backend="arb", digits=30)
    assert _contains_reference(traj, 0, 1, "1/2", "1/2", "1/2") == []
    value = traj.at(600).one_minus_rho
    assert mpmath.mpf("1e-362") < value.mid < mpmath.mpf("1e-360") and 0 < value.rad < value.mid * 1e-30
    proc = _cli("kernel", "--rho", "0.5", "--depth", "600", "--sigma-w2", "0.5", "--sigma-b2", "0.5", "--digits", "30",
                "--fields", "one_minus_rho", "one_minus_ntk_normalized", "--json")
    assert proc.returncode == 0 and '"method": "certified"' in proc.stdout


def test_issue18_within_1e_minus_400_of_one_no_bias():
    rho = "0." + "9" * 400
    traj = kernel_at_depths(Network("relu"), rho, [1, 2, 5], backend="arb", digits=20)
    with mpmath.workprec(2000):
        assert traj.at(1).one_minus_rho.contains(mpmath.mpf(10) ** -400)
    assert traj.at(1).one_minus_rho.rad > 0  # 1e-400 is not dyadic: never "exact"
    assert _contains_reference(traj, 0, 1, 1, 0, Fraction(rho)) == []


@pytest.mark.parametrize("backend", ["arb", "mpmath", "float64"])
def test_issue18_rho_one_with_bias_terminates(backend):
    proc = _cli("kernel", "--rho", "1", "--depth", "2", "--sigma-b2", "0.25", "--backend", backend, "--json",
                timeout=60)
    assert proc.returncode == 0, proc.stderr
    traj = kernel_at_depths(Network("relu", sigma_b2="0.25"), 1, [1, 2, 30], backend=backend, digits=30)
    assert _contains_reference(traj, 0, 1, 1, "1/4", 1) == []


def test_issue18_mpmath_agreement_differs_in_the_input_rounding():
    rho = "-0." + "9" * 36
    traj = kernel_at_depths(Network("relu"), rho, [2], backend="mpmath", digits=15)
    value = traj.at(2).rho
    assert value.mid != 0 and mpmath.mpf("2e-55") < value.mid < mpmath.mpf("4e-55")  # no confident 0 'exact'
    assert value.correct_digits >= 15
    assert _contains_reference(traj, 0, 1, 1, 0, Fraction(rho)) == []


def test_issue18_float64_claims_only_true_digits():
    for rho, sw2, depth in [("-0.9999999999999", "0.6", 2), ("-0.000162", "1", 1), ("0.5", "1", 3000)]:
        traj = kernel_at_depths(Network("relu", sigma_w2=sw2), rho, [depth], backend="float64")
        assert _contains_reference(traj, 0, 1, sw2, 0, Fraction(rho)) == []
        assert all(getattr(traj.at(depth), f) is None or getattr(traj.at(depth), f).method == "estimate"
                   for f in ("rho", "sigma_dot", "theta_xy"))
    near = kernel_at_depths(Network("relu", sigma_w2="0.6"), "-0.9999999999999", [2], backend="float64").at(2)
    assert near.sigma_dot.correct_digits <= 5  # about 3 of float64's digits survive near rho = -1


def test_issue18_float64_out_of_range_is_not_a_confident_zero():
    traj = kernel_at_depths(Network("relu", sigma_w2="0.5", sigma_b2="0.5"), "0.5", [600], backend="float64")
    assert traj.at(600).one_minus_rho is None  # 1e-361 is outside float64's range
    proc = _cli("kernel", "--rho", "0.5", "--depth", "3", "--sigma-w2", "1e300", "--backend", "float64")
    assert proc.returncode == 3 and "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_issue18_gmpy2_mantissas_and_without_gmpy():
    value = mpmath.mpf("0.3")
    traj = kernel_at_depths(Network("relu"), value, [1, 2], backend="arb", digits=20)
    assert traj.at(1).rho.contains(value) and traj.at(1).rho.rad == 0  # an mpf is dyadic: taken exactly
    code = ("import mpmath; assert mpmath.libmp.BACKEND == 'python'; "
            "from asymptotics.recursion import Network, kernel_at_depths; "
            "t = kernel_at_depths(Network('relu'), mpmath.mpf('0.3'), [2], backend='arb', digits=20); "
            "print(t.at(2).rho.correct_digits)")
    env = dict(__import__("os").environ, MPMATH_NOGMPY="1")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0 and int(proc.stdout) >= 20, proc.stderr


@pytest.mark.parametrize("argv, argument, code", [
    (["--rho", "1.0000000000000000000001", "--depth", "2"], "rho", 2),
    (["--rho", "0." + "1" * 5000, "--depth", "2"], "rho", 2),
    (["--rho", "0.5", "--depth", ""], "depth", 2),
    (["--rho", "0.5", "--depth", "2", "--sigma-w2", "True"], "sigma-w2", 2),
    (["--rho", "0.5", "--depth", "2", "--sigma-b2", "nan"], "sigma-b2", 2),
    # (without --method iterate, depth 1e15 is answered by the depth jump: tests/test_depth_jump.py)
    (["--rho", "0.5", "--depth", "1e15", "--method", "iterate"], "depth", 2),
    (["--rho", "0.5", "--depth", "1e5", "--digits", "100000"], "digits", 2),
    (["--rho", "0.5", "--depth", "2", "--activation", "relu", "--slope", "0.2"], "slope", 2),
])
def test_issue18_bad_input_and_unbounded_work_refused(argv, argument, code):
    proc = _cli("kernel", *argv)
    assert proc.returncode == code, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and f"'{argument}'" in lines[0] and "Traceback" not in proc.stderr


def test_issue18_valid_edge_inputs_answer():
    for argv in (["--rho", "-0.9999999999999999999999", "--depth", "2", "--sigma-b2", "1", "--digits", "10"],
                 ["--rho", "0.5", "--depth", "2", "--sigma-w2", "200/101", "--sigma-b2", "1/7"]):
        proc = _cli("kernel", *argv, "--json")
        assert proc.returncode == 0, proc.stderr
    net = Network("relu", sigma_w2="200/101")
    assert net.weight_variance == Fraction(200, 101)
    with pytest.raises(InputError):
        Network("relu", sigma_w2=True)


def test_issue18_leaky_slope_is_explicit():
    traj = kernel_at_depths(Network(__import__("asymptotics.activations", fromlist=["abrelu"]).abrelu("-0.5", 1)),
                            "0.3", [1, 4], backend="arb", digits=30)
    assert _contains_reference(traj, "-1/2", 1, 1, 0, "0.3") == []
    proc = _cli("kernel", "--rho", "0.3", "--depth", "4", "--activation", "leaky_relu", "--slope", "-0.5", "--json")
    assert proc.returncode == 0 and "alpha=-0.5" in proc.stdout
    default = _cli("kernel", "--rho", "0.3", "--depth", "4", "--activation", "leaky_relu", "--json")
    assert "alpha=0.01" in default.stdout  # the default slope is named, not silent


def test_issue18_limit_certified_is_certified_from_exact_data():
    import json

    proc = _cli("limit", "--n", "2", "--n0", "2", "--seed", "95", "--depths", "1", "2", "--certified", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert all(row["method"] == "certified" for row in data["depths"])
    assert data["entry_accuracy"].startswith("certified")
    plain = json.loads(_cli("limit", "--n", "2", "--n0", "2", "--seed", "95", "--depths", "1", "--json").stdout)
    assert plain["depths"][0]["method"] == "estimate"


@pytest.mark.parametrize("argv, argument", [
    (["--n", "20", "--depths", "1e6", "--certified"], "depths"),  # certified pairs x depth beyond the time limit
    (["--n", "100000", "--depths", "2"], "n"),  # the float64 working set beyond the memory limit
])
def test_issue18_limit_refuses_unbounded_work(argv, argument):
    proc = _cli("limit", *argv)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and f"'{argument}'" in lines[0] and "limit" in lines[0]
