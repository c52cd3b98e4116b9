"""Seed 001 Appendix Lemma 1 at depths 10^8 ... 10^100: the derived ReLU EOC law against the certified jump.

Source: 1 - c^l = kappa/l^2 - A log(l)/l^3 + O(l^-3) and f'(c^l) = 1 - B/l + D log(l)/l^2 + O(l^-2)
(../shared/seeds/001_018e0351582ed44f.txt:732-738, 768).  The law's terms come from
:func:`asymptotics.depth_laws.relu_eoc_depth_law` (exact SymPy constants), never from the document;
the values delta_l = 1 - c^l come from :func:`asymptotics.recursion.kernel_at_depths`, which jumps along
the Fatou coordinate (certified arb balls) at these depths.

For a checked term c_(n,k) log(l)^k / l^n with the law's lower-order terms S(l):

* k = 0: measured c = (value - S) l^n at the deepest depth; error estimate 2 |T| l^n there, with T the
  law's first omitted term free of the orbit constant ell_0 (R/T -> 1 at the shallower depths supports it);
* k = 1: measured c = slope of (value - S) l^n against log l between the two deepest depths (the
  unknown ell_0 term is constant and drops out); error estimate = change from the previous slope.

R = value - S - c_(n,k) log(l)^k/l^n is reported at every depth, against T where T exists, else as R l^n
(the orbit constant's term, which must settle).  A constant off by 1e-3 relative fails at 10^12.
"""
from __future__ import annotations

import functools

import mpmath

#: depths of the jump (the old fits keep their depths up to 10^5 or 10^6)
HUGE_DEPTHS = (10**8, 10**10, 10**12, 10**100)
STARTS = (-0.5, 0.5)
DIGITS = 130  # 10^100 needs ~100 digits before log(l)/l^3 shows next to kappa/l^2
_DPS = DIGITS + 20


@functools.lru_cache(maxsize=4)
def _deltas(depths=HUGE_DEPTHS):
    """{c1: {L: (mid, rad)}} of 1 - c^L, certified balls from the Fatou-coordinate jump."""
    from asymptotics.recursion import kernel_at_depths
    from asymptotics.recursion.network import Network

    net = Network("relu", sigma_w2=2, sigma_b2=0)
    out = {}
    for c1 in STARTS:
        traj = kernel_at_depths(net, c1, list(depths), backend="arb", digits=DIGITS)
        methods = {traj.depth_methods[L] for L in depths if L > 10**6}
        if traj.method != "jump" or any(m == "iterate" for m in methods):
            from asymptotics.validation import ComputationError
            raise ComputationError(f"the certified jump was not used for c^1 = {c1} ({traj.method_note})")
        out[c1] = {L: (traj.at(L).one_minus_rho.mid, traj.at(L).one_minus_rho.rad) for L in depths}
    return out


def _fdef(delta):
    """1 - f'(c) = theta/pi, theta = 2 asin(sqrt(delta/2)) (f'(c) = 1/2 + asin(c)/pi); increasing in delta."""
    return 2 * mpmath.asin(mpmath.sqrt(delta / 2)) / mpmath.pi


def _values(quantity, depths):
    """{c1: {L: (mid, rad)}} of delta_l ('delta') or 1 - f'(c^l) ('fdef'), rad from the ball's ends."""
    out = {}
    with mpmath.workdps(_DPS):
        for c1, rows in _deltas(tuple(depths)).items():
            out[c1] = {}
            for L, (m, r) in rows.items():
                if quantity == "delta":
                    out[c1][L] = (mpmath.mpf(m), mpmath.mpf(r))
                else:
                    lo, hi = _fdef(m - r), _fdef(m + r)
                    out[c1][L] = ((lo + hi) / 2, (hi - lo) / 2 * (1 + mpmath.mpf(2) ** -(3 * _DPS)))
    return out


@functools.lru_cache(maxsize=1)
def _law():
    from asymptotics.depth_laws import ELL0, relu_eoc_depth_law

    law = relu_eoc_depth_law(3)
    # 1 - f'(c^l) = -(f'(c^l) - 1): negate the slope law's coefficients
    return {"delta": dict(law.one_minus_c.coefficients),
            "fdef": {key: -c for key, c in law.slope.coefficients.items()}}, ELL0


def law_terms(quantity):
    """{(n, k): exact SymPy coefficient} of the derived law for 'delta' or 'fdef' (ell_0-free terms only)."""
    laws, ell0 = _law()
    return {key: c for key, c in laws[quantity].items() if ell0 not in c.free_symbols}


def _num(expr):
    import sympy

    return mpmath.mpf(str(sympy.N(expr, _DPS)))


def _term(coeff, key, L):
    n, k = key
    l = mpmath.mpf(L)
    return coeff * mpmath.log(l) ** k / l**n


def _fmt(x, u):
    """x with the digits its error u supports (at most 40), u with 2."""
    if u == 0 or x == 0:
        return mpmath.nstr(x, 40, strip_zeros=False)
    supported = int(mpmath.floor(mpmath.log10(abs(x) / u)))
    return f"{mpmath.nstr(x, max(1, min(40, supported)), strip_zeros=False)} +/- {mpmath.nstr(u, 2)}"


