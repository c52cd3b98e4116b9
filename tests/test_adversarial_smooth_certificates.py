"""Adversarial checks of the certified tanh Edge-of-Chaos path and of the float64 fused kernel.

Every reference here is written from textbook formulas, independently of the package's code:

* Gaussian expectations E[F(sqrt(q) Z)] by a plain trapezoid rule in python-flint arb *midpoints*
  (no rigorous bound: the step h and the cut-off are chosen for ~`digits` digits from the pole
  distance pi/(2 sqrt q) of tanh, and the reference itself is checked against mpmath.quad
  (tanh-sinh) and against a Gauss-Hermite rule, two different methods);
* the EOC point by Newton's method on q = sigma_b^2 + E[t^2] / E[(1 - t^2)^2] (the pair of EOC
  equations q = sw^2 E[tanh^2] + sb^2, sw^2 E[tanh'^2] = 1, with tanh' = 1 - tanh^2);
* the correlation map f(c) = (sw^2 E[tanh u tanh v] + sb^2)/q and f'(c) = sw^2 E[tanh' u tanh' v]
  with u = s z1, v = s (c z1 + sqrt(1 - c^2) z2) (Cholesky, not the package's principal axes), by a
  nested trapezoid rule;
* kappa = 2 / f''(1) with f''(1) = sw^2 q E[tanh''(sqrt(q) Z)^2], tanh'' = -2 t (1 - t^2)
  (seed 001 Fact 6, ../shared/seeds/001_018e0351582ed44f.txt:640-646) for the depth law
  L (1 - c^L) -> kappa and L (1 - f'(c^L)) -> 2 at huge depths, where the O(log L / L) corrections
  are far below the tolerance.

A certified ball ``mid +/- rad`` passes when |mid - reference| <= rad + (reference error), the
reference error being far below the distances a wrong ball would show.
"""
import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest
from flint import arb, ctx
from hypothesis import given, settings
from hypothesis import strategies as st

from asymptotics.depth_jump import gauss_strip
from asymptotics.depth_jump.tanh_certified import tanh_eoc_certified
from asymptotics.depth_jump.tanh_eoc_point import certified_tanh_eoc
from asymptotics.validation import ComputationError, InputError

FEW = settings(max_examples=3, deadline=None, derandomize=True)


# ----------------------------------------------------------------------------------------------
# independent references (arb used as a plain high-precision float: every value is a midpoint)
# ----------------------------------------------------------------------------------------------
def _rule(d, digits):
    """Trapezoid nodes and weights for E[F(Z)], F analytic for |Im z| < d (error ~ 10^-digits).

    Error of h sum w(kh) F(kh) is about exp(y^2/2 - 2 pi y / h) for y < d (Gaussian weight growth
    e^{y^2/2} in the strip); y = min(0.8 d, sqrt(2 need)) and h = 2 pi y / (need + y^2/2).
    """
    need = digits * math.log(10) + 8
    y = min(0.8 * d, math.sqrt(2 * need))
    h = 2 * math.pi * y / (need + y * y / 2)
    n = int((math.sqrt(2 * need) + 1) / h) + 1
    H = arb(h)
    norm = 1 / (2 * arb.pi()).sqrt()
    ks = range(-n, n + 1)
    return [H * k for k in ks], [(H * norm * (-(H * k) ** 2 / 2).exp()).mid() for k in ks]


def ref_expect(F, q, digits):
    s = arb(q).sqrt()
    X, W = _rule(math.pi / (2 * float(s)), digits)
    return sum((w * F(s * x) for x, w in zip(X, W)), arb(0)).mid()


