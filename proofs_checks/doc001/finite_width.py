"""Seed 001, Section 2 and Lemmas 1-4: the linear model and the NTK recursions, checked against
finite-width networks (../shared/seeds/001_018e0351582ed44f.txt:64-203, 945-996).
"""
from __future__ import annotations

import functools
import math

import numpy as np

import proofs_checks.doc001.numerics as num
from proofs_checks.doc001.common import SEED
from proofs_checks.registry import claim, out_of_scope_claim
from proofs_checks.verdict import confirmed, inconclusive, judge, refuted

# ========================================================================================
# Section 2: the linear model of NTK training


@claim("hayou.eq8.linear_model", SEED, (64, 68),
       r"f_t(\mathcal X)=e^{-\frac tN\hat K}f_0(\mathcal X)+(I-e^{-\frac tN\hat K})\mathcal Z,\ "
       r"f_t(x)=f_0(x)+K(x,\mathcal X)\hat K^{-1}(I-e^{-\frac tN\hat K})(\mathcal Z-f_0(\mathcal X))",
       "identity", title="closed-form solution of the linearised (NTK) training dynamics, eqs. (2)-(3), (8)-(9)",
       strength=('independent', 'the gradient-flow ODE integrated numerically against the printed closed form'))
def check_linear_model(level):
    from scipy.integrate import solve_ivp
    from scipy.linalg import expm

    rng = np.random.default_rng(1)
    n_train, n_test = (6, 3) if level == "quick" else (20, 5)
    A = rng.standard_normal((n_train + n_test, n_train + n_test + 2))
    K = A @ A.T  # positive definite kernel on train + test points
    Kt, Kx = K[:n_train, :n_train], K[n_train:, :n_train]
    Z, f0, f0x = rng.standard_normal(n_train), rng.standard_normal(n_train), rng.standard_normal(n_test)
    N, t = n_train, 0.7

    def rhs(_, y):  # gradient flow of (1/2N)||f(X) - Z||^2 in function space: train and test outputs
        ft = y[:n_train]
        return np.concatenate([-(Kt @ (ft - Z)) / N, -(Kx @ (ft - Z)) / N])

    sol = solve_ivp(rhs, (0, t), np.concatenate([f0, f0x]), rtol=1e-12, atol=1e-12)
    E = expm(-t / N * Kt)
    closed_train = E @ f0 + (np.eye(n_train) - E) @ Z
    closed_test = f0x + Kx @ np.linalg.solve(Kt, (np.eye(n_train) - E) @ (Z - f0))
    err = max(np.max(np.abs(sol.y[:n_train, -1] - closed_train)), np.max(np.abs(sol.y[n_train:, -1] - closed_test)))
    return judge("eqs. (2)-(3) / (8)-(9)", f"ODE integration (rtol 1e-12) vs closed form: max |diff| = {err:.1e}",
                 err < 1e-8, f"max abs diff {err:.1e}",
                 f"random PSD kernel on {n_train} training and {n_test} test points, t = {t}",
                 corrected="(see evidence)")


out_of_scope_claim("hayou.cao_gu_bound", SEED, (74, 74),
                   r"\text{generalisation bound } \mathcal O(L\sqrt{z^T(\hat K^L)^{-1}z/N})", "citation",
                   "an O(.) bound with a free constant on the generalisation error of SGD-trained networks, quoted "
                   "from Cao and Gu (2019) without proof: no finite computation can refute a bound whose constant is "
                   "unspecified, and the data distribution it concerns is not given",
                   title="Cao-Gu generalisation bound for SGD-trained networks")


@claim("hayou.discretisation_error", SEED, (399, 399), r"\text{GD vs gradient flow error } \mathcal O(\eta)",
       "rate", title="GD discretisation error O(eta)",
       severity=("substantive", "a different order"),
       strength=("independent", "the error ratio under halving eta is measured and rejects the second-order "
                 "alternative (ratio 4)"))
