"""Kernel engines for smooth activations at any (sigma_w, sigma_b), iterated in delta = 1 - rho.

* :mod:`.erf_closed`  - erf(a x): the arcsine kernel and its derivative kernel in closed form, delta form;
* :mod:`.quadrature`  - any activation with numpy derivatives: Mehler (Hermite) expansion of the 2-D
  Gaussian expectation with 1 - rho^k built from delta, coefficients by Gauss-Hermite, error stated;
* :mod:`.gram`        - float64 Gram matrices of Sigma, Sigma-dot, Theta and the normalised NTK per depth;
* :mod:`.pairs`       - one pair at any precision, digits agreed between two differently rounded runs.
"""

from asymptotics.smooth_kernels.erf_closed import ErfClosedForm, erf_diagonal, erf_expectations  # noqa: E402
from asymptotics.smooth_kernels.gram import engine_for, smooth_gram_at_depths, smooth_pairs_float64  # noqa: E402
from asymptotics.smooth_kernels.pairs import estimate_seconds, smooth_pair_at_depths  # noqa: E402
from asymptotics.smooth_kernels.quadrature import HermiteRule, numpy_functions  # noqa: E402

__all__ = ["ErfClosedForm", "HermiteRule", "engine_for", "erf_diagonal", "erf_expectations", "estimate_seconds",
           "numpy_functions", "smooth_gram_at_depths", "smooth_pair_at_depths", "smooth_pairs_float64"]
