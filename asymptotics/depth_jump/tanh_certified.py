"""Certified correlation of tanh on the Edge of Chaos at any depth: certified layers to L0, then the jump.

Every constant and every layer is a ball proved to contain the true value (python-flint arb):

1. the EOC point (q*, sigma_w^2): :mod:`asymptotics.depth_jump.tanh_eoc_point` (verified sign change,
   the root unique in its ball);
2. the Taylor coefficients at c = 1, B_j = f^(j)(1)/j! = sigma_w^2 q^(j-1) j! E[y_j(sqrt(q) Z)^2],
   y_j = tanh^(j)/j! (seed 001 Fact 6, ../shared/seeds/001_018e0351582ed44f.txt:640-646), by the strip
   trapezoid rule of :mod:`asymptotics.depth_jump.gauss_strip` on the balls of step 1;
3. layers 1..L0 from c^1 = c_start, in delta = 1 - c: far from 1 (delta above the switch) the rigorous
   2-D integral of :mod:`asymptotics.depth_jump.tanh_far_field`; near 1 the Taylor polynomial

       g(delta) = sum_{j=1}^{J} (-1)^(j+1) B_j delta^j + rho,   |rho| <= B_{J+1} delta^(J+1),

   B_1 = f'(1) = 1 exactly (the EOC).  Why the remainder bound holds: by Mehler's formula
   f(c) = sum_n b_n c^n with b_n = sigma_w^2 q^(n-1) E[tanh^(n)(sqrt(q) Z)]^2 / n! >= 0 (plus sigma_b^2/q at
   n = 0), so |f^(k)(c)| <= sum_n n!/(n-k)! b_n |c|^(n-k) <= f^(k)(1) for |c| <= 1 (finite: it is the
   Fact 6 value), and Lagrange's remainder of order J+1 on [1 - delta, 1] is at most
   f^(J+1)(1) delta^(J+1)/(J+1)! = B_{J+1} delta^(J+1).  The same gives |g'| = |f'| <= f'(1) = 1 and
   |f''| <= f''(1) = 2 B_2 on [-1, 1]: a ball delta_l = m +/- r is mapped by evaluating at the exact point m
   and adding r (resp. 2 B_2 r for f'), so each layer's ball contains the true layer.  The degree J is
   the least with B_{J+1} (delta_max)^(J+1) <= 2^-prec (up to MAX_DEGREE); the switch is where MAX_DEGREE
   stops sufficing;
4. the jump from L0 (:class:`asymptotics.depth_jump.smooth_fatou.RemainderAbelCoordinate`, reused as is;
   its certificate is stated in :mod:`asymptotics.depth_jump.relu_fatou` and
   :mod:`asymptotics.depth_jump.smooth_fatou`): an enclosure given balls for the B_j and delta_L0,
   which steps 1-3 certify.  f'(c^L) = g'(delta_L): Taylor polynomial of degree J-1 plus
   (J+1) B_{J+1} delta^J, evaluated on the ball.  The germ's disc is the first radius (0.2, 0.1, ...)
   on which R_J is proved zero-free (B_j grows like j! (4 q*/pi^2)^j, so larger sigma_b needs a smaller
   disc); L0 (unless given) is the first of 1000, 2000, 4000, ... from which every jumped depth gets the
   requested digits (a delta_L0 too far from 0 makes the Taylor remainder of the germ dominate).

Cost (2 cores, load ~4): about 2 s at sigma_b = 0.2, 30 digits (mostly the ~170 far-field layers, each
one 2-D rule of ~15 000 nodes); 11 s at 60 digits; 16 s at sigma_b = 3.9.  Beyond MAX_DIGITS, MAX_L0 or
MAX_SIGMA_B the call refuses in one line.

The agreement path (:func:`asymptotics.depth_jump.smooth_fatou.tanh_eoc_jump`) stays as it is: it is the
independent cross-check in the tests.
"""
from __future__ import annotations

import math
import time

from flint import arb

from asymptotics.depth_jump import series_tools as st
from asymptotics.depth_jump.gauss_strip import derivative_square_moments
from asymptotics.depth_jump.smooth_fatou import DEGREE, PolynomialGerm, RemainderAbelCoordinate
from asymptotics.depth_jump.tanh_eoc_point import certified_tanh_eoc, check_sigma_b
from asymptotics.depth_jump.tanh_far_field import FarField
from asymptotics.validation import ComputationError, InputError, check_depth, check_depths, check_digits, exact_real

L0_DEFAULT = 1000
MAX_DEGREE = 90
MAX_DIGITS = 60  # beyond this the far-field integrals and the B_j grids cost more than a couple of minutes
MAX_L0 = 20000   # the certified layers cost about 0.1 ms (Taylor) to 10 ms (2-D integral) each