def check_discretisation(level, printed_order=1):
    """Kernel gradient descent f <- f - eta K (f - y) (Section 2's discretised eq. (2)) against the flow
    f(T) = y + exp(-K T)(f0 - y) at T = 1, for eta = 1/n; the printed error order is eta^p, p = ``printed_order``."""
    from scipy.linalg import expm

    rng = np.random.default_rng(2)
    A = rng.standard_normal((6, 6))
    K = A @ A.T / 6 + 0.1 * np.eye(6)
    y, f0 = rng.standard_normal(6), rng.standard_normal(6)
    flow = y + expm(-K) @ (f0 - y)
    steps = (50, 100, 200, 400) if level == "quick" else (50, 100, 200, 400, 800, 1600)
    errs = []
    for n in steps:
        f = f0.copy()
        for _ in range(n):
            f = f - (1.0 / n) * K @ (f - y)
        errs.append(float(np.abs(f - flow).max()))
    ratios = [a / b for a, b in zip(errs, errs[1:])]
    order = math.log2(ratios[-1])
    ok = abs(order - printed_order) < 0.1
    return judge(f"error O(eta^{printed_order})", "max error at T = 1: " + ", ".join(f"{e:.3e} (eta = 1/{n})"
                 for e, n in zip(errs, steps)) + "; ratios under halving eta: " + ", ".join(f"{r:.4f}" for r in ratios),
                 ok, f"measured order {order:.3f}", "6 x 6 random positive definite kernel, flow by expm; GD is the "
                 "explicit Euler scheme of the flow", corrected=f"the error is of order eta^{order:.2f}")


out_of_scope_claim("hayou.clt_error", SEED, (481, 487), r"\text{Gaussian approximation error } \mathcal O(1/\sqrt{n_{l-1}})",
                   "rate", "the 'error' is not defined: the statement does not say which distance between the law of "
                   "y^l at width n and the Gaussian limit it bounds (for smooth test functions the discrepancy is "
                   "O(1/n), e.g. the excess kurtosis; for the Kolmogorov distance O(1/sqrt n)), so no computation can "
                   "compare with it; the finite-width checks (hayou.lemma1.*, hayou.lemma3.*) test the kernels instead",
                   title="finite-width Gaussian approximation error")


# ========================================================================================
# Lemmas 1-4: the NTK recursions, checked against finite-width networks


def _inputs():
    """Two inputs in R^3 with |x|^2/d = 1 and x.x'/d = 0.6."""
    return np.array([[1.0, 0.0, 0.0], [0.6, 0.8, 0.0]]) * math.sqrt(3.0)


@functools.lru_cache(maxsize=8)
def _empirical(arch, level, depth, sigma_w, sigma_b, scale_in_params=False):
    width, seeds = (1000, 4) if level == "quick" else (3000, 8)
    mean, se = num.empirical_ntk_mean(_inputs(), depth, width, sigma_w, sigma_b, "relu", arch, seeds,
                                      scale_in_params)
    return mean, se, width, seeds


def _compare_finite_width(level, arch, depth, sigma_w, sigma_b, candidates):
    """candidates: {name: (K_xx, K_xy)}.  Returns (mean, se, z-scores per candidate, width, seeds)."""
    mean, se, width, seeds = _empirical(arch, level, depth, sigma_w, sigma_b)
    emp = np.array([mean[0, 0], mean[0, 1]])
    err = np.array([se[0, 0], se[0, 1]])
    scores = {}
    for name, (kxx, kxy) in candidates.items():
        target = np.array([kxx, kxy])
        # sampling error plus a 2% allowance for the O(1/width) bias of a finite network
        tol = np.sqrt(err ** 2 + (0.02 * np.abs(target)) ** 2)
        scores[name] = float(np.max(np.abs(emp - target) / tol))
    return emp, err, scores, width, seeds


