"""Seed 000, Section 4: Propositions 1-3 and the invertibility cases a)-c) (../shared/seeds/000_f7801e5ab975f0a8.txt:180-231).
"""
from __future__ import annotations

import math

import mpmath
import numpy as np
import sympy

from asymptotics import linalg as la
from asymptotics.accuracy import format_approx
from proofs_checks.doc000.common import SEED, _gauss_pair, _h_sym, _net
from proofs_checks.registry import claim
from proofs_checks.verdict import judge

# ============================================================================ Section 4
@claim("depth_ntk.prop1.perfect_correlation", SEED, (180, 187),
       r"\rho=1:\ \Sigma^{(L)} = \frac{\|x\|\|x'\|}{n_0 2^{L-1}},\ \dot\Sigma^{(L)} = \tfrac12,\ "
       r"\Theta^{(L+1)}_\infty = \tfrac12\Theta^{(L)}_\infty + \frac{\|x\|\|x'\|}{n_0 2^L} = \frac{(L+1)\|x\|\|x'\|}{n_0 2^L}",
       "identity", title="Proposition 1: kernels of perfectly correlated inputs",
       strength=('independent', 'certified arb engine values against the printed closed forms at five depths; a wrong power of 2 or factor L would be excluded'))
def _prop1(level):
    from asymptotics.recursion import kernel_at_depths

    n0, nx, ny = 7, mpmath.mpf(3) / 2, mpmath.mpf(5) / 4  # x' = c x with |x| = 3/2, |x'| = 5/4
    depths = [1, 2, 3, 10, 50] if level == "quick" else [1, 2, 3, 10, 100, 1000]
    traj = kernel_at_depths(_net(), 1, depths, backend="arb", digits=30,
                            q_x=sympy.Rational(9, 4) / n0, q_y=sympy.Rational(25, 16) / n0)
    worst = mpmath.mpf(0)
    for L in depths:
        v = traj.at(L)
        with mpmath.workdps(60):
            printed_sigma = nx * ny / (n0 * mpmath.mpf(2) ** (L - 1))
            printed_theta = L * nx * ny / (n0 * mpmath.mpf(2) ** (L - 1))
        for got, want in ((v.sigma_xy, printed_sigma), (v.theta_xy, printed_theta)):
            if not got.contains(want):
                worst = max(worst, got.distance(want) / want)
        if v.sigma_dot is not None and not v.sigma_dot.contains(mpmath.mpf(1) / 2):
            worst = max(worst, v.sigma_dot.distance(0.5))
    # Sigma-dot = E[1{u>0}^2] = 1/2 and E[relu(u)^2] = 1/2, by quadrature (independent of the engine)
    quad_dot = mpmath.quad(lambda u: mpmath.exp(-u * u / 2) / mpmath.sqrt(2 * mpmath.pi), [0, mpmath.inf])
    return judge("Sigma^L = |x||x'|/(n0 2^(L-1)), Sigma-dot = 1/2, Theta^L = L |x||x'|/(n0 2^(L-1))",
                 f"certified arb values contain the printed ones at L = {depths}; quadrature "
                 f"E[1(u>0)] = {mpmath.nstr(quad_dot, 15)}", worst == 0, "inside certified enclosures (30 digits)",
                 "depth engine (arb backend) with rho = 1, q_x = |x|^2/n0, q_y = |x'|^2/n0, n0 = 7; "
                 "Sigma-dot^(L) is defined for L >= 2 (it needs rho^(L-1))",
                 corrected=f"largest relative deviation {mpmath.nstr(worst, 3)}")


@claim("depth_ntk.prop2.correlation_map", SEED, (203, 211),
       r"\rho^{(L+1)} = \frac{\sqrt{1-\rho^2}}{\pi} + \frac{\rho \arcsin\rho}{\pi} + \frac{\rho}{2},\ "
       r"\dot\Sigma^{(L+1)} = \frac{\arcsin\rho}{2\pi} + \frac14,\ "
       r"\Theta^{(L)}_\infty(x,x') = \|x\|\|x'\|\Theta^{(L)}_\infty(x/\|x\|, x'/\|x'\|)", "identity",
       title="Proposition 2: ReLU correlation map, derivative kernel, homogeneity",
       strength=('independent', 'Gaussian integrals by quadrature against the printed arc-cosine formulas (1e-15) and homogeneity by the arb engine'))