def ref_eoc(sb, digits):
    """(q*, sw^2) by Newton (secant derivative) on r(q) = sb^2 + E[t^2] / E[sech^4] - q."""
    sb2 = arb(sb) ** 2

    def r(q):
        e2 = ref_expect(lambda x: x.tanh() ** 2, q, digits)
        e4 = ref_expect(lambda x: (1 - x.tanh() ** 2) ** 2, q, digits)
        return (sb2 + e2 / e4 - q).mid(), (1 / e4).mid()

    # start from the linearised solution q ~ sb^2 + (q - sb^2) ... : scan for a sign change first
    grid = [arb(2) ** k for k in range(-30, 8)]
    vals = [r(g)[0] for g in grid]
    lo = next(g for g, v, w in zip(grid, vals, vals[1:]) if v > 0 and w < 0)
    q = lo
    for it in range(80):
        eps = q * arb(2) ** (-ctx.prec // 2)
        r0, _ = r(q)
        r1, _ = r(q + eps)
        step = (r0 * eps / (r1 - r0)).mid()
        q = (q - step).mid()
        if abs(step) < q * arb(2) ** (-ctx.prec + 24) and it > 2:
            break
    return q, r(q)[1]


def ref_corr(c, q, sw2, sb2, digits):
    """(f(c), f'(c)) by a nested trapezoid rule in the Cholesky coordinates."""
    s = arb(q).sqrt()
    c = arb(c)
    r = (1 - c * c).sqrt() if c * c < 1 else arb(0)
    b = s * r
    X1, W1 = _rule(math.pi / (2 * float(s)), digits)
    if b == 0:
        X2, W2 = [arb(0)], [arb(1)]
    else:
        X2, W2 = _rule(math.pi / (2 * float(b)), digits)
    tt = arb(0)
    dd = arb(0)
    for x1, w1 in zip(X1, W1):
        t1 = (s * x1).tanh()
        a = s * c * x1
        it = arb(0)
        idd = arb(0)
        for x2, w2 in zip(X2, W2):
            t2 = (a + b * x2).tanh()
            it += w2 * t2
            idd += w2 * (1 - t2 * t2)
        tt += w1 * t1 * it
        dd += w1 * (1 - t1 * t1) * idd
    return ((sw2 * tt + sb2) / q).mid(), (sw2 * dd).mid()


def ref_kappa(q, sw2, digits):
    f2 = sw2 * q * ref_expect(lambda x: 4 * x.tanh() ** 2 * (1 - x.tanh() ** 2) ** 2, q, digits)
    return (2 / f2).mid()


def _arb(x):
    """An mpmath mpf (or Fraction, str) as an exact arb."""
    if isinstance(x, mpmath.mpf):
        sign, man, exp, _ = x._mpf_
        if not man:
            return arb(0)
        return (-1) ** sign * arb(int(man)) * arb(2) ** int(exp)
    if isinstance(x, Fraction):
        return arb(x.numerator) / arb(x.denominator)
    return arb(x)


def within(approx, ref, ref_err):
    """|mid - ref| <= rad + ref_err, evaluated in arb at the current (high) precision."""
    gap = abs(_arb(approx.mid) - arb(ref).mid()).mid()
    return bool(gap <= (_arb(approx.rad) + arb(ref_err)).mid()), float(gap), float(approx.rad)


class _Prec:
    """arb working precision for the references (a context manager: hypothesis tests reuse it)."""

    def __init__(self, bits=300):
        self.bits = bits

    def __enter__(self):
        self.old = ctx.prec
        ctx.prec = self.bits

    def __exit__(self, *exc):
        ctx.prec = self.old


@pytest.fixture
def prec():
    with _Prec():
        yield


_EOC = {}


def eoc_ref(sb, digits=50):
    key = (sb, digits)
    if key not in _EOC:
        old = ctx.prec
        ctx.prec = max(old, 300)
        try:
            _EOC[key] = ref_eoc(_arb(Fraction(sb)), digits)
        finally:
            ctx.prec = old
    return _EOC[key]


# ----------------------------------------------------------------------------------------------
# the references themselves, against two other methods
# ----------------------------------------------------------------------------------------------
def test_reference_eoc_and_layer_agree_with_mpmath_quad_and_gauss_hermite(prec):
    q, sw2 = eoc_ref("0.2")
    with mpmath.workdps(40):
        w = lambda z: mpmath.exp(-z * z / 2) / mpmath.sqrt(2 * mpmath.pi)
        qm = mpmath.mpf(str(q.str(45, radius=False)))
        e4 = mpmath.quad(lambda z: 2 * w(z) * mpmath.sech(mpmath.sqrt(qm) * z) ** 4, [0, 2, 5, mpmath.inf])
        e2 = mpmath.quad(lambda z: 2 * w(z) * mpmath.tanh(mpmath.sqrt(qm) * z) ** 2, [0, 2, 5, mpmath.inf])
        assert abs(mpmath.mpf(1) / 25 + e2 / e4 - qm) < mpmath.mpf(10) ** -36
        assert abs(1 / e4 - mpmath.mpf(str(sw2.str(45, radius=False)))) < mpmath.mpf(10) ** -36
    # one layer against a 140-node Gauss-Hermite tensor rule (about 20 digits)
    f, fp = ref_corr(arb(1) / 2, q, sw2, arb(1) / 25, 40)
    xs, ws = np.polynomial.hermite_e.hermegauss(140)
    X = [arb(float(x)) for x in xs]
    W = [arb(float(v)) / (2 * arb.pi()).sqrt() for v in ws]
    s = q.sqrt()
    r = (1 - arb(1) / 4).sqrt()
    tt = sum(w1 * (s * x1).tanh() * sum(w2 * (s * (x1 / 2 + r * x2)).tanh() for x2, w2 in zip(X, W))
             for x1, w1 in zip(X, W))
    assert abs(float((sw2 * tt + arb(1) / 25) / q - f)) < 1e-14


# ----------------------------------------------------------------------------------------------
# EOC point
# ----------------------------------------------------------------------------------------------
@FEW
@given(sb=st.sampled_from(["0.01", "0.05", "0.2", "1", "2.5", "4"]), bits=st.sampled_from([60, 120, 180]))
def test_certified_eoc_point_contains_the_root(sb, bits):
    q_ref, sw2_ref = eoc_ref(sb)
    old = ctx.prec
    ctx.prec = 300
    try:
        q, sw2 = certified_tanh_eoc(sb, bits)
        assert q.overlaps(q_ref + arb(0, arb(10) ** -45)), (sb, q, q_ref)
        assert sw2.overlaps(sw2_ref + arb(0, arb(10) ** -45)), (sb, sw2, sw2_ref)
        assert q.rad() < arb(2) ** (-bits + 8) and sw2.rad() < arb(2) ** (-bits + 8)
    finally:
        ctx.prec = old


def test_certified_eoc_point_width_follows_bits_at_default_precision():
    """The caller's 53-bit context is raised inside (its str() at 53 bits only looks wide)."""
    old = ctx.prec
    ctx.prec = 53
    try:
        q, sw2 = certified_tanh_eoc("0.2", 100)
        assert q.rad() < arb(2) ** -90 and sw2.rad() < arb(2) ** -90
    finally:
        ctx.prec = old


# ----------------------------------------------------------------------------------------------
# layers 1..3: each ball against the reference map applied to the previous ball's midpoint
# ----------------------------------------------------------------------------------------------
def _check_first_layers(sb, c_start, digits, ref_digits):
    q, sw2 = eoc_ref(sb)
    sb2 = _arb(Fraction(sb)) ** 2
    vals, info = tanh_eoc_certified(sb, c_start, (1, 2, 3), digits)
    tol = 10.0 ** -(ref_digits - 4)
    c1 = _arb(Fraction(c_start))
    assert within(vals[1].c, c1, 0)[0]
    f, fp = ref_corr(c1, q, sw2, sb2, ref_digits)
    for name, approx, ref in (("c2", vals[2].c, f), ("f'(c1)", vals[1].f_prime, fp),
                              ("1-c2", vals[2].one_minus_c, 1 - f), ("1-f'(c1)", vals[1].one_minus_f_prime, 1 - fp)):
        ok, gap, rad = within(approx, ref, tol)
        assert ok, (sb, c_start, name, gap, rad)
    # layer 3 from the layer-2 midpoint: |f(x) - f(y)| <= |x - y| on [-1, 1] (|f'| <= f'(1) = 1)
    m2 = _arb(vals[2].c.mid)
    f3, fp3 = ref_corr(m2, q, sw2, sb2, ref_digits)
    slack = float(vals[2].c.rad) * 1e3  # f'' <= f''(1) < 1e3 for sigma_b <= 4
    assert within(vals[3].c, f3, tol + float(vals[2].c.rad))[0], (sb, c_start, "c3")
    assert within(vals[2].f_prime, fp3, tol + slack)[0], (sb, c_start, "f'(c2)")
    for L in (1, 2, 3):  # the complements are consistent with the values
        v = vals[L]
        with mpmath.workprec(4096):
            assert v.c.overlaps(type(v.c)(1 - v.one_minus_c.mid, v.one_minus_c.rad))
        assert v.f_prime.method == v.c.method == "certified"


@FEW
@given(sb=st.sampled_from(["0.01", "0.2", "1"]),
       c_start=st.sampled_from(["-1", "-0.999999", "0", "0.5", "0.99"]),
       digits=st.sampled_from([10, 20]))
def test_first_layers_contain_the_reference(sb, c_start, digits):
    with _Prec():
        _check_first_layers(sb, c_start, digits, 45)


@pytest.mark.slow
@pytest.mark.parametrize("sb,c_start", [("3", "0.5"), ("4", "-0.999"), ("0.05", "-1")])
def test_first_layers_contain_the_reference_large_sigma_b(sb, c_start, prec):
    _check_first_layers(sb, c_start, 10, 35)


def test_first_layers_near_one(prec):
    """c_start = 1 - 1e-20: 1 - c^2 must be delta - B_2 delta^2 + ..., to many relative digits."""
    ctx.prec = 400
    q, sw2 = eoc_ref("0.2", 90)  # f(1) = 1 only at the exact q*: its error enters 1 - f directly
    sb2 = arb(1) / 25
    c_start = "0." + "9" * 20
    vals, _ = tanh_eoc_certified("0.2", c_start, (1, 2), 30)
    f, fp = ref_corr(_arb(Fraction(c_start)), q, sw2, sb2, 85)
    ok, gap, rad = within(vals[2].one_minus_c, 1 - f, 1e-70)
    assert ok, (gap, rad)
    ok, gap, rad = within(vals[1].one_minus_f_prime, 1 - fp, 1e-70)
    assert ok, (gap, rad)
    # 1 - c^2 = delta - B_2 delta^2 (B_2 = 1/kappa): its relative defect is ~1e-20 / kappa
    d2 = _arb(vals[2].one_minus_c.mid)
    assert abs(float((arb(10) ** -20 - d2) / arb(10) ** -40 - 1 / ref_kappa(q, sw2, 40))) < 1e-6


# ----------------------------------------------------------------------------------------------
# huge depths: the depth law, and one-step consistency after the jump
# ----------------------------------------------------------------------------------------------
@FEW
@given(sb=st.sampled_from(["0.05", "0.2", "1"]), c_start=st.sampled_from(["-1", "0.5", "0.999"]),
       digits=st.sampled_from([10, 30]))
def test_depth_law_at_1e100(sb, c_start, digits):
    with _Prec():
        _check_depth_law(sb, c_start, digits)


def _check_depth_law(sb, c_start, digits):
    q, sw2 = eoc_ref(sb)
    kappa = ref_kappa(q, sw2, 50)
    L = 10**100
    vals, info = tanh_eoc_certified(sb, c_start, (L,), digits)
    v = vals[L]
    # L (1 - c^L) = kappa + O(log L / L); L (1 - f'(c^L)) = 2 + O(log L / L)
    lo = _arb(v.one_minus_c.mid) * L
    assert abs(lo - kappa) < arb(10) ** -45 + _arb(v.one_minus_c.rad) * L, (sb, c_start, lo, kappa)
    lf = _arb(v.one_minus_f_prime.mid) * L
    assert abs(lf - 2) < arb(10) ** -45 + _arb(v.one_minus_f_prime.rad) * L
    assert v.one_minus_c.correct_digits >= digits and v.f_prime.correct_digits >= digits


@pytest.mark.slow
@pytest.mark.parametrize("sb,L,digits", [("0.2", 10**6, 30), ("1", 12345, 20), ("0.01", 10**6, 10)])
def test_one_step_after_the_jump(sb, L, digits, prec):
    """c^{L+1} = f(c^L) with the reference f, at depths reached by the jump."""
    q, sw2 = eoc_ref(sb)
    sb2 = _arb(Fraction(sb)) ** 2
    vals, info = tanh_eoc_certified(sb, "0.5", (L, L + 1), digits)
    ctx.prec = 400
    f, fp = ref_corr(_arb(vals[L].c.mid), q, sw2, sb2, 55)
    r = float(vals[L].c.rad)
    ok, gap, rad = within(vals[L + 1].one_minus_c, 1 - f, 1e-50 + r)
    assert ok, (gap, rad)
    ok, gap, rad = within(vals[L].one_minus_f_prime, 1 - fp, 1e-50 + 1e3 * r)
    assert ok, (gap, rad)
    assert 0 < vals[L + 1].one_minus_c.mid < vals[L].one_minus_c.mid


def test_orbit_is_monotone_and_below_the_depth_law(prec):
    """From c_start = 0.5 the complement decreases with L, and |L (1 - c^L) - kappa| shrinks like log L / L
    (a sanity check with loose constants; the decisive depth-law checks are at L = 1e100)."""
    q, sw2 = eoc_ref("0.2")
    kappa = float(ref_kappa(q, sw2, 30))
    depths = (2, 10, 999, 1000, 1001, 10**4, 10**8, 10**30)
    vals, _ = tanh_eoc_certified("0.2", "0.5", depths, 12)
    seq = [vals[L].one_minus_c.mid for L in depths]
    assert all(a > b for a, b in zip(seq, seq[1:]))
    errs = [abs(float(vals[L].one_minus_c.mid) * L - kappa) for L in (10**4, 10**8, 10**30)]
    assert errs[0] < 5e-2 and errs[1] < 1e-5 and errs[2] < 1e-26


# ----------------------------------------------------------------------------------------------
# printing: the decimal mid +/- rad contains the ball
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("c_start,depths", [("0." + "9" * 12, (1, 2, 10**9)), ("0." + "9" * 400, (1, 2, 50)),
                                            ("-1", (2, 10**1000))])
def test_printed_balls_contain_the_balls(c_start, depths, prec):
    """as_dict's mid +/- rad and its 'value' string (X (+/- R)) both enclose the ball, at any magnitude."""
    vals, info = tanh_eoc_certified("0.2", c_start, depths, 30)
    for v in vals.values():
        for a in (v.one_minus_c, v.c, v.f_prime, v.one_minus_f_prime, info["q_star"], info["kappa"]):
            d = a.as_dict()
            m, r = _arb(a.mid), _arb(a.rad)
            value = d["value"].split(" (+/- ")
            printed = [(arb(d["mid"]), arb(d["rad"]))]
            printed.append((arb(value[0]), arb(value[1].rstrip(")")) if len(value) == 2 else arb(0)))
            for pm, pr in printed:
                assert pm - pr <= m - r and m + r <= pm + pr, d
            assert arb(d["rad"]) > 0 or a.rad == 0


# ----------------------------------------------------------------------------------------------
# refusals and extreme inputs: one line, no traceback, no NaN
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kw,err", [
    (dict(sigma_b="0.2", c_start="1"), InputError),
    (dict(sigma_b="0.2", c_start=1 - 1e-20), InputError),  # the float is 1.0
    (dict(sigma_b="0.2", c_start="-1.0000000001"), InputError),
    (dict(sigma_b="0", c_start="0.5"), InputError),
    (dict(sigma_b="4.0001", c_start="0.5"), InputError),
    (dict(sigma_b="inf", c_start="0.5"), InputError),
    (dict(sigma_b="0.2", c_start="0.5", digits=61), InputError),
    (dict(sigma_b="0.2", c_start="0.5", l0=1), InputError),
    (dict(sigma_b="0.2", c_start="0.5", l0=2), ComputationError),
    (dict(sigma_b="1e-30", c_start="0.5"), ComputationError),
])
def test_refusals_are_one_line(kw, err):
    with pytest.raises(err) as e:
        tanh_eoc_certified(depths=(10**6,), **{"digits": 10, **kw})
    assert "\n" not in str(e.value) and len(str(e.value)) < 300