def _lemma1_numbers(level):
    sigma_w, sigma_b, depth = 1.2, 0.8, 3
    q1 = sigma_b ** 2 + sigma_w ** 2
    c1 = (sigma_b ** 2 + sigma_w ** 2 * 0.6) / q1
    cand = {}
    for variant in ("correct", "swapped"):
        k_xy, k_xx, _, _ = num.relu_ffnn_ntk(c1, [depth], sigma_w ** 2, sigma_b ** 2, q1, variant)[depth]
        cand[variant] = (k_xx, k_xy)
    emp, err, scores, width, seeds = _compare_finite_width(level, "ffnn", depth, sigma_w, sigma_b, cand)
    evidence = (f"ReLU FFNN, depth {depth}, sigma_w = {sigma_w}, sigma_b = {sigma_b}, d = 3, |x|^2/d = 1, "
                f"x.x'/d = 0.6; empirical NTK (exact gradients) of width {width}, mean of {seeds} "
                f"initialisations: K(x,x) = {emp[0]:.3f} +/- {err[0]:.3f}, K(x,x') = {emp[1]:.3f} +/- {err[1]:.3f}. "
                f"Recursion K^l = qdot^l K^(l-1) + q^l (q: covariance map with sigma_b^2, qdot: derivative map): "
                f"({cand['correct'][0]:.3f}, {cand['correct'][1]:.3f}), max z = {scores['correct']:.1f}. "
                f"With q and qdot swapped: ({cand['swapped'][0]:.3f}, {cand['swapped'][1]:.3f}), "
                f"max z = {scores['swapped']:.1f}.")
    return cand, emp, scores, evidence


@claim("hayou.lemma1.main_text", SEED, (118, 124),
       r"K^L=\dot q^L K^{L-1}+q^L,\ \dot q^l=\sigma_b^2+\sigma_w^2\mathbb E[\phi(y^{l-1})\phi(y'^{l-1})],\ "
       r"q^l=\sigma_w^2\mathbb E[\phi'(y^{l-1})\phi'(y'^{l-1})]",
       "identity", title="Lemma 1 (main text): infinite-width NTK recursion of a FFNN",
       severity=('slip', 'q and qdot swapped in the main-text Lemma 1; the appendix restatement (seed lines 945-951) has them right and the later results use the right recursion'))
def check_lemma1_main(level):
    cand, emp, scores, evidence = _lemma1_numbers(level)
    printed = f"K(x,x), K(x,x') = {cand['swapped'][0]:.3f}, {cand['swapped'][1]:.3f} (definitions as printed)"
    computed = f"finite width: {emp[0]:.3f}, {emp[1]:.3f}"
    if scores["swapped"] > 6 and scores["correct"] < 3:
        return refuted(printed, computed,
                       r"K^L = \dot q^L K^{L-1} + q^L with q^l = \sigma_b^2 + \sigma_w^2 E[\phi(y^{l-1}(x))\phi(y^{l-1}(x'))] "
                       r"and \dot q^l = \sigma_w^2 E[\phi'(y^{l-1}(x))\phi'(y^{l-1}(x'))] (the definitions of q and "
                       r"\dot q are swapped in the main text; the appendix restatement, lines 945-951, and Jacot et al., "
                       r"seed 002 Theorem 1, have them the right way round)",
                       evidence, agreement=f"printed off by {scores['swapped']:.0f} sigma")
    return inconclusive(printed, computed, "a wider network / more seeds", evidence)


@claim("hayou.lemma1.appendix", SEED, (945, 951),
       r"K^L=\dot q^L K^{L-1}+q^L,\ q^l=\sigma_b^2+\sigma_w^2\mathbb E[\phi\phi],\ \dot q^l=\sigma_w^2\mathbb E[\phi'\phi']",
       "identity", title="Lemma 1 (appendix restatement): FFNN NTK recursion",
       strength=('independent', 'finite-width empirical NTK (width 1000, 4 initialisations) against the recursion; the same trials exclude the swapped main-text recursion by many error bars (hayou.lemma1.main_text), so they have the power to tell the two apart'))
