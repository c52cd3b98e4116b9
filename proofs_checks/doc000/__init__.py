"""Claims of seed 000: "Understanding the role of depth in the neural tangent kernel for
overparameterized neural networks" (anonymous, under review; ``../shared/seeds/000_f7801e5ab975f0a8.txt``).

Conventions (recorded once): ReLU, weights N(0, 1), no biases; Sigma^(1) = x.x'/n0 and
Sigma^(l+1) = E[relu relu] *without* a factor 2 (lines 142-152), so variances halve per layer
but correlations follow h(rho) of Definition 5 (lines 266-268), i.e. the ReLU Edge-of-Chaos
correlation map; the normalised NTK Theta-bar^(L) = n0 2^(L-1) Theta^(L) / L (Definition 4,
lines 261-264) has unit diagonal and equals the engine's ``ntk_normalized`` for
``Network("relu", sigma_w=1, sigma_b=0)``.  Line numbers are physical lines of the seed file.

The file ends at the references: its appendix (proofs, Definition 7, Figures 2-3,
Proposition 7, Appendices A-F) is not available; claims that need it say so.

Every expected value is the printed statement; every observed value is computed here (closed
forms by SymPy, 2-D Gaussian integrals by mpmath quadrature, the depth engine in float64 /
certified arb, certified determinants and solves with python-flint arb_mat, the derived depth
law of :mod:`asymptotics.depth_laws`).

One module per section or theme; importing the package registers the claims in the order below
(the order of the document, kept stable).
"""
from proofs_checks.doc000 import sec4_inputs  # noqa: F401
from proofs_checks.doc000 import sec5_limit  # noqa: F401
from proofs_checks.doc000 import thm3_weights  # noqa: F401
from proofs_checks.doc000 import thm3_proof  # noqa: F401
from proofs_checks.doc000 import sec6_discussion  # noqa: F401
from proofs_checks.doc000 import unchecked  # noqa: F401