def test_tiny_delta_refusal_message_does_not_underflow(monkeypatch):
    """The message once printed '1 - c = 0 there' for delta = 1e-400 (a float64 underflow).  Such a start is
    now answered, so the jump is made to refuse here to reach the message."""
    from asymptotics.depth_jump import relu_fatou

    def refuse(self, *args, **kwargs):
        raise ComputationError("the inverse of the Fatou coordinate left the orbit's interval")

    monkeypatch.setattr(relu_fatou.AbelCoordinate, "jump", refuse)
    with pytest.raises(ComputationError) as err:
        tanh_eoc_certified("0.2", "0." + "9" * 400, (10**6,), 10)
    assert "1 - c = 0 there" not in str(err.value) and "e-400" in str(err.value), str(err.value)
    assert "\n" not in str(err.value)


def test_tiny_delta_start_without_a_jump(prec):
    """delta = 1e-400, depths within the certified layers: no jump, 1 - c^2 = delta - delta^2 / kappa + ..."""
    c_start = "0." + "9" * 400
    vals, _ = tanh_eoc_certified("0.2", c_start, (1, 2, 50), 10)
    d = arb(10) ** -400
    for L in (1, 2, 50):
        got = vals[L].one_minus_c
        assert got.mid > 0 and got.rad < got.mid * 1e-10
        assert within(got, d, 0)[0], (L, got)  # the layers move delta by ~L delta^2 / kappa ~ 1e-798


