"""Seed 000, Theorem 3: the limiting kernel-regression weights, and Proposition 5 (the smooth step psi_d)
(../shared/seeds/000_f7801e5ab975f0a8.txt:297-353).
"""
from __future__ import annotations

import math

import mpmath
import numpy as np

from asymptotics import linalg as la, smooth_step as ss
from asymptotics.accuracy import format_approx
from proofs_checks.doc000.common import SEED, _confirmed_if, _g, _refuted_unless
from proofs_checks.registry import claim
from proofs_checks.verdict import judge

# ============================================================================ Theorem 3
def _weights_table(n, depths, n0=128, seed=0, m=3):
    X = la.sphere_data(n, n0, seed)
    x = np.vstack([la.sphere_data(m, n0, seed + 1), X[:1]])
    run = la.ntk_grams(X, depths, x=x)
    out = {}
    for L in depths:
        g = run.at(L)
        out[L] = la.weights_certified(g.E, g.E_x, g.E_rad, g.E_x_rad)
    return out


@claim("depth_ntk.thm3.limit_exists", SEED, (305, 315),
       r"\bar\Theta^{(L)}(x^\top X^\top)\big(\bar\Theta^{(L)}(XX^\top)\big)^{-1} \text{ converges as } L\to\infty",
       "limit", title="Theorem 3: the kernel-regression weights converge",
       strength=('independent', 'certified weights at four depths approach the derived limit and the residual of the derived two-term expansion shrinks'))
def _thm3_limit(level):
    n = 10 if level == "quick" else 30
    depths = [10, 100, 1000, 10**4] if level == "quick" else [10, 100, 10**3, 10**4, 10**5]
    tab = _weights_table(n, depths, m=1)
    lim = la.limiting_weights(n)
    w_inf = float(lim.value.mid)
    # next order: v1 from the Fatou shifts of all pairs (depth law), compared with L (w - w_inf) - rate log L
    rate, v1 = la.first_order_from_gram(la.ntk_grams(la.sphere_data(n, 128, 0), [1000], x=la.sphere_data(1, 128, 1)).at(1000))
    v1 = v1[0]
    dist = [float(np.abs(tab[L].values[0] - w_inf).max()) for L in depths]
    resid = [float(np.abs(L * (tab[L].values[0] - w_inf) - rate * math.log(L) - v1).max() / np.abs(v1).max())
             for L in depths]
    ok = resid[-1] < resid[-2] < resid[0] and dist[-1] < dist[0] / 100
    return _confirmed_if(ok, "the weights converge (to a limit the paper does not compute)",
                     f"limit w_inf = {lim.weight} 1 = {format_approx(lim.value, 8)} for n = {n}; max |w^(L) - w_inf| = "
                     + ", ".join(f"{_g(dd, 3)} (L={L})" for dd, L in zip(dist, depths))
                     + f"; relative size of L (w - w_inf) - {lim.rate} log(L) - v1 (v1 derived): "
                     + ", ".join(_g(r, 2) for r in resid),
                     "certified weights (arb_mat.solve on entry balls); w_inf, the log L / L rate and the 1/L vector v1 "
                     "derived from the depth law",
                     "The limit exists because Theta-bar^(L)(XX^T) tends to the *invertible* matrix (3/4) I + (1/4) 1 1^T "
                     "(not to the singular ones matrix as the paper argues); w^(L) = w_inf + (6/(n+3)^2) log(L)/L 1 + "
                     "v1/L + o(1/L), v1 = kappa_inf^-1 (c_x - w_inf C 1) with c = ell_0/4 - 1/8 per pair (ell_0: Fatou "
                     "shift); the residual shrinking ~ log L / L confirms the two derived orders")


@claim("depth_ntk.thm3.limit_nontrivial", SEED, 353,
       r"\lim_L \kappa_x^\top\kappa^{-1} \text{ depends on } x \text{ and is non-trivial}", "limit",
       title="the limiting weights depend on x and are non-trivial",
       severity=('substantive', 'the limiting weights are the constant 1/(n+3) 1 for every x off the data: the limiting predictor is trivial, contrary to the conclusion'))
