"""Property tests of the printer: every printed interval contains the ball, digits shown are supported.

The reference here is exact rational arithmetic on the binary midpoint and radius (written in this
file, not the printer's helpers): the printed text is parsed back with ``fractions.Fraction`` and
compared exactly.
"""
from __future__ import annotations

import re
from fractions import Fraction

import mpmath
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from asymptotics.accuracy import AGREEMENT, CERTIFIED, ESTIMATE, Approx, format_approx

NUMBER = r"-?\d+(?:\.\d+)?(?:e[+-]\d+)?"


def exact(x) -> Fraction:
    sign, man, exp, _ = x._mpf_  # all the bits (mpmath.mpf(x) would round to the working precision)
    return (-1) ** sign * Fraction(int(man)) * Fraction(2) ** int(exp)


def supported_digits(mid: Fraction, rad: Fraction) -> int:
    """Largest d with rad * 10^d <= |mid| (by direct search; 0 if rad >= |mid|)."""
    if rad == 0:
        return 10**9
    d = 0
    while rad * 10 ** (d + 1) <= abs(mid):
        d += 1
    return d


def significant_digits(text: str) -> int:
    body = text.lstrip("-").split("e")[0].replace(".", "").lstrip("0")
    return len(body) or 1  # "0" shows one digit


@st.composite
def balls(draw):
    bits = draw(st.integers(1, 700))
    man = draw(st.integers(-(2**bits), 2**bits))
    exp = draw(st.integers(-1300, 1300)) - bits // 2
    with mpmath.workprec(800):  # keep all the mantissa's bits (the printer runs at 53 bits)
        mid = mpmath.mpf((man, exp)) if man else mpmath.mpf(0)
    assert exact(mid) == man * Fraction(2) ** exp
    kind = draw(st.sampled_from(["zero", "relative", "absolute", "huge"]))
    if kind == "zero":
        rad = mpmath.mpf(0)
    else:
        rbits = draw(st.integers(1, 64))
        rman = draw(st.integers(1, 2**rbits))
        if kind == "relative" and man:
            digits = draw(st.integers(1, 200))
            scale = mpmath.mpf(2) ** (int(abs(man)).bit_length() + exp - int(digits * 3.3219) - rbits)
            with mpmath.workprec(800):
                rad = mpmath.mpf((rman, 0)) * scale
        elif kind == "huge":
            rad = mpmath.mpf((rman, exp + draw(st.integers(0, 40))))
        else:
            rad = mpmath.mpf((rman, draw(st.integers(-1500, 1500))))
    method = draw(st.sampled_from([CERTIFIED, AGREEMENT, ESTIMATE]))
    max_digits = draw(st.one_of(st.none(), st.integers(1, 80)))
    return Approx(mid, rad, method), max_digits


def _check_text(a: Approx, text: str, max_digits):
    mid, rad = exact(a.mid), exact(a.rad)
    if a.method == ESTIMATE:
        assert "+/-" not in text and "estimate" in text
        m = re.fullmatch(rf"({NUMBER}) \(estimate, ~(\d+) digits\)", text)
        if m is None:
            assert text.startswith("undetermined") and supported_digits(mid, rad) == 0 or max_digits == 0
            return
        shown = significant_digits(m.group(1))
        assert shown == int(m.group(2)) <= supported_digits(mid, rad)
        # the printed digits are those of mid, rounded to nearest
        assert abs(Fraction(m.group(1)) - mid) <= abs(mid) * Fraction(10) ** (1 - shown) / 2 + 0
        return
    if text.startswith("undetermined"):
        assert a.method == AGREEMENT and supported_digits(mid, rad) == 0
        return
    m = re.fullmatch(rf"({NUMBER})(?: \(\+/- ({NUMBER})\)| \+/- ({NUMBER}))?", text)
    assert m is not None, text
    printed = Fraction(m.group(1))
    radius = m.group(2) or m.group(3)
    if radius is None:  # printed as exact
        assert rad == 0 and printed == mid
        return
    printed_rad = Fraction(radius)
    assert printed - printed_rad <= mid - rad and mid + rad <= printed + printed_rad, (text, a)
    if m.group(3) is not None:  # "0 +/- R": only for rigorous bounds
        assert a.method == CERTIFIED and printed == 0
    else:
        shown = significant_digits(m.group(1))
        assert shown <= supported_digits(mid, rad)
        if max_digits is not None:
            assert shown <= max_digits
        # the radius is rounded up to 2 significant digits, not wider than needed
        assert significant_digits(radius) <= 2
        assert printed_rad <= (rad + abs(printed - mid)) * Fraction(11, 10) + 0


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(balls())
def test_printed_interval_contains_ball(case):
    a, max_digits = case
    _check_text(a, format_approx(a, max_digits), max_digits)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(balls())