def test_moderately_tiny_delta_start(prec):
    """delta = 1e-30: every depth has 1 - c^L ~ delta / (1 + B_2 delta L), certified."""
    c_start = "0." + "9" * 30
    q, sw2 = eoc_ref("0.2")
    kappa = ref_kappa(q, sw2, 30)
    vals, _ = tanh_eoc_certified("0.2", c_start, (2, 10**6, 10**150), 10)
    d = arb(10) ** -30
    for L in (2, 10**6, 10**150):
        expect = d / (1 + d * (L - 1) / kappa)
        got = _arb(vals[L].one_minus_c.mid)
        assert abs(got / expect - 1) < arb(10) ** -8, (L, got, expect)
        assert vals[L].one_minus_c.rad < vals[L].one_minus_c.mid * 1e-10


# ----------------------------------------------------------------------------------------------
# gauss_strip: tiny and huge q, integrands with large derivatives
# ----------------------------------------------------------------------------------------------
def _poly_eval(coeffs, t):
    return sum((c * t**k for k, c in enumerate(coeffs)), arb(0))


def _mp_expect(coeffs, q, dps):
    with mpmath.workdps(dps):
        s = mpmath.sqrt(mpmath.mpf(q))
        w = lambda z: mpmath.exp(-z * z / 2) / mpmath.sqrt(2 * mpmath.pi)
        P = lambda t: sum(c * t**k for k, c in enumerate(coeffs))
        # breakpoints where tanh(s z) turns (scale 1/s)
        pts = sorted({0, *(k / s for k in (0.5, 1, 2, 4, 8, 16, 32)), mpmath.inf})
        pts = [p for p in pts if p == mpmath.inf or p < 40] + ([mpmath.inf] if pts[-1] != mpmath.inf else [])
        return mpmath.quad(lambda z: w(z) * (P(mpmath.tanh(s * z)) + P(mpmath.tanh(-s * z))), pts)


