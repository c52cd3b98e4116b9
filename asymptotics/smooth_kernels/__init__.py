"""Kernel engines for smooth activations at any (sigma_w, sigma_b), iterated in delta = 1 - rho.

* :mod:`.erf_closed`  - erf(a x): the arcsine kernel and its derivative kernel in closed form, delta form;
* :mod:`.quadrature`  - any activation with numpy derivatives: Mehler (Hermite) expansion of the 2-D
  Gaussian expectation with 1 - rho^k built from delta, coefficients by Gauss-Hermite, error stated;
* :mod:`.gram`        - float64 Gram matrices of Sigma, Sigma-dot, Theta and the normalised NTK per depth;
* :mod:`.pairs`       - one pair at any precision, digits agreed between two differently rounded runs.
"""
