"""The commented starter file printed by ``ntk-verify claims --template`` (valid as it stands)."""

TEMPLATE = '''\
# ntk-verify claims file: the constants of a paper, as printed, to be checked.
# Check it with   ntk-verify check my_paper.claims.toml   (or: pytest my_paper.claims.toml).
# Every quantity and its parameters:   ntk-verify quantities
#
# printed   a decimal ("1.298": compared to half a unit in its last digit), or an exact
#           SymPy expression ("9*pi**2/2", "sqrt(2)", "200/101": compared to the full
#           accuracy of the computation).  Optional: tolerance = "1e-3" (relative) or digits = 4.
# numbers   parameters are exact: "0.2" means 1/5, "200/101" is a rational, "sqrt(2)" is allowed.
# sigma_w, sigma_b   standard deviations by default; convention = "variance" (here in [document]
#           or per claim) reads them, and a printed eoc.sigma_w, as variances.  sigma_w2 / sigma_b2
#           are always variances.
# Verdicts: confirmed (with the digits of agreement), refuted (with the computed value, its
# accuracy and, where found, its closed form), inconclusive (with what would decide it).
# Grades, computed and explained in severity_reason / strength_reason:
#   a refutation is notation (right in another convention the package computes: std vs variance,
#   c - 1 vs 1 - c, f^(k)(1) vs its Taylor coefficient, K/L vs K/(qL)), slip (the sign alone, the
#   last digit off by one, one digit substituted / transposed / dropped / added within 1%, or a
#   decimal that is an approximation within 1%, or "edge" for a point within 1% of it),
#   or substantive (anything else: a wrong factor, exponent, term; the reason says which);
#   a confirmation is independent, consistency (true by definition) or weak (few printed digits,
#   or a float64 estimate).
# severity  optional: "substantive" | "slip" | "notation", what only the author knows; overrides
#           the computed grade (which the reason still states).
# consequence  optional text: what depends on the value; a computed slip then counts as substantive.

[document]
title = "My paper"
source = "Authors, title, venue, year"
convention = "std"
# import = ["my_package.activations"]   # modules imported first, e.g. to register your activations

[[claim]]
id = "mypaper.eoc"                 # stable id, unique in this file
where = "Section 2, eq. (5)"       # where the paper prints it
quantity = "eoc.sigma_w"           # sigma_w on the Edge of Chaos
activation = "tanh"
sigma_b = "0.2"
printed = "1.3041"

[[claim]]
id = "mypaper.relu_rate"
where = "Lemma 1"
quantity = "depth_law.coefficient"
activation = "relu"
series = "one_minus_c"             # 1 - c^l on the Edge of Chaos; also derivative, ntk_rate, normalised_ntk
term = "1/l**2"                    # a monomial in l and log(l)
printed = "9*pi**2/2"

[[claim]]
id = "mypaper.phase"
where = "Figure 3"
quantity = "phase"                 # ordered, edge or chaotic
activation = "tanh"
sigma_w = "1.298"
sigma_b = "0.2"
printed = "ordered"

[[claim]]
id = "mypaper.q_star"
quantity = "eoc.q_star"
activation = "tanh"
sigma_b = "0.2"
printed = "0.51208"
consequence = "Theorem 2 uses q* to set the learning rate"   # optional (see above)
# severity = "slip"                                            # optional override

[[claim]]
id = "mypaper.leaky_chi"
quantity = "chi_1"
activation = "leaky_relu"
slope = "1/10"
sigma_w2 = "200/101"
printed = "1"
'''
