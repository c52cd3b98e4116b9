"""Certified Edge-of-Chaos point of tanh: balls for q* and sigma_w^2 (arb; sigma_b an exact rational).

The EOC equations (seed 001 Fact 1 and f'(1) = 1, Fact 7; ../shared/seeds/001_018e0351582ed44f.txt:630,648)

    q = sigma_w^2 E[tanh(sqrt(q) Z)^2] + sigma_b^2,    sigma_w^2 E[tanh'(sqrt(q) Z)^2] = 1

reduce (as in :mod:`asymptotics.eoc_existence`) to one equation in q, with tanh' = 1 - tanh^2:

    r(q) = sigma_b^2 + E[t^2] / E[(1 - t^2)^2] - q = 0,   t = tanh(sqrt(q) Z),   sigma_w^2 = 1 / E[(1 - t^2)^2].

Why the balls contain a solution: r is continuous on q > 0; both expectations are enclosed by the
rigorous strip trapezoid rule of :mod:`asymptotics.depth_jump.gauss_strip`; at two exact dyadic points
q_lo < q_hi the enclosures of r(q_lo) and r(q_hi) are proved to have opposite signs, so r has a root q*
in [q_lo, q_hi] (intermediate value theorem), returned as the ball [q_lo, q_hi].  sigma_w^2 is then
1 / E[(1 - t^2)^2] evaluated on that whole ball of q (every integrand value and bound covers every q in
it), so it contains sigma_w^2(q*).  The search for q_lo, q_hi (scan, then secant steps on midpoints) only
proposes points; it is never part of the certificate.

Uniqueness in the ball: d/dq E[g(sqrt(q) Z)] = E[g''(sqrt(q) Z)] / 2 (Gaussian integration by parts), and
for g = P(tanh) the derivative is again a polynomial in t = tanh, (D P)(t) = (1 - t^2) P'(t); so
r'(q) = (E2' E4 - E2 E4') / E4^2 - 1 with E_P' = E[D^2 P] / 2 is enclosed on the whole ball [q_lo, q_hi] and
proved nonzero there: r is strictly monotone on the ball, which holds exactly one root.  (Global
uniqueness over q > 0 is not proved here; tests check that the ball contains the root of
:func:`asymptotics.eoc.edge_of_chaos`.)
"""
from __future__ import annotations

from fractions import Fraction

import flint
from flint import arb, fmpq

from asymptotics.depth_jump import series_tools as st
from asymptotics.depth_jump.gauss_strip import tanh_poly_expectations
from asymptotics.validation import ComputationError, InputError

TANH_SQUARED = [0, 0, 1]
SECH_FOURTH = [1, 0, -2, 0, 1]  # (1 - t^2)^2
#: sigma_b beyond this is refused: q* grows like sigma_b^2 and the trapezoid needs ~sqrt(q) nodes
MAX_SIGMA_B = 4


def check_sigma_b(sigma_b) -> Fraction:
    """sigma_b as an exact rational in (0, MAX_SIGMA_B]; a float is read by its shortest repr ('0.2' = 1/5)."""
    from asymptotics.validation import exact_real

    value = exact_real("sigma_b", repr(float(sigma_b)) if isinstance(sigma_b, float) else sigma_b)
    if value <= 0:
        raise InputError("sigma_b", f"the certified tanh EOC needs sigma_b > 0 (sigma_b = 0 gives q* = 0), got {sigma_b!r}")
    if value > MAX_SIGMA_B:
        raise InputError("sigma_b", f"at most {MAX_SIGMA_B} is covered (the quadrature cost grows like sigma_b), got {sigma_b!r}")
    return value


def tanh_chain_derivative(p: list) -> list:
    """D P = (1 - t^2) P'(t): the x-derivative of P(tanh x) as a polynomial in t = tanh x (integer coefficients)."""
    dp = [k * c for k, c in enumerate(p)][1:] or [0]
    out = [0] * (len(dp) + 2)
    for k, c in enumerate(dp):
        out[k] += c
        out[k + 2] -= c
    return out