@pytest.mark.parametrize("q", ["1e-6", "1e-3", "0.5", "30", "1000"])
@pytest.mark.parametrize("coeffs", [[0, 0, 1], [1, 0, -2, 0, 1], [0, 1, 0, -7, 0, 0, 0, 0, 0, 0, 0, 3]])
def test_tanh_poly_expectation_against_mpmath(q, coeffs, prec):
    got = gauss_strip.tanh_poly_expectation(arb(q), coeffs, 120)
    ref = _mp_expect(coeffs, q, 50)
    refa = arb(mpmath.nstr(ref, 50))
    assert got.overlaps(refa + arb(0, arb(10) ** -40)), (q, coeffs, got, ref)
    assert got.rad() < arb(2) ** -100


def test_tanh_poly_expectation_on_a_q_ball(prec):
    """q a ball: the enclosure covers E at both ends of it."""
    qb = arb("0.5", "1e-3")
    got = gauss_strip.tanh_poly_expectation(qb, [0, 0, 1], 80)
    for q in ("0.499", "0.5", "0.501"):
        assert got.overlaps(arb(mpmath.nstr(_mp_expect([0, 0, 1], q, 40), 40)))


def _tanh_derivative_polys(order):
    """P_j with tanh^(j) = P_j(tanh): P_0 = t, P_{j+1} = (1 - t^2) P_j'."""
    polys = [[0, 1]]
    for _ in range(order):
        p = polys[-1]
        d = [k * p[k] for k in range(1, len(p))] + [0]
        out = [0] * (len(d) + 2)
        for k, c in enumerate(d):
            out[k] += c
            out[k + 2] -= c
        polys.append(out)
    return polys


@pytest.mark.parametrize("q", ["1e-6", "0.5", "20"])
@pytest.mark.parametrize("order", [6, 30])
def test_derivative_square_moments(q, order, prec):
    got = gauss_strip.derivative_square_moments(arb(q), order, [110] * (order + 1))
    polys = _tanh_derivative_polys(order)
    for j, p in enumerate(polys):
        ref = ref_expect(lambda x: (_poly_eval(p, x.tanh()) / math.factorial(j)) ** 2, q, 75)  # P_j is large: 50 digits fall short
        assert got[j].overlaps(ref + arb(0, arb(10) ** -44) * max(1, abs(float(ref)))), (q, j, got[j], ref)


