"""Edge of Chaos solver against independent computations.

References written here, independently of asymptotics.eoc / asymptotics.dual:
* erf: E[erf(sqrt q Z)^2] = (2/pi) asin(2q/(1+2q)) and E[erf'(sqrt q Z)^2] = (4/pi)/sqrt(1+4q) (Gaussian
  integral of exp(-2 q Z^2)); both checked by mpmath.quad here, then the EOC system solved by findroot;
* tanh: float64 Gauss-Hermite (numpy) + brentq, and two mpmath rules (Gauss-Legendre on [0, 16] pieces at
  50 digits, tanh-sinh at 42 digits) solving the same system.
"""
import json
from fractions import Fraction

import mpmath
import numpy as np
import pytest
from scipy.special import ndtr

from asymptotics import eoc
from asymptotics.accuracy import agreed_digits
from asymptotics.smooth import custom_activation
from asymptotics.validation import ComputationError, InputError


# --- independent references -------------------------------------------------------------

def erf_moments(q):
    """(E[erf(sqrt q Z)^2], E[erf'(sqrt q Z)^2]) in closed form."""
    return 2 / mpmath.pi * mpmath.asin(2 * q / (1 + 2 * q)), 4 / mpmath.pi / mpmath.sqrt(1 + 4 * q)


def erf_eoc_reference(sigma_b, dps=50):
    """(q*, sigma_w) on the erf EOC: q = sigma_b^2 + E[erf^2]/E[erf'^2], sigma_w^2 = 1/E[erf'^2]."""
    with mpmath.workdps(dps):
        sb2 = mpmath.mpf(sigma_b) ** 2
        if sb2 == 0:
            return mpmath.mpf(0), mpmath.sqrt(mpmath.pi) / 2

        def residual(q):
            m0, m1 = erf_moments(q)
            return sb2 + m0 / m1 - q

        q = mpmath.findroot(residual, sb2 + mpmath.mpf("0.3") + sb2 * 2)
        return q, 1 / mpmath.sqrt(erf_moments(q)[1])


def gauss_expectation(g, q, method):
    """E[g(sqrt q Z)] for even g by mpmath.quad on [0, 16] pieces (the tail beyond 16 is < 1e-55)."""
    rq = mpmath.sqrt(q)
    pieces = [0, 1, 2, 3, 4, 6, 8, 11, 16]
    return 2 * mpmath.quad(lambda z: g(rq * z) * mpmath.exp(-z * z / 2), pieces, method=method) / mpmath.sqrt(2 * mpmath.pi)


def tanh_sq(x):
    return mpmath.tanh(x) ** 2


def sech4(x):
    return mpmath.sech(x) ** 4


def tanh_eoc_mpmath(sigma_b, dps, method):
    with mpmath.workdps(dps):
        sb2 = mpmath.mpf(sigma_b) ** 2

        def residual(q):
            return sb2 + gauss_expectation(tanh_sq, q, method) / gauss_expectation(sech4, q, method) - q

        q = mpmath.findroot(residual, (mpmath.mpf("0.5"), mpmath.mpf("0.52")), solver="secant")
        return q, 1 / mpmath.sqrt(gauss_expectation(sech4, q, method))


def gh_nodes(n=200):
    x, w = np.polynomial.hermite_e.hermegauss(n)
    return x, w / np.sqrt(2 * np.pi)


def trapezoid_nodes(step=0.01, cutoff=40.0):
    """Plain trapezoid for E[g(Z)]: for g analytic in a strip |Im z| < d it converges like exp(-2 pi d / step),
    unlike Gauss-Hermite, which at 200 nodes stalls near 1e-10 for tanh(sqrt(q) z) with q ~ 2 (poles at
    |Im z| = pi / (2 sqrt q))."""
    x = np.arange(-cutoff, cutoff + step / 2, step)
    return x, step * np.exp(-x * x / 2) / np.sqrt(2 * np.pi)