def working_bits(digits: int) -> int:
    from asymptotics.depth_jump.relu_jump import working_precision

    return working_precision(digits) + 24


def taylor_coefficients(q: arb, sigma_w2: arb, order: int, prec: int) -> list:
    """[B_0, ..., B_order] as balls (B_0 = sigma_w^2 E[tanh^2]/q, not f(1); B_1 = 1 up to its ball).

    Accuracy asked of E[y_j^2]: 2^-prec 10^j / (sigma_w^2 q^(j-1) j!) absolute, i.e. B_j to 2^-prec 10^j,
    so that B_j delta^j is accurate to 2^-prec (delta/0.1)^j (the germ's circle and the orbit need no more).
    """
    qf, swf = float(q.mid()), float(sigma_w2.mid())
    tols = [prec + (-j * math.log(10) + math.log(swf) + (j - 1) * math.log(qf) + math.lgamma(j + 1)) / math.log(2)
            for j in range(order + 1)]
    moments = derivative_square_moments(q, order, [max(t, 24) for t in tols])
    out = []
    for j, m in enumerate(moments):
        out.append(sigma_w2 * q ** (j - 1) * math.factorial(j) * m)
    return out


class TaylorStep:
    """g(delta) and 1 - g'(delta) from the Taylor balls, degree chosen per delta (module doc, step 3)."""

    def __init__(self, B: list, prec: int):
        self.B = [arb(0), arb(1)] + list(B[2:])  # B_1 = f'(1) = 1 exactly on the EOC
        self.upper = [st.upper(b) for b in B]
        self.max_degree = len(B) - 2
        tau = arb(2) ** -prec
        # delta below which degree j suffices: B_{j+1} delta^(j+1) <= tau
        self.threshold = [arb(0)] + [st.lower((tau / self.upper[j + 1]) ** (arb(1) / (j + 1)))
                                     for j in range(1, self.max_degree + 1)]
        self.switch = max(self.threshold)

    def degree(self, delta_upper: arb) -> int:
        for j in range(1, self.max_degree + 1):
            if delta_upper <= self.threshold[j]:
                return j
        raise ComputationError("delta is beyond the Taylor switch")

    def value(self, delta: arb, degree: int) -> arb:
        coeffs = [(-1) ** (j + 1) * self.B[j] for j in range(degree + 1)]
        rem = self.upper[degree + 1] * st.upper(abs(delta)) ** (degree + 1)
        return st.horner_ball(coeffs, delta) + arb(0, st.upper(rem))

    def one_minus_derivative(self, delta: arb) -> arb:
        """1 - f'(1 - delta) = sum_{j=2}^{J} (-1)^j j B_j delta^(j-1) -/+ (J+1) B_{J+1} delta^J, J = max degree."""
        J = self.max_degree
        coeffs = [arb(0)] + [(-1) ** j * j * self.B[j] for j in range(2, J + 1)]
        rem = (J + 1) * self.upper[J + 1] * st.upper(abs(delta)) ** J
        return st.horner_ball(coeffs, delta) + arb(0, st.upper(rem))


def _read_c_start(c_start):
    value = exact_real("c_start", repr(float(c_start)) if isinstance(c_start, float) else c_start)
    if not -1 <= value < 1:
        raise InputError("c_start", f"expected a correlation in [-1, 1) (1 is the fixed point), got {c_start!r}")
    return value


def _exact_arb(x) -> arb:
    from flint import fmpq

    return arb(fmpq(x.numerator, x.denominator))


def checked_arguments(sigma_b, c_start, depths, digits, l0):
    """(sigma_b, c_start, depths, digits, L0 candidates) checked as :func:`tanh_eoc_certified` takes them."""
    sb = check_sigma_b(sigma_b)
    c1 = _read_c_start(c_start)
    digits = check_digits("digits", digits)
    if digits > MAX_DIGITS:
        raise InputError("digits", f"at most {MAX_DIGITS} certified digits are offered here (the integrals' cost "
                                   f"grows with the digits), got {digits}")
    depths = check_depths("depths", depths)
    if l0 is not None:
        l0 = check_depth("l0", l0, minimum=2)
        if l0 > MAX_L0:
            raise InputError("l0", f"at most {MAX_L0} certified layers before the jump, got {l0}")
    candidates = [l0] if l0 is not None else [L0_DEFAULT * 2**k for k in range(6) if L0_DEFAULT * 2**k <= MAX_L0]
    return sb, c1, depths, digits, candidates