@pytest.mark.parametrize("q", [arb(0), arb(-1), arb(0, 1e-3), arb("nan"), arb("inf"), arb(0.5, 0.6)])
def test_gauss_strip_bad_q_is_an_input_error(q):
    """Formerly 'ValueError: cannot convert float NaN to integer' (q <= 0, NaN) or ZeroDivisionError (inf)."""
    with pytest.raises(InputError, match="argument 'q'"):
        gauss_strip.tanh_poly_expectation(q, [0, 0, 1], 60)
    with pytest.raises(InputError, match="argument 'q'"):
        gauss_strip.derivative_square_moments(q, 3, [60] * 4)


@pytest.mark.parametrize("q", ["1e5", "1e8", "1e-40", "1e-300"])
def test_tanh_poly_expectation_extreme_q_is_bounded(q, prec):
    """Very steep / very flat tanh: either a correct ball or a one-line refusal, quickly."""
    import time

    t = time.time()
    try:
        got = gauss_strip.tanh_poly_expectation(arb(q), [0, 0, 1], 60)
    except (ComputationError, InputError) as e:
        assert "\n" not in str(e)
        return
    assert time.time() - t < 30
    ref = _mp_expect([0, 0, 1], q, 40)
    assert got.overlaps(arb(mpmath.nstr(ref, 40)) + arb(0, arb(10) ** -30)), (got, ref)


# ----------------------------------------------------------------------------------------------
# the float64 fused kernel: estimates, agreeing with numpy to 1e-13
# ----------------------------------------------------------------------------------------------
fused = pytest.importorskip("asymptotics.recursion.fused")
needs_numba = pytest.mark.skipif(not fused.numba_available(), reason="numba not installed")


def _both(monkeypatch, run):
    monkeypatch.delenv("NTK_VERIFY_NO_NUMBA", raising=False)
    fast = run()
    monkeypatch.setenv("NTK_VERIFY_NO_NUMBA", "1")
    slow = run()
    monkeypatch.delenv("NTK_VERIFY_NO_NUMBA")
    return fast, slow


@needs_numba
@pytest.mark.parametrize("act,sw2", [("relu", 2), ("leaky_relu", 1.7), ("relu", 1.3)])
def test_fused_agrees_with_numpy_on_adversarial_pairs(monkeypatch, act, sw2):
    from asymptotics.recursion import Network
    from asymptotics.recursion.arrays import pair_arrays_at_depths

    net = Network(act, sigma_w2=sw2)
    rng = np.random.default_rng(5)
    switch = 2 * math.sin(0.5) ** 2  # theta = 1: the series / libm asin switch
    delta = np.concatenate([
        [5e-324, 1e-310, 2.2e-308, 1e-300, 1e-200, 1e-20, switch, np.nextafter(switch, 0),
         np.nextafter(switch, 3), 2.0, np.nextafter(2.0, 0), 1.0],
        10.0 ** rng.uniform(-320, 0.3, 3000), switch + rng.uniform(-1e-9, 1e-9, 500)])
    depths = [1, 2, 5, 50, 3000]
    monkeypatch.delenv("NTK_VERIFY_NO_NUMBA", raising=False)
    assert fused.nobias_stepper(np, 10**6, 10**4) is not None  # enough work: loads the compiled kernel
    assert fused.nobias_stepper(np, delta.size, max(depths)) is not None  # so the fast run below is fused
    fast, slow = _both(monkeypatch, lambda: pair_arrays_at_depths(net, None, depths, one_minus_rho=delta))
    for L in depths:
        for name, s in slow[L].items():
            if s is None:
                assert fast[L][name] is None
                continue
            f = np.asarray(fast[L][name], dtype=float)
            s = np.asarray(s, dtype=float)
            assert np.all(np.isfinite(f)) and np.all(np.isfinite(s)), (L, name)
            scale = np.maximum(np.abs(s), 1e-300)
            rel = np.where((f == 0) & (s == 0), 0.0, np.abs(f - s) / scale)
            if name in ("rho", "ntk_normalized", "sigma_xy"):
                rel = np.abs(f - s) / max(np.max(np.abs(s)), 1e-300)
            assert float(np.max(rel)) < 1e-13, (act, sw2, L, name, float(np.max(rel)))


@needs_numba
def test_fused_results_are_labelled_estimates(monkeypatch):
    from asymptotics.recursion import Network, kernel_at_depths

    monkeypatch.delenv("NTK_VERIFY_NO_NUMBA", raising=False)
    net = Network("relu", sigma_w2=2)
    traj = kernel_at_depths(net, 0.3, [10, 1000], backend="float64")
    v = traj.at(1000)
    for name in ("rho", "one_minus_rho", "sigma_dot", "theta_xy", "ntk_normalized", "one_minus_ntk_normalized"):
        a = getattr(v, name)
        assert a.method == "estimate", name
        assert "+/-" not in a.as_dict()["value"] and "estimate" in a.as_dict()["value"]


# ----------------------------------------------------------------------------------------------
# orbits started next to the fixed point: 1/g(d) = 1/d + B_2 + (B_2^2 - B_3) d + O(d^2), so
# 1/delta_L = 1/delta + (L - 1) B_2 + (B_2^2 - B_3) sum_k delta_k (+ O(L delta^2)), B_2 = 1/kappa,
# B_3 = sw^2 q^2 E[tanh'''(sqrt(q) Z)^2] / 3! (Fact 6); decisive to ~1e-45 relative here
# ----------------------------------------------------------------------------------------------
def _ref_B(q, sw2, j, digits):
    p = _tanh_derivative_polys(j)[j]
    return (sw2 * q ** (j - 1) * ref_expect(lambda x: _poly_eval(p, x.tanh()) ** 2, q, digits)
            / math.factorial(j)).mid()


