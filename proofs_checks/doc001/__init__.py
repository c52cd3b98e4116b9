"""Claims of seed 001: Hayou, Doucet, Rousseau, "Mean-field Behaviour of Neural Tangent
Kernel for Deep Neural Networks" (``../shared/seeds/001_018e0351582ed44f.txt``).

Conventions of this document (recorded once, used by every checker below):

* NTK parameterisation, eq. (4)/(10) (lines 88-92, 447-451): y^1 = sigma_w/sqrt(d) W x + sigma_b b,
  y^l = sigma_w/sqrt(n) W phi(y^{l-1}) + sigma_b b, all weights and biases N(0, 1);
  sigma_w, sigma_b are standard deviations; q^1(x, x') = sigma_b^2 + sigma_w^2 x.x'/d (line 102).
* q^l: covariance of y^l; qdot^l = sigma_w^2 E[phi'(y^{l-1}) phi'(y^{l-1}')] (line 539);
  c^l: correlation; f: correlation map c^{l+1} = f(c^l) at the limiting variance (Fact 5).
* ReLU correlation map (Fact 12): f(c) = (c asin c + sqrt(1 - c^2))/pi + c/2, which in the
  angle theta = arccos c reads f(c) = c + (sin theta - theta cos theta)/pi, f'(c) = 1 - theta/pi.
* AK^L = K^L / L (line 158).  ResNet: eq. (6), first layer without skip, sigma_b = 0 in
  Theorem 2 (its eq. (18) assumes it).

Every checker computes its value independently (closed forms, series by SymPy, iteration of
the recursions, Gauss-Hermite / mpmath quadrature, finite-width networks); the printed value
is only the thing compared.  Levels: 'quick' (seconds) and 'full' (deeper / wider / more digits).

One module per section or theme; importing the package registers the claims in the order below
(the order of the document, kept stable).
"""
from proofs_checks.doc001 import finite_width  # noqa: F401
from proofs_checks.doc001 import thm1_phases  # noqa: F401
from proofs_checks.doc001 import relu_eoc  # noqa: F401
from proofs_checks.doc001 import resnet  # noqa: F401
from proofs_checks.doc001 import tanh_eoc  # noqa: F401
from proofs_checks.doc001 import experiments  # noqa: F401
from proofs_checks.doc001 import meanfield_facts  # noqa: F401
from proofs_checks.doc001 import sequence_lemmas  # noqa: F401
from proofs_checks.doc001 import spectrum  # noqa: F401
from proofs_checks.doc001 import proof_steps  # noqa: F401