def huge_depth_agreement(quantity, key, derived=None, depths=HUGE_DEPTHS):
    """Measure the law's coefficient ``key`` = (n, k) of ``quantity`` at huge depths; compare with ``derived``.

    ``derived`` (a number) defaults to the law's own exact value; pass another to see it rejected.
    Returns a dict: measured, uncertainty, derived, agrees (both starts within 3 error estimates),
    digits (of agreement), rows (per start and depth: R and R/T or R l^n) and a one-paragraph text.
    """
    terms = law_terms(quantity)
    n, k = key
    if key not in terms or k > 1:
        raise ValueError(f"{key} is not an ell_0-free term with k <= 1 of the {quantity} law")
    depths = tuple(sorted(depths))
    vals = _values(quantity, depths)
    with mpmath.workdps(_DPS):
        lower = {kk: _num(c) for kk, c in terms.items() if kk[0] < n}
        exact = _num(terms[key]) if derived is None else mpmath.mpf(derived)
        nxt = [kk for kk in terms if kk[0] == n + 1 and kk[1] == k + 1] if k == 0 else []
        nxt_c = _num(terms[nxt[0]]) if nxt else None
        measured, uncert, rows = [], [], []
        for c1, data in vals.items():
            scaled = {}
            for L in depths:
                m, r = data[L]
                rest = m - sum((_term(c, kk, L) for kk, c in lower.items()), mpmath.mpf(0))
                scaled[L] = (rest * mpmath.mpf(L) ** n, r * mpmath.mpf(L) ** n)
            deep = depths[-1]
            if k == 0:
                meas = scaled[deep][0]
                u = scaled[deep][1] + (2 * abs(_term(nxt_c, nxt[0], deep)) * mpmath.mpf(deep) ** n if nxt else 0)
            else:
                def slope(a, b):
                    span = mpmath.log(mpmath.mpf(b) / a)
                    return (scaled[b][0] - scaled[a][0]) / span, (scaled[a][1] + scaled[b][1]) / span
                s2, r2 = slope(depths[-2], deep)
                s1, r1 = slope(depths[-3], depths[-2])
                meas, u = s2, abs(s2 - s1) + r1 + r2
            measured.append(meas)
            uncert.append(u)
            row = []
            for L in depths:
                R = (scaled[L][0] - exact * mpmath.log(mpmath.mpf(L)) ** k) / mpmath.mpf(L) ** n
                if nxt:
                    T = _term(nxt_c, nxt[0], L)
                    row.append((L, "R/T", R / T, scaled[L][1] / mpmath.mpf(L) ** n / abs(T)))
                else:
                    row.append((L, f"R l^{n}", R * mpmath.mpf(L) ** n, scaled[L][1]))
            rows.append((c1, row))
        gaps = [abs(m - exact) for m in measured]
        agrees = all(g <= 3 * u for g, u in zip(gaps, uncert))
        u_all = max(uncert)
        worst = max(gaps)
        if worst <= u_all:
            digits = int(mpmath.floor(-mpmath.log10(u_all / abs(exact))))
            dtext = f"at least {digits} digits (within the error estimate)"
        else:
            digits = int(mpmath.floor(-mpmath.log10(worst / abs(exact))))
            dtext = f"{digits} digits"
        parts = []
        for c1, row in rows:
            cells = ", ".join(f"{_exp(L)}: {label} = {_fmt_row(v, rad)}" for L, label, v, rad in row)
            parts.append(f"c^1 = {c1}: {cells}")
        power = "l" if n == 1 else f"l^{n}"
        basis = f"log(l)/{power}" if k else f"1/{power}"
        how = ("(value - law's lower terms) l^n at the deepest depth, error 2|T| l^n there" if k == 0 else
               "slope of (value - law's lower terms) l^n against log l between the two deepest depths, "
               "error = change from the previous slope")
        text = (f"certified Fatou-coordinate jump (arb, {DIGITS} digits) at depths "
                f"{', '.join(_exp(L) for L in depths)}: [{basis}] of {_QUANTITY[quantity]} measured "
                + "; ".join(f"{_fmt(m, u)} (c^1 = {c1})" for m, u, c1 in zip(measured, uncert, vals))
                + f" by {how}; derived (asymptotics.depth_laws) {mpmath.nstr(exact, 20)}: "
                f"{'agrees' if agrees else 'DISAGREES'}, {dtext}; largest gap {mpmath.nstr(worst, 2)}. Remainder after the law's terms through "
                f"this one (T = the law's first omitted ell_0-free term): " + "; ".join(parts))
        return {"measured": measured, "uncertainty": uncert, "derived": exact, "agrees": agrees,
                "digits": digits, "rows": rows, "text": text}


_QUANTITY = {"delta": "1 - c^l", "fdef": "1 - f'(c^l)"}


def _fmt_row(v, rad):
    """4 digits, or fewer when the ball's radius does not support them."""
    if rad and abs(v) / rad < 10**4:
        return _fmt(v, rad)
    return mpmath.nstr(v, 4)


def _exp(L):
    e = len(str(L)) - 1
    return f"1e{e}" if L == 10**e else str(L)
