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
# # A tour of ntk-verify: the ReLU NTK at depth $10^6$
#
# `ntk-verify` checks, symbolically and at arbitrary precision, claims about very deep,
# infinitely wide networks (NNGP and neural tangent kernels).  This notebook shows the three
# ways to use it on one example:
#
# 1. **in a notebook** (this one): call the library, plot, compare;
# 2. **as pytest assertions of constants**: the same comparisons written as tests
#    (`tests/`, run with `pytest -m "not slow"`);
# 3. **from the command line**: `ntk-verify kernel ...`, `ntk-verify check ...`, with `--json` for machines.
#
# The example: a fully connected ReLU network without biases in the NTK parameterisation,
# weights of variance $\sigma_w^2 = 2$ (the Edge of Chaos of seed 001,
# `001_018e0351582ed44f.txt`, Fact 12), and two unit inputs whose layer-1 correlation is
# $\rho^{(1)} = 1/2$.  We follow the correlation $\rho^{(L)}$ and the normalised NTK
# $\Theta^{(L)}(x,x')/\sqrt{\Theta^{(L)}(x,x)\Theta^{(L)}(x',x')}$ to depth $L = 10^6$.
#
# Without biases $\sigma_w$ only rescales $\Sigma^{(L)}$ and $\Theta^{(L)}$ by $(\sigma_w^2/2)^{L}$, so
# $\rho^{(L)}$ and the normalised NTK are exactly those of seed 000's network
# ($\sigma_w = 1$, `000_f7801e5ab975f0a8.txt` lines 142-171, its Definition 4 at lines 261-264).
# We use $\sigma_w^2 = 2$ because then the unnormalised kernels stay of order $L$: with
# $\sigma_w = 1$ they scale like $2^{-L}$ and a textbook float64 implementation underflows to
# `nan` near $L \approx 1000$ before cancellation even matters.

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
import time

import matplotlib.pyplot as plt
import mpmath
import numpy as np
import sympy
from IPython.display import Markdown, display

from asymptotics.accuracy import Approx, format_approx
from nb_helpers import elapsed, show_expansion

# %% [markdown]
# ## 1. In a notebook: a certified value, the float64 engine and the textbook recursion
#
# $1-\rho^{(L)}$ decays like $L^{-2}$, so at $L=10^6$ it is about $4\cdot 10^{-11}$.  The textbook
# recursion iterates $\rho$ itself: every step computes $\sqrt{1-\rho^2}$ and $\arcsin\rho$ of a
# number within $10^{-11}$ of 1, which cancels catastrophically in float64.  The engine
# (`asymptotics.recursion`) iterates $\delta = 1-\rho$ instead, with
# $\arccos(1-\delta) = 2\arcsin\sqrt{\delta/2}$ (DESIGN.md, precision model).  Three runs:
#
# * `backend="arb"`: python-flint ball arithmetic; the printed digits are **certified**;
# * `backend="float64"`: the engine in float64 with an a-priori error estimate;
# * `naive_float64_pairs`: the textbook recursion in $\rho$, kept as a named baseline.
#
# In quick mode the depth is $10^5$ (a few seconds); full mode goes to $10^6$ (about 30 s for
# the certified run on a loaded 2-core machine).

# %%
from asymptotics.recursion import Network, kernel_at_depths, naive_float64_pairs

network = Network.relu_eoc()      # ReLU, sigma_w^2 = 2, sigma_b = 0
RHO = "0.5"                      # an exact decimal: the engine reads it as 1/2
DEPTH = 10**5 if QUICK else 10**6
DEPTHS = [10**k for k in range(1, 7) if 10**k <= DEPTH]

t0 = time.perf_counter()
certified = kernel_at_depths(network, RHO, DEPTHS, backend="arb", digits=30)
t_arb = time.perf_counter() - t0
t0 = time.perf_counter()
engine = kernel_at_depths(network, RHO, DEPTHS, backend="float64")
t_f64 = time.perf_counter() - t0
t0 = time.perf_counter()
textbook = naive_float64_pairs(network, float(RHO), DEPTHS)
t_naive = time.perf_counter() - t0