def certified_constants(sb, prec: int):
    """(q*, sigma_w^2, [B_0..B_{MAX_DEGREE+1}]) as balls (module doc, steps 1-2); call at precision prec + 20."""
    q, sw2 = certified_tanh_eoc(sb, prec + 20)
    B = taylor_coefficients(q, sw2, MAX_DEGREE + 1, prec + 10)
    if not abs(B[1] - 1) < arb(2) ** -(prec - 10):
        raise ComputationError("the certified B_1 = f'(1) is not 1 to the working precision")
    return q, sw2, B


def tanh_eoc_certified(sigma_b="0.2", c_start="0.5", depths=(10**9,), digits: int = 30, l0=None):
    """1 - c^L, c^L, f'(c^L), 1 - f'(c^L) for tanh on the EOC at any depth, certified (module doc).

    Depth 1 is c_start.  Returns (values {L: DepthValues}, info dict) like
    :func:`asymptotics.depth_jump.smooth_fatou.tanh_eoc_jump`; every Approx is 'certified'.
    ``l0=None`` iterates to 1000, 2000, 4000, ... (at most MAX_L0) until every jumped depth has ``digits``
    certified digits; an explicit ``l0`` jumps from there.  Fewer than ``digits`` digits anywhere:
    ComputationError (the balls stay valid, they are just too wide for the request).
    """
    from asymptotics.depth_jump.relu_jump import approx_from_arb

    start = time.perf_counter()
    sb, c1, depths, digits, candidates = checked_arguments(sigma_b, c_start, depths, digits, l0)
    prec = working_bits(digits)
    with st.arb_precision(prec + 20):
        q, sw2, B = certified_constants(sb, prec)
        orbit = CertifiedOrbit(c1, depths, TaylorStep(B, prec), FarField(q, sw2, prec))
        jumper = GermJump(B, digits) if depths[-1] > min(candidates) else None
        jumped, used_l0 = jump_from_first_good_l0(
            orbit, candidates, depths, digits, lambda cand, deeper: jumper.values_at(orbit.delta, cand, deeper),
            lambda v: min(v.one_minus_c.correct_digits, v.one_minus_f_prime.correct_digits), "of 1 - c and 1 - f'", l0)
        orbit.values.update(jumped)
        values = {L: orbit.values[L] for L in depths}
        short = [L for L in depths if values[L].one_minus_c.correct_digits < digits]
        if short:
            raise ComputationError(f"the certified layers give only {values[short[0]].one_minus_c.correct_digits} "
                                   f"digits at depth {short[0]}")
        sigma_w = sw2.sqrt()
        kappa = 1 / B[2]  # kappa = 2 / f''(1), the depth law's constant (1 - c^L ~ kappa / L)
    info = {"l0": used_l0, "terms": jumper.terms if jumper else None, "degree": DEGREE,
            "radius": jumper.radius if jumper else None, "precision_bits": prec,
            "far_layers": orbit.counts["far"], "taylor_layers": orbit.counts["taylor"],
            "max_taylor_degree": MAX_DEGREE, "delta_switch": float(orbit.taylor.switch.mid()),
            "q_star": approx_from_arb(q), "sigma_w": approx_from_arb(sigma_w), "kappa": approx_from_arb(kappa), "seconds": time.perf_counter() - start,
            "method": ("certified: EOC point by a verified sign change (root unique in its ball), B_j and the "
                       "far-field layers by strip-bounded trapezoid rules, Taylor layers with the B_{J+1} delta^(J+1) remainder, then the Fatou jump "
                       "(all arb balls)" + ("" if used_l0 else "; no jump needed"))}
    return values, info


class GermJump:
    """The Fatou jump of the Taylor germ of degree DEGREE (smooth_fatou's machinery, reused as is).

    The circle radius of the germ is the first of RADII on which R_J is proved zero-free (larger q*
    means larger B_j and a smaller disc).
    """

    RADII = ("0.2", "0.1", "0.05", "0.025", "0.0125", "0.00625", "0.003125")

    def __init__(self, B, digits: int):
        from asymptotics.depth_jump.relu_jump import terms_for

        self.B, self.terms = B, terms_for(digits)
        poly = [arb(1)] + [(-1) ** (j + 1) * B[j] for j in range(2, DEGREE + 1)]  # R_J coefficients
        germ = self.make_germ(poly, self.terms + 10)
        problem = None
        for radius in self.RADII:
            try:
                self.fatou = RemainderAbelCoordinate(germ, self.terms, st.upper(B[DEGREE + 1]), DEGREE, arb(radius))
                self.radius = radius
                return
            except ComputationError as err:
                problem = err
        raise ComputationError(f"{problem} (nor on any smaller radius down to {self.RADII[-1]})")

    def make_germ(self, poly, n):
        """The germ delta R_J(delta) (a hook: the NTK jump needs f' and 1 - g along with R_J)."""
        return PolynomialGerm(poly, n)

    def values_at(self, delta_l0: arb, l0: int, depths) -> dict:
        from asymptotics.smooth_depth import DepthValues

        lo, hi = st.lower(delta_l0), st.upper(delta_l0)
        out = {}
        for L in depths:
            delta = self.fatou.jump(lo, hi, L - l0)
            out[L] = _depth_values(DepthValues, L, delta, _germ_one_minus_derivative(self.B, delta))
        return out


