"""One point of a phase diagram: q*, chi_1, the phase, depth scales, c*, or the constants on the edge.

Definitions (seed 001, Hayou, Doucet, Rousseau, ../shared/seeds/001_018e0351582ed44f.txt:619
and Facts 1-4 at :627-636; the depth scales of Schoenholz, Gilmer, Ganguli, Sohl-Dickstein,
"Deep Information Propagation", 2017):

* q* = V(q*) = sigma_b^2 + sigma_w^2 E[phi(sqrt(q*) Z)^2]            (Newton's method of eoc.fixed_point_raw);
* chi_1 = sigma_w^2 E[phi'(sqrt(q*) Z)^2]: ordered < 1, Edge of Chaos = 1, chaotic > 1;
* chi_q = V'(q*) = sigma_w^2 (E[phi'^2] + E[phi phi''])  (heat equation), xi_q = -1 / log chi_q;
* chi_c = f'(c*) at the stable correlation c* (c* = 1 and chi_c = chi_1 when ordered; c* < 1 from
  the Mehler series of :mod:`asymptotics.mehler` when chaotic), xi_c = -1 / log chi_c;
* optionally c^L, the correlation after L layers from c^1 = c0 (iterating the Mehler map).

On the edge (:func:`edge_point`, sigma_b given, sigma_w = sigma_w^EOC(sigma_b)): with
f(1 - delta) = 1 - delta + f''(1) delta^2 / 2 - f'''(1) delta^3 / 6 + ... (seed 001 Fact 7, :648),
the parabolic map delta -> delta - g_1 delta^2 - g_2 delta^3 has g_1 = f''(1)/2, g_2 = -f'''(1)/6,
and its Fatou coordinate (see :mod:`asymptotics.depth_laws`) gives

    1 - c^l = A / l - A beta log(l) / l^2 + O(1/l^2),   A = 2 / f''(1),   beta = 1 - 2 f'''(1) / (3 f''(1)^2).

Accuracy: every number is an Approx.  Off the edge, two runs that differ in every rounding (working
precision dps + 12 with quadrature tolerance 10^-(dps+10) at q*'s midpoint, against dps + 6 with
10^-(dps+6) at q*'s upper end) give the radius, plus the Mehler truncation bounds; on the edge the
radii of eoc.edge_of_chaos and eoc.derivatives_at_one_eoc, propagated to first order (doubled).
"""
from __future__ import annotations

import mpmath

from asymptotics import eoc, gaussian, mehler
from asymptotics.accuracy import AGREEMENT, Approx
from asymptotics.dual import activation_of, check_sigma, param
from asymptotics.validation import ComputationError, InputError, check_correlation, check_depth, check_digits

#: the numbers of a grid row and of an edge row, in table order
GRID_FIELDS = ("q_star", "chi_1", "chi_q", "xi_q", "c_star", "chi_c", "xi_c", "c_at_depth")
EDGE_FIELDS = ("sigma_w_eoc", "q_star", "chi_1", "f2", "f3", "A", "beta")
MAX_DEPTH = 10**4
_MAX_TERMS = 1536
# odd, and concave on (0, inf) (phi'' < 0 there), so |phi(x)| < |phi'(0) x| for x != 0
_ODD_CONCAVE = ("tanh", "erf")


def _approx(a, b, extra=0) -> Approx:
    with mpmath.workdps(mpmath.mp.dps + 20):
        return Approx(+a, abs(a - b) + extra, AGREEMENT)


def depth_scale(chi: Approx):
    """-1 / log(chi) with a doubled first-order radius; None when chi's ball contains 1 (infinite)."""
    with mpmath.workdps(60):
        if abs(chi.mid - 1) <= chi.rad or chi.mid <= chi.rad:
            return None
        value = -1 / mpmath.log(chi.mid)
        slope = 1 / (chi.mid * mpmath.log(chi.mid) ** 2)
        return Approx(value, 2 * abs(slope) * chi.rad, chi.method)


