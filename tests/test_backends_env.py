"""Both mpmath back ends (gmpy2 and pure Python, MPMATH_NOGMPY=1) under the mpmath and arb engines.

mpmath picks its integer back end at import, so each variant runs in a fresh interpreter."""
import importlib.util
import json
import os
import subprocess
import sys

import mpmath
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# rho both as a decimal string and as an mpmath number: the latter hands gmpy2.mpz mantissas to
# the arb conversion when mpmath runs on gmpy2.
SCRIPT = r"""
import json, mpmath
from asymptotics.recursion import Network, kernel_at_depths
out = {"backend": mpmath.libmp.BACKEND}
for engine in ("mpmath", "arb"):
    for rho in ("0.5", mpmath.mpf("0.5")):
        t = kernel_at_depths(Network("relu"), rho, [1, 7], backend=engine, digits=30)
        a = t.at(7).rho
        out.setdefault(engine, []).append([mpmath.nstr(a.mid, 25), float(a.rad)])
print(json.dumps(out))
"""


def _run(env_extra):
    env = {**os.environ, **env_extra, "PYTHONPATH": ROOT}
    proc = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


def _relu_rho_after(rho, steps):
    """Reference: the arc-cosine correlation map of ReLU at the Edge of Chaos, in mpmath at 60 digits."""
    with mpmath.workdps(60):
        r = mpmath.mpf(rho)
        for _ in range(steps):
            r = (mpmath.sqrt(1 - r * r) + (mpmath.pi - mpmath.acos(r)) * r) / mpmath.pi
        return r


def _check(out):
    truth = _relu_rho_after("0.5", 6)  # layer 1 is rho itself; 6 maps take it to layer 7
    with mpmath.workdps(60):
        for engine in ("mpmath", "arb"):
            for mid, rad in out[engine]:
                assert abs(mpmath.mpf(mid) - truth) <= max(rad, 0) + mpmath.mpf(10) ** -24, (engine, mid, rad)


def test_pure_python_mpmath_backend():
    out = _run({"MPMATH_NOGMPY": "1"})
    assert out["backend"] == "python"
    _check(out)


@pytest.mark.skipif(importlib.util.find_spec("gmpy2") is None, reason="gmpy2 not installed ([dev] extra)")
def test_gmpy2_mpmath_backend():
    out = _run({})
    assert out["backend"] == "gmpy"
    _check(out)
