"""Delta-form kernel engines for smooth activations (asymptotics.smooth_kernels), against independent
references written here: mpmath.quad of the 2-D Gaussian, a direct 2-D trapezoid rule in mpmath, the
arcsine recursion iterated naively in rho at 60 digits, and finite_width.limit_ntk."""
import math

import mpmath
import numpy as np
import pytest

from asymptotics import finite_width
from asymptotics.smooth_kernels.erf_closed import erf_diagonal, erf_expectations
from asymptotics.smooth_kernels.gram import smooth_gram_at_depths
from asymptotics.smooth_kernels.pairs import smooth_pair_at_depths
from asymptotics.smooth_kernels.quadrature import HermiteRule
from asymptotics.validation import InputError


# --- independent references -----------------------------------------------------------------------

def quad_expectation(f, s11, s22, rho):
    """E[f(u, v)], (u, v) ~ N(0, [[s11, s12], [s12, s22]]), by scipy's adaptive dblquad after a
    Cholesky factor (float64 callables)."""
    from scipy import integrate

    l11, l21, l22 = math.sqrt(s11), rho * math.sqrt(s22), math.sqrt(s22 * (1 - rho * rho))
    g = lambda z2, z1: f(l11 * z1, l21 * z1 + l22 * z2) * math.exp(-(z1 * z1 + z2 * z2) / 2) / (2 * math.pi)  # noqa: E731
    value, _ = integrate.dblquad(g, -10, 10, -10, 10, epsabs=1e-15, epsrel=1e-14)
    return value


def trapezoid_gaps(phi, dphi, q, delta, step=0.1, half=9.0):
    """G and H (half mean squared differences of phi, phi') for equal variances q, by a direct 2-D
    trapezoid rule in mpmath at 40 digits: u, v = sqrt(q) (sqrt(1 - delta/2) z1 +- sqrt(delta/2) z2)."""
    with mpmath.workdps(40):
        delta = mpmath.mpf(delta)
        c, s = mpmath.sqrt(1 - delta / 2), mpmath.sqrt(delta / 2)
        sq = mpmath.sqrt(q)
        n = int(half / step)
        zs = [mpmath.mpf(step) * j for j in range(-n, n + 1)]
        ws = [mpmath.mpf(step) * mpmath.npdf(z) for z in zs]
        G = H = mpmath.mpf(0)
        for z1, w1 in zip(zs, ws):
            for z2, w2 in zip(zs, ws):
                u, v = sq * (c * z1 + s * z2), sq * (c * z1 - s * z2)
                G += w1 * w2 * (phi(u) - phi(v)) ** 2
                H += w1 * w2 * (dphi(u) - dphi(v)) ** 2
        return G / 2, H / 2


def naive_erf_recursion(s11, s22, s12, depth, sw2, sb2, a=1):
    """Sigma and Theta by the arcsine formulas iterated in rho at 60 digits (cancellation absorbed)."""
    with mpmath.workdps(60):
        s11, s22, s12, sw2, sb2 = (mpmath.mpf(x) for x in (s11, s22, s12, sw2, sb2))
        t11, t22, t12 = s11, s22, s12
        c = 2 * mpmath.mpf(a) ** 2
        for _ in range(depth - 1):
            A, B = 1 + c * s11, 1 + c * s22
            e12 = 2 / mpmath.pi * mpmath.asin(c * s12 / mpmath.sqrt(A * B))
            d12 = 2 * c / mpmath.pi / mpmath.sqrt(A * B - c * c * s12 ** 2)
            e11, e22 = (2 / mpmath.pi * mpmath.asin(c * s / (1 + c * s)) for s in (s11, s22))
            d11, d22 = (2 * c / mpmath.pi / mpmath.sqrt(1 + 2 * c * s) for s in (s11, s22))
            t11, t22, t12 = sw2 * d11 * t11 + sb2 + sw2 * e11, sw2 * d22 * t22 + sb2 + sw2 * e22, \
                sw2 * d12 * t12 + sb2 + sw2 * e12
            s11, s22, s12 = sb2 + sw2 * e11, sb2 + sw2 * e22, sb2 + sw2 * e12
        return {"one_minus_rho": 1 - s12 / mpmath.sqrt(s11 * s22),
                "one_minus_ntk": 1 - t12 / mpmath.sqrt(t11 * t22), "theta": t12}


