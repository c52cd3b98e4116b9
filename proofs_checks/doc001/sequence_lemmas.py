"""Seed 001, Appendix Lemmas 5-8: sequence lemmas (../shared/seeds/001_018e0351582ed44f.txt:911-1127).
"""
from __future__ import annotations

import math

import numpy as np

from proofs_checks.doc001.common import SEED, _slopes
from proofs_checks.registry import claim, out_of_scope_claim
from proofs_checks.verdict import inconclusive, judge, refuted

# ========================================================================================
# Appendix Lemmas 5-8: sequence lemmas


out_of_scope_claim("hayou.app_lemma5.uniform_bounds", SEED, (911, 931),
                   r"\sup_{\zeta_0\in A}|\zeta_l-\alpha_l|=\mathcal O(\beta_l)\ \text{for monotone recursions}", "lemma",
                   "a statement about every non-decreasing g on a compact set: no finite computation can confirm a "
                   "universal statement, and none can refute it, because its two-line proof (lines 925-931: by "
                   "monotonicity zeta_(m,l) <= zeta_l <= zeta_(M,l), both alpha_l + O(beta_l)) is complete; its "
                   "consequences (uniformity over c^1) are exercised by the depth checks with several correlations",
                   title="Appendix Lemma 5: uniform bounds for monotone recursions")


@claim("hayou.app_lemma6.geometric", SEED, (1033, 1041),
       r"a_{l+1}\le\alpha a_l+ke^{-\beta l}\Rightarrow a_l\le e^{-\gamma l}\ \forall l\ge0", "inequality",
       title="Appendix Lemma 6: geometric bound for perturbed contractions",
       severity=('slip', "a constant C is missing from the bound; the proof's own bound (lines 1033-1041) contains it and the exponential rates survive"))
def check_app_lemma6(level):
    # a_l = 2 (1/2)^l satisfies the hypothesis with alpha = 1/2, any k, beta; but a_0 = 2 > e^0 = 1
    a = [2 * 0.5 ** l for l in range(20)]
    hyp = all(a[l + 1] <= 0.5 * a[l] + 1.0 * math.exp(-1.0 * l) for l in range(19))
    return refuted("a_l <= e^{-gamma l} for all l >= 0", f"a_l = 2 (1/2)^l satisfies the hypothesis ({hyp}) but a_0 = 2 > 1",
                   r"a_l \le C e^{-\gamma l} for some C > 0 (the proof's bound a_0\alpha^l + k\frac l2 e^{-\beta l/2} + "
                   r"k\frac l2\alpha^{l/2} gives exactly this); the same missing constant affects Proposition 1 and Facts 1, 2, 4, 9, 17",
                   "explicit counterexample with alpha = 1/2, k = 1, beta = 1")


@claim("hayou.app_lemma7.rate", SEED, (1069, 1077),
       r"\lambda_l=1-\frac\alpha l+\mathcal O(l^{-1-\beta}),\ b_l=q+o(l^{-1})\Rightarrow\sup\left|\frac{a_l}l-\frac q{1+\alpha}\right|=\mathcal O(l^{-\beta})",
       "rate", title="Appendix Lemma 7: rate of a_l/l",
       strength=('independent', 'local exponents (see computed) approach -beta and exclude the neighbouring -1 and -beta/2'))
def check_app_lemma7(level):
    alpha, beta, q = 2, 0.5, 1.0
    top = 10 ** 5 if level == "quick" else 10 ** 6
    a, marks = 1.0, {}
    for l in range(1, top + 1):
        a = a * (1 - alpha / l + l ** (-1 - beta)) + q + 1 / l ** 2
        if l in (10 ** 3, 10 ** 4, 10 ** 5, 10 ** 6):
            marks[l] = abs(a / l - q / (1 + alpha))
    Ls = sorted(marks)
    ex = [math.log(marks[Ls[i + 1]] / marks[Ls[i]]) / math.log(Ls[i + 1] / Ls[i]) for i in range(len(Ls) - 1)]
    ok = abs(ex[-1] + beta) < 0.05
    return judge("O(l^{-beta})", "local exponents of |a_l/l - q/(1+alpha)|: " + ", ".join(f"{e:.4f}" for e in ex), ok,
                 f"exponent -beta = {-beta}", f"example alpha = {alpha}, beta = {beta}, lambda_l = 1 - alpha/l + "
                 "l^(-1-beta), b_l = q + 1/l^2; deviations " + ", ".join(f"{marks[L]:.3e} (l={L})" for L in Ls),
                 corrected="(see computed)")


