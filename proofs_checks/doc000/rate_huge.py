"""Seed 000's normalised-NTK rate at depths 10^8 ... 10^100: the derived law against the certified jump.

Source: Theta-bar^(L)(x, x') -> its limit "at a logarithmic rate" (../shared/seeds/ of seed 000, lines 408-414);
the derived law Theta-bar^(L) = 1/4 + (3/8) log(L)/L + (ell_0/4 - 1/8)/L + O(log(L)/L^2) comes from
:func:`asymptotics.linalg.normalized_ntk_law` (asymptotics.depth_laws), never from the document.
N_L - 1/4 comes from :func:`asymptotics.recursion.kernel_at_depths` (certified Fatou-coordinate jump,
``traj.extras[L]["ntk_minus_limit"]``, full absolute accuracy at any depth).

* rate constant: slope of L (N_L - 1/4) against log L between the two deepest depths (the 1/L term is a
  constant and drops out); error estimate = change from the previous slope plus the balls' radii;
* ell_0 of each pair from its certified 1 - rho at the deepest depth through the law of 1 - rho
  (relu_eoc_depth_law to 4 orders, solved for ell_0 by Newton; its error at 10^100 is far below the 1/L^2 terms);
* R = (N_L - 1/4) - the law's terms of order 1/L (with that ell_0), T = its terms of order 1/L^2: R/T -> 1.
"""
from __future__ import annotations

import functools

import mpmath

HUGE_DEPTHS = (10**8, 10**10, 10**12, 10**100)
RHOS = (0.0, 0.6, -0.9)
DIGITS = 130
_DPS = DIGITS + 20
#: ell_0 enters 1 - rho at 1e100 at relative size 1e-100, so 130 digits give it ~30 digits: enough for the
#: 1/L^2 terms only while ell_0's error / L stays far below log(L)/L^2, i.e. well below L ~ 1e30
RATIO_DEPTH_LIMIT = 10**20


@functools.lru_cache(maxsize=4)
def _jump(depths=HUGE_DEPTHS):
    """{rho1: {L: (delta mid, delta rad, excess mid, excess rad)}} with excess = N_L - 1/4 (certified balls)."""
    from asymptotics import linalg as la
    from asymptotics.recursion import kernel_at_depths
    from asymptotics.validation import ComputationError

    out = {}
    for r in RHOS:
        traj = kernel_at_depths(la.relu_network(), r, list(depths), backend="arb", digits=DIGITS)
        if traj.method != "jump" or any(L not in traj.extras for L in depths if L > 10**6):
            raise ComputationError(f"the certified jump was not used for rho1 = {r} ({traj.method_note})")
        out[r] = {}
        for L in depths:
            d, e = traj.at(L).one_minus_rho, traj.extras[L]["ntk_minus_limit"]
            out[r][L] = (d.mid, d.rad, e.mid, e.rad)
    return out


def _n(expr):
    import sympy

    return mpmath.mpf(str(sympy.N(expr, _DPS)))


@functools.lru_cache(maxsize=1)
def _delta_law_polys():
    """[(n, k, [numeric coefficients of the ell_0 polynomial, low to high])] of the 1 - rho law (4 orders)."""
    import sympy

    from asymptotics.depth_laws import ELL0, relu_eoc_depth_law

    law = relu_eoc_depth_law(4).one_minus_c
    out = []
    for (n, k), c in law.coefficients.items():
        poly = sympy.Poly(sympy.expand(c), ELL0)
        out.append((n, k, [_n(poly.coeff_monomial(ELL0**j)) for j in range(poly.degree() + 1)]))
    return out


def _ell0(delta, L):
    """ell_0 solving 1 - rho^(L) = the law of 1 - rho (4 orders, ell_0 polynomial) at depth L (Newton)."""
    l = mpmath.mpf(L)
    logl = mpmath.log(l)
    polys = _delta_law_polys()

    def law_at(e):
        return sum(sum(c * e**j for j, c in enumerate(cs)) * logl**k / l**n for n, k, cs in polys)

    return mpmath.findroot(lambda e: (law_at(e) - delta) * l**3, mpmath.mpf(0), tol=mpmath.mpf(10) ** (-_DPS + 10))