def _chi_pieces(act, sw2, q, tol):
    """(chi_1, chi_q) at the working precision by the trapezoid rule on [phi'^2, phi phi'']."""
    all_d = act.extra.get("all_derivatives") if act.extra else None
    if all_d is None:
        derivs = [act.derivative(j) for j in range(3)]
        all_d = lambda x, n: [d(x) for d in derivs]  # noqa: E731
    root_q = mpmath.sqrt(q)
    even = bool(act.extra.get("odd") or act.extra.get("even")) if act.extra else False

    def F(z):
        d = all_d(root_q * z, 2)
        return [d[1] ** 2, d[0] * d[2]]

    (m11, m02), errors = gaussian.trapezoid_raw(F, tol, even=even)
    return sw2 * m11, sw2 * (m11 + m02), sw2 * (errors[0] + errors[1])


def _fixed_point_two_runs(act, sigma_w, sigma_b, dps):
    """q* (Approx) and the two runs' (chi_1, chi_q, quadrature error), each run at its own q*.

    eoc.fixed_point_raw (bracket scan, then Newton on trapezoid moments) at dps + 12 (target dps + 8);
    then Newton again from that root at dps + 6 (target dps + 3, tolerance 10^-(dps+6)): the second run
    stops at a coarser step and rounds differently, so the difference bounds the first run's error
    (the tanh-sinh rule of eoc.variance_fixed_point and a second bracket scan would cost 3x more).
    """
    runs, pieces = [], []
    if param(sigma_b) == 0 and act.name in _ODD_CONCAVE:
        with mpmath.workdps(dps + 12):
            slope2 = param(sigma_w) ** 2 * act.derivative(1)(mpmath.mpf(0)) ** 2
        if slope2 <= 1:  # phi^2 < phi'(0)^2 x^2, so V(q) < q for q > 0: q* = 0, no search needed
            zero = Approx(mpmath.mpf(0), mpmath.mpf(0), AGREEMENT)
            return zero, [(slope2, slope2, mpmath.mpf(0))] * 2
    start = None
    for wp, target, tol in ((dps + 12, dps + 8, mpmath.mpf(10) ** -(dps + 10)), (dps + 6, dps + 3, mpmath.mpf(10) ** -(dps + 6))):
        with mpmath.workdps(wp):
            sw2, sb2 = param(sigma_w) ** 2, param(sigma_b) ** 2
            if start is None:  # bracket scan + Newton (eoc); the second run starts from its result
                q = eoc.fixed_point_raw(act, sw2, sb2, "trapezoid", target)
            else:
                q = _newton_fixed_point(act, sw2, sb2, +start, tol, target)
            start = q
            runs.append(+q)
            if q > 0:
                pieces.append(_chi_pieces(act, sw2, q, tol))
            else:  # q* = 0 (sigma_b = 0, phi(0) = 0): chi_1 = chi_q = sigma_w^2 phi'(0)^2
                chi = sw2 * act.derivative(1)(mpmath.mpf(0)) ** 2
                pieces.append((chi, chi, mpmath.mpf(0)))
    with mpmath.workdps(dps + 20):
        q_a, q_b = runs
        return Approx(q_a, max(abs(q_a - q_b), abs(q_a) * mpmath.mpf(10) ** -(dps + 5)), AGREEMENT), pieces


def _newton_fixed_point(act, sw2, sb2, q, tol, target: int):
    """Newton's method for q = sb2 + sw2 E[phi(sqrt(q) Z)^2] from q (near the stable root), trapezoid moments;
    the slope is sw2 (E[phi'^2] + E[phi phi'']) - 1 (heat equation)."""
    if q <= 0:
        return q
    all_d = act.extra.get("all_derivatives") if act.extra else None
    if all_d is None:
        derivs = [act.derivative(j) for j in range(3)]
        all_d = lambda x, n: [d(x) for d in derivs]  # noqa: E731
    even = bool(act.extra.get("odd") or act.extra.get("even")) if act.extra else False
    for _ in range(30):
        root_q = mpmath.sqrt(q)

        def F(z):
            d = all_d(root_q * z, 2)
            return [d[0] ** 2, d[1] ** 2 + d[0] * d[2]]

        (m0, m1), _ = gaussian.trapezoid_raw(F, tol, even=even)
        step = (sb2 + sw2 * m0 - q) / (sw2 * m1 - 1)
        q -= step
        if abs(step) <= abs(q) * mpmath.mpf(10) ** -(target + 1):
            return q
    raise ComputationError(f"q*: Newton's method did not converge at sigma_w^2 = {mpmath.nstr(sw2, 8)}")