def check_lemma1_appendix(level):
    cand, emp, scores, evidence = _lemma1_numbers(level)
    printed = f"K(x,x), K(x,x') = {cand['correct'][0]:.3f}, {cand['correct'][1]:.3f}"
    computed = f"finite width: {emp[0]:.3f}, {emp[1]:.3f}"
    if scores["correct"] < 3:
        return confirmed(printed, computed, f"within {scores['correct']:.1f} sigma", evidence)
    return inconclusive(printed, computed, "a wider network / more seeds", evidence)


def _resnet_numbers(level):
    sigma_w, depth = 1.0, 4
    cand = {}
    for variant in ("correct", "printed"):
        kbar_xy, kbar_xx, _ = num.relu_resnet_ntk(0.6, [depth], sigma_w ** 2, 1.0, variant)[depth]
        scale = depth * (1 + sigma_w ** 2 / 2) ** (depth - 1)
        cand[variant] = (kbar_xx * scale, kbar_xy * scale)
    emp, err, scores, width, seeds = _compare_finite_width(level, "resnet", depth, sigma_w, 0.0, cand)
    evidence = (f"ReLU ResNet y^l = y^(l-1) + F(y^(l-1)) (eq. (6)), depth {depth}, sigma_w = {sigma_w}, sigma_b = 0, "
                f"|x|^2/d = 1, x.x'/d = 0.6; empirical NTK of width {width}, {seeds} initialisations: "
                f"K(x,x) = {emp[0]:.3f} +/- {err[0]:.3f}, K(x,x') = {emp[1]:.3f} +/- {err[1]:.3f}. "
                f"K^l = (1 + qdot^l) K^(l-1) + q^l with q^l = sigma_w^2 E[phi(y^(l-1))phi(y^(l-1)')] "
                f"(last block only): ({cand['correct'][0]:.3f}, {cand['correct'][1]:.3f}), max z = "
                f"{scores['correct']:.1f}. Adding instead the covariance of y^l (as in the proof of Theorem 2, "
                f"eq. (18)): ({cand['printed'][0]:.3f}, {cand['printed'][1]:.3f}), max z = {scores['printed']:.1f}.")
    return cand, emp, scores, evidence


@claim("hayou.lemma3.resnet_recursion", SEED, (181, 190),
       r"K_{res}^l=K_{res}^{l-1}(q^l+1)+q^l", "identity",
       title="Lemma 3: NTK recursion of a fully connected ResNet",
       severity=('slip', "the multiplier should be the derivative kernel qdot; Theorem 2's proof (lines 1386-1398) uses qdot, so the growth conclusion survives"))
def check_lemma3(level):
    cand, emp, scores, evidence = _resnet_numbers(level)
    kxx, kxy = cand["correct"]
    q_only = None
    # the printed formula uses the same q^l in both places; with q^l the block covariance it gives:
    sigma_w2, depth = 1.0, 4
    a = sigma_w2 / 2
    k = 1.0
    Q = 1.0
    for _ in range(2, depth + 1):
        k = k * (a * Q + 1) + a * Q  # diagonal: q^l = a Q^{l-1}, used as multiplier too
        Q *= 1 + a
    q_only = k
    k_alt = 1.0
    for _ in range(2, depth + 1):
        k_alt = k_alt * (a + 1) + a  # the other reading: q^l = qdot^l (main-text Lemma 1 symbols) in both places
    evidence += (f" Reading the printed q^l as the derivative kernel in both places instead gives "
                 f"K(x,x) = {k_alt:.3f}, also off.")
    printed = f"K(x,x) = {q_only:.3f} with q^l (block covariance) used in both places"
    computed = f"finite width K(x,x) = {emp[0]:.3f}; correct recursion {kxx:.3f}"
    ok = scores["correct"] < 3 and abs(q_only - emp[0]) > 6 * max(0.02 * q_only, 1e-9)
    if ok:
        return refuted(printed, computed,
                       r"K_{res}^l = K_{res}^{l-1}(1 + \dot q^l) + q^l, \dot q^l = \sigma_w^2 E[\phi'(y^{l-1})\phi'(y'^{l-1})], "
                       r"q^l = \sigma_b^2 + \sigma_w^2 E[\phi(y^{l-1})\phi(y'^{l-1})] (y^{l-1} the residual stream); "
                       r"the multiplier is the derivative kernel, not q^l",
                       evidence)
    return inconclusive(printed, computed, "a wider network / more seeds", evidence)