def reduced_gap_slope(q: arb, log2_tol: float) -> arb:
    """r'(q) on a ball q (module doc): (E2' E4 - E2 E4') / E4^2 - 1, E_P' = E[D^2 P] / 2."""
    d2 = [tanh_chain_derivative(tanh_chain_derivative(p)) for p in (TANH_SQUARED, SECH_FOURTH)]
    e2, e4, f2, f4 = tanh_poly_expectations(q, [TANH_SQUARED, SECH_FOURTH] + d2, log2_tol)
    return (f2 * e4 - e2 * f4) / (2 * e4 * e4) - 1


def reduced_gap(q: arb, sb2: arb, log2_tol: float):
    """(r(q), E[(1 - t^2)^2]) as balls for a ball q (see module doc)."""
    e2, e4 = tanh_poly_expectations(q, [TANH_SQUARED, SECH_FOURTH], log2_tol)
    return sb2 + e2 / e4 - q, e4


def _mid(x: arb) -> arb:
    return arb(x.mid())


def _propose_root(sb2: arb, sb2_exact: Fraction, bits: int) -> arb:
    """An (uncertified) approximation of the root of r, to about 2^-bits: scan, then secant steps."""
    with st.arb_precision(80):
        start = max(Fraction(1, 1000), sb2_exact)  # every root lies above sigma_b^2 (r(q) >= sigma_b^2 - q)
        q_prev = _mid(arb(fmpq(start.numerator, start.denominator)))
        r_prev = _mid(reduced_gap(q_prev, sb2, 60)[0])
        for _ in range(60):
            q_cur = q_prev * arb("1.5")
            r_cur = _mid(reduced_gap(q_cur, sb2, 60)[0])
            if r_cur < 0:
                break
            q_prev, r_prev = q_cur, r_cur
        else:
            raise ComputationError("no sign change of the reduced EOC equation found")
        lo, hi, r_lo, r_hi = q_prev, q_cur, r_prev, r_cur
        for _ in range(80):  # regula falsi with bisection steps: a bracket to about 1e-15
            mid = _mid((lo * r_hi - hi * r_lo) / (r_hi - r_lo)) if _ % 2 else _mid((lo + hi) / 2)
            r_mid = _mid(reduced_gap(mid, sb2, 60)[0])
            if r_mid > 0:
                lo, r_lo = mid, r_mid
            else:
                hi, r_hi = mid, r_mid
            if hi - lo < arb(2) ** -50:
                break
    a, b = lo, hi
    prec = bits + 40
    with st.arb_precision(prec):
        r_a, r_b = _mid(reduced_gap(a, sb2, prec)[0]), _mid(reduced_gap(b, sb2, prec)[0])
        for _ in range(30):  # secant: superlinear from 1e-15
            if r_b == r_a:
                break
            c = _mid(b - r_b * (b - a) / (r_b - r_a))
            a, r_a, b = b, r_b, c
            r_b = _mid(reduced_gap(b, sb2, prec)[0])
            if abs(b - a) < arb(2) ** -(bits + 8):
                break
    return b


def certified_tanh_eoc(sigma_b, bits: int):
    """(q* ball, sigma_w^2 ball) for tanh at this sigma_b, each proved to contain the solution (module doc).

    Balls of width about 2^-bits; computed at the caller's arb precision raised to bits + 40.
    """
    sb = check_sigma_b(sigma_b)
    prec = bits + 40
    with st.arb_precision(prec):
        sb2 = arb(fmpq((sb * sb).numerator, (sb * sb).denominator))
        guess = _propose_root(sb2, sb * sb, bits)
        width = arb(2) ** -bits * guess
        for _ in range(12):
            q_lo, q_hi = _mid(guess - width), _mid(guess + width)
            r_lo, r_hi = reduced_gap(q_lo, sb2, prec)[0], reduced_gap(q_hi, sb2, prec)[0]
            if (r_lo > 0 and r_hi < 0) or (r_lo < 0 and r_hi > 0):
                break
            width *= 16
        else:
            raise ComputationError("could not verify a sign change of the reduced EOC equation")
        q = q_lo.union(q_hi)
        slope = reduced_gap_slope(q, prec)
        if not (slope < 0 or slope > 0):
            raise ComputationError("the reduced EOC equation is not proved monotone on the root's ball")
        _, e4 = reduced_gap(q, sb2, prec)
        sw2 = 1 / e4
        if not (q > 0 and sw2 > 0 and q.rad() < arb(2) ** -(bits - 8) * 4):
            raise ComputationError("the certified EOC point is too wide")
    return q, sw2