def _law_part(law, order, L, ell0):
    """Sum of the law's terms log(L)^k / L^order (coefficients may contain ell_0)."""
    import sympy

    from asymptotics.depth_laws import ELL0

    l = mpmath.mpf(L)
    total = mpmath.mpf(0)
    for (n, k), c in law.off_diagonal.coefficients.items():
        if n == order:
            total += _n(sympy.sympify(c).subs(ELL0, sympy.Float(mpmath.nstr(ell0, _DPS), _DPS))) * mpmath.log(l) ** k / l**n
    return total


def rate_at_huge_depths(derived_rate=None, depths=HUGE_DEPTHS):
    """Measured (3/8-type) rate constant per pair vs ``derived_rate`` (default: the law's) and R/T per depth.

    Returns dict: measured, uncertainty, derived, agrees (all pairs within 3 error estimates), digits,
    ratios {rho1: [(L, R/T)]}, ell0 {rho1: ell_0} and a one-paragraph text.
    """
    from asymptotics import linalg as la

    law = la.normalized_ntk_law()
    depths = tuple(sorted(depths))
    data = _jump(depths)
    with mpmath.workdps(_DPS):
        derived = _n(law.rate_constant) if derived_rate is None else mpmath.mpf(derived_rate)
        measured, uncert, ratios, ells = [], [], {}, {}
        for r, rows in data.items():
            scaled = {L: (rows[L][2] * L, rows[L][3] * L) for L in depths}

            def slope(p, q):
                span = mpmath.log(mpmath.mpf(q) / p)
                return (scaled[q][0] - scaled[p][0]) / span, (scaled[p][1] + scaled[q][1]) / span

            s2, r2 = slope(depths[-2], depths[-1])
            s1, r1 = slope(depths[-3], depths[-2])
            measured.append(s2)
            uncert.append(abs(s2 - s1) + r1 + r2)
            ell = _ell0(mpmath.mpf(rows[depths[-1]][0]), depths[-1])
            ells[r] = ell
            ratios[r] = []
            for L in (L for L in depths if L < RATIO_DEPTH_LIMIT):
                R = rows[L][2] - _law_part(law, 1, L, ell)
                ratios[r].append((L, R / _law_part(law, 2, L, ell)))
        gaps = [abs(m - derived) for m in measured]
        agrees = all(g <= 3 * u for g, u in zip(gaps, uncert))
        u_all, worst = max(uncert), max(gaps)
        digits = int(mpmath.floor(-mpmath.log10(max(u_all, worst) / abs(derived))))
        dtext = f"at least {digits} digits (within the error estimate)" if worst <= u_all else f"{digits} digits"
        exps = {L: _exp(L) for L in depths}
        text = (f"certified Fatou-coordinate jump (arb, {DIGITS} digits) at depths {', '.join(exps.values())}: "
                f"rate constant [log(L)/L] of Theta-bar^(L) - 1/4 measured "
                + "; ".join(f"{_fmt(m, u)} (rho1 = {r})" for m, u, r in zip(measured, uncert, data))
                + f" (slope of L (Theta-bar - 1/4) against log L between the two deepest depths, error = change "
                f"from the previous slope); derived (asymptotics.depth_laws) {mpmath.nstr(derived, 20)}: "
                f"{'agrees' if agrees else 'DISAGREES'}, {dtext}; largest gap {mpmath.nstr(worst, 2)}. With ell_0 "
                f"from each pair's 1 - rho at {exps[depths[-1]]} ("
                + ", ".join(f"{mpmath.nstr(e, 12)}" for e in ells.values())
                + "), R = Theta-bar - 1/4 - the law's 1/L terms over T = its 1/L^2 terms, as R/T - 1 (at depths below "
                f"1e20; ell_0's ~30 digits do not resolve T beyond): "
                + "; ".join(f"rho1 = {r}: " + ", ".join(f"{exps[L]}: {mpmath.nstr(q - 1, 3)}" for L, q in rows)
                            for r, rows in ratios.items()))
        return {"measured": measured, "uncertainty": uncert, "derived": derived, "agrees": agrees,
                "digits": digits, "ratios": ratios, "ell0": ells, "text": text}


def _fmt(x, u):
    supported = int(mpmath.floor(mpmath.log10(abs(x) / u))) if u else 40
    return f"{mpmath.nstr(x, max(1, min(40, supported)), strip_zeros=False)} +/- {mpmath.nstr(u, 2)}"


def _exp(L):
    e = len(str(L)) - 1
    return f"1e{e}" if L == 10**e else str(L)
