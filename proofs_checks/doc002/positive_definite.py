"""Proposition 2 and its proof (Appendix A.4), Lemma 2, Theorem 3, Remark 6.

Jacot, Gabriel, Hongler, "Neural Tangent Kernel: Convergence and Generalization in Neural
Networks" (2018), seed 002_49fd9c726352dc08.txt; conventions in proofs_checks/doc002/__init__.py.
"""
from __future__ import annotations

import math

import numpy

from asymptotics import finite_width as fw
from proofs_checks.doc002.common import SEED, _min_eig_certified, _sphere_points
from proofs_checks.registry import claim, out_of_scope_claim
from proofs_checks.verdict import confirmed, inconclusive, judge, refuted


@claim("jacot.prop2.positive_definite", SEED, (223, 223),
       r"\sigma \text{ non-polynomial Lipschitz},\ L \ge 2 \Rightarrow \Theta^{(L)}_\infty|_{\mathbb{S}^{n_0-1}} \succ 0",
       "inequality", title="limiting NTK positive definite on the sphere",
       strength=('independent', 'smallest Gram eigenvalues against a Weyl rounding bound, on random sphere points '
                                'with an antipodal pair; the same test rejects the excluded cases (L = 1: singular; '
                                'beta = 0 with an even sigma: singular), so it has the power to see a failure'))
def _prop2(level):
    # analytic activations (erf, tanh) have super-exponentially decaying Gram spectra on the circle: with many
    # points the smallest eigenvalue drops below float64 resolution, so they keep 24 points at both levels
    n_kink = 24 if level == "quick" else 60
    results, unresolved, negative = [], [], []
    for n0 in (2, 3):
        for act in ("relu", "abs", "erf", "tanh"):
            N = n_kink if act in ("relu", "abs") else 24
            X = _sphere_points(N, n0, 11 + n0)
            X[1] = -X[0]  # an antipodal pair, the hardest case for even activations
            for L in (2, 3):
                lam, bound = _min_eig_certified(fw.limit_ntk(X, L, act, 0.1).theta)
                results.append(f"{act} L={L} n0={n0} N={N}: {lam:.2e}")
                if lam < -bound:
                    negative.append(results[-1])
                elif lam <= bound:
                    unresolved.append(results[-1])
        lam1, b1 = _min_eig_certified(fw.limit_ntk(X, 1, "relu", 0.1).theta)
    # the standing assumption beta > 0 (line 89) matters: with beta = 0 an even sigma cannot separate x and -x
    lam0, b0 = _min_eig_certified(fw.limit_ntk(X, 2, "abs", 0.0).theta)
    # tanh uses Gauss-Hermite: the smallest eigenvalue at 80 and 160 nodes must agree
    X2 = _sphere_points(24, 2, 13)
    X2[1] = -X2[0]
    t80, t160 = (float(numpy.linalg.eigvalsh(fw.limit_ntk(X2, 2, "tanh", 0.1, nodes=k).theta)[0]) for k in (80, 160))
    if abs(t80 - t160) > 0.01 * abs(t80):
        unresolved.append(f"tanh quadrature {t80:.3e} vs {t160:.3e}")
    computed = ("smallest eigenvalues " + "; ".join(results) + f". L = 1 (excluded by the statement): rank <= n0+1, "
                f"smallest eigenvalue {lam1:.1e} (+/- {b1:.0e}) -> singular. With beta = 0 (excluded by the "
                f"paper's beta > 0, line 89) and the even sigma = |x|, the antipodal pair gives {lam0:.1e} "
                f"(+/- {b0:.0e}): singular, so beta > 0 is needed. tanh quadrature: lambda_min {t80:.4e} (80 nodes) vs "
                f"{t160:.4e} (160 nodes)")
    evidence = ("random points on S^1 and S^2 with an antipodal pair, beta = 0.1, closed forms (relu, erf, abs) and "
                "Gauss-Hermite (tanh); an eigenvalue counts only if it exceeds the rounding bound 10 N eps ||K|| (Weyl)")
    if negative:
        return refuted("positive definite", computed, "(a Gram matrix has a negative eigenvalue)", evidence)
    if unresolved:
        return inconclusive("positive definite", computed, "higher working precision for: " + "; ".join(unresolved),
                            evidence)
    return confirmed("Gram matrices of Theta_inf^(L) on distinct sphere points are positive definite (L >= 2)",
                     computed, "all smallest eigenvalues > rounding bound", evidence)


