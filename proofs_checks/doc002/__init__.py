"""Claims of Jacot, Gabriel, Hongler, "Neural Tangent Kernel: Convergence and
Generalization in Neural Networks" (2018), seed 002_49fd9c726352dc08.txt: one module per section.

Conventions of this document (seed 002, lines 73-89, 175-197): parameters iid
N(0, 1); pre-activations W alpha / sqrt(n_l) + beta b; Sigma^(1) = x.x'/n_0 +
beta^2; Sigma-dot^(L) is the expectation under N(0, Sigma^(L)) (so Jacot's
Sigma-dot^(L) is seed 001's Sigma-dot^(L+1)); the lead's engine reproduces this
with Network(activation, sigma_w=1, sigma_b=beta).  The cost is
C = (1/2) E_{p_in}|f - f*|^2 with p_in the empirical measure, so on the data
the kernel flow is d f/dt = -(Theta/N)(f - y) and the eigenvalues of Pi are
those of the Gram matrix divided by N.

Every expected value below is the printed statement; every observed value
is computed (finite networks by exact backpropagation, limits by closed
forms, ODEs by matrix exponentials or a numerical integrator).


Consistency policy (shared with seeds 000-001): a claim is judged as stated under the document's own
premises. Where a statement fails only on an edge that the premises exclude, the verdict is confirmed and
the edge is reported as a remark in the evidence; where the premises include the edge, it is refuted with
severity 'slip' unless a conclusion depends on it (then 'substantive').
Registration order: the submodules are imported in the order of the paper's sections.
"""
from proofs_checks.doc002 import (setting, kernel_gradient, initialisation, training,  # noqa: F401
                                  positive_definite, least_squares, figure1, figure2, figure3)
