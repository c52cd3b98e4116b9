"""The sigma_b = 0 edge of seed 001's ordered phase, computed once for every claim that meets it.

Policy (applied to seeds 000-004): a claim is judged as stated under the document's own premises.  Where a
statement fails only on an edge that the premises exclude, it is confirmed and the edge is a remark in the
evidence; where the premises include the edge, it is refuted with severity 'slip', or 'substantive' when a
conclusion of the document depends on it.

Seed 001's premises include sigma_b = 0: its phases are subsets of (R^+)^2 that contain it -- Fact 8 and
Fact 10 define Ord and Ch inside (R^+)^2 (../shared/seeds/001_018e0351582ed44f.txt:660, 668) and Fact 12
(line 676) places the EOC point (0, sqrt 2) in the same set; Facts 1 and 15 (lines 630, 698) quantify over
sigma_b in R^+.  No statement asks for sigma_b > 0 (the q > 0 of line 138 holds 'under some regularity
conditions', unstated).  The paper's experiments all use sigma_b > 0 for the ordered phase (line 291), so no
experimental conclusion rests on the edge.

On the edge the variance tends to 0 in the ordered phase, and:

* ReLU (sigma_b = 0, sigma_w^2 < 2): the correlation map is Fact 12's f for every sigma_w (sigma_w cancels),
  which has f'(1) = 1, so 1 - c^l ~ kappa / l^2 (polynomial), K^L -> 0 and K^L(x,x') / K^L(x,x) -> 1/4;
* tanh (sigma_b = 0, sigma_w < 1): q^l -> 0 geometrically, tanh becomes linear and c^l converges to a limit
  c_inf < 1 that depends on c^1 -- not to 1.
"""
from __future__ import annotations

import functools
import math

import numpy as np

import proofs_checks.doc001.numerics as num

PREMISES = ("seed 001's premises include sigma_b = 0: Ord and Ch are subsets of (R^+)^2 (Facts 8, 10, lines 660, "
            "668) and Fact 12 (line 676) puts the EOC point (0, sqrt 2) in (R^+)^2; the ordered experiments use "
            "sigma_b > 0 (line 291)")


@functools.lru_cache(maxsize=4)
def relu_edge(sigma_w2: float = 1.44, c1: float = 0.5, depths=(10, 100, 1000)) -> dict:
    """ReLU FFNN with sigma_b = 0 in Fact 8's ordered phase: l^2 (1 - c^l), K^L(x,x), K_xy/K_xx and
    l (1 - f'(c^l)) at the depths (unit input variance)."""
    traj = num.relu_ffnn_ntk(c1, list(depths), sigma_w2, 0.0, 1.0)
    return {
        "depths": depths,
        "scaled_gap": [traj[L][3] * L * L for L in depths],
        "k_diag": [traj[L][1] for L in depths],
        "ratio": [traj[L][0] / traj[L][1] for L in depths],
        "fprime_gap": [L * num.relu_fprime_deficit(traj[L][3]) for L in depths],
    }


@functools.lru_cache(maxsize=4)
def tanh_edge(sigma_w: float = 0.8, c1: float = 0.5, depth: int = 100, n: int = 80) -> dict:
    """tanh FFNN with sigma_b = 0 and sigma_w < 1 (chi_1 = sigma_w^2 < 1 at q = 0: ordered): q^l and 1 - c^l,
    each layer by tensor Gauss-Hermite at the current variance (the map is not at a fixed point)."""
    _, _, z1, z2, ww = num._gh(n)
    q, c = 1.0, c1
    gaps, qs = {}, {}
    for layer in range(1, depth + 1):
        if layer in (10, depth // 2, depth):
            gaps[layer], qs[layer] = 1 - c, q
        a = math.sqrt(q)
        u, v = np.tanh(a * z1), np.tanh(a * (c * z1 + math.sqrt(1 - c * c) * z2))
        q_next = sigma_w**2 * float(np.dot(ww, u * u))
        c = sigma_w**2 * float(np.dot(ww, u * v)) / q_next
        q = q_next
    return {"gaps": gaps, "q": qs}


def relu_edge_text(e: dict) -> str:
    d = e["depths"]
    return (f"ReLU (sigma_b, sigma_w^2) = (0, 1.44), c^1 = 0.5: l^2 (1 - c^l) = "
            + ", ".join(f"{v:.4g}" for v in e["scaled_gap"]) + f" at l = {', '.join(map(str, d))} (polynomial: "
            f"1 - c^l ~ {e['scaled_gap'][-1]:.4g}/l^2), K^L(x,x) = " + ", ".join(f"{v:.2e}" for v in e["k_diag"])
            + f" (-> 0), K^L(x,x')/K^L(x,x) = " + ", ".join(f"{v:.4f}" for v in e["ratio"]))


def tanh_edge_text(e: dict) -> str:
    return ("tanh (sigma_b, sigma_w) = (0, 0.8), c^1 = 0.5: 1 - c^l = "
            + ", ".join(f"{g:.6f} (l={layer})" for layer, g in e["gaps"].items()) + ", q^l = "
            + ", ".join(f"{q:.2e}" for q in e["q"].values()) + " (c^l -> c_inf < 1, q^l -> 0)")


def relu_edge_fails(e: dict) -> bool:
    """True when 1 - c^l is still polynomial (l^2 (1 - c^l) growing towards a positive constant)."""
    s = e["scaled_gap"]
    return s[-1] > s[0] > 0


def tanh_edge_fails(e: dict) -> bool:
    """True when 1 - c^l stays away from 0 (the correlation does not tend to 1)."""
    g = list(e["gaps"].values())
    return g[-1] > 0.1 and abs(g[-1] - g[-2]) < 1e-6
