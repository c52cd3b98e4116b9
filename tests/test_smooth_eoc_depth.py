"""EOC depth runs for every smooth activation (asymptotics.smooth_eoc_depth) against references written here.

References, none of which uses the engine's Hermite series:
* an EOC root solve of our own (mpmath.quad of the 1-D Gaussian moments, findroot) and the textbook
  layer map by a 2-D trapezoid rule in mpmath at every layer (depth <= 5, ~25 digits);
* the same textbook recursion in float64, in the cancellation-free form 1 - f(c) = sigma_w^2
  E[(phi(u) - phi(v))^2] / (2 V), to depth 1000 (~1e-10 relative);
* erf: the arcsine kernel (Williams) in closed form at 80 digits, to depth 10^4, which must lie
  inside the engine's agreement radius;
* the asymptotic 1 - c^l ~ 2 / (f''(1) l) only as a sanity check.
"""
from __future__ import annotations

import json
import math

import mpmath
import numpy as np
import pytest
from scipy import special

from asymptotics.smooth_eoc_depth import (_RunMap, _iterate, eoc_depth_engine, eoc_depths, eoc_kernel_at_depths,
                                          generic_eoc_depths)
from asymptotics.validation import InputError

SB = "0.2"


# --- the activations, written out here (mpmath and numpy) ------------------------------------------

def _mp_pair(name):
    """x -> (phi(x), phi'(x), phi''(x)) in mpmath."""
    if name == "gelu":
        def f(x):
            pdf = mpmath.npdf(x)
            return x * mpmath.ncdf(x), mpmath.ncdf(x) + x * pdf, 2 * pdf - x * x * pdf
    elif name == "swish":
        def f(x):
            s = 1 / (1 + mpmath.exp(-x))
            return x * s, s + x * s * (1 - s), 2 * s * (1 - s) + x * s * (1 - s) * (1 - 2 * s)
    elif name == "erf":
        def f(x):
            g = 2 / mpmath.sqrt(mpmath.pi) * mpmath.exp(-x * x)
            return mpmath.erf(x), g, -2 * x * g
    elif name == "sigmoid":
        def f(x):
            t = 1 / (1 + mpmath.exp(-x))
            return t, t * (1 - t), t * (1 - t) * (1 - 2 * t)
    elif name == "tanh":
        def f(x):
            t = mpmath.tanh(x)
            return t, 1 - t * t, -2 * t * (1 - t * t)
    return f


def _np_pair(name):
    if name == "gelu":
        return lambda x: (x * special.ndtr(x), special.ndtr(x) + x * np.exp(-x * x / 2) / math.sqrt(2 * math.pi))
    if name == "swish":
        return lambda x: (x * special.expit(x), special.expit(x) * (1 + x * (1 - special.expit(x))))
    if name == "tanh":
        return lambda x: (np.tanh(x), 1 - np.tanh(x) ** 2)
    if name == "sigmoid":
        return lambda x: (special.expit(x), special.expit(x) * (1 - special.expit(x)))
    return lambda x: (special.erf(x), 2 / math.sqrt(math.pi) * np.exp(-x * x))


def _moment(f, q, j):
    return mpmath.quad(lambda z: f(mpmath.sqrt(q) * z)[j] ** 2 * mpmath.npdf(z), [-mpmath.inf, 0, mpmath.inf])


def _eoc_reference(name, sb="0.2", q0="0.5"):
    """(q*, sigma_w^2, f''(1)) from R(q) = sigma_b^2 + E[phi^2]/E[phi'^2] - q = 0, solved here."""
    f = _mp_pair(name)
    sb2 = mpmath.mpf(sb) ** 2
    q = mpmath.findroot(lambda q: sb2 + _moment(f, q, 0) / _moment(f, q, 1) - q, mpmath.mpf(q0))
    sw2 = 1 / _moment(f, q, 1)
    return q, sw2, sw2 * q * _moment(f, q, 2)


