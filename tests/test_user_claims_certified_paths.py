"""Catalogue claims that reach the certified depth paths: tanh and erf on their Edge of Chaos, and the
ReLU family at depths only the jump reaches (the catalogue once stopped at depth 10^7)."""
from __future__ import annotations

import mpmath

from proofs_checks.testing import check
from proofs_checks.verdict import Status


def test_tanh_normalised_ntk_on_the_eoc_is_certified_and_matches_the_agreement_engine():
    """Reference: the agreement engine's c^l and f'(c^l) (fixed-point quadrature, no arithmetic shared with the
    certified path) fed into the textbook recursion K^1 = c^1, K^(l+1) = f'(c^l) K^l + c^(l+1), N_L = K^L / L."""
    from asymptotics.smooth_depth import eoc_correlation_depths

    L = 50
    traj = eoc_correlation_depths("tanh", "0.2", "0.5", list(range(1, L + 1)), digits=20)
    with mpmath.workdps(30):
        K = traj.at(1).c.mid
        for layer in range(1, L):
            K = traj.at(layer).f_prime.mid * K + traj.at(layer + 1).c.mid
        reference = K / L
    right = check("kernel.normalised_ntk", mpmath.nstr(reference, 15), activation="tanh", sigma_b="0.2", rho="0.5",
                  depth=L)
    assert right.status is Status.CONFIRMED and right.strength == "independent"
    assert "certified" in right.evidence
    wrong = check("kernel.normalised_ntk", mpmath.nstr(2 * reference, 15), activation="tanh", sigma_b="0.2",
                  rho="0.5", depth=L)
    assert wrong.status is Status.REFUTED and wrong.severity == "substantive"


def test_erf_one_minus_rho_on_the_eoc_is_certified():
    """Reference written here: the erf closed form E[erf u erf v] = (2/pi) asin(2 S12 / (1 + 2 q)), the EOC from
    sw2 = pi sqrt(1 + 4q) / 4 and q = sw2 (2/pi) asin(2q/(1+2q)) + sb2, iterated 10^5 times in mpmath."""
    L = 10**5
    with mpmath.workdps(45):
        sb2 = mpmath.mpf("0.2") ** 2
        q = mpmath.findroot(lambda q: mpmath.sqrt(1 + 4 * q) / 2 * mpmath.asin(2 * q / (1 + 2 * q)) + sb2 - q, 0.5)
        sw2 = mpmath.pi * mpmath.sqrt(1 + 4 * q) / 4
        c = mpmath.mpf("0.5")
        for _ in range(L - 1):
            c = (sw2 * 2 / mpmath.pi * mpmath.asin(2 * q * c / (1 + 2 * q)) + sb2) / q
        reference = 1 - c
    got = check("kernel.one_minus_rho", mpmath.nstr(reference, 15), activation="erf", sigma_b="0.2", rho="0.5", depth=L)
    assert got.status is Status.CONFIRMED and "certified" in got.evidence, got.evidence
    wrong = check("kernel.one_minus_rho", mpmath.nstr(reference * 1.001, 15), activation="erf", sigma_b="0.2",
                  rho="0.5", depth=L)
    assert wrong.status is Status.REFUTED


def test_relu_beyond_iteration_reach():
    # printed: the leading depth law 1 - rho_L ~ 9 pi^2 / (2 L^2) (bias-free ReLU on its EOC), to 9 digits; its
    # relative correction ~ 3 log L / L ~ 1e-10 at L = 10^12 does not reach the 9th digit
    L = 10**12
    printed = mpmath.nstr(9 * mpmath.pi**2 / (2 * mpmath.mpf(L) ** 2), 9)
    deep = check("kernel.one_minus_rho", printed, convention="variance", activation="relu", sigma_w="2", rho="0.5",
                 depth=L)
    assert deep.status is Status.CONFIRMED and "jump" in deep.evidence
    # chi_1 = 1 with a bias: no certified jump, iteration refuses on cost -> inconclusive with what would decide it
    edge = check("kernel.one_minus_rho", "1e-20", convention="variance", activation="relu", sigma_w="2",
                 sigma_b="0.1", rho="0.5", depth=10**12)
    assert edge.status is Status.INCONCLUSIVE and "beyond the recursion's reach" in edge.evidence
