"""Rates and limits of the ReLU ResNet NTKs of seed 001 (Theorem 2, Proposition 2), with derived constants.

ResNet, eq. (6), sigma_b = 0, a = sigma_w^2/2 (../shared/seeds/001_018e0351582ed44f.txt:207-222): the
normalised off-diagonal kernel Kbar^L_xy follows Appendix Lemma 8's recursion (lines 1121-1127) with
lambda_l = (1 + a f'(c^l))/(1 + a) = 1 - alpha/l + kappa log(l)/l^2, alpha = 3, and
kappa = (a/(1+a)) D, D = (3/2) B, B = (sqrt 2/pi) sqrt(kappa_c) the 1/l coefficient of 1 - f'(c^l)
(kappa_c = 4/s'^2, s' = a s/(1+a), s of Fact 14): so L (Kbar_xy - lim) ~ C log L with
C = q_b kappa/(alpha (1 + alpha)), q_b = a/(1+a) the limit of the added term.  A 1/L rate would make the
slope of L (Kbar_xy - lim) against log L tend to 0.

Scaled ResNet, eq. (7) (lines 229-235): the ratio Kbar_xy / Kbar_xx at depth L, fitted as
r_inf + b / log L + c / log^2 L (and with a cubic term, the difference being the error bar).
"""
from __future__ import annotations

import functools
import math

import numpy as np

import proofs_checks.doc001.numerics as num
from proofs_checks.doc001.common import PI, _depths, _slopes


def derived_log_constant(sigma_w2: float, s: float) -> float:
    """C in L (Kbar^L_xy - lim) ~ C log L for the ReLU ResNet (module docstring), from Fact 14's s."""
    a = sigma_w2 / 2
    s_res = a * s / (1 + a)
    kappa_c = 4 / s_res**2
    B = math.sqrt(2) / PI * math.sqrt(kappa_c)
    kappa = a / (1 + a) * 1.5 * B
    alpha = 3.0
    return a / (1 + a) * kappa / (alpha * (1 + alpha))


@functools.lru_cache(maxsize=8)
def resnet_offdiag_slopes(level: str, sigma_w2: float, c1: float = 0.5):
    """Depths and the slopes per log L of L (Kbar_xy - lim), lim = (1/4) a/(1+a)."""
    ds = _depths(level, 10**5, 10**6, 10)
    a = sigma_w2 / 2
    lim = 0.25 * a / (1 + a)
    traj = num.relu_resnet_ntk(c1, ds, sigma_w2, 1.0)
    return ds, _slopes(ds, [L * (traj[L][0] - lim) for L in ds])


def rate_decision(level: str, log_power: int, s: float, sigma_w2s=(0.5, 1.0, 2.0)) -> dict:
    """Is the ResNet off-diagonal rate log(L)^p / L with p = ``log_power`` (0 or 1)?

    The decade-to-decade changes of the slopes shrink geometrically (ratio r, measured from the last two),
    so the limit is estimated as the last slope plus the geometric tail of its changes, with that tail
    (at least 1e-3) as the error bar.  p = 1 holds when every estimate is within two error bars of the
    derived C and excludes 0 by more than three; p = 0 holds when the estimates are within two error bars
    of 0."""
    rows, holds = [], True
    for sw2 in sigma_w2s:
        ds, sl = resnet_offdiag_slopes(level, sw2)
        C = derived_log_constant(sw2, s)
        last, prev = sl[-1] - sl[-2], sl[-2] - sl[-3]
        r = min(abs(last / prev), 0.9) if prev else 0.9
        tail = last * r / (1 - r)
        est, err = sl[-1] + tail, max(abs(tail), 1e-3)
        rows.append(f"sigma_w^2 = {sw2}: slopes of L (Kbar_xy - lim) per log L = "
                    + ", ".join(f"{v:.4f}" for v in sl) + f" -> {est:.4f} +/- {err:.1e} (derived C = {C:.4f})")
        if log_power == 1:
            holds &= abs(est - C) <= 2 * err and est > 3 * err
        else:
            holds &= abs(est) <= 2 * err
    return {"holds": bool(holds), "rows": rows, "depths": ds}


@functools.lru_cache(maxsize=4)
def scaled_ratio_fit(level: str, literal: bool, sigma_w2: float = 2.0, c1: float = 0.5) -> dict:
    """Fit of Kbar_xy/Kbar_xx = r_inf + b/log L + c/log^2 L (+ d/log^3 L) over the deepest depths."""
    ds = [10**k for k in range(1, 6 if level == "quick" else 7)]
    traj = num.relu_scaled_resnet_ntk(c1, ds, sigma_w2, 1.0, literal=literal)
    ratio = [traj[L][0] / traj[L][1] for L in ds]
    sols = []
    for terms in (3, 4):
        sel = list(range(len(ds) - terms, len(ds)))
        A = np.array([[math.log(ds[i]) ** -k for k in range(terms)] for i in sel])
        sols.append(np.linalg.solve(A, [ratio[i] for i in sel]))
    r_inf = float(sols[1][0])
    return {"depths": ds, "ratio": ratio, "r_inf": r_inf, "b": float(sols[1][1]),
            "error": abs(float(sols[1][0] - sols[0][0])),
            "dev_log": [abs(r - r_inf) * math.log(L) for r, L in zip(ratio, ds)],
            "dev_log2": [abs(r - r_inf) * math.log(L) ** 2 for r, L in zip(ratio, ds)]}