def _textbook_mp(name, c1, depth):
    """Layers 1..depth of the textbook recursion at q*: (1 - c, f'(c), Sigma-dot, Theta, Theta/Theta_xx)."""
    with mpmath.workdps(32):
        q, sw2, _ = _eoc_reference(name)
        sb2 = mpmath.mpf(SB) ** 2
        f = _mp_pair(name)
        h, zmax = mpmath.mpf("0.25"), 12
        z = [h * k for k in range(-int(zmax / h), int(zmax / h) + 1)]
        w = [h * mpmath.npdf(t) for t in z]
        root = mpmath.sqrt(q)
        fu = [f(root * t)[:2] for t in z]

        def expectations(c):
            s = mpmath.sqrt(1 - c * c)
            e0 = e1 = mpmath.mpf(0)
            for wi, zi, (p0, p1) in zip(w, z, fu):
                inner0 = inner1 = mpmath.mpf(0)
                for wj, zj in zip(w, z):
                    v0, v1 = f(root * (c * zi + s * zj))[:2]
                    inner0 += wj * v0
                    inner1 += wj * v1
                e0 += wi * p0 * inner0
                e1 += wi * p1 * inner1
            return e0, e1

        c = mpmath.mpf(c1)
        theta, theta_xx = q * c, q
        chi = sw2 * _moment(f, q, 1)
        out = {}
        for layer in range(1, depth + 1):
            e0, e1 = expectations(c)
            fprime = sw2 * e1
            out[layer] = {"one_minus_c": 1 - c, "f_prime": fprime, "theta_xy": theta, "ntk_normalized": theta / theta_xx}
            if layer == depth:
                break
            sigma = sb2 + sw2 * e0
            c = sigma / q
            theta, theta_xx = fprime * theta + sigma, chi * theta_xx + q
            out[layer]["next_sigma_dot"] = fprime
        return out


def _textbook_float64(name, c1, depths, h=0.2, q0="0.5"):
    """1 - c^l and 1 - f'(c^l) in float64 by the 2-D trapezoid rule, delta form, at the reference EOC point."""
    with mpmath.workdps(30):
        q, sw2, f2 = _eoc_reference(name, SB, q0)
    q, sw2 = float(q), float(sw2)
    f = _np_pair(name)
    n = int(round(9 / h))
    z = np.arange(-n, n + 1) * h
    w = h * np.exp(-z * z / 2) / math.sqrt(2 * math.pi)
    Z1, Z2 = np.meshgrid(z, z, indexing="ij")
    W = np.outer(w, w)
    root = math.sqrt(q)
    pu, du = f(root * Z1)
    V = (0.2 ** 2) + sw2 * float(np.sum(W * pu * pu))
    chi = sw2 * float(np.sum(W * du * du))
    delta = 1 - c1
    t, u, txx = c1, delta, 1.0  # Theta / q*, Theta_xx / q* - Theta / q*, Theta_xx / q*
    out = {}
    for layer in range(1, max(depths) + 1):
        c = 1 - delta
        s = math.sqrt(delta * (2 - delta))
        pv, dv = f(root * (c * Z1 + s * Z2))
        deficit = sw2 * float(np.sum(W * (du - dv) ** 2)) / 2  # chi_1 - f'(c), cancellation-free
        if layer in depths:
            out[layer] = (delta, 1 - chi + deficit, u / txx)
        delta = sw2 * float(np.sum(W * (pu - pv) ** 2)) / (2 * V)
        t, u, txx = (chi - deficit) * t + 1 - delta, chi * u + deficit * t + delta, chi * txx + 1
    return out, float(f2)


def _close(approx, ref, tol):
    return abs(approx.mid - ref) <= approx.rad + tol


# --- tests ---------------------------------------------------------------------------------------

# gelu and swish cost ~15 s each on the 2-core box: slow; erf keeps the check in the quick suite
@pytest.mark.parametrize("name", [pytest.param("gelu", marks=pytest.mark.slow), pytest.param("swish", marks=pytest.mark.slow),
                                  "erf"])