def test_json_encloses_ball(case):
    a, max_digits = case
    js = a.as_dict(max_digits)
    assert isinstance(js["digits"], int) and isinstance(js["exact"], bool) and js["method"] == a.method
    _check_text(a, js["value"], max_digits)
    mid, rad = exact(a.mid), exact(a.rad)
    jm, jr = Fraction(js["mid"]), Fraction(js["rad"])
    assert jm - jr <= mid - rad and mid + rad <= jm + jr
    if js["exact"]:
        assert jm == mid and jr == 0 and rad == 0
    if rad:
        assert js["digits"] == supported_digits(mid, rad)


def test_no_cap_on_supported_digits():
    with mpmath.workdps(260):
        a = Approx(mpmath.sqrt(2), mpmath.mpf(10) ** -207, CERTIFIED)
    text = format_approx(a)
    assert significant_digits(text.split(" ")[0]) == 207
    assert significant_digits(format_approx(a, 12).split(" ")[0]) == 12
    js = a.as_dict()
    assert Fraction(js["mid"]) - Fraction(js["rad"]) <= exact(a.mid) - exact(a.rad)


def test_reported_examples():
    # 2.9e-404 stays a radius far below binary64's range, and the printed value covers the ball.
    with mpmath.workdps(60):
        a = Approx(mpmath.mpf("1.0900239681870754670002674796861445326595828e-361"), mpmath.mpf("2.9e-404"))
    text = format_approx(a)
    assert text.endswith("e-403)") or text.endswith("e-404)")
    _check_text(a, text, None)
    # rounding the midpoint is paid for in the printed radius (the binary 0.1234995 lies just below it)
    b = Approx(mpmath.mpf("0.1234995"), mpmath.mpf("1e-7"))
    assert format_approx(b) == "0.123499 (+/- 6.0e-7)"
    est = Approx(mpmath.mpf("1.2345678e-6"), mpmath.mpf("3e-12"), ESTIMATE)
    assert format_approx(est) == "1.2346e-6 (estimate, ~5 digits)"
    # a value not separated from 0 is '0 +/- bound' only when the bound is rigorous
    assert format_approx(Approx(mpmath.mpf("1e-20"), mpmath.mpf("3e-20"))).startswith("0 +/- 4.1e-20")
    assert "+/-" not in format_approx(Approx(mpmath.mpf("1e-20"), mpmath.mpf("3e-20"), AGREEMENT))


def test_bad_max_digits():
    with pytest.raises(ValueError):
        format_approx(Approx(mpmath.mpf(1), mpmath.mpf(0)), 0)


def test_non_finite_values_print_without_crash_or_nan_in_json():
    import json

    for mid, rad in (("nan", "0"), ("1", "inf"), ("inf", "1e-5")):
        a = Approx(mpmath.mpf(mid), mpmath.mpf(rad))
        assert format_approx(a).startswith("undetermined")
        text = json.dumps(a.as_dict(), allow_nan=False)
        assert "undetermined" in text


@pytest.mark.parametrize("exponent", [10**6, 10**50, 10**100])
def test_huge_binary_exponents_print_without_exact_rationals(exponent):
    """2^-10^100 has no Fraction: the printer rescales by a power of ten with a rigorous margin.
    Reference: log10 of the printed interval's ends against log10(mid -+ rad) at high precision."""
    import re

    import mpmath

    from asymptotics.accuracy import Approx, format_approx

    mid, rad = 3 * mpmath.mpf(2) ** (-exponent), mpmath.mpf(2) ** (-exponent - 200)
    text = format_approx(Approx(mid, rad))
    found = re.fullmatch(r"(\d\.\d+)e(-\d+) \(\+/- (\d\.?\d*)e(-\d+)\)", text)
    assert found, text
    with mpmath.workprec(int(exponent).bit_length() + 400):
        printed = mpmath.mpf(found.group(1)) * mpmath.mpf(10) ** int(found.group(2))
        printed_rad = mpmath.mpf(found.group(3)) * mpmath.mpf(10) ** int(found.group(4))
        assert printed - printed_rad <= mid - rad and mid + rad <= printed + printed_rad
        assert printed_rad < 100 * rad  # and not absurdly wide