def _thm3_nontrivial(level):
    n = 10 if level == "quick" else 30
    depths = [10**4] if level == "quick" else [10**5]
    L = depths[-1]
    w = _weights_table(n, depths, m=3)[L].values[:3]
    lim = la.limiting_weights(n)
    spread = float(np.abs(w - float(lim.value.mid)).max())
    ok = spread > 10 * (float(lim.rate_value.mid) * math.log(L) / L + 5.0 / L)  # x-dependence beyond the remainder
    return _refuted_unless(ok, "the limit depends on x (a non-trivial function of x)",
                   f"three unrelated test points at L = {L}: every weight within {spread:.2e} of {lim.weight} = "
                   f"{format_approx(lim.value, 6)}; bound for the remainder (6/(n+3)^2) log L/L = "
                   f"{float(lim.rate_value.mid) * math.log(L) / L:.2e} + O(1/L)",
                   f"for every x on the sphere that is not a data point (antipodes included) the limit is "
                   f"{lim.weight} 1_n, the same for all x and all data sets of size n; so "
                   f"f_inf(x) -> f_0(x) + (1/(n+3)) sum_i (y*_i - y0_i). At x = x_i the weights are e_i at every depth, "
                   f"so the limit map x -> w_inf(x) is discontinuous at the data points and the convergence is not uniform "
                   f"near them (x close to x_i keeps w ~ e_i up to depths ~ 1/angle(x, x_i))",
                   "certified weights; the limit is derived from the depth law (lambda = 1/4) by solving "
                   "((3/4) I + (1/4) 1 1^T) w = (1/4) 1 symbolically", agreement="certified")


@claim("depth_ntk.thm3.limit_at_data_point", SEED, 353,
       r"x = x_i \Rightarrow \lim_L \kappa_x^\top\kappa^{-1} = e_i", "limit", title="at a data point the limit is e_i",
       strength=('consistency', 'at x = x_i, kappa_x is column i of kappa, so kappa^-1 kappa_x = e_i at every depth by construction'))
def _thm3_data_point(level):
    n = 10
    depths = [10, 1000, 10**4] if level == "quick" else [10, 10**3, 10**5]
    tab = _weights_table(n, depths)
    errs = [max(float(abs(a.mid - (1 if i == 0 else 0)) + a.rad) for i, a in enumerate(tab[L].approx[3]))
            for L in depths]
    contains = all(abs(a.mid - (1 if i == 0 else 0)) <= a.rad for L in depths for i, a in enumerate(tab[L].approx[3]))
    return judge("limit e_i", "max |w - e_0| (certified bound) " + ", ".join(f"{e:.1e} (L={L})"
                                                                             for e, L in zip(errs, depths)),
                 contains, "certified enclosures contain e_0",
                 "exact at every depth (kappa_x is column i of kappa); certified solve with x = x_0",
                 corrected="(not e_i)")


@claim("depth_ntk.thm3.bound_and_norm", SEED, (319, 321),
       r"\kappa_x^\top\kappa^{-1} < C(x)\mathbf 1_n^\top,\ \|\kappa^{-1}\kappa_x\|_2 \in O(n)", "inequality",
       title="Theorem 3: entrywise bound C(x) and O(n) norm",
       strength=('independent', "certified weights for n = 5..40; the norm's fitted exponent in n is far below 1 (see evidence), so O(n) holds with room"))
def _thm3_bounds(level):
    ns = (5, 10, 20, 40) if level == "quick" else (5, 10, 20, 40, 80)
    L = 10**3 if level == "quick" else 10**4
    rows = []
    for n in ns:
        w = _weights_table(n, [L])[L].values[:3]
        rows.append((n, float(w.max()), float(np.linalg.norm(w, axis=1).max())))
    ok = all(a < 1.5 and b < 3 * n for n, a, b in rows)
    exponent, _ = np.polyfit(np.log([r[0] for r in rows]), np.log([r[2] for r in rows]), 1)  # ||w|| ~ n^exponent
    return _confirmed_if(ok, "entries bounded by C(x), norm O(n)",
                     "; ".join(f"n={n}: max w = {a:.4f}, max ||w||_2 = {b:.4f}" for n, a, b in rows)
                     + f"; fitted exponent of max ||w||_2 in n: {exponent:.2f} (O(n) needs <= 1)",
                     "certified weights at L = %d" % L,
                     "both hold (for L large), and much more sharply: the limit has entries 1/(n+3) and norm "
                     "sqrt(n)/(n+3) = O(n^-1/2); a constant C works for all x (the limit map itself is discontinuous "
                     "at the data points, see limit_nontrivial)")


# ---------------------------------------------------------------- the proof's ingredients
@claim("depth_ntk.prop5.boundary_values", SEED, (297, 299),
       r"\psi_d(-1) = 0,\ \psi_d(1) = 1", "identity", title="Proposition 5 (1), (2)",
       strength=('consistency', "psi_d(+-1) are the definition's values; the one-sided limits are elementary"))
def _psi_boundary(level):
    near = [(float(ss.psi(d, -1 + 1e-3)), float(ss.psi(d, 1 - 1e-3))) for d in (0.1, 1, 10)]
    ok = ss.psi(1, -1) == 0 and ss.psi(1, 1) == 1 and all(a < 0.5 and b > 0.5 for a, b in near)
    return judge("psi_d(-1) = 0, psi_d(1) = 1", f"definition; one-sided values at 1 -+ 1e-3 for d = 0.1, 1, 10: "
                 + ", ".join(f"({a:.3g}, {b:.3g})" for a, b in near),
                 ok, "exact", "by definition, and continuous: psi_d(z) -> 0 (z -> -1+), -> 1 (z -> 1-) since the "
                 "exponent -2z/(d(1-z^2)) -> +inf / -inf", corrected="(boundary values differ)")