@claim("hayou.app_lemma7.sum_constant", SEED, (1107, 1107),
       r"\sum_{k=l_0}^l\prod_{j=k+1}^l\left(1-\frac{1+\alpha}j\right)\frac1{k^{1+\beta}}\sim\frac1\alpha l^{-\beta}", "constant",
       title="Appendix Lemma 7 (proof): constant of the weighted sum",
       severity=('slip', '1/(alpha + 1 - beta), not 1/alpha; the O(l^-beta) conclusion of the lemma is unaffected'))
def check_app_lemma7_constant(level):
    rows = []
    worst_printed, worst_alt = 0.0, 0.0
    for alpha, beta in ((1, 0.5), (2, 0.5), (3, 0.25)):
        L = 10 ** 6 if level == "quick" else 10 ** 7
        l0 = alpha + 2
        ks = np.arange(l0, L + 1, dtype=float)
        # prod_{j=k+1}^L (1 - (1+alpha)/j) = Gamma(L-alpha) Gamma(k+1) / (Gamma(L+1) Gamma(k-alpha))
        from scipy.special import gammaln
        logw = gammaln(L - alpha) + gammaln(ks + 1) - gammaln(L + 1) - gammaln(ks - alpha)
        total = float(np.sum(np.exp(logw) * ks ** (-1 - beta)))
        scaled = total * L ** beta
        printed, alt = 1 / alpha, 1 / (alpha + 1 - beta)
        worst_printed = max(worst_printed, abs(scaled - printed) / printed)
        worst_alt = max(worst_alt, abs(scaled - alt) / alt)
        rows.append(f"alpha = {alpha}, beta = {beta}: sum x L^beta = {scaled:.6f} at L = {L}; 1/alpha = {printed:.6f}; "
                    f"1/(alpha+1-beta) = {alt:.6f}")
    if worst_printed > 0.05 and worst_alt < 1e-3:
        return refuted("1/alpha", "; ".join(rows), r"\sim \frac{1}{\alpha + 1 - \beta} l^{-\beta} (the \mathcal O(l^{-\beta}) "
                       r"conclusion of the lemma is unaffected)", "exact products via log-Gamma, summed in float64",
                       agreement=f"printed off by {100 * worst_printed:.0f}%")
    return inconclusive("1/alpha", "; ".join(rows), "larger L", "")


@claim("hayou.app_lemma8.rate", SEED, (1121, 1127),
       r"\lambda_l=1-\frac\alpha l+\kappa\frac{\log l}{l^2}+\mathcal O(l^{-2}),\ b_l=q+\mathcal O(l^{-1})\Rightarrow"
       r"\left|\frac{a_l}l-\frac q{1+\alpha}\right|=\Theta(\log(l)l^{-1})", "rate",
       title="Appendix Lemma 8: Theta(log l / l) rate",
       strength=('independent', 'slopes in log l approach q kappa/(alpha(1+alpha)) = 0.375, non-zero: rejects 1/l'))
def check_app_lemma8(level):
    alpha, kappa, q = 3, 4.5, 1.0
    top = 10 ** 5 if level == "quick" else 10 ** 6
    a, marks = 1.0, {}
    for l in range(2, top + 1):
        a = a * (1 - alpha / l + kappa * math.log(l) / l ** 2) + q + 2.0 / l
        if l in (10 ** 2, 10 ** 3, 10 ** 4, 10 ** 5, 10 ** 6):
            marks[l] = l * (a / l - q / (1 + alpha))
    Ls = sorted(marks)
    sl = _slopes(Ls, [marks[L] for L in Ls])
    pred = q * kappa / (alpha * (1 + alpha))
    ok = abs(sl[-1] - pred) < 0.05 * pred
    return judge("Theta(log l / l)", "slopes of l (a_l/l - q/(1+alpha)) per log l: " + ", ".join(f"{v:.4f}" for v in sl), ok,
                 f"-> q kappa/(alpha(1+alpha)) = {pred:.4f}, non-zero",
                 f"example alpha = {alpha}, kappa = {kappa}, b_l = q + 2/l", corrected="(see computed)")