def eoc_float64(sigma_b, phi=np.tanh, dphi=lambda u: 1 - np.tanh(u) ** 2):
    """(q*, sigma_w) on the EOC in float64: brentq on q = sigma_b^2 + E[phi^2] / E[phi'^2], trapezoid moments."""
    from scipy.optimize import brentq

    x, w = trapezoid_nodes()

    def sw2(q):
        return 1 / np.sum(w * dphi(np.sqrt(q) * x) ** 2)

    q = brentq(lambda q: sigma_b**2 + sw2(q) * np.sum(w * phi(np.sqrt(q) * x) ** 2) - q, 1e-3, 10,
               xtol=1e-16, rtol=1e-15)
    return q, np.sqrt(sw2(q))


def tanh_fixed_point_float64(sigma_w, sigma_b):
    from scipy.optimize import brentq

    x, w = gh_nodes()
    return brentq(lambda q: sigma_b**2 + sigma_w**2 * np.sum(w * np.tanh(np.sqrt(q) * x) ** 2) - q, 1e-6, 20,
                  xtol=1e-16, rtol=1e-15)


# --- the EOC point ----------------------------------------------------------------------------

def test_erf_eoc_point_against_closed_form_system_30_digits():
    # the closed-form moments themselves, by quadrature, at 45 digits
    with mpmath.workdps(50):
        q = mpmath.mpf("0.47")
        m0, m1 = erf_moments(q)
        rq = mpmath.sqrt(q)
        quad0 = mpmath.quad(lambda z: mpmath.erf(rq * z) ** 2 * mpmath.npdf(z), [-mpmath.inf, 0, mpmath.inf])
        quad1 = mpmath.quad(lambda z: (2 / mpmath.sqrt(mpmath.pi) * mpmath.exp(-q * z * z)) ** 2 * mpmath.npdf(z),
                            [-mpmath.inf, 0, mpmath.inf])
        assert agreed_digits(quad0, m0) >= 45 and agreed_digits(quad1, m1) >= 45
    q_ref, sw_ref = erf_eoc_reference("0.2")
    point = eoc.edge_of_chaos("erf", "0.2", 30)
    assert point.sigma_w.contains(sw_ref) and point.q_star.contains(q_ref)
    assert point.sigma_w.correct_digits >= 30 and point.q_star.correct_digits >= 30
    assert agreed_digits(point.sigma_w.mid, sw_ref) >= 30
    # chi_1 = sigma_w^2 E[erf'^2](q*) = 1 and V(q*) = q*, evaluated in closed form at the package's point
    with mpmath.workdps(50):
        m0, m1 = erf_moments(point.q_star.mid)
        assert abs(point.sigma_w.mid ** 2 * m1 - 1) < mpmath.mpf(10) ** -30
        assert abs(mpmath.mpf("0.04") + point.sigma_w.mid ** 2 * m0 - point.q_star.mid) < mpmath.mpf(10) ** -30


def test_tanh_eoc_point_float64_gauss_hermite():
    q, sw = eoc_float64(0.2)
    point = eoc.edge_of_chaos("tanh", 0.2, 30)
    assert abs(float(point.sigma_w.mid) - sw) < 1e-12
    assert abs(float(point.q_star.mid) - q) < 1e-12


def _sigmoid(u):
    return 0.5 * (1 + np.tanh(u / 2))  # no overflow warnings at |u| ~ 40


@pytest.mark.parametrize("name,phi,dphi", [
    ("gelu", lambda u: u * ndtr(u), lambda u: ndtr(u) + u * np.exp(-u * u / 2) / np.sqrt(2 * np.pi)),
    ("swish", lambda u: u * _sigmoid(u), lambda u: _sigmoid(u) * (1 + u * (1 - _sigmoid(u)))),
])
def test_non_odd_smooth_eoc_points_against_float64(name, phi, dphi):
    # Newton on the trapezoid rule reaches its noise floor above the old 10^-(target+3) step test for these
    q, sw = eoc_float64(0.2, phi, dphi)
    point = eoc.edge_of_chaos(name, "0.2", 30)
    assert point.sigma_w.correct_digits >= 30 and point.q_star.correct_digits >= 30
    assert abs(float(point.sigma_w.mid) - sw) < 1e-12 * sw and abs(float(point.q_star.mid) - q) < 1e-12 * q