top = certified.at(DEPTH)
print(f"depth L = {DEPTH:,}  (arb {t_arb:.1f} s, float64 engine {t_f64:.1f} s, textbook {t_naive:.1f} s)")
for name in ("one_minus_rho", "ntk_normalized", "one_minus_ntk_normalized", "theta_xy"):
    value = getattr(top, name)
    print(f"  {name:26s} {format_approx(value):58s} [{value.method}]")


# %% [markdown]
# Relative errors of the two float64 recursions against the certified balls (the ball radii
# are far below the float64 errors, so the midpoint serves as the exact value):

# %%
def rel_err(x, ball):
    """Relative error of a float against a ball's midpoint (inf when the float is nan/inf)."""
    x = float(x)
    if not np.isfinite(x):
        return float("inf")
    return float(abs(mpmath.mpf(x) - ball.mid) / abs(ball.mid))

rows = []
for L in DEPTHS:
    exact = certified.at(L)
    rows.append((L,
                 format_approx(exact.one_minus_rho),
                 rel_err(engine.at(L).one_minus_rho.mid, exact.one_minus_rho),
                 rel_err(textbook[L]["one_minus_rho"], exact.one_minus_rho),
                 rel_err(engine.at(L).one_minus_ntk_normalized.mid, exact.one_minus_ntk_normalized),
                 rel_err(textbook[L]["one_minus_ntk_normalized"], exact.one_minus_ntk_normalized)))
header = "| L | certified 1 - rho | engine rel. err. | textbook rel. err. | engine rel. err. (1 - NTK) | textbook rel. err. (1 - NTK) |"
lines = [header, "|---|---|---|---|---|---|"]
lines += [f"| {L:,} | {c} | {a:.1e} | {b:.1e} | {d:.1e} | {e:.1e} |" for L, c, a, b, d, e in rows]
display(Markdown("\n".join(lines)))

fig, ax = plt.subplots(figsize=(6, 3.6))
Ls = [r[0] for r in rows]
ax.loglog(Ls, [max(r[2], 1e-17) for r in rows], "o-", label=r"engine (in $1-\rho$): $1-\rho^{(L)}$")
ax.loglog(Ls, [max(r[3], 1e-17) for r in rows], "s--", label=r"textbook (in $\rho$): $1-\rho^{(L)}$")
ax.loglog(Ls, [max(r[5], 1e-17) for r in rows], "^--", label="textbook: 1 - normalised NTK")
ax.axhline(2.0**-53, color="grey", lw=0.8, ls=":")
ax.set_xlabel("depth L"); ax.set_ylabel("relative error vs certified")
ax.set_title("float64 recursions against arb balls (ReLU, rho1 = 1/2)")
ax.legend(fontsize=8); fig.tight_layout(); plt.show()

# %% [markdown]
# What the numbers say: the engine keeps (nearly) full float64 relative accuracy in
# $1-\rho^{(L)}$ at every depth; the textbook recursion in $\rho$ loses accuracy in
# $1-\rho^{(L)}$ as $1-\rho$ shrinks: its relative error grows roughly like $\varepsilon/(1-\rho)$,
# reaching several per cent near $L = 10^5$, and the normalised NTK then goes wrong in its
# third digit.  The normalised NTK itself tends to $1/4$ (not to 1): section 2 derives it.
#
# ## 2. The derived law behind the value
#
# `asymptotics.depth_laws` derives (it does not fit) the large-depth expansion from the local
# expansion of the correlation map at $\rho=1$.  For this network the map is the ReLU map of
# seed 001 on its Edge of Chaos rescaled, so $1-\rho^{(L)} = \tfrac{9\pi^2}{2L^2} + \dots$ and
# the normalised NTK tends to $1/(1+\alpha)$ with $\alpha = 3$:

# %%
from asymptotics.depth_laws import normalized_ntk_depth_law, relu_eoc_depth_law

law = relu_eoc_depth_law(2)
show_expansion(r"1-\rho^{(L)}", law.one_minus_c.expr())
ntk_law = normalized_ntk_depth_law(1)
show_expansion(r"\frac{\Theta^{(L)}(x,x')}{\Theta^{(L)}(x,x)}", ntk_law.off_diagonal.expr())
print("limit ratio 1/(1+alpha) =", ntk_law.limit_ratio, "; coefficient of log(L)/L =", ntk_law.rate_constant)
print("(ell_0 is the depth shift: the only trace of the initial correlation)")