def _prop2(level):
    rhos = ["-0.9", "-0.3", "0", "0.4", "0.95"] if level == "quick" else \
        ["-0.99", "-0.9", "-0.5", "-0.3", "0", "0.2", "0.4", "0.7", "0.95", "0.999"]
    worst = 0.0
    for r in rhos:
        rho = mpmath.mpf(r)
        # E[relu(u) relu(v)] / E[relu(u)^2] with E[relu^2] = 1/2; E[1(u>0) 1(v>0)]
        quad_corr = 2 * _gauss_pair(rho, "relu")
        quad_dot = _gauss_pair(rho, "step")
        printed_corr = mpmath.sqrt(1 - rho**2) / mpmath.pi + rho * mpmath.asin(rho) / mpmath.pi + rho / 2
        printed_dot = mpmath.asin(rho) / (2 * mpmath.pi) + mpmath.mpf(1) / 4
        worst = max(worst, float(abs(quad_corr - printed_corr)), float(abs(quad_dot - printed_dot)))
    # homogeneity: engine with layer-1 variances |x|^2/n0 vs unit inputs
    from asymptotics.recursion import kernel_at_depths

    n0, a, b = 5, sympy.Integer(2), sympy.Rational(3, 10)  # exact layer-1 variances (no binary rounding)
    for L in (2, 7, 30):
        scaled = kernel_at_depths(_net(), "0.3", [L], backend="arb", digits=25, q_x=a * a / n0, q_y=b * b / n0).at(L)
        unit = kernel_at_depths(_net(), "0.3", [L], backend="arb", digits=25, q_x=sympy.Rational(1, n0)).at(L)
        a_b = mpmath.mpf(a * b.p) / b.q
        worst = max(worst, float(scaled.theta_xy.distance(a_b * unit.theta_xy.mid) / scaled.theta_xy.mid))
    return judge("rho' = h(rho), Sigma-dot' = asin(rho)/(2 pi) + 1/4, Theta homogeneous of degree (1,1)",
                 f"largest deviation {worst:.1e} over rho in {rhos}", worst < 1e-15, f"{worst:.0e} (quadrature at 20 digits)",
                 "Gaussian integrals by mpmath quadrature (inner integral in closed form); homogeneity with the arb engine "
                 "at L = 2, 7, 30 for |x| = 2, |x'| = 0.3, n0 = 5", corrected="(formula differs)")


def _antipodal_circle():
    """Three antipodal pairs on S^1: +-(1,0), +-(cos 60, sin 60), +-(cos 120, sin 120)."""
    angles = [0, math.pi / 3, 2 * math.pi / 3]
    pts = []
    for a in angles:
        pts += [(math.cos(a), math.sin(a)), (-math.cos(a), -math.sin(a))]
    return np.array(pts)


def _odd_part_depth2():
    """Theta-bar^(2)(t) - Theta-bar^(2)(-t) simplified (SymPy), Theta-bar^(2) = (h'(t) t + h(t))/2."""
    t, h = _h_sym()
    theta2 = (sympy.diff(h, t) * t + h) / 2
    return sympy.simplify(theta2 - theta2.subs(t, -t))


def _null_vector_check(X, depth):
    """|kappa v| for v = (a_1, -a_1, a_2, -a_2, ...) with sum a_i x_{2i} = 0, certified (arb)."""
    import flint

    U = X[0::2]  # one point of each antipodal pair
    _, _, vt = np.linalg.svd(U.T)
    a = vt[-1]  # sum a_i u_i = 0 (m > n0)
    v = np.zeros(len(X))
    v[0::2], v[1::2] = a, -a
    g = la.ntk_grams(X, [depth]).at(depth)
    K = flint.arb_mat(len(X), len(X), la._balls(g.E, g.E_rad, True))
    Kv = K * flint.arb_mat(len(X), 1, [flint.arb(float(c)) for c in v])
    return max(float(abs(e).upper()) for e in Kv.entries()), v


@claim("depth_ntk.case_a.sphere_invertible", SEED, 215,
       r"x_i \in S^{n_0-1}\ \Rightarrow\ \Theta^{(L)}_\infty(XX^\top) \text{ invertible for } L \ge 2", "inequality",
       title="case a): NTK Gram invertible on the sphere for L >= 2",
       severity=('substantive', "the invertibility of the depth-2 NTK Gram, on which Proposition 3's limit rests at L = 2, fails for antipodal data; it holds from L = 3 on"))