def test_low_depth_against_textbook_recursion_by_2d_quadrature(name):
    ref = _textbook_mp(name, "0.5", 4)
    depths = [1, 2, 3, 4]
    traj = generic_eoc_depths(name, SB, "0.5", depths, digits=20)
    layers = eoc_kernel_at_depths(name, SB, "0.5", depths, digits=20)
    tol = mpmath.mpf("1e-22")
    for d in depths:
        v, k = traj.at(d), layers[d]
        assert v.one_minus_c.correct_digits >= 20 and k.theta_xy.correct_digits >= 20
        assert _close(v.one_minus_c, ref[d]["one_minus_c"], tol), (name, d)
        assert _close(v.f_prime, ref[d]["f_prime"], tol), (name, d)
        assert _close(k.theta_xy, ref[d]["theta_xy"], tol), (name, d)
        assert _close(k.ntk_normalized, ref[d]["ntk_normalized"], tol), (name, d)
        if d > 1:
            assert _close(k.sigma_dot, ref[d - 1]["next_sigma_dot"], tol), (name, d)
    assert layers[1].sigma_dot is None


@pytest.mark.parametrize("name", ["gelu", "swish", "erf"])
def test_depth_1000_against_float64_textbook_recursion(name):
    depths = [10, 100, 1000]
    ref, f2 = _textbook_float64(name, 0.5, depths)
    traj = eoc_depths(name, SB, "0.5", depths, digits=20)
    layers = eoc_kernel_at_depths(name, SB, "0.5", depths, digits=20)
    for d in depths:
        delta, one_minus_fp, one_minus_ntk = ref[d]
        v = traj.at(d)
        assert v.one_minus_c.correct_digits >= 20
        assert abs(float(v.one_minus_c.mid) / delta - 1) < 1e-9, (name, d)
        assert abs(float(v.one_minus_f_prime.mid) / one_minus_fp - 1) < 1e-9, (name, d)
        assert abs(float(layers[d].one_minus_ntk_normalized.mid) / one_minus_ntk - 1) < 1e-9, (name, d)
    # sanity only (not the expected value): the parabolic orbit 1 - c^l ~ 2 / (f''(1) l)
    ratio = float(traj.at(1000).one_minus_c.mid) * f2 * 1000 / 2
    assert 0.9 < ratio < 1.1, ratio


def _erf_closed_form(c1, depths, dps=80):
    """erf on its EOC by the arcsine kernel: E[erf(u) erf(v)] = (2/pi) asin(2 q c / (1 + 2 q))."""
    with mpmath.workdps(dps):
        sb2 = mpmath.mpf(SB) ** 2
        sw2_of = lambda q: mpmath.pi * mpmath.sqrt(1 + 4 * q) / 4  # 1 / E[erf'(sqrt(q) Z)^2]  # noqa: E731
        q = mpmath.findroot(lambda q: sb2 + sw2_of(q) * 2 / mpmath.pi * mpmath.asin(2 * q / (1 + 2 * q)) - q,
                            mpmath.mpf("0.5"))
        sw2 = sw2_of(q)
        c = mpmath.mpf(c1)
        theta, theta_xx = q * c, q
        out = {}
        for layer in range(1, max(depths) + 1):
            fprime = 4 * sw2 / mpmath.pi / mpmath.sqrt((1 + 2 * q) ** 2 - 4 * q * q * c * c)
            if layer in depths:
                out[layer] = (1 - c, fprime, theta, theta / theta_xx)
            sigma = sb2 + sw2 * 2 / mpmath.pi * mpmath.asin(2 * q * c / (1 + 2 * q))
            theta, theta_xx = fprime * theta + sigma, theta_xx + q
            c = sigma / q
        return out