def test_softplus_has_no_eoc_point_and_says_so(monkeypatch):
    # softplus(0) = log 2 > 0 keeps R(q) = sigma_b^2 + E[phi^2]/E[phi'^2] - q positive; checked in float64 too
    x, w = trapezoid_nodes()
    for q in (1e-4, 1e-2, 1.0, 1e2, 1e4):
        u = np.sqrt(q) * x
        assert 0.04 + np.sum(w * np.logaddexp(0, u) ** 2) / np.sum(w * _sigmoid(u) ** 2) - q > 0
    # decided from the proved criterion (eoc.no_eoc_reason), without a single quadrature (it took 8-10
    # minutes of scanning before)
    monkeypatch.setattr(eoc, "_solver_moments", lambda *a, **k: pytest.fail("no quadrature needed"))
    for sigma_b in ("0", "0.2", "3"):
        with pytest.raises(InputError, match="no Edge of Chaos for any sigma_b"):
            eoc.edge_of_chaos("softplus", sigma_b, 20)


def test_no_eoc_criterion_holds_for_softplus_numerically():
    # the criterion's inequality x phi' <= phi and E[phi^2]/E[phi'^2] > q, checked on a grid (float64)
    x = np.linspace(-40, 40, 20001)
    assert np.all(x * _sigmoid(x) <= np.logaddexp(0, x) + 1e-15)
    z, w = trapezoid_nodes()
    for q in (1e-6, 1e-3, 0.5, 10.0, 1e3, 1e5):
        u = np.sqrt(q) * z
        assert np.sum(w * np.logaddexp(0, u) ** 2) / np.sum(w * _sigmoid(u) ** 2) > q


def test_large_sigma_b_and_digits_refused_up_front():
    # q* > sigma_b^2 (R(q) >= sigma_b^2 - q): sigma_b = 1e10 puts it far beyond the searched range
    with pytest.raises(InputError, match="sigma_b"):
        eoc.edge_of_chaos("tanh", "1e10", 20)
    with pytest.raises(InputError, match="limited to 150 digits"):
        eoc.edge_of_chaos("tanh", "0.2", 10**6)
    with pytest.raises(InputError, match="limited to 150 digits"):
        eoc.variance_fixed_point("tanh", 1.3, 0.2, 10**6)


def test_eoc_search_starts_above_sigma_b_squared():
    # sigma_b = 20: q* ~ sigma_b^2 = 400 (found, where the old fixed grid from 1e-6 also worked) and
    # both conditions hold
    point = eoc.edge_of_chaos("tanh", "20", 12)
    assert point.q_star.mid > 400


def test_tanh_eoc_point_two_mpmath_rules_two_precisions_30_digits():
    q_gl, sw_gl = tanh_eoc_mpmath("0.2", 50, "gauss-legendre")
    q_ts, sw_ts = tanh_eoc_mpmath("0.2", 42, "tanh-sinh")
    assert agreed_digits(sw_gl, sw_ts) >= 35 and agreed_digits(q_gl, q_ts) >= 35
    point = eoc.edge_of_chaos("tanh", "0.2", 30)
    assert point.sigma_w.correct_digits >= 30
    assert point.sigma_w.contains(sw_gl) and point.q_star.contains(q_gl)
    # chi_1 = 1 at the package's point, by the independent rule
    with mpmath.workdps(50):
        chi = point.sigma_w.mid ** 2 * gauss_expectation(sech4, point.q_star.mid, "gauss-legendre")
        assert abs(chi - 1) <= point.chi_1.rad + mpmath.mpf(10) ** -40
        assert abs(chi - 1) < mpmath.mpf(10) ** -30


@pytest.mark.parametrize("sigma_b", ["0", "0.5", "1"])
def test_erf_eoc_curve_against_closed_form(sigma_b):
    (point,) = eoc.eoc_curve("erf", [sigma_b], 20)
    q_ref, sw_ref = erf_eoc_reference(sigma_b)
    assert point.sigma_w.contains(sw_ref) and point.sigma_w.correct_digits >= 20
    assert point.q_star.contains(q_ref)


def test_tanh_eoc_curve_against_float64():
    points = eoc.eoc_curve("tanh", ["0.05", "0.7"], 20)
    for sb, pt in zip((0.05, 0.7), points):
        q, sw = eoc_float64(sb)
        assert abs(float(pt.sigma_w.mid) - sw) < 1e-11 * sw
        assert abs(float(pt.q_star.mid) - q) < 1e-11 * q
        assert pt.sigma_w.correct_digits >= 20
    # sigma_b = 0: q* = 0 and sigma_w = 1/tanh'(0) = 1
    zero = eoc.edge_of_chaos("tanh", 0, 20)
    assert zero.q_star.mid == 0 and zero.sigma_w.contains(1)


