"""Section 3: kernel gradient descent and the random-features model (Section 3.1).

Jacot, Gabriel, Hongler, "Neural Tangent Kernel: Convergence and Generalization in Neural
Networks" (2018), seed 002_49fd9c726352dc08.txt; conventions in proofs_checks/doc002/__init__.py.
"""
from __future__ import annotations

import math

import numpy

from asymptotics import finite_width as fw
from proofs_checks.doc002.common import SEED, _fmt, _rate_text
from proofs_checks.registry import claim
from proofs_checks.verdict import judge


def _random_psd(N, seed):
    A = numpy.random.default_rng(seed).standard_normal((N, N + 2))
    return A @ A.T / (N + 2)


@claim("jacot.kernel_gradient.cost_decay", SEED, 121,
       r"\partial_t C|_{f(t)} = -\|d|_{f(t)}\|_K^2", "identity",
       title="cost decay along kernel gradient descent",
       strength=('independent', 'a numerical ODE solution and a finite-difference derivative of C against the printed'
                                ' norm; a missing 1/N or sign would show as an O(1) relative mismatch'))
def _cost_decay(level):
    from scipy.integrate import solve_ivp

    N = 6
    K = _random_psd(N, 3)
    y = numpy.random.default_rng(4).standard_normal(N)
    f0 = numpy.zeros(N)
    rhs = lambda t, f: -K @ (f - y) / N  # kernel gradient of C = (1/2N)|f - y|^2
    sol = solve_ivp(rhs, (0, 2), f0, rtol=1e-11, atol=1e-13, dense_output=True)
    worst = 0.0
    for t in (0.1, 0.7, 1.5):
        h = 1e-4
        C = lambda s: 0.5 * numpy.mean((sol.sol(s) - y) ** 2)
        dC = (C(t + h) - C(t - h)) / (2 * h)
        d = sol.sol(t) - y  # d|_f = f - y for the least-squares cost
        normK2 = d @ K @ d / N ** 2
        worst = max(worst, abs(dC + normK2) / normK2)
    return judge("dC/dt = -||d||_K^2", f"relative mismatch {worst:.1e} at t = 0.1, 0.7, 1.5", worst < 1e-6,
                 f"relative {worst:.0e}", "solve_ivp (rtol 1e-11) of the kernel flow with a random PSD kernel, "
                 "central difference of C(f(t)) vs E_{x,x'}[d K d]", corrected="(mismatch)")


@claim("jacot.random_features.lln", SEED, (129, 155),
       r"\tilde K = \frac{1}{P}\sum_p f^{(p)} \otimes f^{(p)} \to K \ (P \to \infty)", "limit",
       title="random-features tangent kernel converges to K",
       strength=('independent', "Monte Carlo with 20-50 seeds per P: the fitted exponent's error bar excludes p = 0 "
                                '(no convergence) by more than 20 standard errors'))
def _random_features(level):
    rng = numpy.random.default_rng(5)
    X = rng.standard_normal((5, 2))
    exact = numpy.exp(-0.5 * ((X[:, None] - X[None]) ** 2).sum(-1))  # E[2 cos(w.x+b) cos(w.x'+b)], w ~ N(0, I)
    Ps = [100, 400, 1600, 6400] if level == "quick" else [100, 400, 1600, 6400, 25600, 102400]
    seeds = 20 if level == "quick" else 50
    per = []
    for P in Ps:
        sq = []
        for s in range(seeds):
            r = numpy.random.default_rng(1000 * P + s)
            w = r.standard_normal((P, 2))
            b = r.uniform(0, 2 * math.pi, P)
            F = math.sqrt(2) * numpy.cos(X @ w.T + b)  # f^(p)(x)
            sq.append((numpy.linalg.norm(F @ F.T / P - exact) / numpy.linalg.norm(exact)) ** 2)
        per.append(numpy.asarray(sq))
    rms = [math.sqrt(s.mean()) for s in per]
    p, c, p_std = fw.fit_power_law(Ps, rms, n_boot=200, per_seed=per)
    ok = p > 3 * p_std and abs(p - 0.5) < 3 * p_std + 0.05
    return judge("K~ -> K by the law of large numbers", f"relative error ~ {c:.2f} P^-{p:.3f} (+/- {p_std:.3f})",
                 ok, _rate_text(p, p_std).replace("n^", "P^"),
                 f"random Fourier features for exp(-|x-x'|^2/2), P = {Ps}, {seeds} seeds, RMS errors "
                 + ", ".join(_fmt(r) for r in rms), corrected="(no convergence)")