# --- erf closed form ------------------------------------------------------------------------------

@pytest.mark.parametrize("s11,s22,rho,a", [(1.0, 1.0, 0.6, 1.0), (1.3, 0.7, -0.4, 0.8), (2.5, 0.4, 0.9, 1.7)])
def test_erf_closed_form_against_independent_quadrature(s11, s22, rho, a):
    out = erf_expectations(s11, s22, 1 - rho, scale=a)
    cross = quad_expectation(lambda x, y: math.erf(a * x) * math.erf(a * y), s11, s22, rho)
    dphi = lambda x: 2 * a / math.sqrt(math.pi) * math.exp(-(a * x) ** 2)  # noqa: E731
    dcross = quad_expectation(lambda x, y: dphi(x) * dphi(y), s11, s22, rho)
    gap = quad_expectation(lambda x, y: (math.erf(a * x) - math.erf(a * y)) ** 2 / 2, s11, s22, rho)
    assert abs(out["cross"] - cross) < 1e-12
    assert abs(out["dcross"] - dcross) < 1e-12 * dcross
    assert abs(out["gap"] - gap) < 1e-12 * gap
    e_phi2, e_dphi2 = erf_diagonal(s11, a)
    with mpmath.workdps(20):
        am = mpmath.mpf(a)
        ref = mpmath.quad(lambda z: mpmath.erf(am * mpmath.sqrt(s11) * z) ** 2 * mpmath.npdf(z), [-14, 0, 14])
    assert abs(e_phi2 - float(ref)) < 1e-14


@pytest.mark.parametrize("delta", [1e-12, 1e-8, 1e-3])
@pytest.mark.parametrize("s11,s22", [(1.0, 1.0), (0.8, 1.9)])
def test_erf_delta_form_gaps_near_one(delta, s11, s22):
    """G and H near rho = 1 to ~1e-15 relative: the reference subtracts at 60 digits."""
    out = erf_expectations(s11, s22, delta)
    with mpmath.workdps(60):
        d = mpmath.mpf(delta)
        rho = 1 - d
        A, B = 1 + 2 * mpmath.mpf(s11), 1 + 2 * mpmath.mpf(s22)
        s12 = rho * mpmath.sqrt(mpmath.mpf(s11) * s22)
        e = lambda s: 2 / mpmath.pi * mpmath.asin(2 * s / (1 + 2 * s))  # noqa: E731
        G = (e(mpmath.mpf(s11)) + e(mpmath.mpf(s22))) / 2 - 2 / mpmath.pi * mpmath.asin(2 * s12 / mpmath.sqrt(A * B))
        dd = lambda s: 4 / mpmath.pi / mpmath.sqrt(1 + 4 * s)  # noqa: E731
        H = (dd(mpmath.mpf(s11)) + dd(mpmath.mpf(s22))) / 2 - 4 / mpmath.pi / mpmath.sqrt(A * B - 4 * s12 ** 2)
    tolerance = 1e-14 if s11 == s22 else 1e-10  # unequal variances: the norm term's rounding is the floor
    assert abs(out["gap"] - float(G)) <= tolerance * float(G)
    assert abs(out["dgap"] - float(H)) <= tolerance * float(H)


# --- the generic rule -----------------------------------------------------------------------------

