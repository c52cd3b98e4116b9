"""Seed 000 claims registered without a checker, each with the reason (../shared/seeds/000_f7801e5ab975f0a8.txt:159-426).
"""
from __future__ import annotations

from proofs_checks.doc000.common import SEED
from proofs_checks.registry import out_of_scope_claim

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
                   "a finite-width statement with depth and width both growing; not computable with the "
                   "infinite-width engine", title="depth-width regime")
out_of_scope_claim("depth_ntk.sec6.small_det_hypothesis", SEED, (422, 426),
                   r"\text{small determinants indicate fast convergence to the limiting solution}", "rate",
                   "stated as a hypothesis; note that the determinant tends to a positive constant "
                   "(thm2.det_to_zero) and the weights converge at rate log L / L (sec6.weights_converge_fast)",
                   title="hypothesis on small determinants")
