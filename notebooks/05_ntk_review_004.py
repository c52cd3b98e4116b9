# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Seed 004: a review of the NTK paper (Beomsu Kim)
#
# A paper review of Jacot, Gabriel, Hongler's *Neural Tangent Kernel* by Beomsu Kim, `004_e455a6db90f532d1.txt`
# (physical line numbers, `sed -n A,Bp` numbering).  It restates the paper (seed 002, see
# `03_jacot_ntk_002.ipynb`) with expanded derivations, so most of its claims are identities that
# can be checked against the paper and against computation.
#
# ## The setting, in our words
#
# * **Network and function space** (lines 15-38): the realisation function of a fully connected
#   network in the NTK parameterisation; the cost is evaluated through the empirical input
#   measure on a finite data set (line 24).
# * **Kernel gradient descent** (lines 39-67): the cost decreases along the kernel gradient by the
#   kernel norm of the functional derivative (lines 60-62).
# * **Random functions and the NTK** (lines 68-167): random-feature approximation, the limit of
#   the NTK at initialisation and during training, and a density argument (lines 152-166).
# * **Least squares** (lines 168-285): the flow $f_t$ written with the operator $\Pi$, its
#   eigenfunctions (kernel PCA, lines 202-212), the trajectory along principal components
#   (lines 216-229), the limit $f_\infty$ and its interpretation as a Gaussian-process posterior
#   (lines 243-285).
# * **Appendix** (lines 287-494): the proofs of Proposition 1 and Theorems 1-2 of the paper, with
#   the recursion of the limiting kernels (lines 352-437).

# %% tags=["parameters"]
# Parameters (papermill's "parameters" cell): QUICK = True runs in seconds to a few minutes
# (small depths and sizes); QUICK = False uses the depths and sizes of the paper.
QUICK = True

# %%
# The environment variable NTK_VERIFY_NOTEBOOK_MODE=quick|full overrides QUICK (the test
# suite forces quick); LEVEL is the level at which the claim checkers run.
from nb_helpers import notebook_quick

QUICK = notebook_quick(QUICK)
LEVEL = "quick" if QUICK else "full"
print("mode:", LEVEL)

# %%
# Imports used throughout; the verdict table and evidence helpers live in notebooks/nb_helpers.py.
import matplotlib.pyplot as plt
import numpy as np
import sympy

from nb_helpers import elapsed, run_document_checks, show_evidence, show_expansion, show_verdict_table

# %% [markdown]
# <a id="fig-flow"></a>
# ## The least-squares flow, as written in the review and as it should be
#
# The review writes the flow (lines 176-184) as $\partial_t f_t = \Pi(f_t - f^*)$ and states the
# solution $f_t = f^* + e^{-t\Pi}(f_0 - f^*)$.  With the limiting ReLU NTK $\Theta^{(3)}_\infty$
# ($\beta = 0.1$) on points of the unit circle we integrate both the equation as printed and
# the paper's $\partial_t f_t = \Pi(f^* - f_t)$ (seed 002), and compare with the stated solution
# (computed with a matrix exponential).  $\Pi$ on the data is the matrix $\Theta/N$.

# %%
from scipy.integrate import solve_ivp
from scipy.linalg import expm

from asymptotics.finite_width import circle_points, limit_ntk

N = 5 if QUICK else 20
X = circle_points(N, 0.0, np.pi)
kernels = limit_ntk(X, 3, "relu", beta=0.1)
K = kernels.theta
rng = np.random.default_rng(4)
y = X[:, 0] * X[:, 1]
f0 = rng.multivariate_normal(np.zeros(N), kernels.sigma)   # f_0 ~ GP(0, Sigma^(3)) on the data
T = 4.0
ts = np.linspace(0, T, 60)
stated = np.array([y + expm(-t * K / N) @ (f0 - y) for t in ts])
as_printed = solve_ivp(lambda t, f: K @ (f - y) / N, (0, T), f0, t_eval=ts, rtol=1e-10, atol=1e-12).y.T
as_paper = solve_ivp(lambda t, f: K @ (y - f) / N, (0, T), f0, t_eval=ts, rtol=1e-10, atol=1e-12).y.T
dist = lambda F: np.sqrt(np.mean((F - y) ** 2, axis=1))   # ||f_t - f*|| in L2(p_in)
fig, ax = plt.subplots(figsize=(6.5, 3.8))
ax.semilogy(ts, dist(stated), "k", lw=2, label="stated solution $f^* + e^{-t\\Pi}(f_0 - f^*)$")
ax.semilogy(ts, dist(as_printed), "r--", label=r"review's equation $\partial_t f = \Pi(f - f^*)$")
ax.semilogy(ts, dist(as_paper), "b:", lw=2, label=r"paper's equation $\partial_t f = \Pi(f^* - f)$")
ax.set_xlabel("t"); ax.set_ylabel(r"$\|f_t - f^*\|_{p^{in}}$"); ax.legend(fontsize=8)
fig.tight_layout(); plt.show()
print(f"at t = {T}: |printed ODE - stated solution| = {np.max(np.abs(as_printed[-1] - stated[-1])):.3g}; "
      f"|paper ODE - stated solution| = {np.max(np.abs(as_paper[-1] - stated[-1])):.1e}")