@pytest.mark.parametrize("s11,s22", [(1.0, 1.0), (1.6, 0.5), (6.0, 6.0)])
def test_hermite_rule_on_erf_within_its_stated_bound(s11, s22):
    delta = np.array([1e-12, 1e-6, 0.05, 0.7, 1.3, 1.95])
    rule = HermiteRule("erf").expectations(s11, s22, delta)
    exact = erf_expectations(s11, s22, delta)
    for key in ("cross", "gap", "dcross", "dgap"):
        err = np.abs(rule[key] - exact[key])
        assert np.all(err <= rule["err_" + key] + exact["err_" + key] + 1e-300), key
        big = np.abs(exact[key]) > 1e-3 * np.max(np.abs(exact[key]))
        assert np.all(rule["err_" + key][big] <= 1e-9 * np.abs(exact[key][big])), key  # the bound is useful


@pytest.mark.parametrize("name,q,delta", [("tanh", 2.0, 1e-12), ("tanh", 0.6, 0.4), ("gelu", 3.0, 1e-12),
                                          ("gelu", 0.9, 0.4), ("softplus", 1.5, 1e-12), ("swish", 1.5, 1e-12),
                                          ("sigmoid", 2.5, 0.3)])
def test_hermite_rule_against_direct_two_dimensional_trapezoid(name, q, delta):
    """q covers sigma_w^2 from ~0.6 to 3 (with and without biases) at the variances these layers see."""
    from asymptotics.activations import get_activation

    act = get_activation(name)
    out = HermiteRule(act).expectations(q, q, np.array([delta]))
    step = {"tanh": 0.1, "gelu": 0.25}.get(name, 0.15)
    G, H = trapezoid_gaps(act.derivative(0), act.derivative(1), q, delta, step=step, half=8.5)
    for key, ref in (("gap", G), ("dgap", H)):
        diff = abs(out[key][0] - float(ref))
        assert diff <= out["err_" + key][0] + 1e-15 * float(ref), (key, diff, out["err_" + key][0])
        assert out["err_" + key][0] <= 1e-10 * float(ref)
    diag = HermiteRule(act).diagonal(np.array([q]))
    for j, key in ((0, "phi2"), (1, "dphi2")):
        with mpmath.workdps(25):
            f = act.derivative(j)
            ref = mpmath.quad(lambda z: f(mpmath.sqrt(q) * z) ** 2 * mpmath.npdf(z), [-20, -5, 0, 5, 20])
        assert abs(diag[key][0] - float(ref)) <= diag["err_" + key][0] + 1e-15 * float(ref), key


# --- Gram matrices --------------------------------------------------------------------------------

def _close_points(angle):
    return np.array([[1.0, 0.0], [math.cos(angle), math.sin(angle)], [0.0, 1.0], [-0.6, 0.8]])


def test_gram_matches_limit_ntk_far_from_one():
    X = finite_width.circle_points(5, 0.3, 2.8)
    for name in ("erf", "tanh"):
        ours = smooth_gram_at_depths(name, X, [3], sigma_w2=1, sigma_b2=0.01)[3]
        ref = finite_width.limit_ntk(X, 3, name, beta=0.1)
        assert np.max(np.abs(ours["theta"] - ref.theta)) < 1e-11 * np.max(np.abs(ref.theta))
        assert np.max(np.abs(ours["sigma"] - ref.sigma)) < 1e-11