def _runs(dps: int, q: Approx):
    """The two independent runs: (working dps, quadrature tolerance, q)."""
    return ((dps + 12, mpmath.mpf(10) ** -(dps + 10), q.mid),
            (dps + 6, mpmath.mpf(10) ** -(dps + 6), q.mid + q.rad))


def grid_point(activation, sigma_w, sigma_b, digits: int = 15, depth=None, c0="0.5") -> dict:
    """Phase and the quantities deciding it at (sigma_w, sigma_b); {name: Approx | None | str}."""
    check_sigma("sigma_w", sigma_w)
    check_sigma("sigma_b", sigma_b)
    if param(sigma_w) == 0:
        raise InputError("sigma_w", "must be > 0")
    dps = check_digits("digits", digits)
    if depth is not None:
        depth = check_depth("depth", depth)
        if depth > MAX_DEPTH:
            raise InputError("depth", f"at most {MAX_DEPTH} (the Mehler map is iterated layer by layer)")
        check_correlation("c0", c0)
    act = activation_of(activation)
    row = {"activation": act.name, "kind": "grid", "sigma_w": str(sigma_w), "sigma_b": str(sigma_b)}
    if act.is_relu_family or act.kink:
        return _from_classify(row, eoc.classify(act, sigma_b, sigma_w, dps), depth)
    q, pieces = _fixed_point_two_runs(act, sigma_w, sigma_b, dps)
    (chi_a, chiq_a, err_a), (chi_b, chiq_b, err_b) = pieces
    with mpmath.workdps(dps + 20):
        chi_1 = _approx(chi_a, chi_b, err_a + err_b + mpmath.mpf(10) ** -(dps + 5))
        chi_q = _approx(chiq_a, chiq_b, err_a + err_b + mpmath.mpf(10) ** -(dps + 5))
    row.update(q_star=q, chi_1=chi_1, chi_q=chi_q, xi_q=depth_scale(chi_q))
    one = Approx(mpmath.mpf(1), mpmath.mpf(0), AGREEMENT)
    if abs(chi_1.mid - 1) <= chi_1.rad:
        row.update(phase="eoc", c_star=one, chi_c=chi_1, xi_c=None, note="chi_1 = 1 within its accuracy (xi_c infinite)")
    elif chi_1.mid < 1:
        row.update(phase="ordered", c_star=one, chi_c=chi_1, xi_c=depth_scale(chi_1), note="")
    else:
        c_star, chi_c = _chaotic(act, sigma_w, sigma_b, q, dps)
        row.update(phase="chaotic", c_star=c_star, chi_c=chi_c, xi_c=depth_scale(chi_c), note="")
    row["c_at_depth"] = _correlation_at_depth(act, sigma_w, sigma_b, q, dps, depth, c0) if depth else None
    return row


def _two_runs(act, sigma_w, sigma_b, q: Approx, dps: int, solve):
    """``solve(map, tol)`` in both runs (at their precisions); the number of Mehler terms is doubled
    until both return a result (None: truncation too coarse)."""
    terms = 48
    while terms <= _MAX_TERMS:
        results = []
        for wp, tol, q_run in _runs(dps, q):
            with mpmath.workdps(wp):
                result = solve(mehler.mehler_map(act, sigma_w, sigma_b, +q_run, terms, tol), tol)
            if result is None:
                break
            results.append(result)
        if len(results) == 2:
            return results
        terms *= 2
    raise ComputationError(f"Mehler series of {act.name}: {_MAX_TERMS} terms do not reach "
                           f"{dps} digits at sigma_w = {sigma_w}, sigma_b = {sigma_b}")


