"""Seed 000 claims registered without a checker, each with the reason, and the discussion's hypothesis on small
determinants (../shared/seeds/000_f7801e5ab975f0a8.txt:159-426).
"""
from __future__ import annotations

import numpy as np

from asymptotics import linalg as la
from proofs_checks.doc000.common import SEED
from proofs_checks.registry import claim, out_of_scope_claim
from proofs_checks.verdict import judge

# ----------------------------------------------------------------------------- out of scope
out_of_scope_claim("depth_ntk.thm1.jacot", SEED, (159, 171),
                   r"\Theta^{(L)} \to \Theta^{(L)}_\infty \otimes I_{n_L}", "limit",
                   "restated from Jacot et al. (seed 002); checked with its claims (doc002), and the recursion is the "
                   "engine's definition here", title="Theorem 1 (Jacot et al.)")
out_of_scope_claim("depth_ntk.thm3.rde_machinery", SEED, (305, 313),
                   r"\text{rough path lift } \mathbf v^{(L)} \text{ drives } \mathbf u^{(L)},\ u'_\infty = 0",
                   "proof", "the rough-path objects (Definitions 11-14, Appendix D) are in the missing appendix; the "
                   "computable parts (v_(i,j), D, A(t), the limit) are checked separately", title="RDE formulation")
out_of_scope_claim("depth_ntk.sec5.width_depth", SEED, (243, 247),
                   r"L \in o(\min_l n_l) \Rightarrow \text{finite-width NTK follows the same limit}", "limit",
                   "a joint limit (widths and depth growing with L = o(min n_l)) stated without a rate or constants: "
                   "any finite width and depth is compatible with it, so no finite computation can confirm or refute "
                   "it (finite-width NTKs at fixed sizes are compared with the infinite-width recursion in seed 001's "
                   "claims hayou.lemma1.*)", title="depth-width regime")
@claim("depth_ntk.sec6.small_det_hypothesis", SEED, (422, 426),
       r"\text{small determinants indicate fast convergence to the limiting solution}", "rate",
       title="hypothesis on small determinants",
       severity=("slip", "a hypothesis of the discussion; no theorem depends on it, but its premise (dets shrinking "
                 "with depth) is the refuted Theorem 2 claim"),
       strength=("independent", "det and weight error computed at the same depths"))
def _small_det(level, printed_sign=1):
    """Across depths, does a smaller det(Theta-bar^(L)(XX^T)) go with weights closer to their limit?  The hypothesis
    asserts that association: ``printed_sign`` = +1, the error rises and falls with the determinant."""
    from proofs_checks.doc000.thm3_weights import _weights_table

    n = 10
    depths = [10, 100, 1000] if level == "quick" else [10, 100, 10**3, 10**4]
    X = la.sphere_data(n, 128, 0)
    run = la.ntk_grams(X, depths)
    dets = [float(la.det_kappa_certified(run.at(L).E, run.at(L).E_rad).det.mid) for L in depths]
    tab = _weights_table(n, depths, m=1)
    w_inf = float(la.limiting_weights(n).value.mid)
    err = [float(np.abs(tab[L].values[0] - w_inf).max()) for L in depths]
    sign = np.sign(np.corrcoef(np.log(dets), np.log(err))[0, 1])
    return judge("smaller determinants go with faster convergence of the weights",
                 "det: " + ", ".join(f"{d:.4g} (L={L})" for d, L in zip(dets, depths)) + "; max |w - w_inf|: "
                 + ", ".join(f"{e:.3g}" for e in err), sign == printed_sign,
                 "sign of the correlation of log det and log error across depths",
                 "n = 10 points of Figure 1's data; certified dets and weights (depth engine), w_inf derived",
                 corrected="the determinant grows with depth towards a positive limit while the weights approach theirs: "
                 "the larger the determinant, the closer the weights (correlation of log det and log error "
                 f"{'negative' if sign < 0 else 'positive'}), the opposite of the hypothesis")