def test_gram_near_one_improves_on_limit_ntk():
    """Depth 50, 1 - rho ~ 1e-12 at the input: the delta form keeps ~14 digits of 1 - rho and of
    1 - ntk_normalized where the rho-form (limit_ntk) has none left."""
    angle = 1.5e-6
    X = _close_points(angle)
    depth = 50
    ours = smooth_gram_at_depths("erf", X, [depth], sigma_w2=1, sigma_b2=0.01)[depth]
    d = X.shape[1]

    def s(i, j):  # Sigma^1 from the float inputs, exactly enough (60 digits)
        with mpmath.workdps(60):
            return mpmath.mpf(0.01) + mpmath.fsum(mpmath.mpf(X[i, k]) * mpmath.mpf(X[j, k]) for k in range(d)) / d

    ref = naive_erf_recursion(s(0, 0), s(1, 1), s(0, 1), depth, 1, 0.01)
    rel = abs(ours["one_minus_ntk_normalized"][0, 1] - float(ref["one_minus_ntk"])) / float(ref["one_minus_ntk"])
    rel_delta = abs(ours["one_minus_rho"][0, 1] - float(ref["one_minus_rho"])) / float(ref["one_minus_rho"])
    assert rel < 1e-12 and rel_delta < 1e-12
    assert rel <= ours["error_estimate"]["one_minus_ntk_normalized"]
    old = finite_width.limit_ntk(X, depth, "erf", beta=0.1).theta
    old_c = 1 - old[0, 1] / math.sqrt(old[0, 0] * old[1, 1])
    old_rel = abs(old_c - float(ref["one_minus_ntk"])) / float(ref["one_minus_ntk"])
    assert old_rel > 1e3 * max(rel, 1e-16)