def _germ_one_minus_derivative(B, delta):
    """1 - g'(delta) from the jump's germ degree: sum_{j=2}^{D} (-1)^j j B_j delta^(j-1) -/+ (D+1) B_{D+1} delta^D."""
    coeffs = [(-1) ** j * j * B[j] for j in range(2, DEGREE + 1)]
    rem = (DEGREE + 1) * st.upper(B[DEGREE + 1]) * st.upper(delta) ** DEGREE
    return delta * st.horner_ball(coeffs, delta) + arb(0, st.upper(rem))


def _depth_values(DepthValues, L, delta: arb, one_minus_fp: arb):
    from asymptotics.depth_jump.relu_jump import approx_from_arb

    vals = {"one_minus_c": delta, "c": 1 - delta, "f_prime": 1 - one_minus_fp, "one_minus_f_prime": one_minus_fp}
    return DepthValues(L, **{name: approx_from_arb(x) for name, x in vals.items()})  # (method CERTIFIED)


class CertifiedOrbit:
    """Certified layers from c^1 = c_start (module doc, step 3), advanced on demand; values kept at ``depths``."""

    def __init__(self, c1, depths, taylor: TaylorStep, far: FarField):
        from asymptotics.smooth_depth import DepthValues

        self.DepthValues = DepthValues
        self.taylor, self.far = taylor, far
        self.delta = _exact_arb(1 - c1)
        self.layer = 1
        self.wanted = set(depths)
        self.values, self.counts = {}, {"far": 0, "taylor": 0}
        self.two_b2 = 2 * st.upper(taylor.B[2])
        self._record()

    def _is_far(self) -> bool:
        return st.upper(self.delta) > self.taylor.switch

    def one_minus_f_prime_ball(self) -> arb:
        """1 - f'(c^l) at the current layer: at the exact midpoint, plus 2 B_2 rad (|f''| <= 2 B_2, step 3)."""
        mid, rad = arb(self.delta.mid()), arb(self.delta.rad())
        omfp = self.far.one_minus_f_prime(mid) if self._is_far() else self.taylor.one_minus_derivative(mid)
        return omfp + arb(0, st.upper(self.two_b2 * rad))

    def _record(self):
        """Called after every layer (and at layer 1); keeps the values of the wanted layers."""
        if self.layer in self.wanted:
            self.values[self.layer] = _depth_values(self.DepthValues, self.layer, self.delta,
                                                    self.one_minus_f_prime_ball())

    def advance_to(self, layer: int):
        while self.layer < layer:
            mid, rad = arb(self.delta.mid()), arb(self.delta.rad())
            if self._is_far():
                new = self.far.one_minus_f(mid)
                self.counts["far"] += 1
            else:
                new = self.taylor.value(mid, self.taylor.degree(st.upper(self.delta)))
                self.counts["taylor"] += 1
            self.delta = new + arb(0, rad)  # |g'| <= 1 on [0, 2]
            if not self.delta > 0:
                raise ComputationError("the certified orbit is not proved to stay below c = 1")
            self.layer += 1
            self._record()


def jump_from_first_good_l0(orbit, candidates, depths, digits, jump_at, digits_of, what, l0_given):
    """Advance the certified ``orbit`` to each candidate L0 in turn and jump from there with
    ``jump_at(l0, deeper_depths)``, until every jumped value has ``digits`` digits (``digits_of(value)``).
    Returns (jumped values, the L0 used; None when no depth lies beyond the candidates: the orbit then
    holds them all).  ComputationError (one line) when no candidate gives the digits."""
    problem = None
    for cand in candidates:
        if depths[-1] <= cand:
            orbit.advance_to(depths[-1])
            return {}, None
        orbit.advance_to(cand)
        try:
            jumped = jump_at(cand, [L for L in depths if L > cand])
        except ComputationError as err:
            problem = f"{err} (l0 = {cand}, 1 - c = {orbit.delta.mid().str(3, radius=False)} there)"
            continue
        short = [L for L, v in jumped.items() if digits_of(v) < digits]
        if not short:
            return jumped, cand
        problem = (f"only {digits_of(jumped[short[0]])} certified digits {what} at depth {short[0]} when jumping "
                   f"from l0 = {cand}")
    raise ComputationError(problem + ("" if l0_given is None else "; try a larger l0 or l0=None"))