def _case_a(level):
    X = _antipodal_circle()
    odd = _odd_part_depth2()
    bound2, v = _null_vector_check(X, 2)
    det3 = la.det_kappa_certified(*(lambda g: (g.E, g.E_rad))(la.ntk_grams(X, [3]).at(3)))
    ok = not (sympy.simplify(odd - sympy.Symbol("t", real=True)) == 0 and bound2 < 1e-12)
    return judge("invertible for every data set of distinct points on the sphere, L >= 2",
                 f"Theta-bar^(2)(t) - Theta-bar^(2)(-t) = {odd} exactly (SymPy); for the 6 points at angles "
                 f"0, 60, ..., 300 degrees on S^1 the vector v = (a1,-a1,a2,-a2,a3,-a3), sum a_i x_i = 0, has "
                 f"|kappa v| <= {bound2:.1e} (certified) at L = 2; det at L = 3 = {format_approx(det3.det)}",
                 ok, "exact (symbolic null vector)",
                 "the odd part of the depth-2 normalised NTK is t/2 (only one odd Taylor coefficient), so for "
                 "antipodal pairs +-x_i with sum a_i x_i = 0 the vector (a_i, -a_i) is in the kernel: "
                 "(kappa v)_k = sum_i a_i x_k.x_i = 0.  Any m > n0 antipodal pairs give such a vector.  Seed 002's "
                 "criterion (its lines 590-594) needs infinitely many positive odd coefficients, which the bias-free "
                 "ReLU kernel lacks at depth 2",
                 corrected="For distinct points with no antipodal pair the depth-2 Gram is positive definite; with "
                 "antipodal pairs it can be singular (e.g. m > n0 pairs). From L = 3 on every set of distinct points "
                 "gives a positive definite Gram (Taylor coefficients >= 0 with infinitely many positive odd and even ones)")


@claim("depth_ntk.case_b.noncolinear_invertible", SEED, 216,
       r"x_i^\top x_j < \|x_i\|\|x_j\| \ (i \ne j)\ \Rightarrow\ \text{NTK invertible for } L \ge 2", "inequality",
       title="case b): pairwise non-colinear data give an invertible NTK",
       severity=('slip', 'the condition excludes only same-sign colinear pairs; with opposite-sign pairs also excluded (or L >= 3) the conclusion survives'))
def _case_b(level):
    X = _antipodal_circle() * np.array([[1.0], [2.0], [0.5], [3.0], [1.5], [0.7]])  # rescaled rows
    G = X @ X.T
    norms = np.linalg.norm(X, axis=1)
    strict = all(G[i, j] < norms[i] * norms[j] for i in range(6) for j in range(6) if i != j)
    bound2, _ = _null_vector_check(X / norms[:, None], 2)
    return judge("the printed condition x_i.x_j < |x_i||x_j| suffices at L = 2",
                 f"6 points satisfying the printed strict inequality (all pairs: {strict}), 3 antipodal directions; "
                 f"a null vector of the depth-2 Gram with |kappa v| <= {bound2:.1e} (certified; Theta is homogeneous so "
                 f"the row norms do not matter)", not (strict and bound2 < 1e-12), "exact (symbolic null vector)",
                 "the printed inequality excludes x_j = c x_i with c > 0 only; opposite directions (c < 0) are allowed and "
                 "project to antipodal points, where the depth-2 kernel degenerates (see case a)",
                 corrected="require x_i.x_j < |x_i||x_j| AND x_i.x_j > -|x_i||x_j| (no colinear pair of either sign) "
                 "for L = 2; for L >= 3 the strict inequality alone suffices")


def _inverse_stereographic(x):
    """Standard inverse stereographic projection R^n0 -> S^n0 (Definition 7 of seed 000 is not in the file):
    x -> (2x, |x|^2 - 1) / (|x|^2 + 1)."""
    x = np.atleast_2d(np.asarray(x, dtype=float))
    s = np.sum(x * x, axis=1)[:, None]
    return np.hstack([2 * x, s - 1]) / (s + 1)


@claim("depth_ntk.case_c.stereographic_dot_products", SEED, 217,
       r"\text{inverse stereographic embedding: } x_i^\top x_j = 1 \ \forall x_i, x_j", "identity",
       title="case c): dot products after the inverse stereographic projection",
       severity=('notation', "x_i.x_j = 1 for all i, j is meant as |x_i| = 1 (points on the sphere), as the sentence's purpose (landing on S^n0) makes clear"))
def _case_c(level):
    pts = np.array([[0.3], [1.0], [2.0], [-1.5]])
    Y = _inverse_stereographic(pts)
    G = Y @ Y.T
    off = G[~np.eye(len(G), dtype=bool)]
    return judge("x_i.x_j = 1 for all i, j",
                 f"diagonal {np.round(np.diag(G), 15).tolist()}, off-diagonal in [{off.min():.3f}, {off.max():.3f}]",
                 bool(np.allclose(off, 1)), "exact arithmetic up to rounding",
                 "standard inverse stereographic projection of 4 distinct points of R^1 (Definition 7 is in the missing "
                 "appendix); unit vectors with x_i.x_j = 1 would coincide, and kappa would be the singular all-ones matrix",
                 corrected="|x_i| = 1 (x_i.x_i = 1) for every embedded point; x_i.x_j < 1 for i != j")


