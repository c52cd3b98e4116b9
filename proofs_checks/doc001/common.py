"""Shared helpers of the seed 001 checkers (slopes of log-log data, depth grids, constants).
"""
from __future__ import annotations

import math

SEED = "001"
PI = math.pi
S_RELU = 2 * math.sqrt(2) / (3 * PI)  # only used *after* Fact 14 is confirmed, to build derived laws
KAPPA_RELU = 9 * PI ** 2 / 2


def _g(x, digits=6):
    """Short float rendering."""
    return f"{x:.{digits}g}"


def _slopes(depths, values):
    """Local slopes d values / d log(depth) between consecutive depths."""
    out = []
    for (l0, v0), (l1, v1) in zip(zip(depths, values), zip(depths[1:], values[1:])):
        out.append((v1 - v0) / math.log(l1 / l0))
    return out


def _depths(level, quick_max=10 ** 5, full_max=10 ** 6, start=10 ** 2):
    top = quick_max if level == "quick" else full_max
    ds, d = [], start
    while d <= top:
        ds.append(d)
        d *= 10
    return ds


def _converging(slopes, target, rel=0.02):
    """The last local slope is within ``rel`` of ``target`` and the slopes move towards it."""
    last = slopes[-1]
    return abs(last - target) <= rel * abs(target) and abs(slopes[-1] - target) <= abs(slopes[0] - target) + 1e-12