# %% [markdown]
# Reading: the equation as printed runs away from $f^*$; its stated solution (and the
# paper's equation) converge.  The sign belongs on the other side:
# $\partial_t f_t = \Pi(f^* - f_t) = -\Pi(f_t - f^*)$.
#
# <a id="fig-posterior"></a>
# ## $f_\infty$ as a Gaussian-process posterior (lines 268-285)
#
# $f_\infty(x) = \kappa_x^\top\tilde K^{-1}y^* + (f_0(x) - \kappa_x^\top \tilde K^{-1}y_0)$: the first term is
# deterministic, the second is a centred Gaussian whose variance vanishes at the data points.
# With $f_0 \sim \mathcal{GP}(0, \Sigma^{(3)})$ its variance is
# $\Sigma(x,x) - 2\kappa_x^\top\tilde K^{-1}\Sigma(X,x) + \kappa_x^\top\tilde K^{-1}\Sigma(X,X)\tilde K^{-1}\kappa_x$.

# %%
gam = np.linspace(0, 2 * np.pi, 241)
Xe = np.stack([np.cos(gam), np.sin(gam)], axis=1)
both = limit_ntk(np.concatenate([X, Xe]), 3, "relu", beta=0.1)
T_, S_ = both.theta, both.sigma
A = np.linalg.solve(T_[:N, :N], T_[N:, :N].T).T              # kappa_x^T K^-1
mean = A @ y
var = np.diag(S_[N:, N:]) - 2 * np.sum(A * S_[N:, :N], axis=1) + np.sum((A @ S_[:N, :N]) * A, axis=1)
sd = np.sqrt(np.clip(var, 0, None))
angles = np.arctan2(X[:, 1], X[:, 0]) % (2 * np.pi)
fig, ax = plt.subplots(figsize=(7, 3.6))
ax.fill_between(gam, mean - 2 * sd, mean + 2 * sd, alpha=0.3, label="mean +- 2 sd of $f_\\infty$")
ax.plot(gam, mean, "k", label=r"$\kappa_x^\top \tilde K^{-1} y^*$")
ax.plot(angles, y, "ro", label="data")
ax.set_xlabel(r"angle of $x$ on the circle"); ax.legend(fontsize=8); fig.tight_layout(); plt.show()
at_data = [float(sd[np.argmin(np.abs(gam - a))]) for a in angles]
print("sd of f_inf at the grid points nearest the data:", np.round(at_data, 4), "; max sd elsewhere:", round(float(sd.max()), 3))

# %% [markdown]
# ## Derived formulas
#
# The least-squares solution on the data, symbolically for a $2\times 2$ kernel, and the
# statement that $f_\infty$ interpolates the data:

# %%
t = sympy.Symbol("t", nonnegative=True)
a, b, c = sympy.symbols("a b c", positive=True)
Kmat = sympy.Matrix([[a, b], [b, c]])
y1, y2, g1, g2 = sympy.symbols("y_1 y_2 f_{0\\,1} f_{0\\,2}")
f_inf = Kmat * Kmat.inv() * sympy.Matrix([y1, y2]) + (sympy.Matrix([g1, g2]) - Kmat * Kmat.inv() * sympy.Matrix([g1, g2]))
show_expansion(r"f_\infty(X)", sympy.simplify(f_inf))

# %% [markdown]
# ## Verdict table
#
# Every claim of this document registered in `proofs_checks` (issue 5-7 modules), checked at
# the level of the parameter cell (`quick` or `full`).  *printed* is the value as the document
# states it (typed in from the seed file, with its line numbers); *computed* is what the
# package computes independently, with its accuracy.  Each claim that is not confirmed links to
# its evidence: a cell of this notebook where one exists, otherwise the generated section below
# the table.  The same table comes from the command line:
# `ntk-verify check review --level quick` (or `ntk-verify report`).

# %%
results = run_document_checks("004", LEVEL)
show_verdict_table(results, static_evidence={'review.flow_sign': 'fig-flow', 'review.trajectory': 'fig-flow', 'review.projection_explanation': 'fig-flow', 'review.f0_covariance': 'fig-posterior', 'review.map_interpretation': 'fig-posterior'}, title='Seed 004 claims')

# %% [markdown]
# ### Evidence for the claims that are not confirmed

# %%
show_evidence(results)

# %%
print(elapsed())