def test_erf_against_closed_form_inside_the_agreement_radius():
    """The radius must contain the truth (the closed form at 80 digits), out to depth 10^4 where the
    parabolic orbit's sensitivity to sigma_w (relative eta l / 2) is largest."""
    depths = [200, 1000, 10**4]
    ref = _erf_closed_form("0.5", depths)
    traj = generic_eoc_depths("erf", SB, "0.5", depths, digits=30)
    layers = eoc_kernel_at_depths("erf", SB, "0.5", depths, digits=30)
    tiny = mpmath.mpf("1e-70")
    for d in depths:
        delta, fprime, theta, ntk = ref[d]
        v, k = traj.at(d), layers[d]
        assert v.one_minus_c.correct_digits >= 30
        assert _close(v.one_minus_c, delta, tiny) and _close(v.f_prime, fprime, tiny), d
        assert _close(k.theta_xy, theta, tiny * d) and _close(k.ntk_normalized, ntk, tiny), d


def test_agreement_radius_tracks_the_sensitivity_to_sigma_w():
    """Two maps from EOC points at 15 and 40 digits: their relative difference at depth l is about
    eta l / 2 with eta the difference of their chi_1 (module docstring, chi_1 = 1 - eta gives
    -eta l / 2); so the agreement radius grows with depth exactly as an error in sigma_w does."""
    from asymptotics.activations import get_activation
    from fractions import Fraction

    act = get_activation("gelu")
    bits, L = 160, 2000
    coarse = _RunMap(act, SB, Fraction(1, 25), 15, bits, 64, False, L)
    fine = _RunMap(act, SB, Fraction(1, 25), 40, bits, coarse.K, True, L)
    eta = (coarse.B1 - fine.B1) / 2 ** bits
    assert 1e-30 < abs(eta) < 1e-12
    a, _ = _iterate(coarse, Fraction(1, 2), [500, 2000])
    b, _ = _iterate(fine, Fraction(1, 2), [500, 2000])
    for d in (500, 2000):
        rel = (a[d][0] - b[d][0]) / b[d][0]
        assert 0.7 < rel / (eta * d / 2) < 1.3, (d, rel, eta)


def test_dispatch_and_refusals():
    assert eoc_depth_engine("gelu") is generic_eoc_depths
    assert eoc_depth_engine("tanh") is not generic_eoc_depths and eoc_depth_engine("erf") is not generic_eoc_depths
    tanh = eoc_depths("tanh", SB, "0.5", [10], digits=15)
    assert tanh.activation == "tanh" and tanh.at(10).one_minus_c.correct_digits >= 15
    for args, argument in ((("softplus", SB, "0.5", [10]), "activation"), (("relu", "0", "0.5", [10]), "activation"),
                           (("gelu", SB, "0.5", [10**8]), "depths"), (("gelu", SB, "1.5", [10]), "c_start"),
                           (("gelu", "-1", "0.5", [10]), "sigma_b")):
        with pytest.raises(InputError) as err:
            generic_eoc_depths(*args, digits=15)
        assert err.value.argument == argument
    with pytest.raises(InputError) as err:
        generic_eoc_depths("gelu", SB, "0.5", [10**6], digits=15, max_seconds=1)
    assert err.value.argument == "depths" and "depth 1000000" in str(err.value)
    with pytest.raises(InputError) as err:
        generic_eoc_depths("erf", "0", "0.5", [10], digits=15)
    assert err.value.argument == "sigma_b"


