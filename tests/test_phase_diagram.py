"""Per-point mathematics of a sweep (asymptotics/phase_diagram.py, asymptotics/mehler.py) against
independent references: eoc.classify (two-dimensional quadrature for c*), dual.correlation_map
(two-dimensional quadrature / erf closed form), and the symbolic depth law of depth_laws."""
import mpmath
import pytest

from asymptotics import dual, eoc, mehler, phase_diagram as pd
from asymptotics.validation import InputError


def _close(a, b, slack=0):
    """Two Approx (or Approx and a number) overlap within their radii."""
    mid_b = b.mid if hasattr(b, "mid") else mpmath.mpf(b)
    rad_b = b.rad if hasattr(b, "rad") else 0
    return abs(a.mid - mid_b) <= a.rad + rad_b + slack


@pytest.mark.parametrize("act, sw, sb", [("erf", "2.0", "0.5"), ("erf", "1.0", "0.1"), ("tanh", "1.0", "0.1"),
                                        ("erf", "1.3", "0")])
def test_grid_point_agrees_with_classify(act, sw, sb):
    row = pd.grid_point(act, sw, sb, 10)
    ref = eoc.classify(act, sb, sw, 10)
    assert row["phase"] == ref.phase
    for name in ("q_star", "chi_1", "chi_q", "xi_q", "c_star", "chi_c", "xi_c"):
        assert _close(row[name], getattr(ref, name)), name
        assert row[name].rad <= mpmath.mpf(10) ** -10 * max(1, abs(row[name].mid)), name  # c* = 0: absolute


@pytest.mark.parametrize("act", ["tanh", "erf"])
def test_zero_variance_points_are_closed_form(act):
    # sigma_b = 0, phi odd with phi(0) = 0, sigma_w^2 phi'(0)^2 < 1: q* = 0 and chi_1 = chi_q = sigma_w^2 phi'(0)^2
    row = pd.grid_point(act, "0.8", "0", 12)
    assert row["phase"] == "ordered" and row["q_star"].mid == 0 and row["q_star"].rad == 0
    with mpmath.workdps(40):
        chi = mpmath.mpf("0.64") * (1 if act == "tanh" else 4 / mpmath.pi)  # phi'(0) = 1, 2/sqrt(pi)
        assert _close(row["chi_1"], chi) and _close(row["chi_q"], chi)
        assert _close(row["xi_c"], -1 / mpmath.log(chi))


def test_chaotic_fixed_point_is_a_fixed_point_of_the_two_dimensional_map():
    # tanh: c* from the Mehler series, checked by one 2-D quadrature of f at c*
    row = pd.grid_point("tanh", "2.0", "0.5", 8)
    assert row["phase"] == "chaotic" and 0 < row["c_star"].mid < 1
    f_at = dual.correlation_map("tanh", row["c_star"].mid, "2.0", "0.5", q=row["q_star"], dps=8)
    assert abs(f_at.mid - row["c_star"].mid) <= row["c_star"].rad + f_at.rad + mpmath.mpf(10) ** -9
    # the stable fixed point attracts: chi_c = f'(c*) < 1 < chi_1, and xi_c = -1/log chi_c
    assert row["chi_c"].mid < 1 < row["chi_1"].mid
    assert _close(row["xi_c"], -1 / mpmath.log(row["chi_c"].mid), slack=mpmath.mpf(10) ** -8)


def test_correlation_at_depth_matches_iterated_closed_form_map():
    row = pd.grid_point("erf", "1.5", "0.3", 12, depth=4, c0="0.25")
    c = mpmath.mpf("0.25")
    for _ in range(3):  # c^1 -> c^4
        c = dual.correlation_map("erf", c, "1.5", "0.3", q=row["q_star"], dps=20).mid
    assert abs(row["c_at_depth"].mid - c) <= row["c_at_depth"].rad + mpmath.mpf(10) ** -15
    assert row["c_at_depth"].correct_digits >= 12


def test_mehler_coefficients_respect_parseval():
    deficits = []
    with mpmath.workdps(25):
        for terms in (60, 240):
            squares, errors = mehler.hermite_coefficients("tanh", mpmath.mpf("0.8"), terms, mpmath.mpf(10) ** -22)
            deficit = squares[0] - sum(squares[1:])
            assert deficit >= -(errors[0] + sum(errors[1:]))  # b_k >= 0 sum to E[phi^2]
            assert all(s == 0 for s in squares[1::2])  # tanh is odd: a_k = 0 for even k
            deficits.append(deficit)
    assert deficits[1] < deficits[0] / 1000 and deficits[1] < mpmath.mpf(10) ** -14


def test_edge_constants_match_the_symbolic_depth_law():
    from asymptotics.depth_laws import smooth_eoc_depth_law

    row = pd.edge_point("tanh", "0.2", 15)
    ref_point = eoc.edge_of_chaos("tanh", "0.2", 15)
    assert _close(row["sigma_w_eoc"], ref_point.sigma_w)
    law = smooth_eoc_depth_law("tanh", "0.2", 2, 20)
    coeffs = law.one_minus_c.coefficients  # {(n, k): coefficient of log(l)^k / l^n}
    values = {s: v.mid for s, v in law.one_minus_c.values.items()}
    a_ref = mpmath.mpf(str(coeffs[(1, 0)].subs(values).evalf(30)))
    b_ref = mpmath.mpf(str(coeffs[(2, 1)].subs(values).evalf(30)))
    assert abs(row["A"].mid - a_ref) <= row["A"].rad + mpmath.mpf(10) ** -14 * abs(a_ref)
    assert abs(-row["A"].mid * row["beta"].mid - b_ref) <= mpmath.mpf(10) ** -12 * abs(b_ref)


def test_bad_point_arguments_name_themselves():
    with pytest.raises(InputError, match="sigma_w"):
        pd.grid_point("tanh", "0", "0.1")
    with pytest.raises(InputError, match="sigma_b"):
        pd.grid_point("tanh", "1", "-0.1")
    with pytest.raises(InputError, match="depth"):
        pd.grid_point("tanh", "1", "0.1", depth=10**6)
    with pytest.raises(InputError, match="activation"):
        pd.grid_point("nosuch", "1", "0.1")


def test_edge_point_at_zero_variance_has_no_parabolic_constants():
    row = pd.edge_point("tanh", "0", 10)
    assert row["q_star"].mid == 0 and abs(row["sigma_w_eoc"].mid - 1) <= row["sigma_w_eoc"].rad
    assert row["f2"] is None and "q* = 0" in row["note"]