def test_relu_eoc_closed_form():
    point = eoc.edge_of_chaos("relu", 0, 30)
    with mpmath.workdps(60):
        assert agreed_digits(point.sigma_w.mid, mpmath.sqrt(2)) >= 50
    leaky = eoc.edge_of_chaos("leaky_relu", 0, 30)  # alpha = 0.01: sigma_w^2 = 2 / (1 + 1e-4)
    with mpmath.workdps(60):
        assert agreed_digits(leaky.sigma_w.mid, mpmath.sqrt(2 / (1 + mpmath.mpf("1e-4")))) >= 50
    with pytest.raises(InputError, match="sigma_b"):
        eoc.edge_of_chaos("relu", "0.1", 30)


# --- phases and depth scales ------------------------------------------------------------------

def erf_phase_reference(sigma_w, sigma_b, dps=40):
    """q*, chi_1, chi_q = V'(q*), and in the chaotic phase c*, chi_c, from the erf closed forms."""
    with mpmath.workdps(dps):
        sw2, sb2 = mpmath.mpf(sigma_w) ** 2, mpmath.mpf(sigma_b) ** 2

        def V(q):
            return sb2 + sw2 * erf_moments(q)[0]

        q = mpmath.findroot(lambda q: V(q) - q, mpmath.mpf("0.5"))
        chi_1 = sw2 * erf_moments(q)[1]
        chi_q = mpmath.diff(V, q)
        out = {"q": q, "chi_1": chi_1, "chi_q": chi_q}
        if chi_1 > 1:
            kappa = 2 * q / (1 + 2 * q)

            def f(c):
                return (sb2 + sw2 * 2 / mpmath.pi * mpmath.asin(kappa * c)) / q

            c = mpmath.findroot(lambda c: f(c) - c, mpmath.mpf("0.5"))
            out["c_star"] = c
            out["chi_c"] = mpmath.diff(f, c)
        return out


@pytest.mark.parametrize("factor", ["0.9", "1.1"])
def test_erf_phase_both_sides_against_closed_forms(factor):
    sw = str(mpmath.nstr(eoc.edge_of_chaos("erf", "0.2", 20).sigma_w.mid * mpmath.mpf(factor), 20))
    ref = erf_phase_reference(sw, "0.2")
    phase = eoc.classify("erf", "0.2", sw, 20)
    assert phase.phase == ("ordered" if factor == "0.9" else "chaotic")
    assert phase.q_star.contains(ref["q"]) and phase.chi_1.contains(ref["chi_1"])
    assert agreed_digits(phase.chi_q.mid, ref["chi_q"]) >= 18
    with mpmath.workdps(30):
        assert agreed_digits(phase.xi_q.mid, -1 / mpmath.log(ref["chi_q"])) >= 15
        if factor == "0.9":
            assert phase.chi_1.mid < 1 and agreed_digits(phase.xi_c.mid, -1 / mpmath.log(ref["chi_1"])) >= 15
        else:
            assert phase.chi_1.mid > 1 and phase.c_star.mid < 1
            assert phase.c_star.contains(ref["c_star"]) and phase.chi_c.contains(ref["chi_c"])
            assert agreed_digits(phase.c_star.mid, ref["c_star"]) >= 18
            assert agreed_digits(phase.xi_c.mid, -1 / mpmath.log(ref["chi_c"])) >= 15


def test_phase_flips_across_the_curve_at_tiny_offsets():
    # 1e-12 relative off the EOC is far outside the 20-digit accuracy: the phase must be decided
    for act in ("erf", "tanh"):
        point = eoc.edge_of_chaos(act, "0.2", 25)
        assert eoc.classify(act, "0.2", point.sigma_w, 20).phase == "eoc"
        below = mpmath.nstr(point.sigma_w.mid * (1 - mpmath.mpf("1e-12")), 25)
        ordered = eoc.classify(act, "0.2", below, 20)
        assert ordered.phase == "ordered" and 0 < 1 - ordered.chi_1.mid < 1e-11
    above = mpmath.nstr(eoc.edge_of_chaos("erf", "0.2", 25).sigma_w.mid * (1 + mpmath.mpf("1e-12")), 25)
    chaotic = eoc.classify("erf", "0.2", above, 20)
    assert chaotic.phase == "chaotic" and 0 < chaotic.chi_1.mid - 1 < 1e-11