def test_cli_gelu_depth_run(capsys):
    from proofs_checks.cli import main

    assert main(["eoc", "--activation", "gelu", "--sigma-b", "0.2", "--depth", "1000", "--c", "0.5", "--digits",
                 "20", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    layer = data["depth_run"]["layers"][0]
    api = eoc_depths("gelu", "0.2", "0.5", [1000], digits=20).at(1000)
    with mpmath.workdps(60):
        assert layer["depth"] == 1000 and abs(mpmath.mpf(layer["one_minus_c"]["mid"]) - api.one_minus_c.mid) <= \
            mpmath.mpf(layer["one_minus_c"]["rad"])
    assert data["kernel_run"][0]["ntk_normalized"] is not None
    assert main(["eoc", "--activation", "gelu", "--sigma-b", "0.2", "--depth", "1000", "--c", "0.5", "--digits",
                 "20"]) == 0
    text = capsys.readouterr().out
    from asymptotics.accuracy import format_approx

    assert f"L =     1000: 1 - c = {format_approx(api.one_minus_c)}" in text and "Theta = " in text


@pytest.mark.parametrize("argv, argument", [
    (["--activation", "softplus", "--depth", "10"], "'--activation'"),
    (["--activation", "relu", "--depth", "10"], "'--depth'"),
    (["--activation", "gelu", "--depth", "1e8"], "'--depth'"),
    (["--activation", "gelu", "--depth", "10", "--c", "2"], "'--c'"),
    (["--activation", "swish", "--depth", "10", "--digits", "140"], "'--digits'"),
])
def test_cli_bad_depth_input_is_one_line_exit_2(capsys, argv, argument):
    from proofs_checks.cli import main

    assert main(["eoc", *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and argument in err, err


@pytest.mark.slow  # ~25 s; the quick suite keeps test_user_claims_certified_paths' EOC claims
def test_claims_file_gelu_eoc_kernel_confirmed_and_factor_two_refuted(tmp_path):
    """A user's claims on GELU's Edge of Chaos: the printed values come from the float64 textbook
    recursion above (8 significant digits), never from the engine."""
    from proofs_checks import registry
    from proofs_checks.user_claims import load_claims_file
    from proofs_checks.verdict import Status

    ref, _ = _textbook_float64("gelu", 0.5, [1000])
    delta, ntk = ref[1000][0], 1 - ref[1000][2]
    text = f'''[document]
title = "GELU on its Edge of Chaos"
source = "test"

[[claim]]
id = "gelu.true"
quantity = "kernel.one_minus_rho"
activation = "gelu"
sigma_b = "0.2"
rho = "0.5"
depth = 1000
printed = "{delta:.8g}"

[[claim]]
id = "gelu.factor2"
quantity = "kernel.one_minus_rho"
activation = "gelu"
sigma_b = "0.2"
rho = "0.5"
depth = 1000
printed = "{2 * delta:.8g}"

[[claim]]
id = "gelu.ntk_true"
quantity = "kernel.normalised_ntk"
activation = "gelu"
sigma_b = "0.2"
rho = "0.5"
depth = 1000
printed = "{ntk:.8g}"

[[claim]]
id = "gelu.ntk_factor2"
quantity = "kernel.normalised_ntk"
activation = "gelu"
sigma_b = "0.2"
rho = "0.5"
depth = 1000
printed = "{2 * ntk:.8g}"

[[claim]]
id = "gelu.q_x_on_eoc"
quantity = "kernel.one_minus_rho"
activation = "gelu"
sigma_b = "0.2"
rho = "0.5"
q_x = "2"
depth = 10
printed = "0.1"
'''
    path = tmp_path / "gelu.claims.toml"
    path.write_text(text)
    doc = load_claims_file(path)
    got = {c.id: registry.run_check(c) for c in doc.claims}
    assert got["gelu.true"].status == Status.CONFIRMED, got["gelu.true"]
    assert got["gelu.factor2"].status == Status.REFUTED, got["gelu.factor2"]
    assert got["gelu.ntk_true"].status == Status.CONFIRMED, got["gelu.ntk_true"]
    assert got["gelu.ntk_factor2"].status == Status.REFUTED, got["gelu.ntk_factor2"]
    assert got["gelu.q_x_on_eoc"].status not in (Status.CONFIRMED, Status.REFUTED)


def test_tanh_engine_at_large_q_star_no_zero_division():
    """tanh at sigma_b = 2.54 (q* ~ 11.4, saturated tanh): the far-region step of f' divided 0 by 0 in
    fixed point (ZeroDivisionError).  Against the float64 textbook map by a fine 2-D trapezoid rule."""
    traj = eoc_depths("tanh", "2.54", "0.5", [1, 2], digits=15)
    with mpmath.workdps(30):
        q, sw2, _ = _eoc_reference("tanh", "2.54", "11")
    q, sw2 = float(q), float(sw2)
    h = 0.04
    z = np.arange(-225, 226) * h
    w = h * np.exp(-z * z / 2) / math.sqrt(2 * math.pi)
    Z1, Z2 = np.meshgrid(z, z, indexing="ij")
    W = np.outer(w, w)
    root, c = math.sqrt(q), 0.5
    pu, du = _np_pair("tanh")(root * Z1)
    pv, dv = _np_pair("tanh")(root * (c * Z1 + math.sqrt(1 - c * c) * Z2))
    one_minus_fp = 1 - sw2 * float(np.sum(W * du * dv))
    delta2 = sw2 * float(np.sum(W * (pu - pv) ** 2)) / (2 * (2.54 ** 2 + sw2 * float(np.sum(W * pu * pu))))
    assert abs(float(traj.at(1).one_minus_f_prime.mid) / one_minus_fp - 1) < 1e-9
    assert abs(float(traj.at(2).one_minus_c.mid) / delta2 - 1) < 1e-9


def test_sigmoid_through_tanh_against_float64_textbook_recursion():
    """sigmoid = (1 + tanh(x/2))/2 on its EOC (q* ~ 45.7) goes through tanh's engine at the equivalent
    sigma_b'; the reference is sigmoid's own textbook map (fine trapezoid: the strip is pi / sqrt(q*))."""
    depths = [1, 2, 10, 100]
    ref, _ = _textbook_float64("sigmoid", 0.5, depths, h=0.04, q0="45")
    traj = eoc_depths("sigmoid", SB, "0.5", depths, digits=20)
    assert "tanh's engine" in traj.accuracy
    for d in depths:
        v = traj.at(d)
        assert v.one_minus_c.correct_digits >= 20
        assert abs(float(v.one_minus_c.mid) / ref[d][0] - 1) < 1e-9, d
        assert abs(float(v.one_minus_f_prime.mid) / ref[d][1] - 1) < 1e-9, d


def test_tanh_and_erf_routes_are_certified_and_agree_with_the_agreement_engines():
    """eoc_depths routes tanh and erf to their certified paths; each must overlap an engine that shares
    none of its arithmetic (tanh: the fixed-point quadrature engine; erf: the generic Hermite runs)."""
    from asymptotics.smooth_depth import eoc_correlation_depths

    tanh = eoc_depths("tanh", SB, "0.5", [50, 10**9], digits=20)
    assert tanh.accuracy.startswith("certified") and tanh.at(10**9).one_minus_c.method == "certified"
    assert tanh.at(10**9).one_minus_c.correct_digits >= 20
    ref = eoc_correlation_depths("tanh", SB, "0.5", [50], digits=20).at(50)
    assert tanh.at(50).one_minus_c.overlaps(ref.one_minus_c) and tanh.at(50).f_prime.overlaps(ref.f_prime)
    erf = eoc_depths("erf", SB, "0.5", [200, 10**12], digits=20)
    assert erf.accuracy.startswith("certified") and erf.at(10**12).one_minus_c.correct_digits >= 20
    generic = generic_eoc_depths("erf", SB, "0.5", [200], digits=20).at(200)
    assert erf.at(200).one_minus_c.overlaps(generic.one_minus_c) and erf.at(200).f_prime.overlaps(generic.f_prime)
    # beyond the certified tanh path's digits: the agreement engine, saying why
    from asymptotics.depth_jump.tanh_certified import MAX_DIGITS

    many = eoc_depths("tanh", SB, "0.5", [3], digits=MAX_DIGITS + 1)
    assert not many.accuracy.startswith("certified") and "certified path" in many.accuracy