@functools.lru_cache(maxsize=4)
def _cnn_numbers(level, residual=False):
    rng = np.random.default_rng(0)
    M, n0, k, depth = 5, 3, 1, 3
    sw, sb = (1.0, 1.0) if residual else (1.2, 1.0)
    x = rng.standard_normal((M, n0))
    xp = 0.5 * x + rng.standard_normal((M, n0))
    width, seeds = (256, 5) if level == "quick" else (512, 8)
    Ks = [num.empirical_cnn_ntk(x, xp, depth, width, k, sw, sb, np.random.default_rng(100 + s), residual)
          for s in range(seeds)]
    mean, se = np.mean(Ks, 0), np.std(Ks, 0, ddof=1) / math.sqrt(seeds)
    rel = float(np.median(se / np.abs(mean)))  # pooled relative standard error (few seeds per entry)
    variants = ("correct", "swapped", "both_derivative", "both_covariance") if residual else ("correct", "swapped")
    scores, cands = {}, {}
    for variant in variants:
        r = num.cnn_ntk_recursion(x, xp, depth, k, sw * sw, sb * sb, variant, residual)
        tol = np.sqrt(se ** 2 + (np.abs(mean) * rel) ** 2 + (0.03 * np.abs(mean)) ** 2)
        scores[variant] = float(np.max(np.abs(mean - r) / tol))
        cands[variant] = r
    arch = "residual CNN y^l = y^(l-1) + conv block (eq. (6) with eq. (11) blocks)" if residual else "CNN (eq. (11))"
    evidence = (f"ReLU 1-D circular {arch}, M = {M} positions, n0 = {n0}, k = {k}, depth {depth}, sigma_w = {sw}, "
                f"sigma_b = {sb}, random inputs; empirical NTK K_(alpha,alpha')(x,x') of channel 0 (exact gradients, "
                f"{width} channels, {seeds} initialisations) vs the recursion "
                + ("K^l = K^(l-1) + " if residual else "K^l = ") +
                f"avg_beta[sigma_w^2 E[phi'phi'] K^(l-1) + sigma_b^2 + sigma_w^2 E[phi phi]]_(alpha+beta,alpha'+beta): "
                f"max z over the {M * M} entries = {scores['correct']:.1f} (per-entry and pooled s.e. plus 3% for "
                f"finite-width bias); " + "; ".join(f"variant '{v}': max z = {scores[v]:.1f}" for v in variants[1:]) +
                f". K(0,0): empirical {mean[0, 0]:.3f} +/- {se[0, 0]:.3f}, recursion {cands['correct'][0, 0]:.3f}")
    return scores, evidence


@claim("hayou.lemma2.cnn_recursion", SEED, (126, 136),
       r"K^l_{\alpha,\alpha'}=\frac1{2k+1}\sum_{\beta}\Psi^{l-1}_{\alpha+\beta,\alpha'+\beta},\ "
       r"\Psi=\dot q K+\hat q\ (\dot q,\hat q\text{ as in the main-text Lemma 1})", "identity",
       title="Lemma 2 (main text): NTK recursion of a 1-D CNN",
       severity=('slip', 'same swap as the main-text Lemma 1; the appendix Lemma 2 (lines 981-996) has the right kernels'))