# %% [markdown]
# ## 3. From the command line
#
# The same certified computation from a shell (`--json` for machines; without it a table):
#
# ```
# ntk-verify kernel --rho 0.5 --depth 1e6 --backend arb --digits 20 --json
# ```
#
# Here it is called with `subprocess` (through the current interpreter, so that it works from
# any environment where the package is installed) and compared with the notebook's ball.

# %%
import json
import subprocess
import sys

cmd = [sys.executable, "-m", "proofs_checks.cli", "kernel", "--rho", RHO, "--depth", str(DEPTH),
       "--backend", "arb", "--digits", "20", "--json"]
print("$ ntk-verify " + " ".join(cmd[3:]))
t0 = time.perf_counter()
proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
print(f"exit status {proc.returncode} after {time.perf_counter() - t0:.1f} s")
assert proc.returncode == 0, proc.stderr
payload = json.loads(proc.stdout)
layer = payload[0]["layers"][-1]  # one entry per --rho
for name in ("one_minus_rho", "ntk_normalized"):
    print(f"  {name:16s} value {layer[name]['value']:40s} digits {layer[name]['digits']} ({layer[name]['method']})")
with mpmath.workdps(60):  # read the 40-digit midpoint without rounding it to 53 bits
    cli_ball = Approx(mpmath.mpf(layer["ntk_normalized"]["mid"]), mpmath.mpf(layer["ntk_normalized"]["rad"]))
print("CLI ball overlaps the notebook's ball:", cli_ball.overlaps(top.ntk_normalized))
assert cli_ball.overlaps(top.ntk_normalized)


# %% [markdown]
# ## 4. As pytest assertions of constants
#
# A test in `tests/` compares two *independent* computations, never a number the code produced
# earlier.  The cell below is written exactly like such a test (plain `assert`s in functions
# named `test_*`) and runs them here.  The same functions pasted into a file under `tests/`
# run with `python3 -m pytest -q -m "not slow"`.

# %%
def test_float64_engine_inside_its_error_bound():
    # the float64 engine (in 1 - rho) against the certified arb ball, at every depth
    for L in DEPTHS:
        assert engine.at(L).one_minus_rho.overlaps(certified.at(L).one_minus_rho), L
        assert engine.at(L).ntk_normalized.overlaps(certified.at(L).ntk_normalized), L


def test_textbook_recursion_loses_digits_deep():
    # the baseline iterated in rho is far worse than float64 rounding at the deepest depth
    exact = certified.at(DEPTH).one_minus_rho
    assert rel_err(textbook[DEPTH]["one_minus_rho"], exact) > 1e6 * 2.0**-53


def test_normalised_ntk_follows_derived_law():
    # derived: NTK_norm = lam + B log(L)/L + C/L + o(1/L) with lam, B from the series (not fitted).
    # So L (NTK_norm - lam) - B log L must settle to a constant C: compare two depths 10x apart.
    lam, B = mpmath.mpf(sympy.Rational(ntk_law.limit_ratio)), mpmath.mpf(sympy.Rational(ntk_law.rate_constant))
    def C(L):
        return L * (certified.at(L).ntk_normalized.mid - lam) - B * mpmath.log(L)
    L1, L2 = DEPTHS[-2], DEPTHS[-1]
    assert abs(C(L2) - C(L1)) < 0.05 * abs(C(L2)), (C(L1), C(L2))
    print(f"  C({L1:,}) = {mpmath.nstr(C(L1), 6)}, C({L2:,}) = {mpmath.nstr(C(L2), 6)}")


for test in (test_float64_engine_inside_its_error_bound, test_textbook_recursion_loses_digits_deep,
             test_normalised_ntk_follows_derived_law):
    test()
    print("passed:", test.__name__)

# %% [markdown]
# Where to go next: one notebook per source document (`01_...` to `05_...`), each with the
# document's setting, its figures recomputed, the derived expansions and its verdict table.

# %%
print(elapsed())