@claim("jacot.remark6.polynomial", SEED, 652,
       r"\sigma \text{ polynomial} \Rightarrow \Theta^{(2)} \text{ not p.d. on } \mathbb{S}^{n_0-1} \text{ for some } n_0",
       "inequality", title="converse of Proposition 2 for polynomial activations",
       strength=('consistency', "a polynomial activation gives a kernel polynomial in x.x' whose Gram on S^1 has rank"
                                ' <= 2 deg + 1 by construction; the rank computation confirms that bound'))
def _remark6(level):
    N = 16
    out, ok = [], True
    for act, expected_rank in (("linear", 3), ("square", 5)):
        X = _sphere_points(N, 2, 21)
        K = fw.limit_ntk(X, 2, act, 0.1).theta
        lam = numpy.linalg.eigvalsh(K)
        rank = int((lam > 1e-10 * lam.max()).sum())
        ok &= rank < N
        out.append(f"{act}: numerical rank {rank} of the {N}x{N} Gram (polynomial of degree "
                   f"{1 if act == 'linear' else 2} in x.x' on S^1: rank <= {expected_rank})")
    return judge("Theta^(2) singular on the sphere for polynomial sigma", "; ".join(out), ok,
                 "rank deficient", "limit kernel closed forms, n0 = 2, beta = 0.1", corrected="(full rank)")


def _hermite_coefficients(mu, n_max, nodes=120):
    """a_i = E[mu(Z) h_i(Z)], h_i = He_i / sqrt(i!) orthonormal for N(0, 1)."""
    t, w = numpy.polynomial.hermite_e.hermegauss(nodes)
    w = w / w.sum()
    coeffs = []
    for i in range(n_max + 1):
        c = numpy.zeros(i + 1)
        c[i] = 1
        h = numpy.polynomial.hermite_e.hermeval(t, c) / math.sqrt(math.factorial(i))
        coeffs.append(float(numpy.sum(w * mu(t) * h)))
    return numpy.asarray(coeffs)


def _erf_dual(rho, q=1.0):
    """E[erf(sqrt(q) X) erf(sqrt(q) Y)], corr(X, Y) = rho (closed form)."""
    return (2 / math.pi) * math.asin(2 * q * rho / (1 + 2 * q))


@claim("jacot.lemma2.hermite_dual", SEED, (582, 588),
       r"\hat\mu(\rho) = \sum_i a_i^2 \rho^i \text{ for } \mu = \sum_i a_i h_i", "identity",
       title="dual activation from Hermite coefficients",
       strength=('independent', "Hermite coefficients by Gauss-Hermite quadrature against the erf dual's closed form;"
                                ' unnormalised He_i (the nearest wrong reading) fails by O(1)'))
def _lemma2(level):
    from scipy.special import erf

    n_max = 40 if level == "quick" else 80
    a = _hermite_coefficients(erf, n_max)
    worst = 0.0
    for rho in (-0.9, -0.3, 0.2, 0.7, 0.95):
        series = float(numpy.sum(a ** 2 * rho ** numpy.arange(n_max + 1)))
        worst = max(worst, abs(series - _erf_dual(rho)))
    # with unnormalised He_i the identity needs i! -- record what the printed formula gives then
    a_unnorm = a / numpy.sqrt(numpy.array([float(math.factorial(i)) for i in range(n_max + 1)]))
    off = abs(float(numpy.sum(a_unnorm ** 2 * 0.7 ** numpy.arange(n_max + 1))) - _erf_dual(0.7))
    return judge("mu^(rho) = sum a_i^2 rho^i", f"max |series - closed form| = {worst:.1e} over 5 values of rho "
                 f"(erf, {n_max + 1} terms)", worst < 1e-6, f"absolute {worst:.0e}",
                 "a_i by Gauss-Hermite with orthonormal Hermite polynomials h_i = He_i/sqrt(i!); the printed "
                 f"identity needs this normalisation (with unnormalised He_i it is off by {off:.2f} at rho = 0.7)",
                 corrected="(series differs)")


@claim("jacot.prop2.change_of_variables", SEED, (626, 630),
       r"\mathbb{E}_{\tilde\Sigma}[\sigma(X)\sigma(Y)] + \beta^2 = \hat\mu\left(\frac{n_0\beta^2 + x^Tx'}"
       r"{n_0\beta^2 + 1}\right) + \beta^2,\ \mu(x) = \sigma(x\sqrt{1/n_0 + \beta^2})", "identity",
       title="equation (1) in the proof of Proposition 2",
       strength=('independent', '80x80 Gauss-Hermite quadrature of the right side against the erf closed form of the '
                                'left side'))
