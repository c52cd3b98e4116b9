"""Adversarial tests of the certified depth results against independent references.

The references (tests/adversarial_reference.py) are written from the textbook formulas (Cho & Saul's
arc-cosine kernel for the ReLU family, the closed-form erf kernel, our own Fatou coordinate and NTK
particular solution for large depths); they never import the package.  A ball labelled ``certified``
must contain the reference: |reference - mid| <= rad, with the reference's own error far below rad.
"""

from __future__ import annotations

import functools
import json
from fractions import Fraction

import mpmath
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from mpmath import mp, mpf

from adversarial_reference import (
    exact_mpf,
    Fatou,
    OrbitNTKReference,
    erf_eoc_germ,
    erf_eoc_point,
    relu_family_reference,
    relu_family_theta_germ,
)
from asymptotics.activations import abrelu
from asymptotics.recursion import Network, kernel_at_depths
from asymptotics.validation import InputError

FEW = settings(max_examples=8, deadline=None, derandomize=True,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _frac_mpf(x):
    return exact_mpf(x)


def assert_contains(approx, ref, what, slack=0):
    """|ref - mid| <= rad + slack, evaluated well above both precisions."""
    assert approx is not None, f"{what}: missing"
    with mp.workdps(max(mp.dps, 60) + 40):
        mid, rad = mpf(approx.mid), mpf(approx.rad)
        err = abs(mpf(ref) - mid)
        assert rad >= 0, f"{what}: negative radius {rad}"
        assert err <= rad + slack, (f"{what}: reference {mpmath.nstr(ref, 30)} outside ball "
                                    f"{mpmath.nstr(mid, 30)} +/- {mpmath.nstr(rad, 5)} "
                                    f"(miss {mpmath.nstr(err - rad, 5)})")


def _scale_digits(*values):
    """Extra reference digits for the cancellation 1 - rho when variances differ by many decades."""
    import math

    extra = 0
    for v in values:
        v = abs(Fraction(v))
        if v:
            extra += 2 * abs(math.log10(v.numerator) - math.log10(v.denominator))
    return int(extra) + 10


def _activation(kind, a, b):
    if kind == "relu":
        return "relu", 0, 1
    if kind == "linear":
        return "linear", 1, 1
    if kind == "leaky":
        return abrelu(Fraction(a), Fraction(1), f"leaky_relu(alpha={a})"), Fraction(a), 1
    return abrelu(Fraction(a), Fraction(b), f"abrelu(a={a}, b={b})"), Fraction(a), Fraction(b)


RHOS = st.sampled_from(["0", "1", "-1", "0.5", "-0.5", "0.999999999999999999999999999999",
                        "-0.999999999999999999999999999999", "1/3", "-0.9", "0.99"])
VARIANCES = st.sampled_from(["1", "2", "1/3", "1e-300", "1e300", "7/5", "1e-30"])
BIASES = st.sampled_from(["0", "0", "1/4", "1e-300", "1e300", "2", "1e-30"])
SLOPES = st.sampled_from(["0", "1/10", "-1/2", "1/100", "2", "-3"])
QS = st.sampled_from(["1", "1/3", "1e-200", "1e200", "5"])


# ---------------------------------------------------------------------------- finite depth, arb


@FEW
@given(kind=st.sampled_from(["relu", "leaky", "abrelu", "linear"]), a=SLOPES, b=SLOPES, rho=RHOS,
       sw2=VARIANCES, sb2=BIASES, qx=QS, qy=QS, digits=st.integers(10, 200),
       depths=st.lists(st.integers(1, 60), min_size=1, max_size=3))
def test_arb_finite_depth_contains_reference(kind, a, b, rho, sw2, sb2, qx, qy, digits, depths):
    if kind == "abrelu" and Fraction(a) == Fraction(b):
        b = "1" if Fraction(a) != 1 else "2"
    act, aa, bb = _activation(kind, a, b)
    net = Network(act, sigma_w2=sw2, sigma_b2=sb2)
    traj = kernel_at_depths(net, rho, depths, backend="arb", digits=digits, q_x=qx, q_y=qy)
    dps = 3 * digits + 80 + _scale_digits(sw2, sb2, qx, qy)
    ref = relu_family_reference(rho, depths, a=aa, b=bb, sw2=sw2, sb2=sb2, q_x=qx, q_y=qy, dps=dps)
    with mp.workdps(dps):
        for L in depths:
            got = traj.at(L)
            for field, value in ref[L].items():
                approx = getattr(got, field)
                if value is None:
                    assert approx is None, (L, field)
                    continue
                assert approx.method == "certified", (L, field, approx.method)
                scale = abs(ref[L]["ntk_normalized"]) if field == "one_minus_ntk_normalized" else abs(value)
                assert_contains(approx, value, f"depth {L} {field}", slack=scale * mpf(10) ** (-dps + 30))


@FEW
@given(rho=RHOS, digits=st.integers(10, 40), sw2=st.sampled_from(["1", "2", "1/3"]),
       sb2=st.sampled_from(["0", "1/4"]))
def test_mpmath_and_float64_labels(rho, digits, sw2, sb2):
    """float64 is never labelled certified; mpmath's balls (certified or agreement) hold the reference."""
    net = Network("relu", sigma_w2=sw2, sigma_b2=sb2)
    depths = [2, 30]
    ref = relu_family_reference(rho, depths, sw2=sw2, sb2=sb2, dps=3 * digits + 80)
    t64 = kernel_at_depths(net, rho, depths, backend="float64")
    tmp = kernel_at_depths(net, rho, depths, backend="mpmath", digits=digits)
    for L in depths:
        for field, value in ref[L].items():
            a64 = getattr(t64.at(L), field)
            if a64 is not None and a64.rad != 0:
                assert a64.method != "certified", (L, field)
            amp = getattr(tmp.at(L), field)
            if value is not None:
                assert_contains(amp, value, f"mpmath depth {L} {field}", slack=abs(value) * mpf(10) ** (-digits - 20))


# ---------------------------------------------------------------------------- deep, bias-free ReLU family


@functools.lru_cache(maxsize=None)
def _relu_deep_reference(a, b, rho, dps, n0=1500, terms=44):
    """Fatou coordinate, the orbit NTK reference (fitted at n0 and at n0 // 2) and the orbit there."""
    with mp.workdps(dps):
        germ, _ = relu_family_theta_germ(_frac_mpf(a), _frac_mpf(b), n=terms)
        fat = Fatou(germ)
        delta = 1 - Fraction(rho)                      # exact: rho may be 1 - 1e-300
        th = 2 * mpmath.asin(mpmath.sqrt(_frac_mpf(delta) / 2))
        K = _frac_mpf(1 - delta)
        half = None
        for n in range(1, n0):
            if n == n0 // 2:
                half = (th, K)
            thn = germ.step(th)
            K = germ.mult(th) * K + germ.offs(th)
            th = thn
        ntk_far = OrbitNTKReference(germ, 3, terms - 6).fit(th, K)
        ntk_half = OrbitNTKReference(germ, 3, terms - 6).fit(*half)
        return germ, fat, ntk_far, ntk_half, (n0 // 2, half[0]), (n0, th)


def relu_deep(a, b, rho, L, dps):
    """theta_L, rho_L, 1 - rho_L, N_L, and error bounds of the reference itself.

    theta_err: the Fatou jump from n0 // 2 against the jump from n0 (the series is more accurate at n0), doubled.
    ntk_err: likewise the orbit NTK reference fitted at n0 // 2 against n0, plus theta_err's effect.
    """
    dps += 110                            # N_L - 1/4 cancels log10(L) digits (L <= 1e100 here)
    germ, fat, ntk_far, ntk_half, (nh, th_h), (n0, th0) = _relu_deep_reference(str(a), str(b), rho, dps)
    with mp.workdps(dps):
        thL = fat.inverse(fat(th0) + (L - n0))
        thL_h = fat.inverse(fat(th_h) + (L - nh))
        th_err = abs(thL - thL_h) * 2
        thLm1 = fat.inverse(fat(th0) + (L - 1 - n0))
        ntk = ntk_far(thL) / L
        ntk_err = 2 * abs(ntk_far(thL) - ntk_half(thL_h)) / L + abs(ntk_far(thL + th_err) - ntk_far(thL)) / L
        ntk_err += abs(ntk_far.F(thL)) * mpf(10) ** (-dps + 10) / L    # F ~ 1/theta cancels against C H
        return dict(theta=thL, theta_prev=thLm1, rho=mpmath.cos(thL), one_minus_rho=2 * mpmath.sin(thL / 2) ** 2,
                    ntk=ntk, ntk_minus_limit=ntk - mpf(1) / 4, ntk_err=ntk_err, theta_err=th_err)


DEEP = [10**6, 10**12, 10**100, 10**12 + 7]


@pytest.mark.parametrize("kind,a,b", [("relu", 0, 1), ("leaky", "1/10", 1), ("abrelu", "-1/2", 2)])
@pytest.mark.parametrize("rho", ["0.5", "-0.999999999999999999999999999999", "0"])
def test_jump_rho_contains_fatou_reference(kind, a, b, rho):
    act, aa, bb = _activation(kind, a, b)
    net = Network(act, sigma_w2="2")
    digits = 40
    traj = kernel_at_depths(net, rho, DEEP, backend="arb", digits=digits, method="jump")
    dps = 120
    for L in DEEP:
        ref = relu_deep(aa, bb, rho, L, dps)
        got = traj.at(L)
        with mp.workdps(dps + 110):          # (sw2 K1)^(L-1) for L = 1e100 needs log10(L) more digits
            r2 = mpf(2) * (_frac_mpf(aa) ** 2 + _frac_mpf(bb) ** 2) / 2     # sw2 K1
            assert ref["theta_err"] < ref["theta"] * mpf(10) ** (-digits - 10), "reference too coarse"
            tol = ref["theta_err"] * 2 * ref["theta"] + ref["one_minus_rho"] * mpf(10) ** -90
            assert_contains(got.one_minus_rho, ref["one_minus_rho"], f"{L} 1-rho", slack=tol)
            assert_contains(got.rho, ref["rho"], f"{L} rho", slack=tol)
            assert_contains(got.sigma_xx, r2 ** (L - 1), f"{L} sigma_xx", slack=r2 ** (L - 1) * mpf(10) ** -90)
            assert_contains(got.theta_xx, L * r2 ** (L - 1), f"{L} theta_xx", slack=L * r2 ** (L - 1) * mpf(10) ** -90)
            assert_contains(got.sigma_xy, r2 ** (L - 1) * ref["rho"], f"{L} sigma_xy", slack=r2 ** (L - 1) * mpf(10) ** -90)
            gam = (_frac_mpf(bb) - _frac_mpf(aa)) ** 2 / (2 * mp.pi * (_frac_mpf(aa) ** 2 + _frac_mpf(bb) ** 2) / 2)
            assert_contains(got.sigma_dot, r2 * (1 - gam * ref["theta_prev"]), f"{L} sigma_dot", slack=mpf(10) ** -90)
            if ref["ntk_err"] < mpf(10) ** (-digits):
                assert_contains(got.ntk_normalized, ref["ntk"], f"{L} ntk", slack=ref["ntk_err"])
                assert_contains(traj.extras[L]["ntk_minus_limit"], ref["ntk_minus_limit"], f"{L} ntk-1/4",
                                slack=ref["ntk_err"])


def test_fatou_reference_is_self_consistent():
    """The deep reference agrees with exact iteration at depth 6000 (its own check)."""
    ref = relu_deep(0, 1, "0.5", 6000, 120)
    assert ref["theta_err"] < ref["theta"] * mpf(10) ** -80
    with mp.workdps(120):
        germ, _ = relu_family_theta_germ(0, 1, n=10)
        th = mpmath.acos(mpf("0.5"))
        for _ in range(1, 6000):
            th = germ.step(th)
        assert abs(th - ref["theta"]) < th * mpf(10) ** -80


def test_orbit_ntk_reference_is_self_consistent():
    """Our orbit NTK reference, fitted at depth 1000, predicts exact iteration at 6000 (its own check)."""
    with mp.workdps(120):
        germ, _ = relu_family_theta_germ(0, 1, n=44)
        th = mpmath.acos(mpf("0.5"))
        K = mpmath.cos(th)
        for L in range(1, 6000):
            if L == 1000:
                ref = OrbitNTKReference(germ, 3, 38).fit(th, K)
            th, K = germ.step(th), germ.mult(th) * K + germ.offs(th)
        assert abs(ref(th) - K) < mpf(10) ** -90


@pytest.mark.parametrize("kind,a,b", [("relu", 0, 1), ("leaky", "1/10", 1), ("abrelu", "-1/2", 2)])
def test_jump_all_fields_against_exact_iteration(kind, a, b):
    """The jump (forced just past its L0) against our layer-by-layer reference: every field, q_x != q_y."""
    act, aa, bb = _activation(kind, a, b)
    net = Network(act, sigma_w2="7/5")
    depths = [2500, 4000, 6000]
    traj = kernel_at_depths(net, "-0.3", depths, backend="arb", digits=40, q_x="1/3", q_y="5", method="jump")
    assert all(m.startswith("jump") for m in traj.depth_methods.values()), traj.depth_methods
    dps = 110
    ref = relu_family_reference("-0.3", depths, a=aa, b=bb, sw2="7/5", q_x="1/3", q_y="5", dps=dps)
    with mp.workdps(dps):
        for L in depths:
            for field, value in ref[L].items():
                scale = abs(ref[L]["ntk_normalized"]) if field == "one_minus_ntk_normalized" else abs(value)
                assert_contains(getattr(traj.at(L), field), value, f"{kind} {L} {field}", slack=scale * mpf(10) ** -80)
            assert_contains(traj.extras[L]["ntk_minus_limit"], ref[L]["ntk_normalized"] - mpf(1) / 4, f"{L} N-1/4",
                            slack=mpf(10) ** -80)


@pytest.mark.parametrize("method", ["iterate", "auto"])
def test_iterate_1e5_contains_fatou_reference(method):
    net = Network("relu")
    L = 10**5
    traj = kernel_at_depths(net, "0.5", [L], backend="arb", digits=30, method=method)
    ref = relu_deep(0, 1, "0.5", L, 120)
    with mp.workdps(120):
        assert_contains(traj.at(L).one_minus_rho, ref["one_minus_rho"], "1e5 1-rho")


# ---------------------------------------------------------------------------- erf on the Edge of Chaos


@functools.lru_cache(maxsize=None)
def _erf_reference(sigma_b, c_start, dps, n0=1500, terms=48):
    with mp.workdps(dps):
        sb2 = _frac_mpf(Fraction(sigma_b)) ** 2
        germ, info = erf_eoc_germ(sb2, n=terms)
        fat = Fatou(germ)
        d = _frac_mpf(1 - Fraction(c_start))           # exact: c_start may be 1 - 1e-300
        K = 1 - d
        exact = {1: (d, K)}
        for L in range(2, n0 + 1):
            dn = germ.step(d)
            K = germ.mult(d) * K + germ.offs(d)
            d = dn
            exact[L] = (d, K)
        ntk_far = OrbitNTKReference(germ, 2, terms - 6).fit(*exact[n0])
        ntk_half = OrbitNTKReference(germ, 2, terms - 6).fit(*exact[n0 // 2])
        return germ, info, fat, ntk_far, ntk_half, exact, n0


def erf_values(sigma_b, c_start, L, dps):
    """The erf EOC reference at depth L with its own error bounds (d_err for 1 - c, K_err for K^L)."""
    dps += 110                            # N_L - 1/3 cancels log10(L) digits (L <= 1e100 here)
    germ, info, fat, ntk_far, ntk_half, exact, n0 = _erf_reference(sigma_b, c_start, dps)
    with mp.workdps(dps):
        if L in exact:
            d, K = exact[L]
            err = d_err = mpf(0)
        else:
            d = fat.inverse(fat(exact[n0][0]) + (L - n0))
            d_h = fat.inverse(fat(exact[n0 // 2][0]) + (L - n0 // 2))
            d_err = 2 * abs(d - d_h)
            K = ntk_far(d)
            err = 2 * abs(K - ntk_half(d_h)) + abs(ntk_far(d + d_err) - K)
            err += abs(ntk_far.F(d)) * mpf(10) ** (-dps + 10)       # F ~ 1/d cancels against C H
        fp = info["fprime"](1 - d)
        return dict(one_minus_c=d, c=1 - d, f_prime=fp, one_minus_f_prime=1 - fp, ntk_over_q=K, ntk_normalized=K / L,
                    ntk_minus_limit=K / L - mpf(1) / 3, K_err=err, d_err=d_err, q=info["q"], sw2=info["sw2"])


def test_erf_reference_is_self_consistent():
    """Fatou jump of the reference against its own exact iteration (depth 1500 from 400)."""
    germ, info, fat, ntk_far, ntk_half, exact, n0 = _erf_reference("0.2", "0.5", 100)
    with mp.workdps(100):
        d = fat.inverse(fat(exact[400][0]) + 1100)
        assert abs(d - exact[1500][0]) < d * mpf(10) ** -60


ERF_DEPTHS = [1, 2, 700, 1500, 10**6, 10**12, 10**30, 10**100]


@pytest.mark.parametrize("sigma_b,c_start,method", [
    ("0.2", "0.5", "auto"), ("0.2", "0.5", "jump"), ("0.05", "-0.9", "auto"), ("1.5", "0.999999999999999999999", "jump"),
    ("0.2", "0." + "9" * 40, "auto"),
    pytest.param("0.2", "-1", "auto", marks=pytest.mark.slow), pytest.param("0.2", "0", "jump", marks=pytest.mark.slow),
    pytest.param("0.001", "0.5", "auto", marks=pytest.mark.slow)])
def test_erf_eoc_depths_contains_reference(sigma_b, c_start, method):
    from asymptotics.depth_jump.erf_eoc import erf_eoc_depths

    digits = 30
    traj = erf_eoc_depths(sigma_b, c_start, ERF_DEPTHS, digits=digits, method=method)
    dps = 110
    for L in ERF_DEPTHS:
        ref = erf_values(sigma_b, c_start, L, dps)
        got = traj.values[L]
        with mp.workdps(dps):
            assert_contains(traj.q_star, ref["q"], "q*")
            assert_contains(traj.sigma_w, mpmath.sqrt(ref["sw2"]), "sigma_w")
            if ref["d_err"] > ref["one_minus_c"] * mpf(10) ** (-digits - 5):
                continue                                  # our reference is too coarse here (slow germ)
            for field in ("one_minus_c", "c", "f_prime", "one_minus_f_prime"):
                approx = getattr(got, field)
                assert approx.method == "certified"
                assert_contains(approx, ref[field], f"erf {L} {field}", slack=mpf(10) ** -80 * abs(ref[field]) + 2 * ref["d_err"])


@pytest.mark.parametrize("sigma_b,c_start", [("0.2", "0.5"), ("0.05", "-0.9"), ("1.5", "0.999999999999999999999")])
def test_erf_eoc_ntk_contains_reference(sigma_b, c_start):
    from asymptotics.depth_jump.erf_eoc import erf_eoc_ntk

    digits = 30
    depths = [1, 2, 700, 1500, 10**20, 10**30, 10**100]
    out = erf_eoc_ntk(sigma_b, c_start, depths, digits=digits)
    dps = 110
    for L in depths:
        ref = erf_values(sigma_b, c_start, L, dps)
        got = out["values"][L]
        with mp.workdps(dps):
            if ref["K_err"] > mpf(10) ** -45 * L:
                continue
            assert_contains(got["c"], ref["c"], f"{L} c")
            assert_contains(got["ntk_over_q"], ref["ntk_over_q"], f"{L} K", slack=ref["K_err"])
            assert_contains(got["ntk_normalized"], ref["ntk_normalized"], f"{L} N", slack=ref["K_err"] / L)
            assert_contains(got["ntk_minus_limit"], ref["ntk_minus_limit"], f"{L} N-1/3", slack=ref["K_err"] / L)


# ---------------------------------------------------------------------------- the CLI's printed balls


def _cli_json(capsys, argv):
    from proofs_checks.cli import main

    rc = main(argv)
    out = capsys.readouterr().out
    assert rc == 0, out
    return json.loads(out)


def _printed_contains(entry, ref, what, slack=0):
    with mp.workdps(200):
        mid, rad = mpf(entry["mid"]), mpf(entry["rad"])
        assert abs(mpf(ref) - mid) <= rad + slack, f"{what}: printed {entry['mid']} +/- {entry['rad']} misses {mpmath.nstr(ref, 40)}"


@pytest.mark.parametrize("argv,kw", [
    (["--rho", "0.5", "-0.999999999999999999999999999999", "--depth", "1", "7", "40", "--digits", "60",
      "--sigma-w2", "1/3", "--sigma-b2", "1e-300", "--q-x", "1/3", "--q-y", "5"],
     dict(sw2="1/3", sb2="1e-300", q_x="1/3", q_y="5")),
    (["--activation", "leaky_relu", "--slope", "1/10", "--rho", "0", "1", "--depth", "3", "50", "--digits", "15",
      "--sigma-w2", "1e300"], dict(a="1/10", sw2="1e300")),
    (["--activation", "abrelu", "--slope", "-3", "--positive-slope", "1/100", "--rho", "-1", "0.99", "--depth", "2", "9",
      "--digits", "120", "--sigma-b2", "1e300"], dict(a="-3", b="1/100", sb2="1e300")),
])
def test_cli_kernel_json_printed_balls_contain_reference(capsys, argv, kw):
    data = _cli_json(capsys, ["kernel", "--json", "--no-progress"] + argv)
    conv = kw
    for entry in data:
        rho = entry["rho"]
        depths = [layer["depth"] for layer in entry["layers"]]
        dps = 500 + _scale_digits(*kw.values())
        ref = relu_family_reference(rho, depths, dps=dps, **conv)
        for layer in entry["layers"]:
            for field, value in ref[layer["depth"]].items():
                if value is None:
                    assert layer.get(field) is None
                    continue
                scale = abs(ref[layer["depth"]]["ntk_normalized"]) if field == "one_minus_ntk_normalized" else abs(value)
                with mp.workdps(dps):
                    slack = scale * mpf(10) ** (-dps + 30)
                _printed_contains(layer[field], value, f"rho {rho} depth {layer['depth']} {field}", slack)


def test_cli_kernel_json_deep_printed_balls(capsys):
    data = _cli_json(capsys, ["kernel", "--json", "--no-progress", "--rho", "0.5", "--depth", "1e12", "1e100",
                              "--digits", "40", "--sigma-w2", "2"])
    for layer in data[0]["layers"]:
        L = layer["depth"]
        ref = relu_deep(0, 1, "0.5", L, 120)
        _printed_contains(layer["one_minus_rho"], ref["one_minus_rho"], f"{L} 1-rho")
        _printed_contains(layer["rho"], ref["rho"], f"{L} rho")
        _printed_contains(layer["ntk_normalized"], ref["ntk"], f"{L} ntk", slack=ref["ntk_err"])
        _printed_contains(layer["theta_xx"], L, f"{L} theta_xx")  # sw2 K1 = 1 for ReLU at sw2 = 2


def test_cli_eoc_erf_json_contains_reference(capsys):
    data = _cli_json(capsys, ["eoc", "--activation", "erf", "--sigma-b", "0.2", "--digits", "25", "--json"])["eoc"]
    with mp.workdps(80):
        q, sw2 = erf_eoc_point(mpf(1) / 25)
        _printed_contains(data["q_star"], q, "q*")
        _printed_contains(data["sigma_w2"], sw2, "sigma_w2")
        _printed_contains(data["sigma_w"], mpmath.sqrt(sw2), "sigma_w")
        _printed_contains(data["chi_1"], 1, "chi_1")


# ---------------------------------------------------------------------------- refusals


@pytest.mark.parametrize("kwargs", [
    dict(rho="1.0000000000000000000001"), dict(rho="-1.0000000000000000000001"), dict(rho="nan"),
    dict(rho="0.5", depths=[0]), dict(rho="0.5", digits=0), dict(rho="0.5", q_x=0), dict(rho="0.5", q_x="-1"),
    dict(rho="0.5", method="warp"), dict(rho="0.5", backend="quad"),
])
def test_bad_input_is_refused(kwargs):
    args = dict(rho="0.5", depths=[3], backend="arb", digits=20)
    args.update(kwargs)
    with pytest.raises(InputError):
        kernel_at_depths(Network("relu"), args.pop("rho"), args.pop("depths"), **args)


def test_jump_with_bias_on_the_edge_is_refused():
    """Biases are covered in the ordered and chaotic phases; at chi_1 = 1 exactly the bias decays like 1/l and
    no certified jump exists, so method='jump' must refuse in one line."""
    with pytest.raises(InputError):
        kernel_at_depths(Network("relu", sigma_w2=2, sigma_b2="1/4"), "0.5", [10**12], backend="arb", digits=20,
                         method="jump")


# ---------------------------------------------------------------------------- more regimes


def test_one_minus_rho_ball_input_encloses_both_endpoints():
    """A certified result from an input ball must hold every input in it (both end points, the map is monotone)."""
    import flint

    lo, hi = Fraction(1, 2**130) - Fraction(1, 2**140), Fraction(1, 2**130) + Fraction(1, 2**140)
    ball = flint.arb(flint.fmpq(1, 2**130), flint.fmpq(1, 2**140))
    net = Network("leaky_relu", sigma_w2="2")
    depths = [1, 10, 300]
    traj = kernel_at_depths(net, None, depths, backend="arb", digits=30, one_minus_rho=ball)
    for end in (lo, hi):
        ref = relu_family_reference(1 - end, depths, a=Fraction(1, 100), sw2=2, dps=150)
        with mp.workdps(150):
            for L in depths:
                for field, value in ref[L].items():
                    if value is None:
                        continue
                    scale = abs(ref[L]["ntk_normalized"]) if field == "one_minus_ntk_normalized" else abs(value)
                    assert_contains(getattr(traj.at(L), field), value, f"end {float(end)} {L} {field}",
                                    slack=scale * mpf(10) ** -120)


@pytest.mark.parametrize("sb2,qx,qy,rho", [("1/4", "1e-40", "1e40", "0.999999999999999999999999999999"),
                                            ("1e-30", "1/3", "3", "-1"), ("5", "1", "1", "-0.999999999999999999999999999999")])
def test_biased_iteration_to_3000_contains_reference(sb2, qx, qy, rho):
    depths = [2, 3000]
    net = Network("relu", sigma_w2="2", sigma_b2=sb2)
    traj = kernel_at_depths(net, rho, depths, backend="arb", digits=25, q_x=qx, q_y=qy)
    dps = 100 + _scale_digits(sb2, qx, qy)
    ref = relu_family_reference(rho, depths, sw2=2, sb2=sb2, q_x=qx, q_y=qy, dps=dps)
    with mp.workdps(dps):
        for L in depths:
            for field, value in ref[L].items():
                if value is None:
                    continue
                scale = abs(ref[L]["ntk_normalized"]) if field == "one_minus_ntk_normalized" else abs(value)
                assert_contains(getattr(traj.at(L), field), value, f"{L} {field}", slack=scale * mpf(10) ** (-dps + 30))


@pytest.mark.parametrize("sigma_b", ["100", pytest.param("100000", marks=pytest.mark.slow), "3"])
def test_erf_large_bias_contains_reference(sigma_b):
    from asymptotics.depth_jump.erf_eoc import erf_eoc_depths, erf_eoc_ntk

    depths = [2, 1500, 10**12, 10**100]
    traj = erf_eoc_depths(sigma_b, "0.5", depths, digits=30)
    ntk = erf_eoc_ntk(sigma_b, "0.5", depths, digits=30)
    for L in depths:
        ref = erf_values(sigma_b, "0.5", L, 110)
        with mp.workdps(200):
            got = traj.values[L]
            assert_contains(got.one_minus_c, ref["one_minus_c"], f"{L} 1-c", slack=2 * ref["d_err"])
            assert_contains(got.f_prime, ref["f_prime"], f"{L} f'", slack=ref["d_err"])
            assert_contains(got.one_minus_f_prime, ref["one_minus_f_prime"], f"{L} 1-f'", slack=ref["d_err"])
            assert_contains(ntk["values"][L]["ntk_normalized"], ref["ntk_normalized"], f"{L} N", slack=ref["K_err"] / L)
            assert_contains(ntk["values"][L]["ntk_minus_limit"], ref["ntk_minus_limit"], f"{L} N-1/3",
                            slack=ref["K_err"] / L)


def _value_string_ball(text):
    """'0.6839056508987 (+/- 3.7e-18)' -> (mid, bound); an exact value has no bound."""
    if "(+/-" not in text:
        return mpf(text), mpf(0)
    head, tail = text.split("(+/-")
    return mpf(head.strip()), mpf(tail.strip(" )"))


def test_cli_kernel_value_strings_contain_reference(capsys):
    """The human-readable 'value' (digits shown + bound) must hold the truth as well as mid/rad."""
    data = _cli_json(capsys, ["kernel", "--json", "--no-progress", "--rho", "0.5", "0.999999999999999999999999999999",
                              "--depth", "2", "25", "--digits", "30", "--sigma-w2", "7/5", "--sigma-b2", "1/3"])
    for entry in data:
        ref = relu_family_reference(entry["rho"], [2, 25], sw2="7/5", sb2="1/3", dps=200)
        for layer in entry["layers"]:
            for field, value in ref[layer["depth"]].items():
                if value is None:
                    continue
                with mp.workdps(200):
                    mid, bound = _value_string_ball(layer[field]["value"])
                    scale = abs(ref[layer["depth"]]["ntk_normalized"]) if field == "one_minus_ntk_normalized" else abs(value)
                    assert abs(value - mid) <= bound + scale * mpf(10) ** -170, (field, layer[field]["value"], value)


# ---------------------------------------------------------------------------- API inconsistencies found


def test_iterate_trajectory_says_how_it_was_computed():
    """Found here: method='iterate' and one_minus_rho=... returned no .method / .depth_methods / .method_note."""
    import flint

    traj = kernel_at_depths(Network("relu"), "0.5", [10], backend="arb", digits=20, method="iterate")
    assert traj.method == "iterate" and traj.depth_methods == {10: "iterate"} and traj.method_note
    traj = kernel_at_depths(Network("relu"), None, [1, 5], backend="arb", digits=20, one_minus_rho=flint.arb("0.25"))
    assert traj.method == "iterate" and traj.depth_methods == {1: "iterate", 5: "iterate"} and traj.method_note


@settings(max_examples=5, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(slopes=st.sampled_from([(0, 1), ("1/10", 1), ("-1/2", 2), ("1/3", "-1"), ("2", "1/5")]),
       rho=st.sampled_from(["0.5", "-0.999999999999999999999999999999", "0", "-1", "0.9999", "-1/3"]),
       exponent=st.integers(4, 100), digits=st.integers(10, 90), sw2=st.sampled_from(["1", "2", "7/5", "1e-300"]),
       qx=st.sampled_from(["1", "1/3", "1e100"]), qy=st.sampled_from(["1", "5", "1e-100"]),
       backend=st.sampled_from(["arb", "mpmath"]))
def test_deep_all_fields_property(slopes, rho, exponent, digits, sw2, qx, qy, backend):
    """Any depth 10^4 .. 10^100, every field of a bias-free pair, against the Fatou / orbit-NTK reference."""
    a, b = slopes
    act = abrelu(Fraction(a), Fraction(b), f"abrelu(a={a}, b={b})")
    L = 10**exponent + 3
    traj = kernel_at_depths(Network(act, sigma_w2=sw2), rho, [L], backend=backend, digits=digits, q_x=qx, q_y=qy)
    got = traj.at(L)
    ref = relu_deep(a, b, rho, L, 120)
    assert ref["theta_err"] < ref["theta"] * mpf(10) ** -90 and ref["ntk_err"] < mpf(10) ** -90
    with mp.workdps(400):
        aa, bb, s2 = _frac_mpf(a), _frac_mpf(b), _frac_mpf(Fraction(sw2))
        r2 = s2 * (aa * aa + bb * bb) / 2
        gam = (bb - aa) ** 2 / (2 * mp.pi * (aa * aa + bb * bb) / 2)
        x, y = _frac_mpf(Fraction(qx)), _frac_mpf(Fraction(qy))
        scale = r2 ** (L - 1)
        g = mpmath.sqrt(x * y) * scale
        want = dict(rho=ref["rho"], one_minus_rho=ref["one_minus_rho"], sigma_xx=x * scale, sigma_yy=y * scale,
                    sigma_xy=g * ref["rho"], sigma_dot=r2 * (1 - gam * ref["theta_prev"]), theta_xx=L * x * scale,
                    theta_yy=L * y * scale, theta_xy=g * L * ref["ntk"], ntk_normalized=ref["ntk"],
                    one_minus_ntk_normalized=1 - ref["ntk"])
        for field, value in want.items():
            approx = getattr(got, field)
            assert approx.method == "certified", (field, approx.method)
            assert_contains(approx, value, f"{backend} L=1e{exponent}+3 {field}", slack=abs(value) * mpf(10) ** -85)
        if L in getattr(traj, "extras", {}):
            assert_contains(traj.extras[L]["ntk_minus_limit"], ref["ntk_minus_limit"], "N - 1/4", slack=mpf(10) ** -85)


@pytest.mark.parametrize("l0", [40, 300])
def test_erf_depths_around_a_chosen_l0(l0):
    """Depths just below, at and just past L0 (the switch from iteration to the jump), unsorted with repeats."""
    from asymptotics.depth_jump.erf_eoc import erf_eoc_depths, erf_eoc_ntk

    depths = [l0 + 2, l0 - 1, l0, l0 + 1, 1500, l0 + 1, 10**40]
    try:
        traj = erf_eoc_depths("0.2", "-0.5", depths, digits=25, l0=l0, method="jump")
        ntk = erf_eoc_ntk("0.2", "-0.5", depths, digits=25, l0=l0, method="jump")
    except Exception as err:                     # a one-line refusal is allowed, a wrong ball is not
        from asymptotics.validation import ComputationError

        assert isinstance(err, (InputError, ComputationError)), repr(err)
        return
    for L in set(depths):
        ref = erf_values("0.2", "-0.5", L, 110)
        with mp.workdps(200):
            assert_contains(traj.values[L].one_minus_c, ref["one_minus_c"], f"{L} 1-c", slack=2 * ref["d_err"])
            assert_contains(traj.values[L].f_prime, ref["f_prime"], f"{L} f'", slack=ref["d_err"])
            assert_contains(ntk["values"][L]["ntk_over_q"], ref["ntk_over_q"], f"{L} K", slack=ref["K_err"])
            assert_contains(ntk["values"][L]["ntk_minus_limit"], ref["ntk_minus_limit"], f"{L} N-1/3",
                            slack=ref["K_err"] / L)


def test_cli_eoc_erf_curve_and_zero_bias(capsys):
    """Printed EOC intervals (method 'agreement') must hold the truth too."""
    rows = _cli_json(capsys, ["eoc", "--activation", "erf", "--curve", "0.1:0.5:0.2", "--digits", "15", "--json"])
    assert len(rows) == 3
    with mp.workdps(80):
        for row in rows:
            q, sw2 = erf_eoc_point(_frac_mpf(Fraction(row["sigma_b"])) ** 2)
            _printed_contains(row["q_star"], q, f"sigma_b {row['sigma_b']} q*")
            _printed_contains(row["sigma_w2"], sw2, f"sigma_b {row['sigma_b']} sigma_w2")
    zero = _cli_json(capsys, ["eoc", "--activation", "erf", "--sigma-b", "0", "--json"])["eoc"]
    with mp.workdps(80):
        _printed_contains(zero["sigma_w2"], mp.pi / 4, "sigma_b 0: sigma_w2 = pi/4 (chi_1 = sw2 (4/pi) = 1 at q* = 0)")
        _printed_contains(zero["q_star"], 0, "sigma_b 0: q*")


# ---------------------------------------------------------------------------- ordered phase (sw2 K1 < 1, bias)


def _ordered_phase_reference(a, b, sw2, sb2, rho, L, l0=3000, dps=250):
    """1 - rho^L and q_L in the ordered phase, r = sw2 K1 < 1, q_x = q_y.

    Exactly iterated to l0; beyond, delta_{l+1} = (q_l / q_{l+1}) (ab delta + (b-a)^2 (1/2 - J)), and
    ab delta + (b-a)^2 (1/2 - J(1 - delta)) = K1 delta (1 + O(sqrt delta)), so the product telescopes:
    delta_L = delta_l0 r^(L - l0) (q_l0 / q_L) (1 + O(sqrt(delta_l0) / (1 - sqrt r))), q_L = q* + (q_l0 - q*) r^(L - l0).
    """
    ref = relu_family_reference(rho, [l0], a=a, b=b, sw2=sw2, sb2=sb2, dps=dps)[l0]
    with mp.workdps(dps):
        aa, bb, s2, b2 = (exact_mpf(v) for v in (a, b, sw2, sb2))
        r = s2 * (aa * aa + bb * bb) / 2
        qstar = b2 / (1 - r)
        q_l0 = ref["sigma_xx"]
        qL = qstar + (q_l0 - qstar) * r ** (L - l0)
        d = ref["one_minus_rho"] * r ** (L - l0) * q_l0 / qL
        rel = 10 * mpmath.sqrt(ref["one_minus_rho"]) / (1 - mpmath.sqrt(r))
        return d, rel, qL, r


@pytest.mark.parametrize("a,b,sw2,sb2,rho", [(0, 1, "1", "1", "0.5"), ("1/100", 1, "3/2", "1/4", "-1"),
                                              ("-1/2", 1, "1", "3", "0.999999999999999999999999999999")])
def test_ordered_phase_deep_contains_reference(a, b, sw2, sb2, rho):
    act = abrelu(Fraction(a), Fraction(b), f"abrelu(a={a}, b={b})")
    depths = [3001, 10**4, 10**5]
    traj = kernel_at_depths(Network(act, sigma_w2=sw2, sigma_b2=sb2), rho, depths, backend="arb", digits=30)
    for L in depths:
        d, rel, qL, r = _ordered_phase_reference(a, b, sw2, sb2, rho, L)
        assert rel < mpf(10) ** -60
        with mp.workdps(250):
            got = traj.at(L)
            assert_contains(got.one_minus_rho, d, f"{L} 1-rho", slack=d * rel)
            assert_contains(got.sigma_xx, qL, f"{L} sigma_xx", slack=qL * mpf(10) ** -100)
            assert_contains(got.sigma_dot, r, f"{L} sigma_dot", slack=mpf(10) ** -60)
            assert_contains(got.ntk_normalized, 1, f"{L} N", slack=mpf(10) ** -60)


NEAR_ONE_300 = "0." + "9" * 300                         # rho = 1 - 1e-300


# rho = 1 - 1e-300 was refused ("the inverse of the Fatou coordinate left the orbit's interval": the orbit hardly
# moves and Phi ~ 1/(A s) needs log2(1/s) more bits); these were strict xfails until the jump raised its precision
@pytest.mark.parametrize("L,digits", [
    (10**6, 50), (10**12, 50), (10**100, 30), (10**100, 50),
])
def test_jump_from_rho_extremely_near_one(L, digits):
    rho = NEAR_ONE_300
    traj = kernel_at_depths(Network("relu"), rho, [L], backend="arb", digits=digits, method="jump")
    ref = relu_deep(0, 1, rho, L, 120)
    with mp.workdps(400):
        assert_contains(traj.at(L).one_minus_rho, ref["one_minus_rho"], f"{L} 1-rho",
                        slack=ref["theta_err"] * 2 * ref["theta"] + ref["one_minus_rho"] * mpf(10) ** -90)
        assert_contains(traj.at(L).ntk_normalized, ref["ntk"], f"{L} N", slack=ref["ntk_err"])


def test_erf_jump_from_c_extremely_near_one():
    from asymptotics.depth_jump.erf_eoc import erf_eoc_depths

    traj = erf_eoc_depths("0.2", NEAR_ONE_300, [10**12], digits=30)
    ref = erf_values("0.2", NEAR_ONE_300, 10**12, 110)
    with mp.workdps(400):
        assert_contains(traj.values[10**12].one_minus_c, ref["one_minus_c"], "1-c", slack=2 * ref["d_err"])