def test_tanh_ordered_phase_against_float64():
    sw = 1.1
    phase = eoc.classify("tanh", "0.2", "1.1", 20)
    q = tanh_fixed_point_float64(sw, 0.2)
    x, w = gh_nodes()
    chi_1 = sw**2 * np.sum(w * (1 - np.tanh(np.sqrt(q) * x) ** 2) ** 2)
    assert phase.phase == "ordered"
    assert abs(float(phase.q_star.mid) - q) < 1e-12 and abs(float(phase.chi_1.mid) - chi_1) < 1e-12
    assert abs(float(phase.xi_c.mid) + 1 / np.log(chi_1)) < 1e-9 * float(phase.xi_c.mid)


@pytest.mark.slow
def test_tanh_chaotic_phase_against_float64_two_dimensional_gauss_hermite():
    from scipy.optimize import brentq

    sw, sb = 1.5, 0.2
    phase = eoc.classify("tanh", "0.2", "1.5", 15)
    q = tanh_fixed_point_float64(sw, sb)
    x, w = gh_nodes(120)
    z1, z2 = np.meshgrid(x, x, indexing="ij")
    ww = np.outer(w, w)

    def cross(c, g):
        return np.sum(ww * g(np.sqrt(q) * z1) * g(np.sqrt(q) * (c * z1 + np.sqrt(1 - c * c) * z2)))

    c_star = brentq(lambda c: (sb**2 + sw**2 * cross(c, np.tanh)) / q - c, 0.01, 0.999, xtol=1e-15)
    chi_c = sw**2 * cross(c_star, lambda u: 1 / np.cosh(u) ** 2)
    assert phase.phase == "chaotic"
    assert abs(float(phase.c_star.mid) - c_star) < 1e-10 and abs(float(phase.chi_c.mid) - chi_c) < 1e-10


def test_relu_phases_are_exact():
    ordered = eoc.classify("relu", "0.1", "1.2", 20)  # chi = 1.44 / 2 = 0.72, q* = 0.01 / 0.28
    assert ordered.phase == "ordered"
    with mpmath.workdps(80):  # exact rationals rounded once: the radius is the rounding (~1e-60)
        assert ordered.chi_1.contains(mpmath.mpf("0.72")) and 0 < ordered.chi_1.rad < mpmath.mpf(10) ** -55
        assert ordered.q_star.contains(mpmath.mpf("0.01") / mpmath.mpf("0.28"))
        assert not ordered.chi_1.contains(mpmath.mpf("0.72") + mpmath.mpf(10) ** -50)
    assert eoc.classify("relu", "0", "1.5", 20).phase == "chaotic"
    assert eoc.classify("relu", "0", "0.5", 20).phase == "ordered"


# --- bad input --------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [-0.2, "-1e-30", float("nan"), float("inf"), "inf"])
def test_bad_sigma_raises_input_error_naming_it(value):
    with pytest.raises(InputError, match="sigma_b"):
        eoc.edge_of_chaos("tanh", value, 20)
    with pytest.raises(InputError, match="sigma_w"):
        eoc.classify("erf", 0.2, value, 20)
    with pytest.raises(InputError, match="sigma_w"):
        eoc.variance_fixed_point("tanh", value, 0.2, 20)


def test_missing_derivative_raises_input_error_naming_the_activation():
    only_phi = custom_activation("only_phi", mpmath.tanh)
    with pytest.raises(InputError, match="order 1") as err:
        eoc.edge_of_chaos(only_phi, 0.2, 20)
    assert err.value.argument == "activation"
    two = custom_activation("tanh_two", mpmath.tanh, [lambda x: mpmath.sech(x) ** 2,
                                                     lambda x: -2 * mpmath.tanh(x) * mpmath.sech(x) ** 2])
    with pytest.raises(InputError, match="order 3") as err:
        eoc.derivatives_at_one_eoc(two, 0.2, 3, 15)
    assert err.value.argument == "activation"