def _eq1(level):
    n0, beta = 3, 0.4
    q = 1 / n0 + beta ** 2
    worst = 0.0
    for c in (-0.8, 0.0, 0.5, 0.99):
        s12 = c / n0 + beta ** 2
        lhs = (2 / math.pi) * math.asin(2 * s12 / (1 + 2 * q))  # erf closed form under Sigma~
        rho = (n0 * beta ** 2 + c) / (n0 * beta ** 2 + 1)
        # mu^ by Gauss-Hermite in the standardised variables (independent of the closed form)
        t, w = numpy.polynomial.hermite_e.hermegauss(80)
        w = w / w.sum()
        from scipy.special import erf

        U = t[:, None]
        V = rho * t[:, None] + math.sqrt(1 - rho ** 2) * t[None, :]
        rhs = float(numpy.sum(w[:, None] * w[None, :] * erf(U * math.sqrt(q)) * erf(V * math.sqrt(q))))
        worst = max(worst, abs(lhs - rhs))
    return judge("equation (1)", f"max difference {worst:.1e} over x.x' in {{-0.8, 0, 0.5, 0.99}}", worst < 1e-8,
                 f"absolute {worst:.0e}", "erf: left side by the closed form, right side by 80x80 Gauss-Hermite, "
                 "n0 = 3, beta = 0.4", corrected="(identity fails)")


@claim("jacot.prop2.nu_series", SEED, 648,
       r"\nu(\rho) = \beta^2 + \sum_i a_i \left(\frac{n_0\beta^2 + \rho}{n_0\beta^2 + 1}\right)^i", "identity",
       title="power series of Sigma^(2) on the sphere (proof of Proposition 2, step 5)",
       severity=('slip', 'the squares of the Hermite coefficients are dropped; step 4 (seed 002 lines 636-638) and '
                         'Lemma 2 (line 588) have a_i^2, and the conclusion (infinitely many nonzero even and odd '
                         'coefficients) is unchanged'))
def _nu(level):
    from scipy.special import erf

    n0, beta = 2, 0.5
    q = 1 / n0 + beta ** 2
    a = _hermite_coefficients(lambda z: erf(z * math.sqrt(q)), 60)
    xs = (-0.5, 0.3, 0.9)
    printed, squared, truth = [], [], []
    for c in xs:
        r = (n0 * beta ** 2 + c) / (n0 * beta ** 2 + 1)
        powers = r ** numpy.arange(a.size)
        printed.append(beta ** 2 + float(a @ powers))
        squared.append(beta ** 2 + float((a ** 2) @ powers))
        truth.append(float(fw.limit_ntk(numpy.array([[1.0, 0.0], [c, math.sqrt(1 - c * c)]]), 2, "erf", beta).sigma[0, 1]))
    err_p = max(abs(p - t) for p, t in zip(printed, truth))
    err_s = max(abs(p - t) for p, t in zip(squared, truth))
    ok = err_p < 1e-8
    return judge("nu with coefficients a_i", f"printed series off by up to {err_p:.2g}; with a_i^2 off by {err_s:.1e}",
                 ok, f"printed: {err_p:.1e}", "Sigma^(2)(x, x') for erf by the closed form vs the two series at "
                 "x.x' in {-0.5, 0.3, 0.9} (n0 = 2, beta = 0.5); a_i by Gauss-Hermite",
                 corrected=r"\nu(\rho) = \beta^2 + \sum_i a_i^2 \left(\frac{n_0\beta^2+\rho}{n_0\beta^2+1}\right)^i "
                           "(squares, as in step 4); the conclusion (infinitely many even and odd nonzero "
                           "coefficients when beta > 0) is unaffected")


out_of_scope_claim("jacot.remark2.gaussian_measure", SEED, 181,
                   r"\text{only finite-dimensional Gaussian marginals are needed}", "remark",
                   "a statement about what the proofs use (finite-dimensional marginals instead of a Gaussian measure "
                   "on function space), not a value or an inequality: no computation can show that an argument does "
                   "not need an object; the marginals themselves are checked by jacot.prop1.gaussian_limit",
                   title="Remark 2")

