"""Large-depth expansions derived (not fitted) from the local expansion at c = 1.

Method (Fatou coordinate of a parabolic fixed point)
----------------------------------------------------
With delta_l = 1 - c^l the correlation recursion near 1 is (see
:mod:`asymptotics.series`)

    delta_{l+1} = delta_l (1 - sum_{j>=1} A_j delta_l^(j/m)),   m = 2 (ReLU family), 1 (smooth).

In u = delta^(1/m) this is a parabolic map with an integer power series,

    u_{l+1} = G(u_l) = u_l (1 - S(u_l))^(1/m) = u_l - g_1 u_l^2 - g_2 u_l^3 - ...

It has a formal Fatou (Abel) coordinate

    Phi(u) = 1 / (g_1 u) + beta log(g_1 u) + sum_{k>=1} c_k u^k,   Phi(G(u)) = Phi(u) + 1,

whose coefficients are fixed order by order; the log coefficient is
beta = (g_1^2 + g_2) / g_1^2.  Hence Phi(u_l) = l + ell_0 where the depth
shift ell_0 is the only trace of the initial correlation.  Inverting
Phi(u) = N = l + ell_0 by fixed-point iteration gives u_l as a series in 1/l
with polynomials in log(l) as coefficients, then delta_l = u_l^m and
f'(c^l) = 1 - sum_j D_j u_l^j.  A coefficient that does not contain the
symbol ``ell_0`` is *universal* (the same for every initial correlation).

NTK.  With the fixed-point variance q, the NTK of seed 001 (Lemma 1 with the
roles of q and q-dot as in Jacot et al., seed 002 Theorem 1 lines 185-195) obeys
K^{l+1} = f'(c^l) K^l + q c^{l+1}.  An ansatz K^l = A l + sum_{n>=0} P_n(log l)/l^n,
substituted and solved order by order, gives K^L/L = A + B log(L)/L + D/L + ...
with A = q/(1 + alpha), alpha = -[1/l] f'(c^l), and B = kappa q / (alpha (1 + alpha)),
kappa = [log(l)/l^2] f'(c^l).  Since kappa = alpha beta, B = beta q / (1 + alpha):
the log(L)/L rate vanishes exactly when the Fatou log coefficient beta does, i.e.
g_2 = -g_1^2; for smooth maps 2 f^(3)(1) = 3 f''(1)^2; never for the ReLU family
(beta = 3/2 and alpha = 3 for every (a, b)).

Public API (used by the claim checkers of issue 5):
:func:`depth_expansion`, :func:`relu_eoc_depth_law`, :func:`relu_family_depth_law`,
:func:`resnet_relu_depth_law`, :func:`smooth_eoc_depth_law`, :func:`ntk_depth_law`,
:func:`normalized_ntk_depth_law`, and the classes :class:`DepthExpansion`,
:class:`FatouCoordinate`, :class:`DepthLaw`, :class:`NTKDepthLaw`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Optional, Tuple

import mpmath
import sympy

from asymptotics.accuracy import Approx
from asymptotics.formal_series import Series
from asymptotics.series import (LocalExpansion, require_taylor, numeric_value, relu_family_puiseux, relu_puiseux,
                                resnet_relu_puiseux, smooth_taylor)
from asymptotics.validation import ComputationError, InputError, check_depth, check_digits, check_finite, exact_real

__all__ = [
    "DEPTH", "ELL0", "LOG_DEPTH",
    "DepthExpansion", "FatouCoordinate", "DepthLaw", "NTKDepthLaw",
    "fatou_coordinate", "depth_expansion", "relu_eoc_depth_law", "relu_family_depth_law",
    "resnet_relu_depth_law", "smooth_eoc_depth_law", "ntk_depth_law", "normalized_ntk_depth_law",
    "linear_recursion_expansion",
]

#: the depth l
DEPTH = sympy.Symbol("l", positive=True)
#: log(l)
LOG_DEPTH = sympy.log(DEPTH)
#: the depth shift ell_0: Phi(u_l) = l + ell_0 (depends on the initial correlation)
ELL0 = sympy.Symbol("ell_0", real=True)

# internal formal variables: X = 1/l, Y = log(l), EPS = 1/(l + ell_0), LG = log(l + ell_0)
_X, _Y = sympy.symbols("X Y", positive=True)
_LG = sympy.Symbol("LG", positive=True)


def _check_terms(terms) -> int:
    if isinstance(terms, bool) or not isinstance(terms, int) or terms < 1:
        raise InputError("terms", f"expected an integer >= 1, got {terms!r}")
    if terms > 8:
        raise InputError("terms", f"at most 8 orders are supported, got {terms}")
    return terms


def _tidy(expr):
    """Expand, collect powers of ell_0 and factor each coefficient (cheap, canonical enough)."""
    expr = sympy.expand(expr)
    if expr == 0:
        return sympy.Integer(0)
    parts = sympy.collect(expr, ELL0, evaluate=False)
    return sympy.Add(*[sympy.factor(c) * k for k, c in parts.items()])


# ---------------------------------------------------------------------------
# result type
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class DepthExpansion:
    """sum over (n, k) of coefficients[(n, k)] * log(l)^k / l^n + O(log(l)^r / l^s).

    ``remainder = (s, r)`` is the first omitted order.  Coefficients are SymPy
    expressions in the local-expansion symbols and possibly ``ELL0``;
    ``values`` holds the numerical values of the former.
    """

    quantity: str
    coefficients: Dict[Tuple[int, int], object]
    remainder: Tuple[int, int]
    values: Dict = field(default_factory=dict, compare=False)
    constant: object = 0  # the l-independent part (e.g. 1 in f'(c^l) = 1 - 3/l + ...)

    def expr(self):
        """The expansion as a SymPy expression in ``DEPTH`` (without the O-term)."""
        return self.constant + sympy.Add(*[c * LOG_DEPTH**k / DEPTH**n
                                           for (n, k), c in sorted(self.coefficients.items())])

    def is_universal(self, key) -> bool:
        return ELL0 not in sympy.sympify(self.coefficients[key]).free_symbols

    def coefficient(self, n: int, k: int = 0):
        return self.coefficients.get((n, k), sympy.Integer(0))

    def terms(self, dps: int = 20):
        """Rows (n, k, coefficient, Approx or None, universal) ordered by size.

        The value is None for terms that depend on ell_0.
        """
        rows = []
        for (n, k) in sorted(self.coefficients, key=lambda nk: (nk[0], -nk[1])):
            c = self.coefficients[(n, k)]
            uni = self.is_universal((n, k))
            rows.append((n, k, c, numeric_value(c, self.values, dps) if uni else None, uni))
        return rows

    def universal_part(self) -> "DepthExpansion":
        """Only the leading orders whose every coefficient is free of ell_0."""
        keep, cut = {}, None
        for n in sorted({n for n, _ in self.coefficients}):
            keys = [key for key in self.coefficients if key[0] == n]
            if all(self.is_universal(key) for key in keys):
                keep.update({key: self.coefficients[key] for key in keys})
            else:
                universal_logs = [key for key in keys if self.is_universal(key)]
                keep.update({key: self.coefficients[key] for key in universal_logs})
                cut = (n, min(k for kk, k in keys if not self.is_universal(kk)))
                # keep only the log powers above the first ell_0-dependent one
                keep = {key: v for key, v in keep.items() if key[0] < n or key[1] > cut[1]}
                break
        return DepthExpansion(self.quantity, keep, cut or self.remainder, self.values, self.constant)

    def evaluate(self, depth, ell0=None, dps: int = 30):
        """Value of the truncated expansion at a depth (mpf at ``dps`` digits)."""
        dps = check_digits("dps", dps)
        with mpmath.workdps(dps + 10):
            l = mpmath.mpf(depth)
            logl = mpmath.log(l)
            subs = {s: sympy.Float(v.mid, dps + 10) for s, v in self.values.items()}
            if ell0 is not None:
                subs[ELL0] = sympy.Float(mpmath.mpf(ell0), dps + 10)
            total = mpmath.mpf(sympy.N(sympy.sympify(self.constant).subs(subs), dps + 10))
            for (n, k), c in self.coefficients.items():
                cv = sympy.N(sympy.sympify(c).subs(subs), dps + 10)
                if not cv.is_number:
                    raise InputError("ell0", f"term log(l)^{k}/l^{n} of {self.quantity} needs ell0")
                total += mpmath.mpf(cv) * logl**k / l**n
            return +total

    def leading(self):
        n, k = min(self.coefficients, key=lambda nk: (nk[0], -nk[1]))
        return n, k, self.coefficients[(n, k)]


def _series_to_expansion(series: Series, quantity: str, values, constant_allowed=True) -> DepthExpansion:
    """Convert a Series in _X with coefficients polynomial in _Y to a DepthExpansion."""
    coefficients, constant = {}, sympy.Integer(0)
    for n, c in series.coeffs.items():
        poly = sympy.Poly(sympy.expand(c), _Y)
        for (k,), coeff in poly.terms():
            coeff = _tidy(coeff)
            if coeff == 0:
                continue
            if n == 0 and k == 0 and constant_allowed:
                constant = coeff
            else:
                coefficients[(-n if n < 0 else n, k)] = coeff if n >= 0 else coeff
    # remainder: first omitted power n; the log power grows by one per order: at most n - (leading power)
    powers = [n for n, _ in coefficients]
    lead = min(powers) if powers else series.precision
    rem = (series.precision, max(0, series.precision - lead))
    return DepthExpansion(quantity, coefficients, rem, dict(values), constant)


# ---------------------------------------------------------------------------
# Fatou coordinate
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class FatouCoordinate:
    """Phi(u) = 1/(g1 u) + beta log(g1 u) + sum_k c[k-1] u^k with Phi(G(u)) = Phi(u) + 1 + O(u^(K+1)).

    ``g`` are the coefficients of G(u) = u - sum_k g[k-1] u^(k+1), u = delta^(1/m).
    """

    ramification: int
    g: Tuple
    beta: object
    c: Tuple
    values: Dict = field(default_factory=dict, compare=False)

    def _coefficients(self, dps: int):
        """g1, beta, c_1..c_K as Approx at ``dps`` digits (radius: rounding and the values' radii)."""
        return [numeric_value(e, self.values, dps) for e in (self.g[0], self.beta) + tuple(self.c)]

    def _phi_terms(self, u, coeffs):
        g1, beta = coeffs[0].mid, coeffs[1].mid
        return [1 / (g1 * u), beta * mpmath.log(g1 * u)] + [ck.mid * u**k for k, ck in enumerate(coeffs[2:], start=1)]

    def evaluate(self, delta, dps: int = 30):
        """Phi_K at u = delta^(1/m), ``delta`` taken as exact: ``dps`` significant digits.

        The sum is redone with the digits its cancellation cost added (none for small u, where
        1/(g1 u) dominates every other term).
        """
        dps = check_digits("dps", dps)
        exact = _exact_positive("delta", delta)
        work = dps + 10
        while True:
            with mpmath.workdps(work):
                u = _mpf_of(exact) ** (mpmath.mpf(1) / self.ramification)
                terms = self._phi_terms(u, self._coefficients(work))
                total = mpmath.fsum(terms)
                lost = _digits_lost(terms, total)
                if lost + dps + 5 <= work:
                    return +total
            work = dps + 10 + lost

    def depth_shift(self, delta_at_depth, depth, dps: int = 30):
        """ell_0 = Phi_K(u_L) - L from one orbit point (u_L = (1 - c^L)^(1/m) at depth L).

        Accuracy.  With ``delta_at_depth`` taken as exact, the result has ``dps`` correct digits
        relative to max(1, |ell_0|), plus the truncation error O(u_L^(K+1)) of Phi_K (about
        L^-(K+1) for the ReLU family).  Why the precision is scaled: Phi_K(u_L) = L + ell_0 is of
        size L, so the subtraction cancels log10(L) digits; Phi_K (and L itself) is therefore
        evaluated with dps + log10(L) + 10 digits, rechecked after the sum (a fixed dps + 10, as
        before, returned noise of size L 10^-(dps+10) at L = 10^100).
        The input's own uncertainty is amplified the same way: |d ell_0 / d delta| delta ~ L/m,
        so a delta with relative accuracy r determines ell_0 only to about L r / m, i.e.
        log10(1/r) - log10(L) digits (a 60-digit delta at L = 10^100 determines none; ell_0 is
        constant on the orbit, so take it at a smaller depth or compute delta with more digits).
        Pass ``delta_at_depth`` as an :class:`Approx` to have this checked: its radius and the
        radii of the local coefficients' values are propagated (first order), and a
        ComputationError is raised when fewer than ``dps`` digits survive.
        """
        dps = check_digits("dps", dps)
        ball = delta_at_depth if isinstance(delta_at_depth, Approx) else None
        delta = _exact_positive("delta_at_depth", ball.mid if ball is not None else delta_at_depth)
        depth = check_depth("depth", depth)
        m = self.ramification
        with mpmath.workdps(30):  # the size of Phi_K, hence the digits the subtraction cancels
            size = 1 / _mpf_of(delta) ** (mpmath.mpf(1) / m) + mpmath.mpf(depth)
            work = dps + 10 + max(0, int(mpmath.ceil(mpmath.log10(size))))
        while True:
            with mpmath.workdps(work):
                u = _mpf_of(delta) ** (mpmath.mpf(1) / m)
                coeffs = self._coefficients(work)
                terms = self._phi_terms(u, coeffs) + [-mpmath.mpf(depth)]
                ell0 = mpmath.fsum(terms)
                lost = _digits_lost(terms, ell0)
                if lost + dps + 5 > work:
                    work = dps + 10 + lost
                    continue
                if ball is not None:
                    self._check_propagated(ball, u, coeffs, ell0, dps)
                return +ell0

    def _check_propagated(self, ball, u, coeffs, ell0, dps):
        """Refuse when delta's radius or the values' radii leave fewer than dps digits of ell_0."""
        g1, beta = coeffs[0].mid, coeffs[1].mid
        dphi_du = -1 / (g1 * u**2) + beta / u + sum(k * c.mid * u ** (k - 1) for k, c in enumerate(coeffs[2:], start=1))
        du_ddelta = u / (self.ramification * ball.mid)
        spread = abs(dphi_du * du_ddelta) * ball.rad
        spread += abs(-1 / (g1**2 * u) + beta / g1) * coeffs[0].rad + abs(mpmath.log(g1 * u)) * coeffs[1].rad
        spread += sum(u**k * c.rad for k, c in enumerate(coeffs[2:], start=1))
        allowed = mpmath.mpf(10) ** -dps * max(1, abs(ell0))
        if spread > allowed:
            kept = max(0, int(mpmath.floor(mpmath.log10(max(1, abs(ell0)) / spread))))
            raise ComputationError(f"ell_0 = Phi(u_L) - L: the uncertainty of 1 - c^L (relative "
                                   f"{mpmath.nstr(ball.rad / abs(ball.mid), 2)}) and of the local coefficients, "
                                   f"amplified about L times, leaves {kept} of the {dps} digits asked for; use a smaller "
                                   f"depth on the same orbit or compute 1 - c^L with more digits")


def _exact_positive(name, value):
    value = exact_real(name, value)
    if value <= 0:
        raise InputError(name, f"must be > 0, got {value}")
    return value


def _mpf_of(q):
    """An exact Fraction rounded to the working precision (the guard digits absorb the two roundings)."""
    return mpmath.mpf(q.numerator) / q.denominator


def _digits_lost(terms, total) -> int:
    """Decimal digits a sum cancels: log10(max |term| / |total|), at least 0."""
    big = max(abs(t) for t in terms)
    if big == 0:
        return 0
    if total == 0:
        return mpmath.mp.dps + 10
    return max(0, int(mpmath.ceil(mpmath.log10(big / abs(total)))))


def _parabolic_map_coefficients(local: LocalExpansion, n_coeffs: int):
    """g_1..g_n of G(u)/u = (1 - sum_j A_j u^j)^(1/m) = 1 - sum_k g_k u^k."""
    A = local.map_coefficients
    if len(A) < n_coeffs:
        raise InputError("terms", f"local expansion {local.name} has {len(A)} coefficients, "
                                  f"{n_coeffs} are needed; build it with a higher order")
    S = Series({j + 1: A[j] for j in range(n_coeffs)}, n_coeffs + 1)
    ratio = (1 - S).power(sympy.Rational(1, local.ramification))
    return tuple(_tidy(-ratio[k]) for k in range(1, n_coeffs + 1))


def fatou_coordinate(local: LocalExpansion, order: int) -> FatouCoordinate:
    """Solve Phi(G(u)) = Phi(u) + 1 for beta, c_1..c_order, order by order."""
    g = _parabolic_map_coefficients(local, order + 2)
    if g[0] == 0:
        raise InputError("local", "the leading coefficient vanishes: the fixed point is not parabolic of this order")
    prec = order + 3
    ratio = 1 - Series({k + 1: g[k] for k in range(order + 2)}, prec)  # G(u)/u
    one_over = (ratio.reciprocal() - 1).shift(-1) / g[0]               # (1/(g1 G) - 1/(g1 u))
    log_ratio = (ratio - 1).log1p()
    beta = sympy.Symbol("beta_")
    cs = sympy.symbols(f"c_1:{order + 1}")
    residual = one_over + log_ratio * beta - 1
    for k, ck in enumerate(cs, start=1):
        residual = residual + (ratio ** k - 1).shift(k) * ck
    solution = {}
    equations = [residual[n] for n in range(0, order + 2)]
    if sympy.simplify(equations[0]) != 0:
        raise AssertionError("constant term of the Abel equation should vanish identically")
    unknowns = [beta] + list(cs)
    for n, unknown in zip(range(1, order + 2), unknowns):
        eq = sympy.expand(equations[n].subs(solution))
        sol = sympy.solve(eq, unknown)
        if len(sol) != 1:
            raise AssertionError(f"Abel equation at order u^{n} not uniquely solvable")
        solution[unknown] = _tidy(sol[0])
    return FatouCoordinate(local.ramification, g, solution[beta], tuple(solution[c] for c in cs), dict(local.values))


# ---------------------------------------------------------------------------
# depth expansion of delta_l and f'(c^l)
# ---------------------------------------------------------------------------

def _invert_fatou(fatou: FatouCoordinate, orders: int) -> Series:
    """u as a series in EPS = 1/N with coefficients polynomial in LG = log N, N = Phi(u)."""
    g1 = fatou.g[0]
    v = Series.constant(1, orders)  # v = g1 u N
    for _ in range(orders):
        log_u = (v - 1).log1p() - _LG  # log(g1 u) = log(v) - log(N)
        u_eps = v.shift(1) / g1
        inner = log_u * fatou.beta
        power = Series.constant(1, orders + 1)
        for ck in fatou.c:
            power = power * u_eps
            inner = inner + power * ck
        v = (1 - inner.shift(1).truncate(orders)).reciprocal()
    return v.shift(1) / g1  # precision orders + 1


def _in_depth(series_eps: Series, precision: int) -> Series:
    """Substitute EPS = X/(1 + ell_0 X), LG = Y + log(1 + ell_0 X): a series in X = 1/l."""
    X = Series({1: 1}, precision + 2)
    eps = X / (1 + X * ELL0)
    lg = (X * ELL0).log1p() + _Y
    total = Series({}, precision)
    for n, coeff in series_eps.coeffs.items():
        poly = sympy.Poly(sympy.expand(coeff), _LG)
        part = Series({}, precision)
        for (k,), ck in poly.terms():
            part = part + (lg ** k) * ck
        total = total + (eps ** n) * part
    return total.truncate(min(precision, series_eps.precision))


@dataclass(frozen=True)
class DepthLaw:
    """Derived large-depth behaviour of one correlation map (see module docstring)."""

    local: LocalExpansion
    fatou: FatouCoordinate
    one_minus_c: DepthExpansion     # delta_l = 1 - c^l
    slope: DepthExpansion           # f'(c^l)
    u_series: Series = field(compare=False, default=None)

    @property
    def alpha(self):
        """-[1/l] f'(c^l): 3 for the ReLU family, 2 for smooth activations."""
        return sympy.simplify(-self.slope.coefficient(1, 0))

    @property
    def kappa(self):
        """[log(l)/l^2] f'(c^l): the coefficient that drives the log(L)/L rate of K^L/L."""
        return sympy.simplify(self.slope.coefficient(2, 1))

    def constants(self, dps: int = 20) -> Dict[str, Tuple[object, Approx]]:
        """The universal derived constants by name: {name: (SymPy expression, Approx value)}.

        delta_leading: [1/l^m] (1 - c^l); delta_log: [log(l)/l^(m+1)] (1 - c^l);
        slope_alpha: -[1/l] f'(c^l); slope_log: [log(l)/l^2] f'(c^l);
        fatou_beta: beta; ntk_lambda = 1/(1+alpha); ntk_rate_B_over_q = beta/(1+alpha).
        """
        m = self.local.ramification
        exprs = {
            "delta_leading": self.one_minus_c.coefficient(m, 0),
            "delta_log": self.one_minus_c.coefficient(m + 1, 1),
            "slope_alpha": self.alpha,
            "slope_log": self.kappa,
            "fatou_beta": self.fatou.beta,
            "ntk_lambda": sympy.simplify(1 / (1 + self.alpha)),
            "ntk_rate_B_over_q": sympy.simplify(self.fatou.beta / (1 + self.alpha)),
        }
        return {k: (v, numeric_value(v, self.local.values, dps)) for k, v in exprs.items()}


def depth_expansion(local: LocalExpansion, terms: int = 3) -> DepthLaw:
    """Expansions of delta_l = 1 - c^l and f'(c^l) to ``terms`` orders in 1/l.

    delta_l = sum_{n=m}^{m+terms-1} P_n(log l) / l^n + O(log(l)^terms / l^(m+terms)),
    f'(c^l) = 1 + sum_{n=1}^{terms} Q_n(log l) / l^n + O(log(l)^terms / l^(terms+1)),
    with P_n, Q_n polynomials whose coefficients are SymPy expressions in the
    local coefficients and ELL0.  Works for symbolic A_j, D_j.
    """
    terms = _check_terms(terms)
    m = local.ramification
    fatou = fatou_coordinate(local, terms)
    u_eps = _invert_fatou(fatou, terms)
    u = _in_depth(u_eps, terms + 1)                 # u = sum_{i=1}^{terms} X^i U_i(Y)
    delta = u ** m                                   # precision terms + m
    D = local.derivative_coefficients
    if len(D) < terms:
        raise InputError("terms", f"local expansion {local.name} has too few slope coefficients")
    slope = Series.constant(1, terms + 1)
    power = Series.constant(1, terms + 1)
    for j in range(terms):
        power = power * u
        slope = slope - power * D[j]
    values = dict(local.values)
    return DepthLaw(local, fatou,
                    _series_to_expansion(delta, "1 - c^l", values),
                    _series_to_expansion(slope.truncate(terms + 1), "f'(c^l)", values),
                    u)


def relu_eoc_depth_law(terms: int = 3) -> DepthLaw:
    """ReLU on the EOC (sigma_w^2 = 2, sigma_b = 0): 1 - c^l = 9 pi^2/(2 l^2) - ... (exact constants)."""
    terms = _check_terms(terms)
    return depth_expansion(relu_puiseux(terms + 2), terms)


def relu_family_depth_law(terms: int = 3, a=0, b=1) -> DepthLaw:
    """(a, b)-ReLU on its EOC; a, b numbers or SymPy symbols."""
    terms = _check_terms(terms)
    return depth_expansion(relu_family_puiseux(terms + 2, a, b), terms)


def resnet_relu_depth_law(terms: int = 3, sigma_w=sympy.Symbol("sigma_w", positive=True)) -> DepthLaw:
    """Residual ReLU network of seed 001 Appendix Lemma 9 (lines 1326-1360); slope is plain-ReLU f'."""
    terms = _check_terms(terms)
    return depth_expansion(resnet_relu_puiseux(terms + 2, sigma_w), terms)


def smooth_eoc_depth_law(activation: str = "tanh", sigma_b=0.2, terms: int = 3, dps: int = 30) -> DepthLaw:
    """Smooth activation on the EOC at sigma_b: coefficients in f2 = f''(1), f3 = f'''(1), ... with values."""
    terms = _check_terms(terms)
    require_taylor(activation, terms + 3, f"the depth law with {terms} terms")
    return depth_expansion(smooth_taylor(activation, sigma_b, terms + 2, dps), terms)


# ---------------------------------------------------------------------------
# NTK: K^{l+1} = lambda_l K^l + b_l
# ---------------------------------------------------------------------------

def _shift_depth(series: Series) -> Series:
    """l -> l + 1 for a series in X = 1/l with coefficients polynomial in Y = log l."""
    prec = series.precision
    X = Series({1: 1}, prec + 2)
    x_shift = X / (1 + X)
    y_shift = X.log1p() + _Y
    total = Series({}, prec)
    for n, coeff in series.coeffs.items():
        poly = sympy.Poly(sympy.expand(coeff), _Y)
        part = Series({}, prec - n + max(series.valuation, 0) + 2)
        for (k,), ck in poly.terms():
            part = part + (y_shift ** k) * ck
        if n >= 0:
            factor = x_shift ** n
        else:
            factor = (1 + X) ** (-n) * Series({n: 1}, prec + 2)  # (l+1)^{-n} = X^n (1+X)^{-n}
        total = total + factor * part
    return total.truncate(prec)


def linear_recursion_expansion(lam: Series, b: Series, orders: int) -> Series:
    """a_l with a_{l+1} = lam_l a_l + b_l, lam = 1 - alpha/l + ..., as A l + sum_{n=0}^{orders-1} P_n(log l)/l^n.

    The ansatz is substituted and solved as a linear system; orders at or beyond
    alpha (where l^-alpha, the homogeneous solution, resonates) are refused.
    """
    unknowns, coeffs = [], {}
    top = orders - 1
    for n in range(-1, orders):
        for k in range(0, n + 3):
            s = sympy.Symbol(f"a_{n + 1}_{k}")
            unknowns.append(s)
            coeffs[n] = coeffs.get(n, 0) + s * _Y**k
    prec = top + 2
    a = Series(coeffs, prec)
    lhs = _shift_depth(a)
    rhs = lam.truncate(prec + 1) * a + b
    eq_series = lhs - rhs
    equations = []
    for n in range(-1, prec):
        poly = sympy.Poly(sympy.expand(eq_series[n]), _Y)
        equations.extend(c for c in poly.coeffs())
    sol = sympy.solve(equations, unknowns, dict=True)
    if len(sol) != 1:
        raise InputError("terms", "the NTK recursion has no unique expansion at this order (resonance)")
    sol = sol[0]
    free = [s for s in unknowns if s not in sol]
    if free:
        raise InputError("terms", f"order too high: the homogeneous solution enters ({len(free)} free constants)")
    return Series({n: sympy.expand(c.subs(sol)) for n, c in coeffs.items()}, prec - 1)


@dataclass(frozen=True)
class NTKDepthLaw:
    """Averaged NTK AK^L = K^L / L for x != x' (``off_diagonal``) and its derived constants."""

    law: DepthLaw
    q: object
    off_diagonal: DepthExpansion      # AK^L(x, x') for c^1 < 1
    diagonal_limit: object            # AK^inf(x, x) = q
    limit_ratio: object               # lambda = AK^inf(x,x') / AK^inf(x,x) = 1/(1+alpha)
    rate_constant: object             # B in AK^L - AK^inf = B log(L)/L + O(1/L)

    def rate_constant_value(self, dps: int = 20) -> Approx:
        return numeric_value(self.rate_constant, self.off_diagonal.values, dps)

    def limit_ratio_value(self, dps: int = 20) -> Approx:
        return numeric_value(self.limit_ratio, self.off_diagonal.values, dps)


def ntk_depth_law(law: DepthLaw, q=1, orders: int = 2, quantity: str = "K^L/L") -> NTKDepthLaw:
    """Expansion of K^L/L from K^{l+1} = f'(c^l) K^l + q c^{l+1} (orders: in 1/L after the constant).

    The diagonal x = x' has c = 1: K^L = q L exactly at the fixed-point variance,
    so AK^L(x, x) = q (a transient of the variance adds O(1/L)).
    """
    orders = _check_terms(orders)
    need = orders + 2
    if law.slope.remainder[0] < need + 1 or law.one_minus_c.remainder[0] < need + 1:
        raise InputError("orders", "the depth law has too few terms for this NTK order; derive it with more terms")
    q = sympy.sympify(q)
    lam = _expansion_to_series(law.slope, need + 1)
    delta = _expansion_to_series(law.one_minus_c, need + 1)
    b = (1 - _shift_depth(delta)) * q
    a = linear_recursion_expansion(lam, b.truncate(need + 1), orders)
    average = a.shift(1)  # K^L / L
    expansion = _series_to_expansion(average.truncate(orders + 1), quantity, law.local.values)
    alpha = law.alpha
    return NTKDepthLaw(law, q, expansion, q, sympy.simplify(1 / (1 + alpha)),
                       sympy.simplify(expansion.coefficient(1, 1)))


def _expansion_to_series(expansion: DepthExpansion, precision: int) -> Series:
    if expansion.remainder[0] < precision:
        raise InputError("terms", f"{expansion.quantity} is only known to O(1/l^{expansion.remainder[0]})")
    coeffs = {0: sympy.sympify(expansion.constant)}
    for (n, k), c in expansion.coefficients.items():
        coeffs[n] = coeffs.get(n, 0) + c * _Y**k
    return Series(coeffs, precision)


def normalized_ntk_depth_law(orders: int = 2) -> NTKDepthLaw:
    """Seed 000 Definition 4 / Proposition 4 (lines 288-305): Theta-bar^L for unit inputs, ReLU, sigma_w = 1.

    Theta-bar^(L) = n0 2^(L-1) Theta^(L) / L equals K^L / L of the EOC-normalised
    ReLU recursion with q = 1: Theta-bar^(L+1) = (L/(L+1)) h'(rho^L) Theta-bar^L
    + h(rho^L)/(L+1), h = f.  Diagonal: exactly 1.
    """
    law = relu_eoc_depth_law(orders + 3)
    return ntk_depth_law(law, 1, orders, quantity="Theta-bar^L(x, x')")