def test_custom_activation_eoc_matches_builtin():
    # tanh given by the user with three derivatives: the secant solver path, same EOC as the built-in
    d1 = lambda x: mpmath.sech(x) ** 2  # noqa: E731
    d2 = lambda x: -2 * mpmath.tanh(x) * mpmath.sech(x) ** 2  # noqa: E731
    d3 = lambda x: (4 * mpmath.tanh(x) ** 2 - 2 * mpmath.sech(x) ** 2) * mpmath.sech(x) ** 2  # noqa: E731
    mine = custom_activation("my_tanh3", mpmath.tanh, [d1, d2, d3], odd=True)
    point = eoc.edge_of_chaos(mine, "0.2", 20)
    builtin = eoc.edge_of_chaos("tanh", "0.2", 20)
    assert point.sigma_w.overlaps(builtin.sigma_w) and point.sigma_w.correct_digits >= 20


# --- command line -----------------------------------------------------------------------------

def _number(text):
    return mpmath.mpf(text.split()[0])


def test_cli_erf_prints_only_true_digits(capsys):
    from proofs_checks.cli import main

    assert main(["eoc", "--activation", "erf", "--sigma-b", "0.2", "--digits", "30", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)["eoc"]
    q_ref, sw_ref = erf_eoc_reference("0.2")
    with mpmath.workdps(60):
        for key, ref in (("sigma_w", sw_ref), ("q_star", q_ref)):
            shown = data[key]
            assert shown["digits"] >= 30
            assert abs(mpmath.mpf(shown["mid"]) - ref) <= mpmath.mpf(shown["rad"]) * 1.01
            # every printed digit is right: the printed value is within one unit of its last place
            printed = shown["value"].split()[0]
            last = mpmath.mpf(10) ** (mpmath.floor(mpmath.log10(abs(ref))) - (len(printed.replace("0.", "", 1).lstrip("0").replace(".", "")) - 1))
            assert abs(mpmath.mpf(printed) - ref) <= last
    assert main(["eoc", "--activation", "erf", "--sigma-b", "0.2", "--digits", "30"]) == 0
    text = capsys.readouterr().out
    printed = text.split("sigma_w = ")[1].split()[0]
    radius = text.split("sigma_w = ")[1].split("(+/- ")[1].split(")")[0]
    with mpmath.workdps(60):
        assert len(printed.replace(".", "")) >= 31  # at least 30 significant digits shown
        assert abs(mpmath.mpf(printed) - sw_ref) <= 2 * mpmath.mpf(radius)


def test_cli_curve_honours_digits(capsys):
    from proofs_checks.cli import main

    assert main(["eoc", "--activation", "erf", "--curve", "0.5:1:0.5", "--digits", "30"]) == 0
    out = capsys.readouterr().out
    assert "30 digits requested" in out
    rows = [line.split() for line in out.splitlines()[2:]]
    assert [r[0] for r in rows] == ["0.5", "1"]
    for row in rows:
        _, sw_ref = erf_eoc_reference(row[0])
        with mpmath.workdps(50):
            assert agreed_digits(mpmath.mpf(row[1]), sw_ref) >= 30


@pytest.mark.parametrize("argv,argument", [
    (["--sigma-b", "-0.2"], "'--sigma-b'"),
    (["--sigma-b", "nan"], "'--sigma-b'"),
    (["--sigma-b", "0.2", "--sigma-w", "inf"], "'--sigma-w'"),
    (["--sigma-b", "abc"], "'--sigma-b'"),
    (["--digits", "1000000"], "'--digits'"),
    (["--sigma-b", "1e10"], "'--sigma-b'"),
    (["--activation", "relu", "--sigma-w2", "x"], "'--sigma-w2'"),
    (["--activation", "tanh", "--sigma-w2", "2"], "'--sigma-w2'"),
    (["--activation", "elu", "--derivatives", "3", "--digits", "10"], "f^(3)(c) -> infinity"),
    (["--activation", "nosuch"], "activation"),
    (["--curve", "1:0:0.1"], "curve"),
    (["--curve", "0:1"], "curve"),
    (["--digits", "0"], "digits"),
    (["--sigma-b", "0.2", "--depth", "-3"], "depth"),
    (["--sigma-b", "0.2", "--depth", "10", "--c", "1.5"], "'--c'"),
    (["--sigma-b", "0.2", "--depth", "10", "--c", "x"], "'--c'"),
    (["--depth", "10", "--digits", "145"], "'--digits'"),
    (["--activation", "softplus", "--depth", "10"], "activation"),  # (erf has EOC depth runs now)
])
def test_cli_bad_input_is_one_line_exit_2(capsys, argv, argument):
    from proofs_checks.cli import main

    assert main(["eoc", *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and argument in err, err


def test_cli_computation_failure_is_one_line_exit_3(capsys, monkeypatch):
    from asymptotics.validation import ComputationError
    from proofs_checks.cli import main

    def fail(*args, **kwargs):
        raise ComputationError("EOC solver: Newton's method did not converge in 40 steps")

    monkeypatch.setattr(eoc, "_eoc_q_raw", fail)
    eoc._edge_of_chaos_cached.cache_clear()
    try:
        assert main(["eoc", "--activation", "gelu", "--sigma-b", "0.3", "--digits", "12"]) == 3
    finally:
        eoc._edge_of_chaos_cached.cache_clear()
    err = capsys.readouterr().err.strip()
    assert err.splitlines() == ["ntk-verify: computation failed: EOC solver: Newton's method did not converge in 40 steps"]


def test_newton_stops_at_the_noise_floor_and_reports_non_convergence():
    # q^2 - 4 with alternating noise: at 1e-40 Newton converges to 2 within 1e-30; at 1e-10 the steps
    # stall far above 10^-(target-3) and it must say so instead of returning a 10-digit root
    with mpmath.workdps(40):
        noise = iter([(-1) ** k * mpmath.mpf(10) ** -40 for k in range(100)])

        def quiet(q):
            return q * q - 4 + next(noise), 2 * q

        root = eoc._newton(quiet, mpmath.mpf(3), 30)
        assert abs(root - 2) < mpmath.mpf(10) ** -30

        loud = iter([(-1) ** k * mpmath.mpf(10) ** -10 for k in range(100)])
        with pytest.raises(ComputationError, match="did not converge"):
            eoc._newton(lambda q: (q * q - 4 + next(loud), 2 * q), mpmath.mpf(3), 30)


def test_cli_relu_family_defaults_and_exact_variances(capsys):
    from proofs_checks.cli import main

    # the ReLU family's EOC needs sigma_b = 0, which is its default
    assert main(["eoc", "--activation", "relu", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)["eoc"]
    assert data["sigma_b"] == "0" and mpmath.mpf(data["sigma_w"]["mid"]) ** 2 == pytest.approx(2, rel=1e-15)
    # exact variances: sigma_w^2 = 200/101 is ordered with chi_1 = 100/101 exactly (ball contains it)
    assert main(["eoc", "--activation", "relu", "--sigma-w2", "200/101", "--json"]) == 0
    phase = json.loads(capsys.readouterr().out)
    assert phase["phase"] == "ordered"
    chi = phase["chi_1"]
    assert abs(Fraction(chi["mid"]) - Fraction(100, 101)) <= Fraction(chi["rad"])
    assert main(["eoc", "--activation", "leaky_relu", "--sigma-w2", str(Fraction(2) / Fraction(10001, 10000)),
                 "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["phase"] == "eoc"
    assert main(["eoc", "--activation", "relu", "--sigma-w2", "2", "--sigma-b2", "1/4", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["phase"] == "chaotic"


def test_cli_depth_run_from_c_minus_one(capsys):
    from proofs_checks.cli import main

    # c = -1 is valid (was a ZeroDivisionError: a principal axis of zero width)
    assert main(["eoc", "--depth", "1", "--depth", "3", "--c", "-1", "--digits", "15", "--json"]) == 0
    run = json.loads(capsys.readouterr().out)["depth_run"]
    first = run["layers"][0]["one_minus_c"]
    assert Fraction(first["mid"]) - Fraction(first["rad"]) <= 2 <= Fraction(first["mid"]) + Fraction(first["rad"])