@pytest.mark.parametrize("name", ["erf", "gelu"])
def test_gram_near_one_with_norms_equal_only_to_rounding(name):
    """Points normalised in float64 have norms that differ by ulps; the unequal-variance terms must then
    cost a second-order error only (a first-order eps there gave 2e-4 relative at depth 50 before)."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((2, 16))
    X /= np.linalg.norm(X, axis=1)[:, None]
    X[1] = math.cos(1.5e-6) * X[0]
    v = rng.standard_normal(16)
    v -= (v @ X[0]) * X[0]
    X[1] += math.sin(1.5e-6) * v / np.linalg.norm(v)
    X = X * 4.0
    assert np.sum(X[0] ** 2) != np.sum(X[1] ** 2)  # the case under test
    depth = 30 if name == "erf" else 6

    def s(i, j):  # Sigma^1 from the float data, exactly enough
        with mpmath.workdps(60):
            return mpmath.mpf(0.01) + mpmath.fsum(mpmath.mpf(X[i, k]) * mpmath.mpf(X[j, k]) for k in range(16)) / 16

    ours = smooth_gram_at_depths(name, X, [depth], sigma_w2=1, sigma_b2=0.01)[depth]
    if name == "erf":
        ref = float(naive_erf_recursion(s(0, 0), s(1, 1), s(0, 1), depth, 1, 0.01)["one_minus_ntk"])
    else:  # the agreed pair path, fed the exact layer-1 variances and 1 - rho of the float data
        with mpmath.workdps(60):
            delta = 1 - s(0, 1) / mpmath.sqrt(s(0, 0) * s(1, 1))
            args = [mpmath.nstr(v, 50) for v in (delta, s(0, 0), s(1, 1))]
        pair = smooth_pair_at_depths(name, [depth], one_minus_rho=args[0], q_x=args[1], q_y=args[2],
                                     sigma_w2=1, sigma_b2=repr(0.01), digits=14)[depth]
        assert pair.one_minus_ntk_normalized.correct_digits >= 14
        ref = float(pair.one_minus_ntk_normalized.mid)
    assert abs(ours["one_minus_ntk_normalized"][0, 1] - ref) < 1e-12 * ref


def test_gram_against_agreed_pair_path_gelu_with_biases():
    X = np.array([[1.0, 0.0], [math.cos(1e-5), math.sin(1e-5)]]) * math.sqrt(2)
    sw2, sb2 = 1.7, 0.2
    depth = 6
    ours = smooth_gram_at_depths("gelu", X, [depth], sigma_w2=sw2, sigma_b2=sb2)[depth]
    q1 = mpmath.mpf(sb2) + sw2 * 1  # |x|^2 / d = 1
    s12 = mpmath.mpf(sb2) + sw2 * mpmath.cos(mpmath.mpf(1e-5))
    with mpmath.workdps(40):
        delta = 1 - (mpmath.mpf(sb2) + mpmath.mpf(sw2) * mpmath.cos(mpmath.mpf(1e-5))) / (mpmath.mpf(sb2) + mpmath.mpf(sw2))
    from fractions import Fraction
    pair = smooth_pair_at_depths("gelu", [depth], one_minus_rho=mpmath.nstr(delta, 35), q_x=Fraction(19, 10),
                                 sigma_w2="1.7", sigma_b2="0.2", digits=14)[depth]
    del q1, s12
    for ours_key, pair_key in (("one_minus_rho", "one_minus_rho"), ("one_minus_ntk_normalized", "one_minus_ntk_normalized"),
                               ("theta", "theta_xy")):
        ref = pair_key and getattr(pair, pair_key)
        assert ref.correct_digits >= 14
        rel = abs(ours[ours_key][0, 1] - float(ref.mid)) / abs(float(ref.mid))
        assert rel < 1e-12, (ours_key, rel)


def test_custom_activation_uses_its_mpmath_derivatives():
    from asymptotics.smooth import custom_activation

    am = mpmath.mpf(1)
    act = custom_activation("my_erf", lambda x: mpmath.erf(x),
                            [lambda x: 2 / mpmath.sqrt(mpmath.pi) * mpmath.exp(-x * x),
                             lambda x: -4 * x / mpmath.sqrt(mpmath.pi) * mpmath.exp(-x * x)])
    del am
    X = np.array([[1.0, 0.2], [0.9, 0.5]])
    ours = smooth_gram_at_depths(act, X, [3], sigma_w2=1.5, sigma_b2=0.1)[3]
    closed = smooth_gram_at_depths("erf", X, [3], sigma_w2=1.5, sigma_b2=0.1)[3]
    assert abs(ours["one_minus_ntk_normalized"][0, 1] - closed["one_minus_ntk_normalized"][0, 1]) < \
        1e-12 * closed["one_minus_ntk_normalized"][0, 1]


# --- bad input: one line naming the argument -------------------------------------------------------

@pytest.mark.parametrize("call,argument", [
    (lambda: smooth_gram_at_depths("tanh", np.array([[1.0, np.nan]]), [2]), "X"),
    (lambda: smooth_gram_at_depths("tanh", np.ones((2, 2)), [0]), "depths"),
    (lambda: smooth_gram_at_depths("tanh", np.ones((2, 2)), [2], sigma_w2=-1), "sigma_w2"),
    (lambda: smooth_gram_at_depths("tanh", np.ones((2, 2)), [2], sigma_b2="1/x"), "sigma_b2"),
    (lambda: smooth_gram_at_depths("nope", np.ones((2, 2)), [2]), "activation"),
    (lambda: smooth_gram_at_depths("tanh", np.ones((2, 2)), [2], method="closed"), "method"),
    (lambda: smooth_pair_at_depths("relu", [2], rho=0.5), "activation"),
    (lambda: smooth_pair_at_depths("tanh", [2], rho=1.5), "rho"),
    (lambda: smooth_pair_at_depths("tanh", [2], rho=0.5, one_minus_rho=0.5), "rho"),
    (lambda: smooth_pair_at_depths("tanh", [100], rho=0.5, digits=60, max_seconds=5), "max_seconds"),
    (lambda: smooth_pair_at_depths("gelu", [2000], rho=0.5), "depths"),
])
def test_bad_input_is_one_line(call, argument):
    with pytest.raises(InputError) as info:
        call()
    message = str(info.value)
    assert "\n" not in message and f"'{argument}'" in message


def test_relu_family_is_delegated_to_the_closed_form_engine():
    from asymptotics import recursion

    X = np.array([[1.0, 0.0], [0.6, 0.8]])
    ours = smooth_gram_at_depths("relu", X, [4], sigma_w2=2, sigma_b2=0)[4]
    ref = recursion.gram_at_depths(recursion.Network("relu", sigma_w2=2, sigma_b2=0), X, [4])[4]
    assert np.array_equal(ours["one_minus_ntk_normalized"], ref["one_minus_ntk_normalized"])


def test_float64_pairs_against_agreed_pair_path_unequal_variances():
    from asymptotics.smooth_kernels.gram import smooth_pairs_float64

    depth = 5
    ours = smooth_pairs_float64("gelu", [depth], one_minus_rho=[1e-12, 0.75], q_x=1.25, q_y=0.5,
                                sigma_w2=2.2, sigma_b2=0.1)[depth]
    for i, delta in enumerate(("1e-12", "0.75")):
        pair = smooth_pair_at_depths("gelu", [depth], one_minus_rho=delta, q_x="1.25", q_y="0.5",
                                     sigma_w2="2.2", sigma_b2="0.1", digits=14)[depth]
        for key in ("one_minus_rho", "one_minus_ntk_normalized", "theta_xy", "sigma_dot", "theta_yy"):
            ref = getattr(pair, key)
            assert ref.correct_digits >= 14
            rel = abs(ours[key][i] - float(ref.mid)) / abs(float(ref.mid))
            bound = max(ours["error_estimate"].get(key, 0.0), 1e-13)
            assert rel <= bound, (key, delta, rel, bound)


from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(max_examples=40, deadline=None)
@given(s11=st.floats(0.05, 20), ratio=st.floats(0.2, 5), log_delta=st.floats(-14, 0.3), a=st.floats(0.3, 3))
def test_erf_delta_form_property(s11, ratio, log_delta, a):
    """Any variances, scale and 1 - rho in [1e-14, 2]: G, H and the cross terms against the arcsine
    formulas subtracted at 60 digits (inputs taken as the exact floats)."""
    s22, delta = s11 * ratio, 10.0 ** log_delta
    out = erf_expectations(s11, s22, delta, scale=a)
    with mpmath.workdps(60):
        c = 2 * mpmath.mpf(a) ** 2
        x, y, d = mpmath.mpf(s11), mpmath.mpf(s22), mpmath.mpf(delta)
        s12 = (1 - d) * mpmath.sqrt(x * y)
        A, B = 1 + c * x, 1 + c * y
        e = lambda s: 2 / mpmath.pi * mpmath.asin(c * s / (1 + c * s))  # noqa: E731
        dd = lambda s: 2 * c / mpmath.pi / mpmath.sqrt(1 + 2 * c * s)  # noqa: E731
        cross = 2 / mpmath.pi * mpmath.asin(c * s12 / mpmath.sqrt(A * B))
        dcross = 2 * c / mpmath.pi / mpmath.sqrt(A * B - c * c * s12 ** 2)
        G, H = (e(x) + e(y)) / 2 - cross, (dd(x) + dd(y)) / 2 - dcross
        # floors: the unequal-variance parts are second order, formed from first-order differences
        # (asin pA - asin pm, X1^(-1/4) - X2^(-1/4)) whose rounding stays; asin amplifies its argument's
        # rounding by 1/sqrt(1 - r^2)
        pA, pm = c * x / A, c * mpmath.sqrt(x * y) / mpmath.sqrt(A * B)
        floor_G = 2 / mpmath.pi * abs(mpmath.asin(pA) - mpmath.asin(pm))
        X1, X2 = 1 + 2 * c * x, 1 + 2 * c * y
        floor_H = 2 * c / mpmath.pi * abs(X1 ** -0.25 - X2 ** -0.25) * (X1 ** -0.25 + X2 ** -0.25)
        r = c * s12 / mpmath.sqrt(A * B)
        floor_cross = 1 / mpmath.sqrt(1 - r * r)
    eps = 2.0**-52
    for key, ref, floor in (("gap", G, floor_G), ("dgap", H, floor_H), ("dcross", dcross, 0)):
        assert abs(out[key] - float(ref)) <= 1e-13 * abs(float(ref)) + 8 * eps * float(floor) + 1e-300, key
    assert abs(out["cross"] - float(cross)) <= 8 * eps * float(floor_cross)