# e >= 40 with a jump was refused once ("the inverse of the Fatou coordinate left the orbit's interval":
# the orbit barely moves, and adding L - L0 to Phi ~ 1/(A s) needs log2(1/s) more bits); now it must answer
@pytest.mark.parametrize("e,L,digits", [(30, 10**6, 20), (20, 10**6, 30), (30, 12345, 25), (16, 3 * 10**5, 20),
                                         (35, 10**6, 10), (40, 10**6, 10), (100, 10**6, 10), (400, 10**6, 10)])
def test_orbit_next_to_the_fixed_point(e, L, digits):
    with _Prec(500 + 4 * e):
        q, sw2 = eoc_ref("0.2", 70)
        B2, B3 = _ref_B(q, sw2, 2, 70), _ref_B(q, sw2, 3, 70)
        d = arb(10) ** -e
        vals, _ = tanh_eoc_certified("0.2", "0." + "9" * e, (L,), digits)
        # sum_k delta_k for k = 1..L-1 with delta_k ~ 1/(1/d + (k-1) B2): d sum 1/(1 + (k-1) B2 d)
        s = sum(d / (1 + k * B2 * d) for k in range(0, min(L - 1, 10)))  # the first terms exactly
        s += (L - 1 - min(L - 1, 10)) * d * (1 - B2 * d * (L + 10) / 2)  # the rest, O((L d)^2) relative
        inv = 1 / d + (L - 1) * B2 + (B2 * B2 - B3) * s
        ref = 1 / inv
        rel = 1e-45 if e >= 20 else 1e-28
        ok, gap, rad = within(vals[L].one_minus_c, ref, float(ref) * rel)
        assert ok, (e, L, gap, rad)
        # 1 - f'(1 - delta) = 2 B2 delta - 3 B3 delta^2 + O(delta^3)
        ok, gap, rad = within(vals[L].one_minus_f_prime, 2 * B2 * ref - 3 * B3 * ref * ref, float(ref) ** 3 * 1e3)
        assert ok, (e, L, gap, rad)


@pytest.mark.parametrize("l0", [150, 200, 400, 1000, 5000])
def test_explicit_l0_balls_overlap_the_default(l0):
    """Two certified balls of the same number from different l0 must overlap (or the call refuses)."""
    depths = (10**6, 10**40)
    ref, _ = tanh_eoc_certified("0.2", "0.5", depths, 10)
    try:
        got, info = tanh_eoc_certified("0.2", "0.5", depths, 10, l0=l0)
    except ComputationError as err:
        assert "\n" not in str(err)
        return
    assert info["l0"] == l0
    for L in depths:
        for name in ("one_minus_c", "one_minus_f_prime", "c", "f_prime"):
            a, b = getattr(got[L], name), getattr(ref[L], name)
            assert a.overlaps(b), (l0, L, name, a, b)
            assert a.correct_digits >= 10


@pytest.mark.parametrize("e,L,digits", [(30, 10**6, 30), (30, 12345, 60)])
def test_near_fixed_point_start_refuses_rather_than_widens(e, L, digits):
    """Balls near 1 carry an absolute radius (about 2^-working_bits): starting at 1 - 10^-e leaves about
    working digits - e relative digits; where that is below ``digits`` the call refuses in one line."""
    with pytest.raises(ComputationError) as err:
        tanh_eoc_certified("0.2", "0." + "9" * e, (L,), digits)
    assert "\n" not in str(err.value)


def test_numpy_float_arguments_read_like_floats():
    """np.float64 is a float whose repr is 'np.float64(0.25)' (numpy 2): it was refused as not a number."""
    a, _ = tanh_eoc_certified(np.float64(0.25), np.float64(0.5), (2,), 10)
    b, _ = tanh_eoc_certified("0.25", "0.5", (2,), 10)
    assert a[2].one_minus_c == b[2].one_minus_c


@pytest.mark.slow
@pytest.mark.parametrize("sb,digits", [("0.2", 60), ("4", 30), ("0.01", 30)])
def test_depth_law_at_1e100_many_digits(sb, digits):
    """L (1 - c^L) - kappa = O(kappa^2 log L / L) ~ 1e-97 at L = 1e100: decisive to ~digits + 5 digits."""
    with _Prec(400):
        q, sw2 = eoc_ref(sb, digits + 15)
        kappa = ref_kappa(q, sw2, digits + 15)
        L = 10**100
        vals, info = tanh_eoc_certified(sb, "0.5", (L, L + 1), digits)
        for M in (L, L + 1):
            v = vals[M]
            tol = arb(10) ** -(digits + 8) * kappa
            assert abs(_arb(v.one_minus_c.mid) * M - kappa) < tol + _arb(v.one_minus_c.rad) * M, (sb, M)
            assert abs(_arb(v.one_minus_f_prime.mid) * M - 2) < arb(10) ** -(digits + 8) + _arb(v.one_minus_f_prime.rad) * M
            assert min(v.one_minus_c.correct_digits, v.one_minus_f_prime.correct_digits) >= digits
        assert within(info["kappa"], kappa, 10.0 ** -(digits + 8) * float(kappa))[0]