def _chaotic(act, sigma_w, sigma_b, q, dps):
    target = mpmath.mpf(10) ** -(dps + 3)  # truncation allowed in the result
    def solve(fmap, tol):
        c = mehler.stable_fixed_point(fmap, tol)
        try:
            slope, slope_tail = fmap.slope(c)
        except ComputationError:
            return None
        root_tail = fmap.value(c)[1] / (1 - slope)  # |shift of the root| <= tail / |1 - f'(c*)|
        return None if max(root_tail, slope_tail) > target else (c, slope, root_tail, slope_tail)

    (c_a, s_a, tc_a, ts_a), (c_b, s_b, tc_b, ts_b) = _two_runs(act, sigma_w, sigma_b, q, dps, solve)
    floor = mpmath.mpf(10) ** -(dps + 5)
    with mpmath.workdps(dps + 20):
        return _approx(c_a, c_b, 2 * (tc_a + tc_b) + floor), _approx(s_a, s_b, 2 * (ts_a + ts_b) + floor)


def _correlation_at_depth(act, sigma_w, sigma_b, q, dps, depth, c0):
    """c^depth from c^1 = c0 by iterating the Mehler map in both runs; radius |A - B| + accumulated tails."""
    if q.mid == 0:
        raise ComputationError("q* = 0: the correlation is undefined (sigma_b = 0 and phi(0) = 0, ordered)")
    target = mpmath.mpf(10) ** -(dps + 3)

    def solve(fmap, tol):
        c, tails = param(c0), mpmath.mpf(0)
        for _ in range(depth - 1):
            c, tail = fmap.value(c)
            tails += tail
        return None if tails > target else (c, tails)

    (c_a, t_a), (c_b, t_b) = _two_runs(act, sigma_w, sigma_b, q, dps, solve)
    with mpmath.workdps(dps + 20):
        return _approx(c_a, c_b, t_a + t_b + mpmath.mpf(10) ** -(dps + 5))


def _from_classify(row, phase, depth) -> dict:
    if depth:
        raise InputError("depth", f"c^L of {phase.activation} is the job of 'ntk-verify kernel' (closed-form family)")
    row.update(phase=phase.phase, q_star=phase.q_star, chi_1=phase.chi_1, chi_q=phase.chi_q, xi_q=phase.xi_q,
               c_star=phase.c_star, chi_c=phase.chi_c, xi_c=phase.xi_c, c_at_depth=None, note=phase.note)
    return row


def edge_point(activation, sigma_b, digits: int = 15) -> dict:
    """On the Edge of Chaos at sigma_b: sigma_w, q*, chi_1, f''(1), f'''(1) and the depth-law constants A, beta."""
    check_sigma("sigma_b", sigma_b)
    dps = check_digits("digits", digits)
    act = activation_of(activation)
    point = eoc.edge_of_chaos(act.name if not act.extra.get("user") else act, sigma_b, dps)
    row = {"activation": act.name, "kind": "edge", "sigma_w": "", "sigma_b": str(sigma_b), "phase": "eoc",
           "sigma_w_eoc": point.sigma_w, "q_star": point.q_star, "chi_1": point.chi_1,
           "f2": None, "f3": None, "A": None, "beta": None, "note": point.accuracy}
    if act.is_relu_family:
        row["note"] += "; ReLU family: a Puiseux expansion in sqrt(1 - c) (see 'ntk-verify series')"
        return row
    if point.q_star is not None and point.q_star.mid == 0:
        row["note"] += "; q* = 0: f(c) = c to every order at q -> 0, so no parabolic constants"
        return row
    values = eoc.derivatives_at_one_eoc(act.name, sigma_b, 3, dps)
    f2, f3 = values[2], values[3]
    with mpmath.workdps(dps + 20):
        a_mid = 2 / f2.mid
        a_rad = 2 * 2 * f2.rad / f2.mid**2
        beta_mid = 1 - 2 * f3.mid / (3 * f2.mid**2)
        beta_rad = 2 * (2 * f3.rad / (3 * f2.mid**2) + 4 * abs(f3.mid) * f2.rad / (3 * abs(f2.mid) ** 3))
    if f2.rad >= abs(f2.mid) / 4:
        raise ComputationError(f"f''(1) of {act.name} at sigma_b = {sigma_b} not resolved")
    row.update(f2=f2, f3=f3, A=Approx(a_mid, a_rad, AGREEMENT), beta=Approx(beta_mid, beta_rad, AGREEMENT))
    return row