@claim("depth_ntk.case_c.stereographic_invertible", SEED, 231,
       r"\text{colinear data, inverse stereographic embedding on } S^{n_0} \Rightarrow \kappa \text{ invertible}",
       "inequality", title="the stereographic embedding always yields an invertible kappa",
       severity=('substantive', 'the embedding can produce antipodal pairs, so kappa is singular at L = 2: the remedy offered for colinear data does not work at that depth'))
def _case_c_invertible(level):
    pts = np.array([[1.0], [-1.0], [2.0], [-0.5], [3.0], [-1 / 3]])  # x and -x/|x|^2 map to antipodal points
    Y = _inverse_stereographic(pts)
    bound2, _ = _null_vector_check(Y, 2)
    g3 = la.ntk_grams(Y, [3]).at(3)
    det3 = la.det_kappa_certified(g3.E, g3.E_rad)
    return judge("kappa invertible after the embedding (depth unstated; L >= 2 in case a)",
                 f"data 1, -1, 2, -1/2, 3, -1/3 in R^1 embed as 3 antipodal pairs on S^1; depth-2 Gram has a null vector "
                 f"(|kappa v| <= {bound2:.1e}, certified); depth 3: det = {format_approx(det3.det)}",
                 bound2 > 1e-12, "exact (symbolic null vector)",
                 "the inverse stereographic projection maps x and -x/|x|^2 to antipodal points (a one-line identity), "
                 "and antipodal pairs make the depth-2 kernel singular (case a)",
                 corrected="invertible for L >= 3; at L = 2 only if no two data points satisfy x' = -x/|x|^2")


@claim("depth_ntk.prop3.kernel_regression", SEED, (221, 229),
       r"f_\infty(x) = f_0(x) + \kappa_x^\top \kappa^{-1}(y^* - y_0)", "limit",
       title="Proposition 3: the t -> infinity limit of kernel gradient flow",
       strength=('independent', 'kernel gradient flow integrated by expm and by LSODA, compared with the printed closed form'))
def _prop3(level):
    from scipy.linalg import expm

    rng = np.random.default_rng(3)
    X = la.sphere_data(8, 5, 3, "gaussian")
    x = la.sphere_data(2, 5, 4, "gaussian")
    g = la.ntk_grams(X, [3], x=x).at(3)
    K, Kx = g.kappa(), g.kappa_x()
    y_star, y0, f0x = rng.standard_normal(8), rng.standard_normal(8), rng.standard_normal(2)
    # kernel gradient flow on the squared loss: d f_t(z)/dt = -kappa(z, X) (f_t(X) - y*), solved exactly
    t_final = 200.0 / float(np.linalg.eigvalsh(K)[0])
    M = expm(-t_final * K)
    f_t = f0x + Kx @ np.linalg.solve(K, (np.eye(8) - M) @ (y_star - y0))
    wr = la.weights_certified(g.E, g.E_x, g.E_rad, g.E_x_rad)
    pred = [la.predictor(wr.approx[k], f0x[k], y_star, y0) for k in range(2)]
    err = max(abs(float(p.mid) - f) for p, f in zip(pred, f_t))
    # and a direct integration of the ODE as a cross-check of the closed form
    from scipy.integrate import solve_ivp

    def rhs(_, z):
        fX, fx = z[:8], z[8:]
        r = fX - y_star
        return np.concatenate([-K @ r, -Kx @ r])

    sol = solve_ivp(rhs, [0, t_final], np.concatenate([y0, f0x]), rtol=1e-10, atol=1e-12, method="LSODA")
    err_ode = float(np.max(np.abs(sol.y[8:, -1] - np.array([float(p.mid) for p in pred]))))
    return judge("f_inf(x) = f_0(x) + kappa_x^T kappa^-1 (y* - y0)",
                 f"|formula - flow at t = {t_final:.3g}| = {err:.1e} (matrix exponential), {err_ode:.1e} (ODE solver)",
                 err < 1e-9 and err_ode < 1e-6, f"{max(err, err_ode):.0e}",
                 "depth-3 normalised NTK on 8 random points of S^4; kernel gradient flow of the squared loss solved "
                 "with expm and with LSODA; the closed form with certified weights", corrected="(limit differs)")