@pytest.mark.slow
@pytest.mark.parametrize("sb", ["0.01", "2", "4"])
def test_certified_eoc_point_200_bits(sb):
    with _Prec(400):
        q_ref, sw2_ref = eoc_ref(sb, 75)
        q, sw2 = certified_tanh_eoc(sb, 200)
        assert q.overlaps(q_ref + arb(0, arb(10) ** -70)) and sw2.overlaps(sw2_ref + arb(0, arb(10) ** -70))
        assert q.rad() < arb(2) ** -190


def _switch_neighbours(sb, digits):
    _, info = tanh_eoc_certified(sb, "0.5", (2,), digits)
    d = Fraction(info["delta_switch"])
    return [str(1 - d * (1 + Fraction(s, 10**6))) for s in (-1, 1)]


@pytest.mark.parametrize("sb,side", [("0.01", 0), ("0.01", 1), ("0.2", 0), ("0.2", 1),
                                     pytest.param("4", 0, marks=pytest.mark.slow),
                                     pytest.param("4", 1, marks=pytest.mark.slow)])
def test_layers_on_both_sides_of_the_taylor_far_field_switch(sb, side):
    c_start = _switch_neighbours(sb, 10)[side]
    with _Prec():
        _check_first_layers(sb, c_start, 10, 35 if sb == "4" else 45)


@pytest.mark.parametrize("c_start", ["-0." + "9" * 30, "-0.5", "0.9"])
def test_first_layers_near_minus_one_and_inside(c_start):
    with _Prec():
        _check_first_layers("0.2", c_start, 20, 45)


@pytest.mark.parametrize("sb", ["0.2", "1"])
def test_jump_overlaps_plain_certified_iteration(sb):
    """Depths below MAX_L0 two ways: jumped from l0 = 1000, and iterated layer by layer (l0 = 20000)."""
    depths = (1500, 5000, 19999)
    jumped, ij = tanh_eoc_certified(sb, "0.5", depths, 10, l0=1000)
    plain, ip = tanh_eoc_certified(sb, "0.5", depths + (10**6,), 10, l0=20000)
    assert ij["l0"] == 1000 and ip["l0"] == 20000
    for L in depths:
        for name in ("one_minus_c", "one_minus_f_prime"):
            a, b = getattr(jumped[L], name), getattr(plain[L], name)
            assert a.overlaps(b), (sb, L, name, a, b)


@pytest.mark.parametrize("bad", [-1e-300, -5e-324, -1e-17])
def test_negative_one_minus_rho_is_refused(bad):
    """rho = 1 + 1e-300 given as one_minus_rho = -1e-300 slipped past the [-1, 1] check (1 - delta
    rounds to 1) and came back as a silent NaN."""
    from asymptotics.recursion import Network
    from asymptotics.recursion.arrays import pair_arrays_at_depths

    delta = np.full(200, 0.5)
    delta[7] = bad
    with pytest.raises(InputError, match="one_minus_rho"):
        pair_arrays_at_depths(Network("relu", sigma_w2=2), None, [10], one_minus_rho=delta)


@settings(max_examples=4, deadline=None, derandomize=True)
@given(sb=st.decimals(min_value="0.02", max_value="2", places=3),
       c=st.decimals(min_value="-1", max_value="0.999", places=4))
def test_second_layer_property(sb, c):
    """Random (sigma_b, c_start): c^2 = f(c_start) and f'(c_start) inside their balls."""
    sb, c = str(sb), str(c)
    with _Prec():
        q, sw2 = eoc_ref(sb, 45)
        vals, _ = tanh_eoc_certified(sb, c, (1, 2), 10)
        f, fp = ref_corr(_arb(Fraction(c)), q, sw2, _arb(Fraction(sb)) ** 2, 40)
        assert within(vals[2].c, f, 1e-36)[0] and within(vals[1].f_prime, fp, 1e-36)[0], (sb, c)
        with mpmath.workprec(4096):
            assert abs(vals[1].f_prime.mid + vals[1].one_minus_f_prime.mid - 1) <= \
                vals[1].f_prime.rad + vals[1].one_minus_f_prime.rad


@settings(max_examples=4, deadline=None, derandomize=True)
@given(sb=st.decimals(min_value="0.01", max_value="4", places=4))
def test_eoc_point_property(sb):
    sb = str(sb)
    q_ref, sw2_ref = eoc_ref(sb, 40)
    with _Prec():
        q, sw2 = certified_tanh_eoc(sb, 100)
        assert q.overlaps(q_ref + arb(0, arb(10) ** -36)) and sw2.overlaps(sw2_ref + arb(0, arb(10) ** -36)), sb


@pytest.mark.parametrize("sb,c_start", [("0.01", "-1"), ("0.01", "0.99"), ("0.05", "0." + "9" * 20),
                                        ("0.01", "-0." + "9" * 25)])
def test_first_layers_critical_combinations(sb, c_start):
    with _Prec():
        _check_first_layers(sb, c_start, 10, 45)


def test_wide_q_ball_covers_both_ends(prec):
    got = gauss_strip.tanh_poly_expectation(arb("0.5", "0.49"), [0, 0, 1], 80)
    for q in ("0.01", "0.3", "0.99"):
        assert got.overlaps(arb(mpmath.nstr(_mp_expect([0, 0, 1], q, 40), 40))), q