def _logistic_flow(K, y, times):
    """Kernel gradient flow of the logistic cost C(f) = E_p[log(1 + exp(-y f))] on the data: df/dt = (K/N) d with
    d = y sigmoid(-y f) (the negative dual element), integrated in log-time s = log(1 + t) for the long horizon."""
    from scipy.integrate import solve_ivp

    N = len(y)
    rhs = lambda s, f: math.exp(s) * (K @ (y / (1 + numpy.exp(y * f)))) / N
    sol = solve_ivp(rhs, (0.0, math.log1p(times[-1])), numpy.zeros(N), rtol=1e-10, atol=1e-12,
                    t_eval=[math.log1p(t) for t in times], method="LSODA")
    return sol.y.T  # (times, N)


@claim("jacot.kernel_gradient.global_minimum", SEED, 123,
       r"K \succ 0,\ C \text{ convex and bounded from below} \Rightarrow f(t) \to \text{a global minimum } (t \to \infty)",
       "limit", title="kernel gradient descent on a convex cost bounded below reaches a global minimum")
def _global_minimum(level, cost="logistic"):
    """The logistic cost is convex and bounded below by 0 but has no minimiser on separable data: along the flow
    the cost tends to its infimum 0 while f grows like log t, so f(t) converges to nothing.  ``cost`` =
    'least_squares' runs the same check on the cost the paper uses next (which has a minimiser)."""
    K = _random_psd(6, 11)
    y = numpy.array([1.0, -1.0, 1.0, 1.0, -1.0, -1.0])
    times = [1e1, 1e3, 1e5, 1e7] if level == "quick" else [1e1, 1e3, 1e5, 1e7, 1e9]
    lam = float(numpy.linalg.eigvalsh(K).min())
    if cost == "logistic":
        F = _logistic_flow(K, y, times)
        costs = numpy.log1p(numpy.exp(-y[None] * F)).mean(1)
    elif cost == "least_squares":
        F = numpy.asarray([fw.kernel_flow_prediction(K, numpy.zeros(6), y, t) for t in times])
        costs = 0.5 * ((F - y[None]) ** 2).mean(1)
    else:
        raise ValueError("cost: 'logistic' or 'least_squares'")
    size = numpy.abs(F).max(1)
    steps = numpy.abs(numpy.diff(F, axis=0)).max(1)  # movement between consecutive times
    settled = steps[-1] < 1e-6 * max(size[-1], 1.0)
    growth = float(numpy.polyfit(numpy.log(times[1:]), size[1:], 1)[0])  # d max|f| / d log t
    computed = (f"{cost} cost, random positive-definite K on 6 points (lambda_min {lam:.2g}), labels +-1: cost "
                f"{', '.join(f'{c:.2e}' for c in costs)} and max|f| {', '.join(f'{v:.3g}' for v in size)} at t = "
                f"{', '.join(f'{t:.0e}' for t in times)}; movement between the last two times {steps[-1]:.2e} "
                f"(d max|f| / d log t = {growth:.2f})")
    return judge("f(t) converges to a global minimum", computed, bool(settled), "f(t) settles" if settled else "",
                 "solve_ivp (LSODA, rtol 1e-10) in log-time for the logistic flow; the least-squares flow in closed form",
                 corrected=f"only if a minimiser exists: the {cost} cost is convex and bounded below by 0, yet along the "
                           f"flow the cost falls to its infimum while f grows like {growth:.2f} log t (computed) and "
                           "converges to no function; for a cost with a minimiser (least squares, the case used from "
                           "Section 5 on) f(t) does converge",
                 severity=("slip", "the paper uses the statement only for least squares (Section 5, Remark 5), whose "
                                   "minimiser exists, so its conclusions stand"),
                 strength=("independent", "the flow is integrated to t = %.0e and its movement measured" % times[-1]))