def check_lemma2(level):
    scores, evidence = _cnn_numbers(level)
    if scores["swapped"] > 8 and scores["correct"] < 4:
        return refuted("Psi = qdot K + q-hat with qdot = sigma_b^2 + sigma_w^2 E[phi phi] (Lemma 1 main-text symbols)",
                       f"finite width agrees with the unswapped recursion (max z {scores['correct']:.1f}), not with the "
                       f"printed one (max z {scores['swapped']:.1f})",
                       r"\Psi^{l-1}_{\alpha,\alpha'} = \sigma_w^2 E[\phi'(y_\alpha)\phi'(y'_{\alpha'})] K^{l-1}_{\alpha,\alpha'} "
                       r"+ \sigma_b^2 + \sigma_w^2 E[\phi(y_\alpha)\phi(y'_{\alpha'})] (the averaging structure is right; "
                       r"the two kernels inherited from the main-text Lemma 1 are swapped)", evidence)
    return inconclusive("CNN recursion", "see evidence", "wider networks / more seeds", evidence)


@claim("hayou.lemma2.cnn_recursion_appendix", SEED, (981, 996),
       r"K^l_{\alpha,\alpha'}=\frac1{2k+1}\sum_{\beta}\Psi^{l-1}_{\alpha+\beta,\alpha'+\beta},\ "
       r"\Psi^{l-1}=\hat q^l K^{l-1}+\hat q^l\ (\text{appendix Lemma 1 symbols})", "identity",
       title="Lemma 2 (appendix): NTK recursion of a 1-D CNN, first factor read as the derivative kernel",
       strength=('independent', 'finite-width CNN NTK (5 initialisations) agrees within its error bar, while the swapped version is many error bars off (hayou.lemma2.cnn_recursion): the trials have the power to tell them apart'))
def check_lemma2_appendix(level):
    scores, evidence = _cnn_numbers(level)
    evidence += (". Line 996 prints the same symbol q-hat for both factors; the check reads the multiplier as the "
                 "derivative kernel qdot of the appendix Lemma 1 (the only reading consistent with the proof)")
    if scores["correct"] < 4:
        return confirmed("average over the filter window of qdot K + q-hat", "finite width agrees",
                         f"within {scores['correct']:.1f} sigma", evidence)
    return inconclusive("CNN recursion", "see evidence", "wider networks / more seeds", evidence)


@claim("hayou.lemma4.resnet_cnn_recursion", SEED, (193, 203),
       r"K^{res,l}_{\alpha,\alpha'}=K^{res,l-1}_{\alpha,\alpha'}+\frac1{2k+1}\sum_\beta\Psi^{l-1}_{\alpha+\beta,\alpha'+\beta},\ "
       r"\Psi^l=\hat q^l K^{res,l}+\hat q^l", "identity", title="Lemma 4: NTK recursion of a convolutional ResNet",
       severity=('slip', 'one symbol used for both kernels; with qdot in the multiplier (as for the FFNN ResNet, lines 1386-1398) the recursion matches finite width'))
def check_lemma4(level):
    scores, evidence = _cnn_numbers(level, residual=True)
    readings = [scores["both_derivative"], scores["both_covariance"]]
    if scores["correct"] < 4 and min(readings) > 6:
        return refuted("Psi = q-hat K + q-hat (one kernel for both places)",
                       f"finite width: unswapped recursion max z {scores['correct']:.1f}; printed with q-hat = derivative "
                       f"kernel max z {readings[0]:.1f}, with q-hat = covariance kernel max z {readings[1]:.1f}",
                       r"K^{res,l}_{\alpha,\alpha'} = K^{res,l-1}_{\alpha,\alpha'} + \frac1{2k+1}\sum_\beta[\dot q^l K^{res,l-1} "
                       r"+ \hat q^l]_{\alpha+\beta,\alpha'+\beta}, \dot q^l = \sigma_w^2E[\phi'\phi'], "
                       r"\hat q^l = \sigma_b^2 + \sigma_w^2E[\phi\phi] (Gaussians of the residual stream y^{l-1})", evidence)
    return inconclusive("Psi = q-hat K + q-hat", "see evidence", "wider networks / more seeds", evidence)