out_of_scope_claim("jacot.remark3.rademacher", SEED, 199,
                   r"\dot\sigma \text{ exists except on a Lebesgue-null set}", "remark",
                   "Rademacher's theorem quantifies over every Lipschitz function and asserts differentiability off a "
                   "null set: finitely many evaluations of finitely many functions can neither establish nor refute "
                   "it (a set of measure zero is invisible to any finite sample)", title="Remark 3")

GNEITING_C = 2.0  # the counterexample f(rho) = exp(rho) - c rho (b_1 = 1 - c < 0, b_n = 1/n! > 0 for n >= 2)


@claim("jacot.theorem3.gneiting", SEED, (592, 596),
       r"f(\rho) = \sum b_n \rho^n:\ K_f \text{ p.d. on } \mathbb{S}^{n_0-1} \text{ for every } n_0 \iff b_n > 0 "
       r"\text{ for infinitely many even and odd } n", "theorem",
       title="positive-definiteness criterion on spheres, as printed (without b_n >= 0)")
def _gneiting(level, c=GNEITING_C):
    """The 'if' direction as printed has no sign condition on the other coefficients (Gneiting's Theorem 1(b)
    is stated for functions positive definite on every sphere, i.e. b_n >= 0 by Schoenberg).  A candidate
    f(rho) = exp(rho) - c rho: its coefficients 1/n! - c [n = 1] are positive for every n >= 2, so the printed
    hypothesis holds; the Gram matrix on the antipodal pair {x, -x} has eigenvalues f(1) +- f(-1)."""
    from fractions import Fraction

    f = lambda r: numpy.exp(r) - c * r
    coeffs = [Fraction(1, math.factorial(n)) - (Fraction(c).limit_denominator(10 ** 6) if n == 1 else 0)
              for n in range(12)]
    hypothesis = all(b > 0 for b in coeffs[2:])  # and 1/n! > 0 for every larger n (exponential series)
    worst, rows = math.inf, []
    for n0 in (1, 2, 3):
        X = numpy.array([[1.0], [-1.0]]) if n0 == 1 else _sphere_points(8, n0, 40 + n0)  # S^0 has two points
        X[1] = -X[0]
        G = f(numpy.clip(X @ X.T, -1.0, 1.0))
        lam, bound = _min_eig_certified(G)
        rows.append(f"n0 = {n0}: lambda_min = {lam:.3g} (rounding bound {bound:.1e})")
        worst = min(worst, lam + bound)  # certified upper end of the smallest eigenvalue
    pair = float(f(1.0) - f(-1.0))
    computed = (f"f(rho) = exp(rho) - {c:g} rho: b_0..b_3 = {', '.join(str(b) for b in coeffs[:4])}, b_n = 1/n! > 0 for "
                f"n >= 2 (printed hypothesis {'holds' if hypothesis else 'fails'}); Gram of distinct points with an "
                f"antipodal pair on S^(n0-1) (2 on S^0, 8 otherwise): " + "; ".join(rows)
                + f"; on {{x, -x}} alone the eigenvalue f(1) - f(-1) = {pair:.4f}")
    evidence = ("exact Taylor coefficients (rationals); float64 Gram eigenvalues with the Weyl rounding bound "
                "10 N eps ||K||; the antipodal pair's eigenvalues f(1) +- f(-1) in closed form")
    if hypothesis and worst < 0:
        return refuted("K_f positive definite on every sphere whenever b_n > 0 for infinitely many even and odd n",
                       computed, "add the hypothesis b_n >= 0 for all n (Schoenberg; Gneiting's Theorem 1(b) is stated "
                       "for functions positive definite on every sphere): f(rho) = sum b_n rho^n with all b_n >= 0 is "
                       "strictly positive definite on every S^(n0-1) iff b_n > 0 for infinitely many even and odd n. "
                       f"Computed counterexample: exp(rho) - {c:g} rho has a negative Gram eigenvalue "
                       f"({min(pair, worst):.3g}) although infinitely many even and odd b_n are positive",
                       evidence).grade(severity=(
                           "slip", "the proof of Proposition 2 applies the theorem to nu, whose coefficients are "
                                   "nonnegative (squares a_i^2 times positive binomial weights, seed 002 lines 638 and "
                                   "648 with the squares of step 4), so the conclusion survives"))
    return confirmed("no counterexample among the candidates", computed, "none found", evidence).grade(
        strength=("weak", "a universal statement: one candidate family tried, on 8 points in 3 dimensions"))