@claim("depth_ntk.prop5.smooth", SEED, 301, r"\psi_d \in C^\infty([-1,1])", "identity", title="Proposition 5 (3)",
       strength=('independent', 'one-sided derivatives at distances 1e-2, 3e-3 from +-1 computed at 40 digits are negligible (see computed)'))
def _psi_smooth(level):
    ks = range(1, 5) if level == "quick" else range(1, 8)
    worst, shrinking = 0.0, True
    for k in ks:
        for side in (1, -1):
            vals = ss.boundary_derivatives(0.5, k, side, distances=(1e-2, 3e-3))
            far, near = (abs(v) for _, v in vals)
            shrinking &= near < far * 1e-30  # flat: far smaller closer to the boundary, not merely small
            worst = max(worst, float(far), float(near))
    return judge("C-infinity on [-1, 1]", f"one-sided derivatives of orders {list(ks)} at 1 -+ 1e-2, 3e-3 (d = 0.5): "
                 f"max |psi^(k)| = {worst:.1e}, each at least 1e30 times smaller at 3e-3 than at 1e-2: {shrinking}",
                 shrinking and worst < 1e-20, "mpmath, 40 digits",
                 "every derivative of order k >= 1 is a polynomial in z, 1/d, 1/(1-z^2), S and T = 1 - S times S T "
                 "(S = psi_d), and S T <= exp(-2|z|/(d(1-z^2))) kills every power of 1/(1-z^2): all one-sided "
                 "derivatives at +-1 are 0, matching the constant extensions", corrected="(not smooth at +-1)")


@claim("depth_ntk.prop5.property4", SEED, 303,
       r"\lim_{d\to0^+} \frac{\psi_d^{(k)}(z)}{d^j} = 0\quad \forall j,k \in \mathbb N_0", "limit",
       title="Proposition 5 (4): all derivatives vanish faster than any power of d",
       severity=('slip', 'holds for z != 0 with k >= 1 (and k = 0 on [-1, 0)), fails at z = 0 and uniformly; the proof of Theorem 3 uses it where it fails, but the v_(i,j) still vanish for another reason (thm3.proof.v_vanish_via_det)'))
def _psi_property4(level):
    at0 = {k: ss.derivative_at_zero(k) for k in range(0, 4)}
    tab_pos = ss.property4_table(0.5, ks=(0,), j=0, ds=(1e-1, 1e-2, 1e-3))
    tab_neg = ss.property4_table(-0.5, ks=(0, 1, 2), j=5, ds=(1e-2, 1e-3))
    tv = [float(ss.total_variation(d)) for d in (1e-1, 1e-2, 1e-3)]
    ok = at0[0] == 0 and abs(tab_pos[0][-1][1]) < 1e-3  # would hold at z = 0 (k = 0) and z = 0.5
    return _refuted_unless(ok, "psi_d^(k)(z)/d^j -> 0 as d -> 0+, for all j, k (and all z)",
                   f"psi_d^(k)(0) = {', '.join(str(v) for v in at0.values())} for k = 0..3 (SymPy, exact); "
                   f"psi_d(0.5) = {', '.join(mpmath.nstr(v, 6) for _, v in tab_pos[0])} for d = 0.1, 0.01, 0.001; "
                   f"at z = -0.5, psi^(k)/d^5 for k=0,1,2 at d=1e-3: "
                   f"{', '.join(mpmath.nstr(tab_neg[k][-1][1], 3) for k in (0, 1, 2))}; total variation of psi_d on "
                   f"[-1,1] = {', '.join(_g(t, 6) for t in tv)}",
                   "For z in [-1,0) all orders k >= 0, and for z in (0,1] all k >= 1: psi_d^(k)(z) = "
                   "O(exp(-c(z)/d)) -> 0 faster than any power. It fails at z = 0 (psi_d(0) = 1/2, "
                   "psi_d'(0) = 1/(2d) -> inf, all odd derivatives ~ d^-k) and for k = 0 on (0, 1] (psi_d -> 1); it is "
                   "never uniform in z: sup |psi_d'| = 1/(2d) and the variation of psi_d over [-1,1] is 1 for every d, "
                   "so the interpolation A(t) of Theorem 3's proof does not become 'small' in 1-variation as d -> 0",
                   "SymPy series at z = 0; mpmath evaluation of the derivatives (S and 1 - S carried separately so "
                   "that nothing underflows)", agreement="exact at z = 0")
